"""End-to-end tests of the atrest binary: exit codes, report formats, options, bad input.

Run by CTest with ATREST_BIN (the binary) and ATREST_SOURCE_DIR (the repository) set.
"""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest

import jsonschema

BIN = os.environ["ATREST_BIN"]
SRC = pathlib.Path(os.environ["ATREST_SOURCE_DIR"])
CHECKS = SRC / "src" / "checks"
SCHEMA = json.loads((SRC / "docs" / "findings-v1.schema.json").read_text())


def atrest(*args, env=None):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, env=full_env, timeout=60)


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
        self.assertEqual(statuses, {"PASS", "FAIL", "UNKNOWN", "ERROR"})
        s = report["summary"]
        self.assertEqual(s["FAIL"], sum(1 for f in report["findings"] if f["status"] == "FAIL"))
        self.assertFalse(s["complete"])

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
        r = atrest("scan", path, "--format", "json", "--min-severity", "high")
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


if __name__ == "__main__":
    unittest.main()
