// The interface between the engine and one check. A check reads the inventory and reports a
// verdict per resource through its CheckContext; it never knows which source a resource came from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/finding.h"
#include "checks/settings.h"
#include "model/inventory.h"
#include "util/text.h"

namespace atrest {

class CheckContext {
 public:
  CheckContext(const CheckMeta& meta, const Inventory& inventory, const Settings& settings,
               std::vector<Finding>& out, Severity min_severity)
      : meta(meta), inventory(inventory), settings(settings), out_(out),
        silent_(meta.severity < min_severity) {}

  const CheckMeta& meta;
  const Inventory& inventory;
  const Settings& settings;

  // `where` is the field the verdict rests on: the finding points at where it was written
  // (templates), else at the resource.
  template <class T = int>
  void pass(const Resource& r, std::string message, const Field<T>& where = Field<T>()) {
    emit(r, Status::kPass, std::move(message), where.line(), where.column());
  }
  template <class T = int>
  void fail(const Resource& r, std::string message, const Field<T>& where = Field<T>()) {
    emit(r, Status::kFail, std::move(message), where.line(), where.column());
  }
  template <class T = int>
  void unknown(const Resource& r, std::string message, const Field<T>& where = Field<T>()) {
    emit(r, Status::kUnknown, std::move(message), where.line(), where.column());
  }
  void error(const Resource& r, std::string message) { emit(r, Status::kError, std::move(message), 0, 0); }

  // Calls fn for each resource the check applies to. Resources that could not be read are
  // skipped here (the engine has already reported ERROR for them), and so are tombstones of
  // deleted resources.
  template <class T, class Fn>
  void for_each(const std::vector<T>& resources, Fn&& fn) {
    for (const T& r : resources) {
      if (r.read_error == nullptr && !r.deleted && !r.reference_only && meta.applies_to(r.type) &&
          meta.accepts(r.origin.kind)) {
        fn(r);
      }
    }
  }

 private:
  void emit(const Resource& r, Status s, std::string message, uint32_t line, uint32_t column) {
    if (silent_) return;
    if (line == 0) {
      line = r.origin.line;
      column = r.origin.column;
    }
    out_.push_back(Finding{&meta, &r, s, false, line, column, std::move(message)});
  }
  std::vector<Finding>& out_;
  bool silent_;
};

using CheckFn = void (*)(CheckContext&);

struct CheckRegistration {
  CheckRegistration(std::string_view id, CheckFn fn);
};

// Defines a check's logic and registers it under its catalog id:
//   ATREST_CHECK("dax-encryption-at-rest") { ctx.for_each(...); }
#define ATREST_CHECK(ID)                                                   \
  static void atrest_check_body(::atrest::CheckContext& ctx);             \
  static const ::atrest::CheckRegistration atrest_check_registration(ID,  \
                                                         &atrest_check_body); \
  static void atrest_check_body(::atrest::CheckContext& ctx)

}  // namespace atrest
