"""Values built at most once per key, shared by threads: clients, sessions, credentials."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BuiltOnce(Generic[K, V]):
    """Values built at most once per key, however many threads ask at the same moment:
    the first builds, the others wait for it. A build that fails stores nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[K, V] = {}
        self._building: dict[K, threading.Lock] = {}

    def get(self, key: K, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = build()
            with self._lock:
                self._values[key] = value
            return value
