"""Survey tools at both ends: export the questionnaire to them (export.py, forms.py), and
read their response exports as `kam batch` columns (tools.py, columns.py, adapt.py)."""
