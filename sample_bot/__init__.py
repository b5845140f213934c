"""A small host bot that wires spasibo in declaratively (``sample_bot/spasibo.toml``).

Run it from the repository root: ``python -m sample_bot`` (console; type messages, or pipe a conversation in).
Each chat platform is one module under ``sample_bot/platforms/``.
"""
