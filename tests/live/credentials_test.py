"""Live tests of the HTTP credential providers through tests/live/credentials_tool.

A fake metadata server on a free loopback port plays IMDS (v2 and v1) and the container
credentials endpoint, and sits in front of STS: it records every request, then either answers
with an STS error of its own or forwards to moto (python3 -m moto.server), whose AssumeRole and
AssumeRoleWithWebIdentity hand out credentials for the role's account that GetCallerIdentity then
reports. STS tests are skipped when moto is not installed.

Run: CREDENTIALS_TOOL=/path/to/credentials_tool python3 -m unittest -v credentials_test
"""

import datetime
import http.server
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request

TOOL = os.environ.get("CREDENTIALS_TOOL", "")
HAVE_MOTO = importlib.util.find_spec("moto") is not None
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
IMDS_TOKEN = "imds-token-123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def iso(seconds_from_now):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body=b""):
        st = self.server.state
        st["requests"].append({"method": self.command, "path": self.path,
                               "headers": {k.lower(): v for k, v in self.headers.items()},
                               "body": body.decode(errors="replace")})
        return st

    def do_PUT(self):
        st = self._record()
        if self.path == "/latest/api/token":
            if st["token_status"] != 200:
                return self._send(st["token_status"], "")
            if self.headers.get("x-aws-ec2-metadata-token-ttl-seconds") != "21600":
                return self._send(400, "")
            return self._send(200, IMDS_TOKEN)
        self._send(404, "")

    def do_GET(self):
        st = self._record()
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith(base):
            token = self.headers.get("x-aws-ec2-metadata-token")
            if st["token_status"] == 200 and token != IMDS_TOKEN:
                return self._send(401, "")
            if self.path == base:
                return self._send(200, "scanner-role")
            if self.path == base + "scanner-role":
                st["imds_serial"] += 1
                return self._send(200, json.dumps({
                    "Code": "Success", "Type": "AWS-HMAC",
                    "AccessKeyId": "ASIAIMDS%d" % st["imds_serial"], "SecretAccessKey": SECRET,
                    "Token": "imds-session", "Expiration": iso(3600)}))
        if self.path == "/container/creds":
            if st["container_status"] != 200:
                return self._send(st["container_status"], "no")
            return self._send(200, json.dumps({
                "AccessKeyId": "ASIACONTAINER", "SecretAccessKey": SECRET, "Token": "container-session",
                "Expiration": iso(3600)}), "application/json")
        self._send(404, "")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        st = self._record(body)
        if st["sts_error"]:
            return self._send(403, (
                '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
                '<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/base is not authorized '
                'to perform: sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>'),
                "text/xml")
        # Forward to moto, headers and body unchanged (moto routes by the signing scope).
        req = urllib.request.Request(st["moto"] + self.path, data=body, method="POST")
        for k, v in self.headers.items():
            if k.lower() not in ("host", "content-length", "connection"):
                req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                self._send(resp.status, resp.read(), resp.headers.get("Content-Type", "text/xml"))
        except urllib.error.HTTPError as e:
            self._send(e.code, e.read(), "text/xml")


class FakeServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


