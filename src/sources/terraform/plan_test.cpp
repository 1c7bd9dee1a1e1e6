#include "sources/terraform/plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "checks/engine.h"
#include "sources/load.h"

namespace atrest::tf {
namespace {

namespace fs = std::filesystem;

// A plan read and every check run over it, as a scan would.
class Scan {
 public:
  explicit Scan(std::string_view json, const PlanOptions& options = {}, std::string_view name = "plan.json") {
    summary = load_terraform_plan_text(name, json, options, inventory);
    inventory.finalize();
    findings = run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  }
  // "PASS", "FAIL", "UNKNOWN" or "ERROR"; "none" when the check did not judge the resource.
  std::string status(std::string_view check, std::string_view id) const {
    const Finding* f = find(check, id);
    return f == nullptr ? "none" : status_name(f->status);
  }
  std::string message(std::string_view check, std::string_view id) const {
    const Finding* f = find(check, id);
    return f == nullptr ? "" : f->message;
  }
  const Finding* find(std::string_view check, std::string_view id) const {
    for (const Finding& f : findings) {
      if (f.check->id == check && f.resource->id == id) return &f;
    }
    return nullptr;
  }
  template <class T>
  static const T* by_id(const std::vector<T>& items, std::string_view id) {
    for (const T& r : items) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  Inventory inventory;
  InputSummary summary;
  std::vector<Finding> findings;
};

// Three clusters as `terraform show -json` writes them: encryption on, off, and the block left
// out (server_side_encryption is then an empty list).
const char* kDaxPlan = R"({"format_version":"1.2","terraform_version":"1.9.8",
"planned_values":{"root_module":{"resources":[
 {"address":"aws_dax_cluster.encrypted","mode":"managed","type":"aws_dax_cluster","name":"encrypted","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"availability_zones":null,"cluster_endpoint_encryption_type":"TLS","cluster_name":"orders","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":3,"server_side_encryption":[{"enabled":true}],"tags":null,"timeouts":null},
  "sensitive_values":{"server_side_encryption":[{}]}},
 {"address":"aws_dax_cluster.disabled","mode":"managed","type":"aws_dax_cluster","name":"disabled","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"reports","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":1,"server_side_encryption":[{"enabled":false}],"tags":null,"timeouts":null},
  "sensitive_values":{"server_side_encryption":[{}]}},
 {"address":"aws_dax_cluster.missing","mode":"managed","type":"aws_dax_cluster","name":"missing","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"legacy","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":1,"server_side_encryption":[],"tags":null,"timeouts":null},
  "sensitive_values":{"server_side_encryption":[]}}]}},
"resource_changes":[
 {"address":"aws_dax_cluster.encrypted","mode":"managed","type":"aws_dax_cluster","name":"encrypted","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,
   "after":{"availability_zones":null,"cluster_endpoint_encryption_type":"TLS","cluster_name":"orders","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":3,"server_side_encryption":[{"enabled":true}],"tags":null,"timeouts":null},
   "after_unknown":{"arn":true,"cluster_address":true,"configuration_endpoint":true,"id":true,"maintenance_window":true,"nodes":true,"parameter_group_name":true,"port":true,"security_group_ids":true,"server_side_encryption":[{}],"subnet_group_name":true,"tags_all":true},
   "before_sensitive":false,"after_sensitive":{"server_side_encryption":[{}]}}},
 {"address":"aws_dax_cluster.disabled","mode":"managed","type":"aws_dax_cluster","name":"disabled","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,
   "after":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"reports","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":1,"server_side_encryption":[{"enabled":false}],"tags":null,"timeouts":null},
   "after_unknown":{"arn":true,"cluster_address":true,"configuration_endpoint":true,"id":true,"maintenance_window":true,"nodes":true,"parameter_group_name":true,"port":true,"security_group_ids":true,"server_side_encryption":[{}],"subnet_group_name":true,"tags_all":true},
   "before_sensitive":false,"after_sensitive":{"server_side_encryption":[{}]}}},
 {"address":"aws_dax_cluster.missing","mode":"managed","type":"aws_dax_cluster","name":"missing","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["no-op"],
   "before":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"legacy","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":1,"server_side_encryption":[],"tags":null,"timeouts":null},
   "after":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"legacy","description":null,"iam_role_arn":"arn:aws:iam::123456789012:role/dax","node_type":"dax.r5.large","notification_topic_arn":null,"replication_factor":1,"server_side_encryption":[],"tags":null,"timeouts":null},
   "after_unknown":{"server_side_encryption":[]},"before_sensitive":{"server_side_encryption":[]},"after_sensitive":{"server_side_encryption":[]}}},
 {"address":"aws_dax_cluster.retired","mode":"managed","type":"aws_dax_cluster","name":"retired","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["delete"],
   "before":{"cluster_endpoint_encryption_type":null,"cluster_name":"retired","replication_factor":1,"server_side_encryption":[]},
   "after":null,"after_unknown":{},"before_sensitive":{"server_side_encryption":[]},"after_sensitive":false},
  "action_reason":"delete_because_no_resource_config"}],
"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws"}},"root_module":{"resources":[
 {"address":"aws_dax_cluster.encrypted","mode":"managed","type":"aws_dax_cluster","name":"encrypted","provider_config_key":"aws","expressions":{"cluster_endpoint_encryption_type":{"constant_value":"TLS"},"cluster_name":{"constant_value":"orders"},"iam_role_arn":{"constant_value":"arn:aws:iam::123456789012:role/dax"},"node_type":{"constant_value":"dax.r5.large"},"replication_factor":{"constant_value":3},"server_side_encryption":[{"enabled":{"constant_value":true}}]},"schema_version":0},
 {"address":"aws_dax_cluster.disabled","mode":"managed","type":"aws_dax_cluster","name":"disabled","provider_config_key":"aws","expressions":{"cluster_name":{"constant_value":"reports"},"iam_role_arn":{"constant_value":"arn:aws:iam::123456789012:role/dax"},"node_type":{"constant_value":"dax.r5.large"},"replication_factor":{"constant_value":1},"server_side_encryption":[{"enabled":{"constant_value":false}}]},"schema_version":0},
 {"address":"aws_dax_cluster.missing","mode":"managed","type":"aws_dax_cluster","name":"missing","provider_config_key":"aws","expressions":{"cluster_name":{"constant_value":"legacy"},"iam_role_arn":{"constant_value":"arn:aws:iam::123456789012:role/dax"},"node_type":{"constant_value":"dax.r5.large"},"replication_factor":{"constant_value":1}},"schema_version":0}]}},
"timestamp":"2025-03-14T09:26:53Z","applyable":true,"complete":true,"errored":false})";

TEST(TerraformPlan, RecognisesPlansByShape) {
  simdjson::dom::parser parser;
  auto shape = [&](const char* json) { return is_terraform_plan(parser.parse(std::string_view(json)).value()); };
  EXPECT_TRUE(shape(kDaxPlan));
  EXPECT_TRUE(shape(R"({"format_version":"1.2","resource_changes":[]})"));
  EXPECT_TRUE(shape(R"({"format_version":"1.0","terraform_version":"1.9.8","values":{}})"));  // show -json of a state
  EXPECT_FALSE(shape(R"({"Clusters":[]})"));
  EXPECT_FALSE(shape(R"({"format_version":"1.2"})"));
  EXPECT_FALSE(shape(R"({"terraform_version":"1.9.8","platform":"linux_amd64","provider_selections":{}})"));
  EXPECT_TRUE(shape(R"({"version":4,"terraform_version":"1.9.8","serial":3,"lineage":"x","resources":[]})"))
      << "a raw state is claimed, to say what to do with it";
  EXPECT_FALSE(shape(R"({"AWSTemplateFormatVersion":"2010-09-09","Resources":{}})"));
  EXPECT_FALSE(shape(R"([{"format_version":"1.2"}])"));
}

