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
  void add(DaxSubnetGroup r) { dax_subnet_groups_.push_back(std::move(r)); }
  void add(SecurityGroup r) { security_groups_.push_back(std::move(r)); }
  void add(IamRole r) { iam_roles_.push_back(std::move(r)); }
  void add(IamPolicy r) { iam_policies_.push_back(std::move(r)); }
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
  const std::vector<DaxSubnetGroup>& dax_subnet_groups() const { return dax_subnet_groups_; }
  const std::vector<SecurityGroup>& security_groups() const { return security_groups_; }
  const std::vector<IamRole>& iam_roles() const { return iam_roles_; }
  const std::vector<IamPolicy>& iam_policies() const { return iam_policies_; }
  std::vector<SecurityGroup>& mutable_security_groups() { return security_groups_; }
  std::vector<DynamoDbTable>& mutable_tables() { return tables_; }
  std::vector<KmsKey>& mutable_kms_keys() { return kms_keys_; }
  std::vector<IamRole>& mutable_iam_roles() { return iam_roles_; }
  std::vector<IamPolicy>& mutable_iam_policies() { return iam_policies_; }

  // Resolves a key reference as AWS does: key ARN, alias ARN, "alias/name" or a bare key id.
  // Bare ids and alias names are looked up in the account and region of the referring resource
  // (and, for templates, in its file first: a logical id names a key of the same template).
  const KmsKey* find_kms_key(std::string_view ref, const Resource& from) const;

  // A replication group, cache cluster or serverless cache by its id in an account and region.
  const ElastiCache* find_cache(ResourceType type, std::string_view id, const Resource& from) const;
  // A DAX subnet group by name (or a template's logical id) where `from` would find it.
  const DaxSubnetGroup* find_dax_subnet_group(std::string_view id, const Resource& from) const;

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
    return dax_clusters_.size() + tables_.size() + caches_.size() + kms_keys_.size() + dax_subnet_groups_.size() +
           security_groups_.size() + iam_roles_.size() + iam_policies_.size();
  }

 private:
  std::vector<DaxCluster> dax_clusters_;
  std::vector<DynamoDbTable> tables_;
  std::vector<ElastiCache> caches_;
  std::vector<KmsKey> kms_keys_;
  std::vector<DaxSubnetGroup> dax_subnet_groups_;
  std::vector<SecurityGroup> security_groups_;
  std::vector<IamRole> iam_roles_;
  std::vector<IamPolicy> iam_policies_;
  template <class T>
  friend void dedupe(std::vector<T>& items);

  std::unordered_map<std::string_view, size_t> keys_by_arn_;
  std::unordered_map<IdentityKey, size_t, IdentityHash> keys_by_id_;
  std::unordered_map<IdentityKey, size_t, IdentityHash> caches_by_id_;
  std::unordered_map<std::string, std::string> alias_targets_;  // account|region|alias -> key id
  struct AwsAliasTarget {
    const std::string* account;
    const std::string* region;
    std::string key_id;
  };
  std::vector<AwsAliasTarget> aws_alias_targets_;  // targets of alias/aws/* (not templates)
};

}  // namespace atrest
