#include "sources/snapshot/json_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace atrest {
char* JsonBuffer::reserve(size_t n) {
  if (n + simdjson::SIMDJSON_PADDING > capacity_) {
    const size_t cap = std::max(n, capacity_ * 2) + simdjson::SIMDJSON_PADDING;
    std::unique_ptr<char[]> bigger(new char[cap]);
    if (size_ > 0) std::memcpy(bigger.get(), buf_.get(), size_);
    buf_ = std::move(bigger);
    capacity_ = cap;
  }
  return buf_.get();
}

void JsonBuffer::resize(size_t n) {
  reserve(n);
  size_ = n;
  std::memset(buf_.get() + n, 0, simdjson::SIMDJSON_PADDING);
}

void JsonBuffer::drop_prefix(size_t n) {
  std::memmove(buf_.get(), buf_.get() + n, size_ - n);
  resize(size_ - n);
}

namespace {

constexpr uint64_t kMaxFileBytes = uint64_t{4} << 30;

// Reads the whole file into out (starting at offset 0).
std::string read_file(const std::string& path, JsonBuffer& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::strerror(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return "not a regular file";  // devices and FIFOs never end, or block
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) {
    ::close(fd);
    return "larger than 4 GiB; refusing to read it";
  }
  const bool sized = st.st_size > 0;
  size_t expected = sized ? static_cast<size_t>(st.st_size) : 65536;
  out.resize(0);
  size_t len = 0;
  std::string err;
  while (true) {
    char* buf = out.reserve(std::max(expected, len + 65536));
    const ssize_t n = ::read(fd, buf + len, std::max(expected, len + 65536) - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = std::strerror(errno);
      break;
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
    out.resize(len);
  }
  ::close(fd);
  out.resize(len);
  return err;
}

// A compressed file may not expand beyond this (AWS Config delivers at most ~150 MB files):
// a gzip bomb is an error, not an out-of-memory kill.
constexpr size_t kMaxInflated = size_t{1} << 30;

std::string gunzip(std::string_view compressed, JsonBuffer& out) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return "cannot initialise zlib";
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  out.resize(0);
  size_t len = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char* buf = out.reserve(len + std::max<size_t>(compressed.size() * 4, 1 << 16));
    const size_t room = std::max<size_t>(compressed.size() * 4, 1 << 16);
    zs.next_out = reinterpret_cast<Bytef*>(buf + len);
    zs.avail_out = static_cast<uInt>(room);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    len += room - zs.avail_out;
    out.resize(len);
    if (len > kMaxInflated) {
      inflateEnd(&zs);
      return "1:1: decompresses to more than 1 GiB; refusing to read it";
    }
    // Concatenated gzip members: keep going.
    if (rc == Z_STREAM_END && zs.avail_in > 0) rc = inflateReset(&zs);
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return "corrupt or truncated gzip data";
  return {};
}

}  // namespace

std::string load_json_text(const std::string& path, JsonBuffer& out) {
  if (std::string err = read_file(path, out); !err.empty()) return err;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(out.data()[i]); };
  if (out.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) {
    const std::string compressed(out.view());
    if (std::string err = gunzip(compressed, out); !err.empty()) return err;
  }
  if (out.size() >= 2 && ((byte(0) == 0xff && byte(1) == 0xfe) || (byte(0) == 0xfe && byte(1) == 0xff))) {
    return "1:1: the file is UTF-16 encoded (as Windows PowerShell redirects write it); save it "
           "as UTF-8";
  }
  if (out.view().starts_with("\xEF\xBB\xBF")) out.drop_prefix(3);
  return {};
}

