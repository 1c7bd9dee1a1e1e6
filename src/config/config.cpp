// Reading `.atrest.yaml` with positions (libyaml through cfn::YamlDocument) and validating it
// against the keys docs/configuration.md documents.
#include "config/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checks/registry.h"
#include "sources/cloudformation/yaml_tree.h"

namespace atrest {
namespace {

using cfn::YamlNode;

class Validator {
 public:
  Validator(const std::string& path, Config& out) : path_(path), out_(out) {}

  void document(const YamlNode* root) {
    if (root == nullptr || root->is_null()) return;  // an empty file configures nothing
    if (!root->is_map()) return problem(root, "the configuration must be a mapping of keys (see docs/configuration.md)");
    for (const auto& [key, value] : root->entries) {
      const std::string& k = key->value;
      if (k == "checks") {
        checks(value);
      } else if (k == "severity") {
        severity(value);
      } else if (k == "trusted_accounts") {
        out_.settings.trusted_accounts = accounts(value, "trusted_accounts");
      } else if (k == "dax") {
        section(value, "dax", [&](const std::string& name, const YamlNode* v) {
          if (name != "min_azs") return false;
          integer(v, "dax.min_azs", 1, 64, out_.settings.dax_min_azs);
          return true;
        });
      } else if (k == "dynamodb") {
        section(value, "dynamodb", [&](const std::string& name, const YamlNode* v) {
          if (name == "min_pitr_days") {
            integer(v, "dynamodb.min_pitr_days", 0, 35, out_.settings.dynamodb_min_pitr_days);
          } else if (name == "required_tags") {
            out_.settings.dynamodb_required_tags = strings(v, "dynamodb.required_tags", "tag keys");
          } else if (name == "allowed_kms_keys") {
            out_.settings.dynamodb_allowed_kms_keys = strings(v, "dynamodb.allowed_kms_keys", "KMS key ARNs, ids or aliases");
          } else {
            return false;
          }
          return true;
        });
      } else if (k == "elasticache") {
        section(value, "elasticache", [&](const std::string& name, const YamlNode* v) {
          if (name == "min_snapshot_days") {
            integer(v, "elasticache.min_snapshot_days", 0, 35, out_.settings.elasticache_min_snapshot_days);
          } else if (name == "allowed_kms_keys") {
            out_.settings.elasticache_allowed_kms_keys =
                strings(v, "elasticache.allowed_kms_keys", "KMS key ARNs, ids or aliases");
          } else {
            return false;
          }
          return true;
        });
      } else {
        problem(key, fmt::format("unknown key '{}' (known: checks, severity, trusted_accounts, dax, dynamodb, elasticache)", k));
      }
    }
    for (const std::string& id : out_.enabled) {
      if (std::find(out_.disabled.begin(), out_.disabled.end(), id) != out_.disabled.end()) {
        problem(disabled_node_, fmt::format("check '{}' is both in checks.enabled and checks.disabled", id));
      }
    }
  }

  void problem(const YamlNode* at, const std::string& message) {
    problems.push_back(fmt::format("{}:{}:{}: {}", path_, at ? at->line : 1, at ? at->column : 1, message));
  }

  std::vector<std::string> problems;

 private:
  // A mapping whose known keys `known` consumes (returns false for an unknown key).
  template <class Fn>
  void section(const YamlNode* node, const char* name, Fn&& known) {
    if (node->is_null()) return;
    if (!node->is_map()) return problem(node, fmt::format("'{}' must be a mapping", name));
    for (const auto& [key, value] : node->entries) {
      if (!known(key->value, value)) problem(key, fmt::format("unknown key '{}' in '{}'", key->value, name));
    }
  }

  void checks(const YamlNode* node) {
    section(node, "checks", [&](const std::string& name, const YamlNode* v) {
      if (name == "enabled") {
        out_.enabled = check_ids(v, "checks.enabled");
      } else if (name == "disabled") {
        out_.disabled = check_ids(v, "checks.disabled");
        disabled_node_ = v;
      } else {
        return false;
      }
      return true;
    });
  }

