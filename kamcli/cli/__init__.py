"""Typer shell: parse options, call the core, render, exit."""
