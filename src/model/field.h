// Field<T>: one resource property as a source saw it. A field is either a value, absent (the
// source was read and the property is not set), or unknown with a reason (the value could not be
// determined). Checks decide what "absent" means from the service's documented default; "unknown"
// always becomes an UNKNOWN finding, never PASS or FAIL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace atrest {

// Interns short, repeated strings (reasons, file paths, accounts, regions) so that a million
// resources share one copy. The returned pointer lives until the process ends.
const std::string* intern(std::string_view s);

template <class T>
class Field {
 public:
  Field() = default;  // unknown, "not provided by the source"

  static Field known(T v) {
    Field f;
    f.state_ = State::kKnown;
    f.value_ = std::move(v);
    return f;
  }
  static Field absent() {
    Field f;
    f.state_ = State::kAbsent;
    return f;
  }
  static Field unknown(std::string_view reason) {
    Field f;
    f.state_ = State::kUnknown;
    f.reason_ = intern(reason);
    return f;
  }

  bool is_known() const { return state_ == State::kKnown; }
  bool is_absent() const { return state_ == State::kAbsent; }
  bool is_unknown() const { return state_ == State::kUnknown; }

  // Where the value was written (IaC sources); 0 when the source has no positions.
  Field& at(uint32_t line, uint32_t column) {
    line_ = line;
    column_ = column;
    return *this;
  }
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }

  const T& value() const { return value_; }
  T value_or(T fallback) const { return is_known() ? value_ : std::move(fallback); }
  std::string_view reason() const {
    return reason_ ? std::string_view(*reason_) : std::string_view("not provided by the source");
  }

 private:
  enum class State : unsigned char { kUnknown, kAbsent, kKnown };
  State state_ = State::kUnknown;
  uint32_t line_ = 0;
  uint32_t column_ = 0;
  T value_{};
  const std::string* reason_ = nullptr;
};

}  // namespace atrest
