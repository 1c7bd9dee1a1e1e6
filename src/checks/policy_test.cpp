#include "checks/policy.h"

#include <gtest/gtest.h>

#include <string>

namespace atrest {
namespace {

PolicyDocument parsed(const std::string& json) {
  PolicyDocument doc;
  const std::string err = parse_policy(json, doc);
  EXPECT_EQ(err, "") << json;
  return doc;
}

TEST(Policy, AWildcardCoversAWildcardInTheText) {
  // One pattern compared with another (does a Deny's resource cover an Allow's?).
  EXPECT_TRUE(wildcard_match("*", "*x"));
  EXPECT_TRUE(wildcard_match("arn:aws:kms:*", "arn:aws:kms:*:111122223333:key/*"));
  EXPECT_TRUE(wildcard_match("a*b", "a*b"));
  EXPECT_FALSE(wildcard_match("arn:aws:kms:eu-west-1:*", "arn:aws:kms:*:111122223333:key/*"));
}

TEST(Policy, RejectsGarbageWithAReason) {
  PolicyDocument doc;
  for (const char* bad : {"", "not json", "{", "[]", "42", "{\"Version\": \"2012-10-17\"}",
                          "{\"Statement\": 3}", "{\"Statement\": [\"Allow all\"]}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": 5}}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": {\"a\": 1}}}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Condition\": []}}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Condition\": {\"StringEquals\": 1}}}"}) {
    EXPECT_NE(parse_policy(bad, doc), "") << bad;
    EXPECT_TRUE(doc.statements.empty()) << bad;
  }
  // Deep nesting is refused by the parser, not a crash.
  std::string deep(5000, '[');
  deep += std::string(5000, ']');
  EXPECT_NE(parse_policy("{\"Statement\": " + deep + "}", doc), "");
}

TEST(Policy, ReadsStatementObjectOrList) {
  EXPECT_EQ(parsed(R"({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}})").statements.size(), 1u);
  const PolicyDocument doc = parsed(R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "A", "Effect": "allow", "Action": ["dynamodb:GetItem"], "Resource": ["arn:aws:dynamodb:eu-west-1:1:table/t"]},
      {"Effect": "Deny", "NotAction": "kms:*", "NotResource": "*"}]})");
  ASSERT_EQ(doc.statements.size(), 2u);
  EXPECT_TRUE(doc.statements[0].allow);
  EXPECT_EQ(doc.statements[0].sid, "A");
  EXPECT_FALSE(doc.statements[1].allow);
  EXPECT_TRUE(doc.statements[1].not_action);
  EXPECT_TRUE(doc.statements[1].not_resource);
  EXPECT_EQ(describe_statement(doc, doc.statements[0]), "statement \"A\"");
  EXPECT_EQ(describe_statement(doc, doc.statements[1]), "statement 2");
}

TEST(Policy, ReadsPrincipals) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Effect": "Allow", "Principal": "*"},
      {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}},
      {"Effect": "Allow", "Principal": {"AWS": 210987654321, "Service": "dax.amazonaws.com"}},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}},
      {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/x"}},
      {"Effect": "Allow", "Principal": {"AWS": "arn:${?}:iam::${?}:root"}}]})");
  ASSERT_EQ(doc.statements.size(), 6u);
  EXPECT_TRUE(doc.statements[0].any_principal);
  EXPECT_TRUE(doc.statements[1].any_principal);
  EXPECT_FALSE(doc.statements[2].any_principal);
  EXPECT_EQ(doc.statements[2].aws_principals.front(), "210987654321");
  EXPECT_EQ(doc.statements[2].service_principals.front(), "dax.amazonaws.com");
  EXPECT_TRUE(doc.statements[3].any_principal);
  EXPECT_TRUE(doc.statements[4].not_principal);
  EXPECT_FALSE(doc.statements[5].any_principal);  // a deploy-time account is one account
}

