#include "sources/terraform/terraform_source.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <dirent.h>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "sources/terraform/eval.h"
#include "sources/terraform/hcl.h"
#include "sources/terraform/mapper.h"
#include "sources/terraform/tf_json.h"
#include "util/text.h"

namespace atrest {
namespace {

using tf::Value;
using Kind = Value::Kind;

constexpr size_t kMaxFileBytes = 64u << 20;
constexpr int kMaxModuleDepth = 32;
constexpr size_t kMaxInstances = 10000;  // per resource or module block

// realpath() walks every component with a system call each; module paths repeat a lot.
std::string canonical(const std::string& path) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::string> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(path); it != cache.end()) return it->second;
  }
  char buf[PATH_MAX];
  std::string out = realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
  std::lock_guard<std::mutex> lock(mu);
  cache.emplace(path, out);
  return out;
}

std::string join_path(const std::string& dir, const std::string& rel) {
  if (rel.starts_with('/')) return rel;
  return dir.ends_with('/') ? dir + rel : dir + "/" + rel;
}

// Resources that change another resource (a route to a route table, a tag to a table): one
// whose number of instances is unknown must still say which resource it may change.
bool adds_to_another(const std::string& type) {
  static const std::set<std::string, std::less<>> kTypes = {
      "aws_route", "aws_route_table_association", "aws_main_route_table_association", "aws_dynamodb_resource_policy",
      "aws_dynamodb_tag", "aws_dynamodb_table_replica", "aws_kms_key_policy", "aws_config_configuration_recorder_status",
      "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_iam_role_policy",
      "aws_iam_role_policy_attachment"};
  return kTypes.count(type) > 0;
}

bool is_local_source(const std::string& source) {
  return source.starts_with("./") || source.starts_with("../") || source == "." || source == "..";
}

