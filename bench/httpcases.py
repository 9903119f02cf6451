"""HTTP throughput with gunicorn on PostgreSQL (issue 9): requests/s and p50/p95 latency of a read
mix and a write mix through gunicorn (sync workers, loopback), then the app tier scaled out to two
gunicorn masters on two ports sharing one PostgreSQL, the load split between them. The reference
is /healthz (one `SELECT 1`, no session, no template) under the same load: the ceiling of this
server set-up on this machine.

Production settings (`kechuang.settings` with KECHUANG_DEBUG=0, as docs/deploy.md), the city data
set of bench/pagecases.py (built there, or here if missing). Requests carry
`X-Forwarded-Proto: https`, as nginx sends it (production mode redirects plain HTTP).

- read mix, in turn per client: the enterprise list, the contract list, an enterprise page, a
  contract page, the dispatch dashboard, a monthly report; signed in as the bureau's staff (one
  session per client: the session row is saved on every request, as in production);
- write mix: PATCH /api/v1/contracts/{id} (a note) with a bearer token and the version read
  (optimistic concurrency): each client owns its own contracts and carries the version each
  answer returns, so no 409 is expected; every write is a transaction with its audit entry.

The load generator is in this process: C client threads, each with one request in flight (a new
connection per request: gunicorn's sync workers close it), for a fixed time; it shares the two
CPUs with the server, and its own CPU use is reported beside the figures.

    KECHUANG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench_city \\
        .venv/bin/python -m bench.httpcases --seconds 20

Skipped (a note, no rows) when the database is not PostgreSQL. Prints one JSON object
{"rows": [...], "notes": [...]}.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(os.environ.get("KECHUANG_BENCH_DIR", ROOT / "var" / "bench"))
GUNICORN = Path(sys.executable).with_name("gunicorn")
CLIENTS = 8
ROUNDS = 4  # alternating windows per set-up when two set-ups are compared
WORKERS = 2
HOST = "127.0.0.1"

# Production mode, as docs/deploy.md; the same secret key for this process (which makes the
# sessions and the token) and the servers. The password rules are off so the bench's account
# is not sent to the password page.
ENV = {
    "DJANGO_SETTINGS_MODULE": "kechuang.settings",
    "KECHUANG_DEBUG": "0",
    "KECHUANG_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
    "KECHUANG_ALLOWED_HOSTS": f"{HOST},localhost",
    "KECHUANG_PASSWORD_CHANGE_INITIAL": "0",
    "KECHUANG_PASSWORD_EXPIRY_DAYS": "0",
    "KECHUANG_JOBS_BACKEND": "database",
}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- servers --------------------------------------------------------------------------------


class Gunicorn:
    """One gunicorn master with `workers` sync workers on a port of the loopback."""

    def __init__(self, workers: int):
        self.port = _free_port()
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        self.log = BENCH_DIR / f"gunicorn-{self.port}.log"
        self.proc = subprocess.Popen(
            [
                str(GUNICORN),
                "kechuang.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env={**os.environ, **ENV},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(self.port, "GET", "/healthz", None, {})[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start (see {self.log}):\n{self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _request(port: int, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load -----------------------------------------------------------------------------------


def load(ports: list[int], clients: list, seconds: float, requests_each: int = 0) -> dict:
    """Run every client (a callable (port) -> status ok) in its own thread against its port
    (client i → ports[i % len(ports)]) for `seconds` (or for `requests_each` requests each);
    requests/s, p50/p95 latency, errors."""
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    start_at = time.perf_counter() + 0.05
    stop_at = start_at + seconds

    def run(i: int) -> None:
        port = ports[i % len(ports)]
        while time.perf_counter() < start_at:
            time.sleep(0.001)
        while True:
            t0 = time.perf_counter()
            if (requests_each and len(latencies[i]) >= requests_each) or (
                not requests_each and t0 >= stop_at
            ):
                return
            try:
                ok = clients[i](port)
            except OSError:
                ok = False
            latencies[i].append(time.perf_counter() - t0)
            if not ok:
                errors[i] += 1

    load_before = os.getloadavg()[0]
    cpu0 = time.process_time()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start_at
    every = [x for per in latencies for x in per]
    return {
        "requests": len(every),
        "rps": len(every) / wall,
        "p50": statistics.median(every),
        "p95": _p95(every),
        "errors": sum(errors),
        "client_cpu": (time.process_time() - cpu0) / wall,  # of one CPU
        "load": (round(load_before, 1), round(os.getloadavg()[0], 1)),
        "latencies": every,
        "wall": wall,
    }


def pooled(parts: list[dict]) -> dict:
    """Several load windows of one set-up as one result."""
    every = [x for p in parts for x in p["latencies"]]
    wall = sum(p["wall"] for p in parts)
    return {
        "requests": len(every),
        "rps": len(every) / wall,
        "p50": statistics.median(every),
        "p95": _p95(every),
        "errors": sum(p["errors"] for p in parts),
        "client_cpu": sum(p["client_cpu"] * p["wall"] for p in parts) / wall,
        "load": (parts[0]["load"][0], parts[-1]["load"][1]),
        "latencies": every,
        "wall": wall,
    }


def read_clients(n: int, sessions: list[str], urls: list[str]) -> list:
    def client(i: int):
        cookie = {"Cookie": f"sessionid={sessions[i]}"}
        turn = [i]

        def go(port: int) -> bool:
            url = urls[turn[0] % len(urls)]
            turn[0] += 1
            status, _body = _request(port, "GET", url, None, cookie)
            return status == 200

        return go

    return [client(i) for i in range(n)]


def write_clients(n: int, token: str, versions: dict[int, int]) -> list:
    ids = sorted(versions)

    def client(i: int):
        mine = ids[i::n]
        turn = [0]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def go(port: int) -> bool:
            pk = mine[turn[0] % len(mine)]
            turn[0] += 1
            body = json.dumps({"note": f"bench {turn[0]}", "version": versions[pk]}).encode()
            status, answer = _request(port, "PATCH", f"/api/v1/contracts/{pk}", body, headers)
            if status == 200:
                versions[pk] = json.loads(answer)["version"]
                return True
            status, answer = _request(port, "GET", f"/api/v1/contracts/{pk}", None, headers)
            if status == 200:
                versions[pk] = json.loads(answer)["version"]
            return False

        return go

    return [client(i) for i in range(n)]


def health_clients(n: int) -> list:
    def go(port: int) -> bool:
        return _request(port, "GET", "/healthz", None, {})[0] == 200

    return [go] * n


# --- the case -------------------------------------------------------------------------------


def prepare():
    """Sessions, a token, the read URLs and the contracts to write, from the city data set."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dispatch.models import MonthlyReport
    from enterprises.models import Enterprise
    from org.models import ApiToken
    from transfer.models import TechContract

    staff = get_user_model().objects.get(username="staff")
    sessions = []
    for _ in range(CLIENTS):
        c = Client()
        c.force_login(staff)
        sessions.append(c.cookies["sessionid"].value)
    _token, raw = ApiToken.issue(staff)
    enterprise = Enterprise.objects.order_by("id").first()
    contract = TechContract.objects.order_by("id").first()
    report = MonthlyReport.objects.filter(year=2023).order_by("-revision", "-month", "id").first()
    urls = [
        "/enterprises/",
        "/contracts/",
        f"/enterprises/{enterprise.pk}/",
        f"/contracts/{contract.pk}/",
        "/dispatch/?year=2023&month=6",
        f"/dispatch/reports/{report.pk}/",
    ]
    versions = dict(TechContract.objects.order_by("id").values_list("id", "version")[: CLIENTS * 4])
    return sessions, raw, urls, versions


