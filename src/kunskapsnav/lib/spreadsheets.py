"""Every CSV and XLSX the platform writes goes through here, so that text someone typed
cannot become a formula when the file is opened in Excel or LibreOffice.

The rule is OWASP's for CSV injection: a text cell that begins with =, +, -, @, a tab or a
carriage return gets a single quote in front, which spreadsheet programs read as "this is
text". In XLSX such a cell is also written as a text cell, never as a formula.

Only text is touched. Numbers given as numbers (int, float, Decimal) stay numbers, negative
ones too: -3 in a numeric column is a number, not a formula. Text that is nothing but a
number ("-3", "-0,5", "1e-07") is left as it is for the same reason: it holds no formula.
Anything else (a model instance, a lazy translation, a date) is written as its text and
checked like text.
"""

import csv
import datetime
import re
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMERAL = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")
_KEPT = (bool, int, float, Decimal, datetime.date, datetime.time)  # written as what they are


def neutralise(value):
    """The value as a cell that no spreadsheet program evaluates."""
    if value is None or isinstance(value, _KEPT):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not _NUMERAL.fullmatch(text):
        return "'" + text
    return text


class _NeutralisingWriter:
    """csv.writer's interface, every cell neutralised on the way out."""

    def __init__(self, writer):
        self._writer = writer
        self.dialect = writer.dialect

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, *, delimiter: str = ";", **options):
    """A csv.writer on `out` that neutralises every cell. Semicolons by default: what Excel
    with Swedish settings expects."""
    return _NeutralisingWriter(csv.writer(out, delimiter=delimiter, **options))


def csv_dict_writer(out, fieldnames, *, delimiter: str = ";", **options):
    """A csv.DictWriter on `out` that neutralises every cell, the header's too."""
    writer = csv.DictWriter(out, fieldnames=fieldnames, delimiter=delimiter, **options)
    writer.writer = _NeutralisingWriter(writer.writer)
    return writer


def xlsx_append(sheet, row) -> list:
    """Append `row` to an openpyxl worksheet: text as text cells (neutralised, and without
    the control characters the XLSX format cannot hold), numbers as numbers. Returns the
    cells, for styling."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    cells = []
    for value in row:
        if value is None or isinstance(value, _KEPT):
            cell = Cell(sheet, value=value)
        else:
            cell = Cell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value))))
            cell.data_type = "s"  # text, whatever it looks like: never a formula
        cells.append(cell)
    sheet.append(cells)
    return cells
