"""A small, bounded load generator for the benchmarks: N threads, each with its own keep-alive connection
(http.client) to a server on loopback, running "jobs" until a count or a time limit is reached.

A job is a function ``job(send, n) -> bool`` (True when it succeeded) that makes one or more requests through
``send(method, path, body=None, headers=None) -> (status, body_bytes)``; its latency is the wall time of the job.
"""

import http.client
import json
import threading
import time
from dataclasses import dataclass, field

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class RoundResult:
    latencies: list = field(default_factory=list)  # seconds, one per successful job
    errors: int = 0
    error_samples: list = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def done(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed else 0.0


def percentile(values, q) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


class _Connection:
    def __init__(self, host, port, default_headers):
        self.host, self.port, self.default_headers = host, port, default_headers
        self.conn = None

    def send(self, method, path, body=None, headers=None):
        payload = json.dumps(body).encode() if isinstance(body, dict | list) else body
        all_headers = {**self.default_headers, **(headers or {})}
        if payload is not None:
            all_headers.setdefault("Content-Type", "application/json")
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=payload, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady):
                self.close()
                if attempt == 2:
                    raise
                continue
            if (response.getheader("Connection") or "").lower() == "close":
                self.close()
            return response.status, data
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run_round(*, host, port, job, connections, max_jobs, max_seconds, headers=None, start_index=0) -> RoundResult:
    if host not in LOOPBACK:
        raise ValueError("the load generator only targets loopback")
    result = RoundResult()
    lock = threading.Lock()
    counter = {"n": 0}
    deadline = time.monotonic() + max_seconds

    def worker():
        connection = _Connection(host, port, headers or {})
        local_latencies, local_errors, samples = [], 0, []
        while time.monotonic() < deadline:
            with lock:
                if counter["n"] >= max_jobs:
                    break
                n = start_index + counter["n"]
                counter["n"] += 1
            started = time.perf_counter()
            try:
                ok = job(connection.send, n)
            except Exception as exc:  # noqa: BLE001 - counted as an error, the run goes on
                ok, samples = False, samples + [repr(exc)[:200]]
            if ok is True:
                local_latencies.append(time.perf_counter() - started)
            else:
                local_errors += 1
                if isinstance(ok, str):
                    samples.append(ok[:300])
        connection.close()
        with lock:
            result.latencies.extend(local_latencies)
            result.errors += local_errors
            result.error_samples.extend(samples[:3])

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 120)
    result.elapsed = time.perf_counter() - started
    return result
