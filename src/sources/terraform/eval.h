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
  // NAME.ATTR[key] without copying all of NAME.ATTR (aws_kms_key.k[count.index] over ten
  // thousand keys); false when the scope has no faster way than root() then index.
  virtual bool root_index(std::string_view name, std::string_view attr, const Value& key, hcl::Pos pos, Value& out) {
    (void)name, (void)attr, (void)key, (void)pos, (void)out;
    return false;
  }
};

// Limits shared by every evaluator of one configuration (locals, variables and resources each
// get their own Evaluator, so per-evaluator limits would not bound a chain of them).
struct Budget {
  int depth = 0;       // nesting of evaluation, across evaluators
  size_t work = 0;     // values made by for expressions, splats and functions
  static constexpr int kMaxDepth = 400;
  static constexpr size_t kMaxWork = 5'000'000;
};

// Resets the calling thread's budget (one per configuration evaluated).
void reset_budget();
Budget& budget();

// How big a value is (elements plus string bytes / 64): values past a limit are refused, so
// a local that doubles itself sixty times fails instead of exhausting memory.
size_t weight(const Value& v, size_t stop_at);
inline constexpr size_t kMaxValueWeight = 500'000;

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

  Value eval_inner(const hcl::Expr& e);
  const Value* local(std::string_view name) const;
  Value traverse_root(const hcl::Expr& e);
  Value get_attr(Value obj, const std::string& name, hcl::Pos pos);
  Value index(Value obj, const Value& key, hcl::Pos pos);
  Value template_value(const hcl::Expr& e);
  bool append_template(std::string& out, const std::vector<hcl::Expr>& parts, Value& failure, Value& pending);
  Value call(const hcl::Expr& e);
  Value binary(const hcl::Expr& e);
  Value for_expr(const hcl::Expr& e);
  Value splat(const hcl::Expr& e);
};

// Deep equality of known values (Terraform's ==).
bool equal(const Value& a, const Value& b);
// The first unknown inside a value (a list or map with an unknown element), or null.
const Value* first_unknown(const Value& v);
// Replaces every unknown with its stand-in text (Value::stand_in); false when one has none.
bool fill_stand_ins(Value& v);
// Terraform's conversions of a primitive to a number ("2" too) and to a bool (go-cty's
// "true"/"1", "false"/"0"); false when the value has no such form.
bool to_number(const Value& v, double& out);
bool to_bool(const Value& v, bool& out);
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
