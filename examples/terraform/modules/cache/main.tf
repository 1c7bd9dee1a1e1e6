variable "name" {
  type = string
}

variable "engine" {
  type = string
}

# Without one the group lands in the subnet group named default (the default VPC).
variable "subnets" {
  type    = string
  default = null
}

variable "kms_key_id" {
  type    = string
  default = null
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = var.name
  description                = "cache ${var.name}"
  engine                     = var.engine
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  kms_key_id                 = var.kms_key_id
  subnet_group_name          = var.subnets
  transit_encryption_enabled = true
  transit_encryption_mode    = var.engine == "valkey" ? "required" : "preferred"
}
