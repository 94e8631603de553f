# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rac backend: each operation is one run of rac (retried by the runner), its output read by the parser.

It implements backend.Backend; the client above cannot tell it from the native backend.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.onec.cluster.plugins.module_utils.backend import Backend
from ansible_collections.onec.cluster.plugins.module_utils.rac.parser import parse_licenses, parse_records, parse_single
from ansible_collections.onec.cluster.plugins.module_utils.rac.runner import RacRunner, build_args


class RacBackend(Backend):
    """The rac backend: each operation is one rac run (retried by RacRunner), its output read by parser.py."""

    def __init__(self, rac, host="localhost", port=1545, timeout=30, cluster_user=None, cluster_password=None,
                 infobase_user=None, infobase_password=None, runner=None, retries=2):
        super(RacBackend, self).__init__(host, port)
        self.runner = runner or RacRunner(rac, self.address, timeout, retries=retries)
        self.cluster_credentials = {"cluster_user": cluster_user, "cluster_password": cluster_password}
        self.infobase_credentials = {"infobase_user": infobase_user, "infobase_password": infobase_password}

    @property
    def calls(self):
        return self.runner.calls

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

    def sessions(self, cluster, infobase=None, licenses=False):
        records = parse_records(self._run(["session", "list"], cluster, infobase=infobase), uniform=True)
        if licenses:
            # `--licenses` prints only licence records (contract 3.3): a second run, joined by session uuid. A
            # session that started between the two runs has no licence listed yet: [].
            granted = parse_licenses(self._run(["session", "list"], cluster, infobase=infobase, licenses=True))
            for record in records:
                record["licenses"] = granted.get(record.get("session"), [])
        return records

    def terminate(self, cluster, session, message=None):
        self._run(["session", "terminate"], cluster, session=session, error_message=message)

    def interrupt(self, cluster, session, message=None):
        self._run(["session", "interrupt-current-server-call"], cluster, session=session, error_message=message)

    def connections(self, cluster):
        return parse_records(self._run(["connection", "list"], cluster), uniform=True)

    def disconnect(self, cluster, process, connection):
        self._run(["connection", "disconnect"], cluster, True, process=process, connection=connection)
