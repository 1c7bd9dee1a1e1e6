locals {
  x = a.0.1
}
