"""Every page and API read of personal data × every role, beside the write matrix
(tests/test_write_permissions.py), with the same personas and roles plus the people app's
(Örebro's designated assessor, a member of Örebro's RMKS, the nominee and a representative in
Örebro's pool). The data lives in Region Örebro län: own region for the Örebro personas,
another region for the Uppsala coordinator, and anonymous readers.

Personal data here: declarations (ties, amounts, assessment, the measures derived from
them), nominations and their chain, the pool (contact details, the salary system's
reference), assignments and claims, payable lists, one's own data, a region's internal remiss
work, a region's unshared adoption, and who the public finds in the registry.

Each case names the roles that read the data (200, and the data is in the answer) and the
roles that get the page or list without it; every other role is refused (the login page,
401, 403 or 404). No answer to a role outside the readers contains the data: the content is
checked, not only the status.

Before the matrix runs, the Uppsala coordinator tries every relation to Örebro's people they
can make on their own: a seat for a day in a body they chair, a nomination to a seat of their
own region, a self-nomination typed with the nominee's address, a pool entry with an
assignment, and their region's contact seat in an NPO. Their rows are the escalation paths.

The test fails when a URL or an API GET operation exists that this file does not classify:
a new read cannot be added without stating who may see what it shows.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from test_write_permissions import ROLES, _route_names  # the write matrix's roles and URL walk

from kunskapsnav.accounts.models import ApiToken
from kunskapsnav.consultation import answers
from kunskapsnav.consultation.rounds import round_open
from kunskapsnav.implementation import stages, work
from kunskapsnav.implementation.models import Adoption, Stage
from kunskapsnav.knowledge import content, lifecycle
from kunskapsnav.knowledge.models import SupportType
from kunskapsnav.knowledge.tests.personas import KnowledgeTestCase
from kunskapsnav.organisation import bodies, memberships, people as registry_people
from kunskapsnav.organisation.models import Membership, Role
from kunskapsnav.organisation.tests.personas import make_person, make_user
from kunskapsnav.people import chain, compensation, declarations, nominations, participation
from kunskapsnav.people.models import NominationStatus
from kunskapsnav.people.tests.personas import PeopleTestCase, open_call
from kunskapsnav.reports import making
from kunskapsnav.reports.models import ReportKind

READ_ROLES = ROLES + ["orebro_assessor", "rmks_member", "nominee", "representative"]
LOGGED_IN = frozenset(READ_ROLES) - {"anonymous"}
EVERYONE = frozenset(READ_ROLES)

# What each piece of personal data is recognised by in an answer (ASCII, so that it reads the
# same in HTML, CSV and JSON).
NOMINEE_TIE = "Xenofarm"          # the nominee's declared tie; a chain seat in Örebro's LPO
MEMBER_TIE = "Yttrium"            # the member's declared tie; a seat entered in the registry
MEASURES = "Tantalstudien"        # the measures of the NPO editor's assessed declaration
SELF_NOMINEE = "Quistberg"        # a self-nominee from Örebro to the heart NAG
CHAIN_MOTIVATION = "Koboltstudien"  # the motivation of the nominee's nomination
REPRESENTATIVE = "Zetterqvist"    # a representative in Örebro's pool, with no seat
REPORT_ASSESSMENT = "Vanadinbedomning"  # Örebro's assessment in its draft annual report
REPORT_DRAFT_READERS = frozenset({"orebro_coordinator", "admin", "analyst"})
PAYEE = "ARV-4242"                # the representative's reference in the salary system
ASSIGNMENT = "Niobuppdraget"      # the representative's assignment
CLAIM = "Vanadinresa"             # a note on the representative's claim
INTERNAL_COMMENT = "Kvanthav"     # an internal remiss comment inside Örebro
REMISS_ASSIGNMENT = "Neodymberedning"  # Örebro's internal remiss assignment
DRAFT_ANSWER = "Lantanutkast"     # Örebro's draft remiss answer
GAP = "Wolframpraxis"             # Örebro's unshared gap analysis
SHARED_PARTICIPANT = "Patientsdotter"  # a patient taking part in Uppsala's shared adoption
OPEN_NEED = "Molybdenbehov"       # the title of a need sent by Örebro's member, not yet decided
NEED_SUBMISSION = "Rodiumbeskrivning"  # the problem as written in a decided need (the public reads the decision)

# The readers of Örebro's unshared adoption: the region (its coordinators and the people of
# its local bodies) and the national side.
OREBRO_WORK = frozenset({"orebro_coordinator", "chair", "member", "rmks_member", "admin", "analyst", "npo_editor",
                         "sks_chair"})
SELF_NOMINATION_READERS = frozenset({"orebro_coordinator", "rmks_member", "npo_editor", "admin"})
NOMINEE_DECLARATION_READERS = frozenset({"nominee", "orebro_coordinator", "orebro_assessor", "chair", "admin"})
POOL_READERS = frozenset({"orebro_coordinator", "admin"})
INSIDE_OREBRO_REMISS = frozenset({"orebro_coordinator", "chair", "member", "admin"})


@dataclass
class Case:
    label: str
    route: str  # URL name for pages, "GET /api/v1/path" for the API
    build: str  # name of the method on the test case that returns the URL
    readers: frozenset  # 200, and `shows` in the answer
    shows: str | None  # what the personal data is recognised by; None: the status is what counts
    served: frozenset = field(default_factory=frozenset)  # also 200, without the data
    api: bool = False


CASES = [
    # --- annual reports: a region's draft for its makers, published reports for all -----------
    Case("Örebro's draft annual report", "reports:report_detail", "page_region_report", REPORT_DRAFT_READERS,
         REPORT_ASSESSMENT),
    Case("Örebro's draft annual report as a document", "reports:report_document", "page_region_report_document",
         REPORT_DRAFT_READERS, REPORT_ASSESSMENT),
    Case("Örebro's draft annual report's tables", "reports:report_xlsx", "page_region_report_xlsx",
         REPORT_DRAFT_READERS, None),
    Case("Örebro's draft annual report as PDF", "reports:report_pdf", "page_region_report_pdf",
         REPORT_DRAFT_READERS, None),
    Case("API Örebro's draft annual report", "GET /api/v1/reports/{report_id}", "api_region_report",
         REPORT_DRAFT_READERS, REPORT_ASSESSMENT, api=True),
    Case("API the annual reports", "GET /api/v1/reports", "api_reports", REPORT_DRAFT_READERS,
         "region-report-id", served=EVERYONE, api=True),
    Case("the list of annual reports", "reports:report_list", "page_reports", REPORT_DRAFT_READERS,
         "region-report-link", served=EVERYONE),
    # --- declarations -------------------------------------------------------------------
    Case("the nominee's declaration (seated in Örebro's LPO by the chain)", "people:declaration_detail",
         "page_nominee_declaration", NOMINEE_DECLARATION_READERS, NOMINEE_TIE),
    Case("API the nominee's declaration", "GET /api/v1/declarations/{declaration_id}", "api_nominee_declaration",
         NOMINEE_DECLARATION_READERS, NOMINEE_TIE, api=True),
    Case("the member's declaration (a seat entered in the registry: not the chair's)", "people:declaration_detail",
         "page_member_declaration", frozenset({"member", "orebro_coordinator", "orebro_assessor", "admin"}),
         MEMBER_TIE),
    Case("assessing the member's declaration", "people:declaration_assess", "page_member_assessment",
         frozenset({"orebro_assessor"}), MEMBER_TIE),
    Case("API declarations one may see", "GET /api/v1/declarations", "api_declarations",
         NOMINEE_DECLARATION_READERS, "Nora nominee", served=LOGGED_IN, api=True),
    Case("one's own declarations", "people:my_declarations", "page_my_declarations", frozenset({"nominee"}),
         "nominee-declaration-link", served=LOGGED_IN),
    Case("the assessor's queue", "people:assessor_queue", "page_assessor_queue", frozenset({"orebro_assessor"}),
         "Test member", served=frozenset({"admin"})),
    Case("a seat's measures (heart NPO)", "people:body_seats", "page_npo_seats", LOGGED_IN, MEASURES,
         served=EVERYONE),
    Case("API a seat's measures (heart NPO)", "GET /api/v1/bodies/{body_id}/seats", "api_npo_seats", LOGGED_IN,
         MEASURES, served=EVERYONE, api=True),
    Case("the measures on the NPO's support", "knowledge:support_detail", "page_support", LOGGED_IN, MEASURES,
         served=EVERYONE),
    Case("the measures on a version of the NPO's support", "knowledge:version_detail", "page_version", LOGGED_IN,
         MEASURES, served=EVERYONE),
    # --- nominations and their chain --------------------------------------------------
    Case("a self-nomination from Örebro", "people:nomination_detail", "page_self_nomination",
         SELF_NOMINATION_READERS, SELF_NOMINEE),
    Case("API a self-nomination from Örebro", "GET /api/v1/nominations/{nomination_id}", "api_self_nomination",
         SELF_NOMINATION_READERS, SELF_NOMINEE, api=True),
    Case("the nominee's nomination through the chain", "people:nomination_detail", "page_chain_nomination",
         frozenset({"orebro_coordinator", "rmks_member", "nominee", "admin"}), CHAIN_MOTIVATION),
    Case("API nominations one may see", "GET /api/v1/nominations", "api_nominations", SELF_NOMINATION_READERS,
         SELF_NOMINEE, served=LOGGED_IN, api=True),
    Case("the call's nominations", "people:call_detail", "page_call", SELF_NOMINATION_READERS, SELF_NOMINEE,
         served=EVERYONE),
    Case("the coordinator's overview", "people:coordination", "page_coordination", POOL_READERS, SELF_NOMINEE,
         served=frozenset({"uppsala_coordinator"})),
    Case("what waits on the start page", "home", "page_home", frozenset({"orebro_coordinator", "admin"}),
         SELF_NOMINEE, served=EVERYONE),
    Case("the people a coordinator may nominate", "people:nominate", "page_nominate", POOL_READERS, REPRESENTATIVE,
         served=frozenset({"uppsala_coordinator"})),
    # --- the pool, assignments, claims and payable lists ------------------------------
    Case("Örebro's pool", "people:pool", "page_pool", POOL_READERS, REPRESENTATIVE,
         served=frozenset({"uppsala_coordinator"})),
    Case("a representative with contact details", "people:representative_detail", "page_representative",
         POOL_READERS | {"representative"}, PAYEE),
    Case("editing a representative", "people:representative_update", "page_representative_update", POOL_READERS,
         PAYEE),
    Case("the people offered for the pool", "people:representative_create", "page_representative_create",
         POOL_READERS, "Nora nominee", served=frozenset({"uppsala_coordinator"})),
    Case("a representative's new assignment", "people:assignment_create", "page_assignment_create", POOL_READERS,
         REPRESENTATIVE),
    Case("a claim for the assignment", "people:claim_create", "page_claim_create",
         POOL_READERS | {"representative"}, ASSIGNMENT),
    Case("API the pool", "GET /api/v1/representatives", "api_representatives", POOL_READERS | {"representative"},
         PAYEE, served=LOGGED_IN, api=True),
    Case("API a representative", "GET /api/v1/representatives/{representative_id}", "api_representative",
         POOL_READERS | {"representative"}, PAYEE, api=True),
    Case("API an assignment with its claims", "GET /api/v1/participation-assignments/{assignment_id}",
         "api_assignment", POOL_READERS | {"representative"}, CLAIM, api=True),
    Case("payable lists", "people:payable_lists", "page_payable_lists", POOL_READERS, "payable-list-link",
         served=frozenset({"uppsala_coordinator"})),
    Case("a payable list for the salary system", "people:payable_csv", "page_payable_csv", POOL_READERS, PAYEE),
    Case("API payable lists", "GET /api/v1/payable-lists", "api_payable_lists", POOL_READERS, "payable-list-id",
         served=LOGGED_IN, api=True),
    Case("API a payable list for the salary system", "GET /api/v1/payable-lists/{payable_list_id}/csv",
         "api_payable_csv", POOL_READERS, PAYEE, api=True),
    Case("the experts' time per body and region", "people:expert_time", "page_expert_time",
         POOL_READERS | {"uppsala_coordinator"}, None),
    Case("the experts' time as CSV", "people:expert_time_csv", "page_expert_time_csv",
         POOL_READERS | {"uppsala_coordinator"}, None),
    Case("API the experts' time", "GET /api/v1/expert-time", "api_expert_time",
         POOL_READERS | {"uppsala_coordinator"}, None, api=True),
    # --- one's own data -----------------------------------------------------------------
    Case("one's own data", "people:own_data_export", "page_own_data", frozenset({"nominee"}), NOMINEE_TIE,
         served=LOGGED_IN),
    Case("API one's own data", "GET /api/v1/me/export", "api_own_data", frozenset({"nominee"}), NOMINEE_TIE,
         served=LOGGED_IN, api=True),
    # --- the registry -------------------------------------------------------------------
    Case("a representative without a seat in the registry", "organisation:person_detail", "page_person",
         LOGGED_IN, REPRESENTATIVE),
    Case("API a representative without a seat in the registry", "GET /api/v1/people/{person_id}", "api_person",
         LOGGED_IN, REPRESENTATIVE, api=True),
    Case("who changed a body's seats", "organisation:body_detail", "page_body", LOGGED_IN, "rmks_member",
         served=EVERYONE),
    Case("editing a person (with their e-mail)", "organisation:person_update", "page_person_update",
         frozenset({"nominee", "orebro_coordinator", "admin"}), "nominee@example.se"),
    Case("the people offered for a seat", "organisation:membership_create", "page_membership_create",
         POOL_READERS, REPRESENTATIVE),
    Case("editing a seat", "organisation:membership_update", "page_membership_update", POOL_READERS, None),
    Case("the designated assessors of one's regions", "people:assessors", "page_assessors", POOL_READERS,
         "Test orebro_assessor", served=frozenset({"uppsala_coordinator"})),
    # --- a region's internal remiss work ------------------------------------------------
    Case("Örebro's remiss inside", "consultation:invitation_detail", "page_invitation", INSIDE_OREBRO_REMISS,
         INTERNAL_COMMENT),
    Case("composing Örebro's answer", "consultation:answer_compose", "page_answer_compose", POOL_READERS,
         DRAFT_ANSWER),
    Case("API Örebro's internal comments", "GET /api/v1/remiss-invitations/{invitation_id}/comments",
         "api_comments", INSIDE_OREBRO_REMISS, INTERNAL_COMMENT, api=True),
    Case("API Örebro's internal assignments", "GET /api/v1/remiss-invitations/{invitation_id}/assignments",
         "api_remiss_assignments", INSIDE_OREBRO_REMISS, REMISS_ASSIGNMENT, api=True),
    Case("API Örebro's draft answer", "GET /api/v1/remiss-invitations/{invitation_id}/answer", "api_answer",
         POOL_READERS, DRAFT_ANSWER, api=True),
    Case("the round (no party's inside)", "consultation:round_detail", "page_round", frozenset(), INTERNAL_COMMENT,
         served=EVERYONE),
    Case("API the round (no party's inside)", "GET /api/v1/remiss-rounds/{round_id}", "api_round", frozenset(),
         INTERNAL_COMMENT, served=EVERYONE, api=True),
    Case("the compilation (no party's inside)", "consultation:compilation", "page_compilation", frozenset(),
         INTERNAL_COMMENT, served=frozenset({"npo_editor", "admin"})),
    Case("the compilation exported (no party's inside)", "consultation:compilation_export",
         "page_compilation_export", frozenset(), INTERNAL_COMMENT, served=frozenset({"npo_editor", "admin"})),
    Case("API the compilation (no party's inside)", "GET /api/v1/remiss-rounds/{round_id}/compilation",
         "api_compilation", frozenset(), INTERNAL_COMMENT, served=frozenset({"npo_editor", "admin"}), api=True),
    # --- a region's unshared adoption ---------------------------------------------------
    Case("Örebro's unshared adoption", "implementation:adoption_detail", "page_adoption", OREBRO_WORK, GAP),
    Case("Örebro's unshared gap analysis", "implementation:gap_analysis", "page_gap_analysis",
         frozenset({"orebro_coordinator", "chair", "member", "admin"}), GAP),
    Case("Örebro's unshared decision", "implementation:decision_attachment", "page_decision_attachment",
         OREBRO_WORK, "%PDF"),
    Case("Örebro's dashboard", "implementation:region", "page_region_dashboard", OREBRO_WORK, "adoption-link",
         served=EVERYONE),
    Case("the LPO's adoptions", "implementation:body", "page_body_adoptions", OREBRO_WORK, "adoption-link",
         served=EVERYONE),
    Case("the national matrix", "implementation:matrix", "page_matrix", OREBRO_WORK, "adoption-link",
         served=EVERYONE),
    Case("the national matrix as CSV", "implementation:matrix_csv", "page_matrix_csv", OREBRO_WORK, "Beslut",
         served=EVERYONE),
    Case("a shared adoption's participants", "implementation:adoption_detail", "page_shared_adoption", LOGGED_IN,
         SHARED_PARTICIPANT, served=EVERYONE),
    Case("API Örebro's unshared adoption", "GET /api/v1/adoptions/{adoption_id}", "api_adoption", OREBRO_WORK,
         GAP, api=True),
    Case("API adoptions one may see", "GET /api/v1/adoptions", "api_adoptions", OREBRO_WORK, "adoption-id",
         served=EVERYONE, api=True),
    Case("API the national matrix", "GET /api/v1/implementation-matrix", "api_matrix", OREBRO_WORK, "matrix-stage",
         served=EVERYONE, api=True),
    # --- needs (behov): every need for people who work in the system, decided ones for all -
    Case("the national list of needs", "needs:need_list", "page_needs", LOGGED_IN, OPEN_NEED, served=EVERYONE),
    Case("a need not yet decided", "needs:need_detail", "page_open_need", LOGGED_IN, OPEN_NEED),
    Case("a decided need's submission (the public reads the decision only)", "needs:need_detail",
         "page_decided_need", LOGGED_IN, NEED_SUBMISSION, served=EVERYONE),
    Case("API the national list of needs", "GET /api/v1/needs", "api_needs", LOGGED_IN, OPEN_NEED, served=EVERYONE,
         api=True),
    Case("API a decided need's submission", "GET /api/v1/needs/{need_id}", "api_decided_need", LOGGED_IN,
         NEED_SUBMISSION, served=EVERYONE, api=True),
    # --- lågvärdig vård: who changed a practice; Örebro's unshared stage in the national view ---
    Case("who changed a low-value practice", "lowvalue:practice_detail", "page_low_value_practice", LOGGED_IN,
         "sks_chair", served=EVERYONE),
    Case("Örebro's unshared stage in the low-value national view", "lowvalue:national_view",
         "page_low_value_view", OREBRO_WORK, "low-value-stage", served=EVERYONE),
    Case("API Örebro's unshared stage in the low-value national view", "GET /api/v1/low-value-care/national-view",
         "api_low_value_view", OREBRO_WORK, "low-value-stage-id", served=EVERYONE, api=True),
]

# Pages that show no personal data (or only the reader's own form): knowledge supports,
# indicators (aggregated, small counts suppressed), empty forms, the public call pages.
NO_PERSONAL_DATA = {
    "healthz", "accounts:login", "accounts:password_set", "accounts:password_set_done",
    # sign-in through a provider: a redirect to the provider, and its answer (a sign-in or
    # the Swedish refusal, which names no one)
    "sso:start", "sso:callback",
    "knowledge:support_list", "knowledge:search", "knowledge:review_due", "knowledge:support_create",
    "knowledge:support_import", "knowledge:support_update", "knowledge:support_export", "knowledge:version_diff",
    "knowledge:version_update", "knowledge:recommendation_create", "knowledge:recommendation_update",
    "knowledge:addition_save", "knowledge:attachment_add", "knowledge:attachment_download",
    # Atom feeds of publications and withdrawals: titles, versions and the issuing body only
    "knowledge:npo_feed", "knowledge:type_feed",
    "organisation:body_list", "organisation:body_list_csv", "organisation:body_create", "organisation:body_update",
    "organisation:person_create", "organisation:region_list",
    "people:call_list", "people:call_create", "people:call_update", "people:self_nominate",
    "people:self_nomination_thanks", "people:declaration_create", "people:compensation_model",
    "consultation:round_list", "consultation:round_create", "implementation:decision_order",
    # counts per stage (a support's progress) and the list of regions to choose from
    "implementation:support_progress", "implementation:overview",
    "set_language",  # a GET only sends the visitor back
    "needs:need_create",  # the empty form, with the bodies the reader sits in
    "indicators:indicator_list", "indicators:run_list", "indicators:run_start", "indicators:run_detail",
    "indicators:values_import", "indicators:indicator_detail", "indicators:values_csv",
    "indicators:indicator_analysis", "indicators:chart_download",
    # FHIR R4: public versions of supports and the registry's regions, kommuner and bodies, no people
    "fhir",
    # CDS Hooks: the list of services; the cards of valid national recommendations (to a
    # registered journal only), and a count of feedback, answered with its number
    "cds:discovery", "cds:service", "cds:feedback",
    # the register of low-value care and its forms: practices, codes and sources, no people
    "lowvalue:practice_list", "lowvalue:practice_create", "lowvalue:practice_update", "lowvalue:practice_links",
}
# Public by rule: people in their official roles (seats, contact persons, KSG members), whom
# the public registry exists to show (docs/architecture.md, "Who the public finds").
PUBLIC_ROLES = {
    "organisation:region_detail", "organisation:region_coverage_csv", "organisation:coverage_matrix",
    "organisation:coverage_matrix_csv", "organisation:healthcare_region_detail",
}
# Writes that answer no GET at all (checked below): nothing to read.
POST_ONLY = {
    "accounts:logout",
    "people:call_publish", "people:call_close", "people:nomination_decide", "people:nomination_withdraw",
    "people:assessor_remove", "people:claim_decide",
    "knowledge:version_create_next", "knowledge:version_transition", "knowledge:recommendation_delete",
    "knowledge:recommendation_move", "knowledge:addition_delete", "knowledge:subscription_toggle",
    "knowledge:npo_subscription_toggle",
    "consultation:invitation_add", "consultation:assignment_add", "consultation:comment_add",
    "consultation:answer_submit", "consultation:answer_withdraw", "consultation:response_save",
    "reports:report_request", "reports:report_move", "reports:assessment_save", "organisation:mandate_adopt",
    "consultation:compilation_publish",
    "implementation:adoption_move", "implementation:participant_add", "implementation:decision_record",
    "implementation:care_field_set", "implementation:action_add", "implementation:action_update",
    "implementation:measure_add", "implementation:cadence_set", "implementation:review_record",
    "implementation:sharing_set", "implementation:adoption_start",
    "indicators:limits_recalculate", "indicators:limits_recalculation_remove", "indicators:chart_settings_change",
    "needs:need_step",
}
# API reads with no personal data, or people only in their public roles.
API_NO_PERSONAL_DATA = {
    "GET /api/v1/healthcare-regions", "GET /api/v1/regions", "GET /api/v1/regions/{county_code}",
    "GET /api/v1/municipalities", "GET /api/v1/bodies", "GET /api/v1/bodies/{body_id}",
    "GET /api/v1/coverage/regions", "GET /api/v1/coverage/regions/{county_code}",
    "GET /api/v1/coverage/healthcare-regions/{code}",
    "GET /api/v1/supports", "GET /api/v1/supports/{support_id}", "GET /api/v1/supports/{support_id}/versions",
    "GET /api/v1/supports/{support_id}/versions/{number}",
    "GET /api/v1/supports/{support_id}/versions/{number}/additions", "GET /api/v1/search",
    "GET /api/v1/supports/{support_id}/diff",
    # uptake in the journals: counts per card, region and day, small counts suppressed
    "GET /api/v1/supports/{support_id}/versions/{number}/uptake",
    # the change feed: kinds, ids, länskoder and times of public content, no one who made them
    "GET /api/v1/changes",
    "GET /api/v1/indicators", "GET /api/v1/indicators/{code}", "GET /api/v1/indicators/{code}/values",
    "GET /api/v1/indicator-runs/{run_id}", "GET /api/v1/indicators/{code}/variation",
    "GET /api/v1/nomination-calls", "GET /api/v1/nomination-calls/{call_id}",
    "GET /api/v1/regions/{county_code}/compensation-model", "GET /api/v1/regions/{county_code}/decision-rules",
    "GET /api/v1/remiss-rounds",
    # public roles: the seats of bodies and the designated assessors of each region
    "GET /api/v1/memberships", "GET /api/v1/declaration-assessors",
    # the register of low-value care: practices, codes, sources and links, no one who made them
    "GET /api/v1/low-value-practices", "GET /api/v1/low-value-practices/{practice_id}",
}

# --- coherence (kunskapsnav.coherence) -----------------------------------------------
# Pairs of published recommendations and the decisions on them: texts anyone can read. Who
# decided (a username) is shown to logged-in users only, as the change history's authors are
# (organisation.permissions.can_see_change_authors), and never in the API.
NO_PERSONAL_DATA |= {
    "coherence:overview", "coherence:body_queue", "coherence:sks_queue", "coherence:candidate_detail",
    "coherence:run_list", "coherence:support_section",
}
POST_ONLY |= {"coherence:candidate_decide", "coherence:run_start"}
API_NO_PERSONAL_DATA |= {
    "GET /api/v1/coherence/candidates", "GET /api/v1/coherence/candidates/{candidate_id}",
    "GET /api/v1/coherence/runs/{run_id}",
}
# --- end of coherence ------------------------------------------------------------------

REFUSED = {302, 401, 403, 404}


def _rows(body: str) -> list:
    """The rows of a JSON list; none for anything else (a refusal's detail, an HTML page)."""
    try:
        found = json.loads(body)
    except ValueError:
        return []
    return found if isinstance(found, list) else []


class ReadPermissionMatrixTests(KnowledgeTestCase, PeopleTestCase):
    """KnowledgeTestCase (sks_chair, the published heart pathway) on top of PeopleTestCase
    (rmks_member, orebro_assessor, nominee, heart_nag), both on the registry personas."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.declarations_setup()
        cls.nominations_setup()
        cls.pool_setup()
        cls.remiss_setup()
        cls.implementation_setup()
        cls.escalation_setup()
        cls.reports_setup()
        cls.needs_setup()
        cls.lowvalue_setup()
        cls.tokens = {role: ApiToken.issue(user=getattr(cls, role), name="matrix")[1] for role in LOGGED_IN}

    # --- setup ---------------------------------------------------------------------

    @classmethod
    def needs_setup(cls):
        """Two needs from Örebro's member for LPO hjärta in the heart NPO's area: one just sent,
        one decided by the NPO."""
        from kunskapsnav.needs import triage

        texts = {"target_group": "Vuxna", "evidence": "Variation", "affected": "Patienter", "area": cls.heart_npo,
                 "on_behalf_of": cls.orebro_lpo}
        cls.open_need = triage.need_submit(by=cls.member, title=OPEN_NEED, problem="Problem", **texts)
        cls.decided_need = triage.need_submit(by=cls.member, title="Beslutat behov", problem=NEED_SUBMISSION,
                                              **texts)
        triage.triage_start(by=cls.npo_editor, need=cls.decided_need)
        triage.triage_decide(by=cls.npo_editor, need=cls.decided_need, decision="ingen_atgard", priority=3,
                             reason="Finns redan")

    @classmethod
    def declarations_setup(cls):
        """The nominee's declaration, assessed; the member's, waiting for Örebro's assessor;
        the NPO editor's, assessed with measures by a national administrator (Skåne has no
        assessor)."""
        cls.nominee_declaration = declarations.declaration_submit(
            by=cls.nominee, person=cls.nominee.person, nothing_to_declare=False, interests=[{
                "category": "konsultuppdrag", "organisation": f"{NOMINEE_TIE} AB", "description": "Föreläsning",
                "amount": 48000}])
        declarations.declaration_assess(by=cls.orebro_assessor, declaration=cls.nominee_declaration,
                                        assessment="inget_jav", reasoning="Ett enstaka arvode.")
        cls.member_declaration = declarations.declaration_submit(
            by=cls.member, person=cls.member.person, nothing_to_declare=False, interests=[{
                "category": "agande", "organisation": f"{MEMBER_TIE} Invest", "description": "Aktier"}])
        editor_declaration = declarations.declaration_submit(
            by=cls.npo_editor, person=cls.npo_editor.person, nothing_to_declare=False, interests=[{
                "category": "forskning", "organisation": "Hjärtfonden", "description": "Anslag"}])
        declarations.declaration_assess(by=cls.admin, declaration=editor_declaration, assessment="jav_med_atgarder",
                                        reasoning="Forskningsanslag.", measures=f"Deltar inte i {MEASURES}.")

    @classmethod
    def nominations_setup(cls):
        """A self-nomination from Örebro to the heart NAG at the kunskapsstödsgrupp's step;
        the nominee nominated by Örebro's group to a seat in Örebro's LPO and seated by the
        chain (RMKS approves), so that the LPO's chair reads the nominee's declaration."""
        cls.nag_call = open_call(by=cls.npo_editor, body=cls.heart_nag, self_nomination_allowed=True)
        cls.self_nomination = nominations.nomination_self_submit(
            call=cls.nag_call, sender="192.0.2.1", given_name="Sara", family_name=SELF_NOMINEE,
            email="sara.q@example.se", title="Sjuksköterska", home_region=cls.orebro,
            motivation="Tio år i hjärtsviktsvård.")
        lpo_call = open_call(by=cls.orebro_coordinator, body=cls.orebro_lpo)
        cls.chain_nomination = nominations.nomination_create(
            by=cls.orebro_coordinator, call=lpo_call, person=cls.nominee.person,
            motivation=f"Erfaren av {CHAIN_MOTIVATION}.")
        chain.nomination_decide(by=cls.orebro_coordinator, nomination=cls.chain_nomination, outcome="godkand")
        chain.nomination_decide(by=cls.rmks_member, nomination=cls.chain_nomination, outcome="godkand")
        cls.chain_nomination.refresh_from_db()
        assert cls.chain_nomination.status == NominationStatus.SEATED

    @classmethod
    def pool_setup(cls):
        """A representative in Örebro's pool (an account of their own, no seat) with an
        assignment, a submitted and an approved claim, and this month's payable list."""
        cls.representative = make_user("representative")
        rep_person = registry_people.person_create(by=cls.orebro_coordinator, given_name="Rut",
                                                   family_name=REPRESENTATIVE, home_region=cls.orebro,
                                                   user=cls.representative)
        cls.rep = participation.representative_add(
            by=cls.orebro_coordinator, person=rep_person, region=cls.orebro, kind="patient",
            recruited_through="levande_bibliotek", experience_areas="Hjärtsvikt", phone="070-999 88 77",
            payee_reference=PAYEE, consent_on=cls.today)
        cls.assignment = participation.assignment_create(
            by=cls.orebro_coordinator, representative=cls.rep, kind="annat", description=ASSIGNMENT,
            start_date=cls.today - datetime.timedelta(days=30))
        compensation.compensation_model_set(by=cls.orebro_coordinator, region=cls.orebro, basis="timarvode",
                                            hourly_rate=Decimal("250"), fixed_fee=Decimal("0"),
                                            mileage_rate=Decimal("2.50"))
        compensation.claim_submit(by=cls.representative, assignment=cls.assignment, worked_on=cls.today,
                                  hours=Decimal("2"), note=CLAIM)
        approved = compensation.claim_submit(by=cls.representative, assignment=cls.assignment, worked_on=cls.today,
                                             hours=Decimal("3"))
        compensation.claim_decide(by=cls.orebro_coordinator, claim=approved, approve=True)
        cls.payable = compensation.payable_list_create(by=cls.orebro_coordinator, region=cls.orebro,
                                                       period=cls.today.strftime("%Y-%m"))

    @classmethod
    def remiss_setup(cls):
        """A pathway on remiss; Örebro gives it to its LPO, whose chair comments inside; the
        coordinator drafts Örebro's answer, not yet submitted."""
        pathway = content.support_create(by=cls.npo_editor, type=SupportType.CARE_PATHWAY, title="Kärlkramp",
                                         issuer_body=cls.heart_npo, owning_body=cls.heart_npo)
        version = pathway.versions.get()
        content.recommendation_create(by=cls.npo_editor, version=version, text="R", priority=2)
        lifecycle.version_transition(version=version, to="remiss", by=cls.npo_editor)
        cls.round = round_open(by=cls.npo_editor, version=version, opens_on=cls.today,
                               closes_on=cls.today + datetime.timedelta(days=30))
        cls.invitation = cls.round.invitations.get(region=cls.orebro)
        answers.assignment_add(by=cls.orebro_coordinator, invitation=cls.invitation, body=cls.orebro_lpo,
                               due_on=cls.today + datetime.timedelta(days=20), note=REMISS_ASSIGNMENT)
        comment = answers.comment_add(by=cls.chair, invitation=cls.invitation,
                                      text=f"Intern synpunkt: {INTERNAL_COMMENT}.")
        answers.answer_compose(by=cls.orebro_coordinator, invitation=cls.invitation, summary=DRAFT_ANSWER,
                               signed_by="HSD", items=[{"text": "Punkt", "from_comments": [comment]}])

    @classmethod
    def reports_setup(cls):
        """Örebro's annual report, a draft with the region's assessment."""
        with cls.captureOnCommitCallbacks(execute=False):
            report = making.report_request(by=cls.orebro_coordinator, kind=ReportKind.REGION, region=cls.orebro,
                                           period_start=datetime.date(cls.today.year, 1, 1), period_end=cls.today)
        cls.region_report = making.generate(report.pk)
        making.assessment_save(report=cls.region_report, section="struktur", by=cls.orebro_coordinator,
                               text=f"<p>{REPORT_ASSESSMENT}</p>")

    @classmethod
    def lowvalue_setup(cls):
        """A national low-value practice entered by the SKS chair, carried by the heart
        pathway's do-not and measured by a shipped indicator (no values needed: the view
        shows each region's stage regardless)."""
        from kunskapsnav.indicators import runs
        from kunskapsnav.lowvalue import practices

        runs.definitions_sync()
        cls.low_value_practice = practices.practice_create(
            by=cls.sks_chair, title="NSAID vid hjärtsvikt", source="nationell", practice_system="atc",
            practice_code="M01A", condition="Hjärtsvikt", condition_code="I50", rationale="Förvärrar hjärtsvikten.",
            link="https://example.se/icke-gora")
        practices.practice_links_set(by=cls.sks_chair, practice=cls.low_value_practice,
                                     recommendation_keys=[cls.rec_dont.key], indicator_codes=["LV-BENSO-75"])

    @classmethod
    def implementation_setup(cls):
        """Örebro's adoption of the heart pathway: the gap analysis filled in, a representative
        taking part, in beslut with a decision and its protocol; not shared. Uppsala's adoption,
        shared, with a patient of Uppsala taking part."""
        cls.adoption = Adoption.objects.get(region=cls.orebro, version=cls.v1)
        for row in cls.adoption.gap_rows.all():
            work.gap_row_save(by=cls.orebro_coordinator, row=row, based_on=row.row_version,
                              values={"current_practice": GAP, "gap": "litet", "within_unit_budget": True})
        work.participant_add(by=cls.orebro_coordinator, adoption=cls.adoption, person=cls.rep.person,
                             kind="patient")
        stages.adoption_move(by=cls.orebro_coordinator, adoption=cls.adoption, to=Stage.DECISION)
        pdf = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        cls.decision = work.decision_record(by=cls.orebro_coordinator, adoption=cls.adoption,
                                            decided_by="Verksamheterna", decided_on=cls.today, outcome="bifall",
                                            attachment=pdf)
        cls.shared = Adoption.objects.get(region=cls.uppsala, version=cls.v1)
        patient = make_person(by=cls.uppsala_coordinator, region=cls.uppsala, given="Ulla",
                              family=SHARED_PARTICIPANT)
        work.participant_add(by=cls.uppsala_coordinator, adoption=cls.shared, person=patient, kind="patient")
        work.sharing_set(by=cls.uppsala_coordinator, adoption=cls.shared, public=True)

    @classmethod
    def escalation_setup(cls):
        """The Uppsala coordinator makes every relation to Örebro's people they can make on
        their own, and tries those they cannot; what was refused is kept for a test."""
        attacker, today = cls.uppsala_coordinator, cls.today
        cls.refused = {}

        def attempt(label, write):
            try:
                write()
            except (PermissionDenied, ValidationError):
                cls.refused[label] = True
            else:
                cls.refused[label] = False

        # Made: the chair of Uppsala's LPO, with the nominee and the member seated there for a day.
        memberships.membership_create(by=attacker, body=cls.uppsala_lpo, person=attacker.person, role=Role.CHAIR,
                                      start_date=today)
        for person in (cls.nominee.person, cls.member.person):
            memberships.membership_create(by=attacker, body=cls.uppsala_lpo, person=person, role=Role.MEMBER,
                                          start_date=today, end_date=today)
        # Made: Uppsala's contact person in an NPO, which is no national seat.
        memberships.membership_create(by=attacker, body=cls.lung_npo, person=attacker.person, role=Role.CONTACT,
                                      represents_region=cls.uppsala, start_date=today)
        # Made: Uppsala's own representative, with an assignment in the body the attacker chairs.
        own = make_person(by=attacker, region=cls.uppsala, given="Ulf", family="Uppsalaföreträdare")
        own_rep = participation.representative_add(by=attacker, person=own, region=cls.uppsala, kind="patient",
                                                   recruited_through="annat", experience_areas="Hjärta",
                                                   consent_on=today)
        participation.assignment_create(by=attacker, representative=own_rep, kind="organ", body=cls.uppsala_lpo,
                                        description="Ledamot", start_date=today)
        # Refused: the rest.
        uppsala_call = open_call(by=attacker, body=cls.uppsala_lpo, represents_region=cls.uppsala)
        attempt("nominate the Örebro nominee to an Uppsala seat", lambda: nominations.nomination_create(
            by=attacker, call=uppsala_call, person=cls.nominee.person, motivation="Erfaren."))
        typed = nominations.nomination_self_submit(
            call=cls.nag_call, sender="198.51.100.66", given_name="Falsk", family_name="Anmälan",
            email="nominee@example.se", title="", home_region=cls.uppsala, motivation="Intresserad.")
        attempt("link a typed self-nomination to the Örebro nominee", lambda: chain.nomination_decide(
            by=attacker, nomination=typed, outcome="godkand"))
        attempt("put the Örebro nominee in Uppsala's pool", lambda: participation.representative_add(
            by=attacker, person=cls.nominee.person, region=cls.uppsala, kind="patient", recruited_through="annat",
            experience_areas="Hjärta", consent_on=today))
        attempt("move the Örebro nominee to Uppsala", lambda: registry_people.person_update(
            by=attacker, person=cls.nominee.person, home_region=cls.uppsala))
        attempt("sit in Örebro's RMKS", lambda: memberships.membership_create(
            by=attacker, body=cls.orebro_rmks, person=attacker.person, role=Role.MEMBER, start_date=today))
        attempt("move Uppsala's LPO into Örebro", lambda: bodies.body_update(
            by=attacker, body=cls.uppsala_lpo, region=cls.orebro))

    # --- URLs ----------------------------------------------------------------------

    def page_region_report(self):
        return reverse("reports:report_detail", args=[self.region_report.pk])

    def page_region_report_document(self):
        return reverse("reports:report_document", args=[self.region_report.pk])

    def page_region_report_xlsx(self):
        return reverse("reports:report_xlsx", args=[self.region_report.pk])

    def page_region_report_pdf(self):
        return reverse("reports:report_pdf", args=[self.region_report.pk])

    def api_region_report(self):
        return f"/api/v1/reports/{self.region_report.pk}"

    def api_reports(self):
        return "/api/v1/reports"

    def page_needs(self):
        return reverse("needs:need_list")

    def page_open_need(self):
        return reverse("needs:need_detail", args=[self.open_need.pk])

    def page_decided_need(self):
        return reverse("needs:need_detail", args=[self.decided_need.pk])

    def api_needs(self):
        return "/api/v1/needs"

    def api_decided_need(self):
        return f"/api/v1/needs/{self.decided_need.pk}"

    def page_reports(self):
        return reverse("reports:report_list")

    def page_nominee_declaration(self):
        return reverse("people:declaration_detail", args=[self.nominee_declaration.pk])

    def api_nominee_declaration(self):
        return f"/api/v1/declarations/{self.nominee_declaration.pk}"

    def page_member_declaration(self):
        return reverse("people:declaration_detail", args=[self.member_declaration.pk])

    def page_member_assessment(self):
        return reverse("people:declaration_assess", args=[self.member_declaration.pk])

    def api_declarations(self):
        return "/api/v1/declarations"

    def page_my_declarations(self):
        return reverse("people:my_declarations")

    def page_assessor_queue(self):
        return reverse("people:assessor_queue")

    def page_npo_seats(self):
        return reverse("people:body_seats", args=[self.heart_npo.pk])

    def api_npo_seats(self):
        return f"/api/v1/bodies/{self.heart_npo.pk}/seats"

    def page_support(self):
        return reverse("knowledge:support_detail", args=[self.heart_pathway.pk])

    def page_version(self):
        return reverse("knowledge:version_detail", args=[self.heart_pathway.pk, 1])

    def page_self_nomination(self):
        return reverse("people:nomination_detail", args=[self.self_nomination.pk])

    def api_self_nomination(self):
        return f"/api/v1/nominations/{self.self_nomination.pk}"

    def page_chain_nomination(self):
        return reverse("people:nomination_detail", args=[self.chain_nomination.pk])

    def api_nominations(self):
        return "/api/v1/nominations"

    def page_call(self):
        return reverse("people:call_detail", args=[self.nag_call.pk])

    def page_coordination(self):
        return reverse("people:coordination")

    def page_home(self):
        return reverse("home")

    def page_nominate(self):
        return reverse("people:nominate", args=[self.nag_call.pk])

    def page_pool(self):
        return reverse("people:pool")

    def page_representative(self):
        return reverse("people:representative_detail", args=[self.rep.pk])

    def page_representative_update(self):
        return reverse("people:representative_update", args=[self.rep.pk])

    def page_representative_create(self):
        return reverse("people:representative_create")

    def page_assignment_create(self):
        return reverse("people:assignment_create", args=[self.rep.pk])

    def page_claim_create(self):
        return reverse("people:claim_create", args=[self.assignment.pk])

    def api_representatives(self):
        return "/api/v1/representatives"

    def api_representative(self):
        return f"/api/v1/representatives/{self.rep.pk}"

    def api_assignment(self):
        return f"/api/v1/participation-assignments/{self.assignment.pk}"

    def page_payable_lists(self):
        return reverse("people:payable_lists")

    def page_payable_csv(self):
        return reverse("people:payable_csv", args=[self.payable.pk])

    def api_payable_lists(self):
        return "/api/v1/payable-lists"

    def api_payable_csv(self):
        return f"/api/v1/payable-lists/{self.payable.pk}/csv"

    def page_expert_time(self):
        return reverse("people:expert_time")

    def page_expert_time_csv(self):
        return reverse("people:expert_time_csv")

    def api_expert_time(self):
        return "/api/v1/expert-time"

    def page_own_data(self):
        return reverse("people:own_data_export")

    def api_own_data(self):
        return "/api/v1/me/export"

    def page_person(self):
        return reverse("organisation:person_detail", args=[self.rep.person.pk])

    def api_person(self):
        return f"/api/v1/people/{self.rep.person.pk}"

    def page_body(self):
        return reverse("organisation:body_detail", args=[self.orebro_lpo.pk])

    def page_person_update(self):
        return reverse("organisation:person_update", args=[self.nominee.person.pk])

    def page_membership_create(self):
        return reverse("organisation:membership_create", args=[self.orebro_lpo.pk])

    def page_membership_update(self):
        membership = Membership.objects.get(body=self.orebro_lpo, person=self.member.person)
        return reverse("organisation:membership_update", args=[membership.pk])

    def page_assessors(self):
        return reverse("people:assessors")

    def page_invitation(self):
        return reverse("consultation:invitation_detail", args=[self.invitation.pk])

    def page_answer_compose(self):
        return reverse("consultation:answer_compose", args=[self.invitation.pk])

    def api_comments(self):
        return f"/api/v1/remiss-invitations/{self.invitation.pk}/comments"

    def api_remiss_assignments(self):
        return f"/api/v1/remiss-invitations/{self.invitation.pk}/assignments"

    def api_answer(self):
        return f"/api/v1/remiss-invitations/{self.invitation.pk}/answer"

    def page_round(self):
        return reverse("consultation:round_detail", args=[self.round.pk])

    def api_round(self):
        return f"/api/v1/remiss-rounds/{self.round.pk}"

    def page_compilation(self):
        return reverse("consultation:compilation", args=[self.round.pk])

    def page_compilation_export(self):
        return reverse("consultation:compilation_export", args=[self.round.pk, "csv"])

    def api_compilation(self):
        return f"/api/v1/remiss-rounds/{self.round.pk}/compilation"

    def page_adoption(self):
        return reverse("implementation:adoption_detail", args=[self.adoption.pk])

    def page_gap_analysis(self):
        return reverse("implementation:gap_analysis", args=[self.adoption.pk])

    def page_decision_attachment(self):
        return reverse("implementation:decision_attachment", args=[self.decision.pk])

    def page_region_dashboard(self):
        return reverse("implementation:region", args=["18"])

    def page_body_adoptions(self):
        return reverse("implementation:body", args=[self.orebro_lpo.pk])

    def page_matrix(self):
        return reverse("implementation:matrix")

    def page_matrix_csv(self):
        return reverse("implementation:matrix_csv")

    def page_shared_adoption(self):
        return reverse("implementation:adoption_detail", args=[self.shared.pk])

    def api_adoption(self):
        return f"/api/v1/adoptions/{self.adoption.pk}"

    def api_adoptions(self):
        return "/api/v1/adoptions"

    def api_matrix(self):
        return "/api/v1/implementation-matrix"

    def page_low_value_practice(self):
        return reverse("lowvalue:practice_detail", args=[self.low_value_practice.pk])

    def page_low_value_view(self):
        return reverse("lowvalue:national_view")

    def api_low_value_view(self):
        return "/api/v1/low-value-care/national-view"

    # --- what an answer shows ------------------------------------------------------

    def shows(self, case: Case, body: str) -> bool:
        """Whether the answer holds the case's personal data. Most is recognised by its text;
        a few by the link or id they are reached by."""
        if case.shows == "nominee-declaration-link":
            return reverse("people:declaration_detail", args=[self.nominee_declaration.pk]) in body
        if case.shows == "payable-list-link":
            return reverse("people:payable_csv", args=[self.payable.pk]) in body
        if case.shows == "payable-list-id":
            return any(row["id"] == self.payable.pk for row in _rows(body))
        if case.shows == "adoption-link":
            return reverse("implementation:adoption_detail", args=[self.adoption.pk]) in body
        if case.shows == "adoption-id":
            return any(row["id"] == self.adoption.pk for row in _rows(body))
        if case.shows == "matrix-stage":
            cells = [cell for row in _rows(body) for cell in row["cells"]]
            return any(cell["adoption"] == self.adoption.pk and cell["stage"] == Stage.DECISION for cell in cells)
        if case.shows == "low-value-stage":  # Örebro's row of the table, with the stage in beslut
            row = re.search(r"<tr>\s*<th scope=\"row\">Region Örebro län</th>.*?</tr>", body, re.S)
            return bool(row and "<td>Beslut</td>" in row.group(0))
        if case.shows == "low-value-stage-id":
            readings = [r for view in _rows(body) for r in view["regions"] if r["county_code"] == "18"]
            return any(s["stage"] == Stage.DECISION for r in readings for s in r["stages"])
        if case.shows == "region-report-id":
            return any(row.get("id") == self.region_report.pk for row in _rows(body))
        if case.shows == "region-report-link":
            return f'href="{self.page_region_report()}"' in body
        return case.shows in body

    # --- running a case ------------------------------------------------------------

    def answer(self, case: Case, role: str):
        url = getattr(self, case.build)()
        self.client.logout()
        if case.api:
            headers = {} if role == "anonymous" else {"Authorization": "Bearer " + self.tokens[role]}
            return self.client.get(url, headers=headers)
        if role != "anonymous":
            self.client.force_login(getattr(self, role))
        return self.client.get(url)

    def assertAnswer(self, case: Case, role: str, response):
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
            "utf-8", "replace")
        status = response.status_code
        if role in case.readers:
            self.assertEqual(status, 200, body[:400])
            if case.shows is not None:
                self.assertTrue(self.shows(case, body), f"{case.shows!r} missing")
            return
        if case.shows is not None:  # in a refusal too
            self.assertFalse(self.shows(case, body), f"{case.shows!r} shown")
        if role in case.served:
            self.assertIn(status, {200} | REFUSED, body[:400])
        else:
            self.assertIn(status, REFUSED, body[:400])
        if status == 302:
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")), response["Location"])

    def test_every_read_of_personal_data_for_every_role(self):
        for case in CASES:
            for role in READ_ROLES:
                with self.subTest(case=case.label, role=role):
                    self.assertAnswer(case, role, self.answer(case, role))

    def test_the_escalation_paths_are_refused_where_they_write(self):
        self.assertEqual([label for label, refused in self.refused.items() if not refused], [])

    # --- nothing left out ----------------------------------------------------------

    def test_every_page_is_classified(self):
        names = set(_route_names(get_resolver().url_patterns))
        classified = {c.route for c in CASES if not c.api} | NO_PERSONAL_DATA | PUBLIC_ROLES | POST_ONLY
        self.assertEqual(names - classified, set(), "new URL: give it read cases or say why it shows no personal data")
        self.assertEqual(classified - names, set(), "classified URL no longer exists")

    def test_every_api_read_is_classified(self):
        document = self.client.get("/api/v1/openapi.json").json()
        reads = {f"GET {path}" for path, operations in document["paths"].items() if "get" in operations}
        classified = {c.route for c in CASES if c.api} | API_NO_PERSONAL_DATA
        self.assertEqual(reads - classified, set(), "new API read: give it read cases or say why")
        self.assertEqual(classified - reads, set(), "classified API read no longer exists")

    def test_the_post_only_pages_answer_no_get(self):
        self.client.force_login(self.admin)
        samples = {name: [] for name in POST_ONLY}
        samples |= {name: [1] for name in POST_ONLY if name.split(":")[0] in (
            "people", "knowledge", "consultation", "implementation", "needs")}
        samples |= {"reports:report_move": [1], "reports:assessment_save": [1], "organisation:mandate_adopt": [1]}
        samples |= {"knowledge:version_transition": [1, 1], "knowledge:addition_save": [1, "18"],
                    "implementation:adoption_start": [1, "18"], "knowledge:npo_subscription_toggle": [1],
                    "indicators:limits_recalculate": ["HS-RAS"], "indicators:limits_recalculation_remove": ["HS-RAS", 1],
                    "indicators:chart_settings_change": ["HS-RAS"], "coherence:candidate_decide": [1]}
        for name in POST_ONLY:
            with self.subTest(page=name):
                url = reverse(name, args=samples[name]) if samples[name] else reverse(name)
                self.assertEqual(self.client.get(url).status_code, 405)