  void severity(const YamlNode* node) {
    if (node->is_null()) return;
    if (!node->is_map()) return problem(node, "'severity' must map check ids to severities");
    for (const auto& [key, value] : node->entries) {
      if (find_check(key->value) == nullptr) {
        problem(key, fmt::format("unknown check id '{}' (see `atrest checks`)", key->value));
        continue;
      }
      Severity s;
      if (!value->is_scalar() || value->is_null() || !parse_severity(value->value, s)) {
        problem(value, fmt::format("severity of '{}' must be one of info, low, medium, high, critical", key->value));
        continue;
      }
      out_.severity.emplace_back(key->value, s);
    }
  }

  void integer(const YamlNode* node, const char* name, int min, int max, int& out) {
    const std::string& v = node->value;
    const bool digits = node->is_scalar() && node->plain && node->tag.empty() && !v.empty() && v.size() <= 6 &&
                        std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    const int n = digits ? std::stoi(v) : -1;
    if (!digits || n < min || n > max) {
      return problem(node, fmt::format("'{}' must be a whole number from {} to {}", name, min, max));
    }
    out = n;
  }

  std::vector<std::string> strings(const YamlNode* node, const char* name, const char* what) {
    std::vector<std::string> out;
    if (node->is_null()) return out;
    if (!node->is_seq()) {
      problem(node, fmt::format("'{}' must be a list of {}", name, what));
      return out;
    }
    for (const YamlNode* item : node->items) {
      if (!item->is_scalar() || item->is_null() || item->value.empty()) {
        problem(item, fmt::format("'{}' must be a list of {}", name, what));
      } else {
        out.push_back(item->value);
      }
    }
    return out;
  }

  std::vector<std::string> check_ids(const YamlNode* node, const char* name) {
    std::vector<std::string> ids = strings(node, name, "check ids");
    std::vector<std::string> known;
    size_t i = 0;
    for (const YamlNode* item : node->is_seq() ? node->items : std::vector<const YamlNode*>{}) {
      if (!item->is_scalar() || item->is_null() || item->value.empty()) continue;
      if (find_check(ids[i]) == nullptr) {
        problem(item, fmt::format("unknown check id '{}' (see `atrest checks`)", ids[i]));
      } else {
        known.push_back(ids[i]);
      }
      ++i;
    }
    return known;
  }

  std::vector<std::string> accounts(const YamlNode* node, const char* name) {
    std::vector<std::string> ids = strings(node, name, "12-digit AWS account ids");
    size_t i = 0;
    for (const YamlNode* item : node->is_seq() ? node->items : std::vector<const YamlNode*>{}) {
      if (!item->is_scalar() || item->is_null() || item->value.empty()) continue;
      const std::string& id = ids[i++];
      const bool ok = id.size() == 12 &&
                      std::all_of(id.begin(), id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (!ok) problem(item, fmt::format("'{}' is not a 12-digit AWS account id (quote ids that start with 0)", id));
    }
    return ids;
  }

  const std::string& path_;
  Config& out_;
  const YamlNode* disabled_node_ = nullptr;
};

// True for a file of blank lines, comments and document markers only (the YAML reader wants a
// document; a configuration may well be empty).
bool holds_no_document(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::string_view rest = std::string_view(line).substr(first, 3);
    if ((rest == "---" || rest == "...") && line.find_first_not_of(" \t\r", first + 3) == std::string::npos) continue;
    return false;
  }
  return true;
}

}  // namespace

std::string find_config(const std::string& start) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec).lexically_normal();
  if (ec) return {};
  if (!dir.has_filename()) dir = dir.parent_path();  // "/a/b/" (from "/a/b/.") names /a/b
  while (true) {
    const std::filesystem::path candidate = dir / kConfigFileName;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
    dir = dir.parent_path();
  }
}

std::vector<std::string> load_config(const std::string& path, Config& out) {
  out.path = path;
  // A directory opens as a stream that reads nothing: it would pass for an empty configuration.
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) {
    return {fmt::format("{}: cannot read the configuration file", path)};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path, out);
}

std::vector<std::string> parse_config(const std::string& text, const std::string& path, Config& out) {
  out.path = path;
  if (holds_no_document(text)) return {};  // empty, or comments only: nothing configured
  cfn::YamlDocument doc;
  cfn::YamlError error;
  if (!doc.parse(text, error)) {
    return {fmt::format("{}:{}:{}: {}", path, error.line ? error.line : 1, error.column ? error.column : 1,
                        error.message)};
  }
  Validator v(path, out);
  v.document(doc.root());
  return v.problems;
}

}  // namespace atrest
