"""Every view that renders agents or participants, read by the HR correspondent of DPE with a foreign object.

The URL patterns of the whole project are enumerated: each one is either probed here (with an object of
another direction, and with a DPE object that holds agents of other directions, such as a workshop at a
DPE site attended by DFPE agents) or listed in `RENDERS_NO_AGENT` with the reason. A new view that is in
neither list fails `test_every_view_is_probed_or_says_why_not`, so the access tests cannot fall behind.

What is checked is what a user would notice: the foreign agent's name and matricule appear nowhere in the
answer (page, fragment, PDF or export), whatever its status.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from reportlab import rl_config

from relais.accounts.enums import Role
from relais.api.enums import Scope
from relais.api.services import token_create
from relais.fieldwork.enums import VisitStatus
from relais.fieldwork.views.signin import signin_token
from tests.factories import AgentFactory, SiteFactory, UserFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, ParticipationFactory, VisitFactory
from tests.helpdesk.factories import TicketFactory
from tests.interventions.factories import submit

pytestmark = pytest.mark.django_db

# The foreign agent: DFPE, seen by nobody in DPE. ASCII so that it is findable in a PDF's text as in HTML.
FOREIGN = {"last_name": "Horsperimetre", "first_name": "Zephyrine", "matricule": "909424"}
FOREIGN_WALK_IN = "Walkinetranger"
MARKERS = ("horsperimetre", "zephyrine", "909424", FOREIGN_WALK_IN.lower())

# Views that render no agent nor participant (name, matricule), with the reason. Anything else is probed.
RENDERS_NO_AGENT = {
    "core:healthz": "health check",
    "core:accessibility": "static statement",
    "accounts:login": "login form",
    "accounts:logout": "logout",
    "accounts:oidc_authenticate": "redirect to the identity provider",
    "accounts:oidc_callback": "sign-in callback (tests/accounts/test_sso.py)",
    "accounts:two_factor_setup": "the user's own authenticator",
    "accounts:two_factor_verify": "code form",
    "accounts:recovery_codes": "the user's own recovery codes",
    "accounts:password_reset": "own account pages: the reset form (an e-mail address, no agent)",
    "accounts:password_reset_done": "own account pages: a fixed message",
    "accounts:password_reset_confirm": "own account pages: the new password form of the link's account",
    "accounts:password_reset_complete": "own account pages: a fixed message",
    "accounts:sessions": "own account pages: the user's own sessions and API tokens (tests/accounts/test_sessions.py)",
    "accounts:session_end": "own account pages: POST ending one of the user's own sessions",
    "accounts:sessions_end_others": "own account pages: POST ending the user's other sessions",
    "tokens:token_revoke": "own account pages: POST revoking one of the user's own API tokens",
    "accounts:passkey_done": "the user's own recovery codes after a passkey",
    "accounts:passkey_remove": "removes one of the user's own passkeys (tests/accounts/test_passkeys.py)",
    "otp_webauthn:credential-registration-begin": "WebAuthn ceremony of the user's own passkey, no agent",
    "otp_webauthn:credential-registration-complete": "WebAuthn ceremony of the user's own passkey, no agent",
    "otp_webauthn:credential-authentication-begin": "WebAuthn ceremony of the user's own passkey, no agent",
    "otp_webauthn:credential-authentication-complete": "WebAuthn ceremony of the user's own passkey, no agent",
    "otp_webauthn:js-i18n-catalog": "the passkey script's French messages",
    "imports:run_create": "upload form; imports are administrator-only (tests/imports)",
    "imports:run_progress": "progress counters; administrator-only",
    "imports:run_apply": "administrator-only POST",
    "imports:run_discard": "administrator-only POST",
    "diagnostic:start": "public diagnostic: direction or site chooser, no agent",
    "diagnostic:site_link": "a site's QR code for the diagnostic, no agent",
    "diagnostic:question": "public diagnostic question, bound to its browser session, no agent",
    "diagnostic:result": "bands of one diagnostic session; its agent shown to its mediator only (tests/diagnostic)",
    "imports:run_map": "column mapping step; administrator-only (tests/imports/test_mapping.py)",
    "fieldwork:index": "redirect",
    "fieldwork:service_worker": "static script",
    "fieldwork:visit_create": "form of sites, no agent",
    "fieldwork:site_search": "sites only",
    "fieldwork:topic_list": "topic catalogue",
    "fieldwork:activity_qr": "QR code of a URL",
    "signin_code": "public page asking for a sheet's short code",
    "signin_short": "redirect to a sheet's public form (probed as fieldwork:public_signin)",
    "helpdesk:public_form": "public help form (agents type their own details)",
    "helpdesk:public_thanks": "public thank-you page with a ticket reference",
    "helpdesk:survey": "public one-click survey",
    "helpdesk:poster": "poster with the help form's QR code",
    "helpdesk:statistics": "aggregates only (tests/helpdesk/test_statistics.py)",
    "api:docs": "the API's documentation, from its schema",
    "api:openapi-json": "the API's OpenAPI document",
    "api:api-root": "the API's root path (no operation)",
    "api:observations_push": "API write; outside the token's directions refused (tests/api/test_protocol.py)",
    "api:interventions_create": "API write; outside the token's directions refused (tests/api/test_resources.py)",
    "api:tickets_create": "API write; helpdesk staff only, requester within scope (tests/api/test_resources.py)",
    "planning:plan_generate": "POST starting a plan",
    "planning:plan_confirm": "POST confirming a plan",
    "planning:run_detail": "a background planning run: sites, mediators, progress",
    "planning:run_progress": "a background planning run's progress bar",
    "planning:weights_edit": "priority weights",
    "team:home": "the coordination's team page (HR refused: tests/team), recruits are not shown by direction",
    "team:recruit_create": "the coordination's recruitment form (HR refused: tests/team)",
    "team:recruit_detail": "the coordination's recruit page (HR refused: tests/team)",
    "team:module_done": "POST by the coordination (HR refused: tests/team)",
    "team:shadowing_add": "POST by the coordination (HR refused: tests/team)",
    "planning:feed_manage": "a mediator's calendar token",
    "planning:calendar_feed": "a mediator's visits (sites, hours)",
    "knowledge:article_list": "guides",
    "knowledge:article_detail": "a guide",
    "knowledge:article_flyer": "a guide's flyer",
    "insights:campaign_create": "campaign form",
    "insights:campaign_update": "campaign form",
    "insights:report_pdf": "aggregates (small groups hidden, tests/insights)",
    "imports:run_detail": "administrator-only (HR gets 403: tests/imports); rejected lines name agents",
    "imports:run_rejections": "administrator-only (HR gets 403: tests/imports)",
    "planning:visit_edit": "a planned visit: site, mediator, hours",
    "planning:visit_lock": "POST on a planned visit",
    "insights:campaign_detail": "a campaign's aggregates",
    "insights:table_export": "probed link by link: test_dashboard_exports_show_no_foreign_agent",
    "interventions:request_create": "request form (the agents field lists the requester's own directions)",
    "skills:pix_confirm": "administrator-only POST on a Pix import (HR gets 403: tests/skills)",
}


def _foreign_finding(foreign, dpe):
    """An HR data-reliability finding on the foreign agent's file, with an HR manager who also has a DPE file."""
    import datetime

    from relais.agents.models import HRManager
    from relais.findings.enums import ExtractKind
    from relais.findings.models import Extract, Finding

    manager = HRManager.objects.create(label="LEBRUN Claire", key="name:claire lebrun", kind="name")
    extract = Extract.objects.create(
        kind=ExtractKind.HR_QUALITY, source_name="sirh.csv", as_of=datetime.date(2026, 11, 1)
    )
    common = {"family": "validity", "severity": "warning", "line": 2, "first_extract": extract, "last_extract": extract,
              "opened_at": extract.as_of, "hr_manager": manager, "column": "Code postal"}  # fmt: skip
    finding = Finding.objects.create(
        rule="VAL-CP",
        matricule=FOREIGN["matricule"],
        agent=foreign,
        direction=foreign.direction,
        message=f"Ligne 2 : {FOREIGN['matricule']}",
        **common,
    )
    Finding.objects.create(rule="VAL-CP", matricule="100001", direction=dpe, message="Ligne 3", **common)
    return finding, manager


