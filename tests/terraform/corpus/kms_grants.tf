resource "aws_kms_grant" "this" {
  for_each = { for k, v in var.grants : k => v if var.create }

  name                  = try(each.value.name, each.key)
  key_id                = aws_kms_key.this[0].key_id
  grantee_principal     = each.value.grantee_principal
  operations            = each.value.operations
  retire_on_delete      = try(each.value.retire_on_delete, true)
  retiring_principal    = try(each.value.retiring_principal, null)
  grant_creation_tokens = try(each.value.grant_creation_tokens, null)

  dynamic "constraints" {
    for_each = length(lookup(each.value, "constraints", {})) == 0 ? [] : [each.value.constraints]

    content {
      encryption_context_equals = try(constraints.value.encryption_context_equals, null)
      encryption_context_subset = try(constraints.value.encryption_context_subset, null)
    }
  }
}
