"""Real servers on 127.0.0.1 for the publishing tests: nginx with WebDAV PUT, moto's S3 server.

- :func:`start_nginx`: Debian's nginx (its built-in ``http_dav_module``) serving a folder and
  taking PUT/DELETE under ``/dav/``, refusing PUT under ``/readonly/`` (403), and serving the
  published page as plain static files under ``/``.
- :func:`start_s3`: moto's standalone server (PyPI ``moto[server]``) with request
  authentication switched on, so a wrong SigV4 signature or key is refused exactly as S3
  refuses it; the first actions (creating the IAM user and its key) run unauthenticated.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support import requirements


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    root: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        # the published page: plain static files, the snapshot never cached for long
        location = /status.json {{ add_header Cache-Control "no-cache"; }}
        location /dav/ {{
            alias {root}/;
            dav_methods PUT DELETE;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
            client_max_body_size 10m;
        }}
        location /readonly/ {{
            alias {root}/;
            limit_except GET HEAD {{ deny all; }}
        }}
    }}
}}
"""


def start_nginx(work: Path, root: Path, port: int | None = None) -> Nginx:
    """nginx on 127.0.0.1 serving ``root`` at ``/`` and taking PUT at ``/dav/`` (foreground, own prefix)."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        requirements.missing("`nginx` (Debian package nginx)")
    work.mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, root=root, port=port), encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_port(port, process, "nginx")
    except RuntimeError:
        process.kill()
        raise
    return Nginx(process, port, root)


@dataclass
class S3Server:
    process: subprocess.Popen
    port: int
    access_key: str
    secret_key: str

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_s3(bucket: str) -> S3Server:
    """moto's S3 server with authentication on, one IAM user allowed to use ``bucket``."""
    moto_server = Path(sys.executable).with_name("moto_server")
    try:
        import boto3
    except ImportError:
        boto3 = None
    if not moto_server.exists() or boto3 is None:
        requirements.missing("moto[server] (pip install -e '.[test]')")
    port = free_port()
    # three unauthenticated actions: create the user, attach its policy, create its key
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3", AWS_ACCESS_KEY_ID="bootstrap",
               AWS_SECRET_ACCESS_KEY="bootstrap", AWS_DEFAULT_REGION="ap-northeast-1")
    process = subprocess.Popen([str(moto_server), "-H", "127.0.0.1", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port, process, "moto_server")
        endpoint = f"http://127.0.0.1:{port}"
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="publisher")
        iam.put_user_policy(UserName="publisher", PolicyName="s3", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'))
        key = iam.create_access_key(UserName="publisher")["AccessKey"]
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ap-northeast-1",
                          aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    except Exception:
        process.kill()
        process.wait(5)
        raise
    return S3Server(process, port, key["AccessKeyId"], key["SecretAccessKey"])


def http_get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
