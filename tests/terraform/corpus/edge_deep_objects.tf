locals {
  deep = {
    l1 = {
      l2 = {
        l3 = {
          l4 = {
            l5 = {
              l6 = {
                l7 = {
                  l8 = {
                    l9 = {
                      l10 = [[[[[[{ leaf = "value ${var.x}" }]]]]]]
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  deep_expr = ((((((((((1 + 2) * 3) - 4) / 5) % 6) + 7) * 8) - 9) / 10) % 11)
  deep_call = max(min(abs(floor(ceil(log(pow(2, 8), 2)))), 100), 0)
  deep_template = "${"${"${"${"${var.x}"}"}"}"}"
  deep_cond = var.a ? var.b ? var.c ? 1 : 2 : 3 : var.d ? 4 : 5
}

resource "a" "b" {
  l1 {
    l2 {
      l3 {
        l4 {
          l5 {
            leaf = true
          }
        }
      }
    }
  }
}
