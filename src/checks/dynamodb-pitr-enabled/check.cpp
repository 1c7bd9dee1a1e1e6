// dynamodb-pitr-enabled: point-in-time recovery is ENABLED and, when dynamodb_min_pitr_days is
// set, keeps at least that many days (RecoveryPeriodInDays, 1 to 35; AWS's default is 35).
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

namespace {
constexpr int64_t kDefaultRecoveryDays = 35;  // what DynamoDB keeps when no period is given
}

ATREST_CHECK("dynamodb-pitr-enabled") {
  const int64_t min_days = ctx.settings.dynamodb_min_pitr_days;
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    const Field<std::string>& status = t.pitr_status;
    if (status.is_unknown()) {
      ctx.unknown(t, fmt::format("Point-in-time recovery status is unknown: {}.", status.reason()), status);
      return;
    }
    if (status.is_absent()) {
      ctx.fail(t, "Point-in-time recovery is not enabled: a bad write or delete can only be undone from "
                  "an on-demand backup, if one exists.", status);
      return;
    }
    if (!iequals(status.value(), "ENABLED")) {
      ctx.fail(t, fmt::format("Point-in-time recovery is {}: a bad write or delete can only be undone "
                              "from an on-demand backup, if one exists.", status.value()), status);
      return;
    }
    const Field<int64_t>& days = t.pitr_recovery_days;
    if (min_days <= 0) {
      const int64_t kept = days.is_known() ? days.value() : kDefaultRecoveryDays;
      ctx.pass(t, days.is_unknown()
                      ? std::string("Point-in-time recovery is enabled.")
                      : fmt::format("Point-in-time recovery is enabled ({} days).", kept),
               status);
      return;
    }
    if (days.is_unknown()) {
      ctx.unknown(t, fmt::format("Point-in-time recovery is enabled but its recovery period is unknown ({}); "
                                 "at least {} days are required.", days.reason(), min_days), days);
      return;
    }
    const int64_t kept = days.is_known() ? days.value() : kDefaultRecoveryDays;
    if (kept < min_days) {
      ctx.fail(t, fmt::format("Point-in-time recovery keeps only {} days; at least {} are required "
                              "(dynamodb.min_pitr_days).", kept, min_days), days);
    } else {
      ctx.pass(t, fmt::format("Point-in-time recovery is enabled and keeps {} days (minimum {}).", kept, min_days),
               days.is_known() ? days : Field<int64_t>());
    }
  });
}

}  // namespace atrest
