// Turns every fixture under src/checks/<id>/fixtures/<input kind>/ into a test: a fixture named
// pass-*, fail-* or unknown-* (a file, or a directory of files, optionally with an .atrest.yaml) must make that check report
// exactly that status for every resource it judges, and judge at least one. A check without
// both a pass and a fail fixture fails the build's tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checks/engine.h"
#include "checks/registry.h"
#include "config/config.h"
#include "sources/cloudformation/cloudformation_source.h"
#include "sources/load.h"

namespace atrest {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  std::string check_id;
  std::string kind;  // "snapshot", "cloudformation", "terraform", "terraform-plan"
  std::string expect;
  fs::path path;
  std::string name;
};

// gtest prints parameters in test listings: show the fixture's name, not its bytes.
void PrintTo(const Fixture& f, std::ostream* os) { *os << f.name; }

std::vector<Fixture> discover() {
  std::vector<Fixture> out;
  const fs::path root = fs::path(ATREST_SOURCE_DIR) / "src" / "checks";
  for (const auto& check_dir : fs::directory_iterator(root)) {
    const fs::path fixtures = check_dir.path() / "fixtures";
    if (!fs::is_directory(fixtures)) continue;
    for (const auto& kind_dir : fs::directory_iterator(fixtures)) {
      if (!kind_dir.is_directory()) continue;
      for (const auto& entry : fs::directory_iterator(kind_dir.path())) {
        const std::string file = entry.path().filename().string();
        const size_t dash = file.find('-');
        if (dash == std::string::npos) continue;
        Fixture f{check_dir.path().filename().string(), kind_dir.path().filename().string(),
                  file.substr(0, dash), entry.path(), {}};
        f.name = f.check_id + "/" + f.kind + "/" + file;
        out.push_back(f);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
  return out;
}

const std::map<std::string, Status> kExpected = {
    {"pass", Status::kPass}, {"fail", Status::kFail}, {"unknown", Status::kUnknown}, {"error", Status::kError}};

class CheckFixture : public ::testing::TestWithParam<Fixture> {};

TEST_P(CheckFixture, ReportsTheExpectedStatus) {
  const Fixture& f = GetParam();
  ASSERT_TRUE(kExpected.count(f.expect)) << f.name << ": fixture names start with pass-, fail-, unknown- or error-";
  const CheckDef* def = find_check(f.check_id);
  ASSERT_NE(def, nullptr) << "no check " << f.check_id;
  ASSERT_TRUE(f.kind == "snapshot" || f.kind == "cloudformation" || f.kind == "terraform" ||
              f.kind == "terraform-plan")
      << f.kind << ": input kind not supported yet";
  LoadOptions options;
  // Terraform fixtures are module directories; `cli.vars` holds --var NAME=VALUE lines and
  // `cli.tfvars` is passed as --var-file (terraform.tfvars and *.auto.tfvars are read anyway).
  if (f.kind == "terraform") {
    ASSERT_TRUE(fs::is_directory(f.path)) << f.name << ": a Terraform fixture is a directory";
    if (std::ifstream vars(f.path / "cli.vars"); vars) {
      for (std::string line; std::getline(vars, line);) {
        if (!line.empty()) options.tf_var_args.push_back({false, line});
      }
    }
    if (fs::exists(f.path / "cli.tfvars")) options.tf_var_args.push_back({true, (f.path / "cli.tfvars").string()});
  }
  const fs::path params = f.path / "parameters.json";
  if (fs::is_directory(f.path) && fs::exists(params)) {
    ASSERT_EQ(read_parameter_file(params.string(), options.cfn_parameters), "");
  }
  Inventory inventory;
  std::vector<InputSummary> inputs = load_inputs({f.path.string()}, options, inventory);
  inventory.finalize();
  for (const InputSummary& in : inputs) {
    EXPECT_TRUE(in.errors.empty()) << f.name << ": " << (in.errors.empty() ? "" : in.errors.front());
  }
  // A fixture directory may tune the check with its own `.atrest.yaml` (thresholds, trusted accounts).
  Config config;
  if (fs::is_directory(f.path) && fs::exists(f.path / kConfigFileName)) {
    const std::vector<std::string> problems = load_config((f.path / kConfigFileName).string(), config);
    ASSERT_TRUE(problems.empty()) << f.name << ": " << problems.front();
  }
  std::vector<Finding> findings = run_checks(inventory, config.settings, {def}, Severity::kInfo);
  ASSERT_FALSE(findings.empty()) << f.name << ": the check judged no resource";
  for (const Finding& finding : findings) {
    EXPECT_EQ(std::string(status_name(finding.status)), std::string(status_name(kExpected.at(f.expect))))
        << f.name << ": " << finding.resource->id << ": " << finding.message;
    EXPECT_FALSE(finding.message.empty());
    // A plan must be read as a plan, not matched by another reader's shapes.
    if (f.kind == "terraform-plan") {
      EXPECT_EQ(finding.resource->origin.kind, SourceKind::kTerraformPlan) << f.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CheckFixture, ::testing::ValuesIn(discover()),
                         [](const ::testing::TestParamInfo<Fixture>& info) {
                           std::string n = info.param.name;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(CheckCatalog, MetadataAndLogicPairUp) {
  EXPECT_TRUE(registry_problems().empty()) << registry_problems().front();
  EXPECT_EQ(all_checks().size(), 36u);  // every check of docs/catalog.md
}

TEST(CheckCatalog, EveryCheckHasPassAndFailFixturesForEachInputItSupports) {
  std::map<std::string, std::set<std::string>> seen;  // check/kind -> expectations
  for (const Fixture& f : discover()) seen[f.check_id + "/" + f.kind].insert(f.expect);
  for (const CheckDef& def : all_checks()) {
    for (const std::string& input : def.meta.inputs) {
      if (input != "snapshot" && input != "cloudformation" && input != "terraform") continue;  // others arrive with their sources
      const auto& expects = seen[def.meta.id + "/" + input];
      EXPECT_TRUE(expects.count("pass")) << def.meta.id << " has no pass fixture for " << input;
      EXPECT_TRUE(expects.count("fail")) << def.meta.id << " has no fail fixture for " << input;
      if (input == "terraform") {  // the same mapping read from a plan (terraform show -json)
        const auto& plans = seen[def.meta.id + "/terraform-plan"];
        EXPECT_TRUE(plans.count("pass")) << def.meta.id << " has no pass fixture for terraform-plan";
        EXPECT_TRUE(plans.count("fail")) << def.meta.id << " has no fail fixture for terraform-plan";
      }
    }
  }
}

}  // namespace
}  // namespace atrest
