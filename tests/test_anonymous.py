"""暗标: an anonymous bid's chapter names no bidder anywhere, and the check blocks what is left."""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from bidkit import anonymous, bidfile
from bidkit.check import check
from bidkit.compose import compose
from bidkit.model import Bid, Bidder
from bidkit.render_docx import DEFAULT_HOUSE_STYLE, render_docx
from tests.conftest import DEMO_BID

COMPANY = "广东粤信科技有限公司"


@pytest.fixture(autouse=True)
def _no_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BIDKIT_SETTINGS", str(tmp_path / "no-settings.yaml"))



def anonymous_demo() -> Bid:
    bid = bidfile.read(DEMO_BID)
    bid.anonymous = True
    return bid


def test_old_bid_files_are_not_anonymous():
    assert bidfile.read(DEMO_BID).anonymous is False


@pytest.mark.parametrize("name,short", [
    ("广东粤信科技有限公司", ["粤信科技", "粤信"]),
    ("湛江市海讯信息技术股份有限公司", ["海讯信息技术", "海讯"]),
    ("华为技术有限公司", ["华为技术", "华为"]),
    ("粤信", []),
])
def test_short_names(name, short):
    assert anonymous.short_names(name) == short


@pytest.mark.parametrize("text,found", [
    ("服务热线：400-830-6618", [("联系电话", 1)]),
    ("服务热线：4008306618，或 400 830 6618", [("联系电话", 2)]),
    ("粤信科技的工程师王磊", [("投标人简称", 1), ("联系人姓名", 1)]),
    ("广东粤信科技有限公司（粤信）", [("投标人名称", 1), ("投标人简称", 1)]),
    ("14008306618 is another number", []),
    ("质保期3年", []),
])
def test_occurrences(text, found):
    bid = Bid(bidder=Bidder(name=COMPANY, hotline="400-830-6618", contact="王磊"))
    words = anonymous.identifying(bid)
    assert [(w.what, n) for w, n in anonymous.occurrences(text, words)] == found


def test_the_check_blocks_each_identifying_word_left(lib):
    """A value the writer typed names the bidder: each word is a blocking finding naming the clause;
    the same bid not anonymous has none. (The bid's own variables name nobody in a 暗标 bid: 我公司,
    no hotline number; tests/test_export_xlsx.py.)"""
    bid = anonymous_demo()
    bid.clauses[1].params["service_manager"] = f"{COMPANY}售后部（400-830-6618）"
    found = [f for f in check(bid, lib).findings if f.kind == "anonymous"]
    assert found and all(f.blocking and f.status == "暗标泄露" for f in found)
    assert ("服务受理渠道：含有投标人名称“广东粤信科技有限公司”，暗标不得出现可识别投标人的信息，请删除"
            in [f.message for f in found])
    assert {f.offer for f in found} == {COMPANY, "400-830-6618"}
    assert not [f for f in check(bidfile.read(DEMO_BID), lib).findings if f.kind == "anonymous"]


def test_the_company_in_the_settings_is_looked_for(lib, tmp_path, monkeypatch):
    settings = tmp_path / "settings.yaml"
    settings.write_text("bidder: {name: 粤信集团有限公司, contact: 周海}\n", encoding="utf-8")
    monkeypatch.setenv("BIDKIT_SETTINGS", str(settings))
    bid = anonymous_demo()
    bid.clauses[1].params["service_manager"] = "周海"
    messages = [f.message for f in check(bid, lib).findings if f.kind == "anonymous"]
    assert any("联系人姓名“周海”" in m for m in messages)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _branded_house_style(tmp_path: Path) -> Path:
    """Our house style as a company makes it its own: its name and logo in the header and footer,
    itself as author, company and manager of the document."""
    doc = docx.Document(str(DEFAULT_HOUSE_STYLE))
    for part in (doc.sections[0].header, doc.sections[0].footer):
        part.add_paragraph(f"{COMPANY} 售后服务部 400-830-6618").add_run().add_picture(io.BytesIO(_png()))
    doc.core_properties.author = doc.core_properties.last_modified_by = COMPANY
    doc.core_properties.comments = doc.core_properties.title = COMPANY
    buffer = io.BytesIO()
    doc.save(buffer)
    path = tmp_path / "branded.docx"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/app.xml":
                data = re.sub(rb"<Company\s*/>", f"<Company>{COMPANY}</Company>".encode(), data)
                data = re.sub(rb"<Manager\s*/>", "<Manager>王磊</Manager>".encode(), data)
            out.writestr(item, data)
    return path


def _leaks(data: bytes, bid: Bid) -> list[tuple[str, str]]:
    words = anonymous.identifying(bid)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        leaks = [(name, "picture") for name in package.namelist() if name.startswith("word/media/")]
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                text = package.read(name).decode("utf-8")
                leaks += [(name, w.text) for w in words if w.pattern.search(text)]
    return leaks


@pytest.mark.parametrize("draft", [True, False])
def test_an_anonymous_docx_names_the_bidder_nowhere(lib, tmp_path, draft):
    """Every XML part of the package (body, tables, header, footer, core and app properties) is
    free of the bidder's name, short name, address, phones, staff names, and of the house style's
    logo; the same chapter not anonymous has them, so the scan does look."""
    style = _branded_house_style(tmp_path)
    bid = anonymous_demo()
    data = render_docx(compose(bid, lib, draft=draft), style)
    assert _leaks(data, bid) == []
    bid.anonymous = False
    leaked = {what for _, what in _leaks(render_docx(compose(bid, lib, draft=draft), style), bid)}
    assert {COMPANY, "picture", "王磊", "0759-3216688"} <= leaked
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        core = package.read("docProps/core.xml").decode()
    assert re.search(r"<dc:creator>[^<]+</dc:creator>", core) is None


def test_an_anonymous_chapter_keeps_the_tables_without_names(lib):
    chapter = compose(anonymous_demo(), lib)
    staff = next(t for t in chapter.tables() if t.title == "售后服务人员配置表")
    offices = next(t for t in chapter.tables() if t.title == "售后服务网点")
    assert staff.header == ("序号", "岗位", "资格证书") and len(staff.rows) == 8
    assert offices.header == ("序号", "城市") and offices.rows[0] == ("1", "湛江市")
    assert not [b for b in chapter.blocks if type(b).__name__ == "Closing"]
