#include "sources/terraform/hcl.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

// A recursive-descent parser that reads bytes directly instead of a token list: the text inside
// quoted strings and heredocs needs a different scanner from expressions, and a heredoc nested in
// an interpolation must be read in place. Grammar, precedence and template rules follow
// HashiCorp's hclsyntax spec; where the spec is silent (strip markers, heredoc indentation) the
// behaviour of HashiCorp's parser is reproduced, since that is what Terraform reads.

namespace atrest::hcl {
namespace {

// Thrown once an error is recorded; the top-level loop catches it and resynchronises.
struct Abort {};

enum : uint8_t { kIdStart = 1, kIdCont = 2, kDigit = 4, kQuotedStop = 8, kHeredocStop = 16, kSkipStart = 32 };

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kIdStart | kIdCont;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kIdStart | kIdCont;
  t['_'] = kIdStart | kIdCont;  // not ID_Start, but HCL (and every `for _, v in`) accepts it
  for (int c = '0'; c <= '9'; ++c) t[c] = kIdCont | kDigit;
  t['-'] = kIdCont;
  for (unsigned char c : {'"', '\\', '$', '%', '\n', '\r'}) t[c] |= kQuotedStop;
  for (unsigned char c : {'$', '%', '\n'}) t[c] |= kHeredocStop;
  for (unsigned char c : {' ', '\t', '/', '#', '\n', '\r'}) t[c] |= kSkipStart;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_classes();

bool is_digit(int c) { return c >= '0' && c <= '9'; }

// emplace_back for lists of big nodes: start at four, not one, to skip the first regrowths
// (each moves every node already there).
template <class T>
T& append(std::vector<T>& v) {
  if (v.empty()) v.reserve(4);
  return v.emplace_back();
}

// Decodes the UTF-8 sequence at s[0..n): its length, or 0 when it is not valid UTF-8 (overlong
// forms, surrogates and code points past U+10FFFF included).
size_t decode_utf8(const unsigned char* s, size_t n, char32_t& cp) {
  const unsigned char c = s[0];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  auto cont = [&](size_t k) { return k < n && (s[k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(1)) return 0;
    cp = (char32_t(c & 0x1F) << 6) | (s[1] & 0x3F);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && s[1] > 0x9F) return 0;  // surrogate
    cp = (char32_t(c & 0x0F) << 12) | (char32_t(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && s[1] > 0x8F) return 0;  // past U+10FFFF
    cp = (char32_t(c & 0x07) << 18) | (char32_t(s[1] & 0x3F) << 12) | (char32_t(s[2] & 0x3F) << 6) |
         (s[3] & 0x3F);
    return 4;
  }
  return 0;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Non-ASCII identifier characters. HCL uses Unicode ID_Start/ID_Continue; carrying the Unicode
// tables is not worth it for Terraform files, so any code point is accepted except the common
// non-letters: Latin-1 punctuation and symbols, Unicode spaces, general punctuation (dashes,
// smart quotes), arrows, math and box-drawing symbols, CJK punctuation, private use, emoji and
// specials. A stray one of those is reported as an invalid character, as HCL does.
bool nonascii_ident_char(char32_t cp) {
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp == 0x1680 || cp == 0xFEFF) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return cp == 0x200C || cp == 0x200D || cp == 0x203F || cp == 0x2040 || cp == 0x2054;
  if (cp >= 0x2190 && cp <= 0x2BFF) return false;
  if (cp >= 0x2E00 && cp <= 0x2E7F) return false;
  if (cp >= 0x3000 && cp <= 0x3004) return false;
  if (cp >= 0x3008 && cp <= 0x3020) return false;
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;
  if (cp >= 0xFE10 && cp <= 0xFE6F) return false;
  if (cp >= 0xFF01 && cp <= 0xFF0F) return false;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;
  return cp < 0xF0000;
}

// Go's unicode.IsSpace, which HashiCorp's parser uses for strip markers and heredoc indentation.
bool unicode_space(char32_t cp) {
  switch (cp) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Offset of the first byte that is not valid UTF-8, or n.
size_t first_invalid_utf8(const unsigned char* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time: the common case for .tf files.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const size_t len = decode_utf8(s + i, n - i, cp);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

std::string hex_byte(unsigned char c) {
  static const char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 15];
}

std::string code_point_name(char32_t cp) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string hex;
  for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4) hex += kHex[(cp >> shift) & 15];
  return "U+" + hex;
}

// One piece of a template before its directives are nested: a literal (text in Parser::lit_),
// an interpolation or a directive (expression in Parser::tex_). Literals are split where
// HashiCorp's scanner splits them (at template sequences and, in heredocs, after each newline)
// because strip markers and heredoc indentation act on those pieces.
struct TTok {
  enum Kind : uint8_t { kLit, kInterp, kIf, kElse, kEndIf, kFor, kEndFor };
  Kind kind = kLit;
  bool open_strip = false;   // `${~` / `%{~`
  bool close_strip = false;  // `~}`
  Pos pos;
  uint32_t offset = 0, end_offset = 0;
  size_t lb = 0, le = 0;  // kLit: the decoded text is lit_[lb, le)
  size_t expr = 0;        // kInterp, kIf, kFor: index in tex_
};

class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits, File& file)
      : s_(text.data()), n_(text.size()), limits_(limits), file_(file) {}

  void run();

 private:
  // ---- cursor and positions ----
  int peek(size_t k) const { return k < n_ ? static_cast<unsigned char>(s_[k]) : -1; }
  int cur() const { return peek(i_); }
  Pos pos_at(size_t off) const { return {line_, static_cast<uint32_t>(off - line_start_ + 1)}; }
  Pos here() const { return pos_at(i_); }
  uint32_t off32(size_t off) const { return static_cast<uint32_t>(off); }
  void newline_at(size_t off) {  // s_[off] is a '\n' that the cursor has passed
    ++line_;
    line_start_ = off + 1;
  }

  [[noreturn]] void fail(Pos pos, std::string message) {
    file_.errors.push_back({pos, std::move(message)});
    throw Abort{};
  }
  void note(Pos pos, std::string message) { file_.errors.push_back({pos, std::move(message)}); }
  std::string describe(size_t k) const;

