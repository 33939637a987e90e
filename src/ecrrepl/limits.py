"""Every number and pattern AWS puts on what ecrrepl sends, in one table with its source.

The schema, the lint rules (their checks, summaries and documentation, hence
docs/rules.md) and the test emulator read these values from here; nothing else in the
code spells them out, and tests/limits checks that botocore's model, the schema, the
docs and the README agree. Each entry names where the value comes from; all were
checked on 2026-12-02 against botocore 1.44.8's ECR model and the AWS documents cited.

A limit is an `int` and a pattern a `str`, so either is used as a plain value; both
also carry `what` (in words) and `source`. `TABLE` maps each name to its entry, in
this order.

`validate` imports this module: keep it free of imports.
"""

from __future__ import annotations

CHECKED = "2026-12-02"
BOTOCORE_MODEL = "botocore ECR model (data/ecr/2015-09-21/service-2.json)"
API_REFERENCE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference"
USER_GUIDE = "https://docs.aws.amazon.com/AmazonECR/latest/userguide"


class _Entry:
    """What an entry of the table carries besides its value: what it limits, in words,
    and where the value comes from."""

    what: str
    source: str

    def __init__(self, value: object, what: str, source: str) -> None:
        self.what = what
        self.source = source

    def __reduce__(self) -> tuple[object, ...]:
        # The plain value is the entry as its built-in base (int or str), the last base.
        plain = type(self).__bases__[-1](self)
        return (type(self), (plain, self.what, self.source))


class Limit(_Entry, int):
    """A number AWS enforces, usable as an int, with what it limits and its source."""

    def __new__(cls, value: int, what: str, source: str) -> Limit:
        return int.__new__(cls, value)


def _length_bounds(shortest: int, longest: int, what: str, shape: str) -> tuple[Limit, Limit]:
    """The least and the most characters of one string shape of the model (`what`: of
    what, in words)."""
    source = f"{BOTOCORE_MODEL}, {shape}"
    return (
        Limit(shortest, f"characters of {what}, at least", source),
        Limit(longest, f"characters of {what}, at most", source),
    )


class Pattern(_Entry, str):
    """A regular expression AWS enforces, usable as a str, with what it matches and its source."""

    def __new__(cls, value: str, what: str, source: str) -> Pattern:
        return str.__new__(cls, value)


# -- replication configuration ----------------------------------------------------------

MAX_RULES_PER_REGISTRY = Limit(
    25,
    "replication rules in one registry",
    f"{BOTOCORE_MODEL}, ReplicationRuleList max 25 (10 before botocore 1.43.73, whose "
    'changelog reads "increase the replication rule limit from 10 to 25"); API reference, '
    f"ReplicationConfiguration: {API_REFERENCE}/API_ReplicationConfiguration.html",
)
MAX_UNIQUE_DESTINATIONS_PER_REGISTRY = Limit(
    25,
    "unique destinations across one registry's rules",
    'ECR user guide, "Private image replication", considerations ("up to 25 unique '
    f'destinations across all rules"): {USER_GUIDE}/replication.html; the botocore model '
    "does not express this quota, and the newest user guide text found (which still "
    "said 10 rules) is the only source of it",
)
MAX_DESTINATIONS_PER_RULE = Limit(
    100,
    "destinations in one replication rule",
    f"{BOTOCORE_MODEL}, ReplicationDestinationList max 100; API reference, ReplicationRule: "
    f"{API_REFERENCE}/API_ReplicationRule.html",
)
MAX_FILTERS_PER_RULE = Limit(
    100,
    "repository filters in one replication rule",
    f'{BOTOCORE_MODEL}, RepositoryFilterList max 100; ECR service quotas, "Filters per rule '
    f'in a replication configuration": {USER_GUIDE}/service-quotas.html',
)
MIN_FILTER_LENGTH, MAX_FILTER_LENGTH = _length_bounds(
    2, 256, "a replication filter", "RepositoryFilterValue"
)
FILTER_PATTERN = Pattern(
    r"^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$",
    "a replication filter (a repository-name prefix)",
    f"{BOTOCORE_MODEL}, RepositoryFilterValue pattern",
)

# -- registry and repository -------------------------------------------------------------

MAX_REGISTRY_POLICY_CHARS = Limit(
    10240,
    "characters of a registry policy",
    f"{BOTOCORE_MODEL}, RegistryPolicyText max 10240",
)
MIN_REPOSITORY_NAME_LENGTH, MAX_REPOSITORY_NAME_LENGTH = _length_bounds(
    2, 256, "a repository name", "RepositoryName"
)

# -- repository creation templates -------------------------------------------------------

