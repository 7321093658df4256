"""Decisions on candidates: not a conflict, align, merge, withdraw one, refer to SKS or to
the agency, each with a reason. TRANSITIONS is the one table of what may follow what; each
decision is a row (who, when, outcome, reason), the candidate's history of decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions
from .models import Candidate, CandidateStatus, Decision, ConflictOutcome

S, O = CandidateStatus, ConflictOutcome
ALL_OUTCOMES = frozenset(O.values)

# from status → the outcomes a decision may have there
TRANSITIONS: dict[str, frozenset] = {
    S.OPEN: ALL_OUTCOMES,
    # SKS decides what was referred to it; it cannot refer it to itself again.
    S.REFERRED_SKS: ALL_OUTCOMES - {O.REFER_SKS},
    S.DECIDED: frozenset(),
    S.OUTDATED: frozenset(),
}

REASON_MAX = 4000


def status_after(outcome: str) -> str:
    return S.REFERRED_SKS if outcome == O.REFER_SKS else S.DECIDED


def allowed_outcomes(user, candidate: Candidate) -> list[str]:
    """The outcomes this user may decide now, for the form."""
    if not permissions.can_decide(user, candidate):
        return []
    return [o for o in O.values if o in TRANSITIONS[candidate.status]]


def _check(candidate: Candidate, *, outcome: str, reason: str, by):
    if not permissions.can_decide(by, candidate):
        raise PermissionDenied(_("Bara det ägande organets redaktörer eller SKS får besluta om kandidaten."))
    if outcome not in TRANSITIONS[candidate.status]:
        raise ValidationError({"outcome": [
            _("Kandidaten har status %(status)s och kan inte få beslutet %(outcome)s.")
            % {"status": CandidateStatus(candidate.status).label.lower(),
               "outcome": ConflictOutcome(outcome).label.lower() if outcome in O.values else outcome}
        ]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Skriv en motivering till beslutet.")]})
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise ValidationError({"reason": [_("Motiveringen får vara högst 4 000 tecken utan nolltecken.")]})


def _write(candidate: Candidate, *, outcome: str, reason: str, is_public: bool, by) -> Decision:
    decision = Decision.objects.create(candidate=candidate, outcome=outcome, reason=reason.strip(),
                                       is_public=is_public and outcome != O.REFER_SKS, by=by)
    candidate.status = status_after(outcome)
    candidate._history_user = by
    candidate.save(update_fields=["status", "updated_at"])
    return decision


@transaction.atomic
def candidate_decide(*, candidate: Candidate, outcome: str, reason: str, is_public: bool = False, by) -> Decision:
    # Lock the candidate: two reviewers deciding at once take turns, the second sees the first.
    candidate = Candidate.objects.select_for_update().select_related("body_a", "body_b").get(pk=candidate.pk)
    _check(candidate, outcome=outcome, reason=reason or "", by=by)
    return _write(candidate, outcome=outcome, reason=reason, is_public=is_public, by=by)
