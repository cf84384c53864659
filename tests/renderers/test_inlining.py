"""CSS inlined into template sources once, with every Jinja tag back where it was."""

from __future__ import annotations

import pytest

from renderers.inlining import InliningError, inline_css_into_template

CSS = ".cell { padding: 8px; } .link { color: #c0502e; }"


def test_tags_between_table_rows_stay_in_place():
    source = '{% if a %}\n<tr><td class="cell">{{ a > 1 }}</td></tr>\n{% endif %}\n<tr><td>x</td></tr>'
    inlined = inline_css_into_template(source, CSS)
    assert inlined.startswith("{% if a %}\n<tr>")
    assert '<td class="cell" style="padding: 8px;">{{ a > 1 }}</td>' in inlined  # ">" not escaped
    assert inlined.index("{% endif %}") < inlined.index("<tr><td>x</td></tr>")


def test_tags_in_attributes_title_and_raw_blocks_survive():
    source = (
        "<html><head><title>{{ subject }}</title></head><body>"
        '<a class="link" href="{{ url }}?a=1&b=2">{% raw %}{{ literal }}{% endraw %}</a></body></html>'
    )
    inlined = inline_css_into_template(source, CSS)
    assert "<title>{{ subject }}</title>" in inlined
    assert 'href="{{ url }}?a=1&amp;b=2"' in inlined
    assert 'style="color: #c0502e;"' in inlined
    assert "{% raw %}{{ literal }}{% endraw %}" in inlined


def test_rows_block_with_stray_content_is_refused():
    with pytest.raises(InliningError):
        inline_css_into_template("<tr><td>a</td></tr>text outside any cell", CSS)
