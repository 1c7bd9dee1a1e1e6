#!/usr/bin/env python3
"""Runs `atrest scan` over prepared corpora and reports wall time and peak RSS per process.

Called by bench/run.sh, which prepares the corpora; usable alone:

    python3 bench/measure.py --atrest PATH --runs 5 --results OUT.json --corpus DIR [--corpus DIR ...]
    python3 bench/measure.py --kind cfn --atrest PATH --runs 5 --results OUT.json --corpus DIR \
        [--peer-corpus DIR] [--peer-runs 1]

Each DIR needs DIR.manifest.json from gen_corpus.py (snapshot: the resource count comes from
there) or gen_cfn.py (cfn: the template count and the list of template files). Per corpus: one
untimed warm-up run (page cache), then `runs` runs of each output format, alternated so drift
(thermal, a neighbour's compile) hits both alike. Wall time is measured around fork to reap; peak
RSS is the child's ru_maxrss from wait4, which on Linux covers the process and any children it
waited for. Exit codes 0, 1 (findings failed) and 3 are accepted; anything else, a signal or a
timeout is a harness failure (exit 1) and no results are written.

With --kind tf (gen_tf.py corpora) and --kind tfplan (gen_plan.py: DIR holds the plan file the
manifest names, and atrest is given that file), each round runs four processes: json and text
with the default --jobs (one per CPU), then json and text with --jobs 1. For tfplan each round
also times `cat PLAN > /dev/null`, the page-cache read speed the plan's MiB/s is compared with.
checkov, trivy and tfsec are timed once per corpus after atrest when they are on PATH (--peer-runs
times); otherwise the results say they are not installed.

With --kind cfn, each --peer-corpus (one of the --corpus dirs) is also linted by cfn-lint, timed
the same way: one whole `cfn-lint -- FILE...` process over the corpus's template files (run in
the corpus directory, report to /dev/null), `peer-runs` times after atrest's runs. cfn-lint exits
with a bit mask (2 errors, 4 warnings, 8 informational), so every even code up to 14 is accepted.
A peer run over --peer-timeout is recorded as timed out, not a failure.
"""

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ACCEPTED_EXIT_CODES = (0, 1, 3)
PEER_EXIT_CODES = (0, 2, 4, 6, 8, 10, 12, 14)  # cfn-lint: bit mask of error (2), warning (4), info (8)
FORMATS = ("json", "text")


class HarnessFailure(Exception):
    pass


class PeerTimeout(Exception):
    pass


