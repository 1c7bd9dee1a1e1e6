// Check metadata: everything about a check except its logic. Kept as data in
// src/checks/<id>/metadata.json, compiled into the binary and parsed once at start.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/resources.h"

namespace atrest {

enum class Severity : unsigned char { kInfo, kLow, kMedium, kHigh, kCritical };

const char* severity_name(Severity s);
// Accepts "info", "low", "medium", "high", "critical" in any case.
bool parse_severity(std::string_view text, Severity& out);

struct Remediation {
  std::string summary;  // one line, shown under every FAIL
  std::vector<std::string> console;
  std::string cli;
  std::string cloudformation;
  std::string terraform;
};

// A fact users need about the check's subject, with the page that states it.
struct Fact {
  std::string text;
  std::string source;  // URL
};

struct CheckMeta {
  std::string id;
  std::string title;
  Severity severity = Severity::kMedium;
  std::string service;
  std::vector<std::string> resource_type_names;  // as the catalog lists them
  std::vector<ResourceType> resource_types;       // those the inventory models today
  std::vector<std::string> inputs;  // live, snapshot, cloudformation, terraform
  std::string description;
  std::string risk;
  Remediation remediation;
  std::vector<std::string> references;
  std::vector<std::pair<std::string, std::vector<std::string>>> compliance;  // framework -> ids
  std::vector<std::pair<std::string, std::string>> equivalents;             // tool -> rule id
  std::vector<std::string> notes;
  std::vector<Fact> facts;

  bool applies_to(ResourceType t) const;
  // Whether the catalog marks the check for resources read by that kind of source (a check
  // meant for live and snapshot data says nothing about a template).
  bool accepts(SourceKind kind) const;
};

// Parses one metadata document; returns an error message, empty on success.
std::string parse_check_meta(std::string_view json, CheckMeta& out);

}  // namespace atrest
