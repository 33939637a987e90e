"""Escaping at the edge (render.escape), and the renderers of AWS answers that use it:
an AWS status, failure code or repository name with control characters is shown, never
acted on, in the text, JSON and progress output of `status` and `backfill`."""

from __future__ import annotations

import io
import json
import re

import pytest

from ecrrepl.backfill import Backfill, BackfillProgress, BackfillRun, BackfillTarget, FailedImage
from ecrrepl.render import escape
from ecrrepl.render.backfill_text import render_results_text
from ecrrepl.render.status_json import render_status_json
from ecrrepl.render.status_progress import PlainProgress, status_events
from ecrrepl.render.status_text import render_status_text
from ecrrepl.render.styled import Span, render_lines
from ecrrepl.replication_status import ImageRef, ListedImage, ListedStatus, StatusReport, compare
from harness import models

HOSTILE = "a\x1b[2Jb\x07c\rd\x9be\u202ef\x7f|[bold]`g"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SOURCE = models.OREGON
DR = models.IRELAND


def test_terminal_writes_every_control_but_the_tab_as_a_visible_escape() -> None:
    assert escape.terminal(HOSTILE + "\t\n") == (
        "a\\x1b[2Jb\\x07c\\x0dd\\x9be\\u202ef\\x7f|[bold]`g\t\\x0a"
    )
    assert escape.terminal("prod/api ✓ é") == "prod/api ✓ é"


def test_every_character_escaped_is_one_isprintable_refuses() -> None:
    # terminal() returns printable text as it is without searching it: that shortcut is
    # right only while no character it escapes counts as printable.
    escaped = re.findall(escape.CONTROL, "".join(map(chr, range(0x110000))))
    assert "\x1b" in escaped and "\u202e" in escaped and "\t" not in escaped
    assert [c for c in escaped if c.isprintable()] == []
    assert all("\\" in escape.terminal(f"a{c}b") for c in escaped)


@pytest.mark.parametrize(
    "hidden", ["\u061c", "\u200b", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"]
)
def test_invisible_marks_and_zero_width_characters_are_shown(hidden: str) -> None:
    # Two names that look alike must not differ unseen: each is written as its escape.
    shown = f"\\u{ord(hidden):04x}"
    assert escape.terminal(f"prod{hidden}/api") == f"prod{shown}/api"
    assert escape.json_document(f"prod{hidden}/api") == f'"prod{shown}/api"'
    assert hidden in escape.BIDI_AND_BREAKS


def test_one_line_joins_lines_then_escapes() -> None:
    assert escape.one_line("a\r\n  b\x1bc\n") == "a b\\x1bc"


def test_markdown_cell_keeps_the_row_and_the_cell() -> None:
    cell = escape.markdown_cell("x|y\r\nz<b>&\x1b")
    assert cell == "x\\|y z&lt;b>&amp;\\x1b"
    assert "\n" not in cell and "\r" not in cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [("prod/", "`prod/`"), ("a`b", "`` a`b ``"), ("a``b`", "``` a``b` ```"), ("\x1b", "`\\x1b`")],
)
def test_markdown_code_span_cannot_be_closed_by_the_text(text: str, expected: str) -> None:
    assert escape.markdown_code(text) == expected


def test_github_encodes_what_the_runner_decodes_and_escapes_the_rest() -> None:
    assert escape.github_data("50%\r\n\x1b[31m") == "50%25%0D%0A\\x1b[31m"
    assert escape.github_property("a:b,c\x07") == "a%3Ab%2Cc\\x07"


def test_json_document_is_the_same_data_without_raw_controls() -> None:
    document = {"name": HOSTILE, "ok": "ümlaut ✓"}
    text = escape.json_document(document)
    assert RAW_CONTROL.search(text) is None
    assert "ümlaut ✓" in text
    assert json.loads(text) == document


@pytest.mark.parametrize("color", [False, True])
def test_styled_lines_escape_span_text_and_never_read_markup(color: bool) -> None:
    text = render_lines([[Span(HOSTILE, "bold")]], color=color)
    assert "[bold]" in text
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)  # our own colour codes only
    assert RAW_CONTROL.search(plain) is None
    assert "a\\x1b[2Jb\\x07c\\x0dd" in plain


def _report() -> StatusReport:
    listed = ListedImage("sha256:" + "0" * 64, (ListedStatus(DR, HOSTILE, HOSTILE),))
    image = ImageRef("prod/api", tag="1.0")
    return StatusReport(image, (compare(SOURCE, (DR,), listed),))


def test_status_outputs_show_aws_values_escaped() -> None:
    report = _report()
    stream = io.StringIO()
    PlainProgress(stream).show([], status_events(None, report))

    for output in (render_status_text(report), render_status_json(report), stream.getvalue()):
        assert RAW_CONTROL.search(output) is None, output
    assert "failure code: a\\x1b[2Jb" in render_status_text(report)
    assert json.loads(render_status_json(report))["sources"][0]["destinations"][0][
        "failure_code"
    ] == (HOSTILE)


def test_backfill_results_show_aws_values_escaped() -> None:
    target = BackfillTarget(SOURCE, DR)
    failed = FailedImage(HOSTILE, HOSTILE, None, HOSTILE, (HOSTILE,))
    backfill = Backfill(
        "id", target, HOSTILE, HOSTILE, BackfillProgress(2, 1, 1, (HOSTILE,)), (failed,)
    )
    text = render_results_text(BackfillRun(queue=[], followed=[backfill], targets=[target]))
    assert RAW_CONTROL.search(text) is None
    assert "a\\x1b[2Jb" in text
