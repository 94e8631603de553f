# -*- coding: utf-8 -*-
# Copyright: (c) 2026, onec.cluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every text the collection writes, made safe: no secret in it, no raw control character from the server.

rac and ras repeat what they were given in their error texts (``Error parsing option: --cluster-pwd=...``), and
server-supplied names may carry ESC sequences or bidi overrides. ansible-core masks no_log values in a module's
result, but not in its warnings, and only the value as is: a password with a line break comes back from an error
text with its lines joined by " / ". ``guard(module)`` (run_module calls it) routes fail_json, exit_json and warn
through ``safe_result``/``safe_text``; the audit log masks with the same secrets (``registered_secrets``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.onec.cluster.plugins.module_utils.records import MASK


# Secrets of this module run (its no_log values): the audit log, written from module_utils, masks them too.
_SECRETS = set()

# Ways a text may hold a multi-line secret: its lines joined as rac's error texts and the messages join them.
_LINE_JOINS = (" / ", "\n", "\r\n", " ", "", "\\n", "\\r\\n")

# C0 (but newline, see escape_controls), DEL, C1, and the bidi/invisible format characters that reorder or hide text.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
                       "\ufeff\ufff9-\ufffb]")
_CONTROLS_AND_NEWLINE = re.compile("\n|" + _CONTROLS.pattern)

# Result keys whose texts are meant to be multi-line (a --diff): their newlines stay.
MULTILINE_KEYS = frozenset(["before", "after"])
# Result keys that are texts for a person, printed as they are ([ERROR] line, the drain's progress line): every
# control is escaped. Every other string is data (a lock message with a line break must come back exactly, as it
# was set): Ansible shows a result as JSON, which escapes C0 controls (ESC, CR, BEL, newline) by itself, but not
# DEL, C1 or the bidi/invisible characters, so only those are escaped in data.
PERSON_TEXT_KEYS = frozenset(["msg", "progress"])
_JSON_SHOWS_RAW = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
                             "\ufeff\ufff9-\ufffb]")


def register_secrets(values):
    """Add secrets (e.g. a module's no_log_values) to those every later audit line is masked with."""
    _SECRETS.update(v for v in values if v)


def registered_secrets():
    return set(_SECRETS)


def secret_forms(secret):
    """The shapes a secret may take in a text: as is, its lines joined in each usual way, each of its lines."""
    forms = set([secret])
    lines = secret.splitlines()  # as RacError.describe splits an error text
    if len(lines) > 1:
        forms.update(join.join(lines) for join in _LINE_JOINS)
        forms.update(line.strip() for line in lines)
    forms.add(escape_controls(secret))
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])  # as it reads inside a JSON line (the audit log)
    # a one-character line (or a blank one) would mask every such letter in the text: not a usable secret form
    return sorted((f for f in forms if len(f.strip()) > 1 or f == secret), key=len, reverse=True)


def all_forms(secrets):
    """Every form of every secret, each secret's longest first: worked out once for a whole result (a list of
    30,000 sessions holds over a million texts)."""
    return [form for secret in secrets or () if secret for form in secret_forms(secret)]


def mask_secrets(text, secrets):
    """text with every form of every secret replaced by MASK."""
    return _mask(text, all_forms(secrets))


def _mask(text, forms):
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    return text


def _escape(match):
    char = match.group(0)
    code = ord(char)
    return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code


def escape_controls(text, keep_newlines=False):
    """Control and bidi characters in their visible escaped form (ESC -> \\x1b, U+202E -> \\u202e).

    Newlines are escaped too unless keep_newlines (a text meant to be multi-line). Cyrillic and every other printable
    character stay as they are.
    """
    return (_CONTROLS if keep_newlines else _CONTROLS_AND_NEWLINE).sub(_escape, text)


def safe_text(text, secrets, keep_newlines=False):
    """A text for a person: secrets masked first (their raw forms hold the controls), then controls escaped."""
    return escape_controls(mask_secrets(text, secrets), keep_newlines)


def safe_value(value, secrets, key=None, escape=True):
    """A result value with every secret masked, texts for a person (PERSON_TEXT_KEYS) with every control character
    escaped, a diff with its newlines, and data with what JSON would show raw (DEL, C1, bidi) escaped.

    A server name with a bidi override comes back escaped: it is shown to people (a failed task prints its whole
    result) more than it is reused. escape=False masks only (the audit log escapes in JSON).

    A result with no form of a secret and no character JSON shows raw anywhere (one C-speed JSON dump tells) is
    not walked value by value: only its texts for a person are escaped (a list of 30,000 sessions holds 1.5 million
    values).
    """
    forms = all_forms(secrets)
    if escape and _nothing_to_mask(value, forms):
        return _person_texts_escaped(value, key)
    return _safe(value, forms, key, escape)


def _nothing_to_mask(value, forms):
    """True when no text of value holds a form of a secret or a character JSON shows raw. JSON escapes each character
    on its own, so a form inside a text is inside the dump in its escaped form; a match across texts only sends the
    value the slow way."""
    try:
        dump = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return False
    if _JSON_SHOWS_RAW.search(dump):
        return False
    return not any(json.dumps(form, ensure_ascii=False)[1:-1] in dump for form in forms)


def _person_texts_escaped(value, key):
    """value with its texts for a person (PERSON_TEXT_KEYS, MULTILINE_KEYS) escaped; containers with nothing changed
    inside are returned as they are, not copied."""
    if isinstance(value, str):
        return escape_controls(value, keep_newlines=key in MULTILINE_KEYS) if key in _TEXT_KEYS else value
    if isinstance(value, dict):
        changed = None
        for k, v in value.items():
            if isinstance(v, str) and k not in _TEXT_KEYS or not isinstance(v, (str, dict, list, tuple)):
                continue
            new = _person_texts_escaped(v, k)
            if new is not v:
                changed = changed if changed is not None else dict(value)
                changed[k] = new
        return value if changed is None else changed
    if isinstance(value, (list, tuple)):
        items = [_person_texts_escaped(v, key) for v in value]
        return value if all(new is old for new, old in zip(items, value)) else items
    return value


_TEXT_KEYS = PERSON_TEXT_KEYS | MULTILINE_KEYS


def _safe(value, forms, key, escape):
    if isinstance(value, str):
        if not escape:
            return _mask(value, forms)
        if key in _TEXT_KEYS:
            return escape_controls(_mask(value, forms), keep_newlines=key in MULTILINE_KEYS)
        return _JSON_SHOWS_RAW.sub(_escape, _mask(value, forms))
    if isinstance(value, dict):  # keys too: some are server names (by_infobase)
        return dict((_safe(k, forms, None, escape), _safe(v, forms, k, escape)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_safe(v, forms, key, escape) for v in value]
    return value


def guard(module):
    """Make fail_json, exit_json and warn of this AnsibleModule write only safe texts (see the module doc)."""
    secrets = module.no_log_values  # the live set: a module may add secrets after this (restore's codes)
    register_secrets(secrets)
    fail_json, exit_json, warn = module.fail_json, module.exit_json, module.warn

    def safe_exit(exit_function):
        def call(*args, **result):
            if args:  # fail_json(msg) positionally
                result["msg"] = args[0]
            register_secrets(secrets)
            exit_function(**safe_value(result, secrets))
        return call

    module.fail_json = safe_exit(fail_json)
    module.exit_json = safe_exit(exit_json)
    module.warn = lambda warning: warn(safe_text("%s" % warning, secrets))
    return module
