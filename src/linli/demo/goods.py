"""What the demo's suppliers sell: products with real units and specs, where they come from,
when they are in season, and which are staples people stock up on in a lockdown.

Seasonality lives here and only here (the catalog has no field for it): a product whose months
are empty is sold all year.
"""

from dataclasses import dataclass

# name | category | unit | spec:supplier price in fen, … | months | flags | origins
#
# A spec ending in /箱 (or another unit) is sold by that unit, else by the line's unit.
# ``prefix`` puts the origin before the name (崇明 + 青菜 = 崇明青菜); ``staple`` marks what
# households stock up on when they cannot go out. Merchants sell every product of their trade.
TABLE = """
青菜         | vegetable | 斤 | :250                              |          | staple prefix | 崇明 南汇 青浦 奉贤
鸡毛菜       | vegetable | 斤 | :400                              | 4-10     | prefix        | 崇明 南汇 青浦
菠菜         | vegetable | 斤 | :450                              | 10-4     |               | 崇明 南汇 寿光
芹菜         | vegetable | 斤 | :350                              |          |               | 南汇 寿光
大白菜       | vegetable | 个 | 约4斤/个:500                       | 11-3     | staple        | 寿光 崇明
卷心菜       | vegetable | 个 | 约2斤/个:400                       |          | staple        | 崇明 南汇 寿光
西兰花       | vegetable | 个 | 约1斤/个:550                       |          |               | 寿光
花菜         | vegetable | 斤 | :450                              | 10-4     |               | 寿光 崇明
黄瓜         | vegetable | 斤 | :350                              | 4-10     | prefix        | 寿光 南汇
番茄         | vegetable | 斤 | :450, 约5斤/箱:2000                 | 5-10     | prefix        | 寿光 南汇 崇明
茄子         | vegetable | 斤 | :400                              | 6-10     |               | 寿光 南汇
青椒         | vegetable | 斤 | :400                              | 6-10     |               | 寿光
彩椒         | vegetable | 斤 | :800                              |          |               | 寿光
土豆         | vegetable | 斤 | :200, 约5斤/袋:900                  |          | staple        | 寿光
胡萝卜       | vegetable | 斤 | :200                              |          | staple        | 寿光 崇明
白萝卜       | vegetable | 个 | 约3斤/个:400                       | 10-3     | prefix        | 崇明 寿光
洋葱         | vegetable | 斤 | :200                              |          | staple        | 寿光
冬瓜         | vegetable | 斤 | :150                              | 6-9      |               | 南汇 崇明 奉贤
金瓜         | vegetable | 个 | 约3斤/个:800                       | 7-10     | prefix        | 崇明
丝瓜         | vegetable | 斤 | :500                              | 6-9      |               | 南汇 奉贤
毛豆         | vegetable | 斤 | :600                              | 6-9      |               | 崇明 南汇 奉贤
豇豆         | vegetable | 斤 | :500                              | 6-9      |               | 南汇 奉贤
练塘茭白     | vegetable | 斤 | :600                              | 5-6,9-10 |               | 青浦
春笋         | vegetable | 斤 | :800                              | 3-4      | prefix        | 安吉
冬笋         | vegetable | 斤 | :1800                             | 12-2     | prefix        | 安吉
荠菜         | vegetable | 斤 | :800                              | 2-4      |               | 崇明 南汇
马兰头       | vegetable | 斤 | :1000                             | 3-4      |               | 崇明 南汇
香椿         | vegetable | 把 | 约250g/把:1200                     | 3-4      |               | 南汇
蚕豆         | vegetable | 斤 | :600                              | 4-5      |               | 崇明 南汇
莴笋         | vegetable | 斤 | :350                              | 3-5      |               | 崇明 寿光
芦笋         | vegetable | 把 | 约500g/把:1500                     | 4-6      | prefix        | 崇明
山药         | vegetable | 斤 | :800                              | 10-2     |               | 寿光
莲藕         | vegetable | 斤 | :600                              | 9-2      |               | 嘉兴
芋艿         | vegetable | 斤 | :500                              | 8-10     |               | 奉贤 嘉兴
生菜         | vegetable | 斤 | :400                              |          |               | 崇明 寿光
韭菜         | vegetable | 把 | 约500g/把:400                      |          |               | 寿光 南汇
小葱         | vegetable | 把 | 约100g/把:150                      |          |               | 崇明 南汇
香菇         | vegetable | 斤 | :1000                             |          |               | 寿光
金针菇       | vegetable | 袋 | 200g/袋:250                        |          |               | 寿光
时令蔬菜箱   | vegetable | 箱 | 约5斤/箱:2800, 约8斤/箱:4200        |          | staple        | 崇明 南汇 寿光 奉贤
时令蔬菜包   | vegetable | 份 | 约6斤/份:2600                      |          | staple        | 崇明 南汇 寿光 奉贤
青椒土豆丝   | vegetable | 份 | 约400g/份:600                      |          |               | 南汇 寿光
8424西瓜     | fruit     | 个 | 约10斤/个:2500                     | 6-8      |               | 南汇
西瓜         | fruit     | 个 | 约12斤/个:2000                     | 6-8      | prefix        | 东台
水蜜桃       | fruit     | 盒 | 6只/盒:3200, 12只/盒:5800           | 6-8      | prefix        | 南汇 奉贤
黄桃         | fruit     | 箱 | 约5斤/箱:4500                      | 7-9      | prefix        | 奉贤
蟠桃         | fruit     | 盒 | 8只/盒:3000                        | 7-8      | prefix        | 金山
翠冠梨       | fruit     | 箱 | 约5斤/箱:3800                      | 7-8      |               | 南汇 嘉定
马陆葡萄     | fruit     | 斤 | :900                              | 7-9      |               | 嘉定
阳光玫瑰葡萄 | fruit     | 盒 | 约2斤/盒:3800                      | 8-11     |               | 嘉定
草莓         | fruit     | 盒 | 约1斤/盒:2500, 约2斤/盒:4600        | 12-4     | prefix        | 丹东 青浦 崇明
脐橙         | fruit     | 箱 | 约10斤/箱:5500, 约5斤/箱:2900       | 11-2     | prefix        | 赣南
砂糖橘       | fruit     | 箱 | 约5斤/箱:2800                      | 11-2     |               | 广西
沃柑         | fruit     | 箱 | 约5斤/箱:3000                      | 1-4      |               | 广西
苹果         | fruit     | 箱 | 约10斤/箱:5000                     | 9-3      | prefix        | 烟台 阿克苏
香梨         | fruit     | 箱 | 约5斤/箱:3800                      | 9-2      | prefix        | 库尔勒
杨梅         | fruit     | 盒 | 约2斤/盒:5000                      | 6-6      | prefix        | 仙居
樱桃         | fruit     | 盒 | 约1斤/盒:4500                      | 5-6      | prefix        | 烟台
枇杷         | fruit     | 盒 | 约3斤/盒:4000                      | 5-6      | prefix        | 东山
蜜柚         | fruit     | 个 | 约3斤/个:1000                      | 9-11     | prefix        | 平和
哈密瓜       | fruit     | 个 | 约4斤/个:1800                      | 7-9      |               | 哈密
香蕉         | fruit     | 把 | 约3斤/把:900                       |          |               | 海南
芒果         | fruit     | 箱 | 约5斤/箱:4000                      | 4-7      |               | 海南
猕猴桃       | fruit     | 盒 | 12只/盒:3500                       | 9-12     | prefix        | 周至
柑橘         | fruit     | 箱 | 约5斤/箱:2500                      | 10-12    | prefix        | 崇明
冬枣         | fruit     | 盒 | 约2斤/盒:2800                      | 9-11     | prefix        | 沾化
鲜切水果拼盘 | fruit     | 份 | 约500g/份:1500                     |          |               | 南汇 奉贤
五花肉       | meat      | 斤 | :1600                             |          | staple        | 嘉兴
猪小排       | meat      | 斤 | :2600                             |          |               | 嘉兴
前腿肉       | meat      | 斤 | :1500                             |          | staple        | 嘉兴
肉糜         | meat      | 盒 | 500g/盒:1300                       |          | staple        | 嘉兴
猪蹄         | meat      | 只 | 约1斤/只:1500                      |          |               | 嘉兴
里脊肉       | meat      | 斤 | :1800                             |          |               | 嘉兴
草鸡         | meat      | 只 | 约3斤/只:6000                      |          | prefix        | 崇明
老母鸡       | meat      | 只 | 约3.5斤/只:7000                    | 10-3     |               | 崇明 奉贤
鸡腿         | meat      | 袋 | 1kg/袋:2600                        |          | staple        | 嘉兴
鸡翅中       | meat      | 袋 | 500g/袋:2800                       |          |               | 嘉兴
酱鸭         | meat      | 只 | 约2斤/只:4500                      | 12-2     |               | 嘉兴
牛腩         | meat      | 斤 | :4500                             |          |               | 锡林郭勒
牛腱         | meat      | 斤 | :5000                             |          |               | 锡林郭勒
羊肉卷       | meat      | 盒 | 500g/盒:4000                       | 10-3     |               | 锡林郭勒
羊排         | meat      | 斤 | :5500                             | 10-2     |               | 锡林郭勒
白山羊肉     | meat      | 斤 | :6500                             | 11-2     | prefix        | 崇明
腌笃鲜食材包 | meat      | 份 | 约2斤/份:4200                      | 3-5      |               | 嘉兴
红烧肉半成品 | meat      | 份 | 约1斤/份:2600                      |          |               | 嘉兴
带鱼         | seafood   | 斤 | :3500, 约2斤/盒:6800                | 9-4      | prefix        | 舟山
小黄鱼       | seafood   | 斤 | :2800                             | 9-4      |               | 舟山
鲳鱼         | seafood   | 斤 | :5000                             | 9-4      |               | 舟山
梭子蟹       | seafood   | 斤 | :5500                             | 9-12     | prefix        | 舟山
大闸蟹       | seafood   | 盒 | 4只装/盒:12000, 8只装/盒:22000      | 9-12     | prefix        | 阳澄湖
清水蟹       | seafood   | 斤 | :6000                             | 9-11     | prefix        | 崇明
河蟹         | seafood   | 斤 | :4000                             | 9-11     | prefix        | 盘锦
基围虾       | seafood   | 斤 | :4500                             |          |               | 舟山
虾仁         | seafood   | 袋 | 250g/袋:3000                       |          |               | 舟山
花蛤         | seafood   | 斤 | :1000                             |          |               | 舟山
鱿鱼         | seafood   | 斤 | :3000                             |          |               | 舟山
海蜇         | seafood   | 袋 | 500g/袋:2500                       |          |               | 舟山
鲈鱼         | seafood   | 斤 | :2500                             |          |               | 舟山 嘉兴
小龙虾       | seafood   | 斤 | :3000                             | 5-8      | prefix        | 盱眙
土鸡蛋       | eggs_dairy| 盒 | 30枚/盒:3200                       |          | staple prefix | 崇明 奉贤 嘉兴
鲜鸡蛋       | eggs_dairy| 盒 | 30枚/盒:2000, 约15斤/箱:10500       |          | staple        | 松江 嘉兴
咸鸭蛋       | eggs_dairy| 盒 | 10枚/盒:2000                       |          | prefix        | 高邮
鹌鹑蛋       | eggs_dairy| 盒 | 50枚/盒:1500                       |          |               | 嘉兴
鲜牛奶       | eggs_dairy| 瓶 | 950ml/瓶:1200                      |          | staple        | 松江
酸奶         | eggs_dairy| 瓶 | 1kg/瓶:1500                        |          |               | 松江
大米         | grain     | 袋 | 5kg/袋:3500, 10kg/袋:6500           |          | staple prefix | 五常 松江 盘锦 崇明
东北大米     | grain     | 袋 | 10kg/袋:5000                       |          | staple        | 盘锦
面粉         | grain     | 袋 | 5kg/袋:2500                        |          | staple        | 寿光
挂面         | grain     | 袋 | 1kg/袋:900                         |          | staple        | 寿光
糯米         | grain     | 袋 | 2.5kg/袋:2000                      |          |               | 崇明 盘锦
速冻水饺     | grain     | 袋 | 1kg/袋:2800                        |          | staple        | 嘉兴
荠菜馄饨     | grain     | 袋 | 40只/袋:3000                       |          |               | 崇明
汤圆         | grain     | 袋 | 500g/袋:1500                       | 1-2      |               | 嘉兴
青团         | grain     | 盒 | 6只/盒:2400                        | 3-4      |               | 崇明
粽子         | grain     | 袋 | 10只/袋:4500                       | 5-6      | prefix        | 嘉兴
年糕         | grain     | 袋 | 1kg/袋:1200                        | 12-2     |               | 崇明
鲜肉月饼     | grain     | 盒 | 6只/盒:3000                        | 8-9      |               | 嘉兴
馒头         | grain     | 袋 | 10只/袋:1500                       |          | staple        | 寿光
崇明糕       | grain     | 盒 | 约1斤/盒:2000                      |          |               | 崇明
速冻生煎     | grain     | 份 | 16只/份:2000                       |          |               | 嘉兴
葱油拌面     | grain     | 份 | 4人份/份:1500                      |          |               | 嘉兴 松江
菜籽油       | pantry    | 瓶 | 5L/瓶:6500                         |          | staple        | 崇明
花生油       | pantry    | 瓶 | 5L/瓶:9000                         |          | staple        | 寿光
酱油         | pantry    | 瓶 | 500ml/瓶:1000                      |          | staple        |
米醋         | pantry    | 瓶 | 500ml/瓶:600                       |          |               |
黄酒         | pantry    | 瓶 | 500ml/瓶:1200                      |          | prefix        | 绍兴
方便面       | pantry    | 箱 | 24袋/箱:4500                       |          | staple        |
榨菜         | pantry    | 袋 | 10小包/袋:1200                     |          | staple        |
午餐肉       | pantry    | 个 | 340g/罐:1800                       |          | staple        |
梅干菜       | pantry    | 袋 | 250g/袋:1500                       |          |               | 绍兴
红枣         | pantry    | 袋 | 1kg/袋:3500                        |          | prefix        | 和田
核桃         | pantry    | 袋 | 1kg/袋:4000                        |          | prefix        | 阿克苏
木耳         | pantry    | 袋 | 250g/袋:2500                       |          |               |
广式腊肠     | pantry    | 袋 | 500g/袋:3500                       | 11-2     |               |
咸肉         | pantry    | 斤 | :3000                             | 12-2     |               | 嘉兴
嫩豆腐       | pantry    | 盒 | 400g/盒:300                        |          | staple        | 松江
蜂蜜         | pantry    | 瓶 | 500g/瓶:4000                       |          | prefix        | 崇明
紫菜         | pantry    | 袋 | 50g/袋:800                         |          |               | 舟山
抽纸         | household | 箱 | 24包/箱:4500                       |          | staple        |
卷纸         | household | 袋 | 12卷/袋:3000                       |          | staple        |
洗衣液       | household | 瓶 | 3kg/瓶:4000                        |          |               |
洗洁精       | household | 瓶 | 1.5kg/瓶:1800                      |          |               |
垃圾袋       | household | 袋 | 100只/袋:1200                      |          |               |
口罩         | household | 盒 | 50只/盒:3500                       |          | staple        |
84消毒液     | household | 瓶 | 500ml/瓶:1500                      |          | staple        |
酒精消毒液   | household | 瓶 | 500ml/瓶:1800                      |          | staple        |
保鲜袋       | household | 盒 | 200只/盒:1200                      |          |               |
"""

