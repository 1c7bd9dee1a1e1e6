#include "sources/load.h"
#include "sources/snapshot/snapshot_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace atrest {
namespace {

namespace fs = std::filesystem;

class SnapshotSource : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("atrest_snapshot_test_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::vector<InputSummary> load(const std::vector<std::string>& paths, LoadOptions o = {}) {
    auto s = load_inputs(paths, o, inv_);
    inv_.finalize();
    return s;
  }

  fs::path dir_;
  Inventory inv_;
};

TEST_F(SnapshotSource, ReadsDaxClustersWithScopeFromTheArn) {
  auto s = load({write("dax.json", R"({"Clusters": [{"ClusterName": "orders",
      "ClusterArn": "arn:aws:dax:eu-west-1:111122223333:cache/orders", "TotalNodes": 3,
      "Nodes": [{"NodeId": "a", "AvailabilityZone": "eu-west-1a"},
                {"NodeId": "b", "AvailabilityZone": "eu-west-1b"},
                {"NodeId": "c", "AvailabilityZone": "eu-west-1a"}],
      "SSEDescription": {"Status": "ENABLING"}, "ClusterEndpointEncryptionType": "TLS"},
     {"ClusterName": "plain", "TotalNodes": 1}]})")},
                LoadOptions{"999999999999", "us-west-2", 0, {}, {}});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(inv_.dax_clusters().size(), 2u);
  const DaxCluster& c = inv_.dax_clusters()[0];
  EXPECT_EQ(*c.account, "111122223333");
  EXPECT_EQ(*c.region, "eu-west-1");
  EXPECT_EQ(c.sse_status.value(), "ENABLING");
  EXPECT_EQ(c.node_availability_zones.value().size(), 3u);
  const DaxCluster& plain = inv_.dax_clusters()[1];
  EXPECT_EQ(*plain.account, "999999999999") << "falls back to --account";
  EXPECT_EQ(*plain.region, "us-west-2");
  EXPECT_TRUE(plain.sse_status.is_absent());
  EXPECT_TRUE(plain.endpoint_encryption.is_absent());
  EXPECT_TRUE(plain.node_availability_zones.is_absent());
}

TEST_F(SnapshotSource, TableWithoutSseDescriptionUsesTheOwnedKey) {
  load({write("t.json", R"({"Table": {"TableName": "orders", "TableStatus": "ACTIVE",
      "TableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}})")});
  ASSERT_EQ(inv_.tables().size(), 1u);
  EXPECT_TRUE(inv_.tables()[0].sse_type.is_absent());
  EXPECT_TRUE(inv_.tables()[0].deletion_protection.is_absent());
}

TEST_F(SnapshotSource, ContinuousBackupsAttachToTheTableNamedInTheFileName) {
  write("acct/orders.json", R"({"Table": {"TableName": "orders", "KeySchema": []}})");
  write("acct/backups.json", R"({"Table": {"TableName": "backups", "KeySchema": []}})");
  write("acct/orders-archive.json", R"({"Table": {"TableName": "orders-archive", "KeySchema": []}})");
  write("acct/dynamodb-describe-continuous-backups.orders-archive.json", R"({"ContinuousBackupsDescription": {
      "ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": {
      "PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": 35}}})");
  auto s = load({dir_.string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  for (const DynamoDbTable& t : inv_.tables()) {
    if (t.id == "orders-archive") {
      EXPECT_EQ(t.pitr_status.value(), "ENABLED");
      EXPECT_EQ(t.pitr_recovery_days.value(), 35);
    } else {
      EXPECT_TRUE(t.pitr_status.is_unknown());
    }
  }
}

TEST_F(SnapshotSource, ConfigHistoryConfigurationIsAJsonStringAndTheNewestItemWins) {
  load({write("history.json", R"({"configurationItems": [
    {"version": "1.3", "accountId": "111122223333", "configurationItemCaptureTime": 1748772000.5,
     "configurationItemStatus": "OK", "resourceType": "AWS::DynamoDB::Table", "resourceId": "orders",
     "awsRegion": "eu-west-1",
     "configuration": "{\"tableName\":\"orders\",\"tableStatus\":\"ACTIVE\",\"ssedescription\":{\"status\":\"ENABLED\",\"ssetype\":\"KMS\",\"kmsmasterKeyArn\":\"arn:aws:kms:eu-west-1:111122223333:key/k1\"}}",
     "supplementaryConfiguration": {"ContinuousBackupsDescription": "{\"continuousBackupsStatus\":\"ENABLED\",\"pointInTimeRecoveryDescription\":{\"pointInTimeRecoveryStatus\":\"DISABLED\"}}"}},
    {"version": "1.3", "accountId": "111122223333", "configurationItemCaptureTime": 1748700000,
     "configurationItemStatus": "OK", "resourceType": "AWS::DynamoDB::Table", "resourceId": "orders",
     "awsRegion": "eu-west-1", "configuration": "{\"tableName\":\"orders\",\"tableStatus\":\"CREATING\"}"},
    {"version": "1.3", "accountId": "111122223333", "configurationItemCaptureTime": 1748772000,
     "configurationItemStatus": "OK", "resourceType": "AWS::KMS::Key", "resourceId": "k1",
     "awsRegion": "eu-west-1", "arn": "arn:aws:kms:eu-west-1:111122223333:key/k1",
     "configuration": "{\"keyId\":\"k1\",\"keyState\":\"PendingDeletion\",\"keyManager\":\"CUSTOMER\"}",
     "supplementaryConfiguration": {"KeyRotationStatus": "true"}}]})")});
  ASSERT_EQ(inv_.tables().size(), 1u);
  const DynamoDbTable& t = inv_.tables()[0];
  EXPECT_EQ(t.table_status.value(), "ACTIVE");
  EXPECT_EQ(t.sse_type.value(), "KMS");
  EXPECT_EQ(t.pitr_status.value(), "DISABLED");
  EXPECT_TRUE(t.deletion_protection.is_unknown()) << "Config does not record it: unknown, not false";
  const KmsKey* k = inv_.find_kms_key(t.kms_key_arn.value(), t);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->key_state.value(), "PendingDeletion");
  EXPECT_TRUE(k->rotation_enabled.value());
}

TEST_F(SnapshotSource, SelectResultsWithoutConfigurationAreUnknown) {
  load({write("select.json", R"({"Results": [
      "{\"resourceId\":\"orders\",\"resourceType\":\"AWS::DynamoDB::Table\",\"awsRegion\":\"eu-west-1\",\"accountId\":\"111122223333\"}",
      "{\"resourceId\":\"events\",\"resourceType\":\"AWS::DynamoDB::Table\",\"awsRegion\":\"eu-west-1\",\"accountId\":\"111122223333\",\"configuration\":{\"tableStatus\":\"ACTIVE\"}}"],
    "QueryInfo": {"SelectFields": [{"Name": "resourceId"}, {"Name": "resourceType"}, {"Name": "awsRegion"},
                                   {"Name": "accountId"}, {"Name": "configuration.tableStatus"}]}})")});
  ASSERT_EQ(inv_.tables().size(), 2u);
  for (const DynamoDbTable& t : inv_.tables()) {
    EXPECT_TRUE(t.sse_type.is_unknown()) << t.id << ": ssedescription was not selected";
  }
}

TEST_F(SnapshotSource, UnprocessedBatchGetKeysBecomeUnreadableResources) {
  load({write("batch.json", R"({"baseConfigurationItems": [], "unprocessedResourceKeys": [
      {"resourceType": "AWS::DynamoDB::Table", "resourceId": "orders"}]})")},
       LoadOptions{"111122223333", "eu-west-1", 0, {}, {}});
  ASSERT_EQ(inv_.tables().size(), 1u);
  EXPECT_NE(inv_.tables()[0].read_error, nullptr);
}

