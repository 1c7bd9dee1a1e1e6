// elasticache-encryption-in-transit: TLS is on and required. TransitEncryptionMode "preferred"
// still accepts plaintext connections, so it fails.
#include <fmt/format.h>

#include "checks/elasticache_scope.h"

namespace atrest {

ATREST_CHECK("elasticache-encryption-in-transit") {
  ctx.for_each(ctx.inventory.caches(), [&](const ElastiCache& c) {
    if (c.type == ResourceType::kElastiCacheServerlessCache) {
      ctx.pass(c, "Serverless caches always require TLS.");
      return;
    }
    if (judged_through_group(ctx, c)) return;
    const Field<bool>& tls = c.transit_encryption;
    if (tls.is_unknown()) {
      ctx.unknown(c, fmt::format("Encryption in transit cannot be decided: {}.", tls.reason()), tls);
      return;
    }
    if (tls.is_absent() || !tls.value()) {
      ctx.fail(c, fmt::format("Encryption in transit is {}: clients and replicas exchange data in "
                              "plaintext.", tls.is_absent() ? "not set (off by default)" : "disabled"), tls);
      return;
    }
    const Field<std::string>& mode = c.transit_encryption_mode;
    if (mode.is_unknown()) {
      ctx.unknown(c, fmt::format("TLS is on but its mode cannot be decided: {}.", mode.reason()), mode);
    } else if (mode.is_known() && iequals(mode.value(), "preferred")) {
      ctx.fail(c, "TLS is on but TransitEncryptionMode is preferred, so plaintext connections "
                  "are still accepted; set it to required.", mode);
    } else {
      ctx.pass(c, mode.is_known() ? fmt::format("TLS is on and TransitEncryptionMode is {}.", mode.value())
                                  : std::string("TLS is on and required."), tls);
    }
  });
}

}  // namespace atrest
