// Shared by the ElastiCache checks that look past one resource: the member clusters of a
// replication group (live groups report neither their subnet group nor their engine version; their
// clusters do) and the engine's major version, which decides how a Valkey or Redis OSS cache
// authenticates clients and whether it takes automatic minor upgrades.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checks/elasticache_scope.h"

namespace atrest {

// The cache clusters that name `group` as their replication group, in its account and region
// (and, for templates, its file).
inline const std::vector<const ElastiCache*>& member_clusters(const CheckContext& ctx, const ElastiCache& group) {
  return ctx.inventory.members_of(group);
}

// A cache cluster that belongs to a replication group which is not in the input (a scan of
// describe-cache-clusters alone): the group's id, else null. Settings that only the group holds
// (failover, Multi-AZ, user groups, backups) cannot be judged from such a cluster.
inline const std::string* group_not_in_input(const CheckContext& ctx, const ElastiCache& c) {
  if (c.type != ResourceType::kElastiCacheCacheCluster || !c.replication_group_id.is_known() ||
      c.replication_group_id.value().empty() || judged_through_group(ctx, c)) {
    return nullptr;
  }
  return &c.replication_group_id.value();
}

inline bool is_memcached(const ElastiCache& c) { return c.engine.is_known() && iequals(c.engine.value(), "memcached"); }

// The engine's major version: `major` is kLatestEngineVersion when no version is written
// (templates and plans then get the newest version the engine offers) and -1 when it cannot be
// told (`why` says why); `text` is the version as reported, for messages.
inline constexpr int kLatestEngineVersion = 1000;

struct EngineVersion {
  int major = -1;
  std::string text;
  std::string why;
};

inline int parse_major_version(std::string_view text) {
  int major = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), major);
  if (ec != std::errc() || end == text.data()) return -1;
  return major;
}

inline EngineVersion engine_version_of(const CheckContext& ctx, const ElastiCache& c) {
  // Valkey's first release on ElastiCache is 7.2: every Valkey cache is past Redis OSS 6.
  const bool valkey = c.engine.is_known() && iequals(c.engine.value(), "valkey");
  const Field<std::string>* version = &c.engine_version;
  // A live replication group reports no version at all; its member clusters do.
  if (!version->is_known()) {
    for (const ElastiCache* member : member_clusters(ctx, c)) {
      if (member->engine_version.is_known()) {
        version = &member->engine_version;
        break;
      }
    }
  }
  EngineVersion out;
  if (version->is_absent()) {
    out.major = kLatestEngineVersion;
    out.text = "(latest)";
    return out;
  }
  if (version->is_unknown()) {
    out.major = valkey ? 7 : -1;
    out.why = fmt::format("the engine version is unknown ({})", version->reason());
    return out;
  }
  out.text = version->value();
  out.major = parse_major_version(out.text);
  if (out.major < 0 && valkey) out.major = 7;
  if (out.major < 0) out.why = fmt::format("the engine version '{}' is not a version number", out.text);
  return out;
}

}  // namespace atrest
