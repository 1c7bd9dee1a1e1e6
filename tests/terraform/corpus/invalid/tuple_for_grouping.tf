locals {
  x = [for v in var.l : v...]
}
