# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""High-level rac operations on one ras: resolve a cluster and infobases, read, change.

Every failure is a RacError subclass whose ``where`` names the ras address,
the cluster and (when known) the infobase, so a module can show a message a
person can act on. Fewer rac calls is the design lever: a cluster given as a
uuid is used as it is (rac itself says if it is unknown), infobase names are
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

# The lock fields of `infobase info`, in rac's order.
LOCK_FIELDS = ("sessions_deny", "denied_from", "denied_to", "denied_message", "denied_parameter",
               "permission_code", "scheduled_jobs_deny")


def is_uuid(value):
    return bool(UUID_RE.match(value or ""))


def require_uuid(value, what):
    if not is_uuid(value):
        raise ModuleInputError("%s %r is not a uuid (expected 8-4-4-4-12 hex digits)" % (what, value))
    return value.lower()


def lock_state(info):
    """The lock part of an `infobase info` record (permission code included)."""
    return dict((field, info.get(field, "")) for field in LOCK_FIELDS)


class RacClient:
    def __init__(self, rac, host="localhost", port=1545, timeout=30, cluster_user=None, cluster_password=None,
                 infobase_user=None, infobase_password=None, runner=None, retries=2):
        self.address = "%s:%s" % (host, port)
        self.runner = runner or RacRunner(rac, self.address, timeout, retries=retries)
        self.cluster_credentials = {"cluster_user": cluster_user, "cluster_password": cluster_password}
        self.infobase_credentials = {"infobase_user": infobase_user, "infobase_password": infobase_password}
        self.cluster_uuid = None
        self.cluster_label = None  # name or uuid as the user knows it, for messages

    # -- plumbing ---------------------------------------------------------
    @property
    def calls(self):
        return self.runner.calls

    def where(self, infobase=None):
        parts = ["ras %s" % self.address]
        if self.cluster_label:
            parts.append("cluster %s" % self.cluster_label)
        if infobase:
            parts.append("infobase %s" % infobase)
        return ", ".join(parts)

    def call(self, words, infobase_label=None, **options):
        try:
            return self.runner.run(build_args(words, options))
        except RacError as exc:
            if exc.where is None:
                exc.where = self.where(infobase_label)
            raise

    def _cluster_options(self):
        options = {"cluster": self.cluster_uuid}
        options.update(self.cluster_credentials)
        return options

    # -- clusters -----------------------------------------------------------
    def clusters(self):
        # `cluster list` takes no credentials (and rejects agent ones).
        return parse_records(self.call(["cluster", "list"]), uniform=True)

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
        return parse_records(self.call(["infobase", "summary", "list"], **self._cluster_options()), uniform=True)

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
                "no infobase %s in this cluster; infobases there: %s"
                % (", ".join(repr(u) for u in unknown), _names(summaries, "infobase", key="name")),
                where=self.where())
        return chosen

    def infobase_info(self, infobase, name=None):
        options = self._cluster_options()
        options.update(infobase=infobase)
        options.update(self.infobase_credentials)
        label = name or infobase
        try:
            return parse_single(self.call(["infobase", "info"], infobase_label=label, **options))
        except InfobaseAuthError as exc:
            exc.hint = ("Infobase %s has users: set infobase_user and infobase_password to a user with "
                        "administrative rights in it" % label)
            raise

    def infobase_update(self, infobase, name=None, **fields):
        options = self._cluster_options()
        options.update(infobase=infobase)
        options.update(self.infobase_credentials)
        options.update(fields)
        return self.call(["infobase", "update"], infobase_label=name or infobase, **options)

    # -- sessions -----------------------------------------------------------
    def sessions(self, infobase=None):
        options = self._cluster_options()
        options.update(infobase=infobase)
        return parse_records(self.call(["session", "list"], **options), uniform=True)

    def terminate(self, session, message=None):
        options = self._cluster_options()
        options.update(session=session, error_message=message)
        self.call(["session", "terminate"], **options)

    # -- connections --------------------------------------------------------
    def connections(self):
        """Every connection of the cluster: one call, cluster administrator credentials only."""
        return parse_records(self.call(["connection", "list"], **self._cluster_options()), uniform=True)

    def disconnect(self, process, connection, infobase_label=None):
        """`connection disconnect`: rac wants the working process too, and the infobase's credentials."""
        options = self._cluster_options()
        options.update(process=process, connection=connection)
        options.update(self.infobase_credentials)
        try:
            self.call(["connection", "disconnect"], infobase_label=infobase_label, **options)
        except InfobaseAuthError as exc:
            exc.hint = ("Infobase %s has users: set infobase_user and infobase_password to a user with "
                        "administrative rights in it" % infobase_label)
            raise


def _names(records, id_key, key="name", limit=20):
    shown = ["'%s' (%s)" % (r.get(key), r.get(id_key)) for r in records[:limit]]
    if len(records) > limit:
        shown.append("... %d more" % (len(records) - limit))
    return ", ".join(shown) or "none"
