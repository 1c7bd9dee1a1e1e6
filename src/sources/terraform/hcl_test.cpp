#include "sources/terraform/hcl.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>

namespace atrest::hcl {
namespace {

// A one-line rendering of an expression tree, so tests can assert whole shapes.
std::string sx(const Expr& e) {
  auto list = [](const std::vector<Expr>& items) {
    std::string out;
    for (const Expr& i : items) {
      out += ' ';
      out.append(sx(i));  // not `" " + sx(i)`: GCC 12 -O3 warns falsely on that temporary
    }
    return out;
  };
  switch (e.kind) {
    case ExprKind::kNull: return "null";
    case ExprKind::kBool: return e.boolean ? "true" : "false";
    case ExprKind::kNumber: return e.text;
    case ExprKind::kString: {
      std::string out = "\"";
      for (char c : e.text) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c == '"') out += "\\\"";
        else out += c;
      }
      return out + "\"";
    }
    case ExprKind::kTemplate: return "(tmpl" + list(e.parts) + ")";
    case ExprKind::kTuple: return "[" + (e.items.empty() ? std::string() : list(e.items).substr(1)) + "]";
    case ExprKind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < e.items.size(); ++i) out += (i ? " " : "") + sx(e.keys[i]) + "=" + sx(e.items[i]);
      return out + "}";
    }
    case ExprKind::kVariable: return e.text;
    case ExprKind::kGetAttr: return "(. " + sx(e.items[0]) + " " + e.text + ")";
    case ExprKind::kIndex: return "(idx " + sx(e.items[0]) + " " + sx(e.items[1]) + ")";
    case ExprKind::kSplat: return "(splat" + e.text + " " + sx(e.items[0]) + " " + sx(e.items[1]) + ")";
    case ExprKind::kSplatItem: return "@";
    case ExprKind::kCall: return "(call " + e.text + list(e.items) + (e.expand_final ? " ..." : "") + ")";
    case ExprKind::kUnary: return "(" + e.text + " " + sx(e.items[0]) + ")";
    case ExprKind::kBinary: return "(" + e.text + " " + sx(e.items[0]) + " " + sx(e.items[1]) + ")";
    case ExprKind::kConditional: return "(?" + list(e.items) + ")";
    case ExprKind::kFor: {
      std::string out = std::string(e.for_object ? "{for " : "[for ") + (e.key_var.empty() ? "" : e.key_var + ",") +
                        e.value_var + " in " + sx(e.items[0]) + " : ";
      if (e.for_object) out += sx(e.keys[0]) + " => ";
      out += sx(e.items[1]);
      if (e.grouping) out += "...";
      if (e.has_condition) out += " if " + sx(e.items[2]);
      return out + (e.for_object ? "}" : "]");
    }
    case ExprKind::kParens: return "(paren " + sx(e.items[0]) + ")";
    case ExprKind::kTemplateIf: return "(%if" + list(e.items) + ")";
    case ExprKind::kTemplateFor:
      return "(%for " + (e.key_var.empty() ? "" : e.key_var + ",") + e.value_var + list(e.items) + ")";
  }
  return "?";
}

std::string errors_of(const File& f) {
  std::string out;
  for (const auto& e : f.errors) out += std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + " " + e.message + "\n";
  return out;
}

const Attribute* find_attr(const Block& b, std::string_view name) {
  for (const auto& a : b.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// Parses `x = <expr>` and renders the expression.
std::string expr(std::string_view source) {
  const File f = parse("x = " + std::string(source) + "\n");
  if (!f.errors.empty()) return "ERROR " + errors_of(f);
  if (f.body.attributes.size() != 1) return "NO ATTRIBUTE";
  return sx(f.body.attributes[0].expr);
}

std::string first_error(std::string_view source) {
  const File f = parse(source);
  if (f.errors.empty()) return "no error";
  return std::to_string(f.errors[0].pos.line) + ":" + std::to_string(f.errors[0].pos.column) + " " + f.errors[0].message;
}

// ---------------------------------------------------------------------------------------------
// Structure

TEST(Hcl, BodiesBlocksLabelsAndPositions) {
  const File f = parse(
      "region = \"eu-west-1\"\n"
      "resource \"aws_kms_key\" \"main\" {\n"
      "  description = \"k\"\n"
      "  nested {\n"
      "    a = 1\n"
      "  }\n"
      "}\n"
      "locals {}\n"
      "thing ident_label \"quoted\" {\n"
      "}\n");
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  ASSERT_EQ(f.body.attributes.size(), 1u);
  EXPECT_EQ(f.body.attributes[0].name, "region");
  EXPECT_EQ(f.body.attributes[0].pos.line, 1u);
  EXPECT_EQ(f.body.attributes[0].expr.pos.column, 10u);
  ASSERT_EQ(f.body.blocks.size(), 3u);
  const Block& r = f.body.blocks[0];
  EXPECT_EQ(r.type, "resource");
  EXPECT_EQ(r.labels, (std::vector<std::string>{"aws_kms_key", "main"}));
  EXPECT_EQ(r.pos.line, 2u);
  EXPECT_EQ(r.pos.column, 1u);
  EXPECT_EQ(r.end.line, 7u);
  EXPECT_EQ(r.end.column, 1u);
  ASSERT_EQ(r.attributes.size(), 1u);
  EXPECT_EQ(r.attributes[0].pos.line, 3u);
  EXPECT_EQ(r.attributes[0].pos.column, 3u);
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].type, "nested");
  EXPECT_EQ(r.blocks[0].pos.column, 3u);
  EXPECT_EQ(r.blocks[0].end.line, 6u);
  EXPECT_EQ(r.blocks[0].end.column, 3u);
  EXPECT_EQ(sx(r.blocks[0].attributes[0].expr), "1");
  EXPECT_EQ(f.body.blocks[1].type, "locals");
  EXPECT_EQ(f.body.blocks[1].end.column, 9u);
  EXPECT_EQ(f.body.blocks[2].labels, (std::vector<std::string>{"ident_label", "quoted"}));
}

