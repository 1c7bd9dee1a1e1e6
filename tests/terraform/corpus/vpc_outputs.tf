output "vpc_id" {
  description = "The ID of the VPC"
  value       = try(aws_vpc.this[0].id, null)
}

output "public_subnets" {
  value = aws_subnet.public[*].id
}

output "public_subnet_arns" {
  value = aws_subnet.public.*.arn
}

output "public_subnets_cidr_blocks" {
  value = compact(aws_subnet.public[*].cidr_block)
}

output "private_route_table_ids" {
  value = aws_route_table.private.*.id
}

output "nat_public_ips" {
  value = var.reuse_nat_ips ? var.external_nat_ips : aws_eip.nat[*].public_ip
}

output "azs" {
  value = var.azs
}

output "name" {
  value = var.name
}

output "subnets_by_az" {
  value = {
    for s in aws_subnet.private : s.availability_zone => s.id...
  }
}

output "vpc_endpoints" {
  value = { for k, v in aws_vpc_endpoint.this : k => v.id }
}

output "first_private_subnet" {
  value = length(aws_subnet.private) > 0 ? aws_subnet.private[0].id : null
}

output "endpoint_dns" {
  value = flatten([for e in aws_vpc_endpoint.this : e.dns_entry[*].dns_name])
}

output "legacy_splat" {
  value = aws_vpc_endpoint.this.*.network_interface_ids[0]
}
