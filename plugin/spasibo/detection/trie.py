"""One regular expression for many alternatives, laid out as a trie so a search stays fast.

Python's ``re`` tries the branches of an alternation one by one at every position; a branch that opens with
a literal character is skipped with a single comparison. Grouping alternatives by their first piece, then
their second, and so on, means a position is rejected after a few comparisons instead of one per
alternative. The order of alternatives is not kept, so use it where only *whether* something matches counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_END = ""  # marks "an alternative may stop here" among a node's children


def trie_pattern(alternatives: Iterable[Sequence[str]]) -> str:
    """A regex matching any of ``alternatives``, each given as a sequence of regex pieces.

    A piece is a regex matching one thing (an escaped character, ``[^ ]*``); alternatives sharing their
    first pieces share them in the pattern. An empty result means there was nothing to match.
    """
    root: dict[str, dict] = {}  # type: ignore[type-arg]  # nested tries of pieces
    for pieces in alternatives:
        node = root
        for piece in pieces:
            node = node.setdefault(piece, {})
        node[_END] = {}
    return _node_pattern(root)


def _node_pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [piece + _node_pattern(child) for piece, child in sorted(node.items()) if piece != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body
