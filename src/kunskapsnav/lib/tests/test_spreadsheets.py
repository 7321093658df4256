import csv
import datetime
import io
from decimal import Decimal

from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from kunskapsnav.lib.spreadsheets import csv_dict_writer, csv_writer, neutralise, xlsx_append

HOSTILE = ['=HYPERLINK("http://evil.example","Klicka")', "+46 70 123 45 67", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _read(text):
    return list(csv.reader(io.StringIO(text), delimiter=";"))


class SpreadsheetTests(SimpleTestCase):
    def test_text_that_begins_like_a_formula_gets_a_quote_in_front(self):
        for value in HOSTILE:
            with self.subTest(value=value):
                self.assertEqual(neutralise(value), "'" + value)

    def test_ordinary_text_and_numbers_are_left_as_they_are(self):
        for value in ["Region Örebro län", "a=b", "", "1-2", "2026-11-01"]:
            self.assertEqual(neutralise(value), value)
        for value in [-3, 0, 2.5, -0.25, Decimal("-1.5"), True, None, datetime.date(2026, 1, 2)]:
            self.assertIs(neutralise(value), value)

    def test_text_that_is_only_a_number_stays_a_number_even_when_negative(self):
        for value in ["-3", "-0,5", "-1.25", "+7", "-1e-07"]:
            self.assertEqual(neutralise(value), value)

    def test_objects_are_written_as_their_text_and_checked_like_text(self):
        class Named:
            def __str__(self):
                return "=1+1"

        self.assertEqual(neutralise(Named()), "'=1+1")

    def test_the_csv_writer_neutralises_every_cell_of_every_row(self):
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["=header", "namn"])
        writer.writerows([[value, -3] for value in HOSTILE])
        rows = _read(out.getvalue())
        self.assertEqual(rows[0], ["'=header", "namn"])
        self.assertEqual([row[0] for row in rows[1:]], ["'" + value for value in HOSTILE])
        self.assertEqual({row[1] for row in rows[1:]}, {"-3"})

    def test_the_dict_writer_neutralises_the_header_and_the_rows(self):
        out = io.StringIO()
        writer = csv_dict_writer(out, ["@namn", "värde"])
        writer.writeheader()
        writer.writerow({"@namn": "-sum(A1)", "värde": -1.5})
        self.assertEqual(_read(out.getvalue()), [["'@namn", "värde"], ["'-sum(A1)", "-1.5"]])

    def test_xlsx_cells_are_text_never_formulas_and_numbers_stay_numbers(self):
        book = Workbook()
        sheet = book.active
        xlsx_append(sheet, ["=1+1", -3, Decimal("2.5"), "Text\x01med styrtecken"])
        out = io.BytesIO()
        book.save(out)
        cells = load_workbook(io.BytesIO(out.getvalue())).active[1]
        self.assertEqual([c.value for c in cells], ["'=1+1", -3, 2.5, "Textmed styrtecken"])
        self.assertEqual([c.data_type for c in cells[:3]], ["s", "n", "n"])
