from django import forms

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.models import Agent
from relais.core.forms import Form
from relais.helpdesk.enums import Channel, Priority, Status
from relais.helpdesk.models import CannedReply
from relais.knowledge.models import Article, Topic

NO_SENSITIVE = "Ne notez ni mot de passe, ni information de santé."


def topic_field(required: bool = True, label: str = "Thème") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=Topic.objects.filter(is_active=True), required=required, empty_label="— choisir —"
    )


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        label="Tickets",
        required=False,
        choices=[
            ("open", "En cours (non résolus)"),
            ("mine", "Attribués à moi"),
            ("unassigned", "Non attribués"),
            ("waiting", "En attente (délai suspendu)"),
            ("done", "Résolus, clos, doublons"),
            ("all", "Tous"),
        ],
    )
    sla = forms.ChoiceField(
        label="Délai",
        required=False,
        choices=[("", "Tous"), ("breached", "Délai dépassé"), ("warning", "Échéance proche")],
    )
    category = forms.ModelChoiceField(label="Thème", queryset=Topic.objects.all(), required=False, empty_label="Tous")
    priority = forms.ChoiceField(label="Priorité", required=False, choices=[("", "Toutes"), *Priority.choices])
    channel = forms.ChoiceField(label="Canal", required=False, choices=[("", "Tous"), *Channel.choices])
    q = forms.CharField(label="Numéro ou nom", required=False, max_length=100)


class CallForm(Form):
    """The quick form used during a call or at the desk: one screen, keyboard first."""

    requester = forms.ModelChoiceField(
        queryset=Agent.objects.none(), to_field_name="public_id", required=False, widget=forms.RadioSelect
    )
    caller_name = forms.CharField(
        label="Nom de la personne (si l'agent n'est pas trouvé)", required=False, max_length=150
    )
    caller_phone = forms.CharField(label="Téléphone pour la rappeler", required=False, max_length=32)
    channel = forms.ChoiceField(
        label="Canal",
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
        initial=Channel.PHONE,
    )
    category = topic_field()
    priority = forms.ChoiceField(label="Priorité", choices=Priority.choices, initial=Priority.NORMAL)
    description = forms.CharField(
        label="Ce que dit la personne",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=NO_SENSITIVE,
    )
    resolved = forms.BooleanField(label="Résolu pendant l'appel", required=False)
    assign_to_me = forms.BooleanField(label="Je m'en occupe", required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = Agent.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        if not data.get("requester") and not (data.get("caller_name") or data.get("caller_phone")):
            raise forms.ValidationError("Choisissez l'agent dans la liste, ou notez au moins son nom ou son téléphone.")
        return data


class ReplyForm(Form):
    canned = forms.ModelChoiceField(
        label="Réponse type",
        queryset=CannedReply.objects.filter(is_active=True),
        required=False,
        empty_label="— aucune —",
    )
    body = forms.CharField(label="Réponse à l'agent", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    next_status = forms.ChoiceField(
        label="Ensuite",
        required=False,
        choices=[
            ("", "Laisser en cours"),
            (Status.WAITING_AGENT, "Attendre la réponse de l'agent"),
            (Status.RESOLVED, "Marquer comme résolu"),
        ],
    )


class NoteForm(Form):
    body = forms.CharField(
        label="Note interne (jamais envoyée à l'agent)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text=NO_SENSITIVE,
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Attribuer à",
        queryset=User.objects.filter(is_active=True, role__in=[Role.HELPDESK, Role.COORDINATOR, Role.MEDIATOR]),
        required=False,
        empty_label="— personne —",
    )


class UpdateForm(forms.Form):
    category = topic_field(required=False)
    priority = forms.ChoiceField(label="Priorité", choices=Priority.choices)


class EscalateForm(Form):
    it_reference = forms.CharField(label="Référence du ticket chez le support informatique", max_length=64)


class DuplicateForm(forms.Form):
    original = forms.IntegerField(label="Numéro du ticket d'origine", min_value=1)


class ArticleLinkForm(forms.Form):
    article = forms.ModelChoiceField(
        label="Guide ou fiche", queryset=Article.objects.filter(is_published=True), empty_label="— choisir —"
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
