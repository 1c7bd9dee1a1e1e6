#include "sources/snapshot/fields.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "util/text.h"

namespace atrest::snapshot {

const char* type_word(element e) {
  switch (e.type()) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

Field<std::string> string_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<std::string>::absent();
  std::string_view v;
  if (e.get(v) == simdjson::SUCCESS) return Field<std::string>::known(std::string(v));
  return Field<std::string>::unknown(fmt::format("{} is {}, not a string", key, type_word(e)));
}

Field<bool> bool_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<bool>::absent();
  bool b;
  if (e.get(b) == simdjson::SUCCESS) return Field<bool>::known(b);
  std::string_view v;
  if (e.get(v) == simdjson::SUCCESS) {
    if (iequals(v, "true")) return Field<bool>::known(true);
    if (iequals(v, "false")) return Field<bool>::known(false);
  }
  return Field<bool>::unknown(fmt::format("{} is {}, not a boolean", key, type_word(e)));
}

Field<int64_t> int_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<int64_t>::absent();
  int64_t i;
  if (e.get(i) == simdjson::SUCCESS) return Field<int64_t>::known(i);
  double d;
  if (e.get(d) == simdjson::SUCCESS && std::floor(d) == d && std::fabs(d) < 9e15) {
    return Field<int64_t>::known(static_cast<int64_t>(d));
  }
  return Field<int64_t>::unknown(fmt::format("{} is {}, not an integer", key, type_word(e)));
}

Field<std::string> time_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<std::string>::absent();
  double t;
  if (parse_time(e, t)) return Field<std::string>::known(format_time(t));
  return Field<std::string>::unknown(fmt::format("{} is not a timestamp", key));
}

void infer_sse_type(DynamoDbTable& t) {
  if (!t.sse_type.is_absent()) return;
  if (t.kms_key_arn.is_known()) {
    t.sse_type = Field<std::string>::known("KMS");
  } else {
    t.sse_type = Field<std::string>::unknown("SSEDescription reports no SSEType and no key");
  }
}

namespace {

bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t k = at; k < at + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    out = out * 10 + (s[k] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

bool parse_time(element e, double& out) {
  double num;
  if (e.get(num) == simdjson::SUCCESS) {
    out = num > 1e11 ? num / 1000.0 : num;
    return out >= 0 && out < 253402300800.0;  // 1970 to 9999: anything else is not a timestamp
  }
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) return false;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return false;
  }
  size_t i = 10;
  double frac = 0;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    if (!digits(s, i + 1, 2, h) || s.size() < i + 9 || s[i + 3] != ':' || !digits(s, i + 4, 2, mi) ||
        s[i + 6] != ':' || !digits(s, i + 7, 2, sec)) {
      return false;
    }
    i += 9;
    if (i < s.size() && s[i] == '.') {
      double scale = 0.1;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) frac += (s[i] - '0') * scale;
    }
  }
  int offset_minutes = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om = 0;
      if (!digits(s, i + 1, 2, oh)) return false;
      size_t j = i + 3;
      if (j < s.size() && s[j] == ':') ++j;
      if (j < s.size() && !digits(s, j, 2, om)) return false;
      offset_minutes = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
      i = j + (j < s.size() ? 2 : 0);
    }
  }
  if (i != s.size()) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  out = static_cast<double>(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) + frac -
        offset_minutes * 60.0;
  return true;
}

std::string format_time(double epoch_seconds) {
  const auto whole = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace atrest::snapshot
