#include "sources/terraform/mapper.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "sources/terraform/eval.h"
#include "util/text.h"

namespace atrest::tf {

bool is_mapped_type(std::string_view type) {
  static constexpr std::string_view kTypes[] = {
      "aws_dax_cluster", "aws_dax_subnet_group", "aws_dynamodb_table", "aws_dynamodb_table_replica",
      "aws_elasticache_cluster", "aws_elasticache_replication_group", "aws_elasticache_serverless_cache",
      "aws_elasticache_global_replication_group", "aws_kms_key", "aws_kms_replica_key", "aws_kms_alias",
      "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_iam_role",
      "aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment", "aws_iam_user_policy",
      "aws_iam_group_policy", "aws_dynamodb_resource_policy", "aws_dynamodb_tag", "aws_elasticache_subnet_group",
      "aws_kms_key_policy", "aws_subnet", "aws_route_table", "aws_default_route_table", "aws_route",
      "aws_route_table_association", "aws_main_route_table_association", "aws_vpc_endpoint", "aws_backup_selection",
      "aws_appautoscaling_target", "aws_cloudtrail", "aws_config_configuration_recorder",
      "aws_config_configuration_recorder_status"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

std::string type_of_address(std::string_view address) {
  // Skip "module.NAME[key]." prefixes; keys may contain dots inside quotes.
  size_t i = 0;
  while (address.substr(i).starts_with("module.")) {
    i += 7;
    bool quoted = false;
    while (i < address.size()) {
      char c = address[i];
      if (c == '"') quoted = !quoted;
      if (!quoted && c == '.') break;
      ++i;
    }
    ++i;
  }
  std::string_view rest = address.substr(std::min(i, address.size()));
  bool data = rest.starts_with("data.");
  if (data) rest.remove_prefix(5);
  std::string_view type = rest.substr(0, rest.find('.'));
  return data ? "data." + std::string(type) : std::string(type);
}

namespace {

using Kind = Value::Kind;

template <class T>
Field<T> at(Field<T> f, hcl::Pos p) {
  return f.at(p.line, p.column);
}


class Mapper {
 public:
  Mapper(const std::vector<ResourceInstance>& instances, const MapContext& context, Inventory& inventory)
      : instances_(instances), context_(context), inventory_(inventory) {
    for (const ResourceInstance& r : instances_) {
      by_address_.emplace(r.address, &r);
      if (r.type == "aws_dynamodb_table") {
        const Value* name = r.attributes.get("name");
        if (name != nullptr && name->is(Kind::kString) && !name->text.empty()) table_names_.emplace(name->text, r.address);
      } else if (r.type == "aws_iam_role") {
        role_names_.insert(name_of(r));
      }
      if (r.type != "aws_elasticache_replication_group") continue;
      const Value* id = r.attributes.get("replication_group_id");
      if (id != nullptr && id->is(Kind::kString)) group_ids_.insert(id->text);
    }
    // Resources that add to another one (a tag to a table, a route to a route table), indexed by
    // the address of what they name.
    for (const ResourceInstance& r : instances_) {
      const Value& a = r.attributes;
      std::string target;
      if (r.type == "aws_dynamodb_resource_policy" || r.type == "aws_dynamodb_tag") {
        target = table_address(a.get("resource_arn"));
        // A policy on a table no one can name may be on any table of the configuration.
        if (target.empty() && r.type == "aws_dynamodb_resource_policy" && unresolved(a.get("resource_arn"))) {
          target = kAnyTable;
        }
      } else if (r.type == "aws_kms_key_policy") {
        const Value* key = a.get("key_id");
        if (key != nullptr) target = key->ref;
        if (target.empty() && unresolved(key)) target = kAnyKey;
      } else if (r.type == "aws_route" || r.type == "aws_route_table_association" ||
                 r.type == "aws_main_route_table_association") {
        const Value* table = a.get("route_table_id");
        if (table != nullptr) target = table->ref;
        // A route or association whose table cannot be told may change any table of the
        // configuration: never let the tables look complete.
        if (target.empty() && unresolved(table)) target = kAnyRouteTable;
        // aws_route_table.x[count.index] with the index unknown: one of x's instances.
        const std::string type = type_of_address(target);
        if ((type == "aws_route_table" || type == "aws_default_route_table") && by_address_.count(target) == 0) {
          target = kAnyRouteTable;
        }
      } else if (r.type == "aws_dynamodb_table_replica") {
        target = table_address(a.get("global_table_arn"));
      } else if (r.type == "aws_config_configuration_recorder_status") {
        const Value* name = a.get("name");
        if (name != nullptr && !name->ref.empty()) target = name->ref;
        else if (name != nullptr && name->is(Kind::kString)) target = "name:" + name->text;
      }
      if (!target.empty()) extras_[target].push_back(&r);
    }
  }

  size_t run() {
    for (const ResourceInstance& r : instances_) {
      if (r.type == "aws_kms_alias") map_alias(r);
    }
    for (const ResourceInstance& r : instances_) {
      if (r.type == "aws_dax_cluster") map_dax(r);
      else if (r.type == "aws_dax_subnet_group") map_subnet_group(r, ResourceType::kDaxSubnetGroup);
      else if (r.type == "aws_elasticache_subnet_group") map_subnet_group(r, ResourceType::kElastiCacheSubnetGroup);
      else if (r.type == "aws_dynamodb_table") map_table(r);
      else if (r.type == "aws_dynamodb_table_replica") map_replica(r);
      else if (r.type == "aws_elasticache_replication_group") map_cache(r, ResourceType::kElastiCacheReplicationGroup);
      else if (r.type == "aws_elasticache_cluster") map_cache(r, ResourceType::kElastiCacheCacheCluster);
      else if (r.type == "aws_elasticache_serverless_cache") map_cache(r, ResourceType::kElastiCacheServerlessCache);
      else if (r.type == "aws_kms_key" || r.type == "aws_kms_replica_key") map_key(r);
      else if (r.type == "aws_security_group") map_security_group(r);
      else if (r.type == "aws_iam_role") map_role(r);
      else if (r.type == "aws_iam_policy" || r.type == "aws_iam_role_policy" || r.type == "aws_iam_user_policy" ||
               r.type == "aws_iam_group_policy") {
        map_policy(r);
      } else if (r.type == "aws_subnet") map_subnet(r);
      else if (r.type == "aws_route_table" || r.type == "aws_default_route_table") map_route_table(r);
      else if (r.type == "aws_vpc_endpoint") map_vpc_endpoint(r);
      else if (r.type == "aws_backup_selection") map_backup_selection(r);
      else if (r.type == "aws_appautoscaling_target") map_scalable_target(r);
      else if (r.type == "aws_cloudtrail") map_trail(r);
      else if (r.type == "aws_config_configuration_recorder") map_recorder(r);
    }
    // Standalone rules and role policies join what they name, once every group and role exists.
    for (const ResourceInstance& r : instances_) {
      if (r.type == "aws_security_group_rule" || r.type == "aws_vpc_security_group_ingress_rule") attach_rule(r);
      else if (r.type == "aws_iam_role_policy_attachment") attach_policy(r);
    }
    return added_;
  }

 private:
  const std::vector<ResourceInstance>& instances_;
  const MapContext& context_;
  Inventory& inventory_;
  std::unordered_map<std::string, const ResourceInstance*> by_address_;
  std::unordered_set<std::string> group_ids_;  // replication_group_id of the configuration's groups
  std::unordered_map<std::string, std::string> table_names_;  // table name -> address
  std::unordered_set<std::string> role_names_;                // names of the configuration's roles
  std::unordered_map<std::string, std::vector<const ResourceInstance*>> extras_;  // target -> what adds to it
  std::unordered_map<std::string, std::vector<const ResourceInstance*>> role_policies_;  // role address or "name:N"
  bool role_policies_indexed_ = false;
  std::unordered_map<std::string, IamRole*> roles_by_key_;      // address and "name:N", built on first attachment
  std::unordered_map<std::string, IamPolicy*> policies_by_id_;
  std::unordered_map<std::string, std::string> alias_names_;    // alias address -> alias name
  std::unordered_map<std::string, std::string> alias_targets_;  // alias address -> key address or id
  size_t added_ = 0;
  // extras_ keys for resources whose target is not known (no address starts with \x01).
  static constexpr const char* kAnyRouteTable = "\x01any route table";
  static constexpr const char* kAnyTable = "\x01any table";
  static constexpr const char* kAnyKey = "\x01any key";

  const std::vector<const ResourceInstance*>& extras_of(const std::string& target) const {
    static const std::vector<const ResourceInstance*> kNone;
    auto it = extras_.find(target);
    return it == extras_.end() ? kNone : it->second;
  }

  // What a resource adds to `target`, then what adds to a target no one could name (`any`).
  std::vector<const ResourceInstance*> extras_with(const std::string& target, const char* any) const {
    std::vector<const ResourceInstance*> out = extras_of(target);
    const std::vector<const ResourceInstance*>& unnamed = extras_of(any);
    out.insert(out.end(), unnamed.begin(), unnamed.end());
    return out;
  }

  // A target argument that is missing from an instance whose count is unknown, or whose value
  // is unknown and names no resource: it may be any resource of the configuration.
  static bool unresolved(const Value* v) { return v == nullptr || (v->is_unknown() && v->ref.empty()); }

  // The address of the configuration table a value names: a reference to the table (or a
  // replica), or an ARN / "table/NAME" whose NAME is a configuration table's name. "" otherwise.
  std::string table_address(const Value* v) const {
    if (v == nullptr) return {};
    if (!v->ref.empty()) {
      const std::string type = type_of_address(v->ref);
      return type == "aws_dynamodb_table" || type == "aws_dynamodb_table_replica" ? v->ref : std::string();
    }
    if (!v->is(Kind::kString)) return {};
    std::string_view text = v->text;
    Arn arn;
    if (parse_arn(text, arn)) {
      if (arn.service != "dynamodb") return {};
      text = arn.resource;
    }
    if (!text.starts_with("table/")) return {};
    std::string_view name = text.substr(6);
    name = name.substr(0, name.find('/'));
    auto it = table_names_.find(std::string(name));
    return it == table_names_.end() ? std::string() : it->second;
  }

  template <class T>
  void begin(T& r, const ResourceInstance& inst) {
    r.id = inst.address;
    r.account = context_.account;
    r.region = context_.region;
    r.arn = Field<std::string>::absent();
    r.origin.kind = context_.kind;
    r.origin.file = inst.file;
    r.origin.canonical_file = context_.scope;
    r.origin.line = inst.pos.line;
    r.origin.column = inst.pos.column;
    r.declared_type = intern(inst.type)->c_str();
  }

  template <class T>
  void add(T r, bool counted = true) {
    if (counted) ++added_;
    inventory_.add(std::move(r));
  }

  static hcl::Pos pos_or(const Value* v, hcl::Pos fallback) {
    return v != nullptr && v->pos.line != 0 ? v->pos : fallback;
  }

  Field<bool> bool_of(const Value* v, std::string_view what, hcl::Pos where) {
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<bool>::absent(), where);
    hcl::Pos p = pos_or(v, where);
    switch (v->kind) {
      case Kind::kBool: return at(Field<bool>::known(v->boolean), p);
      case Kind::kString: {
        bool b;  // Terraform converts a bool argument's string as go-cty does
        if (to_bool(*v, b)) return at(Field<bool>::known(b), p);
        return at(Field<bool>::unknown(fmt::format("{} is \"{}\", not a boolean", what, v->text)), p);
      }
      case Kind::kUnknown: return at(Field<bool>::unknown(fmt::format("{}: {}", what, v->text)), p);
      default: return at(Field<bool>::unknown(fmt::format("{} is not a boolean", what)), p);
    }
  }

  Field<std::string> string_of(const Value* v, std::string_view what, hcl::Pos where) {
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::string>::absent(), where);
    hcl::Pos p = pos_or(v, where);
    switch (v->kind) {
      // The provider sends an optional string only when it is not empty: "" is unset.
      case Kind::kString:
        return v->text.empty() ? at(Field<std::string>::absent(), p) : at(Field<std::string>::known(v->text), p);
      case Kind::kNumber: {
        std::string text;
        to_string(*v, text);
        return at(Field<std::string>::known(std::move(text)), p);
      }
      case Kind::kBool: return at(Field<std::string>::known(v->boolean ? "true" : "false"), p);
      case Kind::kUnknown: return at(Field<std::string>::unknown(fmt::format("{}: {}", what, v->text)), p);
      default: return at(Field<std::string>::unknown(fmt::format("{} is not a string", what)), p);
    }
  }

  Field<int64_t> int_of(const Value* v, std::string_view what, hcl::Pos where) {
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<int64_t>::absent(), where);
    hcl::Pos p = pos_or(v, where);
    if (v->is(Kind::kNumber)) return at(Field<int64_t>::known(static_cast<int64_t>(v->number)), p);
    if (v->is(Kind::kString)) {
      char* end = nullptr;
      long long n = std::strtoll(v->text.c_str(), &end, 10);
      if (end != v->text.c_str() && *end == '\0') return at(Field<int64_t>::known(n), p);
    }
    if (v->is_unknown()) return at(Field<int64_t>::unknown(fmt::format("{}: {}", what, v->text)), p);
    return at(Field<int64_t>::unknown(fmt::format("{} is not a number", what)), p);
  }

  // A list of ids or names; an element that refers to a configuration resource names it by address.
  Field<std::vector<std::string>> ids_of(const Value* v, std::string_view what, hcl::Pos where) {
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::vector<std::string>>::absent(), where);
    hcl::Pos p = pos_or(v, where);
    if (v->is_unknown() && !v->ref.empty() &&
        (v->stand_in == "${" + v->ref + ".id}" || v->stand_in == "${" + v->ref + ".arn}" ||
         v->stand_in == "${" + v->ref + ".name}")) {
      // [aws_security_group.x.id] in a plan: the whole set is unknown, its one element named.
      return at(Field<std::vector<std::string>>::known({v->ref}), p);
    }
    if (v->is_unknown()) return at(Field<std::vector<std::string>>::unknown(fmt::format("{}: {}", what, v->text)), p);
    if (!v->is(Kind::kList)) return at(Field<std::vector<std::string>>::unknown(fmt::format("{} is not a list", what)), p);
    std::vector<std::string> out;
    for (const Value& item : v->list) {
      Field<std::string> id = id_of(&item, what, p);
      if (id.is_unknown()) return at(Field<std::vector<std::string>>::unknown(id.reason()), p);
      if (id.is_known()) out.push_back(id.value());
    }
    return at(Field<std::vector<std::string>>::known(std::move(out)), p);
  }

