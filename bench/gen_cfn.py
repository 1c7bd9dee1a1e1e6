#!/usr/bin/env python3
"""Generates a large, deterministic corpus of CloudFormation templates for benchmarking `atrest scan`.

    python3 bench/gen_cfn.py --templates N --out DIR [--seed S] [--manifest PATH]

The same arguments always give the same bytes. About 70 % of the templates are YAML written by
hand (short-form tags: !Ref, !GetAtt, !Sub, !If, !Equals, !FindInMap, !Select, !GetAZs,
!ImportValue, some long forms), a fifth of those SAM applications (Transform
AWS::Serverless-2016-10-31); about 30 % are JSON, most of them in the shape `cdk synth` writes
(1-space indent, aws:cdk:path metadata, a CDKMetadata resource, the BootstrapVersion parameter
and rule) and the rest hand-written JSON (`.json` or legacy `.template`).

Each template has 5-60 resources (median ~15; about 1 in 150 is a monolith of ~150-250): the
types atrest reads (DAX clusters and subnet groups, DynamoDB tables and global tables,
ElastiCache replication groups, cache clusters and serverless caches, KMS keys and aliases, SAM
simple tables) among the usual others (IAM roles and policies, Lambda functions with inline
code, SQS, SNS, S3, security groups, log groups, alarms, secrets). Parameters with and without
defaults, Conditions and Mappings decide many of the checked values, so every check that reads
templates sees passing, failing and unknown inputs. Every template passes cfn-lint 1.51 without
errors or warnings (checked on samples; see bench/README.md). Layout, one directory per team and service:

    <team>/<service>/<env>/<stack>.yaml|.yml                 hand-written YAML (+ some <stack>.params.json)
    <team>/<service>/[<function>/]template.yaml              SAM
    <team>/<service>/cdk.out/<Stack>.template.json           CDK (+ cdk.out/manifest.json)
    <team>/<service>/cfn/<env>/<stack>.json|.template        hand-written JSON

The parameter files and CDK manifests are not templates; they are there because real
repositories have them and a scanner must skip them. Each template comes from its own seeded
random stream, so memory stays flat however large the corpus.
"""

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time

# ---------------------------------------------------------------------------------------------
# Intrinsic functions and block text, written as short-form tags in YAML and as {"Fn::X": ...}
# in JSON.


class Fn:
    __slots__ = ("name", "arg")

    def __init__(self, name, arg):
        self.name = name  # "Ref", "Condition", or the part after "Fn::"
        self.arg = arg


class Literal:
    """Multi-line text: a `|` block in YAML, a plain string in JSON."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def Ref(name): return Fn("Ref", name)
def GetAtt(res, attr): return Fn("GetAtt", f"{res}.{attr}")
def Sub(text, variables=None): return Fn("Sub", text if variables is None else [text, variables])
def If(cond, a, b): return Fn("If", [cond, a, b])
def Equals(a, b): return Fn("Equals", [a, b])
def Not(c): return Fn("Not", [c])
def And(*cs): return Fn("And", list(cs))
def Or(*cs): return Fn("Or", list(cs))
def Cond(name): return Fn("Condition", name)
def FindInMap(m, k1, k2): return Fn("FindInMap", [m, k1, k2])
def Select(i, lst): return Fn("Select", [i, lst])
def GetAZs(region=""): return Fn("GetAZs", region)
def ImportValue(v): return Fn("ImportValue", v)
def Join(delim, items): return Fn("Join", [delim, items])


NO_VALUE = Ref("AWS::NoValue")


def jsonify(v):
    t = type(v)
    if t is dict:
        return {k: jsonify(x) for k, x in v.items()}
    if t is list:
        return [jsonify(x) for x in v]
    if t is Fn:
        if v.name in ("Ref", "Condition"):
            return {v.name: v.arg}
        if v.name == "GetAtt":
            res, attr = v.arg.split(".", 1)
            return {"Fn::GetAtt": [res, attr]}
        return {"Fn::" + v.name: jsonify(v.arg)}
    if t is Literal:
        return v.text
    return v


# ---------------------------------------------------------------------------------------------
# A small YAML writer: block style, flow lists for short scalar lists and tag arguments, quoting
# only where YAML 1.1 (libyaml, PyYAML) would read a plain scalar as something else.

YAML_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ""}
PLAIN_START = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/$(")
FLOW_UNSAFE = set(",[]{}:#&*!|>'\"%@`")


class YamlWriter:
    def __init__(self, r, quote="'", longform=0.0, flow_scalars=True):
        self.r = r
        self.quote_char = quote
        self.longform = longform        # share of GetAtt/Join/Select/... written as Fn::X: maps
        self.flow_scalars = flow_scalars  # short scalar lists as [a, b] rather than - a
        self.long_cache = {}

    def quote(self, s, flow):
        if (s and s.lower() not in YAML_RESERVED and s[0] in PLAIN_START and s.isprintable()
                and s == s.strip() and ": " not in s and " #" not in s and not s.endswith(":")
                and not (flow and any(c in FLOW_UNSAFE for c in s))):
            return s
        if self.quote_char == "'" and s.isprintable():
            return "'" + s.replace("'", "''") + "'"
        return json.dumps(s, ensure_ascii=False)

    def key(self, k):
        return self.quote(k, False)

    def is_long(self, v):
        """Long form (a one-entry map) where a tag cannot be used (an intrinsic's argument that
        is itself a tag), or by the template's habit."""
        got = self.long_cache.get(id(v))
        if got is None:
            a = v.arg
            got = type(a) is Fn or (type(a) is list and v.name == "GetAZs")
            if not got and self.longform and v.name in ("GetAtt", "Join", "Select", "FindInMap", "If", "Sub"):
                got = self.r.random() < self.longform
            self.long_cache[id(v)] = got
        return got

    def long_entry(self, v):
        if v.name in ("Ref", "Condition"):
            return v.name, v.arg
        if v.name == "GetAtt":
            return "Fn::GetAtt", v.arg.split(".", 1)
        return "Fn::" + v.name, v.arg

    def inline(self, v, flow):
        t = type(v)
        if t is str:
            return self.quote(v, flow)
        if t is bool:
            return "true" if v else "false"
        if t is int:
            return str(v)
        if t is Fn:
            if self.is_long(v):
                return None
            a = v.arg
            if type(a) is str or type(a) is int:
                return f"!{v.name} {self.inline(a, flow)}"
            if type(a) is list:
                s = self.flow_list(a)
                return None if s is None else f"!{v.name} {s}"
            return None
        if t is list:
            if not v:
                return "[]"
            if flow or (self.flow_scalars and len(v) <= 6 and all(type(x) in (str, int) for x in v)):
                return self.flow_list(v)
            return None
        if t is dict:
            return None if v else "{}"
        return None  # Literal

    def flow_list(self, items):
        parts = []
        for it in items:
            s = self.inline(it, True)
            if s is None:
                return None
            parts.append(s)
        s = "[" + ", ".join(parts) + "]"
        return s if len(s) <= 96 else None

    def literal(self, text, ind):
        head = "|" if text.endswith("\n") else "|-"
        pad = " " * ind
        return head, [pad + line if line else "" for line in text.rstrip("\n").split("\n")]

    def block(self, v, ind):
        """(text after `key:` or `-`, lines below it) for a value that is not written inline."""
        t = type(v)
        if t is dict:
            return "", self.map_lines(v, ind)
        if t is list:
            return "", self.seq_lines(v, ind)
        if t is Literal:
            head, lines = self.literal(v.text, ind)
            return " " + head, lines
        if t is Fn:
            if self.is_long(v):
                k, a = self.long_entry(v)
                return "", self.entry(k, a, ind, True)
            a = v.arg
            if type(a) is list:
                return f" !{v.name}", self.seq_lines(a, ind)
            if type(a) is Literal:
                head, lines = self.literal(a.text, ind)
                return f" !{v.name} {head}", lines
            if type(a) is dict:
                return f" !{v.name}", self.map_lines(a, ind)
        raise TypeError(f"cannot write {v!r}")

    def entry(self, k, v, ind, flow_args=False):
        key = " " * ind + self.key(k) + ":"
        s = self.flow_list(v) if flow_args and type(v) is list else None
        if s is None:
            s = self.inline(v, False)
        if s is not None:
            return [key + " " + s]
        head, body = self.block(v, ind + 2)
        return [key + head] + body

    def map_lines(self, d, ind):
        lines = []
        for k, v in d.items():
            lines.extend(self.entry(k, v, ind))
        return lines

    def seq_lines(self, items, ind):
        pad = " " * ind
        lines = []
        for it in items:
            s = self.inline(it, False)
            if s is not None:
                lines.append(pad + "- " + s)
                continue
            head, body = self.block(it, ind + 2)
            if head == "" and body:
                body[0] = pad + "- " + body[0][ind + 2:]
                lines.extend(body)
            else:
                lines.append(pad + "-" + head)
                lines.extend(body)
        return lines


# ---------------------------------------------------------------------------------------------
# Vocabulary.

TEAMS = ["payments", "platform", "growth", "data", "identity", "checkout", "logistics", "risk",
         "search", "messaging", "catalog", "support"]
SERVICES = ["orders", "payments", "sessions", "catalog", "inventory", "ledger", "profiles", "carts",
            "pricing", "search", "notifications", "billing", "shipments", "reviews", "loyalty",
            "fraud", "audit", "identity", "reporting", "recommendations", "quotes", "returns",
            "subscriptions", "wallet", "promotions", "webhooks", "exports", "ratings"]
SUFFIXES = ["api", "service", "worker", "store", "sync", "gateway", "processor", "backend"]
ENTITIES = ["orders", "order-items", "customers", "sessions", "carts", "events", "idempotency-keys",
            "locks", "tokens", "accounts", "invoices", "refunds", "audit-log", "feature-flags",
            "rate-limits", "leaderboard", "connections", "jobs", "checkpoints", "devices", "quotes",
            "payouts", "balances", "webhook-deliveries", "exports", "snapshots"]
