// What the scan read: one entry per input the user named (a path, later an account/region).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/origin.h"

namespace atrest {

struct InputSummary {
  SourceKind kind = SourceKind::kSnapshot;
  std::string source;               // path as given, or account/region
  size_t resources = 0;
  size_t files_read = 0;            // parsed as JSON
  size_t files_recognised = 0;      // of those, recognised as an input atrest reads
  size_t files_skipped = 0;         // not recognised as any supported input
  std::vector<std::string> errors;  // one line each: "file:line:col: what went wrong"
  std::vector<std::string> notes;   // what was left out by design (a registry module); not an error
};

}  // namespace atrest
