"""The reaction service: ``spasibo serve`` owns a ``SessionPool`` in its own process; bots use HTTP.

``create_app(settings)`` builds the FastAPI app (nothing happens at import); bots reach it through
``spasibo.http_sender.HttpReactionSender`` (the light ``http`` extra). Install the ``service`` extra (and
``redis`` for several instances).
"""

from __future__ import annotations

from spasibo.extras import require

for _package in ("fastapi", "uvicorn", "neonize"):
    require(_package, "the reaction service (spasibo serve)")
