// Compliance frameworks: the registry of frameworks the checks map to (ids, titles, versions,
// sources, and the titles of the requirements the catalog cites), and the per-requirement
// summary of one scan for `--compliance ID`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/finding.h"

namespace atrest {

struct Requirement {
  std::string_view id;
  std::string_view title;
};

struct Framework {
  std::string_view id;       // the key used in metadata.json "compliance", e.g. pci-dss-4.0
  std::string_view title;
  std::string_view version;
  std::string_view source;   // where the requirement text is published
  std::vector<Requirement> requirements;  // titles of the requirement ids atrest cites

  // The requirement's title, or empty when the registry does not hold it.
  std::string_view title_of(std::string_view requirement) const;
};

const std::vector<Framework>& frameworks();
const Framework* find_framework(std::string_view id);
// "aws-fsbp, pci-dss-4.0, ..." for error messages.
std::string framework_ids();

// The requirement ids a check maps to in a framework, or nullptr when it maps to none.
const std::vector<std::string>* mapped_requirements(const CheckMeta& check, std::string_view framework);

// Orders requirement ids as people read them: "3.5.1" < "10.3.3", "SC-8" < "SC-13".
bool requirement_less(std::string_view a, std::string_view b);

// Per requirement: the mapped checks and how they fared. A check counts once per requirement:
// failed when any of its findings is FAIL; passed when it has a PASS and no FAIL; otherwise
// (it did not run, judged nothing, or judged only UNKNOWN / ERROR) not assessed. Findings
// counts the verdicts on resources behind those checks. Muted findings are left out.
struct RequirementResult {
  std::string id;
  std::string title;  // empty when unknown
  std::vector<std::string> checks;
  size_t passed = 0, failed = 0, not_assessed = 0;
  size_t findings_pass = 0, findings_fail = 0, findings_unknown = 0, findings_error = 0;
};

struct ComplianceSummary {
  const Framework* framework = nullptr;
  std::vector<RequirementResult> requirements;  // in requirement_less order
};

// `catalog` is every check of the build (mapped checks that did not run are not assessed).
ComplianceSummary summarize_compliance(const Framework& framework, const std::vector<const CheckMeta*>& catalog,
                                       const std::vector<Finding>& findings);

}  // namespace atrest
