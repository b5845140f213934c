"""Built-in plugin: the phrase packs shipped in ``spasibo.phrases`` (gratitude in ru, en and neighbours)."""

from __future__ import annotations

from spasibo.hookspecs import hookimpl
from spasibo.registry import RegisterPhrases


@hookimpl(trylast=True)
def spasibo_register_phrases(register: RegisterPhrases) -> None:
    """Register every built-in phrase pack."""
    from spasibo.phrases import builtin_packs

    for pack in builtin_packs():
        register(pack)
