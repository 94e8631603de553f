# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The attributes every module of the collection documents: what each one means and where the module runs.
    # A module takes this, ACTION_GROUP and one of INFO_MODULE or STATE_MODULE; what it says of its own (what check
    # mode returns, what the diff shows) goes in the module as the attribute's `details`.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode, changing nothing and returning what would change.
  diff_mode:
    description: Returns what changed (or would change, in check mode) when run with C(--diff).
  platform:
    description: Systems the module runs on.
    support: full
    platforms: posix
    details:
      - The module runs where the task runs, usually the controller (C(delegate_to=localhost)), and reaches the
        cluster over TCP through ras, whatever system the 1C servers run.
"""

    # Every module is in the action group onec.cluster.rac (meta/runtime.yml).
    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/onec.cluster.rac) in C(module_defaults) to give the connection options (ras, cluster,
      credentials, backend) to every module of the collection at once.
    support: full
    membership:
      - onec.cluster.rac
"""

    # Modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - Reads only; runs the same in check mode.
  diff_mode:
    support: N/A
    details:
      - Reads only; nothing to compare.
"""

    # Modules that change something: they give their own details of what check mode returns and the diff shows.
    STATE_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""