TEST(TerraformPlan, DaxEncryptionEnabledDisabledAndOmitted) {
  Scan s(kDaxPlan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  EXPECT_EQ(s.summary.kind, SourceKind::kTerraformPlan);
  EXPECT_EQ(s.summary.files_recognised, 1u);
  EXPECT_EQ(s.summary.resources, 3u) << "the deleted cluster is not in planned_values";
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.encrypted"), "PASS");
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.disabled"), "FAIL");
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.missing"), "FAIL") << "no-op resources are judged";
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.retired"), "none");
  EXPECT_EQ(s.status("dax-encryption-in-transit", "aws_dax_cluster.encrypted"), "PASS");
  EXPECT_EQ(s.status("dax-encryption-in-transit", "aws_dax_cluster.disabled"), "FAIL");
  EXPECT_EQ(s.status("dax-multi-az", "aws_dax_cluster.encrypted"), "PASS")
      << "availability_zones null: DAX spreads the three nodes; " << s.message("dax-multi-az", "aws_dax_cluster.encrypted");
  EXPECT_EQ(s.status("dax-multi-az", "aws_dax_cluster.disabled"), "FAIL");
  const DaxCluster* c = Scan::by_id(s.inventory.dax_clusters(), "aws_dax_cluster.encrypted");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->origin.kind, SourceKind::kTerraformPlan);
  ASSERT_NE(c->origin.file, nullptr);
  EXPECT_EQ(*c->origin.file, "plan.json") << "no .tf files: the plan file";
  EXPECT_EQ(c->origin.line, 0u);
  const std::string canonical = fs::absolute("plan.json").lexically_normal().string();
  ASSERT_NE(c->origin.canonical_file, nullptr);
  EXPECT_EQ(*c->origin.canonical_file, canonical);
  // subnet_group_name is computed and not written: what the provider picks, read as omitted.
  EXPECT_TRUE(c->subnet_group.is_absent());
}

// A table whose key is created in the same plan: its ARN is known only after apply, and the
// configuration's references say which key it is.
const char* kTableWithNewKey = R"({"format_version":"1.2","terraform_version":"1.9.8",
"planned_values":{"root_module":{"resources":[
 {"address":"aws_kms_key.cache","mode":"managed","type":"aws_kms_key","name":"cache","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"bypass_policy_lockout_safety_check":false,"custom_key_store_id":null,"customer_master_key_spec":"SYMMETRIC_DEFAULT","deletion_window_in_days":30,"description":"orders","enable_key_rotation":true,"is_enabled":true,"key_usage":"ENCRYPT_DECRYPT","tags":null,"timeouts":null,"xks_key_id":null},
  "sensitive_values":{}},
 {"address":"aws_dynamodb_table.orders","mode":"managed","type":"aws_dynamodb_table","name":"orders","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,
  "values":{"attribute":[{"name":"pk","type":"S"}],"billing_mode":"PAY_PER_REQUEST","deletion_protection_enabled":true,"hash_key":"pk","name":"orders","range_key":null,"replica":[],"server_side_encryption":[{"enabled":true}],"tags":null,"timeouts":null},
  "sensitive_values":{"attribute":[{}],"replica":[],"server_side_encryption":[{}]}},
 {"address":"aws_dynamodb_table.audit","mode":"managed","type":"aws_dynamodb_table","name":"audit","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,
  "values":{"attribute":[{"name":"pk","type":"S"}],"billing_mode":"PAY_PER_REQUEST","deletion_protection_enabled":null,"hash_key":"pk","name":"audit","range_key":null,"replica":[],"tags":null,"timeouts":null},
  "sensitive_values":{"attribute":[{}],"replica":[]}}]}},
"resource_changes":[
 {"address":"aws_kms_key.cache","mode":"managed","type":"aws_kms_key","name":"cache","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,
   "after":{"bypass_policy_lockout_safety_check":false,"custom_key_store_id":null,"customer_master_key_spec":"SYMMETRIC_DEFAULT","deletion_window_in_days":30,"description":"orders","enable_key_rotation":true,"is_enabled":true,"key_usage":"ENCRYPT_DECRYPT","tags":null,"timeouts":null,"xks_key_id":null},
   "after_unknown":{"arn":true,"id":true,"key_id":true,"multi_region":true,"policy":true,"rotation_period_in_days":true,"tags_all":true},
   "before_sensitive":false,"after_sensitive":{}}},
 {"address":"aws_dynamodb_table.orders","mode":"managed","type":"aws_dynamodb_table","name":"orders","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,
   "after":{"attribute":[{"name":"pk","type":"S"}],"billing_mode":"PAY_PER_REQUEST","deletion_protection_enabled":true,"hash_key":"pk","name":"orders","range_key":null,"replica":[],"server_side_encryption":[{"enabled":true}],"tags":null,"timeouts":null},
   "after_unknown":{"arn":true,"attribute":[{}],"id":true,"point_in_time_recovery":true,"read_capacity":true,"replica":[],"server_side_encryption":[{"kms_key_arn":true}],"stream_arn":true,"stream_label":true,"stream_view_type":true,"tags_all":true,"ttl":true,"write_capacity":true},
   "before_sensitive":false,"after_sensitive":{"attribute":[{}],"replica":[],"server_side_encryption":[{}]}}},
 {"address":"aws_dynamodb_table.audit","mode":"managed","type":"aws_dynamodb_table","name":"audit","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,
   "after":{"attribute":[{"name":"pk","type":"S"}],"billing_mode":"PAY_PER_REQUEST","deletion_protection_enabled":null,"hash_key":"pk","name":"audit","range_key":null,"replica":[],"tags":null,"timeouts":null},
   "after_unknown":{"arn":true,"attribute":[{}],"id":true,"point_in_time_recovery":true,"read_capacity":true,"replica":[],"server_side_encryption":true,"stream_arn":true,"stream_label":true,"stream_view_type":true,"tags_all":true,"ttl":true,"write_capacity":true},
   "before_sensitive":false,"after_sensitive":{"attribute":[{}],"replica":[]}}}],
"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws"}},"root_module":{"resources":[
 {"address":"aws_kms_key.cache","mode":"managed","type":"aws_kms_key","name":"cache","provider_config_key":"aws","expressions":{"deletion_window_in_days":{"constant_value":30},"description":{"constant_value":"orders"},"enable_key_rotation":{"constant_value":true}},"schema_version":0},
 {"address":"aws_dynamodb_table.orders","mode":"managed","type":"aws_dynamodb_table","name":"orders","provider_config_key":"aws","expressions":{"attribute":[{"name":{"constant_value":"pk"},"type":{"constant_value":"S"}}],"billing_mode":{"constant_value":"PAY_PER_REQUEST"},"deletion_protection_enabled":{"constant_value":true},"hash_key":{"constant_value":"pk"},"name":{"constant_value":"orders"},"server_side_encryption":[{"enabled":{"constant_value":true},"kms_key_arn":{"references":["aws_kms_key.cache.arn","aws_kms_key.cache"]}}]},"schema_version":1},
 {"address":"aws_dynamodb_table.audit","mode":"managed","type":"aws_dynamodb_table","name":"audit","provider_config_key":"aws","expressions":{"attribute":[{"name":{"constant_value":"pk"},"type":{"constant_value":"S"}}],"billing_mode":{"constant_value":"PAY_PER_REQUEST"},"hash_key":{"constant_value":"pk"},"name":{"constant_value":"audit"}},"schema_version":1}]}},
