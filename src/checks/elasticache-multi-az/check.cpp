// elasticache-multi-az: the cache survives the loss of one Availability Zone. Replication groups:
// MultiAZ enabled. Memcached clusters: AZMode cross-az with more than one node. A Valkey or Redis
// OSS cluster outside a group is one node in one zone; serverless caches span zones by design.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"

namespace atrest {
namespace {

void judge_memcached(CheckContext& ctx, const ElastiCache& c) {
  const Field<std::string>& mode = c.az_mode;
  const Field<int64_t>& nodes = c.num_nodes;
  if (mode.is_unknown()) {
    ctx.unknown(c, fmt::format("The cluster's AZ mode cannot be decided: {}.", mode.reason()), mode);
    return;
  }
  // Without AZMode (and preferred zones) ElastiCache places every node in one zone.
  if (!mode.is_known() || !iequals(mode.value(), "cross-az")) {
    ctx.fail(c, fmt::format("The Memcached nodes are all in one Availability Zone (AZMode {}): losing that zone "
                            "loses the whole cache.", mode.is_known() ? mode.value() : std::string("not set, so single-az")),
             mode);
    return;
  }
  if (nodes.is_unknown()) {
    ctx.unknown(c, fmt::format("AZMode is cross-az but the number of nodes cannot be decided: {}.", nodes.reason()), nodes);
    return;
  }
  const int64_t count = nodes.value_or(1);
  if (count < 2) {
    ctx.fail(c, "AZMode is cross-az but the cluster has a single node, which lives in one Availability Zone.", nodes);
    return;
  }
  ctx.pass(c, fmt::format("The {} Memcached nodes are spread across Availability Zones (AZMode cross-az).", count), mode);
}

}  // namespace

ATREST_CHECK("elasticache-multi-az") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (c.type == ResourceType::kElastiCacheServerlessCache) {
      ctx.pass(c, "Serverless caches replicate data across several Availability Zones.");
      return;
    }
    if (judged_through_group(ctx, c)) return;
    const Field<bool>& multi_az = c.multi_az;
    if (c.type == ResourceType::kElastiCacheCacheCluster) {
      if (!c.engine.is_known()) {
        ctx.unknown(c, fmt::format("How the cluster spreads over zones depends on its engine, which is unknown: {}.",
                                   c.engine.is_unknown() ? c.engine.reason() : "no engine is given"), c.engine);
        return;
      }
      if (is_memcached(c)) {
        judge_memcached(ctx, c);
        return;
      }
      if (const std::string* group = group_not_in_input(ctx, c); group != nullptr && !multi_az.is_known()) {
        ctx.unknown(c, fmt::format("Multi-AZ is a setting of replication group {}, which is not in the input.", *group),
                    multi_az);
        return;
      }
      if (!multi_az.is_known()) {
        ctx.fail(c, fmt::format("A {} cluster outside a replication group is a single node in one Availability "
                                "Zone; create a replication group with replicas in other zones and Multi-AZ on.",
                                engine_display_name(c)), c.engine);
        return;
      }
    }
    if (multi_az.is_unknown()) {
      ctx.unknown(c, fmt::format("Multi-AZ cannot be decided: {}.", multi_az.reason()), multi_az);
    } else if (multi_az.is_absent()) {
      ctx.fail(c, "Multi-AZ is not set, and it is off by default: a zone outage can take the primary down "
                  "with no replica in another zone promoted.", multi_az);
    } else if (multi_az.value()) {
      // Multi-AZ works by promoting a replica, so AWS accepts it only together with automatic
      // failover; a template that asks for one without the other describes no working group.
      const Field<std::string>& failover = c.automatic_failover;
      const bool failover_off = failover.is_absent() ||
                                (failover.is_known() && !iequals(failover.value(), "enabled") &&
                                 !iequals(failover.value(), "enabling"));
      if (c.type == ResourceType::kElastiCacheReplicationGroup && failover_off) {
        ctx.fail(c, fmt::format("Multi-AZ is enabled but automatic failover is {}: Multi-AZ needs automatic failover "
                                "to promote a replica in another zone, and AWS rejects the one without the other.",
                                failover.is_known() ? failover.value() : std::string("not set, so disabled")),
                 failover);
        return;
      }
      ctx.pass(c, "Multi-AZ is enabled.", multi_az);
    } else {
      ctx.fail(c, "Multi-AZ is disabled: a zone outage can take the primary down with no replica in another "
                  "zone promoted.", multi_az);
    }
  });
}

}  // namespace atrest
