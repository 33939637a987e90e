"""A create whose answer is lost on the way back: botocore retries it, and the retry meets
TemplateAlreadyExistsException. That is success when the template there is the wanted
one, and a clear failure when it is not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError

from ecrrepl.aws import writer
from ecrrepl.aws.reader import read_templates
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import Config
from ecrrepl.errors import UserError
from harness import configs, models
from harness.accounts import ecr_client

DESTINATION = models.IRELAND

CONFIG = configs.document(
    configs.registry(configs.rule(DESTINATION)),
    accounts=[configs.account(DESTINATION.account)],
    templates=[
        """\
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    applied_for: [REPLICATION]
    description: replicated prod
    image_tag_mutability: IMMUTABLE
    resource_tags: {team: platform}"""
    ],
)


@pytest.fixture
def config(aws: None, load_config: Callable[[str], Config]) -> Config:
    return load_config(CONFIG)


def lose_the_first_answer(
    sessions: Sessions, operation: str, meanwhile: Callable[[], None] = lambda: None
) -> list[str]:
    """The first `operation` request reaches the emulator and takes effect; then the
    connection drops before the answer arrives, and `meanwhile` runs before the retry.
    Registered after moto's own handler, so it runs once moto has answered."""
    sent: list[str] = []

    def drop_the_answer(request: Any, **kwargs: Any) -> None:
        target = request.headers.get("X-Amz-Target", b"")
        if isinstance(target, bytes):
            target = target.decode()
        if not target.endswith(f".{operation}"):
            return
        sent.append(request.url)
        if len(sent) == 1:
            meanwhile()
            raise ConnectionClosedError(endpoint_url=request.url)

    # Handlers of a more specific event name run first: this one is as general as moto's.
    client = sessions.ecr(DESTINATION)
    client.meta.events.register_last("before-send", drop_the_answer)
    return sent


def test_a_retried_create_that_finds_the_wanted_template_succeeds(
    config: Config, sessions: Sessions
) -> None:
    [wanted] = config.templates
    sent = lose_the_first_answer(sessions, "CreateRepositoryCreationTemplate")

    note = writer.create_template(sessions, wanted)

    assert len(sent) == 2  # botocore retried the request whose answer was lost
    assert note == (
        "it exists already, exactly as wanted (an earlier attempt or another writer made it)"
    )
    [live] = read_templates(sessions, DESTINATION)
    assert (live.prefix, live.description, live.image_tag_mutability, live.resource_tags) == (
        "prod",
        "replicated prod",
        "IMMUTABLE",
        {"team": "platform"},
    )


def test_a_retried_create_that_finds_another_template_fails_and_leaves_it(
    config: Config, sessions: Sessions
) -> None:
    [wanted] = config.templates

    def someone_else_changes_it() -> None:
        ecr_client(*DESTINATION).update_repository_creation_template(
            # An update that omits imageTagMutability sets it to MUTABLE (botocore's
            # UpdateRepositoryCreationTemplate documentation), so it is sent as it was.
            prefix="prod",
            description="someone else's",
            appliedFor=["REPLICATION"],
            imageTagMutability="IMMUTABLE",
        )

    sent = lose_the_first_answer(
        sessions, "CreateRepositoryCreationTemplate", someone_else_changes_it
    )

    with pytest.raises(UserError) as raised:
        writer.create_template(sessions, wanted)

    assert len(sent) == 2
    assert raised.value.message == (
        "CreateRepositoryCreationTemplate (prod) failed in account 222222222222 region "
        "eu-west-1: TemplateAlreadyExistsException: the template with this prefix differs "
        "from the configuration in description (made by someone else meanwhile?) and was "
        "left as it is; run `ecrrepl diff` to review it"
    )
    [live] = read_templates(sessions, DESTINATION)
    assert live.description == "someone else's"


def test_a_create_that_finds_the_template_gone_when_read_fails(
    config: Config, sessions: Sessions
) -> None:
    [wanted] = config.templates

    def someone_else_deletes_it() -> None:
        ecr_client(*DESTINATION).delete_repository_creation_template(prefix="prod")

    # The retry meets the template, which is deleted before ecrrepl reads it.
    original = read_templates

    def deleted_before_the_read(*args: Any) -> Any:
        someone_else_deletes_it()
        return original(*args)

    lose_the_first_answer(sessions, "CreateRepositoryCreationTemplate")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "read_templates", deleted_before_the_read)
        with pytest.raises(UserError) as raised:
            writer.create_template(sessions, wanted)

    assert raised.value.message == (
        "CreateRepositoryCreationTemplate (prod) failed in account 222222222222 region "
        "eu-west-1: TemplateAlreadyExistsException: yet no template with this prefix is "
        "there when read (deleted meanwhile?); run the command again"
    )
