"""Pure generation of the demo organisation: no database here, only rows as tuples.

Determinism: every part draws from its own `random.Random` seeded with "<seed>:<part>", so the same
seed and as-of date give the same organisation, whatever the database and the chunk size.

Agents are generated in two passes so that two million of them fit in memory: a compact skeleton
(direction, job, site, statut, dates…) for everyone, then the exact draws over the whole population
(60 % of agents get a mailbox, 37 % of those in post are activated), then the full rows chunk by chunk.
"""

import datetime
import heapq
import math
import random
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from relais.agents.hr_managers import key_for
from relais.agents.models import Agent
from relais.core.text import fold
from relais.demo import catalogue, geography, names
from relais.organisation.enums import SiteKind

MAILBOX_SHARE = 0.60  # 30,000 mailboxes for 50,000 agents (DOMAIN.md §1)
ACTIVATION_SHARE = 0.37  # of the mailboxes of agents in post, activated on the as-of date
SITES_PER_50K = 50_000  # site counts in the catalogue are for this many agents
LEAVER_SHARE = 0.015  # agents who left during the year
FUTURE_EXIT_SHARE = 0.004  # agents whose departure is already dated
USAGE_NAME_SHARE = 0.18  # women using a spouse's name
EARLY_OFFICE_ACTIVATION = 0.55  # computer users who activated their mailbox long before the year
HISTORY_DAYS = 360
SNAPSHOT_EVERY = 30
MAIL_DOMAIN = "paris.fr"
MATRICULE_PRIME = 8_999_993  # a prime below 9,000,000: (a·i + b) mod p is a permutation of 7-digit numbers
OTHER_TOOLS_FIELD_DIRECTIONS = {"DPE", "DJS", "DEVE", "DPMP", "DASCO", "DFPE"}


def stream(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def weighted_top(rng: random.Random, weights: list[float], k: int) -> set[int]:
    """Exactly `k` indices drawn without replacement with probability proportional to weight.

    Efraimidis–Spirakis: keep the k largest log(u)/w; zero weights are never drawn unless needed.
    """
    if k <= 0:
        return set()
    keyed = ((math.log(1.0 - rng.random()) / w if w > 0 else -math.inf, i) for i, w in enumerate(weights))
    return {i for _key, i in heapq.nlargest(k, keyed)}


def largest_remainder(total: int, shares: list[float]) -> list[int]:
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def slug(value: str) -> str:
    return fold(value).replace(" ", "-")


@dataclass
class SiteRow:
    id: int
    direction_code: str
    kind: str
    name: str
    address: str
    postcode: str
    latitude: float
    longitude: float
    zone: str
    size: float
    public_id: str


@dataclass
class Skeleton:
    """One list per attribute (not one object per agent): two million agents stay small."""

    direction: list[int] = field(default_factory=list)  # index in catalogue.DIRECTIONS
    job: list[int] = field(default_factory=list)  # index in jobs
    site: list[int] = field(default_factory=list)  # site id
    service: list[int] = field(default_factory=list)  # service id
    statut: list[int] = field(default_factory=list)
    female: list[bool] = field(default_factory=list)
    computer: list[bool | None] = field(default_factory=list)
    entry: list[int] = field(default_factory=list)  # ordinal
    exit: list[int] = field(default_factory=list)  # ordinal, 0 when in post
    hr_manager: list[int] = field(default_factory=list)  # agent index, -1 when none

    def __len__(self):
        return len(self.direction)


@dataclass
class Chunk:
    agents: list[tuple]
    accounts: list[tuple]
    observations: list[tuple]


AGENT_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "matricule", "last_name", "usage_name", "first_name",
    "category", "filiere", "statut", "grade", "job_title", "direction", "service", "site", "uses_computer",
    "work_phone", "work_email", "hr_manager", "entry_date", "exit_date", "search_text",
]  # fmt: skip
ACCOUNT_FIELDS = [
    "id", "created_at", "updated_at", "agent", "tool", "login", "provisioned_on", "activated_on",
    "last_activity_on", "disabled_on",
]  # fmt: skip
SITE_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "name", "kind", "direction", "address", "postcode", "city",
    "latitude", "longitude", "is_active",
]  # fmt: skip
HR_MANAGER_FIELDS = ["id", "public_id", "created_at", "updated_at", "label", "key", "kind", "agent", "email"]
OPENING_FIELDS = ["site", "weekday", "opens_at", "closes_at"]
GATHERING_FIELDS = ["site", "weekday", "starts_at", "ends_at", "label"]
OBSERVATION_FIELDS = [
    "account", "source", "as_of", "provisioned_on", "first_sign_in_on", "last_activity_on", "is_disabled",
    "reference", "recorded_at",
]  # fmt: skip


