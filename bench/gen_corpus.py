#!/usr/bin/env python3
"""Generates a large, deterministic snapshot corpus for benchmarking `atrest scan`.

    python3 bench/gen_corpus.py --resources N --out DIR [--seed S] [--manifest PATH]

The same arguments always give the same bytes. Files copy the shapes the real aws CLI v1 prints
(botocore 1.43 member names and order, 4-space indent) and those of AWS Config S3 snapshot files
(compact, lowerCamel `configuration` with folded acronyms; see
/work/shared/reference/aws-config-shapes.md). Mix by resource count: ~30 % DynamoDB tables,
~20 % DAX clusters, ~30 % ElastiCache (replication groups, standalone cache clusters, serverless
caches), ~20 % KMS keys. Layout, one directory per account, region and service:

    <acct>/<region>/dax/describe-clusters-pNNNN.json                  pages of 100
    <acct>/<region>/elasticache/describe-replication-groups-pNNNN.json pages of 100
    <acct>/<region>/elasticache/describe-cache-clusters-pNNNN.json     pages of 100
    <acct>/<region>/elasticache/describe-serverless-caches-pNNNN.json  pages of 50
    <acct>/<region>/kms/describe-key-<key id>.json                     ~10 % of keys
    <acct>/<region>/dynamodb/describe-table-<name>.json                ~5 % of tables
    <acct>/<region>/config/<acct>_Config_<region>_ConfigSnapshot_<time>_<id>.json
                                                  the other keys and tables, 1000 items a file

Each (account, region) is generated from its own seeded random stream, one at a time, so memory
stays flat however large the corpus.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import sys
import time
import uuid

# (region, weight, ElastiCache endpoint code, availability zones)
REGIONS = [
    ("us-east-1", 35, "use1", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"]),
    ("eu-west-1", 25, "euw1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    ("us-west-2", 15, "usw2", ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]),
    ("eu-central-1", 10, "euc1", ["eu-central-1a", "eu-central-1b", "eu-central-1c"]),
    ("ap-northeast-1", 10, "apne1", ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]),
    ("ap-southeast-2", 5, "apse2", ["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"]),
]
ACCOUNT_COUNT = 8          # account i gets weight 1/(i+1): a few big production accounts
SNAPSHOT_TIME = 1748772000  # 2025-06-01T10:00:00Z: every "now" in the corpus is relative to this
OLDEST_RESOURCE = 1546300800  # 2019-01-01

DAX_PAGE, RG_PAGE, CC_PAGE, SERVERLESS_PAGE, CONFIG_FILE_ITEMS = 100, 100, 100, 50, 1000

WORDS = ["orders", "sessions", "users", "payments", "inventory", "events", "audit", "carts",
         "catalog", "ledger", "profiles", "tokens", "metrics", "invoices", "shipments", "quotes",
         "search", "pricing", "billing", "leads"]
ENVS = [("prd", 45), ("stg", 20), ("dev", 25), ("tst", 10)]
ENV_TAG = {"prd": "prod", "stg": "staging", "dev": "dev", "tst": "test"}
TEAMS = ["payments", "platform", "growth", "data", "identity", "checkout"]


# ---------------------------------------------------------------------------------------------
# Small helpers over a random stream.

class Rand(random.Random):
    def pick(self, weighted):
        """weighted: [(value, weight), ...]"""
        values = [v for v, _ in weighted]
        return self.choices(values, weights=[w for _, w in weighted])[0]

    def chance(self, p):
        return self.random() < p

    def uuid4(self):
        return str(uuid.UUID(int=self.getrandbits(128), version=4))

    def hexstr(self, n):
        return "".join(self.choice("0123456789abcdef") for _ in range(n))

    def alnum(self, n):
        return "".join(self.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))

    def token(self):
        """An opaque pagination token, as the services hand them out."""
        return "".join(self.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                       for _ in range(96)) + "=="

    def when(self, start=OLDEST_RESOURCE, end=SNAPSHOT_TIME - 86400):
        """A past moment as epoch seconds with microseconds (the JSON-protocol wire form)."""
        return round(self.uniform(start, end), 6)

    def sg(self):
        return "sg-" + self.hexstr(17)

    def subnet(self):
        return "subnet-" + self.hexstr(17)


def iso_z(epoch, digits=3):
    """ISO 8601 UTC as the query-protocol services send it: 2025-06-01T10:00:00.123Z."""
    dt = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    frac = f"{dt.microsecond:06d}"[:digits]
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (("." + frac) if digits else "") + "Z"


def maintenance_window(r):
    days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    d = r.randrange(7)
    h = r.randrange(24)
    end_day, end_h = (d, h + 1) if h < 23 else ((d + 1) % 7, 0)
    return f"{days[d]}:{h:02d}:00-{days[end_day]}:{end_h:02d}:00"


def snapshot_window(r):
    h = r.randrange(24)
    return f"{h:02d}:00-{(h + 1) % 24:02d}:00"


def config_case(name):
    """AWS Config's Java-bean field names: lowercase the leading run of capitals
    (SSEDescription -> ssedescription, KMSMasterKeyArn -> kmsmasterKeyArn, TableName -> tableName)."""
    i = 0
    while i < len(name) and name[i].isupper():
        i += 1
    return name[:i].lower() + name[i:]


def to_config(value, epoch_ms):
    """Describe-style (PascalCase) value to Config's lowerCamel form. Timestamps (floats under
    keys ending in DateTime/Date) become epoch milliseconds or ISO strings as Config writes them."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, float) and (k.endswith("DateTime") or k.endswith("Date")):
                v = int(round(v * 1000)) if epoch_ms else iso_z(v)
            out[config_case(k)] = to_config(v, epoch_ms)
        return out
    if isinstance(value, list):
        return [to_config(v, epoch_ms) for v in value]
    return value


