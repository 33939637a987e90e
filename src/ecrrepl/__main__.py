"""`python -m ecrrepl`: the same as the `ecrrepl` command."""

from ecrrepl.cli import main

raise SystemExit(main())
