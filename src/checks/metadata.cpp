// Parsing of check metadata documents (see metadata.h for the shape).
#include "checks/metadata.h"

#include "util/text.h"

#include <simdjson.h>

namespace atrest {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

bool type_from_name(std::string_view name, ResourceType& out) {
  for (int i = 0; i <= static_cast<int>(ResourceType::kAccountRegion); ++i) {
    const auto t = static_cast<ResourceType>(i);
    if (name == resource_type_name(t)) {
      out = t;
      return true;
    }
  }
  return false;
}

struct Reader {
  object obj;
  std::string error;

  std::string str(const char* key, bool required = true) {
    std::string_view v;
    if (obj[key].get(v) != simdjson::SUCCESS) {
      if (required && error.empty()) error = std::string("missing string '") + key + "'";
      return {};
    }
    return std::string(v);
  }
  std::vector<std::string> strs(object o, const char* key, bool required = true) {
    std::vector<std::string> out;
    simdjson::dom::array arr;
    if (o[key].get(arr) != simdjson::SUCCESS) {
      if (required && error.empty()) error = std::string("missing array '") + key + "'";
      return out;
    }
    for (element e : arr) {
      std::string_view v;
      if (e.get(v) == simdjson::SUCCESS) {
        out.emplace_back(v);
      } else if (error.empty()) {
        error = std::string("'") + key + "' must hold strings";
      }
    }
    return out;
  }
};

}  // namespace

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "info";
}

bool parse_severity(std::string_view text, Severity& out) {
  for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh,
                     Severity::kCritical}) {
    std::string_view name = severity_name(s);
    if (iequals(text, name)) {
      out = s;
      return true;
    }
  }
  return false;
}

bool CheckMeta::applies_to(ResourceType t) const {
  for (ResourceType r : resource_types) {
    if (r == t) return true;
  }
  return false;
}

bool CheckMeta::accepts(SourceKind kind) const {
  const char* input = "snapshot";
  switch (kind) {
    case SourceKind::kSnapshot: input = "snapshot"; break;
    case SourceKind::kCloudFormation: input = "cloudformation"; break;
    case SourceKind::kTerraform:
    case SourceKind::kTerraformPlan: input = "terraform"; break;
    case SourceKind::kAws: input = "live"; break;
  }
  for (const std::string& i : inputs) {
    if (i == input) return true;
  }
  return false;
}

std::string parse_check_meta(std::string_view json, CheckMeta& out) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto err = parser.parse(padded).get(root); err) {
    return std::string("invalid JSON: ") + simdjson::error_message(err);
  }
  Reader r;
  if (root.get(r.obj) != simdjson::SUCCESS) return "not a JSON object";
  out.id = r.str("id");
  out.title = r.str("title");
  if (!parse_severity(r.str("severity"), out.severity) && r.error.empty()) {
    r.error = "severity must be info, low, medium, high or critical";
  }
  out.service = r.str("service");
  out.resource_type_names = r.strs(r.obj, "resource_types");
  for (const std::string& name : out.resource_type_names) {
    ResourceType t;
    if (type_from_name(name, t)) {
      out.resource_types.push_back(t);
    } else if (!name.starts_with("AWS::") && r.error.empty()) {
      r.error = "resource type '" + name + "' is not a CloudFormation type name";
    }
  }
  if (out.resource_types.empty() && r.error.empty()) r.error = "no resource type the inventory models";
  out.inputs = r.strs(r.obj, "inputs");
  out.description = r.str("description");
  out.risk = r.str("risk");
  object rem;
  if (r.obj["remediation"].get(rem) == simdjson::SUCCESS) {
    Reader rr{rem, {}};
    out.remediation.summary = rr.str("summary");
    out.remediation.console = rr.strs(rem, "console");
    out.remediation.cli = rr.str("cli");
    out.remediation.cloudformation = rr.str("cloudformation");
    out.remediation.terraform = rr.str("terraform");
    if (r.error.empty() && !rr.error.empty()) r.error = "remediation: " + rr.error;
  } else if (r.error.empty()) {
    r.error = "missing object 'remediation'";
  }
  out.references = r.strs(r.obj, "references");
  object comp;
  if (r.obj["compliance"].get(comp) == simdjson::SUCCESS) {
    for (auto field : comp) {
      out.compliance.emplace_back(std::string(field.key), r.strs(comp, std::string(field.key).c_str()));
    }
  } else if (r.error.empty()) {
    r.error = "missing object 'compliance'";
  }
  object eq;
  if (r.obj["equivalents"].get(eq) == simdjson::SUCCESS) {
    for (auto field : eq) {
      std::string_view v;
      if (field.value.get(v) == simdjson::SUCCESS) {
        out.equivalents.emplace_back(std::string(field.key), std::string(v));
      } else if (r.error.empty()) {
        r.error = "equivalents values must be strings";
      }
    }
  } else if (r.error.empty()) {
    r.error = "missing object 'equivalents'";
  }
  out.notes = r.strs(r.obj, "notes", /*required=*/false);
  simdjson::dom::array facts;
  if (r.obj["facts"].get(facts) == simdjson::SUCCESS) {
    for (element e : facts) {
      object fact;
      std::string_view text, source;
      if (e.get(fact) != simdjson::SUCCESS || fact["text"].get(text) != simdjson::SUCCESS ||
          fact["source"].get(source) != simdjson::SUCCESS) {
        if (r.error.empty()) r.error = "facts: each entry needs string 'text' and 'source'";
        break;
      }
      out.facts.push_back({std::string(text), std::string(source)});
    }
  }
  return r.error;
}

}  // namespace atrest
