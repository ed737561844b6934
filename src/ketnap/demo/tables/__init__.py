"""The demo's data tables (names, units, departments, staffing mixes), kept as TOML files beside this module and
read once into the Python shapes their users expect: TOML has arrays only, so the type hint given says where an
array is a tuple or a set (a tuple of departments is compared and unpacked, a set of codes is tested for membership).
"""

import tomllib
import types
from pathlib import Path
from typing import Any, get_args, get_origin


class Tables:
    """One TOML file of tables."""

    def __init__(self, name: str):
        self.name = name
        self._data = tomllib.loads(Path(__file__).with_name(name).read_text(encoding="utf-8"))
        self._read: set[str] = set()

    def get(self, key: str, hint: Any) -> Any:
        self._read.add(key)
        return shaped(self._data[key], hint)

    def unread(self) -> set[str]:
        """The tables of the file no module reads (data left behind)."""
        return set(self._data) - self._read


def shaped(value: Any, hint: Any) -> Any:
    """`value` as read from TOML, in the shape of `hint` (tuple[...], list[...], set[...], dict[...] nested, down to
    scalars or unions of scalars)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is dict:
        return {shaped(key, args[0]): shaped(item, args[1]) for key, item in value.items()}
    if origin in (list, set):
        return origin(shaped(item, args[0]) for item in value)
    if origin is tuple:
        hints = [args[0]] * len(value) if args[-1] is Ellipsis else args
        return tuple(shaped(item, arg) for item, arg in zip(value, hints, strict=True))
    return _scalar(value, hint)


def _scalar(value: Any, hint: Any) -> Any:
    if hint is int and isinstance(value, str):  # a TOML key is text
        return int(value)
    kinds = get_args(hint) if get_origin(hint) is types.UnionType else (hint,)
    if not isinstance(value, (*kinds, int) if float in kinds else kinds):  # a weight typed 2 for 2.0
        raise TypeError(f"demo tables: {value!r} is not {hint}")
    return value
