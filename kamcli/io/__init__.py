"""Readers and writers of files: answers files, batch inputs (batch_read.py with decoding.py,
csv_rows.py, jsonl_rows.py and xlsx_read.py), survey-tool exports (survey/), safe file names
and atomic writes. Nothing here imports batch, cli, render or the store (tests/test_layers.py).
"""
