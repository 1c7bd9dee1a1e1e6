// Robustness: every fixture, truncated at many points and with random bytes changed, must load
// without crashing (run under ASan+UBSan in CI), with one-line errors. Deterministic seed, so a
// failure reproduces.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "checks/engine.h"
#include "sources/load.h"

namespace atrest {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> fixture_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(ATREST_SOURCE_DIR) / "src" / "checks")) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SnapshotMutation, TruncatedAndCorruptedFixturesNeverCrash) {
  const fs::path tmp = fs::temp_directory_path() / ("atrest_mutation_" + std::to_string(getpid()) + ".json");
  std::mt19937 rng(20261125);
  static const char kAlphabet[] = "{}[]\":,0123456789.eE-+ tfnul\\\x00\xff\n";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);  // keep the NUL
  size_t cases = 0;
  for (const fs::path& file : fixture_files()) {
    const std::string original = slurp(file);
    std::vector<std::string> variants;
    for (size_t cut = 0; cut < original.size(); cut += std::max<size_t>(1, original.size() / 40)) {
      variants.push_back(original.substr(0, cut));
    }
    for (int i = 0; i < 40 && !original.empty(); ++i) {
      std::string v = original;
      for (int k = 0; k < 1 + i % 4; ++k) v[rng() % v.size()] = alphabet[rng() % alphabet.size()];
      variants.push_back(std::move(v));
    }
    for (const std::string& v : variants) {
      std::ofstream(tmp, std::ios::binary | std::ios::trunc) << v;
      Inventory inventory;
      std::vector<InputSummary> inputs = load_inputs({tmp.string()}, LoadOptions{}, inventory);
      inventory.finalize();
      run_checks(inventory, Settings{}, every_check(), Severity::kInfo);
      for (const std::string& e : inputs[0].errors) {
        EXPECT_EQ(e.find('\n'), std::string::npos) << "errors are one line: " << e;
      }
      ++cases;
    }
  }
  fs::remove(tmp);
  EXPECT_GT(cases, 1000u);
}

}  // namespace
}  // namespace atrest
