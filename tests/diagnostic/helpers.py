from django.urls import reverse

from relais.diagnostic.models import Session


def start(client, **data):
    response = client.post(reverse("diagnostic:start") + data.pop("query", ""), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Session.objects.order_by("-pk").first()


def answer(client, session, *, right=True, dont_know=False):
    session.refresh_from_db()
    item = session.pending_item
    if dont_know:
        value = "je-ne-sais-pas"
    else:
        value = (
            str(item.choices.get(is_correct=right).pk) if right else str(item.choices.filter(is_correct=False)[0].pk)
        )
    return client.post(reverse("diagnostic:question", args=[session.public_id]), {"answer": value})


def finish(client, session, *, right=lambda n: n % 2 == 0) -> int:
    """Answer until the end; `right(n)` says whether the n-th answer is right. Returns the questions asked."""
    n = 0
    while True:
        session.refresh_from_db()
        if session.finished_at is not None:
            return n
        answer(client, session, right=right(n))
        n += 1
        assert n <= 12
