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

// Tags as CloudFormation writes them ([{Key, Value}]) or as SAM does ({Key: Value}).
Field<std::vector<Tag>> tags_of(const Value* v, std::string_view what, const YamlNode* where) {
  using F = Field<std::vector<Tag>>;
  if (v == nullptr || v->is(Value::Kind::kAbsent)) return located(F::absent(), where);
  if (v->is(Value::Kind::kUnknown)) return located(F::unknown(fmt::format("{}: {}", what, v->text)), v->node);
  std::vector<Tag> tags;
  if (v->is(Value::Kind::kMap)) {
    for (const cfn::Member& m : v->map) tags.push_back(Tag{m.key, string_of(&m.value, what, v->node)});
  } else if (v->is(Value::Kind::kList)) {
    for (const Value& item : v->list) {
      if (item.is(Value::Kind::kUnknown)) return located(F::unknown(fmt::format("{}: {}", what, item.text)), item.node);
      const Field<std::string> key = string_of(item.get("Key"), "Tags[].Key", item.node);
      if (!key.is_known()) {
        return located(F::unknown(key.is_absent() ? fmt::format("{}: a tag has no Key", what) : std::string(key.reason())),
                       item.node);
      }
      tags.push_back(Tag{key.value(), string_of(item.get("Value"), "Tags[].Value", item.node)});
    }
  } else {
    return located(F::unknown(fmt::format("{} is not a list of tags", what)), v->node);
  }
  return located(F::known(std::move(tags)), v->node);
}

// A member of a map value, or null when `v` is not a map (or is null).
const Value* member(const Value* v, std::string_view key) {
  return v != nullptr && v->is(Value::Kind::kMap) ? v->get(key) : nullptr;
}

