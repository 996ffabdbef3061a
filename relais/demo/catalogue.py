# ruff: noqa: E501  (the catalogue reads best one job per line)
"""The demo organisation: the 14 Paris directions, their jobs, services, kinds of site and adoption factors.

Figures are plausible orders of magnitude for the City of Paris (DOMAIN.md §1 and §3), not an inventory:
propreté, petite enfance and affaires scolaires are the biggest directions, three quarters of the
agents are category C, mostly in field jobs without a computer.
"""

import datetime
from dataclasses import dataclass, field

from relais.agents.enums import Category, Filiere
from relais.organisation.enums import SiteKind

A, B, C = Category.A, Category.B, Category.C
ADM, ANI, CUL, MED, POL, SPO, TEC = (
    Filiere.ADMINISTRATIVE,
    Filiere.ANIMATION,
    Filiere.CULTURELLE,
    Filiere.MEDICO_SOCIALE,
    Filiere.POLICE_MUNICIPALE,
    Filiere.SPORTIVE,
    Filiere.TECHNIQUE,
)
K = SiteKind


@dataclass(frozen=True)
class Job:
    """A kind of job in a direction: who holds it (category, filière, grade) and where they work."""

    weight: float
    category: str
    filiere: str
    grade: str
    titles: tuple[str, str]  # (masculine, feminine) job title
    kinds: tuple[str, ...]  # site kinds where it is held
    computer: float  # probability of using a computer at work
    office: bool = False
    # Statut mix: (titulaire, stagiaire, contractuel, apprenti, vacataire)
    statuts: tuple[float, float, float, float, float] = (82, 4, 12, 1.5, 0.5)
    female: float = 0.5  # share of women
    hr_manager: bool = False


@dataclass(frozen=True)
class DirectionSpec:
    code: str
    name: str
    share: float  # share of all agents, in %
    jobs: tuple[Job, ...]
    sites: dict[str, int]  # kind -> number of sites for 50,000 agents
    central_services: tuple[str, ...]
    territorial: str = ""  # format of field services by zone, e.g. "Circonscription {zone}"
    activation: float = 1.0  # how readily its agents activate a mailbox, relative to others
    hr_service: str = "Service des ressources humaines"
    site_names: dict[str, tuple[str, ...]] = field(default_factory=dict)


STATUTS = ("titulaire", "stagiaire", "contractuel", "apprenti", "vacataire")
NORMAL = (82, 4, 12, 1.5, 0.5)
ANIMATION = (45, 3, 40, 2, 10)
POLICE = (90, 10, 0, 0, 0)
IT = (60, 3, 35, 2, 0)


def office(attache: float, secretaire: float, adjoint: float, *, female: float = 0.68) -> tuple[Job, ...]:
    """The administrative staff every direction has, working in its offices."""
    return (
        Job(
            attache, A, ADM, "Attaché d'administrations parisiennes",
            ("Chargé de mission", "Chargée de mission"), (K.BUREAU,), 0.99, office=True, female=female,
        ),
        Job(
            secretaire, B, ADM, "Secrétaire administratif d'administrations parisiennes",
            ("Gestionnaire administratif", "Gestionnaire administrative"), (K.BUREAU,), 0.99, office=True,
            female=female,
        ),
        Job(
            adjoint, C, ADM, "Adjoint administratif d'administrations parisiennes",
            ("Assistant administratif", "Assistante administrative"), (K.BUREAU,), 0.95, office=True,
            female=female,
        ),
    )  # fmt: skip


# HR managers (gestionnaires RH) are category B agents of each direction's HR service: they keep the
# files of the others, and a badly kept file is a payslip error (DOMAIN.md §1).
HR_MANAGER = Job(
    0, B, ADM, "Secrétaire administratif d'administrations parisiennes",
    ("Gestionnaire RH", "Gestionnaire RH"), (K.BUREAU,), 1.0, office=True, female=0.75, hr_manager=True,
)  # fmt: skip
HR_FILES_PER_MANAGER = 150

ENGINEER = "Ingénieur et architecte d'administrations parisiennes"
TECHNICIAN = "Technicien supérieur d'administrations parisiennes"
ADJ_TECH = "Adjoint technique d'administrations parisiennes"
MAITRISE = "Agent de maîtrise"

