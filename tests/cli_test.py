"""End-to-end tests of the atrest binary: exit codes, report formats, options, bad input.

Run by CTest with ATREST_BIN (the binary) and ATREST_SOURCE_DIR (the repository) set.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import textwrap
import unittest

import jsonschema

BIN = os.environ["ATREST_BIN"]
SRC = pathlib.Path(os.environ["ATREST_SOURCE_DIR"])
CHECKS = SRC / "src" / "checks"
SCHEMA = json.loads((SRC / "docs" / "findings-v1.schema.json").read_text())


def atrest(*args, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, env=full_env, timeout=60,
                          cwd=cwd)


def fixture(check, name):
    return CHECKS / check / "fixtures" / "snapshot" / name


class Reports(unittest.TestCase):
    def scan_json(self, *paths, extra=()):
        r = atrest("scan", *paths, "--format", "json", *extra)
        report = json.loads(r.stdout)
        jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
        return r, report

    def test_json_report_of_every_fixture_validates_against_the_schema(self):
        r, report = self.scan_json(CHECKS)
        self.assertIn(r.returncode, (1, 3))
        self.assertEqual(report["schema"], "atrest/findings/v1")
        statuses = {f["status"] for f in report["findings"]}
        # A whole-corpus scan reads each fixture directory as one account dump, so an unprocessed
        # Config key merges with a readable table of the same name there: ERROR is checked alone.
        self.assertEqual(statuses, {"PASS", "FAIL", "UNKNOWN"})
        _, alone = self.scan_json(fixture("dynamodb-kms-encryption", "error-config-unprocessed-key.json"))
        self.assertEqual({f["status"] for f in alone["findings"]}, {"ERROR"})
        self.assertFalse(alone["summary"]["complete"])
        s = report["summary"]
        self.assertEqual(s["FAIL"], sum(1 for f in report["findings"] if f["status"] == "FAIL"))

    def test_finding_carries_metadata_resource_and_location(self):
        path = fixture("dax-encryption-at-rest", "fail-sse-disabled.json")
        r, report = self.scan_json(path, extra=["--checks", "dax-encryption-at-rest"])
        self.assertEqual(r.returncode, 1)
        [f] = report["findings"]
        self.assertEqual(f["status"], "FAIL")
        self.assertEqual(f["severity"], "high")
        self.assertEqual(f["resource"]["type"], "AWS::DAX::Cluster")
        self.assertTrue(f["resource"]["arn"].startswith("arn:aws:dax:"))
        self.assertEqual(f["location"]["file"], str(path))
        self.assertEqual(f["equivalents"]["conformity"], "DAX-001")
        self.assertEqual(f["equivalents"]["prowler"], "dynamodb_accelerator_cluster_encryption_enabled")
        self.assertIn("DynamoDB.3", f["compliance"]["aws-fsbp"])
        self.assertIn("--sse-specification Enabled=true", f["remediation"]["cli"])

    def test_text_report_groups_by_service_and_gives_the_fix(self):
        r = atrest("scan", fixture("dax-encryption-at-rest", "fail-sse-disabled.json"),
                   "--checks", "dax-encryption-at-rest")
        self.assertEqual(r.returncode, 1)
        self.assertIn("DAX\n", r.stdout)
        self.assertIn("FAIL", r.stdout)
        self.assertIn("fix: ", r.stdout)
        self.assertRegex(r.stdout, r"Summary: \d+ PASS, 1 FAIL \(1 high\)")
        self.assertNotIn("\033[", r.stdout, "no colour when stdout is not a terminal")

    def test_colour_only_on_a_terminal_and_never_with_no_color(self):
        import pty
        path = fixture("dax-encryption-at-rest", "fail-sse-disabled.json")
        def on_tty(*args, env=None):
            master, slave = pty.openpty()
            full_env = dict(os.environ)
            full_env.pop("NO_COLOR", None)
            full_env.update(env or {})
            p = subprocess.Popen([BIN, "scan", str(path), *args], stdout=slave, stderr=subprocess.DEVNULL, env=full_env)
            os.close(slave)
            chunks = []
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            p.wait(timeout=30)
            os.close(master)
            return b"".join(chunks).decode()
        self.assertIn("\033[", on_tty())
        self.assertNotIn("\033[", on_tty("--no-color"))
        self.assertNotIn("\033[", on_tty(env={"NO_COLOR": "1"}))

    def test_output_file_and_quiet(self):
        with tempfile.TemporaryDirectory() as d:
            out = pathlib.Path(d) / "report.json"
            r = atrest("scan", fixture("dax-encryption-at-rest", "pass-sse-enabled.json"),
                       "--format", "json", "--output", out, "--quiet", "--checks", "dax-encryption-at-rest")
            self.assertEqual(r.returncode, 0)
            self.assertEqual(r.stdout, "")
            self.assertEqual(json.loads(out.read_text())["summary"]["PASS"] >= 1, True)


class ExitCodes(unittest.TestCase):
    def test_zero_when_nothing_fails(self):
        self.assertEqual(atrest("scan", fixture("dax-encryption-at-rest", "pass-sse-enabled.json"),
                                "--checks", "dax-encryption-at-rest").returncode, 0)

    def test_one_when_something_fails(self):
        self.assertEqual(atrest("scan", fixture("dax-encryption-at-rest", "fail-sse-absent.json")).returncode, 1)

    def test_fail_on_raises_the_bar(self):
        # dynamodb-customer-managed-key is low: a table on the AWS owned key also fails the medium
        # dynamodb-kms-encryption, so restrict to the low check.
        path = fixture("dynamodb-customer-managed-key", "fail-aws-owned-key.json")
        self.assertEqual(atrest("scan", path, "--checks", "dynamodb-customer-managed-key").returncode, 1)
        self.assertEqual(atrest("scan", path, "--checks", "dynamodb-customer-managed-key",
                                "--fail-on", "medium").returncode, 0)

    def test_min_severity_drops_findings(self):
        path = fixture("dynamodb-customer-managed-key", "fail-aws-owned-key.json")
        # Other checks (a critical one among them) judge the same table: keep to the low one.
        r = atrest("scan", path, "--format", "json", "--min-severity", "high", "--checks", "dynamodb-customer-managed-key")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(json.loads(r.stdout)["findings"], [])

    def test_check_lists_take_one_value_per_option(self):
        path = fixture("dax-encryption-at-rest", "fail-sse-absent.json")
        r = atrest("scan", "--checks", "dax-encryption-at-rest", path, "--checks", "dax-multi-az", "--format", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        ids = {f["check_id"] for f in json.loads(r.stdout)["findings"]}
        self.assertEqual(ids, {"dax-encryption-at-rest", "dax-multi-az"})

    def test_skip_checks(self):
        path = fixture("dax-encryption-at-rest", "fail-sse-absent.json")
        r = atrest("scan", path, "--format", "json", "--skip-checks", "dax-encryption-at-rest,dax-multi-az")
        ids = {f["check_id"] for f in json.loads(r.stdout)["findings"]}
        self.assertNotIn("dax-encryption-at-rest", ids)
        self.assertIn("dax-encryption-in-transit", ids)

    def test_three_when_incomplete_and_nothing_failed(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(fixture("dax-encryption-at-rest", "pass-sse-enabled.json"), d)
            pathlib.Path(d, "broken.json").write_text('{"Clusters": [')
            r = atrest("scan", d, "--checks", "dax-encryption-at-rest")
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertRegex(r.stderr, r"broken\.json:1:\d+: unexpected end of file")
            self.assertIn("scan INCOMPLETE", r.stdout)

    def test_error_findings_make_the_scan_incomplete(self):
        r = atrest("scan", fixture("dynamodb-kms-encryption", "error-config-unprocessed-key.json"),
                   "--checks", "dynamodb-kms-encryption", "--account", "111122223333", "--region", "eu-west-1")
        self.assertEqual(r.returncode, 3)
        self.assertIn("ERROR", r.stdout)

    def test_two_for_usage_errors_and_unreadable_input(self):
        self.assertEqual(atrest("scan").returncode, 2)
        self.assertEqual(atrest("scan", "x.json", "--format", "yaml").returncode, 2)
        self.assertEqual(atrest("scan", "x.json", "--fail-on", "severe").returncode, 2)
        r = atrest("scan", fixture("dax-encryption-at-rest", "pass-sse-enabled.json"), "--checks", "nope")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown check id 'nope'", r.stderr)
        r = atrest("scan", "/nonexistent/path.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/path.json: cannot read", r.stderr)
        self.assertEqual(atrest("bogus").returncode, 2)


class BadInput(unittest.TestCase):
    def test_each_bad_file_is_one_line_and_never_a_crash(self):
        bad = SRC / "tests" / "fixtures" / "bad"
        files = sorted(bad.glob("*.json"))
        self.assertGreaterEqual(len(files), 8)
        for path in files:
            with self.subTest(path=path.name):
                r = atrest("scan", path)
                # Named alone: 2 when nothing could be read, 3 when a recognised file was broken;
                # never 0, never a FAIL from garbage, never a signal.
                self.assertIn(r.returncode, (2, 3), r.stderr)
                lines = r.stderr.splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith("atrest: error: " + str(path) + ":"), lines[0])

    def test_bad_files_beside_good_ones_make_the_scan_incomplete(self):
        with tempfile.TemporaryDirectory() as d:
            for path in (SRC / "tests" / "fixtures" / "bad").glob("*.json"):
                shutil.copy(path, d)
            shutil.copy(fixture("dax-encryption-at-rest", "pass-sse-enabled.json"), d)
            r = atrest("scan", d, "--checks", "dax-encryption-at-rest")
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("1 PASS", r.stdout)
            self.assertNotIn("unrecognised.json", r.stderr, "another tool's JSON in a folder is skipped quietly")

    def test_nothing_recognised_is_exit_two(self):
        with tempfile.TemporaryDirectory() as d:
            r = atrest("scan", d)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no aws CLI output", r.stderr)

    def test_unwritable_output_is_an_error(self):
        r = atrest("scan", fixture("dax-encryption-at-rest", "pass-sse-enabled.json"), "-o", "/dev/full")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot write the report", r.stderr)

    def test_directory_loop(self):
        with tempfile.TemporaryDirectory() as d:
            sub = pathlib.Path(d, "a", "b")
            sub.mkdir(parents=True)
            shutil.copy(fixture("dax-encryption-at-rest", "pass-sse-enabled.json"), sub)
            os.symlink(pathlib.Path(d, "a"), sub / "loop")
            r = atrest("scan", d, "--checks", "dax-encryption-at-rest")
            self.assertEqual(r.returncode, 3)
            self.assertIn("directory loop", r.stderr)


class CloudFormation(unittest.TestCase):
    BAD = SRC / "tests" / "fixtures" / "bad-cloudformation"

    def test_bad_templates_are_one_line_errors_with_positions(self):
        expected = {
            "invalid.yaml": ":9:5: ",
            "duplicate-keys.yaml": ":19:3: duplicate key 'OrdersTable'",
            "unknown-tag.yaml": ":12:21: unknown tag !Foo",
            "alias-bomb.yaml": "alias bomb",
            "deep.yaml": "nesting deeper than",
            "truncated.json": ":20:",
        }
        for name, needle in expected.items():
            with self.subTest(name=name):
                r = atrest("scan", self.BAD / name)
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn(str(self.BAD / name), lines[0])
                self.assertIn(needle, lines[0])

    def test_bad_templates_beside_good_ones_do_not_stop_the_scan(self):
        with tempfile.TemporaryDirectory() as d:
            for path in self.BAD.glob("*.*"):
                shutil.copy(path, d)
            shutil.copy(CHECKS / "dax-encryption-at-rest" / "fixtures" / "cloudformation" / "pass-sse-enabled.yaml", d)
            r = atrest("scan", d, "--checks", "dax-encryption-at-rest", "--format", "json")
            self.assertEqual(r.returncode, 3, r.stderr)
            report = json.loads(r.stdout)
            self.assertEqual(report["summary"]["PASS"], 1)
            self.assertGreaterEqual(len(r.stderr.splitlines()), 6)

    def test_other_yaml_and_json_is_skipped_silently(self):
        r = atrest("scan", SRC / "tests" / "fixtures" / "not-templates")
        self.assertEqual(r.returncode, 2)  # nothing atrest reads
        self.assertEqual(len(r.stderr.splitlines()), 1)
        self.assertIn("no aws CLI output, AWS Config data, CloudFormation template or Terraform configuration", r.stderr)
        self.assertIn("(6 skipped)", r.stdout)

    def test_findings_point_at_the_property(self):
        path = CHECKS / "dax-encryption-at-rest" / "fixtures" / "cloudformation" / "fail-sse-false.yaml"
        r = atrest("scan", path, "--checks", "dax-encryption-at-rest", "--format", "json")
        [f] = json.loads(r.stdout)["findings"]
        line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.strip().startswith("SSEEnabled:"))
        self.assertEqual(f["location"]["line"], line)
        self.assertEqual(f["resource"]["type"], "AWS::DAX::Cluster")
        self.assertIsNone(f["resource"]["arn"])

    def test_parameters_from_the_command_line_and_files(self):
        path = CHECKS / "dax-encryption-at-rest" / "fixtures" / "cloudformation" / "unknown-sse-ref-no-default-trivy-trap.yaml"
        base = ["scan", path, "--checks", "dax-encryption-at-rest", "--format", "json"]
        status = lambda r: json.loads(r.stdout)["findings"][0]["status"]
        self.assertEqual(status(atrest(*base)), "UNKNOWN")
        import re
        param = re.search(r"SSEEnabled: !Ref (\w+)", path.read_text()).group(1)
        self.assertEqual(status(atrest(*base, "--cfn-param", f"{param}=true")), "PASS")
        self.assertEqual(status(atrest(*base, "--cfn-param", f"{param}=false")), "FAIL")
        with tempfile.TemporaryDirectory() as d:
            pfile = pathlib.Path(d, "p.json")
            pfile.write_text(json.dumps([{"ParameterKey": param, "ParameterValue": "false"}]))
            self.assertEqual(status(atrest(*base, "--cfn-params", pfile)), "FAIL")
            self.assertEqual(status(atrest(*base, "--cfn-params", pfile, "--cfn-param", f"{param}=true")), "PASS")
        self.assertEqual(atrest(*base, "--cfn-param", "novalue").returncode, 2)

    def test_examples_mix_snapshots_templates_and_terraform(self):
        r = atrest("scan", SRC / "examples", "--format", "json")
        report = json.loads(r.stdout)
        kinds = {i["kind"] for i in report["inputs"]}
        self.assertEqual(kinds, {"snapshot", "cloudformation", "terraform"})
        tf = [f for f in report["findings"] if f["resource"]["type"].startswith("aws_")]
        self.assertTrue(tf and all(f["location"]["file"].startswith(str(SRC / "examples" / "terraform")) and
                                   f["location"]["line"] for f in tf if f["location"]))


class Catalog(unittest.TestCase):
    def test_checks_lists_the_catalog(self):
        r = atrest("checks", "--format", "json")
        self.assertEqual(r.returncode, 0)
        ids = [c["id"] for c in json.loads(r.stdout)]
        self.assertEqual(ids, sorted(ids))
        self.assertIn("dax-encryption-at-rest", ids)
        self.assertIn("dax-encryption-at-rest", atrest("checks").stdout)

    def test_explain_shows_risk_fixes_mappings_and_peers(self):
        r = atrest("explain", "dax-encryption-at-rest")
        self.assertEqual(r.returncode, 0)
        for needle in ("Risk", "aws CLI", "CloudFormation", "Terraform", "DAX-001", "CT.DAX.PR.1", "DynamoDB.3"):
            self.assertIn(needle, r.stdout)
        self.assertEqual(atrest("explain", "nope").returncode, 2)

    def test_version(self):
        r = atrest("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^atrest \d+\.\d+\.\d+")

    def test_catalog_ids_match_the_reference_catalog(self):
        catalog = SRC.parent / "shared" / "reference" / "catalog.md"
        if not catalog.exists():
            self.skipTest("shared/reference not beside the checkout")
        text = catalog.read_text()
        for c in json.loads(atrest("checks", "--format", "json").stdout):
            self.assertIn(f"| {c['id']} | {c['severity']} |", text)


# --- The catalog (docs/catalog.md), the code (src/checks/*/metadata.json) and `atrest checks` agree ---

CATALOG_MD = SRC / "docs" / "catalog.md"
INPUT_LETTERS = {"L": "live", "S": "snapshot", "C": "cloudformation", "T": "terraform"}
# Tool names as catalog.md writes them -> the keys of metadata.json "equivalents".
PEER_TOOLS = [("Security Hub", "securityhub"), ("Control Tower", "controltower"), ("Prowler", "prowler"),
              ("Conformity", "conformity"), ("Config", "config"), ("Checkov", "checkov"), ("Trivy", "trivy"),
              ("KICS", "kics"), ("cdk-nag", "cdk-nag"), ("cfn_nag", "cfn-nag"), ("Guard", "guard")]


def parse_catalog(text):
    """Rows of the catalog's check tables: id -> (severity, set of inputs, [(tool, [id tokens])])."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("id", "") or set(cells[0]) <= set("-"):
            continue
        check_id, severity, _rule, inputs, peers = cells
        if not re.fullmatch(r"[a-z0-9-]+", check_id):
            continue
        peer_list = []
        if peers != "none":
            for item in peers.split(";"):
                item = re.sub(r"\([^)]*\)", "", item).strip()
                if item.startswith("CT."):
                    item = "Control Tower " + item
                tool = next((key for name, key in PEER_TOOLS if item.startswith(name + " ")), None)
                rule = item.split(" ", 1)[1] if tool is None else item[len(next(n for n, k in PEER_TOOLS if k == tool)):]
                peer_list.append((tool or item.split(" ", 1)[0],
                                  [tok for tok in re.split(r"[\s/,]+", rule) if tok]))
        rows[check_id] = (severity, {INPUT_LETTERS[x] for x in inputs.split()}, peer_list)
    return rows


