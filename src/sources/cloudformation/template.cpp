#include "sources/cloudformation/template.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.h"

namespace atrest::cfn {
namespace {

Value make_string(std::string s, const YamlNode* at) {
  Value v;
  v.kind = Value::Kind::kString;
  v.text = std::move(s);
  v.node = at;
  return v;
}

Value make_bool(bool b, const YamlNode* at) {
  Value v;
  v.kind = Value::Kind::kBool;
  v.boolean = b;
  v.node = at;
  return v;
}

Value make_list(std::vector<Value> items, const YamlNode* at) {
  Value v;
  v.kind = Value::Kind::kList;
  v.list = std::move(items);
  v.node = at;
  return v;
}

// The function a node calls: a short-form tag, or a one-entry map {"Ref"|"Fn::X"|"Condition": arg}.
bool function_of(const YamlNode* node, std::string& name, const YamlNode*& arg, bool& tagged) {
  if (!node->tag.empty() && node->tag[0] == '!' && node->tag.size() > 1 && node->tag[1] != '!') {
    const std::string_view t = std::string_view(node->tag).substr(1);
    name = (t == "Ref" || t == "Condition") ? std::string(t) : "Fn::" + std::string(t);
    arg = node;
    tagged = true;
    return true;
  }
  if (node->is_map() && node->entries.size() == 1 && node->entries[0].first->is_scalar()) {
    const std::string& key = node->entries[0].first->value;
    if (key == "Ref" || key == "Condition" || key.starts_with("Fn::")) {
      name = key;
      arg = node->entries[0].second;
      tagged = false;
      return true;
    }
  }
  return false;
}

// A scalar computed by a function (a Ref to a parameter, a FindInMap) is reported where the
// function is written in the resource, not where the value came from (a parameter's Default).
Value located_at_call(Value v, const YamlNode* written) {
  std::string name;
  const YamlNode* arg;
  bool tagged;
  if (!v.is(Value::Kind::kMap) && function_of(written, name, arg, tagged)) v.node = written;
  return v;
}

std::string text_of(const Value& v) {
  return v.kind == Value::Kind::kBool ? (v.boolean ? "true" : "false") : v.text;
}

}  // namespace

const Value* Value::get(std::string_view key) const {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool is_template(const YamlNode* root) {
  if (root == nullptr || !root->is_map()) return false;
  if (root->get("AWSTemplateFormatVersion") != nullptr) return true;
  const YamlNode* resources = root->get("Resources");
  if (resources == nullptr || !resources->is_map()) return false;
  for (const auto& [key, res] : resources->entries) {
    const YamlNode* type = res->is_map() ? res->get("Type") : nullptr;
    if (type != nullptr && type->is_scalar() &&
        (type->value.starts_with("AWS::") || type->value.starts_with("Custom::") ||
         type->value.starts_with("Alexa::"))) {
      return true;
    }
  }
  return false;
}

Template::Template(const YamlNode* root, TemplateOptions options) : root_(root), options_(std::move(options)) {
  if (root_ != nullptr && root_->is_map()) {
    parameters_ = root_->get("Parameters");
    conditions_ = root_->get("Conditions");
    mappings_ = root_->get("Mappings");
    resources_ = root_->get("Resources");
    work_budget_ = 1'000'000 + 64 * static_cast<size_t>(root_->weight);
  }
  for (auto [from, into] : {std::pair{resources_, &resource_index_}, std::pair{parameters_, &parameter_index_}}) {
    if (from == nullptr || !from->is_map()) continue;
    for (const auto& [k, v] : from->entries) into->emplace(k->value, v);
  }
}

const YamlNode* Template::resource(std::string_view logical_id) const {
  auto it = resource_index_.find(logical_id);
  return it == resource_index_.end() ? nullptr : it->second;
}

Value Template::literal(const YamlNode* node) const {
  if (node == nullptr) return Value();
  if (!node->tag.empty() && node->tag[0] == '!' && (node->tag.size() < 2 || node->tag[1] != '!')) {
    return Value::unknown("an intrinsic function where CloudFormation allows only a literal", node);
  }
  switch (node->kind) {
    case YamlNode::Kind::kScalar:
      return resolve_content(node, true);
    case YamlNode::Kind::kSeq: {
      std::vector<Value> items;
      for (const YamlNode* item : node->items) items.push_back(literal(item));
      return make_list(std::move(items), node);
    }
    case YamlNode::Kind::kMap: {
      Value v;
      v.kind = Value::Kind::kMap;
      v.node = node;
      for (const auto& [k, child] : node->entries) v.map.push_back(Member{k->value, literal(child)});
      return v;
    }
  }
  return Value();
}

std::string_view Template::resource_type(std::string_view logical_id) const {
  const YamlNode* r = resource(logical_id);
  const YamlNode* type = r != nullptr && r->is_map() ? r->get("Type") : nullptr;
  return type != nullptr && type->is_scalar() ? std::string_view(type->value) : std::string_view();
}

Value Template::resolve(const YamlNode* node) const { return resolve_content(node, false); }

Value Template::resolve_symbolic(const YamlNode* node) const {
  const bool was = symbolic_;
  symbolic_ = true;
  Value v = resolve_content(node, false);
  symbolic_ = was;
  return v;
}

namespace {
// Counts one level of resolution; the destructor gives it back.
struct DepthGuard {
  size_t& depth;
  explicit DepthGuard(size_t& d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
};

bool yaml11_bool(std::string_view s, bool& out) {
  // CloudFormation reads YAML 1.1: yes/no/on/off (and y/n) are booleans when unquoted.
  for (std::string_view t : {"true", "yes", "on", "y"}) {
    if (iequals(s, t)) return out = true, true;
  }
  for (std::string_view f : {"false", "no", "off", "n"}) {
    if (iequals(s, f)) return out = false, true;
  }
  return false;
}
}  // namespace

Value Template::resolve_content(const YamlNode* node, bool skip_tag) const {
  if (node == nullptr) return Value();
  DepthGuard guard(depth_);
  if (depth_ > 512) return Value::unknown("values nest deeper than 512 levels", node);
  if (++work_ > work_budget_) return Value::unknown("the template takes too much work to resolve (amplified values)", node);
  std::string name;
  const YamlNode* arg;
  bool tagged;
  if (!skip_tag && function_of(node, name, arg, tagged)) return resolve_function(name, arg, tagged);
  if (skip_tag && node->is_map() && node->entries.size() == 1 && node->entries[0].first->is_scalar()) {
    // `!Tag {Fn::X: ...}`: the content may itself be a long-form call.
    const std::string& key = node->entries[0].first->value;
    if (key == "Ref" || key == "Condition" || key.starts_with("Fn::")) {
      return resolve_function(key, node->entries[0].second, false);
    }
  }
  switch (node->kind) {
    case YamlNode::Kind::kScalar: {
      if (node->is_null()) {
        Value v;
        v.node = node;
        return v;  // `Key:` with nothing: as if absent
      }
      bool b;
      if (node->plain && yaml11_bool(node->value, b)) return make_bool(b, node);
      if (node->value.find("{{resolve:") != std::string::npos) {
        return Value::unknown(fmt::format("{} is a dynamic reference, resolved at deploy time", node->value), node);
      }
      return make_string(node->value, node);
    }
    case YamlNode::Kind::kSeq: {
      std::vector<Value> items;
      for (const YamlNode* item : node->items) {
        Value v = located_at_call(resolve(item), item);
        if (!v.is(Value::Kind::kAbsent)) items.push_back(std::move(v));  // AWS::NoValue drops it
      }
      return make_list(std::move(items), node);
    }
    case YamlNode::Kind::kMap: {
      Value v;
      v.kind = Value::Kind::kMap;
      v.node = node;
      for (const auto& [k, child] : node->entries) {
        Value resolved = located_at_call(resolve(child), child);
        if (resolved.is(Value::Kind::kAbsent)) continue;
        v.map.push_back(Member{k->value, std::move(resolved)});
      }
      return v;
    }
  }
  return Value();
}

Value Template::ref(std::string_view name, const YamlNode* at) const {
  if (name == "AWS::NoValue") {
    Value v;
    v.node = at;
    return v;
  }
  if (name == "AWS::Region") {
    return options_.region.empty() ? Value::unknown("AWS::Region is not known (give --region)", at)
                                   : make_string(options_.region, at);
  }
  if (name == "AWS::AccountId") {
    return options_.account.empty() ? Value::unknown("AWS::AccountId is not known (give --account)", at)
                                     : make_string(options_.account, at);
  }
  if (name == "AWS::Partition") {
    if (options_.region.empty()) return Value::unknown("AWS::Partition is not known (give --region)", at);
    if (options_.region.starts_with("cn-")) return make_string("aws-cn", at);
    if (options_.region.starts_with("us-gov-")) return make_string("aws-us-gov", at);
    return make_string("aws", at);
  }
  if (name == "AWS::URLSuffix") {
    if (options_.region.empty()) return Value::unknown("AWS::URLSuffix is not known (give --region)", at);
    return make_string(options_.region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com", at);
  }
  if (name.starts_with("AWS::")) return Value::unknown(fmt::format("{} is known only at deploy time", name), at);
  if (parameters_ != nullptr && parameters_->is_map()) {
    if (auto found = parameter_index_.find(name); found != parameter_index_.end()) {
      const YamlNode* p = found->second;
      const YamlNode* type_node = p->is_map() ? p->get("Type") : nullptr;
      const std::string type = type_node != nullptr && type_node->is_scalar() ? type_node->value : "String";
      if (type.starts_with("AWS::SSM::Parameter::Value")) {
        return Value::unknown(fmt::format("parameter {} is read from SSM Parameter Store at deploy time", name), at);
      }
      const YamlNode* def = p->is_map() ? p->get("Default") : nullptr;
      Value value;
      if (auto it = options_.unknown_parameters.find(std::string(name)); it != options_.unknown_parameters.end()) {
        return Value::unknown(fmt::format("parameter {}: {}", name, it->second), at);
      }
      if (auto it = options_.parameters.find(std::string(name)); it != options_.parameters.end()) {
        value = make_string(it->second, at);
      } else if (def != nullptr) {
        value = literal(def);
        value.node = def;
      } else {
        return Value::unknown(fmt::format("parameter {} has no Default and no value was given "
                                          "(--cfn-param {}=...)", name, name), at);
      }
      const bool list_type = type == "CommaDelimitedList" || type.starts_with("List<");
      if (list_type && value.is(Value::Kind::kString)) {
        std::vector<Value> items;
        for (size_t start = 0;;) {
          const size_t comma = value.text.find(',', start);
          std::string item = value.text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          item.erase(0, item.find_first_not_of(' '));
          item.erase(item.find_last_not_of(' ') + 1);
          items.push_back(make_string(item, value.node));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        return make_list(std::move(items), value.node);
      }
      return value;
    }
  }
  if (resource(name) != nullptr) {
    Value v;
    v.kind = Value::Kind::kResourceRef;
    v.text = std::string(name);
    v.node = at;
    return v;
  }
  return Value::unknown(fmt::format("Ref to {}, which is neither a parameter nor a resource", name), at);
}

Value Template::sub(const YamlNode* arg, const YamlNode* at) const {
  const YamlNode* text_node = arg;
  const YamlNode* vars = nullptr;
  if (arg->is_seq() && !arg->items.empty()) {
    text_node = arg->items[0];
    if (arg->items.size() > 1) vars = arg->items[1];
  }
  if (!text_node->is_scalar()) return Value::unknown("Fn::Sub needs a string", at);
  const std::string& in = text_node->value;
  std::string out;
  for (size_t i = 0; i < in.size();) {
    const size_t open = in.find("${", i);
    if (open == std::string::npos) {
      out.append(in, i, std::string::npos);
      break;
    }
    out.append(in, i, open - i);
    const size_t close = in.find('}', open);
    if (close == std::string::npos) return Value::unknown("Fn::Sub has an unclosed ${", at);
    const std::string name = in.substr(open + 2, close - open - 2);
    i = close + 1;
    if (!name.empty() && name[0] == '!') {  // ${!Literal} stays literal
      out += "${" + name.substr(1) + "}";
      continue;
    }
    Value v;
    const YamlNode* var = vars != nullptr && vars->is_map() ? vars->get(name) : nullptr;
    if (var != nullptr) {
      v = resolve(var);
    } else if (name.find('.') != std::string::npos) {
      v = Value::unknown(fmt::format("${{{}}} is a resource attribute known only at deploy time", name), at);
    } else {
      v = ref(name, at);
    }
    if (symbolic_ && v.is(Value::Kind::kResourceRef)) {
      out += "${" + v.text + (v.attribute.empty() ? "" : "." + v.attribute) + "}";
      continue;
    }
    if (symbolic_ && v.is(Value::Kind::kUnknown)) {
      out += "${" + name + "}";
      continue;
    }
    if (v.is(Value::Kind::kUnknown)) return v;
    if (v.is(Value::Kind::kResourceRef)) {
      return Value::unknown(fmt::format("${{{}}} is a resource known only at deploy time", name), at);
    }
    if (!v.is(Value::Kind::kString) && !v.is(Value::Kind::kBool)) {
      return Value::unknown(fmt::format("${{{}}} is not a string", name), at);
    }
    out += text_of(v);
    if (out.size() > (1u << 20)) return Value::unknown("Fn::Sub produces more than 1 MiB", at);
  }
  if (out.find("{{resolve:") != std::string::npos) {
    return Value::unknown("Fn::Sub builds a dynamic reference, resolved at deploy time", at);
  }
  return make_string(std::move(out), at);
}

Value Template::resolve_function(std::string_view name, const YamlNode* arg, bool tagged) const {
  const YamlNode* at = arg;
  auto args = [&](size_t n) -> bool { return arg->is_seq() && arg->items.size() >= n; };
  auto self = [&] { return resolve_content(arg, tagged); };
  if (name == "Ref") {
    Value target = self();
    if (!target.is(Value::Kind::kString)) return Value::unknown("Ref needs a name", at);
    return ref(target.text, at);
  }
  if (name == "Fn::GetAtt") {
    std::string logical, attribute;
    if (arg->is_scalar()) {
      const size_t dot = arg->value.find('.');
      logical = arg->value.substr(0, dot);
      if (dot != std::string::npos) attribute = arg->value.substr(dot + 1);
    } else if (args(2)) {
      Value a = resolve(arg->items[0]);
      Value b = resolve(arg->items[1]);
      if (!a.is(Value::Kind::kString) || !b.is(Value::Kind::kString)) {
        return Value::unknown("Fn::GetAtt with an attribute known only at deploy time", at);
      }
      logical = a.text;
      attribute = b.text;
    }
    if (resource(logical) == nullptr) {
      return Value::unknown(fmt::format("Fn::GetAtt names {}, which is not a resource of the template", logical), at);
    }
    Value v;
    v.kind = Value::Kind::kResourceRef;
    v.text = logical;
    v.attribute = attribute;
    v.node = at;
    return v;
  }
  if (name == "Fn::Sub") return sub(arg, at);
  if (name == "Fn::If") {
    if (!args(3) || !arg->items[0]->is_scalar()) return Value::unknown("Fn::If needs [condition, then, else]", at);
    std::string why;
    switch (condition(arg->items[0]->value, why)) {
      case Truth::kTrue: return resolve(arg->items[1]);
      case Truth::kFalse: return resolve(arg->items[2]);
      case Truth::kUnknown:
        if (std::find(undecided_.begin(), undecided_.end(), arg->items[0]->value) == undecided_.end()) {
          undecided_.push_back(arg->items[0]->value);
        }
        return Value::unknown(fmt::format("condition {} cannot be evaluated: {}", arg->items[0]->value, why), at);
    }
  }
  if (name == "Fn::Join") {
    if (!args(2)) return Value::unknown("Fn::Join needs [delimiter, list]", at);
    Value delim = resolve(arg->items[0]);
    Value list = resolve(arg->items[1]);
    if (list.is(Value::Kind::kUnknown)) return list;
    if (!delim.is(Value::Kind::kString) || !list.is(Value::Kind::kList)) return Value::unknown("Fn::Join needs [delimiter, list]", at);
    std::string out;
    for (size_t i = 0; i < list.list.size(); ++i) {
      const Value& item = list.list[i];
      if (symbolic_ && (item.is(Value::Kind::kUnknown) || item.is(Value::Kind::kResourceRef))) {
        if (i) out += delim.text;
        out += item.is(Value::Kind::kUnknown) ? std::string("${?}")
                                               : "${" + item.text + (item.attribute.empty() ? "" : "." + item.attribute) + "}";
        continue;
      }
      if (item.is(Value::Kind::kUnknown)) return item;
      if (!item.is(Value::Kind::kString) && !item.is(Value::Kind::kBool)) {
        return Value::unknown("Fn::Join over a value known only at deploy time", at);
      }
      if (i) out += delim.text;
      out += text_of(item);
      if (out.size() > (1u << 20)) return Value::unknown("Fn::Join produces more than 1 MiB", at);
    }
    return make_string(std::move(out), at);
  }
  if (name == "Fn::Select") {
    if (!args(2)) return Value::unknown("Fn::Select needs [index, list]", at);
    Value index = resolve(arg->items[0]);
    Value list = resolve(arg->items[1]);
    if (list.is(Value::Kind::kUnknown)) return list;
    if (!index.is(Value::Kind::kString) || !list.is(Value::Kind::kList)) return Value::unknown("Fn::Select needs [index, list]", at);
    size_t i = 0;
    for (char ch : index.text) {
      if (ch < '0' || ch > '9') return Value::unknown("Fn::Select index is not a number", at);
      i = i * 10 + static_cast<size_t>(ch - '0');
      if (i > 1'000'000) break;
    }
    if (i >= list.list.size()) return Value::unknown("Fn::Select index is out of range", at);
    return list.list[i];
  }
  if (name == "Fn::Split") {
    if (!args(2)) return Value::unknown("Fn::Split needs [delimiter, string]", at);
    Value delim = resolve(arg->items[0]);
    Value source = resolve(arg->items[1]);
    if (source.is(Value::Kind::kUnknown)) return source;
    if (!delim.is(Value::Kind::kString) || delim.text.empty() || !source.is(Value::Kind::kString)) {
      return Value::unknown("Fn::Split needs [delimiter, string]", at);
    }
    std::vector<Value> items;
    for (size_t start = 0;;) {
      const size_t hit = source.text.find(delim.text, start);
      items.push_back(make_string(source.text.substr(start, hit == std::string::npos ? std::string::npos : hit - start), at));
      if (hit == std::string::npos) break;
      start = hit + delim.text.size();
    }
    return make_list(std::move(items), at);
  }
  if (name == "Fn::FindInMap") {
    if (!args(3)) return Value::unknown("Fn::FindInMap needs [map, key, key]", at);
    std::string keys[3];
    for (int i = 0; i < 3; ++i) {
      Value k = resolve(arg->items[i]);
      if (k.is(Value::Kind::kUnknown)) return k;
      if (!k.is(Value::Kind::kString)) return Value::unknown("Fn::FindInMap keys must be strings", at);
      keys[i] = k.text;
    }
    const YamlNode* m = mappings_ != nullptr && mappings_->is_map() ? mappings_->get(keys[0]) : nullptr;
    const YamlNode* top = m != nullptr && m->is_map() ? m->get(keys[1]) : nullptr;
    const YamlNode* leaf = top != nullptr && top->is_map() ? top->get(keys[2]) : nullptr;
    if (leaf != nullptr) return literal(leaf);
    if (args(4) && arg->items[3]->is_map()) {  // AWS::LanguageExtensions DefaultValue
      if (const YamlNode* d = arg->items[3]->get("DefaultValue"); d != nullptr) return resolve(d);
    }
    return Value::unknown(fmt::format("Fn::FindInMap finds no {}.{}.{}", keys[0], keys[1], keys[2]), at);
  }
  if (name == "Fn::Base64") {
    Value in = self();
    if (!in.is(Value::Kind::kString)) return in.is(Value::Kind::kUnknown) ? in : Value::unknown("Fn::Base64 needs a string", at);
    static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    const std::string& t = in.text;
    for (size_t i = 0; i < t.size(); i += 3) {
      uint32_t n = static_cast<uint8_t>(t[i]) << 16;
      if (i + 1 < t.size()) n |= static_cast<uint8_t>(t[i + 1]) << 8;
      if (i + 2 < t.size()) n |= static_cast<uint8_t>(t[i + 2]);
      out += kAlphabet[(n >> 18) & 63];
      out += kAlphabet[(n >> 12) & 63];
      out += i + 1 < t.size() ? kAlphabet[(n >> 6) & 63] : '=';
      out += i + 2 < t.size() ? kAlphabet[n & 63] : '=';
    }
    return make_string(std::move(out), at);
  }
  if (name == "Fn::ImportValue") {
    Value export_name = self();
    return Value::unknown(fmt::format("imported from another stack's export {}",
                                      export_name.is(Value::Kind::kString) ? export_name.text : "(computed)"), at);
  }
  if (name == "Fn::GetAZs") {
    // The Region's zones, unnamed until deployment; every Region has at least three, so the
    // first three stand for three distinct zones (Fn::Select picks them by index).
    Value region = self();
    const std::string where = region.is(Value::Kind::kString) && !region.text.empty() ? region.text
                              : options_.region.empty() ? std::string("the Region") : options_.region;
    std::vector<Value> zones;
    for (int i = 0; i < 3; ++i) zones.push_back(make_string(fmt::format("Fn::GetAZs({})[{}]", where, i), at));
    return make_list(std::move(zones), at);
  }
  if (name == "Fn::Equals" || name == "Fn::And" || name == "Fn::Or" || name == "Fn::Not" || name == "Condition") {
    std::string why;
    switch (truth_call(name, arg, tagged, why)) {
      case Truth::kTrue: return make_bool(true, at);
      case Truth::kFalse: return make_bool(false, at);
      case Truth::kUnknown: return Value::unknown(why, at);
    }
  }
  return Value::unknown(fmt::format("{} is evaluated only at deploy time", name), at);
}

Truth Template::condition(std::string_view name, std::string& why) const {
  const std::string key(name);
  if (auto it = assumptions_.find(key); it != assumptions_.end()) return it->second ? Truth::kTrue : Truth::kFalse;
  if (auto it = condition_cache_.find(key); it != condition_cache_.end()) {
    why = condition_why_[key];
    return it->second;
  }
  if (evaluating_.size() > 256) {
    why = "conditions nest deeper than 256 levels";
    return Truth::kUnknown;
  }
  if (std::find(evaluating_.begin(), evaluating_.end(), key) != evaluating_.end()) {
    why = fmt::format("condition {} refers to itself", name);
    return Truth::kUnknown;
  }
  const YamlNode* def = conditions_ != nullptr && conditions_->is_map() ? conditions_->get(name) : nullptr;
  if (def == nullptr) {
    why = fmt::format("condition {} is not defined", name);
    return Truth::kUnknown;
  }
  evaluating_.push_back(key);
  const Truth t = truth(def, why);
  evaluating_.pop_back();
  condition_cache_[key] = t;
  condition_why_[key] = why;
  return t;
}

Truth Template::truth(const YamlNode* node, std::string& why) const {
  std::string name;
  const YamlNode* arg;
  bool tagged;
  if (function_of(node, name, arg, tagged)) return truth_call(name, arg, tagged, why);
  {
    Value v = resolve(node);
    if (v.is(Value::Kind::kBool)) return v.boolean ? Truth::kTrue : Truth::kFalse;
    if (v.is(Value::Kind::kString) && (iequals(v.text, "true") || iequals(v.text, "false"))) {
      return iequals(v.text, "true") ? Truth::kTrue : Truth::kFalse;
    }
    why = v.is(Value::Kind::kUnknown) ? v.text : "a condition must be a boolean";
    return Truth::kUnknown;
  }
}

Truth Template::truth_call(std::string_view name, const YamlNode* arg, bool tagged, std::string& why) const {
  (void)tagged;  // every condition function reads its argument's items or scalar, not the tag
  if (name == "Condition") {
    if (!arg->is_scalar()) {
      why = "Condition needs a name";
      return Truth::kUnknown;
    }
    return condition(arg->value, why);
  }
  if (name == "Fn::Equals") {
    if (!arg->is_seq() || arg->items.size() != 2) {
      why = "Fn::Equals needs two values";
      return Truth::kUnknown;
    }
    Value a = resolve(arg->items[0]);
    Value b = resolve(arg->items[1]);
    for (const Value* v : {&a, &b}) {
      if (v->is(Value::Kind::kUnknown)) {
        why = v->text;
        return Truth::kUnknown;
      }
      if (!v->is(Value::Kind::kString) && !v->is(Value::Kind::kBool)) {
        why = "Fn::Equals compares a value known only at deploy time";
        return Truth::kUnknown;
      }
    }
    return text_of(a) == text_of(b) ? Truth::kTrue : Truth::kFalse;
  }
  if (name == "Fn::Not") {
    const YamlNode* inner = arg->is_seq() && arg->items.size() == 1 ? arg->items[0] : nullptr;
    if (inner == nullptr) {
      why = "Fn::Not needs one condition";
      return Truth::kUnknown;
    }
    const Truth t = truth(inner, why);
    return t == Truth::kUnknown ? t : (t == Truth::kTrue ? Truth::kFalse : Truth::kTrue);
  }
  if (name == "Fn::And" || name == "Fn::Or") {
    if (!arg->is_seq() || arg->items.empty()) {
      why = std::string(name) + " needs a list of conditions";
      return Truth::kUnknown;
    }
    const bool is_and = name == "Fn::And";
    bool any_unknown = false;
    std::string unknown_why;
    for (const YamlNode* item : arg->items) {
      const Truth t = truth(item, unknown_why);
      if (t == Truth::kUnknown) {
        any_unknown = true;
        why = unknown_why;
      } else if ((t == Truth::kFalse) == is_and) {
        return is_and ? Truth::kFalse : Truth::kTrue;  // decided whatever the unknown ones are
      }
    }
    return any_unknown ? Truth::kUnknown : (is_and ? Truth::kTrue : Truth::kFalse);
  }
  why = fmt::format("{} is not a condition function", name);
  return Truth::kUnknown;
}

}  // namespace atrest::cfn
