// elasticache-encryption-at-rest: replication groups and Redis/Valkey clusters encrypt at rest;
// serverless caches always do; node-based Memcached cannot.
#include <fmt/format.h>

#include "checks/elasticache_scope.h"

namespace atrest {

ATREST_CHECK("elasticache-encryption-at-rest") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (c.type == ResourceType::kElastiCacheServerlessCache) {
      ctx.pass(c, "Serverless caches always encrypt data at rest.");
      return;
    }
    if (judged_through_group(ctx, c)) return;
    const bool memcached = c.engine.is_known() && iequals(c.engine.value(), "memcached");
    if (memcached && c.type == ResourceType::kElastiCacheCacheCluster) {
      ctx.fail(c, "Node-based Memcached clusters cannot encrypt data at rest; move the workload "
                  "to an ElastiCache Serverless Memcached cache, which always does.", c.engine);
      return;
    }
    const Field<bool>& enc = c.at_rest_encryption;
    if (c.type == ResourceType::kElastiCacheCacheCluster && enc.is_absent()) {
      const std::string what = c.engine.is_known() ? fmt::format("A {} cache cluster", engine_display_name(c))
                                                   : std::string("A cache cluster");
      ctx.fail(c, fmt::format("{} outside a replication group cannot encrypt data at rest; "
                              "create a replication group with AtRestEncryptionEnabled instead.", what), c.engine);
      return;
    }
    if (enc.is_unknown()) {
      ctx.unknown(c, fmt::format("Encryption at rest cannot be decided: {}.", enc.reason()), enc);
    } else if (enc.is_known()) {
      if (enc.value()) {
        ctx.pass(c, "Encryption at rest is enabled.", enc);
      } else {
        ctx.fail(c, "Encryption at rest is disabled: data on disk, in swap and in backups "
                    "is stored unencrypted.", enc);
      }
    } else if (!c.engine.is_known()) {
      // Not set: the documented default depends on the engine, which is not known either.
      ctx.unknown(c, "Encryption at rest is not set and the engine is unknown, so the default "
                     "(on for Valkey, off for Redis OSS) cannot be applied.");
    } else if (iequals(c.engine.value(), "valkey")) {
      ctx.pass(c, "Encryption at rest is not set; Valkey encrypts at rest by default.", c.engine);
    } else {
      ctx.fail(c, fmt::format("Encryption at rest is not set, and {} leaves it off by default.",
                              engine_display_name(c)), enc);
    }
  });
}

}  // namespace atrest
