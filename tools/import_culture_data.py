"""Write the knowledge base's culture profiles from the published score tables.

Usage: python tools/import_culture_data.py DATA_DIR [KB_DIR]

DATA_DIR holds hofstede-6d.csv, globe-practices.csv and globe-values.csv (see the project's
shared/data/culture/README.md for their provenance and terms). One profile is written per ISO
country, to KB_DIR/cultures/<code>.yaml. Scores are carried over unchanged; a blank cell becomes
``value: null`` (missing is not zero). Scores from any other source already in a profile (the
hand-coded Culture Map positions) and its notes are kept, so the tool can be re-run safely.

Where GLOBE has several sub-national samples for one country, the majority sample is the score
and the others are recorded as other readings, so the disagreement stays visible.
"""

from __future__ import annotations

import csv
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pycountry
import yaml

HOFSTEDE = ("pdi", "idv", "mas", "uai", "lto", "ivr")
GLOBE = (
    "uncertainty_avoidance",
    "future_orientation",
    "power_distance",
    "institutional_collectivism",
    "humane_orientation",
    "performance_orientation",
    "in_group_collectivism",
    "gender_egalitarianism",
    "assertiveness",
)
HOFSTEDE_SOURCE = "hofstede-6d-2015"
GLOBE_SOURCE = "globe-2004"
# The sample used as the country's score where GLOBE surveyed several; the others become readings.
MAJORITY_SAMPLE = {
    "DE": "Germany (West)",
    "CH": "Switzerland (German-speaking)",
    "ZA": "South Africa (Black sample)",
}
GENERATED = {HOFSTEDE_SOURCE, GLOBE_SOURCE}
# Hofstede published some scores only for regions. The regions' members, as Hofstede lists them
# (Cultures and Organizations, 2010), get the regional score, marked as an estimate, where the
# country has no score of its own.
REGIONS = {
    "Arab countries (region)": ("EG", "IQ", "KW", "LB", "LY", "SA", "AE"),
    "West Africa (region)": ("GH", "NG", "SL"),
    "East Africa (region)": ("ET", "KE", "TZ", "ZM"),
}


def globe_id(kind: str, column: str) -> str:
    return f"globe-{kind}-{column.replace('_', '-')}"


def _number(text: str) -> float | int | None:
    if not text.strip():
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class _Profiles(dict[str, dict[str, Any]]):
    """Profiles by ISO code: {'name': ..., 'scores': {dimension: score}, 'notes': [...]}."""

    def entry(self, code: str) -> dict[str, Any]:
        country = pycountry.countries.get(alpha_2=code)
        name = getattr(country, "common_name", None) or country.name
        return self.setdefault(code, {"name": name, "scores": {}, "notes": []})


def _add_hofstede(profiles: _Profiles, rows: list[dict[str, str]]) -> None:
    for row in rows:
        if not row["iso2"] or row["entity_type"] != "country":
            continue
        profile = profiles.entry(row["iso2"])
        for dimension in HOFSTEDE:
            profile["scores"][dimension] = {
                "value": _number(row[dimension]),
                "source": HOFSTEDE_SOURCE,
            }
        missing = [d for d in HOFSTEDE if _number(row[d]) is None]
        if missing:
            profile["notes"].append(
                f"The Hofstede data has no {', '.join(missing)} score for this country."
            )


def _add_regional_hofstede(profiles: _Profiles, rows: list[dict[str, str]]) -> None:
    for row in rows:
        for code in REGIONS.get(row["country"], ()):
            profile = profiles.entry(code)
            for dimension in HOFSTEDE:
                own = profile["scores"].get(dimension, {}).get("value")
                regional = _number(row[dimension])
                if own is None and regional is not None:
                    profile["scores"][dimension] = {
                        "value": regional,
                        "source": HOFSTEDE_SOURCE,
                        "estimated": True,
                        "note": f"Hofstede's score for the region {row['source_name']}; "
                        "no score for this country alone.",
                    }
            profile["notes"] = [note for note in profile["notes"] if "has no" not in note]
            profile["notes"].append(
                f"Scores marked as estimated are Hofstede's {row['source_name']} regional scores."
            )


