# A data tier written the way teams write it: a private network with a DynamoDB endpoint, a DAX
# cluster, DynamoDB tables with a customer managed key and a tag-based backup plan, caches from a
# local module, the account's trail and Config recorder. `atrest scan examples/terraform` evaluates it
# with terraform.tfvars; try `--var env=prod` to see the findings change.

variable "env" {
  type    = string
  default = "dev"
}

# The analytics account that may read the orders table; supplied by the pipeline at apply time,
# so dynamodb-resource-policy-restricted stays UNKNOWN until `--var analytics_account_id=...`.
variable "analytics_account_id" {
  type = string
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

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "data" {
  description         = "data tier key"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # ElastiCache also reaches the key through DAX's service: name both.
        Sid       = "UseThroughDataServices"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:CallerAccount" = "123456789012"
            "kms:ViaService" = [
              "dynamodb.eu-west-1.amazonaws.com",
              "elasticache.eu-west-1.amazonaws.com",
              "dax.eu-west-1.amazonaws.com",
            ]
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "data" {
  name          = "alias/data-${var.env}"
  target_key_id = aws_kms_key.data.key_id
}

# --- network: private subnets whose DynamoDB traffic takes a gateway endpoint ------------------
resource "aws_vpc" "data" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "private" {
  for_each          = { a = "10.20.1.0/24", b = "10.20.2.0/24", c = "10.20.3.0/24" }
  vpc_id            = aws_vpc.data.id
  cidr_block        = each.value
  availability_zone = "eu-west-1${each.key}"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.data.id
}

resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.data.id
  service_name      = "com.amazonaws.eu-west-1.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

# --- DAX ----------------------------------------------------------------------------------------
resource "aws_iam_role" "dax" {
  name = "dax-service-${var.env}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "dax.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "dax_tables" {
  name = "cached-tables"
  role = aws_iam_role.dax.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      Resource = [aws_dynamodb_table.app["orders"].arn]
    }]
  })
}

resource "aws_security_group" "dax" {
  name   = "dax-${var.env}"
  vpc_id = aws_vpc.data.id

  ingress {
    description = "DAX (TLS) from the data VPC"
    from_port   = 9111
    to_port     = 9111
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.data.cidr_block]
  }
}

resource "aws_dax_subnet_group" "private" {
  name       = "data-${var.env}"
  subnet_ids = [for s in aws_subnet.private : s.id]
}

resource "aws_dax_cluster" "orders" {
  cluster_name       = "orders-${var.env}"
  node_type          = "dax.r5.large"
  replication_factor = local.prod ? 3 : 1
  iam_role_arn       = aws_iam_role.dax.arn
  subnet_group_name  = aws_dax_subnet_group.private.name
  security_group_ids = [aws_security_group.dax.id]

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

  # sessions carries no Security tag and no backup tag: dynamodb-required-tags and
  # dynamodb-backup-plan FAIL for it.
  tags = merge({ Environment = var.env }, each.key == "orders" ? { Security = "pci", backup = "daily" } : {})
}

resource "aws_dynamodb_resource_policy" "orders" {
  resource_arn = aws_dynamodb_table.app["orders"].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AnalyticsReads"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.analytics_account_id}:root" }
      Action    = ["dynamodb:Query", "dynamodb:GetItem"]
      Resource  = aws_dynamodb_table.app["orders"].arn
    }]
  })
}

# --- backups: daily, kept 35 days, of everything tagged backup=daily ---------------------------
resource "aws_backup_vault" "data" {
  name        = "data-${var.env}"
  kms_key_arn = aws_kms_key.data.arn
}

resource "aws_backup_plan" "daily" {
  name = "data-${var.env}-daily"

  rule {
    rule_name         = "daily-35d"
    target_vault_name = aws_backup_vault.data.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "tagged" {
  name         = "tagged-daily"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "backup"
    value = "daily"
  }
}

module "cache" {
  source     = "./modules/cache"
  name       = "sessions-${var.env}"
  engine     = "valkey"
  kms_key_id = aws_kms_alias.data.arn
  subnets    = aws_elasticache_subnet_group.private.name
}

module "legacy_cache" {
  source = "./modules/cache"
  name   = "legacy-${var.env}"
  engine = "redis"
}

resource "aws_elasticache_subnet_group" "private" {
  name       = "data-${var.env}"
  subnet_ids = [for s in aws_subnet.private : s.id]
}

# --- account: audit trail and configuration history --------------------------------------------
# Management events only: the orders table's item-level reads and writes are not recorded
# (cloudtrail-dynamodb-data-events FAILs).
resource "aws_cloudtrail" "account" {
  name                          = "account-trail"
  s3_bucket_name                = "audit-trail-123456789012"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }
}

resource "aws_config_configuration_recorder" "default" {
  name     = "default"
  role_arn = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"

  recording_group {
    all_supported                 = true
    include_global_resource_types = false
  }
}

resource "aws_config_configuration_recorder_status" "default" {
  name       = aws_config_configuration_recorder.default.name
  is_enabled = true
}
