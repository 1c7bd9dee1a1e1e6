resource "aws_kms_key" "a" {}
resource "aws_kms_key" "b" {
}
resource aws_kms_key c {
  description = "identifier labels"
}
data "aws_iam_policy_document" "merged" {
  statement { sid = "one" }
  statement { sid = "two" }
  statement {
    sid = "three"
  }
}
locals {
  a = 1
}
locals {
  b = 2
}
block_no_labels {
  nested_same {
    x = 1
  }
  nested_same {
    x = 2
  }
}
three "l1" "l2" "l3" {
  deep = true
}
three "l1" "l2" "other" {
  deep = false
}
dynamic-type "x" {
  attr-with-dash = "ok"
}
