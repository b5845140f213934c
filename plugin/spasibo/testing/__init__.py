"""Fakes and fixtures for plugin authors and for spasibo's own tests.

Each fake replaces only the network: it keeps the real class's surface (a test compares them) and uses the
real library's data types wherever they work offline. Import the submodule you need, e.g.
``from spasibo.testing.whatsapp import FakeWhatsAppClient`` or ``from spasibo.testing.telegram import
FakeBotAPI``.
"""
