// The compiled-in check catalog: metadata and logic paired by id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"

namespace atrest {

struct CheckDef {
  CheckMeta meta;
  CheckFn run = nullptr;
};

// All checks, sorted by id. Aborts at start if metadata and logic do not pair up: that is a
// build defect, caught by the tests.
const std::vector<CheckDef>& all_checks();
const CheckDef* find_check(std::string_view id);
// Every check, as the engine takes a selection of them.
const std::vector<const CheckDef*>& every_check();

// Problems found while pairing metadata and logic (empty when the build is consistent).
const std::vector<std::string>& registry_problems();

}  // namespace atrest
