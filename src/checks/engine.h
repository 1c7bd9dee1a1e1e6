// Runs the selected checks over an inventory and collects their findings.
#pragma once

#include <vector>

#include "checks/registry.h"

namespace atrest {

// Findings below min_severity are not kept at all, so memory follows what is reported.
std::vector<Finding> run_checks(const Inventory& inventory, const Settings& settings,
                                const std::vector<const CheckDef*>& checks, Severity min_severity);

}  // namespace atrest
