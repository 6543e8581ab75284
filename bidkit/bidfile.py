"""Bids and templates as YAML files: read with precise errors, written without losing anything."""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from bidkit import yamlio
from bidkit.errors import BidError
from bidkit.model import Bid

M = TypeVar("M", bound=BaseModel)
MAX_BYTES = 2_000_000


def parse(text: str, model: type[M], name: str) -> M:
    """YAML text -> Bid or Template; BidError names the file, line and field of the first problem."""
    result, problems = yamlio.parse_model(text, model)
    if result is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BidError(first.message + more, file=name, line=first.line)
    return result


def read(path: str | Path, model: type[M] = Bid) -> M:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BidError(f"cannot be read: {exc.strerror}", file=str(path)) from None
    return parse(decode(data, str(path)), model, str(path))


def decode(data: bytes, name: str) -> str:
    """Uploaded bytes -> text, refusing what cannot be a bid file."""
    if len(data) > MAX_BYTES:
        raise BidError(f"is {len(data) // 1_000_000} MB; a bid file is at most 2 MB", file=name)
    if not data.strip():
        raise BidError("is empty", file=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BidError("is not UTF-8 text (is it a YAML file?)", file=name) from None


def to_yaml(model: BaseModel) -> bytes:
    return yamlio.dump(model.model_dump(mode="json", exclude_none=True))
