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
    """`value` as read from TOML, in the shape of `hint` (tuple[...], list[...], set[...], dict[...] nested; a
    scalar or a union of scalars as read)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(shaped(item, args[0]) for item in value)
        return tuple(shaped(item, arg) for item, arg in zip(value, args, strict=True))
    if origin is list:
        return [shaped(item, args[0]) for item in value]
    if origin is set:
        return {shaped(item, args[0]) for item in value}
    if origin is dict:
        return {shaped(key, args[0]): shaped(item, args[1]) for key, item in value.items()}
    if hint is int and isinstance(value, str):  # a TOML key is text
        return int(value)
    if origin in (None, types.UnionType) and hint is not Any:
        if not isinstance(value, _scalars(hint)):
            raise TypeError(f"demo tables: {value!r} is not {hint}")
    return value


def _scalars(hint: Any) -> tuple[type, ...]:
    kinds = get_args(hint) if get_origin(hint) is types.UnionType else (hint,)
    return tuple(float if kind is float else kind for kind in kinds) + ((int,) if float in kinds else ())
