"""The whole site under load: seed PostgreSQL, serve it with gunicorn, drive it over
loopback from a second process, and print one table against the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commons \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/http_bench.py [--scale 10]

The data goes into its own database (commons_bench_x<scale>) on DATABASE_URL's server,
recreated each run unless --reuse finds it seeded; REDIS_URL's database is flushed. The
server runs as in production (DEBUG off, Redis cache and broker, 2 sync workers), with
the floor view of bench_urls added and the rate limits raised for the load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CSRF = secrets.token_hex(16)  # an unmasked 32-character secret is a valid form token too


@dataclass(frozen=True)
class Row:
    name: str
    requests: list[dict]
    expect: tuple[int, ...] = (200,)
    target: float | None = None  # a share of the floor's requests per second
    count_queries: bool = True


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="times the standard data")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    parser.add_argument("--seconds", type=float, default=10.0, help="longest run per row")
    parser.add_argument("--requests", type=int, default=2_000, help="most requests per row")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="run the rows whose name holds this")
    return parser.parse_args()


def configure(args: argparse.Namespace) -> dict[str, str]:
    """Point this process and the server at the bench database; return the server's env."""
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/commons"
    parts = urlsplit(base)
    suffix = f"{args.scale:g}".replace(".", "_")
    database_url = urlunsplit(parts._replace(path=f"/commons_bench_x{suffix}"))
    env = {key: value for key, value in os.environ.items() if key != "COMMONS_TESTING"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT)]),
        DATABASE_URL=database_url,
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14",
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        STATIC_ROOT=tempfile.mkdtemp(prefix="commons-bench-static-"),
        EDITS_RATE_LIMIT="1000000/60",
        COMMENTS_RATE_LIMIT="1000000/60",
        DATABASE_CONN_MAX_AGE="60",
    )
    os.environ.clear()
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    return env


def prepare_database(scale, reuse: bool) -> None:
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from seed import BIG_SLUG, Seeder

    database = settings.DATABASES["default"]
    name = database["NAME"]
    admin = psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            from wiki.models import Article

            call_command("migrate", verbosity=0)
            if Article.objects.filter(slug=BIG_SLUG).exists():
                print(f"reusing the seeded database {name}")
                return
        connection.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    figures = Seeder(scale).run()
    print(
        f"seeded {scale.articles:,} articles ({figures['text_bytes'] / 1e6:.0f} MB of Markdown)"
        f", a big article of {scale.big_revisions:,} revisions and {figures['comments']:,}"
        f" comments in {time.perf_counter() - started:.0f} s (articles"
        f" {figures['articles_s']:.0f} s, big article {figures['big_article_s']:.0f} s,"
        f" comments {figures['comments_s']:.0f} s, search index and analyze"
        f" {figures['index_s']:.0f} s)"
    )


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def form_post(path: str, fields: dict, cookie: str) -> dict:
    return {
        "method": "POST",
        "path": path,
        "body": urlencode({"csrfmiddlewaretoken": CSRF, **fields}).replace("%7Buuid%7D", "{uuid}"),
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{cookie}; csrftoken={CSRF}",
        },
    }


def revalidate(path: str, cookie: str) -> dict:
    """A GET from a browser that holds the page: its cookies and the ETag it was given."""
    from django.test import Client

    cookie = f"{cookie}; csrftoken={CSRF}" if cookie else f"csrftoken={CSRF}"
    etag = Client().get(path, HTTP_COOKIE=cookie)["ETag"]
    return {"method": "GET", "path": path, "headers": {"Cookie": cookie, "If-None-Match": etag}}


def get(path: str, cookie: str = "") -> dict:
    return {"method": "GET", "path": path, "headers": {"Cookie": cookie} if cookie else {}}


