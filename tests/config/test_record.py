"""Record: the model's frozen, keyword-only base (a dataclass without dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from ecrrepl.config.model import Destination, ReplicationRule
from ecrrepl.config.record import Record, field
from ecrrepl.findings import Location


class Base(Record):
    where: str = field(default="here", compare=False)


class Item(Base):
    name: str
    tags: Mapping[str, str] = field(default_factory=dict)
    count: int = 0


def test_fields_defaults_and_inheritance() -> None:
    item = Item(name="a")
    assert (item.name, item.tags, item.count, item.where) == ("a", {}, 0, "here")
    assert list(dict(item.items())) == ["where", "name", "tags", "count"]
    # Each instance gets its own mutable default.
    assert Item(name="b").tags is not item.tags


def test_equality_and_hash_skip_fields_not_compared() -> None:
    assert Item(name="a", where="x") == Item(name="a", where="y")
    assert Item(name="a") != Item(name="b")
    assert hash(Item(name="a", tags=())) == hash(Item(name="a", tags=(), where="z"))  # type: ignore[arg-type]
    # Another record class with the same values is not equal.
    assert Item(name="a") != Base()


def test_frozen() -> None:
    item = Item(name="a")
    with pytest.raises(AttributeError, match="frozen"):
        item.name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="frozen"):
        del item.name  # type: ignore[misc]


def test_keywords_are_checked() -> None:
    with pytest.raises(TypeError, match="needs the keyword argument 'name'"):
        Item()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword arguments: colour"):
        Item(name="a", colour="red")  # type: ignore[call-arg]


def test_replace_and_repr() -> None:
    item = Item(name="a", where="x")
    changed = item.replace(count=3)
    assert (changed.count, changed.name, changed.where, item.count) == (3, "a", "x", 0)
    assert repr(changed) == "Item(name='a', tags={}, count=3)"


def test_the_model_compares_without_locations() -> None:
    here = Location("a.yaml", 1, 1)
    there = Location("b.yaml", 9, 9)
    assert Destination(account="1", region="r", where=here) == Destination(
        account="1", region="r", where=there
    )
    rule = ReplicationRule(name="n", destinations=(Destination(account="1", region="r"),))
    assert rule.replace(name=None) == ReplicationRule(destinations=rule.destinations)
