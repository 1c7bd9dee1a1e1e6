// SigV4 header signing. The canonical form follows botocore 1.43's SigV4Auth (the non-S3
// signer) rule for rule, because AWS only accepts the request when both sides build the same
// canonical request byte for byte; tests/live/sigv4_differential.py checks that against botocore.
#include "sources/aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

namespace atrest::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

using Digest = std::array<unsigned char, 32>;

Digest hmac_sha256(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len) == nullptr ||
      len != out.size()) {
    throw std::runtime_error("sigv4: HMAC-SHA256 failed");
  }
  return out;
}

std::string_view as_view(const Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

// Python's str.isspace() set, as UTF-8: botocore trims header values with str.split(), so a
// no-break space or an ideographic space counts as whitespace too. Returns the byte length of
// the whitespace character at s[i], or 0.
size_t whitespace_at(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  unsigned c0 = b(0);
  if (c0 == ' ' || (c0 >= 0x09 && c0 <= 0x0d) || (c0 >= 0x1c && c0 <= 0x1f)) return 1;
  if (c0 == 0xc2 && (b(1) == 0x85 || b(1) == 0xa0)) return 2;  // U+0085, U+00A0
  if (c0 == 0xe1 && b(1) == 0x9a && b(2) == 0x80) return 3;    // U+1680
  if (c0 == 0xe2 && b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8a) ||  // U+2000..U+200A
                                     b(2) == 0xa8 || b(2) == 0xa9 ||    // U+2028, U+2029
                                     b(2) == 0xaf)) {                   // U+202F
    return 3;
  }
  if (c0 == 0xe2 && b(1) == 0x81 && b(2) == 0x9f) return 3;  // U+205F
  if (c0 == 0xe3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  return 0;
}

// SigV4 "Trimall": drop leading/trailing whitespace, collapse inner runs to one space.
std::string trim_all(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (size_t i = 0; i < v.size();) {
    if (size_t n = whitespace_at(v, i)) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += v[i++];
  }
  return out;
}

struct Url {
  std::string scheme;  // lower-cased
  std::string host;    // the Host header value botocore derives: lower-cased, :port only if non-default
  std::string path;
  std::string query;
};

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

// Splits as Python's urllib.parse.urlsplit does (netloc ends at the first of "/?#", then the
// fragment is cut, then the query), since botocore takes path and query from urlsplit.
Url split_url(std::string_view url) {
  Url out;
  if (size_t colon = url.find(':');
      colon != std::string_view::npos && colon > 0 &&
      ((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')) &&
      std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), is_scheme_char)) {
    out.scheme = lower(url.substr(0, colon));
    url.remove_prefix(colon + 1);
  }
  std::string_view authority;
  if (url.substr(0, 2) == "//") {
    size_t end = url.find_first_of("/?#", 2);
    if (end == std::string_view::npos) end = url.size();
    authority = url.substr(2, end - 2);
    url.remove_prefix(end);
  }
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    out.query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  out.path = std::string(url);

  // Host: userinfo dropped, host lower-cased, IPv6 literals keep their brackets.
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  std::string_view port;
  if (authority.substr(0, 1) == "[") {
    size_t close = authority.find(']');
    host = authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1);
    std::string_view rest = authority.substr(host.size());
    if (size_t c = rest.find(':'); c != std::string_view::npos) port = rest.substr(c + 1);
  } else if (size_t c = authority.find(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  out.host = lower(host);
  if (!port.empty()) {
    // Compared as a number (":0443" is the default for https) and written back without leading
    // zeros; something that is not a port is kept verbatim rather than guessed at.
    bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      out.host += ':';
      out.host += port;
    } else {
      unsigned long n = std::stoul(std::string(port));
      unsigned long default_port = out.scheme == "http" ? 80 : out.scheme == "https" ? 443 : 0;
      if (n != default_port || default_port == 0) {
        out.host += ':';
        out.host.append(std::to_string(n));
      }
    }
  }
  return out;
}

// RFC 3986 dot-segment removal, plus collapsing empty segments ("//"), which AWS requires; a
// trailing slash survives only when some segment is left.
std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> kept;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
    start = end + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i) out += '/';
    out += kept[i];
  }
  if (path.back() == '/' && !kept.empty()) out += '/';
  return out;
}

// Every byte except unreserved characters and '/' is %XX-encoded, '%' included: non-S3 services
// sign the already-encoded path encoded once more.
std::string encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c == '.' || c == '~' || c == '/';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// botocore neither decodes nor re-encodes a query taken from the URL: it splits on '&', splits
// each piece at its first '=' (a bare key gets an empty value, so "a" signs as "a="), sorts by
// (key, value) and rejoins. Byte order equals Python's code-point order for UTF-8.
std::string canonical_query(std::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t start = 0; start <= query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      pairs.emplace_back(piece, std::string_view{});
    } else {
      pairs.emplace_back(piece.substr(0, eq), piece.substr(eq + 1));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out.append(k).append("=").append(v);
  }
  return out;
}

