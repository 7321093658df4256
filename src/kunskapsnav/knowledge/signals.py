"""What the knowledge app tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the publishing transaction, after the version is published and the one it
# replaces (if any) is superseded: version, replaced (the previous valid version or None), by.
version_published = Signal()
