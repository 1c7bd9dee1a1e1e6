resource "a" "b" { nested {} }
