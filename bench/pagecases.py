"""The dashboard and monthly report pages (issue 9): p50/p95 and query count through the Django
test client, on a city-sized data set, beside a reference page measured in the same rounds.

The data set ("the city"): `kechuang init` (13 units: the city, 10 districts, 2 zones; the
bundled plan's 29 indicators), the deterministic demo of every app (registries whose records
give the counted indicators their figures, 2021–2023 actuals of the reported indicators, a year
of monthly reports through the workflow, with corrections, notes and history), and 11 more
reported indicators with 24 months of actuals for every district and zone, so the dashboard
carries 40 indicators. It lives in a database of its own (the list cases empty and refill
theirs): var/bench/city.sqlite3, and `<db>_city` beside the PostgreSQL database given to the
runner (created when missing). It is built once (about a minute) and kept.

The reference is a signed-in page that renders base.html and nothing else (bench/pageurls.py):
the fixed cost of any page here (session read and save, navigation, layout). The dashboard's
figure computation alone (load + figures + backtest, no template) is timed in the same rounds.

    KECHUANG_DATABASE_URL=sqlite:///var/bench/city.sqlite3 DJANGO_SETTINGS_MODULE=bench.settings \\
        .venv/bin/python -m bench.pagecases --repeat 20

Prints one JSON object {"rows": [...], "notes": [...]}, as bench/djcases.py does. The runner
calls `runner_rows()` (bench/__main__.py), which also runs the HTTP case (bench/httpcases.py)
on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from bench import merge

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(os.environ.get("KECHUANG_BENCH_DIR", ROOT / "var" / "bench"))
CITY_FLAG = "bench-city"
EXTRA_INDICATORS = 11  # the plan's 29 + 11 = 40
YEAR, MONTH = 2023, 6
# Cumulative share of the year reached by the end of each month.
SEASON = [0.06, 0.11, 0.19, 0.27, 0.35, 0.45, 0.53, 0.61, 0.70, 0.79, 0.88, 1.0]


# --- the data set ---------------------------------------------------------------------------


def setup() -> None:
    """Django, and the city data set in the configured database (built once, then kept)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    ensure_city()


def _migrated() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def ensure_city() -> bool:
    """Build the city data set unless it is there (False then). One transaction: a build cut
    short leaves nothing behind."""
    import random

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from kechuang.core.management.commands.demo import DEMO_SEED, demo_builders
    from kechuang.core.models import SiteFlag
    from org.models import Unit

    initialised = not _migrated()
    if initialised:
        call_command("init", verbosity=0)
    if SiteFlag.objects.filter(key=CITY_FLAG).exists():
        return False
    if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
        raise SystemExit("the city database holds another demo: give the bench a database of its own")
    if not initialised and not Unit.objects.filter(kind="district").exists():
        call_command("init", verbosity=0)  # the units and the plan (a copy of the runner's has them)
    rng = random.Random(DEMO_SEED)
    with transaction.atomic():
        password_hash = make_password("bench-city-password-1")
        for build in demo_builders():
            build(rng, password_hash)
        SiteFlag.objects.create(key=SiteFlag.DEMO_DATA, value="1")
        _extra_indicators()
        SiteFlag.objects.create(key=CITY_FLAG, value="1")
    return True


