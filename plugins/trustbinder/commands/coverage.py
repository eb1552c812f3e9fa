"""`trustbinder coverage`: the binder's coverage matrices in the terminal or as CSV, JSON or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from trustbinder.commands.common import config_option, load_settings
from trustbinder.model import Audience, load_program
from trustbinder.model.clock import build_datetime
from trustbinder.model.coverage import MATRICES, coverage_about, matrices
from trustbinder.model.exports import Table, to_csv, to_json, to_xlsx
from trustbinder.model.scope import Visible

FORMATS = ("table", "csv", "json", "xlsx")
DEFAULT_CSV_MATRIX = "criteria-controls"


def text_table(table: Table) -> str:
    """An aligned plain-text table; cells are never cut, so every ID the HTML shows is here too."""
    rows = [table.header, *table.text_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(table.header))]
    lines = [table.title, ""]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


@click.command()
@config_option
@click.option("--framework", default=None, help="One framework in scope (its key, e.g. soc2). [default: all in scope]")
@click.option(
    "--matrix",
    type=click.Choice(MATRICES),
    default=None,
    help=f"One matrix. [default: all three; {DEFAULT_CSV_MATRIX} for csv]",
)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the terminal (required for xlsx).",
)
def coverage(
    config_file: Path, framework: str | None, matrix: str | None, output_format: str, output: Path | None
) -> None:
    """Coverage matrices of the frameworks in scope: criterion x control, control x document, control x
    evidence. Spreadsheet formats keep text that looks like a formula as text."""
    settings = load_settings(config_file)
    program = load_program(settings.root, settings.docs_dir, settings.evidence_dir)
    if program.findings.errors:
        for finding in program.findings.sorted():
            click.echo(str(finding), err=True)
        raise click.ClickException("the program has errors; run `trustbinder check` and fix them first")
    # Coverage is the auditor's view: the binder's, where every document and evidence item counts.
    visible = Visible.for_reader(program, Audience.AUDITOR)
    in_scope = [f.key for f in visible.frameworks_in_scope()]
    if not in_scope:
        raise click.ClickException(f"no framework is in scope: list one under 'frameworks:' in {program.audit.path}")
    if framework is not None and framework not in in_scope:
        raise click.BadParameter(
            f"'{framework}' is not a framework in scope; in scope: {', '.join(in_scope)}", param_hint="--framework"
        )
    chosen = [framework] if framework else in_scope
    if output_format == "csv":
        if len(chosen) > 1:
            raise click.UsageError(f"a CSV file holds one table: choose --framework ({', '.join(in_scope)})")
        matrix = matrix or DEFAULT_CSV_MATRIX
    if output_format == "xlsx" and output is None:
        raise click.UsageError("xlsx is a binary workbook: give --output FILE")
    tables = [t for key in chosen for t in matrices(visible, key) if matrix is None or t.name == f"{key}-{matrix}"]

    data: str | bytes
    if output_format == "table":
        data = "\n\n".join(text_table(t) for t in tables) + "\n"
    elif output_format == "csv":
        data = to_csv(tables[0])
    elif output_format == "json":
        about: dict[str, object] = {"frameworks": [coverage_about(visible, key) for key in chosen]}
        data = to_json(tables, **about)
    else:
        data = to_xlsx(tables, build_datetime())
    _write(data, output)
    if output is not None:
        rows = sum(len(t.rows) for t in tables)
        click.echo(f"Wrote {len(tables)} table(s), {rows} row(s) to {output}", err=True)


def _write(data: str | bytes, output: Path | None) -> None:
    if output is None:
        assert isinstance(data, str)
        # A CSV carries a byte-order mark for spreadsheets; a terminal shows it as noise.
        click.echo(data.lstrip("\ufeff") if sys.stdout.isatty() else data, nl=False)
        return
    if isinstance(data, bytes):
        output.write_bytes(data)
    else:
        with output.open("w", encoding="utf-8", newline="") as stream:
            stream.write(data)
