#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 reverse proxy for moto (standard library only).

    python3 tests/live/fault_proxy.py http://127.0.0.1:5000     # prints "PORT <n>" first
    python3 tests/live/fault_proxy.py --self-test                # runs tests/live/proxy_test.py

It listens on 127.0.0.1 (port 0 unless --port is given), forwards every request to the
upstream moto verbatim (method, path, headers, body; hop-by-hop headers and Content-Length are
recomputed) and, in between:

* answers the operations moto 5.2.1 lacks from fixtures kept in proxy state per
  (account, region): DAX DescribeSubnetGroups (JSON 1.1), ElastiCache DescribeServerlessCaches
  and DescribeUserGroups (query XML, model-correct for botocore 1.43.11), AWS Backup
  ListBackupSelections and GetBackupSelection (REST-JSON; the plans themselves are moto's), with
  pagination (MaxResults/NextToken, MaxRecords/Marker, maxResults/nextToken) and the model's
  not-found errors;
* injects faults according to rules matched on service / operation / region / account (and,
  optionally, `body_contains`: a string the request body must hold, to pick one resource);
* adds a global latency to every AWS call (benchmarks);
* records every AWS call (service, operation, region, account, status, action).

Each request is classified from its SigV4 Authorization header: the credential scope
`<AKID>/<date>/<region>/<service>/aws4_request` gives the service, region and access key; the
operation is the part of X-Amz-Target after the last '.' (JSON protocols), Action= in the
form body or query string (query / ec2 protocols), or the method and path (REST: AWS Backup).

Accounts are resolved as moto resolves them: the x-moto-account-id header, else the account
the access key belongs to in moto (learned from AssumeRole answers passing through the proxy,
registered with POST /__proxy/accounts, or asked of moto once per key with STS
GetCallerIdentity), else 123456789012.

Control API (JSON, same port, under /__proxy/; answers are JSON):

  GET  /__proxy/health     -> {"ok": true, "upstream": URL}
  POST /__proxy/rules      {"rules": [RULE, ...], "append": false}  (a bare list works too)
  GET  /__proxy/rules      -> {"rules": [RULE + {"fired": n, "matched": n}, ...]}
  POST /__proxy/fixtures   {"account": "123456789012", "region": "us-east-1",
                            "dax_subnet_groups": [...], "serverless_caches": [...],
                            "user_groups": [...], "backup_selections": [...], "replace": true}
                           (or {"fixtures": [that, ...]}; the lists are API-shaped items;
                           replace=false appends; lists not named are left alone)
  GET  /__proxy/fixtures   -> {"<account>/<region>": {"dax_subnet_groups": [...], ...}}
  POST /__proxy/latency    {"ms": 20, "jitter_ms": 0}
  POST /__proxy/accounts   {"access_key_id": "ASIA...", "account": "111111111111"}
                           or {"map": {"AKID": "account", ...}}
  GET  /__proxy/calls      -> {"calls": [{"seq", "service", "operation", "region", "account",
                                "status", "action", "ms"}], "counts": {"svc:Op": n},
                                "total": n, "dropped": n}
  POST /__proxy/reset      {} clears calls, rules, fixtures, latency and learned accounts;
                           {"what": ["calls", "rules", "fixtures", "latency", "accounts"]}
                           clears only those.

RULE: {"service": "dax", "operation": "DescribeClusters", "region": "*", "account": "*",
       "action": "throttle", "times": 2, "skip": 0, ...action options}
  Matching: each of service/operation/region/account is a string, a list of strings, "*" or
  absent (= any); case-insensitive. Rules are tried in order; the first rule that matches and
  still has firings left fires (skip: let that many matching calls pass first; times: fire
  that many times, -1 = always, default -1). Only one rule fires per call.
  Actions (options in brackets):
    throttle      protocol-correct throttling error: JSON ThrottlingException 400
                  (organizations: TooManyRequestsException), query Throttling 400 (Sender),
                  ec2 RequestLimitExceeded 503 [code, status, message] - for DynamoDB use
                  "code": "ProvisionedThroughputExceededException".
    status500     JSON InternalFailure 500 (DynamoDB InternalServerError), query
                  InternalFailure 500 (Receiver), ec2 InternalError 500 [code, status, message]
    access_denied JSON AccessDeniedException 400, query AccessDenied 403, ec2
                  UnauthorizedOperation 403 [code, status, message]
    error         any error in the protocol's envelope [code (required), status=400, message]
    html          an HTML error page [status=502]
    reset         close the connection without an answer [mode: "rst" (default, TCP RST) or
                  "close" (FIN)]
    hang          no answer for ms, then close the connection [ms=30000]
    delay         wait ms, then forward [ms=1000]
    truncate      forward, send the original Content-Length but only half the body, then
                  close [hang_ms=0: wait this long before closing]
    pages         serve moto's complete answer in pages of `size` items (for lists moto does not
                  page): the lists named by `lists` (all sliced by the same window) lose the items
                  outside it, and a token (`token`: NextToken, Marker for query XML, nextToken for
                  ec2) tells the offset of the next page; query XML also gets IsTruncated
                  [size=1, lists (required), token]
    repeat_token  forward, then set the response's pagination token (NextToken, Marker,
                  NextMarker, LastEvaluatedTableName, nextToken) to the request's token, or to
                  "LOOP" when the request had none, so that a naive client loops forever.
                  A request whose token is exactly "LOOP" always has it removed before it is
                  answered, so it gets the first page again.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import http.client
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zlib
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape as _xml_escape

DEFAULT_ACCOUNT = "123456789012"
LOOP_TOKEN = "LOOP"
MAX_BODY = 64 * 1024 * 1024
MAX_CALLS_KEPT = 200_000
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
    "upgrade", "content-length", "expect", "proxy-authorization", "proxy-authenticate",
}
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")
XMLNS = {
    "elasticache": "http://elasticache.amazonaws.com/doc/2015-02-02/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "ec2": "http://ec2.amazonaws.com/doc/2016-11-15/",
}
DYNAMODB_NS = "com.amazonaws.dynamodb.v20120810#"
VERBOSE = False


def log(msg: str) -> None:
    if VERBOSE:
        sys.stderr.write(f"[fault_proxy] {msg}\n")
        sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# Request classification


