"""scikit-image's PSNR and SSIM for the Go metrics test.

Usage: metrics_ref.py IN.safetensors OUT.safetensors
IN holds pairs "a/K" and "b/K" of [H, W, 3] images (0..255); OUT gets
"psnr/K" and "ssim/K" (skimage defaults, channel_axis=-1, data_range=255).
"""
import os
import sys

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def main():
    t, _ = safetensors_io.load(sys.argv[1])
    out = {}
    for name in t:
        if not name.startswith("a/"):
            continue
        k = name[2:]
        a, b = t["a/" + k].astype(np.float64), t["b/" + k].astype(np.float64)
        out["psnr/" + k] = np.array([peak_signal_noise_ratio(b, a, data_range=255)])
        out["ssim/" + k] = np.array([structural_similarity(a, b, channel_axis=-1, data_range=255)])
    safetensors_io.save(sys.argv[2], out)


if __name__ == "__main__":
    main()
