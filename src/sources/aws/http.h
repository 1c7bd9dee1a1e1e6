// HTTP for the live source, on libcurl. HttpClient runs many requests at once on one thread
// (curl multi: connection reuse, bounded in-flight count) and completes them through callbacks;
// http_fetch is the blocking form for the few calls made before a scan starts (credentials).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace atrest::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;      // scheme://host[:port]/path[?query]
  Headers headers;      // sent as given; Host is derived from url by curl
  std::string body;
  // Runs just before the request goes to the wire (signing: a request that waited in the queue
  // must not carry an old date). A non-empty result fails the request with that local error.
  std::function<std::string(HttpRequest&)> prepare;
};

struct HttpResponse {
  long status = 0;              // 0 when no response arrived
  Headers headers;              // names lower-cased
  std::string body;
  std::string transport_error;  // non-empty when no complete response arrived (reset, timeout, DNS)
  std::string local_error;      // non-empty when the request was never sent (prepare failed)
  double seconds = 0;           // wall time of the exchange

  // The first header of that (lower-case) name, or empty.
  std::string header(std::string_view lower_name) const;
};

struct HttpConfig {
  std::string ca_bundle;           // AWS_CA_BUNDLE; empty: the system's
  long connect_timeout_ms = 5000;
  long total_timeout_ms = 60000;
  size_t max_in_flight = 64;       // --max-concurrency
  size_t max_body_bytes = 32u << 20;  // a larger body is a transport error, not an OOM; AWS pages are small
};

class HttpClient {
 public:
  explicit HttpClient(HttpConfig config);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Done = std::function<void(HttpResponse)>;
  // Queues a request; `done` runs on the thread calling run(), once. An urgent request goes
  // ahead of those waiting (list pages, which the critical path runs through).
  void submit(HttpRequest request, Done done, bool urgent = false);
  // Runs `fn` on the run() thread after `delay` (retries' backoff).
  void after(std::chrono::milliseconds delay, std::function<void()> fn);
  // Drives transfers and timers until nothing is queued, in flight or scheduled.
  void run();

  size_t in_flight() const;
  size_t completed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One blocking exchange (credential providers, before the scan's event loop starts).
HttpResponse http_fetch(const HttpRequest& request, const HttpConfig& config);

}  // namespace atrest::aws