TEST_F(SnapshotSource, BadFilesAreOneLineErrorsAndTheRestIsRead) {
  write("a/good.json", R"({"Clusters": [{"ClusterName": "ok"}]})");
  write("a/truncated.json", "{\"Clusters\": [{\"ClusterName\": \"x\",\n");
  write("a/shape.json", R"({"Clusters": "oops"})");
  write("a/item.json", R"({"Clusters": [42, {"ClusterName": "second"}]})");
  write("a/other-tool.json", R"({"name": "my-package", "version": "1.0.0"})");
  write("a/redshift.json", R"({"Clusters": [{"ClusterIdentifier": "warehouse"}]})");
  write("a/notes.txt", "not json, not named .json");
  auto s = load({(dir_ / "a").string(), (dir_ / "missing").string()});
  ASSERT_EQ(s.size(), 2u);
  std::vector<std::string> errors = s[0].errors;
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("item.json: Clusters[0] is a number, expected an object"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("shape.json: Clusters is a string, expected an array"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("truncated.json:2:1: unexpected end of file"), std::string::npos) << errors[2];
  EXPECT_EQ(s[0].files_skipped, 3u) << "other-tool.json, redshift.json and notes.txt";
  EXPECT_EQ(inv_.dax_clusters().size(), 2u) << "ok and second";
  ASSERT_EQ(s[1].errors.size(), 1u);
  EXPECT_NE(s[1].errors[0].find("missing: cannot read"), std::string::npos);
}

TEST_F(SnapshotSource, OtherToolsTablesAndClustersAreNotOurs) {
  write("d/timestream.json", R"({"Table": {"Arn": "arn:aws:timestream:eu-west-1:1:database/db/table/metrics",
      "TableName": "metrics", "DatabaseName": "db", "TableStatus": "ACTIVE"}})");
  write("d/glue.json", R"({"Table": {"Name": "events", "DatabaseName": "lake"}})");
  write("d/memorydb.json", R"({"Clusters": [{"Name": "mem", "ARN": "arn:aws:memorydb:eu-west-1:1:cluster/mem"}]})");
  write("d/other-dax-arn.json", R"({"Clusters": [{"ClusterName": "x", "ClusterArn": "arn:aws:redshift:eu-west-1:1:cluster:x"}]})");
  auto s = load({(dir_ / "d").string()});
  EXPECT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  EXPECT_EQ(s[0].files_skipped, 4u);
  EXPECT_EQ(inv_.size(), 0u);
}

TEST_F(SnapshotSource, BareListsAndObjectsFromQueryOptionsAreRead) {
  write("q/clusters.json", R"([{"ClusterName": "c", "ClusterArn": "arn:aws:dax:eu-west-1:1:cache/c"}])");
  write("q/table.json", R"({"TableName": "t", "TableArn": "arn:aws:dynamodb:eu-west-1:1:table/t"})");
  write("q/key.json", R"({"KeyId": "k", "KeyState": "Enabled", "Arn": "arn:aws:kms:eu-west-1:1:key/k"})");
  write("q/empty-list.json", "[]");
  auto s = load({(dir_ / "q").string()});
  EXPECT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  EXPECT_EQ(inv_.dax_clusters().size(), 1u);
  EXPECT_EQ(inv_.tables().size(), 1u);
  EXPECT_EQ(inv_.kms_keys().size(), 1u);
  EXPECT_EQ(s[0].files_skipped, 1u) << "an empty list could be anything's";
}

TEST_F(SnapshotSource, ConfigItemsThatCannotBeReadSayWhy) {
  auto s = load({write("select.json", R"({"Results": ["{\"resourceId\":\"orders\"}"],
      "QueryInfo": {"SelectFields": [{"Name": "resourceId"}]}})"),
                 write("note.json", R"({"configurationItemSummary": {"resourceType": "AWS::DynamoDB::Table"},
      "s3ObjectKey": "AWSLogs/1/Config/x.json.gz", "messageType": "OversizedConfigurationItemChangeNotification"})")});
  ASSERT_EQ(s[0].errors.size(), 1u);
  EXPECT_NE(s[0].errors[0].find("add resourceType to the SELECT clause"), std::string::npos) << s[0].errors[0];
  ASSERT_EQ(s[1].errors.size(), 1u);
  EXPECT_NE(s[1].errors[0].find("AWSLogs/1/Config/x.json.gz"), std::string::npos) << s[1].errors[0];
}

TEST_F(SnapshotSource, ExplicitlyNamedUnrecognisedFilesAreErrors) {
  auto s = load({write("package.json", R"({"name": "x"})")});
  ASSERT_EQ(s[0].errors.size(), 1u);
  EXPECT_NE(s[0].errors[0].find("not an aws CLI"), std::string::npos);
}

TEST_F(SnapshotSource, ImpossibleTimestampsAreUnknown) {
  load({write("k.json", R"({"KeyMetadata": {"KeyId": "k", "Arn": "arn:aws:kms:eu-west-1:1:key/k",
      "KeyState": "PendingDeletion", "DeletionDate": 1e300}})")});
  ASSERT_EQ(inv_.kms_keys().size(), 1u);
  EXPECT_TRUE(inv_.kms_keys()[0].deletion_date.is_unknown());
}

TEST_F(SnapshotSource, DirectoryLoopsAreCutOnce) {
  write("root/sub/dax.json", R"({"Clusters": [{"ClusterName": "ok"}]})");
  fs::create_directory_symlink(dir_ / "root", dir_ / "root/sub/loop");
  auto s = load({(dir_ / "root").string()});
  EXPECT_EQ(inv_.dax_clusters().size(), 1u);
  ASSERT_EQ(s[0].errors.size(), 1u);
  EXPECT_NE(s[0].errors[0].find("directory loop"), std::string::npos);
}

TEST_F(SnapshotSource, KmsListingIsOverriddenByDescribeKey) {
  write("keys.json", R"({"Keys": [{"KeyId": "k1", "KeyArn": "arn:aws:kms:eu-west-1:111122223333:key/k1"}], "Truncated": false})");
  write("k1.json", R"({"KeyMetadata": {"AWSAccountId": "111122223333", "KeyId": "k1",
      "Arn": "arn:aws:kms:eu-west-1:111122223333:key/k1", "KeyState": "Disabled", "KeyManager": "CUSTOMER",
      "DeletionDate": 1795624685.421}})");
  load({dir_.string()});
  ASSERT_EQ(inv_.kms_keys().size(), 1u);
  EXPECT_EQ(inv_.kms_keys()[0].key_state.value(), "Disabled");
  EXPECT_EQ(inv_.kms_keys()[0].deletion_date.value(), "2026-11-25T16:38:05Z");
}

TEST_F(SnapshotSource, DescribeTableReadsBillingIndexesAndOtherRegionsReplicas) {
  write("t/orders.json", R"({"Table": {"TableName": "orders",
      "TableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
      "GlobalSecondaryIndexes": [{"IndexName": "by-customer"}, {"IndexName": "by-date"}],
      "Replicas": [{"RegionName": "eu-west-1"}, {"RegionName": "us-east-1", "KMSMasterKeyId": "arn:aws:kms:us-east-1:111122223333:key/k2"},
                   {"RegionName": "ap-south-1"}]}})");
  write("t/events.json", R"({"Table": {"TableName": "events", "KeySchema": [],
      "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}, "Tags": [{"Key": "Environment", "Value": "prod"}]}})");
  load({(dir_ / "t").string()});
  ASSERT_EQ(inv_.tables().size(), 2u);
  const DynamoDbTable& orders = inv_.tables()[0].id == "orders" ? inv_.tables()[0] : inv_.tables()[1];
  const DynamoDbTable& events = inv_.tables()[0].id == "orders" ? inv_.tables()[1] : inv_.tables()[0];
  EXPECT_EQ(orders.billing_mode.value(), "PROVISIONED") << "no BillingModeSummary: provisioned, as the API says";
  EXPECT_EQ(orders.gsi_names.value(), (std::vector<std::string>{"by-customer", "by-date"}));
  ASSERT_EQ(orders.replicas.value().size(), 2u) << "the table's own region is not a replica of it";
  EXPECT_EQ(orders.replicas.value()[0].region, "us-east-1");
  EXPECT_EQ(orders.replicas.value()[0].kms_key.value(), "arn:aws:kms:us-east-1:111122223333:key/k2");
  EXPECT_TRUE(orders.replicas.value()[1].kms_key.is_absent());
  EXPECT_TRUE(orders.tags.is_unknown()) << "DescribeTable does not report tags: unknown, not absent";
  EXPECT_TRUE(orders.resource_policy.is_unknown());
  EXPECT_EQ(events.billing_mode.value(), "PAY_PER_REQUEST");
  EXPECT_TRUE(events.gsi_names.value().empty());
  ASSERT_TRUE(events.tags.is_known()) << "an output that carries Tags itself";
  EXPECT_EQ(events.tags.value()[0].key, "Environment");
}

