"""What the services refuse, and how: a JSON body with a Swedish message for the journal's
users (the journal may show it) and the HTTP status the CDS Hooks specification expects."""

import json

from django.http import HttpResponse

JSON = "application/json; charset=utf-8"


class CdsError(Exception):
    def __init__(self, status: int, message: str, *, log: str = ""):
        super().__init__(str(message))
        self.status = status
        self.message = str(message)
        self.log = log or self.message


def json_response(body: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=JSON)


def error_response(error: CdsError) -> HttpResponse:
    response = json_response({"error": error.message}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cds-services"'
    return response