def _url_names():
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name

    return set(walk(get_resolver().url_patterns))


@pytest.fixture
def world(users, dpe, dfpe):
    """A DPE workshop attended by DFPE agents, and objects of DFPE alone."""
    hr = users[Role.HR]
    mediator = MediatorFactory()
    foreign = AgentFactory(direction=dfpe, **FOREIGN)
    own = AgentFactory(direction=dpe, last_name="Dupont", first_name="Alice")
    dpe_site = SiteFactory(direction=dpe, name="Dépôt Bercy")
    dpe_visit = VisitFactory(site=dpe_site, mediators=[mediator], status=VisitStatus.UNDER_WAY)
    dpe_workshop = ActivityFactory(visit=dpe_visit, title="Messagerie")
    ParticipationFactory(activity=dpe_workshop, agent=own)
    hidden = ParticipationFactory(
        activity=dpe_workshop, agent=foreign, followup_needed=True, followup_reason="Revoir " + FOREIGN["first_name"]
    )
    ParticipationFactory(
        activity=dpe_workshop, agent=None, is_walk_in=True, direction=dfpe, walk_in_label=FOREIGN_WALK_IN
    )
    dfpe_visit = VisitFactory(site=SiteFactory(direction=dfpe, name="Crèche Oberkampf"), mediators=[mediator])
    dfpe_activity = ActivityFactory(visit=dfpe_visit)
    dfpe_participation = ParticipationFactory(activity=dfpe_activity, agent=foreign)
    ticket = TicketFactory(requester=foreign, subject="Ma messagerie")
    dfpe_hr = UserFactory(username="rh-dfpe", role=Role.HR, directions=[dfpe])
    dfpe_request = submit(dfpe_hr, dfpe, agents=[foreign])
    dpe_request = submit(hr, dpe)
    foreign_finding, dfpe_manager = _foreign_finding(foreign, dpe)
    return {
        "finding": foreign_finding,
        "dfpe_manager": dfpe_manager,
        "directions": [dfpe, dpe],
        "hr": hr,
        "agent": foreign,
        "visits": [dpe_visit, dfpe_visit],
        "activities": [dpe_workshop, dfpe_activity],
        "participations": [hidden, dfpe_participation],
        "ticket": ticket,
        "requests": [dfpe_request, dpe_request],
        "sites": [dpe_site, dfpe_visit.site],
    }