TEST_F(SnapshotSource, TagsAndResourcePoliciesAttachToTheTableTheFileNames) {
  write("d/orders.json", R"({"Table": {"TableName": "orders", "KeySchema": []}})");
  write("d/orders.v2.json", R"({"Table": {"TableName": "orders.v2", "KeySchema": []}})");
  write("d/dynamodb-list-tags-of-resource.orders.v2.json", R"({"Tags": [{"Key": "Security", "Value": "high"}]})");
  write("d/dynamodb-get-resource-policy.orders.json",
        R"({"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"arn:aws:dynamodb:eu-west-1:111122223333:table/orders\"}]}", "RevisionId": "1"})");
  write("d/dynamodb-get-resource-policy.orders.v2.json",
        R"({"__type": "com.amazonaws.dynamodb.v20120810#PolicyNotFoundException", "message": "no policy"})");
  // Traps: DAX's list-tags and Lambda's get-policy print the same shapes.
  write("d/dax-list-tags.orders.json", R"({"Tags": [{"Key": "Owner", "Value": "dax"}]})");
  write("d/lambda-get-policy.orders.json",
        R"({"Policy": "{\"Statement\":[{\"Resource\":\"arn:aws:lambda:eu-west-1:1:function:f\"}]}", "RevisionId": "2"})");
  auto s = load({(dir_ / "d").string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  EXPECT_EQ(s[0].files_skipped, 2u) << "dax-list-tags and lambda-get-policy are not DynamoDB's";
  for (const DynamoDbTable& t : inv_.tables()) {
    if (t.id == "orders") {
      EXPECT_TRUE(t.tags.is_unknown()) << "no list-tags-of-resource output names it";
      ASSERT_TRUE(t.resource_policy.is_known());
      EXPECT_NE(t.resource_policy.value().find("\"Principal\":\"*\""), std::string::npos);
    } else {
      ASSERT_TRUE(t.tags.is_known()) << "longest name in the file name wins: orders.v2";
      EXPECT_EQ(t.tags.value()[0].key, "Security");
      EXPECT_TRUE(t.resource_policy.is_absent()) << "PolicyNotFoundException: no policy";
    }
  }
}

TEST_F(SnapshotSource, AnswerThatMatchesNoTableIsAnError) {
  write("e/a.json", R"({"Table": {"TableName": "a", "KeySchema": []}})");
  write("e/b.json", R"({"Table": {"TableName": "b", "KeySchema": []}})");
  write("e/dynamodb-tags.json", R"({"Tags": []})");
  auto s = load({(dir_ / "e").string()});
  ASSERT_EQ(s[0].errors.size(), 1u);
  EXPECT_NE(s[0].errors[0].find("list-tags-of-resource output names no table"), std::string::npos) << s[0].errors[0];
  for (const DynamoDbTable& t : inv_.tables()) EXPECT_TRUE(t.tags.is_unknown());
}

TEST_F(SnapshotSource, NetworkListsAndWhatTheyProve) {
  write("n/subnets.json", R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "eu-west-1a",
      "OwnerId": "111122223333", "SubnetArn": "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1"}]})");
  write("n/routes.json", R"({"RouteTables": [
      {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "OwnerId": "111122223333",
       "Associations": [{"Main": true, "RouteTableAssociationId": "a1", "AssociationState": {"State": "associated"}}],
       "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]},
      {"RouteTableId": "rtb-public", "VpcId": "vpc-1", "OwnerId": "111122223333",
       "Associations": [{"Main": false, "SubnetId": "subnet-1"}, {"Main": false, "SubnetId": "subnet-old", "AssociationState": {"State": "disassociated"}}],
       "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
                  {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-gone", "State": "blackhole"}]}]})");
  write("n/endpoints.json", R"({"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Gateway", "VpcId": "vpc-1",
      "ServiceName": "com.amazonaws.eu-west-1.dynamodb", "State": "available", "OwnerId": "111122223333"}]})");
  write("n/empty-bare.json", "[]");
  auto s = load({(dir_ / "n").string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(inv_.subnets().size(), 1u);
  EXPECT_EQ(*inv_.subnets()[0].region, "eu-west-1");
  EXPECT_EQ(inv_.subnets()[0].vpc_id.value(), "vpc-1");
  ASSERT_EQ(inv_.route_tables().size(), 2u);
  const RouteTable& main = inv_.route_tables()[0];
  const RouteTable& pub = inv_.route_tables()[1];
  EXPECT_TRUE(main.main.value());
  EXPECT_TRUE(main.subnet_ids.value().empty());
  EXPECT_FALSE(pub.main.value());
  EXPECT_EQ(pub.subnet_ids.value(), std::vector<std::string>{"subnet-1"}) << "a disassociated subnet is not routed";
  ASSERT_EQ(pub.routes.value().size(), 1u) << "a blackhole route carries nothing";
  EXPECT_EQ(pub.routes.value()[0].gateway_id.value(), "igw-1");
  ASSERT_EQ(inv_.vpc_endpoints().size(), 1u);
  const VpcEndpoint& e = inv_.vpc_endpoints()[0];
  EXPECT_EQ(*e.region, "eu-west-1") << "from the service name";
  EXPECT_EQ(e.endpoint_type.value(), "Gateway");
  EXPECT_EQ(inv_.coverage_gap(Collection::kSubnets, inv_.subnets()[0]), nullptr);
  EXPECT_EQ(inv_.coverage_gap(Collection::kVpcEndpoints, inv_.subnets()[0]), nullptr);
  EXPECT_NE(inv_.coverage_gap(Collection::kTrails, inv_.subnets()[0]), nullptr) << "no trail list was read";
  EXPECT_EQ(s[0].files_skipped, 1u) << "a bare [] proves nothing";
}

TEST_F(SnapshotSource, EmptyTrailListProvesThereIsNoTrail) {
  load({write("trails.json", R"({"trailList": []})")}, LoadOptions{"111122223333", "eu-west-1", 0, {}, {}});
  EXPECT_TRUE(inv_.trails().empty());
  DynamoDbTable probe;
  probe.account = intern("111122223333");
  probe.region = intern("eu-west-1");
  EXPECT_EQ(inv_.coverage_gap(Collection::kTrails, probe), nullptr);
  probe.region = intern("us-east-1");
  EXPECT_NE(inv_.coverage_gap(Collection::kTrails, probe), nullptr) << "another region was not read";
}

TEST_F(SnapshotSource, SubnetGroupsOfDaxAndElastiCacheNameTheirVpc) {
  write("g/dax.json", R"({"SubnetGroups": [{"SubnetGroupName": "dax-private", "VpcId": "vpc-1",
      "Subnets": [{"SubnetIdentifier": "subnet-1", "SubnetAvailabilityZone": "eu-west-1a"}]}]})");
  write("g/ec.json", R"({"CacheSubnetGroups": [{"CacheSubnetGroupName": "cache-private", "VpcId": "vpc-2",
      "ARN": "arn:aws:elasticache:eu-west-1:111122223333:subnetgroup:cache-private",
      "Subnets": [{"SubnetIdentifier": "subnet-2"}, {"SubnetIdentifier": "subnet-3"}]},
      {"CacheSubnetGroupName": "broken", "Subnets": [{"SubnetAvailabilityZone": {"Name": "eu-west-1a"}}]}]})");
  load({(dir_ / "g").string()});
  ASSERT_EQ(inv_.subnet_groups().size(), 3u);
  for (const SubnetGroup& g : inv_.subnet_groups()) {
    if (g.id == "dax-private") {
      EXPECT_EQ(g.type, ResourceType::kDaxSubnetGroup);
      EXPECT_EQ(g.vpc_id.value(), "vpc-1");
    } else if (g.id == "cache-private") {
      EXPECT_EQ(g.type, ResourceType::kElastiCacheSubnetGroup);
      EXPECT_EQ(*g.account, "111122223333");
      EXPECT_EQ(g.subnet_ids.value(), (std::vector<std::string>{"subnet-2", "subnet-3"}));
    } else {
      EXPECT_TRUE(g.subnet_ids.is_unknown()) << "a subnet without an id: the list is not complete";
    }
  }
}

