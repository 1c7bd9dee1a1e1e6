locals {
  x = a.*.b.*.c
}