// Hop-by-hop and proxy-rewritten headers botocore never signs (SIGNED_HEADERS_BLACKLIST):
// something between us and AWS may change them.
bool never_signed(std::string_view lname) {
  static constexpr std::string_view kSkip[] = {"connection",         "expect",
                                               "keep-alive",         "proxy-authenticate",
                                               "proxy-authorization", "te",
                                               "trailer",            "transfer-encoding",
                                               "upgrade",            "user-agent",
                                               "x-amzn-trace-id"};
  return std::find(std::begin(kSkip), std::end(kSkip), lname) != std::end(kSkip);
}

std::string amz_date(std::time_t now) {
  std::tm tm{};
  if (gmtime_r(&now, &tm) == nullptr) throw std::runtime_error("sigv4: time out of range");
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  if (n != 16) throw std::runtime_error("sigv4: time out of range");
  return std::string(buf, n);
}

// Drops what an earlier signing added (a retry is signed afresh with a new date, maybe new
// credentials), then adds this signing's date and token.
void prepare(HttpRequest& request, const Credentials& credentials, const std::string& date) {
  std::erase_if(request.headers, [](const auto& h) {
    return iequals(h.first, "authorization") || iequals(h.first, "x-amz-date") ||
           iequals(h.first, "x-amz-security-token");
  });
  request.headers.emplace_back("X-Amz-Date", date);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
}

struct Canonical {
  std::string request;
  std::string signed_headers;
};

Canonical canonical_request(const HttpRequest& request) {
  Url url = split_url(request.url);

  // Headers by lower-cased name (std::map sorts them); repeats of a name join with ',' in
  // request order.
  std::map<std::string, std::vector<std::string>> headers;
  const std::string* content_sha = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string lname = lower(name);
    if (lname == "x-amz-content-sha256" && content_sha == nullptr) content_sha = &value;
    if (!never_signed(lname)) headers[lname].push_back(value);
  }
  if (!headers.contains("host")) headers["host"].push_back(url.host);

  Canonical c;
  std::string method = request.method;
  std::transform(method.begin(), method.end(), method.begin(), ascii_upper);
  c.request = method + '\n' + encode_path(normalize_path(url.path)) + '\n' + canonical_query(url.query) + '\n';
  for (const auto& [name, values] : headers) {
    c.request += name;
    c.request += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) c.request += ',';
      c.request += trim_all(values[i]);
    }
    c.request += '\n';
    if (!c.signed_headers.empty()) c.signed_headers += ';';
    c.signed_headers += name;
  }
  c.request += '\n';
  c.request += c.signed_headers;
  c.request += '\n';
  // A caller-supplied payload hash (e.g. UNSIGNED-PAYLOAD) stands in for the body's, as in botocore.
  c.request += content_sha ? *content_sha : sha256_hex(request.body);
  return c;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) != 1 || len != d.size()) {
    throw std::runtime_error("sigv4: SHA-256 failed");
  }
  return hex(d.data(), d.size());
}

std::string canonical_request_v4(HttpRequest request, const Credentials& credentials, std::time_t now) {
  prepare(request, credentials, amz_date(now));
  return canonical_request(request).request;
}

void sign_v4(HttpRequest& request, const Credentials& credentials, std::string_view region,
             std::string_view service, std::time_t now) {
  const std::string date = amz_date(now);
  const std::string_view day = std::string_view(date).substr(0, 8);
  prepare(request, credentials, date);
  Canonical c = canonical_request(request);

  std::string scope;
  scope.append(day).append("/").append(region).append("/").append(service).append("/aws4_request");
  std::string to_sign;
  to_sign.append(kAlgorithm).append("\n").append(date).append("\n").append(scope).append("\n");
  to_sign += sha256_hex(c.request);

  Digest key = hmac_sha256("AWS4" + credentials.secret_access_key, day);
  key = hmac_sha256(as_view(key), region);
  key = hmac_sha256(as_view(key), service);
  key = hmac_sha256(as_view(key), "aws4_request");
  Digest sig = hmac_sha256(as_view(key), to_sign);

  std::string auth(kAlgorithm);
  auth.append(" Credential=").append(credentials.access_key_id).append("/").append(scope);
  auth.append(", SignedHeaders=").append(c.signed_headers);
  auth.append(", Signature=").append(hex(sig.data(), sig.size()));
  request.headers.emplace_back("Authorization", std::move(auth));
}

}  // namespace atrest::aws