class CatalogAgreement(unittest.TestCase):
    """Fails while checks of the catalog are still being written: that is the point of it."""

    @classmethod
    def setUpClass(cls):
        cls.catalog = parse_catalog(CATALOG_MD.read_text())
        cls.listed = {c["id"]: c for c in json.loads(atrest("checks", "--format", "json").stdout)}
        cls.folders = {d.name for d in CHECKS.iterdir() if (d / "metadata.json").exists()}

    def test_catalog_md_is_parsed(self):
        self.assertEqual(len(self.catalog), 36)
        self.assertEqual(self.catalog["dax-multi-az"][0], "medium")
        self.assertEqual(self.catalog["dax-private-subnets"][1], {"live", "snapshot"})

    def test_the_same_checks_everywhere(self):
        self.assertEqual(sorted(self.listed), sorted(self.catalog), "atrest checks vs docs/catalog.md")
        self.assertEqual(sorted(self.folders), sorted(self.catalog), "src/checks/* vs docs/catalog.md")

    def test_severity_inputs_and_peers_agree(self):
        for check_id, (severity, inputs, peers) in self.catalog.items():
            if check_id not in self.listed:
                continue  # reported by test_the_same_checks_everywhere
            with self.subTest(check=check_id):
                listed = self.listed[check_id]
                self.assertEqual(listed["severity"], severity)
                self.assertEqual(set(listed["inputs"]), inputs)
                # Every peer the catalog names is in the metadata; the metadata may name more
                # (an AWS Config rule the catalog leaves out), which explain and the reports show.
                equivalents = listed["equivalents"]
                self.assertLessEqual({tool for tool, _ in peers}, set(equivalents), "peer tools")
                for tool, tokens in peers:
                    for token in tokens:
                        self.assertIn(token, equivalents.get(tool, ""), f"{tool} {token}")

    def test_checks_table_shows_the_input_letters(self):
        lines = atrest("checks").stdout.splitlines()
        self.assertIn("L S C T", lines[0])
        for line in lines[1:]:
            parts = line.split()
            if parts and parts[0] in self.listed:
                letters = {INPUT_LETTERS[x] for x in re.search(r" ([L.] [S.] [C.] [T.]) ", line).group(1).split()
                           if x != "."}
                self.assertEqual(letters, set(self.listed[parts[0]]["inputs"]), line)


