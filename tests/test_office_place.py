"""A local-office requirement names a place (项目所在地（佛山市）, 在广东省内设有, 南海区): the bid's
offices and the clause's own words must be there, or the row says which places differ."""
from __future__ import annotations

from pathlib import Path

import pytest

from bidkit import bidfile, places_cn
from bidkit.check import check
from bidkit.model import Bid, Office, Requirement
from bidkit.places_cn import Located

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"



def local_office_row(lib, text: str, *, offices: list[Office] | None = None, clause_city: str | None = None,
                     mandatory: bool = True):
    """The demo bid (offices in 湛江市 and 广州市, clause saying 湛江市) against one local-office requirement."""
    bid: Bid = bidfile.read(DEMO)
    bid.requirements = [Requirement(metric="local_office", op="present", mandatory=mandatory, text=text)]
    if offices is not None:
        bid.offices = offices
    if clause_city is not None:
        next(c for c in bid.clauses if c.id == "local-office").params["office_city"] = clause_city
    finding = check(bid, lib).requirement_findings[0]
    return finding.status, finding.note, finding.blocking


FOSHAN = Office(city="佛山市", address="佛山市南海区桂城街道南海大道北38号", phone="0757-86286688")
FOSHAN_CHANCHENG = Office(city="佛山市", address="佛山市禅城区季华五路10号", phone="0757-83036688")
TAISHAN = Office(city="台山市", address="台山市台城桥湖路8号", phone="0750-5526688")


@pytest.mark.parametrize("text, offices, clause_city, status, note", [
    # the reported case: 佛山 wanted, offices in 湛江 and 广州, the clause saying 湛江
    ("★须在项目所在地（佛山市）设有固定的售后服务机构", None, None, "负偏离",
     "要求在佛山市设有服务机构，条款写明服务机构在湛江市，投标的服务网点在湛江市、广州市；★实质性要求负偏离将导致废标"),
    # the clause left at 项目所在地: the offices alone decide
    ("★须在项目所在地（佛山市）设有固定的售后服务机构", None, "项目所在地", "负偏离",
     "要求在佛山市设有服务机构，投标的服务网点在湛江市、广州市；★实质性要求负偏离将导致废标"),
    ("投标人须在佛山设有售后服务网点", None, "项目所在地", "负偏离",
     "要求在佛山设有服务机构，投标的服务网点在湛江市、广州市；★实质性要求负偏离将导致废标"),
    # an office in 佛山 but the clause still printing 湛江
    ("★须在项目所在地（佛山市）设有固定的售后服务机构", [FOSHAN], "湛江市", "负偏离",
     "要求在佛山市设有服务机构，条款写明服务机构在湛江市；★实质性要求负偏离将导致废标"),
    ("★须在项目所在地（佛山市）设有固定的售后服务机构", [FOSHAN], "佛山市", "无偏离", "满足招标要求"),
    # the demo's own place
    ("投标人须在项目所在地（湛江市）设有售后服务机构", None, None, "无偏离", "满足招标要求"),
    ("投标人须在湛江设有售后服务机构", None, None, "无偏离", "满足招标要求"),
    # a province: any office in one of its cities
    ("投标人须在广东省内设有售后服务机构", None, "项目所在地", "无偏离", "满足招标要求"),
    ("投标人须在广西壮族自治区内设有售后服务机构", None, "项目所在地", "负偏离",
     "要求在广西壮族自治区设有服务机构，投标的服务网点在湛江市、广州市；★实质性要求负偏离将导致废标"),
    # a county-level city this module cannot place in a province: asked, never guessed
    ("投标人须在广东省内设有售后服务机构", [TAISHAN], "项目所在地", "需人工确认",
     "要求在广东省设有服务机构，无法确定投标的服务网点（台山市）是否在广东省，请人工确认"),
    ("投标人须在项目所在地（台山市）设有售后服务机构", None, "项目所在地", "需人工确认",
     "要求在台山市设有服务机构，无法确定投标的服务网点（湛江市、广州市）是否在台山市，请人工确认"),
    # a district: the office's address names it, or another one
    ("投标人须在佛山市南海区设有售后服务机构", [FOSHAN], "项目所在地", "无偏离", "满足招标要求"),
    ("投标人须在佛山市南海区设有售后服务机构", [FOSHAN_CHANCHENG], "项目所在地", "负偏离",
     "要求在佛山市南海区设有服务机构，投标的服务网点在佛山市；★实质性要求负偏离将导致废标"),
    ("投标人须在南海区设有售后服务机构", [Office(city="佛山市")], "项目所在地", "需人工确认",
     "要求在南海区设有服务机构，无法确定投标的服务网点（佛山市）是否在南海区，请人工确认"),
    # no place named: today's behaviour, an office is enough
    ("须在本市设有固定的售后服务机构", None, None, "无偏离", "满足招标要求"),
    ("供应商应在XX市设有本地化服务网点", None, None, "无偏离", "满足招标要求"),
    ("中标人应在项目所在地设有售后服务机构", None, None, "无偏离", "满足招标要求"),
    ("中标人应在项目所在地设有售后服务机构", [], None, "负偏离",
     "条款承诺设有本地服务机构，但投标文件未列出任何服务网点；★实质性要求负偏离将导致废标"),
])
def test_local_office_place(lib, text, offices, clause_city, status, note):
    got_status, got_note, blocking = local_office_row(lib, text, offices=offices, clause_city=clause_city)
    assert (got_status, got_note) == (status, note)
    assert blocking == (status == "负偏离")