std::string read_file(const std::string& path, std::string& error) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return {};
  }
  if (static_cast<size_t>(st.st_size) > kMaxFileBytes) {
    error = fmt::format("larger than {} MiB", kMaxFileBytes >> 20);
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot be opened";
    return {};
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// One file of a module, parsed.
struct ParsedFile {
  const std::string* path = nullptr;  // interned, as found
  hcl::File file;
};

struct Declared {
  const hcl::Block* block;
  const std::string* file;
};

// A module directory: its files and what they declare.
struct ModuleSource {
  std::string dir;        // as found
  std::string canonical;  // realpath
  std::vector<ParsedFile> files;
  std::vector<std::string> errors;
  std::map<std::string, Declared> variables;
  std::map<std::string, std::pair<const hcl::Attribute*, const std::string*>> locals;
  std::map<std::string, Declared> resources;  // "type.name"
  std::map<std::string, Declared> data;       // "type.name"
  std::map<std::string, Declared> module_calls;
  std::map<std::string, const hcl::Attribute*> outputs;
  std::vector<Declared> providers;  // provider blocks, in file order
  std::vector<std::string> resource_order;  // "type.name" in file order

  std::deque<hcl::Block> merged;  // blocks an override file changed (the originals stay as parsed)

  static bool is_override_file(std::string_view path) {
    std::string_view name = path.substr(path.find_last_of('/') + 1);
    for (std::string_view suffix : {".tf", ".tf.json"}) {
      if (name.ends_with(suffix)) {
        std::string_view stem = name.substr(0, name.size() - suffix.size());
        return stem == "override" || stem.ends_with("_override");
      }
    }
    return false;
  }

  // Terraform's override files: arguments replace the original's, nested blocks of a type
  // replace all of the original's blocks of that type.
  const hcl::Block* merge(const hcl::Block* original, const hcl::Block& override) {
    hcl::Block& m = merged.emplace_back(*original);
    for (const hcl::Attribute& a : override.attributes) {
      auto it = std::find_if(m.attributes.begin(), m.attributes.end(), [&](const hcl::Attribute& x) { return x.name == a.name; });
      if (it != m.attributes.end()) {
        *it = a;
      } else {
        m.attributes.push_back(a);
      }
    }
    for (const hcl::Block& nb : override.blocks) {
      std::erase_if(m.blocks, [&](const hcl::Block& x) { return x.type == nb.type; });
    }
    for (const hcl::Block& nb : override.blocks) m.blocks.push_back(nb);
    return &m;
  }

  void apply_override(const ParsedFile& f, const hcl::Block& b) {
    auto over = [&](std::map<std::string, Declared>& decls, const std::string& key) {
      auto it = decls.find(key);
      if (it == decls.end()) {
        errors.push_back(fmt::format("{}:{}:{}: override of {} \"{}\", which is not declared", *f.path, b.pos.line,
                                     b.pos.column, b.type, key));
        return;
      }
      it->second.block = merge(it->second.block, b);
    };
    if (b.type == "resource" && b.labels.size() == 2) over(resources, b.labels[0] + "." + b.labels[1]);
    else if (b.type == "data" && b.labels.size() == 2) over(data, b.labels[0] + "." + b.labels[1]);
    else if (b.type == "variable" && b.labels.size() == 1) over(variables, b.labels[0]);
    else if (b.type == "module" && b.labels.size() == 1) over(module_calls, b.labels[0]);
    else if (b.type == "locals") {
      for (const hcl::Attribute& a : b.attributes) locals[a.name] = std::make_pair(&a, f.path);
    } else if (b.type == "output" && b.labels.size() == 1) {
      for (const hcl::Attribute& a : b.attributes) {
        if (a.name == "value") outputs[b.labels[0]] = &a;
      }
    }
  }

  void index() {
    for (const ParsedFile& f : files) {
      for (const hcl::ParseError& e : f.file.errors) {
        errors.push_back(fmt::format("{}:{}:{}: {}", *f.path, e.pos.line, e.pos.column, e.message));
      }
      if (is_override_file(*f.path)) continue;
      for (const hcl::Block& b : f.file.body.blocks) {
        auto dup = [&](std::string_view what, const std::string& name) {
          errors.push_back(fmt::format("{}:{}:{}: duplicate {} \"{}\"", *f.path, b.pos.line, b.pos.column, what, name));
        };
        if (b.type == "variable" && b.labels.size() == 1) {
          if (!variables.emplace(b.labels[0], Declared{&b, f.path}).second) dup("variable", b.labels[0]);
        } else if (b.type == "locals") {
          for (const hcl::Attribute& a : b.attributes) {
            if (!locals.emplace(a.name, std::make_pair(&a, f.path)).second) dup("local", a.name);
          }
        } else if (b.type == "resource" && b.labels.size() == 2) {
          std::string key = b.labels[0] + "." + b.labels[1];
          if (resources.emplace(key, Declared{&b, f.path}).second) {
            resource_order.push_back(key);
          } else {
            dup("resource", key);
          }
        } else if (b.type == "data" && b.labels.size() == 2) {
          data.emplace(b.labels[0] + "." + b.labels[1], Declared{&b, f.path});
        } else if (b.type == "module" && b.labels.size() == 1) {
          if (!module_calls.emplace(b.labels[0], Declared{&b, f.path}).second) dup("module", b.labels[0]);
        } else if (b.type == "provider" && b.labels.size() == 1) {
          providers.push_back(Declared{&b, f.path});
        } else if (b.type == "output" && b.labels.size() == 1) {
          for (const hcl::Attribute& a : b.attributes) {
            if (a.name == "value") outputs[b.labels[0]] = &a;
          }
        }
      }
    }
    for (const ParsedFile& f : files) {
      if (!is_override_file(*f.path)) continue;
      for (const hcl::Block& b : f.file.body.blocks) apply_override(f, b);
    }
  }

  // The literal `source` of a module call, or "".
  static std::string source_of(const hcl::Block& call) {
    for (const hcl::Attribute& a : call.attributes) {
      if (a.name == "source" && a.expr.kind == hcl::ExprKind::kString) return a.expr.text;
    }
    return {};
  }
};

const hcl::Attribute* attribute(const hcl::Block& b, std::string_view name) {
  for (const hcl::Attribute& a : b.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The type constraint of a variable when it is a primitive ("bool", "number", "string").
std::string primitive_type(const hcl::Block& variable) {
  const hcl::Attribute* t = attribute(variable, "type");
  if (t == nullptr || t->expr.kind != hcl::ExprKind::kVariable) return {};
  return t->expr.text;
}

// Fills the attributes an object type declares with optional(type, default) and the value
// leaves out, as Terraform does when it converts a variable's value to its type.
void apply_type_defaults(Value& v, const hcl::Expr& type, int depth = 0);

// A scope where no name means anything: tfvars files and --var values are literals.
struct LiteralScope : tf::Scope {
  Value root(std::string_view name, std::string_view, hcl::Pos pos) override {
    return Value::failure(fmt::format("\"{}\" cannot be used here: only literal values", name), pos);
  }
};

struct RootState;

// One instance of a module (the root, or a child called with inputs): the Scope its
// expressions are evaluated in.
class Module : public tf::Scope {
 public:
  Module(RootState& root, const ModuleSource& src, std::string prefix, std::map<std::string, Value> inputs,
         std::vector<const ModuleSource*> stack)
      : root_(root), src_(src), prefix_(std::move(prefix)), inputs_(std::move(inputs)), stack_(std::move(stack)) {}

  Value root(std::string_view name, std::string_view attr, hcl::Pos pos) override;
  bool root_index(std::string_view name, std::string_view attr, const Value& key, hcl::Pos pos, Value& out) override;
  void collect(std::vector<tf::ResourceInstance>& out);
  std::string instance_key;  // the for_each key this module instance was made for (raw), or ""
  std::string aws_alias;     // the root's aws provider this module's default one is ("" = the default)

 private:
  struct Binding {
    bool has_count = false;
    Value count;  // number (or unknown)
    bool has_each = false;
    Value each_key, each_value;
  };

  RootState& root_;
  const ModuleSource& src_;
  std::string prefix_;
  std::map<std::string, Value> inputs_;
  std::vector<const ModuleSource*> stack_;
  std::map<std::string, Value> variables_;
  std::map<std::string, Value> locals_;
  std::set<std::string> evaluating_;
  std::unordered_map<std::string, Value> instances_;  // address -> evaluated attributes
  std::map<std::string, Value> resource_values_;      // "type.name" -> reference value
  std::map<std::string, std::unordered_map<std::string, size_t>> resource_keys_;  // for_each key -> index
  std::map<std::string, std::vector<std::unique_ptr<Module>>> children_;
  std::map<std::string, Value> module_values_;
  std::set<std::string> not_evaluated_;  // module calls skipped for a cycle, depth or missing source
  std::vector<Binding> bindings_;
  std::vector<std::pair<std::string, Value>> iterators_;  // dynamic block iterators
  std::map<std::string, Value> aws_providers_;  // root module: provider "aws" blocks by alias, evaluated

  Value eval(const hcl::Expr& e) {
    tf::Evaluator ev(*this);
    return ev.eval(e);
  }
  Value variable(std::string_view name, hcl::Pos pos);
  Value local(std::string_view name, hcl::Pos pos);
  Value resource_value(const std::string& key, bool data, hcl::Pos pos);
  Value instance(const std::string& address, const Declared& d, const Binding& b);
  Value body(const hcl::Block& block, int depth);
  Value module_value(const std::string& name, hcl::Pos pos);
  // The root module's provider "aws" block with this alias ("" the default), evaluated; null
  // when the configuration has none.
  Value aws_provider(const std::string& alias);
  std::string provider_alias_of(const hcl::Block& resource) const;
  void add_tags_all(const hcl::Block& resource, Value& v);
  void complete_data_source(const std::string& type, const hcl::Block& block, Value& v);
  // Expands count / for_each of a block: calls fn(address suffix, binding) per instance.
  // Returns the reason when the number of instances is unknown, "" otherwise.
  std::string expand(const hcl::Block& block, const std::function<void(const std::string&, const Binding&)>& fn,
                     std::string& error);
  std::vector<std::unique_ptr<Module>>& child(const std::string& name, std::string& unknown_why);
};

std::string key_suffix(const Value& key) {
  std::string s;
  if (key.is(Kind::kNumber)) return fmt::format("[{}]", static_cast<long long>(key.number));
  tf::to_string(key, s);
  return "[" + tf::to_json(Value::of_string(s)) + "]";
}

// What one root module evaluation shares: the parsed modules, the notes it made once.
struct RootState {
  const std::map<std::string, std::unique_ptr<ModuleSource>>& modules;  // by canonical dir
  InputSummary& summary;
  std::set<std::string> noted;
  std::string workspace = "default";  // TF_WORKSPACE, else .terraform/environment
  size_t instances = 0;               // resource and module instances made; bounded
  Module* root_module = nullptr;      // where provider blocks are evaluated
  std::string region{};               // --region, for data.aws_region when the provider names none
  std::string account{};              // --account, for data.aws_caller_identity
  static constexpr size_t kMaxTotalInstances = 200'000;

  // Whether one more instance fits; says once when the configuration is too large.
  bool take_instance(const std::string& where) {
    if (++instances <= kMaxTotalInstances) return true;
    if (instances == kMaxTotalInstances + 1) {
      summary.errors.push_back(fmt::format("{}: the configuration expands to more than {} resource and module "
                                           "instances; the rest are not evaluated", where, kMaxTotalInstances));
    }
    return false;
  }

  // A note says what was not read by design; an error makes the scan incomplete.
  void note_once(bool note, const std::string& key, std::string message) {
    if (noted.insert(key).second) (note ? summary.notes : summary.errors).push_back(std::move(message));
  }
  const ModuleSource* module_at(const std::string& dir) const {
    auto it = modules.find(canonical(dir));
    return it == modules.end() ? nullptr : it->second.get();
  }
};

Value Module::root(std::string_view name, std::string_view attr, hcl::Pos pos) {
  for (auto it = iterators_.rbegin(); it != iterators_.rend(); ++it) {
    if (it->first == name) {
      if (attr.empty()) return it->second;
      const Value* v = it->second.get(attr);
      return v != nullptr ? *v : Value::failure(fmt::format("{} has no attribute {}", name, attr), pos);
    }
  }
  if (name == "var") return variable(attr, pos);
  if (name == "local") return local(attr, pos);
  if (name == "module") return module_value(std::string(attr), pos);
  if (name == "count" || name == "each") {
    const Binding* b = bindings_.empty() ? nullptr : &bindings_.back();
    if (name == "count") {
      if (b == nullptr || !b->has_count) return Value::failure("count.index outside a resource with count", pos);
      if (attr != "index") return Value::failure(fmt::format("count has no attribute {}", attr), pos);
      return b->count;
    }
    if (b == nullptr || !b->has_each) return Value::failure("each outside a resource with for_each", pos);
    if (attr == "key") return b->each_key;
    if (attr == "value") return b->each_value;
    return Value::failure(fmt::format("each has no attribute {}", attr), pos);
  }
  if (name == "path") {
    if (attr == "module") return Value::of_string(src_.dir, pos);
    if (attr == "root" || attr == "cwd") return Value::of_string(".", pos);
    return Value::failure(fmt::format("path has no attribute {}", attr), pos);
  }
  if (name == "terraform") {
    if (attr == "workspace") return Value::of_string(root_.workspace, pos);
    return Value::unknown(fmt::format("terraform.{} is not known to atrest", attr), pos);
  }
  if (name == "data") {
    // data.TYPE.NAME: a map of the data sources of that type.
    Value out = Value::of_map(pos);
    std::string type_prefix = std::string(attr) + ".";
    for (const auto& [key, d] : src_.data) {
      if (!key.starts_with(type_prefix)) continue;
      out.set(key.substr(type_prefix.size()), resource_value(key, true, pos));
    }
    return out;
  }
  std::string key = std::string(name) + "." + std::string(attr);
  if (src_.resources.count(key)) return resource_value(key, false, pos);
  return Value::failure(fmt::format("reference to undeclared {} {}", attr.empty() ? "name" : "resource",
                                    attr.empty() ? std::string(name) : key),
                        pos);
}

bool Module::root_index(std::string_view name, std::string_view attr, const Value& key, hcl::Pos pos, Value& out) {
  std::string k = std::string(name) + "." + std::string(attr);
  if (!src_.resources.count(k)) return false;
  if (!resource_values_.count(k)) resource_value(k, false, pos);  // fills the cache (once)
  auto cached = resource_values_.find(k);
  if (cached == resource_values_.end()) return false;  // a cycle: root() reports it
  const Value& all = cached->second;
  if (all.is(Kind::kList)) {
    if (!key.is(Kind::kNumber) || key.number < 0 || std::floor(key.number) != key.number) return false;
    const size_t i = static_cast<size_t>(key.number);
    if (i >= all.list.size()) return false;  // index() reports it
    out = all.list[i];
    return true;
  }
  if (all.is(Kind::kMap) && !all.map.empty() && all.get("\x01") == nullptr) {
    std::string s;
    if (!tf::to_string(key, s)) return false;
    auto& keys = resource_keys_[k];
    if (keys.empty()) {
      for (size_t i = 0; i < all.map.size(); ++i) keys.emplace(all.map[i].first, i);
    }
    auto it = keys.find(s);
    if (it == keys.end()) return false;
    out = all.map[it->second].second;
    return true;
  }
  return false;
}

Value Module::variable(std::string_view name, hcl::Pos pos) {
  std::string key(name);
  if (auto it = variables_.find(key); it != variables_.end()) return it->second;
  auto decl = src_.variables.find(key);
  if (decl == src_.variables.end()) return Value::failure(fmt::format("var.{} is not declared", name), pos);
  Value v;
  const hcl::Attribute* nullable = attribute(*decl->second.block, "nullable");
  const bool not_nullable = nullable != nullptr && nullable->expr.kind == hcl::ExprKind::kBool && !nullable->expr.boolean;
  auto in = inputs_.find(key);
  // nullable = false: a null input takes the default, as Terraform does.
  if (in != inputs_.end() && !(not_nullable && in->second.is(Kind::kNull) && attribute(*decl->second.block, "default"))) {
    v = in->second;
  } else if (const hcl::Attribute* def = attribute(*decl->second.block, "default")) {
    LiteralScope literal;
    tf::Evaluator ev(literal);
    v = ev.eval(def->expr);
  } else {
    v = Value::unknown(fmt::format("var.{} has no value (no default; set it with --var, --var-file or TF_VAR_{})",
                                   name, name), decl->second.block->pos);
  }
  v = tf::convert_to_type(std::move(v), primitive_type(*decl->second.block));
  if (const hcl::Attribute* type = attribute(*decl->second.block, "type")) apply_type_defaults(v, type->expr);
  variables_[key] = v;
  return v;
}

Value Module::local(std::string_view name, hcl::Pos pos) {
  std::string key(name);
  if (auto it = locals_.find(key); it != locals_.end()) return it->second;
  auto decl = src_.locals.find(key);
  if (decl == src_.locals.end()) return Value::failure(fmt::format("local.{} is not declared", name), pos);
  if (!evaluating_.insert("local." + key).second) {
    return Value::failure(fmt::format("local.{} refers to itself (a cycle)", name), pos);
  }
  std::vector<Binding> saved;
  saved.swap(bindings_);  // locals see no count/each
  Value v = eval(decl->second.first->expr);
  if (!v.is_unknown() && tf::weight(v, tf::kMaxValueWeight) > tf::kMaxValueWeight) {
    v = Value::failure(fmt::format("local.{} is too large", name), decl->second.first->pos);
  }
  bindings_.swap(saved);
  evaluating_.erase("local." + key);
  locals_[key] = v;
  return v;
}

std::string Module::expand(const hcl::Block& block, const std::function<void(const std::string&, const Binding&)>& fn,
                           std::string& error) {
  const hcl::Attribute* count = attribute(block, "count");
  const hcl::Attribute* for_each = attribute(block, "for_each");
  if (count == nullptr && for_each == nullptr) {
    fn("", Binding{});
    return {};
  }
  if (count != nullptr) {
    Value n = tf::convert_to_type(eval(count->expr), "number");
    if (n.is_unknown()) return fmt::format("count is unknown: {}", n.text);
    if (!n.is(Kind::kNumber) || n.number < 0 || std::floor(n.number) != n.number) {
      error = "count must be a whole number";
      return {};
    }
    if (n.number > kMaxInstances) return fmt::format("count is {} (more than atrest expands)", n.number);
    for (size_t i = 0; i < static_cast<size_t>(n.number); ++i) {
      Binding b;
      b.has_count = true;
      b.count = Value::of_number(static_cast<double>(i));
      fn(fmt::format("[{}]", i), b);
    }
    return {};
  }
  Value each = eval(for_each->expr);
  // A map needs known keys only (values may be known after apply); a set needs known elements.
  if (each.is_unknown()) return fmt::format("for_each is unknown: {}", each.text);
  if (each.is(Kind::kList)) {
    if (const Value* u = tf::first_unknown(each)) return fmt::format("for_each is unknown: {}", u->text);
  }
  if (each.is(Kind::kMap)) {
    if (each.map.size() > kMaxInstances) return "for_each has more elements than atrest expands";
    for (const auto& [k, v] : each.map) {
      Binding b;
      b.has_each = true;
      b.each_key = Value::of_string(k);
      b.each_value = v;
      fn(key_suffix(b.each_key), b);
    }
    return {};
  }
  if (each.is(Kind::kList)) {  // a set of strings
    if (each.list.size() > kMaxInstances) return "for_each has more elements than atrest expands";
    std::set<std::string> seen;
    for (const Value& item : each.list) {
      std::string s;
      if (!tf::to_string(item, s)) {
        error = "for_each over a list needs strings (a set of strings) or a map";
        return {};
      }
      if (!seen.insert(s).second) continue;
      Binding b;
      b.has_each = true;
      b.each_key = Value::of_string(s);
      b.each_value = Value::of_string(s);
      fn(key_suffix(b.each_key), b);
    }
    return {};
  }
  error = "for_each needs a map or a set of strings";
  return {};
}

Value Module::body(const hcl::Block& block, int depth) {
  Value out = Value::of_map(block.pos);
  if (depth > 32) return out;
  for (const hcl::Attribute& a : block.attributes) {
    if (depth == 0 && (a.name == "count" || a.name == "for_each" || a.name == "provider" || a.name == "depends_on")) continue;
    Value v = eval(a.expr);
    // Findings point at the argument in this block: a value from a variable, local or module
    // input was written in another place, possibly another file.
    v.pos = a.pos;
    out.set(a.name, std::move(v));
  }
  auto append = [&](const std::string& type, Value v) {
    Value* list = out.get(type);
    if (list == nullptr) {
      out.set(type, Value::of_list({}, v.pos));
      list = out.get(type);
    }
    if (list->is(Kind::kList)) list->list.push_back(std::move(v));
  };
  for (const hcl::Block& nested : block.blocks) {
    if (nested.type == "lifecycle" || nested.type == "provisioner" || nested.type == "connection") continue;
    if (nested.type != "dynamic" || nested.labels.size() != 1) {
      append(nested.type, body(nested, depth + 1));
      continue;
    }
    // dynamic "name" { for_each = ...  iterator = it  content { ... } }
    const std::string& name = nested.labels[0];
    const hcl::Attribute* for_each = attribute(nested, "for_each");
    const hcl::Attribute* iterator = attribute(nested, "iterator");
    std::string it_name = iterator != nullptr && iterator->expr.kind == hcl::ExprKind::kVariable ? iterator->expr.text : name;
    const hcl::Block* content = nullptr;
    for (const hcl::Block& c : nested.blocks) {
      if (c.type == "content") content = &c;
    }
    if (for_each == nullptr || content == nullptr) continue;
    Value coll = eval(for_each->expr);
    // How many blocks there are needs only the collection's length (and a map's keys).
    if (coll.is_unknown()) {
      out.set(name, Value::unknown(fmt::format("dynamic \"{}\": for_each is unknown: {}", name, coll.text), nested.pos));
      continue;
    }
    if (!out.get(name)) out.set(name, Value::of_list({}, nested.pos));
    auto one = [&](Value key, Value value) {
      Value it = Value::of_map();
      it.set("key", std::move(key));
      it.set("value", std::move(value));
      iterators_.emplace_back(it_name, std::move(it));
      append(name, body(*content, depth + 1));
      iterators_.pop_back();
    };
    // Dynamic blocks count against the same budget as instances: nested ones multiply.
    if (coll.is(Kind::kList)) {
      for (size_t i = 0; i < coll.list.size() && i < kMaxInstances; ++i) {
        if (!root_.take_instance(fmt::format("dynamic \"{}\"", name))) break;
        one(Value::of_number(static_cast<double>(i)), coll.list[i]);
      }
    } else if (coll.is(Kind::kMap)) {
      size_t n = 0;
      for (const auto& [k, v] : coll.map) {
        if (++n > kMaxInstances || !root_.take_instance(fmt::format("dynamic \"{}\"", name))) break;
        one(Value::of_string(k), v);
      }
    }
  }
  return out;
}

Value Module::instance(const std::string& address, const Declared& d, const Binding& b) {
  if (auto it = instances_.find(address); it != instances_.end()) return it->second;
  if (!evaluating_.insert(address).second) {
    return Value::unknown(fmt::format("{} refers to itself", address), d.block->pos, address);
  }
  bindings_.push_back(b);
  Value v = body(*d.block, 0);
  if (d.block->type == "data") {
    complete_data_source(d.block->labels[0], *d.block, v);
  } else if (d.block->labels[0] == "aws_dynamodb_table" || d.block->labels[0] == "aws_dynamodb_table_replica") {
    add_tags_all(*d.block, v);
    if (d.block->labels[0] == "aws_dynamodb_table_replica") {
      // A replica lives in its provider's region (provider = aws.us_east_1).
      Value provider = aws_provider(provider_alias_of(*d.block));
      const Value* region = provider.is(Kind::kMap) ? provider.get("region") : nullptr;
      if (region != nullptr && region->is(Kind::kString) && !region->text.empty()) v.set(tf::kProviderRegion, *region);
    }
  }
  bindings_.pop_back();
  evaluating_.erase(address);
  v.ref = address;
  instances_[address] = v;
  return v;
}

Value Module::resource_value(const std::string& key, bool data, hcl::Pos pos) {
  std::string cache_key = data ? "data." + key : key;
  if (auto it = resource_values_.find(cache_key); it != resource_values_.end()) return it->second;
  const Declared& d = data ? src_.data.at(key) : src_.resources.at(key);
  std::string address = prefix_ + cache_key;
  if (!evaluating_.insert("ref:" + address).second) {
    return Value::unknown(fmt::format("{} is part of a reference cycle", address), pos, address);
  }
  Value out;
  bool has_count = attribute(*d.block, "count") != nullptr;
  bool has_each = attribute(*d.block, "for_each") != nullptr;
  if (has_count) out = Value::of_list({}, d.block->pos);
  if (has_each) out = Value::of_map(d.block->pos);
  std::string error;
  std::string unknown = expand(*d.block, [&](const std::string& suffix, const Binding& b) {
    Value v = instance(address + suffix, d, b);
    if (has_count) {
      out.list.push_back(std::move(v));
    } else if (has_each) {
      std::string k;
      tf::to_string(b.each_key, k);
      out.set(k, std::move(v));
    } else {
      out = std::move(v);
    }
  }, error);
  evaluating_.erase("ref:" + address);
  if (!unknown.empty()) out = Value::unknown(fmt::format("{}: {}", address, unknown), pos, address);
  if (!error.empty()) out = Value::failure(fmt::format("{}: {}", address, error), pos);
  if (out.ref.empty()) out.ref = address;
  // A data source's lookup arguments are what it finds: data.aws_kms_alias.x.target_key_arn
  // for name = "alias/aws/dynamodb" is the AWS managed key.
  if (data && (key.starts_with("aws_kms_alias.") || key.starts_with("aws_kms_key.")) && out.is(Kind::kMap)) {
    const Value* found = out.get(key.starts_with("aws_kms_alias.") ? "name" : "key_id");
    if (found != nullptr && found->is(Kind::kString) && !found->text.empty()) {
      // What the lookup names stands for the key: an alias/aws/* name is the AWS managed key,
      // any other alias or ARN a key outside the configuration (customer managed).
      const Value name = *found;  // a copy: set() below may move the map's elements
      for (const char* attr : {"arn", "target_key_arn", "target_key_id", "id", "key_id"}) {
        if (out.get(attr) == nullptr) out.set(attr, Value::of_string(name.text, name.pos));
      }
    }
    out.ref.clear();  // not a resource of the configuration
  }
  resource_values_[cache_key] = out;
  return out;
}

std::vector<std::unique_ptr<Module>>& Module::child(const std::string& name, std::string& unknown_why) {
  auto it = children_.find(name);
  if (it != children_.end()) return it->second;
  std::vector<std::unique_ptr<Module>>& out = children_[name];
  const Declared& call = src_.module_calls.at(name);
  std::string source = ModuleSource::source_of(*call.block);
  if (!is_local_source(source)) {
    root_.note_once(true, "source:" + source,
                    fmt::format("{}:{}:{}: module \"{}\": source \"{}\" is not fetched (registry, git and remote "
                                "modules are not read); its resources are not scanned and its outputs are unknown",
                                *call.file, call.block->pos.line, call.block->pos.column, name, source));
    unknown_why = fmt::format("module.{} comes from \"{}\", which atrest does not fetch", name, source);
    return out;
  }
  const ModuleSource* child_src = root_.module_at(join_path(src_.dir, source));
  if (child_src == nullptr) {
    root_.note_once(false, "missing:" + src_.canonical + source,
                    fmt::format("{}:{}:{}: module \"{}\": source \"{}\" has no .tf files", *call.file,
                                call.block->pos.line, call.block->pos.column, name, source));
    unknown_why = fmt::format("module.{} has no configuration at \"{}\"", name, source);
    return out;
  }
  if (std::find(stack_.begin(), stack_.end(), child_src) != stack_.end() || stack_.size() >= kMaxModuleDepth) {
    root_.note_once(false, "cycle:" + child_src->canonical,
                    fmt::format("{}:{}:{}: module \"{}\": {} (not evaluated)", *call.file, call.block->pos.line,
                                call.block->pos.column, name,
                                stack_.size() >= kMaxModuleDepth ? "modules nested too deeply" : "module cycle"));
    unknown_why = fmt::format("module.{} is part of a module cycle", name);
    not_evaluated_.insert(name);
    return out;
  }
  std::string error;
  std::string unknown = expand(*call.block, [&](const std::string& suffix, const Binding& b) {
    if (!root_.take_instance(prefix_ + "module." + name)) return;
    bindings_.push_back(b);
    std::map<std::string, Value> inputs;
    for (const hcl::Attribute& a : call.block->attributes) {
      if (a.name == "source" || a.name == "version" || a.name == "count" || a.name == "for_each" ||
          a.name == "providers" || a.name == "depends_on") {
        continue;
      }
      inputs[a.name] = eval(a.expr);
    }
    bindings_.pop_back();
    std::vector<const ModuleSource*> stack = stack_;
    stack.push_back(child_src);
    out.push_back(std::make_unique<Module>(root_, *child_src, prefix_ + "module." + name + suffix + ".",
                                           std::move(inputs), std::move(stack)));
    if (b.has_each) tf::to_string(b.each_key, out.back()->instance_key);
    // providers = { aws = aws.west }: the child's default aws provider is the caller's aws.west.
    out.back()->aws_alias = aws_alias;
    if (const hcl::Attribute* providers = attribute(*call.block, "providers");
        providers != nullptr && providers->expr.kind == hcl::ExprKind::kObject) {
      const hcl::Expr& map = providers->expr;
      for (size_t i = 0; i < map.keys.size() && i < map.items.size(); ++i) {
        const hcl::Expr& value = map.items[i];
        if (map.keys[i].text == "aws" && value.kind == hcl::ExprKind::kGetAttr && !value.items.empty() &&
            value.items[0].text == "aws") {
          out.back()->aws_alias = value.text;
        }
      }
    }
  }, error);
  if (!unknown.empty()) unknown_why = fmt::format("module.{}: {}", name, unknown);
  if (!error.empty()) unknown_why = fmt::format("module.{}: {}", name, error);
  return out;
}

Value Module::module_value(const std::string& name, hcl::Pos pos) {
  if (auto it = module_values_.find(name); it != module_values_.end()) return it->second;
  if (!src_.module_calls.count(name)) return Value::failure(fmt::format("module.{} is not declared", name), pos);
  if (!evaluating_.insert("module." + name).second) {
    return Value::failure(fmt::format("module.{} refers to itself", name), pos);
  }
  std::string unknown_why;
  std::vector<std::unique_ptr<Module>>& children = child(name, unknown_why);
  auto outputs = [&](Module& m) {
    Value o = Value::of_map(pos);
    for (const auto& [oname, attr] : m.src_.outputs) o.set(oname, m.eval(attr->expr));
    return o;
  };
  Value out;
  const hcl::Block& call = *src_.module_calls.at(name).block;
  if (!unknown_why.empty()) {
    out = Value::unknown(unknown_why, pos);
  } else if (attribute(call, "count") != nullptr) {
    out = Value::of_list({}, pos);
    for (auto& c : children) out.list.push_back(outputs(*c));
  } else if (attribute(call, "for_each") != nullptr) {
    out = Value::of_map(pos);
    for (auto& c : children) out.set(c->instance_key, outputs(*c));
  } else if (!children.empty()) {
    out = outputs(*children.front());
  }
  evaluating_.erase("module." + name);
  module_values_[name] = out;
  return out;
}

Value Module::aws_provider(const std::string& alias) {
  if (root_.root_module != nullptr && root_.root_module != this) return root_.root_module->aws_provider(alias);
  if (auto it = aws_providers_.find(alias); it != aws_providers_.end()) return it->second;
  // A provider block that refers to a resource whose tags need the provider: unknown, not a loop.
  aws_providers_[alias] = Value::unknown("the provider block refers to itself");
  Value out;
  for (const Declared& p : src_.providers) {
    if (p.block->labels[0] != "aws") continue;
    const hcl::Attribute* a = attribute(*p.block, "alias");
    const std::string name = a != nullptr && (a->expr.kind == hcl::ExprKind::kString) ? a->expr.text : "";
    if (name != alias) continue;
    std::vector<Binding> saved;
    saved.swap(bindings_);  // provider blocks see no count/each
    out = body(*p.block, 0);
    bindings_.swap(saved);
    break;
  }
  aws_providers_[alias] = out;
  return out;
}

// provider = aws.west picks the root's aws.west; otherwise the module's default aws provider.
std::string Module::provider_alias_of(const hcl::Block& resource) const {
  const hcl::Attribute* p = attribute(resource, "provider");
  if (p != nullptr && p->expr.kind == hcl::ExprKind::kGetAttr && !p->expr.items.empty() && p->expr.items[0].text == "aws") {
    return p->expr.text;
  }
  return aws_alias;
}

// tags_all as the provider computes it: the provider's default_tags, overridden by the
// resource's tags. Set only when the provider has default tags (plans carry tags_all anyway).
void Module::add_tags_all(const hcl::Block& resource, Value& v) {
  Value provider = aws_provider(provider_alias_of(resource));
  if (!provider.is(Kind::kMap)) return;
  const Value* blocks = provider.get("default_tags");
  if (blocks == nullptr || !blocks->is(Kind::kList) || blocks->list.empty()) return;
  const Value* defaults = blocks->list.front().get("tags");
  if (defaults == nullptr || defaults->is(Kind::kNull)) return;
  const Value* tags = v.get("tags");
  const hcl::Pos pos = tags != nullptr && tags->pos.line != 0 ? tags->pos : resource.pos;
  Value all;
  if (defaults->is_unknown()) {
    all = Value::unknown(fmt::format("the provider's default_tags: {}", defaults->text), pos);
  } else if (tags != nullptr && tags->is_unknown()) {
    all = *tags;
  } else if (!defaults->is(Kind::kMap)) {
    all = Value::unknown("the provider's default_tags.tags is not a map", pos);
  } else {
    all = *defaults;
    all.ref.clear();
    if (tags != nullptr && tags->is(Kind::kMap)) {
      for (const auto& [k, t] : tags->map) all.set(k, t);
    }
  }
  all.pos = pos;
  v.set("tags_all", std::move(all));
}

namespace {

// Appends `key: values` to a JSON object under construction; a single value is written as a
// string, as the provider writes policy documents.
void put_strings(Value& object, const std::string& key, const Value& values) {
  Value out = values;
  if (out.is(Kind::kList) && out.list.size() == 1) out = out.list.front();
  out.ref.clear();
  object.set(key, std::move(out));
}

Value policy_json_of(const Value& doc, hcl::Pos pos);

// The policy JSON data "aws_iam_policy_document" renders; unknown when part of it is, or when
// it merges other documents (source_policy_documents, override_policy_documents).
Value policy_document_json(const Value& doc, hcl::Pos pos) {
  for (const char* merged : {"source_policy_documents", "override_policy_documents", "source_json", "override_json"}) {
    const Value* m = doc.get(merged);
    if (m != nullptr && !m->is(Kind::kNull) && !(m->is(Kind::kList) && m->list.empty())) {
      return Value::unknown(fmt::format("the policy document merges {}, which atrest does not render", merged), pos);
    }
  }
  // Attributes of AWS resources known only after apply keep their placeholders, as in jsonencode.
  Value filled = doc;
  if (const Value* u = tf::first_unknown(doc); u != nullptr && !tf::fill_stand_ins(filled)) {
    return Value::unknown(fmt::format("the policy document: {}", u->text), pos);
  }
  return policy_json_of(filled, pos);
}

Value policy_json_of(const Value& doc, hcl::Pos pos) {
  Value policy = Value::of_map(pos);
  const Value* version = doc.get("version");
  policy.set("Version", version != nullptr && version->is(Kind::kString) ? *version : Value::of_string("2012-10-17"));
  if (const Value* id = doc.get("policy_id"); id != nullptr && id->is(Kind::kString)) policy.set("Id", *id);
  Value statements = Value::of_list({});
  const Value* blocks = doc.get("statement");
  for (const Value& st : blocks != nullptr && blocks->is(Kind::kList) ? blocks->list : std::vector<Value>{}) {
    Value out = Value::of_map();
    if (const Value* sid = st.get("sid"); sid != nullptr && sid->is(Kind::kString)) out.set("Sid", *sid);
    const Value* effect = st.get("effect");
    out.set("Effect", effect != nullptr && effect->is(Kind::kString) ? *effect : Value::of_string("Allow"));
    for (auto [arg, key] : {std::pair{"actions", "Action"}, std::pair{"not_actions", "NotAction"},
                            std::pair{"resources", "Resource"}, std::pair{"not_resources", "NotResource"}}) {
      const Value* v = st.get(arg);
      if (v != nullptr && v->is(Kind::kList) && !v->list.empty()) put_strings(out, key, *v);
    }
    for (auto [arg, key] : {std::pair{"principals", "Principal"}, std::pair{"not_principals", "NotPrincipal"}}) {
      const Value* v = st.get(arg);
      if (v == nullptr || !v->is(Kind::kList) || v->list.empty()) continue;
      Value by_type = Value::of_map();
      bool everyone = false;
      for (const Value& p : v->list) {
        const Value* type = p.get("type");
        const Value* ids = p.get("identifiers");
        if (type == nullptr || !type->is(Kind::kString) || ids == nullptr || !ids->is(Kind::kList)) continue;
        if (type->text == "*") {
          everyone = true;
          continue;
        }
        Value* list = by_type.get(type->text);
        if (list == nullptr) {
          by_type.set(type->text, Value::of_list({}));
          list = by_type.get(type->text);
        }
        for (const Value& id : ids->list) list->list.push_back(id);
      }
      if (everyone) {
        out.set(key, Value::of_string("*"));
      } else {
        Value principal = Value::of_map();
        for (const auto& [type, ids] : by_type.map) put_strings(principal, type, ids);
        out.set(key, std::move(principal));
      }
    }
    if (const Value* conditions = st.get("condition"); conditions != nullptr && conditions->is(Kind::kList)) {
      // Blocks with the same test and variable add their values to one list (the provider's
      // rendering): {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}.
      Value by_test = Value::of_map();
      for (const Value& c : conditions->list) {
        const Value* test = c.get("test");
        const Value* variable = c.get("variable");
        const Value* values = c.get("values");
        if (test == nullptr || !test->is(Kind::kString) || variable == nullptr || !variable->is(Kind::kString) ||
            values == nullptr) {
          continue;
        }
        Value* entry = by_test.get(test->text);
        if (entry == nullptr) {
          by_test.set(test->text, Value::of_map());
          entry = by_test.get(test->text);
        }
        Value* list = entry->get(variable->text);
        if (list == nullptr) {
          entry->set(variable->text, Value::of_list({}));
          list = entry->get(variable->text);
        }
        if (values->is(Kind::kList)) {
          list->list.insert(list->list.end(), values->list.begin(), values->list.end());
        } else {
          list->list.push_back(*values);
        }
      }
      for (auto& [test, variables] : by_test.map) {
        Value flat = Value::of_map();
        for (const auto& [variable, values] : variables.map) put_strings(flat, variable, values);
        variables = std::move(flat);
      }
      if (!by_test.map.empty()) out.set("Condition", std::move(by_test));
    }
    statements.list.push_back(std::move(out));
  }
  policy.set("Statement", std::move(statements));
  return Value::of_string(tf::to_json(policy), pos);
}

}  // namespace

// What a data source gives that atrest can tell without AWS: the region of data.aws_region
// (the provider's), the JSON of data.aws_iam_policy_document.
void Module::complete_data_source(const std::string& type, const hcl::Block& block, Value& v) {
  if (!v.is(Kind::kMap)) return;
  if (type == "aws_region") {
    Value region;
    for (const char* arg : {"region", "name"}) {
      const Value* given = v.get(arg);
      if (given != nullptr && !given->is(Kind::kNull) && region.is(Kind::kNull)) region = *given;
    }
    if (region.is(Kind::kNull)) {
      Value provider = aws_provider(provider_alias_of(block));
      const Value* configured = provider.is(Kind::kMap) ? provider.get("region") : nullptr;
      if (configured != nullptr && !configured->is(Kind::kNull)) {
        region = *configured;
      } else if (!root_.region.empty()) {
        region = Value::of_string(root_.region);
      } else {
        region = Value::unknown("the AWS region is not known: the provider block sets none (set --region)", block.pos);
        // A region name, never a wildcard: text built from it keeps a placeholder (Value::stand_in).
        region.stand_in = fmt::format("${{data.aws_region.{}.name}}", block.labels.size() > 1 ? block.labels[1] : "");
      }
    }
    region.ref.clear();
    for (const char* attr : {"name", "region", "id"}) {
      if (v.get(attr) == nullptr || v.get(attr)->is(Kind::kNull)) v.set(attr, region);
    }
  } else if (type == "aws_caller_identity" || type == "aws_partition") {
    // The account (--account) and partition are never wildcards: placeholders when not known.
    const std::string name = block.labels.size() > 1 ? block.labels[1] : "";
    const bool account = type == "aws_caller_identity";
    const char* attr = account ? "account_id" : "partition";
    Value value;
    if (account && !root_.account.empty()) {
      value = Value::of_string(root_.account);
    } else {
      value = Value::unknown(fmt::format("data.{}.{}.{} is known only after apply", type, name, attr), block.pos);
      value.stand_in = fmt::format("${{data.{}.{}.{}}}", type, name, attr);
    }
    if (v.get(attr) == nullptr || v.get(attr)->is(Kind::kNull)) v.set(attr, value);
  } else if (type == "aws_iam_policy_document") {
    v.set("json", policy_document_json(v, block.pos));
    if (v.get("minified_json") == nullptr) v.set("minified_json", *v.get("json"));
  }
}

void Module::collect(std::vector<tf::ResourceInstance>& out) {
  for (const std::string& key : src_.resource_order) {
    const Declared& d = src_.resources.at(key);
    std::string address = prefix_ + key;
    std::string error;
    const size_t before = out.size();
    std::string unknown = expand(*d.block, [&](const std::string& suffix, const Binding& b) {
      if (!root_.take_instance(address)) return;
      tf::ResourceInstance r;
      r.address = address + suffix;
      r.type = d.block->labels[0];
      r.attributes = instance(r.address, d, b);
      r.file = d.file;
      r.pos = d.block->pos;
      out.push_back(std::move(r));
    }, error);
    if (!error.empty()) {
      root_.summary.errors.push_back(fmt::format("{}:{}:{}: {}: {}", *d.file, d.block->pos.line, d.block->pos.column,
                                                 address, error));
    }
    if (!unknown.empty() && out.size() == before) {
      // How many instances exist is unknown: one stand-in whose every setting is UNKNOWN.
      tf::ResourceInstance r;
      r.address = address;
      r.type = d.block->labels[0];
      r.attributes = Value::of_map(d.block->pos);
      if (adds_to_another(r.type)) {
        // A route, association, tag or policy resource that may or may not exist: what it names
        // (often a plain reference) lets the mapper make that resource's setting UNKNOWN rather
        // than silently leave it out. count.index and each are unknown here.
        Binding b;
        b.has_count = attribute(*d.block, "count") != nullptr;
        b.count = Value::unknown(unknown, d.block->pos);
        b.has_each = attribute(*d.block, "for_each") != nullptr;
        b.each_key = b.each_value = Value::unknown(unknown, d.block->pos);
        bindings_.push_back(b);
        r.attributes = body(*d.block, 0);
        bindings_.pop_back();
      }
      r.file = d.file;
      r.pos = d.block->pos;
      r.unknown_why = fmt::format("{}: {}", address, unknown);
      out.push_back(std::move(r));
    }
  }
  for (const auto& [name, call] : src_.module_calls) {
    std::string unknown_why;
    std::vector<std::unique_ptr<Module>>& children = child(name, unknown_why);
    if (children.empty() && !unknown_why.empty()) {
      const std::string source = ModuleSource::source_of(*call.block);
      const ModuleSource* child_src = is_local_source(source) ? root_.module_at(join_path(src_.dir, source)) : nullptr;
      if (child_src != nullptr && !not_evaluated_.count(name)) {
        // The module's instance count is unknown: its resources, each UNKNOWN.
        std::vector<const ModuleSource*> stack = stack_;
        stack.push_back(child_src);
        Module stand_in(root_, *child_src, prefix_ + "module." + name + ".", {}, std::move(stack));
        const size_t before = out.size();
        stand_in.collect(out);
        for (size_t i = before; i < out.size(); ++i) {
          if (out[i].unknown_why.empty()) out[i].unknown_why = unknown_why;
        }
      }
      continue;
    }
    for (auto& c : children) c->collect(out);
  }
}

// Variable values for a root module, lowest precedence first: defaults (in the module),
// TF_VAR_ environment, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in name
// order, then --var-file and --var in command-line order.
void apply_type_defaults(Value& v, const hcl::Expr& type, int depth) {
  if (depth > 16 || type.kind != hcl::ExprKind::kCall || type.items.size() != 1) return;
  const hcl::Expr& arg = type.items[0];
  if ((type.text == "list" || type.text == "set") && v.is(Kind::kList)) {
    for (Value& item : v.list) apply_type_defaults(item, arg, depth + 1);
  } else if (type.text == "map" && v.is(Kind::kMap)) {
    for (auto& [k, item] : v.map) apply_type_defaults(item, arg, depth + 1);
  } else if (type.text == "object" && v.is(Kind::kMap) && arg.kind == hcl::ExprKind::kObject) {
    for (size_t i = 0; i < arg.keys.size() && i < arg.items.size(); ++i) {
      const hcl::Expr& key = arg.keys[i];
      const hcl::Expr& attr_type = arg.items[i];
      std::string name = key.kind == hcl::ExprKind::kVariable || key.kind == hcl::ExprKind::kString ? key.text : "";
      if (name.empty()) continue;
      Value* present = v.get(name);
      if (attr_type.kind == hcl::ExprKind::kCall && attr_type.text == "optional" && !attr_type.items.empty()) {
        if (present == nullptr || present->is(Kind::kNull)) {
          Value def;
          if (attr_type.items.size() > 1) {
            LiteralScope literal;
            tf::Evaluator ev(literal);
            def = ev.eval(attr_type.items[1]);
          }
          v.set(name, std::move(def));
          present = v.get(name);
        }
        apply_type_defaults(*present, attr_type.items[0], depth + 1);
      } else if (present != nullptr) {
        apply_type_defaults(*present, attr_type, depth + 1);
      }
    }
  }
}

std::map<std::string, Value> root_inputs(const ModuleSource& src, const TerraformOptions& options, InputSummary& summary) {
  std::map<std::string, Value> inputs;
  LiteralScope literal;
  auto parse_value = [&](const std::string& name, const std::string& raw) {
    auto decl = src.variables.find(name);
    std::string type = decl == src.variables.end() ? std::string() : primitive_type(*decl->second.block);
    // Primitive variables take the raw string; others are HCL expressions, as Terraform does.
    if (type == "string" || type == "number" || type == "bool" ||
        (type.empty() && !raw.starts_with('[') && !raw.starts_with('{'))) {
      return Value::of_string(raw);
    }
    hcl::File f = hcl::parse("v = " + raw + "\n");
    if (!f.errors.empty() || f.body.attributes.empty()) return Value::of_string(raw);
    tf::Evaluator ev(literal);
    return ev.eval(f.body.attributes[0].expr);
  };
  for (const auto& [name, d] : src.variables) {
    if (const char* env = std::getenv(("TF_VAR_" + name).c_str()); env != nullptr) inputs[name] = parse_value(name, env);
  }
  auto read_vars = [&](const std::string& path, bool must_exist) {
    std::string error;
    std::string text = read_file(path, error);
    if (!error.empty()) {
      if (must_exist) summary.errors.push_back(fmt::format("{}: cannot read: {}", path, error));
      return;
    }
    if (iends_with(path, ".json")) {
      Value v = tf::from_json(text);
      if (!v.is(Kind::kMap)) {
        summary.errors.push_back(fmt::format("{}: not a JSON object of variable values", path));
        return;
      }
      for (auto& [k, val] : v.map) inputs[k] = std::move(val);
      return;
    }
    hcl::File f = hcl::parse(text);
    for (const hcl::ParseError& e : f.errors) {
      summary.errors.push_back(fmt::format("{}:{}:{}: {}", path, e.pos.line, e.pos.column, e.message));
    }
    tf::Evaluator ev(literal);
    for (const hcl::Attribute& a : f.body.attributes) inputs[a.name] = ev.eval(a.expr);
  };
  read_vars(join_path(src.dir, "terraform.tfvars"), false);
  read_vars(join_path(src.dir, "terraform.tfvars.json"), false);
  std::vector<std::string> autos;
  if (DIR* d = opendir(src.dir.c_str())) {
    while (dirent* ent = readdir(d)) {
      std::string name = ent->d_name;
      if (name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json")) autos.push_back(name);
    }
    closedir(d);
  }
  std::sort(autos.begin(), autos.end());
  for (const std::string& a : autos) read_vars(join_path(src.dir, a), true);
  for (const TerraformVarArg& arg : options.var_args) {
    if (arg.file) {
      read_vars(arg.text, true);
      continue;
    }
    size_t eq = arg.text.find('=');
    if (eq == std::string::npos || eq == 0) continue;  // the CLI rejects these
    inputs[arg.text.substr(0, eq)] = parse_value(arg.text.substr(0, eq), arg.text.substr(eq + 1));
  }
  return inputs;
}

// The selected workspace, as Terraform reads it: TF_WORKSPACE, else .terraform/environment.
std::string workspace_of(const std::string& dir) {
  if (const char* env = std::getenv("TF_WORKSPACE"); env != nullptr && *env != '\0') return env;
  std::string error;
  std::string text = read_file(join_path(dir, ".terraform/environment"), error);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return error.empty() && !text.empty() ? text : "default";
}

bool is_tf_name(std::string_view name) { return name.ends_with(".tf") || name.ends_with(".tf.json"); }

// Parses every .tf file of a directory (not recursively).
std::unique_ptr<ModuleSource> parse_dir(const std::string& dir) {
  auto src = std::make_unique<ModuleSource>();
  src->dir = dir;
  src->canonical = canonical(dir);
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* ent = readdir(d)) {
      std::string name = ent->d_name;
      if (is_tf_name(name) && name[0] != '.') names.push_back(name);
    }
    closedir(d);
  } else {
    src->errors.push_back(fmt::format("{}: cannot read the directory", dir));
    return src;
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = join_path(dir, name);
    std::string error;
    std::string text = read_file(path, error);
    if (!error.empty()) {
      src->errors.push_back(fmt::format("{}: {}", path, error));
      continue;
    }
    ParsedFile& f = src->files.emplace_back();
    f.path = intern(path);
    f.file = name.ends_with(".json") ? tf::parse_tf_json(text) : hcl::parse(text);
  }
  src->index();
  return src;
}

}  // namespace

std::vector<InputSummary> load_terraform(const std::vector<std::string>& dirs, const TerraformOptions& options,
                                         Inventory& inventory) {
  // Parse the given directories and, round by round, the local modules they call.
  std::map<std::string, std::unique_ptr<ModuleSource>> modules;
  std::vector<std::string> given_canonical;
  std::vector<std::string> wave;
  std::set<std::string> queued;
  for (const std::string& d : dirs) {
    std::string c = canonical(d);
    given_canonical.push_back(c);
    if (queued.insert(c).second) wave.push_back(d);
  }
  std::set<std::string> called;  // canonical dirs used as a local module by another directory
  size_t jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  for (int round = 0; !wave.empty() && round <= kMaxModuleDepth; ++round) {
    std::vector<std::unique_ptr<ModuleSource>> parsed(wave.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < wave.size(); i = next++) parsed[i] = parse_dir(wave[i]);
    };
    std::vector<std::thread> threads;
    for (size_t j = 1; j < std::min(jobs, wave.size()); ++j) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    std::vector<std::string> next_wave;
    for (auto& src : parsed) {
      for (const auto& [name, call] : src->module_calls) {
        std::string source = ModuleSource::source_of(*call.block);
        if (!is_local_source(source)) continue;
        std::string child = join_path(src->dir, source);
        std::string c = canonical(child);
        if (c != src->canonical) called.insert(c);
        if (queued.insert(c).second) next_wave.push_back(child);
      }
      std::string key = src->canonical;
      modules.emplace(key, std::move(src));
    }
    wave = std::move(next_wave);
  }

  // A directory is evaluated as a module of its caller when a root reaches it; one that only
  // modules in a cycle call is a root itself (the cycle is then reported).
  std::set<std::string> reached;
  std::vector<std::string> todo;
  for (const std::string& c : given_canonical) {
    if (!called.count(c)) todo.push_back(c);
  }
  while (!todo.empty()) {
    std::string c = std::move(todo.back());
    todo.pop_back();
    auto it = modules.find(c);
    if (it == modules.end() || !reached.insert(c).second) continue;
    for (const auto& [name, call] : it->second->module_calls) {
      std::string source = ModuleSource::source_of(*call.block);
      if (is_local_source(source)) todo.push_back(canonical(join_path(it->second->dir, source)));
    }
  }
  std::vector<size_t> roots;  // index into dirs
  std::set<std::string> evaluated;
  for (size_t i = 0; i < dirs.size(); ++i) {
    const std::string& c = given_canonical[i];
    const bool is_root = !called.count(c) || !reached.count(c);
    if (is_root && evaluated.insert(c).second) roots.push_back(i);
  }
  // Roots are independent (the parsed modules are only read): evaluate them in parallel, each
  // into its own inventory, and merge in order so the result does not depend on the threads.
  struct RootResult {
    InputSummary summary;
    Inventory inventory;
  };
  std::vector<RootResult> results(roots.size());
  auto evaluate = [&](size_t r) {
    const size_t i = roots[r];
    const std::string& c = given_canonical[i];
    const ModuleSource& src = *modules.at(c);
    InputSummary& summary = results[r].summary;
    summary.kind = SourceKind::kTerraform;
    summary.source = dirs[i];
    summary.errors = src.errors;
    RootState state{modules, summary, {}};
    state.workspace = workspace_of(src.dir);
    state.region = options.region;
    state.account = options.account;
    tf::reset_budget();
    std::map<std::string, Value> inputs = root_inputs(src, options, summary);
    Module root(state, src, "", std::move(inputs), {&src});
    state.root_module = &root;
    std::vector<tf::ResourceInstance> instances;
    root.collect(instances);
    // Files read: the root's and every module's it reached.
    std::set<const std::string*> files;
    for (const ParsedFile& f : src.files) files.insert(f.path);
    for (const tf::ResourceInstance& inst : instances) files.insert(inst.file);
    summary.files_read = files.size();
    summary.files_recognised = files.size();
    tf::MapContext context;
    context.kind = SourceKind::kTerraform;
    context.scope = intern(c);
    context.account = options.account.empty() ? nullptr : intern(options.account);
    context.region = options.region.empty() ? nullptr : intern(options.region);
    summary.resources = tf::map_resources(instances, context, results[r].inventory);
  };
  std::atomic<size_t> next_root{0};
  auto worker = [&] {
    for (size_t r = next_root++; r < roots.size(); r = next_root++) {
      try {
        evaluate(r);
      } catch (const std::bad_alloc&) {
        results[r].inventory = Inventory();
        results[r].summary.errors.push_back(fmt::format("{}: out of memory while evaluating it", dirs[roots[r]]));
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t j = 1; j < std::min(jobs, roots.size()); ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  std::vector<InputSummary> summaries;
  summaries.reserve(results.size());
  for (RootResult& result : results) {
    inventory.absorb(std::move(result.inventory));
    summaries.push_back(std::move(result.summary));
  }
  return summaries;
}

InputSummary load_terraform_text(std::string_view name, std::string_view text, Inventory& inventory) {
  std::map<std::string, std::unique_ptr<ModuleSource>> modules;
  auto src = std::make_unique<ModuleSource>();
  src->dir = ".";
  src->canonical = std::string(name);
  ParsedFile& f = src->files.emplace_back();
  f.path = intern(name);
  f.file = hcl::parse(text);
  src->index();
  const ModuleSource& ref = *src;
  modules.emplace(src->canonical, std::move(src));
  InputSummary summary;
  summary.kind = SourceKind::kTerraform;
  summary.source = std::string(name);
  summary.errors = ref.errors;
  RootState state{modules, summary, {}};
  tf::reset_budget();
  Module root(state, ref, "", {}, {&ref});
  state.root_module = &root;
  std::vector<tf::ResourceInstance> instances;
  root.collect(instances);
  tf::MapContext context;
  context.scope = intern(name);
  summary.resources = tf::map_resources(instances, context, inventory);
  summary.files_read = summary.files_recognised = 1;
  return summary;
}

}  // namespace atrest
