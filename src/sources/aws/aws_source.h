// The live source: every account and region through the AWS APIs, calls in flight at once.
// Answers go through the same readers as saved aws CLI outputs; what could not be read becomes
// resources marked unreadable (one table, or every DAX cluster of a region), a field marked
// unknown (a table's tags, a key's policy), or a collection recorded as failed in the region's
// AccountRegion (trails, recorders, backup selections, ...), never a PASS.
#pragma once

#include <string>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"

namespace atrest {

struct LiveOptions {
  std::string profile;                  // --profile; else AWS_PROFILE
  std::vector<std::string> regions;     // --regions; empty: every region enabled in the account
  std::vector<std::string> role_arns;   // --role-arn: scan these accounts instead of the caller's
  std::string external_id;              // --external-id for those roles
  bool organization = false;            // --organization: every active account of the org
  std::string org_role = "OrganizationAccountAccessRole";
  std::string endpoint_url;             // --endpoint-url (else AWS_ENDPOINT_URL[_SERVICE])
  size_t max_concurrency = 64;          // HTTP requests in flight
  int max_attempts = 0;                 // 0: AWS_MAX_ATTEMPTS, else the profile's, else 3
  bool verbose = false;                 // one stderr line per call
  bool progress = false;                // a progress line on stderr (the CLI sets it for a TTY)
};

struct LiveStats {
  size_t accounts = 0;
  size_t regions = 0;
  size_t calls = 0;
  size_t http_requests = 0;
  size_t retries = 0;
  size_t throttled = 0;
  size_t failed_calls = 0;
};

// Scans, adding to `inventory`; one summary per account. Errors (an account that cannot be
// assumed, a call that failed after retries) are in the summaries and in the resources.
std::vector<InputSummary> scan_aws(const LiveOptions& options, Inventory& inventory, LiveStats* stats = nullptr);

}  // namespace atrest
