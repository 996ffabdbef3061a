import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from relais.fieldwork.models import Visit
from relais.skills.models import PixParticipation
from relais.team import services
from relais.team.forms import RecruitForm, ShadowingForm
from relais.team.models import OnboardingModule, Recruit
from relais.team.permissions import can_manage_team
from relais.team.selectors import team_page


def _require(request):
    if not can_manage_team(request.user):
        raise PermissionDenied


def home(request):
    _require(request)
    return render(request, "team/home.html", {"page": team_page(today=datetime.date.today())})


def recruit_create(request):
    _require(request)
    form = RecruitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recruit = services.recruit_save(acting_user=request.user, recruit=form.save(commit=False))
        messages.success(request, f"Candidature de {recruit} enregistrée.")
        return redirect("team:recruit_detail", public_id=recruit.public_id)
    return render(request, "team/recruit_form.html", {"form": form})


def _mentor_visits(recruit: Recruit) -> list[Visit]:
    if recruit.mentor is None:
        return []
    return list(Visit.objects.alive().of_mediator(recruit.mentor).select_related("site").order_by("-date")[:60])


def recruit_detail(request, public_id):
    _require(request)
    recruit = get_object_or_404(Recruit.objects.select_related("mentor", "user"), public_id=public_id)
    form = RecruitForm(request.POST or None, instance=recruit)
    if request.method == "POST" and form.is_valid():
        services.recruit_save(acting_user=request.user, recruit=form.save(commit=False))
        messages.success(request, "Fiche mise à jour.")
        return redirect("team:recruit_detail", public_id=recruit.public_id)
    done = {c.module_id: c for c in recruit.completions.all()}
    modules = [{"module": m, "done": done.get(m.pk)} for m in OnboardingModule.objects.filter(is_active=True)]
    context = {
        "recruit": recruit,
        "form": form,
        "modules": modules,
        "shadowings": recruit.shadowings.select_related("visit__site").order_by("-visit__date"),
        "shadowing_form": ShadowingForm(visits=_mentor_visits(recruit)),
        "part_time_until": recruit.onboarding_until(services.ONBOARDING_WEEKS),
        "pix": (
            PixParticipation.objects.visible_to(request.user)
            .filter(agent_id=recruit.agent_id, is_shared=True)
            .select_related("campaign")
            .order_by("-shared_at")[:5]
            if recruit.agent_id
            else []
        ),
    }
    return render(request, "team/recruit_detail.html", context)


@require_POST
def module_done(request, public_id, module_id: int):
    _require(request)
    recruit = get_object_or_404(Recruit, public_id=public_id)
    module = get_object_or_404(OnboardingModule, pk=module_id, is_active=True)
    services.onboarding_complete(
        acting_user=request.user, recruit=recruit, module=module, done_on=datetime.date.today()
    )
    messages.success(request, f"« {module.title} » noté comme fait.")
    return redirect("team:recruit_detail", public_id=recruit.public_id)


@require_POST
def shadowing_add(request, public_id):
    _require(request)
    recruit = get_object_or_404(Recruit.objects.select_related("mentor"), public_id=public_id)
    form = ShadowingForm(request.POST, visits=_mentor_visits(recruit))
    if form.is_valid():
        services.shadowing_record(
            acting_user=request.user, recruit=recruit, visit=form.cleaned_data["visit"], note=form.cleaned_data["note"]
        )
        messages.success(request, "Visite en binôme enregistrée.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("team:recruit_detail", public_id=recruit.public_id)
