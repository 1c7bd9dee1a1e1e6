#include "sources/terraform/eval.h"

#include "sources/terraform/mapper.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>

namespace atrest::tf {
namespace {

using hcl::Expr;
using hcl::ExprKind;
using Kind = Value::Kind;


std::string number_text(double n) {
  if (std::isfinite(n) && std::floor(n) == n && std::fabs(n) < 1e15) return fmt::format("{}", static_cast<long long>(n));
  return fmt::format("{}", n);
}


const char* kind_word(const Value& v) {
  switch (v.kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kNumber: return "number";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kMap: return "object";
    case Kind::kUnknown: return "unknown";
  }
  return "value";
}

// Unknown operands make the result unknown (an error stays an error).
const Value* unknown_of(std::initializer_list<const Value*> values) {
  for (const Value* v : values) {
    if (v->is_unknown() && v->error) return v;
  }
  for (const Value* v : values) {
    if (v->is_unknown()) return v;
  }
  return nullptr;
}

Value carry(const Value& unknown, hcl::Pos pos) {
  Value v = unknown;
  v.pos = pos;
  v.ref.clear();
  v.stand_in.clear();
  return v;
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;  // Terraform's jsonencode escapes HTML characters
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void write_json(std::string& out, const Value& v) {
  switch (v.kind) {
    case Kind::kNull: out += "null"; break;
    case Kind::kBool: out += v.boolean ? "true" : "false"; break;
    case Kind::kNumber: out += number_text(v.number); break;
    case Kind::kString: json_string(out, v.text); break;
    case Kind::kList: {
      out += '[';
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) out += ',';
        write_json(out, v.list[i]);
      }
      out += ']';
      break;
    }
    case Kind::kMap: {
      std::vector<const std::pair<std::string, Value>*> sorted;
      for (const auto& m : v.map) sorted.push_back(&m);
      std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
      out += '{';
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i) out += ',';
        json_string(out, sorted[i]->first);
        out += ':';
        write_json(out, sorted[i]->second);
      }
      out += '}';
      break;
    }
    case Kind::kUnknown: out += "null"; break;
  }
}

Value from_dom(simdjson::dom::element e, int depth) {
  if (depth > 512) return Value::failure("JSON nested too deeply");
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return Value{};
    case simdjson::dom::element_type::BOOL: return Value::of_bool(bool(e));
    case simdjson::dom::element_type::INT64: return Value::of_number(static_cast<double>(int64_t(e)));
    case simdjson::dom::element_type::UINT64: return Value::of_number(static_cast<double>(uint64_t(e)));
    case simdjson::dom::element_type::DOUBLE: return Value::of_number(double(e));
    case simdjson::dom::element_type::STRING: return Value::of_string(std::string(std::string_view(e)));
    case simdjson::dom::element_type::ARRAY: {
      Value v = Value::of_list({});
      for (simdjson::dom::element item : simdjson::dom::array(e)) v.list.push_back(from_dom(item, depth + 1));
      return v;
    }
    case simdjson::dom::element_type::OBJECT: {
      Value v = Value::of_map();
      std::unordered_map<std::string_view, size_t> seen;
      for (auto field : simdjson::dom::object(e)) {
        auto [it, fresh] = seen.try_emplace(field.key, v.map.size());
        if (fresh) {
          v.map.emplace_back(std::string(field.key), from_dom(field.value, depth + 1));
        } else {
          v.map[it->second].second = from_dom(field.value, depth + 1);  // the last duplicate wins
        }
      }
      return v;
    }
    default: return Value::failure("unsupported JSON value");
  }
}

}  // namespace

bool to_number(const Value& v, double& out) {
  if (v.is(Kind::kNumber)) {
    out = v.number;
    return true;
  }
  if (v.is(Kind::kString) && !v.text.empty()) {
    char* end = nullptr;
    out = std::strtod(v.text.c_str(), &end);
    return end != nullptr && *end == '\0' && std::isfinite(out);
  }
  return false;
}

