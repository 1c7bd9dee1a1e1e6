// Thresholds and lists that tune checks. Defaults follow the catalog; `.atrest.yaml` (see
// docs/configuration.md) overrides them.
#pragma once

#include <string>
#include <vector>

namespace atrest {

struct Settings {
  int dax_min_azs = 3;
  std::vector<std::string> dynamodb_allowed_kms_keys;  // empty: any customer managed key
  int dynamodb_min_pitr_days = 0;                      // 0: no minimum recovery period
  std::vector<std::string> dynamodb_required_tags = {"Environment", "Security"};
  int elasticache_min_snapshot_days = 7;
  std::vector<std::string> elasticache_allowed_kms_keys;  // empty: any customer managed key
  // Accounts a resource policy may grant access to besides the resource's own account.
  std::vector<std::string> trusted_accounts;
};

}  // namespace atrest