TEST_F(SnapshotSource, ElastiCacheAvailabilityAuthAndBackups) {
  write("c/groups.json", R"({"ReplicationGroups": [{"ReplicationGroupId": "rg", "AuthTokenEnabled": false,
      "UserGroupIds": ["ug-1"], "AutomaticFailover": "enabled", "MultiAZ": "disabled", "SnapshotRetentionLimit": 0,
      "AutoMinorVersionUpgrade": true, "MemberClusters": ["rg-001", "rg-002", "rg-003"]}]})");
  write("c/clusters.json", R"({"CacheClusters": [
      {"CacheClusterId": "mc", "Engine": "memcached", "NumCacheNodes": 3, "PreferredAvailabilityZone": "Multiple",
       "CacheSubnetGroupName": "default", "SecurityGroups": [{"SecurityGroupId": "sg-1", "Status": "active"}],
       "SnapshotRetentionLimit": 0, "AutoMinorVersionUpgrade": false},
      {"CacheClusterId": "single", "Engine": "redis", "NumCacheNodes": 1, "PreferredAvailabilityZone": "eu-west-1b",
       "AuthTokenEnabled": true}]})");
  write("c/serverless.json", R"({"ServerlessCaches": [{"ServerlessCacheName": "sl", "Engine": "valkey",
      "SnapshotRetentionLimit": 7, "SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-2"],
      "UserGroupId": "ug-2", "KmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k"}]})");
  load({(dir_ / "c").string()});
  ASSERT_EQ(inv_.caches().size(), 4u);
  for (const ElastiCache& c : inv_.caches()) {
    if (c.id == "rg") {
      EXPECT_FALSE(c.auth_token_enabled.value());
      EXPECT_EQ(c.user_group_ids.value(), std::vector<std::string>{"ug-1"});
      EXPECT_EQ(c.automatic_failover.value(), "enabled");
      EXPECT_FALSE(c.multi_az.value()) << "\"disabled\" is false";
      EXPECT_EQ(c.num_nodes.value(), 3);
      EXPECT_EQ(c.snapshot_retention_limit.value(), 0) << "0 is a value (no backups), not absent";
      EXPECT_TRUE(c.cache_subnet_group.is_unknown()) << "replication groups do not name it";
    } else if (c.id == "mc") {
      EXPECT_EQ(c.az_mode.value(), "cross-az");
      EXPECT_EQ(c.num_nodes.value(), 3);
      EXPECT_EQ(c.cache_subnet_group.value(), "default");
      EXPECT_EQ(c.security_group_ids.value(), std::vector<std::string>{"sg-1"});
      EXPECT_FALSE(c.auto_minor_version_upgrade.value());
    } else if (c.id == "single") {
      EXPECT_EQ(c.az_mode.value(), "single-az");
      EXPECT_TRUE(c.auth_token_enabled.value());
      EXPECT_TRUE(c.snapshot_retention_limit.is_absent());
    } else {
      EXPECT_EQ(c.user_group_ids.value(), std::vector<std::string>{"ug-2"});
      EXPECT_EQ(c.subnet_ids.value().size(), 2u);
      EXPECT_EQ(c.security_group_ids.value(), std::vector<std::string>{"sg-2"});
      EXPECT_EQ(c.snapshot_retention_limit.value(), 7);
      EXPECT_EQ(c.kms_key_id.value(), "arn:aws:kms:eu-west-1:111122223333:key/k");
    }
  }
}

TEST_F(SnapshotSource, KeyPolicyAttachesToTheKeyTheFileNames) {
  write("k/k1.json", R"({"KeyMetadata": {"KeyId": "1111-aaaa", "KeyState": "Enabled", "Arn": "arn:aws:kms:eu-west-1:1:key/1111-aaaa"}})");
  write("k/k2.json", R"({"KeyMetadata": {"KeyId": "2222-bbbb", "KeyState": "Enabled", "Arn": "arn:aws:kms:eu-west-1:1:key/2222-bbbb"}})");
  write("k/kms-get-key-policy.2222-bbbb.json",
        R"({"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "PolicyName": "default"})");
  auto s = load({(dir_ / "k").string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  for (const KmsKey& k : inv_.kms_keys()) {
    if (k.id == "2222-bbbb") {
      EXPECT_EQ(k.policy.value(), R"({"Version":"2012-10-17","Statement":[]})");
    } else {
      EXPECT_FALSE(k.policy.is_known()) << "the other key's policy was not read";
    }
  }
}

TEST_F(SnapshotSource, AuthorizationDetailsGiveRolesCustomerPoliciesAndInlinePolicies) {
  load({write("iam.json", R"({
    "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice",
      "UserPolicyList": [{"PolicyName": "all-dynamo", "PolicyDocument": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}}]}],
    "GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::111122223333:group/ops",
      "GroupPolicyList": [{"PolicyName": "dax", "PolicyDocument": {"Statement": []}}]}],
    "RoleDetailList": [{"RoleName": "dax-service", "Arn": "arn:aws:iam::111122223333:role/dax-service",
      "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "dax.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
      "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Statement": []}}],
      "AttachedManagedPolicies": [{"PolicyName": "app", "PolicyArn": "arn:aws:iam::111122223333:policy/app"},
                                  {"PolicyName": "AmazonDynamoDBFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}]}],
    "Policies": [{"PolicyName": "app", "Arn": "arn:aws:iam::111122223333:policy/app", "DefaultVersionId": "v2",
      "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": ["old"]}},
                            {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": ["new"]}}]},
      {"PolicyName": "AmazonDynamoDBFullAccess", "Arn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", "DefaultVersionId": "v1",
      "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": []}}]}]})")});
  ASSERT_EQ(inv_.iam_roles().size(), 1u);
  const IamRole& role = inv_.iam_roles()[0];
  EXPECT_EQ(role.region, nullptr) << "IAM is global";
  EXPECT_EQ(*role.account, "111122223333");
  EXPECT_NE(role.assume_role_policy.value().find("dax.amazonaws.com"), std::string::npos);
  EXPECT_EQ(role.inline_policies.value(), std::vector<std::string>{R"({"Statement":[]})"});
  EXPECT_EQ(role.managed_policy_arns.value().size(), 2u);
  ASSERT_EQ(inv_.iam_policies().size(), 4u);
  size_t judged = 0;
  for (const IamPolicy& p : inv_.iam_policies()) {
    if (!p.reference_only) ++judged;
    if (p.id == "app") {
      EXPECT_EQ(p.document.value(), R"({"Statement":["new"]})") << "the default version";
      EXPECT_EQ(p.attached_roles.value(), std::vector<std::string>{"dax-service"});
      EXPECT_TRUE(p.inline_owner.is_absent());
    } else if (p.id == "AmazonDynamoDBFullAccess") {
      EXPECT_TRUE(p.reference_only) << "AWS managed: not the account's policy";
    } else if (p.id == "user/alice/all-dynamo") {
      EXPECT_EQ(p.inline_owner.value(), "user/alice");
      EXPECT_NE(p.document.value().find("dynamodb:*"), std::string::npos);
    } else {
      EXPECT_EQ(p.id, "group/ops/dax");
      EXPECT_EQ(p.inline_owner.value(), "group/ops");
    }
  }
  EXPECT_EQ(judged, 3u);
  EXPECT_EQ(inv_.coverage_gap(Collection::kIamPolicies, role), nullptr);
}

TEST_F(SnapshotSource, BackupSelectionsWithTagsAndConditions) {
  write("b/sel.json", R"({"BackupSelection": {"SelectionName": "tagged", "IamRoleArn": "arn:aws:iam::111122223333:role/backup",
      "Resources": ["arn:aws:dynamodb:*:*:table/*"], "NotResources": ["arn:aws:dynamodb:eu-west-1:111122223333:table/scratch"],
      "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "aws:ResourceTag/Backup", "ConditionValue": "daily"}],
      "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/Env", "ConditionValue": "prod"}],
                     "StringNotLike": [{"ConditionKey": "aws:ResourceTag/Tier", "ConditionValue": "dev*"}],
                     "StringLike": [], "StringNotEquals": []}},
      "SelectionId": "sel-1", "BackupPlanId": "plan-1"})");
  write("b/sel-bad.json", R"({"BackupSelection": {"SelectionName": "odd", "IamRoleArn": "arn:aws:iam::111122223333:role/backup",
      "ListOfTags": [{"ConditionType": "NUMERICEQUALS", "ConditionKey": "n", "ConditionValue": "1"}]},
      "SelectionId": "sel-2", "BackupPlanId": "plan-1"})");
  load({(dir_ / "b").string()}, LoadOptions{"", "eu-west-1", 0, {}, {}});
  ASSERT_EQ(inv_.backup_selections().size(), 2u);
  const BackupSelection& b = inv_.backup_selections()[0].id == "sel-1" ? inv_.backup_selections()[0] : inv_.backup_selections()[1];
  const BackupSelection& bad = inv_.backup_selections()[0].id == "sel-1" ? inv_.backup_selections()[1] : inv_.backup_selections()[0];
  EXPECT_EQ(*b.account, "111122223333") << "from the role's ARN";
  EXPECT_EQ(b.plan_id.value(), "plan-1");
  EXPECT_EQ(b.resources.value(), std::vector<std::string>{"arn:aws:dynamodb:*:*:table/*"});
  EXPECT_EQ(b.not_resources.value().size(), 1u);
  ASSERT_EQ(b.list_of_tags.value().size(), 1u);
  EXPECT_EQ(b.list_of_tags.value()[0].op, "StringEquals");
  EXPECT_EQ(b.list_of_tags.value()[0].key, "Backup") << "without the aws:ResourceTag/ prefix";
  ASSERT_EQ(b.conditions.value().size(), 2u);
  EXPECT_EQ(b.conditions.value()[1].op, "StringNotLike");
  EXPECT_EQ(b.conditions.value()[1].key, "Tier");
  EXPECT_TRUE(bad.list_of_tags.is_unknown()) << "an unknown operator is not guessed";
  EXPECT_TRUE(bad.resources.is_absent());
}

