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

template <class T>
const T* by_id(const std::vector<T>& items, std::string_view id) {
  for (const T& r : items) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string tag_value(const DynamoDbTable& t, std::string_view key) {
  for (const Tag& tag : t.tags.value()) {
    if (tag.key == key) return tag.value.value_or("(absent)");
  }
  return "(none)";
}

// Tags as the provider sends them: default_tags of the resource's provider, overridden by the
// resource's tags, then aws_dynamodb_tag resources.
TEST(TerraformSource, DefaultTagsMergeUnderResourceTags) {
  Inventory inventory;
  InputSummary s = load_terraform_text("tags.tf", R"(
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Environment = "prod", Owner = "platform" }
  }
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "aws_dynamodb_table" "orders" {
  name = "orders"
  tags = { Owner = "payments" }
}
resource "aws_dynamodb_tag" "security" {
  resource_arn = aws_dynamodb_table.orders.arn
  key          = "Security"
  value        = "high"
}
resource "aws_dynamodb_table" "west" {
  provider = aws.west
  name     = "west"
  tags     = { Team = "x" }
}
resource "aws_dynamodb_table" "bare" {
  provider = aws.west
  name     = "bare"
}
)", inventory);
  EXPECT_TRUE(s.errors.empty()) << s.errors.front();
  inventory.finalize();
  const DynamoDbTable* orders = by_id(inventory.tables(), "aws_dynamodb_table.orders");
  ASSERT_NE(orders, nullptr);
  ASSERT_TRUE(orders->tags.is_known());
  EXPECT_EQ(orders->tags.value().size(), 3u);
  EXPECT_EQ(tag_value(*orders, "Environment"), "prod");
  EXPECT_EQ(tag_value(*orders, "Owner"), "payments");
  EXPECT_EQ(tag_value(*orders, "Security"), "high");
  const DynamoDbTable* west = by_id(inventory.tables(), "aws_dynamodb_table.west");
  ASSERT_NE(west, nullptr);
  ASSERT_TRUE(west->tags.is_known());
  ASSERT_EQ(west->tags.value().size(), 1u);
  EXPECT_EQ(tag_value(*west, "Team"), "x");
  const DynamoDbTable* bare = by_id(inventory.tables(), "aws_dynamodb_table.bare");
  ASSERT_NE(bare, nullptr);
  ASSERT_TRUE(bare->tags.is_known());
  EXPECT_TRUE(bare->tags.value().empty());
  EXPECT_TRUE(bare->billing_mode.is_absent());
  EXPECT_TRUE(bare->resource_policy.is_absent());
}

// The table's other fields: billing, indexes, replicas, the resource policy resource.
TEST(TerraformSource, TableFieldsAndResourcePolicy) {
  Inventory inventory;
  load_terraform_text("table.tf", R"(
provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "east"
  region = "us-east-1"
}
resource "aws_kms_key" "west" {}
resource "aws_dynamodb_table" "t" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  global_secondary_index {
    name = "by_customer"
  }
  global_secondary_index {
    name = "by_date"
  }
  replica {
    region_name = "us-west-2"
    kms_key_arn = aws_kms_key.west.arn
  }
  replica {
    region_name = "eu-west-1"
  }
  point_in_time_recovery {
    enabled                 = true
    recovery_period_in_days = 14
  }
}
resource "aws_dynamodb_resource_policy" "p" {
  resource_arn = aws_dynamodb_table.t.arn
  policy       = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "dynamodb:GetItem", Resource = "*" }] })
}
resource "aws_dynamodb_table_replica" "r" {
  provider               = aws.east
  global_table_arn       = aws_dynamodb_table.t.arn
  point_in_time_recovery = true
}
)", inventory);
  inventory.finalize();
  const DynamoDbTable* t = by_id(inventory.tables(), "aws_dynamodb_table.t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->billing_mode.value(), "PAY_PER_REQUEST");
  EXPECT_EQ(t->gsi_names.value(), (std::vector<std::string>{"by_customer", "by_date"}));
  ASSERT_TRUE(t->replicas.is_known());
  ASSERT_EQ(t->replicas.value().size(), 3u);
  EXPECT_EQ(t->replicas.value()[2].region, "us-east-1");  // aws_dynamodb_table_replica.r, its provider's region
  EXPECT_TRUE(t->replicas.value()[2].kms_key.is_absent());
  EXPECT_EQ(t->replicas.value()[0].region, "us-west-2");
  EXPECT_EQ(t->replicas.value()[0].kms_key.value(), "aws_kms_key.west");
  EXPECT_TRUE(t->replicas.value()[1].kms_key.is_absent());
  EXPECT_EQ(t->pitr_recovery_days.value(), 14);
  ASSERT_TRUE(t->resource_policy.is_known());
  EXPECT_NE(t->resource_policy.value().find("\"Principal\":\"*\""), std::string::npos);
  const DynamoDbTable* r = by_id(inventory.tables(), "aws_dynamodb_table_replica.r");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->pitr_status.value(), "ENABLED");
  EXPECT_EQ(r->billing_mode.value(), "PAY_PER_REQUEST");
}

