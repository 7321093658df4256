"""Every write view and API endpoint × every role, against a target in Region Örebro län
("own" for the Örebro coordinator, foreign for the Uppsala coordinator) or in a national body.

The test fails when a URL or an API operation exists that this file does not classify: a new
write endpoint cannot be added without stating who may use it.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from django.core.files.uploadedfile import SimpleUploadedFile

from django.utils import timezone

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.coherence.models import Candidate, CandidateKind, DetectionScope
from kunskapsnav.coherence.runs import run_create, run_incremental
from kunskapsnav.consultation import answers, compilation
from kunskapsnav.consultation.rounds import round_open
from kunskapsnav.implementation import stages, work
from kunskapsnav.implementation.models import Adoption, Stage
from kunskapsnav.knowledge import additions, content, interchange, lifecycle
from kunskapsnav.knowledge.models import SupportType
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase, publish
from kunskapsnav.organisation.models import Membership, Role
from kunskapsnav.organisation.tests.personas import make_person
from kunskapsnav.reports import making
from kunskapsnav.reports.models import ReportKind, ReportStatus

INDICATOR_CSV = "indicator;geography;period;stratum;numerator;denominator\nHS-RAS;region:18;2024;alla;40;50\n"

ROLES = [
    "anonymous",
    "outsider",
    "analyst",
    "member",
    "chair",
    "npo_editor",
    "sks_chair",
    "orebro_coordinator",
    "uppsala_coordinator",
    "admin",
]

# Pages that only read. Each must refuse POST.
READ_ONLY = {
    "home",
    "healthz",
    "organisation:body_list",
    "organisation:body_list_csv",
    "organisation:body_detail",
    "organisation:person_detail",
    "organisation:region_list",
    "organisation:region_detail",
    "organisation:region_coverage_csv",
    "organisation:coverage_matrix",
    "organisation:coverage_matrix_csv",
    "organisation:healthcare_region_detail",
    "knowledge:support_list",
    "knowledge:search",
    "knowledge:review_due",
    "knowledge:support_detail",
    "knowledge:version_detail",
    "knowledge:version_diff",
    "knowledge:support_export",
    "knowledge:attachment_download",
    "knowledge:npo_feed",
    "knowledge:type_feed",
    "consultation:round_list",
    "consultation:round_detail",
    "consultation:invitation_detail",
    "consultation:compilation",
    "consultation:compilation_export",
    "implementation:overview",
    "implementation:matrix",
    "implementation:matrix_csv",
    "implementation:region",
    "implementation:body",
    "implementation:support_progress",
    "implementation:adoption_detail",
    "implementation:decision_attachment",
    "indicators:indicator_list",
    "indicators:indicator_detail",
    "indicators:values_csv",
    "indicators:run_list",
    "indicators:run_detail",
    "indicators:indicator_analysis",
    "indicators:chart_download",
}
# Writes to the visitor's own session only, no governed data.
SESSION_WRITES = {"accounts:login", "accounts:logout", "set_language"}


@dataclass
class Case:
    label: str
    route: str  # URL name for pages, "METHOD /path" for the API
    allowed: set[str]
    build: str  # name of the method on the test case that returns (method, url, payload)
    api: bool = False
    roles: list[str] = field(default_factory=lambda: ROLES)


CASES = [
    Case("create LPO in Örebro", "organisation:body_create", {"admin", "orebro_coordinator"}, "page_body_create_local"),
    Case("create national working group", "organisation:body_create", {"admin"}, "page_body_create_national"),
    Case("edit Örebro LPO", "organisation:body_update", {"admin", "orebro_coordinator"}, "page_body_update_local"),
    Case("edit heart NPO", "organisation:body_update", {"admin", "npo_editor"}, "page_body_update_npo"),
    Case("add member to Örebro LPO", "organisation:membership_create", {"admin", "orebro_coordinator"},
         "page_membership_create_local"),
    Case("add member to heart NPO", "organisation:membership_create", {"admin", "npo_editor"},
         "page_membership_create_npo"),
    Case("name Örebro's contact in lung NPO", "organisation:membership_create", {"admin", "orebro_coordinator"},
         "page_membership_create_contact"),
    Case("edit membership in Örebro LPO", "organisation:membership_update", {"admin", "orebro_coordinator"},
         "page_membership_update_local"),
    Case("register Örebro person", "organisation:person_create", {"admin", "orebro_coordinator", "npo_editor"},
         "page_person_create"),
    Case("edit Örebro person", "organisation:person_update", {"admin", "orebro_coordinator"}, "page_person_update"),
    Case("create clinical support of heart NPO", "knowledge:support_create", {"admin", "npo_editor"},
         "page_support_create_npo"),
    Case("create Örebro routine", "knowledge:support_create", {"admin", "orebro_coordinator"},
         "page_support_create_routine"),
    Case("import support of heart NPO", "knowledge:support_import", {"admin", "npo_editor"}, "page_support_import"),
    Case("edit heart pathway", "knowledge:support_update", {"admin", "npo_editor"}, "page_support_update"),
    Case("edit draft version", "knowledge:version_update", {"admin", "npo_editor"}, "page_version_update"),
    Case("new version of heart pathway", "knowledge:version_create_next", {"admin", "npo_editor"},
         "page_version_create_next"),
    Case("send draft on remiss", "knowledge:version_transition", {"admin", "npo_editor"}, "page_version_remiss"),
    Case("approve care pathway", "knowledge:version_transition", {"admin", "sks_chair"}, "page_version_approve"),
    Case("add recommendation to draft", "knowledge:recommendation_create", {"admin", "npo_editor"},
         "page_recommendation_create"),
    Case("edit recommendation in draft", "knowledge:recommendation_update", {"admin", "npo_editor"},
         "page_recommendation_update"),
    Case("delete recommendation in draft", "knowledge:recommendation_delete", {"admin", "npo_editor"},
         "page_recommendation_delete"),
    Case("move recommendation in draft", "knowledge:recommendation_move", {"admin", "npo_editor"},
         "page_recommendation_move"),
    Case("write Örebro addition", "knowledge:addition_save", {"admin", "orebro_coordinator"}, "page_addition_save"),
    Case("delete Örebro addition", "knowledge:addition_delete", {"admin", "orebro_coordinator"},
         "page_addition_delete"),
    Case("attach PDF to draft", "knowledge:attachment_add", {"admin", "npo_editor"}, "page_attachment_add"),
    Case("follow a support", "knowledge:subscription_toggle", set(ROLES) - {"anonymous"}, "page_follow_support"),
    Case("follow an NPO", "knowledge:npo_subscription_toggle", set(ROLES) - {"anonymous"}, "page_follow_npo"),
    Case("open a remiss round", "consultation:round_create", {"admin", "npo_editor"}, "page_round_create"),
    Case("invite an organisation to a remiss", "consultation:invitation_add", {"admin", "npo_editor"},
         "page_invitation_add"),
    Case("enter Örebro in an open remiss", "consultation:invitation_add", {"admin", "npo_editor", "orebro_coordinator"},
         "page_invitation_join"),
    Case("assign Örebro's remiss", "consultation:assignment_add", {"admin", "orebro_coordinator"},
         "page_assignment_add"),
    Case("comment inside Örebro", "consultation:comment_add", {"admin", "orebro_coordinator", "chair", "member"},
         "page_comment_add"),
    Case("compose Örebro's answer", "consultation:answer_compose", {"admin", "orebro_coordinator"},
         "page_answer_compose"),
    Case("submit Örebro's answer", "consultation:answer_submit", {"admin", "orebro_coordinator"},
         "page_answer_submit"),
    Case("withdraw Örebro's answer", "consultation:answer_withdraw", {"admin", "orebro_coordinator"},
         "page_answer_withdraw"),
    Case("respond to a point", "consultation:response_save", {"admin", "npo_editor"}, "page_response_save"),
    Case("publish a compilation", "consultation:compilation_publish", {"admin", "npo_editor"},
         "page_compilation_publish"),
    Case("API open a remiss round", "POST /api/v1/remiss-rounds", {"admin", "npo_editor"}, "api_round_create",
         api=True),
    Case("API invite an organisation to a remiss", "POST /api/v1/remiss-rounds/{round_id}/invitations",
         {"admin", "npo_editor"}, "api_invitation_add", api=True),
    Case("API enter Örebro in an open remiss", "POST /api/v1/remiss-rounds/{round_id}/invitations",
         {"admin", "npo_editor", "orebro_coordinator"}, "api_invitation_join", api=True),
    Case("API assign Örebro's remiss", "POST /api/v1/remiss-invitations/{invitation_id}/assignments",
         {"admin", "orebro_coordinator"}, "api_assignment_add", api=True),
    Case("API comment inside Örebro", "POST /api/v1/remiss-invitations/{invitation_id}/comments",
         {"admin", "orebro_coordinator", "chair", "member"}, "api_comment_add", api=True),
    Case("API compose Örebro's answer", "PUT /api/v1/remiss-invitations/{invitation_id}/answer",
         {"admin", "orebro_coordinator"}, "api_answer_compose", api=True),
    Case("API submit Örebro's answer", "POST /api/v1/remiss-invitations/{invitation_id}/answer/submission",
         {"admin", "orebro_coordinator"}, "api_answer_submit", api=True),
    Case("API withdraw Örebro's answer", "POST /api/v1/remiss-invitations/{invitation_id}/answer/withdrawal",
         {"admin", "orebro_coordinator"}, "api_answer_withdraw", api=True),
    Case("API respond to a point", "PUT /api/v1/remiss-answer-items/{item_id}/response", {"admin", "npo_editor"},
         "api_response_save", api=True),
    Case("API publish a compilation", "POST /api/v1/remiss-rounds/{round_id}/compilation/publication",
         {"admin", "npo_editor"}, "api_compilation_publish", api=True),
    Case("fill Örebro's gap analysis", "implementation:gap_analysis",
         {"admin", "orebro_coordinator", "chair", "member"}, "page_gap_analysis"),
    Case("Örebro's adoption not relevant", "implementation:adoption_move", {"admin", "orebro_coordinator"},
         "page_adoption_move"),
    Case("add a patient representative", "implementation:participant_add",
         {"admin", "orebro_coordinator", "chair", "member"}, "page_participant_add"),
    Case("record Örebro's decision", "implementation:decision_record", {"admin", "orebro_coordinator"},
         "page_decision_record"),
    Case("set the care field", "implementation:care_field_set", {"admin", "orebro_coordinator"},
         "page_care_field_set"),
    Case("add an action", "implementation:action_add", {"admin", "orebro_coordinator", "chair", "member"},
         "page_action_add"),
    Case("complete an action", "implementation:action_update", {"admin", "orebro_coordinator", "chair", "member"},
         "page_action_update"),
    Case("add a follow-up measure", "implementation:measure_add", {"admin", "orebro_coordinator", "chair", "member"},
         "page_measure_add"),
    Case("set the review cadence", "implementation:cadence_set", {"admin", "orebro_coordinator", "chair", "member"},
         "page_cadence_set"),
    Case("record a review", "implementation:review_record", {"admin", "orebro_coordinator", "chair", "member"},
         "page_review_record"),
    Case("share Örebro's work", "implementation:sharing_set", {"admin", "orebro_coordinator"}, "page_sharing_set"),
    Case("start Örebro's routine", "implementation:adoption_start", {"admin", "orebro_coordinator"},
         "page_adoption_start"),
    Case("Örebro's decision order", "implementation:decision_order", {"admin", "orebro_coordinator"},
         "page_decision_order"),
    Case("API move Örebro's adoption", "POST /api/v1/adoptions/{adoption_id}/transitions",
         {"admin", "orebro_coordinator"}, "api_adoption_move", api=True),
    Case("API fill a gap row", "PATCH /api/v1/gap-rows/{row_id}", {"admin", "orebro_coordinator", "chair", "member"},
         "api_gap_row", api=True),
    Case("API record a decision", "POST /api/v1/adoptions/{adoption_id}/decisions", {"admin", "orebro_coordinator"},
         "api_decision_record", api=True),
    Case("API add an action", "POST /api/v1/adoptions/{adoption_id}/actions",
         {"admin", "orebro_coordinator", "chair", "member"}, "api_action_add", api=True),
    Case("API complete an action", "PATCH /api/v1/actions/{action_id}",
         {"admin", "orebro_coordinator", "chair", "member"}, "api_action_update", api=True),
    Case("API add a measure", "POST /api/v1/adoptions/{adoption_id}/measures",
         {"admin", "orebro_coordinator", "chair", "member"}, "api_measure_add", api=True),
    Case("API record a review", "POST /api/v1/adoptions/{adoption_id}/reviews",
         {"admin", "orebro_coordinator", "chair", "member"}, "api_review_record", api=True),
    Case("API share Örebro's work", "PUT /api/v1/adoptions/{adoption_id}/sharing", {"admin", "orebro_coordinator"},
         "api_sharing_set", api=True),
    Case("API Örebro's decision order", "PUT /api/v1/regions/{county_code}/decision-rules",
         {"admin", "orebro_coordinator"}, "api_decision_order", api=True),
    Case("adopt Örebro LPO's mandate", "organisation:mandate_adopt", {"admin", "orebro_coordinator"},
         "page_mandate_adopt"),
    Case("make Örebro's annual report", "reports:report_request", {"admin", "analyst", "orebro_coordinator"},
         "page_report_request"),
    Case("assess Örebro's draft annual report", "reports:assessment_save", {"admin", "orebro_coordinator"},
         "page_report_assess"),
    Case("lock Örebro's draft annual report", "reports:report_move", {"admin", "orebro_coordinator"},
         "page_report_freeze"),
    Case("run indicators", "indicators:run_start", {"admin", "analyst"}, "page_run_start"),
    Case("import indicator values", "indicators:values_import", {"admin", "analyst"}, "page_values_import"),
    Case("recalculate SPC limits", "indicators:limits_recalculate", {"admin", "analyst", "npo_editor"},
         "page_limits_recalculate"),
    Case("remove an SPC limit recalculation", "indicators:limits_recalculation_remove",
         {"admin", "analyst", "npo_editor"}, "page_limits_recalculation_remove"),
    Case("choose an indicator's chart type and baseline", "indicators:chart_settings_change",
         {"admin", "analyst", "npo_editor"}, "page_chart_settings_change"),
    Case("API run indicators", "POST /api/v1/indicator-runs", {"admin", "analyst"}, "api_run_start", api=True),
    Case("API import indicator values", "POST /api/v1/indicator-imports", {"admin", "analyst"}, "api_values_import",
         api=True),
    Case("API write Örebro addition", "POST /api/v1/recommendations/{recommendation_id}/additions",
         {"admin", "orebro_coordinator"}, "api_addition_save", api=True),
    Case("API send draft on remiss", "POST /api/v1/supports/{support_id}/versions/{number}/transitions",
         {"admin", "npo_editor"}, "api_version_remiss", api=True),
    Case("API create LPO in Örebro", "POST /api/v1/bodies", {"admin", "orebro_coordinator"}, "api_body_create", api=True),
    Case("API edit Örebro LPO", "PATCH /api/v1/bodies/{body_id}", {"admin", "orebro_coordinator"}, "api_body_update",
         api=True),
    Case("API edit heart NPO", "PATCH /api/v1/bodies/{body_id}", {"admin", "npo_editor"}, "api_body_update_npo", api=True),
    Case("API register Örebro person", "POST /api/v1/people", {"admin", "orebro_coordinator", "npo_editor"},
         "api_person_create", api=True),
    Case("API edit Örebro person", "PATCH /api/v1/people/{person_id}", {"admin", "orebro_coordinator"},
         "api_person_update", api=True),
    Case("API add member to Örebro LPO", "POST /api/v1/memberships", {"admin", "orebro_coordinator"},
         "api_membership_create", api=True),
    Case("API edit membership in Örebro LPO", "PATCH /api/v1/memberships/{membership_id}",
         {"admin", "orebro_coordinator"}, "api_membership_update", api=True),
]


# --- people: pages (kunskapsnav.people.urls) -------------------------------------------
# Kept apart from the rest so that other blocks (the people API) can be added beside it.
READ_ONLY |= {
    "people:call_list",
    "people:call_detail",
    "people:self_nomination_thanks",
    "people:nomination_detail",
    "people:my_declarations",
    "people:declaration_detail",
    "people:assessor_queue",
    "people:coordination",
    "people:body_seats",
    "people:pool",
    "people:representative_detail",
    "people:payable_csv",
    "people:expert_time",
    "people:expert_time_csv",
    "people:own_data_export",
}
# A nominee's new account chooses its password through the link mailed to them
# (people.nominees): the visitor's own account, like logging in.
SESSION_WRITES |= {"accounts:password_set"}
# Sign-in through an identity provider: the session only, and at a registry person's first
# sign-in their account, without rights (kunskapsnav.sso.identities).
SESSION_WRITES |= {"sso:start", "sso:callback"}
READ_ONLY |= {"accounts:password_set_done"}
# FHIR R4 (interop/fhir/): one route for the whole server, read-only; a POST is its 405 OperationOutcome.
READ_ONLY |= {"fhir"}
READ_ONLY |= {"reports:report_list", "reports:report_detail", "reports:report_document", "reports:report_pdf",
              "reports:report_xlsx"}
# CDS Hooks (interop/cds/): the discovery document only reads. The hook services and their
# feedback are called by registered journals with a signed JWT, never with a session: every
# role here is refused (test_journal_writes_refuse_every_session below), and the journal's
# side is tested in interop/cds/tests/test_auth.py and test_feedback.py.
READ_ONLY |= {"cds:discovery"}
JOURNAL_WRITES = {"cds:service", "cds:feedback"}
PEOPLE_WITH_A_PERSON = {"member", "chair", "npo_editor", "sks_chair", "orebro_coordinator", "uppsala_coordinator"}
CASES += [
    Case("call for the heart NAG", "people:call_create", {"admin", "npo_editor"}, "page_call_create"),
    Case("edit a draft call", "people:call_update", {"admin", "npo_editor"}, "page_call_update"),
    Case("publish a draft call", "people:call_publish", {"admin", "npo_editor"}, "page_call_publish"),
    Case("close a published call", "people:call_close", {"admin", "npo_editor"}, "page_call_close"),
    Case("nominate oneself (public form)", "people:self_nominate", set(ROLES), "page_self_nominate"),
    Case("nominate an Örebro person", "people:nominate", {"admin", "orebro_coordinator"}, "page_nominate"),
    Case("support group step of an Örebro nomination", "people:nomination_decide", {"admin", "orebro_coordinator"},
         "page_nomination_decide"),
    Case("withdraw an Örebro nomination", "people:nomination_withdraw", {"admin", "orebro_coordinator"},
         "page_nomination_withdraw"),
    Case("declare one's own interests", "people:declaration_create", PEOPLE_WITH_A_PERSON,
         "page_declaration_create"),
    Case("assess an Örebro declaration", "people:declaration_assess", {"chair"}, "page_declaration_assess"),
    Case("designate an Örebro assessor", "people:assessors", {"admin", "orebro_coordinator"}, "page_assessor_add"),
    Case("remove an Örebro assessor", "people:assessor_remove", {"admin", "orebro_coordinator"},
         "page_assessor_remove"),
    Case("add to Örebro's pool", "people:representative_create", {"admin", "orebro_coordinator"},
         "page_representative_create"),
    Case("edit an Örebro representative", "people:representative_update", {"admin", "orebro_coordinator"},
         "page_representative_update"),
    Case("give an Örebro representative an assignment", "people:assignment_create", {"admin", "orebro_coordinator"},
         "page_assignment_create"),
    Case("claim for an Örebro assignment", "people:claim_create", {"admin", "orebro_coordinator"},
         "page_claim_create"),
    Case("approve a claim in Örebro", "people:claim_decide", {"admin", "orebro_coordinator"}, "page_claim_decide"),
    Case("Örebro's compensation model", "people:compensation_model", {"admin", "orebro_coordinator"},
         "page_compensation_model"),
    Case("Örebro's payable list", "people:payable_lists", {"admin", "orebro_coordinator"}, "page_payable_list"),
]
# --- end of people: pages ------------------------------------------------------------

# --- people: API (kunskapsnav.interop.people_api) ---------------------------------------
# Same targets as the people pages (people_setup): the heart NAG's draft and published calls,
# the self-nomination from Örebro at the kunskapsstödsgrupp's step, the member's declaration
# waiting for Örebro's designated assessor (the chair), Örebro's pool and compensation model.
CASES += [
    Case("API call for the heart NAG", "POST /api/v1/nomination-calls", {"admin", "npo_editor"},
         "api_call_create", api=True),
    Case("API edit a draft call", "PATCH /api/v1/nomination-calls/{call_id}", {"admin", "npo_editor"},
         "api_call_update", api=True),
    Case("API publish a draft call", "POST /api/v1/nomination-calls/{call_id}/publication", {"admin", "npo_editor"},
         "api_call_publish", api=True),
    Case("API close a published call", "POST /api/v1/nomination-calls/{call_id}/closure", {"admin", "npo_editor"},
         "api_call_close", api=True),
    Case("API nominate oneself (open, no login)", "POST /api/v1/nomination-calls/{call_id}/self-nominations",
         set(ROLES), "api_self_nominate", api=True),
    Case("API nominate an Örebro person", "POST /api/v1/nomination-calls/{call_id}/nominations",
         {"admin", "orebro_coordinator"}, "api_nominate", api=True),
    Case("API support group step of an Örebro nomination", "POST /api/v1/nominations/{nomination_id}/decisions",
         {"admin", "orebro_coordinator"}, "api_nomination_decide", api=True),
    Case("API withdraw an Örebro nomination", "POST /api/v1/nominations/{nomination_id}/withdrawal",
         {"admin", "orebro_coordinator"}, "api_nomination_withdraw", api=True),
    Case("API declare one's own interests", "POST /api/v1/declarations", PEOPLE_WITH_A_PERSON,
         "api_declaration_create", api=True),
    Case("API assess an Örebro declaration (Örebro's designated assessor is the chair)",
         "POST /api/v1/declarations/{declaration_id}/assessment", {"chair"}, "api_declaration_assess", api=True),
    Case("API designate an Örebro assessor", "POST /api/v1/declaration-assessors", {"admin", "orebro_coordinator"},
         "api_assessor_add", api=True),
    Case("API remove an Örebro assessor", "DELETE /api/v1/declaration-assessors/{assessor_id}",
         {"admin", "orebro_coordinator"}, "api_assessor_remove", api=True),
    Case("API add to Örebro's pool", "POST /api/v1/representatives", {"admin", "orebro_coordinator"},
         "api_representative_create", api=True),
    Case("API edit an Örebro representative", "PATCH /api/v1/representatives/{representative_id}",
         {"admin", "orebro_coordinator"}, "api_representative_update", api=True),
    Case("API give an Örebro representative an assignment",
         "POST /api/v1/representatives/{representative_id}/assignments", {"admin", "orebro_coordinator"},
         "api_assignment_create", api=True),
    Case("API claim for an Örebro assignment", "POST /api/v1/participation-assignments/{assignment_id}/claims",
         {"admin", "orebro_coordinator"}, "api_claim_create", api=True),
    Case("API approve a claim in Örebro (submitted by the representative)",
         "POST /api/v1/compensation-claims/{claim_id}/decision", {"admin", "orebro_coordinator"},
         "api_claim_decide", api=True),
    Case("API Örebro's compensation model", "PUT /api/v1/regions/{county_code}/compensation-model",
         {"admin", "orebro_coordinator"}, "api_compensation_model", api=True),
    Case("API Örebro's payable list", "POST /api/v1/payable-lists", {"admin", "orebro_coordinator"},
         "api_payable_list", api=True),
]
# --- end of people: API --------------------------------------------------------------

# --- needs (behov): anyone signed in submits; the area's NPO (else SKS) triages ---------
READ_ONLY |= {"needs:need_list", "needs:need_detail"}
CASES += [
    Case("submit a need", "needs:need_create", set(ROLES) - {"anonymous"}, "page_need_submit"),
    Case("triage a need in the heart NPO's area", "needs:need_step", {"admin", "npo_editor"}, "page_need_triage"),
    Case("triage a need without an area (SKS)", "needs:need_step", {"admin", "sks_chair"}, "page_need_triage_sks"),
    Case("API submit a need", "POST /api/v1/needs", set(ROLES) - {"anonymous"}, "api_need_submit", api=True),
    Case("API triage a need in the heart NPO's area", "POST /api/v1/needs/{need_id}/triage", {"admin", "npo_editor"},
         "api_need_triage", api=True),
]
NEED_TEXTS = {"title": "Behov", "problem": "Problem", "target_group": "Vuxna", "evidence": "Variation",
              "affected": "Patienter", "organisation": "Örebro kommun"}


# --- lågvärdig vård (kunskapsnav.lowvalue.urls) -----------------------------------------
READ_ONLY |= {"lowvalue:practice_list", "lowvalue:practice_detail", "lowvalue:national_view"}
CASES += [
    Case("add a national low-value practice", "lowvalue:practice_create", {"admin", "sks_chair"},
         "page_practice_create_national"),
    Case("add Örebro's do-not", "lowvalue:practice_create", {"admin", "sks_chair", "orebro_coordinator"},
         "page_practice_create_orebro"),
    Case("edit a national low-value practice", "lowvalue:practice_update", {"admin", "sks_chair"},
         "page_practice_update"),
    Case("link a national low-value practice", "lowvalue:practice_links", {"admin", "sks_chair"},
         "page_practice_links"),
]


# --- coherence (kunskapsnav.coherence) -----------------------------------------------
# A contradiction between two supports of the heart NPO (coherence_setup): decided by the
# NPO's editor, by SKS or by a national administrator; a full run by administrators only.
READ_ONLY |= {"coherence:overview", "coherence:body_queue", "coherence:sks_queue", "coherence:candidate_detail",
              "coherence:run_list", "coherence:support_section"}
CASES += [
    Case("decide on a coherence candidate", "coherence:candidate_decide", {"admin", "npo_editor", "sks_chair"},
         "page_coherence_decide"),
    Case("start a full coherence run", "coherence:run_start", {"admin"}, "page_coherence_run_start"),
    Case("API decide on a coherence candidate", "POST /api/v1/coherence/candidates/{candidate_id}/decisions",
         {"admin", "npo_editor", "sks_chair"}, "api_coherence_decide", api=True),
]
# --- end of coherence ------------------------------------------------------------------


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in ("admin", "api"):
                continue  # admin: national administrators only; api: checked through OpenAPI
            yield from _route_names(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


class WritePermissionMatrixTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.orebro_person = make_person(by=cls.admin, region=cls.orebro, family="Örebroare")
        cls.orebro_membership = Membership.objects.get(body=cls.orebro_lpo, role=Role.MEMBER)
        cls.draft = cls.heart_guideline.versions.get()
        cls.draft_rec = content.recommendation_create(by=cls.npo_editor, version=cls.draft, text="Utkast", priority=5)
        content.recommendation_create(by=cls.npo_editor, version=cls.draft, text="Utkast två", priority=6)
        cls.pathway_on_remiss = content.support_create(
            by=cls.npo_editor, type=SupportType.CARE_PATHWAY, title="Kärlkramp", issuer_body=cls.heart_npo,
            owning_body=cls.heart_npo)
        content.recommendation_create(by=cls.npo_editor, version=cls.pathway_on_remiss.versions.get(), text="R",
                                      priority=2)
        lifecycle.version_transition(version=cls.pathway_on_remiss.versions.get(), to="remiss", by=cls.npo_editor)
        cls.addition = additions.addition_save(by=cls.admin, recommendation=cls.rec_drug, region=cls.orebro,
                                               text="Örebros tillägg")
        cls.remiss_setup()
        cls.implementation_setup()
        cls.indicators_setup()
        cls.people_setup()
        cls.needs_setup()
        cls.lowvalue_setup()
        cls.today = timezone.localdate()
        with cls.captureOnCommitCallbacks(execute=False):
            report = making.report_request(by=cls.orebro_coordinator, kind=ReportKind.REGION, region=cls.orebro,
                                           period_start=datetime.date(cls.today.year, 1, 1), period_end=cls.today)
        cls.region_report = making.generate(report.pk)
        cls.coherence_setup()
        exported = interchange.support_export(cls.heart_guideline)
        exported["title"] = "Importerat kunskapsstöd"
        cls.import_json = json.dumps(exported)

    @classmethod
    def coherence_setup(cls):
        """A published support of the heart NPO that contradicts the pathway's "no NSAID"."""
        support = content.support_create(
            by=cls.npo_editor, type=SupportType.CARE_PATHWAY, title="Smärta vid hjärtsvikt", issuer_body=cls.heart_npo,
            owning_body=cls.heart_npo, conditions=["I50"], review_date=datetime.date(2028, 6, 30))
        version = support.versions.get()
        content.recommendation_create(by=cls.npo_editor, version=version, text="Ge NSAID vid smärta.",
                                      codes=[("atc", "M01AE01")])
        publish(version, by_editor=cls.npo_editor, by_approver=cls.sks_chair)
        run_incremental(run_create(kind=DetectionScope.INCREMENTAL, version=version))
        cls.coherence_candidate = Candidate.objects.get(kind=CandidateKind.CONTRADICTION)

    @classmethod
    def remiss_setup(cls):
        """Three rounds on the pathway on remiss: one open with Örebro's draft answer, one open
        with Örebro's answer submitted, one closed with every point responded to."""
        today = timezone.localdate()
        version = cls.pathway_on_remiss.versions.get()
        cls.remiss_rec = version.recommendations.get()

        def round_with_answer(opens_on, closes_on, *, submit):
            round_ = round_open(by=cls.npo_editor, version=version, opens_on=opens_on, closes_on=closes_on)
            invitation = round_.invitations.get(region=cls.orebro)
            at = timezone.make_aware(datetime.datetime.combine(opens_on, datetime.time(12)))
            answers.assignment_add(by=cls.orebro_coordinator, invitation=invitation, body=cls.orebro_lpo,
                                   due_on=closes_on)
            comment = answers.comment_add(by=cls.chair, invitation=invitation, text="Synpunkt", at=at)
            answers.answer_compose(by=cls.orebro_coordinator, invitation=invitation, summary="", signed_by="HSD",
                                   items=[{"text": "Punkt", "from_comments": [comment]}], at=at)
            if submit:
                answers.answer_submit(by=cls.orebro_coordinator, invitation=invitation, at=at)
            return round_, invitation

        cls.open_round, cls.draft_invitation = round_with_answer(today, today + datetime.timedelta(days=30),
                                                                 submit=False)
        cls.open_round_2, cls.submitted_invitation = round_with_answer(today, today + datetime.timedelta(days=30),
                                                                       submit=True)
        cls.submitted_item = cls.submitted_invitation.answer.items.get()
        cls.closed_round, closed_invitation = round_with_answer(today - datetime.timedelta(days=40),
                                                                today - datetime.timedelta(days=1), submit=True)
        compilation.response_save(by=cls.npo_editor, item=closed_invitation.answer.items.get(),
                                  outcome="beaktad", reason="Ja")
        cls.open_to_all_round = round_open(by=cls.npo_editor, version=version, opens_on=today,
                                           closes_on=today + datetime.timedelta(days=30), all_regions=False,
                                           open_to_all=True)

    @classmethod
    def implementation_setup(cls):
        """Örebro's adoption of the heart pathway in kartläggning; of two more supports (of the
        same NPO, so LPO hjärta answers for them) one in beslut with an action, one in
        uppföljning; and Örebro's own published routine, not yet adopted."""
        today = timezone.localdate()
        cls.mapping = Adoption.objects.get(region=cls.orebro, version=cls.heart_pathway.versions.get(number=1))

        def adopted(title, stage_path):
            support = content.support_create(by=cls.admin, type=SupportType.CLINICAL, title=title,
                                             issuer_body=cls.heart_npo, owning_body=cls.heart_npo,
                                             review_date=today + datetime.timedelta(days=700))
            version = support.versions.get()
            content.recommendation_create(by=cls.admin, version=version, text="R", priority=3)
            for to in ("remiss", "faststalld", "publicerad"):
                version = lifecycle.version_transition(version=version, to=to, by=cls.admin)
            adoption = Adoption.objects.get(region=cls.orebro, version=version)
            row = adoption.gap_rows.get()
            work.gap_row_save(by=cls.admin, row=row, based_on=row.row_version,
                              values={"gap": "litet", "within_unit_budget": True})
            for to in stage_path:
                if to == Stage.IMPLEMENTATION:
                    work.decision_record(by=cls.admin, adoption=adoption, decided_by="Verksamheterna",
                                         decided_on=today, outcome="bifall")
                if to == Stage.FOLLOW_UP:
                    work.measure_add(by=cls.admin, adoption=adoption, kind="effektmal", name="Mål")
                adoption = stages.adoption_move(by=cls.admin, adoption=adoption, to=to)
            return adoption

        cls.deciding = adopted("Stöd i beslut", [Stage.DECISION])
        cls.following = adopted("Stöd i uppföljning", [Stage.DECISION, Stage.IMPLEMENTATION, Stage.FOLLOW_UP])
        cls.action = work.action_add(by=cls.admin, adoption=cls.deciding, title="Utbilda", owner="Kliniken",
                                     due_on=today + datetime.timedelta(days=30))
        routine = content.support_create(by=cls.admin, type=SupportType.REGIONAL_ROUTINE, title="Örebros rutin",
                                         issuer_region=cls.orebro, owning_body=cls.orebro_lpo,
                                         review_date=today + datetime.timedelta(days=700))
        version = routine.versions.get()
        content.recommendation_create(by=cls.admin, version=version, text="R", priority=3)
        for to in ("remiss", "faststalld", "publicerad"):
            version = lifecycle.version_transition(version=version, to=to, by=cls.admin)
        cls.routine_version = version

    @classmethod
    def indicators_setup(cls):
        import tempfile

        from django.conf import settings

        from kunskapsnav.indicators import limits, runs, synthetic

        cls.indicator_definitions = runs.definitions_sync()
        # The stroke indicator follows up the heart NPO's guideline: its editor may recalculate limits.
        stroke = next(d for d in cls.indicator_definitions if d.code == "STROKE-ANTITROMB")
        stroke.support = cls.heart_guideline
        stroke.save()
        cls.recalculation = limits.limits_recalculate(by=cls.admin, definition=stroke, level="region", geo="18",
                                                      period=datetime.date(2024, 1, 1), reason="Ny rutin")
        cls.indicator_data = tempfile.mkdtemp(dir=settings.INDICATOR_DATA_ROOTS[0])  # where runs may read
        synthetic.generate(cls.indicator_data, events=2000)

    @classmethod
    def needs_setup(cls):
        """A need from Örebro's member in the heart NPO's area and one without an area (SKS's)."""
        from kunskapsnav.needs import triage

        cls.heart_need = triage.need_submit(by=cls.member, area=cls.heart_npo, **NEED_TEXTS)
        cls.sks_need = triage.need_submit(by=cls.member, **NEED_TEXTS)

    def page_need_submit(self):
        return "post", reverse("needs:need_create"), NEED_TEXTS

    def page_need_triage(self):
        return "post", reverse("needs:need_step", args=[self.heart_need.pk]), {"step": "start"}

    def page_need_triage_sks(self):
        return "post", reverse("needs:need_step", args=[self.sks_need.pk]), {"step": "start"}

    def api_need_submit(self):
        return "post", "/api/v1/needs", NEED_TEXTS

    def api_need_triage(self):
        return "post", f"/api/v1/needs/{self.heart_need.pk}/triage", {"step": "start"}

    @classmethod
    def lowvalue_setup(cls):
        """A national low-value practice, carried by the heart pathway's do-not."""
        from kunskapsnav.lowvalue import practices

        values = cls.practice_values()
        del values["region"]  # a form's empty choice; the write function takes a region or none
        cls.low_value_practice = practices.practice_create(by=cls.admin, **values)
        practices.practice_links_set(by=cls.admin, practice=cls.low_value_practice,
                                     recommendation_keys=[cls.rec_dont.key], indicator_codes=[])

    @staticmethod
    def practice_values(**changes):
        return {"title": "NSAID vid hjärtsvikt", "source": "nationell", "practice_system": "atc",
                "practice_code": "M01A", "condition": "Hjärtsvikt", "condition_code": "I50",
                "rationale": "Förvärrar hjärtsvikten.", "link": "https://example.se/icke-gora", "region": ""} | changes

    # --- people: pages (setup) -----------------------------------------------------

    @classmethod
    def people_setup(cls):
        """A national working group under the heart NPO with a draft call and a published call
        open to self-nomination, a self-nomination from Örebro at the support group's step, an
        Örebro person with e-mail to nominate; the member's declaration waiting for Örebro's
        assessor (the chair, designated by the coordinator); Örebro's pool with a
        representative (an account outside ROLES) who has an assignment, a submitted claim and
        an approved one, and Örebro's compensation model."""
        from decimal import Decimal

        from kunskapsnav.organisation import bodies, people as registry_people
        from kunskapsnav.organisation.models import BodyKind
        from kunskapsnav.organisation.tests.personas import make_user
        from kunskapsnav.people import calls, compensation, declarations, nominations, participation

        today = timezone.localdate()
        cls.heart_nag = bodies.body_create(by=cls.admin, kind=BodyKind.NAG, name="NAG hjärtrehabilitering",
                                           parent=cls.heart_npo)
        call_values = dict(start_date=today + datetime.timedelta(days=30),
                           closes_on=today + datetime.timedelta(days=14), profile="Erfarenhet av hjärtsvikt.")
        cls.draft_call = calls.call_create(by=cls.npo_editor, body=cls.heart_nag, **call_values)
        cls.open_call = calls.call_publish(by=cls.npo_editor, call=calls.call_create(
            by=cls.npo_editor, body=cls.heart_nag, self_nomination_allowed=True, **call_values))
        cls.self_nomination = nominations.nomination_self_submit(
            call=cls.open_call, sender="192.0.2.1", given_name="Sara", family_name="Ek", email="sara.ek@example.se",
            title="Sjuksköterska", home_region=cls.orebro, motivation="Tio år i hjärtsviktsvård.")
        cls.people_nominee = registry_people.person_create(
            by=cls.admin, given_name="Nils", family_name="Nominerbar", home_region=cls.orebro,
            email="nils.nominerbar@example.se")
        declarations.assessor_designate(by=cls.orebro_coordinator, region=cls.orebro, person=cls.chair.person)
        cls.orebro_assessor_row = cls.chair.person.assessor_for.get()
        cls.member_declaration = declarations.declaration_submit(by=cls.member, person=cls.member.person,
                                                                 nothing_to_declare=True, interests=[])
        cls.representative_user = make_user("representative")
        rep_person = registry_people.person_create(by=cls.admin, given_name="Rut", family_name="Företrädare",
                                                   home_region=cls.orebro, user=cls.representative_user)
        cls.representative = participation.representative_add(
            by=cls.orebro_coordinator, person=rep_person, region=cls.orebro, kind="patient",
            recruited_through="levande_bibliotek", experience_areas="Hjärtsvikt", consent_on=today)
        cls.participation = participation.assignment_create(
            by=cls.orebro_coordinator, representative=cls.representative, kind="annat", description="Kartläggning",
            start_date=today - datetime.timedelta(days=30))
        compensation.compensation_model_set(by=cls.orebro_coordinator, region=cls.orebro, basis="timarvode",
                                            hourly_rate=Decimal("250"), fixed_fee=Decimal("0"),
                                            mileage_rate=Decimal("2.50"))
        cls.submitted_claim = compensation.claim_submit(by=cls.representative_user, assignment=cls.participation,
                                                        worked_on=today, hours=Decimal("2"))
        compensation.claim_decide(by=cls.orebro_coordinator, approve=True, claim=compensation.claim_submit(
            by=cls.representative_user, assignment=cls.participation, worked_on=today, hours=Decimal("3")))

    # --- requests ------------------------------------------------------------------

    def page_mandate_adopt(self):
        return "post", reverse("organisation:mandate_adopt", args=[self.orebro_lpo.pk]), {
            "text": "Leder införandet.", "valid_from": self.today.isoformat()}

    def page_report_request(self):
        return "post", reverse("reports:report_request"), {
            "kind": ReportKind.REGION, "region": self.orebro.pk,
            "period_start": datetime.date(self.today.year, 1, 1).isoformat(), "period_end": self.today.isoformat()}

    def page_report_assess(self):
        return "post", reverse("reports:assessment_save", args=[self.region_report.pk]), {
            "section": "struktur", "text": "Alla programområden täcks."}

    def page_report_freeze(self):
        return "post", reverse("reports:report_move", args=[self.region_report.pk]), {"to": ReportStatus.FROZEN}

    def page_practice_create_national(self):
        return "post", reverse("lowvalue:practice_create"), self.practice_values(title="Ny nationell")

    def page_practice_create_orebro(self):
        return "post", reverse("lowvalue:practice_create"), self.practice_values(
            title="Örebros icke-göra", source="regional", region=self.orebro.pk)

    def page_practice_update(self):
        return "post", reverse("lowvalue:practice_update", args=[self.low_value_practice.pk]), self.practice_values(
            rationale="Ny motivering.")

    def page_practice_links(self):
        return "post", reverse("lowvalue:practice_links", args=[self.low_value_practice.pk]), {
            "recommendations": [str(self.rec_dont.key)], "other_keys": "", "indicators": ["HS-RAS"]}

    def page_coherence_decide(self):
        return "post", reverse("coherence:candidate_decide", args=[self.coherence_candidate.pk]), {
            "outcome": "ingen_konflikt", "reason": "Smärtlindringen gäller inte hjärtsvikten."}

    def page_coherence_run_start(self):
        return "post", reverse("coherence:run_start"), {}

    def api_coherence_decide(self):
        return "post", f"/api/v1/coherence/candidates/{self.coherence_candidate.pk}/decisions", {
            "outcome": "ingen_konflikt", "reason": "Smärtlindringen gäller inte hjärtsvikten."}

    def page_run_start(self):
        return "post", reverse("indicators:run_start"), {
            "data_folder": self.indicator_data, "definitions": [self.indicator_definitions[0].pk], "backend": "duckdb"}

    def page_limits_recalculate(self):
        return "post", reverse("indicators:limits_recalculate", args=["STROKE-ANTITROMB"]), {
            "area": "region:18", "period": "2024-06", "reason": "Skift efter ny rutin"}

    def page_chart_settings_change(self):
        return "post", reverse("indicators:chart_settings_change", args=["STROKE-ANTITROMB"]), {
            "chart_type": "xmr", "variation_type": "effektiv", "baseline_points": "24", "baseline_end": "",
            "reason": "Baslinje före ny rutin"}

    def page_limits_recalculation_remove(self):
        return "post", reverse("indicators:limits_recalculation_remove",
                               args=["STROKE-ANTITROMB", self.recalculation.pk]), {}

    def page_values_import(self):
        upload = SimpleUploadedFile("varden.csv", INDICATOR_CSV.encode(), content_type="text/csv")
        return "post", reverse("indicators:values_import"), {"file": upload}

    def api_run_start(self):
        return "post", "/api/v1/indicator-runs", {"data_folder": self.indicator_data, "definitions": ["HS-RAS"]}

    def api_values_import(self):
        return "multipart", "/api/v1/indicator-imports", {
            "file": SimpleUploadedFile("varden.csv", INDICATOR_CSV.encode(), content_type="text/csv")}

    def page_gap_analysis(self):
        row = self.mapping.gap_rows.first()
        return "post", reverse("implementation:gap_analysis", args=[self.mapping.pk]), {
            "rad-TOTAL_FORMS": "1", "rad-INITIAL_FORMS": "1", "rad-0-row": row.pk, "rad-0-row_version": row.row_version,
            "rad-0-gap": "stort", "rad-0-within_unit_budget": "false"}

    def page_adoption_move(self):
        return "post", reverse("implementation:adoption_move", args=[self.mapping.pk]), {
            "to": "ej_aktuell", "note": "Ges inte i regionen"}

    def page_participant_add(self):
        return "post", reverse("implementation:participant_add", args=[self.mapping.pk]), {
            "person": self.orebro_person.pk, "kind": "patient"}

    def page_decision_record(self):
        return "post", reverse("implementation:decision_record", args=[self.deciding.pk]), {
            "decided_by": "Verksamheterna", "decided_on": timezone.localdate().isoformat(), "outcome": "bifall",
            "diary_number": "RS 1"}

    def page_care_field_set(self):
        return "post", reverse("implementation:care_field_set", args=[self.deciding.pk]), {"care_field": "tandvard"}

    def page_action_add(self):
        return "post", reverse("implementation:action_add", args=[self.deciding.pk]), {
            "title": "Ny rutin", "owner": "Vårdcentralerna", "due_on": "2030-01-01"}

    def page_action_update(self):
        return "post", reverse("implementation:action_update", args=[self.action.pk]), {"status": "klar"}

    def page_measure_add(self):
        return "post", reverse("implementation:measure_add", args=[self.deciding.pk]), {
            "kind": "indikator", "name": "Andel", "indicator_code": "X1"}

    def page_cadence_set(self):
        return "post", reverse("implementation:cadence_set", args=[self.deciding.pk]), {"review_every_months": "6"}

    def page_review_record(self):
        return "post", reverse("implementation:review_record", args=[self.following.pk]), {
            "held_on": timezone.localdate().isoformat(), "notes": "Bra"}

    def page_sharing_set(self):
        return "post", reverse("implementation:sharing_set", args=[self.mapping.pk]), {"public": "1"}

    def page_adoption_start(self):
        return "post", reverse("implementation:adoption_start", args=[self.routine_version.pk, "18"]), {}

    def page_decision_order(self):
        return "post", reverse("implementation:decision_order", args=["18"]), {"use": "orebro"}

    def api_adoption_move(self):
        return "post", f"/api/v1/adoptions/{self.mapping.pk}/transitions", {"to": "ej_aktuell", "note": "Nej"}

    def api_gap_row(self):
        row = self.mapping.gap_rows.first()
        return "patch", f"/api/v1/gap-rows/{row.pk}", {"row_version": row.row_version, "gap": "ingen"}

    def api_decision_record(self):
        return "post", f"/api/v1/adoptions/{self.deciding.pk}/decisions", {
            "decided_by": "Verksamheterna", "decided_on": timezone.localdate().isoformat(), "outcome": "bifall"}

    def api_action_add(self):
        return "post", f"/api/v1/adoptions/{self.deciding.pk}/actions", {
            "title": "Ny rutin", "owner": "Vårdcentralerna", "due_on": "2030-01-01"}

    def api_action_update(self):
        return "patch", f"/api/v1/actions/{self.action.pk}", {"status": "pagar"}

    def api_measure_add(self):
        return "post", f"/api/v1/adoptions/{self.deciding.pk}/measures", {"kind": "effektmal", "name": "Mål"}

    def api_review_record(self):
        return "post", f"/api/v1/adoptions/{self.following.pk}/reviews", {
            "held_on": timezone.localdate().isoformat(), "notes": "Bra"}

    def api_sharing_set(self):
        return "put", f"/api/v1/adoptions/{self.mapping.pk}/sharing", {"public": True}

    def api_decision_order(self):
        return "put", "/api/v1/regions/18/decision-rules", [
            {"condition": "inom_budget", "decider_kind": "verksamheterna"}]

    def page_round_create(self):
        version = self.pathway_on_remiss.versions.get()
        today = timezone.localdate()
        return "post", reverse("consultation:round_create", args=[version.pk]), {
            "opens_on": today.isoformat(), "closes_on": (today + datetime.timedelta(days=60)).isoformat(),
            "all_regions": "on", "municipalities": "1880", "organisations": "Hjärtförbundet"}

    def page_invitation_add(self):
        return "post", reverse("consultation:invitation_add", args=[self.open_round.pk]), {
            "organisation": "Hjärtförbundet"}

    def page_invitation_join(self):
        return "post", reverse("consultation:invitation_add", args=[self.open_to_all_round.pk]), {"region": "18"}

    def api_invitation_add(self):
        return "post", f"/api/v1/remiss-rounds/{self.open_round.pk}/invitations", {"organisation": "Hjärtförbundet"}

    def api_invitation_join(self):
        return "post", f"/api/v1/remiss-rounds/{self.open_to_all_round.pk}/invitations", {"region": "18"}

    def page_assignment_add(self):
        return "post", reverse("consultation:assignment_add", args=[self.draft_invitation.pk]), {
            "person": self.orebro_member_person.pk, "due_on": self.open_round.closes_on.isoformat()}

    def page_comment_add(self):
        return "post", reverse("consultation:comment_add", args=[self.draft_invitation.pk]), {
            "recommendation": self.remiss_rec.pk, "kind": "sakligt", "text": "Ny synpunkt"}

    def page_answer_compose(self):
        comment = self.draft_invitation.comments.get()
        return "post", reverse("consultation:answer_compose", args=[self.draft_invitation.pk]), {
            "summary": "Tillstyrks", "signed_by": "HSD",
            "punkt-TOTAL_FORMS": "1", "punkt-INITIAL_FORMS": "1",
            "punkt-0-include": "on", "punkt-0-point": "1", "punkt-0-kind": "sakligt", "punkt-0-text": "Redigerad",
            "punkt-0-recommendation": "", "punkt-0-comments": str(comment.pk)}

    def page_answer_submit(self):
        return "post", reverse("consultation:answer_submit", args=[self.draft_invitation.pk]), {}

    def page_answer_withdraw(self):
        return "post", reverse("consultation:answer_withdraw", args=[self.submitted_invitation.pk]), {}

    def page_response_save(self):
        return "post", reverse("consultation:response_save", args=[self.submitted_item.pk]), {
            "outcome": "delvis", "reason": "Delvis"}

    def page_compilation_publish(self):
        return "post", reverse("consultation:compilation_publish", args=[self.closed_round.pk]), {}

    def api_round_create(self):
        today = timezone.localdate()
        return "post", "/api/v1/remiss-rounds", {
            "support": self.pathway_on_remiss.pk, "version": 1, "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=60)).isoformat(), "municipalities": ["1880"]}

    def api_assignment_add(self):
        return "post", f"/api/v1/remiss-invitations/{self.draft_invitation.pk}/assignments", {
            "body": self.orebro_lpo.pk, "due_on": self.open_round.closes_on.isoformat()}

    def api_comment_add(self):
        return "post", f"/api/v1/remiss-invitations/{self.draft_invitation.pk}/comments", {
            "recommendation": self.remiss_rec.pk, "text": "Ny synpunkt", "kind": "redaktionellt"}

    def api_answer_compose(self):
        comment = self.draft_invitation.comments.get()
        return "put", f"/api/v1/remiss-invitations/{self.draft_invitation.pk}/answer", {
            "summary": "Tillstyrks", "signed_by": "HSD", "items": [{"text": "Punkt", "from_comments": [comment.pk]}]}

    def api_answer_submit(self):
        return "post", f"/api/v1/remiss-invitations/{self.draft_invitation.pk}/answer/submission", {}

    def api_answer_withdraw(self):
        return "post", f"/api/v1/remiss-invitations/{self.submitted_invitation.pk}/answer/withdrawal", {}

    def api_response_save(self):
        return "put", f"/api/v1/remiss-answer-items/{self.submitted_item.pk}/response", {
            "outcome": "ej_beaktad", "reason": "Nej"}

    def api_compilation_publish(self):
        return "post", f"/api/v1/remiss-rounds/{self.closed_round.pk}/compilation/publication", {}

    def page_body_create_local(self):
        return "post", reverse("organisation:body_create"), {
            "kind": "LPO", "name": "LPO lunga", "region": self.orebro.pk, "mirrors": self.lung_npo.pk, "is_active": "on"}

    def page_body_create_national(self):
        return "post", reverse("organisation:body_create"), {
            "kind": "NAG", "name": "NAG hjärtsvikt", "parent": self.heart_npo.pk, "is_active": "on"}

    def page_body_update_local(self):
        return "post", reverse("organisation:body_update", args=[self.orebro_lpo.pk]), {
            "kind": "LPO", "name": "LPO hjärta och kärl", "region": self.orebro.pk, "mirrors": self.heart_npo.pk,
            "is_active": "on"}

    def page_body_update_npo(self):
        return "post", reverse("organisation:body_update", args=[self.heart_npo.pk]), {
            "kind": "NPO", "name": self.heart_npo.name, "description": "Ny beskrivning", "is_active": "on"}

    def page_membership_create_local(self):
        return "post", reverse("organisation:membership_create", args=[self.orebro_lpo.pk]), {
            "person": self.orebro_person.pk, "role": "ledamot", "start_date": "2026-01-01"}

    def page_membership_create_npo(self):
        return "post", reverse("organisation:membership_create", args=[self.heart_npo.pk]), {
            "person": self.orebro_person.pk, "role": "ledamot", "represents_region": self.orebro.pk,
            "start_date": "2026-01-01"}

    def page_membership_create_contact(self):
        return "post", reverse("organisation:membership_create", args=[self.lung_npo.pk]), {
            "person": self.orebro_person.pk, "role": "kontaktperson", "represents_region": self.orebro.pk,
            "start_date": "2026-01-01"}

    def page_membership_update_local(self):
        return "post", reverse("organisation:membership_update", args=[self.orebro_membership.pk]), {
            "role": "ledamot", "start_date": "2025-01-01", "end_date": "2026-12-31", "time_share": 10}

    def page_person_create(self):
        return "post", reverse("organisation:person_create"), {
            "given_name": "Ny", "family_name": "Person", "home_region": self.orebro.pk}

    def page_person_update(self):
        return "post", reverse("organisation:person_update", args=[self.orebro_person.pk]), {
            "given_name": "Ändrad", "family_name": "Örebroare", "home_region": self.orebro.pk}

    def page_support_create_npo(self):
        return "post", reverse("knowledge:support_create"), {
            "type": SupportType.CLINICAL, "title": "Nytt stöd", "issuer_body": self.heart_npo.pk,
            "owning_body": self.heart_npo.pk}

    def page_support_create_routine(self):
        return "post", reverse("knowledge:support_create"), {
            "type": SupportType.REGIONAL_ROUTINE, "title": "Rutin", "issuer_region": self.orebro.pk,
            "owning_body": self.orebro_lpo.pk}

    def page_support_import(self):
        upload = SimpleUploadedFile("stod.json", self.import_json.encode(), content_type="application/json")
        return "post", reverse("knowledge:support_import"), {"file": upload}

    def page_support_update(self):
        return "post", reverse("knowledge:support_update", args=[self.heart_pathway.pk]), {
            "type": SupportType.CARE_PATHWAY, "title": "Hjärtsvikt – nydebuterad (rev)",
            "issuer_body": self.heart_npo.pk, "owning_body": self.heart_npo.pk, "conditions": "I50"}

    def page_version_update(self):
        return "post", reverse("knowledge:version_update", args=[self.heart_guideline.pk, 1]), {
            "summary": "Ny sammanfattning", "change_note": "", "review_date": "2029-01-01"}

    def page_version_create_next(self):
        return "post", reverse("knowledge:version_create_next", args=[self.heart_pathway.pk]), {}

    def page_version_remiss(self):
        return "post", reverse("knowledge:version_transition", args=[self.heart_guideline.pk, 1]), {"to": "remiss"}

    def page_version_approve(self):
        return "post", reverse("knowledge:version_transition", args=[self.pathway_on_remiss.pk, 1]), {
            "to": "faststalld"}

    def page_recommendation_create(self):
        return "post", reverse("knowledge:recommendation_create", args=[self.heart_guideline.pk, 1]), {
            "text": "Ny rekommendation", "direction": "gor", "priority": 4}

    def page_recommendation_update(self):
        return "post", reverse("knowledge:recommendation_update", args=[self.draft_rec.pk]), {
            "text": "Ändrad", "direction": "gor", "priority": 3, "icd10se": "I48"}

    def page_recommendation_delete(self):
        return "post", reverse("knowledge:recommendation_delete", args=[self.draft_rec.pk]), {}

    def page_recommendation_move(self):
        return "post", reverse("knowledge:recommendation_move", args=[self.draft_rec.pk]), {"riktning": "ned"}

    def page_addition_save(self):
        return "post", reverse("knowledge:addition_save", args=[self.rec_echo.pk, "18"]), {"text": "Remiss till X"}

    def page_addition_delete(self):
        return "post", reverse("knowledge:addition_delete", args=[self.addition.pk]), {}

    def page_attachment_add(self):
        upload = SimpleUploadedFile("bilaga.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        return "post", reverse("knowledge:attachment_add", args=[self.heart_guideline.pk, 1]), {
            "title": "Bilaga", "file": upload}

    def page_follow_support(self):
        return "post", reverse("knowledge:subscription_toggle", args=[self.heart_pathway.pk]), {}

    def page_follow_npo(self):
        return "post", reverse("knowledge:npo_subscription_toggle", args=[self.heart_npo.pk]), {}

    def api_addition_save(self):
        return "post", f"/api/v1/recommendations/{self.rec_echo.pk}/additions", {"region": "18", "text": "Tillägg"}

    def api_version_remiss(self):
        return "post", f"/api/v1/supports/{self.heart_guideline.pk}/versions/1/transitions", {"to": "remiss"}

    def api_body_create(self):
        return "post", "/api/v1/bodies", {"kind": "LPO", "name": "LPO lunga", "region": "18", "mirrors": self.lung_npo.pk}

    def api_body_update(self):
        return "patch", f"/api/v1/bodies/{self.orebro_lpo.pk}", {"name": "LPO hjärta och kärl"}

    def api_body_update_npo(self):
        return "patch", f"/api/v1/bodies/{self.heart_npo.pk}", {"description": "Ny beskrivning"}

    def api_person_create(self):
        return "post", "/api/v1/people", {"given_name": "Ny", "family_name": "Person", "home_region": "18"}

    def api_person_update(self):
        return "patch", f"/api/v1/people/{self.orebro_person.pk}", {"title": "Överläkare"}

    def api_membership_create(self):
        return "post", "/api/v1/memberships", {
            "body": self.orebro_lpo.pk, "person": self.orebro_person.pk, "role": "ledamot", "start_date": "2026-01-01"}

    def api_membership_update(self):
        return "patch", f"/api/v1/memberships/{self.orebro_membership.pk}", {"time_share": 15}

    # --- people: pages (requests) --------------------------------------------------

    def page_call_create(self):
        today = timezone.localdate()
        return "post", reverse("people:call_create"), {
            "body": self.heart_nag.pk, "role": "ledamot", "seats": 1,
            "start_date": (today + datetime.timedelta(days=60)).isoformat(),
            "closes_on": (today + datetime.timedelta(days=20)).isoformat(), "profile": "Kardiolog."}

    def page_call_update(self):
        call = self.draft_call
        return "post", reverse("people:call_update", args=[call.pk]), {
            "role": "ledamot", "seats": 2, "start_date": call.start_date.isoformat(),
            "closes_on": call.closes_on.isoformat(), "profile": "Ändrad profil."}

    def page_call_publish(self):
        return "post", reverse("people:call_publish", args=[self.draft_call.pk]), {}

    def page_call_close(self):
        return "post", reverse("people:call_close", args=[self.open_call.pk]), {}

    def page_self_nominate(self):
        from django.test import override_settings

        # Every role posts from the same address; the limit is not what this matrix tests.
        self.enterContext(override_settings(SELF_NOMINATION_LIMIT_PER_HOUR=1000))
        return "post", reverse("people:self_nominate", args=[self.open_call.pk]), {
            "given_name": "Per", "family_name": "Anmälare", "email": "per.anmalare@example.se", "title": "Läkare",
            "home_region": self.orebro.pk, "motivation": "Forskar om hjärtsvikt.", "consent": "on"}

    def page_nominate(self):
        return "post", reverse("people:nominate", args=[self.open_call.pk]), {
            "person": self.people_nominee.pk, "motivation": "Erfaren kardiolog."}

    def page_nomination_decide(self):
        return "post", reverse("people:nomination_decide", args=[self.self_nomination.pk]), {
            "outcome": "godkand", "comment": "Förankrad med verksamhetschefen."}

    def page_nomination_withdraw(self):
        return "post", reverse("people:nomination_withdraw", args=[self.self_nomination.pk]), {}

    def page_declaration_create(self):
        return "post", reverse("people:declaration_create"), {
            "intresse-TOTAL_FORMS": "1", "intresse-INITIAL_FORMS": "0", "intresse-0-category": "forskning",
            "intresse-0-organisation": "Hjärt-Lungfonden", "intresse-0-description": "Projektanslag",
            "intresse-0-amount": "50000"}

    def page_declaration_assess(self):
        return "post", reverse("people:declaration_assess", args=[self.member_declaration.pk]), {
            "assessment": "inget_jav", "reasoning": "Inga band till företag inom området."}

    def page_assessor_add(self):
        return "post", reverse("people:assessors"), {"region": self.orebro.pk, "person": self.member.person.pk}

    def page_assessor_remove(self):
        return "post", reverse("people:assessor_remove", args=[self.orebro_assessor_row.pk]), {}

    def page_representative_create(self):
        return "post", reverse("people:representative_create"), {
            "region": self.orebro.pk, "person": self.orebro_person.pk, "kind": "narstaende",
            "recruited_through": "patientorganisation", "experience_areas": "Demens\nAnhörigstöd",
            "consent_on": timezone.localdate().isoformat(), "is_active": "on"}

    def page_representative_update(self):
        return "post", reverse("people:representative_update", args=[self.representative.pk]), {
            "kind": "patient", "recruited_through": "levande_bibliotek", "experience_areas": "Hjärtsvikt\nDiabetes",
            "consent_on": timezone.localdate().isoformat(), "is_active": "on"}

    def page_assignment_create(self):
        return "post", reverse("people:assignment_create", args=[self.representative.pk]), {
            "kind": "organ", "body": self.orebro_lpo.pk, "description": "Ledamot i LPO hjärta",
            "start_date": timezone.localdate().isoformat()}

    def page_claim_create(self):
        return "post", reverse("people:claim_create", args=[self.participation.pk]), {
            "worked_on": timezone.localdate().isoformat(), "hours": "2,5", "occasions": "1", "travel_km": "12",
            "travel_costs": "0"}

    def page_claim_decide(self):
        return "post", reverse("people:claim_decide", args=[self.submitted_claim.pk]), {"approve": "ja"}

    def page_compensation_model(self):
        return "post", reverse("people:compensation_model", args=["18"]), {
            "basis": "fast_arvode", "hourly_rate": "0", "fixed_fee": "800", "mileage_rate": "2,50"}

    def page_payable_list(self):
        return "post", reverse("people:payable_lists"), {
            "region": self.orebro.pk, "period": timezone.localdate().strftime("%Y-%m")}

    # --- people: API (requests) ----------------------------------------------------

    def api_call_create(self):
        today = timezone.localdate()
        return "post", "/api/v1/nomination-calls", {
            "body": self.heart_nag.pk, "start_date": (today + datetime.timedelta(days=60)).isoformat(),
            "closes_on": (today + datetime.timedelta(days=20)).isoformat(), "profile": "Kardiolog."}

    def api_call_update(self):
        return "patch", f"/api/v1/nomination-calls/{self.draft_call.pk}", {"seats": 2}

    def api_call_publish(self):
        return "post", f"/api/v1/nomination-calls/{self.draft_call.pk}/publication", {}

    def api_call_close(self):
        return "post", f"/api/v1/nomination-calls/{self.open_call.pk}/closure", {}

    def api_self_nominate(self):
        from django.test import override_settings

        # Every role posts from the same address; the limit is not what this matrix tests.
        self.enterContext(override_settings(SELF_NOMINATION_LIMIT_PER_HOUR=1000))
        return "post", f"/api/v1/nomination-calls/{self.open_call.pk}/self-nominations", {
            "given_name": "Pia", "family_name": "Anmälare", "email": "pia.anmalare@example.se", "title": "Läkare",
            "home_region": "18", "motivation": "Forskar om hjärtsvikt.", "consent": True}

    def api_nominate(self):
        return "post", f"/api/v1/nomination-calls/{self.open_call.pk}/nominations", {
            "person_id": self.people_nominee.pk, "motivation": "Erfaren kardiolog."}

    def api_nomination_decide(self):
        return "post", f"/api/v1/nominations/{self.self_nomination.pk}/decisions", {
            "outcome": "godkand", "comment": "Förankrad med verksamhetschefen."}

    def api_nomination_withdraw(self):
        return "post", f"/api/v1/nominations/{self.self_nomination.pk}/withdrawal", {}

    def api_declaration_create(self):
        return "post", "/api/v1/declarations", {"interests": [
            {"category": "forskning", "organisation": "Hjärt-Lungfonden", "description": "Projektanslag",
             "amount": 50000}]}

    def api_declaration_assess(self):
        return "post", f"/api/v1/declarations/{self.member_declaration.pk}/assessment", {
            "assessment": "inget_jav", "reasoning": "Inga band till företag inom området."}

    def api_assessor_add(self):
        return "post", "/api/v1/declaration-assessors", {"region": "18", "person_id": self.member.person.pk}

    def api_assessor_remove(self):
        return "delete", f"/api/v1/declaration-assessors/{self.orebro_assessor_row.pk}", {}

    def api_representative_create(self):
        return "post", "/api/v1/representatives", {
            "region": "18", "person_id": self.orebro_person.pk, "kind": "narstaende",
            "recruited_through": "patientorganisation", "experience_areas": ["Demens", "Anhörigstöd"],
            "consent_on": timezone.localdate().isoformat()}

    def api_representative_update(self):
        return "patch", f"/api/v1/representatives/{self.representative.pk}", {"availability": "Kvällar"}

    def api_assignment_create(self):
        return "post", f"/api/v1/representatives/{self.representative.pk}/assignments", {
            "kind": "organ", "body": self.orebro_lpo.pk, "description": "Ledamot i LPO hjärta",
            "start_date": timezone.localdate().isoformat()}

    def api_claim_create(self):
        return "post", f"/api/v1/participation-assignments/{self.participation.pk}/claims", {
            "worked_on": timezone.localdate().isoformat(), "hours": "2.5", "travel_km": "12"}

    def api_claim_decide(self):
        return "post", f"/api/v1/compensation-claims/{self.submitted_claim.pk}/decision", {"approve": True}

    def api_compensation_model(self):
        return "put", "/api/v1/regions/18/compensation-model", {
            "basis": "fast_arvode", "hourly_rate": "0", "fixed_fee": "800", "mileage_rate": "2.50"}

    def api_payable_list(self):
        return "post", "/api/v1/payable-lists", {"region": "18", "period": timezone.localdate().strftime("%Y-%m")}

    # --- running a case ------------------------------------------------------------

    def outcome(self, case: Case, role: str) -> int:
        method, url, payload = getattr(self, case.build)()
        user = None if role == "anonymous" else getattr(self, role)
        self.client.logout()
        if case.api:
            headers = {}
            if user is not None:
                headers["Authorization"] = "Bearer " + ApiToken.issue(user=user, name="matrix")[1]
            if method == "multipart":
                response = self.client.post(url, payload, headers=headers)
            else:
                response = getattr(self.client, method)(url, data=json.dumps(payload),
                                                        content_type="application/json", headers=headers)
        else:
            if user is not None:
                self.client.force_login(user)
            response = self.client.post(url, payload)
        return response

    def assertOutcome(self, case: Case, role: str, response):
        allowed = role in case.allowed
        if case.api:
            expected = ({200, 201} if allowed else {401} if role == "anonymous" else {403})
        else:
            expected = {302} if allowed or role == "anonymous" else {403}
        self.assertIn(response.status_code, expected, getattr(response, "content", b"")[:400])
        if not case.api and response.status_code == 302:
            is_login = response["Location"].startswith(reverse("accounts:login"))
            self.assertEqual(is_login, not allowed, response["Location"])
            # Some views answer a refused rule with a redirect and a message: success means no error.
            errors = [str(m) for m in get_messages(response.wsgi_request) if m.level >= messages.ERROR]
            self.assertEqual(errors, [])

    def test_every_write_endpoint_for_every_role(self):
        for case in CASES:
            for role in case.roles:
                with self.subTest(case=case.label, role=role):
                    with transaction.atomic():
                        response = self.outcome(case, role)
                        self.assertOutcome(case, role, response)
                        transaction.set_rollback(True)

    def test_every_page_is_classified(self):
        names = set(_route_names(get_resolver().url_patterns))
        classified = READ_ONLY | SESSION_WRITES | JOURNAL_WRITES | {c.route for c in CASES if not c.api}
        self.assertEqual(names - classified, set(), "new URL: add it to READ_ONLY or give it write cases")
        self.assertEqual(classified - names, set(), "classified URL no longer exists")

    def test_journal_writes_refuse_every_session(self):
        from kunskapsnav.knowledge.models import CardFeedback

        feedback = {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden",
                                  "outcomeTimestamp": "2026-12-01T00:00:00Z"}]}
        for role in ROLES:
            for name in sorted(JOURNAL_WRITES):
                with self.subTest(role=role, route=name):
                    self.client.logout()
                    if role != "anonymous":
                        self.client.force_login(getattr(self, role))
                    response = self.client.post(reverse(name, args=["kunskapsstod-patient-view"]),
                                                data=json.dumps(feedback), content_type="application/json")
                    self.assertEqual(response.status_code, 401)
        self.assertEqual(CardFeedback.objects.count(), 0)

    def test_every_api_write_operation_has_cases(self):
        document = self.client.get("/api/v1/openapi.json").json()
        writes = {
            f"{method.upper()} {path}"
            for path, operations in document["paths"].items()
            for method in operations
            if method in {"post", "put", "patch", "delete"}
        }
        self.assertEqual(writes, {c.route for c in CASES if c.api})

    def test_read_only_pages_refuse_post(self):
        self.client.force_login(self.admin)
        samples = {
            "knowledge:support_detail": [self.heart_pathway.pk],
            "knowledge:version_detail": [self.heart_pathway.pk, 1],
            "knowledge:version_diff": [self.heart_pathway.pk],
            "knowledge:support_export": [self.heart_pathway.pk],
            "knowledge:attachment_download": [1],
            "knowledge:npo_feed": [self.heart_npo.pk],
            "knowledge:type_feed": ["vardforlopp"],
            "fhir": ["PlanDefinition"],
            "reports:report_detail": [self.region_report.pk],
            "reports:report_document": [self.region_report.pk],
            "reports:report_pdf": [self.region_report.pk],
            "reports:report_xlsx": [self.region_report.pk],
            "organisation:body_detail": [self.orebro_lpo.pk],
            "organisation:person_detail": [self.orebro_person.pk],
            "organisation:region_detail": ["18"],
            "organisation:region_coverage_csv": ["18"],
            "organisation:healthcare_region_detail": ["mellansverige"],
            "consultation:round_detail": [self.open_round.pk],
            "consultation:invitation_detail": [self.draft_invitation.pk],
            "consultation:compilation": [self.open_round.pk],
            "consultation:compilation_export": [self.open_round.pk, "csv"],
            "implementation:region": ["18"],
            "implementation:body": [self.orebro_lpo.pk],
            "implementation:support_progress": [self.heart_pathway.pk],
            "implementation:adoption_detail": [self.mapping.pk],
            "implementation:decision_attachment": [1],
            "indicators:indicator_detail": ["HS-RAS"],
            "indicators:values_csv": ["HS-RAS"],
            "indicators:run_detail": [1],
            "indicators:indicator_analysis": ["HS-RAS"],
            "indicators:chart_download": ["HS-RAS", "tratt", "csv"],
            "needs:need_detail": [1],
            "lowvalue:practice_detail": [self.low_value_practice.pk],
            "coherence:body_queue": [self.heart_npo.pk],
            "coherence:candidate_detail": [self.coherence_candidate.pk],
            "coherence:support_section": [self.heart_pathway.pk],
        }
        # people: pages
        samples.update({name: [1] for name in (
            "people:call_detail", "people:self_nomination_thanks", "people:nomination_detail",
            "people:declaration_detail", "people:body_seats", "people:representative_detail", "people:payable_csv")})
        for name in READ_ONLY:
            with self.subTest(page=name):
                response = self.client.post(reverse(name, args=samples.get(name, [])))
                self.assertEqual(response.status_code, 405)