class Call:
    """One AWS request as seen by the proxy."""

    def __init__(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes):
        self.method = method
        self.target = target  # path + query as received
        self.headers = headers
        self.body = body
        self.header = {k.lower(): v for k, v in headers}
        self.path, _, self.query = target.partition("?")
        self.access_key = self.service = self.region = None
        self.operation = ""
        self.form: dict[str, list[str]] | None = None
        self.json_body: dict | None = None
        auth = self.header.get("authorization", "")
        m = CREDENTIAL_RE.search(auth)
        if not m and self.query:  # presigned URL
            cred = urllib.parse.parse_qs(self.query).get("X-Amz-Credential", [""])[0]
            m = CREDENTIAL_RE.search("Credential=" + cred)
        if m:
            self.access_key, _, self.region, self.service = m.group(1), m.group(2), m.group(3), m.group(4)
        amz_target = self.header.get("x-amz-target")
        if amz_target:
            self.protocol = "json"
            self.operation = amz_target.rsplit(".", 1)[-1]
            ctype = self.header.get("content-type", "")
            self.json_version = "1.0" if "1.0" in ctype or self.service == "dynamodb" else "1.1"
            try:
                parsed = json.loads(body.decode("utf-8")) if body.strip() else {}
                self.json_body = parsed if isinstance(parsed, dict) else {}
            except (ValueError, UnicodeDecodeError):
                self.json_body = {}
        else:
            self.json_version = "1.1"
            form: dict[str, list[str]] = {}
            ctype = self.header.get("content-type", "")
            if body and ("x-www-form-urlencoded" in ctype or body[:7] == b"Action="):
                try:
                    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    form = {}
            if self.query:
                for k, v in urllib.parse.parse_qs(self.query, keep_blank_values=True).items():
                    form.setdefault(k, v)
            self.form = form
            self.operation = (form.get("Action") or [""])[0]
            if self.service == "ec2":
                self.protocol = "ec2"
            elif self.operation:
                self.protocol = "query"
            else:
                self.protocol = "rest"
                self.operation = rest_operation(self.service, method, self.path)

    @property
    def is_aws(self) -> bool:
        return self.service is not None

    def param(self, name: str):
        if self.json_body is not None:
            return self.json_body.get(name)
        if self.form is not None:
            v = self.form.get(name)
            return v[0] if v else None
        return None

    def params_list(self, name: str) -> list[str]:
        if self.json_body is not None:
            v = self.json_body.get(name)
            return [str(x) for x in v] if isinstance(v, list) else []
        out = []
        for i in range(1, 10_000):
            v = (self.form or {}).get(f"{name}.member.{i}") or (self.form or {}).get(f"{name}.{i}")
            if not v:
                break
            out.append(v[0])
        return out

    # pagination tokens -------------------------------------------------------------------
    REQ_TOKEN_KEYS = ("NextToken", "Marker", "ExclusiveStartTableName", "nextToken")

    def request_token(self) -> tuple[str | None, str | None]:
        for k in self.REQ_TOKEN_KEYS:
            v = self.param(k)
            if isinstance(v, str) and v != "":
                return k, v
        return None, None

    def strip_token(self, key: str) -> None:
        """Remove a pagination parameter from the request body (used for the LOOP token)."""
        if self.json_body is not None:
            self.json_body.pop(key, None)
            self.body = json.dumps(self.json_body).encode()
        elif self.form is not None:
            self.form.pop(key, None)
            if self.body:
                pairs = urllib.parse.parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
                self.body = urllib.parse.urlencode([(k, v) for k, v in pairs if k != key]).encode()
            if self.query:
                pairs = urllib.parse.parse_qsl(self.query, keep_blank_values=True)
                self.query = urllib.parse.urlencode([(k, v) for k, v in pairs if k != key])
                self.target = self.path + ("?" + self.query if self.query else "")


# REST-JSON operations (AWS Backup) named from method and path, as the service model routes them.
REST_ROUTES = {
    "backup": [
        ("GET", re.compile(r"^/backup/plans/?$"), "ListBackupPlans"),
        ("PUT", re.compile(r"^/backup/plans/?$"), "CreateBackupPlan"),
        ("GET", re.compile(r"^/backup/plans/[^/]+/selections/?$"), "ListBackupSelections"),
        ("PUT", re.compile(r"^/backup/plans/[^/]+/selections/?$"), "CreateBackupSelection"),
        ("GET", re.compile(r"^/backup/plans/[^/]+/selections/[^/]+/?$"), "GetBackupSelection"),
        ("GET", re.compile(r"^/backup/plans/[^/]+/?$"), "GetBackupPlan"),
        ("DELETE", re.compile(r"^/backup/plans/[^/]+/?$"), "DeleteBackupPlan"),
    ],
}


def rest_operation(service: str | None, method: str, path: str) -> str:
    for m, pattern, name in REST_ROUTES.get(service or "", []):
        if m == method and pattern.match(path):
            return name
    return ""


def path_segments(path: str) -> list[str]:
    return [urllib.parse.unquote(p) for p in path.strip("/").split("/")]


# ---------------------------------------------------------------------------------------------
# Responses


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes, reason: str | None = None):
        self.status = status
        self.headers = headers
        self.body = body
        self.reason = reason or _phrase(status)

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))

    def get_header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _request_id() -> str:
    return str(uuid.uuid4())


def _crc32(body: bytes) -> str:
    return str(zlib.crc32(body) & 0xFFFFFFFF)


def json_response(call: Call, payload: dict, status: int = 200) -> Response:
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", f"application/x-amz-json-{call.json_version}"),
        ("x-amzn-RequestId", _request_id()),
    ]
    if call.service == "dynamodb":
        headers.append(("x-amz-crc32", _crc32(body)))
    return Response(status, headers, body)


