// Calls AWS operations over HttpClient: serialises the request for the service's protocol,
// signs it, retries as the SDKs' standard mode does (jittered exponential backoff, a retry
// quota), slows down per service, region and account when throttled (adaptive rate), and hands
// back the answer as JSON text whatever the protocol.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "sources/aws/credentials.h"
#include "sources/aws/http.h"
#include "sources/aws/operations.h"

namespace atrest::aws {

// Who calls and where: the credentials of one account and one region.
struct Target {
  std::shared_ptr<CredentialProvider> credentials;
  std::string account;  // for rate-limit keys and logs; may be empty before GetCallerIdentity
  std::string region;
};

// Request parameters: a JSON object for JSON services, form pairs for query/ec2 services, the
// path with its query string for REST services (e.g. "/backup/plans/?maxResults=100").
struct CallInput {
  std::string json = "{}";
  std::vector<std::pair<std::string, std::string>> form;
  std::string path = "";
  bool urgent = false;  // sent before queued calls (list pages: more work depends on them)
};

struct CallResult {
  bool ok = false;
  std::string json;           // the answer (query/ec2 XML rewritten as JSON)
  std::string error_code;     // AccessDeniedException, Throttling, HttpError500, TransportError ...
  std::string error_message;  // never contains credentials
  long status = 0;
  int attempts = 0;

  // "dynamodb:DescribeTable in eu-west-1: AccessDeniedException (HTTP 400): ..."
  std::string describe(const Operation& op, std::string_view region) const;
};

struct ClientOptions {
  int max_attempts = 3;                      // standard mode: 3 in all, the first included
  double backoff_base_seconds = 1.0;         // delay before retry n: rand * min(base * 2^(n-1), 20 s)
  std::string endpoint_url;                  // --endpoint-url: every service
  std::function<std::string(const Service&)> endpoint_override;  // AWS_ENDPOINT_URL[_SERVICE]
  std::function<void(const std::string&)> log;  // --verbose: one line per attempt; null: silent
  std::function<std::time_t()> now = [] { return std::time(nullptr); };
};

struct ClientStats {
  size_t calls = 0;      // operations asked for
  size_t attempts = 0;   // HTTP exchanges
  size_t retries = 0;
  size_t throttled = 0;
  size_t failed = 0;     // operations that ended in an error
};

class AwsClient {
 public:
  AwsClient(HttpClient& http, ClientOptions options);
  ~AwsClient();

  using Done = std::function<void(CallResult)>;
  void call(const Target& target, const Operation& op, CallInput input, Done done);

  const ClientStats& stats() const;
  // The URL requests for `service` in `region` go to.
  std::string endpoint(const Service& service, std::string_view region) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The error code as botocore extracts it from a JSON error body or X-Amzn-ErrorType header.
std::string json_error_code(std::string_view body, std::string_view error_type_header, std::string* message);
// Whether a code (or HTTP status) is worth retrying, and whether it means "slow down".
bool is_throttle_code(std::string_view code);
bool is_transient(std::string_view code, long status);
// Form encoding as the SDKs send it (RFC 3986 unreserved characters kept).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs);
// One path segment or query value, percent-encoded the same way.
std::string uri_encode(std::string_view value);

}  // namespace atrest::aws
