"""The one exception family of bidkit.

Every error the core raises says what is wrong and where (file, line, field), so the command
line can print it as one line and a page can show it with st.error, without either knowing
how the other shows it.
"""
from __future__ import annotations


class BidkitError(Exception):
    """Something the user gave is wrong; the message says what and where.

    `code` and `values` name the problem for a page to word in its own language (ui/messages.py,
    key "err.<code>"); the English `message` is what the command line prints.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None, code: str | None = None, **values: object):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.code = code
        self.values = values

    def location(self) -> str:
        """'file:line: field' with whatever parts are known."""
        where = ""
        if self.file:
            where = str(self.file) + (f":{self.line}" if self.line else "")
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        return where

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class InternalError(BidkitError):
    """A fault of bidkit itself, not of what the user gave (the command line exits 3)."""


class QuantityError(BidkitError):
    """A duration, count or service-hours value that cannot be read."""


class ValueProblem(QuantityError, ValueError):
    """A parameter's value that breaks its rules (empty, wrong type, out of bounds); a ValueError
    too, so that pydantic's validators report it as the field's error."""


class LibraryError(BidkitError):
    """A clause library file or folder that is malformed."""


class ConflictError(BidkitError):
    """Someone saved the next version (or the same file) first; nothing was overwritten."""


class BidError(BidkitError):
    """A bid or template file that is malformed or names what does not exist."""


class ExtractError(BidkitError):
    """A tender file that cannot be read."""


class RenderError(BidkitError):
    """A chapter that cannot be rendered (template, house style, blocking findings)."""


class DatabaseError(BidkitError):
    """The configured PostgreSQL database cannot be used: a bad URL, a refused sign-in, a missing
    database, or a schema this bidkit does not match."""


class DatabaseUnavailable(DatabaseError):
    """The database server cannot be reached now (down, restarting, gone mid-run): worth retrying,
    and nothing of the failed write was recorded."""
