// AWS Config configuration items in every envelope the API, the CLI and S3 delivery produce
// (shared/reference/aws-config-shapes.md §3-§5). Config records DynamoDB tables and KMS keys;
// it does not record DAX or ElastiCache.
#include <fmt/format.h>

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

  bool covers(std::string_view path) const { return coverage == nullptr || coverage->covers(path); }
};

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
  if (item.type != "AWS::DynamoDB::Table" && item.type != "AWS::KMS::Key") return;  // not ours
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
  if (item.type == "AWS::DynamoDB::Table") {
    DynamoDbTable t;
    t.id = std::string(item.id);
    finish(r, item, t);
    if (!t.deleted) fill_table(r, item, t);
    r.add(std::move(t));
  } else {
    KmsKey k;
    k.id = std::string(item.id);
    finish(r, item, k);
    if (!k.deleted) fill_key(r, item, k);
    r.add(std::move(k));
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
