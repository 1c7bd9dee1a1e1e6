#include "sources/cloudformation/cloudformation_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>

namespace atrest {
namespace {

const char* kNetworkAndIam = R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DaxSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: DAX clients
      VpcId: vpc-0123
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 9111, ToPort: 9111, CidrIp: 0.0.0.0/0}
  ExtraRule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DaxSg.GroupId
      IpProtocol: tcp
      FromPort: 8111
      ToPort: 8111
      SourceSecurityGroupId: !Ref AppSg
  AppSg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, VpcId: vpc-0123}
  Subnets:
    Type: AWS::DAX::SubnetGroup
    Properties: {SubnetIds: [subnet-1, subnet-2, subnet-3]}
  DaxRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: dax.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: tables
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "dynamodb:*", Resource: "*"}]
  TablePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: t
      Roles: [!Ref DaxRole]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Table.Arn}]
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      NodeType: dax.r5.large
      ReplicationFactor: 3
      IAMRoleARN: !GetAtt DaxRole.Arn
      SubnetGroupName: !Ref Subnets
      SecurityGroupIds: [!GetAtt DaxSg.GroupId]
)";

TEST(CloudFormationSource, MapsNetworkAndIamWithReferencesResolved) {
  Inventory inv;
  InputSummary summary;
  const std::string* file = intern("t.yaml");
  ASSERT_EQ(read_template(file, kNetworkAndIam, CloudFormationOptions{}, inv, summary), TemplateResult::kTemplate);
  inv.finalize();
  ASSERT_TRUE(summary.errors.empty()) << summary.errors[0];
  ASSERT_EQ(inv.dax_clusters().size(), 1u);
  const DaxCluster& c = inv.dax_clusters()[0];
  EXPECT_EQ(c.security_group_ids.value(), std::vector<std::string>{"DaxSg"});
  EXPECT_EQ(c.subnet_group.value(), "Subnets");
  EXPECT_EQ(c.iam_role_arn.value(), "DaxRole");
  ASSERT_EQ(inv.security_groups().size(), 2u);
  const SecurityGroup& sg = inv.security_groups()[0];
  EXPECT_EQ(sg.id, "DaxSg");
  ASSERT_EQ(sg.ingress.value().size(), 2u) << "the inline rule and the standalone SecurityGroupIngress";
  EXPECT_EQ(sg.ingress.value()[0].cidr_ipv4.value(), "0.0.0.0/0");
  EXPECT_EQ(sg.ingress.value()[0].from_port.value(), 9111);
  EXPECT_EQ(sg.ingress.value()[1].source_group.value(), "AppSg");
  ASSERT_EQ(inv.subnet_groups().size(), 1u);
  EXPECT_EQ(inv.subnet_groups()[0].subnet_ids.value().size(), 3u);
  ASSERT_EQ(inv.iam_roles().size(), 1u);
  EXPECT_NE(inv.iam_roles()[0].assume_role_policy.value().find("\"dax.amazonaws.com\""), std::string::npos);
  ASSERT_EQ(inv.iam_roles()[0].inline_policies.value().size(), 1u);
  EXPECT_NE(inv.iam_roles()[0].inline_policies.value()[0].find("\"Action\":\"dynamodb:*\""), std::string::npos);
  ASSERT_EQ(inv.iam_policies().size(), 1u);
  EXPECT_EQ(inv.iam_policies()[0].attached_roles.value(), std::vector<std::string>{"DaxRole"});
  EXPECT_NE(inv.iam_policies()[0].document.value().find("\"Resource\":\"${Table.Arn}\""), std::string::npos);
}

