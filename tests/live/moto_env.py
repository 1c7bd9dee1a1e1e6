"""Start moto and the fault proxy for live tests, and tear them down without leaving processes.

    from moto_env import MotoEnv

    with MotoEnv() as env:                     # moto + fault_proxy, DAX clusters available at once
        ddb = env.client("dynamodb", "eu-west-1")
        env.rules([{"service": "dax", "action": "throttle", "times": 2}])
        env.fixtures(region="us-east-1", serverless_caches=[{"ServerlessCacheName": "sc1"}])
        subprocess.run([...], env=env.aws_env())  # AWS_ENDPOINT_URL etc. for the aws CLI / atrest
        env.reset()                              # moto /moto-api/reset + proxy reset

    env.endpoint   the proxy URL (what clients should use); env.moto_url is moto itself.

Both servers run in their own process groups; stop() (also run by __exit__, atexit and on
SIGTERM/SIGINT of a process that entered the context) kills the groups, so nothing is left
behind even when a test fails. On Linux the children also get SIGTERM if the test process is
SIGKILLed (PR_SET_PDEATHSIG; only when started from the main thread). Logs go to a temporary directory (env.log_dir) that is kept
only when keep_logs=True or when a server fails to start.

Environment: ATREST_MOTO_PYTHON overrides the Python that runs moto and the proxy (default:
this interpreter when it can import moto, else `python3`); ATREST_MOTO_KEEP_LOGS=1 keeps the logs
(their directory is printed to stderr at stop()).
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PROXY_SCRIPT = os.path.join(HERE, "fault_proxy.py")
DEFAULT_ACCOUNT = "123456789012"

_live_envs: "set[MotoEnv]" = set()
_live_lock = threading.Lock()


def _stop_all() -> None:
    with _live_lock:
        envs = list(_live_envs)
    for e in envs:
        e.stop()


atexit.register(_stop_all)


def _child_setup():
    """Runs in the child before exec: die with SIGTERM when the parent dies (Linux), even if
    the parent is SIGKILLed and cannot run stop()."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _preexec():
    # PR_SET_PDEATHSIG fires when the *thread* that forked exits, so only use it from the main thread
    return _child_setup if sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread() else None


def python_for_moto() -> str:
    exe = os.environ.get("ATREST_MOTO_PYTHON")
    if exe:
        return exe
    if importlib.util.find_spec("moto") is not None:
        return sys.executable
    return shutil.which("python3") or "python3"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, payload=None, timeout: float = 30.0):
    """Small JSON HTTP helper (no proxies, no retries). Returns (status, parsed JSON or text)."""
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


