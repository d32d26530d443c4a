"""Page geometry, text layout and shared page pieces of the PDF reports (person and 360).

Text is wrapped here rather than by fpdf2 so that Latin words stay whole while Chinese breaks
between characters, and so that every block's height is known before it is drawn (a block
that does not fit starts the next page instead of being split).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kamcli.errors import MissingFeatureError, Msg, msg
from kamcli.render.fonts import ReportFonts, load_fonts
from kamcli.render.labels import label
from kamcli.render.line_breaks import break_tokens

if TYPE_CHECKING:
    from kamcli.render.formats import RenderOptions

PAGE_WIDTH = 210.0
MARGIN = 16.0
WIDTH = PAGE_WIDTH - 2 * MARGIN
MM_PER_PT = 25.4 / 72
LEADING = 1.35
INK, MUTED, FAINT, RULE, SHADE = 0, 80, 130, 185, 238
ELLIPSIS = "…"
BOLD_STROKE = 0.012  # outline width (mm per point of type size) for bold without a bold font


def _fitting_prefix(text: str, width: float, measure: Callable[[str], float]) -> int:
    """How many leading characters fit in `width` (at least one), by binary search."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def wrap_text(
    text: str,
    width: float,
    measure: Callable[[str], float],
    max_lines: int = 0,
    ellipsis: str = ELLIPSIS,
) -> list[str]:
    """Greedy lines no wider than `width`; a word wider than a line is cut; `max_lines` > 0
    keeps that many lines, the last ending in an ellipsis."""
    lines: list[str] = []
    current = ""
    for token, spaced in break_tokens(text):
        candidate = f"{current} {token}" if current and spaced else current + token
        if current and measure(candidate) > width:
            lines.append(current)
            current = token
        else:
            current = candidate
        while len(current) > 1 and measure(current) > width:
            cut = _fitting_prefix(current, width, measure)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if 0 < max_lines < len(lines):
        lines = lines[:max_lines]
        last = lines[-1]
        while last and measure(last + ellipsis) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ellipsis
    return lines or [""]


def line_height(size: float) -> float:
    return size * MM_PER_PT * LEADING


class Sheet:
    """fpdf2 with the report's fonts: every text is made printable before it is measured."""

    def __init__(self, pdf: Any, fonts: ReportFonts) -> None:
        self.pdf = pdf
        self.fonts = fonts
        self.stroked_bold = False
        self.gray = INK

    @property
    def y(self) -> float:
        return float(self.pdf.get_y())

    def font(self, size: float, bold: bool = False, gray: int = INK) -> None:
        self.pdf.set_font(self.fonts.family, "B" if bold and self.fonts.real_bold else "", size)
        self.pdf.set_text_color(gray)
        self.stroked_bold = bold and not self.fonts.real_bold
        self.gray = gray

    def width_of(self, text: str) -> float:
        return float(self.pdf.get_string_width(text))

    def wrap(self, text: str, width: float, max_lines: int = 0) -> list[str]:
        printable = self.fonts.printable
        return wrap_text(printable(text), width, self.width_of, max_lines, printable(ELLIPSIS))

    def write(self, lines: list[str], x: float, y: float, width: float, size: float,
              align: str = "L") -> float:  # fmt: skip
        """Draw already wrapped lines from (x, y); the y below the last line."""
        if self.stroked_bold:  # outline the glyphs too: reads as bold without a bold font
            stroke = {"line_width": size * BOLD_STROKE, "draw_color": self.gray}
            with self.pdf.local_context(text_mode="FILL_STROKE", **stroke):
                return self._cells(lines, x, y, width, line_height(size), align)
        return self._cells(lines, x, y, width, line_height(size), align)

    def _cells(self, lines: list[str], x: float, y: float, width: float, height: float,
               align: str) -> float:  # fmt: skip
        for line in lines:
            self.pdf.set_xy(x, y)
            self.pdf.cell(width, height, line, align=align)
            y += height
        return y

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.y + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def paragraph(self, text: str, size: float = 9.5, *, bold: bool = False, gray: int = INK,
                  align: str = "L", after: float = 1.5) -> None:  # fmt: skip
        self.font(size, bold, gray)
        lines = self.wrap(text, WIDTH)
        self.ensure(len(lines) * line_height(size))
        self.pdf.set_y(self.write(lines, MARGIN, self.y, WIDTH, size, align) + after)

    def heading(self, text: str, keep_with: float = 20.0) -> None:
        """A section title with a rule, moved to the next page with the start of its text."""
        self.ensure(12.0 + keep_with)
        self.pdf.set_y(self.y + 3.0)
        self.paragraph(text, 12.5, bold=True, after=0.8)
        self.rule(self.y, INK, 0.35)
        self.pdf.set_y(self.y + 2.5)

    def bullet_section(self, title: str, lines: list[str], empty: str, rule: str = "") -> None:
        """A heading, an optional rule line, then the lines as bullets (`empty` when none)."""
        self.heading(title)
        if rule:
            self.paragraph(rule, 9, gray=MUTED, after=1.5)
        if not lines:
            self.paragraph(empty)
        self.bullets(lines)

    def bullets(self, lines: list[str]) -> None:
        for line in lines:
            self.font(9.5)
            wrapped = self.wrap(line, WIDTH - 5)
            self.ensure(len(wrapped) * line_height(9.5))
            self.write([self.fonts.printable("•")], MARGIN + 1, self.y, 4, 9.5)
            self.pdf.set_y(self.write(wrapped, MARGIN + 5, self.y, WIDTH - 5, 9.5) + 1.0)

    def rule(self, y: float, gray: int = RULE, width: float = 0.2) -> None:
        self.pdf.set_draw_color(gray)
        self.pdf.set_line_width(width)
        self.pdf.line(MARGIN, y, MARGIN + WIDTH, y)

    def bar(self, x: float, y: float, width: float, share: float | None,
            target: float | None = None, height: float = 2.6) -> None:  # fmt: skip
        """A meter: grey track, dark fill up to `share`, a black tick at `target` (0..1)."""
        pdf = self.pdf
        pdf.set_line_width(0.2)
        pdf.set_draw_color(FAINT)
        pdf.set_fill_color(SHADE)
        pdf.rect(x, y, width, height, style="DF")
        if share is not None and share > 0:
            pdf.set_fill_color(MUTED)
            pdf.rect(x, y, width * min(share, 1.0), height, style="F")
        if target is not None:
            pdf.set_draw_color(INK)
            pdf.set_line_width(0.5)
            tick = x + width * min(max(target, 0.0), 1.0)
            pdf.line(tick, y - 0.9, tick, y + height + 0.9)