// global.yaml: passes cfn-lint 1.51.
const char* kGlobalTable = R"yaml(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: orders
      BillingMode: PROVISIONED
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      SSESpecification: {SSEEnabled: true, SSEType: KMS}
      WriteProvisionedThroughputSettings:
        WriteCapacityAutoScalingSettings: {MinCapacity: 1, MaxCapacity: 10, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}
      GlobalSecondaryIndexes:
        - IndexName: byDate
          KeySchema: [{AttributeName: pk, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
          WriteProvisionedThroughputSettings:
            WriteCapacityAutoScalingSettings: {MinCapacity: 1, MaxCapacity: 10, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}
      Replicas:
        - Region: us-east-1
          SSESpecification: {KMSMasterKeyId: !Ref Key}
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 20}
          DeletionProtectionEnabled: true
          Tags: [{Key: Environment, Value: prod}, {Key: Security, Value: high}]
          ReadProvisionedThroughputSettings:
            ReadCapacityAutoScalingSettings: {MinCapacity: 1, MaxCapacity: 10, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}
          GlobalSecondaryIndexes:
            - IndexName: byDate
              ReadProvisionedThroughputSettings:
                ReadCapacityAutoScalingSettings: {MinCapacity: 1, MaxCapacity: 10, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}
          ResourcePolicy:
            PolicyDocument:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: "dynamodb:GetItem", Resource: "*"}]
        - Region: eu-west-1
          SSESpecification: {KMSMasterKeyId: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: "false"}
          Tags: [{Key: Environment, Value: prod}]
          ReadProvisionedThroughputSettings:
            ReadCapacityAutoScalingSettings: {MinCapacity: 1, MaxCapacity: 10, TargetTrackingScalingPolicyConfiguration: {TargetValue: 70}}
          ResourcePolicy:
            PolicyDocument:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Principal: "*", Action: "dynamodb:*", Resource: "*"}]
)yaml";

// network.yaml: passes cfn-lint 1.51.
const char* kNetworkAndCaches = R"yaml(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: !Select [1, !GetAZs ""]}
  Public:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  DefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: Attach
    Properties: {RouteTableId: !Ref Public, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {RouteTableId: !Ref Public, SubnetId: !Ref SubnetA}
  DynamoEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub "com.amazonaws.${AWS::Region}.dynamodb"
      RouteTableIds: [!Ref Public]
  CacheSubnets:
    Type: AWS::ElastiCache::SubnetGroup
    Properties:
      CacheSubnetGroupName: Cache-Subnets
      Description: cache
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
  Redis:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: redis
      Engine: redis
      CacheNodeType: cache.t3.micro
      NumCacheClusters: 2
      AutomaticFailoverEnabled: "true"
      MultiAZEnabled: false
      AuthToken: "{{resolve:secretsmanager:redis-token}}"
      TransitEncryptionEnabled: true
      SnapshotRetentionLimit: 7
      CacheSubnetGroupName: cache-subnets
      SecurityGroupIds: [sg-0123456789abcdef0]
  Memcached:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      CacheNodeType: cache.t3.micro
      NumCacheNodes: 2
      AZMode: cross-az
      AutoMinorVersionUpgrade: false
      CacheSubnetGroupName: !Ref CacheSubnets
      VpcSecurityGroupIds: [sg-0fedcba9876543210]
  Serverless:
    Type: AWS::ElastiCache::ServerlessCache
    Properties:
      ServerlessCacheName: sless
      Engine: valkey
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
      UserGroupId: ug-1
      SnapshotRetentionLimit: 3
)yaml";

// backup.yaml: passes cfn-lint 1.51.
const char* kBackupAndScaling = R"yaml(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: named-table
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      GlobalSecondaryIndexes:
        - IndexName: gsi1
          KeySchema: [{AttributeName: pk, KeyType: HASH}]
          Projection: {ProjectionType: KEYS_ONLY}
          ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
      Tags: [{Key: Environment, Value: prod}]
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 14}
      ResourcePolicy:
        PolicyDocument:
          Version: "2012-10-17"
          Statement: [{Effect: Allow, Principal: "*", Action: "dynamodb:GetItem", Resource: "*"}]
  Other:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
  Plan:
    Type: AWS::Backup::BackupPlan
    Properties:
      BackupPlan:
        BackupPlanName: daily
        BackupPlanRule: [{RuleName: daily, TargetBackupVault: Default, ScheduleExpression: "cron(0 5 * * ? *)"}]
  Selection:
    Type: AWS::Backup::BackupSelection
    Properties:
      BackupPlanId: !Ref Plan
      BackupSelection:
        SelectionName: tables
        IamRoleArn: !Sub "arn:aws:iam::${AWS::AccountId}:role/service-role/AWSBackupDefaultServiceRole"
        Resources:
          - !GetAtt Table.Arn
          - !Sub "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Other}"
          - arn:aws:dynamodb:us-east-1:111122223333:table/named-table
          - arn:aws:dynamodb:*:*:table/prod-*
          - !Sub "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/audit-*"
        NotResources:
          - !Join ["", ["arn:aws:dynamodb:", !Ref "AWS::Region", ":", !Ref "AWS::AccountId", ":table/", !Ref Other]]
        ListOfTags:
          - {ConditionType: STRINGEQUALS, ConditionKey: Backup, ConditionValue: "true"}
        Conditions:
          StringEquals: [{ConditionKey: "aws:ResourceTag/Environment", ConditionValue: prod}]
          StringNotLike: [{ConditionKey: "aws:ResourceTag/Tier", ConditionValue: "dev*"}]
  ReadTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ResourceId: !Sub table/${Table}
      ScalableDimension: dynamodb:table:ReadCapacityUnits
      MinCapacity: 1
      MaxCapacity: 10
  IndexTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ResourceId: !Join ["/", [table, !Ref Table, index, gsi1]]
      ScalableDimension: dynamodb:index:WriteCapacityUnits
      MinCapacity: 1
      MaxCapacity: 10
  NamedTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ResourceId: table/named-table
      ScalableDimension: dynamodb:table:WriteCapacityUnits
      MinCapacity: 1
      MaxCapacity: 10
)yaml";

