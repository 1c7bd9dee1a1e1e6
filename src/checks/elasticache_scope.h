// Shared by the ElastiCache checks: which caches get their own verdict.
#pragma once

#include "checks/check.h"

namespace atrest {

// A cache cluster that belongs to a replication group takes the group's settings; it is judged
// through the group when the group is in the inventory, and on its own otherwise (so that a scan
// of describe-cache-clusters output alone still covers it).
inline bool judged_through_group(const CheckContext& ctx, const ElastiCache& c) {
  if (c.type != ResourceType::kElastiCacheCacheCluster) return false;
  if (!c.replication_group_id.is_known() || c.replication_group_id.value().empty()) return false;
  return ctx.inventory.find_cache(ResourceType::kElastiCacheReplicationGroup,
                                  c.replication_group_id.value(), c) != nullptr;
}

inline const char* engine_display_name(const ElastiCache& c) {
  if (!c.engine.is_known()) return "the engine";
  if (iequals(c.engine.value(), "valkey")) return "Valkey";
  if (iequals(c.engine.value(), "redis")) return "Redis OSS";
  if (iequals(c.engine.value(), "memcached")) return "Memcached";
  return "the engine";
}

}  // namespace atrest
