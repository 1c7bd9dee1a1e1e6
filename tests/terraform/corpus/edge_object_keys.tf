locals {
  keys = {
    bare          = 1
    "quoted"      = 2
    "with.dot"    = 3
    "with space"  = 4
    (var.dynamic) = 5
    "${var.tmpl}" = 6
    "pre-${var.x}" = 7
    hyphen-key    = 8
    _underscore   = 9
    true          = 10
    42            = 11
    "esc$${x}"    = 12
    traversal.key = 13
    indexed[0]    = 14
    func_key      = upper("v")
  }
  colons = {
    a : 1
    "b" : 2
  }
  newline_separated = {
    x = 1
    y = 2

    z = 3
  }
  duplicate_later_wins = { a = 1, a = 2 }
}
