// Walks the paths, reads each JSON file once, and hands the document to the readers that
// recognise its shape. Files are recognised by content, never by name.
#include "sources/snapshot/snapshot_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
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

// Resources of one type found in snapshot files, by directory, for outputs that name no resource:
// the resource whose id is one of the dot-separated parts of the output's file name
// (dynamodb-describe-continuous-backups.orders.json), else the only one in that directory.
template <class T>
class ByDirectory {
 public:
  explicit ByDirectory(std::vector<T>& resources) {
    for (T& r : resources) {
      if (r.origin.file == nullptr || (r.detail == Detail::kListing && std::is_same_v<T, DynamoDbTable>)) continue;
      std::string dir = directory_of(*r.origin.file);
      by_dir_and_name_[dir + '\0' + r.id].push_back(&r);
      by_dir_[std::move(dir)].push_back(&r);
    }
  }

  // Null when nothing matches. Names may hold dots themselves (a table "orders.v2"), so runs of
  // parts are tried too; the longest match wins ("orders" and "orders.v2" both exist).
  const std::vector<T*>* match(const std::string& file) const {
    const std::string dir = directory_of(file);
    const size_t slash = file.find_last_of('/');
    const std::string_view name = std::string_view(file).substr(slash == std::string::npos ? 0 : slash + 1);
    std::vector<size_t> starts{0};
    for (size_t i = 0; i < name.size(); ++i) {
      if (name[i] == '.') starts.push_back(i + 1);
    }
    starts.push_back(name.size() + 1);
    const std::vector<T*>* best = nullptr;
    size_t best_length = 0;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      for (size_t j = i + 1; j < starts.size(); ++j) {
        const size_t length = starts[j] - 1 - starts[i];
        if (length <= best_length) continue;
        auto it = by_dir_and_name_.find(dir + '\0' + std::string(name.substr(starts[i], length)));
        if (it != by_dir_and_name_.end()) {
          best = &it->second;
          best_length = length;
        }
      }
    }
    return best != nullptr ? best : only_one(dir);
  }

  // Those named `id` in the directory of `file`.
  const std::vector<T*>* named(const std::string& file, const std::string& id) const {
    auto it = by_dir_and_name_.find(directory_of(file) + '\0' + id);
    return it == by_dir_and_name_.end() ? nullptr : &it->second;
  }

 private:
  // Every entry of the directory when they are one resource (a listing and a description of
  // the same key are one).
  const std::vector<T*>* only_one(const std::string& dir) const {
    auto it = by_dir_.find(dir);
    if (it == by_dir_.end()) return nullptr;
    for (const T* r : it->second) {
      if (r->id != it->second.front()->id) return nullptr;
    }
    return &it->second;
  }

  std::unordered_map<std::string, std::vector<T*>> by_dir_and_name_;  // "dir\0id"
  std::unordered_map<std::string, std::vector<T*>> by_dir_;
};

// How an unmatched output is explained: the command, what it belongs to, the command that
// describes that, and an example file name.
struct PendingWords {
  const char* command;
  const char* resource;
  const char* describe;
  const char* example;
};

PendingWords words(PendingAnswer::Kind kind) {
  switch (kind) {
    case PendingAnswer::Kind::kContinuousBackups:
      return {"describe-continuous-backups", "table", "describe-table", "continuous-backups.<table>.json"};
    case PendingAnswer::Kind::kTableTags:
      return {"list-tags-of-resource", "table", "describe-table", "dynamodb-list-tags-of-resource.<table>.json"};
    case PendingAnswer::Kind::kTablePolicy:
      return {"get-resource-policy", "table", "describe-table", "dynamodb-get-resource-policy.<table>.json"};
    case PendingAnswer::Kind::kKeyPolicy:
      return {"get-key-policy", "key", "describe-key", "kms-get-key-policy.<key-id>.json"};
    case PendingAnswer::Kind::kKeyRotation:
      return {"get-key-rotation-status", "key", "describe-key", "kms-get-key-rotation-status.<key-id>.json"};
    case PendingAnswer::Kind::kTrailStatus:
      return {"get-trail-status", "trail", "describe-trails", "cloudtrail-get-trail-status.<trail-name>.json"};
    case PendingAnswer::Kind::kEventSelectors:
      return {"get-event-selectors", "trail", "describe-trails", "cloudtrail-get-event-selectors.<trail-name>.json"};
    case PendingAnswer::Kind::kBackupPlans:
    case PendingAnswer::Kind::kPlanSelections:
      return {"list-backup-selections", "plan", "list-backup-plans", "backup-list-backup-selections.<plan-id>.json"};
    case PendingAnswer::Kind::kRecorderStatus:
      return {"describe-configuration-recorder-status", "recorder", "describe-configuration-recorders",
              "config-recorder-status.json next to the recorders' output"};
  }
  return {"", "", "", ""};
}

