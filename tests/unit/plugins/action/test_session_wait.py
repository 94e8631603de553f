# -*- coding: utf-8 -*-
"""The drain's clock: what an operator reads at each poll."""

import pytest

from ansible_collections.onec.cluster.plugins.action.session_wait import clock


@pytest.mark.parametrize("seconds, text", [(0, "0s"), (-3, "0s"), (0.4, "1s"), (5, "5s"), (59.2, "1m00s"),
                                           (90, "1m30s"), (3600, "1h00m00s"), (3725, "1h02m05s")])
def test_clock(seconds, text):
    assert clock(seconds) == text
