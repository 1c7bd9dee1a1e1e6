#include "sources/terraform/eval.h"

#include <gtest/gtest.h>

#include <map>

#include "sources/terraform/hcl.h"

namespace atrest::tf {
namespace {

// var.* from a map; every other name is an error, as in a tfvars file.
struct VarScope : Scope {
  std::map<std::string, Value> vars;
  Value root(std::string_view name, std::string_view attr, hcl::Pos pos) override {
    if (name == "var") {
      auto it = vars.find(std::string(attr));
      if (it != vars.end()) return it->second;
      return Value::unknown("var." + std::string(attr) + " has no value", pos);
    }
    if (name == "aws_kms_key") {
      Value key = Value::of_map(pos);
      key.ref = "aws_kms_key." + std::string(attr);
      return key;
    }
    return Value::failure("no such name", pos);
  }
};

Value eval(const std::string& expr, VarScope scope = {}) {
  hcl::File f = hcl::parse("v = " + expr + "\n");
  EXPECT_TRUE(f.errors.empty()) << expr << ": " << (f.errors.empty() ? "" : f.errors[0].message);
  if (f.body.attributes.empty()) return Value::failure("no attribute");
  Evaluator ev(scope);
  return ev.eval(f.body.attributes[0].expr);
}

std::string json(const std::string& expr, VarScope scope = {}) {
  Value v = eval(expr, std::move(scope));
  if (v.is_unknown()) return std::string(v.error ? "error: " : "unknown: ") + v.text;
  return to_json(v);
}

TEST(Eval, LiteralsOperatorsAndPrecedence) {
  EXPECT_EQ(json("1 + 2 * 3"), "7");
  EXPECT_EQ(json("(1 + 2) * 3"), "9");
  EXPECT_EQ(json("!true || false && true"), "false");
  EXPECT_EQ(json("5 % 3 == 2 ? \"yes\" : \"no\""), "\"yes\"");
  EXPECT_EQ(json("-2 < 1"), "true");
  EXPECT_EQ(json("\"1\" == 1"), "false");  // no conversion for equality
  EXPECT_EQ(json("\"2\" + 1"), "3");       // arithmetic converts strings
  EXPECT_EQ(json("1 / 0").substr(0, 5), "error");
}

TEST(Eval, TemplatesAndDirectives) {
  VarScope s;
  s.vars["env"] = Value::of_string("prod");
  s.vars["n"] = Value::of_number(3);
  EXPECT_EQ(json("\"t-${var.env}-${var.n}\"", s), "\"t-prod-3\"");
  EXPECT_EQ(json("\"%{if var.env == \"prod\"}on%{else}off%{endif}\"", s), "\"on\"");  // quotes nest in directives
  EXPECT_EQ(json("\"%{for x in [1, 2]}${x},%{endfor}\""), "\"1,2,\"");
  EXPECT_EQ(json("\"$${literal}\""), "\"${literal}\"");
  EXPECT_EQ(json("\"a-${var.missing}\"").substr(0, 7), "unknown");
}

TEST(Eval, ConditionalOnUnknownKeepsEqualBranches) {
  EXPECT_EQ(json("var.x ? true : true"), "true");
  EXPECT_EQ(json("var.x ? true : false").substr(0, 7), "unknown");
}

TEST(Eval, ForExpressionsAndSplats) {
  EXPECT_EQ(json("[for x in [1, 2, 3] : x * 2 if x > 1]"), "[4,6]");
  EXPECT_EQ(json("{for k, v in {a = 1, b = 2} : v => k}"), "{\"1\":\"a\",\"2\":\"b\"}");
  EXPECT_EQ(json("{for x in [\"a\", \"a\", \"b\"] : x => x...}"), "{\"a\":[\"a\",\"a\"],\"b\":[\"b\"]}");
  EXPECT_EQ(json("[{n = 1}, {n = 2}][*].n"), "[1,2]");
  EXPECT_EQ(json("[{n = 1}, {n = 2}].*.n"), "[1,2]");
}

TEST(Eval, Functions) {
  EXPECT_EQ(json("lookup({a = 1}, \"b\", 7)"), "7");
  EXPECT_EQ(json("merge({a = 1}, {a = 2, b = 3})"), "{\"a\":2,\"b\":3}");
  EXPECT_EQ(json("concat([1], [2, 3])"), "[1,2,3]");
  EXPECT_EQ(json("coalesce(\"\", null, \"x\")"), "\"x\"");
  EXPECT_EQ(json("tobool(\"true\")"), "true");
  EXPECT_EQ(json("tobool(\"1\")"), "true");  // go-cty converts "1"
  EXPECT_EQ(json("tonumber(\"42\")"), "42");
  EXPECT_EQ(json("tostring(false)"), "\"false\"");
  EXPECT_EQ(json("lower(\"ABC\")"), "\"abc\"");
  EXPECT_EQ(json("upper(\"abc\")"), "\"ABC\"");
  EXPECT_EQ(json("format(\"%s/%d\", \"a\", 7)"), "\"a/7\"");
  EXPECT_EQ(json("join(\",\", [\"a\", \"b\"])"), "\"a,b\"");
  EXPECT_EQ(json("contains([\"a\"], \"a\")"), "true");
  EXPECT_EQ(json("length({a = 1, b = 2})"), "2");
  EXPECT_EQ(json("try(var.missing.x, \"fallback\")").substr(0, 7), "unknown");  // unknown is not an error
  EXPECT_EQ(json("try({}.x, \"fallback\")"), "\"fallback\"");
  EXPECT_EQ(json("can({}.x)"), "false");
  EXPECT_EQ(json("can(1)"), "true");
  EXPECT_EQ(json("jsonencode({b = [1, true], a = \"<x>\"})"), "\"{\\\"a\\\":\\\"\\\\u003cx\\\\u003e\\\",\\\"b\\\":[1,true]}\"");
  EXPECT_EQ(json("keys({b = 1, a = 2})"), "[\"a\",\"b\"]");
  EXPECT_EQ(json("one([])"), "null");
  EXPECT_EQ(json("flatten([[1], [2, [3]]])"), "[1,2,3]");
  EXPECT_EQ(json("f(1)").substr(0, 7), "unknown");  // an unknown function is unknown, not a crash
}

TEST(Eval, ReferencesSurviveFunctionsThatPickAValue) {
  VarScope s;
  s.vars["key"] = Value{};  // variable "key" { default = null }
  Value v = eval("coalesce(var.key, aws_kms_key.main.arn)", s);
  EXPECT_TRUE(v.is_unknown());
  EXPECT_EQ(v.ref, "aws_kms_key.main");
  v = eval("one([aws_kms_key.main.arn])");
  EXPECT_EQ(v.ref, "aws_kms_key.main");
  v = eval("try(aws_kms_key.main.arn, null)");
  EXPECT_EQ(v.ref, "aws_kms_key.main");
}

TEST(Eval, TypeConversionOfVariables) {
  EXPECT_TRUE(convert_to_type(Value::of_string("false"), "bool").is(Value::Kind::kBool));
  EXPECT_FALSE(convert_to_type(Value::of_string("false"), "bool").boolean);
  EXPECT_TRUE(convert_to_type(Value::of_string("False"), "bool").error);  // Terraform rejects it too
  EXPECT_EQ(convert_to_type(Value::of_string("3"), "number").number, 3);
}

TEST(Eval, BoundedWork) {
  // A for expression over a huge range is refused, not computed.
  EXPECT_EQ(json("length([for i in range(100000000) : i])").substr(0, 5), "error");
  EXPECT_EQ(json("length(range(3))"), "3");
  std::string deep = "1";
  for (int i = 0; i < 150; ++i) deep = "(" + deep + ")";
  EXPECT_EQ(json(deep), "1");
}

}  // namespace
}  // namespace atrest::tf
