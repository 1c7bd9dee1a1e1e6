// Inventory: every resource the sources found, de-duplicated, with the lookups checks need to
// look across resources (a table's KMS key by ARN, alias or id).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/resources.h"

namespace atrest {

class Inventory {
 public:
  void add(DaxCluster r) { dax_clusters_.push_back(std::move(r)); }
  void add(DynamoDbTable r) { tables_.push_back(std::move(r)); }
  void add(ElastiCache r) { caches_.push_back(std::move(r)); }
  void add(KmsKey r) { kms_keys_.push_back(std::move(r)); }
  void add(SubnetGroup r) { subnet_groups_.push_back(std::move(r)); }
  void add(SecurityGroup r) { security_groups_.push_back(std::move(r)); }
  void add(IamRole r) { iam_roles_.push_back(std::move(r)); }
  void add(IamPolicy r) { iam_policies_.push_back(std::move(r)); }
  void add(Subnet r) { subnets_.push_back(std::move(r)); }
  void add(RouteTable r) { route_tables_.push_back(std::move(r)); }
  void add(VpcEndpoint r) { vpc_endpoints_.push_back(std::move(r)); }
  void add(BackupSelection r) { backup_selections_.push_back(std::move(r)); }
  void add(ScalableTarget r) { scalable_targets_.push_back(std::move(r)); }
  void add(Trail r) { trails_.push_back(std::move(r)); }
  void add(ConfigRecorder r) { config_recorders_.push_back(std::move(r)); }
  void add(AccountRegion r) { account_regions_.push_back(std::move(r)); }
  // Moves every resource and alias of `other` to the end of this inventory (in order).
  void absorb(Inventory&& other);
  // `file`: the template an alias is defined in (aliases of templates are per template), or null.
  void add_kms_alias(const std::string* account, const std::string* region, const std::string* file, std::string alias,
                     std::string target_key_id);

  // Drops duplicates and builds the lookup indexes. Call once, after all sources ran.
  void finalize();

  const std::vector<DaxCluster>& dax_clusters() const { return dax_clusters_; }
  const std::vector<DynamoDbTable>& tables() const { return tables_; }
  const std::vector<ElastiCache>& caches() const { return caches_; }
  const std::vector<KmsKey>& kms_keys() const { return kms_keys_; }
  const std::vector<SubnetGroup>& subnet_groups() const { return subnet_groups_; }
  const std::vector<SecurityGroup>& security_groups() const { return security_groups_; }
  const std::vector<IamRole>& iam_roles() const { return iam_roles_; }
  const std::vector<IamPolicy>& iam_policies() const { return iam_policies_; }
  const std::vector<Subnet>& subnets() const { return subnets_; }
  const std::vector<RouteTable>& route_tables() const { return route_tables_; }
  const std::vector<VpcEndpoint>& vpc_endpoints() const { return vpc_endpoints_; }
  const std::vector<BackupSelection>& backup_selections() const { return backup_selections_; }
  const std::vector<ScalableTarget>& scalable_targets() const { return scalable_targets_; }
  const std::vector<Trail>& trails() const { return trails_; }
  const std::vector<ConfigRecorder>& config_recorders() const { return config_recorders_; }
  const std::vector<AccountRegion>& account_regions() const { return account_regions_; }
  std::vector<SecurityGroup>& mutable_security_groups() { return security_groups_; }
  std::vector<DynamoDbTable>& mutable_tables() { return tables_; }
  std::vector<KmsKey>& mutable_kms_keys() { return kms_keys_; }
  std::vector<IamRole>& mutable_iam_roles() { return iam_roles_; }
  std::vector<IamPolicy>& mutable_iam_policies() { return iam_policies_; }
  std::vector<Trail>& mutable_trails() { return trails_; }
  std::vector<ConfigRecorder>& mutable_config_recorders() { return config_recorders_; }

  // Calls fn(vector) for every resource vector, in a fixed order.
  template <class Fn>
  void for_each_list(Fn&& fn) const {
    const_cast<Inventory*>(this)->for_each_list_impl([&](const auto& v) { fn(v); });
  }

  // The cache clusters that name `group` as their replication group, in its account and region
  // (and, for templates, its file). Empty for anything but a replication group.
  const std::vector<const ElastiCache*>& members_of(const ElastiCache& group) const;

