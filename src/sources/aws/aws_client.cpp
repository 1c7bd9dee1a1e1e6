#include "sources/aws/aws_client.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <deque>

#include "sources/aws/sigv4.h"
#include "sources/aws/xml_json.h"

namespace atrest::aws {

namespace {

constexpr std::array<std::string_view, 14> kThrottleCodes = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException"};
constexpr std::array<std::string_view, 5> kTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "TransportError",
    "InvalidResponse"};

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void percent_encode(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

std::string cut_message(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 300)) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

using Clock = std::chrono::steady_clock;

// Client-side rate and retry budget for one service, region and account (the SDKs keep one
// per client). The rate is off until the first throttle, then decreases multiplicatively on
// throttling and increases additively on success (AIMD); while it is on, calls wait in a queue
// drained at the current rate, so a later increase speeds up calls already waiting.
struct RateLimiter {
  bool enabled = false;
  double rate = 0;  // requests per second
  Clock::time_point next_free{};
  Clock::time_point window_start{};
  int sent_in_window = 0;
  double last_window_rate = 0;
  int retry_tokens = 500;  // standard mode's retry quota
  bool timer_armed = false;

  void count_send(Clock::time_point now) {
    if (now - window_start >= std::chrono::seconds(1)) {
      double secs = std::chrono::duration<double>(now - window_start).count();
      last_window_rate = secs < 2 ? sent_in_window / secs : 0;
      window_start = now;
      sent_in_window = 0;
    }
    ++sent_in_window;
    if (enabled) {
      if (next_free < now) next_free = now;
      next_free += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
    }
  }
  double measured_rate(Clock::time_point now) const {
    double secs = std::max(0.001, std::chrono::duration<double>(now - window_start).count());
    return std::max(last_window_rate, sent_in_window / std::max(secs, 1.0));
  }
  void on_throttle(Clock::time_point now) {
    double base = enabled ? std::min(rate, measured_rate(now)) : measured_rate(now);
    rate = std::max(0.5, base * 0.7);
    enabled = true;
  }
  void on_success() {
    if (!enabled) return;
    rate += 1.0 / std::max(rate, 1.0);  // about +1 request/s per second of successes
    if (rate > 2000) enabled = false;
  }
};

}  // namespace

std::string CallResult::describe(const Operation& op, std::string_view region) const {
  std::string where = op.service->global_region != nullptr ? std::string() : fmt::format(" in {}", region);
  std::string status_text = status > 0 ? fmt::format(" (HTTP {})", status) : std::string();
  std::string tries = attempts > 1 ? fmt::format(" after {} attempts", attempts) : std::string();
  return fmt::format("{}:{}{}: {}{}{}{}", op.service->id, op.name, where, error_code, status_text,
                     error_message.empty() ? std::string() : ": " + error_message, tries);
}

std::string json_error_code(std::string_view body, std::string_view error_type_header, std::string* message) {
  std::string code;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!body.empty() && parser.parse(body.data(), body.size(), true).get(doc) == simdjson::SUCCESS) {
    std::string_view v;
    if (doc["__type"].get(v) == simdjson::SUCCESS) code = v;
    if (message != nullptr) {
      if (doc["message"].get(v) == simdjson::SUCCESS || doc["Message"].get(v) == simdjson::SUCCESS) {
        *message = cut_message(v);
      }
    }
  }
  if (code.empty()) code = error_type_header;
  size_t colon = code.find(':');
  if (colon != std::string::npos) code.resize(colon);
  size_t hash = code.rfind('#');
  if (hash != std::string::npos) code.erase(0, hash + 1);
  return code;
}

bool is_throttle_code(std::string_view code) {
  return std::find(kThrottleCodes.begin(), kThrottleCodes.end(), code) != kThrottleCodes.end();
}

bool is_transient(std::string_view code, long status) {
  if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504) return true;
  return std::find(kTransientCodes.begin(), kTransientCodes.end(), code) != kTransientCodes.end();
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    percent_encode(out, k);
    out += '=';
    percent_encode(out, v);
  }
  return out;
}

std::string uri_encode(std::string_view value) {
  std::string out;
  percent_encode(out, value);
  return out;
}

struct AwsClient::Impl {
  HttpClient& http;
  ClientOptions options;
  ClientStats stats;
  std::map<std::string, RateLimiter> limiters;
  std::mt19937_64 rng{std::random_device{}()};
  simdjson::dom::parser validator;

  Impl(HttpClient& h, ClientOptions o) : http(h), options(std::move(o)) {}

  std::string endpoint(const Service& service, std::string_view region) const {
    if (options.endpoint_override) {
      std::string e = options.endpoint_override(service);
      if (!e.empty()) return e;
    }
    if (!options.endpoint_url.empty()) return options.endpoint_url;
    return default_endpoint(service, region);
  }

