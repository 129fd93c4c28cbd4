"""The worker fans events out (``OutboxEvent.fanned_out_at``); ``publish`` no longer writes
the deliveries. Every event published before this had its deliveries written with it, so all
are marked fanned out, at the time they happened: the worker must not fan them out again."""

from django.db import migrations, models


def mark_fanned_out(apps, schema_editor):
    event = apps.get_model("core", "OutboxEvent")
    event.objects.using(schema_editor.connection.alias).update(fanned_out_at=models.F("at"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_and_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxevent",
            name="fanned_out_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="fanned out at"),
        ),
        migrations.RunPython(mark_fanned_out, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="outboxevent",
            index=models.Index(
                condition=models.Q(("fanned_out_at__isnull", True)),
                fields=["id"],
                name="event_to_fan_out_idx",
            ),
        ),
    ]
