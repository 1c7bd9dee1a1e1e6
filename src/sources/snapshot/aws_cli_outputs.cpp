// aws CLI describe-* and list-* outputs (the JSON the CLI prints, PascalCase as on the wire).
#include <fmt/format.h>

#include "sources/snapshot/internal.h"
#include "util/text.h"

namespace atrest::snapshot {
namespace {

// The resource's name; reports the item and returns false when it has none.
bool require_id(FileReader& r, object o, std::string_view list, size_t index,
                std::string_view key, std::string& id) {
  Field<std::string> f = string_field(o, key);
  if (!f.is_known() || f.value().empty()) {
    r.error(fmt::format("{}[{}] has no {}; item skipped", list, index, key));
    return false;
  }
  id = f.value();
  return true;
}

void read_dax_cluster(FileReader& r, object o, size_t index) {
  DaxCluster c;
  if (!require_id(r, o, "Clusters", index, "ClusterName", c.id)) return;
  c.origin = r.origin("dax:DescribeClusters");
  c.arn = string_field(o, "ClusterArn");
  r.scope(c, c.arn.value_or(""));
  c.status = string_field(o, "Status");
  element sse;
  object sse_obj;
  if (!present(o, "SSEDescription", sse)) {
    c.sse_status = Field<std::string>::absent();
  } else if (sse.get(sse_obj) == simdjson::SUCCESS) {
    c.sse_status = string_field(sse_obj, "Status");
  } else {
    c.sse_status = Field<std::string>::unknown("SSEDescription is not an object");
  }
  c.endpoint_encryption = string_field(o, "ClusterEndpointEncryptionType");
  c.total_nodes = int_field(o, "TotalNodes");
  element nodes;
  array node_list;
  if (!present(o, "Nodes", nodes)) {
    c.node_availability_zones = Field<std::vector<std::string>>::absent();
  } else if (nodes.get(node_list) == simdjson::SUCCESS) {
    std::vector<std::string> zones;
    bool missing = false;
    for (element n : node_list) {
      object node;
      std::string_view az;
      if (n.get(node) == simdjson::SUCCESS && node["AvailabilityZone"].get(az) == simdjson::SUCCESS) {
        zones.emplace_back(az);
      } else {
        missing = true;
      }
    }
    c.node_availability_zones =
        missing ? Field<std::vector<std::string>>::unknown("a node reports no AvailabilityZone")
                : Field<std::vector<std::string>>::known(std::move(zones));
  } else {
    c.node_availability_zones = Field<std::vector<std::string>>::unknown("Nodes is not an array");
  }
  c.subnet_group = string_field(o, "SubnetGroup");
  element groups;
  array group_list;
  if (present(o, "SecurityGroups", groups) && groups.get(group_list) == simdjson::SUCCESS) {
    std::vector<std::string> ids;
    for (element g : group_list) {
      std::string_view id;
      if (g["SecurityGroupIdentifier"].get(id) == simdjson::SUCCESS) ids.emplace_back(id);
    }
    c.security_group_ids = Field<std::vector<std::string>>::known(std::move(ids));
  } else {
    c.security_group_ids = Field<std::vector<std::string>>::absent();
  }
  c.iam_role_arn = string_field(o, "IamRoleArn");
  r.add(std::move(c));
}

void read_table(FileReader& r, object o) {
  DynamoDbTable t;
  if (!require_id(r, o, "Table", 0, "TableName", t.id)) return;
  t.origin = r.origin("dynamodb:DescribeTable");
  t.arn = string_field(o, "TableArn");
  r.scope(t, t.arn.value_or(""));
  t.table_status = string_field(o, "TableStatus");
  element sse;
  object sse_obj;
  if (!present(o, "SSEDescription", sse)) {
    // DescribeTable omits SSEDescription for tables on the default AWS owned key.
    t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::absent();
  } else if (sse.get(sse_obj) == simdjson::SUCCESS) {
    t.sse_status = string_field(sse_obj, "Status");
    t.sse_type = string_field(sse_obj, "SSEType");
    t.kms_key_arn = string_field(sse_obj, "KMSMasterKeyArn");
    infer_sse_type(t);
  } else {
    t.sse_status = t.sse_type = t.kms_key_arn =
        Field<std::string>::unknown("SSEDescription is not an object");
  }
  t.deletion_protection = bool_field(o, "DeletionProtectionEnabled");
  t.pitr_status = Field<std::string>::unknown("no describe-continuous-backups output for the table");
  t.pitr_recovery_days = Field<int64_t>::unknown("no describe-continuous-backups output for the table");
  r.add(std::move(t));
}

void read_elasticache(FileReader& r, object o, size_t index, ResourceType type) {
  ElastiCache c(type);
  const char* list = "ReplicationGroups";
  const char* id_key = "ReplicationGroupId";
  const char* api = "elasticache:DescribeReplicationGroups";
  if (type == ResourceType::kElastiCacheCacheCluster) {
    list = "CacheClusters";
    id_key = "CacheClusterId";
    api = "elasticache:DescribeCacheClusters";
  } else if (type == ResourceType::kElastiCacheServerlessCache) {
    list = "ServerlessCaches";
    id_key = "ServerlessCacheName";
    api = "elasticache:DescribeServerlessCaches";
  }
  if (!require_id(r, o, list, index, id_key, c.id)) return;
  c.origin = r.origin(api);
  c.arn = string_field(o, "ARN");
  r.scope(c, c.arn.value_or(""));
  c.engine = string_field(o, "Engine");
  c.engine_version = type == ResourceType::kElastiCacheServerlessCache
                         ? string_field(o, "MajorEngineVersion")
                         : string_field(o, "EngineVersion");
  c.status = string_field(o, type == ResourceType::kElastiCacheCacheCluster ? "CacheClusterStatus"
                                                                           : "Status");
  c.at_rest_encryption = bool_field(o, "AtRestEncryptionEnabled");
  c.transit_encryption = bool_field(o, "TransitEncryptionEnabled");
  c.transit_encryption_mode = string_field(o, "TransitEncryptionMode");
  c.kms_key_id = string_field(o, "KmsKeyId");
  c.replication_group_id = string_field(o, "ReplicationGroupId");
  if (type == ResourceType::kElastiCacheReplicationGroup) {
    c.replication_group_id = Field<std::string>::absent();
  }
  r.add(std::move(c));
}

// dax describe-subnet-groups: the subnets DAX can place nodes in.
void read_dax_subnet_group(FileReader& r, object o, size_t index) {
  SubnetGroup g;
  if (!require_id(r, o, "SubnetGroups", index, "SubnetGroupName", g.id)) return;
  g.origin = r.origin("dax:DescribeSubnetGroups");
  g.arn = Field<std::string>::absent();
  r.scope(g, "");
  element subnets;
  array list;
  if (!present(o, "Subnets", subnets)) {
    g.subnet_ids = Field<std::vector<std::string>>::absent();
  } else if (subnets.get(list) == simdjson::SUCCESS) {
    std::vector<std::string> ids;
    for (element s : list) {
      std::string_view id;
      if (s["SubnetIdentifier"].get(id) == simdjson::SUCCESS) ids.emplace_back(id);
    }
    g.subnet_ids = Field<std::vector<std::string>>::known(std::move(ids));
  } else {
    g.subnet_ids = Field<std::vector<std::string>>::unknown("Subnets is not an array");
  }
  r.add(std::move(g));
}

// ec2 describe-security-groups: inbound rules, one per source (CIDR, group, prefix list).
void read_security_group(FileReader& r, object o, size_t index) {
  SecurityGroup g;
  if (!require_id(r, o, "SecurityGroups", index, "GroupId", g.id)) return;
  g.origin = r.origin("ec2:DescribeSecurityGroups");
  g.arn = string_field(o, "SecurityGroupArn");
  r.scope(g, g.arn.value_or(""), string_field(o, "OwnerId").value_or(""));
  g.vpc_id = string_field(o, "VpcId");
  element permissions;
  array list;
  if (!present(o, "IpPermissions", permissions)) {
    g.ingress = Field<std::vector<IngressRule>>::known({});
  } else if (permissions.get(list) != simdjson::SUCCESS) {
    g.ingress = Field<std::vector<IngressRule>>::unknown("IpPermissions is not an array");
  } else {
    std::vector<IngressRule> rules;
    for (element p : list) {
      object perm;
      if (p.get(perm) != simdjson::SUCCESS) continue;
      IngressRule base;
      Field<std::string> protocol = string_field(perm, "IpProtocol");
      base.protocol = protocol.is_known() ? protocol.value() : "?";
      base.from_port = int_field(perm, "FromPort");
      base.to_port = int_field(perm, "ToPort");
      base.cidr_ipv4 = base.cidr_ipv6 = base.source_group = base.prefix_list = Field<std::string>::absent();
      const size_t before = rules.size();
      struct Source {
        const char* list;
        const char* key;
        Field<std::string> IngressRule::*field;
      };
      for (const Source& s : {Source{"IpRanges", "CidrIp", &IngressRule::cidr_ipv4},
                              Source{"Ipv6Ranges", "CidrIpv6", &IngressRule::cidr_ipv6},
                              Source{"UserIdGroupPairs", "GroupId", &IngressRule::source_group},
                              Source{"PrefixListIds", "PrefixListId", &IngressRule::prefix_list}}) {
        element e;
        array sources;
        if (!present(perm, s.list, e) || e.get(sources) != simdjson::SUCCESS) continue;
        for (element item : sources) {
          object src;
          if (item.get(src) != simdjson::SUCCESS) continue;
          IngressRule rule = base;
          rule.*s.field = string_field(src, s.key);
          rules.push_back(std::move(rule));
        }
      }
      if (rules.size() == before) rules.push_back(std::move(base));
    }
    g.ingress = Field<std::vector<IngressRule>>::known(std::move(rules));
  }
  r.add(std::move(g));
}

void read_key_metadata(FileReader& r, object o) {
  KmsKey k;
  if (!require_id(r, o, "KeyMetadata", 0, "KeyId", k.id)) return;
  k.origin = r.origin("kms:DescribeKey");
  k.arn = string_field(o, "Arn");
  r.scope(k, k.arn.value_or(""), string_field(o, "AWSAccountId").value_or(""));
  k.key_state = string_field(o, "KeyState");
  k.key_manager = string_field(o, "KeyManager");
  k.key_origin = string_field(o, "Origin");
  k.key_spec = string_field(o, "KeySpec");
  if (k.key_spec.is_absent()) k.key_spec = string_field(o, "CustomerMasterKeySpec");
  k.deletion_date = time_field(o, "DeletionDate");
  k.rotation_enabled = Field<bool>::unknown("describe-key does not report rotation");
  r.add(std::move(k));
}

void read_listed_key(FileReader& r, object o, size_t index) {
  KmsKey k;
  if (!require_id(r, o, "Keys", index, "KeyId", k.id)) return;
  k.detail = Detail::kListing;
  k.origin = r.origin("kms:ListKeys");
  k.arn = string_field(o, "KeyArn");
  r.scope(k, k.arn.value_or(""));
  const auto only_listed = Field<std::string>::unknown(
      "the key is only listed (aws kms list-keys); add `aws kms describe-key` output for it");
  k.key_state = k.key_manager = k.key_origin = k.key_spec = k.deletion_date = only_listed;
  k.rotation_enabled = Field<bool>::unknown("the key is only listed (aws kms list-keys)");
  r.add(std::move(k));
}

void read_alias(FileReader& r, object o) {
  Field<std::string> name = string_field(o, "AliasName");
  Field<std::string> target = string_field(o, "TargetKeyId");
  if (!name.is_known() || !target.is_known()) return;  // aliases without a key are normal
  KmsKey scope_only;
  r.scope(scope_only, string_field(o, "AliasArn").value_or(""));
  r.inventory.add_kms_alias(scope_only.account, scope_only.region, nullptr, name.value(), target.value());
}

void read_continuous_backups(FileReader& r, object o) {
  PendingBackups b;
  b.input_index = r.input_index;
  b.file = r.path;
  element pitr;
  object pitr_obj;
  if (present(o, "PointInTimeRecoveryDescription", pitr) && pitr.get(pitr_obj) == simdjson::SUCCESS) {
    b.pitr_status = string_field(pitr_obj, "PointInTimeRecoveryStatus");
    b.recovery_days = int_field(pitr_obj, "RecoveryPeriodInDays");
  } else {
    b.pitr_status = Field<std::string>::absent();
    b.recovery_days = Field<int64_t>::absent();
  }
  r.pending_backups.push_back(std::move(b));
}

// Shape tests: the field that names the resource, and the service in its ARN when it has one.
bool arn_service_is(object o, std::string_view arn_key, std::string_view service) {
  std::string_view arn;
  Arn parsed;
  return o[arn_key].get(arn) != simdjson::SUCCESS || (parse_arn(arn, parsed) && parsed.service == service);
}
bool is_dax_cluster(object o) { return arn_service_is(o, "ClusterArn", "dax"); }
// Timestream and Glue print {"Table": {...}} too; a DynamoDB table has a key schema or a
// dynamodb ARN.
bool is_dynamodb_table(object o) {
  element e;
  std::string_view arn;
  Arn parsed;
  if (o["TableArn"].get(arn) == simdjson::SUCCESS) return parse_arn(arn, parsed) && parsed.service == "dynamodb";
  return present(o, "TableName", e) && (present(o, "KeySchema", e) || present(o, "AttributeDefinitions", e));
}
bool is_key_metadata(object o) {
  element e;
  return present(o, "KeyId", e) && (present(o, "KeyState", e) || present(o, "KeyManager", e));
}

// A list of resources: its key, the member every item names itself by, and a further test for
// lists other tools print under the same key.
struct ListShape {
  const char* key;
  const char* id_key;
  ShapeTest extra;
  void (*read)(FileReader&, object, size_t);
};

// Whether an item is the kind a list shape expects.
bool is_item_of(const ListShape& shape, object o) {
  element e;
  return present(o, shape.id_key, e) && (shape.extra == nullptr || shape.extra(o));
}

const ListShape kLists[] = {
    {"Clusters", "ClusterName", is_dax_cluster, read_dax_cluster},
    {"ReplicationGroups", "ReplicationGroupId", nullptr,
     [](FileReader& r, object o, size_t i) { read_elasticache(r, o, i, ResourceType::kElastiCacheReplicationGroup); }},
    {"CacheClusters", "CacheClusterId", nullptr,
     [](FileReader& r, object o, size_t i) { read_elasticache(r, o, i, ResourceType::kElastiCacheCacheCluster); }},
    {"ServerlessCaches", "ServerlessCacheName", nullptr,
     [](FileReader& r, object o, size_t i) { read_elasticache(r, o, i, ResourceType::kElastiCacheServerlessCache); }},
    {"Keys", "KeyId", nullptr, read_listed_key},
    // MemoryDB's describe-subnet-groups names its groups "Name"; DAX's say SubnetGroupName.
    {"SubnetGroups", "SubnetGroupName", nullptr, read_dax_subnet_group},
    {"SecurityGroups", "GroupId", nullptr, read_security_group},
    {"Aliases", "AliasName", nullptr, [](FileReader& r, object o, size_t) { read_alias(r, o); }},
};

// A single object under `key`: returns whether it was there and ours.
bool one_object(FileReader& r, object root, const char* key, ShapeTest ours, void (*read)(FileReader&, object)) {
  element e;
  object o;
  if (!present(root, key, e)) return false;
  if (e.get(o) != simdjson::SUCCESS) {
    r.error(fmt::format("{} is {}, expected an object", key, type_word(e)));
    return true;
  }
  if (ours != nullptr && !ours(o)) return false;
  read(r, o);
  return true;
}

}  // namespace

bool read_aws_cli_output(FileReader& r, element root) {
  // `aws ... --query Clusters` and the like print the bare list.
  array items;
  if (root.get(items) == simdjson::SUCCESS) {
    for (const ListShape& shape : kLists) {
      if (each_object_of(r, items, shape.key, [&](object o) { return is_item_of(shape, o); },
                         [&](object o, size_t i) { shape.read(r, o, i); })) {
        return items.begin() != items.end();  // an empty list could be anything's
      }
    }
    return false;
  }
  object obj;
  if (root.get(obj) != simdjson::SUCCESS) return false;
  // `--query Table` / `--query KeyMetadata` print the bare object.
  if (is_dynamodb_table(obj)) {
    read_table(r, obj);
    return true;
  }
  if (is_key_metadata(obj)) {
    read_key_metadata(r, obj);
    return true;
  }
  bool recognised = false;
  for (const ListShape& shape : kLists) {
    recognised |= each_object(r, obj, shape.key, [&](object o) { return is_item_of(shape, o); },
                              [&](object o, size_t i) { shape.read(r, o, i); });
  }
  recognised |= one_object(r, obj, "Table", is_dynamodb_table, read_table);
  recognised |= one_object(r, obj, "KeyMetadata", nullptr, read_key_metadata);
  recognised |= one_object(r, obj, "ContinuousBackupsDescription", nullptr, read_continuous_backups);
  return recognised;
}

}  // namespace atrest::snapshot
