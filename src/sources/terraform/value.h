// Terraform values as atrest sees them: what an HCL configuration evaluates to, or what a plan
// JSON records. Values Terraform only knows after apply (a key's ARN, an unset variable) are
// unknown with a reason; a value that refers to a resource of the configuration carries that
// resource's address, so "kms_key_arn = aws_kms_key.cache.arn" still says which key.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/terraform/hcl.h"

namespace atrest::tf {

struct Value {
  enum class Kind : unsigned char { kNull, kBool, kNumber, kString, kList, kMap, kUnknown };
  Kind kind = Kind::kNull;
  bool boolean = false;
  bool error = false;  // kUnknown: an evaluation error (try() skips it), not merely unknown
  double number = 0;
  std::string text;    // kString: the string; kUnknown: why it is unknown
  std::vector<Value> list;
  std::vector<std::pair<std::string, Value>> map;  // in insertion order; keys are unique
  std::string ref;     // address of the configuration resource this value is an attribute of
  // kUnknown: the text Terraform will produce, with each attribute of an AWS resource of the
  // configuration that is known only after apply written as "${address.attr}"; empty when
  // anything else in it is unknown. Such an attribute is an id, ARN or name, never a wildcard,
  // so a policy document (jsonencode) can be judged with the placeholders; and a plan's list
  // argument that is exactly "${X.id}" holds X (a plan marks a set with an unknown element
  // wholly unknown).
  std::string stand_in;
  hcl::Pos pos;        // where it was written (0:0 when computed)

  // Defined below the struct: clang (with libstdc++) needs Value complete before anything
  // instantiates std::pair<std::string, Value>, the special members included.
  Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  static Value null_at(hcl::Pos p);
  static Value of_bool(bool b, hcl::Pos p = {});
  static Value of_number(double n, hcl::Pos p = {});
  static Value of_string(std::string s, hcl::Pos p = {});
  static Value unknown(std::string why, hcl::Pos p = {}, std::string ref = {});
  static Value failure(std::string why, hcl::Pos p = {});
  static Value of_list(std::vector<Value> items, hcl::Pos p = {});
  static Value of_map(hcl::Pos p = {});

  bool is(Kind k) const { return kind == k; }
  bool is_unknown() const { return kind == Kind::kUnknown; }
  const Value* get(std::string_view key) const;
  Value* get(std::string_view key);
  void set(std::string key, Value v);
};

inline Value::Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

inline Value Value::null_at(hcl::Pos p) { Value v; v.pos = p; return v; }
inline Value Value::of_bool(bool b, hcl::Pos p) { Value v; v.kind = Kind::kBool; v.boolean = b; v.pos = p; return v; }
inline Value Value::of_number(double n, hcl::Pos p) { Value v; v.kind = Kind::kNumber; v.number = n; v.pos = p; return v; }
inline Value Value::of_string(std::string s, hcl::Pos p) {
  Value v; v.kind = Kind::kString; v.text = std::move(s); v.pos = p; return v;
}
inline Value Value::unknown(std::string why, hcl::Pos p, std::string ref) {
  Value v; v.kind = Kind::kUnknown; v.text = std::move(why); v.pos = p; v.ref = std::move(ref); return v;
}
inline Value Value::failure(std::string why, hcl::Pos p) {
  Value v = unknown(std::move(why), p); v.error = true; return v;
}
inline Value Value::of_list(std::vector<Value> items, hcl::Pos p) {
  Value v; v.kind = Kind::kList; v.list = std::move(items); v.pos = p; return v;
}
inline Value Value::of_map(hcl::Pos p) { Value v; v.kind = Kind::kMap; v.pos = p; return v; }
inline const Value* Value::get(std::string_view key) const {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}
inline Value* Value::get(std::string_view key) {
  for (auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}
inline void Value::set(std::string key, Value v) {
  if (Value* existing = get(key)) {
    *existing = std::move(v);
  } else {
    map.emplace_back(std::move(key), std::move(v));
  }
}

// The region of the provider configuration a resource uses, when the reader knows it: an extra
// attribute under this name (no Terraform attribute name starts with \x01).
inline constexpr const char* kProviderRegion = "\x01provider_region";

// One resource instance of a configuration or plan, ready to be mapped into the inventory.
// Nested blocks are lists of maps under the block's type name, as plan JSON writes them.
struct ResourceInstance {
  std::string address;      // e.g. module.cache.aws_elasticache_replication_group.this["a"]
  std::string type;         // e.g. aws_elasticache_replication_group
  Value attributes;         // kMap
  const std::string* file = nullptr;  // interned; where the resource block is written
  hcl::Pos pos;             // of the resource block
  std::string unknown_why;  // non-empty: how many instances exist is unknown (count/for_each)
};

}  // namespace atrest::tf
