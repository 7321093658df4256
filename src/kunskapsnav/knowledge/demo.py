"""Demo knowledge supports: the vårdförlopp approved by SKS and a few national vårdprogram,
with their real titles and owning NPOs (shared/reference, regional pages 2020–2022, RCC),
and synthetic recommendation text, marked as demo data on every page.

Created through the domain functions by the demo administrator (a national administrator
may approve on behalf of SKS and the NPOs in the demo). One support gets a second version
so that "what changed" has something to show, one is on remiss, and Region Örebro län has
written a regional addition.
"""

import csv
import datetime
import random
from importlib import resources

from django.db import transaction
from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.organisation.models import Body, BodyKind, Region

from . import additions, content, lifecycle
from .models import (
    CardFeedback,
    CodeSystem,
    Direction,
    KnowledgeSupport,
    OverrideReason,
    SupportType,
    SupportVersion,
    TargetGroup,
    UptakeOutcome,
    VersionStatus,
)
from .uptake import card_uuid

S = VersionStatus

# Synthetic recommendations: (section, text template, priority, strength, direction, ATC codes).
TEMPLATES = [
    ("Utredning", "Personer med misstänkt {condition} bör utredas enligt vårdförloppet inom fyra veckor, "
                  "med strukturerad bedömning av symtom och funktion.", 2, "", Direction.DO, []),
    ("Behandling", "Erbjud personcentrerad behandling av {condition} med en gemensam vårdplan som följs upp "
                   "vid varje besök.", None, "stark", Direction.DO, []),
    ("Behandling", "Ge inte behandling utan dokumenterad effekt vid {condition}; följ upp läkemedelslistan "
                   "regelbundet.", 1, "", Direction.DO_NOT, []),
    ("Uppföljning", "Följ upp personer med {condition} inom tre månader och därefter årligen, med "
                    "patientrapporterade mått.", 4, "", Direction.DO, []),
]
ATC_BY_TITLE = {
    "Stroke och TIA": ["B01AC06"],
    "Hjärtsvikt – nydebuterad": ["C09AA"],
    "Schizofreni": ["N05AH03"],
    "Osteoporos": ["M05BA04"],
    "Reumatoid artrit": ["L04AX03"],
    "KOL": ["R03AL"],
}
REVIEW = datetime.date(2027, 3, 31)


