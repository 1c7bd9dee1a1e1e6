// dynamodb-required-tags: the table carries every tag key listed in dynamodb.required_tags
// (default Environment and Security). Keys match exactly, as AWS tag keys are case sensitive.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "checks/check.h"

namespace atrest {

ATREST_CHECK("dynamodb-required-tags") {
  const std::vector<std::string>& required = ctx.settings.dynamodb_required_tags;
  ctx.for_each(ctx.inventory.tables(), [&](const DynamoDbTable& t) {
    if (required.empty()) {
      ctx.pass(t, "No tag is required (dynamodb.required_tags is empty).");
      return;
    }
    if (t.tags.is_unknown()) {
      ctx.unknown(t, fmt::format("The table's tags are unknown: {}.", t.tags.reason()), t.tags);
      return;
    }
    std::vector<std::string> missing;
    for (const std::string& key : required) {
      bool present = false;
      if (t.tags.is_known()) {
        for (const Tag& tag : t.tags.value()) present = present || tag.key == key;
      }
      if (!present) missing.push_back(key);
    }
    const std::string list = fmt::format("{}", fmt::join(required, ", "));
    if (missing.empty()) {
      ctx.pass(t, fmt::format("The table has the required tags ({}).", list), t.tags);
    } else {
      ctx.fail(t, fmt::format("The table lacks required tag(s) {} (dynamodb.required_tags: {}); keys are case "
                              "sensitive.", fmt::format("{}", fmt::join(missing, ", ")), list),
               t.tags);
    }
  });
}

}  // namespace atrest