// account.yaml: passes cfn-lint 1.51.
const char* kAccountAndIam = R"yaml(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: arn:aws:iam::111122223333:role/config
      RecordingGroup:
        AllSupported: false
        RecordingStrategy: {UseOnly: INCLUSION_BY_RESOURCE_TYPES}
        ResourceTypes: ["AWS::DynamoDB::Table", "AWS::KMS::Key"]
  Channel:
    Type: AWS::Config::DeliveryChannel
    Properties: {S3BucketName: config-bucket}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: "true"
      IsMultiRegionTrail: true
      S3BucketName: trail-bucket
      EventSelectors:
        - ReadWriteType: All
          IncludeManagementEvents: true
          DataResources: [{Type: "AWS::DynamoDB::Table", Values: ["arn:aws:dynamodb"]}]
  DataTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: trail-bucket
      AdvancedEventSelectors:
        - Name: dynamodb
          FieldSelectors:
            - {Field: eventCategory, Equals: [Data]}
            - {Field: resources.type, Equals: ["AWS::DynamoDB::Table"]}
  Alice:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: everything
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "dynamodb:*", Resource: "*"}]
  Admins:
    Type: AWS::IAM::Group
  AdminPolicy:
    Type: AWS::IAM::GroupPolicy
    Properties:
      GroupName: !Ref Admins
      PolicyName: dax
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "dax:*", Resource: "*"}]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  RoleInline:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: tables
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "dynamodb:PutItem", Resource: "*"}]
)yaml";

struct Read {
  Inventory inv;
  InputSummary summary;
};

std::unique_ptr<Read> read(const char* text, const char* file, std::string region = "us-east-1",
                           std::string account = "111122223333") {
  auto r = std::make_unique<Read>();
  CloudFormationOptions options;
  options.region = std::move(region);
  options.account = std::move(account);
  EXPECT_EQ(read_template(intern(file), text, options, r->inv, r->summary), TemplateResult::kTemplate);
  r->inv.finalize();
  EXPECT_TRUE(r->summary.errors.empty()) << r->summary.errors[0];
  return r;
}

std::vector<std::string> tag_keys(const DynamoDbTable& t) {
  std::vector<std::string> keys;
  for (const Tag& tag : t.tags.value()) keys.push_back(tag.key);
  return keys;
}

