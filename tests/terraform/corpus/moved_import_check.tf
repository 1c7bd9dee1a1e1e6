moved {
  from = aws_dynamodb_table.this
  to   = aws_dynamodb_table.this[0]
}

moved {
  from = module.old_vpc
  to   = module.vpc
}

import {
  to = aws_kms_key.imported
  id = "1234abcd-12ab-34cd-56ef-1234567890ab"
}

import {
  for_each = var.existing_tables
  to       = aws_dynamodb_table.existing[each.key]
  id       = each.value
}

removed {
  from = aws_elasticache_cluster.legacy

  lifecycle {
    destroy = false
  }
}

check "table_encryption" {
  data "aws_dynamodb_table" "check" {
    name = aws_dynamodb_table.this[0].name
  }

  assert {
    condition     = data.aws_dynamodb_table.check.server_side_encryption[0].enabled
    error_message = "Table ${data.aws_dynamodb_table.check.name} is not encrypted with a customer managed key."
  }
}

resource "aws_kms_key" "imported" {
  description = "imported"

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags["LastRotated"], description]

    postcondition {
      condition     = self.enable_key_rotation
      error_message = "Key rotation must stay enabled."
    }
  }
}

resource "terraform_data" "replacement" {
  input            = var.revision
  triggers_replace = [aws_kms_key.imported.arn]
}
