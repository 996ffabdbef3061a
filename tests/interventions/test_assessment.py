"""The before/after assessment measures the tools the request is about (its topics), not always the mailbox."""

import datetime

from django.urls import reverse
from django.utils import timezone

from relais.adoption.models import Tool
from relais.interventions import selectors
from relais.interventions.models import InterventionRequest
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory, mailbox
from tests.helpdesk.factories import topic
from tests.interventions.factories import ok, submit


def _population(dpe):
    site = SiteFactory(direction=dpe)
    agents = [AgentFactory(direction=dpe, site=site) for _ in range(3)]
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=90)
    badge = Tool.objects.get(code="badgeuse")
    for agent in agents:  # every mailbox activated long ago: a mailbox measure would show nothing moving
        ToolAccountFactory(agent=agent, tool=mailbox(), provisioned_on=long_ago, activated_on=long_ago)
    ToolAccountFactory(agent=agents[0], tool=badge, provisioned_on=long_ago, activated_on=today)
    ToolAccountFactory(agent=agents[1], tool=badge, provisioned_on=long_ago)
    return site


def test_badge_request_measures_the_badge_app(hr, dpe):
    site = _population(dpe)
    req = submit(hr, dpe, title="Badgeuse", topics=[topic("badgeuse")], sites=[site])
    InterventionRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    req.refresh_from_db()
    [assessment] = selectors.before_after(req)
    assert assessment.tool.code == "badgeuse" and assessment.from_topics
    before, after = assessment.rows
    assert (before.agents, before.accounts, before.activated) == (3, 2, 0)
    assert (after.accounts, after.activated) == (2, 1)


def test_several_tools_each_measured_and_mailbox_only_by_default(hr, dpe):
    site = _population(dpe)
    both = submit(hr, dpe, topics=[topic("self-service-rh"), topic("badgeuse"), topic("smartphone")], sites=[site])
    assert [a.tool.code for a in selectors.before_after(both)] == ["badgeuse", "self-service-rh"]
    neither = submit(hr, dpe, topics=[topic("smartphone")], sites=[site])
    [default] = selectors.before_after(neither)
    assert default.tool.code == "messagerie" and not default.from_topics
    services_online = submit(hr, dpe, topics=[topic("teleservices")], sites=[site])
    assert [a.tool.code for a in selectors.before_after(services_online)] == ["intranet"]


def test_page_names_the_tool_measured(client, hr, dpe):
    site = _population(dpe)
    req = submit(hr, dpe, topics=[topic("badgeuse")], sites=[site])
    client.force_login(hr)
    html = ok(client.get(reverse("interventions:request_detail", args=[req.public_id])))
    assert "Application badgeuse</h3>" in html
    assert "Messagerie professionnelle</h3>" not in html
    req = submit(hr, dpe, topics=[topic("smartphone")], sites=[site])
    html = ok(client.get(reverse("interventions:request_detail", args=[req.public_id])))
    assert "Messagerie professionnelle</h3>" in html and "la messagerie est mesurée par défaut" in html
