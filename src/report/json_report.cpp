// The JSON report, schema atrest/findings/v1 (docs/findings-v1.schema.json). Stable: add
// fields only with a schema change.
#include <fmt/format.h>

#include <unordered_map>

#include "report/report.h"

namespace atrest {
namespace {

// Appends s as a JSON string literal.
void str(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", c);
    }
    run = i + 1;
  }
  out.append(s.substr(run));
  out += '"';
}

void str_or_null(std::string& out, const std::string* s) {
  if (s == nullptr) {
    out += "null";
  } else {
    str(out, *s);
  }
}

void string_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    str(out, items[i]);
  }
  out += ']';
}

// The parts of a finding that depend only on its check, rendered once per check: the head
// (check_id, title, severity) and the tail (remediation, compliance, equivalents).
struct CheckFragments {
  std::string head, tail;
};

CheckFragments render_check(const CheckMeta& m) {
  CheckFragments f;
  f.head = "{\"check_id\":";
  str(f.head, m.id);
  f.head += ",\"title\":";
  str(f.head, m.title);
  f.head += ",\"severity\":\"";
  f.head += severity_name(m.severity);
  f.head += '"';
  std::string& t = f.tail;
  t = ",\"remediation\":{\"text\":";
  str(t, m.remediation.summary);
  t += ",\"cli\":";
  str(t, m.remediation.cli);
  t += ",\"cloudformation\":";
  str(t, m.remediation.cloudformation);
  t += ",\"terraform\":";
  str(t, m.remediation.terraform);
  t += "},\"compliance\":{";
  for (size_t k = 0; k < m.compliance.size(); ++k) {
    if (k) t += ',';
    str(t, m.compliance[k].first);
    t += ':';
    string_list(t, m.compliance[k].second);
  }
  t += "},\"equivalents\":{";
  for (size_t k = 0; k < m.equivalents.size(); ++k) {
    if (k) t += ',';
    str(t, m.equivalents[k].first);
    t += ':';
    str(t, m.equivalents[k].second);
  }
  t += "}}";
  return f;
}

// "compliance": the framework and, per requirement it cites, how the mapped checks fared.
void write_compliance(std::string& b, const ComplianceSummary& s) {
  const Framework& fw = *s.framework;
  b += ",\n\"compliance\":{\"framework\":";
  str(b, fw.id);
  b += ",\"title\":";
  str(b, fw.title);
  b += ",\"version\":";
  str(b, fw.version);
  b += ",\"source\":";
  str(b, fw.source);
  b += ",\"requirements\":[";
  for (size_t i = 0; i < s.requirements.size(); ++i) {
    const RequirementResult& r = s.requirements[i];
    b += i ? ",\n{\"id\":" : "\n{\"id\":";
    str(b, r.id);
    b += ",\"title\":";
    str_or_null(b, r.title.empty() ? nullptr : &r.title);
    b += ",\"checks\":";
    string_list(b, r.checks);
    b += fmt::format(",\"passed\":{},\"failed\":{},\"not_assessed\":{},"
                     "\"findings\":{{\"PASS\":{},\"FAIL\":{},\"UNKNOWN\":{},\"ERROR\":{}}}}}",
                     r.passed, r.failed, r.not_assessed, r.findings_pass, r.findings_fail, r.findings_unknown,
                     r.findings_error);
  }
  b += "]}";
}

}  // namespace

void write_json_report(const ScanResult& scan, Output& out) {
  const ScanCounts c = count(scan);
  std::string b;
  b += "{\"schema\":\"atrest/findings/v1\",\"tool\":{\"name\":\"atrest\",\"version\":";
  str(b, scan.tool_version);
  b += "},\"started_at\":";
  str(b, scan.started_at);
  b += ",\"finished_at\":";
  str(b, scan.finished_at);
  b += ",\"inputs\":[";
  for (size_t i = 0; i < scan.inputs.size(); ++i) {
    const InputSummary& in = scan.inputs[i];
    if (i) b += ',';
    b += "{\"kind\":";
    str(b, source_kind_name(in.kind));
    b += ",\"source\":";
    str(b, in.source);
    b += fmt::format(",\"resources\":{},\"errors\":", in.resources);
    string_list(b, in.errors);
    if (!in.notes.empty()) {
      b += ",\"notes\":";
      string_list(b, in.notes);
    }
    b += '}';
  }
  b += "],\"findings\":[";
  out << b;
  std::unordered_map<const CheckMeta*, CheckFragments> fragments;
  for (size_t i = 0; i < scan.findings.size(); ++i) {
    const Finding& f = scan.findings[i];
    const Resource& r = *f.resource;
    auto it = fragments.find(f.check);
    if (it == fragments.end()) it = fragments.emplace(f.check, render_check(*f.check)).first;
    b.clear();
    if (i) b += ',';
    b += '\n';
    b += it->second.head;
    b += ",\"status\":\"";
    b += status_name(f.status);
    b += f.muted ? "\",\"muted\":true" : "\",\"muted\":false";
    b += ",\"resource\":{\"type\":\"";
    b += resource_type_name(r);
    b += "\",\"id\":";
    str(b, r.id);
    b += ",\"arn\":";
    str_or_null(b, r.arn.is_known() ? &r.arn.value() : nullptr);
    b += ",\"account\":";
    str_or_null(b, r.account);
    b += ",\"region\":";
    str_or_null(b, r.region);
    b += "},\"location\":";
    if (r.origin.file == nullptr) {
      b += "null";
    } else {
      b += "{\"file\":";
      str(b, *r.origin.file);
      b += ",\"line\":";
      b += f.line ? std::to_string(f.line) : std::string("null");
      b += ",\"column\":";
      b += f.column ? std::to_string(f.column) : std::string("null");
      b += '}';
    }
    b += ",\"message\":";
    str(b, f.message);
    b += it->second.tail;
    out << b;
  }
  b = fmt::format("],\n\"summary\":{{\"PASS\":{},\"FAIL\":{},\"UNKNOWN\":{},\"ERROR\":{},\"muted\":{},"
                  "\"complete\":{},\"by_severity\":{{",
                  c.pass, c.fail, c.unknown, c.error, c.muted, c.complete() ? "true" : "false");
  bool first = true;
  for (auto sev = c.fail_by_severity.rbegin(); sev != c.fail_by_severity.rend(); ++sev) {
    b += fmt::format("{}\"{}\":{}", first ? "" : ",", severity_name(sev->first), sev->second);
    first = false;
  }
  b += fmt::format("}},\"skipped_files\":{}}}", c.files_skipped);
  if (scan.compliance != nullptr) write_compliance(b, *scan.compliance);
  b += "}\n";
  out << b;
}

}  // namespace atrest