TEST_F(SnapshotSource, ScalableTargetsOnePerDimension) {
  load({write("targets.json", R"({"ScalableTargets": [
      {"ServiceNamespace": "dynamodb", "ResourceId": "table/orders", "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
       "MinCapacity": 5, "MaxCapacity": 100, "ScalableTargetARN": "arn:aws:application-autoscaling:eu-west-1:111122223333:scalable-target/abc"},
      {"ServiceNamespace": "dynamodb", "ResourceId": "table/orders", "ScalableDimension": "dynamodb:table:WriteCapacityUnits",
       "MinCapacity": 5, "MaxCapacity": 100}]})")});
  ASSERT_EQ(inv_.scalable_targets().size(), 2u) << "two dimensions of one table are two targets";
  const ScalableTarget& t = inv_.scalable_targets()[0];
  EXPECT_EQ(t.resource_id.value(), "table/orders");
  EXPECT_EQ(*t.region, "eu-west-1");
  EXPECT_EQ(inv_.coverage_gap(Collection::kScalableTargets, t), nullptr);
}

TEST_F(SnapshotSource, TrailsWithStatusAndSelectors) {
  write("ct/trails.json", R"({"trailList": [
      {"Name": "org", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org", "HomeRegion": "us-east-1",
       "IsMultiRegionTrail": true},
      {"Name": "local", "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/local", "HomeRegion": "eu-west-1",
       "IsMultiRegionTrail": false}]})");
  write("ct/cloudtrail-get-trail-status.org.json", R"({"IsLogging": true, "LatestDeliveryTime": 1748772000})");
  write("ct/selectors-org.json", R"({"TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org",
      "AdvancedEventSelectors": [{"Name": "dynamo", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]}]})");
  write("ct/selectors-local.json", R"({"TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/local",
      "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true,
        "DataResources": [{"Type": "AWS::DynamoDB::Table", "Values": ["arn:aws:dynamodb"]}]}]})");
  auto s = load({(dir_ / "ct").string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(inv_.trails().size(), 2u);
  for (const Trail& t : inv_.trails()) {
    if (t.id == "org") {
      EXPECT_TRUE(t.multi_region.value());
      EXPECT_EQ(*t.region, "us-east-1") << "a trail lives in its home region";
      EXPECT_TRUE(t.logging.value());
      EXPECT_TRUE(t.event_selectors.is_absent());
      ASSERT_EQ(t.advanced_event_selectors.value().size(), 1u);
      EXPECT_EQ(t.advanced_event_selectors.value()[0].field_selectors[1].equals[0], "AWS::DynamoDB::Table");
    } else {
      EXPECT_TRUE(t.logging.is_unknown()) << "no get-trail-status output names it";
      ASSERT_EQ(t.event_selectors.value().size(), 1u);
      EXPECT_EQ(t.event_selectors.value()[0].read_write_type.value(), "WriteOnly");
      EXPECT_EQ(t.event_selectors.value()[0].data_resource_types[0], "AWS::DynamoDB::Table");
      EXPECT_TRUE(t.advanced_event_selectors.is_absent());
    }
  }
  // The single-region trail tells which region the list was read in; the multi-region one does not.
  DynamoDbTable probe;
  probe.account = intern("111122223333");
  probe.region = intern("eu-west-1");
  EXPECT_EQ(inv_.coverage_gap(Collection::kTrails, probe), nullptr);
  probe.region = intern("us-east-1");
  EXPECT_NE(inv_.coverage_gap(Collection::kTrails, probe), nullptr);
}

TEST_F(SnapshotSource, ConfigRecordersJoinTheirStatusByName) {
  write("cfg/recorders.json", R"({"ConfigurationRecorders": [{"name": "default",
      "roleARN": "arn:aws:iam::111122223333:role/config",
      "recordingGroup": {"allSupported": false, "includeGlobalResourceTypes": false,
        "resourceTypes": ["AWS::DynamoDB::Table", "AWS::KMS::Key"],
        "exclusionByResourceTypes": {"resourceTypes": []}, "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}}]})");
  write("cfg/status.json", R"({"ConfigurationRecordersStatus": [{"name": "default", "recording": false, "lastStatus": "Success"}]})");
  write("other/recorders.json", R"({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true}}]})");
  auto s = load({dir_.string()}, LoadOptions{"111122223333", "eu-west-1", 0, {}, {}});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(inv_.config_recorders().size(), 1u) << "one recorder per account and region";
  ASSERT_EQ(inv_.account_regions().size(), 1u);
  Inventory separate;
  load_inputs({(dir_ / "cfg").string()}, LoadOptions{"111122223333", "eu-west-1", 0, {}, {}}, separate);
  separate.finalize();
  const ConfigRecorder& c = separate.config_recorders()[0];
  EXPECT_FALSE(c.recording.value());
  EXPECT_FALSE(c.all_supported.value());
  EXPECT_EQ(c.recording_strategy.value(), "INCLUSION_BY_RESOURCE_TYPES");
  EXPECT_EQ(c.resource_types.value().size(), 2u);
  EXPECT_TRUE(c.excluded_types.value().empty());
  Inventory alone;
  load_inputs({(dir_ / "other").string()}, LoadOptions{"111122223333", "eu-west-1", 0, {}, {}}, alone);
  alone.finalize();
  EXPECT_TRUE(alone.config_recorders()[0].recording.is_unknown()) << "no status output: unknown";
}

TEST_F(SnapshotSource, LiveAnswersThatNameNoResourceAreReturned) {
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"111122223333", "eu-west-1"};
  ApiAnswer tags = read_api_answer(R"({"Tags": [{"Key": "Environment", "Value": "prod"}]})",
                                   "dynamodb:ListTagsOfResource", scope, inventory, errors);
  EXPECT_TRUE(tags.recognised);
  ASSERT_TRUE(tags.has_tags);
  EXPECT_EQ(tags.tags.value()[0].key, "Environment");
  ApiAnswer policy = read_api_answer(R"({"Policy": "{}", "RevisionId": "1"})", "dynamodb:GetResourcePolicy", scope,
                                     inventory, errors);
  ASSERT_TRUE(policy.has_resource_policy);
  EXPECT_EQ(policy.resource_policy.value(), "{}");
  ApiAnswer key = read_api_answer(R"({"Policy": "{\"Statement\":[]}", "PolicyName": "default"})", "kms:GetKeyPolicy",
                                  scope, inventory, errors);
  ASSERT_TRUE(key.has_key_policy);
  ApiAnswer status = read_api_answer(R"({"IsLogging": false})", "cloudtrail:GetTrailStatus", scope, inventory, errors);
  ASSERT_TRUE(status.has_trail_status);
  EXPECT_FALSE(status.logging.value());
  ApiAnswer recorders = read_api_answer(R"({"ConfigurationRecordersStatus": [{"name": "default", "recording": true}]})",
                                        "config:DescribeConfigurationRecorderStatus", scope, inventory, errors);
  ASSERT_EQ(recorders.recorder_status.size(), 1u);
  EXPECT_TRUE(recorders.recorder_status[0].second.value());
  ApiAnswer trails = read_api_answer(R"({"trailList": []})", "cloudtrail:DescribeTrails", scope, inventory, errors);
  EXPECT_TRUE(trails.recognised);
  EXPECT_TRUE(inventory.account_regions().empty()) << "a live page is not a whole list: the caller records coverage";
  EXPECT_TRUE(errors.empty()) << errors[0];
}

TEST_F(SnapshotSource, ConfigTableItemsGiveTagsBillingIndexesAndReplicas) {
  load({write("snap.json", R"({"fileVersion": "1.0", "configSnapshotId": "x", "configurationItems": [
    {"configurationItemVersion": "1.3", "configurationItemCaptureTime": "2026-11-24T06:12:41.502Z", "awsAccountId": "111122223333",
     "configurationItemStatus": "OK", "resourceType": "AWS::DynamoDB::Table", "resourceId": "orders", "resourceName": "orders",
     "ARN": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders", "awsRegion": "eu-west-1", "tags": {"Environment": "prod"},
     "configuration": {"tableName": "orders", "tableStatus": "ACTIVE", "billingModeSummary": {"billingMode": "PAY_PER_REQUEST"},
       "globalSecondaryIndexes": [{"indexName": "by-date"}],
       "replicas": [{"regionName": "eu-west-1"}, {"regionName": "us-east-1", "kmsmasterKeyId": "k2"}]},
     "supplementaryConfiguration": {}}]})"),
        write("batch.json", R"({"baseConfigurationItems": [{"version": "1.3", "accountId": "111122223333",
     "configurationItemCaptureTime": 1748772000, "configurationItemStatus": "OK", "resourceType": "AWS::DynamoDB::Table",
     "resourceId": "events", "awsRegion": "eu-west-1", "configuration": "{\"tableName\":\"events\",\"tableStatus\":\"ACTIVE\"}",
     "supplementaryConfiguration": {}}], "unprocessedResourceKeys": []})")});
  ASSERT_EQ(inv_.tables().size(), 2u);
  for (const DynamoDbTable& t : inv_.tables()) {
    EXPECT_TRUE(t.resource_policy.is_unknown()) << "Config does not record resource policies";
    if (t.id == "orders") {
      EXPECT_EQ(t.billing_mode.value(), "PAY_PER_REQUEST");
      EXPECT_EQ(t.gsi_names.value(), std::vector<std::string>{"by-date"});
      ASSERT_EQ(t.replicas.value().size(), 1u);
      EXPECT_EQ(t.replicas.value()[0].kms_key.value(), "k2");
      ASSERT_EQ(t.tags.value().size(), 1u);
      EXPECT_EQ(t.tags.value()[0].value.value(), "prod");
    } else {
      EXPECT_EQ(t.billing_mode.value(), "PROVISIONED");
      EXPECT_TRUE(t.tags.is_unknown()) << "batch-get drops tags: unknown, not untagged";
    }
  }
}

