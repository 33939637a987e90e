"""Finding what is declared twice: the one way the rules tell a repeat from its first."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")


def repeats(
    items: Iterable[Item], key: Callable[[Item], Hashable]
) -> Iterator[tuple[Item, Item]]:
    """Each item whose key an earlier item already has, with that first item: (first,
    repeat), in the order of the repeats."""
    first_by_key: dict[Hashable, Item] = {}
    for item in items:
        first = first_by_key.setdefault(key(item), item)
        if first is not item:
            yield first, item
