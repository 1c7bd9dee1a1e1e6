// `.atrest.yaml` against hostile or broken input: whatever the file holds, the reader returns
// problems with a position (never throws, never hangs), and keeps the settings valid. Inputs the
// config fuzzer found are replayed from fuzz/regressions/config_fuzzer/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"

namespace atrest {
namespace {

std::vector<std::string> parse(const std::string& text, Config& c) { return parse_config(text, "f.yaml", c); }

// Every problem names the file and a line and column.
void expect_positioned(const std::vector<std::string>& problems) {
  for (const std::string& p : problems) {
    EXPECT_EQ(p.rfind("f.yaml:", 0), 0u) << p;
    const size_t line_end = p.find(':', 7);
    ASSERT_NE(line_end, std::string::npos) << p;
    EXPECT_GT(std::stoul(p.substr(7, line_end - 7)), 0u) << p;
  }
}

void expect_valid_settings(const Config& c) {
  EXPECT_GE(c.settings.dax_min_azs, 1);
  EXPECT_LE(c.settings.dax_min_azs, 64);
  EXPECT_GE(c.settings.dynamodb_min_pitr_days, 0);
  EXPECT_LE(c.settings.dynamodb_min_pitr_days, 35);
  EXPECT_GE(c.settings.elasticache_min_snapshot_days, 0);
  EXPECT_LE(c.settings.elasticache_min_snapshot_days, 35);
}

TEST(ConfigRobustness, MalformedYamlIsOneProblemWithAPosition) {
  for (const char* text : {"dax: {min_azs: 2\n", "dax: [\n", "\"unterminated\n", "a: b: c\n", "\t- x\n", "%YAML 9.9\n---\na: 1\n",
                           "*unknown\n", "a: &x 1\nb: *y\n", "dax:\n  min_azs: 2\n  min_azs: 3\n"}) {
    Config c;
    const std::vector<std::string> problems = parse(text, c);
    EXPECT_EQ(problems.size(), 1u) << text;
    expect_positioned(problems);
    expect_valid_settings(c);
  }
}

TEST(ConfigRobustness, WrongShapesAreProblemsNotCrashes) {
  for (const char* text : {"- a\n- b\n", "just text\n", "dax: 3\n", "dax: [1, 2]\n", "dax: {min_azs: [1]}\n",
                           "dax: {min_azs: {a: 1}}\n", "dax: {min_azs: '2'}\n", "dax: {min_azs: 2.5}\n",
                           "dax: {min_azs: -1}\n", "dax: {min_azs: 99999999999999999999}\n", "dax: {min_azs: 0x10}\n",
                           "dynamodb: {required_tags: Owner}\n", "dynamodb: {required_tags: [[a], {b: 1}, '', ~]}\n",
                           "trusted_accounts: 111122223333\n", "trusted_accounts: [[1], {a: 1}, 11112222333, '0123']\n",
                           "checks: [dax-multi-az]\n", "checks: {enabled: {a: 1}, disabled: x}\n",
                           "checks: {enabled: [no-such-check, [x], ''], disabled: [~, no-such-check]}\n",
                           "severity: [high]\n", "severity: {no-such-check: high, dax-multi-az: [high]}\n",
                           "severity: {dax-multi-az: extreme, dax-multi-az: ~}\n", "? [a, b]\n: 1\n", "? {a: 1}\n: 2\n",
                           "dax: !Ref x\n", "dax: {min_azs: !Ref x}\n", "[a]: 1\n"}) {
    Config c;
    const std::vector<std::string> problems = parse(text, c);
    EXPECT_FALSE(problems.empty()) << text;
    expect_positioned(problems);
    expect_valid_settings(c);
  }
}

TEST(ConfigRobustness, NullSectionsConfigureNothing) {
  Config c;
  EXPECT_EQ(parse("dax:\ndynamodb: ~\nelasticache: null\nchecks:\nseverity:\ntrusted_accounts:\n", c),
            std::vector<std::string>{});
  EXPECT_EQ(c.settings.dax_min_azs, Settings().dax_min_azs);
  EXPECT_TRUE(c.enabled.empty() && c.disabled.empty() && c.severity.empty());
}

TEST(ConfigRobustness, AliasBombIsRefused) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) on `"a" + std::string&&`.
    const std::string name = std::to_string(i), previous = std::to_string(i - 1);
    text.append("a").append(name).append(": &a").append(name).append(" [");
    for (int j = 0; j < 10; ++j) text.append(j ? ", *a" : "*a").append(previous);
    text.append("]\n");
  }
  Config c;
  const std::vector<std::string> problems = parse(text, c);
  ASSERT_EQ(problems.size(), 1u);
  expect_positioned(problems);
}

TEST(ConfigRobustness, DeepNestingIsRefused) {
  Config c;
  std::string text = "dax: ";
  text.append(100000, '[').append("\n");
  const std::vector<std::string> problems = parse(text, c);
  ASSERT_EQ(problems.size(), 1u);
  expect_positioned(problems);
}

TEST(ConfigRobustness, AliasesAreReadAsTheirTarget) {
  Config c;
  EXPECT_EQ(parse("x: &ids ['111122223333']\ntrusted_accounts: *ids\n", c).size(), 1u);  // x is unknown
  EXPECT_EQ(c.settings.trusted_accounts, std::vector<std::string>{"111122223333"});
}

TEST(ConfigRobustness, BinaryAndNulBytes) {
  for (const std::string& text : {std::string("dax:\0 {min_azs: 2}\n", 19), std::string("\xff\xfe\x00\x01", 4),
                                  std::string("a: \"\\0\"\n"), std::string("\xef\xbb\xbf" "dax: {min_azs: 2}\n"),
                                  std::string("# only a comment\0 and more", 26)}) {
    Config c;
    expect_positioned(parse(text, c));
    expect_valid_settings(c);
  }
}

TEST(ConfigRobustness, OnlyTheFirstDocumentCounts) {
  Config c;
  EXPECT_EQ(parse("---\ndax: {min_azs: 2}\n---\ndax: {min_azs: 0}\n", c), std::vector<std::string>{});
  EXPECT_EQ(c.settings.dax_min_azs, 2);
}

TEST(ConfigRobustness, FileAndTextReadTheSame) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "atrest-config-robustness";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / kConfigFileName).string();
  const std::string text = "dax:\n  min_azs: 0\nextra: [\n";
  std::ofstream(path, std::ios::binary) << text;
  Config from_file, from_text;
  EXPECT_EQ(load_config(path, from_file), parse_config(text, path, from_text));
  EXPECT_EQ(from_file.path, from_text.path);
  // A directory is not a readable configuration.
  Config c;
  const std::vector<std::string> problems = load_config(dir.string(), c);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("cannot read"), std::string::npos) << problems[0];
}

// Crashes and hangs the config fuzzer found, kept as files; each must now read without either.
TEST(ConfigRobustness, FuzzRegressions) {
  const std::filesystem::path dir = std::filesystem::path(ATREST_SOURCE_DIR) / "fuzz" / "regressions" / "config_fuzzer";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no regressions";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    Config c;
    expect_positioned(parse(text.str(), c));
    expect_valid_settings(c);
  }
}

}  // namespace
}  // namespace atrest
