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
      "aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment"};
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
      if (r.type != "aws_elasticache_replication_group") continue;
      const Value* id = r.attributes.get("replication_group_id");
      if (id != nullptr && id->is(Kind::kString)) group_ids_.insert(id->text);
    }
  }

  size_t run() {
    for (const ResourceInstance& r : instances_) {
      if (r.type == "aws_kms_alias") map_alias(r);
    }
    for (const ResourceInstance& r : instances_) {
      if (r.type == "aws_dax_cluster") map_dax(r);
      else if (r.type == "aws_dax_subnet_group") map_subnet_group(r);
      else if (r.type == "aws_dynamodb_table") map_table(r);
      else if (r.type == "aws_dynamodb_table_replica") map_replica(r);
      else if (r.type == "aws_elasticache_replication_group") map_cache(r, ResourceType::kElastiCacheReplicationGroup);
      else if (r.type == "aws_elasticache_cluster") map_cache(r, ResourceType::kElastiCacheCacheCluster);
      else if (r.type == "aws_elasticache_serverless_cache") map_cache(r, ResourceType::kElastiCacheServerlessCache);
      else if (r.type == "aws_kms_key" || r.type == "aws_kms_replica_key") map_key(r);
      else if (r.type == "aws_security_group") map_security_group(r);
      else if (r.type == "aws_iam_role") map_role(r);
      else if (r.type == "aws_iam_policy" || r.type == "aws_iam_role_policy") map_policy(r);
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
  std::unordered_map<std::string, std::vector<const ResourceInstance*>> role_policies_;  // role address or "name:N"
  bool role_policies_indexed_ = false;
  std::unordered_map<std::string, IamRole*> roles_by_key_;      // address and "name:N", built on first attachment
  std::unordered_map<std::string, IamPolicy*> policies_by_id_;
  std::unordered_map<std::string, std::string> alias_names_;    // alias address -> alias name
  std::unordered_map<std::string, std::string> alias_targets_;  // alias address -> key address or id
  size_t added_ = 0;

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

  void map_subnet_group(const ResourceInstance& inst) {
    SubnetGroup g;
    begin(g, inst);
    g.subnet_ids = inst.unknown_why.empty() ? ids_of(inst.attributes.get("subnet_ids"), "subnet_ids", inst.pos)
                                            : at(Field<std::vector<std::string>>::unknown(inst.unknown_why), inst.pos);
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
    Field<bool> on = pitr == nullptr ? at(Field<bool>::absent(), inst.pos)
                     : pitr->is_unknown() ? at(Field<bool>::unknown(pitr->text), pos_or(pitr, inst.pos))
                                          : bool_of(pitr->get("enabled"), "point_in_time_recovery.enabled", pos_or(pitr, inst.pos));
    t.pitr_status = on.is_known() ? Field<std::string>::known(on.value() ? "ENABLED" : "DISABLED")
                    : on.is_absent() ? Field<std::string>::known("DISABLED")
                                     : Field<std::string>::unknown(on.reason());
    t.pitr_status.at(on.line(), on.column());
    t.pitr_recovery_days = pitr != nullptr && !pitr->is_unknown()
                               ? int_of(pitr->get("recovery_period_in_days"), "recovery_period_in_days", inst.pos)
                               : Field<int64_t>::absent();
  }

  void map_table(const ResourceInstance& inst) {
    DynamoDbTable t;
    begin(t, inst);
    t.table_status = Field<std::string>::absent();
    if (!inst.unknown_why.empty()) {
      t.sse_status = t.sse_type = t.kms_key_arn = t.pitr_status = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      t.deletion_protection = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      t.pitr_recovery_days = Field<int64_t>::unknown(inst.unknown_why);
      add(std::move(t));
      return;
    }
    set_table_sse(t, inst);
    t.deletion_protection = bool_of(inst.attributes.get("deletion_protection_enabled"), "deletion_protection_enabled", inst.pos);
    set_pitr(t, inst);
    add(std::move(t));
  }

  // A replica of a global table (version 2019): its own key; without one it follows the table.
  void map_replica(const ResourceInstance& inst) {
    DynamoDbTable t;
    begin(t, inst);
    t.table_status = Field<std::string>::absent();
    if (!inst.unknown_why.empty()) {
      t.sse_status = t.sse_type = t.kms_key_arn = t.pitr_status = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      t.deletion_protection = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      t.pitr_recovery_days = Field<int64_t>::unknown(inst.unknown_why);
      add(std::move(t));
      return;
    }
    Field<std::string> key = key_reference(inst.attributes.get("kms_key_arn"), "kms_key_arn", inst.pos);
    if (key.is_known() || key.is_unknown()) {
      t.sse_status = at(key.is_known() ? Field<std::string>::known("ENABLED") : Field<std::string>::unknown(key.reason()), inst.pos);
      t.sse_type = at(key.is_known() ? Field<std::string>::known("KMS") : Field<std::string>::unknown(key.reason()), inst.pos);
      t.kms_key_arn = key;
    } else {
      // Without kms_key_arn the replica uses the encryption of the table it replicates.
      const Value* table = inst.attributes.get("global_table_arn");
      const ResourceInstance* main = nullptr;
      if (table != nullptr && !table->ref.empty()) {
        auto it = by_address_.find(table->ref);
        if (it != by_address_.end()) main = it->second;
      }
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
      add(std::move(c));
      return;
    }
    if (!inst.unknown_why.empty()) {
      auto why = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      c.engine = c.engine_version = c.transit_encryption_mode = c.kms_key_id = why;
      c.at_rest_encryption = c.transit_encryption = at(Field<bool>::unknown(inst.unknown_why), inst.pos);
      c.replication_group_id = Field<std::string>::absent();
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
    for (const ResourceInstance* rp : mine) {
      const ResourceInstance& r = *rp;
      Field<std::string> doc = document_of(r.attributes.get("policy"), "policy", r.pos);
      if (doc.is_known()) docs.push_back(doc.value());
      if (doc.is_unknown()) known = false;
    }
    role.inline_policies = known ? at(Field<std::vector<std::string>>::known(std::move(docs)), inst.pos)
                                 : at(Field<std::vector<std::string>>::unknown("a policy document is known only after apply"), inst.pos);
    role.managed_policy_arns = ids_of(a.get("managed_policy_arns"), "managed_policy_arns", inst.pos);
    if (role.managed_policy_arns.is_absent()) role.managed_policy_arns = at(Field<std::vector<std::string>>::known({}), inst.pos);
    add(std::move(role));
  }

  static std::string name_of(const ResourceInstance& inst) {
    const Value* name = inst.attributes.get("name");
    return name != nullptr && name->is(Kind::kString) ? name->text : std::string();
  }

  void map_policy(const ResourceInstance& inst) {
    if (inst.type == "aws_iam_role_policy") return;  // read into its role (map_role)
    IamPolicy policy;
    begin(policy, inst);
    policy.document = document_of(inst.attributes.get("policy"), "policy", inst.pos);
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
    if (r != nullptr && r->managed_policy_arns.is_known()) {
      std::vector<std::string> arns = r->managed_policy_arns.value();
      arns.push_back(arn.value());
      r->managed_policy_arns = Field<std::vector<std::string>>::known(std::move(arns)).at(inst.pos.line, inst.pos.column);
    }
    if (auto it = policies_by_id_.find(arn.value()); it != policies_by_id_.end() && it->second->attached_roles.is_known()) {
      std::vector<std::string> roles = it->second->attached_roles.value();
      roles.push_back(role.value());
      it->second->attached_roles = Field<std::vector<std::string>>::known(std::move(roles)).at(inst.pos.line, inst.pos.column);
    }
  }

  void map_key(const ResourceInstance& inst) {
    KmsKey k;
    begin(k, inst);
    const Value& a = inst.attributes;
    k.key_manager = at(Field<std::string>::known("CUSTOMER"), inst.pos);
    if (!inst.unknown_why.empty()) {
      k.key_state = k.key_origin = k.key_spec = at(Field<std::string>::unknown(inst.unknown_why), inst.pos);
      k.rotation_enabled = Field<bool>::unknown(inst.unknown_why);
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
    if (k.key_spec.is_absent()) k.key_spec = at(Field<std::string>::known("SYMMETRIC_DEFAULT"), inst.pos);
    k.rotation_enabled = bool_of(a.get("enable_key_rotation"), "enable_key_rotation", inst.pos);
    if (k.rotation_enabled.is_absent()) k.rotation_enabled = at(Field<bool>::known(false), inst.pos);
    k.deletion_date = Field<std::string>::absent();
    add(std::move(k));
  }
};

}  // namespace

size_t map_resources(const std::vector<ResourceInstance>& instances, const MapContext& context, Inventory& inventory) {
  return Mapper(instances, context, inventory).run();
}

}  // namespace atrest::tf
