"""Chinese full-text search over report notes, highlights and insights (docs/decisions/0036).

Each text is stored twice, in :class:`~linli.connect.models.SearchEntry`:

- ``words``: jieba's search-mode words (``cut_for_search``: 社区团购 gives 社区, 团购 and
  社区团购), separated by spaces;
- ``grams``: every two-character window of each run of Chinese characters (取货时间 gives 取货
  货时 时间), so a two-character word is found even where jieba cut the sentence another way
  (社区团购买了 is cut 社区/团/购买, yet 团购 is found).

SQLite: an FTS5 table ``connect_search_fts(words, grams, kind, programme)`` (the last two
unindexed, to filter without a join) (``unicode61``: tokens are what the
spaces separate) kept in step by this module, ranked by ``bm25`` with the words column weighted
above the grams. PostgreSQL: a stored, generated ``document`` column,
``to_tsvector('simple', words || ' ' || grams)``, with a GIN index, ranked by ``ts_rank``. A query is cut into words by jieba; each must be found, as a word or as
its chain of two-character windows (a phrase: the windows next to each other).
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
from django.db import connection

from .models import Note, SearchEntry

jieba.setLogLevel(logging.WARNING)

NOTE = SearchEntry.Kind.NOTE
HIGHLIGHT = SearchEntry.Kind.HIGHLIGHT
INSIGHT = SearchEntry.Kind.INSIGHT
FTS = "connect_search_fts"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"\w", re.UNICODE)
MAX_TERMS = 12


def words(text: str) -> str:
    return " ".join(token.lower() for token in jieba.cut_for_search(text) if WORD.search(token))


def grams(text: str) -> str:
    out: list[str] = []
    for run in CJK.findall(text):
        out += [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return " ".join(out)


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def index(kind: str, object_id: int, programme_id: int, text: str) -> None:
    """Add or replace one text."""
    index_many([(kind, object_id, programme_id, text)])


def index_many(rows: Iterable[tuple[str, int, int, str]]) -> int:
    rows = list(rows)
    if not rows:
        return 0
    for kind in {row[0] for row in rows}:
        forget(kind, [row[1] for row in rows if row[0] == kind])
    entries = SearchEntry.objects.bulk_create(
        [
            SearchEntry(kind=kind, object_id=oid, programme_id=pid, words=words(t), grams=grams(t))
            for kind, oid, pid, t in rows
        ],
        batch_size=2000,
    )
    if _sqlite():
        if entries and entries[0].pk is None:  # pragma: no cover - SQLite returns ids
            raise RuntimeError("bulk_create returned no ids")
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR REPLACE INTO {FTS}(rowid, words, grams, kind, programme)"
                " VALUES (%s, %s, %s, %s, %s)",
                [(e.pk, e.words, e.grams, e.kind, e.programme_id) for e in entries],
            )
    return len(entries)


def forget_strays(**_kwargs) -> None:
    """SQLite: drop the FTS rows whose entry is gone. ``flush`` (the tests, ``linli demo
    --reset``) empties the tables Django knows, not this one; connected to ``post_migrate``,
    which ``flush`` sends."""
    if _sqlite() and FTS in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS} WHERE rowid NOT IN"
                f" (SELECT id FROM {SearchEntry._meta.db_table})"
            )


def index_notes(notes: Iterable[Note], programme_id: int) -> int:
    return index_many((NOTE, note.pk, programme_id, note.text) for note in notes)


def forget(kind: str, object_ids: list[int]) -> None:
    if not object_ids:
        return
    found = SearchEntry.objects.filter(kind=kind, object_id__in=object_ids)
    if _sqlite():
        ids = list(found.values_list("pk", flat=True))
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {FTS} WHERE rowid IN ({', '.join(['%s'] * len(part))})", part
                )
    found.delete()


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    programme_id: int
    rank: float


def terms(query: str) -> list[str]:
    """The query's words (jieba's precise mode), lower-cased, at most ``MAX_TERMS``."""
    seen: list[str] = []
    for token in jieba.cut(query.strip()):
        token = token.strip().lower()
        if token and WORD.search(token) and token not in seen:
            seen.append(token)
    return seen[:MAX_TERMS]


def _fts_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _sqlite_query(found: list[str]) -> str:
    parts = []
    for term in found:
        chain = grams(term)
        if CJK.fullmatch(term) and len(term) == 1:
            parts.append(f"(words : {_fts_string(term)} OR grams : {_fts_string(term)}*)")
        elif chain and CJK.fullmatch(term):
            parts.append(f"(words : {_fts_string(term)} OR grams : {_fts_string(chain)})")
        else:
            parts.append(f"words : {_fts_string(term)}")
    return " AND ".join(parts)


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _pg_query(found: list[str]) -> str:
    parts = []
    for term in found:
        chain = grams(term).split()
        if CJK.fullmatch(term) and len(chain) > 1:
            phrase = " <-> ".join(_pg_lexeme(g) for g in chain)
            parts.append(f"({_pg_lexeme(term)} | ({phrase}))")
        elif CJK.fullmatch(term) and len(term) == 1:
            parts.append(f"({_pg_lexeme(term)} | {_pg_lexeme(term)}:*)")
        else:
            parts.append(_pg_lexeme(term))
    return " & ".join(parts)


def search(
    query: str, *, programme_id: int | None = None, kinds: Iterable[str] = (), limit: int = 20
) -> list[Hit]:
    """The best ``limit`` texts that hold every word of ``query``, best first."""
    found = terms(query)
    if not found:
        return []
    kinds = list(kinds)
    where: list[str] = []
    params: list = []
    table = SearchEntry._meta.db_table
    if programme_id is not None:
        where.append("e.programme_id = %s")
        params.append(programme_id)
    if kinds:
        where.append(f"e.kind IN ({', '.join(['%s'] * len(kinds))})")
        params += kinds
    extra = "".join(f" AND {clause}" for clause in where)
    if _sqlite():
        # The FTS table alone (its kind and programme are unindexed columns beside the text),
        # best first; then the few rows found are read.
        where = [clause.replace("e.programme_id", "programme").replace("e.kind", "kind")
                 for clause in where]  # fmt: skip
        extra = "".join(f" AND {clause}" for clause in where)
        sql = (
            f"SELECT rowid, bm25({FTS}, 2.0, 1.0) AS rank FROM {FTS}"
            f" WHERE {FTS} MATCH %s{extra} ORDER BY rank LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_sqlite_query(found), *params, limit])
            ranked = cursor.fetchall()
        rows = SearchEntry.objects.in_bulk([pk for pk, _rank in ranked])
        return [
            Hit(rows[pk].kind, rows[pk].object_id, rows[pk].programme_id, -float(rank))
            for pk, rank in ranked
            if pk in rows
        ]
    sql = (
        "SELECT e.kind, e.object_id, e.programme_id, ts_rank(e.document, q) AS rank"
        f" FROM {table} e, to_tsquery('simple', %s) q"
        f" WHERE e.document @@ q{extra} ORDER BY rank DESC, e.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_pg_query(found), *params, limit])
        return [Hit(k, o, p, float(r)) for k, o, p, r in cursor.fetchall()]
