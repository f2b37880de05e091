"""How fast the workspace answers (issue 16, item 8): the advice page of the founding case
from a warm `compass serve`, beside the CLI's advise of the same case.

    python bench/serve.py [--requests 50]

The server is the real command, `compass serve`, in a process of its own (so the client's
Python does not share its lock), on a free port. After a few unmeasured requests (the first
builds the KB's engine in the thread that serves it), each request is timed from connecting to
the last byte of the page: a POST of the founding case to /advise, as the form sends it, with
the session's CSRF token. Printed: median, p95 and min, with the audit database off and on
(recording a run adds a SQLite write and the chain's hash), beside `compass advise` as a whole
process and `api.advise_file` in this process. A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing: the engine is beside us
    sys.path.insert(0, str(ROOT))

from measure import load_average, run_process  # noqa: E402
from synergy_compass.engine import api  # noqa: E402

FOUNDING_CASE = ROOT / "kb" / "scenarios" / "allen-japan.yaml"
ADVICE_PAGE = "/advise"
SCENARIO_FIELD = "scenario_yaml"  # the form sends the checked scenario as YAML text in this field
WARM_UP = 3


def compass_command() -> list[str]:
    script = Path(sys.executable).with_name("compass")
    if script.is_file():
        return [str(script)]
    found = shutil.which("compass")
    if found:
        return [found]
    return [sys.executable, "-c", "from synergy_compass import cli; cli.main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def workspace_server(audit_db: Path | None) -> Iterator[int]:
    """`compass serve` on a free port until the block ends; yields the port once it answers."""
    port = free_port()
    audit = ["--audit-db", str(audit_db)] if audit_db else ["--no-audit"]
    server = subprocess.Popen(
        [*compass_command(), "serve", "--port", str(port), *audit],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("compass serve did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def advice_request(port: int) -> tuple[bytes, dict[str, str]]:
    """The form post a browser sends for the founding case: its body and headers, with the
    session cookie and the CSRF token the workspace gave this session."""
    status, headers, page = _request(port, "GET", "/scenario")
    found = re.search(rb'name="csrf" value="([^"]+)"', page)
    if status != 200 or found is None:
        raise SystemExit(f"GET /scenario answered {status} without a CSRF token")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    form = {"csrf": found[1].decode(), SCENARIO_FIELD: FOUNDING_CASE.read_text(encoding="utf-8")}
    body = urlencode(form).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}


def time_advice_page(port: int, requests: int) -> list[float]:
    body, headers = advice_request(port)
    samples = []
    for number in range(WARM_UP + requests):
        start = time.perf_counter()
        status, _headers, page = _request(port, "POST", ADVICE_PAGE, body, headers)
        elapsed = time.perf_counter() - start
        if status != 200 or b'id="plan"' not in page:
            raise SystemExit(f"POST {ADVICE_PAGE} answered {status} without the plan")
        if number >= WARM_UP:
            samples.append(elapsed)
    return samples


def summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "min_ms": round(ordered[0] * 1000, 1),
    }


def time_cli(runs: int) -> dict[str, float]:
    """`compass advise` as a whole process (the engine's caches warm), and in this process."""
    argv = [*compass_command(), "advise", str(FOUNDING_CASE), "--format", "json", "--no-audit"]
    run_process(argv, ROOT)  # unmeasured: the caches, the page cache
    processes = [run_process(argv, ROOT).wall_s for _ in range(runs)]
    api.advise_file(FOUNDING_CASE)  # unmeasured: loads and compiles the KB, builds the engine
    in_process = []
    for _ in range(runs * 4):
        start = time.perf_counter()
        api.advise_file(FOUNDING_CASE)
        in_process.append(time.perf_counter() - start)
    return {
        "process_median_ms": summary(processes)["median_ms"],
        "in_process_median_ms": summary(in_process)["median_ms"],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per server")
    options = parser.parse_args(argv)
    load_at_start = load_average()
    results = {}
    with workspace_server(None) as port:
        results["no audit"] = summary(time_advice_page(port, options.requests))
    with tempfile.TemporaryDirectory() as folder:
        audit_db = Path(folder) / "audit.sqlite3"
        with workspace_server(audit_db) as port:
            results["audit on"] = summary(time_advice_page(port, options.requests))
    cli = time_cli(runs=10)
    print(f"POST {ADVICE_PAGE} of {FOUNDING_CASE.name}, warm `compass serve`, "
          f"{options.requests} requests each:")  # fmt: skip
    print(f"{'':<12}{'median ms':>10}{'p95 ms':>10}{'min ms':>10}")
    for name, figures in results.items():
        print(f"{name:<12}{figures['median_ms']:>10}{figures['p95_ms']:>10}{figures['min_ms']:>10}")
    print(f"compass advise --format json --no-audit, whole process: {cli['process_median_ms']} ms")
    print(f"api.advise_file in one warm process: {cli['in_process_median_ms']} ms")
    print(f"load average at the start: {load_at_start}")


if __name__ == "__main__":
    main()
