// Inventory de-duplication and cross-resource lookups.
#include "model/inventory.h"

#include "util/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <unordered_set>

namespace atrest {
namespace {

std::string scoped(const std::string* account, const std::string* region, std::string_view id) {
  std::string k;
  k.reserve(40 + id.size());
  if (account) k += *account;
  k += '|';
  if (region) k += *region;
  k += '|';
  k += id;
  return k;
}

}  // namespace

size_t Inventory::IdentityHash::operator()(const IdentityKey& k) const {
  size_t h = std::hash<std::string_view>{}(k.id);
  h ^= std::hash<const void*>{}(k.account) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<const void*>{}(k.region) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<const void*>{}(k.file) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<const void*>{}(k.scenario) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h ^ static_cast<size_t>(k.type);
}

// Two readings without account and region (saved outputs that name neither) are the same resource
// only when they come from the same file: otherwise two accounts' "orders" tables would merge and
// one's read error vanish.
static Inventory::IdentityKey dedupe_identity(const Resource& r) {
  Inventory::IdentityKey key = Inventory::identity(r);
  if (key.account == nullptr && key.region == nullptr && key.file == nullptr) key.file = r.origin.identity_file();
  return key;
}

// Keeps one entry per (type, account, region, id): the most detailed, then the newest
// observation, then the last added; drops it when that observation says it was deleted. Order of
// first appearance is kept so reports are stable.
template <class T>
void dedupe(std::vector<T>& items) {
  using IdentityKey = Inventory::IdentityKey;
  using IdentityHash = Inventory::IdentityHash;
  // Pass 1 picks a winner per identity without moving anything, so the keys' views stay valid.
  std::unordered_map<IdentityKey, size_t, IdentityHash> winner;
  winner.reserve(items.size());
  std::vector<size_t> first_seen;
  first_seen.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const T& r = items[i];
    auto [it, inserted] = winner.emplace(dedupe_identity(r), i);
    if (inserted) {
      first_seen.push_back(i);
      continue;
    }
    const T& kept = items[it->second];
    // A copy that could be read beats one that could not (a key one account may not describe
    // while another account describes it).
    const bool readable = r.read_error == nullptr, kept_readable = kept.read_error == nullptr;
    if (readable != kept_readable) {
      if (readable) it->second = i;
      continue;
    }
    if (r.detail > kept.detail || (r.detail == kept.detail && r.observed_at >= kept.observed_at)) {
      it->second = i;
    }
  }
  // A deleted KMS key stays as a tombstone: tables that still name it must learn it is gone.
  constexpr bool keep_tombstones = std::is_same_v<T, KmsKey>;
  if (first_seen.size() == items.size()) {  // no duplicates: the common case
    if (!keep_tombstones) std::erase_if(items, [](const T& r) { return r.deleted; });
    return;
  }
  // Resolve every winner before moving any resource: moving invalidates the keys' views.
  for (size_t& i : first_seen) {
    const T& r = items[i];
    i = winner.at(dedupe_identity(r));
  }
  std::vector<T> out;
  out.reserve(first_seen.size());
  for (size_t w : first_seen) {
    if (keep_tombstones || !items[w].deleted) out.push_back(std::move(items[w]));
  }
  items = std::move(out);
}

