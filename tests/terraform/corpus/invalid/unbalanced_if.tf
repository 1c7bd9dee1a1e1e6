locals {
  x = "%{if a}yes"
}