  struct Attempt {
    Target target;
    const Operation* op;
    CallInput input;
    Done done;
    int attempt = 0;
    int retry_cost = 0;  // tokens taken for the retry in progress
    std::string limiter_key;
    std::string credential_error;  // set when signing failed
  };
  // Calls waiting for their limiter's rate, per limiter key.
  std::map<std::string, std::deque<std::shared_ptr<Attempt>>> waiting;

  void log(const std::string& line) {
    if (options.log) options.log(line);
  }

  HttpRequest build(const std::shared_ptr<Attempt>& a) {
    const Service& s = *a->op->service;
    std::string sign_region = global_signing_region(s, a->target.region);
    HttpRequest req;
    req.url = endpoint(s, a->target.region);
    if (s.protocol == Protocol::kRestJson) {
      // The input is the path and query: a GET with no body.
      while (!req.url.empty() && req.url.back() == '/') req.url.pop_back();
      req.url += a->input.path;
      req.method = "GET";
    } else if (!req.url.empty() && req.url.back() != '/' && req.url.find('/', req.url.find("//") + 2) == std::string::npos) {
      req.url += '/';
    }
    if (s.protocol == Protocol::kJson10 || s.protocol == Protocol::kJson11) {
      req.headers.emplace_back("Content-Type", s.protocol == Protocol::kJson10 ? "application/x-amz-json-1.0"
                                                                              : "application/x-amz-json-1.1");
      req.headers.emplace_back("X-Amz-Target", std::string(s.target_prefix) + "." + a->op->name);
      req.body = a->input.json;
    } else if (s.protocol == Protocol::kQuery || s.protocol == Protocol::kEc2) {
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
      std::vector<std::pair<std::string, std::string>> form = {{"Action", a->op->name}, {"Version", s.api_version}};
      form.insert(form.end(), a->input.form.begin(), a->input.form.end());
      req.body = form_encode(form);
    }
    // Signed when it leaves the queue, with credentials valid then (they refresh themselves).
    req.prepare = [this, a, sign_region](HttpRequest& r) -> std::string {
      Credentials creds;
      try {
        creds = a->target.credentials->get();
      } catch (const std::exception& e) {
        a->credential_error = e.what();
        return a->credential_error;
      }
      sign_v4(r, creds, sign_region, a->op->service->id, options.now());
      return {};
    };
    return req;
  }

  void start(std::shared_ptr<Attempt> a) {
    RateLimiter& limiter = limiters[a->limiter_key];
    if (!limiter.enabled) {
      send(a);
      return;
    }
    const std::string key = a->limiter_key;
    auto& queue = waiting[key];
    if (a->input.urgent) {
      queue.push_front(std::move(a));
    } else {
      queue.push_back(std::move(a));
    }
    arm(limiter, key);
  }

  // One timer per limiter: sends what the current rate allows, then waits for the next slot.
  void arm(RateLimiter& limiter, const std::string& key) {
    if (limiter.timer_armed) return;
    auto& queue = waiting[key];
    if (queue.empty()) return;
    limiter.timer_armed = true;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(limiter.next_free - Clock::now());
    http.after(std::max(wait, std::chrono::milliseconds(0)), [this, key] { drain(key); });
  }

  void drain(const std::string& key) {
    RateLimiter& limiter = limiters[key];
    limiter.timer_armed = false;
    auto& queue = waiting[key];
    while (!queue.empty() && (!limiter.enabled || limiter.next_free <= Clock::now())) {
      std::shared_ptr<Attempt> a = std::move(queue.front());
      queue.pop_front();
      send(a);
    }
    arm(limiter, key);
  }

  void send(std::shared_ptr<Attempt> a) {
    ++a->attempt;
    ++stats.attempts;
    limiters[a->limiter_key].count_send(Clock::now());
    HttpRequest req = build(a);
    http.submit(std::move(req), [this, a](HttpResponse resp) { on_response(a, std::move(resp)); }, a->input.urgent);
  }

