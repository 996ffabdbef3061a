"""Directory sync: read an LDAP / Active Directory directory with a paged search, as an AD report.

The attribute mapping is configurable (settings `RELAIS_LDAP_ATTRIBUTES`, command `--map`): any
directory names the same facts differently. Only mapped attributes are requested: nothing else
(no NIR, no bank details) ever leaves the directory.
"""

import contextlib
import warnings

import polars as pl

from relais.imports.reading import LINE, ImportFileError

with warnings.catch_warnings():
    # ldap3 2.9 uses names pyasn1 has deprecated (tagMap, typeMap); harmless, and out of our hands.
    warnings.simplefilter("ignore", DeprecationWarning)
    import ldap3
    from ldap3.core.exceptions import LDAPBindError, LDAPException, LDAPInvalidCredentialsResult

# Canonical field -> Active Directory attribute (DOMAIN.md §4).
DEFAULT_ATTRIBUTES = {
    "employee_id": "employeeID",
    "employee_number": "employeeNumber",
    "email": "mail",
    "proxy_addresses": "proxyAddresses",
    "upn": "userPrincipalName",
    "login": "sAMAccountName",
    "provisioned_on": "whenCreated",
    "last_activity_on": "lastLogonTimestamp",
    "last_logon": "lastLogon",
    "pwd_last_set": "pwdLastSet",
    "uac": "userAccountControl",
}
MULTI_VALUED = {"proxy_addresses"}


def attribute_map(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The default mapping with overrides; an empty attribute name removes a field."""
    mapping = {**DEFAULT_ATTRIBUTES, **(overrides or {})}
    unknown = set(mapping) - set(DEFAULT_ATTRIBUTES)
    if unknown:
        raise ImportFileError(
            f"Champs inconnus dans la correspondance d'attributs : {', '.join(sorted(unknown))} "
            f"(champs possibles : {', '.join(DEFAULT_ATTRIBUTES)})."
        )
    return {field: attribute for field, attribute in mapping.items() if attribute}


def _decode(values: list[bytes], multi: bool) -> str:
    texts = [v.decode("utf-8", errors="replace").strip() for v in values or []]
    return ";".join(texts) if multi else (texts[0] if texts else "")


def _close(connection) -> None:
    """Unbind, and close the socket ldap3 leaves open when the connection failed."""
    with contextlib.suppress(LDAPException):
        connection.unbind()
    if connection.socket is not None:
        connection.socket.close()


def fetch(
    *,
    url: str,
    bind_dn: str,
    password: str,
    base: str,
    search_filter: str,
    attributes: dict[str, str],
    page_size: int = 500,
    timeout: int = 30,
) -> pl.DataFrame:
    """Every entry under `base` matching `search_filter`, mapped attributes only, as report rows."""
    if not url or not base:
        raise ImportFileError("Annuaire non configuré : indiquez l'adresse (--url) et la base de recherche (--base).")
    columns: dict[str, list[str]] = {field: [] for field in attributes}
    server = ldap3.Server(url, get_info=ldap3.NONE, connect_timeout=timeout)
    connection = ldap3.Connection(
        server,
        user=bind_dn or None,
        password=password or None,
        read_only=True,
        raise_exceptions=True,
        receive_timeout=timeout,
    )
    try:
        connection.open()
        connection.bind()
    except (LDAPBindError, LDAPInvalidCredentialsResult) as exc:
        _close(connection)
        raise ImportFileError(f"L'annuaire {url} a refusé l'authentification de « {bind_dn} ».") from exc
    except LDAPException as exc:
        _close(connection)
        raise ImportFileError(f"Connexion à l'annuaire {url} impossible : {exc}.") from exc
    try:
        entries = connection.extend.standard.paged_search(
            search_base=base,
            search_filter=search_filter,
            attributes=list(attributes.values()),
            paged_size=page_size,
            generator=True,
        )
        for entry in entries:
            if entry.get("type") != "searchResEntry":
                continue
            raw = {k.lower(): v for k, v in entry["raw_attributes"].items()}
            for field, attribute in attributes.items():
                columns[field].append(_decode(raw.get(attribute.lower(), []), field in MULTI_VALUED))
    except LDAPException as exc:
        raise ImportFileError(f"La recherche dans l'annuaire a échoué ({base}, {search_filter}) : {exc}.") from exc
    finally:
        _close(connection)
    count = len(next(iter(columns.values()), []))
    frame = pl.DataFrame({name: pl.Series(values, dtype=pl.String) for name, values in columns.items()})
    return frame.with_columns(pl.Series(LINE, range(1, count + 1), dtype=pl.Int64))
