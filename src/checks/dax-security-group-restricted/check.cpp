// dax-security-group-restricted: no security group of the cluster allows inbound traffic to the
// DAX ports (8111 plain, 9111 TLS) from anywhere (0.0.0.0/0 or ::/0). Rules for other ports,
// other protocols than TCP, and sources that are networks, groups or prefix lists pass.
#include <fmt/format.h>

#include "checks/check.h"

namespace atrest {

namespace {
constexpr int64_t kDaxPorts[] = {8111, 9111};

// A group named by the cluster: by id in the same account and region, or by logical name in
// the same template. A variant of the same scenario is preferred.
const SecurityGroup* find_group(const Inventory& inv, const std::string& ref, const Resource& from) {
  const SecurityGroup* found = nullptr;
  for (const SecurityGroup& g : inv.security_groups()) {
    if (g.id != ref && !(g.arn.is_known() && g.arn.value() == ref)) continue;
    if (is_iac(from.origin.kind) != is_iac(g.origin.kind)) continue;
    if (is_iac(from.origin.kind) ? g.origin.identity_file() != from.origin.identity_file()
                                 : (g.account != from.account || g.region != from.region)) {
      continue;
    }
    if (g.scenario == from.scenario) return &g;
    if (found == nullptr) found = &g;
  }
  return found;
}

// An all-addresses CIDR: any IPv4 or IPv6 block with prefix length 0.
bool is_world(const Field<std::string>& cidr) {
  return cidr.is_known() && cidr.value().ends_with("/0");
}

bool is_all_protocols(const std::string& p) { return p == "-1" || iequals(p, "all"); }
bool is_tcp(const std::string& p) { return iequals(p, "tcp") || p == "6"; }

enum class Exposure { kNone, kOpen, kUnknown };

struct RuleVerdict {
  Exposure exposure = Exposure::kNone;
  std::string detail;
};

RuleVerdict judge(const IngressRule& rule) {
  const bool world4 = is_world(rule.cidr_ipv4), world6 = is_world(rule.cidr_ipv6);
  std::string source = world4 ? rule.cidr_ipv4.value() : world6 ? rule.cidr_ipv6.value() : std::string();
  if (source.empty()) {
    if (rule.cidr_ipv4.is_unknown()) {
      return {Exposure::kUnknown, fmt::format("a rule's source CIDR is unknown ({})", rule.cidr_ipv4.reason())};
    }
    if (rule.cidr_ipv6.is_unknown()) {
      return {Exposure::kUnknown, fmt::format("a rule's source CIDR is unknown ({})", rule.cidr_ipv6.reason())};
    }
    return {};
  }
  if (rule.protocol == "?") return {Exposure::kUnknown, fmt::format("a rule open to {} has an unknown protocol", source)};
  if (is_all_protocols(rule.protocol)) return {Exposure::kOpen, fmt::format("all traffic from {}", source)};
  if (!is_tcp(rule.protocol)) return {};
  if (!rule.from_port.is_known() || !rule.to_port.is_known()) {
    // A TCP rule without ports is every port.
    if (rule.from_port.is_absent() && rule.to_port.is_absent()) {
      return {Exposure::kOpen, fmt::format("every TCP port from {}", source)};
    }
    const auto& bad = rule.from_port.is_known() ? rule.to_port : rule.from_port;
    return {Exposure::kUnknown, fmt::format("a rule open to {} has an unknown port ({})", source, bad.reason())};
  }
  const int64_t from = rule.from_port.value(), to = rule.to_port.value();
  // -1 as a TCP port range means every port (the API's way of writing "all").
  if (from == -1 || to == -1) return {Exposure::kOpen, fmt::format("every TCP port from {}", source)};
  for (int64_t port : kDaxPorts) {
    if (from <= port && port <= to) {
      return {Exposure::kOpen, from == to ? fmt::format("TCP {} from {}", port, source)
                                          : fmt::format("TCP {}-{} (includes {}) from {}", from, to, port, source)};
    }
  }
  return {};
}
}  // namespace

ATREST_CHECK("dax-security-group-restricted") {
  ctx.for_each(ctx.inventory.dax_clusters(), [&](const DaxCluster& c) {
    const auto& ids = c.security_group_ids;
    if (ids.is_unknown()) {
      ctx.unknown(c, fmt::format("The cluster's security groups are unknown: {}.", ids.reason()), ids);
      return;
    }
    if (ids.is_absent() || ids.value().empty()) {
      ctx.unknown(c, "The cluster names no security group, so it uses the VPC's default security group, whose "
                     "rules were not read.", ids);
      return;
    }
    std::vector<std::string> open, unknown;
    for (const std::string& id : ids.value()) {
      const SecurityGroup* g = find_group(ctx.inventory, id, c);
      if (g == nullptr) {
        unknown.push_back(fmt::format("security group {} was not read", id));
        continue;
      }
      if (g->read_error != nullptr) {
        unknown.push_back(fmt::format("security group {} could not be read: {}", id, *g->read_error));
        continue;
      }
      if (!g->ingress.is_known()) {
        unknown.push_back(fmt::format("the inbound rules of {} are unknown: {}", id,
                                      g->ingress.is_unknown() ? g->ingress.reason() : "not reported"));
        continue;
      }
      for (const IngressRule& rule : g->ingress.value()) {
        RuleVerdict v = judge(rule);
        if (v.exposure == Exposure::kOpen) open.push_back(fmt::format("{} allows {}", id, v.detail));
        if (v.exposure == Exposure::kUnknown) unknown.push_back(fmt::format("{}: {}", id, v.detail));
      }
    }
    if (!open.empty()) {
      ctx.fail(c, fmt::format("The cluster's DAX ports (8111, 9111) are reachable from the internet: {}.",
                              fmt::join(open, "; ")), ids);
    } else if (!unknown.empty()) {
      ctx.unknown(c, fmt::format("Whether the DAX ports are open to the internet cannot be decided: {}.",
                                 fmt::join(unknown, "; ")), ids);
    } else {
      ctx.pass(c, fmt::format("No security group of the cluster ({}) allows 8111 or 9111 from 0.0.0.0/0 or ::/0.",
                              fmt::join(ids.value(), ", ")), ids);
    }
  });
}

}  // namespace atrest
