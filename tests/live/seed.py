#!/usr/bin/env python3
"""Seed a moto endpoint (normally through fault_proxy) with scenarios and the verdicts expected.

    from seed import seed_demo, seed_scale, seed_pages
    result = seed_demo(env.endpoint, expected_path="expected.json")

    python3 tests/live/seed.py demo  [--endpoint URL] [--expected FILE] [--serve]
    python3 tests/live/seed.py scale [--tables N --dax N --replication-groups N --kms-keys N ...]
    python3 tests/live/seed.py pages
Without --endpoint a MotoEnv (moto + fault_proxy) is started, seeded, its contents counted with
the aws CLI through the proxy, and stopped (or kept until Ctrl-C with --serve).

Each seed_* returns (and with expected_path writes) a dict:
    {"scenario", "endpoint", "account", "regions", "fixtures" (bool: proxy fixtures were set),
     "resources": [{"type", "id", "arn", "account", "region", "facts": {...}}],
     "expected":  [{"check_id", "status", "resource": {"type", "id", "arn", "account", "region"},
                    "caveat"?}],
     "summary": {check_id: {"PASS": n, "FAIL": n}}, "counts": {...}}
"resource" has the shape of a finding's resource in docs/findings-v1.schema.json. "status" is the
verdict a correct scanner gives on real AWS for the same configuration; where moto's answers
differ from AWS so that the data moto serves decides otherwise, "caveat" says how.
Tables on the AWS owned key get no dynamodb-key-usable entry (the check makes no finding).

The serverless caches, ElastiCache user groups and DAX subnet groups exist only in the proxy's
fixtures (moto lacks those operations). When the endpoint is not a fault_proxy they are skipped
and "fixtures" is false.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from moto_env import DEFAULT_ACCOUNT, MotoEnv, http, make_client  # noqa: E402

DAX_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")  # all four offer DAX
KEY_SCHEMA = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                  BillingMode="PAY_PER_REQUEST")
DAX_ROLE = "atrest-dax-service-role"
T_DAX, T_TABLE = "AWS::DAX::Cluster", "AWS::DynamoDB::Table"
T_RG, T_CC, T_SC = "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache"
T_KEY = "AWS::KMS::Key"
CAVEAT_AZ = ("moto places every DAX node in <region>a (AvailabilityZones is not implemented), so the cluster "
             "can never span 3 zones there")
CAVEAT_SG = ("moto gives every DAX cluster a random security group id that does not exist in EC2, so the "
             "cluster's security group cannot be read")
CAVEAT_RG_MEMBERS = ("moto's DescribeCacheClusters does not list the member clusters of a replication group, and only "
                     "they name its subnet group; on AWS the group (default here) decides the verdict")
T_TRAIL, T_RECORDER, T_ACCOUNT = "AWS::CloudTrail::Trail", "AWS::Config::ConfigurationRecorder", "AWS::::Account"
T_ROLE, T_POLICY = "AWS::IAM::Role", "AWS::IAM::Policy"
# Checks whose every finding on the demo is in "expected" (a finding of another check is not compared).
DEMO_CHECKS = (
    "dax-encryption-at-rest", "dax-encryption-in-transit", "dax-multi-az", "dynamodb-customer-managed-key",
    "dynamodb-key-usable", "dynamodb-kms-encryption", "elasticache-encryption-at-rest", "elasticache-encryption-in-transit",
    "dax-security-group-restricted", "dax-private-subnets", "dax-iam-role-least-privilege",
    "dynamodb-pitr-enabled", "dynamodb-deletion-protection", "dynamodb-backup-plan", "dynamodb-autoscaling",
    "dynamodb-resource-policy-restricted", "dynamodb-global-table-replica-keys", "dynamodb-required-tags",
    "elasticache-customer-managed-key", "elasticache-key-usable", "elasticache-auth", "elasticache-automatic-failover",
    "elasticache-multi-az", "elasticache-backup-retention", "elasticache-auto-minor-upgrade",
    "elasticache-custom-subnet-group", "elasticache-private-subnets",
    "kms-key-rotation", "kms-key-not-pending-deletion",
    "cloudtrail-management-events", "cloudtrail-dynamodb-data-events", "config-recorder-dynamodb", "vpc-dynamodb-endpoint",
    "iam-dynamodb-least-privilege", "kms-key-policy-restricted", "kms-key-via-service-complete")
# Expected below but not verified against a scan.
DEMO_CHECKS_UNVERIFIED = ()
CAVEAT_AWS_MANAGED = ("moto reports the alias/aws/dynamodb key with KeyManager CUSTOMER (AWS says AWS); a "
                      "scanner that trusts KeyManager alone reports PASS on moto; the alias tells them apart")


class Seeder:
    """boto3 clients per (service, region), one account, thread-safe bookkeeping."""

    def __init__(self, endpoint: str, account: str = DEFAULT_ACCOUNT, threads: int = 16, scenario: str = ""):
        self.endpoint = endpoint.rstrip("/")
        self.account = account
        self.threads = threads
        self._clients: dict = {}
        self._lock = threading.Lock()
        self.resources: list[dict] = []
        self.expected: list[dict] = []
        status, _ = (0, None)
        try:
            status, _ = http("GET", f"{self.endpoint}/__proxy/health", timeout=5)
        except OSError:
            pass
        self.has_proxy = status == 200
        self.scenario = scenario
        self.regions: list[str] = []

    def client(self, service: str, region: str):
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = make_client(
                    self.endpoint, service, region,
                    account=None if self.account == DEFAULT_ACCOUNT else self.account,
                    attempts=3, max_pool_connections=max(10, self.threads))
            return self._clients[key]

    def warm(self, regions) -> None:
        """Sequential calls before threads start. moto creates region backends lazily, and it
        creates the alias/aws/dynamodb key on the first SSE-KMS table without a lock: parallel
        first tables each create a key (only one gets the alias, the others are orphans in
        ListKeys). A throw-away table creates that key first."""
        for r in regions:
            ddb = self.client("dynamodb", r)
            ddb.list_tables(Limit=1)
            ddb.create_table(TableName="atrest-warm-up", SSESpecification={"Enabled": True, "SSEType": "KMS"}, **KEY_SCHEMA)
            ddb.delete_table(TableName="atrest-warm-up")
            self.client("dax", r).describe_clusters(MaxResults=20)
            self.client("elasticache", r).describe_replication_groups(MaxRecords=20)
            self.client("kms", r).list_keys(Limit=1)

    def parallel(self, fn, jobs) -> list:
        with concurrent.futures.ThreadPoolExecutor(self.threads) as ex:
            futures = [ex.submit(fn, *job) for job in jobs]
            return [f.result() for f in futures]

    def fixtures(self, region: str, **lists) -> None:
        status, body = http("POST", f"{self.endpoint}/__proxy/fixtures",
                            dict(lists, account=self.account, region=region, replace=True))
        if status != 200:
            raise RuntimeError(f"proxy fixtures: {status} {body}")

    def expect(self, type_: str, id_: str, region: str | None, verdicts: dict, arn: str | None = None) -> None:
        """More verdicts for a resource already added (its ARN is taken from there), or for one the
        scan names without the seed adding it (account scopes, trails, IAM: arn as given)."""
        arn = arn or next((r["arn"] for r in self.resources if (r["type"], r["id"], r["region"]) == (type_, id_, region)),
                          None)
        res = {"type": type_, "id": id_, "arn": arn, "account": self.account, "region": region}
        with self._lock:
            for check, v in verdicts.items():
                status, caveat = v if isinstance(v, tuple) else (v, None)
                e = {"check_id": check, "status": status, "resource": res}
                if caveat:
                    e["caveat"] = caveat
                self.expected.append(e)

    def add(self, type_: str, id_: str, arn: str | None, region: str, facts: dict, verdicts: dict) -> None:
        res = {"type": type_, "id": id_, "arn": arn, "account": self.account, "region": region}
        with self._lock:
            self.resources.append(dict(res, facts=facts))
            for check, v in verdicts.items():
                status, caveat = v if isinstance(v, tuple) else (v, None)
                e = {"check_id": check, "status": status, "resource": res}
                if caveat:
                    e["caveat"] = caveat
                self.expected.append(e)

    def verify(self, counts: dict) -> None:
        """The listed counts must equal what was created (moto is not thread-safe everywhere)."""
        names = {"tables": T_TABLE, "dax_clusters": T_DAX, "replication_groups": T_RG, "cache_clusters": T_CC,
                 "serverless_caches": T_SC}
        problems = []
        for region, c in counts.items():
            for key, type_ in names.items():
                want = sum(1 for r in self.resources if r["region"] == region and r["type"] == type_)
                if key in c and c[key] != want:
                    problems.append(f"{region} {key}: listed {c[key]}, created {want}")
            cmks = sum(1 for r in self.resources if r["region"] == region and r["type"] == T_KEY)
            aws_key = any(r["region"] == region and r["type"] == T_TABLE and r["facts"]["key"] == "aws"
                          for r in self.resources)
            if c["kms_keys"] != cmks + aws_key:
                problems.append(f"{region} kms_keys: listed {c['kms_keys']}, created {cmks} + {int(aws_key)} aws/dynamodb")
        if problems:
            raise RuntimeError("seeding lost or duplicated resources: " + "; ".join(problems))

    def result(self, counts: dict, expected_path: str | None = None, extra: dict | None = None) -> dict:
        self.verify(counts)
        summary: dict = {}
        for e in self.expected:
            summary.setdefault(e["check_id"], {}).setdefault(e["status"], 0)
            summary[e["check_id"]][e["status"]] += 1
        out = {"scenario": self.scenario, "endpoint": self.endpoint, "account": self.account,
               "regions": self.regions, "fixtures": self.has_proxy,
               "resources": sorted(self.resources, key=lambda r: (r["region"], r["type"], r["id"])),
               "expected": sorted(self.expected, key=lambda e: (e["resource"]["region"] or "", e["check_id"],
                                                                e["resource"]["type"], e["resource"]["id"])),
               "summary": summary, "counts": counts}
        out.update(extra or {})
        if expected_path:
            with open(expected_path, "w") as f:
                json.dump(out, f, indent=1, default=str)
                f.write("\n")
        return out

    # -- building blocks ---------------------------------------------------------------------
    def dax_role(self) -> str:
        iam = self.client("iam", "us-east-1")
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "dax.amazonaws.com"},
                                                       "Action": "sts:AssumeRole"}]}
        try:
            return iam.create_role(RoleName=DAX_ROLE, AssumeRolePolicyDocument=json.dumps(doc))["Role"]["Arn"]
        except iam.exceptions.EntityAlreadyExistsException:
            return iam.get_role(RoleName=DAX_ROLE)["Role"]["Arn"]

    def kms_key(self, region: str, name: str, rotation: bool = False) -> dict:
        kms = self.client("kms", region)
        md = kms.create_key(Description=f"atrest {name}", Tags=[{"TagKey": "atrest", "TagValue": name}])["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/atrest/{name}", TargetKeyId=md["KeyId"])
        if rotation:
            kms.enable_key_rotation(KeyId=md["KeyId"])
        return md

    def kms_finish(self, region: str, md: dict, state: str) -> None:
        """state: Enabled, Disabled or PendingDeletion (after the resources using the key exist)."""
        kms = self.client("kms", region)
        if state == "Disabled":
            kms.disable_key(KeyId=md["KeyId"])
        elif state == "PendingDeletion":
            kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)

    def record_key(self, region: str, md: dict, name: str, state: str, rotation: bool) -> None:
        self.add(T_KEY, md["KeyId"], md["Arn"], region,
                 {"alias": f"alias/atrest/{name}", "KeyState": state, "KeyManager": "CUSTOMER",
                  "KeyRotationEnabled": rotation}, {})

    def table(self, region: str, name: str, key: str = "owned", key_md: dict | None = None, key_state: str = "Enabled",
              pitr: bool = False, deletion_protection: bool = False, policy: bool = False) -> None:
        """key: owned (AWS owned key), aws (alias/aws/dynamodb) or cmk (key_md)."""
        ddb = self.client("dynamodb", region)
        kw = dict(KEY_SCHEMA)
        if key == "aws":
            kw["SSESpecification"] = {"Enabled": True, "SSEType": "KMS"}
        elif key == "cmk":
            # pass the ARN: given a bare key id moto echoes the id as KMSMasterKeyArn
            kw["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_md["Arn"]}
        if deletion_protection:
            kw["DeletionProtectionEnabled"] = True
        t = ddb.create_table(TableName=name, **kw)["TableDescription"]
        if pitr:
            ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        if policy:
            ddb.put_resource_policy(ResourceArn=t["TableArn"], Policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Sid": "ReadOnlyFromAccount", "Effect": "Allow",
                               "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                               "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": t["TableArn"]}]}))
        kms_ok = key != "owned"
        verdicts = {"dynamodb-kms-encryption": "PASS" if kms_ok else "FAIL"}
        if key == "owned":
            verdicts["dynamodb-customer-managed-key"] = "FAIL"
        elif key == "aws":
            verdicts["dynamodb-customer-managed-key"] = ("FAIL", CAVEAT_AWS_MANAGED)
            verdicts["dynamodb-key-usable"] = "PASS"
        else:
            verdicts["dynamodb-customer-managed-key"] = "PASS"
            verdicts["dynamodb-key-usable"] = "PASS" if key_state == "Enabled" else "FAIL"
        facts = {"key": key, "kms_key_arn": key_md["Arn"] if key_md else None, "key_state": key_state if key == "cmk" else None,
                 "pitr": pitr, "deletion_protection": deletion_protection, "resource_policy": policy}
        self.add(T_TABLE, name, t["TableArn"], region, facts, verdicts)

    def dax_cluster(self, region: str, name: str, role_arn: str, nodes: int, sse: bool, tls: bool) -> None:
        dax = self.client("dax", region)
        kw = {}
        if sse:
            kw["SSESpecification"] = {"Enabled": True}
        if tls:
            kw["ClusterEndpointEncryptionType"] = "TLS"
        c = dax.create_cluster(ClusterName=name, NodeType="dax.t3.small", ReplicationFactor=nodes, IamRoleArn=role_arn,
                               SubnetGroupName="default", **kw)["Cluster"]
        self.add(T_DAX, name, c["ClusterArn"], region, {"nodes": nodes, "sse": sse, "tls": tls},
                 {"dax-encryption-at-rest": "PASS" if sse else "FAIL",
                  "dax-encryption-in-transit": "PASS" if tls else "FAIL",
                  "dax-multi-az": ("FAIL", CAVEAT_AZ) if nodes >= 3 else "FAIL"})

    def replication_group(self, region: str, rg_id: str, engine: str, at_rest: bool, transit: bool,
                          mode: str | None = None, key_md: dict | None = None, ha: bool = False) -> None:
        ec = self.client("elasticache", region)
        kw = dict(ReplicationGroupId=rg_id, ReplicationGroupDescription=f"atrest {rg_id}", Engine=engine,
                  CacheNodeType="cache.t3.micro", NumCacheClusters=2 if ha else 1,
                  AtRestEncryptionEnabled=at_rest, TransitEncryptionEnabled=transit)
        if mode:
            kw["TransitEncryptionMode"] = mode
        if key_md:
            kw["KmsKeyId"] = key_md["Arn"]
        if ha:
            kw.update(AutomaticFailoverEnabled=True, MultiAZEnabled=True, SnapshotRetentionLimit=7)
        if transit and ha:
            kw["AuthToken"] = "atrest-demo-auth-token-0123456789"
        g = ec.create_replication_group(**kw)["ReplicationGroup"]
        self.add(T_RG, rg_id, g.get("ARN"), region,
                 {"engine": engine, "at_rest": at_rest, "transit": transit, "transit_mode": mode,
                  "kms_key_arn": key_md["Arn"] if key_md else None, "multi_az": ha},
                 {"elasticache-encryption-at-rest": "PASS" if at_rest else "FAIL",
                  "elasticache-encryption-in-transit": "PASS" if transit and mode != "preferred" else "FAIL"})

    def memcached(self, region: str, cc_id: str, subnet_group: str | None = None) -> None:
        ec = self.client("elasticache", region)
        kw = {"CacheSubnetGroupName": subnet_group} if subnet_group else {}
        c = ec.create_cache_cluster(CacheClusterId=cc_id, Engine="memcached", CacheNodeType="cache.t3.micro",
                                    NumCacheNodes=1, **kw)["CacheCluster"]
        self.add(T_CC, cc_id, c.get("ARN"), region, {"engine": "memcached"},
                 {"elasticache-encryption-at-rest": "FAIL", "elasticache-encryption-in-transit": "FAIL"})

    def serverless_item(self, region: str, name: str, key_md: dict | None, user_group: str | None = None,
                        subnets: list | None = None) -> dict:
        item = {"ServerlessCacheName": name, "Description": f"atrest {name}", "Status": "available",
                "Engine": "valkey", "MajorEngineVersion": "8", "FullEngineVersion": "8.0",
                "CreateTime": 1795624685.0,
                "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 5000}},
                "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"],
                "SubnetIds": subnets or [f"subnet-0{region.replace('-', '')[:6]}{i}" for i in "abc"],
                "Endpoint": {"Address": f"{name}-x1y2z3.serverless.{region}.cache.amazonaws.com", "Port": 6379},
                "ReaderEndpoint": {"Address": f"{name}-x1y2z3.serverless.{region}.cache.amazonaws.com", "Port": 6380},
                "ARN": f"arn:aws:elasticache:{region}:{self.account}:serverlesscache:{name}",
                "SnapshotRetentionLimit": 1, "DailySnapshotTime": "03:00", "NetworkType": "ipv4"}
        if key_md:
            item["KmsKeyId"] = key_md["Arn"]
        if user_group:
            item["UserGroupId"] = user_group
        self.add(T_SC, name, item["ARN"], region, {"kms_key_arn": key_md["Arn"] if key_md else None},
                 {"elasticache-encryption-at-rest": "PASS", "elasticache-encryption-in-transit": "PASS"})
        return item

    @staticmethod
    def dax_subnet_group(region: str, name: str, azs: int, net: dict | None = None) -> dict:
        """net: a network() whose subnets the group uses; else made-up ids in a made-up VPC."""
        ids = net["subnets"] if net else [f"subnet-0{name[:4]}{i}" for i in range(3)]
        return {"SubnetGroupName": name, "Description": f"atrest {name}",
                "VpcId": net["vpc"] if net else "vpc-0a1b2c3d4e5f60001",
                "Subnets": [{"SubnetIdentifier": ids[i], "SubnetAvailabilityZone": f"{region}{z}",
                             "SupportedNetworkTypes": ["ipv4"]} for i, z in enumerate("abc"[:azs])],
                "SupportedNetworkTypes": ["ipv4"]}

    # -- network, IAM, backup, trails, Config (the account-level data of the newer checks) -----
    def network(self, region: str, name: str, cidr: str, public: bool, dynamodb_endpoint: bool) -> dict:
        """A VPC with one subnet in each of zones a, b, c; public: the subnets' route table sends
        0.0.0.0/0 to an internet gateway; dynamodb_endpoint: a Gateway endpoint for DynamoDB."""
        ec2 = self.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
        base = cidr.rsplit(".", 2)[0]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{16 * i}.0/20",
                                     AvailabilityZone=f"{region}{z}")["Subnet"]["SubnetId"] for i, z in enumerate("abc")]
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for sn in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=sn)
        if public:
            igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        if dynamodb_endpoint:  # and one for S3, which does not count
            for service in ("s3", "dynamodb"):
                ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                        VpcEndpointType="Gateway", RouteTableIds=[rt])
        return {"vpc": vpc, "subnets": subnets, "route_table": rt, "public": public, "endpoint": dynamodb_endpoint}

    def cache_subnet_group(self, region: str, name: str, net: dict) -> None:
        self.client("elasticache", region).create_cache_subnet_group(
            CacheSubnetGroupName=name, CacheSubnetGroupDescription=f"atrest {name}", SubnetIds=net["subnets"])

    def dax_role_policies(self) -> None:
        """The DAX service role gets a broad inline policy (dynamodb:* on *); the account gets a
        customer managed policy with dax:* on *, a narrow one, and a user with a narrow inline policy."""
        iam = self.client("iam", "us-east-1")
        broad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
        iam.put_role_policy(RoleName=DAX_ROLE, PolicyName="dax-table-access", PolicyDocument=json.dumps(broad))
        admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dax:*", "Resource": "*"}]}
        narrow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                                                          "Resource": f"arn:aws:dynamodb:*:{self.account}:table/t-cmk"}]}
        for name, doc in (("atrest-dax-admin", admin), ("atrest-table-reader", narrow)):
            iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(doc))
        iam.create_user(UserName="atrest-analyst")
        iam.put_user_policy(UserName="atrest-analyst", PolicyName="read-one-table", PolicyDocument=json.dumps(narrow))

    def public_key_policy(self, region: str, md: dict) -> None:
        """A key policy that lets anyone use the key (Principal "*", no condition)."""
        doc = {"Version": "2012-10-17", "Statement": [
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:DescribeKey"],
             "Resource": "*"}]}
        self.client("kms", region).put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc))

    def tagged_table(self, region: str, name: str, public_policy: bool = False) -> dict:
        """A provisioned table with a GSI, the required tags, read/write scalable targets for the
        table and the index, and (public_policy) a resource policy open to anyone."""
        ddb = self.client("dynamodb", region)
        t = ddb.create_table(
            TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "gk", "AttributeType": "S"}],
            BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            GlobalSecondaryIndexes=[{"IndexName": "by-gk", "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"},
                                     "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}],
            Tags=[{"Key": "Environment", "Value": "prod"}, {"Key": "Security", "Value": "high"},
                  {"Key": "backup", "Value": "daily"}],
            DeletionProtectionEnabled=True)["TableDescription"]
        ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        aas = self.client("application-autoscaling", region)
        for rid, kind in ((f"table/{name}", "table"), (f"table/{name}/index/by-gk", "index")):
            for dim in ("ReadCapacityUnits", "WriteCapacityUnits"):
                aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId=rid,
                                             ScalableDimension=f"dynamodb:{kind}:{dim}", MinCapacity=5, MaxCapacity=100)
        if public_policy:
            ddb.put_resource_policy(ResourceArn=t["TableArn"], Policy=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": "*",
                                                        "Action": "dynamodb:GetItem", "Resource": t["TableArn"]}]}))
        facts = {"key": "owned", "kms_key_arn": None, "key_state": None, "pitr": True, "deletion_protection": True,
                 "resource_policy": "public" if public_policy else False, "tags": ["Environment", "Security", "backup"],
                 "billing": "PROVISIONED", "gsi": ["by-gk"], "scalable_targets": 4}
        self.add(T_TABLE, name, t["TableArn"], region, facts,
                 {"dynamodb-kms-encryption": "FAIL", "dynamodb-customer-managed-key": "FAIL"})
        return t

    def backup_plan(self, region: str) -> str:
        b = self.client("backup", region)
        return b.create_backup_plan(BackupPlan={"BackupPlanName": "atrest-daily", "Rules": [
            {"RuleName": "daily", "TargetBackupVaultName": "Default", "ScheduleExpression": "cron(0 5 * * ? *)"}]})["BackupPlanId"]

    def trail(self, region: str, name: str) -> str:
        """A multi-region trail, logging, with advanced selectors: management events and DynamoDB data events."""
        bucket = f"atrest-trail-{self.account}"
        s3 = self.client("s3", region)
        s3.create_bucket(Bucket=bucket)
        ct = self.client("cloudtrail", region)
        arn = ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True)["TrailARN"]
        ct.put_event_selectors(TrailName=name, AdvancedEventSelectors=[
            {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {"Name": "dynamodb-data", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                         {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]}])
        ct.start_logging(Name=name)
        return arn

    def config_recorder(self, region: str) -> None:
        """A recorder of every supported type, recording (a delivery channel is needed to start it)."""
        bucket = f"atrest-config-{self.account}-{region}"
        self.client("s3", region).create_bucket(
            Bucket=bucket, **({} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}))
        cfg = self.client("config", region)
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{self.account}:role/aws-config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")

    # -- counting ------------------------------------------------------------------------------
    def count(self, regions) -> dict:
        out = {}
        for r in regions:
            ddb, dax, ec, kms = (self.client(s, r) for s in ("dynamodb", "dax", "elasticache", "kms"))
            c = {
                "tables": sum(len(p["TableNames"]) for p in ddb.get_paginator("list_tables").paginate()),
                "dax_clusters": sum(len(p["Clusters"]) for p in dax.get_paginator("describe_clusters").paginate()),
                "replication_groups": sum(len(p["ReplicationGroups"]) for p in
                                          ec.get_paginator("describe_replication_groups").paginate()),
                "cache_clusters": sum(len(p["CacheClusters"]) for p in ec.get_paginator("describe_cache_clusters").paginate()),
                "kms_keys": sum(len(p["Keys"]) for p in kms.get_paginator("list_keys").paginate()),
            }
            if self.has_proxy:
                c["serverless_caches"] = sum(len(p["ServerlessCaches"]) for p in
                                             ec.get_paginator("describe_serverless_caches").paginate())
                c["user_groups"] = sum(len(p["UserGroups"]) for p in ec.get_paginator("describe_user_groups").paginate())
                c["dax_subnet_groups"] = sum(len(p["SubnetGroups"]) for p in
                                             dax.get_paginator("describe_subnet_groups").paginate())
            out[r] = c
        return out


# ---------------------------------------------------------------------------------------------
# Scenarios


def seed_demo(endpoint: str, expected_path: str | None = None, account: str = DEFAULT_ACCOUNT,
              regions=("us-east-1", "eu-west-1")) -> dict:
    """A small account: every configuration the checks tell apart, in each of the regions."""
    s = Seeder(endpoint, account, threads=4, scenario="demo")
    s.regions = list(regions)
    role = s.dax_role()
    s.dax_role_policies()
    for n, region in enumerate(regions):
        # us-east-1: public subnets with a DynamoDB endpoint, a trail (multi-region) and a Config
        # recorder; eu-west-1: private subnets, no endpoint, no recorder.
        first = n == 0
        net = s.network(region, "atrest-app", f"10.{20 + n}.0.0/16", public=first, dynamodb_endpoint=first)
        s.cache_subnet_group(region, "atrest-cache", net)
        s.cache_subnet_group(region, "atrest-cache-spare", net)  # used by no cache
        if first:
            s.trail(region, "atrest-trail")
            s.config_recorder(region)
        keys = {}
        for name, rotation in (("enabled", True), ("norotation", False), ("disabled", False), ("pending", False)):
            keys[name] = s.kms_key(region, name, rotation)
        # DynamoDB
        s.table(region, "t-default")
        s.table(region, "t-aws-managed", key="aws")
        s.table(region, "t-cmk", key="cmk", key_md=keys["enabled"])
        s.table(region, "t-cmk-norotation", key="cmk", key_md=keys["norotation"])
        s.table(region, "t-cmk-disabled", key="cmk", key_md=keys["disabled"], key_state="Disabled")
        s.table(region, "t-cmk-pending", key="cmk", key_md=keys["pending"], key_state="PendingDeletion")
        s.table(region, "t-pitr", pitr=True)
        s.table(region, "t-deletion-protection", deletion_protection=True)
        s.table(region, "t-resource-policy", policy=True)
        s.tagged_table(region, "t-tagged", public_policy=not first)
        plan = s.backup_plan(region)
        # DAX
        s.dax_cluster(region, "dax-plain", role, nodes=1, sse=False, tls=False)
        s.dax_cluster(region, "dax-secure", role, nodes=3, sse=True, tls=True)
        s.dax_cluster(region, "dax-sse-only", role, nodes=3, sse=True, tls=False)
        # ElastiCache
        s.replication_group(region, "rg-redis-plain", "redis", at_rest=False, transit=False)
        s.replication_group(region, "rg-valkey-secure", "valkey", at_rest=True, transit=True, mode="required",
                            key_md=keys["enabled"], ha=True)
        s.replication_group(region, "rg-redis-transit-preferred", "redis", at_rest=True, transit=True, mode="preferred")
        s.replication_group(region, "rg-redis-no-mode", "redis", at_rest=True, transit=True)
        s.memcached(region, "mc-memcached", subnet_group="atrest-cache")
        s.public_key_policy(region, keys["norotation"])
        # the keys' final states, after the tables using them exist
        for name, state in (("enabled", "Enabled"), ("norotation", "Enabled"), ("disabled", "Disabled"),
                            ("pending", "PendingDeletion")):
            s.kms_finish(region, keys[name], state)
            s.record_key(region, keys[name], name, state, rotation=name == "enabled")
        if s.has_proxy:
            s.fixtures(region,
                       serverless_caches=[s.serverless_item(region, "sc-default-key", None, "ug-demo", net["subnets"]),
                                          s.serverless_item(region, "sc-cmk", keys["enabled"], subnets=net["subnets"])],
                       backup_selections=[
                           {"BackupPlanId": plan, "SelectionName": "by-tag", "Resources": [],
                            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                            "ConditionValue": "daily"}]},
                           {"BackupPlanId": plan, "SelectionName": "by-arn",
                            "Resources": [f"arn:aws:dynamodb:{region}:{account}:table/t-pitr"], "ListOfTags": []}],
                       user_groups=[{"UserGroupId": "ug-demo", "Status": "active", "Engine": "valkey",
                                     "UserIds": ["default", "app"], "MinimumEngineVersion": "7.2",
                                     "ReplicationGroups": [], "ServerlessCaches": ["sc-default-key"],
                                     "ARN": f"arn:aws:elasticache:{region}:{account}:usergroup:ug-demo"}],
                       dax_subnet_groups=[s.dax_subnet_group(region, "default", 3, net),
                                          s.dax_subnet_group(region, "one-az", 1)])
    demo_account_verdicts(s, regions)
    return s.result(s.count(regions), expected_path, {"checks": list(DEMO_CHECKS),
                                                      "unverified_checks": list(DEMO_CHECKS_UNVERIFIED)})


def demo_account_verdicts(s: Seeder, regions) -> None:
    """The verdicts of the checks that judge the demo's account-level data (network, IAM, backup,
    trails, Config, tags, key policies); regions[0] is the public one with the trail and recorder."""
    role_arn = f"arn:aws:iam::{s.account}:role/{DAX_ROLE}"
    for n, region in enumerate(regions):
        first = n == 0
        for t in ("t-default", "t-aws-managed", "t-cmk", "t-cmk-norotation", "t-cmk-disabled", "t-cmk-pending",
                  "t-pitr", "t-deletion-protection", "t-resource-policy", "t-tagged"):
            s.expect(T_TABLE, t, region, {
                "dynamodb-pitr-enabled": "PASS" if t in ("t-pitr", "t-tagged") else "FAIL",
                "dynamodb-deletion-protection": "PASS" if t in ("t-deletion-protection", "t-tagged") else "FAIL",
                "dynamodb-backup-plan": "PASS" if t in ("t-pitr", "t-tagged") else "FAIL",  # by ARN, by tag
                "dynamodb-autoscaling": "PASS",  # on demand, or t-tagged's four scalable targets
                "dynamodb-required-tags": "PASS" if t == "t-tagged" else "FAIL",
                "dynamodb-resource-policy-restricted": "FAIL" if t == "t-tagged" and not first else "PASS"})
        for c in ("dax-plain", "dax-secure", "dax-sse-only"):
            s.expect(T_DAX, c, region, {
                "dax-private-subnets": "FAIL" if first else "PASS",
                "dax-iam-role-least-privilege": "FAIL",  # dynamodb:* on * inline
                "dax-security-group-restricted": ("UNKNOWN", CAVEAT_SG),
                "vpc-dynamodb-endpoint": "PASS" if first else "FAIL"})
        secure = "rg-valkey-secure"
        for g in ("rg-redis-plain", secure, "rg-redis-transit-preferred", "rg-redis-no-mode"):
            good = g == secure
            s.expect(T_RG, g, region, {
                "elasticache-auth": "PASS" if good else "FAIL",  # AUTH token
                "elasticache-automatic-failover": "PASS" if good else "FAIL",
                "elasticache-multi-az": "PASS" if good else "FAIL",
                "elasticache-backup-retention": "PASS" if good else "FAIL",
                # Redis OSS upgrades automatically only from 6.0; the version is in the member clusters
                "elasticache-auto-minor-upgrade": "PASS" if good else ("UNKNOWN", CAVEAT_RG_MEMBERS),
                "elasticache-customer-managed-key": "PASS" if good else "FAIL",
                **({"elasticache-key-usable": "PASS"} if good else {}),
                "elasticache-custom-subnet-group": ("UNKNOWN", CAVEAT_RG_MEMBERS),
                "elasticache-private-subnets": ("UNKNOWN", CAVEAT_RG_MEMBERS),
                "vpc-dynamodb-endpoint": ("UNKNOWN", CAVEAT_RG_MEMBERS)})
        s.expect(T_CC, "mc-memcached", region, {
            "elasticache-multi-az": "FAIL",  # one node (Memcached is never upgraded automatically: no finding)
            "elasticache-custom-subnet-group": "PASS",
            "elasticache-private-subnets": "FAIL" if first else "PASS",
            "vpc-dynamodb-endpoint": "PASS" if first else "FAIL"})
        for sc, cmk in (("sc-default-key", False), ("sc-cmk", True)):
            s.expect(T_SC, sc, region, {
                "elasticache-auth": "FAIL" if cmk else "PASS",  # sc-default-key has the user group
                "elasticache-automatic-failover": "PASS",
                "elasticache-multi-az": "PASS",
                "elasticache-backup-retention": "FAIL",  # 1 day
                "elasticache-auto-minor-upgrade": "PASS",
                "elasticache-customer-managed-key": "PASS" if cmk else "FAIL",
                **({"elasticache-key-usable": "PASS"} if cmk else {}),
                "elasticache-private-subnets": "FAIL" if first else "PASS",
                "vpc-dynamodb-endpoint": "PASS" if first else "FAIL"})
        for k in (r for r in s.resources if r["type"] == T_KEY and r["region"] == region):
            name = k["facts"]["alias"].rsplit("/", 1)[-1]
            state = k["facts"]["KeyState"]
            v = {"kms-key-not-pending-deletion": "FAIL" if state == "PendingDeletion" else "PASS",
                 "kms-key-policy-restricted": "FAIL" if name == "norotation" else "PASS"}
            if state != "PendingDeletion":  # a key being deleted is judged by the check above only
                v["kms-key-rotation"] = "PASS" if k["facts"]["KeyRotationEnabled"] else "FAIL"
            if name == "enabled":  # used by ElastiCache; the default policy has no kms:ViaService
                v["kms-key-via-service-complete"] = "PASS"
            s.expect(T_KEY, k["id"], region, v)
        # the account in the region: the multi-region trail covers both; the recorder only the first
        s.expect(T_ACCOUNT, f"{s.account}/{region}", region, {
            "cloudtrail-management-events": "PASS", "cloudtrail-dynamodb-data-events": "PASS",
            "config-recorder-dynamodb": "PASS" if first else "FAIL"})
        if first:
            s.expect(T_TRAIL, "atrest-trail", region, {"cloudtrail-management-events": "PASS",
                                                       "cloudtrail-dynamodb-data-events": "PASS"},
                     arn=f"arn:aws:cloudtrail:{region}:{s.account}:trail/atrest-trail")
            s.expect(T_RECORDER, "default", region, {"config-recorder-dynamodb": "PASS"})
    # IAM (global): the DAX role's inline dynamodb:* on *, the customer managed dax:* on *
    s.expect(T_ROLE, DAX_ROLE, None, {"iam-dynamodb-least-privilege": "FAIL"}, arn=role_arn)
    for name, verdict in (("atrest-dax-admin", "FAIL"), ("atrest-table-reader", "PASS")):
        s.expect(T_POLICY, name, None, {"iam-dynamodb-least-privilege": verdict},
                 arn=f"arn:aws:iam::{s.account}:policy/{name}")
    s.expect(T_POLICY, "user/atrest-analyst/read-one-table", None, {"iam-dynamodb-least-privilege": "PASS"})


def seed_scale(endpoint: str, tables: int = 2000, dax: int = 200, replication_groups: int = 500,
               kms_keys: int = 300, regions=DAX_REGIONS, serverless: int = 100, memcached: int = 0,
               per_region: bool = False, threads: int = 32, expected_path: str | None = None,
               account: str = DEFAULT_ACCOUNT) -> dict:
    """Many resources for benchmarks. Counts are totals spread round-robin over the regions
    (per_region=True: each count in every region). Configurations rotate with the index so that
    every check sees both verdicts. Keys with index % 10 == 8 end Disabled, == 9 PendingDeletion
    (tables on them fail dynamodb-key-usable); even-indexed keys rotate."""
    s = Seeder(endpoint, account, threads=threads, scenario="scale")
    regions = list(regions)
    s.regions = regions
    t0 = time.monotonic()
    mult = len(regions) if per_region else 1

    def spread(n):
        """(region, i, j): i numbers the resources, j picks the configuration (it counts within
        the region, so that every region gets every configuration)."""
        if per_region:
            return [(regions[i // n], i, i % n) for i in range(n * mult)]
        return [(regions[i % len(regions)], i, i // len(regions)) for i in range(n)]

    s.warm(regions)
    role = s.dax_role()
    key_states = {}

    def mk_key(region, i, j):
        name = f"scale-{i:05d}"
        md = s.kms_key(region, name, rotation=j % 2 == 0)
        state = "Disabled" if j % 10 == 8 else "PendingDeletion" if j % 10 == 9 else "Enabled"
        key_states[md["KeyId"]] = (region, md, name, state, j % 2 == 0)
        return region, md, state

    made = s.parallel(mk_key, spread(kms_keys))
    keys_by_region: dict = {r: [] for r in regions}
    for region, md, state in made:
        keys_by_region[region].append((md, state))

    def mk_table(region, i, j):
        kind = j % 4
        ks = keys_by_region[region]
        if kind == 0 or (kind == 2 and not ks):
            s.table(region, f"tbl-{i:05d}")
        elif kind == 1:
            s.table(region, f"tbl-{i:05d}", key="aws")
        elif kind == 2:
            md, state = ks[(j // 4) % len(ks)]
            s.table(region, f"tbl-{i:05d}", key="cmk", key_md=md, key_state=state)
        else:
            s.table(region, f"tbl-{i:05d}", pitr=True, deletion_protection=j % 8 == 3)

    def mk_dax(region, i, j):
        sse, tls = [(False, False), (True, False), (True, True)][j % 3]
        s.dax_cluster(region, f"dax-{i:04d}", role, nodes=1 + 2 * (j % 2), sse=sse, tls=tls)

    def mk_rg(region, i, j):
        kind = j % 4
        ks = [md for md, st in keys_by_region[region] if st == "Enabled"]
        if kind == 0:
            s.replication_group(region, f"rg-{i:04d}", "redis", at_rest=False, transit=False)
        elif kind == 1:
            s.replication_group(region, f"rg-{i:04d}", "valkey", at_rest=True, transit=True, mode="required",
                                key_md=ks[j % len(ks)] if ks else None)
        elif kind == 2:
            s.replication_group(region, f"rg-{i:04d}", "redis", at_rest=True, transit=True, mode="preferred")
        else:
            s.replication_group(region, f"rg-{i:04d}", "valkey", at_rest=True, transit=True)

    def mk_mc(region, i, j):
        s.memcached(region, f"mc-{i:04d}")

    jobs = ([(mk_table, j) for j in spread(tables)] + [(mk_dax, j) for j in spread(dax)] +
            [(mk_rg, j) for j in spread(replication_groups)] + [(mk_mc, j) for j in spread(memcached)])
    s.parallel(lambda fn, job: fn(*job), jobs)
    s.parallel(lambda kid, v: s.kms_finish(v[0], v[1], v[3]), list(key_states.items()))
    for kid, (region, md, name, state, rot) in key_states.items():
        s.record_key(region, md, name, state, rot)
    if s.has_proxy:
        by_region: dict = {r: [] for r in regions}
        for region, i, j in spread(serverless):
            ks = [md for md, st in keys_by_region[region] if st == "Enabled"]
            by_region[region].append(s.serverless_item(region, f"sc-{i:04d}", ks[j % len(ks)] if ks and j % 2 else None))
        for region in regions:
            s.fixtures(region, serverless_caches=by_region[region],
                       dax_subnet_groups=[s.dax_subnet_group(region, "default", 3)])
    seed_seconds = time.monotonic() - t0
    counts = s.count(regions)
    return s.result(counts, expected_path, {"seed_seconds": round(seed_seconds, 1)})


def seed_pages(endpoint: str, region: str = "us-east-1", expected_path: str | None = None,
               account: str = DEFAULT_ACCOUNT, threads: int = 16) -> dict:
    """More than one page of every list that pages at the API's maximum page size:
    150 tables (ListTables Limit 100), 120 DAX clusters (MaxResults 100), 120 replication groups
    and 110 memcached clusters (MaxRecords 100), and in the proxy 120 DAX subnet groups
    (MaxResults 100), 120 serverless caches (MaxResults 50 by default) and 120 user groups
    (MaxRecords 100). Not paged by moto 5.2.1, whatever the limit: KMS ListKeys and ListAliases
    (every key, Truncated false; 1001+ keys would be needed on AWS anyway) and EC2
    DescribeSecurityGroups (MaxResults ignored). The "pages" entry records how many pages each
    list took at those page sizes."""
    s = Seeder(endpoint, account, threads=threads, scenario="pages")
    s.regions = [region]
    s.warm([region])
    role = s.dax_role()
    keys = [s.kms_key(region, f"pages-{i:02d}", rotation=True) for i in range(3)]
    for i, md in enumerate(keys):
        s.record_key(region, md, f"pages-{i:02d}", "Enabled", True)
    jobs = ([(lambda i: s.table(region, f"page-tbl-{i:03d}", key=["owned", "aws", "cmk"][i % 3],
                                key_md=keys[i % 3]), i) for i in range(150)] +
            [(lambda i: s.dax_cluster(region, f"page-dax-{i:03d}", role, nodes=1, sse=i % 2 == 0, tls=i % 3 == 0), i)
             for i in range(120)] +
            [(lambda i: s.replication_group(region, f"page-rg-{i:03d}", "redis", at_rest=i % 2 == 0,
                                            transit=False), i) for i in range(120)] +
            [(lambda i: s.memcached(region, f"page-mc-{i:03d}"), i) for i in range(110)])
    s.parallel(lambda fn, i: fn(i), jobs)
    if s.has_proxy:
        s.fixtures(region,
                   dax_subnet_groups=[s.dax_subnet_group(region, f"page-sng-{i:03d}", 1 + i % 3) for i in range(120)],
                   serverless_caches=[s.serverless_item(region, f"page-sc-{i:03d}", keys[0] if i % 2 else None)
                                      for i in range(120)],
                   user_groups=[{"UserGroupId": f"page-ug-{i:03d}", "UserIds": ["default"]} for i in range(120)])
    # A provisioned table whose required tags are on the third page of ListTagsOfResource (moto
    # pages tags by 10) and whose scalable targets are on the second page of
    # DescribeScalableTargets (50 a page): its two verdicts pass only if both lists are read on.
    ddb = s.client("dynamodb", region)
    t = ddb.create_table(TableName="page-provisioned", KeySchema=KEY_SCHEMA["KeySchema"],
                         AttributeDefinitions=KEY_SCHEMA["AttributeDefinitions"], BillingMode="PROVISIONED",
                         ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                         Tags=[{"Key": f"filler-{i:02d}", "Value": "x"} for i in range(20)] +
                              [{"Key": "Environment", "Value": "test"}, {"Key": "Security", "Value": "low"}])["TableDescription"]
    aas = s.client("application-autoscaling", region)
    fillers = [f"table/page-tbl-{i:03d}" for i in range(29)]
    for rid in fillers + ["table/page-provisioned"]:
        for dim in ("ReadCapacityUnits", "WriteCapacityUnits"):
            aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId=rid,
                                         ScalableDimension=f"dynamodb:table:{dim}", MinCapacity=1, MaxCapacity=10)
    s.add(T_TABLE, "page-provisioned", t["TableArn"], region, {"tags": 22, "scalable_targets": 2},
          {"dynamodb-kms-encryption": "FAIL", "dynamodb-customer-managed-key": "FAIL"})
    s.expect(T_TABLE, "page-provisioned", region, {"dynamodb-required-tags": "PASS", "dynamodb-autoscaling": "PASS"})
    ddb, dax, ec, kms = (s.client(x, region) for x in ("dynamodb", "dax", "elasticache", "kms"))

    def pages(paginator_owner, name, size, key="PageSize"):
        return sum(1 for _ in paginator_owner.get_paginator(name).paginate(PaginationConfig={key: size}))

    pg = {"dynamodb:ListTables@100": pages(ddb, "list_tables", 100),
          "dax:DescribeClusters@100": pages(dax, "describe_clusters", 100),
          "elasticache:DescribeReplicationGroups@100": pages(ec, "describe_replication_groups", 100),
          "elasticache:DescribeCacheClusters@100": pages(ec, "describe_cache_clusters", 100),
          "kms:ListKeys@100": pages(kms, "list_keys", 100),
          "kms:ListAliases@100": pages(kms, "list_aliases", 100),
          "application-autoscaling:DescribeScalableTargets@50": sum(
              1 for _ in aas.get_paginator("describe_scalable_targets").paginate(
                  ServiceNamespace="dynamodb", PaginationConfig={"PageSize": 50})),
          "dynamodb:ListTagsOfResource(page-provisioned)": sum(
              1 for _ in ddb.get_paginator("list_tags_of_resource").paginate(ResourceArn=t["TableArn"]))}
    if s.has_proxy:
        pg.update({"dax:DescribeSubnetGroups@100": pages(dax, "describe_subnet_groups", 100),
                   "elasticache:DescribeServerlessCaches@50": pages(ec, "describe_serverless_caches", 50),
                   "elasticache:DescribeUserGroups@100": pages(ec, "describe_user_groups", 100)})
    return s.result(s.count([region]), expected_path, {"pages": pg})


# ---------------------------------------------------------------------------------------------
# aws CLI counts (through the proxy)

CLI_COUNTS = [
    ("dynamodb", "list-tables", "length(TableNames)"),
    ("dax", "describe-clusters", "length(Clusters)"),
    ("dax", "describe-subnet-groups", "length(SubnetGroups)"),
    ("elasticache", "describe-replication-groups", "length(ReplicationGroups)"),
    ("elasticache", "describe-cache-clusters", "length(CacheClusters)"),
    ("elasticache", "describe-serverless-caches", "length(ServerlessCaches)"),
    ("elasticache", "describe-user-groups", "length(UserGroups)"),
    ("kms", "list-keys", "length(Keys)"),
]


def cli_counts(endpoint: str, regions, aws: str = "aws") -> dict:
    """Counts per region with the aws CLI (it pages by itself), e.g. {"us-east-1": {"dynamodb list-tables": 9}}."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_PAGER="",
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    out: dict = {}
    for region in regions:
        for service, op, query in CLI_COUNTS:
            r = subprocess.run([aws, "--endpoint-url", endpoint, "--region", region, service, op,
                                "--query", query, "--output", "text"], capture_output=True, text=True, env=env,
                               timeout=300)
            # awscli v1 applies --query to each page with --output text: one number per page
            out.setdefault(region, {})[f"{service} {op}"] = sum(int(x) for x in r.stdout.split()) \
                if r.returncode == 0 else f"error: {r.stderr.strip()[-200:]}"
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Seed moto with a scenario and write the expected verdicts.")
    ap.add_argument("scenario", choices=["demo", "scale", "pages"])
    ap.add_argument("--endpoint", help="an existing fault_proxy (or moto) URL; default: start moto_env")
    ap.add_argument("--expected", help="write the result JSON here")
    ap.add_argument("--serve", action="store_true", help="keep moto and the proxy running until Ctrl-C")
    ap.add_argument("--no-cli", action="store_true", help="skip the aws CLI counts")
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--dax", type=int, default=200)
    ap.add_argument("--replication-groups", type=int, default=500)
    ap.add_argument("--kms-keys", type=int, default=300)
    ap.add_argument("--serverless", type=int, default=100)
    ap.add_argument("--regions", default=",".join(DAX_REGIONS))
    ap.add_argument("--per-region", action="store_true")
    ap.add_argument("--threads", type=int, default=32)
    args = ap.parse_args(argv)
    env = None
    endpoint = args.endpoint
    if not endpoint:
        env = MotoEnv().start()
        endpoint = env.endpoint
    try:
        t0 = time.monotonic()
        if args.scenario == "demo":
            res = seed_demo(endpoint, args.expected)
        elif args.scenario == "pages":
            res = seed_pages(endpoint, expected_path=args.expected)
        else:
            res = seed_scale(endpoint, args.tables, args.dax, args.replication_groups, args.kms_keys,
                             regions=args.regions.split(","), serverless=args.serverless, per_region=args.per_region,
                             threads=args.threads, expected_path=args.expected)
        print(f"seeded {args.scenario} in {time.monotonic() - t0:.1f}s at {endpoint}")
        print("counts (boto3):", json.dumps(res["counts"], indent=1))
        print("summary:", json.dumps(res["summary"], indent=1))
        if "pages" in res:
            print("pages:", json.dumps(res["pages"], indent=1))
        if not args.no_cli:
            print("counts (aws CLI through the proxy):", json.dumps(cli_counts(endpoint, res["regions"]), indent=1))
        if env and args.serve:
            print(f"serving: proxy {env.proxy_url}  moto {env.moto_url}  (Ctrl-C to stop)", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if env:
            env.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
