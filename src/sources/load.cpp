#include "sources/load.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "sources/cloudformation/cloudformation_source.h"
#include "sources/snapshot/internal.h"
#include "sources/snapshot/json_text.h"
#include "sources/terraform/plan.h"
#include "sources/terraform/terraform_source.h"
#include "util/text.h"

namespace atrest {
namespace {

bool is_yaml_name(const std::string& name) {
  return iends_with(name, ".yaml") || iends_with(name, ".yml") || iends_with(name, ".template");
}

struct FileList {
  std::vector<std::string> files;
  std::vector<std::string> terraform_dirs;  // directories holding .tf files
  size_t skipped = 0;
};

bool is_terraform_name(const std::string& name) { return iends_with(name, ".tf") || iends_with(name, ".tf.json"); }

// Files a walk reads: JSON (aws CLI output, Config items, JSON templates) and YAML templates.
bool has_input_name(const std::string& name) {
  return iends_with(name, ".json") || iends_with(name, ".json.gz") || is_yaml_name(name);
}

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
    bool terraform = false;
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
      } else if (S_ISREG(est.st_mode) && is_terraform_name(name)) {
        terraform = true;  // the directory is read as one configuration
      } else if (S_ISREG(est.st_mode) && (iends_with(name, ".tfvars.json") || iends_with(name, ".tfvars") ||
                                          name == ".terraform.lock.hcl")) {
        // Terraform variable values: read with the configuration, not as an input of its own.
      } else if (name == ".atrest.yaml") {
        // atrest's own configuration, read by the CLI (a directory may hold both).
      } else if (S_ISREG(est.st_mode) && has_input_name(name)) {
        out.files.push_back(std::move(path));
      } else {
        ++out.skipped;
      }
    }
    if (terraform) out.terraform_dirs.push_back(dir);
    // Push in reverse so the walk visits subdirectories in name order.
    for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(std::move(*it));
  }
}


struct FileTask {
  size_t input;       // index of the path argument it came from
  std::string path;
  bool in_directory;  // found by walking (unrecognised files are skipped) or named explicitly
};

// What reading one file produced, kept apart so files can be read in parallel and merged in
// their order: the result does not depend on the number of threads.
struct FileOutcome {
  Inventory found;
  SourceKind kind = SourceKind::kSnapshot;
  InputSummary partial;
  std::vector<snapshot::PendingBackups> pending;
};

struct Reader {
  const LoadOptions& options;
  SnapshotOptions snapshot_options;
  CloudFormationOptions cfn_options;
  tf::PlanOptions plan_options;
  simdjson::dom::parser parser;
  JsonBuffer text;

  explicit Reader(const LoadOptions& o)
      : options(o),
        snapshot_options{o.account, o.region},
        cfn_options{o.account, o.region, o.cfn_parameters},
        plan_options{o.account, o.region} {}

  // One file's failure, even running out of memory on it, is that file's error line.
  void read(const FileTask& task, FileOutcome& out) {
    try {
      read_one(task, out);
    } catch (const std::bad_alloc&) {
      out = FileOutcome();
      out.partial.errors.push_back(fmt::format("{}: out of memory while reading it", task.path));
    }
  }

  void read_one(const FileTask& task, FileOutcome& out) {
    if (std::string err = load_json_text(task.path, text); !err.empty()) {
      out.partial.errors.push_back(fmt::format("{}: {}", task.path, err));
      return;
    }
    const std::string* file = intern(task.path);
    bool recognised = false;
    if (is_yaml_name(task.path)) out.kind = SourceKind::kCloudFormation;
    if (!is_yaml_name(task.path)) {
      // Parsed once, then given to whichever source its shape belongs to.
      simdjson::dom::element root;
      if (!snapshot::parse_document(file, text.view(), parser, out.partial, root)) {
        if (tf::looks_like_terraform_json(text.view())) out.kind = SourceKind::kTerraformPlan;
        return;
      }
      if (tf::is_terraform_plan(root)) {
        out.kind = SourceKind::kTerraformPlan;
        out.partial = tf::read_terraform_plan(file, root, plan_options, out.found);
        return;
      }
      const auto result = snapshot::read_parsed_document(file, root, snapshot_options, out.found, out.partial,
                                                         out.pending, task.input);
      if (result == snapshot::DocumentResult::kError) return;
      recognised = result == snapshot::DocumentResult::kRecognised;
      if (!recognised) --out.partial.files_read;  // counted again below if it is a template
    }
    if (!recognised) {
      const SourceKind before = out.kind;
      out.kind = SourceKind::kCloudFormation;
      const TemplateResult t = read_template(file, text.view(), cfn_options, out.found, out.partial);
      if (t == TemplateResult::kError) return;
      ++out.partial.files_read;
      if (t == TemplateResult::kTemplate) {
        ++out.partial.files_recognised;
        return;
      }
      out.kind = before;  // neither: count it where the file's kind of name belongs
    }
    if (recognised) return;
    if (task.in_directory) {
      ++out.partial.files_skipped;  // another tool's file in a folder we walk: not our business
    } else {
      out.partial.errors.push_back(fmt::format(
          "{}: not an aws CLI describe/list output, AWS Config item or CloudFormation template", task.path));
    }
  }
};

