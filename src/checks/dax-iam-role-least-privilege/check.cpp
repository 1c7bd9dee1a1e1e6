// dax-iam-role-least-privilege: the service role a DAX cluster assumes to reach DynamoDB grants
// no dynamodb:* (on any resource) and no DynamoDB write action on Resource "*". Write actions
// scoped to table ARNs pass: that is the least a write-through cache needs.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "checks/check.h"
#include "checks/policy.h"

namespace atrest {

namespace {
// DynamoDB actions of access level Write (Service Authorization Reference).
constexpr std::array<std::string_view, 34> kWriteActions = {
    "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:CreateTable",
    "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:CreateBackup", "dynamodb:DeleteBackup",
    "dynamodb:CreateGlobalTable", "dynamodb:UpdateGlobalTable", "dynamodb:UpdateGlobalTableSettings",
    "dynamodb:UpdateGlobalTableVersion", "dynamodb:CreateTableReplica", "dynamodb:DeleteTableReplica",
    "dynamodb:RestoreTableFromBackup", "dynamodb:RestoreTableToPointInTime", "dynamodb:RestoreTableFromAwsBackup",
    "dynamodb:ImportTable", "dynamodb:ExportTableToPointInTime", "dynamodb:UpdateContinuousBackups",
    "dynamodb:UpdateContributorInsights", "dynamodb:UpdateTimeToLive", "dynamodb:UpdateTableReplicaAutoScaling",
    "dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy", "dynamodb:EnableKinesisStreamingDestination",
    "dynamodb:DisableKinesisStreamingDestination", "dynamodb:UpdateKinesisStreamingDestination",
    "dynamodb:StartAwsBackupJob", "dynamodb:ReplicateSettings"};

// AWS managed policies whose content is fixed and known: those granting all of DynamoDB, and
// those that grant no DynamoDB write at all.
constexpr std::array<std::string_view, 5> kFullAccessManaged = {
    "AmazonDynamoDBFullAccess", "AmazonDynamoDBFullAccess_v2", "AmazonDynamoDBFullAccesswithDataPipeline",
    "AdministratorAccess", "PowerUserAccess"};
constexpr std::array<std::string_view, 2> kReadOnlyManaged = {"AmazonDynamoDBReadOnlyAccess", "ReadOnlyAccess"};

bool same_scope(const Resource& a, const Resource& b) {
  if (is_iac(a.origin.kind) || is_iac(b.origin.kind)) {
    return is_iac(a.origin.kind) == is_iac(b.origin.kind) && a.origin.identity_file() == b.origin.identity_file();
  }
  return a.account == b.account;  // IAM is global: any region
}

// "role/path/name" -> "name".
std::string_view last_segment(std::string_view resource) { return resource.substr(resource.rfind('/') + 1); }

const IamRole* find_role(const Inventory& inv, const std::string& ref, const Resource& from) {
  Arn arn;
  const bool is_arn = parse_arn(ref, arn) && arn.resource.starts_with("role/");
  const IamRole* found = nullptr;
  for (const IamRole& r : inv.iam_roles()) {
    if (r.deleted) continue;
    bool match = r.arn.is_known() && r.arn.value() == ref;
    if (!match && same_scope(r, from)) match = r.id == ref || (is_arn && r.id == last_segment(arn.resource));
    if (!match) continue;
    if (r.scenario == from.scenario) return &r;
    if (found == nullptr) found = &r;
  }
  return found;
}

const IamPolicy* find_policy(const Inventory& inv, const std::string& ref, const Resource& from) {
  for (const IamPolicy& p : inv.iam_policies()) {
    if (p.deleted) continue;
    if ((p.arn.is_known() && p.arn.value() == ref) || (p.id == ref && same_scope(p, from))) return &p;
  }
  return nullptr;
}

struct Document {
  std::string name;
  std::string json;
};

// What is wrong with one statement, or empty.
std::string problem_of(const PolicyDocument& doc, const PolicyStatement& s) {
  if (allows_all_actions_of(s, "dynamodb")) {
    return fmt::format("{} grants every DynamoDB action ({})", describe_statement(doc, s),
                       fmt::join(s.actions, ", "));
  }
  if (!applies_to_all_resources(s)) return {};
  std::vector<std::string_view> writes;
  for (std::string_view a : kWriteActions) {
    if (allows_action(s, a)) writes.push_back(a);
  }
  if (writes.empty()) return {};
  const size_t shown = std::min<size_t>(writes.size(), 4);
  return fmt::format("{} grants write actions on Resource \"*\" ({}{})", describe_statement(doc, s),
                     fmt::join(writes.begin(), writes.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                     writes.size() > shown ? fmt::format(" and {} more", writes.size() - shown) : "");
}
}  // namespace

ATREST_CHECK("dax-iam-role-least-privilege") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.dax_clusters(), [&](const DaxCluster& c) {
    const auto& role_ref = c.iam_role_arn;
    if (!role_ref.is_known()) {
      ctx.unknown(c, fmt::format("The cluster's IAM role is unknown: {}.",
                                 role_ref.is_unknown() ? role_ref.reason() : "IAMRoleARN not given"), role_ref);
      return;
    }
    const IamRole* role = find_role(inv, role_ref.value(), c);
    if (role == nullptr) {
      ctx.unknown(c, fmt::format("The cluster's IAM role {} was not read, so its permissions cannot be judged.",
                                 role_ref.value()), role_ref);
      return;
    }
    if (role->read_error != nullptr) {
      ctx.error(c, fmt::format("The cluster's IAM role {} could not be read: {}.", role->id, *role->read_error));
      return;
    }
    std::vector<Document> docs;
    std::vector<std::string> unknown, problems;
    if (role->inline_policies.is_known()) {
      size_t n = 0;
      for (const std::string& json : role->inline_policies.value()) {
        docs.push_back({fmt::format("inline policy {} of role {}", ++n, role->id), json});
      }
    } else if (role->inline_policies.is_unknown()) {
      unknown.push_back(fmt::format("the inline policies of {} are unknown ({})", role->id, role->inline_policies.reason()));
    }
    std::vector<const IamPolicy*> attached;
    if (role->managed_policy_arns.is_known()) {
      for (const std::string& arn : role->managed_policy_arns.value()) {
        if (const IamPolicy* p = find_policy(inv, arn, *role)) {
          attached.push_back(p);
          continue;
        }
        Arn parsed;
        const bool aws_managed = parse_arn(arn, parsed) && parsed.account == "aws";
        const std::string_view name = aws_managed ? last_segment(parsed.resource) : std::string_view();
        if (aws_managed && std::find(kFullAccessManaged.begin(), kFullAccessManaged.end(), name) != kFullAccessManaged.end()) {
          problems.push_back(fmt::format("the AWS managed policy {} grants every DynamoDB action on every table", name));
        } else if (!(aws_managed && std::find(kReadOnlyManaged.begin(), kReadOnlyManaged.end(), name) != kReadOnlyManaged.end())) {
          unknown.push_back(fmt::format("the managed policy {} was not read", arn));
        }
      }
    } else if (role->managed_policy_arns.is_unknown()) {
      unknown.push_back(fmt::format("the managed policies of {} are unknown ({})", role->id,
                                    role->managed_policy_arns.reason()));
    }
    // Policies that name the role themselves (AWS::IAM::Policy Roles, aws_iam_role_policy_attachment).
    for (const IamPolicy& p : inv.iam_policies()) {
      if (p.deleted || !p.attached_roles.is_known() || !same_scope(p, *role)) continue;
      const auto& roles = p.attached_roles.value();
      if (std::find(roles.begin(), roles.end(), role->id) == roles.end()) continue;
      if (std::find(attached.begin(), attached.end(), &p) == attached.end()) attached.push_back(&p);
    }
    for (const IamPolicy* p : attached) {
      if (p->read_error != nullptr) {
        unknown.push_back(fmt::format("policy {} could not be read ({})", p->id, *p->read_error));
      } else if (p->document.is_known()) {
        docs.push_back({fmt::format("policy {}", p->id), p->document.value()});
      } else if (p->document.is_unknown()) {
        unknown.push_back(fmt::format("the document of policy {} is unknown ({})", p->id, p->document.reason()));
      }
    }
    for (const Document& d : docs) {
      PolicyDocument doc;
      if (std::string err = parse_policy(d.json, doc); !err.empty()) {
        unknown.push_back(fmt::format("{} cannot be read: {}", d.name, err));
        continue;
      }
      for (const PolicyStatement& s : doc.statements) {
        if (std::string p = problem_of(doc, s); !p.empty()) problems.push_back(fmt::format("{}: {}", d.name, p));
      }
    }
    if (!problems.empty()) {
      ctx.fail(c, fmt::format("The cluster's role {} grants more than DAX needs: {}.", role->id,
                              fmt::join(problems, "; ")), role_ref);
    } else if (!unknown.empty()) {
      ctx.unknown(c, fmt::format("The permissions of role {} cannot all be judged: {}.", role->id,
                                 fmt::join(unknown, "; ")), role_ref);
    } else {
      ctx.pass(c, fmt::format("The cluster's role {} grants no dynamodb:* and no write action on Resource \"*\" "
                              "({} polic{} read).", role->id, docs.size(), docs.size() == 1 ? "y" : "ies"), role_ref);
    }
  });
}

}  // namespace atrest
