// kms-key-not-pending-deletion: no customer managed key is scheduled for deletion. The finding
// names the tables and caches that use the key: once it is deleted their data cannot be read again.
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

namespace {
// "table orders, replication group sessions" for the resources of the inventory that use `key`.
std::string users_of(const Inventory& inv, const KmsKey& key) {
  std::vector<std::string> users;
  for (const DynamoDbTable& t : inv.tables()) {
    if (t.deleted || !t.kms_key_arn.is_known()) continue;
    if (inv.find_kms_key(t.kms_key_arn.value(), t) == &key) users.push_back("table " + t.id);
  }
  for (const ElastiCache& c : inv.caches()) {
    if (c.deleted || !c.kms_key_id.is_known()) continue;
    if (inv.find_kms_key(c.kms_key_id.value(), c) != &key) continue;
    const char* kind = c.type == ResourceType::kElastiCacheReplicationGroup ? "replication group"
                       : c.type == ResourceType::kElastiCacheServerlessCache ? "serverless cache"
                                                                              : "cache cluster";
    users.push_back(fmt::format("{} {}", kind, c.id));
  }
  return fmt::format("{}", fmt::join(users, ", "));
}
}  // namespace

ATREST_CHECK("kms-key-not-pending-deletion") {
  ctx.for_each(ctx.inventory.kms_keys(), [&](const KmsKey& k) {
    // AWS managed keys cannot be scheduled for deletion.
    if (k.key_manager.is_known() && !iequals(k.key_manager.value(), "CUSTOMER")) return;
    if (!k.key_state.is_known()) {
      ctx.unknown(k, fmt::format("The key's state is unknown: {}.",
                                 k.key_state.is_unknown() ? k.key_state.reason() : "KeyState not reported"),
                  k.key_state);
      return;
    }
    const std::string& state = k.key_state.value();
    const bool pending = iequals(state, "PendingDeletion");
    if (!pending && !iequals(state, "PendingReplicaDeletion")) {
      ctx.pass(k, fmt::format("The key is {}, not scheduled for deletion.", state), k.key_state);
      return;
    }
    const std::string when = k.deletion_date.is_known() ? fmt::format(" on {}", k.deletion_date.value()) : std::string();
    const std::string users = users_of(ctx.inventory, k);
    const std::string impact =
        users.empty() ? std::string("No table or cache of this scan uses it; check other users (CloudTrail "
                                    "Decrypt events) before the deletion date.")
                      : fmt::format("It protects {}, whose data becomes unreadable for good once the key is deleted.",
                                    users);
    if (pending) {
      ctx.fail(k, fmt::format("The key is PendingDeletion and will be deleted{}. {} Cancel the deletion unless "
                              "this is intended.", when, impact), k.key_state);
    } else {
      ctx.fail(k, fmt::format("The key is PendingReplicaDeletion: it will be deleted once its replica keys are. "
                              "{}", impact), k.key_state);
    }
  });
}

}  // namespace atrest
