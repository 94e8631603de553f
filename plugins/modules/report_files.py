#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: report_files
short_description: Write a report's files on the controller, in one task and no module process
version_added: 0.3.0
description:
  - Writes each of O(files) into the folder O(dest) on the controller, in the controller's own process (an action
    plugin), whatever host the task runs for. Creates the folder when it is missing.
  - A file is written only when its bytes or its mode differ, through a temporary file in the same folder renamed
    over it, so that a reader never sees half a file; the others are left alone.
  - Made for the session report (M(ansible.builtin.copy) runs two module processes per file, which cost more than
    reading every server); any role can use it for files it renders on the controller.
options:
  dest:
    description: The folder on the controller.
    type: path
    required: true
  files:
    description: File name (no folder) -> its text, written as UTF-8.
    type: dict
    required: true
  mode:
    description: The files' permissions.
    type: raw
    default: "0640"
  directory_mode:
    description: The folder's permissions when it is created (an existing folder keeps its own).
    type: raw
    default: "0750"
attributes:
  check_mode:
    description: Can run in check mode, changing nothing and returning what would change.
    support: full
  diff_mode:
    description: Returns the names of the files that differ (RV(changed_files)), not their content (reports are large).
    support: none
  platform:
    description: Systems the module runs on.
    support: full
    platforms: posix
    details:
      - Runs on the controller only (an action plugin); writes there, never on a managed host.
notes:
  - An action plugin only; there is no module to run on a remote host.
seealso:
  - module: ansible.builtin.copy
author:
  - onec.cluster developers (@onec-cluster)
"""

EXAMPLES = r"""
- name: Write the report's files
  onec.cluster.report_files:
    dest: /srv/reports/1c
    files:
      sessions.json: "{{ report | to_nice_json }}"
      sessions.csv: "{{ csv_text }}"
  run_once: true
  delegate_to: localhost
  register: written
  # the page carries the time it was made: it alone does not count as a change
  changed_when: written.changed_files | difference(['sessions.html']) | length > 0
"""

RETURN = r"""
changed_files:
  description: The files that were written (or would be, in check mode), by name.
  returned: always
  type: list
  elements: str
  sample: [sessions.json, sessions.csv, sessions.html]
dest:
  description: The folder, absolute.
  returned: always
  type: str
  sample: /srv/reports/1c
files:
  description: Every file's path.
  returned: always
  type: list
  elements: str
  sample: [/srv/reports/1c/sessions.json]
"""