TEST_F(SnapshotSource, ConfigKeyPolicyIsDecodedOnceOrTwice) {
  load({write("history.json", R"({"configurationItems": [{"version": "1.3", "accountId": "111122223333",
     "configurationItemCaptureTime": 1748772000, "configurationItemStatus": "OK", "resourceType": "AWS::KMS::Key",
     "resourceId": "k1", "awsRegion": "eu-west-1", "arn": "arn:aws:kms:eu-west-1:111122223333:key/k1",
     "configuration": "{\"keyId\":\"k1\",\"keyState\":\"Enabled\",\"keyManager\":\"CUSTOMER\"}",
     "supplementaryConfiguration": {"KeyRotationStatus": "true", "Policy": "\"{\\\"Statement\\\":[]}\""}},
    {"version": "1.3", "accountId": "111122223333",
     "configurationItemCaptureTime": 1748772000, "configurationItemStatus": "OK", "resourceType": "AWS::KMS::Key",
     "resourceId": "k2", "awsRegion": "eu-west-1", "configuration": "{\"keyId\":\"k2\",\"keyState\":\"Enabled\"}",
     "supplementaryConfiguration": {}}]})")});
  ASSERT_EQ(inv_.kms_keys().size(), 2u);
  for (const KmsKey& k : inv_.kms_keys()) {
    if (k.id == "k1") {
      EXPECT_EQ(k.policy.value(), R"({"Statement":[]})") << "API output double-encodes the policy";
    } else {
      EXPECT_TRUE(k.policy.is_unknown()) << "no Policy in the item";
    }
  }
}

TEST_F(SnapshotSource, ConfigTrailsRecordersEndpointsAndRouteTables) {
  load({write("snap.json", R"({"fileVersion": "1.0", "configurationItems": [
    {"awsAccountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::CloudTrail::Trail",
     "resourceId": "AWSMacieTrail-DO-NOT-EDIT", "awsRegion": "eu-west-1",
     "configuration": {"name": "org-trail", "trailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail",
       "homeRegion": "us-east-1", "isMultiRegionTrail": true, "hasCustomEventSelectors": true}},
    {"awsAccountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::Config::ConfigurationRecorder",
     "resourceId": "default", "resourceName": "default", "awsRegion": "eu-west-1",
     "configuration": {"Name": "default", "Recording": true, "RecordingGroup": {"AllSupported": false,
       "ResourceTypes": ["AWS::DynamoDB::Table"], "RecordingStrategy": {"UseOnly": "INCLUSION_BY_RESOURCE_TYPES"}}}},
    {"awsAccountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::EC2::VPCEndpoint",
     "resourceId": "vpce-1", "awsRegion": "eu-west-1",
     "configuration": {"vpcEndpointId": "vpce-1", "vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.eu-west-1.dynamodb",
       "vpcId": "vpc-1", "state": {"value": "available"}}},
    {"awsAccountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::EC2::RouteTable",
     "resourceId": "rtb-1", "awsRegion": "eu-west-1",
     "configuration": {"routeTableId": "rtb-1", "vpcId": "vpc-1", "associations": [{"main": false, "subnetId": "subnet-1"}],
       "routes": [{"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1", "state": "active"}]}},
    {"awsAccountId": "111122223333", "configurationItemStatus": "ResourceDeleted", "resourceType": "AWS::EC2::Subnet",
     "resourceId": "subnet-gone", "awsRegion": "eu-west-1", "configuration": null}]})")});
  ASSERT_EQ(inv_.trails().size(), 1u);
  const Trail& t = inv_.trails()[0];
  EXPECT_EQ(t.id, "org-trail") << "named as describe-trails names it";
  EXPECT_EQ(*t.region, "us-east-1");
  EXPECT_TRUE(t.multi_region.value());
  EXPECT_TRUE(t.logging.is_unknown()) << "Config does not record IsLogging";
  EXPECT_TRUE(t.event_selectors.is_unknown());
  ASSERT_EQ(inv_.config_recorders().size(), 1u);
  EXPECT_TRUE(inv_.config_recorders()[0].recording.value());
  EXPECT_EQ(inv_.config_recorders()[0].resource_types.value(), std::vector<std::string>{"AWS::DynamoDB::Table"});
  ASSERT_EQ(inv_.vpc_endpoints().size(), 1u);
  EXPECT_EQ(inv_.vpc_endpoints()[0].state.value(), "available");
  ASSERT_EQ(inv_.route_tables().size(), 1u);
  EXPECT_EQ(inv_.route_tables()[0].routes.value()[0].gateway_id.value(), "igw-1");
  EXPECT_TRUE(inv_.subnets().empty()) << "a deleted subnet is gone";
  EXPECT_NE(inv_.coverage_gap(Collection::kTrails, t), nullptr) << "a Config snapshot is not a complete list of trails";
}

TEST_F(SnapshotSource, ConfigIamItemsAreUrlDecodedAndGlobal) {
  load({write("iam.json", R"({"configurationItems": [
    {"version": "1.3", "accountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::IAM::Role",
     "resourceId": "AROAEXAMPLE", "resourceName": "dax-service", "awsRegion": "global",
     "arn": "arn:aws:iam::111122223333:role/dax-service",
     "configuration": "{\"roleName\":\"dax-service\",\"assumeRolePolicyDocument\":\"%7B%22Statement%22%3A%5B%5D%7D\",\"rolePolicyList\":[{\"policyName\":\"p\",\"policyDocument\":\"%7B%22Action%22%3A%22dynamodb%3A%2A%22%7D\"}],\"attachedManagedPolicies\":[{\"policyArn\":\"arn:aws:iam::111122223333:policy/app\"}]}"},
    {"version": "1.3", "accountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::IAM::Policy",
     "resourceId": "ANPAEXAMPLE", "resourceName": "app", "awsRegion": "global", "arn": "arn:aws:iam::111122223333:policy/app",
     "relationships": [{"resourceType": "AWS::IAM::Role", "resourceName": "dax-service", "relationshipName": "Is attached to Role"}],
     "configuration": "{\"policyName\":\"app\",\"defaultVersionId\":\"v2\",\"policyVersionList\":[{\"versionId\":\"v1\",\"isDefaultVersion\":false,\"document\":\"%7B%7D\"},{\"versionId\":\"v2\",\"isDefaultVersion\":true,\"document\":\"%7B%22v%22%3A2%7D\"}]}"},
    {"version": "1.3", "accountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::IAM::User",
     "resourceId": "AIDAEXAMPLE", "resourceName": "alice", "awsRegion": "global",
     "configuration": "{\"userName\":\"alice\",\"userPolicyList\":[{\"policyName\":\"inline\",\"policyDocument\":\"%7B%22u%22%3A1%7D\"}]}"}]})")},
       LoadOptions{"", "eu-west-1", 0, {}, {}});
  ASSERT_EQ(inv_.iam_roles().size(), 1u);
  const IamRole& role = inv_.iam_roles()[0];
  EXPECT_EQ(role.id, "dax-service");
  EXPECT_EQ(role.region, nullptr) << "not \"global\", not --region";
  EXPECT_EQ(role.assume_role_policy.value(), R"({"Statement":[]})");
  EXPECT_EQ(role.inline_policies.value(), std::vector<std::string>{R"({"Action":"dynamodb:*"})"});
  ASSERT_EQ(inv_.iam_policies().size(), 2u);
  for (const IamPolicy& p : inv_.iam_policies()) {
    EXPECT_EQ(p.region, nullptr);
    if (p.id == "app") {
      EXPECT_EQ(p.document.value(), R"({"v":2})");
      EXPECT_EQ(p.attached_roles.value(), std::vector<std::string>{"dax-service"});
    } else {
      EXPECT_EQ(p.id, "user/alice/inline");
      EXPECT_EQ(p.inline_owner.value(), "user/alice");
      EXPECT_EQ(p.document.value(), R"({"u":1})");
    }
  }
}

