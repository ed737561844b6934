"""Finding people by name, CCCD or staff code: the one search behind the header's box, the person lists, the board,
the Nhật ký page, the API and the importers (Person.objects.search is this module's `matching`).

What finds whom, the same on SQLite and PostgreSQL:
- Both sides are cut into words the same way (vietnamese.words): folded (no tones, no marks, đ → d, lower case), split
  at anything that is not a letter or a digit. Person.search_text keeps the person's words, one space apart: the full
  name, the CCCD and the staff code ("bvdk t 0001").
- Every word typed must be the beginning of some word of the person, in any order: "ngu van" and "van nguyen" find
  Nguyễn Văn An; "an" finds An and Anh but not Lan, Loan or Hoàn. People type the beginning of a name, and names
  are short: nearly every Vietnamese name holds "an", "nh" or "ng" somewhere inside, so matching inside words would
  answer a short query with most of the register; beginnings keep a name found as soon as it is typed ("nguyen th"
  already narrows to Nguyễn Thị/Thanh/Thu…). A 12-digit CCCD finds its one person (the header's box then opens
  their page); its first digits find those it begins with.
- A query with no letter or digit finds nobody; at most MAX_WORDS words are read.

How, and why two ways:
- SQLite: an FTS5 table (TABLE) over search_text, kept by triggers on registry_person (every write: save, bulk_create,
  bulk_update, a queryset update as the purge does, raw SQL), created by migration 0010 and checked after every
  migrate (ensure_index: a later migration that rebuilds registry_person on SQLite drops its triggers).
  Its answer is every match in the whole register, intersected with the scope: that costs the matches of the whole
  database, fine for a province but not what a chi bộ of 80 people should pay. So a scope that is small (fewer than
  NARROW_FIRST_BELOW rows, which one bounded query tells) is read directly and its rows are checked word by word
  instead: the chi bộ pays for its own rows only, at scale 1 as at scale 50.
- PostgreSQL: the same word-beginning test as a pattern (search_text ~ '(^| )w'), which a GIN trigram index
  (pg_trgm, migration 0010) answers; the planner, with statistics, picks it or the scope's own index.
  Without the extension (not installable on that server) the same query scans: slower, same answers.
"""

import contextlib
import functools
import sqlite3

from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from ketnap import vietnamese

MAX_WORDS = 8
NARROW_FIRST_BELOW = 5000  # rows of a scope tested word by word cost less than one FTS5 query at scale 10

TABLE = "registry_person_search"
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(search_text, content='registry_person', "
    # the text is folded already (đ → d, which FTS5's own diacritics folding does not do); detail=none: the index
    # keeps which rows hold a word, not where, all that a test of word beginnings needs
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', detail='none')"
)
TRIGGERS = {
    f"{TABLE}_insert": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON registry_person BEGIN
        INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"{TABLE}_delete": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON registry_person BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    f"{TABLE}_update": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF search_text ON registry_person
    WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
}
TRIGRAM_INDEX = "registry_person_search_trgm"


def query_words(text: str) -> list[str]:
    """The distinct words typed, folded, in the order typed (at most MAX_WORDS)."""
    return list(dict.fromkeys(vietnamese.words(text)))[:MAX_WORDS]


def indexed_text(*parts: str) -> str:
    """What Person.search_text holds: the words of the parts, one space apart."""
    return " ".join(vietnamese.words(" ".join(part or "" for part in parts)))


def matching(queryset, text: str, *, person: str = ""):
    """`queryset` narrowed to the people `text` finds (the module docstring says which). `person` names the foreign
    key to the person when the rows are something else ("person" for candidates); the scope stays the queryset's."""
    typed = query_words(text)
    if not typed:
        return queryset.none()
    prefix = f"{person}__" if person else ""
    if _full_text_index(queryset.db) and not _small(queryset):
        match = " ".join(f'"{word}"*' for word in typed)  # words hold letters and digits only: nothing to escape
        rows = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", (match,))
        return queryset.filter(**{f"{prefix}pk__in": rows})
    condition = Q()
    for word in typed:  # the first word, or a word after a space
        if connections[queryset.db].vendor == "postgresql":
            # one pattern the trigram index answers once (the two LIKEs below read the same index entries twice):
            # "nguyen van an" at scale 50, 59 → 13 ms; words hold letters and digits only, nothing to escape
            condition &= Q(**{f"{prefix}search_text__regex": f"(^| ){word}"})
        else:
            begins, within = f"{prefix}search_text__startswith", f"{prefix}search_text__contains"
            condition &= Q(**{begins: word}) | Q(**{within: f" {word}"})
    return queryset.filter(condition)


def _small(queryset) -> bool:
    """Fewer than NARROW_FIRST_BELOW rows: one query that stops at that many."""
    return not queryset.order_by().values("pk")[NARROW_FIRST_BELOW : NARROW_FIRST_BELOW + 1]


def _full_text_index(alias: str) -> bool:
    """SQLite with FTS5: the table is there, as every migrate makes sure (ensure_index). Asked of the library, not
    of the database, so that a search costs the same queries in every request."""
    return connections[alias].vendor == "sqlite" and _sqlite_has_fts5()


@functools.cache
def _sqlite_has_fts5() -> bool:
    with contextlib.closing(sqlite3.connect(":memory:")) as memory:
        try:
            memory.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
        except sqlite3.OperationalError:
            return False  # searches test every row of the scope word by word
    return True


def ensure_index(alias: str = "default") -> bool:
    """On SQLite: the FTS5 table and its triggers, created (and the table filled) when any is missing. Returns whether
    the index is there; False on PostgreSQL (its trigram index is the migration's) or an SQLite built without FTS5."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            [TABLE, *TRIGGERS],
        )
        if len(cursor.fetchall()) == 1 + len(TRIGGERS):
            return True
        try:
            with transaction.atomic(using=alias):
                cursor.execute(CREATE_TABLE)
        except DatabaseError:  # "no such module: fts5"
            return False
        for statement in TRIGGERS.values():
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")  # from registry_person as it is now
    return True


def compact_index(alias: str = "default") -> None:
    """Merge the FTS5 index into one piece: words it only marked as deleted (a purged person's former name and CCCD,
    registry.services.retention) leave the database file's index pages. SQLite only; under a second at scale 10."""
    if connections[alias].vendor == "sqlite" and _sqlite_has_fts5():
        with connections[alias].cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


def drop_index(alias: str = "default") -> None:
    """Undo ensure_index (migration 0010 backwards)."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def index_is_consistent(alias: str = "default") -> bool:
    """FTS5's own check of the index against registry_person (tests and `ketnap check` material)."""
    with connections[alias].cursor() as cursor:
        try:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)")
        except DatabaseError:
            return False
    return True
