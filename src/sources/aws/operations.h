// Every AWS service and operation the live source calls. The client only accepts these, and a
// test holds docs/iam-policy.json equal to this list, so the policy is complete by construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace atrest::aws {

// kRestJson: AWS Backup (GET with the input in the path and query; JSON answers).
enum class Protocol : unsigned char { kJson10, kJson11, kQuery, kEc2, kRestJson };

struct Service {
  const char* id;             // endpoint prefix and signing name, e.g. "dynamodb"
  Protocol protocol;
  const char* target_prefix;  // JSON: X-Amz-Target = prefix + "." + operation
  const char* api_version;    // query/ec2: Version=
  const char* env_name;       // AWS_ENDPOINT_URL_<env_name>
  const char* global_region;  // non-null: one endpoint for the partition, signed for this region
};

struct Operation {
  const Service* service;
  const char* name;        // e.g. "DescribeClusters"
  const char* iam_action;  // e.g. "dax:DescribeClusters"; null when no permission is needed
};

namespace services {
extern const Service kDax, kDynamoDb, kElastiCache, kKms, kEc2, kSts, kOrganizations, kIam, kBackup,
    kApplicationAutoScaling, kCloudTrail, kConfig;
}

namespace ops {
extern const Operation kDaxDescribeClusters, kDaxDescribeSubnetGroups;
extern const Operation kDynamoDbListTables, kDynamoDbDescribeTable, kDynamoDbDescribeContinuousBackups,
    kDynamoDbListTagsOfResource, kDynamoDbGetResourcePolicy;
extern const Operation kElastiCacheDescribeReplicationGroups, kElastiCacheDescribeCacheClusters,
    kElastiCacheDescribeServerlessCaches, kElastiCacheDescribeCacheSubnetGroups;
extern const Operation kKmsListAliases, kKmsDescribeKey, kKmsGetKeyRotationStatus, kKmsGetKeyPolicy;
extern const Operation kEc2DescribeRegions, kEc2DescribeSecurityGroups, kEc2DescribeSubnets,
    kEc2DescribeRouteTables, kEc2DescribeVpcEndpoints;
extern const Operation kIamGetAccountAuthorizationDetails;
extern const Operation kBackupListBackupPlans, kBackupListBackupSelections, kBackupGetBackupSelection;
extern const Operation kApplicationAutoScalingDescribeScalableTargets;
extern const Operation kCloudTrailDescribeTrails, kCloudTrailGetTrailStatus, kCloudTrailGetEventSelectors;
extern const Operation kConfigDescribeConfigurationRecorders, kConfigDescribeConfigurationRecorderStatus;
extern const Operation kStsGetCallerIdentity, kStsAssumeRole;
extern const Operation kOrganizationsListAccounts;
}  // namespace ops

const std::vector<const Operation*>& all_operations();

// Regions where DAX has an endpoint (botocore's endpoints.json); elsewhere the host does not exist.
bool dax_offered_in(std::string_view region);

// https://{id}.{region}.amazonaws.com (.com.cn in China), or the partition's global endpoint.
std::string default_endpoint(const Service& service, std::string_view region);

// The region a request is signed for: the region itself, or for a global service the region
// of its partition's global endpoint (us-east-1, cn-northwest-1, us-gov-west-1).
std::string global_signing_region(const Service& service, std::string_view region);

}  // namespace atrest::aws