TEST(CloudFormationSource, GlobalTableFoldsReplicasIntoTheWorstAndSynthesizesScalableTargets) {
  auto r = read(kGlobalTable, "global.yaml");
  ASSERT_EQ(r->inv.tables().size(), 1u);
  const DynamoDbTable& t = r->inv.tables()[0];
  EXPECT_STREQ(t.declared_type, "AWS::DynamoDB::GlobalTable");
  EXPECT_EQ(t.billing_mode.value(), "PROVISIONED");
  EXPECT_EQ(t.gsi_names.value(), std::vector<std::string>{"byDate"});
  EXPECT_EQ(t.arn.value(), "arn:aws:dynamodb:us-east-1:111122223333:table/orders");
  // The eu-west-1 replica has PITR off and no deletion protection: the table reports it, there.
  EXPECT_EQ(t.pitr_status.value(), "DISABLED");
  EXPECT_EQ(t.pitr_status.line(), 48u);
  EXPECT_EQ(t.pitr_recovery_days.value(), 20);
  EXPECT_FALSE(t.deletion_protection.is_known());
  EXPECT_TRUE(t.deletion_protection.is_absent());
  EXPECT_EQ(t.deletion_protection.line(), 46u);
  EXPECT_EQ(tag_keys(t), std::vector<std::string>{"Environment"}) << "only the tags every replica has";
  // Both replicas' statements, the public one included.
  EXPECT_NE(t.resource_policy.value().find("\"Principal\":\"*\""), std::string::npos);
  EXPECT_NE(t.resource_policy.value().find("111122223333:root"), std::string::npos);
  // The stack's own Region is the table itself; the other replica is listed with its key.
  ASSERT_EQ(t.replicas.value().size(), 1u);
  EXPECT_EQ(t.replicas.value()[0].region, "eu-west-1");
  EXPECT_EQ(t.replicas.value()[0].kms_key.value(), "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(t.replicas.value()[0].line, 46u);
  // Write scaling on the table and the index; read scaling on the table (every replica) but
  // not on the index (the eu-west-1 replica does not scale its reads).
  std::vector<std::string> targets;
  for (const ScalableTarget& s : r->inv.scalable_targets()) {
    targets.push_back(s.resource_id.value() + " " + s.scalable_dimension.value());
    EXPECT_EQ(s.service_namespace.value(), "dynamodb");
    EXPECT_GT(s.resource_id.line(), 0u);
  }
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"table/Global dynamodb:table:ReadCapacityUnits",
                                               "table/Global dynamodb:table:WriteCapacityUnits",
                                               "table/Global/index/byDate dynamodb:index:WriteCapacityUnits"}));
  EXPECT_EQ(r->summary.resources, 2u) << "synthesized targets are not resources of the template";
  ASSERT_EQ(r->inv.kms_keys().size(), 2u);  // the template's key and the stub for the literal ARN
  for (const KmsKey& k : r->inv.kms_keys()) {
    if (k.id == "Key") {
      EXPECT_NE(k.policy.value().find("\"kms:*\""), std::string::npos);
    }
  }
}

TEST(CloudFormationSource, GlobalTableWithoutRegionKeepsEveryLiteralReplica) {
  auto r = read(kGlobalTable, "global.yaml", "", "");
  const DynamoDbTable& t = r->inv.tables()[0];
  EXPECT_EQ(t.replicas.value().size(), 2u);
  EXPECT_TRUE(t.arn.is_unknown());
}

