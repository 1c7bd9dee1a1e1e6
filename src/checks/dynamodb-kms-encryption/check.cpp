// dynamodb-kms-encryption: the table is encrypted with a KMS key (AWS managed or customer
// managed) rather than the default AWS owned key. Every table is encrypted; this is about who
// controls and audits the key.
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("dynamodb-kms-encryption") {
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    if (t.sse_type.is_absent()) {
      ctx.fail(t, "The table is encrypted with the default AWS owned key, so key use is neither "
                  "visible in CloudTrail nor controllable by a key policy.", t.sse_type);
      return;
    }
    // A table moving back to the AWS owned key fails whatever else is known.
    const Field<std::string>& status = t.sse_status;
    if (status.is_known() && (iequals(status.value(), "DISABLING") || iequals(status.value(), "DISABLED"))) {
      ctx.fail(t, fmt::format("KMS encryption is {}: the table is moving back to the AWS owned key.",
                              status.value()), status);
      return;
    }
    if (t.sse_type.is_unknown() || status.is_unknown()) {
      ctx.unknown(t, fmt::format("The table's encryption settings are unknown: {}.",
                                 t.sse_type.is_unknown() ? t.sse_type.reason() : status.reason()),
                  t.sse_type.is_unknown() ? t.sse_type : status);
      return;
    }
    if (!iequals(t.sse_type.value(), "KMS")) {
      ctx.fail(t, fmt::format("The table uses SSEType {}, not a KMS key.", t.sse_type.value()), t.sse_type);
      return;
    }
    const std::string key = t.kms_key_arn.is_known() ? t.kms_key_arn.value() : std::string("a KMS key");
    if (status.is_absent() || iequals(status.value(), "ENABLED")) {
      ctx.pass(t, fmt::format("The table is encrypted with {}.", key), t.sse_type);
    } else {
      ctx.pass(t, fmt::format("The table is encrypted with {} (SSE status {}).", key, status.value()), status);
    }
  });
}

}  // namespace atrest
