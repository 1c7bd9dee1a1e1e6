// Shared between the snapshot source's readers; not part of its interface.
#pragma once

#include <fmt/format.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "model/input_summary.h"
#include "model/inventory.h"
#include "sources/snapshot/fields.h"
#include "sources/snapshot/snapshot_source.h"

namespace atrest::snapshot {

// An output that names no resource (describe-continuous-backups, list-tags-of-resource,
// get-resource-policy, get-key-policy, get-trail-status), or names it only partly (get-event-selectors
// by ARN, describe-configuration-recorder-status by name): matched to its resource after all
// files are read (see snapshot_source.cpp), or handed to the live caller who knows what it asked.
struct PendingAnswer {
  enum class Kind : unsigned char {
    kContinuousBackups,  // -> DynamoDbTable pitr_*
    kTableTags,          // -> DynamoDbTable::tags
    kTablePolicy,        // -> DynamoDbTable::resource_policy (absent: PolicyNotFoundException)
    kKeyPolicy,          // -> KmsKey::policy
    kKeyRotation,        // -> KmsKey::rotation_enabled; `name` is the output's KeyId (id or ARN)
    kTrailStatus,        // -> Trail::logging
    kEventSelectors,     // -> Trail selectors; `name` is the TrailARN when the output has one
    kRecorderStatus,     // -> ConfigRecorder::recording; `name` is the recorder's name
    kBackupPlans,        // list-backup-plans: `names` are the plan ids; complete once every plan's
                         // selections were listed
    kPlanSelections,     // list-backup-selections of plan `name` (empty: the file name says which)
  };
  Kind kind = Kind::kContinuousBackups;
  size_t input_index = 0;  // which InputSummary an error belongs to
  const std::string* file = nullptr;
  std::string name;  // what the output names of its resource, if anything
  std::vector<std::string> names;
  Field<std::string> pitr_status;
  Field<int64_t> recovery_days;
  Field<std::vector<Tag>> tags;
  Field<std::string> policy;
  Field<bool> flag;  // IsLogging, recording, KeyRotationEnabled
  Field<std::vector<ClassicEventSelector>> event_selectors;
  Field<std::vector<AdvancedEventSelector>> advanced_event_selectors;
  const std::string* account = nullptr;  // scope the reader knew for the output (recorder status)
  const std::string* region = nullptr;
};
using PendingBackups = PendingAnswer;  // the name load.cpp knows

// State while reading one file.
struct FileReader {
  FileReader(const std::string* path, const SnapshotOptions& options, Inventory& inventory,
             InputSummary& summary, std::vector<PendingBackups>& pending_backups, size_t input_index)
      : path(path), options(options), inventory(inventory), summary(summary),
        pending_backups(pending_backups), input_index(input_index) {
    scope_from_path();
  }

  const std::string* path;  // interned, as the user gave it
  const SnapshotOptions& options;
  Inventory& inventory;
  InputSummary& summary;
  std::vector<PendingBackups>& pending_backups;
  size_t input_index;
  // Live answers: origin kind aws, no file; `path` then only labels errors.
  const char* live_api = nullptr;
  // Spare parsers for JSON embedded in strings (Config items); the file's own parser must not
  // be reused while its document is in use.
  simdjson::dom::parser inner_parser;
  simdjson::dom::parser value_parser;

  // Directories named after a region or an account (snapshots/123456789012/eu-west-1/..., as
  // AWS Config lays out its S3 files) scope the outputs below them that name neither.
  std::string_view path_account, path_region;
  void scope_from_path();

  void error(std::string_view message);
  Origin origin(const char* api) const;
  // Sets account and region from the ARN, falling back to the item's own values, then options.
  void scope(Resource& r, std::string_view arn, std::string_view account = {},
             std::string_view region = {}) const;
  // The file holds the complete list of `c` for an account and region (empty: the options';
  // null when still unknown). `regional` false for global lists (IAM): region stays null.
  void listed(Collection c, std::string_view account, std::string_view region, bool regional, const char* api);
  template <class T>
  void add(T resource) {
    ++summary.resources;
    inventory.add(std::move(resource));
  }
};

// Tells whether an item of a list is the kind a reader expects (other tools print lists of the
// same name: Redshift's describe-clusters also has "Clusters").
using ShapeTest = bool (*)(object item);

// Calls fn(object, index) for each object of an array; reports items of the wrong shape. The
// array is ours only if its first object passes `ours`, so another tool's output is skipped,
// not an error. Returns whether the array was taken as ours.
template <class Ours, class Fn>
bool each_object_of(FileReader& r, array items, std::string_view key, Ours&& ours, Fn&& fn) {
  object first;
  if (items.begin() != items.end() && (*items.begin()).get(first) == simdjson::SUCCESS && !ours(first)) {
    return false;
  }
  size_t index = 0;
  for (element item : items) {
    object o;
    if (item.get(o) != simdjson::SUCCESS) {
      r.error(fmt::format("{}[{}] is {}, expected an object", key, index, type_word(item)));
    } else {
      fn(o, index);
    }
    ++index;
  }
  return true;
}

// The same for root[key]; a value that is not an array is an error.
template <class Ours, class Fn>
bool each_object(FileReader& r, object root, std::string_view key, Ours&& ours, Fn&& fn) {
  element e;
  if (!present(root, key, e)) return false;
  array items;
  if (e.get(items) != simdjson::SUCCESS) {
    r.error(fmt::format("{} is {}, expected an array", key, type_word(e)));
    return true;
  }
  return each_object_of(r, items, key, std::forward<Ours>(ours), std::forward<Fn>(fn));
}

enum class DocumentResult { kError, kRecognised, kNotRecognised };

// Parses one document and hands it to every reader; counts it read, skipped or in error.
DocumentResult read_document(const std::string* file, std::string_view padded_text,
                   simdjson::dom::parser& parser, const SnapshotOptions& options, Inventory& inventory,
                   InputSummary& summary, std::vector<PendingBackups>& pending, size_t input_index);

// The two halves of read_document, for a caller that looks at the document first (a Terraform
// plan is JSON too). parse_document records "file:line:col: message" when the text is invalid.
bool parse_document(const std::string* file, std::string_view padded_text, simdjson::dom::parser& parser,
                    InputSummary& summary, element& root);
DocumentResult read_parsed_document(const std::string* file, element root, const SnapshotOptions& options,
                                    Inventory& inventory, InputSummary& summary, std::vector<PendingBackups>& pending,
                                    size_t input_index);

// Matches outputs that name no resource to their resources once every file is read;
// summaries[i] is the summary of input i (for errors).
void attach_backups(std::vector<PendingBackups>& pending, Inventory& inventory, std::vector<InputSummary*> summaries);

// eu-west-1, us-gov-west-1, cn-north-1: what a region's name looks like.
bool is_region_name(std::string_view s);

// An AWS Backup selection's ListOfTags and Conditions (get-backup-selection's BackupSelection, also
// what AWS Config records), as tag conditions; absent when the selection has none.
Field<std::vector<TagCondition>> backup_list_of_tags(object selection);
Field<std::vector<TagCondition>> backup_conditions(object selection);

// Each returns true when it recognised the document (even if parts of it were bad).
bool read_aws_cli_output(FileReader& reader, element root);
bool read_config_items(FileReader& reader, object root);

}  // namespace atrest::snapshot
