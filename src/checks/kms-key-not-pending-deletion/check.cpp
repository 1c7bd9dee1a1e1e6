// kms-key-not-pending-deletion: no customer managed key is scheduled for deletion. The finding
// names the tables and caches that use the key: once it is deleted their data cannot be read again.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/kms_key_ref.h"

namespace atrest {

namespace {
// "table orders, replication group sessions" for the resources that use the key.
std::string describe_users(const KeyUsers& users) {
  std::vector<std::string> names;
  for (const DynamoDbTable* t : users.tables) names.push_back("table " + t->id);
  for (const ElastiCache* c : users.caches) {
    const char* kind = c->type == ResourceType::kElastiCacheReplicationGroup ? "replication group"
                       : c->type == ResourceType::kElastiCacheServerlessCache ? "serverless cache"
                                                                               : "cache cluster";
    names.push_back(fmt::format("{} {}", kind, c->id));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}
}  // namespace

ATREST_CHECK("kms-key-not-pending-deletion") {
  std::unordered_map<const KmsKey*, KeyUsers> users;  // built at the first key pending deletion
  bool users_known = false;
  auto users_of = [&](const Inventory& inv, const KmsKey& key) {
    if (!users_known) users = users_by_key(inv), users_known = true;
    auto it = users.find(&key);
    return it == users.end() ? std::string() : describe_users(it->second);
  };
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
