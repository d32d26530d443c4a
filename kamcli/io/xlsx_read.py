"""A streaming .xlsx reader for `kam batch` that cannot be made to use unbounded memory or time.

openpyxl trusts the workbook: it decompresses whatever the zip holds, keeps every shared
string, and pads rows out to the `<dimension>` the file declares (an 11 KB file declaring
A1:XFD1048576 ran for minutes). This reader uses only the standard library:

- the zip's declared sizes and compression ratios are checked before anything is
  decompressed (zipfile itself refuses data beyond the declared size);
- the sheet is parsed as a stream (xml.etree's C parser, one `<row>` at a time, each row
  dropped when done), row numbers come from the rows themselves, never from `<dimension>`;
- shared strings are held as a few large strings plus offsets, so their memory is about
  their text size, which is capped;
- a cell longer than Excel's own limit (32,767 characters) rejects its row;
- an XML part with a DOCTYPE (the way to entity-expansion attacks) is refused.

Values come out as openpyxl gave them — numbers as int or float, text as str, booleans as
bool, a formula as its text (the row becomes a RowProblem: formulas are never evaluated) —
except dates, which stay the serial number Excel stores (styles are not read).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, XMLParser, XMLPullParser

from kamcli.errors import InputError, Msg, msg
from kamcli.io.xlsx_sheet import MAX_CELL_CHARS, SheetRow, SheetTarget, TooLong

__all__ = ["MAX_CELL_CHARS", "SheetRow", "Workbook", "check_archive"]

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 4 << 30  # a declared uncompressed size above this is refused (4 GiB)
MAX_TOTAL_BYTES = 8 << 30
MAX_RATIO = 200  # uncompressed / compressed; real sheets compress 5-30x, zip bombs ~1000x
RATIO_FLOOR = 1 << 20  # members under 1 MiB may compress as well as they like
MAX_SHARED_STRINGS_BYTES = 64 << 20
MAX_SMALL_PART_BYTES = 16 << 20  # workbook.xml, its relationships
MAX_ROW_XML_BYTES = 32 << 20  # the XML of one <row>
FEED_BYTES = 1 << 20

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a workbook whose declared contents are too big or compress too well."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(
            msg("errors_io.xlsx_too_many_parts", name=name, count=len(infos), limit=MAX_MEMBERS)
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > MAX_MEMBER_BYTES:
            limit = _mib(MAX_MEMBER_BYTES)
            raise InputError(
                msg(
                    "errors_io.xlsx_part_unpacks_big",
                    name=name,
                    part=info.filename,
                    size=_mib(size),
                    limit=limit,
                )
            )
        if size > RATIO_FLOOR and size / packed > MAX_RATIO:
            raise InputError(
                msg(
                    "errors_io.xlsx_zip_bomb",
                    name=name,
                    part=info.filename,
                    size=_mib(size),
                    packed=_mib(packed),
                    ratio=size // packed,
                    limit=MAX_RATIO,
                )
            )
    if total > MAX_TOTAL_BYTES:
        limit = _mib(MAX_TOTAL_BYTES)
        raise InputError(
            msg("errors_io.xlsx_unpacks_big", name=name, size=_mib(total), limit=limit)
        )


def _missing(name: str, part: str) -> Msg:
    return msg("errors_io.xlsx_part_missing", name=name, part=part)


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MiB"


class Workbook:
    """One opened workbook: which sheet to read, its shared strings, its rows."""

    def __init__(self, source: IO[bytes], name: str) -> None:
        self.name = name
        self.fed = 0
        try:
            self.archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(msg("errors_io.xlsx_unreadable", name=name, reason=exc)) from None
        try:
            check_archive(self.archive, name)
            self.sheet_path, strings_path = self._parts()
            self.strings = SharedStrings.read(self, strings_path)
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    # --- the parts ---------------------------------------------------------------------------

    def _parts(self) -> tuple[str, str | None]:
        """The sheet to read ("responses", else the first) and the shared strings part."""
        book = self._small_xml("xl/workbook.xml")
        rels = self._small_xml("xl/_rels/workbook.xml.rels")
        targets: dict[str, tuple[str, str]] = {}
        for rel in rels.iter():
            if rel.tag.endswith("Relationship"):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
        sheets: list[tuple[str, str]] = []
        for sheet in book.iter():
            if sheet.tag.rpartition("}")[2] == "sheet":
                rid = sheet.get(f"{{{_REL}}}id") or sheet.get(f"{{{_STRICT_REL}}}id") or ""
                kind, path = targets.get(rid, ("", ""))
                if kind.endswith("/worksheet") and path:
                    sheets.append((sheet.get("name", ""), path))
        if not sheets:
            raise InputError(msg("errors_io.xlsx_no_sheet", name=self.name))
        chosen = next((path for title, path in sheets if title == "responses"), sheets[0][1])
        strings = next(
            (path for kind, path in targets.values() if kind.endswith("/sharedStrings")), None
        )
        return chosen, strings

    def _small_xml(self, part: str) -> Element:
        try:
            info = self.archive.getinfo(part)
        except KeyError:
            raise InputError(_missing(self.name, part)) from None
        if info.file_size > MAX_SMALL_PART_BYTES:
            limit = _mib(MAX_SMALL_PART_BYTES)
            raise InputError(
                msg("errors_io.xlsx_part_too_big", name=self.name, part=part, limit=limit)
            )
        parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
        root: Element | None = None
        for _event, element in self.events(part, parser):
            root = element  # the root element ends last
        if root is None:
            raise InputError(msg("errors_io.xlsx_part_empty", name=self.name, part=part))
        return root

    def events(self, part: str, parser: XMLPullParser[Element]) -> Iterator[tuple[str, Any]]:
        """Feed `part` to a pull parser a piece at a time, yielding its events as they come."""
        for _fed in self.feed(part, parser):
            yield from parser.read_events()  # type: ignore[misc]

    def feed(self, part: str, parser: XMLParser | XMLPullParser[Element]) -> Iterator[int]:
        """Feed `part` to `parser` a piece at a time; yield the bytes fed so far after each."""
        fed = 0
        try:
            with self.archive.open(part) as stream:
                while chunk := stream.read(FEED_BYTES):
                    if fed == 0 and _DOCTYPE.search(chunk[:4096]):
                        raise InputError(msg("errors_io.xlsx_doctype", name=self.name, part=part))
                    parser.feed(chunk)
                    fed += len(chunk)
                    yield fed
                if isinstance(parser, XMLParser):
                    parser.close()
        except KeyError:
            raise InputError(_missing(self.name, part)) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            problem = msg("errors_io.xlsx_cannot_unpack", name=self.name, part=part, reason=exc)
            raise InputError(problem) from None
        except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
            problem = msg("errors_io.xlsx_bad_xml", name=self.name, part=part, reason=exc)
            raise InputError(problem) from None

    # --- the rows ----------------------------------------------------------------------------

    def rows(self) -> Iterator[SheetRow]:
        """Every `<row>` of the sheet, in file order, read as a stream: the parser calls a
        target (no element tree is built), so memory holds one row at a time."""
        target = SheetTarget(self)
        for fed in self.feed(self.sheet_path, XMLParser(target=target)):
            if fed - target.fed_at_row_end > MAX_ROW_XML_BYTES + FEED_BYTES:
                row, limit = target.completed + 1, _mib(MAX_ROW_XML_BYTES)
                raise InputError(
                    msg("errors_io.xlsx_row_too_big", name=self.name, row=row, limit=limit)
                )
            target.fed = fed
            if target.done:
                done, target.done = target.done, []
                yield from done
        yield from target.done

    def value_of(self, kind: str | None, text: str | None) -> object:
        """A `<v>` text as the value its cell type says (shared strings looked up)."""
        if text is None:
            return None
        if kind is None or kind == "n":
            try:
                return float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            except ValueError:
                return text
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                problem = msg("errors_io.xlsx_no_shared_string", name=self.name, index=text)
                raise InputError(problem) from None
        if kind == "b":
            return text.strip() in ("1", "true")
        return text  # str (a formula's text result), inlineStr without <is>, e (#N/A), d (date)


def _rich_text(element: Element, ns: str) -> str | TooLong:
    """The text of an `<si>` or `<is>`: its `<t>`, or its runs' `<t>`s (not phonetic `<rPh>`)."""
    t_tag, r_tag = ns + "t", ns + "r"
    parts: list[str] = []
    length = 0
    for child in element:
        if child.tag == t_tag:
            texts = [child.text or ""]
        elif child.tag == r_tag:
            texts = [t.text or "" for t in child if t.tag == t_tag]
        else:
            continue
        for text in texts:
            length += len(text)
            parts.append(text)
    if length > MAX_CELL_CHARS:
        return TooLong(length)
    return "".join(parts)


