locals {
  precedence  = 1 + 2 * 3 - 4 / 5 % 6
  compare     = 1 + 1 > 1 == true
  logic       = !var.a && var.b || var.c && !var.d
  unary_chain = !!var.a
  neg_neg     = - -1
  neg_expr    = -var.n * 2
  neg_lit     = -1.5
  not_lit     = !false
  parens      = (1 + 2) * (3 - 4)
  ne          = var.a != var.b
  le_ge       = var.a <= var.b && var.c >= var.d && var.e < var.f && var.g > var.h
  cond_in_op  = (var.a ? 1 : 2) + 3
  op_in_cond  = var.a + 1 > 2 ? var.b * 2 : var.c / 2
  multiline_parens = (
    var.first
    + var.second
    * var.third
  )
  in_call     = max(1 + 2, 3 * 4, -5)
  mod_chain   = 17 % 5 % 3
  div_chain   = 8 / 4 / 2
  sub_chain   = 10 - 3 - 2
  string_eq   = "a" == "a"
  null_check  = var.x == null ? "none" : var.x
}
