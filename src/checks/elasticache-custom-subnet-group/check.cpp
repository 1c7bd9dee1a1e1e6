// elasticache-custom-subnet-group: the cache's nodes are placed by a subnet group of the owner's
// choosing, not the one named "default" (the default VPC's subnets). Live replication groups do not
// report their subnet group; their member clusters do.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"

namespace atrest {
namespace {

void judge_name(CheckContext& ctx, const ElastiCache& c, const Field<std::string>& group, const std::string& who) {
  if (group.is_unknown()) {
    ctx.unknown(c, fmt::format("The subnet group{} cannot be decided: {}.", who, group.reason()), group);
  } else if (group.is_absent()) {
    ctx.fail(c, fmt::format("No subnet group is named{}, so ElastiCache uses the one named default, which "
                            "places the nodes in the default VPC's subnets.", who), group);
  } else if (iequals(group.value(), "default")) {
    ctx.fail(c, fmt::format("The cache uses the subnet group named default{}, which places the nodes in the "
                            "default VPC's subnets.", who), group);
  } else {
    ctx.pass(c, fmt::format("The cache uses the subnet group {}{}.", group.value(), who), group);
  }
}

}  // namespace

ATREST_CHECK("elasticache-custom-subnet-group") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (judged_through_group(ctx, c)) return;
    if (c.type != ResourceType::kElastiCacheReplicationGroup || c.cache_subnet_group.is_known()) {
      judge_name(ctx, c, c.cache_subnet_group, "");
      return;
    }
    const std::vector<const ElastiCache*> members = member_clusters(ctx, c);
    if (members.empty()) {
      if (c.cache_subnet_group.is_unknown()) {
        ctx.unknown(c, fmt::format("The replication group's subnet group cannot be decided ({}), and none of its "
                                   "member clusters is in the input (add describe-cache-clusters).",
                                   c.cache_subnet_group.reason()), c.cache_subnet_group);
      } else {
        judge_name(ctx, c, c.cache_subnet_group, "");
      }
      return;
    }
    // Every member of a group shares the group's subnet group; the worst answer wins all the same.
    const ElastiCache* chosen = members.front();
    for (const ElastiCache* m : members) {
      const Field<std::string>& g = m->cache_subnet_group;
      if (!g.is_known() || iequals(g.value(), "default")) {
        chosen = m;
        if (g.is_known() || g.is_absent()) break;
      }
    }
    judge_name(ctx, c, chosen->cache_subnet_group, fmt::format(" (as member cluster {} reports)", chosen->id));
  });
}

}  // namespace atrest