"timestamp":"2025-03-14T09:26:53Z","applyable":true,"complete":true,"errored":false})";

TEST(TerraformPlan, KeyKnownAfterApplyResolvesToTheKeyResource) {
  Scan s(kTableWithNewKey, PlanOptions{"123456789012", "eu-west-1"});
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  const DynamoDbTable* t = Scan::by_id(s.inventory.tables(), "aws_dynamodb_table.orders");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->kms_key_arn.is_known()) << t->kms_key_arn.reason();
  EXPECT_EQ(t->kms_key_arn.value(), "aws_kms_key.cache");
  EXPECT_EQ(*t->account, "123456789012");
  EXPECT_EQ(s.status("dynamodb-kms-encryption", "aws_dynamodb_table.orders"), "PASS");
  EXPECT_EQ(s.status("dynamodb-customer-managed-key", "aws_dynamodb_table.orders"), "PASS")
      << s.message("dynamodb-customer-managed-key", "aws_dynamodb_table.orders");
  EXPECT_EQ(s.status("dynamodb-key-usable", "aws_dynamodb_table.orders"), "none") << "not a Terraform check";
  // No server_side_encryption block: the provider computes it; the table is on the AWS owned key.
  EXPECT_EQ(s.status("dynamodb-kms-encryption", "aws_dynamodb_table.audit"), "FAIL");
  EXPECT_EQ(s.status("dynamodb-customer-managed-key", "aws_dynamodb_table.audit"), "FAIL");
}

// The same table whose key reference comes out of a module output: which key is unknown until
// apply, and the finding says so.
TEST(TerraformPlan, KeyFromAModuleOutputStaysUnknown) {
  std::string plan = kTableWithNewKey;
  const std::string from = R"("references":["aws_kms_key.cache.arn","aws_kms_key.cache"])";
  plan.replace(plan.find(from), from.size(), R"("references":["module.kms.key_arn","module.kms"])");
  Scan s(plan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  EXPECT_EQ(s.status("dynamodb-kms-encryption", "aws_dynamodb_table.orders"), "PASS");
  EXPECT_EQ(s.status("dynamodb-customer-managed-key", "aws_dynamodb_table.orders"), "UNKNOWN");
  EXPECT_NE(s.message("dynamodb-customer-managed-key", "aws_dynamodb_table.orders").find("known after apply"),
            std::string::npos)
      << s.message("dynamodb-customer-managed-key", "aws_dynamodb_table.orders");
}

// kms_key_arn = coalesce(var.key_arn, aws_kms_key.cache.arn) with the variable set: the known ARN
// is not the planned key's (whose ARN is unknown), so it names an outside key, not the reference.
TEST(TerraformPlan, KnownValueIsNotTakenForTheResourceItReferences) {
  std::string plan = kTableWithNewKey;
  const std::string after = R"("server_side_encryption":[{"enabled":true}],"tags")";
  const std::string with_key =
      R"("server_side_encryption":[{"enabled":true,"kms_key_arn":"arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"}],"tags")";
  for (size_t at = plan.find(after); at != std::string::npos; at = plan.find(after, at + with_key.size())) {
    plan.replace(at, after.size(), with_key);
  }
  const std::string mask = R"("server_side_encryption":[{"kms_key_arn":true}])";
  plan.replace(plan.find(mask), mask.size(), R"("server_side_encryption":[{}])");
  const std::string refs = R"("references":["aws_kms_key.cache.arn","aws_kms_key.cache"])";
  plan.replace(plan.find(refs), refs.size(), R"("references":["var.key_arn","aws_kms_key.cache.arn","aws_kms_key.cache"])");
  Scan s(plan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  const DynamoDbTable* t = Scan::by_id(s.inventory.tables(), "aws_dynamodb_table.orders");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->kms_key_arn.is_known());
  EXPECT_EQ(t->kms_key_arn.value(), "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555");
}

// kms_key_arn = aws_kms_key.k[var.key_index].arn with existing keys: the references cannot say
// which instance, the known ARN can.
TEST(TerraformPlan, KnownValueFindsItsInstanceAmongCountedResources) {
  const char* plan = R"({"format_version":"1.2","terraform_version":"1.9.8",
"planned_values":{"root_module":{"resources":[
 {"address":"aws_kms_key.k[0]","mode":"managed","type":"aws_kms_key","name":"k","index":0,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"arn":"arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000","is_enabled":true},"sensitive_values":{}},
 {"address":"aws_kms_key.k[1]","mode":"managed","type":"aws_kms_key","name":"k","index":1,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"arn":"arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111","is_enabled":false},"sensitive_values":{}},
 {"address":"aws_dynamodb_table.t","mode":"managed","type":"aws_dynamodb_table","name":"t","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,
  "values":{"name":"t","server_side_encryption":[{"enabled":true,"kms_key_arn":"arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"}]},"sensitive_values":{"server_side_encryption":[{}]}}]}},
"resource_changes":[
 {"address":"aws_kms_key.k[0]","mode":"managed","type":"aws_kms_key","name":"k","index":0,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["no-op"],"before":{"arn":"arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000","is_enabled":true},"after":{"arn":"arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000","is_enabled":true},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}},
 {"address":"aws_kms_key.k[1]","mode":"managed","type":"aws_kms_key","name":"k","index":1,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["no-op"],"before":{"arn":"arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111","is_enabled":false},"after":{"arn":"arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111","is_enabled":false},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}},
 {"address":"aws_dynamodb_table.t","mode":"managed","type":"aws_dynamodb_table","name":"t","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"name":"t","server_side_encryption":[{"enabled":true,"kms_key_arn":"arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"}]},
   "after_unknown":{"arn":true,"server_side_encryption":[{}]},"before_sensitive":false,"after_sensitive":{"server_side_encryption":[{}]}}}],
"configuration":{"root_module":{"resources":[
 {"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","provider_config_key":"aws","expressions":{"is_enabled":{"references":["count.index"]}},"schema_version":0,"count_expression":{"constant_value":2}},
 {"address":"aws_dynamodb_table.t","mode":"managed","type":"aws_dynamodb_table","name":"t","provider_config_key":"aws","expressions":{"name":{"constant_value":"t"},"server_side_encryption":[{"enabled":{"constant_value":true},"kms_key_arn":{"references":["aws_kms_key.k","var.key_index"]}}]},"schema_version":1}]}}})";
  Scan s(plan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  const DynamoDbTable* t = Scan::by_id(s.inventory.tables(), "aws_dynamodb_table.t");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->kms_key_arn.is_known());
  EXPECT_EQ(t->kms_key_arn.value(), "aws_kms_key.k[1]") << "the key whose ARN the table names";
  EXPECT_EQ(s.status("dynamodb-customer-managed-key", "aws_dynamodb_table.t"), "PASS");
}

