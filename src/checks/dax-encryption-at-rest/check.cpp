// dax-encryption-at-rest: the cluster's SSE status is ENABLED (or ENABLING).
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("dax-encryption-at-rest") {
  ctx.for_each(ctx.inventory.dax_clusters(), [&](const DaxCluster& c) {
    const Field<std::string>& sse = c.sse_status;
    if (sse.is_unknown()) {
      ctx.unknown(c, fmt::format("Encryption at rest cannot be decided: {}.", sse.reason()), sse);
    } else if (sse.is_absent()) {
      ctx.fail(c, "No server-side encryption is configured: cached items, logs and "
                  "configuration on the nodes are stored unencrypted.", sse);
    } else if (iequals(sse.value(), "ENABLED")) {
      ctx.pass(c, "Encryption at rest is ENABLED.", sse);
    } else if (iequals(sse.value(), "ENABLING")) {
      ctx.pass(c, "Encryption at rest is ENABLING: the cluster is being created with it turned on.", sse);
    } else {
      ctx.fail(c, fmt::format("Encryption at rest is {}: cached items are stored unencrypted.",
                              sse.value()), sse);
    }
  });
}

}  // namespace atrest
