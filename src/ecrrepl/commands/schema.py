"""`ecrrepl schema`: print the JSON Schema of the configuration file, for editors and CI."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from ecrrepl.config.schema import SCHEMA
from ecrrepl.errors import EXIT_OK


def schema(out: TextIO | None = None) -> int:
    stream = sys.stdout if out is None else out
    stream.write(json.dumps(SCHEMA, indent=2) + "\n")
    return EXIT_OK
