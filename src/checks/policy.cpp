// Parsing and evaluation of IAM policy documents (see policy.h).
#include "checks/policy.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "util/text.h"

namespace atrest {
namespace {

using simdjson::dom::element;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// A scalar as text. Account ids written as YAML numbers arrive as JSON numbers; they are still
// account ids.
bool scalar_text(element e, std::string& out) {
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS) {
    out.assign(s);
    return true;
  }
  int64_t i;
  if (e.get(i) == simdjson::SUCCESS) {
    out = std::to_string(i);
    // A 12-digit account id that lost its leading zeros as a number gets them back.
    if (out.size() < 12 && i > 0) out.insert(0, 12 - out.size(), '0');
    return true;
  }
  uint64_t u;
  if (e.get(u) == simdjson::SUCCESS) {
    out = std::to_string(u);
    return true;
  }
  bool b;
  if (e.get(b) == simdjson::SUCCESS) {
    out = b ? "true" : "false";
    return true;
  }
  double d;
  if (e.get(d) == simdjson::SUCCESS) {
    out = std::to_string(d);
    return true;
  }
  return false;
}

// A string or a list of strings; `what` names the element for the error message.
std::string read_strings(element e, const char* what, std::vector<std::string>& out) {
  simdjson::dom::array arr;
  if (e.get(arr) == simdjson::SUCCESS) {
    for (element item : arr) {
      std::string v;
      if (!scalar_text(item, v)) return std::string(what) + " holds a value that is not a string";
      out.push_back(std::move(v));
    }
    return {};
  }
  std::string v;
  if (!scalar_text(e, v)) return std::string(what) + " is not a string or a list of strings";
  out.push_back(std::move(v));
  return {};
}

// A value a template leaves to deploy time: CloudFormation writes "${?...}" for unresolved values
// and "${Logical.Attr}" for resource attributes. Such a value is one concrete account, ARN or id
// once deployed (a wildcard would be written literally), so it is never taken for a wildcard.
bool is_deploy_time(std::string_view v) { return v.find("${") != std::string_view::npos; }

bool account_is_wildcard(std::string_view principal) {
  Arn arn;
  return !is_deploy_time(principal) && parse_arn(principal, arn) &&
         arn.account.find_first_of("*?") != std::string_view::npos;
}

std::string read_principal(element e, bool negated, PolicyStatement& s) {
  s.has_principal = true;
  s.not_principal = negated;
  std::string_view star;
  if (e.get(star) == simdjson::SUCCESS) {
    if (star != "*") return "Principal is a string other than \"*\"";
    s.any_principal = true;
    return {};
  }
  simdjson::dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) return "Principal is not \"*\" or an object";
  for (auto field : obj) {
    std::vector<std::string> values;
    std::string err = read_strings(field.value, "Principal", values);
    if (!err.empty()) return err;
    if (iequals(field.key, "AWS")) {
      for (const std::string& v : values) {
        if (v == "*" || account_is_wildcard(v)) s.any_principal = true;
      }
      s.aws_principals.insert(s.aws_principals.end(), values.begin(), values.end());
    } else if (iequals(field.key, "Service")) {
      s.service_principals.insert(s.service_principals.end(), values.begin(), values.end());
    } else {
      // {"CanonicalUser": "*"} or {"Federated": "*"} is as open as {"AWS": "*"}.
      if (std::find(values.begin(), values.end(), "*") != values.end()) s.any_principal = true;
      s.other_principals.insert(s.other_principals.end(), values.begin(), values.end());
    }
  }
  return {};
}

std::string read_conditions(element e, PolicyStatement& s) {
  simdjson::dom::object ops;
  if (e.get(ops) != simdjson::SUCCESS) return "Condition is not an object";
  for (auto op : ops) {
    simdjson::dom::object keys;
    if (op.value.get(keys) != simdjson::SUCCESS) return "Condition operator " + std::string(op.key) + " is not an object";
    for (auto key : keys) {
      PolicyCondition c{std::string(op.key), std::string(key.key), {}};
      std::string err = read_strings(key.value, "Condition value", c.values);
      if (!err.empty()) return err;
      s.conditions.push_back(std::move(c));
    }
  }
  return {};
}

std::string read_statement(element e, PolicyStatement& s) {
  simdjson::dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) return "a Statement entry is not an object";
  for (auto field : obj) {
    const std::string_view k = field.key;
    std::string err;
    if (k == "Sid") {
      scalar_text(field.value, s.sid);
    } else if (k == "Effect") {
      std::string effect;
      if (!scalar_text(field.value, effect)) return "Effect is not a string";
      s.allow = iequals(effect, "Allow");
      s.deny = iequals(effect, "Deny");
    } else if (k == "Principal" || k == "NotPrincipal") {
      err = read_principal(field.value, k == "NotPrincipal", s);
    } else if (k == "Action" || k == "NotAction") {
      s.not_action = k == "NotAction";
      err = read_strings(field.value, "Action", s.actions);
    } else if (k == "Resource" || k == "NotResource") {
      s.has_resource = true;
      s.not_resource = k == "NotResource";
      err = read_strings(field.value, "Resource", s.resources);
    } else if (k == "Condition") {
      err = read_conditions(field.value, s);
    }
    if (!err.empty()) return err;
  }
  return {};
}

