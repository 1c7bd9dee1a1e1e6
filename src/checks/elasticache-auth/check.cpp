// elasticache-auth: Valkey and Redis OSS caches make clients authenticate. Before engine 6.0 the
// only way is an AUTH token; from 6.0 on an RBAC user group does it too (or a token). Memcached
// authenticates differently (SASL on nodes, IAM on serverless) and is out of scope.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"

namespace atrest {
namespace {

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

ATREST_CHECK("elasticache-auth") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (judged_through_group(ctx, c)) return;
    if (!c.engine.is_known()) {
      ctx.unknown(c, fmt::format("Whether clients must authenticate depends on the engine, which is unknown: {}.",
                                 c.engine.is_unknown() ? c.engine.reason() : "no engine is given"), c.engine);
      return;
    }
    if (is_memcached(c)) return;
    const Field<std::vector<std::string>>& groups = c.user_group_ids;
    const bool has_groups = groups.is_known() && !groups.value().empty();
    if (c.type == ResourceType::kElastiCacheServerlessCache) {
      if (groups.is_unknown()) {
        ctx.unknown(c, fmt::format("The cache's user group is unknown: {}.", groups.reason()), groups);
      } else if (has_groups) {
        ctx.pass(c, fmt::format("Clients authenticate as users of the RBAC user group {}.", joined(groups.value())), groups);
      } else {
        ctx.fail(c, "The serverless cache has no user group: any client that reaches its endpoint connects as "
                    "the default user, without a password, and can run every command.", groups);
      }
      return;
    }
    const Field<bool>& token = c.auth_token_enabled;
    if (token.is_known() && token.value()) {
      ctx.pass(c, "Clients must present the AUTH token.", token);
      return;
    }
    const EngineVersion version = engine_version_of(ctx, c);
    const int major = version.major;
    if (major >= 0 && major < 6) {
      if (token.is_unknown()) {
        ctx.unknown(c, fmt::format("Whether an AUTH token is set is unknown: {}.", token.reason()), token);
      } else {
        ctx.fail(c, fmt::format("{} {} predates RBAC, so an AUTH token is the only way to make clients "
                                "authenticate, and none is set{}.", engine_display_name(c), version.text,
                                has_groups ? " (user groups need engine 6.0 or later)" : ""), token);
      }
      return;
    }
    if (has_groups) {
      if (major < 0) {
        ctx.unknown(c, fmt::format("RBAC user group {} is set but works only from engine 6.0, and {}.",
                                   joined(groups.value()), version.why), groups);
      } else {
        ctx.pass(c, fmt::format("Clients authenticate as users of the RBAC user group {}.", joined(groups.value())), groups);
      }
      return;
    }
    if (const std::string* group = group_not_in_input(ctx, c); group != nullptr && !groups.is_known()) {
      ctx.unknown(c, fmt::format("The cluster has no AUTH token, and its user groups are settings of replication "
                                 "group {}, which is not in the input.", *group));
      return;
    }
    if (groups.is_unknown()) {
      ctx.unknown(c, fmt::format("No AUTH token is set and the user groups are unknown: {}.", groups.reason()), groups);
      return;
    }
    if (token.is_unknown()) {
      ctx.unknown(c, fmt::format("No user group is set and whether an AUTH token is set is unknown: {}.",
                                 token.reason()), token);
      return;
    }
    ctx.fail(c, c.type == ResourceType::kElastiCacheCacheCluster
                    ? std::string("The cluster has neither an AUTH token nor an RBAC user group: any client that "
                                  "reaches it can run every command.")
                    : std::string("The replication group has neither an AUTH token nor an RBAC user group: any "
                                  "client that reaches it can run every command."), token);
  });
}

}  // namespace atrest
