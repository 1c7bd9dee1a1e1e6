output "cluster_arn" {
  description = "ARN of the DAX cluster"
  value       = try(aws_dax_cluster.this[0].arn, null)
}

output "cluster_address" {
  value = try(aws_dax_cluster.this[0].cluster_address, "")
}

output "configuration_endpoint" {
  value = one(aws_dax_cluster.this[*].configuration_endpoint)
}

output "nodes" {
  value = flatten(aws_dax_cluster.this[*].nodes)
}

output "node_addresses" {
  value = [for node in flatten(aws_dax_cluster.this[*].nodes) : "${node.address}:${node.port}"]
}

output "parameter_group" {
  value = {
    id   = try(aws_dax_parameter_group.this[0].id, null)
    name = try(aws_dax_parameter_group.this[0].name, null)
  }
}

output "encrypted" {
  value     = var.server_side_encryption_enabled && var.tls_enabled
  sensitive = false
}
