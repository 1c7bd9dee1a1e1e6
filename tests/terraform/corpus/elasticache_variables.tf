variable "create" {
  type    = bool
  default = true
}

variable "engine" {
  type    = string
  default = "redis"
  validation {
    condition     = contains(["redis", "valkey", "memcached"], lower(var.engine))
    error_message = "Engine must be redis, valkey or memcached."
  }
}

variable "engine_version" {
  type    = string
  default = "7.1"
}

variable "node_type" {
  type    = string
  default = "cache.t4g.small"
}

variable "port" {
  type    = number
  default = 6379
}

variable "at_rest_encryption_enabled" {
  type    = bool
  default = true
}

variable "transit_encryption_enabled" {
  type    = bool
  default = true
}

variable "auth_token" {
  type      = string
  default   = ""
  sensitive = true
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "cluster_mode_enabled" {
  type    = bool
  default = false
}

variable "num_cache_clusters" {
  type    = number
  default = 2
}

variable "num_node_groups" {
  type    = number
  default = 1
}

variable "replicas_per_node_group" {
  type    = number
  default = 1
}

variable "log_delivery_configuration" {
  type = any
  default = {
    slow-log = {
      destination_type = "cloudwatch-logs"
      log_format       = "json"
    }
  }
}

variable "users" {
  type = map(object({
    user_name           = string
    access_string       = string
    passwords           = optional(list(string))
    authentication_type = optional(string, "password")
  }))
  default = {}
}

variable "parameters" {
  type = list(object({
    name  = string
    value = any
  }))
  default = []
}

variable "ingress_rules" {
  type = map(object({
    description     = string
    cidr_blocks     = optional(list(string), [])
    security_groups = optional(list(string), [])
  }))
  default = {}
}

variable "snapshot_retention_limit" {
  type    = number
  default = 7
}

variable "tags" {
  type    = map(string)
  default = {}
}
