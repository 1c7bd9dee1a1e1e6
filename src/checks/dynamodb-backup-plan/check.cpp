// dynamodb-backup-plan: an AWS Backup selection covers the table. A selection picks resources by
// ARN (wildcards allowed) OR by ListOfTags (any one matches), narrows them with Conditions (all
// must match; with no Resources and no ListOfTags, Conditions pick from every resource) and
// drops NotResources. What cannot be decided (unknown tags, an ARN not known before deployment)
// is UNKNOWN, never FAIL; a table whose account and region had their selections listed and that
// none covers FAILs.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"

namespace atrest {

namespace {

enum class Tri { kNo, kMaybe, kYes };

// Three-valued logic: kMaybe is "cannot be decided from the input".
Tri tri_or(Tri a, Tri b) {
  if (a == Tri::kYes || b == Tri::kYes) return Tri::kYes;
  return (a == Tri::kMaybe || b == Tri::kMaybe) ? Tri::kMaybe : Tri::kNo;
}
Tri tri_and(Tri a, Tri b) {
  if (a == Tri::kNo || b == Tri::kNo) return Tri::kNo;
  return (a == Tri::kMaybe || b == Tri::kMaybe) ? Tri::kMaybe : Tri::kYes;
}
Tri tri_not(Tri a) { return a == Tri::kYes ? Tri::kNo : a == Tri::kNo ? Tri::kYes : Tri::kMaybe; }

// Stands for a part of the table's ARN that is not known yet (a template's region or account):
// only a pattern's `*` matches it for sure; any text might.
constexpr char kUnknownPart = '\x01';
// A template table's deployed name: the sources write an ARN that names a table of the template
// as that table's logical id, so a literal name left in an ARN names some other table and only a
// `*` can match this part.
constexpr char kOtherNamePart = '\x02';

// Glob match where `*` matches any run. `unknown_may_match`: whether kUnknownPart may stand for
// any pattern text (the "possibly" question) instead of only being absorbed by `*`.
bool glob(std::string_view p, std::string_view s, bool unknown_may_match) {
  const size_t n = p.size(), m = s.size();
  // can[i][j]: p[i..] matches s[j..]; filled from the ends.
  std::vector<char> can((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> char& { return can[i * (m + 1) + j]; };
  at(n, m) = 1;
  for (size_t i = n + 1; i-- > 0;) {
    for (size_t j = m + 1; j-- > 0;) {
      if (i == n && j == m) continue;
      bool ok = false;
      if (i < n && p[i] == '*') ok = at(i + 1, j) || (j < m && at(i, j + 1));
      if (!ok && j < m && s[j] == kUnknownPart && unknown_may_match) {
        for (size_t k = i; k <= n && !ok; ++k) ok = at(k, j + 1);
      }
      if (!ok && i < n && j < m && p[i] != '*' && s[j] != kUnknownPart && p[i] == s[j]) ok = at(i + 1, j + 1);
      at(i, j) = ok ? 1 : 0;
    }
  }
  return at(0, 0) != 0;
}

Tri glob_tri(std::string_view pattern, std::string_view text) {
  if (glob(pattern, text, false)) return Tri::kYes;
  return glob(pattern, text, true) ? Tri::kMaybe : Tri::kNo;
}

std::string partition_of(const std::string* region) {
  if (region == nullptr) return "aws";
  if (region->starts_with("cn-")) return "aws-cn";
  if (region->starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

// The table's ARN as far as it is known; unknown parts are kUnknownPart.
std::string table_arn(const DynamoDbTable& t) {
  if (t.arn.is_known()) return t.arn.value();
  const std::string unknown(1, kUnknownPart);
  // A template's table is known by its logical name, not by the name it will be deployed with.
  const std::string name = is_iac(t.origin.kind) ? std::string(1, kOtherNamePart) : t.id;
  return fmt::format("arn:{}:dynamodb:{}:{}:table/{}", partition_of(t.region), t.region ? *t.region : unknown,
                     t.account ? *t.account : unknown, name);
}

struct Verdict {
  Tri tri = Tri::kNo;
  std::string why;  // when kMaybe: what could not be decided
};

// One entry of Resources or NotResources: an ARN pattern, "*", or (templates) the table's own
// logical name standing for its ARN.
Tri entry_names(std::string_view entry, const DynamoDbTable& t, const std::string& arn) {
  if (entry == t.id) return Tri::kYes;
  if (t.arn.is_known() && entry == t.arn.value()) return Tri::kYes;
  // Neither a pattern nor an ARN: a template's name for another resource.
  if (entry.find('*') == std::string_view::npos && !entry.starts_with("arn:")) return Tri::kNo;
  return glob_tri(entry, arn);
}

std::string_view tag_key(std::string_view key) {
  constexpr std::string_view prefix = "aws:ResourceTag/";
  return key.starts_with(prefix) ? key.substr(prefix.size()) : key;
}

Tri tag_test(const TagCondition& c, const DynamoDbTable& t, std::string& why) {
  if (t.tags.is_unknown()) {
    why = fmt::format("the table's tags are unknown ({})", t.tags.reason());
    return Tri::kMaybe;
  }
  const std::string_view key = tag_key(c.key);
  const Tag* found = nullptr;
  if (t.tags.is_known()) {
    for (const Tag& tag : t.tags.value()) {
      if (tag.key == key) found = &tag;
    }
  }
  if (found != nullptr && found->value.is_unknown()) {
    why = fmt::format("the value of the table's tag {} is unknown ({})", key, found->value.reason());
    return Tri::kMaybe;
  }
  const std::string value = found != nullptr ? found->value.value_or("") : std::string();
  const bool negated = iequals(c.op, "StringNotEquals") || iequals(c.op, "StringNotLike");
  const bool like = iequals(c.op, "StringLike") || iequals(c.op, "StringNotLike");
  if (!negated && !like && !iequals(c.op, "StringEquals")) {
    why = fmt::format("condition operator {} is not one AWS Backup supports", c.op);
    return Tri::kMaybe;
  }
  // A missing tag satisfies the negated operators (as in IAM conditions).
  const bool hit = found != nullptr && (like ? glob(c.value, value, false) : value == c.value);
  return (negated ? !hit : hit) ? Tri::kYes : Tri::kNo;
}

template <class T>
const std::vector<T>* list_or_maybe(const Field<std::vector<T>>& f, const char* what, Verdict& v) {
  static const std::vector<T> none;
  if (f.is_unknown()) {
    if (v.why.empty()) v.why = fmt::format("its {} are unknown ({})", what, f.reason());
    return nullptr;
  }
  return f.is_known() ? &f.value() : &none;
}

Verdict selects(const BackupSelection& s, const DynamoDbTable& t, const std::string& arn) {
  Verdict v;
  std::string why;
  auto note = [&](Tri r) {
    if (r == Tri::kMaybe && v.why.empty()) v.why = why.empty() ? "its resource ARNs cannot be matched yet" : why;
    return r;
  };
  const auto* resources = list_or_maybe(s.resources, "Resources", v);
  const auto* tags = list_or_maybe(s.list_of_tags, "ListOfTags", v);
  const auto* conditions = list_or_maybe(s.conditions, "Conditions", v);
  const auto* excluded = list_or_maybe(s.not_resources, "NotResources", v);

  Tri by_arn = Tri::kNo;
  if (resources == nullptr) {
    by_arn = Tri::kMaybe;
  } else if (!resources->empty()) {
    for (const std::string& e : *resources) {
      why = fmt::format("whether {} names this table is known only after deployment", e);
      by_arn = tri_or(by_arn, note(entry_names(e, t, arn)));
    }
  } else if (tags != nullptr && tags->empty()) {
    by_arn = Tri::kYes;  // no Resources and no ListOfTags: every resource, narrowed by Conditions
  }
  Tri by_tag = tags == nullptr ? Tri::kMaybe : Tri::kNo;
  if (tags != nullptr) {
    for (const TagCondition& c : *tags) by_tag = tri_or(by_tag, note(tag_test(c, t, why)));
  }
  Tri result = tri_or(by_arn, by_tag);
  if (conditions == nullptr) {
    result = tri_and(result, Tri::kMaybe);
  } else {
    for (const TagCondition& c : *conditions) result = tri_and(result, note(tag_test(c, t, why)));
  }
  if (excluded == nullptr) {
    result = tri_and(result, Tri::kMaybe);
  } else {
    for (const std::string& e : *excluded) {
      why = fmt::format("whether NotResources entry {} names this table is known only after deployment", e);
      result = tri_and(result, tri_not(note(entry_names(e, t, arn))));
    }
  }
  v.tri = result;
  return v;
}

// Selections that can reach the table: live and snapshot ones of the same account and region;
// for templates, those of the same template or configuration.
bool in_scope(const BackupSelection& s, const DynamoDbTable& t) {
  if (s.deleted) return false;
  if (is_iac(t.origin.kind) != is_iac(s.origin.kind)) return false;
  if (is_iac(t.origin.kind)) {
    if (s.origin.identity_file() != t.origin.identity_file()) return false;
    return s.scenario == nullptr || t.scenario == nullptr || s.scenario == t.scenario;
  }
  // A saved get-backup-selection output names no region (and its account only through its
  // role): it is taken as the table's unless it says otherwise.
  return (s.account == nullptr || s.account == t.account) && (s.region == nullptr || s.region == t.region);
}

std::string selection_name(const BackupSelection& s) {
  return s.plan_id.is_known() ? fmt::format("{} (plan {})", s.id, s.plan_id.value()) : s.id;
}

bool listing_failed(const Inventory& inv, Collection c, const Resource& r) {
  for (const AccountRegion& scope : inv.account_regions()) {
    if (scope.account != r.account || scope.region != r.region) continue;
    for (const auto& failed : scope.failed) {
      if (failed.first == c) return true;
    }
  }
  return false;
}

}  // namespace

ATREST_CHECK("dynamodb-backup-plan") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.tables(), [&](const DynamoDbTable& t) {
    const std::string arn = table_arn(t);
    const BackupSelection* maybe = nullptr;
    std::string maybe_why;
    for (const BackupSelection& s : inv.backup_selections()) {
      if (!in_scope(s, t)) continue;
      if (s.read_error != nullptr) {
        if (maybe == nullptr) {
          maybe = &s;
          maybe_why = fmt::format("it could not be read: {}", *s.read_error);
        }
        continue;
      }
      const Verdict v = selects(s, t, arn);
      if (v.tri == Tri::kYes) {
        ctx.pass(t, fmt::format("Backup selection {} covers the table.", selection_name(s)));
        return;
      }
      if (v.tri == Tri::kMaybe && maybe == nullptr) {
        maybe = &s;
        maybe_why = v.why;
      }
    }
    if (maybe != nullptr) {
      ctx.unknown(t, fmt::format("Backup selection {} may cover the table: {}.", selection_name(*maybe), maybe_why));
      return;
    }
    if (!is_iac(t.origin.kind)) {
      if (const std::string* gap = inv.coverage_gap(Collection::kBackupSelections, t)) {
        const std::string msg = fmt::format("No backup selection read covers the table, and the account's "
                                            "selections are incomplete: {}.", *gap);
        if (listing_failed(inv, Collection::kBackupSelections, t)) {
          ctx.error(t, msg);
        } else {
          ctx.unknown(t, msg);
        }
        return;
      }
      ctx.fail(t, "No AWS Backup selection in the table's account and region covers it (by ARN, wildcard or "
                  "tag): its only copies are point-in-time recovery and manual backups.");
      return;
    }
    ctx.fail(t, "No AWS Backup selection in this template covers the table (by reference, ARN, wildcard or tag).");
  });
}

}  // namespace atrest
