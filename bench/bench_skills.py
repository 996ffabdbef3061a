"""Skills: a Pix Orga profile-collection export of 10,000 participations (16 competences each) among 50,000
agents — dry run, apply, unchanged re-import — then the skill profiles of the insights page and the site
priority's term, built from those results.

The issue states no size: 10,000 participations is a city-wide positioning campaign of a fifth of the
agents, far above the mediators' own recruitment campaigns. The file is generated here deterministically
(no randomness), written as Pix Orga writes it (BOM, `;`, quoted strings, bare numbers, "NA").
SQLite by default, PostgreSQL with DATABASE_URL.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SCRATCH, report, report_duration, setup, timings  # noqa: E402

AGENTS = 50_000
PARTICIPATIONS = 10_000


def pix_export(path: Path) -> Path:
    from relais.skills.crcn import COMPETENCES

    header = [
        "Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Nom du Participant",
        "Prénom du Participant", "Matricule", "Envoi (O/N)", "Date et heure de l'envoi (Europe/Paris)",
        "Nombre de pix total", "Certifiable (O/N)", "Nombre de compétences certifiables",
    ]  # fmt: skip
    for _, name in COMPETENCES:
        header += [f"Niveau pour la compétence {name}", f"Nombre de pix pour la compétence {name}"]
    lines = [";".join(f'"{h}"' for h in header)]
    for i in range(PARTICIPATIONS):
        agent = i * (AGENTS // PARTICIPATIONS)
        matricule = f"{100000 + agent}" if i % 50 else f"X{i}"  # 2 % typed an id nobody has
        common = ['"Ville"', "51000", '"BENCH26"', '"Positionnement"', f'"NOM{agent}"', '"Prénom"', f'"{matricule}"']
        if i % 20 == 0:  # 5 % not shared
            lines.append(";".join(common + ['"Non"'] + ['"NA"'] * (4 + 2 * len(COMPETENCES))))
            continue
        levels = [(i + k) % 6 for k in range(len(COMPETENCES))]
        cells = [c for level in levels for c in (str(level), str(level * 8))]
        day = 1 + i % 28
        lines.append(
            ";".join(
                common + ['"Oui"', f'"{day:02}/02/2026 10:{i % 60:02}"', str(sum(levels) * 8), '"Non"', "3"] + cells
            )
        )
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    return path


def main() -> None:
    vendor = setup("skills")
    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.agents.models import Agent
    from relais.imports.enums import ImportKind
    from relais.imports.services import import_file
    from relais.organisation.models import Direction, Site
    from relais.planning.scoring import site_scores
    from relais.skills.profiles import evidence, skill_profiles

    direction = Direction.objects.create(code="DPE", name="Propreté et eau")
    sites = Site.objects.bulk_create([Site(name=f"Site {n}", direction=direction) for n in range(500)])
    Agent.objects.bulk_create(
        [
            Agent(
                matricule=f"{100000 + n}", last_name=f"Nom{n}", first_name="Prénom", direction=direction,
                site=sites[n % len(sites)], search_text=f"nom{n} prenom {100000 + n}",
            )
            for n in range(AGENTS)
        ],
        batch_size=5000,
    )  # fmt: skip
    coordinator = User.objects.create(username="bench-coord", role=Role.COORDINATOR)
    path = pix_export(SCRATCH / f"pix_{PARTICIPATIONS}.csv")
    size = path.stat().st_size // 1024
    print(f"Skills on {vendor}: {AGENTS} agents, export of {PARTICIPATIONS} participations ({size} Ko)")

    def run(dry_run):
        started = time.perf_counter()
        result = import_file(acting_user=None, kind=ImportKind.PIX, file_name=path.name, data=path, dry_run=dry_run)
        assert result.status in ("analysed", "applied"), result.error
        return time.perf_counter() - started, result

    seconds, result = run(True)
    report_duration("Pix export, dry run", seconds, extra=f"({result.examples['pix']['matched']} matched)")
    seconds, result = run(False)
    report_duration("Pix export, apply (one transaction)", seconds, extra=f"({result.count_new} participations)")
    seconds, result = run(False)
    report_duration("Pix export, unchanged re-import", seconds, extra=f"({result.count_unchanged} unchanged)")

    report("evidence of every source (the priority term's own cost)", timings(evidence, runs=10, warmup=1))
    report("evidence (every source) + profiles by direction and site", timings(
        lambda: [skill_profiles(user=coordinator, by=by, rows_of=rows) for rows in [evidence()] for by in
                 ("direction", "site")], runs=10, warmup=1))  # fmt: skip
    report("site priority of every site (with the skills term)", timings(site_scores, runs=10, warmup=1))


if __name__ == "__main__":
    main()
