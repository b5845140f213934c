"""The ``register`` callables handed to plugins, and the tables they fill.

A plugin adds phrase packs and transports by calling ``register(...)``; the registrar checks each addition and
raises ``PluginError`` naming the plugin, so a broken pack or transport is reported where it comes from
instead of failing later inside a message. When two plugins add a transport of the same name the installed
plugin wins over the built-in one; two installed plugins clashing is an error.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from spasibo.errors import ConfigError, ReactionError
from spasibo.transport import Transport

if TYPE_CHECKING:
    from spasibo.phrases import PhrasePack

TransportFactory = Callable[[Mapping[str, Any]], Transport]


class RegisterPhrases(Protocol):
    """The ``register`` a ``spasibo_register_phrases`` implementation receives."""

    def __call__(self, pack: PhrasePack | str | os.PathLike[str], /) -> None:
        """Add one phrase pack, or load one from the path of its TOML file."""


class RegisterTransport(Protocol):
    """The ``register`` a ``spasibo_register_transports`` implementation receives."""

    def __call__(
        self, transport: Transport | type[Transport] | TransportFactory, /, *, name: str | None = None
    ) -> None:
        """Add a ready transport, a transport class, or a factory (then ``name`` is required)."""


_TRANSPORT_NAME = re.compile(r"^[a-z][a-z0-9_.-]*$")


class PluginError(ConfigError):
    """A plugin added something invalid or failed while registering; the message names the plugin."""


class UnknownTransportError(ReactionError, KeyError):
    """A rule named a transport nobody registered; the message lists the registered ones.

    A ``KeyError`` too, so the transport table behaves as a ``Mapping`` (``in``, ``get``).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _check_transport(plugin: str, transport: object, name: str | None = None) -> Transport:
    """Return ``transport`` if it follows the ``Transport`` protocol (and is called ``name``); else raise."""
    if (
        inspect.isclass(transport)
        or not isinstance(transport, Transport)
        or not inspect.iscoroutinefunction(transport.send)
    ):
        raise PluginError(
            f"plugin {plugin!r}: {transport!r} is not a transport: expected an object with a `name` and an "
            "`async def send(request) -> ReactionResult` (see spasibo.transport.Transport)"
        )
    if not isinstance(transport.name, str) or not _TRANSPORT_NAME.match(transport.name):
        raise PluginError(
            f"plugin {plugin!r}: transport name {transport.name!r} must be lower-case letters, digits, "
            "'_', '-' or '.'"
        )
    if name is not None and transport.name != name:
        raise PluginError(
            f"plugin {plugin!r}: the factory for {name!r} built a transport named {transport.name!r}"
        )
    return transport


def _class_factory(cls: type[Any]) -> TransportFactory:
    """A factory for a transport class: ``cls.from_options(options)`` if defined, else ``cls(**options)``."""
    from_options = getattr(cls, "from_options", None)
    if callable(from_options):
        return from_options  # type: ignore[no-any-return]
    return lambda options: cls(**options)


class PhraseCollector:
    """Collects phrase packs from plugins; ``bound(plugin)`` is the ``register`` one plugin receives."""

    def __init__(self) -> None:
        self.packs: list[PhrasePack] = []

    def bound(self, plugin: str) -> RegisterPhrases:
        """The ``register(pack_or_path)`` callable for ``plugin``."""

        def register(pack: PhrasePack | str | os.PathLike[str]) -> None:
            self.packs.append(self._validated(plugin, pack))

        return register

    @staticmethod
    def _validated(plugin: str, pack: object) -> PhrasePack:
        from spasibo.phrases import PhrasePack, load_pack

        if isinstance(pack, str | os.PathLike):
            try:
                return load_pack(Path(pack))
            except ConfigError as error:
                raise PluginError(f"plugin {plugin!r}: bad phrase pack: {error}") from error
        if not isinstance(pack, PhrasePack):
            raise PluginError(
                f"plugin {plugin!r}: register() takes a spasibo.phrases.PhrasePack or the path of a "
                f"pack's TOML file, got {type(pack).__name__}"
            )
        return pack


class TransportTable(Mapping[str, Transport]):
    """The app's transports by name: ready instances, and factories built on first access.

    ``options`` maps a transport name to its ``[transports.<name>]`` table from the settings.
    """

    def __init__(self, options: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._options = dict(options or {})
        self._instances: dict[str, Transport] = {}
        self._factories: dict[str, TransportFactory] = {}
        self._owners: dict[str, str] = {}
        self._built: list[Transport] = []

    def add(self, transport: Transport, *, plugin: str = "host") -> Transport:
        """Add or replace a ready transport under its own ``name`` (what ``app.use_transport`` does)."""
        transport = _check_transport(plugin, transport)
        self._instances[transport.name] = transport
        self._factories.pop(transport.name, None)
        self._owners[transport.name] = plugin
        return transport

    def registrar(self, plugin: str, *, builtin: bool) -> RegisterTransport:
        """The ``register(transport)`` / ``register(factory, name=...)`` callable for ``plugin``."""

        def register(
            transport: Transport | type[Transport] | TransportFactory, *, name: str | None = None
        ) -> None:
            entry: Transport | TransportFactory
            if inspect.isclass(transport):  # a class: built on first use, like a factory
                entry, name = _class_factory(transport), name or getattr(transport, "name", None)
            elif name is None:  # a ready instance
                entry = _check_transport(plugin, transport)
                name = entry.name
            elif callable(transport) and not isinstance(transport, Transport):
                entry = transport
            else:
                raise PluginError(
                    f"plugin {plugin!r}: register(factory, name=...) needs a callable that builds a transport"
                )
            if not isinstance(name, str) or not _TRANSPORT_NAME.match(name):
                raise PluginError(f"plugin {plugin!r}: transport name {name!r} is not a valid name")
            if name in self._owners:
                if builtin:  # an installed plugin already provides this name: it wins over the built-in
                    return
                raise PluginError(
                    f"plugins {self._owners[name]!r} and {plugin!r} both register a transport named "
                    f"{name!r}; block one of them with SPASIBO_BLOCK_PLUGINS"
                )
            self._owners[name] = plugin
            if isinstance(entry, Transport):
                self._instances[name] = entry
            else:
                self._factories[name] = entry

        return register

    def __getitem__(self, name: str) -> Transport:
        if name in self._instances:
            return self._instances[name]
        factory = self._factories.get(name)
        if factory is None:
            raise UnknownTransportError(
                f"no transport named {name!r}; registered: {', '.join(sorted(self)) or 'none'} "
                "(install the extra or plugin that provides it, or call app.use_transport(...))"
            )
        try:
            built = factory(self._options.get(name, {}))
        except Exception as error:  # a bad [transports.<name>] table, usually: say which one
            raise ConfigError(
                f"transports.{name}: plugin {self._owners[name]!r} could not build its transport: {error}"
            ) from error
        self._instances[name] = _check_transport(self._owners[name], built, name)
        self._built.append(self._instances[name])
        del self._factories[name]
        return self._instances[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._owners)

    def __len__(self) -> int:
        return len(self._owners)

    def owner(self, name: str) -> str:
        """The plugin (or ``"host"``) that provided the transport ``name``."""
        return self._owners[name]

    def built_by_factories(self) -> list[Transport]:
        """The transports built from factories: the app closes these; instances belong to their owner."""
        return list(self._built)
