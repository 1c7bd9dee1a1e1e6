// dynamodb-customer-managed-key: the table's KMS key is customer managed (KeyManager CUSTOMER)
// and, when an allow-list is configured, one of the allowed keys.
#include <fmt/format.h>

#include <algorithm>

#include "checks/kms_key_ref.h"

namespace atrest {

ATREST_CHECK("dynamodb-customer-managed-key") {
  const auto& allowed = ctx.settings.dynamodb_allowed_kms_keys;
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    if (t.sse_type.is_unknown()) {
      ctx.unknown(t, fmt::format("The table's encryption settings are unknown: {}.",
                                 t.sse_type.reason()), t.sse_type);
      return;
    }
    if (t.sse_type.is_absent() || !iequals(t.sse_type.value(), "KMS")) {
      ctx.fail(t, "The table uses the AWS owned key, not a customer managed KMS key.", t.sse_type);
      return;
    }
    if (t.sse_status.is_known() &&
        (iequals(t.sse_status.value(), "DISABLING") || iequals(t.sse_status.value(), "DISABLED"))) {
      ctx.fail(t, fmt::format("KMS encryption is {}: the table is moving to the AWS owned key.",
                              t.sse_status.value()), t.sse_status);
      return;
    }
    if (!t.kms_key_arn.is_known()) {
      ctx.unknown(t, fmt::format("The table uses KMS but its key is unknown: {}.",
                                 t.kms_key_arn.is_unknown() ? t.kms_key_arn.reason()
                                                            : "no KMSMasterKeyArn reported"), t.kms_key_arn);
      return;
    }
    const std::string& ref = t.kms_key_arn.value();
    // AWS managed keys are the ones under alias/aws/ (alias/aws/dynamodb for DynamoDB).
    if (ref.starts_with("alias/aws/") || ref.find(":alias/aws/") != std::string::npos) {
      ctx.fail(t, fmt::format("The table uses the AWS managed key {}: its policy cannot be changed and "
                              "access cannot be revoked.", ref), t.kms_key_arn);
      return;
    }
    const KmsKey* key = find_key_or_report(ctx, t, ref, t.kms_key_arn);
    if (key == nullptr) return;
    if (!key->key_manager.is_known()) {
      ctx.unknown(t, fmt::format("Who manages key {} is unknown: {}.", ref,
                                 key->key_manager.is_unknown() ? key->key_manager.reason()
                                                               : "KeyManager not reported"), t.kms_key_arn);
      return;
    }
    if (!iequals(key->key_manager.value(), "CUSTOMER")) {
      ctx.fail(t, fmt::format("The table uses the AWS managed key {} (aws/dynamodb): its policy "
                              "cannot be changed and access cannot be revoked.", ref));
      return;
    }
    if (!allowed.empty()) {
      bool listed = std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
        return a == ref || a == key->id || (key->arn.is_known() && a == key->arn.value());
      });
      if (!listed) {
        ctx.fail(t, fmt::format("The customer managed key {} is not one of the allowed keys.", ref), t.kms_key_arn);
        return;
      }
    }
    ctx.pass(t, fmt::format("The table is encrypted with the customer managed key {}.", ref), t.kms_key_arn);
  });
}

}  // namespace atrest
