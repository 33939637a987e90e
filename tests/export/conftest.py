"""Export runs in-process on moto with the gap harness; fixtures as in tests/aws."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS_FOLDER = Path(__file__).resolve().parent.parent
if str(TESTS_FOLDER) not in sys.path:
    sys.path.insert(0, str(TESTS_FOLDER))

from aws.conftest import assume, aws, aws_environment  # noqa: E402, F401
