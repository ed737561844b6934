"""The English interface is whole: every message of the catalogue translated, none fuzzy, and the compiled .mo is
the .po's (a .po edited without compiling would leave English users reading Vietnamese)."""

import shutil
import subprocess
from pathlib import Path

import pytest

import ketnap

CATALOGUE = Path(ketnap.__file__).parent / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture
def msgfmt():
    tool = shutil.which("msgfmt")
    if tool is None:
        pytest.skip("gettext is not installed (make test installs it)")
    return tool


def test_every_message_is_translated_and_the_mo_is_compiled_from_the_po(msgfmt, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(compiled), str(CATALOGUE / "django.po")],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
        check=True,
    )
    statistics = result.stderr.strip()
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes()
