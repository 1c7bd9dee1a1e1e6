// cloudtrail-dynamodb-data-events: a logging trail records DynamoDB data events (item reads and
// writes): classic selectors with DataResources type AWS::DynamoDB::Table, or advanced selectors
// on resources.type AWS::DynamoDB::Table, whatever the selector is named. Trails are judged one by
// one; live and snapshot scans also judge each account and region that holds tables.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "checks/account_scope.h"
#include "checks/check.h"

namespace atrest {

namespace {

enum class Tri { kNo, kMaybe, kYes };

constexpr std::string_view kTableType = "AWS::DynamoDB::Table";

struct Verdict {
  Tri tri = Tri::kNo;
  std::string message;
};

Verdict records_table_data(const Trail& tr) {
  const auto& advanced = tr.advanced_event_selectors;
  if (advanced.is_unknown()) {
    return {Tri::kMaybe, fmt::format("its advanced event selectors are unknown ({})", advanced.reason())};
  }
  if (advanced.is_known() && !advanced.value().empty()) {
    for (const AdvancedEventSelector& s : advanced.value()) {
      bool table = false, data = true;
      for (const AdvancedFieldSelector& f : s.field_selectors) {
        // resources.type must name the table type outright (Equals or a StartsWith prefix of it).
        if (f.field == "resources.type") table = !(f.equals.empty() && f.starts_with.empty()) && admits(f, kTableType);
        if (f.field == "eventCategory") data = admits(f, "Data");
      }
      if (table && data) {
        return {Tri::kYes, s.name.empty()
                               ? std::string("an advanced event selector on resources.type AWS::DynamoDB::Table")
                               : fmt::format("advanced event selector \"{}\" on resources.type "
                                             "AWS::DynamoDB::Table",
                                             s.name)};
      }
    }
    return {Tri::kNo, "no advanced event selector names resources.type AWS::DynamoDB::Table"};
  }
  const auto& classic = tr.event_selectors;
  if (classic.is_unknown()) return {Tri::kMaybe, fmt::format("its event selectors are unknown ({})", classic.reason())};
  if (classic.is_known()) {
    for (const ClassicEventSelector& s : classic.value()) {
      for (const std::string& type : s.data_resource_types) {
        if (type == kTableType) return {Tri::kYes, "an event selector with DataResources type AWS::DynamoDB::Table"};
      }
    }
  }
  return {Tri::kNo, "its event selectors record no DynamoDB data events"};
}

Verdict judge(const Trail& tr) {
  if (tr.logging.is_known() && !tr.logging.value()) return {Tri::kNo, "logging is stopped"};
  Verdict v = records_table_data(tr);
  if (v.tri == Tri::kYes && tr.logging.is_unknown()) {
    return {Tri::kMaybe,
            fmt::format("it has {}, but whether it is logging is unknown ({})", v.message, tr.logging.reason())};
  }
  return v;
}

}  // namespace

ATREST_CHECK("cloudtrail-dynamodb-data-events") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.trails(), [&](const Trail& tr) {
    const Verdict v = judge(tr);
    if (v.tri != Tri::kYes) {
      for (const Trail& other : inv.trails()) {
        if (trail_stands_in_for(other, tr) && judge(other).tri == Tri::kYes) return;
      }
    }
    if (v.tri == Tri::kYes) {
      ctx.pass(tr, fmt::format("The trail records DynamoDB data events: {}.", v.message));
    } else if (v.tri == Tri::kMaybe) {
      ctx.unknown(tr, fmt::format("Whether the trail records DynamoDB data events is unknown: {}.", v.message));
    } else {
      ctx.fail(tr, fmt::format("The trail records no DynamoDB data events: {}.", v.message));
    }
  });
  const auto judge_scope = [&](const AccountRegion& scope) {
    // Only where tables live: data events of an empty region cost nothing and prove nothing.
    size_t tables = 0;
    for (const DynamoDbTable& t : inv.tables()) {
      if (!t.deleted && !is_iac(t.origin.kind) && t.account == scope.account && t.region == scope.region) ++tables;
    }
    if (tables == 0) return;
    const Trail* undecided = nullptr;
    std::string undecided_why;
    std::vector<std::string> seen;
    for (const Trail& tr : inv.trails()) {
      // An organization trail (its ARN names the management account) logs the member accounts too.
      if (tr.deleted || is_iac(tr.origin.kind) || (tr.account != scope.account && !tr.organization.value_or(false))) {
        continue;
      }
      const bool here = tr.region == scope.region;
      if (!here && !tr.multi_region.value_or(false) && !tr.multi_region.is_unknown()) continue;
      if (tr.read_error != nullptr) {
        if (undecided == nullptr) {
          undecided = &tr;
          undecided_why = *tr.read_error;
        }
        continue;
      }
      const Verdict v = judge(tr);
      if (v.tri == Tri::kYes && (here || tr.multi_region.value_or(false))) {
        ctx.pass(scope, fmt::format("Trail {} records DynamoDB data events for the {} table(s) here.", tr.id, tables));
        return;
      }
      if (v.tri != Tri::kNo && undecided == nullptr) {
        undecided = &tr;
        undecided_why = v.tri == Tri::kYes
                            ? fmt::format("whether it is multi-region is unknown ({})", tr.multi_region.reason())
                            : v.message;
      }
      if (v.tri == Tri::kNo) seen.push_back(tr.id);
    }
    if (undecided != nullptr) {
      ctx.unknown(scope,
                  fmt::format("Trail {} may record DynamoDB data events here, but {}.", undecided->id, undecided_why));
      return;
    }
    const std::string found = seen.empty() ? std::string("no trail covers this region")
                                           : fmt::format("trails without them: {}", fmt::join(seen, ", "));
    if (const std::string* gap = inv.coverage_gap(Collection::kTrails, scope)) {
      const std::string msg = fmt::format("No trail read records DynamoDB data events here ({}), and the trails are "
                                          "incomplete: {}.", found, *gap);
      if (listing_failed(scope, Collection::kTrails)) {
        ctx.error(scope, msg);
      } else {
        ctx.unknown(scope, msg);
      }
      return;
    }
    ctx.fail(scope, fmt::format("No logging trail records DynamoDB data events for the {} table(s) here ({}): item "
                                "reads and writes leave no audit record.", tables, found));
  };
  for (const AccountRegion* scope : regional_scopes(ctx, Collection::kTrails)) judge_scope(*scope);
}

}  // namespace atrest
