data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"
}

resource "aws_kms_key" "this" {
  count = var.create && !var.create_external && !var.create_replica ? 1 : 0

  bypass_policy_lockout_safety_check = var.bypass_policy_lockout_safety_check
  customer_master_key_spec           = var.customer_master_key_spec
  custom_key_store_id                = var.custom_key_store_id
  deletion_window_in_days            = var.deletion_window_in_days
  description                        = var.description
  enable_key_rotation                = var.customer_master_key_spec == "SYMMETRIC_DEFAULT" ? var.enable_key_rotation : false
  rotation_period_in_days            = var.enable_key_rotation ? var.rotation_period_in_days : null
  is_enabled                         = var.is_enabled
  key_usage                          = var.key_usage
  multi_region                       = var.multi_region
  policy = coalesce(var.policy, jsonencode({
    Version = "2012-10-17"
    Id      = "key-default-1"
    Statement = concat(
      [
        {
          Sid       = "Default"
          Effect    = "Allow"
          Principal = { AWS = local.root_arn }
          Action    = "kms:*"
          Resource  = "*"
        },
      ],
      length(var.key_administrators) == 0 ? [] : [
        {
          Sid       = "KeyAdministration"
          Effect    = "Allow"
          Principal = { AWS = var.key_administrators }
          Action = [
            "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
            "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
            "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
          ]
          Resource = "*"
        }
      ],
      [for svc in var.key_service_principals : {
        Sid       = "Service${title(replace(svc, ".amazonaws.com", ""))}"
        Effect    = "Allow"
        Principal = { Service = svc }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = local.account_id
          }
        }
      }],
    )
  }))

  tags = var.tags
}

resource "aws_kms_external_key" "this" {
  count = var.create && var.create_external && !var.create_replica ? 1 : 0

  bypass_policy_lockout_safety_check = var.bypass_policy_lockout_safety_check
  deletion_window_in_days            = var.deletion_window_in_days
  description                        = var.description
  enabled                            = var.is_enabled
  key_material_base64                = var.key_material_base64
  multi_region                       = var.multi_region
  policy                             = var.policy
  valid_to                           = var.valid_to
  tags                               = var.tags
}

resource "aws_kms_replica_key" "this" {
  count = var.create && var.create_replica && !var.create_external ? 1 : 0

  bypass_policy_lockout_safety_check = var.bypass_policy_lockout_safety_check
  deletion_window_in_days            = var.deletion_window_in_days
  description                        = var.description
  primary_key_arn                    = var.primary_key_arn
  enabled                            = var.is_enabled
  policy                             = var.policy
  tags                               = var.tags
}
