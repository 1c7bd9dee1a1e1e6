locals {
  # A heredoc inside an interpolation inside a heredoc.
  outer = <<OUTER
before ${upper(<<INNER
inner line with ${var.x}
  indented inner
INNER
)} after
second ${<<-DEEP
    deep ${"quoted ${var.y} in deep"}
    DEEP
}
OUTER

  # A heredoc as a function argument and inside a tuple.
  list = [<<A
first
A
  , <<-B
    second
    B
  , "third"]

  in_quoted = "start ${join(",", [<<EOT
x
EOT
])} end"

  # The outer marker inside an interpolation is an identifier, not the end.
  tricky = <<EOF
${
EOF
}
EOF
}

variable "EOF" {
  default = 1
}
