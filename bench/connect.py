"""Consumer connect at scale: matching 50,000 participants × 20,000 hosts × 8 weeks (the
min-cost flow and greedy in the same run), the import of a 50,000-row participants' sheet, and
the search over 100,000 report paragraphs in Chinese.

- Matching: a city of 80 × 60 km with 40 clusters of homes; hosts take one visitor at a time,
  4 stays a year, and are free in about 60% of the weeks; 5% of participants need step-free
  access, which 30% of hosts have; languages in three dialects; 30 departments, five host
  profiles, each department's earlier stays spread at random over them. The figures are those
  of :func:`linli.connect.matching.solve`: its cost counts distance, language, the history's
  variety and variety within the run (a convex cost per department and profile: one LP of its
  convex relaxation, a flow for those it splits); the bound is the Lagrangian bound at the
  LP's dual prices. One participant
  in ten is new staff, owing five weeks in a row at one host: placed first by CP-SAT, one
  piece per district (40).
- Import: :func:`linli.connect.importing.import_participants` of a CSV sheet, on a throwaway
  database (checked, then written in one transaction).
- Search: paragraphs of words drawn by frequency from jieba's dictionary (the 20,000 most
  frequent) and everyday words about groceries, pickup and home life, indexed by
  :func:`linli.connect.search.index_many`; queries of one or two words (many of two
  characters), p50 and p95 of :func:`~linli.connect.search.search` (best 20).

Targets (issue 17): match under 60 s and within 0.1% of the bound; search p95 under 50 ms on
SQLite. ``--small`` runs a tenth of everything; ``--only match`` the matching alone (its table
and JSON line, no database).
"""

import argparse
import csv
import io
import itertools
import random
import sys
import time
from datetime import date

from _common import emit, out, percentile, rounded, say, setup_django, table, throwaway_database

