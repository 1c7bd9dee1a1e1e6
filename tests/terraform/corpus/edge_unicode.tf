# Ünïcödé in comments: 日本語, emoji 🚀
locals {
  héllo       = "wörld"
  日本        = "東京"
  δ-delta     = 1
  naïve_name  = "café ${var.naïve}"
  emoji       = "🚀 launch ${var.x} ✅"
  mixed_ключ  = { ключ = "значение", "ключ с пробелом" = 2 }
  rtl         = "שלום"
  combining   = "e\u0301 vs é"
}

resource "aws_dynamodb_table" "tàble" {
  name     = "unicode-${local.日本}"
  hash_key = "id"
  tags = {
    Ownér = "Zoë"
  }
}