ENVS = ["dev", "staging", "prod"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"]
ACCOUNTS = ["123456789012", "210987654321", "345678901234", "456789012345", "567890123456"]

DAX_NODE_TYPES = ["dax.t3.small", "dax.t3.medium", "dax.r5.large", "dax.r5.xlarge", "dax.r7i.large"]
CACHE_NODE_TYPES = ["cache.t4g.small", "cache.t4g.medium", "cache.m7g.large", "cache.r7g.large",
                    "cache.r7g.xlarge", "cache.r6g.large"]
REDIS_VERSIONS = ["6.2", "7.0", "7.1"]
VALKEY_VERSIONS = ["7.2", "8.0"]


def pascal(s):
    return "".join(p[:1].upper() + p[1:] for p in s.replace("_", "-").split("-") if p)


class Rand(random.Random):
    def pick(self, weighted):
        """weighted: [(value, weight), ...]"""
        return self.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def chance(self, p):
        return self.random() < p

    def hexstr(self, n, upper=False):
        s = "".join(self.choice("0123456789abcdef") for _ in range(n))
        return s.upper() if upper else s

    def uuid(self):
        h = self.hexstr(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


# ---------------------------------------------------------------------------------------------
# A template being built. The style decides how intrinsic-heavy it is: hand-written templates
# take parameters and conditions; CDK output has the environment baked in and joins strings.

# Logical ids the SAM transform derives from a function's (its role, its events' resources).
SAM_GENERATED = ["Role", "Nightly", "NightlyPermission", "Queue", "GetPermissionProd"]


class Template:
    def __init__(self, r, style, team, service, stack, env, region, account):
        self.r = r
        self.style = style          # "yaml", "sam", "json", "cdk"
        self.cdk = style == "cdk"
        self.team, self.service, self.stack, self.env = team, service, stack, env
        self.region, self.account = region, account
        self.params = {}
        self.mappings = {}
        self.conditions = {}
        self.resources = {}
        self.outputs = {}
        self.comments = {}
        self.reserved = set()       # ids the SAM transform will create
        self.globals = None
        self.types = {}
        self.cache = {}             # shared resources of this template (a key, a subnet group, ...)
        self.variants = {}          # which checked-value variants were written (for the manifest)
        self.cdk_stack = pascal(service) + pascal(stack) + pascal(env)

    # --- names -------------------------------------------------------------------------------
    def lid(self, base, sam_function=False):
        """A logical id not yet used. SAM functions also need the ids the transform will derive
        from theirs to be free (and reserve them)."""
        if self.cdk:
            while True:
                lid = base + self.r.hexstr(8, upper=True)
                if lid not in self.resources:
                    return lid
        lid, n = base, 1
        while (lid in self.resources or lid in self.params or lid in self.conditions or lid in self.reserved
               or (sam_function and any(lid + s in self.resources for s in SAM_GENERATED))):
            n += 1
            lid = f"{base}{n}"
        return lid

    def add(self, base, rtype, props, condition=None, retain=False, comment=None, cdk_path=None,
            depends=None):
        sam_function = rtype == "AWS::Serverless::Function"
        lid = self.lid(base, sam_function)
        if sam_function:
            self.reserved.update(lid + s for s in SAM_GENERATED)
        res = {"Type": rtype}
        if condition:
            res["Condition"] = condition
        if depends:
            res["DependsOn"] = depends
        if props is not None:
            res["Properties"] = dict(sorted(props.items())) if self.cdk else props
        if retain:
            res["DeletionPolicy"] = "Retain"
            res["UpdateReplacePolicy"] = "Retain"
        if self.cdk:
            if retain:  # CDK writes the policies after the properties, replace policy first
                res.pop("DeletionPolicy")
                res["DeletionPolicy"] = "Retain"
            res["Metadata"] = {"aws:cdk:path": f"{self.cdk_stack}/{cdk_path or base}/Resource"}
        self.resources[lid] = res
        if comment and not self.cdk and self.r.chance(0.5):
            self.comments[lid] = comment
        self.types[rtype] = self.types.get(rtype, 0) + 1
        return lid

    def note(self, what, variant):
        d = self.variants.setdefault(what, {})
        d[variant] = d.get(variant, 0) + 1

    # --- parameters, conditions, mappings ------------------------------------------------------
    def param(self, name):
        if name not in self.params:
            self.params[name] = PARAMETERS[name](self)
        return Ref(name)

    def env_value(self):
        """The environment: a parameter, or (CDK) the literal the stack was synthesised for."""
        return self.env if self.cdk else self.param("Env")

    def condition(self, name):
        if name not in self.conditions:
            self.conditions[name] = CONDITIONS[name](self)
        return name

    def if_cond(self, name, a, b):
        """Fn::If in hand-written templates; CDK decides at synth time."""
        if self.cdk:
            return a if CDK_TRUTH[name](self) else b
        return If(self.condition(name), a, b)

    def mapping(self, name):
        if name not in self.mappings:
            self.mappings[name] = MAPPINGS[name](self)
        return name

    def find(self, mapping, key2):
        if self.cdk:
            return MAPPINGS[mapping](self)[self.env][key2]
        return FindInMap(self.mapping(mapping), self.param("Env"), key2)

    def sub(self, text):
        """Fn::Sub, or the Fn::Join CDK writes for the same string."""
        if not self.cdk:
            return Sub(text)
        parts, i = [], 0
        while True:
            j = text.find("${", i)
            if j < 0:
                break
            k = text.index("}", j)
            if j > i:
                parts.append(text[i:j])
            name = text[j + 2:k]
            if "." in name and not name.startswith("AWS::"):
                res, attr = name.split(".", 1)
                parts.append(GetAtt(res, attr))
            else:
                parts.append(Ref(name))
            i = k + 1
        if i < len(text):
            parts.append(text[i:])
        return Join("", parts)

    def unique(self, name):
        """A physical name not yet used in this template (CloudFormation needs them distinct)."""
        used = self.cache.setdefault("names", set())
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        return name

    def stack_name(self, suffix):
        """A physical name derived from the stack, as a hand-written template spells it."""
        suffix = self.unique(suffix)
        if self.cdk:
            return f"{self.service}-{suffix}-{self.env}"
        how = self.r.pick([("stack", 5), ("env", 4), ("literal", 1)])
        if how == "env":
            self.param("Env")
            return Sub(f"{self.service}-{suffix}-${{Env}}")
        if how == "literal":
            return f"{self.service}-{suffix}"
        return Sub(f"${{AWS::StackName}}-{suffix}")

    def tags(self, as_map=False):
        env = self.env_value()
        pairs = [("team", self.team), ("service", self.service), ("environment", env)]
        if self.r.chance(0.3):
            pairs.append(("cost-center", f"cc-{self.r.randrange(1000, 9999)}"))
        if as_map:
            return {k: v for k, v in pairs}
        return [{"Key": k, "Value": v} for k, v in pairs]

    def output(self, name, value, description, export=True, condition=None):
        if self.r.chance(0.35) and not self.cdk:
            return
        out = {}
        if condition:
            out["Condition"] = condition
        if description and not self.cdk:
            out["Description"] = description
        out["Value"] = value
        if export:
            out["Export"] = {"Name": f"{self.cdk_stack}:ExportsOutput{name}" if self.cdk
                             else Sub(f"${{AWS::StackName}}-{name}")}
        base, n = name, 1
        while name in self.outputs:
            n += 1
            name = f"{base}{n}"
        self.outputs[name] = out

    def arn(self, service, resource):
        """arn:${AWS::Partition}:service:${AWS::Region}:${AWS::AccountId}:resource"""
        return self.sub(f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}")


def _env_param(t):
    spec = {"Type": "String", "AllowedValues": ["dev", "staging", "prod"]}
    default = t.r.pick([(t.env, 70), (None, 18), ("prod", 6), ("dev", 6)])
    if default is not None:
        spec["Default"] = default
    spec["Description"] = "Deployment environment"
    return spec


def _encrypt_param(t):
    spec = {"Type": "String", "AllowedValues": ["true", "false"]}
    default = t.r.pick([("true", 60), ("false", 25), (None, 15)])
    if default is not None:
        spec["Default"] = default
    spec["Description"] = "Encrypt data at rest (cannot be changed after creation)"
    return spec


def _kms_param(t):
    spec = {"Type": "String", "Description": "ARN of the customer managed key from the security stack"}
    if t.r.chance(0.35):
        spec["Default"] = f"arn:aws:kms:{t.region}:{t.account}:key/{t.r.uuid()}"
    return spec


PARAMETERS = {
    "Env": _env_param,
    "VpcId": lambda t: {"Type": "AWS::EC2::VPC::Id", "Description": "VPC of the application tier"},
    "PrivateSubnetIds": lambda t: {"Type": "List<AWS::EC2::Subnet::Id>",
                                   "Description": "Private subnets, one per Availability Zone"},
    "AppSecurityGroupId": lambda t: {"Type": "AWS::EC2::SecurityGroup::Id",
                                     "Description": "Security group of the application instances"},
    "EncryptAtRest": _encrypt_param,
    "KmsKeyArn": _kms_param,
    "SecurityStack": lambda t: {"Type": "String", "Default": t.r.choice(["security-baseline", "shared-kms", "core-security"]),
                                "Description": "Name of the stack that exports the shared keys"},
    "AlarmEmail": lambda t: {"Type": "String", "Default": "",
                             "Description": "Where alarms are sent; empty for none"},
    "LogRetentionDays": lambda t: {"Type": "Number", "Default": t.r.choice([14, 30, 90]),
                                   "AllowedValues": [7, 14, 30, 90, 365]},
    "CacheNodeType": lambda t: {"Type": "String", "Default": t.r.choice(CACHE_NODE_TYPES),
                                "AllowedValues": CACHE_NODE_TYPES},
    "DaxNodeType": lambda t: {"Type": "String", "Default": t.r.choice(DAX_NODE_TYPES[1:]),
                              "AllowedValues": DAX_NODE_TYPES},
    "BootstrapVersion": lambda t: {
        "Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version",
        "Description": "Version of the CDK Bootstrap resources in this environment, automatically retrieved "
                       "from SSM Parameter Store. [cdk:skip]"},
}


def _is_prod(t):
    return Equals(t.param("Env"), "prod")


CONDITIONS = {
    "IsProd": _is_prod,
    "IsNotDev": lambda t: Not(Equals(t.param("Env"), "dev")),
    "EncryptionEnabled": lambda t: Equals(t.param("EncryptAtRest"), "true"),
    "HasAlarmEmail": lambda t: Not(Equals(t.param("AlarmEmail"), "")),
    "IsPrimaryRegion": lambda t: Equals(Ref("AWS::Region"), "us-east-1"),
    "IsProdPrimary": lambda t: And(Cond(t.condition("IsProd")), Cond(t.condition("IsPrimaryRegion"))),
}

CDK_TRUTH = {
    "IsProd": lambda t: t.env == "prod",
    "IsNotDev": lambda t: t.env != "dev",
    "EncryptionEnabled": lambda t: t.env != "dev",
    "HasAlarmEmail": lambda t: t.env == "prod",
    "IsPrimaryRegion": lambda t: t.region == "us-east-1",
    "IsProdPrimary": lambda t: t.env == "prod" and t.region == "us-east-1",
}


def _env_config(t):
    return {
        "dev": {"DaxNodes": 1, "DaxNodeType": "dax.t3.small", "CacheNodeType": "cache.t4g.small",
                "CacheReplicas": 1, "Encrypt": "false", "LogRetention": 7},
        "staging": {"DaxNodes": 3, "DaxNodeType": "dax.t3.medium", "CacheNodeType": "cache.t4g.medium",
                    "CacheReplicas": 2, "Encrypt": "true", "LogRetention": 14},
        "prod": {"DaxNodes": 3, "DaxNodeType": "dax.r5.large", "CacheNodeType": "cache.r7g.large",
                 "CacheReplicas": 3, "Encrypt": "true", "LogRetention": 90},
    }


def _region_config(t):
    return {
        "us-east-1": {"ReplicaRegion": "us-west-2", "AlarmNamespace": "Prod/East"},
        "us-west-2": {"ReplicaRegion": "us-east-1", "AlarmNamespace": "Prod/West"},
        "eu-west-1": {"ReplicaRegion": "eu-central-1", "AlarmNamespace": "Prod/EU"},
        "eu-central-1": {"ReplicaRegion": "eu-west-1", "AlarmNamespace": "Prod/EU"},
    }


MAPPINGS = {"EnvConfig": _env_config, "RegionConfig": _region_config}


# ---------------------------------------------------------------------------------------------
# Inline Lambda code, kept under the 4 KiB ZipFile limit.

PY_HANDLERS = [
    '''import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["{var}"])


def handler(event, context):
    records = event.get("Records", [])
    written = 0
    for record in records:
        body = json.loads(record["body"])
        TABLE.put_item(Item={{"pk": body["id"], "sk": body.get("kind", "{entity}"), "payload": record["body"]}})
        written += 1
    return {{"written": written}}
''',
    '''import os
import time

import boto3

dynamodb = boto3.client("dynamodb")
TTL_SECONDS = int(os.environ.get("TTL_SECONDS", "3600"))


def handler(event, context):
    """Expires stale {entity} entries that missed their TTL."""
    now = int(time.time())
    paginator = dynamodb.get_paginator("scan")
    removed = 0
    for page in paginator.paginate(TableName=os.environ["{var}"], ProjectionExpression="pk, expires_at"):
        for item in page.get("Items", []):
            if int(item.get("expires_at", {{"N": "0"}})["N"]) + TTL_SECONDS < now:
                dynamodb.delete_item(TableName=os.environ["{var}"], Key={{"pk": item["pk"]}})
                removed += 1
    print(f"removed {{removed}} stale {entity} entries")
    return {{"removed": removed}}
''',
    '''import json
import logging
import os

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def handler(event, context):
    logger.info("received %d records", len(event.get("Records", [])))
    for record in event.get("Records", []):
        message = json.loads(record["Sns"]["Message"]) if "Sns" in record else record
        logger.info("{entity} event: %s", json.dumps(message)[:512])
    return {{"statusCode": 200, "body": json.dumps({{"ok": True}})}}
''',
    '''import json
import os
import urllib.request


def handler(event, context):
    url = os.environ["ENDPOINT"]
    payload = json.dumps({{"source": "{entity}", "detail": event}}).encode()
    request = urllib.request.Request(url, data=payload, headers={{"Content-Type": "application/json"}})
    with urllib.request.urlopen(request, timeout=5) as response:
        return {{"status": response.status}}
''',
]

NODE_HANDLERS = [
    '''const {{ DynamoDBClient, GetItemCommand }} = require("@aws-sdk/client-dynamodb");

const client = new DynamoDBClient({{}});

exports.handler = async (event) => {{
  const id = event.pathParameters && event.pathParameters.id;
  if (!id) {{
    return {{ statusCode: 400, body: JSON.stringify({{ message: "missing id" }}) }};
  }}
  const result = await client.send(new GetItemCommand({{
    TableName: process.env.{var},
    Key: {{ pk: {{ S: id }} }},
  }}));
  if (!result.Item) {{
    return {{ statusCode: 404, body: JSON.stringify({{ message: "{entity} not found" }}) }};
  }}
  return {{ statusCode: 200, body: JSON.stringify(result.Item) }};
}};
''',
    '''exports.handler = async (event) => {{
  const records = event.Records || [];
  for (const record of records) {{
    const body = JSON.parse(record.body);
    console.log(JSON.stringify({{ level: "info", msg: "{entity} received", id: body.id }}));
  }}
  return {{ batchItemFailures: [] }};
}};
''',
]


def lambda_code(t, var, entity, has_table):
    """(runtime, code); code that reads a table only when the function is given one."""
    if t.r.chance(0.7):
        code = t.r.choice(PY_HANDLERS if has_table else PY_HANDLERS[2:])
        return t.r.choice(["python3.12", "python3.12", "python3.13"]), code.format(var=var, entity=entity)
    code = t.r.choice(NODE_HANDLERS if has_table else NODE_HANDLERS[1:])
    return t.r.choice(["nodejs22.x", "nodejs24.x"]), code.format(var=var, entity=entity)


# ---------------------------------------------------------------------------------------------
# Bundles: a few resources that belong together. Each returns the logical id of its main one.

def assume_role(service):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": f"{service}.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]}


