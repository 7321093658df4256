"""Readable change history from django-simple-history records: who, when, what changed,
with the values before and after."""

from dataclasses import dataclass, field
from itertools import chain

from django.db import models
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("Skapad"), "~": _("Ändrad"), "-": _("Borttagen")}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    subject: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model, field_name: str, value) -> str:
    if value in (None, ""):
        return "–"
    model_field = model._meta.get_field(field_name)
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("Ja") if value else _("Nej"))
    return str(value)


def _entries(records, subject, hidden_fields, authors) -> list[HistoryEntry]:
    entries = []
    previous_by_object = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        model = record.instance_type
        object_id = getattr(record, model._meta.pk.attname)
        previous = previous_by_object.get(object_id)
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden_fields:
                    continue
                changes.append(
                    FieldChange(
                        label=str(model._meta.get_field(change.field).verbose_name),
                        old=_display(model, change.field, change.old),
                        new=_display(model, change.field, change.new),
                    )
                )
        previous_by_object[object_id] = record
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user if authors else None,
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                subject=subject(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def history_of(*querysets, subject=str, hidden_fields=frozenset(), authors: bool = True) -> list[HistoryEntry]:
    """Newest first. `subject` names the object each record is about (its str by default);
    changes to `hidden_fields` (personal data the reader may not see) are left out, and so is
    who made each change unless `authors` (a username is personal data too)."""
    records = list(chain.from_iterable(qs.select_related("history_user") for qs in querysets))
    return sorted(_entries(records, subject, hidden_fields, authors), key=lambda e: e.when, reverse=True)