// Subnets, route tables (inline routes, aws_route, associations, the main table) and the VPC
// of subnet groups.
TEST(TerraformSource, RoutesAssociationsAndSubnetGroups) {
  Inventory inventory;
  InputSummary s = load_terraform_text("net.tf", R"(
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route" "v6" {
  route_table_id              = aws_route_table.public.id
  destination_ipv6_cidr_block = "::/0"
  gateway_id                  = aws_internet_gateway.igw.id
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.public.id
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}
resource "aws_main_route_table_association" "m" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.private.id
}
resource "aws_default_route_table" "d" {
  default_route_table_id = aws_vpc.main.default_route_table_id
  route {
    cidr_block = "10.1.0.0/16"
    gateway_id = "vgw-123"
  }
}
resource "aws_dax_subnet_group" "dax" {
  name       = "dax"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_elasticache_subnet_group" "cache" {
  name       = "cache"
  subnet_ids = [aws_subnet.a.id, "subnet-outside"]
}
)", inventory);
  EXPECT_TRUE(s.errors.empty()) << s.errors.front();
  inventory.finalize();
  const Subnet* a = by_id(inventory.subnets(), "aws_subnet.a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->vpc_id.value(), "aws_vpc.main");
  EXPECT_EQ(a->availability_zone.value(), "eu-west-1a");
  const RouteTable* pub = by_id(inventory.route_tables(), "aws_route_table.public");
  ASSERT_NE(pub, nullptr);
  EXPECT_FALSE(pub->main.value());
  EXPECT_EQ(pub->vpc_id.value(), "aws_vpc.main");
  ASSERT_EQ(pub->routes.value().size(), 2u);
  EXPECT_EQ(pub->routes.value()[0].destination_cidr.value(), "0.0.0.0/0");
  EXPECT_EQ(pub->routes.value()[0].gateway_id.value(), "igw-aws_internet_gateway.igw");
  EXPECT_EQ(pub->routes.value()[1].destination_ipv6_cidr.value(), "::/0");
  EXPECT_EQ(pub->routes.value()[1].gateway_id.value(), "igw-aws_internet_gateway.igw");
  EXPECT_EQ(pub->subnet_ids.value(), std::vector<std::string>{"aws_subnet.a"});
  const RouteTable* priv = by_id(inventory.route_tables(), "aws_route_table.private");
  ASSERT_NE(priv, nullptr);
  EXPECT_TRUE(priv->main.value());
  EXPECT_TRUE(priv->routes.value().empty());
  const RouteTable* d = by_id(inventory.route_tables(), "aws_default_route_table.d");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->main.value());
  EXPECT_EQ(d->vpc_id.value(), "aws_vpc.main");
  EXPECT_EQ(d->routes.value()[0].gateway_id.value(), "vgw-123");
  const SubnetGroup* dax = by_id(inventory.subnet_groups(), "aws_dax_subnet_group.dax");
  ASSERT_NE(dax, nullptr);
  EXPECT_EQ(dax->vpc_id.value(), "aws_vpc.main");
  const SubnetGroup* cache = by_id(inventory.subnet_groups(), "aws_elasticache_subnet_group.cache");
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->type, ResourceType::kElastiCacheSubnetGroup);
  EXPECT_TRUE(cache->vpc_id.is_unknown());
  EXPECT_NE(cache->vpc_id.reason().find("subnet-outside"), std::string_view::npos);
  // Caches find their group by name as well as by address.
  EXPECT_NE(inventory.find_subnet_group(ResourceType::kElastiCacheSubnetGroup, "cache", *cache), nullptr);
}

