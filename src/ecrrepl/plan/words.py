"""How the plan names things in sentences: registries, destinations, sets of repositories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ecrrepl.config.model import RegistryAddress


def join_words(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def destination_words(address: RegistryAddress) -> str:
    return f"{address.region} ({address.account})"


def destinations_words(addresses: Iterable[RegistryAddress]) -> str:
    return join_words([destination_words(address) for address in sorted(set(addresses))])


def source_words(address: RegistryAddress) -> str:
    return f"account {address.account} ({address.region})"


def quoted(prefixes: Iterable[str]) -> str:
    return ", ".join(f"`{prefix}`" for prefix in sorted(prefixes))


class Scope:
    """The repositories a set of filters reaches; None means every repository."""

    def __init__(self, prefixes: Iterable[str] | None) -> None:
        self.prefixes = None if prefixes is None else tuple(sorted(set(prefixes)))

    @property
    def everything(self) -> bool:
        return self.prefixes is None

    @property
    def subject(self) -> str:
        if self.prefixes is None:
            return "every repository"
        return "repositories matching " + " or ".join(f"`{p}`" for p in self.prefixes)

    def verb(self, plural: str, singular: str) -> str:
        """`every repository starts`, `repositories matching ... start`."""
        return f"{self.subject} {singular if self.everything else plural}"


def resource_words(resource: str) -> str:
    """`repository/prod/*` for a repository ARN: the registry is the one the section is about."""
    if resource.startswith("arn:"):
        return resource.split(":", 5)[-1]
    return resource
