#!/usr/bin/env python3
"""Writes the numpy-made .npy fixtures for FeatureKit's DataIO tests (Tests/DataIOTests/Fixtures/)
with the pinned numpy (data/reference/requirements.txt), plus data/reference/io.json: every fixture's
expected shape and values (row-major, float.hex()), so the Swift tests compare bit for bit.

Run through `make reference` (or: python="$(data/reference/setup.sh)" && "$python" data/reference/make_io.py).
"""
import json
import os

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "Tests", "DataIOTests", "Fixtures")


def values(rows, cols):
    """Seeded values with the hard cases: subnormals, -0, extremes, NaN, a long mantissa."""
    rng = np.random.default_rng(20261127)
    x = rng.standard_normal((rows, cols)) * 10.0 ** rng.integers(-300, 300, size=(rows, cols))
    special = [5e-324, -0.0, 1.7976931348623157e308, float("nan"), 0.1, 2.2250738585072011e-308, -1e-310]
    flat = x.reshape(-1)
    flat[: len(special)] = special
    return flat.reshape(rows, cols)


def write(name, array, version=None):
    path = os.path.join(FIXTURES, name)
    with open(path, "wb") as f:
        npformat.write_array(f, array, version=version, allow_pickle=True)
    return path


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    expected = {}
    x = values(5, 3)
    cases = [
        ("f8_c_v1.npy", np.ascontiguousarray(x), (1, 0)),
        ("f8_f_v1.npy", np.asfortranarray(x), (1, 0)),
        ("f8_c_v2.npy", np.ascontiguousarray(x), (2, 0)),
        ("f4_c_v1.npy", np.ascontiguousarray(x.astype(np.float32)), (1, 0)),
        ("f4_f_v3.npy", np.asfortranarray(x.astype(np.float32)), (3, 0)),
        ("f8_1d.npy", x[:, 0].copy(), (1, 0)),
    ]
    for name, array, version in cases:
        write(name, array, version)
        as_double = np.asarray(array, dtype=np.float64)
        shape = list(array.shape)
        expected[name] = {
            "shape": shape,
            "dtype": array.dtype.str,
            "fortran_order": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
            "values": [float(v).hex() for v in as_double.reshape(-1)],  # row-major (C order) values
        }
    # Files FeatureKit must refuse, each with a clear error.
    write("i8.npy", np.arange(6, dtype=np.int64).reshape(2, 3))
    write("f8_big_endian.npy", np.ones((2, 2), dtype=">f8"))
    write("object.npy", np.array([1.0, "a"], dtype=object))
    write("f8_3d.npy", np.zeros((2, 2, 2)))
    write("c16.npy", np.zeros((2, 2), dtype=np.complex128))
    with open(os.path.join(HERE, "io.json"), "w") as f:
        json.dump({"numpy": np.__version__, "fixtures": expected}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases) + 5} fixtures to {FIXTURES} and io.json (numpy {np.__version__})")


if __name__ == "__main__":
    main()
