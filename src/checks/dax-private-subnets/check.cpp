// dax-private-subnets: no subnet of the cluster's subnet group routes 0.0.0.0/0 or ::/0 to an
// internet gateway. A subnet uses the route table explicitly associated with it, else its VPC's
// main route table. Route tables that were not read never make a subnet private.
#include <fmt/format.h>

#include <algorithm>

#include "checks/check.h"

namespace atrest {

namespace {
bool same_scope(const Resource& a, const Resource& b) { return a.account == b.account && a.region == b.region; }

// The listing of `c` failed in the account and region of `from` (as opposed to: was not read).
bool listing_failed(const Inventory& inv, Collection c, const Resource& from) {
  for (const AccountRegion& scope : inv.account_regions()) {
    if (!same_scope(scope, from)) continue;
    for (const auto& failed : scope.failed) {
      if (failed.first == c) return true;
    }
  }
  return false;
}

const RouteTable* explicit_table(const Inventory& inv, const std::string& subnet, const Resource& from) {
  for (const RouteTable& t : inv.route_tables()) {
    if (t.deleted || !same_scope(t, from) || !t.subnet_ids.is_known()) continue;
    const auto& ids = t.subnet_ids.value();
    if (std::find(ids.begin(), ids.end(), subnet) != ids.end()) return &t;
  }
  return nullptr;
}

const RouteTable* table_with_unknown_associations(const Inventory& inv, const Resource& from) {
  for (const RouteTable& t : inv.route_tables()) {
    if (!t.deleted && same_scope(t, from) && t.subnet_ids.is_unknown()) return &t;
  }
  return nullptr;
}

const RouteTable* main_table(const Inventory& inv, const std::string& vpc, const Resource& from) {
  for (const RouteTable& t : inv.route_tables()) {
    if (t.deleted || !same_scope(t, from)) continue;
    if (t.main.is_known() && t.main.value() && t.vpc_id.is_known() && t.vpc_id.value() == vpc) return &t;
  }
  return nullptr;
}

const Subnet* find_subnet(const Inventory& inv, const std::string& id, const Resource& from) {
  for (const Subnet& s : inv.subnets()) {
    if (s.id == id && same_scope(s, from)) return &s;
  }
  return nullptr;
}

struct Verdict {
  enum Kind { kPrivate, kPublic, kUnknown, kError } kind = kPrivate;
  std::string detail;
};

Verdict judge_table(const RouteTable& t, const std::string& subnet, const char* how) {
  if (t.read_error != nullptr) return {Verdict::kError, fmt::format("route table {} of {} could not be read: {}", t.id, subnet, *t.read_error)};
  if (!t.routes.is_known()) {
    return {Verdict::kUnknown, fmt::format("the routes of {} ({} of {}) are unknown: {}", t.id, how, subnet,
                                           t.routes.is_unknown() ? t.routes.reason() : "not reported")};
  }
  Verdict unresolved;
  for (const Route& r : t.routes.value()) {
    const bool v4 = r.destination_cidr.is_known() && r.destination_cidr.value() == "0.0.0.0/0";
    const bool v6 = r.destination_ipv6_cidr.is_known() && r.destination_ipv6_cidr.value() == "::/0";
    const bool igw = r.gateway_id.is_known() && r.gateway_id.value().starts_with("igw-");
    if (igw && (v4 || v6)) {
      return {Verdict::kPublic, fmt::format("{} routes {} to {} through {} ({})", subnet,
                                            v4 ? "0.0.0.0/0" : "::/0", r.gateway_id.value(), t.id, how)};
    }
    // A default route whose target is unresolved, or an internet gateway route whose destination
    // is, may make the subnet public: never report private on it.
    const bool any_destination_unknown = r.destination_cidr.is_unknown() || r.destination_ipv6_cidr.is_unknown();
    if (unresolved.kind == Verdict::kPrivate && (((v4 || v6) && r.gateway_id.is_unknown()) ||
                                                 (igw && !v4 && !v6 && any_destination_unknown))) {
      unresolved = {Verdict::kUnknown, fmt::format("a route of {} ({} of {}) has an unresolved {}", t.id, how, subnet,
                                                   igw ? "destination" : "target")};
    }
  }
  return unresolved;
}
}  // namespace

ATREST_CHECK("dax-private-subnets") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.dax_clusters(), [&](const DaxCluster& c) {
    if (!c.subnet_group.is_known()) {
      ctx.unknown(c, fmt::format("The cluster's subnet group is unknown: {}.",
                                 c.subnet_group.is_unknown() ? c.subnet_group.reason() : "not reported"), c.subnet_group);
      return;
    }
    const std::string& group_name = c.subnet_group.value();
    const SubnetGroup* group = inv.find_subnet_group(ResourceType::kDaxSubnetGroup, group_name, c);
    if (group == nullptr) {
      ctx.unknown(c, fmt::format("The subnet group {} was not read (aws dax describe-subnet-groups).", group_name));
      return;
    }
    if (group->read_error != nullptr) {
      ctx.error(c, fmt::format("The subnet group {} could not be read: {}.", group_name, *group->read_error));
      return;
    }
    if (!group->subnet_ids.is_known() || group->subnet_ids.value().empty()) {
      ctx.unknown(c, fmt::format("The subnets of subnet group {} are unknown: {}.", group_name,
                                 group->subnet_ids.is_unknown() ? group->subnet_ids.reason() : "none reported"));
      return;
    }
    if (const std::string* gap = inv.coverage_gap(Collection::kRouteTables, c)) {
      const std::string message = fmt::format("Route tables are needed to tell whether the subnets of {} are public, "
                                              "but {}.", group_name, *gap);
      if (listing_failed(inv, Collection::kRouteTables, c)) {
        ctx.error(c, message);
      } else {
        ctx.unknown(c, message);
      }
      return;
    }
    std::vector<std::string> public_routes, unknown, errors;
    for (const std::string& subnet : group->subnet_ids.value()) {
      Verdict v;
      if (const RouteTable* t = explicit_table(inv, subnet, c)) {
        v = judge_table(*t, subnet, "explicitly associated");
      } else if (const RouteTable* t = table_with_unknown_associations(inv, c)) {
        // The subnet may be associated with that table rather than use the main one.
        v = {Verdict::kUnknown, fmt::format("the subnet associations of route table {} are unknown ({}), so the table "
                                            "{} uses cannot be told", t->id, t->subnet_ids.reason(), subnet)};
      } else {
        std::string vpc = group->vpc_id.is_known() ? group->vpc_id.value() : std::string();
        if (vpc.empty()) {
          if (const Subnet* s = find_subnet(inv, subnet, c); s != nullptr && s->vpc_id.is_known()) vpc = s->vpc_id.value();
        }
        const RouteTable* main_rt = vpc.empty() ? nullptr : main_table(inv, vpc, c);
        if (main_rt != nullptr) {
          v = judge_table(*main_rt, subnet, "the VPC's main table");
        } else {
          v = {Verdict::kUnknown, vpc.empty() ? fmt::format("the VPC of {} is unknown, so its main route table cannot "
                                                            "be found", subnet)
                                              : fmt::format("no route table of {} was read for {} (neither an explicit "
                                                            "association nor the VPC's main table)", vpc, subnet)};
        }
      }
      if (v.kind == Verdict::kPublic) public_routes.push_back(v.detail);
      if (v.kind == Verdict::kUnknown) unknown.push_back(v.detail);
      if (v.kind == Verdict::kError) errors.push_back(v.detail);
    }
    if (!public_routes.empty()) {
      ctx.fail(c, fmt::format("The cluster's subnet group {} has public subnets: {}.", group_name,
                              fmt::join(public_routes, "; ")), c.subnet_group);
    } else if (!errors.empty()) {
      ctx.error(c, fmt::format("Whether the subnets of {} are public cannot be decided: {}.", group_name,
                               fmt::join(errors, "; ")));
    } else if (!unknown.empty()) {
      ctx.unknown(c, fmt::format("Whether the subnets of {} are public cannot be decided: {}.", group_name,
                                 fmt::join(unknown, "; ")), c.subnet_group);
    } else {
      ctx.pass(c, fmt::format("No subnet of {} ({}) routes 0.0.0.0/0 or ::/0 to an internet gateway.", group_name,
                              fmt::join(group->subnet_ids.value(), ", ")), c.subnet_group);
    }
  });
}

}  // namespace atrest
