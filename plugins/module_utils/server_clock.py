# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What time it is on the 1C server: the one place that knows.

rac and ras show and take every time (started-at, last-active-at, denied-from, denied-to) in the server's local
time, with no zone on the wire. The controller (an AWX container often runs in UTC) may keep another zone. With
``server_timezone`` set, the server's "now" is the controller's instant seen in that zone. Without it the
controller's local clock stands in for the server's, and a guard checks that no time the server reported lies in
the controller's future; a server behind the controller cannot be seen from its times, hence a warning.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.records import RAC_TIME_FORMAT

try:
    import zoneinfo
except ImportError:  # Python < 3.9: fixed offsets only
    zoneinfo = None

# How far a server time may lie in the controller's future (clocks drift, a list takes time) before it proves
# another zone.
TOLERANCE = 120
# The session fields that hold a time the server read on its own clock, as the parsers name them.
CLOCK_FIELDS = ("last_active_at", "started_at")
_OFFSET_RE = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?\Z")
_UTC = datetime.timezone.utc


class ServerClockError(ModuleInputError):
    """A time the server reported lies in the controller's future: its zone is not the one assumed."""

    summary = "the 1C server's clock does not match the time zone assumed for it"


def parse_zone(name):
    """'UTC', '+07:00', '-03:30', '+0530', '+3' or an IANA name such as 'Europe/Moscow' -> a tzinfo."""
    text = str(name).strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return _UTC
    match = _OFFSET_RE.match(text)
    if match:
        sign, hours, minutes = match.groups()
        delta = datetime.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta >= datetime.timedelta(hours=24) or int(minutes or 0) >= 60:
            raise ModuleInputError("server_timezone %r is not a fixed offset: use +HH:MM from -23:59 to +23:59" % (name,))
        return datetime.timezone(-delta if sign == "-" else delta)
    if zoneinfo is not None and text:
        try:
            return zoneinfo.ZoneInfo(text)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise ModuleInputError(
        "server_timezone %r is not a time zone this controller knows: give an IANA name such as Europe/Moscow "
        "(needs the tz database: the tzdata package of the OS or of Python) or a fixed offset such as +03:00, "
        "-03:30 or UTC, which works everywhere (an execution environment often has no tz database)" % (name,))


