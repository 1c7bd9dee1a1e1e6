// settings.trusted_accounts, which the fixtures cannot set.
#include <gtest/gtest.h>

#include "checks/engine.h"
#include "checks/registry.h"

namespace atrest {
namespace {

Status judge(const char* principal_account, std::vector<std::string> trusted) {
  DynamoDbTable t;
  t.id = "orders";
  t.account = intern("123456789012");
  t.region = intern("eu-west-1");
  t.resource_policy = Field<std::string>::known(
      std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)") +
      principal_account + R"(:root"},"Action":"dynamodb:GetItem","Resource":"*"}]})");
  Inventory inv;
  inv.add(t);
  inv.finalize();
  Settings settings;
  settings.trusted_accounts = std::move(trusted);
  auto f = run_checks(inv, settings, {find_check("dynamodb-resource-policy-restricted")}, Severity::kInfo);
  EXPECT_EQ(f.size(), 1u);
  return f.empty() ? Status::kError : f[0].status;
}

TEST(DynamoDbResourcePolicyRestricted, TrustedAccountPasses) {
  EXPECT_EQ(judge("999988887777", {"999988887777"}), Status::kPass);
}

TEST(DynamoDbResourcePolicyRestricted, UntrustedAccountFails) {
  EXPECT_EQ(judge("999988887777", {"111122223333"}), Status::kFail);
}

TEST(DynamoDbResourcePolicyRestricted, OwnAccountPasses) {
  EXPECT_EQ(judge("123456789012", {}), Status::kPass);
}

}  // namespace
}  // namespace atrest
