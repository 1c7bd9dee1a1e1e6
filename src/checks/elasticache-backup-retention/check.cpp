// elasticache-backup-retention: automatic daily backups are kept for at least
// `elasticache.min_snapshot_days` days. Replication groups, Valkey and Redis OSS clusters and
// serverless caches (all engines) take them; node-based Memcached clusters cannot be backed up.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"

namespace atrest {

ATREST_CHECK("elasticache-backup-retention") {
  const int64_t min_days = ctx.settings.elasticache_min_snapshot_days;
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (judged_through_group(ctx, c)) return;
    if (c.type == ResourceType::kElastiCacheCacheCluster) {
      if (!c.engine.is_known()) {
        ctx.unknown(c, fmt::format("Whether the cluster can be backed up depends on its engine, which is unknown: {}.",
                                   c.engine.is_unknown() ? c.engine.reason() : "no engine is given"), c.engine);
        return;
      }
      if (is_memcached(c)) return;  // node-based Memcached has no backup feature at all
      // A member cluster reports its own limit, not the group's (only one member takes the backups).
      if (const std::string* group = group_not_in_input(ctx, c); group != nullptr) {
        ctx.unknown(c, fmt::format("Backups are a setting of replication group {}, which is not in the input.", *group));
        return;
      }
    }
    const Field<int64_t>& limit = c.snapshot_retention_limit;
    if (limit.is_unknown()) {
      ctx.unknown(c, fmt::format("The backup retention cannot be decided: {}.", limit.reason()), limit);
      return;
    }
    const int64_t days = limit.value_or(0);  // not set: 0, automatic backups off
    if (days <= 0) {
      ctx.fail(c, fmt::format("Automatic backups are off (SnapshotRetentionLimit {}): a failure or a mistaken "
                              "FLUSHALL cannot be undone.", limit.is_absent() ? "not set, so 0" : "0"), limit);
    } else if (days < min_days) {
      ctx.fail(c, fmt::format("Automatic backups are kept {} day{}, fewer than the required {}.", days,
                              days == 1 ? "" : "s", min_days), limit);
    } else {
      ctx.pass(c, fmt::format("Automatic backups are kept {} days (at least {} required).", days, min_days), limit);
    }
  });
}

}  // namespace atrest
