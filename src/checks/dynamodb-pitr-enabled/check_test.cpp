// The recovery-period minimum (dynamodb.min_pitr_days), which the fixtures cannot set.
#include <gtest/gtest.h>

#include "checks/engine.h"
#include "checks/registry.h"

namespace atrest {
namespace {

std::vector<Finding> run(const DynamoDbTable& t, int min_days) {
  Inventory inv;
  inv.add(t);
  inv.finalize();
  Settings settings;
  settings.dynamodb_min_pitr_days = min_days;
  return run_checks(inv, settings, {find_check("dynamodb-pitr-enabled")}, Severity::kInfo);
}

DynamoDbTable table(Field<int64_t> days) {
  DynamoDbTable t;
  t.id = "orders";
  t.pitr_status = Field<std::string>::known("ENABLED");
  t.pitr_recovery_days = days;
  return t;
}

TEST(DynamoDbPitrEnabled, PeriodBelowTheMinimumFails) {
  auto f = run(table(Field<int64_t>::known(7)), 14);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].status, Status::kFail) << f[0].message;
}

TEST(DynamoDbPitrEnabled, PeriodAtTheMinimumPasses) {
  auto f = run(table(Field<int64_t>::known(14)), 14);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].status, Status::kPass) << f[0].message;
}

TEST(DynamoDbPitrEnabled, AbsentPeriodIsTheDefault35Days) {
  EXPECT_EQ(run(table(Field<int64_t>::absent()), 35)[0].status, Status::kPass);
  EXPECT_EQ(run(table(Field<int64_t>::absent()), 36)[0].status, Status::kFail);
}

TEST(DynamoDbPitrEnabled, UnknownPeriodIsUnknownOnlyWhenAMinimumIsSet) {
  EXPECT_EQ(run(table(Field<int64_t>::unknown("not read")), 14)[0].status, Status::kUnknown);
  EXPECT_EQ(run(table(Field<int64_t>::unknown("not read")), 0)[0].status, Status::kPass);
}

TEST(DynamoDbPitrEnabled, ShortPeriodPassesWithoutAMinimum) {
  EXPECT_EQ(run(table(Field<int64_t>::known(1)), 0)[0].status, Status::kPass);
}

}  // namespace
}  // namespace atrest
