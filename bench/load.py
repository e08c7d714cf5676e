"""The load generator: a separate process that drives the server over loopback.

Reads one JSON job on stdin and prints one JSON result per scenario. A scenario is a
list of requests, taken in turn; `{uuid}` in a request's body becomes a fresh UUID. Each
scenario runs `concurrency` threads until `requests` answers or `seconds` have passed,
after a short warm-up that is not counted. Standard library only, so it measures the
server and not a client library.
"""

from __future__ import annotations

import http.client
import itertools
import json
import statistics
import sys
import threading
import time
import uuid
from collections import Counter


def send(host: str, port: int, request: dict) -> tuple[int, float]:
    body = request.get("body")
    if body is not None:
        body = body.replace("{uuid}", str(uuid.uuid4())).encode()
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request(
            request["method"], request["path"], body=body, headers=request.get("headers", {})
        )
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def run(host: str, port: int, scenario: dict) -> dict:
    requests = itertools.cycle(scenario["requests"])
    lock = threading.Lock()
    for _ in range(scenario.get("warmup", 3)):
        send(host, port, next(requests))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + scenario["seconds"]
    budget = scenario["requests_max"]

    issued = 0

    def worker() -> None:
        nonlocal issued
        while time.perf_counter() < deadline:
            with lock:
                if issued >= budget:
                    return
                issued += 1
                request = next(requests)
            status, latency = send(host, port, request)
            with lock:
                statuses[status] += 1
                latencies.append(latency)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(scenario["concurrency"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "name": scenario["name"],
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "statuses": {str(code): count for code, count in statuses.items() if count},
    }


def main() -> None:
    job = json.load(sys.stdin)
    for scenario in job["scenarios"]:
        print(json.dumps(run(job["host"], job["port"], scenario)), flush=True)


if __name__ == "__main__":
    main()
