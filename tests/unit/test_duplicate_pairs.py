"""The duplicate check measured on real-looking pairs of venue names in one city.

NEAR pairs name the same venue (typos, accents, word order, a missing "Meetup", a plural);
FAR pairs name different venues that share a city, a kind word or a subject. The check
must find most near pairs (recall) and flag few far ones (precision). Run with `-s` to see
the figures next to those of the previous scorer (rapidfuzz's WRatio on whole names).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.domain.similarity import SIMILARITY_THRESHOLD, name_similarity
from bot.domain.text import normalize_city, normalize_name

NEAR = [
    ("Café des Développeurs", "Cafe des Developeur", "Paris"),
    ("Le Café Numérique", "Café Numérique", "Lyon"),
    ("Meetup Python Lyon", "Python Lyon", "Lyon"),
    ("Rust Meetup Lyon", "Lyon Rust Meetup", "Lyon"),
    ("Paris.js", "ParisJS", "Paris"),
    ("Machine Learning Paris", "Paris Machine Learning", "Paris"),
    ("Les Déjeuners du Numérique", "Déjeuner du numérique", "Nantes"),
    ("Apéro Entrepreneurs", "Apero des entrepreneurs", "Lille"),
    ("Meetup Kotlin Lyon", "Meetup Kotln Lyon", "Lyon"),
    ("Lyon JUG", "JUG Lyon", "Lyon"),
    ("Lyon JUG", "Lyon Java User Group JUG", "Lyon"),
    ("Bordeaux DevOps", "DevOps Bordeaux Meetup", "Bordeaux"),
    ("La Cordée Perrache", "Cordée Perrache", "Lyon"),
    ("Women in Tech Lyon", "Women In Tech", "Lyon"),
    ("GDG Nantes", "Google Developer Group GDG Nantes", "Nantes"),
    ("Afterwork des Freelances", "Afterwork Freelance", "Toulouse"),
    ("Club des DSI", "Le club des DSI", "Paris"),
    ("Startup Weekend Lyon", "Startup Week-end Lyon", "Lyon"),
    ("Le Wagon Lyon", "Le Wagon", "Lyon"),
    ("ElsassJUG", "Elsass JUG", "Strasbourg"),
    ("Data Science Lille", "Data Sciences Lille", "Lille"),
    ("Meetup Vue.js Paris", "VueJS Paris", "Paris"),
    ("Tech Rocks", "Tech.Rocks", "Paris"),
    ("Apéro Python", "Apéros Python", "Grenoble"),
    ("Café Philo Startup", "Café-philo startup", "Rennes"),
    ("Ruby Nantes", "Nantes Ruby Meetup", "Nantes"),
    ("Atelier Produit", "Ateliers produit", "Lyon"),
    ("La Ruche Bordeaux", "La Ruche", "Bordeaux"),
    ("Docker Lyon", "Docker Meetup Lyon 2025", "Lyon"),
    ("C++ & Rust Lyon 2025", "C++ et Rust Lyon", "Lyon"),
    ("Les Rencontres du Cloud", "Rencontres Cloud", "Paris"),
    ("Coworking Le Bureau", "Le Bureau coworking", "Marseille"),
    ("Flutter Paris", "Flutter Paris Meetup", "Paris"),
    ("Agile Tour Lille", "Agile Tour Lile", "Lille"),
    ("UX Lyon", "Lyon UX", "Lyon"),
    ("Laravel France Meetup", "Laravel France", "Paris"),
    ("DevFest Nantes", "Devfest Nantes 2026", "Nantes"),
    ("Soirée Green IT", "Green IT", "Lyon"),
    ("Cantine Numérique", "La Cantine numerique", "Rennes"),
    ("Hackers & Founders", "Hackers and Founders", "Paris"),
]

FAR = [
    ("Le Wagon Lyon", "C++ & Rust Lyon_2025", "Lyon"),
    ("Meetup Rust Lyon", "C++ & Rust Lyon_2025", "Lyon"),
    ("Lyon JUG", "Lyon Data Science", "Lyon"),
    ("Meetup Rust Lyon", "Meetup Go Lyon", "Lyon"),
    ("Meetup Java Lyon", "Meetup Rust Lyon", "Lyon"),
    ("Café des Devs", "Café des Arts", "Paris"),
    ("Apéro Tech", "Apéro Entrepreneurs", "Lille"),
    ("La Cordée Perrache", "La Cordée Part-Dieu", "Lyon"),
    ("Startup Weekend Lyon", "Startup Grind Lyon", "Lyon"),
    ("Women in Tech Lyon", "Women in Data Lyon", "Lyon"),
    ("Lyon JS", "Lyon JUG", "Lyon"),
    ("Python Lyon", "Pylyon Data", "Lyon"),
    ("GDG Lyon", "GDG Cloud Lyon", "Lyon"),
    ("Paris Web", "ParisJS", "Paris"),
    ("DevOps Bordeaux", "DevOpsDays Bordeaux", "Bordeaux"),
    ("Club Produit", "Club RH", "Lyon"),
    ("Afterwork Freelance", "Afterwork RH", "Toulouse"),
    ("Data Science Lille", "Data Engineering Lille", "Lille"),
    ("La Ruche Bordeaux", "La Cuisine Bordeaux", "Bordeaux"),
    ("Meetup Kotlin Lyon", "Meetup Kubernetes Lyon", "Lyon"),
    ("Ruby Nantes", "Rust Nantes", "Nantes"),
    ("Atelier Produit", "Atelier Design", "Lyon"),
    ("Docker Lyon", "Docker Security Days", "Lyon"),
    ("UX Lyon", "UI Lyon", "Lyon"),
    ("Flutter Paris", "Flutterflow Paris", "Paris"),
    ("Laravel France", "Symfony France", "Paris"),
    ("Agile Tour Lille", "Agile Coach Lille", "Lille"),
    ("Green IT", "Green Tech Summit", "Lyon"),
    ("Cantine Numérique", "Campus Numérique", "Rennes"),
    ("Hackers & Founders", "Founders Coffee", "Paris"),
    ("Les Déjeuners du Numérique", "Les Petits Déjeuners RH", "Nantes"),
    ("Lyon Tech Hub", "Lyon Tech Week", "Lyon"),
    ("Tech Rocks", "Tech Talks", "Paris"),
    ("Meetup IA Lyon", "Meetup AWS Lyon", "Lyon"),
    ("Club des DSI", "Club des CTO", "Paris"),
    ("Café Philo", "Café Crème", "Rennes"),
    ("Google Developer Group", "Microsoft Developer Group", "Nantes"),
    ("ElsassJUG", "Elsass Python", "Strasbourg"),
    ("Coworking Le Bureau", "Coworking La Serre", "Marseille"),
    ("Soirée Blockchain", "Soirée Cloud", "Lyon"),
    ("Nantes JS", "Nantes JUG", "Nantes"),
    ("Vue.js Paris", "Nuxt Paris", "Paris"),
]


def _flagged(scorer, pairs):  # type: ignore[no-untyped-def]
    return [
        (a, b)
        for a, b, city in pairs
        if scorer(normalize_name(a), normalize_name(b), normalize_city(city))
        >= SIMILARITY_THRESHOLD
    ]


def _figures(scorer) -> tuple[float, float, list[tuple[str, str]], list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    found = _flagged(scorer, NEAR)
    false = _flagged(scorer, FAR)
    precision = len(found) / max(1, len(found) + len(false))
    recall = len(found) / len(NEAR)
    missed = [(a, b) for a, b, _ in NEAR if (a, b) not in found]
    return precision, recall, missed, false


def test_duplicate_check_precision_and_recall() -> None:
    precision, recall, missed, false = _figures(name_similarity)
    before = _figures(lambda a, b, _city: fuzz.WRatio(a, b))
    print(
        f"\nduplicate check on {len(NEAR)} near / {len(FAR)} far pairs: "
        f"precision {precision:.2f}, recall {recall:.2f} "
        f"(whole-name WRatio: precision {before[0]:.2f}, recall {before[1]:.2f})"
        f"\nmissed: {missed}\nfalse alarms: {false}"
    )
    assert precision >= 0.95, false
    assert recall >= 0.85, missed


def test_the_reported_false_alarms_are_gone() -> None:
    lyon = normalize_city("Lyon")
    for a, b in [
        ("Le Wagon Lyon", "C++ & Rust Lyon_2025"),
        ("Meetup Rust Lyon", "C++ & Rust Lyon_2025"),
        ("Lyon JUG", "Lyon Data Science"),
    ]:
        assert name_similarity(normalize_name(a), normalize_name(b), lyon) < SIMILARITY_THRESHOLD
