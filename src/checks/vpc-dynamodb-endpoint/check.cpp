// vpc-dynamodb-endpoint: the VPC holding a DAX cluster or cache has a DynamoDB VPC endpoint
// (com.amazonaws.REGION.dynamodb, gateway or interface), so traffic to DynamoDB stays on the AWS
// network instead of leaving through a NAT or internet gateway. Judged per cluster and cache;
// the VPC comes from the subnet group (or, for serverless caches, from the subnets).
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"

namespace atrest {

namespace {

bool same_scope(const Resource& a, const Resource& b) {
  if (is_iac(a.origin.kind) != is_iac(b.origin.kind)) return false;
  if (is_iac(a.origin.kind)) return a.origin.identity_file() == b.origin.identity_file();
  return a.account == b.account && a.region == b.region;
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

Field<std::string> vpc_of_subnets(const Inventory& inv, const std::vector<std::string>& subnet_ids,
                                  const Resource& from) {
  for (const std::string& sid : subnet_ids) {
    for (const Subnet& s : inv.subnets()) {
      if (s.id == sid && same_scope(s, from) && s.vpc_id.is_known()) return s.vpc_id;
    }
  }
  return Field<std::string>::unknown(
      fmt::format("the VPC of subnet(s) {} is not in the input", fmt::join(subnet_ids, ", ")));
}

Field<std::string> vpc_of_group(const Inventory& inv, ResourceType type, const Field<std::string>& group_name,
                                const Resource& from) {
  if (group_name.is_unknown()) {
    return Field<std::string>::unknown(fmt::format("its subnet group is unknown ({})", group_name.reason()));
  }
  if (!group_name.is_known()) return Field<std::string>::unknown("it names no subnet group");
  const SubnetGroup* g = inv.find_subnet_group(type, group_name.value(), from);
  if (g == nullptr) {
    return Field<std::string>::unknown(fmt::format("subnet group {} is not in the input", group_name.value()));
  }
  if (g->vpc_id.is_known()) return g->vpc_id;
  if (g->subnet_ids.is_known() && !g->subnet_ids.value().empty()) {
    Field<std::string> v = vpc_of_subnets(inv, g->subnet_ids.value(), from);
    if (v.is_known()) return v;
  }
  return Field<std::string>::unknown(fmt::format("the VPC of subnet group {} is unknown ({})", group_name.value(),
                                                 g->vpc_id.is_unknown() ? g->vpc_id.reason() : "not reported"));
}

Field<std::string> vpc_of(const Inventory& inv, const DaxCluster& c) {
  return vpc_of_group(inv, ResourceType::kDaxSubnetGroup, c.subnet_group, c);
}

Field<std::string> vpc_of(const Inventory& inv, const ElastiCache& c) {
  if (c.type == ResourceType::kElastiCacheServerlessCache ||
      (!c.cache_subnet_group.is_known() && c.subnet_ids.is_known())) {
    if (c.subnet_ids.is_unknown()) {
      return Field<std::string>::unknown(fmt::format("its subnets are unknown ({})", c.subnet_ids.reason()));
    }
    if (!c.subnet_ids.is_known() || c.subnet_ids.value().empty()) {
      return Field<std::string>::unknown("it names no subnets (the default VPC's subnets are used)");
    }
    return vpc_of_subnets(inv, c.subnet_ids.value(), c);
  }
  if (c.type == ResourceType::kElastiCacheReplicationGroup && !c.cache_subnet_group.is_known()) {
    // Live replication groups name no subnet group; their member clusters do.
    for (const ElastiCache* m : inv.members_of(c)) {
      if (m->cache_subnet_group.is_known()) {
        return vpc_of_group(inv, ResourceType::kElastiCacheSubnetGroup, m->cache_subnet_group, c);
      }
    }
  }
  return vpc_of_group(inv, ResourceType::kElastiCacheSubnetGroup, c.cache_subnet_group, c);
}

bool is_dynamodb_service(std::string_view name) {
  return name.ends_with(".dynamodb") && (name.starts_with("com.amazonaws.") || name.starts_with("cn.com.amazonaws."));
}

bool is_gone(const VpcEndpoint& e) {
  if (!e.state.is_known()) return false;
  const std::string& s = e.state.value();
  return iequals(s, "deleted") || iequals(s, "deleting") || iequals(s, "failed") || iequals(s, "rejected") ||
         iequals(s, "expired");
}

template <class R>
void judge(CheckContext& ctx, const R& r) {
  const Inventory& inv = ctx.inventory;
  const Field<std::string> vpc = vpc_of(inv, r);
  if (!vpc.is_known()) {
    ctx.unknown(r, fmt::format("The VPC cannot be told: {}.", vpc.reason()));
    return;
  }
  const VpcEndpoint* maybe = nullptr;
  std::string maybe_why;
  for (const VpcEndpoint& e : inv.vpc_endpoints()) {
    if (e.deleted || !same_scope(e, r) || is_gone(e)) continue;
    if (e.read_error != nullptr) {
      if (maybe == nullptr) {
        maybe = &e;
        maybe_why = *e.read_error;
      }
      continue;
    }
    if (e.vpc_id.is_known() && e.vpc_id.value() != vpc.value()) continue;
    if (e.service_name.is_known() && !is_dynamodb_service(e.service_name.value())) continue;
    if (e.vpc_id.is_known() && e.service_name.is_known()) {
      ctx.pass(r, fmt::format("VPC {} has DynamoDB endpoint {} ({}).", vpc.value(), e.id,
                              e.endpoint_type.value_or("Gateway")));
      return;
    }
    if (maybe == nullptr) {
      maybe = &e;
      maybe_why = !e.vpc_id.is_known() ? fmt::format("its VPC is unknown ({})", e.vpc_id.reason())
                                        : fmt::format("its service name is unknown ({})", e.service_name.reason());
    }
  }
  if (maybe != nullptr) {
    ctx.unknown(
        r, fmt::format("Endpoint {} may be VPC {}'s DynamoDB endpoint, but {}.", maybe->id, vpc.value(), maybe_why));
    return;
  }
  if (!is_iac(r.origin.kind)) {
    if (const std::string* gap = inv.coverage_gap(Collection::kVpcEndpoints, r)) {
      const std::string msg = fmt::format("No DynamoDB endpoint was read for VPC {}, and the endpoints are "
                                          "incomplete: {}.", vpc.value(), *gap);
      if (listing_failed(inv, Collection::kVpcEndpoints, r)) {
        ctx.error(r, msg);
      } else {
        ctx.unknown(r, msg);
      }
      return;
    }
  }
  ctx.fail(r, fmt::format("VPC {} has no DynamoDB VPC endpoint: traffic to DynamoDB leaves through a NAT or internet "
                          "gateway.", vpc.value()));
}

}  // namespace

ATREST_CHECK("vpc-dynamodb-endpoint") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.dax_clusters(), [&](const DaxCluster& c) { judge(ctx, c); });
  ctx.for_each(inv.caches(), [&](const ElastiCache& c) {
    // A member of a replication group is judged with its group.
    if (c.type == ResourceType::kElastiCacheCacheCluster && c.replication_group_id.is_known() &&
        !c.replication_group_id.value().empty() &&
        inv.find_cache(ResourceType::kElastiCacheReplicationGroup, c.replication_group_id.value(), c) != nullptr) {
      return;
    }
    judge(ctx, c);
  });
}

}  // namespace atrest