def build_rows(args: argparse.Namespace) -> tuple[list[Row], dict[str, dict]]:
    from django.db.models import F
    from seed import BIG_SLUG, SMALL_SLUG, Words

    from comments.models import Comment
    from moderation.states import Status
    from wiki.models import Article

    rng = random.Random(11)
    reader, writer = session_cookie("reader"), session_cookie("writer")
    big = Article.objects.select_related("current_revision").get(slug=BIG_SLUG)
    last = big.current_revision.number
    # Each diff and search request below asks for something not asked before, so no
    # stored copy helps: these rows measure the work itself.
    needed = args.requests + 50
    pairs = [(number - 1, number) for number in range(max(2, last - needed), last + 1)]
    words = Words(random.Random(7)).words
    searches = sorted(
        {" ".join(rng.sample(words[:600], k=rng.choice((1, 2, 2)))) for _ in range(needed * 2)}
    )
    rng.shuffle(searches)
    editable = list(
        Article.objects.filter(current_revision__size__range=(5_000, 15_000))
        .exclude(slug__in=[BIG_SLUG, SMALL_SLUG])
        .annotate(number=F("current_revision__number"), source=F("current_revision__source"))
        .values_list("slug", "number", "source")[:needed]
    )
    edits = [
        form_post(
            f"/wiki/{slug}/edit/",
            {
                "source": source + f"\nAn added sentence, number {index}.\n",
                "summary": "bench edit",
                "base_number": number,
            },
            writer,
        )
        for index, (slug, number, source) in enumerate(editable)
    ]
    replied = list(
        Comment.objects.filter(
            status=Status.PUBLISHED,
            level__range=(1, 5),
            article__slug__in=[slug for slug, _, _ in editable[:200]],
        ).values_list("pk", "article__slug")[:needed]
    )
    posts = [
        form_post(
            f"/wiki/{slug}/comments/",
            {
                "body": "Thanks, this helps. I would add that *the river* matters too.",
                "parent": pk if index % 2 else "",
                "submission_key": "{uuid}",
            },
            writer,
        )
        for index, (pk, slug) in enumerate(replied)
    ]
    return (
        [
            Row("floor: fixed 12 KB page, same middleware", [get("/bench/floor/")]),
            Row(
                "big article, anonymous, browser revalidating",
                [revalidate(f"/wiki/{BIG_SLUG}/", "")],
                expect=(304,),
                target=0.40,
            ),
            Row(
                "big article, signed in, browser revalidating",
                [revalidate(f"/wiki/{BIG_SLUG}/", reader)],
                expect=(304,),
                target=0.25,
            ),
            Row("big article, anonymous", [get(f"/wiki/{BIG_SLUG}/")], target=0.40),
            Row("small article, anonymous", [get(f"/wiki/{SMALL_SLUG}/")], target=0.40),
            Row("big article, signed in", [get(f"/wiki/{BIG_SLUG}/", reader)], target=0.25),
            Row("small article, signed in", [get(f"/wiki/{SMALL_SLUG}/", reader)], target=0.25),
            Row("history, page 1", [get(f"/wiki/{BIG_SLUG}/history/")], target=0.30),
            Row("history, page 100", [get(f"/wiki/{BIG_SLUG}/history/?page=100")], target=0.30),
            Row(
                "diff of two 50 KB revisions (the same pair again)",
                [get(f"/wiki/{BIG_SLUG}/diff/{last - 1}/{last}/")],
                target=0.30,
            ),
            Row(
                "diff of two 50 KB revisions (a new pair each time)",
                [get(f"/wiki/{BIG_SLUG}/diff/{a}/{b}/") for a, b in pairs],
                target=0.30,
            ),
            Row(
                "search (a new query each time)",
                [get(f"/search/?{urlencode({'q': query})}") for query in searches],
                expect=(200, 302),  # an exact title goes straight to the article
                target=0.20,
            ),
            Row("recent changes", [get("/recent/")], target=0.20),
            Row("save an edit (5-15 KB articles)", edits[1:], expect=(302,), target=0.10),
            Row("post a comment (new or reply)", posts[1:], expect=(302,), target=0.10),
            Row("floor again, for drift", [get("/bench/floor/")]),
        ],
        {"edit": edits[0], "post": posts[0]},
    )


def count_queries(request: dict) -> str:
    """Queries for the request with nothing cached, then (when fewer) with its copy stored."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    meta = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in request["headers"].items()
        if name != "Content-Type"
    }
    counts = []
    cache.clear()
    for _ in range(1 if request["method"] == "POST" else 2):
        with CaptureQueriesContext(connection) as captured:
            if request["method"] == "GET":
                Client().get(request["path"], **meta)
            else:
                Client().generic(
                    "POST",
                    request["path"],
                    request["body"].replace("{uuid}", secrets.token_hex(16)),
                    content_type="application/x-www-form-urlencoded",
                    **meta,
                )
        counts.append(len(captured))
    return f"{counts[0]}, then {counts[-1]}" if counts[-1] != counts[0] else str(counts[0])


def collect_static(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our venv
        [
            sys.executable,
            "-m",
            "gunicorn",
            "commons.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def drive(rows: list[Row], args: argparse.Namespace, env: dict[str, str]) -> list[dict]:
    job = {
        "host": "127.0.0.1",
        "port": args.port,
        "scenarios": [
            {
                "name": row.name,
                "requests": row.requests,
                "seconds": args.seconds,
                "requests_max": args.requests,
                "concurrency": args.concurrency,
                "warmup": 0 if row.expect == (302,) else 20,
            }
            for row in rows
        ],
    }
    finished = subprocess.run(  # noqa: S603 - our own load generator
        [sys.executable, str(BENCH / "load.py")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return [json.loads(line) for line in finished.stdout.splitlines()]


def print_table(title: str, rows: list[Row], results: list[dict], queries: list[str]) -> None:
    floor = (results[0]["rps"] + results[-1]["rps"]) / 2
    print(f"\n{title}\n")
    print("| what | req/s | % of floor | target | median ms | p95 ms | queries | answers |")
    print("|---|--:|--:|--:|--:|--:|--:|---|")
    for row, result, count in zip(rows, results, queries, strict=True):
        share = result["rps"] / floor
        target = f"{row.target:.0%}" + (" ✓" if share >= row.target else " ✗") if row.target else ""
        answers = ", ".join(f"{n}×{code}" for code, n in sorted(result["statuses"].items()))
        if not set(result["statuses"]) <= {str(code) for code in row.expect}:
            answers += f" (expected {' or '.join(map(str, row.expect))})"
        print(
            f"| {row.name} | {result['rps']:.1f} | {share:.0%} | {target} |"
            f" {result['median_ms']:.1f} | {result['p95_ms']:.1f} | {count} | {answers} |"
        )


def main() -> None:
    args = parse_args()
    env = configure(args)
    import django

    django.setup()
    import redis
    from seed import Scale

    scale = Scale().times(args.scale)
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    prepare_database(scale, args.reuse)
    collect_static(env)
    rows, probes = build_rows(args)
    if args.only:
        rows = [row for row in rows if "floor" in row.name or args.only in row.name]
    queries = []
    for row in rows:
        if row.expect == (302,):
            probe = probes["edit" if "edit" in row.name else "post"]
            queries.append(count_queries(probe))
        else:
            queries.append(count_queries(row.requests[0]))
    server = start_server(env, args.port)
    try:
        results = drive(rows, args, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print_table(
        f"Commons under load: {scale.articles:,} articles, {scale.comments:,} comments;"
        f" gunicorn 2 sync workers, {args.concurrency} client threads on loopback,"
        f" at most {args.requests:,} requests or {args.seconds:g} s a row",
        rows,
        results,
        queries,
    )


if __name__ == "__main__":
    main()
