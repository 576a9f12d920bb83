"""The one place where the compute device is chosen."""

from __future__ import annotations

import os

import torch

from kgrec.errors import ConfigError


def resolve_device(requested: str | None = None) -> torch.device:
    """Pick the device: explicit argument, then ``KGREC_DEVICE``, then CPU.

    ``"auto"`` means CUDA when available, else CPU. Asking for ``"cuda"`` on a
    machine without CUDA is an error rather than a silent fall-back.
    """
    choice = (requested or os.environ.get("KGREC_DEVICE") or "cpu").strip().lower()
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(
            f"device {choice!r} was asked for but CUDA is not available; "
            'set device = "cpu" (or "auto") in the pipeline\'s [model] table or KGREC_DEVICE'
        )
    try:
        return torch.device(choice)
    except RuntimeError as exc:
        raise ConfigError(f"unknown device {choice!r}: use cpu, cuda, cuda:N or auto") from exc
