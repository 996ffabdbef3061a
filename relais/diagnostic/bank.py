"""The item bank shipped with Relais (`bank.json`), loaded into the database by the data migration and by
`manage.py load_diagnostic_bank`; afterwards the coordinator edits it in the admin.

Loading is idempotent and keyed by codes: a scale by its topic, an item by its code. An item already in the
database keeps its parameters when they have been recalibrated (`calibrated_at` set) unless `overwrite`.
"""

import json
from pathlib import Path

BANK_FILE = Path(__file__).with_name("bank.json")


def read_bank(path: Path = BANK_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_bank(apps, *, path: Path = BANK_FILE, overwrite: bool = False) -> dict[str, int]:
    """Write the bank's scales, items and choices; `apps` is a migration's registry or `django.apps.apps`."""
    Topic = apps.get_model("knowledge", "Topic")
    Tool = apps.get_model("adoption", "Tool")
    Competence = apps.get_model("skills", "Competence")
    Scale = apps.get_model("diagnostic", "Scale")
    Item = apps.get_model("diagnostic", "Item")
    Choice = apps.get_model("diagnostic", "Choice")
    data = read_bank(path)
    topics = {t.code: t for t in Topic.objects.all()}
    tools = {t.code: t for t in Tool.objects.all()}
    competences = {c.code: c for c in Competence.objects.all()}
    scales, counts = {}, {"scales": 0, "items": 0, "created": 0, "kept": 0}
    for row in data["scales"]:
        topic = topics.get(row["tool"])
        if topic is None:
            continue
        scales[row["tool"]], _ = Scale.objects.update_or_create(
            topic=topic,
            defaults={
                "profile_tool": tools.get(row["profile_tool"]),
                "guided_theta": row["guided"],
                "autonomous_theta": row["autonomous"],
                "help_next": row["help_next"],
                "guided_next": row["guided_next"],
                "autonomous_next": row["autonomous_next"],
            },
        )
        counts["scales"] += 1
    pictures = data.get("pictures", {})
    for row in data["items"]:
        scale, competence = scales.get(row["tool"]), competences.get(row["competence"])
        if scale is None or competence is None:
            continue
        picture = pictures.get(row["picture"], {}) if row["picture"] else {}
        item = Item.objects.filter(code=row["code"]).first()
        fields = {
            "scale": scale,
            "competence": competence,
            "question": row["question"],
            "picture": picture.get("svg", ""),
            "picture_alt": picture.get("alt", ""),
        }
        if item is None or overwrite or item.calibrated_at is None:
            fields |= {"discrimination": row["a"], "difficulty": row["b"]}
        else:
            counts["kept"] += 1
        if item is None:
            item = Item.objects.create(code=row["code"], **fields)
            counts["created"] += 1
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            item.save()
        Choice.objects.filter(item=item).delete()
        Choice.objects.bulk_create(
            [
                Choice(item=item, position=position, text=text, is_correct=position == row["correct"])
                for position, text in enumerate(row["choices"])
            ]
        )
        counts["items"] += 1
    return counts
