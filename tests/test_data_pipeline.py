"""gankit.data.pipeline: pixels to [-1, 1] and back."""

import numpy as np

from gankit import data


def test_to_signed_and_to_uint8_invert_each_other():
    pixels = np.arange(256, dtype=np.uint8)
    signed = data.to_signed(pixels).numpy()
    assert signed[0] == -1.0 and signed[-1] == 1.0
    np.testing.assert_array_equal(data.to_uint8(signed), pixels)
    np.testing.assert_array_equal(data.to_uint8(np.array([-3.0, 3.0])), [0, 255])  # clipped
