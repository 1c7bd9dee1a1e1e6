#include "sources/cloudformation/yaml_tree.h"

#include <gtest/gtest.h>

namespace atrest::cfn {
namespace {

TEST(YamlTree, KeepsPositionsAndTags) {
  YamlDocument doc;
  YamlError err;
  ASSERT_TRUE(doc.parse("Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      Key: !Ref P\n", err))
      << err.message;
  const YamlNode* key = doc.root()->get("Resources")->get("T")->get("Properties")->get("Key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->tag, "!Ref");
  EXPECT_EQ(key->value, "P");
  EXPECT_EQ(key->line, 5u);
  EXPECT_EQ(key->column, 12u);
}

TEST(YamlTree, RejectsDuplicateKeysUnknownTagsAndBadYamlWithPositions) {
  YamlDocument doc;
  YamlError err;
  EXPECT_FALSE(doc.parse("a: 1\nb: 2\na: 3\n", err));
  EXPECT_EQ(err.line, 3u);
  EXPECT_NE(err.message.find("duplicate key 'a' (first at line 1)"), std::string::npos) << err.message;
  EXPECT_FALSE(doc.parse("a: !Foo x\n", err));
  EXPECT_NE(err.message.find("unknown tag !Foo"), std::string::npos);
  EXPECT_FALSE(doc.parse("a:\n  - b\n c: d\n", err));
  EXPECT_EQ(err.line, 3u);
}

TEST(YamlTree, StopsAliasBombsAndDeepNesting) {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string n = std::to_string(i);
    bomb.append("a").append(n).append(": &a").append(n).append(" [");
    for (int k = 0; k < 10; ++k) {
      if (k) bomb += ", ";
      bomb += "*a";
      bomb += std::to_string(i - 1);
    }
    bomb += "]\n";
  }
  YamlDocument doc;
  YamlError err;
  EXPECT_FALSE(doc.parse(bomb, err));
  EXPECT_NE(err.message.find("alias bomb"), std::string::npos) << err.message;
  EXPECT_FALSE(doc.parse("a: " + std::string(5000, '[') + std::string(5000, ']') + "\n", err));
  EXPECT_NE(err.message.find("nesting deeper"), std::string::npos) << err.message;
}

TEST(YamlTree, AliasesShareNodesAndCannotLoop) {
  YamlDocument doc;
  YamlError err;
  ASSERT_TRUE(doc.parse("base: &b {x: 1}\nuse: *b\n", err)) << err.message;
  EXPECT_EQ(doc.root()->get("use"), doc.root()->get("base"));
  EXPECT_FALSE(doc.parse("a: &a [*a]\n", err)) << "an alias inside its own anchor";
}

}  // namespace
}  // namespace atrest::cfn
