"""`trustbinder pdf`: the auditor binder as one PDF. Also what `trustbinder build` runs after the auditor site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trustbinder.builder import ProgramSettings
from trustbinder.commands.common import config_option, load_settings

if TYPE_CHECKING:
    from trustbinder.pdf.binder import BinderResult
    from trustbinder.pdf.sandbox import Limits


def read_password(path: Path) -> str:
    """The one line in `path`, without its line ending. Errors never quote the file's content."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise click.ClickException(f"{path}: cannot read the password file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: the password file is not UTF-8 text") from None
    password = text.removesuffix("\n").removesuffix("\r")
    if not password:
        raise click.ClickException(f"{path}: the password file is empty")
    if "\n" in password or "\r" in password:
        raise click.ClickException(f"{path}: the password file must hold the password on a single line")
    return password


def write_binder(
    settings: ProgramSettings, output: Path, password: str | None = None, limits: Limits | None = None
) -> BinderResult:
    """Load the program and write the binder; a program with errors or a failed render is a ClickException."""
    from trustbinder.model import load_program
    from trustbinder.pdf.binder import BinderError, BinderOptions, build_binder_pdf
    from trustbinder.pdf.progress import Progress

    program = load_program(settings.root, settings.docs_dir, settings.evidence_dir)
    if not program.ok:
        for finding in program.findings.sorted():
            click.echo(str(finding), err=True)
        raise click.ClickException(f"binder PDF not built: {len(program.findings.errors)} error(s) in the program")
    options = BinderOptions(limits=limits) if limits else BinderOptions()
    try:
        return build_binder_pdf(program, output, password=password, options=options, progress=Progress(sys.stderr))
    except BinderError as error:
        raise click.ClickException(f"binder PDF not built: {error}") from None


def build_binder_after_sites(settings: ProgramSettings, site_root: Path) -> None:
    """`trustbinder build`: write site/auditor/binder.pdf once the auditor site is in place."""
    result = write_binder(settings, site_root / "auditor" / "binder.pdf")
    click.echo(f"  {'binder':<9} -> {result.path}  ({result.pages} pages, {result.timings['total']:.1f} s)")


@click.command()
@config_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the PDF. [default: site/auditor/binder.pdf next to mkdocs.yml]",
)
@click.option(
    "--encrypt-password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Also write <name>.encrypted.pdf, AES-256, opened with the password on the single line of this file.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds one evidence file may take to open.",
)
@click.option(
    "--memory",
    type=click.IntRange(min=64),
    default=1024,
    show_default=True,
    help="MiB one evidence file may use to open.",
)
def pdf(
    config_file: Path, output: Path | None, encrypt_password_file: Path | None, timeout: float, memory: int
) -> None:
    """Write the auditor binder as one PDF, with the evidence inside it.

    Evidence PDFs are merged (each page stamped with its evidence ID), images become pages, other files are
    attached. A PDF or image that cannot be opened safely within the limits is attached instead and listed as
    not embedded.
    """
    from trustbinder.pdf.sandbox import Limits

    settings = load_settings(config_file)
    password = read_password(encrypt_password_file) if encrypt_password_file else None
    target = output or settings.root / "site" / "auditor" / "binder.pdf"
    result = write_binder(settings, target, password, Limits(seconds=timeout, memory_mb=memory))
    click.echo(f"{result.path}  ({result.pages} pages, {result.evidence_pages} of them evidence)")
    if result.encrypted_path:
        click.echo(f"{result.encrypted_path}  (AES-256)")
    for evidence_id, reason in result.not_embedded.items():
        click.echo(f"{evidence_id} not embedded: {reason}", err=True)