// Backup selections name configuration tables by address (reference, ARN or name alike), tag
// lists and conditions; scalable targets name the table the same way.
TEST(TerraformSource, BackupSelectionAndScalableTargetsNameTables) {
  Inventory inventory;
  InputSummary s = load_terraform_text("backup.tf", R"(
resource "aws_dynamodb_table" "orders" {
  name = "orders"
  global_secondary_index {
    name = "by_customer"
  }
}
resource "aws_backup_selection" "s" {
  plan_id       = aws_backup_plan.p.id
  resources     = [aws_dynamodb_table.orders.arn, "arn:aws:dynamodb:*:*:table/*", "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]
  not_resources = ["arn:aws:dynamodb:*:*:table/scratch"]
  selection_tag {
    type  = "STRINGEQUALS"
    key   = "Backup"
    value = "daily"
  }
  condition {
    string_equals {
      key   = "aws:ResourceTag/Environment"
      value = "prod"
    }
    string_not_like {
      key   = "aws:ResourceTag/Name"
      value = "tmp-*"
    }
  }
}
resource "aws_backup_plan" "p" {
  name = "p"
}
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
resource "aws_backup_selection" "all_tables" {
  plan_id   = aws_backup_plan.p.id
  resources = ["arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/*"]
}
resource "aws_appautoscaling_target" "read" {
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.orders.name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 1
  max_capacity       = 10
}
resource "aws_appautoscaling_target" "index_read" {
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.orders.name}/index/by_customer"
  scalable_dimension = "dynamodb:index:ReadCapacityUnits"
  min_capacity       = 1
  max_capacity       = 10
}
)", inventory);
  EXPECT_TRUE(s.errors.empty()) << s.errors.front();
  inventory.finalize();
  ASSERT_EQ(inventory.backup_selections().size(), 2u);
  const BackupSelection& b = *by_id(inventory.backup_selections(), "aws_backup_selection.s");
  // The configuration's own partition, region and account: any.
  EXPECT_EQ(by_id(inventory.backup_selections(), "aws_backup_selection.all_tables")->resources.value(),
            std::vector<std::string>{"arn:*:dynamodb:*:*:table/*"});
  EXPECT_TRUE(by_id(inventory.tables(), "aws_dynamodb_table.orders")->arn.is_unknown());
  EXPECT_EQ(b.plan_id.value(), "aws_backup_plan.p");
  EXPECT_EQ(b.resources.value(), (std::vector<std::string>{"aws_dynamodb_table.orders", "arn:aws:dynamodb:*:*:table/*",
                                                           "aws_dynamodb_table.orders"}));
  EXPECT_EQ(b.not_resources.value(), std::vector<std::string>{"arn:aws:dynamodb:*:*:table/scratch"});
  ASSERT_EQ(b.list_of_tags.value().size(), 1u);
  EXPECT_EQ(b.list_of_tags.value()[0].op, "StringEquals");
  EXPECT_EQ(b.list_of_tags.value()[0].key, "Backup");
  ASSERT_EQ(b.conditions.value().size(), 2u);
  EXPECT_EQ(b.conditions.value()[0].op, "StringEquals");
  EXPECT_EQ(b.conditions.value()[0].key, "Environment");
  EXPECT_EQ(b.conditions.value()[1].op, "StringNotLike");
  EXPECT_EQ(b.conditions.value()[1].value, "tmp-*");
  const ScalableTarget* read = by_id(inventory.scalable_targets(), "aws_appautoscaling_target.read");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->resource_id.value(), "table/aws_dynamodb_table.orders");
  const ScalableTarget* index = by_id(inventory.scalable_targets(), "aws_appautoscaling_target.index_read");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->resource_id.value(), "table/aws_dynamodb_table.orders/index/by_customer");
  EXPECT_EQ(index->scalable_dimension.value(), "dynamodb:index:ReadCapacityUnits");
}

