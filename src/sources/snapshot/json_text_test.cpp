#include "sources/snapshot/json_text.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace atrest {
namespace {

TEST(LocateJsonError, PointsAtLineAndColumn) {
  EXPECT_EQ(locate_json_error("{\n  \"a\": [1, 2,\n", 1024), "3:1: unexpected end of file (truncated?)");
  EXPECT_EQ(locate_json_error("{\"a\": tru}", 1024), "1:7: not JSON: unexpected character");
  EXPECT_EQ(locate_json_error("{\"a\" 1}", 1024), "1:6: expected ':' after an object key");
  EXPECT_EQ(locate_json_error("[1 2]", 1024), "1:4: expected ',' or ']' in an array");
  EXPECT_EQ(locate_json_error("{\"a\":1}}", 1024), "1:8: unexpected text after the JSON document");
  EXPECT_EQ(locate_json_error("", 1024), "1:1: the file is empty");
  EXPECT_EQ(locate_json_error("{\"a\": \"x\ny\"}", 1024), "1:9: control character inside a string");
  EXPECT_EQ(locate_json_error("This is prose.", 1024), "1:1: not JSON: unexpected character");
}

TEST(LocateJsonError, ReportsDepthWithoutRecursing) {
  std::string deep(200000, '[');
  EXPECT_EQ(locate_json_error(deep, 1024), "1:1025: nesting deeper than 1024 levels");
}

TEST(LocateJsonError, WellFormedTextHasNoError) {
  EXPECT_EQ(locate_json_error("{\"a\": [1, -2.5e3, true, null, \"\\u00e9\"], \"b\": {}}", 1024), "");
}

TEST(LoadJsonText, ReadsGzipAndStripsBom) {
  const auto dir = std::filesystem::temp_directory_path() / "atrest_json_text_test";
  std::filesystem::create_directories(dir);
  const std::string gz = (dir / "a.json.gz").string();
  gzFile f = gzopen(gz.c_str(), "wb");
  gzputs(f, "{\"x\": 1}");
  gzclose(f);
  JsonBuffer text;
  ASSERT_EQ(load_json_text(gz, text), "");
  EXPECT_EQ(text.view(), "{\"x\": 1}");
  const std::string bom = (dir / "bom.json").string();
  std::ofstream(bom) << "\xEF\xBB\xBF{}";
  ASSERT_EQ(load_json_text(bom, text), "");
  EXPECT_EQ(text.view(), "{}");
  const std::string utf16 = (dir / "utf16.json").string();
  std::ofstream(utf16) << "\xFF\xFE{\0}";
  EXPECT_NE(load_json_text(utf16, text).find("UTF-16"), std::string::npos);
  EXPECT_NE(load_json_text((dir / "missing.json").string(), text), "");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace atrest
