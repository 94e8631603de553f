# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The session filters shared by session_info, session and session_wait (argument spec: module_utils/glue.py SESSION_FILTER_OPTIONS).
    DOCUMENTATION = r"""
options:
  infobase:
    description:
      - Only sessions of these infobases, by name or uuid.
    type: list
    elements: str
  user:
    description:
      - Only sessions of these 1C users (exact names as rac prints them).
    type: list
    elements: str
  app_id:
    description:
      - Only sessions of these client types, compared case-insensitively, for example C(1CV8C) (thin client),
        C(1CV8) (thick client), C(WebClient), C(Designer), C(COMConnection), C(BackgroundJob), C(WSConnection).
    type: list
    elements: str
  host:
    description:
      - Only sessions from these client computers (the C(host) field), compared case-insensitively.
    type: list
    elements: str
  client_ip:
    description:
      - Only sessions with one of these client addresses.
    type: list
    elements: str
  idle_for:
    description:
      - Only sessions whose last activity is at least this long ago, for example C(900), C(15m), C(2h), C(1h30m), C(1d).
      - rac prints server local time without a zone; it is compared with the clock of the host that runs the module,
        so keep both in the same time zone.
    type: str
  hibernated:
    description:
      - Only sleeping (V(true)) or only awake (V(false)) sessions.
    type: bool
  exclude_users:
    description:
      - Never sessions of these users (for example the administrator running maintenance), whatever else matches.
    type: list
    elements: str
  exclude_app_ids:
    description:
      - Never sessions of these client types (for example C(BackgroundJob) or C(Designer)), compared
        case-insensitively like O(app_id), whatever else matches.
    type: list
    elements: str
"""
