// dynamodb-autoscaling: an on-demand table scales by itself; a provisioned one needs Application
// Auto Scaling targets for read and write capacity of the table AND of every global secondary
// index (an index without them throttles writes to the whole table when it runs out).
#include <fmt/format.h>

#include <string>
#include <vector>

#include "checks/check.h"

namespace atrest {

namespace {

bool in_scope(const ScalableTarget& s, const DynamoDbTable& t) {
  if (s.deleted) return false;
  if (is_iac(t.origin.kind) != is_iac(s.origin.kind)) return false;
  if (is_iac(t.origin.kind)) {
    if (s.origin.identity_file() != t.origin.identity_file()) return false;
    return s.scenario == nullptr || t.scenario == nullptr || s.scenario == t.scenario;
  }
  // A saved output that names no account or region is taken as the table's.
  return (s.account == nullptr || s.account == t.account) && (s.region == nullptr || s.region == t.region);
}

bool listing_failed(const Inventory& inv, Collection c, const Resource& r) {
  for (const AccountRegion& scope : inv.account_regions()) {
    if (scope.account != r.account || scope.region != r.region) continue;
    for (const auto& failed : scope.failed) {
      if (failed.first == c) return true;
    }
  }
  return false;
}

struct Need {
  std::string resource_id;  // table/NAME or table/NAME/index/INDEX
  std::string dimension;    // dynamodb:table:ReadCapacityUnits, ...
  std::string label;        // for messages: "the table's read capacity"
};

}  // namespace

ATREST_CHECK("dynamodb-autoscaling") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.tables(), [&](const DynamoDbTable& t) {
    const Field<std::string>& mode = t.billing_mode;
    if (mode.is_unknown()) {
      ctx.unknown(t, fmt::format("The billing mode is unknown: {}.", mode.reason()), mode);
      return;
    }
    if (mode.is_known() && iequals(mode.value(), "PAY_PER_REQUEST")) {
      ctx.pass(t, "The table is on-demand (PAY_PER_REQUEST): capacity follows demand.", mode);
      return;
    }
    std::vector<Need> needs;
    const std::string table_id = "table/" + t.id;
    for (const char* rw : {"Read", "Write"}) {
      needs.push_back({table_id, fmt::format("dynamodb:table:{}CapacityUnits", rw),
                       fmt::format("the table's {} capacity", rw[0] == 'R' ? "read" : "write")});
    }
    if (t.gsi_names.is_known()) {
      for (const std::string& gsi : t.gsi_names.value()) {
        for (const char* rw : {"Read", "Write"}) {
          needs.push_back({table_id + "/index/" + gsi, fmt::format("dynamodb:index:{}CapacityUnits", rw),
                           fmt::format("index {}'s {} capacity", gsi, rw[0] == 'R' ? "read" : "write")});
        }
      }
    }
    std::vector<std::string> missing;
    const ScalableTarget* undecided = nullptr;  // a target that may be one of the missing ones
    for (const Need& need : needs) {
      bool found = false;
      for (const ScalableTarget& s : inv.scalable_targets()) {
        if (!in_scope(s, t)) continue;
        if (s.read_error != nullptr || !s.resource_id.is_known() || !s.scalable_dimension.is_known()) {
          if (undecided == nullptr) undecided = &s;
          continue;
        }
        if (s.service_namespace.is_known() && !iequals(s.service_namespace.value(), "dynamodb")) continue;
        if (s.resource_id.value() == need.resource_id && iequals(s.scalable_dimension.value(), need.dimension)) {
          found = true;
          break;
        }
      }
      if (!found) missing.push_back(need.label);
    }
    const std::string what = mode.is_absent() ? "provisioned (the default billing mode)" : "PROVISIONED";
    if (missing.empty()) {
      if (t.gsi_names.is_unknown()) {
        ctx.unknown(t, fmt::format("The table's read and write capacity scale, but its global secondary indexes "
                                   "are unknown: {}.", t.gsi_names.reason()), t.gsi_names);
        return;
      }
      const size_t indexes = t.gsi_names.is_known() ? t.gsi_names.value().size() : 0;
      ctx.pass(t, indexes == 0
                      ? std::string("Read and write capacity of the table have auto scaling targets.")
                      : fmt::format("Read and write capacity of the table and of its {} global secondary "
                                    "index(es) have auto scaling targets.", indexes),
               mode);
      return;
    }
    const std::string list = fmt::format("{}", fmt::join(missing, ", "));
    if (undecided != nullptr) {
      const std::string why = undecided->read_error != nullptr ? *undecided->read_error
                              : !undecided->resource_id.is_known()
                                  ? std::string(undecided->resource_id.reason())
                                  : std::string(undecided->scalable_dimension.reason());
      ctx.unknown(t, fmt::format("The table is {} and no auto scaling target is known for {}; scalable target "
                                 "{} may be one of them, but {}.", what, list, undecided->id, why));
      return;
    }
    if (!is_iac(t.origin.kind)) {
      if (const std::string* gap = inv.coverage_gap(Collection::kScalableTargets, t)) {
        const std::string msg = fmt::format("The table is {} and no auto scaling target was read for {}, but "
                                            "the scalable targets are incomplete: {}.", what, list, *gap);
        if (listing_failed(inv, Collection::kScalableTargets, t)) {
          ctx.error(t, msg);
        } else {
          ctx.unknown(t, msg);
        }
        return;
      }
    }
    ctx.fail(t, fmt::format("The table is {} with fixed capacity for {}: a traffic peak is throttled instead of "
                            "scaled.", what, list), mode);
  });
}

}  // namespace atrest