// A recorder records when an aws_config_configuration_recorder_status names it (by reference
// or name); without one, recording is absent. Trails: the provider starts logging by default.
TEST(TerraformSource, RecorderStatusAndTrails) {
  Inventory inventory;
  load_terraform_text("config.tf", R"(
resource "aws_config_configuration_recorder" "on" {
  name     = "on"
  role_arn = "arn:aws:iam::111122223333:role/config"
}
resource "aws_config_configuration_recorder_status" "on" {
  name       = aws_config_configuration_recorder.on.name
  is_enabled = true
}
resource "aws_config_configuration_recorder" "named" {
  name = "named"
  recording_group {
    all_supported = false
    resource_types = ["AWS::DynamoDB::Table"]
  }
}
resource "aws_config_configuration_recorder_status" "named" {
  name       = "named"
  is_enabled = false
}
resource "aws_config_configuration_recorder" "alone" {
  name = "alone"
  recording_group {
    recording_strategy {
      use_only = "EXCLUSION_BY_RESOURCE_TYPES"
    }
    exclusion_by_resource_types {
      resource_types = ["AWS::KMS::Key"]
    }
  }
}
resource "aws_cloudtrail" "plain" {
  name           = "plain"
  s3_bucket_name = "logs"
}
resource "aws_cloudtrail" "data" {
  name                  = "data"
  s3_bucket_name        = "logs"
  is_multi_region_trail = true
  enable_logging        = false
  is_organization_trail = true
  event_selector {
    read_write_type                  = "All"
    include_management_events        = true
    exclude_management_event_sources = ["kms.amazonaws.com"]
    data_resource {
      type   = "AWS::DynamoDB::Table"
      values = ["arn:aws:dynamodb"]
    }
  }
}
resource "aws_cloudtrail" "advanced" {
  name           = "advanced"
  s3_bucket_name = "logs"
  advanced_event_selector {
    name = "ddb"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::DynamoDB::Table"]
    }
  }
}
)", inventory);
  inventory.finalize();
  const ConfigRecorder* on = by_id(inventory.config_recorders(), "aws_config_configuration_recorder.on");
  ASSERT_NE(on, nullptr);
  EXPECT_TRUE(on->recording.value());
  EXPECT_TRUE(on->all_supported.is_absent());
  const ConfigRecorder* named = by_id(inventory.config_recorders(), "aws_config_configuration_recorder.named");
  ASSERT_NE(named, nullptr);
  EXPECT_FALSE(named->recording.value());
  EXPECT_FALSE(named->all_supported.value());
  EXPECT_EQ(named->resource_types.value(), std::vector<std::string>{"AWS::DynamoDB::Table"});
  const ConfigRecorder* alone = by_id(inventory.config_recorders(), "aws_config_configuration_recorder.alone");
  ASSERT_NE(alone, nullptr);
  EXPECT_TRUE(alone->recording.is_absent());
  EXPECT_TRUE(alone->all_supported.value());  // the provider's default inside recording_group
  EXPECT_EQ(alone->recording_strategy.value(), "EXCLUSION_BY_RESOURCE_TYPES");
  EXPECT_EQ(alone->excluded_types.value(), std::vector<std::string>{"AWS::KMS::Key"});
  const Trail* plain = by_id(inventory.trails(), "aws_cloudtrail.plain");
  ASSERT_NE(plain, nullptr);
  EXPECT_TRUE(plain->logging.value());
  EXPECT_TRUE(plain->multi_region.is_absent());
  EXPECT_TRUE(plain->event_selectors.is_absent());
  const Trail* data = by_id(inventory.trails(), "aws_cloudtrail.data");
  ASSERT_NE(data, nullptr);
  EXPECT_FALSE(data->logging.value());
  EXPECT_TRUE(data->multi_region.value());
  ASSERT_EQ(data->event_selectors.value().size(), 1u);
  EXPECT_EQ(data->event_selectors.value()[0].data_resource_types, std::vector<std::string>{"AWS::DynamoDB::Table"});
  EXPECT_EQ(data->event_selectors.value()[0].exclude_management_event_sources, std::vector<std::string>{"kms.amazonaws.com"});
  EXPECT_TRUE(data->organization.value());
  EXPECT_TRUE(plain->organization.is_absent());
  const Trail* advanced = by_id(inventory.trails(), "aws_cloudtrail.advanced");
  ASSERT_NE(advanced, nullptr);
  ASSERT_EQ(advanced->advanced_event_selectors.value().size(), 1u);
  const AdvancedEventSelector& sel = advanced->advanced_event_selectors.value()[0];
  EXPECT_EQ(sel.name, "ddb");
  ASSERT_EQ(sel.field_selectors.size(), 2u);
  EXPECT_EQ(sel.field_selectors[1].field, "resources.type");
  EXPECT_EQ(sel.field_selectors[1].equals, std::vector<std::string>{"AWS::DynamoDB::Table"});
}

