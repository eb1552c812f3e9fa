"""`trustbinder evidence add|lock|verify|collect`: file evidence, lock it, prove it unchanged, gather it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from trustbinder.builder import ProgramSettings
from trustbinder.commands.common import config_option, hashing_progress, load_settings
from trustbinder.model import Audience, load_program
from trustbinder.model.collect import load_collectors, run_collector
from trustbinder.model.filing import FilingError, NewEvidence, add_evidence, next_evidence_id
from trustbinder.model.findings import Findings
from trustbinder.model.hashcache import HashCache
from trustbinder.model.lock import (
    LOCK_NAME,
    LockRefused,
    entries_for,
    record_new,
    usable_lock_problems,
    verify,
    write_lock,
)

date_type = click.DateTime(formats=["%Y-%m-%d"])


def _paths(settings: ProgramSettings) -> tuple[Path, Path]:
    return settings.root, (settings.root / settings.evidence_dir).resolve()


def _print(findings: Findings) -> None:
    for finding in findings.sorted():
        click.echo(str(finding))


def _record(settings: ProgramSettings, artifacts: dict[str, str]) -> None:
    root, evidence_dir = _paths(settings)
    try:
        with hashing_progress() as progress:
            click.echo(record_new(root, evidence_dir, artifacts, HashCache(root), progress))
    except LockRefused as refused:
        _print(refused.findings)
        raise click.ClickException(f"{LOCK_NAME} was not updated: fix the problems above") from None


def _refuse_if_lock_broken(settings: ProgramSettings) -> None:
    problems = usable_lock_problems(settings.root)
    if problems.errors:
        _print(problems)
        raise click.ClickException(
            f"{LOCK_NAME} fails its own checks, so nothing was added; run `trustbinder evidence verify`"
        )


@click.group()
def evidence() -> None:
    """Add, lock, verify and collect evidence."""


@evidence.command("add")
@config_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--control", "controls", multiple=True, required=True, help="A control it supports (repeat, or A,B).")
@click.option("--source", required=True, help="The system it came from.")
@click.option("--collected", type=date_type, help="When it was produced (YYYY-MM-DD). [default: today]")
@click.option("--title", help="[default: from the file name]")
@click.option("--id", "evidence_id", help="[default: the next free EV-NNNN]")
@click.option("--to", "folder", default="", help="Sub-folder of evidence/ to file it in, e.g. access.")
@click.option("--query", help="How it was produced (completeness and accuracy).")
@click.option("--owner")
@click.option("--audience", type=click.Choice(Audience.names()), default="auditor", show_default=True)
@click.option("--period-start", type=date_type, help="Start of the span it covers.")
@click.option("--period-end", type=date_type, help="End of the span it covers.")
def add(
    config_file: Path,
    file: Path,
    controls: tuple[str, ...],
    source: str,
    collected: dt.datetime | None,
    title: str | None,
    evidence_id: str | None,
    folder: str,
    query: str | None,
    owner: str | None,
    audience: str,
    period_start: dt.datetime | None,
    period_end: dt.datetime | None,
) -> None:
    """Copy FILE under evidence/ with a new sidecar and add it to evidence.lock. Never overwrites."""
    settings = load_settings(config_file)
    if (period_start is None) != (period_end is None):
        raise click.UsageError("give both --period-start and --period-end, or neither")
    _refuse_if_lock_broken(settings)
    program = load_program(settings.root, settings.docs_dir, settings.evidence_dir)
    info = NewEvidence(
        controls=[c.strip() for value in controls for c in value.split(",") if c.strip()],
        source=source,
        collected=collected.date() if collected else dt.date.today(),
        title=title,
        evidence_id=evidence_id,
        query=query,
        owner=owner,
        audience=audience,
        period=(period_start.date(), period_end.date()) if period_start and period_end else None,
    )
    try:
        artifact, new_id = add_evidence(program, file, folder, info)
    except FilingError as error:
        problems = "".join(f"\n  {line}" for line in str(error).splitlines())
        raise click.ClickException(f"not added, nothing was written:{problems}") from None
    click.echo(f"added {artifact} as {new_id} (sidecar {artifact}.meta.yml)")
    _record(settings, {artifact: new_id})


@evidence.command("lock")
@config_option
def lock(config_file: Path) -> None:
    """Write evidence.lock: the SHA-256 of every artifact and sidecar, as they are now."""
    settings = load_settings(config_file)
    root, evidence_dir = _paths(settings)
    cache = HashCache(root)
    with hashing_progress() as progress:
        before = verify(root, evidence_dir, cache, progress)
        entries, findings = entries_for(root, evidence_dir, cache, progress)
    if findings.errors:
        _print(findings)
        raise click.ClickException(f"{LOCK_NAME} not written: fix the evidence problems above")
    if not before.missing and len(before.findings):
        click.echo(f"Accepting {len(before.findings)} difference(s) from the previous {LOCK_NAME}:")
        for finding in before.findings.sorted():
            click.echo(f"  {finding}")
    write_lock(root, entries)
    click.echo(f"Wrote {LOCK_NAME}: {len(entries)} artifact(s).")


@evidence.command("verify")
@config_option
@click.option("--rehash", is_flag=True, help="Read every file again instead of trusting the hash cache.")
def verify_command(config_file: Path, rehash: bool) -> None:
    """Compare evidence/ with evidence.lock; exit 1 on any difference, each reported by kind."""
    settings = load_settings(config_file)
    root, evidence_dir = _paths(settings)
    cache = HashCache(root, use_cache=not rehash)
    with hashing_progress() as progress:
        result = verify(root, evidence_dir, cache, progress)
    _print(result.findings)
    if result.missing or len(result.findings):
        click.echo(f"trustbinder: evidence does not match {LOCK_NAME}.", err=True)
        sys.exit(1)
    click.echo(f"trustbinder: {result.checked} artifact(s) match {LOCK_NAME}.", err=True)


@evidence.command("collect")
@config_option
@click.argument("names", nargs=-1)
@click.option("--list", "list_only", is_flag=True, help="Show the collectors and exit.")
def collect(config_file: Path, names: tuple[str, ...], list_only: bool) -> None:
    """Run the collectors of content/collectors.yml (or only NAMES); each writes a new dated artifact."""
    settings = load_settings(config_file)
    root, evidence_dir = _paths(settings)
    program = load_program(settings.root, settings.docs_dir, settings.evidence_dir)
    findings = Findings()
    collectors = load_collectors(program.docs_dir, root, program.controls, findings)
    if findings.errors:
        _print(findings)
        raise click.ClickException("no collector was run: fix the problems above")
    if list_only:
        for item in collectors:
            click.echo(f"{item.name}\t{item.kind}\t{item.output}")
        return
    unknown = sorted(set(names) - {c.name for c in collectors})
    if unknown:
        known = ", ".join(c.name for c in collectors) or "none"
        raise click.UsageError(f"unknown collector {', '.join(unknown)}; defined: {known}")
    chosen = [c for c in collectors if not names or c.name in names]
    if not chosen:
        click.echo("No collectors defined in content/collectors.yml.")
        return
    _refuse_if_lock_broken(settings)
    used = set(program.evidence)
    filed: dict[str, str] = {}
    failures = 0
    for item in chosen:
        evidence_id = next_evidence_id(used)
        outcome = run_collector(item, root, evidence_dir, evidence_id)
        if outcome.ok and outcome.artifact:
            used.add(evidence_id)
            filed[outcome.artifact] = evidence_id
            click.echo(f"  ok      {item.name}: {outcome.message} as {evidence_id} ({outcome.seconds:.1f} s)")
        else:
            failures += 1
            click.echo(f"  FAILED  {item.name}: {outcome.message}", err=True)
    if filed:
        _record(settings, filed)
    if failures:
        raise click.ClickException(f"{failures} of {len(chosen)} collector(s) failed")
