#!/usr/bin/env python3
"""Differential test: atrest's SigV4 (through sigv4_tool) against botocore's SigV4Auth.

Generates seeded random requests with awkward URLs, headers, bodies and credentials, signs each
with botocore at a frozen time and with the tool, and compares the Authorization headers.
Exits 0 on full agreement, 1 on any mismatch, 77 when botocore cannot be imported.

usage: sigv4_differential.py TOOL [--cases N] [--seed S] [--show K]
"""

import argparse
import datetime
import json
import random
import subprocess
import sys

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # the test needs botocore, not the product
    print(f"skipping: botocore not importable ({e})")
    sys.exit(77)

# aws-wire.md section 1.
SERVICES = ["dax", "dynamodb", "elasticache", "kms", "ec2", "sts", "cloudtrail", "config",
            "organizations", "iam"]
REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
    "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
    "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "cn-north-1", "cn-northwest-1",
    "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
]

# --- frozen clock -------------------------------------------------------------------------
# botocore 1.43 reads the time through botocore.compat.get_current_datetime (imported by name
# into botocore.auth; it calls datetime.datetime.now(timezone.utc)). Older releases called
# datetime.datetime.utcnow() on botocore.auth's own `datetime` module.
_frozen = datetime.datetime(2000, 1, 1)


def _frozen_now(remove_tzinfo=True):
    return _frozen if remove_tzinfo else _frozen.replace(tzinfo=datetime.timezone.utc)


if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = _frozen_now
else:
    class _FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return _frozen

        @classmethod
        def now(cls, tz=None):
            return _frozen.replace(tzinfo=tz) if tz else _frozen

    class _DatetimeModule:
        datetime = _FrozenDatetime
        timezone = datetime.timezone

    botocore.auth.datetime = _DatetimeModule


