"""A route for programs: `route --format json` prints exactly one JSON object.

    {"repository": "prod/api",
     "sources": [
       {"account": "111111111111", "region": "us-west-2", "matched": true,
        "destinations": [
          {"account": "222222222222", "region": "eu-west-1",
           "rules": ["prod", "#2"], "filters": ["prod/", null],
           "cross_region": true, "cross_account": true, "policy_managed": true,
           "template": {"prefix": "prod"}}],
        "not_reached": [
          {"account": "333333333333", "region": "us-east-2",
           "via": {"account": "222222222222", "region": "eu-west-1"},
           "reason": "replication does not chain (push to 222222222222/eu-west-1 to reach it)"}]}]}

`rules` names each rule that sends the repository there (its name, or `#n` for its
position); `filters` is parallel to it: the filter that matched, or null for a rule
without filters. `policy_managed` is null for a hop within one account (no policy
needed); `template` is null when the repository gets default settings. Sources and
destinations keep the configuration's order.
"""

from __future__ import annotations

from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.render.escape import json_document
from ecrrepl.route import Hop, NotReached, Route, SourceRoute


def render_route_json(route: Route) -> str:
    return json_document(route_json_object(route)) + "\n"


def route_json_object(route: Route) -> dict[str, Any]:
    return {
        "repository": route.repository,
        "sources": [_source_object(source_route) for source_route in route.sources],
    }


def _source_object(source_route: SourceRoute) -> dict[str, Any]:
    return {
        **_address_object(source_route.source),
        "destinations": [_hop_object(hop) for hop in source_route.hops],
        "not_reached": [_not_reached_object(entry) for entry in source_route.not_reached],
        "matched": source_route.matched,
    }


def _hop_object(hop: Hop) -> dict[str, Any]:
    return {
        **_address_object(hop.destination),
        "rules": [match.label for match in hop.rules],
        "filters": [match.prefix for match in hop.rules],
        "cross_region": hop.cross_region,
        "cross_account": hop.cross_account,
        "policy_managed": hop.policy_managed,
        "template": None if hop.template is None else {"prefix": hop.template.prefix},
    }


def _not_reached_object(entry: NotReached) -> dict[str, Any]:
    return {
        **_address_object(entry.destination),
        "via": _address_object(entry.via),
        "reason": entry.reason,
    }


def _address_object(address: RegistryAddress) -> dict[str, str]:
    return {"account": address.account, "region": address.region}
