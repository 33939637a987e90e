"""The plan: desired configuration against live state, as changes and the writes to make.

Pure: nothing here reads or writes AWS. `compute_plan` builds a `Plan`; the renderers
in `ecrrepl.render` show it; a plan file (`plan_to_json`, `plan_from_json`) carries it
from `diff --out` to `apply`.
"""

from ecrrepl.plan.compute import compute_plan
from ecrrepl.plan.files import PLAN_FORMAT_VERSION, plan_from_json, plan_from_text, plan_to_json
from ecrrepl.plan.model import (
    Action,
    Aspect,
    Change,
    Plan,
    PolicySection,
    PolicyWrite,
    ReplicationSection,
    ReplicationWrite,
    Section,
    SourceFile,
    Summary,
    TemplateSection,
    TemplateWrite,
)

__all__ = [
    "PLAN_FORMAT_VERSION",
    "Action",
    "Aspect",
    "Change",
    "Plan",
    "PolicySection",
    "PolicyWrite",
    "ReplicationSection",
    "ReplicationWrite",
    "Section",
    "SourceFile",
    "Summary",
    "TemplateSection",
    "TemplateWrite",
    "compute_plan",
    "plan_from_json",
    "plan_from_text",
    "plan_to_json",
]
