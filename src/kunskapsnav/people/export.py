"""A person's own data, as one JSON document they can download: what the registry holds
about them, their seats, nominations, declarations with assessments, and their place in the
pool with assignments and claims."""

from django.core.serializers.json import DjangoJSONEncoder
import json

from kunskapsnav.organisation.models import Person

from .models import CompensationClaim, Representative


def _date(value):
    return value.isoformat() if value else None


def own_data(person: Person) -> dict:
    data = {
        "person": {"given_name": person.given_name, "family_name": person.family_name, "title": person.title,
                   "home_region": person.home_region.name if person.home_region_id else None,
                   "email": person.email},
        "memberships": [
            {"body": m.body.name, "role": m.get_role_display(), "start_date": _date(m.start_date),
             "end_date": _date(m.end_date), "time_share": m.time_share}
            for m in person.memberships.select_related("body")],
        "nominations": [
            {"call": str(n.call), "status": n.get_status_display(), "created_at": n.created_at,
             "motivation": n.motivation,
             "decisions": [{"step": d.get_step_display(), "outcome": d.get_outcome_display(),
                            "decided_at": d.decided_at, "comment": d.comment} for d in n.decisions.all()]}
            for n in person.nominations.select_related("call__body").prefetch_related("decisions")],
        "declarations": [
            {"submitted_at": d.submitted_at, "status": d.get_status_display(),
             "nothing_to_declare": d.nothing_to_declare,
             "interests": [{"category": i.get_category_display(), "organisation": i.organisation,
                            "description": i.description, "start_date": _date(i.start_date),
                            "end_date": _date(i.end_date), "amount": i.amount} for i in d.interests.all()],
             "assessment": d.get_assessment_display() if d.assessment else None, "reasoning": d.reasoning,
             "measures": d.measures, "valid_until": _date(d.valid_until)}
            for d in person.declarations.prefetch_related("interests")],
        "representative": None,
    }
    rep = Representative.objects.filter(person=person).first()
    if rep is not None:
        claims = CompensationClaim.objects.filter(assignment__representative=rep).select_related("assignment")
        data["representative"] = {
            "region": rep.region.name, "kind": rep.get_kind_display(), "organisation": rep.organisation,
            "experience_areas": rep.areas, "availability": rep.availability, "phone": rep.phone,
            "payee_reference": rep.payee_reference, "consent_on": _date(rep.consent_on),
            "assignments": [{"description": a.description, "kind": a.get_kind_display(),
                             "start_date": _date(a.start_date), "end_date": _date(a.end_date)}
                            for a in rep.assignments.all()],
            "claims": [{"assignment": c.assignment.description, "worked_on": _date(c.worked_on), "hours": c.hours,
                        "status": c.get_status_display(), "fee": c.fee, "travel": c.travel} for c in claims],
        }
    return data


def own_data_json(person: Person) -> str:
    return json.dumps(own_data(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