def managed_policy(t, name):
    return t.sub(f"arn:${{AWS::Partition}}:iam::aws:policy/{name}")


def security_group(t, base, description, port):
    props = {"GroupDescription": description, "VpcId": t.param("VpcId") if not t.cdk else f"vpc-{t.r.hexstr(17)}"}
    rule = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if not t.cdk and t.r.chance(0.6):
        rule["SourceSecurityGroupId"] = t.param("AppSecurityGroupId")
    else:
        rule["CidrIp"] = t.r.choice(["10.0.0.0/16", "10.20.0.0/16", "172.16.0.0/12"])
    rule["Description"] = f"{description.split(',')[0]} from the application tier"
    props["SecurityGroupIngress"] = [rule]
    if t.r.chance(0.3):
        props["Tags"] = t.tags()
    return t.add(base, "AWS::EC2::SecurityGroup", props, comment=f"{base}: network access")


def subnet_ids(t):
    if t.cdk:
        return [f"subnet-{t.r.hexstr(17)}" for _ in range(3)]
    return t.param("PrivateSubnetIds")


def kms_key(t, purpose="data"):
    """A customer managed key with an alias; reused within the template."""
    if purpose in t.cache:
        return t.cache[purpose]
    r = t.r
    statements = [{"Sid": "EnableRootAccountAdministration", "Effect": "Allow",
                   "Principal": {"AWS": t.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                   "Action": "kms:*", "Resource": "*"}]
    if r.chance(0.6):
        statements.append({"Sid": "AllowUseThroughDynamoDB", "Effect": "Allow",
                           "Principal": {"AWS": "*"},
                           "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                      "kms:CreateGrant", "kms:DescribeKey"],
                           "Resource": "*",
                           "Condition": {"StringEquals": {"kms:ViaService": t.sub("dynamodb.${AWS::Region}.amazonaws.com"),
                                                          "kms:CallerAccount": t.sub("${AWS::AccountId}")}}})
    props = {"Description": f"Customer managed key for {t.service} {purpose}"}
    rotation = r.pick([(True, 70), (False, 12), (None, 18)])
    if rotation is not None:
        props["EnableKeyRotation"] = rotation
    t.note("kms_rotation", {True: "on", False: "off", None: "absent"}[rotation])
    if r.chance(0.04):
        props["Enabled"] = False
        t.note("kms_state", "disabled")
    else:
        t.note("kms_state", "enabled")
    if r.chance(0.3):
        props["PendingWindowInDays"] = r.choice([7, 14, 30])
    props["KeyPolicy"] = {"Version": "2012-10-17", "Statement": statements}
    if r.chance(0.4):
        props["Tags"] = t.tags()
    key = t.add(pascal(purpose) + "Key", "AWS::KMS::Key", props, retain=r.chance(0.6),
                comment="Customer managed key", cdk_path=pascal(purpose) + "Key")
    alias = None
    if r.chance(0.8):
        name = (f"alias/{t.service}-{purpose}-{t.env}" if t.cdk or r.chance(0.3)
                else Sub(f"alias/{t.service}-{purpose}-${{Env}}") if "Env" in t.params
                else Sub(f"alias/${{AWS::StackName}}-{purpose}"))
        alias = t.add(pascal(purpose) + "KeyAlias", "AWS::KMS::Alias",
                      {"AliasName": name, "TargetKeyId": Ref(key)}, cdk_path=pascal(purpose) + "Key/Alias")
        t.cache[purpose + "-alias"] = alias
    t.output(pascal(purpose) + "KeyArn", GetAtt(key, "Arn"), f"ARN of the {purpose} key")
    t.cache[purpose] = key
    return key


def table_sse(t, allow_key=True):
    """SSESpecification of a table, and the variant name."""
    r = t.r
    if t.cdk:
        v = r.pick([("absent", 35), ("aws-managed", 25), ("cmk-getatt", 40 if allow_key else 0)])
    else:
        v = r.pick([("absent", 26), ("false", 3), ("aws-managed", 14), ("cmk-ref", 16), ("cmk-getatt", 8),
                    ("cmk-alias-ref", 4), ("alias-literal", 4), ("aws-alias", 3), ("importvalue", 6),
                    ("param-no-default", 4), ("arn-literal", 3), ("if-prod", 6), ("if-encrypt", 3)])
        if not allow_key and v in ("cmk-ref", "cmk-getatt", "cmk-alias-ref"):
            v = "aws-managed"
    t.note("table_sse", v)
    kms = {"SSEEnabled": True, "SSEType": "KMS"}
    if v == "absent":
        return None
    if v == "false":
        return {"SSEEnabled": False}
    if v == "aws-managed":
        return {"SSEEnabled": True}
    if v == "cmk-ref":
        return dict(kms, KMSMasterKeyId=Ref(kms_key(t)))
    if v == "cmk-getatt":
        return dict(kms, KMSMasterKeyId=GetAtt(kms_key(t), "Arn"))
    if v == "cmk-alias-ref":
        kms_key(t)
        alias = t.cache.get("data-alias")
        return dict(kms, KMSMasterKeyId=Ref(alias) if alias else GetAtt(t.cache["data"], "Arn"))
    if v == "alias-literal":
        return dict(kms, KMSMasterKeyId=f"alias/{t.team}-{r.choice(['data', 'shared', 'pii'])}")
    if v == "aws-alias":
        return dict(kms, KMSMasterKeyId="alias/aws/dynamodb")
    if v == "importvalue":
        if r.chance(0.5):
            t.param("SecurityStack")
            return dict(kms, KMSMasterKeyId=ImportValue(Sub("${SecurityStack}-DataKeyArn")))
        return dict(kms, KMSMasterKeyId=ImportValue(f"{t.team}-security-DataKeyArn"))
    if v == "param-no-default":
        return dict(kms, KMSMasterKeyId=t.param("KmsKeyArn"))
    if v == "arn-literal":
        return dict(kms, KMSMasterKeyId=f"arn:aws:kms:{t.region}:{t.account}:key/{r.uuid()}")
    if v == "if-prod":
        return t.if_cond("IsProd", dict(kms, KMSMasterKeyId=GetAtt(kms_key(t), "Arn")) if allow_key
                         else {"SSEEnabled": True}, NO_VALUE)
    if v == "if-encrypt":
        return {"SSEEnabled": t.if_cond("EncryptionEnabled", True, False)}
    raise AssertionError(v)


def key_schema(r, entity):
    pk = r.choice(["pk", "id", f"{entity.split('-')[0].rstrip('s')}Id", "PK"])
    attrs = [{"AttributeName": pk, "AttributeType": "S"}]
    schema = [{"AttributeName": pk, "KeyType": "HASH"}]
    if r.chance(0.6):
        sk = r.choice(["sk", "createdAt", "SK", "version", "timestamp"])
        attrs.append({"AttributeName": sk, "AttributeType": r.choice(["S", "S", "N"])})
        schema.append({"AttributeName": sk, "KeyType": "RANGE"})
    return pk, attrs, schema


def dynamodb_table(t, entity=None, allow_key=True):
    r = t.r
    entity = entity or r.choice(ENTITIES)
    pk, attrs, schema = key_schema(r, entity)
    props = {}
    if r.chance(0.6):
        props["TableName"] = t.stack_name(entity)
    gsis = []
    if r.chance(0.35):
        names = [x for x in ["gsi1pk", "status", "customerId", "email"] if all(a["AttributeName"] != x for a in attrs)]
        for g in r.sample(names, r.choice([1, 1, 2])):
            attrs.append({"AttributeName": g, "AttributeType": "S"})
            idx = {"IndexName": f"by-{g.lower()}", "KeySchema": [{"AttributeName": g, "KeyType": "HASH"}],
                   "Projection": {"ProjectionType": r.choice(["ALL", "KEYS_ONLY"])}}
            gsis.append(idx)
    props["AttributeDefinitions"] = attrs
    props["KeySchema"] = schema
    provisioned = r.chance(0.25)
    if provisioned:
        props["BillingMode"] = "PROVISIONED"
        props["ProvisionedThroughput"] = {"ReadCapacityUnits": r.choice([5, 10, 25]),
                                          "WriteCapacityUnits": r.choice([5, 10, 25])}
        for g in gsis:
            g["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    else:
        props["BillingMode"] = "PAY_PER_REQUEST"
    if gsis:
        props["GlobalSecondaryIndexes"] = gsis
    pitr = r.pick([("on", 50), ("off", 10), ("absent", 30), ("if", 0 if t.cdk else 10)])
    t.note("table_pitr", pitr)
    if pitr == "on":
        props["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    elif pitr == "off":
        props["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": False}
    elif pitr == "if":
        props["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": t.if_cond("IsNotDev", True, False)}
    sse = table_sse(t, allow_key)
    if sse is not None:
        props["SSESpecification"] = sse
    if r.chance(0.3):
        props["StreamSpecification"] = {"StreamViewType": r.choice(["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "KEYS_ONLY"])}
    if r.chance(0.3):
        props["TimeToLiveSpecification"] = {"AttributeName": "expires_at", "Enabled": True}
    if r.chance(0.3):
        props["DeletionProtectionEnabled"] = t.if_cond("IsProd", True, False) if r.chance(0.4) else True
    if r.chance(0.6):
        props["Tags"] = t.tags()
    lid = t.add(pascal(entity) + "Table", "AWS::DynamoDB::Table", props, retain=r.chance(0.5),
                comment=f"DynamoDB table for {entity}", cdk_path=pascal(entity) + "Table")
    t.cache.setdefault("tables", []).append(lid)
    t.output(pascal(entity) + "TableName", Ref(lid), f"Name of the {entity} table")
    if r.chance(0.3):
        t.output(pascal(entity) + "TableArn", GetAtt(lid, "Arn"), f"ARN of the {entity} table")
    if provisioned and r.chance(0.5) and not t.cdk:
        autoscaling(t, lid)
    return lid


def autoscaling(t, table):
    target = t.add(table + "ReadScalableTarget", "AWS::ApplicationAutoScaling::ScalableTarget", {
        "MaxCapacity": t.r.choice([100, 200, 500]), "MinCapacity": 5,
        "ResourceId": Sub(f"table/${{{table}}}"),
        "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
        "ServiceNamespace": "dynamodb"})
    t.add(table + "ReadScalingPolicy", "AWS::ApplicationAutoScaling::ScalingPolicy", {
        "PolicyName": Sub(f"${{AWS::StackName}}-{table}-read"),
        "PolicyType": "TargetTrackingScaling",
        "ScalingTargetId": Ref(target),
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 70,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"}}})


def global_table(t):
    r = t.r
    entity = r.choice(ENTITIES)
    pk, attrs, schema = key_schema(r, entity)
    other = r.choice([x for x in REGIONS if x != t.region])
    variant = r.pick([("cmk-replicas", 45), ("aws-managed", 20), ("absent", 25), ("replica-aws-key", 10)])
    t.note("global_table_sse", variant)
    key = kms_key(t) if variant in ("cmk-replicas", "replica-aws-key") else None
    here = {"Region": Ref("AWS::Region") if not t.cdk else t.region,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": r.chance(0.7)}}
    there = {"Region": other}
    if variant == "cmk-replicas":
        here["SSESpecification"] = {"KMSMasterKeyId": GetAtt(key, "Arn") if r.chance(0.5) else Ref(key)}
        there["SSESpecification"] = {"KMSMasterKeyId": f"arn:aws:kms:{other}:{t.account}:alias/{t.service}-data"}
    elif variant == "replica-aws-key":  # the second region on the AWS managed key
        here["SSESpecification"] = {"KMSMasterKeyId": Ref(key)}
        there["SSESpecification"] = {"KMSMasterKeyId": "alias/aws/dynamodb"}
    props = {"AttributeDefinitions": attrs, "KeySchema": schema, "BillingMode": "PAY_PER_REQUEST",
             "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
             "Replicas": [here, there]}
    if r.chance(0.5):
        props["TableName"] = t.stack_name(entity + "-global")
    if variant in ("cmk-replicas", "replica-aws-key"):
        props["SSESpecification"] = {"SSEEnabled": True, "SSEType": "KMS"}
    elif variant == "aws-managed":
        props["SSESpecification"] = {"SSEEnabled": True}
    lid = t.add(pascal(entity) + "GlobalTable", "AWS::DynamoDB::GlobalTable", props, retain=True,
                comment=f"Global table for {entity}, replicated to {other}")
    t.cache.setdefault("tables", []).append(lid)
    t.output(pascal(entity) + "GlobalTableName", Ref(lid), f"Name of the global {entity} table")
    return lid


def dax_bundle(t):
    r = t.r
    tables = t.cache.get("tables") or [dynamodb_table(t)]
    role = t.add("DaxServiceRole", "AWS::IAM::Role", {
        "AssumeRolePolicyDocument": assume_role("dax"),
        "Policies": [{"PolicyName": "dax-table-access", "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow",
                           "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
                                      "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                      "dynamodb:BatchWriteItem", "dynamodb:DescribeTable"],
                           "Resource": [GetAtt(x, "Arn") for x in tables[:3]]}]}}]},
        comment="Role DAX assumes to reach the tables", cdk_path="DaxRole")
    if "dax-subnets" not in t.cache:
        t.cache["dax-subnets"] = t.add("DaxSubnetGroup", "AWS::DAX::SubnetGroup", {
            "Description": f"Private subnets for the {t.service} DAX cluster", "SubnetIds": subnet_ids(t)})
    sg = security_group(t, "DaxSecurityGroup", "DAX cluster endpoint, TLS and plaintext", r.choice([9111, 8111]))
    props = {}
    if r.chance(0.4):
        if t.cdk or r.chance(0.5):
            props["ClusterName"] = t.unique(f"{t.service[:8]}-dax-{t.env[:3]}")
        else:
            t.param("Env")
            props["ClusterName"] = Sub(t.unique(f"{t.service[:8]}-dax") + "-${Env}")
    props["Description"] = f"Read-through cache for the {t.service} tables"
    rf = r.pick([(3, 45), (1, 18), (2, 10), ("map", 0 if t.cdk else 27)])
    props["NodeType"] = (t.find("EnvConfig", "DaxNodeType") if rf == "map" and r.chance(0.5)
                         else t.param("DaxNodeType") if not t.cdk and r.chance(0.3) else r.choice(DAX_NODE_TYPES))
    props["ReplicationFactor"] = t.find("EnvConfig", "DaxNodes") if rf == "map" else rf
    t.note("dax_nodes", str(rf))
    props["IAMRoleARN"] = GetAtt(role, "Arn")
    props["SubnetGroupName"] = Ref(t.cache["dax-subnets"])
    props["SecurityGroupIds"] = [GetAtt(sg, "GroupId")]
    if rf != "map" and r.chance(0.35):
        props["AvailabilityZones"] = [Select(i, GetAZs("")) for i in range(rf)]
        t.note("dax_azs", "listed")
    if t.cdk:
        sse = r.pick([("true", 60), ("absent", 30), ("false", 10)])
    else:
        sse = r.pick([("true", 38), ("absent", 18), ("false", 7), ("if-prod", 9), ("ref-param", 9),
                      ("findinmap", 6), ("empty-spec", 2), ("string-True", 2), ("string-false", 3),
                      ("importvalue", 3), ("if-region", 3)])
    t.note("dax_sse", sse)
    spec = {"true": {"SSEEnabled": True}, "false": {"SSEEnabled": False}, "empty-spec": {},
            "string-True": {"SSEEnabled": "True"}, "string-false": {"SSEEnabled": "false"}}.get(sse)
    if sse == "if-prod":
        spec = {"SSEEnabled": t.if_cond("IsProd", True, False)}
    elif sse == "ref-param":
        spec = {"SSEEnabled": t.param("EncryptAtRest")}
    elif sse == "findinmap":
        spec = {"SSEEnabled": t.find("EnvConfig", "Encrypt")}
    elif sse == "importvalue":
        t.param("SecurityStack")
        spec = {"SSEEnabled": ImportValue(Sub("${SecurityStack}-DaxEncryption"))}
    elif sse == "if-region":
        spec = {"SSEEnabled": t.if_cond("IsPrimaryRegion", True, False)}
    if spec is not None:
        props["SSESpecification"] = spec
    tls = r.pick([("TLS", 55), ("NONE", 15), ("absent", 22), ("if", 0 if t.cdk else 8)])
    t.note("dax_endpoint", tls)
    if tls in ("TLS", "NONE"):
        props["ClusterEndpointEncryptionType"] = tls
    elif tls == "if":
        props["ClusterEndpointEncryptionType"] = t.if_cond("IsProd", "TLS", "NONE")
    if r.chance(0.25):
        pg = t.add("DaxParameterGroup", "AWS::DAX::ParameterGroup", {
            "Description": "Item and query TTLs",
            "ParameterNameValues": {"query-ttl-millis": str(r.choice([60000, 300000])),
                                    "record-ttl-millis": str(r.choice([60000, 300000, 600000]))}})
        props["ParameterGroupName"] = Ref(pg)
    if r.chance(0.4):
        props["PreferredMaintenanceWindow"] = r.choice(["sun:05:00-sun:06:00", "sat:03:00-sat:04:00"])
    if r.chance(0.5):
        props["Tags"] = t.tags(as_map=True)
    lid = t.add("DaxCluster", "AWS::DAX::Cluster", props, comment="DAX in front of the tables")
    t.output("DaxEndpoint", GetAtt(lid, "ClusterDiscoveryEndpointURL"), "DAX cluster discovery endpoint")
    return lid


def cache_subnet_group(t):
    if "cache-subnets" not in t.cache:
        t.cache["cache-subnets"] = t.add("CacheSubnetGroup", "AWS::ElastiCache::SubnetGroup", {
            "Description": f"Private subnets for the {t.service} caches", "SubnetIds": subnet_ids(t)},
            cdk_path="CacheSubnetGroup")
    return t.cache["cache-subnets"]


def alarm_topic(t):
    if "topic" not in t.cache:
        topic = t.add("AlarmTopic", "AWS::SNS::Topic", {
            "DisplayName": f"{t.service} alarms", "KmsMasterKeyId": "alias/aws/sns"}, cdk_path="AlarmTopic")
        t.cache["topic"] = topic
        if not t.cdk and t.r.chance(0.5):
            t.add("AlarmEmailSubscription", "AWS::SNS::Subscription", {
                "TopicArn": Ref(topic), "Protocol": "email", "Endpoint": t.param("AlarmEmail")},
                condition=t.condition("HasAlarmEmail"))
    return t.cache["topic"]


def alarm(t, base, namespace, metric, dims, threshold):
    props = {"AlarmDescription": f"{metric} of {base} above {threshold}",
             "Namespace": namespace, "MetricName": metric,
             "Dimensions": [{"Name": k, "Value": v} for k, v in dims],
             "Statistic": "Average", "Period": 300, "EvaluationPeriods": 3, "Threshold": threshold,
             "ComparisonOperator": "GreaterThanThreshold", "AlarmActions": [Ref(alarm_topic(t))],
             "TreatMissingData": "notBreaching"}
    cond = None if t.cdk or not t.r.chance(0.3) else t.condition("IsProd")
    return t.add(base + "Alarm", "AWS::CloudWatch::Alarm", props, condition=cond)


def boolean_variant(t, what, weights):
    v = t.r.pick(weights if not t.cdk else [(x, w) for x, w in weights if x in ("true", "false", "absent")])
    t.note(what, v)
    if v == "true":
        return True
    if v == "false":
        return False
    if v == "absent":
        return None
    if v == "if-prod":
        return t.if_cond("IsProd", True, False)
    if v == "ref-param":
        return t.param("EncryptAtRest")
    if v == "findinmap":
        return t.find("EnvConfig", "Encrypt")
    if v == "string-true":
        return "true"
    raise AssertionError(v)


def replication_group(t):
    r = t.r
    subnets = cache_subnet_group(t)
    sg = security_group(t, "CacheSecurityGroup", "Valkey and Redis OSS", 6379)
    engine = r.pick([("redis", 50), ("valkey", 30), (None, 20)])
    t.note("rg_engine", engine or "absent")
    props = {"ReplicationGroupDescription": f"{t.service} {r.choice(['session store', 'read cache', 'rate limiter', 'leaderboard'])}"}
    if engine:
        props["Engine"] = engine
    versions = VALKEY_VERSIONS if engine == "valkey" else REDIS_VERSIONS
    props["EngineVersion"] = r.choice(versions)
    props["CacheNodeType"] = (t.param("CacheNodeType") if not t.cdk and r.chance(0.3)
                              else t.find("EnvConfig", "CacheNodeType") if not t.cdk and r.chance(0.2)
                              else r.choice(CACHE_NODE_TYPES))
    cluster_mode = r.chance(0.3)
    if cluster_mode:
        props["NumNodeGroups"] = r.choice([2, 3, 4])
        props["ReplicasPerNodeGroup"] = r.choice([1, 2])
        props["AutomaticFailoverEnabled"] = True
        family = "valkey7" if engine == "valkey" else "redis7"
        props["CacheParameterGroupName"] = f"default.{family}.cluster.on"
        t.note("rg_mode", "cluster")
    else:
        n = r.choice([1, 2, 2, 3])
        props["NumCacheClusters"] = n
        if n > 1:
            props["AutomaticFailoverEnabled"] = True
            if r.chance(0.7):
                props["MultiAZEnabled"] = True
        t.note("rg_mode", f"nodes-{n}")
    props["CacheSubnetGroupName"] = Ref(subnets)
    props["SecurityGroupIds"] = [GetAtt(sg, "GroupId")]
    at_rest = boolean_variant(t, "rg_at_rest", [("true", 44), ("false", 12), ("absent", 20), ("if-prod", 8),
                                                ("ref-param", 8), ("findinmap", 5), ("string-true", 3)])
    if at_rest is not None:
        props["AtRestEncryptionEnabled"] = at_rest
        if at_rest is True and r.chance(0.4):
            key = kms_key(t, "cache")
            props["KmsKeyId"] = GetAtt(key, "Arn") if r.chance(0.5) else Ref(key)
            t.note("rg_kms", "cmk")
    transit = boolean_variant(t, "rg_transit", [("true", 52), ("false", 12), ("absent", 22 if engine != "valkey" else 0),
                                                ("if-prod", 9), ("string-true", 5)])
    if transit is not None:
        props["TransitEncryptionEnabled"] = transit
    if transit is True or transit == "true":
        mode = r.pick([("required", 30), ("preferred", 15), (None, 55)])
        t.note("rg_transit_mode", mode or "absent")
        if mode:
            props["TransitEncryptionMode"] = mode
            if props["EngineVersion"] == "6.2":
                props["EngineVersion"] = "7.1"  # transit modes need Redis OSS 7
        auth = r.pick([("secret", 35), ("user-group", 10), (None, 55)])
        if auth == "secret":
            secret = t.add("CacheAuthSecret", "AWS::SecretsManager::Secret", {
                "Description": f"AUTH token for the {t.service} cache",
                "GenerateSecretString": {"SecretStringTemplate": '{"username": "app"}', "GenerateStringKey": "token",
                                         "PasswordLength": 64, "ExcludePunctuation": True}})
            props["AuthToken"] = t.sub(f"{{{{resolve:secretsmanager:${{{secret}}}:SecretString:token}}}}")
        elif auth == "user-group" and engine != "valkey":
            user_id = f"{t.service}-app-{r.hexstr(4)}"  # IAM authentication: name and id are the same
            user = t.add("CacheAppUser", "AWS::ElastiCache::User", {
                "Engine": "redis", "UserId": user_id, "UserName": user_id,
                "AccessString": "on ~app:* +@read +@write -@dangerous",
                "AuthenticationMode": {"Type": "iam"}})
            group = t.add("CacheUserGroup", "AWS::ElastiCache::UserGroup", {
                "Engine": "redis", "UserGroupId": f"{t.service}-users-{r.hexstr(4)}",
                "UserIds": ["default", Ref(user)]})
            props["UserGroupIds"] = [Ref(group)]
    if r.chance(0.6):
        props["SnapshotRetentionLimit"] = r.choice([0, 1, 7, 14])
    if r.chance(0.5):
        props["PreferredMaintenanceWindow"] = r.choice(["sun:05:00-sun:06:00", "wed:03:00-wed:04:00"])
    if r.chance(0.25):
        logs = t.add("CacheSlowLogGroup", "AWS::Logs::LogGroup", {
            "LogGroupName": t.sub(f"/elasticache/{t.service}/${{AWS::StackName}}/{t.unique('slow-log')}"),
            "RetentionInDays": 30})
        props["LogDeliveryConfigurations"] = [{"DestinationType": "cloudwatch-logs", "LogFormat": "json",
                                               "LogType": "slow-log",
                                               "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": Ref(logs)}}}]
    if r.chance(0.5):
        props["Tags"] = t.tags()
    lid = t.add("CacheReplicationGroup", "AWS::ElastiCache::ReplicationGroup", props,
                comment="Valkey / Redis OSS replication group")
    attr = "ConfigurationEndPoint.Address" if cluster_mode else "PrimaryEndPoint.Address"
    if r.chance(0.4):
        t.add("CacheEndpointParameter", "AWS::SSM::Parameter", {
            "Name": t.sub(f"/{t.service}/${{AWS::StackName}}/{lid.lower()}-endpoint"), "Type": "String",
            "Value": GetAtt(lid, attr)})
    t.output("CacheEndpoint", GetAtt(lid, attr), "Cache endpoint address")
    if r.chance(0.4):
        alarm(t, "CacheCpu", "AWS/ElastiCache", "EngineCPUUtilization", [("ReplicationGroupId", Ref(lid))], 80)
    return lid


def cache_cluster(t):
    r = t.r
    subnets = cache_subnet_group(t)
    engine = r.pick([("memcached", 70), ("redis", 30)])
    sg = security_group(t, "MemcachedSecurityGroup" if engine == "memcached" else "RedisSecurityGroup",
                        "Memcached" if engine == "memcached" else "Redis OSS", 11211 if engine == "memcached" else 6379)
    props = {"Engine": engine,
             "EngineVersion": r.choice(["1.6.22", "1.6.17"]) if engine == "memcached" else r.choice(REDIS_VERSIONS),
             "CacheNodeType": r.choice(CACHE_NODE_TYPES)}
    if engine == "memcached":
        n = r.choice([1, 2, 3])
        props["NumCacheNodes"] = n
        if n > 1:
            props["AZMode"] = "cross-az"
    else:
        props["NumCacheNodes"] = 1
    props["CacheSubnetGroupName"] = Ref(subnets)
    props["VpcSecurityGroupIds"] = [GetAtt(sg, "GroupId")]
    transit = boolean_variant(t, "cc_transit", [("true", 40), ("false", 15), ("absent", 40), ("if-prod", 5)])
    if transit is not None and engine == "memcached":
        props["TransitEncryptionEnabled"] = transit
    elif transit is not None:
        props["TransitEncryptionEnabled"] = transit  # Redis cache clusters accept it from 7.0
        props["EngineVersion"] = "7.1"
    if r.chance(0.4):
        props["Tags"] = t.tags()
    lid = t.add(pascal(engine) + "Cluster", "AWS::ElastiCache::CacheCluster", props,
                comment=f"Standalone {engine} cluster")
    t.note("cc_engine", engine)
    t.output(pascal(engine) + "Endpoint", GetAtt(lid, "ConfigurationEndpoint.Address" if engine == "memcached"
                                                   else "RedisEndpoint.Address"), f"{engine} endpoint")
    return lid


def serverless_cache(t):
    r = t.r
    engine = r.pick([("valkey", 45), ("redis", 30), ("memcached", 25)])
    sg = security_group(t, "ServerlessCacheSecurityGroup", "Serverless cache", 11211 if engine == "memcached" else 6379)
    if t.cdk or r.chance(0.4):
        name = t.unique(f"{t.service}-{engine}-{t.env}")
    elif r.chance(0.5):
        t.param("Env")
        name = Sub(t.unique(f"{t.service}-{engine}") + "-${Env}")
    else:
        name = f"{t.service}-{engine}-{r.hexstr(4)}"
    props = {"ServerlessCacheName": name,
             "Engine": engine,
             "MajorEngineVersion": {"valkey": "8", "redis": "7", "memcached": "1.6"}[engine],
             "SubnetIds": subnet_ids(t),
             "SecurityGroupIds": [GetAtt(sg, "GroupId")]}
    if r.chance(0.35):
        key = kms_key(t, "cache")
        props["KmsKeyId"] = GetAtt(key, "Arn") if r.chance(0.5) else Ref(key)
        t.note("serverless_kms", "cmk")
    if r.chance(0.6):
        props["CacheUsageLimits"] = {"DataStorage": {"Maximum": r.choice([5, 10, 50]), "Unit": "GB"},
                                     "ECPUPerSecond": {"Maximum": r.choice([5000, 15000, 100000])}}
    if engine != "memcached" and r.chance(0.4):
        props["SnapshotRetentionLimit"] = r.choice([1, 7])
        props["DailySnapshotTime"] = "04:00"
    if r.chance(0.4):
        props["Tags"] = t.tags()
    lid = t.add("ServerlessCache", "AWS::ElastiCache::ServerlessCache", props, comment=f"Serverless {engine}")
    t.note("serverless_engine", engine)
    t.output("ServerlessCacheEndpoint", GetAtt(lid, "Endpoint.Address"), "Serverless cache endpoint")
    return lid


def lambda_function(t, allow_table=True):
    r = t.r
    entity = r.choice(ENTITIES)
    tables = t.cache.get("tables") or []
    if not tables and allow_table and r.chance(0.5):
        tables = [dynamodb_table(t, entity)]
    fname = pascal(entity) + r.choice(["Handler", "Processor", "Function", "Api", "Sweeper"])
    policies = []
    stmts = [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
              "Resource": t.arn("logs", "log-group:/aws/lambda/*")}]
    if tables:
        stmts.append({"Effect": "Allow",
                      "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                 "dynamodb:Query", "dynamodb:Scan"],
                      "Resource": [GetAtt(tables[0], "Arn"), t.sub(f"${{{tables[0]}.Arn}}/index/*")]})
    policies.append({"PolicyName": f"{entity}-access", "PolicyDocument": {"Version": "2012-10-17", "Statement": stmts}})
    role_props = {"AssumeRolePolicyDocument": assume_role("lambda"),
                  "ManagedPolicyArns": [managed_policy(t, "service-role/AWSLambdaBasicExecutionRole")]}
    if r.chance(0.8):
        role_props["Policies"] = policies
    role = t.add(fname + "Role", "AWS::IAM::Role", role_props, cdk_path=f"{fname}/ServiceRole")
    runtime, code = lambda_code(t, "TABLE_NAME", entity, bool(tables))
    env = {"LOG_LEVEL": r.choice(["INFO", "DEBUG", "WARNING"])}
    if tables:
        env["TABLE_NAME"] = Ref(tables[0])
    if "ENDPOINT" in code:
        env["ENDPOINT"] = f"https://hooks.{t.team}.example.com/{entity}"
    if not t.cdk and r.chance(0.5):
        env["ENVIRONMENT"] = t.env_value()
    if t.style == "json" and r.chance(0.5):
        zipfile = Join("\n", code.rstrip("\n").split("\n"))
    elif t.style in ("json", "cdk"):
        zipfile = code
    else:
        zipfile = Literal(code)
    props = {"Description": f"{entity} {fname[len(pascal(entity)):].lower()}",
             "Runtime": runtime, "Handler": "index.handler",
             "Role": GetAtt(role, "Arn"), "Code": {"ZipFile": zipfile},
             "Timeout": r.choice([10, 30, 60, 300]), "MemorySize": r.choice([128, 256, 512, 1024]),
             "Environment": {"Variables": env}}
    if r.chance(0.4):
        props["Architectures"] = ["arm64"]
    if r.chance(0.4):
        props["TracingConfig"] = {"Mode": "Active"}
    if r.chance(0.3):
        props["Tags"] = t.tags()
    fn = t.add(fname, "AWS::Lambda::Function", props, comment=f"{entity} function",
               cdk_path=f"{fname}", depends=None)
    if r.chance(0.5):
        retention = t.param("LogRetentionDays") if not t.cdk and r.chance(0.4) else r.choice([14, 30, 90])
        t.add(fname + "LogGroup", "AWS::Logs::LogGroup", {
            "LogGroupName": t.sub(f"/aws/lambda/${{{fn}}}"), "RetentionInDays": retention})
    trigger = r.pick([("schedule", 30), ("none", 40), ("sns", 30 if "topic" in t.cache else 0)])
    if trigger == "schedule":
        rule = t.add(fname + "Schedule", "AWS::Events::Rule", {
            "Description": f"Runs {fname} on a schedule",
            "ScheduleExpression": r.choice(["rate(5 minutes)", "rate(1 hour)", "cron(0 3 * * ? *)"]),
            "State": "ENABLED",
            "Targets": [{"Arn": GetAtt(fn, "Arn"), "Id": "target"}]})
        t.add(fname + "SchedulePermission", "AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": Ref(fn), "Principal": "events.amazonaws.com",
            "SourceArn": GetAtt(rule, "Arn")})
    elif trigger == "sns":
        t.add(fname + "Subscription", "AWS::SNS::Subscription", {
            "TopicArn": Ref(t.cache["topic"]), "Protocol": "lambda", "Endpoint": GetAtt(fn, "Arn")})
        t.add(fname + "TopicPermission", "AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": Ref(fn), "Principal": "sns.amazonaws.com",
            "SourceArn": Ref(t.cache["topic"])})
    t.output(fname + "Arn", GetAtt(fn, "Arn"), f"ARN of {fname}", export=r.chance(0.5))
    return fn


def queue_worker(t):
    r = t.r
    entity = r.choice(ENTITIES)
    dlq = t.add(pascal(entity) + "DeadLetterQueue", "AWS::SQS::Queue", {
        "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}, cdk_path=f"{pascal(entity)}Dlq")
    fn = lambda_function(t)
    qprops = {"VisibilityTimeout": t.resources[fn]["Properties"]["Timeout"] * r.choice([1, 2, 6]),
              "RedrivePolicy": {"deadLetterTargetArn": GetAtt(dlq, "Arn"), "maxReceiveCount": r.choice([3, 5, 10])}}
    if r.chance(0.5):
        qprops["KmsMasterKeyId"] = "alias/aws/sqs"
    else:
        qprops["SqsManagedSseEnabled"] = True
    if r.chance(0.3):
        qprops["QueueName"] = t.stack_name(entity)
    q = t.add(pascal(entity) + "Queue", "AWS::SQS::Queue", qprops, comment=f"Work queue for {entity}",
              cdk_path=f"{pascal(entity)}Queue")
    t.add(fn + "QueueMapping", "AWS::Lambda::EventSourceMapping", {
        "EventSourceArn": GetAtt(q, "Arn"), "FunctionName": Ref(fn), "BatchSize": r.choice([1, 10, 25]),
        "FunctionResponseTypes": ["ReportBatchItemFailures"]})
    role = t.resources[fn]["Properties"]["Role"].arg.split(".")[0]
    t.add(fn + "QueuePolicy", "AWS::IAM::Policy", {
        "PolicyName": "consume-queue",
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": GetAtt(q, "Arn")}]},
        "Roles": [Ref(role)]})
    if r.chance(0.5):
        alarm(t, pascal(entity) + "DlqDepth", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
              [("QueueName", GetAtt(dlq, "QueueName"))], 0)
    t.output(pascal(entity) + "QueueUrl", Ref(q), f"URL of the {entity} queue")
    return q


def topic_bundle(t):
    topic = alarm_topic(t)
    if t.r.chance(0.5):
        t.add("AlarmTopicPolicy", "AWS::SNS::TopicPolicy", {
            "Topics": [Ref(topic)],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "AllowCloudWatchAlarms", "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish",
                "Resource": Ref(topic)}]}})
    return topic


