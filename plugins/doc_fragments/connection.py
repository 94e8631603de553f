# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # How every module of the collection reaches one 1C server cluster through rac.
    DOCUMENTATION = r"""
options:
  ras_host:
    description:
      - Host name or address of the 1C administration server (C(ras)).
      - When not set, the environment variable E(ONEC_RAS_HOST) if it is set.
    type: str
    default: localhost
  ras_port:
    description:
      - TCP port of C(ras), 1 to 65535.
      - When not set, the environment variable E(ONEC_RAS_PORT) if it is set.
    type: int
    default: 1545
  backend:
    description:
      - How the modules talk to C(ras).
      - V(rac) runs the 1C C(rac) client once per call; it must be installed where the module runs.
      - V(native) speaks the RAS protocol itself, in Python, with nothing installed (no C(rac)), no passwords on a
        command line, one connection for lists and one per concurrent call (C(concurrency)) for bulk ends, each
        authenticated once. Tested against captures of real C(rac)/C(ras) traffic (services 11.0 and 16.0) and
        the simulator, not yet against every platform version; see the README section "Running without rac" for
        what is UNVERIFIED.
    type: str
    choices: [rac, native]
    default: rac
  rac_path:
    description:
      - Path to the C(rac) executable. Not used with O(backend=native).
      - When not set, C(rac) is looked up on E(PATH), then the newest C(/opt/1cv8/x86_64/*/rac) or C(/opt/1cv8/*/rac).
    type: path
  cluster:
    description:
      - The cluster, by uuid or by name (the name C(rac cluster list) prints, without quotes).
      - When not set and the administration server knows exactly one cluster, that cluster is used.
      - A uuid saves one C(rac cluster list) call.
    type: str
  cluster_user:
    description:
      - Name of a cluster administrator. Needed when the cluster has administrators.
      - When not set, the environment variable E(ONEC_CLUSTER_USER) if it is set (empty counts as not set).
    type: str
  cluster_password:
    description:
      - Password of O(cluster_user).
      - "rac takes passwords on its command line, where other local users of the host that runs it can see them
        in the process list; run the modules on the controller (C(delegate_to: localhost)), not on shared hosts.
        O(backend=native) sends them only over its connection to C(ras) (in clear, as C(rac) does)."
      - When not set, the environment variable E(ONEC_CLUSTER_PASSWORD) if it is set (empty counts as not set).
    type: str
  infobase_user:
    description:
      - Name of an infobase user with administrative rights. Needed to read or change an infobase that has users.
      - When not set, the environment variable E(ONEC_INFOBASE_USER) if it is set (empty counts as not set).
    type: str
  infobase_password:
    description:
      - Password of O(infobase_user).
      - When not set, the environment variable E(ONEC_INFOBASE_PASSWORD) if it is set (empty counts as not set).
    type: str
  timeout:
    description:
      - Seconds one rac call (with O(backend=native), one whole call, from connecting and authenticating to the
        answer) may take before it is stopped and reported. With O(backend=rac), rac and every process it started
        are ended then.
    type: int
    default: 30
  retries:
    description:
      - How many times a rac call that failed for a passing reason (ras unreachable, connection reset, timeout, ras
        cut off from the cluster) is repeated, after 0.5 s, then 1 s, 2 s... Failures that would fail again
        (credentials, unknown names, bad arguments) are never repeated.
    type: int
    default: 2
  server_timezone:
    description:
      - The time zone the 1C server keeps, as an IANA name such as V(Europe/Moscow) or V(Asia/Novosibirsk), or a fixed
        offset such as V(+03:00), V(-03:30) or V(UTC).
      - rac and ras show and take every time (C(started-at), C(last-active-at), C(denied-from), C(denied-to)) in the
        server's local time, with no zone. Relative lock times (V(now), V(+10m)), C(idle_for) and a maintenance
        window's warning period are counted on the server's clock in this zone.
      - An IANA name needs the tz database where the module runs (the OS's or Python's C(tzdata)); an execution
        environment or container may have none, and a fixed offset always works (it does not follow daylight
        saving time, which Russia does not use).
      - When not set, the controller's own clock and zone stand in for the server's. Then every use of a relative
        time or of C(idle_for) first checks the times the server reports (its sessions' C(started-at) and
        C(last-active-at); M(onec.cluster.infobase_lock) lists the sessions for that, one call) and fails before
        changing anything when one lies more than 2 minutes in the controller's future, naming it; and it warns
        that the controller's clock is used. A server whose zone is behind the controller's cannot be detected
        that way; set this option for every server whose zone differs from the controller's.
    type: str
notes:
  - "O(ras_host), O(ras_port), O(cluster_user), O(cluster_password), O(infobase_user) and O(infobase_password) fall
    back to the environment variables E(ONEC_RAS_HOST), E(ONEC_RAS_PORT), E(ONEC_CLUSTER_USER),
    E(ONEC_CLUSTER_PASSWORD), E(ONEC_INFOBASE_USER) and E(ONEC_INFOBASE_PASSWORD) of the process that runs the module
    when a task does not set them (what the AWX credential type of the collection injects). A value set in the task,
    in C(module_defaults) or by the inventory comes first."
  - "All modules of this collection belong to the action group C(onec.cluster.rac), so the options above can be set
    once per play with C(module_defaults: {group/onec.cluster.rac: {...}})."
  - "With O(backend=rac) the modules run C(rac), so they run where C(rac) is installed; usually the controller, with
    C(delegate_to: localhost). O(backend=native) needs only Python and a TCP route to C(ras)."
"""
