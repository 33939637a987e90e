"""How deep a JSON text nests, measured without parsing it and without recursion.

Python's json module recurses once per array or object: a text nested a few thousand
levels deep (a few kilobytes) ends in a RecursionError. Texts that come from outside
(AWS answers) are measured first; strings are skipped, so brackets inside them do not
count, and the scan is linear in the text.
"""

from __future__ import annotations

import re

# The only characters that matter: brackets, and what starts or ends a string.
_SIGNIFICANT = re.compile(r'[\[\]{}"\\]')


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects in `text` nest more than `limit` levels deep. Text that
    is not JSON is measured all the same; the parser reports what else is wrong."""
    depth = 0
    in_string = False
    escaped_until = -1
    for match in _SIGNIFICANT.finditer(text):
        char, at = match.group(), match.start()
        if in_string:
            if at <= escaped_until:
                continue
            if char == "\\":
                escaped_until = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth = max(0, depth - 1)
    return False
