"""Bids and templates as YAML files: read with precise errors, written without losing anything."""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from bidkit import yamlio
from bidkit.errors import BidError
from bidkit.model import Bid
from bidkit.userfile import megabytes, read_user_file

M = TypeVar("M", bound=BaseModel)
MAX_BYTES = 2 * 1024 * 1024  # the demo bid is 8 KB; an upload or file beyond this is refused unread


def parse(text: str, model: type[M], name: str) -> M:
    """YAML text -> Bid or Template; BidError names the file, line and field of the first problem."""
    result, problems = yamlio.parse_model(text, model)
    if result is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BidError(first.message + more, file=name, line=first.line, code=first.code, **first.values)
    return result


def read(path: str | Path, model: type[M] = Bid) -> M:
    data = read_user_file(path, MAX_BYTES, BidError)
    return parse(decode(data, str(path)), model, str(path))


def check_size(size: int, name: str) -> None:
    """BidError when a bid file of `size` bytes is over MAX_BYTES: an upload is checked before its
    bytes are read."""
    if size > MAX_BYTES:
        raise BidError(f"is {megabytes(size)}, over the {megabytes(MAX_BYTES)} limit of a bid file",
                       file=name, code="bid-too-big", size=megabytes(size), limit=megabytes(MAX_BYTES))


def decode(data: bytes, name: str) -> str:
    """Uploaded bytes -> text, refusing what cannot be a bid file."""
    check_size(len(data), name)
    if not data.strip():
        raise BidError("is empty", file=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BidError("is not UTF-8 text (is it a YAML file?)", file=name) from None


def to_yaml(model: BaseModel) -> bytes:
    return yamlio.dump(model.model_dump(mode="json", exclude_none=True))
