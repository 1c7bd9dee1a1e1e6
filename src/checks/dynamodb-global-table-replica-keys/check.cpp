// dynamodb-global-table-replica-keys: every replica of a global table is encrypted with a KMS key
// of its own region (KMS keys are regional: a replica cannot use the key of another region), and
// with a customer managed key wherever the table uses one, so that no replica falls back to a
// weaker key than the table it copies.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "checks/check.h"

namespace atrest {

namespace {

constexpr std::string_view kAwsManagedAlias = "alias/aws/dynamodb";

enum class Tri { kNo, kMaybe, kYes };

bool is_aws_managed_ref(std::string_view ref) {
  return ref == kAwsManagedAlias || ref.ends_with(":" + std::string(kAwsManagedAlias));
}

// Whether the table itself uses a customer managed key.
Tri table_uses_cmk(const Inventory& inv, const DynamoDbTable& t, std::string& why) {
  if (t.sse_type.is_absent()) return Tri::kNo;  // AWS owned key
  if (t.sse_type.is_unknown()) {
    why = std::string(t.sse_type.reason());
    return Tri::kMaybe;
  }
  if (!iequals(t.sse_type.value(), "KMS")) return Tri::kNo;
  if (t.kms_key_arn.is_absent()) return Tri::kNo;  // KMS without a key: the AWS managed key
  if (t.kms_key_arn.is_unknown()) {
    why = std::string(t.kms_key_arn.reason());
    return Tri::kMaybe;
  }
  const std::string& ref = t.kms_key_arn.value();
  if (is_aws_managed_ref(ref)) return Tri::kNo;
  if (const KmsKey* key = inv.find_kms_key(ref, t); key != nullptr && key->key_manager.is_known()) {
    return iequals(key->key_manager.value(), "CUSTOMER") ? Tri::kYes : Tri::kNo;
  }
  // A template names a key of its own or an explicit one: customer managed. A live table's key
  // that was not described is undecided.
  if (is_iac(t.origin.kind)) return Tri::kYes;
  why = fmt::format("key {} was not described", ref);
  return Tri::kMaybe;
}

struct ReplicaVerdict {
  ReplicaVerdict(Tri ok_, std::string message_, bool stack_key_ = false)
      : ok(ok_), message(std::move(message_)), stack_key(stack_key_) {}
  Tri ok;
  std::string message;
  bool stack_key;  // undecided only because it uses a template key and the stack region is unknown
};

ReplicaVerdict judge_replica(const Inventory& inv, const DynamoDbTable& t, const TableReplica& r, Tri table_cmk,
                             const std::string& table_cmk_why) {
  const Field<std::string>& key = r.kms_key;
  if (key.is_unknown()) {
    return {Tri::kMaybe, fmt::format("the key of replica {} is unknown ({})", r.region, key.reason())};
  }
  bool aws_managed = key.is_absent() || is_aws_managed_ref(key.value());
  if (key.is_known() && !aws_managed) {
    const std::string& ref = key.value();
    Arn arn;
    if (parse_arn(ref, arn)) {
      if (!arn.region.empty() && arn.region != r.region) {
        return {Tri::kNo, fmt::format("replica {} names key {} of region {}", r.region, ref, arn.region)};
      }
    } else if (!std::string_view(ref).starts_with("alias/") && !std::string_view(ref).starts_with("mrk-")) {
      // An alias name resolves in the replica's own region and a multi-Region key id is the same
      // in every region; a plain key id or a template's key is tied to one region.
      const KmsKey* k = inv.find_kms_key(ref, t);
      if (k != nullptr && k->key_manager.is_known() && iequals(k->key_manager.value(), "AWS")) {
        aws_managed = true;
      } else if (k != nullptr && k->region != nullptr) {
        if (*k->region != r.region) {
          return {Tri::kNo, fmt::format("replica {} uses key {} of region {}", r.region, ref, *k->region)};
        }
      } else if (k != nullptr && k->origin.kind == SourceKind::kCloudFormation) {
        // A stack creates its keys in its own region. Without --region the replicas include the
        // stack's own one, which may rightly use such a key: the caller decides (kMaybe + flag).
        if (t.region == nullptr) {
          return {Tri::kMaybe, fmt::format("replica {} uses key {} of this template, which is right only if the "
                                           "stack is deployed in {} (give --region)", r.region, ref, r.region), true};
        }
        return {Tri::kNo, fmt::format("replica {} uses key {}, which this template creates in the stack's region {}",
                                      r.region, ref, *t.region)};
      } else {
        return {Tri::kMaybe, fmt::format("the region of key {} used by replica {} is not known", ref, r.region)};
      }
    }
  }
  if (aws_managed) {
    if (table_cmk == Tri::kYes) {
      return {Tri::kNo,
              fmt::format(
                  "replica {} uses the AWS managed key while the table or another replica uses a customer managed key",
                  r.region)};
    }
    if (table_cmk == Tri::kMaybe) {
      return {Tri::kMaybe, fmt::format("replica {} uses the AWS managed key and whether the table's key is customer "
                                       "managed is unknown ({})", r.region, table_cmk_why)};
    }
  }
  return {Tri::kYes, {}};
}

}  // namespace

ATREST_CHECK("dynamodb-global-table-replica-keys") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.tables(), [&](const DynamoDbTable& t) {
    if (t.replicas.is_absent() || (t.replicas.is_known() && t.replicas.value().empty())) return;  // not global
    if (t.replicas.is_unknown()) {
      ctx.unknown(t, fmt::format("The table's replicas are unknown: {}.", t.replicas.reason()), t.replicas);
      return;
    }
    std::string cmk_why;
    Tri table_cmk = table_uses_cmk(inv, t, cmk_why);
    // Templates fold the replicas' keys into the table's, so a replica that names a customer
    // managed key also says the global table is meant to use one.
    for (const TableReplica& r : t.replicas.value()) {
      if (r.kms_key.is_known() && !is_aws_managed_ref(r.kms_key.value())) table_cmk = Tri::kYes;
    }
    std::string failures, undecided;
    Field<int> where;
    size_t stack_keys = 0;  // replicas using a template key while the stack region is unknown
    for (const TableReplica& r : t.replicas.value()) {
      const ReplicaVerdict v = judge_replica(inv, t, r, table_cmk, cmk_why);
      if (v.stack_key && ++stack_keys == 2) {
        // Only one replica can be in the stack's region: the other one uses a foreign key.
        failures += (failures.empty() ? "" : "; ") +
                    fmt::format("replica {} and another replica both use keys this template creates in the "
                                "stack's one region", r.region);
        if (where.line() == 0) where.at(r.line, r.column);
        continue;
      }
      if (v.ok == Tri::kNo) {
        failures += (failures.empty() ? "" : "; ") + v.message;
        if (where.line() == 0) where.at(r.line, r.column);
      } else if (v.ok == Tri::kMaybe && undecided.empty()) {
        undecided = v.message;
      }
    }
    const size_t n = t.replicas.value().size();
    if (!failures.empty()) {
      ctx.fail(t, fmt::format("Replica keys are wrong: {}.", failures), where);
    } else if (!undecided.empty()) {
      ctx.unknown(t, fmt::format("Replica keys cannot all be checked: {}.", undecided), t.replicas);
    } else {
      ctx.pass(t, fmt::format("{} replica(s) use a KMS key of their own region{}.", n,
                              table_cmk == Tri::kYes ? ", customer managed like the table's" : ""),
               t.replicas);
    }
  });
}

}  // namespace atrest
