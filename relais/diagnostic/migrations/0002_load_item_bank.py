"""The item bank shipped with Relais (relais/diagnostic/bank.json); the coordinator edits it in the admin."""

from django.db import migrations


def forwards(apps, schema_editor):
    from relais.diagnostic.bank import load_bank

    load_bank(apps)


def backwards(apps, schema_editor):
    apps.get_model("diagnostic", "Choice").objects.all().delete()
    apps.get_model("diagnostic", "Item").objects.filter(answers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostic", "0001_item_bank_and_sessions"),
        ("knowledge", "0002_topic_catalogue"),
        ("adoption", "0002_tool_catalogue"),
        ("skills", "0002_crcn_reference"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
