// Status names as they appear in every report.
#include "checks/finding.h"

namespace atrest {

const char* status_name(Status s) {
  switch (s) {
    case Status::kPass: return "PASS";
    case Status::kFail: return "FAIL";
    case Status::kUnknown: return "UNKNOWN";
    case Status::kError: return "ERROR";
  }
  return "ERROR";
}

}  // namespace atrest
