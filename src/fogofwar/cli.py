"""The command line: parse arguments, build Settings, delegate, print.

Results go to stdout or -o FILE; progress, warnings and errors to stderr.
The exit code is 0 when the batch ran (error rows are data) and nonzero only
when it could not run at all.
"""
from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import threading
from pathlib import Path

import click

from .errors import InputError, WorkerError
from .settings import Settings

__all__ = ["main", "cli"]

log = logging.getLogger("fogofwar")


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="fogofwar: %(levelname)s: %(message)s", stream=sys.stderr)
    # dask sets its own loggers to INFO; they speak only when asked to (-vv) or on trouble.
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else max(level, logging.ERROR))
    # trafilatura logs "empty HTML tree" at ERROR for pages our fallback then reads; a row states every real failure.
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else logging.CRITICAL)


def _first_error(exc: BaseException) -> str:
    """The first line of the error that started a chain ("No space left on device", not the failed rollback after it)."""
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextlib.contextmanager
def _store_errors(db: str):
    """A store that fails (a full disk, damaged blocks) is a one-line message and exit code 1, not a traceback."""
    import duckdb

    try:
        yield
    except (duckdb.Error, OSError) as exc:
        raise click.ClickException(f"store {db}: {_first_error(exc)}") from exc


def _usable_inputs(inputs, stdin: bool = True) -> list[str]:
    """The inputs that exist; each missing one is named on stderr, and none at all exits with 2."""
    usable = [i for i in inputs if (stdin and i == "-") or Path(i).exists()]
    for missing in sorted(set(inputs) - set(usable)):
        click.echo(f"fogofwar: no such file or folder: {missing}", err=True)
    if not usable:
        raise SystemExit(2)
    return usable


def plural(n: int, word: str, words: str | None = None) -> str:
    """A count with its noun: "1 document", "2 documents", "1 match" with words="matches"."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def _with_errors(n: int) -> str:
    return f"{n} with {'an error' if n == 1 else 'errors'}"


def _show_progress(quiet: bool) -> bool:
    """Progress bars only on a terminal, and not with -q."""
    return sys.stderr.isatty() and not quiet


def _count_documents(inputs) -> int | None:
    """The documents in the inputs, counted cheaply (lines, files, feed entries); None if unknown (stdin, gzip)."""
    import os
    import re

    from .ingest import FEED_SUFFIXES, JSONL_SUFFIXES, KNOWN_SUFFIXES

    def in_file(path: Path) -> int | None:
        suffix = path.suffix.lower()
        if suffix == ".gz":
            return 1 if Path(path.stem).suffix.lower() not in JSONL_SUFFIXES else None
        try:
            if suffix in JSONL_SUFFIXES:
                with open(path, "rb") as f:
                    return sum(1 for line in f if line.strip())
            if suffix in FEED_SUFFIXES:
                return max(1, len(re.findall(rb"<(?:item|entry)[\s>]", path.read_bytes())))
        except OSError:
            return 1  # the reader makes it one unreadable row
        return 1

    total = 0
    for name in inputs:
        if name == "-":
            return None
        path = Path(name)
        if path.is_dir():
            files = [Path(top) / n for top, _dirs, names in os.walk(path) for n in names
                     if Path(n).suffix.lower() in KNOWN_SUFFIXES]
        else:
            files = [path]
        for f in files:
            n = in_file(f)
            if n is None:
                return None
            total += n
    return total


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fogofwar")
def cli() -> None:
    """fogofwar: war and conflict news in, sourced and geocoded events and claims out."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write JSON Lines here instead of standard output.")
@click.option("--predicates", is_flag=True, help="Also write predicates[]: every verbal predicate with its factuality.")
@click.option("--max-chars", type=click.IntRange(min=1), default=Settings.max_chars, show_default=True,
              help="Documents with more characters get a too_large error row.")
