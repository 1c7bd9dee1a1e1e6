resource "aws_kms_alias" "this" {
  for_each = { for k, v in toset(var.aliases) : k => v if var.create }

  name          = var.aliases_use_name_prefix ? null : "alias/${each.value}"
  name_prefix   = var.aliases_use_name_prefix ? "alias/${each.value}-" : null
  target_key_id = try(aws_kms_key.this[0].key_id, aws_kms_external_key.this[0].id, aws_kms_replica_key.this[0].key_id)
}

resource "aws_kms_alias" "computed" {
  count = var.create ? length(var.computed_aliases) : 0

  name          = "alias/${var.computed_aliases[count.index].name}"
  target_key_id = aws_kms_key.this[0].key_id
}

locals {
  alias_names = sort(concat([for a in aws_kms_alias.this : a.name], aws_kms_alias.computed[*].name))
  alias_map   = { for a in values(aws_kms_alias.this) : trimprefix(a.name, "alias/") => a.arn }
}

output "aliases" {
  value = local.alias_map
}
