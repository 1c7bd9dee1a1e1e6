// libFuzzer target: any bytes as `.atrest.yaml` (src/config/config.cpp through the YAML tree).
// Beyond crashes and hangs it checks the reader's promises: every problem is one line naming the
// file with a position, and a configuration read without problems holds only valid values.
// Seeds: the configurations in docs, examples and tests (fuzz/seeds.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "checks/registry.h"
#include "config/config.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Config config;
  const std::vector<std::string> problems = parse_config(text, "fuzz.yaml", config);
  for (const std::string& p : problems) {
    check(p.rfind("fuzz.yaml:", 0) == 0);
  }
  check(config.settings.dax_min_azs >= 1 && config.settings.dax_min_azs <= 64);
  check(config.settings.dynamodb_min_pitr_days >= 0 && config.settings.dynamodb_min_pitr_days <= 35);
  check(config.settings.elasticache_min_snapshot_days >= 0 && config.settings.elasticache_min_snapshot_days <= 35);
  for (const std::string& id : config.enabled) check(find_check(id) != nullptr);
  for (const std::string& id : config.disabled) check(find_check(id) != nullptr);
  for (const auto& [id, severity] : config.severity) check(find_check(id) != nullptr);
  if (problems.empty()) {
    for (const std::string& a : config.settings.trusted_accounts) check(a.size() == 12);
  }
  return 0;
}
