#include "sources/aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace atrest::aws {
namespace {

// docs: /work/shared/reference/aws-wire.md 5.2 and 5.3 (captured from botocore against a local
// endpoint; key and secret "test").
constexpr std::time_t k163540 = 1795624540;  // 20261125T163540Z
constexpr std::time_t k163534 = 1795624534;
constexpr std::time_t k163535 = 1795624535;

Credentials test_keys(std::string token = "") {
  Credentials c;
  c.access_key_id = "test";
  c.secret_access_key = "test";
  c.session_token = std::move(token);
  return c;
}

HttpRequest post(std::string url, Headers headers, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

HttpRequest describe_table() {
  return post("http://127.0.0.1:8765/",
              {{"X-Amz-Target", "DynamoDB_20120810.DescribeTable"},
               {"Content-Type", "application/x-amz-json-1.0"}},
              R"({"TableName": "tbl1"})");
}

std::vector<std::string> values(const HttpRequest& r, std::string_view lower_name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers) {
    std::string lk = k;
    std::transform(lk.begin(), lk.end(), lk.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lk == lower_name) out.push_back(v);
  }
  return out;
}

std::string one(const HttpRequest& r, std::string_view lower_name) {
  auto v = values(r, lower_name);
  EXPECT_EQ(v.size(), 1u) << lower_name;
  return v.empty() ? "" : v.front();
}

// The "host:" line of the canonical request.
std::string canonical_host(const std::string& url, Headers headers = {}) {
  HttpRequest r = post(url, std::move(headers), "");
  std::string c = canonical_request_v4(r, test_keys(), k163540);
  size_t at = c.find("\nhost:");
  if (at == std::string::npos) return "<none>";
  return c.substr(at + 6, c.find('\n', at + 1) - at - 6);
}

TEST(SigV4, Sha256Hex) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(R"({"TableName": "tbl1"})"),
            "9add409e6a486fc94498a3abb5d94eae16e42b568080a30fba352369f62a5839");
}

TEST(SigV4, DynamoDbVector) {
  HttpRequest r = describe_table();
  sign_v4(r, test_keys(), "us-east-1", "dynamodb", k163540);
  EXPECT_EQ(one(r, "x-amz-date"), "20261125T163540Z");
  EXPECT_TRUE(values(r, "x-amz-security-token").empty());
  EXPECT_EQ(one(r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            "Signature=20095f7400b927266186899e9cf0c373f5ea35c231c61f82c67583fd55f1c128");
}

TEST(SigV4, DaxVectorWithSessionToken) {
  HttpRequest r = post("http://127.0.0.1:8765/",
                       {{"X-Amz-Target", "AmazonDAXV3.DescribeClusters"},
                        {"Content-Type", "application/x-amz-json-1.1"}},
                       R"({"MaxResults": 20})");
  sign_v4(r, test_keys("SESSIONTOKENXYZ"), "us-east-1", "dax", k163534);
  EXPECT_EQ(one(r, "x-amz-security-token"), "SESSIONTOKENXYZ");
  EXPECT_EQ(one(r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/dax/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
            "Signature=206e437a7d0f8bfc9b7e69d782488d1a3e5abd2c68f66ab454df614d5917d2bf");
}

TEST(SigV4, StsQueryVector) {
  HttpRequest r = post("http://127.0.0.1:8765/",
                       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                       "Action=GetCallerIdentity&Version=2011-06-15");
  sign_v4(r, test_keys(), "us-east-1", "sts", k163535);
  EXPECT_EQ(one(r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/sts/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=f146c0fa46c10c513e31def726734309dbad6e13af61566a14f1d9de30250d8d");
}

TEST(SigV4, CanonicalRequestMatchesBotocoreCapture) {
  EXPECT_EQ(canonical_request_v4(describe_table(), test_keys(), k163540),
            "POST\n"
            "/\n"
            "\n"
            "content-type:application/x-amz-json-1.0\n"
            "host:127.0.0.1:8765\n"
            "x-amz-date:20261125T163540Z\n"
            "x-amz-target:DynamoDB_20120810.DescribeTable\n"
            "\n"
            "content-type;host;x-amz-date;x-amz-target\n"
            "9add409e6a486fc94498a3abb5d94eae16e42b568080a30fba352369f62a5839");
}

TEST(SigV4, HostCarriesOnlyANonDefaultPort) {
  EXPECT_EQ(canonical_host("https://dynamodb.eu-west-1.amazonaws.com/"), "dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(canonical_host("https://dynamodb.eu-west-1.amazonaws.com:443/"), "dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(canonical_host("http://localhost:80/"), "localhost");
  EXPECT_EQ(canonical_host("http://localhost:443/"), "localhost:443");
  EXPECT_EQ(canonical_host("https://localhost:80"), "localhost:80");
  EXPECT_EQ(canonical_host("http://LocalHost:5000/x?y=1"), "localhost:5000") << "host is lower-cased";
  EXPECT_EQ(canonical_host("https://user:pw@[::1]:8443/"), "[::1]:8443") << "userinfo dropped";
}

TEST(SigV4, AnExplicitHostHeaderWins) {
  EXPECT_EQ(canonical_host("http://127.0.0.1:8765/", {{"Host", "  dynamodb.us-east-1.amazonaws.com "}}),
            "dynamodb.us-east-1.amazonaws.com");
}

TEST(SigV4, PathAndQueryFollowBotocore) {
  HttpRequest r = post("https://ec2.us-east-1.amazonaws.com/a/./b/../c//d%20e/?b=2&a=1&a&c=x y&=", {}, "");
  r.method = "get";
  std::string c = canonical_request_v4(r, test_keys(), k163540);
  EXPECT_EQ(c.substr(0, c.find("\nhost:")), "GET\n/a/c/d%2520e/\n=&a=&a=1&b=2&c=x y");
}

TEST(SigV4, HeaderValuesAreTrimmedAndRepeatsJoined) {
  HttpRequest r = post("http://127.0.0.1:8765/",
                       {{"X-Custom", "  a \t  b  "}, {"x-custom", "c"}, {"User-Agent", "not signed"}}, "");
  std::string c = canonical_request_v4(r, test_keys(), k163540);
  EXPECT_NE(c.find("\nx-custom:a b,c\n"), std::string::npos) << c;
  EXPECT_EQ(c.find("user-agent"), std::string::npos) << c;
}

TEST(SigV4, ResigningReplacesTheEarlierSignature) {
  HttpRequest once = describe_table();
  sign_v4(once, test_keys("T1"), "us-east-1", "dynamodb", k163540);
  HttpRequest twice = once;
  sign_v4(twice, test_keys("T1"), "us-east-1", "dynamodb", k163540);
  EXPECT_EQ(twice.headers, once.headers) << "same inputs, same headers, nothing duplicated";

  // A retry later, with refreshed long-term keys: new date, no stale token.
  HttpRequest retry = once;
  sign_v4(retry, test_keys(), "us-east-1", "dynamodb", k163540 + 61);
  EXPECT_EQ(one(retry, "x-amz-date"), "20261125T163641Z");
  EXPECT_TRUE(values(retry, "x-amz-security-token").empty());
  HttpRequest fresh = describe_table();
  sign_v4(fresh, test_keys(), "us-east-1", "dynamodb", k163540 + 61);
  EXPECT_EQ(one(retry, "authorization"), one(fresh, "authorization"));
}

}  // namespace
}  // namespace atrest::aws