def _ids(objs):
    return [[o.public_id] for o in objs]


def _insights_exports(client):
    """Every export link the dashboards show to this reader."""
    links = set()
    for name in (
        "insights:home",
        "insights:adoption",
        "insights:impact",
        "insights:output",
        "insights:report",
        "insights:skills",
    ):
        html = client.get(reverse(name)).content.decode()
        links |= set(re.findall(r'href="(/indicateurs/[^"]*/export/[^"]+)"', html))
    assert links, "the dashboards show no export link"
    return sorted(links)


# name -> (method, list of args) built from the world; each is requested as the DPE correspondent.
def _probes(w):
    activities, visits, participations = _ids(w["activities"]), _ids(w["visits"]), _ids(w["participations"])
    return {
        "insights:home": ("get", [[]]),
        "insights:adoption": ("get", [[]]),
        "insights:impact": ("get", [[]]),
        "insights:output": ("get", [[]]),
        "insights:report": ("get", [[]]),
        "insights:skills": ("get", [[]]),
        "insights:campaign_list": ("get", [[]]),
        "agents:agent_list": ("get", [[]]),
        "agents:agent_detail": ("get", [[w["agent"].public_id]]),
        "imports:run_list": ("get", [[]]),
        "agents:hr_manager_list": ("get", [[]]),
        "fieldwork:my_day": ("get", [[]]),
        "fieldwork:visit_detail": ("get", visits),
        "fieldwork:visit_summary": ("get", visits),
        "fieldwork:visit_start": ("post", visits),
        "fieldwork:visit_close": ("post", visits),
        "fieldwork:visit_cancel": ("post", visits),
        "fieldwork:visit_delete": ("post", visits),
        "fieldwork:visit_notes": ("post", visits),
        "fieldwork:activity_add": ("post", visits),
        "fieldwork:activity_detail": ("get", activities),
        "fieldwork:activity_update": ("get", activities),
        "fieldwork:activity_delete": ("post", activities),
        "fieldwork:participant_search": ("get", activities),
        "fieldwork:participant_add": ("post", activities),
        "fieldwork:participant_list": ("get", activities),
        "fieldwork:activity_signin": ("get", activities),
        "fieldwork:activity_sheet_pdf": ("get", activities),
        "fieldwork:outcome_record": ("post", participations),
        "fieldwork:participant_delete": ("post", participations),
        "fieldwork:walkin_match": ("get", participations),
        "fieldwork:participation_history": ("get", participations),
        "fieldwork:followup_close": ("post", participations),
        "fieldwork:followup_list": ("get", [[]]),
        "fieldwork:my_activities": ("get", [[]]),
        "fieldwork:team_activities": ("get", [[]]),
        "fieldwork:activities_export": ("get", [["csv"], ["xlsx"]]),
        "fieldwork:public_signin": ("get", [[signin_token(a)] for a in w["activities"]]),
        "helpdesk:ticket_list": ("get", [[]]),
        "helpdesk:call_create": ("get", [[]]),
        "helpdesk:agent_search": ("get", [[]]),
        **{
            f"helpdesk:{name}": ("get" if name == "ticket_detail" else "post", [[w["ticket"].public_id]])
            for name in (
                "ticket_detail",
                "ticket_reply",
                "ticket_note",
                "ticket_status",
                "ticket_duplicate",
                "ticket_assign",
                "ticket_update",
                "ticket_escalate",
                "ticket_link_article",
                "ticket_match",
            )
        },
        "planning:plan_week": ("get", [[]]),
        "planning:site_detail": ("get", _ids(w["sites"])),
        "planning:forecast": ("get", [[]]),
        "planning:my_visits": ("get", [[]]),
        "interventions:request_list": ("get", [[]]),
        **{
            f"interventions:{name}": ("get" if name == "request_detail" else "post", _ids(w["requests"]))
            for name in (
                "request_detail",
                "request_decide",
                "request_schedule",
                "request_done",
                "request_assess",
                "request_withdraw",
                "request_comment",
            )
        },
        "findings:overview": ("get", [[]]),
        "findings:direction_detail": ("get", _ids(w["directions"])),
        "findings:direction_request": ("post", _ids(w["directions"])),
        "findings:manager_detail": ("get", [[w["dfpe_manager"].public_id]]),
        "findings:manager_export": (
            "get",
            [[w["dfpe_manager"].public_id, "csv"], [w["dfpe_manager"].public_id, "xlsx"]],
        ),
        "findings:finding_justify": ("post", [[w["finding"].public_id]]),
        "findings:request_assessment": ("get", _ids(w["requests"])),
        # The public API, called with the DPE correspondent's token (every scope): the same rules as the pages.
        "api:tools_list": ("get", [[]]),
        "api:agents_list": ("get", [[]]),
        "api:agents_detail": ("get", [[w["agent"].public_id]]),
        "api:observations_list": ("get", [[]]),
        "api:visits_list": ("get", [[]]),
        "api:activities_list": ("get", [[]]),
        "api:statistics_adoption": ("get", [[]]),
        "api:interventions_list": ("get", [[]]),
        "api:interventions_detail": ("get", _ids(w["requests"])),
        "api:tickets_list": ("get", [[]]),
        "api:tickets_detail": ("get", [[w["ticket"].public_id]]),
    }


