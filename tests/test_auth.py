"""Who may review: signed-in reviewers listed in the settings, or anyone who types a name without sign-in."""
from __future__ import annotations

import pytest

from bidkit.settings import Settings
from ui import auth
from ui.auth import Identity

SETTINGS = Settings(reviewers=["legal@example.com"])


@pytest.mark.parametrize("configured,identity,allowed,reason", [
    (True, Identity("", None, False), False, "请先登录"),
    (True, Identity("周律师", "legal@example.com", True), True, ""),
    (True, Identity("王磊", "sales@example.com", True), False, "不在设置文件的审核人名单中"),
    (False, Identity("", None, False), False, "未启用登录"),
    (False, Identity("周律师", None, False), True, ""),
])
def test_may_review(monkeypatch, configured, identity, allowed, reason):
    """With sign-in only listed reviewers may approve; without it a typed name is required."""
    monkeypatch.setattr(auth, "auth_configured", lambda: configured)
    monkeypatch.setattr(auth, "current_identity", lambda: identity)
    ok, why = auth.may_review(SETTINGS)
    assert ok is allowed
    assert reason in why
