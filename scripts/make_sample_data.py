"""Write kgrec's bundled sample data set (kgrec/data/sample/*.csv).

A made-up film catalogue whose descriptions name directors, actors, places, genres,
themes and moods in varied wording, and users whose choices follow hidden tastes
(favourite genres, themes, directors, moods; one disliked genre; a taste that drifts
over time) plus a popularity effect. The hidden tastes are what a good recommender
must recover from interactions and text; popularity alone cannot.

Run from the repository root:  python scripts/make_sample_data.py
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kgrec" / "data" / "sample"
N_ITEMS, N_USERS, SEED = 320, 90, 7

FIRST = [
    "Mara",
    "Tomas",
    "Ines",
    "Kenji",
    "Amara",
    "Lucas",
    "Sofia",
    "Dmitri",
    "Leila",
    "Oskar",
    "Nadia",
    "Rafael",
    "Yuki",
    "Elena",
    "Kwame",
    "Ingrid",
    "Mateo",
    "Hana",
    "Samuel",
    "Zara",
    "Viktor",
    "Chloe",
    "Arjun",
    "Freya",
    "Diego",
    "Mei",
    "Jonas",
    "Aisha",
    "Pablo",
    "Greta",
    "Ibrahim",
    "Clara",
    "Hugo",
    "Noor",
    "Felix",
    "Lucia",
    "Emil",
    "Ayumi",
    "Marco",
    "Selma",
]
LAST = [
    "Lindqvist",
    "Okafor",
    "Moreau",
    "Tanaka",
    "Castellano",
    "Novak",
    "Brennan",
    "Haddad",
    "Kowalski",
    "Santos",
    "Varga",
    "Eriksson",
    "Mensah",
    "Rossi",
    "Nakamura",
    "Delacroix",
    "Osei",
    "Petrov",
    "Alvarez",
    "Fischer",
    "Sato",
    "Bianchi",
    "Lund",
    "Abara",
    "Kaminski",
    "Ferreira",
    "Dubois",
    "Halvorsen",
    "Quinn",
    "Mendoza",
    "Ivanova",
    "Reyes",
    "Takeda",
    "Olsen",
    "Marchetti",
    "Adeyemi",
    "Laurent",
    "Hoffmann",
    "Sorensen",
    "Vidal",
]
PLACES = [
    "Tokyo",
    "Paris",
    "Berlin",
    "Lagos",
    "Mumbai",
    "Istanbul",
    "Cairo",
    "Seoul",
    "Reykjavik",
    "Marseille",
    "Havana",
    "Nairobi",
    "Lisbon",
    "Shanghai",
    "Chicago",
    "Moscow",
    "Sydney",
    "Dublin",
    "Vienna",
    "Barcelona",
    "Montreal",
    "Stockholm",
    "Prague",
    "Naples",
    "Bogota",
    "New York",
    "Los Angeles",
    "Buenos Aires",
    "Mexico City",
    "Hong Kong",
]
# genre -> surface forms used in text (canonical form first) and the metadata label
GENRES = {
    "science fiction": (["science fiction", "sci-fi", "science-fiction"], "Sci-Fi"),
    "thriller": (["thriller"], "Thriller"),
    "crime": (["crime", "gangster"], "Crime"),
    "drama": (["drama"], "Drama"),
    "comedy": (["comedy"], "Comedy"),
    "romance": (["romance", "love story"], "Romance"),
    "horror": (["horror"], "Horror"),
    "documentary": (["documentary"], "Documentary"),
    "animation": (["animated", "animation"], "Animation"),
    "fantasy": (["fantasy"], "Fantasy"),
    "western": (["western"], "Western"),
    "musical": (["musical"], "Musical"),
    "mystery": (["mystery", "whodunit"], "Mystery"),
    "film noir": (["film noir", "neo-noir", "noir"], "Film-Noir"),
}
THEMES = [
    "memory",
    "revenge",
    "friendship",
    "family",
    "grief",
    "identity",
    "survival",
    "betrayal",
    "redemption",
    "coming of age",
    "freedom",
    "loneliness",
    "justice",
    "artificial intelligence",
    "time travel",
    "music",
    "space exploration",
    "corruption",
]
MOODS = ["dark", "atmospheric", "uplifting", "funny", "tense", "haunting", "whimsical", "epic"]
ROLES = [
    "a retired detective",
    "a young pianist",
    "an exiled engineer",
    "two estranged sisters",
    "a night-shift nurse",
    "a disgraced journalist",
    "a teenage runaway",
    "an ageing boxer",
    "a lighthouse keeper",
    "a grieving father",
    "a rookie cop",
    "a stranded astronaut",
    "a con artist",
    "a small-town teacher",
    "a reclusive inventor",
    "a street musician",
]
NOUNS = ["film", "story", "tale", "picture", "feature"]
ADJ = [
    "Silent",
    "Crimson",
    "Hollow",
    "Last",
    "Broken",
    "Golden",
    "Distant",
    "Burning",
    "Quiet",
    "Electric",
    "Velvet",
    "Frozen",
    "Hidden",
    "Wild",
    "Paper",
    "Glass",
    "Iron",
    "Northern",
    "Forgotten",
    "Midnight",
    "Lonely",
    "Bright",
    "Sleeping",
    "Second",
]
NOUN = [
    "Harbor",
    "Signal",
    "Garden",
    "River",
    "Machine",
    "Winter",
    "Empire",
    "Orchard",
    "Mirror",
    "Tide",
    "Station",
    "Archive",
    "Echo",
    "Lantern",
    "Horizon",
    "Frontier",
    "Chorus",
    "Voyage",
    "Kingdom",
    "Promise",
    "Shadow",
    "Bridge",
    "Comet",
    "Engine",
]

TEMPLATES = [
    "A {mood} {genre} {noun} directed by {director}, set in {place}. {actor} stars as {role} "
    "in a story about {theme} and {theme2}.",
    "Set in {place}, this {genre} from {director} follows {role} ({actor}) through a tale of "
    "{theme}. {surname}'s camera lingers on every street.",
    "{director} directs {actor} and {actor2} in a {mood} {genre} about {theme}. "
    "The film unfolds in {place}.",
    "In {place}, {role} confronts {theme}. A {genre} {noun} starring {actor}, "
    "directed by {director}.",
    "Starring {actor}, this {mood} {genre} set in {place} explores {theme} and {theme2}.",
    "{director}'s {genre} {noun} about {theme}, with {actor} as {role}. Shot on location in "
    "{place}, it is {mood} from first frame to last.",
]
USER_TEMPLATES = [
    "I want {mood} {genre} with a great soundtrack.",
    "Anything directed by {director}, especially {genre} about {theme}.",
    "I love films set in {place} about {theme}, but I can't stand {hated}.",
    "Give me {mood} {genre} stories about {theme}; I hate {hated}.",
    "I'm into {genre} and {genre2}, the more {mood} the better.",
]


def article(word: str) -> str:
    return "An" if word[0].lower() in "aeiou" else "A"


def main() -> None:
    rng = random.Random(SEED)
    people = [f"{f} {s}" for f, s in zip(rng.sample(FIRST, 40), rng.sample(LAST, 40), strict=True)]
    directors = people[:22]
    actors = [f"{f} {s}" for f in FIRST for s in LAST if f"{f} {s}" not in people]
    actors = rng.sample(actors, 70)
    genres = list(GENRES)
    titles: set[str] = set()
    items = []
    for i in range(N_ITEMS):
        while True:
            title = rng.choice(
                [
                    f"The {rng.choice(ADJ)} {rng.choice(NOUN)}",
                    f"{rng.choice(NOUN)} of the {rng.choice(ADJ)} {rng.choice(NOUN)}",
                    f"{rng.choice(ADJ)} {rng.choice(NOUN)}",
                ]
            )
            if title not in titles:
                titles.add(title)
                break
        director = rng.choice(directors)
        # directors have a signature: a home genre and theme they return to
        d_idx = directors.index(director)
        g = [genres[d_idx % len(genres)] if rng.random() < 0.6 else rng.choice(genres)]
        if rng.random() < 0.45:
            g.append(rng.choice([x for x in genres if x != g[0]]))
        th = rng.sample(THEMES, 2)
        if rng.random() < 0.5:
            th[0] = THEMES[d_idx % len(THEMES)]
            if th[1] == th[0]:
                th[1] = THEMES[(d_idx + 1) % len(THEMES)]
        a1, a2 = rng.sample(actors, 2)
        fields = {
            "mood": rng.choice(MOODS),
            "genre": rng.choice(GENRES[g[0]][0]),
            "noun": rng.choice(NOUNS),
            "director": director,
            "surname": director.split()[-1],
            "place": rng.choice(PLACES),
            "actor": a1,
            "actor2": a2,
            "role": rng.choice(ROLES),
            "theme": th[0],
            "theme2": th[1],
        }
        text = rng.choice(TEMPLATES).format(**fields)
        if text.startswith("A ") and fields["mood"][0] in "aeiou":
            text = "An " + text[2:]
        text = text.replace("a uplifting", "an uplifting").replace(
            "a atmospheric", "an atmospheric"
        )
        text = text.replace("a epic", "an epic")
        items.append(
            {
                "item_id": f"m{i + 1:03d}",
                "title": title,
                "year": rng.randint(1968, 2024),
                "genres": "|".join(GENRES[x][1] for x in g),
                "text": text,
                "_genres": g,
                "_themes": th,
                "_director": director,
                "_mood": fields["mood"],
                "_place": fields["place"],
            }
        )
    pop = [1.0 / (rank + 1) ** 0.5 for rank in range(N_ITEMS)]
    rng.shuffle(pop)

    users, interactions = [], []
    for u in range(N_USERS):
        uid = f"u{u + 1:02d}"
        fav_g = rng.sample(genres, 2)
        late_g = rng.choice([x for x in genres if x not in fav_g])  # taste drifts towards it
        hated = rng.choice([x for x in genres if x not in fav_g and x != late_g])
        fav_t = rng.sample(THEMES, 2)
        fav_d = rng.sample(directors, 2)
        fav_m = rng.choice(MOODS)
        fav_p = rng.choice(PLACES)
        n = rng.randint(20, 60)
        t0 = 1_546_300_800 + rng.randint(0, 4 * 365) * 86_400
        chosen: set[int] = set()
        for step in range(n):
            late = step >= n * 0.6
            weights = []
            for j, it in enumerate(items):
                if j in chosen:
                    weights.append(0.0)
                    continue
                aff = 1.4 * len(set(it["_genres"]) & set(fav_g))
                aff += 1.2 * (late and late_g in it["_genres"])
                aff += 0.9 * len(set(it["_themes"]) & set(fav_t))
                aff += 1.3 * (it["_director"] in fav_d) + 0.5 * (it["_mood"] == fav_m)
                aff += 0.4 * (it["_place"] == fav_p) - 2.5 * (hated in it["_genres"])
                weights.append(math.exp(2.2 * aff) * pop[j])
            j = rng.choices(range(N_ITEMS), weights=weights)[0]
            chosen.add(j)
            it = items[j]
            aff = len(set(it["_genres"]) & set(fav_g)) + (it["_director"] in fav_d)
            rating = min(5.0, max(0.5, round((2.8 + 0.6 * aff + rng.gauss(0, 0.7)) * 2) / 2))
            t0 += rng.randint(1, 20) * 86_400 + rng.randint(0, 86_399)
            interactions.append(
                {"user_id": uid, "item_id": it["item_id"], "rating": rating, "timestamp": t0}
            )
        text = ""
        if u % 5 < 2:  # 40% of users wrote something in their own words
            fields = {
                "mood": fav_m,
                "genre": GENRES[fav_g[0]][0][-1],
                "genre2": fav_g[1],
                "director": fav_d[0],
                "theme": fav_t[0],
                "place": fav_p,
                "hated": hated,
            }
            text = rng.choice(USER_TEMPLATES).format(**fields)
        users.append({"user_id": uid, "text": text})

    OUT.mkdir(parents=True, exist_ok=True)
    cols = ["item_id", "title", "year", "genres", "text"]
    with open(OUT / "items.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(items)
    with open(OUT / "users.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["user_id", "text"])
        w.writeheader()
        w.writerows(users)
    with open(OUT / "interactions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["user_id", "item_id", "rating", "timestamp"])
        w.writeheader()
        w.writerows(interactions)
    print(
        f"wrote {len(items)} items, {len(users)} users, {len(interactions)} interactions to {OUT}"
    )


if __name__ == "__main__":
    main()