// Valkey, Redis OSS and Memcached, none setting at_rest_encryption_enabled (Optional and
// Computed in the provider, so "known after apply" in the plan), and a Redis group whose setting
// is configured from a value only known after apply.
const char* kCachePlan = R"({"format_version":"1.2","terraform_version":"1.10.2",
"planned_values":{"root_module":{"resources":[
 {"address":"aws_elasticache_replication_group.valkey","mode":"managed","type":"aws_elasticache_replication_group","name":"valkey","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":3,
  "values":{"automatic_failover_enabled":true,"description":"sessions","engine":"valkey","engine_version":"8.0","kms_key_id":null,"node_type":"cache.r7g.large","num_cache_clusters":2,"replication_group_id":"sessions","transit_encryption_enabled":true},"sensitive_values":{}},
 {"address":"aws_elasticache_replication_group.redis","mode":"managed","type":"aws_elasticache_replication_group","name":"redis","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":3,
  "values":{"automatic_failover_enabled":true,"description":"carts","engine":"redis","engine_version":"7.1","kms_key_id":null,"node_type":"cache.r7g.large","num_cache_clusters":2,"replication_group_id":"carts","transit_encryption_enabled":true},"sensitive_values":{}},
 {"address":"aws_elasticache_replication_group.pending","mode":"managed","type":"aws_elasticache_replication_group","name":"pending","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":3,
  "values":{"automatic_failover_enabled":true,"description":"quotes","engine":"redis","engine_version":"7.1","kms_key_id":null,"node_type":"cache.r7g.large","num_cache_clusters":2,"replication_group_id":"quotes","transit_encryption_enabled":true},"sensitive_values":{}},
 {"address":"aws_elasticache_cluster.pages","mode":"managed","type":"aws_elasticache_cluster","name":"pages","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"cluster_id":"pages","engine":"memcached","engine_version":"1.6.22","node_type":"cache.t4g.medium","num_cache_nodes":2,"port":11211},"sensitive_values":{}}]}},
"resource_changes":[
 {"address":"aws_elasticache_replication_group.valkey","mode":"managed","type":"aws_elasticache_replication_group","name":"valkey","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"automatic_failover_enabled":true,"description":"sessions","engine":"valkey","engine_version":"8.0","kms_key_id":null,"node_type":"cache.r7g.large","num_cache_clusters":2,"replication_group_id":"sessions","transit_encryption_enabled":true},
   "after_unknown":{"arn":true,"at_rest_encryption_enabled":true,"id":true,"member_clusters":true,"transit_encryption_mode":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"aws_elasticache_replication_group.redis","mode":"managed","type":"aws_elasticache_replication_group","name":"redis","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"automatic_failover_enabled":true,"description":"carts","engine":"redis","engine_version":"7.1","kms_key_id":null,"node_type":"cache.r7g.large","num_cache_clusters":2,"replication_group_id":"carts","transit_encryption_enabled":true},
   "after_unknown":{"arn":true,"at_rest_encryption_enabled":true,"id":true,"member_clusters":true,"transit_encryption_mode":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"aws_elasticache_replication_group.pending","mode":"managed","type":"aws_elasticache_replication_group","name":"pending","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"automatic_failover_enabled":true,"description":"quotes","engine":"redis","engine_version":"7.1","kms_key_id":null,"node_type":"cache.r7g.large","num_cache_clusters":2,"replication_group_id":"quotes","transit_encryption_enabled":true},
   "after_unknown":{"arn":true,"at_rest_encryption_enabled":true,"id":true,"member_clusters":true,"transit_encryption_mode":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"aws_elasticache_cluster.pages","mode":"managed","type":"aws_elasticache_cluster","name":"pages","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"cluster_id":"pages","engine":"memcached","engine_version":"1.6.22","node_type":"cache.t4g.medium","num_cache_nodes":2,"port":11211},
   "after_unknown":{"arn":true,"cache_nodes":true,"id":true,"transit_encryption_enabled":true},"before_sensitive":false,"after_sensitive":{}}}],
"configuration":{"root_module":{"resources":[
 {"address":"aws_elasticache_replication_group.valkey","mode":"managed","type":"aws_elasticache_replication_group","name":"valkey","provider_config_key":"aws","expressions":{"description":{"constant_value":"sessions"},"engine":{"constant_value":"valkey"},"engine_version":{"constant_value":"8.0"},"node_type":{"constant_value":"cache.r7g.large"},"num_cache_clusters":{"constant_value":2},"replication_group_id":{"constant_value":"sessions"},"transit_encryption_enabled":{"constant_value":true}},"schema_version":3},
 {"address":"aws_elasticache_replication_group.redis","mode":"managed","type":"aws_elasticache_replication_group","name":"redis","provider_config_key":"aws","expressions":{"description":{"constant_value":"carts"},"engine":{"constant_value":"redis"},"engine_version":{"constant_value":"7.1"},"node_type":{"constant_value":"cache.r7g.large"},"num_cache_clusters":{"constant_value":2},"replication_group_id":{"constant_value":"carts"},"transit_encryption_enabled":{"constant_value":true}},"schema_version":3},
 {"address":"aws_elasticache_replication_group.pending","mode":"managed","type":"aws_elasticache_replication_group","name":"pending","provider_config_key":"aws","expressions":{"at_rest_encryption_enabled":{"references":["terraform_data.policy.output","terraform_data.policy"]},"description":{"constant_value":"quotes"},"engine":{"constant_value":"redis"},"engine_version":{"constant_value":"7.1"},"node_type":{"constant_value":"cache.r7g.large"},"num_cache_clusters":{"constant_value":2},"replication_group_id":{"constant_value":"quotes"},"transit_encryption_enabled":{"constant_value":true}},"schema_version":3},
 {"address":"aws_elasticache_cluster.pages","mode":"managed","type":"aws_elasticache_cluster","name":"pages","provider_config_key":"aws","expressions":{"cluster_id":{"constant_value":"pages"},"engine":{"constant_value":"memcached"},"engine_version":{"constant_value":"1.6.22"},"node_type":{"constant_value":"cache.t4g.medium"},"num_cache_nodes":{"constant_value":2},"port":{"constant_value":11211}},"schema_version":0}]}},
"errored":false})";

TEST(TerraformPlan, ElastiCacheValkeyRedisAndMemcached) {
  Scan s(kCachePlan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  const std::string check = "elasticache-encryption-at-rest";
  EXPECT_EQ(s.status(check, "aws_elasticache_replication_group.valkey"), "PASS")
      << s.message(check, "aws_elasticache_replication_group.valkey");
  EXPECT_EQ(s.status(check, "aws_elasticache_replication_group.redis"), "FAIL")
      << s.message(check, "aws_elasticache_replication_group.redis");
  EXPECT_EQ(s.status(check, "aws_elasticache_cluster.pages"), "FAIL");
  // Configured from a value known only after apply: that is what the finding says.
  EXPECT_EQ(s.status(check, "aws_elasticache_replication_group.pending"), "UNKNOWN");
  EXPECT_NE(s.message(check, "aws_elasticache_replication_group.pending").find("at_rest_encryption_enabled: known after apply"),
            std::string::npos)
      << s.message(check, "aws_elasticache_replication_group.pending");
  EXPECT_EQ(s.status("elasticache-encryption-in-transit", "aws_elasticache_replication_group.valkey"), "PASS");
  EXPECT_EQ(s.status("elasticache-encryption-in-transit", "aws_elasticache_cluster.pages"), "FAIL")
      << "transit_encryption_enabled computed and not written: the API default, off";
}

// Resources in child modules, one called with for_each: references inside a module are relative
// to it; count instances reference their own key's instance through count.index.
const char* kModulePlan = R"({"format_version":"1.2","terraform_version":"1.9.8",
"planned_values":{"root_module":{"child_modules":[
 {"resources":[
   {"address":"module.tables[\"eu\"].aws_kms_key.this","mode":"managed","type":"aws_kms_key","name":"this","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{"description":"tables","enable_key_rotation":true,"is_enabled":true},"sensitive_values":{}},
   {"address":"module.tables[\"eu\"].aws_dynamodb_table.this[0]","mode":"managed","type":"aws_dynamodb_table","name":"this","index":0,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,"values":{"name":"eu-orders","server_side_encryption":[{"enabled":true}]},"sensitive_values":{"server_side_encryption":[{}]}},
   {"address":"module.tables[\"eu\"].aws_dynamodb_table.this[1]","mode":"managed","type":"aws_dynamodb_table","name":"this","index":1,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,"values":{"name":"eu-invoices","server_side_encryption":[{"enabled":true}]},"sensitive_values":{"server_side_encryption":[{}]}}],
  "address":"module.tables[\"eu\"]"},
 {"resources":[
   {"address":"module.caches.aws_kms_key.per_cache[0]","mode":"managed","type":"aws_kms_key","name":"per_cache","index":0,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{"description":"a","is_enabled":true},"sensitive_values":{}},
   {"address":"module.caches.aws_kms_key.per_cache[1]","mode":"managed","type":"aws_kms_key","name":"per_cache","index":1,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{"description":"b","is_enabled":false},"sensitive_values":{}},
   {"address":"module.caches.aws_elasticache_replication_group.this[0]","mode":"managed","type":"aws_elasticache_replication_group","name":"this","index":0,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":3,"values":{"at_rest_encryption_enabled":"true","description":"a","engine":"valkey","replication_group_id":"a","transit_encryption_enabled":true},"sensitive_values":{}},
   {"address":"module.caches.aws_elasticache_replication_group.this[1]","mode":"managed","type":"aws_elasticache_replication_group","name":"this","index":1,"provider_name":"registry.terraform.io/hashicorp/aws","schema_version":3,"values":{"at_rest_encryption_enabled":"true","description":"b","engine":"valkey","replication_group_id":"b","transit_encryption_enabled":true},"sensitive_values":{}}],
  "address":"module.caches"}]}},
"resource_changes":[
 {"address":"module.tables[\"eu\"].aws_kms_key.this","module_address":"module.tables[\"eu\"]","mode":"managed","type":"aws_kms_key","name":"this","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"description":"tables","enable_key_rotation":true,"is_enabled":true},"after_unknown":{"arn":true,"id":true,"key_id":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"module.tables[\"eu\"].aws_dynamodb_table.this[0]","module_address":"module.tables[\"eu\"]","mode":"managed","type":"aws_dynamodb_table","name":"this","index":0,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"name":"eu-orders","server_side_encryption":[{"enabled":true}]},"after_unknown":{"arn":true,"id":true,"server_side_encryption":[{"kms_key_arn":true}]},"before_sensitive":false,"after_sensitive":{"server_side_encryption":[{}]}}},
 {"address":"module.tables[\"eu\"].aws_dynamodb_table.this[1]","module_address":"module.tables[\"eu\"]","mode":"managed","type":"aws_dynamodb_table","name":"this","index":1,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"name":"eu-invoices","server_side_encryption":[{"enabled":true}]},"after_unknown":{"arn":true,"id":true,"server_side_encryption":[{"kms_key_arn":true}]},"before_sensitive":false,"after_sensitive":{"server_side_encryption":[{}]}}},
 {"address":"module.caches.aws_kms_key.per_cache[0]","module_address":"module.caches","mode":"managed","type":"aws_kms_key","name":"per_cache","index":0,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"description":"a","is_enabled":true},"after_unknown":{"arn":true,"id":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"module.caches.aws_kms_key.per_cache[1]","module_address":"module.caches","mode":"managed","type":"aws_kms_key","name":"per_cache","index":1,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"description":"b","is_enabled":false},"after_unknown":{"arn":true,"id":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"module.caches.aws_elasticache_replication_group.this[0]","module_address":"module.caches","mode":"managed","type":"aws_elasticache_replication_group","name":"this","index":0,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"at_rest_encryption_enabled":"true","description":"a","engine":"valkey","replication_group_id":"a","transit_encryption_enabled":true},"after_unknown":{"arn":true,"id":true,"kms_key_id":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"module.caches.aws_elasticache_replication_group.this[1]","module_address":"module.caches","mode":"managed","type":"aws_elasticache_replication_group","name":"this","index":1,"provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"at_rest_encryption_enabled":"true","description":"b","engine":"valkey","replication_group_id":"b","transit_encryption_enabled":true},"after_unknown":{"arn":true,"id":true,"kms_key_id":true},"before_sensitive":false,"after_sensitive":{}}}],
"configuration":{"root_module":{"module_calls":{
 "tables":{"source":"./modules/tables","for_each_expression":{"constant_value":{"eu":"eu"}},"module":{"resources":[
   {"address":"aws_kms_key.this","mode":"managed","type":"aws_kms_key","name":"this","provider_config_key":"tables:aws","expressions":{"description":{"constant_value":"tables"},"enable_key_rotation":{"constant_value":true}},"schema_version":0},
   {"address":"aws_dynamodb_table.this","mode":"managed","type":"aws_dynamodb_table","name":"this","provider_config_key":"tables:aws","expressions":{"name":{"references":["each.key","var.names","count.index"]},"server_side_encryption":[{"enabled":{"constant_value":true},"kms_key_arn":{"references":["aws_kms_key.this.arn","aws_kms_key.this"]}}]},"schema_version":1,"count_expression":{"constant_value":2}}]}},
 "caches":{"source":"./modules/caches","module":{"resources":[
   {"address":"aws_kms_key.per_cache","mode":"managed","type":"aws_kms_key","name":"per_cache","provider_config_key":"caches:aws","expressions":{"description":{"references":["var.names","count.index"]},"is_enabled":{"references":["count.index"]}},"schema_version":0,"count_expression":{"constant_value":2}},
   {"address":"aws_elasticache_replication_group.this","mode":"managed","type":"aws_elasticache_replication_group","name":"this","provider_config_key":"caches:aws","expressions":{"at_rest_encryption_enabled":{"constant_value":true},"description":{"references":["var.names","count.index"]},"engine":{"constant_value":"valkey"},"kms_key_id":{"references":["aws_kms_key.per_cache","count.index"]},"replication_group_id":{"references":["var.names","count.index"]},"transit_encryption_enabled":{"constant_value":true}},"schema_version":3,"count_expression":{"constant_value":2}}]}}}}},
"errored":false})";

TEST(TerraformPlan, ChildModulesCountAndForEachInstances) {
  Scan s(kModulePlan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  EXPECT_EQ(s.summary.resources, 7u);
  for (const char* table : {"module.tables[\"eu\"].aws_dynamodb_table.this[0]", "module.tables[\"eu\"].aws_dynamodb_table.this[1]"}) {
    const DynamoDbTable* t = Scan::by_id(s.inventory.tables(), table);
    ASSERT_NE(t, nullptr) << table;
    ASSERT_TRUE(t->kms_key_arn.is_known()) << t->kms_key_arn.reason();
    EXPECT_EQ(t->kms_key_arn.value(), "module.tables[\"eu\"].aws_kms_key.this") << "module-relative reference";
    EXPECT_EQ(s.status("dynamodb-customer-managed-key", table), "PASS") << s.message("dynamodb-customer-managed-key", table);
  }
  // aws_kms_key.per_cache[count.index]: each group gets the key with its own index.
  const ElastiCache* a = Scan::by_id(s.inventory.caches(), "module.caches.aws_elasticache_replication_group.this[0]");
  const ElastiCache* b = Scan::by_id(s.inventory.caches(), "module.caches.aws_elasticache_replication_group.this[1]");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->kms_key_id.is_known()) << a->kms_key_id.reason();
  EXPECT_EQ(a->kms_key_id.value(), "module.caches.aws_kms_key.per_cache[0]");
  EXPECT_EQ(b->kms_key_id.value(), "module.caches.aws_kms_key.per_cache[1]");
  EXPECT_EQ(s.status("elasticache-encryption-at-rest", "module.caches.aws_elasticache_replication_group.this[0]"), "PASS")
      << "the provider's nullable bool is the string \"true\"";
}

TEST(TerraformPlan, SensitiveValuesAreReadAsKnown) {
  // Terraform writes sensitive values in plain text and marks them in after_sensitive.
  std::string plan = kDaxPlan;
  const std::string mark = R"("after_sensitive":{"server_side_encryption":[{}]})";
  plan.replace(plan.find(mark), mark.size(), R"("after_sensitive":{"server_side_encryption":[{"enabled":true}]})");
  Scan s(plan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.encrypted"), "PASS");
}

TEST(TerraformPlan, ShowJsonOfAStateIsReadLikeAPlan) {
  Scan s(R"({"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{"resources":[
 {"address":"aws_dax_cluster.orders","mode":"managed","type":"aws_dax_cluster","name":"orders","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"arn":"arn:aws:dax:eu-west-1:123456789012:cache/orders","cluster_endpoint_encryption_type":"NONE","cluster_name":"orders","replication_factor":3,"server_side_encryption":[{"enabled":true}]},
  "sensitive_values":{"server_side_encryption":[{}]}}]}}})");
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.orders"), "PASS");
  EXPECT_EQ(s.status("dax-encryption-in-transit", "aws_dax_cluster.orders"), "FAIL");
}

TEST(TerraformPlan, TruncatedPlanIsOneErrorWithItsPosition) {
  const std::string plan = kDaxPlan;
  const std::string cut = plan.substr(0, plan.find("\"resource_changes\""));  // a download cut short
  Inventory inventory;
  const InputSummary summary = load_terraform_plan_text("plan.json", cut, {}, inventory);
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_EQ(summary.errors[0], "plan.json:12:1: unexpected end of file (truncated?)");
  const InputSummary mid_string = load_terraform_plan_text("plan.json", plan.substr(0, 1500), {}, inventory);
  ASSERT_EQ(mid_string.errors.size(), 1u);
  EXPECT_EQ(mid_string.errors[0], "plan.json:10:103: unterminated string");
  EXPECT_EQ(inventory.size(), 0u);

  // Through the loader: a plan cut short is reported as the plan input it was, not a snapshot.
  const fs::path dir = fs::temp_directory_path() / "atrest_plan_truncated";
  fs::create_directories(dir);
  const std::string path = (dir / "plan.json").string();
  std::ofstream(path) << cut;
  Inventory loaded;
  const std::vector<InputSummary> inputs = load_inputs({path}, LoadOptions{}, loaded);
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].kind, SourceKind::kTerraformPlan);
  ASSERT_EQ(inputs[0].errors.size(), 1u);
  EXPECT_EQ(inputs[0].errors[0], path + ":12:1: unexpected end of file (truncated?)");
  std::ofstream(path) << "garbage";
  const std::vector<InputSummary> garbage = load_inputs({path}, LoadOptions{}, loaded);
  ASSERT_EQ(garbage.size(), 1u);
  ASSERT_EQ(garbage[0].errors.size(), 1u);
  EXPECT_EQ(garbage[0].errors[0], path + ":1:1: not JSON: unexpected character");
  fs::remove_all(dir);
}

TEST(TerraformPlan, UnexpectedShapesNameTheResourceAndTheRestIsRead) {
  std::string plan = kDaxPlan;
  const std::string values = R"("values":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"reports")";
  plan.replace(plan.find(values), values.size(), R"("values":"reports","ignored":{"cluster_name":"reports")");
  Scan s(plan);
  ASSERT_EQ(s.summary.errors.size(), 1u);
  EXPECT_EQ(s.summary.errors[0], "plan.json: aws_dax_cluster.disabled: values is a string, expected an object");
  EXPECT_EQ(s.summary.resources, 2u);
  EXPECT_EQ(s.status("dax-encryption-at-rest", "aws_dax_cluster.encrypted"), "PASS");

  Scan bad_tree(R"({"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{"resources":{}}}})");
  ASSERT_EQ(bad_tree.summary.errors.size(), 1u);
  EXPECT_EQ(bad_tree.summary.errors[0], "plan.json: planned_values.root_module.resources is an object, expected an array");

  Scan future(R"({"format_version":"2.0","planned_values":{}})");
  ASSERT_EQ(future.summary.errors.size(), 1u);
  EXPECT_NE(future.summary.errors[0].find("unsupported format_version \"2.0\""), std::string::npos);

  Scan state(R"({"version":4,"terraform_version":"1.9.8","serial":3,"lineage":"x","outputs":{},"resources":[]})");
  ASSERT_EQ(state.summary.errors.size(), 1u);
  EXPECT_NE(state.summary.errors[0].find("a Terraform state file, not a plan"), std::string::npos);

  Scan empty(R"({"format_version":"1.2","terraform_version":"1.9.8","planned_values":{},"resource_changes":[],"errored":true})");
  ASSERT_EQ(empty.summary.errors.size(), 1u);
  EXPECT_NE(empty.summary.errors[0].find("\"errored\": true"), std::string::npos);
}

