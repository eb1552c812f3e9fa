"""`trustbinder pdf` and the binder PDF written by `trustbinder build`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import copy_program, edit
from pypdf import PasswordType, PdfReader

from trustbinder.cli import main

PASSWORD = "Blue-heron 7 sings at dawn"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_encrypted_copy_is_aes256_r6_and_the_password_goes_nowhere(tmp_path: Path) -> None:
    program = copy_program("pdf", tmp_path)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    password_file = secrets / "binder-password"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    output = tmp_path / "out" / "binder.pdf"
    result = run(
        "pdf", "-f", str(program / "mkdocs.yml"), "-o", str(output), "--encrypt-password-file", str(password_file)
    )
    assert result.exit_code == 0, result.output
    encrypted = tmp_path / "out" / "binder.encrypted.pdf"
    assert f"{output}  (" in result.stdout and f"{encrypted}  (AES-256)" in result.stdout
    assert "pdf: rendering the binder with WeasyPrint" in result.stderr  # progress goes to stderr

    reader = PdfReader(encrypted)
    assert reader.is_encrypted
    assert reader.decrypt("not the password") == PasswordType.NOT_DECRYPTED
    assert subprocess.run(["qpdf", "--check", str(encrypted)], capture_output=True).returncode != 0
    shown = subprocess.run(
        ["qpdf", f"--password={PASSWORD}", "--show-encryption", str(encrypted)], capture_output=True, text=True
    ).stdout
    assert "R = 6" in shown and "AESv3" in shown and "RC4" not in shown
    assert reader.decrypt(PASSWORD) != PasswordType.NOT_DECRYPTED
    assert len(reader.pages) == len(PdfReader(output).pages)

    assert PASSWORD not in result.output
    for path in [*tmp_path.rglob("*")]:
        if path.is_file() and path != password_file:
            assert PASSWORD.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the password file is empty"),
        ("first-secret\nsecond-secret\n", "the password file must hold the password on a single line"),
    ],
)
def test_unusable_password_file_is_refused_before_building(tmp_path: Path, content: str, message: str) -> None:
    program = copy_program("pdf", tmp_path)
    password_file = tmp_path / "password"
    password_file.write_text(content, encoding="utf-8")
    result = run("pdf", "-f", str(program / "mkdocs.yml"), "--encrypt-password-file", str(password_file))
    assert result.exit_code == 1
    assert f"{password_file}: {message}" in result.output
    assert "secret" not in result.output
    assert not (program / "site").exists()


def test_program_with_errors_gets_no_pdf(tmp_path: Path) -> None:
    program = copy_program("pdf", tmp_path)
    edit(program / "content/controls.yml", "soc2: [A1.2, A1.3]", "soc2: [A1.9]")
    result = run("pdf", "-f", str(program / "mkdocs.yml"))
    assert result.exit_code == 1
    assert "content/controls.yml:" in result.output and "unknown SOC 2 criterion 'A1.9'" in result.output
    assert "binder PDF not built: 1 error(s) in the program" in result.output
    assert not (program / "site").exists()


def test_build_writes_the_binder_pdf_next_to_the_auditor_site_unless_told_not_to(tmp_path: Path) -> None:
    program = copy_program("pdf", tmp_path)
    config = str(program / "mkdocs.yml")
    skipped = run("build", "-f", config, "--audience", "auditor", "--no-pdf")
    assert skipped.exit_code == 0, skipped.output
    assert (program / "site/auditor/index.html").is_file()
    assert not (program / "site/auditor/binder.pdf").exists()

    built = run("build", "-f", config, "--audience", "public")
    assert built.exit_code == 0 and not (program / "site/public/binder.pdf").exists()

    built = run("build", "-f", config, "--audience", "auditor")
    assert built.exit_code == 0, built.output
    binder = program / "site/auditor/binder.pdf"
    assert f"binder    -> {binder}" in built.stdout
    assert "Heron Data, Inc." in subprocess.run(["pdftotext", str(binder), "-"], capture_output=True, text=True).stdout
