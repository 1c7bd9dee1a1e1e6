// dax-multi-az: nodes span at least dax_min_azs distinct Availability Zones. Counts distinct
// zones, not nodes (three nodes in one zone are one zone).
#include <fmt/format.h>

#include <algorithm>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("dax-multi-az") {
  const int min_azs = ctx.settings.dax_min_azs;
  ctx.for_each(ctx.inventory.dax_clusters(), [&](const DaxCluster& c) {
    const auto& zones = c.node_availability_zones;
    if (zones.is_known() && !zones.value().empty()) {
      std::vector<std::string> distinct = zones.value();
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      const int count = static_cast<int>(distinct.size());
      const std::string list = fmt::format("{}", fmt::join(distinct, ", "));
      const int64_t listed = static_cast<int64_t>(zones.value().size());
      const int64_t unlisted = c.total_nodes.is_known() ? c.total_nodes.value() - listed : 0;
      if (count >= min_azs) {
        ctx.pass(c, fmt::format("{} nodes span {} Availability Zones ({}).", zones.value().size(),
                                count, list));
      } else if (unlisted > 0 && count + unlisted >= min_azs) {
        // Nodes still being added report no zone yet; they may land in the missing zones.
        ctx.unknown(c, fmt::format("{} of {} nodes report a zone, spanning {} ({}); the other {} could "
                                   "still reach {} zones.", listed, c.total_nodes.value(), count, list,
                                   unlisted, min_azs));
      } else {
        ctx.fail(c, fmt::format("{} node(s) span only {} Availability Zone(s) ({}); at least {} "
                                "are needed to survive the loss of a zone.",
                                zones.value().size(), count, list, min_azs));
      }
      return;
    }
    // No node placement to read (a cluster still being created): the node count alone can
    // still prove a failure, never a pass.
    if (c.total_nodes.is_known() && c.total_nodes.value() < min_azs) {
      ctx.fail(c, fmt::format("The cluster has {} node(s), so it cannot span {} Availability Zones.",
                              c.total_nodes.value(), min_azs));
      return;
    }
    std::string why = zones.is_unknown() ? std::string(zones.reason())
                                         : std::string("the cluster reports no node placement");
    if (c.status.is_known()) why += fmt::format(" (cluster status {})", c.status.value());
    ctx.unknown(c, fmt::format("Availability Zone spread cannot be decided: {}.", why));
  });
}

}  // namespace atrest
