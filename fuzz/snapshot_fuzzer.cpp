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
  // Some readers look at the file's name and directories (kms key policies, account and region
  // taken from the path): read the same text a second time as such a file.
  load_snapshot_text("111122223333/eu-west-1/kms-get-key-policy.1234abcd-12ab-34cd-56ef-1234567890ab.json", text,
                     SnapshotOptions{}, inventory);
  inventory.finalize();
  run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  locate_json_error(text, 1024);
  return 0;
}
