// The Terraform functions a security scan meets in practice. Functions whose result depends on
// the machine or the moment (file, timestamp, uuid) or that are rare give an unknown value.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <unordered_map>

#include "sources/terraform/eval.h"

namespace atrest::tf {
namespace {

using Kind = Value::Kind;


Value fail(const std::string& fn, std::string_view why, hcl::Pos pos) {
  return Value::failure(fmt::format("{}(): {}", fn, why), pos);
}

std::string format_value(const Value& v) {
  std::string s;
  if (to_string(v, s)) return s;
  return to_json(v);
}

// format(): %s %d %f %v %q %t %% with optional width/precision.
Value format_call(const std::vector<Value>& args, hcl::Pos pos) {
  std::string spec;
  if (args.empty() || !to_string(args[0], spec)) return fail("format", "the first argument must be a string", pos);
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      out += spec[i];
      continue;
    }
    if (i + 1 < spec.size() && spec[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < spec.size() && (std::isdigit(static_cast<unsigned char>(spec[j])) || spec[j] == '.' || spec[j] == '-' ||
                               spec[j] == '+' || spec[j] == '#' || spec[j] == ' ')) {
      ++j;
    }
    if (j >= spec.size()) return fail("format", "unterminated verb", pos);
    if (next >= args.size()) return fail("format", "not enough arguments", pos);
    const Value& a = args[next++];
    std::string flags = spec.substr(i + 1, j - i - 1);
    char verb = spec[j];
    double n;
    switch (verb) {
      case 's': case 'v': out += format_value(a); break;
      case 'q': out += to_json(Value::of_string(format_value(a))); break;
      case 't': out += a.is(Kind::kBool) ? (a.boolean ? "true" : "false") : format_value(a); break;
      case 'd':
        if (!to_number(a, n)) return fail("format", "%d needs a number", pos);
        out += fmt::format("{}", static_cast<long long>(n));
        break;
      case 'f': case 'e': case 'g': {
        if (!to_number(a, n)) return fail("format", "a float verb needs a number", pos);
        size_t dot = flags.find('.');
        int precision = dot == std::string::npos ? 6 : std::atoi(flags.c_str() + dot + 1);
        precision = std::clamp(precision, 0, 30);
        out += verb == 'f' ? fmt::format("{:.{}f}", n, precision)
               : verb == 'e' ? fmt::format("{:.{}e}", n, precision)
                             : fmt::format("{:.{}g}", n, precision);
        break;
      }
      default: return fail("format", fmt::format("unsupported verb %{}", verb), pos);
    }
    i = j;
  }
  return Value::of_string(std::move(out), pos);
}

}  // namespace

