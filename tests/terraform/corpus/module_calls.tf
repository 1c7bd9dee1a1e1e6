module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"

  name = "${local.name}-vpc"
  cidr = local.vpc_cidr

  azs             = local.azs
  private_subnets = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]
  public_subnets  = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 8, k + 48)]

  enable_nat_gateway = true
  single_nat_gateway = var.environment != "prod"

  enable_flow_log                      = true
  create_flow_log_cloudwatch_iam_role  = true
  create_flow_log_cloudwatch_log_group = true

  tags = local.tags
}

module "dynamodb_table" {
  source   = "terraform-aws-modules/dynamodb-table/aws"
  version  = "~> 4.0"
  for_each = toset(["users", "orders", "events"])

  name     = "${local.name}-${each.key}"
  hash_key = "id"

  attributes = [
    {
      name = "id"
      type = "S"
    }
  ]

  server_side_encryption_enabled     = true
  server_side_encryption_kms_key_arn = module.kms.key_arn
  point_in_time_recovery_enabled     = each.key != "events"

  providers = {
    aws = aws.replica
  }

  depends_on = [module.kms]
}

module "kms" {
  source = "./modules/kms"

  description = "Data tier key"
  aliases     = ["${local.name}/data"]

  key_administrators = [data.aws_iam_session_context.current.issuer_arn]
  key_users          = module.iam_role[*].iam_role_arn

  count = var.create_kms ? 1 : 0
}

module "redis" {
  source = "git::https://example.com/modules/elasticache.git//redis?ref=v1.2.3"

  replication_group_id       = "${local.name}-redis"
  subnet_ids                 = module.vpc.private_subnets
  vpc_id                     = module.vpc.vpc_id
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_arn                = one(module.kms[*].key_arn)
  ingress_rules = {
    vpc = {
      description = "VPC traffic"
      cidr_blocks = [module.vpc.vpc_cidr_block]
    }
  }
}
