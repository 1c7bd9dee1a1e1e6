locals {
  if_only     = "%{if var.enabled}on%{endif}"
  if_else     = "%{ if var.enabled }on%{ else }off%{ endif }"
  for_key_val = "%{ for k, v in var.map }${k}=${v};%{ endfor }"
  for_val     = "%{for v in var.list}[${v}]%{endfor}"
  nested      = "%{ for v in var.list }%{ if v != "" }${v} %{ endif }%{ endfor }"
  interp_cond = "mode: ${var.prod ? "prod" : "dev"}!"
  interp_cond_num = "n=${var.big ? 10 : 1}"
  interp_cond_expr = "x${var.a ? var.b : "c"}y"
  wrapped_cond = "${var.a ? "yes" : "no"}"
  wrapped_bool = "${true}"
  wrapped_num  = "${42}"
  wrapped_list = "${[1, 2]}"
  wrapped_obj  = "${ { a = 1 } }"
  two_interps  = "${var.a}${var.b}"
  empty_parts  = "%{if var.a}%{endif}"
  heredoc_directives = <<EOT
%{ for user in var.users ~}
user ${user.name} %{ if user.admin }(admin)%{ endif }
%{ endfor ~}
EOT
  for_in_if    = "%{if length(var.l) > 0}%{for x in var.l}${x}%{endfor}%{else}empty%{endif}"
  if_with_interp_only = "%{if var.a}${var.b}%{else}${var.c}%{endif}"
}
