locals {
  in_transit_encryption = var.engine == "redis" ? var.transit_encryption_enabled : false
  auth_token            = local.in_transit_encryption && var.auth_token != "" ? var.auth_token : null
  num_cache_clusters    = var.cluster_mode_enabled ? null : var.num_cache_clusters
  parameter_group_name  = coalesce(var.parameter_group_name, "default.${var.engine}${replace(var.engine_version, "/\\.[\\d]+$/", "")}")
}

resource "aws_elasticache_replication_group" "redis" {
  count = var.create && var.engine == "redis" ? 1 : 0

  replication_group_id        = var.replication_group_id
  description                 = coalesce(var.description, "Managed by Terraform")
  engine                      = var.engine
  engine_version              = var.engine_version
  node_type                   = var.node_type
  port                        = var.port
  parameter_group_name        = local.parameter_group_name
  subnet_group_name           = aws_elasticache_subnet_group.this[0].name
  security_group_ids          = concat(var.security_group_ids, aws_security_group.redis[*].id)
  num_cache_clusters          = local.num_cache_clusters
  num_node_groups             = var.cluster_mode_enabled ? var.num_node_groups : null
  replicas_per_node_group     = var.cluster_mode_enabled ? var.replicas_per_node_group : null
  automatic_failover_enabled  = var.cluster_mode_enabled ? true : var.automatic_failover_enabled
  multi_az_enabled            = var.multi_az_enabled
  at_rest_encryption_enabled  = var.at_rest_encryption_enabled
  kms_key_id                  = var.at_rest_encryption_enabled ? var.kms_key_arn : null
  transit_encryption_enabled  = local.in_transit_encryption
  auth_token                  = local.auth_token
  snapshot_retention_limit    = var.snapshot_retention_limit
  snapshot_window             = var.snapshot_window
  maintenance_window          = var.maintenance_window
  apply_immediately           = var.apply_immediately
  auto_minor_version_upgrade  = var.auto_minor_version_upgrade
  data_tiering_enabled        = can(regex("^cache\\.r6gd\\.", var.node_type))
  final_snapshot_identifier   = var.skip_final_snapshot ? null : "${var.replication_group_id}-final"
  notification_topic_arn      = var.notification_topic_arn

  dynamic "log_delivery_configuration" {
    for_each = { for k, v in var.log_delivery_configuration : k => v if var.engine != "memcached" }

    content {
      destination      = try(v.destination, aws_cloudwatch_log_group.this[log_delivery_configuration.key].name)
      destination_type = try(log_delivery_configuration.value.destination_type, "cloudwatch-logs")
      log_format       = try(log_delivery_configuration.value.log_format, "json")
      log_type         = try(log_delivery_configuration.value.log_type, log_delivery_configuration.key)
    }
  }

  tags = merge(var.tags, { "Engine" = var.engine }, var.replication_group_tags)

  lifecycle {
    ignore_changes = [num_cache_clusters]

    precondition {
      condition     = !(var.auth_token != "" && !var.transit_encryption_enabled)
      error_message = "auth_token requires transit_encryption_enabled = true."
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = { for k, v in var.log_delivery_configuration : k => v if var.create && try(v.create_cloudwatch_log_group, true) }

  name              = "/aws/elasticache/${var.replication_group_id}/${each.key}"
  retention_in_days = try(each.value.cloudwatch_log_group_retention_in_days, 14)
  kms_key_id        = try(each.value.cloudwatch_log_group_kms_key_id, null)
  tags              = var.tags
}

resource "aws_elasticache_subnet_group" "this" {
  count      = var.create ? 1 : 0
  name       = var.replication_group_id
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "redis" {
  count       = var.create && var.create_security_group ? 1 : 0
  name_prefix = "${var.replication_group_id}-"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.ingress_rules
    content {
      description     = ingress.value.description
      from_port       = var.port
      to_port         = var.port
      protocol        = "tcp"
      cidr_blocks     = lookup(ingress.value, "cidr_blocks", [])
      security_groups = lookup(ingress.value, "security_groups", [])
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle { create_before_destroy = true }
}
