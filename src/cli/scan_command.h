// `atrest scan`, `atrest checks` and `atrest explain`: the commands behind the CLI parser.
#pragma once

#include <string>
#include <vector>

#include "checks/metadata.h"
#include "sources/aws/aws_source.h"
#include "sources/terraform/terraform_source.h"

namespace atrest {

// Exit codes (documented in README.md).
inline constexpr int kExitOk = 0;          // nothing failed at or above --fail-on
inline constexpr int kExitFailed = 1;      // something failed
inline constexpr int kExitUsage = 2;       // usage error, or no input could be read
inline constexpr int kExitIncomplete = 3;  // some data could not be read, nothing failed

struct ScanOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;  // empty: stdout
  std::vector<std::string> checks;
  std::vector<std::string> skip_checks;
  Severity min_severity = Severity::kInfo;
  Severity fail_on = Severity::kLow;
  bool color = false;
  bool quiet = false;
  bool show_pass = false;
  std::string account;
  std::string region;
  size_t jobs = 0;
  std::vector<std::string> cfn_parameters;       // KEY=VALUE
  std::vector<std::string> cfn_parameter_files;  // aws CLI parameter files
  std::vector<TerraformVarArg> tf_var_args;      // --var NAME=VALUE / --var-file, in order
  bool aws = false;                               // --aws: scan live accounts too
  LiveOptions live;
  std::string compliance;   // --compliance: framework id; only its checks, plus a per-requirement summary
  std::string config_path;  // --config; empty: the nearest .atrest.yaml upwards from the working directory
  bool no_config = false;   // --no-config: ignore any .atrest.yaml
};

int run_scan(const ScanOptions& options);
int run_checks_list(const std::string& format, const std::string& compliance);
int run_explain(const std::string& check_id);

}  // namespace atrest
