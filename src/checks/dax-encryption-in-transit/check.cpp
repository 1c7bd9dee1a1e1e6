// dax-encryption-in-transit: the cluster endpoint requires TLS.
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("dax-encryption-in-transit") {
  ctx.for_each(ctx.inventory.dax_clusters(), [&](const DaxCluster& c) {
    const Field<std::string>& enc = c.endpoint_encryption;
    if (enc.is_unknown()) {
      ctx.unknown(c, fmt::format("Endpoint encryption cannot be decided: {}.", enc.reason()), enc);
    } else if (enc.is_absent()) {
      ctx.fail(c, "ClusterEndpointEncryptionType is not set, which means NONE: clients talk to "
                  "the cluster in plaintext.", enc);
    } else if (iequals(enc.value(), "TLS")) {
      ctx.pass(c, "The cluster endpoint requires TLS (daxs:// on port 9111).", enc);
    } else {
      ctx.fail(c, fmt::format("ClusterEndpointEncryptionType is {}: clients talk to the cluster in "
                              "plaintext.", enc.value()), enc);
    }
  });
}

}  // namespace atrest
