from django import forms

from relais.adoption.enums import AdoptionStatus
from relais.agents.enums import Category, Statut
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction, Service


class Presence:
    IN_POST = "en_poste"
    LEFT = "sortis"
    ALL = "tous"
    CHOICES = [(IN_POST, "En poste"), (LEFT, "Sortis"), (ALL, "Tous")]


def _with_blank(choices, blank="Tous"):
    return [("", blank), *choices]


class AgentFilterForm(forms.Form):
    """The filters of the agent list; every choice offered is limited to what the user may see."""

    q = forms.CharField(label="Nom, prénom ou matricule", required=False, max_length=100)
    direction = forms.ModelChoiceField(
        label="Direction", queryset=Direction.objects.none(), to_field_name="code", required=False, empty_label="Toutes"
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), to_field_name="public_id", required=False, empty_label="Tous"
    )
    site_kind = forms.ChoiceField(label="Type de site", choices=_with_blank(SiteKind.choices), required=False)
    category = forms.ChoiceField(label="Catégorie", choices=_with_blank(Category.choices, "Toutes"), required=False)
    statut = forms.ChoiceField(label="Statut", choices=_with_blank(Statut.choices), required=False)
    mailbox = forms.ChoiceField(
        label="Messagerie", choices=_with_blank(AdoptionStatus.choices, "Tous les états"), required=False
    )
    presence = forms.ChoiceField(label="Présence", choices=Presence.CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = Direction.objects.visible_to(user).order_by("code")
        self.fields["direction"].label_from_instance = lambda d: f"{d.code} — {d.name}"
        services = Service.objects.visible_to(user).select_related("direction").order_by("direction__code", "name")
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: f"{s.direction.code} · {s.name}"
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    @property
    def has_active_filters(self) -> bool:
        """Whether a filter other than the search text narrows the list (the filter panel then opens)."""
        return any(self.data.get(name) for name in self.fields if name not in ("q", "presence")) or (
            self.data.get("presence", Presence.IN_POST) != Presence.IN_POST
        )

    def filters(self) -> dict:
        """The valid filters; a filter with an error (e.g. a direction out of scope) is ignored and shown."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data.setdefault("presence", Presence.IN_POST)
        return data
