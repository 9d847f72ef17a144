"""Where the public snapshot goes: a folder, an HTTP server taking PUT (WebDAV), an S3 bucket.

Every target takes whole files (``put(name, body, content_type)``) and makes each one
appear at once, never half-written: the folder writes a hidden temporary file and renames
it (a file-transfer or 無害化 relay never picks up a partial file), HTTP and S3 send each
file as one PUT (the server swaps it in whole). Nothing ever connects *into* the machine
that publishes: it only sends.

A failing target raises :class:`PublishError` whose message says what happened and what to
do (unreachable, refused, no space, too slow …); the publisher logs it and retries.
Credentials come from the environment, never from a URL or a log line:

- HTTP: ``MADOGUCHI_PUBLISH_USER`` / ``MADOGUCHI_PUBLISH_PASSWORD`` (Basic auth, over https).
- S3: ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (``AWS_SESSION_TOKEN``), the region
  from ``AWS_REGION`` (default ``ap-northeast-1``) and the endpoint from
  ``AWS_ENDPOINT_URL`` (default ``https://s3.<region>.amazonaws.com``; a MinIO or other
  S3-compatible store: its URL). Requests are signed with AWS Signature Version 4,
  path-style addressing.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import hmac
import http.client
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

from madoguchi.errors import ExitCode, MadoguchiError

#: per request; a slow target fails the attempt instead of piling up publishes
DEFAULT_TIMEOUT = 10.0


class PublishError(MadoguchiError):
    """The target did not take the snapshot; the message says why and what to do."""

    exit_code = ExitCode.FAILED


class Target(Protocol):
    """A place the public files are sent to."""

    description: str

    def put(self, name: str, body: bytes, content_type: str, cache_control: str) -> None: ...

    def get(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...


# -- folder -------------------------------------------------------------------------------


@dataclass
class FolderTarget:
    """A local or network folder (the ward's file-transfer / 無害化 relay picks the files up)."""

    folder: Path

    @property
    def description(self) -> str:
        return f"folder {self.folder}"

    def put(self, name: str, body: bytes, content_type: str, cache_control: str) -> None:
        path = self.folder / name
        # hidden name, same folder (same file system: rename is atomic); relays skip dot files
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as error:
            with contextlib.suppress(OSError):  # the folder itself may be what is broken
                tmp.unlink(missing_ok=True)
            raise _folder_error(self.folder, error) from error

    def get(self, name: str) -> bytes:
        try:
            return (self.folder / name).read_bytes()
        except OSError as error:
            raise _folder_error(self.folder, error) from error

    def delete(self, name: str) -> None:
        try:
            (self.folder / name).unlink(missing_ok=True)
        except OSError as error:
            raise _folder_error(self.folder, error) from error


def _folder_error(folder: Path, error: OSError) -> PublishError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return PublishError(f"公開先フォルダ {folder} の空き容量がありません。不要なファイルを削除してください。",
                            f"no space left in the target folder {folder}; free some space.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PublishError(f"公開先フォルダ {folder} に書き込めません（権限）。このユーザーに書込権限を与えてください。",
                            f"cannot write to the target folder {folder} (permission); give this user write access.")
    return PublishError(f"公開先フォルダ {folder} に書き込めません（{error.strerror or error.__class__.__name__}）。"
                        "フォルダとネットワークドライブを確認してください。",
                        f"cannot write to the target folder {folder} ({error.strerror or error.__class__.__name__}); "
                        "check the folder and the network drive.")


# -- HTTP (WebDAV PUT) ----------------------------------------------------------------------


def _network_error(where: str, error: BaseException) -> PublishError:
    """One message per kind of network failure: unreachable, too slow, refused, TLS."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError | socket.timeout):
        return PublishError(f"公開先 {where} の応答が遅すぎます（{DEFAULT_TIMEOUT:.0f}秒以上）。回線とサーバーの負荷を確認してください。",
                            f"the target {where} is too slow (no answer within {DEFAULT_TIMEOUT:.0f} s); "
                            "check the line and the server's load.")
    if isinstance(reason, ssl.SSLError):
        return PublishError(f"公開先 {where} とのTLS接続に失敗しました（証明書を確認してください）。",
                            f"TLS with the target {where} failed; check its certificate.")
    if isinstance(reason, socket.gaierror):
        return PublishError(f"公開先 {where} の名前を解決できません。URLとDNSを確認してください。",
                            f"cannot resolve the target {where}; check the URL and DNS.")
    name = reason.__class__.__name__ if isinstance(reason, BaseException) else str(reason)
    return PublishError(f"公開先 {where} に接続できません（{name}）。サーバーが動いているか、ファイアウォールを確認してください。",
                        f"cannot reach the target {where} ({name}); check that the server runs and the firewall "
                        "lets this PC out.")


def _status_error(where: str, status: int, reason: str) -> PublishError:
    if status in (401, 403):
        return PublishError(f"公開先 {where} が書込みを拒否しました（HTTP {status}）。資格情報と書込権限を確認してください。",
                            f"the target {where} refused the upload (HTTP {status} {reason}); check the credentials "
                            "and write permission.")
    if status == 507 or status == 413:
        return PublishError(f"公開先 {where} の容量が足りません（HTTP {status}）。",
                            f"the target {where} has no room for the upload (HTTP {status} {reason}).")
    if status == 405:
        return PublishError(f"公開先 {where} はPUTを受け付けません（HTTP 405）。WebDAVのPUTを有効にしてください。",
                            f"the target {where} does not accept PUT (HTTP 405); enable WebDAV PUT there.")
    return PublishError(f"公開先 {where} がエラーを返しました（HTTP {status}）。サーバーのログを確認してください。",
                        f"the target {where} answered HTTP {status} {reason}; check the server's log.")


def _safe_url(url: str) -> str:
    """The URL without any user:password (for messages and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return parts._replace(netloc=host).geturl()


def _request(url: str, method: str, body: bytes | None, headers: Mapping[str, str], where: str,
             timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return response.read()
    except urllib.error.HTTPError as error:
        error.read()
        raise _status_error(where, error.code, error.reason) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise _network_error(where, error) from None


@dataclass
class HttpTarget:
    """A web server that takes PUT (nginx ``dav_methods PUT``, Apache mod_dav, IIS WebDAV)."""

    base_url: str
    username: str = ""
    password: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @property
    def description(self) -> str:
        return _safe_url(self.base_url)

    def _url(self, name: str) -> str:
        return self.base_url.rstrip("/") + "/" + quote(name)

    def _headers(self) -> dict[str, str]:
        if not self.username:
            return {}
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}

    def put(self, name: str, body: bytes, content_type: str, cache_control: str) -> None:
        headers = self._headers() | {"Content-Type": content_type, "Cache-Control": cache_control}
        _request(self._url(name), "PUT", body, headers, self.description, self.timeout)

    def get(self, name: str) -> bytes:
        return _request(self._url(name), "GET", None, self._headers() | {"Cache-Control": "no-cache"},
                        self.description, self.timeout)

    def delete(self, name: str) -> None:
        _request(self._url(name), "DELETE", None, self._headers(), self.description, self.timeout)


# -- S3 (Signature Version 4) ---------------------------------------------------------------


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sigv4_headers(method: str, url: str, body: bytes, headers: Mapping[str, str], *, access_key: str,
                  secret_key: str, region: str, service: str = "s3", session_token: str = "",
                  now: datetime | None = None) -> dict[str, str]:
    """``headers`` plus what AWS Signature Version 4 adds (x-amz-date, content hash, Authorization)."""
    now = now or datetime.now(UTC)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    parts = urlsplit(url)
    payload_hash = hashlib.sha256(body).hexdigest()
    signed = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    signed |= {"host": parts.netloc, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
    if session_token:
        signed["x-amz-security-token"] = session_token
    names = sorted(signed)
    canonical = "\n".join([method, quote(parts.path or "/", safe="/-_.~"), "",
                           "".join(f"{n}:{signed[n]}\n" for n in names), ";".join(names), payload_hash])
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret_key).encode(), day), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    result = dict(headers) | {"x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
    if session_token:
        result["x-amz-security-token"] = session_token
    result["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                               f"SignedHeaders={';'.join(names)}, Signature={signature}")
    return result


@dataclass
class S3Target:
    """An S3 bucket (Amazon S3, MinIO, any S3-compatible store), path-style, SigV4-signed."""

    bucket: str
    prefix: str
    endpoint: str
    region: str
    access_key: str
    secret_key: str
    session_token: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @property
    def description(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/") + f" ({_safe_url(self.endpoint)})"

    def _url(self, name: str) -> str:
        key = f"{self.prefix.strip('/')}/{name}" if self.prefix.strip("/") else name
        return f"{self.endpoint.rstrip('/')}/{self.bucket}/{quote(key, safe='/-_.~')}"

    def _send(self, method: str, name: str, body: bytes, headers: Mapping[str, str]) -> bytes:
        if not self.access_key or not self.secret_key:
            raise PublishError("S3の資格情報がありません。AWS_ACCESS_KEY_ID と AWS_SECRET_ACCESS_KEY を設定してください。",
                               "no S3 credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                               exit_code=ExitCode.CONFIG)
        url = self._url(name)
        signed = sigv4_headers(method, url, body, headers, access_key=self.access_key, secret_key=self.secret_key,
                               region=self.region, session_token=self.session_token)
        return _request(url, method, body if method == "PUT" else None, signed, self.description, self.timeout)

    def put(self, name: str, body: bytes, content_type: str, cache_control: str) -> None:
        self._send("PUT", name, body, {"Content-Type": content_type, "Cache-Control": cache_control})

    def get(self, name: str) -> bytes:
        return self._send("GET", name, b"", {})

    def delete(self, name: str) -> None:
        self._send("DELETE", name, b"", {})


# -- choosing one ---------------------------------------------------------------------------


def open_target(spec: str, environ: Mapping[str, str] | None = None) -> Target:
    """A target from ``--to``: a folder path, ``http(s)://…`` or ``s3://bucket/prefix``."""
    environ = os.environ if environ is None else environ
    spec = spec.strip()
    if not spec:
        raise PublishError("公開先が指定されていません（--to またはpublish_target設定）。",
                           "no target given (--to or the publish_target setting).", exit_code=ExitCode.USAGE)
    if spec.startswith(("http://", "https://")):
        parts = urlsplit(spec)
        if parts.username or parts.password:
            raise PublishError("URLにパスワードを書かないでください。MADOGUCHI_PUBLISH_USER / MADOGUCHI_PUBLISH_PASSWORD を使ってください。",
                               "do not put credentials in the URL; use MADOGUCHI_PUBLISH_USER and "
                               "MADOGUCHI_PUBLISH_PASSWORD.", exit_code=ExitCode.CONFIG)
        return HttpTarget(spec, environ.get("MADOGUCHI_PUBLISH_USER", ""),
                          environ.get("MADOGUCHI_PUBLISH_PASSWORD", ""))
    if spec.startswith("s3://"):
        parts = urlsplit(spec)
        if not parts.netloc:
            raise PublishError("S3の公開先は s3://バケット名/接頭辞 の形で指定してください。",
                               "give the S3 target as s3://bucket/prefix.", exit_code=ExitCode.USAGE)
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "ap-northeast-1"
        endpoint = environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL") \
            or f"https://s3.{region}.amazonaws.com"
        return S3Target(parts.netloc, parts.path.strip("/"), endpoint, region,
                        environ.get("AWS_ACCESS_KEY_ID", ""), environ.get("AWS_SECRET_ACCESS_KEY", ""),
                        environ.get("AWS_SESSION_TOKEN", ""))
    if "://" in spec:
        raise PublishError(f"公開先 {spec.split('://')[0]}:// は使えません。フォルダ、http(s)://、s3:// のいずれかです。",
                           f"unknown target scheme {spec.split('://')[0]}://; use a folder, http(s):// or s3://.",
                           exit_code=ExitCode.USAGE)
    return FolderTarget(Path(spec).expanduser())


def probe(target: Target) -> float:
    """Write, read back and remove a small file on ``target`` (selftest); return seconds taken."""
    started = time.perf_counter()
    name = ".madoguchi-selftest.txt"
    body = f"madoguchi selftest {datetime.now(UTC).isoformat()}\n".encode()
    target.put(name, body, "text/plain; charset=utf-8", "no-store")
    if target.get(name) != body:
        raise PublishError(f"公開先 {target.description} から書いた内容を読み戻せません。",
                           f"the target {target.description} does not give back what was written.")
    target.delete(name)
    return time.perf_counter() - started
