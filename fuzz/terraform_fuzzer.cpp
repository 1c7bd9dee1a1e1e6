// libFuzzer target: any bytes as a Terraform configuration (native syntax and .tf.json), parsed,
// evaluated (variables, locals, count, for_each, functions, dynamic blocks), mapped and checked.
// Seeds: tests/terraform/corpus and the check fixtures.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/engine.h"
#include "sources/terraform/terraform_source.h"
#include "sources/terraform/tf_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Inventory inventory;
  load_terraform_text("fuzz.tf", text, inventory);
  tf::parse_tf_json(text);
  inventory.finalize();
  run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  return 0;
}
