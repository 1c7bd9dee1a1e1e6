data "aws_iam_policy_document" "kms_usage" {
  statement {
    sid    = "AllowUseOfTheKey"
    effect = "Allow"
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [for name in var.user_names : "arn:aws:iam::${local.account_id}:user/${name}"]
    }
  }

  dynamic "statement" {
    for_each = var.extra_statements
    iterator = stmt

    content {
      sid           = stmt.value.sid
      effect        = lookup(stmt.value, "effect", "Allow")
      actions       = lookup(stmt.value, "actions", null)
      not_actions   = lookup(stmt.value, "not_actions", null)
      resources     = lookup(stmt.value, "resources", null)
      not_resources = lookup(stmt.value, "not_resources", null)

      dynamic "principals" {
        for_each = lookup(stmt.value, "principals", [])
        content {
          type        = principals.value.type
          identifiers = principals.value.identifiers
        }
      }

      dynamic "condition" {
        for_each = lookup(stmt.value, "conditions", [])
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  statement {
    sid       = "DenyUnencryptedTransport"
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_policy" "kms_usage" {
  name_prefix = "kms-usage-"
  description = "Use of ${var.key_alias}"
  policy      = data.aws_iam_policy_document.kms_usage.json
}
