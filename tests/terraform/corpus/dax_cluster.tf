# DAX cluster with encryption at rest and in transit, subnet and parameter groups.
resource "aws_dax_cluster" "this" {
  count = var.create ? 1 : 0

  cluster_name       = var.cluster_name
  iam_role_arn       = var.create_iam_role ? aws_iam_role.dax[0].arn : var.iam_role_arn
  node_type          = var.node_type
  replication_factor = var.replication_factor
  availability_zones = length(var.availability_zones) > 0 ? var.availability_zones : null
  description        = coalesce(var.description, "DAX cluster ${var.cluster_name}")

  cluster_endpoint_encryption_type = var.tls_enabled ? "TLS" : "NONE"
  maintenance_window               = var.maintenance_window
  notification_topic_arn           = var.notification_topic_arn
  parameter_group_name             = try(aws_dax_parameter_group.this[0].name, var.parameter_group_name)
  subnet_group_name                = try(aws_dax_subnet_group.this[0].name, var.subnet_group_name)
  security_group_ids               = var.security_group_ids

  server_side_encryption {
    enabled = var.server_side_encryption_enabled
  }

  tags = merge(var.tags, { Name = var.cluster_name })

  timeouts {
    create = lookup(var.timeouts, "create", "45m")
    delete = lookup(var.timeouts, "delete", "60m")
    update = lookup(var.timeouts, "update", "90m")
  }
}

resource "aws_dax_parameter_group" "this" {
  count = var.create && var.create_parameter_group ? 1 : 0

  name        = "${var.cluster_name}-params"
  description = "Parameters for ${var.cluster_name}"

  dynamic "parameters" {
    for_each = var.parameters
    content {
      name  = parameters.value.name
      value = parameters.value.value
    }
  }
}

resource "aws_dax_subnet_group" "this" {
  count = var.create && var.create_subnet_group ? 1 : 0

  name        = "${var.cluster_name}-subnets"
  description = "Subnets for ${var.cluster_name}"
  subnet_ids  = var.subnet_ids
}

data "aws_iam_policy_document" "dax_assume" {
  statement {
    sid     = "DaxAssume"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["dax.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "dax" {
  count              = var.create && var.create_iam_role ? 1 : 0
  name               = "${var.cluster_name}-dax"
  assume_role_policy = data.aws_iam_policy_document.dax_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "dax" {
  count = var.create && var.create_iam_role ? 1 : 0
  name  = "dynamodb-access"
  role  = aws_iam_role.dax[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = [
          "dynamodb:DescribeTable",
          "dynamodb:PutItem",
          "dynamodb:GetItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:BatchGetItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:ConditionCheckItem",
        ]
        Resource = concat(var.table_arns, [for arn in var.table_arns : "${arn}/index/*"])
      },
    ]
  })
}