def error_response(call: Call, code: str, message: str, status: int, sender: bool = True) -> Response:
    rid = _request_id()
    if call.protocol == "json":
        type_ = DYNAMODB_NS + code if call.service == "dynamodb" else code
        body = json.dumps({"__type": type_, "message": message}).encode()
        headers = [
            ("Content-Type", f"application/x-amz-json-{call.json_version}"),
            ("x-amzn-RequestId", rid),
            ("X-Amzn-ErrorType", code),
        ]
        if call.service == "dynamodb":
            headers.append(("x-amz-crc32", _crc32(body)))
        return Response(status, headers, body)
    if call.protocol == "rest":
        body = json.dumps({"Code": code, "Message": message}).encode()
        return Response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", rid),
                                 ("X-Amzn-ErrorType", code)], body)
    if call.protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{_xml_escape(code)}</Code><Message>{_xml_escape(message)}"
            f"</Message></Error></Errors><RequestID>{rid}</RequestID></Response>"
        ).encode()
        return Response(status, [("Content-Type", "text/xml;charset=UTF-8"), ("x-amzn-RequestId", rid)], body)
    xmlns = XMLNS.get(call.service or "", f"https://{call.service}.amazonaws.com/doc/")
    body = (
        f'<ErrorResponse xmlns="{xmlns}"><Error><Type>{"Sender" if sender else "Receiver"}</Type>'
        f"<Code>{_xml_escape(code)}</Code><Message>{_xml_escape(message)}</Message></Error>"
        f"<RequestId>{rid}</RequestId></ErrorResponse>"
    ).encode()
    return Response(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body)


def html_response(status: int) -> Response:
    phrase = _phrase(status)
    body = (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>fault_proxy</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()
    return Response(status, [("Content-Type", "text/html")], body)


# ---------------------------------------------------------------------------------------------
# Query-XML serialisation of the fixture operations (shapes from botocore 1.43.11)

STR, INT, BOOL, TS = "string", "integer", "boolean", "timestamp"


def _struct(*members):
    return ("structure", members)


def _list(item_name, item_shape):
    return ("list", item_name, item_shape)


_ENDPOINT = _struct(("Address", STR), ("Port", INT))
SERVERLESS_CACHE = _struct(
    ("ServerlessCacheName", STR), ("Description", STR), ("CreateTime", TS), ("Status", STR),
    ("Engine", STR), ("MajorEngineVersion", STR), ("FullEngineVersion", STR),
    ("CacheUsageLimits", _struct(
        ("DataStorage", _struct(("Maximum", INT), ("Minimum", INT), ("Unit", STR))),
        ("ECPUPerSecond", _struct(("Maximum", INT), ("Minimum", INT))))),
    ("KmsKeyId", STR), ("SecurityGroupIds", _list("SecurityGroupId", STR)),
    ("Endpoint", _ENDPOINT), ("ReaderEndpoint", _ENDPOINT), ("ARN", STR), ("UserGroupId", STR),
    ("SubnetIds", _list("SubnetId", STR)), ("SnapshotRetentionLimit", INT),
    ("DailySnapshotTime", STR), ("NetworkType", STR),
)
USER_GROUP = _struct(
    ("UserGroupId", STR), ("Status", STR), ("Engine", STR), ("UserIds", _list("member", STR)),
    ("MinimumEngineVersion", STR),
    ("PendingChanges", _struct(("UserIdsToRemove", _list("member", STR)), ("UserIdsToAdd", _list("member", STR)))),
    ("ReplicationGroups", _list("member", STR)), ("ServerlessCaches", _list("member", STR)), ("ARN", STR),
)


def _iso(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        dt = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
    return str(value)


def _scalar(shape: str, value) -> str:
    if shape == BOOL or isinstance(value, bool):
        return "true" if value else "false"
    if shape == TS:
        return _xml_escape(_iso(value))
    if shape == INT:
        try:
            return str(int(value))
        except (TypeError, ValueError):
            return _xml_escape(str(value))
    return _xml_escape(str(value))


def to_xml(shape, value) -> str:
    """Serialise value by shape; keys the shape does not know are serialised generically."""
    if isinstance(shape, tuple) and shape[0] == "structure":
        if not isinstance(value, dict):
            return _xml_escape(str(value))
        known = dict(shape[1])
        out = []
        for name, member in shape[1]:
            if value.get(name) is not None:
                out.append(f"<{name}>{to_xml(member, value[name])}</{name}>")
        for name, v in value.items():
            if name not in known and v is not None and re.fullmatch(r"[A-Za-z_][\w.-]*", name):
                out.append(f"<{name}>{to_xml(_guess(v), v)}</{name}>")
        return "".join(out)
    if isinstance(shape, tuple) and shape[0] == "list":
        item, item_shape = shape[1], shape[2]
        if not isinstance(value, list):
            value = [value]
        return "".join(f"<{item}>{to_xml(item_shape, v)}</{item}>" for v in value)
    return _scalar(shape, value)


def _guess(v):
    if isinstance(v, dict):
        return _struct(*[(k, _guess(x)) for k, x in v.items()])
    if isinstance(v, list):
        return _list("member", _guess(v[0]) if v else STR)
    if isinstance(v, bool):
        return BOOL
    return STR


def query_response(call: Call, result_xml: str) -> Response:
    op = call.operation
    xmlns = XMLNS.get(call.service or "", f"https://{call.service}.amazonaws.com/doc/")
    rid = _request_id()
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{op}Response xmlns="{xmlns}"><{op}Result>{result_xml}'
        f"</{op}Result><ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{op}Response>"
    ).encode()
    return Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body)


# ---------------------------------------------------------------------------------------------
# Proxy state

FIXTURE_KINDS = ("dax_subnet_groups", "serverless_caches", "user_groups", "backup_selections")
FIXTURE_OPS = {
    ("dax", "describesubnetgroups"): "dax_subnet_groups",
    ("elasticache", "describeserverlesscaches"): "serverless_caches",
    ("elasticache", "describeusergroups"): "user_groups",
    ("backup", "listbackupselections"): "backup_selections",
    ("backup", "getbackupselection"): "backup_selections",
}


