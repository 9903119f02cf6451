"""Run every benchmark case and write bench/results/latest.{md,json}.

    .venv/bin/python -m bench            # full size (1M rows; about a quarter of an hour here)
    .venv/bin/python -m bench --quick    # CI size, under two minutes
    .venv/bin/python -m bench --only lists,import --pg postgres://postgres@127.0.0.1:5432/kc_bench

Each case is timed beside its reference in the same run (the reference is named in the table),
so the ratio holds even when the machine is noisy. The pure-engine benchmarks (rules, dispatch,
assignment) are the existing scripts, run as they are and their tables parsed; the Django cases
(import, list pages, export) run one per process in bench/djcases.py against a benchmark
database: SQLite under var/bench/, and PostgreSQL when --pg names a database (or
KECHUANG_BENCH_PG does). Nothing here is a test: no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import merge

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PY = sys.executable

SIZES = {
    # case: (quick, full)
    "import": (5_000, 100_000),
    "lists": (20_000, 1_000_000),  # also the export: one unit's rows, then the whole table
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict | None = None, timeout: int = 3600) -> str:
    started, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout
    )
    took, cpu = time.perf_counter() - started, _children_cpu() - cpu
    shown = " ".join(a if len(a) < 60 else a[:57] + "..." for a in args[1:])
    print(f"  {shown}: {took:.0f} s (CPU {cpu:.0f} s)", flush=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def _row(case, variant, metric, value, unit, **extra):
    return {"case": case, "variant": variant, "metric": metric, "value": value, "unit": unit, **extra}


# --- the existing scripts, parsed ------------------------------------------------------------


def case_rules(quick: bool) -> list[dict]:
    sizes = ["--n", "20000", "--sample", "5000"] if quick else ["--n", "1000000"]
    out = _run([PY, "bench/rules_bench.py", *sizes, "--repeat", "3"])
    n = int(re.search(r"\n([\d,]+) enterprises, median", out).group(1).replace(",", ""))
    table = dict(
        (m.group(1), float(m.group(2).replace(",", "")) / 1000)
        for m in re.finditer(r"^\| (.+?) \| ([\d,.]+) ms \|", out, re.M)
    )
    frame = table["frame (typed columns)"]
    polars = table["plain polars (no missing-data handling)"]
    per_record = next(v for k, v in table.items() if k.startswith("per record"))
    batch = table["USCC validate_batch (numpy)"]
    per_code = next(v for k, v in table.items() if k.startswith("USCC validate per code"))
    return [
        _row(
            "tech-SME + HTE evaluation",
            f"{n:,} enterprises, batch (rules.*.evaluate_frame)",
            "median",
            round(frame * 1000),
            "ms",
            reference=f"hand-written polars pass {polars * 1000:,.0f} ms",
            ratio=round(frame / polars, 2),
            goal="≤ 2× the polars pass",
            met=frame <= 2 * polars,
        ),
        _row(
            "tech-SME + HTE evaluation",
            f"{n:,} enterprises, per-record path (extrapolated from a sample)",
            "median",
            round(per_record * 1000),
            "ms",
            reference=f"batch {frame * 1000:,.0f} ms",
            ratio=round(per_record / frame, 1),
            goal="batch ≥ 50× faster",
            met=per_record / frame >= 50,
        ),
        _row(
            "USCC validation",
            f"{n:,} codes, vectorised (validate_batch)",
            "median",
            round(batch * 1000),
            "ms",
            reference=f"per code {per_code * 1000:,.0f} ms",
            ratio=round(per_code / batch, 1),
            goal="< 0.5 s for 1M codes",
            met=batch * 1_000_000 / n < 0.5,
        ),
    ]


def case_dispatch(quick: bool) -> list[dict]:
    units = 100 if quick else 3000
    out = _run([PY, "bench/dispatch_bench.py", "--units", str(units), "--repeat", "3"])
    medians = {}
    section = "national"
    for line in out.splitlines():
        if line.startswith("backtest"):
            section = "backtest"
        elif line.startswith("city:"):
            section = "city"
        m = re.match(r"\s*(.+?)\s+median\s+([\d.]+) ms", line)
        if m:
            medians[(section, m.group(1).strip())] = float(m.group(2)) / 1000
    polars, sql = medians[("national", "polars (vectorised)")], medians[("national", "SQLite window SQL")]
    rows = [
        _row(
            "dispatch figures",
            f"{units:,} units × 40 indicators × 24 months, polars",
            "median",
            round(polars * 1000),
            "ms",
            reference=f"SQLite window SQL {sql * 1000:,.0f} ms",
            ratio=round(polars / sql, 3),
            goal="faster than plain SQL window functions",
            met=polars < sql,
        )
    ]
    if ("city", "polars (vectorised)") in medians:
        city, city_sql = medians[("city", "polars (vectorised)")], medians[("city", "SQLite window SQL")]
        rows.append(
            _row(
                "dispatch figures",
                "city: 12 districts + city × 40 indicators × 24 months, polars",
                "median",
                round(city * 1000, 1),
                "ms",
                reference=f"SQLite window SQL {city_sql * 1000:,.1f} ms",
                ratio=round(city / city_sql, 3),
                goal="city < 100 ms",
                met=city < 0.1,
            )
        )
    return rows


def case_assignment(quick: bool) -> list[dict]:
    out = _run([PY, "bench/assignment_bench.py", "--repeat", "1" if quick else "3", "--small", "200"])
    rows, label = [], ""
    for line in out.splitlines():
        head = re.match(r"^(full size|small): (.+)$", line.strip())
        if head:
            label = f"{head.group(1)}: {head.group(2)}"
        m = re.match(r"\s*(.+?)\s+total [\d.]+ .*ratio to ours\s+([\d.]+)× wall", line)
        if m:
            rows.append(
                _row(
                    "expert assignment",
                    f"{label}, ours (exact)",
                    "ratio",
                    None,
                    "",
                    reference=m.group(1).strip(),
                    ratio=round(1 / float(m.group(2)), 3),
                    goal="exact optimum, faster than the whole LP",
                    met=float(m.group(2)) > 1,
                )
            )
        m = re.match(r"\s*ours \(auto\)\s+median\s+([\d.]+) s wall", line)
        if m:
            rows.append(_row("expert assignment", f"{label}, ours (exact)", "median", float(m.group(1)), "s"))
    return rows


# --- the Django cases -----------------------------------------------------------------------


def _django_env(db_url: str) -> dict:
    return {"KECHUANG_DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}


def _django(cases: str, db_url: str, **sizes) -> dict:
    """The cases' rows; a case that fails becomes a note, and the other cases still run."""
    options = [f"--{k.replace('_', '-')}={v}" for k, v in sizes.items()]
    try:
        out = _run([PY, "-m", "bench.djcases", cases, *options], env=_django_env(db_url))
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        last = str(exc).strip().splitlines()[-1]
        note = f"{cases} on {db_url.split('://')[0]} failed: {last}"
        return {"rows": [], "notes": [note], "failed": [note]}
    return json.loads(out.strip().splitlines()[-1])


