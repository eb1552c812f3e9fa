"""The `trustbinder` command line: thin wrappers over the model and the builder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from trustbinder import __version__
from trustbinder.builder import AUDIENCES, SetupError, build_sites, read_settings
from trustbinder.model import Audience, load_program
from trustbinder.model.checks import run_checks
from trustbinder.model.clock import today
from trustbinder.model.findings import Finding, Findings
from trustbinder.model.views import build_view
from trustbinder.starter import copy_starter

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The program's MkDocs configuration; the program is the folder it is in.",
)


def _settings(config_file: Path):  # type: ignore[no-untyped-def]
    try:
        return read_settings(config_file)
    except SetupError as error:
        raise click.ClickException(str(error)) from None


def collect_findings(config_file: Path) -> Findings:
    """Everything `check` reports: schema and reference problems, then each audience's link problems."""
    settings = _settings(config_file)
    program = load_program(settings.root, settings.docs_dir, settings.evidence_dir)
    findings = Findings(list(program.findings))
    if program.ok:
        for reader in Audience:
            findings.extend(build_view(program, reader).findings)
        findings.extend(run_checks(program, today()))
    return findings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trustbinder")
def main() -> None:
    """Build a SOC 2 program kept in git into a trust center, a policy handbook and an audit binder."""


@main.command()
@config_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(config_file: Path, output_format: str) -> None:
    """Validate the whole program; exit 1 if anything is wrong."""
    findings = collect_findings(config_file)
    ordered = findings.sorted()
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "errors": len(findings.errors),
                    "warnings": len(findings.warnings),
                    "findings": [f.as_dict() for f in ordered],
                },
                indent=2,
            )
        )
    else:
        for finding in ordered:
            click.echo(str(finding))
        click.echo(_summary(findings), err=True)
    if findings.errors:
        sys.exit(1)


def _summary(findings: Findings) -> str:
    if not len(findings):
        return "trustbinder: the program is valid."
    return f"trustbinder: {len(findings.errors)} error(s), {len(findings.warnings)} warning(s)."


@main.command()
@config_option
@click.option(
    "--audience",
    type=click.Choice([*AUDIENCES, "all"]),
    default="all",
    show_default=True,
    help="Which site to build.",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the sites go, one sub-folder per audience. [default: site/ next to mkdocs.yml]",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def build(config_file: Path, audience: str, site_dir: Path | None, strict: bool) -> None:
    """Build the public, internal and auditor sites. A failed build leaves the previous site untouched."""
    settings = _settings(config_file)
    findings = collect_findings(config_file)
    problems: list[Finding] = findings.errors + (findings.warnings if strict else [])
    for warning in findings.warnings:
        click.echo(str(warning), err=True)
    if problems:
        for finding in findings.errors:
            click.echo(str(finding), err=True)
        raise click.ClickException(f"not built: {len(problems)} problem(s) in the program (see above)")
    audiences = list(AUDIENCES) if audience == "all" else [audience]
    root = (site_dir or settings.root / "site").resolve()
    click.echo(f"Building {', '.join(audiences)} from {settings.config_file} ...", err=True)
    results = build_sites(settings, audiences, root, strict)
    failed = [r for r in results if not r.ok]
    for result in results:
        if result.ok:
            click.echo(f"  {result.audience:<9} -> {result.site_dir}  ({result.seconds:.1f} s)")
        else:
            click.echo(f"  {result.audience:<9} FAILED, previous site kept:\n{result.message}", err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write a new program into DIRECTORY from the starter template."""
    try:
        written = copy_starter(directory)
    except (FileExistsError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created a program in {directory}: {', '.join(written)}")
    click.echo(f"Next: cd {directory} && trustbinder check && trustbinder build")
