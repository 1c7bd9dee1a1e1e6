// Terraform configurations (.tf and .tf.json): each root module directory is evaluated with its
// variables (defaults, terraform.tfvars, *.auto.tfvars, --var-file, --var, TF_VAR_), locals,
// local child modules, count, for_each and dynamic blocks, and its resources are mapped into
// the inventory with findings at file:line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"

namespace atrest {

// One --var NAME=VALUE or --var-file PATH; Terraform applies them in command-line order.
struct TerraformVarArg {
  bool file = false;
  std::string text;
};

struct TerraformOptions {
  std::string account;  // for resources (none of a configuration's resources names one)
  std::string region;
  std::vector<TerraformVarArg> var_args;  // --var and --var-file, in command-line order
  size_t jobs = 0;                     // files parsed in parallel; 0: one per hardware thread
};

// Evaluates the configurations in `dirs` (directories holding .tf or .tf.json files). A
// directory another one uses as a local module is evaluated as that module (with its inputs),
// not on its own. One summary per root module.
std::vector<InputSummary> load_terraform(const std::vector<std::string>& dirs, const TerraformOptions& options,
                                         Inventory& inventory);

// Reads one in-memory .tf file as a configuration of its own (fuzzing, tests).
InputSummary load_terraform_text(std::string_view name, std::string_view text, Inventory& inventory);

}  // namespace atrest
