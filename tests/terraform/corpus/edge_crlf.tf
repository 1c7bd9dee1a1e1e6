terraform {
  required_version = ">= 1.5"
}

resource "aws_kms_key" "crlf" {
  description = "CRLF line endings"
  enable_key_rotation = true # comment
  policy = <<EOF
{"Version": "2012-10-17",
 "Id": "${var.id}"}
EOF
  indented = <<-EOT
    line one
      line two
    EOT
  tags = {
    a = 1
    b = [
      1,
      2,
    ]
  }
}
// trailing comment
