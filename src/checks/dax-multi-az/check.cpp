// dax-multi-az: nodes span at least dax_min_azs distinct Availability Zones. Counts distinct
// zones, not nodes (three nodes in one zone are one zone).
#include <fmt/format.h>

#include <algorithm>

#include "checks/check.h"

namespace atrest {

namespace {
std::vector<std::string> distinct(std::vector<std::string> zones) {
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  return zones;
}
}  // namespace

ATREST_CHECK("dax-multi-az") {
  const int min_azs = ctx.settings.dax_min_azs;
  ctx.for_each(ctx.inventory.dax_clusters(), [&](const DaxCluster& c) {
    const auto& zones = c.node_availability_zones;
    if (zones.is_known() && !zones.value().empty()) {
      const std::vector<std::string> spread = distinct(zones.value());
      const int count = static_cast<int>(spread.size());
      const std::string list = fmt::format("{}", fmt::join(spread, ", "));
      const int64_t listed = static_cast<int64_t>(zones.value().size());
      const int64_t unlisted = c.total_nodes.is_known() ? c.total_nodes.value() - listed : 0;
      if (count >= min_azs) {
        ctx.pass(c, fmt::format("{} nodes span {} Availability Zones ({}).", listed, count, list), zones);
      } else if (unlisted > 0 && count + unlisted >= min_azs) {
        // Nodes still being added report no zone yet; they may land in the missing zones.
        ctx.unknown(c, fmt::format("{} of {} nodes report a zone, spanning {} ({}); the other {} could "
                                   "still reach {} zones.", listed, c.total_nodes.value(), count, list,
                                   unlisted, min_azs), zones);
      } else {
        ctx.fail(c, fmt::format("{} node(s) span only {} Availability Zone(s) ({}); at least {} "
                                "are needed to survive the loss of a zone.", listed, count, list, min_azs),
                 zones);
      }
      return;
    }
    // No node placement to read: the node count alone can prove a failure.
    if (c.total_nodes.is_known() && c.total_nodes.value() < min_azs) {
      ctx.fail(c, fmt::format("The cluster has {} node(s), so it cannot span {} Availability Zones.",
                              c.total_nodes.value(), min_azs), c.total_nodes);
      return;
    }
    const auto& requested = c.requested_availability_zones;
    if (requested.is_known() && !requested.value().empty()) {
      const std::vector<std::string> spread = distinct(requested.value());
      const int count = static_cast<int>(spread.size());
      const std::string list = fmt::format("{}", fmt::join(spread, ", "));
      if (count >= min_azs) {
        ctx.pass(c, fmt::format("The nodes are placed in {} Availability Zones ({}).", count, list), requested);
      } else {
        ctx.fail(c, fmt::format("The nodes are placed in only {} Availability Zone(s) ({}); at least {} "
                                "are needed to survive the loss of a zone.", count, list, min_azs),
                 requested);
      }
      return;
    }
    // No zones requested: DAX spreads the nodes over the subnet group's zones, so a group with
    // fewer subnets than zones needed cannot give the spread.
    if (requested.is_absent() && c.subnet_group.is_known()) {
      const SubnetGroup* group = ctx.inventory.find_subnet_group(ResourceType::kDaxSubnetGroup, c.subnet_group.value(), c);
      if (group != nullptr && group->subnet_ids.is_known() &&
          static_cast<int>(group->subnet_ids.value().size()) < min_azs) {
        ctx.fail(c, fmt::format("The subnet group {} has {} subnet(s), so DAX cannot spread the nodes over {} "
                                "Availability Zones.", c.subnet_group.value(), group->subnet_ids.value().size(),
                                min_azs), c.subnet_group);
        return;
      }
    }
    if (requested.is_absent() && c.total_nodes.is_known()) {
      ctx.pass(c, fmt::format("{} nodes and no zones requested: DAX spreads the nodes over the subnet "
                              "group's Availability Zones (make sure it spans at least {}).",
                              c.total_nodes.value(), min_azs), c.total_nodes);
      return;
    }
    std::string why = zones.is_unknown() ? std::string(zones.reason())
                                         : std::string("the cluster reports no node placement");
    if (requested.is_unknown() && requested.line() != 0) why = std::string(requested.reason());
    if (c.total_nodes.is_unknown() && c.total_nodes.line() != 0) why = std::string(c.total_nodes.reason());
    if (c.status.is_known()) why += fmt::format(" (cluster status {})", c.status.value());
    ctx.unknown(c, fmt::format("Availability Zone spread cannot be decided: {}.", why),
                requested.line() != 0 ? requested : c.total_nodes.line() != 0 ? Field<std::vector<std::string>>() : zones);
  });
}

}  // namespace atrest
