"""Gap i: DescribeRepositories answers in pages, as AWS does.

Stock moto ignores maxResults and nextToken ("maxResults and nextToken not implemented",
moto/ecr/models.py) and lists every repository of a registry in one answer, so code that
reads 2,500 repositories makes 1 call against moto and 25 against AWS.

AWS (botocore ECR model, DescribeRepositoriesRequest.maxResults, MaxResults min 1 max
1000, and the API reference,
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html,
checked 2026-12-02): "This value can be between 1 and 1000. If this parameter is not
used, then DescribeRepositories returns up to 100 results and a nextToken value, if
applicable. This option cannot be used when you specify repositories with
repositoryNames." nextToken: "Pagination continues from the end of the previous results
that returned the nextToken value. This value is null when there are no more results to
return. This option cannot be used when you specify repositories with repositoryNames."

Where the sources are silent, decisions here:
- The error for maxResults or nextToken sent with repositoryNames: the reference says only
  "cannot be used"; of the operation's errors (ServerException, InvalidParameterException,
  RepositoryNotFoundException) InvalidParameterException is the one that fits.
- A nextToken that no page gave: the reference names no error for it;
  InvalidParameterException ("The specified parameter is invalid").
- The order of repositories: not documented. The emulator lists them by name, and a page
  continues after the last name of the previous one (paging.page_after_key).
With repositoryNames alone, and for registryId, moto's own answer is unchanged.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import Repository
from moto.ecr.responses import ECRResponse

from .paging import checked_page_size, page_after_key

# botocore ECR model: MaxResults of DescribeRepositoriesRequest (min 1, max 1000), and
# "returns up to 100 results" without it (API reference, checked 2026-12-02).
DEFAULT_PAGE_SIZE = 100
MAXIMUM_PAGE_SIZE = 1000
LISTING = "repositories"


def _name(repository: Repository) -> str:
    return repository.name


def handle_describe_repositories(self: ECRResponse) -> ActionResult:
    names = self._get_param("repositoryNames")
    registry_id = self._get_param("registryId")
    max_results = self._get_param("maxResults")
    token = self._get_param("nextToken")
    if names and (max_results is not None or token is not None):
        raise InvalidParameterException(
            "Invalid parameter at 'repositoryNames' failed to satisfy constraint: "
            "'maxResults and nextToken cannot be used when you specify repositories "
            "with repositoryNames'"
        )
    size = checked_page_size(max_results, DEFAULT_PAGE_SIZE, MAXIMUM_PAGE_SIZE)
    repositories = self.ecr_backend.describe_repositories(
        registry_id=registry_id, repository_names=names
    )
    # moto's answer carries an empty "failures", which is not in AWS's shape; kept as is.
    if names:
        return ActionResult({"repositories": repositories, "failures": []})
    listed = sorted(repositories, key=_name)
    # A token continues the listing of the registry it came from, in its region only.
    registry = registry_id or self.ecr_backend.account_id
    listing = f"{LISTING}/{registry}/{self.region}"
    page, next_token = page_after_key(listed, _name, listing, size, token)
    answer: dict[str, object] = {"repositories": page, "failures": []}
    if next_token is not None:
        answer["nextToken"] = next_token
    return ActionResult(answer)
