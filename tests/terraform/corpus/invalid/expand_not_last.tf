locals {
  x = f(a..., b)
}
