// aws CLI describe-* and list-* outputs (the JSON the CLI prints, PascalCase as on the wire).
#include <fmt/format.h>

#include <tuple>
#include <unordered_map>

#include "sources/snapshot/internal.h"
#include "util/text.h"

namespace atrest::snapshot {
namespace {

constexpr size_t kSingleObject = static_cast<size_t>(-1);  // `index` of an object that is no list item

// The resource's name; reports the item and returns false when it has none.
bool require_id(FileReader& r, object o, std::string_view list, size_t index,
                std::string_view key, std::string& id) {
  Field<std::string> f = string_field(o, key);
  if (!f.is_known() || f.value().empty()) {
    const char* what = f.is_unknown() ? "no usable" : "no";
    r.error(index == kSingleObject ? fmt::format("{} has {} {}; skipped", list, what, key)
                                   : fmt::format("{}[{}] has {} {}; item skipped", list, index, what, key));
    return false;
  }
  id = f.value();
  return true;
}

bool mentions(std::string_view text, std::string_view word) {
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (iequals(text.substr(i, word.size()), word)) return true;
  }
  return false;
}

bool has(object o, std::string_view key) {
  element e;
  return present(o, key, e);
}
// list[].member as strings: absent when the list is, unknown when an item lacks the member.
Field<std::vector<std::string>> members(object o, std::string_view list, std::string_view member) {
  element e;
  array items;
  if (!present(o, list, e)) return Field<std::vector<std::string>>::absent();
  if (e.get(items) != simdjson::SUCCESS) {
    return Field<std::vector<std::string>>::unknown(fmt::format("{} is {}, not a list", list, type_word(e)));
  }
  std::vector<std::string> values;
  for (element item : items) {
    object obj;
    Field<std::string> v;
    if (item.get(obj) == simdjson::SUCCESS) v = string_field(obj, member);
    if (!v.is_known()) {
      return Field<std::vector<std::string>>::unknown(fmt::format("an entry of {} has no {}", list, member));
    }
    values.push_back(v.value());
  }
  return Field<std::vector<std::string>>::known(std::move(values));
}

// o[key] as an object; false (and `f` unknown with the reason) when it is something else.
template <class T>
bool sub_object(object o, std::string_view key, object& out, Field<T>& f) {
  element e;
  if (!present(o, key, e)) return false;
  if (e.get(out) == simdjson::SUCCESS) return true;
  f = Field<T>::unknown(fmt::format("{} is {}, not an object", key, type_word(e)));
  return false;
}

// The region in a VPC endpoint service name: com.amazonaws.eu-west-1.dynamodb,
// com.amazonaws.vpce.us-east-1.vpce-svc-0123.
std::string_view region_of_service_name(std::string_view name) {
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view part = name.substr(start, dot - start);
    const size_t dash = part.find('-');
    if (dash == 2 && part.size() > 4 && part.back() >= '0' && part.back() <= '9') return part;
    start = dot + 1;
  }
  return {};
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
  if (present(o, "SecurityGroups", groups)) {
    // A group we cannot name could be the open one.
    c.security_group_ids = members(o, "SecurityGroups", "SecurityGroupIdentifier");
  } else {
    c.security_group_ids = Field<std::vector<std::string>>::absent();
  }
  c.iam_role_arn = string_field(o, "IamRoleArn");
  r.add(std::move(c));
}

// Global table (2019) replicas other than the table's own region.
Field<std::vector<TableReplica>> read_replicas(object o, const std::string* own_region) {
  element e;
  array list;
  if (!present(o, "Replicas", e)) {
    // Version 2017.11.29 global tables are described by describe-global-table, not here: their
    // DescribeTable has GlobalTableVersion but no Replicas.
    if (string_field(o, "GlobalTableVersion").value_or("").starts_with("2017")) {
      return Field<std::vector<TableReplica>>::unknown(
          "a version 2017.11.29 global table: describe-table does not list its replicas");
    }
    return Field<std::vector<TableReplica>>::known({});
  }
  if (e.get(list) != simdjson::SUCCESS) {
    return Field<std::vector<TableReplica>>::unknown(fmt::format("Replicas is {}, not a list", type_word(e)));
  }
  std::vector<TableReplica> replicas;
  for (element item : list) {
    object replica;
    Field<std::string> region;
    if (item.get(replica) == simdjson::SUCCESS) region = string_field(replica, "RegionName");
    if (!region.is_known()) return Field<std::vector<TableReplica>>::unknown("a replica has no RegionName");
    if (own_region != nullptr && region.value() == *own_region) continue;
    TableReplica rep;
    rep.region = region.value();
    rep.kms_key = string_field(replica, "KMSMasterKeyId");
    replicas.push_back(std::move(rep));
  }
  return Field<std::vector<TableReplica>>::known(std::move(replicas));
}

void read_table(FileReader& r, object o) {
  DynamoDbTable t;
  if (!require_id(r, o, "Table", kSingleObject, "TableName", t.id)) return;
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
  // DescribeTable omits BillingModeSummary for tables that were always provisioned.
  t.billing_mode = Field<std::string>::known("PROVISIONED");
  object billing;
  if (sub_object(o, "BillingModeSummary", billing, t.billing_mode)) {
    t.billing_mode = string_field(billing, "BillingMode");
    if (t.billing_mode.is_absent()) t.billing_mode = Field<std::string>::known("PROVISIONED");
  }
  t.gsi_names = members(o, "GlobalSecondaryIndexes", "IndexName");
  if (t.gsi_names.is_absent()) t.gsi_names = Field<std::vector<std::string>>::known({});
  t.replicas = read_replicas(o, t.region);
  // DescribeTable itself reports neither; a hand-merged output may carry Tags.
  t.tags = tags_field(o, "Tags");
  if (t.tags.is_absent()) t.tags = Field<std::vector<Tag>>::unknown("no list-tags-of-resource output for the table");
  t.resource_policy = Field<std::string>::unknown("no get-resource-policy output for the table");
  t.pitr_status = Field<std::string>::unknown("no describe-continuous-backups output for the table");
  t.pitr_recovery_days = Field<int64_t>::unknown("no describe-continuous-backups output for the table");
  r.add(std::move(t));
}

