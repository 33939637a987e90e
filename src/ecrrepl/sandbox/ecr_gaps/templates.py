"""Gap b: repository creation templates (Create/Describe/Update/Delete), and the template
a repository created by replication takes its settings from."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from typing import Any

import botocore.session
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import ECRBackend
from moto.ecr.responses import ECRResponse

from .paging import checked_page_size, page_at_offset

_templates_lock = threading.Lock()


class TemplateAlreadyExistsException(ServiceException):
    code = "TemplateAlreadyExistsException"


class TemplateNotFoundException(ServiceException):
    code = "TemplateNotFoundException"


# The documented pattern and settings, read from botocore's model rather than copied.
_MODEL = botocore.session.get_session().get_service_model("ecr")
PREFIX_PATTERN = re.compile(_MODEL.shape_for("Prefix").metadata["pattern"])
# Every member of CreateRepositoryCreationTemplateRequest but the prefix, in the model's order.
_CREATE: Any = _MODEL.shape_for("CreateRepositoryCreationTemplateRequest")  # a StructureShape
TEMPLATE_SETTINGS = tuple(member for member in _CREATE.members if member != "prefix")
# An update that sends one of these empty clears the setting. The API reference does not
# say so; it is how Terraform's resourceRepositoryCreationTemplateUpdate clears them
# (hashicorp/terraform-provider-aws, internal/service/ecr/repository_creation_template.go:
# it sends "" for a removed description, role or policy and [] for removed tags).
CLEARABLE_SETTINGS = (
    "description",
    "resourceTags",
    "repositoryPolicy",
    "lifecyclePolicy",
    "customRoleArn",
)
DEFAULT_PAGE_SIZE = 100
MAXIMUM_PAGE_SIZE = 1000
ROOT_PREFIX = "ROOT"
# botocore ECR model, UpdateRepositoryCreationTemplateRequest.imageTagMutability: "If
# this parameter is omitted, the default setting of MUTABLE will be used" (checked
# 2026-12-02). No other member documents what omitting it does; the emulator keeps
# those, which is what made ecrrepl send every member on update.
OMITTED_MUTABILITY = "MUTABLE"
WITH_EXCLUSION = ("IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")


def namespace(prefix: str) -> str:
    """The repositories a prefix stands for. botocore ECR model,
    CreateRepositoryCreationTemplateRequest.prefix: "There is always an assumed / applied
    to the end of the prefix. If you specify ecr-public as the prefix, Amazon ECR treats
    that as ecr-public/." So `prod` and `prod/` are one template. Whether AWS keeps the
    text as sent is not documented; the emulator keeps it (checked 2026-12-02)."""
    return prefix if prefix == ROOT_PREFIX else prefix.rstrip("/") + "/"


def _templates(backend: ECRBackend) -> dict[str, dict[str, Any]]:
    # Backends created before install() (or recreated by a reset) lack the attribute.
    store: dict[str, dict[str, Any]] | None = getattr(
        backend, "repository_creation_templates", None
    )
    if store is None:
        store = {}
        backend.repository_creation_templates = store  # type: ignore[attr-defined]
    return store


def _not_found(backend: ECRBackend, prefix: str) -> TemplateNotFoundException:
    return TemplateNotFoundException(
        f"The repository creation template with prefix '{prefix}' does not exist "
        f"in the registry with id '{backend.account_id}'"
    )


def _validate_template(template: dict[str, Any]) -> None:
    ECRBackend.validate_image_tag_mutability_params_compatibility(
        template["imageTagMutability"], template.get("imageTagMutabilityExclusionFilters")
    )


def create_repository_creation_template(
    self: ECRBackend, settings: dict[str, Any]
) -> dict[str, Any]:
    """Create a template; its prefix is unique in the registry.

    AWS: TemplateAlreadyExistsException when the prefix has a template; the prefix
    follows the documented pattern (or is ROOT); image tag mutability defaults to
    MUTABLE and encryption to AES256.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
    """
    prefix = settings["prefix"]
    if not PREFIX_PATTERN.match(prefix):
        raise InvalidParameterException(
            f"Invalid parameter at 'prefix' failed to satisfy constraint: '{prefix}'"
        )
    now = datetime.now(UTC)
    template: dict[str, Any] = {
        "prefix": prefix,
        "imageTagMutability": "MUTABLE",
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }
    template.update({k: settings[k] for k in TEMPLATE_SETTINGS if settings.get(k) is not None})
    template = {k: v for k, v in template.items() if v not in ("", [])}
    _validate_template(template)
    template |= {"createdAt": now, "updatedAt": now}
    with _templates_lock:
        store = _templates(self)
        if namespace(prefix) in store:
            raise TemplateAlreadyExistsException(
                f"The repository creation template with prefix '{prefix}' already exists "
                f"in the registry with id '{self.account_id}'"
            )
        store[namespace(prefix)] = template
    return {"registryId": self.account_id, "repositoryCreationTemplate": template}


def describe_repository_creation_templates(
    self: ECRBackend, prefixes: list[str] | None, next_token: str | None, max_results: int | None
) -> dict[str, Any]:
    """List templates by prefix, in pages of `maxResults` (default 100, at most 1000: botocore
    ECR model, DescribeRepositoryCreationTemplatesRequest.maxResults) with nextToken. A
    page size out of range or a token no page gave is refused as paging.py refuses it
    (the model lists InvalidParameterException and ValidationException; no source says
    which AWS sends).

    Unknown prefixes are left out rather than refused; a prefix finds its template with
    or without the trailing `/` (see namespace).
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositoryCreationTemplates.html
    """
    wanted = {namespace(p) for p in prefixes or ()}
    with _templates_lock:
        store = _templates(self)
        selected = [
            store[key]
            for key in sorted(store, key=lambda k: store[k]["prefix"])
            if not wanted or key in wanted
        ]
    size = checked_page_size(max_results, DEFAULT_PAGE_SIZE, MAXIMUM_PAGE_SIZE)
    page, token = page_at_offset(selected, size, next_token)
    answer: dict[str, Any] = {"registryId": self.account_id, "repositoryCreationTemplates": page}
    if token is not None:
        answer["nextToken"] = token
    return answer


def update_repository_creation_template(
    self: ECRBackend, settings: dict[str, Any]
) -> dict[str, Any]:
    """Change the settings sent; an empty value clears a setting; others are kept, except
    the tag mutability, which becomes MUTABLE when it is not sent (OMITTED_MUTABILITY).

    Exclusion filters not sent stay while the mutability keeps using them, and go with a
    mutability that has none (Terraform sends the mutability alone to change it, and
    without filters to drop them).
    AWS: TemplateNotFoundException when the prefix has no template.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateRepositoryCreationTemplate.html
    """
    prefix = settings["prefix"]
    with _templates_lock:
        store = _templates(self)
        key = namespace(prefix)
        if key not in store:
            raise _not_found(self, prefix)
        template = dict(store[key])
        for name in TEMPLATE_SETTINGS:
            if settings.get(name) is None:
                continue
            if name in CLEARABLE_SETTINGS and settings[name] in ("", []):
                template.pop(name, None)
            else:
                template[name] = settings[name]
        template["imageTagMutability"] = settings.get("imageTagMutability") or OMITTED_MUTABILITY
        if template["imageTagMutability"] not in WITH_EXCLUSION:
            template.pop("imageTagMutabilityExclusionFilters", None)
        _validate_template(template)
        template["updatedAt"] = datetime.now(UTC)
        store[key] = template
    return {"registryId": self.account_id, "repositoryCreationTemplate": template}


def delete_repository_creation_template(self: ECRBackend, prefix: str) -> dict[str, Any]:
    """Delete a template. AWS: TemplateNotFoundException when the prefix has none.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepositoryCreationTemplate.html
    """
    with _templates_lock:
        store = _templates(self)
        if namespace(prefix) not in store:
            raise _not_found(self, prefix)
        template = store.pop(namespace(prefix))
    return {"registryId": self.account_id, "repositoryCreationTemplate": template}


def _template_settings(response: ECRResponse) -> dict[str, Any]:
    return {key: response._get_param(key) for key in ("prefix", *TEMPLATE_SETTINGS)}


def handle_create_template(self: ECRResponse) -> ActionResult:
    return ActionResult(
        create_repository_creation_template(self.ecr_backend, _template_settings(self))
    )


def handle_describe_templates(self: ECRResponse) -> ActionResult:
    return ActionResult(
        describe_repository_creation_templates(
            self.ecr_backend,
            self._get_param("prefixes"),
            self._get_param("nextToken"),
            self._get_param("maxResults"),
        )
    )


def handle_update_template(self: ECRResponse) -> ActionResult:
    return ActionResult(
        update_repository_creation_template(self.ecr_backend, _template_settings(self))
    )


def handle_delete_template(self: ECRResponse) -> ActionResult:
    return ActionResult(
        delete_repository_creation_template(self.ecr_backend, self._get_param("prefix"))
    )


def replication_template(backend: ECRBackend, repository_name: str) -> dict[str, Any] | None:
    """The template whose settings a repository created by replication gets, if any.

    Only templates with REPLICATION in appliedFor count. A prefix covers the repositories
    in its namespace (`prod` covers `prod/api`, not `production`); the longest prefix wins,
    and ROOT covers every repository no other template covers.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
    """
    with _templates_lock:
        candidates = [
            t for t in _templates(backend).values() if "REPLICATION" in t.get("appliedFor", [])
        ]
    covering = [
        t
        for t in candidates
        if t["prefix"] != ROOT_PREFIX and repository_name.startswith(namespace(t["prefix"]))
    ]
    if covering:
        return dict(max(covering, key=lambda t: len(namespace(t["prefix"]))))
    root = [t for t in candidates if t["prefix"] == ROOT_PREFIX]
    return dict(root[0]) if root else None