bool to_bool(const Value& v, bool& out) {
  if (v.is(Kind::kBool)) {
    out = v.boolean;
    return true;
  }
  // go-cty's string to bool conversion: "true"/"1" and "false"/"0".
  if (v.is(Kind::kString) && (v.text == "true" || v.text == "false" || v.text == "1" || v.text == "0")) {
    out = v.text == "true" || v.text == "1";
    return true;
  }
  return false;
}

bool equal(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return a.boolean == b.boolean;
    case Kind::kNumber: return a.number == b.number;
    case Kind::kString: return a.text == b.text;
    case Kind::kList:
      if (a.list.size() != b.list.size()) return false;
      for (size_t i = 0; i < a.list.size(); ++i) {
        if (!equal(a.list[i], b.list[i])) return false;
      }
      return true;
    case Kind::kMap:
      if (a.map.size() != b.map.size()) return false;
      for (const auto& [k, v] : a.map) {
        const Value* other = b.get(k);
        if (other == nullptr || !equal(v, *other)) return false;
      }
      return true;
    case Kind::kUnknown: return false;
  }
  return false;
}

const Value* first_unknown(const Value& v) {
  if (v.is_unknown()) return &v;
  for (const Value& item : v.list) {
    if (const Value* u = first_unknown(item)) return u;
  }
  for (const auto& [k, item] : v.map) {
    if (const Value* u = first_unknown(item)) return u;
  }
  return nullptr;
}

bool fill_stand_ins(Value& v) {
  if (v.is_unknown()) {
    if (v.stand_in.empty() || v.error) return false;
    v = Value::of_string(v.stand_in, v.pos);
    return true;
  }
  for (Value& item : v.list) {
    if (!fill_stand_ins(item)) return false;
  }
  for (auto& [k, item] : v.map) {
    if (!fill_stand_ins(item)) return false;
  }
  return true;
}

bool to_string(const Value& v, std::string& out) {
  switch (v.kind) {
    case Kind::kString: out = v.text; return true;
    case Kind::kNumber: out = number_text(v.number); return true;
    case Kind::kBool: out = v.boolean ? "true" : "false"; return true;
    default: return false;
  }
}

Value convert_to_type(Value v, std::string_view type) {
  if (v.is_unknown() || v.is(Kind::kNull)) return v;
  hcl::Pos pos = v.pos;
  if (type == "bool") {
    bool b;
    if (to_bool(v, b)) return Value::of_bool(b, pos);
    return Value::failure(fmt::format("a {} cannot be a bool", kind_word(v)), pos);
  }
  if (type == "number") {
    double n;
    if (to_number(v, n)) return Value::of_number(n, pos);
    return Value::failure(fmt::format("a {} cannot be a number", kind_word(v)), pos);
  }
  if (type == "string") {
    std::string s;
    if (to_string(v, s)) return Value::of_string(std::move(s), pos);
    return Value::failure(fmt::format("a {} cannot be a string", kind_word(v)), pos);
  }
  return v;
}

std::string to_json(const Value& v) {
  std::string out;
  write_json(out, v);
  return out;
}

Value from_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(json);
  if (auto err = parser.parse(padded).get(root); err) {
    return Value::failure(fmt::format("not JSON: {}", simdjson::error_message(err)));
  }
  return from_dom(root, 0);
}

Budget& budget() {
  thread_local Budget b;
  return b;
}

void reset_budget() { budget() = Budget{}; }

size_t weight(const Value& v, size_t stop_at) {
  size_t w = 1 + v.text.size() / 64;
  for (const Value& item : v.list) {
    if (w > stop_at) return w;
    w += weight(item, stop_at - std::min(w, stop_at));
  }
  for (const auto& [k, item] : v.map) {
    if (w > stop_at) return w;
    w += 1 + k.size() / 64 + weight(item, stop_at - std::min(w, stop_at));
  }
  return w;
}

Value Evaluator::eval(const Expr& e) {
  Budget& b = budget();
  if (++b.depth > Budget::kMaxDepth) {
    --b.depth;
    return Value::failure("expression nested too deeply (through locals, modules or references)", e.pos);
  }
  Value v = eval_inner(e);
  --b.depth;
  if (v.pos.line == 0) v.pos = e.pos;
  return v;
}

