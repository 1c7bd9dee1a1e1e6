locals {
  x = "%{endfor}"
}