TEST_F(SnapshotSource, OutputsWithoutScopeTakeTheirDirectorys) {
  write("123456789012/eu-west-1/routes.json", R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": []}]})");
  write("flat/dax.json", R"({"Clusters": [{"ClusterName": "c", "ClusterArn": "arn:aws:dax:us-east-2:210987654321:cache/c"}]})");
  write("flat/groups.json", R"({"SubnetGroups": [{"SubnetGroupName": "g", "VpcId": "vpc-2", "Subnets": [{"SubnetIdentifier": "subnet-9"}]}]})");
  write("mixed/a.json", R"({"Clusters": [{"ClusterName": "a", "ClusterArn": "arn:aws:dax:us-east-2:210987654321:cache/a"},
                                         {"ClusterName": "b", "ClusterArn": "arn:aws:dax:eu-west-1:210987654321:cache/b"}]})");
  write("mixed/groups.json", R"({"SubnetGroups": [{"SubnetGroupName": "h", "Subnets": []}]})");
  load({dir_.string()});
  ASSERT_EQ(inv_.route_tables().size(), 1u);
  EXPECT_EQ(*inv_.route_tables()[0].account, "123456789012");
  EXPECT_EQ(*inv_.route_tables()[0].region, "eu-west-1");
  EXPECT_EQ(inv_.coverage_gap(Collection::kRouteTables, inv_.route_tables()[0]), nullptr);
  for (const SubnetGroup& g : inv_.subnet_groups()) {
    if (g.id == "g") {
      ASSERT_NE(g.region, nullptr);
      EXPECT_EQ(*g.region, "us-east-2") << "the only region of its directory";
      EXPECT_EQ(*g.account, "210987654321");
    } else {
      EXPECT_EQ(g.region, nullptr) << "two regions in the directory: not guessed";
      EXPECT_EQ(*g.account, "210987654321");
    }
  }
}

TEST_F(SnapshotSource, OrganizationTrailListedByAMemberCountsForTheMember) {
  write("m/eu-west-1/trails.json", R"({"trailList": [{"Name": "org", "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org",
      "HomeRegion": "us-east-1", "IsMultiRegionTrail": true, "IsOrganizationTrail": true}]})");
  write("m/eu-west-1/selectors.org.json", R"({"TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org",
      "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true,
        "ExcludeManagementEventSources": ["kms.amazonaws.com"], "DataResources": []}]})");
  write("m/eu-west-1/endpoints.json", R"({"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "OwnerId": "210987654321",
      "ServiceName": "com.amazonaws.eu-west-1.dynamodb", "VpcId": "vpc-1"}]})");
  auto s = load({dir_.string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(inv_.trails().size(), 1u);
  const Trail& t = inv_.trails()[0];
  EXPECT_TRUE(t.organization.value());
  EXPECT_EQ(*t.account, "123456789012") << "the trail itself belongs to the management account";
  EXPECT_EQ(t.event_selectors.value()[0].exclude_management_event_sources,
            std::vector<std::string>{"kms.amazonaws.com"});
  EXPECT_EQ(inv_.coverage_gap(Collection::kTrails, inv_.vpc_endpoints()[0]), nullptr)
      << "the member's own listing, not the management account's";
}

TEST_F(SnapshotSource, BackupSelectionsAreAllKnownOnceEveryPlanWasListed) {
  const std::string plans = R"({"BackupPlansList": [
      {"BackupPlanArn": "arn:aws:backup:eu-west-1:111122223333:backup-plan:p1", "BackupPlanId": "p1", "BackupPlanName": "daily"},
      {"BackupPlanArn": "arn:aws:backup:eu-west-1:111122223333:backup-plan:p2", "BackupPlanId": "p2", "BackupPlanName": "empty"}]})";
  write("all/plans.json", plans);
  write("all/selections-p1.json", R"({"BackupSelectionsList": [{"SelectionId": "s1", "SelectionName": "tables",
      "BackupPlanId": "p1", "IamRoleArn": "arn:aws:iam::111122223333:role/backup"}]})");
  write("all/backup-list-backup-selections.p2.json", R"({"BackupSelectionsList": []})");
  write("part/plans.json", plans);
  write("part/selections-p1.json", R"({"BackupSelectionsList": [{"SelectionId": "s1", "BackupPlanId": "p1"}]})");
  load({dir_.string()});
  BackupSelection probe;
  probe.account = intern("111122223333");
  probe.region = intern("eu-west-1");
  ASSERT_EQ(inv_.account_regions().size(), 1u) << "only the directory where every plan's selections were listed";
  EXPECT_EQ(inv_.coverage_gap(Collection::kBackupSelections, probe), nullptr);
  ASSERT_FALSE(inv_.backup_selections().empty());
  EXPECT_TRUE(inv_.backup_selections()[0].resources.is_unknown()) << "only listed: what it selects is unknown";
}

TEST_F(SnapshotSource, ConfigBackupSelectionsAndSubnets) {
  load({write("snap.json", R"({"fileVersion": "1.0", "configurationItems": [
    {"awsAccountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::Backup::BackupSelection",
     "resourceId": "sel-1", "resourceName": "tables", "awsRegion": "eu-west-1",
     "configuration": {"BackupPlanId": "p1", "SelectionId": "sel-1", "BackupSelection": {"SelectionName": "tables",
       "IamRoleArn": "arn:aws:iam::111122223333:role/backup", "Resources": ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]}}},
    {"awsAccountId": "111122223333", "configurationItemStatus": "OK", "resourceType": "AWS::EC2::Subnet",
     "resourceId": "subnet-1", "awsRegion": "eu-west-1",
     "configuration": {"subnetId": "subnet-1", "vpcId": "vpc-1", "availabilityZone": "eu-west-1a"}}]})")});
  ASSERT_EQ(inv_.backup_selections().size(), 1u);
  const BackupSelection& b = inv_.backup_selections()[0];
  EXPECT_EQ(b.id, "sel-1");
  EXPECT_EQ(b.plan_id.value(), "p1");
  EXPECT_EQ(b.resources.value().size(), 1u);
  EXPECT_TRUE(b.not_resources.is_absent());
  EXPECT_TRUE(b.list_of_tags.is_unknown()) << "not recorded by Config: unknown, never absent";
  ASSERT_EQ(inv_.subnets().size(), 1u);
  EXPECT_EQ(inv_.subnets()[0].vpc_id.value(), "vpc-1");
}

