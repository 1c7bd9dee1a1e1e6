resource "aws_elasticache_cluster" "memcached" {
  count = var.create && var.engine == "memcached" ? 1 : 0

  cluster_id                   = var.cluster_id
  engine                       = "memcached"
  engine_version               = var.engine_version
  node_type                    = var.node_type
  num_cache_nodes              = var.num_cache_nodes
  az_mode                      = var.num_cache_nodes > 1 ? "cross-az" : "single-az"
  preferred_availability_zones = var.num_cache_nodes > 1 ? slice(var.azs, 0, var.num_cache_nodes) : null
  parameter_group_name         = "default.memcached1.6"
  port                         = 11211
  subnet_group_name            = aws_elasticache_subnet_group.this[0].name
  security_group_ids           = var.security_group_ids
  transit_encryption_enabled   = var.transit_encryption_enabled
  network_type                 = var.network_type
  ip_discovery                 = var.network_type == "dual_stack" ? "ipv6" : "ipv4"
  apply_immediately            = true
  tags                         = var.tags
}

resource "aws_elasticache_cluster" "replica" {
  count = var.create && var.engine == "redis" && !var.cluster_mode_enabled ? var.extra_replicas : 0

  cluster_id           = "${var.replication_group_id}-replica-${count.index + 1}"
  replication_group_id = aws_elasticache_replication_group.redis[0].id
  tags                 = merge(var.tags, { Role = "replica", Index = tostring(count.index) })
}

resource "aws_elasticache_user" "users" {
  for_each = var.create && var.engine == "redis" ? var.users : {}

  user_id       = each.key
  user_name     = each.value.user_name
  access_string = each.value.access_string
  engine        = "REDIS"
  passwords     = try(each.value.passwords, null)

  authentication_mode {
    type      = try(each.value.authentication_type, "password")
    passwords = try(each.value.passwords, null)
  }
}

resource "aws_elasticache_user_group" "group" {
  count         = var.create && length(var.users) > 0 ? 1 : 0
  engine        = "REDIS"
  user_group_id = "${var.replication_group_id}-users"
  user_ids      = concat(["default"], keys(aws_elasticache_user.users))
}
