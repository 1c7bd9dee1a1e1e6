# A data tier written the way teams write it: a DAX cluster, DynamoDB tables with a customer
# managed key, and caches from a local module. `atrest scan examples/terraform` evaluates it
# with terraform.tfvars; try `--var env=prod` to see the findings change.

variable "env" {
  type    = string
  default = "dev"
}

variable "tables" {
  type = map(object({
    pitr = optional(bool, true)
  }))
  default = {
    orders   = {}
    sessions = { pitr = false }
  }
}

locals {
  prod = var.env == "prod"
}

resource "aws_kms_key" "data" {
  description         = "data tier key"
  enable_key_rotation = true
}

resource "aws_kms_alias" "data" {
  name          = "alias/data-${var.env}"
  target_key_id = aws_kms_key.data.key_id
}

resource "aws_dax_cluster" "orders" {
  cluster_name       = "orders-${var.env}"
  node_type          = "dax.r5.large"
  replication_factor = local.prod ? 3 : 1
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax-service"

  server_side_encryption {
    enabled = local.prod
  }

  cluster_endpoint_encryption_type = local.prod ? "TLS" : "NONE"
}

resource "aws_dynamodb_table" "app" {
  for_each     = var.tables
  name         = "${each.key}-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = each.key == "orders" ? aws_kms_key.data.arn : null
  }

  point_in_time_recovery {
    enabled = each.value.pitr
  }
}

module "cache" {
  source     = "./modules/cache"
  name       = "sessions-${var.env}"
  engine     = "valkey"
  kms_key_id = aws_kms_alias.data.arn
}

module "legacy_cache" {
  source = "./modules/cache"
  name   = "legacy-${var.env}"
  engine = "redis"
}
