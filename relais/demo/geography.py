"""Paris for the demo: the 20 arrondissements with rough centroids, areas, weights and a few real streets.

Sites are drawn around the centroid of an arrondissement (spread by its area) so that the postcode
always matches the position; Bois de Boulogne and Bois de Vincennes are left out of the 16th and 12th.
"""

import math
import random
from dataclasses import dataclass

# The city's bounding box (périphérique included), used to clamp the jitter.
LAT_MIN, LAT_MAX = 48.8156, 48.9022
LON_MIN, LON_MAX = 2.2242, 2.4699


@dataclass(frozen=True)
class Arrondissement:
    number: int
    latitude: float
    longitude: float
    area_km2: float  # without the woods
    weight: float  # rough share of municipal facilities (follows population)
    zone: str
    streets: tuple[str, ...]

    @property
    def postcode(self) -> str:
        return f"750{self.number:02d}"

    @property
    def label(self) -> str:
        return "1er" if self.number == 1 else f"{self.number}e"


ARRONDISSEMENTS = [
    Arrondissement(
        1,
        48.8625,
        2.3364,
        1.83,
        1.0,
        "Centre",
        ("rue de Rivoli", "rue Saint-Honoré", "rue du Louvre", "rue des Halles"),
    ),  # noqa: E501
    Arrondissement(
        2,
        48.8683,
        2.3428,
        0.99,
        1.0,
        "Centre",
        ("rue Réaumur", "rue Montorgueil", "rue du Sentier", "rue de la Banque"),
    ),  # noqa: E501
    Arrondissement(
        3,
        48.8630,
        2.3601,
        1.17,
        1.3,
        "Centre",
        ("rue de Bretagne", "rue du Temple", "rue de Turbigo", "rue des Archives"),
    ),  # noqa: E501
    Arrondissement(
        4,
        48.8543,
        2.3576,
        1.60,
        1.2,
        "Centre",
        ("rue Saint-Antoine", "rue de la Verrerie", "rue du Renard", "boulevard Henri-IV"),
    ),  # noqa: E501
    Arrondissement(
        5, 48.8445, 2.3497, 2.54, 2.2, "Sud", ("rue Mouffetard", "rue Monge", "rue des Écoles", "rue Linné")
    ),  # noqa: E501
    Arrondissement(
        6,
        48.8491,
        2.3328,
        2.15,
        1.6,
        "Sud",
        ("rue du Cherche-Midi", "rue de Rennes", "rue d'Assas", "rue de Vaugirard"),
    ),  # noqa: E501
    Arrondissement(
        7,
        48.8562,
        2.3122,
        4.09,
        2.0,
        "Ouest",
        ("rue de Grenelle", "rue Cler", "avenue de La Bourdonnais", "rue de l'Université"),
    ),  # noqa: E501
    Arrondissement(
        8,
        48.8727,
        2.3125,
        3.88,
        1.6,
        "Ouest",
        ("rue de Rome", "boulevard Malesherbes", "rue de Miromesnil", "rue La Boétie"),
    ),  # noqa: E501
    Arrondissement(
        9, 48.8771, 2.3375, 2.18, 2.2, "Nord", ("rue des Martyrs", "rue La Fayette", "rue de Châteaudun", "rue Blanche")
    ),  # noqa: E501
    Arrondissement(
        10,
        48.8761,
        2.3608,
        2.89,
        3.5,
        "Nord",
        ("rue du Faubourg-Saint-Denis", "rue de Paradis", "quai de Valmy", "rue des Vinaigriers"),
    ),  # noqa: E501
    Arrondissement(
        11,
        48.8591,
        2.3800,
        3.67,
        5.5,
        "Est",
        ("rue de la Roquette", "rue Oberkampf", "boulevard Voltaire", "rue de Charonne"),
    ),  # noqa: E501
    Arrondissement(
        12,
        48.8406,
        2.3880,
        6.40,
        5.0,
        "Est",
        ("rue de Charenton", "avenue Daumesnil", "rue de Picpus", "boulevard de Reuilly"),
    ),  # noqa: E501
    Arrondissement(
        13,
        48.8283,
        2.3623,
        7.15,
        6.6,
        "Sud",
        ("avenue d'Italie", "rue de Tolbiac", "boulevard Vincent-Auriol", "rue Nationale"),
    ),  # noqa: E501
    Arrondissement(
        14, 48.8292, 2.3265, 5.64, 5.0, "Sud", ("rue d'Alésia", "avenue du Maine", "rue Didot", "rue Raymond-Losserand")
    ),  # noqa: E501
    Arrondissement(
        15,
        48.8401,
        2.2928,
        8.48,
        8.2,
        "Ouest",
        ("rue de la Convention", "rue Lecourbe", "rue du Commerce", "rue de Javel"),
    ),  # noqa: E501
    Arrondissement(
        16, 48.8600, 2.2770, 7.90, 5.0, "Ouest", ("rue de Passy", "avenue Mozart", "rue de la Pompe", "rue Michel-Ange")
    ),  # noqa: E501
    Arrondissement(
        17,
        48.8873,
        2.3067,
        5.67,
        6.2,
        "Ouest",
        ("avenue de Clichy", "rue Legendre", "rue de Lévis", "boulevard Pereire"),
    ),  # noqa: E501
    Arrondissement(
        18, 48.8925, 2.3484, 6.01, 7.3, "Nord", ("rue Ordener", "rue Championnet", "boulevard Ney", "rue Marcadet")
    ),  # noqa: E501
    Arrondissement(
        19, 48.8871, 2.3848, 6.79, 7.7, "Nord", ("avenue Jean-Jaurès", "rue de Crimée", "rue Petit", "rue de Meaux")
    ),  # noqa: E501
    Arrondissement(
        20,
        48.8634,
        2.4012,
        5.98,
        7.6,
        "Est",
        ("rue des Pyrénées", "rue de Ménilmontant", "rue de Bagnolet", "avenue Gambetta"),
    ),  # noqa: E501
]
ARRONDISSEMENT_WEIGHTS = [a.weight for a in ARRONDISSEMENTS]
ZONES = ("Centre", "Nord", "Est", "Sud", "Ouest")
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = 73.2  # at 48.86° N


def point_in(rng: random.Random, arrondissement: Arrondissement) -> tuple[float, float]:
    """A point near the arrondissement's centroid: within about a third of its equivalent radius."""
    radius_km = math.sqrt(arrondissement.area_km2 / math.pi)
    sd = radius_km / 3
    lat = arrondissement.latitude + rng.gauss(0, sd) / KM_PER_DEG_LAT
    lon = arrondissement.longitude + rng.gauss(0, sd) / KM_PER_DEG_LON
    # Clamp to one radius, then to the city: the postcode must stay true to the position.
    dlat_km, dlon_km = (
        (lat - arrondissement.latitude) * KM_PER_DEG_LAT,
        (lon - arrondissement.longitude) * KM_PER_DEG_LON,
    )
    dist = math.hypot(dlat_km, dlon_km)
    if dist > radius_km * 0.8:
        factor = radius_km * 0.8 / dist
        lat = arrondissement.latitude + dlat_km * factor / KM_PER_DEG_LAT
        lon = arrondissement.longitude + dlon_km * factor / KM_PER_DEG_LON
    lat = min(max(lat, LAT_MIN + 0.002), LAT_MAX - 0.002)
    lon = min(max(lon, LON_MIN + 0.002), LON_MAX - 0.002)
    return round(lat, 6), round(lon, 6)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return math.hypot((lat1 - lat2) * KM_PER_DEG_LAT, (lon1 - lon2) * KM_PER_DEG_LON)
