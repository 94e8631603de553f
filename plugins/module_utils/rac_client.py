# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client interface of the modules, and its rac backend.

RacClient resolves a cluster and infobases and reads and changes them on one
ras; a backend makes the calls: RacBackend here (one rac run per call) or
ras_client.NativeBackend (the RAS protocol, no rac). Both return the same
records and raise the same typed errors, so a module never knows which it has.

Every failure is a RacError subclass whose ``where`` names the ras address,
the cluster and (when known) the infobase, so a module can show a message a
person can act on. Fewer calls is the design lever: a cluster given as a
uuid is used as it is (ras itself says if it is unknown), infobase names are
resolved with one ``summary list``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.onec.cluster.plugins.module_utils.rac_errors import (
    ClusterNotFoundError,
    InfobaseAuthError,
    InfobaseNotFoundError,
    ModuleInputError,
    RacError,
)
from ansible_collections.onec.cluster.plugins.module_utils.rac_parser import parse_records, parse_single
from ansible_collections.onec.cluster.plugins.module_utils.rac_runner import RacRunner, build_args

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def is_uuid(value):
    return bool(UUID_RE.match(value or ""))


def require_uuid(value, what):
    if not is_uuid(value):
        raise ModuleInputError("%s %r is not a uuid (expected 8-4-4-4-12 hex digits)" % (what, value))
    return value.lower()


class RacBackend:
    """The rac backend: each operation is one rac run (retried by RacRunner), its output read by rac_parser."""

    def __init__(self, rac, host="localhost", port=1545, timeout=30, cluster_user=None, cluster_password=None,
                 infobase_user=None, infobase_password=None, runner=None, retries=2):
        self.address = "%s:%s" % (host, port)
        self.runner = runner or RacRunner(rac, self.address, timeout, retries=retries)
        self.cluster_credentials = {"cluster_user": cluster_user, "cluster_password": cluster_password}
        self.infobase_credentials = {"infobase_user": infobase_user, "infobase_password": infobase_password}

    @property
    def calls(self):
        return self.runner.calls

    def close(self):
        """Nothing stays open between rac runs."""

    def _run(self, words, cluster=None, infobase_credentials=False, **options):
        if cluster:
            options.update(cluster=cluster, **self.cluster_credentials)
        if infobase_credentials:
            options.update(self.infobase_credentials)
        return self.runner.run(build_args(words, options))

    def clusters(self):
        # `cluster list` takes no credentials (and rejects agent ones).
        return parse_records(self._run(["cluster", "list"]), uniform=True)

    def infobases(self, cluster):
        return parse_records(self._run(["infobase", "summary", "list"], cluster), uniform=True)

    def infobase_info(self, cluster, infobase):
        return parse_single(self._run(["infobase", "info"], cluster, True, infobase=infobase))

    def infobase_update(self, cluster, infobase, **fields):
        """Only the given fields change (rac reads and writes the rest of the record itself)."""
        self._run(["infobase", "update"], cluster, True, infobase=infobase, **fields)

    def sessions(self, cluster, infobase=None):
        return parse_records(self._run(["session", "list"], cluster, infobase=infobase), uniform=True)

    def terminate(self, cluster, session, message=None):
        self._run(["session", "terminate"], cluster, session=session, error_message=message)

    def connections(self, cluster, infobase=None):
        return parse_records(self._run(["connection", "list"], cluster, infobase=infobase), uniform=True)

    def disconnect(self, cluster, process, connection):
        self._run(["connection", "disconnect"], cluster, True, process=process, connection=connection)


class RacClient:
    """What every module talks to: one ras, one cluster, typed operations; the backend (RacBackend, or
    ras_client.NativeBackend) does the calls. Names are resolved here and every failure gets its ``where``."""

    def __init__(self, backend):
        self.backend = backend
        self.address = backend.address
        self.cluster_uuid = None
        self.cluster_label = None  # name or uuid as the user knows it, for messages

    # -- plumbing ---------------------------------------------------------
    @property
    def calls(self):
        return self.backend.calls

    def where(self, infobase=None):
        parts = ["ras %s" % self.address]
        if self.cluster_label:
            parts.append("cluster %s" % self.cluster_label)
        if infobase:
            parts.append("infobase %s" % infobase)
        return ", ".join(parts)

    def call(self, operation, *args, **kwargs):
        """backend.<operation>(*args, **kwargs); a failure is told where it happened (``infobase_label``)."""
        label = kwargs.pop("infobase_label", None)
        try:
            return getattr(self.backend, operation)(*args, **kwargs)
        except RacError as exc:
            if exc.where is None:
                exc.where = self.where(label)
            if isinstance(exc, InfobaseAuthError) and label:
                exc.hint = ("Infobase %s has users: set infobase_user and infobase_password to a user with "
                            "administrative rights in it" % label)
            raise

    # -- clusters -----------------------------------------------------------
    def clusters(self):
        return self.call("clusters")

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
                    "no cluster named %r; clusters there: %s" % (ref, _names(clusters, "cluster")),
                    where=self.where())
            if len(matches) > 1:
                raise ModuleInputError("several clusters are named %r; use its uuid: %s"
                                       % (ref, ", ".join(c["cluster"] for c in matches)), where=self.where())
            chosen = matches[0]
        elif len(clusters) == 1:
            chosen = clusters[0]
        elif not clusters:
            raise ClusterNotFoundError("ras knows no cluster", where=self.where())
        else:
            raise ModuleInputError("ras has %d clusters; set cluster to one of: %s"
                                   % (len(clusters), _names(clusters, "cluster")), where=self.where())
        self.cluster_uuid = chosen["cluster"]
        self.cluster_label = "'%s' (%s)" % (chosen.get("name"), chosen["cluster"])
        return chosen

    # -- infobases ----------------------------------------------------------
    def infobases(self):
        return self.call("infobases", self.cluster_uuid)

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
                where=self.where())
        return chosen

    def infobase_info(self, infobase, name=None):
        return self.call("infobase_info", self.cluster_uuid, infobase, infobase_label=name or infobase)

    def infobase_update(self, infobase, name=None, **fields):
        self.call("infobase_update", self.cluster_uuid, infobase, infobase_label=name or infobase, **fields)

    # -- sessions -----------------------------------------------------------
    def sessions(self, infobase=None):
        return self.call("sessions", self.cluster_uuid, infobase)

    def terminate(self, session, message=None):
        self.call("terminate", self.cluster_uuid, session, message)

    # -- connections --------------------------------------------------------
    def connections(self):
        """Every connection of the cluster: one call, cluster administrator credentials only."""
        return self.call("connections", self.cluster_uuid)

    def disconnect(self, process, connection, infobase_label=None):
        """Drop one connection: the working process is needed too, and the infobase's credentials."""
        self.call("disconnect", self.cluster_uuid, process, connection, infobase_label=infobase_label)


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
