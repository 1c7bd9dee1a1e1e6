// Maps template resources to the inventory, applying the service defaults that hold when a
// property is omitted (shared/reference/peers-iac.md §4).
#include "sources/cloudformation/cloudformation_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "sources/cloudformation/template.h"
#include "sources/snapshot/json_text.h"
#include "util/text.h"

namespace atrest {
namespace {

using cfn::Template;
using cfn::Value;
using cfn::YamlNode;

template <class T>
Field<T> located(Field<T> f, const YamlNode* node) {
  if (node != nullptr) f.at(node->line, node->column);
  return f;
}

// Fields from resolved values. `where` locates an absent value (its parent block).
Field<std::string> string_of(const Value* v, std::string_view what, const YamlNode* where) {
  if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(Field<std::string>::absent(), where);
  switch (v->kind) {
    case Value::Kind::kString: return located(Field<std::string>::known(v->text), v->node);
    case Value::Kind::kBool: return located(Field<std::string>::known(v->boolean ? "true" : "false"), v->node);
    case Value::Kind::kUnknown: return located(Field<std::string>::unknown(fmt::format("{}: {}", what, v->text)), v->node);
    case Value::Kind::kResourceRef:
      return located(Field<std::string>::unknown(fmt::format("{} refers to resource {}, known only at deploy time",
                                                            what, v->text)), v->node);
    default:
      return located(Field<std::string>::unknown(fmt::format("{} is not a string", what)), v->node);
  }
}

Field<bool> bool_of(const Value* v, std::string_view what, const YamlNode* where) {
  if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(Field<bool>::absent(), where);
  if (v->is(Value::Kind::kBool)) return located(Field<bool>::known(v->boolean), v->node);
  if (v->is(Value::Kind::kString) && (iequals(v->text, "true") || iequals(v->text, "false"))) {
    return located(Field<bool>::known(iequals(v->text, "true")), v->node);
  }
  if (v->is(Value::Kind::kUnknown)) return located(Field<bool>::unknown(fmt::format("{}: {}", what, v->text)), v->node);
  return located(Field<bool>::unknown(fmt::format("{} is not a boolean", what)), v->node);
}

Field<int64_t> int_of(const Value* v, std::string_view what, const YamlNode* where) {
  Field<std::string> s = string_of(v, what, where);
  if (!s.is_known()) {
    Field<int64_t> f = s.is_absent() ? Field<int64_t>::absent() : Field<int64_t>::unknown(s.reason());
    return f.at(s.line(), s.column());
  }
  int64_t n = 0;
  for (char c : s.value()) {
    if (c < '0' || c > '9' || n > 1'000'000) {
      return Field<int64_t>::unknown(fmt::format("{} is not a whole number", what)).at(s.line(), s.column());
    }
    n = n * 10 + (c - '0');
  }
  return Field<int64_t>::known(n).at(s.line(), s.column());
}

Field<std::vector<std::string>> strings_of(const Value* v, std::string_view what, const YamlNode* where) {
  using F = Field<std::vector<std::string>>;
  if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(F::absent(), where);
  if (v->is(Value::Kind::kUnknown)) return located(F::unknown(fmt::format("{}: {}", what, v->text)), v->node);
  if (!v->is(Value::Kind::kList)) return located(F::unknown(fmt::format("{} is not a list", what)), v->node);
  std::vector<std::string> out;
  for (const Value& item : v->list) {
    if (item.is(Value::Kind::kUnknown)) return located(F::unknown(fmt::format("{}: {}", what, item.text)), item.node);
    if (!item.is(Value::Kind::kString)) return located(F::unknown(fmt::format("{} holds a value known only at deploy time", what)), item.node);
    out.push_back(item.text);
  }
  return located(F::known(std::move(out)), v->node);
}

// A resource named by Ref or GetAtt stands for itself by logical id (its id in the inventory,
// looked up within the same template); a literal is taken as written.
Field<std::string> id_of(const Value* v, std::string_view what, const YamlNode* where) {
  if (v != nullptr && v->is(Value::Kind::kResourceRef)) return located(Field<std::string>::known(v->text), v->node);
  return string_of(v, what, where);
}

Field<std::vector<std::string>> ids_of(const Value* v, std::string_view what, const YamlNode* where) {
  using F = Field<std::vector<std::string>>;
  if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(F::absent(), where);
  if (v->is(Value::Kind::kUnknown)) return located(F::unknown(fmt::format("{}: {}", what, v->text)), v->node);
  if (!v->is(Value::Kind::kList)) return located(F::unknown(fmt::format("{} is not a list", what)), v->node);
  std::vector<std::string> out;
  for (const Value& item : v->list) {
    Field<std::string> id = id_of(&item, what, where);
    if (!id.is_known()) return located(F::unknown(std::string(id.reason())), item.node);
    out.push_back(id.value());
  }
  return located(F::known(std::move(out)), v->node);
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// A policy document as JSON text. Values known only at deploy time are written as
// "${Logical.Attribute}" (a resource of the template: a specific ARN, never "*") or
// "${?why}" (anything else), so a check can tell them from literals.
void to_json(const Value& v, std::string& out) {
  switch (v.kind) {
    case Value::Kind::kAbsent: out += "null"; break;
    case Value::Kind::kString: json_string(out, v.text); break;
    case Value::Kind::kBool: out += v.boolean ? "true" : "false"; break;
    case Value::Kind::kResourceRef:
      json_string(out, "${" + v.text + (v.attribute.empty() ? "" : "." + v.attribute) + "}");
      break;
    case Value::Kind::kUnknown: json_string(out, "${?" + v.text + "}"); break;
    case Value::Kind::kList:
      out += '[';
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) out += ',';
        to_json(v.list[i], out);
      }
      out += ']';
      break;
    case Value::Kind::kMap:
      out += '{';
      for (size_t i = 0; i < v.map.size(); ++i) {
        if (i) out += ',';
        json_string(out, v.map[i].key);
        out += ':';
        to_json(v.map[i].value, out);
      }
      out += '}';
      break;
  }
}

Field<std::string> document_of(const Value* v, std::string_view what, const YamlNode* where) {
  if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(Field<std::string>::absent(), where);
  if (v->is(Value::Kind::kUnknown)) return located(Field<std::string>::unknown(fmt::format("{}: {}", what, v->text)), v->node);
  if (v->is(Value::Kind::kString)) return located(Field<std::string>::known(v->text), v->node);  // JSON text already
  std::string json;
  to_json(*v, json);
  return located(Field<std::string>::known(std::move(json)), v->node);
}

const YamlNode* node_of(const Value* v, const YamlNode* fallback) {
  return v != nullptr && v->node != nullptr ? v->node : fallback;
}

// A template read as the nested stack of another: which stack, and how deep.
struct NestedContext {
  std::string label;                // "in stack Child of parent.yaml"; empty at the top
  std::vector<std::string> chain;   // files from the top template down, to stop cycles
  size_t* budget;                   // nested readings left for the whole tree (fan-out bound)
  bool* budget_reported;
};

constexpr size_t kMaxNesting = 8;

TemplateResult read_template_in(const std::string* file, std::string_view text, const CloudFormationOptions& options,
                                const cfn::TemplateOptions& topts, const NestedContext& nested, Inventory& inventory,
                                InputSummary& summary);

class Mapper {
 public:
  Mapper(const Template& t, const std::string* file, const CloudFormationOptions& options, Inventory& inventory,
         InputSummary& summary, const NestedContext& nested)
      : t_(t), file_(file), options_(options), inventory_(inventory), summary_(summary), nested_(nested) {
    if (!nested.label.empty()) scenario_ = intern(nested.label);
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(*file, ec);
    canonical_ = ec ? file : intern(absolute.lexically_normal().string());
    account_ = options.account.empty() ? nullptr : intern(options.account);
    region_ = options.region.empty() ? nullptr : intern(options.region);
  }

