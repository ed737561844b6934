"""What the forms read of a candidate's record: the newest passed step of a kind, and the introductions."""

from ketnap.pipeline.enums import IntroducerKind


def last_step(candidate, kind: str | None):
    """The newest passed step of this kind (by day, then as recorded), or None."""
    if not kind:
        return None
    return candidate.steps.filter(kind=kind, passed=True).order_by("-on", "-id").first()


def introductions_of(candidate, kind: str):
    """The candidate's introductions of one kind, oldest first (a member introduction needs its introducer)."""
    found = candidate.introductions.filter(kind=kind)
    if kind == IntroducerKind.MEMBER:
        found = found.filter(introducer__isnull=False)
    return found.select_related("introducer", "introducer__work_unit").order_by("introduced_on", "pk")


def member_introductions(candidate):
    """Introductions by an official member: one 3-KNĐ each (and 3A-KNĐ for the first two together). A Youth/Trade
    Union executive introduces by a resolution of the union (4-KNĐ / 4A-KNĐ, rules.md §3)."""
    return introductions_of(candidate, IntroducerKind.MEMBER)
