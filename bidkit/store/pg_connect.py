"""Connecting to a team's PostgreSQL database, with one-line errors that name the problem.

The URL comes from $BIDKIT_DATABASE_URL, else the settings file's `database_url`; without either
bidkit keeps its folders. A password in the URL is never shown: every URL said is masked.
libpq gives no SQLSTATE for a refused sign-in, so the reason is read from its message (English
on the client side; the server's words follow its lc_messages, English unless set otherwise).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from bidkit.errors import DatabaseError, DatabaseUnavailable
# (configured_url is in bidkit.store: it decides on a folder store without importing psycopg)
from bidkit.store import URL_VARIABLE

CONNECT_TIMEOUT_SECONDS = 5
# how long a page waits for a free connection before it says the database is unavailable
POOL_WAIT_SECONDS = 10
MAX_POOL_CONNECTIONS = 10  # per app process; Streamlit reruns hold one only while they query
SCHEMES = ("postgresql", "postgres")

_AUTH = re.compile(r"password authentication failed|role \"[^\"]*\" does not exist|no password supplied|"
                   r"pg_hba\.conf|authentication failed", re.IGNORECASE)
_NO_DATABASE = re.compile(r"database \"[^\"]*\" does not exist", re.IGNORECASE)


def mask(url: str) -> str:
    """The URL with its password replaced by ***, for anything shown or logged."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))
    except ValueError:
        return "(a URL that cannot be read)"


def check_url(url: str, where: str = URL_VARIABLE) -> dict[str, str]:
    """The URL's connection parameters; DatabaseError when it is not a PostgreSQL URL."""
    def refuse(reason: str) -> DatabaseError:
        return DatabaseError(f"is not a PostgreSQL URL (postgresql://user:password@host:port/database): {reason}",
                             field=where, code="db-url-invalid", where=where, reason=reason)

    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SCHEMES:
        raise refuse(f"it starts with {scheme + '://' if scheme else 'no scheme'}, not postgresql://")
    try:
        port = urlsplit(url).port
        params = psycopg.conninfo.conninfo_to_dict(url)
    except (ValueError, psycopg.ProgrammingError) as exc:
        # (the reason never quotes the URL: it may hold the password)
        raise refuse(str(exc).split(":", 1)[0].strip() or "it cannot be read") from None
    if port is not None and not 1 <= port <= 65535:
        raise refuse(f"port {port} is not between 1 and 65535")
    return params


def _where(params: dict[str, str]) -> tuple[str, str, str, str]:
    return (params.get("host") or "localhost", str(params.get("port") or 5432),
            params.get("user") or "(your login name)", params.get("dbname") or params.get("user") or "")


def connect_error(exc: psycopg.OperationalError, params: dict[str, str]) -> DatabaseError:
    """What a failed connection attempt means, as a coded one-line error."""
    host, port, user, database = _where(params)
    text = str(exc)
    if _NO_DATABASE.search(text):
        return DatabaseError(f"the database {database!r} does not exist on {host}:{port}: create it "
                             "(createdb) or fix the URL", code="db-unknown-database",
                             database=database, host=host, port=port)
    if _AUTH.search(text):
        return DatabaseError(f"the server at {host}:{port} refused user {user!r}: wrong password or unknown role",
                             code="db-auth", user=user, host=host, port=port)
    reason = (text.split("failed:")[-1].strip().splitlines() or ["no answer"])[0].strip()
    return DatabaseUnavailable(f"cannot reach the database server at {host}:{port} ({reason}): "
                               "is PostgreSQL running there and the URL right?",
                               code="db-unreachable", host=host, port=port, reason=reason)


def connect(url: str, where: str = URL_VARIABLE, **kwargs) -> psycopg.Connection:
    """One connection, or a coded DatabaseError saying why not."""
    params = check_url(url, where)
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS, **kwargs)
    except psycopg.OperationalError as exc:
        raise connect_error(exc, params) from None


def unavailable() -> DatabaseUnavailable:
    return DatabaseUnavailable("the database is unavailable for now (the server went away or is restarting); "
                               "nothing was lost: try again in a moment", code="db-unavailable")


@contextmanager
def gone_is_unavailable() -> Iterator[None]:
    """A server that goes away mid-run (restart, crash, network) becomes DatabaseUnavailable, which a
    page catches and retries; the transaction in flight was rolled back by the server."""
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
        if isinstance(exc, psycopg.errors.QueryCanceled):
            raise
        raise unavailable() from exc


def open_pool(url: str, where: str = URL_VARIABLE) -> ConnectionPool:
    """A pool for an app process. One connection is made first, so that a wrong URL, password or
    database is said at once rather than after the pool's wait."""
    connect(url, where).close()
    return ConnectionPool(url, min_size=1, max_size=MAX_POOL_CONNECTIONS, timeout=POOL_WAIT_SECONDS,
                          kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
                          check=ConnectionPool.check_connection, open=True)
