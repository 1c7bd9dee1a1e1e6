"""Self-test of fault_proxy.py against a real moto, with boto3 (no retries).

    python3 tests/live/proxy_test.py            # or: python3 tests/live/fault_proxy.py --self-test
"""
from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import socket
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from moto_env import MotoEnv, make_client  # noqa: E402

KEY_SCHEMA = dict(KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                  AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                  BillingMode="PAY_PER_REQUEST")
ROLE = "arn:aws:iam::123456789012:role/dax"


def code_status(exc: ClientError):
    return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]


class ProxyTest(unittest.TestCase):
    env: MotoEnv

    @classmethod
    def setUpClass(cls):
        cls.env = MotoEnv().start()

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def setUp(self):
        self.env.reset()

    # helpers --------------------------------------------------------------------------------
    def c(self, service, region="us-east-1", **kw):
        return self.env.client(service, region, **kw)

    def host_port(self):
        u = urllib.parse.urlsplit(self.env.proxy_url)
        return u.hostname, u.port

    def raw(self, data: bytes, timeout=5.0) -> bytes:
        s = socket.create_connection(self.host_port(), timeout=timeout)
        try:
            s.sendall(data)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            s.close()

    def assert_healthy(self):
        conn = http.client.HTTPConnection(*self.host_port(), timeout=5)
        conn.request("GET", "/__proxy/health")
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()

    def make_tables(self, n, region="us-east-1"):
        ddb = self.c("dynamodb", region)
        for i in range(n):
            ddb.create_table(TableName=f"t{i:03d}", **KEY_SCHEMA)
        return ddb

    def make_dax(self, n, region="us-east-1"):
        dax = self.c("dax", region)
        for i in range(n):
            dax.create_cluster(ClusterName=f"dax-{i:03d}", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE)
        return dax

    # fixtures -------------------------------------------------------------------------------
    def test_fixture_operations_parse_with_botocore_and_page(self):
        env = self.env
        caches = [{"ServerlessCacheName": f"sc{i}", "Description": "d", "Engine": "valkey",
                   "MajorEngineVersion": "8", "FullEngineVersion": "8.0",
                   "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 5000}},
                   "SecurityGroupIds": ["sg-1", "sg-2"], "SubnetIds": ["subnet-a", "subnet-b"],
                   "ReaderEndpoint": {"Address": "r.example", "Port": 6380}, "UserGroupId": "ug0",
                   "SnapshotRetentionLimit": 3, "DailySnapshotTime": "04:00", "NetworkType": "ipv4",
                   "CreateTime": 1795624685.421}
                  for i in range(7)]
        caches[3]["KmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/cmk"
        groups = [{"UserGroupId": f"ug{i}", "UserIds": ["default", f"u{i}"], "ReplicationGroups": ["rg1"],
                   "ServerlessCaches": ["sc0"], "PendingChanges": {"UserIdsToAdd": ["x"]},
                   "MinimumEngineVersion": "6.0"} for i in range(5)]
        subnet_groups = [{"SubnetGroupName": f"sng{i}", "Description": "d", "VpcId": "vpc-1",
                          "Subnets": [{"SubnetIdentifier": "subnet-a", "SubnetAvailabilityZone": "us-east-1a",
                                       "SupportedNetworkTypes": ["ipv4"]}], "SupportedNetworkTypes": ["ipv4"]}
                         for i in range(5)]
        env.fixtures(serverless_caches=caches, user_groups=groups, dax_subnet_groups=subnet_groups)
        ec = self.c("elasticache")
        pages = list(ec.get_paginator("describe_serverless_caches").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p["ServerlessCaches"]) for p in pages], [3, 3, 1])
        got = [sc for p in pages for sc in p["ServerlessCaches"]]
        self.assertEqual([g["ServerlessCacheName"] for g in got], [f"sc{i}" for i in range(7)])
        g3 = got[3]
        self.assertEqual(g3["KmsKeyId"], "arn:aws:kms:us-east-1:123456789012:key/cmk")
        self.assertNotIn("KmsKeyId", got[0])
        self.assertEqual(g3["SecurityGroupIds"], ["sg-1", "sg-2"])
        self.assertEqual(g3["SubnetIds"], ["subnet-a", "subnet-b"])
        self.assertEqual(g3["CacheUsageLimits"]["DataStorage"], {"Maximum": 10, "Unit": "GB"})
        self.assertEqual(g3["SnapshotRetentionLimit"], 3)
        self.assertEqual(g3["ARN"], "arn:aws:elasticache:us-east-1:123456789012:serverlesscache:sc3")
        self.assertEqual(int(g3["CreateTime"].timestamp()), 1795624685)

        pages = list(ec.get_paginator("describe_user_groups").paginate(PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["UserGroups"]) for p in pages], [2, 2, 1])
        ug = pages[0]["UserGroups"][1]
        self.assertEqual(ug["UserIds"], ["default", "u1"])
        self.assertEqual(ug["PendingChanges"], {"UserIdsToAdd": ["x"]})
        self.assertEqual(ug["ARN"], "arn:aws:elasticache:us-east-1:123456789012:usergroup:ug1")

        dax = self.c("dax")
        pages = list(dax.get_paginator("describe_subnet_groups").paginate(PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["SubnetGroups"]) for p in pages], [2, 2, 1])
        self.assertEqual(pages[0]["SubnetGroups"][0], subnet_groups[0])
        self.assertEqual(dax.describe_subnet_groups(SubnetGroupNames=["sng4"])["SubnetGroups"], [subnet_groups[4]])

        # errors from the model
        for call, code, status in (
            (lambda: ec.describe_serverless_caches(ServerlessCacheName="nope"), "ServerlessCacheNotFoundFault", 404),
            (lambda: ec.describe_user_groups(UserGroupId="nope"), "UserGroupNotFound", 404),
            (lambda: dax.describe_subnet_groups(SubnetGroupNames=["nope"]), "SubnetGroupNotFoundFault", 400),
            (lambda: ec.describe_serverless_caches(NextToken="garbage"), "InvalidParameterValue", 400),
            (lambda: dax.describe_subnet_groups(NextToken="garbage"), "InvalidParameterValueException", 400),
        ):
            with self.assertRaises(ClientError) as cm:
                call()
            self.assertEqual(code_status(cm.exception), (code, status))
        self.assertEqual(len(ec.describe_serverless_caches(ServerlessCacheName="sc2")["ServerlessCaches"]), 1)

    def test_backup_selections_rest_json(self):
        """AWS Backup is REST-JSON: the proxy names the operation from method and path, serves the
        selections moto lacks (paged by maxResults/nextToken), and faults it in that protocol."""
        env = self.env
        b = self.c("backup")
        plan = b.create_backup_plan(BackupPlan={"BackupPlanName": "p", "Rules": [
            {"RuleName": "r", "TargetBackupVaultName": "Default"}]})["BackupPlanId"]
        sels = [{"BackupPlanId": plan, "SelectionName": f"s{i}", "Resources": [f"arn:aws:dynamodb:us-east-1:123456789012:table/t{i}"],
                 "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}
                for i in range(5)]
        env.fixtures(region="us-east-1", backup_selections=sels)
        pages = list(b.get_paginator("list_backup_selections").paginate(
            BackupPlanId=plan, PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        listed = [x for p in pages for x in p["BackupSelectionsList"]]
        self.assertEqual([x["SelectionName"] for x in listed], [f"s{i}" for i in range(5)])
        got = b.get_backup_selection(BackupPlanId=plan, SelectionId=listed[3]["SelectionId"])
        self.assertEqual(got["BackupSelection"]["Resources"], sels[3]["Resources"])
        self.assertEqual(got["BackupSelection"]["ListOfTags"][0]["ConditionKey"], "backup")
        with self.assertRaises(ClientError) as e:
            b.get_backup_selection(BackupPlanId=plan, SelectionId="nope")
        self.assertEqual(code_status(e.exception), ("ResourceNotFoundException", 404))
        env.rules([{"service": "backup", "operation": "ListBackupPlans", "action": "access_denied"}])
        with self.assertRaises(ClientError) as e:
            b.list_backup_plans()
        self.assertEqual(code_status(e.exception), ("AccessDeniedException", 403))
        counts = env.calls()["counts"]
        for op in ("ListBackupSelections", "GetBackupSelection", "ListBackupPlans", "CreateBackupPlan"):
            self.assertIn(f"backup:{op}", counts)

    def test_fixture_xml_is_model_shaped(self):
        self.env.fixtures(serverless_caches=[{"ServerlessCacheName": "a", "SecurityGroupIds": ["sg-1"],
                                              "SubnetIds": ["s-1"], "KmsKeyId": "k"}],
                          user_groups=[{"UserGroupId": "g"}])
        ec = self.c("elasticache")
        captured = {}
        ec.meta.events.register("after-call", lambda http_response, model, **_: captured.__setitem__(model.name, http_response.text))
        ec.describe_serverless_caches()
        ec.describe_user_groups()
        x = captured["DescribeServerlessCaches"]
        self.assertIn("<DescribeServerlessCachesResult><ServerlessCaches><member><ServerlessCacheName>a<", x)
        self.assertIn("<SecurityGroupIds><SecurityGroupId>sg-1</SecurityGroupId></SecurityGroupIds>", x)
        self.assertIn("<SubnetIds><SubnetId>s-1</SubnetId></SubnetIds>", x)
        self.assertIn("<ResponseMetadata><RequestId>", x)
        self.assertIn('xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"', x)
        self.assertIn("<UserGroups><member><UserGroupId>g</UserGroupId>", captured["DescribeUserGroups"])
        self.assertIn("<UserIds><member>default</member></UserIds>", captured["DescribeUserGroups"])

    def test_fixtures_are_per_region_and_account(self):
        env = self.env
        env.fixtures(region="eu-west-1", serverless_caches=[{"ServerlessCacheName": "eu"}])
        env.fixtures(account="111111111111", region="us-east-1", serverless_caches=[{"ServerlessCacheName": "other"}])
        env.fixtures(account="222222222222", region="us-east-1", serverless_caches=[{"ServerlessCacheName": "assumed"}])
        names = lambda c: [s["ServerlessCacheName"] for s in c.describe_serverless_caches()["ServerlessCaches"]]
        self.assertEqual(names(self.c("elasticache", "us-east-1")), [])
        self.assertEqual(names(self.c("elasticache", "eu-west-1")), ["eu"])
        self.assertEqual(names(self.c("elasticache", "us-east-1", account="111111111111")), ["other"])
        # AssumeRole'd credentials: the proxy learns the key's account like moto does
        creds = self.c("sts").assume_role(RoleArn="arn:aws:iam::222222222222:role/Audit",
                                          RoleSessionName="scan")["Credentials"]
        assumed = make_client(env.endpoint, "elasticache", "us-east-1", credentials={
            "aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]})
        self.assertEqual(names(assumed), ["assumed"])
        # ...and it finds the account of a key it did not see being issued (asks moto)
        env.proxy_reset(["accounts"])
        self.assertEqual(names(assumed), ["assumed"])
        # replace=False appends
        env.fixtures(region="eu-west-1", replace=False, serverless_caches=[{"ServerlessCacheName": "eu2"}])
        self.assertEqual(names(self.c("elasticache", "eu-west-1")), ["eu", "eu2"])
        # an explicit mapping
        env.fixtures(account="333333333333", region="us-east-1", serverless_caches=[{"ServerlessCacheName": "mapped"}])
        env.map_account("AKIAMAPPED", "333333333333")
        mapped = make_client(env.endpoint, "elasticache", credentials={"aws_access_key_id": "AKIAMAPPED",
                                                                       "aws_secret_access_key": "x"})
        self.assertEqual(names(mapped), ["mapped"])

    # faults ----------------------------------------------------------------------------------
    def test_throttle_each_protocol_then_pass(self):
        env = self.env
        env.rules([
            {"service": "dax", "operation": "DescribeClusters", "action": "throttle", "times": 2},
            {"service": "dynamodb", "action": "throttle", "code": "ProvisionedThroughputExceededException", "times": 1},
            {"service": "elasticache", "operation": "DescribeReplicationGroups", "action": "throttle", "times": 1},
            {"service": "ec2", "action": "throttle", "times": 1},
            {"service": "kms", "region": "eu-west-1", "action": "throttle", "times": 1},
        ])
        dax = self.c("dax")
        for _ in range(2):
            with self.assertRaises(ClientError) as cm:
                dax.describe_clusters()
            self.assertEqual(code_status(cm.exception), ("ThrottlingException", 400))
        dax.describe_clusters()
        ddb = self.c("dynamodb")
        with self.assertRaises(ClientError) as cm:
            ddb.list_tables()
        self.assertEqual(code_status(cm.exception), ("ProvisionedThroughputExceededException", 400))
        ddb.list_tables()
        ec = self.c("elasticache")
        with self.assertRaises(ClientError) as cm:
            ec.describe_replication_groups()
        self.assertEqual(code_status(cm.exception), ("Throttling", 400))
        self.assertEqual(cm.exception.response["Error"]["Type"], "Sender")
        ec.describe_replication_groups()
        ec2 = self.c("ec2")
        with self.assertRaises(ClientError) as cm:
            ec2.describe_regions()
        self.assertEqual(code_status(cm.exception), ("RequestLimitExceeded", 503))
        ec2.describe_regions()
        self.c("kms", "us-east-1").list_keys()  # region does not match
        with self.assertRaises(ClientError) as cm:
            self.c("kms", "eu-west-1").list_keys()
        self.assertEqual(code_status(cm.exception), ("ThrottlingException", 400))
        fired = {(r["service"], r.get("operation")): r["fired"] for r in env.get_rules()}
        self.assertEqual(fired[("dax", "DescribeClusters")], 2)
        calls = env.calls()
        self.assertEqual(calls["counts"]["dax:DescribeClusters"], 3)
        statuses = [(c["status"], c["action"]) for c in calls["calls"] if c["service"] == "dax"]
        self.assertEqual(statuses, [(400, "throttle"), (400, "throttle"), (200, "forward")])

    def test_status500_and_access_denied(self):
        self.env.rules([
            {"operation": "DescribeClusters", "action": "status500"},
            {"operation": "DescribeTable", "action": "status500"},
            {"operation": "DescribeCacheClusters", "action": "status500"},
            {"operation": "DescribeVpcs", "action": "status500"},
            {"operation": "ListKeys", "action": "access_denied"},
            {"operation": "DescribeReplicationGroups", "action": "access_denied"},
            {"operation": "DescribeSecurityGroups", "action": "access_denied"},
            {"operation": "GetCallerIdentity", "action": "error", "code": "ExpiredToken", "status": 403},
        ])
        cases = [
            (lambda: self.c("dax").describe_clusters(), ("InternalFailure", 500)),
            (lambda: self.c("dynamodb").describe_table(TableName="x"), ("InternalServerError", 500)),
            (lambda: self.c("elasticache").describe_cache_clusters(), ("InternalFailure", 500)),
            (lambda: self.c("ec2").describe_vpcs(), ("InternalError", 500)),
            (lambda: self.c("kms").list_keys(), ("AccessDeniedException", 400)),
            (lambda: self.c("elasticache").describe_replication_groups(), ("AccessDenied", 403)),
            (lambda: self.c("ec2").describe_security_groups(), ("UnauthorizedOperation", 403)),
            (lambda: self.c("sts").get_caller_identity(), ("ExpiredToken", 403)),
        ]
        for fn, expected in cases:
            with self.assertRaises(ClientError) as cm:
                fn()
            self.assertEqual(code_status(cm.exception), expected)

    def test_html_page(self):
        self.env.rules([{"service": "dax", "action": "html", "times": 1},
                        {"service": "elasticache", "action": "html", "status": 500}])
        with self.assertRaises(ClientError) as cm:
            self.c("dax").describe_clusters()
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 502)
        self.c("dax").describe_clusters()
        with self.assertRaises(ClientError) as cm:
            self.c("elasticache").describe_replication_groups()
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)

    def test_reset_closes_without_answer(self):
        self.env.rules([{"service": "dynamodb", "action": "reset", "times": 1},
                        {"service": "kms", "action": "reset", "mode": "close", "times": 1}])
        with self.assertRaises((botocore.exceptions.ConnectionClosedError, botocore.exceptions.ConnectionError,
                                botocore.exceptions.HTTPClientError)):
            self.c("dynamodb").list_tables()
        self.c("dynamodb").list_tables()
        with self.assertRaises((botocore.exceptions.ConnectionClosedError, botocore.exceptions.ConnectionError,
                                botocore.exceptions.HTTPClientError)):
            self.c("kms").list_keys()
        self.assertEqual([c["status"] for c in self.env.calls()["calls"]], ["reset", 200, "reset"])
        self.assert_healthy()

    def test_delay_hang_and_latency(self):
        env = self.env
        env.rules([{"service": "dynamodb", "action": "delay", "ms": 400, "times": 1},
                   {"service": "kms", "action": "hang", "ms": 1500, "times": 1}])
        ddb = self.c("dynamodb")
        t = time.monotonic()
        ddb.list_tables()
        self.assertGreaterEqual(time.monotonic() - t, 0.4)
        t = time.monotonic()
        ddb.list_tables()
        self.assertLess(time.monotonic() - t, 0.4)
        kms = make_client(env.endpoint, "kms", read_timeout=0.5)
        with self.assertRaises((botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectionError)):
            kms.list_keys()
        env.latency(250)
        t = time.monotonic()
        ddb.list_tables()
        self.assertGreaterEqual(time.monotonic() - t, 0.25)
        env.latency(0)
        t = time.monotonic()
        ddb.list_tables()
        self.assertLess(time.monotonic() - t, 0.25)

    def test_truncate_gives_short_body(self):
        self.make_tables(5)
        self.env.rules([{"service": "dynamodb", "operation": "ListTables", "action": "truncate", "times": 1}])
        with self.assertRaises((botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError,
                                botocore.exceptions.ResponseStreamingError)):
            self.c("dynamodb").list_tables()
        self.assertEqual(len(self.c("dynamodb").list_tables()["TableNames"]), 5)
        # what a raw client sees: the full Content-Length, half the body, then EOF
        self.env.rules([{"service": "dynamodb", "operation": "ListTables", "action": "truncate", "times": 1}])
        body = b"{}"
        req = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
               b"Content-Type: application/x-amz-json-1.0\r\n"
               b"Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
               b"SignedHeaders=host, Signature=00\r\nContent-Length: 2\r\n\r\n" + body)
        out = self.raw(req)
        head, _, got = out.partition(b"\r\n\r\n")
        length = int([ln.split(b":")[1] for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")][0])
        self.assertTrue(head.startswith(b"HTTP/1.1 200"))
        self.assertEqual(len(got), length // 2)

    def test_repeat_token_loops_each_token_style(self):
        self.make_tables(3)
        self.make_dax(3)
        ec = self.c("elasticache")
        for i in range(25):
            ec.create_replication_group(ReplicationGroupId=f"rg{i:02d}", ReplicationGroupDescription="x",
                                        Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1)
        self.env.fixtures(serverless_caches=[{"ServerlessCacheName": f"s{i}"} for i in range(3)])
        self.env.rules([{"action": "repeat_token", "times": 6}])
        ddb, dax, kms, ec2 = self.c("dynamodb"), self.c("dax"), self.c("kms"), self.c("ec2")

        # first page without a token -> LOOP; LOOP is stripped -> page 1 again, token LOOP again
        r1 = ddb.list_tables(Limit=2)
        self.assertEqual(r1["LastEvaluatedTableName"], "LOOP")
        r2 = ddb.list_tables(Limit=2, ExclusiveStartTableName="LOOP")
        self.assertEqual((r2["TableNames"], r2["LastEvaluatedTableName"]), (r1["TableNames"], "LOOP"))
        # a real token is echoed back
        self.env.proxy_reset(["rules"])
        real = ddb.list_tables(Limit=1)["LastEvaluatedTableName"]
        self.env.rules([{"action": "repeat_token", "times": -1}])
        r = ddb.list_tables(Limit=1, ExclusiveStartTableName=real)
        self.assertEqual(r["LastEvaluatedTableName"], real)
        # DAX NextToken (json 1.1)
        r = dax.describe_clusters(MaxResults=2)
        self.assertEqual(r["NextToken"], "LOOP")
        # KMS NextMarker + Truncated even though moto ignores Limit
        r = kms.list_keys(Limit=1)
        self.assertEqual((r["NextMarker"], r["Truncated"]), ("LOOP", True))
        # ElastiCache Marker (inserted into the Result)
        r = ec.describe_replication_groups(MaxRecords=100)
        self.assertEqual(r["Marker"], "LOOP")
        r = ec.describe_replication_groups(MaxRecords=20)  # moto sets a Marker here: it is replaced
        self.assertEqual(r["Marker"], "LOOP")
        # serverless fixture NextToken
        self.assertEqual(ec.describe_serverless_caches()["NextToken"], "LOOP")
        # ec2 nextToken
        self.assertEqual(ec2.describe_security_groups(MaxResults=5)["NextToken"], "LOOP")
        # a paginator never ends: botocore notices the repeated token and raises
        with self.assertRaises(botocore.exceptions.PaginationError):
            for _ in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}):
                pass
        # once the rule is gone, a LOOP token still yields the first page
        self.env.rules([])
        r = ddb.list_tables(Limit=2, ExclusiveStartTableName="LOOP")
        self.assertEqual(r["TableNames"], ["t000", "t001"])
        r = dax.describe_clusters(MaxResults=2, NextToken="LOOP")
        self.assertEqual([c["ClusterName"] for c in r["Clusters"]], ["dax-000", "dax-001"])

    def test_skip_lists_and_wildcards(self):
        self.env.rules([
            {"service": ["kms", "dax"], "operation": "*", "region": ["eu-west-1"], "action": "throttle",
             "skip": 1, "times": 1},
        ])
        kms = self.c("kms", "eu-west-1")
        kms.list_keys()  # skipped
        with self.assertRaises(ClientError):
            kms.list_keys()
        kms.list_keys()  # exhausted
        self.c("dax", "us-east-1").describe_clusters()
        rule = self.env.get_rules()[0]
        self.assertEqual((rule["matched"], rule["fired"]), (2, 1))

    def test_control_api_errors(self):
        from moto_env import http as call
        base = self.env.proxy_url + "/__proxy/"
        self.assertEqual(call("POST", base + "rules", {"rules": [{"action": "explode"}]})[0], 400)
        self.assertEqual(call("POST", base + "rules", {"rules": [{"action": "error"}]})[0], 400)
        self.assertEqual(call("POST", base + "fixtures", {"serverless_caches": [{"Engine": "x"}]})[0], 400)
        self.assertEqual(call("POST", base + "reset", {"what": ["everything"]})[0], 400)
        self.assertEqual(call("GET", base + "nothing")[0], 404)
        self.assertEqual(call("POST", base + "latency", {"ms": -1})[0], 400)
        out = self.raw(b"POST /__proxy/rules HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{bad}")
        self.assertIn(b" 400 ", out.split(b"\r\n")[0])

    # robustness -----------------------------------------------------------------------------
    def test_odd_input_does_not_kill_the_proxy(self):
        for junk in (b"\x00\x01\x02garbage\r\n\r\n", b"GET\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort",
                     b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                     b"POST / HTTP/1.1\r\n" + b"X: " + b"a" * 70000 + b"\r\n\r\n",
                     b"POST / HTTP/1.1\r\nX-Amz-Target: \r\nAuthorization: Credential=/\r\nContent-Length: 3\r\n\r\n{{{",
                     b""):
            self.raw(junk, timeout=2)
        self.assert_healthy()
        # chunked request body, HTTP/1.0 and HEAD work
        body = b'{"Limit": 1}'
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        out = self.raw(b"POST / HTTP/1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                       b"Content-Type: application/x-amz-json-1.0\r\nTransfer-Encoding: chunked\r\n"
                       b"Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                       b"SignedHeaders=host, Signature=00\r\n\r\n" + chunked)
        self.assertTrue(out.startswith(b"HTTP/1.1 200"), out[:200])
        self.assertIn(b'"TableNames"', out)

    def test_keep_alive_and_concurrency(self):
        self.make_tables(3)
        # one connection, many requests
        conn = http.client.HTTPConnection(*self.host_port(), timeout=10)
        hdrs = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0",
                "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                                 "SignedHeaders=host, Signature=00"}
        conn.request("POST", "/", body=b"{}", headers=hdrs)
        r = conn.getresponse()
        r.read()
        sock = conn.sock
        for _ in range(20):
            conn.request("POST", "/", body=b"{}", headers=hdrs)
            r = conn.getresponse()
            self.assertEqual(json.loads(r.read())["TableNames"], ["t000", "t001", "t002"])
            self.assertIsNone(r.getheader("Connection"))
            self.assertIs(conn.sock, sock)  # never reconnected
        conn.close()
        # 64 parallel keep-alive connections
        self.env.latency(5)
        ddb = make_client(self.env.endpoint, "dynamodb", max_pool_connections=64)
        with concurrent.futures.ThreadPoolExecutor(64) as ex:
            results = list(ex.map(lambda i: len(ddb.list_tables()["TableNames"]), range(640)))
        self.assertEqual(set(results), {3})
        self.assertEqual(self.env.calls()["counts"]["dynamodb:ListTables"], 21 + 640)
        self.assert_healthy()


if __name__ == "__main__":
    unittest.main(verbosity=2)
