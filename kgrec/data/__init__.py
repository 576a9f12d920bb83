"""Data loading, validation and splits."""

from kgrec.data.dataset import Dataset, validate_dataset
from kgrec.data.loaders import load_dataset, load_files, load_sample, read_table
from kgrec.data.split import Split, split_interactions

__all__ = [
    "Dataset",
    "Split",
    "load_dataset",
    "load_files",
    "load_sample",
    "read_table",
    "split_interactions",
    "validate_dataset",
]
