// The typed resource inventory: what every source produces and every check reads. Types mirror
// the CloudFormation resource types; field names follow the AWS API, values normalised by the
// source (booleans are bool, statuses keep the API's spelling).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
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
  kElastiCacheSubnetGroup,
  kEc2Subnet,
  kEc2RouteTable,
  kEc2VpcEndpoint,
  kBackupSelection,
  kScalableTarget,
  kCloudTrailTrail,
  kConfigRecorder,
  kAccountRegion,  // an account in one region: what was listed there (see AccountRegion)
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

struct Tag {
  std::string key;
  Field<std::string> value;
};

struct TableReplica {
  std::string region;
  Field<std::string> kms_key;  // key id, ARN or alias; absent: the replica uses the default key
  uint32_t line = 0, column = 0;  // where the replica is written (templates)
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
  Field<std::string> billing_mode;  // PROVISIONED | PAY_PER_REQUEST (absent: PROVISIONED, as the API)
  Field<std::vector<std::string>> gsi_names;  // global secondary indexes
  Field<std::vector<Tag>> tags;
  Field<std::string> resource_policy;  // JSON text; absent: the table has no resource policy
  // Global table (2019) replicas other than this table's own region. The replica's key is known
  // where the source states it (templates, DescribeTable Replicas[].KMSMasterKeyId); a replica
  // described in its own region is also a table of its own in the inventory.
  Field<std::vector<TableReplica>> replicas;
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
  Field<bool> auth_token_enabled;              // AuthTokenEnabled / an AuthToken is set
  Field<std::vector<std::string>> user_group_ids;  // RBAC user groups (serverless: UserGroupId)
  Field<std::string> automatic_failover;       // enabled | disabled | enabling | disabling
  Field<bool> multi_az;                        // MultiAZ enabled (replication groups)
  Field<std::string> az_mode;                  // Memcached clusters: single-az | cross-az
  Field<int64_t> num_nodes;                    // NumCacheNodes / number of member clusters
  Field<int64_t> snapshot_retention_limit;     // days; 0 disables backups
  Field<bool> auto_minor_version_upgrade;
  // Where the nodes live: the subnet group's name (node-based) or the subnets themselves
  // (serverless). Live replication groups name no group; their member clusters do.
  Field<std::string> cache_subnet_group;
  Field<std::vector<std::string>> subnet_ids;
  Field<std::vector<std::string>> security_group_ids;
};

struct KmsKey : Resource {
  KmsKey() : Resource(ResourceType::kKmsKey) {}
  Field<std::string> key_state;    // Enabled | Disabled | PendingDeletion | PendingImport | ...
  Field<std::string> key_manager;  // AWS | CUSTOMER
  Field<std::string> key_origin;   // AWS_KMS | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE
  Field<std::string> key_spec;
  Field<std::string> deletion_date;
  Field<bool> rotation_enabled;
  Field<std::string> policy;  // the key policy, JSON text
};

// DAX and ElastiCache subnet groups (`type` tells which).
struct SubnetGroup : Resource {
  explicit SubnetGroup(ResourceType t = ResourceType::kDaxSubnetGroup) : Resource(t) {}
  Field<std::string> vpc_id;
  Field<std::vector<std::string>> subnet_ids;
};

struct Subnet : Resource {
  Subnet() : Resource(ResourceType::kEc2Subnet) {}
  Field<std::string> vpc_id;
  Field<std::string> availability_zone;
};

struct Route {
  Field<std::string> destination_cidr;       // IPv4
  Field<std::string> destination_ipv6_cidr;
  Field<std::string> gateway_id;             // igw-... for an internet gateway, local, vgw-...
};

struct RouteTable : Resource {
  RouteTable() : Resource(ResourceType::kEc2RouteTable) {}
  Field<std::string> vpc_id;
  Field<bool> main;  // the VPC's main table: serves every subnet without an explicit association
  Field<std::vector<std::string>> subnet_ids;  // explicit associations
  Field<std::vector<Route>> routes;
};

struct VpcEndpoint : Resource {
  VpcEndpoint() : Resource(ResourceType::kEc2VpcEndpoint) {}
  Field<std::string> vpc_id;
  Field<std::string> service_name;   // com.amazonaws.REGION.dynamodb
  Field<std::string> endpoint_type;  // Gateway | Interface
  Field<std::string> state;          // available, pending, deleted, ...
};