def _pg_reachable(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3).close()
        return True
    except Exception:  # any failure means: no PostgreSQL for this run
        return False


def _prepare(databases: list[tuple[str, str]], city: bool) -> list[str]:
    """Migrate and initialise each database and, with `city`, build its city data set
    (bench/pagecases.py), one thread per database: set-up is not measured, so SQLite's and
    PostgreSQL's run side by side (half a quick run's time on a clean checkout). A city database
    still to build starts as a copy of the runner's database when that one was only now
    initialised: one migration run instead of two. The failures, as notes."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.pagecases import city_url

    def step(module: str, arg: str, target: str) -> str:
        """One set-up process's output; RuntimeError with its last line of errors if it fails."""
        proc = subprocess.run(
            [PY, "-m", module, arg],
            cwd=ROOT,
            env={**os.environ, **_django_env(target)},
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise RuntimeError((proc.stderr.strip().splitlines() or ["?"])[-1])
        return proc.stdout

    def one(url: str) -> str | None:
        db = url.split("://")[0]
        started = time.perf_counter()
        try:
            out = step("bench.djcases", "prepare", url)
            if city:
                city_db = city_url(url, template=json.loads(out.strip().splitlines()[-1])["fresh"])
                if city_db is None:
                    return f"{db}: no city database could be created"
                step("bench.pagecases", "--build-only", city_db)
        except Exception as exc:  # a note like any other failure; the other database goes on
            return f"set-up of {db} failed: {exc}"
        print(f"  set-up of {db}: {time.perf_counter() - started:.0f} s", flush=True)
        return None

    with ThreadPoolExecutor(max_workers=len(databases)) as pool:
        return [note for note in pool.map(one, [url for _label, url in databases]) if note]


# --- report ---------------------------------------------------------------------------------


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "**no**"
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def write_report(rows: list[dict], meta: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2, default=str))
    lines = [
        f"# kechuang benchmark — {meta['mode']} ({meta['started']})",
        "",
        f"{meta['machine']}; load average at the end {meta['load_average']}; total {meta['seconds']:.0f} s. Ratio = this case ÷ its reference, measured "
        "in the same run (for rates, ours ÷ reference: above 1 is faster; for times, below 1 is faster).",
        "",
        "| case | what | metric | value | reference (same run) | ratio | goal | met |",
        "|---|---|---|---:|---|---:|---|---|",
    ]
    for r in rows:
        value = f"{_fmt(r['value'])} {r['unit']}".strip()
        lines.append(
            f"| {r['case']} | {r['variant']} | {r['metric']} | {value} | {_fmt(r.get('reference'))} | "
            f"{_fmt(r.get('ratio'))} | {_fmt(r.get('goal'))} | {_fmt(r.get('met'))} |"
        )
    if meta.get("notes"):
        lines += ["", *(f"- {n}" for n in meta["notes"])]
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="kechuang benchmark suite")
    parser.add_argument("--quick", action="store_true", help="CI sizes (under two minutes)")
    parser.add_argument(
        "--only", default="", help="comma-separated: rules,dispatch,assignment,import,lists,export,pages,http"
    )
    parser.add_argument("--pg", default=os.environ.get("KECHUANG_BENCH_PG", ""), help="PostgreSQL URL")
    parser.add_argument("--sqlite", default="", help="SQLite file (default var/bench/bench-<mode>.sqlite3)")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    only = {c for c in args.only.split(",") if c}
    # The case processes share compiled bytecode under var/bench/: with PYTHONDONTWRITEBYTECODE
    # set (as in this environment) each of them compiled the project and Django again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(ROOT / "var" / "bench" / "pycache"))

    def want(case: str) -> bool:
        return not only or case in only

    sqlite = args.sqlite or str(ROOT / "var" / "bench" / f"bench-{mode}.sqlite3")
    Path(sqlite).parent.mkdir(parents=True, exist_ok=True)
    databases = [("SQLite", f"sqlite:///{sqlite}")]
    notes: list[str] = []
    failed: list[str] = []
    if args.pg:
        if _pg_reachable(args.pg):
            databases.append(("PostgreSQL", args.pg))
        else:
            note = f"PostgreSQL at {args.pg} not reachable: its cases were skipped"
            notes.append(note)
            failed.append(note)  # asked for and not run: the command fails (CI passes --pg)
    size = {k: v[0] if args.quick else v[1] for k, v in SIZES.items()}
    repeat = 3 if args.quick else 3
    list_repeat = 10 if args.quick else 40

    started = time.perf_counter()
    began = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")  # meta() runs after every case
    rows: list[dict] = []
    print(f"kechuang bench, {mode}", flush=True)

    def meta() -> dict:
        return {
            "mode": mode,
            "started": began,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "seconds": time.perf_counter() - started,
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "sizes": size,
            "notes": notes,
        }

    # The report is rewritten after every case, so a run cut short keeps what it measured.
    if want("rules"):
        rows += case_rules(args.quick)
        write_report(rows, meta())
    if want("dispatch"):
        rows += case_dispatch(args.quick)
        write_report(rows, meta())
    if want("assignment") and not args.quick:
        rows += case_assignment(args.quick)
        write_report(rows, meta())
    run = {"rows": rows, "notes": notes, "failed": failed}  # the same lists, filled by merge()
    if want("pages") or want("http") or want("import") or want("lists"):
        problems = _prepare(databases, city=want("pages") or want("http"))
        merge(run, {"notes": problems, "failed": problems})
    django_cases = ",".join(c for c in ("import", "lists") if want(c))
    for _label, url in databases:
        if django_cases:
            out = _django(
                django_cases,
                url,
                import_size=size["import"],
                lists_size=size["lists"],
                repeat=repeat,
                list_repeat=list_repeat,
            )
            merge(run, out)
            write_report(rows, meta())
    if want("export"):
        out = _django("export", databases[0][1], lists_size=size["lists"])
        merge(run, out)
    if want("pages") or want("http"):  # dashboard and report pages; gunicorn (PostgreSQL only)
        from bench.pagecases import runner_rows

        out = runner_rows(databases, args.quick, want)
        merge(run, out)
    write_report(rows, meta())
    print((RESULTS / "latest.md").read_text())
    if failed:
        # The other cases ran and are in the report; the command still fails (CI runs it).
        sys.exit("bench: " + "; ".join(failed))


if __name__ == "__main__":
    main()
