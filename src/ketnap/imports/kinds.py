"""The kinds of file ketnap imports, with the importer and the report of each, for the command line and the
web's background jobs alike (one place, so both always offer the same kinds)."""

from pathlib import Path

from ketnap.imports.candidates import CandidateImporter, CandidateReport
from ketnap.imports.engine import Importer, Options, Report
from ketnap.imports.members import MemberImporter
from ketnap.imports.models import RosterKind
from ketnap.imports.organizations import OrganizationImporter, OrganizationReport

# rosters of people: columns recognised by heading, values matched against catalogues, mappings saved
ROSTERS = {RosterKind.STAFF: Importer, RosterKind.MEMBERS: MemberImporter}
REPORTS = {
    RosterKind.STAFF: Report,
    RosterKind.MEMBERS: Report,
    RosterKind.CANDIDATES: CandidateReport,
    RosterKind.ORGANIZATIONS: OrganizationReport,
}
# the command line's words for them
COMMAND_NAMES = {
    "staff": RosterKind.STAFF,
    "members": RosterKind.MEMBERS,
    "candidates": RosterKind.CANDIDATES,
    "organizations": RosterKind.ORGANIZATIONS,
}


def make_importer(kind: str, org, path: Path, *, options: Options | None = None, **kwargs):
    """The importer of `kind` for a file, `org` being the organisation it goes into (for a tree: the one it
    must stay within, None for the server's administrator on the command line)."""
    options = options or Options()
    if kind in ROSTERS:
        return ROSTERS[kind](org, path, options=options, **kwargs)
    kwargs.pop("saved_mapping", None)
    if kind == RosterKind.CANDIDATES:
        return CandidateImporter(org, path, reason=options.reason, **kwargs)
    if kind == RosterKind.ORGANIZATIONS:
        return OrganizationImporter(path, within=org, **kwargs)
    raise KeyError(kind)


def report_from_json(kind: str, data: dict):
    return REPORTS[kind].from_json(data)