  // Depth of nesting; every construct that nests a node counts, so neither the parser nor a
  // recursive walk of the tree can overflow the stack.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > p.limits_.max_depth) p.fail_depth();
    }
    ~DepthGuard() { --p.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };
  // Left-deep chains (a.b.c, 1 + 2 + 3) nest without recursing: each link deepens the rest.
  struct Deepen {
    Parser& p;
    size_t n = 0;
    explicit Deepen(Parser& parser) : p(parser) {}
    void step() {
      ++n;
      if (++p.depth_ > p.limits_.max_depth) p.fail_depth();
    }
    ~Deepen() { p.depth_ -= n; }
    Deepen(const Deepen&) = delete;
    Deepen& operator=(const Deepen&) = delete;
  };
  [[noreturn]] void fail_depth() {
    fail(here(), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  // Inside ( ) [ ] ${ } and for expressions newlines are whitespace; in bodies and object
  // constructors they separate items.
  struct NewlineMode {
    Parser& p;
    bool saved;
    NewlineMode(Parser& parser, bool ignored) : p(parser), saved(parser.nl_ignored_) { p.nl_ignored_ = ignored; }
    ~NewlineMode() { p.nl_ignored_ = saved; }
    NewlineMode(const NewlineMode&) = delete;
    NewlineMode& operator=(const NewlineMode&) = delete;
  };

  // ---- lexical helpers ----
  // Skips whitespace and comments (and newlines when `newlines`); inline for the common case of
  // nothing to skip.
  void skip(bool newlines) {
    if (i_ < n_ && !(kClass[static_cast<unsigned char>(s_[i_])] & kSkipStart)) return;
    skip_slow(newlines);
  }
  void skip() { skip(nl_ignored_); }
  void skip_slow(bool newlines);
  void skip_block_comment();
  bool at_line_end() const;  // newline, line comment or end of file
  size_t ident_char(size_t k, bool start) const;
  size_t scan_ident(size_t k) const;  // end of the identifier starting at k (k itself if none)
  bool keyword_at(std::string_view word) const;
  std::string read_ident(const char* what);
  // `KEY, VALUE in` or `VALUE in` of a for expression or directive, through the `in`.
  void read_for_variables(Expr& out, const char* construct);
  size_t peek_past_spaces(size_t k) const;

  // ---- structure ----
  void parse_item(Block& parent);
  void parse_block_body(Block& block, Pos open);
  void check_duplicates(Block& block);
  void recover(size_t item_start);
  bool looks_like_block_opener(size_t p) const;

  // ---- expressions ----
  static void init(Expr& e, ExprKind kind, Pos pos, size_t offset) {
    e.kind = kind;
    e.pos = pos;
    e.offset = static_cast<uint32_t>(offset);
  }
  static Expr make(ExprKind kind, Pos pos, size_t offset) {
    Expr e;
    init(e, kind, pos, offset);
    return e;
  }
  // `node` becomes the first child of a new node of `kind` that takes its place.
  static void wrap(Expr& node, ExprKind kind, size_t items) {
    Expr outer;
    init(outer, kind, node.pos, node.offset);
    outer.items.reserve(items);
    outer.items.push_back(std::move(node));
    node = std::move(outer);
  }
  void parse_expr(Expr& out);
  void parse_binary(Expr& out, int min_level);
  int binary_op(size_t& len) const;
  void parse_unary(Expr& out);
  void parse_postfix(Expr& out);
  void parse_term(Expr& out);
  void parse_number(Expr& out);
  void parse_identifier_term(Expr& out);
  void parse_call(Expr& out, Pos pos, size_t begin, std::string_view first);
  void parse_parens(Expr& out);
  void parse_tuple(Expr& out);
  void parse_object(Expr& out);
  void parse_for(Expr& out, Pos pos, size_t begin, bool object);
  void dot_step(Expr& node);
  void index_step(Expr& node);
  void splat(Expr& node, bool full);

  // ---- templates ----
  void parse_quoted(Expr& out);
  void parse_heredoc(Expr& out);
  void scan_quoted_literal(bool& trim_next, Pos open);
  void scan_heredoc_line(size_t base, bool& trim_next);
  void push_literal(Pos pos, size_t begin, size_t lit_begin, bool& trim_next);
  void parse_sequence(bool interp, size_t base, bool& trim_next);
  void decode_escape(Pos open);
  void trim_left(TTok& t);
  void trim_right(TTok& t);
  void dedent(size_t base);
  void finish_template(Expr& out, Pos pos, size_t begin, size_t base, size_t lit_base, size_t expr_base, bool dedent_lines);
  TTok::Kind build_parts(size_t& k, size_t end, std::vector<Expr>& parts);

  const char* s_;
  size_t n_;
  size_t i_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  bool nl_ignored_ = false;
  size_t depth_ = 0;
  const ParseLimits& limits_;
  File& file_;
  // Scratch shared by nested templates: each template uses the tail from its base and truncates
  // back when done, so parsing allocates nothing per literal piece.
  std::string lit_;
  std::vector<TTok> toks_;
  std::vector<Expr> tex_;
  std::vector<size_t> adjust_;
};

std::string Parser::describe(size_t k) const {
  if (k >= n_) return "end of file";
  const unsigned char c = static_cast<unsigned char>(s_[k]);
  if (c == '\n' || (c == '\r' && peek(k + 1) == '\n')) return "a newline";
  if (c == ' ' || c == '\t') return "whitespace";
  if (scan_ident(k) > k) {
    const size_t e = std::min(scan_ident(k), k + 40);
    return "'" + std::string(s_ + k, e - k) + "'";
  }
  if (c > 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  if (c < 0x80) return "control character " + hex_byte(c);
  char32_t cp;
  if (decode_utf8(reinterpret_cast<const unsigned char*>(s_ + k), n_ - k, cp) == 0) {
    return "invalid UTF-8 byte " + hex_byte(c);
  }
  return "character " + code_point_name(cp);
}

// ---------------------------------------------------------------------------------------------
// Lexical helpers

void Parser::skip_slow(bool newlines) {
  while (i_ < n_) {
    const char c = s_[i_];
    if (c == ' ' || c == '\t') {
      ++i_;
    } else if (c == '/' && peek(i_ + 1) == '*') {
      skip_block_comment();
    } else if (!newlines) {
      return;
    } else if (c == '\n') {
      newline_at(i_);
      ++i_;
    } else if (c == '\r' && peek(i_ + 1) == '\n') {
      newline_at(i_ + 1);
      i_ += 2;
    } else if (c == '#' || (c == '/' && peek(i_ + 1) == '/')) {
      // A line comment ends before its newline, which then counts as one.
      const void* nl = std::memchr(s_ + i_, '\n', n_ - i_);
      i_ = nl ? static_cast<size_t>(static_cast<const char*>(nl) - s_) : n_;
    } else {
      return;
    }
  }
}

void Parser::skip_block_comment() {
  const Pos open = here();
  size_t k = i_ + 2;
  while (k < n_) {
    const void* star = std::memchr(s_ + k, '*', n_ - k);
    if (!star) {
      k = n_;
      break;
    }
    k = static_cast<size_t>(static_cast<const char*>(star) - s_);
    if (peek(k + 1) == '/') break;
    ++k;
  }
  // The comment may span lines: keep line numbers right.
  for (size_t j = i_ + 2; j < k; ++j) {
    if (s_[j] == '\n') newline_at(j);
  }
  if (k >= n_) {
    // Unclosed, it runs to the end of the file (as in HashiCorp's scanner); leaving the cursor
    // there also keeps a file of many unclosed comments from being rescanned once per comment.
    i_ = n_;
    fail(open, "unterminated comment: no closing */");
  }
  i_ = k + 2;
}

bool Parser::at_line_end() const {
  const int c = cur();
  return c < 0 || c == '\n' || c == '#' || (c == '\r' && peek(i_ + 1) == '\n') || (c == '/' && peek(i_ + 1) == '/');
}

size_t Parser::ident_char(size_t k, bool start) const {
  const unsigned char c = static_cast<unsigned char>(s_[k]);
  if (c < 0x80) return (kClass[c] & (start ? kIdStart : kIdCont)) ? 1 : 0;
  char32_t cp;
  const size_t len = decode_utf8(reinterpret_cast<const unsigned char*>(s_ + k), n_ - k, cp);
  return len && nonascii_ident_char(cp) ? len : 0;
}

size_t Parser::scan_ident(size_t k) const {
  if (k >= n_) return k;
  const size_t first = ident_char(k, true);
  if (first == 0) return k;
  k += first;
  while (k < n_) {
    const unsigned char c = static_cast<unsigned char>(s_[k]);
    if (c < 0x80) {
      if (!(kClass[c] & kIdCont)) break;
      ++k;
    } else {
      const size_t len = ident_char(k, false);
      if (len == 0) break;
      k += len;
    }
  }
  return k;
}

bool Parser::keyword_at(std::string_view word) const {
  return n_ - i_ >= word.size() && std::memcmp(s_ + i_, word.data(), word.size()) == 0 &&
         scan_ident(i_) == i_ + word.size();
}

std::string Parser::read_ident(const char* what) {
  const size_t e = scan_ident(i_);
  if (e == i_) fail(here(), std::string("expected ") + what + ", found " + describe(i_));
  std::string name(s_ + i_, e - i_);
  i_ = e;
  return name;
}

void Parser::read_for_variables(Expr& out, const char* construct) {
  std::string first = read_ident("a variable name after 'for'");
  skip();
  if (cur() == ',') {
    ++i_;
    skip();
    out.key_var = std::move(first);
    out.value_var = read_ident("a value variable name after ','");
    skip();
  } else {
    out.value_var = std::move(first);
  }
  if (!keyword_at("in")) fail(here(), std::string("expected 'in' in the ") + construct + ", found " + describe(i_));
  i_ += 2;
  skip();
}

// Lookahead over spaces (and newlines where they are whitespace) without moving the cursor.
size_t Parser::peek_past_spaces(size_t k) const {
  while (k < n_ && (s_[k] == ' ' || s_[k] == '\t' || (nl_ignored_ && (s_[k] == '\n' || s_[k] == '\r')))) ++k;
  return k;
}

// ---------------------------------------------------------------------------------------------
// Structure: bodies, attributes, blocks

void Parser::run() {
  Block& body = file_.body;
  body.pos = {1, 1};
  if (n_ > std::numeric_limits<uint32_t>::max()) {
    note({1, 1}, "file larger than 4 GiB");
    return;
  }
  // Byte order marks are outside the spec, but HashiCorp's parser skips one, and so do we.
  if (n_ >= 3 && std::memcmp(s_, "\xEF\xBB\xBF", 3) == 0) {
    i_ = 3;
    line_start_ = 3;
  }
  const size_t bad = first_invalid_utf8(reinterpret_cast<const unsigned char*>(s_), n_);
  if (bad < n_) {
    Pos pos{1, 1};
    size_t ls = 0;
    for (size_t k = 0; k < bad; ++k) {
      if (s_[k] == '\n') {
        ++pos.line;
        ls = k + 1;
      }
    }
    pos.column = static_cast<uint32_t>(bad - ls + 1);
    note(pos, "invalid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(s_[bad])) + ")");
  }
  while (i_ < n_) {
    size_t start = i_;
    const size_t attributes = body.attributes.size(), blocks = body.blocks.size();
    try {
      skip(true);  // inside: an unterminated comment is an error like any other
      if (i_ >= n_) break;
      start = i_;
      if (s_[i_] == '}') fail(here(), "unexpected '}': no block is open here");
      parse_item(body);
    } catch (const Abort&) {
      body.attributes.resize(attributes);  // drop the half-built item
      body.blocks.resize(blocks);
      depth_ = 0;
      nl_ignored_ = false;
      toks_.clear();
      tex_.clear();
      lit_.clear();
      recover(start);
    }
  }
  body.end = here();
  check_duplicates(body);
  std::stable_sort(file_.errors.begin(), file_.errors.end(), [](const ParseError& a, const ParseError& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
}

// One attribute or block, starting at its name, appended to `parent`.
void Parser::parse_item(Block& parent) {
  const Pos pos = here();
  std::string name = read_ident("an argument or block definition");
  skip(false);
  if (cur() == '=' && peek(i_ + 1) != '=') {
    ++i_;
    skip(false);
    // Built in place; after an error the top-level loop removes whatever was left half-built.
    Attribute& attr = append(parent.attributes);
    attr.name = std::move(name);
    attr.pos = pos;
    parse_expr(attr.expr);
    skip(false);
    if (!at_line_end()) fail(here(), "expected a newline after the argument, found " + describe(i_));
    return;
  }
  Block& block = append(parent.blocks);
  block.type = std::move(name);
  block.pos = pos;
  while (cur() != '{') {
    if (cur() == '"') {
      const Pos lpos = here();
      Expr label;
      parse_quoted(label);
      if (label.kind != ExprKind::kString) {
        fail(lpos, "a block label cannot contain ${ or %{ sequences (write $${ or %%{ for the literal text)");
      }
      block.labels.push_back(std::move(label.text));
    } else if (scan_ident(i_) > i_) {
      block.labels.push_back(read_ident("a label"));
    } else {
      fail(here(), "expected '=', a block label or '{' after '" + block.type + "', found " + describe(i_));
    }
    skip(false);
  }
  const Pos open = here();
  ++i_;
  DepthGuard guard(*this);
  skip(false);
  if (i_ >= n_) fail(open, "no closing '}' for this block");
  if (at_line_end()) {
    parse_block_body(block, open);
  } else if (cur() == '}') {
    block.end = here();
    ++i_;
  } else {
    // One-line block: `name { arg = value }`, at most one argument and no nested block.
    Attribute& attr = block.attributes.emplace_back();
    attr.pos = here();
    attr.name = read_ident("an argument name or '}'");
    skip(false);
    if (cur() != '=' || peek(i_ + 1) == '=') {
      fail(attr.pos, "a one-line block holds at most one argument (name = value); put nested blocks on their own lines");
    }
    ++i_;
    skip(false);
    parse_expr(attr.expr);
    skip(false);
    if (cur() == ',') fail(here(), "a one-line block holds at most one argument; use one line per argument");
    if (cur() != '}') {
      fail(here(), "expected '}' closing the one-line block on the same line, found " + describe(i_));
    }
    block.end = here();
    ++i_;
  }
  skip(false);
  if (!at_line_end()) fail(here(), "expected a newline after the block's closing '}', found " + describe(i_));
}

void Parser::parse_block_body(Block& block, Pos open) {
  for (;;) {
    skip(true);
    if (i_ >= n_) fail(open, "no closing '}' for this block");
    if (s_[i_] == '}') {
      block.end = here();
      ++i_;
      break;
    }
    parse_item(block);
  }
  check_duplicates(block);
}

// Each argument may be set once per body: later ones are reported and dropped, as HCL keeps the
// first.
void Parser::check_duplicates(Block& block) {
  auto& attrs = block.attributes;
  if (attrs.size() < 2) return;
  std::vector<bool> dup(attrs.size(), false);
  bool any = false;
  auto report = [&](size_t first, size_t again) {
    note(attrs[again].pos, "argument '" + attrs[again].name + "' is already set at " +
                               std::to_string(attrs[first].pos.line) + ":" + std::to_string(attrs[first].pos.column));
    dup[again] = true;
    any = true;
  };
  if (attrs.size() <= 16) {
    for (size_t a = 1; a < attrs.size(); ++a) {
      for (size_t b = 0; b < a; ++b) {
        if (!dup[b] && attrs[a].name == attrs[b].name) {
          report(b, a);
          break;
        }
      }
    }
  } else {
    std::vector<size_t> order(attrs.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return attrs[a].name < attrs[b].name; });
    for (size_t k = 1; k < order.size(); ++k) {
      size_t first = k - 1;
      while (dup[order[first]]) --first;  // the first of a run of equal names is never a duplicate
      if (attrs[order[k]].name == attrs[order[first]].name) report(order[first], order[k]);
    }
  }
  if (!any) return;
  size_t w = 0;
  for (size_t r = 0; r < attrs.size(); ++r) {
    if (!dup[r]) {
      if (w != r) attrs[w] = std::move(attrs[r]);
      ++w;
    }
  }
  attrs.resize(w);
}

// After an error: drop the broken top-level item and resume at the next line that starts a
// top-level block (`type "label" ... {` at column 1), or just after a line starting with `}`
// at column 1 (the broken block's own end). The search starts on the line where parsing
// stopped, so a block whose opening line was swallowed by the error is still found, and always
// past the broken item's first line, so every error makes progress. Each byte is scanned once,
// so recovery is linear however many errors a file has.
void Parser::recover(size_t item_start) {
  if (i_ >= n_) return;  // the error consumed the rest of the file (an unclosed heredoc or comment)
  size_t p = line_start_;
  if (p <= item_start) {
    const void* nl = i_ < n_ ? std::memchr(s_ + i_, '\n', n_ - i_) : nullptr;
    if (!nl) {
      i_ = n_;
      return;
    }
    p = static_cast<size_t>(static_cast<const char*>(nl) - s_);
    newline_at(p);
    ++p;
  }
  for (;;) {
    i_ = p;
    if (p >= n_) return;
    if (s_[p] == '}') {
      const void* nl = std::memchr(s_ + p, '\n', n_ - p);
      if (!nl) {
        i_ = n_;
        return;
      }
      const size_t e = static_cast<size_t>(static_cast<const char*>(nl) - s_);
      newline_at(e);
      i_ = e + 1;
      return;
    }
    if (looks_like_block_opener(p)) return;
    const void* nl = std::memchr(s_ + p, '\n', n_ - p);
    if (!nl) {
      i_ = n_;
      return;
    }
    p = static_cast<size_t>(static_cast<const char*>(nl) - s_);
    newline_at(p);
    ++p;
  }
}

bool Parser::looks_like_block_opener(size_t p) const {
  size_t k = scan_ident(p);
  if (k == p) return false;
  for (;;) {
    while (k < n_ && (s_[k] == ' ' || s_[k] == '\t')) ++k;
    if (k >= n_) return false;
    if (s_[k] == '{') return true;
    if (s_[k] == '"') {
      ++k;
      while (k < n_ && s_[k] != '"' && s_[k] != '\n') k += (s_[k] == '\\' && k + 1 < n_ && s_[k + 1] != '\n') ? 2 : 1;
      if (k >= n_ || s_[k] != '"') return false;
      ++k;
    } else {
      const size_t e = scan_ident(k);
      if (e == k) return false;
      k = e;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions. Each parser fills `out`, a fresh node already in its final place (an attribute,
// or a slot emplaced in its parent's items): nodes are big, so they are built where they live
// rather than returned and moved through every precedence level.

void Parser::parse_expr(Expr& out) {
  DepthGuard guard(*this);
  parse_binary(out, 1);
  skip();
  if (cur() != '?') return;
  ++i_;
  skip();
  wrap(out, ExprKind::kConditional, 3);
  parse_expr(out.items.emplace_back());
  skip();
  if (cur() != ':') fail(here(), "expected ':' in the conditional expression, found " + describe(i_));
  ++i_;
  skip();
  parse_expr(out.items.emplace_back());
  out.end_offset = out.items.back().end_offset;
}

// Precedence (higher binds tighter): 6 * / %, 5 + -, 4 > >= < <=, 3 == !=, 2 &&, 1 ||.
int Parser::binary_op(size_t& len) const {
  len = 1;
  switch (cur()) {
    case '|': len = 2; return peek(i_ + 1) == '|' ? 1 : 0;
    case '&': len = 2; return peek(i_ + 1) == '&' ? 2 : 0;
    case '=': len = 2; return peek(i_ + 1) == '=' ? 3 : 0;
    case '!': len = 2; return peek(i_ + 1) == '=' ? 3 : 0;
    case '<':
      if (peek(i_ + 1) == '=') len = 2;
      return peek(i_ + 1) == '<' ? 0 : 4;
    case '>':
      if (peek(i_ + 1) == '=') len = 2;
      return 4;
    case '+': case '-': return 5;
    case '*': case '%': return 6;
    case '/': return peek(i_ + 1) == '/' || peek(i_ + 1) == '*' ? 0 : 6;
    default: return 0;
  }
}

void Parser::parse_binary(Expr& out, int min_level) {
  parse_unary(out);
  Deepen deepen(*this);
  for (;;) {
    skip();
    size_t len = 0;
    const int level = binary_op(len);
    if (level == 0 || level < min_level) break;
    const char* op = s_ + i_;
    i_ += len;
    skip();
    deepen.step();
    wrap(out, ExprKind::kBinary, 2);
    out.text.assign(op, len);
    parse_binary(out.items.emplace_back(), level + 1);  // left-associative within a level
    out.end_offset = out.items.back().end_offset;
  }
}

void Parser::parse_unary(Expr& out) {
  skip();
  const int c = cur();
  if (c == '-' || (c == '!' && peek(i_ + 1) != '=')) {
    DepthGuard guard(*this);
    init(out, ExprKind::kUnary, here(), i_);
    out.text = c == '-' ? "-" : "!";
    ++i_;
    skip();
    out.items.reserve(1);
    parse_unary(out.items.emplace_back());
    out.end_offset = out.items.back().end_offset;
    return;
  }
  parse_postfix(out);
}

void Parser::parse_postfix(Expr& out) {
  parse_term(out);
  Deepen deepen(*this);
  for (;;) {
    skip();
    const int c = cur();
    if (c == '.') {
      if (peek(i_ + 1) == '.') break;  // `...` after a call argument or a for value
      deepen.step();
      if (peek(peek_past_spaces(i_ + 1)) == '*') {
        splat(out, false);
      } else {
        dot_step(out);
      }
    } else if (c == '[') {
      deepen.step();
      if (peek(peek_past_spaces(i_ + 1)) == '*') {
        splat(out, true);
      } else {
        index_step(out);
      }
    } else {
      break;
    }
  }
}

// `.name` or the legacy index `.0`, applied to `node`; the cursor is at the dot.
void Parser::dot_step(Expr& node) {
  ++i_;
  skip();
  if (is_digit(cur())) {
    wrap(node, ExprKind::kIndex, 2);
    Expr& key = node.items.emplace_back();
    parse_number(key);
    if (key.text.find('.') != std::string::npos) {
      fail(key.pos, "legacy index syntax cannot be chained (write [0][1] instead of .0.1)");
    }
    node.end_offset = key.end_offset;
    return;
  }
  const size_t name_end = scan_ident(i_);
  if (name_end == i_) fail(here(), "expected an attribute name after '.', found " + describe(i_));
  wrap(node, ExprKind::kGetAttr, 1);
  node.text.assign(s_ + i_, name_end - i_);
  i_ = name_end;
  node.end_offset = off32(i_);
}

// `[key]` applied to `node`; the cursor is at the bracket.
void Parser::index_step(Expr& node) {
  {
    NewlineMode mode(*this, true);
    ++i_;
    skip();
    wrap(node, ExprKind::kIndex, 2);
    parse_expr(node.items.emplace_back());
    skip();
    if (cur() != ']') fail(here(), "expected ']' closing the index, found " + describe(i_));
    ++i_;
  }
  node.end_offset = off32(i_);
}

// `.*` (attribute-only: then only .name / .0 steps) or `[*]` (full: .name, .0 and [key] steps).
// The steps are rebuilt on a kSplatItem placeholder, so items[1] is what each element becomes.
// A further splat ends the traversal and applies to this splat's result.
void Parser::splat(Expr& node, bool full) {
  wrap(node, ExprKind::kSplat, 2);
  node.text = full ? "[*]" : ".*";
  const bool outer_nl = nl_ignored_;
  {
    NewlineMode mode(*this, full ? true : outer_nl);
    ++i_;
    skip();
    if (cur() != '*') fail(here(), "expected '*' in the splat operator");  // peeked already
    const Pos star = here();
    const size_t star_off = i_;
    ++i_;
    if (full) {
      skip();
      if (cur() != ']') fail(here(), "expected ']' closing the splat operator [*], found " + describe(i_));
      ++i_;
    }
    node.end_offset = off32(i_);
    Expr& each = node.items.emplace_back();
    init(each, ExprKind::kSplatItem, star, star_off);  // alone: each element as it is
    each.end_offset = off32(star_off + 1);
    Deepen deepen(*this);
    // The steps follow the enclosing context's newline rules, not the brackets'.
    nl_ignored_ = outer_nl;
    for (;;) {
      skip();
      const int c = cur();
      if (!full && c == '.' && peek(peek_past_spaces(i_ + 1)) == '*') {
        // HCL rejects `a.*.b.*`: the inner splat's result would be ambiguous.
        fail(pos_at(peek_past_spaces(i_ + 1)), "a splat cannot follow an attribute-only splat (.*); use [*] for the outer one");
      }
      const bool dot = c == '.' && peek(i_ + 1) != '.' && peek(peek_past_spaces(i_ + 1)) != '*';
      const bool index = full && c == '[' && peek(peek_past_spaces(i_ + 1)) != '*';
      if (!dot && !index) break;
      deepen.step();
      if (dot) {
        dot_step(each);
      } else {
        index_step(each);
      }
      node.end_offset = each.end_offset;
    }
  }
}

void Parser::parse_term(Expr& out) {
  skip();
  if (i_ >= n_) fail(here(), "expected an expression, found end of file");
  const int c = cur();
  if (is_digit(c)) return parse_number(out);
  switch (c) {
    case '"': return parse_quoted(out);
    case '(': return parse_parens(out);
    case '[': return parse_tuple(out);
    case '{': return parse_object(out);
    case '<':
      if (peek(i_ + 1) == '<') return parse_heredoc(out);
      break;
    default:
      if (scan_ident(i_) > i_) return parse_identifier_term(out);
  }
  fail(here(), "expected an expression, found " + describe(i_));
}

// NumericLit = decimal+ ("." decimal+)? (("e" | "E") ("+" | "-")? decimal+)?
void Parser::parse_number(Expr& out) {
  init(out, ExprKind::kNumber, here(), i_);
  const size_t b = i_;
  while (is_digit(cur())) ++i_;
  if (cur() == '.' && is_digit(peek(i_ + 1))) {
    ++i_;
    while (is_digit(cur())) ++i_;
  }
  if (cur() == 'e' || cur() == 'E') {
    size_t k = i_ + 1;
    if (peek(k) == '+' || peek(k) == '-') ++k;
    if (is_digit(peek(k))) {
      i_ = k;
      while (is_digit(cur())) ++i_;
    }
  }
  if (cur() == '.' && is_digit(peek(i_ + 1))) fail(out.pos, "invalid number literal");
  out.text.assign(s_ + b, i_ - b);
  out.end_offset = off32(i_);
  if (std::from_chars(s_ + b, s_ + i_, out.number).ec == std::errc::result_out_of_range) {
    // Beyond a double (HCL numbers are arbitrary precision): the exact spelling stays in `text`.
    const size_t exp = out.text.find_first_of("eE");
    out.number = exp != std::string::npos && out.text[exp + 1] == '-' ? 0.0 : std::numeric_limits<double>::infinity();
  }
}

void Parser::parse_identifier_term(Expr& out) {
  const Pos pos = here();
  const size_t b = i_;
  i_ = scan_ident(i_);
  const std::string_view name(s_ + b, i_ - b);
  const size_t name_end = i_;
  skip();
  if (cur() == '(' || (cur() == ':' && peek(i_ + 1) == ':')) return parse_call(out, pos, b, name);
  if (name == "true" || name == "false") {
    init(out, ExprKind::kBool, pos, b);
    out.boolean = name == "true";
  } else if (name == "null") {
    init(out, ExprKind::kNull, pos, b);
  } else {
    init(out, ExprKind::kVariable, pos, b);
    out.text.assign(name);
  }
  out.end_offset = off32(name_end);
}

// `name(args)`, `name(args...)` and provider-namespaced `provider::aws::arn_parse(args)`; the
// cursor is after the first name and its spaces.
void Parser::parse_call(Expr& out, Pos pos, size_t begin, std::string_view first) {
  init(out, ExprKind::kCall, pos, begin);
  out.text.assign(first);
  while (cur() == ':' && peek(i_ + 1) == ':') {
    i_ += 2;
    skip();
    out.text += "::";
    out.text += read_ident("a function name after '::'");
    skip();
  }
  if (cur() != '(') fail(here(), "expected '(' after the function name '" + out.text + "', found " + describe(i_));
  NewlineMode mode(*this, true);
  ++i_;
  skip();
  if (cur() != ')') {
    for (;;) {
      parse_expr(append(out.items));
      skip();
      if (cur() == '.' && peek(i_ + 1) == '.' && peek(i_ + 2) == '.') {
        i_ += 3;
        out.expand_final = true;
        skip();
        if (cur() != ')') fail(here(), "expected ')' after the expanded final argument, found " + describe(i_));
        break;
      }
      if (cur() == ',') {
        ++i_;
        skip();
        if (cur() == ')') break;
        continue;
      }
      if (cur() == ')') break;
      fail(here(), "expected ',' or ')' in the arguments of " + out.text + "(), found " + describe(i_));
    }
  }
  ++i_;
  out.end_offset = off32(i_);
}

void Parser::parse_parens(Expr& out) {
  init(out, ExprKind::kParens, here(), i_);
  NewlineMode mode(*this, true);
  ++i_;
  skip();
  out.items.reserve(1);
  parse_expr(out.items.emplace_back());
  skip();
  if (cur() != ')') fail(here(), "expected ')', found " + describe(i_));
  ++i_;
  out.end_offset = off32(i_);
}

void Parser::parse_tuple(Expr& out) {
  const Pos pos = here();
  const size_t begin = i_;
  NewlineMode mode(*this, true);
  ++i_;
  skip();
  if (keyword_at("for")) return parse_for(out, pos, begin, false);
  init(out, ExprKind::kTuple, pos, begin);
  while (cur() != ']') {
    parse_expr(append(out.items));
    skip();
    if (cur() == ',') {
      ++i_;
      skip();
    } else if (cur() != ']') {
      fail(here(), "expected ',' or ']' in the tuple, found " + describe(i_));
    }
  }
  ++i_;
  out.end_offset = off32(i_);
}

// Elements are separated by commas or newlines, so newlines matter between the braces.
void Parser::parse_object(Expr& out) {
  const Pos pos = here();
  const size_t begin = i_;
  NewlineMode mode(*this, false);
  ++i_;
  skip(true);
  if (keyword_at("for")) return parse_for(out, pos, begin, true);
  init(out, ExprKind::kObject, pos, begin);
  for (;;) {
    skip(true);
    if (cur() == '}') break;
    if (i_ >= n_) fail(pos, "no closing '}' for this object");
    parse_expr(append(out.keys));
    skip();
    if ((cur() == '=' && peek(i_ + 1) != '=' && peek(i_ + 1) != '>') || cur() == ':') {
      ++i_;
    } else {
      fail(here(), "expected '=' or ':' after the object key, found " + describe(i_));
    }
    skip();
    parse_expr(append(out.items));
    skip();
    if (cur() == ',') {
      ++i_;
    } else if (cur() != '}' && !at_line_end()) {
      fail(here(), "expected ',', a newline or '}' after the object element, found " + describe(i_));
    }
  }
  ++i_;
  out.end_offset = off32(i_);
}

// [for k, v in coll : value if cond] / {for k, v in coll : key => value... if cond}; the cursor
// is at `for`.
void Parser::parse_for(Expr& out, Pos pos, size_t begin, bool object) {
  NewlineMode mode(*this, true);
  init(out, ExprKind::kFor, pos, begin);
  out.for_object = object;
  i_ += 3;
  skip();
  read_for_variables(out, "for expression");
  out.items.reserve(3);
  parse_expr(out.items.emplace_back());
  skip();
  if (cur() != ':') fail(here(), "expected ':' after the for expression's collection, found " + describe(i_));
  ++i_;
  skip();
  if (object) {
    out.keys.reserve(1);
    parse_expr(out.keys.emplace_back());
    skip();
    if (cur() != '=' || peek(i_ + 1) != '>') fail(here(), "expected '=>' in the object for expression, found " + describe(i_));
    i_ += 2;
    skip();
  }
  parse_expr(out.items.emplace_back());
  skip();
  if (cur() == '.' && peek(i_ + 1) == '.' && peek(i_ + 2) == '.') {
    if (!object) fail(here(), "grouping '...' is only allowed in an object for expression");
    out.grouping = true;
    i_ += 3;
    skip();
  }
  if (keyword_at("if")) {
    i_ += 2;
    skip();
    parse_expr(out.items.emplace_back());
    out.has_condition = true;
    skip();
  }
  const char close = object ? '}' : ']';
  if (cur() != close) {
    fail(here(), std::string("expected '") + close + "' closing the for expression, found " + describe(i_));
  }
  ++i_;
  out.end_offset = off32(i_);
}

// ---------------------------------------------------------------------------------------------
// Templates

void Parser::parse_quoted(Expr& out) {
  const Pos open = here();
  const size_t begin = i_;
  ++i_;
  // Most strings hold no escape or template sequence: take them whole.
  size_t k = i_;
  while (k < n_ && !(kClass[static_cast<unsigned char>(s_[k])] & kQuotedStop)) ++k;
  if (k < n_ && s_[k] == '"') {
    init(out, ExprKind::kString, open, begin);
    out.text.assign(s_ + i_, k - i_);
    i_ = k + 1;
    out.end_offset = off32(i_);
    return;
  }
  const size_t base = toks_.size(), lit_base = lit_.size(), expr_base = tex_.size();
  bool trim_next = false;
  for (;;) {
    const int c = cur();
    if (c < 0 || c == '\n' || c == '\r') {
      fail(open, "unterminated string: a quoted string ends on its own line (use \\n or a heredoc for multi-line text)");
    }
    if (c == '"') {
      ++i_;
      break;
    }
    if ((c == '$' || c == '%') && peek(i_ + 1) == '{') {
      parse_sequence(c == '$', base, trim_next);
    } else {
      scan_quoted_literal(trim_next, open);
    }
  }
  finish_template(out, open, begin, base, lit_base, expr_base, false);
}

void Parser::push_literal(Pos pos, size_t begin, size_t lit_begin, bool& trim_next) {
  TTok t;
  t.kind = TTok::kLit;
  t.pos = pos;
  t.offset = off32(begin);
  t.end_offset = off32(i_);
  t.lb = lit_begin;
  t.le = lit_.size();
  if (trim_next) trim_left(t);
  trim_next = false;
  toks_.push_back(t);
}

// A run of literal text in a quoted string, up to the closing quote, a template sequence or an
// error; escapes decoded.
void Parser::scan_quoted_literal(bool& trim_next, Pos open) {
  const Pos pos = here();
  const size_t begin = i_;
  const size_t lit_begin = lit_.size();
  for (;;) {
    size_t k = i_;
    while (k < n_ && !(kClass[static_cast<unsigned char>(s_[k])] & kQuotedStop)) ++k;
    lit_.append(s_ + i_, k - i_);
    i_ = k;
    const int c = cur();
    if (c == '\\') {
      decode_escape(open);
    } else if ((c == '$' || c == '%') && peek(i_ + 1) == c && peek(i_ + 2) == '{') {
      lit_ += static_cast<char>(c);  // `$${` and `%%{` are the literal `${` and `%{`
      lit_ += '{';
      i_ += 3;
    } else if ((c == '$' || c == '%') && peek(i_ + 1) != '{') {
      lit_ += static_cast<char>(c);
      ++i_;
    } else {
      break;  // quote, sequence, newline or end of file
    }
  }
  push_literal(pos, begin, lit_begin, trim_next);
}

void Parser::decode_escape(Pos open) {
  const Pos pos = here();
  const int c = peek(i_ + 1);
  switch (c) {
    case 'n': lit_ += '\n'; i_ += 2; return;
    case 'r': lit_ += '\r'; i_ += 2; return;
    case 't': lit_ += '\t'; i_ += 2; return;
    case '"': lit_ += '"'; i_ += 2; return;
    case '\\': lit_ += '\\'; i_ += 2; return;
    case 'u':
    case 'U': {
      const size_t digits = c == 'u' ? 4 : 8;
      char32_t cp = 0;
      for (size_t d = 0; d < digits; ++d) {
        const int h = peek(i_ + 2 + d);
        int v;
        if (h >= '0' && h <= '9') v = h - '0';
        else if (h >= 'a' && h <= 'f') v = h - 'a' + 10;
        else if (h >= 'A' && h <= 'F') v = h - 'A' + 10;
        else fail(pos, std::string("the \\") + static_cast<char>(c) + " escape needs " + std::to_string(digits) + " hexadecimal digits");
        cp = (cp << 4) | static_cast<char32_t>(v);
      }
      if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) fail(pos, "escape for " + code_point_name(cp) + ", which is not a character");
      append_utf8(lit_, cp);
      i_ += 2 + digits;
      return;
    }
    default:
      if (c < 0 || c == '\n' || c == '\r') {
        fail(open, "unterminated string: a quoted string ends on its own line (use \\n or a heredoc for multi-line text)");
      }
      fail(pos, "invalid escape sequence \\" + (c > 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c)) : describe(i_ + 1)) +
                    " (valid: \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN)");
  }
}

// `${ expr }` or `%{ directive }`, with optional `~` strip markers; the cursor is at `$` or `%`.
void Parser::parse_sequence(bool interp, size_t base, bool& trim_next) {
  TTok t;
  t.pos = here();
  t.offset = off32(i_);
  i_ += 2;
  trim_next = false;  // a strip marker only reaches the token right next to it
  if (cur() == '~') {
    t.open_strip = true;
    ++i_;
    if (toks_.size() > base && toks_.back().kind == TTok::kLit) trim_right(toks_.back());
  }
  NewlineMode mode(*this, true);
  skip();
  if (interp) {
    t.kind = TTok::kInterp;
    // Parsed aside, then moved: nested templates grow tex_ meanwhile.
    Expr x;
    parse_expr(x);
    t.expr = tex_.size();
    tex_.push_back(std::move(x));
  } else {
    const Pos kw = here();
    if (keyword_at("if")) {
      i_ += 2;
      skip();
      Expr d = make(ExprKind::kTemplateIf, t.pos, t.offset);
      d.items.reserve(3);
      parse_expr(d.items.emplace_back());
      t.kind = TTok::kIf;
      t.expr = tex_.size();
      tex_.push_back(std::move(d));
    } else if (keyword_at("else")) {
      i_ += 4;
      t.kind = TTok::kElse;
    } else if (keyword_at("endif")) {
      i_ += 5;
      t.kind = TTok::kEndIf;
    } else if (keyword_at("for")) {
      i_ += 3;
      skip();
      Expr d = make(ExprKind::kTemplateFor, t.pos, t.offset);
      read_for_variables(d, "for directive");
      d.items.reserve(2);
      parse_expr(d.items.emplace_back());
      t.kind = TTok::kFor;
      t.expr = tex_.size();
      tex_.push_back(std::move(d));
    } else if (keyword_at("endfor")) {
      i_ += 6;
      t.kind = TTok::kEndFor;
    } else {
      fail(kw, "expected if, else, endif, for or endfor after %{, found " + describe(i_));
    }
  }
  skip();
  if (cur() == '~' && peek(i_ + 1) == '}') {
    t.close_strip = true;
    i_ += 2;
  } else if (cur() == '}') {
    ++i_;
  } else {
    fail(here(), std::string("expected '}' closing the ") + (interp ? "interpolation" : "directive") + ", found " + describe(i_));
  }
  t.end_offset = off32(i_);
  toks_.push_back(t);
  trim_next = t.close_strip;
}

void Parser::trim_left(TTok& t) {
  while (t.lb < t.le) {
    char32_t cp;
    const size_t len = decode_utf8(reinterpret_cast<const unsigned char*>(lit_.data() + t.lb), t.le - t.lb, cp);
    if (len == 0 || !unicode_space(cp)) break;
    t.lb += len;
  }
}

void Parser::trim_right(TTok& t) {
  while (t.le > t.lb) {
    size_t start = t.le - 1;
    while (start > t.lb && (static_cast<unsigned char>(lit_[start]) & 0xC0) == 0x80 && t.le - start < 4) --start;
    char32_t cp;
    const size_t len = decode_utf8(reinterpret_cast<const unsigned char*>(lit_.data() + start), t.le - start, cp);
    if (len != t.le - start || !unicode_space(cp)) break;
    t.le = start;
  }
}

void Parser::parse_heredoc(Expr& out) {
  const Pos open = here();
  const size_t begin = i_;
  i_ += 2;
  const bool indented = cur() == '-';
  if (indented) ++i_;
  const size_t mb = i_;
  const size_t me = scan_ident(i_);
  if (me == mb) fail(here(), "expected a delimiter word after <<, found " + describe(i_));
  const std::string_view marker(s_ + mb, me - mb);
  i_ = me;
  if (cur() == '\r' && peek(i_ + 1) == '\n') ++i_;
  if (cur() != '\n') fail(here(), "expected a newline after the heredoc's <<" + std::string(marker) + ", found " + describe(i_));
  newline_at(i_);
  ++i_;
  const size_t base = toks_.size(), lit_base = lit_.size(), expr_base = tex_.size();
  bool trim_next = false;
  for (;;) {
    // At a line start: is it the closing marker (spaces allowed around it)?
    if (i_ >= n_) fail(open, "unterminated heredoc: no line holding just " + std::string(marker));
    size_t k = i_;
    while (k < n_ && (s_[k] == ' ' || s_[k] == '\t')) ++k;
    if (n_ - k >= marker.size() && std::memcmp(s_ + k, marker.data(), marker.size()) == 0) {
      const size_t e = k + marker.size();
      if (e >= n_ || ident_char(e, false) == 0) {
        size_t t = e;
        while (t < n_ && (s_[t] == ' ' || s_[t] == '\t')) ++t;
        if (t < n_ && (s_[t] == '\n' || (s_[t] == '\r' && peek(t + 1) == '\n'))) {
          i_ = e;
          break;
        }
      }
    }
    scan_heredoc_line(base, trim_next);
  }
  finish_template(out, open, begin, base, lit_base, expr_base, indented);
}

// The rest of one heredoc line, its newline included: literal pieces (no escapes, except that
// `$${` and `%%{` stand for `${` and `%{`) and template sequences.
void Parser::scan_heredoc_line(size_t base, bool& trim_next) {
  Pos pos = here();
  size_t begin = i_;
  size_t lit_begin = lit_.size();
  for (;;) {
    size_t k = i_;
    while (k < n_ && !(kClass[static_cast<unsigned char>(s_[k])] & kHeredocStop)) ++k;
    lit_.append(s_ + i_, k - i_);
    i_ = k;
    const int c = cur();
    if (c < 0) break;
    if (c == '\n') {
      lit_ += '\n';
      newline_at(i_);
      ++i_;
      break;
    }
    if (peek(i_ + 1) == '{') {
      if (lit_.size() > lit_begin) push_literal(pos, begin, lit_begin, trim_next);
      parse_sequence(c == '$', base, trim_next);
      pos = here();
      begin = i_;
      lit_begin = lit_.size();
    } else if (peek(i_ + 1) == c && peek(i_ + 2) == '{') {
      lit_ += static_cast<char>(c);
      lit_ += '{';
      i_ += 3;
    } else {
      lit_ += static_cast<char>(c);
      ++i_;
    }
  }
  if (lit_.size() > lit_begin) push_literal(pos, begin, lit_begin, trim_next);
}

// `<<-`: the smallest indentation of the lines is removed from each, HashiCorp-style: a line
// counts when its first piece is literal text (its leading spaces) or a sequence (zero);
// whitespace-only lines do not count; "line" means the piece after one whose text ends in a
// newline, so a line after a `~}` that stripped the newline is not a line start.
void Parser::dedent(size_t base) {
  size_t min = std::numeric_limits<size_t>::max();
  bool line_start = true;
  adjust_.clear();
  for (size_t k = base; k < toks_.size(); ++k) {
    const TTok& t = toks_[k];
    if (line_start) {
      line_start = false;
      if (t.kind == TTok::kLit) {
        size_t spaces = 0;
        size_t p = t.lb;
        while (p < t.le) {
          char32_t cp;
          const size_t len = decode_utf8(reinterpret_cast<const unsigned char*>(lit_.data() + p), t.le - p, cp);
          if (len == 0 || !unicode_space(cp)) break;
          // CR LF is one character here, as in the grapheme counting HCL uses.
          if (!(cp == '\n' && p > t.lb && lit_[p - 1] == '\r')) ++spaces;
          p += len;
        }
        const bool blank = p == t.le && t.le > t.lb && lit_[t.le - 1] == '\n';
        if (!blank) {
          min = std::min(min, spaces);
          adjust_.push_back(k);
        }
      } else {
        min = 0;
      }
    }
    if (t.kind == TTok::kLit && t.le > t.lb && lit_[t.le - 1] == '\n') line_start = true;
  }
  if (min == 0 || min == std::numeric_limits<size_t>::max()) return;
  for (size_t k : adjust_) {
    TTok& t = toks_[k];
    for (size_t removed = 0; removed < min && t.lb < t.le; ++removed) {
      char32_t cp;
      const size_t len = decode_utf8(reinterpret_cast<const unsigned char*>(lit_.data() + t.lb), t.le - t.lb, cp);
      t.lb += len ? len : 1;
    }
  }
}

void Parser::finish_template(Expr& out, Pos pos, size_t begin, size_t base, size_t lit_base, size_t expr_base, bool dedent_lines) {
  if (dedent_lines) dedent(base);
  bool literal = true;
  size_t total = 0;
  for (size_t k = base; k < toks_.size(); ++k) {
    if (toks_[k].kind != TTok::kLit) {
      literal = false;
      break;
    }
    total += toks_[k].le - toks_[k].lb;
  }
  Expr& e = out;
  if (literal) {
    init(e, ExprKind::kString, pos, begin);
    e.text.reserve(total);
    for (size_t k = base; k < toks_.size(); ++k) e.text.append(lit_, toks_[k].lb, toks_[k].le - toks_[k].lb);
  } else {
    init(e, ExprKind::kTemplate, pos, begin);
    size_t k = base;
    const TTok::Kind stop = build_parts(k, toks_.size(), e.parts);
    if (stop != TTok::kLit) {
      static const char* const kNames[] = {"", "", "", "%{else}", "%{endif}", "", "%{endfor}"};
      fail(toks_[k].pos, std::string(kNames[stop]) + " without a matching opening directive");
    }
  }
  e.end_offset = off32(i_);
  toks_.resize(base);
  lit_.resize(lit_base);
  tex_.resize(expr_base);
}

// Nests directives: parts from toks_[k, end) until a token that closes an enclosing directive
// (returned, k left on it), or the end (kLit returned).
TTok::Kind Parser::build_parts(size_t& k, size_t end, std::vector<Expr>& parts) {
  while (k < end) {
    const TTok t = toks_[k];
    switch (t.kind) {
      case TTok::kLit: {
        // Neighbouring pieces (heredoc lines) become one literal part.
        Expr s = make(ExprKind::kString, t.pos, t.offset);
        size_t j = k;
        size_t total = 0;
        for (; j < end && toks_[j].kind == TTok::kLit; ++j) total += toks_[j].le - toks_[j].lb;
        s.text.reserve(total);
        for (size_t m = k; m < j; ++m) s.text.append(lit_, toks_[m].lb, toks_[m].le - toks_[m].lb);
        s.end_offset = toks_[j - 1].end_offset;
        parts.push_back(std::move(s));
        k = j;
        break;
      }
      case TTok::kInterp: {
        Expr x = std::move(tex_[t.expr]);
        x.strip_left = t.open_strip;
        x.strip_right = t.close_strip;
        parts.push_back(std::move(x));
        ++k;
        break;
      }
      case TTok::kIf:
      case TTok::kFor: {
        DepthGuard guard(*this), body_guard(*this);  // two levels: the directive and its body template
        Expr d = std::move(tex_[t.expr]);
        d.strip_left = t.open_strip;
        d.strip_right = t.close_strip;
        ++k;
        // A branch spans from the end of the directive opening it to the start of the one that
        // closes it.
        auto branch = [&](const TTok& open) {
          Expr body = make(ExprKind::kTemplate, k < end ? toks_[k].pos : open.pos, open.end_offset);
          const TTok::Kind stop = build_parts(k, end, body.parts);
          body.end_offset = k < end ? toks_[k].offset : open.end_offset;
          d.items.push_back(std::move(body));
          return stop;
        };
        TTok::Kind stop = branch(t);
        if (t.kind == TTok::kIf) {
          if (stop == TTok::kElse) {
            const TTok else_token = toks_[k];
            ++k;
            stop = branch(else_token);
          } else if (stop == TTok::kEndIf) {
            Expr none = make(ExprKind::kTemplate, toks_[k].pos, toks_[k].offset);  // no else: empty
            none.end_offset = toks_[k].offset;
            d.items.push_back(std::move(none));
          }
          if (stop != TTok::kEndIf) fail(t.pos, "%{if} without a matching %{endif}");
        } else if (stop != TTok::kEndFor) {
          fail(t.pos, "%{for} without a matching %{endfor}");
        }
        d.end_offset = toks_[k].end_offset;
        ++k;
        parts.push_back(std::move(d));
        break;
      }
      default:
        return t.kind;
    }
  }
  return TTok::kLit;
}

}  // namespace

File parse(std::string_view text, const ParseLimits& limits) {
  File file;
  Parser parser(text, limits, file);
  parser.run();
  return file;
}

}  // namespace atrest::hcl
