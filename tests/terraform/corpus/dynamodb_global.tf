locals {
  tables = {
    orders = {
      hash_key  = "pk"
      range_key = "sk"
      replicas  = ["eu-west-1", "us-west-2"]
      encrypted = true
    }
    sessions = {
      hash_key  = "id"
      range_key = null
      replicas  = []
      encrypted = false
    }
  }

  replica_pairs = flatten([
    for table, cfg in local.tables : [
      for region in cfg.replicas : {
        table  = table
        region = region
      }
    ]
  ])
}

resource "aws_dynamodb_table" "global" {
  for_each = local.tables

  name             = "${var.prefix}-${each.key}"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = each.value.hash_key
  range_key        = each.value.range_key
  stream_enabled   = length(each.value.replicas) > 0
  stream_view_type = length(each.value.replicas) > 0 ? "NEW_AND_OLD_IMAGES" : null

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  dynamic "attribute" {
    for_each = each.value.range_key == null ? [] : [each.value.range_key]
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "replica" {
    for_each = toset(each.value.replicas)
    iterator = r
    content {
      region_name = r.key
      kms_key_arn = each.value.encrypted ? aws_kms_replica_key.table["${each.key}:${r.key}"].arn : null
    }
  }

  server_side_encryption {
    enabled     = each.value.encrypted
    kms_key_arn = each.value.encrypted ? aws_kms_key.table[each.key].arn : null
  }

  point_in_time_recovery { enabled = true }
}

resource "aws_kms_key" "table" {
  for_each                = { for k, v in local.tables : k => v if v.encrypted }
  description             = "DynamoDB table ${each.key}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  multi_region            = length(each.value.replicas) > 0
}

resource "aws_kms_replica_key" "table" {
  for_each = { for p in local.replica_pairs : "${p.table}:${p.region}" => p if local.tables[p.table].encrypted }

  provider        = aws.replica
  primary_key_arn = aws_kms_key.table[each.value.table].arn
  description     = "Replica of ${each.value.table} in ${each.value.region}"
}