// Key policies: jsonencode, a rendered aws_iam_policy_document, aws_kms_key_policy; an
// unresolvable document is unknown.
TEST(TerraformSource, KmsKeyPolicies) {
  Inventory inventory;
  load_terraform_text("kms.tf", R"(
variable "doc" {}
data "aws_iam_policy_document" "open" {
  statement {
    sid     = "Open"
    actions = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["elasticache.eu-west-1.amazonaws.com", "dax.eu-west-1.amazonaws.com"]
    }
  }
}
resource "aws_kms_key" "inline" {
  key_spec = "SYMMETRIC_DEFAULT"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}
resource "aws_kms_key" "separate" {}
resource "aws_kms_key_policy" "separate" {
  key_id = aws_kms_key.separate.id
  policy = data.aws_iam_policy_document.open.json
}
resource "aws_kms_key" "unknown" {
  policy = var.doc
}
resource "aws_kms_key" "default" {}
)", inventory);
  inventory.finalize();
  const KmsKey* inline_key = by_id(inventory.kms_keys(), "aws_kms_key.inline");
  ASSERT_NE(inline_key, nullptr);
  EXPECT_NE(inline_key->policy.value().find("111122223333:root"), std::string::npos);
  const KmsKey* separate = by_id(inventory.kms_keys(), "aws_kms_key.separate");
  ASSERT_NE(separate, nullptr);
  ASSERT_TRUE(separate->policy.is_known()) << separate->policy.reason();
  EXPECT_EQ(separate->policy.value(),
            R"({"Statement":[{"Action":"kms:Decrypt","Condition":{"StringEquals":{"kms:ViaService":)"
            R"(["elasticache.eu-west-1.amazonaws.com","dax.eu-west-1.amazonaws.com"]}},"Effect":"Allow",)"
            R"("Principal":"*","Resource":"*","Sid":"Open"}],"Version":"2012-10-17"})");
  EXPECT_TRUE(by_id(inventory.kms_keys(), "aws_kms_key.unknown")->policy.is_unknown());
  EXPECT_TRUE(by_id(inventory.kms_keys(), "aws_kms_key.default")->policy.is_absent());
}

// Replication groups, clusters and serverless caches: authentication, failover, nodes, backups.
TEST(TerraformSource, ElastiCacheSettings) {
  Inventory inventory;
  load_terraform_text("cache.tf", R"(
resource "random_password" "token" {
  length = 32
}
resource "aws_elasticache_subnet_group" "g" {
  name       = "g"
  subnet_ids = ["subnet-1"]
}
resource "aws_elasticache_replication_group" "sharded" {
  replication_group_id       = "sharded"
  auth_token                 = random_password.token.result
  automatic_failover_enabled = true
  multi_az_enabled           = true
  num_node_groups            = 3
  replicas_per_node_group    = 2
  snapshot_retention_limit   = 7
  subnet_group_name          = aws_elasticache_subnet_group.g.name
  security_group_ids         = ["sg-1"]
  user_group_ids             = ["ug-1"]
}
resource "aws_elasticache_replication_group" "plain" {
  replication_group_id = "plain"
  num_cache_clusters   = 2
}
resource "aws_elasticache_cluster" "memcached" {
  cluster_id                 = "mc"
  engine                     = "memcached"
  az_mode                    = "cross-az"
  num_cache_nodes            = 3
  auto_minor_version_upgrade = "false"
  subnet_group_name          = "default"
}
resource "aws_elasticache_serverless_cache" "s" {
  name                     = "s"
  engine                   = "valkey"
  subnet_ids               = ["subnet-1", "subnet-2"]
  security_group_ids       = ["sg-1"]
  user_group_id            = "ug-2"
  snapshot_retention_limit = 3
}
)", inventory);
  inventory.finalize();
  const ElastiCache* sharded = by_id(inventory.caches(), "aws_elasticache_replication_group.sharded");
  ASSERT_NE(sharded, nullptr);
  EXPECT_TRUE(sharded->auth_token_enabled.value());
  EXPECT_EQ(sharded->automatic_failover.value(), "enabled");
  EXPECT_TRUE(sharded->multi_az.value());
  EXPECT_EQ(sharded->num_nodes.value(), 9);
  EXPECT_EQ(sharded->snapshot_retention_limit.value(), 7);
  EXPECT_EQ(sharded->cache_subnet_group.value(), "aws_elasticache_subnet_group.g");
  EXPECT_EQ(sharded->security_group_ids.value(), std::vector<std::string>{"sg-1"});
  EXPECT_EQ(sharded->user_group_ids.value(), std::vector<std::string>{"ug-1"});
  EXPECT_TRUE(sharded->auto_minor_version_upgrade.is_absent());
  const ElastiCache* plain = by_id(inventory.caches(), "aws_elasticache_replication_group.plain");
  ASSERT_NE(plain, nullptr);
  EXPECT_TRUE(plain->auth_token_enabled.is_absent());
  EXPECT_TRUE(plain->automatic_failover.is_absent());
  EXPECT_EQ(plain->num_nodes.value(), 2);
  EXPECT_TRUE(plain->cache_subnet_group.is_absent());
  const ElastiCache* mc = by_id(inventory.caches(), "aws_elasticache_cluster.memcached");
  ASSERT_NE(mc, nullptr);
  EXPECT_EQ(mc->az_mode.value(), "cross-az");
  EXPECT_EQ(mc->num_nodes.value(), 3);
  EXPECT_FALSE(mc->auto_minor_version_upgrade.value());
  EXPECT_EQ(mc->cache_subnet_group.value(), "default");
  const ElastiCache* s = by_id(inventory.caches(), "aws_elasticache_serverless_cache.s");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subnet_ids.value(), (std::vector<std::string>{"subnet-1", "subnet-2"}));
  EXPECT_EQ(s->user_group_ids.value(), std::vector<std::string>{"ug-2"});
  EXPECT_EQ(s->snapshot_retention_limit.value(), 3);
}

