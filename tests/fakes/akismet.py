"""A fake Akismet that speaks Akismet's REST protocol (API 1.1), for tests and smoke runs.

Three ways to use it:

- in-process: ``httpx.Client(transport=FakeAkismet().transport())``;
- over real HTTP: ``with FakeAkismetServer(fake) as server:`` then
  ``httpx.Client(transport=redirecting_transport(server.url))``;
- as a process: ``python -m tests.fakes.akismet --port 8765`` serves until killed and
  logs one line, its URL (the value for ``AKISMET_API_URL``), on stderr.

Requests are routed by the end of their path, whatever the host: ``.../1.1/verify-key``,
``.../1.1/comment-check``, ``.../1.1/submit-spam``, ``.../1.1/submit-ham``. Parameters are
read from the form body (and the query string). The answers follow Akismet's documentation:

- Every endpoint wants a known key in ``api_key`` (verify-key also takes the older name
  ``key``, which is what the ``akismet`` client sends) and a ``blog``. verify-key answers
  ``valid`` or ``invalid``; the others answer ``invalid`` with an ``X-akismet-debug-help``
  header, which the client turns into ``akismet.APIKeyError``.
- comment-check, submit-spam and submit-ham also want ``user_ip``. Without it they answer,
  like Akismet, 200 ``Missing required field: user_ip.`` with the debug header
  ``Empty "user_ip" value`` (the client raises ``akismet.ProtocolError``).
- comment-check answers ``false`` (ham) whenever ``user_role`` is ``administrator``, and
  ``true`` (spam) when ``comment_author`` is ``akismet-guaranteed-spam``,
  ``comment_author_email`` is ``akismet-guaranteed-spam@example.com`` or
  ``comment_content`` contains ``akismet-guaranteed-spam``; otherwise ``false``.
- Our own convention, Akismet documents no test value for it: spam whose
  ``comment_content`` also contains ``akismet-blatant-spam`` comes with the header
  ``X-akismet-pro-tip: discard`` (blatant spam; the client returns
  ``akismet.CheckResponse.DISCARD``). The marker alone, without a spam trigger, is ham.
- submit-spam and submit-ham answer ``Thanks for making the web a better place.``
- Any other path answers 404.

Failures are injected by setting attributes on the `FakeAkismet`, at any time:
``fail_next``/``failure_status``, ``malformed_next``, ``delay`` and ``down``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from moderation.akismet import RedirectingTransport

logger = logging.getLogger(__name__)

VERIFY_KEY = "verify-key"
COMMENT_CHECK = "comment-check"
SUBMIT_SPAM = "submit-spam"
SUBMIT_HAM = "submit-ham"
ENDPOINTS = frozenset({VERIFY_KEY, COMMENT_CHECK, SUBMIT_SPAM, SUBMIT_HAM})

SPAM_AUTHOR = "akismet-guaranteed-spam"
SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
SPAM_MARKER = "akismet-guaranteed-spam"
BLATANT_MARKER = "akismet-blatant-spam"
THANKS = "Thanks for making the web a better place."
MALFORMED_BODY = "maybe"

_TEXT = {"Content-Type": "text/plain; charset=utf-8"}

Reply = tuple[int, dict[str, str], str]


@dataclass(frozen=True)
class FakeCall:
    endpoint: str
    params: dict[str, str]


@dataclass
class FakeAkismet:
    valid_keys: set[str] = field(default_factory=lambda: {"test-key"})
    calls: list[FakeCall] = field(default_factory=list)
    fail_next: int = 0
    failure_status: int = 500
    delay: float = 0.0
    malformed_next: int = 0
    down: bool = False
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def handle(self, endpoint: str, params: dict[str, str]) -> Reply:
        """Record the call, answer with an injected failure if one is due, else as Akismet.

        `delay` and `down` act on the connection, so the transports apply them.
        """
        with self._lock:
            self.calls.append(FakeCall(endpoint=endpoint, params=dict(params)))
            if self.fail_next > 0:
                self.fail_next -= 1
                return self.failure_status, dict(_TEXT), "Injected failure."
            if self.malformed_next > 0:
                self.malformed_next -= 1
                return 200, dict(_TEXT), MALFORMED_BODY
        return self._answer(endpoint, params)

    def calls_to(self, endpoint: str) -> list[FakeCall]:
        with self._lock:
            return [call for call in self.calls if call.endpoint == endpoint]

    def transport(self) -> httpx.MockTransport:
        """An in-process transport: ``httpx.Client(transport=fake.transport())``."""
        return httpx.MockTransport(self._handle_httpx_request)

    def _answer(self, endpoint: str, params: dict[str, str]) -> Reply:
        if endpoint not in ENDPOINTS:
            return 404, dict(_TEXT), "Not found."
        key = params.get("api_key") or (params.get("key", "") if endpoint == VERIFY_KEY else "")
        problem = self._key_problem(key, params.get("blog", ""))
        if problem:
            return 200, {**_TEXT, "X-akismet-debug-help": problem}, "invalid"
        if endpoint == VERIFY_KEY:
            return 200, dict(_TEXT), "valid"
        if not params.get("user_ip"):
            headers = {**_TEXT, "X-akismet-debug-help": 'Empty "user_ip" value'}
            return 200, headers, "Missing required field: user_ip."
        if endpoint in (SUBMIT_SPAM, SUBMIT_HAM):
            return 200, dict(_TEXT), THANKS
        return self._verdict(params)

    def _key_problem(self, key: str, blog: str) -> str:
        if not key:
            return 'Empty "api_key" value'
        if key not in self.valid_keys:
            return "Invalid API key. Please check your key at https://akismet.com/account/"
        if not blog:
            return 'Empty "blog" value'
        if not blog.startswith(("http://", "https://")):
            return "We were unable to parse your blog URI"
        return ""

    def _verdict(self, params: dict[str, str]) -> Reply:
        if params.get("user_role") == "administrator":
            return 200, dict(_TEXT), "false"
        content = params.get("comment_content", "")
        spam = (
            params.get("comment_author") == SPAM_AUTHOR
            or params.get("comment_author_email") == SPAM_EMAIL
            or SPAM_MARKER in content
        )
        if not spam:
            return 200, dict(_TEXT), "false"
        if BLATANT_MARKER in content:
            return 200, {**_TEXT, "X-akismet-pro-tip": "discard"}, "true"
        return 200, dict(_TEXT), "true"

    def _handle_httpx_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("[fake Akismet] connection refused", request=request)
        params = _params(request.url.query.decode("ascii"), request.content)
        status, headers, body = self.handle(endpoint_of(request.url.path), params)
        # A MockTransport never times out by itself: play the read timeout the client set.
        read_timeout = request.extensions.get("timeout", {}).get("read")
        if self.delay > 0:
            if read_timeout is not None and self.delay > read_timeout:
                time.sleep(read_timeout)
                raise httpx.ReadTimeout("[fake Akismet] no answer in time", request=request)
            time.sleep(self.delay)
        return httpx.Response(status, headers=headers, text=body, request=request)


def endpoint_of(path: str) -> str:
    """The Akismet endpoint a request path names (``/any/prefix/1.1/comment-check``)."""
    parts = path.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == "1.1":
        return parts[-1]
    return path


def _params(query: str, body: bytes) -> dict[str, str]:
    params = dict(parse_qsl(query, keep_blank_values=True))
    params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeAkismet, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = fake
        self.stopping = threading.Event()

    def verify_request(self, request: Any, client_address: Any) -> bool:
        # Refused requests are closed unanswered: the client sees the connection drop.
        return not self.fake.down

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("fake Akismet: error while answering %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    disable_nagle_algorithm = True  # headers and body leave in separate writes

    def do_POST(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, text = fake.handle(endpoint_of(url.path), _params(url.query, body))
        if fake.delay > 0 and self.server.stopping.wait(fake.delay):
            return
        payload = text.encode("utf-8")
        # The client may have given up (timeout) while we slept.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fake Akismet: " + format, *args)


class FakeAkismetServer:
    """`FakeAkismet` over real HTTP on 127.0.0.1, in a daemon thread; a context manager.

    ``fake.down = True`` closes each connection unanswered; `stop` refuses connections
    outright, and `start` again listens on the same port.
    """

    def __init__(self, fake: FakeAkismet | None = None, port: int = 0) -> None:
        self.fake = fake if fake is not None else FakeAkismet()
        self.port = port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FakeAkismetServer is not started")
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        if self._httpd is not None:
            return
        self._httpd = _Server(self.fake, self.port)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-akismet-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeAkismetServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def redirecting_transport(
    base_url: str, *, forward_to: httpx.BaseTransport | None = None
) -> httpx.BaseTransport:
    """A transport sending every request to `base_url` instead of its own scheme, host, port.

    The path is kept, under `base_url`'s path: ``https://rest.akismet.com/1.1/verify-key``
    with base ``http://127.0.0.1:8765/akismet/`` goes to
    ``http://127.0.0.1:8765/akismet/1.1/verify-key``. The client's timeouts still apply.
    """
    return RedirectingTransport(base_url, forward_to=forward_to)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a fake Akismet on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--key", action="append", help="an API key to accept (repeatable; default: test-key)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    fake = FakeAkismet(valid_keys=set(args.key) if args.key else {"test-key"})
    with FakeAkismetServer(fake, port=args.port) as server:
        logger.info("fake Akismet listening on %s", server.url)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