def _check(port: int, sessions: list[str], urls: list[str]) -> None:
    for url in urls:
        status, body = _request(port, "GET", url, None, {"Cookie": f"sessionid={sessions[0]}"})
        if status != 200:
            raise SystemExit(f"GET {url} through gunicorn answered {status}: {body[:300]!r}")


def _row(variant, result, *, reference=None, ratio=None, **extra) -> dict:
    return {
        "case": "HTTP throughput (gunicorn, PostgreSQL)",
        "variant": variant,
        "metric": "requests/s (p50 / p95 ms)",
        "value": f"{result['rps']:,.1f} ({result['p50'] * 1000:.0f} / {result['p95'] * 1000:.0f})",
        "unit": "",
        "reference": reference,
        "ratio": ratio,
        "goal": None,
        "met": None,
        "rps": round(result["rps"], 1),
        "p50_ms": round(result["p50"] * 1000, 1),
        "p95_ms": round(result["p95"] * 1000, 1),
        "requests": result["requests"],
        "errors": result["errors"],
        "client_cpu": round(result["client_cpu"], 2),
        "load_average": result["load"],
        **extra,
    }


def case_http(seconds: float, scale_out: bool = True) -> dict:
    """The headline set-up (one gunicorn, 2 workers): the ceiling, the read mix, the write mix.
    Then the app tier scaled out, read mix and ceiling: one master against two masters with
    the load split, with 2 workers each and with 1 worker each (one app process per CPU). The
    set-ups compared run at the same time and are measured in alternating windows (ROUNDS of
    each), so the machine's noise hits both alike; an idle gunicorn costs no CPU."""
    sessions, token, urls, versions = prepare()
    results: dict[str, dict] = {}
    mixes = {
        "health": (lambda: health_clients(CLIENTS), 10),
        "read": (lambda: read_clients(CLIENTS, sessions, urls), 2),
        "write": (lambda: write_clients(CLIENTS, token, versions), 2),
    }

    def warm(mix: str, ports: list[int]) -> None:
        # Workers import their views, connect and fill their caches before the clock runs: each
        # client first sends a few requests (clients start at different places in the mix).
        make, each = mixes[mix]
        load(ports, make(), 0, requests_each=each)

    def compare(mix: str, setups: dict[str, list[int]]) -> None:
        for ports in setups.values():
            warm(mix, ports)
        parts: dict[str, list[dict]] = {k: [] for k in setups}
        for _ in range(ROUNDS):
            for key, ports in setups.items():
                parts[key].append(load(ports, mixes[mix][0](), seconds / ROUNDS))
        for key, got in parts.items():
            results[f"{mix} {key}"] = pooled(got)

    def start(masters: int, workers: int) -> list[Gunicorn]:
        servers: list[Gunicorn] = []
        try:
            for _ in range(masters):
                servers.append(Gunicorn(workers))
                _check(servers[-1].port, sessions, urls)
        except BaseException:
            for g in servers:
                g.stop()
            raise
        return servers

    w = WORKERS
    servers = start(3 if scale_out else 1, w)
    try:
        one = [servers[0].port]
        for mix in ("health", "read", "write"):
            warm(mix, one)
            results[f"{mix} 1x{w}"] = load(one, mixes[mix][0](), seconds)
        if scale_out:
            two = [g.port for g in servers[1:]]
            for mix in ("read", "health"):
                compare(mix, {f"1x{w} alt": one, f"2x{w}": two})
    finally:
        for g in servers:
            g.stop()
    notes = [f"http: read mix URLs {', '.join(urls)}"]
    if not scale_out:
        notes.append("http: the scale-out runs (two gunicorn masters) are left out at quick size")
        return {"rows": _rows(results, seconds), "notes": notes}
    servers = start(3, 1)
    try:
        ports = [g.port for g in servers]
        for mix in ("read", "health"):
            compare(mix, {"1x1": ports[:1], "2x1": ports[1:]})
    finally:
        for g in servers:
            g.stop()
    return {"rows": _rows(results, seconds), "notes": notes}


