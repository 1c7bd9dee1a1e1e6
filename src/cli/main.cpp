// atrest's command line: parses arguments (CLI11) and dispatches to the commands.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/scan_command.h"

namespace {

// CLI11 validator for severity names.
struct SeverityValidator : public CLI::Validator {
  SeverityValidator() {
    name_ = "SEVERITY";
    func_ = [](const std::string& s) {
      atrest::Severity unused;
      return atrest::parse_severity(s, unused)
                 ? std::string()
                 : std::string("must be one of info, low, medium, high, critical");
    };
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"atrest: encryption-at-rest and security posture scanner for DAX, DynamoDB and "
               "ElastiCache"};
  app.set_version_flag("--version", std::string("atrest ") + ATREST_VERSION);
  app.require_subcommand(1);

  atrest::ScanOptions scan;
  std::string min_severity = "info", fail_on = "low";
  bool no_color = false;
  auto* scan_cmd = app.add_subcommand("scan", "Scan AWS accounts, aws CLI outputs, AWS Config snapshots and CloudFormation templates");
  scan_cmd->add_option("paths", scan.paths, "Files or directories (walked recursively)");
  scan_cmd->add_flag("--aws", scan.aws, "Scan AWS accounts live through the AWS APIs");
  scan_cmd->add_option("--profile", scan.live.profile, "AWS profile (default: AWS_PROFILE, else default)");
  scan_cmd->add_option("--regions", scan.live.regions, "Regions to scan (comma-separated; default: all enabled)")
      ->delimiter(',')
      ->allow_extra_args(false);
  scan_cmd->add_option("--role-arn", scan.live.role_arns, "Assume this role and scan its account (repeatable)")
      ->allow_extra_args(false);
  scan_cmd->add_option("--external-id", scan.live.external_id, "External id for --role-arn and --org-role");
  scan_cmd->add_flag("--organization", scan.live.organization, "Scan every active account of the organization");
  scan_cmd->add_option("--org-role", scan.live.org_role, "Role assumed in each organization account")
      ->default_val("OrganizationAccountAccessRole");
  scan_cmd->add_option("--endpoint-url", scan.live.endpoint_url, "Send every AWS call to this URL (an emulator)");
  scan_cmd->add_option("--max-concurrency", scan.live.max_concurrency, "AWS requests in flight at once")
      ->check(CLI::Range(1, 1024))
      ->default_val(64);
  scan_cmd->add_option("--max-attempts", scan.live.max_attempts,
                       "Attempts per AWS call, the first included (default: AWS_MAX_ATTEMPTS, else 3)")
      ->check(CLI::Range(1, 20));
  scan_cmd->add_flag("-v,--verbose", scan.live.verbose, "Log every AWS call to stderr");
  scan_cmd->add_option("--format", scan.format, "Report format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_val("text");
  scan_cmd->add_option("-o,--output", scan.output, "Write the report to FILE instead of stdout");
  // One value per occurrence (comma-separated ids), so that `--checks ID PATH` keeps PATH a path.
  scan_cmd->add_option("--checks", scan.checks, "Run only these check ids (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  scan_cmd->add_option("--skip-checks", scan.skip_checks, "Do not run these check ids (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  scan_cmd->add_option("--min-severity", min_severity, "Report only checks of at least this severity")
      ->check(SeverityValidator());
  scan_cmd->add_option("--fail-on", fail_on, "Exit 1 when a check of at least this severity fails")
      ->check(SeverityValidator())
      ->default_val("low");
  scan_cmd->add_flag("--no-color", no_color, "Never colour the text report (NO_COLOR is honoured too)");
  scan_cmd->add_flag("-q,--quiet", scan.quiet, "Text report: print only the summary line");
  scan_cmd->add_flag("--show-pass", scan.show_pass, "List PASS findings in the text report too");
  scan_cmd->add_option("--account", scan.account, "Account id for resources whose input names none");
  scan_cmd->add_option("--region", scan.region, "Region for resources whose input names none");
  scan_cmd->add_option("--cfn-param", scan.cfn_parameters, "CloudFormation parameter value KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  scan_cmd->add_option("--cfn-params", scan.cfn_parameter_files,
                       "CloudFormation parameter file ([{ParameterKey,ParameterValue}] or {Parameters:{}})")
      ->allow_extra_args(false);
  std::vector<std::string> tf_vars, tf_var_files;
  auto* var_opt = scan_cmd->add_option("--var", tf_vars, "Terraform variable NAME=VALUE (repeatable; in order with --var-file)")
      ->allow_extra_args(false);
  auto* var_file_opt = scan_cmd->add_option("--var-file", tf_var_files, "Terraform variables file (.tfvars or .tfvars.json; repeatable)")
      ->allow_extra_args(false);
  scan_cmd->add_option("-j,--jobs", scan.jobs, "Files read in parallel (default: one per CPU)")
      ->check(CLI::Range(1, 1024));
  scan_cmd->add_option("--compliance", scan.compliance,
                       "Run only the checks mapped to this framework (e.g. pci-dss-4.0) and summarise per requirement");
  scan_cmd->add_option("--config", scan.config_path,
                       "Configuration file (default: the nearest .atrest.yaml in the working directory or above)");
  scan_cmd->add_flag("--no-config", scan.no_config, "Ignore .atrest.yaml files");

  std::string list_format = "text";
  auto* checks_cmd = app.add_subcommand("checks", "List the check catalog");
  checks_cmd->add_option("--format", list_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_val("text");
  std::string list_compliance;
  checks_cmd->add_option("--compliance", list_compliance,
                         "Only the checks mapped to this framework, with their requirement ids (e.g. pci-dss-4.0)");

  std::string explain_id;
  auto* explain_cmd = app.add_subcommand("explain", "Explain one check: risk, fixes, mappings, peers");
  explain_cmd->add_option("check_id", explain_id, "Check id, e.g. dax-encryption-at-rest")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return atrest::kExitUsage;
  }

  if (*checks_cmd) return atrest::run_checks_list(list_format, list_compliance);
  if (*explain_cmd) return atrest::run_explain(explain_id);

  // --var and --var-file apply in the order given, as in Terraform: a later one wins.
  {
    size_t v = 0, f = 0;
    for (const CLI::Option* opt : scan_cmd->parse_order()) {
      if (opt == var_opt && v < tf_vars.size()) scan.tf_var_args.push_back({false, tf_vars[v++]});
      if (opt == var_file_opt && f < tf_var_files.size()) scan.tf_var_args.push_back({true, tf_var_files[f++]});
    }
  }
  if (scan.paths.empty() && !scan.aws) {
    std::fprintf(stderr, "atrest scan: give files or directories to scan, or --aws (see --help)\n");
    return atrest::kExitUsage;
  }
  if ((scan.live.organization || !scan.live.role_arns.empty()) && !scan.aws) scan.aws = true;
  scan.live.progress = isatty(STDERR_FILENO) && !scan.live.verbose && !scan.quiet;
  atrest::parse_severity(min_severity, scan.min_severity);
  atrest::parse_severity(fail_on, scan.fail_on);
  const char* no_color_env = std::getenv("NO_COLOR");
  const bool to_terminal = scan.output.empty() && isatty(STDOUT_FILENO);
  scan.color = to_terminal && !no_color && !(no_color_env && *no_color_env) && scan.format == "text";
  return atrest::run_scan(scan);
}
