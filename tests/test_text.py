"""Text from data inside Markdown shows as written."""
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis.text import md


def test_markup_and_markdown_signs_are_shown_literally():
    hostile = "MCS *2025* <script>alert(1)</script> [x](javascript:alert(2))"
    html = markdown2html_mistune(f"Edition {md(hostile)} revised")
    assert "<script>" not in html and "<em>" not in html and "<a " not in html
    assert "&lt;script&gt;" in html and "*2025*" in html
