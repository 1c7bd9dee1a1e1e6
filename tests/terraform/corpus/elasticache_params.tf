resource "aws_elasticache_parameter_group" "this" {
  count = var.create && var.create_parameter_group ? 1 : 0

  name        = "${var.replication_group_id}-${replace(var.family, ".", "-")}"
  family      = var.family
  description = "Parameter group for ${var.replication_group_id}"

  dynamic "parameter" {
    for_each = var.cluster_mode_enabled ? concat([{ name = "cluster-enabled", value = "yes" }], var.parameters) : var.parameters

    content {
      name  = parameter.value.name
      value = tostring(parameter.value.value)
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  default_parameters = {
    "maxmemory-policy"       = "volatile-lru"
    "timeout"                = 300
    "tcp-keepalive"          = 300
    "notify-keyspace-events" = ""
    "cluster-enabled"        = var.cluster_mode_enabled ? "yes" : "no"
  }
  merged_parameters = [for name, value in merge(local.default_parameters, var.parameter_overrides) : { name = name, value = value }]
}
