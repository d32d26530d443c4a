"""`kam batch`: score whole teams from spreadsheets, streaming, with every row accounted for.

pipeline.py runs read → check → score → write (options.py: what a run is asked to do;
extras.py: what only some runs gather); the rows come from kamcli.io.batch_read. layout.py
maps a file's header to columns; rows.py checks and scores one row into a row_outcomes.py
GoodRow or BadRow, raters.py its rater role; record_format.py turns scored rows into output
text and record_writers.py writes it (output.py adds the subject and rater columns);
blocks.py checks, scores and writes runs of plain CSV rows many at a time (the fast path of
a default run); seen.py remembers respondent ids in flat memory; save.py stores rows in
history; reports.py writes one report per respondent; subjects.py combines each subject's
ratings into 360° reports (subject_table.py prints their summary); stats.py gathers what
`kam stats` / `--stats` compute; summaries.py prints and exports what comes after the rows;
run_notes.py words the notes on stderr; progress.py draws the progress bar; template.py
writes blank response sheets.
"""
