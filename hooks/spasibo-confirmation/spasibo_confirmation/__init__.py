"""spasibo phrase pack: a customer confirming an arrangement ("ок, договорились"), intent ``confirmation``.

The phrases are data: one TOML file per language next to this module. The plugin only tells spasibo where they
are; spasibo validates each file and names this plugin if one is broken. Wire the intent to a reaction with a
rule in ``spasibo.toml``::

    [[rules]]
    intent = "confirmation"
    react = "👍"
"""

from __future__ import annotations

from pathlib import Path

from spasibo import hookimpl

PHRASE_DIR = Path(__file__).parent


@hookimpl
def spasibo_register_phrases(register) -> None:
    """Register every ``confirmation_<language>.toml`` shipped in this package."""
    for path in sorted(PHRASE_DIR.glob("confirmation_*.toml")):
        register(path)
