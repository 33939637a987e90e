"""From file names to a configuration and its findings: the offline pipeline."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ecrrepl.config.build import ModelBuilder
from ecrrepl.config.files import config_paths as config_paths
from ecrrepl.config.loader import MAX_FILE_BYTES, parse_document
from ecrrepl.config.model import AccountAccess, Config, ReplicationRule
from ecrrepl.errors import UsageError
from ecrrepl.findings import Finding, Location, Severity
from ecrrepl.input_files import MAX_PLAN_BYTES, RefusedFile, read_regular_file
from ecrrepl.lint.registry import run_checks


class ValidationResult:
    """The configuration, its findings (lint rules add theirs) and the files' text."""

    def __init__(
        self,
        config: Config,
        findings: list[Finding] | None = None,
        sources: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.findings = findings if findings is not None else []
        # file name -> its text, so that renderers can quote the offending line
        self.sources = sources if sources is not None else {}

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


# What every suppression comment contains (lint/suppression_comments.MARK, which a
# test keeps equal): a file without it needs no comment scan.
COMMENT_MARK = "ecrrepl:"


class TooLarge(UsageError):
    """A file over its size cap; a configuration's is a finding (E006), not a usage error."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason


def read_config_bytes(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes (at most `limit`), or a usage error (exit 2) naming it."""
    try:
        return read_regular_file(path, limit)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except RefusedFile as refused:
        if refused.too_large:
            raise TooLarge(path, refused.reason) from None
        raise UsageError(f"{path}: {refused.reason}") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None


def read_input_text(path: str) -> str:
    """A plan or backup file's text, or a usage error (exit 2) naming it."""
    try:
        return read_config_bytes(path, MAX_PLAN_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read: it is not UTF-8 text") from None


def load_files(paths: Sequence[str]) -> ValidationResult:
    """Parse and build every file into one configuration, with structural findings.

    Any file may hold any of the sections; what two files both declare is reported at
    the second, naming the first (accounts here, registries E108 and templates E302 by
    their lint rules)."""
    findings: list[Finding] = []
    sources: dict[str, str] = {}
    accounts: dict[str, AccountAccess] = {}
    registries = []
    templates = []
    owners: list[tuple[str, Location]] = []
    unbuilt: set[str] = set()
    rules_missing_destinations: set[Location] = set()
    unplaced_rules: list[ReplicationRule] = []
    declares_replication = False
    for path in paths:
        try:
            data = read_config_bytes(path)
        except TooLarge as error:
            findings.append(Finding("E006", f"file {error.reason}", Location(path, 1, 1)))
            unbuilt.add("file")
            continue
        sources[path] = data.decode("utf-8", "replace")
        root, file_findings = parse_document(path, data)
        findings.extend(file_findings)
        if any(f.rule in ("E001", "E006") for f in file_findings):
            unbuilt.add("file")
            continue
        builder = ModelBuilder(path, findings, sources)
        contents = builder.build(root)
        unbuilt |= builder.unbuilt
        rules_missing_destinations |= builder.rules_missing_destinations
        unplaced_rules.extend(builder.unplaced_rules)
        declares_replication = declares_replication or contents.declares_replication
        for account, access in contents.accounts.items():
            if account in accounts:
                first = accounts[account].where
                findings.append(
                    Finding(
                        "E002",
                        f"account {account} is declared again (first at {first})",
                        access.where,
                    )
                )
                continue
            accounts[account] = access
        registries.extend(contents.registries)
        templates.extend(contents.templates)
        if contents.owner is not None:
            owners.append(contents.owner)
    if paths and not declares_replication and "file" not in unbuilt:
        findings.append(_nothing_to_replicate(paths))
    config = Config(
        files=tuple(paths),
        accounts=accounts,
        registries=tuple(registries),
        templates=tuple(templates),
        owner=owners[0][0] if owners else None,
        owners_declared=tuple(owners),
        unbuilt=frozenset(unbuilt),
        rules_missing_destinations=frozenset(rules_missing_destinations),
        unplaced_rules=tuple(unplaced_rules),
    )
    return ValidationResult(config, findings, sources)


def _nothing_to_replicate(paths: Sequence[str]) -> Finding:
    where = "the file has" if len(paths) == 1 else f"none of its {len(paths)} files has"
    return Finding(
        "E004",
        f"the configuration declares nothing to manage: {where} a `registries` or "
        "`templates` key",
        Location(paths[0], 1, 1),
    )


def validate_files(paths: Sequence[str], ignore: Collection[str] = ()) -> ValidationResult:
    """Load the files and run every lint rule; findings sorted by file, line, column.

    Warnings and infos that a comment in the files or `ignore` (rule IDs) accepts are
    marked suppressed. The suppression code is imported only when there is one: most
    files have none, and `validate` counts its start-up time.
    """
    result = load_files(paths)
    result.findings.extend(run_checks(result.config))
    if ignore or any(COMMENT_MARK in text for text in result.sources.values()):
        from ecrrepl.lint.suppressions import apply_suppressions

        result.findings = apply_suppressions(result.findings, result.sources, ignore)
    result.findings.sort(key=Finding.sort_key)
    return result