TEST(Policy, MatchesWildcardsCaseInsensitively) {
  EXPECT_TRUE(wildcard_match("dynamodb:*", "dynamodb:PutItem"));
  EXPECT_TRUE(wildcard_match("DynamoDB:put*", "dynamodb:PutItem"));
  EXPECT_TRUE(wildcard_match("dynamodb:*Item", "dynamodb:BatchWriteItem"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("dynamodb:?etItem", "dynamodb:GetItem"));
  EXPECT_FALSE(wildcard_match("dynamodb:Get*", "dynamodb:PutItem"));
  EXPECT_FALSE(wildcard_match("dax:*", "dynamodb:GetItem"));
  EXPECT_TRUE(wildcard_match("elasticache.*.amazonaws.com", "elasticache.eu-west-1.amazonaws.com"));
  EXPECT_FALSE(wildcard_match("", "x"));
}

TEST(Policy, TellsWhichActionsAndResourcesAreGranted) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:eu-west-1:1:table/t"},
      {"Effect": "Allow", "Action": ["dynamodb:Get*", "dynamodb:Query"], "Resource": "*"},
      {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"},
      {"Effect": "Allow", "NotAction": "dynamodb:DeleteTable", "Resource": "arn:aws:dynamodb:*:*:*"},
      {"Effect": "Deny", "Action": "*", "Resource": "*"},
      {"Effect": "Allow", "Action": "dynamo*:*"}]})");
  const auto& s = doc.statements;
  EXPECT_TRUE(allows_all_actions_of(s[0], "dynamodb"));
  EXPECT_FALSE(applies_to_all_resources(s[0]));
  EXPECT_FALSE(allows_all_actions_of(s[1], "dynamodb"));
  EXPECT_TRUE(allows_action(s[1], "dynamodb:GetItem"));
  EXPECT_FALSE(allows_action(s[1], "dynamodb:PutItem"));
  EXPECT_TRUE(applies_to_all_resources(s[1]));
  EXPECT_TRUE(allows_all_actions_of(s[2], "dynamodb"));
  EXPECT_TRUE(allows_action(s[2], "dax:CreateCluster"));
  EXPECT_FALSE(allows_action(s[2], "iam:PassRole"));
  EXPECT_FALSE(allows_all_actions_of(s[3], "dynamodb"));
  EXPECT_TRUE(allows_action(s[3], "dynamodb:PutItem"));
  EXPECT_TRUE(applies_to_all_resources(s[3]));
  EXPECT_FALSE(allows_action(s[4], "dynamodb:PutItem"));  // a Deny grants nothing
  EXPECT_TRUE(allows_all_actions_of(s[5], "dynamodb"));
  EXPECT_FALSE(allows_all_actions_of(s[5], "dax"));
  EXPECT_FALSE(applies_to_all_resources(s[5]));  // no Resource: the policy's own resource
}

TEST(Policy, FindsGrantsOpenToEveryAccount) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
      {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*",
       "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"}}},
      {"Sid": "ViaOnly", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*",
       "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"}}},
      {"Sid": "IfExists", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
       "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}},
      {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
       "Condition": {"ForAnyValue:StringLike": {"AWS:PrincipalOrgPaths": "o-abc/r-1/*"}}},
      {"Sid": "WildAccount", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
       "Condition": {"StringLike": {"aws:SourceAccount": "*"}}},
      {"Sid": "WildArn", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
       "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}},
      {"Sid": "Vpce", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
       "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}},
      {"Sid": "NotPrincipal", "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*"},
      {"Sid": "Deploy", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
       "Condition": {"StringEquals": {"kms:CallerAccount": "${?AWS::AccountId is known only at deploy time}"}}},
      {"Sid": "Deny", "Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion"}]})");
  std::vector<std::string> open;
  for (const PolicyStatement* s : public_allow_statements(doc)) open.push_back(s->sid);
  EXPECT_EQ(open, (std::vector<std::string>{"Open", "ViaOnly", "IfExists", "WildAccount", "WildArn", "NotPrincipal"}));
  EXPECT_TRUE(is_restricting_condition_key("AWS:SourceVpc"));
  EXPECT_FALSE(is_restricting_condition_key("kms:ViaService"));
  EXPECT_FALSE(is_restricting_condition_key("aws:ResourceAccount"));
}

TEST(Policy, NamesTheAccountsItTrusts) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "222233334444",
                                                 "arn:aws:iam::333344445555:role/reader"]}, "Action": "dynamodb:GetItem"},
      {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem",
       "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}}},
      {"Effect": "Allow", "Principal": {"Service": "dax.amazonaws.com"}, "Action": "dynamodb:GetItem"},
      {"Effect": "Deny", "Principal": {"AWS": "999999999999"}, "Action": "*"}]})");
  EXPECT_EQ(named_accounts(doc), (std::vector<std::string>{"111122223333", "222233334444", "333344445555", "444455556666"}));
  EXPECT_EQ(principal_account("arn:aws:iam::111122223333:user/a"), "111122223333");
  EXPECT_EQ(principal_account("*"), "");
  EXPECT_EQ(principal_account("dax.amazonaws.com"), "");
}

