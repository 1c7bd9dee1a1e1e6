// Shared between the snapshot source's readers; not part of its interface.
#pragma once

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
  std::string directory;
  std::string file_stem;
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

// Parses one document and hands it to every reader; counts it read, skipped or in error.
void read_document(const std::string* file, std::string_view padded_text,
                   simdjson::dom::parser& parser, const SnapshotOptions& options, Inventory& inventory,
                   InputSummary& summary, std::vector<PendingBackups>& pending, size_t input_index);

// Each returns true when it recognised the document (even if parts of it were bad).
bool read_aws_cli_output(FileReader& reader, object root);
bool read_config_items(FileReader& reader, object root);

}  // namespace atrest::snapshot
