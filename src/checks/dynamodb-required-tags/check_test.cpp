// dynamodb.required_tags other than the default, which the fixtures cannot set.
#include <gtest/gtest.h>

#include "checks/engine.h"
#include "checks/registry.h"

namespace atrest {
namespace {

Status judge(std::vector<std::string> keys, std::vector<std::string> required) {
  DynamoDbTable t;
  t.id = "orders";
  std::vector<Tag> tags;
  for (auto& k : keys) tags.push_back(Tag{k, Field<std::string>::known("x")});
  t.tags = Field<std::vector<Tag>>::known(tags);
  Inventory inv;
  inv.add(t);
  inv.finalize();
  Settings settings;
  settings.dynamodb_required_tags = std::move(required);
  auto f = run_checks(inv, settings, {find_check("dynamodb-required-tags")}, Severity::kInfo);
  EXPECT_EQ(f.size(), 1u);
  return f.empty() ? Status::kError : f[0].status;
}

TEST(DynamoDbRequiredTags, CustomListIsHonoured) {
  EXPECT_EQ(judge({"CostCenter"}, {"CostCenter"}), Status::kPass);
  EXPECT_EQ(judge({"Environment", "Security"}, {"CostCenter"}), Status::kFail);
}

TEST(DynamoDbRequiredTags, KeysMatchExactly) {
  EXPECT_EQ(judge({"costcenter"}, {"CostCenter"}), Status::kFail);
}

TEST(DynamoDbRequiredTags, EmptyListRequiresNothing) {
  EXPECT_EQ(judge({}, {}), Status::kPass);
}

}  // namespace
}  // namespace atrest
