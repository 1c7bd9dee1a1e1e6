// Terraform resources (from a configuration or a plan) into the inventory, with the AWS
// provider's defaults for omitted arguments. One mapping for both inputs, so a .tf file and
// the plan made from it give the same findings.
#pragma once

#include <string>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"
#include "sources/terraform/value.h"

namespace atrest::tf {

struct MapContext {
  SourceKind kind = SourceKind::kTerraform;
  const std::string* scope = nullptr;    // identity of the configuration (root module dir, plan file)
  const std::string* account = nullptr;  // --account / --region, else unknown
  const std::string* region = nullptr;
};

// Adds every instance atrest models; returns how many resources were added.
size_t map_resources(const std::vector<ResourceInstance>& instances, const MapContext& context, Inventory& inventory);

// Whether the mapper reads resources of this type (other types are skipped by the readers).
bool is_mapped_type(std::string_view type);

// "module.a.aws_kms_key.k[0]" -> "aws_kms_key"; "data.aws_kms_alias.x" -> "data.aws_kms_alias".
std::string type_of_address(std::string_view address);

}  // namespace atrest::tf
