// dynamodb-key-usable: the table's KMS key is Enabled. A disabled or deleted key makes the table
// INACCESSIBLE_ENCRYPTION_CREDENTIALS, and DynamoDB archives it after seven days.
#include <fmt/format.h>

#include "checks/kms_key_ref.h"

namespace atrest {

ATREST_CHECK("dynamodb-key-usable") {
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    if (t.table_status.is_known()) {
      const std::string& status = t.table_status.value();
      if (iequals(status, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")) {
        ctx.fail(t, "The table is INACCESSIBLE_ENCRYPTION_CREDENTIALS: its KMS key cannot be used, "
                    "reads and writes fail, and DynamoDB archives the table after seven days.");
        return;
      }
      if (iequals(status, "ARCHIVING") || iequals(status, "ARCHIVED")) {
        ctx.fail(t, fmt::format("The table is {}: its KMS key was unusable for more than seven days, "
                                "so DynamoDB archived it; restore it from the archival backup.", status));
        return;
      }
    }
    if (t.sse_type.is_unknown()) {
      ctx.unknown(t, fmt::format("The table's encryption settings are unknown: {}.",
                                 t.sse_type.reason()), t.sse_type);
      return;
    }
    // The AWS owned key is always usable: nothing to check.
    if (t.sse_type.is_absent() || !iequals(t.sse_type.value(), "KMS")) return;
    if (!t.kms_key_arn.is_known()) {
      ctx.unknown(t, "The table uses KMS but does not report which key.");
      return;
    }
    const std::string& ref = t.kms_key_arn.value();
    const KmsKey* key = find_key_or_report(ctx, t, ref, t.kms_key_arn);
    if (key == nullptr) return;
    if (key->deleted) {
      ctx.fail(t, fmt::format("The table's KMS key {} was deleted (AWS Config recorded its deletion): "
                              "the table cannot be read again.", ref));
      return;
    }
    if (!key->key_state.is_known()) {
      ctx.unknown(t, fmt::format("The state of key {} is unknown: {}.", ref,
                                 key->key_state.is_unknown() ? key->key_state.reason()
                                                             : "KeyState not reported"));
      return;
    }
    const std::string& state = key->key_state.value();
    if (iequals(state, "Enabled")) {
      ctx.pass(t, fmt::format("The table's KMS key {} is Enabled.", ref));
    } else if (iequals(state, "Creating") || iequals(state, "Updating")) {
      // Transitional states of multi-Region keys: usability is decided once they settle.
      ctx.unknown(t, fmt::format("The table's KMS key {} is {}; scan again when it settles.", ref, state));
    } else if (iequals(state, "PendingDeletion")) {
      std::string when = key->deletion_date.is_known()
                             ? fmt::format(" on {}", key->deletion_date.value())
                             : std::string();
      ctx.fail(t, fmt::format("The table's KMS key {} is PendingDeletion and will be deleted{}; "
                              "the table then becomes unreadable for good.", ref, when));
    } else {
      ctx.fail(t, fmt::format("The table's KMS key {} is {}: the table cannot be read or written "
                              "until the key is Enabled again.", ref, state));
    }
  });
}

}  // namespace atrest
