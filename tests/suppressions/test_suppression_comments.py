"""Reading suppression comments from a file's text: placements, real comments only."""

from __future__ import annotations

from ecrrepl import validation
from ecrrepl.lint import suppression_comments
from ecrrepl.lint.suppression_comments import FILE, LINE, scan_comments


def scan(text: str) -> list[tuple[str, int, list[tuple[str, int]], str]]:
    """(scope, target line, [(rule, column)], reason) of each directive in `text`."""
    directives, unreadable = scan_comments("f.yaml", text)
    assert unreadable == []
    return [
        (d.scope, d.target_line, [(r.rule, r.where.column) for r in d.rules], d.reason)
        for d in directives
    ]


def test_trailing_comment_suppresses_its_own_line() -> None:
    text = "a: 1\nb: 2  # ecrrepl: ignore[W115] both accounts opted in\n"
    assert scan(text) == [(LINE, 2, [("W115", 25)], "both accounts opted in")]


def test_comment_alone_on_a_line_suppresses_the_line_below() -> None:
    text = "a: 1\n  # ecrrepl: ignore[W115] opted in\nb: 2\n"
    assert scan(text) == [(LINE, 3, [("W115", 21)], "opted in")]


def test_file_wide_comment_anywhere() -> None:
    text = "a: 1\nb: 2  # ecrrepl: ignore-file[W113] deliberate\n"
    assert scan(text) == [(FILE, 2, [("W113", 30)], "deliberate")]
    directives, _ = scan_comments("f.yaml", text)
    assert directives[0].where.line == 2 and directives[0].where.column == 7


def test_several_ids_each_with_its_column_and_no_reason() -> None:
    text = "a: 1  #ecrrepl:ignore[W115, W113 ,I116]\n"
    assert scan(text) == [(LINE, 1, [("W115", 23), ("W113", 29), ("I116", 35)], "")]


def test_reason_loses_a_leading_separator() -> None:
    assert scan("a: 1  # ecrrepl: ignore[W115] -- opted in\n")[0][3] == "opted in"
    assert scan("a: 1  # ecrrepl: ignore[W115]: opted in\n")[0][3] == "opted in"


def test_hash_inside_quoted_strings_is_not_a_comment() -> None:
    text = (
        'a: "x # ecrrepl: ignore[W115] no"\n'
        "b: 'y # ecrrepl: ignore[W115] no'\n"
        'c: "multi\n  # ecrrepl: ignore[W115] still inside\n  line"\n'
        "d: [\"z # ecrrepl: ignore[W115]\"]  # ecrrepl: ignore[W113] real\n"
    )
    assert scan(text) == [(LINE, 6, [("W113", 53)], "real")]


def test_block_scalar_content_is_not_a_comment_but_its_header_comment_is() -> None:
    text = (
        "policy: |  # ecrrepl: ignore[W315] header comment\n"
        "  # ecrrepl: ignore[W115] this is the policy text\n"
        "  more\n"
        "folded: >\n"
        "  # ecrrepl: ignore[W115] folded text\n"
        "# ecrrepl: ignore-file[W113] after the block, at column 1\n"
        "after: 1\n"
    )
    assert scan(text) == [
        (LINE, 1, [("W315", 30)], "header comment"),
        (FILE, 7, [("W113", 24)], "after the block, at column 1"),
    ]


def test_hash_glued_to_a_value_is_not_a_comment() -> None:
    assert scan("a: b#ecrrepl:ignore[W115]\n") == []


def test_directive_after_another_comment_on_its_own_line_is_alone() -> None:
    assert scan("# note # ecrrepl: ignore[W115] x\nb: 1\n") == [(LINE, 2, [("W115", 26)], "x")]


def test_crlf_and_byte_order_mark() -> None:
    text = "\ufeffa: 1  # ecrrepl: ignore[W115] r\r\nb: 2  # ecrrepl: ignore[W113] s\r\n"
    assert scan(text) == [(LINE, 1, [("W115", 25)], "r"), (LINE, 2, [("W113", 25)], "s")]


def test_misspelt_directive_is_unreadable() -> None:
    directives, unreadable = scan_comments("f.yaml", "a: 1  # ecrrepl: ignore W115\n")
    assert directives == []
    assert [(u.where.line, u.where.column, u.text) for u in unreadable] == [
        (1, 7, "# ecrrepl: ignore W115")
    ]


def test_text_that_does_not_scan_has_no_suppressions() -> None:
    assert scan_comments("f.yaml", 'a: "open  # ecrrepl: ignore[W115]\n') == ([], [])


def test_text_without_the_mark_is_not_scanned() -> None:
    assert scan_comments("f.yaml", "a: [1, 2\n# just a comment\n") == ([], [])


def test_the_pipeline_looks_for_the_mark_every_directive_has() -> None:
    assert validation.COMMENT_MARK == suppression_comments.MARK