TEST(CloudFormationSource, RoutesAssociationsEndpointsAndCaches) {
  auto r = read(kNetworkAndCaches, "network.yaml", "", "");
  ASSERT_EQ(r->inv.route_tables().size(), 1u);
  const RouteTable& rt = r->inv.route_tables()[0];
  EXPECT_EQ(rt.vpc_id.value(), "Vpc");
  EXPECT_FALSE(rt.main.value());
  EXPECT_EQ(rt.subnet_ids.value(), std::vector<std::string>{"SubnetA"});
  ASSERT_EQ(rt.routes.value().size(), 1u);
  EXPECT_EQ(rt.routes.value()[0].destination_cidr.value(), "0.0.0.0/0");
  EXPECT_EQ(rt.routes.value()[0].gateway_id.value(), "igw-Igw");
  EXPECT_EQ(rt.routes.value()[0].gateway_id.line(), 23u);
  ASSERT_EQ(r->inv.subnets().size(), 2u);
  EXPECT_EQ(r->inv.subnets()[0].vpc_id.value(), "Vpc");
  EXPECT_NE(r->inv.subnets()[0].availability_zone.value(), r->inv.subnets()[1].availability_zone.value());
  ASSERT_EQ(r->inv.vpc_endpoints().size(), 1u);
  const VpcEndpoint& e = r->inv.vpc_endpoints()[0];
  EXPECT_EQ(e.service_name.value(), "com.amazonaws.${AWS::Region}.dynamodb") << "no --region: the placeholder stays";
  EXPECT_EQ(e.endpoint_type.value(), "Gateway");
  EXPECT_EQ(e.vpc_id.value(), "Vpc");
  ASSERT_EQ(r->inv.subnet_groups().size(), 1u);
  const SubnetGroup& g = r->inv.subnet_groups()[0];
  EXPECT_EQ(g.type, ResourceType::kElastiCacheSubnetGroup);
  EXPECT_EQ(g.id, "CacheSubnets");
  EXPECT_EQ(g.vpc_id.value(), "Vpc");
  ASSERT_EQ(r->inv.caches().size(), 3u);
  for (const ElastiCache& c : r->inv.caches()) {
    if (c.type == ResourceType::kElastiCacheReplicationGroup) {
      EXPECT_TRUE(c.auth_token_enabled.value()) << "a dynamic reference is still a token";
      EXPECT_EQ(c.automatic_failover.value(), "enabled");
      EXPECT_FALSE(c.multi_az.value());
      EXPECT_EQ(c.num_nodes.value(), 2);
      EXPECT_EQ(c.snapshot_retention_limit.value(), 7);
      EXPECT_TRUE(c.auto_minor_version_upgrade.is_absent());
      EXPECT_EQ(c.cache_subnet_group.value(), "CacheSubnets") << "named by its CacheSubnetGroupName";
      EXPECT_EQ(c.security_group_ids.value(), std::vector<std::string>{"sg-0123456789abcdef0"});
      EXPECT_TRUE(c.user_group_ids.is_absent());
    } else if (c.type == ResourceType::kElastiCacheCacheCluster) {
      EXPECT_EQ(c.az_mode.value(), "cross-az");
      EXPECT_EQ(c.num_nodes.value(), 2);
      EXPECT_FALSE(c.auto_minor_version_upgrade.value());
      EXPECT_EQ(c.cache_subnet_group.value(), "CacheSubnets");
      EXPECT_EQ(c.security_group_ids.value(), std::vector<std::string>{"sg-0fedcba9876543210"});
      EXPECT_TRUE(c.auth_token_enabled.is_absent());
      EXPECT_TRUE(c.multi_az.is_absent());
    } else {
      EXPECT_EQ(c.subnet_ids.value(), (std::vector<std::string>{"SubnetA", "SubnetB"}));
      EXPECT_EQ(c.user_group_ids.value(), std::vector<std::string>{"ug-1"});
      EXPECT_EQ(c.snapshot_retention_limit.value(), 3);
      EXPECT_TRUE(c.cache_subnet_group.is_absent());
    }
  }
}

TEST(CloudFormationSource, BackupSelectionsAndScalableTargetsNameTablesByLogicalId) {
  auto r = read(kBackupAndScaling, "backup.yaml", "", "");
  ASSERT_EQ(r->inv.backup_selections().size(), 1u);
  const BackupSelection& b = r->inv.backup_selections()[0];
  EXPECT_EQ(b.plan_id.value(), "Plan");
  EXPECT_EQ(b.resources.value(), (std::vector<std::string>{"Table", "Other", "Table", "arn:aws:dynamodb:*:*:table/prod-*",
                                               "arn:*:dynamodb:*:*:table/audit-*"}));
  EXPECT_EQ(b.not_resources.value(), std::vector<std::string>{"Other"});
  ASSERT_EQ(b.list_of_tags.value().size(), 1u);
  EXPECT_EQ(b.list_of_tags.value()[0].key, "Backup");
  EXPECT_EQ(b.list_of_tags.value()[0].value, "true");
  ASSERT_EQ(b.conditions.value().size(), 2u);
  EXPECT_EQ(b.conditions.value()[0].op, "StringEquals");
  EXPECT_EQ(b.conditions.value()[0].key, "Environment") << "the aws:ResourceTag/ prefix is removed";
  EXPECT_EQ(b.conditions.value()[1].op, "StringNotLike");
  EXPECT_EQ(b.conditions.value()[1].value, "dev*");
  std::vector<std::string> targets;
  for (const ScalableTarget& s : r->inv.scalable_targets()) targets.push_back(s.resource_id.value());
  EXPECT_EQ(targets, (std::vector<std::string>{"table/Table", "table/Table/index/gsi1", "table/Table"}));
  ASSERT_EQ(r->inv.tables().size(), 2u);
  const DynamoDbTable& t = r->inv.tables()[0];
  EXPECT_EQ(t.id, "Table");
  EXPECT_EQ(t.gsi_names.value(), std::vector<std::string>{"gsi1"});
  EXPECT_EQ(t.pitr_status.value(), "ENABLED");
  EXPECT_EQ(t.pitr_recovery_days.value(), 14);
  EXPECT_EQ(tag_keys(t), std::vector<std::string>{"Environment"});
  EXPECT_NE(t.resource_policy.value().find("\"Principal\":\"*\""), std::string::npos);
  EXPECT_TRUE(t.deletion_protection.is_absent());
  EXPECT_TRUE(t.replicas.is_absent());
  EXPECT_TRUE(r->inv.tables()[1].gsi_names.is_absent());
  EXPECT_TRUE(r->inv.tables()[1].tags.is_absent());
  EXPECT_TRUE(r->inv.tables()[1].arn.is_unknown()) << "no TableName: generated at deploy time";
}

