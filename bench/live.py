#!/usr/bin/env python3
"""Times whole `atrest scan --aws` processes against moto behind the fault proxy (see bench/README.md).

    python3 bench/live.py [--atrest PATH] [--runs 3] [--concurrency 16,64,128] [--latency-ms 20]
                          [--tables 2000 --dax 200 --replication-groups 500 --kms-keys 300]
                          [--regions us-east-1,us-west-2,eu-west-1,ap-southeast-2]
                          [--results bench/results/latest-live.json] [--pin CPU]
    bench/run.sh --kind live [--runs 3] [--atrest PATH] [--pin CPU]

Steps, all against one moto + fault_proxy (tests/live/moto_env.py) on free local ports:

1. Seed tests/live/seed.py's seed_scale with the counts given (totals spread round-robin over the
   regions; 100 serverless caches and the DAX subnet groups live in the proxy's fixtures).
2. Service-time probe: one atrest scan with --max-concurrency 1 and no injected latency. Every
   call then meets an idle moto, so the proxy's per-call time (proxy in, moto, proxy out) is the
   service time of that operation. Its median per operation feeds the critical path.
3. Capacity: --capacity-runs scans at --capacity-concurrency (64) with no injected latency. HTTP
   requests / wall is the rate moto (plus the proxy) sustains on this machine; the CPU seconds
   moto and the proxy used in the run show which of them is saturated.
4. The proxy adds --latency-ms to every AWS call. One untimed warm-up scan, then --runs rounds;
   each round runs every --concurrency value once (alternated, so drift hits all alike).

Each timed run is
    atrest scan --aws --regions R1,R2,... --max-concurrency C --format json -o FILE -v
with AWS_ENDPOINT_URL set to the proxy. Per run: wall time (fork to reap), peak RSS and CPU time of
atrest (/usr/bin/time -v when present, else the child's rusage from wait4), the calls the proxy
saw by service:operation, atrest's own -v summary line, the findings, and completeness: the
(check, resource) verdicts seed.py expects that the report has, and how many agree.

Critical path: the longest chain of calls that must wait for each other. For atrest it is
GetCallerIdentity -> ListTables pages (one after another; pages = ceil(tables in the region / 100))
-> DescribeTable (DescribeContinuousBackups beside it) -> KMS DescribeKey (GetKeyRotationStatus
beside it); ec2:DescribeRegions is skipped because --regions is given. Its length is the sum over
the chain of (injected latency + the operation's probed service time). The replication-group
chain (GetCallerIdentity -> DescribeReplicationGroups pages -> DescribeKey) is computed too; the
longer one counts.

Prowler's call count for the same checks is computed, not measured: see prowler_calls() for the
formula (from /work/shared/reference/peers-live.md sections 1 and 4.7).

Results: a markdown table on stdout, progress on stderr, JSON in --results. Exit: 0 done,
1 harness failure (atrest exited other than 0/1/3, crashed or timed out; seeding failed), 2 usage.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "live"))

from moto_env import MotoEnv  # noqa: E402
from seed import DAX_REGIONS, seed_scale  # noqa: E402

ACCEPTED_EXIT_CODES = (0, 1, 3)
SUMMARY_RE = re.compile(r"atrest: aws: (\d+) account\(s\), (\d+) region\(s\), (\d+) calls, (\d+) HTTP requests, "
                        r"(\d+) retried, (\d+) throttled, (\d+) failed")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = 100  # ListTables Limit and DescribeReplicationGroups MaxRecords atrest sends


class HarnessFailure(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Machine state


def proc_cpu_s(pid: int | None) -> float | None:
    """utime + stime of a live process (all its threads), in seconds."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_s() -> float | None:
    """CPU seconds all CPUs spent busy since boot (/proc/stat: everything but idle and iowait)."""
    try:
        with open("/proc/stat") as f:
            vals = [int(x) for x in f.readline().split()[1:]]
        return (sum(vals[:8]) - vals[3] - vals[4]) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def other_moto_servers(own: set[int]) -> int:
    """moto servers running on this machine that are not ours (another helper's tests)."""
    n = 0
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) in own:
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if b"moto.server" in f.read():
                    n += 1
        except OSError:
            pass
    return n


