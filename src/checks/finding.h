// A finding: one check's verdict on one resource. Reports read only findings.
#pragma once

#include <string>

#include "checks/metadata.h"
#include "model/resources.h"

namespace atrest {

enum class Status : unsigned char { kPass, kFail, kUnknown, kError };

const char* status_name(Status s);  // "PASS", "FAIL", "UNKNOWN", "ERROR"

struct Finding {
  const CheckMeta* check;
  const Resource* resource;  // owned by the Inventory, which outlives the findings
  Status status;
  bool muted = false;
  uint32_t line = 0;         // where the judged value was written (0: unknown); file from origin
  uint32_t column = 0;
  std::string message;       // why, in one sentence
};

}  // namespace atrest
