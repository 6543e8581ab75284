"""The app's settings file: who may review clause versions, and when a clause counts as stale.

`bidkit-settings.yaml` at the project root (or $BIDKIT_SETTINGS):

    reviewers: [zhou.lawyer@example.com, legal@example.com]
    stale_after_days: 180
    one_person_team: false  # true lets the author of a version approve it (no second person to ask)
    bidder: {name: 广东粤信科技有限公司, hotline: 400-..., contact: 王磊}  # optional: our company, for
                                      # a blank bid and a template without a bidder
    database_url: postgresql://bidkit@db.example.com:5432/bidkit  # optional: a team's shared database
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import Field, field_validator

from bidkit import yamlio
from bidkit.errors import BidkitError
from bidkit.model import Bidder, Strict
from bidkit.userfile import read_user_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_SETTINGS_BYTES = 1024 * 1024  # a list of reviewers; the shipped file is 240 bytes


class Settings(Strict):
    reviewers: list[str] = Field(default_factory=list)
    stale_after_days: int = Field(default=180, ge=1, le=3650)
    # four-eyes: a version is approved by someone other than its author, unless the team is one person
    one_person_team: bool = False
    bidder: Bidder | None = None
    # postgresql://user@host:port/db for a team on one database (bidkit/store); $BIDKIT_DATABASE_URL
    # wins; None keeps the folders. The password is better in ~/.pgpass or $PGPASSWORD than here.
    database_url: str | None = None

    @field_validator("reviewers")
    @classmethod
    def _emails(cls, reviewers: list[str]) -> list[str]:
        for email in reviewers:
            if "@" not in email:
                raise ValueError(f"{email!r} is not an email address")
        return [e.strip().lower() for e in reviewers]

    def may_review(self, email: str | None) -> bool:
        return bool(email) and email.strip().lower() in self.reviewers


def settings_path() -> Path:
    return Path(os.environ.get("BIDKIT_SETTINGS") or PROJECT_ROOT / "bidkit-settings.yaml")


def load_settings(path: Path | None = None) -> Settings:
    """The settings, or the defaults when the file does not exist; BidkitError when it is malformed."""
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        text = read_user_file(path, MAX_SETTINGS_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise BidkitError("is not UTF-8 text", file=str(path), code="not-utf8") from None
    settings, problems = yamlio.parse_model(text, Settings)
    if settings is None:
        raise BidkitError(problems[0].message, file=str(path), line=problems[0].line)
    return settings


def secrets_files() -> list[Path]:
    """Where Streamlit reads its secrets by default: the user's, then the app folder's."""
    return list(dict.fromkeys([Path.home() / ".streamlit" / "secrets.toml",
                               Path.cwd() / ".streamlit" / "secrets.toml",
                               PROJECT_ROOT / ".streamlit" / "secrets.toml"]))


def sign_in_configured(files: list[Path] | None = None) -> bool:
    """True when the secrets have an [auth] section, so that the app signs users in (ui/auth.py):
    then only the reviewers listed in the settings may review, in the app or on the command line."""
    for path in secrets_files() if files is None else files:
        if not path.exists():
            continue
        try:
            secrets = tomllib.loads(read_user_file(path, MAX_SETTINGS_BYTES).decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            # refused rather than read as "no sign-in", which would let anyone review
            raise BidkitError(f"is not a valid TOML file ({exc})", file=str(path), code="secrets-invalid") from None
        if "auth" in secrets:
            return True
    return False