@pytest.mark.parametrize("text, name, level, province, city, district", [
    ("须在项目所在地（佛山市）设有固定的售后服务机构", "佛山市", "city", "广东", "佛山", None),
    ("须在项目所在地（广东省佛山市南海区）设有", "广东省佛山市南海区", "district", "广东", "佛山", "南海区"),
    ("须在佛山市设有售后服务网点", "佛山市", "city", "广东", "佛山", None),
    ("须在项目所在地佛山市设有网点", "佛山市", "city", "广东", "佛山", None),
    ("须在佛山设有售后服务网点", "佛山", "city", "广东", "佛山", None),
    ("须在广东省内设有服务机构", "广东省", "province", "广东", None, None),
    ("须在北京市朝阳区设立服务站", "北京市朝阳区", "district", "北京", "北京", "朝阳区"),
    ("在南海区设有维保站点", "南海区", "district", None, None, "南海区"),
])
def test_required_place(text, name, level, province, city, district):
    assert places_cn.required_place(text) == places_cn.Place(name, level, province, city, district)


@pytest.mark.parametrize("text", [
    "须在本市设有固定的售后服务机构", "在本区设有维保站点", "供应商应在XX市设有本地化服务网点",
    "在××市设有常驻服务机构的得3分", "中标人应在项目所在地设有售后服务机构", "投标人须在省内设有原厂备件库",
    "制造商在中国境内须设有维修中心和备件库", "在服务区域内设立物业服务中心（管理处）", "投标人在本地设有办事处或分支机构",
    "在项目所在地（以采购人地址为准）设有服务机构",
])
def test_no_place_named(text):
    assert places_cn.required_place(text) is None


@pytest.mark.parametrize("city, address, place, located", [
    ("湛江市", "湛江市赤坎区康宁路21号", "佛山市", Located.OUT),
    ("湛江市", "", "湛江市", Located.IN),
    ("湛江", "", "湛江市", Located.IN),
    ("广州市", "广东省广州市天河区天河北路233号", "广东省", Located.IN),
    ("长沙市", "", "广东省", Located.OUT),
    ("台山市", "", "广东省", Located.UNKNOWN),
    ("江门市", "江门市台山市台城桥湖路8号", "台山市", Located.IN),
    ("江门市", "", "台山市", Located.UNKNOWN),       # 台山市 may lie in 江门市
    ("佛山市", "佛山市禅城区季华五路10号", "南海区", Located.OUT),
    ("佛山市", "", "南海区", Located.UNKNOWN),
    ("湛江市", "", "佛山市南海区", Located.OUT),
])
def test_locate(city, address, place, located):
    assert places_cn.locate(city, address, places_cn.parse_place(place)) is located