// Outputs that name no account or region (a DAX subnet group, route tables) take those of the
// other outputs in their directory when these name exactly one.
void scope_by_directory(Inventory& inventory) {
  struct Seen {
    const std::string* account = nullptr;
    const std::string* region = nullptr;
    bool accounts_differ = false, regions_differ = false, needed = false;
  };
  std::unordered_map<std::string, Seen> dirs;
  // Files are interned: one directory lookup per file, not per resource.
  std::unordered_map<const std::string*, Seen*> by_file;
  auto seen_of = [&](const std::string* file) -> Seen& {
    auto [it, inserted] = by_file.emplace(file, nullptr);
    if (inserted) it->second = &dirs[directory_of(*file)];
    return *it->second;
  };
  auto is_global = [](const Resource& r) {
    return r.type == ResourceType::kIamRole || r.type == ResourceType::kIamPolicy ||
           (r.type == ResourceType::kAccountRegion && r.origin.api != nullptr && r.origin.api->starts_with("iam:"));
  };
  auto snapshot_file = [](const Resource& r) { return r.origin.kind == SourceKind::kSnapshot && r.origin.file != nullptr; };
  inventory.for_each_list([&](const auto& list) {
    for (const auto& r : list) {
      if (!snapshot_file(r)) continue;
      Seen& seen = seen_of(r.origin.file);
      if (r.account == nullptr || (r.region == nullptr && !is_global(r))) seen.needed = true;
      // A trail's ARN names its home region and, for an organization trail, the management
      // account: neither tells where the listing was made.
      bool account_hint = true, region_hint = true;
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(r)>, Trail>) {
        account_hint = !r.organization.value_or(false);
        region_hint = !r.multi_region.value_or(true);
      }
      if (r.account != nullptr && account_hint) {
        if (seen.account != nullptr && seen.account != r.account) seen.accounts_differ = true;
        seen.account = r.account;
      }
      if (r.region != nullptr && region_hint) {
        if (seen.region != nullptr && seen.region != r.region) seen.regions_differ = true;
        seen.region = r.region;
      }
    }
  });
  if (std::none_of(dirs.begin(), dirs.end(), [](const auto& d) { return d.second.needed; })) return;
  inventory.for_each_list([&](const auto& const_list) {
    // The inventory is ours to change here (for_each_list only offers const access).
    auto& list = const_cast<std::remove_cvref_t<decltype(const_list)>&>(const_list);
    for (Resource& r : list) {
      if (!snapshot_file(r)) continue;
      const Seen& seen = seen_of(r.origin.file);
      if (!seen.needed) continue;
      if (r.account == nullptr && !seen.accounts_differ) r.account = seen.account;
      if (r.region == nullptr && !seen.regions_differ && !is_global(r)) r.region = seen.region;
    }
  });
}

// list-backup-plans outputs whose every plan has its list-backup-selections output: the
// selections of that account and region are all known.
void add_backup_coverage(const std::vector<PendingAnswer>& pending, Inventory& inventory) {
  // Plans whose selections were listed (list-backup-selections names its plan in its items;
  // an empty one in its file name).
  std::unordered_set<std::string> listed_plans;
  for (const PendingAnswer& p : pending) {
    if (p.kind != PendingAnswer::Kind::kPlanSelections) continue;
    if (!p.name.empty()) {
      listed_plans.insert(p.name);
      continue;
    }
    const size_t slash = p.file->find_last_of('/');
    const std::string_view name = std::string_view(*p.file).substr(slash == std::string::npos ? 0 : slash + 1);
    size_t start = 0;
    while (start <= name.size()) {
      size_t dot = name.find('.', start);
      if (dot == std::string_view::npos) dot = name.size();
      listed_plans.emplace(name.substr(start, dot - start));
      start = dot + 1;
    }
  }
  for (const PendingAnswer& p : pending) {
    if (p.kind != PendingAnswer::Kind::kBackupPlans) continue;
    if (!std::all_of(p.names.begin(), p.names.end(), [&](const std::string& id) { return listed_plans.count(id) > 0; })) {
      continue;
    }
    AccountRegion a;
    a.account = p.account;
    a.region = p.region;
    a.id = fmt::format("{}/{}: {}", a.account != nullptr ? *a.account : "?", a.region != nullptr ? *a.region : "-",
                       collection_name(Collection::kBackupSelections));
    a.arn = Field<std::string>::absent();
    a.origin.kind = SourceKind::kSnapshot;
    a.origin.file = p.file;
    a.origin.api = intern("backup:ListBackupPlans");
    a.listed.push_back(Collection::kBackupSelections);
    inventory.add(std::move(a));
  }
}

}  // namespace

