locals {
  memberships = distinct(flatten([
    for user, groups in var.user_groups : [
      for group in groups : {
        user  = user
        group = group
      }
    ]
  ]))

  group_policies = {
    for pair in setproduct(keys(var.groups), var.common_policy_arns) :
    "${pair[0]}/${basename(pair[1])}" => {
      group  = pair[0]
      policy = pair[1]
    }
  }
}

resource "aws_iam_user" "this" {
  for_each = var.user_groups

  name          = each.key
  path          = "/people/"
  force_destroy = true
  tags = {
    Team  = lookup(var.user_teams, each.key, "unassigned")
    Email = "${each.key}@example.com"
  }
}

resource "aws_iam_group" "this" {
  for_each = var.groups
  name     = each.key
  path     = each.value.path
}

resource "aws_iam_user_group_membership" "this" {
  for_each = { for m in local.memberships : "${m.user}:${m.group}" => m }

  user   = aws_iam_user.this[each.value.user].name
  groups = [aws_iam_group.this[each.value.group].name]
}

resource "aws_iam_group_policy_attachment" "common" {
  for_each = local.group_policies

  group      = aws_iam_group.this[each.value.group].name
  policy_arn = each.value.policy
}

resource "aws_iam_user_login_profile" "this" {
  for_each                = { for u, g in var.user_groups : u => g if contains(g, "console") }
  user                    = aws_iam_user.this[each.key].name
  password_reset_required = true
  pgp_key                 = var.pgp_key
}

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_lowercase_characters   = true
  require_numbers                = true
  require_uppercase_characters   = true
  require_symbols                = true
  allow_users_to_change_password = true
  max_password_age               = 90
  password_reuse_prevention      = 24
}
