"""The app's settings file: who may review clause versions, and when a clause counts as stale.

`bidkit-settings.yaml` at the project root (or $BIDKIT_SETTINGS):

    reviewers: [zhou.lawyer@example.com, legal@example.com]
    stale_after_days: 180
"""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator

from bidkit import yamlio
from bidkit.errors import BidkitError
from bidkit.model import Strict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(Strict):
    reviewers: list[str] = Field(default_factory=list)
    stale_after_days: int = Field(default=180, ge=1, le=3650)

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
    text = path.read_text(encoding="utf-8")
    settings, problems = yamlio.parse_model(text, Settings)
    if settings is None:
        raise BidkitError(problems[0].message, file=str(path), line=problems[0].line)
    return settings
