#include "sources/load.h"

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

}  // namespace
}  // namespace atrest
