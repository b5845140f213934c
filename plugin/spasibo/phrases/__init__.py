"""Phrase packs: the words each intent is recognised by, kept as data files a maintainer edits.

``builtin_packs()`` reads the files shipped in this package (``gratitude/ru.toml``, ``gratitude/en.toml``...);
``load_pack(path)`` reads another one; ``validate_packs(packs)`` checks packs against each other.
"""

from __future__ import annotations

from spasibo.phrases.loader import (
    PhraseFileError,
    PhraseProblem,
    builtin_pack_files,
    builtin_packs,
    load_pack,
    validate_packs,
)
from spasibo.phrases.pack import PhrasePack, VetoPosition, VetoRule, VetoScope

__all__ = [
    "PhraseFileError",
    "PhrasePack",
    "PhraseProblem",
    "VetoPosition",
    "VetoRule",
    "VetoScope",
    "builtin_pack_files",
    "builtin_packs",
    "load_pack",
    "validate_packs",
]