def bucket_bundle(t):
    r = t.r
    purpose = r.choice(["exports", "artifacts", "reports", "uploads", "backups", "logs"])
    if r.chance(0.4):
        key = kms_key(t)
        enc = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": GetAtt(key, "Arn")}
    else:
        enc = {"SSEAlgorithm": "AES256"}
    props = {"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": enc,
                                                                         "BucketKeyEnabled": True}]},
             "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
             "VersioningConfiguration": {"Status": r.choice(["Enabled", "Suspended"])}}
    if r.chance(0.5):
        props["LifecycleConfiguration"] = {"Rules": [{"Id": "expire-old", "Status": "Enabled",
                                                      "ExpirationInDays": r.choice([30, 90, 365])}]}
    if r.chance(0.4):
        props["Tags"] = t.tags()
    b = t.add(pascal(purpose) + "Bucket", "AWS::S3::Bucket", props, retain=r.chance(0.6),
              comment=f"{purpose} bucket", cdk_path=f"{pascal(purpose)}Bucket")
    if r.chance(0.6):
        t.add(pascal(purpose) + "BucketPolicy", "AWS::S3::BucketPolicy", {
            "Bucket": Ref(b),
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [GetAtt(b, "Arn"), t.sub(f"${{{b}.Arn}}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}})
    t.output(pascal(purpose) + "BucketName", Ref(b), f"{purpose} bucket")
    return b


# --- SAM --------------------------------------------------------------------------------------

def sam_simple_table(t):
    r = t.r
    entity = r.choice(ENTITIES)
    props = {"PrimaryKey": {"Name": r.choice(["id", "pk"]), "Type": r.choice(["String", "String", "Number"])}}
    if r.chance(0.5):
        props["TableName"] = t.stack_name(entity)
    v = r.pick([("absent", 45), ("enabled", 45), ("false", 10)])
    t.note("simple_table_sse", v)
    if v == "enabled":
        props["SSESpecification"] = {"SSEEnabled": True}
    elif v == "false":
        props["SSESpecification"] = {"SSEEnabled": False}
    if r.chance(0.3):
        props["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    if r.chance(0.5):
        props["Tags"] = t.tags(as_map=True)
    lid = t.add(pascal(entity) + "Table", "AWS::Serverless::SimpleTable", props, comment=f"{entity} table")
    t.cache.setdefault("tables", []).append(lid)
    t.output(pascal(entity) + "TableName", Ref(lid), f"{entity} table")
    return lid


def sam_function(t):
    r = t.r
    entity = r.choice(ENTITIES)
    tables = t.cache.get("tables") or []
    name = pascal(entity) + r.choice(["Function", "Handler", "Api"])
    runtime, code = lambda_code(t, "TABLE_NAME", entity, bool(tables))
    props = {"InlineCode": Literal(code), "Handler": "index.handler"}
    if runtime != t.cache.get("sam-runtime"):
        props["Runtime"] = runtime
    if r.chance(0.4):
        props["Description"] = f"{entity} handler"
    policies = []
    env = {}
    if tables:
        policies.append({"DynamoDBCrudPolicy": {"TableName": Ref(tables[0])}})
        env["TABLE_NAME"] = Ref(tables[0])
    if "ENDPOINT" in code:
        env["ENDPOINT"] = f"https://hooks.{t.team}.example.com/{entity}"
    if env:
        props["Environment"] = {"Variables": env}
    events = {}
    ev = r.pick([("schedule", 30), ("sqs", 30), ("api", 25), ("none", 15)])
    if ev == "schedule":
        events["Nightly"] = {"Type": "Schedule", "Properties": {"Schedule": r.choice(["rate(1 hour)", "cron(0 2 * * ? *)"])}}
    elif ev == "sqs":
        q = t.add(pascal(entity) + "Queue", "AWS::SQS::Queue", {"SqsManagedSseEnabled": True,
                                                                "VisibilityTimeout": 180})
        events["Queue"] = {"Type": "SQS", "Properties": {"Queue": GetAtt(q, "Arn"), "BatchSize": 10}}
        policies.append({"SQSPollerPolicy": {"QueueName": GetAtt(q, "QueueName")}})
    elif ev == "api":
        events["Get"] = {"Type": "Api", "Properties": {"Path": t.unique(f"/{entity}") + "/{id}", "Method": "get"}}
    if policies:
        props["Policies"] = policies
    if events:
        props["Events"] = events
    if r.chance(0.3):
        props["Tags"] = t.tags(as_map=True)
    fn = t.add(name, "AWS::Serverless::Function", props, comment=f"{entity} function")
    t.output(name + "Arn", GetAtt(fn, "Arn"), f"{name} ARN", export=r.chance(0.4))
    return fn


# ---------------------------------------------------------------------------------------------
# Archetypes: which bundles a stack is made of.

ARCHETYPES = {
    "data": [(dynamodb_table, 40), (global_table, 5), (dax_bundle, 8), (lambda_function, 15), (bucket_bundle, 10),
             (topic_bundle, 4), (queue_worker, 10), (replication_group, 4), (kms_key, 4)],
    "cache": [(replication_group, 34), (cache_cluster, 14), (serverless_cache, 14), (lambda_function, 14),
              (topic_bundle, 6), (dynamodb_table, 10), (dax_bundle, 4), (queue_worker, 4)],
    "dax": [(dax_bundle, 30), (dynamodb_table, 35), (lambda_function, 20), (topic_bundle, 5), (queue_worker, 10)],
    "api": [(lambda_function, 35), (queue_worker, 20), (dynamodb_table, 20), (bucket_bundle, 10), (topic_bundle, 5),
            (replication_group, 5), (serverless_cache, 5)],
    "queues": [(queue_worker, 45), (lambda_function, 25), (bucket_bundle, 15), (topic_bundle, 15)],
    "sam": [(sam_function, 42), (sam_simple_table, 30), (dynamodb_table, 10), (queue_worker, 6), (topic_bundle, 6),
            (replication_group, 3), (dax_bundle, 3)],
}
STACK_NAMES = {"data": "data", "cache": "cache", "dax": "dax", "api": "api", "queues": "queues", "sam": "app"}


def no_tables_lambda(t):
    return lambda_function(t, allow_table=False)


def target_resources(r):
    if r.random() < 1 / 150:
        return r.randrange(150, 251)
    n = int(round(math.exp(r.gauss(math.log(13), 0.55))))
    return max(5, min(60, n))


def build(t, archetype):
    r = t.r
    target = target_resources(r)
    bundles = ARCHETYPES[archetype]
    if t.style == "sam":
        t.globals = {"Function": {"Runtime": "python3.12", "Timeout": r.choice([10, 30]),
                                  "MemorySize": r.choice([256, 512]), "Tracing": "Active"}}
        t.cache["sam-runtime"] = "python3.12"
        if r.chance(0.5):
            sam_simple_table(t)
    guard = 0
    while len(t.resources) < target and guard < 400:
        fn = r.pick(bundles)
        if archetype == "queues" and fn is lambda_function:
            fn = no_tables_lambda
        fn(t)
        guard += 1
    if t.cdk:
        t.add("CDKMetadata", "AWS::CDK::Metadata", {"Analytics": "v2:deflate64:H4sIAAAAAAAA/" + cdk_analytics(r)},
              condition="CDKMetadataAvailable", cdk_path="CDKMetadata")
        t.resources["CDKMetadata"] = t.resources.pop(next(k for k in t.resources if k.startswith("CDKMetadata")))
        t.resources["CDKMetadata"]["Metadata"]["aws:cdk:path"] = f"{t.cdk_stack}/CDKMetadata/Default"
        t.conditions["CDKMetadataAvailable"] = Or(
            Or(*[Equals(Ref("AWS::Region"), x) for x in ["af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2",
                                                         "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
                                                         "cn-north-1", "cn-northwest-1"]]),
            Or(*[Equals(Ref("AWS::Region"), x) for x in ["eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1",
                                                         "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
                                                         "me-south-1", "sa-east-1"]]),
            Or(*[Equals(Ref("AWS::Region"), x) for x in ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]]))
        t.param("BootstrapVersion")


def cdk_analytics(r):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(r.choice(alphabet) for _ in range(r.randrange(160, 320))) + "=="


# ---------------------------------------------------------------------------------------------
# Rendering.

def document(t):
    doc = {}
    if t.cdk:
        doc["Description"] = f"{t.service} {t.stack} ({t.env})"
        doc["Resources"] = t.resources
        if t.outputs:
            doc["Outputs"] = t.outputs
        doc["Conditions"] = t.conditions
        doc["Parameters"] = t.params
        doc["Rules"] = {"CheckBootstrapVersion": {"Assertions": [{
            "Assert": Not(Fn("Contains", [["1", "2", "3", "4", "5"], Ref("BootstrapVersion")])),
            "AssertDescription": "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent "
                                 "version of the CDK CLI."}]}}
        return doc
    doc["AWSTemplateFormatVersion"] = "2010-09-09"
    if t.style == "sam":
        doc["Transform"] = "AWS::Serverless-2016-10-31"
    doc["Description"] = f"{t.team}/{t.service}: {t.stack} stack"
    if t.params and t.r.chance(0.15):
        doc["Metadata"] = {"AWS::CloudFormation::Interface": {"ParameterGroups": [
            {"Label": {"default": "Environment"}, "Parameters": list(t.params)}]}}
    for key, section in (("Parameters", t.params), ("Mappings", t.mappings), ("Conditions", t.conditions)):
        if section:
            doc[key] = section
    if t.globals:
        doc["Globals"] = t.globals
    doc["Resources"] = t.resources
    if t.outputs:
        doc["Outputs"] = t.outputs
    return doc


def render_yaml(t):
    r = t.r
    w = YamlWriter(r, quote=r.pick([("'", 6), ('"', 4)]), longform=0.35 if r.chance(0.12) else 0.0,
                   flow_scalars=r.chance(0.7))
    doc = document(t)
    lines = []
    if r.chance(0.4):
        lines += [f"# {t.team}/{t.service}: {t.stack} stack ({t.env})",
                  f"# Deploy: aws cloudformation deploy --stack-name {t.service}-{t.stack}-{t.env} "
                  f"--template-file {t.stack}.yaml --capabilities CAPABILITY_IAM", ""]
    blank = r.chance(0.7)
    for key, value in doc.items():
        if key == "AWSTemplateFormatVersion" and r.chance(0.25):
            lines.append("AWSTemplateFormatVersion: 2010-09-09")  # unquoted: a YAML 1.1 timestamp, common in the wild
            continue
        if key == "Resources":
            lines.append("Resources:")
            for lid, res in value.items():
                if lid in t.comments:
                    lines.append(f"  # {t.comments[lid]}")
                lines.extend(w.entry(lid, res, 2))
                if blank:
                    lines.append("")
            if blank:
                lines.pop()
        else:
            lines.extend(w.entry(key, value, 0))
        if blank and type(value) is dict:
            lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def render_json(t):
    doc = jsonify(document(t))
    if t.cdk:
        return json.dumps(doc, indent=1, ensure_ascii=False)
    return json.dumps(doc, indent=t.r.choice([2, 2, 4]), ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Layout: services, each with a kind and a few stacks per environment.

KINDS = [("yaml", 56), ("sam", 25), ("cdk", 16), ("json", 9)]


def plan_services(r, n):
    """[(kind, team, service, [(relpath, stack, env, archetype, region, account)])] totalling n templates."""
    plans, total, used = [], 0, {}
    while total < n:
        kind = r.pick(KINDS)
        team = r.choice(TEAMS)
        base = f"{r.choice(SERVICES)}-{r.choice(SUFFIXES)}"
        used[(team, base)] = used.get((team, base), 0) + 1
        service = base if used[(team, base)] == 1 else f"{base}-{used[(team, base)]}"
        region = r.pick([(x, w) for x, w in zip(REGIONS, [35, 15, 20, 12, 10, 8])])
        account = r.choice(ACCOUNTS)
        envs = r.pick([(["dev", "staging", "prod"], 45), (["dev", "prod"], 25), (["prod"], 20), (["staging", "prod"], 10)])
        archetypes = [a for a in ("data", "cache", "dax", "api", "queues")]
        stacks = r.sample(archetypes, r.pick([(1, 45), (2, 35), (3, 20)]))
        files = []
        if kind == "sam":
            subdirs = [""] if r.chance(0.7) else r.sample(["ingest", "api", "jobs", "stream"], r.choice([2, 3]))
            for sd in subdirs:
                rel = f"{team}/{service}/{sd + '/' if sd else ''}template.yaml"
                files.append((rel, "app", r.choice(envs), "sam", region, account))
        else:
            nested = r.chance(0.25)
            for env in envs:
                for stack in stacks:
                    if kind == "yaml":
                        ext = ".yml" if r.chance(0.2) else ".yaml"
                        mid = "infra/cloudformation/" if nested else ""
                        rel = f"{team}/{service}/{mid}{env}/{stack}{ext}"
                    elif kind == "json":
                        ext = ".template" if r.chance(0.4) else ".json"
                        rel = f"{team}/{service}/cfn/{env}/{stack}{ext}"
                    else:
                        rel = f"{team}/{service}/cdk.out/{pascal(service)}{pascal(stack)}{pascal(env)}.template.json"
                    files.append((rel, stack, env, stack, region, account))
        files = files[:n - total]
        total += len(files)
        plans.append((kind, team, service, files))
    return plans


class Writer:
    def __init__(self, root):
        self.root = root
        self.files = 0
        self.bytes = 0
        self.made = set()

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        d = os.path.dirname(path)
        if d not in self.made:
            os.makedirs(d, exist_ok=True)
            self.made.add(d)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)
        return len(data)


def params_file(t):
    values = []
    for name, spec in t.params.items():
        if name == "Env":
            v = t.env
        elif name == "VpcId":
            v = "vpc-" + t.r.hexstr(17)
        elif name == "PrivateSubnetIds":
            v = ",".join("subnet-" + t.r.hexstr(17) for _ in range(3))
        elif name == "AppSecurityGroupId":
            v = "sg-" + t.r.hexstr(17)
        elif name == "KmsKeyArn":
            v = f"arn:aws:kms:{t.region}:{t.account}:key/{t.r.uuid()}"
        elif "Default" in spec:
            continue
        else:
            v = "true"
        values.append({"ParameterKey": name, "ParameterValue": str(v)})
    return json.dumps(values, indent=2) + "\n"


# The types atrest's checks judge (each gets findings); KMS keys are only looked up.
CHECKED_TYPES = ["AWS::DAX::Cluster", "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable",
                 "AWS::Serverless::SimpleTable", "AWS::ElastiCache::ReplicationGroup",
                 "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache"]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--templates", type=int, required=True, help="number of templates to write")
    ap.add_argument("--out", required=True, help="output directory (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--manifest", help="also write counts as JSON to this path (keep it outside --out)")
    args = ap.parse_args(argv)
    if args.templates < 1:
        ap.error("--templates must be at least 1")
    if os.path.exists(args.out) and (not os.path.isdir(args.out) or os.listdir(args.out)):
        ap.error(f"{args.out} exists and is not an empty directory")
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()

    top = Rand(f"atrest-bench-cfn:{args.seed}")
    plans = plan_services(top, args.templates)
    writer = Writer(args.out)
    stats = {"templates": 0, "template_bytes": 0, "resources": 0, "by_format": {}, "by_type": {},
             "variants": {}, "other_files": 0, "sizes": [], "template_files": []}
    index = 0
    for kind, team, service, files in plans:
        for rel, stack, env, archetype, region, account in files:
            r = Rand(f"atrest-bench-cfn:{args.seed}:{index}")
            index += 1
            t = Template(r, kind, team, service, stack, env, region, account)
            build(t, archetype)
            text = render_yaml(t) if kind in ("yaml", "sam") else render_json(t)
            stats["template_bytes"] += writer.write(rel, text)
            stats["template_files"].append(rel)
            stats["templates"] += 1
            stats["resources"] += len(t.resources)
            stats["sizes"].append(len(t.resources))
            fmt = {"yaml": "yaml", "sam": "yaml-sam", "cdk": "json-cdk", "json": "json"}[kind]
            stats["by_format"][fmt] = stats["by_format"].get(fmt, 0) + 1
            for k, v in t.types.items():
                stats["by_type"][k] = stats["by_type"].get(k, 0) + v
            for what, d in t.variants.items():
                into = stats["variants"].setdefault(what, {})
                for k, v in d.items():
                    into[k] = into.get(k, 0) + v
            if kind == "yaml" and t.params and r.chance(0.15):
                base = rel.rsplit(".", 1)[0]
                writer.write(base + ".params.json", params_file(t))
                stats["other_files"] += 1
        if kind == "cdk" and files:
            stacks = {os.path.basename(f[0])[:-len(".template.json")]: f[0] for f in files}
            manifest = {"version": "36.0.0", "artifacts": {
                name: {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                       "properties": {"templateFile": os.path.basename(path), "validateOnSynth": False}}
                for name, path in stacks.items()}}
            writer.write(os.path.join(os.path.dirname(files[0][0]), "manifest.json"), json.dumps(manifest, indent=2))
            stats["other_files"] += 1

    assert stats["templates"] == args.templates, (stats["templates"], args.templates)
    elapsed = time.monotonic() - started
    sizes = sorted(stats.pop("sizes"))
    checked = sum(stats["by_type"].get(k, 0) for k in CHECKED_TYPES)
    if args.manifest:
        with open(os.path.abspath(__file__), "rb") as f:
            generator_sha256 = hashlib.sha256(f.read()).hexdigest()
        manifest = {"generator": "bench/gen_cfn.py", "generator_sha256": generator_sha256, "format": 1,
                    "kind": "cfn", "seed": args.seed, "templates": stats["templates"],
                    "files": writer.files, "bytes": writer.bytes, "template_bytes": stats["template_bytes"],
                    "other_files": stats["other_files"], "resources": stats["resources"],
                    "checked_resources": checked, "kms_keys": stats["by_type"].get("AWS::KMS::Key", 0),
                    "resources_per_template": {"min": sizes[0], "median": sizes[len(sizes) // 2],
                                               "p90": sizes[int(len(sizes) * 0.9)], "max": sizes[-1]},
                    "by_format": dict(sorted(stats["by_format"].items())),
                    "by_type": dict(sorted(stats["by_type"].items())),
                    "variants": {k: dict(sorted(v.items())) for k, v in sorted(stats["variants"].items())},
                    "template_files": stats["template_files"]}
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
    formats = ", ".join(f"{k} {v}" for k, v in sorted(stats["by_format"].items()))
    print(f"gen_cfn: {stats['templates']} templates ({formats}), {stats['resources']} resources "
          f"({checked} of the types atrest's checks judge), {writer.files} files ({stats['other_files']} not templates), "
          f"{writer.bytes} bytes ({writer.bytes / 2**20:.1f} MiB), seed {args.seed}, {elapsed:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
