// Test driver for tests/live/credentials_test.py: resolves credentials with the default chain (or
// assume_role_provider on top of it) using this process's environment and prints what it got as
// one JSON line per get(); never the secret key or the session token.
//
//   credentials_tool [--profile P] [--region R] [--sts-endpoint URL] [--imds-endpoint URL]
//                    [--assume-role ARN [--session-name N] [--external-id X]]
//                    [--gets N [--advance SECONDS]] [--caller-identity]
//
// --gets calls get() N times, moving the provider's clock SECONDS forward before each later call
// (refresh tests). --caller-identity signs sts:GetCallerIdentity with the result and adds the
// account and ARN it reports. On failure prints {"error": ..., "code": ...} and exits 1.
#include <pugixml.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "sources/aws/credentials.h"
#include "sources/aws/http.h"
#include "sources/aws/sigv4.h"

namespace {

using namespace atrest::aws;

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string iso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// sts:GetCallerIdentity signed with `c`: {account, arn}, or throws CredentialError.
std::pair<std::string, std::string> caller_identity(const ChainOptions& o, const Credentials& c) {
  std::string region = resolve_region(o);
  if (region.empty()) region = "us-east-1";
  std::string endpoint = o.sts_endpoint;
  if (endpoint.empty()) endpoint = resolve_endpoint_override(o, "STS");
  if (endpoint.empty()) endpoint = "https://sts." + region + ".amazonaws.com";
  HttpRequest req;
  req.url = endpoint + "/";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  sign_v4(req, c, region, "sts", std::time(nullptr));
  HttpResponse resp = http_fetch(req, o.http);
  pugi::xml_document doc;
  if (resp.status != 200 || !doc.load_buffer(resp.body.data(), resp.body.size())) {
    throw CredentialError("GetCallerIdentity failed: HTTP " + std::to_string(resp.status) + " " +
                          resp.transport_error);
  }
  pugi::xml_node result = doc.document_element().child("GetCallerIdentityResult");
  return {result.child("Account").text().as_string(), result.child("Arn").text().as_string()};
}

int usage() {
  std::cerr << "usage: credentials_tool [--profile P] [--region R] [--sts-endpoint URL] [--imds-endpoint URL]\n"
               "                        [--assume-role ARN [--session-name N] [--external-id X]]\n"
               "                        [--gets N [--advance SECONDS]] [--caller-identity]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  ChainOptions options;
  std::string role_arn, session_name, external_id;
  int gets = 1;
  long advance = 0;
  bool identity = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--profile") {
      options.profile = value();
    } else if (a == "--region") {
      options.region = value();
    } else if (a == "--sts-endpoint") {
      options.sts_endpoint = value();
    } else if (a == "--imds-endpoint") {
      options.imds_endpoint = value();
    } else if (a == "--assume-role") {
      role_arn = value();
    } else if (a == "--session-name") {
      session_name = value();
    } else if (a == "--external-id") {
      external_id = value();
    } else if (a == "--gets") {
      gets = std::atoi(value().c_str());
    } else if (a == "--advance") {
      advance = std::atol(value().c_str());
    } else if (a == "--caller-identity") {
      identity = true;
    } else {
      return usage();
    }
  }
  // A clock the refresh tests can move: real time plus an offset that grows between gets.
  auto offset = std::make_shared<long>(0);
  options.now = [offset] { return std::time(nullptr) + *offset; };

  try {
    std::shared_ptr<CredentialProvider> provider = default_credential_chain(options);
    if (!role_arn.empty()) {
      provider = assume_role_provider(provider, role_arn, session_name, external_id, options, "");
    }
    for (int n = 0; n < gets; ++n) {
      if (n > 0) *offset += advance;
      Credentials c = provider->get();
      std::string line = "{\"describe\": " + json_string(provider->describe()) +
                         ", \"source\": " + json_string(c.source) +
                         ", \"access_key_id\": " + json_string(c.access_key_id) +
                         ", \"has_session_token\": " + (c.session_token.empty() ? "false" : "true") +
                         ", \"expiration\": " + (c.expiration == 0 ? "null" : json_string(iso(c.expiration)));
      if (identity) {
        auto [account, arn] = caller_identity(options, c);
        line += ", \"account\": " + json_string(account) + ", \"arn\": " + json_string(arn);
      }
      std::cout << line << "}" << std::endl;
    }
  } catch (const CredentialError& e) {
    std::cout << "{\"error\": " << json_string(e.what()) << ", \"code\": " << json_string(e.code) << "}" << std::endl;
    return 1;
  }
  return 0;
}