MAX_TEMPLATE_PREFIX_LENGTH = Limit(
    256, "characters of a template prefix", f"{BOTOCORE_MODEL}, Prefix max 256"
)
TEMPLATE_PREFIX_PATTERN = Pattern(
    r"^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$",
    "a template prefix (a repository-name prefix, or ROOT)",
    f"{BOTOCORE_MODEL}, Prefix pattern",
)
MAX_TEMPLATE_DESCRIPTION_CHARS = Limit(
    256,
    "characters of a template description",
    f"{BOTOCORE_MODEL}, RepositoryTemplateDescription max 256",
)
MAX_REPOSITORY_POLICY_CHARS = Limit(
    10240,
    "characters of a template's repository policy",
    f"{BOTOCORE_MODEL}, RepositoryPolicyText max 10240",
)
MAX_LIFECYCLE_POLICY_CHARS = Limit(
    30720,
    "characters of a template's lifecycle policy",
    f"{BOTOCORE_MODEL}, LifecyclePolicyTextForRepositoryCreationTemplate max 30720; ECR "
    f'service quotas, "Lifecycle policy length": {USER_GUIDE}/service-quotas.html',
)
MAX_EXCLUSION_FILTERS = Limit(
    5,
    "tag mutability exclusion filters of a template",
    f"{BOTOCORE_MODEL}, ImageTagMutabilityExclusionFilters max 5",
)
MAX_EXCLUSION_FILTER_LENGTH = Limit(
    128,
    "characters of a tag mutability exclusion filter",
    f"{BOTOCORE_MODEL}, ImageTagMutabilityExclusionFilterValue max 128",
)
EXCLUSION_FILTER_PATTERN = Pattern(
    r"^[0-9a-zA-Z._*-]{1,128}$",
    "a tag mutability exclusion filter (1 to 128 characters)",
    f"{BOTOCORE_MODEL}, ImageTagMutabilityExclusionFilterValue",
)
MAX_CUSTOM_ROLE_ARN_LENGTH = Limit(
    2048, "characters of a template's custom role ARN", f"{BOTOCORE_MODEL}, CustomRoleArn max 2048"
)
MAX_KMS_KEY_LENGTH = Limit(
    2048,
    "characters of a template's KMS key",
    f"{BOTOCORE_MODEL}, KmsKeyForRepositoryCreationTemplate max 2048",
)
# botocore's pattern, '^$|arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[a-z0-9-]+',
# anchored at both ends here and with named parts, so that the partition and region of
# the key can be compared with the template's own.
KMS_KEY_PATTERN = Pattern(
    r"^arn:(?P<partition>aws[a-z0-9-]*):kms:(?P<region>[a-z0-9-]+):[0-9]{12}:key/[a-z0-9-]+$",
    "a KMS key ARN (not an alias, not a bare key ID)",
    f"{BOTOCORE_MODEL}, KmsKeyForRepositoryCreationTemplate pattern",
)

# -- lifecycle policies (a template's) --------------------------------------------------

MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS = Limit(
    4,
    "wildcards (*) in one tagPatternList pattern of a lifecycle rule",
    'ECR user guide, "Lifecycle policy properties in Amazon ECR", tagPatternList ("a '
    'maximum limit of four wildcards (*) per string"): '
    f"{USER_GUIDE}/lifecycle_policy_parameters.html",
)
MIN_ARCHIVED_DAYS_BEFORE_EXPIRY = Limit(
    90,
    "days an image stays archived before a lifecycle rule may expire it",
    'ECR user guide, "Archiving an image" ("You cannot configure lifecycle policies that '
    'delete images that have been in archive for less than 90 days"): '
    f"{USER_GUIDE}/archive-image.html",
)

# -- resource tags (of the repositories a template creates) ------------------------------

MAX_TAG_KEY_LENGTH = Limit(
    128,
    "characters of a tag key",
    f"{BOTOCORE_MODEL}, Tag documentation; API reference, Tag: {API_REFERENCE}/API_Tag.html",
)
MAX_TAG_VALUE_LENGTH = Limit(
    256,
    "characters of a tag value",
    f"{BOTOCORE_MODEL}, Tag documentation; API reference, Tag: {API_REFERENCE}/API_Tag.html",
)
MAX_TAGS_PER_RESOURCE = Limit(
    50,
    "tags on one repository",
    f'{BOTOCORE_MODEL}, TooManyTagsException documentation ("The maximum number of tags '
    'that can be applied to a repository is 50")',
)

# -- replication backfill ----------------------------------------------------------------

MAX_ACTIVE_BACKFILLS_PER_REGISTRY = Limit(
    10,
    "replication backfills in progress in one registry",
    f"API reference, StartReplicationBackfill: {API_REFERENCE}/API_StartReplicationBackfill.html",
)
MAX_ACTIVE_BACKFILLS_PER_DESTINATION_REGION = Limit(
    1,
    "replication backfills in progress for one destination Region of a registry",
    f"API reference, StartReplicationBackfill: {API_REFERENCE}/API_StartReplicationBackfill.html",
)
BACKFILL_FAILURE_THRESHOLD_MINIMUM = Limit(
    100,
    "replications a backfill processes before its 50% failure threshold applies",
    f'ECR user guide, "Replication backfill", lifecycle: {USER_GUIDE}/replication-backfill.html',
)
MAX_BACKFILLS_PAGE = Limit(
    50,
    "backfills in one page of ListReplicationBackfills",
    f"{BOTOCORE_MODEL}, ListReplicationBackfills maxResults (FiftyMaxResults max 50)",
)
MAX_BACKFILL_RESULTS_PAGE = Limit(
    1000,
    "results in one page of DescribeReplicationBackfillResults",
    f"{BOTOCORE_MODEL}, DescribeReplicationBackfillResults maxResults (MaxResults max 1000)",
)


TABLE: dict[str, Limit | Pattern] = {
    name: value for name, value in globals().items() if isinstance(value, Limit | Pattern)
}
