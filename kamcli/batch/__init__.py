"""`kam batch`: score whole teams from spreadsheets, streaming, with every row accounted for.

pipeline.py runs read → check → score → write; rows.py checks and scores one row;
decoding.py turns bytes into text incrementally; seen.py remembers respondent ids in flat
memory; save.py stores rows in history; reports.py writes one report per respondent;
progress.py draws the progress bar; template.py writes blank response sheets.
"""
