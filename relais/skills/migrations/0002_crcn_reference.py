"""The 5 CRCN domains and 16 competences, and which of them each programme tool calls on."""

from django.db import migrations

from relais.skills.crcn import COMPETENCES, DOMAINS, TOOL_COMPETENCES


def forwards(apps, schema_editor):
    Domain = apps.get_model("skills", "Domain")
    Competence = apps.get_model("skills", "Competence")
    ToolCompetence = apps.get_model("skills", "ToolCompetence")
    Tool = apps.get_model("adoption", "Tool")
    domains = {}
    for code, name in DOMAINS:
        domains[code], _ = Domain.objects.update_or_create(code=code, defaults={"name": name})
    competences = {}
    for code, name in COMPETENCES:
        competences[code], _ = Competence.objects.update_or_create(
            code=code, defaults={"name": name, "domain": domains[code.split(".")[0]]}
        )
    tools = {t.code: t for t in Tool.objects.filter(code__in=list(TOOL_COMPETENCES))}
    for tool_code, codes in TOOL_COMPETENCES.items():
        if tool_code in tools:
            for code in codes:
                ToolCompetence.objects.get_or_create(tool=tools[tool_code], competence=competences[code])


def backwards(apps, schema_editor):
    apps.get_model("skills", "ToolCompetence").objects.all().delete()
    apps.get_model("skills", "Competence").objects.all().delete()
    apps.get_model("skills", "Domain").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_pix_campaigns_and_crcn"), ("adoption", "0002_tool_catalogue")]
    operations = [migrations.RunPython(forwards, backwards)]
