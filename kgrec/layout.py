"""Where a pipeline's artifacts live in its work directory: the one list of their names,
read by the pipeline that writes them and by the API and CLI that read them."""

from __future__ import annotations

#: The pipeline's settings as JSON, written once the data is valid.
CONFIG_FILE = "pipeline.json"
#: Each stage's fingerprint and finish time (what makes a run resumable).
MANIFEST = "manifest.json"
#: The data stage's frames: data/{interactions,items,users,train,valid,test}.parquet.
DATA_DIR = "data"
#: The extract stage's mentions.
MENTIONS_FILE = "extract/mentions.parquet"
#: The whole knowledge graph (nodes and edges), every interaction included.
GRAPH_DIR = "graph"
#: Text embeddings of the graph's nodes.
EMBEDDINGS_FILE = "graph/embeddings.parquet"
#: The training graph: the knowledge graph with only the train split's interactions.
TRAIN_GRAPH_DIR = "train_graph"
#: PNG of the built graph's node and relationship counts.
COUNTS_CHART = "graph_counts.png"
#: The trained model.
CHECKPOINT_FILE = "model/checkpoint.pt"
#: Test metrics and what was chosen on valid.
METRICS_FILE = "metrics.json"
#: Every user's explained top-k, as written back to the store.
RECOMMENDATIONS_FILE = "recommendations.parquet"
#: Feedback events, one JSON object a line, appended and fsync'd (``kgrec.live.events``).
EVENTS_FILE = "events/feedback.jsonl"
#: Items added online, one batch (rows and what they add to the graph) a line
#: (``kgrec.live.items``).
ITEMS_FILE = "events/items.jsonl"
#: Users' own words, one sentence (what it names, its embedding) a line
#: (``kgrec.live.words``).
WORDS_FILE = "events/words.jsonl"
#: Slates drawn at random by an exploring service, with their propensities
#: (``kgrec.live.explore``).
SLATES_FILE = "events/slates.jsonl"
#: How many of the log's first events `kgrec refit` folded into the training data.
FOLDED_FILE = "events/folded.json"
#: The (user, item) pairs the last refit folded in as training interactions.
FOLDED_PAIRS = "data/folded.parquet"
#: The text encoder's cache of embeddings by text hash.
ENCODER_CACHE = "cache/encoder.parquet"
#: `kgrec eval`'s results and plots.
EVAL_FILE = "eval.json"
EVAL_MODELS_CHART = "eval_models.png"
EVAL_TRAINING_CHART = "eval_training.png"
