"""The synonyms of the imports' choices that a new installation starts with (emergency/synonyms.py)."""

from django.db import migrations

from emergency.synonyms import seed_defaults


def seed(apps, schema_editor):
    seed_defaults(apps.get_model("emergency", "ChoiceSynonym"))


def unseed(apps, schema_editor):
    apps.get_model("emergency", "ChoiceSynonym").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("emergency", "0010_choice_synonyms")]

    operations = [migrations.RunPython(seed, unseed)]
