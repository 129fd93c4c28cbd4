"""PostgreSQL: the search document stored (a generated ``tsvector`` column, kept by the
database itself on every insert and update) and indexed, so that ranking reads it instead of
computing ``to_tsvector`` again for every match (docs/decisions/0036). SQLite: nothing."""

from django.db import migrations

ADD = (
    "ALTER TABLE connect_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple'::regconfig, words || ' ' || grams)) STORED"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)
        schema_editor.execute("DROP INDEX IF EXISTS connect_search_gin")
        schema_editor.execute(
            "CREATE INDEX connect_search_document ON connect_searchentry USING gin (document)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS connect_search_document")
        schema_editor.execute("ALTER TABLE connect_searchentry DROP COLUMN document")
        schema_editor.execute(
            "CREATE INDEX connect_search_gin ON connect_searchentry"
            " USING gin (to_tsvector('simple', words || ' ' || grams))"
        )


class Migration(migrations.Migration):
    dependencies = [("connect", "0004_search_filters")]

    operations = [migrations.RunPython(forwards, backwards)]
