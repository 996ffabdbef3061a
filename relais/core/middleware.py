"""Requests no page or API call can answer: a NUL character in the query string, which PostgreSQL's text refuses
(a search `?q=%00` answered 500 there, while SQLite stored it), is refused at the door for every view."""

from django.http import HttpResponseBadRequest, JsonResponse

MESSAGE = "Requête invalide : l'adresse contient un caractère nul."


class RefuseNulCharacters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": MESSAGE, "errors": []}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
