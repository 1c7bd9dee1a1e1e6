// The check engine: ERROR for resources that could not be read, then each check's own logic.
#include "checks/engine.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace atrest {
namespace {

template <class T>
void report_unreadable(CheckContext& ctx, const std::vector<T>& resources) {
  for (const T& r : resources) {
    if (r.read_error != nullptr && !r.deleted && ctx.meta.applies_to(r.type) && ctx.meta.accepts(r.origin.kind)) {
      ctx.error(r, "Could not read the resource: " + *r.read_error);
    }
  }
}

int severity_of_status(Status s) {  // worst first when larger
  switch (s) {
    case Status::kFail: return 3;
    case Status::kError: return 2;
    case Status::kUnknown: return 1;
    case Status::kPass: return 0;
  }
  return 0;
}

// A template resource read in several scenarios (each branch of an undecidable Fn::If; each
// parent stack that includes the template) gets one finding per check: the worst scenario's,
// saying which. A reading outside any scenario (the nested template scanned on its own, without
// the parameters its parent passes) gives way to the labelled ones.
void merge_variants(std::vector<Finding>& findings, size_t first) {
  std::unordered_map<Inventory::IdentityKey, size_t, Inventory::IdentityHash> kept;
  std::unordered_set<Inventory::IdentityKey, Inventory::IdentityHash> labelled;
  for (size_t i = first; i < findings.size(); ++i) {
    const Resource& r = *findings[i].resource;
    if (r.scenario == nullptr) continue;
    Inventory::IdentityKey key = Inventory::identity(r);
    key.scenario = nullptr;
    labelled.insert(key);
  }
  if (labelled.empty()) return;
  std::vector<Finding> merged;
  for (size_t i = first; i < findings.size(); ++i) {
    Finding& f = findings[i];
    const Resource& r = *f.resource;
    Inventory::IdentityKey key = Inventory::identity(r);
    key.scenario = nullptr;
    if (r.scenario == nullptr) {
      if (!labelled.count(key)) merged.push_back(std::move(f));
      continue;
    }
    f.message = *r.scenario + ": " + f.message;
    auto [it, inserted] = kept.emplace(key, merged.size());
    if (inserted) {
      merged.push_back(std::move(f));
    } else if (severity_of_status(f.status) > severity_of_status(merged[it->second].status)) {
      merged[it->second] = std::move(f);
    }
  }
  findings.resize(first);
  for (Finding& f : merged) findings.push_back(std::move(f));
}

}  // namespace

std::vector<Finding> run_checks(const Inventory& inventory, const Settings& settings,
                                const std::vector<const CheckDef*>& checks, Severity min_severity) {
  // Checks only read the inventory, so they run side by side; each writes its own list and the
  // lists are joined in catalog order, so reports do not depend on scheduling.
  std::vector<std::vector<Finding>> per_check(checks.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < checks.size(); i = next++) {
      const CheckDef* def = checks[i];
      CheckContext ctx(def->meta, inventory, settings, per_check[i], min_severity);
      inventory.for_each_list([&](const auto& v) { report_unreadable(ctx, v); });
      def->run(ctx);
      merge_variants(per_check[i], 0);
    }
  };
  const size_t threads = std::min<size_t>(checks.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  size_t total = 0;
  for (const auto& f : per_check) total += f.size();
  std::vector<Finding> findings;
  findings.reserve(total);
  for (auto& f : per_check) findings.insert(findings.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  return findings;
}

}  // namespace atrest