def botocore_sign(case):
    global _frozen
    _frozen = datetime.datetime.fromtimestamp(case["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    body = bytes.fromhex(case["body_hex"]) if "body_hex" in case else case["body"].encode("utf-8")
    request = AWSRequest(method=case["method"], url=case["url"], data=body)
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeats are kept, as in the tool
    creds = Credentials(case["access_key"], case["secret_key"], case["token"] or None)
    signer = botocore.auth.SigV4Auth(creds, case["service"], case["region"])
    signer.add_auth(request)
    auth = request.headers["Authorization"]
    # The canonical request as signed: the signed request minus the Authorization it gained.
    del request.headers["Authorization"]
    return auth, signer.canonical_request(request)


# --- generators ---------------------------------------------------------------------------
QUERY_ATOMS = [
    "a", "b", "Z", "key", "Action", "Version", "0", "9", "x1", "-", "_", ".", "~", " ", "  ", "+",
    "%", "%20", "%2B", "%2b", "%3D", "%26", "%zz", "%E2%82%AC", "=", "==", "é", "日本", "€",
    "😀", "ü", "!", "*", "'", "(", ")", ";", ":", "@", "$", ",", "/", "?", "[", "]", "|", "^",
    "`", "{", "}", "\\", "\"", "<", ">", "A~B", "a.b", "a_b", "Ω",
]
PATH_SEGMENTS = [
    "", ".", "..", "a", "b", "c", "Abc", "a b", "a+b", "%20", "%2F", "%2f", "%", "é", "日本",
    "😀", "~user", "a=b", "a;b", "a:b", "a@b", "!$'()*,", "[x]", "-_.~", "...", "a%2Fb",
]
HOSTS = [
    "dynamodb.{r}.amazonaws.com", "{s}.{r}.amazonaws.com", "{s}.amazonaws.com", "127.0.0.1",
    "localhost", "LOCALHOST", "Sts.Amazonaws.COM", "[::1]", "[2001:DB8::1]", "10.0.0.1",
    "my-host.internal",
]
PORTS = [None, None, None, "80", "443", "8765", "5000", "65535", "1", "0", "0443", "080", ""]
SCHEMES = ["https", "https", "http", "http", "HTTPS", "Http"]
HEADER_NAMES = [
    "Content-Type", "content-type", "X-Amz-Target", "x-amz-target", "X-Custom", "x-CUSTOM",
    "Accept", "Accept-Encoding", "Content-Length", "X-Amz-User-Agent", "X-Amz-Meta-A",
    "Content-MD5", "Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "Cache-Control",
    # never signed by botocore
    "User-Agent", "Expect", "Transfer-Encoding", "Connection", "X-Amzn-Trace-Id", "TE",
    "Keep-Alive", "Upgrade", "Trailer", "Proxy-Authorization", "Proxy-Authenticate",
    # replaced on signing
    "X-Amz-Date", "x-amz-date", "Authorization", "authorization",
]
VALUE_ATOMS = [
    "application/x-amz-json-1.0", "application/x-www-form-urlencoded; charset=utf-8",
    "DynamoDB_20120810.DescribeTable", "a", "B", "1", "x=y", "a,b", ";", "\"q\"", " ", "  ",
    "\t", " \t ", "\x0b", "\x0c", "\x1c", "\x1f", "\xa0", "\u3000", "\u2003", "\x85", "é",
    "日本", "😀", "gzip, deflate", "100-continue", "chunked", "Root=1-abc", "*/*",
]
BODY_ATOMS = [
    "", "{", "}", "\"", "{\"TableName\": \"tbl1\"}", "Action=GetCallerIdentity&Version=2011-06-15",
    " ", "\n", "\r\n", "\t", "\x00", "\x01", "\x7f", "é", "日本語", "😀", "\u2028", "\\", "&",
    "=", "%20", "+", "x" * 100,
]


def pick_str(rng, atoms, lo, hi):
    return "".join(rng.choice(atoms) for _ in range(rng.randint(lo, hi)))


def gen_query(rng):
    pieces = []
    for _ in range(rng.randint(0, 7)):
        form = rng.random()
        key = pick_str(rng, QUERY_ATOMS, 0, 3).replace("&", "")
        value = pick_str(rng, QUERY_ATOMS, 0, 4).replace("&", "")
        if form < 0.55:
            pieces.append(f"{key}={value}")
        elif form < 0.7:
            pieces.append(key)  # no '='
        elif form < 0.8:
            pieces.append(f"{key}=")
        elif form < 0.9 and pieces:
            pieces.append(rng.choice(pieces))  # repeated key (and value)
        else:
            pieces.append(f"{key}={value}={value}")  # '=' inside the value
    return "&".join(pieces)


def gen_path(rng):
    form = rng.random()
    if form < 0.25:
        return rng.choice(["", "/", "/", "/a/b", "/a/b/", "//", "/./", "/../a"])
    path = "".join("/" + rng.choice(PATH_SEGMENTS) for _ in range(rng.randint(1, 5)))
    return path + ("/" if rng.random() < 0.3 else "")


def gen_url(rng, service, region):
    scheme = rng.choice(SCHEMES)
    host = rng.choice(HOSTS).format(s=service, r=region)
    port = rng.choice(PORTS)
    userinfo = "user:p%40ss@" if rng.random() < 0.05 else ""
    url = f"{scheme}://{userinfo}{host}" + (f":{port}" if port is not None else "")
    url += gen_path(rng)
    if rng.random() < 0.7:
        url += "?" + gen_query(rng)
    if rng.random() < 0.05:
        url += "#frag?x=1"
    return url


def gen_headers(rng, has_token):
    headers = []
    for _ in range(rng.randint(0, 6)):
        name = rng.choice(HEADER_NAMES)
        value = pick_str(rng, VALUE_ATOMS, 0, 4)
        headers.append([name, value])
        if rng.random() < 0.1:
            headers.append([rng.choice([name, name.upper(), name.lower()]), pick_str(rng, VALUE_ATOMS, 0, 3)])
    if rng.random() < 0.15:
        headers.append([rng.choice(["Host", "host", "HOST"]),
                        rng.choice(["example.com", " Example.COM:8080 ", "127.0.0.1:8765", "a  b"])])
    if has_token and rng.random() < 0.2:
        headers.append(["X-Amz-Security-Token", "stale-token"])  # replaced by the fresh one
    if rng.random() < 0.03:
        headers.append(["X-Amz-Content-SHA256", rng.choice(["UNSIGNED-PAYLOAD", " spaced ", "0" * 64])])
    rng.shuffle(headers)
    return headers


def gen_secret(rng):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    secret = "".join(rng.choice(alphabet) for _ in range(40))
    if rng.random() < 0.05:
        secret += rng.choice(["é", "日本", "😀", " "])
    return secret


def gen_case(rng):
    service = rng.choice(SERVICES)
    region = rng.choice(REGIONS)
    has_token = rng.random() < 0.4
    case = {
        "method": rng.choice(["GET", "POST", "POST", "PUT", "DELETE", "HEAD", "PATCH", "post", "Get"]),
        "url": gen_url(rng, service, region),
        "headers": gen_headers(rng, has_token),
        "access_key": rng.choice(["AKIA", "ASIA"]) + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
        "secret_key": gen_secret(rng),
        "token": "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
                         for _ in range(rng.randint(16, 400))) if has_token else "",
        "region": region,
        "service": service,
        "epoch": rng.choice([0, 951782400, 1795624540, 1704067199, 253402300799,
                             rng.randint(0, 4102444800), rng.randint(1600000000, 1900000000)]),
    }
    if rng.random() < 0.2:
        case["body_hex"] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))).hex()
    else:
        case["body"] = pick_str(rng, BODY_ATOMS, 0, 6)
    return case


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--show", type=int, default=3, help="mismatches to print in full")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    cases = [gen_case(rng) for _ in range(args.cases)]
    expected = [botocore_sign(c) for c in cases]

    stdin = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases).encode("utf-8")
    run = subprocess.run([args.tool, "--canonical"], input=stdin, capture_output=True, check=False)
    if run.returncode != 0:
        print(f"sigv4_tool failed ({run.returncode}): {run.stderr.decode(errors='replace')}")
        return 1
    # Split on "\n" only: str.splitlines() would also break at U+2028, U+0085 and friends.
    lines = run.stdout.decode("utf-8", errors="surrogateescape").split("\n")
    got = [json.loads(line) for line in lines if line]
    if len(got) != len(cases):
        print(f"sigv4_tool printed {len(got)} lines for {len(cases)} cases")
        return 1

    bad = [i for i, (e, g) in enumerate(zip(expected, got)) if e[0] != g["authorization"]]
    for i in bad[: args.show]:
        print(f"--- case {i}: {json.dumps(cases[i], ensure_ascii=False)}")
        print(f"botocore: {expected[i][0]}\natrest:   {got[i]['authorization']}")
        print(f"botocore canonical request:\n{expected[i][1]!r}\natrest canonical request:\n{got[i]['canonical']!r}")
    print(f"sigv4 differential: {len(cases) - len(bad)}/{len(cases)} agree (seed {args.seed})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
