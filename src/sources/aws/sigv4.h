// AWS Signature Version 4 (header signing), written on OpenSSL.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "sources/aws/http.h"

namespace atrest::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::time_t expiration = 0; // 0: does not expire
  std::string source;         // where they came from, e.g. "environment", "profile audit"; never secret

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

// Signs `request` in place for `service` in `region` at time `now`: adds X-Amz-Date,
// X-Amz-Security-Token (with a session token) and Authorization, replacing any from an earlier
// signing. Every header already in the request is signed except botocore's hop-by-hop list
// (User-Agent, Expect, Connection, Transfer-Encoding, X-Amzn-Trace-Id, ...), plus host (a Host
// header if given, else from the URL, with :port when it is not the scheme's default).
// The canonical query string is built from the URL's query as botocore does.
void sign_v4(HttpRequest& request, const Credentials& credentials, std::string_view region,
             std::string_view service, std::time_t now);

// The canonical request sign_v4 would sign for `request` at `now` (region and service only enter
// the string to sign). For diagnostics: tests/live/sigv4_tool prints it to compare with botocore.
std::string canonical_request_v4(HttpRequest request, const Credentials& credentials, std::time_t now);

// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

}  // namespace atrest::aws
