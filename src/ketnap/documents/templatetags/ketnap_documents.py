"""{% candidate_documents candidate as docs %}: the forms the candidate page offers (no change to its view)."""

from django import template

from ketnap.documents.forms import blanks_for, offers_for

register = template.Library()


@register.simple_tag
def candidate_documents(candidate) -> dict:
    """`generated`: one Offer per document (3-KNĐ: one per member introducer, with its ?gioi-thieu= query)."""
    return {"generated": offers_for(candidate), "blanks": blanks_for(candidate)}
