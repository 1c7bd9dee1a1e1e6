#include "sources/aws/operations.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>

namespace atrest::aws {
namespace {

// docs/iam-policy.json grants exactly the actions the code can call: nothing missing (a scan
// would hit AccessDenied) and nothing extra (a read-only policy should be minimal).
TEST(IamPolicy, MatchesTheOperationsTheCodeCalls) {
  simdjson::dom::parser parser;
  simdjson::padded_string text = simdjson::padded_string::load(ATREST_SOURCE_DIR "/docs/iam-policy.json");
  simdjson::dom::element doc = parser.parse(text);
  std::set<std::string> in_policy;
  for (simdjson::dom::element statement : doc["Statement"].get_array()) {
    EXPECT_EQ(std::string_view(statement["Effect"]), "Allow");
    for (simdjson::dom::element action : statement["Action"].get_array()) {
      in_policy.insert(std::string(std::string_view(action)));
    }
  }
  std::set<std::string> called;
  for (const Operation* op : all_operations()) {
    if (op->iam_action != nullptr) called.insert(op->iam_action);
  }
  EXPECT_EQ(in_policy, called);
}

TEST(Operations, ActionNamesTheServiceAndOperation) {
  for (const Operation* op : all_operations()) {
    if (op->iam_action == nullptr) continue;
    std::string want = std::string(op->service->id) + ":" + op->name;
    EXPECT_EQ(op->iam_action, want);
  }
}

TEST(Operations, DaxOnlyWhereOffered) {
  EXPECT_TRUE(dax_offered_in("eu-west-1"));
  EXPECT_TRUE(dax_offered_in("us-east-1"));
  EXPECT_FALSE(dax_offered_in("ap-east-1"));
  EXPECT_FALSE(dax_offered_in("me-south-1"));
}

TEST(Operations, DefaultEndpoints) {
  EXPECT_EQ(default_endpoint(services::kDynamoDb, "eu-west-1"), "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(default_endpoint(services::kKms, "cn-north-1"), "https://kms.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(default_endpoint(services::kOrganizations, "eu-west-1"), "https://organizations.us-east-1.amazonaws.com");
  EXPECT_EQ(default_endpoint(services::kIam, "eu-west-1"), "https://iam.amazonaws.com");
  EXPECT_EQ(global_signing_region(services::kIam, "eu-west-1"), "us-east-1");
  EXPECT_EQ(default_endpoint(services::kIam, "cn-northwest-1"), "https://iam.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(global_signing_region(services::kIam, "cn-northwest-1"), "cn-north-1");
  EXPECT_EQ(default_endpoint(services::kIam, "us-gov-east-1"), "https://iam.us-gov.amazonaws.com");
  EXPECT_EQ(default_endpoint(services::kApplicationAutoScaling, "eu-west-1"),
            "https://application-autoscaling.eu-west-1.amazonaws.com");
}

}  // namespace
}  // namespace atrest::aws