// Authentication, availability, backups and placement: each API reports its own subset.
void read_cache_settings(object o, ResourceType type, ElastiCache& c) {
  using Strings = Field<std::vector<std::string>>;
  const auto none = Field<std::string>::absent();
  c.snapshot_retention_limit = int_field(o, "SnapshotRetentionLimit");
  if (type == ResourceType::kElastiCacheServerlessCache) {
    // Serverless caches have no AUTH token, nodes, failover or subnet group, and always take
    // minor upgrades.
    Field<std::string> group = string_field(o, "UserGroupId");
    c.user_group_ids = group.is_known()    ? Strings::known({group.value()})
                       : group.is_absent() ? Strings::absent()
                                           : Strings::unknown(group.reason());
    c.subnet_ids = string_list_field(o, "SubnetIds");
    c.security_group_ids = string_list_field(o, "SecurityGroupIds");
    c.auth_token_enabled = Field<bool>::absent();
    c.automatic_failover = c.az_mode = c.cache_subnet_group = none;
    c.multi_az = c.auto_minor_version_upgrade = Field<bool>::absent();
    c.num_nodes = Field<int64_t>::absent();
    return;
  }
  c.auth_token_enabled = bool_field(o, "AuthTokenEnabled");
  c.auto_minor_version_upgrade = bool_field(o, "AutoMinorVersionUpgrade");
  c.subnet_ids = Strings::absent();  // node-based caches are placed by their subnet group
  if (type == ResourceType::kElastiCacheReplicationGroup) {
    c.user_group_ids = string_list_field(o, "UserGroupIds");
    // DescribeReplicationGroups always reports both (AutomaticFailover enabled|disabled|enabling|
    // disabling, MultiAZ enabled|disabled); an output without them says nothing, not "off".
    c.automatic_failover = string_field(o, "AutomaticFailover");
    if (c.automatic_failover.is_absent()) {
      c.automatic_failover = Field<std::string>::unknown("the describe-replication-groups output does not report AutomaticFailover");
    }
    Field<std::string> multi_az = string_field(o, "MultiAZ");
    if (multi_az.is_absent()) {
      multi_az = Field<std::string>::unknown("the describe-replication-groups output does not report MultiAZ");
    }
    if (multi_az.is_known() && (iequals(multi_az.value(), "enabled") || iequals(multi_az.value(), "disabled"))) {
      c.multi_az = Field<bool>::known(iequals(multi_az.value(), "enabled"));
    } else if (multi_az.is_known()) {
      c.multi_az = Field<bool>::unknown(fmt::format("MultiAZ is \"{}\"", multi_az.value()));
    } else {
      c.multi_az = Field<bool>::unknown(multi_az.reason());
    }
    element e;
    array clusters;
    if (!present(o, "MemberClusters", e)) {
      c.num_nodes = Field<int64_t>::absent();
    } else if (e.get(clusters) == simdjson::SUCCESS) {
      c.num_nodes = Field<int64_t>::known(static_cast<int64_t>(clusters.size()));
    } else {
      c.num_nodes = Field<int64_t>::unknown("MemberClusters is not a list");
    }
    c.az_mode = none;
    c.cache_subnet_group = Field<std::string>::unknown(
        "describe-replication-groups does not name the subnet group; the member clusters' describe-cache-clusters "
        "output does");
    c.security_group_ids = Strings::unknown(
        "describe-replication-groups does not list security groups; the member clusters' describe-cache-clusters "
        "output does");
    return;
  }
  // Cache clusters: RBAC, failover and Multi-AZ belong to the replication group, if any.
  c.user_group_ids = Strings::absent();
  c.automatic_failover = none;
  c.multi_az = Field<bool>::absent();
  c.num_nodes = int_field(o, "NumCacheNodes");
  Field<std::string> zone = string_field(o, "PreferredAvailabilityZone");
  if (zone.is_known()) {
    // "Multiple" is what the API says when the nodes are spread over zones.
    c.az_mode = Field<std::string>::known(zone.value() == "Multiple" ? "cross-az" : "single-az");
  } else {
    c.az_mode = zone;
  }
  c.cache_subnet_group = string_field(o, "CacheSubnetGroupName");
  c.security_group_ids = members(o, "SecurityGroups", "SecurityGroupId");
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
  if (type == ResourceType::kElastiCacheReplicationGroup && c.engine_version.is_absent()) {
    c.engine_version = Field<std::string>::unknown(
        "describe-replication-groups does not report the engine version; the member clusters do");
  }
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
  read_cache_settings(o, type, c);
  r.add(std::move(c));
}

// dax describe-subnet-groups and elasticache describe-cache-subnet-groups: the VPC and subnets
// the service can place nodes in.
void read_subnet_group(FileReader& r, object o, size_t index, ResourceType type) {
  const bool dax = type == ResourceType::kDaxSubnetGroup;
  SubnetGroup g(type);
  if (!require_id(r, o, dax ? "SubnetGroups" : "CacheSubnetGroups", index,
                  dax ? "SubnetGroupName" : "CacheSubnetGroupName", g.id)) {
    return;
  }
  g.origin = r.origin(dax ? "dax:DescribeSubnetGroups" : "elasticache:DescribeCacheSubnetGroups");
  g.arn = dax ? Field<std::string>::absent() : string_field(o, "ARN");
  // DAX subnet groups carry no ARN; their subnets' zones name the region.
  std::string_view region;
  element subnets;
  array subnet_list;
  if (present(o, "Subnets", subnets) && subnets.get(subnet_list) == simdjson::SUCCESS) {
    for (element subnet : subnet_list) {
      // DAX prints the zone as a string, ElastiCache as {"Name": zone}.
      std::string_view zone;
      if ((subnet["SubnetAvailabilityZone"].get(zone) == simdjson::SUCCESS ||
           subnet["SubnetAvailabilityZone"]["Name"].get(zone) == simdjson::SUCCESS) &&
          zone.size() > 1 &&
          is_region_name(zone.substr(0, zone.size() - 1))) {
        region = zone.substr(0, zone.size() - 1);
        break;
      }
    }
  }
  r.scope(g, g.arn.value_or(""), {}, region);
  g.vpc_id = string_field(o, "VpcId");
  g.subnet_ids = members(o, "Subnets", "SubnetIdentifier");
  r.add(std::move(g));
}

// ec2 describe-subnets.
void read_subnet(FileReader& r, object o, size_t index) {
  Subnet s;
  if (!require_id(r, o, "Subnets", index, "SubnetId", s.id)) return;
  s.origin = r.origin("ec2:DescribeSubnets");
  s.arn = string_field(o, "SubnetArn");
  r.scope(s, s.arn.value_or(""), string_field(o, "OwnerId").value_or(""));
  s.vpc_id = string_field(o, "VpcId");
  s.availability_zone = string_field(o, "AvailabilityZone");
  r.add(std::move(s));
}