def host_info() -> dict:
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version()}


def emulator_versions() -> dict:
    from importlib import metadata
    out = {}
    for pkg in ("moto", "botocore"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def quiet_output(cmd, cwd=None, timeout=10):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------------------------------------
# One atrest run


def run_atrest(args, env: MotoEnv, concurrency: int, out_dir: str, label: str) -> dict:
    """One whole `atrest scan --aws` process; returns its measurements."""
    report = os.path.join(out_dir, f"{label}.json")
    verbose_log = os.path.join(out_dir, f"{label}.stderr")
    time_log = os.path.join(out_dir, f"{label}.time")
    cmd = [args.atrest, "scan", "--aws", "--regions", ",".join(args.regions), "--max-concurrency", str(concurrency),
           "--format", "json", "-o", report, "-v"]
    if args.pin is not None:
        cmd = ["taskset", "-c", str(args.pin)] + cmd
    gnu_time = args.time_cmd if args.time_cmd and os.access(args.time_cmd, os.X_OK) else None
    if gnu_time:
        cmd = [gnu_time, "-v", "-o", time_log] + cmd
    env.proxy_reset(["calls"])
    own = {os.getpid(), env.moto_proc.pid, env.proxy_proc.pid}
    before = {"moto": proc_cpu_s(env.moto_proc.pid), "proxy": proc_cpu_s(env.proxy_proc.pid),
              "busy": machine_busy_s(), "load": os.getloadavg()[0], "others": other_moto_servers(own)}
    with open(verbose_log, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                env=env.aws_env(args.regions[0]), start_new_session=True)
        kill = lambda: os.killpg(proc.pid, signal.SIGKILL)  # noqa: E731
        timer = threading.Timer(args.timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    after = {"moto": proc_cpu_s(env.moto_proc.pid), "proxy": proc_cpu_s(env.proxy_proc.pid),
             "busy": machine_busy_s()}
    with open(verbose_log, encoding="utf-8", errors="replace") as f:
        stderr_lines = f.read().splitlines()
    if code not in ACCEPTED_EXIT_CODES:
        why = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        if code < 0 and wall >= args.timeout:
            why = f"killed after the {args.timeout:.0f} s timeout"
        raise HarnessFailure(f"{' '.join(cmd)}: {why}\n  stderr (last lines):\n    " + "\n    ".join(stderr_lines[-20:]))

    # atrest's resources: /usr/bin/time -v when present, else wait4's rusage of the child
    rss_kib, user_s, sys_s, rss_source = usage.ru_maxrss, usage.ru_utime, usage.ru_stime, "wait4"
    if gnu_time:
        with open(time_log) as f:
            text = f.read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        u = re.search(r"User time \(seconds\): ([\d.]+)", text)
        s = re.search(r"System time \(seconds\): ([\d.]+)", text)
        if m and u and s:
            rss_kib, user_s, sys_s, rss_source = int(m.group(1)), float(u.group(1)), float(s.group(1)), "/usr/bin/time -v"

    summary = None
    for line in reversed(stderr_lines):
        m = SUMMARY_RE.search(line)
        if m:
            keys = ("accounts", "regions", "calls", "http_requests", "retried", "throttled", "failed")
            summary = dict(zip(keys, map(int, m.groups())))
            break
    attempt_lines = sum(1 for line in stderr_lines if line.startswith("aws ") and " attempt " in line)

    calls = env.calls()
    ms = [c["ms"] for c in calls["calls"]]
    tables_pages: dict[str, int] = {}
    rg_pages: dict[str, int] = {}
    for c in calls["calls"]:
        if c["service"] == "dynamodb" and c["operation"] == "ListTables":
            tables_pages[c["region"]] = tables_pages.get(c["region"], 0) + 1
        if c["service"] == "elasticache" and c["operation"] == "DescribeReplicationGroups":
            rg_pages[c["region"]] = rg_pages.get(c["region"], 0) + 1
    by_op: dict[str, list] = {}
    for c in calls["calls"]:
        by_op.setdefault(f"{c['service']}:{c['operation']}", []).append(c["ms"])

    with open(report) as f:
        rep = json.load(f)
    moto_cpu = after["moto"] - before["moto"] if None not in (after["moto"], before["moto"]) else None
    proxy_cpu = after["proxy"] - before["proxy"] if None not in (after["proxy"], before["proxy"]) else None
    busy = after["busy"] - before["busy"] if None not in (after["busy"], before["busy"]) else None
    others = busy - (moto_cpu or 0) - (proxy_cpu or 0) - user_s - sys_s if busy is not None else None
    return {
        "label": label, "concurrency": concurrency, "latency_ms": env_latency(env),
        "wall_s": round(wall, 4), "exit_code": code,
        "peak_rss_kib": rss_kib, "rss_source": rss_source, "cpu_user_s": round(user_s, 3), "cpu_sys_s": round(sys_s, 3),
        "proxy_calls": {"total": calls["total"], "dropped": calls["dropped"], "by_operation": dict(sorted(calls["counts"].items()))},
        "proxy_ms": {"median": round(statistics.median(ms), 2) if ms else None,
                     "p95": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 2) if ms else None,
                     "mean": round(statistics.fmean(ms), 2) if ms else None},
        "proxy_ms_median_by_operation": {k: round(statistics.median(v), 2) for k, v in sorted(by_op.items())},
        "list_tables_pages_by_region": tables_pages, "replication_group_pages_by_region": rg_pages,
        "atrest_summary": summary, "verbose_attempt_lines": attempt_lines,
        "report": rep,
        "cpu_s": {"atrest": round(user_s + sys_s, 3), "moto": round(moto_cpu, 3) if moto_cpu is not None else None,
                  "proxy": round(proxy_cpu, 3) if proxy_cpu is not None else None,
                  "machine_busy": round(busy, 3) if busy is not None else None,
                  "others": round(others, 3) if others is not None else None},
        "load_average_before": round(before["load"], 2), "other_moto_servers": before["others"],
    }


def env_latency(env: MotoEnv) -> float:
    return getattr(env, "_bench_latency", 0.0)


def set_latency(env: MotoEnv, ms: float) -> None:
    env.latency(ms)
    env._bench_latency = ms  # what the proxy was told; it has no read-back endpoint


# ---------------------------------------------------------------------------------------------
# Findings and completeness


def completeness(report: dict, expected: list[dict]) -> dict:
    key = lambda check, r: (check, r["type"], r["region"], r["id"])  # noqa: E731
    want = {key(e["check_id"], e["resource"]): e["status"] for e in expected}
    got = {key(f["check_id"], f["resource"]): f["status"] for f in report.get("findings", [])}
    found = sum(1 for k in want if k in got)
    agree = sum(1 for k, v in want.items() if got.get(k) == v)
    s = report.get("summary", {})
    errors = sum(len(i.get("errors", [])) for i in report.get("inputs", []))
    return {"findings": len(report.get("findings", [])), "expected": len(want), "found": found,
            "agree": agree, "unexpected": sum(1 for k in got if k not in want),
            "complete": s.get("complete"), "by_status": {k: s.get(k) for k in ("PASS", "FAIL", "UNKNOWN", "ERROR")},
            "input_errors": errors, "resources": sum(i.get("resources", 0) for i in report.get("inputs", []))}


# ---------------------------------------------------------------------------------------------
# Critical path and Prowler


def critical_path(service_ms: dict, latency_ms: float, tables_pages: int, rg_pages: int) -> dict:
    """Longest chain of dependent calls; each link costs the injected latency plus the
    operation's probed service time (the slower of two calls sent side by side)."""
    svc = lambda *ops: max(service_ms.get(op, 0.0) for op in ops)  # noqa: E731
    link = lambda *ops: latency_ms + svc(*ops)  # noqa: E731
    tables = (link("sts:GetCallerIdentity") + tables_pages * link("dynamodb:ListTables")
              + link("dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups")
              + link("kms:DescribeKey", "kms:GetKeyRotationStatus"))
    rgs = (link("sts:GetCallerIdentity") + rg_pages * link("elasticache:DescribeReplicationGroups")
           + link("kms:DescribeKey", "kms:GetKeyRotationStatus"))
    chains = {
        "tables": {"links": 1 + tables_pages + 1 + 1, "ms": round(tables, 1),
                   "latency_only_ms": round((3 + tables_pages) * latency_ms, 1),
                   "chain": f"sts:GetCallerIdentity -> {tables_pages} x dynamodb:ListTables -> dynamodb:DescribeTable "
                            "-> kms:DescribeKey"},
        "replication_groups": {"links": 1 + rg_pages + 1, "ms": round(rgs, 1),
                               "latency_only_ms": round((2 + rg_pages) * latency_ms, 1),
                               "chain": f"sts:GetCallerIdentity -> {rg_pages} x elasticache:DescribeReplicationGroups "
                                        "-> kms:DescribeKey"},
    }
    longest = max(chains, key=lambda k: chains[k]["ms"])
    return {"longest": longest, **chains[longest], "chains": chains}


def prowler_calls(counts: dict) -> dict:
    """API calls Prowler v5.40 makes for its checks that match atrest's, on the resources moto
    serves (per region r: t tables, d DAX clusters, g replication groups, c cache clusters,
    k KMS keys as ListKeys returns them), from peers-live.md sections 1.1-1.4 and 4.7:

      setup:       sts:GetCallerIdentity + ec2:DescribeRegions                         = 2
      DynamoDB:    ceil(t/100) ListTables + 4 t (DescribeTable, DescribeContinuousBackups,
                   GetResourcePolicy, ListTagsOfResource, one after another per table)
      DAX:         ceil(d/100) DescribeClusters + d ListTags
      ElastiCache: 1 DescribeCacheClusters + 1 DescribeReplicationGroups (neither paginated:
                   at most 100 each are seen) + min(c,100) DescribeCacheSubnetGroups
                   + min(c,100) + min(g,100) ListTagsForResource
      KMS:         ceil(k/100) ListKeys + 1 ListAliases + 4 k (DescribeKey, GetKeyRotationStatus,
                   GetKeyPolicy, ListResourceTags)

    Prowler reads no serverless caches and no DAX subnet groups, and has no check of the keys
    tables use: those calls of atrest's have no counterpart. Checks that need other services
    (auto scaling, AWS Backup, VPC routes) are left out, as atrest has no such checks."""
    per = {"setup": 2, "dynamodb": 0, "dax": 0, "elasticache": 0, "kms": 0}
    paginated_ec = 0
    seen_short = 0
    for c in counts.values():
        t, d, g, cc, k = c["tables"], c["dax_clusters"], c["replication_groups"], c["cache_clusters"], c["kms_keys"]
        per["dynamodb"] += max(1, math.ceil(t / 100)) + 4 * t
        per["dax"] += max(1, math.ceil(d / 100)) + d
        per["elasticache"] += 2 + 2 * min(cc, 100) + min(g, 100)
        paginated_ec += max(1, math.ceil(cc / 100)) + max(1, math.ceil(g / 100)) + 2 * cc + g
        per["kms"] += max(1, math.ceil(k / 100)) + 1 + 4 * k
        seen_short += max(0, g - 100) + max(0, cc - 100)
    total = sum(per.values())
    return {"total": total, "by_service": per,
            "elasticache_if_paginated": paginated_ec,
            "total_if_elasticache_paginated": total - per["elasticache"] + paginated_ec,
            "elasticache_resources_missed_by_truncation": seen_short,
            "sequential_per_resource_calls": sum(4 * c["tables"] + c["dax_clusters"] + 4 * c["kms_keys"]
                                                 + 2 * min(c["cache_clusters"], 100) + min(c["replication_groups"], 100)
                                                 for c in counts.values())}


# ---------------------------------------------------------------------------------------------
# Output


def median(xs):
    return statistics.median(xs) if xs else None


def markdown(report: dict) -> str:
    lat = report["settings"]["latency_ms"]
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    head = ["max-concurrency", "runs", "median s", "min s", "max s", "peak RSS MiB", "atrest CPU s", "moto CPU s",
            "proxy CPU s", "others' CPU s", "calls (proxy)", "HTTP requests (atrest -v)", "findings", "verdicts"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in report["results"]:
        c = r["completeness"]
        lines.append("| " + " | ".join([
            str(r["concurrency"]), str(r["runs"]), f"{r['wall_s']['median']:.2f}", f"{r['wall_s']['min']:.2f}",
            f"{r['wall_s']['max']:.2f}", f"{r['peak_rss_mib']['median']:.1f}", fmt(r["cpu_s"]["atrest"], ".2f"),
            fmt(r["cpu_s"]["moto"], ".2f"), fmt(r["cpu_s"]["proxy"], ".2f"), fmt(r["cpu_s"]["others"], ".1f"),
            f"{r['proxy_calls']:,}", f"{r['http_requests']:,}", f"{c['findings']:,}",
            f"{c['found']:,}/{c['expected']:,} found, {c['agree']:,} agree"
            + ("" if c["complete"] else " (report incomplete)")]) + " |")
    head = ["max-concurrency", "median s", "critical path s", "wall ÷ critical path",
            f"calls × ({lat:g} ms + service) ÷ concurrency s", "calls ÷ moto capacity s", "wall ÷ largest floor",
            "proxy ms per call (median, p95)"]
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in report["results"]:
        floor = max(x for x in (r["critical_path_ms"] / 1000, r["service_floor_s"], r["moto_floor_s"]) if x is not None)
        lines.append("| " + " | ".join([
            str(r["concurrency"]), f"{r['wall_s']['median']:.2f}", f"{r['critical_path_ms'] / 1000:.3f}",
            f"{r['wall_over_critical_path']:.0f}", f"{r['service_floor_s']:.2f}", fmt(r["moto_floor_s"], ".1f"),
            f"{r['wall_s']['median'] / floor:.2f}",
            f"{r['proxy_ms_per_call']['median']:.0f}, {r['proxy_ms_per_call']['p95']:.0f}"]) + " |")
    cap = report.get("capacity")
    probe = report.get("probe")
    out = "\n".join(lines)
    if probe:
        out += (f"\n\nService-time probe (--max-concurrency 1, no injected latency): {probe['wall_s']:.2f} s, "
                f"{probe['http_requests']:,} requests, {probe['requests_per_s']:.0f} req/s; median ms per call at the proxy: "
                + ", ".join(f"{k} {v:.1f}" for k, v in probe["service_ms"].items() if k in CHAIN_OPS))
    if cap:
        out += (f"\nCapacity (--max-concurrency {cap['concurrency']}, no injected latency, {cap['runs']} runs): median "
                f"{cap['wall_s']['median']:.2f} s for {cap['http_requests']:,} requests = {cap['requests_per_s']:.0f} req/s; "
                f"moto {cap['moto_cpu_per_wall']:.2f} CPU s per wall s, proxy {cap['proxy_cpu_per_wall']:.2f}, "
                f"atrest {cap['atrest_cpu_per_wall']:.2f}")
    p = report["prowler"]
    out += (f"\nProwler (computed, not run): {p['total']:,} calls for the same checks "
            f"({', '.join(f'{k} {v:,}' for k, v in p['by_service'].items())}); "
            f"{p['total_if_elasticache_paginated']:,} if its ElastiCache lists paginated")
    return out


CHAIN_OPS = ("sts:GetCallerIdentity", "dynamodb:ListTables", "dynamodb:DescribeTable",
             "dynamodb:DescribeContinuousBackups", "kms:DescribeKey", "kms:GetKeyRotationStatus",
             "elasticache:DescribeReplicationGroups")


def summarize(runs: list[dict], service_ms: dict, latency_ms: float, capacity_rps: float | None) -> dict:
    """One concurrency's runs (each with its "completeness" already computed)."""
    walls = [r["wall_s"] for r in runs]
    comp = [r["completeness"] for r in runs]
    last = runs[-1]
    tables_pages = max(last["list_tables_pages_by_region"].values() or [0])
    rg_pages = max(last["replication_group_pages_by_region"].values() or [0])
    cp = critical_path(service_ms, latency_ms, tables_pages, rg_pages)
    calls = median([r["proxy_calls"]["total"] for r in runs])
    http_requests = median([r["atrest_summary"]["http_requests"] for r in runs if r["atrest_summary"]] or [0])
    wall = median(walls)
    mean_service = statistics.fmean(
        [service_ms.get(op, 0.0) for r in runs[-1:] for op, n in r["proxy_calls"]["by_operation"].items()
         for _ in range(n)]) if runs[-1]["proxy_calls"]["by_operation"] else 0.0
    return {
        "concurrency": runs[0]["concurrency"], "latency_ms": latency_ms, "runs": len(runs),
        "wall_s": {"median": round(wall, 4), "min": round(min(walls), 4), "max": round(max(walls), 4),
                   "samples": [round(w, 4) for w in walls]},
        "peak_rss_mib": {"median": round(median([r["peak_rss_kib"] for r in runs]) / 1024, 1),
                         "max": round(max(r["peak_rss_kib"] for r in runs) / 1024, 1),
                         "samples": [round(r["peak_rss_kib"] / 1024, 1) for r in runs],
                         "source": runs[0]["rss_source"]},
        "cpu_s": {k: (round(median([r["cpu_s"][k] for r in runs]), 3) if all(r["cpu_s"][k] is not None for r in runs) else None)
                  for k in ("atrest", "moto", "proxy", "machine_busy", "others")},
        "proxy_calls": int(calls), "http_requests": int(http_requests),
        "proxy_calls_by_operation": last["proxy_calls"]["by_operation"],
        "atrest_summaries": [r["atrest_summary"] for r in runs],
        "verbose_attempt_lines": [r["verbose_attempt_lines"] for r in runs],
        "proxy_ms_per_call": {"median": median([r["proxy_ms"]["median"] for r in runs]),
                              "p95": median([r["proxy_ms"]["p95"] for r in runs]),
                              "mean": median([r["proxy_ms"]["mean"] for r in runs])},
        "completeness": comp[-1] if all(c == comp[-1] for c in comp) else {**comp[-1], "varied": comp},
        "list_tables_pages_by_region": last["list_tables_pages_by_region"],
        "replication_group_pages_by_region": last["replication_group_pages_by_region"],
        "critical_path": cp, "critical_path_ms": cp["ms"],
        "wall_over_critical_path": round(wall * 1000 / cp["ms"], 2) if cp["ms"] else None,
        "latency_floor_s": round(calls * latency_ms / 1000 / runs[0]["concurrency"], 3),
        "service_floor_s": round(calls * (latency_ms + mean_service) / 1000 / runs[0]["concurrency"], 3),
        "moto_floor_s": round(calls / capacity_rps, 3) if capacity_rps else None,
        "moto_cpu_ms_per_call": round(median([r["cpu_s"]["moto"] for r in runs]) * 1000 / calls, 2)
        if calls and all(r["cpu_s"]["moto"] is not None for r in runs) else None,
        "exit_codes": sorted({r["exit_code"] for r in runs}),
        "load_average_before": [r["load_average_before"] for r in runs],
        "other_moto_servers": [r["other_moto_servers"] for r in runs],
    }


# ---------------------------------------------------------------------------------------------


def main(argv) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--atrest", default=os.path.join(ROOT, "build", "release", "src", "atrest"))
    ap.add_argument("--runs", type=int, default=3, help="timed runs per concurrency (after 1 warm-up run)")
    ap.add_argument("--concurrency", default="16,64,128", help="--max-concurrency values, comma-separated")
    ap.add_argument("--latency-ms", type=float, default=20, help="latency the proxy adds to every AWS call")
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--dax", type=int, default=200)
    ap.add_argument("--replication-groups", type=int, default=500)
    ap.add_argument("--kms-keys", type=int, default=300)
    ap.add_argument("--serverless", type=int, default=100, help="serverless caches (proxy fixtures)")
    ap.add_argument("--regions", default=",".join(DAX_REGIONS))
    ap.add_argument("--capacity-runs", type=int, default=2, help="scans without injected latency (0: skip)")
    ap.add_argument("--capacity-concurrency", type=int, default=64)
    ap.add_argument("--no-probe", action="store_true", help="skip the --max-concurrency 1 service-time probe")
    ap.add_argument("--pin", type=int, help="run atrest on this CPU only (taskset -c)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before one run counts as hung")
    ap.add_argument("--time-cmd", default="/usr/bin/time", help="GNU time for peak RSS ('' to use wait4)")
    ap.add_argument("--results", default=os.path.join(HERE, "results", "latest-live.json"))
    ap.add_argument("--keep", help="keep every run's report and -v log in this directory")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    try:
        concurrencies = [int(x) for x in args.concurrency.split(",")]
        if not concurrencies or min(concurrencies) < 1 or max(concurrencies) > 1024:
            raise ValueError
    except ValueError:
        ap.error("--concurrency must be a comma-separated list of integers in 1..1024")
    args.regions = [r for r in args.regions.split(",") if r]
    args.atrest = os.path.abspath(args.atrest)
    if not (os.path.isfile(args.atrest) and os.access(args.atrest, os.X_OK)):
        print(f"live: no atrest binary at {args.atrest}\nlive: build it first: (cd {ROOT} && make build), "
              "or pass --atrest PATH", file=sys.stderr)
        return 2
    if args.pin is not None and not shutil.which("taskset"):
        ap.error("--pin needs taskset (util-linux)")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    log = lambda msg: print(f"live: {msg}", file=sys.stderr, flush=True)  # noqa: E731

    out_dir = args.keep or tempfile.mkdtemp(prefix="atrest-live-bench-")
    os.makedirs(out_dir, exist_ok=True)
    report = {
        "schema": 1, "kind": "live",
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "atrest": {"path": os.path.relpath(args.atrest, ROOT) if args.atrest.startswith(ROOT + os.sep) else args.atrest,
                   "version": quiet_output([args.atrest, "--version"]),
                   "mtime": datetime.datetime.fromtimestamp(os.path.getmtime(args.atrest), datetime.timezone.utc)
                   .strftime("%Y-%m-%dT%H:%M:%SZ")},
        "repo": {"commit": quiet_output(["git", "rev-parse", "HEAD"], cwd=ROOT),
                 "dirty": bool(quiet_output(["git", "status", "--porcelain"], cwd=ROOT))},
        "host": host_info(),
        "emulator": emulator_versions(),
        "settings": {"runs": args.runs, "warmup_runs": 1, "concurrency": concurrencies, "latency_ms": args.latency_ms,
                     "regions": args.regions, "pin_cpu": args.pin,
                     "seed": {"tables": args.tables, "dax": args.dax, "replication_groups": args.replication_groups,
                              "kms_keys": args.kms_keys, "serverless_caches": args.serverless},
                     "command": f"atrest scan --aws --regions {','.join(args.regions)} --max-concurrency C "
                                "--format json -o FILE -v",
                     "accepted_exit_codes": list(ACCEPTED_EXIT_CODES)},
        "results": [],
    }
    try:
        with MotoEnv() as env:
            env._bench_latency = 0.0
            log(f"moto {env.moto_url}, proxy {env.proxy_url}; seeding {args.tables} tables, {args.dax} DAX clusters, "
                f"{args.replication_groups} replication groups, {args.kms_keys} KMS keys over {len(args.regions)} regions")
            t0 = time.monotonic()
            seeded = seed_scale(env.endpoint, tables=args.tables, dax=args.dax,
                                replication_groups=args.replication_groups, kms_keys=args.kms_keys,
                                regions=args.regions, serverless=args.serverless)
            report["seed"] = {"seconds": round(time.monotonic() - t0, 1), "counts": seeded["counts"],
                              "expected_verdicts": len(seeded["expected"]), "summary": seeded["summary"]}
            log(f"seeded in {report['seed']['seconds']} s; {len(seeded['expected']):,} expected verdicts")
            expected = seeded["expected"]

            service_ms: dict = {}
            if not args.no_probe:
                set_latency(env, 0)
                log("service-time probe: --max-concurrency 1, no injected latency")
                r = run_atrest(args, env, 1, out_dir, "probe")
                service_ms = r["proxy_ms_median_by_operation"]
                report["probe"] = {"wall_s": r["wall_s"], "http_requests": r["proxy_calls"]["total"],
                                   "requests_per_s": round(r["proxy_calls"]["total"] / r["wall_s"], 1),
                                   "service_ms": service_ms, "cpu_s": r["cpu_s"],
                                   "completeness": completeness(r["report"], expected)}
                log(f"  {r['wall_s']:.2f} s, {r['proxy_calls']['total']} calls; median service ms: "
                    + ", ".join(f"{k} {v}" for k, v in service_ms.items()))
            if args.capacity_runs > 0:
                set_latency(env, 0)
                caps = []
                for i in range(args.capacity_runs):
                    r = run_atrest(args, env, args.capacity_concurrency, out_dir, f"capacity-{i + 1}")
                    caps.append(r)
                    log(f"capacity run {i + 1}/{args.capacity_runs}: {r['wall_s']:.2f} s, {r['proxy_calls']['total']} calls, "
                        f"{r['proxy_calls']['total'] / r['wall_s']:.0f} req/s; CPU s atrest {r['cpu_s']['atrest']}, "
                        f"moto {r['cpu_s']['moto']}, proxy {r['cpu_s']['proxy']}, others {r['cpu_s']['others']}")
                wall = median([c["wall_s"] for c in caps])
                n = int(median([c["proxy_calls"]["total"] for c in caps]))
                report["capacity"] = {
                    "concurrency": args.capacity_concurrency, "runs": len(caps),
                    "wall_s": {"median": round(wall, 4), "samples": [c["wall_s"] for c in caps]},
                    "http_requests": n, "requests_per_s": round(n / wall, 1),
                    "moto_cpu_per_wall": round(median([c["cpu_s"]["moto"] / c["wall_s"] for c in caps]), 2),
                    "proxy_cpu_per_wall": round(median([c["cpu_s"]["proxy"] / c["wall_s"] for c in caps]), 2),
                    "atrest_cpu_per_wall": round(median([c["cpu_s"]["atrest"] / c["wall_s"] for c in caps]), 2),
                    "others_cpu_per_wall": round(median([(c["cpu_s"]["others"] or 0) / c["wall_s"] for c in caps]), 2),
                    "proxy_ms_per_call": {"median": median([c["proxy_ms"]["median"] for c in caps]),
                                          "p95": median([c["proxy_ms"]["p95"] for c in caps])},
                    "completeness": completeness(caps[-1]["report"], expected)}

            set_latency(env, args.latency_ms)
            log(f"latency {args.latency_ms:g} ms per call; warm-up run at --max-concurrency {concurrencies[0]}")
            run_atrest(args, env, concurrencies[0], out_dir, "warmup")
            samples: dict[int, list] = {c: [] for c in concurrencies}
            for i in range(args.runs):
                for c in concurrencies:
                    r = run_atrest(args, env, c, out_dir, f"c{c}-run{i + 1}")
                    comp = completeness(r["report"], expected)
                    r.pop("report")
                    r["completeness"] = comp
                    samples[c].append(r)
                    log(f"  run {i + 1}/{args.runs} c={c:<4} {r['wall_s']:7.2f} s {r['peak_rss_kib'] / 1024:6.1f} MiB "
                        f"calls {r['proxy_calls']['total']} findings {comp['findings']} agree {comp['agree']}/{comp['expected']} "
                        f"CPU s atrest {r['cpu_s']['atrest']} moto {r['cpu_s']['moto']} proxy {r['cpu_s']['proxy']} "
                        f"others {r['cpu_s']['others']} (load {r['load_average_before']}, other moto servers "
                        f"{r['other_moto_servers']}) exit {r['exit_code']}")
            for c in concurrencies:
                report["results"].append(summarize(samples[c], service_ms, args.latency_ms,
                                                   (report.get("capacity") or {}).get("requests_per_s")))
            report["samples"] = {str(c): samples[c] for c in concurrencies}
            report["prowler"] = prowler_calls(seeded["counts"])
            report["prowler"]["formula"] = prowler_calls.__doc__
    except HarnessFailure as e:
        print(f"live: harness failure: {e}", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    tmp = args.results + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.results)
    if not args.keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    print(markdown(report))
    print(f"\nlive: results written to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
