"""Which creation templates restore writes: only those still as the backup's run left
them, compared as AWS applies them (an omitted setting is AWS's default)."""

from __future__ import annotations

from ecrrepl.backup import Backup
from ecrrepl.config.model import CreationTemplate, Encryption
from ecrrepl.plan.writes import (
    TemplateDeletion,
    TemplateStep,
    restore_writes,
    template_conflicts,
)
from harness import models

EU = models.IRELAND
WRITTEN = CreationTemplate(account=EU.account, region=EU.region, prefix="prod", description="x")
# The same template as AWS returns it: its defaults written out.
READ_BACK = CreationTemplate(
    account=EU.account,
    region=EU.region,
    prefix="prod",
    description="x",
    image_tag_mutability="MUTABLE",
    encryption=Encryption(type="AES256"),
)
EARLIER = CreationTemplate(account=EU.account, region=EU.region, prefix="prod", description="y")


def backup(previous: CreationTemplate | None) -> Backup:
    return Backup(
        taken_by="apply",
        created_at="2026-12-02T00:00:00Z",
        templates={(EU, "prod"): previous},
        templates_written={(EU, "prod"): WRITTEN},
    )


def live(template: CreationTemplate | None) -> Backup:
    return Backup(taken_by="restore", created_at="", templates={(EU, "prod"): template})


def test_the_template_as_apply_wrote_it_is_deleted_or_put_back() -> None:
    assert template_conflicts(backup(None), live(READ_BACK)) == []
    assert restore_writes(backup(None), live(READ_BACK)) == [TemplateDeletion(EU, "prod")]
    assert restore_writes(backup(EARLIER), live(READ_BACK)) == [TemplateStep(EARLIER, create=False)]


def test_a_template_already_as_the_backup_holds_it_needs_no_write() -> None:
    assert restore_writes(backup(None), live(None)) == []
    assert restore_writes(backup(EARLIER), live(EARLIER)) == []
    assert template_conflicts(backup(EARLIER), live(EARLIER)) == []


def test_a_template_changed_since_is_a_conflict_and_never_written() -> None:
    changed = CreationTemplate(account=EU.account, region=EU.region, prefix="prod", description="z")
    for previous, now in [(None, changed), (EARLIER, changed), (EARLIER, None)]:
        conflicts = template_conflicts(backup(previous), live(now))
        assert [(c.registry, c.prefix, c.restored, c.live) for c in conflicts] == [
            (EU, "prod", previous, now)
        ]
        assert restore_writes(backup(previous), live(now)) == []
