# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend interface: what the client asks of a backend, and the one retry policy both backends use.

Two backends implement it: rac.backend.RacBackend (one run of rac per call) and native.backend.NativeBackend (the
RAS protocol over a small pool of connections). Both return the records of records.py (dicts with the fields named
there, typed as there) and raise the errors of errors.py, so the client cannot tell them apart.

A backend is bound to one ras and one set of credentials (cluster administrator, infobase administrator) like a
rac invocation. ``cluster`` is always a cluster uuid (the client resolves names); ``infobase`` an infobase uuid.
Every operation may raise any errors.RacError: RasUnreachableError / RacTimeoutError / RasBackendError are
transient (retried by ``retrying`` before they reach the caller), ClusterAuthError / InfobaseAuthError /
*NotFoundError are permanent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import abc
import time

from ansible_collections.onec.cluster.plugins.module_utils.errors import RacError


class Backend(metaclass=abc.ABCMeta):
    """One ras, one set of credentials, one method per operation (see the module docstring for the contract)."""

    def __init__(self, host="localhost", port=1545):
        self.host = host
        self.port = port
        self.address = "%s:%s" % (host, port)

    @property
    @abc.abstractmethod
    def calls(self):
        """Calls made to ras so far (rac runs, or protocol calls), as ``rac_calls`` in results."""

    def close(self):
        """Release what stays open between calls (nothing, unless the backend keeps connections)."""

    @abc.abstractmethod
    def clusters(self):
        """Every cluster of this ras -> [cluster record]. Needs no credentials."""

    @abc.abstractmethod
    def infobases(self, cluster):
        """The cluster's infobases -> [infobase summary record]."""

    @abc.abstractmethod
    def infobase_info(self, cluster, infobase):
        """One infobase in full -> infobase record (lock fields included; needs the infobase's credentials)."""

    @abc.abstractmethod
    def infobase_update(self, cluster, infobase, **fields):
        """Change the given infobase record fields (snake keys of records.INFOBASE_FIELDS) -> None; the others
        stay as they are."""

    @abc.abstractmethod
    def sessions(self, cluster, infobase=None, licenses=False):
        """The cluster's sessions, or one infobase's -> [session record].

        With ``licenses`` each record also has ``licenses``: the licences granted to the session, [licence record]
        (records.LICENSE_FIELDS), [] for none."""

    @abc.abstractmethod
    def terminate(self, cluster, session, message=None):
        """End one session (by uuid), showing message to its user -> None (SessionNotFoundError if gone)."""

    @abc.abstractmethod
    def interrupt(self, cluster, session, message=None):
        """Interrupt the current server call of one session (by uuid), showing message to its user; the session
        stays -> None (SessionNotFoundError if gone)."""

    @abc.abstractmethod
    def connections(self, cluster, infobase=None):
        """The cluster's connections, or one infobase's -> [connection record]."""

    @abc.abstractmethod
    def disconnect(self, cluster, process, connection):
        """Drop one connection of a working process -> None (ConnectionNotFoundError if gone; needs the
        infobase's credentials)."""


def retrying(action, retries, backoff, pause=time.sleep):
    """action() again after a transient RacError, ``retries`` times, pausing backoff, 2 x backoff...

    Permanent errors (credentials, unknown names, bad input) are raised at once. The one retry policy of both
    backends: a rac run and a native call.
    """
    attempt = 0
    while True:
        try:
            return action()
        except RacError as exc:
            if not exc.transient or attempt >= retries:
                if attempt:
                    exc.detail += " (after %d retries)" % attempt
                raise
        attempt += 1
        pause(backoff * (2 ** (attempt - 1)))
