locals {
  interp_strip    = "a   ${~ var.x ~}   b"
  left_only       = "a   ${~ var.x}   b"
  right_only      = "a   ${var.x ~}   b"
  escaped_newline = "a\n\t ${~ var.x ~} \n\tb"
  directive_strip = "x %{~ if var.y ~}  yes  %{~ else ~}  no  %{~ endif ~} z"
  for_strip       = "[%{~ for v in var.list ~} ${v}, %{~ endfor ~}]"
  adjacent        = "${var.a ~}   ${~ var.b}"
  only_strip      = " ${~ 1 ~} "
  heredoc_strip   = <<EOT
line one   
  ${~ var.x ~}   
line three
%{ for v in var.list ~}
- ${v}
%{ endfor ~}
done
EOT
  heredoc_prev_line = <<EOT
keep
${~ var.glued}
EOT
}