DIRECTIONS = [
    DirectionSpec(
        "DPE", "Direction de la propreté et de l'eau", 15.5,
        (
            Job(62, C, TEC, "Éboueur", ("Éboueur", "Éboueuse"), (K.DEPOT_PROPRETE,), 0.02, female=0.08),
            Job(10, C, TEC, ADJ_TECH, ("Conducteur d'engins de nettoiement", "Conductrice d'engins de nettoiement"),
                (K.DEPOT_PROPRETE,), 0.03, female=0.06),
            Job(7, C, TEC, "Égoutier", ("Égoutier", "Égoutière"), (K.ATELIER,), 0.03, female=0.03),
            Job(7, C, TEC, MAITRISE, ("Chef d'équipe propreté", "Cheffe d'équipe propreté"), (K.DEPOT_PROPRETE,),
                0.35, female=0.12),
            Job(4, B, TEC, TECHNICIAN, ("Responsable d'atelier de propreté", "Responsable d'atelier de propreté"),
                (K.DEPOT_PROPRETE, K.ATELIER), 0.9, female=0.2),
            Job(1.2, A, TEC, ENGINEER, ("Chef de division", "Cheffe de division"), (K.BUREAU,), 1.0, office=True,
                female=0.35),
            *office(0.8, 2, 3),
        ),
        {K.DEPOT_PROPRETE: 110, K.ATELIER: 14, K.BUREAU: 6},
        ("Service des affaires financières", "Service technique de l'eau et de l'assainissement",
         "Mission propreté et prévention"),
        territorial="Service technique de la propreté – secteur {zone}",
        activation=0.75,
    ),
    DirectionSpec(
        "DFPE", "Direction des familles et de la petite enfance", 18.0,
        (
            Job(26, B, MED, "Auxiliaire de puériculture", ("Auxiliaire de puériculture", "Auxiliaire de puériculture"),
                (K.CRECHE,), 0.05, female=0.96),
            Job(46, C, TEC, "Agent technique de la petite enfance",
                ("Agent technique de la petite enfance", "Agente technique de la petite enfance"), (K.CRECHE,), 0.03,
                female=0.9),
            Job(5, C, TEC, ADJ_TECH, ("Cuisinier", "Cuisinière"), (K.CRECHE,), 0.05, female=0.6),
            Job(9, A, MED, "Éducateur de jeunes enfants", ("Éducateur de jeunes enfants", "Éducatrice de jeunes enfants"),
                (K.CRECHE,), 0.4, female=0.95),
            Job(4, A, MED, "Puéricultrice cadre de santé", ("Directeur de crèche", "Directrice de crèche"), (K.CRECHE,),
                0.98, female=0.97),
            *office(1, 3, 8, female=0.8),
        ),
        {K.CRECHE: 430, K.BUREAU: 8},
        ("Service de la petite enfance", "Service des familles", "Sous-direction de la planification"),
        territorial="Circonscription petite enfance – secteur {zone}",
        activation=0.9,
    ),
    DirectionSpec(
        "DASCO", "Direction des affaires scolaires", 17.0,
        (
            Job(28, C, MED, "Agent spécialisé des écoles maternelles",
                ("Agent spécialisé des écoles maternelles", "Agente spécialisée des écoles maternelles"), (K.ECOLE,), 0.04,
                female=0.95),
            Job(30, C, TEC, ADJ_TECH, ("Agent technique des écoles", "Agente technique des écoles"), (K.ECOLE,), 0.03,
                female=0.7),
            Job(25, C, ANI, "Adjoint d'animation et d'action sportive", ("Animateur périscolaire", "Animatrice périscolaire"),
                (K.ECOLE,), 0.05, statuts=ANIMATION, female=0.65),
            Job(5, B, ANI, "Animateur d'administrations parisiennes", ("Responsable éducatif ville", "Responsable éducative ville"),
                (K.ECOLE,), 0.85, female=0.6),
            *office(1, 3, 6, female=0.75),
        ),
        {K.ECOLE: 640, K.BUREAU: 10},
        ("Service des ressources humaines", "Service de l'aménagement du temps de l'enfant", "Service des écoles"),
        territorial="Circonscription des affaires scolaires – secteur {zone}",
        activation=0.85,
        hr_service="Service de la gestion des personnels",
    ),
    DirectionSpec(
        "DJS", "Direction de la jeunesse et des sports", 6.0,
        (
            Job(55, C, TEC, ADJ_TECH, ("Agent d'accueil et d'entretien des équipements sportifs",
                                       "Agente d'accueil et d'entretien des équipements sportifs"),
                (K.EQUIPEMENT_SPORTIF,), 0.05, female=0.3),
            Job(14, C, SPO, "Adjoint d'animation et d'action sportive", ("Animateur sportif", "Animatrice sportive"),
                (K.EQUIPEMENT_SPORTIF,), 0.1, statuts=ANIMATION, female=0.4),
            Job(10, B, SPO, "Éducateur des activités physiques et sportives", ("Maître-nageur sauveteur", "Maîtresse-nageuse sauveteuse"),
                (K.EQUIPEMENT_SPORTIF,), 0.3, female=0.35),
            Job(5, B, TEC, "Technicien des services opérationnels", ("Chef d'établissement sportif", "Cheffe d'établissement sportif"),
                (K.EQUIPEMENT_SPORTIF,), 0.95, female=0.3),
            *office(2, 4, 8),
        ),
        {K.EQUIPEMENT_SPORTIF: 250, K.BUREAU: 4},
        ("Service du sport de haut niveau", "Service de la jeunesse", "Service des affaires financières"),
        territorial="Circonscription des équipements sportifs – secteur {zone}",
        activation=0.95,
    ),
    DirectionSpec(
        "DEVE", "Direction des espaces verts et de l'environnement", 7.0,
        (
            Job(55, C, TEC, ADJ_TECH, ("Jardinier", "Jardinière"), (K.ESPACE_VERT,), 0.03, female=0.25),
            Job(10, C, TEC, "Agent d'accueil et de surveillance", ("Agent d'accueil et de surveillance des parcs",
                                                                   "Agente d'accueil et de surveillance des parcs"),
                (K.ESPACE_VERT,), 0.04, female=0.35),
            Job(6, C, TEC, ADJ_TECH, ("Élagueur", "Élagueuse"), (K.ATELIER,), 0.03, female=0.1),
            Job(7, B, TEC, TECHNICIAN, ("Chef de secteur espaces verts", "Cheffe de secteur espaces verts"),
                (K.ESPACE_VERT, K.ATELIER), 0.9, female=0.35),
            Job(2.5, A, TEC, ENGINEER, ("Chef de division", "Cheffe de division"), (K.BUREAU,), 1.0, office=True),
            *office(1, 3, 5),
        ),
        {K.ESPACE_VERT: 150, K.ATELIER: 10, K.BUREAU: 4},
        ("Service de l'arbre et des bois", "Agence d'écologie urbaine", "Service des sciences de la nature"),
        territorial="Division des espaces verts – secteur {zone}",
        activation=0.85,
    ),
    DirectionSpec(
        "DAC", "Direction des affaires culturelles", 6.0,
        (
            Job(48, C, CUL, "Adjoint d'accueil, de surveillance et de magasinage",
                ("Agent de bibliothèque", "Agente de bibliothèque"), (K.BIBLIOTHEQUE,), 0.6, female=0.65),
            Job(20, B, CUL, "Assistant spécialisé des bibliothèques et des musées",
                ("Bibliothécaire adjoint", "Bibliothécaire adjointe"), (K.BIBLIOTHEQUE,), 0.97, female=0.75),
            Job(6, A, CUL, "Bibliothécaire", ("Responsable de bibliothèque", "Responsable de bibliothèque"),
                (K.BIBLIOTHEQUE,), 1.0, female=0.75),
            Job(8, A, CUL, "Professeur des conservatoires de Paris", ("Professeur de musique", "Professeure de musique"),
                (K.BIBLIOTHEQUE,), 0.5, statuts=(70, 2, 20, 0, 8), female=0.55),
            Job(4, B, CUL, "Assistant spécialisé d'enseignement artistique",
                ("Assistant d'enseignement artistique", "Assistante d'enseignement artistique"), (K.BIBLIOTHEQUE,), 0.5,
                statuts=(65, 2, 25, 0, 8), female=0.55),
            Job(9, C, TEC, ADJ_TECH, ("Agent d'entretien et de maintenance", "Agente d'entretien et de maintenance"),
                (K.BIBLIOTHEQUE,), 0.05, female=0.4),
            *office(2, 3, 5),
        ),
        {K.BIBLIOTHEQUE: 95, K.BUREAU: 3},
        ("Service des bibliothèques et de la lecture", "Bureau des enseignements artistiques", "Service de la création artistique"),
        territorial="Réseau des bibliothèques – territoire {zone}",
        activation=1.3,
    ),
    DirectionSpec(
        "DSOL", "Direction des solidarités", 8.0,
        (
            Job(36, C, MED, "Agent social", ("Agent social", "Agente sociale"), (K.ETABLISSEMENT_SOCIAL,), 0.2, female=0.85),
            Job(12, B, MED, "Aide-soignant", ("Aide-soignant", "Aide-soignante"), (K.ETABLISSEMENT_SOCIAL,), 0.15,
                female=0.88),
            Job(14, C, TEC, ADJ_TECH, ("Agent de restauration", "Agente de restauration"), (K.ETABLISSEMENT_SOCIAL,),
                0.04, female=0.6),
            Job(10, A, MED, "Assistant socio-éducatif", ("Assistant social", "Assistante sociale"),
                (K.ETABLISSEMENT_SOCIAL, K.BUREAU), 0.97, female=0.88),
            Job(3, A, MED, "Conseiller socio-éducatif", ("Responsable d'établissement", "Responsable d'établissement"),
                (K.ETABLISSEMENT_SOCIAL,), 1.0, female=0.75),
            *office(3, 6, 12, female=0.8),
        ),
        {K.ETABLISSEMENT_SOCIAL: 85, K.BUREAU: 20},
        ("Sous-direction de l'autonomie", "Sous-direction de l'insertion", "Service social de proximité"),
        territorial="Espace parisien des solidarités – secteur {zone}",
        activation=1.1,
    ),
    DirectionSpec(
        "DCPA", "Direction des constructions publiques et de l'architecture", 3.0,
        (
            Job(38, C, TEC, ADJ_TECH, ("Ouvrier professionnel du bâtiment", "Ouvrière professionnelle du bâtiment"),
                (K.ATELIER,), 0.08, female=0.06),
            Job(10, C, TEC, MAITRISE, ("Chef d'équipe d'atelier", "Cheffe d'équipe d'atelier"), (K.ATELIER,), 0.45,
                female=0.08),
            Job(14, B, TEC, TECHNICIAN, ("Technicien bâtiment", "Technicienne bâtiment"), (K.ATELIER, K.BUREAU), 0.97,
                female=0.25),
            Job(8, A, TEC, ENGINEER, ("Architecte", "Architecte"), (K.BUREAU,), 1.0, office=True, female=0.4),
            *office(2, 5, 8),
        ),
        {K.ATELIER: 28, K.BUREAU: 3},
        ("Service de l'architecture et de la maîtrise d'ouvrage", "Service technique du bâtiment durable",
         "Service des équipements publics"),
        territorial="Section locale d'architecture – secteur {zone}",
        activation=1.0,
    ),
    DirectionSpec(
        "DVD", "Direction de la voirie et des déplacements", 4.5,
        (
            Job(38, C, TEC, ADJ_TECH, ("Agent d'entretien de la voirie", "Agente d'entretien de la voirie"), (K.ATELIER,),
                0.05, female=0.08),
            Job(10, C, TEC, "Conducteur d'automobile", ("Conducteur de poids lourd", "Conductrice de poids lourd"),
                (K.ATELIER,), 0.03, female=0.05),
            Job(8, C, TEC, MAITRISE, ("Chef d'équipe de voirie", "Cheffe d'équipe de voirie"), (K.ATELIER,), 0.4,
                female=0.1),
            Job(12, B, TEC, TECHNICIAN, ("Technicien de voirie", "Technicienne de voirie"), (K.ATELIER, K.BUREAU), 0.97,
                female=0.25),
            Job(8, A, TEC, ENGINEER, ("Ingénieur voirie", "Ingénieure voirie"), (K.BUREAU,), 1.0, office=True, female=0.35),
            *office(2, 5, 8),
        ),
        {K.ATELIER: 40, K.BUREAU: 5},
        ("Service des déplacements", "Agence de la mobilité", "Service des canaux"),
        territorial="Section territoriale de voirie – secteur {zone}",
        activation=1.0,
    ),
    DirectionSpec(
        "DPMP", "Direction de la police municipale et de la prévention", 6.5,
        (
            Job(62, C, POL, "Agent de police municipale", ("Agent de police municipale", "Agente de police municipale"),
                (K.POSTE_POLICE,), 0.3, statuts=POLICE, female=0.3),
            Job(14, C, TEC, "Agent de surveillance de Paris", ("Agent de surveillance de Paris", "Agente de surveillance de Paris"),
                (K.POSTE_POLICE,), 0.2, female=0.45),
            Job(7, B, POL, "Chef de service de police municipale", ("Chef de brigade", "Cheffe de brigade"),
                (K.POSTE_POLICE,), 0.9, statuts=POLICE, female=0.25),
            Job(1.5, A, POL, "Directeur de police municipale", ("Commandant divisionnaire", "Commandante divisionnaire"),
                (K.POSTE_POLICE, K.BUREAU), 1.0, statuts=POLICE, female=0.25),
            *office(1, 3, 5),
        ),
        {K.POSTE_POLICE: 34, K.BUREAU: 3},
        ("Service de la prévention et de la médiation", "Centre de veille opérationnelle", "Service des ressources"),
        territorial="Division territoriale de police municipale – secteur {zone}",
        activation=1.05,
    ),
    DirectionSpec(
        "DILT", "Direction de l'immobilier, de la logistique et des transports", 3.5,
        (
            Job(22, C, TEC, "Conducteur d'automobile", ("Chauffeur", "Chauffeuse"), (K.ATELIER,), 0.05, female=0.1),
            Job(24, C, TEC, ADJ_TECH, ("Agent de logistique", "Agente de logistique"), (K.ATELIER,), 0.1, female=0.2),
            Job(10, C, TEC, ADJ_TECH, ("Mécanicien automobile", "Mécanicienne automobile"), (K.ATELIER,), 0.15,
                female=0.05),
            Job(9, C, ADM, "Adjoint d'accueil, de surveillance et de magasinage", ("Huissier", "Huissière"), (K.BUREAU,),
                0.3, female=0.45),
            Job(8, B, TEC, TECHNICIAN, ("Technicien logistique", "Technicienne logistique"), (K.ATELIER, K.BUREAU), 0.95),
            Job(3, A, TEC, ENGINEER, ("Responsable immobilier", "Responsable immobilière"), (K.BUREAU,), 1.0, office=True),
            *office(2, 5, 8),
        ),
        {K.ATELIER: 20, K.BUREAU: 4},
        ("Service des locaux de travail", "Service logistique de proximité", "Service technique des transports automobiles"),
        territorial="Service logistique – secteur {zone}",
        activation=0.95,
    ),
    DirectionSpec(
        "DRH", "Direction des ressources humaines", 2.5,
        (
            Job(10, A, MED, "Médecin", ("Médecin du travail", "Médecin du travail"), (K.BUREAU,), 1.0, office=True,
                female=0.65),
            Job(6, B, TEC, TECHNICIAN, ("Conseiller en prévention", "Conseillère en prévention"), (K.BUREAU,), 1.0,
                office=True),
            Job(8, C, MED, "Agent social", ("Médiateur numérique", "Médiatrice numérique"), (K.BUREAU,), 0.9, office=True,
                female=0.6),
            *office(18, 30, 28, female=0.75),
        ),
        {K.BUREAU: 6},
        ("Sous-direction des carrières", "Sous-direction du développement des compétences",
         "Sous-direction de la qualité de vie au travail", "Service de la paie"),
        activation=2.0,
        hr_service="Bureau des personnels de la DRH",
    ),
    DirectionSpec(
        "DSIN", "Direction des systèmes d'information et du numérique", 1.4,
        (
            Job(45, A, TEC, ENGINEER, ("Chef de projet informatique", "Cheffe de projet informatique"), (K.BUREAU,), 1.0,
                office=True, statuts=IT, female=0.3),
            Job(30, B, TEC, TECHNICIAN, ("Technicien support", "Technicienne support"), (K.BUREAU,), 1.0, office=True,
                statuts=IT, female=0.25),
            Job(8, C, TEC, ADJ_TECH, ("Agent de proximité informatique", "Agente de proximité informatique"), (K.BUREAU,),
                1.0, office=True, female=0.25),
            *office(5, 6, 6),
        ),
        {K.BUREAU: 3},
        ("Service de l'expérience utilisateur", "Service des infrastructures", "Service des projets numériques"),
        activation=3.0,
    ),
    DirectionSpec(
        "DFA", "Direction des finances et des achats", 1.1,
        (
            Job(12, B, ADM, "Secrétaire administratif d'administrations parisiennes", ("Acheteur", "Acheteuse"),
                (K.BUREAU,), 1.0, office=True, female=0.6),
            *office(30, 28, 30),
        ),
        {K.BUREAU: 3},
        ("Sous-direction du budget", "Service des achats", "Service de l'expertise comptable"),
        activation=2.5,
    ),
]  # fmt: skip
DIRECTIONS_BY_CODE = {d.code: d for d in DIRECTIONS}