void attach_backups(std::vector<PendingAnswer>& pending, Inventory& inventory,
                    std::vector<InputSummary*> summaries) {
  add_backup_coverage(pending, inventory);
  scope_by_directory(inventory);
  if (pending.empty()) return;
  ByDirectory<DynamoDbTable> tables(inventory.mutable_tables());
  ByDirectory<KmsKey> keys(inventory.mutable_kms_keys());
  auto& all_trails = inventory.mutable_trails();
  auto& all_recorders = inventory.mutable_config_recorders();
  ByDirectory<Trail> trails(all_trails);
  ByDirectory<ConfigRecorder> recorders(all_recorders);
  std::unordered_map<std::string_view, std::vector<KmsKey*>> keys_by_arn;
  for (KmsKey& k : inventory.mutable_kms_keys()) {
    if (k.arn.is_known()) keys_by_arn[k.arn.value()].push_back(&k);
  }
  std::unordered_map<std::string_view, std::vector<Trail*>> trails_by_arn;
  for (Trail& t : all_trails) {
    if (t.arn.is_known()) trails_by_arn[t.arn.value()].push_back(&t);
  }
  for (PendingAnswer& p : pending) {
    using Kind = PendingAnswer::Kind;
    if (p.kind == Kind::kPlanSelections || p.kind == Kind::kBackupPlans) continue;
    bool matched = false;
    auto each = [&](const auto* list, auto&& apply) {
      if (list == nullptr) return;
      matched = true;
      for (auto* r : *list) apply(*r);
    };
    switch (p.kind) {
      case Kind::kContinuousBackups:
        each(tables.match(*p.file), [&](DynamoDbTable& t) {
          t.pitr_status = p.pitr_status;
          t.pitr_recovery_days = p.recovery_days;
        });
        break;
      case Kind::kTableTags: each(tables.match(*p.file), [&](DynamoDbTable& t) { t.tags = p.tags; }); break;
      case Kind::kTablePolicy:
        each(tables.match(*p.file), [&](DynamoDbTable& t) { t.resource_policy = p.policy; });
        break;
      case Kind::kKeyPolicy: each(keys.match(*p.file), [&](KmsKey& k) { k.policy = p.policy; }); break;
      case Kind::kKeyRotation: {
        // The output names its key (id or ARN) in the account: that wins over the file name.
        auto apply = [&](KmsKey& k) { k.rotation_enabled = p.flag; };
        auto by_arn = keys_by_arn.find(p.name);
        const std::vector<KmsKey*>* by_id = p.name.empty() ? nullptr : keys.named(*p.file, p.name);
        if (by_arn != keys_by_arn.end()) {
          each(&by_arn->second, apply);
        } else if (by_id != nullptr) {
          each(by_id, apply);
        } else {
          each(keys.match(*p.file), apply);
        }
        break;
      }
      case Kind::kTrailStatus: each(trails.match(*p.file), [&](Trail& t) { t.logging = p.flag; }); break;
      case Kind::kEventSelectors: {
        auto apply = [&](Trail& t) {
          t.event_selectors = p.event_selectors;
          t.advanced_event_selectors = p.advanced_event_selectors;
        };
        auto by_arn = trails_by_arn.find(p.name);
        if (!p.name.empty() && by_arn != trails_by_arn.end()) {
          each(&by_arn->second, apply);
        } else {
          each(trails.match(*p.file), apply);
        }
        break;
      }
      case Kind::kBackupPlans:
      case Kind::kPlanSelections: break;
      case Kind::kRecorderStatus: {
        // Every region's recorder is called "default": prefer the one of the same account and
        // region when the directory holds several.
        const std::vector<ConfigRecorder*>* named = recorders.named(*p.file, p.name);
        std::vector<ConfigRecorder*> same_scope;
        if (named != nullptr && named->size() > 1) {
          for (ConfigRecorder* c : *named) {
            if (c->account == p.account && c->region == p.region) same_scope.push_back(c);
          }
          if (!same_scope.empty()) named = &same_scope;
        }
        each(named, [&](ConfigRecorder& c) { c.recording = p.flag; });
        break;
      }
    }
    if (matched) continue;
    const PendingWords w = words(p.kind);
    if (p.kind == Kind::kRecorderStatus) {
      summaries[p.input_index]->errors.push_back(fmt::format(
          "{}: {} output names recorder {}, and no {} output in the same directory describes it", *p.file,
          w.command, p.name, w.describe));
      continue;
    }
    summaries[p.input_index]->errors.push_back(fmt::format(
        "{}: {} output names no {}, and no {} output in the same directory matches its file name; name the "
        "file after the {} (e.g. {})",
        *p.file, w.command, w.resource, w.describe, w.resource, w.example));
  }
}

