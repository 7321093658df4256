from django.test import RequestFactory, SimpleTestCase

from kunskapsnav.lib.redirects import next_url

OUTSIDE = ["https://evil.example/", "//evil.example", "///evil.example", "javascript:alert(1)", "\\\\evil.example",
           "https:evil.example", " javascript:alert(1)"]


class NextUrlTests(SimpleTestCase):
    def setUp(self):
        self.factory = RequestFactory()

    def test_a_path_on_this_site_is_followed_from_the_form_or_the_address(self):
        self.assertEqual(next_url(self.factory.post("/", {"next": "/organisation/organ/?q=1"}), "/"),
                         "/organisation/organ/?q=1")
        self.assertEqual(next_url(self.factory.get("/", {"next": "/kunskapsstod/"}), "/"), "/kunskapsstod/")
        self.assertEqual(next_url(self.factory.get("/", {"next": "http://testserver/x/"}), "/"), "http://testserver/x/")

    def test_anything_that_leaves_the_site_falls_back_to_the_default(self):
        for target in OUTSIDE:
            with self.subTest(target=target):
                self.assertEqual(next_url(self.factory.post("/", {"next": target}), "/standard/"), "/standard/")
                self.assertEqual(next_url(self.factory.get("/", {"next": target}), "/standard/"), "/standard/")

    def test_without_next_the_default_is_used_and_may_be_a_url_name(self):
        self.assertEqual(next_url(self.factory.get("/"), "home"), "/")

    def test_an_https_page_does_not_send_the_user_on_to_plain_http(self):
        request = self.factory.get("/", {"next": "http://testserver/x/"}, secure=True)
        self.assertEqual(next_url(request, "/standard/"), "/standard/")
        request = self.factory.get("/", {"next": "https://testserver/x/"}, secure=True)
        self.assertEqual(next_url(request, "/standard/"), "https://testserver/x/")
