"""A creation template's settings as plain JSON, by the table of template fields: what a
plan file records of each declared template, and what the live state's fingerprint
digests of each live one. plan.file_reader reads the first back."""

from __future__ import annotations

from typing import Any

from ecrrepl.config.model import CreationTemplate
from ecrrepl.config.template_fields import TEMPLATE_FIELDS, Kind


def settings_json(template: CreationTemplate, *, canonical: bool = False) -> dict[str, Any]:
    """Every setting under its name. `canonical` sorts lists and tags, for a digest that
    does not depend on the order AWS lists them in; a plan file keeps the file's order."""
    return {
        field.name: _value_json(field.kind, getattr(template, field.name), canonical)
        for field in TEMPLATE_FIELDS
    }


def _value_json(kind: Kind, value: Any, canonical: bool) -> Any:
    if kind in (Kind.CHOICES, Kind.TAG_FILTERS):
        return sorted(value) if canonical else list(value)
    if kind is Kind.ENCRYPTION:
        return None if value is None else {"type": value.type, "kms_key": value.kms_key}
    if kind is Kind.TAGS:
        return dict(sorted(value.items())) if canonical else dict(value)
    return value
