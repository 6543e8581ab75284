"""Full-width ASCII to ASCII (，：（ -> , : (), one character for one."""
from __future__ import annotations

import re


# Full-width ASCII to ASCII, one character for one: offsets in the normalised text are the
# offsets in the original, so the requirement's text can quote the source exactly.
_NORM_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORM_TABLE.update({0x3000: " ", 0x00A0: " ", 0x2236: ":"})


_NORM_RUN_RE = re.compile("[\uff01-\uff5e\u3000\u00a0\u2236]+")


def normalise(text: str) -> str:
    # str.translate looks up every character of the line in a dict; the C-level search finds the
    # few full-width runs (，：（) and only those are translated.
    return _NORM_RUN_RE.sub(_norm_run, text)


def _norm_run(run: re.Match[str]) -> str:
    return run.group().translate(_NORM_TABLE)
