from django.db import migrations

from linli.ledger import triggers


def create(apps, schema_editor):
    statements = {
        "sqlite": triggers.sqlite_create,
        "postgresql": triggers.postgresql_create,
    }[schema_editor.connection.vendor]()
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = {
        "sqlite": triggers.sqlite_drop,
        "postgresql": triggers.postgresql_drop,
    }[schema_editor.connection.vendor]()
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
