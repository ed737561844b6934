"""Official code lists (ethnicity, religion, levels …) shipped as data in registry/data/codelists.json.

A new version of the file is loaded by a new data migration calling load(); entries that vanished are
deactivated, never deleted, so old records keep their codes.
"""

import json
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "codelists.json"


def read() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def load(code_item_model, data: dict | None = None) -> int:
    """Upsert the lists of `data` (default: the shipped file) into CodeItem; returns the entries seen."""
    data = data or read()
    seen = 0
    for kind, block in data["lists"].items():
        codes = []
        for position, item in enumerate(block["items"]):
            code_item_model.objects.update_or_create(
                kind=kind,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "position": position,
                    "stat_group": item.get("stat_group", ""),
                    "list_version": data["version"],
                    "active": True,
                },
            )
            codes.append(item["code"])
            seen += 1
        code_item_model.objects.filter(kind=kind).exclude(code__in=codes).update(active=False)
    return seen
