"""Swedish full-text search (knowledge.search), run unchanged on SQLite and on PostgreSQL.

The supports below, besides the personas' "Hjärtsvikt – nydebuterad" (published) and
"Kliniskt kunskapsstöd förmaksflimmer" (here sent on remiss):

- STROKE: clinical, issued by SBU; version 1 said "trombolys" and was replaced by version 2,
  which says "trombektomi"; condition I63.9;
- PSYCHOSIS: a care guideline on psychosis, published and then withdrawn (risperidon, N05AX08);
- SCHIZOPHRENIA: a care programme with "läkemedelsbehandling" in its title only, and
  olanzapin (N05AH03) in a recommendation;
- REHAB: clinical, says "hjärtsvikten" (never "hjärtsvikt"), "läkemedelsbehandling" once in
  its body, KVÅ FNG05, and a recommendation quoting "<script>";
- HOME: a care guideline issued by Region Örebro, says "hjärtsvikt" (never "hjärtsvikten"),
  with I63.4 on a recommendation but no condition of its own in I63.

All of them say "personer", which gives the facet test five published supports that differ
in type, issuer and target group.
"""

from unittest import mock

from django.db import connection

from kunskapsnav.knowledge import content, lifecycle, search
from kunskapsnav.knowledge.models import (
    Agency,
    CodeSystem,
    SearchDocument,
    SupportType,
    SupportVersion,
    TargetGroup,
    VersionStatus,
)
from kunskapsnav.organisation.models import Body

from .personas import REVIEW, KnowledgeTestCase, publish

HEART = "Hjärtsvikt – nydebuterad"
STROKE = "Stroke – akut omhändertagande"
PSYCHOSIS = "Vårdriktlinje psykos"
SCHIZOPHRENIA = "Schizofreni – läkemedelsbehandling"
REHAB = "Hjärtrehabilitering efter hjärtinfarkt"
HOME = "Rehabilitering i hemmet"

# The same expectations on both databases: (query, options, titles of the supports found).
SAME_ON_BOTH_DATABASES = [
    ("hjärtsvikt", {}, {HEART, REHAB, HOME}),
    ("hjärtsvikten", {}, {HEART, REHAB, HOME}),
    ("HJÄRTSVIKT", {}, {HEART, REHAB, HOME}),
    ("ekokardiografi hjärtsvikt", {}, {HEART}),
    ("ekokardiografi stroke", {}, set()),
    ("hjärtsvikt och med för", {}, {HEART, REHAB, HOME}),
    ("och med för", {}, set()),
    ("trombektomi", {}, {STROKE}),
    ("trombolys", {}, set()),
    ("trombolys", {"include_all": True}, {STROKE}),
    ("risperidon", {}, set()),
    ("risperidon", {"include_all": True}, {PSYCHOSIS}),
    ("sakubitril", {"include_all": True}, set()),
    ("dronedaron", {"include_all": True}, set()),
    ("I63", {}, {STROKE, HOME}),
    ("i63", {}, {STROKE, HOME}),
    ("I50", {}, {HEART}),
    ("I63.4", {}, {HOME}),
    ("I634", {}, {HOME}),
    ("N05AH03", {}, {SCHIZOPHRENIA}),
    ("N05AH", {}, {SCHIZOPHRENIA}),
    ("N05", {}, {SCHIZOPHRENIA}),
    ("N05", {"include_all": True}, {SCHIZOPHRENIA, PSYCHOSIS}),
    ("FNG05", {}, {REHAB}),
    ("C09AA", {}, {HEART}),
    ("J45", {}, set()),
    ("hjärtsvikt I63", {}, {HOME}),
    ("I63 rehabiliteras", {}, {HOME}),
    ("ekokardiografi I63", {}, set()),
    ("personer", {}, {HEART, STROKE, SCHIZOPHRENIA, REHAB, HOME}),
    ("personer", {"include_all": True}, {HEART, STROKE, SCHIZOPHRENIA, REHAB, HOME, PSYCHOSIS}),
    ("personer", {"type": SupportType.CLINICAL}, {STROKE, REHAB}),
    ("personer", {"target_group": "specialiserad-vard"}, {STROKE, SCHIZOPHRENIA}),
    ("personer", {"include_all": True, "status": VersionStatus.WITHDRAWN}, {PSYCHOSIS}),
    ("personer", {"issuer": "agency:sbu"}, {STROKE}),
    ("läkemedelsbehandling", {}, {SCHIZOPHRENIA, REHAB}),
    ("xylofon", {}, set()),
    ("", {}, set()),
]


