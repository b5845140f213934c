"""API keys bound to companies: what ``SPASIBO_API_KEYS`` entries mean, read once at start-up.

An entry is ``<key>:<company>+<company>...`` (the key may act for those companies only), ``<key>:*`` (an
admin key: every company, and the session list of all of them) or a bare ``<key>``, which is an admin key
too, so a single-operator configuration written before keys had scopes keeps working; a bare key is refused
beside other keys (``ServiceSettings``), where it would let a tenant act as any company. The scope starts
after the key's last ``:`` (company ids never contain one).
"""

from __future__ import annotations

from dataclasses import dataclass

from spasibo.whatsapp.errors import InvalidCompanyIdError
from spasibo.whatsapp.settings import PoolSettings
from spasibo.whatsapp.validation import validate_company_id

ADMIN_SCOPE = "*"
SCOPE_SEPARATOR = ":"
COMPANY_SEPARATOR = "+"


@dataclass(frozen=True, slots=True)
class KeyGrant:
    """What one API key may do: act for ``companies``, or for every company when ``companies`` is None."""

    companies: frozenset[str] | None

    def may_act_for(self, company_id: str) -> bool:
        """Whether this key may send reactions and manage the session of ``company_id``."""
        return self.companies is None or company_id in self.companies


ADMIN = KeyGrant(None)


def parse_key_entry(entry: str) -> tuple[str, KeyGrant]:
    """The key and its grant in one ``SPASIBO_API_KEYS`` entry; ``ValueError`` naming what is wrong.

    >>> parse_key_entry("s3cret:acme+globex")
    ('s3cret', KeyGrant(companies=frozenset({'acme', 'globex'})))
    """
    key, separator, scope = entry.rpartition(SCOPE_SEPARATOR)
    if not separator:
        key, scope = entry, ADMIN_SCOPE
    if not key:
        raise ValueError(f"SPASIBO_API_KEYS entry {_hint(entry)!r}: the key before ':' is empty")
    if scope == ADMIN_SCOPE:
        return key, ADMIN
    companies = scope.split(COMPANY_SEPARATOR)
    max_length = PoolSettings().company_id_max_length
    try:
        return key, KeyGrant(frozenset(validate_company_id(c, max_length) for c in companies))
    except InvalidCompanyIdError as error:
        raise ValueError(
            f"SPASIBO_API_KEYS entry {_hint(entry)!r}: after ':' expected '*' or company ids joined by "
            f"'+' ({error})"
        ) from None


def is_bare_key_entry(entry: str) -> bool:
    """True for an entry that names no scope (an admin key written the way keys were before scopes)."""
    return SCOPE_SEPARATOR not in entry


def _hint(entry: str) -> str:
    """An entry with its key hidden, for error messages that may reach a log."""
    key, separator, scope = entry.rpartition(SCOPE_SEPARATOR)
    return f"{key[:2]}…{separator}{scope}" if separator else f"{entry[:2]}…"