TEST(Hcl, OneLineBlocks) {
  const File f = parse("a { b = 1 }\nc \"l\" {}\nd { e = { f = [1, 2] } }\ng {  }\n");
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  ASSERT_EQ(f.body.blocks.size(), 4u);
  EXPECT_EQ(sx(f.body.blocks[0].attributes[0].expr), "1");
  EXPECT_EQ(f.body.blocks[0].end.column, 11u);
  EXPECT_TRUE(f.body.blocks[1].attributes.empty());
  EXPECT_EQ(sx(f.body.blocks[2].attributes[0].expr), "{f=[1 2]}");
  EXPECT_EQ(first_error("a { b = 1, c = 2 }\n"), "1:10 a one-line block holds at most one argument; use one line per argument");
  EXPECT_EQ(first_error("a { b {} }\n").substr(0, 4), "1:5 ");
  EXPECT_EQ(first_error("a { b = 1\n}\n").substr(0, 5), "1:10 ");
  EXPECT_EQ(first_error("a { b = 1 } c = 2\n").substr(0, 5), "1:13 ");
  EXPECT_EQ(first_error("a {\n  b = 1 }\n").substr(0, 4), "2:9 ");
}

TEST(Hcl, CommentsEverywhereCrlfAndBom) {
  const File f = parse(
      "\xEF\xBB\xBF# top\r\n"
      "// slash\r\n"
      "/* block\r\n spanning */ a /* c */ \"l\" /* c */ { # c\r\n"
      "  x = /* c */ 1 // c\r\n"
      "  y = [ # c\r\n"
      "    1, /* c */ 2 // c\r\n"
      "  ]\r\n"
      "  z = { # c\r\n"
      "    k = 1 # c\r\n"
      "  }\r\n"
      "} # c\r\n"
      "# end without newline");
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  ASSERT_EQ(f.body.blocks.size(), 1u);
  const Block& b = f.body.blocks[0];
  EXPECT_EQ(b.pos.line, 4u);
  EXPECT_EQ(b.pos.column, 14u);
  EXPECT_EQ(sx(find_attr(b, "x")->expr), "1");
  EXPECT_EQ(sx(find_attr(b, "y")->expr), "[1 2]");
  EXPECT_EQ(sx(find_attr(b, "z")->expr), "{k=1}");
  EXPECT_EQ(find_attr(b, "z")->pos.line, 9u);
  EXPECT_EQ(b.end.line, 12u);
  // The BOM is not a column.
  EXPECT_EQ(parse("\xEF\xBB\xBFx = 1\n").body.attributes[0].pos.column, 1u);
  EXPECT_EQ(parse("").errors.size(), 0u);
  EXPECT_EQ(parse("# only a comment").body.attributes.size(), 0u);
}

TEST(Hcl, UnicodeIdentifiersAndStrings) {
  const File f = parse("héllo = \"wörld\"\nδ-1 = 2\n日本 = \"東京 ${日本}\"\n");
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  ASSERT_EQ(f.body.attributes.size(), 3u);
  EXPECT_EQ(f.body.attributes[0].name, "héllo");
  EXPECT_EQ(sx(f.body.attributes[0].expr), "\"wörld\"");
  EXPECT_EQ(f.body.attributes[1].name, "δ-1");
  EXPECT_EQ(sx(f.body.attributes[2].expr), "(tmpl \"東京 \" 日本)");
  // A no-break space is not an identifier character (HCL: invalid character).
  EXPECT_EQ(first_error("x\xC2\xA0= 1\n"), "1:2 expected '=', a block label or '{' after 'x', found character U+00A0");
}

// ---------------------------------------------------------------------------------------------
// Literals and templates

TEST(Hcl, Numbers) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("3.25"), "3.25");
  EXPECT_EQ(expr("1e3"), "1e3");
  EXPECT_EQ(expr("1.5E+2"), "1.5E+2");
  EXPECT_EQ(expr("25e-2"), "25e-2");
  const File f = parse("a = 1.5e2\nb = 007\nc = 1e999\n");
  EXPECT_DOUBLE_EQ(f.body.attributes[0].expr.number, 150);
  EXPECT_DOUBLE_EQ(f.body.attributes[1].expr.number, 7);
  EXPECT_EQ(f.body.attributes[2].expr.text, "1e999");  // beyond a double: the spelling is kept
  EXPECT_EQ(expr("-1"), "(- 1)");
  EXPECT_EQ(first_error("x = 1.5.2\n"), "1:5 invalid number literal");
  EXPECT_EQ(first_error("x = .5\n"), "1:5 expected an expression, found '.'");
}

