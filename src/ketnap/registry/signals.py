"""Signals the registry sends so that layers above it (the pipeline) can follow, without the registry importing
them."""

from django.dispatch import Signal

# Sent when an organisation ends in a merge or a split, after its members and units moved.
# Arguments: predecessor (Organization), successors (list[Organization]), on (date).
organization_succeeded = Signal()

# Sent when a person's responsible organisation may have changed: another work unit, or a membership moved to
# another chi bộ. Arguments: person (Person), on (date).
person_moved = Signal()

# Sent when what ketnap.registry.indicators counts per organisation (staff, members) may have changed: the
# organisations' own counts today and, from the day given, on every later day. Argument: changes
# ({organization id: day | None}; None = today's counts only). ketnap.registry.counted builds and sends it.
counts_changed = Signal()

# Sent after a bulk edit of people's or memberships' recorded fields (a bulk_update or a queryset update sends no
# post_save), so that counts kept from those fields are known to be out of date. Argument: person_ids (list[int]).
people_edited = Signal()
