"""The species of issue 14 (梭梭 17,900 g and 红柳 22,400 g, as Ant Forest counts) and three
tiers; operators add and change them."""

from django.db import migrations

SPECIES = [("梭梭", "Saxaul", 17_900), ("红柳", "Tamarisk", 22_400), ("樟子松", "Mongolian pine", 146_210)]
TIERS = [("青苗", "Sprout", 0), ("绿叶", "Leaf", 500), ("大树", "Great tree", 2000)]


def seed(apps, schema_editor):
    Species = apps.get_model("rewards", "Species")
    Tier = apps.get_model("rewards", "Tier")
    for name, name_en, energy in SPECIES:
        Species.objects.get_or_create(name=name, defaults={"name_en": name_en, "energy_g": energy})
    for name, name_en, low in TIERS:
        Tier.objects.get_or_create(min_points=low, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
