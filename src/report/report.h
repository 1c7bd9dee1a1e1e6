// Report writers: each turns the findings of one scan into one output format.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "checks/finding.h"
#include "model/input_summary.h"
#include "report/compliance.h"

namespace atrest {

struct ScanResult {
  std::string tool_version;
  std::string started_at;   // RFC 3339, UTC
  std::string finished_at;
  std::vector<InputSummary> inputs;
  size_t resources = 0;  // distinct resources after merging inputs that describe the same one
  std::vector<Finding> findings;
  // With --compliance: the findings are those of the framework's checks, and this summary is
  // reported per requirement (text and JSON).
  const ComplianceSummary* compliance = nullptr;
};

struct ScanCounts {
  size_t pass = 0, fail = 0, unknown = 0, error = 0, muted = 0;
  size_t files_read = 0, files_skipped = 0, input_errors = 0;
  size_t accounts = 0;  // live AWS accounts scanned
  std::map<Severity, size_t> fail_by_severity;
  bool complete() const { return error == 0 && input_errors == 0; }
};

ScanCounts count(const ScanResult& scan);

struct TextOptions {
  bool color = false;
  bool show_pass = false;
  bool quiet = false;  // summary line only
};

// Buffered writer; flushes to the FILE in large blocks and remembers whether any write failed
// (a full disk must not look like a clean report).
class Output {
 public:
  explicit Output(std::FILE* f) : file_(f) { buf_.reserve(1 << 20); }
  ~Output() { flush(); }
  bool failed() const { return failed_; }
  Output& operator<<(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= (1 << 20)) flush();
    return *this;
  }
  Output& operator<<(char c) {
    buf_.push_back(c);
    return *this;
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
    buf_.clear();
    if (std::fflush(file_) != 0) failed_ = true;
  }

 private:
  std::FILE* file_;
  std::string buf_;
  bool failed_ = false;
};

void write_text_report(const ScanResult& scan, const TextOptions& options, Output& out);
void write_json_report(const ScanResult& scan, Output& out);

}  // namespace atrest