# How readily agents activate a mailbox (relative weights for the draw of the 37 % that do).
ACTIVATION_BY_CATEGORY = {A: 6.0, B: 3.0, C: 1.0}
ACTIVATION_BY_KIND = {
    K.BUREAU: 3.0,
    K.BIBLIOTHEQUE: 1.6,
    K.ETABLISSEMENT_SOCIAL: 1.3,
    K.POSTE_POLICE: 1.2,
    K.EQUIPEMENT_SPORTIF: 1.0,
    K.CRECHE: 0.9,
    K.ECOLE: 0.8,
    K.ATELIER: 0.8,
    K.ESPACE_VERT: 0.7,
    K.DEPOT_PROPRETE: 0.6,
}


@dataclass(frozen=True)
class Slot:
    weekdays: tuple[int, ...]
    start: datetime.time
    end: datetime.time
    label: str = ""


def _t(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


WEEK = (0, 1, 2, 3, 4)
WEEK_SAT = (0, 1, 2, 3, 4, 5)
ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)

# Opening hours and the moments field staff are together (DOMAIN.md §3): cleaning depots at shift
# start, crèches at nap time, schools right after the lunch service (their busiest moment).
OPENING_HOURS = {
    K.CRECHE: [Slot(WEEK, _t("7:30"), _t("18:30"))],
    K.ECOLE: [Slot(WEEK, _t("7:45"), _t("18:30"))],  # school hours plus morning and evening care
    K.DEPOT_PROPRETE: [Slot(WEEK_SAT, _t("5:30"), _t("21:00")), Slot((6,), _t("6:00"), _t("13:30"))],
    K.ATELIER: [Slot(WEEK, _t("7:00"), _t("16:30"))],
    K.EQUIPEMENT_SPORTIF: [Slot(WEEK_SAT, _t("8:00"), _t("22:00")), Slot((6,), _t("8:00"), _t("18:00"))],
    K.ESPACE_VERT: [Slot(ALL_DAYS, _t("8:00"), _t("19:30"))],
    K.BIBLIOTHEQUE: [Slot((1, 3, 4), _t("13:00"), _t("19:00")), Slot((2, 5), _t("10:00"), _t("19:00"))],
    K.ETABLISSEMENT_SOCIAL: [Slot(WEEK, _t("9:00"), _t("12:30")), Slot(WEEK, _t("13:30"), _t("17:00"))],
    K.POSTE_POLICE: [Slot(ALL_DAYS, _t("7:00"), _t("23:30"))],
    K.BUREAU: [Slot(WEEK, _t("8:30"), _t("18:00"))],
}
GATHERING_TIMES = {
    K.CRECHE: [Slot(WEEK, _t("13:00"), _t("15:00"), "Temps de sieste des enfants")],
    K.ECOLE: [
        Slot((0, 1, 3, 4), _t("13:30"), _t("14:15"), "Après le service de restauration"),
        Slot((2,), _t("8:00"), _t("9:00"), "Mercredi matin, avant l'accueil de loisirs"),
    ],
    K.DEPOT_PROPRETE: [
        Slot(WEEK_SAT, _t("6:00"), _t("7:30"), "Prise de poste du matin"),
        Slot(WEEK, _t("13:00"), _t("13:45"), "Prise de poste de l'après-midi"),
    ],
    K.ATELIER: [Slot(WEEK, _t("7:00"), _t("7:45"), "Prise de poste")],
    K.EQUIPEMENT_SPORTIF: [Slot(WEEK, _t("8:00"), _t("9:00"), "Ouverture, réunion d'équipe")],
    K.ESPACE_VERT: [Slot(WEEK, _t("7:30"), _t("8:30"), "Prise de poste des jardiniers")],
    K.BIBLIOTHEQUE: [Slot((1,), _t("10:00"), _t("12:00"), "Réunion d'équipe avant l'ouverture au public")],
    K.ETABLISSEMENT_SOCIAL: [Slot((0,), _t("9:00"), _t("10:00"), "Réunion d'équipe")],
    K.POSTE_POLICE: [
        Slot(ALL_DAYS, _t("7:00"), _t("7:30"), "Relève et appel du matin"),
        Slot(ALL_DAYS, _t("14:30"), _t("15:00"), "Relève de l'après-midi"),
    ],
    K.BUREAU: [],
}
