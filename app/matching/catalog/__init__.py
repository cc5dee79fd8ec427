"""The standard 科目 catalog: data files in ``parsers/catalog/``, editions by year, aliases, user overrides.

Entries come from CSV files (see docs/catalog.md); a user TOML file may add entries or
override names. ``Catalog.edition(year)`` is the view a report of that year is matched
against, so that a 2019 report meets 医疗卫生与计划生育支出 and a 2024 one 卫生健康支出.
"""

from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.config import config_dir
from app.errors import ConfigurationError
from parsers.subject_codes import CATALOG_DATA, FAMILIES



@dataclass(frozen=True)
class Entry:
    """One 科目: code, name, 类/款/项 level, parent code, validity years, aliases."""

    code: str
    name: str
    level: str
    parent: str | None
    family: str
    valid_from: int | None = None
    valid_to: int | None = None
    aliases: tuple[str, ...] = ()
    successor: str = ""  # the code that carries this meaning from the next edition on; "-" none; "" this code

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return self.valid_to is None
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)

    @property
    def keeps_meaning(self) -> bool:
        """Its code means the same thing in the editions after it (a rename, not a reuse)."""
        return self.successor in ("", self.code)

    @property
    def edition(self) -> str:
        """The editions it belongs to, as years: "–2017", "2019–", "2020–2022"; "" for every edition."""
        if self.valid_from is None and self.valid_to is None:
            return ""
        return f"{self.valid_from or ''}–{self.valid_to or ''}"


@dataclass(frozen=True)
class SummaryLabel:
    """A standard row label of the summary tables (本年收入合计, 年初结转和结余 …)."""

    label_id: str
    name: str
    side: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Misprint:
    code: str
    printed_name: str
    correct_code: str
    note: str


@dataclass
class Catalog:
    entries: list[Entry] = field(default_factory=list)
    summary: list[SummaryLabel] = field(default_factory=list)
    misprints: list[Misprint] = field(default_factory=list)

    @property
    def current_codes(self) -> frozenset[str]:
        """Codes the latest edition has."""
        if "_current" not in self.__dict__:
            self.__dict__["_current"] = frozenset(e.code for e in self.entries if e.valid_to is None)
        return self.__dict__["_current"]

    def edition(self, year: int | None) -> "Edition":
        """The view for one year, built once per catalog (it indexes every entry)."""
        cache = self.__dict__.setdefault("_editions", {})
        if year not in cache:
            cache[year] = Edition(self, year)
        return cache[year]


class Edition:
    """The catalog as valid in one year: code lookup, children, paths."""

    def __init__(self, catalog: Catalog, year: int | None) -> None:
        self.catalog = catalog
        self.year = year
        self.by_code: dict[str, Entry] = {}
        self.other_years: dict[str, list[Entry]] = {}
        for entry in catalog.entries:
            if entry.valid_in(year):
                self.by_code[entry.code] = entry
            else:
                self.other_years.setdefault(entry.code, []).append(entry)
        self.entries = list(self.by_code.values())
        self.children: dict[str | None, list[Entry]] = {}
        for entry in self.entries:
            self.children.setdefault(entry.parent, []).append(entry)
        self.misprints = {(m.code, m.printed_name): m for m in catalog.misprints}
        self._older: dict[str, list[str]] = {}
        for entry in catalog.entries:
            if entry.keeps_meaning:  # 30311 住房公积金 (to 2017) is no name of 30311 代缴社会保险费
                self._older.setdefault(entry.code, []).append(entry.name)
        self._paths: dict[str, list[Entry]] = {}

    def path(self, code: str) -> list[Entry]:
        """类 → 款 → 项 entries down to ``code``."""
        if code not in self._paths:
            out = []
            entry = self.by_code.get(code)
            while entry is not None:
                out.append(entry)
                entry = self.by_code.get(entry.parent) if entry.parent else None
            self._paths[code] = list(reversed(out))
        return self._paths[code]

    def all_names(self, entry: Entry) -> tuple[str, ...]:
        """Current name first, then aliases, then the names the code had in other years with the same meaning."""
        older = (name for name in self._older.get(entry.code, ()) if name != entry.name) if entry.keeps_meaning else ()
        return tuple(dict.fromkeys((entry.name, *entry.aliases, *older)))

    def reused(self, code: str) -> list[Entry]:
        """Other editions' entries under ``code`` with another meaning (30311 住房公积金 before 2018)."""
        here = self.by_code.get(code)
        return [e for e in self.other_years.get(code, []) if not (e.keeps_meaning and (here is None or here.keeps_meaning))]

    def current_code(self, code: str) -> str | None:
        """The code carrying ``code``'s meaning in the latest edition (30311 of 2017 → 30113); None if retired."""
        entry = self.by_code.get(code)
        if entry is None or entry.successor == "-":
            return None
        if entry.valid_to is None:
            return code
        if entry.successor:
            return entry.successor
        return code if code in self.catalog.current_codes else None


