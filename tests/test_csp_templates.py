"""The Content-Security-Policy (web/middleware.py: script-src 'self', style-src 'self') blocks inline scripts, inline
event handlers and style attributes. A template that brings one back would break in the browser without a server
error; this walk over every HTML template catches it before. The print templates (print/) are rendered to PDF by
WeasyPrint, never served as pages, and keep their <style>."""

import re
from pathlib import Path

import ketnap

SRC = Path(ketnap.__file__).parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def served_templates() -> list[Path]:
    found = [p for p in SRC.rglob("templates/**/*.html") if "print" not in p.relative_to(SRC).parts]
    assert len(found) > 40  # the walk really reads the templates
    return sorted(found)


def test_no_served_template_has_inline_script_style_or_handlers():
    offenders = []
    for path in served_templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("style attribute", STYLE_ATTRIBUTE),
            ("on…= handler", EVENT_HANDLER),
            ("<style> element", STYLE_ELEMENT),
        ):
            offenders += [f"{path.relative_to(SRC)}: {name}" for _ in pattern.finditer(text)]
    assert offenders == []