def _text(result: dict) -> str:
    return f"{result['rps']:,.1f} req/s ({result['p50'] * 1000:.0f} / {result['p95'] * 1000:.0f} ms)"


def _rows(results: dict, seconds: float) -> list[dict]:
    w = WORKERS
    h1 = results[f"health 1x{w}"]
    setup = f"1 gunicorn × {w} sync workers, {CLIENTS} clients, {seconds:g} s"
    rows = [
        _row(f"ceiling: /healthz, {setup}", h1),
        _row(
            f"read mix (lists, details, dashboard, report), {setup}",
            results[f"read 1x{w}"],
            reference=f"/healthz {_text(h1)}",
            ratio=round(results[f"read 1x{w}"]["rps"] / h1["rps"], 3),
        ),
        _row(
            f"write mix (API PATCH with version), {setup}",
            results[f"write 1x{w}"],
            reference=f"/healthz {_text(h1)}",
            ratio=round(results[f"write 1x{w}"]["rps"] / h1["rps"], 3),
        ),
    ]
    for mix in ("read", "health"):
        label = "read mix" if mix == "read" else "/healthz"
        for ours, ref, what in (
            ("2x1", "1x1", "2 gunicorn masters × 1 worker, load split, vs 1 × 1"),
            (f"2x{w}", f"1x{w} alt", f"2 gunicorn masters × {w} workers, load split, vs 1 × {w}"),
        ):
            if f"{mix} {ours}" not in results:
                continue
            a, b = results[f"{mix} {ours}"], results[f"{mix} {ref}"]
            rows.append(
                _row(
                    f"scale-out: {label}, {what}, one PostgreSQL",
                    a,
                    reference=f"{ref.split()[0].replace('x', ' × ')} (alternating windows): {_text(b)}",
                    ratio=round(a["rps"] / b["rps"], 2),
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="HTTP throughput with gunicorn on PostgreSQL")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--no-scale-out", action="store_true", help="one gunicorn only (quick size)")
    args = parser.parse_args()
    url = os.environ.get("KECHUANG_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(json.dumps({"rows": [], "notes": ["http: skipped (it runs on PostgreSQL only)"]}))
        return
    if not GUNICORN.exists():
        print(json.dumps({"rows": [], "notes": [f"http: skipped ({GUNICORN} missing: make install)"]}))
        return
    os.environ.update(ENV)
    import django

    django.setup()
    from bench.pagecases import ensure_city

    ensure_city()
    print(json.dumps(case_http(args.seconds, scale_out=not args.no_scale_out), default=str))


if __name__ == "__main__":
    main()
