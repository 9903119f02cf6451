"""The benchmark cases that need Django and a database, one case per process (so peak RSS is the
case's own). Run by `python -m bench`; alone:

    KECHUANG_DATABASE_URL=sqlite:///var/bench/bench.sqlite3 DJANGO_SETTINGS_MODULE=bench.settings \\
        .venv/bin/python -m bench.djcases import,lists --import-size 10000 --lists-size 50000

Prints one JSON object: {"rows": [...], "notes": [...]} (see bench/__main__.py for the row shape).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(os.environ.get("KECHUANG_BENCH_DIR", ROOT / "var" / "bench"))


def setup() -> bool:
    """Django, and `kechuang init` unless the database is migrated and holds the units already:
    init's system checks and plan load cost a few seconds of CPU in every case process. True
    when the database was empty (no migration applied) and now holds only what init puts there:
    a copy of it is a clean start for another data set (bench/pagecases.py `city_url`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    empty = not executor.loader.applied_migrations
    if executor.migration_plan(executor.loader.graph.leaf_nodes()) or not _has_units():
        if connection.vendor == "sqlite":
            # A fresh benchmark database: no fsync per migration (the measured requests run
            # with the project's settings, on a new connection).
            with connection.cursor() as cur:
                cur.execute("PRAGMA synchronous=OFF")
        call_command("init", verbosity=0)
        connection.close()
        return empty
    return False


def _has_units() -> bool:
    from org.models import Unit

    return Unit.objects.filter(kind="district").exists()


def admin_user():
    from django.contrib.auth import get_user_model

    from kechuang.core.roles import Role
    from org.services import user_create

    User = get_user_model()
    user = User.objects.filter(username="bench-admin").first()
    if user is None:
        user = user_create(username="bench-admin", password="bench-admin-password-1", role=Role.ADMIN)  # noqa: S106
    if not (user.is_staff and user.is_superuser):
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        user.refresh_from_db()
    return user


def db_label() -> str:
    from django.db import connection

    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def row(case, variant, metric, value, unit, *, reference=None, ratio=None, goal=None, met=None, **extra):
    return {
        "case": case,
        "variant": variant,
        "metric": metric,
        "value": value,
        "unit": unit,
        "reference": reference,
        "ratio": ratio,
        "goal": goal,
        "met": met,
        **extra,
    }


def interleaved(jobs: dict, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(repeat):  # in turn, so the machine's noise hits every path alike
        for name, job in jobs.items():
            t0 = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - t0)
    return times


# --- import ---------------------------------------------------------------------------------

# The columns the reference write fills from the file, in the order of its tuples.
ENT_GIVEN = ("created", "updated", "uscc", "name", "unit_id", "industry", "ht_domain", "founded")
YEAR_GIVEN = (  # the file's order: employees, S&T staff, revenue, assets, R&D, cost, IP I, IP II
    "created",
    "updated",
    "enterprise_id",
    "year",
    "employees",
    "st_staff",
    "revenue",
    "total_assets",
    "rd_expense",
    "total_cost",
    "ip_class1",
    "ip_class2",
)


def case_import(size: int, repeat: int) -> dict:
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from bench.datagen import insert_sql, write_import_xlsx
    from enterprises.models import Enterprise, EnterpriseYear
    from kechuang.core.imports import import_file
    from org.models import Unit

    db = db_label()
    codes = list(Unit.objects.filter(kind="district").order_by("order").values_list("code", flat=True))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"import-{size}.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        write_import_xlsx(path, size, codes)
        print(f"wrote {path.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    def calamine():
        data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        assert len(data) == size + 1

    def check():
        result = import_file("enterprises", path, dry_run=True)
        assert result.rows == size

    def full():
        with transaction.atomic():
            result = import_file("enterprises", path)
            assert result.created == size
            transaction.set_rollback(True)

    def raw_write():
        """The write step alone through the cursor: executemany of the same rows."""
        data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
        units = dict(Unit.objects.values_list("code", "id"))
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        with transaction.atomic(), connection.cursor() as cur:
            t0 = time.perf_counter()
            sql, order = insert_sql(Enterprise, ENT_GIVEN)
            rows = [
                dict(zip(ENT_GIVEN, (now, now, r[0], r[1], units[str(r[2])], r[3], r[4], r[5]), strict=True))
                for r in data
            ]
            cur.executemany(sql, [[v[c] for c in order] for v in rows])
            cur.execute("SELECT uscc, id FROM enterprises_enterprise WHERE uscc LIKE '9153%%'")
            ids = dict(cur.fetchall())
            sql, order = insert_sql(EnterpriseYear, YEAR_GIVEN)
            rows = [
                dict(zip(YEAR_GIVEN, (now, now, ids[r[0]], int(r[6]), *r[7:15]), strict=True)) for r in data
            ]
            cur.executemany(sql, [[v[c] for c in order] for v in rows])
            raw_write.seconds = time.perf_counter() - t0
            transaction.set_rollback(True)

    check()  # warm-up: imports, the unit table, the parsers
    times = interleaved({"calamine": calamine, "check": check, "full": full}, repeat)
    raw = []
    for _ in range(repeat):
        raw_write()
        raw.append(raw_write.seconds)
    med = {k: statistics.median(v) for k, v in times.items()}
    write_step = max(med["full"] - med["check"], 1e-9)
    raw_med = statistics.median(raw)
    calamine_rate, check_rate = size / med["calamine"], size / med["check"]
    rows = [
        row(
            "xlsx import",
            f"{size:,} rows, read + parse + check (dry run)",
            "rows/s",
            round(check_rate),
            "rows/s",
            reference=f"python-calamine bare read {calamine_rate:,.0f} rows/s",
            ratio=round(check_rate / calamine_rate, 3),
            goal="≥ 0.5 of calamine's rows/s",
            met=check_rate >= 0.5 * calamine_rate,
            seconds=med["check"],
            reference_seconds=med["calamine"],
        ),
        row(
            "xlsx import",
            f"{size:,} rows, whole import on {db} (read, check, write, commit)",
            "rows/s",
            round(size / med["full"]),
            "rows/s",
            reference=f"calamine bare read {calamine_rate:,.0f} rows/s",
            ratio=round((size / med["full"]) / calamine_rate, 3),
            seconds=med["full"],
        ),
        row(
            "bulk insert",
            f"{size:,} enterprises + {size:,} yearly figures, write step on {db}",
            "rows/s",
            round(size / write_step),
            "rows/s",
            reference=f"cursor.executemany {size / raw_med:,.0f} rows/s",
            ratio=round(raw_med / write_step, 3),
            seconds=write_step,
            reference_seconds=raw_med,
        ),
    ]
    return {"rows": rows}


# --- list pages -----------------------------------------------------------------------------


def _timed_get(client, url: str) -> float:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - t0
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return elapsed


def _queries(client, url: str) -> tuple[int, int]:
    """(queries, full-table COUNTs) of one request: a COUNT with no LIMIT (capped counts have one)
    and no GROUP BY (the contract list's year summary counts one year's rows by unit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    counts = sum(
        1
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"].upper() and not any(w in q["sql"].upper() for w in ("LIMIT", "GROUP BY"))
    )
    return len(ctx.captured_queries), counts


def _deep_cursors(n: int, user) -> dict[str, str]:
    """Cursors that start a page 90 % of the way down each list."""
    from django.db.models import Count

    from enterprises.models import Enterprise
    from enterprises.views.files import enterprise_parts
    from kechuang.core.pagination import _encode
    from transfer.models import TechContract

    parts, unit_ids = enterprise_parts(user)
    counts = dict(Enterprise.objects.values_list("unit_id").annotate(n=Count("id")))
    last = max(i for i, pk in enumerate(unit_ids) if counts.get(pk))  # the last unit with rows
    in_unit = counts[unit_ids[last]]
    e = Enterprise.objects.filter(unit_id=unit_ids[last]).order_by("name", "id")[in_unit // 2]
    registered = int(n * 0.85)
    c = (
        TechContract.objects.filter(status="registered")
        .order_by("-registered", "-signed", "-id")
        .only("registered", "signed", "id")[int(registered * 0.9)]
    )
    return {
        "enterprises": _encode(last, [e.name, e.id]),
        "contracts": _encode(0, [c.registered, c.signed, c.id]),
    }


def case_lists(size: int, repeat: int) -> dict:
    from django.test import Client

    from bench.datagen import ensure_contracts, ensure_enterprises
    from org.models import Unit

    db = db_label()
    t0 = time.perf_counter()
    made = ensure_enterprises(size), ensure_contracts(size)
    notes = []
    if any(made):
        notes.append(
            f"{db}: generated {size:,} enterprises and contracts in {time.perf_counter() - t0:.1f} s"
        )
    user = admin_user()
    client = Client()
    client.force_login(user)
    unit = Unit.objects.filter(kind="district").order_by("order").first()
    deep = _deep_cursors(size, user)
    admin_deep_e = max(1, int(size / 50 * 0.9))
    pages = {
        "enterprises": {
            "first page": ("/enterprises/", "/bench-admin/enterprises/enterprise/"),
            "deep page (90 %)": (
                f"/enterprises/?after={deep['enterprises']}",
                f"/bench-admin/enterprises/enterprise/?p={admin_deep_e}",
            ),
            "filtered (unit + domain)": (
                f"/enterprises/?unit={unit.code}&ht_domain=新材料",
                f"/bench-admin/enterprises/enterprise/?unit__id__exact={unit.pk}&ht_domain=新材料",
            ),
        },
        "contracts": {
            "first page": ("/contracts/", "/bench-admin/transfer/techcontract/"),
            "deep page (90 %)": (
                f"/contracts/?after={deep['contracts']}",
                f"/bench-admin/transfer/techcontract/?p={admin_deep_e}",
            ),
            "filtered (unit + status + year)": (
                f"/contracts/?unit={unit.code}&status=registered&year=2022",
                f"/bench-admin/transfer/techcontract/?unit__id__exact={unit.pk}&status__exact=registered",
            ),
        },
    }
    jobs, meta = {}, {}
    for listing, variants in pages.items():
        for variant, (ours, admin) in variants.items():
            for who, url in (("ours", ours), ("admin", admin)):
                _timed_get(client, url)  # warm-up
                jobs[(listing, variant, who)] = lambda u=url: _timed_get(client, u)
                meta[(listing, variant, who)] = _queries(client, url)
    # Ours `repeat` times; the admin (seconds a deep page) fewer, in the same rounds.
    samples: dict = {k: [] for k in jobs}
    cpu: dict = {k: [] for k in jobs}
    admin_every = max(1, repeat // 5)
    for i in range(repeat):
        for key, job in jobs.items():
            if key[2] == "admin" and i % admin_every:
                continue
            c0 = time.process_time()
            samples[key].append(job())
            cpu[key].append(time.process_time() - c0)
    rows = []
    for listing, variants in pages.items():
        for variant in variants:
            ours, admin = samples[(listing, variant, "ours")], samples[(listing, variant, "admin")]
            p50, p95 = statistics.median(ours), _p95(ours)
            cpu50 = statistics.median(cpu[(listing, variant, "ours")])
            a50, a95 = statistics.median(admin), _p95(admin)
            q, counts = meta[(listing, variant, "ours")]
            aq, acounts = meta[(listing, variant, "admin")]
            rows.append(
                row(
                    f"list page: {listing}",
                    f"{variant}, {size:,} rows, {db}, {q} queries",
                    "p50 / p95 (CPU p50)",
                    f"{p50 * 1000:.1f} / {p95 * 1000:.1f} ({cpu50 * 1000:.1f})",
                    "ms",
                    reference=f"Django admin changelist {a50 * 1000:.1f} / {a95 * 1000:.1f} ms, "
                    f"{aq} queries ({acounts} full COUNT)",
                    ratio=round(p50 / a50, 3),
                    goal="p95 < 100 ms, no full COUNT(*)",
                    met=p95 < 0.1 and counts == 0,
                    p50_ms=round(p50 * 1000, 2),
                    cpu_p50_ms=round(cpu50 * 1000, 2),
                    admin_samples=len(admin),
                    p95_ms=round(p95 * 1000, 2),
                    queries=q,
                    full_counts=counts,
                )
            )
    return {"rows": rows, "notes": notes}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- export ---------------------------------------------------------------------------------


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _export(client, url: str) -> tuple[float, int, float]:
    """(seconds, bytes, peak RSS in MiB while streaming)."""
    t0 = time.perf_counter()
    response = client.get(url)
    size, peak = 0, _rss_mib()
    for chunk in response.streaming_content:
        size += len(chunk)
        peak = max(peak, _rss_mib())
    return time.perf_counter() - t0, size, peak


def case_export(size: int) -> dict:
    """Peak RSS while streaming the export of one district's enterprises in one domain, of the
    whole district (about 9× the rows), and of the whole table (`size` rows, 1M at full size):
    constant memory means the same growth for all three."""
    from django.test import Client

    from bench.datagen import ensure_enterprises
    from enterprises.models import Enterprise
    from org.models import Unit

    db = db_label()
    ensure_enterprises(size)
    client = Client()
    client.force_login(admin_user())
    unit = Unit.objects.filter(kind="district").order_by("order").first()
    domain = "新材料"
    small_n = Enterprise.objects.filter(unit=unit, ht_domain=domain).count()
    base = _rss_mib()
    small = _export(client, f"/enterprises/export.xlsx?unit={unit.code}&ht_domain={domain}")
    grow_small = small[2] - base
    rows = []
    for label, url, n in (
        (f"one district of {size:,}", f"/enterprises/export.xlsx?unit={unit.code}", None),
        ("the whole table", "/enterprises/export.xlsx", size),
    ):
        n = n or Enterprise.objects.filter(unit=unit).count()
        large = _export(client, url)
        grow = large[2] - base
        rows += [
            row(
                "export",
                f"{n:,} enterprises ({label}) to .xlsx, streamed, {db}",
                "peak RSS growth",
                round(grow, 1),
                "MiB",
                reference=f"{small_n:,} rows: {grow_small:.1f} MiB",
                ratio=round(grow / grow_small, 2) if grow_small > 0 else None,
                goal="constant memory (growth ≈ the small export's)",
                met=grow <= max(2 * grow_small, grow_small + 32),
                rows_per_s=round(n / large[0]),
                seconds=round(large[0], 2),
                megabytes=round(large[1] / 2**20, 1),
                process_peak_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            ),
            row(
                "export",
                f"{n:,} enterprises ({label}) to .xlsx, {db}",
                "rows/s",
                round(n / large[0]),
                "rows/s",
                reference=f"{small_n:,} rows at {small_n / small[0]:,.0f} rows/s",
                ratio=round((n / large[0]) / (small_n / small[0]), 2),
                seconds=round(large[0], 2),
            ),
        ]
    return {"rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description="Django benchmark cases")
    parser.add_argument(
        "cases",
        help="comma-separated: import, lists, export (export runs alone); prepare: only migrate and init",
    )
    parser.add_argument("--import-size", type=int, default=10_000)
    parser.add_argument("--lists-size", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--list-repeat", type=int, default=10)
    args = parser.parse_args()
    fresh = setup()
    if args.cases == "prepare":
        print(json.dumps({"fresh": fresh}))
        return
    out: dict = {"rows": [], "notes": []}
    for case in args.cases.split(","):
        if case == "import":
            part = case_import(args.import_size, args.repeat)
        elif case == "lists":
            part = case_lists(args.lists_size, args.list_repeat)
        elif case == "export":
            part = case_export(args.lists_size)
        else:
            raise SystemExit(f"unknown case {case!r}")
        out["rows"] += part["rows"]
        out["notes"] += part.get("notes", [])
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
