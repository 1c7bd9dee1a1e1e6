// Terraform's JSON configuration syntax (.tf.json) turned into the same syntax tree as native
// HCL, so one evaluator reads both. Strings are templates ("${var.x}"), as Terraform reads them.
#pragma once

#include <string_view>

#include "sources/terraform/hcl.h"

namespace atrest::tf {

hcl::File parse_tf_json(std::string_view text);

}  // namespace atrest::tf
