# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client the modules use: one ras, one cluster, one explicit method per operation.

A backend (backend.Backend: the rac one or the native one, chosen by glue.client_from_params) makes the calls;
Client resolves the cluster and infobase names and attaches to every failure where it happened (host, port,
cluster and, when known, the infobase's name), so a module can show a message a person can act on. Fewer calls
is the design lever: a cluster given as a uuid is used as it is (ras itself says if it is unknown), infobase names
are resolved with one ``summary list``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible_collections.onec.cluster.plugins.module_utils.errors import (
    ClusterNotFoundError,
    InfobaseNotFoundError,
    ModuleInputError,
    RacError,
    where_text,
)
from ansible_collections.onec.cluster.plugins.module_utils.records import check_text, is_uuid


class Client:
    """What every module talks to: one ras, one cluster, typed operations; the backend does the calls."""

    def __init__(self, backend):
        self.backend = backend
        self.host, self.port = backend.host, backend.port
        self.address = backend.address
        self.cluster_uuid = None
        self.cluster_label = None  # name or uuid as the user knows it, for messages

    # -- plumbing ---------------------------------------------------------
    @property
    def calls(self):
        return self.backend.calls

    def place(self, infobase=None):
        """Where this client works, as the keyword arguments of an error (host, port, cluster, infobase)."""
        return dict(host=self.host, port=self.port, cluster=self.cluster_label, infobase=infobase)

    def where(self, infobase=None):
        """The same place in words: 'ras srv1:1545, cluster 'Main' (uuid)'."""
        return where_text(**self.place(infobase))

    @contextlib.contextmanager
    def _located(self, infobase=None):
        """A failure inside is told where it happened (``infobase``: the infobase's name, when one is at stake)."""
        try:
            yield
        except RacError as exc:
            exc.locate(**self.place(infobase))
            raise

    # -- clusters -----------------------------------------------------------
    def clusters(self):
        with self._located():
            return self.backend.clusters()

    def use_cluster(self, ref=None):
        """Pick the cluster: a uuid as it is, a name via `cluster list`, or the only one."""
        if ref and is_uuid(ref):
            self.cluster_uuid = ref.lower()
            self.cluster_label = ref
            return {"cluster": self.cluster_uuid}
        clusters = self.clusters()
        if ref:
            matches = [c for c in clusters if c.get("name") == ref]
            if not matches:
                raise ClusterNotFoundError(
                    "no cluster named %r; clusters there: %s" % (ref, _names(clusters, "cluster")), **self.place())
            if len(matches) > 1:
                raise ModuleInputError("several clusters are named %r; use its uuid: %s"
                                       % (ref, ", ".join(c["cluster"] for c in matches)), **self.place())
            chosen = matches[0]
        elif len(clusters) == 1:
            chosen = clusters[0]
        elif not clusters:
            raise ClusterNotFoundError("ras knows no cluster", **self.place())
        else:
            raise ModuleInputError("ras has %d clusters; set cluster to one of: %s"
                                   % (len(clusters), _names(clusters, "cluster")), **self.place())
        self.cluster_uuid = chosen["cluster"]
        self.cluster_label = "'%s' (%s)" % (chosen.get("name"), chosen["cluster"])
        return chosen

    # -- infobases ----------------------------------------------------------
    def infobases(self):
        with self._located():
            return self.backend.infobases(self.cluster_uuid)

    def resolve_infobases(self, refs, summaries=None):
        """Names or uuids -> summary records, in the order given; unknown ones fail together."""
        if summaries is None:
            summaries = self.infobases()
        by_uuid = dict((ib["infobase"], ib) for ib in summaries)
        by_name = dict((ib["name"], ib) for ib in summaries)
        chosen, unknown = [], []
        for ref in refs:
            found = by_uuid.get(ref.lower()) if is_uuid(ref) else None
            found = found or by_name.get(ref)
            if found is None:
                unknown.append(ref)
            elif found not in chosen:
                chosen.append(found)
        if unknown:
            raise InfobaseNotFoundError(
                "no infobase %s in this cluster%s; infobases there: %s"
                % (", ".join(repr(u) for u in unknown), _closest_names(unknown, by_name),
                   _names(summaries, "infobase", key="name")),
                **self.place())
        return chosen

    def infobase_info(self, infobase, name=None):
        """One infobase in full (``name``: how messages call it; its uuid if not given)."""
        with self._located(name or infobase):
            return self.backend.infobase_info(self.cluster_uuid, infobase)

    def infobase_update(self, infobase, name=None, **fields):
        for key, value in fields.items():
            if isinstance(value, str):
                check_text(key, value)  # the same texts for both backends, before the call
        with self._located(name or infobase):
            self.backend.infobase_update(self.cluster_uuid, infobase, **fields)

    # -- sessions -----------------------------------------------------------
    def sessions(self, infobase=None, licenses=False):
        """Sessions (of one infobase uuid, or all); with ``licenses`` each has its ``licenses`` list."""
        with self._located():
            return self.backend.sessions(self.cluster_uuid, infobase, licenses)

    def terminate(self, session, message=None):
        check_text("error_message", message)  # the same texts for both backends, before the call
        with self._located():
            self.backend.terminate(self.cluster_uuid, session, message)

    def interrupt(self, session, message=None):
        """Interrupt the current server call of a session; the session stays."""
        check_text("error_message", message)
        with self._located():
            self.backend.interrupt(self.cluster_uuid, session, message)

    # -- connections --------------------------------------------------------
    def connections(self):
        """Every connection of the cluster: one call, cluster administrator credentials only."""
        with self._located():
            return self.backend.connections(self.cluster_uuid)

    def disconnect(self, process, connection, infobase_name=None):
        """Drop one connection: the working process is needed too, and the infobase's credentials."""
        with self._located(infobase_name):
            self.backend.disconnect(self.cluster_uuid, process, connection)


def _closest_names(unknown, by_name):
    """' (closest: 'Buh' for 'buh')' when a name differs only in case: a hint, never a silent pick."""
    by_folded = dict((name.lower(), name) for name in by_name)
    hints = ["'%s' for '%s'" % (by_folded[u.lower()], u) for u in unknown if u.lower() in by_folded]
    return " (closest: %s; names are compared exactly)" % ", ".join(hints) if hints else ""


def _names(records, id_key, key="name", limit=20):
    shown = ["'%s' (%s)" % (r.get(key), r.get(id_key)) for r in records[:limit]]
    if len(records) > limit:
        shown.append("... %d more" % (len(records) - limit))
    return ", ".join(shown) or "none"
