"""Report documents: what a report says, language-resolved, before any format lays it out.

A builder per report kind (person.py for the gap report) turns scoring results into a
`Document` of typed sections (document.py); one renderer per format (kamcli/render) shows any
document by its section types. Nothing here imports rich, jinja2 or fpdf2.
"""
