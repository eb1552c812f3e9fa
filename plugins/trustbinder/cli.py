"""The `trustbinder` command line: thin wrappers over the model and the builder."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from trustbinder import __version__
from trustbinder.builder import AUDIENCES, ProgramSettings, build_sites
from trustbinder.commands.common import SetupFailed, config_option, hashing_progress, load_settings
from trustbinder.commands.report import FORMATS, annotation_path, github_line, render, summary
from trustbinder.model import Audience, Program, load_program
from trustbinder.model.checks import run_checks
from trustbinder.model.clock import today
from trustbinder.model.findings import Finding, Findings, Level
from trustbinder.model.hashcache import HashCache
from trustbinder.model.lock import verify
from trustbinder.model.program import forget, remember
from trustbinder.model.views import view_for
from trustbinder.starter import copy_starter


def _settings(config_file: Path, exit_code: int = 1) -> ProgramSettings:
    return load_settings(config_file, exit_code)


def collect_findings(
    config_file: Path, *, settings: ProgramSettings | None = None, lock_level: Level = "error"
) -> Findings:
    """Everything `check` reports: schema and reference problems, each audience's link problems, the
    registered checks, and evidence compared with evidence.lock (at `lock_level`)."""
    return load_and_check(settings or _settings(config_file), lock_level)[1]


def load_and_check(
    settings: ProgramSettings, lock_level: Level = "error", readers: Sequence[Audience] = tuple(Audience)
) -> tuple[Program, Findings]:
    """Load the program and check what the sites of `readers` are built from. Evidence, and its lock, are read
    only when the auditor is among them: no other site shows evidence."""
    program = load_for(settings, readers)
    return program, check_loaded(program, settings, lock_level, readers)


def load_for(settings: ProgramSettings, readers: Sequence[Audience]) -> Program:
    with_evidence = Audience.AUDITOR in readers
    return load_program(settings.root, settings.docs_dir, settings.evidence_dir, with_evidence=with_evidence)


def check_loaded(
    program: Program, settings: ProgramSettings, lock_level: Level, readers: Sequence[Audience]
) -> Findings:
    findings = Findings(list(program.findings))
    if program.ok:
        for reader in readers:
            findings.extend(view_for(program, reader).findings)
        findings.extend(run_checks(program, today()))
    if program.evidence_loaded:
        findings.extend(_verification(settings, lock_level))
    return findings


def _verification(settings: ProgramSettings, level: Level) -> Findings:
    root = settings.root
    with hashing_progress() as progress:
        result = verify(root, (root / settings.evidence_dir).resolve(), HashCache(root), progress)
    if level == "error":
        return result.findings
    return Findings([dataclasses.replace(f, level="warning") for f in result.findings])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trustbinder")
def main() -> None:
    """Build a SOC 2 program kept in git into a trust center, a policy handbook and an audit binder."""


@main.command()
@config_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: path:line: level: message; json: one document; github: workflow annotations.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="The lowest level of finding that makes the exit status 1.",
)
def check(config_file: Path, output_format: str, fail_on: str) -> None:
    """Validate the whole program and its evidence in one pass.

    Exit 0 when clean, 1 on findings at or above --fail-on, 2 when the check cannot run (usage, mkdocs.yml).
    """
    try:
        settings = _settings(config_file, exit_code=2)
    except SetupFailed as failure:
        if output_format == "github":
            click.echo(github_line("error", failure.message, annotation_path(Path.cwd(), str(config_file))))
        raise
    findings = collect_findings(config_file, settings=settings)
    failing: list[Finding] = findings.errors + (findings.warnings if fail_on == "warning" else [])
    rendered = render(findings, output_format, settings.root, failing)
    if rendered:
        click.echo(rendered)
    if output_format != "json":
        click.echo(summary(findings, failing), err=True)
    sys.exit(1 if failing else 0)


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
@click.option("--no-pdf", is_flag=True, help="Do not write site/auditor/binder.pdf after the auditor site.")
def build(config_file: Path, audience: str, site_dir: Path | None, strict: bool, no_pdf: bool) -> None:
    """Build the public, internal and auditor sites. A failed build leaves the previous site untouched."""
    settings = _settings(config_file)
    audiences = list(AUDIENCES) if audience == "all" else [audience]
    built = [Audience.parse(a) for a in audiences]
    # A strict build is a gate: it checks the whole program and its evidence lock, and any finding stops it.
    # A plain build checks what its sites are built from and only warns about evidence that moved.
    readers = list(Audience) if strict else built
    program = load_for(settings, readers)
    if not program.ok:
        _refuse(program.findings, strict)
    for reader in built:
        view_for(program, reader)  # before the builds start: they take the views with the program
    root = (site_dir or settings.root / "site").resolve()
    click.echo(f"Building {', '.join(audiences)} from {settings.config_file} ...", err=True)
    checked: list[Findings] = []

    def check_while_building() -> bool:
        findings = check_loaded(program, settings, "error" if strict else "warning", readers)
        checked.append(findings)
        for warning in findings.warnings:
            click.echo(str(warning), err=True)
        return not (findings.errors or (strict and findings.warnings))

    remember(program)  # the audience builds reuse it instead of parsing the program again
    try:
        results = build_sites(settings, audiences, root, strict, meanwhile=check_while_building)
    finally:
        forget()
    if results is None:
        _refuse(checked[0], strict, warnings_shown=True)
        return
    failed = [r for r in results if not r.ok]
    for result in results:
        if result.ok:
            click.echo(f"  {result.audience:<9} -> {result.site_dir}  ({result.seconds:.1f} s)")
        else:
            click.echo(f"  {result.audience:<9} FAILED, previous site kept:\n{result.message}", err=True)
    if failed:
        sys.exit(1)
    if "auditor" in audiences and not no_pdf:
        build_binder_after_sites(settings, root)


def _refuse(findings: Findings, strict: bool, *, warnings_shown: bool = False) -> NoReturn:
    problems: list[Finding] = findings.errors + (findings.warnings if strict else [])
    for finding in findings.errors if warnings_shown else findings.errors + findings.warnings:
        click.echo(str(finding), err=True)
    raise click.ClickException(f"not built: {len(problems)} problem(s) in the program (see above)")


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


from trustbinder.commands.evidence import evidence  # noqa: E402

main.add_command(evidence)

from trustbinder.commands.pdf import build_binder_after_sites, pdf  # noqa: E402

main.add_command(pdf)

from trustbinder.commands.coverage import coverage  # noqa: E402

main.add_command(coverage)

from trustbinder.commands.serve import serve  # noqa: E402

main.add_command(serve)
