from django import forms

from relais.core.forms import Form
from relais.organisation.models import Direction


class PixConfirmForm(Form):
    """The confirmation step of a Pix import (its fields are drawn by `skills/_pix_report.html`)."""

    direction = forms.ModelChoiceField(queryset=Direction.objects.all(), required=False)
