// Evaluates HCL expressions the way Terraform does for what security checks need: literals,
// templates, operators, conditionals, for expressions, splats, the common functions, and names
// (var, local, module outputs, resources, each, count, path) supplied by a Scope. What Terraform
// itself would only know at apply time is an unknown value with the reason, never a guess.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/terraform/hcl.h"
#include "sources/terraform/value.h"

namespace atrest::tf {

// Supplies the values of root names. `attr` is the attribute right after the root
// (var.NAME -> root "var", attr "NAME"); empty when the root stands alone (each, count).
class Scope {
 public:
  virtual ~Scope() = default;
  virtual Value root(std::string_view name, std::string_view attr, hcl::Pos pos) = 0;
};

class Evaluator {
 public:
  explicit Evaluator(Scope& scope) : scope_(scope) {}
  Value eval(const hcl::Expr& e);

  // Iteration variables (for expressions, dynamic blocks, each.*): innermost last.
  void push(std::string name, Value v) { locals_.emplace_back(std::move(name), std::move(v)); }
  void pop() { locals_.pop_back(); }

 private:
  Scope& scope_;
  std::vector<std::pair<std::string, Value>> locals_;
  int depth_ = 0;
  size_t work_ = 0;  // values produced; bounds for-expression blow-ups

  Value eval_inner(const hcl::Expr& e);
  const Value* local(std::string_view name) const;
  Value traverse_root(const hcl::Expr& e);
  Value get_attr(Value obj, const std::string& name, hcl::Pos pos);
  Value index(Value obj, const Value& key, hcl::Pos pos);
  Value template_value(const hcl::Expr& e);
  bool append_template(std::string& out, const std::vector<hcl::Expr>& parts, Value& failure);
  Value call(const hcl::Expr& e);
  Value binary(const hcl::Expr& e);
  Value for_expr(const hcl::Expr& e);
  Value splat(const hcl::Expr& e);
};

// Deep equality of known values (Terraform's ==).
bool equal(const Value& a, const Value& b);
// The first unknown inside a value (a list or map with an unknown element), or null.
const Value* first_unknown(const Value& v);
// Terraform's string conversion of a primitive ("1.5", "true"); nullopt-like empty + false on failure.
bool to_string(const Value& v, std::string& out);
// Terraform's conversion of a value to a declared variable type ("bool", "number", "string",
// collections pass through), as it does for variables and tfvars.
Value convert_to_type(Value v, std::string_view type);
// JSON text of a known value (jsonencode).
std::string to_json(const Value& v);
// A value from JSON text (jsondecode, .tf.json, tfvars.json); failure() when it is not JSON.
Value from_json(std::string_view json);

}  // namespace atrest::tf
