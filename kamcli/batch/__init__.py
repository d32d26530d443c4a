"""`kam batch`: score whole teams from spreadsheets, streaming, with every row accounted for.

pipeline.py runs read → check → score → write (options.py: what a run is asked to do);
rows.py checks and scores one row, raters.py its rater role; output.py adds the subject and
rater columns; decoding.py turns bytes into text incrementally and csv_rows.py that text into
rows; blocks.py checks, scores and writes runs of plain CSV rows many at a time (the fast
path of a default run); seen.py remembers respondent ids in flat memory; save.py stores rows
in history; reports.py writes one report per respondent; subjects.py combines each subject's
ratings into 360° reports (subject_table.py prints their summary); stats.py gathers what
`kam stats` / `--stats` compute; summaries.py prints and exports what comes after the rows;
progress.py draws the progress bar; template.py writes blank response sheets.
"""
