locals {
  zero      = 0
  int       = 42
  neg       = -17
  decimal   = 3.14159
  trailing0 = 1.50
  exp       = 1e3
  exp_upper = 2E10
  exp_plus  = 1.5e+3
  exp_minus = 25e-2
  big       = 12345678901234567890
  leading0  = 007
  tiny      = 0.000001
  in_tmpl   = "n=${1.50} e=${1e3} m=${25e-2} z=${0}"
  in_tuple  = [1, 2.5, -3, 4e2]
  in_obj    = { a = 1.0, b = -0.5 }
  as_key    = { 1 = "one", 2.50 = "two and a half" }
  legacy    = var.list.10
}
