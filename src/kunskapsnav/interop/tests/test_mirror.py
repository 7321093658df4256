"""kunskapsnav manage mirror_supports over real HTTP against a live server: the mirror it
writes is compared with what the database holds, after changes and after a stopped run."""

import json
import shutil
from importlib import import_module
import socket
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import LiveServerTestCase, SimpleTestCase

from kunskapsnav.interop.mirror import CACHE_DIR, STATE_FILE, Client, source_url
from kunskapsnav.knowledge import additions, content, lifecycle, selectors
from kunskapsnav.knowledge.models import KnowledgeSupport, SupportType, TargetGroup, VersionStatus
from kunskapsnav.knowledge.tests.personas import REVIEW, KnowledgeTestCase, publish
from kunskapsnav.organisation.reference import reference_data_load


class _World(KnowledgeTestCase):
    """The knowledge personas, built outside a test transaction so the live server sees them."""

    __test__ = False


def temporary_directory(test) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="kunskapsnav-spegel-"))
    test.addCleanup(shutil.rmtree, directory, ignore_errors=True)
    return directory


def mirror(source, directory, *args):
    out = StringIO()
    call_command("mirror_supports", "--from", source, "--to", str(directory), *args, stdout=out)
    return out.getvalue()


class MirrorTests(LiveServerTestCase):
    def setUp(self):
        # A transactional test starts from a flushed database: the reference data and the
        # target groups (written by a migration) are put back first.
        reference_data_load()
        for code, name in import_module("kunskapsnav.knowledge.migrations.0003_target_groups").TARGET_GROUPS:
            TargetGroup.objects.update_or_create(code=code, defaults={"name": name})
        _World.setUpTestData()
        self.w = _World
        self.lung = content.support_create(
            by=self.w.npo_editor, type=SupportType.CARE_PATHWAY, title="Lungemboli", issuer_body=self.w.heart_npo,
            owning_body=self.w.heart_npo, review_date=REVIEW,
        )
        lung_v1 = self.lung.versions.get()
        content.recommendation_create(by=self.w.npo_editor, version=lung_v1, text="<p>Gör DT-angiografi.</p>",
                                      priority=2)
        publish(lung_v1, by_editor=self.w.npo_editor, by_approver=self.w.sks_chair)
        additions.addition_save(by=self.w.orebro_coordinator, recommendation=self.w.rec_echo, region=self.w.orebro,
                                text="<p>I Örebro: remiss till fysiologen.</p>")
        self.directory = temporary_directory(self)

    def assert_mirror_equals_database(self):
        valid = {s.pk: selectors.valid_version(s) for s in KnowledgeSupport.objects.all()}
        valid = {pk: v for pk, v in valid.items() if v is not None}
        names = sorted(p.name for p in self.directory.iterdir() if not p.name.startswith("."))
        self.assertEqual(names, sorted(f"kunskapsstod-{pk}.{ext}" for pk in valid for ext in ("html", "json")))
        for pk, version in valid.items():
            document = json.loads((self.directory / f"kunskapsstod-{pk}.json").read_text(encoding="utf-8"))
            self.assertEqual(document["version"]["number"], version.number)
            self.assertEqual([(r["key"], r["text"]) for r in document["version"]["recommendations"]],
                             [(str(r.key), r.text) for r in selectors.recommendations_of(version)])
            expected = selectors.additions_by_key(version, region=self.w.orebro, show_all=False)
            self.assertEqual(sorted((a["recommendation_key"], a["text"]) for a in document["additions"]),
                             sorted((key, a.text) for key, found in expected.items() for a in found))
            html_path = self.directory / f"kunskapsstod-{pk}.html"
            self.assertEqual(html_path.stat().st_mode & 0o777, 0o644)  # readable by the intranet's web server
            page = html_path.read_text(encoding="utf-8")
            self.assertIn(version.support.title, page)
            for found in expected.values():
                for addition in found:
                    self.assertIn(addition.text, page)
        return valid

    def test_the_mirror_holds_the_valid_supports_and_follows_publication_withdrawal_and_additions(self):
        output = mirror(self.live_server_url, self.directory, "--region", "18")
        self.assertIn("Klart:", output)
        self.assertEqual(set(self.assert_mirror_equals_database()), {self.w.heart_pathway.pk, self.lung.pk})
        self.assertNotIn("förmaksflimmer", "".join(p.name for p in self.directory.iterdir()))
        kept = [json.loads(p.read_text()) for p in (self.directory / CACHE_DIR).iterdir()]
        self.assertTrue(kept and all(entry["etag"].startswith('"') for entry in kept))  # asked again with If-None-Match

        v2 = content.version_create_next(by=self.w.npo_editor, support=self.w.heart_pathway)
        echo = v2.recommendations.get(key=self.w.rec_echo.key)
        content.recommendation_update(by=self.w.npo_editor, recommendation=echo,
                                      text="<p>Ekokardiografi inom två veckor.</p>")
        content.version_update(by=self.w.npo_editor, version=v2, review_date=REVIEW)
        publish(v2, by_editor=self.w.npo_editor, by_approver=self.w.sks_chair)
        additions.addition_save(by=self.w.orebro_coordinator, recommendation=echo, region=self.w.orebro,
                                text="<p>I Örebro: remiss till fysiologen inom en vecka.</p>")
        lifecycle.version_transition(version=self.lung.versions.get(), to=VersionStatus.WITHDRAWN,
                                     by=self.w.sks_chair)
        mirror(self.live_server_url, self.directory, "--region", "18")
        self.assertEqual(set(self.assert_mirror_equals_database()), {self.w.heart_pathway.pk})
        page = (self.directory / f"kunskapsstod-{self.w.heart_pathway.pk}.html").read_text(encoding="utf-8")
        self.assertIn("inom två veckor", page)
        self.assertIn("inom en vecka", page)

        cursor = json.loads((self.directory / STATE_FILE).read_text())["cursor"]
        again = mirror(self.live_server_url, self.directory, "--region", "18")
        self.assertNotIn("Sida", again)
        self.assertEqual(json.loads((self.directory / STATE_FILE).read_text())["cursor"], cursor)

    def test_a_document_unchanged_since_it_was_kept_is_answered_304_and_taken_from_the_kept_copy(self):
        mirror(self.live_server_url, self.directory, "--region", "18")
        client = Client(source_url(self.live_server_url), self.directory / CACHE_DIR)
        path, kept = client.kept(client.url(f"supports/{self.lung.pk}"))
        kept["body"]["title"] = "Lungemboli (sparad kopia)"  # only the kept copy says so
        path.write_text(json.dumps(kept), encoding="utf-8")
        (self.directory / STATE_FILE).unlink()  # follow the feed from the start again
        mirror(self.live_server_url, self.directory, "--region", "18")
        document = json.loads((self.directory / f"kunskapsstod-{self.lung.pk}.json").read_text(encoding="utf-8"))
        self.assertEqual(document["support"]["title"], "Lungemboli (sparad kopia)")

    def test_a_run_stopped_after_the_first_page_resumes_from_its_stored_cursor(self):
        first = mirror(self.live_server_url, self.directory, "--region", "18", "--page-size", "1", "--max-pages", "1")
        self.assertIn("Sida 1:", first)
        self.assertNotIn("Sida 2:", first)
        stored = json.loads((self.directory / STATE_FILE).read_text())["cursor"]
        self.assertGreater(stored, 0)
        rest = mirror(self.live_server_url, self.directory, "--region", "18", "--page-size", "2")
        self.assertIn(f"från markör {stored}.", rest)
        self.assert_mirror_equals_database()

    def test_a_directory_of_another_region_and_an_unknown_region_are_refused(self):
        mirror(self.live_server_url, self.directory, "--region", "18")
        with self.assertRaisesMessage(CommandError, "speglar redan"):
            mirror(self.live_server_url, self.directory, "--region", "03")
        with self.assertRaisesMessage(CommandError, "Servern känner ingen region med länskoden 98"):
            mirror(self.live_server_url, self.directory / "ny", "--region", "98")

    def test_a_server_that_is_not_kunskapsnav_is_refused_without_writing_anything(self):
        with self.assertRaisesMessage(CommandError, "Servern svarade 404"):
            mirror(self.live_server_url + "/finns-inte", self.directory)
        self.assertEqual(list(self.directory.iterdir()), [self.directory / ".kunskapsnav-cache"])


class MirrorInputTests(SimpleTestCase):
    def test_a_damaged_cursor_file_is_refused_with_a_message(self):
        directory = temporary_directory(self)
        (directory / STATE_FILE).write_text('{"cursor": "tio"}')
        with self.assertRaisesMessage(CommandError, "går inte att läsa. Ta bort den"):
            mirror("https://kunskapsnav.example.se", directory)

    def test_an_address_that_is_not_http_is_refused_in_swedish(self):
        for address in ("ftp://example.se", "kunskapsnav.example.se", "https://"):
            with self.assertRaisesMessage(CommandError, "är ingen giltig adress till en server"):
                mirror(address, temporary_directory(self))

    def test_a_county_code_must_be_two_digits(self):
        with self.assertRaisesMessage(CommandError, "Länskoden ska vara två siffror"):
            mirror("https://kunskapsnav.example.se", temporary_directory(self), "--region", "1\x008")

    def test_an_unreachable_server_stops_the_run_with_a_message_and_no_cursor(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        directory = temporary_directory(self)
        with self.assertRaisesMessage(CommandError, "Kunde inte nå servern på http://127.0.0.1"):
            mirror(f"http://127.0.0.1:{port}", directory)
        self.assertFalse((directory / STATE_FILE).exists())