# --- Compliance: `checks --compliance`, `scan --compliance`, the framework registry ---

FRAMEWORKS = ["aws-fsbp", "pci-dss-4.0", "pci-dss-3.2.1", "hipaa", "gdpr", "nist-800-53-r5", "iso-27001-2022",
              "soc2", "apra-cpg-234", "mas-trm-2021", "cis-aws-7.0", "aws-control-tower"]


class Compliance(unittest.TestCase):
    def test_unknown_framework_is_a_usage_error_listing_the_known_ones(self):
        for args in (["checks", "--compliance", "pci"], ["scan", CHECKS, "--compliance", "pci"]):
            r = atrest(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("unknown compliance framework 'pci'", r.stderr)
            for fw in FRAMEWORKS:
                self.assertIn(fw, r.stderr)

    def test_metadata_uses_only_registered_frameworks(self):
        for c in json.loads(atrest("checks", "--format", "json").stdout):
            self.assertLessEqual(set(c["compliance"]), set(FRAMEWORKS), c["id"])
            for ids in c["compliance"].values():
                self.assertTrue(ids, c["id"])
                self.assertEqual(len(ids), len(set(ids)), c["id"])

    def test_checks_compliance_lists_the_mapped_checks_with_requirement_ids(self):
        every = json.loads(atrest("checks", "--format", "json").stdout)
        r = atrest("checks", "--compliance", "pci-dss-4.0", "--format", "json")
        self.assertEqual(r.returncode, 0)
        mapped = {c["id"]: c["requirements"] for c in json.loads(r.stdout)}
        self.assertEqual(set(mapped), {c["id"] for c in every if "pci-dss-4.0" in c["compliance"]})
        self.assertEqual(mapped["dax-encryption-at-rest"], ["3.5.1", "8.3.2"])
        self.assertNotIn("dax-multi-az", mapped)
        text = atrest("checks", "--compliance", "pci-dss-4.0").stdout
        self.assertRegex(text, r"dax-encryption-at-rest\s+high\s+L S C T\s+3\.5\.1, 8\.3\.2")

    def test_only_authoritative_mappings(self):
        # compliance.md: the customer managed key and key-state checks have only related (≈) or
        # proposed ids, which do not ship; DAX at rest has no SOC 2 / APRA / MAS mapping.
        c = {c["id"]: c for c in json.loads(atrest("checks", "--format", "json").stdout)}
        self.assertEqual(c["dynamodb-customer-managed-key"]["compliance"], {})
        self.assertEqual(c["dynamodb-key-usable"]["compliance"], {})
        self.assertFalse({"soc2", "apra-cpg-234", "mas-trm-2021", "cis-aws-7.0"} & set(c["dax-encryption-at-rest"]["compliance"]))

    def scan(self, *extra):
        r = atrest("scan", fixture("dax-encryption-at-rest", "fail-sse-disabled.json"),
                   fixture("dax-multi-az", "pass-three-nodes-three-azs.json"), "--format", "json", *extra)
        report = json.loads(r.stdout)
        jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
        return r, report

    def test_scan_compliance_filters_findings_and_summarises_requirements(self):
        r, report = self.scan("--compliance", "pci-dss-4.0")
        self.assertEqual(r.returncode, 1)
        mapped = {c["id"] for c in json.loads(atrest("checks", "--compliance", "pci-dss-4.0", "--format", "json").stdout)}
        self.assertTrue(report["findings"])
        self.assertLessEqual({f["check_id"] for f in report["findings"]}, mapped)
        comp = report["compliance"]
        self.assertEqual(comp["framework"], "pci-dss-4.0")
        reqs = {q["id"]: q for q in comp["requirements"]}
        self.assertEqual(reqs["3.5.1"]["title"], "PAN is rendered unreadable anywhere it is stored")
        self.assertIn("dax-encryption-at-rest", reqs["3.5.1"]["checks"])
        self.assertGreaterEqual(reqs["3.5.1"]["failed"], 1)
        for q in comp["requirements"]:
            self.assertEqual(q["passed"] + q["failed"] + q["not_assessed"], len(q["checks"]))
        # No ElastiCache in the input: its checks judged nothing, so they are not assessed.
        self.assertGreaterEqual(reqs["3.5.1"]["not_assessed"], 1)
        order = [q["id"] for q in comp["requirements"]]
        self.assertLess(order.index("3.5.1"), order.index("8.3.2"))

    def test_scan_without_compliance_has_no_summary(self):
        _, report = self.scan()
        self.assertNotIn("compliance", report)
        self.assertIn("dax-multi-az", {f["check_id"] for f in report["findings"]})

    def test_checks_left_out_are_not_assessed(self):
        _, report = self.scan("--compliance", "aws-control-tower", "--checks", "dax-multi-az")
        reqs = {q["id"]: q for q in report["compliance"]["requirements"]}
        # One cluster passes dax-multi-az and the single-node one fails it: the check failed.
        self.assertEqual((reqs["CT.DAX.PR.2"]["failed"], reqs["CT.DAX.PR.2"]["not_assessed"]), (1, 0))
        self.assertEqual(reqs["CT.DAX.PR.2"]["findings"], {"PASS": 1, "FAIL": 1, "UNKNOWN": 0, "ERROR": 0})
        self.assertEqual((reqs["CT.DAX.PR.1"]["failed"], reqs["CT.DAX.PR.1"]["not_assessed"]), (0, 1))

    def test_text_report_has_the_per_requirement_summary(self):
        r = atrest("scan", fixture("dax-encryption-at-rest", "fail-sse-disabled.json"), "--compliance", "hipaa")
        self.assertIn("Compliance: HIPAA Security Rule", r.stdout)
        self.assertRegex(r.stdout, r"FAIL\s+164\.312\(a\)\(2\)\(iv\)\s+0 passed, 1 failed")
        self.assertIn("Encryption and decryption", r.stdout)
        self.assertIn("Summary:", r.stdout.splitlines()[-1])


class Explain(unittest.TestCase):
    def test_explain_shows_everything_the_metadata_holds(self):
        meta = json.loads((CHECKS / "dax-encryption-at-rest" / "metadata.json").read_text())
        out = atrest("explain", "dax-encryption-at-rest").stdout
        self.assertIn(meta["title"], out)
        self.assertIn("L S C T", out)
        self.assertIn(meta["risk"], out)
        self.assertIn(meta["remediation"]["summary"], out)
        for step in meta["remediation"]["console"]:
            self.assertIn(step, out)
        for key in ("cli", "cloudformation", "terraform"):
            self.assertIn(meta["remediation"][key].splitlines()[0], out)
        for ref in meta["references"]:
            self.assertIn(ref, out)
        for note in meta["notes"]:
            self.assertIn(note, out)
        for tool, rule in meta["equivalents"].items():
            self.assertRegex(out, re.escape(tool) + r"\s+" + re.escape(rule))
        for ids in meta["compliance"].values():
            for req in ids:
                self.assertIn(req, out)
        self.assertIn("Security of processing", out)  # GDPR Art. 32, with its title
        self.assertIn("Payment Card Industry Data Security Standard v4.0", out)

    def test_explain_shows_the_seed_facts_with_their_sources(self):
        out = atrest("explain", "dax-encryption-at-rest").stdout
        for needle in ("re-create", "9111", "daxs://", "AWS managed KMS key", "docs.aws.amazon.com"):
            self.assertIn(needle.lower(), out.lower())
        meta = json.loads((CHECKS / "dax-encryption-at-rest" / "metadata.json").read_text())
        for fact in meta["facts"]:
            self.assertIn(fact["text"], out)
            self.assertIn(fact["source"], out)
        self.assertIn("unrecoverable", atrest("explain", "elasticache-encryption-at-rest").stdout)


# --- .atrest.yaml ---

class Configuration(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def write(self, text, name=".atrest.yaml"):
        path = self.tmp / name
        path.write_text(text)
        return path

    def scan(self, *paths, extra=(), cwd=None):
        r = atrest("scan", *paths, "--format", "json", *extra, cwd=cwd)
        self.assertIn(r.returncode, (0, 1, 3), r.stderr)
        report = json.loads(r.stdout)
        jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
        return r, report

    def verdicts(self, report, check):
        return [f["status"] for f in report["findings"] if f["check_id"] == check]

    def test_found_upwards_from_the_working_directory(self):
        self.write("checks:\n  disabled: [dax-encryption-at-rest]\n")
        sub = self.tmp / "a" / "b"
        sub.mkdir(parents=True)
        path = fixture("dax-encryption-at-rest", "fail-sse-disabled.json")
        r, report = self.scan(path, cwd=sub)
        self.assertEqual(self.verdicts(report, "dax-encryption-at-rest"), [])
        self.assertIn(str(self.tmp / ".atrest.yaml"), r.stderr)  # says which file applied
        self.assertTrue(self.verdicts(report, "dax-multi-az"))
        _, report = self.scan(path, extra=["--no-config"], cwd=sub)
        self.assertEqual(self.verdicts(report, "dax-encryption-at-rest"), ["FAIL"])

    def test_config_option_names_the_file(self):
        path = self.write("checks:\n  enabled: [dax-multi-az]\n", "team.yaml")
        _, report = self.scan(fixture("dax-encryption-at-rest", "fail-sse-disabled.json"), extra=["--config", path])
        self.assertEqual({f["check_id"] for f in report["findings"]}, {"dax-multi-az"})
        r = atrest("scan", CHECKS, "--config", self.tmp / "missing.yaml")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.yaml", r.stderr)

    def test_thresholds_change_verdicts(self):
        two_azs = fixture("dax-multi-az", "fail-two-nodes-two-azs.json")
        _, report = self.scan(two_azs, extra=["--no-config", "--checks", "dax-multi-az"])
        self.assertEqual(self.verdicts(report, "dax-multi-az"), ["FAIL"])
        path = self.write("dax:\n  min_azs: 2\n")
        _, report = self.scan(two_azs, extra=["--config", path, "--checks", "dax-multi-az"])
        self.assertEqual(self.verdicts(report, "dax-multi-az"), ["PASS"])

    def test_severity_override_shows_in_the_report_and_the_exit_code(self):
        path = self.write("severity:\n  dax-encryption-at-rest: low\n")
        fail = fixture("dax-encryption-at-rest", "fail-sse-disabled.json")
        r, report = self.scan(fail, extra=["--config", path, "--checks", "dax-encryption-at-rest", "--fail-on", "medium"])
        [f] = report["findings"]
        self.assertEqual(f["severity"], "low")
        self.assertEqual(report["summary"]["by_severity"], {"low": 1})
        self.assertEqual(r.returncode, 0)

    def test_every_documented_key_is_accepted(self):
        path = self.write(textwrap.dedent("""\
            # every key of docs/configuration.md
            checks:
              enabled: [dax-encryption-at-rest, dax-multi-az]
              disabled: [elasticache-encryption-in-transit]
            severity:
              dax-multi-az: high
            trusted_accounts: ["111111111111", 222222222222]
            dax:
              min_azs: 2
            dynamodb:
              min_pitr_days: 7
              required_tags: [Environment, Owner]
              allowed_kms_keys: ["arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
            elasticache:
              min_snapshot_days: 14
              allowed_kms_keys: []
            """))
        r, _ = self.scan(fixture("dax-multi-az", "fail-two-nodes-two-azs.json"), extra=["--config", path])
        self.assertEqual(r.stderr, "")

    def test_documented_example_is_valid(self):
        doc = (SRC / "docs" / "configuration.md").read_text()
        example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
        path = self.write(example)
        r = atrest("scan", fixture("dax-multi-az", "fail-two-nodes-two-azs.json"), "--config", path)
        self.assertIn(r.returncode, (0, 1), r.stderr)

    def test_mistakes_are_errors_with_file_line_and_column(self):
        cases = [
            ("dax:\n  min_azs: 3\n  max_azs: 4\n", 3, 3, "unknown key 'max_azs' in 'dax'"),
            ("colour: red\n", 1, 1, "unknown key 'colour'"),
            ("dax:\n  min_azs: three\n", 2, 12, "'dax.min_azs' must be a whole number"),
            ("dax:\n  min_azs: \"3\"\n", 2, 12, "'dax.min_azs' must be a whole number"),
            ("dynamodb:\n  required_tags: Environment\n", 2, 18, "must be a list"),
            ("trusted_accounts: [\"12345\"]\n", 1, 20, "not a 12-digit AWS account id"),
            ("checks:\n  disabled:\n    - dax-encryption-at-rest\n    - no-such-check\n", 4, 7, "unknown check id 'no-such-check'"),
            ("severity:\n  dax-multi-az: urgent\n", 2, 17, "must be one of info, low, medium, high, critical"),
            ("severity:\n  nope: high\n", 2, 3, "unknown check id 'nope'"),
            ("checks: [dax-multi-az]\n", 1, 9, "'checks' must be a mapping"),
            ("dax:\n  min_azs: 2\n  min_azs: 3\n", 3, 3, ""),  # duplicate key: the YAML reader's message
            ("dax: [unclosed\n", 0, 0, ""),  # YAML syntax error
        ]
        for text, line, column, message in cases:
            with self.subTest(text=text):
                path = self.write(text)
                r = atrest("scan", fixture("dax-multi-az", "fail-two-nodes-two-azs.json"), "--config", path)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stdout, "")
                if line:
                    self.assertRegex(r.stderr, re.escape(f"{path}:{line}:{column}: ") + ".*" + re.escape(message))
                else:
                    self.assertRegex(r.stderr, re.escape(str(path)) + r":\d+:\d+: ")
        # Every problem is reported, one line each.
        path = self.write("colour: red\ndax:\n  min_azs: 0\n")
        lines = atrest("scan", CHECKS, "--config", path).stderr.splitlines()
        self.assertEqual([l.split(": ")[0] for l in lines], [f"{path}:1:1", f"{path}:3:12"])

    def test_found_configuration_errors_stop_the_scan_too(self):
        self.write("checks:\n  enabled: [nope]\n")
        r = atrest("scan", fixture("dax-multi-az", "fail-two-nodes-two-azs.json"), cwd=self.tmp)
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{self.tmp / '.atrest.yaml'}:2:13: unknown check id 'nope'", r.stderr)


if __name__ == "__main__":
    unittest.main()