class State:
    def __init__(self, upstream: str):
        self.upstream = upstream
        u = urllib.parse.urlsplit(upstream)
        if u.scheme not in ("http", "") or not u.hostname:
            raise SystemExit(f"upstream must be an http:// URL, got {upstream!r}")
        self.up_host, self.up_port = u.hostname, u.port or 80
        self.lock = threading.RLock()
        self.rules: list[dict] = []
        self.fixtures: dict[tuple[str, str], dict[str, list]] = {}
        self.latency_ms = 0.0
        self.jitter_ms = 0.0
        self.key_accounts: dict[str, str] = {}
        self.calls: list[dict] = []
        self.counts: dict[str, int] = {}
        self.total = 0
        self.dropped = 0
        self.local = threading.local()

    # upstream connections (one persistent connection per handler thread) ---------------
    def upstream_conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.up_host, self.up_port, timeout=300)
            self.local.conn = conn
        return conn

    def drop_upstream_conn(self) -> None:
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass
        self.local.conn = None

    def forward(self, call: Call) -> Response:
        last_exc: Exception | None = None
        for _attempt in range(2):
            conn = self.upstream_conn()
            try:
                conn.putrequest(call.method, call.target or "/", skip_host=True, skip_accept_encoding=True)
                has_host = False
                for k, v in call.headers:
                    lk = k.lower()
                    if lk in HOP_BY_HOP:
                        continue
                    has_host = has_host or lk == "host"
                    conn.putheader(k, v)
                if not has_host:
                    conn.putheader("Host", f"{self.up_host}:{self.up_port}")
                if call.body or call.method in ("POST", "PUT", "PATCH"):
                    conn.putheader("Content-Length", str(len(call.body)))
                conn.endheaders(call.body if call.body else None)
                resp = conn.getresponse()
                data = resp.read()
                headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
                if resp.will_close:
                    self.drop_upstream_conn()
                return Response(resp.status, headers, data, resp.reason)
            except (http.client.HTTPException, OSError) as exc:
                last_exc = exc
                self.drop_upstream_conn()
        raise ConnectionError(f"upstream {self.upstream} failed: {last_exc!r}")

    # accounts ------------------------------------------------------------------------------
    def account_of(self, call: Call) -> str:
        hdr = call.header.get("x-moto-account-id")
        if hdr:
            return hdr
        ak = call.access_key
        if not ak:
            return DEFAULT_ACCOUNT
        with self.lock:
            acct = self.key_accounts.get(ak)
        if acct:
            return acct
        acct = self._lookup_account(ak)
        if acct:
            with self.lock:
                self.key_accounts.setdefault(ak, acct)
            return acct
        return DEFAULT_ACCOUNT

    def _lookup_account(self, access_key: str) -> str | None:
        """Ask moto which account an access key belongs to (STS GetCallerIdentity)."""
        date = time.strftime("%Y%m%d", time.gmtime())
        conn = http.client.HTTPConnection(self.up_host, self.up_port, timeout=30)
        try:
            body = b"Action=GetCallerIdentity&Version=2011-06-15"
            conn.request("POST", "/", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
                "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{date}/us-east-1/sts/aws4_request, "
                                 "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64,
            })
            resp = conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            m = re.search(r"<Account>(\d+)</Account>", data)
            return m.group(1) if resp.status == 200 and m else None
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    def learn_from_assume_role(self, call: Call, resp: Response) -> None:
        if call.service != "sts" or not call.operation.startswith("AssumeRole") or resp.status != 200:
            return
        m = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", resp.body)
        role = call.param("RoleArn") or ""
        a = re.match(r"arn:[^:]+:iam::(\d+):", role)
        if m and a:
            with self.lock:
                self.key_accounts[m.group(1).decode()] = a.group(1)

    # rules ---------------------------------------------------------------------------------
    def set_rules(self, rules: list, append: bool) -> int:
        clean = []
        for r in rules:
            if not isinstance(r, dict) or not isinstance(r.get("action"), str):
                raise ValueError(f"a rule must be an object with an action: {r!r}")
            if r["action"] not in ACTIONS:
                raise ValueError(f"unknown action {r['action']!r}; known: {sorted(ACTIONS)}")
            if r["action"] == "error" and not r.get("code"):
                raise ValueError("action error needs a code")
            rule = dict(r)
            rule["times"] = int(rule.get("times", -1))
            rule["skip"] = int(rule.get("skip", 0))
            rule["_left"] = rule["times"]
            rule["_skip_left"] = rule["skip"]
            rule["_fired"] = 0
            rule["_matched"] = 0
            clean.append(rule)
        with self.lock:
            self.rules = (self.rules if append else []) + clean
            return len(self.rules)

    def public_rules(self) -> list[dict]:
        with self.lock:
            out = []
            for r in self.rules:
                d = {k: v for k, v in r.items() if not k.startswith("_")}
                d["fired"], d["matched"] = r["_fired"], r["_matched"]
                out.append(d)
            return out

    @staticmethod
    def _field_matches(pattern, value) -> bool:
        if pattern is None or pattern == "*":
            return True
        pats = pattern if isinstance(pattern, list) else [pattern]
        v = (value or "").lower()
        return any(p == "*" or str(p).lower() == v for p in pats)

    def match_rule(self, call: Call, account: str) -> dict | None:
        with self.lock:
            for r in self.rules:
                if not (self._field_matches(r.get("service"), call.service)
                        and self._field_matches(r.get("operation"), call.operation)
                        and self._field_matches(r.get("region"), call.region)
                        and self._field_matches(r.get("account"), account)
                        and (not r.get("body_contains") or str(r["body_contains"]).encode() in (call.body or b""))):
                    continue
                if r["_left"] == 0:
                    continue
                r["_matched"] += 1
                if r["_skip_left"] > 0:
                    r["_skip_left"] -= 1
                    return None  # a skipped match lets this call pass untouched
                if r["_left"] > 0:
                    r["_left"] -= 1
                r["_fired"] += 1
                return dict(r)
        return None

    # fixtures ------------------------------------------------------------------------------
    def set_fixtures(self, spec: dict) -> None:
        account = str(spec.get("account") or DEFAULT_ACCOUNT)
        region = str(spec.get("region") or "us-east-1")
        replace = bool(spec.get("replace", True))
        with self.lock:
            slot = self.fixtures.setdefault((account, region), {k: [] for k in FIXTURE_KINDS})
            for kind in FIXTURE_KINDS:
                if kind in spec:
                    items = spec[kind]
                    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                        raise ValueError(f"{kind} must be a list of objects")
                    items = [self._complete(kind, dict(i), account, region) for i in items]
                    slot[kind] = items if replace else slot[kind] + items

    @staticmethod
    def _complete(kind: str, item: dict, account: str, region: str) -> dict:
        if kind == "serverless_caches":
            name = item.get("ServerlessCacheName")
            if not name:
                raise ValueError("a serverless cache needs ServerlessCacheName")
            item.setdefault("Status", "available")
            item.setdefault("Engine", "valkey")
            item.setdefault("MajorEngineVersion", "8")
            item.setdefault("CreateTime", time.time())
            item.setdefault("ARN", f"arn:aws:elasticache:{region}:{account}:serverlesscache:{name}")
            item.setdefault("Endpoint", {"Address": f"{name}-abc123.serverless.{region}.cache.amazonaws.com", "Port": 6379})
        elif kind == "user_groups":
            gid = item.get("UserGroupId")
            if not gid:
                raise ValueError("a user group needs UserGroupId")
            item.setdefault("Status", "active")
            item.setdefault("Engine", "redis")
            item.setdefault("UserIds", ["default"])
            item.setdefault("ARN", f"arn:aws:elasticache:{region}:{account}:usergroup:{gid}")
        elif kind == "dax_subnet_groups":
            if not item.get("SubnetGroupName"):
                raise ValueError("a DAX subnet group needs SubnetGroupName")
        elif kind == "backup_selections":
            if not item.get("BackupPlanId") or not item.get("SelectionName"):
                raise ValueError("a backup selection needs BackupPlanId and SelectionName")
            item.setdefault("SelectionId", str(uuid.uuid5(uuid.NAMESPACE_URL, item["BackupPlanId"] + "/" + item["SelectionName"])))
            item.setdefault("IamRoleArn", f"arn:aws:iam::{account}:role/service-role/AWSBackupDefaultServiceRole")
            item.setdefault("CreationDate", 1795624685.0)
        return item

    def fixture_items(self, kind: str, account: str, region: str) -> list[dict]:
        with self.lock:
            return list(self.fixtures.get((account, region), {}).get(kind, []))

    def public_fixtures(self) -> dict:
        with self.lock:
            return {f"{a}/{r}": v for (a, r), v in self.fixtures.items()}

    # calls ---------------------------------------------------------------------------------
    def record(self, call: Call, account: str | None, status, action: str, ms: float) -> None:
        key = f"{call.service}:{call.operation}"
        with self.lock:
            self.total += 1
            self.counts[key] = self.counts.get(key, 0) + 1
            entry = {"seq": self.total, "service": call.service, "operation": call.operation,
                     "region": call.region, "account": account, "status": status,
                     "action": action, "ms": round(ms, 2)}
            if len(self.calls) >= MAX_CALLS_KEPT:
                self.dropped += 1
            else:
                self.calls.append(entry)

    def reset(self, what) -> None:
        with self.lock:
            if "calls" in what:
                self.calls, self.counts, self.total, self.dropped = [], {}, 0, 0
            if "rules" in what:
                self.rules = []
            if "fixtures" in what:
                self.fixtures = {}
            if "latency" in what:
                self.latency_ms = self.jitter_ms = 0.0
            if "accounts" in what:
                self.key_accounts = {}


