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

// One describe-continuous-backups output: it names no table, so it is matched to a table after
// all files are read (see snapshot_source.cpp).
struct PendingBackups {
  size_t input_index;  // which InputSummary an error belongs to
  const std::string* file;
  Field<std::string> pitr_status;
  Field<int64_t> recovery_days;
};

// State while reading one file.
struct FileReader {
  FileReader(const std::string* path, const SnapshotOptions& options, Inventory& inventory,
             InputSummary& summary, std::vector<PendingBackups>& pending_backups, size_t input_index)
      : path(path), options(options), inventory(inventory), summary(summary),
        pending_backups(pending_backups), input_index(input_index) {}

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

  void error(std::string_view message);
  Origin origin(const char* api) const;
  // Sets account and region from the ARN, falling back to the item's own values, then options.
  void scope(Resource& r, std::string_view arn, std::string_view account = {},
             std::string_view region = {}) const;
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

// Matches describe-continuous-backups outputs to their tables once every file is read;
// summaries[i] is the summary of input i (for errors).
void attach_backups(std::vector<PendingBackups>& pending, Inventory& inventory, std::vector<InputSummary*> summaries);

// Each returns true when it recognised the document (even if parts of it were bad).
bool read_aws_cli_output(FileReader& reader, element root);
bool read_config_items(FileReader& reader, object root);

}  // namespace atrest::snapshot