// VPC endpoints built from the provider's region (data.aws_region) or a variable; inline
// policies of users and groups.
TEST(TerraformSource, EndpointsAndInlineUserPolicies) {
  Inventory inventory;
  InputSummary s = load_terraform_text("vpce.tf", R"(
provider "aws" {
  region = var.region
}
variable "region" {
  default = "eu-west-1"
}
data "aws_region" "current" {}
resource "aws_vpc_endpoint" "ddb" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.${data.aws_region.current.name}.dynamodb"
}
resource "aws_vpc_endpoint" "iface" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.${var.region}.dynamodb"
  vpc_endpoint_type = "Interface"
}
resource "aws_iam_user" "alice" {
  name = "alice"
}
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.alice.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "dax:*", Resource = "*" }] })
}
resource "aws_iam_group_policy" "g" {
  group  = "ops"
  policy = "{}"
}
resource "aws_iam_role_policy" "external" {
  role   = "existing-role"
  policy = "{}"
}
)", inventory);
  EXPECT_TRUE(s.errors.empty()) << s.errors.front();
  inventory.finalize();
  const VpcEndpoint* ddb = by_id(inventory.vpc_endpoints(), "aws_vpc_endpoint.ddb");
  ASSERT_NE(ddb, nullptr);
  EXPECT_EQ(ddb->service_name.value(), "com.amazonaws.eu-west-1.dynamodb");
  EXPECT_TRUE(ddb->endpoint_type.is_absent());
  EXPECT_EQ(by_id(inventory.vpc_endpoints(), "aws_vpc_endpoint.iface")->endpoint_type.value(), "Interface");
  EXPECT_EQ(by_id(inventory.iam_policies(), "aws_iam_user_policy.p")->inline_owner.value(), "user/alice");
  EXPECT_EQ(by_id(inventory.iam_policies(), "aws_iam_group_policy.g")->inline_owner.value(), "group/ops");
  EXPECT_EQ(by_id(inventory.iam_policies(), "aws_iam_role_policy.external")->inline_owner.value(), "role/existing-role");
}

