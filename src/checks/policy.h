// IAM policy documents as the checks read them: key policies, resource policies, identity
// policies. A document is parsed once into plain values; the helpers below answer the questions
// the checks ask (who is allowed, which actions, on which resources, under which conditions).
// Evaluation is deliberately simple and conservative: it never proves access is denied, it only
// finds Allow statements that grant too much.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace atrest {

// One condition test: {"StringEquals": {"aws:SourceAccount": ["111122223333"]}} gives
// op "StringEquals", key "aws:SourceAccount", values {"111122223333"}. Booleans and numbers
// are kept as their JSON text ("true", "3").
struct PolicyCondition {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

struct PolicyStatement {
  std::string sid;
  bool allow = false;  // Effect "Allow" (any case)
  bool deny = false;   // Effect "Deny" (any case); a statement with neither grants and denies nothing
  // Principal / NotPrincipal. Identity policies have neither (has_principal false).
  bool has_principal = false;
  bool not_principal = false;       // NotPrincipal was used instead of Principal
  bool any_principal = false;       // "*", {"AWS": "*"} (also inside a list), an AWS ARN with account "*",
                                    // {"CanonicalUser": "*"} or {"Federated": "*"}
  std::vector<std::string> aws_principals;      // account ids, account root ARNs, role/user ARNs
  std::vector<std::string> service_principals;  // "dax.amazonaws.com", ...
  std::vector<std::string> other_principals;    // Federated, CanonicalUser values
  // Action / NotAction, Resource / NotResource: patterns as written ("dynamodb:Put*", "*").
  std::vector<std::string> actions;
  bool not_action = false;
  std::vector<std::string> resources;
  bool not_resource = false;
  bool has_resource = false;  // neither Resource nor NotResource: key/resource policies imply the resource
  std::vector<PolicyCondition> conditions;
};

struct PolicyDocument {
  std::vector<PolicyStatement> statements;
};

// Parses a policy document (JSON text). Statement may be one object or an array of them; Action,
// Resource and principal values may be a string or a list. Returns an error message naming what
// is wrong ("not valid JSON", "Statement is not an object or a list"), empty on success. Never
// throws; `out` is cleared first.
std::string parse_policy(std::string_view json, PolicyDocument& out);

// IAM wildcard matching: '*' matches any run of characters, '?' one character, ASCII case
// insensitive (action names are case insensitive; resource ARNs are compared the same way here).
bool wildcard_match(std::string_view pattern, std::string_view text);

// Whether an Allow statement grants `action` ("dynamodb:PutItem"): an Action pattern matches it,
// or NotAction is used and no NotAction pattern matches it. False for Deny statements.
bool allows_action(const PolicyStatement& s, std::string_view action);

// Whether an Allow statement grants every action of `service` ("dynamodb"): Action "*",
// "dynamodb:*" (or any pattern that matches every name of the service, such as "dynamo*:*" or
// "dynamo*"), or a NotAction that excludes nothing of that service. False for Deny statements.
bool allows_all_actions_of(const PolicyStatement& s, std::string_view service);

// Whether the statement applies to every resource: Resource "*" (or "arn:*", or an ARN whose
// resource part is "*"), or NotResource (everything except the listed ones). A statement without
// either (key and resource policies) applies to the resource the policy is attached to: false.
bool applies_to_all_resources(const PolicyStatement& s);

// Condition keys this module treats as limiting WHO may use a grant (lower case). A value of such a
// key restricts when it names something specific (no "*" account, not "*" alone) under a positive
// operator (StringEquals, StringLike, ArnEquals, ArnLike and their ForAnyValue:/IgnoreCase
// forms; never ...IfExists, Null or a Not... operator):
//   account:      aws:sourceaccount, aws:sourceowner, aws:principalaccount, kms:calleraccount
//   arn:          aws:sourcearn, aws:principalarn
//   organization: aws:principalorgid, aws:principalorgpaths, aws:sourceorgid, aws:sourceorgpaths
//   network:      aws:sourcevpc, aws:sourcevpce
// A value left to deploy time (CloudFormation's "${?...}" or "${Logical.Attr}" placeholders, e.g.
// kms:CallerAccount: !Ref AWS::AccountId without --account) counts as specific: it becomes one
// concrete value when deployed. Principals holding such placeholders are never "anyone".
// Not restricting on their own: kms:viaservice (any account's principal can call the named
// service), aws:sourceip, aws:securetransport, aws:resourceaccount (for a resource policy that is
// the resource's own account), encryption-context keys.
bool is_restricting_condition_key(std::string_view key);

// The conditions of `s` that restrict who can use it (see is_restricting_condition_key); empty
// when none does.
std::vector<const PolicyCondition*> restricting_conditions(const PolicyStatement& s);

// Allow statements whose principal is anyone ("*", {"AWS": "*"}, an ARN with account "*", or
// NotPrincipal) and that carry no restricting condition: the grants open to every AWS account.
// An Allow is not open when a Deny statement of the same document takes it back for everyone
// outside a known set: a Deny with principal "*" whose actions and resources cover the Allow's and
// whose only condition is a negated operator (StringNotEquals, StringNotLike, ArnNotEquals,
// ArnNotLike, IgnoreCase/IfExists forms) with specific values on a restricting key (e.g.
// StringNotEquals aws:PrincipalAccount 111122223333), or that has no condition at all.
std::vector<const PolicyStatement*> public_allow_statements(const PolicyDocument& doc);

// Accounts named by Allow statements, as principals (12-digit ids, or the account of an IAM ARN)
// or in the values of account/ARN restricting conditions, and the accounts a "Deny everyone
// else" statement (see public_allow_statements) lets through. Sorted, without duplicates. Service
// principals are not accounts and are left out.
std::vector<std::string> named_accounts(const PolicyDocument& doc);

// The account of one AWS principal value: "111122223333", "arn:aws:iam::111122223333:root" or a
// role/user ARN give "111122223333"; anything else (a wildcard, a name) gives "".
std::string principal_account(std::string_view principal);

// kms:ViaService values of the Allow statements that test the key with a positive operator
// (StringEquals, StringLike, their IgnoreCase/IfExists/ForAnyValue: forms: a service's calls always
// carry the key, so IfExists limits them as much),
// in the order written, without duplicates (lower case). `limited` is set when at least one
// Allow statement that grants a key-use action (kms:Decrypt, Encrypt, GenerateDataKey*,
// ReEncrypt*, CreateGrant, DescribeKey or kms:*) has such a condition.
// `denials` lists the Deny statements for principal "*" whose only condition refuses a key-use
// action unless kms:ViaService is one of their values (negated operator StringNotEquals or
// StringNotLike, also IfExists/IgnoreCase forms): every service a caller needs must be among them.
struct ViaServiceDenial {
  std::string statement;              // describe_statement()
  std::vector<std::string> services;  // lower case, as written
};
struct ViaServiceUse {
  std::vector<std::string> services;
  bool limited = false;
  std::vector<ViaServiceDenial> denials;
};
ViaServiceUse via_service_values(const PolicyDocument& doc);

// A short description of a statement for messages: its Sid, else its position ("statement 2").
std::string describe_statement(const PolicyDocument& doc, const PolicyStatement& s);

}  // namespace atrest
