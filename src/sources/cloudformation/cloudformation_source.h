// The CloudFormation source: templates (YAML or JSON, SAM and CDK output included) turned into
// inventory, every field located at the line and column where it is written.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "model/input_summary.h"
#include "model/inventory.h"

namespace atrest {

struct CloudFormationOptions {
  std::string account;
  std::string region;
  std::map<std::string, std::string> parameters;  // --cfn-param / --cfn-params
};

enum class TemplateResult { kError, kTemplate, kNotTemplate };

// Reads one file's text. Errors (invalid YAML, duplicate keys, ...) go to summary.errors as one
// line "file:line:col: message"; text that is not a template is kNotTemplate.
TemplateResult read_template(const std::string* file, std::string_view text, const CloudFormationOptions& options,
                             Inventory& inventory, InputSummary& summary);

// Reads parameter values from a file in either form the AWS CLI uses:
// [{"ParameterKey": "K", "ParameterValue": "V"}] or {"Parameters": {"K": "V"}}.
std::string read_parameter_file(const std::string& path, std::map<std::string, std::string>& out);

}  // namespace atrest
