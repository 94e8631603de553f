# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The native backend: the operations the modules need, over the RAS protocol, without rac.

Each operation returns the same records (dicts) and raises the same typed errors as the rac backend does for the
same data, so the client above cannot tell them apart. Connections come from a small pool: a call takes an idle
connection (or opens one), authenticates it once per cluster and credentials, makes its call and gives it back.
Sequential calls (lists, info, update) therefore share one connection; concurrent terminations get one connection
per worker, so a bulk end of sessions runs over ``concurrency`` connections, each authenticated once. A call that
fails for a passing reason (connection reset or closed mid-answer, no answer in time, ras cut off from the cluster)
is repeated on a fresh connection, ``retries`` times with a growing pause, as the rac backend repeats rac.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

# The most connections one backend holds to its ras at once (bulk.MAX_CONCURRENCY workers share them with the
# listing); a caller beyond it waits for one to come back.
MAX_CONNECTIONS = 64

from ansible_collections.onec.cluster.plugins.module_utils.native import codec
from ansible_collections.onec.cluster.plugins.module_utils.backend import Backend, retrying
from ansible_collections.onec.cluster.plugins.module_utils.errors import ModuleInputError
from ansible_collections.onec.cluster.plugins.module_utils.native.transport import RasConnection


class NativeBackend(Backend):
    """Operations on one ras over the RAS protocol; bound to one set of credentials like a rac invocation."""

    def __init__(self, host="localhost", port=1545, timeout=30, retries=2, backoff=0.5, cluster_user=None,
                 cluster_password=None, infobase_user=None, infobase_password=None, connection_factory=None):
        super(NativeBackend, self).__init__(host, port)
        self.retries = retries
        self.backoff = backoff
        self.cluster_credentials = (cluster_user, cluster_password)
        self.infobase_credentials = (infobase_user, infobase_password)
        self._new_connection = connection_factory or (lambda: RasConnection(host, port, timeout))
        self._idle = []
        self._all = []
        self._busy = 0
        self._lock = threading.Condition()

    # -- connections ------------------------------------------------------------------------------------------
    @property
    def calls(self):
        """Calls made over the protocol (authentications not counted), as ``rac_calls`` in results."""
        return sum(conn.calls for conn in self._all)

    @property
    def connections_opened(self):
        """Pooled connections made (one that broke and was reopened counts once)."""
        return len(self._all)

    def _acquire(self):
        with self._lock:
            while not self._idle and self._busy >= MAX_CONNECTIONS:
                self._lock.wait()
            self._busy += 1
            if self._idle:
                return self._idle.pop()
            conn = self._new_connection()
            self._all.append(conn)
            return conn

    def _release(self, conn):
        with self._lock:
            self._busy -= 1
            self._idle.append(conn)
            self._lock.notify()

    def _run(self, work):
        """work(connection) on a pooled connection, retried on a fresh one after a transient failure."""
        def once():
            conn = self._acquire()
            conn.begin()  # ``timeout`` bounds this whole attempt: connect, open, authenticate, request, answer
            try:
                return work(conn)
            finally:
                conn.end()
                self._release(conn)  # a broken connection has dropped its socket and reopens on its next call

        return retrying(once, self.retries, self.backoff)

    def close(self):
        with self._lock:
            for conn in self._all:
                conn.close()
            self._idle = []

    def _cluster_call(self, conn, cluster, request, answer=None):
        conn.authenticate_cluster(cluster, *self.cluster_credentials)
        return conn.call(request, answer)

    # -- operations -------------------------------------------------------------------------------------------
    def clusters(self):
        # rac sends no authentication for `cluster list` (v11 and v16 captures)
        return self._run(lambda conn: conn.decode(codec.decode_clusters, conn.call(codec.cluster_list(), 0x0C)))

    def infobases(self, cluster):
        return self._run(lambda conn: conn.decode(codec.decode_infobase_summaries, self._cluster_call(
            conn, cluster, codec.infobase_summary_list(cluster), 0x2B)))

    def _wire_infobase(self, conn, cluster, infobase):
        # UNVERIFIED: no capture holds a successful infobase-info answer (0x31); it is read with the layout the
        # captured update request (0x28) carries, which two public decoders also give it.
        conn.authenticate_cluster(cluster, *self.cluster_credentials)
        conn.authenticate_infobase(cluster, *self.infobase_credentials)
        body = conn.call(codec.infobase_info(cluster, infobase), 0x31)
        return conn.decode(lambda reader, version: codec.read_infobase_of(reader, version, infobase), body)

    def infobase_info(self, cluster, infobase):
        return self._run(lambda conn: self._wire_infobase(conn, cluster, infobase).record())

    def infobase_update(self, cluster, infobase, **fields):
        """Read the whole record, change the given lock fields, write it back (db-pwd as "unchanged").

        UNVERIFIED: the answer to an update is not captured; a bare acknowledgement is expected (anything else is a
        RasProtocolError), as for a terminate."""
        def update(conn):
            current = self._wire_infobase(conn, cluster, infobase)
            try:
                request = codec.infobase_update(cluster, current.changed(**fields))
            except (KeyError, ValueError) as exc:  # a field the record has not, a date not in rac's form
                raise ModuleInputError("cannot write %s into the infobase record: %s"
                                       % (", ".join(sorted(fields)), exc))
            conn.call(request)
        self._run(update)

    def sessions(self, cluster, infobase=None, licenses=False):
        # UNVERIFIED: the infobase form (0x43 -> 0x44) is not in any capture; its layout is the fact sheet's
        # (two public decoders agree). The cluster form (0x41 -> 0x42) is captured. The licences travel inside
        # every session record (rac's --licenses sends the same 0x41: v16 capture), so they cost no extra call.
        answer = 0x44 if infobase else 0x42

        def decode(reader, version):
            return codec.decode_sessions(reader, version, licenses)
        return self._run(lambda conn: conn.decode(decode, self._cluster_call(
            conn, cluster, codec.session_list(cluster, infobase), answer)))

    def terminate(self, cluster, session, message=None):
        self._run(lambda conn: self._cluster_call(conn, cluster, codec.session_terminate(cluster, session, message)))

    def interrupt(self, cluster, session, message=None):
        # The request is the v16 capture's; only its not-found answer (#SessionNotFound) is captured. UNVERIFIED:
        # success is expected to be a bare ack, as for a terminate (anything else is a RasProtocolError).
        self._run(lambda conn: self._cluster_call(conn, cluster, codec.session_interrupt(cluster, session, message)))

    def connections(self, cluster):
        # rac sends no infobase authentication for `connection list` (v16 captures, with and without credentials)
        return self._run(lambda conn: conn.decode(codec.decode_connections, self._cluster_call(
            conn, cluster, codec.connection_list(cluster), 0x33)))

    def disconnect(self, cluster, process, connection):
        # UNVERIFIED: only the failure answer of a disconnect is captured; success is expected to be a bare ack.
        def disconnect(conn):
            conn.authenticate_cluster(cluster, *self.cluster_credentials)
            conn.authenticate_infobase(cluster, *self.infobase_credentials)
            conn.call(codec.connection_disconnect(cluster, process, connection))
        self._run(disconnect)
