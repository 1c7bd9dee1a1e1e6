// Small shared pieces of the model: string interning and type names.
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "model/field.h"
#include "model/origin.h"
#include "model/resources.h"

namespace atrest {

namespace {
struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace

const std::string* intern(std::string_view s) {
  // Node-based set: element addresses stay valid across rehashing. Transparent lookup: a string
  // already interned costs a hash and a compare, no allocation. Each thread first asks its own
  // cache (keyed by views into the pool), so parallel readers rarely take the lock.
  static std::unordered_set<std::string, TransparentHash, std::equal_to<>> pool;
  static std::mutex mu;
  thread_local std::unordered_map<std::string_view, const std::string*> cache;
  if (auto it = cache.find(s); it != cache.end()) return it->second;
  const std::string* interned;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = pool.find(s);
    interned = it != pool.end() ? &*it : &*pool.emplace(s).first;
  }
  cache.emplace(*interned, interned);
  return interned;
}

const char* source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::kSnapshot: return "snapshot";
    case SourceKind::kCloudFormation: return "cloudformation";
    case SourceKind::kTerraform: return "terraform";
    case SourceKind::kTerraformPlan: return "terraform-plan";
    case SourceKind::kAws: return "aws";
  }
  return "snapshot";
}

const char* resource_type_name(ResourceType type) {
  switch (type) {
    case ResourceType::kDaxCluster: return "AWS::DAX::Cluster";
    case ResourceType::kDynamoDbTable: return "AWS::DynamoDB::Table";
    case ResourceType::kElastiCacheReplicationGroup: return "AWS::ElastiCache::ReplicationGroup";
    case ResourceType::kElastiCacheCacheCluster: return "AWS::ElastiCache::CacheCluster";
    case ResourceType::kElastiCacheServerlessCache: return "AWS::ElastiCache::ServerlessCache";
    case ResourceType::kKmsKey: return "AWS::KMS::Key";
    case ResourceType::kDaxSubnetGroup: return "AWS::DAX::SubnetGroup";
    case ResourceType::kEc2SecurityGroup: return "AWS::EC2::SecurityGroup";
    case ResourceType::kIamRole: return "AWS::IAM::Role";
    case ResourceType::kIamPolicy: return "AWS::IAM::Policy";
    case ResourceType::kElastiCacheSubnetGroup: return "AWS::ElastiCache::SubnetGroup";
    case ResourceType::kEc2Subnet: return "AWS::EC2::Subnet";
    case ResourceType::kEc2RouteTable: return "AWS::EC2::RouteTable";
    case ResourceType::kEc2VpcEndpoint: return "AWS::EC2::VPCEndpoint";
    case ResourceType::kBackupSelection: return "AWS::Backup::BackupSelection";
    case ResourceType::kScalableTarget: return "AWS::ApplicationAutoScaling::ScalableTarget";
    case ResourceType::kCloudTrailTrail: return "AWS::CloudTrail::Trail";
    case ResourceType::kConfigRecorder: return "AWS::Config::ConfigurationRecorder";
    case ResourceType::kAccountRegion: return "AWS::::Account";
  }
  return "";
}

const char* resource_type_name(const Resource& r) {
  return r.declared_type != nullptr ? r.declared_type : resource_type_name(r.type);
}

const char* resource_service(ResourceType type) {
  switch (type) {
    case ResourceType::kDaxCluster: return "dax";
    case ResourceType::kDynamoDbTable: return "dynamodb";
    case ResourceType::kElastiCacheReplicationGroup:
    case ResourceType::kElastiCacheCacheCluster:
    case ResourceType::kElastiCacheServerlessCache: return "elasticache";
    case ResourceType::kKmsKey: return "kms";
    case ResourceType::kDaxSubnetGroup: return "dax";
    case ResourceType::kEc2SecurityGroup: return "ec2";
    case ResourceType::kIamRole:
    case ResourceType::kIamPolicy: return "iam";
    case ResourceType::kElastiCacheSubnetGroup: return "elasticache";
    case ResourceType::kEc2Subnet:
    case ResourceType::kEc2RouteTable:
    case ResourceType::kEc2VpcEndpoint: return "ec2";
    case ResourceType::kBackupSelection: return "backup";
    case ResourceType::kScalableTarget: return "application-autoscaling";
    case ResourceType::kCloudTrailTrail: return "cloudtrail";
    case ResourceType::kConfigRecorder: return "config";
    case ResourceType::kAccountRegion: return "account";
  }
  return "";
}

const char* collection_name(Collection c) {
  switch (c) {
    case Collection::kTrails: return "CloudTrail trails";
    case Collection::kConfigRecorders: return "AWS Config recorders";
    case Collection::kVpcEndpoints: return "VPC endpoints";
    case Collection::kBackupSelections: return "AWS Backup selections";
    case Collection::kScalableTargets: return "Application Auto Scaling targets";
    case Collection::kSubnets: return "subnets";
    case Collection::kRouteTables: return "route tables";
    case Collection::kIamPolicies: return "IAM policies";
  }
  return "";
}

}  // namespace atrest
