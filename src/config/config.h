// `.atrest.yaml`: check thresholds, trusted accounts, enabled / disabled checks and severity
// overrides (docs/configuration.md). Found by walking up from the working directory, or named
// with --config. Every mistake is reported as `file:line:column: message`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "checks/metadata.h"
#include "checks/settings.h"

namespace atrest {

inline constexpr const char* kConfigFileName = ".atrest.yaml";

struct Config {
  std::string path;  // the file read; empty when there was none
  Settings settings;
  std::vector<std::string> enabled;   // checks.enabled: run only these (empty: every check)
  std::vector<std::string> disabled;  // checks.disabled: never run these
  std::vector<std::pair<std::string, Severity>> severity;  // severity: check id -> severity
};

// The nearest `.atrest.yaml` in `start` or one of its parents; empty when there is none.
std::string find_config(const std::string& start);

// Reads and validates `path` into `out`. Returns the problems, each `path:line:column: message`
// (empty on success). Every problem of the file is reported, not just the first.
std::vector<std::string> load_config(const std::string& path, Config& out);

// As load_config, for text already in memory; `path` only names the file in the messages
// (tests and the fuzzer).
std::vector<std::string> parse_config(const std::string& text, const std::string& path, Config& out);

}  // namespace atrest
