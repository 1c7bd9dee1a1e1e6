// The offline snapshot source: aws CLI describe-* outputs and AWS Config items, found by
// content in files and directories, turned into inventory.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"

namespace atrest {

struct SnapshotOptions {
  std::string account;  // used when a resource carries no ARN or account of its own
  std::string region;
};

// Reads one in-memory document as if it were the file `name` (fuzzing, tests).
InputSummary load_snapshot_text(std::string_view name, std::string_view text,
                                const SnapshotOptions& options, Inventory& inventory);

// One AWS API answer, as the JSON the aws CLI prints for it, read the way a saved output is
// read (one reader for both), but recorded as a live observation: origin kind `aws`, the call's
// name as its api. Answers that name no resource are returned for the caller, who knows which
// resource it asked about (see /tmp/team/snap-api.md): copy each field whose has_* is set onto
// that resource. A live answer adds no AccountRegion (a page is not a whole list); the caller
// records what it listed.
struct ApiAnswer {
  bool recognised = false;
  size_t resources = 0;
  // dynamodb:DescribeContinuousBackups -> DynamoDbTable::pitr_status, pitr_recovery_days
  bool has_backups = false;
  Field<std::string> pitr_status;
  Field<int64_t> pitr_recovery_days;
  // dynamodb:ListTagsOfResource -> DynamoDbTable::tags (one page: join the pages' tags)
  bool has_tags = false;
  Field<std::vector<Tag>> tags;
  // dynamodb:GetResourcePolicy -> DynamoDbTable::resource_policy; a PolicyNotFoundException error
  // body read through here gives absent (no policy).
  bool has_resource_policy = false;
  Field<std::string> resource_policy;
  // kms:GetKeyPolicy -> KmsKey::policy
  bool has_key_policy = false;
  Field<std::string> key_policy;
  // kms:GetKeyRotationStatus -> KmsKey::rotation_enabled
  bool has_key_rotation = false;
  Field<bool> rotation_enabled;
  // cloudtrail:GetTrailStatus -> Trail::logging
  bool has_trail_status = false;
  Field<bool> logging;
  // cloudtrail:GetEventSelectors -> Trail::event_selectors, advanced_event_selectors
  bool has_event_selectors = false;
  std::string selectors_trail_arn;  // the answer's TrailARN, when it has one
  Field<std::vector<ClassicEventSelector>> event_selectors;
  Field<std::vector<AdvancedEventSelector>> advanced_event_selectors;
  // config:DescribeConfigurationRecorderStatus -> ConfigRecorder::recording, by recorder name
  std::vector<std::pair<std::string, Field<bool>>> recorder_status;
};
ApiAnswer read_api_answer(std::string_view json, const char* api, const SnapshotOptions& scope,
                          Inventory& inventory, std::vector<std::string>& errors);

}  // namespace atrest
