"""Rules about suppression comments (W051..W053).

They have no check function: the findings come from lint/suppressions.py, which reads
the comments after every other rule has run. Declaring them here gives them the same
documentation as every other rule.
"""

from ecrrepl.lint.registry import declare

SUPPRESSIONS = 'ecrrepl suppression comments (README, "Suppressions")'

declare(
    "W051",
    "suppression of an error (errors cannot be suppressed)",
    source=SUPPRESSIONS,
    doc="""
    A suppression comment names an error. An error is what AWS would refuse, so it
    cannot be accepted: the error is still reported and still fails the run, and the
    comment is reported too, so that nobody believes it was accepted. The rules that
    report on suppressions themselves (W051, W052, W053) cannot be suppressed either.
    """,
)

declare(
    "W052",
    "suppression that suppresses nothing",
    source=SUPPRESSIONS,
    doc="""
    A suppression comment names a rule that reports nothing on its line (or, for
    `ignore-file`, in its file). The finding it was written for has gone, or the
    comment sits on the wrong line; an unused suppression would silently accept the
    next finding of that rule there, so remove it. Reported at the rule ID, as ruff
    reports an unused `noqa`.
    """,
)

declare(
    "W053",
    "suppression comment that does not parse or names an unknown rule ID",
    source=SUPPRESSIONS,
    doc="""
    A comment starts with `# ecrrepl:` but is not `ignore[IDS] reason` or
    `ignore-file[IDS] reason`, names no ID, or names an ID the catalogue does not
    have (a typo would otherwise accept nothing without a word).
    """,
)
