// The commands: scan (sources -> inventory -> checks -> findings -> report), checks, explain.
#include "cli/scan_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "checks/engine.h"
#include "checks/registry.h"
#include "report/report.h"
#include "sources/cloudformation/cloudformation_source.h"
#include "sources/load.h"

namespace atrest {
namespace {

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms));
}

bool catalog_ok() {
  for (const std::string& p : registry_problems()) fmt::print(stderr, "atrest: internal error: {}\n", p);
  return registry_problems().empty();
}

// Resolves --checks / --skip-checks; an unknown id is a usage error.
bool select_checks(const ScanOptions& o, std::vector<const CheckDef*>& out) {
  for (const auto* list : {&o.checks, &o.skip_checks}) {
    for (const std::string& id : *list) {
      if (find_check(id) == nullptr) {
        fmt::print(stderr, "atrest: unknown check id '{}' (see `atrest checks`)\n", id);
        return false;
      }
    }
  }
  for (const CheckDef& def : all_checks()) {
    const bool wanted = o.checks.empty() ||
                        std::find(o.checks.begin(), o.checks.end(), def.meta.id) != o.checks.end();
    const bool skipped =
        std::find(o.skip_checks.begin(), o.skip_checks.end(), def.meta.id) != o.skip_checks.end();
    if (wanted && !skipped) out.push_back(&def);
  }
  return true;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  return fmt::format("{}", fmt::join(items, sep));
}

// The input kinds this build can read; the catalog names more, which later sources add.
const std::vector<std::string> kAvailableInputs = {"live", "snapshot", "cloudformation", "terraform"};

std::vector<std::string> available(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& i : inputs) {
    if (std::find(kAvailableInputs.begin(), kAvailableInputs.end(), i) != kAvailableInputs.end()) out.push_back(i);
  }
  return out;
}

}  // namespace

int run_scan(const ScanOptions& options) {
  if (!catalog_ok()) return kExitUsage;
  std::vector<const CheckDef*> checks;
  if (!select_checks(options, checks)) return kExitUsage;

  std::FILE* out_file = stdout;
  if (!options.output.empty()) {
    out_file = std::fopen(options.output.c_str(), "w");
    if (out_file == nullptr) {
      fmt::print(stderr, "atrest: cannot write {}: {}\n", options.output, std::strerror(errno));
      return kExitUsage;
    }
  }

  // The inventory and the findings live until the process exits: freeing a million small objects
  // just before exit costs time and buys nothing. A static pointer keeps them reachable, so leak
  // checkers stay quiet.
  static Inventory* kept_inventory = nullptr;
  static ScanResult* kept_scan = nullptr;
  kept_inventory = new Inventory();
  kept_scan = new ScanResult();
  Inventory& inventory = *kept_inventory;
  ScanResult& scan = *kept_scan;
  scan.tool_version = ATREST_VERSION;
  scan.started_at = now_rfc3339();
  LoadOptions load{options.account, options.region, options.jobs, {}, options.tf_var_args};
  for (const TerraformVarArg& arg : options.tf_var_args) {
    if (arg.file) continue;
    const std::string& kv = arg.text;
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      fmt::print(stderr, "atrest: --var wants NAME=VALUE, got '{}'\n", kv);
      return kExitUsage;
    }
  }
  for (const std::string& file : options.cfn_parameter_files) {
    if (std::string err = read_parameter_file(file, load.cfn_parameters); !err.empty()) {
      fmt::print(stderr, "atrest: error: {}\n", err);
      return kExitUsage;
    }
  }
  for (const std::string& kv : options.cfn_parameters) {  // the command line wins over files
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      fmt::print(stderr, "atrest: --cfn-param wants KEY=VALUE, got '{}'\n", kv);
      return kExitUsage;
    }
    load.cfn_parameters[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!options.paths.empty()) scan.inputs = load_inputs(options.paths, load, inventory);
  if (options.aws) {
    LiveStats stats;
    std::vector<InputSummary> live = scan_aws(options.live, inventory, &stats);
    if (options.live.verbose) {
      fmt::print(stderr, "atrest: aws: {} account(s), {} region(s), {} calls, {} HTTP requests, {} retried, {} throttled, {} failed\n",
                 stats.accounts, stats.regions, stats.calls, stats.http_requests, stats.retries, stats.throttled,
                 stats.failed_calls);
    }
    for (InputSummary& in : live) scan.inputs.push_back(std::move(in));
  }
  inventory.finalize();
  scan.resources = inventory.distinct_size();
  Settings settings;
  scan.findings = run_checks(inventory, settings, checks, options.min_severity);
  scan.finished_at = now_rfc3339();

  // Input errors always reach stderr, one line each; --quiet only shortens the report.
  for (const InputSummary& in : scan.inputs) {
    for (const std::string& e : in.errors) fmt::print(stderr, "atrest: error: {}\n", e);
    // Notes say what was left out by design; --quiet keeps them to the reports.
    if (!options.quiet) {
      for (const std::string& n : in.notes) fmt::print(stderr, "atrest: note: {}\n", n);
    }
  }
  bool write_failed;
  {
    Output out(out_file);
    if (options.format == "json") {
      write_json_report(scan, out);
    } else {
      write_text_report(scan, TextOptions{options.color, options.show_pass, options.quiet}, out);
    }
    out.flush();
    write_failed = out.failed();
  }
  if (out_file != stdout && std::fclose(out_file) != 0) write_failed = true;
  if (write_failed) {
    fmt::print(stderr, "atrest: error: cannot write the report to {}\n",
               options.output.empty() ? "stdout" : options.output);
    return kExitUsage;
  }

  // Nothing atrest reads was found: that is not a clean scan.
  const bool nothing_recognised = std::none_of(scan.inputs.begin(), scan.inputs.end(), [](const InputSummary& in) {
    return in.kind == SourceKind::kAws || in.files_recognised > 0;
  });
  if (nothing_recognised) {
    if (count(scan).input_errors == 0) {
      fmt::print(stderr, "atrest: error: no aws CLI output, AWS Config data, CloudFormation template or Terraform configuration found in the given paths\n");
    }
    return kExitUsage;
  }
  const bool failed = std::any_of(scan.findings.begin(), scan.findings.end(), [&](const Finding& f) {
    return !f.muted && f.status == Status::kFail && f.check->severity >= options.fail_on;
  });
  if (failed) return kExitFailed;
  return count(scan).complete() ? kExitOk : kExitIncomplete;
}

