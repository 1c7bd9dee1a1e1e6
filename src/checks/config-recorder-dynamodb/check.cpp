// config-recorder-dynamodb: AWS Config is recording in each region that holds DAX, DynamoDB or
// ElastiCache resources, and records all supported types or at least AWS::DynamoDB::Table and
// AWS::KMS::Key. Config cannot record DAX or ElastiCache at all, so those types are not asked
// for. Recorders are judged one by one; live and snapshot scans also judge each account and region.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checks/account_scope.h"
#include "checks/check.h"

namespace atrest {

namespace {

enum class Tri { kNo, kMaybe, kYes };

constexpr const char* kNeeded[] = {"AWS::DynamoDB::Table", "AWS::KMS::Key"};

bool contains(const std::vector<std::string>& list, const char* type) {
  return std::find(list.begin(), list.end(), type) != list.end();
}

struct Verdict {
  Tri tri = Tri::kYes;
  std::string message;
};

Verdict judge(const ConfigRecorder& r) {
  std::vector<std::string> wrong;
  std::string open;
  if (r.recording.is_unknown()) {
    open = fmt::format("whether it is recording is unknown ({})", r.recording.reason());
  } else if (r.recording.is_absent()) {
    // CloudFormation starts the recorder once a delivery channel exists; elsewhere a recorder
    // with no stated status has not been started.
    if (r.origin.kind == SourceKind::kTerraform || r.origin.kind == SourceKind::kTerraformPlan) {
      wrong.push_back("nothing in this configuration starts it (no aws_config_configuration_recorder_status with "
                      "is_enabled = true)");
    } else if (r.origin.kind != SourceKind::kCloudFormation) {
      wrong.push_back("it is not started");
    }
  } else if (!r.recording.value()) {
    wrong.push_back("it is not recording");
  }
  // What it records: the strategy when stated, else AllSupported, else the listed types.
  std::string strategy;
  if (r.recording_strategy.is_unknown()) {
    if (open.empty()) open = fmt::format("its recording strategy is unknown ({})", r.recording_strategy.reason());
  } else if (r.recording_strategy.is_known()) {
    strategy = r.recording_strategy.value();
  }
  if (strategy.empty() && open.empty()) {
    if (r.all_supported.is_unknown()) {
      open = fmt::format("whether it records all supported types is unknown ({})", r.all_supported.reason());
    } else if (r.all_supported.value_or(!r.resource_types.is_known() || r.resource_types.value().empty())) {
      strategy = "ALL_SUPPORTED_RESOURCE_TYPES";
    } else {
      strategy = "INCLUSION_BY_RESOURCE_TYPES";
    }
  }
  if (iequals(strategy, "EXCLUSION_BY_RESOURCE_TYPES")) {
    if (r.excluded_types.is_unknown()) {
      if (open.empty()) open = fmt::format("its excluded types are unknown ({})", r.excluded_types.reason());
    } else if (r.excluded_types.is_known()) {
      for (const char* type : kNeeded) {
        if (contains(r.excluded_types.value(), type)) wrong.push_back(fmt::format("it excludes {}", type));
      }
    }
  } else if (iequals(strategy, "INCLUSION_BY_RESOURCE_TYPES")) {
    if (r.resource_types.is_unknown()) {
      if (open.empty()) open = fmt::format("its resource types are unknown ({})", r.resource_types.reason());
    } else {
      for (const char* type : kNeeded) {
        if (!r.resource_types.is_known() || !contains(r.resource_types.value(), type)) {
          wrong.push_back(fmt::format("it does not record {}", type));
        }
      }
    }
  }
  if (!wrong.empty()) return {Tri::kNo, fmt::format("{}", fmt::join(wrong, "; "))};
  if (!open.empty()) return {Tri::kMaybe, open};
  return {Tri::kYes, iequals(strategy, "ALL_SUPPORTED_RESOURCE_TYPES")
                         ? "records all supported resource types"
                         : "records AWS::DynamoDB::Table and AWS::KMS::Key"};
}

template <class T>
size_t count_here(const std::vector<T>& items, const AccountRegion& scope) {
  size_t n = 0;
  for (const T& r : items) {
    if (!r.deleted && !r.reference_only && !is_iac(r.origin.kind) && r.account == scope.account &&
        r.region == scope.region) {
      ++n;
    }
  }
  return n;
}

}  // namespace

ATREST_CHECK("config-recorder-dynamodb") {
  const Inventory& inv = ctx.inventory;
  ctx.for_each(inv.config_recorders(), [&](const ConfigRecorder& r) {
    const Verdict v = judge(r);
    if (v.tri == Tri::kYes) {
      ctx.pass(r, fmt::format("The recorder is on and {}.", v.message));
    } else if (v.tri == Tri::kMaybe) {
      ctx.unknown(r, fmt::format("The recorder cannot be judged: {}.", v.message));
    } else {
      ctx.fail(r, fmt::format("The recorder does not keep a history of DynamoDB tables and KMS keys: {}.", v.message));
    }
  });
  const auto judge_scope = [&](const AccountRegion& scope) {
    const size_t held = count_here(inv.tables(), scope) + count_here(inv.dax_clusters(), scope) +
                        count_here(inv.caches(), scope);
    if (held == 0) return;  // a region without these resources is not this check's concern
    const ConfigRecorder* undecided = nullptr;
    std::string undecided_why;
    std::vector<std::string> seen;
    for (const ConfigRecorder& r : inv.config_recorders()) {
      if (r.deleted || is_iac(r.origin.kind) || r.account != scope.account || r.region != scope.region) continue;
      if (r.read_error != nullptr) {
        if (undecided == nullptr) {
          undecided = &r;
          undecided_why = *r.read_error;
        }
        continue;
      }
      const Verdict v = judge(r);
      if (v.tri == Tri::kYes) {
        ctx.pass(scope, fmt::format("Recorder {} is on and {}.", r.id, v.message));
        return;
      }
      if (v.tri == Tri::kMaybe && undecided == nullptr) {
        undecided = &r;
        undecided_why = v.message;
      }
      if (v.tri == Tri::kNo) seen.push_back(fmt::format("{} ({})", r.id, v.message));
    }
    if (undecided != nullptr) {
      ctx.unknown(scope, fmt::format("Recorder {} cannot be judged: {}.", undecided->id, undecided_why));
      return;
    }
    const std::string found = seen.empty() ? std::string("there is no configuration recorder")
                                           : fmt::format("{}", fmt::join(seen, "; "));
    if (const std::string* gap = inv.coverage_gap(Collection::kConfigRecorders, scope)) {
      const std::string msg = fmt::format("No recorder read covers the {} resource(s) here ({}), and the recorders "
                                          "are incomplete: {}.", held, found, *gap);
      if (listing_failed(scope, Collection::kConfigRecorders)) {
        ctx.error(scope, msg);
      } else {
        ctx.unknown(scope, msg);
      }
      return;
    }
    ctx.fail(scope, fmt::format("AWS Config keeps no history of the {} resource(s) here: {}.", held, found));
  };
  for (const AccountRegion* scope : regional_scopes(ctx, Collection::kConfigRecorders)) judge_scope(*scope);
}

}  // namespace atrest
