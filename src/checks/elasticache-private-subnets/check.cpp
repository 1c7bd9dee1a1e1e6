// elasticache-private-subnets: no subnet the cache's nodes can be placed in routes 0.0.0.0/0 or
// ::/0 to an internet gateway. Subnets come from the subnet group (node-based caches; live
// replication groups name it on their member clusters) or from the cache itself (serverless); a
// subnet's route table is its explicit association, else its VPC's main table.
#include <fmt/format.h>

#include <algorithm>

#include "checks/elasticache_nodes.h"

namespace atrest {
namespace {

bool same_place(const Resource& a, const Resource& b) { return a.account == b.account && a.region == b.region; }

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Whether the listing of `what` failed (ERROR) rather than was not read (UNKNOWN).
bool listing_failed(const Inventory& inv, Collection what, const Resource& from) {
  for (const AccountRegion& scope : inv.account_regions()) {
    if (!same_place(scope, from)) continue;
    for (const auto& entry : scope.failed) {
      if (entry.first == what) return true;
    }
  }
  return false;
}

// The subnets the cache's nodes live in, or an empty field with the cause reported.
struct Subnets {
  std::vector<std::string> ids;
  std::string vpc_id;  // from the subnet group, when known
  bool ok = false;
};

Subnets subnets_of(CheckContext& ctx, const ElastiCache& c) {
  Subnets out;
  if (c.subnet_ids.is_known() && !c.subnet_ids.value().empty()) {
    out.ids = c.subnet_ids.value();
    out.ok = true;
    return out;
  }
  if (c.type == ResourceType::kElastiCacheServerlessCache) {
    ctx.unknown(c, fmt::format("The serverless cache's subnets are unknown: {}.",
                               c.subnet_ids.is_unknown() ? c.subnet_ids.reason() : "SubnetIds not reported"), c.subnet_ids);
    return out;
  }
  const Field<std::string>* name = &c.cache_subnet_group;
  if (!name->is_known()) {
    for (const ElastiCache* m : member_clusters(ctx, c)) {
      if (m->cache_subnet_group.is_known()) {
        name = &m->cache_subnet_group;
        break;
      }
    }
  }
  if (name->is_unknown()) {
    ctx.unknown(c, fmt::format("The cache's subnet group is unknown ({}){}.", name->reason(),
                               c.type == ResourceType::kElastiCacheReplicationGroup
                                   ? "; its member clusters name it (add describe-cache-clusters)" : ""), *name);
    return out;
  }
  const std::string group_name = name->is_known() ? name->value() : std::string("default");
  const SubnetGroup* group = ctx.inventory.find_subnet_group(ResourceType::kElastiCacheSubnetGroup, group_name, c);
  if (group == nullptr) {
    ctx.unknown(c, fmt::format("The subnet group {} is not in the input; add the output of `aws elasticache "
                               "describe-cache-subnet-groups`.", group_name), *name);
    return out;
  }
  if (group->read_error != nullptr) {
    ctx.error(c, fmt::format("The subnet group {} could not be read: {}.", group_name, *group->read_error));
    return out;
  }
  if (!group->subnet_ids.is_known()) {
    ctx.unknown(c, fmt::format("The subnets of subnet group {} are unknown: {}.", group_name,
                               group->subnet_ids.is_unknown() ? group->subnet_ids.reason() : "none reported"));
    return out;
  }
  out.ids = group->subnet_ids.value();
  if (group->vpc_id.is_known()) out.vpc_id = group->vpc_id.value();
  out.ok = !out.ids.empty();
  if (!out.ok) ctx.unknown(c, fmt::format("Subnet group {} lists no subnets.", group_name));
  return out;
}

bool open_to_internet(const Route& r) {
  const bool everywhere = (r.destination_cidr.is_known() && r.destination_cidr.value() == "0.0.0.0/0") ||
                          (r.destination_ipv6_cidr.is_known() && r.destination_ipv6_cidr.value() == "::/0");
  return everywhere && r.gateway_id.is_known() && r.gateway_id.value().starts_with("igw-");
}

// A route whose destination or target could not be read might be the open one.
bool undecided(const Route& r) {
  return r.gateway_id.is_unknown() || r.destination_cidr.is_unknown() || r.destination_ipv6_cidr.is_unknown();
}

}  // namespace

ATREST_CHECK("elasticache-private-subnets") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (judged_through_group(ctx, c)) return;
    const Subnets subnets = subnets_of(ctx, c);
    if (!subnets.ok) return;
    if (const std::string* gap = ctx.inventory.coverage_gap(Collection::kRouteTables, c); gap != nullptr) {
      if (listing_failed(ctx.inventory, Collection::kRouteTables, c)) {
        ctx.error(c, fmt::format("Route tables could not be listed: {}.", *gap));
      } else {
        ctx.unknown(c, fmt::format("The routes of the cache's subnets cannot be checked: {} (add `aws ec2 "
                                   "describe-route-tables`).", *gap));
      }
      return;
    }
    std::string unsure;  // why a subnet could not be decided; the first reason is enough
    for (const std::string& subnet : subnets.ids) {
      const RouteTable* table = nullptr;
      const RouteTable* unreadable = nullptr;  // a table whose associations are unknown may hold the subnet
      for (const RouteTable& t : ctx.inventory.route_tables()) {
        if (!same_place(t, c) || t.deleted) continue;
        if (t.subnet_ids.is_known() && contains(t.subnet_ids.value(), subnet)) {
          table = &t;
          break;
        }
        if (!t.subnet_ids.is_known() && !t.subnet_ids.is_absent()) unreadable = &t;
      }
      if (table == nullptr && unreadable != nullptr) {
        if (unsure.empty()) unsure = fmt::format("the associations of route table {} are unknown", unreadable->id);
        continue;
      }
      if (table == nullptr) {
        // No explicit association: the VPC's main table serves the subnet.
        std::string vpc = subnets.vpc_id;
        for (const Subnet& s : ctx.inventory.subnets()) {
          if (s.id == subnet && same_place(s, c) && s.vpc_id.is_known()) vpc = s.vpc_id.value();
        }
        if (vpc.empty()) {
          if (unsure.empty()) unsure = fmt::format("the VPC of subnet {} is unknown", subnet);
          continue;
        }
        for (const RouteTable& t : ctx.inventory.route_tables()) {
          if (same_place(t, c) && !t.deleted && t.main.is_known() && t.main.value() && t.vpc_id.is_known() &&
              t.vpc_id.value() == vpc) {
            table = &t;
            break;
          }
        }
        if (table == nullptr) {
          if (unsure.empty()) unsure = fmt::format("no route table serves subnet {} (the main table of {} is not in the input)", subnet, vpc);
          continue;
        }
      }
      if (table->read_error != nullptr || !table->routes.is_known()) {
        if (unsure.empty()) unsure = fmt::format("the routes of route table {} are unknown", table->id);
        continue;
      }
      for (const Route& r : table->routes.value()) {
        if (open_to_internet(r)) {
          ctx.fail(c, fmt::format("Subnet {} is public: its route table {} sends {} to internet gateway {}.", subnet,
                                  table->id, r.destination_cidr.is_known() && r.destination_cidr.value() == "0.0.0.0/0"
                                                 ? "0.0.0.0/0" : "::/0", r.gateway_id.value()));
          return;
        }
        if (undecided(r) && unsure.empty()) unsure = fmt::format("a route of route table {} could not be read", table->id);
      }
    }
    if (!unsure.empty()) {
      ctx.unknown(c, fmt::format("No subnet of the cache is known to route to an internet gateway, but {}.", unsure));
      return;
    }
    ctx.pass(c, fmt::format("None of the cache's {} subnet{} routes to an internet gateway.", subnets.ids.size(),
                            subnets.ids.size() == 1 ? "" : "s"));
  });
}

}  // namespace atrest