ACTIONS = {"throttle", "status500", "access_denied", "error", "html", "reset", "hang", "delay",
           "truncate", "repeat_token", "pages"}
PAGE_TOKEN = "PROXYPAGE-"


def paginate_response(call: Call, resp: Response, rule: dict, offset: int) -> None:
    """Keeps items [offset, offset + size) of each list in rule["lists"] and adds the next token."""
    if resp.status != 200:
        return
    size = max(1, int(rule.get("size", 1)))
    lists = rule.get("lists") or []
    lists = [lists] if isinstance(lists, str) else lists
    more = False
    if call.protocol in ("json", "rest"):
        payload = json.loads(resp.body.decode("utf-8"))
        for name in lists:
            items = payload.get(name)
            if isinstance(items, list):
                more = more or len(items) > offset + size
                payload[name] = items[offset:offset + size]
        key = rule.get("token") or "NextToken"
        payload.pop(key, None)
        if more:
            payload[key] = f"{PAGE_TOKEN}{offset + size}"
        resp.body = json.dumps(payload).encode()
        if resp.get_header("x-amz-crc32") is not None:
            resp.set_header("x-amz-crc32", _crc32(resp.body))
        return
    root = ET.fromstring(resp.body)
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    body = root.find(f"{ns}{call.operation}Result")
    body = root if body is None else body
    for name in lists:
        el = body.find(f"{ns}{name}")
        if el is None:
            continue
        items = list(el)
        more = more or len(items) > offset + size
        for i, item in enumerate(items):
            if not offset <= i < offset + size:
                el.remove(item)
    key = rule.get("token") or ("nextToken" if call.protocol == "ec2" else "Marker")
    for old in body.findall(f"{ns}{key}"):
        body.remove(old)
    if more:
        ET.SubElement(body, f"{ns}{key}").text = f"{PAGE_TOKEN}{offset + size}"
    truncated = body.find(f"{ns}IsTruncated")
    if truncated is not None:
        truncated.text = "true" if more else "false"
    resp.body = ET.tostring(root, encoding="utf-8")
RESET_WHAT = ("calls", "rules", "fixtures", "latency", "accounts")


def fault_error(call: Call, rule: dict) -> Response:
    action = rule["action"]
    p = call.protocol
    if action == "throttle":
        if p == "ec2":
            code, status = "RequestLimitExceeded", 503
        elif p in ("json", "rest"):
            code = "TooManyRequestsException" if call.service == "organizations" else "ThrottlingException"
            status = 400
        else:
            code, status = "Throttling", 400
        msg, sender = "Rate exceeded", True
    elif action == "status500":
        if p == "ec2":
            code = "InternalError"
        elif p in ("json", "rest"):
            code = "InternalServerError" if call.service == "dynamodb" else "InternalFailure"
        else:
            code = "InternalFailure"
        status, msg, sender = 500, "We encountered an internal error. Please try again.", False
    elif action == "access_denied":
        if p == "ec2":
            code, status = "UnauthorizedOperation", 403
        elif p == "json":
            code, status = "AccessDeniedException", 400
        elif p == "rest":
            code, status = "AccessDeniedException", 403
        else:
            code, status = "AccessDenied", 403
        msg = (f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/scanner is not authorized to perform: "
               f"{call.service}:{call.operation}")
        sender = True
    else:  # error
        code, status, msg, sender = rule["code"], 400, f"{rule['code']} (injected)", True
    code = rule.get("code") or code
    status = int(rule.get("status") or status)
    msg = rule.get("message") or msg
    return error_response(call, code, msg, status, sender=sender and status < 500)


