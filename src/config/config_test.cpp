// `.atrest.yaml`: values reach Settings, mistakes come back as file:line:column messages.
#include "config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace atrest {
namespace {

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("atrest-config-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_ / "a" / "b");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string path = (dir_ / kConfigFileName).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFile, FillsSettings) {
  const std::string path = write(
      "dax: {min_azs: 2}\n"
      "dynamodb:\n  min_pitr_days: 30\n  required_tags: [Owner]\n  allowed_kms_keys: [alias/orders]\n"
      "elasticache:\n  min_snapshot_days: 14\n"
      "trusted_accounts: ['111122223333']\n"
      "checks:\n  disabled: [dax-multi-az]\n"
      "severity:\n  dax-encryption-at-rest: LOW\n");
  Config c;
  EXPECT_EQ(load_config(path, c), std::vector<std::string>{});
  EXPECT_EQ(c.settings.dax_min_azs, 2);
  EXPECT_EQ(c.settings.dynamodb_min_pitr_days, 30);
  EXPECT_EQ(c.settings.dynamodb_required_tags, std::vector<std::string>{"Owner"});
  EXPECT_EQ(c.settings.dynamodb_allowed_kms_keys, std::vector<std::string>{"alias/orders"});
  EXPECT_EQ(c.settings.elasticache_min_snapshot_days, 14);
  EXPECT_EQ(c.settings.trusted_accounts, std::vector<std::string>{"111122223333"});
  EXPECT_EQ(c.disabled, std::vector<std::string>{"dax-multi-az"});
  ASSERT_EQ(c.severity.size(), 1u);
  EXPECT_EQ(c.severity[0].second, Severity::kLow);
}

TEST_F(ConfigFile, EmptyFileKeepsTheDefaults) {
  Config c;
  EXPECT_TRUE(load_config(write(""), c).empty());
  EXPECT_EQ(c.settings.dax_min_azs, Settings().dax_min_azs);
  EXPECT_EQ(c.settings.dynamodb_required_tags, Settings().dynamodb_required_tags);
}

TEST_F(ConfigFile, EveryMistakeWithItsPosition) {
  const std::string path = write("dax:\n  min_azs: 0\n  zones: 3\nextra: 1\n");
  Config c;
  EXPECT_EQ(load_config(path, c),
            (std::vector<std::string>{path + ":2:12: 'dax.min_azs' must be a whole number from 1 to 64",
                                      path + ":3:3: unknown key 'zones' in 'dax'",
                                      path + ":4:1: unknown key 'extra' (known: checks, severity, trusted_accounts, "
                                             "dax, dynamodb, elasticache)"}));
}

TEST_F(ConfigFile, FoundUpwards) {
  const std::string path = write("{}\n");
  EXPECT_EQ(find_config((dir_ / "a" / "b").string()), path);
  EXPECT_EQ(find_config(dir_.string()), path);
  std::filesystem::remove(path);
  EXPECT_EQ(find_config((dir_ / "a").string()).rfind(dir_.string(), 0), std::string::npos);
}

}  // namespace
}  // namespace atrest