TEST(Hcl, LiteralsAndEscapes) {
  EXPECT_EQ(expr("true"), "true");
  EXPECT_EQ(expr("false"), "false");
  EXPECT_EQ(expr("null"), "null");
  EXPECT_EQ(expr("\"plain\""), "\"plain\"");
  EXPECT_EQ(expr("\"\""), "\"\"");
  EXPECT_EQ(expr(R"("a\nb\rc\td\"e\\f")"), R"("a\nb\rc\td\"e\f")");
  const File f = parse(R"(x = "\u00e9\U0001F600\u0041")" "\n");
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  EXPECT_EQ(f.body.attributes[0].expr.text, "é\xF0\x9F\x98\x80" "A");
  // $${ and %%{ are literal ${ and %{: no template at all.
  EXPECT_EQ(expr(R"("$${a} %%{b} $ % $$ 100%")"), R"("${a} %{b} $ % $$ 100%")");
  EXPECT_EQ(expr(R"("$$${a}")"), R"("$${a}")");
  EXPECT_EQ(first_error(R"(x = "\q")" "\n"),
            R"(1:6 invalid escape sequence \q (valid: \n \r \t \" \\ \uNNNN \UNNNNNNNN))");
  EXPECT_EQ(first_error(R"(x = "\u00")" "\n"), R"(1:6 the \u escape needs 4 hexadecimal digits)");
  EXPECT_EQ(first_error(R"(x = "\uD800")" "\n"), "1:6 escape for U+D800, which is not a character");
}

TEST(Hcl, TemplatesAndInterpolation) {
  EXPECT_EQ(expr(R"("a${var.b}c")"), R"((tmpl "a" (. var b) "c"))");
  EXPECT_EQ(expr(R"("${x}")"), "(tmpl x)");  // one interpolation: HCL returns x's own value
  EXPECT_EQ(expr(R"("${x}${y}")"), "(tmpl x y)");
  EXPECT_EQ(expr(R"("a${"b${c}"}")"), R"((tmpl "a" (tmpl "b" c)))");
  EXPECT_EQ(expr(R"("${a ? "y" : "n"}")"), R"((tmpl (? a "y" "n")))");
  EXPECT_EQ(expr("\"a${\n  b\n}\""), R"((tmpl "a" b))");  // newlines are whitespace inside ${ }
  const File f = parse("x = \"ab${c}\"\n");
  const Expr& t = f.body.attributes[0].expr;
  EXPECT_EQ(t.pos.column, 5u);
  EXPECT_EQ(t.parts[0].pos.column, 6u);
  EXPECT_EQ(t.parts[1].pos.column, 10u);
  EXPECT_EQ(t.offset, 4u);
  EXPECT_EQ(t.end_offset, 12u);
}

TEST(Hcl, StripMarkers) {
  EXPECT_EQ(expr(R"("a  ${~ x ~}  b")"), R"((tmpl "a" x "b"))");
  EXPECT_EQ(expr(R"("a  ${~ x}  b")"), R"((tmpl "a" x "  b"))");
  EXPECT_EQ(expr(R"("a\n ${~x}")"), R"((tmpl "a" x))");  // escaped newlines are spaces too
  // Only the token right next to the marker is stripped.
  EXPECT_EQ(expr(R"("${x ~}${y}  c")"), R"((tmpl x y "  c"))");
  // A literal emptied by stripping stays, so " ${~ 1}" is a string, not the number 1.
  EXPECT_EQ(expr(R"(" ${~ 1}")"), R"((tmpl "" 1))");
  const File f = parse("x = \"a ${~ b ~} c\"\n");
  const Expr& interp = f.body.attributes[0].expr.parts[1];
  EXPECT_TRUE(interp.strip_left);
  EXPECT_TRUE(interp.strip_right);
  EXPECT_EQ(expr(R"("x %{~ if a ~}  yes  %{~ else ~}  no  %{~ endif ~} z")"),
            R"((tmpl "x" (%if a (tmpl "yes") (tmpl "no")) "z"))");
}

TEST(Hcl, Directives) {
  EXPECT_EQ(expr(R"("%{if a}yes%{endif}")"), R"((tmpl (%if a (tmpl "yes") (tmpl))))");
  EXPECT_EQ(expr(R"("%{ if a }y%{ else }n%{ endif }")"), R"((tmpl (%if a (tmpl "y") (tmpl "n"))))");
  EXPECT_EQ(expr(R"("%{for k, v in m}${k}=${v};%{endfor}")"), R"((tmpl (%for k,v m (tmpl k "=" v ";"))))");
  EXPECT_EQ(expr(R"("%{for v in l}%{if v}${v}%{endif}%{endfor}")"), "(tmpl (%for v l (tmpl (%if v (tmpl v) (tmpl)))))");
  EXPECT_EQ(first_error(R"(x = "%{if a}yes")" "\n"), "1:6 %{if} without a matching %{endif}");
  EXPECT_EQ(first_error(R"(x = "%{endfor}")" "\n"), "1:6 %{endfor} without a matching opening directive");
  EXPECT_EQ(first_error(R"(x = "%{for x in y}%{if a}%{endfor}")" "\n"), "1:19 %{if} without a matching %{endif}");
  EXPECT_EQ(first_error(R"(x = "%{if a}%{else}%{else}%{endif}")" "\n"), "1:6 %{if} without a matching %{endif}");
  EXPECT_EQ(first_error(R"(x = "%{bogus}")" "\n"), "1:8 expected if, else, endif, for or endfor after %{, found 'bogus'");
}

TEST(Hcl, Heredocs) {
  EXPECT_EQ(expr("<<EOF\nhello ${name}\n  world\nEOF"), R"((tmpl "hello " name "\n  world\n"))");
  EXPECT_EQ(expr("<<EOF\nEOF"), R"("")");
  EXPECT_EQ(expr("<<EOF\n  plain\n  EOF"), R"("  plain\n")");  // the marker may be indented
  EXPECT_EQ(expr("<<EOF\nEOFX\nxEOF\n EOF "), R"("EOFX\nxEOF\n")");  // spaces around the marker are fine
  // <<-: the smallest indentation of all lines, lines starting with ${ included, is removed.
  EXPECT_EQ(expr("<<-EOT\n      a\n    ${b} c\n      d\n  EOT"), R"((tmpl "  a\n" b " c\n  d\n"))");
  EXPECT_EQ(expr("<<-EOT\n    a\n\n      b\n    EOT"), R"("a\n\n  b\n")");  // blank lines do not count
  EXPECT_EQ(expr("<<-EOT\n\t\ttab\n\t\t  more\n\tEOT"), R"("tab\n  more\n")");
  // HashiCorp's quirk, reproduced: after `~}` strips a newline the next line is not a line start,
  // so its indentation stays.
  EXPECT_EQ(expr("<<-EOT\n    %{ for a in b ~}\n    item ${a}\n    %{ endfor ~}\n  EOT"),
            R"((tmpl "" (%for a b (tmpl "    item " a "\n")) ""))");
  // `${~` strips only the piece before it: the rest of its line, or the previous line.
  EXPECT_EQ(expr("<<EOT\n  a  \n\n  ${~ x}\nEOT"), R"((tmpl "  a  \n\n" x "\n"))");
  EXPECT_EQ(expr("<<EOT\na\n${~ x}\nEOT"), R"((tmpl "a" x "\n"))");
  // CRLF files keep CRLF inside heredocs.
  EXPECT_EQ(expr("<<EOF\r\nline\r\nEOF\r"), R"("line\r\n")");
  // No escapes in heredocs except $${ and %%{.
  EXPECT_EQ(parse("x = <<EOF\na\\nb $${c} %%{d}\nEOF\n").body.attributes[0].expr.text, "a\\nb ${c} %{d}\n");
}

TEST(Hcl, NestedHeredocs) {
  const File f = parse(
      "x = <<OUTER\n"
      "before ${upper(<<INNER\n"
      "inner ${v}\n"
      "INNER\n"
      ")} after\n"
      "OUTER\n"
      "y = \"q ${<<A\n"
      "a\n"
      "A\n"
      "} r\"\n"
      "z = [<<B\n"
      "b\n"
      "B\n"
      ", 1]\n");
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  EXPECT_EQ(sx(f.body.attributes[0].expr), R"((tmpl "before " (call upper (tmpl "inner " v "\n")) " after\n"))");
  EXPECT_EQ(sx(f.body.attributes[1].expr), R"((tmpl "q " "a\n" " r"))");
  EXPECT_EQ(sx(f.body.attributes[2].expr), R"(["b\n" 1])");
  EXPECT_EQ(f.body.attributes[1].pos.line, 7u);
  EXPECT_EQ(f.body.attributes[2].pos.line, 11u);
  // Inside an interpolation the outer marker is just an identifier.
  const File g = parse("x = <<EOF\n${\nEOF\n}\nEOF\n");
  ASSERT_TRUE(g.errors.empty()) << errors_of(g);
  EXPECT_EQ(sx(g.body.attributes[0].expr), R"((tmpl EOF "\n"))");
}

// ---------------------------------------------------------------------------------------------
// Expressions

TEST(Hcl, TuplesAndObjects) {
  EXPECT_EQ(expr("[]"), "[]");
  EXPECT_EQ(expr("[1, \"a\", b,]"), R"([1 "a" b])");
  EXPECT_EQ(expr("[\n  1,\n  2\n  ,3\n]"), "[1 2 3]");
  EXPECT_EQ(expr("{}"), "{}");
  EXPECT_EQ(expr("{a = 1, \"b\" = 2, c: 3, (d) = 4, e.f = 5,}"), R"({a=1 "b"=2 c=3 (paren d)=4 (. e f)=5})");
  EXPECT_EQ(expr("{\n  a = 1\n\n  b = [\n    2\n  ]\n  c = 3,\n}"), "{a=1 b=[2] c=3}");
  EXPECT_EQ(expr("{ a = { b = { c = {} } } }"), "{a={b={c={}}}}");
  const File f = parse("x = {\n  key = 1\n}\n");
  const Expr& obj = f.body.attributes[0].expr;
  EXPECT_EQ(obj.keys[0].kind, ExprKind::kVariable);  // a bare key is a variable node named like the key
  EXPECT_EQ(obj.keys[0].pos.line, 2u);
  EXPECT_EQ(obj.keys[0].pos.column, 3u);
  EXPECT_EQ(first_error("x = {a = 1 b = 2}\n"), "1:12 expected ',', a newline or '}' after the object element, found 'b'");
  EXPECT_EQ(first_error("x = {a = 1\n,b = 2}\n"), "2:1 expected an expression, found ','");
  EXPECT_EQ(first_error("x = [1 2]\n"), "1:8 expected ',' or ']' in the tuple, found '2'");
  EXPECT_EQ(first_error("x = {for = 1}\n"), "1:10 expected a variable name after 'for', found '='");
}

TEST(Hcl, FunctionCalls) {
  EXPECT_EQ(expr("f()"), "(call f)");
  EXPECT_EQ(expr("f(1, a,)"), "(call f 1 a)");
  EXPECT_EQ(expr("f(\n  1,\n  2\n)"), "(call f 1 2)");
  EXPECT_EQ(expr("concat(a, b...)"), "(call concat a b ...)");
  EXPECT_EQ(expr("provider::aws::arn_parse(r).region"), "(. (call provider::aws::arn_parse r) region)");
  EXPECT_EQ(expr("provider :: aws :: trim(x)"), "(call provider::aws::trim x)");
  EXPECT_EQ(expr("f (1)"), "(call f 1)");
  EXPECT_EQ(first_error("x = f(a..., b)\n"), "1:11 expected ')' after the expanded final argument, found ','");
  EXPECT_EQ(first_error("x = provider::aws::arn_parse\n"),
            "1:29 expected '(' after the function name 'provider::aws::arn_parse', found a newline");
  EXPECT_EQ(first_error("x = a.b()\n"), "1:8 expected a newline after the argument, found '('");
}

TEST(Hcl, OperatorPrecedence) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(expr("a / b * c"), "(* (/ a b) c)");  // left-associative
  EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr("a % b + c"), "(+ (% a b) c)");
  EXPECT_EQ(expr("a + b > c"), "(> (+ a b) c)");
  EXPECT_EQ(expr("a > b == c < d"), "(== (> a b) (< c d))");
  EXPECT_EQ(expr("a <= b != c >= d"), "(!= (<= a b) (>= c d))");
  EXPECT_EQ(expr("a == b && c"), "(&& (== a b) c)");
  EXPECT_EQ(expr("a || b && c"), "(|| a (&& b c))");
  EXPECT_EQ(expr("a && b || c && d"), "(|| (&& a b) (&& c d))");
  EXPECT_EQ(expr("!a && -b * c"), "(&& (! a) (* (- b) c))");
  EXPECT_EQ(expr("- -1"), "(- (- 1))");
  EXPECT_EQ(expr("!!a"), "(! (! a))");
  EXPECT_EQ(expr("-a.b[0]"), "(- (idx (. a b) 0))");
  EXPECT_EQ(expr("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
  EXPECT_EQ(expr("a ? b : c ? d : e"), "(? a b (? c d e))");
  EXPECT_EQ(expr("a ? b ? 1 : 2 : 3"), "(? a (? b 1 2) 3)");
  EXPECT_EQ(expr("(a + b) * c"), "(* (paren (+ a b)) c)");
  EXPECT_EQ(expr("(\n  a\n  + b\n)"), "(paren (+ a b))");
  EXPECT_EQ(expr("a != !b"), "(!= a (! b))");
  // Newlines end an argument outside brackets.
  EXPECT_EQ(first_error("x = a\n? 1 : 2\n"), "2:1 expected an argument or block definition, found '?'");
  EXPECT_EQ(first_error("x = a ?\n 1 : 2\n"), "1:8 expected an expression, found a newline");
  EXPECT_EQ(first_error("x = a +\n 1\n"), "1:8 expected an expression, found a newline");
}

TEST(Hcl, ForExpressions) {
  EXPECT_EQ(expr("[for v in l : v.id]"), "[for v in l : (. v id)]");
  EXPECT_EQ(expr("[for i, v in l : v if i > 0]"), "[for i,v in l : v if (> i 0)]");
  EXPECT_EQ(expr("{for k, v in m : k => v}"), "{for k,v in m : k => v}");
  EXPECT_EQ(expr("{for s in l : substr(s, 0, 1) => s... if s != \"\"}"),
            R"({for s in l : (call substr s 0 1) => s... if (!= s "")})");
  EXPECT_EQ(expr("[\n  for x in y :\n  x\n  if x\n]"), "[for x in y : x if x]");
  EXPECT_EQ(expr("{\n  for x in y : x => x\n}"), "{for x in y : x => x}");
  EXPECT_EQ(expr("[for x in a ? b : c : x ? 1 : 2]"), "[for x in (? a b c) : (? x 1 2)]");
  EXPECT_EQ(first_error("x = [for v in l : v...]\n"), "1:20 grouping '...' is only allowed in an object for expression");
  EXPECT_EQ(first_error("x = [for, a]\n"), "1:9 expected a variable name after 'for', found ','");
  EXPECT_EQ(expr("[(for), a]"), "[(paren for) a]");
}

TEST(Hcl, TraversalsSplatsAndIndexes) {
  EXPECT_EQ(expr("var.a.b"), "(. (. var a) b)");
  EXPECT_EQ(expr("a[0][\"k\"]"), R"((idx (idx a 0) "k"))");
  EXPECT_EQ(expr("a[\n  0\n]"), "(idx a 0)");
  EXPECT_EQ(expr("a.0"), "(idx a 0)");  // legacy index
  EXPECT_EQ(expr("a.0.b"), "(. (idx a 0) b)");
  EXPECT_EQ(expr("a.if.for"), "(. (. a if) for)");
  EXPECT_EQ(expr("a[*]"), "(splat[*] a @)");
  EXPECT_EQ(expr("a.*"), "(splat.* a @)");
  EXPECT_EQ(expr("a[*].b[0].c"), "(splat[*] a (. (idx (. @ b) 0) c))");
  // After .* only attribute steps belong to the splat: the index applies to the result.
  EXPECT_EQ(expr("a.*.b[0]"), "(idx (splat.* a (. @ b)) 0)");
  EXPECT_EQ(expr("a.*.0"), "(splat.* a (idx @ 0))");
  EXPECT_EQ(expr("a[*].b[*].c"), "(splat[*] (splat[*] a (. @ b)) (. @ c))");
  EXPECT_EQ(expr("a[*].b.*.c"), "(splat.* (splat[*] a (. @ b)) (. @ c))");
  EXPECT_EQ(expr("f(x)[*].id"), "(splat[*] (call f x) (. @ id))");
  EXPECT_EQ(expr("[a, b][0]"), "(idx [a b] 0)");
  EXPECT_EQ(expr("\"s\"[0]"), R"((idx "s" 0))");
  const File f = parse("x = aws_instance.web[*].id\n");
  const Expr& s = f.body.attributes[0].expr;
  EXPECT_EQ(s.items[1].items[0].kind, ExprKind::kSplatItem);
  EXPECT_EQ(s.items[1].items[0].pos.column, 22u);
  EXPECT_EQ(std::string("x = aws_instance.web[*].id").substr(s.offset, s.end_offset - s.offset), "aws_instance.web[*].id");
  EXPECT_EQ(first_error("x = a.0.1\n"), "1:7 legacy index syntax cannot be chained (write [0][1] instead of .0.1)");
  EXPECT_EQ(first_error("x = a.*.b.*\n"), "1:11 a splat cannot follow an attribute-only splat (.*); use [*] for the outer one");
  EXPECT_EQ(first_error("x = a.\n"), "1:7 expected an attribute name after '.', found a newline");
}

TEST(Hcl, PositionsAndSourceRanges) {
  const std::string src = "x = foo(a.b, [1, 2]) + -c\ny = { k = \"v\" }\n";
  const File f = parse(src);
  ASSERT_TRUE(f.errors.empty()) << errors_of(f);
  auto text = [&](const Expr& e) { return src.substr(e.offset, e.end_offset - e.offset); };
  const Expr& sum = f.body.attributes[0].expr;
  EXPECT_EQ(text(sum), "foo(a.b, [1, 2]) + -c");
  EXPECT_EQ(text(sum.items[0]), "foo(a.b, [1, 2])");
  EXPECT_EQ(text(sum.items[0].items[0]), "a.b");
  EXPECT_EQ(sum.items[0].items[0].pos.column, 9u);
  EXPECT_EQ(text(sum.items[0].items[1]), "[1, 2]");
  EXPECT_EQ(sum.items[0].items[1].items[1].pos.column, 18u);
  EXPECT_EQ(text(sum.items[1]), "-c");
  EXPECT_EQ(sum.items[1].pos.column, 24u);
  const Expr& obj = f.body.attributes[1].expr;
  EXPECT_EQ(obj.pos.line, 2u);
  EXPECT_EQ(obj.items[0].pos.column, 11u);
  EXPECT_EQ(text(obj.items[0]), "\"v\"");
  EXPECT_EQ(text(obj), "{ k = \"v\" }");
}

// ---------------------------------------------------------------------------------------------
// Errors, recovery and limits

TEST(Hcl, RecoversAtTheNextTopLevelBlock) {
  const File f = parse(
      "resource \"a\" \"broken\" {\n"
      "  x = (1 +\n"
      "  y = 2\n"
      "}\n"
      "resource \"a\" \"good\" {\n"
      "  z = 3\n"
      "}\n");
  ASSERT_EQ(f.errors.size(), 1u) << errors_of(f);
  EXPECT_EQ(f.errors[0].pos.line, 3u);
  EXPECT_EQ(f.errors[0].pos.column, 5u);
  EXPECT_EQ(f.errors[0].message, "expected ')', found '='");
  ASSERT_EQ(f.body.blocks.size(), 1u);  // the broken block is dropped, not half-kept
  EXPECT_EQ(f.body.blocks[0].labels[1], "good");
  EXPECT_EQ(sx(f.body.blocks[0].attributes[0].expr), "3");
}

TEST(Hcl, RecoveryFindsABlockOnTheErrorLineAndSkipsClosingBraces) {
  // The unclosed tuple swallows the next block's first line: recovery restarts on it.
  const File f = parse(
      "locals {\n"
      "  a = [1,\n"
      "resource \"x\" \"y\" {\n"
      "  b = 1\n"
      "}\n");
  ASSERT_EQ(f.errors.size(), 1u) << errors_of(f);
  EXPECT_EQ(f.errors[0].pos.line, 3u);
  ASSERT_EQ(f.body.blocks.size(), 1u);
  EXPECT_EQ(f.body.blocks[0].type, "resource");
  // Errors in several blocks, and at top level: each is reported once; good items survive.
  const File g = parse(
      "a {\n  x = \n}\n"
      "ok1 = 1\n"
      "b {\n  y = \"unterminated\n}\n"
      "c {\n  z = 1\n}\n"
      "} stray\n"
      "d {\n  w = %\n}\n"
      "e \"l\" { v = 2 }\n");
  ASSERT_EQ(g.errors.size(), 4u) << errors_of(g);
  EXPECT_EQ(g.errors[0].pos.line, 2u);
  EXPECT_EQ(g.errors[1].pos.line, 6u);
  EXPECT_EQ(g.errors[1].pos.column, 7u);
  EXPECT_EQ(g.errors[2].pos.line, 11u);
  EXPECT_EQ(g.errors[3].pos.line, 13u);
  ASSERT_EQ(g.body.blocks.size(), 2u);
  EXPECT_EQ(g.body.blocks[0].type, "c");
  EXPECT_EQ(g.body.blocks[1].type, "e");
  ASSERT_EQ(g.body.attributes.size(), 1u);
  EXPECT_EQ(g.body.attributes[0].name, "ok1");
}

TEST(Hcl, DuplicateArgumentsAreReportedAndTheFirstKept) {
  const File f = parse("a {\n  x = 1\n  y = 2\n  x = 3\n}\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(errors_of(f), "4:3 argument 'x' is already set at 2:3\n");
  ASSERT_EQ(f.body.blocks[0].attributes.size(), 2u);
  EXPECT_EQ(sx(f.body.blocks[0].attributes[0].expr), "1");
  // The sorted path for large bodies.
  std::string big = "locals {\n";
  for (int i = 0; i < 40; ++i) big += "  k" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  big += "  k7 = 0\n  k7 = 1\n}\n";
  const File g = parse(big);
  EXPECT_EQ(errors_of(g), "42:3 argument 'k7' is already set at 9:3\n43:3 argument 'k7' is already set at 9:3\n");
  EXPECT_EQ(g.body.blocks[0].attributes.size(), 40u);
}

TEST(Hcl, UnterminatedEverything) {
  EXPECT_EQ(first_error("x = \"abc\n"), "1:5 unterminated string: a quoted string ends on its own line (use \\n or a heredoc for multi-line text)");
  EXPECT_EQ(first_error("x = \"abc"), first_error("x = \"abc\n"));
  EXPECT_EQ(first_error("x = \"a\\"), first_error("x = \"abc\n"));
  EXPECT_EQ(first_error("x = <<EOF\nabc\n"), "1:5 unterminated heredoc: no line holding just EOF");
  EXPECT_EQ(first_error("x = <<EOF\nabc\nEOF"), "1:5 unterminated heredoc: no line holding just EOF");  // HCL needs the newline
  EXPECT_EQ(first_error("x = <<\n"), "1:7 expected a delimiter word after <<, found a newline");
  EXPECT_EQ(first_error("x = <<EOF junk\n"), "1:10 expected a newline after the heredoc's <<EOF, found whitespace");
  EXPECT_EQ(first_error("x = 1\n/* abc"), "2:1 unterminated comment: no closing */");
  EXPECT_EQ(first_error("x = /* abc"), "1:5 unterminated comment: no closing */");
  EXPECT_EQ(first_error("x = \"${a\"\n"), "1:9 expected '}' closing the interpolation, found '\"'");
  EXPECT_EQ(first_error("x = \"${"), "1:8 expected an expression, found end of file");
  EXPECT_EQ(first_error("x = \"%{if a\""), "1:12 expected '}' closing the directive, found '\"'");
  EXPECT_EQ(first_error("a {\n  b = 1\n"), "1:3 no closing '}' for this block");
  EXPECT_EQ(first_error("a {"), "1:3 no closing '}' for this block");
  EXPECT_EQ(first_error("a \"l"), "1:3 unterminated string: a quoted string ends on its own line (use \\n or a heredoc for multi-line text)");
  EXPECT_EQ(first_error("x = [1, 2"), "1:10 expected ',' or ']' in the tuple, found end of file");
  EXPECT_EQ(first_error("x = {a = 1"), "1:5 no closing '}' for this object");
  EXPECT_EQ(first_error("x = f(1"), "1:8 expected ',' or ')' in the arguments of f(), found end of file");
  EXPECT_EQ(first_error("x = (1"), "1:7 expected ')', found end of file");
  EXPECT_EQ(first_error("x = [for v in l"), "1:16 expected ':' after the for expression's collection, found end of file");
  EXPECT_EQ(first_error("x ="), "1:4 expected an expression, found end of file");
  EXPECT_EQ(first_error("x"), "1:2 expected '=', a block label or '{' after 'x', found end of file");
}

TEST(Hcl, BinaryAndInvalidBytes) {
  EXPECT_EQ(first_error(std::string("x = 1\n\0\n", 8)), "2:1 expected an argument or block definition, found control character 0x00");
  EXPECT_EQ(first_error("x = \"\xFF\"\n"), "1:6 invalid UTF-8 (byte 0xFF)");
  EXPECT_EQ(first_error("x = 1\ry = 2\n"), "1:6 expected a newline after the argument, found control character 0x0D");
  EXPECT_EQ(first_error("\xC3"), "1:1 invalid UTF-8 (byte 0xC3)");
  // A NUL inside a string is just a character.
  EXPECT_TRUE(parse(std::string("x = \"a\0b\"\n", 10)).errors.empty());
  // Random bytes and random mutations of real HCL: errors, never a crash or a hang.
  const std::string sample =
      "resource \"aws_kms_key\" \"k\" {\n  policy = <<-EOT\n    ${jsonencode({a = [for x in y : x if x]})}\n"
      "    %{ if a ~}yes%{ else }no%{ endif }\n  EOT\n  tags = { (k) = v.*.id, b = a[*].c[0] }\n}\n";
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string s = sample;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0: s.insert(at, 1, static_cast<char>(rng() % 256)); break;
        case 1: if (at < s.size()) s.erase(at, 1); break;
        default: if (at < s.size()) s[at] = "{}[]()\"$%~<\n=.*:?"[rng() % 18]; break;
      }
    }
    (void)parse(s);
    std::string noise(rng() % 200, '\0');
    for (char& c : noise) c = static_cast<char>(rng() % 256);
    (void)parse(noise);
  }
}

