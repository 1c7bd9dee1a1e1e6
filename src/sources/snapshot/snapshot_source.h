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

}  // namespace atrest
