locals {
  x = <<EOF
never closed
}
