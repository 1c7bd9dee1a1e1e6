// libFuzzer target: any bytes, read as a snapshot file, then every check over the result.
// Build with `make fuzz` (clang); seeds are the check fixtures.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/engine.h"
#include "sources/snapshot/json_text.h"
#include "sources/snapshot/snapshot_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Inventory inventory;
  load_snapshot_text("fuzz.json", text, SnapshotOptions{}, inventory);
  inventory.finalize();
  run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  locate_json_error(text, 1024);
  return 0;
}
