// kms-key-rotation: customer managed symmetric keys with key material from KMS rotate it.
// Imported key material (EXTERNAL), custom key stores (AWS_CLOUDHSM, EXTERNAL_KEY_STORE),
// asymmetric and HMAC keys cannot rotate automatically, and AWS managed keys rotate themselves:
// none of them is judged.
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("kms-key-rotation") {
  ctx.for_each(ctx.inventory.kms_keys(), [&](const KmsKey& k) {
    if (k.key_manager.is_known() && !iequals(k.key_manager.value(), "CUSTOMER")) return;
    // Deletion stops rotation anyway; kms-key-not-pending-deletion reports those keys.
    if (k.key_state.is_known() &&
        (iequals(k.key_state.value(), "PendingDeletion") || iequals(k.key_state.value(), "PendingReplicaDeletion"))) {
      return;
    }
    // A multi-Region replica key rotates with its primary key (in another Region), which is judged.
    if (k.declared_type != nullptr && (std::string_view(k.declared_type) == "AWS::KMS::ReplicaKey" ||
                                       std::string_view(k.declared_type) == "aws_kms_replica_key")) {
      return;
    }
    if (k.key_origin.is_known() && !iequals(k.key_origin.value(), "AWS_KMS")) return;
    if (k.key_spec.is_known() && !iequals(k.key_spec.value(), "SYMMETRIC_DEFAULT")) return;
    if (!k.key_manager.is_known()) {
      ctx.unknown(k, fmt::format("Whether the key is customer managed is unknown: {}.",
                                 k.key_manager.is_unknown() ? k.key_manager.reason() : "KeyManager not reported"),
                  k.key_manager);
      return;
    }
    if (k.key_origin.is_unknown()) {
      ctx.unknown(k, fmt::format("The key's origin is unknown ({}); imported and custom key store keys cannot rotate.",
                                 k.key_origin.reason()), k.key_origin);
      return;
    }
    if (k.key_spec.is_unknown()) {
      ctx.unknown(k, fmt::format("The key's spec is unknown ({}); only symmetric keys rotate automatically.",
                                 k.key_spec.reason()), k.key_spec);
      return;
    }
    const auto& rotation = k.rotation_enabled;
    if (rotation.is_unknown()) {
      ctx.unknown(k, fmt::format("The key's rotation status is unknown: {}.", rotation.reason()), rotation);
    } else if (rotation.is_known() && rotation.value()) {
      ctx.pass(k, "Automatic rotation of the key material is enabled.", rotation);
    } else {
      ctx.fail(k, "Automatic rotation is not enabled for this customer managed symmetric key: the same key "
                  "material protects the data for as long as the key exists.", rotation);
    }
  });
}

}  // namespace atrest
