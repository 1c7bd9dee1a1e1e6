// The human report: findings grouped by service and resource, worst first, each FAIL with its
// one-line fix, then a summary line. PASS findings are counted, and listed with --show-pass.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "report/report.h"

namespace atrest {
namespace {

struct Palette {
  bool on;
  const char* red() const { return on ? "\033[31m" : ""; }
  const char* bold_red() const { return on ? "\033[1;31m" : ""; }
  const char* green() const { return on ? "\033[32m" : ""; }
  const char* yellow() const { return on ? "\033[33m" : ""; }
  const char* magenta() const { return on ? "\033[35m" : ""; }
  const char* bold() const { return on ? "\033[1m" : ""; }
  const char* dim() const { return on ? "\033[2m" : ""; }
  const char* reset() const { return on ? "\033[0m" : ""; }
  const char* status(Status s) const {
    switch (s) {
      case Status::kPass: return green();
      case Status::kFail: return bold_red();
      case Status::kUnknown: return yellow();
      case Status::kError: return magenta();
    }
    return "";
  }
};

int status_rank(Status s) {  // worst first
  switch (s) {
    case Status::kFail: return 0;
    case Status::kError: return 1;
    case Status::kUnknown: return 2;
    case Status::kPass: return 3;
  }
  return 4;
}

int service_rank(ResourceType t) {
  const char* service = resource_service(t);
  if (std::strcmp(service, "dax") == 0) return 0;
  if (std::strcmp(service, "dynamodb") == 0) return 1;
  if (std::strcmp(service, "elasticache") == 0) return 2;
  if (std::strcmp(service, "kms") == 0) return 3;
  if (std::strcmp(service, "ec2") == 0) return 4;
  return 5;
}

const char* service_title(ResourceType t) {
  switch (service_rank(t)) {
    case 0: return "DAX";
    case 1: return "DynamoDB";
    case 2: return "ElastiCache";
    case 3: return "KMS";
    case 4: return "EC2";
    default: return "IAM";
  }
}

std::string_view opt(const std::string* s) { return s ? std::string_view(*s) : std::string_view("-"); }

// Per requirement of the framework: how many mapped checks passed, failed or could not be
// assessed, worst first within the framework's own order.
std::string compliance_section(const ComplianceSummary& s, const Palette& p) {
  const Framework& fw = *s.framework;
  std::string out = fmt::format("\n{}Compliance: {} {}{} ({})\n", p.bold(), fw.title, fw.version, p.reset(), fw.id);
  size_t failed = 0, passed = 0, open = 0;
  for (const RequirementResult& r : s.requirements) {
    const char* colour = r.failed ? p.bold_red() : r.passed ? p.green() : p.yellow();
    const char* verdict = r.failed ? "FAIL" : r.passed ? "PASS" : "NOT ASSESSED";
    (r.failed ? failed : r.passed ? passed : open) += 1;
    out += fmt::format("  {}{:<12}{}  {:<22}  {} passed, {} failed, {} not assessed", colour, verdict, p.reset(),
                       r.id, r.passed, r.failed, r.not_assessed);
    if (r.findings_unknown || r.findings_error) {
      out += fmt::format(" ({} UNKNOWN, {} ERROR)", r.findings_unknown, r.findings_error);
    }
    out += '\n';
    if (!r.title.empty()) out += fmt::format("  {:<12}  {:<22}  {}{}{}\n", "", "", p.dim(), r.title, p.reset());
  }
  out += fmt::format("  {} requirements: {} with a failing check, {} passed, {} not assessed "
                     "(a check is not assessed when it judged no resource, or only UNKNOWN / ERROR)\n",
                     s.requirements.size(), failed, passed, open);
  return out;
}

}  // namespace

void write_text_report(const ScanResult& scan, const TextOptions& options, Output& out) {
  const Palette p{options.color};
  const ScanCounts c = count(scan);
  if (!options.quiet) {
    std::vector<const Finding*> shown;
    shown.reserve(options.show_pass ? scan.findings.size() : c.fail + c.unknown + c.error);
    for (const Finding& f : scan.findings) {
      if (!f.muted && (options.show_pass || f.status != Status::kPass)) shown.push_back(&f);
    }
    std::stable_sort(shown.begin(), shown.end(), [](const Finding* a, const Finding* b) {
      const Resource& ra = *a->resource;
      const Resource& rb = *b->resource;
      if (service_rank(ra.type) != service_rank(rb.type)) return service_rank(ra.type) < service_rank(rb.type);
      if (ra.account != rb.account) return opt(ra.account) < opt(rb.account);
      if (ra.region != rb.region) return opt(ra.region) < opt(rb.region);
      if (ra.type != rb.type) return ra.type < rb.type;
      if (ra.id != rb.id) return ra.id < rb.id;
      if (&ra != &rb) return &ra < &rb;
      if (status_rank(a->status) != status_rank(b->status)) return status_rank(a->status) < status_rank(b->status);
      if (a->check->severity != b->check->severity) return a->check->severity > b->check->severity;
      return a->check->id < b->check->id;
    });
    int last_service = -1;
    const Resource* last_resource = nullptr;
    std::string line;
    for (const Finding* f : shown) {
      const Resource& r = *f->resource;
      line.clear();
      if (service_rank(r.type) != last_service) {
        last_service = service_rank(r.type);
        line += fmt::format("\n{}{}{}\n", p.bold(), service_title(r.type), p.reset());
      }
      if (&r != last_resource) {
        last_resource = &r;
        std::string where;
        if (r.origin.file) {
          where = *r.origin.file;
          if (r.origin.line) where += fmt::format(":{}", r.origin.line);
        }
        line += fmt::format("  {}{}{}  {}{} {}/{}{}{}\n", p.bold(), r.id, p.reset(), p.dim(),
                            resource_type_name(r), opt(r.account), opt(r.region),
                            where.empty() ? "" : "  ", where);
        line += p.reset();
      }
      const std::string at = f->line && f->line != r.origin.line ? fmt::format(" (line {})", f->line) : "";
      line += fmt::format("    {}{:<7}{}  {:<8}  {:<34}  {}{}\n", p.status(f->status), status_name(f->status),
                          p.reset(), severity_name(f->check->severity), f->check->id, f->message, at);
      if (f->status == Status::kFail && !f->check->remediation.summary.empty()) {
        line += fmt::format("    {:<7}  {:<8}  {:<34}  {}fix: {}{}\n", "", "", "", p.dim(),
                            f->check->remediation.summary, p.reset());
      }
      out << line;
    }
  }
  if (scan.compliance != nullptr && !options.quiet) out << compliance_section(*scan.compliance, p);
  // The summary line: counts per status, failures per severity, and how complete the scan was.
  std::string sev;
  for (auto it = c.fail_by_severity.rbegin(); it != c.fail_by_severity.rend(); ++it) {
    sev += fmt::format("{}{} {}", sev.empty() ? " (" : ", ", it->second, severity_name(it->first));
  }
  if (!sev.empty()) sev += ")";
  std::string line = fmt::format(
      "\n{}Summary:{} {}{} PASS{}, {}{} FAIL{}{}, {}{} UNKNOWN{}, {}{} ERROR{}", p.bold(), p.reset(),
      p.green(), c.pass, p.reset(), c.fail ? p.bold_red() : "", c.fail, p.reset(), sev,
      c.unknown ? p.yellow() : "", c.unknown, p.reset(), c.error ? p.magenta() : "", c.error, p.reset());
  if (c.muted) line += fmt::format(", {} muted", c.muted);
  std::string from;
  if (c.accounts > 0) from = fmt::format("{} AWS account{}", c.accounts, c.accounts == 1 ? "" : "s");
  if (c.files_read > 0 || c.files_skipped > 0 || c.accounts == 0) {
    from += fmt::format("{}{} files ({} skipped)", from.empty() ? "" : " and ", c.files_read, c.files_skipped);
  }
  line += fmt::format(" | {} resources from {}", scan.resources, from);
  if (c.input_errors) line += fmt::format(", {} input errors", c.input_errors);
  line += c.complete() ? " | scan complete\n" : " | scan INCOMPLETE\n";
  out << line;
}

}  // namespace atrest