  // A single id: the address of a referenced configuration resource, else the literal.
  Field<std::string> id_of(const Value* v, std::string_view what, hcl::Pos where) {
    if (v != nullptr && !v->ref.empty()) return at(Field<std::string>::known(v->ref), pos_or(v, where));
    return string_of(v, what, where);
  }

  // The first block of a nested block type; null when absent. An unknown block list (a dynamic
  // block over an unknown collection) is returned as is.
  static const Value* block(const Value& attrs, std::string_view name) {
    const Value* v = attrs.get(name);
    if (v == nullptr || v->is(Kind::kNull)) return nullptr;
    if (v->is(Kind::kList)) return v->list.empty() ? nullptr : &v->list.front();
    return v;  // a map (plan JSON of a single nested object) or unknown
  }

  // The KMS key an argument names, as the inventory will find it.
  Field<std::string> key_reference(const Value* v, std::string_view what, hcl::Pos where) {
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::string>::absent(), where);
    hcl::Pos p = pos_or(v, where);
    if (!v->ref.empty()) {
      std::string type = type_of_address(v->ref);
      if (type == "aws_kms_key" || type == "aws_kms_replica_key") return at(Field<std::string>::known(v->ref), p);
      if (type == "aws_kms_alias") {
        if (auto it = alias_names_.find(v->ref); it != alias_names_.end()) return at(Field<std::string>::known(it->second), p);
        if (auto it = alias_targets_.find(v->ref); it != alias_targets_.end()) {
          return at(Field<std::string>::known(it->second), p);
        }
        return at(Field<std::string>::unknown(fmt::format("{}: the alias {} has no known name or key", what, v->ref)), p);
      }
      if (v->is(Kind::kString) && !v->text.empty()) {
        declare_external_key(v->text, p);
        return at(Field<std::string>::known(v->text), p);
      }
      return at(Field<std::string>::unknown(fmt::format("{} refers to {}, which is not a KMS key of the configuration",
                                                         what, v->ref)), p);
    }
    Field<std::string> literal = string_of(v, what, where);
    if (literal.is_known()) declare_external_key(literal.value(), p);
    return literal;
  }

  // A key named by a literal: recorded as the configuration tells (an explicitly named key is
  // customer managed) and never judged itself; a real description of the key wins.
  void declare_external_key(const std::string& ref, hcl::Pos p) {
    if (ref.starts_with("alias/aws/") || ref.find(":alias/aws/") != std::string::npos) return;
    for (const auto& [address, name] : alias_names_) {
      if (name == ref) return;  // an alias of this configuration
    }
    KmsKey k;
    k.id = ref;
    k.account = context_.account;
    k.region = context_.region;
    k.origin.kind = context_.kind;
    k.origin.canonical_file = context_.scope;
    k.origin.line = p.line;
    k.origin.column = p.column;
    Arn arn;
    bool key_arn = parse_arn(ref, arn) && arn.resource.starts_with("key/");
    k.arn = key_arn ? Field<std::string>::known(ref) : Field<std::string>::absent();
    if (key_arn) k.id = std::string(arn.resource.substr(4));
    if (ref.starts_with("alias/")) inventory_.add_kms_alias(context_.account, context_.region, context_.scope, ref, ref);
    k.key_manager = Field<std::string>::known("CUSTOMER");
    const auto outside = Field<std::string>::unknown("the key is defined outside the configuration");
    k.key_state = k.key_origin = k.key_spec = k.deletion_date = outside;
    k.rotation_enabled = Field<bool>::unknown("the key is defined outside the configuration");
    k.reference_only = true;
    k.detail = Detail::kListing;
    add(std::move(k), false);
  }

  void map_alias(const ResourceInstance& r) {
    const Value* name = r.attributes.get("name");
    const Value* target = r.attributes.get("target_key_id");
    std::string target_id;
    if (target != nullptr && !target->ref.empty()) {
      target_id = target->ref;
    } else if (target != nullptr && target->is(Kind::kString)) {
      Arn arn;
      target_id = parse_arn(target->text, arn) && arn.resource.starts_with("key/") ? std::string(arn.resource.substr(4))
                                                                                  : target->text;
    }
    if (!target_id.empty()) alias_targets_[r.address] = target_id;
    if (name != nullptr && name->is(Kind::kString)) {
      alias_names_[r.address] = name->text;
      if (!target_id.empty()) {
        inventory_.add_kms_alias(context_.account, context_.region, context_.scope, name->text, target_id);
      }
    }
  }

  void map_dax(const ResourceInstance& inst) {
    DaxCluster c;
    begin(c, inst);
    const Value& a = inst.attributes;
    c.status = Field<std::string>::absent();
    c.node_availability_zones = Field<std::vector<std::string>>::absent();
    if (!inst.unknown_why.empty()) {
      auto why = Field<std::string>::unknown(inst.unknown_why);
      c.sse_status = c.endpoint_encryption = c.subnet_group = c.iam_role_arn = at(why, inst.pos);
      c.total_nodes = at(Field<int64_t>::unknown(inst.unknown_why), inst.pos);
      c.requested_availability_zones = c.security_group_ids =
          at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
      add(std::move(c));
      return;
    }
    const Value* sse = block(a, "server_side_encryption");
    if (sse == nullptr) {
      c.sse_status = at(Field<std::string>::absent(), inst.pos);
    } else if (sse->is_unknown()) {
      c.sse_status = at(Field<std::string>::unknown(fmt::format("server_side_encryption: {}", sse->text)), pos_or(sse, inst.pos));
    } else {
      Field<bool> enabled = bool_of(sse->get("enabled"), "server_side_encryption.enabled", pos_or(sse, inst.pos));
      c.sse_status = enabled.is_known() ? Field<std::string>::known(enabled.value() ? "ENABLED" : "DISABLED")
                     : enabled.is_absent() ? Field<std::string>::known("DISABLED")  // schema default false
                                           : Field<std::string>::unknown(enabled.reason());
      c.sse_status.at(enabled.line(), enabled.column());
    }
    c.endpoint_encryption = string_of(a.get("cluster_endpoint_encryption_type"), "cluster_endpoint_encryption_type", inst.pos);
    c.total_nodes = int_of(a.get("replication_factor"), "replication_factor", inst.pos);
    c.requested_availability_zones = ids_of(a.get("availability_zones"), "availability_zones", inst.pos);
    c.subnet_group = id_of(a.get("subnet_group_name"), "subnet_group_name", inst.pos);
    c.security_group_ids = ids_of(a.get("security_group_ids"), "security_group_ids", inst.pos);
    c.iam_role_arn = id_of(a.get("iam_role_arn"), "iam_role_arn", inst.pos);
    add(std::move(c));
  }

  // DAX and ElastiCache subnet groups. The VPC is that of the subnets, when the configuration
  // defines them.
  void map_subnet_group(const ResourceInstance& inst, ResourceType type) {
    SubnetGroup g(type);
    begin(g, inst);
    g.subnet_ids = inst.unknown_why.empty() ? ids_of(inst.attributes.get("subnet_ids"), "subnet_ids", inst.pos)
                                            : at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
    g.vpc_id = vpc_of_subnets(g.subnet_ids, inst.pos);
    add(std::move(g));
    // Clusters name the group by its name as often as by reference: index both.
    const Value* name = inst.attributes.get("name");
    if (name != nullptr && name->is(Kind::kString) && name->text != inst.address) {
      SubnetGroup alias = inventory_.subnet_groups().back();
      alias.id = name->text;
      alias.reference_only = true;
      add(std::move(alias), false);
    }
  }

  // The VPC of a list of subnets: known when every subnet is an aws_subnet of the configuration
  // with a known vpc_id (AWS requires one VPC per group).
  Field<std::string> vpc_of_subnets(const Field<std::vector<std::string>>& subnets, hcl::Pos where) {
    if (subnets.is_unknown()) return at(Field<std::string>::unknown(subnets.reason()), where);
    if (subnets.is_absent() || subnets.value().empty()) return at(Field<std::string>::absent(), where);
    Field<std::string> vpc;
    for (const std::string& id : subnets.value()) {
      auto it = by_address_.find(id);
      if (it == by_address_.end() || it->second->type != "aws_subnet") {
        return at(Field<std::string>::unknown(fmt::format("the VPC of subnet {} is not known: the subnet is not in the "
                                                          "configuration", id)), where);
      }
      if (!it->second->unknown_why.empty()) return at(Field<std::string>::unknown(it->second->unknown_why), where);
      vpc = id_of(it->second->attributes.get("vpc_id"), "vpc_id", it->second->pos);
      if (!vpc.is_known()) return at(Field<std::string>::unknown(fmt::format("the VPC of subnet {} is not known", id)), where);
    }
    return at(std::move(vpc), where);
  }

  void set_table_sse(DynamoDbTable& t, const ResourceInstance& inst) {
    const Value* sse = block(inst.attributes, "server_side_encryption");
    Field<bool> enabled = sse == nullptr ? at(Field<bool>::absent(), inst.pos)
                          : sse->is_unknown()
                              ? at(Field<bool>::unknown(fmt::format("server_side_encryption: {}", sse->text)), pos_or(sse, inst.pos))
                              : bool_of(sse->get("enabled"), "server_side_encryption.enabled", pos_or(sse, inst.pos));
    if (enabled.is_unknown()) {
      t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::unknown(enabled.reason());
    } else if (!enabled.is_known() || !enabled.value()) {
      // Omitted or false: the AWS owned key (every table is encrypted).
      t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::absent();
    } else {
      t.sse_status = Field<std::string>::known("ENABLED");
      t.sse_type = Field<std::string>::known("KMS");
      t.kms_key_arn = key_reference(sse->get("kms_key_arn"), "server_side_encryption.kms_key_arn", pos_or(sse, inst.pos));
      if (t.kms_key_arn.is_absent()) t.kms_key_arn = Field<std::string>::known("alias/aws/dynamodb");
      // Replicas name their own keys; one on the AWS managed key decides, then an unknown one.
      if (const Value* replicas = inst.attributes.get("replica"); replicas != nullptr && replicas->is(Kind::kList)) {
        for (const Value& replica : replicas->list) {
          Field<std::string> ref = key_reference(replica.get("kms_key_arn"), "replica.kms_key_arn", pos_or(&replica, inst.pos));
          if (ref.is_absent() || (ref.is_known() && ref.value().starts_with("alias/aws/"))) {
            t.kms_key_arn = at(Field<std::string>::known("alias/aws/dynamodb"), pos_or(&replica, inst.pos));
            break;
          }
          if (ref.is_unknown()) t.kms_key_arn = ref;
        }
      }
    }
    for (Field<std::string>* f : {&t.sse_status, &t.sse_type}) f->at(enabled.line(), enabled.column());
    if (t.kms_key_arn.line() == 0) t.kms_key_arn.at(enabled.line(), enabled.column());
  }

  void set_pitr(DynamoDbTable& t, const ResourceInstance& inst) {
    const Value* pitr = block(inst.attributes, "point_in_time_recovery");
    // aws_dynamodb_table_replica writes point_in_time_recovery as a bool, the table as a block.
    const bool flat = pitr != nullptr && !pitr->is(Kind::kMap) && !pitr->is_unknown();
    Field<bool> on = pitr == nullptr ? at(Field<bool>::absent(), inst.pos)
                     : flat          ? bool_of(pitr, "point_in_time_recovery", inst.pos)
                     : pitr->is_unknown() ? at(Field<bool>::unknown(pitr->text), pos_or(pitr, inst.pos))
                                          : bool_of(pitr->get("enabled"), "point_in_time_recovery.enabled", pos_or(pitr, inst.pos));
    t.pitr_status = on.is_known() ? Field<std::string>::known(on.value() ? "ENABLED" : "DISABLED")
                    : on.is_absent() ? Field<std::string>::known("DISABLED")
                                     : Field<std::string>::unknown(on.reason());
    t.pitr_status.at(on.line(), on.column());
    t.pitr_recovery_days = pitr != nullptr && !pitr->is_unknown() && !flat
                               ? int_of(pitr->get("recovery_period_in_days"), "recovery_period_in_days", inst.pos)
                               : Field<int64_t>::absent();
  }

  // Every table field unknown: how many instances exist is not known.
  static void table_unknown(DynamoDbTable& t, const ResourceInstance& inst) {
    t.sse_status = t.sse_type = t.kms_key_arn = t.pitr_status = t.billing_mode = t.resource_policy =
        at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
    t.deletion_protection = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
    t.pitr_recovery_days = Field<int64_t>::unknown(inst.unknown_why);
    t.gsi_names = at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
    t.tags = at(Field<std::vector<Tag>>::unknown(inst.unknown_why), inst.pos);
    t.replicas = at(Field<std::vector<TableReplica>>::unknown(inst.unknown_why), inst.pos);
  }

  // A map of tags. `tags_all` (plans; the configuration reader merges the provider's
  // default_tags into it the same way) wins over `tags`. No tags: known and empty.
  Field<std::vector<Tag>> tags_of(const ResourceInstance& inst) {
    const Value* all = inst.attributes.get("tags_all");
    const Value* v = all != nullptr && !all->is(Kind::kNull) ? all : inst.attributes.get("tags");
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::vector<Tag>>::known({}), inst.pos);
    hcl::Pos p = pos_or(v, inst.pos);
    if (v->is_unknown()) return at(Field<std::vector<Tag>>::unknown(fmt::format("tags: {}", v->text)), p);
    if (!v->is(Kind::kMap)) return at(Field<std::vector<Tag>>::unknown("tags is not a map"), p);
    std::vector<Tag> tags;
    for (const auto& [key, value] : v->map) tags.push_back({key, string_of(&value, "tag " + key, p)});
    return at(Field<std::vector<Tag>>::known(std::move(tags)), p);
  }

  // aws_dynamodb_tag and aws_dynamodb_resource_policy resources naming the table.
  void table_extras(DynamoDbTable& t, const ResourceInstance& inst) {
    for (const ResourceInstance* extra : extras_with(inst.address, kAnyTable)) {
      const Value& a = extra->attributes;
      if (extra->type == "aws_dynamodb_resource_policy") {
        if (!extra->unknown_why.empty()) {
          t.resource_policy = at(Field<std::string>::unknown(extra->unknown_why), extra->pos);
        } else if (table_address(a.get("resource_arn")) != inst.address) {
          t.resource_policy = at(Field<std::string>::unknown(fmt::format(
              "{} sets a resource policy on a table that is not known: it may be this one", extra->address)), extra->pos);
        } else if (!t.resource_policy.is_unknown()) {
          t.resource_policy = document_of(a.get("policy"), "aws_dynamodb_resource_policy.policy", extra->pos);
        }
        continue;
      }
      if (extra->type != "aws_dynamodb_tag" || !t.tags.is_known()) continue;
      if (!extra->unknown_why.empty()) {
        t.tags = at(Field<std::vector<Tag>>::unknown(extra->unknown_why), extra->pos);
        continue;
      }
      Field<std::string> key = string_of(a.get("key"), "aws_dynamodb_tag.key", extra->pos);
      if (!key.is_known()) {
        t.tags = at(Field<std::vector<Tag>>::unknown(fmt::format("{}: the tag key is not known", extra->address)), extra->pos);
        continue;
      }
      std::vector<Tag> tags = t.tags.value();
      std::erase_if(tags, [&](const Tag& tag) { return tag.key == key.value(); });
      tags.push_back({key.value(), string_of(a.get("value"), "aws_dynamodb_tag.value", extra->pos)});
      const uint32_t line = t.tags.line(), column = t.tags.column();
      t.tags = Field<std::vector<Tag>>::known(std::move(tags)).at(line, column);
    }
  }

  Field<std::vector<std::string>> gsi_names_of(const ResourceInstance& inst) {
    const Value* v = inst.attributes.get("global_secondary_index");
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::vector<std::string>>::known({}), inst.pos);
    hcl::Pos p = pos_or(v, inst.pos);
    if (v->is_unknown()) return at(Field<std::vector<std::string>>::unknown(fmt::format("global_secondary_index: {}", v->text)), p);
    if (!v->is(Kind::kList)) return at(Field<std::vector<std::string>>::unknown("global_secondary_index is not a list"), p);
    std::vector<std::string> names;
    for (const Value& index : v->list) {
      Field<std::string> name = string_of(index.get("name"), "global_secondary_index.name", pos_or(&index, p));
      if (!name.is_known()) return at(Field<std::vector<std::string>>::unknown("a global secondary index name is not known"), p);
      names.push_back(name.value());
    }
    return at(Field<std::vector<std::string>>::known(std::move(names)), p);
  }

  Field<std::vector<TableReplica>> replicas_of(const ResourceInstance& inst) {
    const Value* v = inst.attributes.get("replica");
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::vector<TableReplica>>::known({}), inst.pos);
    hcl::Pos p = pos_or(v, inst.pos);
    if (v->is_unknown()) return at(Field<std::vector<TableReplica>>::unknown(fmt::format("replica: {}", v->text)), p);
    if (!v->is(Kind::kList)) return at(Field<std::vector<TableReplica>>::unknown("replica is not a list"), p);
    std::vector<TableReplica> replicas;
    for (const Value& block : v->list) {
      hcl::Pos bp = pos_or(&block, p);
      Field<std::string> region = string_of(block.get("region_name"), "replica.region_name", bp);
      if (!region.is_known()) {
        return at(Field<std::vector<TableReplica>>::unknown(region.is_unknown() ? std::string(region.reason())
                                                                                 : "a replica names no region"), bp);
      }
      TableReplica r;
      r.region = region.value();
      r.kms_key = key_reference(block.get("kms_key_arn"), "replica.kms_key_arn", bp);
      r.line = bp.line;
      r.column = bp.column;
      replicas.push_back(std::move(r));
    }
    return at(Field<std::vector<TableReplica>>::known(std::move(replicas)), p);
  }

  // As CloudFormation's source: known when the name, --account and --region are.
  Field<std::string> table_arn(const ResourceInstance& inst) {
    Field<std::string> name = string_of(inst.attributes.get("name"), "name", inst.pos);
    if (name.is_absent()) return at(Field<std::string>::unknown("the table has no name"), inst.pos);
    if (!name.is_known()) return name;
    if (context_.region == nullptr || context_.account == nullptr) {
      return Field<std::string>::unknown("the table's ARN needs the account and Region (give --account and --region)")
          .at(name.line(), name.column());
    }
    const std::string_view partition = context_.region->starts_with("cn-")       ? "aws-cn"
                                       : context_.region->starts_with("us-gov-") ? "aws-us-gov"
                                                                                 : "aws";
    return Field<std::string>::known(fmt::format("arn:{}:dynamodb:{}:{}:table/{}", partition, *context_.region,
                                                 *context_.account, name.value()))
        .at(name.line(), name.column());
  }

  void map_table(const ResourceInstance& inst) {
    DynamoDbTable t;
    begin(t, inst);
    t.table_status = Field<std::string>::absent();
    if (!inst.unknown_why.empty()) {
      table_unknown(t, inst);
      t.arn = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      add(std::move(t));
      return;
    }
    t.arn = table_arn(inst);
    const Value& a = inst.attributes;
    set_table_sse(t, inst);
    t.deletion_protection = bool_of(a.get("deletion_protection_enabled"), "deletion_protection_enabled", inst.pos);
    set_pitr(t, inst);
    // Absent: PROVISIONED, the provider's default and the API's.
    t.billing_mode = string_of(a.get("billing_mode"), "billing_mode", inst.pos);
    t.gsi_names = gsi_names_of(inst);
    t.tags = tags_of(inst);
    t.resource_policy = at(Field<std::string>::absent(), inst.pos);
    t.replicas = replicas_of(inst);
    fold_replica_settings(t, inst);
    replica_resources(t, inst);
    table_extras(t, inst);
    add(std::move(t));
  }

  // Each replica block has its own point_in_time_recovery and deletion_protection_enabled
  // (provider default false for both): the table is only as protected as its weakest replica, so
  // a replica that does not turn them on decides the verdict, pointing at that replica.
  void fold_replica_settings(DynamoDbTable& t, const ResourceInstance& inst) {
    const Value* blocks = inst.attributes.get("replica");
    if (blocks == nullptr || !blocks->is(Kind::kList)) return;
    for (const Value& replica : blocks->list) {
      const hcl::Pos p = pos_or(&replica, inst.pos);
      Field<bool> pitr = bool_of(replica.get("point_in_time_recovery"), "replica.point_in_time_recovery", p);
      if (pitr.is_absent()) pitr = at(Field<bool>::known(false), p);
      if (t.pitr_status.is_known() && t.pitr_status.value() == "ENABLED" && !(pitr.is_known() && pitr.value())) {
        t.pitr_status = pitr.is_known() ? Field<std::string>::known("DISABLED") : Field<std::string>::unknown(pitr.reason());
        t.pitr_status.at(pitr.line(), pitr.column());
      }
      Field<bool> protection = bool_of(replica.get("deletion_protection_enabled"), "replica.deletion_protection_enabled", p);
      if (protection.is_absent()) protection = at(Field<bool>::known(false), p);
      if (t.deletion_protection.is_known() && t.deletion_protection.value() && !(protection.is_known() && protection.value())) {
        t.deletion_protection = protection;
      }
    }
  }

  // aws_dynamodb_table_replica resources of this table join its replicas, in their provider's
  // region; without a kms_key_arn a replica is on its region's AWS managed key.
  void replica_resources(DynamoDbTable& t, const ResourceInstance& inst) {
    for (const ResourceInstance* extra : extras_of(inst.address)) {
      if (extra->type != "aws_dynamodb_table_replica" || !t.replicas.is_known()) continue;
      if (!extra->unknown_why.empty()) {
        t.replicas = at(Field<std::vector<TableReplica>>::unknown(extra->unknown_why), extra->pos);
        return;
      }
      // Provider v6 lets a resource name its own region; else its provider's.
      const Value* region = extra->attributes.get("region");
      if (region == nullptr || region->is(Kind::kNull)) region = extra->attributes.get(kProviderRegion);
      if (region == nullptr || !region->is(Kind::kString) || region->text.empty()) {
        t.replicas = at(Field<std::vector<TableReplica>>::unknown(fmt::format(
                            "the region of replica {} (its provider's) is not known", extra->address)), extra->pos);
        return;
      }
      std::vector<TableReplica> replicas = t.replicas.value();
      TableReplica r;
      r.region = region->text;
      r.kms_key = key_reference(extra->attributes.get("kms_key_arn"), "kms_key_arn", extra->pos);
      r.line = extra->pos.line;
      r.column = extra->pos.column;
      replicas.push_back(std::move(r));
      const uint32_t line = t.replicas.line(), column = t.replicas.column();
      t.replicas = Field<std::vector<TableReplica>>::known(std::move(replicas)).at(line, column);
    }
  }

  // A replica of a global table (version 2019): its own key; without one it follows the table.
  void map_replica(const ResourceInstance& inst) {
    DynamoDbTable t;
    begin(t, inst);
    t.table_status = Field<std::string>::absent();
    if (!inst.unknown_why.empty()) {
      table_unknown(t, inst);
      add(std::move(t));
      return;
    }
    const Value* table = inst.attributes.get("global_table_arn");
    const ResourceInstance* main = nullptr;
    if (table != nullptr && !table->ref.empty()) {
      auto it = by_address_.find(table->ref);
      if (it != by_address_.end()) main = it->second;
    }
    Field<std::string> key = key_reference(inst.attributes.get("kms_key_arn"), "kms_key_arn", inst.pos);
    if (key.is_known() || key.is_unknown()) {
      t.sse_status = at(key.is_known() ? Field<std::string>::known("ENABLED") : Field<std::string>::unknown(key.reason()), inst.pos);
      t.sse_type = at(key.is_known() ? Field<std::string>::known("KMS") : Field<std::string>::unknown(key.reason()), inst.pos);
      t.kms_key_arn = key;
    } else {
      // Without kms_key_arn the replica uses the encryption of the table it replicates.
      if (main != nullptr && main->unknown_why.empty()) {
        set_table_sse(t, *main);
        if (t.sse_type.is_known() && t.kms_key_arn.is_known() && !t.kms_key_arn.value().starts_with("alias/aws/")) {
          // A customer key is regional: a replica without its own key uses the AWS managed one.
          t.kms_key_arn = at(Field<std::string>::known("alias/aws/dynamodb"), inst.pos);
        }
      } else {
        auto why = Field<std::string>::unknown(
            "the replica sets no kms_key_arn and the table it replicates (global_table_arn) is not in the configuration");
        t.sse_status = t.sse_type = t.kms_key_arn = at(why, inst.pos);
      }
    }
    t.deletion_protection = bool_of(inst.attributes.get("deletion_protection_enabled"), "deletion_protection_enabled", inst.pos);
    set_pitr(t, inst);
    // Capacity and indexes are the global table's.
    if (main != nullptr && main->unknown_why.empty()) {
      t.billing_mode = string_of(main->attributes.get("billing_mode"), "billing_mode", inst.pos);
      t.gsi_names = gsi_names_of(*main);
    } else {
      const char* why = "the table this replica belongs to (global_table_arn) is not in the configuration";
      t.billing_mode = at(Field<std::string>::unknown(why), inst.pos);
      t.gsi_names = at(Field<std::vector<std::string>>::unknown(why), inst.pos);
    }
    t.tags = tags_of(inst);
    t.resource_policy = at(Field<std::string>::absent(), inst.pos);
    // The replica is a table of its own region; the global table's other replicas are listed on
    // that table (replica blocks), not here.
    t.replicas = at(Field<std::vector<TableReplica>>::absent(), inst.pos);
    table_extras(t, inst);
    add(std::move(t));
  }

  // A global datastore's secondary group takes engine and encryption from the primary group
  // (the provider forbids setting them on the secondary).
  const ResourceInstance* global_primary(const ResourceInstance& inst) const {
    const Value* global = inst.attributes.get("global_replication_group_id");
    if (global == nullptr || global->ref.empty()) return nullptr;
    auto g = by_address_.find(global->ref);
    if (g == by_address_.end()) return nullptr;
    const Value* primary = g->second->attributes.get("primary_replication_group_id");
    if (primary == nullptr || primary->ref.empty()) return nullptr;
    auto p = by_address_.find(primary->ref);
    return p == by_address_.end() || p->second == &inst ? nullptr : p->second;
  }

  // Whether a replication_group_id names a group of this configuration (by reference or id).
  bool group_in_configuration(const Value& group) const {
    if (!group.ref.empty()) return by_address_.count(group.ref) > 0;
    return group.is(Kind::kString) && group_ids_.count(group.text) > 0;
  }

  static void cache_unknown(ElastiCache& c, std::string_view why, hcl::Pos p) {
    c.auth_token_enabled = c.multi_az = c.auto_minor_version_upgrade = at(Field<bool>::unknown(why), p);
    c.automatic_failover = c.az_mode = c.cache_subnet_group = at(Field<std::string>::unknown(why), p);
    c.num_nodes = c.snapshot_retention_limit = at(Field<int64_t>::unknown(why), p);
    c.user_group_ids = c.subnet_ids = c.security_group_ids = at(Field<std::vector<std::string>>::unknown(why), p);
  }

  // Authentication, availability, backups and placement. Omitted arguments stay absent: the
  // provider's defaults are the API's (failover and Multi-AZ off, no snapshots, minor upgrades on).
  void cache_settings(ElastiCache& c, const ResourceInstance& inst, ResourceType type) {
    const Value& a = inst.attributes;
    const hcl::Pos p = inst.pos;
    const auto absent_string = at(Field<std::string>::absent(), p);
    const auto absent_bool = at(Field<bool>::absent(), p);
    const auto absent_list = at(Field<std::vector<std::string>>::absent(), p);
    c.snapshot_retention_limit = int_of(a.get("snapshot_retention_limit"), "snapshot_retention_limit", p);
    c.security_group_ids = ids_of(a.get("security_group_ids"), "security_group_ids", p);
    if (type == ResourceType::kElastiCacheServerlessCache) {
      c.auth_token_enabled = c.multi_az = c.auto_minor_version_upgrade = absent_bool;
      c.automatic_failover = c.az_mode = c.cache_subnet_group = absent_string;
      c.num_nodes = at(Field<int64_t>::absent(), p);
      c.subnet_ids = ids_of(a.get("subnet_ids"), "subnet_ids", p);
      Field<std::string> group = id_of(a.get("user_group_id"), "user_group_id", p);
      c.user_group_ids = group.is_known() ? at(Field<std::vector<std::string>>::known({group.value()}), {group.line(), group.column()})
                         : group.is_absent() ? absent_list
                                             : at(Field<std::vector<std::string>>::unknown(group.reason()), {group.line(), group.column()});
      return;
    }
    c.auto_minor_version_upgrade = bool_of(a.get("auto_minor_version_upgrade"), "auto_minor_version_upgrade", p);
    c.cache_subnet_group = id_of(a.get("subnet_group_name"), "subnet_group_name", p);
    c.subnet_ids = absent_list;
    if (type == ResourceType::kElastiCacheCacheCluster) {
      c.auth_token_enabled = c.multi_az = absent_bool;
      c.automatic_failover = absent_string;
      c.user_group_ids = absent_list;
      c.az_mode = string_of(a.get("az_mode"), "az_mode", p);
      c.num_nodes = int_of(a.get("num_cache_nodes"), "num_cache_nodes", p);
      return;
    }
    // Replication groups.
    c.az_mode = absent_string;
    const Value* token = a.get("auth_token");
    Field<std::string> token_text = string_of(token, "auth_token", p);
    if (token_text.is_unknown() && token != nullptr && !token->ref.empty()) {
      // A token from another resource (random_password.x.result) is set, its value known later.
      c.auth_token_enabled = at(Field<bool>::known(true), {token_text.line(), token_text.column()});
    } else {
      c.auth_token_enabled = token_text.is_known() ? at(Field<bool>::known(true), {token_text.line(), token_text.column()})
                             : token_text.is_absent() ? at(Field<bool>::absent(), {token_text.line(), token_text.column()})
                                                      : at(Field<bool>::unknown(token_text.reason()), {token_text.line(), token_text.column()});
    }
    c.user_group_ids = ids_of(a.get("user_group_ids"), "user_group_ids", p);
    Field<bool> failover = bool_of(a.get("automatic_failover_enabled"), "automatic_failover_enabled", p);
    c.automatic_failover = failover.is_known() ? Field<std::string>::known(failover.value() ? "enabled" : "disabled")
                           : failover.is_absent() ? Field<std::string>::absent()
                                                  : Field<std::string>::unknown(failover.reason());
    c.automatic_failover.at(failover.line(), failover.column());
    c.multi_az = bool_of(a.get("multi_az_enabled"), "multi_az_enabled", p);
    c.num_nodes = group_nodes(a, p);
  }

  // num_cache_clusters (cluster mode disabled), else num_node_groups * (replicas_per_node_group + 1).
  Field<int64_t> group_nodes(const Value& a, hcl::Pos p) {
    Field<int64_t> clusters = int_of(a.get("num_cache_clusters"), "num_cache_clusters", p);
    if (clusters.is_absent()) clusters = int_of(a.get("number_cache_clusters"), "number_cache_clusters", p);  // provider v3
    if (!clusters.is_absent()) return clusters;
    // Provider v4 wrote both in a cluster_mode block (removed in v5).
    const Value* legacy = block(a, "cluster_mode");
    const Value& from = a.get("num_node_groups") == nullptr && legacy != nullptr && legacy->is(Kind::kMap) ? *legacy : a;
    Field<int64_t> shards = int_of(from.get("num_node_groups"), "num_node_groups", p);
    if (!shards.is_known()) return shards;
    Field<int64_t> replicas = int_of(from.get("replicas_per_node_group"), "replicas_per_node_group", p);
    if (replicas.is_unknown()) return replicas;
    if (replicas.is_absent()) {
      return at(Field<int64_t>::unknown("num_node_groups is set without replicas_per_node_group: ElastiCache chooses "
                                        "the number of replicas"), {shards.line(), shards.column()});
    }
    return at(Field<int64_t>::known(shards.value() * (replicas.value() + 1)), {shards.line(), shards.column()});
  }

  void map_cache(const ResourceInstance& inst, ResourceType type) {
    ElastiCache c(type);
    begin(c, inst);
    const Value* global = type == ResourceType::kElastiCacheReplicationGroup ? inst.attributes.get("global_replication_group_id")
                                                                              : nullptr;
    if (global != nullptr && !global->is(Kind::kNull)) {
      const ResourceInstance* primary = global_primary(inst);
      const Value& from = primary != nullptr ? primary->attributes : inst.attributes;
      if (primary == nullptr) {
        auto why = at(Field<std::string>::unknown(
            "a global datastore secondary takes its settings from the primary group, which is not in the configuration"), inst.pos);
        c.engine = c.engine_version = c.transit_encryption_mode = c.kms_key_id = why;
        c.at_rest_encryption = c.transit_encryption = at(Field<bool>::unknown(why.reason()), inst.pos);
        c.status = c.replication_group_id = Field<std::string>::absent();
        cache_settings(c, inst, type);  // placement, failover and backups are the secondary's own
        add(std::move(c));
        return;
      }
      c.engine = string_of(from.get("engine"), "engine", inst.pos);
      if (c.engine.is_absent()) c.engine = at(Field<std::string>::known("redis"), inst.pos);
      c.engine_version = string_of(from.get("engine_version"), "engine_version", inst.pos);
      c.at_rest_encryption = bool_of(from.get("at_rest_encryption_enabled"), "at_rest_encryption_enabled", inst.pos);
      c.transit_encryption = bool_of(from.get("transit_encryption_enabled"), "transit_encryption_enabled", inst.pos);
      c.transit_encryption_mode = string_of(from.get("transit_encryption_mode"), "transit_encryption_mode", inst.pos);
      c.kms_key_id = key_reference(inst.attributes.get("kms_key_id"), "kms_key_id", inst.pos);
      c.status = c.replication_group_id = Field<std::string>::absent();
      for (Field<bool>* f : {&c.at_rest_encryption, &c.transit_encryption}) f->at(inst.pos.line, inst.pos.column);
      cache_settings(c, inst, type);
      add(std::move(c));
      return;
    }
    const Value& a = inst.attributes;
    c.status = Field<std::string>::absent();
    // A member cluster takes engine and encryption from its replication group; when that group
    // is not one of the configuration's, its settings are unknown, not the standalone defaults.
    std::string member_of_unknown;
    if (type == ResourceType::kElastiCacheCacheCluster && inst.unknown_why.empty()) {
      const Value* group = a.get("replication_group_id");
      // The provider records "" for a cluster in no group (plans show it): that is no group.
      const bool no_group = group == nullptr || group->is(Kind::kNull) || (group->is(Kind::kString) && group->text.empty());
      if (!no_group && !group_in_configuration(*group)) {
        member_of_unknown = group->is_unknown()
                                ? fmt::format("replication_group_id: {}", group->text)
                                : fmt::format("the cluster belongs to replication group {}, which is not in the configuration",
                                              group->is(Kind::kString) ? group->text : std::string("(not a string)"));
      }
    }
    if (!member_of_unknown.empty()) {
      auto why = at(Field<std::string>::unknown(member_of_unknown), inst.pos);
      c.engine = c.engine_version = c.transit_encryption_mode = c.kms_key_id = why;
      c.at_rest_encryption = c.transit_encryption = at(Field<bool>::unknown(member_of_unknown), inst.pos);
      c.replication_group_id = Field<std::string>::absent();
      cache_unknown(c, member_of_unknown, inst.pos);
      add(std::move(c));
      return;
    }
    if (!inst.unknown_why.empty()) {
      auto why = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      c.engine = c.engine_version = c.transit_encryption_mode = c.kms_key_id = why;
      c.at_rest_encryption = c.transit_encryption = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      c.replication_group_id = Field<std::string>::absent();
      cache_unknown(c, inst.unknown_why, inst.pos);
      add(std::move(c));
      return;
    }
    c.engine = string_of(a.get("engine"), "engine", inst.pos);
    c.replication_group_id = type == ResourceType::kElastiCacheCacheCluster
                                 ? id_of(a.get("replication_group_id"), "replication_group_id", inst.pos)
                                 : Field<std::string>::absent();
    if (c.engine.is_absent() && type == ResourceType::kElastiCacheReplicationGroup) {
      c.engine = at(Field<std::string>::known("redis"), inst.pos);  // the provider's default
    }
    c.engine_version = string_of(a.get(type == ResourceType::kElastiCacheServerlessCache ? "major_engine_version"
                                                                                         : "engine_version"),
                                 "engine_version", inst.pos);
    c.at_rest_encryption = type == ResourceType::kElastiCacheReplicationGroup
                               ? bool_of(a.get("at_rest_encryption_enabled"), "at_rest_encryption_enabled", inst.pos)
                               : at(Field<bool>::absent(), inst.pos);
    c.transit_encryption = type == ResourceType::kElastiCacheServerlessCache
                               ? at(Field<bool>::absent(), inst.pos)
                               : bool_of(a.get("transit_encryption_enabled"), "transit_encryption_enabled", inst.pos);
    c.transit_encryption_mode = string_of(a.get("transit_encryption_mode"), "transit_encryption_mode", inst.pos);
    c.kms_key_id = key_reference(a.get("kms_key_id"), "kms_key_id", inst.pos);
    cache_settings(c, inst, type);
    add(std::move(c));
    // Member clusters name their group by its id as often as by reference: index both.
    if (type == ResourceType::kElastiCacheReplicationGroup) {
      const Value* id = a.get("replication_group_id");
      if (id != nullptr && id->is(Kind::kString) && !id->text.empty() && id->text != inst.address) {
        ElastiCache alias = inventory_.caches().back();
        alias.id = id->text;
        alias.reference_only = true;
        add(std::move(alias), false);
      }
    }
  }

  // A policy document: jsonencode() output or a heredoc is already JSON text.
  Field<std::string> document_of(const Value* v, std::string_view what, hcl::Pos where) {
    if (v != nullptr && v->is(Kind::kMap)) return at(Field<std::string>::known(tf::to_json(*v)), pos_or(v, where));
    return string_of(v, what, where);
  }

  IngressRule rule_of(const Value& rule, bool vpc_rule, hcl::Pos where) {
    IngressRule r;
    Field<std::string> protocol = string_of(rule.get(vpc_rule ? "ip_protocol" : "protocol"), "protocol", where);
    r.protocol = protocol.is_known() ? protocol.value() : "?";
    if (r.protocol == "all") r.protocol = "-1";
    r.from_port = int_of(rule.get("from_port"), "from_port", where);
    r.to_port = int_of(rule.get("to_port"), "to_port", where);
    r.cidr_ipv4 = string_of(rule.get("cidr_ipv4"), "cidr_ipv4", where);
    r.cidr_ipv6 = string_of(rule.get("cidr_ipv6"), "cidr_ipv6", where);
    r.source_group = id_of(rule.get(vpc_rule ? "referenced_security_group_id" : "source_security_group_id"),
                           "source_security_group_id", where);
    r.prefix_list = string_of(rule.get("prefix_list_id"), "prefix_list_id", where);
    return r;
  }

  // One rule per CIDR of an ingress block (cidr_blocks is a list in the provider).
  void rules_of(const Value& block, std::vector<IngressRule>& out, hcl::Pos where) {
    IngressRule base = rule_of(block, false, where);
    bool any = false;
    for (auto [list, field] : {std::pair{"cidr_blocks", &IngressRule::cidr_ipv4}, std::pair{"ipv6_cidr_blocks", &IngressRule::cidr_ipv6}}) {
      const Value* cidrs = block.get(list);
      if (cidrs == nullptr || !cidrs->is(Kind::kList)) {
        if (cidrs != nullptr && cidrs->is_unknown()) {
          IngressRule r = base;
          r.*field = at(Field<std::string>::unknown(fmt::format("{}: {}", list, cidrs->text)), where);
          out.push_back(std::move(r));
          any = true;
        }
        continue;
      }
      for (const Value& c : cidrs->list) {
        IngressRule r = base;
        r.*field = string_of(&c, list, where);
        out.push_back(std::move(r));
        any = true;
      }
    }
    const Value* groups = block.get("security_groups");
    if (groups != nullptr && groups->is(Kind::kList)) {
      for (const Value& g : groups->list) {
        IngressRule r = base;
        r.source_group = id_of(&g, "security_groups", where);
        out.push_back(std::move(r));
        any = true;
      }
    }
    if (!any) out.push_back(std::move(base));
  }

  void map_security_group(const ResourceInstance& inst) {
    SecurityGroup g;
    begin(g, inst);
    g.vpc_id = id_of(inst.attributes.get("vpc_id"), "vpc_id", inst.pos);
    const Value* ingress = inst.attributes.get("ingress");
    if (!inst.unknown_why.empty()) {
      g.ingress = at(Field<std::vector<IngressRule>>::unknown(inst.unknown_why), inst.pos);
    } else if (ingress == nullptr || ingress->is(Kind::kNull)) {
      g.ingress = at(Field<std::vector<IngressRule>>::known({}), inst.pos);
    } else if (ingress->is(Kind::kList)) {
      std::vector<IngressRule> rules;
      for (const Value& block : ingress->list) {
        if (block.is(Kind::kMap)) rules_of(block, rules, pos_or(&block, inst.pos));
      }
      g.ingress = at(Field<std::vector<IngressRule>>::known(std::move(rules)), pos_or(ingress, inst.pos));
    } else {
      g.ingress = at(Field<std::vector<IngressRule>>::unknown(fmt::format("ingress: {}", ingress->text)), pos_or(ingress, inst.pos));
    }
    add(std::move(g));
  }

  // aws_security_group_rule (type = "ingress") and aws_vpc_security_group_ingress_rule add rules
  // to a group of the configuration.
  void attach_rule(const ResourceInstance& inst) {
    const bool vpc_rule = inst.type == "aws_vpc_security_group_ingress_rule";
    if (!vpc_rule) {
      const Value* type = inst.attributes.get("type");
      if (type == nullptr || !type->is(Kind::kString) || type->text != "ingress") return;
    }
    Field<std::string> group = id_of(inst.attributes.get("security_group_id"), "security_group_id", inst.pos);
    if (!group.is_known()) return;
    std::vector<IngressRule> extra;
    if (vpc_rule) {
      extra.push_back(rule_of(inst.attributes, true, inst.pos));
    } else {
      rules_of(inst.attributes, extra, inst.pos);
    }
    for (SecurityGroup& g : inventory_.mutable_security_groups()) {
      if (g.id != group.value() || g.origin.canonical_file != context_.scope || !g.ingress.is_known()) continue;
      if (!inst.unknown_why.empty()) {  // a rule that may or may not exist
        g.ingress = at(Field<std::vector<IngressRule>>::unknown(inst.unknown_why), inst.pos);
        continue;
      }
      std::vector<IngressRule> rules = g.ingress.value();
      rules.insert(rules.end(), extra.begin(), extra.end());
      const uint32_t line = g.ingress.line(), column = g.ingress.column();
      g.ingress = Field<std::vector<IngressRule>>::known(std::move(rules)).at(line, column);
    }
  }

  void map_role(const ResourceInstance& inst) {
    IamRole role;
    begin(role, inst);
    const Value& a = inst.attributes;
    role.assume_role_policy = document_of(a.get("assume_role_policy"), "assume_role_policy", inst.pos);
    std::vector<std::string> docs;
    bool known = true;
    if (const Value* inline_blocks = a.get("inline_policy"); inline_blocks != nullptr && inline_blocks->is(Kind::kList)) {
      for (const Value& p : inline_blocks->list) {
        Field<std::string> doc = document_of(p.get("policy"), "inline_policy.policy", inst.pos);
        if (doc.is_known()) docs.push_back(doc.value());
        if (doc.is_unknown()) known = false;
      }
    }
    // aws_iam_role_policy resources naming this role (by reference or name) add their documents.
    if (role_policies_.empty() && !role_policies_indexed_) {
      role_policies_indexed_ = true;
      for (const ResourceInstance& r : instances_) {
        if (r.type != "aws_iam_role_policy") continue;
        const Value* target = r.attributes.get("role");
        if (target == nullptr) continue;
        if (!target->ref.empty()) role_policies_[target->ref].push_back(&r);
        if (target->is(Kind::kString)) role_policies_["name:" + target->text].push_back(&r);
      }
    }
    std::vector<const ResourceInstance*> mine;
    for (const std::string& key : {inst.address, "name:" + name_of(inst)}) {
      auto it = role_policies_.find(key);
      if (it == role_policies_.end()) continue;
      for (const ResourceInstance* r : it->second) {
        if (std::find(mine.begin(), mine.end(), r) == mine.end()) mine.push_back(r);
      }
    }
    std::string maybe_why;  // a role policy whose count is unknown may or may not apply
    for (const ResourceInstance* rp : mine) {
      const ResourceInstance& r = *rp;
      if (!r.unknown_why.empty()) {
        maybe_why = r.unknown_why;
        continue;
      }
      Field<std::string> doc = document_of(r.attributes.get("policy"), "policy", r.pos);
      if (doc.is_known()) docs.push_back(doc.value());
      if (doc.is_unknown()) known = false;
    }
    role.inline_policies = !maybe_why.empty() ? at(Field<std::vector<std::string>>::unknown(maybe_why), inst.pos)
                           : known ? at(Field<std::vector<std::string>>::known(std::move(docs)), inst.pos)
                                   : at(Field<std::vector<std::string>>::unknown("a policy document is known only after apply"), inst.pos);
    role.managed_policy_arns = ids_of(a.get("managed_policy_arns"), "managed_policy_arns", inst.pos);
    if (role.managed_policy_arns.is_absent()) role.managed_policy_arns = at(Field<std::vector<std::string>>::known({}), inst.pos);
    add(std::move(role));
  }

  static std::string name_of(const ResourceInstance& inst) {
    const Value* name = inst.attributes.get("name");
    return name != nullptr && name->is(Kind::kString) ? name->text : std::string();
  }

  // Customer managed policies; inline policies of users and groups (and of roles the
  // configuration does not define) with their owner, e.g. "user/alice".
  void map_policy(const ResourceInstance& inst) {
    IamPolicy policy;
    begin(policy, inst);
    policy.inline_owner = at(Field<std::string>::absent(), inst.pos);
    if (inst.type != "aws_iam_policy") {
      const std::string_view owner_kind = inst.type == "aws_iam_user_policy"    ? "user"
                                          : inst.type == "aws_iam_group_policy" ? "group"
                                                                                : "role";
      const Value* owner = inst.attributes.get(owner_kind);
      if (owner_kind == "role") {
        // Read into its role (map_role) when the configuration defines the role.
        if (owner != nullptr && !owner->ref.empty() && type_of_address(owner->ref) == "aws_iam_role") return;
        if (owner != nullptr && owner->is(Kind::kString) && role_names_.count(owner->text) > 0) return;
      }
      Field<std::string> name = string_of(owner, owner_kind, inst.pos);
      if (name.is_unknown() && owner != nullptr && !owner->ref.empty()) name = at(Field<std::string>::known(owner->ref), inst.pos);
      policy.inline_owner = name.is_known() ? Field<std::string>::known(fmt::format("{}/{}", owner_kind, name.value()))
                            : name.is_unknown() ? Field<std::string>::unknown(name.reason())
                                                : Field<std::string>::unknown(fmt::format("the policy names no {}", owner_kind));
      policy.inline_owner.at(name.line(), name.column());
    }
    if (!inst.unknown_why.empty()) {
      policy.document = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
    } else {
      policy.document = document_of(inst.attributes.get("policy"), "policy", inst.pos);
    }
    policy.attached_roles = at(Field<std::vector<std::string>>::known({}), inst.pos);
    add(std::move(policy));
  }

  // aws_iam_role_policy_attachment: the role gains the managed policy, the policy the role.
  void attach_policy(const ResourceInstance& inst) {
    Field<std::string> role = id_of(inst.attributes.get("role"), "role", inst.pos);
    Field<std::string> arn = id_of(inst.attributes.get("policy_arn"), "policy_arn", inst.pos);
    if (!role.is_known() || !arn.is_known()) return;
    if (roles_by_key_.empty() && policies_by_id_.empty()) {  // indexed once: no scan per attachment
      for (IamRole& r : inventory_.mutable_iam_roles()) {
        if (r.origin.canonical_file != context_.scope) continue;
        roles_by_key_.emplace(r.id, &r);
        if (auto it = by_address_.find(r.id); it != by_address_.end()) roles_by_key_.emplace("name:" + name_of(*it->second), &r);
      }
      for (IamPolicy& p : inventory_.mutable_iam_policies()) {
        if (p.origin.canonical_file == context_.scope) policies_by_id_.emplace(p.id, &p);
      }
    }
    IamRole* r = nullptr;
    if (auto it = roles_by_key_.find(role.value()); it != roles_by_key_.end()) r = it->second;
    else if (auto byname = roles_by_key_.find("name:" + role.value()); byname != roles_by_key_.end()) r = byname->second;
    if (r != nullptr && r->managed_policy_arns.is_known() && !inst.unknown_why.empty()) {
      r->managed_policy_arns = at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);  // may be attached
    } else if (r != nullptr && r->managed_policy_arns.is_known()) {
      std::vector<std::string> arns = r->managed_policy_arns.value();
      arns.push_back(arn.value());
      r->managed_policy_arns = Field<std::vector<std::string>>::known(std::move(arns)).at(inst.pos.line, inst.pos.column);
    }
    if (auto it = policies_by_id_.find(arn.value()); it != policies_by_id_.end() && it->second->attached_roles.is_known() &&
        !inst.unknown_why.empty()) {
      it->second->attached_roles = at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
    } else if (auto it = policies_by_id_.find(arn.value()); it != policies_by_id_.end() && it->second->attached_roles.is_known()) {
      std::vector<std::string> roles = it->second->attached_roles.value();
      roles.push_back(role.value());
      it->second->attached_roles = Field<std::vector<std::string>>::known(std::move(roles)).at(inst.pos.line, inst.pos.column);
    }
  }

  // A list of strings; false (and `why`) when the list or an element is unknown.
  bool strings_of(const Value* v, std::string_view what, std::vector<std::string>& out, std::string& why) {
    if (v == nullptr || v->is(Kind::kNull)) return true;
    if (v->is_unknown()) {
      why = fmt::format("{}: {}", what, v->text);
      return false;
    }
    auto one = [&](const Value& item) {
      Field<std::string> s = string_of(&item, what, {});
      if (s.is_unknown()) {
        why = std::string(s.reason());
        return false;
      }
      if (s.is_known()) out.push_back(s.value());
      return true;
    };
    if (!v->is(Kind::kList)) return one(*v);
    for (const Value& item : v->list) {
      if (!one(item)) return false;
    }
    return true;
  }

  static std::vector<const Value*> blocks_of(const Value* v) {
    std::vector<const Value*> out;
    if (v == nullptr) return out;
    if (v->is(Kind::kList)) {
      for (const Value& item : v->list) {
        if (item.is(Kind::kMap)) out.push_back(&item);
      }
    } else if (v->is(Kind::kMap)) {
      out.push_back(v);
    }
    return out;
  }

  void map_subnet(const ResourceInstance& inst) {
    Subnet n;
    begin(n, inst);
    if (!inst.unknown_why.empty()) {
      n.vpc_id = n.availability_zone = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
    } else {
      n.vpc_id = id_of(inst.attributes.get("vpc_id"), "vpc_id", inst.pos);
      // Absent: AWS picks a zone.
      n.availability_zone = string_of(inst.attributes.get("availability_zone"), "availability_zone", inst.pos);
    }
    add(std::move(n));
  }

  // A route's gateway: a reference to an internet gateway of the configuration becomes
  // "igw-<address>" (a VPN gateway "vgw-<address>"), so "igw-" means internet gateway whatever
  // the source.
  Field<std::string> gateway_of(const Value* v, hcl::Pos where) {
    if (v != nullptr && !v->ref.empty()) {
      const std::string type = type_of_address(v->ref);
      std::string_view prefix = type == "aws_internet_gateway" || type == "data.aws_internet_gateway" ? "igw-"
                                : type == "aws_vpn_gateway" || type == "data.aws_vpn_gateway"     ? "vgw-"
                                                                                                  : "";
      return at(Field<std::string>::known(std::string(prefix) + v->ref), pos_or(v, where));
    }
    return string_of(v, "gateway_id", where);
  }

  Route route_of(const Value& r, bool standalone, hcl::Pos where) {
    Route out;
    out.destination_cidr = string_of(r.get(standalone ? "destination_cidr_block" : "cidr_block"), "cidr_block", where);
    out.destination_ipv6_cidr =
        string_of(r.get(standalone ? "destination_ipv6_cidr_block" : "ipv6_cidr_block"), "ipv6_cidr_block", where);
    out.gateway_id = gateway_of(r.get("gateway_id"), where);
    return out;
  }

  // aws_route_table and aws_default_route_table (the VPC's main table), with the aws_route,
  // aws_route_table_association and aws_main_route_table_association resources naming them.
  void map_route_table(const ResourceInstance& inst) {
    RouteTable t;
    begin(t, inst);
    const Value& a = inst.attributes;
    const bool default_table = inst.type == "aws_default_route_table";
    if (!inst.unknown_why.empty()) {
      t.vpc_id = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      t.main = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      t.subnet_ids = at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
      t.routes = at(Field<std::vector<Route>>::unknown(inst.unknown_why), inst.pos);
      add(std::move(t));
      return;
    }
    if (default_table) {
      // default_route_table_id = aws_vpc.x.default_route_table_id names the VPC.
      const Value* id = a.get("default_route_table_id");
      hcl::Pos p = pos_or(id, inst.pos);
      if (id != nullptr && !id->ref.empty() && type_of_address(id->ref) == "aws_vpc") {
        t.vpc_id = at(Field<std::string>::known(id->ref), p);
      } else {
        t.vpc_id = at(Field<std::string>::unknown("the default route table's VPC is not in the configuration"), p);
      }
      t.main = at(Field<bool>::known(true), inst.pos);
    } else {
      t.vpc_id = id_of(a.get("vpc_id"), "vpc_id", inst.pos);
      t.main = at(Field<bool>::known(false), inst.pos);
    }
    const Value* inline_routes = a.get("route");
    std::vector<Route> routes;
    bool routes_known = true;
    std::string routes_why;
    if (inline_routes != nullptr && inline_routes->is_unknown()) {
      routes_known = false;
      routes_why = fmt::format("route: {}", inline_routes->text);
    } else {
      for (const Value* r : blocks_of(inline_routes)) routes.push_back(route_of(*r, false, pos_or(r, inst.pos)));
    }
    std::vector<std::string> subnets;
    bool subnets_known = true;
    std::string subnets_why;
    std::vector<const ResourceInstance*> extras = extras_with(inst.address, kAnyRouteTable);
    if (default_table && t.vpc_id.is_known()) {
      // route_table_id = aws_vpc.x.main_route_table_id (or default_route_table_id): this table.
      const std::vector<const ResourceInstance*>& via_vpc = extras_of(t.vpc_id.value());
      extras.insert(extras.end(), via_vpc.begin(), via_vpc.end());
    }
    for (const ResourceInstance* extra : extras) {
      const Value& x = extra->attributes;
      const Value* named = x.get("route_table_id");
      const bool maybe = !extra->unknown_why.empty() || named == nullptr || named->ref.empty();
      const std::string why = !extra->unknown_why.empty()
                                  ? extra->unknown_why
                                  : fmt::format("{} names a route table that is not known: it may be this one", extra->address);
      if (maybe && extra->type == "aws_route") {
        // A route that may exist (count unknown) or may be this table's: its routes are unknown.
        routes_known = false;
        routes_why = why;
      } else if (maybe && extra->type == "aws_route_table_association") {
        subnets_known = false;
        subnets_why = why;
      } else if (maybe && extra->type == "aws_main_route_table_association") {
        t.main = at(Field<bool>::unknown(why), extra->pos);
      } else if (extra->type == "aws_route") {
        routes.push_back(route_of(x, true, extra->pos));
      } else if (extra->type == "aws_route_table_association") {
        const Value* subnet = x.get("subnet_id");
        if (subnet == nullptr || subnet->is(Kind::kNull)) continue;  // a gateway (edge) association
        Field<std::string> id = id_of(subnet, "subnet_id", extra->pos);
        if (id.is_known()) subnets.push_back(id.value());
        if (id.is_unknown()) {
          subnets_known = false;
          subnets_why = fmt::format("{}: {}", extra->address, id.reason());
        }
      } else if (extra->type == "aws_main_route_table_association") {
        if (!t.main.is_unknown()) t.main = at(Field<bool>::known(true), extra->pos);
        if (!t.vpc_id.is_known()) t.vpc_id = id_of(x.get("vpc_id"), "vpc_id", extra->pos);
      }
    }
    t.routes = routes_known ? at(Field<std::vector<Route>>::known(std::move(routes)), pos_or(inline_routes, inst.pos))
                            : at(Field<std::vector<Route>>::unknown(routes_why), pos_or(inline_routes, inst.pos));
    t.subnet_ids = subnets_known ? at(Field<std::vector<std::string>>::known(std::move(subnets)), inst.pos)
                                 : at(Field<std::vector<std::string>>::unknown(subnets_why), inst.pos);
    add(std::move(t));
  }

  void map_vpc_endpoint(const ResourceInstance& inst) {
    VpcEndpoint e;
    begin(e, inst);
    e.state = at(Field<std::string>::absent(), inst.pos);
    if (!inst.unknown_why.empty()) {
      e.vpc_id = e.service_name = e.endpoint_type = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
    } else {
      const Value& a = inst.attributes;
      e.vpc_id = id_of(a.get("vpc_id"), "vpc_id", inst.pos);
      const Value* service = a.get("service_name");
      e.service_name = string_of(service, "service_name", inst.pos);
      // "com.amazonaws.${data.aws_region.current.name}.dynamodb" without a known region: the
      // service is still told by the text around the placeholder.
      if (e.service_name.is_unknown() && service->stand_in.starts_with("com.amazonaws.")) {
        e.service_name = at(Field<std::string>::known(service->stand_in), pos_or(service, inst.pos));
      }
      // Absent: Gateway (the provider's default and the API's).
      e.endpoint_type = string_of(a.get("vpc_endpoint_type"), "vpc_endpoint_type", inst.pos);
    }
    add(std::move(e));
  }

  // Backup selection resources: a table of the configuration (by reference, ARN or
  // "table/NAME") is its address; other entries (wildcards, other ARNs) stay literal.
  Field<std::vector<std::string>> selected_resources(const Value* v, std::string_view what, hcl::Pos where) {
    if (v == nullptr || v->is(Kind::kNull)) return at(Field<std::vector<std::string>>::absent(), where);
    hcl::Pos p = pos_or(v, where);
    if (v->is_unknown() && !v->ref.empty() && !v->stand_in.empty()) {
      const std::string table = table_address(v);
      if (!table.empty()) return at(Field<std::vector<std::string>>::known({table}), p);
      return ids_of(v, what, where);
    }
    if (v->is_unknown()) return at(Field<std::vector<std::string>>::unknown(fmt::format("{}: {}", what, v->text)), p);
    if (!v->is(Kind::kList)) return at(Field<std::vector<std::string>>::unknown(fmt::format("{} is not a list", what)), p);
    std::vector<std::string> out;
    for (const Value& item : v->list) {
      std::string table = table_address(&item);
      if (!table.empty()) {
        out.push_back(std::move(table));
        continue;
      }
      if (item.is_unknown() && item.ref.empty()) {
        // "arn:${data.aws_partition.p.partition}:dynamodb:${data.aws_region.r.name}:...:table/*":
        // the configuration's own partition, region and account, which its tables share: "*".
        std::string pattern = item.stand_in;
        for (const char* lookup : {"${data.aws_region.", "${data.aws_caller_identity.", "${data.aws_partition."}) {
          for (size_t at = pattern.find(lookup); at != std::string::npos; at = pattern.find(lookup, at)) {
            const size_t end = pattern.find('}', at);
            if (end == std::string::npos) break;
            pattern.replace(at, end - at + 1, "*");
          }
        }
        if (!pattern.empty() && pattern.find("${") == std::string::npos) {
          out.push_back(std::move(pattern));
          continue;
        }
      }
      Field<std::string> id = id_of(&item, what, p);
      if (id.is_unknown()) return at(Field<std::vector<std::string>>::unknown(id.reason()), p);
      if (id.is_known()) out.push_back(id.value());
    }
    return at(Field<std::vector<std::string>>::known(std::move(out)), p);
  }

  void map_backup_selection(const ResourceInstance& inst) {
    BackupSelection b;
    begin(b, inst);
    if (!inst.unknown_why.empty()) {
      b.plan_id = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      b.resources = b.not_resources = at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
      b.list_of_tags = b.conditions = at(Field<std::vector<TagCondition>>::unknown(inst.unknown_why), inst.pos);
      add(std::move(b));
      return;
    }
    const Value& a = inst.attributes;
    b.plan_id = id_of(a.get("plan_id"), "plan_id", inst.pos);
    b.resources = selected_resources(a.get("resources"), "resources", inst.pos);
    b.not_resources = selected_resources(a.get("not_resources"), "not_resources", inst.pos);
    // selection_tag { type = "STRINGEQUALS", key, value }: any one selects.
    const Value* tags = a.get("selection_tag");
    std::vector<TagCondition> list;
    std::string why;
    if (tags != nullptr && tags->is_unknown()) why = fmt::format("selection_tag: {}", tags->text);
    for (const Value* t : blocks_of(tags)) {
      if (!why.empty()) break;
      Field<std::string> type = string_of(t->get("type"), "selection_tag.type", inst.pos);
      Field<std::string> key = string_of(t->get("key"), "selection_tag.key", inst.pos);
      Field<std::string> value = string_of(t->get("value"), "selection_tag.value", inst.pos);
      for (const Field<std::string>* f : {&type, &key, &value}) {
        if (f->is_unknown() && why.empty()) why = std::string(f->reason());
      }
      if (!why.empty()) break;
      std::string op = type.value_or("STRINGEQUALS");
      list.push_back({iequals(op, "STRINGEQUALS") ? "StringEquals" : op, key.value_or(""), value.value_or("")});
    }
    b.list_of_tags = why.empty() ? at(Field<std::vector<TagCondition>>::known(std::move(list)), pos_or(tags, inst.pos))
                                 : at(Field<std::vector<TagCondition>>::unknown(why), pos_or(tags, inst.pos));
    // condition { string_equals { key = "aws:ResourceTag/K", value } ... }: all must match.
    const Value* condition = a.get("condition");
    std::vector<TagCondition> all;
    why.clear();
    if (condition != nullptr && condition->is_unknown()) why = fmt::format("condition: {}", condition->text);
    static constexpr std::pair<const char*, const char*> kOps[] = {
        {"string_equals", "StringEquals"}, {"string_not_equals", "StringNotEquals"},
        {"string_like", "StringLike"}, {"string_not_like", "StringNotLike"}};
    for (const Value* c : blocks_of(condition)) {
      for (const auto& [name, op] : kOps) {
        const Value* tests = c->get(name);
        if (tests != nullptr && tests->is_unknown() && why.empty()) why = fmt::format("condition.{}: {}", name, tests->text);
        for (const Value* test : blocks_of(tests)) {
          Field<std::string> key = string_of(test->get("key"), "condition key", inst.pos);
          Field<std::string> value = string_of(test->get("value"), "condition value", inst.pos);
          if ((key.is_unknown() || value.is_unknown()) && why.empty()) {
            why = std::string(key.is_unknown() ? key.reason() : value.reason());
          }
          std::string k = key.value_or("");
          if (k.starts_with("aws:ResourceTag/")) k.erase(0, 16);
          all.push_back({op, std::move(k), value.value_or("")});
        }
      }
    }
    b.conditions = why.empty() ? at(Field<std::vector<TagCondition>>::known(std::move(all)), pos_or(condition, inst.pos))
                               : at(Field<std::vector<TagCondition>>::unknown(why), pos_or(condition, inst.pos));
    add(std::move(b));
  }

  // resource_id "table/NAME[/index/INDEX]": a table of the configuration is named by its address.
  Field<std::string> scalable_resource(const Value* v, const Field<std::string>& dimension, hcl::Pos where) {
    if (v != nullptr && v->is(Kind::kString)) {
      std::string_view text = v->text;
      if (text.starts_with("table/")) {
        std::string_view rest = text.substr(6);
        const size_t slash = rest.find('/');
        auto it = table_names_.find(std::string(rest.substr(0, slash)));
        if (it != table_names_.end()) {
          std::string id = "table/" + it->second + (slash == std::string_view::npos ? "" : std::string(rest.substr(slash)));
          return at(Field<std::string>::known(std::move(id)), pos_or(v, where));
        }
      }
    }
    // A plan: "table/${aws_dynamodb_table.t.id}" is known after apply but names the table.
    if (v != nullptr && v->is_unknown() && !table_address(v).empty() && dimension.is_known() &&
        dimension.value().starts_with("dynamodb:table:")) {
      return at(Field<std::string>::known("table/" + table_address(v)), pos_or(v, where));
    }
    return string_of(v, "resource_id", where);
  }

  void map_scalable_target(const ResourceInstance& inst) {
    ScalableTarget t;
    begin(t, inst);
    if (!inst.unknown_why.empty()) {
      t.service_namespace = t.resource_id = t.scalable_dimension = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
    } else {
      const Value& a = inst.attributes;
      t.service_namespace = string_of(a.get("service_namespace"), "service_namespace", inst.pos);
      t.scalable_dimension = string_of(a.get("scalable_dimension"), "scalable_dimension", inst.pos);
      t.resource_id = scalable_resource(a.get("resource_id"), t.scalable_dimension, inst.pos);
    }
    add(std::move(t));
  }

  void map_trail(const ResourceInstance& inst) {
    Trail t;
    begin(t, inst);
    t.home_region = context_.region != nullptr ? at(Field<std::string>::known(*context_.region), inst.pos)
                                               : at(Field<std::string>::absent(), inst.pos);
    if (!inst.unknown_why.empty()) {
      t.multi_region = t.logging = t.organization = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      t.event_selectors = at(Field<std::vector<ClassicEventSelector>>::unknown(inst.unknown_why), inst.pos);
      t.advanced_event_selectors = at(Field<std::vector<AdvancedEventSelector>>::unknown(inst.unknown_why), inst.pos);
      add(std::move(t));
      return;
    }
    const Value& a = inst.attributes;
    t.multi_region = bool_of(a.get("is_multi_region_trail"), "is_multi_region_trail", inst.pos);  // absent: false
    t.organization = bool_of(a.get("is_organization_trail"), "is_organization_trail", inst.pos);  // absent: false
    t.logging = bool_of(a.get("enable_logging"), "enable_logging", inst.pos);
    // The provider starts logging unless enable_logging = false; a trail made through the API
    // would not log until StartLogging.
    if (t.logging.is_absent()) t.logging = at(Field<bool>::known(true), inst.pos);

    const Value* classic = a.get("event_selector");
    hcl::Pos cp = pos_or(classic, inst.pos);
    if (classic == nullptr || classic->is(Kind::kNull) || (classic->is(Kind::kList) && classic->list.empty())) {
      t.event_selectors = at(Field<std::vector<ClassicEventSelector>>::absent(), cp);
    } else if (classic->is_unknown()) {
      t.event_selectors = at(Field<std::vector<ClassicEventSelector>>::unknown(fmt::format("event_selector: {}", classic->text)), cp);
    } else {
      std::vector<ClassicEventSelector> selectors;
      std::string why;
      for (const Value* sel : blocks_of(classic)) {
        hcl::Pos sp = pos_or(sel, cp);
        ClassicEventSelector c;
        c.read_write_type = string_of(sel->get("read_write_type"), "read_write_type", sp);
        c.include_management_events = bool_of(sel->get("include_management_events"), "include_management_events", sp);
        if (!strings_of(sel->get("exclude_management_event_sources"), "exclude_management_event_sources",
                        c.exclude_management_event_sources, why)) {
          c.exclude_management_event_sources.clear();
        }
        const Value* data = sel->get("data_resource");
        if (data != nullptr && data->is_unknown()) why = fmt::format("data_resource: {}", data->text);
        for (const Value* d : blocks_of(data)) {
          Field<std::string> type = string_of(d->get("type"), "data_resource.type", sp);
          if (type.is_unknown()) why = std::string(type.reason());
          if (type.is_known()) c.data_resource_types.push_back(type.value());
        }
        selectors.push_back(std::move(c));
      }
      t.event_selectors = why.empty() ? at(Field<std::vector<ClassicEventSelector>>::known(std::move(selectors)), cp)
                                      : at(Field<std::vector<ClassicEventSelector>>::unknown(why), cp);
    }

    const Value* advanced = a.get("advanced_event_selector");
    hcl::Pos ap = pos_or(advanced, inst.pos);
    if (advanced == nullptr || advanced->is(Kind::kNull) || (advanced->is(Kind::kList) && advanced->list.empty())) {
      t.advanced_event_selectors = at(Field<std::vector<AdvancedEventSelector>>::absent(), ap);
    } else if (advanced->is_unknown()) {
      t.advanced_event_selectors =
          at(Field<std::vector<AdvancedEventSelector>>::unknown(fmt::format("advanced_event_selector: {}", advanced->text)), ap);
    } else {
      std::vector<AdvancedEventSelector> selectors;
      std::string why;
      for (const Value* sel : blocks_of(advanced)) {
        AdvancedEventSelector s;
        s.name = string_of(sel->get("name"), "name", ap).value_or("");
        const Value* fields = sel->get("field_selector");
        if (fields != nullptr && fields->is_unknown()) why = fmt::format("field_selector: {}", fields->text);
        for (const Value* f : blocks_of(fields)) {
          AdvancedFieldSelector fs;
          Field<std::string> field = string_of(f->get("field"), "field_selector.field", ap);
          if (field.is_unknown()) why = std::string(field.reason());
          fs.field = field.value_or("");
          const std::pair<const char*, std::vector<std::string>*> lists[] = {
              {"equals", &fs.equals}, {"not_equals", &fs.not_equals}, {"starts_with", &fs.starts_with},
              {"not_starts_with", &fs.not_starts_with}, {"ends_with", &fs.ends_with},
              {"not_ends_with", &fs.not_ends_with}};
          for (const auto& [name, out] : lists) {
            if (!strings_of(f->get(name), name, *out, why)) break;
          }
          s.field_selectors.push_back(std::move(fs));
        }
        selectors.push_back(std::move(s));
      }
      t.advanced_event_selectors = why.empty() ? at(Field<std::vector<AdvancedEventSelector>>::known(std::move(selectors)), ap)
                                               : at(Field<std::vector<AdvancedEventSelector>>::unknown(why), ap);
    }
    add(std::move(t));
  }

  void map_recorder(const ResourceInstance& inst) {
    ConfigRecorder r;
    begin(r, inst);
    if (!inst.unknown_why.empty()) {
      r.recording = r.all_supported = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      r.recording_strategy = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      r.resource_types = r.excluded_types = at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
      add(std::move(r));
      return;
    }
    // Recording: the aws_config_configuration_recorder_status naming the recorder. Without one
    // it is absent: a recorder Terraform creates stays stopped (as AWS creates it) unless
    // something outside this configuration starts it; checks read absent as not recording.
    r.recording = at(Field<bool>::absent(), inst.pos);
    std::vector<const ResourceInstance*> statuses = extras_of(inst.address);
    const std::vector<const ResourceInstance*>& by_name = extras_of("name:" + name_of(inst));
    statuses.insert(statuses.end(), by_name.begin(), by_name.end());
    for (const ResourceInstance* status : statuses) {
      if (status->type != "aws_config_configuration_recorder_status") continue;
      r.recording = status->unknown_why.empty()
                        ? bool_of(status->attributes.get("is_enabled"), "is_enabled", status->pos)
                        : at(Field<bool>::unknown(status->unknown_why), status->pos);
    }
    const Value* group = block(inst.attributes, "recording_group");
    hcl::Pos gp = pos_or(group, inst.pos);
    if (group == nullptr) {
      // No recording group: AWS records every supported type.
      r.all_supported = at(Field<bool>::absent(), gp);
      r.recording_strategy = at(Field<std::string>::absent(), gp);
      r.resource_types = r.excluded_types = at(Field<std::vector<std::string>>::absent(), gp);
    } else if (group->is_unknown()) {
      std::string why = fmt::format("recording_group: {}", group->text);
      r.all_supported = at(Field<bool>::unknown(why), gp);
      r.recording_strategy = at(Field<std::string>::unknown(why), gp);
      r.resource_types = r.excluded_types = at(Field<std::vector<std::string>>::unknown(why), gp);
    } else {
      r.all_supported = bool_of(group->get("all_supported"), "recording_group.all_supported", gp);
      // The provider's default inside the block is true (the API's would be false).
      if (r.all_supported.is_absent()) r.all_supported = at(Field<bool>::known(true), gp);
      r.resource_types = ids_of(group->get("resource_types"), "recording_group.resource_types", gp);
      if (r.resource_types.is_known() && r.resource_types.value().empty()) r.resource_types = at(Field<std::vector<std::string>>::absent(), gp);
      const Value* exclusion = block(*group, "exclusion_by_resource_types");
      r.excluded_types = exclusion == nullptr ? at(Field<std::vector<std::string>>::absent(), gp)
                         : exclusion->is_unknown()
                             ? at(Field<std::vector<std::string>>::unknown(fmt::format("exclusion_by_resource_types: {}", exclusion->text)), gp)
                             : ids_of(exclusion->get("resource_types"), "exclusion_by_resource_types.resource_types", gp);
      const Value* strategy = block(*group, "recording_strategy");
      r.recording_strategy = strategy == nullptr ? at(Field<std::string>::absent(), gp)
                             : strategy->is_unknown()
                                 ? at(Field<std::string>::unknown(fmt::format("recording_strategy: {}", strategy->text)), gp)
                                 : string_of(strategy->get("use_only"), "recording_strategy.use_only", gp);
    }
    add(std::move(r));
  }

  void map_key(const ResourceInstance& inst) {
    KmsKey k;
    begin(k, inst);
    const Value& a = inst.attributes;
    k.key_manager = at(Field<std::string>::known("CUSTOMER"), inst.pos);
    if (!inst.unknown_why.empty()) {
      k.key_state = k.key_origin = k.key_spec = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      k.rotation_enabled = Field<bool>::unknown(inst.unknown_why);
      k.policy = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      k.deletion_date = Field<std::string>::absent();
      add(std::move(k));
      return;
    }
    Field<bool> enabled = bool_of(a.get("is_enabled"), "is_enabled", inst.pos);
    k.key_state = enabled.is_unknown() ? Field<std::string>::unknown(enabled.reason())
                  : Field<std::string>::known(enabled.is_known() && !enabled.value() ? "Disabled" : "Enabled");
    k.key_state.at(enabled.line(), enabled.column());
    k.key_origin = at(Field<std::string>::known("AWS_KMS"), inst.pos);
    k.key_spec = string_of(a.get("customer_master_key_spec"), "customer_master_key_spec", inst.pos);
    if (k.key_spec.is_absent()) k.key_spec = string_of(a.get("key_spec"), "key_spec", inst.pos);
    if (k.key_spec.is_absent()) k.key_spec = at(Field<std::string>::known("SYMMETRIC_DEFAULT"), inst.pos);
    if (inst.type == "aws_kms_replica_key") {
      // A multi-Region replica shares its primary's key material, spec and rotation.
      const Value* primary = a.get("primary_key_arn");
      auto it = primary != nullptr && !primary->ref.empty() ? by_address_.find(primary->ref) : by_address_.end();
      if (it != by_address_.end() && it->second->unknown_why.empty()) {
        const Value& pa = it->second->attributes;
        k.rotation_enabled = bool_of(pa.get("enable_key_rotation"), "enable_key_rotation", it->second->pos);
        if (k.rotation_enabled.is_absent()) k.rotation_enabled = at(Field<bool>::known(false), it->second->pos);
        Field<std::string> spec = string_of(pa.get("customer_master_key_spec"), "customer_master_key_spec", it->second->pos);
        if (spec.is_absent()) spec = string_of(pa.get("key_spec"), "key_spec", it->second->pos);
        if (!spec.is_absent()) k.key_spec = spec;
      } else {
        const std::string why = it != by_address_.end() ? it->second->unknown_why
                                                        : "a replica key rotates with its primary key, which is not in the configuration";
        k.rotation_enabled = at(Field<bool>::unknown(why), inst.pos);
      }
    } else {
      k.rotation_enabled = bool_of(a.get("enable_key_rotation"), "enable_key_rotation", inst.pos);
      if (k.rotation_enabled.is_absent()) k.rotation_enabled = at(Field<bool>::known(false), inst.pos);
    }
    k.deletion_date = Field<std::string>::absent();
    // Absent: the default key policy (the account's principals, through IAM).
    k.policy = document_of(a.get("policy"), "policy", inst.pos);
    for (const ResourceInstance* extra : extras_with(inst.address, kAnyKey)) {
      if (extra->type != "aws_kms_key_policy" || k.policy.is_unknown()) continue;
      if (!extra->unknown_why.empty()) {
        k.policy = at(Field<std::string>::unknown(extra->unknown_why), extra->pos);
      } else if (const Value* key = extra->attributes.get("key_id"); key == nullptr || key->ref != inst.address) {
        k.policy = at(Field<std::string>::unknown(fmt::format(
            "{} sets the policy of a key that is not known: it may be this one", extra->address)), extra->pos);
      } else {
        k.policy = document_of(extra->attributes.get("policy"), "aws_kms_key_policy.policy", extra->pos);
      }
    }
    add(std::move(k));
  }
};

}  // namespace

size_t map_resources(const std::vector<ResourceInstance>& instances, const MapContext& context, Inventory& inventory) {
  return Mapper(instances, context, inventory).run();
}

}  // namespace atrest::tf