  CallResult interpret(const Attempt& a, HttpResponse& resp) {
    CallResult r;
    r.status = resp.status;
    r.attempts = a.attempt;
    const Service& s = *a.op->service;
    bool json = s.protocol == Protocol::kJson10 || s.protocol == Protocol::kJson11 || s.protocol == Protocol::kRestJson;
    if (!resp.transport_error.empty()) {
      r.error_code = "TransportError";
      r.error_message = resp.transport_error;
      return r;
    }
    if (resp.status >= 200 && resp.status < 300) {
      if (json) {
        simdjson::dom::element doc;
        simdjson::padded_string padded(resp.body);
        if (validator.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
          r.error_code = "InvalidResponse";
          r.error_message = "the body is not a JSON object";
          return r;
        }
        r.ok = true;
        r.json = std::move(resp.body);
        return r;
      }
      std::optional<std::string> converted = query_xml_to_json(resp.body, a.op->name);
      if (!converted) {
        r.error_code = "InvalidResponse";
        r.error_message = fmt::format("the body is not a {}Response document", a.op->name);
        return r;
      }
      r.ok = true;
      r.json = std::move(*converted);
      return r;
    }
    if (s.protocol == Protocol::kRestJson) {
      // REST services name the error in the header first (botocore's rest-json parser), else
      // in the body's code.
      std::string header = resp.header("x-amzn-errortype");
      r.error_code = json_error_code(resp.body, header, &r.error_message);
      if (!header.empty()) {
        r.error_code = json_error_code("", header, nullptr);
      } else if (r.error_code.empty()) {
        simdjson::dom::element doc;
        simdjson::padded_string padded(resp.body);
        std::string_view code;
        if (validator.parse(padded).get(doc) == simdjson::SUCCESS &&
            (doc["code"].get(code) == simdjson::SUCCESS || doc["Code"].get(code) == simdjson::SUCCESS)) {
          r.error_code = code;
        }
      }
    } else if (json) {
      r.error_code = json_error_code(resp.body, resp.header("x-amzn-errortype"), &r.error_message);
    } else if (std::optional<XmlError> e = parse_xml_error(resp.body)) {
      r.error_code = e->code;
      r.error_message = cut_message(e->message);
    }
    if (r.error_code.empty()) {
      r.error_code = fmt::format("HttpError{}", resp.status);
      r.error_message = "the body is not an AWS error document";
    }
    return r;
  }

  void on_response(std::shared_ptr<Attempt> a, HttpResponse resp) {
    if (!resp.local_error.empty()) {
      CallResult r;
      r.error_code = "CredentialError";
      r.error_message = a->credential_error.empty() ? resp.local_error : a->credential_error;
      r.attempts = a->attempt;
      ++stats.failed;
      a->done(std::move(r));
      return;
    }
    CallResult r = interpret(*a, resp);
    RateLimiter& limiter = limiters[a->limiter_key];
    if (options.log) {
      log(fmt::format("aws {} {} {} {} {} {:.0f} ms attempt {}{}", a->target.account.empty() ? "-" : a->target.account,
                      a->target.region, a->op->service->id, a->op->name,
                      resp.status > 0 ? std::to_string(resp.status) : std::string("-"), resp.seconds * 1000,
                      a->attempt, r.ok ? std::string() : " " + r.error_code));
    }
    if (r.ok) {
      limiter.on_success();
      limiter.retry_tokens = std::min(500, limiter.retry_tokens + (a->retry_cost > 0 ? a->retry_cost : 1));
      a->done(std::move(r));
      return;
    }
    bool throttled = is_throttle_code(r.error_code) || resp.status == 429;
    if (throttled) {
      ++stats.throttled;
      limiter.on_throttle(Clock::now());
    }
    bool retryable = throttled || is_transient(r.error_code, r.status);
    int cost = r.error_code == "TransportError" && resp.transport_error.find("imeout") != std::string::npos ? 10 : 5;
    if (retryable && a->attempt < options.max_attempts && limiter.retry_tokens >= cost) {
      limiter.retry_tokens -= cost;
      a->retry_cost = cost;
      ++stats.retries;
      double cap = std::min(options.backoff_base_seconds * std::pow(2.0, a->attempt - 1), 20.0);
      double delay = std::uniform_real_distribution<double>(0, cap)(rng);
      http.after(std::chrono::milliseconds(static_cast<long long>(delay * 1000)), [this, a] { start(a); });
      return;
    }
    ++stats.failed;
    a->done(std::move(r));
  }
};

AwsClient::AwsClient(HttpClient& http, ClientOptions options)
    : impl_(std::make_unique<Impl>(http, std::move(options))) {}
AwsClient::~AwsClient() = default;

void AwsClient::call(const Target& target, const Operation& op, CallInput input, Done done) {
  ++impl_->stats.calls;
  auto a = std::make_shared<Impl::Attempt>();
  a->target = target;
  a->op = &op;
  a->input = std::move(input);
  a->done = std::move(done);
  a->limiter_key = target.account + '/' + target.region + '/' + op.service->id;
  impl_->start(std::move(a));
}

const ClientStats& AwsClient::stats() const { return impl_->stats; }

std::string AwsClient::endpoint(const Service& service, std::string_view region) const {
  return impl_->endpoint(service, region);
}

}  // namespace atrest::aws
