"""Places named in Chinese tender text, and whether a bid's office is in one.

A local-office requirement names its place as 项目所在地（佛山市）, 在佛山市设有, 在广东省内设有 or
在南海区设有; 本市, XX市 and a bare 项目所在地 name none. An office is placed from its city and the
start of its address (广东省佛山市南海区…). Which city lies in which province is known only for the
cities listed here; anything else is UNKNOWN, never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Provinces (and the four municipalities) by the short name that starts their full name:
# 广西壮族自治区 starts with 广西.
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
             "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南",
             "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾")
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# Prefecture-level cities whose province is certain: all of Guangdong and its neighbours, the
# provincial capitals and a few large cities. A city missing here is not placed in any province.
_CITIES_BY_PROVINCE = {
    "广东": "广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
    "广西": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "福建": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "湖南": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底",
    "江西": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "海南": "海口 三亚 三沙 儋州",
    "河北": "石家庄", "山西": "太原", "内蒙古": "呼和浩特", "辽宁": "沈阳 大连", "吉林": "长春",
    "黑龙江": "哈尔滨", "江苏": "南京 苏州 无锡", "浙江": "杭州 宁波 温州", "安徽": "合肥",
    "山东": "济南 青岛", "河南": "郑州", "湖北": "武汉", "四川": "成都", "贵州": "贵阳", "云南": "昆明",
    "西藏": "拉萨", "陕西": "西安", "甘肃": "兰州", "青海": "西宁", "宁夏": "银川", "新疆": "乌鲁木齐",
}
CITY_PROVINCE = {city: province for province, cities in _CITIES_BY_PROVINCE.items() for city in cities.split()}
CITY_PROVINCE.update({city: city for city in MUNICIPALITIES})

_NAME = r"(?:(?![省市区县旗路街镇乡村号])[\u4e00-\u9fff])"
# The administrative head of an address or a place: 广东省 佛山市 南海区, each part optional.
_OTHER_PROVINCES = "|".join(p for p in PROVINCES if p not in MUNICIPALITIES)
_HEAD = re.compile(
    rf"(?P<province>(?:{'|'.join(MUNICIPALITIES)})市?|(?:{_OTHER_PROVINCES})"
    rf"(?:省|壮族自治区|回族自治区|维吾尔自治区|自治区|(?!市)))?"
    rf"(?P<city>{_NAME}{{2,6}}(?:市|自治州|地区|盟))?"
    rf"(?P<district>{_NAME}{{1,6}}(?:区|县|旗|市))?")
# 项目所在地（佛山市南海区）: the place in brackets after 所在地.
_BRACKETED = re.compile(r"所在地[（(]\s*([^（()）]{2,20}?)\s*[）)]")
# 在佛山市设有, 须在广东省内设立, 在佛山设有: a place between 在 and the verb of having.
_HAVING = re.compile(rf"在(?:项目所在地|采购人所在地)?((?:{_NAME}{{2,8}}?(?:省|自治区|市|区|县)){{1,3}}|{_NAME}{{2,8}}?)"
                     r"(?:内|境内|范围内|城区)?"
                     r"(?:须|应|必须|应当)?(?:设有|设立|设置|建有|拥有|有)")
# What names no place: 本市, 本地, XX市, ××市, 当地.
_NO_PLACE = re.compile(r"^(?:本|当|该|X|x|×|某)")


class Located(Enum):
    IN = "in"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Place:
    """A place as a requirement names it (name, e.g. 佛山市) at its finest level."""

    name: str
    level: str  # "province", "city" or "district"
    province: str | None = None  # short names: 广东, 佛山, 南海区
    city: str | None = None
    district: str | None = None


def _short(name: str) -> str:
    """佛山市 -> 佛山, 广东省 -> 广东, 广西壮族自治区 -> 广西; districts keep their suffix (南海区)."""
    for province in PROVINCES:
        if name.startswith(province):
            return province
    return re.sub(r"(?:市|自治州|地区|盟)$", "", name)


def _head(text: str) -> tuple[Place | None, int]:
    """The place at the start of a text (广东省佛山市南海区…) and where it ends."""
    m = _HEAD.match(text)
    province, city, district = m.group("province"), m.group("city"), m.group("district")
    if not (province or city or district):
        return None, 0
    short_province = _short(province) if province else None
    if short_province in MUNICIPALITIES and not city:
        city = province
    short_city = _short(city) if city else None
    if short_city and not short_province:
        short_province = CITY_PROVINCE.get(short_city)
    level = "district" if district else "city" if city else "province"
    return Place(m.group(0), level, short_province, short_city, district), m.end()


def parse_place(text: str) -> Place | None:
    """The place a short text names in full (佛山市, 广东省佛山市南海区, 佛山, 南海区), or None."""
    text = text.strip()
    if not text or _NO_PLACE.match(text):
        return None
    place, end = _head(text)
    if place and end == len(text):
        return place
    # A name without its suffix counts only when it is unambiguous: a known city or province.
    if text in PROVINCES:
        return Place(text, "city" if text in MUNICIPALITIES else "province", text,
                     text if text in MUNICIPALITIES else None)
    if text in CITY_PROVINCE:
        return Place(text, "city", CITY_PROVINCE[text], text)
    return None


def required_place(requirement_text: str) -> Place | None:
    """The place a local-office requirement names, or None when it names none (本市, XX市, 项目所在地)."""
    for pattern in (_BRACKETED, _HAVING):
        for m in pattern.finditer(requirement_text):
            if place := parse_place(m.group(1)):
                return place
    return None


def locate(city: str, address: str, place: Place) -> Located:
    """Whether an office (its city field and address) lies in a place."""
    office = parse_place(city) or Place(city, "city")
    head = _head(address.strip())[0] if address else None
    province = (head and head.province) or office.province
    office_city = (head and head.city) or office.city
    district = (head and head.district) or office.district
    if place.level == "province":
        if province is None:
            return Located.UNKNOWN
        return Located.IN if province == place.province else Located.OUT
    if place.level == "city":
        if place.city in (office_city, district and _short(district)):
            return Located.IN
        # 台山市 may lie inside 江门市: another city rules an office out only when both are
        # prefecture-level cities this module knows.
        if office_city in CITY_PROVINCE and place.city in CITY_PROVINCE:
            return Located.OUT
        return Located.UNKNOWN
    if place.city and office_city in CITY_PROVINCE and place.city in CITY_PROVINCE and office_city != place.city:
        return Located.OUT
    if district is None:
        return Located.UNKNOWN
    return Located.IN if district == place.district else Located.OUT
