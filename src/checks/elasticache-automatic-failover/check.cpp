// elasticache-automatic-failover: when a primary node fails, a replica is promoted without anyone
// acting. Replication groups: AutomaticFailover enabled. A Valkey or Redis OSS cluster outside a
// group has no replica to promote; Memcached does not replicate; serverless caches fail over on
// their own.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"

namespace atrest {

ATREST_CHECK("elasticache-automatic-failover") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (c.type == ResourceType::kElastiCacheServerlessCache) {
      ctx.pass(c, "Serverless caches replicate across Availability Zones and fail over automatically.");
      return;
    }
    if (judged_through_group(ctx, c)) return;
    const Field<std::string>& failover = c.automatic_failover;
    if (c.type == ResourceType::kElastiCacheCacheCluster) {
      if (!c.engine.is_known()) {
        ctx.unknown(c, fmt::format("Whether the cluster can fail over depends on its engine, which is unknown: {}.",
                                   c.engine.is_unknown() ? c.engine.reason() : "no engine is given"), c.engine);
        return;
      }
      if (is_memcached(c)) return;  // Memcached keeps no replicas: nothing to fail over to
      if (const std::string* group = group_not_in_input(ctx, c); group != nullptr && !failover.is_known()) {
        ctx.unknown(c, fmt::format("Automatic failover is a setting of replication group {}, which is not in "
                                   "the input.", *group), failover);
        return;
      }
      if (!failover.is_known()) {
        ctx.fail(c, fmt::format("A {} cluster outside a replication group is a single node with no replica to "
                                "fail over to; a node failure loses the cache until it is replaced.",
                                engine_display_name(c)), c.engine);
        return;
      }
    }
    if (failover.is_unknown()) {
      ctx.unknown(c, fmt::format("Automatic failover cannot be decided: {}.", failover.reason()), failover);
      return;
    }
    if (failover.is_absent()) {
      ctx.fail(c, "Automatic failover is not set, and it is off by default: when the primary fails, writes stop "
                  "until someone promotes a replica (cluster-mode groups cannot even be created without it).",
               failover);
      return;
    }
    const std::string& status = failover.value();
    if (iequals(status, "enabled")) {
      ctx.pass(c, "Automatic failover is enabled.", failover);
    } else if (iequals(status, "enabling")) {
      // The change has been accepted and is being applied; nothing is left for the owner to do.
      ctx.pass(c, "Automatic failover is being enabled (status enabling); it protects the group once the "
                  "modification completes.", failover);
    } else if (iequals(status, "disabling")) {
      ctx.fail(c, "Automatic failover is being disabled (status disabling): when the primary fails, writes "
                  "will stop until someone promotes a replica.", failover);
    } else {
      ctx.fail(c, fmt::format("Automatic failover is {}: when the primary fails, writes stop until someone "
                              "promotes a replica.", status), failover);
    }
  });
}

}  // namespace atrest
