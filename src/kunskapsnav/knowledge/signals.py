"""What the knowledge app tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the publishing transaction, after the version is published and the one it
# replaces (if any) is superseded: version, replaced (the previous valid version or None), by.
version_published = Signal()

# Sent inside the transaction that writes, changes or removes a region's addition (regionalt
# tillägg): support_id (the support the addition's recommendation belongs to), by.
addition_changed = Signal()
