// The framework registry and the per-requirement summary of `--compliance`.
#include "report/compliance.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "checks/registry.h"

namespace atrest {
namespace {

TEST(Compliance, RequirementIdsSortAsPeopleReadThem) {
  std::vector<std::string> ids = {"10.3.3", "3.5.1", "A1.2.1", "3.5.1.1", "8.3.2", "SC-13", "SC-8", "SC-28(1)",
                                  "SC-28", "164.312(e)(2)(ii)", "164.312(a)(2)(iv)"};
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) { return requirement_less(a, b); });
  EXPECT_EQ(ids, (std::vector<std::string>{"3.5.1", "3.5.1.1", "8.3.2", "10.3.3", "164.312(a)(2)(iv)",
                                           "164.312(e)(2)(ii)", "A1.2.1", "SC-8", "SC-13", "SC-28", "SC-28(1)"}));
  EXPECT_FALSE(requirement_less("3.5.1", "3.5.1"));
}

TEST(Compliance, EveryFrameworkInTheMetadataIsRegistered) {
  for (const CheckDef& d : all_checks()) {
    for (const auto& [framework, ids] : d.meta.compliance) {
      EXPECT_NE(find_framework(framework), nullptr) << d.meta.id << ": " << framework;
      EXPECT_FALSE(ids.empty()) << d.meta.id << ": " << framework;
    }
  }
  ASSERT_NE(find_framework("pci-dss-4.0"), nullptr);
  EXPECT_EQ(find_framework("pci-dss-4.0")->title_of("3.5.1"), "PAN is rendered unreadable anywhere it is stored");
  EXPECT_EQ(find_framework("pci-dss-4.0")->title_of("99.9"), "");
  EXPECT_EQ(find_framework("pci"), nullptr);
}

TEST(Compliance, ChecksCountOncePerRequirementWorstFirst) {
  CheckMeta failing, passing, unknown_only, not_run, unmapped;
  failing.id = "a";
  passing.id = "b";
  unknown_only.id = "c";
  not_run.id = "d";
  unmapped.id = "e";
  for (CheckMeta* m : {&failing, &passing, &unknown_only, &not_run}) m->compliance = {{"gdpr", {"Art. 32"}}};
  failing.compliance[0].second.push_back("Art. 25");
  DaxCluster cluster;
  std::vector<Finding> findings = {
      {&failing, &cluster, Status::kPass, false, 0, 0, "ok"},
      {&failing, &cluster, Status::kFail, false, 0, 0, "bad"},
      {&passing, &cluster, Status::kPass, false, 0, 0, "ok"},
      {&passing, &cluster, Status::kUnknown, false, 0, 0, "?"},
      {&unknown_only, &cluster, Status::kUnknown, false, 0, 0, "?"},
      {&unknown_only, &cluster, Status::kPass, true, 0, 0, "muted: not counted"},
      {&unmapped, &cluster, Status::kFail, false, 0, 0, "bad"},
  };
  const ComplianceSummary s =
      summarize_compliance(*find_framework("gdpr"), {&failing, &passing, &unknown_only, &not_run, &unmapped}, findings);
  ASSERT_EQ(s.requirements.size(), 2u);
  const RequirementResult& art25 = s.requirements[0];
  const RequirementResult& art32 = s.requirements[1];
  EXPECT_EQ(art25.id, "Art. 25");
  EXPECT_EQ(art25.checks, std::vector<std::string>{"a"});
  EXPECT_EQ(art25.failed, 1u);
  EXPECT_EQ(art32.title, "Security of processing");
  EXPECT_EQ(art32.checks, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(art32.failed, 1u);
  EXPECT_EQ(art32.passed, 1u);        // b: a PASS and no FAIL (its UNKNOWN shows in the findings counts)
  EXPECT_EQ(art32.not_assessed, 2u);  // c: only UNKNOWN (its PASS is muted); d: did not run
  EXPECT_EQ(art32.findings_pass, 2u);
  EXPECT_EQ(art32.findings_fail, 1u);
  EXPECT_EQ(art32.findings_unknown, 2u);
}

}  // namespace
}  // namespace atrest
