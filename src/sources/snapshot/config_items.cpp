// AWS Config configuration items in every envelope the API, the CLI and S3 delivery produce
// (shared/reference/aws-config-shapes.md §3-§5). Config records DynamoDB tables, KMS keys, VPC
// endpoints, subnets, route tables, CloudTrail trails, its own recorders and IAM roles, policies,
// users and groups; it does not record DAX or ElastiCache. What an item cannot say (a table's
// resource policy, a trail's logging status) is UNKNOWN, never absent.
#include <fmt/format.h>

#include <algorithm>

#include "util/text.h"
#include "sources/snapshot/internal.h"

namespace atrest::snapshot {
namespace {

// Which configuration paths a select-resource-config query returned. A path that was not
// selected (itself or an ancestor) is UNKNOWN, never absent: selecting
// configuration.ssedescription.status says nothing about ssedescription.ssetype.
struct Coverage {
  std::vector<std::string> selected;  // e.g. "configuration.ssedescription"
  bool covers(std::string_view path) const {
    for (const std::string& s : selected) {
      const std::string_view sel(s);
      if (iequals(sel, path)) return true;
      if (path.size() > sel.size() && path[sel.size()] == '.' && iequals(path.substr(0, sel.size()), sel)) {
        return true;  // "configuration" covers "configuration.ssedescription"
      }
    }
    return false;
  }
};

struct Item {
  std::string_view type, id, account, region, arn, status;
  double captured = 0;
  bool has_config = false;
  object config;
  std::string no_config_reason;
  element supplementary;
  bool has_supplementary = false;
  const Coverage* coverage = nullptr;
  const char* api = "config";
  object raw;  // the whole item: tags and relationships sit beside the configuration
  std::string_view name;  // resourceName

