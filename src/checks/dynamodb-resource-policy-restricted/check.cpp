// dynamodb-resource-policy-restricted: the table's resource policy lets no one in: no Allow for
// the `*` principal without a condition that pins the caller to an account, organization or
// network, and no account other than the table's own and settings.trusted_accounts named.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/policy.h"

namespace atrest {

namespace {

// The table's own account: from the scan, else from its ARN.
std::string own_account(const DynamoDbTable& t) {
  if (t.account != nullptr) return *t.account;
  Arn arn;
  if (t.arn.is_known() && parse_arn(t.arn.value(), arn)) return std::string(arn.account);
  return {};
}

}  // namespace

ATREST_CHECK("dynamodb-resource-policy-restricted") {
  const std::vector<std::string>& trusted = ctx.settings.trusted_accounts;
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    const Field<std::string>& policy = t.resource_policy;
    if (policy.is_unknown()) {
      ctx.unknown(t, fmt::format("The table's resource policy is unknown: {}.", policy.reason()), policy);
      return;
    }
    if (policy.is_absent()) {
      ctx.pass(t, "The table has no resource policy: only IAM principals of its own account can be granted access.",
               policy);
      return;
    }
    PolicyDocument doc;
    if (const std::string err = parse_policy(policy.value(), doc); !err.empty()) {
      ctx.unknown(t, fmt::format("The table's resource policy cannot be read: {}.", err), policy);
      return;
    }
    const std::vector<const PolicyStatement*> open = public_allow_statements(doc);
    if (!open.empty()) {
      ctx.fail(t, fmt::format("The resource policy's {} allows any principal (\"*\") with no condition restricting "
                              "the caller's account, organization or network.", describe_statement(doc, *open.front())),
               policy);
      return;
    }
    const std::string own = own_account(t);
    std::vector<std::string> foreign;
    for (const std::string& account : named_accounts(doc)) {
      if (account == own || std::find(trusted.begin(), trusted.end(), account) != trusted.end()) continue;
      foreign.push_back(account);
    }
    if (foreign.empty()) {
      ctx.pass(t, "The resource policy grants no public access and names no account outside the table's own and the "
                  "trusted accounts.", policy);
      return;
    }
    const std::string list = fmt::format("{}", fmt::join(foreign, ", "));
    if (own.empty() && foreign.size() == 1) {
      // The one account named may be the table's own, which a template does not say.
      ctx.unknown(t, fmt::format("The resource policy names account {}; the table's own account is not known (give "
                                 "--account), so whether access leaves the account cannot be told.", list), policy);
      return;
    }
    ctx.fail(t, fmt::format("The resource policy grants access to account(s) {} outside the table's own{} and not in "
                            "trusted_accounts.", list, own.empty() ? "" : fmt::format(" ({})", own)), policy);
  });
}

}  // namespace atrest