  void run() {
    const YamlNode* resources = t_.resources();
    if (resources == nullptr || !resources->is_map()) return;
    // Aliases first: a table may name its key through an alias defined further down.
    for (const auto& [key, res] : resources->entries) {
      if (type_of(res) == "AWS::KMS::Alias" && created(key, res)) map_alias(key, res);
    }
    for (const auto& entry : resources->entries) {
      const YamlNode* key = entry.first;  // named, not bound: lambdas below capture them
      const YamlNode* res = entry.second;
      if (key->value.starts_with("Fn::ForEach")) {
        summary_.errors.push_back(fmt::format("{}:{}:{}: {} is not expanded; the resources it generates are not "
                                              "checked", *file_, key->line, key->column, key->value));
        continue;
      }
      if (!res->is_map() || !created(key, res)) continue;
      const std::string type(type_of(res));
      if (type == "AWS::DAX::Cluster") {
        in_scenarios(res, [&] { map_dax(key, res); });
      } else if (type == "AWS::DynamoDB::Table" || type == "AWS::Serverless::SimpleTable") {
        in_scenarios(res, [&] { map_table(key, res, false); });
      } else if (type == "AWS::DynamoDB::GlobalTable") {
        in_scenarios(res, [&] { map_table(key, res, true); });
      } else if (type == "AWS::ElastiCache::ReplicationGroup") {
        in_scenarios(res, [&] { map_cache(key, res, ResourceType::kElastiCacheReplicationGroup); });
      } else if (type == "AWS::ElastiCache::CacheCluster") {
        in_scenarios(res, [&] { map_cache(key, res, ResourceType::kElastiCacheCacheCluster); });
      } else if (type == "AWS::ElastiCache::ServerlessCache") {
        in_scenarios(res, [&] { map_cache(key, res, ResourceType::kElastiCacheServerlessCache); });
      } else if (type == "AWS::KMS::Key" || type == "AWS::KMS::ReplicaKey") {
        map_key(key, res);
      } else if (type == "AWS::CloudFormation::Stack") {
        in_scenarios(res, [&] { nested_stack(key, res); });
      } else if (type == "AWS::DAX::SubnetGroup") {
        map_subnet_group(key, res);
      } else if (type == "AWS::EC2::SecurityGroup") {
        map_security_group(key, res);
      } else if (type == "AWS::EC2::SecurityGroupIngress") {
        standalone_ingress_.emplace_back(key, res);
      } else if (type == "AWS::IAM::Role") {
        map_role(key, res);
      } else if (type == "AWS::IAM::Policy" || type == "AWS::IAM::ManagedPolicy") {
        map_policy(key, res);
      }
    }
    attach_standalone_ingress();
  }

  void map_subnet_group(const YamlNode* key, const YamlNode* res) {
    SubnetGroup g;
    begin_unscoped(g, key);
    const Value props = properties(res);
    g.subnet_ids = ids_of(props.get("SubnetIds"), "SubnetIds", node_of(&props, key));
    add(std::move(g));
  }