  bool covers(std::string_view path) const { return coverage == nullptr || coverage->covers(path); }
};

bool is_ours(std::string_view type) {
  for (std::string_view t : {"AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::EC2::VPCEndpoint", "AWS::EC2::Subnet",
                             "AWS::EC2::RouteTable", "AWS::CloudTrail::Trail", "AWS::Config::ConfigurationRecorder",
                             "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::User", "AWS::IAM::Group",
                             "AWS::Backup::BackupSelection"}) {
    if (type == t) return true;
  }
  return false;
}

std::string_view text(object o, std::string_view key, std::string_view alias = {}) {
  std::string_view v;
  if (o.at_key(key).get(v) == simdjson::SUCCESS) return v;
  if (!alias.empty() && o.at_key(alias).get(v) == simdjson::SUCCESS) return v;
  return {};
}

bool is_deleted(std::string_view status) {
  return status == "ResourceDeleted" || status == "ResourceDeletedNotRecorded" ||
         status == "ResourceNotRecorded";
}

enum class Found { kPresent, kAbsent, kUnknown };

// Looks up configuration.<dotted path> (each segment matched exactly, then case-insensitively).
// Missing means absent when the item covers the path, unknown otherwise.
Found find_config(const Item& item, std::string_view dotted, element& out, std::string& why) {
  const std::string full = fmt::format("configuration.{}", dotted);
  auto missing = [&] {
    if (item.coverage != nullptr && !item.covers(full)) {
      why = full + " was not selected in the Config query";
      return Found::kUnknown;
    }
    return Found::kAbsent;
  };
  if (!item.has_config) {
    if (item.coverage != nullptr) return missing();  // a select result without configuration
    why = item.no_config_reason;
    return Found::kUnknown;
  }
  object at = item.config;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string_view segment = dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (!present(at, segment, out, true)) return missing();
    if (dot == std::string_view::npos) return Found::kPresent;
    if (out.get(at) != simdjson::SUCCESS) {
      why = fmt::format("configuration.{} is {}, not an object", dotted.substr(0, dot), type_word(out));
      return Found::kUnknown;
    }
    start = dot + 1;
  }
}

Field<std::string> config_string(const Item& item, std::string_view dotted) {
  element e;
  std::string why;
  switch (find_config(item, dotted, e, why)) {
    case Found::kAbsent: return Field<std::string>::absent();
    case Found::kUnknown: return Field<std::string>::unknown(why);
    case Found::kPresent: break;
  }
  std::string_view v;
  if (e.get(v) == simdjson::SUCCESS) return Field<std::string>::known(std::string(v));
  return Field<std::string>::unknown(fmt::format("configuration.{} is {}, not a string", dotted, type_word(e)));
}

Field<bool> config_bool(const Item& item, std::string_view dotted) {
  element e;
  std::string why;
  switch (find_config(item, dotted, e, why)) {
    case Found::kAbsent: return Field<bool>::absent();
    case Found::kUnknown: return Field<bool>::unknown(why);
    case Found::kPresent: break;
  }
  bool b;
  std::string_view v;
  if (e.get(b) == simdjson::SUCCESS) return Field<bool>::known(b);
  if (e.get(v) == simdjson::SUCCESS && (iequals(v, "true") || iequals(v, "false"))) {
    return Field<bool>::known(iequals(v, "true"));
  }
  return Field<bool>::unknown(fmt::format("configuration.{} is {}, not a boolean", dotted, type_word(e)));
}

// configuration.<list>: the list (a scalar where a list belongs is a list of one); `found`
// tells absent and unknown apart.
Found config_list(const Item& item, std::string_view dotted, array& out, std::string& why, element& scalar,
                  bool& is_scalar) {
  element e;
  is_scalar = false;
  const Found f = find_config(item, dotted, e, why);
  if (f != Found::kPresent) return f;
  if (e.get(out) == simdjson::SUCCESS) return Found::kPresent;
  if (e.type() != element_type::OBJECT) {
    scalar = e;
    is_scalar = true;
    return Found::kPresent;
  }
  why = fmt::format("configuration.{} is an object, not a list", dotted);
  return Found::kUnknown;
}

// configuration.<list> of strings, or of objects whose `member` is the string.
Field<std::vector<std::string>> config_strings(const Item& item, std::string_view dotted, std::string_view member = {}) {
  using F = Field<std::vector<std::string>>;
  array list;
  element scalar;
  bool is_scalar;
  std::string why;
  switch (config_list(item, dotted, list, why, scalar, is_scalar)) {
    case Found::kAbsent: return F::absent();
    case Found::kUnknown: return F::unknown(why);
    case Found::kPresent: break;
  }
  std::vector<std::string> values;
  auto take = [&](element e) {
    std::string_view v;
    object o;
    if (!member.empty() && e.get(o) == simdjson::SUCCESS) {
      Field<std::string> f = string_field(o, member, true);
      if (!f.is_known()) return false;
      values.push_back(f.value());
      return true;
    }
    if (e.get(v) != simdjson::SUCCESS) return false;
    values.emplace_back(v);
    return true;
  };
  if (is_scalar) {
    if (!take(scalar)) return F::unknown(fmt::format("configuration.{} is not a list of strings", dotted));
    return F::known(std::move(values));
  }
  for (element e : list) {
    if (!take(e)) return F::unknown(fmt::format("configuration.{} holds an entry without a string{}", dotted,
                                                member.empty() ? std::string() : fmt::format(" {}", member)));
  }
  return F::known(std::move(values));
}

// Fields AWS Config does not record for a type: absent in an item means unknown, not false.
Field<bool> config_bool_not_recorded(const Item& item, std::string_view dotted, std::string_view what) {
  element e;
  std::string why;
  if (find_config(item, dotted, e, why) != Found::kPresent) {
    return Field<bool>::unknown(fmt::format("AWS Config does not record {}", what));
  }
  bool b;
  std::string_view v;
  if (e.get(b) == simdjson::SUCCESS) return Field<bool>::known(b);
  if (e.get(v) == simdjson::SUCCESS && (iequals(v, "true") || iequals(v, "false"))) {
    return Field<bool>::known(iequals(v, "true"));
  }
  return Field<bool>::unknown(fmt::format("configuration.{} is {}, not a boolean", dotted, type_word(e)));
}

// Decodes one supplementaryConfiguration value: API outputs carry JSON text, files carry objects.
bool supplementary_value(FileReader& r, const Item& item, std::string_view key, element& out) {
  if (!item.has_supplementary) return false;
  object supp;
  if (item.supplementary.get(supp) != simdjson::SUCCESS) return false;
  if (!present(supp, key, out, true)) return false;
  std::string_view encoded;
  if (out.get(encoded) == simdjson::SUCCESS) {
    if (iequals(encoded, "true") || iequals(encoded, "false")) return true;  // caller reads text
    if (r.value_parser.parse(encoded.data(), encoded.size()).get(out) != simdjson::SUCCESS) {
      return false;
    }
  }
  return true;
}

Field<std::vector<TableReplica>> config_replicas(const Item& item, const std::string* own_region) {
  using F = Field<std::vector<TableReplica>>;
  array list;
  element scalar;
  bool is_scalar;
  std::string why;
  switch (config_list(item, "replicas", list, why, scalar, is_scalar)) {
    case Found::kAbsent:
      // Version 2017.11.29 global tables keep their replicas out of the table's description.
      if (config_string(item, "globalTableVersion").value_or("").starts_with("2017")) {
        return F::unknown("a version 2017.11.29 global table: the Config item does not list its replicas");
      }
      return F::known({});
    case Found::kUnknown: return F::unknown(why);
    case Found::kPresent: break;
  }
  if (is_scalar) return F::unknown("configuration.replicas is not a list");
  std::vector<TableReplica> replicas;
  for (element e : list) {
    object o;
    Field<std::string> region;
    if (e.get(o) == simdjson::SUCCESS) region = string_field(o, "regionName", true);
    if (!region.is_known()) return F::unknown("a replica in configuration.replicas has no regionName");
    if (own_region != nullptr && region.value() == *own_region) continue;
    TableReplica rep;
    rep.region = region.value();
    rep.kms_key = string_field(o, "kmsmasterKeyId", true);
    replicas.push_back(std::move(rep));
  }
  return F::known(std::move(replicas));
}

// Tags from wherever the envelope put them (§4.5): the item's `tags`, supplementary `Tags` and
// configuration.tags, merged. None of them: unknown (batch-get strips tags).
Field<std::vector<Tag>> item_tags(FileReader& r, const Item& item) {
  std::vector<Tag> all;
  bool found = false;
  auto merge = [&](const Field<std::vector<Tag>>& f) {
    if (f.is_absent()) return true;
    if (!f.is_known()) return false;
    found = true;
    for (const Tag& t : f.value()) {
      auto same = std::find_if(all.begin(), all.end(), [&](const Tag& a) { return a.key == t.key; });
      if (same == all.end()) all.push_back(t);
    }
    return true;
  };
  Field<std::vector<Tag>> top = tags_field(item.raw, "tags");
  if (!merge(top)) return top;
  element supp;
  if (supplementary_value(r, item, "Tags", supp)) {
    Field<std::vector<Tag>> f = tags_value(supp, "supplementaryConfiguration.Tags");
    if (!merge(f)) return f;
  }
  if (item.has_config) {
    Field<std::vector<Tag>> f = tags_field(item.config, "tags", true);
    if (!merge(f)) return f;
  }
  if (!found) {
    return Field<std::vector<Tag>>::unknown(item.coverage != nullptr
                                                ? "tags were not selected in the Config query"
                                                : "the Config item carries no tags (batch-get-resource-config drops them)");
  }
  return Field<std::vector<Tag>>::known(std::move(all));
}

// A supplementary value that is a document (KMS `Policy`), as JSON text: API output
// double-encodes it, files hold it once.
Field<std::string> supplementary_document(const Item& item, std::string_view key) {
  object supp;
  element e;
  if (!item.has_supplementary || item.supplementary.get(supp) != simdjson::SUCCESS || !present(supp, key, e, true)) {
    return Field<std::string>::unknown(fmt::format("the Config item has no {}", key));
  }
  std::string_view text;
  if (e.get(text) == simdjson::SUCCESS) {
    simdjson::dom::parser parser;
    element decoded;
    std::string_view inner;
    if (parser.parse(text.data(), text.size()).get(decoded) == simdjson::SUCCESS && decoded.get(inner) == simdjson::SUCCESS) {
      return Field<std::string>::known(std::string(inner));
    }
    return Field<std::string>::known(std::string(text));
  }
  return document_value(e, key);
}

void fill_table(FileReader& r, const Item& item, DynamoDbTable& t) {
  t.table_status = config_string(item, "tableStatus");
  element sse;
  std::string why;
  switch (find_config(item, "ssedescription", sse, why)) {
    case Found::kAbsent:  // as in DescribeTable: no ssedescription means the AWS owned key
      t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::absent();
      break;
    case Found::kUnknown:
      t.sse_status = t.sse_type = t.kms_key_arn = Field<std::string>::unknown(why);
      break;
    case Found::kPresent:
      t.sse_status = config_string(item, "ssedescription.status");
      t.sse_type = config_string(item, "ssedescription.ssetype");
      t.kms_key_arn = config_string(item, "ssedescription.kmsmasterKeyArn");
      infer_sse_type(t);
      break;
  }
  t.deletion_protection =
      config_bool_not_recorded(item, "deletionProtectionEnabled", "DeletionProtectionEnabled");
  element billing;
  switch (find_config(item, "billingModeSummary", billing, why)) {
    case Found::kAbsent: t.billing_mode = Field<std::string>::known("PROVISIONED"); break;  // as DescribeTable
    case Found::kUnknown: t.billing_mode = Field<std::string>::unknown(why); break;
    case Found::kPresent:
      t.billing_mode = config_string(item, "billingModeSummary.billingMode");
      if (t.billing_mode.is_absent()) t.billing_mode = Field<std::string>::known("PROVISIONED");
      break;
  }
  t.gsi_names = config_strings(item, "globalSecondaryIndexes", "indexName");
  if (t.gsi_names.is_absent()) t.gsi_names = Field<std::vector<std::string>>::known({});
  t.replicas = config_replicas(item, t.region);
  t.tags = item_tags(r, item);
  t.resource_policy = Field<std::string>::unknown("AWS Config does not record a table's resource policy");
  element backups;
  object backups_obj, pitr_obj;
  element pitr;
  if (supplementary_value(r, item, "ContinuousBackupsDescription", backups) &&
      backups.get(backups_obj) == simdjson::SUCCESS &&
      present(backups_obj, "pointInTimeRecoveryDescription", pitr, true) &&
      pitr.get(pitr_obj) == simdjson::SUCCESS) {
    t.pitr_status = string_field(pitr_obj, "pointInTimeRecoveryStatus", true);
    t.pitr_recovery_days = int_field(pitr_obj, "recoveryPeriodInDays", true);
    if (t.pitr_recovery_days.is_absent()) {
      t.pitr_recovery_days = Field<int64_t>::unknown("AWS Config does not record RecoveryPeriodInDays");
    }
  } else {
    t.pitr_status = Field<std::string>::unknown("the Config item has no ContinuousBackupsDescription");
    t.pitr_recovery_days = Field<int64_t>::unknown("the Config item has no ContinuousBackupsDescription");
  }
}

void fill_key(FileReader& r, const Item& item, KmsKey& k) {
  k.key_state = config_string(item, "keyState");
  k.key_manager = config_string(item, "keyManager");
  k.key_origin = config_string(item, "origin");
  k.key_spec = config_string(item, "keySpec");
  element when;
  std::string why;
  switch (find_config(item, "deletionDate", when, why)) {
    case Found::kAbsent: k.deletion_date = Field<std::string>::absent(); break;
    case Found::kUnknown: k.deletion_date = Field<std::string>::unknown(why); break;
    case Found::kPresent: {
      double t;
      k.deletion_date = parse_time(when, t) ? Field<std::string>::known(format_time(t))
                                            : Field<std::string>::unknown("configuration.deletionDate is not a timestamp");
    }
  }
  k.policy = supplementary_document(item, "Policy");
  element rotation;
  if (supplementary_value(r, item, "KeyRotationStatus", rotation)) {
    bool b;
    std::string_view s;
    if (rotation.get(b) == simdjson::SUCCESS) {
      k.rotation_enabled = Field<bool>::known(b);
    } else if (rotation.get(s) == simdjson::SUCCESS) {
      k.rotation_enabled = Field<bool>::known(iequals(s, "true"));
    } else {
      k.rotation_enabled = Field<bool>::unknown("KeyRotationStatus is not a boolean");
    }
  } else {
    k.rotation_enabled = Field<bool>::unknown("the Config item has no KeyRotationStatus");
  }
}

// The name a resource is known by: a configuration member, else resourceName, else resourceId.
std::string item_name(const Item& item, std::string_view member) {
  Field<std::string> f = config_string(item, member);
  if (f.is_known() && !f.value().empty()) return f.value();
  return std::string(item.name.empty() ? item.id : item.name);
}

void fill_vpc_endpoint(const Item& item, VpcEndpoint& v) {
  v.vpc_id = config_string(item, "vpcId");
  v.service_name = config_string(item, "serviceName");
  v.endpoint_type = config_string(item, "vpcEndpointType");
  // The query schema indexes the state as state.value: accept both forms.
  element state;
  std::string why;
  if (find_config(item, "state", state, why) == Found::kPresent && state.type() == element_type::OBJECT) {
    v.state = config_string(item, "state.value");
  } else {
    v.state = config_string(item, "state");
  }
}

void fill_subnet(const Item& item, Subnet& s) {
  s.vpc_id = config_string(item, "vpcId");
  s.availability_zone = config_string(item, "availabilityZone");
}

void fill_route_table(const Item& item, RouteTable& t) {
  t.vpc_id = config_string(item, "vpcId");
  array list;
  element scalar;
  bool is_scalar;
  std::string why;
  switch (config_list(item, "associations", list, why, scalar, is_scalar)) {
    case Found::kUnknown:
      t.main = Field<bool>::unknown(why);
      t.subnet_ids = Field<std::vector<std::string>>::unknown(why);
      break;
    case Found::kAbsent:
      t.main = Field<bool>::known(false);
      t.subnet_ids = Field<std::vector<std::string>>::known({});
      break;
    case Found::kPresent: {
      bool main = false;
      std::vector<std::string> subnets;
      if (!is_scalar) {
        for (element e : list) {
          object a;
          if (e.get(a) != simdjson::SUCCESS) continue;
          if (bool_field(a, "main", true).value_or(false)) main = true;
          Field<std::string> subnet = string_field(a, "subnetId", true);
          if (subnet.is_known()) subnets.push_back(subnet.value());
        }
      }
      t.main = Field<bool>::known(main);
      t.subnet_ids = Field<std::vector<std::string>>::known(std::move(subnets));
    }
  }
  switch (config_list(item, "routes", list, why, scalar, is_scalar)) {
    case Found::kUnknown: t.routes = Field<std::vector<Route>>::unknown(why); break;
    case Found::kAbsent: t.routes = Field<std::vector<Route>>::known({}); break;
    case Found::kPresent: {
      std::vector<Route> routes;
      if (!is_scalar) {
        for (element e : list) {
          object o;
          if (e.get(o) != simdjson::SUCCESS) continue;
          if (iequals(string_field(o, "state", true).value_or(""), "blackhole")) continue;  // carries nothing
          Route route;
          route.destination_cidr = string_field(o, "destinationCidrBlock", true);
          route.destination_ipv6_cidr = string_field(o, "destinationIpv6CidrBlock", true);
          route.gateway_id = string_field(o, "gatewayId", true);
          routes.push_back(std::move(route));
        }
      }
      t.routes = Field<std::vector<Route>>::known(std::move(routes));
    }
  }
}

void fill_trail(const Item& item, Trail& t) {
  t.home_region = config_string(item, "homeRegion");
  t.multi_region = config_bool(item, "isMultiRegionTrail");
  t.organization = config_bool(item, "isOrganizationTrail");
  t.logging = Field<bool>::unknown("AWS Config does not record whether a trail is logging; add get-trail-status output");
  const char* no_selectors = "AWS Config does not record event selectors; add get-event-selectors output";
  t.event_selectors = Field<std::vector<ClassicEventSelector>>::unknown(no_selectors);
  t.advanced_event_selectors = Field<std::vector<AdvancedEventSelector>>::unknown(no_selectors);
}

// PascalCase (§5.6); lookups fall back to any casing.
void fill_recorder(const Item& item, ConfigRecorder& c) {
  c.recording = config_bool(item, "Recording");
  if (c.recording.is_absent()) c.recording = Field<bool>::unknown("the Config item does not say whether it records");
  c.all_supported = config_bool(item, "RecordingGroup.AllSupported");
  c.resource_types = config_strings(item, "RecordingGroup.ResourceTypes");
  c.excluded_types = config_strings(item, "RecordingGroup.ExclusionByResourceTypes.ResourceTypes");
  c.recording_strategy = config_string(item, "RecordingGroup.RecordingStrategy.UseOnly");
}

// The item's configuration is GetBackupSelection's answer (PascalCase). The query schema indexes
// Resources and NotResources only: tag conditions missing from an item are unknown, not absent.
void fill_backup_selection(const Item& item, BackupSelection& b) {
  b.plan_id = config_string(item, "BackupPlanId");
  b.resources = config_strings(item, "BackupSelection.Resources");
  b.not_resources = config_strings(item, "BackupSelection.NotResources");
  element e;
  object selection;
  std::string why;
  if (find_config(item, "BackupSelection", e, why) != Found::kPresent || e.get(selection) != simdjson::SUCCESS) {
    if (why.empty()) why = "the Config item has no BackupSelection";
    b.list_of_tags = b.conditions = Field<std::vector<TagCondition>>::unknown(why);
    return;
  }
  b.list_of_tags = backup_list_of_tags(selection);
  b.conditions = backup_conditions(selection);
  if (b.list_of_tags.is_absent()) {
    b.list_of_tags = Field<std::vector<TagCondition>>::unknown("the Config item does not record ListOfTags");
  }
  if (b.conditions.is_absent()) {
    b.conditions = Field<std::vector<TagCondition>>::unknown("the Config item does not record Conditions");
  }
}

// [{policyName, policyDocument}] as document texts (URL-encoded in Config).
Field<std::vector<std::string>> config_documents(const Item& item, std::string_view list_key) {
  using F = Field<std::vector<std::string>>;
  array list;
  element scalar;
  bool is_scalar;
  std::string why;
  switch (config_list(item, list_key, list, why, scalar, is_scalar)) {
    case Found::kAbsent: return F::known({});
    case Found::kUnknown: return F::unknown(why);
    case Found::kPresent: break;
  }
  if (is_scalar) return F::unknown(fmt::format("configuration.{} is not a list", list_key));
  std::vector<std::string> docs;
  for (element e : list) {
    object o;
    Field<std::string> doc;
    if (e.get(o) == simdjson::SUCCESS) doc = document_field(o, "policyDocument", true);
    if (!doc.is_known()) return F::unknown(fmt::format("an entry of configuration.{} has no policyDocument", list_key));
    docs.push_back(doc.value());
  }
  return F::known(std::move(docs));
}

void fill_role(const Item& item, IamRole& role) {
  element e;
  std::string why;
  switch (find_config(item, "assumeRolePolicyDocument", e, why)) {
    case Found::kAbsent: role.assume_role_policy = Field<std::string>::absent(); break;
    case Found::kUnknown: role.assume_role_policy = Field<std::string>::unknown(why); break;
    case Found::kPresent: role.assume_role_policy = document_value(e, "assumeRolePolicyDocument"); break;
  }
  role.inline_policies = config_documents(item, "rolePolicyList");
  role.managed_policy_arns = config_strings(item, "attachedManagedPolicies", "policyArn");
  if (role.managed_policy_arns.is_absent()) role.managed_policy_arns = Field<std::vector<std::string>>::known({});
}

void fill_policy(const Item& item, IamPolicy& p) {
  p.inline_owner = Field<std::string>::absent();
  const Field<std::string> default_version = config_string(item, "defaultVersionId");
  array list;
  element scalar;
  bool is_scalar;
  std::string why;
  p.document = Field<std::string>::unknown("configuration.policyVersionList has no default version");
  if (config_list(item, "policyVersionList", list, why, scalar, is_scalar) == Found::kPresent && !is_scalar) {
    for (element e : list) {
      object v;
      if (e.get(v) != simdjson::SUCCESS) continue;
      if (!bool_field(v, "isDefaultVersion", true).value_or(false) &&
          !(default_version.is_known() && string_field(v, "versionId", true).value_or("") == default_version.value())) {
        continue;
      }
      p.document = document_field(v, "document", true);
      if (p.document.is_absent()) p.document = Field<std::string>::unknown("the default policy version has no document");
      break;
    }
  } else if (!why.empty()) {
    p.document = Field<std::string>::unknown(why);
  }
  // Roles the policy is attached to are relationships of the item, not configuration.
  element rel;
  array rels;
  if (present(item.raw, "relationships", rel) && rel.get(rels) == simdjson::SUCCESS) {
    std::vector<std::string> roles;
    for (element e : rels) {
      object o;
      if (e.get(o) != simdjson::SUCCESS || text(o, "resourceType") != "AWS::IAM::Role") continue;
      std::string_view name = text(o, "resourceName");
      if (!name.empty()) roles.emplace_back(name);
    }
    p.attached_roles = Field<std::vector<std::string>>::known(std::move(roles));
  } else {
    p.attached_roles = Field<std::vector<std::string>>::unknown("the Config item lists no relationships");
  }
}

template <class T>
void finish(FileReader& r, const Item& item, T& res) {
  res.detail = Detail::kConfigItem;
  res.observed_at = item.captured;
  res.deleted = is_deleted(item.status);
  res.origin = r.origin(item.api);
  res.arn = item.arn.empty() ? Field<std::string>::absent()
                             : Field<std::string>::known(std::string(item.arn));
  r.scope(res, item.arn, item.account, item.region);
}

void read_item(FileReader& r, object o, const char* api, const Coverage* coverage, std::string_view where) {
  Item item;
  item.api = api;
  item.coverage = coverage;
  item.type = text(o, "resourceType");
  if (item.type.empty()) {
    r.error(fmt::format("{}: the item has no resourceType{}; item skipped", where,
                        coverage != nullptr ? " (add resourceType to the SELECT clause)" : ""));
    return;
  }
  if (!is_ours(item.type)) return;
  item.id = text(o, "resourceId");
  if (item.id.empty()) {
    r.error(fmt::format("{}: a {} item has no resourceId; item skipped", where, item.type));
    return;
  }
  item.account = text(o, "accountId", "awsAccountId");
  item.region = text(o, "awsRegion");
  item.arn = text(o, "arn", "ARN");
  item.status = text(o, "configurationItemStatus");
  element e;
  if (present(o, "configurationItemCaptureTime", e)) parse_time(e, item.captured);
  if (present(o, "configuration", e)) {
    std::string_view encoded;
    if (e.get(encoded) == simdjson::SUCCESS) {
      if (encoded.empty()) {
        item.no_config_reason = "the Config item's configuration is empty";
      } else if (auto err = r.inner_parser.parse(encoded.data(), encoded.size()).get(item.config); err) {
        r.error(fmt::format("{}: the configuration of {} {} is not valid JSON ({})", where, item.type,
                            item.id, simdjson::error_message(err)));
        return;
      } else {
        item.has_config = true;
      }
    } else if (e.get(item.config) == simdjson::SUCCESS) {
      item.has_config = true;
    } else {
      r.error(fmt::format("{}: configuration of {} {} is {}", where, item.type, item.id, type_word(e)));
      return;
    }
    if (item.has_config && item.config.size() == 0) {
      item.has_config = false;
      item.no_config_reason = "the Config item's configuration is empty";
    }
  } else {
    item.no_config_reason = coverage != nullptr ? "configuration was not selected in the Config query"
                                                : "the Config item carries no configuration";
  }
  item.has_supplementary = present(o, "supplementaryConfiguration", item.supplementary);
  item.raw = o;
  item.name = text(o, "resourceName");
  // Reads one resource: named, scoped, then filled unless the item says it was deleted.
  auto emit = [&](auto res, std::string id, auto&& fill) {
    res.id = std::move(id);
    finish(r, item, res);
    if (!res.deleted) fill(res);
    r.add(std::move(res));
  };
  const std::string id(item.id);
  if (item.type == "AWS::DynamoDB::Table") {
    emit(DynamoDbTable(), id, [&](DynamoDbTable& t) { fill_table(r, item, t); });
  } else if (item.type == "AWS::KMS::Key") {
    emit(KmsKey(), id, [&](KmsKey& k) { fill_key(r, item, k); });
  } else if (item.type == "AWS::EC2::VPCEndpoint") {
    emit(VpcEndpoint(), id, [&](VpcEndpoint& v) { fill_vpc_endpoint(item, v); });
  } else if (item.type == "AWS::EC2::Subnet") {
    emit(Subnet(), id, [&](Subnet& s) { fill_subnet(item, s); });
  } else if (item.type == "AWS::EC2::RouteTable") {
    emit(RouteTable(), id, [&](RouteTable& t) { fill_route_table(item, t); });
  } else if (item.type == "AWS::CloudTrail::Trail") {
    // Keyed on the trail's name and ARN (§5.5), as describe-trails names it.
    Trail t;
    const Field<std::string> trail_arn = config_string(item, "trailARN");
    if (trail_arn.is_known()) {
      item.arn = trail_arn.value();
      item.region = {};  // a trail lives in its home region, the one of its ARN
    }
    emit(std::move(t), item_name(item, "name"), [&](Trail& trail) { fill_trail(item, trail); });
  } else if (item.type == "AWS::Backup::BackupSelection") {
    // Named by its SelectionId, as get-backup-selection output names it.
    emit(BackupSelection(), item_name(item, "SelectionId"), [&](BackupSelection& b) { fill_backup_selection(item, b); });
  } else if (item.type == "AWS::Config::ConfigurationRecorder") {
    emit(ConfigRecorder(), item_name(item, "Name"), [&](ConfigRecorder& c) { fill_recorder(item, c); });
  } else if (item.type == "AWS::IAM::Role") {
    IamRole role;
    role.id = item_name(item, "roleName");
    finish(r, item, role);
    role.region = nullptr;  // IAM is global ("awsRegion": "global")
    if (!role.deleted) fill_role(item, role);
    r.add(std::move(role));
  } else if (item.type == "AWS::IAM::Policy") {
    IamPolicy policy;
    policy.id = item_name(item, "policyName");
    finish(r, item, policy);
    policy.region = nullptr;
    if (!policy.deleted) fill_policy(item, policy);
    r.add(std::move(policy));
  } else {
    // Users and groups: each inline policy is a policy of its own, owned by them.
    const bool user = item.type == "AWS::IAM::User";
    const std::string owner = fmt::format("{}/{}", user ? "user" : "group", item_name(item, user ? "userName" : "groupName"));
    if (is_deleted(item.status)) return;
    array list;
    element scalar;
    bool is_scalar;
    std::string why;
    if (config_list(item, user ? "userPolicyList" : "groupPolicyList", list, why, scalar, is_scalar) != Found::kPresent ||
        is_scalar) {
      return;
    }
    for (element e : list) {
      object p;
      if (e.get(p) != simdjson::SUCCESS) continue;
      IamPolicy policy;
      policy.id = fmt::format("{}/{}", owner, string_field(p, "policyName", true).value_or("?"));
      finish(r, item, policy);
      policy.arn = Field<std::string>::absent();
      policy.region = nullptr;
      policy.document = document_field(p, "policyDocument", true);
      if (policy.document.is_absent()) policy.document = Field<std::string>::unknown("the inline policy has no policyDocument");
      policy.inline_owner = Field<std::string>::known(owner);
      policy.attached_roles = Field<std::vector<std::string>>::known({});
      r.add(std::move(policy));
    }
  }
}

// Keys AWS Config did not return (batch-get): the data could not be read, so ERROR, not absence.
// They rank below any real observation, so a retry's output in another file wins. A batch-get
// call covers one account and region, so the returned items tell the scope of the missing ones.
void read_unprocessed(FileReader& r, object root) {
  element e;
  array list;
  std::string_view batch_account, batch_region;
  for (const char* items_key : {"baseConfigurationItems", "BaseConfigurationItems"}) {
    if (present(root, items_key, e) && e.get(list) == simdjson::SUCCESS) {
      for (element item : list) {
        object o;
        if (item.get(o) != simdjson::SUCCESS) continue;
        batch_account = text(o, "accountId", "awsAccountId");
        batch_region = text(o, "awsRegion");
        break;
      }
    }
  }
  for (const char* key : {"unprocessedResourceKeys", "UnprocessedResourceIdentifiers"}) {
    if (!present(root, key, e) || e.get(list) != simdjson::SUCCESS) continue;
    for (element k : list) {
      object o;
      if (k.get(o) != simdjson::SUCCESS) continue;
      std::string_view type = text(o, "resourceType", "ResourceType");
      std::string_view id = text(o, "resourceId", "ResourceId");
      if (id.empty()) continue;
      auto add_unreadable = [&](auto resource) {
        resource.id = std::string(id);
        resource.read_error =
            intern("AWS Config returned it in unprocessed keys; retry batch-get-resource-config");
        resource.detail = Detail::kListing;
        resource.origin = r.origin("config:BatchGetResourceConfig");
        std::string_view account = text(o, "SourceAccountId");
        std::string_view region = text(o, "SourceRegion");
        r.scope(resource, "", account.empty() ? batch_account : account, region.empty() ? batch_region : region);
        r.add(std::move(resource));
      };
      if (type == "AWS::DynamoDB::Table") add_unreadable(DynamoDbTable());
      if (type == "AWS::KMS::Key") add_unreadable(KmsKey());
      if (type == "AWS::EC2::VPCEndpoint") add_unreadable(VpcEndpoint());
      if (type == "AWS::EC2::Subnet") add_unreadable(Subnet());
      if (type == "AWS::EC2::RouteTable") add_unreadable(RouteTable());
      if (type == "AWS::CloudTrail::Trail") add_unreadable(Trail());
      if (type == "AWS::Config::ConfigurationRecorder") add_unreadable(ConfigRecorder());
      if (type == "AWS::Backup::BackupSelection") add_unreadable(BackupSelection());
    }
  }
}

bool read_item_list(FileReader& r, object root, const char* key, const char* api) {
  return each_object(r, root, key, [](object) { return true; }, [&](object item, size_t index) {
    read_item(r, item, api, nullptr, fmt::format("{}[{}]", key, index));
  });
}

bool read_select_results(FileReader& r, object root) {
  element results, query;
  if (!present(root, "Results", results) || !present(root, "QueryInfo", query)) return false;
  Coverage coverage;
  element fields;
  array field_list;
  object query_obj;
  if (query.get(query_obj) == simdjson::SUCCESS && present(query_obj, "SelectFields", fields) &&
      fields.get(field_list) == simdjson::SUCCESS) {
    for (element f : field_list) {
      std::string_view name;
      if (f["Name"].get(name) == simdjson::SUCCESS) coverage.selected.emplace_back(name);
    }
  }
  array list;
  if (results.get(list) != simdjson::SUCCESS) {
    r.error("Results is not an array");
    return true;
  }
  // Each result is its own JSON document in a string; parse with a parser of its own so the
  // item's decoded supplementary values can use value_parser.
  simdjson::dom::parser result_parser;
  size_t index = 0;
  for (element e : list) {
    const std::string where = fmt::format("Results[{}]", index++);
    std::string_view encoded;
    object o;
    if (e.get(encoded) != simdjson::SUCCESS) {
      if (e.get(o) != simdjson::SUCCESS) {
        r.error(fmt::format("{} is {}, expected a JSON string", where, type_word(e)));
        continue;
      }
    } else if (auto err = result_parser.parse(encoded.data(), encoded.size()).get(o); err) {
      r.error(fmt::format("{} is not a JSON object ({})", where, simdjson::error_message(err)));
      continue;
    }
    read_item(r, o, "config:SelectResourceConfig", &coverage, where);
  }
  return true;
}

}  // namespace