def _leaks(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace").lower()
    return [m for m in MARKERS if m in text]


def test_every_view_is_probed_or_says_why_not(world):
    names = _url_names()
    probed = set(_probes(world))
    assert not (names - probed - set(RENDERS_NO_AGENT)), "views neither probed nor exempted"
    assert not (probed | set(RENDERS_NO_AGENT)) - names, "stale names in the access tests"


def test_no_view_shows_a_foreign_agent_to_the_dpe_correspondent(client, world, monkeypatch):
    monkeypatch.setattr(rl_config, "pageCompression", 0)  # the PDF's text readable in its bytes
    client.force_login(world["hr"])
    token = token_create(acting_user=None, user=world["hr"], scopes=Scope.values).clear
    leaks = {}
    for name, (method, arg_lists) in _probes(world).items():
        for args in arg_lists:
            url = reverse(name, args=args)
            if name.startswith("api:"):
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
                assert response.status_code in (200, 404), (url, response.status_code)
            elif method == "post":
                response = client.post(url, HTTP_HX_REQUEST="true")
            else:
                response = client.get(url)
            if found := _leaks(response):
                leaks[url] = (response.status_code, found)
    assert leaks == {}


def test_dashboard_exports_show_no_foreign_agent(client, world):
    client.force_login(world["hr"])
    for link in _insights_exports(client):
        assert _leaks(client.get(link)) == [], link


def test_the_dpe_workshop_says_how_many_agents_it_hides(client, world, monkeypatch):
    """The DPE correspondent sees DPE's participant and a count of the others, on every list of the sheet."""
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    client.force_login(world["hr"])
    workshop, visit = world["activities"][0], world["visits"][0]
    page = client.get(reverse("fieldwork:activity_detail", args=[workshop.public_id])).content.decode()
    assert "Alice Dupont" in page
    assert "1 personne sur la feuille" in page and "et 2 agents d&#x27;autres directions" in page
    fragment = client.get(reverse("fieldwork:participant_list", args=[workshop.public_id]) + "?compact=1")
    assert "1 personne inscrite, et 2 agents d&#x27;autres directions" in fragment.content.decode()
    pdf = client.get(reverse("fieldwork:activity_sheet_pdf", args=[workshop.public_id])).content
    assert b"Dupont" in pdf.replace(b"DUPONT", b"Dupont") and b"et 2 agents d" in pdf
    summary = client.get(reverse("fieldwork:visit_summary", args=[visit.public_id])).content.decode()
    assert "les feuilles portent aussi 2 agents d'autres directions" in summary
    detail = client.get(reverse("fieldwork:visit_detail", args=[visit.public_id])).content.decode()
    assert "1 personne et 2 agents d&#x27;autres directions" in detail


def test_the_mediator_still_sees_the_whole_sheet(client, world):
    mediator = world["visits"][0].mediators.get()
    client.force_login(mediator)
    page = client.get(reverse("fieldwork:activity_detail", args=[world["activities"][0].public_id])).content.decode()
    assert "Zephyrine Horsperimetre" in page and FOREIGN_WALK_IN in page and "3 personnes sur la feuille" in page
    assert "autres directions" not in page


def test_the_export_and_the_sheet_read_the_same_rule(world):
    """One rule: the sheet's rows for a reader are the export's rows of that activity for the same reader."""
    from relais.fieldwork import selectors

    workshop = world["activities"][0]
    for user in (world["hr"], world["visits"][0].mediators.get()):
        exported = selectors.participations_for(user=user, filters=selectors.ParticipationFilters()).filter(
            activity=workshop
        )
        assert {p.pk for p in selectors.sheet_rows(workshop, user=user)} == {p.pk for p in exported}