// The plan next to its configuration: findings point at the resource blocks and arguments.
TEST(TerraformPlan, PositionsFromTheConfigurationNextToThePlan) {
  const fs::path dir = fs::temp_directory_path() / "atrest_plan_positions";
  fs::remove_all(dir);
  fs::create_directories(dir / "modules" / "caches");
  std::ofstream(dir / "main.tf") << R"(# DAX clusters
resource "aws_dax_cluster" "encrypted" {
  cluster_name       = "orders"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r5.large"
  replication_factor = 3

  server_side_encryption {
    enabled = true
  }
  cluster_endpoint_encryption_type = "TLS"
}

resource "aws_dax_cluster" "disabled" {
  cluster_name       = "reports"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r5.large"
  replication_factor = 1
  server_side_encryption {
    enabled = false
  }
}
)";
  std::ofstream(dir / "legacy.tf") << R"(resource "aws_dax_cluster" "missing" {
  cluster_name       = "legacy"
  iam_role_arn       = "arn:aws:iam::123456789012:role/dax"
  node_type          = "dax.r5.large"
  replication_factor = 1
}
)";
  const std::string path = (dir / "plan.json").string();
  std::ofstream(path) << kDaxPlan;
  Inventory inventory;
  const std::vector<InputSummary> inputs = load_inputs({path}, LoadOptions{}, inventory);
  inventory.finalize();
  ASSERT_EQ(inputs.size(), 1u);
  ASSERT_TRUE(inputs[0].errors.empty()) << inputs[0].errors.front();
  EXPECT_EQ(inputs[0].kind, SourceKind::kTerraformPlan);
  const std::vector<Finding> findings = run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  auto finding = [&](std::string_view check, std::string_view id) -> const Finding* {
    for (const Finding& f : findings) {
      if (f.check->id == check && f.resource->id == id) return &f;
    }
    return nullptr;
  };
  const Finding* disabled = finding("dax-encryption-at-rest", "aws_dax_cluster.disabled");
  ASSERT_NE(disabled, nullptr);
  EXPECT_EQ(*disabled->resource->origin.file, (dir / "main.tf").string());
  EXPECT_EQ(disabled->resource->origin.line, 14u);
  EXPECT_EQ(disabled->line, 20u) << "the enabled argument inside the block";
  const Finding* tls = finding("dax-encryption-in-transit", "aws_dax_cluster.encrypted");
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ(tls->line, 11u);
  const Finding* missing = finding("dax-encryption-at-rest", "aws_dax_cluster.missing");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(*missing->resource->origin.file, (dir / "legacy.tf").string());
  EXPECT_EQ(missing->resource->origin.line, 1u);
  EXPECT_EQ(*missing->resource->origin.canonical_file, fs::absolute(path).lexically_normal().string())
      << "the plan is the identity of its resources, wherever they are written";

  // Child modules: found through module_calls.<name>.source.
  std::ofstream(dir / "modules" / "caches" / "main.tf") << R"(variable "names" {}

