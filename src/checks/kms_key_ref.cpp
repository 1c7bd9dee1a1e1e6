// Finding the KMS key a resource names, with UNKNOWN or ERROR when it cannot be used.
#include "checks/kms_key_ref.h"

#include <fmt/format.h>

namespace atrest {

const KmsKey* find_key_or_report(CheckContext& ctx, const Resource& r, std::string_view ref,
                                 const Field<std::string>& where) {
  const KmsKey* key = ctx.inventory.find_kms_key(ref, r);
  if (key == nullptr) {
    ctx.unknown(r, fmt::format("The KMS key {} is not in the scanned input; add the output of "
                               "`aws kms describe-key --key-id {}`.", ref, ref), where);
  } else if (key->read_error != nullptr) {
    ctx.error(r, fmt::format("The KMS key {} could not be read: {}.", ref, *key->read_error));
    return nullptr;
  }
  return key;
}

std::unordered_map<const KmsKey*, KeyUsers> users_by_key(const Inventory& inventory) {
  std::unordered_map<const KmsKey*, KeyUsers> users;
  for (const DynamoDbTable& t : inventory.tables()) {
    if (t.deleted || t.reference_only || !t.kms_key_arn.is_known()) continue;
    if (const KmsKey* k = inventory.find_kms_key(t.kms_key_arn.value(), t)) users[k].tables.push_back(&t);
  }
  for (const ElastiCache& c : inventory.caches()) {
    if (c.deleted || c.reference_only || !c.kms_key_id.is_known()) continue;
    if (const KmsKey* k = inventory.find_kms_key(c.kms_key_id.value(), c)) users[k].caches.push_back(&c);
  }
  return users;
}

}  // namespace atrest
