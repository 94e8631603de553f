# -*- coding: utf-8 -*-
"""Secrets masked in whatever shape the server repeats them; control characters from the server escaped."""

import json

import pytest

from ansible_collections.onec.cluster.plugins.module_utils import audit as rac_audit, safe as rac_safe
from ansible_collections.onec.cluster.plugins.module_utils.errors import error_from_run
from ansible_collections.onec.cluster.plugins.module_utils.safe import (
    MASK,
    escape_controls,
    guard,
    mask_secrets,
    safe_text,
    safe_value,
)

MULTILINE = "top\nsecret-2"


@pytest.fixture(autouse=True)
def no_secrets_left_behind(monkeypatch):
    """guard() registers secrets for the audit log of the process: not for the next tests' audit lines."""
    monkeypatch.setattr(rac_safe, "_SECRETS", set())


@pytest.mark.parametrize("text", [
    "Error parsing option: --cluster-pwd=top\nsecret-2",
    "Error parsing option: --cluster-pwd=top / secret-2",
    "Error parsing option: --cluster-pwd=top secret-2",
    "Error parsing option: --cluster-pwd=topsecret-2",
    "Error parsing option: --cluster-pwd=top\\nsecret-2",
    "only the second line: secret-2",
])
def test_every_shape_of_a_multiline_secret_is_masked(text):
    masked = mask_secrets(text, {MULTILINE})
    assert "secret-2" not in masked and MASK in masked and masked.startswith(text[:10])


def test_an_error_text_joined_by_describe_is_masked():
    error = error_from_run(255, "Error parsing option: --cluster-pwd=%s\n" % MULTILINE)
    assert "top / secret-2" in error.describe()  # what the error text would show unmasked
    assert "secret" not in safe_text(error.describe(), {MULTILINE})


def test_a_one_letter_line_of_a_secret_does_not_mask_every_such_letter():
    assert mask_secrets("a cluster", {"a\nlong-part"}) == "a cluster"


def test_controls_are_escaped_visibly_cyrillic_stays():
    text = "Бух\x1b[31mгалтерия\r\x07 \u202eevil\u2066 \x85 \x9b \x7f"
    assert escape_controls(text) == "Бух\\x1b[31mгалтерия\\x0d\\x07 \\u202eevil\\u2066 \\x85 \\x9b \\x7f"
    assert escape_controls("line 1\nline 2", keep_newlines=True) == "line 1\nline 2"
    assert escape_controls("line 1\nline 2") == "line 1\\x0aline 2"


def test_safe_value_masks_everywhere_escapes_texts_for_people_and_keeps_data_exact():
    # data keeps C0 controls (a lock message's line break comes back as set; JSON escapes them when shown) but not
    # what JSON shows raw (bidi, C1, DEL); msg and progress are printed as they are: every control escaped
    result = {"msg": "failed: pwd\x1b[2J", "warnings": ["pwd"], "count": 3, "by_infobase": {"Бух\u202e": 2},
              "failures": [{"error": "x\u202epwd", "user_name": "u\x1bpwd\n"}],
              "diff": {"before": "{\n  \"a\": \"pwd\"\n}\n", "before_header": "h\n"}}
    safe = safe_value(result, {"pwd"})
    assert safe == {"msg": "failed: %s\\x1b[2J" % MASK, "warnings": [MASK], "count": 3,
                    "by_infobase": {"Бух\\u202e": 2},
                    "failures": [{"error": "x\\u202e%s" % MASK, "user_name": "u\x1b%s\n" % MASK}],
                    "diff": {"before": "{\n  \"a\": \"%s\"\n}\n" % MASK, "before_header": "h\n"}}
    assert safe_value({"progress": "ЗУП\x1b 1"}, set()) == {"progress": "ЗУП\\x1b 1"}


def test_a_result_with_nothing_to_mask_is_not_copied_and_its_person_texts_are_still_escaped():
    """The quick way (no secret form, nothing JSON shows raw): the same answers as the walk, without copying the
    records (30,000 sessions are 1.5 million values)."""
    sessions = [{"user_name": "Иванов", "denied_message": "строка 1\nстрока 2", "client_ip": ["10.0.0.1"]}]
    result = {"msg": "ЗУП\x1b[2J done", "sessions": sessions,
              "diff": {"before": "a\x07\nb\n", "after": "c\n", "before_header": "h"}}
    safe = safe_value(result, {"pwd"})
    assert safe["sessions"] is sessions  # not copied
    assert safe == {"msg": "ЗУП\\x1b[2J done", "sessions": sessions,
                    "diff": {"before": "a\\x07\nb\n", "after": "c\n", "before_header": "h"}}
    assert result["msg"] == "ЗУП\x1b[2J done"  # the original is left as it was
    # a secret (even one JSON escapes, with a quote) anywhere sends it the slow way: masked
    sessions.append({"user_name": 'p"wd'})
    assert safe_value(result, {'p"wd'})["sessions"][1] == {"user_name": MASK}


class FakeModule:
    def __init__(self, secrets):
        self.no_log_values = set(secrets)
        self.exits, self.warnings = [], []

    def fail_json(self, msg, **result):
        self.exits.append(dict(result, msg=msg, failed=True))

    def exit_json(self, **result):
        self.exits.append(result)

    def warn(self, warning):
        self.warnings.append(warning)


def test_guard_masks_warnings_msg_and_results_at_the_exits():
    module = guard(FakeModule([MULTILINE]))
    module.warn("no infobase named 'Бух'; closest: 'top / secret-2'\x1b]0;title\x07")
    module.fail_json("bad: top secret-2", failures=[{"error": "--cluster-pwd=top\nsecret-2"}])
    module.no_log_values.add("code-added-later")
    module.exit_json(changed=False, msg="code-added-later")
    assert module.warnings == ["no infobase named 'Бух'; closest: '%s'\\x1b]0;title\\x07" % MASK]
    assert module.exits[0]["msg"] == "bad: %s" % MASK
    assert module.exits[0]["failures"] == [{"error": "--cluster-pwd=%s" % MASK}]
    assert module.exits[1]["msg"] == MASK


def test_audit_lines_hold_no_secret_and_no_raw_control(tmp_path):
    rac_safe.register_secrets([MULTILINE, 'quo"te'])
    path = str(tmp_path / "audit.jsonl")
    rac_audit.append(path, "end_sessions", "srv:1545", "main",
                     failed=[{"session": "s1", "error": "--cluster-pwd=top / secret-2"}],
                     ended=[{"user_name": "Иванов\u202e\x1b", "note": 'said quo"te'}])
    text = open(path, encoding="utf-8").read()
    assert "secret-2" not in text and 'quo"te' not in text and 'quo\\"te' not in text
    assert "\u202e" not in text and "\x1b" not in text and "Иванов" in text
    record = json.loads(text)
    assert record["ended"][0]["user_name"] == "Иванов\u202e\x1b"  # data reads back exactly
    assert record["failed"][0]["error"] == "--cluster-pwd=%s" % MASK
