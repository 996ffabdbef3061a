import re
from dataclasses import dataclass

from django.conf import settings


def relais(request):
    return {"relais_demo": settings.RELAIS_DEMO}


@dataclass(frozen=True)
class Helpline:
    phone: str  # as written for people: "01 99 00 12 34"
    hours: str
    tel: str  # for the tel: link: "+33199001234"

    @property
    def sentence(self) -> str:
        """One line for a printed page (the sign-in sheet's PDF): "Assistance : 01 99 00 12 34, du lundi…"."""
        return f"Ligne d'assistance : {self.phone}" + (f", {self.hours}" if self.hours else "")


def current_helpline() -> Helpline | None:
    """The assistance line from RELAIS_HELPLINE_PHONE / RELAIS_HELPLINE_HOURS; None when no number is set."""
    phone = settings.RELAIS_HELPLINE_PHONE.strip()
    if not phone:
        return None
    digits = re.sub(r"[^0-9+]", "", phone)
    if digits.startswith("0") and len(digits) == 10:  # a French national number: +33 without the leading 0
        digits = "+33" + digits[1:]
    return Helpline(phone=phone, hours=settings.RELAIS_HELPLINE_HOURS.strip(), tel=digits)


def helpline(request):
    """`helpline`: the assistance line's number and hours, on every page (base.html's footer shows it)."""
    return {"helpline": current_helpline()}
