"""iCalendar (RFC 5545) feed of a mediator's visits, written by hand: it is small and fully specified.

Rules kept: CRLF line ends; lines folded at 75 octets (continuation lines start with a space, never
cutting a UTF-8 sequence); TEXT values escape backslash, semicolon, comma and newline; times in UTC
(`Z`), so no VTIMEZONE is needed; every VEVENT has UID and DTSTAMP.
"""

import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces joined by CRLF + space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # do not split a multi-byte character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # the leading space counts in the next line's 75
    return "\r\n ".join(pieces)


def utc(date: datetime.date, time: datetime.time) -> str:
    aware = datetime.datetime.combine(date, time, tzinfo=PARIS).astimezone(datetime.UTC)
    return aware.strftime("%Y%m%dT%H%M%SZ")


def calendar(*, name: str, events: list[dict], now: datetime.datetime) -> str:
    """events: dicts with uid, date, starts_at, ends_at, summary, location, description, status, sequence."""
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Relais//Planification des visites//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e['uid']}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(e['date'], e['starts_at'])}",
            f"DTEND:{utc(e['date'], e['ends_at'])}",
            f"SUMMARY:{escape(e['summary'])}",
            f"LOCATION:{escape(e['location'])}",
            f"DESCRIPTION:{escape(e['description'])}",
            f"STATUS:{e['status']}",
            f"SEQUENCE:{e.get('sequence', 0)}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