class MotoEnv:
    def __init__(self, proxy: bool = True, dax_immediate: bool = True, keep_logs: bool | None = None,
                 start_timeout: float = 60.0, verbose_proxy: bool = False):
        self.use_proxy = proxy
        self.dax_immediate = dax_immediate
        self.keep_logs = bool(os.environ.get("ATREST_MOTO_KEEP_LOGS")) if keep_logs is None else keep_logs
        self.start_timeout = start_timeout
        self.verbose_proxy = verbose_proxy
        self.moto_proc: subprocess.Popen | None = None
        self.proxy_proc: subprocess.Popen | None = None
        self.moto_url = self.proxy_url = None
        self.log_dir: str | None = None
        self._old_handlers: dict = {}
        self._stopped = True

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> "MotoEnv":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "MotoEnv":
        self.log_dir = tempfile.mkdtemp(prefix="atrest-moto-")
        self._stopped = False
        with _live_lock:
            _live_envs.add(self)
        self._install_signal_handlers()
        try:
            self._start_moto()
            if self.use_proxy:
                self._start_proxy()
            if self.dax_immediate:
                self.set_dax_immediate()
        except BaseException:
            self.keep_logs = True
            self.stop()
            raise
        return self

    def _start_moto(self) -> None:
        py = python_for_moto()
        last_err = None
        for _ in range(3):  # the free port may be taken between probing and binding
            port = free_port()
            log = open(os.path.join(self.log_dir, "moto.log"), "ab")
            env = dict(os.environ)
            env.pop("MOTO_ACCOUNT_ID", None)  # would override x-moto-account-id and assumed roles
            self.moto_proc = subprocess.Popen(
                [py, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, env=env, preexec_fn=_preexec())
            log.close()
            self.moto_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline:
                if self.moto_proc.poll() is not None:
                    last_err = f"moto exited with {self.moto_proc.returncode}; see {self.log_dir}/moto.log"
                    break
                try:
                    status, _ = http("GET", f"{self.moto_url}/moto-api/", timeout=2)
                    if status == 200:
                        return
                except OSError:
                    pass
                time.sleep(0.1)
            else:
                last_err = f"moto did not answer on {self.moto_url} within {self.start_timeout}s"
            self._kill(self.moto_proc)
        raise RuntimeError(last_err)

    def _start_proxy(self) -> None:
        cmd = [python_for_moto(), PROXY_SCRIPT, self.moto_url]
        if self.verbose_proxy:
            cmd.append("--verbose")
        err = open(os.path.join(self.log_dir, "proxy.log"), "ab")
        self.proxy_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                           start_new_session=True, preexec_fn=_preexec())
        err.close()
        line: list[bytes] = []
        t = threading.Thread(target=lambda: line.append(self.proxy_proc.stdout.readline()), daemon=True)
        t.start()
        t.join(self.start_timeout)
        first = line[0].decode().strip() if line else ""
        if not first.startswith("PORT "):
            raise RuntimeError(f"fault_proxy did not print its port (got {first!r}); see {self.log_dir}/proxy.log")
        self.proxy_url = f"http://127.0.0.1:{int(first.split()[1])}"
        status, _ = http("GET", f"{self.proxy_url}/__proxy/health")
        if status != 200:
            raise RuntimeError("fault_proxy health check failed")

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for p in (self.proxy_proc, self.moto_proc):
            self._kill(p)
        if self.proxy_proc and self.proxy_proc.stdout:
            self.proxy_proc.stdout.close()
        with _live_lock:
            _live_envs.discard(self)
        self._restore_signal_handlers()
        if self.log_dir and not self.keep_logs:
            shutil.rmtree(self.log_dir, ignore_errors=True)
        elif self.log_dir:
            sys.stderr.write(f"moto_env: logs kept in {self.log_dir}\n")

    @staticmethod
    def _kill(proc: subprocess.Popen | None) -> None:
        if proc is None or proc.poll() is not None:
            if proc is not None:
                proc.wait()
            return
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)  # the process is its group's leader (start_new_session)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def handler(signum, frame):
            _stop_all()
            prev = self._old_handlers.get(signum)
            if callable(prev):
                prev(signum, frame)
            else:
                raise SystemExit(128 + signum)

        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                self._old_handlers[sig] = signal.getsignal(sig)
                signal.signal(sig, handler)
            except (ValueError, OSError):
                pass

    def _restore_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig, h in self._old_handlers.items():
            try:
                signal.signal(sig, h if h is not None else signal.SIG_DFL)
            except (ValueError, OSError, TypeError):
                pass
        self._old_handlers = {}

    # -- URLs and clients --------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.proxy_url or self.moto_url

    def aws_env(self, region: str = "us-east-1", account: str | None = None) -> dict:
        """Environment for the aws CLI, atrest or any SDK: test credentials, the endpoint, no pager."""
        env = dict(os.environ)
        for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
                  "AWS_WEB_IDENTITY_TOKEN_FILE", "MOTO_ACCOUNT_ID"):
            env.pop(k, None)
        env.update({
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": region, "AWS_REGION": region, "AWS_PAGER": "",
            "AWS_ENDPOINT_URL": self.endpoint, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        })
        return env

    def client(self, service: str, region: str = "us-east-1", account: str | None = None,
               attempts: int = 1, direct: bool = False, **kwargs):
        """A boto3 client against the proxy (or moto itself with direct=True).

        attempts=1: a single attempt, no retries. account sends x-moto-account-id."""
        return make_client(self.moto_url if direct else self.endpoint, service, region, account, attempts, **kwargs)

    # -- moto control ------------------------------------------------------------------------
    def set_dax_immediate(self) -> None:
        status, body = http("POST", f"{self.moto_url}/moto-api/state-manager/set-transition",
                            {"model_name": "dax::cluster", "transition": {"progression": "immediate"}})
        if status not in (200, 201):
            raise RuntimeError(f"set-transition failed: {status} {body}")

    def reset(self) -> None:
        """Wipe moto's state and the proxy's calls, rules, fixtures, latency and account map."""
        http("POST", f"{self.moto_url}/moto-api/reset")
        if self.dax_immediate:
            self.set_dax_immediate()  # moto 5.2.1 keeps transitions over a reset; set it anyway
        if self.proxy_url:
            self.proxy_reset()

    # -- proxy control -----------------------------------------------------------------------
    def _proxy(self, method: str, endpoint: str, payload=None):
        if not self.proxy_url:
            raise RuntimeError("this MotoEnv runs without the proxy")
        status, body = http(method, f"{self.proxy_url}/__proxy/{endpoint}", payload)
        if status != 200:
            raise RuntimeError(f"proxy {endpoint}: {status} {body}")
        return body

    def proxy_reset(self, what=None) -> None:
        self._proxy("POST", "reset", {"what": list(what)} if what else {})

    def rules(self, rules: list, append: bool = False):
        return self._proxy("POST", "rules", {"rules": rules, "append": append})

    def get_rules(self) -> list:
        return self._proxy("GET", "rules")["rules"]

    def fixtures(self, account: str = DEFAULT_ACCOUNT, region: str = "us-east-1", replace: bool = True, **lists):
        """lists: dax_subnet_groups=[...], serverless_caches=[...], user_groups=[...]"""
        return self._proxy("POST", "fixtures", dict(lists, account=account, region=region, replace=replace))

    def latency(self, ms: float, jitter_ms: float = 0):
        return self._proxy("POST", "latency", {"ms": ms, "jitter_ms": jitter_ms})

    def map_account(self, access_key_id: str, account: str):
        return self._proxy("POST", "accounts", {"access_key_id": access_key_id, "account": account})

    def calls(self) -> dict:
        return self._proxy("GET", "calls")


def make_client(endpoint: str, service: str, region: str = "us-east-1", account: str | None = None,
                attempts: int = 1, credentials: dict | None = None, max_pool_connections: int = 10,
                read_timeout: float = 60, **kwargs):
    """A boto3 client. attempts is the total number of attempts (botocore's total_max_attempts;
    note that retries={'max_attempts': 1} would still allow one retry)."""
    import boto3
    from botocore.config import Config

    creds = credentials or {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    session = boto3.session.Session(region_name=region, **creds)
    cfg = Config(retries={"total_max_attempts": attempts, "mode": "standard"},
                 max_pool_connections=max_pool_connections, connect_timeout=10, read_timeout=read_timeout)
    client = session.client(service, endpoint_url=endpoint, config=cfg, **kwargs)
    if account:
        def add_header(request, **_):
            request.headers["x-moto-account-id"] = account
        client.meta.events.register("before-sign", add_header)
    return client
