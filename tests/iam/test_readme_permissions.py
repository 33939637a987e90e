"""The README's permission table is generated from the permission table, and kept current."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.iam.readme import BEGIN, END, main, render_permissions_section, replace_section
from ecrrepl.iam.table import PERMISSIONS, Permission, Purpose, Scope
from harness.cli import python_stdout

README = Path(__file__).parents[2] / "README.md"


def test_readme_permission_section_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert text == replace_section(text), (
        "the README's permission table is out of date with src/ecrrepl/iam/table.py: "
        "run `make docs`"
    )
    assert text.count(BEGIN) == 1 and text.count(END) == 1


def test_every_permission_has_a_row() -> None:
    section = render_permissions_section()
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) == len(PERMISSIONS)
    for line, row in zip(rows, PERMISSIONS, strict=True):
        assert line.startswith(f"| `{row.action}` | {row.purpose.value} | ")


def test_a_row_lays_out_action_purpose_scope_calls_and_commands() -> None:
    row = Permission(
        "ecr:Example", Purpose.OPERATE, Scope.CUSTOM_ROLES, (), "a | b", "made up for this test"
    )
    assert render_permissions_section([row]).splitlines()[2] == (
        "| `ecr:Example` | operate | each template's `custom_role_arn` | "
        "none: AWS checks it on another call | a \\| b |"
    )


def test_replacing_keeps_what_is_around_the_markers() -> None:
    document = f"before\n{BEGIN}\nstale\n{END}\nafter\n"
    assert replace_section(document, "fresh\n") == f"before\n{BEGIN}\nfresh\n{END}\nafter\n"
    with pytest.raises(ValueError, match="no permission section markers"):
        replace_section("no markers here\n")


def test_module_prints_the_section_and_rewrites_a_file(tmp_path: Path) -> None:
    printed = python_stdout("-m", "ecrrepl.iam.readme")
    assert printed == render_permissions_section()
    target = tmp_path / "README.md"
    target.write_text(f"# x\n{BEGIN}\nold\n{END}\n", encoding="utf-8")
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == f"# x\n{BEGIN}\n{printed}{END}\n"
