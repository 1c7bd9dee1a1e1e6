// Small text helpers shared by every layer: ASCII case folding and ARN parsing.
#pragma once

#include <string_view>

namespace atrest {

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive ASCII comparison: API enums are upper case, templates and users may not be.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// "arn:partition:service:region:account:resource".
struct Arn {
  std::string_view partition, service, region, account, resource;
};

inline bool parse_arn(std::string_view text, Arn& out) {
  if (!text.starts_with("arn:")) return false;
  std::string_view parts[5];
  size_t pos = 0;
  for (auto& part : parts) {
    const size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos) return false;
    part = text.substr(pos, colon - pos);
    pos = colon + 1;
  }
  out = Arn{parts[1], parts[2], parts[3], parts[4], text.substr(pos)};
  return true;
}

}  // namespace atrest
