// The commands: scan (sources -> inventory -> checks -> findings -> report), checks, explain.
#include "cli/scan_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <cstdio>
#include <ctime>

#include "checks/engine.h"
#include "checks/registry.h"
#include "config/config.h"
#include "report/compliance.h"
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

// Resolves the checks to run: --checks (else the configuration's checks.enabled, else every
// check), minus --skip-checks and checks.disabled, restricted to the framework's checks with
// --compliance. An explicit --checks wins over checks.disabled. An unknown id is a usage error.
bool select_checks(const ScanOptions& o, const Config& config, const Framework* framework,
                   std::vector<const CheckDef*>& out) {
  for (const auto* list : {&o.checks, &o.skip_checks}) {
    for (const std::string& id : *list) {
      if (find_check(id) == nullptr) {
        fmt::print(stderr, "atrest: unknown check id '{}' (see `atrest checks`)\n", id);
        return false;
      }
    }
  }
  auto listed = [](const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  for (const CheckDef& def : all_checks()) {
    const std::string& id = def.meta.id;
    bool wanted;
    if (!o.checks.empty()) {
      wanted = listed(o.checks, id);
    } else {
      wanted = (config.enabled.empty() || listed(config.enabled, id)) && !listed(config.disabled, id);
    }
    if (listed(o.skip_checks, id)) wanted = false;
    if (framework != nullptr && mapped_requirements(def.meta, framework->id) == nullptr) wanted = false;
    if (wanted) out.push_back(&def);
  }
  return true;
}

// Severity overrides replace a check by a copy with the new severity, so that --min-severity,
// --fail-on and every report see it. The copies live as long as the findings that point at them.
void apply_severity_overrides(const Config& config, std::vector<const CheckDef*>& checks) {
  static std::deque<CheckDef>* copies = new std::deque<CheckDef>();
  for (const CheckDef*& def : checks) {
    for (const auto& [id, severity] : config.severity) {
      if (id != def->meta.id || severity == def->meta.severity) continue;
      copies->push_back(*def);
      copies->back().meta.severity = severity;
      def = &copies->back();
    }
  }
}

const Framework* framework_or_complain(const std::string& id) {
  const Framework* f = find_framework(id);
  if (f == nullptr) {
    fmt::print(stderr, "atrest: unknown compliance framework '{}'; known: {}\n", id, framework_ids());
  }
  return f;
}

// The configuration named by --config, else the nearest one upwards; false after printing its
// problems.
bool read_config(const ScanOptions& o, Config& config) {
  std::string path = o.config_path;
  if (path.empty() && !o.no_config) path = find_config(".");
  if (path.empty()) return true;
  const std::vector<std::string> problems = load_config(path, config);
  for (const std::string& p : problems) fmt::print(stderr, "{}\n", p);
  if (problems.empty() && !o.quiet && o.config_path.empty()) {
    fmt::print(stderr, "atrest: note: using the configuration in {}\n", path);
  }
  return problems.empty();
}

// "L S C T" with "." for the inputs a check does not support.
std::string input_letters(const CheckMeta& m) {
  static const std::pair<const char*, const char*> kLetters[] = {
      {"live", "L"}, {"snapshot", "S"}, {"cloudformation", "C"}, {"terraform", "T"}};
  std::string out;
  for (const auto& [input, letter] : kLetters) {
    if (!out.empty()) out += ' ';
    out += std::find(m.inputs.begin(), m.inputs.end(), input) != m.inputs.end() ? letter : ".";
  }
  return out;
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
  const Framework* framework = nullptr;
  if (!options.compliance.empty() && (framework = framework_or_complain(options.compliance)) == nullptr) {
    return kExitUsage;
  }
  Config config;
  if (!read_config(options, config)) return kExitUsage;
  std::vector<const CheckDef*> checks;
  if (!select_checks(options, config, framework, checks)) return kExitUsage;
  apply_severity_overrides(config, checks);

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
  scan.findings = run_checks(inventory, config.settings, checks, options.min_severity);
  scan.finished_at = now_rfc3339();
  static ComplianceSummary* kept_compliance = nullptr;
  if (framework != nullptr) {
    std::vector<const CheckMeta*> catalog;
    for (const CheckDef& d : all_checks()) catalog.push_back(&d.meta);
    kept_compliance = new ComplianceSummary(summarize_compliance(*framework, catalog, scan.findings));
    scan.compliance = kept_compliance;
  }

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

namespace {

// Appends s as a JSON string literal.
void json_str(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += ch;
    }
  }
  out += '"';
}

void json_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    json_str(out, items[i]);
  }
  out += ']';
}

// The seed facts of a check ("facts" in metadata.json), each with the page that states it.
void explain_facts(const CheckMeta& m, std::string& out) {
  if (m.facts.empty()) return;
  out += "What you need to know\n";
  for (const Fact& fact : m.facts) out += fmt::format("  - {}\n    source: {}\n", fact.text, fact.source);
  out += "\n";
}

}  // namespace