namespace {
template <class T>
void append(std::vector<T>& into, std::vector<T>& from) {
  if (into.empty()) {
    into.swap(from);
  } else {
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  from.clear();
}
}  // namespace

void Inventory::absorb(Inventory&& other) {
  // Both inventories list their vectors in the same order: pair them up by position.
  std::vector<void*> theirs;
  other.for_each_list_impl([&](auto& v) { theirs.push_back(&v); });
  size_t i = 0;
  for_each_list_impl([&](auto& v) { append(v, *static_cast<std::remove_reference_t<decltype(v)>*>(theirs[i++])); });
  for (auto& [alias, target] : other.alias_targets_) alias_targets_[alias] = std::move(target);
  for (AwsAliasTarget& t : other.aws_alias_targets_) aws_alias_targets_.push_back(std::move(t));
}

namespace {
template <class T>
void count_distinct(const std::vector<T>& items, size_t& n,
                    std::unordered_set<Inventory::IdentityKey, Inventory::IdentityHash>& seen) {
  for (const T& r : items) {
    if (r.deleted || r.reference_only) continue;
    Inventory::IdentityKey key = Inventory::identity(r);
    key.scenario = nullptr;  // variants and nested readings of one resource count once
    if (seen.insert(key).second) ++n;
  }
}
}  // namespace

size_t Inventory::distinct_size() const {
  size_t n = 0;
  std::unordered_set<IdentityKey, IdentityHash> variants;
  for_each_list([&](const auto& v) { count_distinct(v, n, variants); });
  return n;
}

void Inventory::add_kms_alias(const std::string* account, const std::string* region, const std::string* file,
                              std::string alias, std::string target_key_id) {
  if (file == nullptr && alias.starts_with("alias/aws/")) aws_alias_targets_.push_back({account, region, target_key_id});
  std::string key = scoped(account, region, alias);
  if (file != nullptr) key += '|' + *file;
  alias_targets_[std::move(key)] = std::move(target_key_id);
}

namespace {
// One scope per account and region, whichever inputs listed what: snapshots add one per file,
// live scans one per region, and checks judge each scope once.
void merge_account_regions(std::vector<AccountRegion>& scopes) {
  std::vector<AccountRegion> merged;
  for (AccountRegion& s : scopes) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const AccountRegion& m) {
      return m.account == s.account && m.region == s.region;
    });
    if (same == merged.end()) {
      s.id = s.account != nullptr ? *s.account : std::string("?");
      if (s.region != nullptr) s.id += "/" + *s.region;
      merged.push_back(std::move(s));
      continue;
    }
    for (Collection c : s.listed) {
      if (std::find(same->listed.begin(), same->listed.end(), c) == same->listed.end()) same->listed.push_back(c);
    }
    for (auto& failure : s.failed) same->failed.push_back(std::move(failure));
  }
  scopes = std::move(merged);
}
}  // namespace

void Inventory::finalize() {
  merge_account_regions(account_regions_);
  for_each_list_impl([](auto& v) { dedupe(v); });
  keys_by_arn_.clear();
  keys_by_id_.clear();
  keys_by_arn_.reserve(kms_keys_.size());
  keys_by_id_.reserve(kms_keys_.size());
  for (size_t i = 0; i < kms_keys_.size(); ++i) {
    const KmsKey& k = kms_keys_[i];
    // Real descriptions of a key win over keys known only because a template names them.
    auto index = [&](auto& map, auto key) {
      auto [it, inserted] = map.emplace(key, i);
      if (!inserted && kms_keys_[it->second].reference_only && !k.reference_only) it->second = i;
    };
    if (k.arn.is_known()) index(keys_by_arn_, std::string_view(k.arn.value()));
    index(keys_by_id_, identity(k));
  }
  // AWS reserves alias/aws/* for its managed keys: a key such an alias points at is AWS
  // managed whatever KeyManager says (emulators report CUSTOMER for them).
  for (const AwsAliasTarget& t : aws_alias_targets_) {
    KmsKey probe;
    probe.account = t.account;
    probe.region = t.region;
    probe.id = t.key_id;
    auto it = keys_by_id_.find(identity(probe));
    if (it == keys_by_id_.end()) continue;
    KmsKey& k = kms_keys_[it->second];
    if (!k.key_manager.is_known() || k.key_manager.value() != "AWS") {
      k.key_manager = Field<std::string>::known("AWS");
    }
  }
  caches_by_id_.clear();
  caches_by_id_.reserve(caches_.size());
  for (size_t i = 0; i < caches_.size(); ++i) {
    const ElastiCache& c = caches_[i];
    caches_by_id_.emplace(identity(c), i);
  }
  members_by_group_.clear();
  for (const ElastiCache& c : caches_) {
    if (c.type != ResourceType::kElastiCacheCacheCluster || c.reference_only || c.deleted ||
        !c.replication_group_id.is_known()) {
      continue;
    }
    IdentityKey group = identity(c);
    group.type = ResourceType::kElastiCacheReplicationGroup;
    group.id = c.replication_group_id.value();
    group.scenario = nullptr;
    members_by_group_[group].push_back(&c);
  }
  subnet_groups_by_id_.clear();
  for (size_t i = 0; i < subnet_groups_.size(); ++i) {
    IdentityKey key = identity(subnet_groups_[i]);
    key.scenario = nullptr;
    subnet_groups_by_id_.emplace(key, i);  // the first variant, as the scan before it did
  }
}