TEST_F(SnapshotSource, EmulatorShapesWithoutPolicyNames) {
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"123456789012", "us-east-1"};
  ApiAnswer key = read_api_answer(R"({"Policy": "{\"Statement\":[]}"})", "kms:GetKeyPolicy", scope, inventory, errors);
  EXPECT_TRUE(key.has_key_policy) << "older AWS answers and moto have no PolicyName";
  ApiAnswer lambda = read_api_answer(R"({"Policy": "{}"})", "lambda:GetPolicy", scope, inventory, errors);
  EXPECT_FALSE(lambda.recognised) << "a bare Policy of another service is not a key policy";
  read_api_answer(R"({"RoleDetailList": [], "UserDetailList": [], "GroupDetailList": [],
      "Policies": [{"Arn": "arn:aws:iam::123456789012:policy/team/app", "DefaultVersionId": "v1",
                    "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {}}]}]})",
                  "iam:GetAccountAuthorizationDetails", scope, inventory, errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  ASSERT_EQ(inventory.iam_policies().size(), 1u);
  EXPECT_EQ(inventory.iam_policies()[0].id, "app") << "named by its ARN";
  read_api_answer(R"({"ReplicationGroups": [{"ReplicationGroupId": "rg", "Engine": "redis"}]})",
                  "elasticache:DescribeReplicationGroups", scope, inventory, errors);
  ASSERT_EQ(inventory.caches().size(), 1u);
  EXPECT_TRUE(inventory.caches()[0].engine_version.is_unknown()) << "not reported: unknown, not 'latest'";
}

TEST_F(SnapshotSource, UnreadableRoutesAndAssociationsAreUnknownNotDropped) {
  // A dropped entry could be the 0.0.0.0/0 route to an internet gateway, or the association that
  // routes a subnet through it: the table's routes (or associations) are then unknown.
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"111122223333", "eu-west-1"};
  read_api_answer(R"({"RouteTables": [
      {"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": ["main"],
       "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, "igw-1"]},
      {"RouteTableId": "rtb-2", "VpcId": "vpc-1", "Associations": [{"Main": "yes", "SubnetId": "subnet-1"}],
       "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"},
                  {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active"}]}]})",
                  "ec2:DescribeRouteTables", scope, inventory, errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  ASSERT_EQ(inventory.route_tables().size(), 2u);
  const RouteTable& one = inventory.route_tables()[0];
  EXPECT_TRUE(one.routes.is_unknown());
  EXPECT_NE(one.routes.reason().find("Routes[1] is a string"), std::string::npos) << one.routes.reason();
  EXPECT_TRUE(one.main.is_unknown());
  EXPECT_TRUE(one.subnet_ids.is_unknown());
  const RouteTable& two = inventory.route_tables()[1];
  EXPECT_TRUE(two.main.is_unknown()) << "Main \"yes\" is no boolean: not 'not main'";
  ASSERT_EQ(two.routes.value().size(), 2u);
  EXPECT_TRUE(two.routes.value()[0].gateway_id.is_absent()) << "a NAT gateway is not GatewayId";
  EXPECT_TRUE(two.routes.value()[1].gateway_id.is_absent()) << "nor is an egress-only internet gateway";
}

TEST_F(SnapshotSource, ReplicationGroupWithoutFailoverOrMultiAzSaysNothing) {
  // DescribeReplicationGroups always reports AutomaticFailover and MultiAZ; an output without them
  // (hand-cut, --query) cannot tell "off".
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"111122223333", "eu-west-1"};
  read_api_answer(R"({"ReplicationGroups": [{"ReplicationGroupId": "rg", "Engine": "redis"},
      {"ReplicationGroupId": "on", "AutomaticFailover": "enabling", "MultiAZ": "enabled"}]})",
                  "elasticache:DescribeReplicationGroups", scope, inventory, errors);
  ASSERT_EQ(inventory.caches().size(), 2u);
  EXPECT_TRUE(inventory.caches()[0].automatic_failover.is_unknown());
  EXPECT_TRUE(inventory.caches()[0].multi_az.is_unknown());
  EXPECT_EQ(inventory.caches()[1].automatic_failover.value(), "enabling");
  EXPECT_TRUE(inventory.caches()[1].multi_az.value());
}

TEST_F(SnapshotSource, UnreadableEventSelectorsAreUnknownNotDropped) {
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"111122223333", "eu-west-1"};
  const std::string arn = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t";
  ApiAnswer classic = read_api_answer(R"({"TrailARN": ")" + arn + R"(", "EventSelectors": [
      {"ReadWriteType": "All", "IncludeManagementEvents": true}, 7]})",
                                      "cloudtrail:GetEventSelectors", scope, inventory, errors);
  ASSERT_TRUE(classic.has_event_selectors);
  EXPECT_TRUE(classic.event_selectors.is_unknown());
  ApiAnswer resources = read_api_answer(R"({"TrailARN": ")" + arn + R"(", "EventSelectors": [
      {"ReadWriteType": "All", "DataResources": [{"Values": ["arn:aws:dynamodb"]}]}]})",
                                        "cloudtrail:GetEventSelectors", scope, inventory, errors);
  EXPECT_TRUE(resources.event_selectors.is_unknown()) << "a data resource without a Type";
  ApiAnswer advanced = read_api_answer(R"({"TrailARN": ")" + arn + R"(", "AdvancedEventSelectors": [
      {"Name": "x", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                       {"Field": "resources.type", "Equals": [42]}]}]})",
                                       "cloudtrail:GetEventSelectors", scope, inventory, errors);
  EXPECT_TRUE(advanced.advanced_event_selectors.is_unknown());
  EXPECT_TRUE(errors.empty()) << errors[0];
}

TEST_F(SnapshotSource, UrlEncodedDocumentsWithLeadingBlanksAreDecoded) {
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"111122223333", "eu-west-1"};
  read_api_answer(R"({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
      "AssumeRolePolicyDocument": "%0A%20%20%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}],
      "UserDetailList": [], "GroupDetailList": [], "Policies": []})",
                  "iam:GetAccountAuthorizationDetails", scope, inventory, errors);
  ASSERT_EQ(inventory.iam_roles().size(), 1u);
  EXPECT_EQ(inventory.iam_roles()[0].assume_role_policy.value(), "\n  {\"Version\":\"2012-10-17\",\"Statement\":[]}");
}

TEST_F(SnapshotSource, LegacyGlobalTableReplicasAreUnknownAndCacheSubnetZonesNameTheRegion) {
  write("t/table.json", R"({"Table": {"TableName": "legacy", "KeySchema": [], "GlobalTableVersion": "2017.11.29"}})");
  // ElastiCache prints SubnetAvailabilityZone as {"Name": ...} (DAX as a string).
  write("t/groups.json", R"({"CacheSubnetGroups": [{"CacheSubnetGroupName": "g", "VpcId": "vpc-1",
      "Subnets": [{"SubnetIdentifier": "subnet-1", "SubnetAvailabilityZone": {"Name": "ap-south-1b"}}]}]})");
  auto s = load({(dir_ / "t").string()});
  ASSERT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(inv_.tables().size(), 1u);
  EXPECT_TRUE(inv_.tables()[0].replicas.is_unknown()) << "describe-global-table lists them, not describe-table";
  ASSERT_EQ(inv_.subnet_groups().size(), 1u);
  ASSERT_NE(inv_.subnet_groups()[0].region, nullptr);
  EXPECT_EQ(*inv_.subnet_groups()[0].region, "ap-south-1");
}

TEST_F(SnapshotSource, UnreadableAuthorizationDetailsDoNotProveTheAccountsPolicies) {
  // A policy that cannot be read could be the broad one: the output is not a complete listing then.
  write("iam/good.json", R"({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r"}],
      "UserDetailList": [], "GroupDetailList": [], "Policies": []})");
  write("iam2/bad.json", R"({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::444455556666:role/r"}],
      "UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::444455556666:user/u", "UserPolicyList": ["*"]}],
      "GroupDetailList": [{"GroupName": "g", "GroupPolicyList": {"PolicyName": "p"}}], "Policies": 5})");
  auto s = load({(dir_ / "iam").string(), (dir_ / "iam2").string()});
  EXPECT_TRUE(s[0].errors.empty()) << s[0].errors[0];
  ASSERT_EQ(s[1].errors.size(), 3u);
  EXPECT_NE(s[1].errors[0].find("Policies is a number, expected an array"), std::string::npos) << s[1].errors[0];
  EXPECT_NE(s[1].errors[1].find("UserDetailList[0].UserPolicyList[0] is a string"), std::string::npos) << s[1].errors[1];
  EXPECT_NE(s[1].errors[2].find("GroupDetailList[0].GroupPolicyList is an object"), std::string::npos) << s[1].errors[2];
  ASSERT_EQ(inv_.iam_roles().size(), 2u);
  for (const IamRole& role : inv_.iam_roles()) {
    if (*role.account == "111122223333") {
      EXPECT_EQ(inv_.coverage_gap(Collection::kIamPolicies, role), nullptr);
    } else {
      EXPECT_NE(inv_.coverage_gap(Collection::kIamPolicies, role), nullptr) << "unreadable lists prove nothing";
    }
  }
}

TEST_F(SnapshotSource, UnreadableSecurityGroupRulesAndGroupsAreUnknownNotDropped) {
  Inventory inventory;
  std::vector<std::string> errors;
  const SnapshotOptions scope{"111122223333", "eu-west-1"};
  read_api_answer(R"({"SecurityGroups": [
      {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 8111, "ToPort": 8111,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}, "0.0.0.0/0"]}]},
      {"GroupId": "sg-2", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, null]},
      {"GroupId": "sg-3", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": {"CidrIp": "0.0.0.0/0"}}]}]})",
                  "ec2:DescribeSecurityGroups", scope, inventory, errors);
  ASSERT_EQ(inventory.security_groups().size(), 3u);
  for (const SecurityGroup& g : inventory.security_groups()) EXPECT_TRUE(g.ingress.is_unknown()) << g.id;
  read_api_answer(R"({"Clusters": [{"ClusterName": "c", "SecurityGroups": [{"SecurityGroupIdentifier": "sg-1"}, "sg-2"]}]})",
                  "dax:DescribeClusters", scope, inventory, errors);
  ASSERT_EQ(inventory.dax_clusters().size(), 1u);
  EXPECT_TRUE(inventory.dax_clusters()[0].security_group_ids.is_unknown()) << "sg-2 would be left out";
  read_api_answer(R"({"Table": {"TableName": 5, "KeySchema": []}})", "dynamodb:DescribeTable", scope, inventory, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("Table has no usable TableName; skipped"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace atrest
