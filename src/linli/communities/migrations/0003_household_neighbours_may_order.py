from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_order_by_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="neighbours_may_order",
            field=models.BooleanField(
                default=False,
                db_default=False,
                help_text=(
                    "The household has agreed that members of other households in its "
                    "community may order on its behalf (for households without a phone). Set "
                    "by a leader."
                ),
                verbose_name="ordered for by neighbours",
            ),
        ),
    ]