def _extra_indicators() -> None:
    """11 reported cumulative indicators with a city growth target for YEAR and, for every
    district and zone, the 24 monthly figures of YEAR - 1 and YEAR (YEAR grows 4–15 %)."""
    from dispatch.models import Actual, ActualOrigin
    from org.models import Unit, UnitKind
    from plan.models import Indicator, Target, TargetOrigin

    city = Unit.objects.get(kind=UnitKind.CITY)
    units = list(Unit.objects.exclude(kind=UnitKind.CITY).order_by("order", "id"))
    actuals, targets = [], []
    for i in range(1, EXTRA_INDICATORS + 1):
        indicator = Indicator.objects.create(
            code=f"BENCH{i:02d}",
            name=f"基准测试指标{i:02d}",
            measure="亿元",
            kind="cumulative",
            source="reported",
            order=200 + i,
        )
        targets.append(
            Target(
                year=YEAR, unit=city, indicator=indicator, growth=Decimal("0.08"), origin=TargetOrigin.PLAN
            )
        )
        for k, unit in enumerate(units):
            annual = 10 + (i * 7 + k * 3) % 40  # 亿元
            growth = 1 + ((i + k) % 12 + 4) / 100
            for year, scale in ((YEAR - 1, 1.0), (YEAR, growth)):
                for month in range(1, 13):
                    value = Decimal(str(round(annual * scale * SEASON[month - 1], 4)))
                    actuals.append(
                        Actual(
                            unit=unit,
                            indicator=indicator,
                            year=year,
                            month=month,
                            value=value,
                            origin=ActualOrigin.IMPORT,
                        )
                    )
    Target.objects.bulk_create(targets)
    Actual.objects.bulk_create(actuals, batch_size=2000)


# --- measuring ------------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return len(ctx.captured_queries)


def _row(case, variant, metric, value, unit, **extra):
    return {"case": case, "variant": variant, "metric": metric, "value": value, "unit": unit, **extra}


def case_pages(repeat: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import clear_url_caches

    from dispatch.figures import figure_data
    from dispatch.models import Actual, MonthlyReport
    from plan.models import Indicator

    settings.ROOT_URLCONF = "bench.pageurls"  # the reference page; before the first request
    clear_url_caches()
    db = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    staff = get_user_model().objects.get(username="staff")
    client = Client()
    client.force_login(staff)
    # The report page with the most to show: a correction (its diff and revisions), notes.
    report = (
        MonthlyReport.objects.filter(year=YEAR)
        .annotate(n_notes=Count("notes"))
        .order_by("-revision", "-n_notes", "-month", "id")
        .select_related("unit")
        .first()
    )
    district = report.unit.code
    pages = {
        "dispatch dashboard (city)": f"/dispatch/?year={YEAR}&month={MONTH}",
        "dispatch unit page (a district)": f"/dispatch/units/{district}/?year={YEAR}&month={MONTH}",
        "monthly report detail": f"/dispatch/reports/{report.pk}/",
        "monthly report list": f"/dispatch/reports/?year={YEAR}",
    }
    reference = "/bench-base/"

    def compute():
        data = figure_data(YEAR, years_back=2)
        data.figures(MONTH)
        data.figures(MONTH - 1)
        data.backtests()

    def get(url):
        def job():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")

        return job

    jobs = {name: get(url) for name, url in pages.items()}
    jobs["reference"] = get(reference)
    jobs["figures alone"] = compute
    for job in jobs.values():
        job()  # warm-up: templates, translations, content types
    queries = {name: _queries(client, url) for name, url in pages.items()}
    queries["reference"] = _queries(client, reference)
    samples: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(repeat):  # in turn, so the machine's noise hits every page alike
        for name, job in jobs.items():
            t0 = time.perf_counter()
            job()
            samples[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in samples.items()}
    p95 = {k: _p95(v) for k, v in samples.items()}
    size = (
        f"{Indicator.objects.count()} indicators, {Actual.objects.count():,} actuals, "
        f"{MonthlyReport.objects.count()} monthly reports"
    )
    ref_text = f"bare base.html page {med['reference'] * 1000:.1f} / {p95['reference'] * 1000:.1f} ms, {queries['reference']} queries"
    rows = []
    for name in pages:
        extra = {}
        if name.startswith("dispatch dashboard"):
            extra["figures_alone_ms"] = round(med["figures alone"] * 1000, 1)
        rows.append(
            _row(
                "dashboard and report pages",
                f"{name}, {db}, {queries[name]} queries"
                + (f" (figures alone {med['figures alone'] * 1000:.0f} ms)" if extra else ""),
                "p50 / p95",
                f"{med[name] * 1000:.1f} / {p95[name] * 1000:.1f}",
                "ms",
                reference=ref_text,
                ratio=round(med[name] / med["reference"], 2),
                goal="p95 and query count (issue 9 sets no figure)",
                met=None,
                p50_ms=round(med[name] * 1000, 2),
                p95_ms=round(p95[name] * 1000, 2),
                queries=queries[name],
                samples=repeat,
                **extra,
            )
        )
    return {"rows": rows, "notes": [f"{db} city data set: {size}; report page: {report}"]}


# --- the runner's entry ---------------------------------------------------------------------


def city_url(url: str, template: bool = False) -> str | None:
    """The city database beside the runner's: var/bench/city.sqlite3 for SQLite; for
    PostgreSQL `<db>_city` on the same server, created when missing (None if it cannot be).
    `template`: the runner's database was empty and now holds only what `kechuang init` put
    there, so a missing city database starts as a copy of it (a file copy, or CREATE DATABASE
    … TEMPLATE) instead of running every migration again: 10–15 s of a quick run. A copy that
    fails leaves an empty database, which the city's build migrates as before."""
    if url.startswith("sqlite"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        city = BENCH_DIR / "city.sqlite3"
        if template and not city.exists():
            import sqlite3

            source = Path(url.removeprefix("sqlite:///"))
            try:
                # Read-only: a wrong path is an error, not a new empty file.
                src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    dst = sqlite3.connect(city)
                    try:
                        src.backup(dst)  # consistent even with a WAL beside the file
                    finally:
                        dst.close()
                finally:
                    src.close()
            except sqlite3.Error as exc:
                print(f"no copy of {source} for the city ({exc}); it is built from scratch", file=sys.stderr)
                city.unlink(missing_ok=True)
        return f"sqlite:///{city}"
    import psycopg
    from psycopg import sql

    base, _slash, name = url.rpartition("/")
    name = name.split("?")[0]
    city = f"{name}_city"
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [city]).fetchone() is None:
                create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(city))
                if template:
                    try:
                        conn.execute(create + sql.SQL(" TEMPLATE {}").format(sql.Identifier(name)))
                        return f"{base}/{city}"
                    except psycopg.Error as exc:  # e.g. another session on the template
                        print(
                            f"no copy of {name} for the city ({exc}); it is built from scratch",
                            file=sys.stderr,
                        )
                conn.execute(create)
    except psycopg.Error as exc:
        print(f"cannot create the database {city}: {exc}", file=sys.stderr)
        return None
    return f"{base}/{city}"