resource "aws_kms_key" "per_cache" {
  count       = 2
  description = var.names[count.index]
}

resource "aws_elasticache_replication_group" "this" {
  count                      = 2
  replication_group_id       = var.names[count.index]
  description                = var.names[count.index]
  engine                     = "valkey"
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_id                 = aws_kms_key.per_cache[count.index].arn
}
)";
  std::ofstream(path) << kModulePlan;
  Inventory modules;
  const std::vector<InputSummary> module_inputs = load_inputs({path}, LoadOptions{}, modules);
  ASSERT_TRUE(module_inputs[0].errors.empty()) << module_inputs[0].errors.front();
  const ElastiCache* group = Scan::by_id(modules.caches(), "module.caches.aws_elasticache_replication_group.this[1]");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(*group->origin.file, (dir / "modules" / "caches" / "main.tf").lexically_normal().string());
  EXPECT_EQ(group->origin.line, 8u);
  EXPECT_EQ(group->at_rest_encryption.line(), 13u);
  EXPECT_EQ(group->kms_key_id.line(), 15u);
  const DynamoDbTable* table = Scan::by_id(modules.tables(), "module.tables[\"eu\"].aws_dynamodb_table.this[0]");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(*table->origin.file, path) << "modules/tables has no .tf files here: the plan";
  EXPECT_EQ(table->origin.line, 0u);
  fs::remove_all(dir);
}