void merge(InputSummary& into, InputSummary&& from) {
  into.resources += from.resources;
  into.files_read += from.files_read;
  into.files_recognised += from.files_recognised;
  into.files_skipped += from.files_skipped;
  for (std::string& e : from.errors) into.errors.push_back(std::move(e));
}

}  // namespace

std::vector<InputSummary> load_inputs(const std::vector<std::string>& paths, const LoadOptions& options,
                                      Inventory& inventory) {
  // Per input: its summaries by kind, in the order kinds were first met.
  std::vector<std::vector<InputSummary>> per_input(paths.size());
  auto summary_for = [&](size_t input, SourceKind kind) -> InputSummary& {
    for (InputSummary& s : per_input[input]) {
      if (s.kind == kind) return s;
    }
    InputSummary& s = per_input[input].emplace_back();
    s.kind = kind;
    s.source = paths[input];
    return s;
  };
  std::vector<FileTask> tasks;
  std::vector<std::string> terraform_dirs;
  std::vector<size_t> terraform_input;  // which path each directory came from
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    InputSummary& summary = summary_for(i, SourceKind::kSnapshot);
    struct stat st;
    if (path.empty() || stat(path.c_str(), &st) != 0) {
      summary.errors.push_back(fmt::format("{}: cannot read: {}", path.empty() ? "\"\"" : path,
                                           path.empty() ? "empty path" : std::strerror(errno)));
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (is_terraform_name(path)) {  // a .tf file is part of its directory's configuration
        const size_t slash = path.find_last_of('/');
        terraform_dirs.push_back(slash == std::string::npos ? std::string(".") : path.substr(0, slash));
        terraform_input.push_back(i);
        continue;
      }
      tasks.push_back({i, path, false});  // named explicitly: read whatever its name
      continue;
    }
    FileList list;
    walk(path, list, summary);
    summary.files_skipped = list.skipped;
    for (std::string& dir : list.terraform_dirs) {
      terraform_dirs.push_back(std::move(dir));
      terraform_input.push_back(i);
    }
    for (std::string& file : list.files) tasks.push_back({i, std::move(file), true});
  }

  // Worker threads read files; this thread merges each outcome in file order as soon as it is
  // ready and frees it, so memory holds the inventory plus a few files in flight, not two copies.
  std::vector<FileOutcome> outcomes(tasks.size());
  std::vector<char> done(tasks.size(), 0);
  std::mutex mu;
  std::condition_variable ready;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    Reader reader(options);
    for (size_t i = next++; i < tasks.size(); i = next++) {
      reader.read(tasks[i], outcomes[i]);
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
  std::set<std::string> plan_dirs;  // directories holding a Terraform plan
  for (size_t i = 0; i < tasks.size(); ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return done[i] != 0; });
    }
    FileOutcome& out = outcomes[i];
    if (out.kind == SourceKind::kTerraformPlan && out.partial.files_recognised > 0) {
      const size_t slash = tasks[i].path.find_last_of('/');
      plan_dirs.insert(slash == std::string::npos ? std::string(".") : tasks[i].path.substr(0, slash));
    }
    merge(summary_for(tasks[i].input, out.kind), std::move(out.partial));
    inventory.absorb(std::move(out.found));
    for (auto& b : out.pending) pending.push_back(std::move(b));
    out = FileOutcome();
  }
  for (std::thread& t : threads) t.join();

  std::vector<InputSummary*> primary;
  for (auto& list : per_input) primary.push_back(&list.front());
  snapshot::attach_backups(pending, inventory, primary);

  // A configuration with its plan beside it is read through the plan (which has the values
  // Terraform resolved); reading both would report every resource twice.
  for (size_t d = 0; d < terraform_dirs.size();) {
    if (plan_dirs.count(terraform_dirs[d])) {
      summary_for(terraform_input[d], SourceKind::kTerraform)
          .notes.push_back(fmt::format("{}: the .tf files are read through the plan next to them", terraform_dirs[d]));
      terraform_dirs.erase(terraform_dirs.begin() + static_cast<long>(d));
      terraform_input.erase(terraform_input.begin() + static_cast<long>(d));
    } else {
      ++d;
    }
  }
  if (!terraform_dirs.empty()) {
    TerraformOptions tf_options{options.account, options.region, options.tf_var_args, options.jobs};
    std::vector<InputSummary> configurations = load_terraform(terraform_dirs, tf_options, inventory);
    // Each configuration's summary joins the input it was found under.
    for (InputSummary& s : configurations) {
      size_t input = 0;
      for (size_t d = 0; d < terraform_dirs.size(); ++d) {
        if (terraform_dirs[d] == s.source) input = terraform_input[d];
      }
      per_input[input].push_back(std::move(s));
    }
  }
  // Drop the snapshot summary of an input that turned out to hold only templates.
  std::vector<InputSummary> summaries;
  for (auto& list : per_input) {
    for (InputSummary& s : list) {
      const bool empty = s.files_read == 0 && s.files_skipped == 0 && s.errors.empty() && s.notes.empty() && s.resources == 0;
      if (empty && list.size() > 1) continue;
      summaries.push_back(std::move(s));
    }
  }
  return summaries;
}

}  // namespace atrest
