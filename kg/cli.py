"""The ``kg`` command: build, query, export and validate the knowledge graph."""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
from pathlib import Path
from typing import IO

import click
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as Table_

from kg.build import BuildReport, DocumentResult, build
from kg.queries import QUERIES_DIR, Page, ParamError, load_queries, load_query
from kg.results import Table, write_solutions
from kg.store import StoreBusyError, open_store

__all__ = ["main"]

DEFAULT_STORE = Path("data/store")
console = Console(stderr=True)

RESULT_FORMATS = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
# The export formats that keep the named graphs; the others (JSON-LD too, though it could
# hold them) are the union graph, one graph as a reader of the format expects.
DATASET_FORMATS = ("nquads", "trig")
store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_STORE,
    show_default=True,
    envvar="KG_STORE",
    help="Folder of the Oxigraph store.",
)


class _Main(click.Group):
    """The ``kg`` group: a failure of the machine around the work (disk full, a folder
    that is read-only or cannot be made, a store another build holds) ends the command
    with one line naming it and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StoreBusyError as exc:
            raise _EnvironmentError(str(exc)) from None
        except OSError as exc:
            raise _EnvironmentError(_os_error(exc)) from None


class _EnvironmentError(click.ClickException):
    exit_code = 2


def _os_error(exc: OSError) -> str:
    """One line for an OSError: the reason and the file, else Oxigraph's own message."""
    from kg.build import shorten

    if exc.strerror and exc.filename:
        return shorten(f"{exc.strerror}: {exc.filename}")
    return shorten(" ".join(str(exc).split()))