TEST(Policy, CollectsViaServiceValues) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*"},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
       "Condition": {"StringEquals": {"kms:ViaService": ["Elasticache.eu-west-1.amazonaws.com", "dax.eu-west-1.amazonaws.com"]}}},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrypt",
       "Condition": {"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}]})");
  const ViaServiceUse via = via_service_values(doc);
  EXPECT_TRUE(via.limited);
  EXPECT_EQ(via.services, (std::vector<std::string>{"elasticache.eu-west-1.amazonaws.com", "dax.eu-west-1.amazonaws.com"}));
  EXPECT_FALSE(via_service_values(parsed(R"({"Statement": {"Effect": "Allow", "Action": "kms:*"}})")).limited);
}

TEST(Policy, SurvivesNastyInput) {
  PolicyDocument doc;
  for (const char* bad : {"{\"Statement\": null}", "{\"Statement\": [null]}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": null}}}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [[\"*\"]]}}}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Resource\": {}}}",
                          "{\"Statement\": {\"Effect\": \"Allow\", \"Condition\": {\"StringEquals\": {\"k\": {\"x\": 1}}}}}",
                          "{\"Statement\": {\"Effect\": [\"Allow\"]}}", "{\"Statement\": [{}], \"x\": \"\xff\xfe\"}",
                          "{\"Statement\": [{\"Effect\": \"Allow\"}]", "\"Statement\"", "null", "{\"Statement\": \"*\"}"}) {
    EXPECT_NE(parse_policy(bad, doc), "") << bad;
    EXPECT_TRUE(doc.statements.empty()) << bad;
  }
  // Embedded NUL, huge numbers, empty lists and an empty Statement list parse without harm.
  EXPECT_NE(parse_policy(std::string("{\"Statement\": []}\0garbage", 25), doc), "");
  EXPECT_EQ(parse_policy(R"({"Statement": []})", doc), "");
  EXPECT_TRUE(public_allow_statements(doc).empty());
  EXPECT_NE(parse_policy(R"({"Statement": {"Effect": "Allow", "Principal": {"AWS": 1e400}, "Action": []}})", doc), "");
  // A number too big for an account id either fails to parse or is no account; it never crashes.
  parse_policy(R"({"Statement": {"Effect": "Allow", "Principal": {"AWS": 99999999999999999999}}})", doc);
  EXPECT_TRUE(named_accounts(doc).empty());
  EXPECT_EQ(parse_policy(R"({"Statement": {"Effect": "Allow", "Action": [], "Resource": []}})", doc), "");
  ASSERT_EQ(doc.statements.size(), 1u);
  EXPECT_FALSE(allows_all_actions_of(doc.statements[0], "dynamodb"));
  EXPECT_FALSE(applies_to_all_resources(doc.statements[0]));
  EXPECT_EQ(principal_account(""), "");
  EXPECT_EQ(principal_account("arn:aws:iam::12345678901x:root"), "");
  // Pathological wildcards stay fast.
  EXPECT_FALSE(wildcard_match(std::string(2000, '*') + "b", std::string(5000, 'a')));
}

TEST(Policy, StarInOtherPrincipalKindsIsAnyone) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Effect": "Allow", "Principal": {"CanonicalUser": "*"}, "Action": "kms:*"},
      {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "kms:*"},
      {"Effect": "Allow", "Principal": {"Service": "dax.amazonaws.com"}, "Action": "kms:*"}]})");
  EXPECT_TRUE(doc.statements[0].any_principal);
  EXPECT_TRUE(doc.statements[1].any_principal);
  EXPECT_EQ(public_allow_statements(doc).size(), 2u);
  // NotPrincipal "*" leaves out everyone: it grants nothing.
  EXPECT_TRUE(public_allow_statements(parsed(R"({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "*"},
      "Action": "kms:*"}})")).empty());
}