const std::vector<const ElastiCache*>& Inventory::members_of(const ElastiCache& group) const {
  static const std::vector<const ElastiCache*> kNone;
  if (group.type != ResourceType::kElastiCacheReplicationGroup) return kNone;
  IdentityKey key = identity(group);
  key.scenario = nullptr;
  auto it = members_by_group_.find(key);
  return it == members_by_group_.end() ? kNone : it->second;
}

const ElastiCache* Inventory::find_cache(ResourceType type, std::string_view id, const Resource& from) const {
  IdentityKey key = identity(from);
  key.type = type;
  key.id = id;
  auto it = caches_by_id_.find(key);
  return it == caches_by_id_.end() ? nullptr : &caches_[it->second];
}

const SubnetGroup* Inventory::find_subnet_group(ResourceType type, std::string_view id, const Resource& from) const {
  IdentityKey want = identity(from);
  want.type = type;
  want.id = id;
  want.scenario = nullptr;
  auto it = subnet_groups_by_id_.find(want);
  return it == subnet_groups_by_id_.end() ? nullptr : &subnet_groups_[it->second];
}

const std::string* Inventory::coverage_gap(Collection c, const Resource& from) const {
  for (const AccountRegion& scope : account_regions_) {
    if (scope.account != from.account || scope.region != from.region) continue;
    for (const auto& [failed, why] : scope.failed) {
      if (failed == c) return intern(why);
    }
    if (std::find(scope.listed.begin(), scope.listed.end(), c) != scope.listed.end()) return nullptr;
  }
  return intern(fmt::format("{} were not read for this account and region", collection_name(c)));
}

const KmsKey* Inventory::find_kms_key(std::string_view ref, const Resource& from) const {
  const std::string* account = from.account;
  const std::string* region = from.region;
  std::string_view name = ref;
  Arn arn;
  if (parse_arn(ref, arn)) {
    if (arn.resource.starts_with("key/")) {
      if (auto it = keys_by_arn_.find(ref); it != keys_by_arn_.end()) return &kms_keys_[it->second];
      name = arn.resource.substr(4);
    } else {
      name = arn.resource;  // "alias/..."
    }
    account = arn.account.empty() ? nullptr : intern(arn.account);
    region = arn.region.empty() ? nullptr : intern(arn.region);
  }
  std::string key_id(name);
  const std::string* file = is_iac(from.origin.kind) ? from.origin.identity_file() : nullptr;
  if (name.starts_with("alias/")) {
    const std::string global = scoped(account, region, name);
    auto it = alias_targets_.find(global);
    if (it == alias_targets_.end() && file != nullptr) it = alias_targets_.find(global + '|' + *file);
    if (it == alias_targets_.end()) return nullptr;
    key_id = it->second;
  }
  // A key described by the account (global) first, then a key of the referring template.
  for (const std::string* scope_file : {static_cast<const std::string*>(nullptr), file}) {
    auto it = keys_by_id_.find(IdentityKey{account, region, scope_file, nullptr, ResourceType::kKmsKey, key_id});
    if (it != keys_by_id_.end()) return &kms_keys_[it->second];
    if (file == nullptr) break;
  }
  return nullptr;
}

}  // namespace atrest
