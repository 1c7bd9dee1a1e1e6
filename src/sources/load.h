// Reading inputs: walks the paths, reads files in parallel, and gives each file to the source
// that recognises its content (aws CLI output and AWS Config items, or a CloudFormation template);
// directories holding .tf files are Terraform configurations.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"
#include "sources/terraform/terraform_source.h"

namespace atrest {

struct LoadOptions {
  std::string account;  // for resources whose input names none
  std::string region;
  size_t jobs = 0;      // files read in parallel; 0: one per hardware thread
  std::map<std::string, std::string> cfn_parameters;  // --cfn-param / --cfn-params
  std::vector<TerraformVarArg> tf_var_args;          // --var / --var-file in command-line order
};

// Reads every path (files, or directories walked recursively) into `inventory`. Returns one
// summary per path and kind of input found there; errors are recorded and the scan goes on.
std::vector<InputSummary> load_inputs(const std::vector<std::string>& paths, const LoadOptions& options,
                                      Inventory& inventory);

}  // namespace atrest
