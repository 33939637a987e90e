"""The four findings renderers as pure functions, on findings built by hand."""

from __future__ import annotations

import json

from ecrrepl.findings import Finding, Location
from ecrrepl.render.findings_github import render_findings_github
from ecrrepl.render.findings_json import render_findings_json
from ecrrepl.render.findings_summary import FindingsSummary
from ecrrepl.render.findings_text import MAX_QUOTED_CHARS, render_findings_text

SOURCE = """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - destinations:
          - region: us-est-1
"""

E105 = Finding(
    "E105",
    "unknown region 'us-est-1'; did you mean 'us-east-1'?",
    Location("ecrrepl.yaml", 7, 21, "registries[0].rules[0].destinations[0].region"),
)
I116 = Finding(
    "I116", "rule #1 has no filters", Location("ecrrepl.yaml", 6, 9, "registries[0].rules[0]")
)


def summary_of(*findings: Finding, files: int = 1) -> FindingsSummary:
    return FindingsSummary.of(list(findings), files=files)


# --- summary line ----------------------------------------------------------------------


def test_summary_counts_each_severity_with_plurals() -> None:
    warning = Finding("W112", "covered", Location("a.yaml", 1, 1))
    assert summary_of(E105, I116, warning, warning).sentence() == (
        "1 error, 2 warnings, 1 info in 1 file"
    )
    assert summary_of(E105, E105, files=2).sentence() == "2 errors, 0 warnings, 0 infos in 2 files"


def test_summary_without_findings_says_ok() -> None:
    assert summary_of(files=3).sentence() == "ok: no findings in 3 files"
    assert summary_of(files=1).sentence() == "ok: no findings in 1 file"


# --- text ------------------------------------------------------------------------------


def test_text_quotes_the_line_with_a_caret_under_the_column() -> None:
    text = render_findings_text([I116, E105], {"ecrrepl.yaml": SOURCE}, summary_of(I116, E105))
    assert text == (
        "ecrrepl.yaml:6:9  I116 info  rule #1 has no filters\n"
        "  6 |       - destinations:\n"
        "    |         ^\n"
        "\n"
        "ecrrepl.yaml:7:21  E105 error  unknown region 'us-est-1'; did you mean 'us-east-1'?\n"
        "  7 |           - region: us-est-1\n"
        "    |                     ^\n"
        "\n"
        "1 error, 0 warnings, 1 info in 1 file\n"
    )


def test_text_without_findings_is_the_ok_line_alone() -> None:
    assert render_findings_text([], {}, summary_of(files=2)) == "ok: no findings in 2 files\n"


def test_text_groups_findings_by_file_in_order_of_first_appearance() -> None:
    in_b = Finding("E109", "no destinations", Location("b.yaml", 1, 1))
    in_a = Finding("E110", "name used twice", Location("a.yaml", 2, 1))
    later_in_b = Finding("W111", "twice", Location("b.yaml", 3, 1))
    text = render_findings_text([in_b, in_a, later_in_b], {}, summary_of(in_b, in_a, files=2))
    headlines = [line for line in text.splitlines() if ".yaml:" in line]
    assert headlines == [
        "b.yaml:1:1  E109 error  no destinations",
        "b.yaml:3:1  W111 warning  twice",
        "a.yaml:2:1  E110 error  name used twice",
    ]


def test_text_skips_the_quote_when_the_line_is_not_in_the_source() -> None:
    beyond = Finding("E001", "unexpected end of file", Location("ecrrepl.yaml", 99, 1))
    unknown_file = Finding("E108", "declared twice", Location("<generated>", 1, 1))
    text = render_findings_text(
        [beyond, unknown_file], {"ecrrepl.yaml": SOURCE}, summary_of(beyond, unknown_file)
    )
    assert "|" not in text
    assert text.count("\n") == 5  # two headlines, two blank lines, the summary


def test_text_caret_keeps_tabs_so_it_lines_up_in_any_terminal() -> None:
    source = "version: 1\nkey:\t\tvalue\n"
    finding = Finding("E003", "unknown key", Location("t.yaml", 2, 7))
    text = render_findings_text([finding], {"t.yaml": source}, summary_of(finding))
    assert "  2 | key:\t\tvalue\n    |     \t\t^\n" in text