def offset_text(delta):
    """timedelta(hours=3) -> 'UTC+03:00'; -3h30m -> 'UTC-03:30'."""
    minutes = int(round(delta.total_seconds() / 60.0))
    sign = "-" if minutes < 0 else "+"
    return "UTC%s%02d:%02d" % (sign, abs(minutes) // 60, abs(minutes) % 60)


def span_text(seconds):
    """3 * 3600 + 61 -> '3h01m'; 600 -> '10 min'; 45 -> '45 s'."""
    seconds = int(round(abs(seconds)))
    if seconds < 60:
        return "%d s" % seconds
    hours, minutes = divmod(seconds // 60, 60)
    return "%dh%02dm" % (hours, minutes) if hours else "%d min" % minutes


def parse_instant(value):
    """'2026-11-29T18:17:00Z' or with an offset -> an aware datetime; anything else is a ModuleInputError."""
    text = str(value).strip()
    try:
        moment = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ModuleInputError("%r is not an instant with its zone: use YYYY-MM-DDTHH:MM:SSZ (UTC) or an offset "
                               "such as +03:00" % (value,))
    return moment


def utc_text(moment):
    """An aware datetime -> '2026-11-29T18:17:00Z'."""
    return moment.astimezone(_UTC).strftime(RAC_TIME_FORMAT) + "Z"


class ServerClock:
    """The server's clock for one module run, read once (every time of the run counts from the same instant).

    ``zone`` is the option server_timezone (None: not set); ``warn`` takes the one warning given when relative
    times are counted on the controller's clock.
    """

    def __init__(self, zone=None, warn=None, instant=None):
        self.zone_name = zone or None
        self.zone = parse_zone(zone) if zone else None
        self.warn = warn
        self.instant = instant or datetime.datetime.now(_UTC).replace(microsecond=0)
        self.controller_offset = self.instant.astimezone().utcoffset()
        self.warned = False

    def now(self):
        """The server's local time now (naive, rac's clock)."""
        return self._local(self.zone).replace(tzinfo=None)

    def _local(self, zone):
        return self.instant.astimezone(zone) if zone else self.instant.astimezone()

    def to_utc(self, server_time):
        """A naive server-local time (rac's form or datetime) -> an aware UTC datetime."""
        if not isinstance(server_time, datetime.datetime):
            server_time = datetime.datetime.strptime(server_time, RAC_TIME_FORMAT)
        if self.zone is None:
            return server_time.astimezone(_UTC)  # naive: the controller's local time
        return server_time.replace(tzinfo=self.zone).astimezone(_UTC)

    def checked_now(self, sessions, place=None):
        """The server's now, once the times the server reported agree with it (else ServerClockError).

        For every use of a relative time or of idle_for: ``sessions`` are the sessions the server listed (their
        started-at and last-active-at are readings of its clock), ``place`` (Client.place()) names the server in
        the error.
        """
        ahead = self.furthest_ahead(sessions)
        if ahead is not None:
            raise ServerClockError(self.evidence(ahead), **(place or {}))
        if self.zone is None and not self.warned:
            self.warned = True
            if self.warn:
                self.warn(self.assumption_warning())
        return self.now()

    def furthest_ahead(self, sessions):
        """(session, field, value, seconds ahead) of the reading furthest past the server's now, if past tolerance."""
        now = self.now()
        worst = None
        for session in sessions:
            for field in CLOCK_FIELDS:
                try:
                    reading = datetime.datetime.strptime(session.get(field) or "", RAC_TIME_FORMAT)
                except (TypeError, ValueError):
                    continue
                ahead = (reading - now).total_seconds()
                if ahead > TOLERANCE and (worst is None or ahead > worst[3]):
                    worst = (session, field, session[field], ahead)
        return worst

    def evidence(self, ahead):
        session, field, value, seconds = ahead
        who = "session %s (%s, %s)" % (session.get("session_id", "?"), session.get("user_name") or "no user",
                                       session.get("infobase_name") or session.get("infobase", "?"))
        if self.zone is None:
            guess = offset_text(self.controller_offset + datetime.timedelta(minutes=15 * round(seconds / 900.0)))
            return ("%s has %s %s, %s ahead of the controller's clock (%s, %s): the server keeps another time zone "
                    "(likely %s), so relative times and idle_for would be counted wrong. Nothing was changed. Set "
                    "server_timezone (inventory variable onec_server_timezone) to the server's zone, e.g. "
                    "Europe/Moscow or a fixed offset such as %s"
                    % (who, field.replace("_", "-"), value, span_text(seconds), self.now().strftime(RAC_TIME_FORMAT),
                       offset_text(self.controller_offset), guess, guess[3:]))
        return ("%s has %s %s, %s ahead of the server's time in server_timezone %s (%s): that zone is not the "
                "server's, so relative times and idle_for would be counted wrong. Nothing was changed. Correct "
                "server_timezone (inventory variable onec_server_timezone)"
                % (who, field.replace("_", "-"), value, span_text(seconds), self.zone_name,
                   self.now().strftime(RAC_TIME_FORMAT)))

    def assumption_warning(self):
        return ("server_timezone is not set: relative times (now, +10m) and idle_for are counted on the controller's "
                "clock (%s) as if the 1C server kept the same zone. A server ahead of it is detected from the times "
                "it reports; one behind it cannot be. Set server_timezone (inventory variable onec_server_timezone) "
                "to the server's zone, e.g. Europe/Moscow or +03:00" % offset_text(self.controller_offset))

    def starts(self, server_time):
        """For a lock start in rac's form: {'starts_at_utc', 'starts_in' (seconds, 0 once started)}, or {}."""
        if not server_time:
            return {}
        start = self.to_utc(server_time)
        return dict(starts_at_utc=utc_text(start), starts_in=max(0, int((start - self.instant).total_seconds())))

    def start_text(self, server_time):
        """'21:17 server time, in 10 min' (or 'already in force since 21:17 server time')."""
        if not server_time:
            return "now"
        start = datetime.datetime.strptime(server_time, RAC_TIME_FORMAT)
        label = start.strftime("%H:%M" if start.date() == self.now().date() else "%Y-%m-%d %H:%M")
        seconds = int((self.to_utc(start) - self.instant).total_seconds())
        if seconds <= 0:
            return "%s server time (in force)" % label
        return "%s server time, in %s" % (label, span_text(seconds))
