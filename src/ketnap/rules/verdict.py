"""What a rule says about a case: findings, each with a Vietnamese reason and the legal source behind it."""

from dataclasses import dataclass, field
from enum import StrEnum


class Confidence(StrEnum):
    """How sure we are of the source (shared/domain/rules.md legend)."""

    CONFIRMED = "C"  # read in the document or its predecessor whose wording it keeps
    SECONDARY = "S"  # a law portal, quiz bank or local guide quoting it
    UNCONFIRMED = "U"  # inferred; needs checking against the paper text, configurable


@dataclass(frozen=True)
class Source:
    document: str  # e.g. "QĐ 294-QĐ/TW"
    clause: str = ""  # e.g. "Điều 1, điểm 1.1.1"
    confidence: Confidence = Confidence.CONFIRMED

    def __str__(self) -> str:
        return f"{self.document}, {self.clause}" if self.clause else self.document


class Severity(StrEnum):
    OK = "ok"  # the condition is met (kept so the interface can list what was checked)
    NOTICE = "notice"  # met, but a human should look (e.g. within a month of an age bound)
    CONSENT = "consent"  # allowed only with the written consent of a higher committee
    BLOCK = "block"  # not allowed: the step cannot be recorded


@dataclass(frozen=True)
class Finding:
    code: str  # stable key, e.g. "age.under_18"
    severity: Severity
    message: str  # Vietnamese, for the user
    source: Source


@dataclass(frozen=True)
class Verdict:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> bool:
        """No blocking finding (consent findings need the consent recorded, see needs_consent)."""
        return not any(f.severity == Severity.BLOCK for f in self.findings)

    @property
    def needs_consent(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.CONSENT)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.BLOCK)

    def __add__(self, other: "Verdict") -> "Verdict":
        return Verdict(self.findings + other.findings)

    @classmethod
    def of(cls, *findings: Finding) -> "Verdict":
        return cls(tuple(findings))
