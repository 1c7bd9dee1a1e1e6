#include "sources/terraform/tf_json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "sources/snapshot/json_text.h"

namespace atrest::tf {
namespace {

using hcl::Expr;
using hcl::ExprKind;

// Nested block types of the resources atrest maps (JSON cannot tell a block from a map
// argument without the provider schema).
constexpr std::array<std::string_view, 16> kBlockTypes = {
    "server_side_encryption", "point_in_time_recovery", "replica", "attribute", "ttl",
    "global_secondary_index", "local_secondary_index", "lifecycle", "timeouts",
    "log_delivery_configuration", "cache_usage_limits", "data_storage", "ecpu_per_second",
    "import_table", "on_demand_throughput", "parameter"};

bool is_block_type(std::string_view key) {
  for (std::string_view b : kBlockTypes) {
    if (b == key) return true;
  }
  return false;
}

struct Converter {
  std::string_view text;
  std::vector<hcl::ParseError> errors;

  std::vector<size_t> line_starts;  // offsets where each line begins, built once

  // Line and column of the first `"needle"` at or after `from`, to point findings somewhere
  // real; `from` moves past it, so blocks are found in document order.
  hcl::Pos locate(std::string_view needle, size_t& from) {
    std::string quoted = fmt::format("\"{}\"", needle);
    size_t at = text.find(quoted, from);
    if (at == std::string_view::npos) return {};
    from = at + quoted.size();
    if (line_starts.empty()) {
      line_starts.push_back(0);
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') line_starts.push_back(i + 1);
      }
    }
    auto it = std::upper_bound(line_starts.begin(), line_starts.end(), at);
    const size_t line = static_cast<size_t>(it - line_starts.begin());
    return {static_cast<uint32_t>(line), static_cast<uint32_t>(at - line_starts[line - 1] + 1)};
  }

  Expr string_expr(std::string_view s, hcl::Pos pos) {
    Expr e;
    e.pos = pos;
    if (s.find("${") == std::string_view::npos && s.find("%{") == std::string_view::npos) {
      e.kind = ExprKind::kString;
      e.text = std::string(s);
      return e;
    }
    // A heredoc keeps the string's bytes as they are (quotes inside interpolations included);
    // its trailing newline is removed again below.
    std::string marker = "ATREST_EOT";
    while (s.find(marker) != std::string_view::npos) marker += "_";
    hcl::File f = hcl::parse(fmt::format("v = <<{}\n{}\n{}\n", marker, s, marker));
    if (!f.errors.empty() || f.body.attributes.empty()) {
      errors.push_back({pos, fmt::format("invalid template in a JSON string: {}",
                                         f.errors.empty() ? "no value" : f.errors.front().message)});
      e.kind = ExprKind::kString;
      e.text = std::string(s);
      return e;
    }
    e = std::move(f.body.attributes[0].expr);
    if (e.kind == ExprKind::kString) {
      if (e.text.ends_with('\n')) e.text.pop_back();
    } else if (e.kind == ExprKind::kTemplate && !e.parts.empty() && e.parts.back().kind == ExprKind::kString) {
      std::string& last = e.parts.back().text;
      if (last.ends_with('\n')) last.pop_back();
      if (last.empty()) e.parts.pop_back();
    }
    auto reposition = [&](auto& self, Expr& x) -> void {
      x.pos = pos;
      for (Expr& c : x.items) self(self, c);
      for (Expr& c : x.keys) self(self, c);
      for (Expr& c : x.parts) self(self, c);
    };
    reposition(reposition, e);
    return e;
  }

  Expr value_expr(simdjson::dom::element v, hcl::Pos pos, int depth) {
    Expr e;
    e.pos = pos;
    if (depth > 128) {
      errors.push_back({pos, "JSON nested too deeply"});
      return e;
    }
    switch (v.type()) {
      case simdjson::dom::element_type::NULL_VALUE: e.kind = ExprKind::kNull; break;
      case simdjson::dom::element_type::BOOL: e.kind = ExprKind::kBool; e.boolean = bool(v); break;
      case simdjson::dom::element_type::INT64: e.kind = ExprKind::kNumber; e.number = static_cast<double>(int64_t(v)); break;
      case simdjson::dom::element_type::UINT64: e.kind = ExprKind::kNumber; e.number = static_cast<double>(uint64_t(v)); break;
      case simdjson::dom::element_type::DOUBLE: e.kind = ExprKind::kNumber; e.number = double(v); break;
      case simdjson::dom::element_type::STRING: return string_expr(std::string_view(v), pos);
      case simdjson::dom::element_type::ARRAY:
        e.kind = ExprKind::kTuple;
        for (simdjson::dom::element item : simdjson::dom::array(v)) e.items.push_back(value_expr(item, pos, depth + 1));
        break;
      case simdjson::dom::element_type::OBJECT:
        e.kind = ExprKind::kObject;
        for (auto field : simdjson::dom::object(v)) {
          Expr key;
          key.kind = ExprKind::kString;
          key.text = std::string(field.key);
          key.pos = pos;
          e.keys.push_back(std::move(key));
          e.items.push_back(value_expr(field.value, pos, depth + 1));
        }
        break;
      default: break;
    }
    return e;
  }

