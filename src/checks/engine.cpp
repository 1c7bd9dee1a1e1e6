// The check engine: ERROR for resources that could not be read, then each check's own logic.
#include "checks/engine.h"

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

}  // namespace

std::vector<Finding> run_checks(const Inventory& inventory, const Settings& settings,
                                const std::vector<const CheckDef*>& checks, Severity min_severity) {
  std::vector<Finding> findings;
  for (const CheckDef* def : checks) {
    CheckContext ctx(def->meta, inventory, settings, findings, min_severity);
    report_unreadable(ctx, inventory.dax_clusters());
    report_unreadable(ctx, inventory.tables());
    report_unreadable(ctx, inventory.caches());
    report_unreadable(ctx, inventory.kms_keys());
    def->run(ctx);
  }
  return findings;
}

}  // namespace atrest
