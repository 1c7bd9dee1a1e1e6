#include "sources/cloudformation/template.h"

#include <gtest/gtest.h>

namespace atrest::cfn {
namespace {

class TemplateTest : public ::testing::Test {
 protected:
  const Template& load(const std::string& text, TemplateOptions options = {}) {
    YamlError err;
    EXPECT_TRUE(doc_.parse(text, err)) << err.message;
    t_ = std::make_unique<Template>(doc_.root(), std::move(options));
    return *t_;
  }
  Value value(const char* key) { return t_->resolve(doc_.root()->get("Outputs")->get(key)); }

  YamlDocument doc_;
  std::unique_ptr<Template> t_;
};

const char* kTemplate = R"(
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Zones: {Type: CommaDelimitedList, Default: "a, b"}
Mappings:
  Sizes: {prod: {Nodes: "3"}, dev: {Nodes: "1"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Equals [!Ref NoDefault, x]]
  Unknowable: !Equals [!Ref NoDefault, x]
Resources:
  Key: {Type: AWS::KMS::Key}
Outputs:
  Sub: !Sub "${Env}-${AWS::Region}-${!Literal}"
  SubVars: {"Fn::Sub": ["${A}/${Env}", {A: x}]}
  Join: !Join ["-", [a, !Ref Env]]
  Select: !Select [1, !Ref Zones]
  Split: !Select [2, !Split [",", "a,b,c"]]
  Map: !FindInMap [Sizes, !Ref Env, Nodes]
  If: !If [IsProd, yes-prod, nope]
  IfUnknown: !If [Unknowable, a, b]
  Import: !ImportValue shared-key
  KeyRef: !Ref Key
  KeyArn: !GetAtt Key.Arn
  Missing: !Ref NoDefault
  NoValue: !Ref AWS::NoValue
  Long: {"Fn::If": ["NotProd", "x", {"Ref": "Env"}]}
  AZ: !Select [1, !GetAZs ""]
)";

TEST_F(TemplateTest, ResolvesIntrinsicsLikeCloudFormation) {
  load(kTemplate, {"", "eu-west-1", {}, {}});
  EXPECT_EQ(value("Sub").text, "prod-eu-west-1-${Literal}");
  EXPECT_EQ(value("SubVars").text, "x/prod");
  EXPECT_EQ(value("Join").text, "a-prod");
  EXPECT_EQ(value("Select").text, "b");
  EXPECT_EQ(value("Split").text, "c");
  EXPECT_EQ(value("Map").text, "3");
  EXPECT_EQ(value("If").text, "yes-prod");
  EXPECT_EQ(value("Long").text, "prod");
  EXPECT_TRUE(value("NoValue").is(Value::Kind::kAbsent));
  EXPECT_EQ(value("AZ").text, "Fn::GetAZs(eu-west-1)[1]");
  Value ref = value("KeyRef");
  EXPECT_TRUE(ref.is(Value::Kind::kResourceRef));
  EXPECT_EQ(ref.text, "Key");
  EXPECT_EQ(value("KeyArn").attribute, "Arn");
}

TEST_F(TemplateTest, WhatCannotBeKnownSaysWhy) {
  load(kTemplate);
  EXPECT_NE(value("Missing").text.find("parameter NoDefault has no Default"), std::string::npos);
  EXPECT_NE(value("Import").text.find("export shared-key"), std::string::npos);
  EXPECT_TRUE(value("IfUnknown").is(Value::Kind::kUnknown));
  EXPECT_EQ(t_->undecided_conditions(), std::vector<std::string>{"Unknowable"});
  std::string why;
  EXPECT_EQ(t_->condition("Either", why), Truth::kTrue) << "Or with one true side is true";
  EXPECT_NE(value("Sub").text.find("AWS::Region is not known"), std::string::npos);
}

TEST_F(TemplateTest, OverridesAndAssumptions) {
  load(kTemplate, {"", "", {{"Env", "dev"}, {"NoDefault", "x"}}, {}});
  EXPECT_EQ(value("Map").text, "1");
  EXPECT_EQ(value("If").text, "nope");
  EXPECT_EQ(value("IfUnknown").text, "a");
  t_->assume({{"IsProd", true}});
  EXPECT_EQ(value("If").text, "yes-prod");
}

TEST(TemplateDetection, KnowsTemplatesFromOtherYaml) {
  YamlDocument doc;
  YamlError err;
  ASSERT_TRUE(doc.parse("apiVersion: v1\nkind: ConfigMap\n", err));
  EXPECT_FALSE(is_template(doc.root()));
  ASSERT_TRUE(doc.parse("Resources:\n  T: {Type: AWS::DynamoDB::Table}\n", err));
  EXPECT_TRUE(is_template(doc.root()));
  ASSERT_TRUE(doc.parse("- a\n- b\n", err));
  EXPECT_FALSE(is_template(doc.root()));
}

}  // namespace
}  // namespace atrest::cfn