# ---------------------------------------------------------------------------------------------
# Fixture operations


def _encode_token(kind: str, offset: int) -> str:
    return base64.b64encode(json.dumps({"kind": kind, "offset": offset}).encode()).decode()


def _decode_token(kind: str, token: str) -> int | None:
    try:
        d = json.loads(base64.b64decode(token, validate=True))
        if d.get("kind") == kind and isinstance(d.get("offset"), int) and d["offset"] >= 0:
            return d["offset"]
    except (ValueError, TypeError, AttributeError):
        pass
    return None


def _page(call: Call, kind: str, items: list, limit_key: str, token_key: str, default_limit: int):
    """Returns (page, next_token) or a Response (an error)."""
    invalid = "InvalidParameterValueException" if call.protocol == "json" else "InvalidParameterValue"
    raw_limit = call.param(limit_key)
    limit = default_limit
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except (TypeError, ValueError):
            return error_response(call, invalid, f"{limit_key} must be an integer", 400)
        if limit < 1:
            return error_response(call, invalid, f"{limit_key} must be at least 1", 400)
    token = call.param(token_key)
    start = 0
    if token not in (None, ""):
        start = _decode_token(kind, str(token))
        if start is None:
            return error_response(call, invalid, f"Invalid {token_key}: {token}", 400)
    page = items[start:start + limit]
    nxt = _encode_token(kind, start + limit) if start + limit < len(items) else None
    return page, nxt


SELECTION_KEYS = ("SelectionName", "IamRoleArn", "Resources", "ListOfTags", "NotResources", "Conditions")


def answer_backup_selections(call: Call, items: list) -> Response:
    """ListBackupSelections / GetBackupSelection (REST-JSON, botocore 1.43.11 shapes)."""
    seg = path_segments(call.path)  # backup, plans, PLAN, selections[, SELECTION]
    plan = seg[2] if len(seg) > 2 else ""
    items = [i for i in items if i["BackupPlanId"] == plan]
    if call.operation == "GetBackupSelection":
        sel = seg[4] if len(seg) > 4 else ""
        for i in items:
            if i["SelectionId"] == sel:
                return json_response(call, {"BackupSelection": {k: i[k] for k in SELECTION_KEYS if k in i},
                                            "SelectionId": i["SelectionId"], "BackupPlanId": plan,
                                            "CreationDate": i["CreationDate"]})
        return error_response(call, "ResourceNotFoundException", f"Selection {sel} not found", 404)
    r = _page(call, "backup_selections", items, "maxResults", "nextToken", 1000)
    if isinstance(r, Response):
        return r
    page, nxt = r
    payload: dict = {"BackupSelectionsList": [
        {"SelectionId": i["SelectionId"], "SelectionName": i["SelectionName"], "BackupPlanId": plan,
         "CreationDate": i["CreationDate"], "IamRoleArn": i["IamRoleArn"]} for i in page]}
    if nxt:
        payload["NextToken"] = nxt
    return json_response(call, payload)


def answer_fixture(state: State, call: Call, kind: str, account: str) -> Response:
    region = call.region or "us-east-1"
    items = state.fixture_items(kind, account, region)
    if kind == "backup_selections":
        return answer_backup_selections(call, items)
    if kind == "dax_subnet_groups":
        names = call.params_list("SubnetGroupNames")
        if names:
            by_name = {i["SubnetGroupName"]: i for i in items}
            missing = [n for n in names if n not in by_name]
            if missing:
                return error_response(call, "SubnetGroupNotFoundFault", f"Subnet group {missing[0]} not found.", 400)
            items = [by_name[n] for n in names]
        r = _page(call, kind, items, "MaxResults", "NextToken", 100)
        if isinstance(r, Response):
            return r
        page, nxt = r
        payload: dict = {"SubnetGroups": page}
        if nxt:
            payload["NextToken"] = nxt
        return json_response(call, payload)
    if kind == "serverless_caches":
        name = call.param("ServerlessCacheName")
        if name:
            items = [i for i in items if i.get("ServerlessCacheName") == name]
            if not items:
                return error_response(call, "ServerlessCacheNotFoundFault", f"Serverless cache {name} not found.", 404)
        r = _page(call, kind, items, "MaxResults", "NextToken", 50)
        if isinstance(r, Response):
            return r
        page, nxt = r
        xml = (f"<NextToken>{_xml_escape(nxt)}</NextToken>" if nxt else "")
        xml += "<ServerlessCaches>" + to_xml(_list("member", SERVERLESS_CACHE), page) + "</ServerlessCaches>"
        return query_response(call, xml)
    # user_groups
    gid = call.param("UserGroupId")
    if gid:
        items = [i for i in items if i.get("UserGroupId") == gid]
        if not items:
            return error_response(call, "UserGroupNotFound", f"User group {gid} not found.", 404)
    r = _page(call, kind, items, "MaxRecords", "Marker", 100)
    if isinstance(r, Response):
        return r
    page, nxt = r
    xml = "<UserGroups>" + to_xml(_list("member", USER_GROUP), page) + "</UserGroups>"
    if nxt:
        xml += f"<Marker>{_xml_escape(nxt)}</Marker>"
    return query_response(call, xml)


# ---------------------------------------------------------------------------------------------
# repeat_token


JSON_OUT_TOKENS = ("NextToken", "NextMarker", "LastEvaluatedTableName", "nextToken")
XML_OUT_TOKENS = ("NextToken", "Marker", "NextMarker", "nextToken")