def root_policy(account):
    return {"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}]}


# ---------------------------------------------------------------------------------------------
# One (account, region) bucket.

class Bucket:
    def __init__(self, seed, account, region_index, counts):
        self.account = account
        self.region, _, self.code, self.azs = REGIONS[region_index]
        self.r = Rand(f"atrest-bench:{seed}:{account}:{self.region}")
        self.counts = counts      # type -> how many to make here
        self.serial = 0           # makes names unique within the bucket
        self.dynamodb_managed_key = None  # ARN of alias/aws/dynamodb in this bucket, if generated
        self.usable_pool = []     # customer symmetric ENCRYPT_DECRYPT key ARNs (any state)
        self.key_state = {}       # key ARN -> KeyState

    def name(self, max_len):
        """A resource name unique in this bucket, and its environment: prd-orders-1f."""
        self.serial += 1
        env = self.r.pick(ENVS)
        word = self.r.choice(WORDS)
        return f"{env}-{word}-{self.serial:x}"[:max_len], env

    def tags(self, env, p_env=0.85, p_security=0.4):
        t = {}
        if self.r.chance(p_env):
            t["Environment"] = ENV_TAG[env]
        if self.r.chance(0.6):
            t["Team"] = self.r.choice(TEAMS)
        if self.r.chance(p_security):
            t["Security"] = self.r.pick([("confidential", 3), ("internal", 5), ("public", 1)])
        return t

    def external_key_arn(self):
        """A customer key in a central security account outside the corpus."""
        return f"arn:aws:kms:{self.region}:999900001111:key/{self.r.uuid4()}"

    def customer_key_for_reference(self):
        """A customer symmetric key of this bucket (any state), 1 % of the time a key of an account
        outside the corpus; None when the bucket has no such key."""
        if not self.usable_pool:
            return None
        if self.r.chance(0.01):
            return self.external_key_arn()
        return self.r.choice(self.usable_pool)

    # -- KMS ------------------------------------------------------------------------------------
    def make_keys(self):
        """Yields (KeyMetadata, Config supplementary, tags) per key; the first is the AWS managed
        DynamoDB key when this bucket has tables."""
        for i in range(self.counts["kms-key"]):
            yield self.make_key(aws_managed=(i == 0 and self.counts["dynamodb-table"] > 0))

    def make_key(self, aws_managed):
        r = self.r
        key_id = r.uuid4()
        arn = f"arn:aws:kms:{self.region}:{self.account}:key/{key_id}"
        created = r.when()
        if aws_managed:
            spec, usage, origin, state = "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "Enabled"
            description = "Default master key that protects my DynamoDB tables when no other key is defined"
        else:
            spec, usage = r.pick([(("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), 90),
                                  (("RSA_2048", "ENCRYPT_DECRYPT"), 2), (("RSA_2048", "SIGN_VERIFY"), 2),
                                  (("HMAC_256", "GENERATE_VERIFY_MAC"), 3),
                                  (("ECC_NIST_P256", "SIGN_VERIFY"), 3)])
            origin = "AWS_KMS"
            if spec == "SYMMETRIC_DEFAULT":
                origin = r.pick([("AWS_KMS", 940), ("EXTERNAL", 40), ("AWS_CLOUDHSM", 15),
                                 ("EXTERNAL_KEY_STORE", 5)])
            state = r.pick([("Enabled", 90), ("Disabled", 5), ("PendingDeletion", 5)])
            if origin == "EXTERNAL" and r.chance(0.3):
                state = "PendingImport"
            elif origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE") and r.chance(0.2):
                state = "Unavailable"
            description = r.pick([("", 3), (f"{r.choice(WORDS)} data key", 5),
                                  (f"CMK for {r.choice(TEAMS)} team", 2)])
        md = {"AWSAccountId": self.account, "KeyId": key_id, "Arn": arn, "CreationDate": created,
              "Enabled": state == "Enabled", "Description": description, "KeyUsage": usage,
              "KeyState": state}
        if state == "PendingDeletion":
            md["DeletionDate"] = float(SNAPSHOT_TIME + r.randrange(1, 30) * 86400)
        md["Origin"] = origin
        if origin == "AWS_CLOUDHSM":
            md["CustomKeyStoreId"] = "cks-" + r.hexstr(17)
            md["CloudHsmClusterId"] = "cluster-" + r.alnum(11)
        elif origin == "EXTERNAL_KEY_STORE":
            md["CustomKeyStoreId"] = "cks-" + r.hexstr(17)
        if origin == "EXTERNAL" and state != "PendingImport":
            md["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
        md["KeyManager"] = "AWS" if aws_managed else "CUSTOMER"
        md["CustomerMasterKeySpec"] = spec
        md["KeySpec"] = spec
        if usage == "ENCRYPT_DECRYPT":
            md["EncryptionAlgorithms"] = (["SYMMETRIC_DEFAULT"] if spec == "SYMMETRIC_DEFAULT"
                                          else ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        elif usage == "SIGN_VERIFY":
            md["SigningAlgorithms"] = (["ECDSA_SHA_256"] if spec.startswith("ECC") else
                                       ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_256"])
        else:
            md["MacAlgorithms"] = ["HMAC_SHA_256"]
        multi = (not aws_managed and origin == "AWS_KMS" and r.chance(0.05))
        md["MultiRegion"] = multi
        if multi:
            md["MultiRegionConfiguration"] = {
                "MultiRegionKeyType": "PRIMARY",
                "PrimaryKey": {"Arn": arn, "Region": self.region},
                "ReplicaKeys": [{"Arn": arn.replace(self.region, "us-west-2" if self.region != "us-west-2" else "us-east-1"),
                                 "Region": "us-west-2" if self.region != "us-west-2" else "us-east-1"}]}
        if state == "PendingDeletion":
            md["PendingDeletionWindowInDays"] = r.choice([7, 14, 30])
        if origin == "AWS_KMS" and state in ("Enabled", "Disabled", "PendingDeletion"):
            md["CurrentKeyMaterialId"] = r.hexstr(64)

        # AWS Config supplementary data (only the snapshot form carries it).
        rotating = aws_managed or (spec == "SYMMETRIC_DEFAULT" and origin == "AWS_KMS" and r.chance(0.65))
        policy = root_policy(self.account)
        if not aws_managed:
            roll = r.random()
            if roll < 0.02:    # open to everyone, no condition
                policy["Statement"].append({"Sid": "AllowAll", "Effect": "Allow", "Principal": "*",
                                            "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"})
            elif roll < 0.10:  # limited by kms:ViaService, sometimes missing DAX as ElastiCache needs
                services = [f"elasticache.{self.region}.amazonaws.com"]
                if r.chance(0.5):
                    services.append(f"dax.{self.region}.amazonaws.com")
                policy["Statement"].append({
                    "Sid": "AllowCacheUse", "Effect": "Allow", "Principal": {"AWS": "*"},
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                               "kms:CreateGrant", "kms:DescribeKey"], "Resource": "*",
                    "Condition": {"StringEquals": {"kms:ViaService": services,
                                                   "kms:CallerAccount": self.account}}})
        supplementary = {"KeyRotationStatus": rotating,
                         "Policy": json.dumps(policy, separators=(",", ":"))}
        tags = {} if aws_managed else self.tags(r.pick(ENVS), p_env=0.6, p_security=0.2)
        if tags:
            supplementary["Tags"] = [{"tagKey": k, "tagValue": v} for k, v in tags.items()]
        if aws_managed:
            self.dynamodb_managed_key = arn
        elif usage == "ENCRYPT_DECRYPT" and spec == "SYMMETRIC_DEFAULT":
            self.usable_pool.append(arn)
        self.key_state[arn] = state
        return md, supplementary, tags

    def key_config_item(self, md, supplementary, tags):
        conf = to_config(md, epoch_ms=False)
        return config_item(self, "AWS::KMS::Key", md["KeyId"], None, md["Arn"], conf,
                           supplementary, tags, md["CreationDate"])

    # -- DynamoDB -------------------------------------------------------------------------------
    def make_table(self):
        """Returns (describe-table `Table` dict, PITR enabled, tags)."""
        r = self.r
        name, env = self.name(255)
        created = r.when()
        arn = f"arn:aws:dynamodb:{self.region}:{self.account}:table/{name}"
        with_sort = r.chance(0.6)
        attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
        schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
        if with_sort:
            attrs.append({"AttributeName": "sk", "AttributeType": r.choice(["S", "N"])})
            schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        on_demand = r.chance(0.55)
        items = r.randrange(0, 50_000_000)
        t = {"AttributeDefinitions": attrs, "TableName": name, "KeySchema": schema}

        sse_kind = r.pick([("owned", 35), ("managed", 25), ("customer", 40)])
        key_arn = None
        if sse_kind == "customer":
            key_arn = self.customer_key_for_reference()
            if key_arn is None:
                sse_kind = "managed"
        if sse_kind == "managed":
            key_arn = self.dynamodb_managed_key
            if key_arn is None:
                sse_kind = "owned"
        key_state = self.key_state.get(key_arn, "Enabled")
        inaccessible = key_state in ("Disabled", "PendingDeletion", "Unavailable", "PendingImport") \
            and r.chance(0.6)
        status = "INACCESSIBLE_ENCRYPTION_CREDENTIALS" if inaccessible else \
            r.pick([("ACTIVE", 970), ("UPDATING", 20), ("CREATING", 5), ("ARCHIVED", 5)])
        t["TableStatus"] = status
        t["CreationDateTime"] = round(created, 3)
        pt = {"NumberOfDecreasesToday": 0,
              "ReadCapacityUnits": 0 if on_demand else r.choice([1, 5, 10, 25, 100, 400]),
              "WriteCapacityUnits": 0 if on_demand else r.choice([1, 5, 10, 25, 100])}
        if not on_demand and r.chance(0.3):
            pt = {"LastIncreaseDateTime": round(r.when(created), 3), **pt}
        t["ProvisionedThroughput"] = pt
        t["TableSizeBytes"] = items * r.randrange(80, 2000)
        t["ItemCount"] = items
        t["TableArn"] = arn
        t["TableId"] = r.uuid4()
        if on_demand or r.chance(0.5):
            bms = {"BillingMode": "PAY_PER_REQUEST" if on_demand else "PROVISIONED"}
            if on_demand and r.chance(0.3):
                bms["LastUpdateToPayPerRequestDateTime"] = round(r.when(created), 3)
            t["BillingModeSummary"] = bms
        gsis = []
        for g in range(r.pick([(0, 50), (1, 30), (2, 15), (3, 5)])):
            attr = f"gsi{g + 1}pk"
            attrs.append({"AttributeName": attr, "AttributeType": "S"})
            gsi = {"IndexName": f"{attr}-index", "KeySchema": [{"AttributeName": attr, "KeyType": "HASH"}],
                   "Projection": {"ProjectionType": r.choice(["ALL", "KEYS_ONLY"])},
                   "IndexStatus": "ACTIVE",
                   "ProvisionedThroughput": {"NumberOfDecreasesToday": 0,
                                             "ReadCapacityUnits": 0 if on_demand else r.choice([1, 5, 10]),
                                             "WriteCapacityUnits": 0 if on_demand else r.choice([1, 5, 10])},
                   "IndexSizeBytes": items * r.randrange(10, 200), "ItemCount": items,
                   "IndexArn": f"{arn}/index/{attr}-index"}
            gsis.append(gsi)
        if gsis:
            t["GlobalSecondaryIndexes"] = gsis
        if r.chance(0.3):
            label = iso_z(r.when(created), 3)[:-1]
            t["StreamSpecification"] = {"StreamEnabled": True,
                                        "StreamViewType": r.choice(["NEW_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"])}
            t["LatestStreamLabel"] = label
            t["LatestStreamArn"] = f"{arn}/stream/{label}"
        if r.chance(0.04):
            others = [reg for reg, *_ in REGIONS if reg != self.region]
            replicas = [{"RegionName": self.region, "ReplicaStatus": "ACTIVE"}]
            for other in r.sample(others, r.choice([1, 2])):
                rep = {"RegionName": other, "ReplicaStatus": r.pick([("ACTIVE", 95), ("UPDATING", 5)])}
                if sse_kind == "customer" and r.chance(0.9):
                    rep["KMSMasterKeyId"] = f"arn:aws:kms:{other}:{self.account}:key/{r.uuid4()}"
                replicas.append(rep)
            if sse_kind == "customer":
                replicas[0]["KMSMasterKeyId"] = key_arn
            t["GlobalTableVersion"] = "2019.11.21"
            t["Replicas"] = replicas
        if sse_kind != "owned":
            sse = {"Status": r.pick([("ENABLED", 99), ("UPDATING", 1)]), "SSEType": "KMS",
                   "KMSMasterKeyArn": key_arn}
            if inaccessible:
                sse["InaccessibleEncryptionDateTime"] = round(r.when(SNAPSHOT_TIME - 6 * 86400), 3)
            t["SSEDescription"] = sse
        if status == "ARCHIVED":
            t["ArchivalSummary"] = {"ArchivalDateTime": round(r.when(created), 3),
                                    "ArchivalReason": "INACCESSIBLE_ENCRYPTION_CREDENTIALS"}
        if r.chance(0.1):
            t["TableClassSummary"] = {"TableClass": "STANDARD_INFREQUENT_ACCESS",
                                      "LastUpdateDateTime": round(r.when(created), 3)}
        t["DeletionProtectionEnabled"] = r.chance(0.45)
        t["WarmThroughput"] = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
        return t, r.chance(0.6), self.tags(env)

    def table_config_item(self, table, pitr, tags):
        # Config's schema has neither deletion protection nor the newer throughput blocks.
        conf = to_config({k: v for k, v in table.items()
                          if k not in ("DeletionProtectionEnabled", "WarmThroughput", "OnDemandThroughput")},
                         epoch_ms=True)
        conf.setdefault("replicas", [])
        conf.setdefault("streamSpecification", {"streamEnabled": False})
        supplementary = {"ContinuousBackupsDescription": {
            "continuousBackupsStatus": "ENABLED",
            "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"}}}
        return config_item(self, "AWS::DynamoDB::Table", table["TableName"], table["TableName"],
                           table["TableArn"], conf, supplementary, tags, table["CreationDateTime"])

    # -- DAX ------------------------------------------------------------------------------------
    def make_dax(self):
        r = self.r
        name, _ = self.name(20)
        tls = r.chance(0.55)
        status = r.pick([("available", 94), ("creating", 2), ("modifying", 2), ("deleting", 1),
                         ("rebooting", 1)])
        total = r.pick([(1, 25), (2, 10), (3, 50), (5, 10), (6, 5)])
        spread = 1
        if total >= 3:
            spread = r.pick([(3, 70), (2, 20), (1, 10)])
        elif total == 2:
            spread = r.pick([(2, 70), (1, 30)])
        zones = r.sample(self.azs, spread)
        created = r.when()
        host = r.alnum(6)
        port = 9111 if tls else 8111
        scheme = "daxs" if tls else "dax"
        c = {"ClusterName": name}
        if r.chance(0.5):
            c["Description"] = f"DAX for {r.choice(WORDS)}"
        c["ClusterArn"] = f"arn:aws:dax:{self.region}:{self.account}:cache/{name}"
        c["TotalNodes"] = total
        c["ActiveNodes"] = 0 if status == "creating" else total
        c["NodeType"] = r.pick([("dax.r5.large", 40), ("dax.r5.xlarge", 20), ("dax.t3.small", 20),
                                ("dax.t3.medium", 15), ("dax.r5.2xlarge", 5)])
        c["Status"] = status
        address = f"{name}.{host}.dax-clusters.{self.region}.amazonaws.com"
        if status == "creating":
            c["ClusterDiscoveryEndpoint"] = {"Port": port}
        else:
            c["ClusterDiscoveryEndpoint"] = {"Address": address, "Port": port, "URL": f"{scheme}://{address}"}
            nodes = []
            for i in range(total):
                node_id = f"{name}-{chr(ord('a') + i)}"
                naddr = f"{node_id}.{host}.nodes.dax-clusters.{self.region}.amazonaws.com"
                nodes.append({"NodeId": node_id,
                              "Endpoint": {"Address": naddr, "Port": port, "URL": f"{scheme}://{naddr}"},
                              "NodeCreateTime": round(created + r.uniform(0, 600), 6), "AvailabilityZone": zones[i % spread],
                              "NodeStatus": "available", "ParameterGroupStatus": "in-sync"})
            c["Nodes"] = nodes
        c["PreferredMaintenanceWindow"] = maintenance_window(r)
        if r.chance(0.3):
            c["NotificationConfiguration"] = {
                "TopicArn": f"arn:aws:sns:{self.region}:{self.account}:dax-events", "TopicStatus": "active"}
        c["SubnetGroup"] = r.pick([("default", 10), (f"dax-{r.choice(WORDS)}-private", 90)])
        c["SecurityGroups"] = [{"SecurityGroupIdentifier": r.sg(), "Status": "active"}
                               for _ in range(r.pick([(1, 80), (2, 20)]))]
        c["IamRoleArn"] = f"arn:aws:iam::{self.account}:role/{r.choice(['DAXServiceRole', 'dax-to-dynamodb', 'DaxAccess'])}"
        c["ParameterGroup"] = {"ParameterGroupName": r.pick([("default.dax1.0", 70), ("custom-ttl", 30)]),
                               "ParameterApplyStatus": "in-sync", "NodeIdsToReboot": []}
        c["SSEDescription"] = {"Status": r.pick([("ENABLED", 65), ("DISABLED", 32), ("ENABLING", 2),
                                                 ("DISABLING", 1)])}
        if r.chance(0.97):  # clusters from before TLS support carry no field (= NONE)
            c["ClusterEndpointEncryptionType"] = "TLS" if tls else "NONE"
        c["NetworkType"] = r.pick([("ipv4", 90), ("dual_stack", 8), ("ipv6", 2)])
        return c

    # -- ElastiCache ----------------------------------------------------------------------------
    def cache_host(self):
        return self.r.alnum(6)

    def make_replication_group(self):
        r = self.r
        rg_id, env = self.name(40)
        engine = r.pick([("redis", 65), ("valkey", 35)])
        cluster_mode = r.chance(0.35)
        shards = r.choice([2, 3, 4, 6]) if cluster_mode else 1
        replicas = r.pick([(0, 25), (1, 50), (2, 25)])
        failover = "enabled" if (replicas > 0 and r.chance(0.8)) or cluster_mode else "disabled"
        multi_az = "enabled" if failover == "enabled" and r.chance(0.75) else "disabled"
        at_rest = r.chance(0.9 if engine == "valkey" else 0.6)
        transit = r.chance(0.65)
        mode = r.pick([("required", 80), ("preferred", 20)]) if transit else None
        retention = r.pick([(0, 35), (1, 25), (7, 25), (14, 8), (35, 7)])
        host = self.cache_host()
        node_type = r.pick([("cache.r6g.large", 35), ("cache.m6g.large", 25), ("cache.t4g.micro", 15),
                            ("cache.r7g.xlarge", 15), ("cache.r6gd.xlarge", 10)])
        g = {"ReplicationGroupId": rg_id, "Description": f"{ENV_TAG[env]} {engine} cache",
             "Status": r.pick([("available", 95), ("modifying", 3), ("creating", 1), ("snapshotting", 1)])}
        pending = {}
        if mode == "preferred" and r.chance(0.2):
            pending = {"TransitEncryptionEnabled": True, "TransitEncryptionMode": "required"}
        g["PendingModifiedValues"] = pending
        members, node_groups = [], []
        start_az = r.randrange(len(self.azs))
        spread = multi_az == "enabled" or r.chance(0.3)  # some spread their nodes without Multi-AZ
        for s in range(shards):
            group_members = []
            for m in range(1 + replicas):
                cid = f"{rg_id}-{s + 1:04d}-{m + 1:03d}" if cluster_mode else f"{rg_id}-{m + 1:03d}"
                members.append(cid)
                member = {"CacheClusterId": cid, "CacheNodeId": "0001"}
                if not cluster_mode:
                    member["ReadEndpoint"] = {"Address": f"{cid}.{rg_id}.{host}.{self.code}.cache.amazonaws.com",
                                              "Port": 6379}
                member["PreferredAvailabilityZone"] = self.azs[(start_az + m) % len(self.azs) if spread else start_az]
                if not cluster_mode:
                    member["CurrentRole"] = "primary" if m == 0 else "replica"
                group_members.append(member)
            ng = {"NodeGroupId": f"{s + 1:04d}", "Status": "available"}
            if cluster_mode:
                lo = s * 16384 // shards
                hi = (s + 1) * 16384 // shards - 1
                ng["Slots"] = f"{lo}-{hi}"
            else:
                ng["PrimaryEndpoint"] = {"Address": f"master.{rg_id}.{host}.{self.code}.cache.amazonaws.com",
                                         "Port": 6379}
                ng["ReaderEndpoint"] = {"Address": f"replica.{rg_id}.{host}.{self.code}.cache.amazonaws.com",
                                        "Port": 6379}
            ng["NodeGroupMembers"] = group_members
            node_groups.append(ng)
        g["MemberClusters"] = members
        g["NodeGroups"] = node_groups
        if retention and not cluster_mode:
            g["SnapshottingClusterId"] = members[-1]
        g["AutomaticFailover"] = failover
        g["MultiAZ"] = multi_az
        if cluster_mode:
            g["ConfigurationEndpoint"] = {"Address": f"clustercfg.{rg_id}.{host}.{self.code}.cache.amazonaws.com",
                                          "Port": 6379}
        g["SnapshotRetentionLimit"] = retention
        g["SnapshotWindow"] = snapshot_window(r)
        g["ClusterEnabled"] = cluster_mode
        g["CacheNodeType"] = node_type
        auth = transit and r.chance(0.35)
        g["AuthTokenEnabled"] = auth
        if auth:
            g["AuthTokenLastModifiedDate"] = iso_z(r.when())
        g["TransitEncryptionEnabled"] = transit
        g["AtRestEncryptionEnabled"] = at_rest
        if at_rest and r.chance(0.45):
            key = self.customer_key_for_reference()
            if key:
                g["KmsKeyId"] = key
        g["ARN"] = f"arn:aws:elasticache:{self.region}:{self.account}:replicationgroup:{rg_id}"
        g["UserGroupIds"] = [f"ug-{r.choice(WORDS)}-{r.alnum(5)}"] if transit and not auth and r.chance(0.45) else []
        if r.chance(0.3):
            g["LogDeliveryConfigurations"] = [{
                "LogType": "slow-log", "DestinationType": "cloudwatch-logs",
                "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": f"/elasticache/{rg_id}/slow-log"}},
                "LogFormat": "json", "Status": "active"}]
        else:
            g["LogDeliveryConfigurations"] = []
        g["ReplicationGroupCreateTime"] = iso_z(r.when())
        g["DataTiering"] = "enabled" if node_type == "cache.r6gd.xlarge" else "disabled"
        g["AutoMinorVersionUpgrade"] = r.chance(0.85)
        g["NetworkType"] = "ipv4"
        g["IpDiscovery"] = "ipv4"
        if mode:
            g["TransitEncryptionMode"] = mode
        g["ClusterMode"] = "enabled" if cluster_mode else r.pick([("disabled", 95), ("compatible", 5)])
        g["Engine"] = engine
        return g

    def make_cache_cluster(self):
        """A cache cluster outside any replication group (describe-cache-clusters
        --show-cache-node-info --show-cache-clusters-not-in-replication-groups)."""
        r = self.r
        cid, _ = self.name(50)
        engine = r.pick([("memcached", 85), ("redis", 10), ("valkey", 5)])
        memcached = engine == "memcached"
        host = self.cache_host()
        nodes = r.pick([(1, 30), (2, 30), (3, 30), (6, 10)]) if memcached else 1
        cross_az = memcached and nodes > 1 and r.chance(0.6)
        first = r.randrange(len(self.azs))
        version = {"memcached": r.pick([("1.6.22", 50), ("1.6.17", 30), ("1.5.16", 15), ("1.4.34", 5)]),
                   "redis": r.pick([("7.1.0", 40), ("6.2.6", 35), ("5.0.6", 15), ("4.0.10", 10)]),
                   "valkey": r.pick([("8.0.1", 60), ("7.2.6", 40)])}[engine]
        transit = r.chance(0.3 if memcached and version.startswith("1.6") else (0 if memcached else 0.5))
        port = 11211 if memcached else 6379
        c = {"CacheClusterId": cid}
        if memcached:
            c["ConfigurationEndpoint"] = {"Address": f"{cid}.{host}.cfg.{self.code}.cache.amazonaws.com",
                                          "Port": port}
            c["ClientDownloadLandingPage"] = "https://console.aws.amazon.com/elasticache/home#client-download:"
        c["CacheNodeType"] = r.pick([("cache.t3.small", 30), ("cache.m6g.large", 40), ("cache.r6g.large", 30)])
        c["Engine"] = engine
        c["EngineVersion"] = version
        c["CacheClusterStatus"] = r.pick([("available", 96), ("modifying", 2), ("rebooting cache cluster nodes", 2)])
        c["NumCacheNodes"] = nodes
        c["PreferredAvailabilityZone"] = "Multiple" if cross_az else self.azs[first]
        created = r.when()
        c["CacheClusterCreateTime"] = iso_z(created)
        c["PreferredMaintenanceWindow"] = maintenance_window(r)
        c["PendingModifiedValues"] = {}
        c["CacheSecurityGroups"] = []
        family = {"memcached": "memcached1.6" if version.startswith("1.6") else "memcached1.5",
                  "redis": "redis" + version[:1] + (".x" if version[0] in "4567" else ""),
                  "valkey": "valkey" + version[:1]}[engine]
        c["CacheParameterGroup"] = {"CacheParameterGroupName": f"default.{family}",
                                    "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []}
        c["CacheSubnetGroupName"] = r.pick([("default", 20), (f"cache-{r.choice(WORDS)}-private", 80)])
        cache_nodes = []
        for i in range(nodes):
            az = self.azs[(first + i) % len(self.azs)] if cross_az else self.azs[first]
            cache_nodes.append({
                "CacheNodeId": f"{i + 1:04d}", "CacheNodeStatus": "available",
                "CacheNodeCreateTime": iso_z(created + r.uniform(0, 600)),
                "Endpoint": {"Address": f"{cid}.{host}.{i + 1:04d}.{self.code}.cache.amazonaws.com", "Port": port},
                "ParameterGroupStatus": "in-sync", "CustomerAvailabilityZone": az})
        c["CacheNodes"] = cache_nodes
        c["AutoMinorVersionUpgrade"] = r.chance(0.8)
        c["SecurityGroups"] = [{"SecurityGroupId": r.sg(), "Status": "active"}]
        if not memcached:
            c["SnapshotRetentionLimit"] = r.pick([(0, 50), (1, 25), (7, 25)])
            c["SnapshotWindow"] = snapshot_window(r)
        auth = not memcached and transit and r.chance(0.5)
        c["AuthTokenEnabled"] = auth
        if auth:
            c["AuthTokenLastModifiedDate"] = iso_z(r.when())
        c["TransitEncryptionEnabled"] = transit
        c["AtRestEncryptionEnabled"] = False if memcached else r.chance(0.5)
        c["ARN"] = f"arn:aws:elasticache:{self.region}:{self.account}:cluster:{cid}"
        c["ReplicationGroupLogDeliveryEnabled"] = False
        c["LogDeliveryConfigurations"] = []
        c["NetworkType"] = "ipv4"
        c["IpDiscovery"] = "ipv4"
        if transit:
            c["TransitEncryptionMode"] = "required" if memcached or r.chance(0.8) else "preferred"
        return c

    def make_serverless(self):
        r = self.r
        name, env = self.name(40)
        engine = r.pick([("valkey", 50), ("redis", 35), ("memcached", 15)])
        major, full = {"valkey": ("8", "8.0"), "redis": ("7", "7.1"), "memcached": ("1.6", "1.6.21")}[engine]
        host = self.cache_host()
        port = 11211 if engine == "memcached" else 6379
        s = {"ServerlessCacheName": name, "Description": f"{ENV_TAG[env]} serverless {engine}",
             "CreateTime": iso_z(r.when()), "Status": r.pick([("available", 96), ("modifying", 2), ("creating", 2)]),
             "Engine": engine, "MajorEngineVersion": major, "FullEngineVersion": full}
        if r.chance(0.5):
            s["CacheUsageLimits"] = {"DataStorage": {"Maximum": r.choice([5, 10, 50, 100]), "Unit": "GB"},
                                     "ECPUPerSecond": {"Maximum": r.choice([5000, 20000, 100000])}}
        if r.chance(0.4):
            key = self.customer_key_for_reference()
            if key:
                s["KmsKeyId"] = key
        s["SecurityGroupIds"] = [r.sg() for _ in range(r.pick([(1, 80), (2, 20)]))]
        address = f"{name}-{host}.serverless.{self.code}.cache.amazonaws.com"
        s["Endpoint"] = {"Address": address, "Port": port}
        s["ReaderEndpoint"] = {"Address": address, "Port": port + 1}
        s["ARN"] = f"arn:aws:elasticache:{self.region}:{self.account}:serverlesscache:{name}"
        if engine != "memcached" and r.chance(0.4):
            s["UserGroupId"] = f"ug-{r.choice(WORDS)}-{r.alnum(5)}"
        s["SubnetIds"] = [r.subnet() for _ in range(r.choice([2, 3]))]
        if engine != "memcached":
            s["SnapshotRetentionLimit"] = r.pick([(0, 40), (1, 30), (7, 30)])
            s["DailySnapshotTime"] = f"{r.randrange(24):02d}:00"
        s["NetworkType"] = "ipv4"
        return s


def config_item(bucket, rtype, rid, rname, arn, conf, supplementary, tags, created):
    """One item of an S3 snapshot file, fields in the order Config writes them."""
    r = bucket.r
    capture_ms = (SNAPSHOT_TIME - r.randrange(0, 30 * 86400)) * 1000 + r.randrange(1000)
    return {"relatedEvents": [], "relationships": [], "configuration": conf,
            "supplementaryConfiguration": supplementary, "tags": tags,
            "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": iso_z(capture_ms / 1000),
            "configurationStateId": capture_ms,
            "awsAccountId": bucket.account,
            "configurationItemStatus": r.pick([("OK", 90), ("ResourceDiscovered", 10)]),
            "resourceType": rtype, "resourceId": rid, "resourceName": rname, "ARN": arn,
            "awsRegion": bucket.region, "availabilityZone": "Not Applicable",
            "configurationStateMd5Hash": "", "resourceCreationTime": iso_z(created)}


# ---------------------------------------------------------------------------------------------
# Writing.

class Writer:
    def __init__(self, out):
        self.out = out
        self.files = 0
        self.bytes = 0

    def write(self, rel, text):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)

    def cli(self, rel, obj):
        """As `aws ... --output json` (CLI v1) prints it."""
        self.write(rel, json.dumps(obj, indent=4, ensure_ascii=False) + "\n")

    def snapshot(self, rel, snapshot_id, item_texts):
        """An AWS Config S3 snapshot file (compact, as Config writes it) from items already
        serialized by compact(); the same bytes as compact() of the whole object."""
        head = compact({"fileVersion": "1.0", "configSnapshotId": snapshot_id})[:-1]
        self.write(rel, head + ',"configurationItems":[' + ",".join(item_texts) + "]}")


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def pages(bucket, writer, rel_prefix, make, count, page_size, token_key, list_key):
    """Writes `count` resources from `make()` as the pages of a paginated describe call, one page
    in memory at a time; every page but the last carries the token for the next."""
    n_pages = (count + page_size - 1) // page_size
    for p in range(n_pages):
        items = [make() for _ in range(min(page_size, count - p * page_size))]
        page = {}
        if p + 1 < n_pages:
            page[token_key] = bucket.r.token()
        page[list_key] = items
        writer.cli(f"{rel_prefix}-p{p + 1:04d}.json", page)
    return count


def write_bucket(b, writer, stats):
    base = f"{b.account}/{b.region}"
    r = b.r
    config_items = []

    for md, supplementary, tags in b.make_keys():
        if r.chance(0.10):
            writer.cli(f"{base}/kms/describe-key-{md['KeyId']}.json", {"KeyMetadata": md})
            stats["kms_describe_key"] += 1
        else:
            config_items.append(compact(b.key_config_item(md, supplementary, tags)))
        stats["kms-key"] += 1

    for _ in range(b.counts["dynamodb-table"]):
        table, pitr, tags = b.make_table()
        if r.chance(0.05):
            writer.cli(f"{base}/dynamodb/describe-table-{table['TableName']}.json", {"Table": table})
            stats["dynamodb_describe_table"] += 1
        else:
            config_items.append(compact(b.table_config_item(table, pitr, tags)))
        stats["dynamodb-table"] += 1

    for kind, rel, make, page_size, token_key, list_key in (
            ("dax-cluster", "dax/describe-clusters", b.make_dax, DAX_PAGE, "NextToken", "Clusters"),
            ("elasticache-replication-group", "elasticache/describe-replication-groups",
             b.make_replication_group, RG_PAGE, "Marker", "ReplicationGroups"),
            ("elasticache-cache-cluster", "elasticache/describe-cache-clusters",
             b.make_cache_cluster, CC_PAGE, "Marker", "CacheClusters"),
            ("elasticache-serverless-cache", "elasticache/describe-serverless-caches",
             b.make_serverless, SERVERLESS_PAGE, "NextToken", "ServerlessCaches")):
        stats[kind] += pages(b, writer, f"{base}/{rel}", make, b.counts[kind], page_size, token_key, list_key)

    # Snapshot files mix types in no particular order; a table may come before its key. Items are
    # held as text until then: far smaller than the dicts.
    r.shuffle(config_items)
    for start in range(0, len(config_items), CONFIG_FILE_ITEMS):
        chunk = config_items[start:start + CONFIG_FILE_ITEMS]
        snapshot_id = r.uuid4()
        stamp = datetime.datetime.fromtimestamp(SNAPSHOT_TIME + start // CONFIG_FILE_ITEMS,
                                                datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        rel = (f"{base}/config/{b.account}_Config_{b.region}_ConfigSnapshot_{stamp}_{snapshot_id}.json")
        writer.snapshot(rel, snapshot_id, chunk)
        stats["config_items"] += len(chunk)
        stats["config_files"] += 1


def type_counts(n):
    """Exact per-type totals that add up to n."""
    tables = round(n * 0.30)
    dax = round(n * 0.20)
    elasticache = round(n * 0.30)
    keys = n - tables - dax - elasticache
    serverless = round(elasticache * 0.05)
    cache_clusters = round(elasticache * 0.20)
    groups = elasticache - serverless - cache_clusters
    return {"kms-key": keys, "dynamodb-table": tables, "dax-cluster": dax,
            "elasticache-replication-group": groups, "elasticache-cache-cluster": cache_clusters,
            "elasticache-serverless-cache": serverless}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--resources", type=int, required=True, help="number of resources to write")
    ap.add_argument("--out", required=True, help="output directory (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--manifest", help="also write counts as JSON to this path (keep it outside --out)")
    args = ap.parse_args(argv)
    if args.resources < 1:
        ap.error("--resources must be at least 1")
    if os.path.exists(args.out) and (not os.path.isdir(args.out) or os.listdir(args.out)):
        ap.error(f"{args.out} exists and is not an empty directory")
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()

    top = Rand(f"atrest-bench:{args.seed}")
    accounts = []
    while len(accounts) < ACCOUNT_COUNT:
        a = str(top.randrange(100000000000, 999999999999))
        if a not in accounts and a != "999900001111":
            accounts.append(a)
    buckets = [(a, ri) for a in accounts for ri in range(len(REGIONS))]
    weights = [REGIONS[ri][1] / (accounts.index(a) + 1) for a, ri in buckets]
    totals = type_counts(args.resources)
    per_bucket = [{k: 0 for k in totals} for _ in buckets]
    for kind, total in totals.items():
        for i in top.choices(range(len(buckets)), weights=weights, k=total):
            per_bucket[i][kind] += 1

    stats = {k: 0 for k in totals}
    stats.update(kms_describe_key=0, dynamodb_describe_table=0, config_items=0, config_files=0)
    writer = Writer(args.out)
    for (account, ri), counts in zip(buckets, per_bucket):
        if any(counts.values()):
            write_bucket(Bucket(args.seed, account, ri, counts), writer, stats)

    resources = sum(stats[k] for k in totals)
    assert resources == args.resources, (resources, args.resources)
    elapsed = time.monotonic() - started
    if args.manifest:
        with open(os.path.abspath(__file__), "rb") as f:
            generator_sha256 = hashlib.sha256(f.read()).hexdigest()
        manifest = {"generator": "bench/gen_corpus.py", "generator_sha256": generator_sha256,
                    "format": 1, "seed": args.seed,
                    "resources": resources, "files": writer.files, "bytes": writer.bytes,
                    "by_type": {k: stats[k] for k in totals},
                    "by_source": {k: stats[k] for k in ("config_files", "config_items",
                                                        "kms_describe_key", "dynamodb_describe_table")},
                    "accounts": accounts, "regions": [reg for reg, *_ in REGIONS]}
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
    by_type = ", ".join(f"{k} {stats[k]}" for k in totals)
    print(f"gen_corpus: {resources} resources ({by_type}) in {writer.files} files, "
          f"{writer.bytes} bytes ({writer.bytes / 2**20:.1f} MiB), seed {args.seed}, "
          f"{elapsed:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
