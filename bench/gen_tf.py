#!/usr/bin/env python3
"""Generates a large, deterministic corpus of Terraform configurations for benchmarking `atrest scan`.

    python3 bench/gen_tf.py --files N --out DIR [--seed S] [--manifest PATH]

The same arguments always give the same bytes. N is the number of Terraform files (.tf and
.tf.json) written, exactly; the variable files beside them (terraform.tfvars, *.auto.tfvars,
*.auto.tfvars.json), READMEs and .terraform.lock.hcl files come on top and are counted apart.

The corpus is a set of repositories, each with root configurations and the local modules they
call, laid out as real repositories are:

    <repo>/envs/<env>/                     roots sharing <repo>/modules/{kms,dynamodb,dax,elasticache}
    <repo>/live/<region>/<env>/<stack>/    roots sharing <repo>/modules/... (four levels up)
    <repo>/stacks/<stack>/                 roots sharing <repo>/modules/...
    <repo>/services/<service>/             roots with their own ./modules/...

Each root has main.tf, variables.tf, outputs.tf and locals.tf, usually terraform.tfvars, and
often versions.tf, providers.tf, backend.tf, data.tf, iam.tf, lambda.tf, s3.tf, sqs.tf and
monitoring.tf; it calls 2-4 of the local modules (with count, for_each, or once), sometimes a
registry module, and declares resources of its own. The modules hold the types atrest reads
(aws_dax_cluster, aws_dax_subnet_group, aws_dynamodb_table with server_side_encryption,
point_in_time_recovery, replica, ttl and GSIs, often as dynamic blocks; aws_elasticache_
replication_group for Valkey and Redis OSS, aws_elasticache_cluster for Memcached,
aws_elasticache_serverless_cache; aws_kms_key, aws_kms_alias) among the usual others (IAM roles
and policies as jsonencode() or heredoc JSON, security groups and rules, parameter and subnet
groups, log groups, alarms, autoscaling, Lambda, S3, SQS, SNS, SSM parameters, secrets).
Variables have defaults, types with optional() attributes, validation blocks and tfvars values,
so every check that reads Terraform sees passing, failing and unknown inputs. The files are
written as `terraform fmt` writes them (two-space indent, aligned equals signs), with comments
in the three styles, heredocs and string templates. Every repository comes from its own seeded
random stream, so memory stays flat however large the corpus.
"""

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time

# ---------------------------------------------------------------------------------------------
# A small HCL writer: blocks, attributes aligned as `terraform fmt` aligns them, values from
# Python data (dict, list, str, bool, int, None) or raw expression text.


