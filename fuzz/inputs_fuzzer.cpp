// libFuzzer target: a whole input directory, the way `atrest scan DIR` reads it. Snapshot readers
// join files (key policies, tags, backups, rotation by the ids in file names; account and region
// from directory names), which the one-file fuzzers never reach. The input is a list of files:
//   == relative/path.json
//   <content up to the next "\n== " line>
// written to a scratch directory, loaded with load_inputs, then every check. Seeds: each snapshot
// and Terraform fixture directory as one such file (fuzz/seeds.sh).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "checks/engine.h"
#include "sources/load.h"

namespace {

// Only plain relative names a fixture would use: no "..", no absolute path, a few levels.
bool safe_name(std::string_view name) {
  if (name.empty() || name.size() > 120 || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  size_t depth = 0;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_' || c == '/';
    if (!ok) return false;
    if (c == '/' && ++depth > 4) return false;
  }
  return name.back() != '/';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atrest;
  namespace fs = std::filesystem;
  static const fs::path root = fs::temp_directory_path() / ("atrest-inputs-fuzzer-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(root, ec);

  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.substr(0, 3) != "== ") return 0;
  size_t files = 0;
  while (text.substr(0, 3) == "== " && files < 16) {
    const size_t eol = text.find('\n');
    const std::string_view name = text.substr(3, eol == std::string_view::npos ? std::string_view::npos : eol - 3);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    size_t next = text.find("\n== ");
    const std::string_view content = text.substr(0, next);
    text = next == std::string_view::npos ? std::string_view{} : text.substr(next + 1);
    if (!safe_name(name)) continue;
    const fs::path path = root / std::string(name);
    fs::create_directories(path.parent_path(), ec);
    std::ofstream(path, std::ios::binary) << content;
    ++files;
  }
  Inventory inventory;
  LoadOptions options;
  options.jobs = 1;
  load_inputs({root.string()}, options, inventory);
  inventory.finalize();
  run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
  return 0;
}
