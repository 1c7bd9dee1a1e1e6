// Walks the paths, reads each JSON file once, and hands the document to the readers that
// recognise its shape. Files are recognised by content, never by name.
#include "sources/snapshot/snapshot_source.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cerrno>
#include <cstring>
#include <set>
#include <unordered_map>
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

std::string directory_of(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string(".") : std::string(path.substr(0, slash));
}

// Matches describe-continuous-backups outputs (which name no table) to tables described in the
// same directory: a table whose name is one of the dot-separated parts of the file name
// (dynamodb-describe-continuous-backups.orders.json), else the only table in that directory.
void attach_backups(std::vector<PendingBackups>& pending, Inventory& inventory,
                    std::vector<InputSummary>& summaries) {
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
      summaries[b.input_index].errors.push_back(fmt::format(
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

DocumentResult read_document(const std::string* file, std::string_view text,
                   simdjson::dom::parser& parser, const SnapshotOptions& options, Inventory& inventory,
                   InputSummary& summary, std::vector<PendingBackups>& pending, size_t input_index) {
  simdjson::dom::element root;
  // `text` is followed by SIMDJSON_PADDING readable bytes, so simdjson need not copy it.
  if (auto err = parser.parse(text.data(), text.size(), false).get(root); err) {
    std::string where = locate_json_error(text, kMaxDepth);
    summary.errors.push_back(where.empty()
                                 ? fmt::format("{}: invalid JSON: {}", *file, simdjson::error_message(err))
                                 : fmt::format("{}:{}", *file, where));
    return DocumentResult::kError;
  }
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
  snapshot::attach_backups(pending, inventory, summaries);
  return summaries[0];
}

namespace snapshot {
namespace {

struct FileTask {
  size_t input;       // index of the path argument it came from
  std::string path;
  bool in_directory;  // found by walking (unrecognised JSON is skipped) or named explicitly
};

// What reading one file produced, kept apart so files can be read in parallel and merged in
// their order: the result does not depend on the number of threads.
struct FileOutcome {
  Inventory found;
  InputSummary partial;
  std::vector<PendingBackups> pending;
};

void read_file(const FileTask& task, const SnapshotOptions& options, simdjson::dom::parser& parser,
               JsonBuffer& text, FileOutcome& out) {
  if (std::string err = load_json_text(task.path, text); !err.empty()) {
    out.partial.errors.push_back(fmt::format("{}: {}", task.path, err));
    return;
  }
  const auto result = read_document(intern(task.path), text.view(), parser, options, out.found,
                                    out.partial, out.pending, task.input);
  if (result != DocumentResult::kNotRecognised) return;
  if (task.in_directory) {
    ++out.partial.files_skipped;  // another tool's JSON in a folder we walk: not our business
  } else {
    out.partial.errors.push_back(
        fmt::format("{}: not an aws CLI describe/list output or AWS Config item that atrest reads", task.path));
  }
}

void merge(InputSummary& into, InputSummary&& from) {
  into.resources += from.resources;
  into.files_read += from.files_read;
  into.files_recognised += from.files_recognised;
  into.files_skipped += from.files_skipped;
  for (std::string& e : from.errors) into.errors.push_back(std::move(e));
}

}  // namespace
}  // namespace snapshot

std::vector<InputSummary> load_snapshots(const std::vector<std::string>& paths,
                                         const SnapshotOptions& options, Inventory& inventory) {
  std::vector<InputSummary> summaries;
  std::vector<snapshot::FileTask> tasks;
  for (const std::string& path : paths) {
    InputSummary& summary = summaries.emplace_back();
    summary.kind = SourceKind::kSnapshot;
    summary.source = path;
    struct stat st;
    if (path.empty() || stat(path.c_str(), &st) != 0) {
      summary.errors.push_back(fmt::format("{}: cannot read: {}", path.empty() ? "\"\"" : path,
                                           path.empty() ? "empty path" : std::strerror(errno)));
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      tasks.push_back({summaries.size() - 1, path, false});  // named explicitly: read whatever its name
      continue;
    }
    snapshot::FileList list;
    snapshot::walk(path, list, summary);
    summary.files_skipped = list.skipped;
    for (std::string& file : list.files) tasks.push_back({summaries.size() - 1, std::move(file), true});
  }

  // Worker threads read files; this thread merges each outcome in file order as soon as it is
  // ready and frees it, so memory holds the inventory plus a few files in flight, not two copies.
  std::vector<snapshot::FileOutcome> outcomes(tasks.size());
  std::vector<char> done(tasks.size(), 0);
  std::mutex mu;
  std::condition_variable ready;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    simdjson::dom::parser parser;
    JsonBuffer text;
    for (size_t i = next++; i < tasks.size(); i = next++) {
      snapshot::read_file(tasks[i], options, parser, text, outcomes[i]);
      std::lock_guard<std::mutex> lock(mu);
      done[i] = 1;
      ready.notify_one();
    }
  };
  size_t jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min(jobs, std::max<size_t>(1, tasks.size()));
  std::vector<std::thread> threads;
  for (size_t j = 0; j < jobs; ++j) threads.emplace_back(worker);

  std::vector<snapshot::PendingBackups> pending;
  for (size_t i = 0; i < tasks.size(); ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return done[i] != 0; });
    }
    snapshot::FileOutcome& out = outcomes[i];
    snapshot::merge(summaries[tasks[i].input], std::move(out.partial));
    inventory.absorb(std::move(out.found));
    for (auto& b : out.pending) pending.push_back(std::move(b));
    out = snapshot::FileOutcome();
  }
  for (std::thread& t : threads) t.join();
  if (!summaries.empty()) snapshot::attach_backups(pending, inventory, summaries);
  return summaries;
}

}  // namespace atrest