@click.option("--actors", "actors_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A JSON file of extra actors (same shape as fogofwar/data/actors.json).")
@click.option("--batch-size", type=click.IntRange(min=1), default=Settings.batch_size, show_default=True,
              help="Documents per spaCy batch.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Where to cache the gazetteer index (default ~/.cache/fogofwar).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes, each loading the models once (default: all cores).")
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
def extract(inputs, output, predicates, max_chars, actors_file, batch_size, cache_dir, workers, verbose, quiet):
    """Read documents and write one JSON result row per document.

    INPUTS are .txt, .html/.htm, .xml/.rss/.atom feeds, .jsonl files, folders
    of these, or - for JSON Lines on standard input.
    """
    _setup_logging(verbose, quiet)
    from .ingest import read_inputs
    from .parallel import default_workers, extract_json_lines

    usable = _usable_inputs(inputs)
    settings = Settings(max_chars=max_chars, predicates=predicates, batch_size=batch_size,
                        actors_file=Path(actors_file) if actors_file else None, workers=workers or default_workers(),
                        **({"cache_dir": Path(cache_dir)} if cache_dir else {}))
    counts = {"documents": 0, "errors": 0}
    show_progress = _show_progress(quiet)
    total = _count_documents(usable) if show_progress else None
    from tqdm import tqdm

    # Every input error is a row, so an OSError here is the output's own (a full disk, a closed pipe).
    try:
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
        with (open(output, "w", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout)) as out, \
                tqdm(desc="extract", unit="doc", total=total, disable=not show_progress, file=sys.stderr) as bar:
            for line in extract_json_lines(read_inputs(usable, settings), settings, settings.workers):
                out.write(line + "\n")
                counts["documents"] += 1
                if '"error":null' not in line:
                    counts["errors"] += 1
                    log.info("error row: %s", line[:200])
                bar.update()
            out.flush()
    except (InputError, WorkerError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {output or 'standard output'}: {exc.strerror or exc}") from exc
    if not quiet:
        click.echo(f"fogofwar: {plural(counts['documents'], 'document')}, {_with_errors(counts['errors'])}", err=True)


@cli.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--claims/--no-claims", default=True, help="List each document's claims too.")
def summarize(results, claims):
    """Print a readable summary of an extract output file (- reads standard input)."""
    from .models import Result

    with click.open_file(results, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = Result.model_validate_json(line)
            click.echo(f"\n== {row.id}: {row.title or '(no title)'} [{row.published or 'undated'}]")
            if row.error:
                click.echo(f"   error {row.error.code}: {row.error.message}")
                continue
            click.echo("   " + ", ".join(plural(len(items), word) for items, word in [
                (row.places, "place"), (row.times, "time"), (row.actors, "actor"), (row.events, "event"),
                (row.claims, "claim")]))
            for e in row.events:
                actor = ", ".join(a.code or a.text for a in e.actor) or "?"
                place = row.places[e.location.place].name if e.location.place is not None else "?"
                click.echo(f"   {e.id} {e.plover.type:<9} {e.trigger.text!r:<18} by {actor:<8} at {place:<14} "
                           f"on {e.date.value or '?':<10} {e.status} ({e.factuality:+.1f})"
                           + (" [background]" if e.background else ""))
                details = []
                if len(e.mentions) > 1:
                    details.append(f"{len(e.mentions)} mentions: " + ", ".join(repr(m.trigger.text) for m in e.mentions))
                details += [f"{kind} {_figure(c)}" for kind, c in e.casualties.items()]
                if e.means:
                    details.append("by " + ", ".join(e.means))
                if details:
                    click.echo("      " + "; ".join(details))
            if claims:
                for c in row.claims:
                    who = c.source.text if c.source else "(unnamed)"
                    click.echo(f"   {c.id} {who[:40]!r} {c.cue.lemma} [{c.stance}]: {c.content.text[:70]!r}")


def _figure(c) -> str:
    """A casualty figure as a reader says it: "at least 11", "10-15", "'dozens'"."""
    if c.min is None and c.max is None:
        return repr(c.text)
    if c.max is None:
        return f"at least {c.min}"
    if c.min is None:
        return f"up to {c.max}"
    return str(c.min) if c.min == c.max else f"{c.min}-{c.max}"


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the Parquet shards (part-NNNNN.parquet) and the spooled inputs.")
@click.option("--scheduler", default="local", show_default=True,
              help="'local' starts a LocalCluster; otherwise the address of a running dask scheduler (tcp://host:8786).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes of the LocalCluster (default: all cores); ignored with a scheduler address.")
@click.option("--partitions", type=click.IntRange(min=1), default=None,
              help="Split the input into this many partitions (default: 200 documents each).")
@click.option("--max-chars", type=click.IntRange(min=1), default=Settings.max_chars, show_default=True,
              help="Documents with more characters get a too_large error row.")
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
def batch(inputs, out_dir, scheduler, workers, partitions, max_chars, verbose, quiet):
    """Run the pipeline on a dask.distributed cluster, writing Parquet shards; rerun to resume."""
    _setup_logging(verbose, quiet)
    from tqdm import tqdm

    from .batch import run_batch
    from .parallel import default_workers

    usable = _usable_inputs(inputs, stdin=False)
    settings = Settings(max_chars=max_chars)
    with tqdm(desc="batch", unit="doc", disable=not _show_progress(quiet), file=sys.stderr) as bar:
        report = run_batch(usable, out_dir, settings, scheduler=scheduler, workers=workers or default_workers(),
                           partitions=partitions, progress=bar.update)
    if not quiet:
        click.echo(f"fogofwar: {plural(report.partitions, 'partition')}, {report.skipped} already done, "
                   f"{report.processed} processed ({plural(report.documents, 'document')}) in {out_dir}", err=True)


def db_option(fn):
    """The shared --db option (also read from FOGOFWAR_STORE)."""
    return click.option("--db", "db", envvar="FOGOFWAR_STORE", default="fogofwar.duckdb", show_default=True,
                        type=click.Path(dir_okay=False), help="The DuckDB store file (env FOGOFWAR_STORE).")(fn)


def _open_store(db: str, read_only: bool):
    """Open a store, waiting while a writer holds it (a served store is written a batch at a time)."""
    from .live import open_waiting

    try:
        return open_waiting(db, read_only=read_only)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    except Exception as exc:  # duckdb raises IOException when another process holds the file
        raise click.ClickException(f"cannot open store {db}: {exc}") from exc


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option("--max-chars", type=click.IntRange(min=1), default=Settings.max_chars, show_default=True,
              help="Documents with more characters get a too_large error row.")
@click.option("--commit-every", type=click.IntRange(min=1), default=64, show_default=True,
              help="Documents per committed batch; an interrupted ingest loses at most one batch.")
@click.option("--no-embeddings", is_flag=True, help="Merge incidents without sentence embeddings (faster, cruder).")
@click.option("--rebuild-incidents", is_flag=True,
              help="Merge incidents again even when no document changed (e.g. after an interrupted merge).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Extract processes, each loading the models once (default: all cores).")
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
def ingest(inputs, db, max_chars, commit_every, no_embeddings, rebuild_incidents, workers, verbose, quiet):
    """Extract documents into the store and merge them into incidents.

    A document already stored with the same content is skipped; a changed one
    replaces its rows. Rerunning after an interruption finishes the job.
    """
    _setup_logging(verbose, quiet)
    from .ingest import read_inputs
    from .live import ingest_items
    from .parallel import default_workers

    usable = _usable_inputs(inputs)
    settings = Settings(max_chars=max_chars, workers=workers or default_workers())
    from tqdm import tqdm

    from .live import open_for_writing

    show_progress = _show_progress(quiet)
    total = _count_documents(usable) if show_progress else None
    with _store_errors(db), tqdm(desc="ingest", unit="doc", total=total, disable=not show_progress,
                                 file=sys.stderr) as bar:
        try:
            target = open_for_writing(db)  # through the server when one serves the store
        except Exception as exc:
            raise click.ClickException(f"cannot open store {db}: {exc}") from exc
        try:
            report = ingest_items(target, read_inputs(usable, settings), settings, batch_size=commit_every,
                                  progress=bar.update, use_embeddings=not no_embeddings, rebuild=rebuild_incidents,
                                  on_merge=_MergeProgress(bar) if show_progress else None)
        except (InputError, WorkerError) as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            target.close()
    if not quiet:
        click.echo(f"fogofwar: {plural(report.read, 'document')} read, {report.written} written, "
                   f"{report.skipped} unchanged, {_with_errors(report.errors)}; "
                   f"{plural(report.incidents, 'incident')} in {db}", err=True)


class _MergeProgress:
    """The on_merge callback of ingest: end the ingest bar, then a "merge" line whose clock runs until the merge ends."""

    def __init__(self, ingest_bar):
        self.ingest_bar = ingest_bar
        self.bar = None
        self.stop = threading.Event()

    def __call__(self, stage: str) -> None:
        import time

        from tqdm import tqdm

        if stage == "start":
            self.ingest_bar.close()
            self.started = time.monotonic()
            # A merge has no count to show, so the line is a clock; a thread redraws it while the merge runs.
            self.bar = tqdm(desc="merge", total=1, file=sys.stderr, bar_format="{desc}: merging incidents… {elapsed}")
            self.ticker = threading.Thread(target=self._tick, name="merge-progress", daemon=True)
            self.ticker.start()
        elif stage == "done" and self.bar is not None:
            self.stop.set()
            self.ticker.join()
            self.bar.bar_format = "{desc}: merged incidents in " + f"{time.monotonic() - self.started:.1f} s"
            self.bar.update(1)
            self.bar.close()

    def _tick(self) -> None:
        while not self.stop.wait(0.5):
            self.bar.refresh()


def _check_date_option(ctx, param, value):
    """The API's date rules for --since and --until: a bad date is a usage error naming the accepted forms."""
    from .dates import check_date

    try:
        check_date(value)
    except ValueError as exc:
        raise click.BadParameter(f"{exc}; e.g. {param.opts[0]} 2022-05-10") from None
    return value


def incident_filter_options(min_sources: int):
    """The incident filters of `incidents` and `export`, those of the API's /api/incidents and /api/export."""
    options = [
        click.option("--since", callback=_check_date_option, metavar="DATE",
                     help="Only incidents on or after this date: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--until", callback=_check_date_option, metavar="DATE",
                     help="Only incidents on or before this date: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--bbox", metavar="W,S,E,N", help="Only incidents inside this box, in degrees (22,44,41,53)."),
        click.option("--near", metavar="LAT,LON,KM", help="Only incidents within KM kilometres of a point."),
        click.option("--type", "plover_type", help="Only this PLOVER type (ASSAULT, RETREAT, ...)."),
        click.option("--types", multiple=True, metavar="T,T",
                     help="Only these PLOVER types, comma-separated or repeated (ASSAULT,COERCE)."),
        click.option("--actor", help="Only incidents with this actor code among actors or recipients (RUS, UKRMIL, ...)."),
        click.option("--status", help="Only incidents with this epistemic status (asserted, disputed, ...)."),
        click.option("--min-sources", type=click.IntRange(min=0), default=min_sources, show_default=True,
                     help="Only incidents with at least this many independent sources."),
    ]

    def decorate(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn
    return decorate


def _incident_filters(since, until, bbox, near, plover_type, types, actor, status, min_sources) -> dict:
    """The options as Store.incidents' filters, checked by the rules the API applies (filters.py)."""
    from .filters import FilterError, incident_filters

    try:
        return incident_filters(since=since, until=until, bbox=bbox, near=near, plover_type=plover_type,
                                types=list(types) if types else None, actor=actor, status=status,
                                min_sources=min_sources)
    except FilterError as exc:
        if exc.param is None:
            raise click.UsageError(f"--since {since} is after --until {until}") from exc
        raise click.BadParameter(exc.message, param_hint=f"'--{exc.param}'") from exc


@cli.command()
@db_option
@incident_filter_options(min_sources=1)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many incidents.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
def incidents(db, since, until, bbox, near, plover_type, types, actor, status, min_sources, limit, as_json):
    """List incidents, most independent sources first."""
    filters = _incident_filters(since, until, bbox, near, plover_type, types, actor, status, min_sources)
    with _store_errors(db), _open_store(db, read_only=True) as store:
        rows = store.incidents(**filters, limit=limit)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, default=str, ensure_ascii=False))
        return
    if not rows:
        click.echo("fogofwar: no incidents match", err=True)
        return
    header = ("id", "type", "date", "place", "sources", "docs", "status", "summary")
    table = [(str(row["incident_id"]), row["plover_type"] or "?", row["event_date"] or "?",
              (row["location_name"] or row["country"] or "?")[:24], str(row["independent_sources"]),
              str(row["n_documents"]), row["status"] or "?", (row["summary"] or "")[:70]) for row in rows]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header) - 1)]
    numeric = {header.index("sources"), header.index("docs")}
    for row in [header, *table]:
        cells = [v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))]
        click.echo("  ".join(cells) + "  " + row[-1])


