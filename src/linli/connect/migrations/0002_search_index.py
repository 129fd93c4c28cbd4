"""Full-text search of consumer connect (docs/decisions/0036): on SQLite an FTS5 table beside
``connect_searchentry``, on PostgreSQL a GIN index on its words and two-character windows."""

from django.db import migrations

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS connect_search_fts"
    " USING fts5(words, grams, tokenize = 'unicode61 remove_diacritics 0')"
)
GIN = (
    "CREATE INDEX IF NOT EXISTS connect_search_gin ON connect_searchentry"
    " USING gin (to_tsvector('simple', words || ' ' || grams))"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS)
    elif vendor == "postgresql":
        schema_editor.execute(GIN)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS connect_search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS connect_search_gin")


class Migration(migrations.Migration):
    dependencies = [("connect", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
