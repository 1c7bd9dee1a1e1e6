// A CloudFormation template with its values resolved the way CloudFormation would resolve them:
// Parameters (Default, overrides), pseudo parameters, Conditions, Mappings and the intrinsic
// functions. What cannot be known before deployment resolves to an "unknown" value that says why.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sources/cloudformation/yaml_tree.h"

namespace atrest::cfn {

struct TemplateOptions {
  std::string account;  // AWS::AccountId; empty: unknown
  std::string region;   // AWS::Region; empty: unknown
  std::map<std::string, std::string> parameters;  // overrides of parameter values
  // Parameters a parent stack passes with values that cannot be resolved: name -> why.
  std::map<std::string, std::string> unknown_parameters;
};

struct Member;

struct Value {
  enum class Kind : unsigned char { kAbsent, kString, kBool, kList, kMap, kResourceRef, kUnknown };
  Kind kind = Kind::kAbsent;
  std::string text;       // kString; kUnknown: the reason; kResourceRef: the logical id
  std::string attribute;  // kResourceRef: Fn::GetAtt attribute, empty for Ref
  bool boolean = false;
  std::vector<Value> list;
  std::vector<Member> map;  // in the order written
  const YamlNode* node = nullptr;  // where the value was written

  static Value unknown(std::string why, const YamlNode* at);  // defined below, once Member is complete
  bool is(Kind k) const { return kind == k; }
  const Value* get(std::string_view key) const;  // map member, or null
};

struct Member {
  std::string key;
  Value value;
};

inline Value Value::unknown(std::string why, const YamlNode* at) {
  Value v;
  v.kind = Kind::kUnknown;
  v.text = std::move(why);
  v.node = at;
  return v;
}

enum class Truth : unsigned char { kTrue, kFalse, kUnknown };

class Template {
 public:
  Template(const YamlNode* root, TemplateOptions options);

  const YamlNode* root() const { return root_; }
  const YamlNode* resources() const { return resources_; }
  bool has_conditions() const { return conditions_ != nullptr && conditions_->is_map() && !conditions_->entries.empty(); }
  // The Type of a resource by logical id, or empty.
  std::string_view resource_type(std::string_view logical_id) const;
  const YamlNode* resource(std::string_view logical_id) const;

  Value resolve(const YamlNode* node) const;
  // Like resolve(), but Fn::Sub and Fn::Join keep what is known only at deploy time as a
  // placeholder instead of giving up on the whole string: a resource as "${Logical}" or
  // "${Logical.Attribute}", a pseudo parameter or unresolved parameter as "${Name}", any other
  // value as "${?}". Lets the mapper recognise 'table/${Table}' or
  // 'com.amazonaws.${AWS::Region}.dynamodb' for what they name.
  Value resolve_symbolic(const YamlNode* node) const;
  // Evaluates a named condition; `why` says what could not be resolved.
  Truth condition(std::string_view name, std::string& why) const;

  // Fn::If on a condition that cannot be evaluated is checked on both branches: the caller
  // resolves once, reads which conditions were undecided, then resolves again under each
  // assumption. Assumptions override those conditions until cleared.
  const std::vector<std::string>& undecided_conditions() const { return undecided_; }
  void clear_undecided() const { undecided_.clear(); }
  void assume(std::map<std::string, bool> assumptions) const {
    assumptions_ = std::move(assumptions);
    condition_cache_.clear();
    condition_why_.clear();
  }

 private:
  // A function call: `arg` is its argument node; `tagged` when the call is a short-form tag on
  // `arg` itself (then arg's own content, without the tag, is the argument).
  Value resolve_function(std::string_view name, const YamlNode* arg, bool tagged) const;
  Value resolve_content(const YamlNode* node, bool skip_tag) const;
  // Parameter defaults and mapping values are literals in CloudFormation: no function runs there.
  Value literal(const YamlNode* node) const;
  Value ref(std::string_view name, const YamlNode* at) const;
  Value sub(const YamlNode* arg, const YamlNode* at) const;
  Truth truth(const YamlNode* node, std::string& why) const;
  Truth truth_call(std::string_view name, const YamlNode* arg, bool tagged, std::string& why) const;

  const YamlNode* root_;
  TemplateOptions options_;
  const YamlNode* parameters_ = nullptr;
  const YamlNode* conditions_ = nullptr;
  const YamlNode* mappings_ = nullptr;
  const YamlNode* resources_ = nullptr;
  mutable std::unordered_map<std::string, Truth> condition_cache_;
  mutable std::unordered_map<std::string, std::string> condition_why_;
  mutable std::vector<std::string> evaluating_;  // condition cycle detection
  mutable std::vector<std::string> undecided_;   // conditions Fn::If could not decide
  mutable std::map<std::string, bool> assumptions_;
  mutable bool symbolic_ = false;  // see resolve_symbolic()
  // Bounds on the work one template may cause, so that self-similar templates (long Fn::Sub
  // chains, Fn::FindInMap amplification, deep aliases) end in an UNKNOWN, not in exhaustion.
  mutable size_t depth_ = 0;
  mutable size_t work_ = 0;
  size_t work_budget_ = 0;
  std::unordered_map<std::string_view, const YamlNode*> resource_index_;
  std::unordered_map<std::string_view, const YamlNode*> parameter_index_;
};

// Whether a parsed document is a CloudFormation (or SAM, or CDK-synthesised) template.
bool is_template(const YamlNode* root);

}  // namespace atrest::cfn
