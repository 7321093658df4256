from django.urls import reverse

from kunskapsnav.needs.models import Need, NeedStatus

from .personas import NeedsTestCase, TEXTS
from .test_triage import decided


class NeedPageTests(NeedsTestCase):
    def test_the_public_list_shows_decided_needs_without_who_sent_them(self):
        decided(self.heart_need, by=self.npo_editor)
        page = self.client.get(reverse("needs:need_list")).content.decode()
        self.assertIn(self.heart_need.title, page)
        self.assertNotIn(self.open_need.title, page)
        self.assertNotIn("LPO hjärta", page)

    def test_people_in_the_system_see_every_need_and_whom_it_is_from(self):
        self.client.force_login(self.outsider)
        page = self.client.get(reverse("needs:need_list")).content.decode()
        self.assertIn(self.open_need.title, page)
        self.assertIn("LPO hjärta", page)

    def test_the_public_reads_the_decision_but_not_the_submission(self):
        decided(self.heart_need, by=self.npo_editor)
        page = self.client.get(self.heart_need.get_absolute_url()).content.decode()
        self.assertIn("Stort behov, inget stöd finns.", page)
        self.assertNotIn(TEXTS["problem"], page)
        self.assertNotIn("member", page)
        self.assertEqual(self.client.get(self.open_need.get_absolute_url()).status_code, 404)

    def test_the_submitter_follows_the_need_to_its_support(self):
        decided(self.heart_need, by=self.npo_editor, decision="revidering", support=self.heart_pathway)
        self.client.force_login(self.member)
        page = self.client.get(self.heart_need.get_absolute_url()).content.decode()
        self.assertIn(self.heart_pathway.title, page)
        self.assertIn("Publicerad", page)
        self.assertIn(TEXTS["problem"], page)

    def test_it_submits_a_need_on_behalf_of_a_body(self):
        self.client.force_login(self.chair)
        response = self.client.post(reverse("needs:need_create"), TEXTS | {"on_behalf_of": self.orebro_lpo.pk,
                                                                           "area": self.heart_npo.pk})
        need = Need.objects.latest("pk")
        self.assertRedirects(response, need.get_absolute_url())
        self.assertEqual((need.submitted_by, need.on_behalf_of, need.area), (self.chair, self.orebro_lpo,
                                                                             self.heart_npo))

    def test_it_refuses_bad_input_in_swedish_and_stores_nothing(self):
        self.client.force_login(self.outsider)
        before = Need.objects.count()
        response = self.client.post(reverse("needs:need_create"), TEXTS | {"title": "x" * 201,
                                                                           "on_behalf_of": self.orebro_lpo.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "som mest 200 tecken")
        self.assertContains(response, "Välj ett giltigt alternativ")  # no seat in LPO hjärta
        response = self.client.post(reverse("needs:need_create"), TEXTS | {"organisation": "Kommun\x00"})
        self.assertContains(response, 'id="id_organisation_error"')  # a NUL character
        self.assertEqual(Need.objects.count(), before)

    def test_the_triaging_npo_takes_the_steps_and_others_are_refused(self):
        url = reverse("needs:need_step", args=[self.heart_need.pk])
        self.client.force_login(self.sks_chair)
        self.assertEqual(self.client.post(url, {"step": "start"}).status_code, 403)
        self.client.force_login(self.npo_editor)
        page = self.client.get(self.heart_need.get_absolute_url()).content.decode()
        self.assertIn(self.heart_pathway.title, page)  # the search's existing supports
        self.client.post(url, {"step": "start"})
        self.client.post(url, {"step": "decide", "decision": "ingen_atgard", "priority": "3",
                               "reason": "Täcks av vårdförloppet."})
        need = Need.objects.get(pk=self.heart_need.pk)
        self.assertEqual((need.status, need.decision, need.priority), (NeedStatus.DECIDED, "ingen_atgard", 3))
