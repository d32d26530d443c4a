"""Renderers: terminal (rich), markdown, html, pdf, json, csv."""