bool strip_suffix(std::string_view& op, std::string_view suffix) {
  if (op.size() < suffix.size() || !iequals(op.substr(op.size() - suffix.size()), suffix)) return false;
  op.remove_suffix(suffix.size());
  return true;
}

// The positive string/ARN operators; `...IfExists` (true when the key is missing), `Not...`,
// `ForAllValues:` (true on an empty set) and Null never restrict. `if_exists_ok` accepts the
// IfExists forms, for keys every request of interest carries (kms:ViaService).
bool is_positive_operator(std::string_view op, bool if_exists_ok = false) {
  if (op.size() >= 12 && iequals(op.substr(0, 12), "ForAnyValue:")) op.remove_prefix(12);
  if (if_exists_ok) strip_suffix(op, "IfExists");
  static constexpr std::array<std::string_view, 5> kPositive = {"StringEquals", "StringEqualsIgnoreCase", "StringLike",
                                                                "ArnEquals", "ArnLike"};
  return std::any_of(kPositive.begin(), kPositive.end(), [&](std::string_view p) { return iequals(op, p); });
}

// The negated string/ARN operators, with or without IfExists. Both are true when the key is
// missing, so a Deny using one denies every request that does not carry one of the listed values.
bool is_negated_operator(std::string_view op) {
  strip_suffix(op, "IfExists");
  static constexpr std::array<std::string_view, 5> kNegated = {"StringNotEquals", "StringNotEqualsIgnoreCase",
                                                               "StringNotLike", "ArnNotEquals", "ArnNotLike"};
  return std::any_of(kNegated.begin(), kNegated.end(), [&](std::string_view p) { return iequals(op, p); });
}

enum class KeyKind { kNone, kAccount, kArn, kOrgId, kOrgPath, kNetwork };

KeyKind key_kind(std::string_view key) {
  const std::string k = lower(key);
  if (k == "aws:sourceaccount" || k == "aws:sourceowner" || k == "aws:principalaccount" || k == "kms:calleraccount") {
    return KeyKind::kAccount;
  }
  if (k == "aws:sourcearn" || k == "aws:principalarn") return KeyKind::kArn;
  if (k == "aws:principalorgid" || k == "aws:sourceorgid") return KeyKind::kOrgId;
  if (k == "aws:principalorgpaths" || k == "aws:sourceorgpaths") return KeyKind::kOrgPath;
  if (k == "aws:sourcevpc" || k == "aws:sourcevpce") return KeyKind::kNetwork;
  return KeyKind::kNone;
}

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// Whether one condition value names something specific for its kind of key.
bool value_is_specific(KeyKind kind, std::string_view v) {
  if (is_deploy_time(v)) return true;
  switch (kind) {
    case KeyKind::kAccount:
    case KeyKind::kOrgId:
    case KeyKind::kNetwork:
      return !v.empty() && !has_wildcard(v);
    case KeyKind::kArn: {
      Arn arn;
      return parse_arn(v, arn) && !arn.account.empty() && !has_wildcard(arn.account);
    }
    case KeyKind::kOrgPath: {
      const std::string_view org = v.substr(0, v.find('/'));
      return !org.empty() && !has_wildcard(org);
    }
    case KeyKind::kNone:
      break;
  }
  return false;
}

bool has_specific_values(const PolicyCondition& c) {
  const KeyKind kind = key_kind(c.key);
  if (kind == KeyKind::kNone || c.values.empty()) return false;
  return std::all_of(c.values.begin(), c.values.end(), [&](const std::string& v) { return value_is_specific(kind, v); });
}

bool is_restricting(const PolicyCondition& c) { return is_positive_operator(c.op) && has_specific_values(c); }

bool is_all_wildcard(const std::string& p) { return !p.empty() && p.find_first_not_of('*') == std::string::npos; }

// Whether every pattern of `narrow` is matched by some pattern of `wide` (a pattern taken as text:
// "kms:*" covers "kms:Get*").
bool patterns_cover(const std::vector<std::string>& wide, const std::vector<std::string>& narrow) {
  return std::all_of(narrow.begin(), narrow.end(), [&](const std::string& n) {
    return std::any_of(wide.begin(), wide.end(), [&](const std::string& w) { return wildcard_match(w, n); });
  });
}

