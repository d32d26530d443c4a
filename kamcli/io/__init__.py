"""Answer and batch readers/writers, safe file names, atomic writes."""
