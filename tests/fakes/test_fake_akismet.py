"""The real `akismet.SyncClient` against the fake, in-process and over HTTP."""

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import akismet
import httpx
import pytest

from tests.fakes.akismet import (
    BLATANT_MARKER,
    SPAM_AUTHOR,
    SPAM_EMAIL,
    SPAM_MARKER,
    THANKS,
    FakeAkismet,
    FakeAkismetServer,
    redirecting_transport,
)

BLOG = "http://commons.test/"
IP = "198.51.100.7"
REPO = Path(__file__).resolve().parents[2]

Connect = Callable[..., akismet.SyncClient]


@pytest.fixture
def fake() -> FakeAkismet:
    return FakeAkismet()


@pytest.fixture
def server(fake):
    with FakeAkismetServer(fake) as running:
        yield running


def _connector(request, make_transport: Callable[[], httpx.BaseTransport]) -> Connect:
    def connect(key: str = "test-key", timeout: float = 2.0) -> akismet.SyncClient:
        http = httpx.Client(transport=make_transport(), timeout=timeout)
        request.addfinalizer(http.close)
        return akismet.SyncClient(config=akismet.Config(key=key, url=BLOG), http_client=http)

    return connect


@pytest.fixture(params=["in-process", "over-http"])
def connect(request, fake) -> Connect:
    """Build the real client, talking to `fake` through a MockTransport or a real server."""
    if request.param == "in-process":
        return _connector(request, fake.transport)
    server = request.getfixturevalue("server")
    return _connector(request, lambda: redirecting_transport(server.url))


@pytest.fixture
def client(connect) -> akismet.SyncClient:
    return connect()


# The protocol, as the client sees it.


def test_verify_key_accepts_a_known_key(client):
    assert client.verify_key() is True


def test_verify_key_rejects_an_unknown_key(connect):
    assert connect(key="not-a-key").verify_key() is False


def test_verify_key_sends_the_key_as_key_with_the_blog(client, fake):
    client.verify_key()

    assert [call.params for call in fake.calls_to("verify-key")] == [
        {"key": "test-key", "blog": BLOG}
    ]


def test_entering_the_client_verifies_the_key_and_refuses_an_unknown_one(connect, fake):
    with pytest.raises(akismet.APIKeyError):
        connect(key="not-a-key").__enter__()

    assert [call.endpoint for call in fake.calls] == ["verify-key"]


def test_constructing_the_client_sends_nothing(connect, fake):
    connect(key="not-a-key")

    assert fake.calls == []


def test_an_ordinary_comment_is_ham(client):
    verdict = client.comment_check(IP, comment_content="Nice article.", comment_author="Robin")

    assert verdict == akismet.CheckResponse.HAM
    assert not verdict


@pytest.mark.parametrize(
    "fields",
    [
        {"comment_author": SPAM_AUTHOR},
        {"comment_author_email": SPAM_EMAIL},
        {"comment_content": f"Buy now {SPAM_MARKER} cheap"},
    ],
    ids=["author", "email", "content"],
)
def test_the_documented_spam_test_values_are_spam(client, fields):
    verdict = client.comment_check(IP, comment_type="comment", **fields)

    assert verdict == akismet.CheckResponse.SPAM
    assert verdict


def test_blatant_spam_is_spam_to_discard(client):
    verdict = client.comment_check(
        IP, comment_author=SPAM_AUTHOR, comment_content=f"{BLATANT_MARKER} again"
    )

    assert verdict == akismet.CheckResponse.DISCARD
    assert verdict


def test_the_blatant_marker_alone_is_ham(client):
    assert client.comment_check(IP, comment_content=BLATANT_MARKER) == akismet.CheckResponse.HAM


def test_an_administrator_is_ham_even_with_spam_test_values(client):
    verdict = client.comment_check(
        IP, comment_author=SPAM_AUTHOR, comment_content=SPAM_MARKER, user_role="administrator"
    )

    assert verdict == akismet.CheckResponse.HAM