def titles(results) -> set[str]:
    return {hit.support.title for hit in results.hits}


class SearchTests(KnowledgeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        admin = cls.admin
        group = {g.code: g for g in TargetGroup.objects.all()}
        nerves = Body.objects.get(reference_key="npo-nervsystemets-sjukdomar")
        cls.psychiatry = Body.objects.get(reference_key="npo-psykisk-halsa")

        def support(*, recommendations, **values):
            created = content.support_create(by=admin, review_date=REVIEW, **values)
            version = created.versions.get()
            for text, codes in recommendations:
                content.recommendation_create(by=admin, version=version, text=text, codes=codes)
            return created, version

        cls.stroke, stroke_v1 = support(
            type=SupportType.CLINICAL, title=STROKE, issuer_agency=Agency.SBU, owning_body=nerves,
            target_groups=[group["specialiserad-vard"]], conditions=["I63.9"],
            summary="<p>Akut omhändertagande av personer med stroke.</p>",
            recommendations=[("<p>Vid misstänkt stroke ska trombolys övervägas.</p>", [])],
        )
        publish(stroke_v1, by_editor=admin, by_approver=admin)
        cls.stroke_v2 = content.version_create_next(by=admin, support=cls.stroke)
        content.recommendation_update(
            by=admin, recommendation=cls.stroke_v2.recommendations.get(),
            text="<p>Vid misstänkt stroke ska trombektomi övervägas.</p>",
        )
        content.version_update(by=admin, version=cls.stroke_v2, review_date=REVIEW)
        publish(cls.stroke_v2, by_editor=admin, by_approver=admin)

        cls.psychosis, psychosis_v1 = support(
            type=SupportType.CARE_GUIDELINE, title=PSYCHOSIS, issuer_agency=Agency.LAKEMEDELSVERKET,
            owning_body=cls.psychiatry, target_groups=[group["patienter-och-narstaende"]], conditions=["F23"],
            summary="<p>För personer med psykos.</p>",
            recommendations=[("<p>Erbjud risperidon vid psykos.</p>", [(CodeSystem.ATC, "N05AX08")])],
        )
        publish(psychosis_v1, by_editor=admin, by_approver=admin)
        lifecycle.version_transition(version=psychosis_v1, to=VersionStatus.WITHDRAWN, by=admin)

        cls.schizophrenia, schizophrenia_v1 = support(
            type=SupportType.CARE_PROGRAMME, title=SCHIZOPHRENIA, issuer_body=cls.psychiatry,
            owning_body=cls.psychiatry, target_groups=[group["specialiserad-vard"], cls.clinicians],
            conditions=["F20"], summary="<p>Vårdprogram för personer med schizofreni.</p>",
            recommendations=[
                ("<p>Erbjud olanzapin till personer med schizofreni och följ upp vikten.</p>",
                 [(CodeSystem.ATC, "N05AH03")]),
                ("<p>Erbjud psykosociala insatser.</p>", []),
            ],
        )
        publish(schizophrenia_v1, by_editor=admin, by_approver=admin)

        cls.rehab, rehab_v1 = support(
            type=SupportType.CLINICAL, title=REHAB, issuer_body=cls.heart_npo, owning_body=cls.heart_npo,
            target_groups=[group["primarvard"]], conditions=["I21"],
            summary="<p>Hjärtrehabilitering för personer som haft en hjärtinfarkt.</p>",
            recommendations=[
                ("<p>Följ upp hjärtsvikten efter hjärtinfarkten med läkemedelsbehandling och fysisk träning.</p>",
                 [(CodeSystem.KVA, "FNG05")]),
                ("<p>Skriv ordinationen i journalen, aldrig som fritext med &lt;script&gt; i.</p>", []),
            ],
        )
        publish(rehab_v1, by_editor=admin, by_approver=admin)

        cls.home, home_v1 = support(
            type=SupportType.CARE_GUIDELINE, title=HOME, issuer_region=cls.orebro, owning_body=nerves,
            target_groups=[group["kommunal-vard-och-omsorg"]], conditions=["I69"],
            summary="<p>För personer som vårdats för stroke.</p>",
            recommendations=[("<p>Personer med stroke och hjärtsvikt rehabiliteras i hemmet.</p>",
                              [(CodeSystem.ICD10SE, "I63.4")])],
        )
        publish(home_v1, by_editor=admin, by_approver=admin)

        # Never found, whatever the options: a draft of a support that has a published
        # version, and a version on remiss.
        heart_v2 = content.version_create_next(by=cls.npo_editor, support=cls.heart_pathway)
        content.recommendation_create(by=cls.npo_editor, version=heart_v2,
                                      text="<p>Överväg sakubitril för personer med hjärtsvikt.</p>")
        guideline_v1 = cls.heart_guideline.versions.get()
        content.recommendation_create(by=cls.npo_editor, version=guideline_v1,
                                      text="<p>Överväg dronedaron för personer med förmaksflimmer.</p>")
        lifecycle.version_transition(version=guideline_v1, to=VersionStatus.REMISS, by=cls.npo_editor)

    def test_the_fixed_queries_find_the_same_supports_on_both_databases(self):
        for query, options, expected in SAME_ON_BOTH_DATABASES:
            with self.subTest(query=query, options=options, database=connection.vendor):
                self.assertEqual(titles(search.search(query, **options)), expected)

    def test_a_word_finds_its_other_inflections(self):
        self.assertIn(REHAB, titles(search.search("hjärtsvikt")))  # REHAB says only "hjärtsvikten"
        self.assertIn(HOME, titles(search.search("hjärtsvikten")))  # HOME says only "hjärtsvikt"

    def test_every_word_of_the_query_must_match(self):
        self.assertEqual(titles(search.search("stroke hjärtsvikt")), {HOME})
        self.assertEqual(titles(search.search("stroke hjärtsvikt trombektomi")), set())

    def test_stop_words_are_ignored(self):
        self.assertEqual(titles(search.search("personer med hjärtsvikt")), titles(search.search("personer hjärtsvikt")))
        self.assertEqual(search.search("och med för").total, 0)

    def test_only_the_valid_version_is_found_by_default(self):
        results = search.search("stroke")
        self.assertEqual([(h.support.title, h.version.number) for h in results.hits if h.support == self.stroke],
                         [(STROKE, 2)])
        self.assertTrue(all(h.version.status == VersionStatus.PUBLISHED for h in results.hits))

    def test_include_all_adds_replaced_and_withdrawn_versions_but_never_drafts(self):
        results = search.search("personer", include_all=True)
        found = {(h.support.title, h.version.number, h.version.status) for h in results.hits}
        self.assertIn((STROKE, 1, VersionStatus.SUPERSEDED), found)
        self.assertIn((STROKE, 2, VersionStatus.PUBLISHED), found)
        self.assertIn((PSYCHOSIS, 1, VersionStatus.WITHDRAWN), found)
        statuses = {status for _title, _number, status in found}
        self.assertEqual(statuses, {VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN})
        self.assertEqual(results.total, 7)

    def test_a_code_finds_supports_with_it_or_a_more_specific_code_in_recommendations_or_conditions(self):
        self.assertEqual(titles(search.search("I63")), {STROKE, HOME})  # condition I63.9; recommendation I63.4
        self.assertEqual(titles(search.search("N05AH03")), {SCHIZOPHRENIA})  # ATC
        self.assertEqual(titles(search.search("FNG05")), {REHAB})  # KVÅ
        self.assertEqual(titles(search.search("I63.9")), {STROKE})

    def test_text_and_code_together_must_both_match(self):
        self.assertEqual(titles(search.search("hjärtsvikt I63")), {HOME})
        self.assertEqual(titles(search.search("ekokardiografi I63")), set())
        self.assertEqual(titles(search.search("ekokardiografi I50")), {HEART})

    def test_facets_count_the_matches_by_type_issuer_target_group_and_status(self):
        facets = search.search("personer").facets
        counts = {name: {f.value: f.count for f in values} for name, values in facets.items()}
        self.assertEqual(counts["type"], {"klinisk": 2, "vardforlopp": 1, "vardprogram": 1, "vardriktlinje": 1})
        self.assertEqual(counts["issuer"], {
            f"body:{self.heart_npo.pk}": 2, "agency:sbu": 1, f"body:{self.psychiatry.pk}": 1,
            f"region:{self.orebro.pk}": 1,
        })
        self.assertEqual(counts["target_group"], {
            "vardpersonal": 2, "specialiserad-vard": 2, "primarvard": 1, "kommunal-vard-och-omsorg": 1,
        })
        self.assertEqual(counts["status"], {"publicerad": 5})
        labels = {name: {f.value: f.label for f in values} for name, values in facets.items()}
        self.assertEqual(labels["type"]["klinisk"], "Kliniskt kunskapsstöd")
        self.assertEqual(labels["issuer"]["agency:sbu"], "SBU")
        self.assertEqual(labels["issuer"][f"region:{self.orebro.pk}"], self.orebro.name)
        self.assertEqual(labels["target_group"]["primarvard"], "Primärvård")

    def test_facets_with_include_all_count_replaced_and_withdrawn_versions(self):
        facets = search.search("personer", include_all=True).facets
        self.assertEqual({f.value: f.count for f in facets["status"]}, {"publicerad": 5, "ersatt": 1, "aterkallad": 1})

    def test_facets_are_counted_before_the_filters_so_that_the_other_choices_stay_visible(self):
        unfiltered = search.search("personer")
        filtered = search.search("personer", type=SupportType.CLINICAL)
        self.assertEqual(filtered.total, 2)
        self.assertEqual(
            {n: [(f.value, f.count) for f in v] for n, v in filtered.facets.items()},
            {n: [(f.value, f.count) for f in v] for n, v in unfiltered.facets.items()},
        )

    def test_filters_narrow_the_results(self):
        self.assertEqual(titles(search.search("personer", issuer=f"body:{self.heart_npo.pk}")), {HEART, REHAB})
        self.assertEqual(titles(search.search("personer", issuer=f"region:{self.orebro.pk}")), {HOME})
        self.assertEqual(titles(search.search("personer", target_group="primarvard")), {REHAB})
        both = search.search("personer", type=SupportType.CARE_PATHWAY, target_group="primarvard")
        self.assertEqual(titles(both), set())
        replaced = search.search("personer", include_all=True, status=VersionStatus.SUPERSEDED)
        self.assertEqual([(h.support.title, h.version.number) for h in replaced.hits], [(STROKE, 1)])

    def test_changing_a_supports_issuer_or_target_groups_changes_its_facets_and_filters(self):
        dental = TargetGroup.objects.get(code="tandvard")
        content.support_update(by=self.admin, support=self.rehab, target_groups=[dental], issuer_body=None,
                               issuer_agency=Agency.TLV)
        results = search.search("personer", target_group="tandvard")
        self.assertEqual(titles(results), {REHAB})
        counts = {name: {f.value: f.count for f in values} for name, values in results.facets.items()}
        self.assertEqual(counts["issuer"]["agency:tlv"], 1)
        self.assertEqual(counts["issuer"][f"body:{self.heart_npo.pk}"], 1)
        self.assertNotIn("primarvard", counts["target_group"])
        self.assertEqual(titles(search.search("personer", issuer="agency:tlv")), {REHAB})

    def test_pages_do_not_overlap_and_total_counts_all_matches(self):
        pages = [search.search("personer", limit=2, offset=offset) for offset in (0, 2, 4)]
        self.assertEqual([p.total for p in pages], [5, 5, 5])
        self.assertEqual([len(p.hits) for p in pages], [2, 2, 1])
        found = [h.document.pk for p in pages for h in p.hits]
        self.assertEqual(len(set(found)), 5)

    def test_a_title_match_ranks_above_a_body_only_match(self):
        hits = search.search("läkemedelsbehandling").hits
        self.assertEqual([h.support.title for h in hits], [SCHIZOPHRENIA, REHAB])
        self.assertGreater(hits[0].rank, hits[1].rank)

    def test_above_the_rank_limit_title_matches_come_first_then_the_newest_versions(self):
        with mock.patch.object(search, "RANK_LIMIT", 1):
            title_first = [h.support.title for h in search.search("läkemedelsbehandling").hits]
            self.assertEqual(title_first, [SCHIZOPHRENIA, REHAB])
            newest_first = [HOME, REHAB, SCHIZOPHRENIA, STROKE, HEART]
            self.assertEqual([h.support.title for h in search.search("personer").hits], newest_first)
            pages = [search.search("personer", limit=2, offset=offset).hits for offset in (0, 2, 4)]
            self.assertEqual([h.support.title for page in pages for h in page], newest_first)

    def test_search_leaves_the_planner_settings_as_they_were(self):
        if connection.vendor != "postgresql":
            self.skipTest("only PostgreSQL's planner is steered")
        search.search("personer I63")
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            self.assertEqual(cursor.fetchone()[0], "on")

    def test_snippets_mark_the_matching_words_and_not_the_punctuation_after_them(self):
        hit = next(h for h in search.search("hjärtsvikt").hits if h.support == self.heart_pathway)
        self.assertIn("nydebuterad <mark>hjärtsvikt</mark>.", hit.snippet)
        self.assertIn("<mark>hjärtsvikten</mark> med", hit.snippet)
        self.assertNotIn("<mark>ekokardiografi</mark>", hit.snippet)

    def test_a_snippet_marks_part_of_a_hyphenated_word(self):
        hit = search.search("hämmare").hits[0]
        self.assertIn("ACE-<mark>hämmare</mark>.", hit.snippet)

    def test_snippets_escape_html_from_the_text(self):
        [hit] = search.search("fritext").hits
        self.assertIn("&lt;script&gt;", hit.snippet)
        self.assertNotIn("<script", hit.snippet)
        self.assertIn("<mark>fritext</mark>", hit.snippet)

    def test_highlighted_titles_escape_html(self):
        self.assertEqual(
            search.highlight_title("Mål för <b>blodtryck</b>", "blodtryck"),
            "Mål för &lt;b&gt;<mark>blodtryck</mark>&lt;/b&gt;",
        )
        self.assertEqual(search.highlight_title(HEART, "I50 hjärtsvikt"), "<mark>Hjärtsvikt</mark> – nydebuterad")

    def test_a_code_only_query_gives_a_snippet_from_the_start_of_the_text(self):
        [hit] = search.search("FNG05").hits
        self.assertTrue(hit.snippet.startswith("Hjärtrehabilitering för personer"))
        self.assertNotIn("<mark>", hit.snippet)

    def test_a_version_is_found_once_it_is_published_and_no_more_once_withdrawn(self):
        self.assertEqual(titles(search.search("sakubitril")), set())
        draft = self.heart_pathway.versions.get(number=2)
        content.version_update(by=self.npo_editor, version=draft, review_date=REVIEW)
        publish(draft, by_editor=self.npo_editor, by_approver=self.sks_chair)
        self.assertEqual([(h.support.title, h.version.number) for h in search.search("sakubitril").hits], [(HEART, 2)])
        self.assertEqual([h.version.number for h in search.search("ekokardiografi").hits], [2])
        lifecycle.version_transition(version=draft, to=VersionStatus.WITHDRAWN, by=self.sks_chair)
        self.assertEqual(titles(search.search("sakubitril")), set())
        self.assertEqual(titles(search.search("sakubitril", include_all=True)), {HEART})

    def test_rebuilding_the_index_in_bulk_gives_the_same_results(self):
        def snapshot():
            return [
                [(h.document.version_id, str(h.snippet)) for h in search.search(q, **o).hits]
                for q, o, _expected in SAME_ON_BOTH_DATABASES
            ]

        before = snapshot()
        documents = {d.version_id: (d.title, d.body, d.codes, d.status) for d in SearchDocument.objects.all()}
        SearchDocument.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {search.FTS_TABLE}")
        self.assertEqual(search.search("personer").total, 0)
        self.assertEqual(search.rebuild_index(batch_size=3), SupportVersion.objects.count())
        self.assertEqual(
            {d.version_id: (d.title, d.body, d.codes, d.status) for d in SearchDocument.objects.all()}, documents
        )
        self.assertEqual(snapshot(), before)

    def test_a_rewritten_document_leaves_no_stale_match_behind(self):
        search.index_versions_bulk([self.stroke_v2.pk])
        search.index_version(self.stroke_v2)
        self.assertEqual(SearchDocument.objects.filter(version=self.stroke_v2).count(), 1)
        self.assertEqual(search.search("trombektomi").total, 1)


class ValidFirstTests(KnowledgeTestCase):
    def test_with_replaced_versions_included_the_valid_version_comes_first(self):
        from kunskapsnav.knowledge import content
        from kunskapsnav.knowledge.tests.personas import publish

        v2 = content.version_create_next(by=self.npo_editor, support=self.heart_pathway)
        content.version_update(by=self.npo_editor, version=v2, review_date=self.v1.review_date)
        publish(v2, by_editor=self.npo_editor, by_approver=self.sks_chair)
        hits = search.search("hjärtsvikt", include_all=True).hits
        self.assertEqual([h.version.number for h in hits], [2, 1])
        self.assertEqual(hits[0].version.status, "publicerad")
