#!/usr/bin/env python3
"""The live part of the README demo: starts a local AWS emulator (moto, behind the test suite's
proxy, which also serves the calls moto lacks: DAX subnet groups, serverless caches, user groups,
AWS Backup selections), seeds a small demo account in us-east-1 and eu-west-1, runs
`atrest scan --aws` against it, and stops the emulator.

The demo account (tests/live/seed.py seed_demo): tables, DAX clusters, caches and KMS keys in every
configuration the checks tell apart, plus the account-level data of the newer checks: a VPC per
region (public subnets and a DynamoDB endpoint in us-east-1, private subnets without one in
eu-west-1), a multi-region trail with advanced event selectors, a Config recorder in us-east-1
only, an AWS Backup plan selecting tables by tag and by ARN, scalable targets, a DAX role with a
broad inline policy and a key whose policy lets anyone decrypt.

    python3 examples/live/scan_emulator.py build/release/src/atrest [extra atrest args...]

Exits with atrest's exit code. Nothing here talks to real AWS: the credentials are dummies and
every call goes to 127.0.0.1.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "live"))

from moto_env import MotoEnv  # noqa: E402
from seed import seed_demo  # noqa: E402


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    atrest, extra = sys.argv[1], sys.argv[2:]
    with MotoEnv() as env:
        seed_demo(env.endpoint)
        print(f"(emulator at {env.endpoint}, seeded with the demo account 123456789012)", flush=True)
        cmd = [atrest, "scan", "--aws", "--regions", "us-east-1,eu-west-1", *extra]
        return subprocess.run(cmd, env=env.aws_env()).returncode


if __name__ == "__main__":
    sys.exit(main())
