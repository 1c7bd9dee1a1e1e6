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
often versions.tf, providers.tf, backend.tf, data.tf, iam.tf, lambda.tf, s3.tf, sqs.tf,
monitoring.tf and one file per module call (kms.tf, tables.tf, dax.tf, cache.tf); what has no
file of its own is in main.tf. It calls 2-4 of the local modules (with count, for_each, or
once), sometimes a registry module, and declares resources of its own. Which files exist is
planned before anything is written, so the count is exact: optional files are folded back into
main.tf (or, for tiny corpora, roots dropped) until it is. The modules hold the types atrest reads
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
        elif it[0] == "raw":
            lines.extend(it[1])
            lines.append("")
    if pending:
        lines.extend(attr_lines(pending, 0))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


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
        self.required = REQUIRED_ROLES if kind == "root" else MODULE_REQUIRED_ROLES
        self.content = {}               # role -> list of items
        self.json_files = {}            # file name -> dict (Terraform JSON syntax)
        self.other_files = {}           # file name -> text (tfvars, README, lock file)

    def put(self, role, *items):
        self.content.setdefault(role, []).extend(items)

    def files(self):
        """{file name: items}: the required files, split roles as files of their own, the rest
        merged into main.tf (the version, provider and backend blocks first)."""
        out = {}
        head, calls, rest = [], [], []
        for role, items in self.content.items():
            if role == "main":
                continue
            if role in self.required or self.split.get(role):
                out[ROLE_FILES.get(role, role + ".tf")] = items
            elif role in ("versions", "providers", "backend"):
                head.extend(items)
            elif role in COMPONENT_ROLES:
                calls.extend(items)
            else:
                rest.extend(items)
        out["main.tf"] = head + calls + list(self.content.get("main", [])) + rest
        return out


# Roots may keep each module call in a file of its own.
COMPONENT_ROLES = ("kms", "dynamodb", "dax", "elasticache")
ROLE_FILES = {"dynamodb": "tables.tf", "elasticache": "cache.tf"}


REQUIRED_ROLES = {"main", "variables", "outputs", "locals"}
MODULE_REQUIRED_ROLES = {"main", "variables", "outputs"}


def retag(items, old="var.tags", new="local.tags"):
    """Resources of a module with a locals.tf take their tags from local.tags."""
    for it in items:
        if isinstance(it, Block):
            for j, sub in enumerate(it.items):
                if sub[0] == "a" and isinstance(sub[2], Raw) and old in sub[2].text:
                    it.items[j] = ("a", sub[1], Raw(sub[2].text.replace(old, new)))
                elif sub[0] == "b":
                    retag([sub[1]], old, new)


def count_types(counter, rtype, n=1):
    if n:
        counter[rtype] = counter.get(rtype, 0) + n


VAR_DESCRIPTIONS = {
    "name": "Name of the resources this module creates. Used as a prefix where AWS needs unique names.",
    "tags": "Tags applied to every resource of the module, merged over the provider's default tags.",
    "vpc_id": "ID of the VPC the resources are placed in.",
    "subnet_ids": "IDs of the private subnets, one per Availability Zone the resources may use.",
    "allowed_security_group_ids": "Security groups whose members may connect. Rules are created per group.",
    "allowed_cidr_blocks": "CIDR blocks that may connect. Prefer security groups; keep this empty in production.",
    "kms_key_arn": "ARN of the customer managed KMS key for data at rest. Null uses the AWS managed key.",
    "engine_version": "Engine version. Null lets AWS choose the latest supported version at creation.",
    "node_type": "Instance type of the nodes.",
    "maintenance_window": "Weekly window for maintenance, in UTC (ddd:hh24:mi-ddd:hh24:mi).",
    "notification_topic_arn": "SNS topic for service notifications, or null.",
    "apply_immediately": "Apply changes immediately instead of during the next maintenance window.",
    "snapshot_window": "Daily window for snapshots, in UTC (hh24:mi-hh24:mi).",
    "auto_minor_version_upgrade": "Upgrade to new minor engine versions during the maintenance window.",
    "deletion_protection_enabled": "Refuse to delete the table while this is true. Turn off before destroying.",
    "point_in_time_recovery_enabled": "Keep continuous backups for point-in-time recovery (35 days by default).",
    "server_side_encryption_enabled": "Encrypt data at rest with a KMS key. Cannot be changed after creation for DAX.",
    "replication_factor": "Number of nodes in the cluster: one primary and replication_factor - 1 read replicas.",
    "cluster_endpoint_encryption_type": "TLS for encrypted client connections, NONE for plain text. Fixed at creation.",
    "query_ttl_millis": "How long query results stay in the query cache, in milliseconds.",
    "record_ttl_millis": "How long items stay in the item cache, in milliseconds.",
    "alarms_enabled": "Create CloudWatch alarms for the resources of the module.",
    "alarm_topic_arn": "SNS topic the alarms notify. Required when alarms_enabled is true.",
    "num_cache_clusters": "Number of nodes (primary and replicas) when cluster mode is disabled.",
    "cluster_mode_enabled": "Shard the data over several node groups (Redis OSS cluster mode).",
    "num_node_groups": "Number of shards when cluster mode is enabled.",
    "replicas_per_node_group": "Number of replicas in each shard when cluster mode is enabled.",
    "snapshot_retention_limit": "Days of automatic snapshots to keep. 0 turns automatic backups off.",
    "auth_token": "Password for the AUTH command. Only used with in-transit encryption.",
    "user_group_ids": "RBAC user groups (Redis OSS 6 and later, Valkey) instead of an AUTH token.",
    "num_cache_nodes": "Number of Memcached nodes.",
    "serverless": "Create an ElastiCache Serverless cache instead of node-based clusters.",
    "max_data_storage_gb": "Upper limit of the serverless cache's data, in GB.",
    "max_ecpu_per_second": "Upper limit of ElastiCache Processing Units per second.",
    "at_rest_encryption_enabled": "Encrypt data at rest. Cannot be changed after creation.",
    "transit_encryption_enabled": "Encrypt connections with TLS.",
    "transit_encryption_mode": "preferred accepts plain and TLS connections while clients migrate; required only TLS.",
    "log_retention_days": "Days to keep the log groups' events.",
    "engine": "Cache engine: valkey or redis (and memcached where the module supports it).",
    "description": "Human-readable description. Defaults to one derived from the name.",
    "deletion_window_in_days": "Days between scheduling deletion of the key and its destruction (7 to 30).",
    "enable_key_rotation": "Rotate the key material automatically.",
    "rotation_period_in_days": "Days between automatic rotations (90 to 2560).",
    "multi_region": "Create a multi-Region primary key, so replica keys can be made in other Regions.",
    "key_administrators": "IAM principals allowed to administer the key (not to use it).",
    "key_users": "IAM principals allowed to use the key for cryptographic operations.",
    "services": "AWS services allowed to use the key on behalf of principals of the account (kms:ViaService).",
    "extra_aliases": "More alias names for the key, without the alias/ prefix.",
    "create": "Set to false to create nothing (the module's outputs are then null).",
    "name_prefix": "Prefix of every table name, usually <project>-<environment>.",
    "tables": "Tables to create, keyed by short name. See the type for the settings of each table.",
    "hash_key": "Partition key attribute.",
    "range_key": "Sort key attribute, or null.",
    "billing_mode": "PAY_PER_REQUEST (on demand) or PROVISIONED.",
    "read_capacity": "Read capacity units when the billing mode is PROVISIONED.",
    "write_capacity": "Write capacity units when the billing mode is PROVISIONED.",
    "attributes": "Attribute definitions: every key attribute of the table and its indexes.",
    "global_secondary_indexes": "Global secondary indexes of the table.",
    "ttl_attribute": "Attribute holding the expiry time (epoch seconds), or null for no TTL.",
    "stream_view_type": "What the stream records hold, or null for no stream.",
    "table_class": "STANDARD or STANDARD_INFREQUENT_ACCESS.",
    "replica_regions": "Regions to replicate the table to (global table version 2019.11.21).",
    "replica_kms_key_arns": "Customer managed key per replica Region. Keys are regional: name one in that Region.",
    "autoscaling_max_capacity": "Upper bound of the capacity autoscaling may set.",
    "autoscaling_target_utilization": "Target utilization percentage for autoscaling.",
    "table_arns": "ARNs of the tables the cluster reads and writes.",
    "availability_zones": "Availability Zones of the nodes. Null lets DAX spread them.",
    "project": "Project name, used in every resource name.",
    "environment": "Deployment environment: dev, staging or prod.",
    "region": "AWS Region of the deployment.",
    "owner": "Team that owns the resources (the Owner tag).",
    "private_subnet_ids": "Private subnets of the VPC, one per Availability Zone.",
    "app_security_group_ids": "Security groups of the application, allowed to reach the data stores.",
    "enable_dax": "Put a DAX cluster in front of the tables.",
    "dax_node_type": "Instance type of the DAX nodes.",
    "cache_node_type": "Instance type of the cache nodes.",
    "log_retention_days_root": "Days to keep log events.",
    "timeouts": "Create, update and delete timeouts of the resource.",
    "port": "Port the clients connect to.",
    "security_group_description": "Description of the security group the module creates.",
}


def variable(name, type_=None, default=..., description=None, sensitive=False, nullable=None,
             validation=None):
    b = Block("variable", name)
    if description is None:
        description = VAR_DESCRIPTIONS.get(name)
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


def timeouts_variable(create, update, delete):
    return variable("timeouts", "object({\n  create = optional(string, \"%s\")\n  update = optional(string, \"%s\")\n"
                                "  delete = optional(string, \"%s\")\n})" % (create, update, delete), default={})


def timeouts_block(b, with_update=True):
    t = b.b("timeouts")
    t.a("create", Raw("var.timeouts.create"))
    if with_update:
        t.a("update", Raw("var.timeouts.update"))
    t.a("delete", Raw("var.timeouts.delete"))


OUT_DESCRIPTIONS = {
    "key_arn": "ARN of the customer managed key. Pass it to the modules that encrypt data at rest.",
    "key_id": "ID of the key (the UUID), for grants and key policies.",
    "alias_name": "Alias of the key, alias/<name>.",
    "alias_names": "Every alias of the key.",
    "table_names": "Names of the tables, keyed by short name.",
    "table_arns": "ARNs of the tables, keyed by short name. Use them in IAM policies.",
    "stream_arns": "Stream ARNs of the tables that have a stream, keyed by short name.",
    "table_ids": "IDs of the tables (the same as their names), keyed by short name.",
    "table_name": "Name of the table.",
    "table_arn": "ARN of the table.",
    "stream_arn": "ARN of the table's stream, or null without a stream.",
    "cluster_arn": "ARN of the DAX cluster.",
    "cluster_address": "DNS name of the cluster's configuration endpoint, without the port.",
    "configuration_endpoint": "Configuration endpoint of the cluster (host:port); clients discover the nodes from it.",
    "port": "Port of the endpoint.",
    "security_group_id": "ID of the security group of the resources; allow it in the clients' egress rules.",
    "security_group_arn": "ARN of the security group.",
    "role_arn": "ARN of the IAM role the service assumes.",
    "role_name": "Name of the IAM role the service assumes.",
    "subnet_group_name": "Name of the subnet group.",
    "primary_endpoint_address": "Address of the primary node (cluster mode disabled), or null.",
    "replication_group_arn": "ARN of the replication group, or null when none is created.",
    "member_clusters": "Identifiers of the group's nodes.",
    "serverless_endpoint": "Endpoint address of the serverless cache, or null when none is created.",
    "kms_key_arn": "Key that encrypts the service's data at rest.",
    "dax_endpoint": "DAX cluster address, or null when DAX is disabled.",
    "cache_endpoints": "Primary endpoint of each cache, keyed by cache name.",
    "cache_security_groups": "Security group of each cache; clients need egress to it.",
}