  // Whether `c` was listed in the account and region of `from`: nullptr when it was listed
  // completely; otherwise why it cannot be relied on (the listing failed, or was not read).
  const std::string* coverage_gap(Collection c, const Resource& from) const;

  // Resolves a key reference as AWS does: key ARN, alias ARN, "alias/name" or a bare key id.
  // Bare ids and alias names are looked up in the account and region of the referring resource
  // (and, for templates, in its file first: a logical id names a key of the same template).
  const KmsKey* find_kms_key(std::string_view ref, const Resource& from) const;

  // A replication group, cache cluster or serverless cache by its id in an account and region.
  const ElastiCache* find_cache(ResourceType type, std::string_view id, const Resource& from) const;
  // A DAX or ElastiCache subnet group by name (or a template's logical id) where `from` would
  // find it.
  const SubnetGroup* find_subnet_group(ResourceType type, std::string_view id, const Resource& from) const;

  // Identity of a resource: account and region are interned, so pointers compare; the id is a
  // view into the resource itself (stable once finalize() has run), so keys allocate nothing.
  struct IdentityKey {
    const std::string* account;
    const std::string* region;
    const std::string* file;  // IaC only: logical names are per template
    const std::string* scenario;
    ResourceType type;
    std::string_view id;
    bool operator==(const IdentityKey&) const = default;
  };
  static IdentityKey identity(const Resource& r) {
    return {r.account, r.region, is_iac(r.origin.kind) ? r.origin.identity_file() : nullptr, r.scenario, r.type, r.id};
  }
  struct IdentityHash {
    size_t operator()(const IdentityKey& k) const;
  };
  // Resources a user would count: tombstones and keys known only by reference left out, and
  // the variants of one template resource counted once.
  size_t distinct_size() const;

  size_t size() const {
    size_t n = 0;
    for_each_list([&](const auto& v) { n += v.size(); });
    return n;
  }

 private:
  std::vector<DaxCluster> dax_clusters_;
  std::vector<DynamoDbTable> tables_;
  std::vector<ElastiCache> caches_;
  std::vector<KmsKey> kms_keys_;
  std::vector<SubnetGroup> subnet_groups_;
  std::vector<SecurityGroup> security_groups_;
  std::vector<IamRole> iam_roles_;
  std::vector<IamPolicy> iam_policies_;
  std::vector<Subnet> subnets_;
  std::vector<RouteTable> route_tables_;
  std::vector<VpcEndpoint> vpc_endpoints_;
  std::vector<BackupSelection> backup_selections_;
  std::vector<ScalableTarget> scalable_targets_;
  std::vector<Trail> trails_;
  std::vector<ConfigRecorder> config_recorders_;
  std::vector<AccountRegion> account_regions_;
  template <class Fn>
  void for_each_list_impl(Fn&& fn) {
    fn(dax_clusters_), fn(tables_), fn(caches_), fn(kms_keys_), fn(subnet_groups_), fn(security_groups_);
    fn(iam_roles_), fn(iam_policies_), fn(subnets_), fn(route_tables_), fn(vpc_endpoints_);
    fn(backup_selections_), fn(scalable_targets_), fn(trails_), fn(config_recorders_), fn(account_regions_);
  }
  template <class T>
  friend void dedupe(std::vector<T>& items);

  std::unordered_map<std::string_view, size_t> keys_by_arn_;
  std::unordered_map<IdentityKey, size_t, IdentityHash> keys_by_id_;
  std::unordered_map<IdentityKey, size_t, IdentityHash> caches_by_id_;
  std::unordered_map<IdentityKey, std::vector<const ElastiCache*>, IdentityHash> members_by_group_;
  std::unordered_map<IdentityKey, size_t, IdentityHash> subnet_groups_by_id_;
  std::unordered_map<std::string, std::string> alias_targets_;  // account|region|alias -> key id
  struct AwsAliasTarget {
    const std::string* account;
    const std::string* region;
    std::string key_id;
  };
  std::vector<AwsAliasTarget> aws_alias_targets_;  // targets of alias/aws/* (not templates)
};

}  // namespace atrest