def test_comment_check_sends_key_blog_ip_and_the_given_fields(client, fake):
    client.comment_check(
        IP,
        comment_content="Hello",
        comment_type="comment",
        comment_author="Robin",
        comment_author_email="robin@example.test",
        user_agent="Mozilla/5.0",
        is_test=True,
    )

    assert fake.calls_to("comment-check")[0].params == {
        "api_key": "test-key",
        "blog": BLOG,
        "user_ip": IP,
        "comment_content": "Hello",
        "comment_type": "comment",
        "comment_author": "Robin",
        "comment_author_email": "robin@example.test",
        "user_agent": "Mozilla/5.0",
        "is_test": "true",
    }


@pytest.mark.parametrize("endpoint", ["submit-spam", "submit-ham"])
def test_submissions_are_thanked_and_recorded(client, fake, endpoint):
    submit = client.submit_spam if endpoint == "submit-spam" else client.submit_ham

    assert submit(IP, comment_content="Was it spam?", comment_author="Robin") is True

    [call] = fake.calls_to(endpoint)
    assert call.params == {
        "api_key": "test-key",
        "blog": BLOG,
        "user_ip": IP,
        "comment_content": "Was it spam?",
        "comment_author": "Robin",
    }


def test_an_unknown_key_makes_comment_check_raise_api_key_error(connect):
    with pytest.raises(akismet.APIKeyError):
        connect(key="not-a-key").comment_check(IP, comment_content="Hello")


def test_an_unknown_key_makes_submissions_raise_api_key_error(connect):
    with pytest.raises(akismet.APIKeyError):
        connect(key="not-a-key").submit_spam(IP, comment_content="Hello")


def test_a_missing_user_ip_raises_protocol_error_with_akismets_hint(client):
    with pytest.raises(akismet.ProtocolError, match='Empty "user_ip" value'):
        client.comment_check("", comment_content="Hello")


def test_unknown_arguments_are_refused_before_any_request(client, fake):
    with pytest.raises(akismet.UnknownArgumentError):
        client.comment_check(IP, comment_body="Hello")

    assert fake.calls == []


# Injected failures.


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_raises_request_error_once(client, fake, status):
    fake.fail_next = 1
    fake.failure_status = status

    with pytest.raises(akismet.RequestError) as caught:
        client.comment_check(IP, comment_content="Hello")

    assert isinstance(caught.value.__cause__, httpx.HTTPStatusError)
    assert caught.value.__cause__.response.status_code == status
    assert client.comment_check(IP, comment_content="Hello") == akismet.CheckResponse.HAM
    assert len(fake.calls_to("comment-check")) == 2


def test_a_slow_answer_raises_request_error_at_the_timeout(connect, fake):
    fake.delay = 1.0
    client = connect(timeout=0.2)
    started = time.monotonic()

    with pytest.raises(akismet.RequestError, match="timed out") as caught:
        client.comment_check(IP, comment_content="Hello")

    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    assert time.monotonic() - started < 0.8
    assert len(fake.calls_to("comment-check")) == 1


def test_a_slow_answer_within_the_timeout_arrives(connect, fake):
    fake.delay = 0.05

    assert connect(timeout=1.0).comment_check(IP, comment_author=SPAM_AUTHOR)


@pytest.mark.parametrize("operation", ["verify_key", "comment_check", "submit_ham"])
def test_an_unreadable_answer_raises_protocol_error(client, fake, operation):
    fake.malformed_next = 1
    call = {
        "verify_key": lambda: client.verify_key(),
        "comment_check": lambda: client.comment_check(IP, comment_content="Hello"),
        "submit_ham": lambda: client.submit_ham(IP, comment_content="Hello"),
    }[operation]

    with pytest.raises(akismet.ProtocolError, match="maybe"):
        call()

    assert call() in (True, akismet.CheckResponse.HAM)


def test_a_service_that_is_down_raises_request_error_and_receives_nothing(client, fake):
    fake.down = True

    with pytest.raises(akismet.RequestError) as caught:
        client.comment_check(IP, comment_content="Hello")

    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert fake.calls == []
    fake.down = False
    assert client.comment_check(IP, comment_content="Hello") == akismet.CheckResponse.HAM