WORDS = [
    "社区",
    "团购",
    "取货",
    "时间",
    "太早",
    "傍晚",
    "上班",
    "老人",
    "孩子",
    "冰箱",
    "蔬菜",
    "新鲜",
    "鸡蛋",
    "大米",
    "猪肉",
    "水果",
    "价格",
    "便宜",
    "贵了",
    "团长",
    "邻居",
    "楼下",
    "电梯",
    "快递",
    "冷链",
    "保鲜",
    "配送",
    "农场",
    "农户",
    "收成",
    "天气",
    "下雨",
    "仓库",
    "打包",
    "包装",
    "塑料",
    "纸箱",
    "退货",
    "售后",
    "质量",
    "口味",
    "做饭",
    "早饭",
    "午饭",
    "晚饭",
    "超市",
    "菜市场",
    "手机",
    "微信",
    "接龙",
    "付款",
    "现金",
    "扫码",
    "二维码",
    "排队",
    "等待",
    "方便",
    "麻烦",
    "希望",
    "建议",
    "喜欢",
    "担心",
    "身体",
    "医院",
    "药店",
    "学校",
    "接送",
    "周末",
    "节日",
    "春节",
    "中秋",
    "月饼",
    "粽子",
    "豆腐",
    "青菜",
    "白菜",
    "土豆",
    "番茄",
    "黄瓜",
    "西瓜",
    "苹果",
    "橘子",
    "牛奶",
    "面包",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--hosts", type=int, default=20_000)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the imported sheet")
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--small", action="store_true", help="a tenth of everything")
    parser.add_argument(
        "--only", choices=["match"], help="only the matching (no database, import or search)"
    )
    args = parser.parse_args()
    if args.small:
        for name in ("participants", "hosts", "rows", "paragraphs"):
            setattr(args, name, getattr(args, name) // 10)
    return args


def problem(args, rng):
    import numpy as np

    from linli.connect import matching

    gen = np.random.default_rng(7)
    centres = gen.uniform([29.3, 106.2], [29.9, 107.0], size=(40, 2))

    def homes(n):
        cluster = gen.integers(0, 40, n)
        at = centres[cluster]
        return at[:, 0] + gen.normal(0, 0.05, n), at[:, 1] + gen.normal(0, 0.05, n), cluster

    p_lat, p_lon, _ = homes(args.participants)
    h_lat, h_lon, h_district = homes(args.hosts)
    n_p, n_h = args.participants, args.hosts
    # One in ten is new staff: 30 days in stays of 7, five weeks in a row at one host.
    p_weeks = np.where(gen.random(n_p) < 0.1, 5, 1)
    return matching.Problem(
        weeks=args.weeks,
        max_km=50,
        candidates=24,
        p_lat=p_lat,
        p_lon=p_lon,
        p_dept=gen.integers(0, 30, n_p),
        p_lang=(1 << gen.integers(0, 3, n_p)) | 1,
        p_step_free=gen.random(n_p) < 0.05,
        h_lat=h_lat,
        h_lon=h_lon,
        h_profile=gen.integers(0, 5, n_h),
        h_lang=1 << gen.integers(0, 3, n_h),
        h_step_free=gen.random(n_h) < 0.3,
        h_stays_left=np.full(n_h, 4),
        h_free=(gen.random((n_h, args.weeks)) < 0.6).astype(np.int64),
        variety=gen.random((30, 5)) * 0.5,
        p_weeks=p_weeks,
        h_district=h_district,
    )


def sheet(rows: int, rng: random.Random) -> bytes:
    out_ = io.StringIO()
    writer = csv.writer(out_)
    writer.writerow(["工号", "姓名", "部门", "类型", "新员工", "纬度", "经度", "语言", "无障碍"])
    for n in range(rows):
        writer.writerow(
            [f"E{n:06d}", f"员工{n}", f"部门{n % 40}", "员工", "否" if n % 10 else "是",
             f"{29.3 + rng.random() * 0.6:.5f}", f"{106.2 + rng.random() * 0.8:.5f}",
             "普通话、重庆话", ""]
        )  # fmt: skip
    return out_.getvalue().encode()


def vocabulary(size: int = 20_000) -> tuple[list[str], list[int]]:
    """The ``size`` most frequent Chinese words of jieba's dictionary with their cumulated
    frequencies
    (a real, Zipf-like spread), and the everyday words above, made frequent."""
    import jieba

    found = []
    with jieba.get_dict_file() as lines:
        for line in lines:
            word, freq, *_ = line.decode().split()
            if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                found.append((int(freq), word))
    found.sort(reverse=True)
    words = [w for _f, w in found[:size]] + list(WORDS)
    weights = [f for f, _w in found[:size]] + [found[200][0]] * len(WORDS)
    return words, list(itertools.accumulate(weights))


def paragraph(rng: random.Random, words: list[str], weights: list[int]) -> str:
    sentences = []
    for _ in range(rng.randint(2, 4)):
        sentences.append(
            "".join(rng.choices(words, cum_weights=weights, k=rng.randint(6, 12))) + "。"
        )
    return "".join(sentences)


def main() -> int:
    args = parse_args()
    rng = random.Random(7)
    from linli.connect import matching

    say(f"matching {args.participants:,} × {args.hosts:,} × {args.weeks}")
    started = time.perf_counter()
    found = matching.solve(problem(args, rng))
    match_s = time.perf_counter() - started
    flow, greedy = found.flow, found.greedy
    say(
        f"matched in {match_s:.1f} s ({found.method}, {found.passes} flow passes, "
        f"gap {found.gap:.4%})"
    )
    matched = {
        "participants": args.participants,
        "hosts": args.hosts,
        "weeks": args.weeks,
        "match_s": rounded(match_s, 2),
        "flow_s": rounded(flow.seconds, 2),
        "cost": flow.cost,
        "variety": found.variety,
        "method": found.method,
        "passes": found.passes,
        "long_stays": found.long,
        "match_seconds": found.seconds,
        "bound": found.bound,
        "gap": found.gap,
        "placed": flow.placed,
        "unplaced": flow.unplaced,
        "unplaced_reasons": {
            k: sum(1 for r in flow.reasons.values() if r == k) for k in set(flow.reasons.values())
        },
        "greedy_cost": greedy.cost,
        "greedy_placed": greedy.placed,
        "greedy_unplaced": greedy.unplaced,
        "greedy_s": rounded(greedy.seconds, 2),
    }
    match_table = table(
        f"Matching {args.participants:,} × {args.hosts:,} × {args.weeks} weeks",
        ["", "cost", "placed", "unplaced", "gap to bound", "seconds"],
        [
            [
                "min-cost flow (OR-Tools)" if found.method == "priced" else "LP relaxation + flow",
                f"{flow.cost:,}",
                f"{flow.placed:,}",
                f"{flow.unplaced:,}",
                f"{found.gap:.4%}",
                f"{flow.seconds:.2f}",
            ],
            [
                "greedy",
                f"{greedy.cost:,}",
                f"{greedy.placed:,}",
                f"{greedy.unplaced:,}",
                "—" if found.greedy_gap is None else f"{found.greedy_gap:.4%}",
                f"{greedy.seconds:.2f}",
            ],
        ],
    )
    if args.only == "match":
        out.print(match_table)
        emit({"bench": "connect", "only": "match"} | matched)
        return 0

    with throwaway_database("connect") as db:
        setup_django()
        from django.contrib.auth import get_user_model

        from linli.connect import importing, search
        from linli.connect.models import Programme, SearchEntry

        actor = get_user_model().objects.create(username="bench", is_staff=True)
        programme = Programme.objects.create(name="bench", year=2027, starts_on=date(2027, 3, 1))
        data = sheet(args.rows, rng)
        started = time.perf_counter()
        counts = importing.import_participants(actor=actor, programme=programme, data=data)
        import_s = time.perf_counter() - started
        say(f"imported {counts} in {import_s:.1f} s")

        words, weights = vocabulary()
        started = time.perf_counter()
        batch = 5000
        for start in range(0, args.paragraphs, batch):
            search.index_many(
                ("note", n, programme.pk, paragraph(rng, words, weights))
                for n in range(start + 1, min(args.paragraphs, start + batch) + 1)
            )
        index_s = time.perf_counter() - started
        say(f"indexed {SearchEntry.objects.count():,} paragraphs in {index_s:.1f} s")
        search.search("取货")  # jieba's dictionary loaded before timing
        times, hits = [], []
        for n in range(args.queries):
            # Half one everyday word (most of two characters), half two words of the text.
            query = (
                rng.choice(WORDS)
                if n % 2
                else " ".join(rng.choices(words, cum_weights=weights, k=2))
            )
            t0 = time.perf_counter()
            hits.append(len(search.search(query, limit=20)))
            times.append((time.perf_counter() - t0) * 1000)

    out.print(match_table)
    out.print(
        table(
            f"Import and search on {db.label}",
            ["what", "rows", "seconds / ms"],
            [
                ["import participants (CSV)", f"{args.rows:,}", f"{import_s:.2f} s"],
                ["index paragraphs (jieba + windows)", f"{args.paragraphs:,}", f"{index_s:.1f} s"],
                ["search p50", f"{args.queries}", f"{percentile(times, 50):.1f} ms"],
                ["search p95", f"{args.queries}", f"{percentile(times, 95):.1f} ms"],
            ],
        )
    )
    emit(
        {
            "bench": "connect",
            "database": db.vendor,
            **matched,
            "import_rows": args.rows,
            "import_s": rounded(import_s, 2),
            "paragraphs": args.paragraphs,
            "index_s": rounded(index_s, 1),
            "search_p50_ms": rounded(percentile(times, 50), 2),
            "search_p95_ms": rounded(percentile(times, 95), 2),
            "mean_hits": rounded(sum(hits) / len(hits), 1),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