std::string locate_json_error(std::string_view s, size_t max_depth) {
  size_t i = 0, line = 1, line_start = 0;
  auto where = [&](size_t at, const std::string& msg) {
    // Recount up to `at` (cheap, error path only).
    line = 1;
    line_start = 0;
    for (size_t k = 0; k < at && k < s.size(); ++k) {
      if (s[k] == '\n') {
        ++line;
        line_start = k + 1;
      }
    }
    return std::to_string(line) + ":" + std::to_string(at - line_start + 1) + ": " + msg;
  };
  auto skip_ws = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  };
  // Stack of open containers; for objects, whether a key is expected next.
  std::vector<char> stack;
  enum class Expect { kValue, kKeyOrClose, kKey, kColon, kCommaOrClose, kEnd } expect = Expect::kValue;
  bool first_in_array = false;
  while (true) {
    skip_ws();
    if (i >= s.size()) {
      if (expect == Expect::kEnd) return {};
      return where(i, s.empty() ? "the file is empty" : "unexpected end of file (truncated?)");
    }
    const char c = s[i];
    switch (expect) {
      case Expect::kEnd:
        return where(i, "unexpected text after the JSON document");
      case Expect::kColon:
        if (c != ':') return where(i, "expected ':' after an object key");
        ++i;
        expect = Expect::kValue;
        continue;
      case Expect::kCommaOrClose: {
        const char open = stack.back();
        if (c == ',') {
          ++i;
          expect = open == '{' ? Expect::kKey : Expect::kValue;
          first_in_array = false;
          continue;
        }
        if ((open == '{' && c == '}') || (open == '[' && c == ']')) {
          ++i;
          stack.pop_back();
          expect = stack.empty() ? Expect::kEnd : Expect::kCommaOrClose;
          continue;
        }
        return where(i, open == '{' ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array");
      }
      case Expect::kKeyOrClose:
        if (c == '}') {
          ++i;
          stack.pop_back();
          expect = stack.empty() ? Expect::kEnd : Expect::kCommaOrClose;
          continue;
        }
        [[fallthrough]];
      case Expect::kKey:
        if (c != '"') return where(i, "expected a string key in an object");
        break;  // parsed as a string below
      case Expect::kValue:
        if (c == ']' && first_in_array) {
          ++i;
          stack.pop_back();
          first_in_array = false;
          expect = stack.empty() ? Expect::kEnd : Expect::kCommaOrClose;
          continue;
        }
        break;
    }
    // A value (or a key string).
    const bool is_key = expect == Expect::kKey || expect == Expect::kKeyOrClose;
    first_in_array = false;
    if (c == '"') {
      const size_t start = i++;
      while (true) {
        if (i >= s.size()) return where(start, "unterminated string");
        const unsigned char ch = static_cast<unsigned char>(s[i]);
        if (ch == '"') break;
        if (ch < 0x20) return where(i, "control character inside a string");
        if (ch == '\\') {
          if (i + 1 >= s.size()) return where(start, "unterminated string");
          const char e = s[i + 1];
          if (e == 'u') {
            for (size_t k = 2; k < 6; ++k) {
              if (i + k >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + k]))) {
                return where(i, "invalid \\u escape");
              }
            }
            i += 6;
            continue;
          }
          if (std::strchr("\"\\/bfnrt", e) == nullptr) return where(i, "invalid escape sequence");
          i += 2;
          continue;
        }
        ++i;
      }
      ++i;
      expect = is_key ? Expect::kColon : (stack.empty() ? Expect::kEnd : Expect::kCommaOrClose);
      continue;
    }
    if (c == '{' || c == '[') {
      if (stack.size() >= max_depth) {
        return where(i, "nesting deeper than " + std::to_string(max_depth) + " levels");
      }
      stack.push_back(c);
      ++i;
      expect = c == '{' ? Expect::kKeyOrClose : Expect::kValue;
      first_in_array = c == '[';
      continue;
    }
    auto literal = [&](std::string_view word) {
      if (s.substr(i, word.size()) != word) return false;
      i += word.size();
      return true;
    };
    if (literal("true") || literal("false") || literal("null")) {
      expect = stack.empty() ? Expect::kEnd : Expect::kCommaOrClose;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      const size_t start = i;
      if (s[i] == '-') ++i;
      size_t digits = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
      if (digits == 0) return where(start, "invalid number");
      if (i < s.size() && s[i] == '.') {
        ++i;
        size_t frac = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac;
        if (frac == 0) return where(start, "invalid number");
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        size_t exp = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
        if (exp == 0) return where(start, "invalid number");
      }
      expect = stack.empty() ? Expect::kEnd : Expect::kCommaOrClose;
      continue;
    }
    return where(i, "not JSON: unexpected character");
  }
}

}  // namespace atrest
