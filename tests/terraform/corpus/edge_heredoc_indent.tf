locals {
  indented = <<-EOT
      four extra
    base
        eight extra

    after blank
  EOT

  with_interp_at_start = <<-EOT
      text
    ${var.at_base} tail
      more
    EOT

  tabs = <<-EOT
		two tabs
			three tabs
		EOT

  whitespace_line = <<-EOT
    a
  
    b
    EOT

  strip_then_dedent = <<-EOT
    %{ for a in var.b ~}
    item ${a}
    %{ endfor ~}
  EOT

  directive_lines = <<-EOT
    %{ if var.a }
      yes
    %{ else }
      no
    %{ endif }
  EOT

  plain_not_dedented = <<EOT
    kept
  as is
EOT

  marker_indented_plain = <<EOT
x
   EOT

  marker_like_lines = <<END
ENDING is not the end
 END2
END
}