def test_text_caret_at_the_end_when_the_column_is_past_the_line() -> None:
    finding = Finding("E001", "expected a value", Location("t.yaml", 1, 40))
    text = render_findings_text([finding], {"t.yaml": "version:\n"}, summary_of(finding))
    assert "  1 | version:\n    |         ^\n" in text


def test_text_shows_a_window_of_a_very_long_line_with_the_caret_inside() -> None:
    long_line = "filters: [" + ", ".join(f"team{n:04}/" for n in range(100)) + "]"
    column = long_line.index("team0050/") + 1
    finding = Finding("W112", "covered", Location("t.yaml", 1, column))
    text = render_findings_text([finding], {"t.yaml": long_line}, summary_of(finding))
    quoted, caret = text.splitlines()[1:3]
    shown = quoted.split(" | ", 1)[1]
    assert shown.startswith("…") and shown.endswith("…")
    assert len(shown) == MAX_QUOTED_CHARS + 2
    assert shown[len(caret.split(" | ", 1)[1]) - 1 :].startswith("team0050/")


def test_text_gutter_fits_the_widest_line_number_of_the_file() -> None:
    source = "\n".join(f"line{n}" for n in range(1, 121)) + "\n"
    early = Finding("E003", "a", Location("t.yaml", 9, 1))
    late = Finding("E003", "b", Location("t.yaml", 120, 1))
    text = render_findings_text([early, late], {"t.yaml": source}, summary_of(early, late))
    assert "    9 | line9\n" in text
    assert "  120 | line120\n" in text


def test_text_in_colour_has_ansi_styles_and_the_same_words() -> None:
    plain = render_findings_text([E105], {"ecrrepl.yaml": SOURCE}, summary_of(E105))
    coloured = render_findings_text(
        [E105], {"ecrrepl.yaml": SOURCE}, summary_of(E105), color=True
    )
    assert "\x1b[1;31mE105 error\x1b[0m" in coloured
    assert _strip_ansi(coloured) == plain


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# --- json ------------------------------------------------------------------------------


def test_json_is_exactly_the_documented_object() -> None:
    document = json.loads(render_findings_json([E105], summary_of(E105)))
    assert document == {
        "findings": [
            {
                "rule": "E105",
                "severity": "error",
                "message": "unknown region 'us-est-1'; did you mean 'us-east-1'?",
                "file": "ecrrepl.yaml",
                "line": 7,
                "column": 21,
                "path": "registries[0].rules[0].destinations[0].region",
                "suppressed": False,
            }
        ],
        "summary": {"files": 1, "errors": 1, "warnings": 0, "infos": 0, "suppressed": 0},
    }
    assert list(document["findings"][0]) == [
        "rule", "severity", "message", "file", "line", "column", "path", "suppressed",
    ]  # fmt: skip


def test_json_without_findings_still_has_the_summary() -> None:
    assert json.loads(render_findings_json([], summary_of(files=2))) == {
        "findings": [],
        "summary": {"files": 2, "errors": 0, "warnings": 0, "infos": 0, "suppressed": 0},
    }


# --- github ----------------------------------------------------------------------------


def test_github_one_workflow_command_per_finding_with_its_level() -> None:
    warning = Finding("W111", "same destination twice", Location("ecrrepl.yaml", 8, 13))
    assert render_findings_github([E105, warning, I116]) == (
        "::error file=ecrrepl.yaml,line=7,col=21,title=E105::"
        "unknown region 'us-est-1'; did you mean 'us-east-1'?\n"
        "::warning file=ecrrepl.yaml,line=8,col=13,title=W111::same destination twice\n"
        "::notice file=ecrrepl.yaml,line=6,col=9,title=I116::rule #1 has no filters\n"
    )


def test_github_escapes_data_and_properties_as_the_runner_parses_them() -> None:
    tricky = Finding(
        "E001", "100% broken:\r\nline two, really", Location("dir,one/a:b%.yaml", 1, 2)
    )
    assert render_findings_github([tricky]) == (
        "::error file=dir%2Cone/a%3Ab%25.yaml,line=1,col=2,title=E001::"
        "100%25 broken:%0D%0Aline two, really\n"
    )


def test_github_without_findings_prints_nothing() -> None:
    assert render_findings_github([]) == ""
