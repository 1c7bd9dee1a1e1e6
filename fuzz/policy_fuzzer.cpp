// libFuzzer target: any bytes as an IAM policy document (key, resource and identity policies),
// then every question src/checks/policy.h answers. Beyond crashes and hangs (wildcard matching is
// the usual exponential trap) it checks the promises of the header: results point into the
// document, accounts are 12 digits, lists are sorted and unique, a pattern matches itself.
// Seeds: the policy documents found in the check fixtures (fuzz/seeds.sh).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checks/policy.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool twelve_digits(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool in_document(const atrest::PolicyDocument& doc, const atrest::PolicyStatement* s) {
  return !doc.statements.empty() && s >= &doc.statements.front() && s <= &doc.statements.back();
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// IAM matching the slow, obvious way: matches[i][j] = pattern[i..] matches text[j..].
bool reference_match(std::string_view pattern, std::string_view text) {
  std::vector<std::vector<char>> matches(pattern.size() + 1, std::vector<char>(text.size() + 1, 0));
  matches[pattern.size()][text.size()] = 1;
  for (size_t i = pattern.size(); i-- > 0;) {
    for (size_t j = text.size() + 1; j-- > 0;) {
      if (pattern[i] == '*') {
        matches[i][j] = matches[i + 1][j] || (j < text.size() && matches[i][j + 1]);
      } else if (j < text.size() && (pattern[i] == '?' || lower(pattern[i]) == lower(text[j]))) {
        matches[i][j] = matches[i + 1][j + 1];
      }
    }
  }
  return matches[0][0];
}

constexpr const char* kActions[] = {"dynamodb:PutItem", "dynamodb:GetItem", "dax:PutItem", "kms:Decrypt",
                                    "kms:GenerateDataKey", "kms:CreateGrant", "kms:ScheduleKeyDeletion",
                                    "elasticache:ModifyReplicationGroup", "s3:GetObject", ""};
constexpr const char* kServices[] = {"dynamodb", "dax", "kms", "elasticache", "iam", ""};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // Raw bytes as a wildcard pattern and a subject, split at the first NUL, against a plain
  // dynamic-programming matcher (a '*' in the subject is a literal there, as in wildcard_match).
  const size_t cut = text.find('\0');
  if (cut != std::string_view::npos && cut < 200 && size - cut < 400) {
    const std::string_view pattern = text.substr(0, cut), subject = text.substr(cut + 1);
    const bool matched = wildcard_match(pattern, subject);
    check(matched == reference_match(pattern, subject));
    check(wildcard_match(pattern, pattern));
  }
  const std::string account = principal_account(text);
  check(account.empty() || twelve_digits(account));

  PolicyDocument doc;
  parse_policy(text, doc);  // on error a partial document may remain: it must still be safe to query
  for (const PolicyStatement& s : doc.statements) {
    for (const char* a : kActions) allows_action(s, a);
    for (const char* svc : kServices) allows_all_actions_of(s, svc);
    for (const std::string& a : s.actions) {
      check(wildcard_match(a, a));
      allows_action(s, a);
      allows_all_actions_of(s, std::string_view(a).substr(0, a.find(':')));
      if (a.size() < 256) {
        for (const std::string& r : s.resources) wildcard_match(a, r);  // a pattern against foreign text
      }
    }
    applies_to_all_resources(s);
    for (const PolicyCondition& c : s.conditions) is_restricting_condition_key(c.key);
    for (const PolicyCondition* c : restricting_conditions(s)) {
      check(c >= s.conditions.data() && c < s.conditions.data() + s.conditions.size());
      check(is_restricting_condition_key(c->key));
    }
    for (const std::string& p : s.aws_principals) {
      const std::string a = principal_account(p);
      check(a.empty() || twelve_digits(a));
    }
    check(!describe_statement(doc, s).empty());
    if (s.allow) check(!s.deny);
  }
  for (const PolicyStatement* s : public_allow_statements(doc)) {
    check(in_document(doc, s));
    check(s->allow);
  }
  const std::vector<std::string> accounts = named_accounts(doc);
  check(std::is_sorted(accounts.begin(), accounts.end()));
  check(std::adjacent_find(accounts.begin(), accounts.end()) == accounts.end());
  const ViaServiceUse via = via_service_values(doc);
  for (const std::string& svc : via.services) {
    check(std::none_of(svc.begin(), svc.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }));
  }
  for (const ViaServiceDenial& d : via.denials) check(!d.statement.empty());
  return 0;
}