class Raw:
    """Expression source text. Continuation lines are indented relative to the attribute's line."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


class Heredoc:
    __slots__ = ("text", "marker", "indented")

    def __init__(self, text, marker="EOT", indented=True):
        self.text = text
        self.marker = marker
        self.indented = indented


IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def quote(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(ch)
    return "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def key_text(k):
    return k if IDENT.match(k) else quote(k)


def is_multiline(v):
    if isinstance(v, Raw):
        return "\n" in v.text
    if isinstance(v, Heredoc):
        return True
    if isinstance(v, dict):
        return len(v) > 0
    if isinstance(v, list):
        return not inline_list_ok(v)
    return False


def inline_list_ok(v):
    if not v:
        return True
    if all(isinstance(x, (str, int, float, bool)) or (isinstance(x, Raw) and "\n" not in x.text) for x in v):
        return sum(len(str(x.text if isinstance(x, Raw) else x)) + 4 for x in v) <= 90
    return False


def hcl(v, ind):
    """HCL text of a value whose first line sits at indentation `ind` (continuation lines carry
    their full indentation)."""
    if isinstance(v, Raw):
        return v.text.replace("\n", "\n" + " " * ind) if "\n" in v.text else v.text
    if isinstance(v, Heredoc):
        head = ("<<-" if v.indented else "<<") + v.marker
        body = v.text.rstrip("\n").split("\n")
        if v.indented:
            pad = " " * (ind + 2)
            return "\n".join([head] + [pad + line if line else "" for line in body] + [" " * ind + v.marker])
        return "\n".join([head] + body + [v.marker])
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list):
        if inline_list_ok(v):
            return "[" + ", ".join(hcl(x, ind) for x in v) + "]"
        pad = " " * (ind + 2)
        return "[\n" + "".join(pad + hcl(x, ind + 2) + ",\n" for x in v) + " " * ind + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        lines = attr_lines([(key_text(k), x) for k, x in v.items()], ind + 2)
        return "{\n" + "\n".join(lines) + "\n" + " " * ind + "}"
    raise TypeError(f"cannot write {v!r}")


def attr_lines(pairs, ind):
    """Attributes (name, value) aligned in groups as terraform fmt does: a group ends after an
    attribute whose value spans lines."""
    lines, group = [], []

    def flush():
        if not group:
            return
        width = max(len(n) for n, _ in group)
        for n, val in group:
            lines.append(" " * ind + n.ljust(width) + " = " + hcl(val, ind))
        group.clear()

    for n, val in pairs:
        group.append((n, val))
        if is_multiline(val):
            flush()
    flush()
    return lines


class Block:
    __slots__ = ("kind", "labels", "items", "one_line")

    def __init__(self, kind, *labels, one_line=False):
        self.kind = kind
        self.labels = labels
        self.items = []
        self.one_line = one_line

    def a(self, name, value):
        self.items.append(("a", name, value))
        return self

    def b(self, kind, *labels, one_line=False):
        blk = Block(kind, *labels, one_line=one_line)
        self.items.append(("b", blk))
        return blk

    def add(self, blk):
        self.items.append(("b", blk))
        return blk

    def blank(self):
        self.items.append(("blank",))
        return self

    def c(self, text):
        self.items.append(("c", text))
        return self

    def render(self, ind=0, comment="#"):
        head = " " * ind + " ".join([self.kind] + [quote(x) for x in self.labels])
        if not self.items:
            return [head + " {}"]
        if self.one_line and len(self.items) == 1 and self.items[0][0] == "a" and not is_multiline(self.items[0][2]):
            _, n, val = self.items[0]
            return [f"{head} {{ {n} = {hcl(val, ind)} }}"]
        lines = [head + " {"]
        pending = []
        for it in self.items:
            if it[0] == "a":
                pending.append((it[1], it[2]))
                continue
            lines.extend(attr_lines(pending, ind + 2))
            pending = []
            if it[0] == "b":
                if lines[-1].strip() not in ("{",) and not lines[-1].strip().startswith(("#", "//")) and lines[-1] != "":
                    lines.append("")
                lines.extend(it[1].render(ind + 2, comment))
            elif it[0] == "blank":
                lines.append("")
            else:
                lines.append(" " * (ind + 2) + comment + " " + it[1])
        lines.extend(attr_lines(pending, ind + 2))
        # No blank line right after the opening brace or before the closing one.
        out = [lines[0]]
        for line in lines[1:]:
            if line == "" and (out[-1] == "" or out[-1].endswith("{")):
                continue
            out.append(line)
        while out[-1] == "":
            out.pop()
        out.append(" " * ind + "}")
        return out


def render_file(items, comment="#"):
    """A file: top-level blocks, comments ("c", text), banner blocks ("cb", text) and top-level
    attributes ("a", name, value; tfvars)."""
    lines = []
    pending = []
    for it in items:
        if isinstance(it, tuple) and it[0] == "a":
            pending.append((it[1], it[2]))
            continue
        if pending:
            lines.extend(attr_lines(pending, 0))
            pending = []
        if isinstance(it, Block):
            if lines and lines[-1] != "" and not lines[-1].startswith(("#", "//", "*/", "/*")):
                lines.append("")
            lines.extend(it.render(0, comment))
            lines.append("")
        elif it[0] == "c":
            if lines and lines[-1] != "" and not lines[-1].startswith(("#", "//")):
                lines.append("")
            lines.append(comment + " " + it[1] if it[1] else comment)
        elif it[0] == "cb":
            if lines and lines[-1] != "":
                lines.append("")
            lines.extend(["/*"] + [" * " + x if x else " *" for x in it[1].split("\n")] + [" */"])
        elif it[0] == "blank":
            lines.append("")
    if pending:
        lines.extend(attr_lines(pending, 0))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def tf_json_value(v):
    """A value for Terraform's JSON syntax: strings are templates there, Raw becomes "${...}"."""
    if isinstance(v, Raw):
        return "${" + v.text + "}"
    if isinstance(v, dict):
        return {k: tf_json_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [tf_json_value(x) for x in v]
    if isinstance(v, str):
        return v.replace("${", "$${")
    return v


# ---------------------------------------------------------------------------------------------
# Vocabulary.

ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"]
TEAMS = ["payments", "platform", "growth", "data", "identity", "checkout", "logistics", "risk",
         "search", "messaging", "catalog", "support", "ledger", "fulfilment"]
SERVICES = ["orders", "payments", "sessions", "catalog", "inventory", "ledger", "profiles", "carts",
            "pricing", "search", "notifications", "billing", "shipments", "reviews", "loyalty",
            "fraud", "audit", "identity", "reporting", "recommendations", "quotes", "returns",
            "subscriptions", "wallet", "promotions", "webhooks", "exports", "ratings", "tokens", "feeds"]
SHORT = {s: s[:6] for s in SERVICES}
ENTITIES = ["orders", "order_items", "customers", "sessions", "carts", "events", "idempotency_keys",
            "locks", "tokens", "accounts", "invoices", "refunds", "audit_log", "feature_flags",
            "rate_limits", "leaderboard", "connections", "jobs", "checkpoints", "devices", "quotes",
            "payouts", "balances", "webhook_deliveries", "exports", "snapshots", "outbox", "sagas"]
ENVS = ["dev", "staging", "prod"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"]
REPLICA_OF = {"us-east-1": "us-west-2", "us-west-2": "us-east-1", "eu-west-1": "eu-central-1",
              "eu-central-1": "eu-west-1", "ap-southeast-2": "ap-northeast-1", "ap-northeast-1": "ap-southeast-2"}
ACCOUNTS = ["123456789012", "210987654321", "345678901234", "456789012345", "567890123456", "678901234567"]

DAX_NODE_TYPES = ["dax.t3.small", "dax.t3.medium", "dax.r5.large", "dax.r5.xlarge", "dax.r7i.large"]
CACHE_NODE_TYPES = ["cache.t4g.small", "cache.t4g.medium", "cache.m7g.large", "cache.r7g.large",
                    "cache.r7g.xlarge", "cache.r6g.large"]
AWS_PROVIDER_VERSIONS = ['">= 5.40, < 6.0"', '"~> 5.0"', '"~> 5.60"', '">= 5.82.0"', '"5.100.0"', '">= 5.0"']
TF_VERSIONS = ['">= 1.5.0"', '">= 1.6"', '"~> 1.9"', '">= 1.5.7, < 2.0.0"', '">= 1.3"']
RUNTIMES = ["python3.12", "python3.11", "nodejs20.x", "nodejs22.x", "java21", "provided.al2023"]


class Rand(random.Random):
    def pick(self, weighted):
        """weighted: [(value, weight), ...]"""
        return self.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def chance(self, p):
        return self.random() < p

    def hexstr(self, n):
        return "".join(self.choice("0123456789abcdef") for _ in range(n))

    def uuid(self):
        h = self.hexstr(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def hyphen(s):
    return s.replace("_", "-")


# ---------------------------------------------------------------------------------------------
# What a unit (root or module directory) writes: blocks by role, each role one file or merged
# into main.tf. Instances counts what Terraform plans (after count, for_each and module
# instances), by type.


class Unit:
    def __init__(self, path, kind, roles_split):
        self.path = path                # directory, relative to the corpus root
        self.kind = kind                # "root" or a module kind
        self.split = roles_split        # {role: bool} for optional roles present
        self.content = {}               # role -> list of items
        self.json_files = {}            # file name -> dict (Terraform JSON syntax)
        self.other_files = {}           # file name -> text (tfvars, README, lock file)

    def put(self, role, *items):
        self.content.setdefault(role, []).extend(items)

    def files(self):
        """{file name: items}: the required files, split roles as files of their own, the rest
        merged into main.tf (the version, provider and backend blocks first)."""
        out = {}
        main = list(self.content.get("main", []))
        head = []
        for role, items in self.content.items():
            if role in ("main",):
                continue
            if role in REQUIRED_ROLES or self.split.get(role):
                out[role + ".tf"] = items
            elif role in ("versions", "providers", "backend"):
                head.extend(items)
            else:
                main.extend(items)
        out["main.tf"] = head + main
        return out


REQUIRED_ROLES = {"main", "variables", "outputs", "locals"}
MODULE_REQUIRED_ROLES = {"main", "variables", "outputs"}


def count_types(counter, rtype, n=1):
    if n:
        counter[rtype] = counter.get(rtype, 0) + n


def variable(name, type_=None, default=..., description=None, sensitive=False, nullable=None,
             validation=None):
    b = Block("variable", name)
    if description:
        b.a("description", description)
    if type_ is not None:
        b.a("type", Raw(type_))
    if default is not ...:
        b.a("default", default)
    if sensitive:
        b.a("sensitive", True)
    if nullable is not None:
        b.a("nullable", nullable)
    if validation:
        v = b.b("validation")
        v.a("condition", Raw(validation[0]))
        v.a("error_message", validation[1])
    return b


def output(name, value, description=None, sensitive=False):
    b = Block("output", name)
    if description:
        b.a("description", description)
    b.a("value", Raw(value) if isinstance(value, str) else value)
    if sensitive:
        b.a("sensitive", True)
    return b


def assume_role_policy(service):
    return Raw("jsonencode({\n"
               "  Version = \"2012-10-17\"\n"
               "  Statement = [{\n"
               "    Effect    = \"Allow\"\n"
               "    Action    = \"sts:AssumeRole\"\n"
               f"    Principal = {{ Service = \"{service}\" }}\n"
               "  }]\n"
               "})")


def versions_block(r, with_random=False):
    t = Block("terraform")
    t.a("required_version", Raw(r.choice(TF_VERSIONS)))
    rp = t.b("required_providers")
    rp.a("aws", Raw("{\n  source  = \"hashicorp/aws\"\n  version = " + r.choice(AWS_PROVIDER_VERSIONS) + "\n}"))
    return t


# ---------------------------------------------------------------------------------------------
# Modules. Each builder decides its style from the repository's stream, fills the unit, and
# returns a ModuleApi: the variables a caller may set and how many instances a call plans.


class ModuleApi:
    def __init__(self, kind, source_dir):
        self.kind = kind
        self.dir = source_dir
        self.vars = {}       # name -> has a default
        self.outputs = set()
        self.style = {}

    def instances(self, call):
        raise NotImplementedError


def kms_module(r, unit, variants):
    api = ModuleApi("kms", unit.path)
    st = api.style
    st["create_flag"] = r.chance(0.3)
    # The plan decides whether the module has data sources (a data.tf of its own or not).
    st["policy"] = r.pick([("document", 45), ("jsonencode", 55)]) if "data" in unit.split else "none"
    st["rotation_default"] = r.pick([(True, 70), (False, 20), ("fixed", 10)])
    st["aliases"] = r.pick([("single", 75), ("list", 25)])
    st["rotation_period"] = r.chance(0.25)
    v = unit.put
    v("variables",
      ("c", "Key identity"),
      variable("name", "string", description="Name of the key; the alias is alias/<name>."),
      variable("description", "string", default=None, description="Key description (defaults to the name)."))
    api.vars.update(name=False, description=True)
    if st["create_flag"]:
        v("variables", variable("create", "bool", default=True, description="Whether to create the key at all."))
        api.vars["create"] = True
    v("variables", variable("deletion_window_in_days", "number", default=r.choice([30, 30, 14, 7]),
                            description="Waiting period before a deleted key is destroyed.",
                            validation=("var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30",
                                        "The deletion window must be between 7 and 30 days.")))
    api.vars["deletion_window_in_days"] = True
    if st["rotation_default"] != "fixed":
        v("variables", variable("enable_key_rotation", "bool", default=st["rotation_default"],
                                description="Rotate the key material every year."))
        api.vars["enable_key_rotation"] = True
    if st["rotation_period"]:
        v("variables", variable("rotation_period_in_days", "number", default=365))
        api.vars["rotation_period_in_days"] = True
    v("variables", variable("multi_region", "bool", default=False),
      variable("key_administrators", "list(string)", default=[], description="IAM principals that administer the key."),
      variable("key_users", "list(string)", default=[], description="IAM principals allowed to use the key."),
      variable("services", "list(string)", default=["dynamodb", "dax", "elasticache"],
               description="Services allowed to use the key on behalf of the account (kms:ViaService)."))
    api.vars.update(multi_region=True, key_administrators=True, key_users=True, services=True)
    if st["aliases"] == "list":
        v("variables", variable("extra_aliases", "list(string)", default=[], description="More alias names (without alias/)."))
        api.vars["extra_aliases"] = True
    v("variables", variable("tags", "map(string)", default={}))
    api.vars["tags"] = True

    idx = "[0]" if st["create_flag"] else ""
    key = Block("resource", "aws_kms_key", "this")
    if st["create_flag"]:
        key.a("count", Raw("var.create ? 1 : 0"))
        key.blank()
    key.a("description", Raw("coalesce(var.description, \"${var.name} data key\")"))
    key.a("deletion_window_in_days", Raw("var.deletion_window_in_days"))
    key.a("enable_key_rotation", Raw("var.enable_key_rotation") if st["rotation_default"] != "fixed" else True)
    if st["rotation_period"]:
        key.a("rotation_period_in_days", Raw("var.rotation_period_in_days"))
    key.a("multi_region", Raw("var.multi_region"))
    if st["policy"] == "document":
        key.a("policy", Raw("data.aws_iam_policy_document.key.json"))
    elif st["policy"] == "jsonencode":
        key.a("policy", Raw(
            "jsonencode({\n"
            "  Version = \"2012-10-17\"\n"
            "  Statement = concat([\n"
            "    {\n"
            "      Sid       = \"EnableRootPermissions\"\n"
            "      Effect    = \"Allow\"\n"
            "      Principal = { AWS = \"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root\" }\n"
            "      Action    = \"kms:*\"\n"
            "      Resource  = \"*\"\n"
            "    },\n"
            "    {\n"
            "      Sid       = \"AllowUseThroughServices\"\n"
            "      Effect    = \"Allow\"\n"
            "      Principal = { AWS = \"*\" }\n"
            "      Action    = [\"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", \"kms:CreateGrant\", \"kms:DescribeKey\"]\n"
            "      Resource  = \"*\"\n"
            "      Condition = {\n"
            "        StringEquals = {\n"
            "          \"kms:CallerAccount\" = data.aws_caller_identity.current.account_id\n"
            "          \"kms:ViaService\"    = [for s in var.services : \"${s}.${data.aws_region.current.name}.amazonaws.com\"]\n"
            "        }\n"
            "      }\n"
            "    },\n"
            "  ], length(var.key_administrators) == 0 ? [] : [\n"
            "    {\n"
            "      Sid       = \"KeyAdministrators\"\n"
            "      Effect    = \"Allow\"\n"
            "      Principal = { AWS = var.key_administrators }\n"
            "      Action    = [\"kms:Create*\", \"kms:Describe*\", \"kms:Enable*\", \"kms:List*\", \"kms:Put*\", \"kms:Update*\", \"kms:Revoke*\", \"kms:Disable*\", \"kms:Get*\", \"kms:Delete*\", \"kms:ScheduleKeyDeletion\", \"kms:CancelKeyDeletion\"]\n"
            "      Resource  = \"*\"\n"
            "    }\n"
            "  ])\n"
            "})"))
    key.a("tags", Raw("merge(var.tags, { Name = var.name })"))
    v("main", ("c", "Customer managed key for the service's tables and caches."), key)
    if st["aliases"] == "single":
        alias = Block("resource", "aws_kms_alias", "this")
        if st["create_flag"]:
            alias.a("count", Raw("var.create ? 1 : 0"))
            alias.blank()
        alias.a("name", Raw("\"alias/${var.name}\""))
        alias.a("target_key_id", Raw(f"aws_kms_key.this{idx}.key_id"))
        v("main", alias)
    else:
        alias = Block("resource", "aws_kms_alias", "this")
        if st["create_flag"]:
            alias.a("for_each", Raw("var.create ? toset(concat([var.name], var.extra_aliases)) : toset([])"))
        else:
            alias.a("for_each", Raw("toset(concat([var.name], var.extra_aliases))"))
        alias.blank()
        alias.a("name", Raw("\"alias/${each.value}\""))
        alias.a("target_key_id", Raw(f"aws_kms_key.this{idx}.key_id"))
        v("main", alias)
    data = []
    if st["policy"] in ("jsonencode", "document"):
        data += [Block("data", "aws_caller_identity", "current"), Block("data", "aws_partition", "current")]
    if st["policy"] == "jsonencode":
        data.append(Block("data", "aws_region", "current"))
    if st["policy"] == "document":
        d = Block("data", "aws_iam_policy_document", "key")
        s1 = d.b("statement")
        s1.a("sid", "EnableRootPermissions")
        s1.a("actions", ["kms:*"])
        s1.a("resources", ["*"])
        p = s1.b("principals")
        p.a("type", "AWS")
        p.a("identifiers", [Raw("\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root\"")])
        dyn = d.b("dynamic", "statement")
        dyn.a("for_each", Raw("length(var.key_users) > 0 ? [var.key_users] : []"))
        content = dyn.b("content")
        content.a("sid", "KeyUsers")
        content.a("actions", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"])
        content.a("resources", ["*"])
        p = content.b("principals")
        p.a("type", "AWS")
        p.a("identifiers", Raw("statement.value"))
        data.append(d)
    if data:
        v("data", *data)
    key_ref = f"aws_kms_key.this{idx}"
    if st["create_flag"]:
        v("outputs",
          output("key_arn", f"try({key_ref}.arn, null)", "ARN of the key, or null when not created."),
          output("key_id", f"one(aws_kms_key.this[*].key_id)"))
    else:
        v("outputs", output("key_arn", f"{key_ref}.arn", "ARN of the key."), output("key_id", f"{key_ref}.key_id"))
    if st["aliases"] == "single":
        v("outputs", output("alias_name", f"aws_kms_alias.this{idx}.name" if not st["create_flag"] else "one(aws_kms_alias.this[*].name)"))
    else:
        v("outputs", output("alias_names", "[for a in aws_kms_alias.this : a.name]"))
    api.outputs = {"key_arn", "key_id"}
    if unit.split.get("versions") is not None:
        v("versions", versions_block(r))

    def instances(call):
        c = {}
        if call.get("create", True):
            count_types(c, "aws_kms_key")
            count_types(c, "aws_kms_alias", 1 + (len(call.get("extra_aliases", [])) if st["aliases"] == "list" else 0))
        return c
    api.instances = instances
    return api


TABLE_OBJECT_TYPE = """map(object({
  hash_key       = string
  range_key      = optional(string)
  billing_mode   = optional(string, "PAY_PER_REQUEST")
  read_capacity  = optional(number, 5)
  write_capacity = optional(number, 5)
  attributes = list(object({
    name = string
    type = string
  }))
  global_secondary_indexes = optional(list(object({
    name            = string
    hash_key        = string
    range_key       = optional(string)
    projection_type = optional(string, "ALL")
  })), [])
  ttl_attribute          = optional(string)
  stream_view_type       = optional(string)
  point_in_time_recovery = optional(bool)
  table_class            = optional(string, "STANDARD")
  tags                   = optional(map(string), {})
}))"""


def dynamodb_module(r, unit, variants):
    api = ModuleApi("dynamodb", unit.path)
    st = api.style
    st["shape"] = r.pick([("map", 60), ("single", 40)])
    st["sse"] = r.pick([("var", 50), ("dynamic", 20), ("always_on", 15), ("none", 15)])
    st["sse_default"] = r.pick([(True, 85), (False, 15)])
    st["pitr"] = r.pick([("var", 60), ("per_table", 20), ("none", 20)]) if st["shape"] == "map" else \
        r.pick([("var", 75), ("none", 25)])
    st["pitr_default"] = r.pick([(True, 60), (False, 40)])
    st["replicas"] = r.chance(0.5)
    st["autoscaling"] = unit.split.get("autoscaling") is not None
    st["deletion_protection_default"] = r.pick([(True, 50), (False, 50)])
    st["one_line_blocks"] = r.chance(0.3)
    v = unit.put
    each = "each.value" if st["shape"] == "map" else "var"
    if st["shape"] == "map":
        v("variables",
          variable("name_prefix", "string", description="Prefix of every table name, e.g. orders-prod."),
          variable("tables", TABLE_OBJECT_TYPE, description="Tables to create, keyed by short name."))
        api.vars.update(name_prefix=False, tables=False)
    else:
        v("variables",
          variable("name", "string", description="Table name."),
          variable("hash_key", "string"),
          variable("range_key", "string", default=None),
          variable("billing_mode", "string", default="PAY_PER_REQUEST",
                   validation=("contains([\"PAY_PER_REQUEST\", \"PROVISIONED\"], var.billing_mode)",
                               "billing_mode must be PAY_PER_REQUEST or PROVISIONED.")),
          variable("read_capacity", "number", default=5),
          variable("write_capacity", "number", default=5),
          variable("attributes", "list(object({\n  name = string\n  type = string\n}))"),
          variable("global_secondary_indexes", "list(object({\n  name            = string\n  hash_key        = string\n"
                   "  range_key       = optional(string)\n  projection_type = optional(string, \"ALL\")\n}))", default=[]),
          variable("ttl_attribute", "string", default=None),
          variable("stream_view_type", "string", default=None),
          variable("table_class", "string", default="STANDARD"))
        api.vars.update(name=False, hash_key=False, range_key=True, billing_mode=True, read_capacity=True,
                        write_capacity=True, attributes=False, global_secondary_indexes=True, ttl_attribute=True,
                        stream_view_type=True, table_class=True)
    if st["sse"] in ("var", "dynamic", "always_on"):
        v("variables", variable("kms_key_arn", "string", default=None,
                                description="Customer managed key for encryption at rest; null uses the AWS managed key."))
        api.vars["kms_key_arn"] = True
    if st["sse"] == "var":
        v("variables", variable("server_side_encryption_enabled", "bool", default=st["sse_default"],
                                description="Encrypt with a KMS key (true) or the AWS owned key (false)."))
        api.vars["server_side_encryption_enabled"] = True
    if st["pitr"] == "var":
        v("variables", variable("point_in_time_recovery_enabled", "bool", default=st["pitr_default"]))
        api.vars["point_in_time_recovery_enabled"] = True
    v("variables", variable("deletion_protection_enabled", "bool", default=st["deletion_protection_default"]))
    api.vars["deletion_protection_enabled"] = True
    if st["replicas"]:
        v("variables",
          variable("replica_regions", "list(string)", default=[], description="Regions of the global table's replicas."),
          variable("replica_kms_key_arns", "map(string)", default={},
                   description="Customer managed key per replica region (must be in that region)."))
        api.vars.update(replica_regions=True, replica_kms_key_arns=True)
    if st["autoscaling"]:
        v("variables",
          variable("autoscaling_max_capacity", "number", default=r.choice([100, 200, 500])),
          variable("autoscaling_target_utilization", "number", default=70))
        api.vars.update(autoscaling_max_capacity=True, autoscaling_target_utilization=True)
    v("variables", variable("tags", "map(string)", default={}))
    api.vars["tags"] = True

    t = Block("resource", "aws_dynamodb_table", "this")
    if st["shape"] == "map":
        t.a("for_each", Raw("var.tables"))
        t.blank()
        t.a("name", Raw("\"${var.name_prefix}-${replace(each.key, \"_\", \"-\")}\""))
    else:
        t.a("name", Raw("var.name"))
    t.a("billing_mode", Raw(f"{each}.billing_mode"))
    t.a("read_capacity", Raw(f"{each}.billing_mode == \"PROVISIONED\" ? {each}.read_capacity : null"))
    t.a("write_capacity", Raw(f"{each}.billing_mode == \"PROVISIONED\" ? {each}.write_capacity : null"))
    t.a("hash_key", Raw(f"{each}.hash_key"))
    t.a("range_key", Raw(f"{each}.range_key"))
    t.a("table_class", Raw(f"{each}.table_class"))
    t.a("deletion_protection_enabled", Raw("var.deletion_protection_enabled"))
    t.a("stream_enabled", Raw(f"{each}.stream_view_type != null"))
    t.a("stream_view_type", Raw(f"{each}.stream_view_type"))
    d = t.b("dynamic", "attribute")
    d.a("for_each", Raw(f"{each}.attributes"))
    c = d.b("content")
    c.a("name", Raw("attribute.value.name"))
    c.a("type", Raw("attribute.value.type"))
    d = t.b("dynamic", "global_secondary_index")
    d.a("for_each", Raw(f"{each}.global_secondary_indexes"))
    c = d.b("content")
    c.a("name", Raw("global_secondary_index.value.name"))
    c.a("hash_key", Raw("global_secondary_index.value.hash_key"))
    c.a("range_key", Raw("global_secondary_index.value.range_key"))
    c.a("projection_type", Raw("global_secondary_index.value.projection_type"))
    c.a("read_capacity", Raw(f"{each}.billing_mode == \"PROVISIONED\" ? {each}.read_capacity : null"))
    c.a("write_capacity", Raw(f"{each}.billing_mode == \"PROVISIONED\" ? {each}.write_capacity : null"))
    d = t.b("dynamic", "ttl")
    d.a("for_each", Raw(f"{each}.ttl_attribute == null ? [] : [{each}.ttl_attribute]"))
    c = d.b("content")
    c.a("attribute_name", Raw("ttl.value"))
    c.a("enabled", True)
    if st["sse"] == "var":
        s = t.b("server_side_encryption")
        s.a("enabled", Raw("var.server_side_encryption_enabled"))
        s.a("kms_key_arn", Raw("var.server_side_encryption_enabled ? var.kms_key_arn : null"))
    elif st["sse"] == "dynamic":
        t.c("Without a customer managed key the table keeps the AWS owned key.")
        s = t.b("dynamic", "server_side_encryption")
        s.a("for_each", Raw("var.kms_key_arn == null ? [] : [var.kms_key_arn]"))
        c = s.b("content")
        c.a("enabled", True)
        c.a("kms_key_arn", Raw("server_side_encryption.value"))
    elif st["sse"] == "always_on":
        s = t.b("server_side_encryption")
        s.a("enabled", True)
        s.a("kms_key_arn", Raw("var.kms_key_arn"))
    if st["pitr"] == "var":
        t.b("point_in_time_recovery", one_line=st["one_line_blocks"]).a("enabled", Raw("var.point_in_time_recovery_enabled"))
    elif st["pitr"] == "per_table":
        t.b("point_in_time_recovery", one_line=st["one_line_blocks"]).a(
            "enabled", Raw("coalesce(each.value.point_in_time_recovery, true)"))
    if st["replicas"]:
        d = t.b("dynamic", "replica")
        d.a("for_each", Raw("toset(var.replica_regions)"))
        c = d.b("content")
        c.a("region_name", Raw("replica.value"))
        c.a("kms_key_arn", Raw("lookup(var.replica_kms_key_arns, replica.value, null)"))
        c.a("propagate_tags", True)
        if st["pitr"] == "var":
            c.a("point_in_time_recovery", Raw("var.point_in_time_recovery_enabled"))
    if st["shape"] == "map":
        t.a("tags", Raw("merge(var.tags, each.value.tags, { Name = \"${var.name_prefix}-${each.key}\" })"))
    else:
        t.a("tags", Raw("merge(var.tags, { Name = var.name })"))
    if st["autoscaling"]:
        lc = t.b("lifecycle")
        lc.a("ignore_changes", [Raw("read_capacity"), Raw("write_capacity")])
    v("main", t)

    if st["autoscaling"]:
        items = []
        if st["shape"] == "map":
            items.append(Block("locals").a("autoscaled_tables", Raw(
                "{\n  for name, t in var.tables : name => t if t.billing_mode == \"PROVISIONED\"\n}")))
            targets = Raw("{\n  for pair in setproduct(keys(local.autoscaled_tables), [\"read\", \"write\"]) :\n"
                          "  \"${pair[0]}-${pair[1]}\" => { table = pair[0], dimension = pair[1] }\n}")
            items.append(Block("locals").a("autoscaling_targets", targets))
            tgt = Block("resource", "aws_appautoscaling_target", "this")
            tgt.a("for_each", Raw("local.autoscaling_targets"))
            tgt.blank()
            tgt.a("service_namespace", "dynamodb")
            tgt.a("resource_id", Raw("\"table/${aws_dynamodb_table.this[each.value.table].name}\""))
            tgt.a("scalable_dimension", Raw("\"dynamodb:table:${title(each.value.dimension)}CapacityUnits\""))
            tgt.a("min_capacity", Raw("var.tables[each.value.table][\"${each.value.dimension}_capacity\"]"))
            tgt.a("max_capacity", Raw("var.autoscaling_max_capacity"))
            pol = Block("resource", "aws_appautoscaling_policy", "this")
            pol.a("for_each", Raw("aws_appautoscaling_target.this"))
            pol.blank()
            pol.a("name", Raw("\"${each.value.resource_id}-${each.key}\""))
        else:
            tgt = Block("resource", "aws_appautoscaling_target", "this")
            tgt.a("for_each", Raw("var.billing_mode == \"PROVISIONED\" ? toset([\"Read\", \"Write\"]) : toset([])"))
            tgt.blank()
            tgt.a("service_namespace", "dynamodb")
            tgt.a("resource_id", Raw("\"table/${aws_dynamodb_table.this.name}\""))
            tgt.a("scalable_dimension", Raw("\"dynamodb:table:${each.key}CapacityUnits\""))
            tgt.a("min_capacity", Raw("each.key == \"Read\" ? var.read_capacity : var.write_capacity"))
            tgt.a("max_capacity", Raw("var.autoscaling_max_capacity"))
            pol = Block("resource", "aws_appautoscaling_policy", "this")
            pol.a("for_each", Raw("aws_appautoscaling_target.this"))
            pol.blank()
            pol.a("name", Raw("\"${aws_dynamodb_table.this.name}-${lower(each.key)}-utilization\""))
        pol.a("policy_type", "TargetTrackingScaling")
        pol.a("resource_id", Raw("each.value.resource_id"))
        pol.a("scalable_dimension", Raw("each.value.scalable_dimension"))
        pol.a("service_namespace", Raw("each.value.service_namespace"))
        tt = pol.b("target_tracking_scaling_policy_configuration")
        tt.a("target_value", Raw("var.autoscaling_target_utilization"))
        pm = tt.b("predefined_metric_specification")
        if st["shape"] == "map":
            pm.a("predefined_metric_type", Raw(
                "\"DynamoDB${title(split(\"-\", each.key)[length(split(\"-\", each.key)) - 1])}CapacityUtilization\""))
        else:
            pm.a("predefined_metric_type", Raw("\"DynamoDB${each.key}CapacityUtilization\""))
        items += [tgt, pol]
        v("autoscaling", ("c", "Target tracking for provisioned tables (on-demand tables need none)."), *items)

    if st["shape"] == "map":
        v("outputs",
          output("table_names", "{ for k, t in aws_dynamodb_table.this : k => t.name }"),
          output("table_arns", "{ for k, t in aws_dynamodb_table.this : k => t.arn }", "Table ARNs by short name."),
          output("stream_arns", "{ for k, t in aws_dynamodb_table.this : k => t.stream_arn if t.stream_enabled }"))
        api.outputs = {"table_names", "table_arns", "stream_arns"}
    else:
        v("outputs", output("table_name", "aws_dynamodb_table.this.name"),
          output("table_arn", "aws_dynamodb_table.this.arn"), output("stream_arn", "aws_dynamodb_table.this.stream_arn"))
        api.outputs = {"table_name", "table_arn", "stream_arn"}
    if unit.split.get("versions") is not None:
        v("versions", versions_block(r))

    def instances(call):
        c = {}
        tables = call["tables"]  # list of table specs this call creates
        count_types(c, "aws_dynamodb_table", len(tables))
        if st["autoscaling"]:
            prov = sum(1 for tb in tables if tb["billing_mode"] == "PROVISIONED")
            count_types(c, "aws_appautoscaling_target", 2 * prov)
            count_types(c, "aws_appautoscaling_policy", 2 * prov)
        return c
    api.instances = instances
    return api


def dax_module(r, unit, variants):
    api = ModuleApi("dax", unit.path)
    st = api.style
    st["sse"] = r.pick([("var", 55), ("dynamic", 15), ("fixed_true", 15), ("none", 15)])
    st["sse_default"] = r.pick([(True, 80), (False, 20)])
    st["tls"] = r.pick([("var", 60), ("fixed", 20), ("absent", 20)])
    st["tls_default"] = r.pick([("TLS", 70), ("NONE", 30)])
    st["azs"] = r.chance(0.3)
    st["param_group"] = r.chance(0.6)
    st["sg_rules"] = r.pick([("inline", 40), ("separate", 60)])
    st["alarms"] = unit.split.get("alarms") is not None
    v = unit.put
    v("variables",
      variable("name", "string", description="Cluster name (at most 20 characters).",
               validation=("length(var.name) <= 20", "DAX cluster names are at most 20 characters.")),
      variable("node_type", "string", default=r.choice(DAX_NODE_TYPES[:3])),
      variable("replication_factor", "number", default=r.choice([3, 3, 2, 1]),
               description="Number of nodes: 1 primary plus read replicas."),
      variable("vpc_id", "string"),
      variable("subnet_ids", "list(string)"),
      variable("allowed_security_group_ids", "list(string)", default=[]),
      variable("allowed_cidr_blocks", "list(string)", default=[]),
      variable("table_arns", "list(string)", description="Tables the cluster may read and write."))
    api.vars.update(name=False, node_type=True, replication_factor=True, vpc_id=False, subnet_ids=False,
                    allowed_security_group_ids=True, allowed_cidr_blocks=True, table_arns=False)
    if st["azs"]:
        v("variables", variable("availability_zones", "list(string)", default=None,
                                description="Zones to place the nodes in; null lets DAX spread them."))
        api.vars["availability_zones"] = True
    if st["sse"] in ("var", "dynamic"):
        v("variables", variable("server_side_encryption_enabled", "bool", default=st["sse_default"]))
        api.vars["server_side_encryption_enabled"] = True
    if st["tls"] == "var":
        v("variables", variable("cluster_endpoint_encryption_type", "string", default=st["tls_default"],
                                validation=("contains([\"NONE\", \"TLS\"], var.cluster_endpoint_encryption_type)",
                                            "Must be NONE or TLS.")))
        api.vars["cluster_endpoint_encryption_type"] = True
    if st["param_group"]:
        v("variables", variable("query_ttl_millis", "number", default=300000),
          variable("record_ttl_millis", "number", default=300000))
        api.vars.update(query_ttl_millis=True, record_ttl_millis=True)
    v("variables", variable("maintenance_window", "string", default="sun:05:00-sun:06:00"),
      variable("notification_topic_arn", "string", default=None))
    api.vars.update(maintenance_window=True, notification_topic_arn=True)
    if st["alarms"]:
        v("variables", variable("alarm_topic_arn", "string", default=None, description="SNS topic for alarms; null for none."))
        api.vars["alarm_topic_arn"] = True
    v("variables", variable("tags", "map(string)", default={}))
    api.vars["tags"] = True

    role = Block("resource", "aws_iam_role", "dax")
    role.a("name", Raw("\"${var.name}-dax\""))
    role.a("assume_role_policy", assume_role_policy("dax.amazonaws.com"))
    role.a("tags", Raw("var.tags"))
    pol = Block("resource", "aws_iam_role_policy", "dax")
    pol.a("name", "dynamodb-access")
    pol.a("role", Raw("aws_iam_role.dax.id"))
    pol.a("policy", Raw(
        "jsonencode({\n"
        "  Version = \"2012-10-17\"\n"
        "  Statement = [{\n"
        "    Effect = \"Allow\"\n"
        "    Action = [\n"
        "      \"dynamodb:DescribeTable\", \"dynamodb:GetItem\", \"dynamodb:BatchGetItem\", \"dynamodb:Query\",\n"
        "      \"dynamodb:Scan\", \"dynamodb:PutItem\", \"dynamodb:UpdateItem\", \"dynamodb:DeleteItem\",\n"
        "      \"dynamodb:BatchWriteItem\", \"dynamodb:ConditionCheckItem\",\n"
        "    ]\n"
        "    Resource = flatten([for arn in var.table_arns : [arn, \"${arn}/index/*\"]])\n"
        "  }]\n"
        "})"))
    v("iam", ("c", "The role DAX assumes to reach the tables."), role, pol)

    sg = Block("resource", "aws_security_group", "dax")
    sg.a("name_prefix", Raw("\"${var.name}-dax-\""))
    sg.a("description", Raw("\"DAX cluster ${var.name}\""))
    sg.a("vpc_id", Raw("var.vpc_id"))
    items = [sg]
    if st["sg_rules"] == "inline":
        d = sg.b("dynamic", "ingress")
        d.a("for_each", Raw("toset([8111, 9111])"))
        c = d.b("content")
        c.a("description", Raw("\"DAX ${ingress.value == 9111 ? \"TLS\" : \"plain\"}\""))
        c.a("from_port", Raw("ingress.value"))
        c.a("to_port", Raw("ingress.value"))
        c.a("protocol", "tcp")
        c.a("security_groups", Raw("var.allowed_security_group_ids"))
        c.a("cidr_blocks", Raw("var.allowed_cidr_blocks"))
        e = sg.b("egress")
        e.a("from_port", 0)
        e.a("to_port", 0)
        e.a("protocol", "-1")
        e.a("cidr_blocks", ["0.0.0.0/0"])
        sg.b("lifecycle").a("create_before_destroy", True)
    else:
        sg.b("lifecycle").a("create_before_destroy", True)
        rule = Block("resource", "aws_vpc_security_group_ingress_rule", "from_groups")
        rule.a("for_each", Raw("toset(var.allowed_security_group_ids)"))
        rule.blank()
        rule.a("security_group_id", Raw("aws_security_group.dax.id"))
        rule.a("referenced_security_group_id", Raw("each.value"))
        rule.a("ip_protocol", "tcp")
        rule.a("from_port", 9111 if st["tls"] != "absent" else 8111)
        rule.a("to_port", 9111 if st["tls"] != "absent" else 8111)
        rule.a("description", "DAX clients")
        items.append(rule)
    v("security_group", *items)

    sng = Block("resource", "aws_dax_subnet_group", "this")
    sng.a("name", Raw("\"${var.name}-subnets\""))
    sng.a("subnet_ids", Raw("var.subnet_ids"))
    v("main", sng)
    if st["param_group"]:
        pg = Block("resource", "aws_dax_parameter_group", "this")
        pg.a("name", Raw("\"${var.name}-params\""))
        p = pg.b("parameters")
        p.a("name", "query-ttl-millis")
        p.a("value", Raw("tostring(var.query_ttl_millis)"))
        p = pg.b("parameters")
        p.a("name", "record-ttl-millis")
        p.a("value", Raw("tostring(var.record_ttl_millis)"))
        v("main", pg)
    cl = Block("resource", "aws_dax_cluster", "this")
    cl.a("cluster_name", Raw("var.name"))
    cl.a("description", Raw("\"DAX for ${var.name}\""))
    cl.a("iam_role_arn", Raw("aws_iam_role.dax.arn"))
    cl.a("node_type", Raw("var.node_type"))
    cl.a("replication_factor", Raw("var.replication_factor"))
    if st["azs"]:
        cl.a("availability_zones", Raw("var.availability_zones"))
    cl.a("subnet_group_name", Raw("aws_dax_subnet_group.this.name"))
    cl.a("security_group_ids", [Raw("aws_security_group.dax.id")])
    if st["param_group"]:
        cl.a("parameter_group_name", Raw("aws_dax_parameter_group.this.name"))
    cl.a("maintenance_window", Raw("var.maintenance_window"))
    cl.a("notification_topic_arn", Raw("var.notification_topic_arn"))
    if st["tls"] == "var":
        cl.a("cluster_endpoint_encryption_type", Raw("var.cluster_endpoint_encryption_type"))
    elif st["tls"] == "fixed":
        cl.a("cluster_endpoint_encryption_type", "TLS")
    if st["sse"] == "var":
        cl.b("server_side_encryption").a("enabled", Raw("var.server_side_encryption_enabled"))
    elif st["sse"] == "dynamic":
        d = cl.b("dynamic", "server_side_encryption")
        d.a("for_each", Raw("var.server_side_encryption_enabled ? [true] : []"))
        d.b("content").a("enabled", Raw("server_side_encryption.value"))
    elif st["sse"] == "fixed_true":
        cl.c("Encryption at rest cannot be changed after creation.")
        cl.b("server_side_encryption").a("enabled", True)
    cl.a("tags", Raw("var.tags"))
    v("main", cl)
    if st["alarms"]:
        al = Block("resource", "aws_cloudwatch_metric_alarm", "cpu")
        al.a("count", Raw("var.alarm_topic_arn == null ? 0 : 1"))
        al.blank()
        al.a("alarm_name", Raw("\"${var.name}-dax-cpu\""))
        al.a("namespace", "AWS/DAX")
        al.a("metric_name", "CPUUtilization")
        al.a("statistic", "Average")
        al.a("period", 300)
        al.a("evaluation_periods", 3)
        al.a("threshold", 80)
        al.a("comparison_operator", "GreaterThanThreshold")
        al.a("dimensions", {"ClusterId": Raw("aws_dax_cluster.this.cluster_name")})
        al.a("alarm_actions", [Raw("var.alarm_topic_arn")])
        v("alarms", al)
    v("outputs",
      output("cluster_arn", "aws_dax_cluster.this.arn"),
      output("cluster_address", "aws_dax_cluster.this.cluster_address"),
      output("configuration_endpoint", "aws_dax_cluster.this.configuration_endpoint"),
      output("port", "aws_dax_cluster.this.port"),
      output("security_group_id", "aws_security_group.dax.id"),
      output("role_arn", "aws_iam_role.dax.arn"))
    api.outputs = {"cluster_arn", "cluster_address", "configuration_endpoint", "port", "security_group_id", "role_arn"}
    if unit.split.get("versions") is not None:
        v("versions", versions_block(r))

    def instances(call):
        c = {}
        for t_ in ("aws_iam_role", "aws_iam_role_policy", "aws_security_group", "aws_dax_subnet_group", "aws_dax_cluster"):
            count_types(c, t_)
        if st["param_group"]:
            count_types(c, "aws_dax_parameter_group")
        if st["sg_rules"] == "separate":
            count_types(c, "aws_vpc_security_group_ingress_rule", len(call.get("allowed_security_group_ids", [])))
        if st["alarms"] and call.get("alarm_topic_arn"):
            count_types(c, "aws_cloudwatch_metric_alarm")
        return c
    api.instances = instances
    return api


def elasticache_module(r, unit, variants):
    api = ModuleApi("elasticache", unit.path)
    st = api.style
    flavors = [(("rg",), 50), (("rg", "serverless"), 15), (("memcached",), 10), (("serverless",), 10),
               (("rg", "memcached", "serverless"), 15)]
    if "alarms" in unit.split:  # the alarms watch the replication group's nodes
        flavors = [(f, w) for f, w in flavors if "rg" in f]
    st["flavors"] = r.pick(flavors)
    fl = st["flavors"]
    multi = len(fl) > 1
    st["engine_default"] = r.pick([("valkey", 55), ("redis", 45)])
    st["at_rest"] = r.pick([("var", 60), ("fixed_true", 15), ("absent", 25)])
    st["at_rest_default"] = r.pick([(True, 80), (False, 20)])
    st["transit"] = r.pick([("var", 65), ("fixed_true", 15), ("absent", 20)])
    st["transit_default"] = r.pick([(True, 75), (False, 25)])
    st["transit_mode"] = r.pick([("var", 40), ("absent", 60)])
    st["engine_attr"] = r.pick([("var", 85), ("absent", 15)]) if "memcached" not in fl else "var"
    st["logs"] = r.chance(0.4) and "rg" in fl
    st["alarms"] = unit.split.get("alarms") is not None and "rg" in fl
    st["serverless_kms"] = r.pick([("var", 70), ("absent", 30)])
    v = unit.put
    v("variables",
      variable("name", "string", description="Name of the cache (at most 40 characters)."),
      variable("vpc_id", "string"),
      variable("subnet_ids", "list(string)"),
      variable("allowed_security_group_ids", "list(string)", default=[]))
    api.vars.update(name=False, vpc_id=False, subnet_ids=False, allowed_security_group_ids=True)
    if st["engine_attr"] == "var":
        valid = ["valkey", "redis"] + (["memcached"] if "memcached" in fl else [])
        v("variables", variable("engine", "string", default=st["engine_default"] if fl != ("memcached",) else "memcached",
                                validation=(f"contains({json.dumps(valid).replace(',', ', ')}, var.engine)",
                                            "Unsupported engine.")))
        api.vars["engine"] = True
    v("variables", variable("engine_version", "string", default=None,
                            description="Engine version; null takes the latest the engine offers."))
    api.vars["engine_version"] = True
    if "rg" in fl or "memcached" in fl:
        v("variables", variable("node_type", "string", default=r.choice(CACHE_NODE_TYPES[:3])))
        api.vars["node_type"] = True
    if "rg" in fl:
        v("variables",
          variable("num_cache_clusters", "number", default=2, description="Nodes when cluster mode is disabled."),
          variable("cluster_mode_enabled", "bool", default=False),
          variable("num_node_groups", "number", default=3),
          variable("replicas_per_node_group", "number", default=1),
          variable("snapshot_retention_limit", "number", default=r.choice([0, 1, 7, 7, 14])),
          variable("auth_token", "string", default=None, sensitive=True,
                   description="AUTH token (requires in-transit encryption)."),
          variable("user_group_ids", "list(string)", default=None))
        api.vars.update(num_cache_clusters=True, cluster_mode_enabled=True, num_node_groups=True,
                        replicas_per_node_group=True, snapshot_retention_limit=True, auth_token=True, user_group_ids=True)
    if "memcached" in fl:
        v("variables", variable("num_cache_nodes", "number", default=2))
        api.vars["num_cache_nodes"] = True
    if "serverless" in fl and multi:
        v("variables", variable("serverless", "bool", default=False, description="Create a serverless cache instead."))
        api.vars["serverless"] = True
    if "serverless" in fl:
        v("variables", variable("max_data_storage_gb", "number", default=r.choice([5, 10, 50])),
          variable("max_ecpu_per_second", "number", default=r.choice([5000, 10000, 50000])))
        api.vars.update(max_data_storage_gb=True, max_ecpu_per_second=True)
    if st["at_rest"] == "var" and ("rg" in fl):
        v("variables", variable("at_rest_encryption_enabled", "bool", default=st["at_rest_default"]))
        api.vars["at_rest_encryption_enabled"] = True
    if st["transit"] == "var" and ("rg" in fl or "memcached" in fl):
        v("variables", variable("transit_encryption_enabled", "bool", default=st["transit_default"]))
        api.vars["transit_encryption_enabled"] = True
    if st["transit_mode"] == "var" and "rg" in fl:
        v("variables", variable("transit_encryption_mode", "string", default=None,
                                description="preferred while clients migrate to TLS, then required."))
        api.vars["transit_encryption_mode"] = True
    v("variables", variable("kms_key_arn", "string", default=None, description="Customer managed key for data at rest."))
    api.vars["kms_key_arn"] = True
    if st["logs"]:
        v("variables", variable("log_retention_days", "number", default=r.choice([14, 30, 90])))
        api.vars["log_retention_days"] = True
    if st["alarms"]:
        v("variables", variable("alarm_topic_arn", "string", default=None))
        api.vars["alarm_topic_arn"] = True
    v("variables", variable("tags", "map(string)", default={}))
    api.vars["tags"] = True

    engine = "var.engine" if st["engine_attr"] == "var" else "\"redis\""
    loc = Block("locals")
    if multi:
        conds = []
        if "serverless" in fl:
            conds.append("!var.serverless")
        loc.a("create_replication_group", Raw(" && ".join(conds + [f"{engine} != \"memcached\""]))) if "rg" in fl else None
        if "memcached" in fl:
            loc.a("create_memcached", Raw(" && ".join(conds + [f"{engine} == \"memcached\""])))
    if "rg" in fl:
        loc.a("parameter_group_family", Raw(f"{engine} == \"valkey\" ? \"valkey8\" : \"redis7\""))
    loc.a("port", Raw(f"{engine} == \"memcached\" ? 11211 : 6379") if "memcached" in fl and multi else
          (11211 if fl == ("memcached",) else 6379))
    v("main", loc)

    sng = Block("resource", "aws_elasticache_subnet_group", "this")
    sng.a("name", Raw("\"${var.name}-cache\""))
    sng.a("subnet_ids", Raw("var.subnet_ids"))
    sg = Block("resource", "aws_security_group", "this")
    sg.a("name", Raw("\"${var.name}-cache\""))
    sg.a("description", "ElastiCache clients")
    sg.a("vpc_id", Raw("var.vpc_id"))
    sg.a("tags", Raw("var.tags"))
    rule = Block("resource", "aws_vpc_security_group_ingress_rule", "clients")
    rule.a("for_each", Raw("toset(var.allowed_security_group_ids)"))
    rule.blank()
    rule.a("security_group_id", Raw("aws_security_group.this.id"))
    rule.a("referenced_security_group_id", Raw("each.value"))
    rule.a("ip_protocol", "tcp")
    rule.a("from_port", Raw("local.port"))
    rule.a("to_port", Raw("local.port"))
    v("security_group", sg, rule)
    v("main", sng)

    def cnt(flag):
        return Raw(f"local.{flag} ? 1 : 0")

    if "rg" in fl:
        pg = Block("resource", "aws_elasticache_parameter_group", "this")
        if multi:
            pg.a("count", cnt("create_replication_group"))
            pg.blank()
        pg.a("name", Raw("\"${var.name}-params\""))
        pg.a("family", Raw("local.parameter_group_family"))
        p = pg.b("parameter")
        p.a("name", "maxmemory-policy")
        p.a("value", "allkeys-lru")
        d = pg.b("dynamic", "parameter")
        d.a("for_each", Raw("var.cluster_mode_enabled ? [\"yes\"] : []"))
        c = d.b("content")
        c.a("name", "cluster-enabled")
        c.a("value", Raw("parameter.value"))
        pg.b("lifecycle").a("create_before_destroy", True)
        v("main", pg)
        if st["logs"]:
            lg = Block("resource", "aws_cloudwatch_log_group", "this")
            lg.a("for_each", Raw("toset([\"slow-log\", \"engine-log\"])"))
            lg.blank()
            lg.a("name", Raw("\"/aws/elasticache/${var.name}/${each.key}\""))
            lg.a("retention_in_days", Raw("var.log_retention_days"))
            lg.a("kms_key_id", Raw("var.kms_key_arn"))
            v("main", lg)
        rg = Block("resource", "aws_elasticache_replication_group", "this")
        if multi:
            rg.a("count", cnt("create_replication_group"))
            rg.blank()
        rg.a("replication_group_id", Raw("var.name"))
        rg.a("description", Raw("\"Cache for ${var.name}\""))
        if st["engine_attr"] == "var":
            rg.a("engine", Raw("var.engine"))
        rg.a("engine_version", Raw("var.engine_version"))
        rg.a("node_type", Raw("var.node_type"))
        rg.a("port", 6379)
        rg.a("parameter_group_name", Raw("aws_elasticache_parameter_group.this" + ("[0]" if multi else "") + ".name"))
        rg.a("subnet_group_name", Raw("aws_elasticache_subnet_group.this.name"))
        rg.a("security_group_ids", [Raw("aws_security_group.this.id")])
        rg.blank()
        rg.a("num_cache_clusters", Raw("var.cluster_mode_enabled ? null : var.num_cache_clusters"))
        rg.a("num_node_groups", Raw("var.cluster_mode_enabled ? var.num_node_groups : null"))
        rg.a("replicas_per_node_group", Raw("var.cluster_mode_enabled ? var.replicas_per_node_group : null"))
        rg.a("automatic_failover_enabled", Raw("var.cluster_mode_enabled || var.num_cache_clusters > 1"))
        rg.a("multi_az_enabled", Raw("var.cluster_mode_enabled || var.num_cache_clusters > 1"))
        rg.blank()
        if st["at_rest"] == "var":
            rg.a("at_rest_encryption_enabled", Raw("var.at_rest_encryption_enabled"))
            rg.a("kms_key_id", Raw("var.at_rest_encryption_enabled ? var.kms_key_arn : null"))
        elif st["at_rest"] == "fixed_true":
            rg.a("at_rest_encryption_enabled", True)
            rg.a("kms_key_id", Raw("var.kms_key_arn"))
        if st["transit"] == "var":
            rg.a("transit_encryption_enabled", Raw("var.transit_encryption_enabled"))
            rg.a("auth_token", Raw("var.transit_encryption_enabled ? var.auth_token : null"))
        elif st["transit"] == "fixed_true":
            rg.a("transit_encryption_enabled", True)
            rg.a("auth_token", Raw("var.auth_token"))
        if st["transit_mode"] == "var":
            rg.a("transit_encryption_mode", Raw("var.transit_encryption_mode"))
        rg.a("user_group_ids", Raw("var.user_group_ids"))
        rg.blank()
        rg.a("snapshot_retention_limit", Raw("var.snapshot_retention_limit"))
        rg.a("snapshot_window", "03:00-05:00")
        rg.a("maintenance_window", "sun:05:30-sun:07:00")
        rg.a("auto_minor_version_upgrade", True)
        rg.a("apply_immediately", False)
        if st["logs"]:
            d = rg.b("dynamic", "log_delivery_configuration")
            d.a("for_each", Raw("aws_cloudwatch_log_group.this"))
            c = d.b("content")
            c.a("destination", Raw("log_delivery_configuration.value.name"))
            c.a("destination_type", "cloudwatch-logs")
            c.a("log_format", "json")
            c.a("log_type", Raw("log_delivery_configuration.key"))
        rg.a("tags", Raw("var.tags"))
        lc = rg.b("lifecycle")
        lc.a("ignore_changes", [Raw("num_cache_clusters")])
        v("main", ("c", "Redis OSS or Valkey, cluster mode on or off."), rg)
    if "memcached" in fl:
        mc = Block("resource", "aws_elasticache_cluster", "memcached")
        if multi:
            mc.a("count", cnt("create_memcached"))
            mc.blank()
        mc.a("cluster_id", Raw("var.name"))
        mc.a("engine", "memcached")
        mc.a("engine_version", Raw("var.engine_version"))
        mc.a("node_type", Raw("var.node_type"))
        mc.a("num_cache_nodes", Raw("var.num_cache_nodes"))
        mc.a("az_mode", Raw("var.num_cache_nodes > 1 ? \"cross-az\" : \"single-az\""))
        mc.a("port", 11211)
        mc.a("parameter_group_name", "default.memcached1.6")
        mc.a("subnet_group_name", Raw("aws_elasticache_subnet_group.this.name"))
        mc.a("security_group_ids", [Raw("aws_security_group.this.id")])
        if st["transit"] == "var":
            mc.a("transit_encryption_enabled", Raw("var.transit_encryption_enabled"))
        elif st["transit"] == "fixed_true":
            mc.a("transit_encryption_enabled", True)
        mc.a("tags", Raw("var.tags"))
        v("main", mc)
    if "serverless" in fl:
        sc = Block("resource", "aws_elasticache_serverless_cache", "this")
        if multi:
            sc.a("count", Raw("var.serverless ? 1 : 0"))
            sc.blank()
        sc.a("name", Raw("var.name"))
        sc.a("engine", Raw(engine) if st["engine_attr"] == "var" else "redis")
        sc.a("major_engine_version", Raw("var.engine_version"))
        sc.a("description", Raw("\"Serverless cache for ${var.name}\""))
        if st["serverless_kms"] == "var":
            sc.a("kms_key_id", Raw("var.kms_key_arn"))
        sc.a("subnet_ids", Raw("var.subnet_ids"))
        sc.a("security_group_ids", [Raw("aws_security_group.this.id")])
        sc.a("daily_snapshot_time", "04:00")
        sc.a("snapshot_retention_limit", 7)
        lim = sc.b("cache_usage_limits")
        ds = lim.b("data_storage")
        ds.a("maximum", Raw("var.max_data_storage_gb"))
        ds.a("unit", "GB")
        lim.b("ecpu_per_second").a("maximum", Raw("var.max_ecpu_per_second"))
        sc.a("tags", Raw("var.tags"))
        v("main", sc)
    if st["alarms"]:
        al = Block("resource", "aws_cloudwatch_metric_alarm", "memory")
        al.a("count", Raw("var.alarm_topic_arn == null ? 0 : (var.cluster_mode_enabled ? 0 : var.num_cache_clusters)"
                          + (" * (local.create_replication_group ? 1 : 0)" if multi else "")))
        al.blank()
        al.a("alarm_name", Raw("\"${var.name}-${format(\"%03d\", count.index + 1)}-memory\""))
        al.a("namespace", "AWS/ElastiCache")
        al.a("metric_name", "DatabaseMemoryUsagePercentage")
        al.a("statistic", "Average")
        al.a("period", 300)
        al.a("evaluation_periods", 2)
        al.a("threshold", 85)
        al.a("comparison_operator", "GreaterThanThreshold")
        al.a("dimensions", {"CacheClusterId": Raw("\"${var.name}-${format(\"%03d\", count.index + 1)}\"")})
        al.a("alarm_actions", [Raw("var.alarm_topic_arn")])
        al.a("ok_actions", [Raw("var.alarm_topic_arn")])
        v("alarms", al)
    outs = [output("security_group_id", "aws_security_group.this.id")]
    ix = "[0]" if multi else ""
    if "rg" in fl:
        outs.append(output("primary_endpoint_address",
                           f"try(aws_elasticache_replication_group.this{ix}.primary_endpoint_address, null)"))
        outs.append(output("replication_group_arn", f"try(aws_elasticache_replication_group.this{ix}.arn, null)"))
    if "memcached" in fl:
        outs.append(output("configuration_endpoint", f"try(aws_elasticache_cluster.memcached{ix}.configuration_endpoint, null)"))
    if "serverless" in fl:
        outs.append(output("serverless_endpoint", f"try(aws_elasticache_serverless_cache.this{ix}.endpoint[0].address, null)"))
    v("outputs", *outs)
    api.outputs = {"security_group_id"}
    if unit.split.get("versions") is not None:
        v("versions", versions_block(r))

    def instances(call):
        c = {}
        count_types(c, "aws_elasticache_subnet_group")
        count_types(c, "aws_security_group")
        count_types(c, "aws_vpc_security_group_ingress_rule", len(call.get("allowed_security_group_ids", [])))
        eng = call.get("engine", st["engine_default"] if st["engine_attr"] == "var" and fl != ("memcached",) else
                       ("memcached" if fl == ("memcached",) else "redis"))
        serverless = call.get("serverless", False) if multi else fl == ("serverless",)
        make_rg = "rg" in fl and (not multi or (not serverless and eng != "memcached"))
        make_mc = "memcached" in fl and (not multi or (not serverless and eng == "memcached"))
        make_sc = "serverless" in fl and (not multi or serverless)
        if make_rg:
            count_types(c, "aws_elasticache_parameter_group")
            count_types(c, "aws_elasticache_replication_group")
            if st["logs"]:
                count_types(c, "aws_cloudwatch_log_group", 2)
            if st["alarms"] and call.get("alarm_topic_arn") and not call.get("cluster_mode_enabled", False):
                count_types(c, "aws_cloudwatch_metric_alarm", call.get("num_cache_clusters", 2))
        if make_mc:
            count_types(c, "aws_elasticache_cluster")
        if make_sc:
            count_types(c, "aws_elasticache_serverless_cache")
        return c
    api.instances = instances
    return api


MODULE_BUILDERS = {"kms": kms_module, "dynamodb": dynamodb_module, "dax": dax_module, "elasticache": elasticache_module}
MODULE_OPTIONAL_ROLES = {
    "kms": ["versions", "data"],
    "dynamodb": ["versions", "autoscaling"],
    "dax": ["versions", "iam", "security_group", "alarms"],
    "elasticache": ["versions", "security_group", "alarms"],
}
