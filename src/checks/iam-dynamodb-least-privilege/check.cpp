// iam-dynamodb-least-privilege: no customer managed or inline IAM policy allows dynamodb:* or
// dax:* on Resource "*". Customer managed policies and inline policies of users and groups are
// IamPolicy resources; inline policies of roles are judged on their role.
#include <fmt/format.h>

#include <algorithm>

#include "checks/check.h"
#include "checks/policy.h"

namespace atrest {

namespace {
struct Judgement {
  std::vector<std::string> problems;
  std::vector<std::string> unreadable;
};

// Whether the document denies every action of `service` on every resource without condition:
// then no Allow of the same document grants any of it.
bool denied_everywhere(const PolicyDocument& doc, std::string_view service) {
  return std::any_of(doc.statements.begin(), doc.statements.end(), [&](const PolicyStatement& s) {
    if (!s.deny || !s.conditions.empty() || s.not_resource || !applies_to_all_resources(s)) return false;
    PolicyStatement as_allow = s;  // the action test is the same for a Deny's actions
    as_allow.allow = true;
    return allows_all_actions_of(as_allow, service);
  });
}

void judge_document(const std::string& name, const std::string& json, Judgement& out) {
  PolicyDocument doc;
  if (std::string err = parse_policy(json, doc); !err.empty()) {
    out.unreadable.push_back(fmt::format("{} cannot be read: {}", name, err));
    return;
  }
  for (const PolicyStatement& s : doc.statements) {
    if (!applies_to_all_resources(s)) continue;
    std::vector<std::string> services;
    if (allows_all_actions_of(s, "dynamodb") && !denied_everywhere(doc, "dynamodb")) services.push_back("dynamodb:*");
    if (allows_all_actions_of(s, "dax") && !denied_everywhere(doc, "dax")) services.push_back("dax:*");
    if (services.empty()) continue;
    out.problems.push_back(fmt::format("{} {} allows {} on every resource ({}{})", name, describe_statement(doc, s),
                                       fmt::join(services, " and "), s.not_action ? "NotAction " : "Action ",
                                       fmt::join(s.actions, ", ")));
  }
}

template <class T>
void report(CheckContext& ctx, const T& r, const Judgement& j, const char* what, const Field<std::string>& where) {
  if (!j.problems.empty()) {
    ctx.fail(r, fmt::format("Full DynamoDB/DAX access on every resource: {}.", fmt::join(j.problems, "; ")), where);
  } else if (!j.unreadable.empty()) {
    ctx.unknown(r, fmt::format("{}.", fmt::join(j.unreadable, "; ")), where);
  } else {
    ctx.pass(r, fmt::format("{} allows neither dynamodb:* nor dax:* on Resource \"*\".", what), where);
  }
}
}  // namespace

ATREST_CHECK("iam-dynamodb-least-privilege") {
  ctx.for_each(ctx.inventory.iam_policies(), [&](const IamPolicy& p) {
    const auto& document = p.document;
    if (document.is_unknown()) {
      ctx.unknown(p, fmt::format("The policy document is unknown: {}.", document.reason()), document);
      return;
    }
    if (document.is_absent()) return;
    Judgement j;
    judge_document(p.inline_owner.is_known() ? fmt::format("inline policy of {}", p.inline_owner.value())
                                             : std::string("the policy"),
                   document.value(), j);
    report(ctx, p, j, "The policy", document);
  });
  ctx.for_each(ctx.inventory.iam_roles(), [&](const IamRole& r) {
    const auto& inline_policies = r.inline_policies;
    if (inline_policies.is_unknown()) {
      ctx.unknown(r, fmt::format("The role's inline policies are unknown: {}.", inline_policies.reason()));
      return;
    }
    if (!inline_policies.is_known() || inline_policies.value().empty()) return;  // nothing inline to judge
    Judgement j;
    size_t n = 0;
    for (const std::string& json : inline_policies.value()) {
      judge_document(fmt::format("inline policy {}", ++n), json, j);
    }
    report(ctx, r, j, "No inline policy of the role", Field<std::string>().at(inline_policies.line(),
                                                                                 inline_policies.column()));
  });
}

}  // namespace atrest