def _years(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in (text or "").split("|") if a.strip())


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def user_catalog_path() -> Path | None:
    explicit = os.environ.get("KEMU_CATALOG")
    if explicit:
        return Path(explicit)
    default = config_dir() / "catalog.toml"
    return default if default.exists() else None


def load_catalog(data_dir: Path = CATALOG_DATA, user_file: Path | None = None) -> Catalog:
    """All catalog files, then the user's TOML entries on top (same code → replaced)."""
    catalog = Catalog()
    for filename, family in FAMILIES.items():
        path = data_dir / filename
        if not path.exists():
            continue
        for row in _read_csv(path):
            catalog.entries.append(
                Entry(
                    code=row["code"].strip(),
                    name=row["name"].strip(),
                    level=row["level"].strip(),
                    parent=row.get("parent", "").strip() or None,
                    family=family,
                    valid_from=_years(row.get("valid_from", "")),
                    valid_to=_years(row.get("valid_to", "")),
                    aliases=_aliases(row.get("aliases", "")),
                    successor=(row.get("successor") or "").strip(),
                )
            )
    if (data_dir / "summary_labels.csv").exists():
        for row in _read_csv(data_dir / "summary_labels.csv"):
            catalog.summary.append(SummaryLabel(row["label_id"], row["name"], row.get("side") or None, _aliases(row.get("aliases", ""))))
    if (data_dir / "known_misprints.csv").exists():
        for row in _read_csv(data_dir / "known_misprints.csv"):
            catalog.misprints.append(Misprint(row["code"], row["printed_name"], row["correct_code"], row.get("note", "")))
    if user_file is not None and user_file.exists():
        _apply_user_entries(catalog, user_file)
    return catalog


def _apply_user_entries(catalog: Catalog, path: Path) -> None:
    """docs/catalog.md: same code and classification with overlapping years → override
    (aliases added); a new code → added; a user code is never treated as a misprint."""
    for number, item in enumerate(read_user_file(path).get("entry", []), start=1):
        missing = [key for key in ("code", "name") if key not in item]
        if missing:
            raise ConfigurationError(f"{path}: the user catalog's entry {number} has no {' or '.join(missing)} (docs/catalog.md)")
        code = str(item["code"])
        entry = Entry(
            code=code,
            name=item["name"],
            level=item.get("level") or {3: "类", 5: "款", 7: "项"}.get(len(code), "项"),
            parent=str(item.get("parent") or "") or (code[:-2] if len(code) > 3 else None),
            family=item.get("classification") or _family_of(code),
            valid_from=item.get("valid_from"),
            valid_to=item.get("valid_to"),
            aliases=tuple(item.get("aliases", ())),
        )
        overridden = [e for e in catalog.entries if e.code == code and e.family == entry.family and _overlap(e, entry)]
        inherited = tuple(dict.fromkeys(a for e in overridden for a in (*e.aliases, e.name) if a != entry.name))
        entry = Entry(**{**entry.__dict__, "aliases": tuple(dict.fromkeys((*entry.aliases, *inherited)))})
        catalog.entries = [e for e in catalog.entries if e not in overridden] + [entry]
        catalog.misprints = [m for m in catalog.misprints if m.code != code]


def read_user_file(path: Path) -> dict:
    """The user catalog's TOML, or one sentence naming the file when it cannot be used (a
    binary or mis-encoded file would otherwise fail every report with a bare decode error)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: the user catalog is not UTF-8 text; it must be a TOML file (docs/catalog.md)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: the user catalog is not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigurationError(f"{path}: the user catalog cannot be read ({exc.strerror or exc})") from None


def _overlap(a: Entry, b: Entry) -> bool:
    return (a.valid_from or 0) <= (b.valid_to or 9999) and (b.valid_from or 0) <= (a.valid_to or 9999)


def _family_of(code: str) -> str:
    return {"3": "economic_dept", "5": "economic_gov", "1": "income"}.get(code[0], "functional")


@lru_cache(maxsize=4)
def default_catalog(user_file: str | None = None) -> Catalog:
    return load_catalog(user_file=Path(user_file) if user_file else None)


def current_catalog() -> Catalog:
    """The built-in catalog with the user's file on top, if there is one (docs/catalog.md)."""
    user_file = user_catalog_path()
    return default_catalog(str(user_file) if user_file else None)
