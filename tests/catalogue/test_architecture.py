"""docs/architecture.md describes the code as it is, and the repository carries its own design.

Every module or package the page names in backticks (`aws/reader.py`, `plan/`) must exist
under src/ecrrepl (or, for `tests/...`, in the repository), so that a moved or renamed
module fails here until the page follows. And no tracked file may send a reader to a
design document outside the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "architecture.md"
SOURCE = ROOT / "src" / "ecrrepl"

# A name in backticks that looks like a module or a package: `plan/`, `aws/reader.py`.
NAMED_PATH = re.compile(r"`((?:[a-z_]+/)*[a-z_]+(?:\.py|/))`")


def named_paths() -> list[str]:
    return sorted(set(NAMED_PATH.findall(PAGE.read_text(encoding="utf-8"))))


def test_the_page_names_modules_and_packages() -> None:
    names = named_paths()
    assert "aws/reader.py" in names and "plan/" in names and "limits.py" in names


def test_every_module_and_package_the_page_names_exists() -> None:
    missing = [
        name
        for name in named_paths()
        if not (ROOT / name if name.startswith("tests/") else SOURCE / name).exists()
    ]
    assert missing == []


def test_every_package_of_the_code_is_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    packages = sorted(p.name for p in SOURCE.iterdir() if (p / "__init__.py").exists())
    assert [p for p in packages if f"`{p}/`" not in text] == []


def test_no_tracked_file_cites_a_design_outside_the_repository() -> None:
    # Spelt apart, so that this file does not cite them either.
    design, shared_folder = "DESIGN" + ".md", "../" + "shared"
    tracked = subprocess.run(
        ["git", "grep", "-l", "-e", design, "-e", shared_folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tracked.returncode in (0, 1), tracked.stderr
    assert tracked.stdout.split() == []


def test_only_the_sandbox_imports_moto() -> None:
    """moto comes with the `sandbox` extra: anything else importing it would break an
    install without it."""
    importers = [
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if re.search(r"^\s*(from|import) moto\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importers, "the emulator imports moto"
    assert [name for name in importers if not name.startswith("sandbox/")] == []


def test_thread_pools_only_in_aws() -> None:
    """AWS concurrency lives in aws/ (aws/concurrency.py, the reader): commands and the
    pure logic stay sequential."""
    pooling = [
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if "ThreadPoolExecutor" in path.read_text(encoding="utf-8")
    ]
    assert pooling and all(name.startswith("aws/") for name in pooling), pooling
