"""Golden files: output compared byte for byte with a file next to the test.

After an intended change to the output, refresh them and review the diff before
committing: `ECRREPL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/<folder> -q`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Colour codes, to compare what a terminal shows with the plain golden text.
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def assert_golden(folder: Path, name: str, rendered: str) -> None:
    path = folder / name
    if os.environ.get("ECRREPL_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with ECRREPL_UPDATE_GOLDEN=1 to create it"
    assert rendered == path.read_text(encoding="utf-8")
