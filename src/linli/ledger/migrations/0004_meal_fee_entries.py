# Consumer connect's meal fees to a host (docs/decisions/0036).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_after_sales_entries'),
    ]

    operations = [
        migrations.AlterField(
            model_name='entry',
            name='kind',
            field=models.CharField(choices=[('charge', 'order charged'), ('payment', 'payment received'), ('refund_paid', 'refund paid out'), ('failed', 'group buy failed: charges reversed'), ('shortfall', 'short delivery refunded'), ('settlement', 'group buy settled'), ('payout', 'paid out'), ('reversal', 'correction'), ('after_sales', 'after-sales credit'), ('meal_fee', 'consumer-connect meal fees to a host')], max_length=12, verbose_name='kind'),
        ),
    ]
