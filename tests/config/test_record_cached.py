"""record.cached: a record's property computed once, then read from the instance."""

from __future__ import annotations

from ecrrepl.config.model import Destination, RegistryAddress, ReplicationRule, RepositoryFilter
from ecrrepl.config.record import Record, cached


class Counted(Record):
    value: int

    @cached
    def doubled(self) -> list[int]:
        made.append(self.value)
        return [self.value * 2]


made: list[int] = []


def test_computed_at_the_first_read_only() -> None:
    made.clear()
    item = Counted(value=3)
    assert made == []
    first = item.doubled
    assert first == [6] and made == [3]
    assert item.doubled is first and made == [3]
    assert Counted(value=4).doubled == [8] and made == [3, 4]


def test_equality_hash_and_replace_ignore_the_kept_value() -> None:
    item = Counted(value=3)
    _ = item.doubled
    assert item == Counted(value=3)
    assert hash(item) == hash(Counted(value=3))
    assert item.replace(value=5).doubled == [10]
    assert isinstance(Counted.__dict__["doubled"], cached)


def test_model_addresses_and_prefixes_are_kept() -> None:
    destination = Destination(account="111111111111", region="us-east-1")
    assert destination.address == RegistryAddress("111111111111", "us-east-1")
    assert destination.address is destination.address
    rule = ReplicationRule(filters=(RepositoryFilter(prefix="a/"),), destinations=(destination,))
    assert rule.prefixes == ("a/",) and rule.prefixes is rule.prefixes
    assert ReplicationRule().prefixes is None