def _rows():
    text = resources.files("kunskapsnav.knowledge").joinpath("data", "demo_supports.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _condition_words(title: str) -> str:
    return title.split(" – ")[0].lower().replace("nationellt vårdprogram ", "")


def _create(admin, row, clinicians) -> KnowledgeSupport:
    npo = Body.objects.get(reference_key=row["owning_npo"])
    support = content.support_create(
        by=admin, type=row["type"], title=row["title"], issuer_body=npo, owning_body=npo,
        target_groups=clinicians, conditions=row["conditions"].split(";"),
        summary=f"Demodata: sammanfattning av {row['title']}. Texten är påhittad.",
        review_date=REVIEW,
    )
    KnowledgeSupport.objects.filter(pk=support.pk).update(is_synthetic=True)
    version = support.versions.get(number=1)
    words = _condition_words(row["title"])
    for index, (section, text, priority, strength, direction, _atc) in enumerate(TEMPLATES):
        codes = [(CodeSystem.ICD10SE, c) for c in row["conditions"].split(";")[:1]]
        if index == 1:
            codes += [(CodeSystem.ATC, c) for c in ATC_BY_TITLE.get(row["title"], [])]
        if index == 0 and row["snomed"]:
            codes.append((CodeSystem.SNOMED, row["snomed"]))
        content.recommendation_create(
            by=admin, version=version, section=section, text=f"<p>{text.format(condition=words)}</p>",
            priority=priority, strength=strength, direction=direction, codes=codes,
        )
    return support


def _publish(admin, version, note=""):
    for to in (S.REMISS, S.APPROVED, S.PUBLISHED):
        lifecycle.version_transition(version=version, to=to, by=admin, note=note if to == S.PUBLISHED else "")


def demo_supports_loaded() -> bool:
    return KnowledgeSupport.objects.filter(is_synthetic=True).exists()


@transaction.atomic
def demo_supports_load() -> bool:
    if demo_supports_loaded():
        return False
    admin = User.objects.get(username="admin")
    clinicians = list(TargetGroup.objects.filter(code__in=["vardpersonal", "verksamhetschefer"]))
    created = {}
    for row in _rows():
        support = _create(admin, row, clinicians)
        created[row["title"]] = support
        if row["status"] == "approved":
            _publish(admin, support.versions.get(number=1))
    _second_version_of_stroke(admin, created["Stroke och TIA"])
    remiss = created["Traumatisk hjärnskada"].versions.get(number=1)
    lifecycle.version_transition(version=remiss, to=S.REMISS, by=admin)
    _orebro_addition(admin, created["Stroke och TIA"])
    _orebro_routine(admin)
    return True


def _second_version_of_stroke(admin, support):
    v2 = content.version_create_next(by=admin, support=support)
    recs = list(v2.recommendations.order_by("position"))
    content.recommendation_update(
        by=admin, recommendation=recs[0],
        text="<p>Personer med misstänkt stroke eller TIA ska utredas akut, med datortomografi inom en timme "
             "från ankomst.</p>",
        priority=1,
    )
    content.recommendation_delete(by=admin, recommendation=recs[3])
    content.recommendation_create(
        by=admin, version=v2, section="Rehabilitering",
        text="<p>Erbjud tidig understödd utskrivning med rehabilitering i hemmet (demodata).</p>", priority=3,
        codes=[(CodeSystem.ICD10SE, "I63")],
    )
    content.version_update(by=admin, version=v2, review_date=datetime.date(2028, 12, 31),
                           change_note="Skärpt tid till datortomografi; ny rekommendation om tidig utskrivning.")
    _publish(admin, v2, note="Version 2 ersätter version 1.")


def _orebro_addition(admin, support):
    orebro = Region.objects.get(county_code="18")
    rec = support.versions.get(status=S.PUBLISHED).recommendations.order_by("position").first()
    additions.addition_save(
        by=admin, recommendation=rec, region=orebro,
        text="<p>I Region Örebro län remitteras patienten till strokeenheten vid Universitetssjukhuset Örebro; "
             "kontakta strokejouren dygnet runt (demodata).</p>",
    )


def _orebro_routine(admin):
    orebro = Region.objects.get(county_code="18")
    nervous = Body.objects.get(reference_key="npo-nervsystemets-sjukdomar")
    owner = (
        Body.objects.filter(region=orebro, kind=BodyKind.LPO, mirrors=nervous).first()
        or Body.objects.get(region=orebro, kind=BodyKind.SUPPORT_GROUP)
    )
    support = content.support_create(
        by=admin, type=SupportType.REGIONAL_ROUTINE, title="Regional rutin för remiss till strokeenhet",
        issuer_region=orebro, owning_body=owner, conditions=["I63"],
        summary="Demodata: regional rutin i Region Örebro län.", review_date=REVIEW,
    )
    KnowledgeSupport.objects.filter(pk=support.pk).update(is_synthetic=True)
    content.recommendation_create(
        by=admin, version=support.versions.get(number=1), section="Remiss",
        text="<p>Remiss skickas elektroniskt till strokeenheten samma dag (demodata).</p>", strength="stark",
    )


# Synthetic uptake: four weeks of cards shown and the journals' feedback on the demo supports'
# valid versions, in every region. Most recommendations are followed about three times in
# four; in Region Örebro län the stroke support's do-not recommendation is mostly set aside
# as not applicable, so that the LPO's flag has something to show; a few small regions have
# so few reports that they are suppressed.
UPTAKE_WEEKS = 4
UPTAKE_SMALL_REGIONS = {"09", "23"}  # Gotland, Jämtlands län: a handful of reports a week
FLAGGED_IN = "18"


def _week_counts(rng: random.Random, *, region_code: str, often_overridden: bool) -> dict:
    shown = rng.randint(1, 3) if region_code in UPTAKE_SMALL_REGIONS else rng.randint(40, 160)
    reports = max(0, round(shown * rng.uniform(0.25, 0.4))) if region_code not in UPTAKE_SMALL_REGIONS else 1
    overridden = round(reports * (rng.uniform(0.6, 0.8) if often_overridden else rng.uniform(0.15, 0.35)))
    reasons = ([OverrideReason.NOT_APPLICABLE] * 6 + [OverrideReason.PATIENT_DECLINES] * 2
               + [OverrideReason.CONTRAINDICATED, OverrideReason.OTHER])
    by_reason: dict[str, int] = {}
    for _ in range(overridden):
        reason = OverrideReason.NOT_APPLICABLE if often_overridden else rng.choice(reasons)
        by_reason[reason] = by_reason.get(reason, 0) + 1
    return {"shown": shown, "accepted": reports - overridden, "by_reason": by_reason}


@transaction.atomic
def demo_uptake_load(*, today: datetime.date | None = None) -> bool:
    """Load the synthetic uptake once (nothing if the demo supports' cards have counts)."""
    versions = list(SupportVersion.objects.filter(support__is_synthetic=True, status=S.PUBLISHED)
                    .prefetch_related("recommendations").order_by("support__title"))
    recommendations = [(v, r) for v in versions for r in v.recommendations.order_by("position")]
    cards = {r.pk: card_uuid(key=r.key, version_number=v.number) for v, r in recommendations}
    if not cards or CardFeedback.objects.filter(card__in=cards.values()).exists():
        return False
    today = today or timezone.localdate()
    rng = random.Random(15)
    flagged = next((r.pk for v, r in recommendations
                    if v.support.title == "Stroke och TIA" and r.direction == Direction.DO_NOT), None)
    rows = []
    for code in Region.objects.order_by("county_code").values_list("county_code", flat=True):
        for version, rec in recommendations:
            for week in range(UPTAKE_WEEKS):
                day = today - datetime.timedelta(days=7 * week)
                counts = _week_counts(rng, region_code=code, often_overridden=code == FLAGGED_IN and rec.pk == flagged)
                cell = {"card": cards[rec.pk], "region_code": code, "day": day}
                rows.append(CardFeedback(**cell, outcome=UptakeOutcome.SHOWN, count=counts["shown"]))
                if counts["accepted"]:
                    rows.append(CardFeedback(**cell, outcome=UptakeOutcome.ACCEPTED, count=counts["accepted"]))
                rows.extend(CardFeedback(**cell, outcome=UptakeOutcome.OVERRIDDEN, override_reason=reason, count=n)
                            for reason, n in counts["by_reason"].items())
    CardFeedback.objects.bulk_create(rows, batch_size=1000)
    return True
