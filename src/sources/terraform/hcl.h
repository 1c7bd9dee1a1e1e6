// HCL2 native syntax (the language of .tf files): a syntax tree with a position on every node,
// parsed by hand (no maintained C/C++ HCL library exists). The tree keeps expressions
// unevaluated; evaluation (variables, functions, references) is the evaluator's job.
//
// Identifiers: HCL uses Unicode ID_Start/ID_Continue plus '-'; here ASCII letters, digits, '_'
// and '-' plus any non-ASCII character except spaces, punctuation and symbols (an approximation
// of the Unicode tables; see nonascii_ident_char in hcl.cpp). A leading UTF-8 byte order mark is
// skipped, as HashiCorp's parser does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atrest::hcl {

struct Pos {
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based, in bytes
};

enum class ExprKind : unsigned char {
  kNull,         // null
  kBool,         // true / false: `boolean`
  kNumber,       // `number` (and `text` holds the source spelling)
  kString,       // a quoted string or heredoc with no interpolation or directive: `text` (escapes decoded;
                 // unlike HashiCorp's parser, not NFC-normalised: "e\u0301" stays two code points)
  kTemplate,     // a quoted string or heredoc with ${...} or %{...}: `parts`
  kTuple,        // [a, b]: `items`
  kObject,       // {k = v, k2: v2}: `keys` and `items` (same length; a bare identifier key is a kVariable
                 // node whose name is the key, as HCL treats it; "(expr)" keys are kParens)
  kVariable,     // a root name: `text` (var, local, module, each, count, path, data, aws_kms_key, ...)
  kGetAttr,      // items[0].text
  kIndex,        // items[0][items[1]]  (also the legacy items[0].0 form, with a kNumber key)
  kSplat,        // items[0].* or items[0][*], then `items[1]` is the traversal applied to each element,
                 // written against a kSplatItem placeholder; when the splat has no traversal items[1]
                 // is the bare kSplatItem (items.size() is always 2). `text` is ".*" or "[*]". `a.*.b[0]`
                 // is Index(Splat(a, GetAttr(item, b)), 0): after .* only .name/.0 steps belong to
                 // the splat; after [*] index steps do too. A second splat applies to the first's result.
  kSplatItem,    // the element inside a splat traversal
  kCall,         // text(items...); `expand_final` for f(args...). Provider functions keep their
                 // namespace in `text`: "provider::aws::arn_parse" (spaces around :: dropped)
  kUnary,        // text is "!" or "-"; items[0]
  kBinary,       // text is the operator (|| && == != < > <= >= + - * / %); items[0] op items[1]
  kConditional,  // items[0] ? items[1] : items[2]
  kFor,          // [for key, value in items[0] : items[1] if items[2]] or
                 // {for key, value in items[0] : keys[0] => items[1] if items[2]}
                 // (items[2] only when has_condition)
  kParens,       // (items[0]); kept so object keys and positions stay faithful
  kTemplateIf,   // %{ if items[0] }items[1]%{ else }items[2]%{ endif } (items[1], items[2] are kTemplate;
                 // items[2] has no parts when there is no else)
  kTemplateFor,  // %{ for key, value in items[0] }items[1]%{ endfor } (items[1] is a kTemplate)
};

struct Expr {
  ExprKind kind = ExprKind::kNull;
  Pos pos;                 // where the expression starts
  // The expression's source text is text[offset, end_offset) of the parsed input (for messages,
  // and for tools that print expressions as written).
  uint32_t offset = 0, end_offset = 0;
  bool boolean = false;
  bool expand_final = false;
  // Template ~ markers, already applied to the literals: on an interpolation part its `${~` and
  // `~}`; on kTemplateIf/kTemplateFor those of the opening directive.
  bool strip_left = false, strip_right = false;
  double number = 0;
  std::string text;        // see ExprKind
  std::vector<Expr> items;
  std::vector<Expr> keys;  // kObject keys; kFor: keys[0] is the key expression of an object for
  // kFor / kTemplateFor: the iteration variables ("" when there is no key variable).
  std::string key_var, value_var;
  bool for_object = false;  // {for ...} rather than [for ...]
  bool grouping = false;    // {for ...: k => v...}
  bool has_condition = false;
  // kTemplate: the parts in order; a literal part is a kString, an interpolation any expression,
  // a directive a kTemplateIf / kTemplateFor. Literal parts stay even when strip markers emptied
  // them, so "a template that is exactly one interpolation" (HCL returns that value unconverted,
  // e.g. "${true}" is a bool) is exactly: one part, from an interpolation. An interpolated
  // string ("${"x"}") is also a kString part, with the same value either way.
  std::vector<Expr> parts;
};

struct Body;

struct Attribute {
  std::string name;
  Pos pos;  // of the name
  Expr expr;
};

struct Block {
  std::string type;
  std::vector<std::string> labels;
  Pos pos;      // of the type keyword
  Pos end;      // of the closing brace
  std::vector<Attribute> attributes;  // in source order
  std::vector<Block> blocks;          // in source order
};

struct ParseError {
  Pos pos;
  std::string message;  // one line, no position prefix
};

// A whole file: the top-level body is a block with an empty type.
struct File {
  Block body;
  // Sorted by position. After a syntax error the parser drops the top-level block (or argument)
  // holding it and resumes at the next line that starts a top-level block (`type "label" {` at
  // column 1) or after a `}` at column 1, so everything else in the file is still there.
  // A repeated argument is reported and dropped (HCL keeps the first); invalid UTF-8 is
  // reported without dropping anything.
  std::vector<ParseError> errors;
};

struct ParseLimits {
  // Nested expressions/blocks deeper than this are an error, not a crash. Chains count too
  // (a.b.c, 1 + 2 + 3 nest left-deep), so no tree is deeper than this and recursive walks of it
  // are safe.
  size_t max_depth = 256;
};

File parse(std::string_view text, const ParseLimits& limits = {});

}  // namespace atrest::hcl