TEST(CloudFormationSource, RecorderTrailsAndPrincipalPolicies) {
  auto r = read(kAccountAndIam, "account.yaml");
  ASSERT_EQ(r->inv.config_recorders().size(), 1u);
  const ConfigRecorder& rec = r->inv.config_recorders()[0];
  EXPECT_TRUE(rec.recording.value()) << "the template has a delivery channel";
  EXPECT_FALSE(rec.all_supported.value());
  EXPECT_EQ(rec.recording_strategy.value(), "INCLUSION_BY_RESOURCE_TYPES");
  EXPECT_EQ(rec.resource_types.value(), (std::vector<std::string>{"AWS::DynamoDB::Table", "AWS::KMS::Key"}));
  EXPECT_TRUE(rec.excluded_types.is_absent());
  ASSERT_EQ(r->inv.trails().size(), 2u);
  const Trail& classic = r->inv.trails()[0];
  EXPECT_TRUE(classic.logging.value());
  EXPECT_TRUE(classic.multi_region.value());
  EXPECT_EQ(classic.home_region.value(), "us-east-1");
  ASSERT_EQ(classic.event_selectors.value().size(), 1u);
  EXPECT_EQ(classic.event_selectors.value()[0].data_resource_types, std::vector<std::string>{"AWS::DynamoDB::Table"});
  EXPECT_TRUE(classic.advanced_event_selectors.is_absent());
  const Trail& advanced = r->inv.trails()[1];
  EXPECT_TRUE(advanced.multi_region.is_absent());
  ASSERT_EQ(advanced.advanced_event_selectors.value().size(), 1u);
  ASSERT_EQ(advanced.advanced_event_selectors.value()[0].field_selectors.size(), 2u);
  EXPECT_EQ(advanced.advanced_event_selectors.value()[0].field_selectors[1].field, "resources.type");
  EXPECT_EQ(advanced.advanced_event_selectors.value()[0].field_selectors[1].equals, std::vector<std::string>{"AWS::DynamoDB::Table"});
  std::map<std::string, std::string> owners;
  for (const IamPolicy& p : r->inv.iam_policies()) owners[p.id] = p.inline_owner.value();
  EXPECT_EQ(owners, (std::map<std::string, std::string>{{"Alice/everything", "user/Alice"}, {"AdminPolicy", "group/Admins"}}));
  ASSERT_EQ(r->inv.iam_roles().size(), 1u);
  ASSERT_EQ(r->inv.iam_roles()[0].inline_policies.value().size(), 1u) << "the RolePolicy joins the role";
  EXPECT_NE(r->inv.iam_roles()[0].inline_policies.value()[0].find("dynamodb:PutItem"), std::string::npos);
}

TEST(CloudFormationSource, RecorderWithoutDeliveryChannelIsUnknown) {
  const char* text = R"(Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties: {RoleARN: arn:aws:iam::111122223333:role/config}
)";
  auto r = read(text, "recorder.yaml");
  ASSERT_EQ(r->inv.config_recorders().size(), 1u);
  EXPECT_TRUE(r->inv.config_recorders()[0].recording.is_unknown());
  EXPECT_TRUE(r->inv.config_recorders()[0].all_supported.is_absent());
}

