// The offline snapshot source: aws CLI describe-* outputs and AWS Config items, found by
// content in files and directories, turned into inventory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"

namespace atrest {

struct SnapshotOptions {
  std::string account;  // used when a resource carries no ARN or account of its own
  std::string region;
};

// Reads one in-memory document as if it were the file `name` (fuzzing, tests).
InputSummary load_snapshot_text(std::string_view name, std::string_view text,
                                const SnapshotOptions& options, Inventory& inventory);

// One AWS API answer, as the JSON the aws CLI prints for it, read the way a saved output is
// read (one reader for both), but recorded as a live observation: origin kind `aws`, the call's
// name as its api. A describe-continuous-backups answer names no table; its PITR settings are
// returned for the caller, who knows which table it asked about.
struct ApiAnswer {
  bool recognised = false;
  size_t resources = 0;
  bool has_backups = false;
  Field<std::string> pitr_status;
  Field<int64_t> pitr_recovery_days;
};
ApiAnswer read_api_answer(std::string_view json, const char* api, const SnapshotOptions& scope,
                          Inventory& inventory, std::vector<std::string>& errors);

}  // namespace atrest
