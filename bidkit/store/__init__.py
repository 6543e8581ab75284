"""Where bidkit keeps its data: the Store seam (base), the folders of one machine (folders), or a
team's PostgreSQL (pg_store, with its schema and migrations in pg_schema and connecting in pg_connect).

open_store decides which from the configuration alone, so a folder store never imports psycopg.
"""
from __future__ import annotations

import os

from bidkit.settings import Settings, load_settings, settings_path
from bidkit.store.base import Store
from bidkit.store.folders import FolderStore
from bidkit.workspace import Folders

URL_VARIABLE = "BIDKIT_DATABASE_URL"


def configured_url(settings: Settings | None = None) -> tuple[str, str] | None:
    """(the database URL, where it was given), or None when bidkit runs on folders."""
    if os.environ.get(URL_VARIABLE):
        return os.environ[URL_VARIABLE], URL_VARIABLE
    settings = settings or load_settings()
    if settings.database_url:
        return settings.database_url, f"{settings_path().name}: database_url"
    return None


def open_store(settings: Settings | None = None, folders: Folders | None = None) -> Store:
    """The team's database when one is configured ($BIDKIT_DATABASE_URL, else the settings'
    database_url); otherwise the folders (`folders`, else those of the environment)."""
    return store_for(configured_url(settings), folders or Folders.from_env())


def store_for(configured: tuple[str, str] | None, folders: Folders) -> Store:
    """The store of a configuration worked out before: configured_url's (URL, where), or None for
    the folders."""
    if configured is None:
        return FolderStore(folders)
    from bidkit.store.pg_store import PgStore

    return PgStore(*configured)
