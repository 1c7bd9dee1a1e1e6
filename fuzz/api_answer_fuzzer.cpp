// libFuzzer target: any bytes as an AWS answer — the query/ec2 XML converter, the error parsers
// and the reader of JSON answers a live scan feeds the checks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checks/engine.h"
#include "sources/aws/aws_client.h"
#include "sources/aws/xml_json.h"
#include "sources/snapshot/snapshot_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Inventory inventory;
  std::vector<std::string> errors;
  for (const char* op : {"DescribeReplicationGroups", "DescribeCacheClusters", "DescribeServerlessCaches",
                         "DescribeRegions"}) {
    if (auto json = aws::query_xml_to_json(text, op)) {
      read_api_answer(*json, "elasticache:DescribeReplicationGroups", SnapshotOptions{"1", "r"}, inventory, errors);
    }
  }
  aws::parse_xml_error(text);
  std::string message;
  aws::json_error_code(text, text.substr(0, 40), &message);
  // A few readers look at the call's name (ListTagsOfResource / GetResourcePolicy want "dynamodb",
  // GetKeyPolicy "kms"), so the same answer goes through each kind of call.
  for (const char* api : {"dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "dynamodb:GetResourcePolicy",
                          "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "cloudtrail:GetEventSelectors",
                          "config:DescribeConfigurationRecorderStatus", "iam:GetAccountAuthorizationDetails"}) {
    read_api_answer(text, api, SnapshotOptions{"111122223333", "eu-west-1"}, inventory, errors);
  }
  inventory.finalize();
  run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  return 0;
}
