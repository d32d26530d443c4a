"""The interactive questionnaire: questions as data, a prompter, and a resumable session."""