TEST(CloudFormationSource, SimpleTableIsOnDemandWithoutThroughput) {
  const char* text = R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Simple:
    Type: AWS::Serverless::SimpleTable
    Properties:
      Tags: {Environment: prod, Security: high}
)";
  auto r = read(text, "sam.yaml");
  ASSERT_EQ(r->inv.tables().size(), 1u);
  EXPECT_EQ(r->inv.tables()[0].billing_mode.value(), "PAY_PER_REQUEST");
  EXPECT_EQ(tag_keys(r->inv.tables()[0]), (std::vector<std::string>{"Environment", "Security"}));
}

// A global datastore's secondary takes engine and encryption from the primary group, not from
// what it writes itself (the Terraform source does the same).
TEST(CloudFormationSource, GlobalDatastoreSecondaryInheritsFromThePrimary) {
  const char* text = R"(Resources:
  Primary:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: primary
      ReplicationGroupId: Sessions-Primary
      Engine: valkey
      AtRestEncryptionEnabled: true
      TransitEncryptionEnabled: "true"
      TransitEncryptionMode: required
  Datastore:
    Type: AWS::ElastiCache::GlobalReplicationGroup
    Properties:
      GlobalReplicationGroupIdSuffix: sessions
      Members:
        - {ReplicationGroupId: sessions-primary, ReplicationGroupRegion: us-east-1, Role: PRIMARY}
  Secondary:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: secondary
      GlobalReplicationGroupId: !Ref Datastore
      KmsKeyId: alias/sessions
  Elsewhere:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: secondary of a datastore of another stack
      GlobalReplicationGroupId: ldgnf-sessions
      AtRestEncryptionEnabled: false
)";
  auto r = read(text, "global-datastore.yaml");
  std::map<std::string, const ElastiCache*> caches;
  for (const ElastiCache& c : r->inv.caches()) caches[c.id] = &c;
  ASSERT_EQ(caches.size(), 3u);
  const ElastiCache& secondary = *caches.at("Secondary");
  EXPECT_EQ(secondary.engine.value(), "valkey");
  EXPECT_TRUE(secondary.at_rest_encryption.value());
  EXPECT_TRUE(secondary.transit_encryption.value());
  EXPECT_EQ(secondary.transit_encryption_mode.value(), "required");
  EXPECT_EQ(secondary.at_rest_encryption.line(), 21u) << "located at GlobalReplicationGroupId";
  EXPECT_EQ(secondary.kms_key_id.value(), "alias/sessions") << "its own Region's key";
  const ElastiCache& elsewhere = *caches.at("Elsewhere");
  ASSERT_TRUE(elsewhere.at_rest_encryption.is_unknown()) << "not its own false";
  EXPECT_NE(elsewhere.at_rest_encryption.reason().find("ldgnf-sessions"), std::string_view::npos);
  EXPECT_TRUE(elsewhere.transit_encryption.is_unknown());
  EXPECT_TRUE(elsewhere.engine.is_unknown());
  const ElastiCache& primary = *caches.at("Primary");
  EXPECT_EQ(primary.engine.value(), "valkey");
  EXPECT_TRUE(primary.at_rest_encryption.value());
}

TEST(CloudFormationSource, ReplicaKeyRotatesWithItsPrimary) {
  const char* text = R"(Resources:
  Replica:
    Type: AWS::KMS::ReplicaKey
    Properties:
      PrimaryKeyArn: arn:aws:kms:us-east-1:111122223333:key/mrk-1234
      KeyPolicy: {Version: "2012-10-17", Statement: []}
)";
  auto r = read(text, "replica-key.yaml");
  ASSERT_EQ(r->inv.kms_keys().size(), 1u);
  const KmsKey& k = r->inv.kms_keys()[0];
  ASSERT_NE(k.declared_type, nullptr);
  EXPECT_STREQ(k.declared_type, "AWS::KMS::ReplicaKey");
  EXPECT_TRUE(k.rotation_enabled.is_unknown()) << "not the 'rotation off' default of AWS::KMS::Key";
}