def rewrite_token(call: Call, resp: Response, token: str) -> None:
    if resp.status != 200:
        return
    if call.protocol in ("json", "rest"):
        try:
            payload = json.loads(resp.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return
        if not isinstance(payload, dict):
            return
        key = next((k for k in JSON_OUT_TOKENS if k in payload), None)
        if key is None:
            key = {"dynamodb": "LastEvaluatedTableName" if call.operation == "ListTables" else "NextToken",
                   "kms": "NextMarker"}.get(call.service or "", "NextToken")
        payload[key] = token
        if key == "NextMarker" or "Truncated" in payload:
            payload["Truncated"] = True
        resp.body = json.dumps(payload).encode()
        if resp.get_header("x-amz-crc32") is not None:
            resp.set_header("x-amz-crc32", _crc32(resp.body))
        return
    text = resp.body.decode("utf-8", "replace")
    # IAM pages say whether more follow (IsTruncated) besides the Marker
    text = re.sub(r"<IsTruncated>false</IsTruncated>", "<IsTruncated>true</IsTruncated>", text)
    resp.body = text.encode()
    esc = _xml_escape(token)
    for tag in XML_OUT_TOKENS:
        pat = re.compile(rf"<{tag}\s*/>|<{tag}>[^<]*</{tag}>")
        if pat.search(text):
            text = pat.sub(f"<{tag}>{esc}</{tag}>", text, count=1)
            resp.body = text.encode()
            return
    req_key, _ = call.request_token()
    if call.protocol == "ec2":
        tag = "nextToken"
        m = re.search(rf"<{re.escape(call.operation)}Response[^>]*>", text)
    else:
        if req_key in ("Marker", "NextToken"):
            tag = req_key
        elif call.param("MaxResults") is not None or call.operation == "DescribeServerlessCaches":
            tag = "NextToken"
        else:
            tag = "Marker"
        m = re.search(rf"<{re.escape(call.operation)}Result\s*>", text) or \
            re.search(rf"<{re.escape(call.operation)}Response[^>]*>", text)
    if m:
        text = text[:m.end()] + f"<{tag}>{esc}</{tag}>" + text[m.end():]
        resp.body = text.encode()


# ---------------------------------------------------------------------------------------------
# HTTP handler


class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault_proxy/1"
    timeout = 600  # idle keep-alive connections are dropped after this long
    state: State

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        log("%s - %s" % (self.address_string(), format % args))

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    # -- plumbing ------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise BadRequest("truncated chunked body")
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise BadRequest("bad chunk size")
                if size == 0:
                    while True:  # trailers
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise BadRequest("body too large")
                data = self.rfile.read(size)
                if len(data) != size:
                    raise BadRequest("truncated chunk")
                chunks.append(data)
                self.rfile.readline(3)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        try:
            n = int(cl.strip())
        except ValueError:
            raise BadRequest("bad Content-Length")
        if n < 0 or n > MAX_BODY:
            raise BadRequest("bad Content-Length")
        data = self.rfile.read(n) if n else b""
        if len(data) != n:
            raise BadRequest("body shorter than Content-Length")
        return data

    def _send(self, resp: Response, truncate_to: int | None = None) -> None:
        lines = [f"HTTP/1.1 {resp.status} {resp.reason}"]
        for k, v in resp.headers:
            if k.lower() in HOP_BY_HOP:
                continue
            lines.append(f"{k}: {v}")
        lines.append(f"Content-Length: {len(resp.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        body = b"" if self.command == "HEAD" else resp.body
        if truncate_to is not None:
            body = body[:truncate_to]
        self.wfile.write(head + body)
        self.wfile.flush()
        self._sent = True

    def _send_json(self, status: int, payload) -> None:
        body = json.dumps(payload).encode()
        self._send(Response(status, [("Content-Type", "application/json")], body))

    def _abort(self, mode: str = "rst") -> None:
        """Close the client connection without answering."""
        self.close_connection = True
        self._sent = True
        try:
            if mode == "rst":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.rfile.close()
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _dispatch(self) -> None:
        self._sent = False
        try:
            try:
                body = self._read_body()
            except BadRequest as exc:
                self.close_connection = True
                self._send(Response(400, [("Content-Type", "text/plain")], f"bad request: {exc}\n".encode()))
                return
            path = self.path.split("?", 1)[0]
            if path.startswith("/__proxy/") or path == "/__proxy":
                self._control(path, body)
            else:
                self._aws(body)
        except (ConnectionError, BrokenPipeError, ConnectionResetError, socket.timeout) as exc:
            log(f"connection problem: {exc!r}")
            self.close_connection = True
            if not self._sent:
                try:
                    self._send(html_response(502))
                except OSError:
                    pass
        except Exception:  # never let one request kill the server
            sys.stderr.write("[fault_proxy] internal error:\n" + traceback.format_exc())
            self.close_connection = True
            if not self._sent:
                try:
                    self._send(Response(500, [("Content-Type", "text/plain")], b"fault_proxy internal error\n"))
                except OSError:
                    pass

    # -- control API ---------------------------------------------------------------------
    def _control(self, path: str, body: bytes) -> None:
        st = self.state
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            self._send_json(400, {"error": f"invalid JSON: {exc}"})
            return
        ep = path[len("/__proxy/"):].strip("/")
        cmd = self.command
        try:
            if ep == "health":
                self._send_json(200, {"ok": True, "upstream": st.upstream})
            elif ep == "rules" and cmd == "GET":
                self._send_json(200, {"rules": st.public_rules()})
            elif ep == "rules" and cmd == "POST":
                rules = data if isinstance(data, list) else data.get("rules", [])
                append = isinstance(data, dict) and bool(data.get("append"))
                if not isinstance(rules, list):
                    raise ValueError("rules must be a list")
                n = st.set_rules(rules, append)
                self._send_json(200, {"ok": True, "rules": n})
            elif ep == "fixtures" and cmd == "GET":
                self._send_json(200, st.public_fixtures())
            elif ep == "fixtures" and cmd == "POST":
                specs = data.get("fixtures", [data]) if isinstance(data, dict) else data
                if not isinstance(specs, list):
                    raise ValueError("fixtures must be an object or a list of objects")
                for spec in specs:
                    if not isinstance(spec, dict):
                        raise ValueError("each fixture spec must be an object")
                    st.set_fixtures(spec)
                self._send_json(200, {"ok": True})
            elif ep == "latency" and cmd == "POST":
                ms = float(data.get("ms", 0))
                jitter = float(data.get("jitter_ms", 0))
                if ms < 0 or jitter < 0:
                    raise ValueError("latency must not be negative")
                with st.lock:
                    st.latency_ms, st.jitter_ms = ms, jitter
                self._send_json(200, {"ok": True, "ms": ms, "jitter_ms": jitter})
            elif ep == "latency" and cmd == "GET":
                self._send_json(200, {"ms": st.latency_ms, "jitter_ms": st.jitter_ms})
            elif ep == "accounts" and cmd == "POST":
                mapping = dict(data.get("map") or {})
                if data.get("access_key_id"):
                    mapping[str(data["access_key_id"])] = str(data.get("account") or DEFAULT_ACCOUNT)
                with st.lock:
                    st.key_accounts.update({str(k): str(v) for k, v in mapping.items()})
                self._send_json(200, {"ok": True, "accounts": len(st.key_accounts)})
            elif ep == "accounts" and cmd == "GET":
                with st.lock:
                    self._send_json(200, dict(st.key_accounts))
            elif ep == "calls" and cmd == "GET":
                with st.lock:
                    payload = {"calls": list(st.calls), "counts": dict(st.counts),
                               "total": st.total, "dropped": st.dropped}
                self._send_json(200, payload)
            elif ep == "reset" and cmd == "POST":
                what = data.get("what", RESET_WHAT) if isinstance(data, dict) else RESET_WHAT
                if isinstance(what, str):
                    what = [what]
                unknown = set(what) - set(RESET_WHAT)
                if unknown:
                    raise ValueError(f"cannot reset {sorted(unknown)}; known: {list(RESET_WHAT)}")
                st.reset(set(what))
                self._send_json(200, {"ok": True})
            else:
                self._send_json(404, {"error": f"no control endpoint {cmd} {path}"})
        except (ValueError, TypeError, AttributeError) as exc:
            self._send_json(400, {"error": str(exc)})

    # -- AWS calls -----------------------------------------------------------------------
    def _aws(self, body: bytes) -> None:
        st = self.state
        t0 = time.monotonic()
        call = Call(self.command, self.path, list(self.headers.items()), body)
        if call.path.startswith("/moto-api/reset"):
            st.reset({"accounts"})
        account = st.account_of(call) if call.is_aws else None
        rule = st.match_rule(call, account) if call.is_aws else None
        action = rule["action"] if rule else None

        def done(status, what):
            if call.is_aws:
                st.record(call, account, status, what, (time.monotonic() - t0) * 1000)

        if action in ("throttle", "status500", "access_denied", "error"):
            resp = fault_error(call, rule)
            self._send(resp)
            done(resp.status, action)
            return
        if action == "html":
            resp = html_response(int(rule.get("status") or 502))
            self._send(resp)
            done(resp.status, action)
            return
        if action == "reset":
            done("reset", action)
            self._abort(str(rule.get("mode") or "rst"))
            return
        if action == "hang":
            time.sleep(float(rule.get("ms", 30000)) / 1000.0)
            done("hang", action)
            self._abort("close")
            return
        if action == "delay":
            time.sleep(float(rule.get("ms", 1000)) / 1000.0)

        page_offset = 0
        if call.is_aws:
            with st.lock:
                lat, jit = st.latency_ms, st.jitter_ms
            if lat or jit:
                time.sleep(max(0.0, lat + (random.uniform(-jit, jit) if jit else 0.0)) / 1000.0)
            tok_key, tok = call.request_token()
            if tok == LOOP_TOKEN and tok_key:
                call.strip_token(tok_key)
            if action == "pages" and tok and tok_key and tok.startswith(PAGE_TOKEN):
                page_offset = int(tok[len(PAGE_TOKEN):])
                call.strip_token(tok_key)
        else:
            tok_key, tok = None, None

        kind = FIXTURE_OPS.get(((call.service or "").lower(), call.operation.lower())) if call.is_aws else None
        if kind:
            resp = answer_fixture(st, call, kind, account or DEFAULT_ACCOUNT)
            source = "fixture"
        else:
            try:
                resp = st.forward(call)
            except ConnectionError as exc:  # moto is down or broke the connection: a gateway error
                log(str(exc))
                resp = html_response(502)
                self._send(resp)
                done(502, "upstream_error")
                return
            source = "forward"
            if call.is_aws:
                st.learn_from_assume_role(call, resp)

        if action == "repeat_token":
            rewrite_token(call, resp, tok if tok else LOOP_TOKEN)
        if action == "pages":
            paginate_response(call, resp, rule, page_offset)
        if action == "truncate":
            self.close_connection = True
            self._send(resp, truncate_to=len(resp.body) // 2)
            done(resp.status, action)
            hang = float(rule.get("hang_ms", 0))
            if hang:
                time.sleep(hang / 1000.0)
            self._abort("close")
            return
        self._send(resp)
        done(resp.status, action or source)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        log(f"error with {client_address}: {sys.exc_info()[1]!r}")


def make_server(upstream: str, host: str = "127.0.0.1", port: int = 0) -> tuple[Server, State]:
    state = State(upstream.rstrip("/"))
    handler = type("BoundHandler", (Handler,), {"state": state})
    return Server((host, port), handler), state


def main(argv=None) -> int:
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("upstream_pos", nargs="?", metavar="UPSTREAM", help="moto URL, e.g. http://127.0.0.1:5000")
    ap.add_argument("--upstream", help="moto URL (alternative to the positional argument)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--self-test", action="store_true", help="run tests/live/proxy_test.py (starts its own moto)")
    args = ap.parse_args(argv)
    if args.self_test:
        import unittest
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        suite = unittest.defaultTestLoader.loadTestsFromName("proxy_test")
        result = unittest.TextTestRunner(verbosity=2).run(suite)
        return 0 if result.wasSuccessful() else 1
    upstream = args.upstream or args.upstream_pos
    if not upstream:
        ap.error("UPSTREAM is required")
    VERBOSE = args.verbose
    server, _state = make_server(upstream, args.host, args.port)
    print(f"PORT {server.server_address[1]}", flush=True)
    import signal

    def _stop(_sig, _frm):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
