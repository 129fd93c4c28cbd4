"""SQLite: the FTS5 table gets the entry's kind and programme as unindexed columns, so that a
search filters and ranks in the FTS table alone, without a join (docs/decisions/0036);
rebuilt from ``connect_searchentry``. PostgreSQL: nothing to change."""

from django.db import migrations

FTS = (
    "CREATE VIRTUAL TABLE connect_search_fts USING fts5(words, grams, kind UNINDEXED,"
    " programme UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
)
FILL = (
    "INSERT INTO connect_search_fts(rowid, words, grams, kind, programme)"
    " SELECT id, words, grams, kind, programme_id FROM connect_searchentry"
)
OLD = (
    "CREATE VIRTUAL TABLE connect_search_fts"
    " USING fts5(words, grams, tokenize = 'unicode61 remove_diacritics 0')"
)
OLD_FILL = (
    "INSERT INTO connect_search_fts(rowid, words, grams)"
    " SELECT id, words, grams FROM connect_searchentry"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS connect_search_fts")
        schema_editor.execute(FTS)
        schema_editor.execute(FILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS connect_search_fts")
        schema_editor.execute(OLD)
        schema_editor.execute(OLD_FILL)


class Migration(migrations.Migration):
    dependencies = [("connect", "0003_top_tags_once")]

    operations = [migrations.RunPython(forwards, backwards)]