# Where farms and co-ops are, with how often a supplier is from there. Merchants are in
# Shanghai's wholesale markets and sell by trade instead (see ``TRADES``).
ORIGINS: dict[str, int] = {
    "崇明": 10,
    "南汇": 7,
    "寿光": 6,
    "五常": 3,
    "嘉兴": 6,
    "舟山": 5,
    "奉贤": 4,
    "青浦": 3,
    "松江": 3,
    "嘉定": 2,
    "金山": 1,
    "阳澄湖": 2,
    "盘锦": 1,
    "锡林郭勒": 2,
    "赣南": 1,
    "烟台": 2,
    "丹东": 1,
    "库尔勒": 1,
    "东台": 1,
    "仙居": 1,
    "安吉": 1,
    "广西": 1,
    "海南": 1,
    "周至": 1,
    "沾化": 1,
    "东山": 1,
    "平和": 1,
    "哈密": 1,
    "盱眙": 1,
    "高邮": 1,
    "绍兴": 1,
    "和田": 1,
    "阿克苏": 1,
}

# A merchant's trade → the categories it sells.
TRADES: dict[str, tuple[str, ...]] = {
    "蔬果": ("vegetable", "fruit"),
    "肉禽": ("meat", "eggs_dairy"),
    "水产": ("seafood",),
    "粮油": ("grain", "pantry"),
    "日用百货": ("household", "pantry"),
    "乳品": ("eggs_dairy",),
}