def test_down_in_process_is_a_connection_refusal(fake):
    fake.down = True
    http = httpx.Client(transport=fake.transport())

    with pytest.raises(httpx.ConnectError):
        http.post("https://rest.akismet.com/1.1/verify-key", data={"key": "test-key"})


def test_a_stopped_server_refuses_connections_until_started_again(fake):
    server = FakeAkismetServer(fake)
    server.start()
    http = httpx.Client(transport=redirecting_transport(server.url), timeout=2.0)
    client = akismet.SyncClient(config=akismet.Config(key="test-key", url=BLOG), http_client=http)
    try:
        server.stop()
        with pytest.raises(akismet.RequestError) as caught:
            client.verify_key()
        assert isinstance(caught.value.__cause__, httpx.ConnectError)

        server.start()
        assert client.verify_key() is True
    finally:
        http.close()
        server.stop()


# The pieces themselves.


def test_handle_answers_as_akismet_documents(fake):
    assert fake.handle("verify-key", {"api_key": "test-key", "blog": BLOG}) == (
        200,
        {"Content-Type": "text/plain; charset=utf-8"},
        "valid",
    )
    status, headers, body = fake.handle("comment-check", {"api_key": "test-key", "blog": BLOG})
    assert (status, body) == (200, "Missing required field: user_ip.")
    assert headers["X-akismet-debug-help"] == 'Empty "user_ip" value'
    status, headers, body = fake.handle("comment-check", {"api_key": "test-key", "user_ip": IP})
    assert (body, headers["X-akismet-debug-help"]) == ("invalid", 'Empty "blog" value')
    assert fake.handle("submit-ham", {"api_key": "test-key", "blog": BLOG, "user_ip": IP})[2] == (
        THANKS
    )
    assert fake.handle("key-sites", {"api_key": "test-key"})[0] == 404


def test_the_server_routes_by_the_end_of_the_path_under_any_prefix(server):
    http = httpx.Client(transport=redirecting_transport(server.url + "some/prefix/"))
    client = akismet.SyncClient(config=akismet.Config(key="test-key", url=BLOG), http_client=http)
    with http:
        assert client.verify_key() is True
        assert http.post(server.url + "1.1/nothing-here").status_code == 404


def test_redirecting_transport_moves_scheme_host_and_port_under_the_base_path():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="valid")

    transport = redirecting_transport(
        "http://127.0.0.1:8765/akismet/", forward_to=httpx.MockTransport(answer)
    )
    with httpx.Client(transport=transport) as http:
        http.post("https://rest.akismet.com/1.1/verify-key?x=1", data={"key": "k"})

    assert str(seen[0].url) == "http://127.0.0.1:8765/akismet/1.1/verify-key?x=1"
    assert seen[0].headers["Host"] == "127.0.0.1:8765"
    assert seen[0].content == b"key=k"


def test_calls_from_many_threads_are_all_recorded(server, fake):
    def check() -> None:
        with httpx.Client(transport=redirecting_transport(server.url), timeout=5.0) as http:
            client = akismet.SyncClient(
                config=akismet.Config(key="test-key", url=BLOG), http_client=http
            )
            for _ in range(5):
                client.comment_check(IP, comment_content="Hello")

    threads = [threading.Thread(target=check) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(fake.calls_to("comment-check")) == 30


def test_the_module_serves_as_a_process_and_logs_only_its_url():
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.fakes.akismet", "--port", "0", "--key", "smoke-key"],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        http = httpx.Client(transport=redirecting_transport(url), timeout=5.0)
        with http:
            client = akismet.SyncClient(
                config=akismet.Config(key="smoke-key", url=BLOG), http_client=http
            )
            assert client.verify_key() is True
            assert client.comment_check(IP, comment_author=SPAM_AUTHOR)
    finally:
        process.terminate()
        _, rest = process.communicate(timeout=5)

    assert process.returncode == 0
    assert rest == ""
