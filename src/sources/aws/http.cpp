// libcurl behind HttpClient: one multi handle drives every transfer on the calling thread, so
// connections are reused across requests and concurrency is a number, not a thread count.
#include "sources/aws/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <stdexcept>

namespace atrest::aws {

std::string HttpResponse::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One request's state while curl owns it.
struct Transfer {
  HttpRequest request;
  HttpResponse response;
  HttpClient::Done done;
  curl_slist* header_list = nullptr;
  size_t max_body = 0;
  bool body_too_large = false;
  std::chrono::steady_clock::time_point started;

  ~Transfer() { curl_slist_free_all(header_list); }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > t->max_body) {
    t->body_too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new response (after 100 Continue or a redirect)
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  t->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

void configure(CURL* easy, Transfer& t, const HttpConfig& config) {
  const HttpRequest& r = t.request;
  curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, config.connect_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, config.total_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!config.ca_bundle.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, config.ca_bundle.c_str());
  if (r.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  } else if (r.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (!r.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
  }
  for (const auto& [name, value] : r.headers) {
    std::string line = name + ": " + value;
    t.header_list = curl_slist_append(t.header_list, line.c_str());
  }
  // curl would otherwise add these: AWS signs the exact header set, and Expect costs a round trip.
  t.header_list = curl_slist_append(t.header_list, "Expect:");
  t.header_list = curl_slist_append(t.header_list, "Accept:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.header_list);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "atrest/" ATREST_VERSION);
  t.max_body = config.max_body_bytes;
  t.started = std::chrono::steady_clock::now();
}

void finish(CURL* easy, Transfer& t, CURLcode code) {
  t.response.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
  if (code == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t.response.status);
    return;
  }
  t.response.status = 0;
  t.response.transport_error = t.body_too_large ? "response body larger than the configured limit"
                                                : curl_easy_strerror(code);
}

}  // namespace

struct HttpClient::Impl {
  HttpConfig config;
  CURLM* multi = nullptr;
  std::deque<std::unique_ptr<Transfer>> waiting;
  std::map<CURL*, std::unique_ptr<Transfer>> active;
  std::vector<CURL*> idle_handles;  // reused: keeps per-handle caches (DNS, TLS session) warm
  struct Timer {
    std::chrono::steady_clock::time_point at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  uint64_t timer_seq = 0;
  size_t completed = 0;

  void start_waiting() {
    while (!waiting.empty() && active.size() < config.max_in_flight) {
      std::unique_ptr<Transfer> t = std::move(waiting.front());
      waiting.pop_front();
      if (t->request.prepare) {
        std::string error = t->request.prepare(t->request);
        if (!error.empty()) {
          t->response.local_error = std::move(error);
          ++completed;
          t->done(std::move(t->response));
          continue;
        }
      }
      CURL* easy = nullptr;
      if (!idle_handles.empty()) {
        easy = idle_handles.back();
        idle_handles.pop_back();
        curl_easy_reset(easy);
      } else {
        easy = curl_easy_init();
      }
      if (easy == nullptr) throw std::runtime_error("curl_easy_init failed");
      configure(easy, *t, config);
      curl_multi_add_handle(multi, easy);
      active.emplace(easy, std::move(t));
    }
  }

  void collect_done() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = active.find(easy);
      curl_multi_remove_handle(multi, easy);
      if (it == active.end()) {
        curl_easy_cleanup(easy);
        continue;
      }
      std::unique_ptr<Transfer> t = std::move(it->second);
      active.erase(it);
      idle_handles.push_back(easy);
      finish(easy, *t, code);
      ++completed;
      // The callback may submit more work; it runs after curl let go of this transfer.
      t->done(std::move(t->response));
    }
  }

  void fire_timers() {
    auto now = std::chrono::steady_clock::now();
    while (!timers.empty() && timers.top().at <= now) {
      std::function<void()> fn = timers.top().fn;
      timers.pop();
      fn();
    }
  }
};

HttpClient::HttpClient(HttpConfig config) : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->config = std::move(config);
  if (impl_->config.max_in_flight == 0) impl_->config.max_in_flight = 1;
  impl_->multi = curl_multi_init();
  if (impl_->multi == nullptr) throw std::runtime_error("curl_multi_init failed");
  // Many requests to one host share a few connections instead of opening one each.
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(impl_->config.max_in_flight));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(impl_->config.max_in_flight));
}

HttpClient::~HttpClient() {
  for (auto& [easy, t] : impl_->active) {
    curl_multi_remove_handle(impl_->multi, easy);
    curl_easy_cleanup(easy);
  }
  for (CURL* easy : impl_->idle_handles) curl_easy_cleanup(easy);
  curl_multi_cleanup(impl_->multi);
}

void HttpClient::submit(HttpRequest request, Done done, bool urgent) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  if (urgent) {
    impl_->waiting.push_front(std::move(t));
  } else {
    impl_->waiting.push_back(std::move(t));
  }
}

void HttpClient::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  impl_->timers.push({std::chrono::steady_clock::now() + delay, impl_->timer_seq++, std::move(fn)});
}

void HttpClient::run() {
  Impl& m = *impl_;
  for (;;) {
    m.fire_timers();
    m.start_waiting();
    if (m.active.empty() && m.waiting.empty()) {
      if (m.timers.empty()) return;
      auto wait = m.timers.top().at - std::chrono::steady_clock::now();
      if (wait > std::chrono::steady_clock::duration::zero()) {
        // Nothing in flight: sleep until the next timer (curl_multi_poll sleeps for us).
        int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + 1;
        curl_multi_poll(m.multi, nullptr, 0, ms, nullptr);
      }
      continue;
    }
    int running = 0;
    curl_multi_perform(m.multi, &running);
    m.collect_done();
    if (running > 0) {
      int timeout_ms = 100;
      if (!m.timers.empty()) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(m.timers.top().at -
                                                                          std::chrono::steady_clock::now());
        timeout_ms = static_cast<int>(std::clamp<long long>(wait.count() + 1, 0, 100));
      }
      curl_multi_poll(m.multi, nullptr, 0, timeout_ms, nullptr);
    }
  }
}

size_t HttpClient::in_flight() const { return impl_->active.size(); }
size_t HttpClient::completed() const { return impl_->completed; }

HttpResponse http_fetch(const HttpRequest& request, const HttpConfig& config) {
  global_init();
  Transfer t;
  t.request = request;
  if (t.request.prepare) {
    if (std::string error = t.request.prepare(t.request); !error.empty()) {
      t.response.local_error = std::move(error);
      return t.response;
    }
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    t.response.transport_error = "curl_easy_init failed";
    return t.response;
  }
  configure(easy, t, config);
  CURLcode code = curl_easy_perform(easy);
  finish(easy, t, code);
  curl_easy_cleanup(easy);
  return std::move(t.response);
}

}  // namespace atrest::aws