class SharedStrings:
    """The workbook's shared strings, compactly: joined in blocks, found by offset."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._blocks: list[str] = []
        self._offsets = array("q")  # per string: its start within its block
        self._pending: list[str] = []
        self._pending_length = 0
        self._long: dict[int, TooLong] = {}
        self.count = 0

    @classmethod
    def read(cls, book: Workbook, part: str | None) -> SharedStrings:
        strings = cls()
        if part is None or part not in book.archive.namelist():
            return strings
        size = book.archive.getinfo(part).file_size
        if size > MAX_SHARED_STRINGS_BYTES:
            limit = _mib(MAX_SHARED_STRINGS_BYTES)
            raise InputError(
                msg("errors_io.xlsx_strings_too_big", name=book.name, size=_mib(size), limit=limit)
            )
        parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
        parent: Element | None = None
        si_tag = _MAIN + "si"
        for event, element in book.events(part, parser):
            if event == "start":
                if element.tag.endswith("sst"):
                    parent = element
                    si_tag = element.tag[: -len("sst")] + "si"
                continue
            if element.tag != si_tag:
                continue
            strings.add(_rich_text(element, si_tag[: -len("si")]))
            element.clear()
            if parent is not None:
                parent.remove(element)
        strings._flush()
        return strings

    def add(self, text: str | TooLong) -> None:
        if isinstance(text, TooLong):
            self._long[self.count] = text
            text = ""
        self._offsets.append(self._pending_length)
        self._pending.append(text)
        self._pending_length += len(text)
        self.count += 1
        if len(self._pending) == self.BLOCK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._blocks.append("".join(self._pending))
            self._pending.clear()
            self._pending_length = 0

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> str | TooLong:
        if not 0 <= index < self.count:
            raise IndexError(index)
        if index in self._long:
            return self._long[index]
        block, start = self._blocks[index // self.BLOCK], self._offsets[index]
        following = index + 1
        end = (
            self._offsets[following]
            if following < self.count and following % self.BLOCK
            else len(block)
        )
        return block[start:end]