// One test of an AWS Backup selection on a resource's tags. `op` is the condition operator:
// StringEquals (ListOfTags entries), StringNotEquals, StringLike or StringNotLike.
struct TagCondition {
  std::string op;
  std::string key;
  std::string value;
};

struct BackupSelection : Resource {
  BackupSelection() : Resource(ResourceType::kBackupSelection) {}
  Field<std::string> plan_id;
  Field<std::vector<std::string>> resources;      // ARNs, "*" wildcards allowed
  Field<std::vector<std::string>> not_resources;  // ARNs excluded, wildcards allowed
  Field<std::vector<TagCondition>> list_of_tags;  // any one matching selects (OR)
  Field<std::vector<TagCondition>> conditions;    // all must match (AND)
};

struct ScalableTarget : Resource {
  ScalableTarget() : Resource(ResourceType::kScalableTarget) {}
  Field<std::string> service_namespace;  // dynamodb
  Field<std::string> resource_id;        // table/NAME or table/NAME/index/INDEX
  Field<std::string> scalable_dimension; // dynamodb:table:ReadCapacityUnits, dynamodb:index:WriteCapacityUnits, ...
};

struct ClassicEventSelector {
  Field<std::string> read_write_type;  // All | ReadOnly | WriteOnly (absent: All)
  Field<bool> include_management_events;  // absent: true
  std::vector<std::string> data_resource_types;  // DataResources[].Type
  std::vector<std::string> exclude_management_event_sources;  // e.g. kms.amazonaws.com
};

struct AdvancedFieldSelector {
  std::string field;  // eventCategory, resources.type, readOnly, eventName, ...
  std::vector<std::string> equals, not_equals, starts_with, not_starts_with, ends_with, not_ends_with;
};

struct AdvancedEventSelector {
  std::string name;
  std::vector<AdvancedFieldSelector> field_selectors;
};

struct Trail : Resource {
  Trail() : Resource(ResourceType::kCloudTrailTrail) {}
  Field<std::string> home_region;
  Field<bool> multi_region;
  // An organization trail logs every member account; its ARN names the management account.
  Field<bool> organization;
  Field<bool> logging;  // GetTrailStatus IsLogging; templates: IsLogging
  // A trail has classic or advanced selectors, never both. Neither given: management events,
  // read and write (the default).
  Field<std::vector<ClassicEventSelector>> event_selectors;
  Field<std::vector<AdvancedEventSelector>> advanced_event_selectors;
};

struct ConfigRecorder : Resource {
  ConfigRecorder() : Resource(ResourceType::kConfigRecorder) {}
  Field<bool> recording;      // the recorder's status
  Field<bool> all_supported;  // RecordingGroup.AllSupported
  Field<std::string> recording_strategy;  // ALL_SUPPORTED_RESOURCE_TYPES | INCLUSION_BY_RESOURCE_TYPES | EXCLUSION_BY_RESOURCE_TYPES
  Field<std::vector<std::string>> resource_types;  // included types
  Field<std::vector<std::string>> excluded_types;  // ExclusionByResourceTypes
};

// What was listed for one account in one region, so that a check can tell "there is no trail"
// from "trails were not read". Live scans add one per account and region; snapshots one per
// file that holds such a list. Templates add none: a template proves nothing about an account.
enum class Collection : unsigned char {
  kTrails,
  kConfigRecorders,
  kVpcEndpoints,
  kBackupSelections,
  kScalableTargets,
  kSubnets,
  kRouteTables,
  kIamPolicies,
};
const char* collection_name(Collection c);

// Inventory::finalize() merges every AccountRegion of one account and region into one, with id
// "ACCOUNT/REGION" ("?" for an unknown account, region left out for global lists such as IAM).
struct AccountRegion : Resource {
  AccountRegion() : Resource(ResourceType::kAccountRegion) {}
  std::vector<Collection> listed;  // read completely
  std::vector<std::pair<Collection, std::string>> failed;  // the listing failed: why
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

// Customer managed policies, and inline policies of users and groups (`inline_owner` set, e.g.
// "user/alice"). Inline policies of roles stay in IamRole::inline_policies.
struct IamPolicy : Resource {
  IamPolicy() : Resource(ResourceType::kIamPolicy) {}
  Field<std::string> document;
  Field<std::string> inline_owner;
  Field<std::vector<std::string>> attached_roles;  // role names (or a template's logical ids)
};

}  // namespace atrest