bool present(const Value* v) { return v != nullptr && !v->is(Value::Kind::kAbsent); }

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

  // Another resource may name a table or subnet group of this template by the name the template
  // gives it rather than by Ref: those names are mapped to the logical id the inventory uses.
  void index_names_given(const YamlNode* resources) {
    for (const auto& [key, res] : resources->entries) {
      if (!res->is_map() || !created(key, res)) continue;
      const std::string_view type = type_of(res);
      if (type == "AWS::Config::DeliveryChannel") has_delivery_channel_ = true;
      const char* property = nullptr;
      std::map<std::string, std::string>* into = nullptr;
      bool lower = true;
      if (type == "AWS::DynamoDB::Table" || type == "AWS::DynamoDB::GlobalTable" || type == "AWS::Serverless::SimpleTable") {
        property = "TableName", into = &tables_by_name_, lower = false;
      } else if (type == "AWS::ElastiCache::SubnetGroup") {
        property = "CacheSubnetGroupName", into = &cache_subnet_groups_;
      } else if (type == "AWS::DAX::SubnetGroup") {
        property = "SubnetGroupName", into = &dax_subnet_groups_;
      } else if (type == "AWS::ElastiCache::ReplicationGroup") {
        property = "ReplicationGroupId", into = &replication_groups_;
      } else {
        continue;
      }
      const YamlNode* props = res->get("Properties");
      const Value name = t_.resolve(props != nullptr && props->is_map() ? props->get(property) : nullptr);
      if (!name.is(Value::Kind::kString)) continue;
      std::string text = name.text;
      if (lower) std::transform(text.begin(), text.end(), text.begin(), ascii_lower);
      into->emplace(std::move(text), key->value);
    }
  }

  void run() {
    const YamlNode* resources = t_.resources();
    if (resources == nullptr || !resources->is_map()) return;
    // Aliases first: a table may name its key through an alias defined further down.
    for (const auto& [key, res] : resources->entries) {
      if (type_of(res) == "AWS::KMS::Alias" && created(key, res)) map_alias(key, res);
    }
    index_names_given(resources);
    index_route_parts(resources);
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
        map_subnet_group(key, res, ResourceType::kDaxSubnetGroup);
      } else if (type == "AWS::ElastiCache::SubnetGroup") {
        map_subnet_group(key, res, ResourceType::kElastiCacheSubnetGroup);
      } else if (type == "AWS::EC2::SecurityGroup") {
        map_security_group(key, res);
      } else if (type == "AWS::EC2::SecurityGroupIngress") {
        standalone_ingress_.emplace_back(key, res);
      } else if (type == "AWS::IAM::Role") {
        map_role(key, res);
      } else if (type == "AWS::IAM::Policy" || type == "AWS::IAM::ManagedPolicy") {
        map_policy(key, res);
      } else if (type == "AWS::IAM::User") {
        map_principal_policies(key, res, "user");
      } else if (type == "AWS::IAM::Group") {
        map_principal_policies(key, res, "group");
      } else if (type == "AWS::IAM::UserPolicy") {
        map_owned_policy(key, res, "user", "UserName");
      } else if (type == "AWS::IAM::GroupPolicy") {
        map_owned_policy(key, res, "group", "GroupName");
      } else if (type == "AWS::IAM::RolePolicy") {
        role_policies_.emplace_back(key, res);
      } else if (type == "AWS::EC2::Subnet") {
        map_subnet(key, res);
      } else if (type == "AWS::EC2::RouteTable") {
        map_route_table(key, res);
      } else if (type == "AWS::EC2::VPCEndpoint") {
        map_vpc_endpoint(key, res);
      } else if (type == "AWS::Backup::BackupSelection") {
        map_backup_selection(key, res);
      } else if (type == "AWS::ApplicationAutoScaling::ScalableTarget") {
        map_scalable_target(key, res);
      } else if (type == "AWS::CloudTrail::Trail") {
        map_trail(key, res);
      } else if (type == "AWS::Config::ConfigurationRecorder") {
        map_config_recorder(key, res);
      }
    }
    attach_standalone_ingress();
    attach_role_policies();
  }

  // DAX and ElastiCache subnet groups. The id is the logical id; a cache or cluster naming the
  // group by its SubnetGroupName/CacheSubnetGroupName is pointed at the same id.
  void map_subnet_group(const YamlNode* key, const YamlNode* res, ResourceType type) {
    SubnetGroup g(type);
    begin_unscoped(g, key);
    const Value props = properties(res);
    g.subnet_ids = ids_of(props.get("SubnetIds"), "SubnetIds", node_of(&props, key));
    g.vpc_id = vpc_of_subnets(g.subnet_ids);
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

  void map_subnet(const YamlNode* key, const YamlNode* res) {
    Subnet s;
    begin_unscoped(s, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    s.vpc_id = id_of(props.get("VpcId"), "VpcId", where);
    // A zone id (use1-az1) tells zones apart as well as a zone name does.
    s.availability_zone = string_of(props.get(present(props.get("AvailabilityZone")) ? "AvailabilityZone" : "AvailabilityZoneId"),
                                    "AvailabilityZone", where);
    add(std::move(s));
  }

  // A route table with the AWS::EC2::Route and AWS::EC2::SubnetRouteTableAssociation resources
  // of the template that name it. A template cannot declare a VPC's main table: main is false.
  void map_route_table(const YamlNode* key, const YamlNode* res) {
    RouteTable table;
    begin_unscoped(table, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    table.vpc_id = id_of(props.get("VpcId"), "VpcId", where);
    table.main = Field<bool>::known(false).at(key->line, key->column);
    std::vector<Route> routes;
    std::vector<std::string> subnets;
    std::optional<Field<std::vector<std::string>>> subnets_unknown;
    for (const auto& [rkey, rres] : route_parts_[key->value]) {
      const Value part = properties(rres);
      const YamlNode* at = node_of(&part, rkey);
      if (type_of(rres) == "AWS::EC2::Route") {
        Route r;
        r.destination_cidr = string_of(part.get("DestinationCidrBlock"), "DestinationCidrBlock", at);
        r.destination_ipv6_cidr = string_of(part.get("DestinationIpv6CidrBlock"), "DestinationIpv6CidrBlock", at);
        r.gateway_id = gateway_reference(part.get("GatewayId"), at);
        routes.push_back(std::move(r));
      } else {
        const Field<std::string> subnet = id_of(part.get("SubnetId"), "SubnetId", at);
        if (subnet.is_known()) {
          subnets.push_back(subnet.value());
        } else if (!subnets_unknown) {
          subnets_unknown = Field<std::vector<std::string>>::unknown(
                                subnet.is_absent() ? std::string("an association names no SubnetId") : std::string(subnet.reason()))
                                .at(subnet.line(), subnet.column());
        }
      }
    }
    table.routes = Field<std::vector<Route>>::known(std::move(routes)).at(key->line, key->column);
    table.subnet_ids = subnets_unknown ? *subnets_unknown
                                       : Field<std::vector<std::string>>::known(std::move(subnets)).at(key->line, key->column);
    add(std::move(table));
  }

  // A route's GatewayId. An internet gateway of the template is written "igw-<LogicalId>" and a
  // VPN gateway "vgw-<LogicalId>", so that a check tells the gateway's kind by its prefix as it
  // does for deployed ids; other resources of the template are their logical id.
  Field<std::string> gateway_reference(const Value* v, const YamlNode* where) {
    if (v != nullptr && v->is(Value::Kind::kResourceRef)) {
      const std::string_view type = t_.resource_type(v->text);
      const char* prefix = type == "AWS::EC2::InternetGateway" ? "igw-" : type == "AWS::EC2::VPNGateway" ? "vgw-" : "";
      return located(Field<std::string>::known(prefix + v->text), v->node);
    }
    return string_of(v, "GatewayId", where);
  }

  // Routes and subnet associations by the logical id of the route table they name.
  void index_route_parts(const YamlNode* resources) {
    for (const auto& [key, res] : resources->entries) {
      if (!res->is_map() || !created(key, res)) continue;
      const std::string_view type = type_of(res);
      if (type != "AWS::EC2::Route" && type != "AWS::EC2::SubnetRouteTableAssociation") continue;
      const YamlNode* props = res->get("Properties");
      const Value table = t_.resolve(props != nullptr && props->is_map() ? props->get("RouteTableId") : nullptr);
      if (table.is(Value::Kind::kResourceRef)) route_parts_[table.text].emplace_back(key, res);
    }
  }

  void map_vpc_endpoint(const YamlNode* key, const YamlNode* res) {
    VpcEndpoint e;
    begin_unscoped(e, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    e.vpc_id = id_of(props.get("VpcId"), "VpcId", where);
    const Value* service = props.get("ServiceName");
    e.service_name = string_of(service, "ServiceName", where);
    if (e.service_name.is_unknown() && service != nullptr && service->node != nullptr) {
      // 'com.amazonaws.${AWS::Region}.dynamodb' without --region: the stack's own Region, which
      // is all a check needs to know; the placeholder stays in the name.
      const Value symbolic = t_.resolve_symbolic(service->node);
      if (symbolic.is(Value::Kind::kString)) {
        std::string rest = symbolic.text;
        for (size_t at; (at = rest.find("${AWS::Region}")) != std::string::npos;) rest.erase(at, 14);
        if (rest.find("${") == std::string::npos) e.service_name = located(Field<std::string>::known(symbolic.text), service->node);
      }
    }
    e.endpoint_type = string_of(props.get("VpcEndpointType"), "VpcEndpointType", where);
    if (e.endpoint_type.is_absent()) e.endpoint_type = located(Field<std::string>::known("Gateway"), where);  // CloudFormation's default
    e.state = Field<std::string>::absent();  // not deployed
    add(std::move(e));
  }

  // The logical id of a DynamoDB table of this template that `name` (the part after "table/")
  // denotes: a Sub/Join placeholder "${Table}" or "${Table.Arn}" or a TableName the template gives.
  std::optional<std::string> template_table(std::string_view name) const {
    if (name.starts_with("${") && name.ends_with("}")) {
      std::string_view logical = name.substr(2, name.size() - 3);
      logical = logical.substr(0, logical.find('.'));
      const std::string_view type = t_.resource_type(logical);
      if (type == "AWS::DynamoDB::Table" || type == "AWS::DynamoDB::GlobalTable" || type == "AWS::Serverless::SimpleTable") {
        return std::string(logical);
      }
      return std::nullopt;
    }
    auto it = tables_by_name_.find(std::string(name));
    if (it != tables_by_name_.end()) return it->second;
    return std::nullopt;
  }

  // A string property written with Sub/Join over values known only at deploy time, with those
  // values as placeholders (see Template::resolve_symbolic), or null when it is not a string.
  std::optional<std::string> symbolic_text(const Value* v) const {
    if (v == nullptr) return std::nullopt;
    if (v->is(Value::Kind::kString)) return v->text;
    if (!v->is(Value::Kind::kUnknown) || v->node == nullptr) return std::nullopt;
    const Value s = t_.resolve_symbolic(v->node);
    if (!s.is(Value::Kind::kString)) return std::nullopt;
    return s.text;
  }

  // ScalableTarget ResourceId with a table of the template written "table/<LogicalId>", however
  // the template names it (!Sub 'table/${Table}', !Join, !Ref, or its TableName).
  Field<std::string> scalable_resource_id(const Value* v, const YamlNode* where) {
    Field<std::string> plain = string_of(v, "ResourceId", where);
    const std::optional<std::string> text = symbolic_text(v);
    if (!text || !text->starts_with("table/")) return plain;
    const size_t end = text->find('/', 6);
    const std::string name = text->substr(6, end == std::string::npos ? std::string::npos : end - 6);
    const std::optional<std::string> logical = template_table(name);
    if (!logical) return plain;
    std::string normalised = "table/" + *logical + (end == std::string::npos ? "" : text->substr(end));
    if (normalised.find("${") != std::string::npos) return plain;
    return located(Field<std::string>::known(std::move(normalised)), v->node);
  }

  void map_scalable_target(const YamlNode* key, const YamlNode* res) {
    ScalableTarget s;
    begin_unscoped(s, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    s.service_namespace = string_of(props.get("ServiceNamespace"), "ServiceNamespace", where);
    s.resource_id = scalable_resource_id(props.get("ResourceId"), where);
    s.scalable_dimension = string_of(props.get("ScalableDimension"), "ScalableDimension", where);
    add(std::move(s));
  }

  // BackupSelection Resources/NotResources. An entry naming a DynamoDB table of this template
  // (!GetAtt Table.Arn, !Ref Table, !Sub '...:table/${Table}', !Join ending in the table's Ref,
  // or an ARN ending in table/<TableName it gives>) is that table's logical id; anything else
  // stays as written (ARNs, wildcards) and is matched against a table's ARN.
  Field<std::vector<std::string>> backup_resources(const Value* v, std::string_view what, const YamlNode* where) {
    using F = Field<std::vector<std::string>>;
    if (!present(v)) return located(F::absent(), where);
    if (v->is(Value::Kind::kUnknown)) return located(F::unknown(fmt::format("{}: {}", what, v->text)), v->node);
    if (!v->is(Value::Kind::kList)) return located(F::unknown(fmt::format("{} is not a list", what)), v->node);
    std::vector<std::string> out;
    for (const Value& item : v->list) {
      if (item.is(Value::Kind::kResourceRef)) {
        if (template_table("${" + item.text + "}")) {
          out.push_back(item.text);
          continue;
        }
        // Another kind of resource can never select a table: kept as its placeholder.
        out.push_back("${" + item.text + (item.attribute.empty() ? "" : "." + item.attribute) + "}");
        continue;
      }
      const std::optional<std::string> text = symbolic_text(&item);
      if (text) {
        const size_t slash = text->rfind(":table/");
        if (slash != std::string::npos) {
          const std::string name = text->substr(slash + 7);
          if (name.find('/') == std::string::npos && name.find('*') == std::string::npos) {
            if (const std::optional<std::string> logical = template_table(name)) {
              out.push_back(*logical);
              continue;
            }
          }
        }
        if (only_stack_placeholders(*text)) {
          // The stack's own partition, Region and account (no --region/--account) are those of
          // the template's tables too: written as wildcards, the ARN pattern still matches them.
          std::string pattern;
          for (size_t at = 0; at < text->size();) {
            bool replaced = false;
            for (std::string_view pseudo : {"${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"}) {
              if (std::string_view(*text).substr(at).starts_with(pseudo)) {
                pattern += '*';
                at += pseudo.size();
                replaced = true;
                break;
              }
            }
            if (!replaced) pattern += (*text)[at++];
          }
          out.push_back(std::move(pattern));
          continue;
        }
      }
      const Field<std::string> why = string_of(&item, what, where);
      return located(F::unknown(why.is_unknown() ? std::string(why.reason()) : fmt::format("{} holds a value known only at deploy time", what)),
                     item.node);
    }
    return located(F::known(std::move(out)), v->node);
  }

  // Tag conditions. Keys are tag keys: the "aws:ResourceTag/" prefix that Conditions entries carry
  // is removed, so ListOfTags and Conditions read alike.
  static bool tag_condition(const Value& entry, std::string op, std::vector<TagCondition>& out, std::string& why) {
    const Field<std::string> key = string_of(entry.get("ConditionKey"), "ConditionKey", entry.node);
    const Field<std::string> value = string_of(entry.get("ConditionValue"), "ConditionValue", entry.node);
    if (!key.is_known() || !value.is_known()) {
      const Field<std::string>& bad = key.is_known() ? value : key;
      why = bad.is_absent() ? std::string("a tag condition lacks ConditionKey or ConditionValue") : std::string(bad.reason());
      return false;
    }
    std::string k = key.value();
    if (k.starts_with("aws:ResourceTag/")) k.erase(0, 16);
    out.push_back(TagCondition{std::move(op), std::move(k), value.value()});
    return true;
  }

  // Whether every "${...}" left in a symbolic string is the stack's own account, Region or
  // partition, or a resource of the template: what a check can still compare.
  bool only_stack_placeholders(std::string_view text) const {
    for (size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
      const size_t close = text.find('}', at);
      if (close == std::string_view::npos) return false;
      const std::string_view name = text.substr(at + 2, close - at - 2);
      if (name == "AWS::Region" || name == "AWS::AccountId" || name == "AWS::Partition") continue;
      if (t_.resource(name.substr(0, name.find('.'))) == nullptr) return false;
    }
    return true;
  }

  void map_backup_selection(const YamlNode* key, const YamlNode* res) {
    BackupSelection b;
    begin_unscoped(b, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    b.plan_id = id_of(props.get("BackupPlanId"), "BackupPlanId", where);
    const Value* sel = props.get("BackupSelection");
    const YamlNode* sel_where = node_of(sel, where);
    if (sel == nullptr || !sel->is(Value::Kind::kMap)) {
      // Unresolvable, missing or not a map (CloudFormation requires one): read as "no Resources,
      // no tags" it would select nothing or, to a check, everything.
      const std::string why = sel != nullptr && sel->is(Value::Kind::kUnknown) ? fmt::format("BackupSelection: {}", sel->text)
                              : sel == nullptr ? std::string("BackupSelection is not set")
                                               : std::string("BackupSelection is not a map");
      b.resources = b.not_resources = located(Field<std::vector<std::string>>::unknown(why), sel_where);
      b.list_of_tags = b.conditions = located(Field<std::vector<TagCondition>>::unknown(why), sel_where);
      add(std::move(b));
      return;
    }
    b.resources = backup_resources(member(sel, "Resources"), "Resources", sel_where);
    b.not_resources = backup_resources(member(sel, "NotResources"), "NotResources", sel_where);
    using TF = Field<std::vector<TagCondition>>;
    const Value* list = member(sel, "ListOfTags");
    if (!present(list)) {
      b.list_of_tags = located(TF::absent(), sel_where);
    } else if (!list->is(Value::Kind::kList)) {
      b.list_of_tags = located(TF::unknown(list->is(Value::Kind::kUnknown) ? list->text : "ListOfTags is not a list"), list->node);
    } else {
      std::vector<TagCondition> tags;
      std::string why;
      bool ok = true;
      for (const Value& entry : list->list) {
        const Field<std::string> op = string_of(entry.get("ConditionType"), "ConditionType", entry.node);
        ok = ok && tag_condition(entry, op.is_known() ? op.value() : "StringEquals", tags, why);
      }
      b.list_of_tags = located(ok ? TF::known(std::move(tags)) : TF::unknown(why), list->node);
    }
    const Value* conditions = member(sel, "Conditions");
    if (!present(conditions)) {
      b.conditions = located(TF::absent(), sel_where);
    } else if (!conditions->is(Value::Kind::kMap)) {
      b.conditions = located(TF::unknown(conditions->is(Value::Kind::kUnknown) ? conditions->text : "Conditions is not a map"),
                             conditions->node);
    } else {
      std::vector<TagCondition> tests;
      std::string why;
      bool ok = true;
      for (const cfn::Member& m : conditions->map) {
        if (!m.value.is(Value::Kind::kList)) {
          ok = false;
          why = m.value.is(Value::Kind::kUnknown) ? m.value.text : fmt::format("Conditions.{} is not a list", m.key);
          continue;
        }
        for (const Value& entry : m.value.list) ok = ok && tag_condition(entry, m.key, tests, why);
      }
      b.conditions = located(ok ? TF::known(std::move(tests)) : TF::unknown(why), conditions->node);
    }
    add(std::move(b));
  }

  void map_trail(const YamlNode* key, const YamlNode* res) {
    Trail trail;
    begin_unscoped(trail, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    trail.home_region = region_ != nullptr ? Field<std::string>::known(*region_)
                                           : Field<std::string>::unknown("the stack's Region is not known (give --region)");
    trail.home_region.at(key->line, key->column);
    trail.multi_region = bool_of(props.get("IsMultiRegionTrail"), "IsMultiRegionTrail", where);
    trail.logging = bool_of(props.get("IsLogging"), "IsLogging", where);
    trail.organization = bool_of(props.get("IsOrganizationTrail"), "IsOrganizationTrail", where);
    using CF = Field<std::vector<ClassicEventSelector>>;
    const Value* classic = props.get("EventSelectors");
    if (!present(classic)) {
      trail.event_selectors = located(CF::absent(), where);
    } else if (!classic->is(Value::Kind::kList)) {
      trail.event_selectors = located(CF::unknown(classic->is(Value::Kind::kUnknown) ? fmt::format("EventSelectors: {}", classic->text)
                                                                                    : std::string("EventSelectors is not a list")),
                                      classic->node);
    } else {
      std::vector<ClassicEventSelector> selectors;
      std::optional<CF> bad;
      for (const Value& s : classic->list) {
        ClassicEventSelector c;
        c.read_write_type = string_of(s.get("ReadWriteType"), "ReadWriteType", s.node);
        c.include_management_events = bool_of(s.get("IncludeManagementEvents"), "IncludeManagementEvents", s.node);
        const Field<std::vector<std::string>> excluded =
            strings_of(s.get("ExcludeManagementEventSources"), "ExcludeManagementEventSources", s.node);
        if (excluded.is_known()) {
          c.exclude_management_event_sources = excluded.value();
        } else if (excluded.is_unknown() && !bad) {
          bad = CF::unknown(std::string(excluded.reason())).at(excluded.line(), excluded.column());
        }
        const Value* data = s.get("DataResources");
        if (present(data) && !data->is(Value::Kind::kList)) {
          bad = located(CF::unknown("EventSelectors[].DataResources is known only at deploy time"), data->node);
        }
        for (const Value& d : data != nullptr && data->is(Value::Kind::kList) ? data->list : std::vector<Value>{}) {
          const Field<std::string> type = string_of(d.get("Type"), "DataResources[].Type", d.node);
          if (type.is_known()) {
            c.data_resource_types.push_back(type.value());
          } else if (!bad) {
            bad = CF::unknown(type.is_absent() ? std::string("a data resource has no Type") : std::string(type.reason()))
                      .at(type.line(), type.column());
          }
        }
        selectors.push_back(std::move(c));
      }
      trail.event_selectors = bad ? *bad : located(CF::known(std::move(selectors)), classic->node);
    }
    trail.advanced_event_selectors = advanced_selectors(props.get("AdvancedEventSelectors"), where);
    add(std::move(trail));
  }

  static Field<std::vector<AdvancedEventSelector>> advanced_selectors(const Value* v, const YamlNode* where) {
    using AF = Field<std::vector<AdvancedEventSelector>>;
    if (!present(v)) return located(AF::absent(), where);
    if (!v->is(Value::Kind::kList)) {
      return located(AF::unknown(v->is(Value::Kind::kUnknown) ? fmt::format("AdvancedEventSelectors: {}", v->text)
                                                             : std::string("AdvancedEventSelectors is not a list")),
                     v->node);
    }
    std::vector<AdvancedEventSelector> out;
    for (const Value& s : v->list) {
      AdvancedEventSelector a;
      const Field<std::string> name = string_of(s.get("Name"), "Name", s.node);
      a.name = name.value_or("");
      const Value* fields = s.get("FieldSelectors");
      if (fields == nullptr || !fields->is(Value::Kind::kList)) {
        return located(AF::unknown("AdvancedEventSelectors[].FieldSelectors is missing or known only at deploy time"),
                       node_of(fields, s.node));
      }
      for (const Value& f : fields->list) {
        AdvancedFieldSelector fs;
        const Field<std::string> field = string_of(f.get("Field"), "FieldSelectors[].Field", f.node);
        if (!field.is_known()) {
          return AF::unknown(field.is_absent() ? std::string("a field selector has no Field") : std::string(field.reason()))
              .at(field.line(), field.column());
        }
        fs.field = field.value();
        const std::pair<const char*, std::vector<std::string>*> operators[] = {
            {"Equals", &fs.equals},          {"NotEquals", &fs.not_equals},           {"StartsWith", &fs.starts_with},
            {"NotStartsWith", &fs.not_starts_with}, {"EndsWith", &fs.ends_with}, {"NotEndsWith", &fs.not_ends_with}};
        for (const auto& [op, into] : operators) {
          const Field<std::vector<std::string>> values = strings_of(f.get(op), op, f.node);
          if (values.is_unknown()) return AF::unknown(values.reason()).at(values.line(), values.column());
          if (values.is_known()) *into = values.value();
        }
        a.field_selectors.push_back(std::move(fs));
      }
      out.push_back(std::move(a));
    }
    return located(AF::known(std::move(out)), v->node);
  }

  void map_config_recorder(const YamlNode* key, const YamlNode* res) {
    ConfigRecorder r;
    begin_unscoped(r, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    // "AWS CloudFormation starts the recorder as soon as the delivery channel is available"
    // (AWS::Config::ConfigurationRecorder, CloudFormation template reference). A delivery channel
    // of the same template makes the recorder record; without one, it depends on the account.
    r.recording = has_delivery_channel_
                      ? Field<bool>::known(true)
                      : Field<bool>::unknown("CloudFormation starts the recorder once a delivery channel exists, and "
                                             "the template declares no AWS::Config::DeliveryChannel");
    r.recording.at(key->line, key->column);
    const Value* group = props.get("RecordingGroup");
    const YamlNode* group_where = node_of(group, where);
    if (group != nullptr && group->is(Value::Kind::kUnknown)) {
      const std::string why = fmt::format("RecordingGroup: {}", group->text);
      r.all_supported = located(Field<bool>::unknown(why), group->node);
      r.recording_strategy = located(Field<std::string>::unknown(why), group->node);
      r.resource_types = r.excluded_types = located(Field<std::vector<std::string>>::unknown(why), group->node);
      add(std::move(r));
      return;
    }
    r.all_supported = bool_of(member(group, "AllSupported"), "RecordingGroup.AllSupported", group_where);
    r.recording_strategy = string_of(member(member(group, "RecordingStrategy"), "UseOnly"), "RecordingStrategy.UseOnly", group_where);
    r.resource_types = strings_of(member(group, "ResourceTypes"), "RecordingGroup.ResourceTypes", group_where);
    const Value* exclusion = member(group, "ExclusionByResourceTypes");
    r.excluded_types = exclusion != nullptr && exclusion->is(Value::Kind::kUnknown)
                           ? located(Field<std::vector<std::string>>::unknown(exclusion->text), exclusion->node)
                           : strings_of(member(exclusion, "ResourceTypes"), "ExclusionByResourceTypes.ResourceTypes",
                                        node_of(exclusion, group_where));
    add(std::move(r));
  }

  // Inline policies of users and groups (AWS::IAM::User/Group Policies, AWS::IAM::UserPolicy,
  // AWS::IAM::GroupPolicy): one IamPolicy each, inline_owner "user/<LogicalId>" or
  // "group/<LogicalId>" (or the name written, for a user or group outside the template).
  void map_principal_policies(const YamlNode* key, const YamlNode* res, std::string_view kind) {
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    const Value* policies = props.get("Policies");
    if (!present(policies)) return;
    if (!policies->is(Value::Kind::kList)) {
      IamPolicy p;
      begin_unscoped(p, key);
      p.id = key->value + "/Policies";
      p.document = located(Field<std::string>::unknown(policies->is(Value::Kind::kUnknown) ? policies->text
                                                                                         : "Policies is not a list"),
                           policies->node);
      p.inline_owner = located(Field<std::string>::known(fmt::format("{}/{}", kind, key->value)), key);
      p.attached_roles = Field<std::vector<std::string>>::known({});
      add(std::move(p));
      return;
    }
    size_t n = 0;
    for (const Value& policy : policies->list) {
      IamPolicy p;
      begin_unscoped(p, key);
      const Field<std::string> name = string_of(policy.get("PolicyName"), "PolicyName", policy.node);
      p.id = fmt::format("{}/{}", key->value, name.is_known() ? name.value() : fmt::format("Policies[{}]", n));
      ++n;
      if (policy.node != nullptr) p.origin.line = policy.node->line, p.origin.column = policy.node->column;
      p.document = document_of(policy.get("PolicyDocument"), "PolicyDocument", node_of(&policy, where));
      p.inline_owner = located(Field<std::string>::known(fmt::format("{}/{}", kind, key->value)), key);
      p.attached_roles = Field<std::vector<std::string>>::known({});
      add(std::move(p));
    }
  }

  void map_owned_policy(const YamlNode* key, const YamlNode* res, std::string_view kind, const char* owner_property) {
    IamPolicy p;
    begin_unscoped(p, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    p.document = document_of(props.get("PolicyDocument"), "PolicyDocument", where);
    const Field<std::string> owner = id_of(props.get(owner_property), owner_property, where);
    p.inline_owner = owner.is_known() ? Field<std::string>::known(fmt::format("{}/{}", kind, owner.value()))
                     : owner.is_absent() ? Field<std::string>::unknown(fmt::format("{} is not set", owner_property))
                                         : Field<std::string>::unknown(owner.reason());
    p.inline_owner.at(owner.line(), owner.column());
    p.attached_roles = Field<std::vector<std::string>>::known({});
    add(std::move(p));
  }

  // AWS::IAM::RolePolicy adds an inline policy to a role of the template (after the roles are
  // mapped); for a role defined elsewhere it becomes an IamPolicy with inline_owner "role/<name>".
  void attach_role_policies() {
    for (const auto& [key, res] : role_policies_) {
      const Value props = properties(res);
      const YamlNode* where = node_of(&props, key);
      const Field<std::string> role = id_of(props.get("RoleName"), "RoleName", where);
      const Field<std::string> doc = document_of(props.get("PolicyDocument"), "PolicyDocument", where);
      bool attached = false;
      if (role.is_known()) {
        for (IamRole& r : inventory_.mutable_iam_roles()) {
          if (r.id != role.value() || r.origin.identity_file() != canonical_ || !r.inline_policies.is_known()) continue;
          const uint32_t line = r.inline_policies.line(), column = r.inline_policies.column();
          if (doc.is_known()) {
            std::vector<std::string> docs = r.inline_policies.value();
            docs.push_back(doc.value());
            r.inline_policies = Field<std::vector<std::string>>::known(std::move(docs)).at(line, column);
          } else {
            r.inline_policies = Field<std::vector<std::string>>::unknown(doc.reason()).at(doc.line(), doc.column());
          }
          attached = true;
        }
      }
      if (!attached) map_owned_policy(key, res, "role", "RoleName");
    }
  }

  void map_policy(const YamlNode* key, const YamlNode* res) {
    IamPolicy policy;
    begin_unscoped(policy, key);
    const Value props = properties(res);
    const YamlNode* where = node_of(&props, key);
    policy.document = document_of(props.get("PolicyDocument"), "PolicyDocument", where);
    policy.attached_roles = ids_of(props.get("Roles"), "Roles", where);
    policy.inline_owner = located(Field<std::string>::absent(), where);
    if (type_of(res) == "AWS::IAM::Policy" && !present(props.get("Roles"))) {
      // An inline policy given to users or groups only: owned by the first of them.
      for (auto [property, kind] : {std::pair{"Users", "user"}, std::pair{"Groups", "group"}}) {
        const Field<std::vector<std::string>> owners = ids_of(props.get(property), property, where);
        if (owners.is_known() && !owners.value().empty()) {
          policy.inline_owner = Field<std::string>::known(fmt::format("{}/{}", kind, owners.value()[0])).at(owners.line(), owners.column());
          break;
        }
      }
    }
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
    begin_resource(r, key);  // unresolvable Properties: the mappers make every field unknown
    r.scenario = scenario_;
  }

  // Resources other resources look up (keys, groups, roles): one per template, whatever the
  // scenario, so a lookup from any variant finds them. Their mappers read each property on its
  // own: Properties that cannot be resolved as a whole (Fn::Transform, an undecidable Fn::If)
  // would read as "nothing written", so the resource is reported unreadable instead.
  template <class T>
  void begin_unscoped(T& r, const YamlNode* key) {
    begin_resource(r, key);
    const YamlNode* res = t_.resource(key->value);
    const YamlNode* written = res != nullptr && res->is_map() ? res->get("Properties") : nullptr;
    const bool plain_map = written == nullptr || written->is_null() ||
                           (written->is_map() && written->tag.empty() &&
                            std::none_of(written->entries.begin(), written->entries.end(),
                                         [](const auto& e) { return e.first->value.starts_with("Fn::"); }));
    if (plain_map) return;
    const Value props = properties(res);
    if (props.is(Value::Kind::kUnknown)) r.read_error = intern(fmt::format("Properties: {}", props.text));
  }

  template <class T>
  void begin_resource(T& r, const YamlNode* key) {
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
    if (!props.is(Value::Kind::kMap) && !props.is(Value::Kind::kUnknown)) {
      // CloudFormation rejects such a template; read as written, it would claim nothing is set.
      props = Value::unknown("Properties is not a map", props.node != nullptr ? props.node : res);
    }
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
      c.subnet_group = subnet_group_reference(props.get("SubnetGroupName"), "SubnetGroupName", where, dax_subnet_groups_);
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
    k.policy = outside;
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
    const bool simple = type_of(res) == "AWS::Serverless::SimpleTable";
    if (simple) t.declared_type = "AWS::Serverless::SimpleTable";
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
    if (props.is(Value::Kind::kUnknown)) {  // e.g. Properties produced by Fn::Transform
      const std::string why(enabled.reason());
      t.arn = t.pitr_status = t.billing_mode = t.resource_policy = located(Field<std::string>::unknown(why), props.node);
      t.deletion_protection = located(Field<bool>::unknown(why), props.node);
      t.pitr_recovery_days = located(Field<int64_t>::unknown(why), props.node);
      t.gsi_names = located(Field<std::vector<std::string>>::unknown(why), props.node);
      t.tags = located(Field<std::vector<Tag>>::unknown(why), props.node);
      t.replicas = located(Field<std::vector<TableReplica>>::unknown(why), props.node);
      add(std::move(t));
      return;
    }
    t.arn = table_arn(props.get("TableName"), where);
    if (simple) {
      // SAM makes a table without ProvisionedThroughput on-demand.
      const Value* throughput = props.get("ProvisionedThroughput");
      t.billing_mode = present(throughput) ? located(Field<std::string>::known("PROVISIONED"), node_of(throughput, where))
                                           : located(Field<std::string>::known("PAY_PER_REQUEST"), where);
    } else {
      t.billing_mode = string_of(props.get("BillingMode"), "BillingMode", where);
    }
    t.gsi_names = index_names(props.get("GlobalSecondaryIndexes"), where);
    if (global) {
      fold_replicas(t, props, where);
    } else {
      t.deletion_protection = bool_of(props.get("DeletionProtectionEnabled"), "DeletionProtectionEnabled", where);
      pitr_of(props.get("PointInTimeRecoverySpecification"), where, t.pitr_status, t.pitr_recovery_days);
      t.tags = tags_of(props.get("Tags"), "Tags", where);
      const Value* policy = props.get("ResourcePolicy");
      t.resource_policy = document_of(policy != nullptr && policy->is(Value::Kind::kUnknown) ? policy : member(policy, "PolicyDocument"),
                                      "ResourcePolicy.PolicyDocument", node_of(policy, where));
      t.replicas = Field<std::vector<TableReplica>>::absent();
    }
    if (global) synthesize_scalable_targets(key, t, props);
    add(std::move(t));
  }

  // The table's ARN when its name, Region and account are all known (a literal ARN in another
  // resource can then be matched against it); otherwise unknown, saying which part is missing.
  Field<std::string> table_arn(const Value* name, const YamlNode* where) {
    Field<std::string> table_name = string_of(name, "TableName", where);
    if (table_name.is_absent()) {
      return located(Field<std::string>::unknown("the table name is generated by CloudFormation at deploy time"), where);
    }
    if (!table_name.is_known()) return table_name;
    if (region_ == nullptr || account_ == nullptr) {
      return Field<std::string>::unknown("the table's ARN needs the account and Region (give --account and --region)")
          .at(table_name.line(), table_name.column());
    }
    const std::string_view partition = region_->starts_with("cn-")       ? "aws-cn"
                                       : region_->starts_with("us-gov-") ? "aws-us-gov"
                                                                         : "aws";
    return Field<std::string>::known(fmt::format("arn:{}:dynamodb:{}:{}:table/{}", partition, *region_, *account_,
                                                 table_name.value()))
        .at(table_name.line(), table_name.column());
  }

  static Field<std::vector<std::string>> index_names(const Value* indexes, const YamlNode* where) {
    using F = Field<std::vector<std::string>>;
    if (!present(indexes)) return located(F::absent(), where);  // no index
    if (!indexes->is(Value::Kind::kList)) {
      return located(F::unknown(indexes->is(Value::Kind::kUnknown) ? fmt::format("GlobalSecondaryIndexes: {}", indexes->text)
                                                                  : std::string("GlobalSecondaryIndexes is not a list")),
                     indexes->node);
    }
    std::vector<std::string> names;
    for (const Value& index : indexes->list) {
      Field<std::string> name = string_of(index.get("IndexName"), "GlobalSecondaryIndexes[].IndexName", index.node);
      if (!name.is_known()) {
        return F::unknown(name.is_absent() ? "an index has no IndexName" : std::string(name.reason())).at(name.line(), name.column());
      }
      names.push_back(name.value());
    }
    return located(F::known(std::move(names)), indexes->node);
  }

  // PointInTimeRecoverySpecification: omitted or not enabled is DISABLED; the period is absent
  // when not written (AWS's default, 35 days).
  static void pitr_of(const Value* pitr, const YamlNode* where, Field<std::string>& status, Field<int64_t>& days) {
    Field<bool> on = bool_of(pitr != nullptr && pitr->is(Value::Kind::kMap) ? pitr->get("PointInTimeRecoveryEnabled") : pitr,
                             "PointInTimeRecoveryEnabled", node_of(pitr, where));
    status = on.is_known() ? Field<std::string>::known(on.value() ? "ENABLED" : "DISABLED")
             : on.is_absent() ? Field<std::string>::known("DISABLED")
                              : Field<std::string>::unknown(on.reason());
    status.at(on.line(), on.column());
    days = pitr != nullptr && pitr->is(Value::Kind::kMap)
               ? int_of(pitr->get("RecoveryPeriodInDays"), "RecoveryPeriodInDays", node_of(pitr, where))
               : located(on.is_unknown() ? Field<int64_t>::unknown(on.reason()) : Field<int64_t>::absent(), node_of(pitr, where));
  }

  // A global table is one inventory table (its own Region's replica), and the settings CloudFormation
  // writes per replica are folded into it as the WORST replica states them, located at that
  // replica: PITR is DISABLED if any replica's is, deletion protection off if any replica's is,
  // the tags are those every replica carries, and the resource policy joins every replica's
  // statements. So a table-level check judges the global table by its weakest replica; the
  // replicas in other Regions are listed (with their keys) in `replicas`.
  void fold_replicas(DynamoDbTable& t, const Value& props, const YamlNode* where) {
    const Value* replicas = props.get("Replicas");
    if (replicas == nullptr || !replicas->is(Value::Kind::kList)) {
      const std::string why = replicas != nullptr && replicas->is(Value::Kind::kUnknown)
                                  ? fmt::format("Replicas: {}", replicas->text)
                                  : std::string("Replicas is missing or not a list");
      const YamlNode* at = node_of(replicas, where);
      t.pitr_status = t.resource_policy = located(Field<std::string>::unknown(why), at);
      t.pitr_recovery_days = located(Field<int64_t>::unknown(why), at);
      t.deletion_protection = located(Field<bool>::unknown(why), at);
      t.tags = located(Field<std::vector<Tag>>::unknown(why), at);
      t.replicas = located(Field<std::vector<TableReplica>>::unknown(why), at);
      return;
    }
    // Ranks: the higher, the worse; the first replica with the worst rank is reported.
    int pitr_rank = -1, protection_rank = -1;
    std::optional<Field<int64_t>> days;
    std::optional<Field<std::vector<Tag>>> tags;
    std::vector<std::string> tag_keys_everywhere;
    bool any_tags = false;
    std::vector<const Value*> policies;
    std::vector<TableReplica> others;
    std::optional<Field<std::vector<TableReplica>>> replicas_unknown;
    bool first = true;
    for (const Value& replica : replicas->list) {
      const YamlNode* at = node_of(&replica, replicas->node);
      if (!replica.is(Value::Kind::kMap)) {
        const std::string why = replica.is(Value::Kind::kUnknown) ? replica.text : "a replica is not a map";
        t.pitr_status = t.resource_policy = located(Field<std::string>::unknown(why), at);
        t.pitr_recovery_days = located(Field<int64_t>::unknown(why), at);
        t.deletion_protection = located(Field<bool>::unknown(why), at);
        t.tags = located(Field<std::vector<Tag>>::unknown(why), at);
        t.replicas = located(Field<std::vector<TableReplica>>::unknown(why), at);
        return;
      }
      Field<std::string> status;
      Field<int64_t> period;
      pitr_of(replica.get("PointInTimeRecoverySpecification"), at, status, period);
      const int rank = status.is_unknown() ? 1 : status.value() == "DISABLED" ? 2 : 0;
      if (rank > pitr_rank) pitr_rank = rank, t.pitr_status = status;
      if (period.is_unknown()) {
        days = period;
      } else if (period.is_known() && (!days || (days->is_known() && period.value() < days->value()) || days->is_absent())) {
        days = period;
      } else if (!days) {
        days = period;
      }
      Field<bool> protection = bool_of(replica.get("DeletionProtectionEnabled"), "Replicas[].DeletionProtectionEnabled", at);
      const int prank = protection.is_unknown() ? 1 : (protection.is_known() && protection.value()) ? 0 : 2;
      if (prank > protection_rank) protection_rank = prank, t.deletion_protection = protection;
      Field<std::vector<Tag>> replica_tags = tags_of(replica.get("Tags"), "Replicas[].Tags", at);
      std::vector<std::string> keys;
      if (replica_tags.is_unknown()) {
        if (!tags || !tags->is_unknown()) tags = replica_tags;
      } else if (replica_tags.is_known()) {
        any_tags = true;
        for (const Tag& tag : replica_tags.value()) keys.push_back(tag.key);
      }
      if (first) {
        tag_keys_everywhere = keys;
        if (replica_tags.is_known() && !(tags && tags->is_unknown())) tags = replica_tags;
      } else {
        const size_t before = tag_keys_everywhere.size();
        std::erase_if(tag_keys_everywhere, [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) == keys.end(); });
        // The replica that lacks a tag the others carry is where the finding points.
        if (tag_keys_everywhere.size() != before && tags && !tags->is_unknown()) {
          const uint32_t line = replica_tags.line() ? replica_tags.line() : at->line;
          const uint32_t column = replica_tags.line() ? replica_tags.column() : at->column;
          tags = Field<std::vector<Tag>>::known(tags->value()).at(line, column);
        }
      }
      const Value* policy = replica.get("ResourcePolicy");
      if (policy != nullptr && policy->is(Value::Kind::kUnknown)) {
        policies.push_back(policy);
      } else if (present(member(policy, "PolicyDocument"))) {
        policies.push_back(member(policy, "PolicyDocument"));
      }
      first = false;

      Field<std::string> region = string_of(replica.get("Region"), "Replicas[].Region", at);
      if (!region.is_known()) {
        // A Region that is the stack's own (Ref AWS::Region without --region) is this table.
        if (region.is_unknown() && region_ == nullptr && region.reason().find("AWS::Region") != std::string_view::npos) continue;
        replicas_unknown = Field<std::vector<TableReplica>>::unknown(region.is_absent() ? std::string("a replica has no Region")
                                                                                         : std::string(region.reason()))
                               .at(region.line(), region.column());
        continue;
      }
      if (region_ != nullptr && region.value() == *region_) continue;
      TableReplica r;
      r.region = region.value();
      r.line = at->line;
      r.column = at->column;
      const Value* spec = replica.get("SSESpecification");
      if (t.sse_status.is_unknown()) {
        r.kms_key = Field<std::string>::unknown(t.sse_status.reason());
      } else if (t.sse_status.is_absent()) {
        r.kms_key = located(Field<std::string>::absent(), at);  // the AWS owned key
      } else {
        r.kms_key = spec != nullptr && spec->is(Value::Kind::kUnknown)
                        ? located(Field<std::string>::unknown(fmt::format("Replicas[].SSESpecification: {}", spec->text)), spec->node)
                        : key_reference(member(spec, "KMSMasterKeyId"), "Replicas[].SSESpecification.KMSMasterKeyId",
                                        node_of(spec, at));
      }
      others.push_back(std::move(r));
    }
    if (pitr_rank < 0) {  // no replica: CloudFormation rejects the template
      const auto why = "the global table has no replica";
      t.pitr_status = t.resource_policy = located(Field<std::string>::unknown(why), replicas->node);
      t.pitr_recovery_days = located(Field<int64_t>::unknown(why), replicas->node);
      t.deletion_protection = located(Field<bool>::unknown(why), replicas->node);
      t.tags = located(Field<std::vector<Tag>>::unknown(why), replicas->node);
      t.replicas = located(Field<std::vector<TableReplica>>::unknown(why), replicas->node);
      return;
    }
    t.pitr_recovery_days = *days;
    if (tags && tags->is_unknown()) {
      t.tags = *tags;
    } else if (!any_tags) {
      t.tags = located(Field<std::vector<Tag>>::absent(), replicas->node);
    } else {
      std::vector<Tag> kept;
      for (const Tag& tag : tags->value()) {
        if (std::find(tag_keys_everywhere.begin(), tag_keys_everywhere.end(), tag.key) != tag_keys_everywhere.end()) kept.push_back(tag);
      }
      t.tags = Field<std::vector<Tag>>::known(std::move(kept)).at(tags->line(), tags->column());
    }
    t.resource_policy = joined_policy(policies, replicas->node);
    t.replicas = replicas_unknown ? *replicas_unknown : located(Field<std::vector<TableReplica>>::known(std::move(others)), replicas->node);
  }

  // Several replicas' resource policies as one document holding all their statements.
  static Field<std::string> joined_policy(const std::vector<const Value*>& policies, const YamlNode* where) {
    if (policies.empty()) return located(Field<std::string>::absent(), where);
    if (policies.size() == 1) return document_of(policies[0], "Replicas[].ResourcePolicy.PolicyDocument", where);
    Value statements;
    statements.kind = Value::Kind::kList;
    for (const Value* p : policies) {
      if (p->is(Value::Kind::kUnknown)) {
        return located(Field<std::string>::unknown(fmt::format("Replicas[].ResourcePolicy.PolicyDocument: {}", p->text)), p->node);
      }
      const Value* s = member(p, "Statement");
      if (s == nullptr) {
        return located(Field<std::string>::unknown("a replica's resource policy is not a policy document that can be "
                                                   "combined with the others"), p->node);
      }
      if (s->is(Value::Kind::kList)) {
        statements.list.insert(statements.list.end(), s->list.begin(), s->list.end());
      } else {
        statements.list.push_back(*s);
      }
    }
    Value doc;
    doc.kind = Value::Kind::kMap;
    Value version;
    version.kind = Value::Kind::kString;
    version.text = "2012-10-17";
    doc.map.push_back(cfn::Member{"Version", version});
    doc.map.push_back(cfn::Member{"Statement", std::move(statements)});
    std::string json;
    to_json(doc, json);
    return located(Field<std::string>::known(std::move(json)), policies[0]->node);
  }

  // A global table's built-in autoscaling as the scalable targets Application Auto Scaling
  // holds for it, so that dynamodb-autoscaling reads one shape for every input. Write capacity is
  // set for the whole table; read capacity per replica, so reads count as scaled only when every
  // replica scales them. The targets carry the table's scenario, are located at the settings,
  // and are not counted as resources of their own.
  void synthesize_scalable_targets(const YamlNode* key, const DynamoDbTable& t, const Value& props) {
    const std::string table_id = "table/" + t.id;
    const Value* replicas = props.get("Replicas");
    const std::vector<Value> no_replicas;
    const std::vector<Value>& replica_list = replicas != nullptr && replicas->is(Value::Kind::kList) ? replicas->list : no_replicas;
    // Where every replica sets read autoscaling (for the table: index empty), the first one's settings.
    auto every_replica_reads = [&](const std::string& index) -> const Value* {
      const Value* first_found = nullptr;
      for (const Value& replica : replica_list) {
        const Value* owner = &replica;
        if (!index.empty()) {
          owner = nullptr;
          const Value* indexes = replica.get("GlobalSecondaryIndexes");
          for (const Value& i : indexes != nullptr && indexes->is(Value::Kind::kList) ? indexes->list : no_replicas) {
            const Value* name = i.get("IndexName");
            if (name != nullptr && name->is(Value::Kind::kString) && name->text == index) owner = &i;
          }
        }
        const Value* settings = member(member(owner, "ReadProvisionedThroughputSettings"), "ReadCapacityAutoScalingSettings");
        if (!present(settings)) return nullptr;
        if (first_found == nullptr) first_found = settings;
      }
      return first_found;
    };
    auto target = [&](const std::string& resource_id, const std::string& dimension, const Value* at) {
      ScalableTarget s;
      begin_resource(s, key);  // the table itself was resolved
      s.id = resource_id + "|" + dimension;
      s.origin.line = at->node != nullptr ? at->node->line : t.origin.line;
      s.origin.column = at->node != nullptr ? at->node->column : t.origin.column;
      s.scenario = t.scenario;
      s.service_namespace = located(Field<std::string>::known("dynamodb"), at->node);
      s.resource_id = located(Field<std::string>::known(resource_id), at->node);
      s.scalable_dimension = located(Field<std::string>::known(dimension), at->node);
      inventory_.add(std::move(s));
    };
    const Value* write = member(props.get("WriteProvisionedThroughputSettings"), "WriteCapacityAutoScalingSettings");
    if (present(write)) target(table_id, "dynamodb:table:WriteCapacityUnits", write);
    if (const Value* read = every_replica_reads(""); read != nullptr) target(table_id, "dynamodb:table:ReadCapacityUnits", read);
    const Value* indexes = props.get("GlobalSecondaryIndexes");
    if (indexes == nullptr || !indexes->is(Value::Kind::kList)) return;
    for (const Value& index : indexes->list) {
      const Value* name = index.get("IndexName");
      if (name == nullptr || !name->is(Value::Kind::kString)) continue;
      const std::string index_id = table_id + "/index/" + name->text;
      const Value* index_write = member(index.get("WriteProvisionedThroughputSettings"), "WriteCapacityAutoScalingSettings");
      if (present(index_write)) target(index_id, "dynamodb:index:WriteCapacityUnits", index_write);
      if (const Value* read = every_replica_reads(name->text); read != nullptr) {
        target(index_id, "dynamodb:index:ReadCapacityUnits", read);
      }
    }
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
      if (!replica.is(Value::Kind::kMap) || (spec != nullptr && !spec->is(Value::Kind::kMap))) {
        // Unresolvable, or not the shape CloudFormation requires: the replica's key is not known.
        unknown = located(Field<std::string>::unknown("a replica's SSESpecification is known only at deploy time or "
                                                      "is not a map"),
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
      c.automatic_failover = c.az_mode = c.cache_subnet_group = located(Field<std::string>::unknown(props.text), props.node);
      c.auth_token_enabled = c.multi_az = c.auto_minor_version_upgrade = located(Field<bool>::unknown(props.text), props.node);
      c.num_nodes = c.snapshot_retention_limit = located(Field<int64_t>::unknown(props.text), props.node);
      c.user_group_ids = c.subnet_ids = c.security_group_ids =
          located(Field<std::vector<std::string>>::unknown(props.text), props.node);
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
    if (type == ResourceType::kElastiCacheReplicationGroup) inherit_from_global_primary(c, key, props);
    map_cache_operations(c, props, where);
    add(std::move(c));
  }

  // A secondary group of a global datastore (GlobalReplicationGroupId) takes its engine and its
  // encryption at rest and in transit from the datastore's primary group, whatever it writes
  // itself: those are the primary's settings when the template holds the datastore and its
  // primary, else unknown. Located at GlobalReplicationGroupId, where the secondary inherits them.
  // Its key (KmsKeyId, a key of its own Region), placement and backups stay its own.
  void inherit_from_global_primary(ElastiCache& c, const YamlNode* key, const Value& props) {
    const Value* global = props.get("GlobalReplicationGroupId");
    if (!present(global)) return;
    const YamlNode* at = node_of(global, key);
    std::string why;
    const YamlNode* primary = nullptr;
    if (global->is(Value::Kind::kResourceRef) &&
        t_.resource_type(global->text) == "AWS::ElastiCache::GlobalReplicationGroup") {
      primary = global_primary(global->text, why);
    } else if (global->is(Value::Kind::kString)) {
      why = fmt::format("the group is a secondary of global datastore {}, whose primary group (engine and encryption) "
                        "is not in the template", global->text);
    } else if (global->is(Value::Kind::kUnknown)) {
      why = fmt::format("GlobalReplicationGroupId: {}; a secondary takes engine and encryption from the global "
                        "datastore's primary group", global->text);
    } else {
      why = "GlobalReplicationGroupId does not name a global datastore; a secondary takes engine and encryption "
            "from the datastore's primary group";
    }
    if (primary == t_.resource(key->value)) return;  // the datastore's primary: its own settings
    if (primary == nullptr) {
      c.engine = c.engine_version = c.transit_encryption_mode = located(Field<std::string>::unknown(why), at);
      c.at_rest_encryption = c.transit_encryption = located(Field<bool>::unknown(why), at);
      return;
    }
    const Value from = properties(primary);
    const YamlNode* from_where = node_of(&from, primary);
    auto here = [&](auto f) { return f.at(at->line, at->column); };
    c.engine = here(string_of(from.get("Engine"), "primary group's Engine", from_where));
    if (c.engine.is_absent()) c.engine = here(Field<std::string>::known("redis"));
    c.engine_version = here(string_of(from.get("EngineVersion"), "primary group's EngineVersion", from_where));
    c.at_rest_encryption = here(bool_of(from.get("AtRestEncryptionEnabled"), "primary group's AtRestEncryptionEnabled", from_where));
    c.transit_encryption = here(bool_of(from.get("TransitEncryptionEnabled"), "primary group's TransitEncryptionEnabled", from_where));
    c.transit_encryption_mode = here(string_of(from.get("TransitEncryptionMode"), "primary group's TransitEncryptionMode", from_where));
  }

  // The replication group a global datastore of this template names as its PRIMARY member
  // (by Ref, or by the ReplicationGroupId a group of the template is given), or null with why.
  const YamlNode* global_primary(const std::string& datastore, std::string& why) {
    const YamlNode* res = t_.resource(datastore);
    const Value props = res != nullptr ? properties(res) : Value{};
    const Value* members = props.get("Members");
    why = fmt::format("the primary group of global datastore {} (engine and encryption) is not in the template", datastore);
    if (members != nullptr && members->is(Value::Kind::kUnknown)) {
      why = fmt::format("global datastore {}: Members: {}", datastore, members->text);
      return nullptr;
    }
    if (members == nullptr || !members->is(Value::Kind::kList)) return nullptr;
    for (const Value& m : members->list) {
      const Value* role = m.get("Role");
      if (role == nullptr || !role->is(Value::Kind::kString) || !iequals(role->text, "PRIMARY")) continue;
      const Value* group = m.get("ReplicationGroupId");
      if (group != nullptr && group->is(Value::Kind::kResourceRef) &&
          t_.resource_type(group->text) == "AWS::ElastiCache::ReplicationGroup") {
        return t_.resource(group->text);
      }
      if (group != nullptr && group->is(Value::Kind::kString)) {
        std::string lower;
        for (char ch : group->text) lower += ascii_lower(ch);
        if (auto it = replication_groups_.find(lower); it != replication_groups_.end()) return t_.resource(it->second);
        why = fmt::format("the primary group {} of global datastore {} (engine and encryption) is not in the template",
                          group->text, datastore);
      } else if (group != nullptr && group->is(Value::Kind::kUnknown)) {
        why = fmt::format("global datastore {}: the primary's ReplicationGroupId: {}", datastore, group->text);
      }
      return nullptr;
    }
    return nullptr;
  }

  // Access control, availability, backups and placement. A property the resource type does not
  // have is absent (the check then applies what AWS does for that type).
  void map_cache_operations(ElastiCache& c, const Value& props, const YamlNode* where) {
    const bool group = c.type == ResourceType::kElastiCacheReplicationGroup;
    const bool cluster = c.type == ResourceType::kElastiCacheCacheCluster;
    const bool serverless = c.type == ResourceType::kElastiCacheServerlessCache;
    const auto absent_string = located(Field<std::string>::absent(), where);
    const auto absent_bool = located(Field<bool>::absent(), where);
    const auto absent_list = located(Field<std::vector<std::string>>::absent(), where);
    c.auth_token_enabled = absent_bool;
    if (const Value* token = props.get("AuthToken"); group && present(token)) {
      // Any token, even one from a NoEcho parameter or a secret, is a token: only an Fn::If
      // that may drop it leaves the question open.
      const bool may_be_dropped = token->is(Value::Kind::kUnknown) && token->text.starts_with("condition ");
      c.auth_token_enabled = located(may_be_dropped ? Field<bool>::unknown(fmt::format("AuthToken: {}", token->text))
                                                    : Field<bool>::known(true), token->node);
    }
    c.user_group_ids = group ? ids_of(props.get("UserGroupIds"), "UserGroupIds", where) : absent_list;
    if (serverless) {
      const Field<std::string> user_group = id_of(props.get("UserGroupId"), "UserGroupId", where);
      c.user_group_ids = user_group.is_known() ? Field<std::vector<std::string>>::known({user_group.value()})
                         : user_group.is_absent() ? Field<std::vector<std::string>>::absent()
                                                  : Field<std::vector<std::string>>::unknown(user_group.reason());
      c.user_group_ids.at(user_group.line(), user_group.column());
    }
    c.automatic_failover = absent_string;
    if (group) {
      const Field<bool> failover = bool_of(props.get("AutomaticFailoverEnabled"), "AutomaticFailoverEnabled", where);
      c.automatic_failover = failover.is_known() ? Field<std::string>::known(failover.value() ? "enabled" : "disabled")
                             : failover.is_absent() ? Field<std::string>::absent()
                                                    : Field<std::string>::unknown(failover.reason());
      c.automatic_failover.at(failover.line(), failover.column());
    }
    c.multi_az = group ? bool_of(props.get("MultiAZEnabled"), "MultiAZEnabled", where) : absent_bool;
    c.az_mode = cluster ? string_of(props.get("AZMode"), "AZMode", where) : absent_string;
    c.num_nodes = cluster ? int_of(props.get("NumCacheNodes"), "NumCacheNodes", where)
                  : group ? group_node_count(props, where)
                          : located(Field<int64_t>::absent(), where);
    c.snapshot_retention_limit = int_of(props.get("SnapshotRetentionLimit"), "SnapshotRetentionLimit", where);
    c.auto_minor_version_upgrade =
        serverless ? absent_bool : bool_of(props.get("AutoMinorVersionUpgrade"), "AutoMinorVersionUpgrade", where);
    c.cache_subnet_group = serverless ? absent_string
                                      : subnet_group_reference(props.get("CacheSubnetGroupName"), "CacheSubnetGroupName",
                                                               where, cache_subnet_groups_);
    c.subnet_ids = serverless ? ids_of(props.get("SubnetIds"), "SubnetIds", where) : absent_list;
    c.security_group_ids = ids_of(props.get(cluster ? "VpcSecurityGroupIds" : "SecurityGroupIds"),
                                  cluster ? "VpcSecurityGroupIds" : "SecurityGroupIds", where);
  }

  // Member clusters of a replication group: NumCacheClusters (cluster mode disabled), or the
  // shards times their nodes (NumNodeGroups x (1 + ReplicasPerNodeGroup), or NodeGroupConfiguration).
  static Field<int64_t> group_node_count(const Value& props, const YamlNode* where) {
    if (present(props.get("NumCacheClusters"))) return int_of(props.get("NumCacheClusters"), "NumCacheClusters", where);
    // NodeGroupConfiguration lists every shard; a shard without ReplicaCount has ReplicasPerNodeGroup
    // replicas (ReplicaAvailabilityZones "must match the value of ReplicaCount or ReplicasPerNodeGroup").
    const Value* shards = props.get("NodeGroupConfiguration");
    if (shards != nullptr && shards->is(Value::Kind::kList) && !shards->list.empty()) {
      const Field<int64_t> per_shard = int_of(props.get("ReplicasPerNodeGroup"), "ReplicasPerNodeGroup", where);
      int64_t total = 0;
      for (const Value& shard : shards->list) {
        Field<int64_t> replicas = int_of(shard.get("ReplicaCount"), "NodeGroupConfiguration[].ReplicaCount", shard.node);
        if (replicas.is_absent()) replicas = per_shard;
        if (!replicas.is_known()) {
          return Field<int64_t>::unknown(replicas.is_absent() ? "a node group's ReplicaCount is not set" : std::string(replicas.reason()))
              .at(replicas.line(), replicas.column());
        }
        total += 1 + replicas.value();
      }
      return located(Field<int64_t>::known(total), shards->node);
    }
    if (!present(props.get("NumNodeGroups")) && !present(props.get("ReplicasPerNodeGroup"))) {
      return located(Field<int64_t>::absent(), where);
    }
    Field<int64_t> groups = int_of(props.get("NumNodeGroups"), "NumNodeGroups", where);
    if (groups.is_absent()) groups = Field<int64_t>::known(1).at(groups.line(), groups.column());
    const Field<int64_t> replicas = int_of(props.get("ReplicasPerNodeGroup"), "ReplicasPerNodeGroup", where);
    if (!groups.is_known()) return groups;
    if (!replicas.is_known()) {
      return Field<int64_t>::unknown(replicas.is_absent() ? "ReplicasPerNodeGroup is not set" : std::string(replicas.reason()))
          .at(replicas.line(), replicas.column());
    }
    return Field<int64_t>::known(groups.value() * (1 + replicas.value())).at(replicas.line(), replicas.column());
  }

  // A subnet group named by Ref (its logical id) or by the name a group of this template is
  // given (also its logical id, as the inventory knows it); any other name as written.
  static Field<std::string> subnet_group_reference(const Value* v, std::string_view what, const YamlNode* where,
                                                   const std::map<std::string, std::string>& by_name) {
    Field<std::string> ref = id_of(v, what, where);
    if (!ref.is_known() || v->is(Value::Kind::kResourceRef)) return ref;
    std::string lower;
    for (char ch : ref.value()) lower += ascii_lower(ch);
    if (auto it = by_name.find(lower); it != by_name.end()) {
      return Field<std::string>::known(it->second).at(ref.line(), ref.column());
    }
    return ref;
  }

  // The VPC of a subnet group, known when its subnets are defined in the template.
  Field<std::string> vpc_of_subnets(const Field<std::vector<std::string>>& subnets) {
    auto at = [&](Field<std::string> f) { return f.at(subnets.line(), subnets.column()); };
    if (!subnets.is_known()) {
      return at(Field<std::string>::unknown(subnets.is_absent() ? std::string("SubnetIds is not set") : std::string(subnets.reason())));
    }
    std::optional<Field<std::string>> vpc;
    for (const std::string& id : subnets.value()) {
      const YamlNode* subnet = t_.resource(id);
      if (subnet == nullptr || type_of(subnet) != "AWS::EC2::Subnet") {
        return at(Field<std::string>::unknown(fmt::format("subnet {} is not defined in the template; its VPC is known "
                                                          "only in the account", id)));
      }
      const Value props = properties(subnet);
      const Field<std::string> v = id_of(props.get("VpcId"), "VpcId", node_of(&props, subnet));
      if (!v.is_known()) return at(Field<std::string>::unknown(fmt::format("subnet {}: {}", id, v.is_absent() ? "no VpcId" : v.reason())));
      if (vpc && vpc->value() != v.value()) return at(Field<std::string>::unknown("the subnets are in different VPCs"));
      vpc = v;
    }
    if (!vpc) return at(Field<std::string>::unknown("the subnet group has no subnet"));
    return at(*vpc);
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
    if (type_of(res) == "AWS::KMS::ReplicaKey") {
      // A multi-Region replica has no rotation setting: it rotates with its primary key.
      k.declared_type = "AWS::KMS::ReplicaKey";
      k.rotation_enabled = Field<bool>::unknown("a multi-Region replica key rotates with its primary key (PrimaryKeyArn)")
                               .at(key->line, key->column);
    }
    k.deletion_date = Field<std::string>::absent();
    // Absent: CloudFormation gives the key the default key policy (the account may use it).
    k.policy = document_of(props.get("KeyPolicy"), "KeyPolicy", where);
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
  // Names given to resources of this template (lower case for subnet groups and replication
  // groups, which ElastiCache and DAX store in lower case) -> logical id; see index_names_given().
  std::map<std::string, std::string> tables_by_name_, cache_subnet_groups_, dax_subnet_groups_, replication_groups_;
  std::map<std::string, std::vector<std::pair<const YamlNode*, const YamlNode*>>> route_parts_;  // see index_route_parts()
  std::vector<std::pair<const YamlNode*, const YamlNode*>> role_policies_;
  bool has_delivery_channel_ = false;
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
