"""One jinja2 environment for every HTML page: autoescape on, templates from the package.

Built once per process (batch --report-dir renders thousands of pages) and only when an HTML
format is asked for, so jinja2 stays off the start-up path.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


@cache
def environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("kamcli.render", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(context)
