// Where a resource came from: a file position (snapshots, templates) or an API call (live scans).
#pragma once

#include <cstdint>
#include <string>

namespace atrest {

enum class SourceKind : unsigned char { kSnapshot, kCloudFormation, kTerraform, kTerraformPlan, kAws };

const char* source_kind_name(SourceKind kind);
// Templates and configurations: the same logical name in two files is two resources.
inline bool is_iac(SourceKind kind) {
  return kind == SourceKind::kCloudFormation || kind == SourceKind::kTerraform || kind == SourceKind::kTerraformPlan;
}

struct Origin {
  SourceKind kind = SourceKind::kSnapshot;
  const std::string* file = nullptr;  // interned path as the user gave it; null for live scans
  uint32_t line = 0;                  // 0 when unknown
  uint32_t column = 0;                // 0 when unknown
  const std::string* api = nullptr;   // e.g. "dax:DescribeClusters" or "config:snapshot-file"
  // Templates: the file's normalised absolute path, so that `dir/x.yaml`, `./dir/x.yaml` and a
  // nested stack's `../dir/x.yaml` are one file (and its resources one resource each).
  const std::string* canonical_file = nullptr;

  const std::string* identity_file() const { return canonical_file != nullptr ? canonical_file : file; }
};

}  // namespace atrest
