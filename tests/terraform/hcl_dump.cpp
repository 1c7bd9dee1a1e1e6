// Prints atrest's HCL syntax tree for each .tf file given in the JSON shape of @cdktf/hcl2json
// (HashiCorp's parser plus tmccombs/hcl2json's converter), one line per file:
//   {"file": path, "json": {...}}  or  {"file": path, "error": "line:col: message"}
// so that hcl_differential.py can compare the two parsers. The shape, learned from hcl2json:
//  - a body is an object: blocks first, nested by type then each label, the innermost value an
//    array of bodies (one per block); then attributes, which overwrite a block of the same name;
//  - null, bools and numbers are JSON literals; `-1` and `!true` (an operator on a literal) too;
//  - a string is its value with `${` and `%{` re-escaped as `$${` and `%%{`;
//  - a template is its parts concatenated: literals as above, interpolations as "${source}",
//    directives rebuilt as %{if cond}..%{else}..%{endif} and %{for k, v in coll}..%{endfor},
//    and an interpolated conditional `${c ? a : b}` rendered as an if directive;
//  - a template that is exactly one interpolation is the interpolated expression converted
//    ("${1}" is the number 1, "${[a]}" an array);
//  - tuples are arrays, objects are objects; an object key that is a traversal (a, a.b, a[0])
//    is its source text, any other key is converted like a template part;
//  - any other expression is "${" + its source text + "}", exactly as written (comments,
//    newlines and heredocs included).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sources/terraform/hcl.h"

namespace {

using atrest::hcl::Block;
using atrest::hcl::Expr;
using atrest::hcl::ExprKind;

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool boolean = false;
  std::string text;  // kNumber: JSON spelling; kString: the value
  std::vector<Json> array;
  std::vector<std::string> keys;  // kObject: keys[i] => array[i]; few, unique

  static Json string(std::string s) {
    Json j;
    j.kind = kString;
    j.text = std::move(s);
    return j;
  }
  Json* find(const std::string& key) {
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &array[i];
    }
    return nullptr;
  }
  Json& set(const std::string& key, Json value) {
    if (Json* existing = find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    keys.push_back(key);
    array.push_back(std::move(value));
    return array.back();
  }
};

void write_string(std::string& out, const std::string& s) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);  // UTF-8 passes through
    }
  }
  out += '"';
}

void write_json(std::string& out, const Json& j) {
  switch (j.kind) {
    case Json::kNull: out += "null"; break;
    case Json::kBool: out += j.boolean ? "true" : "false"; break;
    case Json::kNumber: out += j.text; break;
    case Json::kString: write_string(out, j.text); break;
    case Json::kArray:
      out += '[';
      for (size_t i = 0; i < j.array.size(); ++i) {
        if (i) out += ',';
        write_json(out, j.array[i]);
      }
      out += ']';
      break;
    case Json::kObject:
      out += '{';
      for (size_t i = 0; i < j.keys.size(); ++i) {
        if (i) out += ',';
        write_string(out, j.keys[i]);
        out += ':';
        write_json(out, j.array[i]);
      }
      out += '}';
      break;
  }
}

// A number literal as the exact decimal it denotes (HCL numbers are arbitrary precision; cty
// prints them in plain positional notation): "1.50e3" -> "1500", "007" -> "7".
std::string plain_decimal(const std::string& spelling) {
  std::string digits;
  long long point = 0;
  size_t i = 0;
  for (; i < spelling.size() && spelling[i] >= '0' && spelling[i] <= '9'; ++i) digits += spelling[i];
  point = static_cast<long long>(digits.size());
  if (i < spelling.size() && spelling[i] == '.') {
    for (++i; i < spelling.size() && spelling[i] >= '0' && spelling[i] <= '9'; ++i) digits += spelling[i];
  }
  if (i < spelling.size() && (spelling[i] == 'e' || spelling[i] == 'E')) {
    ++i;
    const bool negative = i < spelling.size() && spelling[i] == '-';
    if (i < spelling.size() && (spelling[i] == '+' || spelling[i] == '-')) ++i;
    long long exp = 0;
    for (; i < spelling.size(); ++i) exp = std::min(exp * 10 + (spelling[i] - '0'), 100000LL);
    point += negative ? -exp : exp;
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  point -= static_cast<long long>(first);
  digits.erase(0, first);
  digits.erase(digits.find_last_not_of('0') + 1);
  const auto len = static_cast<long long>(digits.size());
  if (point <= 0) return "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (point >= len) return digits + std::string(static_cast<size_t>(point - len), '0');
  return digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

std::string reescape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '$' || s[i] == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
    out += s[i];
  }
  return out;
}

class Converter {
 public:
  explicit Converter(const std::string& text) : text_(text) {}

  Json body(const Block& b) {
    Json out;
    out.kind = Json::kObject;
    for (const Block& child : b.blocks) block(child, out);
    for (const auto& attr : b.attributes) out.set(attr.name, expr(attr.expr));
    return out;
  }

 private:
  // hcl2json's source text of an expression, including its quirk of taking a ')' that follows.
  std::string source(const Expr& e) const {
    size_t end = e.end_offset;
    if (end < text_.size() && text_[end] == ')') ++end;
    return text_.substr(e.offset, end - e.offset);
  }
  std::string wrap(const Expr& e) const { return "${" + source(e) + "}"; }

