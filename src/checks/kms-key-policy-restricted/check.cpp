// kms-key-policy-restricted: the key policy allows no principal "*" (or {"AWS": "*"}, or a
// NotPrincipal) without a condition that limits the grant to known accounts, an organization or
// a network (see policy.h for the condition keys that count).
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/policy.h"

namespace atrest {

namespace {
std::string describe_grant(const PolicyDocument& doc, const PolicyStatement& s) {
  const std::string actions = s.actions.empty() ? std::string("no action")
                                                : fmt::format("{}{}", s.not_action ? "every action but " : "",
                                                              fmt::join(s.actions, ", "));
  return fmt::format("{} allows {} to {}{}", describe_statement(doc, s),
                     s.not_principal ? "everyone but the NotPrincipal" : "any principal (\"*\")", actions,
                     s.conditions.empty() ? "" : " with no condition that limits who (accounts, organization, VPC)");
}
}  // namespace

ATREST_CHECK("kms-key-policy-restricted") {
  ctx.for_each(ctx.inventory.kms_keys(), [&](const KmsKey& k) {
    // AWS managed keys carry AWS's own policy (limited by kms:CallerAccount); it cannot be changed.
    if (k.key_manager.is_known() && !iequals(k.key_manager.value(), "CUSTOMER")) return;
    const auto& policy = k.policy;
    if (policy.is_unknown()) {
      ctx.unknown(k, fmt::format("The key policy is unknown: {}.", policy.reason()), policy);
      return;
    }
    if (policy.is_absent()) {
      ctx.pass(k, "No key policy is given, so KMS applies the default key policy, which trusts only the key's "
                  "own account.", policy);
      return;
    }
    PolicyDocument doc;
    if (std::string err = parse_policy(policy.value(), doc); !err.empty()) {
      ctx.unknown(k, fmt::format("The key policy of {} cannot be read: {}.", k.id, err), policy);
      return;
    }
    const std::vector<const PolicyStatement*> open = public_allow_statements(doc);
    if (open.empty()) {
      ctx.pass(k, "No statement of the key policy allows an unrestricted \"*\" principal.", policy);
      return;
    }
    std::vector<std::string> grants;
    for (const PolicyStatement* s : open) grants.push_back(describe_grant(doc, *s));
    ctx.fail(k, fmt::format("The key policy is open to every AWS account: {}.", fmt::join(grants, "; ")), policy);
  });
}

}  // namespace atrest