// Attributes of AWS resources known only after apply stay placeholders inside documents
// (never wildcards, so the document can be judged); anything else unknown keeps it unknown.
TEST(TerraformSource, DocumentsKeepPlaceholdersForResourceAttributes) {
  Inventory inventory;
  load_terraform_text("docs.tf", R"(
variable "actions" {}
data "aws_region" "current" {}
resource "aws_dynamodb_table" "orders" {
  name = "orders"
}
resource "aws_iam_policy" "scoped" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = [aws_dynamodb_table.orders.arn, "${aws_dynamodb_table.orders.arn}/index/*"] }]
  })
}
resource "aws_iam_policy" "open" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
resource "aws_vpc_endpoint" "ddb" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.${data.aws_region.current.name}.dynamodb"
}
resource "aws_kms_key" "k" {
  description = "arn ${aws_dynamodb_table.orders.arn}"
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  server_side_encryption {
    enabled     = true
    kms_key_arn = "${aws_kms_key.k.arn}"
  }
}
)", inventory);
  inventory.finalize();
  const IamPolicy* scoped = by_id(inventory.iam_policies(), "aws_iam_policy.scoped");
  ASSERT_NE(scoped, nullptr);
  ASSERT_TRUE(scoped->document.is_known()) << scoped->document.reason();
  EXPECT_NE(scoped->document.value().find(R"(["${aws_dynamodb_table.orders.arn}","${aws_dynamodb_table.orders.arn}/index/*"])"),
            std::string::npos)
      << scoped->document.value();
  EXPECT_TRUE(by_id(inventory.iam_policies(), "aws_iam_policy.open")->document.is_unknown());
  EXPECT_EQ(by_id(inventory.vpc_endpoints(), "aws_vpc_endpoint.ddb")->service_name.value(),
            "com.amazonaws.${data.aws_region.current.name}.dynamodb");
  EXPECT_EQ(by_id(inventory.tables(), "aws_dynamodb_table.t")->kms_key_arn.value(), "aws_kms_key.k");
}

// A route, association or policy whose count is unknown (or whose target cannot be told) makes
// what it may change UNKNOWN: dropping it would let a public subnet look private, an open policy
// look absent.
TEST(TerraformSource, UnknownCountAdditionsMakeTheirTargetsUnknown) {
  Inventory inventory;
  load_terraform_text("maybe.tf", R"(
variable "public" {}
variable "rt" {}
variable "n" {}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "a" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table" "rt" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route" "inet" {
  count                  = var.public ? 1 : 0
  route_table_id         = aws_route_table.rt.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.rt.id
}
resource "aws_route_table" "other" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table_association" "maybe" {
  count          = var.n
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.other.id
}
resource "aws_route_table" "many" {
  count  = 2
  vpc_id = aws_vpc.main.id
}
resource "aws_route" "each" {
  count                  = var.n
  route_table_id         = aws_route_table.many[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}
resource "aws_default_route_table" "d" {
  default_route_table_id = aws_vpc.main.default_route_table_id
}
resource "aws_route" "main" {
  route_table_id         = aws_vpc.main.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}
resource "aws_dynamodb_table" "t" {
  name = "t"
}
resource "aws_dynamodb_resource_policy" "p" {
  count        = var.public ? 1 : 0
  resource_arn = aws_dynamodb_table.t.arn
  policy       = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_kms_key" "k" {}
resource "aws_kms_key_policy" "p" {
  key_id = var.rt
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_security_group" "sg" {
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_security_group_ingress_rule" "open" {
  count             = var.public ? 1 : 0
  security_group_id = aws_security_group.sg.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
)", inventory);
  inventory.finalize();
  const RouteTable* rt = by_id(inventory.route_tables(), "aws_route_table.rt");
  ASSERT_NE(rt, nullptr);
  ASSERT_TRUE(rt->routes.is_unknown());
  EXPECT_NE(rt->routes.reason().find("count is unknown"), std::string_view::npos) << rt->routes.reason();
  EXPECT_EQ(rt->subnet_ids.value(), std::vector<std::string>{"aws_subnet.a"});
  EXPECT_TRUE(by_id(inventory.route_tables(), "aws_route_table.other")->subnet_ids.is_unknown());
  // aws_route_table.many[count.index] with count unknown: either table.
  for (const char* id : {"aws_route_table.many[0]", "aws_route_table.many[1]"}) {
    ASSERT_NE(by_id(inventory.route_tables(), id), nullptr) << id;
    EXPECT_TRUE(by_id(inventory.route_tables(), id)->routes.is_unknown()) << id;
  }
  // aws_vpc.main.main_route_table_id is the default route table the configuration manages.
  const RouteTable* d = by_id(inventory.route_tables(), "aws_default_route_table.d");
  ASSERT_NE(d, nullptr);
  ASSERT_TRUE(d->routes.is_unknown());  // aws_route.each may be on any table too
  EXPECT_TRUE(by_id(inventory.tables(), "aws_dynamodb_table.t")->resource_policy.is_unknown());
  EXPECT_TRUE(by_id(inventory.kms_keys(), "aws_kms_key.k")->policy.is_unknown());
  EXPECT_TRUE(by_id(inventory.security_groups(), "aws_security_group.sg")->ingress.is_unknown());
}

// An aws_route on aws_vpc.x.main_route_table_id joins the configuration's aws_default_route_table.
TEST(TerraformSource, RouteOnTheMainRouteTableOfAVpc) {
  Inventory inventory;
  load_terraform_text("main.tf", R"(
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_default_route_table" "d" {
  default_route_table_id = aws_vpc.main.default_route_table_id
}
resource "aws_route" "main" {
  route_table_id         = aws_vpc.main.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}
)", inventory);
  inventory.finalize();
  const RouteTable* d = by_id(inventory.route_tables(), "aws_default_route_table.d");
  ASSERT_NE(d, nullptr);
  ASSERT_TRUE(d->routes.is_known()) << d->routes.reason();
  ASSERT_EQ(d->routes.value().size(), 1u);
  EXPECT_EQ(d->routes.value()[0].gateway_id.value(), "igw-aws_internet_gateway.igw");
}

// data "aws_iam_policy_document": a resource's ARN known only after apply is its placeholder (as
// in jsonencode); condition blocks with the same test and variable add up their values, as the
// provider renders them.
TEST(TerraformSource, PolicyDocumentDataSourceKeepsPlaceholdersAndMergesConditions) {
  Inventory inventory;
  load_terraform_text("doc.tf", R"(
resource "aws_dynamodb_table" "orders" {
  name = "orders"
}
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["dynamodb:GetItem"]
    resources = [aws_dynamodb_table.orders.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = ["vpce-1"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = ["vpce-2"]
    }
  }
}
resource "aws_dynamodb_resource_policy" "rp" {
  resource_arn = aws_dynamodb_table.orders.arn
  policy       = data.aws_iam_policy_document.p.json
}
)", inventory);
  inventory.finalize();
  const DynamoDbTable* t = by_id(inventory.tables(), "aws_dynamodb_table.orders");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->resource_policy.is_known()) << t->resource_policy.reason();
  const std::string& doc = t->resource_policy.value();
  EXPECT_NE(doc.find(R"("Resource":"${aws_dynamodb_table.orders.arn}")"), std::string::npos) << doc;
  EXPECT_NE(doc.find(R"("aws:SourceVpce":["vpce-1","vpce-2"])"), std::string::npos) << doc;
}

// Provider v4's cluster_mode block gives the shape of a sharded group; provider v6's resource
// `region` argument places a table replica.
TEST(TerraformSource, LegacyClusterModeAndReplicaRegionArgument) {
  Inventory inventory;
  load_terraform_text("v4v6.tf", R"(
provider "aws" {
  region = "eu-west-1"
}
variable "n" {}
resource "aws_elasticache_replication_group" "v4" {
  replication_group_id = "v4"
  cluster_mode {
    num_node_groups         = 2
    replicas_per_node_group = 1
  }
}
resource "aws_dynamodb_table" "t" {
  name = "t"
}
resource "aws_dynamodb_table_replica" "r" {
  region           = "ap-south-1"
  global_table_arn = aws_dynamodb_table.t.arn
}
resource "aws_dynamodb_table" "u" {
  name = "u"
}
resource "aws_dynamodb_table_replica" "maybe" {
  count            = var.n
  global_table_arn = aws_dynamodb_table.u.arn
}
)", inventory);
  inventory.finalize();
  const ElastiCache* v4 = by_id(inventory.caches(), "aws_elasticache_replication_group.v4");
  ASSERT_NE(v4, nullptr);
  EXPECT_EQ(v4->num_nodes.value(), 4);
  const DynamoDbTable* t = by_id(inventory.tables(), "aws_dynamodb_table.t");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->replicas.value().size(), 1u);
  EXPECT_EQ(t->replicas.value()[0].region, "ap-south-1");
  // A replica that may or may not exist: the table's replicas are unknown.
  EXPECT_TRUE(by_id(inventory.tables(), "aws_dynamodb_table.u")->replicas.is_unknown());
}

}  // namespace
}  // namespace atrest
