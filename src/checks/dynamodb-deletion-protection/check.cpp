// dynamodb-deletion-protection: DeletionProtectionEnabled is true, so the table cannot be deleted
// until someone turns the protection off first (absent means off, as in the API).
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("dynamodb-deletion-protection") {
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    const Field<bool>& dp = t.deletion_protection;
    if (dp.is_unknown()) {
      ctx.unknown(t, fmt::format("Deletion protection is unknown: {}.", dp.reason()), dp);
    } else if (dp.is_known() && dp.value()) {
      ctx.pass(t, "Deletion protection is enabled.", dp);
    } else {
      ctx.fail(t, dp.is_absent() ? "Deletion protection is not set (off by default): one DeleteTable call "
                                   "removes the table and its point-in-time recovery history."
                                 : "Deletion protection is disabled: one DeleteTable call removes the table "
                                   "and its point-in-time recovery history.",
               dp);
    }
  });
}

}  // namespace atrest
