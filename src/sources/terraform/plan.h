// Terraform plans as JSON (`terraform show -json plan.out > plan.json`): the planned values of
// every managed resource, with what Terraform only knows after apply marked unknown and
// references to other resources of the configuration kept, mapped into the inventory by the
// same mapper as .tf files. When the plan sits next to its configuration, findings point at the
// resource blocks and arguments in the .tf files; otherwise at the plan file.
//
// How the plan is read:
// - planned_values (root_module and child_modules, recursively) gives the resources that exist
//   after apply: deleted ones are not there, unchanged ("no-op") ones are. Data sources and
//   deposed objects are skipped.
// - resource_changes[].change.after_unknown marks the values known only after apply. A value
//   the configuration sets (configuration...expressions has it) stays unknown ("known after
//   apply"), naming the resource it refers to when its references say which one; a value the
//   configuration does not set is the provider's computed default, read as omitted, so the
//   mapper applies the same documented default it applies to a .tf file (a plan and its .tf
//   give the same findings).
// - References (expressions.<arg>.references, inside modules relative to the module instance)
//   set Value.ref: a known value only when it equals the referenced resource's planned value,
//   so coalesce(var.key, aws_kms_key.k.arn) with the variable set names no key; an unknown
//   value when one resource instance is named (count.index / each.key pick the instance's own
//   key). A module output (module.x.key_arn) names no resource.
// - Sensitive values (after_sensitive, sensitive_values) are in plain text in the JSON, as
//   `terraform show -json` documents: they are ordinary known values here.
// - `terraform show -json` of a state (values, no changes or configuration) is read the same way.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "model/input_summary.h"
#include "model/inventory.h"

namespace atrest::tf {

struct PlanOptions {
  std::string account;  // for every resource (a plan names none); empty: unknown
  std::string region;
  bool find_configuration = true;  // look for the .tf files next to the plan for positions
};

// A plan (or `terraform show -json` of a state) by its shape: format_version or
// terraform_version, with planned_values or resource_changes (or a state's values).
bool is_terraform_plan(simdjson::dom::element root);

// Reads a parsed plan document into `inventory`. Problems with parts of the plan are one error
// line each ("file: address: what") and the rest is still read.
InputSummary read_terraform_plan(const std::string* file, simdjson::dom::element root, const PlanOptions& options,
                                 Inventory& inventory);

// Parses and reads one in-memory plan as if it were the file `name` (tests, fuzzing); invalid
// JSON is one "name:line:col: message" error.
InputSummary load_terraform_plan_text(std::string_view name, std::string_view text, const PlanOptions& options,
                                      Inventory& inventory);

// Whether the first bytes of a file that is not valid JSON look like Terraform's JSON output, so
// the parse error is reported as a plan's.
bool looks_like_terraform_json(std::string_view text);

}  // namespace atrest::tf
