"""Calls to /api/v1/ as a given user, for the API's test cases."""

import json

from kunskapsnav.accounts.models import ApiToken


class ApiCalls:
    """Mix into a TestCase: `call(method, path, user, payload)` sends JSON with a fresh bearer
    token for `user`, or anonymously when there is none."""

    def call(self, method, path, user=None, payload=None):
        headers = {"Authorization": "Bearer " + ApiToken.issue(user=user, name="test")[1]} if user else {}
        if method == "get":
            return self.client.get(f"/api/v1{path}", headers=headers)
        return getattr(self.client, method)(f"/api/v1{path}", data=json.dumps(payload), content_type="application/json",
                                            headers=headers)
