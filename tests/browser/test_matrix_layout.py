"""The national matrix on a common laptop screen (1366 × 768): all 21 regions fit beside
the supports without scrolling sideways, no cell's content is cut off, every cell keeps its
stage in text, and the header row and the first column stay in view as the matrix scrolls."""

import pytest

OVERFLOWING = """() => [...document.querySelectorAll('table.matrix th, table.matrix td')]
    .filter(cell => cell.scrollWidth > cell.clientWidth + 1 || cell.scrollHeight > cell.clientHeight + 1)
    .map(cell => cell.textContent.trim() + ' ' + cell.scrollWidth + '>' + cell.clientWidth)"""


@pytest.mark.browser
def test_the_matrix_fits_21_regions_at_1366_pixels(demo_site, page, expect, login, axe_violations):
    page.set_viewport_size({"width": 1366, "height": 768})
    login("npo-redaktor")
    page.goto("/inforande/matris/")
    table = page.locator("table.matrix")
    expect(table).to_be_visible()
    assert page.locator("table.matrix thead th.vertical").count() == 21
    box = page.locator(".matrix-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), "the matrix scrolls sideways at 1366 px"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(OVERFLOWING) == []
    # Each cell says its stage (or that it is not shared) in text, not by colour alone.
    cells = page.locator("table.matrix tbody td")
    assert cells.count() >= 21
    assert all(text.strip() for text in cells.all_inner_texts())
    expect(page.locator(".matrix-legend")).to_contain_text("Impl. = Implementering")
    for selector in ("table.matrix thead th", "table.matrix tbody th[scope=row]"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).position") == "sticky"
    # The header stays at the top of the matrix's box as it scrolls down.
    # (Unstuck, it would be as far above the box as the box has scrolled.)
    scrolled = box.evaluate("b => { b.style.maxHeight = '12rem'; b.scrollTop = b.scrollHeight; return b.scrollTop; }")
    assert scrolled > 50
    header = page.locator("table.matrix thead th").first.evaluate("e => e.getBoundingClientRect().toJSON()")
    box_top = box.evaluate("b => b.getBoundingClientRect().top")
    assert box_top - 10 <= header["top"] and header["bottom"] > box_top + 10, (header, box_top)
    assert not axe_violations("national matrix at 1366 px")
