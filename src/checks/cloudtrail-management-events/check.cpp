// cloudtrail-management-events: a multi-region trail is logging read and write management events,
// which is what records every KMS key use and every DynamoDB, DAX and ElastiCache control-plane
// call. Trails are judged one by one (templates define them); live and snapshot scans also judge
// each account and region: one good trail covering it passes, and "no trail" fails only where the
// trails were actually listed.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "checks/account_scope.h"
#include "checks/check.h"

namespace atrest {

namespace {

enum class Tri { kNo, kMaybe, kYes };

struct Coverage {
  Tri tri = Tri::kNo;
  std::string detail;  // what is missing or undecided
};

// Whether the trail's selectors record read and write management events of every service (the
// selector's name does not matter, only its fields).
Coverage management_events(const Trail& tr) {
  bool read = false, write = false;
  std::string filtered;
  if (tr.advanced_event_selectors.is_unknown()) {
    return {Tri::kMaybe,
            fmt::format("its advanced event selectors are unknown ({})", tr.advanced_event_selectors.reason())};
  }
  if (tr.advanced_event_selectors.is_known() && !tr.advanced_event_selectors.value().empty()) {
    for (const AdvancedEventSelector& s : tr.advanced_event_selectors.value()) {
      bool management = false;
      bool reads = true, writes = true, narrowed = false;
      for (const AdvancedFieldSelector& f : s.field_selectors) {
        if (f.field == "eventCategory") {
          management = admits(f, "Management") && !f.equals.empty();
        } else if (f.field == "readOnly") {
          reads = admits(f, "true");
          writes = admits(f, "false");
        } else if (f.field == "eventSource") {
          // Any excluded source fails, as in Config's multi-region-cloudtrail-enabled (CloudTrail.1):
          // KMS is the usual one, and losing key use is exactly what this check is about.
          for (const char* source : {"kms.amazonaws.com", "rdsdata.amazonaws.com", "dynamodb.amazonaws.com"}) {
            if (!admits(f, source)) {
              narrowed = true;
              filtered = fmt::format("selector \"{}\" leaves out {} management events", s.name, source);
            }
          }
          for (const std::string& source : f.not_equals) {
            if (!narrowed) filtered = fmt::format("selector \"{}\" leaves out {} management events", s.name, source);
            narrowed = true;
          }
        } else {
          narrowed = true;
          filtered = fmt::format("selector \"{}\" filters management events on {}", s.name, f.field);
        }
      }
      if (!management || narrowed) continue;
      read = read || reads;
      write = write || writes;
    }
  } else {
    if (tr.event_selectors.is_unknown()) {
      return {Tri::kMaybe, fmt::format("its event selectors are unknown ({})", tr.event_selectors.reason())};
    }
    if (!tr.event_selectors.is_known() || tr.event_selectors.value().empty()) {
      return {Tri::kYes, "default selector: all management events"};
    }
    for (const ClassicEventSelector& s : tr.event_selectors.value()) {
      if (s.include_management_events.is_unknown() || s.read_write_type.is_unknown()) {
        return {Tri::kMaybe, fmt::format("an event selector is not resolved ({})",
                                         s.include_management_events.is_unknown() ? s.include_management_events.reason()
                                                                                  : s.read_write_type.reason())};
      }
      if (s.include_management_events.is_known() && !s.include_management_events.value()) continue;
      // Any excluded source fails, as in Config's multi-region-cloudtrail-enabled (CloudTrail.1):
      // kms.amazonaws.com is the usual one, and KMS key use is exactly what this check is about.
      if (!s.exclude_management_event_sources.empty()) {
        filtered = fmt::format("an event selector excludes {} management events",
                               fmt::join(s.exclude_management_event_sources, ", "));
        continue;
      }
      const std::string type = s.read_write_type.value_or("All");
      read = read || iequals(type, "All") || iequals(type, "ReadOnly");
      write = write || iequals(type, "All") || iequals(type, "WriteOnly");
    }
  }
  if (read && write) return {Tri::kYes, "read and write management events"};
  if (!filtered.empty() && !read && !write) return {Tri::kNo, filtered};
  if (read) return {Tri::kNo, "only read management events are recorded"};
  if (write) return {Tri::kNo, "only write management events are recorded"};
  return {Tri::kNo, "no management events are recorded"};
}

struct TrailVerdict {
  Tri tri = Tri::kYes;
  std::string message;
};

TrailVerdict judge(const Trail& tr) {
  std::vector<std::string> wrong, open;
  if (tr.multi_region.is_unknown()) {
    open.push_back(fmt::format("whether it is multi-region is unknown ({})", tr.multi_region.reason()));
  } else if (!tr.multi_region.value_or(false)) {
    wrong.push_back("it covers only its home region (not multi-region)");
  }
  if (tr.logging.is_unknown()) {
    open.push_back(fmt::format("whether it is logging is unknown ({})", tr.logging.reason()));
  } else if (!tr.logging.value_or(true)) {
    wrong.push_back("logging is stopped");
  }
  const Coverage c = management_events(tr);
  if (c.tri == Tri::kNo) wrong.push_back(c.detail);
  if (c.tri == Tri::kMaybe) open.push_back(c.detail);
  if (!wrong.empty()) return {Tri::kNo, fmt::format("{}", fmt::join(wrong, "; "))};
  if (!open.empty()) return {Tri::kMaybe, fmt::format("{}", fmt::join(open, "; "))};
  return {Tri::kYes, "multi-region, logging and records read and write management events"};
}

}  // namespace

ATREST_CHECK("cloudtrail-management-events") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.trails(), [&](const Trail& tr) {
    const TrailVerdict v = judge(tr);
    if (v.tri != Tri::kYes) {
      for (const Trail& other : inv.trails()) {
        if (trail_stands_in_for(other, tr) && judge(other).tri == Tri::kYes) return;
      }
    }
    if (v.tri == Tri::kYes) {
      ctx.pass(tr, fmt::format("The trail is {}.", v.message));
    } else if (v.tri == Tri::kMaybe) {
      ctx.unknown(tr, fmt::format("The trail cannot be judged: {}.", v.message));
    } else {
      ctx.fail(tr, fmt::format("The trail does not record all management events everywhere: {}.", v.message),
               tr.multi_region.is_known() && !tr.multi_region.value() ? tr.multi_region : Field<bool>());
    }
  });
  const auto judge_scope = [&](const AccountRegion& scope) {
    const Trail* undecided = nullptr;
    std::string undecided_why;
    std::vector<std::string> seen;
    for (const Trail& tr : inv.trails()) {
      // An organization trail (its ARN names the management account) logs the member accounts too.
      if (tr.deleted || is_iac(tr.origin.kind) || (tr.account != scope.account && !tr.organization.value_or(false))) {
        continue;
      }
      // A multi-region trail homed anywhere in the account covers this region.
      const bool here = tr.region == scope.region;
      if (!here && !tr.multi_region.value_or(false) && !tr.multi_region.is_unknown()) continue;
      if (tr.read_error != nullptr) {
        if (undecided == nullptr) {
          undecided = &tr;
          undecided_why = *tr.read_error;
        }
        continue;
      }
      const TrailVerdict v = judge(tr);
      if (v.tri == Tri::kYes) {
        ctx.pass(scope, fmt::format("Trail {} records read and write management events in every region.", tr.id));
        return;
      }
      if (v.tri == Tri::kMaybe && undecided == nullptr) {
        undecided = &tr;
        undecided_why = v.message;
      }
      if (v.tri == Tri::kNo) seen.push_back(fmt::format("{} ({})", tr.id, v.message));
    }
    if (undecided != nullptr) {
      ctx.unknown(scope,
                  fmt::format("Trail {} may record the management events, but {}.", undecided->id, undecided_why));
      return;
    }
    const std::string found = seen.empty() ? std::string("no trail covers this region")
                                           : fmt::format("trails found: {}", fmt::join(seen, "; "));
    if (const std::string* gap = inv.coverage_gap(Collection::kTrails, scope)) {
      const std::string msg = fmt::format("No trail read records all management events here ({}), and the trails "
                                          "are incomplete: {}.", found, *gap);
      if (listing_failed(scope, Collection::kTrails)) {
        ctx.error(scope, msg);
      } else {
        ctx.unknown(scope, msg);
      }
      return;
    }
    ctx.fail(scope, fmt::format("No multi-region trail logs read and write management events: {}; KMS key use and "
                                "DynamoDB control-plane calls go unrecorded.", found));
  };
  for (const AccountRegion* scope : regional_scopes(ctx, Collection::kTrails)) judge_scope(*scope);
}

}  // namespace atrest