def scan_command(atrest, corpus, fmt, pin, jobs=None):
    cmd = [atrest, "scan", corpus, "--format", fmt, "--output", "/dev/null", "--quiet"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return (["taskset", "-c", str(pin)] + cmd) if pin is not None else cmd


# Terraform kinds: (format, --jobs) per round; None is atrest's default, one job per CPU.
TF_MODES = (("json", None), ("text", None), ("json", 1), ("text", 1))
TF_PEER_EXIT_CODES = (0, 1)  # checkov exits 1 when a check fails
# Peers and how each would be run on a configuration directory (tf) or a plan file (tfplan);
# None: the tool does not read that input.
TF_PEERS = {
    "tf": [("checkov", lambda t: ["checkov", "-d", t, "--framework", "terraform", "--quiet", "--compact", "-o", "json"]),
           ("trivy", lambda t: ["trivy", "config", "--quiet", "--format", "json", t]),
           ("tfsec", lambda t: ["tfsec", t, "--no-colour", "--format", "json", "--soft-fail"])],
    "tfplan": [("checkov", lambda t: ["checkov", "-f", t, "--framework", "terraform_plan", "--quiet", "--compact",
                                      "-o", "json"]),
               ("trivy", lambda t: ["trivy", "config", "--quiet", "--format", "json", t]),
               ("tfsec", None)],
}


def tf_target(kind, corpus, manifest):
    return os.path.join(corpus, manifest["plan_file"]) if kind == "tfplan" else corpus


def summarize_tf(kind, samples_s, samples_kib, codes, manifest, corpus, fmt, jobs):
    median_s = statistics.median(samples_s)
    entry = {"corpus": corpus, "seed": manifest.get("seed"), "kind": kind, "format": fmt,
             "jobs": jobs if jobs is not None else os.cpu_count(), "jobs_flag": jobs,
             "bytes": manifest["bytes"], "resources": manifest["resources"],
             "checked_resources": manifest["checked_resources"], "runs": len(samples_s),
             "wall_s": {"median": round(median_s, 4), "min": round(min(samples_s), 4),
                        "max": round(max(samples_s), 4), "samples": [round(x, 4) for x in samples_s]},
             "resources_per_s": round(manifest["resources"] / median_s) if median_s > 0 else None,
             "mib_per_s": round(manifest["bytes"] / 2**20 / median_s, 1) if median_s > 0 else None,
             "peak_rss_mib": {"median": round(statistics.median(samples_kib) / 1024, 1),
                              "max": round(max(samples_kib) / 1024, 1),
                              "samples": [round(k / 1024, 1) for k in samples_kib]},
             "exit_codes": sorted(set(codes))}
    if kind == "tf":
        entry.update({"tf_files": manifest["tf_files"], "files": manifest["files"], "tf_bytes": manifest["tf_bytes"],
                      "roots": manifest["roots"], "module_dirs": manifest["module_dirs"],
                      "files_per_s": round(manifest["tf_files"] / median_s) if median_s > 0 else None})
    else:
        entry.update({"plan_file": manifest["plan_file"], "services": manifest["services"],
                      "resource_changes": manifest["resource_changes"]})
    return entry


def time_tf_peers(args, corpus, manifest, atrest_entries):
    """Times checkov, trivy and tfsec on the same input when they are on PATH; records the others
    as not installed (or as not reading this input)."""
    import shutil
    target = tf_target(args.kind, corpus, manifest)
    out = []
    for tool, make in TF_PEERS[args.kind]:
        entry = {"tool": tool}
        if make is None:
            entry["status"] = "does not read this input"
            out.append(entry)
            continue
        cmd = make(target)
        entry["command"] = " ".join(cmd) + " > /dev/null"
        if shutil.which(tool) is None:
            entry["status"] = "not installed"
            out.append(entry)
            continue
        entry["version"] = quiet_output([tool, "--version"])
        walls, rss, codes = [], [], []
        for i in range(args.peer_runs):
            print(f"measure:   {tool} run {i + 1}/{args.peer_runs} (load average {os.getloadavg()[0]:.2f})", file=sys.stderr)
            try:
                wall, kib, code = run_once(cmd, args.peer_timeout, TF_PEER_EXIT_CODES, timeout_error=PeerTimeout)
            except PeerTimeout as e:
                print(f"measure:   {tool} timed out: {e}", file=sys.stderr)
                entry.update({"status": "timed out", "timeout_s": args.peer_timeout})
                break
            walls.append(wall)
            rss.append(kib)
            codes.append(code)
        if walls:
            median_s = statistics.median(walls)
            entry.update({"status": "timed", "runs": len(walls),
                          "wall_s": {"median": round(median_s, 3), "samples": [round(w, 3) for w in walls]},
                          "peak_rss_mib": {"median": round(statistics.median(rss) / 1024, 1)},
                          "exit_codes": sorted(set(codes)),
                          "ratio_vs_atrest": {f"{e['format']}/jobs={e['jobs']}": round(median_s / e["wall_s"]["median"], 1)
                                              for e in atrest_entries}})
        out.append(entry)
    return out


def markdown_tf(kind, results, disk, peers):
    if kind == "tf":
        head = [".tf files", "all files", "MiB in", "roots", "resources", "format", "jobs", "runs", "median s", "min s",
                "max s", "files/s", "resources/s", "peak RSS MiB (median)", "exit"]
    else:
        head = ["MiB in", "resources", "format", "jobs", "runs", "median s", "min s", "max s", "MiB/s", "resources/s",
                "peak RSS MiB (median)", "exit"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        common = [r["format"], str(r["jobs"]), str(r["runs"]), f"{r['wall_s']['median']:.3f}", f"{r['wall_s']['min']:.3f}",
                  f"{r['wall_s']['max']:.3f}"]
        if kind == "tf":
            row = [f"{r['tf_files']:,}", f"{r['files']:,}", f"{r['bytes'] / 2**20:.1f}", f"{r['roots']:,}",
                   f"{r['resources']:,}"] + common + [f"{r['files_per_s']:,}", f"{r['resources_per_s']:,}"]
        else:
            row = [f"{r['bytes'] / 2**20:.1f}", f"{r['resources']:,}"] + common + [f"{r['mib_per_s']:,.1f}",
                                                                                  f"{r['resources_per_s']:,}"]
        row += [f"{r['peak_rss_mib']['median']:.1f}", ",".join(map(str, r["exit_codes"]))]
        lines.append("| " + " | ".join(row) + " |")
    for d in disk:
        fastest = min((r for r in results if r["corpus"] == d["corpus"]), key=lambda r: r["wall_s"]["median"])
        lines += ["", f"`cat {d['target']} > /dev/null` (warm page cache), {d['runs']} runs: median {d['wall_s']['median']:.4f} s, "
                      f"{d['mib_per_s']:,.0f} MiB/s; atrest's fastest median ({fastest['format']}, jobs {fastest['jobs']}) "
                      f"takes {fastest['wall_s']['median'] / d['wall_s']['median']:,.0f} times as long."]
    if peers:
        lines += ["", "| peer | status | median s | peer s / atrest s |", "|---|---|---|---|"]
        for p in peers:
            ratio = ", ".join(f"{k}: {v:,}" for k, v in p.get("ratio_vs_atrest", {}).items()) or "-"
            med = f"{p['wall_s']['median']:.1f}" if "wall_s" in p else "-"
            lines.append(f"| {p['tool']} | {p['status']} | {med} | {ratio} |")
    return "\n".join(lines)


def run_once(cmd, timeout, accepted=ACCEPTED_EXIT_CODES, cwd=None, timeout_error=HarnessFailure):
    """Returns (wall seconds, peak RSS KiB, exit code) of one whole process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # Own process group, so a timeout, Ctrl-C or SIGTERM also ends whatever the scan started.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True, cwd=cwd)
        kill = lambda: os.killpg(proc.pid, signal.SIGKILL)  # noqa: E731
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # KeyboardInterrupt, or SystemExit from the SIGTERM handler
            kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped by wait4; keep Popen from waiting again
        if code in accepted:
            return wall, usage.ru_maxrss, code
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").splitlines()[-20:]
    timed_out = code < 0 and wall >= timeout
    why = f"killed after the {timeout:.0f} s timeout" if timed_out else \
        (f"killed by signal {-code}" if code < 0 else f"exit code {code}")
    shown = cmd if len(cmd) <= 12 else cmd[:10] + [f"... ({len(cmd) - 10} more arguments)"]
    error = timeout_error if timed_out else HarnessFailure
    raise error(f"{' '.join(shown)}: {why} (accepted: {', '.join(map(str, accepted))})"
                + ("\n  stderr (last lines):\n    " + "\n    ".join(tail) if tail else ""))


def summarize(samples_s, samples_kib, codes, manifest, corpus, fmt):
    median_s = statistics.median(samples_s)
    return {
        "corpus": corpus,
        "seed": manifest.get("seed"),
        "resources": manifest["resources"],
        "files": manifest["files"],
        "bytes": manifest["bytes"],
        "format": fmt,
        "runs": len(samples_s),
        "wall_s": {"median": round(median_s, 4), "min": round(min(samples_s), 4),
                   "max": round(max(samples_s), 4), "samples": [round(s, 4) for s in samples_s]},
        "resources_per_s": round(manifest["resources"] / median_s) if median_s > 0 else None,
        "peak_rss_mib": {"median": round(statistics.median(samples_kib) / 1024, 1),
                         "max": round(max(samples_kib) / 1024, 1),
                         "samples": [round(k / 1024, 1) for k in samples_kib]},
        "exit_codes": sorted(set(codes)),
    }


def summarize_cfn(samples_s, samples_kib, codes, manifest, corpus, fmt):
    median_s = statistics.median(samples_s)
    return {
        "corpus": corpus,
        "seed": manifest.get("seed"),
        "templates": manifest["templates"],
        "resources": manifest["resources"],
        "checked_resources": manifest["checked_resources"],
        "files": manifest["files"],
        "bytes": manifest["bytes"],
        "format": fmt,
        "runs": len(samples_s),
        "wall_s": {"median": round(median_s, 4), "min": round(min(samples_s), 4),
                   "max": round(max(samples_s), 4), "samples": [round(s, 4) for s in samples_s]},
        "templates_per_s": round(manifest["templates"] / median_s) if median_s > 0 else None,
        "resources_per_s": round(manifest["resources"] / median_s) if median_s > 0 else None,
        "peak_rss_mib": {"median": round(statistics.median(samples_kib) / 1024, 1),
                         "max": round(max(samples_kib) / 1024, 1),
                         "samples": [round(k / 1024, 1) for k in samples_kib]},
        "exit_codes": sorted(set(codes)),
    }


def markdown_cfn(results, peers):
    head = ["templates", "files", "MiB in", "resources", "format", "runs", "median s", "min s", "max s",
            "templates/s", "resources/s", "peak RSS MiB (median)", "exit"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        lines.append("| " + " | ".join([
            f"{r['templates']:,}", f"{r['files']:,}", f"{r['bytes'] / 2**20:.1f}", f"{r['resources']:,}",
            r["format"], str(r["runs"]), f"{r['wall_s']['median']:.3f}", f"{r['wall_s']['min']:.3f}",
            f"{r['wall_s']['max']:.3f}", f"{r['templates_per_s']:,}", f"{r['resources_per_s']:,}",
            f"{r['peak_rss_mib']['median']:.1f}", ",".join(map(str, r["exit_codes"]))]) + " |")
    if peers:
        head = ["peer", "templates", "runs", "median s", "templates/s", "peak RSS MiB (median)", "exit",
                "peer s / atrest s (json)", "peer s / atrest s (text)"]
        lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for p in peers:
            if p.get("timed_out"):
                lines.append("| " + " | ".join([p["tool"], f"{p['templates']:,}", str(p["runs"]),
                                                f"> {p['timeout_s']:.0f} (timed out)", "-", "-", "-", "-", "-"]) + " |")
                continue
            ratio = p["ratio_vs_atrest"]
            lines.append("| " + " | ".join([
                p["tool"], f"{p['templates']:,}", str(p["runs"]), f"{p['wall_s']['median']:.1f}",
                f"{p['templates_per_s']:,.1f}", f"{p['peak_rss_mib']['median']:.1f}",
                ",".join(map(str, p["exit_codes"])), f"{ratio['json']:,.0f}", f"{ratio['text']:,.0f}"]) + " |")
    return "\n".join(lines)


def time_peer(args, corpus, manifest, atrest_entries):
    """Times cfn-lint over the corpus's template files; returns its result entry."""
    files = manifest["template_files"]
    cmd = [args.peer_cmd, "--"] + files
    version = quiet_output([args.peer_cmd, "--version"])
    entry = {"tool": "cfn-lint", "version": version, "corpus": corpus, "templates": len(files),
             "command": f"cd DIR && {args.peer_cmd} -- <the {len(files):,} template files> >/dev/null",
             "runs": args.peer_runs, "timeout_s": args.peer_timeout}
    walls, rss, codes = [], [], []
    for i in range(args.peer_runs):
        print(f"measure:   cfn-lint run {i + 1}/{args.peer_runs} on {len(files):,} templates "
              f"(load average {os.getloadavg()[0]:.2f})", file=sys.stderr)
        try:
            wall, kib, code = run_once(cmd, args.peer_timeout, PEER_EXIT_CODES, cwd=corpus, timeout_error=PeerTimeout)
        except PeerTimeout as e:
            print(f"measure:   cfn-lint timed out: {e}", file=sys.stderr)
            entry["timed_out"] = True
            return entry
        walls.append(wall)
        rss.append(kib)
        codes.append(code)
        print(f"measure:   cfn-lint run {i + 1}/{args.peer_runs} {wall:8.1f} s {kib / 1024:8.1f} MiB exit {code}",
              file=sys.stderr)
    median_s = statistics.median(walls)
    entry.update({
        "wall_s": {"median": round(median_s, 3), "min": round(min(walls), 3), "max": round(max(walls), 3),
                   "samples": [round(w, 3) for w in walls]},
        "templates_per_s": round(len(files) / median_s, 2),
        "peak_rss_mib": {"median": round(statistics.median(rss) / 1024, 1), "max": round(max(rss) / 1024, 1),
                         "samples": [round(k / 1024, 1) for k in rss]},
        "exit_codes": sorted(set(codes)),
        "ratio_vs_atrest": {e["format"]: round(median_s / e["wall_s"]["median"], 1) for e in atrest_entries},
    })
    return entry


def markdown(results):
    head = ["resources", "files", "MiB in", "format", "runs", "median s", "min s", "max s",
            "resources/s", "peak RSS MiB (median)", "exit"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        rate = f"{r['resources_per_s']:,}" if r["resources_per_s"] is not None else "-"
        lines.append("| " + " | ".join([
            f"{r['resources']:,}", f"{r['files']:,}", f"{r['bytes'] / 2**20:.1f}", r["format"],
            str(r["runs"]), f"{r['wall_s']['median']:.3f}", f"{r['wall_s']['min']:.3f}",
            f"{r['wall_s']['max']:.3f}", rate, f"{r['peak_rss_mib']['median']:.1f}",
            ",".join(map(str, r["exit_codes"]))]) + " |")
    return "\n".join(lines)


def quiet_output(cmd, cwd=None, timeout=10):
    """stdout of a short informational command, or None if it fails or hangs."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    except OSError:
        return None
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: orphans would hold the pipe open
        proc.communicate()
        return None
    return out.strip() if proc.returncode == 0 else None


def host_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version()}


def write_report(args, report):
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    tmp = args.results + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.results)


def run_tf(args, report, shown):
    for corpus in args.corpus:
        with open(corpus.rstrip("/") + ".manifest.json") as f:
            manifest = json.load(f)
        target = tf_target(args.kind, corpus, manifest)
        load = os.getloadavg()[0]
        what = (f"{manifest['tf_files']:,} .tf files ({manifest['files']:,} files), {manifest['roots']:,} roots"
                if args.kind == "tf" else f"plan of {manifest['services']:,} services")
        print(f"measure: {what}, {manifest['resources']:,} resources ({manifest['bytes'] / 2**20:.1f} MiB); "
              f"load average {load:.2f}; warming up", file=sys.stderr)
        run_once(scan_command(args.atrest, target, "json", args.pin), args.timeout)
        samples = {m: ([], [], []) for m in TF_MODES}
        cat = []
        for i in range(args.runs):
            for fmt, jobs in TF_MODES:
                wall, rss, code = run_once(scan_command(args.atrest, target, fmt, args.pin, jobs), args.timeout)
                for bucket, value in zip(samples[(fmt, jobs)], (wall, rss, code)):
                    bucket.append(value)
                print(f"measure:   run {i + 1}/{args.runs} {fmt:4} jobs {jobs or 'default':7} {wall:8.3f} s "
                      f"{rss / 1024:8.1f} MiB exit {code}", file=sys.stderr)
            if args.kind == "tfplan":
                wall, _, _ = run_once(["cat", target], args.timeout, (0,))
                cat.append(wall)
                print(f"measure:   run {i + 1}/{args.runs} cat {wall:8.4f} s", file=sys.stderr)
        entries = []
        for fmt, jobs in TF_MODES:
            entry = summarize_tf(args.kind, *samples[(fmt, jobs)], manifest, shown(corpus), fmt, jobs)
            entry["load_average_before"] = round(load, 2)
            entry["load_average_after"] = round(os.getloadavg()[0], 2)
            entries.append(entry)
        report["results"] += entries
        if cat:
            median_s = statistics.median(cat)
            report["disk"].append({"corpus": shown(corpus), "target": shown(target), "command": "cat PLAN > /dev/null",
                                   "runs": len(cat), "wall_s": {"median": round(median_s, 5), "min": round(min(cat), 5),
                                                                "max": round(max(cat), 5),
                                                                "samples": [round(x, 5) for x in cat]},
                                   "mib_per_s": round(manifest["bytes"] / 2**20 / median_s) if median_s > 0 else None})
        if not args.no_peers:
            for p in time_tf_peers(args, corpus, manifest, entries):
                p["corpus"] = shown(corpus)
                report["peers"].append(p)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--atrest", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", action="append", required=True, help="corpus dir (repeatable)")
    ap.add_argument("--results", required=True, help="where to write the JSON results")
    ap.add_argument("--repo", help="repository root, for relative paths and the commit id")
    ap.add_argument("--pin", type=int, help="run atrest on this CPU only (taskset -c)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before one run counts as hung")
    ap.add_argument("--kind", choices=("snapshot", "cfn", "tf", "tfplan"), default="snapshot",
                    help="corpus kind: snapshot (gen_corpus.py), cfn (gen_cfn.py), tf (gen_tf.py) or tfplan (gen_plan.py)")
    ap.add_argument("--no-peers", action="store_true", help="tf, tfplan: do not run checkov, trivy or tfsec")
    ap.add_argument("--peer-corpus", action="append", default=[],
                    help="cfn: also time cfn-lint on this corpus (one of the --corpus dirs; repeatable)")
    ap.add_argument("--peer-runs", type=int, default=1, help="cfn: timed cfn-lint runs per peer corpus (tf, tfplan: per peer)")
    ap.add_argument("--peer-timeout", type=float, default=900, help="seconds before a peer run is abandoned")
    ap.add_argument("--peer-cmd", default="cfn-lint", help="cfn: the cfn-lint executable")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.peer_runs < 1:
        ap.error("--peer-runs must be at least 1")
    if args.peer_corpus and args.kind != "cfn":
        ap.error("--peer-corpus needs --kind cfn")
    norm = lambda path: os.path.abspath(path).rstrip("/")  # noqa: E731
    unknown_peers = [p for p in args.peer_corpus if norm(p) not in map(norm, args.corpus)]
    if unknown_peers:
        ap.error(f"--peer-corpus must also be given as --corpus: {', '.join(unknown_peers)}")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    version = quiet_output([args.atrest, "--version"])
    commit = quiet_output(["git", "rev-parse", "HEAD"], cwd=args.repo) if args.repo else None
    dirty = quiet_output(["git", "status", "--porcelain"], cwd=args.repo) if args.repo else None
    def shown(path):  # repository-relative inside the repository, absolute elsewhere
        path = os.path.abspath(path)
        if args.repo and os.path.commonpath([path, os.path.abspath(args.repo)]) == os.path.abspath(args.repo):
            return os.path.relpath(path, args.repo)
        return path

    report = {
        "schema": 1,
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "atrest": {"path": shown(args.atrest),
                   "version": version},
        "repo": {"commit": commit, "dirty": bool(dirty) if dirty is not None else None},
        "host": host_info(),
        "settings": {"runs": args.runs, "warmup_runs": 1, "pin_cpu": args.pin,
                     "accepted_exit_codes": list(ACCEPTED_EXIT_CODES),
                     "command": "atrest scan DIR --format {json|text} --output /dev/null --quiet"},
        "results": [],
    }
    if args.kind == "cfn":
        report["kind"] = "cfn"
        report["peers"] = []
    if args.kind in ("tf", "tfplan"):
        report["kind"] = args.kind
        report["settings"]["modes"] = [{"format": f, "jobs": j} for f, j in TF_MODES]
        report["settings"]["command"] = ("atrest scan " + ("PLAN" if args.kind == "tfplan" else "DIR")
                                         + " --format {json|text} --output /dev/null --quiet [--jobs 1]")
        report["disk"] = []
        report["peers"] = []
        try:
            run_tf(args, report, shown)
        except HarnessFailure as e:
            print(f"measure: harness failure: {e}", file=sys.stderr)
            return 1
        write_report(args, report)
        print(markdown_tf(args.kind, report["results"], report["disk"], report["peers"]))
        print(f"\nmeasure: results written to {args.results}", file=sys.stderr)
        return 0

    try:
        for corpus in args.corpus:
            with open(corpus.rstrip("/") + ".manifest.json") as f:
                manifest = json.load(f)
            load = os.getloadavg()[0]
            what = (f"{manifest['templates']:,} templates ({manifest['resources']:,} resources)"
                    if args.kind == "cfn" else f"{manifest['resources']:,} resources")
            print(f"measure: {what}, {manifest['files']:,} files "
                  f"({manifest['bytes'] / 2**20:.1f} MiB); load average {load:.2f}; warming up",
                  file=sys.stderr)
            run_once(scan_command(args.atrest, corpus, "json", args.pin), args.timeout)
            samples = {fmt: ([], [], []) for fmt in FORMATS}
            for i in range(args.runs):
                for fmt in FORMATS:
                    wall, rss, code = run_once(scan_command(args.atrest, corpus, fmt, args.pin), args.timeout)
                    for bucket, value in zip(samples[fmt], (wall, rss, code)):
                        bucket.append(value)
                    print(f"measure:   run {i + 1}/{args.runs} {fmt:4} {wall:8.3f} s "
                          f"{rss / 1024:8.1f} MiB exit {code}", file=sys.stderr)
            entries = []
            for fmt in FORMATS:
                entry = (summarize_cfn if args.kind == "cfn" else summarize)(*samples[fmt], manifest, shown(corpus), fmt)
                entry["load_average_before"] = round(load, 2)
                entries.append(entry)
            report["results"] += entries
            if norm(corpus) in map(norm, args.peer_corpus):
                peer = time_peer(args, corpus, manifest, entries)
                peer["corpus"] = shown(corpus)
                report["peers"].append(peer)
    except HarnessFailure as e:
        print(f"measure: harness failure: {e}", file=sys.stderr)
        return 1

    write_report(args, report)
    print(markdown_cfn(report["results"], report["peers"]) if args.kind == "cfn" else markdown(report["results"]))
    print(f"\nmeasure: results written to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