@click.group(cls=_Main)
@click.version_option(package_name="celltrials-kg")
def main() -> None:
    """A knowledge graph of cell-therapy clinical trials."""


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@store_option
@click.option("--prune", is_flag=True, help="Remove documents no longer among the inputs.")
@click.option("--force", is_flag=True, help="Re-map every document, changed or not.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; the summary only.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes that map documents (default: one per core, for large inputs).",
)
@click.option(
    "--coverage/--no-coverage",
    default=None,
    help="Count the condition mentions linked over the whole store after an update "
    "(default: only for a store of up to a million triples; a new store always has them).",
)
@click.option(
    "--compact/--no-compact",
    default=None,
    help="Compact the store after an update, for the fastest queries (default: once the "
    "updates since the last compaction wrote or removed 5% of the store's quads; a new "
    "store is always compacted).",
)
def build_cmd(
    paths: tuple[Path, ...],
    store_path: Path,
    prune: bool,
    force: bool,
    quiet: bool,
    jobs: int | None,
    coverage: bool | None,
    compact: bool | None,
) -> None:
    """Build or update the store from PATHS (files or folders; default: the bundled seeds).

    Unchanged documents are skipped; a document that cannot be mapped is reported with
    its reason and the others are still stored. Exits 1 when any document failed, 2 when
    the build cannot run (another build holds the store, the disk is full, the store's
    folder cannot be written), with one line saying why.
    """
    from kg.build import SEEDS_DIR, count_inputs

    total = count_inputs(list(paths) or [SEEDS_DIR])
    with Progress(
        TextColumn("[bold]build"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[doc]}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("build", total=total, doc="")

        # Redrawn ten times a second at most: a rebuild that finds 100,000 documents
        # unchanged would otherwise spend more time on the bar than on the build.
        done = 0
        shown = 0.0

        def tick(result: DocumentResult) -> None:
            nonlocal done, shown
            done += 1
            now = time.monotonic()
            if now - shown >= 0.1 or done == total:
                shown = now
                progress.update(task, completed=done, doc=result.key[-50:])

        report = build(
            list(paths) or None,
            store_path,
            prune=prune,
            force=force,
            on_document=tick,
            jobs=jobs,
            coverage=coverage,
            compact=compact,
        )
    _print_report(report, store_path)
    if report.failed:
        sys.exit(1)


NOTES_SHOWN = 500  # note lines a build report prints; the graph keeps every note


def _print_report(report: BuildReport, store_path: Path) -> None:
    docs = report.documents
    failed = report.failed
    skipped = f"{report.statuses['skipped']} skipped, " if report.statuses["skipped"] else ""
    console.print(
        f"[bold]{report.n_documents} documents[/]: {report.statuses['mapped']} mapped, "
        f"{report.statuses['unchanged']} unchanged, {skipped}"
        f"{len(failed)} with errors; {report.count('trials')} trials, {report.count('arms')} arms, "
        f"{report.count('products')} cell products, {report.count('doses')} doses, "
        f"{report.count('quads')} quads written; store {store_path} holds {report.store_quads} quads "
        f"({report.seconds:.2f} s)"
    )
    by_format = report.trials_by_format()
    if by_format:
        console.print(
            "trials by format: " + ", ".join(f"{k} {v}" for k, v in sorted(by_format.items()))
        )
    if report.conditions is not None:
        console.print(report.conditions.summary(), highlight=False)
        top = "; ".join(
            f"{name} ({n}, {kind.removeprefix('unlinked: ')})"
            for name, kind, n in report.conditions.top_unlinked[:10]
        )
        if top:
            console.print(f"most frequent unlinked conditions: {top}", highlight=False)
    elif report.conditions_skipped:
        console.print(f"condition links: {report.conditions_skipped}", highlight=False)
    if report.compaction:
        console.print(f"store {report.compaction}", highlight=False)
    for key in report.removed:
        console.print(f"removed: {key}")
    # Notes are for reading: the first NOTES_SHOWN on the console, every one in the graph
    # (a 100,000-record build has ~60,000 notes: 16 MB of terminal output otherwise).
    shown = 0
    for d in docs:
        for note in d.notes:
            if shown < NOTES_SHOWN:
                console.print(f"[dim]note[/] {d.key}: {note}", highlight=False)
            shown += 1
    hidden = max(shown - NOTES_SHOWN, 0) + report.notes_not_kept
    if hidden:
        console.print(
            f"[dim]note[/] {hidden} more notes are in the graph: cto:buildNote in graph/meta "
            "(kg query 'SELECT ?doc ?note WHERE { ?doc cto:buildNote ?note }')",
            highlight=False,
        )
    for d in failed:
        for error in d.errors:
            console.print(f"[red]error[/] {error}", highlight=False)


@main.command("query")
@click.argument("query", required=False)
@store_option
@click.option("--canned", help="Run queries/NAME.rq.")
@click.option(
    "--param", "params", multiple=True, metavar="K=V", help="Parameter of a canned query."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", *GRAPH_FORMATS]),
    default="table",
    show_default=True,
)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries.")
@click.option(
    "--all",
    "all_rows",
    is_flag=True,
    help="Every row of a paged canned query (a listing), streamed; without it, one page "
    "(--param limit=N --param offset=M).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Ask this SPARQL 1.1 endpoint instead of the store (e.g. http://host:7878/query).",
)
@click.option(
    "--dialect",
    type=click.Choice(["auto", "oxigraph", "sparql11"]),
    default="auto",
    show_default=True,
    help="With --endpoint: the canned queries' form (auto: oxigraph for an Oxigraph server).",
)
@click.option(
    "--auth-env",
    metavar="VAR",
    help="With --endpoint: credentials from this environment variable (user:password or a token).",
)
def query_cmd(
    query: str | None,
    store_path: Path,
    canned: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_queries: bool,
    all_rows: bool,
    endpoint: str | None,
    dialect: str,
    auth_env: str | None,
) -> None:
    """Run SPARQL (text or a .rq file) or a canned query (--canned NAME, or the NAME
    alone) on the store, or on a remote SPARQL endpoint (--endpoint).

    The default graph is the union of all named graphs. A canned listing (see --list)
    answers a page at a time: the first page unless --param limit/offset say which,
    or every row with --all.
    """
    if list_queries:
        for cq in load_queries().values():
            args = ", ".join(
                f"{p.name}: {p.type}" + (f" = {p.default}" if p.default else "") for p in cq.params
            )
            click.echo(f"{cq.name}({args})\n    {cq.summary}")
        return
    if canned and query:
        raise click.UsageError("give either QUERY or --canned, not both")
    if query and not canned and _canned_name(query):
        canned, query = query, None
    if all_rows and not canned:
        raise click.UsageError("--all applies to --canned queries only")
    if not canned and params:
        raise click.UsageError("--param applies to --canned queries only")
    if not canned and not query:
        raise click.UsageError("give a QUERY, a .rq file, --canned NAME or --list")
    ctx = click.get_current_context()
    if endpoint:
        if ctx.get_parameter_source("store_path") == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("give either --store or --endpoint, not both")
        _query_remote(query, canned, params, fmt, endpoint, dialect, auth_env, all_rows)
        return
    if auth_env or dialect != "auto":
        raise click.UsageError("--auth-env and --dialect apply to --endpoint only")
    _require_store(store_path)
    gs = open_store(store_path, read_only=True)
    if canned:
        try:
            cq = load_query(canned)
        except KeyError as exc:
            raise click.UsageError(str(exc.args[0])) from None
        values = _param_values(params)
        try:
            if all_rows and fmt in RESULT_FORMATS:
                columns, rows = cq.stream(gs.store, values)
                write_solutions(columns, rows, fmt, sys.stdout.buffer.write)
                sys.stdout.flush()
                return
            if cq.pages and not all_rows:
                page = cq.execute_page(gs.store, values)
                _write_table(page.table, fmt, sys.stdout)
                _page_note(page)
                return
            table = cq.execute(gs.store, values)
        except ParamError as exc:
            raise click.BadParameter(str(exc), param_hint="--param") from None
        _write_table(table, fmt, sys.stdout)
        return
    assert query is not None
    text = _query_text(query)
    from kg.server.guard import is_update

    if is_update(text):
        raise click.ClickException(
            "updates are not accepted here: `kg query` only reads the store "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE); `kg build` changes it"
        )
    try:
        result = gs.store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise click.ClickException(f"SPARQL syntax error: {exc}") from None
    _write_result(result, fmt, sys.stdout)