// ec2 describe-route-tables: explicit subnet associations, whether it is the VPC's main table,
// and the routes that can carry traffic.
void read_route_table(FileReader& r, object o, size_t index) {
  RouteTable t;
  if (!require_id(r, o, "RouteTables", index, "RouteTableId", t.id)) return;
  t.origin = r.origin("ec2:DescribeRouteTables");
  t.arn = Field<std::string>::absent();
  r.scope(t, "", string_field(o, "OwnerId").value_or(""));
  t.vpc_id = string_field(o, "VpcId");
  element e;
  array list;
  bool main = false;
  std::vector<std::string> subnets;
  if (present(o, "Associations", e) && e.get(list) != simdjson::SUCCESS) {
    t.main = Field<bool>::unknown("Associations is not a list");
    t.subnet_ids = Field<std::vector<std::string>>::unknown("Associations is not a list");
  } else {
    std::string unreadable;  // an association we cannot read could be the one that routes a subnet
    if (present(o, "Associations", e)) {
      size_t index = 0;
      for (element item : list) {
        object a;
        if (item.get(a) != simdjson::SUCCESS) {
          unreadable = fmt::format("Associations[{}] is {}, not an object", index, type_word(item));
          break;
        }
        ++index;
        // A failed or finished disassociation no longer routes the subnet.
        object state;
        std::string_view state_name;
        if (a["AssociationState"].get(state) == simdjson::SUCCESS && state["State"].get(state_name) == simdjson::SUCCESS &&
            (state_name == "disassociated" || state_name == "failed")) {
          continue;
        }
        const Field<bool> is_main = bool_field(a, "Main");
        const Field<std::string> subnet = string_field(a, "SubnetId");
        if (is_main.is_unknown() || subnet.is_unknown()) {
          unreadable = fmt::format("Associations[{}]: {}", index - 1,
                                   is_main.is_unknown() ? is_main.reason() : subnet.reason());
          break;
        }
        if (is_main.value_or(false)) main = true;
        if (subnet.is_known()) subnets.push_back(subnet.value());
      }
    }
    if (unreadable.empty()) {
      t.main = Field<bool>::known(main);
      t.subnet_ids = Field<std::vector<std::string>>::known(std::move(subnets));
    } else {
      t.main = Field<bool>::unknown(unreadable);
      t.subnet_ids = Field<std::vector<std::string>>::unknown(unreadable);
    }
  }
  if (!present(o, "Routes", e)) {
    t.routes = Field<std::vector<Route>>::known({});
  } else if (e.get(list) != simdjson::SUCCESS) {
    t.routes = Field<std::vector<Route>>::unknown("Routes is not a list");
  } else {
    std::vector<Route> routes;
    std::string unreadable;  // a route we cannot read could be the one to an internet gateway
    size_t index = 0;
    for (element item : list) {
      object route;
      if (item.get(route) != simdjson::SUCCESS) {
        unreadable = fmt::format("Routes[{}] is {}, not an object", index, type_word(item));
        break;
      }
      ++index;
      // A blackhole route's target is gone: it carries no traffic.
      if (string_field(route, "State").value_or("") == "blackhole") continue;
      Route rt;
      rt.destination_cidr = string_field(route, "DestinationCidrBlock");
      rt.destination_ipv6_cidr = string_field(route, "DestinationIpv6CidrBlock");
      // Only GatewayId names an internet gateway (igw-); NAT and egress-only gateways have
      // members of their own (NatGatewayId, EgressOnlyInternetGatewayId) and admit no inbound traffic.
      rt.gateway_id = string_field(route, "GatewayId");
      routes.push_back(std::move(rt));
    }
    t.routes = unreadable.empty() ? Field<std::vector<Route>>::known(std::move(routes))
                                  : Field<std::vector<Route>>::unknown(unreadable);
  }
  r.add(std::move(t));
}

// ec2 describe-vpc-endpoints.
void read_vpc_endpoint(FileReader& r, object o, size_t index) {
  VpcEndpoint v;
  if (!require_id(r, o, "VpcEndpoints", index, "VpcEndpointId", v.id)) return;
  v.origin = r.origin("ec2:DescribeVpcEndpoints");
  v.arn = Field<std::string>::absent();
  v.service_name = string_field(o, "ServiceName");
  r.scope(v, "", string_field(o, "OwnerId").value_or(""), region_of_service_name(v.service_name.value_or("")));
  v.vpc_id = string_field(o, "VpcId");
  v.endpoint_type = string_field(o, "VpcEndpointType");
  v.state = string_field(o, "State");
  r.add(std::move(v));
}

// application-autoscaling describe-scalable-targets. A table has one target per dimension, so
// the id names both.
void read_scalable_target(FileReader& r, object o, size_t index) {
  ScalableTarget t;
  std::string resource;
  if (!require_id(r, o, "ScalableTargets", index, "ResourceId", resource)) return;
  t.resource_id = Field<std::string>::known(resource);
  t.scalable_dimension = string_field(o, "ScalableDimension");
  t.service_namespace = string_field(o, "ServiceNamespace");
  t.id = fmt::format("{} {}", resource, t.scalable_dimension.value_or("?"));
  t.origin = r.origin("application-autoscaling:DescribeScalableTargets");
  t.arn = string_field(o, "ScalableTargetARN");
  r.scope(t, t.arn.value_or(""));
  r.add(std::move(t));
}

// cloudtrail describe-trails. Shadow copies of a multi-region trail (listed in every region)
// are one trail: it lives in its home region, the region of its ARN.
void read_trail(FileReader& r, object o, size_t index) {
  Trail t;
  if (!require_id(r, o, "trailList", index, "Name", t.id)) return;
  t.origin = r.origin("cloudtrail:DescribeTrails");
  t.arn = string_field(o, "TrailARN");
  t.home_region = string_field(o, "HomeRegion");
  r.scope(t, t.arn.value_or(""), {}, t.home_region.value_or(""));
  t.multi_region = bool_field(o, "IsMultiRegionTrail");
  t.organization = bool_field(o, "IsOrganizationTrail");
  t.logging = Field<bool>::unknown("no get-trail-status output for the trail");
  t.event_selectors = Field<std::vector<ClassicEventSelector>>::unknown("no get-event-selectors output for the trail");
  t.advanced_event_selectors =
      Field<std::vector<AdvancedEventSelector>>::unknown("no get-event-selectors output for the trail");
  r.add(std::move(t));
}

// configservice describe-configuration-recorders (lowerCamel members).
void read_recorder(FileReader& r, object o, size_t index) {
  ConfigRecorder c;
  if (!require_id(r, o, "ConfigurationRecorders", index, "name", c.id)) return;
  c.origin = r.origin("config:DescribeConfigurationRecorders");
  c.arn = string_field(o, "arn");
  r.scope(c, c.arn.value_or(""));
  c.recording = Field<bool>::unknown("no describe-configuration-recorder-status output for the recorder");
  c.all_supported = Field<bool>::absent();
  c.recording_strategy = Field<std::string>::absent();
  c.resource_types = c.excluded_types = Field<std::vector<std::string>>::absent();
  object group;
  if (!sub_object(o, "recordingGroup", group, c.all_supported)) {
    if (c.all_supported.is_unknown()) {
      c.recording_strategy = Field<std::string>::unknown(c.all_supported.reason());
      c.resource_types = c.excluded_types = Field<std::vector<std::string>>::unknown(c.all_supported.reason());
    }
  } else {
    c.all_supported = bool_field(group, "allSupported");
    c.resource_types = string_list_field(group, "resourceTypes");
    object strategy, exclusion;
    if (sub_object(group, "recordingStrategy", strategy, c.recording_strategy)) {
      c.recording_strategy = string_field(strategy, "useOnly");
    }
    if (sub_object(group, "exclusionByResourceTypes", exclusion, c.excluded_types)) {
      c.excluded_types = string_list_field(exclusion, "resourceTypes");
    }
  }
  r.add(std::move(c));
}

void read_recorder_status(FileReader& r, object o, size_t index) {
  std::string name;
  if (!require_id(r, o, "ConfigurationRecordersStatus", index, "name", name)) return;
  PendingAnswer p;
  p.kind = PendingAnswer::Kind::kRecorderStatus;
  p.input_index = r.input_index;
  p.file = r.path;
  p.name = std::move(name);
  p.flag = bool_field(o, "recording");
  ConfigRecorder scope_only;
  r.scope(scope_only, string_field(o, "arn").value_or(""));
  p.account = scope_only.account;
  p.region = scope_only.region;
  r.pending_backups.push_back(std::move(p));
}

// aws backup: ListOfTags entries and Conditions, as (operator, tag key, value).
constexpr std::string_view kTagPrefix = "aws:ResourceTag/";

std::string tag_key_of(std::string_view condition_key) {
  if (condition_key.starts_with(kTagPrefix)) condition_key.remove_prefix(kTagPrefix.size());
  return std::string(condition_key);
}

