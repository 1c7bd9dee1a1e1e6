#include "sources/aws/operations.h"

#include <array>

namespace atrest::aws {

namespace services {
const Service kDax{"dax", Protocol::kJson11, "AmazonDAXV3", nullptr, "DAX", nullptr};
const Service kDynamoDb{"dynamodb", Protocol::kJson10, "DynamoDB_20120810", nullptr, "DYNAMODB", nullptr};
const Service kElastiCache{"elasticache", Protocol::kQuery, nullptr, "2015-02-02", "ELASTICACHE", nullptr};
const Service kKms{"kms", Protocol::kJson11, "TrentService", nullptr, "KMS", nullptr};
const Service kEc2{"ec2", Protocol::kEc2, nullptr, "2016-11-15", "EC2", nullptr};
const Service kSts{"sts", Protocol::kQuery, nullptr, "2011-06-15", "STS", nullptr};
const Service kOrganizations{"organizations", Protocol::kJson11, "AWSOrganizationsV20161128", nullptr,
                             "ORGANIZATIONS", "us-east-1"};
const Service kIam{"iam", Protocol::kQuery, nullptr, "2010-05-08", "IAM", "us-east-1"};
const Service kBackup{"backup", Protocol::kRestJson, nullptr, nullptr, "BACKUP", nullptr};
const Service kApplicationAutoScaling{"application-autoscaling", Protocol::kJson11, "AnyScaleFrontendService", nullptr,
                                      "APPLICATION_AUTO_SCALING", nullptr};
const Service kCloudTrail{"cloudtrail", Protocol::kJson11, "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
                          nullptr, "CLOUDTRAIL", nullptr};
const Service kConfig{"config", Protocol::kJson11, "StarlingDoveService", nullptr, "CONFIG_SERVICE", nullptr};
}  // namespace services

namespace ops {
using namespace services;
const Operation kDaxDescribeClusters{&kDax, "DescribeClusters", "dax:DescribeClusters"};
const Operation kDaxDescribeSubnetGroups{&kDax, "DescribeSubnetGroups", "dax:DescribeSubnetGroups"};
const Operation kDynamoDbListTables{&kDynamoDb, "ListTables", "dynamodb:ListTables"};
const Operation kDynamoDbDescribeTable{&kDynamoDb, "DescribeTable", "dynamodb:DescribeTable"};
const Operation kDynamoDbDescribeContinuousBackups{&kDynamoDb, "DescribeContinuousBackups",
                                                   "dynamodb:DescribeContinuousBackups"};
const Operation kDynamoDbListTagsOfResource{&kDynamoDb, "ListTagsOfResource", "dynamodb:ListTagsOfResource"};
const Operation kDynamoDbGetResourcePolicy{&kDynamoDb, "GetResourcePolicy", "dynamodb:GetResourcePolicy"};
const Operation kElastiCacheDescribeReplicationGroups{&kElastiCache, "DescribeReplicationGroups",
                                                      "elasticache:DescribeReplicationGroups"};
const Operation kElastiCacheDescribeCacheClusters{&kElastiCache, "DescribeCacheClusters",
                                                  "elasticache:DescribeCacheClusters"};
const Operation kElastiCacheDescribeServerlessCaches{&kElastiCache, "DescribeServerlessCaches",
                                                     "elasticache:DescribeServerlessCaches"};
const Operation kElastiCacheDescribeCacheSubnetGroups{&kElastiCache, "DescribeCacheSubnetGroups",
                                                      "elasticache:DescribeCacheSubnetGroups"};
// Only to learn which keys alias/aws/* names: those are AWS managed whatever KeyManager says.
const Operation kKmsListAliases{&kKms, "ListAliases", "kms:ListAliases"};
const Operation kKmsDescribeKey{&kKms, "DescribeKey", "kms:DescribeKey"};
const Operation kKmsGetKeyRotationStatus{&kKms, "GetKeyRotationStatus", "kms:GetKeyRotationStatus"};
const Operation kKmsGetKeyPolicy{&kKms, "GetKeyPolicy", "kms:GetKeyPolicy"};
const Operation kEc2DescribeRegions{&kEc2, "DescribeRegions", "ec2:DescribeRegions"};
const Operation kEc2DescribeSecurityGroups{&kEc2, "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"};
const Operation kEc2DescribeSubnets{&kEc2, "DescribeSubnets", "ec2:DescribeSubnets"};
const Operation kEc2DescribeRouteTables{&kEc2, "DescribeRouteTables", "ec2:DescribeRouteTables"};
const Operation kEc2DescribeVpcEndpoints{&kEc2, "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints"};
const Operation kIamGetAccountAuthorizationDetails{&kIam, "GetAccountAuthorizationDetails",
                                                   "iam:GetAccountAuthorizationDetails"};
const Operation kBackupListBackupPlans{&kBackup, "ListBackupPlans", "backup:ListBackupPlans"};
const Operation kBackupListBackupSelections{&kBackup, "ListBackupSelections", "backup:ListBackupSelections"};
const Operation kBackupGetBackupSelection{&kBackup, "GetBackupSelection", "backup:GetBackupSelection"};
const Operation kApplicationAutoScalingDescribeScalableTargets{&kApplicationAutoScaling, "DescribeScalableTargets",
                                                               "application-autoscaling:DescribeScalableTargets"};
const Operation kCloudTrailDescribeTrails{&kCloudTrail, "DescribeTrails", "cloudtrail:DescribeTrails"};
const Operation kCloudTrailGetTrailStatus{&kCloudTrail, "GetTrailStatus", "cloudtrail:GetTrailStatus"};
const Operation kCloudTrailGetEventSelectors{&kCloudTrail, "GetEventSelectors", "cloudtrail:GetEventSelectors"};
const Operation kConfigDescribeConfigurationRecorders{&kConfig, "DescribeConfigurationRecorders",
                                                      "config:DescribeConfigurationRecorders"};
const Operation kConfigDescribeConfigurationRecorderStatus{&kConfig, "DescribeConfigurationRecorderStatus",
                                                           "config:DescribeConfigurationRecorderStatus"};
// GetCallerIdentity needs no permission; AssumeRole is granted by the target role's trust policy
// and the caller's own policy, not by the read-only policy atrest ships.
const Operation kStsGetCallerIdentity{&kSts, "GetCallerIdentity", nullptr};
const Operation kStsAssumeRole{&kSts, "AssumeRole", "sts:AssumeRole"};
const Operation kOrganizationsListAccounts{&kOrganizations, "ListAccounts", "organizations:ListAccounts"};
}  // namespace ops

const std::vector<const Operation*>& all_operations() {
  static const std::vector<const Operation*> all = {
      &ops::kDaxDescribeClusters, &ops::kDaxDescribeSubnetGroups, &ops::kDynamoDbListTables,
      &ops::kDynamoDbDescribeTable, &ops::kDynamoDbDescribeContinuousBackups,
      &ops::kElastiCacheDescribeReplicationGroups, &ops::kElastiCacheDescribeCacheClusters,
      &ops::kElastiCacheDescribeServerlessCaches, &ops::kKmsListAliases, &ops::kKmsDescribeKey,
      &ops::kKmsGetKeyRotationStatus, &ops::kEc2DescribeRegions, &ops::kEc2DescribeSecurityGroups, &ops::kStsGetCallerIdentity,
      &ops::kStsAssumeRole, &ops::kOrganizationsListAccounts, &ops::kDynamoDbListTagsOfResource,
      &ops::kDynamoDbGetResourcePolicy, &ops::kElastiCacheDescribeCacheSubnetGroups, &ops::kKmsGetKeyPolicy,
      &ops::kEc2DescribeSubnets, &ops::kEc2DescribeRouteTables, &ops::kEc2DescribeVpcEndpoints,
      &ops::kIamGetAccountAuthorizationDetails, &ops::kBackupListBackupPlans, &ops::kBackupListBackupSelections,
      &ops::kBackupGetBackupSelection, &ops::kApplicationAutoScalingDescribeScalableTargets,
      &ops::kCloudTrailDescribeTrails, &ops::kCloudTrailGetTrailStatus, &ops::kCloudTrailGetEventSelectors,
      &ops::kConfigDescribeConfigurationRecorders, &ops::kConfigDescribeConfigurationRecorderStatus};
  return all;
}

bool dax_offered_in(std::string_view region) {
  static constexpr std::array<std::string_view, 17> kDaxRegions = {
      "cn-north-1",     "cn-northwest-1",
      "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "eu-central-1",
      "eu-north-1",     "eu-south-2", "eu-west-1",      "eu-west-2",      "eu-west-3",
      "sa-east-1",      "us-east-1",  "us-east-2",      "us-west-1",      "us-west-2"};
  for (std::string_view r : kDaxRegions) {
    if (r == region) return true;
  }
  return false;
}

std::string global_signing_region(const Service& service, std::string_view region) {
  if (service.global_region == nullptr) return std::string(region);
  // IAM's China endpoint is the one in cn-north-1 (Organizations' is in cn-northwest-1).
  if (&service == &services::kIam && region.starts_with("cn-")) return "cn-north-1";
  if (region.starts_with("cn-")) return "cn-northwest-1";
  if (region.starts_with("us-gov-")) return "us-gov-west-1";
  return service.global_region;
}

std::string default_endpoint(const Service& service, std::string_view region) {
  std::string_view suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  // IAM's global endpoints name no region, except in China.
  if (&service == &services::kIam && !region.starts_with("cn-")) {
    return region.starts_with("us-gov-") ? "https://iam.us-gov.amazonaws.com" : "https://iam.amazonaws.com";
  }
  return "https://" + std::string(service.id) + "." + global_signing_region(service, region) + std::string(suffix);
}

}  // namespace atrest::aws