// A set of nested blocks is ordered by value in a plan, not as written: blocks are paired with
// their configuration (and their position) by their constant arguments.
TEST(TerraformPlan, SetBlocksArePairedWithTheirConfiguration) {
  const char* plan = R"({"format_version":"1.2","terraform_version":"1.9.8",
"planned_values":{"root_module":{"resources":[
 {"address":"aws_kms_key.main","mode":"managed","type":"aws_kms_key","name":"main","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{"is_enabled":true},"sensitive_values":{}},
 {"address":"aws_kms_key.us","mode":"managed","type":"aws_kms_key","name":"us","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{"is_enabled":true},"sensitive_values":{}},
 {"address":"aws_dynamodb_table.global","mode":"managed","type":"aws_dynamodb_table","name":"global","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":1,
  "values":{"name":"global","replica":[{"propagate_tags":false,"region_name":"eu-central-1"},{"propagate_tags":false,"region_name":"us-east-1"}],"server_side_encryption":[{"enabled":true}]},
  "sensitive_values":{"replica":[{},{}],"server_side_encryption":[{}]}}]}},
"resource_changes":[
 {"address":"aws_kms_key.main","mode":"managed","type":"aws_kms_key","name":"main","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"is_enabled":true},"after_unknown":{"arn":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"aws_kms_key.us","mode":"managed","type":"aws_kms_key","name":"us","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,"after":{"is_enabled":true},"after_unknown":{"arn":true},"before_sensitive":false,"after_sensitive":{}}},
 {"address":"aws_dynamodb_table.global","mode":"managed","type":"aws_dynamodb_table","name":"global","provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["create"],"before":null,
   "after":{"name":"global","replica":[{"propagate_tags":false,"region_name":"eu-central-1"},{"propagate_tags":false,"region_name":"us-east-1"}],"server_side_encryption":[{"enabled":true}]},
   "after_unknown":{"arn":true,"replica":[{"arn":true,"kms_key_arn":true},{"arn":true,"kms_key_arn":true}],"server_side_encryption":[{"kms_key_arn":true}]},
   "before_sensitive":false,"after_sensitive":{"replica":[{},{}],"server_side_encryption":[{}]}}}],
"configuration":{"root_module":{"resources":[
 {"address":"aws_kms_key.main","mode":"managed","type":"aws_kms_key","name":"main","provider_config_key":"aws","schema_version":0},
 {"address":"aws_kms_key.us","mode":"managed","type":"aws_kms_key","name":"us","provider_config_key":"aws","schema_version":0},
 {"address":"aws_dynamodb_table.global","mode":"managed","type":"aws_dynamodb_table","name":"global","provider_config_key":"aws","expressions":{"name":{"constant_value":"global"},
   "replica":[{"kms_key_arn":{"references":["aws_kms_key.us.arn","aws_kms_key.us"]},"region_name":{"constant_value":"us-east-1"}},{"region_name":{"constant_value":"eu-central-1"}}],
   "server_side_encryption":[{"enabled":{"constant_value":true},"kms_key_arn":{"references":["aws_kms_key.main.arn","aws_kms_key.main"]}}]},"schema_version":1}]}}})";
  const fs::path dir = fs::temp_directory_path() / "atrest_plan_sets";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "main.tf") << R"(resource "aws_kms_key" "main" {}
resource "aws_kms_key" "us" {}

resource "aws_dynamodb_table" "global" {
  name = "global"
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }
  replica {
    region_name = "us-east-1"
    kms_key_arn = aws_kms_key.us.arn
  }
  replica {
    region_name = "eu-central-1"
  }
}
)";
  const std::string path = (dir / "plan.json").string();
  std::ofstream(path) << plan;
  Inventory inventory;
  const std::vector<InputSummary> inputs = load_inputs({path}, LoadOptions{}, inventory);
  ASSERT_TRUE(inputs[0].errors.empty()) << inputs[0].errors.front();
  ASSERT_EQ(inventory.tables().size(), 1u);
  const DynamoDbTable& t = inventory.tables()[0];
  // The eu-central-1 replica (first in the plan, second as written) sets no key: it is on the
  // AWS managed key, which decides, and the finding points at that replica block.
  ASSERT_TRUE(t.kms_key_arn.is_known()) << t.kms_key_arn.reason();
  EXPECT_EQ(t.kms_key_arn.value(), "alias/aws/dynamodb");
  EXPECT_EQ(t.kms_key_arn.line(), 14u);
  fs::remove_all(dir);
}

