"""Frozen, keyword-only records: the model's base, without the start-up cost of dataclasses.

`validate` runs on every pull request with a budget of twice PyYAML's import time.
Importing `dataclasses` pulls in `inspect` (and with it `ast`, `dis`, `tokenize`), and
each frozen dataclass generates its methods with `exec`; together they cost about a
third of that budget. A record declares its fields the same way, with the same
`field(default_factory=..., compare=...)`, and type checkers treat it as a dataclass
(PEP 681), but its methods are plain ones, shared by every record class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, Self, TypeVar, dataclass_transform, overload

_MISSING: Any = object()


class _FieldSpec:
    __slots__ = ("compare", "default", "factory")

    def __init__(
        self,
        default: Any = _MISSING,
        factory: Callable[[], Any] | None = None,
        compare: bool = True,
    ) -> None:
        self.default = default
        self.factory = factory
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
) -> Any:
    """A field's default (or a factory for mutable ones) and whether equality reads it."""
    return _FieldSpec(default, default_factory, compare)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Record:
    """Fields from the class annotations, set once by keyword, compared by value."""

    _record_fields: ClassVar[tuple[tuple[str, _FieldSpec], ...]] = ()
    _compared: ClassVar[tuple[str, ...]] = ()
    _field_names: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls._record_fields)
        # Not inspect.get_annotations: importing inspect is the cost this module avoids.
        own_annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
        for name, annotation in own_annotations.items():
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            value = cls.__dict__.get(name, _MISSING)
            fields[name] = value if isinstance(value, _FieldSpec) else _FieldSpec(value)
            if isinstance(value, _FieldSpec):
                delattr(cls, name)
        cls._record_fields = tuple(fields.items())
        cls._compared = tuple(name for name, spec in fields.items() if spec.compare)
        cls._field_names = frozenset(fields)

    def __init__(self, **values: Any) -> None:
        # Written straight into the instance's __dict__ (what object.__setattr__ does,
        # without a call per field): the builder makes a record per rule, filter and
        # destination of the file.
        own = self.__dict__
        if values.keys() == self._field_names:  # every field given, as the builder does
            own.update(values)
            return
        for name, spec in self._record_fields:
            value = values.pop(name, _MISSING)
            if value is _MISSING:
                if spec.factory is not None:
                    value = spec.factory()
                elif spec.default is not _MISSING:
                    value = spec.default
                else:
                    raise TypeError(
                        f"{type(self).__name__}() needs the keyword argument {name!r}"
                    )
            own[name] = value
        if values:
            unknown = ", ".join(sorted(values))
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments: {unknown}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot assign {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._compared)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, as `dataclasses.replace` makes one."""
        values = {name: getattr(self, name) for name, _ in self._record_fields}
        values.update(changes)
        return type(self)(**values)

    def items(self) -> Iterator[tuple[str, Any]]:
        """Every field and its value, in declaration order."""
        return ((name, getattr(self, name)) for name, _ in self._record_fields)


_Owner = TypeVar("_Owner")
_Value = TypeVar("_Value")


class cached(Generic[_Owner, _Value]):  # lower case, as `property`
    """A property of a record computed at its first read and kept in the instance's
    __dict__, where later reads find it without a call. Records are frozen, so it never
    goes stale. Not functools.cached_property: in Python 3.11 that takes a lock at every
    first read, which costs W113 seconds on a file of 100,000 rules."""

    def __init__(self, make: Callable[[_Owner], _Value]) -> None:
        self.make = make
        self.name = make.__name__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, instance: _Owner, owner: type[Any]) -> _Value: ...

    def __get__(self, instance: _Owner | None, owner: type[Any]) -> Self | _Value:
        if instance is None:
            return self
        value = self.make(instance)
        instance.__dict__[self.name] = value
        return value
