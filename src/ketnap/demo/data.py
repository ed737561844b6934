"""Constants for the deterministic demo-data generator, read from tables/data.toml.

Pure data, no logic. All strings are UTF-8, NFC-normalised Vietnamese.
Weights are relative (they need not sum to 100).

Sources / assumptions:
- FAMILY_NAMES: approximate national shares of Vietnamese family names as
  commonly cited (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, ...); the rarer ones
  are rough guesses. Not an official statistic.
- Departments and provincial units are realistic but generic demo data for a
  Quảng Ninh-like province; staff/member counts are invented so that they add
  up to the seed story's totals (8000 staff, 3162 members, 11 units directly
  under the Health Department's party committee in 2023 with 398 members).
"""

from ketnap.demo.tables import Tables

_TABLE = Tables("data.toml")
PROVINCE = _TABLE.get("PROVINCE", str)
FAMILY_NAMES = _TABLE.get("FAMILY_NAMES", list[tuple[str, float]])
MIDDLE_NAMES_MALE = _TABLE.get("MIDDLE_NAMES_MALE", list[tuple[str, float]])
MIDDLE_NAMES_FEMALE = _TABLE.get("MIDDLE_NAMES_FEMALE", list[tuple[str, float]])
GIVEN_NAMES_MALE = _TABLE.get("GIVEN_NAMES_MALE", list[str])
GIVEN_NAMES_FEMALE = _TABLE.get("GIVEN_NAMES_FEMALE", list[str])
HOSPITAL_DEPARTMENTS = _TABLE.get("HOSPITAL_DEPARTMENTS", list[tuple[str, str, str]])
HEALTH_CENTRE_DEPARTMENTS = _TABLE.get("HEALTH_CENTRE_DEPARTMENTS", list[tuple[str, str, str]])
PROVINCIAL_UNITS = _TABLE.get("PROVINCIAL_UNITS", list[dict[str, str | bool | int]])
