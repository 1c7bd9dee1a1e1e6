// Shared by the account-level checks (CloudTrail, AWS Config): the account and region scopes
// they judge, how an advanced event selector reads a value, and when one trail does the job for
// another.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"

namespace atrest {

inline bool listing_failed(const AccountRegion& scope, Collection c) {
  return std::any_of(scope.failed.begin(), scope.failed.end(), [&](const auto& f) { return f.first == c; });
}

// Whether the scope says anything about `c`: listed completely, or failed to list.
inline bool mentions(const AccountRegion& scope, Collection c) {
  return listing_failed(scope, c) || std::find(scope.listed.begin(), scope.listed.end(), c) != scope.listed.end();
}

// The scopes to judge for `c`: one per account and region (Inventory::finalize merges them),
// leaving out a region-less scope that says nothing about `c` (a live scan's global IAM scope).
inline std::vector<const AccountRegion*> regional_scopes(CheckContext& ctx, Collection c) {
  std::vector<const AccountRegion*> out;
  ctx.for_each(ctx.inventory.account_regions(), [&](const AccountRegion& scope) {
    if (scope.region != nullptr || mentions(scope, c)) out.push_back(&scope);
  });
  return out;
}

// Whether a value passes one advanced field selector (all of its operators must agree).
inline bool admits(const AdvancedFieldSelector& f, std::string_view v) {
  auto any = [&](const std::vector<std::string>& list, auto&& test) { return std::any_of(list.begin(), list.end(), test); };
  auto is = [&](const std::string& x) { return x == v; };
  auto starts = [&](const std::string& x) { return v.starts_with(x); };
  auto ends = [&](const std::string& x) { return v.ends_with(x); };
  if (!f.equals.empty() && !any(f.equals, is)) return false;
  if (!f.starts_with.empty() && !any(f.starts_with, starts)) return false;
  if (!f.ends_with.empty() && !any(f.ends_with, ends)) return false;
  return !any(f.not_equals, is) && !any(f.not_starts_with, starts) && !any(f.not_ends_with, ends);
}

// Whether `other` stands in for `tr`: a trail of the same template (or configuration), or one
// that logs `tr`'s account (its own, or an organization trail) in `tr`'s home region. The
// requirement is that at least one trail does the job, so a trail that another one covers for
// is not a finding of its own (as in Prowler's per-Region and Security Hub's per-account result).
inline bool trail_stands_in_for(const Trail& other, const Trail& tr) {
  if (&other == &tr || other.deleted || other.reference_only || other.read_error != nullptr) return false;
  if (is_iac(tr.origin.kind) != is_iac(other.origin.kind)) return false;
  if (is_iac(tr.origin.kind)) {
    if (other.origin.identity_file() != tr.origin.identity_file()) return false;
    return other.scenario == nullptr || tr.scenario == nullptr || other.scenario == tr.scenario;
  }
  if (other.account != tr.account && !other.organization.value_or(false)) return false;
  return other.region == tr.region || other.multi_region.value_or(false);
}

}  // namespace atrest