// Properties that cannot be resolved, or are not a map, are not "nothing written": the key
// would otherwise read as not rotated with the default policy, the trail as single-Region.
TEST(CloudFormationSource, UnresolvablePropertiesAreNeverReadAsDefaults) {
  const char* text = R"(Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/key.yaml}}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/trail.yaml}}
  Plain:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: [BillingMode, PAY_PER_REQUEST]
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: at-rest-encrypted
)";
  auto r = read(text, "unresolvable.yaml");
  ASSERT_EQ(r->inv.kms_keys().size(), 2u);
  for (const KmsKey& k : r->inv.kms_keys()) {
    if (k.id == "Key") {
      ASSERT_NE(k.read_error, nullptr);
      EXPECT_NE(k.read_error->find("Properties"), std::string::npos);
    } else {
      EXPECT_EQ(k.read_error, nullptr) << "a plain Properties map is read as written";
      EXPECT_TRUE(k.rotation_enabled.value());
    }
  }
  ASSERT_EQ(r->inv.trails().size(), 1u);
  EXPECT_NE(r->inv.trails()[0].read_error, nullptr);
  ASSERT_EQ(r->inv.tables().size(), 1u);
  EXPECT_TRUE(r->inv.tables()[0].kms_key_arn.is_unknown()) << "not the AWS owned key";
  EXPECT_TRUE(r->inv.tables()[0].billing_mode.is_unknown());
  ASSERT_EQ(r->inv.caches().size(), 1u);
  EXPECT_TRUE(r->inv.caches()[0].at_rest_encryption.is_unknown());
}

TEST(CloudFormationSource, GlobalTableReplicaOfAnOddShapeHasAnUnknownKey) {
  const char* text = R"(Resources:
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      SSESpecification: {SSEEnabled: true, SSEType: KMS}
      Replicas:
        - Region: us-east-1
          SSESpecification: {KMSMasterKeyId: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab}
        - Region: eu-west-1
          SSESpecification: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
)";
  auto r = read(text, "global-odd.yaml");
  ASSERT_EQ(r->inv.tables().size(), 1u);
  EXPECT_TRUE(r->inv.tables()[0].kms_key_arn.is_unknown()) << "not the AWS managed key of a replica without a key";
}

// NodeGroupConfiguration lists the shards; ReplicasPerNodeGroup gives the replicas of a shard
// that does not say (3 shards x 2 nodes, not NumNodeGroups' default of 1 shard).
TEST(CloudFormationSource, ShardsOfNodeGroupConfigurationTakeReplicasPerNodeGroup) {
  const char* text = R"(Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sharded
      ReplicasPerNodeGroup: 1
      NodeGroupConfiguration:
        - NodeGroupId: "0001"
        - NodeGroupId: "0002"
        - NodeGroupId: "0003"
          ReplicaCount: 2
)";
  auto r = read(text, "shards.yaml");
  ASSERT_EQ(r->inv.caches().size(), 1u);
  EXPECT_EQ(r->inv.caches()[0].num_nodes.value(), 7);
}

TEST(CloudFormationSource, ATagKnownOnlyAtDeployTimeSaysWhy) {
  const char* text = R"(Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      Tags:
        - {Key: Environment, Value: prod}
        - !ImportValue shared-tag
)";
  auto r = read(text, "tag-import.yaml");
  ASSERT_EQ(r->inv.tables().size(), 1u);
  ASSERT_TRUE(r->inv.tables()[0].tags.is_unknown());
  EXPECT_NE(r->inv.tables()[0].tags.reason().find("export shared-tag"), std::string_view::npos)
      << r->inv.tables()[0].tags.reason() << " (not 'a tag has no Key')";
  EXPECT_EQ(r->inv.tables()[0].tags.line(), 7u);
}

TEST(CloudFormationSource, BackupSelectionThatIsNotAMapSelectsUnknownResources) {
  const char* text = R"(Resources:
  Odd:
    Type: AWS::Backup::BackupSelection
    Properties:
      BackupPlanId: plan-1
      BackupSelection: [arn:aws:dynamodb:us-east-1:111122223333:table/orders]
)";
  auto r = read(text, "selection-odd.yaml");
  ASSERT_EQ(r->inv.backup_selections().size(), 1u);
  const BackupSelection& b = r->inv.backup_selections()[0];
  EXPECT_TRUE(b.resources.is_unknown()) << "not 'no Resources written'";
  EXPECT_TRUE(b.list_of_tags.is_unknown());
  EXPECT_TRUE(b.conditions.is_unknown());
  EXPECT_EQ(b.resources.line(), 6u);
}

TEST(CloudFormationSource, ParameterFilesInBothForms) {
  std::map<std::string, std::string> params;
  EXPECT_NE(read_parameter_file("/nonexistent.json", params), "");
  EXPECT_TRUE(params.empty());
}

}  // namespace
}  // namespace atrest
