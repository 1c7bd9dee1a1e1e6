locals {
  tuple_trailing  = [1, 2, 3,]
  tuple_multiline = [
    "a",
    "b",
  ]
  object_trailing = { a = 1, b = 2, }
  object_commas = {
    a = 1,
    b = 2,
  }
  call_trailing = max(1, 2, 3,)
  call_multiline = coalesce(
    var.a,
    var.b,
  )
  nested = [{ a = [1,], b = { c = 2, }, },]
  empty_tuple  = []
  empty_object = {}
  colon_object = { "a": 1, "b": [2, 3], c: { d: 4 } }
}