def output(name, value, description=None, sensitive=False):
    b = Block("output", name)
    if description is None:
        description = OUT_DESCRIPTIONS.get(name)
    if description is None:
        words = name.replace("_", " ")
        description = f"The {words}." if not words.endswith("s") else f"The {words}, by name."
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


def versions_block(r):
    t = Block("terraform")
    t.a("required_version", Raw(r.choice(TF_VERSIONS)))
    rp = t.b("required_providers")
    if r.chance(0.4):
        rp.c(r.choice(["Stay below 6.0 until the v6 upgrade is done (see the platform changelog).",
                       "transit_encryption_mode needs 5.40 or later.",
                       "Keep in step with the other stacks of the repository."]))
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
    if r.chance(0.5):
        key.c("Symmetric encryption key. DynamoDB, DAX and ElastiCache only accept symmetric keys.")
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
        v("outputs", output("key_arn", f"{key_ref}.arn", "ARN of the key."), output("key_id", f"{key_ref}.key_id"),
          output("key_policy", f"{key_ref}.policy", "The key policy, as JSON."))
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
    v("variables", variable("deletion_protection_enabled", "bool", default=st["deletion_protection_default"]),
      timeouts_variable("10m", "60m", "10m"))
    api.vars.update(deletion_protection_enabled=True, timeouts=True)
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
    if r.chance(0.5):
        t.c("Key schema and attribute definitions cannot change in place; renaming a table replaces it.")
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
    timeouts_block(t)
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
          output("stream_arns", "{ for k, t in aws_dynamodb_table.this : k => t.stream_arn if t.stream_enabled }"),
          output("table_ids", "{ for k, t in aws_dynamodb_table.this : k => t.id }"),
          output("hash_keys", "{ for k, t in aws_dynamodb_table.this : k => t.hash_key }",
                 "Partition key of each table, for clients that build keys generically."))
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
      variable("notification_topic_arn", "string", default=None),
      variable("description", "string", default=None),
      variable("security_group_description", "string", default="DAX cluster clients"),
      timeouts_variable("45m", "90m", "60m"))
    api.vars.update(maintenance_window=True, notification_topic_arn=True, description=True,
                    security_group_description=True, timeouts=True)
    if st["alarms"]:
        v("variables", variable("alarms_enabled", "bool", default=False),
          variable("alarm_topic_arn", "string", default=None, description="SNS topic for alarms."))
        api.vars.update(alarms_enabled=True, alarm_topic_arn=True)
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
    sg.a("description", Raw("var.security_group_description"))
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
    if r.chance(0.6):
        cl.c("Node type, replication factor and encryption settings force a new cluster when changed:")
        cl.c("plan the change with the application team (the item cache starts cold).")
    cl.a("cluster_name", Raw("var.name"))
    cl.a("description", Raw("coalesce(var.description, \"DAX for ${var.name}\")"))
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
    timeouts_block(cl)
    v("main", cl)
    if st["alarms"]:
        al = Block("resource", "aws_cloudwatch_metric_alarm", "cpu")
        al.a("count", Raw("var.alarms_enabled ? 1 : 0"))
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
      output("role_arn", "aws_iam_role.dax.arn"),
      output("role_name", "aws_iam_role.dax.name"),
      output("subnet_group_name", "aws_dax_subnet_group.this.name", "Name of the DAX subnet group."),
      output("nodes", "aws_dax_cluster.this.nodes", "Nodes of the cluster (id, address, port, zone)."))
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
    if "rg" in fl:
        v("variables",
          variable("apply_immediately", "bool", default=False),
          variable("auto_minor_version_upgrade", "bool", default=True),
          variable("snapshot_window", "string", default=r.choice(["03:00-05:00", "01:00-02:00", "22:00-23:00"])),
          variable("maintenance_window", "string", default=r.choice(["sun:05:30-sun:07:00", "sat:23:00-sun:01:00"])),
          variable("notification_topic_arn", "string", default=None),
          variable("final_snapshot_identifier", "string", default=None,
                   description="Name of a final snapshot taken when the group is deleted, or null for none."),
          timeouts_variable("60m", "40m", "40m"))
        api.vars.update(apply_immediately=True, auto_minor_version_upgrade=True, snapshot_window=True,
                        maintenance_window=True, notification_topic_arn=True, final_snapshot_identifier=True, timeouts=True)
    if st["logs"]:
        v("variables", variable("log_retention_days", "number", default=r.choice([14, 30, 90])))
        api.vars["log_retention_days"] = True
    if st["alarms"]:
        v("variables", variable("alarms_enabled", "bool", default=False),
          variable("alarm_topic_arn", "string", default=None))
        api.vars.update(alarms_enabled=True, alarm_topic_arn=True)
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
            lg.a("for_each", Raw("local.create_replication_group ? toset([\"slow-log\", \"engine-log\"]) : toset([])"
                                 if multi else "toset([\"slow-log\", \"engine-log\"])"))
            lg.blank()
            lg.a("name", Raw("\"/aws/elasticache/${var.name}/${each.key}\""))
            lg.a("retention_in_days", Raw("var.log_retention_days"))
            lg.a("kms_key_id", Raw("var.kms_key_arn"))
            v("main", lg)
        rg = Block("resource", "aws_elasticache_replication_group", "this")
        if multi:
            rg.a("count", cnt("create_replication_group"))
            rg.blank()
        if r.chance(0.6):
            rg.c("at_rest_encryption_enabled and kms_key_id force a replacement; transit encryption can be")
            rg.c("turned on in place (Redis OSS 7+ / Valkey) through transit_encryption_mode = \"preferred\".")
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
        rg.a("snapshot_window", Raw("var.snapshot_window"))
        rg.a("maintenance_window", Raw("var.maintenance_window"))
        rg.a("notification_topic_arn", Raw("var.notification_topic_arn"))
        rg.a("final_snapshot_identifier", Raw("var.final_snapshot_identifier"))
        rg.a("auto_minor_version_upgrade", Raw("var.auto_minor_version_upgrade"))
        rg.a("apply_immediately", Raw("var.apply_immediately"))
        if st["logs"]:
            d = rg.b("dynamic", "log_delivery_configuration")
            d.a("for_each", Raw("aws_cloudwatch_log_group.this"))
            c = d.b("content")
            c.a("destination", Raw("log_delivery_configuration.value.name"))
            c.a("destination_type", "cloudwatch-logs")
            c.a("log_format", "json")
            c.a("log_type", Raw("log_delivery_configuration.key"))
        rg.a("tags", Raw("var.tags"))
        timeouts_block(rg)
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
        al.a("count", Raw("!var.alarms_enabled || var.cluster_mode_enabled ? 0 : var.num_cache_clusters"
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
    outs = [output("security_group_id", "aws_security_group.this.id"),
            output("security_group_arn", "aws_security_group.this.arn"),
            output("subnet_group_name", "aws_elasticache_subnet_group.this.name"),
            output("port", "local.port", "Port clients connect to.")]
    ix = "[0]" if multi else ""
    if "rg" in fl:
        outs.append(output("primary_endpoint_address",
                           f"try(aws_elasticache_replication_group.this{ix}.primary_endpoint_address, null)"))
        outs.append(output("replication_group_arn", f"try(aws_elasticache_replication_group.this{ix}.arn, null)"))
        outs.append(output("reader_endpoint_address",
                           f"try(aws_elasticache_replication_group.this{ix}.reader_endpoint_address, null)",
                           "Reader endpoint (cluster mode disabled), or null."))
        outs.append(output("configuration_endpoint_address",
                           f"try(aws_elasticache_replication_group.this{ix}.configuration_endpoint_address, null)",
                           "Configuration endpoint (cluster mode enabled), or null."))
        outs.append(output("member_clusters", f"try(aws_elasticache_replication_group.this{ix}.member_clusters, [])"))
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
    "kms": ["versions", "locals", "data"],
    "dynamodb": ["versions", "locals", "autoscaling"],
    "dax": ["versions", "locals", "iam", "security_group", "alarms"],
    "elasticache": ["versions", "locals", "security_group", "alarms"],
}


def build_module(r, unit, kind, stats):
    api = MODULE_BUILDERS[kind](r, unit, stats)
    if "locals" in unit.split:
        for role, items in unit.content.items():
            if role not in ("variables", "outputs"):
                retag(items)
        loc = Block("locals")
        loc.a("tags", Raw("merge(var.tags, {\n  \"terraform-module\" = \"" + kind + "\"\n})"))
        unit.put("locals", ("c", "Every resource of the module carries the module's name in its tags."), loc)
    return api


# ---------------------------------------------------------------------------------------------
# Root configurations.

ROOT_OPTIONAL_ROLES = ["versions", "providers", "backend", "data", "iam", "lambda", "s3", "sqs", "monitoring"]

ATTR_SETS = [
    ([("pk", "S"), ("sk", "S")], "pk", "sk"),
    ([("id", "S")], "id", None),
    ([("tenant_id", "S"), ("created_at", "N")], "tenant_id", "created_at"),
    ([("PK", "S"), ("SK", "S"), ("GSI1PK", "S"), ("GSI1SK", "S")], "PK", "SK"),
    ([("user_id", "S"), ("session_id", "S")], "user_id", "session_id"),
    ([("key", "S")], "key", None),
]


EXTRA_ROOT_VARIABLES = [
    ("kms_deletion_window_days", "number", 30, "Days before a scheduled key deletion completes."),
    ("table_deletion_protection", "bool", True, "Protect the tables from terraform destroy."),
    ("cache_snapshot_retention_days", "number", 7, "Days of cache snapshots to keep."),
    ("cache_engine_version", "string", None, "Pin the cache engine version; null takes the latest."),
    ("enable_alarms", "bool", True, "Create CloudWatch alarms."),
    ("alarm_email", "string", None, "Address subscribed to the alarm topic, or null."),
    ("lambda_memory_size", "number", 256, "Default memory of the functions, in MB."),
    ("lambda_timeout", "number", 30, "Default timeout of the functions, in seconds."),
    ("log_level", "string", "INFO", "Log level of the application."),
    ("s3_expiration_days", "number", 365, "Days before objects of the export buckets expire."),
    ("sqs_visibility_timeout", "number", 60, "Visibility timeout of the queues, in seconds."),
    ("vpc_cidr", "string", "10.0.0.0/16", "CIDR block of the VPC (when this configuration creates it)."),
    ("enable_xray", "bool", False, "Turn on X-Ray tracing."),
    ("backup_plan_enabled", "bool", False, "Add the tables to the account's AWS Backup plan."),
    ("cost_center", "string", None, "Cost center for the billing tags."),
    ("dns_zone_name", "string", None, "Route 53 zone for friendly endpoint names, or null."),
    ("maintenance_day", "string", "sun", "Day of the weekly maintenance windows."),
    ("feature_flags", "map(bool)", {}, "Feature toggles passed to the application."),
    ("allowed_account_ids", "list(string)", [], "Accounts allowed to read the exports."),
    ("read_replica_count", "number", 1, "Replicas per cache shard."),
]


def table_spec(r, entity, env):
    attrs, hk, rk = r.choice(ATTR_SETS)
    spec = {"name": entity, "hash_key": hk, "range_key": rk, "attributes": attrs,
            "billing_mode": "PROVISIONED" if r.chance(0.2) else "PAY_PER_REQUEST"}
    spec["read_capacity"] = r.choice([5, 10, 25, 50]) if spec["billing_mode"] == "PROVISIONED" else None
    spec["write_capacity"] = r.choice([5, 10, 25]) if spec["billing_mode"] == "PROVISIONED" else None
    spec["gsis"] = []
    if hk == "PK":
        spec["gsis"].append({"name": "GSI1", "hash_key": "GSI1PK", "range_key": "GSI1SK"})
    elif r.chance(0.3):
        extra = r.choice(["status", "email", "external_id", "customer_id"])
        spec["attributes"] = attrs + [(extra, "S")]
        spec["gsis"].append({"name": f"by-{extra.replace('_', '-')}", "hash_key": extra, "range_key": None,
                             "projection_type": r.choice(["ALL", "KEYS_ONLY"])})
    spec["ttl"] = r.choice(["expires_at", "ttl"]) if entity in ("sessions", "idempotency_keys", "locks", "tokens",
                                                                    "rate_limits", "carts") or r.chance(0.15) else None
    spec["stream"] = r.choice(["NEW_AND_OLD_IMAGES", "NEW_IMAGE"]) if r.chance(0.3) else None
    spec["pitr"] = None if r.chance(0.7) else r.chance(0.5)
    return spec


def table_object(spec, with_pitr):
    o = {"hash_key": spec["hash_key"]}
    if spec["range_key"]:
        o["range_key"] = spec["range_key"]
    if spec["billing_mode"] == "PROVISIONED":
        o["billing_mode"] = "PROVISIONED"
        o["read_capacity"] = spec["read_capacity"]
        o["write_capacity"] = spec["write_capacity"]
    o["attributes"] = [{"name": n, "type": t} for n, t in spec["attributes"]]
    if spec["gsis"]:
        gl = []
        for g in spec["gsis"]:
            go = {"name": g["name"], "hash_key": g["hash_key"]}
            if g.get("range_key"):
                go["range_key"] = g["range_key"]
            if g.get("projection_type", "ALL") != "ALL":
                go["projection_type"] = g["projection_type"]
            gl.append(go)
        o["global_secondary_indexes"] = gl
    if spec["ttl"]:
        o["ttl_attribute"] = spec["ttl"]
    if spec["stream"]:
        o["stream_view_type"] = spec["stream"]
    if with_pitr and spec["pitr"] is not None:
        o["point_in_time_recovery"] = spec["pitr"]
    return o


class RootCtx:
    """What one root writes, with the values it knows (for the instance count)."""

    def __init__(self, r, unit, group, plan):
        self.r = r
        self.unit = unit
        self.group = group
        self.plan = plan
        self.env = plan["env"]
        self.region = plan["region"]
        self.account = plan["account"]
        self.service = plan["service"]
        self.instances = {}
        self.data_sources = 0
        self.module_calls = 0
        self.registry_calls = 0
        self.variants = {}
        self.tfvars = []          # ("a", name, value) for terraform.tfvars
        self.vars_declared = set()

    def note(self, what, variant):
        d = self.variants.setdefault(what, {})
        d[variant] = d.get(variant, 0) + 1

    def count(self, rtype, n=1):
        count_types(self.instances, rtype, n)

    def add_counts(self, c, times=1):
        for k, n in c.items():
            count_types(self.instances, k, n * times)

    def var(self, block, tfvar=...):
        name = block.labels[0]
        self.unit.put("variables", block)
        self.vars_declared.add(name)
        if tfvar is not ...:
            self.tfvars.append(("a", name, tfvar))


def build_root(r, unit, group, plan, modules):
    """Fills a root unit. modules: {kind: ModuleApi} this root calls (source dirs relative to the corpus root)."""
    x = RootCtx(r, unit, group, plan)
    put = unit.put
    env, region, service = x.env, x.region, x.service
    is_prod = env.startswith("prod")
    tfvars_mode = plan["tfvars"]  # "tfvars", "auto", "none", "env_files"
    env_known = tfvars_mode in ("tfvars", "auto")

    # --- variables ------------------------------------------------------------------------------
    put("variables", ("c", "Inputs. Values per environment are in terraform.tfvars." if tfvars_mode == "tfvars"
                      else "Inputs."))
    x.var(variable("project", "string", default=service, description="Project name, used in every resource name."))
    x.var(variable("environment", "string", description="Deployment environment.",
                   validation=("contains([\"dev\", \"staging\", \"prod\"], var.environment)",
                               "environment must be dev, staging or prod.")),
          tfvar=env.split("-")[0] if env_known else ...)
    if tfvars_mode == "none":  # the environment is given by CI (-var): unknown here
        x.note("root", "environment-unset")
    x.var(variable("region", "string", default="us-east-1"), tfvar=region if env_known and region != "us-east-1" else ...)
    x.var(variable("owner", "string", default=group["team"]))
    x.var(variable("tags", "map(string)", default={}, description="Extra tags for every resource."),
          tfvar={"CostCenter": f"cc-{r.randrange(1000, 9999)}"} if env_known and r.chance(0.5) else ...)
    vpc = plan["vpc"]  # "vars", "data", "registry"
    if vpc == "vars":
        x.var(variable("vpc_id", "string"), tfvar=f"vpc-{r.hexstr(17)}" if env_known else ...)
        x.var(variable("private_subnet_ids", "list(string)", description="One private subnet per Availability Zone."),
              tfvar=[f"subnet-{r.hexstr(17)}" for _ in range(3)] if env_known else ...)
    x.var(variable("app_security_group_ids", "list(string)", default=[], description="Security groups of the clients."),
          tfvar=[f"sg-{r.hexstr(17)}" for _ in range(r.choice([1, 1, 2]))] if env_known and r.chance(0.6) else ...)
    app_sgs = len(x.tfvars[-1][2]) if x.tfvars and x.tfvars[-1][1] == "app_security_group_ids" else 0

    for name, type_, default, desc in r.sample(EXTRA_ROOT_VARIABLES, r.randrange(3, 12)):
        tv = ...
        if env_known and r.chance(0.3):
            tv = {"number": default * 2 if isinstance(default, int) else 3,
                  "bool": not default if isinstance(default, bool) else True, "string": f"{service}-{env}",
                  "map(bool)": {"new_checkout": is_prod}, "list(string)": [x.account]}[type_]
        x.var(variable(name, type_, default=default, description=desc), tfvar=tv)
    kinds = plan["modules"]
    use_dax = "dax" in kinds
    use_cache = "elasticache" in kinds
    use_tables = "dynamodb" in kinds
    use_kms = "kms" in kinds
    enable_dax = None
    if use_dax:
        enable_dax = is_prod or r.chance(0.4) if env_known else False
        x.var(variable("enable_dax", "bool", default=False, description="Put a DAX cluster in front of the tables."),
              tfvar=True if enable_dax else ...)
        x.var(variable("dax_node_type", "string", default="dax.t3.small"),
              tfvar=r.choice(DAX_NODE_TYPES[2:]) if env_known and is_prod else ...)
    if use_cache:
        x.var(variable("cache_node_type", "string", default="cache.t4g.small"),
              tfvar=r.choice(CACHE_NODE_TYPES[2:]) if env_known and is_prod else ...)
    replicas = []
    if use_tables and modules["dynamodb"].style.get("replicas"):
        replicas = [REPLICA_OF[region]] if is_prod and r.chance(0.5) and env_known else []
        x.var(variable("replica_regions", "list(string)", default=[], description="Regions for global table replicas."),
              tfvar=replicas if replicas else ...)
    alarm_topic = plan["roles"].get("monitoring") is not None
    x.var(variable("log_retention_days", "number", default=r.choice([14, 30, 90])))
    kms_var_unset = False
    if not use_kms and (use_tables or use_cache):
        kms_var_unset = not env_known or r.chance(0.3)
        x.var(variable("kms_key_arn", "string", description="Shared customer managed key from the security account."),
              tfvar=f"arn:aws:kms:{region}:{x.account}:key/{r.uuid()}" if not kms_var_unset else ...)
        x.note("root", "kms-var-unset" if kms_var_unset else "kms-var-set")

    # --- locals ---------------------------------------------------------------------------------
    loc = Block("locals")
    loc.a("name", Raw("\"${var.project}-${var.environment}\""))
    loc.a("short_name", Raw("substr(\"${var.project}-${var.environment}\", 0, 20)"))
    loc.a("is_prod", Raw("var.environment == \"prod\""))
    loc.blank()
    loc.a("tags", Raw("merge(var.tags, {\n  Project     = var.project\n  Environment = var.environment\n"
                      f"  Owner       = var.owner\n  ManagedBy   = \"terraform\"\n"
                      f"  Repository  = \"{group['org']}/{group['repo']}\"\n}})"))
    tables = []
    if use_tables:
        n = r.pick([(1, 20), (2, 25), (3, 20), (4, 15), (6, 10), (8, 6), (12, 4)])
        entities = r.sample(ENTITIES, n)
        tables = [table_spec(r, e, env) for e in entities]
        api = modules["dynamodb"]
        with_pitr = api.style["pitr"] == "per_table"
        loc.blank()
        loc.c("Tables of the service. Keys are short names; the module prefixes them.")
        loc.a("tables", {t["name"]: table_object(t, with_pitr) for t in tables})
    caches = {}
    if use_cache:
        api = modules["elasticache"]
        fl = api.style["flavors"]
        names = r.sample(["sessions", "cache", "rate-limits", "queue", "leaderboard", "features"], r.pick([(1, 60), (2, 30), (3, 10)]))
        for cn in names:
            spec = {}
            if len(fl) > 1:
                spec["serverless"] = r.chance(0.25)
                if "memcached" in fl and not spec["serverless"] and r.chance(0.3):
                    spec["engine"] = "memcached"
            if "engine" in api.vars and "engine" not in spec and fl != ("memcached",) and r.chance(0.5):
                spec["engine"] = r.choice(["valkey", "redis"])
            if "cluster_mode_enabled" in api.vars and r.chance(0.2):
                spec["cluster_mode_enabled"] = True
            caches[cn] = spec
        loc.blank()
        loc.a("caches", {k: dict(v) for k, v in caches.items()})
    put("locals", loc)

    # --- module calls ---------------------------------------------------------------------------
    rel = lambda d: os.path.relpath(d, unit.path)  # noqa: E731
    main_items = []
    kms_arn = None
    if use_kms:
        api = modules["kms"]
        m = Block("module", "kms")
        m.a("source", "./" + rel(api.dir) if not rel(api.dir).startswith("..") else rel(api.dir))
        args = {"name": Raw("\"${local.name}-data\""),
                "deletion_window_in_days": Raw("local.is_prod ? 30 : 7"),
                "enable_key_rotation": Raw("local.is_prod") if r.chance(0.5) else True,
                "multi_region": bool(replicas),
                "tags": Raw("local.tags")}
        if "services" in api.vars and r.chance(0.3):
            args["services"] = ["dynamodb", "elasticache"]
        if "rotation_period_in_days" in api.vars and r.chance(0.5):
            args["rotation_period_in_days"] = 180
        for k, val in args.items():
            if k in api.vars:
                m.a(k, val)
        put("kms", m)
        x.module_calls += 1
        x.add_counts(api.instances({}))
        kms_arn = "module.kms.key_arn"
    elif use_tables or use_cache:
        kms_arn = "var.kms_key_arn"

    table_arns_expr = None
    if use_tables:
        api = modules["dynamodb"]
        m = Block("module", "tables" if api.style["shape"] == "map" else "table")
        src = rel(api.dir)
        m.a("source", src if src.startswith("..") else "./" + src)
        if api.style["shape"] == "single":
            m.a("for_each", Raw("local.tables"))
            m.blank()
        args = {}
        if api.style["shape"] == "map":
            args["name_prefix"] = Raw("local.name")
            args["tables"] = Raw("local.tables")
        else:
            args["name"] = Raw("\"${local.name}-${replace(each.key, \"_\", \"-\")}\"")
            args["hash_key"] = Raw("each.value.hash_key")
            args["range_key"] = Raw("try(each.value.range_key, null)")
            args["billing_mode"] = Raw("try(each.value.billing_mode, \"PAY_PER_REQUEST\")")
            args["read_capacity"] = Raw("try(each.value.read_capacity, 5)")
            args["write_capacity"] = Raw("try(each.value.write_capacity, 5)")
            args["attributes"] = Raw("each.value.attributes")
            args["global_secondary_indexes"] = Raw("try(each.value.global_secondary_indexes, [])")
            args["ttl_attribute"] = Raw("try(each.value.ttl_attribute, null)")
            args["stream_view_type"] = Raw("try(each.value.stream_view_type, null)")
        sse = api.style["sse"]
        if sse in ("var", "dynamic", "always_on"):
            kms_choice = r.pick([("cmk", 75), ("null", 25)])
            if kms_choice == "cmk":
                args["kms_key_arn"] = Raw(kms_arn)
            x.note("tables.sse", f"{sse}/{kms_choice}" + ("" if kms_arn != "var.kms_key_arn" or not kms_var_unset else "/unset"))
        else:
            x.note("tables.sse", "none")
        if sse == "var" and r.chance(0.15):
            args["server_side_encryption_enabled"] = Raw("local.is_prod")
        if "point_in_time_recovery_enabled" in api.vars:
            args["point_in_time_recovery_enabled"] = r.pick([(Raw("local.is_prod"), 50), (True, 30), (None, 20)])
            if args["point_in_time_recovery_enabled"] is None:
                del args["point_in_time_recovery_enabled"]
        args["deletion_protection_enabled"] = Raw("local.is_prod")
        if replicas or ("replica_regions" in api.vars and r.chance(0.3)):
            args["replica_regions"] = Raw("var.replica_regions")
            if use_kms and replicas and r.chance(0.5):
                # A key of this module is regional: replicas name a key of the replica region.
                args["replica_kms_key_arns"] = {replicas[0]: f"arn:aws:kms:{replicas[0]}:{x.account}:alias/{service}-{env}"}
        if "autoscaling_max_capacity" in api.vars and r.chance(0.3):
            args["autoscaling_max_capacity"] = Raw("local.is_prod ? 1000 : 50")
        args["tags"] = Raw("local.tags")
        for k, val in args.items():
            if k in api.vars:
                m.a(k, val)
        put("dynamodb", m)
        x.module_calls += 1
        if api.style["shape"] == "map":
            x.add_counts(api.instances({"tables": tables}))
            table_arns_expr = "values(module.tables.table_arns)"
        else:
            for t in tables:
                x.add_counts(api.instances({"tables": [t]}))
            table_arns_expr = "[for t in module.table : t.table_arn]"
        if replicas and "replica_regions" in args:
            pass

    subnets = {"vars": "var.private_subnet_ids", "data": "data.aws_subnets.private.ids",
               "registry": "module.vpc.private_subnets"}[vpc]
    vpc_id = {"vars": "var.vpc_id", "data": "data.aws_vpc.this.id", "registry": "module.vpc.vpc_id"}[vpc]

    if use_dax:
        api = modules["dax"]
        m = Block("module", "dax")
        src = rel(api.dir)
        m.a("source", src if src.startswith("..") else "./" + src)
        m.a("count", Raw("var.enable_dax ? 1 : 0"))
        m.blank()
        args = {"name": Raw("local.short_name"), "node_type": Raw("var.dax_node_type"),
                "replication_factor": Raw("local.is_prod ? 3 : 1") if r.chance(0.6) else r.choice([1, 2, 3]),
                "vpc_id": Raw(vpc_id), "subnet_ids": Raw(subnets),
                "allowed_security_group_ids": Raw("var.app_security_group_ids"),
                "table_arns": Raw(table_arns_expr) if table_arns_expr else [
                    f"arn:aws:dynamodb:{region}:{x.account}:table/{service}-{env}-legacy"]}
        if "availability_zones" in api.vars and r.chance(0.4):
            args["availability_zones"] = Raw("slice(data.aws_availability_zones.available.names, 0, 3)") \
                if plan["roles"].get("data") is not None else [f"{region}a", f"{region}b", f"{region}c"]
        if "server_side_encryption_enabled" in api.vars and r.chance(0.25):
            args["server_side_encryption_enabled"] = Raw("local.is_prod")
        if "cluster_endpoint_encryption_type" in api.vars and r.chance(0.3):
            args["cluster_endpoint_encryption_type"] = r.choice(["TLS", "TLS", "NONE"])
        if alarm_topic and "alarm_topic_arn" in api.vars:
            args["alarms_enabled"] = True
            args["alarm_topic_arn"] = Raw("aws_sns_topic.alarms.arn")
        args["tags"] = Raw("local.tags")
        for k, val in args.items():
            if k in api.vars:
                m.a(k, val)
        put("dax", m)
        x.module_calls += 1
        x.note("dax", f"sse-{api.style['sse']}/tls-{api.style['tls']}/{'enabled' if enable_dax else 'disabled'}")
        if enable_dax:
            x.add_counts(api.instances({"allowed_security_group_ids": [0] * app_sgs,
                                        "alarm_topic_arn": alarm_topic and "alarm_topic_arn" in api.vars}))

    if use_cache:
        api = modules["elasticache"]
        fl = api.style["flavors"]
        m = Block("module", "cache")
        src = rel(api.dir)
        m.a("source", src if src.startswith("..") else "./" + src)
        m.a("for_each", Raw("local.caches"))
        m.blank()
        args = {"name": Raw("\"${local.name}-${each.key}\""), "vpc_id": Raw(vpc_id), "subnet_ids": Raw(subnets),
                "allowed_security_group_ids": Raw("var.app_security_group_ids"),
                "engine": Raw(f"try(each.value.engine, \"{api.style['engine_default'] if fl != ('memcached',) else 'memcached'}\")"),
                "node_type": Raw("var.cache_node_type"),
                "num_cache_clusters": Raw("local.is_prod ? 3 : 1"),
                "cluster_mode_enabled": Raw("try(each.value.cluster_mode_enabled, false)"),
                "serverless": Raw("try(each.value.serverless, false)"),
                "kms_key_arn": Raw(kms_arn) if r.chance(0.8) else None,
                "tags": Raw("local.tags")}
        if args["kms_key_arn"] is None:
            del args["kms_key_arn"]
        if "transit_encryption_enabled" in api.vars and r.chance(0.3):
            args["transit_encryption_enabled"] = Raw("local.is_prod")
        if "transit_encryption_mode" in api.vars and r.chance(0.5):
            args["transit_encryption_mode"] = r.choice(["required", "preferred"])
        if "at_rest_encryption_enabled" in api.vars and r.chance(0.2):
            args["at_rest_encryption_enabled"] = True
        if alarm_topic and "alarm_topic_arn" in api.vars:
            args["alarms_enabled"] = True
            args["alarm_topic_arn"] = Raw("aws_sns_topic.alarms.arn")
        for k, val in args.items():
            if k in api.vars:
                m.a(k, val)
        put("elasticache", m)
        x.module_calls += 1
        for cn, spec in caches.items():
            call = dict(spec)
            call["allowed_security_group_ids"] = [0] * app_sgs
            call["num_cache_clusters"] = 3 if is_prod and env_known else (1 if env_known else 1)
            call["alarm_topic_arn"] = alarm_topic and "alarm_topic_arn" in api.vars
            if "engine" not in call and "engine" in api.vars:
                call["engine"] = api.style["engine_default"] if fl != ("memcached",) else "memcached"
            x.add_counts(api.instances(call))
            x.note("cache", "+".join(fl) + f"/at-rest-{api.style['at_rest']}/transit-{api.style['transit']}")

    if vpc == "registry":
        m = Block("module", "vpc")
        m.a("source", "terraform-aws-modules/vpc/aws")
        m.a("version", r.choice(["5.13.0", "~> 5.8", "5.21.0"]))
        m.blank()
        m.a("name", Raw("local.name"))
        m.a("cidr", f"10.{r.randrange(0, 250)}.0.0/16")
        m.a("azs", [f"{region}a", f"{region}b", f"{region}c"])
        m.a("private_subnets", [f"10.0.{i}.0/24" for i in (1, 2, 3)])
        m.a("public_subnets", [f"10.0.{i}.0/24" for i in (101, 102, 103)])
        m.a("enable_nat_gateway", True)
        m.a("single_nat_gateway", Raw("!local.is_prod"))
        m.a("tags", Raw("local.tags"))
        main_items.insert(0, m)
        x.registry_calls += 1

    # --- inline resources in the root -----------------------------------------------------------
    if plan["inline_table"]:
        ent = r.choice(["idempotency", "locks", "outbox", "audit"])
        t = Block("resource", "aws_dynamodb_table", ent)
        t.a("name", Raw(f"\"${{local.name}}-{ent}\""))
        t.a("billing_mode", "PAY_PER_REQUEST")
        t.a("hash_key", "id")
        t.b("attribute").a("name", "id").a("type", "S")
        if ent in ("idempotency", "locks"):
            t.b("ttl").a("attribute_name", "expires_at").a("enabled", True)
        how = r.pick([("none", 35), ("aws_managed", 25), ("cmk", 25 if kms_arn else 0), ("false", 15)])
        if how == "aws_managed":
            t.b("server_side_encryption").a("enabled", True)
        elif how == "cmk":
            s = t.b("server_side_encryption")
            s.a("enabled", True)
            s.a("kms_key_arn", Raw(kms_arn))
        elif how == "false":
            t.b("server_side_encryption").a("enabled", False)
        x.note("inline_table.sse", how)
        if r.chance(0.6):
            t.b("point_in_time_recovery", one_line=r.chance(0.5)).a("enabled", Raw("local.is_prod") if r.chance(0.5) else True)
        t.a("tags", Raw("local.tags"))
        main_items.append(("c", "Kept out of the module: written by every service of the account."))
        main_items.append(t)
        x.count("aws_dynamodb_table")
    if plan["inline_cache"]:
        rg = Block("resource", "aws_elasticache_replication_group", "legacy")
        rg.a("replication_group_id", Raw("\"${local.name}-legacy\""))
        rg.a("description", "Legacy Redis, to be replaced by the cache module")
        rg.a("engine", "redis")
        rg.a("engine_version", "6.2")
        rg.a("node_type", "cache.m5.large")
        rg.a("num_cache_clusters", 2)
        rg.a("automatic_failover_enabled", True)
        rg.a("subnet_group_name", Raw("aws_elasticache_subnet_group.legacy.name"))
        how = r.pick([("unencrypted", 40), ("at_rest_only", 30), ("both", 30)])
        if how in ("at_rest_only", "both"):
            rg.a("at_rest_encryption_enabled", True)
        if how == "both":
            rg.a("transit_encryption_enabled", True)
        x.note("inline_cache", how)
        rg.a("tags", Raw("local.tags"))
        sng = Block("resource", "aws_elasticache_subnet_group", "legacy")
        sng.a("name", Raw("\"${local.name}-legacy\""))
        sng.a("subnet_ids", Raw(subnets))
        main_items += [("cb", "TODO(platform): migrate to module.cache and delete.\nSee the runbook before touching it."), sng, rg]
        x.count("aws_elasticache_replication_group")
        x.count("aws_elasticache_subnet_group")
    if plan["inline_key"]:
        k = Block("resource", "aws_kms_key", "logs")
        k.a("description", Raw("\"${local.name} logs and notifications\""))
        k.a("enable_key_rotation", r.choice([True, True, False]))
        k.a("deletion_window_in_days", 30)
        k.a("tags", Raw("local.tags"))
        al = Block("resource", "aws_kms_alias", "logs")
        al.a("name", Raw("\"alias/${local.name}-logs\""))
        al.a("target_key_id", Raw("aws_kms_key.logs.key_id"))
        main_items += [k, al]
        x.count("aws_kms_key")
        x.count("aws_kms_alias")
    if plan["ssm"]:
        params = {}
        if use_tables:
            params["tables"] = Raw(f"jsonencode({table_arns_expr})")
        if use_cache:
            params["caches"] = Raw("jsonencode(keys(local.caches))")
        if use_kms:
            params["kms-key"] = Raw("module.kms.key_arn")
        if params:
            p = Block("resource", "aws_ssm_parameter", "outputs")
            p.a("for_each", params)
            p.blank()
            p.a("name", Raw("\"/${var.project}/${var.environment}/${each.key}\""))
            p.a("type", "String")
            p.a("value", Raw("each.value"))
            p.a("tags", Raw("local.tags"))
            main_items.append(p)
            x.count("aws_ssm_parameter", len(params))
    if plan["moved"] and use_tables and modules["dynamodb"].style["shape"] == "map" and tables:
        mv = Block("moved")
        mv.a("from", Raw(f"aws_dynamodb_table.{tables[0]['name']}"))
        mv.a("to", Raw(f"module.tables.aws_dynamodb_table.this[\"{tables[0]['name']}\"]"))
        main_items += [("c", "Tables moved into the module in 2024."), mv]
    if plan["check"] and use_tables:
        ck = Block("check", "tables_have_pitr")
        a = ck.b("assert")
        a.a("condition", Raw("length(local.tables) > 0"))
        a.a("error_message", "The service declares no tables.")
        main_items.append(ck)
    put("main", *main_items)

    # --- providers, versions, backend -----------------------------------------------------------
    put("versions", versions_block(r))
    prov = Block("provider", "aws")
    prov.a("region", Raw("var.region"))
    if r.chance(0.4):
        ar = prov.b("assume_role")
        ar.a("role_arn", f"arn:aws:iam::{x.account}:role/terraform-deployer")
        ar.a("session_name", "terraform")
    if r.chance(0.3):
        prov.a("allowed_account_ids", [x.account])
    if r.chance(0.3):
        prov.a("retry_mode", "adaptive")
        prov.a("max_retries", 10)
    dt = prov.b("default_tags")
    if r.chance(0.5):
        dt.a("tags", Raw("local.tags"))
    else:
        dt.a("tags", {"Project": Raw("var.project"), "Environment": Raw("var.environment"), "Owner": Raw("var.owner"),
                      "ManagedBy": "terraform", "Repository": f"{group['org']}/{group['repo']}",
                      "DataClassification": r.choice(["internal", "confidential", "restricted"])})
    if r.chance(0.3):
        it = prov.b("ignore_tags")
        it.a("key_prefixes", ["kubernetes.io/", "aws:cloudformation:"])
    put("providers", prov)
    if r.chance(0.35):
        p1 = Block("provider", "aws")
        p1.a("alias", "us_east_1")
        p1.a("region", "us-east-1")
        p1.c("Global services (CloudFront certificates, Route 53 health checks) live in us-east-1.")
        p1.b("default_tags").a("tags", Raw("local.tags"))
        put("providers", p1)
    if replicas:
        p2 = Block("provider", "aws")
        p2.a("alias", "replica")
        p2.a("region", replicas[0])
        put("providers", p2)
    if plan["backend"] == "s3":
        be = Block("terraform")
        s3 = be.b("backend", "s3")
        s3.a("bucket", f"{group['org']}-terraform-state-{x.account}")
        s3.a("key", f"{group['repo']}/{os.path.relpath(unit.path, group['path'])}/terraform.tfstate")
        s3.a("region", "us-east-1")
        if r.chance(0.5):
            s3.a("dynamodb_table", "terraform-locks")
        else:
            s3.a("use_lockfile", True)
        s3.a("encrypt", True)
        put("backend", be)
    elif plan["backend"] == "cloud":
        be = Block("terraform")
        cl = be.b("cloud")
        cl.a("organization", group["org"])
        cl.b("workspaces").a("name", f"{service}-{env}")
        put("backend", be)

    # --- data sources ---------------------------------------------------------------------------
    data = []
    if plan["roles"].get("data") is not None:
        data += [Block("data", "aws_caller_identity", "current"), Block("data", "aws_region", "current"),
                 Block("data", "aws_availability_zones", "available").a("state", "available")]
    if vpc == "data":
        dv = Block("data", "aws_vpc", "this")
        dv.a("tags", {"Name": Raw("\"${var.environment}-vpc\"")})
        ds = Block("data", "aws_subnets", "private")
        f = ds.b("filter")
        f.a("name", "vpc-id")
        f.a("values", [Raw("data.aws_vpc.this.id")])
        ds.a("tags", {"Tier": "private"})
        data += [dv, ds]
    if data:
        put("data", *data)
        x.data_sources += len(data)

    # --- unrelated resources --------------------------------------------------------------------
    if plan["roles"].get("iam") is not None:
        role = Block("resource", "aws_iam_role", "app")
        role.a("name", Raw("\"${local.name}-app\""))
        role.a("assume_role_policy", assume_role_policy(r.choice(["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"])))
        pol = Block("resource", "aws_iam_policy", "app")
        pol.a("name", Raw("\"${local.name}-app\""))
        pol.a("description", "Data access for the application")
        if r.chance(0.5):
            resources = "${jsonencode(" + (table_arns_expr or "[]") + ")}"
            pol.a("policy", Heredoc(
                "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                "      \"Action\": [\"dynamodb:GetItem\", \"dynamodb:PutItem\", \"dynamodb:Query\", \"dynamodb:UpdateItem\"],\n"
                f"      \"Resource\": {resources}\n    }}\n  ]\n}}", marker=r.choice(["EOF", "POLICY"]), indented=r.chance(0.5)))
        else:
            pol.a("policy", Raw(
                "jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [\n    {\n      Effect   = \"Allow\"\n"
                "      Action   = [\"dynamodb:GetItem\", \"dynamodb:PutItem\", \"dynamodb:Query\", \"dynamodb:UpdateItem\"]\n"
                f"      Resource = {table_arns_expr or '[]'}\n    }},\n    {{\n      Effect   = \"Allow\"\n"
                "      Action   = [\"kms:Decrypt\", \"kms:GenerateDataKey\"]\n"
                f"      Resource = {('[' + kms_arn + ']') if kms_arn else '[]'}\n    }},\n  ]\n}})"))
        att = Block("resource", "aws_iam_role_policy_attachment", "app")
        managed = ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]
        att.a("for_each", Raw("{\n  app        = aws_iam_policy.app.arn\n  cloudwatch = \"" + managed[0] + "\"\n  xray       = \""
                              + managed[1] + "\"\n}"))
        att.blank()
        att.a("role", Raw("aws_iam_role.app.name"))
        att.a("policy_arn", Raw("each.value"))
        put("iam", ("c", "Role of the application's tasks."), role, pol, att)
        x.count("aws_iam_role")
        x.count("aws_iam_policy")
        x.count("aws_iam_role_policy_attachment", 3)
    if plan["roles"].get("lambda") is not None:
        fns = r.sample(["api", "worker", "stream-processor", "scheduler", "exporter", "reconciler"], r.choice([1, 2, 2, 3, 4]))
        fmap = {f: {"handler": "app.handler" if "python" in (rt := r.choice(RUNTIMES)) else "index.handler", "runtime": rt,
                    "memory": r.choice([128, 256, 512, 1024]), "timeout": r.choice([10, 30, 60, 300])} for f in fns}
        put("locals", Block("locals").a("functions", fmap))
        lr = Block("resource", "aws_iam_role", "lambda")
        lr.a("for_each", Raw("local.functions"))
        lr.blank()
        lr.a("name", Raw("\"${local.name}-${each.key}\""))
        lr.a("assume_role_policy", assume_role_policy("lambda.amazonaws.com"))
        lpa = Block("resource", "aws_iam_role_policy_attachment", "lambda_basic")
        lpa.a("for_each", Raw("aws_iam_role.lambda"))
        lpa.blank()
        lpa.a("role", Raw("each.value.name"))
        lpa.a("policy_arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
        lg = Block("resource", "aws_cloudwatch_log_group", "lambda")
        lg.a("for_each", Raw("local.functions"))
        lg.blank()
        lg.a("name", Raw("\"/aws/lambda/${local.name}-${each.key}\""))
        lg.a("retention_in_days", Raw("var.log_retention_days"))
        if plan["inline_key"]:
            lg.a("kms_key_id", Raw("aws_kms_key.logs.arn"))
        fn = Block("resource", "aws_lambda_function", "this")
        fn.a("for_each", Raw("local.functions"))
        fn.blank()
        fn.a("function_name", Raw("\"${local.name}-${each.key}\""))
        fn.a("role", Raw("aws_iam_role.lambda[each.key].arn"))
        fn.a("handler", Raw("each.value.handler"))
        fn.a("runtime", Raw("each.value.runtime"))
        fn.a("memory_size", Raw("each.value.memory"))
        fn.a("timeout", Raw("each.value.timeout"))
        fn.a("filename", Raw("\"${path.module}/build/${each.key}.zip\""))
        fn.a("source_code_hash", Raw("filebase64sha256(\"${path.module}/build/${each.key}.zip\")"))
        fn.a("architectures", ["arm64"])
        envv = {"ENVIRONMENT": Raw("var.environment"), "LOG_LEVEL": Raw("local.is_prod ? \"INFO\" : \"DEBUG\"")}
        if use_tables:
            envv["TABLES"] = Raw(f"jsonencode({'module.tables.table_names' if modules['dynamodb'].style['shape'] == 'map' else '[for t in module.table : t.table_name]'})")
        if use_dax and r.chance(0.5):
            envv["DAX_ENDPOINT"] = Raw("try(module.dax[0].cluster_address, \"\")")
        fn.b("environment").a("variables", envv)
        vc = fn.b("vpc_config")
        vc.a("subnet_ids", Raw(subnets))
        vc.a("security_group_ids", Raw("var.app_security_group_ids"))
        fn.b("tracing_config").a("mode", "Active")
        fn.a("depends_on", [Raw("aws_cloudwatch_log_group.lambda")])
        fn.a("tags", Raw("local.tags"))
        items = [("c", "Functions of the service; code is built by CI into build/<name>.zip."), lr, lpa, lg, fn]
        n = len(fns)
        x.count("aws_iam_role", n)
        x.count("aws_iam_role_policy_attachment", n)
        x.count("aws_cloudwatch_log_group", n)
        x.count("aws_lambda_function", n)
        streams = [t for t in tables if t["stream"]]
        if "stream-processor" in fns and streams and modules["dynamodb"].style["shape"] == "map":
            esm = Block("resource", "aws_lambda_event_source_mapping", "streams")
            esm.a("for_each", Raw("module.tables.stream_arns"))
            esm.blank()
            esm.a("event_source_arn", Raw("each.value"))
            esm.a("function_name", Raw("aws_lambda_function.this[\"stream-processor\"].arn"))
            esm.a("starting_position", "LATEST")
            esm.a("batch_size", 100)
            esm.a("maximum_retry_attempts", 3)
            items.append(esm)
            x.count("aws_lambda_event_source_mapping", len(streams))
        put("lambda", *items)
    if plan["roles"].get("s3") is not None:
        buckets = r.sample(["exports", "artifacts", "uploads", "backups", "reports"], r.choice([1, 1, 2, 3]))
        items = []
        for bname in buckets:
            b = Block("resource", "aws_s3_bucket", bname)
            b.a("bucket", Raw(f"\"${{local.name}}-{bname}-{x.account}\""))
            b.a("force_destroy", Raw("!local.is_prod"))
            b.a("tags", Raw("local.tags"))
            ver = Block("resource", "aws_s3_bucket_versioning", bname)
            ver.a("bucket", Raw(f"aws_s3_bucket.{bname}.id"))
            ver.b("versioning_configuration").a("status", "Enabled")
            enc = Block("resource", "aws_s3_bucket_server_side_encryption_configuration", bname)
            enc.a("bucket", Raw(f"aws_s3_bucket.{bname}.id"))
            rule = enc.b("rule")
            d = rule.b("apply_server_side_encryption_by_default")
            if kms_arn and r.chance(0.6):
                d.a("sse_algorithm", "aws:kms")
                d.a("kms_master_key_id", Raw(kms_arn))
                rule.a("bucket_key_enabled", True)
            else:
                d.a("sse_algorithm", "AES256")
            pab = Block("resource", "aws_s3_bucket_public_access_block", bname)
            pab.a("bucket", Raw(f"aws_s3_bucket.{bname}.id"))
            for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
                pab.a(k, True)
            items += [b, ver, enc, pab]
            x.count("aws_s3_bucket")
            x.count("aws_s3_bucket_versioning")
            x.count("aws_s3_bucket_server_side_encryption_configuration")
            x.count("aws_s3_bucket_public_access_block")
            if r.chance(0.4):
                lc = Block("resource", "aws_s3_bucket_lifecycle_configuration", bname)
                lc.a("bucket", Raw(f"aws_s3_bucket.{bname}.id"))
                ru = lc.b("rule")
                ru.a("id", "expire-old")
                ru.a("status", "Enabled")
                ru.b("filter").a("prefix", "")
                ru.b("expiration").a("days", r.choice([30, 90, 365]))
                ru.b("noncurrent_version_expiration").a("noncurrent_days", 30)
                items.append(lc)
                x.count("aws_s3_bucket_lifecycle_configuration")
            if r.chance(0.3):
                bp = Block("resource", "aws_s3_bucket_policy", bname)
                bp.a("bucket", Raw(f"aws_s3_bucket.{bname}.id"))
                bp.a("policy", Heredoc(
                    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"DenyInsecureTransport\",\n"
                    "      \"Effect\": \"Deny\",\n      \"Principal\": \"*\",\n      \"Action\": \"s3:*\",\n"
                    f"      \"Resource\": [\"${{aws_s3_bucket.{bname}.arn}}\", \"${{aws_s3_bucket.{bname}.arn}}/*\"],\n"
                    "      \"Condition\": { \"Bool\": { \"aws:SecureTransport\": \"false\" } }\n    }\n  ]\n}",
                    marker="POLICY", indented=r.chance(0.6)))
                items.append(bp)
                x.count("aws_s3_bucket_policy")
        put("s3", *items)
    if plan["roles"].get("sqs") is not None:
        q = Block("resource", "aws_sqs_queue", "events")
        q.a("name", Raw("\"${local.name}-events\""))
        q.a("visibility_timeout_seconds", 60)
        q.a("message_retention_seconds", 345600)
        if kms_arn and r.chance(0.5):
            q.a("kms_master_key_id", Raw(kms_arn))
        else:
            q.a("sqs_managed_sse_enabled", True)
        q.a("redrive_policy", Raw("jsonencode({\n  deadLetterTargetArn = aws_sqs_queue.events_dlq.arn\n  maxReceiveCount     = 5\n})"))
        q.a("tags", Raw("local.tags"))
        dlq = Block("resource", "aws_sqs_queue", "events_dlq")
        dlq.a("name", Raw("\"${local.name}-events-dlq\""))
        dlq.a("message_retention_seconds", 1209600)
        dlq.a("sqs_managed_sse_enabled", True)
        put("sqs", q, dlq)
        x.count("aws_sqs_queue", 2)
    if alarm_topic:
        topic = Block("resource", "aws_sns_topic", "alarms")
        topic.a("name", Raw("\"${local.name}-alarms\""))
        if plan["inline_key"]:
            topic.a("kms_master_key_id", Raw("aws_kms_key.logs.id"))
        sub = Block("resource", "aws_sns_topic_subscription", "oncall")
        sub.a("topic_arn", Raw("aws_sns_topic.alarms.arn"))
        sub.a("protocol", "email")
        sub.a("endpoint", f"oncall+{service}@{group['org']}.example.com")
        items = [topic, sub]
        x.count("aws_sns_topic")
        x.count("aws_sns_topic_subscription")
        if use_tables:
            al = Block("resource", "aws_cloudwatch_metric_alarm", "throttles")
            al.a("for_each", Raw("local.tables"))
            al.blank()
            al.a("alarm_name", Raw("\"${local.name}-${each.key}-throttles\""))
            al.a("namespace", "AWS/DynamoDB")
            al.a("metric_name", "ThrottledRequests")
            al.a("dimensions", {"TableName": Raw("\"${local.name}-${replace(each.key, \"_\", \"-\")}\"")})
            al.a("statistic", "Sum")
            al.a("period", 60)
            al.a("evaluation_periods", 5)
            al.a("threshold", 10)
            al.a("comparison_operator", "GreaterThanOrEqualToThreshold")
            al.a("treat_missing_data", "notBreaching")
            al.a("alarm_actions", [Raw("aws_sns_topic.alarms.arn")])
            items.append(al)
            x.count("aws_cloudwatch_metric_alarm", len(tables))
        put("monitoring", *items)

    # --- outputs --------------------------------------------------------------------------------
    outs = []
    if use_kms:
        outs.append(output("kms_key_arn", "module.kms.key_arn", "Key used for the service's data at rest."))
    if use_tables:
        if modules["dynamodb"].style["shape"] == "map":
            outs.append(output("table_names", "module.tables.table_names"))
            outs.append(output("table_arns", "module.tables.table_arns"))
        else:
            outs.append(output("table_names", "{ for k, t in module.table : k => t.table_name }"))
    if use_dax:
        outs.append(output("dax_endpoint", "try(module.dax[0].cluster_address, null)",
                           "DAX cluster address, or null when DAX is disabled."))
    if use_cache:
        if "primary_endpoint_address" in modules["elasticache"].outputs or "rg" in modules["elasticache"].style["flavors"]:
            outs.append(output("cache_endpoints", "{ for k, m in module.cache : k => m.primary_endpoint_address }", sensitive=r.chance(0.3)))
        outs.append(output("cache_security_groups", "{ for k, m in module.cache : k => m.security_group_id }"))
    outs.append(output("name", "local.name", "Prefix of the resource names of this configuration."))
    outs.append(output("environment", "var.environment"))
    if r.chance(0.5):
        outs.append(output("tags", "local.tags", "Tags applied to every resource."))
    if plan["roles"].get("lambda") is not None:
        outs.append(output("function_arns", "{ for k, f in aws_lambda_function.this : k => f.arn }",
                           "ARNs of the functions, keyed by short name."))
    if plan["roles"].get("sqs") is not None:
        outs.append(output("queue_url", "aws_sqs_queue.events.url"))
    put("outputs", *outs)

    # --- variable files -------------------------------------------------------------------------
    header = [("c", f"{service} / {env}"), ("blank",)] if r.chance(0.5) else []
    if tfvars_mode == "tfvars" and x.tfvars:
        unit.other_files["terraform.tfvars"] = render_file(header + x.tfvars)
    elif tfvars_mode == "auto" and x.tfvars:
        if r.chance(0.5):
            unit.other_files[f"{env}.auto.tfvars"] = render_file(header + x.tfvars)
        else:
            vals = {a[1]: a[2] for a in x.tfvars}
            unit.other_files[f"{env}.auto.tfvars.json"] = json.dumps(vals, indent=2) + "\n"
    elif tfvars_mode == "env_files":
        for e in ("dev", "staging", "prod"):
            unit.other_files[f"env/{e}.tfvars"] = render_file([("a", "environment", e),
                                                               ("a", "vpc_id", f"vpc-{r.hexstr(17)}")]
                                                              + ([("a", "private_subnet_ids", [f"subnet-{r.hexstr(17)}" for _ in range(3)])]
                                                                 if vpc == "vars" else []))
    if plan["json_file"]:
        # A generated file in Terraform's JSON syntax: more tags and an SSM parameter.
        doc = {"//": "Generated by tools/gen-metadata.py; do not edit.",
               "locals": {"metadata": {"service": service, "tier": r.choice(["1", "2", "3"]),
                                       "oncall": f"{group['team']}-oncall"}},
               "resource": {"aws_ssm_parameter": {"metadata": {
                   "name": f"/{service}/${{var.environment}}/metadata",
                   "type": "String",
                   "value": "${jsonencode(local.metadata)}",
                   "tags": "${local.tags}"}}}}
        unit.json_files["metadata.tf.json"] = doc
        x.count("aws_ssm_parameter")
    return x


def add_monolith(r, unit, x, kms_arn):
    """A legacy root that declares its tables inline, one block each, in one big main.tf."""
    items = [("c", "Legacy tables, declared before the modules existed. One block per table.")]
    n = r.randrange(20, 61)
    for e in range(n):
        ent = f"{r.choice(ENTITIES)}_{e:02d}"
        spec = table_spec(r, ent, x.env)
        t = Block("resource", "aws_dynamodb_table", ent)
        t.a("name", Raw(f"\"${{local.name}}-{hyphen(ent)}\""))
        t.a("billing_mode", spec["billing_mode"])
        if spec["billing_mode"] == "PROVISIONED":
            t.a("read_capacity", spec["read_capacity"])
            t.a("write_capacity", spec["write_capacity"])
        t.a("hash_key", spec["hash_key"])
        if spec["range_key"]:
            t.a("range_key", spec["range_key"])
        for an, at in spec["attributes"]:
            t.b("attribute").a("name", an).a("type", at)
        for g in spec["gsis"]:
            gi = t.b("global_secondary_index")
            gi.a("name", g["name"])
            gi.a("hash_key", g["hash_key"])
            if g.get("range_key"):
                gi.a("range_key", g["range_key"])
            gi.a("projection_type", g.get("projection_type", "ALL"))
            if spec["billing_mode"] == "PROVISIONED":
                gi.a("read_capacity", spec["read_capacity"])
                gi.a("write_capacity", spec["write_capacity"])
        if spec["ttl"]:
            t.b("ttl").a("attribute_name", spec["ttl"]).a("enabled", True)
        how = r.pick([("none", 30), ("aws_managed", 30), ("cmk", 30 if kms_arn else 0), ("false", 10)])
        if how == "aws_managed":
            t.b("server_side_encryption").a("enabled", True)
        elif how == "cmk":
            t.b("server_side_encryption").a("enabled", True).a("kms_key_arn", Raw(kms_arn))
        elif how == "false":
            t.b("server_side_encryption").a("enabled", False)
        x.note("monolith_table.sse", how)
        if r.chance(0.5):
            t.b("point_in_time_recovery").a("enabled", r.chance(0.7))
        if spec["stream"]:
            t.a("stream_enabled", True)
            t.a("stream_view_type", spec["stream"])
        t.a("tags", Raw(f"merge(local.tags, {{ Table = \"{ent}\" }})"))
        items.append(t)
    unit.put("main", *items)
    x.count("aws_dynamodb_table", n)


LOCK_HASHES = 12


def lock_file(r):
    ver = "5.100.0"  # satisfies every constraint the corpus writes
    lines = ["# This file is maintained automatically by \"terraform init\".",
             "# Manual edits may be lost in future updates.", "",
             'provider "registry.terraform.io/hashicorp/aws" {',
             f'  version     = "{ver}"',
             '  constraints = ">= 5.40.0, < 6.0.0"',
             "  hashes = ["]
    lines.append(f'    "h1:{r.hexstr(43)}=",')
    for _ in range(LOCK_HASHES):
        lines.append(f'    "zh:{r.hexstr(64)}",')
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def readme(title, r, kind):
    body = [f"# {title}", ""]
    if kind == "root":
        body += ["Terraform root configuration.", "", "```sh", "terraform init", "terraform plan -out plan.out", "```", ""]
    else:
        body += [f"Reusable {kind} module.", "", "## Inputs", "", "See `variables.tf`.", ""]
    return "\n".join(body)


# ---------------------------------------------------------------------------------------------
# Planning: repositories, their roots and modules, and which optional roles are files of their
# own. Planning decides the file list, so the count can be made exact before anything is
# written; writing then fills each unit from the repository's own stream.

LAYOUTS = [("envs", 28), ("live", 8), ("stacks", 14), ("services", 50)]


def plan_unit_roles(r, optional, present_p, split_p):
    roles = {}
    for role in optional:
        if r.random() < present_p.get(role, 1.0):
            roles[role] = r.random() < split_p.get(role, 0.75)
    return roles


MODULE_PRESENT_P = {"versions": 0.65, "locals": 0.5, "data": 0.8, "autoscaling": 0.35, "iam": 1.0, "security_group": 1.0,
                    "alarms": 0.4}
MODULE_SPLIT_P = {"versions": 0.9, "locals": 1.0, "data": 0.6, "autoscaling": 0.8, "iam": 0.7, "security_group": 0.7,
                  "alarms": 0.8}
ROOT_PRESENT_P = {"versions": 1.0, "providers": 1.0, "backend": 0.8, "data": 0.55, "iam": 0.35, "lambda": 0.35,
                  "s3": 0.35, "sqs": 0.25, "monitoring": 0.3}
ROOT_SPLIT_P = {"versions": 0.75, "providers": 0.6, "backend": 0.6, "data": 0.7, "iam": 0.8, "lambda": 0.85,
                "s3": 0.8, "sqs": 0.75, "monitoring": 0.8}


def module_unit(r, path, kind):
    roles = plan_unit_roles(r, MODULE_OPTIONAL_ROLES[kind], MODULE_PRESENT_P, MODULE_SPLIT_P)
    return {"path": path, "kind": kind, "roles": roles, "readme": r.chance(0.5)}


def root_plan(r, path, env, region, account, service, modules):
    roles = plan_unit_roles(r, ROOT_OPTIONAL_ROLES, ROOT_PRESENT_P, ROOT_SPLIT_P)
    p = {"path": path, "kind": "root", "roles": roles, "env": env, "region": region, "account": account,
         "service": service, "modules": modules,
         "backend": ("s3" if r.chance(0.9) else "cloud") if "backend" in roles else "none",
         "vpc": r.pick([("vars", 70), ("data", 22), ("registry", 8)]),
         "tfvars": r.pick([("tfvars", 86), ("auto", 5), ("none", 4), ("env_files", 5)]),
         "inline_table": r.chance(0.3), "inline_cache": r.chance(0.06), "inline_key": r.chance(0.15),
         "ssm": r.chance(0.3), "moved": r.chance(0.05), "check": r.chance(0.04),
         "json_file": r.chance(0.03), "monolith": r.chance(0.012),
         "readme": r.chance(0.4), "lock": r.chance(0.6)}
    if p["vpc"] == "data":
        p["roles"].setdefault("data", r.chance(0.7))
    return p


def pick_modules(r, available):
    n = min(len(available), r.pick([(2, 35), (3, 40), (4, 25)]))
    chosen = set(r.sample(available, n))
    if ("dynamodb" in chosen or "elasticache" in chosen) and "kms" in available and "kms" not in chosen and r.chance(0.7):
        chosen.discard(r.choice(sorted(chosen - {"dynamodb"}) or ["dynamodb"]))
        chosen.add("kms")
    if not chosen & {"dynamodb", "elasticache", "dax"}:
        chosen.add(r.choice([k for k in available if k != "kms"]))
    if "dax" in chosen and "dynamodb" not in chosen and "dynamodb" in available and r.chance(0.7):
        chosen.add("dynamodb")
    return [k for k in ("kms", "dynamodb", "dax", "elasticache") if k in chosen]


def plan_group(r, index):
    org = r.choice(ORGS)
    team = r.choice(TEAMS)
    layout = r.pick(LAYOUTS)
    repo = f"{team}-{r.choice(['infra', 'terraform', 'platform', 'iac', 'infrastructure'])}-{index:04d}"
    path = f"{org}/{repo}"
    account_of = {e: r.choice(ACCOUNTS) for e in ENVS}
    home = r.pick([(x, w) for x, w in zip(REGIONS, [35, 15, 20, 12, 10, 8])])
    g = {"org": org, "team": team, "repo": repo, "path": path, "layout": layout, "modules": [], "roots": [],
         "index": index}
    kinds = ["kms", "dynamodb", "dax", "elasticache"]
    if layout != "services":
        if r.chance(0.2):
            kinds.remove(r.choice(["dax", "elasticache"]))
        base = f"{path}/modules"
        for k in kinds:
            g["modules"].append(module_unit(r, f"{base}/{k}", k))
        service = r.choice(SERVICES)
        if layout == "envs":
            envs = r.pick([(["dev", "staging", "prod"], 50), (["dev", "prod"], 25), (["dev", "staging", "prod", "prod-eu"], 25)])
            for e in envs:
                region = "eu-west-1" if e == "prod-eu" else home
                g["roots"].append(root_plan(r, f"{path}/envs/{e}", e, region, account_of[e.split('-')[0]], service,
                                            pick_modules(r, kinds)))
        elif layout == "live":
            regions = [home] + ([REPLICA_OF[home]] if r.chance(0.25) else [])
            stacks = r.sample(SERVICES, r.pick([(1, 30), (2, 45), (3, 25)]))
            for region in regions:
                for e in r.sample(ENVS, r.choice([2, 3])):
                    for s in stacks:
                        g["roots"].append(root_plan(r, f"{path}/live/{region}/{e}/{s}", e, region, account_of[e], s,
                                                    pick_modules(r, kinds)))
        else:  # stacks
            for s in r.sample(SERVICES, r.pick([(2, 30), (3, 30), (4, 25), (6, 15)])):
                e = r.choice(ENVS)
                g["roots"].append(root_plan(r, f"{path}/stacks/{s}", e, home, account_of[e], s, pick_modules(r, kinds)))
        # Every shared module is called by some root (an unused one would be read as a root).
        used = {k for rt in g["roots"] for k in rt["modules"]}
        for k in kinds:
            if k not in used:
                g["roots"][0]["modules"] = sorted(set(g["roots"][0]["modules"]) | {k}, key=kinds.index)
    else:
        for s in r.sample(SERVICES, r.pick([(1, 35), (2, 35), (3, 20), (4, 10)])):
            e = r.choice(ENVS)
            root_path = f"{path}/services/{s}"
            mods = pick_modules(r, kinds)
            rp = root_plan(r, root_path, e, home, account_of[e], s, mods)
            rp["own_modules"] = [module_unit(r, f"{root_path}/modules/{k}", k) for k in mods]
            g["roots"].append(rp)
    for rt in g["roots"]:
        for k in rt["modules"]:
            rt["roles"][k] = r.chance(0.4)
        # main.tf needs something: a module call, unless the root declares resources of its own there.
        own = rt["inline_table"] or rt["inline_key"] or rt["inline_cache"] or rt["vpc"] == "registry" or rt["monolith"]
        if not own and all(rt["roles"][k] for k in rt["modules"]):
            rt["roles"][rt["modules"][-1]] = False
    return g


def unit_tf_files(u):
    n = len(MODULE_REQUIRED_ROLES if u["kind"] != "root" else REQUIRED_ROLES)
    n += sum(1 for split in u["roles"].values() if split)
    if u["kind"] == "root" and u["json_file"]:
        n += 1
    return n


def group_units(g):
    out = list(g["modules"])
    for rt in g["roots"]:
        out.append(rt)
        out.extend(rt.get("own_modules", []))
    return out


def plan_corpus(top, n):
    groups, total = [], 0
    while total < n:
        g = plan_group(top, len(groups))
        groups.append(g)
        total += sum(unit_tf_files(u) for u in group_units(g))
    # Too many files: drop roots of the last repository while its optional files cannot absorb the
    # excess (small corpora), then fold optional roles back into main.tf, one per unit, from the
    # last unit.
    last = groups[-1]
    optional = lambda: sum(1 for g in groups for u in group_units(g) for split in u["roles"].values() if split)  # noqa: E731
    while total - n > optional() and len(last["roots"]) > 1:
        rt = last["roots"].pop()
        total -= sum(unit_tf_files(u) for u in [rt] + rt.get("own_modules", []))
        used = {k for x in last["roots"] for k in x["modules"]}
        for m in list(last["modules"]):  # a shared module nobody calls would be read as a root
            if m["kind"] not in used:
                last["modules"].remove(m)
                total -= unit_tf_files(m)
    excess = total - n
    if excess < 0:  # dropping a root went below: make more optional roles files of their own
        units = [u for g in reversed(groups) for u in reversed(group_units(g))]
        for u in units:
            candidates = MODULE_OPTIONAL_ROLES[u["kind"]] if u["kind"] != "root" else \
                [x for x in ROOT_OPTIONAL_ROLES if x != "backend"] + list(u["modules"])
            for role in candidates:
                if excess < 0 and not u["roles"].get(role):
                    u["roles"][role] = True
                    excess += 1
        if excess < 0:
            raise SystemExit(f"gen_tf: cannot write exactly {n} files; try a larger --files")
    units = [u for g in reversed(groups) for u in reversed(group_units(g))]
    while excess > 0:
        progressed = False
        for u in units:
            role = next((k for k in sorted(u["roles"]) if u["roles"][k]), None)
            if role is None:
                continue
            u["roles"][role] = False
            excess -= 1
            progressed = True
            if excess == 0:
                break
        if not progressed:
            raise SystemExit("gen_tf: cannot reach the file count exactly")
    return groups


# ---------------------------------------------------------------------------------------------
# Writing.

class Writer:
    def __init__(self, root):
        self.root = root
        self.tf_files = 0
        self.tf_bytes = 0
        self.other_files = 0
        self.other_bytes = 0
        self.sizes = []
        self.made = set()

    def write(self, rel, text, tf):
        path = os.path.join(self.root, rel)
        d = os.path.dirname(path)
        if d not in self.made:
            os.makedirs(d, exist_ok=True)
            self.made.add(d)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        if tf:
            self.tf_files += 1
            self.tf_bytes += len(data)
            self.sizes.append(len(data))
        else:
            self.other_files += 1
            self.other_bytes += len(data)


BANNERS = {"main.tf": "Resources", "variables.tf": "Input variables", "outputs.tf": "Outputs", "locals.tf": "Locals",
           "data.tf": "Data sources", "iam.tf": "IAM", "lambda.tf": "Lambda functions", "s3.tf": "S3 buckets",
           "sqs.tf": "Queues", "monitoring.tf": "Monitoring and alerting", "security_group.tf": "Network access",
           "alarms.tf": "CloudWatch alarms", "autoscaling.tf": "Capacity autoscaling", "kms.tf": "Encryption keys",
           "tables.tf": "DynamoDB tables", "dax.tf": "DAX", "cache.tf": "ElastiCache"}


def write_unit(w, unit, r, plan):
    comment = "//" if r.chance(0.08) else "#"
    banner = r.chance(0.45)
    rule = comment + " " + "-" * r.choice([77, 98, 60])
    for name, items in sorted(unit.files().items()):
        if not items:
            raise AssertionError(f"{unit.path}/{name} would be empty")
        if banner and name in BANNERS:
            title = BANNERS[name] if unit.kind == "root" or name != "main.tf" else f"{unit.kind} module"
            items = [("raw", [rule, f"{comment} {title}", rule])] + list(items)
        w.write(f"{unit.path}/{name}", render_file(items, comment), True)
    for name, doc in sorted(unit.json_files.items()):
        w.write(f"{unit.path}/{name}", json.dumps(doc, indent=2) + "\n", True)
    for name, text in sorted(unit.other_files.items()):
        w.write(f"{unit.path}/{name}", text, False)


def build_group(seed, g, w, stats):
    r = Rand(f"atrest-bench-tf:{seed}:{g['index']}")
    apis = {}
    for m in g["modules"]:
        u = Unit(m["path"], m["kind"], m["roles"])
        apis[m["kind"]] = build_module(r, u, m["kind"], stats)
        if m["readme"]:
            u.other_files["README.md"] = readme(f"{m['kind']} module", r, m["kind"])
        write_unit(w, u, r, m)
        stats["modules"] += 1
    for rp in g["roots"]:
        mods = {}
        for om in rp.get("own_modules", []):
            u = Unit(om["path"], om["kind"], om["roles"])
            mods[om["kind"]] = build_module(r, u, om["kind"], stats)
            if om["readme"]:
                u.other_files["README.md"] = readme(f"{om['kind']} module", r, om["kind"])
            write_unit(w, u, r, om)
            stats["modules"] += 1
        for k in rp["modules"]:
            mods.setdefault(k, apis.get(k))
        u = Unit(rp["path"], "root", rp["roles"])
        x = build_root(r, u, g, rp, mods)
        if rp["monolith"]:
            add_monolith(r, u, x, "module.kms.key_arn" if "kms" in rp["modules"] else
                         ("var.kms_key_arn" if "kms_key_arn" in x.vars_declared else None))
        if rp["readme"]:
            u.other_files["README.md"] = readme(f"{rp['service']} ({rp['env']})", r, "root")
        if rp["lock"]:
            u.other_files[".terraform.lock.hcl"] = lock_file(r)
        write_unit(w, u, r, rp)
        stats["roots"] += 1
        stats["module_calls"] += x.module_calls
        stats["registry_module_calls"] += x.registry_calls
        stats["data_sources"] += x.data_sources
        n = sum(x.instances.values())
        stats["resources"] += n
        stats["root_resources"].append(n)
        stats["roots_list"].append({"path": rp["path"], "resources": n, "by_type": dict(sorted(x.instances.items()))})
        for k, v in x.instances.items():
            stats["by_type"][k] = stats["by_type"].get(k, 0) + v
        for what, d in x.variants.items():
            into = stats["variants"].setdefault(what, {})
            for k, v in d.items():
                into[k] = into.get(k, 0) + v
        stats["layouts"][g["layout"]] = stats["layouts"].get(g["layout"], 0) + 1


# The types atrest's checks judge (each instance gets findings); keys and aliases are looked up.
CHECKED_TYPES = ["aws_dax_cluster", "aws_dynamodb_table", "aws_elasticache_replication_group",
                 "aws_elasticache_cluster", "aws_elasticache_serverless_cache"]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, required=True, help="number of Terraform files (.tf, .tf.json) to write")
    ap.add_argument("--out", required=True, help="output directory (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--manifest", help="also write counts as JSON to this path (keep it outside --out)")
    args = ap.parse_args(argv)
    if args.files < 20:
        ap.error("--files must be at least 20 (one repository)")
    if os.path.exists(args.out) and (not os.path.isdir(args.out) or os.listdir(args.out)):
        ap.error(f"{args.out} exists and is not an empty directory")
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()

    top = Rand(f"atrest-bench-tf:{args.seed}")
    groups = plan_corpus(top, args.files)
    w = Writer(args.out)
    stats = {"roots": 0, "modules": 0, "module_calls": 0, "registry_module_calls": 0, "data_sources": 0,
             "resources": 0, "root_resources": [], "by_type": {}, "variants": {}, "layouts": {}, "roots_list": []}
    for g in groups:
        build_group(args.seed, g, w, stats)
    assert w.tf_files == args.files, (w.tf_files, args.files)
    elapsed = time.monotonic() - started
    sizes = sorted(w.sizes)
    per_root = sorted(stats.pop("root_resources"))
    checked = sum(stats["by_type"].get(k, 0) for k in CHECKED_TYPES)

    def pct(xs, p):
        return xs[min(len(xs) - 1, int(len(xs) * p))]

    if args.manifest:
        with open(os.path.abspath(__file__), "rb") as f:
            generator_sha256 = hashlib.sha256(f.read()).hexdigest()
        manifest = {"generator": "bench/gen_tf.py", "generator_sha256": generator_sha256, "format": 1,
                    "kind": "tf", "seed": args.seed, "tf_files": w.tf_files, "tf_bytes": w.tf_bytes,
                    "files": w.tf_files + w.other_files, "bytes": w.tf_bytes + w.other_bytes,
                    "other_files": w.other_files, "other_bytes": w.other_bytes,
                    "repositories": len(groups), "roots": stats["roots"], "module_dirs": stats["modules"],
                    "module_calls": stats["module_calls"], "registry_module_calls": stats["registry_module_calls"],
                    "data_sources": stats["data_sources"],
                    "resources": stats["resources"], "checked_resources": checked,
                    "tf_file_bytes": {"min": sizes[0], "median": pct(sizes, 0.5), "p90": pct(sizes, 0.9),
                                      "p99": pct(sizes, 0.99), "max": sizes[-1],
                                      "share_1k_to_10k": round(sum(1 for s in sizes if 1024 <= s <= 10240) / len(sizes), 3)},
                    "resources_per_root": {"min": per_root[0], "median": pct(per_root, 0.5), "p90": pct(per_root, 0.9),
                                           "max": per_root[-1]},
                    "layouts": dict(sorted(stats["layouts"].items())),
                    "by_type": dict(sorted(stats["by_type"].items())),
                    "variants": {k: dict(sorted(v.items())) for k, v in sorted(stats["variants"].items())},
                    "root_configurations": stats["roots_list"]}
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
    print(f"gen_tf: {w.tf_files} Terraform files ({w.tf_bytes / 2**20:.1f} MiB) and {w.other_files} others "
          f"({w.other_bytes / 2**20:.1f} MiB) in {len(groups)} repositories: {stats['roots']} roots, "
          f"{stats['modules']} module directories; {stats['resources']} resource instances ({checked} of the types "
          f"atrest's checks judge), seed {args.seed}, {elapsed:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
