// libFuzzer target: any bytes, parsed as HCL (.tf). Beyond crashes, hangs and sanitizer reports it
// checks the tree's promises: source ranges inside the input, the documented child counts, and
// no node deeper than the limit. Build with `make fuzz` (clang); seeds are
// tests/terraform/corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sources/terraform/hcl.h"

namespace {

using atrest::hcl::Block;
using atrest::hcl::Expr;
using atrest::hcl::ExprKind;

void check(bool ok) {
  if (!ok) std::abort();
}

void walk(const Expr& e, size_t size, size_t depth, size_t limit) {
  check(depth <= limit + 8);  // chains and the template wrapper add a level or two past the guard
  check(e.offset <= e.end_offset && e.end_offset <= size);
  check(e.pos.line >= 1 && e.pos.column >= 1);
  switch (e.kind) {
    case ExprKind::kGetAttr: case ExprKind::kUnary: case ExprKind::kParens: check(e.items.size() == 1); break;
    case ExprKind::kIndex: case ExprKind::kBinary: case ExprKind::kSplat: check(e.items.size() == 2); break;
    case ExprKind::kConditional: case ExprKind::kTemplateIf: check(e.items.size() == 3); break;
    case ExprKind::kTemplateFor: check(e.items.size() == 2 && e.items[1].kind == ExprKind::kTemplate); break;
    case ExprKind::kObject: check(e.keys.size() == e.items.size()); break;
    case ExprKind::kFor:
      check(e.items.size() == (e.has_condition ? 3u : 2u) && e.keys.size() == (e.for_object ? 1u : 0u));
      break;
    default: break;
  }
  for (const Expr& c : e.items) walk(c, size, depth + 1, limit);
  for (const Expr& c : e.keys) walk(c, size, depth + 1, limit);
  for (const Expr& c : e.parts) walk(c, size, depth + 1, limit);
}

void walk(const Block& b, size_t size, size_t depth, size_t limit) {
  check(depth <= limit + 1);
  for (const auto& a : b.attributes) walk(a.expr, size, depth + 1, limit);
  for (const Block& c : b.blocks) walk(c, size, depth + 1, limit);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const atrest::hcl::ParseLimits limits{.max_depth = 64};
  const atrest::hcl::File file = atrest::hcl::parse(text, limits);
  walk(file.body, size, 0, limits.max_depth);
  for (const auto& e : file.errors) check(!e.message.empty() && e.message.find('\n') == std::string_view::npos);
  return 0;
}
