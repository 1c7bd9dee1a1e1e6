resource "a" "b${var.c}" {
}