# How much an average household wants of a category, relative to vegetables.
CATEGORY_APPEAL = {
    "vegetable": 3.0,
    "fruit": 2.4,
    "meat": 2.0,
    "seafood": 1.2,
    "eggs_dairy": 2.2,
    "grain": 1.2,
    "pantry": 1.0,
    "household": 0.6,
}


UNITS = frozenset("斤份箱袋盒个只瓶把")


@dataclass(frozen=True)
class Good:
    """One line of the table: a kind of product, in one or more package sizes."""

    name: str
    category: str
    unit: str
    specs: tuple[tuple[str, int], ...]  # (spec, supplier price in fen)
    months: frozenset[int]  # empty: all year
    staple: bool
    prefix: bool
    origins: tuple[str, ...]

    def in_season(self, month: int) -> bool:
        return not self.months or month in self.months

    def named_for(self, origin: str | None) -> str:
        return f"{origin}{self.name}" if self.prefix and origin else self.name

    def unit_for(self, spec: str) -> str:
        """The unit a package is sold by: 箱 for 约5斤/箱, else the line's unit."""
        _, slash, unit = spec.rpartition("/")
        return unit if slash and unit in UNITS else self.unit


def _months(text: str) -> frozenset[int]:
    months: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        start, end = int(first), int(last or first)
        month = start
        while True:
            months.add(month)
            if month == end:
                break
            month = month % 12 + 1
    return frozenset(months)


def _specs(text: str) -> tuple[tuple[str, int], ...]:
    specs = []
    for part in text.split(","):
        spec, _, cost = part.strip().rpartition(":")
        specs.append((spec.strip(), int(cost)))
    return tuple(specs)


def _parse(table: str) -> tuple[Good, ...]:
    goods = []
    for line in filter(None, (line.strip() for line in table.splitlines())):
        name, category, unit, specs, months, flags, origins = (p.strip() for p in line.split("|"))
        goods.append(
            Good(
                name=name,
                category=category,
                unit=unit,
                specs=_specs(specs),
                months=_months(months),
                staple="staple" in flags.split(),
                prefix="prefix" in flags.split(),
                origins=tuple(origins.split()),
            )
        )
    return tuple(goods)


GOODS: tuple[Good, ...] = _parse(TABLE)
