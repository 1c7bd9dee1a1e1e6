#include "sources/terraform/terraform_source.h"

#include <gtest/gtest.h>

namespace atrest {
namespace {

// Security groups and IAM are mapped as CloudFormation's are: rules from ingress blocks, from
// aws_security_group_rule and aws_vpc_security_group_ingress_rule; role documents from
// jsonencode, inline_policy blocks and aws_iam_role_policy; attachments both ways.
TEST(TerraformSource, SecurityGroupsAndIam) {
  Inventory inventory;
  InputSummary s = load_terraform_text("sg.tf", R"(
resource "aws_security_group" "dax" {
  vpc_id = "vpc-1"
  ingress {
    protocol    = "tcp"
    from_port   = 9111
    to_port     = 9111
    cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16"]
  }
}
resource "aws_security_group_rule" "extra" {
  type              = "ingress"
  security_group_id = aws_security_group.dax.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_vpc_security_group_ingress_rule" "v6" {
  security_group_id = aws_security_group.dax.id
  ip_protocol       = "tcp"
  from_port         = 8111
  to_port           = 8111
  cidr_ipv6         = "::/0"
}
resource "aws_iam_role" "dax" {
  name = "dax"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "dax.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy" "dax" {
  role   = aws_iam_role.dax.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "dynamodb:*", Resource = "*" }] })
}
resource "aws_iam_policy" "read" {
  policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
}
resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.dax.name
  policy_arn = aws_iam_policy.read.arn
}
)", inventory);
  EXPECT_TRUE(s.errors.empty()) << s.errors.front();
  inventory.finalize();
  ASSERT_EQ(inventory.security_groups().size(), 1u);
  const SecurityGroup& g = inventory.security_groups()[0];
  ASSERT_TRUE(g.ingress.is_known());
  ASSERT_EQ(g.ingress.value().size(), 4u);
  EXPECT_EQ(g.ingress.value()[0].cidr_ipv4.value(), "10.0.0.0/8");
  EXPECT_EQ(g.ingress.value()[2].protocol, "-1");
  EXPECT_EQ(g.ingress.value()[3].cidr_ipv6.value(), "::/0");
  ASSERT_EQ(inventory.iam_roles().size(), 1u);
  const IamRole& role = inventory.iam_roles()[0];
  EXPECT_NE(role.assume_role_policy.value().find("dax.amazonaws.com"), std::string::npos);
  ASSERT_TRUE(role.inline_policies.is_known());
  ASSERT_EQ(role.inline_policies.value().size(), 1u);
  EXPECT_NE(role.inline_policies.value()[0].find("dynamodb:*"), std::string::npos);
  ASSERT_TRUE(role.managed_policy_arns.is_known());
  EXPECT_EQ(role.managed_policy_arns.value(), std::vector<std::string>{"aws_iam_policy.read"});
  ASSERT_EQ(inventory.iam_policies().size(), 1u);
  EXPECT_EQ(inventory.iam_policies()[0].attached_roles.value(), std::vector<std::string>{"aws_iam_role.dax"});
}

// count = 0 makes no resource; an unknown count makes one stand-in whose settings are UNKNOWN.
TEST(TerraformSource, CountZeroAndUnknownCount) {
  Inventory inventory;
  load_terraform_text("c.tf", R"(
variable "n" {}
resource "aws_dax_cluster" "none" {
  count        = 0
  cluster_name = "none"
}
resource "aws_dax_cluster" "maybe" {
  count        = var.n
  cluster_name = "maybe"
}
)", inventory);
  inventory.finalize();
  ASSERT_EQ(inventory.dax_clusters().size(), 1u);
  EXPECT_EQ(inventory.dax_clusters()[0].id, "aws_dax_cluster.maybe");
  EXPECT_TRUE(inventory.dax_clusters()[0].sse_status.is_unknown());
}

// A syntax error drops that block only; the rest of the file is still read.
TEST(TerraformSource, SyntaxErrorRecoversAtTheNextBlock) {
  Inventory inventory;
  InputSummary s = load_terraform_text("e.tf", R"(
resource "aws_dax_cluster" "broken" {
  server_side_encryption {
    enabled = = true
  }
}
resource "aws_dax_cluster" "fine" {
  cluster_name = "fine"
}
)", inventory);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].rfind("e.tf:4:", 0), 0u) << s.errors[0];
  inventory.finalize();
  ASSERT_EQ(inventory.dax_clusters().size(), 1u);
  EXPECT_EQ(inventory.dax_clusters()[0].id, "aws_dax_cluster.fine");
}

}  // namespace
}  // namespace atrest
