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

Field<std::vector<std::string>> string_list_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<std::vector<std::string>>::absent();
  array list;
  std::string_view one;
  if (e.get(one) == simdjson::SUCCESS) return Field<std::vector<std::string>>::known({std::string(one)});
  if (e.get(list) != simdjson::SUCCESS) {
    return Field<std::vector<std::string>>::unknown(fmt::format("{} is {}, not a list", key, type_word(e)));
  }
  std::vector<std::string> values;
  for (element item : list) {
    std::string_view v;
    if (item.get(v) != simdjson::SUCCESS) {
      return Field<std::vector<std::string>>::unknown(fmt::format("{} holds {}, not a string", key, type_word(item)));
    }
    values.emplace_back(v);
  }
  return Field<std::vector<std::string>>::known(std::move(values));
}

Field<std::vector<Tag>> tags_value(element e, std::string_view what) {
  std::vector<Tag> tags;
  object map;
  array list;
  if (e.get(map) == simdjson::SUCCESS) {
    for (auto [key, value] : map) {
      std::string_view v;
      tags.push_back(Tag{std::string(key), value.get(v) == simdjson::SUCCESS
                                               ? Field<std::string>::known(std::string(v))
                                               : Field<std::string>::unknown(fmt::format("{} value is not a string", what))});
    }
    return Field<std::vector<Tag>>::known(std::move(tags));
  }
  if (e.get(list) != simdjson::SUCCESS) {
    return Field<std::vector<Tag>>::unknown(fmt::format("{} is {}, not a list of tags", what, type_word(e)));
  }
  for (element item : list) {
    object tag;
    if (item.get(tag) != simdjson::SUCCESS) {
      return Field<std::vector<Tag>>::unknown(fmt::format("{} holds {}, not a tag", what, type_word(item)));
    }
    Field<std::string> key = string_field(tag, "Key", true);
    Field<std::string> value = string_field(tag, "Value", true);
    if (key.is_absent()) key = string_field(tag, "tagKey", true);
    if (value.is_absent()) value = string_field(tag, "tagValue", true);
    if (!key.is_known()) {
      return Field<std::vector<Tag>>::unknown(fmt::format("{} holds a tag without a key", what));
    }
    // A tag's value may be empty; a missing one is an empty value too (AWS never omits it).
    if (value.is_absent()) value = Field<std::string>::known("");
    tags.push_back(Tag{key.value(), std::move(value)});
  }
  return Field<std::vector<Tag>>::known(std::move(tags));
}

Field<std::vector<Tag>> tags_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<std::vector<Tag>>::absent();
  return tags_value(e, key);
}

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Field<std::string> document_value(element e, std::string_view what) {
  std::string_view text;
  if (e.get(text) == simdjson::SUCCESS) {
    // URL-encoded JSON starts with "%7B" ({), or with encoded blanks ("%0A%7B") when the author's
    // text had them; decoded JSON with '{' after optional blanks.
    if (text.starts_with('%')) {
      std::string decoded = percent_decode(text);
      const size_t first = decoded.find_first_not_of(" \t\r\n");
      if (first != std::string::npos && decoded[first] == '{') return Field<std::string>::known(std::move(decoded));
    }
    return Field<std::string>::known(std::string(text));
  }
  if (e.type() == element_type::OBJECT || e.type() == element_type::ARRAY) {
    return Field<std::string>::known(simdjson::minify(e));
  }
  return Field<std::string>::unknown(fmt::format("{} is {}, not a policy document", what, type_word(e)));
}

Field<std::string> document_field(object o, std::string_view key, bool ci) {
  element e;
  if (!present(o, key, e, ci)) return Field<std::string>::absent();
  return document_value(e, key);
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