int run_checks_list(const std::string& format, const std::string& compliance) {
  if (!catalog_ok()) return kExitUsage;
  const Framework* framework = nullptr;
  if (!compliance.empty() && (framework = framework_or_complain(compliance)) == nullptr) return kExitUsage;
  std::vector<const CheckMeta*> shown;
  for (const CheckDef& d : all_checks()) {
    if (framework == nullptr || mapped_requirements(d.meta, framework->id) != nullptr) shown.push_back(&d.meta);
  }
  std::string out;
  if (format == "json") {
    // Per check: the catalog's data, and with --compliance the framework's requirement ids.
    out += "[";
    for (size_t i = 0; i < shown.size(); ++i) {
      const CheckMeta& m = *shown[i];
      out += i ? ",\n{\"id\":" : "\n{\"id\":";
      json_str(out, m.id);
      out += ",\"title\":";
      json_str(out, m.title);
      out += fmt::format(",\"severity\":\"{}\",\"service\":", severity_name(m.severity));
      json_str(out, m.service);
      out += ",\"resource_types\":";
      json_list(out, m.resource_type_names);
      out += ",\"inputs\":";
      json_list(out, m.inputs);
      out += ",\"available_inputs\":";
      json_list(out, available(m.inputs));
      out += ",\"equivalents\":{";
      for (size_t k = 0; k < m.equivalents.size(); ++k) {
        if (k) out += ',';
        json_str(out, m.equivalents[k].first);
        out += ':';
        json_str(out, m.equivalents[k].second);
      }
      out += "},\"compliance\":{";
      for (size_t k = 0; k < m.compliance.size(); ++k) {
        if (k) out += ',';
        json_str(out, m.compliance[k].first);
        out += ':';
        json_list(out, m.compliance[k].second);
      }
      out += "},\"facts\":[";
      for (size_t k = 0; k < m.facts.size(); ++k) {
        out += k ? ",{\"text\":" : "{\"text\":";
        json_str(out, m.facts[k].text);
        out += ",\"source\":";
        json_str(out, m.facts[k].source);
        out += '}';
      }
      out += ']';
      if (framework != nullptr) {
        out += ",\"requirements\":";
        json_list(out, *mapped_requirements(m, framework->id));
      }
      out += '}';
    }
    out += "\n]\n";
  } else if (framework != nullptr) {
    out += fmt::format("{} {} ({}): {} check{}\n\n", framework->title, framework->version, framework->id,
                       shown.size(), shown.size() == 1 ? "" : "s");
    out += fmt::format("{:<36} {:<9} {:<7}  {}\n", "ID", "SEVERITY", "L S C T", "REQUIREMENTS");
    for (const CheckMeta* m : shown) {
      out += fmt::format("{:<36} {:<9} {:<7}  {}\n", m->id, severity_name(m->severity), input_letters(*m),
                         join(*mapped_requirements(*m, framework->id), ", "));
    }
    out += "\n`atrest scan ... --compliance " + std::string(framework->id) +
           "` reports these checks with a summary per requirement.\n";
  } else {
    out += fmt::format("{:<36} {:<9} {:<12} {:<7}  {}\n", "ID", "SEVERITY", "SERVICE", "L S C T", "TITLE");
    for (const CheckDef& d : all_checks()) {
      const CheckMeta& m = d.meta;
      out += fmt::format("{:<36} {:<9} {:<12} {:<7}  {}\n", m.id, severity_name(m.severity), m.service,
                         input_letters(m), m.title);
    }
    out += "\nInputs: L live AWS, S saved aws CLI / AWS Config output, C CloudFormation, T Terraform (HCL and plans).\n"
           "`atrest explain ID` shows a check in full; `atrest checks --compliance FRAMEWORK` its mappings.\n";
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
  std::string out = fmt::format(
      "{} — {}\n\nSeverity:   {}\nService:    {}\nResources:  {}\nInputs:     {}  ({})\n\n",
      m.id, m.title, severity_name(m.severity), m.service, join(m.resource_type_names, ", "), input_letters(m),
      join(m.inputs, ", "));
  out += fmt::format("What is checked\n  {}\n\nRisk\n  {}\n\n", m.description, m.risk);
  explain_facts(m, out);
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
  auto fix = [&](const char* label, const std::string& text) {
    if (!text.empty()) out += fmt::format("\n  {}:\n{}\n", label, indent(text));
  };
  fix("aws CLI", m.remediation.cli);
  fix("CloudFormation", m.remediation.cloudformation);
  fix("Terraform", m.remediation.terraform);
  out += "\n";
  if (!m.compliance.empty()) {
    out += "Compliance (`atrest checks --compliance FRAMEWORK` lists a framework's checks)\n";
    for (const auto& [framework_id, ids] : m.compliance) {
      const Framework* fw = find_framework(framework_id);
      out += fmt::format("  {}{}\n", fw ? fmt::format("{} {}", fw->title, fw->version) : framework_id,
                         fw ? fmt::format(" ({})", framework_id) : "");
      for (const std::string& id : ids) {
        const std::string_view title = fw ? fw->title_of(id) : std::string_view();
        out += title.empty() ? fmt::format("    {}\n", id) : fmt::format("    {:<22} {}\n", id, title);
      }
    }
    out += "\n";
  } else {
    out += "Compliance\n  No framework maps this check (see docs/catalog.md).\n\n";
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
