// Counting findings for summaries (shared by every format).
#include "report/report.h"

namespace atrest {

ScanCounts count(const ScanResult& scan) {
  ScanCounts c;
  for (const Finding& f : scan.findings) {
    if (f.muted) {
      ++c.muted;
      continue;
    }
    switch (f.status) {
      case Status::kPass: ++c.pass; break;
      case Status::kFail:
        ++c.fail;
        ++c.fail_by_severity[f.check->severity];
        break;
      case Status::kUnknown: ++c.unknown; break;
      case Status::kError: ++c.error; break;
    }
  }
  for (const InputSummary& in : scan.inputs) {
    c.files_read += in.files_read;
    c.files_skipped += in.files_skipped;
    c.input_errors += in.errors.size();
    if (in.kind == SourceKind::kAws) ++c.accounts;
  }
  return c;
}

}  // namespace atrest