TEST(Hcl, DepthBombsAreErrorsNotCrashes) {
  const size_t n = 100000;
  auto deep = [&](const std::string& open, const std::string& middle, const std::string& close) {
    std::string s = "x = ";
    for (size_t i = 0; i < n; ++i) s += open;
    s += middle;
    for (size_t i = 0; i < n; ++i) s += close;
    return s + "\n";
  };
  const std::string limit = "nesting deeper than 256 levels";
  for (const std::string& bomb : {
           deep("[", "1", "]"), deep("(", "1", ")"), deep("{a=", "1", "}"), deep("f(", "1", ")"),
           deep("!", "a", ""), deep("-", "a", ""), deep("\"${", "1", "}\""), deep("a ? b : ", "c", ""),
           deep("", "a", ".b"), deep("", "a", "[0]"), deep("", "1", " + 1"), deep("", "a[*]", ".b"),
           deep("[for x in ", "y", " : x]"),
       }) {
    const File f = parse(bomb);
    ASSERT_FALSE(f.errors.empty());
    EXPECT_NE(f.errors[0].message.find(limit), std::string::npos) << f.errors[0].message;
  }
  const File d = parse("x = \"" + [&] {
    std::string t;
    for (size_t i = 0; i < n; ++i) t += "%{if a}";
    for (size_t i = 0; i < n; ++i) t += "%{endif}";
    return t;
  }() + "\"\n");
  ASSERT_FALSE(d.errors.empty());
  EXPECT_NE(d.errors[0].message.find(limit), std::string::npos) << d.errors[0].message;
  std::string blocks;  // fewer: each stray `}` after the error is an error of its own
  for (size_t i = 0; i < 5000; ++i) blocks += "a {\n";
  for (size_t i = 0; i < 5000; ++i) blocks += "}\n";
  const File f = parse(blocks);
  ASSERT_FALSE(f.errors.empty());
  EXPECT_NE(f.errors[0].message.find(limit), std::string::npos);
  // Exactly at the limit is fine; the limit is configurable.
  std::string ok = "x = " + std::string(250, '[') + std::string(250, ']') + "\n";
  EXPECT_TRUE(parse(ok).errors.empty());
  EXPECT_FALSE(parse(ok, ParseLimits{.max_depth = 100}).errors.empty());
}

TEST(Hcl, ManyErrorsStayLinear) {
  // Every line is broken. Recovery that rescanned would make 4x the input cost ~16x the time;
  // linear costs ~4x. Best of three runs each, to ride out noise.
  auto seconds = [](int lines) {
    std::string s;
    for (int i = 0; i < lines; ++i) s += i % 2 ? "a { b = ( }\n" : "x = \"unterminated\n";
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const File f = parse(s);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      EXPECT_EQ(f.errors.size(), static_cast<size_t>(lines / 2 + 1));  // the x = lines are skipped to the next block
    }
    return best;
  };
  // An unclosed comment swallows the rest of the file, as in HashiCorp's scanner: one error, and
  // no rescanning per comment.
  std::string comments;
  for (int i = 0; i < 50000; ++i) comments += "b {}\n/* open\n";
  const File c = parse(comments);
  EXPECT_EQ(errors_of(c), "2:1 unterminated comment: no closing */\n");
  EXPECT_EQ(c.body.blocks.size(), 1u);
  const double small = seconds(10000);
  const double large = seconds(40000);
  EXPECT_LT(large, 8 * small + 0.05) << small << "s for 10000 lines, " << large << "s for 40000";
}

}  // namespace
}  // namespace atrest::hcl
