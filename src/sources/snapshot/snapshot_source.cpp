// Walks the paths, reads each JSON file once, and hands the document to the readers that
// recognise its shape. Files are recognised by content, never by name.
#include "sources/snapshot/snapshot_source.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "sources/snapshot/internal.h"
#include "sources/snapshot/json_text.h"
#include "util/text.h"

namespace atrest {
namespace snapshot {
namespace {

constexpr size_t kMaxDepth = 1024;  // simdjson's default nesting limit

bool has_json_name(const std::string& name) {
  return iends_with(name, ".json") || iends_with(name, ".json.gz");
}

struct FileList {
  std::vector<std::string> files;
  size_t skipped = 0;
};

// Depth-first walk in name order. Directory loops (symlinks back up the tree) are cut by
// remembering each directory's device and inode; hidden directories (.git, .terraform) are not
// entered.
void walk(const std::string& root, FileList& out, InputSummary& summary) {
  std::set<std::pair<dev_t, ino_t>> visited;
  std::vector<std::string> stack{root};
  while (!stack.empty()) {
    std::string dir = std::move(stack.back());
    stack.pop_back();
    struct stat st;
    if (stat(dir.c_str(), &st) != 0) {
      summary.errors.push_back(fmt::format("{}: cannot read: {}", dir, std::strerror(errno)));
      continue;
    }
    if (!visited.insert({st.st_dev, st.st_ino}).second) {
      summary.errors.push_back(fmt::format("{}: directory loop (already visited), not followed", dir));
      continue;
    }
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
      summary.errors.push_back(fmt::format("{}: cannot read: {}", dir, std::strerror(errno)));
      continue;
    }
    std::vector<std::string> names;
    while (dirent* ent = readdir(d)) {
      std::string name = ent->d_name;
      if (name == "." || name == "..") continue;
      names.push_back(std::move(name));
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    std::vector<std::string> subdirs;
    for (const std::string& name : names) {
      std::string path = dir.ends_with('/') ? dir + name : dir + "/" + name;
      struct stat est;
      if (stat(path.c_str(), &est) != 0) {
        // A dangling symlink is not data; anything else unreadable is an error.
        struct stat lst;
        if (lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
          ++out.skipped;
        } else {
          summary.errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
        }
        continue;
      }
      if (S_ISDIR(est.st_mode)) {
        if (name[0] != '.') subdirs.push_back(std::move(path));
      } else if (S_ISREG(est.st_mode) && has_json_name(name)) {
        out.files.push_back(std::move(path));
      } else {
        ++out.skipped;
      }
    }
    // Push in reverse so the walk visits subdirectories in name order.
    for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(std::move(*it));
  }
}

// Matches describe-continuous-backups outputs (which name no table) to tables: the table whose
// name appears in the file name, among the tables described in the same directory; else the only
// table described in that directory.
void attach_backups(std::vector<PendingBackups>& pending, Inventory& inventory,
                    std::vector<InputSummary>& summaries) {
  if (pending.empty()) return;
  auto dir_of = [](const std::string* file) {
    if (file == nullptr) return std::string();
    const size_t slash = file->find_last_of('/');
    return slash == std::string::npos ? std::string(".") : file->substr(0, slash);
  };
  for (PendingBackups& b : pending) {
    DynamoDbTable* match = nullptr;
    size_t best = 0, in_dir = 0;
    DynamoDbTable* only = nullptr;
    for (DynamoDbTable& t : inventory.mutable_tables()) {
      if (t.detail != Detail::kDescribe || dir_of(t.origin.file) != b.directory) continue;
      ++in_dir;
      only = &t;
      if (t.id.size() > best && b.file_stem.find(t.id) != std::string::npos) {
        match = &t;
        best = t.id.size();
      }
    }
    if (match == nullptr && in_dir == 1) match = only;
    if (match == nullptr) {
      summaries[b.input_index].errors.push_back(fmt::format(
          "{}: describe-continuous-backups output names no table, and no describe-table output in "
          "the same directory matches its file name; name the file after the table",
          *b.file));
      continue;
    }
    match->pitr_status = b.pitr_status;
    match->pitr_recovery_days = b.recovery_days;
  }
}

}  // namespace

void FileReader::error(std::string_view message) {
  summary.errors.push_back(fmt::format("{}: {}", *path, message));
}

Origin FileReader::origin(const char* api) const {
  Origin o;
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

void read_document(const std::string* file, std::string_view text,
                   simdjson::dom::parser& parser, const SnapshotOptions& options, Inventory& inventory,
                   InputSummary& summary, std::vector<PendingBackups>& pending, size_t input_index) {
  simdjson::dom::element root;
  // `text` is followed by SIMDJSON_PADDING readable bytes, so simdjson need not copy it.
  if (auto err = parser.parse(text.data(), text.size(), false).get(root); err) {
    std::string where = locate_json_error(text, kMaxDepth);
    summary.errors.push_back(where.empty()
                                 ? fmt::format("{}: invalid JSON: {}", *file, simdjson::error_message(err))
                                 : fmt::format("{}:{}", *file, where));
    return;
  }
  ++summary.files_read;
  simdjson::dom::object obj;
  FileReader reader(file, options, inventory, summary, pending, input_index);
  bool recognised = false;
  if (root.get(obj) == simdjson::SUCCESS) {
    recognised = read_aws_cli_output(reader, obj);
    recognised |= read_config_items(reader, obj);
  }
  if (!recognised) ++summary.files_skipped;
}

}  // namespace snapshot

InputSummary load_snapshot_text(std::string_view name, std::string_view text,
                                const SnapshotOptions& options, Inventory& inventory) {
  std::vector<InputSummary> summaries(1);
  summaries[0].source = std::string(name);
  std::vector<snapshot::PendingBackups> pending;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  snapshot::read_document(intern(name), std::string_view(padded.data(), padded.size()), parser, options, inventory, summaries[0], pending, 0);
  snapshot::attach_backups(pending, inventory, summaries);
  return summaries[0];
}

std::vector<InputSummary> load_snapshots(const std::vector<std::string>& paths,
                                         const SnapshotOptions& options, Inventory& inventory) {
  std::vector<InputSummary> summaries;
  std::vector<snapshot::PendingBackups> pending;
  simdjson::dom::parser parser;
  JsonBuffer text;
  for (const std::string& path : paths) {
    InputSummary& summary = summaries.emplace_back();
    summary.kind = SourceKind::kSnapshot;
    summary.source = path;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      summary.errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
      continue;
    }
    snapshot::FileList list;
    if (S_ISDIR(st.st_mode)) {
      snapshot::walk(path, list, summary);
    } else {
      list.files.push_back(path);  // named explicitly: always read, whatever its name
    }
    summary.files_skipped = list.skipped;
    for (const std::string& file : list.files) {
      const std::string* interned = intern(file);
      if (std::string err = load_json_text(file, text); !err.empty()) {
        summary.errors.push_back(fmt::format("{}: {}", file, err));
        continue;
      }
      snapshot::read_document(interned, text.view(), parser, options, inventory, summary, pending,
                              summaries.size() - 1);
    }
  }
  if (!summaries.empty()) snapshot::attach_backups(pending, inventory, summaries);
  return summaries;
}

}  // namespace atrest
