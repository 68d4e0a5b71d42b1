"""Silences' p-values (and expected, inv_r) are rounded to 6 significant digits without
float noise: scaling by a power of ten printed ``6.239890000000001e-26`` in --json where
the decimal rounding gives ``6.23989e-26``."""

from __future__ import annotations

import json

import numpy as np

from mutewatch.measure.silences import _round_sig, _round_sig_array


def test_rounded_values_print_their_six_digits() -> None:
    raw = [6.2398912345e-26, 1.2909112e-20, 4.43538111e-26, 0.123456789, 1234567.89]
    got = _round_sig_array(np.array(raw)).tolist()
    assert json.dumps(got) == "[6.23989e-26, 1.29091e-20, 4.43538e-26, 0.123457, 1234570.0]"
    assert got == [_round_sig(v) for v in raw]


def test_zero_and_nan_are_kept() -> None:
    got = _round_sig_array(np.array([0.0, -0.0, np.nan]))
    assert got[0] == 0.0 and not np.signbit(got[1]) and np.isnan(got[2])