void FileReader::listed(Collection c, std::string_view account, std::string_view region, bool regional,
                        const char* api) {
  if (live_api != nullptr) return;  // the live caller records what it listed: a page is not a list
  AccountRegion a;
  if (account.empty()) account = path_account;
  if (regional && region.empty()) region = path_region;
  if (account.empty()) account = options.account;
  if (regional && region.empty()) region = options.region;
  if (!regional) region = {};
  a.account = account.empty() ? nullptr : intern(account);
  a.region = region.empty() ? nullptr : intern(region);
  a.id = fmt::format("{}/{}: {}", account.empty() ? "?" : account, region.empty() ? "-" : region, collection_name(c));
  a.arn = Field<std::string>::absent();
  a.origin = origin(api);
  a.listed.push_back(c);
  inventory.add(std::move(a));  // not a resource a user counts
}

bool is_region_name(std::string_view s) {
  // eu-west-1, us-gov-west-1, ap-southeast-2, us-isob-east-1: letters-...-digits.
  size_t parts = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dash = s.find('-', start);
    if (dash == std::string_view::npos) dash = s.size();
    const std::string_view part = s.substr(start, dash - start);
    if (part.empty()) return false;
    const bool last = dash == s.size();
    for (char c : part) {
      if (last ? (c < '0' || c > '9') : (c < 'a' || c > 'z')) return false;
    }
    if (parts == 0 && part.size() != 2) return false;
    ++parts;
    start = dash + 1;
  }
  return parts >= 3;
}

namespace {

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void FileReader::scope_from_path() {
  if (live_api != nullptr) return;
  std::string_view dirs(*path);
  const size_t slash = dirs.find_last_of('/');
  if (slash == std::string_view::npos) return;
  dirs = dirs.substr(0, slash);
  // The nearest directory of each kind wins.
  while (!dirs.empty() && (path_region.empty() || path_account.empty())) {
    const size_t cut = dirs.find_last_of('/');
    const std::string_view name = cut == std::string_view::npos ? dirs : dirs.substr(cut + 1);
    if (path_region.empty() && is_region_name(name)) path_region = name;
    if (path_account.empty() && is_account_id(name)) path_account = name;
    if (cut == std::string_view::npos) break;
    dirs = dirs.substr(0, cut);
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
  if (account.empty()) account = path_account;
  if (region.empty()) region = path_region;
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
  // The caller knows which resource it asked about; the last answer of each kind is the one.
  for (snapshot::PendingAnswer& p : pending) {
    using Kind = snapshot::PendingAnswer::Kind;
    switch (p.kind) {
      case Kind::kContinuousBackups:
        answer.has_backups = true;
        answer.pitr_status = std::move(p.pitr_status);
        answer.pitr_recovery_days = std::move(p.recovery_days);
        break;
      case Kind::kTableTags:
        answer.has_tags = true;
        answer.tags = std::move(p.tags);
        break;
      case Kind::kTablePolicy:
        answer.has_resource_policy = true;
        answer.resource_policy = std::move(p.policy);
        break;
      case Kind::kKeyPolicy:
        answer.has_key_policy = true;
        answer.key_policy = std::move(p.policy);
        break;
      case Kind::kTrailStatus:
        answer.has_trail_status = true;
        answer.logging = p.flag;
        break;
      case Kind::kEventSelectors:
        answer.has_event_selectors = true;
        answer.selectors_trail_arn = std::move(p.name);
        answer.event_selectors = std::move(p.event_selectors);
        answer.advanced_event_selectors = std::move(p.advanced_event_selectors);
        break;
      case Kind::kKeyRotation:
        answer.has_key_rotation = true;
        answer.rotation_enabled = p.flag;
        break;
      case Kind::kBackupPlans:
      case Kind::kPlanSelections: break;  // the live caller follows plans itself
      case Kind::kRecorderStatus:
        answer.recorder_status.emplace_back(std::move(p.name), p.flag);
        break;
    }
  }
  return answer;
}

}  // namespace atrest
