// Shared by the checks that look at the KMS key a resource uses.
#pragma once

#include <string_view>
#include <unordered_map>
#include <vector>

#include "checks/check.h"

namespace atrest {

// Finds the key `ref` (as the resource names it) in the inventory. When the key is not there, or
// could not be read, reports UNKNOWN or ERROR for `r` and returns null. A deleted key is
// returned (key->deleted), for the caller to judge.
const KmsKey* find_key_or_report(CheckContext& ctx, const Resource& r, std::string_view ref,
                                 const Field<std::string>& where);

// The tables and caches that use each key, found in one pass over them (a scan holds many keys).
struct KeyUsers {
  std::vector<const DynamoDbTable*> tables;
  std::vector<const ElastiCache*> caches;
};
std::unordered_map<const KmsKey*, KeyUsers> users_by_key(const Inventory& inventory);

}  // namespace atrest
