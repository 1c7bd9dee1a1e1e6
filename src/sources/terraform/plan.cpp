#include "sources/terraform/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sources/snapshot/fields.h"
#include "sources/snapshot/json_text.h"
#include "sources/terraform/hcl.h"
#include "sources/terraform/mapper.h"
#include "sources/terraform/value.h"

namespace atrest::tf {
namespace {

namespace fs = std::filesystem;
using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;
using snapshot::type_word;
using Kind = Value::Kind;

constexpr size_t kMaxDepth = 1024;  // simdjson's default nesting limit
constexpr const char* kAfterApply = "known after apply";
constexpr size_t kMaxAlignedBlocks = 64;  // larger sets of nested blocks are paired in order

// The types mapper.cpp models. Other resources are not converted: most of a large plan is
// resources no check reads, and their values would only cost memory.
bool mapped_type(std::string_view type) { return is_mapped_type(type); }

bool member(object o, std::string_view key, element& out) { return o.at_key(key).get(out) == SUCCESS; }

std::string_view string_member(object o, std::string_view key) {
  std::string_view s;
  element e;
  if (member(o, key, e) && e.get(s) == SUCCESS) return s;
  return {};
}

bool is_true(const element* e) {
  bool b = false;
  return e != nullptr && e->get(b) == SUCCESS && b;
}

// Whether an after_unknown mask marks anything unknown.
bool any_unknown(element m) {
  if (is_true(&m)) return true;
  object o;
  array a;
  if (m.get(o) == SUCCESS) {
    for (auto field : o) {
      if (any_unknown(field.value)) return true;
    }
  } else if (m.get(a) == SUCCESS) {
    for (element item : a) {
      if (any_unknown(item)) return true;
    }
  }
  return false;
}

// Past a bracketed instance key starting at s[i] == '[' (string keys are quoted and may hold
// brackets, dots and escaped quotes); returns the index after the closing bracket.
size_t skip_key(std::string_view s, size_t i) {
  bool quoted = false;
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ']') {
      return i + 1;
    }
  }
  return s.size();
}

// "module.a[0].module.b[\"k\"]" -> "module.a.module.b": the configuration describes module
// calls, not their instances.
std::string strip_instance_keys(std::string_view address) {
  std::string out;
  out.reserve(address.size());
  for (size_t i = 0; i < address.size();) {
    if (address[i] == '[') {
      i = skip_key(address, i);
    } else {
      out += address[i++];
    }
  }
  return out;
}

std::string join_address(std::string_view module, std::string_view local) {
  if (module.empty()) return std::string(local);
  std::string s;
  s.reserve(module.size() + 1 + local.size());
  s.append(module).append(".").append(local);
  return s;
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// One entry of an expression's "references" that names a resource: "aws_kms_key.cache[0].arn"
// gives base "aws_kms_key.cache", key "[0]", attr "arn".
struct ResourceRef {
  std::string_view base;
  std::string_view key;
  std::string_view attr;
};

bool parse_resource_ref(std::string_view s, ResourceRef& out) {
  auto ident_end = [&](size_t from) {
    while (from < s.size() && ident_char(s[from])) ++from;
    return from;
  };
  const size_t root_end = ident_end(0);
  const std::string_view root = s.substr(0, root_end);
  // Terraform's other root names; none of them is a resource of this configuration.
  static constexpr std::string_view kNotResources[] = {"var",  "local",     "module", "each",      "count", "path",
                                                       "self", "terraform", "run",    "ephemeral", "action"};
  if (root.empty() || std::find(std::begin(kNotResources), std::end(kNotResources), root) != std::end(kNotResources)) {
    return false;
  }
  size_t type_end = root_end;
  if (root == "data") {
    if (root_end >= s.size() || s[root_end] != '.') return false;
    type_end = ident_end(root_end + 1);
    if (type_end == root_end + 1) return false;
  }
  if (type_end >= s.size() || s[type_end] != '.') return false;
  const size_t name_end = ident_end(type_end + 1);
  if (name_end == type_end + 1) return false;
  out = ResourceRef{s.substr(0, name_end), {}, {}};
  size_t i = name_end;
  if (i < s.size() && s[i] == '[') {
    const size_t end = skip_key(s, i);
    out.key = s.substr(i, end - i);
    i = end;
  }
  if (i < s.size() && s[i] == '.') out.attr = s.substr(i + 1, ident_end(i + 1) - i - 1);
  return true;
}

// Where an instance's references are resolved: its module instance and its own key.
struct InstanceScope {
  std::string_view module;  // "module.a[\"x\"]", empty in the root module
  std::string_view key;     // "[0]", "[\"x\"]" or empty
};

// The expressions of one block of the configuration. `known` false: the configuration of the
// block is not available (no configuration section, a dynamic block), so nothing can be said
// about what it sets.
struct Exprs {
  bool known = false;
  bool has_object = false;
  object obj;

  static Exprs unknown() { return {}; }
  static Exprs of(element e) {
    Exprs x;
    x.known = true;
    x.has_object = e.get(x.obj) == SUCCESS;
    return x;
  }
  static Exprs empty() {
    Exprs x;
    x.known = true;
    return x;
  }
  bool lookup(std::string_view key, element& out) const { return has_object && member(obj, key, out); }
};

// An expression (has references or a constant) rather than a nested block's expressions.
bool is_expression(element e) {
  object o;
  element unused;
  return e.get(o) == SUCCESS && (member(o, "references", unused) || member(o, "constant_value", unused));
}

// The .tf files of one module directory, parsed once, with their resource blocks by "type.name".
struct ModuleFiles {
  std::deque<hcl::File> files;
  std::unordered_map<std::string, std::pair<const std::string*, const hcl::Block*>> resources;
};

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = std::move(buf).str();
  return true;
}