const Value* Evaluator::local(std::string_view name) const {
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

Value Evaluator::traverse_root(const Expr& e) {
  if (const Value* v = local(e.text)) return *v;
  return scope_.root(e.text, "", e.pos);
}

Value Evaluator::get_attr(Value obj, const std::string& name, hcl::Pos pos) {
  if (obj.is_unknown()) {
    // An attribute of something unknown is unknown; a resource's stays tied to the resource.
    Value u = carry(obj, pos);
    u.ref = obj.ref;
    return u;
  }
  if (obj.is(Kind::kMap)) {
    if (const Value* v = obj.get(name)) {
      Value out = *v;
      if (out.ref.empty()) out.ref = obj.ref;
      return out;
    }
    if (!obj.ref.empty()) {
      Value u = Value::unknown(fmt::format("{}.{} is known only after apply", obj.ref, name), pos, obj.ref);
      if (type_of_address(obj.ref).starts_with("aws_")) u.stand_in = fmt::format("${{{}.{}}}", obj.ref, name);
      return u;
    }
    return Value::failure(fmt::format("this object has no attribute \"{}\"", name), pos);
  }
  if (obj.is(Kind::kNull)) return Value::failure(fmt::format("attribute \"{}\" of a null value", name), pos);
  if (obj.is(Kind::kList)) {
    // Legacy attribute access on a list of one resource (count = 1 written without [0]) is an
    // error in Terraform; say so rather than guess.
    return Value::failure(fmt::format("attribute \"{}\" of a list (use [index] or [*])", name), pos);
  }
  return Value::failure(fmt::format("attribute \"{}\" of a {}", name, kind_word(obj)), pos);
}

Value Evaluator::index(Value obj, const Value& key, hcl::Pos pos) {
  if (const Value* u = unknown_of({&obj, &key})) {
    Value out = carry(*u, pos);
    if (obj.is_unknown()) out.ref = obj.ref;
    return out;
  }
  if (obj.is(Kind::kList)) {
    double n;
    if (!to_number(key, n) || n < 0 || std::floor(n) != n) return Value::failure("a list index must be a whole number", pos);
    if (static_cast<size_t>(n) >= obj.list.size()) {
      if (!obj.ref.empty()) return Value::unknown(fmt::format("{}[{}] does not exist", obj.ref, number_text(n)), pos);
      return Value::failure(fmt::format("index {} is out of range ({} elements)", number_text(n), obj.list.size()), pos);
    }
    return obj.list[static_cast<size_t>(n)];
  }
  if (obj.is(Kind::kMap)) {
    std::string k;
    if (!to_string(key, k)) return Value::failure("a map key must be a string", pos);
    if (const Value* v = obj.get(k)) return *v;
    return Value::failure(fmt::format("the map has no element \"{}\"", k), pos);
  }
  return Value::failure(fmt::format("cannot index a {}", kind_word(obj)), pos);
}

bool Evaluator::append_template(std::string& out, const std::vector<Expr>& parts, Value& failure, Value& pending) {
  for (const Expr& part : parts) {
    if (part.kind == ExprKind::kTemplateIf) {
      Value cond = eval(part.items[0]);
      bool b;
      if (cond.is_unknown()) {
        failure = carry(cond, part.pos);
        return false;
      }
      if (!to_bool(cond, b)) {
        failure = Value::failure("a template if needs a bool", part.pos);
        return false;
      }
      const Expr* branch = b ? &part.items[1] : (part.items.size() > 2 ? &part.items[2] : nullptr);
      if (branch != nullptr && !append_template(out, branch->parts, failure, pending)) return false;
      continue;
    }
    if (part.kind == ExprKind::kTemplateFor) {
      Value coll = eval(part.items[0]);
      if (coll.is_unknown()) {
        failure = carry(coll, part.pos);
        return false;
      }
      auto body = [&](Value key, Value value) {
        if (!part.key_var.empty()) push(part.key_var, std::move(key));
        push(part.value_var, std::move(value));
        bool ok = append_template(out, part.items[1].parts, failure, pending);
        pop();
        if (!part.key_var.empty()) pop();
        return ok;
      };
      if (coll.is(Kind::kList)) {
        for (size_t i = 0; i < coll.list.size(); ++i) {
          if (!body(Value::of_number(static_cast<double>(i)), coll.list[i])) return false;
        }
      } else if (coll.is(Kind::kMap)) {
        for (const auto& [k, v] : coll.map) {
          if (!body(Value::of_string(k), v)) return false;
        }
      } else {
        failure = Value::failure("a template for needs a list or map", part.pos);
        return false;
      }
      continue;
    }
    Value v = part.kind == ExprKind::kString ? Value::of_string(part.text) : eval(part);
    if (v.is_unknown() && !v.stand_in.empty() && !v.error) {
      // Known after apply: the template stays unknown, its text with the placeholder kept.
      if (!pending.is_unknown()) pending = carry(v, part.pos);
      out += v.stand_in;
      continue;
    }
    if (v.is_unknown()) {
      failure = carry(v, part.pos);
      return false;
    }
    std::string s;
    if (!to_string(v, s)) {
      failure = Value::failure(fmt::format("a {} cannot be part of a string", kind_word(v)), part.pos);
      return false;
    }
    out += s;
    if (out.size() > (16u << 20)) {
      failure = Value::failure("string larger than 16 MiB", part.pos);
      return false;
    }
  }
  return true;
}

Value Evaluator::template_value(const Expr& e) {
  // "${expr}" alone keeps the expression's own type (a reference stays a reference).
  if (e.parts.size() == 1 && e.parts[0].kind != ExprKind::kString && e.parts[0].kind != ExprKind::kTemplateIf &&
      e.parts[0].kind != ExprKind::kTemplateFor) {
    return eval(e.parts[0]);
  }
  std::string out;
  Value failure;
  Value pending;  // the first part known only after apply, if any
  if (!append_template(out, e.parts, failure, pending)) return failure;
  if (pending.is_unknown()) {
    pending.pos = e.pos;
    pending.stand_in = std::move(out);
    return pending;
  }
  return Value::of_string(std::move(out), e.pos);
}

Value Evaluator::binary(const Expr& e) {
  const std::string& op = e.text;
  if (op == "&&" || op == "||") {
    Value a = eval(e.items[0]);
    bool x, y;
    if (!a.is_unknown() && to_bool(a, x)) {
      // Short-circuit only on a decided left side: Terraform evaluates both, but a decided
      // false && unknown is still false for what a scanner can tell.
      if (op == "&&" && !x) return Value::of_bool(false, e.pos);
      if (op == "||" && x) return Value::of_bool(true, e.pos);
    }
    Value b = eval(e.items[1]);
    if (const Value* u = unknown_of({&a, &b})) return carry(*u, e.pos);
    if (!to_bool(a, x) || !to_bool(b, y)) return Value::failure(fmt::format("{} needs bools", op), e.pos);
    return Value::of_bool(op == "&&" ? x && y : x || y, e.pos);
  }
  Value a = eval(e.items[0]);
  Value b = eval(e.items[1]);
  if (const Value* u = unknown_of({&a, &b})) return carry(*u, e.pos);
  if (op == "==" || op == "!=") {
    bool same = equal(a, b);
    return Value::of_bool(op == "==" ? same : !same, e.pos);
  }
  double x, y;
  if (!to_number(a, x) || !to_number(b, y)) {
    return Value::failure(fmt::format("{} needs numbers, got {} and {}", op, kind_word(a), kind_word(b)), e.pos);
  }
  if (op == "<") return Value::of_bool(x < y, e.pos);
  if (op == ">") return Value::of_bool(x > y, e.pos);
  if (op == "<=") return Value::of_bool(x <= y, e.pos);
  if (op == ">=") return Value::of_bool(x >= y, e.pos);
  if (op == "+") return Value::of_number(x + y, e.pos);
  if (op == "-") return Value::of_number(x - y, e.pos);
  if (op == "*") return Value::of_number(x * y, e.pos);
  if (op == "/") {
    if (y == 0) return Value::failure("division by zero", e.pos);
    return Value::of_number(x / y, e.pos);
  }
  if (op == "%") {
    if (y == 0) return Value::failure("modulo by zero", e.pos);
    return Value::of_number(std::fmod(x, y), e.pos);
  }
  return Value::failure(fmt::format("unknown operator {}", op), e.pos);
}

Value Evaluator::for_expr(const Expr& e) {
  Value coll = eval(e.items[0]);
  if (coll.is_unknown()) return carry(coll, e.pos);
  std::vector<std::pair<Value, Value>> elements;
  if (coll.is(Kind::kList)) {
    for (size_t i = 0; i < coll.list.size(); ++i) elements.emplace_back(Value::of_number(static_cast<double>(i)), coll.list[i]);
  } else if (coll.is(Kind::kMap)) {
    for (const auto& [k, v] : coll.map) elements.emplace_back(Value::of_string(k), v);
  } else if (coll.is(Kind::kNull)) {
    return Value::failure("a for expression over null", e.pos);
  } else {
    return Value::failure(fmt::format("a for expression over a {}", kind_word(coll)), e.pos);
  }
  Value out = e.for_object ? Value::of_map(e.pos) : Value::of_list({}, e.pos);
  std::unordered_map<std::string, size_t> slot;  // key -> index in out.map (no quadratic lookups)
  for (auto& [key, value] : elements) {
    if (++budget().work > Budget::kMaxWork) return Value::failure("the configuration produces too many values", e.pos);
    if (!e.key_var.empty()) push(e.key_var, key);
    push(e.value_var, value);
    Value keep = Value::of_bool(true);
    if (e.has_condition) keep = eval(e.items[2]);
    bool b = true;
    Value result;
    Value k;
    bool unknown = false;
    if (keep.is_unknown()) {
      result = carry(keep, e.pos);
      unknown = true;
    } else if (!to_bool(keep, b)) {
      result = Value::failure("a for expression's if needs a bool", e.pos);
      unknown = true;
    } else if (b) {
      result = eval(e.items[1]);
      if (e.for_object) k = eval(e.keys[0]);
    }
    pop();
    if (!e.key_var.empty()) pop();
    if (unknown) return result;
    if (!b) continue;
    if (!e.for_object) {
      out.list.push_back(std::move(result));
      continue;
    }
    if (k.is_unknown()) return carry(k, e.pos);
    std::string name;
    if (!to_string(k, name)) return Value::failure("a for expression's key must be a string", e.pos);
    auto [it, fresh] = slot.try_emplace(name, out.map.size());
    if (e.grouping) {
      if (fresh) out.map.emplace_back(std::move(name), Value::of_list({}));
      out.map[it->second].second.list.push_back(std::move(result));
    } else {
      if (!fresh) return Value::failure(fmt::format("duplicate key \"{}\" (use ... to group)", name), e.pos);
      out.map.emplace_back(std::move(name), std::move(result));
    }
  }
  return out;
}

Value Evaluator::splat(const Expr& e) {
  Value base = eval(e.items[0]);
  if (base.is_unknown()) return carry(base, e.pos);
  std::vector<Value> elements;
  if (base.is(Kind::kList)) {
    elements = base.list;
  } else if (base.is(Kind::kNull)) {
    return Value::of_list({}, e.pos);
  } else if (base.is(Kind::kMap) && !base.ref.empty() && base.get("\x01instances") == nullptr) {
    elements.push_back(base);  // a single resource: splat makes a list of one
  } else {
    elements.push_back(base);
  }
  Value out = Value::of_list({}, e.pos);
  for (Value& item : elements) {
    if (++budget().work > Budget::kMaxWork) return Value::failure("the configuration produces too many values", e.pos);
    if (e.items.size() < 2 || e.items[1].kind == ExprKind::kSplatItem) {
      out.list.push_back(std::move(item));
      continue;
    }
    push("\x01splat", std::move(item));
    Value v = eval(e.items[1]);
    pop();
    out.list.push_back(std::move(v));
  }
  return out;
}

Value Evaluator::eval_inner(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull: return Value::null_at(e.pos);
    case ExprKind::kBool: return Value::of_bool(e.boolean, e.pos);
    case ExprKind::kNumber: return Value::of_number(e.number, e.pos);
    case ExprKind::kString: return Value::of_string(e.text, e.pos);
    case ExprKind::kTemplate: return template_value(e);
    case ExprKind::kParens: return e.items.empty() ? Value::null_at(e.pos) : eval(e.items[0]);
    case ExprKind::kTuple: {
      Value out = Value::of_list({}, e.pos);
      out.list.reserve(e.items.size());
      size_t w = 0;
      for (const Expr& item : e.items) {
        out.list.push_back(eval(item));
        w += weight(out.list.back(), kMaxValueWeight);
        if (w > kMaxValueWeight) return Value::failure("value too large", e.pos);
      }
      return out;
    }
    case ExprKind::kObject: {
      Value out = Value::of_map(e.pos);
      for (size_t i = 0; i < e.keys.size() && i < e.items.size(); ++i) {
        const Expr& key = e.keys[i];
        std::string name;
        if (key.kind == ExprKind::kVariable) {
          name = key.text;  // a bare identifier key is the key itself
        } else {
          Value k = eval(key);
          if (k.is_unknown()) return carry(k, key.pos);
          if (!to_string(k, name)) return Value::failure("an object key must be a string", key.pos);
        }
        out.set(std::move(name), eval(e.items[i]));
      }
      if (weight(out, kMaxValueWeight) > kMaxValueWeight) return Value::failure("value too large", e.pos);
      return out;
    }
    case ExprKind::kVariable: return traverse_root(e);
    case ExprKind::kSplatItem: {
      const Value* v = local("\x01splat");
      return v != nullptr ? *v : Value::failure("splat item outside a splat", e.pos);
    }
    case ExprKind::kGetAttr: {
      const Expr& obj = e.items[0];
      if (obj.kind == ExprKind::kVariable && local(obj.text) == nullptr) return scope_.root(obj.text, e.text, e.pos);
      return get_attr(eval(obj), e.text, e.pos);
    }
    case ExprKind::kIndex: {
      const Expr& coll = e.items[0];
      if (coll.kind == ExprKind::kGetAttr && coll.items[0].kind == ExprKind::kVariable && local(coll.items[0].text) == nullptr) {
        Value key = eval(e.items[1]);
        Value out;
        if (!key.is_unknown() && scope_.root_index(coll.items[0].text, coll.text, key, e.pos, out)) return out;
        return index(eval(coll), key, e.pos);
      }
      return index(eval(coll), eval(e.items[1]), e.pos);
    }
    case ExprKind::kSplat: return splat(e);
    case ExprKind::kCall: return call(e);
    case ExprKind::kUnary: {
      Value v = eval(e.items[0]);
      if (v.is_unknown()) return carry(v, e.pos);
      if (e.text == "!") {
        bool b;
        if (!to_bool(v, b)) return Value::failure("! needs a bool", e.pos);
        return Value::of_bool(!b, e.pos);
      }
      double n;
      if (!to_number(v, n)) return Value::failure("- needs a number", e.pos);
      return Value::of_number(-n, e.pos);
    }
    case ExprKind::kBinary: return binary(e);
    case ExprKind::kConditional: {
      Value c = eval(e.items[0]);
      if (c.is_unknown()) {
        // Both branches alike: the condition does not matter.
        Value a = eval(e.items[1]);
        Value b = eval(e.items[2]);
        if (!a.is_unknown() && equal(a, b)) return a;
        return carry(c, e.pos);
      }
      bool b;
      if (!to_bool(c, b)) return Value::failure("a condition must be a bool", e.pos);
      return eval(e.items[b ? 1 : 2]);
    }
    case ExprKind::kFor: return for_expr(e);
    case ExprKind::kTemplateIf:
    case ExprKind::kTemplateFor:
      return Value::failure("template directive outside a template", e.pos);  // parts handle them
  }
  return Value::failure("unsupported expression", e.pos);
}

}  // namespace atrest::tf