// A Deny for principal "*" that leaves out only a known set of callers (one negated restricting
// condition), or no one (no condition). Such a statement bounds every Allow it covers.
bool is_deny_everyone_else(const PolicyStatement& d) {
  if (!d.deny || !d.any_principal || d.not_principal || d.not_action || d.not_resource) return false;
  if (d.conditions.empty()) return true;
  // Several conditions must all hold for the Deny to apply, which narrows it: not judged.
  return d.conditions.size() == 1 && is_negated_operator(d.conditions[0].op) && has_specific_values(d.conditions[0]);
}

bool deny_covers(const PolicyStatement& d, const PolicyStatement& a) {
  if (!is_deny_everyone_else(d)) return false;
  const bool all_actions = std::any_of(d.actions.begin(), d.actions.end(), is_all_wildcard);
  if (!all_actions && (a.not_action || !patterns_cover(d.actions, a.actions))) return false;
  // No Resource in the Deny: the policy's own resource, the same as the Allow's.
  if (!d.has_resource || std::any_of(d.resources.begin(), d.resources.end(), is_all_wildcard)) return true;
  return a.has_resource && !a.not_resource && patterns_cover(d.resources, a.resources);
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string parse_policy(std::string_view json, PolicyDocument& out) {
  out.statements.clear();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return std::string("not valid JSON (") + simdjson::error_message(err) + ")";
  }
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) return "not a JSON object";
  element statements;
  if (obj["Statement"].get(statements) != simdjson::SUCCESS) return "no Statement";
  simdjson::dom::array arr;
  if (statements.get(arr) == simdjson::SUCCESS) {
    for (element e : arr) {
      PolicyStatement s;
      std::string err = read_statement(e, s);
      if (!err.empty()) {
        out.statements.clear();
        return err;
      }
      out.statements.push_back(std::move(s));
    }
    return {};
  }
  PolicyStatement s;
  std::string err = read_statement(statements, s);
  if (!err.empty()) return err;
  out.statements.push_back(std::move(s));
  return {};
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point: linear for the patterns policies use.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    // '*' first: a pattern's '*' facing a '*' in the text (one pattern compared with another)
    // must stay a wildcard, not be used up as a literal.
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || ascii_lower(pattern[p]) == ascii_lower(text[t]))) {
      ++p, ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool allows_action(const PolicyStatement& s, std::string_view action) {
  if (!s.allow) return false;
  const bool listed = std::any_of(s.actions.begin(), s.actions.end(),
                                  [&](const std::string& p) { return wildcard_match(p, action); });
  return s.not_action ? !listed : listed;
}

bool allows_all_actions_of(const PolicyStatement& s, std::string_view service) {
  if (!s.allow) return false;
  // A pattern covers the whole service when its service part matches the service and its action
  // part is only wildcards, or when it has no colon and its trailing '*' swallows "service:..."
  // ("dynamo*", "*").
  auto covers_service = [&](const std::string& p) {
    if (is_all_wildcard(p)) return true;
    const size_t colon = p.find(':');
    if (colon == std::string::npos) return p.ends_with('*') && wildcard_match(p, std::string(service) + ":*");
    const std::string_view name = std::string_view(p).substr(colon + 1);
    return wildcard_match(std::string_view(p).substr(0, colon), service) && is_all_wildcard(std::string(name));
  };
  // A NotAction pattern excludes part of the service when its service part could match it; a
  // pattern without a colon when the text before its first '*' could start "service:".
  auto touches_service = [&](const std::string& p) {
    const size_t colon = p.find(':');
    if (colon != std::string::npos) return wildcard_match(std::string_view(p).substr(0, colon), service);
    const size_t star = p.find('*');
    if (star == std::string::npos) return false;
    const std::string head = p.substr(0, star), prefix = std::string(service) + ":";
    const size_t n = std::min(head.size(), prefix.size());
    return iequals(std::string_view(head).substr(0, n), std::string_view(prefix).substr(0, n));
  };
  if (s.not_action) return std::none_of(s.actions.begin(), s.actions.end(), touches_service);
  return std::any_of(s.actions.begin(), s.actions.end(), covers_service);
}

bool applies_to_all_resources(const PolicyStatement& s) {
  if (!s.has_resource) return false;
  if (s.not_resource) return true;
  return std::any_of(s.resources.begin(), s.resources.end(), [](const std::string& r) {
    if (r.find_first_not_of('*') == std::string::npos && !r.empty()) return true;
    if (r == "arn:*") return true;
    Arn arn;
    return parse_arn(r, arn) && !arn.resource.empty() && arn.resource.find_first_not_of('*') == std::string_view::npos;
  });
}

bool is_restricting_condition_key(std::string_view key) { return key_kind(key) != KeyKind::kNone; }

std::vector<const PolicyCondition*> restricting_conditions(const PolicyStatement& s) {
  std::vector<const PolicyCondition*> out;
  for (const PolicyCondition& c : s.conditions) {
    if (is_restricting(c)) out.push_back(&c);
  }
  return out;
}

std::vector<const PolicyStatement*> public_allow_statements(const PolicyDocument& doc) {
  std::vector<const PolicyStatement*> out;
  for (const PolicyStatement& s : doc.statements) {
    if (!s.allow || !s.has_principal) continue;
    // Allow with NotPrincipal grants everyone but the listed principals (nobody when "*" is listed).
    if (s.not_principal ? s.any_principal : !s.any_principal) continue;
    if (!restricting_conditions(s).empty()) continue;
    if (std::any_of(doc.statements.begin(), doc.statements.end(),
                    [&](const PolicyStatement& d) { return deny_covers(d, s); })) {
      continue;
    }
    out.push_back(&s);
  }
  return out;
}

std::string principal_account(std::string_view principal) {
  if (is_account_id(principal)) return std::string(principal);
  Arn arn;
  if (parse_arn(principal, arn) && is_account_id(arn.account)) return std::string(arn.account);
  return {};
}

std::vector<std::string> named_accounts(const PolicyDocument& doc) {
  std::vector<std::string> out;
  for (const PolicyStatement& s : doc.statements) {
    if (is_deny_everyone_else(s) && !s.conditions.empty()) {
      // The accounts left out of a "Deny everyone else" are the ones it lets through.
      const PolicyCondition& c = s.conditions[0];
      const KeyKind kind = key_kind(c.key);
      if (kind != KeyKind::kAccount && kind != KeyKind::kArn) continue;
      for (const std::string& v : c.values) {
        std::string account = principal_account(v);
        if (!account.empty()) out.push_back(std::move(account));
      }
      continue;
    }
    if (!s.allow) continue;
    for (const std::string& p : s.aws_principals) {
      std::string account = principal_account(p);
      if (!account.empty()) out.push_back(std::move(account));
    }
    for (const PolicyCondition* c : restricting_conditions(s)) {
      const KeyKind kind = key_kind(c->key);
      if (kind != KeyKind::kAccount && kind != KeyKind::kArn) continue;
      for (const std::string& v : c->values) {
        std::string account = principal_account(v);
        if (!account.empty()) out.push_back(std::move(account));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ViaServiceUse via_service_values(const PolicyDocument& doc) {
  static constexpr std::array<std::string_view, 7> kKeyUse = {"kms:Decrypt",      "kms:Encrypt",      "kms:GenerateDataKey",
                                                              "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant",
                                                              "kms:DescribeKey"};
  ViaServiceUse out;
  for (const PolicyStatement& s : doc.statements) {
    // Only an unconditional-but-for-ViaService Deny for everyone surely applies to the service's
    // calls; other conditions or principals may leave them out.
    if (s.deny && s.any_principal && !s.not_principal && s.conditions.size() == 1) {
      PolicyStatement as_allow = s;  // which actions it names is the same test
      as_allow.allow = true;
      if (std::none_of(kKeyUse.begin(), kKeyUse.end(), [&](std::string_view a) { return allows_action(as_allow, a); })) {
        continue;
      }
      for (const PolicyCondition& c : s.conditions) {
        if (!iequals(c.key, "kms:ViaService") || !is_negated_operator(c.op) || c.op.starts_with("Arn")) continue;
        ViaServiceDenial d{describe_statement(doc, s), {}};
        for (const std::string& v : c.values) d.services.push_back(lower(v));
        out.denials.push_back(std::move(d));
      }
      continue;
    }
    if (!s.allow) continue;
    bool has_via = false;
    for (const PolicyCondition& c : s.conditions) {
      if (!iequals(c.key, "kms:ViaService") || !is_positive_operator(c.op, true)) continue;
      has_via = true;
      for (const std::string& v : c.values) {
        std::string l = lower(v);
        if (std::find(out.services.begin(), out.services.end(), l) == out.services.end()) out.services.push_back(l);
      }
    }
    if (has_via && std::any_of(kKeyUse.begin(), kKeyUse.end(), [&](std::string_view a) { return allows_action(s, a); })) {
      out.limited = true;
    }
  }
  return out;
}

std::string describe_statement(const PolicyDocument& doc, const PolicyStatement& s) {
  if (!s.sid.empty()) return "statement \"" + s.sid + "\"";
  for (size_t i = 0; i < doc.statements.size(); ++i) {
    if (&doc.statements[i] == &s) return "statement " + std::to_string(i + 1);
  }
  return "a statement";
}

}  // namespace atrest
