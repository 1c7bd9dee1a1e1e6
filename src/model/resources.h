// The typed resource inventory: what every source produces and every check reads. Types mirror
// the CloudFormation resource types; field names follow the AWS API, values normalised by the
// source (booleans are bool, statuses keep the API's spelling).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/field.h"
#include "model/origin.h"

namespace atrest {

enum class ResourceType : unsigned char {
  kDaxCluster,
  kDynamoDbTable,
  kElastiCacheReplicationGroup,
  kElastiCacheCacheCluster,
  kElastiCacheServerlessCache,
  kKmsKey,
  kDaxSubnetGroup,
  kEc2SecurityGroup,
  kIamRole,
  kIamPolicy,
};

// The CloudFormation type name, e.g. "AWS::DAX::Cluster".
const char* resource_type_name(ResourceType type);
struct Resource;
// The type name a report shows for this resource (its declared type when it has one).
const char* resource_type_name(const Resource& r);
// The service a type belongs to, e.g. "dax", "dynamodb", "elasticache", "kms".
const char* resource_service(ResourceType type);

// How much a source knew about a resource. When two inputs describe the same resource the
// richer description wins (a describe-key output beats a list-keys entry); on a tie the later
// input wins.
enum class Detail : unsigned char { kListing = 0, kConfigItem = 1, kDescribe = 2 };

// Fields every resource has. `read_error` is set when the source could not read the resource
// (an API error, an unprocessed Config key): every applicable check then reports ERROR for it.
struct Resource {
  ResourceType type;
  std::string id;  // the name a user knows: cluster name, table name, group id, key id
  Field<std::string> arn;
  const std::string* account = nullptr;  // interned; null when unknown
  const std::string* region = nullptr;   // interned; null when unknown
  Origin origin;
  const std::string* read_error = nullptr;  // interned reason, or null
  Detail detail = Detail::kDescribe;
  double observed_at = 0;  // epoch seconds of the observation (Config capture time); 0 if unknown
  bool deleted = false;    // the newest observation says it no longer exists (kept only for
                           // KMS keys, so that their users can be told; checks skip it)
  bool reference_only = false;  // known only because another resource names it; not judged
  // Templates: one variant of the resource per assumption about conditions that cannot be
  // evaluated ("if IsProd is true"); the engine reports the worst variant. Null otherwise.
  const std::string* scenario = nullptr;
  // The CloudFormation type when it is not the one `type` names: a global table or a SAM
  // SimpleTable is modelled as a table but reported under its own type name.
  const char* declared_type = nullptr;

  explicit Resource(ResourceType t) : type(t) {}
};

struct DaxCluster : Resource {
  DaxCluster() : Resource(ResourceType::kDaxCluster) {}
  Field<std::string> status;                // creating, available, ...
  Field<std::string> sse_status;            // SSEDescription.Status; absent when SSEDescription is
  Field<std::string> endpoint_encryption;   // ClusterEndpointEncryptionType: NONE | TLS
  Field<int64_t> total_nodes;
  Field<std::vector<std::string>> node_availability_zones;  // one entry per node
  // Zones asked for at creation (IaC AvailabilityZones). Absent: none asked, so DAX spreads the
  // nodes over the subnet group's zones itself.
  Field<std::vector<std::string>> requested_availability_zones;
  Field<std::string> subnet_group;
  Field<std::vector<std::string>> security_group_ids;
  Field<std::string> iam_role_arn;
};

struct DynamoDbTable : Resource {
  DynamoDbTable() : Resource(ResourceType::kDynamoDbTable) {}
  Field<std::string> table_status;  // ACTIVE, INACCESSIBLE_ENCRYPTION_CREDENTIALS, ...
  // SSEDescription. Absent status and type mean the table uses the default AWS owned key.
  Field<std::string> sse_status;    // ENABLING | ENABLED | DISABLING | DISABLED | UPDATING
  Field<std::string> sse_type;      // KMS | AES256
  Field<std::string> kms_key_arn;   // SSEDescription.KMSMasterKeyArn
  Field<bool> deletion_protection;
  Field<std::string> pitr_status;   // PointInTimeRecoveryStatus: ENABLED | DISABLED
  Field<int64_t> pitr_recovery_days;
};

// Replication groups, cache clusters and serverless caches share one shape; `type` tells which.
struct ElastiCache : Resource {
  explicit ElastiCache(ResourceType t) : Resource(t) {}
  Field<std::string> engine;          // redis | valkey | memcached
  Field<std::string> engine_version;
  Field<std::string> status;
  Field<bool> at_rest_encryption;
  Field<bool> transit_encryption;
  Field<std::string> transit_encryption_mode;  // preferred | required; absent on older groups
  Field<std::string> kms_key_id;
  Field<std::string> replication_group_id;     // cache clusters that belong to a group
};

struct KmsKey : Resource {
  KmsKey() : Resource(ResourceType::kKmsKey) {}
  Field<std::string> key_state;    // Enabled | Disabled | PendingDeletion | PendingImport | ...
  Field<std::string> key_manager;  // AWS | CUSTOMER
  Field<std::string> key_origin;   // AWS_KMS | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE
  Field<std::string> key_spec;
  Field<std::string> deletion_date;
  Field<bool> rotation_enabled;
};

struct DaxSubnetGroup : Resource {
  DaxSubnetGroup() : Resource(ResourceType::kDaxSubnetGroup) {}
  Field<std::vector<std::string>> subnet_ids;
};

// One inbound rule. Ports are absent for all-traffic rules (protocol "-1").
struct IngressRule {
  std::string protocol;  // "tcp", "udp", "icmp", "-1"
  Field<int64_t> from_port;
  Field<int64_t> to_port;
  Field<std::string> cidr_ipv4;
  Field<std::string> cidr_ipv6;
  Field<std::string> source_group;  // a group id (or a template's logical id)
  Field<std::string> prefix_list;
};

struct SecurityGroup : Resource {
  SecurityGroup() : Resource(ResourceType::kEc2SecurityGroup) {}
  Field<std::string> vpc_id;
  Field<std::vector<IngressRule>> ingress;
};

// Policy documents are kept as JSON text, whatever the source wrote (YAML maps in templates,
// URL-encoded JSON in AWS Config).
struct IamRole : Resource {
  IamRole() : Resource(ResourceType::kIamRole) {}
  Field<std::string> assume_role_policy;
  Field<std::vector<std::string>> inline_policies;
  Field<std::vector<std::string>> managed_policy_arns;
};

struct IamPolicy : Resource {
  IamPolicy() : Resource(ResourceType::kIamPolicy) {}
  Field<std::string> document;
  Field<std::vector<std::string>> attached_roles;  // role names (or a template's logical ids)
};

}  // namespace atrest