void load_module_files(const std::string& dir, ModuleFiles& out) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (name.ends_with(".tf") && it->is_regular_file(type_ec)) names.push_back(name);
  }
  // Override files only amend blocks of the others: a block is located where it is declared.
  auto is_override = [](const std::string& n) { return n == "override.tf" || n.ends_with("_override.tf"); };
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(is_override(a), a) < std::make_pair(is_override(b), b);
  });
  for (const std::string& name : names) {
    const std::string path = dir.empty() ? name : (fs::path(dir) / name).lexically_normal().string();
    std::string text;
    if (!read_text(path, text)) continue;
    // Positions only: a file the parser cannot fully read still locates the blocks it did read.
    const hcl::File& f = out.files.emplace_back(hcl::parse(text));
    const std::string* interned = intern(path);
    for (const hcl::Block& b : f.body.blocks) {
      if (b.type != "resource" || b.labels.size() != 2) continue;
      out.resources.emplace(b.labels[0] + "." + b.labels[1], std::make_pair(interned, &b));
    }
  }
}

const hcl::Attribute* find_attribute(const hcl::Block* b, std::string_view name) {
  if (b == nullptr) return nullptr;
  for (const hcl::Attribute& a : b->attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The nested blocks of a type, in source order; a dynamic block stands for all it generates
// through its content block.
std::vector<const hcl::Block*> find_blocks(const hcl::Block* b, std::string_view type, bool& dynamic) {
  std::vector<const hcl::Block*> out;
  dynamic = false;
  if (b == nullptr) return out;
  for (const hcl::Block& child : b->blocks) {
    if (child.type == type) {
      out.push_back(&child);
    } else if (child.type == "dynamic" && !child.labels.empty() && child.labels[0] == type) {
      dynamic = true;
      for (const hcl::Block& content : child.blocks) {
        if (content.type == "content") out.push_back(&content);
      }
    }
  }
  return out;
}

// Equality of a JSON scalar and a configuration constant: pairs the elements of a set of
// nested blocks (which a plan orders by value) with the blocks written in the configuration.
bool same_scalar(element a, element b) {
  if (a.type() != b.type()) {
    double x = 0, y = 0;
    return a.get(x) == SUCCESS && b.get(y) == SUCCESS && x == y;
  }
  switch (a.type()) {
    case element_type::STRING: return std::string_view(a) == std::string_view(b);
    case element_type::BOOL: return bool(a) == bool(b);
    case element_type::INT64: return int64_t(a) == int64_t(b);
    case element_type::UINT64: return uint64_t(a) == uint64_t(b);
    case element_type::DOUBLE: return double(a) == double(b);
    default: return false;
  }
}

class PlanReader {
 public:
  PlanReader(const std::string* file, const PlanOptions& options, Inventory& inventory, InputSummary& summary)
      : file_(file), options_(options), inventory_(inventory), summary_(summary) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(*file, ec);
    canonical_ = ec ? file : intern(absolute.lexically_normal().string());
    root_dir_ = fs::path(*file).parent_path().string();
  }

  void run(object root) {
    std::string_view version = string_member(root, "format_version");
    if (!version.empty() && !version.starts_with("1.") && version != "1") {
      error(fmt::format("unsupported format_version \"{}\" (atrest reads Terraform's JSON format 1.x)", version));
      return;
    }
    element e;
    bool errored = false;
    if (member(root, "errored", e) && e.get(errored) == SUCCESS && errored) {
      error("Terraform reported errors while planning (\"errored\": true): the plan may be missing resources");
    }
    object values;
    if (member(root, "planned_values", e)) {
      if (e.get(values) != SUCCESS) {
        error(fmt::format("planned_values is {}, expected an object", type_word(e)));
        return;
      }
    } else if (member(root, "values", e) && e.get(values) == SUCCESS) {
      // `terraform show -json` of a state: the same values, all known, no configuration.
    } else if (member(root, "resource_changes", e)) {
      error("the plan has resource_changes but no planned_values");
      return;
    } else {
      element resources;
      if (member(root, "resources", resources) && member(root, "version", e)) {
        error("a Terraform state file, not a plan: save a plan and convert it "
              "(terraform plan -out plan.out && terraform show -json plan.out > plan.json)");
      } else {
        error("Terraform JSON output without planned_values: not a plan");
      }
      return;
    }
    index_changes(root);
    if (member(root, "configuration", e)) {
      object config;
      object module;
      if (e.get(config) != SUCCESS) {
        error(fmt::format("configuration is {}, expected an object", type_word(e)));
      } else if (member(config, "root_module", e) && e.get(module) == SUCCESS) {
        if (options_.find_configuration) read_modules_json();
        index_configuration(module, "", "", root_dir_, true, "configuration.root_module");
      }
      element c;
      object config_object;
      if (member(root, "configuration", c) && c.get(config_object) == SUCCESS) read_provider_configs(config_object);
    }
    object root_module;
    if (!member(values, "root_module", e)) return;  // an empty plan
    if (e.get(root_module) != SUCCESS) {
      error(fmt::format("planned_values.root_module is {}, expected an object", type_word(e)));
      return;
    }
    collect(root_module, "", "planned_values.root_module");
    std::vector<ResourceInstance> instances;
    instances.reserve(found_.size());
    for (const Found& f : found_) build(f, instances);
    MapContext context;
    context.kind = SourceKind::kTerraformPlan;
    context.scope = canonical_;
    context.account = options_.account.empty() ? nullptr : intern(options_.account);
    context.region = options_.region.empty() ? nullptr : intern(options_.region);
    summary_.resources += map_resources(instances, context, inventory_);
  }

 private:
  // A managed resource instance of planned_values, kept for the second pass (references need
  // every instance indexed first).
  struct Found {
    object json;
    std::string_view address;
    std::string_view type;
    std::string_view name;
    std::string_view module;  // module instance address
    size_t base_size;         // of address without the instance key
  };
  struct ConfigModule {
    std::string dir;  // its .tf files; empty with !dir_known
    bool dir_known = false;
    ModuleFiles* files = nullptr;  // loaded on first use
    bool loaded = false;
  };

  const std::string* file_;
  const PlanOptions& options_;
  Inventory& inventory_;
  InputSummary& summary_;
  const std::string* canonical_;
  std::string root_dir_;
  std::vector<Found> found_;
  std::unordered_map<std::string_view, object> resources_;               // address -> planned_values entry
  std::unordered_map<std::string, std::vector<std::string_view>> bases_;  // resource -> its instances
  std::unordered_map<std::string_view, object> changes_;                 // address -> change
  std::unordered_map<std::string, ConfigModule> modules_;                // module path -> where
  std::unordered_map<std::string, Exprs> config_;                        // "path\ntype.name" -> expressions
  std::unordered_map<std::string, std::string> provider_keys_;           // "path\ntype.name" -> provider_config_key
  std::unordered_map<std::string, Value> default_tags_;                  // provider_config_key -> default_tags.tags
  std::unordered_map<std::string, std::string> provider_regions_;        // provider_config_key -> literal region
  std::unordered_map<std::string, std::string> module_dirs_;             // modules.json key -> dir
  std::unordered_map<std::string, std::unique_ptr<ModuleFiles>> files_;  // dir -> parsed .tf files
  // "resource\nattr" -> that attribute's known values -> instance ("" when two share a value)
  std::unordered_map<std::string, std::unordered_map<std::string_view, std::string_view>> by_value_;

  void error(std::string_view message) { summary_.errors.push_back(fmt::format("{}: {}", *file_, message)); }

  void index_changes(object root) {
    element e;
    if (!member(root, "resource_changes", e)) return;
    array changes;
    if (e.get(changes) != SUCCESS) {
      error(fmt::format("resource_changes is {}, expected an array", type_word(e)));
      return;
    }
    size_t i = 0;
    for (element item : changes) {
      object rc;
      object change;
      element c;
      std::string_view address;
      if (item.get(rc) != SUCCESS || (address = string_member(rc, "address")).empty()) {
        error(fmt::format("resource_changes[{}] is {}, expected an object with an address", i, type_word(item)));
      } else if (!member(rc, "deposed", c) && member(rc, "change", c) && c.get(change) == SUCCESS) {
        changes_.emplace(address, change);  // a deposed object is the old one of a replacement
      }
      ++i;
    }
  }

  // .terraform/modules/modules.json (written by terraform init) says where every module call's
  // files are, registry and git modules included.
  void read_modules_json() {
    const std::string path = (fs::path(root_dir_) / ".terraform" / "modules" / "modules.json").string();
    simdjson::padded_string text;
    if (simdjson::padded_string::load(path).get(text) != SUCCESS) return;
    simdjson::dom::parser parser;  // the plan's parser still holds the plan
    element root;
    object o;
    array modules;
    element e;
    if (parser.parse(text).get(root) != SUCCESS || root.get(o) != SUCCESS || !member(o, "Modules", e) ||
        e.get(modules) != SUCCESS) {
      return;
    }
    for (element m : modules) {
      object mo;
      if (m.get(mo) != SUCCESS) continue;
      const std::string_view key = string_member(mo, "Key");
      const std::string_view dir = string_member(mo, "Dir");
      if (!key.empty() && !dir.empty()) {
        module_dirs_.emplace(std::string(key), (fs::path(root_dir_) / dir).lexically_normal().string());
      }
    }
  }

  // configuration.provider_config.<key>.expressions: a literal region, and default_tags[0].tags (a
  // constant map, or unknown when it refers to anything).
  void read_provider_configs(object config) {
    element e;
    object providers;
    if (!member(config, "provider_config", e) || e.get(providers) != SUCCESS) return;
    for (auto provider : providers) {
      object pc;
      object exprs;
      array blocks;
      object first;
      object tags;
      element x;
      if (provider.value.get(pc) != SUCCESS || !member(pc, "expressions", x) || x.get(exprs) != SUCCESS) continue;
      object region;
      element constant_region;
      std::string_view region_text;
      if (member(exprs, "region", x) && x.get(region) == SUCCESS && member(region, "constant_value", constant_region) &&
          constant_region.get(region_text) == SUCCESS && !region_text.empty()) {
        provider_regions_.emplace(std::string(provider.key), std::string(region_text));
      }
      if (!member(exprs, "default_tags", x) || x.get(blocks) != SUCCESS || blocks.size() == 0 ||
          blocks.at(0).get(first) != SUCCESS || !member(first, "tags", x) || x.get(tags) != SUCCESS) {
        continue;
      }
      element constant;
      Value v = member(tags, "constant_value", constant)
                    ? plain_value(&constant, nullptr, {})
                    : Value::unknown("the provider's default_tags are known only after apply");
      default_tags_.emplace(std::string(provider.key), std::move(v));
    }
  }

  // tags_all is often known only after apply: the provider's default_tags under the resource's
  // tags are what it will be.
  void merge_default_tags(const std::string& config_key, Value& attributes) {
    auto provider = provider_keys_.find(config_key);
    if (provider == provider_keys_.end()) return;
    auto defaults = default_tags_.find(provider->second);
    if (defaults == default_tags_.end()) return;
    const Value* all = attributes.get("tags_all");
    if (all != nullptr && !all->is(Kind::kNull)) return;
    const Value* tags = attributes.get("tags");
    Value merged;
    if (defaults->second.is_unknown() || !defaults->second.is(Kind::kMap)) {
      merged = Value::unknown(defaults->second.is_unknown() ? defaults->second.text : "default_tags.tags is not a map");
    } else if (tags != nullptr && tags->is_unknown()) {
      merged = *tags;
    } else {
      merged = defaults->second;
      if (tags != nullptr && tags->is(Kind::kMap)) {
        for (const auto& [k, t] : tags->map) merged.set(k, t);
      }
    }
    merged.pos = tags != nullptr ? tags->pos : hcl::Pos{};
    attributes.set("tags_all", std::move(merged));
  }

  // `path` is the module's address in the configuration ("module.a.module.b"), `key` its key
  // in modules.json ("a.b").
  void index_configuration(object module, const std::string& path, const std::string& key, const std::string& dir,
                           bool dir_known, const std::string& where) {
    ConfigModule& cm = modules_[path];
    cm.dir = dir;
    cm.dir_known = dir_known;
    element e;
    if (member(module, "resources", e)) {
      array resources;
      if (e.get(resources) != SUCCESS) {
        error(fmt::format("{}.resources is {}, expected an array", where, type_word(e)));
      } else {
        for (element item : resources) {
          object r;
          if (item.get(r) != SUCCESS || string_member(r, "mode") != "managed") continue;
          std::string key = path;
          key.append("\n").append(string_member(r, "type")).append(".").append(string_member(r, "name"));
          element x;
          const std::string_view provider = string_member(r, "provider_config_key");
          if (!provider.empty()) provider_keys_.emplace(key, std::string(provider));
          config_.emplace(std::move(key), member(r, "expressions", x) ? Exprs::of(x) : Exprs::empty());
        }
      }
    }
    object calls;
    if (!member(module, "module_calls", e) || e.get(calls) != SUCCESS) return;
    for (auto call : calls) {
      object c;
      object child;
      element m;
      if (call.value.get(c) != SUCCESS || !member(c, "module", m) || m.get(child) != SUCCESS) continue;
      const std::string child_path = join_address(path, fmt::format("module.{}", call.key));
      const std::string child_key = key.empty() ? std::string(call.key) : fmt::format("{}.{}", key, call.key);
      const std::string_view source = string_member(c, "source");
      std::string child_dir;
      bool child_known = false;
      if (auto it = module_dirs_.find(child_key); it != module_dirs_.end()) {
        child_dir = it->second;
        child_known = true;
      } else if (dir_known && (source.starts_with("./") || source.starts_with("../"))) {
        child_dir = (fs::path(dir) / source).lexically_normal().string();
        if (!child_dir.empty() && child_dir.back() == '/') child_dir.pop_back();
        child_known = true;
      }
      index_configuration(child, child_path, child_key, child_dir, child_known,
                          fmt::format("{}.module_calls.{}.module", where, call.key));
    }
  }

  // First pass: every resource instance of a module and its child modules, indexed by address.
  void collect(object module, std::string_view module_address, const std::string& where) {
    element e;
    if (member(module, "resources", e)) {
      array resources;
      if (e.get(resources) != SUCCESS) {
        error(fmt::format("{}.resources is {}, expected an array", where, type_word(e)));
      } else {
        size_t i = 0;
        for (element item : resources) collect_resource(item, module_address, where, i++);
      }
    }
    if (!member(module, "child_modules", e)) return;
    array children;
    if (e.get(children) != SUCCESS) {
      error(fmt::format("{}.child_modules is {}, expected an array", where, type_word(e)));
      return;
    }
    size_t i = 0;
    for (element item : children) {
      object child;
      std::string_view address;
      if (item.get(child) != SUCCESS || (address = string_member(child, "address")).empty()) {
        error(fmt::format("{}.child_modules[{}] is {}, expected a module with an address", where, i, type_word(item)));
      } else {
        collect(child, address, std::string(address));
      }
      ++i;
    }
  }

  void collect_resource(element item, std::string_view module_address, const std::string& where, size_t i) {
    object r;
    if (item.get(r) != SUCCESS) {
      error(fmt::format("{}.resources[{}] is {}, expected an object", where, i, type_word(item)));
      return;
    }
    const std::string_view address = string_member(r, "address");
    const std::string_view type = string_member(r, "type");
    const std::string_view name = string_member(r, "name");
    const std::string_view mode = string_member(r, "mode");
    if (address.empty() || type.empty() || name.empty()) {
      error(fmt::format("{}.resources[{}] has no address, type or name", where, i));
      return;
    }
    std::string local = mode == "data" ? fmt::format("data.{}.{}", type, name) : fmt::format("{}.{}", type, name);
    std::string base = join_address(module_address, local);
    const size_t base_size = address.starts_with(base) ? base.size() : address.size();
    resources_.emplace(address, r);
    bases_[std::move(base)].push_back(address);
    if (mode == "managed" && mapped_type(type)) found_.push_back({r, address, type, name, module_address, base_size});
  }

  ModuleFiles* module_files(ConfigModule& cm) {
    if (!cm.loaded) {
      cm.loaded = true;
      if (!cm.dir_known) return nullptr;
      auto& slot = files_[cm.dir];
      if (slot == nullptr) {
        slot = std::make_unique<ModuleFiles>();
        load_module_files(cm.dir, *slot);
      }
      cm.files = slot.get();
    }
    return cm.files;
  }

  // Second pass: one instance, its values joined with what is unknown and what the
  // configuration writes.
  void build(const Found& f, std::vector<ResourceInstance>& out) {
    element values;
    object values_object;
    if (!member(f.json, "values", values)) {
      error(fmt::format("{}: the resource has no values", f.address));
      return;
    }
    if (values.get(values_object) != SUCCESS) {
      error(fmt::format("{}: values is {}, expected an object", f.address, type_word(values)));
      return;
    }
    const element* mask = nullptr;
    element after_unknown;
    auto change = changes_.find(f.address);
    if (change != changes_.end() && member(change->second, "after_unknown", after_unknown)) mask = &after_unknown;
    const std::string module_path = strip_instance_keys(f.module);
    const std::string local = fmt::format("{}.{}", f.type, f.name);
    Exprs exprs;
    if (auto it = config_.find(module_path + "\n" + local); it != config_.end()) exprs = it->second;
    const std::string* where = file_;
    const hcl::Block* block = nullptr;
    if (options_.find_configuration) {
      if (auto it = modules_.find(module_path); it != modules_.end()) {
        if (ModuleFiles* files = module_files(it->second)) {
          if (auto b = files->resources.find(local); b != files->resources.end()) {
            where = b->second.first;
            block = b->second.second;
          }
        }
      }
    }
    ResourceInstance inst;
    inst.address = std::string(f.address);
    inst.type = std::string(f.type);
    inst.file = where;
    inst.pos = block != nullptr ? block->pos : hcl::Pos{};
    const InstanceScope scope{f.module, f.address.substr(f.base_size)};
    inst.attributes = block_value(&values, mask, exprs, block, inst.pos, scope);
    if (f.type == "aws_dynamodb_table" || f.type == "aws_dynamodb_table_replica") {
      merge_default_tags(module_path + "\n" + local, inst.attributes);
    }
    if (f.type == "aws_dynamodb_table_replica") {
      auto provider = provider_keys_.find(module_path + "\n" + local);
      auto region = provider == provider_keys_.end() ? provider_regions_.end() : provider_regions_.find(provider->second);
      if (region != provider_regions_.end()) inst.attributes.set(kProviderRegion, Value::of_string(region->second));
    }
    out.push_back(std::move(inst));
  }

  static const element* mask_member(const element* mask, std::string_view key, element& slot) {
    object o;
    if (mask == nullptr || mask->get(o) != SUCCESS || !member(o, key, slot)) return nullptr;
    return &slot;
  }

  // A plain value (an argument's): the JSON with after_unknown's marks as unknown values.
  Value plain_value(const element* json, const element* mask, hcl::Pos pos) {
    if (is_true(mask)) return Value::unknown(kAfterApply, pos);
    object mo;
    array ma;
    const bool mask_object = mask != nullptr && mask->get(mo) == SUCCESS;
    const bool mask_array = mask != nullptr && mask->get(ma) == SUCCESS;
    if (json == nullptr || json->is_null()) {
      // Terraform leaves out what is unknown; the mask alone still gives the shape.
      if (mask_array) {
        Value v = Value::of_list({}, pos);
        for (element m : ma) v.list.push_back(plain_value(nullptr, &m, pos));
        return v;
      }
      if (mask_object && any_unknown(*mask)) {
        Value v = Value::of_map(pos);
        for (auto field : mo) {
          if (!any_unknown(field.value)) continue;
          v.map.emplace_back(std::string(field.key), plain_value(nullptr, &field.value, pos));
        }
        return v;
      }
      return Value::null_at(pos);
    }
    switch (json->type()) {
      case element_type::BOOL: return Value::of_bool(bool(*json), pos);
      case element_type::INT64: return Value::of_number(static_cast<double>(int64_t(*json)), pos);
      case element_type::UINT64: return Value::of_number(static_cast<double>(uint64_t(*json)), pos);
      case element_type::DOUBLE: return Value::of_number(double(*json), pos);
      case element_type::STRING: return Value::of_string(std::string(std::string_view(*json)), pos);
      case element_type::ARRAY: {
        Value v = Value::of_list({}, pos);
        v.list.reserve(array(*json).size());
        std::vector<element> marks;
        if (mask_array) marks.assign(ma.begin(), ma.end());
        size_t i = 0;
        for (element item : array(*json)) {
          v.list.push_back(plain_value(&item, i < marks.size() ? &marks[i] : nullptr, pos));
          ++i;
        }
        return v;
      }
      case element_type::OBJECT: {
        Value v = Value::of_map(pos);
        const object jo(*json);
        v.map.reserve(jo.size());
        // Keys are looked up through a hash index: at_key is a linear scan, and a tags map of
        // forty thousand entries would make this quadratic.
        std::unordered_map<std::string_view, element> mask_fields;
        if (mask_object) {
          for (auto field : mo) mask_fields.emplace(field.key, field.value);
        }
        std::unordered_set<std::string_view> json_keys;
        for (auto field : jo) {
          json_keys.insert(field.key);
          auto m = mask_fields.find(field.key);
          const element* mark = m == mask_fields.end() ? nullptr : &m->second;
          v.map.emplace_back(std::string(field.key), plain_value(&field.value, mark, pos));
        }
        if (mask_object) {
          for (auto field : mo) {
            if (!json_keys.count(field.key) && any_unknown(field.value)) {
              v.map.emplace_back(std::string(field.key), plain_value(nullptr, &field.value, pos));
            }
          }
        }
        return v;
      }
      default: return Value::null_at(pos);
    }
  }

  // What a configuration leaves to the provider is known after apply but means "omitted": read
  // it as omitted, so the mapper applies the provider's default as it does for a .tf file.
  static void unknown_to_null(Value& v) {
    if (v.is_unknown()) {
      v = Value::null_at(v.pos);
      return;
    }
    for (Value& item : v.list) unknown_to_null(item);
    for (auto& [k, item] : v.map) unknown_to_null(item);
  }

  // A block: the resource itself or a nested block, its arguments and its nested blocks.
  Value block_value(const element* json, const element* mask, const Exprs& exprs, const hcl::Block* hb, hcl::Pos pos,
                    const InstanceScope& scope) {
    Value out = Value::of_map(pos);
    object jo;
    const bool has_json = json != nullptr && json->get(jo) == SUCCESS;
    object mo;
    const bool has_mask = mask != nullptr && mask->get(mo) == SUCCESS;
    out.map.reserve((has_json ? jo.size() : 0) + (has_mask ? mo.size() : 0));
    if (has_json) {
      for (auto field : jo) {
        element slot;
        add_member(out, field.key, &field.value, mask_member(mask, field.key, slot), exprs, hb, scope);
      }
    }
    if (has_mask) {
      for (auto field : mo) {
        element unused;
        if ((has_json && member(jo, field.key, unused)) || !any_unknown(field.value)) continue;
        add_member(out, field.key, nullptr, &field.value, exprs, hb, scope);
      }
    }
    return out;
  }

  // An argument joins its block; a null one only when it is written (its position is worth
  // keeping): null and absent mean the same to Terraform and to the mapper, and most of a
  // plan's values are nulls.
  static void put(Value& block, std::string_view key, Value v) {
    if (v.is(Kind::kNull) && v.pos.line == 0) return;
    block.map.emplace_back(std::string(key), std::move(v));
  }

  void add_member(Value& out, std::string_view key, const element* json, const element* mask, const Exprs& exprs,
                  const hcl::Block* hb, const InstanceScope& scope) {
    element ex;
    const bool written = exprs.lookup(key, ex);
    const bool expression = written && is_expression(ex);
    const hcl::Attribute* attr = find_attribute(hb, key);
    bool dynamic = false;
    const std::vector<const hcl::Block*> blocks =
        attr == nullptr ? find_blocks(hb, key, dynamic) : std::vector<const hcl::Block*>{};
    // Blocks the expressions do not show but the values do came from a dynamic block (which
    // the configuration section leaves out): they are blocks whose configuration is unknown.
    array json_array;
    object first_item;
    const bool looks_like_blocks = json != nullptr && json->get(json_array) == SUCCESS && json_array.size() > 0 &&
                                   json_array.at(0).get(first_item) == SUCCESS;
    if (expression || (!written && blocks.empty() && !looks_like_blocks)) {
      Value v = plain_value(json, mask, attr != nullptr ? attr->pos : hcl::Pos{});
      if (expression) {
        attach_references(v, ex, scope);
      } else if (exprs.known) {
        unknown_to_null(v);
      }
      put(out, key, std::move(v));
      return;
    }
    // Nested blocks: a list (or set) of blocks, or a single block as an object.
    const hcl::Pos first = blocks.empty() ? hcl::Pos{} : blocks.front()->pos;
    if (is_true(mask)) {
      Value v = Value::unknown(kAfterApply, first);
      if (exprs.known && !written && blocks.empty()) v = Value::null_at(first);
      put(out, key, std::move(v));
      return;
    }
    array items;
    object single;
    if (json != nullptr && json->get(items) == SUCCESS) {
      std::vector<element> json_items(items.begin(), items.end());
      std::vector<element> marks;
      array ma;
      if (mask != nullptr && mask->get(ma) == SUCCESS) marks.assign(ma.begin(), ma.end());
      std::vector<element> written_items;
      array xa;
      if (written && ex.get(xa) == SUCCESS) written_items.assign(xa.begin(), xa.end());
      const std::vector<size_t> pairing = pair_blocks(json_items, written_items);
      Value list = Value::of_list({}, first);
      for (size_t i = 0; i < json_items.size(); ++i) {
        const size_t j = pairing[i];
        // A block the configuration's expressions do not show came from a dynamic block (or
        // the provider): what it leaves unknown stays unknown.
        const Exprs inner = j < written_items.size() ? Exprs::of(written_items[j]) : Exprs::unknown();
        const hcl::Block* hblock = dynamic && !blocks.empty() ? blocks.front()
                                   : j < blocks.size()        ? blocks[j]
                                                              : nullptr;
        list.list.push_back(block_value(&json_items[i], i < marks.size() ? &marks[i] : nullptr, inner, hblock,
                                        hblock != nullptr ? hblock->pos : first, scope));
      }
      out.map.emplace_back(std::string(key), std::move(list));
    } else if (json != nullptr && json->get(single) == SUCCESS) {
      object xo;
      const Exprs inner = written && ex.get(xo) == SUCCESS ? Exprs::of(ex) : Exprs::unknown();
      out.map.emplace_back(std::string(key),
                           block_value(json, mask, inner, blocks.empty() ? nullptr : blocks.front(), first, scope));
    } else {
      put(out, key, plain_value(json, mask, first));
    }
  }

  // Which written block (configuration order) each planned block (plan order) is. Lists keep
  // the order; sets are ordered by value in a plan, so blocks are paired by their constant
  // arguments, ties in order.
  static std::vector<size_t> pair_blocks(const std::vector<element>& planned, const std::vector<element>& written) {
    std::vector<size_t> out(planned.size());
    for (size_t i = 0; i < planned.size(); ++i) out[i] = i;
    if (planned.size() < 2 || written.size() < 2 || planned.size() > kMaxAlignedBlocks ||
        written.size() > kMaxAlignedBlocks) {
      return out;
    }
    std::vector<bool> used(written.size(), false);
    for (size_t i = 0; i < planned.size(); ++i) {
      object po;
      if (planned[i].get(po) != SUCCESS) continue;
      size_t best = written.size();
      int best_score = -1;
      for (size_t j = 0; j < written.size(); ++j) {
        if (used[j]) continue;
        int score = 0;
        object wo;
        if (written[j].get(wo) == SUCCESS) {
          for (auto field : wo) {
            object expr;
            element constant;
            element value;
            if (field.value.get(expr) == SUCCESS && member(expr, "constant_value", constant) &&
                member(po, field.key, value) && same_scalar(constant, value)) {
              ++score;
            }
          }
        }
        if (score > best_score || (score == best_score && j == i)) {
          best = j;
          best_score = score;
        }
      }
      if (best < written.size()) {
        used[best] = true;
        out[i] = best;
      } else {
        out[i] = written.size();  // more planned blocks than written ones
      }
    }
    return out;
  }

  // What an expression's references name: one instance, or any instance of a counted resource
  // (aws_kms_key.k[var.i].arn), and the attribute read from it.
  struct Candidate {
    std::string address;  // the instance, or the resource when `any_instance`
    std::string_view attr;
    bool any_instance = false;
  };

  // The candidates of an expression's references, resolved in the instance's module.
  std::vector<Candidate> candidates(array references, const InstanceScope& scope) {
    std::vector<ResourceRef> by_base;  // in order of appearance; an expression names few
    bool indexed_by_self = false;      // aws_kms_key.k[count.index]: the key is this instance's
    for (element e : references) {
      std::string_view s;
      if (e.get(s) != SUCCESS) continue;
      if (s == "count.index" || s.starts_with("each.")) indexed_by_self = true;
      ResourceRef ref;
      if (!parse_resource_ref(s, ref)) continue;
      auto it = std::find_if(by_base.begin(), by_base.end(), [&](const ResourceRef& r) { return r.base == ref.base; });
      if (it == by_base.end()) {
        by_base.push_back(ref);
      } else {
        if (it->key.empty()) it->key = ref.key;
        if (it->attr.empty()) it->attr = ref.attr;
      }
    }
    std::vector<Candidate> out;
    for (const ResourceRef& ref : by_base) {
      std::string full = join_address(scope.module, ref.base);
      if (!ref.key.empty()) {
        out.push_back({full + std::string(ref.key), ref.attr});
        continue;
      }
      auto it = bases_.find(full);
      if (it == bases_.end() || it->second.size() == 1) {
        // Not in planned_values (a data source read later) names itself; a single instance is it.
        out.push_back({it == bases_.end() ? full : std::string(it->second.front()), ref.attr});
        continue;
      }
      std::string own = full + std::string(scope.key);
      if (indexed_by_self && !scope.key.empty() && resources_.count(own) != 0) {
        out.push_back({std::move(own), ref.attr});
        continue;
      }
      out.push_back({std::move(full), ref.attr, true});
    }
    return out;
  }

  // The value `attr` of a planned instance: 1 equal to `text`, 0 different or unknown, -1 when
  // it cannot be told (the instance is not in the plan's values, the attribute not a string).
  // Without `attr`, any of its top-level string attributes.
  int matches(std::string_view address, std::string_view attr, std::string_view text) {
    auto it = resources_.find(address);
    if (it == resources_.end()) return -1;
    element values;
    object vo;
    element v;
    if (!member(it->second, "values", values) || values.get(vo) != SUCCESS) return -1;
    std::string_view s;
    if (attr.empty()) {
      for (auto field : vo) {
        if (field.value.get(s) == SUCCESS && s == text) return 1;
      }
      return 0;
    }
    if (!member(vo, attr, v)) {
      // Some writers leave an unchanged attribute out of planned_values; the change's "after" has it.
      object change;
      element after;
      auto c = changes_.find(address);
      if (c == changes_.end() || !member(c->second, "after", after) || after.get(change) != SUCCESS ||
          !member(change, attr, v)) {
        return 0;
      }
    }
    if (v.is_null()) return 0;  // null or unknown: not this known text
    if (v.get(s) != SUCCESS) return -1;
    return s == text ? 1 : 0;
  }

  // The instance of a counted resource whose `attr` is `text`, through an index of that
  // resource's values built on first use (so N instances referring to N keys stay linear).
  // Without an attribute (aws_kms_key.k[var.i].arn: a dynamic index ends what references
  // show) any top-level string attribute may hold it; ARNs and ids are unique.
  std::string_view instance_with(const std::string& base, std::string_view attr, std::string_view text) {
    auto emplaced = by_value_.try_emplace(base + "\n" + std::string(attr));
    auto it = emplaced.first;  // not a structured binding: clang 14 cannot capture those
    const bool fresh = emplaced.second;
    auto instances = bases_.find(base);
    if (fresh && instances != bases_.end()) {
      auto index = [&](std::string_view value, std::string_view address) {
        auto [slot, added] = it->second.emplace(value, address);
        if (!added && slot->second != address) slot->second = {};  // two instances share it: cannot tell
      };
      for (std::string_view address : instances->second) {
        auto r = resources_.find(address);
        element values;
        object vo;
        element v;
        std::string_view s;
        if (r == resources_.end() || !member(r->second, "values", values) || values.get(vo) != SUCCESS) continue;
        if (!attr.empty()) {
          if (member(vo, attr, v) && v.get(s) == SUCCESS) index(s, address);
          continue;
        }
        for (auto field : vo) {
          if (field.value.get(s) == SUCCESS) index(s, address);
        }
      }
    }
    auto found = it->second.find(text);
    return found == it->second.end() ? std::string_view() : found->second;
  }

  // Sets Value.ref where the references say which resource a value comes from. A known string
  // must equal that resource's attribute (coalesce(var.key, aws_kms_key.k.arn) with the variable
  // set names no key); an unknown value takes the one resource its expression names.
  void attach_references(Value& v, element expr, const InstanceScope& scope) {
    element e;
    object o;
    array references;
    if (expr.get(o) != SUCCESS || !member(o, "references", e) || e.get(references) != SUCCESS) return;
    const std::vector<Candidate> found = candidates(references, scope);
    if (found.empty()) return;
    bool only_resources = true;  // the expression names no variable, local, module output, ...
    for (element r : references) {
      std::string_view text;
      ResourceRef unused;
      if (r.get(text) != SUCCESS || !parse_resource_ref(text, unused) || text.starts_with("data.")) only_resources = false;
    }
    auto assign = [&](Value& x) {
      if (x.is_unknown()) {
        if (found.size() == 1 && !found.front().any_instance) {
          x.ref = found.front().address;
          if (only_resources && !found.front().attr.empty() && found.front().address.starts_with("aws_")) {
            x.stand_in = fmt::format("${{{}.{}}}", found.front().address, found.front().attr);
          }
        }
        return;
      }
      if (!x.is(Kind::kString)) return;
      std::string_view pick;
      size_t equal = 0;
      for (const Candidate& c : found) {
        std::string_view match;
        if (c.any_instance) {
          match = instance_with(c.address, c.attr, x.text);
        } else if (matches(c.address, c.attr, x.text) == 1) {
          match = c.address;
        }
        if (!match.empty()) {
          ++equal;
          pick = match;
        }
      }
      if (equal == 0 && found.size() == 1 && !found.front().any_instance &&
          matches(found.front().address, found.front().attr, x.text) == -1) {
        pick = found.front().address;
        equal = 1;
      }
      if (equal == 1) x.ref = std::string(pick);
    };
    if (!v.is(Kind::kList)) {
      assign(v);
      return;
    }
    for (Value& item : v.list) assign(item);
    // [aws_subnet.a.id, aws_subnet.b.id] known after apply: the references list the resources in
    // the order the expression names them, so when the unknown elements are as many as the
    // resources no known element matched, they pair up in order.
    std::vector<const Candidate*> unmatched;
    for (const Candidate& c : found) {
      if (c.any_instance) return;
      const bool used = std::any_of(v.list.begin(), v.list.end(), [&](const Value& x) { return x.ref == c.address; });
      if (!used) unmatched.push_back(&c);
    }
    std::vector<Value*> unnamed;
    for (Value& item : v.list) {
      if (item.is_unknown() && item.ref.empty()) unnamed.push_back(&item);
    }
    if (unnamed.size() < 2 || unnamed.size() != unmatched.size()) return;
    for (size_t i = 0; i < unnamed.size(); ++i) unnamed[i]->ref = unmatched[i]->address;
  }
};

}  // namespace