  IngressRule rule_of(const Value& rule) {
    const YamlNode* where = rule.node;
    IngressRule r;
    Field<std::string> protocol = string_of(rule.get("IpProtocol"), "IpProtocol", where);
    r.protocol = protocol.is_known() ? protocol.value() : "?";
    r.from_port = int_of(rule.get("FromPort"), "FromPort", where);
    r.to_port = int_of(rule.get("ToPort"), "ToPort", where);
    r.cidr_ipv4 = string_of(rule.get("CidrIp"), "CidrIp", where);
    r.cidr_ipv6 = string_of(rule.get("CidrIpv6"), "CidrIpv6", where);
    r.source_group = id_of(rule.get("SourceSecurityGroupId"), "SourceSecurityGroupId", where);
    r.prefix_list = string_of(rule.get("SourcePrefixListId"), "SourcePrefixListId", where);
    return r;
  }

  void map_security_group(const YamlNode* key, const YamlNode* res) {
    SecurityGroup g;
    begin_unscoped(g, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    g.vpc_id = id_of(props.get("VpcId"), "VpcId", where);
    const Value* ingress = props.get("SecurityGroupIngress");
    if (ingress == nullptr || ingress->is(Value::Kind::kAbsent)) {
      g.ingress = located(Field<std::vector<IngressRule>>::known({}), where);
    } else if (ingress->is(Value::Kind::kList)) {
      std::vector<IngressRule> rules;
      for (const Value& rule : ingress->list) {
        if (rule.is(Value::Kind::kMap)) rules.push_back(rule_of(rule));
      }
      g.ingress = located(Field<std::vector<IngressRule>>::known(std::move(rules)), ingress->node);
    } else {
      g.ingress = located(Field<std::vector<IngressRule>>::unknown("SecurityGroupIngress is known only at deploy time"),
                          ingress->node);
    }
    add(std::move(g));
  }

  // AWS::EC2::SecurityGroupIngress resources add rules to a group of the template.
  void attach_standalone_ingress() {
    for (const auto& [key, res] : standalone_ingress_) {
      const Value props = properties(res);
      Field<std::string> group = id_of(props.get("GroupId"), "GroupId", node_of(&props, key));
      if (!group.is_known()) continue;
      for (SecurityGroup& g : inventory_.mutable_security_groups()) {
        if (g.id != group.value() || g.origin.identity_file() != canonical_ || !g.ingress.is_known()) continue;
        std::vector<IngressRule> rules = g.ingress.value();
        rules.push_back(rule_of(props));
        const uint32_t line = g.ingress.line(), column = g.ingress.column();
        g.ingress = Field<std::vector<IngressRule>>::known(std::move(rules)).at(line, column);
      }
    }
  }

  void map_role(const YamlNode* key, const YamlNode* res) {
    IamRole role;
    begin_unscoped(role, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    role.assume_role_policy = document_of(props.get("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument", where);
    const Value* policies = props.get("Policies");
    if (policies == nullptr || policies->is(Value::Kind::kAbsent)) {
      role.inline_policies = located(Field<std::vector<std::string>>::known({}), where);
    } else if (policies->is(Value::Kind::kList)) {
      std::vector<std::string> docs;
      bool known = true;
      for (const Value& p : policies->list) {
        Field<std::string> doc = document_of(p.get("PolicyDocument"), "PolicyDocument", p.node);
        if (doc.is_known()) {
          docs.push_back(doc.value());
        } else {
          known = false;
        }
      }
      role.inline_policies = known ? Field<std::vector<std::string>>::known(std::move(docs))
                                   : Field<std::vector<std::string>>::unknown("a policy document is known only at deploy time");
      role.inline_policies.at(policies->node ? policies->node->line : 0, policies->node ? policies->node->column : 0);
    } else {
      role.inline_policies = located(Field<std::vector<std::string>>::unknown("Policies is known only at deploy time"),
                                     policies->node);
    }
    role.managed_policy_arns = ids_of(props.get("ManagedPolicyArns"), "ManagedPolicyArns", where);
    add(std::move(role));
  }

  void map_policy(const YamlNode* key, const YamlNode* res) {
    IamPolicy policy;
    begin_unscoped(policy, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    policy.document = document_of(props.get("PolicyDocument"), "PolicyDocument", where);
    policy.attached_roles = ids_of(props.get("Roles"), "Roles", where);
    add(std::move(policy));
  }

  // A nested stack whose TemplateURL is a local path is read with the parameters passed down.
  // (Remote URLs are fetched at deploy time; they are not read.)
  void nested_stack(const YamlNode* key, const YamlNode* res) {
    const Value props = properties(res);
    const Value* url = props.get("TemplateURL");
    if (url == nullptr || !url->is(Value::Kind::kString)) return;
    const std::string& location = url->text;
    if (location.starts_with("http://") || location.starts_with("https://") || location.starts_with("s3://")) return;
    // Relative to the parent's folder, spelled as a walk of that folder would spell it, so
    // both readings of the child are known to be the same resources.
    std::filesystem::path joined = std::filesystem::path(*file_).parent_path() / location;
    std::string path = joined.lexically_normal().string();
    if (file_->starts_with("./") && !path.starts_with("/") && !path.starts_with("..")) path = "./" + path;
    auto at = [&](const std::string& message) {
      summary_.errors.push_back(fmt::format("{}:{}:{}: {}", *file_, url->node ? url->node->line : key->line,
                                            url->node ? url->node->column : key->column, message));
    };
    if (nested_.chain.size() >= kMaxNesting) return at("nested stacks deeper than 8 levels; not followed");
    std::error_code ec;
    const std::string canonical_child = std::filesystem::absolute(path, ec).lexically_normal().string();
    if (std::find(nested_.chain.begin(), nested_.chain.end(), canonical_child) != nested_.chain.end()) {
      return at(fmt::format("nested stack {} includes itself; not followed", path));
    }
    if (*nested_.budget == 0) {
      if (!*nested_.budget_reported) at("more than 64 nested stack readings from one template; the rest not followed");
      *nested_.budget_reported = true;
      return;
    }
    --*nested_.budget;
    JsonBuffer text;
    if (std::string err = load_json_text(path, text); !err.empty()) {
      return at(fmt::format("nested stack template {}: {}", path, err));
    }
    cfn::TemplateOptions child{options_.account, options_.region, {}, {}};
    if (const Value* params = props.get("Parameters"); params != nullptr && params->is(Value::Kind::kMap)) {
      for (const auto& [name, v] : params->map) {
        if (v.is(Value::Kind::kString) || v.is(Value::Kind::kBool)) {
          child.parameters[name] = v.is(Value::Kind::kBool) ? (v.boolean ? "true" : "false") : v.text;
        } else if (v.is(Value::Kind::kList)) {
          std::string joined;
          bool known = true;
          for (const Value& item : v.list) {
            known &= item.is(Value::Kind::kString);
            joined += (joined.empty() ? "" : ",") + item.text;
          }
          if (known) {
            child.parameters[name] = joined;
          } else {
            child.unknown_parameters[name] = "passed by the parent stack, known only at deploy time";
          }
        } else {
          child.unknown_parameters[name] = v.is(Value::Kind::kUnknown) ? v.text : "passed by the parent stack, known only at deploy time";
        }
      }
    }
    NestedContext deeper = nested_;
    // The scenario this reading is in (an outer stack, an assumption about an Fn::If in the
    // Parameters passed down) prefixes the child's own.
    deeper.label = fmt::format("{}in stack {} of {}", scenario_ != nullptr ? *scenario_ + ", " : "", key->value,
                               *file_);
    deeper.chain.push_back(canonical_child);
    read_template_in(intern(path), text.view(), options_, child, deeper, inventory_, summary_);
  }

  // Maps a resource once, or, when its properties hold Fn::If on conditions that cannot be
  // evaluated, once per assignment of those conditions (up to 4 of them: 16 variants), each
  // variant labelled with its assumption. Conditions found only under an assumption (an Fn::If
  // inside a branch) are enumerated too; assignments that contradict the conditions' own
  // definitions (IsValkey: !Not [!Condition IsRedis]) are skipped, and so are those in which
  // the resource's own undecidable Condition is false (it would not exist).
  template <class Map>
  void in_scenarios(const YamlNode* res, Map&& map) {
    if (!t_.has_conditions()) {  // no condition, no undecidable Fn::If: one reading
      map();
      return;
    }
    constexpr size_t kMaxConditions = 4;
    std::vector<std::string> undecided;
    std::string own;  // the resource's Condition, when it cannot be evaluated
    if (const YamlNode* cond = res->get("Condition"); cond != nullptr && cond->is_scalar()) {
      std::string why;
      if (t_.condition(cond->value, why) == cfn::Truth::kUnknown) {
        own = cond->value;
        undecided.push_back(own);
      }
    }
    auto assignment = [&](unsigned bits) {
      std::map<std::string, bool> a;
      for (size_t i = 0; i < undecided.size(); ++i) a[undecided[i]] = (bits >> i) & 1u;
      return a;
    };
    auto discover = [&](std::map<std::string, bool> assumed) {
      t_.assume(std::move(assumed));
      t_.clear_undecided();
      (void)t_.resolve(res->get("Properties"));
      for (const std::string& c : t_.undecided_conditions()) {
        if (std::find(undecided.begin(), undecided.end(), c) == undecided.end()) undecided.push_back(c);
      }
    };
    discover({});
    for (size_t known = 0; known != undecided.size() && undecided.size() <= kMaxConditions;) {
      known = undecided.size();
      for (unsigned bits = 0; bits < (1u << known); ++bits) discover(assignment(bits));
    }
    t_.assume({});
    if (undecided.empty() || undecided.size() > kMaxConditions) {
      map();  // none, or too many to enumerate: the unknown values say why
      return;
    }
    first_variant_ = true;
    for (unsigned bits = 0; bits < (1u << undecided.size()); ++bits) {
      const std::map<std::string, bool> a = assignment(bits);
      if (!own.empty() && !a.at(own)) continue;
      if (!consistent(a)) continue;
      std::string label;
      for (const std::string& c : undecided) {
        label += fmt::format("{}{} is {}", label.empty() ? "if " : " and ", c, a.at(c) ? "true" : "false");
      }
      t_.assume(a);
      scenario_ = intern(nested_.label.empty() ? label : nested_.label + ", " + label);
      map();
    }
    t_.assume({});
    scenario_ = nested_.label.empty() ? nullptr : intern(nested_.label);
  }

  // Whether each assumed condition agrees with its definition evaluated under the others.
  bool consistent(const std::map<std::string, bool>& a) {
    bool ok = true;
    for (const auto& [name, value] : a) {
      std::map<std::string, bool> others = a;
      others.erase(name);
      t_.assume(std::move(others));
      std::string why;
      const cfn::Truth t = t_.condition(name, why);
      if (t != cfn::Truth::kUnknown && (t == cfn::Truth::kTrue) != value) ok = false;
    }
    t_.assume({});
    return ok;
  }

  static std::string_view type_of(const YamlNode* res) {
    const YamlNode* type = res->is_map() ? res->get("Type") : nullptr;
    return type != nullptr && type->is_scalar() ? std::string_view(type->value) : std::string_view();
  }

  // A resource whose Condition is false is not created. An unknown condition keeps it.
  bool created(const YamlNode* key, const YamlNode* res) {
    const YamlNode* cond = res->is_map() ? res->get("Condition") : nullptr;
    if (cond == nullptr || !cond->is_scalar()) return true;
    std::string why;
    (void)key;
    return t_.condition(cond->value, why) != cfn::Truth::kFalse;
  }

  template <class T>
  void begin(T& r, const YamlNode* key) {
    begin_unscoped(r, key);
    r.scenario = scenario_;
  }

  // Resources other resources look up (keys, groups, roles): one per template, whatever the
  // scenario, so a lookup from any variant finds them.
  template <class T>
  void begin_unscoped(T& r, const YamlNode* key) {
    r.id = key->value;
    r.account = account_;
    r.region = region_;
    r.arn = Field<std::string>::absent();
    r.origin.kind = SourceKind::kCloudFormation;
    r.origin.file = file_;
    r.origin.canonical_file = canonical_;
    r.origin.line = key->line;
    r.origin.column = key->column;
  }

  // A resource's resolved Properties, located at its `Properties:` key (where an omitted
  // property is reported). SAM resources also take what the template's Globals set for their type.
  Value properties(const YamlNode* res) {
    const YamlNode* written = nullptr;
    for (const auto& [k, v] : res->entries) {
      if (k->is_scalar() && k->value == "Properties") written = k;
    }
    Value props = t_.resolve(res->get("Properties"));
    if (props.is(Value::Kind::kAbsent)) props.kind = Value::Kind::kMap;
    if (props.is(Value::Kind::kMap)) props.node = written != nullptr ? written : res;
    const std::string_view type = type_of(res);
    const YamlNode* globals = t_.root()->get("Globals");
    if (props.is(Value::Kind::kMap) && type.starts_with("AWS::Serverless::") && globals != nullptr && globals->is_map()) {
      const Value defaults = t_.resolve(globals->get(type.substr(std::string_view("AWS::Serverless::").size())));
      for (const cfn::Member& m : defaults.map) {
        if (props.get(m.key) == nullptr) props.map.push_back(m);
      }
    }
    return props;
  }

  void map_dax(const YamlNode* key, const YamlNode* res) {
    DaxCluster c;
    begin(c, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    if (props.is(Value::Kind::kUnknown)) {
      c.sse_status = c.endpoint_encryption = located(Field<std::string>::unknown(props.text), props.node);
    } else {
      const Value* sse = props.get("SSESpecification");
      Field<bool> enabled = bool_of(sse != nullptr && sse->is(Value::Kind::kMap) ? sse->get("SSEEnabled") : sse,
                                    "SSESpecification.SSEEnabled", node_of(sse, where));
      if (sse != nullptr && sse->is(Value::Kind::kMap) && sse->get("SSEEnabled") == nullptr) {
        enabled = located(Field<bool>::absent(), sse->node);
      }
      c.sse_status = enabled.is_known() ? Field<std::string>::known(enabled.value() ? "ENABLED" : "DISABLED")
                     : enabled.is_absent() ? Field<std::string>::absent()
                                           : Field<std::string>::unknown(enabled.reason());
      c.sse_status.at(enabled.line(), enabled.column());
      c.endpoint_encryption = string_of(props.get("ClusterEndpointEncryptionType"), "ClusterEndpointEncryptionType", where);
      c.total_nodes = int_of(props.get("ReplicationFactor"), "ReplicationFactor", where);
      c.requested_availability_zones = strings_of(props.get("AvailabilityZones"), "AvailabilityZones", where);
      if (c.requested_availability_zones.is_known()) {
        // Fn::GetAZs stands for the Region's zones by index; mixed with zone names it may repeat one.
        const auto& zones = c.requested_availability_zones.value();
        const auto symbolic = [](const std::string& z) { return z.starts_with("Fn::GetAZs("); };
        if (std::any_of(zones.begin(), zones.end(), symbolic) && !std::all_of(zones.begin(), zones.end(), symbolic)) {
          const uint32_t line = c.requested_availability_zones.line(), column = c.requested_availability_zones.column();
          c.requested_availability_zones =
              Field<std::vector<std::string>>::unknown("AvailabilityZones mixes Fn::GetAZs with zone names").at(line, column);
        }
      }
      c.subnet_group = id_of(props.get("SubnetGroupName"), "SubnetGroupName", where);
      c.security_group_ids = ids_of(props.get("SecurityGroupIds"), "SecurityGroupIds", where);
      c.iam_role_arn = id_of(props.get("IAMRoleARN"), "IAMRoleARN", where);
    }
    // A template describes what will be created: no node has a zone yet.
    c.node_availability_zones = Field<std::vector<std::string>>::absent();
    c.status = Field<std::string>::absent();
    add(std::move(c));
  }

  // The KMS key a property names, as the inventory will find it: a key of this template by
  // logical id, an alias name, or the literal the template gives (with a stub key recording
  // what the template tells: an explicitly named key is customer managed).
  Field<std::string> key_reference(const Value* v, std::string_view what, const YamlNode* where) {
    if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(Field<std::string>::absent(), where);
    if (v->is(Value::Kind::kResourceRef)) {
      const std::string_view type = t_.resource_type(v->text);
      if (type == "AWS::KMS::Key" || type == "AWS::KMS::ReplicaKey") {
        return located(Field<std::string>::known(v->text), v->node);
      }
      if (type == "AWS::KMS::Alias") {
        auto it = alias_names_.find(v->text);
        if (it != alias_names_.end()) return located(Field<std::string>::known(it->second), v->node);
        // The alias's name cannot be resolved, but the key it targets is one of this template's.
        auto target = alias_key_of_.find(v->text);
        if (target != alias_key_of_.end()) return located(Field<std::string>::known(target->second), v->node);
        return located(Field<std::string>::unknown(fmt::format("{}: the alias {} has no AliasName", what, v->text)), v->node);
      }
      return located(Field<std::string>::unknown(fmt::format("{} refers to {}, which is not a KMS key", what, v->text)),
                     v->node);
    }
    Field<std::string> literal = string_of(v, what, where);
    if (literal.is_known()) declare_external_key(literal.value(), v->node);
    return literal;
  }

  void declare_external_key(const std::string& ref, const YamlNode* at) {
    if (ref.starts_with("alias/aws/") || ref.find(":alias/aws/") != std::string::npos) return;  // AWS managed
    if (inventory_has_alias(ref)) return;
    KmsKey k;
    k.id = ref;
    k.account = account_;
    k.region = region_;
    k.origin.kind = SourceKind::kCloudFormation;
    k.origin.file = file_;
    k.origin.canonical_file = canonical_;
    k.origin.line = at != nullptr ? at->line : 0;
    k.origin.column = at != nullptr ? at->column : 0;
    Arn arn;
    k.arn = parse_arn(ref, arn) && arn.resource.starts_with("key/") ? Field<std::string>::known(ref)
                                                                   : Field<std::string>::absent();
    if (parse_arn(ref, arn) && arn.resource.starts_with("key/")) k.id = std::string(arn.resource.substr(4));
    if (ref.starts_with("alias/")) inventory_.add_kms_alias(account_, region_, canonical_, ref, ref);
    k.key_manager = Field<std::string>::known("CUSTOMER");  // named explicitly in the template
    const auto outside = Field<std::string>::unknown("the key is defined outside the template");
    k.key_state = k.key_origin = k.key_spec = k.deletion_date = outside;
    k.rotation_enabled = Field<bool>::unknown("the key is defined outside the template");
    // Not a resource of this template: never judged itself, only looked up, and any real
    // description of the key (describe-key, Config) wins over what the template implies.
    k.reference_only = true;
    k.detail = Detail::kListing;
    add(std::move(k));
  }

  bool inventory_has_alias(const std::string& ref) const {
    for (const auto& [logical, name] : alias_names_) {
      if (name == ref) return true;
    }
    return false;
  }

  void map_alias(const YamlNode* key, const YamlNode* res) {
    const Value props = properties(res);
    const Value* name = props.get("AliasName");
    const Value* target = props.get("TargetKeyId");
    if (target != nullptr && target->is(Value::Kind::kResourceRef)) alias_key_of_[key->value] = target->text;
    if (name == nullptr || !name->is(Value::Kind::kString)) return;
    alias_names_[key->value] = name->text;
    if (target != nullptr && target->is(Value::Kind::kResourceRef)) {
      inventory_.add_kms_alias(account_, region_, canonical_, name->text, target->text);
    } else if (target != nullptr && target->is(Value::Kind::kString)) {
      Arn arn;
      const std::string id = parse_arn(target->text, arn) ? std::string(arn.resource.substr(4)) : target->text;
      inventory_.add_kms_alias(account_, region_, canonical_, name->text, id);
    }
  }

  void map_table(const YamlNode* key, const YamlNode* res, bool global) {
    DynamoDbTable t;
    begin(t, key);
    if (global) t.declared_type = "AWS::DynamoDB::GlobalTable";
    if (type_of(res) == "AWS::Serverless::SimpleTable") t.declared_type = "AWS::Serverless::SimpleTable";
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    t.table_status = Field<std::string>::absent();
    const Value* sse = props.get("SSESpecification");
    const YamlNode* sse_where = node_of(sse, where);
    Field<bool> enabled = bool_of(sse != nullptr && sse->is(Value::Kind::kMap) ? sse->get("SSEEnabled") : sse,
                                  "SSESpecification.SSEEnabled", sse_where);
    if (props.is(Value::Kind::kUnknown)) enabled = located(Field<bool>::unknown(props.text), props.node);
    if (enabled.is_unknown()) {
      t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::unknown(enabled.reason());
    } else if (!enabled.is_known() || !enabled.value()) {
      // Omitted or false: the AWS owned key (every table is encrypted).
      t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::absent();
    } else {
      t.sse_status = Field<std::string>::known("ENABLED");
      t.sse_type = Field<std::string>::known("KMS");
      t.kms_key_arn = global ? global_table_key(props, sse_where)
                             : key_reference(sse->get("KMSMasterKeyId"), "SSESpecification.KMSMasterKeyId", sse_where);
      if (t.kms_key_arn.is_absent()) {
        // SSEEnabled without a key: the AWS managed key.
        t.kms_key_arn = Field<std::string>::known("alias/aws/dynamodb");
      }
    }
    for (Field<std::string>* f : {&t.sse_status, &t.sse_type}) f->at(enabled.line(), enabled.column());
    if (t.kms_key_arn.line() == 0) t.kms_key_arn.at(enabled.line(), enabled.column());
    t.deletion_protection = bool_of(props.get("DeletionProtectionEnabled"), "DeletionProtectionEnabled", where);
    const Value* pitr = props.get("PointInTimeRecoverySpecification");
    Field<bool> pitr_on = bool_of(pitr != nullptr && pitr->is(Value::Kind::kMap) ? pitr->get("PointInTimeRecoveryEnabled") : pitr,
                                  "PointInTimeRecoveryEnabled", node_of(pitr, where));
    t.pitr_status = pitr_on.is_known() ? Field<std::string>::known(pitr_on.value() ? "ENABLED" : "DISABLED")
                    : pitr_on.is_absent() ? Field<std::string>::known("DISABLED")
                                          : Field<std::string>::unknown(pitr_on.reason());
    t.pitr_recovery_days = Field<int64_t>::absent();
    add(std::move(t));
  }

  // Global tables name a key per replica, and every replica must be on a customer key for the
  // table to be: an AWS managed replica decides (FAIL), then an unknown one (UNKNOWN).
  Field<std::string> global_table_key(const Value& props, const YamlNode* where) {
    const Value* replicas = props.get("Replicas");
    if (replicas == nullptr || !replicas->is(Value::Kind::kList)) {
      if (replicas != nullptr && replicas->is(Value::Kind::kUnknown)) {
        return located(Field<std::string>::unknown(fmt::format("Replicas: {}", replicas->text)), replicas->node);
      }
      return located(Field<std::string>::known("alias/aws/dynamodb"), where);
    }
    std::optional<Field<std::string>> chosen, unknown;
    for (const Value& replica : replicas->list) {
      const Value* spec = replica.get("SSESpecification");
      if (replica.is(Value::Kind::kUnknown) || (spec != nullptr && spec->is(Value::Kind::kUnknown))) {
        unknown = located(Field<std::string>::unknown("a replica's SSESpecification is known only at deploy time"),
                          spec != nullptr ? spec->node : replica.node);
        continue;
      }
      Field<std::string> ref = key_reference(spec != nullptr ? spec->get("KMSMasterKeyId") : nullptr,
                                             "Replicas[].SSESpecification.KMSMasterKeyId", node_of(&replica, where));
      if (ref.is_absent()) ref = located(Field<std::string>::known("alias/aws/dynamodb"), node_of(&replica, where));
      if (ref.is_known() && ref.value().starts_with("alias/aws/")) return ref;
      if (ref.is_unknown()) unknown = ref;
      if (ref.is_known() && !chosen) chosen = ref;
    }
    if (unknown) return *unknown;
    return chosen ? *chosen : located(Field<std::string>::known("alias/aws/dynamodb"), where);
  }

  void map_cache(const YamlNode* key, const YamlNode* res, ResourceType type) {
    ElastiCache c(type);
    begin(c, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    if (props.is(Value::Kind::kUnknown)) {  // e.g. Properties produced by Fn::Transform
      c.engine = c.engine_version = c.transit_encryption_mode = c.kms_key_id = c.status =
          located(Field<std::string>::unknown(props.text), props.node);
      c.at_rest_encryption = c.transit_encryption = located(Field<bool>::unknown(props.text), props.node);
      c.replication_group_id = Field<std::string>::absent();
      add(std::move(c));
      return;
    }
    c.engine = string_of(props.get("Engine"), "Engine", where);
    if (c.engine.is_absent() && type == ResourceType::kElastiCacheReplicationGroup) {
      c.engine = Field<std::string>::known("redis").at(where->line, where->column);  // CloudFormation's default
    }
    c.engine_version = string_of(props.get(type == ResourceType::kElastiCacheServerlessCache ? "MajorEngineVersion"
                                                                                             : "EngineVersion"),
                                 "EngineVersion", where);
    c.status = Field<std::string>::absent();
    c.at_rest_encryption = type == ResourceType::kElastiCacheReplicationGroup
                               ? bool_of(props.get("AtRestEncryptionEnabled"), "AtRestEncryptionEnabled", where)
                               : located(Field<bool>::absent(), where);  // no such property
    c.transit_encryption = bool_of(props.get("TransitEncryptionEnabled"), "TransitEncryptionEnabled", where);
    c.transit_encryption_mode = string_of(props.get("TransitEncryptionMode"), "TransitEncryptionMode", where);
    c.kms_key_id = key_reference(props.get("KmsKeyId"), "KmsKeyId", where);
    c.replication_group_id = Field<std::string>::absent();
    add(std::move(c));
  }

  void map_key(const YamlNode* key, const YamlNode* res) {
    KmsKey k;
    begin_unscoped(k, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    k.key_manager = Field<std::string>::known("CUSTOMER").at(key->line, key->column);  // every template key is
    Field<bool> enabled = bool_of(props.get("Enabled"), "Enabled", where);
    k.key_state = enabled.is_unknown() ? Field<std::string>::unknown(enabled.reason())
                  : Field<std::string>::known(enabled.is_known() && !enabled.value() ? "Disabled" : "Enabled");
    k.key_state.at(enabled.line(), enabled.column());
    k.key_origin = string_of(props.get("Origin"), "Origin", where);
    if (k.key_origin.is_absent()) k.key_origin = Field<std::string>::known("AWS_KMS");
    k.key_spec = string_of(props.get("KeySpec"), "KeySpec", where);
    if (k.key_spec.is_absent()) k.key_spec = Field<std::string>::known("SYMMETRIC_DEFAULT");
    k.rotation_enabled = bool_of(props.get("EnableKeyRotation"), "EnableKeyRotation", where);
    if (k.rotation_enabled.is_absent()) k.rotation_enabled = Field<bool>::known(false);
    k.deletion_date = Field<std::string>::absent();
    add(std::move(k));
  }

  template <class T>
  void add(T r) {
    if (r.reference_only) {
      inventory_.add(std::move(r));
      return;
    }
    // Variants of one resource count once: the first of them.
    if (r.scenario == nullptr || first_variant_) ++summary_.resources;
    if (r.scenario != nullptr) first_variant_ = false;
    inventory_.add(std::move(r));
  }

  const Template& t_;
  const std::string* file_;
  const CloudFormationOptions& options_;
  Inventory& inventory_;
  InputSummary& summary_;
  const std::string* canonical_;  // identity of the file (see Origin::canonical_file)
  const std::string* account_;
  const std::string* region_;
  std::map<std::string, std::string> alias_names_;  // logical id -> AliasName
  std::map<std::string, std::string> alias_key_of_;  // alias logical id -> key logical id
  const NestedContext& nested_;
  std::vector<std::pair<const YamlNode*, const YamlNode*>> standalone_ingress_;
  const std::string* scenario_ = nullptr;
  bool first_variant_ = false;
};

// JSON allows tabs between tokens where YAML's flow style may not: make them spaces (same
// width, so every line and column stays where it was).
std::string json_for_yaml(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '\t') {
      out[i] = ' ';
    }
  }
  return out;
}

bool looks_like_template_text(std::string_view text) {
  return text.find("AWSTemplateFormatVersion") != std::string_view::npos ||
         text.find("AWS::") != std::string_view::npos;
}

}  // namespace

namespace {

TemplateResult read_template_in(const std::string* file, std::string_view text, const CloudFormationOptions& options,
                                const cfn::TemplateOptions& topts, const NestedContext& nested, Inventory& inventory,
                                InputSummary& summary) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  std::string json_copy;
  if (first != std::string_view::npos && text[first] == '{') {
    json_copy = json_for_yaml(text);
    text = json_copy;
  }
  cfn::YamlDocument doc;
  cfn::YamlError error;
  if (!doc.parse(text, error)) {
    if (!looks_like_template_text(text)) return TemplateResult::kNotTemplate;
    summary.errors.push_back(fmt::format("{}:{}:{}: {}", *file, error.line, error.column, error.message));
    return TemplateResult::kError;
  }
  if (!cfn::is_template(doc.root())) return TemplateResult::kNotTemplate;
  Template t(doc.root(), topts);
  Mapper(t, file, options, inventory, summary, nested).run();
  return TemplateResult::kTemplate;
}

}  // namespace

TemplateResult read_template(const std::string* file, std::string_view text, const CloudFormationOptions& options,
                             Inventory& inventory, InputSummary& summary) {
  cfn::TemplateOptions topts{options.account, options.region, options.parameters, {}};
  size_t budget = 64;
  bool budget_reported = false;
  std::error_code ec;
  NestedContext top{{}, {std::filesystem::absolute(*file, ec).lexically_normal().string()}, &budget, &budget_reported};
  return read_template_in(file, text, options, topts, top, inventory, summary);
}

std::string read_parameter_file(const std::string& path, std::map<std::string, std::string>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot read", path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  cfn::YamlDocument doc;  // JSON is YAML; this also gives line:col on errors
  cfn::YamlError error;
  if (!doc.parse(json_for_yaml(text), error)) {
    return fmt::format("{}:{}:{}: {}", path, error.line, error.column, error.message);
  }
  const YamlNode* root = doc.root();
  auto scalar = [](const YamlNode* n) { return n != nullptr && n->is_scalar(); };
  if (root->is_seq()) {
    for (const YamlNode* item : root->items) {
      const YamlNode* k = item->is_map() ? item->get("ParameterKey") : nullptr;
      const YamlNode* v = item->is_map() ? item->get("ParameterValue") : nullptr;
      // UsePreviousValue keeps the deployed stack's value, which a file scan cannot know: the
      // parameter keeps its Default, or stays unknown without one.
      if (scalar(k) && v == nullptr && item->get("UsePreviousValue") != nullptr) continue;
      if (!scalar(k) || !scalar(v)) {
        return fmt::format("{}:{}:{}: expected {{\"ParameterKey\": ..., \"ParameterValue\": ...}}", path, item->line,
                           item->column);
      }
      out[k->value] = v->value;
    }
    return {};
  }
  const YamlNode* params = root->is_map() ? root->get("Parameters") : nullptr;
  if (params == nullptr || !params->is_map()) {
    return fmt::format("{}:{}:{}: expected [{{\"ParameterKey\", \"ParameterValue\"}}] or {{\"Parameters\": {{...}}}}",
                       path, root->line, root->column);
  }
  for (const auto& [k, v] : params->entries) {
    if (!scalar(v)) return fmt::format("{}:{}:{}: parameter {} must be a string", path, v->line, v->column, k->value);
    out[k->value] = v->value;
  }
  return {};
}

}  // namespace atrest
