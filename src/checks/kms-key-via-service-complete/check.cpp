// kms-key-via-service-complete: a key used by ElastiCache whose policy limits use with
// kms:ViaService names both elasticache.REGION.amazonaws.com and dax.REGION.amazonaws.com.
// ElastiCache calls KMS through both services, so a policy naming only one of them breaks
// the cache's access to its key.
#include <fmt/format.h>

#include <algorithm>

#include "checks/check.h"
#include "checks/kms_key_ref.h"
#include "checks/policy.h"

namespace atrest {

namespace {
// Whether a kms:ViaService value (a pattern under StringLike) covers the service endpoint in
// the region, or in any region when the region is not known.
bool names_service(const std::vector<std::string>& values, std::string_view service, const std::string* region) {
  // China Regions' endpoints end in amazonaws.com.cn.
  const auto endpoint = [&](std::string_view r) {
    return fmt::format("{}.{}.amazonaws.com{}", service, r, r.starts_with("cn-") ? ".cn" : "");
  };
  return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
    if (region != nullptr) return wildcard_match(v, endpoint(*region));
    // Region not known: a literal endpoint of the service, or a pattern covering it in some Region.
    return (v.starts_with(std::string(service) + ".") &&
            (v.ends_with(".amazonaws.com") || v.ends_with(".amazonaws.com.cn"))) ||
           wildcard_match(v, endpoint("us-east-1"));
  });
}

}  // namespace

ATREST_CHECK("kms-key-via-service-complete") {
  const std::unordered_map<const KmsKey*, KeyUsers> users = users_by_key(ctx.inventory);
  ctx.for_each(ctx.inventory.kms_keys(), [&](const KmsKey& k) {
    if (k.key_manager.is_known() && !iequals(k.key_manager.value(), "CUSTOMER")) return;
    auto it = users.find(&k);
    if (it == users.end() || it->second.caches.empty()) return;  // not an ElastiCache key
    std::vector<std::string> caches;
    for (const ElastiCache* c : it->second.caches) caches.push_back(c->id);
    const std::string users = fmt::format("{}", fmt::join(caches, ", "));
    const auto& policy = k.policy;
    if (policy.is_unknown()) {
      ctx.unknown(k, fmt::format("The key policy of this key (used by {}) is unknown: {}.", users, policy.reason()),
                  policy);
      return;
    }
    if (policy.is_absent()) {
      ctx.pass(k, fmt::format("The key (used by {}) has the default key policy, which does not limit use with "
                              "kms:ViaService.", users), policy);
      return;
    }
    PolicyDocument doc;
    if (std::string err = parse_policy(policy.value(), doc); !err.empty()) {
      ctx.unknown(k, fmt::format("The key policy of {} cannot be read: {}.", k.id, err), policy);
      return;
    }
    const ViaServiceUse via = via_service_values(doc);
    // A Deny "unless through these services" must let both ElastiCache endpoints through.
    std::vector<std::string> blocking;
    for (const ViaServiceDenial& d : via.denials) {
      const bool deferred = std::any_of(d.services.begin(), d.services.end(),
                                        [](const std::string& v) { return v.find("${") != std::string::npos; });
      if (deferred) continue;
      const bool e = names_service(d.services, "elasticache", k.region), x = names_service(d.services, "dax", k.region);
      if (!(e && x)) {
        blocking.push_back(fmt::format("{} denies key use unless kms:ViaService is {} (missing {})", d.statement,
                                       fmt::join(d.services, ", "), !e && !x ? "elasticache and dax" : e ? "dax" : "elasticache"));
      }
    }
    if (!blocking.empty()) {
      const std::string region = k.region != nullptr ? *k.region : std::string("REGION");
      ctx.fail(k, fmt::format("The key policy blocks what ElastiCache ({}) needs: {}; both elasticache.{}.amazonaws.com "
                              "and dax.{}.amazonaws.com must be allowed.", users, fmt::join(blocking, "; "), region, region),
               policy);
      return;
    }
    if (!via.limited) {
      ctx.pass(k, via.denials.empty()
                      ? fmt::format("The key policy does not limit use with kms:ViaService (key used by {}).", users)
                      : fmt::format("The key policy denies use outside named services only with lists that include "
                                    "both elasticache and dax (key used by {}).", users),
               policy);
      return;
    }
    const std::string region = k.region != nullptr ? *k.region : std::string("REGION");
    const bool elasticache = names_service(via.services, "elasticache", k.region);
    const bool dax = names_service(via.services, "dax", k.region);
    const std::string named = fmt::format("{}", fmt::join(via.services, ", "));
    // A template value left to deploy time (an endpoint built from an unknown Region) could
    // name either service.
    std::vector<std::string> unresolved;
    for (const std::string& v : via.services) {
      if (v.find("${") != std::string::npos) unresolved.push_back(v);
    }
    if (!(elasticache && dax) && !unresolved.empty()) {
      ctx.unknown(k, fmt::format("A kms:ViaService value is known only at deploy time ({}), so whether both "
                                 "elasticache and dax endpoints are named cannot be told.",
                                 fmt::join(unresolved, ", ")), policy);
      return;
    }
    if (elasticache && dax) {
      ctx.pass(k, fmt::format("kms:ViaService names both elasticache.{0}.amazonaws.com and dax.{0}.amazonaws.com.",
                              region), policy);
    } else if (elasticache || dax) {
      ctx.fail(k, fmt::format("The key policy limits use with kms:ViaService to {} but does not name {}.{}.amazonaws.com; "
                              "ElastiCache ({}) needs both elasticache.{}.amazonaws.com and dax.{}.amazonaws.com.",
                              named, elasticache ? "dax" : "elasticache", region, users, region, region),
               policy);
    } else {
      // The ViaService statements concern other services; ElastiCache's use of the key goes through
      // the policy's other statements.
      ctx.pass(k, fmt::format("The kms:ViaService conditions name only other services ({}); ElastiCache ({}) uses "
                              "the key through the policy's other statements.", named, users), policy);
    }
  });
}

}  // namespace atrest
