resource "aws_kms_key" "logs" {
  description         = "CloudWatch Logs encryption for ${var.environment}"
  enable_key_rotation = true

  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "EnableRoot",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "AllowLogs",
      "Effect": "Allow",
      "Principal": {"Service": "logs.${data.aws_region.current.name}.amazonaws.com"},
      "Action": [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*"
      ],
      "Resource": "*",
      "Condition": {
        "ArnLike": {
          "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*"
        }
      }
    }
  ]
}
POLICY
}

resource "aws_kms_key" "indented" {
  description = "Key with an indented heredoc policy"
  policy      = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {"AWS": ${jsonencode(var.admin_arns)}},
          "Action": "kms:*",
          "Resource": "*"
        }
      ]
    }
  EOT
}

resource "aws_kms_key" "shell_like" {
  description = "Dollar signs in heredocs: $${NOT_INTERPOLATED} and %%{not_a_directive}"
  policy      = <<EOF
{"Statement": [{"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
  "Condition": {"StringNotEquals": {"aws:PrincipalArn": "$${aws:username}"}}}]}
EOF
}
