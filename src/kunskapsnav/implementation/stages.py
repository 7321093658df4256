"""The stages of an adoption: kartläggning → beslut → implementering → uppföljning →
avslutad, or ej aktuell with a reason. TRANSITIONS is the one table of allowed moves; each
move names what must be in place first, and writes a StageTransition row (the history the
progress chart is drawn from)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _, gettext_lazy

from . import permissions
from .adoptions import responsibilities
from .models import Adoption, Gap, DecisionOutcome, Stage, StageTransition

S = Stage

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.MAPPING: (S.DECISION, S.NOT_RELEVANT),
    S.DECISION: (S.IMPLEMENTATION, S.MAPPING, S.NOT_RELEVANT),
    S.IMPLEMENTATION: (S.FOLLOW_UP, S.DECISION),
    S.FOLLOW_UP: (S.CLOSED, S.IMPLEMENTATION),
    S.CLOSED: (S.FOLLOW_UP,),
    S.NOT_RELEVANT: (S.MAPPING,),
}

ACTION_LABELS = {
    S.MAPPING: gettext_lazy("Tillbaka till kartläggning"),
    S.DECISION: gettext_lazy("Till beslut"),
    S.IMPLEMENTATION: gettext_lazy("Beslutat: börja implementera"),
    S.FOLLOW_UP: gettext_lazy("Implementerat: följ upp"),
    S.CLOSED: gettext_lazy("Avsluta"),
    S.NOT_RELEVANT: gettext_lazy("Ej aktuellt för regionen"),
}


def allowed_moves(user, adoption: Adoption, responsibility) -> list[str]:
    return [to for to in TRANSITIONS[adoption.stage] if permissions.can_move(user, adoption, to, responsibility)]


def _not_ready(adoption: Adoption, to: str, reason: str) -> str | None:
    """Why the adoption cannot move yet, or None."""
    if to == S.DECISION and adoption.stage == S.MAPPING:
        missing = adoption.gap_rows.filter(gap="").count()
        if missing:
            return _("%(n)s rekommendationer saknar bedömning av gapet. Bedöm varje rad i kartläggningen först.") % {
                "n": missing}
        unbudgeted = adoption.gap_rows.filter(gap__in=[Gap.SMALL, Gap.LARGE], within_unit_budget__isnull=True).count()
        if unbudgeted:
            return _("%(n)s rader med gap saknar svar på om förändringen ryms i enheternas budget. Det avgör vem "
                     "som beslutar.") % {"n": unbudgeted}
    if to == S.IMPLEMENTATION and adoption.stage == S.DECISION:
        if not adoption.decisions.filter(outcome__in=[DecisionOutcome.APPROVED, DecisionOutcome.PARTLY]).exists():
            return _("Registrera ett beslut om bifall eller delvis bifall först.")
    if to == S.FOLLOW_UP and adoption.stage == S.IMPLEMENTATION and not adoption.measures.exists():
        return _("Ange minst en indikator eller ett effektmål att följa upp först.")
    if to == S.CLOSED and not adoption.reviews.exists():
        return _("Registrera minst en avstämning innan införandet avslutas.")
    if to == S.NOT_RELEVANT and not reason.strip():
        return _("Ange varför kunskapsstödet inte är aktuellt för regionen.")
    return None


@transaction.atomic
def adoption_move(*, by, adoption: Adoption, to: str, note: str = "") -> Adoption:
    adoption = Adoption.objects.select_for_update(of=("self",)).select_related("support__owning_body__mirrors", "region").get(
        pk=adoption.pk)
    if to not in TRANSITIONS[adoption.stage]:
        raise ValidationError(_("Införandet kan inte gå från %(old)s till %(new)s.") % {
            "old": adoption.get_stage_display().lower(), "new": Stage(to).label.lower()})
    responsibility = responsibilities([adoption])[adoption.pk]
    if not permissions.can_move(by, adoption, to, responsibility):
        raise PermissionDenied(_("Du får inte flytta införandet till %(new)s.") % {"new": Stage(to).label.lower()})
    problem = _not_ready(adoption, to, note)
    if problem:
        raise ValidationError(problem)
    old = adoption.stage
    adoption.stage = to
    adoption.not_relevant_reason = note.strip() if to == S.NOT_RELEVANT else ""
    adoption._history_user = by
    adoption.save()
    StageTransition.objects.create(adoption=adoption, old_stage=old, new_stage=to, by=by, note=note.strip()[:500])
    return adoption
