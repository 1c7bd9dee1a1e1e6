locals {
  x = provider::aws::arn_parse
}
