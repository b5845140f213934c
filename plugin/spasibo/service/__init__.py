"""The reaction service: ``spasibo serve`` owns a ``SessionPool`` in its own process; bots use HTTP.

``create_app(settings)`` builds the FastAPI app (nothing happens at import); ``HttpReactionSender`` is the
``http`` transport bots use to reach it. Install the ``service`` extra (and ``redis`` for several instances).
"""

from __future__ import annotations
