locals {
  index_string     = var.map["key"]
  index_template   = var.map["prefix-${var.k}"]
  index_expr       = var.list[length(var.list) - 1]
  index_newline    = var.list[
    0
  ]
  getattr_keyword  = var.obj.if.for.in
  null_value       = null
  bool_true        = true
  bool_false       = false
  true_attr        = var.true
  for_tuple_cond   = [for s in var.list : upper(s) if s != ""]
  for_object       = { for k, v in var.map : upper(k) => v }
  for_grouping     = { for s in var.list : substr(s, 0, 1) => s... }
  for_grouping_if  = { for s in var.list : substr(s, 0, 1) => s... if length(s) > 1 }
  for_key_value    = [for i, v in var.list : "${i}:${v}"]
  for_multiline = [
    for item in var.items :
    {
      name  = item.name
      value = item.value * 2
    }
    if item.enabled
  ]
  for_nested = { for k, v in var.m : k => [for x in v : x * 2] }
  for_cond_value = [for x in var.l : x > 0 ? "pos" : "neg"]
  tuple_of_for   = [[for x in var.a : x], [for y in var.b : y]]
  call_on_tmpl   = lower("MiXeD ${var.case}")
  conditional_tuple = var.enabled ? [1, 2] : []
  conditional_obj   = var.enabled ? { a = 1 } : {}
  try_chain      = try(var.a.b.c, var.a["b"]["c"], null)
  can_regex      = can(regex("^[a-z]+$", var.s))
  path_refs      = "${path.module}/${path.root}/${path.cwd}/${terraform.workspace}"
  self_ref       = "count=${count.index} each=${each.key}"
}
