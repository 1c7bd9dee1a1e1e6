variable "create" {
  description = "Whether to create any resource at all"
  type        = bool
  default     = true
}

variable "cluster_name" {
  description = "Name of the DAX cluster"
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.cluster_name))
    error_message = "The cluster name must start with a letter and hold at most 20 lowercase letters, digits or hyphens."
  }
}

variable "node_type" {
  type    = string
  default = "dax.r5.large"
}

variable "replication_factor" {
  type    = number
  default = 3

  validation {
    condition     = var.replication_factor >= 1 && var.replication_factor <= 10
    error_message = "Replication factor must be between 1 and 10."
  }
}

variable "availability_zones" {
  type    = list(string)
  default = []
}

variable "description" {
  type    = string
  default = null
}

variable "tls_enabled" {
  type    = bool
  default = true
}

variable "server_side_encryption_enabled" {
  description = "Encryption at rest (the DAX default is off)"
  type        = bool
  default     = true
}

variable "maintenance_window" {
  type    = string
  default = "sun:05:00-sun:09:00"
}

variable "notification_topic_arn" {
  type    = string
  default = null
}

variable "create_parameter_group" {
  type    = bool
  default = true
}

variable "parameter_group_name" {
  type    = string
  default = null
}

variable "parameters" {
  type = list(object({
    name  = string
    value = string
  }))
  default = [
    { name = "query-ttl-millis", value = "300000" },
    { name = "record-ttl-millis", value = "300000" },
  ]
}

variable "create_subnet_group" {
  type    = bool
  default = true
}

variable "subnet_group_name" {
  type    = string
  default = null
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "create_iam_role" {
  type    = bool
  default = true
}

variable "iam_role_arn" {
  type    = string
  default = null
}

variable "table_arns" {
  type    = list(string)
  default = ["*"]
}

variable "timeouts" {
  type    = map(string)
  default = {}
}

variable "tags" {
  type    = map(string)
  default = {}
}