def setUpModule():
    global SERVER, SERVER_URL, MOTO, MOTO_URL
    if not TOOL or not os.access(TOOL, os.X_OK):
        raise unittest.SkipTest("CREDENTIALS_TOOL is not set to the credentials_tool binary")
    SERVER = FakeServer(("127.0.0.1", 0), FakeHandler)
    SERVER_URL = "http://127.0.0.1:%d" % SERVER.server_address[1]
    threading.Thread(target=SERVER.serve_forever, daemon=True).start()
    MOTO = None
    MOTO_URL = ""
    if HAVE_MOTO:
        port = free_port()
        MOTO_URL = "http://127.0.0.1:%d" % port
        MOTO = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(MOTO_URL + "/moto-api/", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline or MOTO.poll() is not None:
                    raise RuntimeError("moto server did not start")
                time.sleep(0.2)


def tearDownModule():
    SERVER.shutdown()
    if MOTO is not None:
        MOTO.terminate()
        MOTO.wait(timeout=10)


class CredentialsLiveTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="atrest-cred-live-")
        SERVER.state = {"requests": [], "token_status": 200, "imds_serial": 0, "container_status": 200,
                        "sts_error": False, "moto": MOTO_URL}
        # A clean environment: nothing from the machine's own AWS setup, IMDS off unless a test
        # turns it on, and no proxy between curl and the loopback servers.
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                    "AWS_CONFIG_FILE": os.path.join(self.dir, "config"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.dir, "credentials"),
                    "AWS_EC2_METADATA_DISABLED": "true"}

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_tool(self, *args, ok=True):
        proc = subprocess.run([TOOL, *args], env=self.env, capture_output=True, text=True, timeout=60)
        out = proc.stdout + proc.stderr
        self.assertNotIn(SECRET, out)
        self.assertNotIn("FwoGZXIvYXdz", out)  # moto's session tokens
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        if ok:
            self.assertEqual(proc.returncode, 0, out)
            self.assertNotIn("error", lines[0], out)
        else:
            self.assertEqual(proc.returncode, 1, out)
            self.assertIn("error", lines[0], out)
        return lines if len(lines) > 1 else lines[0]

    def requests(self, method=None):
        return [r for r in SERVER.state["requests"] if method is None or r["method"] == method]

    # --- environment ------------------------------------------------------------------------

    def test_environment(self):
        self.env.update(AWS_ACCESS_KEY_ID="AKIAENV", AWS_SECRET_ACCESS_KEY=SECRET)
        got = self.run_tool()
        self.assertEqual(got["source"], "environment")
        self.assertEqual(got["access_key_id"], "AKIAENV")
        self.assertFalse(got["has_session_token"])
        self.assertIsNone(got["expiration"])

    # --- IMDS -------------------------------------------------------------------------------

    def use_imds(self):
        del self.env["AWS_EC2_METADATA_DISABLED"]
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = SERVER_URL

    def test_imds_v2_token_before_gets(self):
        self.use_imds()
        got = self.run_tool()
        self.assertEqual(got["source"], "instance metadata")
        self.assertEqual(got["access_key_id"], "ASIAIMDS1")
        self.assertTrue(got["has_session_token"])
        reqs = self.requests()
        self.assertEqual([(r["method"], r["path"]) for r in reqs], [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/iam/security-credentials/"),
            ("GET", "/latest/meta-data/iam/security-credentials/scanner-role")])
        self.assertEqual(reqs[0]["headers"]["x-aws-ec2-metadata-token-ttl-seconds"], "21600")
        for r in reqs[1:]:
            self.assertEqual(r["headers"]["x-aws-ec2-metadata-token"], IMDS_TOKEN)

    def test_imds_endpoint_option_wins(self):
        self.use_imds()
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9"
        got = self.run_tool("--imds-endpoint", SERVER_URL + "/")
        self.assertEqual(got["access_key_id"], "ASIAIMDS1")

    def test_imds_v1_fallback(self):
        self.use_imds()
        SERVER.state["token_status"] = 403  # IMDSv2 not offered: botocore falls back to v1
        got = self.run_tool()
        self.assertEqual(got["access_key_id"], "ASIAIMDS1")
        gets = self.requests("GET")
        self.assertEqual(len(gets), 2)
        for r in gets:
            self.assertNotIn("x-aws-ec2-metadata-token", r["headers"])

    def test_imds_v1_disabled(self):
        self.use_imds()
        self.env["AWS_EC2_METADATA_V1_DISABLED"] = "true"
        SERVER.state["token_status"] = 404
        got = self.run_tool(ok=False)
        self.assertIn("IMDSv1 is disabled", got["error"])
        self.assertEqual(self.requests("GET"), [])

    def test_imds_disabled(self):
        self.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = SERVER_URL
        got = self.run_tool(ok=False)
        self.assertIn("Unable to locate credentials", got["error"])
        self.assertIn("AWS_EC2_METADATA_DISABLED", got["error"])
        self.assertEqual(self.requests(), [])

    def test_imds_refresh_before_expiry(self):
        self.use_imds()
        first, second, third = self.run_tool("--gets", "3", "--advance", "1800")
        self.assertEqual(first["access_key_id"], "ASIAIMDS1")
        self.assertEqual(second["access_key_id"], "ASIAIMDS1")  # 30 minutes left: cached
        self.assertEqual(third["access_key_id"], "ASIAIMDS2")   # within 5 minutes: fetched again
        self.assertEqual(len(self.requests("PUT")), 2)

    # --- container --------------------------------------------------------------------------

    def test_container_full_uri_with_token(self):
        self.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = SERVER_URL + "/container/creds"
        self.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Basic env-token"
        got = self.run_tool()
        self.assertEqual(got["source"], "container")
        self.assertEqual(got["access_key_id"], "ASIACONTAINER")
        (req,) = self.requests()
        self.assertEqual(req["headers"]["authorization"], "Basic env-token")
        self.assertEqual(req["headers"]["accept"], "application/json")

    def test_container_token_file_wins(self):
        self.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = SERVER_URL.replace("127.0.0.1", "localhost") + \
            "/container/creds"
        self.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "from-env"
        self.env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = self.write("eks-token", "from-file")
        self.run_tool()
        self.assertEqual(self.requests()[0]["headers"]["authorization"], "from-file")

    def test_container_comes_before_imds_and_fails_the_chain(self):
        self.use_imds()
        self.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = SERVER_URL + "/container/creds"
        SERVER.state["container_status"] = 500
        got = self.run_tool(ok=False)
        self.assertIn("container: HTTP 500", got["error"])
        self.assertEqual(len(self.requests()), 3)  # botocore's three attempts, and no IMDS after
        self.assertEqual(self.requests("PUT"), [])

    # --- STS: errors (no moto needed) ---------------------------------------------------------

    def test_assume_role_error_code(self):
        SERVER.state["sts_error"] = True
        self.write("config", "[profile audit]\nrole_arn = arn:aws:iam::111111111111:role/Audit\n"
                             "source_profile = base\n")
        self.write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = %s\n" % SECRET)
        self.env["AWS_ENDPOINT_URL_STS"] = SERVER_URL
        got = self.run_tool("--profile", "audit", ok=False)
        self.assertEqual(got["code"], "AccessDenied")
        self.assertIn("profile audit: assume role arn:aws:iam::111111111111:role/Audit", got["error"])
        self.assertIn("is not authorized to perform: sts:AssumeRole (HTTP 403)", got["error"])
        self.assertEqual(len(self.requests("POST")), 1)  # AccessDenied is not retried

    # --- STS through moto ---------------------------------------------------------------------

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_assume_role_with_source_profile(self):
        self.write("config", "[profile audit]\nrole_arn = arn:aws:iam::111111111111:role/Audit\n"
                             "source_profile = base\nexternal_id = ext-1\nduration_seconds = 900\n"
                             "role_session_name = scan\nregion = eu-west-1\n")
        self.write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = %s\n" % SECRET)
        got = self.run_tool("--profile", "audit", "--sts-endpoint", SERVER_URL, "--caller-identity")
        self.assertEqual(got["describe"], "profile audit: assume role arn:aws:iam::111111111111:role/Audit "
                                          "via profile base")
        self.assertTrue(got["access_key_id"].startswith("ASIA"))
        self.assertTrue(got["has_session_token"])
        self.assertIsNotNone(got["expiration"])
        self.assertEqual(got["account"], "111111111111")
        self.assertIn("assumed-role/Audit/scan", got["arn"])
        call, identity = self.requests("POST")  # AssumeRole, then the tool's GetCallerIdentity
        self.assertIn("Action=GetCallerIdentity", identity["body"])
        form = urllib.parse.parse_qs(call["body"])
        self.assertEqual(form["Action"], ["AssumeRole"])
        self.assertEqual(form["Version"], ["2011-06-15"])
        self.assertEqual(form["RoleArn"], ["arn:aws:iam::111111111111:role/Audit"])
        self.assertEqual(form["ExternalId"], ["ext-1"])
        self.assertEqual(form["DurationSeconds"], ["900"])
        self.assertEqual(form["RoleSessionName"], ["scan"])
        self.assertEqual(call["headers"]["content-type"], "application/x-www-form-urlencoded; charset=utf-8")
        self.assertIn("Credential=AKIABASE/", call["headers"]["authorization"])
        self.assertIn("/eu-west-1/sts/aws4_request", call["headers"]["authorization"])

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_role_chain(self):
        self.write("config",
                   "[profile top]\nrole_arn = arn:aws:iam::333333333333:role/Top\nsource_profile = hop\n"
                   "[profile hop]\nrole_arn = arn:aws:iam::222222222222:role/Hop\nsource_profile = base\n")
        self.write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = %s\n" % SECRET)
        self.env["AWS_PROFILE"] = "top"
        self.env["AWS_ENDPOINT_URL_STS"] = SERVER_URL  # the configured STS endpoint is honoured
        got = self.run_tool("--caller-identity")
        self.assertEqual(got["account"], "333333333333")
        first, second = self.requests("POST")[:2]
        self.assertIn("role%2FHop", first["body"])
        self.assertIn("Credential=AKIABASE/", first["headers"]["authorization"])
        self.assertIn("role%2FTop", second["body"])
        self.assertIn("Credential=ASIA", second["headers"]["authorization"])
        self.assertIn("x-amz-security-token", second["headers"])
        self.assertTrue(urllib.parse.parse_qs(second["body"])["RoleSessionName"][0].startswith("atrest-session-"))

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_credential_source_environment(self):
        self.write("config", "[profile audit]\nrole_arn = arn:aws:iam::111111111111:role/Audit\n"
                             "credential_source = Environment\n")
        self.env.update(AWS_ACCESS_KEY_ID="AKIAENV", AWS_SECRET_ACCESS_KEY=SECRET)
        got = self.run_tool("--profile", "audit", "--sts-endpoint", SERVER_URL, "--caller-identity")
        self.assertEqual(got["describe"], "profile audit: assume role arn:aws:iam::111111111111:role/Audit "
                                          "via Environment")
        self.assertEqual(got["account"], "111111111111")
        self.assertIn("Credential=AKIAENV/", self.requests("POST")[0]["headers"]["authorization"])

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_credential_source_imds(self):
        self.use_imds()
        self.write("config", "[profile audit]\nrole_arn = arn:aws:iam::111111111111:role/Audit\n"
                             "credential_source = Ec2InstanceMetadata\n")
        got = self.run_tool("--profile", "audit", "--sts-endpoint", SERVER_URL, "--caller-identity")
        self.assertEqual(got["account"], "111111111111")
        self.assertIn("Credential=ASIAIMDS1/", self.requests("POST")[0]["headers"]["authorization"])

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_assume_role_provider_on_environment(self):
        self.env.update(AWS_ACCESS_KEY_ID="AKIAENV", AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="ap-southeast-2")
        got = self.run_tool("--assume-role", "arn:aws:iam::444444444444:role/Member", "--session-name", "member",
                            "--external-id", "x-9", "--sts-endpoint", SERVER_URL, "--caller-identity")
        self.assertEqual(got["describe"], "assume role arn:aws:iam::444444444444:role/Member via environment")
        self.assertEqual(got["account"], "444444444444")
        form = urllib.parse.parse_qs(self.requests("POST")[0]["body"])
        self.assertEqual(form["ExternalId"], ["x-9"])
        self.assertEqual(form["RoleSessionName"], ["member"])
        self.assertIn("/ap-southeast-2/sts/", self.requests("POST")[0]["headers"]["authorization"])

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_web_identity_from_environment(self):
        token = self.write("token", "eyJhbGciOiJSUzI1NiJ9.payload.signature")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN="arn:aws:iam::555555555555:role/Pod",
                        AWS_ROLE_SESSION_NAME="pod-1", AWS_ENDPOINT_URL=SERVER_URL)
        got = self.run_tool("--caller-identity")
        self.assertEqual(got["describe"], "environment: web identity, assume role arn:aws:iam::555555555555:role/Pod")
        self.assertEqual(got["account"], "555555555555")
        call = self.requests("POST")[0]
        form = urllib.parse.parse_qs(call["body"])
        self.assertEqual(form["Action"], ["AssumeRoleWithWebIdentity"])
        self.assertEqual(form["WebIdentityToken"], ["eyJhbGciOiJSUzI1NiJ9.payload.signature"])
        self.assertEqual(form["RoleSessionName"], ["pod-1"])
        self.assertNotIn("authorization", call["headers"])  # unsigned, as botocore sends it

    @unittest.skipUnless(HAVE_MOTO, "moto is not installed")
    def test_web_identity_in_profile(self):
        token = self.write("token", "jwt-from-profile")
        self.write("config", "[profile pod]\nrole_arn = arn:aws:iam::555555555555:role/Pod\n"
                             "web_identity_token_file = %s\n" % token)
        got = self.run_tool("--profile", "pod", "--sts-endpoint", SERVER_URL, "--caller-identity")
        self.assertEqual(got["account"], "555555555555")
        form = urllib.parse.parse_qs(self.requests("POST")[0]["body"])
        self.assertEqual(form["WebIdentityToken"], ["jwt-from-profile"])
        self.assertTrue(form["RoleSessionName"][0].startswith("atrest-session-"))


if __name__ == "__main__":
    unittest.main()