TEST(Policy, ServicePatternsWithoutColon) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Effect": "Allow", "Action": "dynamo*", "Resource": "*"},
      {"Effect": "Allow", "Action": ["d*"], "Resource": "*"},
      {"Effect": "Allow", "Action": "dynamodb*Item", "Resource": "*"},
      {"Effect": "Allow", "NotAction": "dynamo*", "Resource": "*"},
      {"Effect": "Allow", "NotAction": "*Item", "Resource": "*"},
      {"Effect": "Allow", "NotAction": "iam*", "Resource": "*"},
      {"Effect": "Allow", "Action": "**", "Resource": "*"},
      {"Effect": "Allow", "Action": "dynamodb:?", "Resource": "*"}]})");
  const auto& s = doc.statements;
  EXPECT_TRUE(allows_all_actions_of(s[0], "dynamodb"));
  EXPECT_FALSE(allows_all_actions_of(s[0], "dax"));
  EXPECT_TRUE(allows_all_actions_of(s[1], "dynamodb"));
  EXPECT_TRUE(allows_all_actions_of(s[1], "dax"));
  EXPECT_FALSE(allows_all_actions_of(s[2], "dynamodb"));
  EXPECT_FALSE(allows_all_actions_of(s[3], "dynamodb"));
  EXPECT_TRUE(allows_all_actions_of(s[3], "dax"));
  EXPECT_FALSE(allows_all_actions_of(s[4], "dynamodb"));
  EXPECT_TRUE(allows_all_actions_of(s[5], "dynamodb"));
  EXPECT_TRUE(allows_all_actions_of(s[6], "dynamodb"));
  EXPECT_FALSE(allows_all_actions_of(s[7], "dynamodb"));
}

TEST(Policy, DenyForEveryoneElseBoundsAnOpenAllow) {
  auto open_sids = [](const std::string& json) {
    PolicyDocument doc;
    EXPECT_EQ(parse_policy(json, doc), "") << json;
    std::vector<std::string> out;
    for (const PolicyStatement* s : public_allow_statements(doc)) out.push_back(s->sid);
    return out;
  };
  const std::string allow = R"({"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"})";
  auto with = [&](const std::string& deny) { return R"({"Statement": [)" + allow + ", " + deny + "]}"; };
  const std::vector<std::string> open{"Open"};
  // Bounded: the Deny takes the grant back from every account but one.
  EXPECT_TRUE(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}})")).empty());
  EXPECT_TRUE(open_sids(with(R"({"Effect": "deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*",
      "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}})")).empty());
  EXPECT_TRUE(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"})")).empty());
  // Not bounded: Deny narrower in actions, wildcard value, positive operator, extra condition,
  // NotPrincipal, a missing Effect (neither Allow nor Deny).
  EXPECT_EQ(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}})")), open);
  EXPECT_EQ(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
      "Condition": {"StringNotLike": {"aws:PrincipalAccount": "*"}}})")), open);
  EXPECT_EQ(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
      "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}})")), open);
  EXPECT_EQ(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}, "Bool": {"aws:SecureTransport": "false"}}})")), open);
  EXPECT_EQ(open_sids(with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
      "Condition": {"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}})")), open);
  EXPECT_EQ(open_sids(with(R"({"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"})")), open);
  EXPECT_EQ(open_sids(with(R"({"Principal": "*", "Action": "kms:*", "Resource": "*"})")), open);
  // The accounts a Deny lets through are named.
  PolicyDocument doc;
  ASSERT_EQ(parse_policy(with(R"({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["111122223333", "222233334444"]}}})"), doc), "");
  EXPECT_EQ(named_accounts(doc), (std::vector<std::string>{"111122223333", "222233334444"}));
}

TEST(Policy, CollectsViaServiceDenials) {
  const PolicyDocument doc = parsed(R"({"Statement": [
      {"Sid": "OnlyThroughElastiCache", "Effect": "Deny", "Principal": "*", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
       "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"kms:ViaService": "ElastiCache.eu-west-1.amazonaws.com"}}},
      {"Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion",
       "Condition": {"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}},
      {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt",
       "Condition": {"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}, "Bool": {"aws:ViaAWSService": "false"}}}]})");
  const ViaServiceUse via = via_service_values(doc);
  ASSERT_EQ(via.denials.size(), 1u);
  EXPECT_EQ(via.denials[0].statement, "statement \"OnlyThroughElastiCache\"");
  EXPECT_EQ(via.denials[0].services, (std::vector<std::string>{"elasticache.eu-west-1.amazonaws.com"}));
  EXPECT_FALSE(via.limited);
}

TEST(Policy, ViaServiceIfExistsLimitsUse) {
  const ViaServiceUse via = via_service_values(parsed(R"({"Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
       "Condition": {"StringEqualsIfExists": {"kms:ViaService": "elasticache.eu-west-1.amazonaws.com"}}}]})"));
  EXPECT_TRUE(via.limited);
  EXPECT_EQ(via.services, (std::vector<std::string>{"elasticache.eu-west-1.amazonaws.com"}));
}

}  // namespace
}  // namespace atrest
