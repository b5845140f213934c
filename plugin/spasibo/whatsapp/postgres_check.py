"""Check a ``postgres://`` auth database before pairing, so the real cause is said at once.

neonize's PostgreSQL store (Go's lib/pq) reports a missing database or a refused SSL handshake only as a
session that never pairs, which surfaced after a minute as "pairing did not complete". ``check_postgres``
speaks just enough of the PostgreSQL wire protocol (SSLRequest, StartupMessage, the first answer) to name
the cause in one line: unreachable server, SSL refused (add ``sslmode=disable``), database missing (create
it first), role refused. It needs no driver; when the server asks for a password it stops there (the
credentials are neonize's to use) and reports nothing.
"""

from __future__ import annotations

import asyncio
import struct
from urllib.parse import parse_qs, unquote, urlsplit

from spasibo.errors import ConfigError

DEFAULT_PORT = 5432
CHECK_TIMEOUT_S = 5.0
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)
_PROTOCOL_3_0 = 196608
_AUTH_OK = 0
_NO_SSL_MODES = frozenset({"disable", "allow", "prefer"})  # lib/pq's default is "require"
_DATABASE_MISSING = "3D000"


def _startup_message(user: str, database: str) -> bytes:
    body = struct.pack("!i", _PROTOCOL_3_0)
    for key, value in (("user", user), ("database", database)):
        body += key.encode() + b"\0" + value.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def _error_fields(payload: bytes) -> dict[str, str]:
    fields = {}
    for part in payload.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode("utf-8", "replace")
    return fields


async def _first_verdict(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """Read server messages until one decides: an error ('E'), ready ('Z'), or a password request ('R')."""
    while True:
        kind = await reader.readexactly(1)
        (length,) = struct.unpack("!i", await reader.readexactly(4))
        payload = await reader.readexactly(length - 4)
        if kind in (b"E", b"Z"):
            return kind, payload
        if kind == b"R" and struct.unpack("!i", payload[:4])[0] != _AUTH_OK:
            return kind, payload  # a password is needed: the database is checked only after it


async def check_postgres(url: str, *, timeout_s: float = CHECK_TIMEOUT_S) -> None:
    """Raise ``ConfigError`` naming the real cause when neonize could not use ``url``; return if it can."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or DEFAULT_PORT
    user = unquote(parts.username or "postgres")
    database = unquote(parts.path.lstrip("/")) or user
    ssl_mode = parse_qs(parts.query).get("sslmode", ["require"])[-1]
    shown = f"{parts.scheme}://{host}:{port}/{database}"
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                if ssl_mode not in _NO_SSL_MODES:
                    writer.write(_SSL_REQUEST)
                    await writer.drain()
                    if await reader.readexactly(1) == b"N":
                        raise ConfigError(
                            f"{shown}: the server does not accept SSL, and the URL asks for it (lib/pq's "
                            "default is sslmode=require): add ?sslmode=disable for a local server"
                        )
                    return  # SSL accepted: the rest of the handshake is TLS, neonize's business
                writer.write(_startup_message(user, database))
                await writer.drain()
                kind, payload = await _first_verdict(reader)
            finally:
                writer.close()
    except (OSError, TimeoutError) as error:
        raise ConfigError(f"{shown}: cannot reach the PostgreSQL server ({error or 'timed out'})") from None
    except asyncio.IncompleteReadError:
        raise ConfigError(f"{shown}: the server closed the connection during the handshake") from None
    if kind == b"E":
        fields = _error_fields(payload)
        if fields.get("C") == _DATABASE_MISSING:
            raise ConfigError(
                f"{shown}: database {database!r} does not exist: create it first "
                f"(createdb -h {host} -p {port} -U {user} {database})"
            )
        raise ConfigError(f"{shown}: the server refused the connection: {fields.get('M', 'no reason given')}")
