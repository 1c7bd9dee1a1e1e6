// Walks the paths, reads each JSON file once, and hands the document to the readers that
// recognise its shape. Files are recognised by content, never by name.
#include "sources/snapshot/snapshot_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "sources/snapshot/internal.h"
#include "sources/snapshot/json_text.h"
#include "util/text.h"

namespace atrest {
namespace snapshot {
namespace {

constexpr size_t kMaxDepth = 1024;  // simdjson's default nesting limit

std::string directory_of(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string(".") : std::string(path.substr(0, slash));
}

// Matches describe-continuous-backups outputs (which name no table) to tables described in the
// same directory: a table whose name is one of the dot-separated parts of the file name
// (dynamodb-describe-continuous-backups.orders.json), else the only table in that directory.
}  // namespace

void attach_backups(std::vector<PendingBackups>& pending, Inventory& inventory,
                    std::vector<InputSummary*> summaries) {
  if (pending.empty()) return;
  std::unordered_map<std::string, std::vector<DynamoDbTable*>> by_dir_and_name;  // "dir\0name"
  std::unordered_map<std::string, std::vector<DynamoDbTable*>> by_dir;
  for (DynamoDbTable& t : inventory.mutable_tables()) {
    if (t.detail != Detail::kDescribe || t.origin.file == nullptr) continue;
    std::string dir = directory_of(*t.origin.file);
    by_dir_and_name[dir + '\0' + t.id].push_back(&t);
    by_dir[std::move(dir)].push_back(&t);
  }
  for (PendingBackups& b : pending) {
    const std::string dir = directory_of(*b.file);
    const size_t slash = b.file->find_last_of('/');
    const std::string_view name = std::string_view(*b.file).substr(slash == std::string::npos ? 0 : slash + 1);
    const std::vector<DynamoDbTable*>* match = nullptr;
    size_t start = 0;
    while (match == nullptr && start <= name.size()) {
      size_t dot = name.find('.', start);
      if (dot == std::string_view::npos) dot = name.size();
      auto it = by_dir_and_name.find(dir + '\0' + std::string(name.substr(start, dot - start)));
      if (it != by_dir_and_name.end()) match = &it->second;
      start = dot + 1;
    }
    if (match == nullptr) {
      auto it = by_dir.find(dir);
      if (it != by_dir.end() && it->second.size() == 1) match = &it->second;
    }
    if (match == nullptr) {
      summaries[b.input_index]->errors.push_back(fmt::format(
          "{}: describe-continuous-backups output names no table, and no describe-table output in "
          "the same directory matches its file name; name the file after the table "
          "(e.g. continuous-backups.<table>.json)",
          *b.file));
      continue;
    }
    for (DynamoDbTable* t : *match) {
      t->pitr_status = b.pitr_status;
      t->pitr_recovery_days = b.recovery_days;
    }
  }
}

void FileReader::error(std::string_view message) {
  summary.errors.push_back(fmt::format("{}: {}", *path, message));
}

Origin FileReader::origin(const char* api) const {
  Origin o;
  if (live_api != nullptr) {
    o.kind = SourceKind::kAws;
    o.api = intern(api);
    return o;
  }
  o.kind = SourceKind::kSnapshot;
  o.file = path;
  o.api = intern(api);
  return o;
}

void FileReader::scope(Resource& r, std::string_view arn, std::string_view account,
                       std::string_view region) const {
  Arn parsed;
  if (parse_arn(arn, parsed)) {
    if (account.empty()) account = parsed.account;
    if (region.empty()) region = parsed.region;
  }
  if (account.empty()) account = options.account;
  if (region.empty()) region = options.region;
  r.account = account.empty() ? nullptr : intern(account);
  r.region = region.empty() ? nullptr : intern(region);
}

bool parse_document(const std::string* file, std::string_view text, simdjson::dom::parser& parser,
                    InputSummary& summary, element& root) {
  // `text` is followed by SIMDJSON_PADDING readable bytes, so simdjson need not copy it.
  if (auto err = parser.parse(text.data(), text.size(), false).get(root); err) {
    std::string where = locate_json_error(text, kMaxDepth);
    summary.errors.push_back(where.empty()
                                 ? fmt::format("{}: invalid JSON: {}", *file, simdjson::error_message(err))
                                 : fmt::format("{}:{}", *file, where));
    return false;
  }
  return true;
}

DocumentResult read_document(const std::string* file, std::string_view text,
                   simdjson::dom::parser& parser, const SnapshotOptions& options, Inventory& inventory,
                   InputSummary& summary, std::vector<PendingBackups>& pending, size_t input_index) {
  simdjson::dom::element root;
  if (!parse_document(file, text, parser, summary, root)) return DocumentResult::kError;
  return read_parsed_document(file, root, options, inventory, summary, pending, input_index);
}

DocumentResult read_parsed_document(const std::string* file, element root, const SnapshotOptions& options,
                                    Inventory& inventory, InputSummary& summary, std::vector<PendingBackups>& pending,
                                    size_t input_index) {
  ++summary.files_read;
  FileReader reader(file, options, inventory, summary, pending, input_index);
  bool recognised = read_aws_cli_output(reader, root);
  simdjson::dom::object obj;
  if (root.get(obj) == simdjson::SUCCESS) recognised |= read_config_items(reader, obj);
  if (!recognised) return DocumentResult::kNotRecognised;
  ++summary.files_recognised;
  return DocumentResult::kRecognised;
}

}  // namespace snapshot

InputSummary load_snapshot_text(std::string_view name, std::string_view text,
                                const SnapshotOptions& options, Inventory& inventory) {
  std::vector<InputSummary> summaries(1);
  summaries[0].source = std::string(name);
  std::vector<snapshot::PendingBackups> pending;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  const auto result = snapshot::read_document(intern(name), std::string_view(padded.data(), padded.size()),
                                              parser, options, inventory, summaries[0], pending, 0);
  if (result == snapshot::DocumentResult::kNotRecognised) ++summaries[0].files_skipped;
  snapshot::attach_backups(pending, inventory, {&summaries[0]});
  return summaries[0];
}

ApiAnswer read_api_answer(std::string_view json, const char* api, const SnapshotOptions& scope,
                          Inventory& inventory, std::vector<std::string>& errors) {
  ApiAnswer answer;
  InputSummary summary;
  std::vector<snapshot::PendingBackups> pending;
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err) {
    errors.push_back(fmt::format("{}: the answer is not JSON: {}", api, simdjson::error_message(err)));
    return answer;
  }
  const std::string* label = intern(api);
  snapshot::FileReader reader(label, scope, inventory, summary, pending, 0);
  reader.live_api = api;
  answer.recognised = snapshot::read_aws_cli_output(reader, root);
  answer.resources = summary.resources;
  for (std::string& e : summary.errors) errors.push_back(std::move(e));
  if (!pending.empty()) {
    answer.has_backups = true;
    answer.pitr_status = pending.back().pitr_status;
    answer.pitr_recovery_days = pending.back().recovery_days;
  }
  return answer;
}

}  // namespace atrest