def _add_globe(profiles: _Profiles, kind: str, rows: list[dict[str, str]]) -> None:
    by_country: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_country.setdefault(row["iso2"], []).append(row)
    for code, samples in by_country.items():
        primary = next(
            (r for r in samples if r["society"] == MAJORITY_SAMPLE.get(code)), samples[0]
        )
        others = [r for r in samples if r is not primary]
        profile = profiles.entry(code)
        for column in GLOBE:
            score: dict[str, Any] = {"value": _number(primary[column]), "source": GLOBE_SOURCE}
            if primary["subnational_sample"] == "1":
                score["note"] = f"GLOBE sample: {primary['society']}."
            if others:
                score["other_readings"] = [
                    {
                        "value": _number(other[column]),
                        "source": GLOBE_SOURCE,
                        "note": f"GLOBE sample: {other['society']}.",
                    }
                    for other in others
                ]
            profile["scores"][globe_id(kind, column)] = score
        if others and kind == "practices":
            profile["notes"].append(
                "GLOBE surveyed several samples here; the majority sample ("
                f"{primary['society']}) gives the score, the others are other readings."
            )


def collect(data: Path) -> dict[str, dict[str, Any]]:
    """Every country's generated scores and notes, by ISO code."""
    profiles = _Profiles()
    hofstede = _rows(data / "hofstede-6d.csv")
    _add_hofstede(profiles, hofstede)
    _add_regional_hofstede(profiles, hofstede)
    for kind in ("practices", "values"):
        _add_globe(profiles, kind, _rows(data / f"globe-{kind}.csv"))
    return profiles


def _flow(score: dict[str, Any]) -> str:
    parts = []
    for key in ("value", "source", "estimated", "note"):
        if key in ("value", "source") or score.get(key) not in (None, False, ""):
            value = score.get(key)
            plain = key == "source" or (
                isinstance(value, int | float) and not isinstance(value, bool)
            )
            parts.append(f"{key}: {value if plain else json.dumps(value, ensure_ascii=False)}")
    text = "{" + ", ".join(parts) + "}"
    readings = score.get("other_readings") or []
    if not readings:
        return text
    inner = ", ".join(_flow(reading) for reading in readings)
    return text[:-1] + f", other_readings: [{inner}]" + "}"


def render(code: str, profile: dict[str, Any]) -> str:
    lines = [
        "# yaml-language-server: $schema=../../docs/schemas/culture.schema.json",
        f"# {profile['name']}: Hofstede 6-D and GLOBE scores written by "
        "tools/import_culture_data.py",
        "# from the published tables, unchanged; null means no score, and a regional score used",
        "# for a country without its own is marked estimated. Scores from other sources (the",
        "# hand-coded Culture Map positions) are kept when the tool is run again.",
        "culture:",
        f'  country: "{code}"',
        f"  name: {json.dumps(profile['name'], ensure_ascii=False)}",
        "  scores:",
    ]
    for dimension, score in profile["scores"].items():
        lines.append(f"    {dimension}: {_flow(score)}")
    if profile["notes"]:
        lines.append("  notes: >-")
        lines += [
            f"    {line}"
            for line in textwrap.wrap(" ".join(profile["notes"]), 94, break_on_hyphens=False)
        ]
    return "\n".join(lines) + "\n"


def merge_existing(path: Path, profile: dict[str, Any]) -> None:
    """Keep scores from other sources, and hand-written notes, from a profile already on disk."""
    if not path.exists():
        return
    existing = yaml.safe_load(path.read_text(encoding="utf-8"))["culture"]
    for dimension, score in existing.get("scores", {}).items():
        if score.get("source") not in GENERATED:
            profile["scores"][dimension] = score
    hand_written = " ".join((existing.get("notes") or "").split())
    for sentence in profile["notes"]:
        hand_written = hand_written.replace(sentence, "").strip()
    if hand_written:
        profile["notes"] = [hand_written, *profile["notes"]]


def main(arguments: list[str]) -> int:
    if not 1 <= len(arguments) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    data = Path(arguments[0])
    kb = Path(arguments[1]) if len(arguments) == 2 else Path(__file__).parent.parent / "kb"
    countries = collect(data)
    for code, profile in sorted(countries.items()):
        path = kb / "cultures" / f"{code.lower()}.yaml"
        merge_existing(path, profile)
        path.write_text(render(code, profile), encoding="utf-8")
    print(f"wrote {len(countries)} culture profiles to {kb / 'cultures'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