// ListOfTags: ConditionType is STRINGEQUALS (the only type AWS Backup has); spelled as the
// Conditions operators are.
Field<std::vector<TagCondition>> read_list_of_tags(object selection) {
  element e;
  array list;
  if (!present(selection, "ListOfTags", e)) return Field<std::vector<TagCondition>>::absent();
  if (e.get(list) != simdjson::SUCCESS) return Field<std::vector<TagCondition>>::unknown("ListOfTags is not a list");
  std::vector<TagCondition> tags;
  for (element item : list) {
    object c;
    if (item.get(c) != simdjson::SUCCESS) return Field<std::vector<TagCondition>>::unknown("ListOfTags holds a non-object");
    Field<std::string> type = string_field(c, "ConditionType"), key = string_field(c, "ConditionKey"),
                       value = string_field(c, "ConditionValue");
    if (!type.is_known() || !key.is_known() || !value.is_known()) {
      return Field<std::vector<TagCondition>>::unknown("a ListOfTags entry lacks ConditionType, ConditionKey or ConditionValue");
    }
    std::string op;
    for (const char* known : {"StringEquals", "StringNotEquals", "StringLike", "StringNotLike"}) {
      if (iequals(type.value(), known)) op = known;
    }
    if (op.empty()) {
      return Field<std::vector<TagCondition>>::unknown(fmt::format("ListOfTags ConditionType {} is not known", type.value()));
    }
    tags.push_back(TagCondition{op, tag_key_of(key.value()), value.value()});
  }
  return Field<std::vector<TagCondition>>::known(std::move(tags));
}

Field<std::vector<TagCondition>> read_conditions(object selection) {
  element e;
  object conditions;
  if (!present(selection, "Conditions", e)) return Field<std::vector<TagCondition>>::absent();
  if (e.get(conditions) != simdjson::SUCCESS) return Field<std::vector<TagCondition>>::unknown("Conditions is not an object");
  std::vector<TagCondition> all;
  for (auto [op, entries] : conditions) {
    array list;
    if (entries.get(list) != simdjson::SUCCESS) {
      return Field<std::vector<TagCondition>>::unknown(fmt::format("Conditions.{} is not a list", op));
    }
    for (element item : list) {
      object c;
      Field<std::string> key, value;
      if (item.get(c) == simdjson::SUCCESS) {
        key = string_field(c, "ConditionKey");
        value = string_field(c, "ConditionValue");
      }
      if (!key.is_known() || !value.is_known()) {
        return Field<std::vector<TagCondition>>::unknown(
            fmt::format("a Conditions.{} entry lacks ConditionKey or ConditionValue", op));
      }
      all.push_back(TagCondition{std::string(op), tag_key_of(key.value()), value.value()});
    }
  }
  return Field<std::vector<TagCondition>>::known(std::move(all));
}

// backup get-backup-selection: {"BackupSelection": {...}, "SelectionId", "BackupPlanId"}.
void read_backup_selection(FileReader& r, object root) {
  object sel;
  element e;
  if (!present(root, "BackupSelection", e) || e.get(sel) != simdjson::SUCCESS) {
    r.error("BackupSelection is not an object");
    return;
  }
  BackupSelection b;
  if (!require_id(r, root, "get-backup-selection output", kSingleObject, "SelectionId", b.id)) return;
  b.origin = r.origin("backup:GetBackupSelection");
  b.arn = Field<std::string>::absent();
  // A selection has no ARN; its role's ARN names the account.
  Arn role;
  const std::string role_arn = string_field(sel, "IamRoleArn").value_or("");
  r.scope(b, "", parse_arn(role_arn, role) ? role.account : std::string_view());
  b.plan_id = string_field(root, "BackupPlanId");
  b.resources = string_list_field(sel, "Resources");
  b.not_resources = string_list_field(sel, "NotResources");
  b.list_of_tags = read_list_of_tags(sel);
  b.conditions = read_conditions(sel);
  r.add(std::move(b));
}

// backup list-backup-selections: the selections of one plan, without what they select.
void read_listed_selection(FileReader& r, object o, size_t index) {
  BackupSelection b;
  if (!require_id(r, o, "BackupSelectionsList", index, "SelectionId", b.id)) return;
  b.detail = Detail::kListing;
  b.origin = r.origin("backup:ListBackupSelections");
  b.arn = Field<std::string>::absent();
  Arn role;
  const std::string role_arn = string_field(o, "IamRoleArn").value_or("");
  r.scope(b, "", parse_arn(role_arn, role) ? role.account : std::string_view());
  b.plan_id = string_field(o, "BackupPlanId");
  const char* why = "the selection is only listed (aws backup list-backup-selections); add get-backup-selection output";
  b.resources = b.not_resources = Field<std::vector<std::string>>::unknown(why);
  b.list_of_tags = b.conditions = Field<std::vector<TagCondition>>::unknown(why);
  r.add(std::move(b));
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
    std::string unreadable;  // a rule we cannot read could be the one open to the world
    for (element p : list) {
      object perm;
      if (p.get(perm) != simdjson::SUCCESS) {
        unreadable = fmt::format("IpPermissions holds {}, not a rule", type_word(p));
        break;
      }
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
        if (!present(perm, s.list, e)) continue;
        if (e.get(sources) != simdjson::SUCCESS) {
          unreadable = fmt::format("{} is {}, not a list", s.list, type_word(e));
          continue;
        }
        for (element item : sources) {
          object src;
          if (item.get(src) != simdjson::SUCCESS) {
            unreadable = fmt::format("{} holds {}, not a source", s.list, type_word(item));
            continue;
          }
          IngressRule rule = base;
          rule.*s.field = string_field(src, s.key);
          rules.push_back(std::move(rule));
        }
      }
      if (rules.size() == before) rules.push_back(std::move(base));
    }
    g.ingress = unreadable.empty() ? Field<std::vector<IngressRule>>::known(std::move(rules))
                                   : Field<std::vector<IngressRule>>::unknown(unreadable);
  }
  r.add(std::move(g));
}

