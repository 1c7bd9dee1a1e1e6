// libFuzzer target: any bytes, read as a CloudFormation template (YAML tree, resolver, mapping),
// then every check. Build with `make fuzz`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checks/engine.h"
#include "sources/cloudformation/cloudformation_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Inventory inventory;
  InputSummary summary;
  static const std::string* file = intern("fuzz.yaml");
  read_template(file, text, CloudFormationOptions{}, inventory, summary);
  inventory.finalize();
  run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  return 0;
}
