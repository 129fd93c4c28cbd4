"""The species and tiers a new database starts with (migration 0002 writes the same), and a
way to have them again after a flush (the demo city, tests)."""

from .models import Species, Tier

SPECIES = [
    ("梭梭", "Saxaul", 17_900),
    ("红柳", "Tamarisk", 22_400),
    ("樟子松", "Mongolian pine", 146_210),
]
TIERS = [("青苗", "Sprout", 0), ("绿叶", "Leaf", 500), ("大树", "Great tree", 2000)]


def ensure() -> None:
    for name, name_en, energy in SPECIES:
        Species.objects.get_or_create(name=name, defaults={"name_en": name_en, "energy_g": energy})
    for name, name_en, low in TIERS:
        Tier.objects.get_or_create(min_points=low, defaults={"name": name, "name_en": name_en})


def species(name: str) -> Species:
    ensure()
    return Species.objects.get(name=name)


def tier(name_en: str) -> Tier:
    ensure()
    return Tier.objects.get(name_en=name_en)