void read_key_metadata(FileReader& r, object o) {
  KmsKey k;
  if (!require_id(r, o, "KeyMetadata", kSingleObject, "KeyId", k.id)) return;
  k.origin = r.origin("kms:DescribeKey");
  k.arn = string_field(o, "Arn");
  r.scope(k, k.arn.value_or(""), string_field(o, "AWSAccountId").value_or(""));
  k.key_state = string_field(o, "KeyState");
  k.key_manager = string_field(o, "KeyManager");
  k.key_origin = string_field(o, "Origin");
  k.key_spec = string_field(o, "KeySpec");
  if (k.key_spec.is_absent()) k.key_spec = string_field(o, "CustomerMasterKeySpec");
  k.deletion_date = time_field(o, "DeletionDate");
  k.rotation_enabled =
      Field<bool>::unknown("describe-key does not report rotation; add get-key-rotation-status output for the key");
  k.policy = Field<std::string>::unknown("no get-key-policy output for the key");
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
  k.policy = Field<std::string>::unknown("the key is only listed (aws kms list-keys)");
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

PendingAnswer pending(FileReader& r, PendingAnswer::Kind kind) {
  PendingAnswer p;
  p.kind = kind;
  p.input_index = r.input_index;
  p.file = r.path;
  return p;
}

// dynamodb list-tags-of-resource: {"Tags": [{"Key", "Value"}]}.
void read_table_tags(FileReader& r, object root) {
  PendingAnswer p = pending(r, PendingAnswer::Kind::kTableTags);
  p.tags = tags_field(root, "Tags");
  r.pending_backups.push_back(std::move(p));
}

// dynamodb get-resource-policy ({"Policy": "<json>", "RevisionId"}) and kms get-key-policy
// ({"Policy": "<json>", "PolicyName"}).
void read_policy(FileReader& r, object root, PendingAnswer::Kind kind) {
  PendingAnswer p = pending(r, kind);
  p.policy = document_field(root, "Policy");
  if (p.policy.is_absent()) p.policy = Field<std::string>::unknown("the output holds no Policy");
  r.pending_backups.push_back(std::move(p));
}

// A saved PolicyNotFoundException (get-resource-policy on a table without a policy): the JSON
// protocol's {"__type": "...#PolicyNotFoundException"} or the CLI's {"Error": {"Code": ...}}.
bool is_policy_not_found(object root) {
  std::string_view code;
  object error;
  if (root["__type"].get(code) != simdjson::SUCCESS && root["Code"].get(code) != simdjson::SUCCESS &&
      root["code"].get(code) != simdjson::SUCCESS &&
      !(root["Error"].get(error) == simdjson::SUCCESS && error["Code"].get(code) == simdjson::SUCCESS)) {
    return false;
  }
  const size_t hash = code.rfind('#');
  if (hash != std::string_view::npos) code.remove_prefix(hash + 1);
  return code == "PolicyNotFoundException";
}

void read_policy_not_found(FileReader& r, object) {
  PendingAnswer p = pending(r, PendingAnswer::Kind::kTablePolicy);
  p.policy = Field<std::string>::absent();
  r.pending_backups.push_back(std::move(p));
}

// kms get-key-rotation-status: {"KeyRotationEnabled": true, "KeyId": "<id or ARN>"}.
void read_key_rotation(FileReader& r, object root) {
  PendingAnswer p = pending(r, PendingAnswer::Kind::kKeyRotation);
  p.flag = bool_field(root, "KeyRotationEnabled");
  p.name = string_field(root, "KeyId").value_or("");
  r.pending_backups.push_back(std::move(p));
}

// cloudtrail get-trail-status: {"IsLogging": true, ...}, naming no trail.
void read_trail_status(FileReader& r, object root) {
  PendingAnswer p = pending(r, PendingAnswer::Kind::kTrailStatus);
  p.flag = bool_field(root, "IsLogging");
  r.pending_backups.push_back(std::move(p));
}

// o[key] as strings; `why` is set when it is neither absent nor a list of strings (a dropped value
// could be the one that selects DynamoDB).
std::vector<std::string> strings_of(object o, std::string_view key, std::string& why) {
  std::vector<std::string> out;
  element e;
  array list;
  if (!present(o, key, e)) return out;
  if (e.get(list) != simdjson::SUCCESS) {
    if (why.empty()) why = fmt::format("{} is {}, not a list", key, type_word(e));
    return out;
  }
  for (element item : list) {
    std::string_view v;
    if (item.get(v) == simdjson::SUCCESS) {
      out.emplace_back(v);
    } else if (why.empty()) {
      why = fmt::format("{} holds {}, not a string", key, type_word(item));
    }
  }
  return out;
}

// cloudtrail get-event-selectors: classic EventSelectors or AdvancedEventSelectors, by TrailARN.
void read_event_selectors(FileReader& r, object root) {
  PendingAnswer p = pending(r, PendingAnswer::Kind::kEventSelectors);
  p.name = string_field(root, "TrailARN").value_or("");
  using Classic = Field<std::vector<ClassicEventSelector>>;
  using Advanced = Field<std::vector<AdvancedEventSelector>>;
  element e;
  array list;
  p.event_selectors = Classic::absent();
  if (present(root, "EventSelectors", e)) {
    if (e.get(list) != simdjson::SUCCESS) {
      p.event_selectors = Classic::unknown("EventSelectors is not a list");
    } else {
      std::vector<ClassicEventSelector> selectors;
      std::string why;
      for (element item : list) {
        object o;
        if (item.get(o) != simdjson::SUCCESS) {
          why = fmt::format("EventSelectors holds {}, not a selector", type_word(item));
          break;
        }
        ClassicEventSelector sel;
        sel.read_write_type = string_field(o, "ReadWriteType");
        sel.include_management_events = bool_field(o, "IncludeManagementEvents");
        sel.exclude_management_event_sources = strings_of(o, "ExcludeManagementEventSources", why);
        element resources;
        array resource_list;
        if (present(o, "DataResources", resources)) {
          if (resources.get(resource_list) != simdjson::SUCCESS) {
            why = fmt::format("DataResources is {}, not a list", type_word(resources));
          } else {
            for (element res : resource_list) {
              std::string_view type;
              if (res["Type"].get(type) == simdjson::SUCCESS) {
                sel.data_resource_types.emplace_back(type);
              } else if (why.empty()) {
                why = "a DataResources entry has no Type";
              }
            }
          }
        }
        if (!why.empty()) break;
        selectors.push_back(std::move(sel));
      }
      p.event_selectors = why.empty() ? Classic::known(std::move(selectors)) : Classic::unknown(why);
    }
  }
  p.advanced_event_selectors = Advanced::absent();
  if (present(root, "AdvancedEventSelectors", e)) {
    if (e.get(list) != simdjson::SUCCESS) {
      p.advanced_event_selectors = Advanced::unknown("AdvancedEventSelectors is not a list");
    } else {
      std::vector<AdvancedEventSelector> selectors;
      std::string why;
      for (element item : list) {
        object o;
        if (item.get(o) != simdjson::SUCCESS) {
          why = fmt::format("AdvancedEventSelectors holds {}, not a selector", type_word(item));
          break;
        }
        AdvancedEventSelector sel;
        sel.name = string_field(o, "Name").value_or("");
        element fields;
        array field_list;
        if (present(o, "FieldSelectors", fields) && fields.get(field_list) != simdjson::SUCCESS) {
          why = fmt::format("FieldSelectors is {}, not a list", type_word(fields));
        } else if (present(o, "FieldSelectors", fields)) {
          for (element f : field_list) {
            object fo;
            const Field<std::string> field = f.get(fo) == simdjson::SUCCESS ? string_field(fo, "Field")
                                                                            : Field<std::string>::absent();
            if (!field.is_known()) {
              why = "a FieldSelectors entry has no Field";
              break;
            }
            AdvancedFieldSelector fs;
            fs.field = field.value();
            fs.equals = strings_of(fo, "Equals", why);
            fs.not_equals = strings_of(fo, "NotEquals", why);
            fs.starts_with = strings_of(fo, "StartsWith", why);
            fs.not_starts_with = strings_of(fo, "NotStartsWith", why);
            fs.ends_with = strings_of(fo, "EndsWith", why);
            fs.not_ends_with = strings_of(fo, "NotEndsWith", why);
            sel.field_selectors.push_back(std::move(fs));
          }
        }
        if (!why.empty()) break;
        selectors.push_back(std::move(sel));
      }
      p.advanced_event_selectors = why.empty() ? Advanced::known(std::move(selectors)) : Advanced::unknown(why);
    }
  }
  // A trail always has selectors (AWS answers the default one when none were set); two empty
  // lists come from emulators only, and mean the default: management events, read and write.
  if (p.event_selectors.is_known() && p.event_selectors.value().empty() && !p.advanced_event_selectors.is_unknown() &&
      (!p.advanced_event_selectors.is_known() || p.advanced_event_selectors.value().empty())) {
    p.event_selectors = Classic::absent();
    p.advanced_event_selectors = Advanced::absent();
  }
  // The two kinds exclude each other: the one not given is absent.
  if (p.advanced_event_selectors.is_known() && !p.advanced_event_selectors.value().empty() &&
      p.event_selectors.is_known() && p.event_selectors.value().empty()) {
    p.event_selectors = Classic::absent();
  }
  if (p.event_selectors.is_known() && !p.event_selectors.value().empty() && p.advanced_event_selectors.is_known() &&
      p.advanced_event_selectors.value().empty()) {
    p.advanced_event_selectors = Advanced::absent();
  }
  r.pending_backups.push_back(std::move(p));
}

// iam get-account-authorization-details: roles, customer managed policies, and the inline
// policies of users and groups. IAM is global: these carry no region.
constexpr std::string_view kAwsManagedPolicyPrefix = "arn:aws:iam::aws:policy/";

template <class T>
void scope_global(FileReader& r, T& res) {
  r.scope(res, res.arn.value_or(""));
  res.region = nullptr;
}

// [{PolicyName, PolicyDocument}] -> the documents as JSON text.
Field<std::vector<std::string>> inline_documents(object o, std::string_view key) {
  element e;
  array list;
  if (!present(o, key, e)) return Field<std::vector<std::string>>::known({});
  if (e.get(list) != simdjson::SUCCESS) {
    return Field<std::vector<std::string>>::unknown(fmt::format("{} is not a list", key));
  }
  std::vector<std::string> docs;
  for (element item : list) {
    object p;
    Field<std::string> doc;
    if (item.get(p) == simdjson::SUCCESS) doc = document_field(p, "PolicyDocument");
    if (!doc.is_known()) return Field<std::vector<std::string>>::unknown(fmt::format("an entry of {} has no PolicyDocument", key));
    docs.push_back(doc.value());
  }
  return Field<std::vector<std::string>>::known(std::move(docs));
}

// Returns false (and reports it) when something that could hold a policy cannot be read: the
// listing then does not prove the account's inline policies are all known.
bool read_inline_owner_policies(FileReader& r, object o, std::string_view list_name, size_t index,
                                std::string_view kind, std::string_view name_key, std::string_view list_key) {
  element e;
  array list;
  const bool has_policies = present(o, list_key, e);
  if (has_policies && e.get(list) != simdjson::SUCCESS) {
    r.error(fmt::format("{}[{}].{} is {}, expected an array", list_name, index, list_key, type_word(e)));
    return false;
  }
  const Field<std::string> name = string_field(o, name_key);
  if (!name.is_known()) {
    if (!has_policies || list.size() == 0) return true;
    r.error(fmt::format("{}[{}] has no {}; its inline policies are skipped", list_name, index, name_key));
    return false;
  }
  if (!has_policies) return true;
  const std::string owner = fmt::format("{}/{}", kind, name.value());
  const Field<std::string> owner_arn = string_field(o, "Arn");
  bool complete = true;
  size_t policy_index = 0;
  for (element item : list) {
    object p;
    if (item.get(p) != simdjson::SUCCESS) {
      r.error(fmt::format("{}[{}].{}[{}] is {}, expected an object", list_name, index, list_key, policy_index++,
                          type_word(item)));
      complete = false;
      continue;
    }
    ++policy_index;
    IamPolicy policy;
    // Inline policy names are unique per owner only.
    policy.id = fmt::format("{}/{}", owner, string_field(p, "PolicyName").value_or("?"));
    policy.origin = r.origin("iam:GetAccountAuthorizationDetails");
    policy.arn = Field<std::string>::absent();
    Arn parsed;
    r.scope(policy, "", parse_arn(owner_arn.value_or(""), parsed) ? parsed.account : std::string_view());
    policy.region = nullptr;
    policy.document = document_field(p, "PolicyDocument");
    if (policy.document.is_absent()) policy.document = Field<std::string>::unknown("the inline policy has no PolicyDocument");
    policy.inline_owner = Field<std::string>::known(owner);
    policy.attached_roles = Field<std::vector<std::string>>::known({});
    r.add(std::move(policy));
  }
  return complete;
}

// Returns whether every list was readable (what a complete listing needs).
bool read_authorization_details(FileReader& r, object root) {
  element e;
  array list;
  std::unordered_map<std::string, std::vector<std::string>> roles_by_policy;  // policy ARN -> role names
  bool complete = true;
  for (const char* key : {"RoleDetailList", "UserDetailList", "GroupDetailList", "Policies"}) {
    if (present(root, key, e) && e.type() != element_type::ARRAY) {
      r.error(fmt::format("{} is {}, expected an array", key, type_word(e)));
      complete = false;
    }
  }
  if (present(root, "RoleDetailList", e) && e.get(list) == simdjson::SUCCESS) {
    size_t index = 0;
    for (element item : list) {
      object o;
      if (item.get(o) != simdjson::SUCCESS) {
        r.error(fmt::format("RoleDetailList[{}] is {}, expected an object", index++, type_word(item)));
        complete = false;
        continue;
      }
      IamRole role;
      if (!require_id(r, o, "RoleDetailList", index++, "RoleName", role.id)) {
        complete = false;
        continue;
      }
      role.origin = r.origin("iam:GetAccountAuthorizationDetails");
      role.arn = string_field(o, "Arn");
      scope_global(r, role);
      role.assume_role_policy = document_field(o, "AssumeRolePolicyDocument");
      role.inline_policies = inline_documents(o, "RolePolicyList");
      role.managed_policy_arns = members(o, "AttachedManagedPolicies", "PolicyArn");
      if (role.managed_policy_arns.is_absent()) role.managed_policy_arns = Field<std::vector<std::string>>::known({});
      if (role.managed_policy_arns.is_known()) {
        for (const std::string& arn : role.managed_policy_arns.value()) roles_by_policy[arn].push_back(role.id);
      }
      r.add(std::move(role));
    }
  }
  for (const auto& [list_key, kind, name_key, policies_key] :
       {std::tuple{"UserDetailList", "user", "UserName", "UserPolicyList"},
        std::tuple{"GroupDetailList", "group", "GroupName", "GroupPolicyList"}}) {
    if (!present(root, list_key, e) || e.get(list) != simdjson::SUCCESS) continue;
    size_t index = 0;
    for (element item : list) {
      object o;
      if (item.get(o) != simdjson::SUCCESS) {
        r.error(fmt::format("{}[{}] is {}, expected an object", list_key, index, type_word(item)));
        complete = false;
      } else {
        complete &= read_inline_owner_policies(r, o, list_key, index, kind, name_key, policies_key);
      }
      ++index;
    }
  }
  if (present(root, "Policies", e) && e.get(list) == simdjson::SUCCESS) {
    size_t index = 0;
    for (element item : list) {
      object o;
      if (item.get(o) != simdjson::SUCCESS) {
        r.error(fmt::format("Policies[{}] is {}, expected an object", index++, type_word(item)));
        complete = false;
        continue;
      }
      IamPolicy policy;
      // Some emulators leave PolicyName out; the ARN's last segment is the name.
      const Field<std::string> policy_arn = string_field(o, "Arn");
      if (!has(o, "PolicyName") && policy_arn.is_known() && policy_arn.value().find('/') != std::string::npos) {
        policy.id = policy_arn.value().substr(policy_arn.value().rfind('/') + 1);
        ++index;
      } else if (!require_id(r, o, "Policies", index++, "PolicyName", policy.id)) {
        complete = false;
        continue;
      }
      policy.origin = r.origin("iam:GetAccountAuthorizationDetails");
      policy.arn = string_field(o, "Arn");
      scope_global(r, policy);
      // AWS managed policies are not the account's to fix; kept for the roles that attach them
      // (a role's rights include them) but not judged.
      policy.reference_only = policy.arn.value_or("").starts_with(kAwsManagedPolicyPrefix);
      policy.inline_owner = Field<std::string>::absent();
      const Field<std::string> default_version = string_field(o, "DefaultVersionId");
      policy.document = Field<std::string>::unknown("the policy lists no default version in PolicyVersionList");
      element versions;
      array version_list;
      if (present(o, "PolicyVersionList", versions) && versions.get(version_list) == simdjson::SUCCESS) {
        for (element v : version_list) {
          object version;
          if (v.get(version) != simdjson::SUCCESS) continue;
          const bool is_default = bool_field(version, "IsDefaultVersion").value_or(false) ||
                                  (default_version.is_known() &&
                                   string_field(version, "VersionId").value_or("") == default_version.value());
          if (!is_default) continue;
          policy.document = document_field(version, "Document");
          if (policy.document.is_absent()) policy.document = Field<std::string>::unknown("the default version has no Document");
          break;
        }
      }
      auto attached = roles_by_policy.find(policy.arn.value_or(""));
      policy.attached_roles = Field<std::vector<std::string>>::known(
          attached == roles_by_policy.end() ? std::vector<std::string>{} : attached->second);
      r.add(std::move(policy));
    }
  }
  return complete;
}

// The account of the first ARN found in list[].arn_key (for AccountRegion).
std::string_view account_in(object root, std::string_view list_key, std::string_view arn_key) {
  element e;
  array list;
  if (!present(root, list_key, e) || e.get(list) != simdjson::SUCCESS) return {};
  for (element item : list) {
    std::string_view arn;
    Arn parsed;
    if (item[arn_key].get(arn) == simdjson::SUCCESS && parse_arn(arn, parsed) && !parsed.account.empty()) {
      return parsed.account;
    }
  }
  return {};
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

bool is_trail(object o) { return has(o, "TrailARN") || has(o, "HomeRegion"); }
bool is_scalable_target(object o) { return has(o, "ScalableDimension"); }
bool is_recorder(object o) { return has(o, "recordingGroup") || has(o, "roleARN"); }
bool is_recorder_status(object o) { return has(o, "recording") || has(o, "lastStatus"); }
bool is_subnet(object o) { return has(o, "VpcId") || has(o, "SubnetArn"); }

// The account and region a complete list was read in, from its items: ARNs first, then owner
// ids and what else names the region. Empty when the items do not tell.
struct ListScope {
  std::string_view account, region;
};
using ScopeOf = void (*)(object item, ListScope& scope);

void scope_from_arn(std::string_view arn, ListScope& scope) {
  Arn parsed;
  if (!parse_arn(arn, parsed)) return;
  if (scope.account.empty()) scope.account = parsed.account;
  if (scope.region.empty()) scope.region = parsed.region;
}
std::string_view text_of(object o, std::string_view key) {
  std::string_view v;
  return o[key].get(v) == simdjson::SUCCESS ? v : std::string_view();
}
void subnets_scope(object o, ListScope& s) {
  scope_from_arn(text_of(o, "SubnetArn"), s);
  if (s.account.empty()) s.account = text_of(o, "OwnerId");
}
void owner_scope(object o, ListScope& s) {
  if (s.account.empty()) s.account = text_of(o, "OwnerId");
}
void endpoints_scope(object o, ListScope& s) {
  owner_scope(o, s);
  if (s.region.empty()) s.region = region_of_service_name(text_of(o, "ServiceName"));
}
void targets_scope(object o, ListScope& s) { scope_from_arn(text_of(o, "ScalableTargetARN"), s); }
void recorders_scope(object o, ListScope& s) { scope_from_arn(text_of(o, "arn"), s); }
// describe-trails lists the multi-region trails of other regions too (shadow trails): their ARN
// names their home region, not the region asked. Only a single-region trail tells the region.
// An organization trail's ARN names the management account, not the member whose listing it is.
void trails_scope(object o, ListScope& s) {
  Arn parsed;
  bool organization = false;
  if (o["IsOrganizationTrail"].get(organization) != simdjson::SUCCESS) organization = false;
  if (s.account.empty() && !organization && parse_arn(text_of(o, "TrailARN"), parsed)) s.account = parsed.account;
  bool multi = true;
  if (s.region.empty() && o["IsMultiRegionTrail"].get(multi) == simdjson::SUCCESS && !multi) {
    s.region = text_of(o, "HomeRegion");
  }
}

// A list of resources: its key, the member every item names itself by, and a further test for
// lists other tools print under the same key. A list that is the complete collection of its
// account and region (`collection` set) also records that it was listed, even when empty.
struct ListShape {
  const char* key;
  const char* id_key;
  ShapeTest extra;
  void (*read)(FileReader&, object, size_t);
  bool complete = false;
  Collection collection = Collection::kTrails;
  ScopeOf scope_of = nullptr;
  const char* api = nullptr;
};

// Whether an item is the kind a list shape expects.
bool is_item_of(const ListShape& shape, object o) {
  element e;
  return present(o, shape.id_key, e) && (shape.extra == nullptr || shape.extra(o));
}

void read_cache_subnet_group(FileReader& r, object o, size_t i) {
  read_subnet_group(r, o, i, ResourceType::kElastiCacheSubnetGroup);
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
    {"SubnetGroups", "SubnetGroupName", nullptr,
     [](FileReader& r, object o, size_t i) { read_subnet_group(r, o, i, ResourceType::kDaxSubnetGroup); }},
    {"CacheSubnetGroups", "CacheSubnetGroupName", nullptr, read_cache_subnet_group},
    {"SecurityGroups", "GroupId", nullptr, read_security_group},
    {"Aliases", "AliasName", nullptr, [](FileReader& r, object o, size_t) { read_alias(r, o); }},
    {"Subnets", "SubnetId", is_subnet, read_subnet, true, Collection::kSubnets, subnets_scope, "ec2:DescribeSubnets"},
    {"RouteTables", "RouteTableId", nullptr, read_route_table, true, Collection::kRouteTables, owner_scope,
     "ec2:DescribeRouteTables"},
    {"VpcEndpoints", "VpcEndpointId", nullptr, read_vpc_endpoint, true, Collection::kVpcEndpoints, endpoints_scope,
     "ec2:DescribeVpcEndpoints"},
    {"ScalableTargets", "ResourceId", is_scalable_target, read_scalable_target, true, Collection::kScalableTargets,
     targets_scope, "application-autoscaling:DescribeScalableTargets"},
    {"trailList", "Name", is_trail, read_trail, true, Collection::kTrails, trails_scope, "cloudtrail:DescribeTrails"},
    {"ConfigurationRecorders", "name", is_recorder, read_recorder, true, Collection::kConfigRecorders, recorders_scope,
     "config:DescribeConfigurationRecorders"},
    {"ConfigurationRecordersStatus", "name", is_recorder_status, read_recorder_status},
    {"BackupSelectionsList", "SelectionId", nullptr, read_listed_selection},
};

// Records a complete list for the account and region its items (or the options) name.
void record_listed(FileReader& r, const ListShape& shape, array items) {
  if (!shape.complete) return;
  ListScope scope;
  for (element item : items) {
    object o;
    if (item.get(o) == simdjson::SUCCESS) shape.scope_of(o, scope);
    if (!scope.account.empty() && !scope.region.empty()) break;
  }
  r.listed(shape.collection, scope.account, scope.region, true, shape.api);
}

// Reads root[key] with `shape`; returns whether it was there and ours.
bool read_list(FileReader& r, object root, const ListShape& shape) {
  element e;
  array items;
  const bool ours = each_object(r, root, shape.key, [&](object o) { return is_item_of(shape, o); },
                                [&](object o, size_t i) { shape.read(r, o, i); });
  if (ours && present(root, shape.key, e) && e.get(items) == simdjson::SUCCESS) record_listed(r, shape, items);
  return ours;
}

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

Field<std::vector<TagCondition>> backup_list_of_tags(object selection) { return read_list_of_tags(selection); }
Field<std::vector<TagCondition>> backup_conditions(object selection) { return read_conditions(selection); }

bool read_aws_cli_output(FileReader& r, element root) {
  // `aws ... --query Clusters` and the like print the bare list.
  array items;
  if (root.get(items) == simdjson::SUCCESS) {
    if (items.begin() == items.end()) return false;  // an empty list could be anything's
    for (const ListShape& shape : kLists) {
      if (each_object_of(r, items, shape.key, [&](object o) { return is_item_of(shape, o); },
                         [&](object o, size_t i) { shape.read(r, o, i); })) {
        record_listed(r, shape, items);
        return true;
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
  element e;
  for (const ListShape& shape : kLists) recognised |= read_list(r, obj, shape);
  // list-backup-selections covers one plan: remember which, to tell when all plans were listed.
  if (present(obj, "BackupSelectionsList", e) && e.get(items) == simdjson::SUCCESS && r.live_api == nullptr) {
    PendingAnswer listed = pending(r, PendingAnswer::Kind::kPlanSelections);
    for (element item : items) {
      object o;
      if (item.get(o) == simdjson::SUCCESS && listed.name.empty()) listed.name = string_field(o, "BackupPlanId").value_or("");
    }
    r.pending_backups.push_back(std::move(listed));
    recognised = true;
  }
  recognised |= one_object(r, obj, "Table", is_dynamodb_table, read_table);
  recognised |= one_object(r, obj, "KeyMetadata", nullptr, read_key_metadata);
  recognised |= one_object(r, obj, "ContinuousBackupsDescription", nullptr, read_continuous_backups);
  if (recognised) return true;
  // Outputs that are one object of their own, most naming no resource.
  std::string_view text;
  if (has(obj, "BackupSelection") && has(obj, "SelectionId")) {
    read_backup_selection(r, obj);
    return true;
  }
  if (has(obj, "RoleDetailList") || has(obj, "UserDetailList") || has(obj, "GroupDetailList")) {
    const bool complete = read_authorization_details(r, obj);
    // Unfiltered, the output holds all four lists: every customer managed and inline policy.
    if (complete && has(obj, "RoleDetailList") && has(obj, "UserDetailList") && has(obj, "GroupDetailList") && has(obj, "Policies")) {
      std::string_view account;
      for (const char* key : {"RoleDetailList", "Policies", "UserDetailList", "GroupDetailList"}) {
        if (account.empty()) account = account_in(obj, key, "Arn");
      }
      r.listed(Collection::kIamPolicies, account, {}, false, "iam:GetAccountAuthorizationDetails");
    }
    return true;
  }
  if (present(obj, "Policy", e) && e.get(text) == simdjson::SUCCESS) {
    // Older AWS answers (and moto) carry no PolicyName: then the file or the call must say KMS.
    if (has(obj, "PolicyName") ||
        (!has(obj, "RevisionId") && (mentions(*r.path, "kms") || mentions(*r.path, "key-policy")))) {
      read_policy(r, obj, PendingAnswer::Kind::kKeyPolicy);
      return true;
    }
    // Lambda's get-policy prints the same {"Policy", "RevisionId"}: a DynamoDB resource policy
    // names DynamoDB resources (or the file says it is DynamoDB's).
    if (has(obj, "RevisionId") &&
        (text.find(":dynamodb:") != std::string_view::npos || mentions(*r.path, "dynamodb"))) {
      read_policy(r, obj, PendingAnswer::Kind::kTablePolicy);
      return true;
    }
    return false;
  }
  if (is_policy_not_found(obj)) {
    read_policy_not_found(r, obj);
    return true;
  }
  if (present(obj, "KeyRotationEnabled", e) && e.type() == element_type::BOOL) {
    read_key_rotation(r, obj);
    return true;
  }
  if (present(obj, "IsLogging", e) && e.type() == element_type::BOOL) {
    read_trail_status(r, obj);
    return true;
  }
  if (has(obj, "TrailARN") && (has(obj, "EventSelectors") || has(obj, "AdvancedEventSelectors"))) {
    read_event_selectors(r, obj);
    return true;
  }
  // list-tags-of-resource: {"Tags": [...]}. DAX's list-tags prints the same, so the file (or the
  // live call) must say it is DynamoDB's.
  if (present(obj, "Tags", e) && e.type() == element_type::ARRAY && (obj.size() == 1 || has(obj, "NextToken")) &&
      (mentions(*r.path, "dynamodb") || mentions(*r.path, "tags-of-resource"))) {
    read_table_tags(r, obj);
    return true;
  }
  // list-backup-plans: no plan means no selection at all; otherwise the selections are all known
  // once each plan's list-backup-selections output is there too.
  if (present(obj, "BackupPlansList", e) && e.get(items) == simdjson::SUCCESS) {
    if (items.begin() == items.end()) {
      r.listed(Collection::kBackupSelections, {}, {}, true, "backup:ListBackupPlans");
      return true;
    }
    PendingAnswer plans = pending(r, PendingAnswer::Kind::kBackupPlans);
    std::string_view plan_arn;
    for (element item : items) {
      object plan;
      if (item.get(plan) != simdjson::SUCCESS) continue;
      Field<std::string> id = string_field(plan, "BackupPlanId");
      if (id.is_known()) plans.names.push_back(id.value());
      if (plan_arn.empty()) plan_arn = text_of(plan, "BackupPlanArn");
    }
    BackupSelection scope_only;
    r.scope(scope_only, plan_arn);
    plans.account = scope_only.account;
    plans.region = scope_only.region;
    if (r.live_api == nullptr) r.pending_backups.push_back(std::move(plans));
    return true;
  }
  return false;
}

}  // namespace atrest::snapshot
