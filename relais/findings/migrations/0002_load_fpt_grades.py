"""Load the shipped reference table of FPT filières, cadres d'emplois and grades (data/fpt_grades.csv).

Data only: rows an administrator added or changed since are left as they are (get_or_create).
"""

from django.db import migrations

SOURCE = "collectivites-locales.gouv.fr, décrets portant statut particulier (table du 2026-12-07)"


def load(apps, schema_editor):
    from relais.findings.grades import grade_key, shipped_rows

    Cadre = apps.get_model("findings", "CadreEmplois")
    Grade = apps.get_model("findings", "Grade")
    for row in shipped_rows():
        cadre, _ = Cadre.objects.get_or_create(
            filiere=row.filiere, name=row.cadre, defaults={"category": row.category, "source": SOURCE}
        )
        Grade.objects.get_or_create(
            cadre=cadre, label=row.label, defaults={"aliases": "\n".join(row.aliases), "key": grade_key(row.label)}
        )


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