def pdf_extra() -> Msg:
    """What to install for PDF, said right for a release and for a source checkout."""
    from kamcli.extras import install_command

    return msg("errors_render.pdf_extra", command=install_command("pdf"))


def title_block(sheet: Sheet, eyebrow: str, pairs: list[tuple[str, str]], title: str) -> None:
    """Model name, title, and the header pairs in three columns (person and 360 reports)."""
    sheet.paragraph(eyebrow, 8.5, gray=MUTED, after=0.5)
    sheet.paragraph(title, 20, bold=True, after=2.0)
    sheet.rule(sheet.y, INK, 0.5)
    gutter = 5.0
    column = (WIDTH - 2 * gutter) / 3
    top = sheet.y + 2.5
    for start in range(0, len(pairs), 3):
        bottom = top
        for index, (name, value) in enumerate(pairs[start : start + 3]):
            x = MARGIN + index * (column + gutter)
            sheet.font(7.5, gray=MUTED)
            y = sheet.write(sheet.wrap(name, column, 1), x, top, column, 7.5)
            sheet.font(9.5)
            bottom = max(bottom, sheet.write(sheet.wrap(value, column, 4), x, y, column, 9.5))
        top = bottom + 2.0
    sheet.pdf.set_y(top)
    sheet.rule(top - 0.5)
    sheet.pdf.set_y(top + 2.0)


def method_block(sheet: Sheet, heading: str, lines: Sequence[str], stamp: str) -> None:
    """The numbered method notes and the model stamp (person and 360 reports)."""
    sheet.heading(heading, keep_with=25.0)
    for number, line in enumerate(lines, start=1):
        sheet.font(8.5, gray=MUTED)
        wrapped = sheet.wrap(line, WIDTH - 6)
        sheet.ensure(len(wrapped) * line_height(8.5))
        sheet.write([f"{number}."], MARGIN, sheet.y, 5, 8.5)
        sheet.pdf.set_y(sheet.write(wrapped, MARGIN + 6, sheet.y, WIDTH - 6, 8.5) + 0.8)
    sheet.paragraph(f"kamcli · {stamp}", 7.5, gray=FAINT)


def _footer(sheet: Sheet, title: str, lang: str) -> None:
    pdf = sheet.pdf
    y = pdf.h - 11.0
    sheet.rule(y - 1.0)
    sheet.font(7.5, gray=MUTED)
    page = label("page_number", lang).format(page=pdf.page_no(), pages="{nb}")
    sheet.write(sheet.wrap(title, WIDTH - 40, 1), MARGIN, y, WIDTH - 40, 7.5)
    sheet.write([sheet.fonts.printable(page)], MARGIN + WIDTH - 40, y, 40, 7.5, "R")


def _creation_date(created_at: str) -> datetime:
    """The assessment's own time, so the same result always gives the same file."""
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return datetime(2000, 1, 1, tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_pdf(lang: str, options: RenderOptions, created_at: str | None) -> Sheet:
    """An A4 sheet with the report's fonts; MissingFeatureError without fpdf2 or a font."""
    try:
        import fpdf
    except ImportError:
        raise MissingFeatureError(pdf_extra()) from None
    pdf: Any = fpdf.FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, 14.0, MARGIN)
    pdf.set_auto_page_break(True, margin=18.0)
    sheet = Sheet(pdf, load_fonts(pdf, lang, options.font))
    pdf.set_lang(lang)
    pdf.set_creator("kamcli")
    pdf.set_creation_date(_creation_date(created_at or ""))
    return sheet