bool read_config_items(FileReader& r, object root) {
  element e;
  object o;
  const bool file = present(root, "fileVersion", e);
  bool recognised =
      read_item_list(r, root, "configurationItems",
                     file ? "config:delivered-file" : "config:GetResourceConfigHistory");
  recognised |= read_item_list(r, root, "baseConfigurationItems", "config:BatchGetResourceConfig");
  recognised |= read_item_list(r, root, "BaseConfigurationItems",
                               "config:BatchGetAggregateResourceConfig");
  if (recognised) read_unprocessed(r, root);
  for (const char* key : {"ConfigurationItem", "configurationItem"}) {
    if (present(root, key, e)) {
      recognised = true;
      if (e.get(o) == simdjson::SUCCESS) {
        read_item(r, o, key[0] == 'C' ? "config:GetAggregateResourceConfig" : "config:notification",
                  nullptr, key);
      } else {
        r.error(fmt::format("{} is {}, expected an object", key, type_word(e)));
      }
    }
  }
  // Oversized change notifications carry only a summary; the item itself is in S3.
  if (present(root, "configurationItemSummary", e)) {
    recognised = true;
    std::string_view key;
    if (root["s3ObjectKey"].get(key) != simdjson::SUCCESS) key = {};
    r.error(fmt::format("an oversized change notification carries no configuration; read the item "
                        "from S3{} or with get-resource-config-history",
                        key.empty() ? std::string() : fmt::format(" ({})", key)));
  }
  recognised |= read_select_results(r, root);
  return recognised;
}

}  // namespace atrest::snapshot