Value Evaluator::call(const hcl::Expr& e) {
  const std::string& fn = e.text;
  const hcl::Pos pos = e.pos;
  // try() and can() look at errors, so their arguments are evaluated one by one.
  if (fn == "try") {
    for (const hcl::Expr& arg : e.items) {
      Value v = eval(arg);
      const Value* u = first_unknown(v);
      if (u != nullptr && u->error) continue;
      return v;
    }
    return fail(fn, "no argument could be evaluated", pos);
  }
  if (fn == "can") {
    if (e.items.size() != 1) return fail(fn, "takes one argument", pos);
    Value v = eval(e.items[0]);
    const Value* u = first_unknown(v);
    if (u != nullptr && u->error) return Value::of_bool(false, pos);
    if (u != nullptr) return Value::unknown(u->text, pos);
    return Value::of_bool(true, pos);
  }
  std::vector<Value> args;
  args.reserve(e.items.size());
  for (const hcl::Expr& arg : e.items) args.push_back(eval(arg));
  if (e.expand_final && !args.empty()) {
    Value last = std::move(args.back());
    args.pop_back();
    if (last.is_unknown()) return Value::unknown(last.text, pos);
    if (!last.is(Kind::kList)) return fail(fn, "... needs a list", pos);
    for (Value& v : last.list) args.push_back(std::move(v));
  }
  if (++budget().work > Budget::kMaxWork) return fail(fn, "the configuration produces too many values", pos);
  // An argument that failed makes the call fail (try() and can() above look at failures).
  for (const Value& a : args) {
    if (const Value* u = first_unknown(a); u != nullptr && u->error) {
      Value f = *u;
      f.pos = pos;
      return f;
    }
  }

  // Functions that treat unknown or null arguments specially come first.
  if (fn == "coalesce") {
    for (const Value& a : args) {
      if (a.is_unknown()) return a;  // keeps a reference: coalesce(var.key, aws_kms_key.k.arn)
      if (!a.is(Kind::kNull) && !(a.is(Kind::kString) && a.text.empty())) return a;
    }
    return fail(fn, "no non-null, non-empty argument", pos);
  }
  if (fn == "coalescelist") {
    for (const Value& a : args) {
      if (a.is_unknown()) return Value::unknown(a.text, pos);
      if (a.is(Kind::kList) && !a.list.empty()) return a;
    }
    return fail(fn, "no non-empty list", pos);
  }
  if (fn == "lookup") {
    if (args.size() < 2 || args.size() > 3) return fail(fn, "takes 2 or 3 arguments", pos);
    if (args[0].is_unknown()) return Value::unknown(args[0].text, pos, args[0].ref);
    if (args[1].is_unknown()) return Value::unknown(args[1].text, pos);
    std::string key;
    if (!args[0].is(Kind::kMap) || !to_string(args[1], key)) return fail(fn, "needs a map and a string key", pos);
    if (const Value* v = args[0].get(key)) return *v;
    if (args.size() == 3) return args[2];
    return fail(fn, fmt::format("no key \"{}\"", key), pos);
  }
  if (fn == "length") {
    if (args.size() != 1) return fail(fn, "takes one argument", pos);
    const Value& a = args[0];
    if (a.is_unknown()) return Value::unknown(a.text, pos);
    if (a.is(Kind::kList)) return Value::of_number(static_cast<double>(a.list.size()), pos);
    if (a.is(Kind::kMap)) return Value::of_number(static_cast<double>(a.map.size()), pos);
    if (a.is(Kind::kString)) {
      size_t chars = 0;
      for (unsigned char c : a.text) chars += (c & 0xC0) != 0x80;
      return Value::of_number(static_cast<double>(chars), pos);
    }
    return fail(fn, "needs a collection or string", pos);
  }
  if (fn == "merge") {
    Value out = Value::of_map(pos);
    std::unordered_map<std::string, size_t> slot;
    for (const Value& a : args) {
      if (a.is_unknown()) return Value::unknown(a.text, pos);
      if (a.is(Kind::kNull)) continue;
      if (!a.is(Kind::kMap)) return fail(fn, "needs maps", pos);
      for (const auto& [k, v] : a.map) {
        auto [it, fresh] = slot.try_emplace(k, out.map.size());
        if (fresh) {
          out.map.emplace_back(k, v);
        } else {
          out.map[it->second].second = v;
        }
      }
    }
    return out;
  }
  if (fn == "concat") {
    Value out = Value::of_list({}, pos);
    for (const Value& a : args) {
      if (a.is_unknown()) return Value::unknown(a.text, pos);
      if (!a.is(Kind::kList)) return fail(fn, "needs lists", pos);
      out.list.insert(out.list.end(), a.list.begin(), a.list.end());
    }
    return out;
  }
  if (fn == "tolist" || fn == "toset") {
    if (args.size() != 1) return fail(fn, "takes one argument", pos);
    if (args[0].is_unknown() || args[0].is(Kind::kNull)) return args[0];
    if (args[0].is(Kind::kList)) {
      if (fn == "tolist") return args[0];
      Value out = Value::of_list({}, pos);
      std::set<std::string> seen;  // by JSON form: equal known values have equal JSON
      for (const Value& v : args[0].list) {
        if (seen.insert(to_json(v)).second) out.list.push_back(v);
      }
      return out;
    }
    return fail(fn, "needs a list", pos);
  }
  if (fn == "tomap") {
    if (args.size() != 1) return fail(fn, "takes one argument", pos);
    if (args[0].is_unknown() || args[0].is(Kind::kMap) || args[0].is(Kind::kNull)) return args[0];
    return fail(fn, "needs a map", pos);
  }
  if (fn == "tobool" || fn == "tonumber" || fn == "tostring") {
    if (args.size() != 1) return fail(fn, "takes one argument", pos);
    return convert_to_type(args[0], fn == "tobool" ? "bool" : fn == "tonumber" ? "number" : "string");
  }
  if (fn == "jsonencode") {
    if (args.size() != 1) return fail(fn, "takes one argument", pos);
    if (const Value* u = first_unknown(args[0])) {
      // Only attributes of AWS resources are unknown: encode them as their placeholders (a
      // policy document can then be judged; see Value::stand_in).
      Value filled = args[0];
      if (!fill_stand_ins(filled)) return Value::unknown(u->text, pos);
      return Value::of_string(to_json(filled), pos);
    }
    return Value::of_string(to_json(args[0]), pos);
  }
  // one() and element() pick an element, which may be unknown and carry a reference.
  if (fn == "one" && args.size() == 1 && args[0].is(Kind::kList)) {
    if (args[0].list.empty()) return Value::null_at(pos);
    if (args[0].list.size() > 1) return fail(fn, "more than one element", pos);
    return args[0].list[0];
  }
  if (fn == "element" && args.size() == 2 && args[0].is(Kind::kList) && !args[0].list.empty() && !args[1].is_unknown()) {
    double n;
    if (!to_number(args[1], n)) return fail(fn, "needs an index", pos);
    return args[0].list[static_cast<size_t>(std::max(0.0, n)) % args[0].list.size()];
  }
  // The rest need known arguments.
  for (const Value& a : args) {
    if (const Value* u = first_unknown(a)) return Value::unknown(u->text, pos);
  }
  auto str = [&](size_t i, std::string& out) { return i < args.size() && to_string(args[i], out); };
  if (fn == "jsondecode") {
    std::string s;
    if (!str(0, s)) return fail(fn, "needs a string", pos);
    return from_json(s);
  }
  if (fn == "lower" || fn == "upper" || fn == "trimspace" || fn == "title") {
    std::string s;
    if (!str(0, s)) return fail(fn, "needs a string", pos);
    if (fn == "lower") std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (fn == "upper") std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    if (fn == "title") {
      bool start = true;
      for (char& c : s) {
        if (start && std::isalpha(static_cast<unsigned char>(c))) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        start = std::isspace(static_cast<unsigned char>(c));
      }
    }
    if (fn == "trimspace") {
      size_t b = s.find_first_not_of(" \t\r\n");
      size_t end = s.find_last_not_of(" \t\r\n");
      s = b == std::string::npos ? std::string() : s.substr(b, end - b + 1);
    }
    return Value::of_string(std::move(s), pos);
  }
  if (fn == "format") {
    Value v = format_call(args, pos);
    if (v.is(Kind::kString) && v.text.size() > (16u << 20)) return fail(fn, "string larger than 16 MiB", pos);
    return v;
  }
  if (fn == "join") {
    std::string sep, out, part;
    if (!str(0, sep)) return fail(fn, "needs a separator", pos);
    bool first = true;
    for (size_t i = 1; i < args.size(); ++i) {
      if (!args[i].is(Kind::kList)) return fail(fn, "needs lists", pos);
      for (const Value& v : args[i].list) {
        if (!to_string(v, part)) return fail(fn, "needs strings", pos);
        if (!first) out += sep;
        out += part;
        first = false;
        if (out.size() > (16u << 20)) return fail(fn, "string larger than 16 MiB", pos);
      }
    }
    return Value::of_string(std::move(out), pos);
  }
  if (fn == "split") {
    std::string sep, s;
    if (!str(0, sep) || !str(1, s)) return fail(fn, "needs two strings", pos);
    Value out = Value::of_list({}, pos);
    if (sep.empty()) return fail(fn, "empty separator", pos);
    size_t start = 0;
    for (;;) {
      size_t at = s.find(sep, start);
      out.list.push_back(Value::of_string(s.substr(start, at == std::string::npos ? std::string::npos : at - start)));
      if (at == std::string::npos) break;
      start = at + sep.size();
    }
    return out;
  }
  if (fn == "replace") {
    std::string s, from, to;
    if (!str(0, s) || !str(1, from) || !str(2, to)) return fail(fn, "needs three strings", pos);
    if (from.size() > 1 && from.front() == '/' && from.back() == '/') {
      return Value::unknown("replace() with a regular expression is not evaluated", pos);
    }
    if (from.empty()) return Value::of_string(s, pos);
    std::string out;
    size_t start = 0;
    for (size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
      out.append(s, start, at - start);
      out += to;
    }
    out.append(s, start);
    return Value::of_string(std::move(out), pos);
  }
  if (fn == "startswith" || fn == "endswith" || fn == "strcontains") {
    std::string s, part;
    if (!str(0, s) || !str(1, part)) return fail(fn, "needs two strings", pos);
    bool r = fn == "startswith" ? s.starts_with(part) : fn == "endswith" ? s.ends_with(part) : s.find(part) != std::string::npos;
    return Value::of_bool(r, pos);
  }
  if (fn == "substr") {
    std::string s;
    double off, len;
    if (!str(0, s) || args.size() != 3 || !to_number(args[1], off) || !to_number(args[2], len)) {
      return fail(fn, "needs a string, an offset and a length", pos);
    }
    if (off < 0) off = std::max(0.0, static_cast<double>(s.size()) + off);
    if (off > static_cast<double>(s.size())) return fail(fn, "offset out of range", pos);
    size_t n = len < 0 ? std::string::npos : static_cast<size_t>(len);
    return Value::of_string(s.substr(static_cast<size_t>(off), n), pos);
  }
  if (fn == "contains") {
    if (args.size() != 2 || !args[0].is(Kind::kList)) return fail(fn, "needs a list and a value", pos);
    bool found = std::any_of(args[0].list.begin(), args[0].list.end(), [&](const Value& v) { return equal(v, args[1]); });
    return Value::of_bool(found, pos);
  }
  if (fn == "keys" || fn == "values") {
    if (args.size() != 1 || !args[0].is(Kind::kMap)) return fail(fn, "needs a map", pos);
    std::vector<const std::pair<std::string, Value>*> sorted;
    for (const auto& m : args[0].map) sorted.push_back(&m);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
    Value out = Value::of_list({}, pos);
    for (auto* m : sorted) out.list.push_back(fn == "keys" ? Value::of_string(m->first) : m->second);
    return out;
  }
  if (fn == "element") {
    double n;
    if (args.size() != 2 || !args[0].is(Kind::kList) || !to_number(args[1], n)) return fail(fn, "needs a list and an index", pos);
    if (args[0].list.empty()) return fail(fn, "empty list", pos);
    size_t i = static_cast<size_t>(std::max(0.0, n)) % args[0].list.size();
    return args[0].list[i];
  }
  if (fn == "one") {
    if (args.size() != 1 || !args[0].is(Kind::kList)) return fail(fn, "needs a list", pos);
    if (args[0].list.empty()) return Value::null_at(pos);
    if (args[0].list.size() > 1) return fail(fn, "more than one element", pos);
    return args[0].list[0];
  }
  if (fn == "flatten") {
    Value out = Value::of_list({}, pos);
    std::function<bool(const Value&, int)> add = [&](const Value& v, int depth) {
      if (depth > 64) return false;
      if (v.is(Kind::kList)) {
        for (const Value& item : v.list) {
          if (!add(item, depth + 1)) return false;
        }
      } else {
        out.list.push_back(v);
      }
      return true;
    };
    if (args.size() != 1 || !args[0].is(Kind::kList) || !add(args[0], 0)) return fail(fn, "needs a list", pos);
    return out;
  }
  if (fn == "distinct" || fn == "compact" || fn == "reverse" || fn == "sort") {
    if (args.size() != 1 || !args[0].is(Kind::kList)) return fail(fn, "needs a list", pos);
    Value out = Value::of_list({}, pos);
    std::set<std::string> seen;
    for (const Value& v : args[0].list) {
      if (fn == "compact" && (v.is(Kind::kNull) || (v.is(Kind::kString) && v.text.empty()))) continue;
      if (fn == "distinct" && !seen.insert(to_json(v)).second) continue;
      out.list.push_back(v);
    }
    if (fn == "reverse") std::reverse(out.list.begin(), out.list.end());
    if (fn == "sort") {
      std::vector<std::string> s;
      for (const Value& v : out.list) {
        std::string t;
        if (!to_string(v, t)) return fail(fn, "needs strings", pos);
        s.push_back(std::move(t));
      }
      std::sort(s.begin(), s.end());
      out.list.clear();
      for (std::string& t : s) out.list.push_back(Value::of_string(std::move(t)));
    }
    return out;
  }
  if (fn == "slice") {
    double a, b;
    if (args.size() != 3 || !args[0].is(Kind::kList) || !to_number(args[1], a) || !to_number(args[2], b) || a < 0 ||
        b < a || b > static_cast<double>(args[0].list.size())) {
      return fail(fn, "needs a list and a valid range", pos);
    }
    return Value::of_list(std::vector<Value>(args[0].list.begin() + static_cast<long>(a), args[0].list.begin() + static_cast<long>(b)), pos);
  }
  if (fn == "zipmap") {
    if (args.size() != 2 || !args[0].is(Kind::kList) || !args[1].is(Kind::kList) || args[0].list.size() != args[1].list.size()) {
      return fail(fn, "needs two lists of the same length", pos);
    }
    Value out = Value::of_map(pos);
    for (size_t i = 0; i < args[0].list.size(); ++i) {
      std::string k;
      if (!to_string(args[0].list[i], k)) return fail(fn, "keys must be strings", pos);
      out.set(std::move(k), args[1].list[i]);
    }
    return out;
  }
  if (fn == "range") {
    double start = 0, end = 0, step = 1;
    if (args.size() == 1 && to_number(args[0], end)) {
    } else if (args.size() >= 2 && to_number(args[0], start) && to_number(args[1], end) &&
               (args.size() == 2 || to_number(args[2], step))) {
    } else {
      return fail(fn, "needs numbers", pos);
    }
    if (!std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step) || step == 0 ||
        std::fabs((end - start) / step) > static_cast<double>(kMaxValueWeight)) {
      return fail(fn, "invalid or too long range", pos);
    }
    const double span = std::ceil((end - start) / step);
    const size_t n = span > 0 ? static_cast<size_t>(span) : 0;
    Value out = Value::of_list({}, pos);
    out.list.reserve(n);
    for (size_t i = 0; i < n; ++i) out.list.push_back(Value::of_number(start + static_cast<double>(i) * step));
    return out;
  }
  if (fn == "min" || fn == "max") {
    if (args.empty()) return fail(fn, "needs numbers", pos);
    double best = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      double n;
      if (!to_number(args[i], n)) return fail(fn, "needs numbers", pos);
      if (i == 0 || (fn == "min" ? n < best : n > best)) best = n;
    }
    return Value::of_number(best, pos);
  }
  if (fn == "abs" || fn == "ceil" || fn == "floor") {
    double n;
    if (args.size() != 1 || !to_number(args[0], n)) return fail(fn, "needs a number", pos);
    return Value::of_number(fn == "abs" ? std::fabs(n) : fn == "ceil" ? std::ceil(n) : std::floor(n), pos);
  }
  // Functions whose result a scanner cannot know, or that read files or the clock.
  return Value::unknown(fmt::format("{}() is not evaluated by atrest", fn), pos);
}

}  // namespace atrest::tf
