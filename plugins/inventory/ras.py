# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory plugin onec.cluster.ras: one inventory host per cluster found on the listed ras endpoints."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: ras
short_description: 1C:Enterprise clusters found on ras endpoints
version_added: 0.2.0
description:
  - Asks each listed 1C administration server (C(ras)) for its clusters and their infobases, through the collection's
    client (O(backend=rac) runs C(rac), O(backend=native) speaks the RAS protocol itself), and yields one inventory
    host per cluster.
  - "Each host carries the variables the collection's playbooks map into the modules' connection options
    (C(playbooks/vars/onec_connection.yml)): C(onec_ras_host), C(onec_ras_port), C(onec_cluster) (the cluster's uuid),
    C(onec_backend), C(onec_rac_path) when set; and, to read, C(onec_cluster_name) and C(onec_infobases) (the
    infobases' names)."
  - "Every host is in C(onec_servers) (the group the playbooks target by default) and in groups by machine
    (C(onec_server_<ras host>)), by endpoint (C(onec_ras_<ras host>_<port>)), by cluster name (C(onec_cluster_<name>))
    and by infobase name (C(onec_infobase_<name>): every cluster that holds an infobase of that name). Group names are
    sanitized as Ansible requires (characters other than letters, digits and C(_) become C(_))."
  - Credentials are read from the source (Ansible Vault encrypted values work) or the environment; they are used to
    ask ras and never become host variables, so no password reaches the inventory cache or
    C(ansible-inventory --list). The playbooks then take them from the environment (the modules' C(ONEC_*) fallbacks,
    what the AWX credential type injects) or from vaulted group variables.
  - OS authentication is not possible through C(ras); a cluster with administrators needs a user and a password.
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: Marks the file as a source of this plugin.
    required: true
    choices: [onec.cluster.ras]
  endpoints:
    description:
      - The ras endpoints to ask. Several ports of one machine are several entries.
      - An entry may set its own O(endpoints[].cluster_user) and O(endpoints[].cluster_password), which take the
        place of the source-wide O(cluster_user) and O(cluster_password) for that endpoint.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: Host name or address of C(ras).
        type: str
        required: true
      port:
        description: TCP port of C(ras).
        type: int
        default: 1545
      cluster_user:
        description: A cluster administrator of this endpoint's clusters.
        type: str
      cluster_password:
        description: Password of the endpoint's O(endpoints[].cluster_user).
        type: str
  backend:
    description: How to ask ras, as the modules' C(backend) option; also set as every host's C(onec_backend).
    type: str
    choices: [rac, native]
    default: rac
  rac_path:
    description: Path to C(rac) (O(backend=rac)); also set as every host's C(onec_rac_path).
    type: path
  cluster_user:
    description: A cluster administrator, needed to list the infobases of a cluster that has administrators.
    type: str
    env:
      - name: ONEC_CLUSTER_USER
  cluster_password:
    description: Password of O(cluster_user).
    type: str
    env:
      - name: ONEC_CLUSTER_PASSWORD
  timeout:
    description: Seconds one call to ras may take.
    type: int
    default: 30
  retries:
    description: How many times a call that failed for a passing reason is repeated.
    type: int
    default: 1
  fail_on_unreachable:
    description:
      - When an endpoint cannot be asked (unreachable, wrong credentials), fail the whole inventory.
      - When false, the endpoint is reported in a warning naming it and skipped; the others are still listed.
    type: bool
    default: false
"""

EXAMPLES = r"""
# onec.ras.yml: two ras ports of one Windows host and one Linux server; credentials from the environment
# (ONEC_CLUSTER_USER, ONEC_CLUSTER_PASSWORD) or from vaulted values here.
plugin: onec.cluster.ras
backend: native
endpoints:
  - host: win-1c.example.com
    port: 1545
  - host: win-1c.example.com
    port: 2545
  - host: srv1c.example.com
cluster_user: Администратор
cluster_password: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  ...
keyed_groups:
  - key: onec_cluster_name
    prefix: name
groups:
  production: "'prod' in onec_cluster_name"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /var/cache/onec_inventory

# ansible-inventory -i onec.ras.yml --graph
# ansible-playbook -i onec.ras.yml playbooks/emergency_disconnect.yml --limit onec_infobase_ЗУП ...
"""

import re

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.inventory.group import to_safe_group_name
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.onec.cluster.plugins.module_utils.errors import RacError
from ansible_collections.onec.cluster.plugins.module_utils.glue import client_from_params

SERVERS_GROUP = "onec_servers"


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "onec.cluster.ras"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("ras.yml", "ras.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        found = None
        if use_cache:
            try:
                found = self._cache[cache_key]
            except KeyError:
                found = None
        if found is None:
            found = [self._discover(endpoint) for endpoint in self.get_option("endpoints")]
            found = [endpoint for endpoint in found if endpoint is not None]
        if self.get_option("cache"):
            self._cache[cache_key] = found  # hosts, ports, clusters and infobase names: no credentials
        for endpoint in found:
            for cluster in endpoint["clusters"]:
                self._add_cluster(endpoint, cluster)

    # -- asking ras -----------------------------------------------------------
    def _discover(self, endpoint):
        """{'host', 'port', 'clusters': [{'cluster', 'name', 'infobases'}]} of one endpoint, or None (warned)."""
        host, port = endpoint.get("host"), int(endpoint.get("port") or 1545)
        if not host:
            raise AnsibleError("onec.cluster.ras: an entry of endpoints has no host: %r" % (endpoint,))
        try:
            return dict(host=host, port=port, clusters=self._clusters_of(endpoint, host, port))
        except RacError as exc:
            exc.locate(host, port)
            message = "onec.cluster.ras: ras %s:%s skipped: %s" % (host, port, exc.describe())
            if self.get_option("fail_on_unreachable"):
                raise AnsibleError(message)
            self.display.warning(message)
            return None

    def _clusters_of(self, endpoint, host, port):
        client = client_from_params(dict(
            ras_host=host, ras_port=port, backend=self.get_option("backend"), rac_path=self.get_option("rac_path"),
            timeout=self.get_option("timeout"), retries=self.get_option("retries"),
            cluster_user=endpoint.get("cluster_user") or self.get_option("cluster_user"),
            cluster_password=endpoint.get("cluster_password") or self.get_option("cluster_password")))
        clusters = []
        try:
            for cluster in client.clusters():
                client.use_cluster(cluster["cluster"])
                names = [infobase["name"] for infobase in client.infobases()]
                clusters.append(dict(cluster=cluster["cluster"], name=cluster.get("name") or "", infobases=names))
        finally:
            close = getattr(client.backend, "close", None)  # the native backend's connections
            if close:
                close()
        return clusters

    # -- the inventory ----------------------------------------------------------
    def _add_cluster(self, endpoint, cluster):
        host, port = endpoint["host"], endpoint["port"]
        name = self._host_name(host, port, cluster)
        self.inventory.add_host(name)
        variables = dict(onec_ras_host=host, onec_ras_port=port, onec_cluster=cluster["cluster"],
                         onec_cluster_name=cluster["name"], onec_infobases=cluster["infobases"],
                         onec_backend=self.get_option("backend"))
        if self.get_option("rac_path"):
            variables["onec_rac_path"] = self.get_option("rac_path")
        for key, value in variables.items():
            self.inventory.set_variable(name, key, value)
        groups = [SERVERS_GROUP, "onec_server_%s" % host, "onec_ras_%s_%s" % (host, port),
                  "onec_cluster_%s" % cluster["name"]]
        groups += ["onec_infobase_%s" % infobase for infobase in cluster["infobases"]]
        for group in groups:
            self.inventory.add_child(self.inventory.add_group(to_safe_group_name(group, force=True, silent=True)), name)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def _host_name(self, host, port, cluster):
        """'<ras host>_<port>_<cluster name>', with the uuid's start added when that name is taken already."""
        name = re.sub(r"\W", "_", "%s_%s_%s" % (host, port, cluster["name"]))  # no ':' or ',': --limit reads them
        if name in self.inventory.hosts:
            name = "%s_%s" % (name, cluster["cluster"][:8])
        return to_native(name)
