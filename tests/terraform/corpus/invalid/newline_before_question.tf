locals {
  x = var.a
    ? 1 : 2
}
