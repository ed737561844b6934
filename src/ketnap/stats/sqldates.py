"""Dates inside aggregate queries, the same on SQLite and PostgreSQL: a date's year and its "MM-DD", a person's age on
a day (a fixed day or a date column), and the latest birth date of the people at least N years old on a day.

Django's Extract functions run a Python function per row on SQLite; these use the databases' own (substr over SQLite's
ISO date text, EXTRACT, to_char), so that counting tens of thousands of people by age stays in the database.
"""

import datetime as dt

from django.db.models import Case, F, Func, IntegerField, TextField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.lookups import GreaterThan


class Year(Func):
    """The year of a date, as an integer."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(SUBSTR(%(expressions)s, 1, 4) AS INTEGER)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)")


class MonthDay(Func):
    """A date's month and day as text, "MM-DD": compared as text, it orders the days of a year."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps a date as "YYYY-MM-DD" text: cutting it is ~3× cheaper than STRFTIME (biểu 2/3, 30,000 rows)
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 6, 5)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="TO_CHAR(%(expressions)s, 'MM-DD')")


def _date(value: dt.date | str | Combinable):
    return F(value) if isinstance(value, str) else value


def age(birth: str, on: dt.date | str) -> Combinable:
    """Age in whole years on `on` (a day, or the lookup of a date column), as stats.bieu.age_on counts it: the year
    difference, less one before the birthday."""
    if isinstance(on, dt.date):
        year, month_day = Value(on.year), Value(f"{on:%m-%d}", output_field=TextField())
    else:
        year, month_day = Year(_date(on)), MonthDay(_date(on))
    before_birthday = Case(
        When(GreaterThan(MonthDay(F(birth)), month_day), then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return year - Year(F(birth)) - before_birthday


def born_by(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone at least `years` old on `day` (stats.bieu.age_on): age_on(b, day) >= years
    exactly when b <= born_by(day, years). Born on 29/02 of a leap year: the cut falls on 28/02 in other years."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02 in a year without it
        return day.replace(year=day.year - years, day=28)


class DayNumber(Func):
    """A date as its day number, the same as Python's date.toordinal(): day differences become integer arithmetic."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() of a date is n + 0.5 exactly: the difference is a whole number
        return self.as_sql(compiler, connection, template="CAST(JULIANDAY(%(expressions)s) - 1721424.5 AS INTEGER)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((%(expressions)s) - DATE '0001-01-01' + 1)")