// What resources add to others in a plan: default_tags under tags (tags_all known only after
// apply), two tables named by one list of ARNs, a route to an internet gateway, a recorder's
// status, a key's separate policy.
const char* kRelationsPlan = R"({"format_version":"1.2","terraform_version":"1.9.8",
"planned_values":{"root_module":{"resources":[
 {"address":"aws_dynamodb_table.a","mode":"managed","type":"aws_dynamodb_table","name":"a","values":{"name":"a","tags":{"Owner":"payments"},"replica":[]}},
 {"address":"aws_dynamodb_table.b","mode":"managed","type":"aws_dynamodb_table","name":"b","values":{"name":"b","tags":null,"replica":[]}},
 {"address":"aws_backup_selection.s","mode":"managed","type":"aws_backup_selection","name":"s","values":{"name":"s","iam_role_arn":"arn:aws:iam::111122223333:role/backup","selection_tag":[],"condition":[],"not_resources":[]}},
 {"address":"aws_internet_gateway.igw","mode":"managed","type":"aws_internet_gateway","name":"igw","values":{"tags":null}},
 {"address":"aws_route_table.public","mode":"managed","type":"aws_route_table","name":"public","values":{"vpc_id":"vpc-1","route":[{"cidr_block":"0.0.0.0/0","ipv6_cidr_block":"","gateway_id":null}]}},
 {"address":"aws_config_configuration_recorder.r","mode":"managed","type":"aws_config_configuration_recorder","name":"r","values":{"name":"r","role_arn":"arn:aws:iam::111122223333:role/config"}},
 {"address":"aws_config_configuration_recorder_status.r","mode":"managed","type":"aws_config_configuration_recorder_status","name":"r","values":{"name":"r","is_enabled":true}},
 {"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","values":{"enable_key_rotation":true}},
 {"address":"aws_kms_key_policy.k","mode":"managed","type":"aws_kms_key_policy","name":"k","values":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}},
 {"address":"aws_dynamodb_table_replica.east","mode":"managed","type":"aws_dynamodb_table_replica","name":"east","values":{"point_in_time_recovery":true}}]}},
"resource_changes":[
 {"address":"aws_dynamodb_table.a","change":{"actions":["create"],"after_unknown":{"arn":true,"tags_all":true}}},
 {"address":"aws_dynamodb_table.b","change":{"actions":["create"],"after_unknown":{"arn":true,"tags_all":true}}},
 {"address":"aws_backup_selection.s","change":{"actions":["create"],"after_unknown":{"id":true,"plan_id":true,"resources":[true,true]}}},
 {"address":"aws_route_table.public","change":{"actions":["create"],"after_unknown":{"id":true,"route":[{"gateway_id":true}]}}},
 {"address":"aws_kms_key_policy.k","change":{"actions":["create"],"after_unknown":{"key_id":true}}},
 {"address":"aws_dynamodb_table_replica.east","change":{"actions":["create"],"after_unknown":{"global_table_arn":true,"arn":true}}}],
"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":"eu-west-1"},"default_tags":[{"tags":{"constant_value":{"Environment":"prod","Owner":"platform"}}}]}},
  "aws.east":{"name":"aws","alias":"east","full_name":"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":"us-east-1"}}}},
 "root_module":{"resources":[
 {"address":"aws_dynamodb_table.a","mode":"managed","type":"aws_dynamodb_table","name":"a","provider_config_key":"aws","expressions":{"name":{"constant_value":"a"},"tags":{"constant_value":{"Owner":"payments"}}}},
 {"address":"aws_dynamodb_table.b","mode":"managed","type":"aws_dynamodb_table","name":"b","provider_config_key":"aws","expressions":{"name":{"constant_value":"b"}}},
 {"address":"aws_backup_selection.s","mode":"managed","type":"aws_backup_selection","name":"s","provider_config_key":"aws","expressions":{"name":{"constant_value":"s"},"plan_id":{"references":["aws_backup_plan.p.id","aws_backup_plan.p"]},"resources":{"references":["aws_dynamodb_table.a.arn","aws_dynamodb_table.a","aws_dynamodb_table.b.arn","aws_dynamodb_table.b"]}}},
 {"address":"aws_internet_gateway.igw","mode":"managed","type":"aws_internet_gateway","name":"igw","provider_config_key":"aws","expressions":{}},
 {"address":"aws_route_table.public","mode":"managed","type":"aws_route_table","name":"public","provider_config_key":"aws","expressions":{"vpc_id":{"constant_value":"vpc-1"},"route":[{"cidr_block":{"constant_value":"0.0.0.0/0"},"gateway_id":{"references":["aws_internet_gateway.igw.id","aws_internet_gateway.igw"]}}]}},
 {"address":"aws_config_configuration_recorder.r","mode":"managed","type":"aws_config_configuration_recorder","name":"r","provider_config_key":"aws","expressions":{"name":{"constant_value":"r"}}},
 {"address":"aws_config_configuration_recorder_status.r","mode":"managed","type":"aws_config_configuration_recorder_status","name":"r","provider_config_key":"aws","expressions":{"name":{"references":["aws_config_configuration_recorder.r.name","aws_config_configuration_recorder.r"]},"is_enabled":{"constant_value":true}}},
 {"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","provider_config_key":"aws","expressions":{"enable_key_rotation":{"constant_value":true}}},
 {"address":"aws_kms_key_policy.k","mode":"managed","type":"aws_kms_key_policy","name":"k","provider_config_key":"aws","expressions":{"key_id":{"references":["aws_kms_key.k.id","aws_kms_key.k"]},"policy":{"constant_value":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}},
 {"address":"aws_dynamodb_table_replica.east","mode":"managed","type":"aws_dynamodb_table_replica","name":"east","provider_config_key":"aws.east","expressions":{"global_table_arn":{"references":["aws_dynamodb_table.a.arn","aws_dynamodb_table.a"]},"point_in_time_recovery":{"constant_value":true}}}]}}})";

TEST(TerraformPlan, RelationsBetweenResources) {
  Scan s(kRelationsPlan);
  ASSERT_TRUE(s.summary.errors.empty()) << s.summary.errors.front();
  const DynamoDbTable* a = Scan::by_id(s.inventory.tables(), "aws_dynamodb_table.a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->tags.is_known()) << a->tags.reason();
  ASSERT_EQ(a->tags.value().size(), 2u);
  for (const Tag& t : a->tags.value()) {
    EXPECT_EQ(t.value.value(), t.key == "Owner" ? "payments" : "prod") << t.key;
  }
  // The replica resource joins its table's replicas in its provider's region.
  ASSERT_TRUE(a->replicas.is_known()) << a->replicas.reason();
  ASSERT_EQ(a->replicas.value().size(), 1u);
  EXPECT_EQ(a->replicas.value()[0].region, "us-east-1");
  const DynamoDbTable* b = Scan::by_id(s.inventory.tables(), "aws_dynamodb_table.b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->tags.value().size(), 2u);
  ASSERT_EQ(s.inventory.backup_selections().size(), 1u);
  const BackupSelection& sel = s.inventory.backup_selections()[0];
  ASSERT_TRUE(sel.resources.is_known()) << sel.resources.reason();
  EXPECT_EQ(sel.resources.value(), (std::vector<std::string>{"aws_dynamodb_table.a", "aws_dynamodb_table.b"}));
  EXPECT_EQ(sel.plan_id.value(), "aws_backup_plan.p");
  const RouteTable* rt = Scan::by_id(s.inventory.route_tables(), "aws_route_table.public");
  ASSERT_NE(rt, nullptr);
  ASSERT_EQ(rt->routes.value().size(), 1u);
  EXPECT_EQ(rt->routes.value()[0].gateway_id.value(), "igw-aws_internet_gateway.igw");
  EXPECT_TRUE(rt->routes.value()[0].destination_ipv6_cidr.is_absent());
  const ConfigRecorder* r = Scan::by_id(s.inventory.config_recorders(), "aws_config_configuration_recorder.r");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->recording.value());
  const KmsKey* k = Scan::by_id(s.inventory.kms_keys(), "aws_kms_key.k");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->policy.value(), R"({"Version":"2012-10-17","Statement":[]})");
}

}  // namespace
}  // namespace atrest::tf
