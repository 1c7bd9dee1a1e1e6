locals {
  parsed     = provider::aws::arn_parse(var.role_arn)
  built      = provider::aws::arn_build("aws", "iam", "", var.account_id, "role/${var.name}")
  region     = provider::aws::arn_parse(aws_kms_key.this.arn).region
  spaced     = provider :: aws :: trim_iam_role_path(var.role_arn)
  nested     = upper(provider::aws::arn_parse(var.arn).service)
  expand     = concat(var.lists...)
  expand_tf  = format("%s-%s", var.parts...)
  no_args    = timestamp()
  multi_line = merge(
    var.a,
    var.b,
    { c = 3 },
  )
  in_template = "${provider::aws::arn_parse(var.arn).account_id}-suffix"
}
