"""The users bench/load.py sends against `kunskapsnav serve`: run by locust, not imported by
the platform. Each user asks as fast as it gets answers (no think time), so the figures are
the server's capacity, not a model of people's pace.

The orchestrator passes what the paths need through the environment:
LOAD_SUPPORT (a published support's id), LOAD_INDICATOR (an indicator code) and, for the
logged-in mix, LOAD_SESSION (the session cookie of one sign-in, made by the orchestrator) and
LOAD_REGION (a county code).
"""

import os

from locust import FastHttpUser, constant, tag, task

SUPPORT = os.environ.get("LOAD_SUPPORT", "1")
INDICATOR = os.environ.get("LOAD_INDICATOR", "HS-RAS")
REGION = os.environ.get("LOAD_REGION", "18")
SEARCHES = ["hjärtsvikt", "diabetes", "stroke", "läkemedel", "uppföljning", "I50"]


class Floor(FastHttpUser):
    """A bare Django view: the most any page can do on this machine."""

    wait_time = constant(0)

    @tag("floor")
    @task
    def hello(self):
        self.client.get("/hello")


class Public(FastHttpUser):
    """The public mix: what a clinician or a member of the public reads without signing in."""

    wait_time = constant(0)

    def on_start(self):
        self.searches = 0

    @tag("public")
    @task(3)
    def start_page(self):
        self.client.get("/", name="start")

    @tag("public")
    @task(3)
    def portal(self):
        self.client.get("/kunskapsstod/", name="portal")

    @tag("public")
    @task(4)
    def support(self):
        self.client.get(f"/kunskapsstod/{SUPPORT}/", name="support")

    @tag("public")
    @task(3)
    def search(self):
        self.searches += 1
        self.client.get("/kunskapsstod/sok/", params={"q": SEARCHES[self.searches % len(SEARCHES)]}, name="search")

    @tag("public")
    @task(1)
    def matrix(self):
        self.client.get("/inforande/matris/", name="matrix")

    @tag("public")
    @task(2)
    def indicator(self):
        self.client.get(f"/uppfoljning/{INDICATOR}/", name="indicator")


class Staff(FastHttpUser):
    """The logged-in mix: a regional coordinator's pages."""

    wait_time = constant(0)

    # One signed-in session shared by every user of the mix (bench/load.py signs in once).
    default_headers = {"Cookie": f"sessionid={os.environ.get('LOAD_SESSION', '')}"}

    @tag("staff")
    @task(2)
    def overview(self):
        self.client.get("/inforande/", name="staff: overview")

    @tag("staff")
    @task(2)
    def region(self):
        self.client.get(f"/inforande/region/{REGION}/", name="staff: region")

    @tag("staff")
    @task(1)
    def support(self):
        self.client.get(f"/kunskapsstod/{SUPPORT}/", name="staff: support")

    @tag("staff")
    @task(1)
    def declarations(self):
        self.client.get("/organisation/jav/", name="staff: declarations")
