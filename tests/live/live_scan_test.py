#!/usr/bin/env python3
"""End-to-end tests of `atrest scan --aws` against moto behind tests/live/fault_proxy.py.

    ATREST_BIN=build/release/src/atrest python3 tests/live/live_scan_test.py [-k pattern]

Each test class starts one MotoEnv (moto + fault proxy), seeds it once (seed.py) and scans it
with the real binary; proxy rules and the call log are cleared before every test. What is
proven, always by comparing findings:

  DemoScanTest        the seed_demo verdicts exactly; the same moto state dumped with the aws CLI
                      and scanned as files gives the same findings; faults (throttling, access
                      denied, HTML 500, connection reset, truncated bodies, pagination loops, 500s
                      until the retries run out) give ERROR where data was lost and the baseline
                      verdict everywhere else, and never a PASS the baseline does not have;
                      docs/iam-policy.json covers every call; secrets never reach the output;
                      per-service endpoints and --endpoint-url. The account-level collectors
                      (tags, resource and key policies, network, IAM, AWS Backup, scalable
                      targets, trails, Config): each denied or failing gives ERROR/UNKNOWN on what
                      needed it and an incomplete scan, never a PASS; lists moto answers in one
                      page are cut into pages by the proxy and still read whole.
  PagesScanTest       every resource past the first page of every paged list is judged once
                      (table tags and scalable targets included).
  MultiAccountTest    --role-arn (one, two, one that cannot be assumed) and --organization.

Exit status 77 (CTest: skipped) when moto cannot be imported. The consistency test needs the aws
CLI on PATH and is skipped without it.
"""
from __future__ import annotations

import collections
import concurrent.futures
import fnmatch
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

HAVE_MOTO = importlib.util.find_spec("moto") is not None
ATREST = os.environ.get("ATREST_BIN") or os.path.join(REPO, "build", "release", "src", "atrest")
POLICY = os.path.join(REPO, "docs", "iam-policy.json")
SCHEMA = os.path.join(REPO, "docs", "findings-v1.schema.json")

if HAVE_MOTO:
    from moto_env import DEFAULT_ACCOUNT, MotoEnv, free_port, make_client  # noqa: E402
    from seed import CAVEAT_AWS_MANAGED, Seeder, seed_demo, seed_pages  # noqa: E402
else:  # keep the module importable so that unittest can report the skip
    DEFAULT_ACCOUNT = "123456789012"

try:
    import jsonschema  # noqa: E402
except ImportError:  # validation is done by the cli test; here it is a bonus
    jsonschema = None

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
DEMO_REGIONS = ("us-east-1", "eu-west-1")
ALL_CHECKS = ("dax-encryption-at-rest", "dax-encryption-in-transit", "dax-multi-az",
              "dynamodb-customer-managed-key", "dynamodb-key-usable", "dynamodb-kms-encryption",
              "elasticache-encryption-at-rest", "elasticache-encryption-in-transit")
T_DAX, T_TABLE = "AWS::DAX::Cluster", "AWS::DynamoDB::Table"
T_RG, T_CC, T_SC = ("AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster",
                    "AWS::ElastiCache::ServerlessCache")
# Every operation the live source calls after STS (what a fault sweep breaks one at a time).
SCAN_OPERATIONS = ("dax:DescribeClusters", "dax:DescribeSubnetGroups", "dynamodb:ListTables",
                   "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
                   "elasticache:DescribeReplicationGroups", "elasticache:DescribeCacheClusters",
                   "elasticache:DescribeServerlessCaches", "kms:ListAliases", "kms:DescribeKey",
                   "kms:GetKeyRotationStatus")
# The collectors of the account-level data, and a check that must lose its verdicts (ERROR or
# UNKNOWN, never PASS) when the call is denied; None: no check of the demo depends on it alone.
NEW_OPERATIONS = {
    "dynamodb:ListTagsOfResource": "dynamodb-required-tags",
    "dynamodb:GetResourcePolicy": "dynamodb-resource-policy-restricted",
    "kms:GetKeyPolicy": "kms-key-policy-restricted",
    "elasticache:DescribeCacheSubnetGroups": "elasticache-private-subnets",
    "ec2:DescribeSubnets": None,
    "ec2:DescribeRouteTables": "dax-private-subnets",
    "ec2:DescribeVpcEndpoints": "vpc-dynamodb-endpoint",
    "iam:GetAccountAuthorizationDetails": "dax-iam-role-least-privilege",
    "backup:ListBackupPlans": "dynamodb-backup-plan",
    "backup:ListBackupSelections": "dynamodb-backup-plan",
    "backup:GetBackupSelection": "dynamodb-backup-plan",
    "application-autoscaling:DescribeScalableTargets": "dynamodb-autoscaling",
    "cloudtrail:DescribeTrails": "cloudtrail-management-events",
    "cloudtrail:GetTrailStatus": "cloudtrail-management-events",
    "cloudtrail:GetEventSelectors": "cloudtrail-dynamodb-data-events",
    "config:DescribeConfigurationRecorders": "config-recorder-dynamodb",
    "config:DescribeConfigurationRecorderStatus": "config-recorder-dynamodb",
}
# The critical checks seed_demo fails (a disabled key, a key pending deletion, a public table policy
# and a public key policy).
CRITICAL_FAILING = ("dynamodb-key-usable,kms-key-not-pending-deletion,dynamodb-resource-policy-restricted,"
                    "kms-key-policy-restricted,elasticache-key-usable")
SECRET_KEY = "wJalrXUtnFEMI-K7MDENG-atrestLEAKcanary-secret-0193"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEATRESTleakCANARYsessionTOKEN8827"


# ---------------------------------------------------------------------------------------------
# Running atrest and reading its findings


class Scan:
    def __init__(self, argv, rc, stdout, stderr, report, seconds, report_text=""):
        self.argv, self.rc, self.stdout, self.stderr = argv, rc, stdout, stderr
        self.report, self.seconds, self.report_text = report, seconds, report_text

    @property
    def findings(self) -> list:
        return self.report["findings"] if self.report else []

    @property
    def summary(self) -> dict:
        return self.report["summary"]

    @property
    def input_errors(self) -> list:
        return [e for i in self.report["inputs"] for e in i["errors"]]

    def describe(self) -> str:
        return (f"$ {' '.join(self.argv)}\nexit {self.rc} in {self.seconds:.1f}s\n"
                f"stderr (end): {self.stderr[-1500:]}")