def _subprocess(module: str, args: list[str], env: dict) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    print(f"  -m {module} {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        note = f"{module} failed: {last}"
        return {"rows": [], "notes": [note], "failed": [note]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def runner_rows(databases: list[tuple[str, str]], quick: bool, want) -> dict:
    """The rows of the `pages` case on every database and of the `http` case on PostgreSQL."""
    out: dict = {"rows": [], "notes": [], "failed": []}
    for label, url in databases:
        city = city_url(url)
        if city is None:
            note = f"{label}: no city database could be created; pages and http skipped"
            out["notes"].append(note)
            out["failed"].append(note)
            continue
        env = {"KECHUANG_DATABASE_URL": city, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        if want("pages"):
            merge(out, _subprocess("bench.pagecases", ["--repeat", "3" if quick else "30"], env))
        if want("http") and label == "PostgreSQL":
            sizes = ["--seconds", "2", "--no-scale-out"] if quick else ["--seconds", "20"]
            merge(out, _subprocess("bench.httpcases", sizes, {"KECHUANG_DATABASE_URL": city}))
    if want("http") and not any(label == "PostgreSQL" for label, _url in databases):
        out["notes"].append("http: skipped (it runs on PostgreSQL only: give --pg URL)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="dashboard and monthly report pages")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--build-only", action="store_true", help="build the city data set, measure nothing")
    args = parser.parse_args()
    t0 = time.perf_counter()
    setup()
    built = time.perf_counter() - t0
    if args.build_only:
        return
    out = case_pages(args.repeat)
    if built > 5:
        out["notes"].append(f"setting up the city data set took {built:.0f} s")
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