  // A block body: objects under block type names are nested blocks, the rest arguments.
  void body(simdjson::dom::object o, hcl::Block& b, int depth) {
    if (depth > 32) return;
    for (auto field : o) {
      std::string_view key = field.key;
      simdjson::dom::element v = field.value;
      if (key == "//") continue;  // a comment, as Terraform allows
      if (key == "dynamic" && v.is_object()) {
        for (auto dyn : simdjson::dom::object(v)) {
          for (simdjson::dom::object one : objects(dyn.value)) {
            hcl::Block& d = b.blocks.emplace_back();
            d.type = "dynamic";
            d.labels.push_back(std::string(dyn.key));
            d.pos = b.pos;
            for (auto f : one) {
              if (f.key == "content") {
                for (simdjson::dom::object c : objects(f.value)) {
                  hcl::Block& content = d.blocks.emplace_back();
                  content.type = "content";
                  content.pos = b.pos;
                  body(c, content, depth + 1);
                }
              } else if (f.key == "iterator" && f.value.is_string()) {
                hcl::Attribute& a = d.attributes.emplace_back();
                a.name = "iterator";
                a.pos = b.pos;
                a.expr.kind = ExprKind::kVariable;
                a.expr.text = std::string(std::string_view(f.value));
              } else {
                hcl::Attribute& a = d.attributes.emplace_back();
                a.name = std::string(f.key);
                a.pos = b.pos;
                a.expr = value_expr(f.value, b.pos, 0);
              }
            }
          }
        }
        continue;
      }
      if (is_block_type(key) && (v.is_object() || v.is_array())) {
        for (simdjson::dom::object one : objects(v)) {
          hcl::Block& nested = b.blocks.emplace_back();
          nested.type = std::string(key);
          nested.pos = b.pos;
          body(one, nested, depth + 1);
        }
        continue;
      }
      hcl::Attribute& a = b.attributes.emplace_back();
      a.name = std::string(key);
      a.pos = b.pos;
      a.expr = value_expr(v, b.pos, 0);
    }
  }

  // A block body may be written as an object or as an array of objects.
  static std::vector<simdjson::dom::object> objects(simdjson::dom::element v) {
    std::vector<simdjson::dom::object> out;
    if (v.is_object()) {
      out.push_back(simdjson::dom::object(v));
    } else if (v.is_array()) {
      for (simdjson::dom::element item : simdjson::dom::array(v)) {
        if (item.is_object()) out.push_back(simdjson::dom::object(item));
      }
    }
    return out;
  }

  // resource/data: {"TYPE": {"NAME": {body}}}; variable/module/output: {"NAME": {body}}.
  void labelled(simdjson::dom::element v, std::string_view type, int labels, hcl::Block& file, size_t& cursor) {
    if (!v.is_object()) {
      errors.push_back({{}, fmt::format("\"{}\" must be an object", type)});
      return;
    }
    for (auto first : simdjson::dom::object(v)) {
      if (labels == 2) {
        if (!first.value.is_object()) continue;
        for (auto second : simdjson::dom::object(first.value)) {
          for (simdjson::dom::object one : objects(second.value)) {
            hcl::Block& b = file.blocks.emplace_back();
            b.type = std::string(type);
            b.labels = {std::string(first.key), std::string(second.key)};
            size_t from = cursor;
            locate(first.key, from);
            b.pos = locate(second.key, from);
            if (b.pos.line != 0) cursor = from;
            body(one, b, 0);
          }
        }
      } else {
        for (simdjson::dom::object one : objects(first.value)) {
          hcl::Block& b = file.blocks.emplace_back();
          b.type = std::string(type);
          b.labels = {std::string(first.key)};
          size_t from = cursor;
          b.pos = locate(first.key, from);
          if (b.pos.line != 0) cursor = from;
          body(one, b, 0);
          if (type == "variable") {
            // In JSON a variable's type is a string holding a type expression.
            for (hcl::Attribute& a : b.attributes) {
              if (a.name == "type" && a.expr.kind == ExprKind::kString) {
                a.expr.kind = ExprKind::kVariable;
              }
            }
          }
        }
      }
    }
  }
};

}  // namespace

hcl::File parse_tf_json(std::string_view text) {
  hcl::File file;
  Converter c{text, {}, {}};
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err) {
    std::string where = locate_json_error(text, 1024);
    hcl::ParseError e;
    // locate_json_error gives "line:col: message".
    unsigned line = 0, column = 0;
    int consumed = 0;
    if (!where.empty() && std::sscanf(where.c_str(), "%u:%u: %n", &line, &column, &consumed) == 2) {
      e.pos = {line, column};
      e.message = where.substr(static_cast<size_t>(consumed));
    } else {
      e.message = fmt::format("invalid JSON: {}", simdjson::error_message(err));
    }
    file.errors.push_back(std::move(e));
    return file;
  }
  if (!root.is_object()) {
    file.errors.push_back({{1, 1}, "a .tf.json file must hold a JSON object"});
    return file;
  }
  size_t cursor = 0;
  for (auto field : simdjson::dom::object(root)) {
    std::string_view key = field.key;
    size_t from = cursor;
    if (c.locate(key, from).line != 0) cursor = from;  // the section's own key comes first
    if (key == "resource" || key == "data") {
      c.labelled(field.value, key, 2, file.body, cursor);
    } else if (key == "variable" || key == "module" || key == "output") {
      c.labelled(field.value, key, 1, file.body, cursor);
    } else if (key == "locals") {
      for (simdjson::dom::object one : Converter::objects(field.value)) {
        hcl::Block& b = file.body.blocks.emplace_back();
        b.type = "locals";
        for (auto local : one) {  // every key is an argument, whatever its name
          hcl::Attribute& a = b.attributes.emplace_back();
          a.name = std::string(local.key);
          size_t from = cursor;
          a.pos = c.locate(local.key, from);
          if (a.pos.line != 0) cursor = from;
          a.expr = c.value_expr(local.value, a.pos, 0);
        }
      }
    }
  }
  file.errors.insert(file.errors.end(), c.errors.begin(), c.errors.end());
  return file;
}

}  // namespace atrest::tf
