resource "aws_dynamodb_table" "t" {
  point_in_time_recovery { enabled = true }
  ttl { enabled = false }
  server_side_encryption { enabled = true }
  timeouts {}
  empty_spaced {  }
  lifecycle { create_before_destroy = true }
  one_line_object { value = { a = 1, b = [1, 2] } }
  one_line_heredoc_free { expr = var.a ? "x" : "y" }
}
locals { one_line_locals = "yes" }
variable "v" { default = 1 }
variable "w" {}
output "o" { value = local.one_line_locals }
terraform { required_version = ">= 1.0" }