def iso(ordinal: int | None) -> str | None:
    return datetime.date.fromordinal(ordinal).isoformat() if ordinal else None


class DemoGenerator:
    """Generates the demo rows for `agents` agents, `seed` and `as_of`; ids start after the given offsets."""

    def __init__(self, *, seed: int, as_of: datetime.date, agents: int):
        self.seed = seed
        self.as_of = as_of
        self.n = agents
        self.today = as_of.toordinal()
        self.snapshots = [self.today - SNAPSHOT_EVERY * k for k in range(HISTORY_DAYS // SNAPSHOT_EVERY, -1, -1)]
        self.window_start = self.snapshots[0]
        self.jobs: list[tuple[int, catalogue.Job]] = []  # (direction index, job)
        self.sites: list[SiteRow] = []
        self.skeleton = Skeleton()
        self.mailbox: set[int] = set()
        self.activated: set[int] = set()
        # HR managers, named as the extracts name them: "MARTIN Sophie" (issue 12 §2).
        self.hr_ids: dict[int, int] = {}  # agent index -> HR manager id
        self.hr_rows: list[tuple] = []

    # -- sites -------------------------------------------------------------------------------------

    def site_counts(self) -> list[tuple[catalogue.DirectionSpec, str, int]]:
        scale = self.n / SITES_PER_50K
        return [
            (spec, kind, max(1, round(count * scale)))
            for spec in catalogue.DIRECTIONS
            for kind, count in spec.sites.items()
        ]

    def build_sites(self, first_id: int) -> list[SiteRow]:
        rng = stream(self.seed, "sites")
        arrondissements = geography.ARRONDISSEMENTS
        cum = list(accumulate(geography.ARRONDISSEMENT_WEIGHTS))
        next_id = first_id
        for spec, kind, count in self.site_counts():
            for _ in range(count):
                arr = rng.choices(arrondissements, cum_weights=cum)[0]
                lat, lon = geography.point_in(rng, arr)
                street = rng.choice(arr.streets)
                address = f"{rng.randint(1, 160)} {street}"
                self.sites.append(
                    SiteRow(
                        id=next_id,
                        direction_code=spec.code,
                        kind=kind,
                        name=site_name(rng, spec.code, kind, address, arr.label),
                        address=address,
                        postcode=arr.postcode,
                        latitude=lat,
                        longitude=lon,
                        zone=arr.zone,
                        size=rng.lognormvariate(0, 0.45),
                        public_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                    )
                )
                next_id += 1
        return self.sites

    def site_rows(self, *, now, directions: dict[str, int]) -> Iterator[tuple]:
        for s in self.sites:
            yield (
                s.id, s.public_id, now, now, s.name, s.kind, directions[s.direction_code], s.address, s.postcode,
                "Paris", s.latitude, s.longitude, True,
            )  # fmt: skip

    def hours_rows(self) -> tuple[list[tuple], list[tuple]]:
        opening, gathering = [], []
        for s in self.sites:
            for slot in catalogue.OPENING_HOURS.get(s.kind, []):
                start, end = slot.start.isoformat(), slot.end.isoformat()
                opening.extend((s.id, day, start, end) for day in slot.weekdays)
            for slot in catalogue.GATHERING_TIMES.get(s.kind, []):
                start, end = slot.start.isoformat(), slot.end.isoformat()
                gathering.extend((s.id, day, start, end, slot.label) for day in slot.weekdays)
        return opening, gathering

    # -- agents: skeleton ---------------------------------------------------------------------------

    def build_skeleton(self, *, services: dict[tuple[str, str], int]) -> Skeleton:
        """Direction, job, site, service, statut, dates and HR manager of every agent."""
        rng = stream(self.seed, "skeleton")
        sk = self.skeleton
        sizes = largest_remainder(self.n, [d.share for d in catalogue.DIRECTIONS])
        sites_by = {}
        for s in self.sites:
            sites_by.setdefault((s.direction_code, s.kind), []).append(s)
        cum_sizes = {key: (rows, list(accumulate(s.size for s in rows))) for key, rows in sites_by.items()}
        for d_index, (spec, size) in enumerate(zip(catalogue.DIRECTIONS, sizes, strict=True)):
            if size == 0:
                continue
            job_base = len(self.jobs)
            self.jobs.append((d_index, catalogue.HR_MANAGER))
            self.jobs.extend((d_index, job) for job in spec.jobs)
            managers = min(size, math.ceil(size / catalogue.HR_FILES_PER_MANAGER))
            drawn = rng.choices(range(1, len(spec.jobs) + 1), weights=[j.weight for j in spec.jobs], k=size - managers)
            job_offsets = [0] * managers + drawn
            first = len(sk)
            manager_indices = list(range(first, first + managers))
            for position, offset in enumerate(job_offsets):
                job = catalogue.HR_MANAGER if offset == 0 else spec.jobs[offset - 1]
                kind = job.kinds[0] if len(job.kinds) == 1 else rng.choice(job.kinds)
                rows, cum = cum_sizes[(spec.code, kind)]
                site = rows[bisect_right(cum, rng.random() * cum[-1])] if len(rows) > 1 else rows[0]
                if job.hr_manager:
                    service = services[(spec.code, spec.hr_service)]
                elif job.office or not spec.territorial or kind == SiteKind.BUREAU:
                    service = services[(spec.code, rng.choice(spec.central_services))]
                else:
                    service = services[(spec.code, spec.territorial.format(zone=site.zone))]
                statut = rng.choices(range(5), weights=job.statuts)[0]
                entry = self.today - self.seniority_days(rng, statut)
                exit_ = 0
                draw = rng.random()
                if draw < LEAVER_SHARE and entry <= self.today - 100:
                    exit_ = rng.randint(max(entry + 30, self.today - 330), self.today - 35)
                elif draw > 1 - FUTURE_EXIT_SHARE:
                    exit_ = self.today + rng.randint(1, 120)
                computer = rng.random() < job.computer
                if not job.office and rng.random() < 0.02:
                    computer = None  # not known for every field agent
                if job.hr_manager:
                    hr = manager_indices[(position + 1) % managers] if managers > 1 else -1
                else:
                    hr = manager_indices[rng.randrange(managers)]
                sk.direction.append(d_index)
                sk.job.append(job_base + offset)
                sk.site.append(site.id)
                sk.service.append(service)
                sk.statut.append(statut)
                sk.female.append(rng.random() < job.female)
                sk.computer.append(computer)
                sk.entry.append(entry)
                sk.exit.append(exit_)
                sk.hr_manager.append(hr)
        return sk

    @staticmethod
    def seniority_days(rng: random.Random, statut: int) -> int:
        name = catalogue.STATUTS[statut]
        if name == "titulaire":
            return int(rng.triangular(1.0, 38.0, 8.0) * 365.25)
        if name == "stagiaire":
            return rng.randint(15, 360)
        if name == "contractuel":
            return int(rng.triangular(0.05, 12.0, 1.0) * 365.25)
        return rng.randint(15, 800)

    def left(self, i: int) -> bool:
        exit_ = self.skeleton.exit[i]
        return bool(exit_) and exit_ <= self.today

    # -- adoption draws -----------------------------------------------------------------------------

    def draw_adoption(self) -> None:
        """Exactly 60 % of agents get a mailbox; 37 % of those in post have activated it on the as-of date.

        Who: agents using a computer nearly all have one; activation favours categories A and B, office
        staff, libraries and social establishments over cleaning depots and parks.
        """
        sk = self.skeleton
        rng = stream(self.seed, "adoption")
        site_kind = {s.id: s.kind for s in self.sites}
        mailbox_weights = []
        for i in range(len(sk)):
            job = self.jobs[sk.job[i]][1]
            w = 12.0 if sk.computer[i] else 1.0
            w *= {"A": 3.0, "B": 1.5}.get(job.category, 1.0)
            if self.left(i):
                w *= 0.3  # most leavers' mailboxes are already deleted
            mailbox_weights.append(w)
        self.mailbox = weighted_top(rng, mailbox_weights, round(self.n * MAILBOX_SHARE))
        holders = sorted(self.mailbox)
        in_post = [i for i in holders if not self.left(i)]
        activation_weights = []
        for i in in_post:
            d_index, job = self.jobs[sk.job[i]]
            w = catalogue.ACTIVATION_BY_CATEGORY[job.category]
            w *= catalogue.ACTIVATION_BY_KIND.get(site_kind[sk.site[i]], 1.0)
            w *= catalogue.DIRECTIONS[d_index].activation
            w *= 2.0 if sk.computer[i] else 1.0
            if catalogue.STATUTS[sk.statut[i]] in ("vacataire", "apprenti"):
                w *= 0.5
            activation_weights.append(w)
        # 37 % of the mailboxes of agents in post (the rate the home page shows); leavers' mailboxes are
        # few and disabled, so the share over all mailboxes stays within half a point of it.
        target = round(len(in_post) * ACTIVATION_SHARE)
        chosen = weighted_top(rng, activation_weights, min(target, len(in_post)))
        self.activated = {in_post[k] for k in chosen}

    # -- agents: full rows, chunk by chunk ------------------------------------------------------------

    def chunks(
        self,
        *,
        first_agent_id: int,
        first_account_id: int,
        directions: dict[str, int],
        tools: dict[str, int],
        now,
        size: int = 20_000,
        first_hr_manager_id: int = 1,
    ) -> Iterator[Chunk]:
        sk = self.skeleton
        managers = sorted({h for h in sk.hr_manager if h >= 0})
        self.hr_ids = {index: first_hr_manager_id + n for n, index in enumerate(managers)}
        self.hr_rows = []
        hr_keys: set[str] = set()
        hr_rng = stream(self.seed, "hr_managers")  # apart, so that the people drawn stay the same
        rng = stream(self.seed, "people")
        adoption = stream(self.seed, "history")
        female_names = list(dict.fromkeys(names.FIRST_NAMES_FEMALE))
        male_names = list(dict.fromkeys(names.FIRST_NAMES_MALE))
        last_names = list(dict.fromkeys(names.LAST_NAMES))
        cum_f = list(accumulate(names.weights(female_names)))
        cum_m = list(accumulate(names.weights(male_names)))
        cum_l = list(accumulate(names.weights(last_names)))
        a, b = rng.randrange(1, MATRICULE_PRIME), rng.randrange(MATRICULE_PRIME)
        emails: dict[str, int] = {}
        site_kind = {s.id: s.kind for s in self.sites}
        account_id = first_account_id
        mailbox_tool = tools["messagerie"]
        for start in range(0, len(sk), size):
            agents, accounts, observations = [], [], []
            for i in range(start, min(start + size, len(sk))):
                d_index, job = self.jobs[sk.job[i]]
                spec = catalogue.DIRECTIONS[d_index]
                female = sk.female[i]
                first = female_names[bisect_left(cum_f, rng.random() * cum_f[-1])] if female else (
                    male_names[bisect_left(cum_m, rng.random() * cum_m[-1])]
                )  # fmt: skip
                last = last_names[bisect_left(cum_l, rng.random() * cum_l[-1])]
                usage = ""
                if female and rng.random() < USAGE_NAME_SHARE:
                    usage = last_names[bisect_left(cum_l, rng.random() * cum_l[-1])]
                    if usage == last:
                        usage = ""
                matricule = str(1_000_000 + (a * i + b) % MATRICULE_PRIME)
                statut = catalogue.STATUTS[sk.statut[i]]
                grade = job.grade if statut in ("titulaire", "stagiaire") else ""
                title = job.titles[1] if female else job.titles[0]
                computer = sk.computer[i]
                phone = ""
                if job.office or (computer and rng.random() < 0.7):
                    phone = f"01 42 76 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
                elif job.category != "C" and rng.random() < 0.5:
                    phone = f"06 {rng.randint(10, 99)} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"  # noqa: E501
                email = ""
                has_mailbox = i in self.mailbox
                if has_mailbox:
                    local = f"{slug(first)}.{slug(usage or last)}"
                    seen = emails.get(local, 0)
                    emails[local] = seen + 1
                    email = f"{local}{seen + 1 if seen else ''}@{MAIL_DOMAIN}"
                hr = sk.hr_manager[i]
                if i in self.hr_ids:
                    label = f"{(usage or last).upper()} {first}"
                    if key_for(label) in hr_keys:  # two HR managers of the same name: told apart as HR would
                        label = f"{label} ({matricule})"
                    hr_keys.add(key_for(label))
                    self.hr_rows.append(
                        (
                            self.hr_ids[i], uuid.UUID(int=hr_rng.getrandbits(128), version=4).hex, now, now, label,
                            key_for(label), "name", first_agent_id + i, email,
                        )
                    )  # fmt: skip
                search = Agent.build_search_text(
                    last_name=last, usage_name=usage, first_name=first, matricule=matricule
                )
                agents.append(
                    (
                        first_agent_id + i, uuid.UUID(int=rng.getrandbits(128), version=4).hex, now, now, matricule,
                        last, usage, first, job.category, job.filiere, statut, grade, title, directions[spec.code],
                        sk.service[i], sk.site[i], computer, phone, email,
                        self.hr_ids[hr] if hr >= 0 else None, iso(sk.entry[i]), iso(sk.exit[i]),
                        search,
                    )
                )  # fmt: skip
                if has_mailbox:
                    facts, obs = self.mailbox_history(adoption, i)
                    accounts.append((account_id, now, now, first_agent_id + i, mailbox_tool, email, *map(iso, facts)))
                    observations.extend((account_id, *row[:1], *map(iso, row[1:5]), *row[5:], now) for row in obs)
                    account_id += 1
                if not self.left(i):
                    for code, facts, obs in self.other_tools(adoption, i, spec.code, job, site_kind[sk.site[i]]):
                        accounts.append(
                            (
                                account_id,
                                now,
                                now,
                                first_agent_id + i,
                                tools[code],
                                email or matricule,
                                *map(iso, facts),
                            )
                        )
                        observations.extend((account_id, *row[:1], *map(iso, row[1:5]), *row[5:], now) for row in obs)
                        account_id += 1
            yield Chunk(agents, accounts, observations)

    def snapshot_at_or_after(self, day: int) -> int:
        """The first monthly report date on or after `day` (the history's first one for older days)."""
        return self.snapshots[min(bisect_left(self.snapshots, day), len(self.snapshots) - 1)]

    def mailbox_history(self, rng: random.Random, i: int):
        """The mailbox's facts (provisioned, activated, last activity, disabled) and the observations behind them.

        Observations are (source, as_of, provisioned_on, first_sign_in_on, last_activity_on, is_disabled,
        reference) and merge (`accounts_refresh`) into exactly the facts returned. Computer users had their
        mailbox for years; field agents got theirs in the deployment campaign around the start of the year,
        and activations accelerate over the year (the mediators' effect).
        """
        sk = self.skeleton
        today, start, last_snapshot = self.today, self.window_start, self.snapshots[-1]
        entry = sk.entry[i]
        if sk.computer[i]:
            provisioned = max(entry + rng.randint(0, 10), today - rng.randint(400, 3000))
        else:
            provisioned = max(entry + rng.randint(0, 15), rng.randint(start - 330, start + 90))
        provisioned = min(provisioned, today)
        if self.left(i):
            exit_ = sk.exit[i]
            provisioned = max(entry, min(provisioned, exit_ - rng.randint(1, 30)))
            obs = [("ad", min(self.snapshot_at_or_after(provisioned), exit_), provisioned, None, None, False, "demo")]
            activated = last = None
            if rng.random() < ACTIVATION_SHARE:
                activated = rng.randint(provisioned, exit_)
                last = rng.randint(activated, exit_) if rng.random() < 0.8 else None
                seen = min(self.snapshot_at_or_after(last or activated), exit_)
                obs.append(("m365", seen, provisioned, activated, last, False, "demo"))
            disabled = self.snapshots[bisect_right(self.snapshots, exit_)]
            obs.append(("ad", disabled, provisioned, None, None, True, "demo"))
            return (provisioned, activated, last, disabled), obs
        obs = [("ad", self.snapshot_at_or_after(provisioned), provisioned, None, None, False, "demo")]
        if i not in self.activated:
            if obs[0][1] != last_snapshot:
                obs.append(("ad", last_snapshot, provisioned, None, None, False, "demo"))
            return (provisioned, None, None, None), obs
        if sk.computer[i] and rng.random() < EARLY_OFFICE_ACTIVATION:
            activated = min(provisioned + rng.randint(0, 20), today)
            active_share = 0.9
        elif sk.computer[i]:
            low = max(provisioned, start - 30)
            activated = low + int((today - low) * rng.random() ** 0.8)
            active_share = 0.85
        else:
            # Field agents: activations accelerate towards the as-of date (the mediators' visits).
            low = max(provisioned, start - 60)
            activated = low + int((today - low) * rng.random() ** 0.45)
            active_share = 0.6
        draw = rng.random()
        if draw < active_share or today - activated <= 31:
            last = today - rng.randint(0, min(29, today - activated))
        elif draw < 0.92:
            last = rng.randint(activated, today - 31)
        else:
            last = None  # signed in once, never used since
        seen = self.snapshot_at_or_after(activated)
        if last is None:
            obs.append(("m365", seen, provisioned, activated, None, False, "demo"))
        elif seen == last_snapshot:
            obs.append(("m365", seen, provisioned, activated, last, False, "demo"))
        else:
            obs.append(("m365", seen, provisioned, activated, activated, False, "demo"))
            obs.append(("m365", last_snapshot, provisioned, activated, last, False, "demo"))
        return (provisioned, activated, last, None), obs

    def other_tools(self, rng: random.Random, i: int, direction: str, job: catalogue.Job, kind: str):
        """A few accounts on the badge app, HR self-service and intranet, each with one demo observation."""
        sk = self.skeleton
        wanted = []
        if direction in OTHER_TOOLS_FIELD_DIRECTIONS and kind != SiteKind.BUREAU and rng.random() < 0.06:
            wanted.append("badgeuse")
        if rng.random() < 0.04:
            wanted.append("self-service-rh")
        if sk.computer[i] and rng.random() < 0.08:
            wanted.append("intranet")
        for code in wanted:
            provisioned = max(sk.entry[i], rng.randint(self.window_start, self.today - 10))
            provisioned = min(provisioned, self.today)
            activated = last = None
            if rng.random() < 0.55:
                activated = rng.randint(provisioned, self.today)
                last = rng.randint(activated, self.today) if rng.random() < 0.7 else None
            obs = [("demo", self.today, provisioned, activated, last, False, "demo")]
            yield code, (provisioned, activated, last, None), obs


def site_name(rng: random.Random, direction: str, kind: str, address: str, arrondissement: str) -> str:
    person = rng.choice(names.PERSONALITIES)
    K = SiteKind
    if kind == K.CRECHE:
        return f"{rng.choices(['Crèche collective', 'Multi-accueil', 'Crèche familiale'], [6, 3, 1])[0]} {address}"
    if kind == K.ECOLE:
        return f"École {rng.choices(['maternelle', 'élémentaire', 'polyvalente'], [45, 45, 10])[0]} {address}"
    if kind == K.DEPOT_PROPRETE:
        return f"Atelier de propreté {address}"
    if kind == K.ATELIER:
        prefix = {
            "DPE": "Atelier de l'assainissement",
            "DCPA": "Atelier de la section locale d'architecture",
            "DVD": "Atelier de voirie",
            "DILT": "Garage",
            "DEVE": "Atelier horticole",
        }.get(direction, "Atelier")
        return f"{prefix} – {address}"
    if kind == K.EQUIPEMENT_SPORTIF:
        prefix = rng.choices(
            ["Gymnase", "Piscine", "Stade", "Centre sportif", "Terrain d'éducation physique"], [5, 2, 2, 2, 2]
        )  # noqa: E501
        return f"{prefix[0]} {person}"
    if kind == K.ESPACE_VERT:
        return f"{rng.choices(['Square', 'Jardin', 'Parc'], [6, 3, 1])[0]} {person}"
    if kind == K.BIBLIOTHEQUE:
        return f"{rng.choices(['Bibliothèque', 'Médiathèque', 'Conservatoire'], [6, 2, 2])[0]} {person}"
    if kind == K.ETABLISSEMENT_SOCIAL:
        prefix = rng.choices(["EHPAD", "Centre d'hébergement", "Résidence autonomie", "Centre social"], [3, 3, 2, 2])
        return f"{prefix[0]} {person}"
    if kind == K.POSTE_POLICE:
        return f"Poste de police municipale du {arrondissement}"
    return f"{direction} – bureaux {address}"