@cli.command()
@click.argument("sql")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="How to print the rows.")
@click.option("--allow-files", is_flag=True,
              help="Let the SQL read and write files and extensions (COPY ... TO, read_csv, glob, ATTACH, INSTALL).")
def query(sql, db, fmt, allow_files):
    """Run read-only SQL against the store's tables."""
    import csv as csv_module

    import duckdb

    with _store_errors(db), _open_store(db, read_only=True) as store:
        if not allow_files:
            _forbid_files(store.con)
        try:
            names, rows = store.query(sql)
        except duckdb.PermissionException as exc:
            raise click.ClickException(f"{_first_error(exc)}; a query reads only the store's tables "
                                       "unless you pass --allow-files") from exc
        except Exception as exc:  # duckdb's errors name the problem; show it without a traceback
            raise click.ClickException(_first_error(exc)) from exc
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(dict(zip(names, row)), default=str, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv_module.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
    else:
        click.echo("\t".join(names))
        for row in rows:
            click.echo("\t".join("" if v is None else str(v) for v in row))


def _forbid_files(con) -> None:
    """Keep a connection's SQL inside the database: no files, no extensions, and no SET to undo that."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


@cli.command("export")
@db_option
@click.option("--format", "fmt", required=True, type=click.Choice(["jsonl", "acled-csv", "gdelt-tsv", "geojson", "parquet"]),
              help="The output format.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@incident_filter_options(min_sources=0)
def export_command(db, fmt, output, since, until, bbox, near, plover_type, types, actor, status, min_sources):
    """Write the incidents matching the filters (every one without) as JSONL, ACLED-style CSV, GDELT-style TSV,
    GeoJSON or Parquet."""
    from .exports import export

    filters = _incident_filters(since, until, bbox, near, plover_type, types, actor, status, min_sources)
    with _store_errors(db), _open_store(db, read_only=True) as store:
        n = export(store, fmt, output, **filters)
    click.echo(f"fogofwar: {plural(n, 'record')} written to {output}", err=True)


class _Interval(click.ParamType):
    """An interval: 30s, 15m, 1h, or a number of seconds."""

    name = "interval"

    def convert(self, value, param, ctx):
        from .watch import parse_interval

        if isinstance(value, (int, float)):
            return float(value)
        try:
            return parse_interval(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _usable_sources(sources) -> list[str]:
    """The sources that are http(s) URLs or existing paths; each other one is named, and none at all exits with 2."""
    from .watch import is_http_url

    usable = [s for s in sources if is_http_url(s) or Path(s).exists()]
    for missing in sorted(set(sources) - set(usable)):
        click.echo(f"fogofwar: not an http(s) URL and no such file or folder: {missing}", err=True)
    if not usable:
        raise SystemExit(2)
    return usable


@contextlib.contextmanager
def _stop_on_signals(stop):
    """SIGINT (Ctrl-C) and SIGTERM set `stop`; a second Ctrl-C interrupts at once."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum, frame):
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.warning("stopping after the document in hand (%s)", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def fetch_options(fn):
    """The options of polling and fetching, shared by `watch` and `serve --watch`."""
    options = [
        click.option("--every", type=_Interval(), default="15m", show_default=True,
                     help="Time between the starts of two polls: 30s, 15m, 1h or seconds."),
        click.option("--rate-limit", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Minimum seconds between two requests to one host."),
        click.option("--timeout", type=click.FloatRange(min=0.01), default=20.0, show_default=True,
                     help="Seconds to wait for a connection, and for each piece of a response."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=5_000_000, show_default=True,
                     help="A feed or page over this many bytes is refused (too_large) while it downloads."),
        click.option("--retries", type=click.IntRange(min=1), default=3, show_default=True,
                     help="Attempts per request when it fails transiently (connect error, timeout, 429, 5xx)."),
        click.option("--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Seconds before the second attempt, doubled before each later one."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@fetch_options
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option("--max-chars", type=click.IntRange(min=1), default=Settings.max_chars, show_default=True,
              help="Documents with more characters get a too_large error row.")
@click.option("--commit-every", type=click.IntRange(min=1), default=64, show_default=True,
              help="Documents per committed batch.")
@click.option("--no-embeddings", is_flag=True, help="Merge incidents without sentence embeddings (faster, cruder).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extract processes, each loading the models once.")
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr, not the line per poll.")
def watch(sources, db, every, once, rate_limit, timeout, max_bytes, retries, backoff, max_chars, commit_every,
          no_embeddings, workers, verbose, quiet):
    """Poll RSS/Atom feeds and ingest each new article into the store.

    SOURCES are feed URLs, files listing feed URLs (one a line, # comments),
    local feed files or folders of them. Ctrl-C or SIGTERM stops after the
    document in hand; what was fetched is stored.
    """

    _setup_logging(verbose, quiet)
    if not quiet:
        logging.getLogger("fogofwar.watch").setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    from .watch import WatchOptions, Watcher

    from .live import running_server

    usable = _usable_sources(sources)
    served = running_server(db)
    if served is not None:
        raise click.ClickException(f"{db} is served at {served['url']} (process {served['pid']}), which is its one "
                                   f"writer: run the watcher in it, `fogofwar serve --db {db} --watch SOURCE...`")
    settings = Settings(max_chars=max_chars, workers=workers)
    options = WatchOptions(rate_limit=rate_limit, timeout=timeout, max_bytes=max_bytes, attempts=retries,
                           backoff=backoff, commit_every=commit_every, use_embeddings=not no_embeddings)
    stop = threading.Event()
    with _stop_on_signals(stop), _store_errors(db), _open_store(db, read_only=False) as store, \
            Watcher(store, usable, settings, options) as watcher:
        try:
            if once:
                watcher.poll_once(stop)
            else:
                watcher.run(every, stop)
        except WorkerError as exc:
            raise click.ClickException(str(exc)) from exc


@cli.command("feeds")
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
def feeds_command(db, as_json):
    """List the watched feeds: last poll, last success, errors, entries."""
    from .feeds import list_feeds

    with _store_errors(db), _open_store(db, read_only=True) as store:
        states = list_feeds(store.con)
    if as_json:
        for state in states:
            click.echo(json.dumps(state.as_dict(), ensure_ascii=False))
        return
    header = ("url", "last poll", "last success", "errors", "entries", "last error")
    rows = [(s.url, *(s.as_dict()[k] or "-" for k in ("last_poll", "last_success")), str(s.consecutive_errors),
             str(s.entries_seen), (s.last_error or "-")[:100]) for s in states]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)) + "  " + row[-1])


def _check_port_free(host: str, port: int) -> None:
    """Bind host:port once and let it go, so that a port in use is one message before anything claims to serve."""
    import errno
    import socket

    if port == 0:
        return  # the system picks a free port
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror or exc}") from exc
    with socket.socket(family, kind, proto) as probe:
        # as uvicorn does, so that a port whose last connections are closing counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(f"port {port} on {host} is in use; choose another with --port") from exc
            raise click.ClickException(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from exc


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--get", "get_path", metavar="PATH",
              help="Run one GET request in-process (e.g. '/api/incidents?type=ASSAULT'), print the response body "
                   "and exit: 0 on success, 1 on an error status.")
@click.option("--query-seconds", type=click.FloatRange(min=0.1, max=600), default=10.0, show_default=True,
              help="Stop any store query that runs longer than this.")
@click.option("--watch", "watch_sources", multiple=True, metavar="SOURCE",
              help="Also poll these feeds (as `fogofwar watch` does) and ingest into the served store; repeatable.")
@fetch_options
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extract processes of the watcher.")
@click.option("--page-poll", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds between the page's checks for new data.")
def serve(db, host, port, get_path, query_seconds, watch_sources, every, rate_limit, timeout, max_bytes, retries,
          backoff, workers, page_poll):
    """Serve the map, timeline and evidence page and its JSON API over the store, read-only.

    The page is at /, the API under /api, its OpenAPI schema at /openapi.json
    and interactive docs at /docs.
    """
    from .api import LOOPBACK_HOSTS, create_app

    if get_path is not None:
        from starlette.testclient import TestClient

        if not get_path.startswith("/"):
            raise click.BadParameter("give a path starting with /, e.g. /api/incidents", param_hint="--get")
        with _open_store(db, read_only=True) as store, \
                TestClient(create_app(store, query_seconds=query_seconds)) as client:
            response = client.get(get_path)
        click.echo(response.text)
        if response.status_code >= 400:
            click.echo(f"fogofwar: {get_path}: HTTP {response.status_code}", err=True)
            raise SystemExit(1)
        return
    import uvicorn

    from .live import server_file, write_server_file

    if not Path(db).exists():
        raise click.UsageError(f"no store at {db}; run `fogofwar ingest` first")
    _check_port_free(host, port)  # before anything claims to serve or the server file is written
    loopback = _is_loopback(host)
    if not loopback:
        click.echo(f"fogofwar: listening on {host}: anyone who can reach this address can read the store", err=True)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    # Writers on this machine reach the server on loopback, whatever address it listens on.
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '[::]') else shown}:{port}"
    token = write_server_file(db, url)
    app = watching = None
    stop_watching = threading.Event()
    # uvicorn shuts down on SIGINT/SIGTERM and then raises the signal again: exit through `finally`.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: sys.exit(0))
    try:
        app = create_app(db, query_seconds=query_seconds, allowed_hosts=LOOPBACK_HOSTS if loopback else None,
                         write_token=token, poll_seconds=page_poll)
        if watch_sources:
            from .watch import WatchOptions, Watcher

            logging.getLogger("fogofwar.watch").setLevel(logging.INFO)
            options = WatchOptions(rate_limit=rate_limit, timeout=timeout, max_bytes=max_bytes, attempts=retries,
                                   backoff=backoff)
            watcher = Watcher(None, _usable_sources(watch_sources), Settings(workers=workers), options,
                              writing=app.state.served.writing)
            watching = threading.Thread(target=watcher.run, args=(every, stop_watching), name="watch", daemon=True)
            watching.start()
        click.echo(f"fogofwar: serving {db} at {url}/ (Ctrl-C to stop)", err=True)
        uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", server_header=False,
                    limit_concurrency=64, timeout_keep_alive=5)
    finally:
        if watching is not None:
            stop_watching.set()  # the watcher stores what it has fetched and stops
            watching.join()
            watcher.close()
        server_file(db).unlink(missing_ok=True)
        if app is not None:
            app.state.served.close()


def main() -> None:
    """Entry point of the `fogofwar` command."""
    cli(prog_name="fogofwar")


if __name__ == "__main__":
    main()
