"""A demo remiss: Traumatisk hjärnskada (on remiss in the knowledge demo) sent to every region
and one patient organisation, open from ten days ago for another 25 days. Region Uppsala
has answered; Region Örebro län has given it to an LPO, whose chair and member have
commented. Texts are synthetic and say so.

Created through the domain functions, by the demo accounts that would do it."""

import datetime

from django.db import transaction
from django.utils import timezone

from kunskapsnav.accounts.models import User
from kunskapsnav.knowledge.models import KnowledgeSupport, VersionStatus
from kunskapsnav.organisation.models import Body, BodyKind, Region

from . import answers
from .models import CommentKind, ConsultationRound
from .rounds import round_open

SUPPORT = "Traumatisk hjärnskada"


def demo_remiss_loaded() -> bool:
    return ConsultationRound.objects.exists()


@transaction.atomic
def demo_remiss_load() -> bool:
    if demo_remiss_loaded():
        return False
    version = KnowledgeSupport.objects.get(title=SUPPORT).versions.get(status=VersionStatus.REMISS)
    today = timezone.localdate()
    round_ = round_open(
        by=User.objects.get(username="admin"), version=version, opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=25), organisations=["Patientförening för hjärnskadade (demodata)"],
        instructions="Svara gärna per rekommendation. Ange om synpunkten är saklig eller redaktionell (demodata).",
    )
    recs = list(version.recommendations.order_by("position"))
    _orebro(round_, recs, today)
    _uppsala(round_, recs)
    return True


def _orebro(round_, recs, today):
    invitation = round_.invitations.get(region__county_code="18")
    coordinator = User.objects.get(username="samordnare-orebro")
    lpo = Body.objects.filter(region__county_code="18", kind=BodyKind.LPO).order_by("name").first()
    answers.assignment_add(by=coordinator, invitation=invitation, body=lpo, due_on=today + datetime.timedelta(days=15),
                           note="Samla LPO:ts synpunkter (demodata).")
    answers.comment_add(by=User.objects.get(username="ordforande"), invitation=invitation, recommendation=recs[0],
                        text="Fyra veckor är för lång tid för utredning efter en hjärnskada (demodata).",
                        proposed_text="inom två veckor")
    answers.comment_add(by=User.objects.get(username="ledamot"), invitation=invitation, recommendation=recs[3],
                        kind=CommentKind.EDITORIAL, text="Skriv ut vilka patientrapporterade mått som avses (demodata).")


def _uppsala(round_, recs):
    invitation = round_.invitations.get(region=Region.objects.get(county_code="03"))
    coordinator = User.objects.get(username="samordnare-uppsala")
    first = answers.comment_add(by=coordinator, invitation=invitation, recommendation=recs[1],
                                text="Vårdplanen behöver omfatta kommunens insatser (demodata).")
    second = answers.comment_add(by=coordinator, invitation=invitation,
                                 text="Region Uppsala ställer sig bakom vårdförloppet i stort (demodata).")
    answers.answer_compose(
        by=coordinator, invitation=invitation, summary=second.text,
        signed_by="Hälso- och sjukvårdsdirektör, Region Uppsala (demodata)",
        items=[{"text": first.text, "recommendation": recs[1], "from_comments": [first]}],
    )
    answers.answer_submit(by=coordinator, invitation=invitation)
