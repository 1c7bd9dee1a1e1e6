locals {
  full           = aws_instance.web[*].id
  attr           = aws_instance.web.*.id
  full_index     = aws_instance.web[*].ebs[0].size
  attr_index     = aws_instance.web.*.ebs[0]
  full_nested    = var.groups[*].members[*].name
  full_then_attr = var.groups[*].members.*.name
  bare_full      = var.list[*]
  bare_attr      = var.list.*
  legacy_in_attr = var.list.*.0
  chained_index  = var.matrix[0][1]
  call_then_index = element(var.list, 0).id
  splat_of_call  = values(var.map)[*].arn
  tuple_splat    = [var.a, var.b][*].id
  paren_splat    = (var.list)[*].id
  for_over_splat = [for id in aws_instance.web[*].id : upper(id)]
  splat_in_tmpl  = "${join(",", aws_instance.web[*].private_ip)}"
}
