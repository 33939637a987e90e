"""Rules the loader and the model builder report while reading YAML (E001..E007).

They have no check function: the findings come from config/loader.py and
config/build.py. Declaring them here gives them the same documentation as every
other rule.
"""

from ecrrepl.lint.registry import declare

YAML_SPEC = "YAML 1.1 specification, https://yaml.org/spec/1.1/"

declare(
    "E001",
    "YAML syntax error",
    source=YAML_SPEC,
    doc="""
    The file is not valid YAML (or not UTF-8 text), so nothing in it can be checked.
    Tabs are a common cause: YAML indents with spaces only.
    """,
)

declare(
    "E002",
    "duplicate mapping key",
    source=YAML_SPEC + " (keys of a mapping are unique)",
    doc="""
    A key appears twice in one mapping. YAML loaders silently keep the last one, so
    half of what the reviewer read would be ignored; ecrrepl refuses instead. An
    account declared under `accounts` in two files is reported the same way, and so is
    a key repeated in a policy given as `file:` (JSON readers keep the last one too).
    """,
)

declare(
    "E003",
    "unknown key",
    source="ecrrepl configuration format, version 1 (`ecrrepl schema`)",
    doc="""
    A key that the format does not know, usually a typo; the finding suggests the
    closest known key. An unknown key is an error because a misspelt optional key
    (say `delete_replicaton`) would otherwise be ignored without a word.
    """,
)

declare(
    "E004",
    "missing required key, wrong type, or value outside an enum",
    source="ecrrepl configuration format, version 1; ECR API reference for the enums "
    "(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/)",
    doc="""
    A required key is missing, a value has the wrong type (a list where a mapping is
    expected, a number where a string is), or a value is not one of those an enum
    allows (`image_tag_mutability: immutable` instead of `IMMUTABLE`). An empty file
    and `filters: []` are reported here too: omit `filters` to replicate everything.
    """,
)

declare(
    "E005",
    "unsupported version",
    source="ecrrepl configuration format",
    doc="""
    Every file of a configuration starts with `version: 1`, the plain integer: the only
    version of the format. A future format would change meanings, so a file written for
    it is refused rather than guessed at; `"1"` (a string) and `0x1` are refused too,
    with a message that says how to write it.
    """,
)

declare(
    "E006",
    "input over the loader's limits",
    source="Billion laughs attack, https://en.wikipedia.org/wiki/Billion_laughs_attack",
    doc="""
    The file is larger than 8 MiB, or its aliases expand it to more than two million
    nodes (a "billion laughs" document is a few hundred bytes that expand to a billion
    strings), or an alias contains itself, or lists and mappings nest more than 100
    deep (aliases included; libyaml would otherwise recurse until the process crashes).
    ecrrepl stops reading before any of that costs memory or time.
    """,
)

declare(
    "E007",
    "account ID that is not a 12-digit string",
    source="ECR API reference, RegistryId (pattern [0-9]{12}), "
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html",
    doc="""
    Account IDs are 12 digits, written as quoted strings. An unquoted number is
    refused even when it has 12 digits: YAML 1.1 reads `012345670123` as the octal
    number 1402433619, and a leading zero is common in account IDs. After the finding,
    the ID is read as it is written, so the rest of its entry is still checked.
    """,
)