  static bool literal(const Expr& e) {
    return e.kind == ExprKind::kNull || e.kind == ExprKind::kBool || e.kind == ExprKind::kNumber;
  }

  void block(const Block& b, Json& out) {
    Json* cur = &out;
    std::string key = b.type;
    for (const std::string& label : b.labels) {
      Json* next = cur->find(key);
      if (next == nullptr) {
        Json obj;
        obj.kind = Json::kObject;
        next = &cur->set(key, std::move(obj));
      } else if (next->kind != Json::kObject) {
        throw std::runtime_error("Unable to convert Block to JSON: " + b.type);
      }
      cur = next;
      key = label;
    }
    Json value = body(b);
    if (Json* existing = cur->find(key)) {
      if (existing->kind != Json::kArray) throw std::runtime_error("Unable to convert Block to JSON: " + b.type);
      existing->array.push_back(std::move(value));
    } else {
      Json list;
      list.kind = Json::kArray;
      list.array.push_back(std::move(value));
      cur->set(key, std::move(list));
    }
  }

  Json expr(const Expr& e) {
    Json j;
    switch (e.kind) {
      case ExprKind::kNull:
        return j;
      case ExprKind::kBool:
        j.kind = Json::kBool;
        j.boolean = e.boolean;
        return j;
      case ExprKind::kNumber:
        j.kind = Json::kNumber;
        j.text = plain_decimal(e.text);
        return j;
      case ExprKind::kUnary: {
        const Expr& operand = e.items[0];
        if (!literal(operand)) return Json::string(wrap(e));
        if (e.text == "-" && operand.kind == ExprKind::kNumber) {
          j.kind = Json::kNumber;
          j.text = "-";
          j.text.append(plain_decimal(operand.text));  // not "-" + ...: GCC 12 -O3 warns falsely
          return j;
        }
        if (e.text == "!" && operand.kind == ExprKind::kBool) {
          j.kind = Json::kBool;
          j.boolean = !operand.boolean;
          return j;
        }
        throw std::runtime_error("operator " + e.text + " on a literal of the wrong type");
      }
      case ExprKind::kString:
        return Json::string(reescape(e.text));
      case ExprKind::kTemplate:
        if (e.parts.size() == 1 && e.parts[0].kind != ExprKind::kTemplateIf && e.parts[0].kind != ExprKind::kTemplateFor) {
          return expr(e.parts[0]);  // exactly one interpolation: its own value
        }
        return Json::string(part(e));
      case ExprKind::kTuple:
        j.kind = Json::kArray;
        for (const Expr& item : e.items) j.array.push_back(expr(item));
        return j;
      case ExprKind::kObject:
        j.kind = Json::kObject;
        for (size_t i = 0; i < e.items.size(); ++i) j.set(key(e.keys[i]), expr(e.items[i]));
        return j;
      default:
        return Json::string(wrap(e));
    }
  }

  // A template part (or an interpolated expression) as text.
  std::string part(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kNull: return "null";
      case ExprKind::kBool: return e.boolean ? "true" : "false";
      case ExprKind::kNumber: return plain_decimal(e.text);
      case ExprKind::kString: return reescape(e.text);
      case ExprKind::kTemplate: {
        std::string out;
        for (const Expr& p : e.parts) out += part(p);
        return out;
      }
      case ExprKind::kConditional:
      case ExprKind::kTemplateIf: {
        std::string out = "%{if " + source(e.items[0]) + "}" + part(e.items[1]);
        const std::string otherwise = part(e.items[2]);
        if (!otherwise.empty()) out += "%{else}" + otherwise;
        return out + "%{endif}";
      }
      case ExprKind::kTemplateFor: {
        std::string out = "%{for ";
        if (!e.key_var.empty()) out += e.key_var + ", ";
        out += e.value_var + " in " + source(e.items[0]) + "}" + part(e.items[1]) + "%{endfor}";
        return out;
      }
      default:
        return wrap(e);
    }
  }

  static bool traversal(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kVariable: return true;
      case ExprKind::kGetAttr: return traversal(e.items[0]);
      case ExprKind::kIndex: return (literal(e.items[1]) || e.items[1].kind == ExprKind::kString) && traversal(e.items[0]);
      default: return false;
    }
  }

  std::string key(const Expr& k) { return traversal(k) ? source(k) : part(k); }

  const std::string& text_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: hcl_dump FILE.tf...\n";
    return 2;
  }
  std::string out;
  for (int a = 1; a < argc; ++a) {
    std::ifstream in(argv[a], std::ios::binary);
    if (!in) {
      std::cerr << "hcl_dump: cannot read " << argv[a] << "\n";
      return 2;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    const atrest::hcl::File file = atrest::hcl::parse(text);
    out.clear();
    out += "{\"file\":";
    write_string(out, argv[a]);
    if (!file.errors.empty()) {
      const auto& e = file.errors.front();
      out += ",\"error\":";
      write_string(out, std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " + e.message);
    } else {
      try {
        const Json json = Converter(text).body(file.body);
        out += ",\"json\":";
        write_json(out, json);
      } catch (const std::exception& ex) {
        out += ",\"error\":";
        write_string(out, std::string("convert: ") + ex.what());
      }
    }
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return 0;
}