def _canned_name(query: str) -> bool:
    """Whether QUERY names a canned query (and is no file of that name)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", query) or Path(query).exists():
        return False
    return (QUERIES_DIR / f"{query}.rq").is_file()


def _page_note(page: Page) -> None:
    """On stderr: which rows the page held, and how to get the next page or all rows."""
    first = page.paging.offset + 1 if page.table.rows else page.paging.offset
    last = page.paging.offset + len(page.table.rows)
    if page.next_offset is not None:
        console.print(
            f"rows {first}-{last}; more: --param offset={page.next_offset} for the next page, "
            "--all for every row",
            highlight=False,
        )
    elif page.paging.offset:
        console.print(f"rows {first}-{last} (the last page)", highlight=False)


def _param_values(params: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param {item!r}: expected K=V")
        values[key.strip()] = value
    return values


def _query_remote(
    query: str | None,
    canned: str | None,
    params: tuple[str, ...],
    fmt: str,
    url: str,
    dialect: str,
    auth_env: str | None,
    all_rows: bool = False,
) -> None:
    """``kg query --endpoint``: the same checks and output as over the store."""
    from pyoxigraph import serialize

    from kg.remote import Endpoint, RemoteError, auth_from_env, query_kind
    from kg.server.guard import is_update

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--endpoint")
    try:
        endpoint = Endpoint(
            url, headers=auth_from_env(auth_env), dialect=None if dialect == "auto" else dialect
        )
        if canned:
            try:
                cq = load_query(canned)
            except KeyError as exc:
                raise click.UsageError(str(exc.args[0])) from None
            try:
                if cq.pages and not all_rows:
                    page = cq.execute_remote_page(endpoint, _param_values(params))
                    _write_table(page.table, fmt, sys.stdout)
                    _page_note(page)
                    return
                table = cq.execute_remote(endpoint, _param_values(params))
            except ParamError as exc:
                raise click.BadParameter(str(exc), param_hint="--param") from None
            except ValueError as exc:  # no form of the query for this server
                raise click.ClickException(str(exc)) from None
            _write_table(table, fmt, sys.stdout)
            return
        assert query is not None
        text = _query_text(query)
        if is_update(text):
            raise click.ClickException(
                "updates are not accepted here: `kg query` only reads (SELECT, ASK, "
                "CONSTRUCT, DESCRIBE); `kg publish` changes a remote store"
            )
        if query_kind(text) in ("CONSTRUCT", "DESCRIBE"):
            triples = endpoint.graph(text)
            graph_fmt = GRAPH_FORMATS.get(fmt, RdfFormat.TURTLE)
            sys.stdout.write(_bytes(serialize(triples, format=graph_fmt)).decode())
            return
        _write_result(endpoint.select(text), fmt, sys.stdout)
    except RemoteError as exc:
        raise click.ClickException(str(exc)) from None


QUERY_FILE_SUFFIXES = (".rq", ".sparql", ".ru", ".txt")


def _query_text(query: str) -> str:
    """The SPARQL text of QUERY: the content of the file it names, or the text itself."""
    path = Path(query)
    try:
        is_file, is_dir = path.is_file(), path.is_dir()
    except (OSError, ValueError):  # a name too long for a file, a NUL: query text
        return query
    if is_file:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"cannot read the query file {query}: {exc}") from None
    if is_dir:
        raise click.ClickException(f"{query} is a folder, not a query file")
    looks_like_a_name = not any(c.isspace() or c in "{<" for c in query)
    if looks_like_a_name or query.lower().endswith(QUERY_FILE_SUFFIXES):
        raise click.ClickException(
            f"no such file: {query} (give SPARQL text, or the path of a .rq file)"
        )
    return query


def _require_store(store_path: Path) -> None:
    if not store_path.exists():
        raise click.ClickException(f"no store at {store_path}: run `kg build` first")


def _write_result(result: object, fmt: str, out: IO[str]) -> None:
    if isinstance(result, QueryBoolean):
        if fmt in RESULT_FORMATS:
            out.write(_bytes(result.serialize(format=RESULT_FORMATS[fmt])).decode())
        else:
            out.write(("true" if bool(result) else "false") + "\n")
        return
    if isinstance(result, QueryTriples):
        graph_fmt = GRAPH_FORMATS.get(fmt, RdfFormat.TURTLE)
        out.write(_bytes(result.serialize(format=graph_fmt)).decode())
        return
    assert isinstance(result, QuerySolutions)
    if fmt in RESULT_FORMATS:
        out.write(_bytes(result.serialize(format=RESULT_FORMATS[fmt])).decode())
        return
    _write_table(Table.from_solutions(result), fmt, out)


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # serialize() without an output returns the bytes
    return data


def _write_table(table: Table, fmt: str, out: IO[str]) -> None:
    if fmt in RESULT_FORMATS:
        out.write(table.serialize(fmt))
        return
    if fmt != "table":
        raise click.UsageError(f"--format {fmt} is for CONSTRUCT/DESCRIBE results")
    view = Table_(*table.columns, show_lines=False)
    for row in table.rows:
        view.add_row(*(_cell(term) for term in row))
    Console(file=out, width=max(160, Console().width)).print(view)
    console.print(f"{len(table.rows)} rows")


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", term)
    return str(value)


@main.command("export")
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(list(GRAPH_FORMATS)), default="turtle", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="File (default: standard output); with --split-size, a folder.",
)
@click.option(
    "--split-size",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MB",
    help="N-Quads as gzip files of about MB each (whole graphs) in the -o folder, with load "
    "scripts for oxigraph load and Virtuoso's ld_dir/rdf_loader_run.",
)
def export_cmd(store_path: Path, fmt: str, output: Path | None, split_size: float | None) -> None:
    """Dump the graph. Turtle, N-Triples, RDF/XML and JSON-LD hold the union of all
    graphs (one graph); N-Quads and TriG keep the named graphs."""
    _require_store(store_path)
    gs = open_store(store_path, read_only=True)
    if split_size is not None:
        if fmt != "nquads" or output is None:
            raise click.UsageError("--split-size needs --format nquads and -o FOLDER")
        if output.exists() and not output.is_dir():
            raise click.UsageError(f"-o {output}: with --split-size, a folder, not a file")
        from kg.export import split_nquads
        from kg.graph_versions import load as load_versions

        parts = split_nquads(
            gs.store, output, size_mb=split_size, versions=load_versions(store_path)
        )
        console.print(
            f"{len(parts)} files, {sum(p.graphs for p in parts)} graphs, "
            f"{sum(p.quads for p in parts)} quads, {sum(p.bytes for p in parts) / 1e6:.1f} MB "
            f"in {output}; load with {output / 'load-oxigraph.sh'} or "
            f"{output / 'load-virtuoso.sql'}",
            highlight=False,
            soft_wrap=True,
        )
        return
    if output is not None and output.is_dir():
        raise click.UsageError(f"-o {output} is a folder (give a file, or --split-size)")
    rdf_format = GRAPH_FORMATS[fmt]
    target = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
    try:
        if fmt in DATASET_FORMATS:
            gs.store.dump(target, rdf_format)
        else:
            result = gs.store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
            )
            assert isinstance(result, QueryTriples)
            result.serialize(target, format=rdf_format)
    finally:
        if output:
            target.close()


@main.command("publish")
@store_option
@click.option(
    "--to",
    "url",
    required=True,
    metavar="URL",
    help="The server's SPARQL 1.1 Graph Store endpoint (Oxigraph: http://host:7878/store; "
    "Virtuoso: http://host:8890/sparql-graph-crud-auth; Fuseki: http://host:3030/DS/data).",
)
@click.option(
    "--auth-env",
    metavar="VAR",
    help="Credentials from this environment variable: user:password (basic), "
    "'digest user:password', or a bearer token.",
)
@click.option("--dry-run", is_flag=True, help="List what would be sent and deleted; send nothing.")
@click.option("--full", is_flag=True, help="Send every graph, whatever was published before.")
@click.option(
    "--mark-loaded",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    metavar="DIR",
    help="Send nothing: record the graphs of a split export (its graphs.tsv) as published, "
    "after the server's bulk loader loaded them; graphs changed since are left to send.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Requests at once.",
)
@click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0)
@click.option(
    "--gzip",
    "compress",
    is_flag=True,
    help="Send the graphs gzip-compressed (Content-Encoding: gzip; Oxigraph reads it): "
    "for a server across a slow network, not one on the same machine.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; the summary only.")
def publish_cmd(
    store_path: Path,
    url: str,
    auth_env: str | None,
    dry_run: bool,
    full: bool,
    mark_loaded: Path | None,
    jobs: int,
    retries: int,
    timeout: float,
    compress: bool,
    quiet: bool,
) -> None:
    """Publish the store's named graphs to a SPARQL 1.1 Graph Store HTTP Protocol server:
    PUT per new or changed graph, DELETE per graph gone from the store.

    Incremental and resumable (a journal of what each server holds lives beside the store);
    failed graphs are retried with back-off, reported, and sent by the next run. Exits 1
    when any graph failed.
    """
    import os

    import requests

    from kg.publish import Publisher, current_graphs, graph_body, journal_path, plan, read_journal
    from kg.remote import RemoteError, auth_from_env

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--to")
    if mark_loaded is not None and (dry_run or full):
        raise click.UsageError("--mark-loaded sends nothing: not with --dry-run or --full")
    _require_store(store_path)
    gs = open_store(store_path, read_only=True)
    headers: dict[str, str] = {}
    auth: requests.auth.AuthBase | None = None
    if auth_env and os.environ.get(auth_env, "").lower().startswith("digest "):
        user, _, password = os.environ[auth_env][7:].strip().partition(":")
        auth = requests.auth.HTTPDigestAuth(user, password)
    else:
        try:
            headers = auth_from_env(auth_env)
        except RemoteError as exc:
            raise click.BadParameter(str(exc), param_hint="--auth-env") from None
    journal = journal_path(store_path, url)
    published = read_journal(journal)
    started = time.monotonic()
    with console.status("listing the store's graphs", spinner="dots") if not quiet else _null():
        current, versioned = current_graphs(gs.store, store_path)
    work = plan(current, published, full=full)
    how = "the build's versions" if versioned else "hashed, no versions from kg build"
    size = f" ({work.bytes / 1e6:.1f} MB)" if work.bytes is not None else ""
    console.print(
        f"{len(current)} graphs ({time.monotonic() - started:.1f} s, {how}): "
        f"{len(work.send)} to send{size}, {work.unchanged} unchanged, "
        f"{len(work.delete)} to delete; journal {journal}",
        highlight=False,
    )
    if mark_loaded is not None:
        from kg.publish import write_journal

        loaded = _loaded_graphs(mark_loaded)
        marked = {g.iri: g.sha256 for g in current if loaded.get(g.iri) == g.sha256}
        write_journal(journal, url, marked)
        console.print(
            f"marked {len(marked)} graphs as loaded at {url}; "
            f"{len(current) - len(marked)} differ from the export and are left to send",
            highlight=False,
        )
        return
    if dry_run:
        for g in work.send:
            n = g.size if g.size is not None else len(graph_body(gs.store, g.iri))
            click.echo(f"PUT	{g.iri}	{n}")
        for iri in work.delete:
            click.echo(f"DELETE	{iri}")
        return
    publisher = Publisher(
        url,
        gs.store,
        journal,
        headers=headers,
        auth=auth,
        timeout=timeout,
        retries=retries,
        jobs=jobs,
        compress=compress,
    )
    with Progress(
        TextColumn("[bold]publish"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[mb]}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        of_total = f"/{work.bytes / 1e6:.1f}" if work.bytes is not None else ""
        task = progress.add_task("publish", total=len(work.send) + len(work.delete), mb="")
        done_bytes = 0

        def tick(iri: str, size: int) -> None:
            nonlocal done_bytes
            done_bytes += size
            progress.update(task, advance=1, mb=f"{done_bytes / 1e6:.1f}{of_total} MB")

        report = publisher.run(work, published, on_done=tick)
    rate = report.bytes / 1e6 / report.seconds if report.seconds else 0.0
    zipped = f", {report.wire_bytes / 1e6:.1f} MB gzip" if compress else ""
    console.print(
        f"published to {url}: {report.sent} graphs sent ({report.bytes / 1e6:.1f} MB, "
        f"{rate:.1f} MB/s{zipped}), {report.deleted} deleted, {len(report.failed)} failed, "
        f"{report.requests} requests ({report.seconds:.1f} s)",
        highlight=False,
    )
    for iri, reason in report.failed:
        console.print(f"[red]failed[/] {iri}: {reason}", highlight=False, soft_wrap=True)
    if report.failed:
        sys.exit(1)


def _loaded_graphs(folder: Path) -> dict[str, str]:
    """Graph IRI -> hash, from the graphs.tsv of a split export."""
    try:
        text = (folder / "graphs.tsv").read_text(encoding="utf-8")
    except OSError as exc:
        raise click.BadParameter(f"{folder}: no graphs.tsv ({exc.strerror})") from None
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            out[parts[0]] = parts[1]
    return out


def _null() -> contextlib.nullcontext[None]:
    return contextlib.nullcontext()


@main.group("ontology")
def ontology_group() -> None:
    """Ontology data the linking needs beyond the packaged CL, UBERON and MONDO."""


@ontology_group.command("fetch")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path.home() / ".cache" / "celltrials-kg" / "ontologies",
    show_default=True,
    envvar="KG_ONTOLOGY_DIR",
    help="Where to keep the files (the build looks here, or in $KG_ONTOLOGY_DIR).",
)
@click.option("--timeout", type=float, default=60.0, show_default=True)
def ontology_fetch_cmd(cache_dir: Path, timeout: float) -> None:
    """Download MONDO's SSSOM mappings to MeSH and NCIT from MONDO's release."""
    from kg.link import fetch_sssom

    for path in fetch_sssom(cache_dir, timeout=timeout):
        console.print(f"fetched {path}")


@main.command("validate")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def validate_cmd(store_path: Path, as_json: bool) -> None:
    """Check the graph against the SHACL shapes and the QC queries of ontology/qc/."""
    from kg.validate import validate

    _require_store(store_path)
    gs = open_store(store_path, read_only=True)
    findings = validate(gs.store)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2))
    for f in findings:
        colour = "yellow" if f.severity == "warning" else "red"
        console.print(f"[{colour}]{f.check}[/] {f.focus}: {f.message}", highlight=False)
    violations = [f for f in findings if f.severity != "warning"]
    if len(violations) < len(findings):
        console.print(f"[yellow]{len(findings) - len(violations)} warnings[/] (for a curator)")
    if violations:
        console.print(f"[red]{len(violations)} violations[/]")
        sys.exit(1)
    console.print("[green]valid[/]: SHACL shapes and QC checks pass")


@main.command(
    "serve",
    context_settings={
        "ignore_unknown_options": True,
        "allow_extra_args": True,
        "help_option_names": [],
    },
    add_help_option=False,
)
@click.pass_context
def serve_cmd(ctx: click.Context) -> None:
    """Serve the SPARQL endpoint, canned queries, trial pages and editor (kg serve --help)."""
    from kg.server.serve import command

    command.main(args=ctx.args, prog_name="kg serve")


@main.command("fetch")
@click.option("--term", help="Other terms: query.term (searches titles, summaries, ...).")
@click.option("--condition", help="Condition or disease: query.cond.")
@click.option("--intervention", help="Intervention or treatment: query.intr.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS",
    help="filter.overallStatus, e.g. RECRUITING (repeat, or separate with commas).",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 1000),
    default=100,
    show_default=True,
    help="Studies per page (the API allows up to 1000).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/ctgov"),
    show_default=True,
    envvar="KG_CTGOV_CACHE",
    help="Cache root: one folder of raw API pages per query.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    help="Stop once the query's folder holds this many pages (run again to go on).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds for one request, from connecting to the end of the body.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Retries of a request after a 429, a 5xx, a cut-off body or a network error.",
)
@click.option(
    "--base-url",
    default="https://clinicaltrials.gov/api/v2/studies",
    show_default=True,
    help="The studies endpoint (a mirror or a test server).",
)
@click.option("--refresh", is_flag=True, help="Delete the query's cached pages and start over.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; the summary only.")
def fetch_cmd(
    term: str | None,
    condition: str | None,
    intervention: str | None,
    statuses: tuple[str, ...],
    page_size: int,
    cache_dir: Path,
    max_pages: int | None,
    timeout: float,
    retries: int,
    base_url: str,
    refresh: bool,
    quiet: bool,
) -> None:
    """Page the ClinicalTrials.gov API v2 into a local cache that `kg build` reads.

    Re-running the same command resumes an interrupted fetch after its last saved page;
    a complete query fetches nothing unless --refresh is given.
    """
    from kg.fetch import command

    command(
        console,
        term=term,
        condition=condition,
        intervention=intervention,
        statuses=statuses,
        page_size=page_size,
        cache_dir=cache_dir,
        max_pages=max_pages,
        timeout=timeout,
        retries=retries,
        base_url=base_url,
        refresh=refresh,
        quiet=quiet,
    )
