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

}  // namespace atrest
