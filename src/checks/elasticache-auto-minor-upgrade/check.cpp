// elasticache-auto-minor-upgrade: the cache takes minor engine versions (security fixes)
// automatically. AutoMinorVersionUpgrade is true by default; Redis OSS before 6.0 is left out of
// the upgrade campaigns whatever the flag says; serverless caches are always upgraded; node-based
// Memcached is never upgraded automatically and gets no finding.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"

namespace atrest {

ATREST_CHECK("elasticache-auto-minor-upgrade") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (c.type == ResourceType::kElastiCacheServerlessCache) {
      ctx.pass(c, "Serverless caches get new minor and patch versions automatically.");
      return;
    }
    if (judged_through_group(ctx, c)) return;
    // Automatic minor upgrade campaigns cover Valkey and Redis OSS only: a node-based Memcached
    // cluster is upgraded when its owner asks, whatever the flag says (AWS Config judges only
    // Valkey and Redis OSS clusters too).
    if (is_memcached(c)) return;
    const Field<bool>& upgrade = c.auto_minor_version_upgrade;
    if (upgrade.is_unknown()) {
      ctx.unknown(c, fmt::format("AutoMinorVersionUpgrade cannot be decided: {}.", upgrade.reason()), upgrade);
      return;
    }
    if (upgrade.is_known() && !upgrade.value()) {
      ctx.fail(c, "AutoMinorVersionUpgrade is false: minor versions with security fixes are not applied "
                  "until someone upgrades the engine by hand.", upgrade);
      return;
    }
    if (c.engine.is_known() && iequals(c.engine.value(), "redis")) {
      const EngineVersion version = engine_version_of(ctx, c);
      if (version.major < 0) {
        ctx.unknown(c, fmt::format("AutoMinorVersionUpgrade is on, but Redis OSS takes automatic minor upgrades "
                                   "only from 6.0, and {}.", version.why), upgrade);
        return;
      }
      if (version.major < 6) {
        ctx.fail(c, fmt::format("Redis OSS {} is older than 6.0, which ElastiCache leaves out of automatic minor "
                                "upgrades whatever AutoMinorVersionUpgrade says; upgrade the engine (or move to Valkey).",
                                version.text), c.engine_version);
        return;
      }
    }
    ctx.pass(c, upgrade.is_absent() ? std::string("AutoMinorVersionUpgrade is not set, and it is on by default.")
                                     : std::string("AutoMinorVersionUpgrade is on."), upgrade);
  });
}

}  // namespace atrest