bool is_terraform_plan(simdjson::dom::element root) {
  object o;
  if (root.get(o) != SUCCESS) return false;
  element e;
  const bool format = member(o, "format_version", e) && e.is_string();
  const bool terraform = member(o, "terraform_version", e) && e.is_string();
  if (!format && !terraform) return false;
  // `terraform version -json` also names a terraform_version: only plans and states are ours
  // (a raw state file is claimed to say how to turn it into a plan).
  return member(o, "planned_values", e) || member(o, "resource_changes", e) || (format && member(o, "values", e)) ||
         (terraform && member(o, "resources", e) && member(o, "version", e));
}

InputSummary read_terraform_plan(const std::string* file, simdjson::dom::element root, const PlanOptions& options,
                                 Inventory& inventory) {
  InputSummary summary;
  summary.kind = SourceKind::kTerraformPlan;
  summary.source = *file;
  summary.files_read = 1;
  summary.files_recognised = 1;
  object o;
  if (root.get(o) != SUCCESS) {
    summary.errors.push_back(fmt::format("{}: a Terraform plan is a JSON object, not {}", *file, type_word(root)));
    return summary;
  }
  PlanReader(file, options, inventory, summary).run(o);
  return summary;
}

InputSummary load_terraform_plan_text(std::string_view name, std::string_view text, const PlanOptions& options,
                                      Inventory& inventory) {
  const std::string* file = intern(name);
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element root;
  if (auto err = parser.parse(padded).get(root); err) {
    InputSummary summary;
    summary.kind = SourceKind::kTerraformPlan;
    summary.source = std::string(name);
    const std::string where = locate_json_error(text, kMaxDepth);
    summary.errors.push_back(where.empty() ? fmt::format("{}: invalid JSON: {}", name, simdjson::error_message(err))
                                           : fmt::format("{}:{}", name, where));
    return summary;
  }
  return read_terraform_plan(file, root, options, inventory);
}

bool looks_like_terraform_json(std::string_view text) {
  const std::string_view head = text.substr(0, 512);
  const size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] != '{') return false;
  return head.find("\"format_version\"") != std::string_view::npos ||
         head.find("\"terraform_version\"") != std::string_view::npos;
}

}  // namespace atrest::tf
