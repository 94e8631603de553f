# -*- coding: utf-8 -*-
import json

from ansible_collections.onec.cluster.plugins.module_utils.rac_module import text_diff


def test_text_diff_keeps_cyrillic_as_text_and_names_where():
    diff = text_diff({"Бухгалтерия": {"denied_message": ""}}, {"Бухгалтерия": {"denied_message": "Обновление"}},
                     "infobase locks (ras srv:1545)")
    assert "Обновление" in diff["after"] and "\\u" not in diff["before"] + diff["after"]
    assert diff["before"].endswith("\n") and json.loads(diff["after"]) == {"Бухгалтерия": {"denied_message": "Обновление"}}
    assert diff["before_header"] == diff["after_header"] == "infobase locks (ras srv:1545)"
