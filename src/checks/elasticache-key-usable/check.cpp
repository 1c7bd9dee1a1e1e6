// elasticache-key-usable: the customer managed KMS key a cache is encrypted with is Enabled. With
// the key disabled ElastiCache cannot decrypt the cache's data; once it is deleted the cache and its
// backups are unrecoverable. Caches on the service managed key have nothing to check.
#include <fmt/format.h>

#include "checks/elasticache_nodes.h"
#include "checks/kms_key_ref.h"

namespace atrest {

ATREST_CHECK("elasticache-key-usable") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (c.type == ResourceType::kElastiCacheReplicationGroup && c.at_rest_encryption.is_known() &&
        !c.at_rest_encryption.value()) {
      return;  // not encrypted at rest: no key to lose
    }
    const Field<std::string>& ref = c.kms_key_id;
    if (ref.is_absent() || (ref.is_known() && ref.value().empty())) return;  // service managed key
    if (ref.is_unknown()) {
      ctx.unknown(c, fmt::format("The cache's KMS key cannot be decided: {}.", ref.reason()), ref);
      return;
    }
    const std::string& id = ref.value();
    const KmsKey* key = find_key_or_report(ctx, c, id, ref);
    if (key == nullptr) return;
    if (key->deleted) {
      ctx.fail(c, fmt::format("The cache's KMS key {} was deleted (AWS Config recorded its deletion): the cache's "
                              "data and backups can no longer be decrypted and are unrecoverable.", id));
      return;
    }
    if (!key->key_state.is_known()) {
      ctx.unknown(c, fmt::format("The state of key {} is unknown: {}.", id,
                                 key->key_state.is_unknown() ? key->key_state.reason() : "KeyState not reported"));
      return;
    }
    const std::string& state = key->key_state.value();
    if (iequals(state, "Enabled")) {
      ctx.pass(c, fmt::format("The cache's KMS key {} is Enabled.", id));
    } else if (iequals(state, "Creating") || iequals(state, "Updating")) {
      // Transitional states of multi-Region keys: usability is decided once they settle.
      ctx.unknown(c, fmt::format("The cache's KMS key {} is {}; scan again when it settles.", id, state));
    } else if (iequals(state, "PendingDeletion") || iequals(state, "PendingReplicaDeletion")) {
      const std::string when = key->deletion_date.is_known() ? fmt::format(" on {}", key->deletion_date.value())
                                                             : std::string();
      ctx.fail(c, fmt::format("The cache's KMS key {} is {} and will be deleted{}: the cache becomes unrecoverable, "
                              "with its backups. Cancel the deletion while the cache uses the key.", id, state, when));
    } else {
      ctx.fail(c, fmt::format("The cache's KMS key {} is {}: ElastiCache cannot decrypt the cache's data, and if "
                              "the key is then deleted the cache becomes unrecoverable. Enable the key again.", id, state));
    }
  });
}

}  // namespace atrest
