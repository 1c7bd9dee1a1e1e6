// elasticache-customer-managed-key: replication groups and serverless caches encrypt at rest with
// a customer managed KMS key (KmsKeyId set) and, when `elasticache.allowed_kms_keys` is set, with
// one of those keys. ElastiCache accepts only symmetric customer managed keys there; without one it
// uses a service managed key that the owner cannot audit, restrict or revoke.
#include <fmt/format.h>

#include <algorithm>

#include "checks/elasticache_nodes.h"

namespace atrest {
namespace {

bool is_aws_alias(const std::string& ref) {
  return ref.starts_with("alias/aws/") || ref.find(":alias/aws/") != std::string::npos;
}

bool names_a_key(const std::string& ref) {
  Arn arn;
  if (parse_arn(ref, arn)) return arn.resource.starts_with("key/");
  return !ref.starts_with("alias/");
}

}  // namespace

ATREST_CHECK("elasticache-customer-managed-key") {
  const std::vector<std::string>& allowed = ctx.settings.elasticache_allowed_kms_keys;
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    const bool group = c.type == ResourceType::kElastiCacheReplicationGroup;
    const Field<bool>& at_rest = c.at_rest_encryption;
    if (group && at_rest.is_known() && !at_rest.value()) {
      ctx.fail(c, "The replication group is not encrypted at rest, so no KMS key protects it; a key can only be "
                  "chosen when a group is created with encryption at rest.", at_rest);
      return;
    }
    // Not written: Redis OSS groups are created unencrypted (Valkey ones encrypted), and a KmsKeyId
    // only takes effect on a group encrypted at rest.
    if (group && at_rest.is_absent() && c.engine.is_known() && iequals(c.engine.value(), "redis")) {
      ctx.fail(c, "AtRestEncryptionEnabled is not set, and Redis OSS groups are then not encrypted at rest, so no KMS "
                  "key protects the group (a KmsKeyId applies only with encryption at rest).", at_rest);
      return;
    }
    const Field<std::string>& ref = c.kms_key_id;
    if (group && at_rest.is_unknown() && ref.is_known() && !ref.value().empty()) {
      ctx.unknown(c, fmt::format("KmsKeyId names {}, but whether the group is encrypted at rest with it cannot be "
                                 "decided: {}.", ref.value(), at_rest.reason()), at_rest);
      return;
    }
    if (ref.is_unknown()) {
      ctx.unknown(c, fmt::format("The cache's KMS key cannot be decided: {}.", ref.reason()), ref);
      return;
    }
    if (ref.is_absent() || ref.value().empty()) {
      ctx.fail(c, "No KmsKeyId is set: the cache is encrypted with a service managed key whose use cannot be "
                  "audited in CloudTrail, restricted by a key policy or revoked.", ref);
      return;
    }
    const std::string& id = ref.value();
    const KmsKey* key = ctx.inventory.find_kms_key(id, c);
    if (is_aws_alias(id) || (key != nullptr && key->key_manager.is_known() && !iequals(key->key_manager.value(), "CUSTOMER"))) {
      ctx.fail(c, fmt::format("The key {} is AWS managed, not customer managed.", id), ref);
      return;
    }
    if (!allowed.empty()) {
      const bool listed = std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
        if (a == id) return true;
        if (key == nullptr) return false;
        if (a == key->id || (key->arn.is_known() && a == key->arn.value())) return true;
        return ctx.inventory.find_kms_key(a, c) == key;
      });
      if (!listed) {
        if (key == nullptr && !names_a_key(id)) {
          ctx.unknown(c, fmt::format("The cache uses alias {}, which cannot be resolved to a key to compare with the "
                                     "allowed keys; add the output of `aws kms list-aliases`.", id), ref);
        } else {
          ctx.fail(c, fmt::format("The customer managed key {} is not one of the allowed keys.", id), ref);
        }
        return;
      }
    }
    ctx.pass(c, fmt::format("The cache is encrypted with the customer managed key {}.", id), ref);
  });
}

}  // namespace atrest