int run_checks_list(const std::string& format) {
  if (!catalog_ok()) return kExitUsage;
  std::string out;
  if (format == "json") {
    // Per check: the catalog's inputs, and those this build can read today.
    out += "[";
    bool first = true;
    for (const CheckDef& d : all_checks()) {
      const CheckMeta& m = d.meta;
      out += first ? "\n" : ",\n";
      first = false;
      std::vector<std::string> types;
      for (const std::string& t : m.resource_type_names) types.push_back(fmt::format("\"{}\"", t));
      std::vector<std::string> inputs, ready;
      for (const std::string& i : m.inputs) inputs.push_back(fmt::format("\"{}\"", i));
      for (const std::string& i : available(m.inputs)) ready.push_back(fmt::format("\"{}\"", i));
      out += fmt::format(R"({{"id":"{}","title":"{}","severity":"{}","service":"{}","resource_types":[{}],)"
                         R"("inputs":[{}],"available_inputs":[{}]}})",
                         m.id, m.title, severity_name(m.severity), m.service, join(types, ","),
                         join(inputs, ","), join(ready, ","));
    }
    out += "\n]\n";
  } else {
    out += fmt::format("{:<36} {:<9} {:<12} {:<10} {}\n", "ID", "SEVERITY", "SERVICE", "INPUTS", "TITLE");
    for (const CheckDef& d : all_checks()) {
      const CheckMeta& m = d.meta;
      out += fmt::format("{:<36} {:<9} {:<12} {:<10} {}\n", m.id, severity_name(m.severity), m.service,
                         join(available(m.inputs), ","), m.title);
    }
    out += "\nINPUTS lists what this build reads; `atrest explain ID` shows the catalog's full list.\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int run_explain(const std::string& check_id) {
  if (!catalog_ok()) return kExitUsage;
  const CheckDef* def = find_check(check_id);
  if (def == nullptr) {
    fmt::print(stderr, "atrest: unknown check id '{}' (see `atrest checks`)\n", check_id);
    return kExitUsage;
  }
  const CheckMeta& m = def->meta;
  const std::vector<std::string>& types = m.resource_type_names;
  std::string out = fmt::format(
      "{} — {}\n\nSeverity:   {}\nService:    {}\nResources:  {}\nInputs:     {} (this build reads: {})\n\n",
      m.id, m.title, severity_name(m.severity), m.service, join(types, ", "), join(m.inputs, ", "),
      join(available(m.inputs), ", "));
  out += fmt::format("What is checked\n  {}\n\nRisk\n  {}\n\n", m.description, m.risk);
  if (!m.notes.empty()) {
    out += "Good to know\n";
    for (const std::string& n : m.notes) out += fmt::format("  - {}\n", n);
    out += "\n";
  }
  auto indent = [](const std::string& text) {
    std::string r = "    ";
    for (char c : text) {
      r += c;
      if (c == '\n') r += "    ";
    }
    return r;
  };
  out += fmt::format("Fix\n  {}\n", m.remediation.summary);
  if (!m.remediation.console.empty()) {
    out += "\n  Console:\n";
    for (size_t i = 0; i < m.remediation.console.size(); ++i) {
      out += fmt::format("    {}. {}\n", i + 1, m.remediation.console[i]);
    }
  }
  out += fmt::format("\n  aws CLI:\n{}\n\n  CloudFormation:\n{}\n\n  Terraform:\n{}\n\n", indent(m.remediation.cli),
                     indent(m.remediation.cloudformation), indent(m.remediation.terraform));
  if (!m.compliance.empty()) {
    out += "Compliance\n";
    for (const auto& [framework, ids] : m.compliance) out += fmt::format("  {:<18} {}\n", framework, join(ids, ", "));
    out += "\n";
  }
  if (!m.equivalents.empty()) {
    out += "Equivalent rules in other tools\n";
    for (const auto& [tool, id] : m.equivalents) out += fmt::format("  {:<14} {}\n", tool, id);
    out += "\n";
  }
  if (!m.references.empty()) {
    out += "References\n";
    for (const std::string& r : m.references) out += fmt::format("  {}\n", r);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace atrest
