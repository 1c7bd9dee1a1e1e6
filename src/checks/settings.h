// Thresholds and lists that tune checks. Defaults follow the catalog; a configuration file
// fills them in a later issue.
#pragma once

#include <string>
#include <vector>

namespace atrest {

struct Settings {
  int dax_min_azs = 3;
  std::vector<std::string> dynamodb_allowed_kms_keys;  // empty: any customer managed key
};

}  // namespace atrest
