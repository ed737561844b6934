"""{% candidate_documents candidate as docs %}: the forms the candidate page offers (no change to its view)."""

from django import template

from ketnap.documents.forms import blanks_for, generated_for

register = template.Library()


@register.simple_tag
def candidate_documents(candidate) -> dict:
    return {"generated": generated_for(candidate), "blanks": blanks_for(candidate)}