def clean_env(env: "MotoEnv", extra: dict | None = None, unset=()) -> dict:
    """The test's environment without any AWS_* of the caller, plus MotoEnv's test settings."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out.update({k: v for k, v in env.aws_env().items() if k.startswith("AWS_")})
    for k in unset:
        out.pop(k, None)
    out.update(extra or {})
    return out


def run_atrest(env, args, extra_env=None, unset=(), timeout=120, fmt="json") -> Scan:
    """atrest scan ARGS; with fmt="json" the report is written with -o and parsed."""
    with tempfile.TemporaryDirectory(prefix="atrest-live-") as tmp:
        out = os.path.join(tmp, "report.json")
        argv = [ATREST, "scan", *args]
        if fmt == "json":
            argv += ["--format", "json", "-o", out]
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                               env=clean_env(env, extra_env, unset), stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:  # the child is killed by subprocess.run
            raise AssertionError(f"atrest did not finish within {timeout}s: {' '.join(argv)}\n"
                                 f"stderr (end): {(e.stderr or b'')[-1500:]!r}") from None
        seconds = time.monotonic() - t0
        report, text = None, ""
        if fmt == "json" and os.path.exists(out):
            with open(out) as f:
                text = f.read()
            report = json.loads(text)
            if jsonschema is not None:
                with open(SCHEMA) as f:
                    jsonschema.validate(report, json.load(f))
        return Scan(argv, p.returncode, p.stdout, p.stderr, report, seconds, text)


def res_key(resource: dict) -> tuple:
    return (resource["type"], resource["id"], resource["account"], resource["region"])


def fkey(f: dict) -> tuple:
    return (f["check_id"],) + res_key(f["resource"])


def verdicts(findings) -> dict:
    """(check_id, type, id, account, region) -> status; a key found twice is an error."""
    out, dups = {}, []
    for f in findings:
        k = fkey(f)
        if k in out:
            dups.append(k)
        out[k] = f["status"]
    if dups:
        raise AssertionError(f"{len(dups)} findings reported more than once, e.g. {dups[:5]}")
    return out


T_SCOPE = "AWS::::Account"


def by_scope(findings) -> dict:
    """verdicts(), with the findings on an account and region keyed by that account and region:
    a live scan records one scope per region, a snapshot one per saved list (other ids)."""
    out: dict = {}
    for f in findings:
        k = fkey(f)
        if k[1] == T_SCOPE:
            k = (k[0], T_SCOPE, "<account and region>", k[3], k[4])
            out.setdefault(k, set()).add(f["status"])
        else:
            out[k] = f["status"]
    return {k: ("/".join(sorted(v)) if isinstance(v, set) else v) for k, v in out.items()}


def first_checks(findings) -> dict:
    """verdicts() of the eight checks the multi-account seeds describe (the others judge
    account-level data those accounts do not have)."""
    return {k: v for k, v in verdicts(findings).items() if k[0] in ALL_CHECKS}


def expected_verdicts(expected) -> dict:
    out = {}
    for e in expected:
        k = fkey(e)
        assert k not in out, f"seed expects {k} twice"
        out[k] = e["status"]
    return out


def diff(got: dict, want: dict, limit: int = 25) -> str:
    lines = []
    for k in sorted(set(got) | set(want), key=str):
        if got.get(k) != want.get(k):
            lines.append(f"  {k}: got {got.get(k)}, want {want.get(k)}")
    more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def calls(env, op: str | None = None, region: str | None = None) -> list:
    out = env.calls()["calls"]
    if op:
        service, operation = op.split(":")
        out = [c for c in out if c["service"] == service and c["operation"] == operation]
    if region:
        out = [c for c in out if c["region"] == region]
    return out


def policy_actions() -> list:
    with open(POLICY) as f:
        doc = json.load(f)
    actions = []
    for st in doc["Statement"]:
        if st.get("Effect") != "Allow":
            continue
        a = st.get("Action", [])
        actions += [a] if isinstance(a, str) else a
    return actions


def missing_from_policy(ops) -> list:
    allowed = [a.lower() for a in policy_actions()]
    return sorted(op for op in ops
                  if op != "sts:GetCallerIdentity" and not any(fnmatch.fnmatchcase(op.lower(), a) for a in allowed))


class LiveCase(unittest.TestCase):
    env: "MotoEnv"
    baseline: Scan
    regions: tuple = DEMO_REGIONS

    @classmethod
    def start_env(cls):
        if not HAVE_MOTO:
            raise unittest.SkipTest("moto is not installed")
        if not os.access(ATREST, os.X_OK):  # a failure, not a skip: CTest always passes the binary
            raise RuntimeError(f"no atrest binary at {ATREST} (set ATREST_BIN)")
        cls.env = MotoEnv().start()
        cls.addClassCleanup(cls.env.stop)

    def setUp(self):
        self.env.proxy_reset(["rules", "calls"])  # keeps the fixtures (serverless caches, subnet groups)

    def scan(self, *args, regions=None, extra_env=None, unset=(), timeout=120, fmt="json") -> Scan:
        regions = self.regions if regions is None else regions
        reg = ["--regions", ",".join(regions)] if regions else []
        return run_atrest(self.env, ["--aws", *reg, *args], extra_env, unset, timeout, fmt)

    def assertScanRan(self, s: Scan, rc=None):
        self.assertIsNotNone(s.report, "no report was written\n" + s.describe())
        if rc is not None:
            self.assertEqual(s.rc, rc, s.describe())

    def assertNoNewPass(self, s: Scan, exempt=()):
        """(h) A fault may turn a verdict into ERROR, never into a PASS the baseline lacks."""
        base = verdicts(self.baseline.findings)
        bad = [k for k, v in verdicts(s.findings).items() if v == "PASS" and base.get(k) != "PASS" and k not in exempt]
        self.assertEqual(bad, [], "a fault produced PASS where the clean scan did not\n" + s.describe())


# ---------------------------------------------------------------------------------------------


class DemoScanTest(LiveCase):
    """seed_demo in us-east-1 and eu-west-1; one clean scan is the baseline of every fault."""

    @classmethod
    def setUpClass(cls):
        cls.start_env()
        cls.seed = seed_demo(cls.env.endpoint, regions=DEMO_REGIONS)
        cls.env.proxy_reset(["calls"])
        regions = ["--regions", ",".join(DEMO_REGIONS)]
        cls.baseline = run_atrest(cls.env, ["--aws", *regions])
        cls.baseline_calls = cls.env.calls()
        if cls.baseline.report is None:
            raise AssertionError("the baseline scan wrote no report\n" + cls.baseline.describe())

    # -- helpers ---------------------------------------------------------------------------
    def base(self) -> dict:
        return verdicts(self.baseline.findings)

    def fault(self, rules, *args, exempt=(), **kw) -> Scan:
        """A scan with these proxy rules; (h) is checked on every one."""
        self.env.rules(rules)
        s = self.scan(*args, **kw)
        self.assertScanRan(s)
        self.assertNoNewPass(s, exempt)
        return s

    def fired(self) -> list:
        return [r["fired"] for r in self.env.get_rules()]

    def assertSameAsBaseline(self, s: Scan, complete=True):
        got = verdicts(s.findings)
        self.assertEqual(got, self.base(), "findings differ from the clean scan:\n" + diff(got, self.base()) + "\n" + s.describe())
        self.assertIs(s.summary["complete"], complete, s.describe())
        if complete:
            self.assertEqual(s.input_errors, [], s.describe())

    def assertOnlyPlaceholderErrors(self, s: Scan, lost: set, types: set, region: str, api: str,
                                    checks: set, account=DEFAULT_ACCOUNT):
        """The findings are the baseline minus `lost` resources' findings plus one ERROR per check
        on the placeholder '*' of each type in `types` (at least the checks in `checks`), whose
        message names `api`. A verdict that depended on a lost resource (a key's users, the
        VPCs of the region) may become ERROR or UNKNOWN, never anything else."""
        base = self.base()
        got = verdicts(s.findings)
        want = {k: v for k, v in base.items() if (k[1], k[2], k[4]) not in lost}
        placeholders = {k for k in got if k[1] in types and k[2] == "*" and k[3] == account and k[4] == region}
        self.assertTrue({(c, t, "*", account, region) for t in types for c in checks} <= placeholders,
                        f"placeholder findings: {sorted(placeholders)}")
        for k in placeholders:
            want[k] = "ERROR"
        for k, v in got.items():
            if k in want and v != want[k] and v in ("ERROR", "UNKNOWN") and k not in placeholders:
                want[k] = v  # a neighbour of a lost resource
        if got != want:
            self.fail("\n" + diff(got, want) + "\n" + s.describe())
        for f in s.findings:
            if f["status"] == "ERROR" and fkey(f) in placeholders:
                self.assertIn(api, f["message"], f)
        self.assertFalse(s.summary["complete"], s.describe())
        self.assertTrue(any(api in e for e in s.input_errors), s.input_errors)

    # -- 1. demo ---------------------------------------------------------------------------
    def test_01_demo_every_expected_verdict(self):
        """Every finding of the checks seed_demo covers (seed["checks"]) is expected, and every
        expected verdict is found. UNKNOWN appears only where moto's data decides it (caveats)."""
        s = self.baseline
        covered = set(self.seed["checks"])
        want = {k: v for k, v in expected_verdicts(self.seed["expected"]).items() if k[0] in covered}
        got = {k: v for k, v in verdicts(s.findings).items() if k[0] in covered}
        self.assertGreater(len(want), 92)
        if got != want:
            self.fail("live scan differs from seed_demo's verdicts:\n" + diff(got, want))
        # the resources are named as AWS names them, ARN included
        arns = {res_key(e["resource"]): e["resource"]["arn"] for e in self.seed["expected"]}
        for f in s.findings:
            if f["check_id"] in covered and f["resource"]["arn"] is not None:
                self.assertEqual(f["resource"]["arn"], arns[res_key(f["resource"])], f["resource"])
            self.assertIsNone(f["location"])
        caveats = [e for e in self.seed["expected"] if e.get("caveat")]
        self.assertTrue(caveats)  # the moto-specific cases are among those asserted above
        self.assertIs(s.summary["complete"], True, s.input_errors)
        self.assertEqual(s.summary["ERROR"], 0)
        unknown = {fkey(f) for f in s.findings if f["status"] == "UNKNOWN"}
        explained = {fkey(e) for e in self.seed["expected"] if e.get("caveat") and e["status"] == "UNKNOWN"}
        self.assertEqual(unknown & {k for k in unknown if k[0] in covered} - explained, set())
        self.assertEqual(s.input_errors, [])
        self.assertEqual(s.rc, EXIT_FAILED, s.describe())  # seed_demo has failing checks
        self.assertEqual([i["kind"] for i in s.report["inputs"]], ["aws"])
        self.assertIn(DEFAULT_ACCOUNT, s.report["inputs"][0]["source"])

    def test_02_text_report_and_exit_codes(self):
        t = self.scan("--show-pass", "--no-color", fmt="text")
        self.assertEqual(t.rc, EXIT_FAILED, t.describe())
        self.assertIn("scan complete", t.stdout)
        for name in ("t-cmk-disabled", "dax-plain", "rg-redis-plain", "sc-cmk"):
            self.assertIn(name, t.stdout)
        # nothing fails at critical when the critical checks the demo fails are skipped
        ok = self.scan("--fail-on", "critical", "--skip-checks", CRITICAL_FAILING)
        self.assertScanRan(ok, EXIT_OK)

    def test_03_same_region_twice_is_scanned_once(self):
        """`--regions us-east-1,us-east-1` (or --regions given twice) must not call every API of
        the region twice nor count its resources twice."""
        s = self.scan(regions=("us-east-1", "us-east-1"))
        self.assertScanRan(s, EXIT_FAILED)
        want = {k: v for k, v in self.base().items() if k[4] in ("us-east-1", None)}  # None: IAM (global)
        self.assertEqual(verdicts(s.findings), want, "\n" + diff(verdicts(s.findings), want))
        tables = sum(1 for r in self.seed["resources"] if r["type"] == T_TABLE and r["region"] == "us-east-1")
        self.assertEqual(len(calls(self.env, "dynamodb:ListTables")), 1, "ListTables called more than once")
        self.assertEqual(len(calls(self.env, "dynamodb:DescribeTable")), tables)
        single = self.scan(regions=("us-east-1",))
        self.assertEqual(s.report["inputs"][0]["resources"], single.report["inputs"][0]["resources"])

    # -- 3. consistency with the aws CLI + snapshot reader --------------------------------
    def test_10_cli_snapshot_gives_the_same_findings(self):
        aws = shutil.which("aws")
        if not aws:
            self.skipTest("the aws CLI is not on PATH")
        with tempfile.TemporaryDirectory(prefix="atrest-cli-dump-") as root:
            self.dump_with_cli(aws, root)
            s = run_atrest(self.env, [root])
            self.assertScanRan(s)
            self.assertEqual(s.input_errors, [], s.describe())
            self.assertIs(s.summary["complete"], True)
            self.assertEqual(s.report["inputs"][0]["kind"], "snapshot")
            snap = by_scope(s.findings)
            live = by_scope(self.baseline.findings)
            self.assertEqual(snap, live, "the aws CLI snapshot and the live scan disagree "
                                         "(got = snapshot, want = live):\n" + diff(snap, live))
            arns_live = {fkey(f): f["resource"]["arn"] for f in self.baseline.findings if f["resource"]["type"] != T_SCOPE}
            arns_snap = {fkey(f): f["resource"]["arn"] for f in s.findings if f["resource"]["type"] != T_SCOPE}
            self.assertEqual(arns_snap, arns_live)

    def dump_with_cli(self, aws: str, root: str) -> None:
        """One directory per region, aws CLI outputs in it (through the proxy, for the fixtures);
        IAM (global) at the top. File names follow docs: an output about one resource names it."""
        env = clean_env(self.env)

        def run(region, *args):
            return subprocess.run([aws, "--endpoint-url", self.env.endpoint, "--region", region, "--output", "json",
                                   *args], capture_output=True, text=True, env=env, timeout=120)

        def cli(region, *args):
            p = run(region, *args)
            if p.returncode != 0:
                raise AssertionError(f"aws {' '.join(args)} in {region}: {p.stderr}")
            return p.stdout

        def policy_or_none(region, *args):
            """get-resource-policy: a table without a policy answers PolicyNotFoundException; saved
            as the error, which the reader takes for "no policy"."""
            p = run(region, *args)
            if p.returncode != 0 and "PolicyNotFoundException" in p.stderr:
                return json.dumps({"Error": {"Code": "PolicyNotFoundException", "Message": p.stderr.strip()}})
            if p.returncode != 0:
                raise AssertionError(f"aws {' '.join(args)} in {region}: {p.stderr}")
            return p.stdout

        def save(region, name, text):
            d = os.path.join(root, region) if region else root
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
            return json.loads(text)

        lists = [("dax-describe-clusters.json", ("dax", "describe-clusters")),
                 ("dax-describe-subnet-groups.json", ("dax", "describe-subnet-groups")),
                 ("elasticache-describe-replication-groups.json", ("elasticache", "describe-replication-groups")),
                 ("elasticache-describe-cache-clusters.json", ("elasticache", "describe-cache-clusters",
                                                               "--show-cache-node-info")),
                 ("elasticache-describe-serverless-caches.json", ("elasticache", "describe-serverless-caches")),
                 ("elasticache-describe-cache-subnet-groups.json", ("elasticache", "describe-cache-subnet-groups")),
                 ("kms-list-aliases.json", ("kms", "list-aliases")),
                 ("ec2-describe-subnets.json", ("ec2", "describe-subnets")),
                 ("ec2-describe-route-tables.json", ("ec2", "describe-route-tables")),
                 ("ec2-describe-vpc-endpoints.json", ("ec2", "describe-vpc-endpoints")),
                 ("application-autoscaling-describe-scalable-targets.json",
                  ("application-autoscaling", "describe-scalable-targets", "--service-namespace", "dynamodb")),
                 ("cloudtrail-describe-trails.json", ("cloudtrail", "describe-trails")),
                 ("config-describe-configuration-recorders.json", ("configservice", "describe-configuration-recorders")),
                 ("config-describe-configuration-recorder-status.json",
                  ("configservice", "describe-configuration-recorder-status")),
                 ("backup-list-backup-plans.json", ("backup", "list-backup-plans"))]
        jobs = []
        # the aws CLI takes about a second a call, most of it starting Python: run many at once
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            iam = pool.submit(cli, "us-east-1", "iam", "get-account-authorization-details",
                              "--filter", "Role", "LocalManagedPolicy", "User", "Group")
            for region in DEMO_REGIONS:
                for name, args in lists:
                    jobs.append((region, name, pool.submit(cli, region, *args)))
                jobs.append((region, None, pool.submit(cli, region, "dynamodb", "list-tables")))
            docs = {}
            table_jobs = []
            for region, name, fut in jobs:
                text = fut.result()
                if name is None:
                    for t in json.loads(text)["TableNames"]:
                        arn = f"arn:aws:dynamodb:{region}:{DEFAULT_ACCOUNT}:table/{t}"
                        table_jobs.append((region, f"dynamodb-describe-table.{t}.json",
                                           pool.submit(cli, region, "dynamodb", "describe-table", "--table-name", t)))
                        table_jobs.append((region, f"continuous-backups.{t}.json",
                                           pool.submit(cli, region, "dynamodb", "describe-continuous-backups",
                                                       "--table-name", t)))
                        table_jobs.append((region, f"dynamodb-list-tags-of-resource.{t}.json",
                                           pool.submit(cli, region, "dynamodb", "list-tags-of-resource",
                                                       "--resource-arn", arn)))
                        table_jobs.append((region, f"dynamodb-get-resource-policy.{t}.json",
                                           pool.submit(policy_or_none, region, "dynamodb", "get-resource-policy",
                                                       "--resource-arn", arn)))
                else:
                    docs[(region, name)] = save(region, name, text)
            save(None, "iam-get-account-authorization-details.json", iam.result())
            keys = set()  # (region, key reference) of every key a resource uses
            for region, name, fut in table_jobs:
                doc = save(region, name, fut.result())
                sse = doc.get("Table", {}).get("SSEDescription", {})
                if sse.get("SSEType") == "KMS" and sse.get("KMSMasterKeyArn"):
                    keys.add((region, sse["KMSMasterKeyArn"]))
            more = []
            for region in DEMO_REGIONS:
                for g in docs[(region, "elasticache-describe-replication-groups.json")]["ReplicationGroups"]:
                    if g.get("KmsKeyId"):
                        keys.add((region, g["KmsKeyId"]))
                for c in docs[(region, "elasticache-describe-serverless-caches.json")]["ServerlessCaches"]:
                    if c.get("KmsKeyId"):
                        keys.add((region, c["KmsKeyId"]))
                # every region lists the multi-region trail: its status and selectors go next to each listing
                for t in docs[(region, "cloudtrail-describe-trails.json")]["trailList"]:
                    home = t["HomeRegion"]
                    more.append((region, f"cloudtrail-get-trail-status.{t['Name']}.json",
                                 pool.submit(cli, home, "cloudtrail", "get-trail-status", "--name", t["TrailARN"])))
                    more.append((region, f"cloudtrail-get-event-selectors.{t['Name']}.json",
                                 pool.submit(cli, home, "cloudtrail", "get-event-selectors", "--trail-name", t["TrailARN"])))
                for plan in docs[(region, "backup-list-backup-plans.json")]["BackupPlansList"]:
                    pid = plan["BackupPlanId"]
                    sels = save(region, f"backup-list-backup-selections.{pid}.json",
                                cli(region, "backup", "list-backup-selections", "--backup-plan-id", pid))
                    for sel in sels["BackupSelectionsList"]:
                        more.append((region, f"backup-get-backup-selection.{sel['SelectionId']}.json",
                                     pool.submit(cli, region, "backup", "get-backup-selection", "--backup-plan-id", pid,
                                                 "--selection-id", sel["SelectionId"])))
            self.assertTrue(keys)
            for region, ref in sorted(keys):
                key_region = ref.split(":")[3] if ref.startswith("arn:") else region
                key_id = ref.rsplit('/', 1)[-1]
                more.append((key_region, f"kms-describe-key.{key_id}.json",
                             pool.submit(cli, key_region, "kms", "describe-key", "--key-id", ref)))
                more.append((key_region, f"kms-get-key-rotation-status.{key_id}.json",
                             pool.submit(cli, key_region, "kms", "get-key-rotation-status", "--key-id", ref)))
                more.append((key_region, f"kms-get-key-policy.{key_id}.json",
                             pool.submit(cli, key_region, "kms", "get-key-policy", "--key-id", ref,
                                         "--policy-name", "default")))
            for region, name, fut in more:
                save(region, name, fut.result())

    # -- 4. faults -------------------------------------------------------------------------
    def test_20_throttled_describe_table_recovers(self):
        s = self.fault([{"service": "dynamodb", "operation": "DescribeTable", "action": "throttle", "times": 2}])
        self.assertEqual(self.fired(), [2])
        self.assertSameAsBaseline(s)
        self.assertEqual(s.rc, EXIT_FAILED)
        throttled = [c for c in calls(self.env, "dynamodb:DescribeTable") if c["action"] == "throttle"]
        self.assertEqual(len(throttled), 2)

    def test_21_access_denied_on_one_table_errs_that_table_only(self):
        """Prowler bug B2: one unreadable table must not change any other table's verdicts."""
        # One named table: a denied table that alone uses a key hides that key too (keys are read
        # only when something uses them), which would change other resources' verdicts.
        s = self.fault([{"service": "dynamodb", "operation": "DescribeTable", "action": "access_denied", "times": 1,
                         "body_contains": '"t-default"'}])
        self.assertEqual(self.fired(), [1])
        errors = [f for f in s.findings if f["status"] == "ERROR"]
        broken = {res_key(f["resource"]) for f in errors}
        self.assertEqual(len(broken), 1, f"ERROR on more than one resource: {broken}")
        (rtype, rid, account, region), = broken
        self.assertEqual(rtype, T_TABLE)
        self.assertNotEqual(rid, "*")
        for f in errors:
            self.assertIn("dynamodb:DescribeTable", f["message"])
            self.assertIn("AccessDenied", f["message"])
        base = self.base()
        got = verdicts(s.findings)
        # every check the table had is now ERROR; every other finding is unchanged
        for k in base:
            if k[1:] == (rtype, rid, account, region):
                self.assertEqual(got.get(k), "ERROR", k)
        others = {k: v for k, v in got.items() if k[1:] != (rtype, rid, account, region)}
        base_others = {k: v for k, v in base.items() if k[1:] != (rtype, rid, account, region)}
        self.assertEqual(others, base_others, "\n" + diff(others, base_others))
        self.assertFalse(s.summary["complete"])
        self.assertTrue(any("dynamodb:DescribeTable" in e for e in s.input_errors), s.input_errors)
        self.assertEqual(s.rc, EXIT_FAILED, "a FAIL wins over incompleteness")
        # without any failing check in scope the exit code says "incomplete"
        self.env.proxy_reset(["rules"])
        args = ("--fail-on", "critical", "--skip-checks", CRITICAL_FAILING)
        clean = self.scan(*args)
        self.assertScanRan(clean, EXIT_OK)
        s2 = self.fault([{"service": "dynamodb", "operation": "DescribeTable", "action": "access_denied", "times": 1,
                          "body_contains": '"t-default"'}], *args)
        self.assertEqual(s2.rc, EXIT_INCOMPLETE, s2.describe())
        self.assertFalse(s2.summary["complete"])

    def test_22_html_500_on_dax_in_one_region(self):
        s = self.fault([{"service": "dax", "operation": "DescribeClusters", "region": "eu-west-1",
                         "action": "html", "status": 500, "times": -1}])
        dax_eu = {(T_DAX, r["id"], "eu-west-1") for r in self.seed["resources"]
                  if r["type"] == T_DAX and r["region"] == "eu-west-1"}
        self.assertEqual(len(dax_eu), 3)
        self.assertOnlyPlaceholderErrors(s, dax_eu, {T_DAX}, "eu-west-1", "dax:DescribeClusters",
                                         {c for c in ALL_CHECKS if c.startswith("dax-")})
        for f in s.findings:
            if f["status"] == "ERROR":
                self.assertIn("500", f["message"])
        us = [c for c in calls(self.env, "dax:DescribeClusters", "us-east-1")]
        self.assertTrue(us and all(c["status"] == 200 for c in us))

    def test_23_connection_reset_once_recovers(self):
        s = self.fault([{"service": "dynamodb", "operation": "DescribeTable", "action": "reset", "times": 1},
                        {"service": "elasticache", "operation": "DescribeReplicationGroups", "region": "eu-west-1",
                         "action": "reset", "mode": "close", "times": 1},
                        {"service": "kms", "operation": "DescribeKey", "action": "reset", "times": 1}])
        self.assertEqual(self.fired(), [1, 1, 1])
        self.assertSameAsBaseline(s)

    def test_24_truncated_body_once_recovers(self):
        s = self.fault([{"service": "dynamodb", "operation": "DescribeTable", "action": "truncate", "times": 1},
                        {"service": "elasticache", "operation": "DescribeServerlessCaches", "region": "us-east-1",
                         "action": "truncate", "times": 1},
                        {"service": "dax", "operation": "DescribeClusters", "region": "eu-west-1",
                         "action": "truncate", "times": 1}])
        self.assertEqual(self.fired(), [1, 1, 1])
        self.assertSameAsBaseline(s)

    def test_25_truncated_body_always_is_error_not_pass(self):
        # the serverless caches PASS both checks in the baseline: a half-read list must not
        s = self.fault([{"service": "elasticache", "operation": "DescribeServerlessCaches", "region": "us-east-1",
                         "action": "truncate"}])
        lost = {(T_SC, r["id"], "us-east-1") for r in self.seed["resources"]
                if r["type"] == T_SC and r["region"] == "us-east-1"}
        self.assertEqual(len(lost), 2)
        self.assertTrue(all(self.base()[(c, t, i, DEFAULT_ACCOUNT, r)] == "PASS"
                            for (t, i, r) in lost for c in ("elasticache-encryption-at-rest",
                                                            "elasticache-encryption-in-transit")))
        self.assertOnlyPlaceholderErrors(s, lost, {T_SC}, "us-east-1", "elasticache:DescribeServerlessCaches",
                                         {"elasticache-encryption-at-rest", "elasticache-encryption-in-transit"})
        # and the same for a JSON service: every table of the region unreadable, none judged
        s = self.fault([{"service": "dynamodb", "operation": "DescribeTable", "region": "eu-west-1",
                         "action": "truncate"}], "--max-attempts", "2")
        got = verdicts(s.findings)
        for k, v in self.base().items():
            if k[1] == T_TABLE and k[4] == "eu-west-1":
                self.assertEqual(got.get(k), "ERROR", k)
            elif k[1] == "AWS::KMS::Key" and k[4] == "eu-west-1" and k not in got:
                pass  # a key only tables use is found through them: not read
            elif v != got.get(k):  # a check that counts the region's tables cannot decide
                self.assertIn(got.get(k), ("ERROR", "UNKNOWN"), (k, v))
        self.assertFalse(s.summary["complete"])

    def test_26_repeated_pagination_token_terminates(self):
        s = self.fault([{"service": "dynamodb", "operation": "ListTables", "region": "us-east-1",
                         "action": "repeat_token"}], timeout=60)
        base = self.base()
        got = verdicts(s.findings)
        want = dict(base)
        for k in got:
            if k[1:] == (T_TABLE, "*", DEFAULT_ACCOUNT, "us-east-1"):
                want[k] = "ERROR"
        for c in ("dynamodb-customer-managed-key", "dynamodb-key-usable", "dynamodb-kms-encryption"):
            self.assertEqual(got.get((c, T_TABLE, "*", DEFAULT_ACCOUNT, "us-east-1")), "ERROR")
        # page 1 (all nine tables of the region) is judged as in the baseline, plus the loop's ERROR
        self.assertEqual(got, want, "\n" + diff(got, want))
        for f in s.findings:
            if f["status"] == "ERROR":
                self.assertIn("PaginationLoop", f["message"])
                self.assertIn("dynamodb:ListTables", f["message"])
        self.assertFalse(s.summary["complete"])
        self.assertLessEqual(len(calls(self.env, "dynamodb:ListTables", "us-east-1")), 3)
        # every other paged list: it ends, says why, and loses nothing of the page it read
        for op in ("dax:DescribeClusters", "elasticache:DescribeReplicationGroups",
                   "elasticache:DescribeCacheClusters", "kms:ListAliases"):
            with self.subTest(op=op):
                self.env.proxy_reset(["rules", "calls"])
                service, operation = op.split(":")
                s = self.fault([{"service": service, "operation": operation, "region": "us-east-1",
                                 "action": "repeat_token"}], timeout=60)
                self.assertLessEqual(len(calls(self.env, op, "us-east-1")), 3)
                self.assertTrue(any(op in e and "PaginationLoop" in e for e in s.input_errors), s.input_errors)
                self.assertFalse(s.summary["complete"])
                got = verdicts(s.findings)
                for k, v in base.items():
                    self.assertEqual(got.get(k), v, k)
                for k in set(got) - set(base):
                    self.assertEqual((k[2], k[4], got[k]), ("*", "us-east-1", "ERROR"), k)
        # the lists of the account-level data (and the two that tell which VPCs hold DAX
        # clusters and caches): the loop ends, the list counts as not read, its dependants become
        # ERROR or UNKNOWN, never PASS
        for op in ("dax:DescribeSubnetGroups", "elasticache:DescribeServerlessCaches", "dynamodb:ListTagsOfResource", "elasticache:DescribeCacheSubnetGroups", "ec2:DescribeSubnets",
                   "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints", "iam:GetAccountAuthorizationDetails",
                   "backup:ListBackupPlans", "backup:ListBackupSelections",
                   "application-autoscaling:DescribeScalableTargets"):
            with self.subTest(op=op):
                self.env.proxy_reset(["rules", "calls"])
                service, operation = op.split(":")
                rule = {"service": service, "operation": operation, "action": "repeat_token"}
                if service != "iam":
                    rule["region"] = "us-east-1"
                s = self.fault([rule], timeout=60)
                n = len(calls(self.env, op, None if service == "iam" else "us-east-1"))
                per_resource = op == "dynamodb:ListTagsOfResource"  # one list per table
                self.assertLessEqual(n, 3 * (10 if per_resource else 1), n)
                self.assertTrue(any(op in e and "PaginationLoop" in e for e in s.input_errors), s.input_errors)
                self.assertFalse(s.summary["complete"])
                for k, v in verdicts(s.findings).items():
                    if base.get(k) != v:
                        self.assertIn(v, ("ERROR", "UNKNOWN"), (k, base.get(k)))

    def test_27_repeated_page_is_not_counted_twice(self):
        """The page that came back twice must not be described nor counted twice."""
        self.env.rules([{"service": "dynamodb", "operation": "ListTables", "region": "us-east-1",
                         "action": "repeat_token"}])
        s = self.scan(timeout=60)
        self.assertScanRan(s)
        tables = sum(1 for r in self.seed["resources"] if r["type"] == T_TABLE and r["region"] == "us-east-1")
        self.assertEqual(len(calls(self.env, "dynamodb:DescribeTable", "us-east-1")), tables,
                         "tables of the repeated page were described again")
        self.assertEqual(s.report["inputs"][0]["resources"], self.baseline.report["inputs"][0]["resources"],
                         "inputs[].resources counts the repeated page's tables twice")

    def test_28_status_500_until_retries_run_out(self):
        s = self.fault([{"service": "elasticache", "operation": "DescribeReplicationGroups", "region": "us-east-1",
                         "action": "status500"}])
        lost = {(T_RG, r["id"], "us-east-1") for r in self.seed["resources"]
                if r["type"] == T_RG and r["region"] == "us-east-1"}
        self.assertOnlyPlaceholderErrors(s, lost, {T_RG}, "us-east-1", "elasticache:DescribeReplicationGroups",
                                         {"elasticache-encryption-at-rest", "elasticache-encryption-in-transit"})
        attempts = calls(self.env, "elasticache:DescribeReplicationGroups", "us-east-1")
        self.assertEqual([c["status"] for c in attempts], [500, 500, 500], "standard mode: exactly 3 attempts")
        for f in s.findings:
            if f["status"] == "ERROR":
                self.assertIn("after 3 attempts", f["message"])
        # AWS_MAX_ATTEMPTS and --max-attempts change the count
        self.env.proxy_reset(["calls"])
        self.fault([{"service": "elasticache", "operation": "DescribeReplicationGroups", "region": "us-east-1",
                     "action": "status500"}], extra_env={"AWS_MAX_ATTEMPTS": "2"})
        self.assertEqual(len(calls(self.env, "elasticache:DescribeReplicationGroups", "us-east-1")), 2)
        self.env.proxy_reset(["calls"])
        self.fault([{"service": "elasticache", "operation": "DescribeReplicationGroups", "region": "us-east-1",
                     "action": "status500"}], "--max-attempts", "1", extra_env={"AWS_MAX_ATTEMPTS": "5"})
        self.assertEqual(len(calls(self.env, "elasticache:DescribeReplicationGroups", "us-east-1")), 1)

    def test_29_no_fault_turns_a_verdict_into_pass(self):
        """(h) Every operation denied in turn, then failing with 500s: ERROR appears, PASS never
        appears where the clean scan has none. (Each fault test above checks this too.)"""
        aws_managed = {fkey(e) for e in self.seed["expected"] if e.get("caveat") == CAVEAT_AWS_MANAGED}
        self.assertTrue(aws_managed)
        for action in ("access_denied", "status500"):
            for op in SCAN_OPERATIONS:
                with self.subTest(op=op, action=action):
                    self.env.proxy_reset(["rules", "calls"])
                    service, operation = op.split(":")
                    # moto says KeyManager CUSTOMER for alias/aws/dynamodb (AWS says AWS): without
                    # ListAliases only moto's wrong KeyManager is left. On AWS this stays FAIL.
                    # The same key then gets findings of its own (it looks customer managed).
                    exempt = aws_managed if op == "kms:ListAliases" else set()
                    if op == "kms:ListAliases":
                        seeded = {r["id"] for r in self.seed["resources"] if r["type"] == "AWS::KMS::Key"}
                        self.env.rules([{"service": service, "operation": operation, "action": action}])
                        probe = self.scan("--max-attempts", "1")
                        exempt = exempt | {k for k in verdicts(probe.findings)
                                           if k[1] == "AWS::KMS::Key" and k[2] not in seeded}
                    s = self.fault([{"service": service, "operation": operation, "action": action}],
                                   "--max-attempts", "1", exempt=exempt)
                    self.assertGreater(len(calls(self.env, op)), 0, f"{op} was never called")
                    got = verdicts(s.findings)
                    base = self.base()
                    # nothing that was FAIL became anything but FAIL or ERROR (the checks that read
                    # the account-level data may also say UNKNOWN: a value they need is unknown)
                    for k, v in got.items():
                        if k in base and v != base[k] and k not in exempt:
                            self.assertIn(v, ("ERROR",) if k[0] in ALL_CHECKS else ("ERROR", "UNKNOWN"), (k, base[k], v))

    def test_31_each_new_collector_denied_is_error_or_unknown(self):
        """Every call of the account-level collectors denied in turn (and failing with 500s): the
        call is made, the scan is incomplete and names it, no PASS appears, and the check that
        needs that data loses its verdicts (ERROR or UNKNOWN) instead of guessing."""
        for action in ("access_denied", "status500"):
            for op, check in NEW_OPERATIONS.items():
                with self.subTest(op=op, action=action):
                    self.env.proxy_reset(["rules", "calls"])
                    service, operation = op.split(":")
                    s = self.fault([{"service": service, "operation": operation, "action": action}],
                                   "--max-attempts", "1")
                    self.assertGreater(len(calls(self.env, op)), 0, f"{op} was never called")
                    self.assertFalse(s.summary["complete"], f"{op} failed, yet the report says complete")
                    self.assertTrue(any(op in e for e in s.input_errors), f"no input error names {op}: {s.input_errors}")
                    got, base = verdicts(s.findings), self.base()
                    for k, v in got.items():
                        if k in base and v != base[k]:
                            self.assertIn(v, ("ERROR", "UNKNOWN"), (k, base[k], v))
                    if check is None:
                        continue
                    decided = [k for k, v in base.items() if k[0] == check and v in ("PASS", "FAIL")]
                    if not decided:  # nothing to lose (see the report's unverified checks)
                        continue
                    lost = [k for k in decided if got.get(k) in ("ERROR", "UNKNOWN")]
                    self.assertTrue(lost, f"{op} {action}: {check} kept every verdict:\n" +
                                    diff({k: got.get(k) for k in decided}, {k: base[k] for k in decided}))

    def test_30_unreadable_supporting_data_makes_the_scan_incomplete(self):
        """docs/findings-v1.schema.json: complete is false "when some input or API call could not
        be read". dax:DescribeSubnetGroups does that; DescribeContinuousBackups and
        GetKeyRotationStatus must too, even though no check reads their answer yet."""
        for op in ("dax:DescribeSubnetGroups", "dynamodb:DescribeContinuousBackups", "kms:GetKeyRotationStatus",
                   "dynamodb:ListTagsOfResource", "dynamodb:GetResourcePolicy", "kms:GetKeyPolicy",
                   "cloudtrail:GetTrailStatus", "config:DescribeConfigurationRecorderStatus"):
            with self.subTest(op=op):
                self.env.proxy_reset(["rules", "calls"])
                service, operation = op.split(":")
                s = self.fault([{"service": service, "operation": operation, "action": "access_denied"}])
                self.assertTrue(calls(self.env, op))
                self.assertFalse(s.summary["complete"], f"{op} denied, yet the report says complete")
                self.assertTrue(any(op in e for e in s.input_errors), f"no input error names {op}: {s.input_errors}")

    def test_32_lists_moto_does_not_page_are_read_page_by_page(self):
        """moto answers EC2, IAM, cache subnet group and backup lists in one page; the proxy cuts
        them into pages of one item. The scan must follow every page to the same findings."""
        paged = {"ec2:DescribeSubnets": ["subnetSet"], "ec2:DescribeRouteTables": ["routeTableSet"],
                 "ec2:DescribeVpcEndpoints": ["vpcEndpointSet"],
                 "iam:GetAccountAuthorizationDetails": ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"],
                 "elasticache:DescribeCacheSubnetGroups": ["CacheSubnetGroups"],
                 "backup:ListBackupSelections": ["BackupSelectionsList"]}
        rules = [{"service": op.split(":")[0], "operation": op.split(":")[1], "action": "pages", "size": 1,
                  "lists": lists} for op, lists in paged.items()]
        s = self.fault(rules)
        self.assertEqual(verdicts(s.findings), self.base(), "\n" + diff(verdicts(s.findings), self.base()))
        self.assertEqual(s.summary["complete"], self.baseline.summary["complete"], s.input_errors)
        self.assertEqual(sorted(s.input_errors), sorted(self.baseline.input_errors))
        counts = self.env.calls()["counts"]
        base_counts = self.baseline_calls["counts"]
        for op in paged:
            with self.subTest(op=op):
                self.assertGreater(counts.get(op, 0), base_counts.get(op, 0), f"{op} was not read past page one")

    # -- 6. the IAM policy ---------------------------------------------------------------------
    def test_40_iam_policy_covers_every_call_of_an_all_region_scan(self):
        s = self.scan(regions=())  # ec2:DescribeRegions, then every region moto lists
        self.assertScanRan(s, EXIT_FAILED)
        log = self.env.calls()
        ops = set(log["counts"])
        for op in ("ec2:DescribeRegions", "dax:DescribeClusters", "dax:DescribeSubnetGroups", "dynamodb:ListTables",
                   "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "kms:DescribeKey",
                   "kms:GetKeyRotationStatus", "kms:ListAliases", "elasticache:DescribeServerlessCaches", *NEW_OPERATIONS):
            self.assertIn(op, ops)
        self.assertEqual(missing_from_policy(ops), [], "docs/iam-policy.json lacks these actions")
        regions = {c["region"] for c in log["calls"] if c["service"] == "dynamodb"}
        self.assertGreater(len(regions), 10)
        # the other regions hold no resource: the same findings as the two-region scan, plus the
        # account checks of each other region (the multi-region trail covers it; no recorder)
        got = verdicts(s.findings)
        others = {k: v for k, v in got.items() if k[4] is not None and k[4] not in DEMO_REGIONS}
        self.assertEqual({k[1] for k in others}, {"AWS::::Account"})
        self.assertLessEqual({(k[0], v) for k, v in others.items()},
                             {("cloudtrail-management-events", "PASS"), ("cloudtrail-dynamodb-data-events", "PASS"),
                              ("config-recorder-dynamodb", "FAIL")})
        got = {k: v for k, v in got.items() if k not in others}
        self.assertEqual(got, self.base(), "\n" + diff(got, self.base()))
        self.assertIs(s.summary["complete"], True, s.input_errors)
        self.assertEqual(missing_from_policy(self.baseline_calls["counts"]), [])

    # -- 7. secrets ---------------------------------------------------------------------------
    def test_50_secrets_never_reach_output(self):
        creds = {"AWS_ACCESS_KEY_ID": "AKIAATRESTLEAKTEST01", "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                 "AWS_SESSION_TOKEN": SESSION_TOKEN}
        rules = [{"service": "dynamodb", "operation": "DescribeTable", "action": "access_denied", "times": 1},
                 {"service": "dax", "operation": "DescribeClusters", "region": "eu-west-1", "action": "html", "status": 500},
                 {"service": "kms", "operation": "DescribeKey", "action": "error", "code": "InvalidSignatureException",
                  "status": 400, "message": "The request signature we calculated does not match the signature you provided"},
                 {"service": "sts", "operation": "AssumeRole", "action": "access_denied"}]
        runs = []
        for fmt in ("text", "json"):
            self.env.rules(rules)
            runs.append(self.scan("-v", "--max-attempts", "2", fmt=fmt, extra_env=creds))
        self.env.rules(rules)
        runs.append(self.scan("-v", "--role-arn", "arn:aws:iam::111111111111:role/Audit", extra_env=creds))
        # credential sources that fail while holding the secret: a broken shared credentials
        # file (the secret on the line that cannot be parsed) and a credential_process whose
        # output is not JSON but the secret itself
        with tempfile.TemporaryDirectory(prefix="atrest-creds-") as tmp:
            broken = os.path.join(tmp, "credentials")
            with open(broken, "w") as f:
                f.write(f"[default]\naws_access_key_id = AKIAATRESTLEAKTEST01\naws_secret_access_key = {SECRET_KEY}\n"
                        f"aws_session_token {SESSION_TOKEN}\n")
            config = os.path.join(tmp, "config")
            with open(config, "w") as f:
                f.write(f"[default]\ncredential_process = /bin/echo {SECRET_KEY} {SESSION_TOKEN}\n")
            unset = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
            for extra in ({"AWS_SHARED_CREDENTIALS_FILE": broken}, {"AWS_CONFIG_FILE": config}):
                s = self.scan("-v", extra_env=extra, unset=unset)
                self.assertScanRan(s)
                self.assertFalse(s.summary["complete"])
                self.assertTrue(s.input_errors)  # the credentials were refused, and said so
                runs.append(s)
        text, js, role = runs[:3]
        self.assertIn("AccessDenied", text.stdout + text.stderr)
        self.assertIn("dax DescribeClusters", text.stderr)  # -v logged the calls
        self.assertIn("InvalidSignatureException", js.report_text)
        self.assertIn("AssumeRole", role.report_text)
        for s in runs:
            self.assertIsNotNone(s.rc)
            for where, blob in (("stdout", s.stdout), ("stderr", s.stderr), ("report", s.report_text)):
                for secret in (SECRET_KEY, SESSION_TOKEN, SECRET_KEY[:16], SESSION_TOKEN[:16]):
                    self.assertNotIn(secret, blob, f"{secret[:8]}... leaked to {where} of {' '.join(s.argv)}")

    # -- 8. endpoints ------------------------------------------------------------------------
    def test_60_per_service_endpoint_env(self):
        dead = f"http://127.0.0.1:{free_port()}"
        s = self.scan(extra_env={"AWS_ENDPOINT_URL_DYNAMODB": dead, "AWS_MAX_ATTEMPTS": "1"})
        self.assertScanRan(s)
        self.assertEqual(calls(self.env, "dynamodb:ListTables"), [], "DynamoDB went to AWS_ENDPOINT_URL")
        got = verdicts(s.findings)
        want = {k: v for k, v in self.base().items() if k[1] != T_TABLE}
        placeholders = {k for k in got if k[1] == T_TABLE and k[2] == "*"}
        for region in DEMO_REGIONS:
            for c in ("dynamodb-customer-managed-key", "dynamodb-key-usable", "dynamodb-kms-encryption"):
                self.assertIn((c, T_TABLE, "*", DEFAULT_ACCOUNT, region), placeholders)
        for k in placeholders:
            want[k] = "ERROR"
        # Keys are found through the resources that use them: a key only tables use is not read.
        used_by_caches = {k[2] for k in got if k[1] == "AWS::KMS::Key"}
        want = {k: v for k, v in want.items() if k[1] != "AWS::KMS::Key" or k[2] in used_by_caches}
        for k, v in got.items():  # the tables' keys lose their users: their verdicts may be undecided
            if k in want and v != want[k] and v in ("ERROR", "UNKNOWN") and k[1] == "AWS::KMS::Key":
                want[k] = v
        self.assertEqual(got, want, "\n" + diff(got, want))
        for f in s.findings:
            if f["status"] == "ERROR":
                self.assertIn("TransportError", f["message"])
                self.assertIn("dynamodb:", f["message"])
        self.assertFalse(s.summary["complete"])
        self.assertNoNewPass(s)

    def test_61_endpoint_url_option_overrides_env(self):
        dead = f"http://127.0.0.1:{free_port()}"
        s = self.scan("--endpoint-url", self.env.endpoint,
                      extra_env={"AWS_ENDPOINT_URL": dead, "AWS_ENDPOINT_URL_DYNAMODB": dead,
                                 "AWS_ENDPOINT_URL_STS": dead, "AWS_ENDPOINT_URL_KMS": dead, "AWS_MAX_ATTEMPTS": "1"})
        self.assertScanRan(s, EXIT_FAILED)
        self.assertSameAsBaseline(s)
        self.assertTrue(calls(self.env, "dynamodb:DescribeTable"))
        self.assertTrue(calls(self.env, "sts:GetCallerIdentity"))


# ---------------------------------------------------------------------------------------------


class PagesScanTest(LiveCase):
    """seed_pages: more than one page of every paged list in us-east-1."""
    regions = ("us-east-1",)

    @classmethod
    def setUpClass(cls):
        cls.start_env()
        cls.seed = seed_pages(cls.env.endpoint, region="us-east-1")
        cls.env.proxy_reset(["calls"])
        cls.baseline = run_atrest(cls.env, ["--aws", "--regions", "us-east-1"])
        cls.calls = cls.env.calls()

    def test_every_resource_past_the_first_page_is_judged_once(self):
        s = self.baseline
        self.assertScanRan(s, EXIT_FAILED)
        want = expected_verdicts(self.seed["expected"])
        # the checks seed_pages covers: the first eight everywhere, the others where it says
        got = {k: v for k, v in verdicts(s.findings).items() if k[0] in ALL_CHECKS or k in want}  # raises on a twice judged
        self.assertEqual(got, want, "\n" + diff(got, want))
        judged = collections.Counter(res_key(f["resource"]) for f in s.findings
                                     if f["check_id"] in ALL_CHECKS or fkey(f) in want)
        counts = {T_TABLE: 151, T_DAX: 120, T_RG: 120, T_CC: 110, T_SC: 120}
        for t, n in counts.items():
            ids = [r["id"] for r in self.seed["resources"] if r["type"] == t]
            self.assertEqual(len(ids), n)
            for i in ids:
                checks = sum(1 for e in self.seed["expected"] if res_key(e["resource"]) == (t, i, DEFAULT_ACCOUNT, "us-east-1"))
                self.assertEqual(judged[(t, i, DEFAULT_ACCOUNT, "us-east-1")], checks, (t, i))
        self.assertIs(s.summary["complete"], True, s.input_errors)

    def test_lists_were_read_page_by_page(self):
        pages = self.seed["pages"]
        for name, want_pages in (("dynamodb:ListTables", pages["dynamodb:ListTables@100"]),
                                 ("dax:DescribeClusters", pages["dax:DescribeClusters@100"]),
                                 ("elasticache:DescribeReplicationGroups", pages["elasticache:DescribeReplicationGroups@100"]),
                                 ("elasticache:DescribeCacheClusters", pages["elasticache:DescribeCacheClusters@100"]),
                                 ("elasticache:DescribeServerlessCaches", pages["elasticache:DescribeServerlessCaches@50"]),
                                 ("dax:DescribeSubnetGroups", pages["dax:DescribeSubnetGroups@100"]),
                                 ("application-autoscaling:DescribeScalableTargets",
                                  pages["application-autoscaling:DescribeScalableTargets@50"])):
            with self.subTest(op=name):
                self.assertGreater(want_pages, 1)
                self.assertEqual(self.calls["counts"].get(name), want_pages)
        # tags: one list per table, page-provisioned's on several pages
        tables = sum(1 for r in self.seed["resources"] if r["type"] == T_TABLE)
        tag_pages = pages["dynamodb:ListTagsOfResource(page-provisioned)"]
        self.assertGreater(tag_pages, 1)
        self.assertEqual(self.calls["counts"].get("dynamodb:ListTagsOfResource"), tables - 1 + tag_pages)


# ---------------------------------------------------------------------------------------------


class MultiAccountTest(LiveCase):
    """Resources in the caller's account, in 111111111111 and 222222222222 (for --role-arn) and in
    two organization member accounts."""
    regions = ("us-east-1",)
    ROLE1 = "arn:aws:iam::111111111111:role/Audit"
    ROLE2 = "arn:aws:iam::222222222222:role/Audit"

    @classmethod
    def setUpClass(cls):
        cls.start_env()
        region = "us-east-1"
        cls.expected = {}
        # the caller's own account
        s0 = Seeder(cls.env.endpoint, DEFAULT_ACCOUNT)
        s0.table(region, "caller-table")
        cls.expected[DEFAULT_ACCOUNT] = s0
        # two accounts reached with --role-arn (moto partitions state by x-moto-account-id)
        s1 = Seeder(cls.env.endpoint, "111111111111")
        key = s1.kms_key(region, "acct1")
        s1.table(region, "acct1-owned")
        s1.table(region, "acct1-cmk", key="cmk", key_md=key)
        s1.dax_cluster(region, "acct1-dax", s1.dax_role(), nodes=1, sse=True, tls=False)
        s1.replication_group(region, "acct1-rg", "valkey", at_rest=True, transit=True, mode="required", key_md=key)
        s1.fixtures(region, serverless_caches=[s1.serverless_item(region, "acct1-sc", key)])
        cls.expected["111111111111"] = s1
        s2 = Seeder(cls.env.endpoint, "222222222222")
        s2.table(region, "acct2-aws-managed", key="aws")
        s2.memcached(region, "acct2-mc")
        cls.expected["222222222222"] = s2
        # an organization of the caller with two member accounts
        org = make_client(cls.env.endpoint, "organizations", attempts=3)
        org.create_organization(FeatureSet="ALL")
        cls.members = []
        for i in range(2):
            st = org.create_account(Email=f"member{i}@example.com", AccountName=f"member{i}")["CreateAccountStatus"]
            acct = st["AccountId"]
            cls.members.append(acct)
            sm = Seeder(cls.env.endpoint, acct)
            sm.table(region, f"member{i}-table", pitr=True)
            cls.expected[acct] = sm
        cls.env.proxy_reset(["calls"])
        # the baseline of assertNoNewPass: every account scanned with nothing broken
        cls.baseline = run_atrest(cls.env, ["--aws", "--regions", region, "--role-arn", cls.ROLE1,
                                            "--role-arn", cls.ROLE2])

    def want(self, *accounts) -> dict:
        out = {}
        for a in accounts:
            out.update(expected_verdicts(self.expected[a].expected))
        return out

    def test_one_role(self):
        s = self.scan("--role-arn", self.ROLE1)
        self.assertScanRan(s, EXIT_FAILED)
        got = first_checks(s.findings)
        self.assertEqual(got, self.want("111111111111"), "\n" + diff(got, self.want("111111111111")))
        self.assertEqual({f["resource"]["account"] for f in s.findings}, {"111111111111"})
        for f in s.findings:
            if f["resource"]["arn"] is not None:  # account scopes and inline policies have no ARN
                self.assertIn(":111111111111:", f["resource"]["arn"])
        self.assertIs(s.summary["complete"], True, s.input_errors)
        self.assertIn("111111111111", s.report["inputs"][0]["source"])
        assumed = [c for c in self.env.calls()["calls"] if c["service"] != "sts"]
        self.assertTrue(assumed and all(c["account"] == "111111111111" for c in assumed))

    def test_two_roles(self):
        s = self.baseline
        self.assertScanRan(s, EXIT_FAILED)
        want = self.want("111111111111", "222222222222")
        got = first_checks(s.findings)
        self.assertEqual(got, want, "\n" + diff(got, want))
        self.assertIs(s.summary["complete"], True, s.input_errors)
        self.assertEqual(len(s.report["inputs"]), 2)

    def test_role_that_cannot_be_assumed(self):
        # the proxy cannot tell the two AssumeRole calls apart: deny exactly one of them
        self.env.rules([{"service": "sts", "operation": "AssumeRole", "action": "access_denied", "times": 1}])
        s = self.scan("--role-arn", self.ROLE1, "--role-arn", self.ROLE2)
        self.assertScanRan(s)
        self.assertNoNewPass(s)
        self.assertEqual([r["fired"] for r in self.env.get_rules()], [1])
        errored = {f["resource"]["account"] for f in s.findings if f["status"] == "ERROR"}
        self.assertEqual(len(errored), 1, errored)
        bad, = errored
        good = ({"111111111111", "222222222222"} - {bad}).pop()
        got = first_checks(s.findings)
        good_findings = {k: v for k, v in got.items() if k[3] == good}
        self.assertEqual(good_findings, self.want(good), "\n" + diff(good_findings, self.want(good)))
        bad_findings = [f for f in s.findings if f["resource"]["account"] == bad]
        self.assertLessEqual(set(ALL_CHECKS), {f["check_id"] for f in bad_findings})
        for f in bad_findings:
            self.assertEqual((f["status"], f["resource"]["id"]), ("ERROR", "*"), f)
            self.assertIn("AssumeRole", f["message"])
            self.assertIn("AccessDenied", f["message"])
        self.assertFalse(s.summary["complete"])
        bad_input = [i for i in s.report["inputs"] if bad in i["source"]]
        self.assertEqual(len(bad_input), 1)
        self.assertTrue(bad_input[0]["errors"])
        self.assertEqual(s.rc, EXIT_FAILED)

    def test_same_role_twice_is_scanned_once(self):
        s = self.scan("--role-arn", self.ROLE1, "--role-arn", self.ROLE1)
        self.assertScanRan(s, EXIT_FAILED)
        self.assertEqual(first_checks(s.findings), self.want("111111111111"))
        self.assertEqual(len(calls(self.env, "dynamodb:ListTables")), 1, "the account was scanned twice")
        self.assertEqual(len(s.report["inputs"]), 1, [i["source"] for i in s.report["inputs"]])

    def test_organization(self):
        s = self.scan("--organization")
        self.assertScanRan(s, EXIT_FAILED)
        want = self.want(DEFAULT_ACCOUNT, *self.members)
        got = first_checks(s.findings)
        self.assertEqual(got, want, "\n" + diff(got, want))
        self.assertIs(s.summary["complete"], True, s.input_errors)
        sources = " ".join(i["source"] for i in s.report["inputs"])
        for acct in [DEFAULT_ACCOUNT, *self.members]:
            self.assertIn(acct, sources)
        log = self.env.calls()
        self.assertEqual(log["counts"].get("organizations:ListAccounts"), 1)
        self.assertEqual(log["counts"].get("sts:AssumeRole"), len(self.members))
        for acct in self.members:
            self.assertTrue(any(c["account"] == acct and c["operation"] == "DescribeTable" for c in log["calls"]), acct)
        # 6. the policy covers the organization scan too
        self.assertEqual(missing_from_policy(log["counts"]), [], "docs/iam-policy.json lacks these actions")

    def test_organization_member_that_cannot_be_assumed(self):
        self.env.rules([{"service": "sts", "operation": "AssumeRole", "action": "access_denied", "times": 1}])
        s = self.scan("--organization")
        self.assertScanRan(s, EXIT_FAILED)
        self.assertEqual([r["fired"] for r in self.env.get_rules()], [1])
        errored = {f["resource"]["account"] for f in s.findings if f["status"] == "ERROR"}
        self.assertEqual(len(errored), 1, errored)
        bad = errored.pop()
        self.assertIn(bad, self.members)
        got = first_checks(s.findings)
        # the caller and the other member are scanned fully; the denied member is all ERROR
        want = self.want(DEFAULT_ACCOUNT, *[m for m in self.members if m != bad])
        self.assertEqual({k: v for k, v in got.items() if k[3] != bad}, want)
        bad_findings = [f for f in s.findings if f["resource"]["account"] == bad]
        self.assertLessEqual(set(ALL_CHECKS), {f["check_id"] for f in bad_findings})
        for f in bad_findings:
            self.assertEqual((f["status"], f["resource"]["id"]), ("ERROR", "*"), f)
            self.assertIn("AssumeRole", f["message"])
        self.assertFalse(s.summary["complete"])

if __name__ == "__main__":
    if not HAVE_MOTO:
        print("moto is not installed: skipping the live scan tests")
        sys.exit(77)
    unittest.main(verbosity=2)
