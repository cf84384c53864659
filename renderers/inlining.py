"""CSS inlining of a template's source, once per template, without disturbing its Jinja tags.

An HTML parser would move text it meets inside a ``<table>`` (``{% if %}`` between rows) out of the table
and escape ``>`` in ``{{ a > b }}``. So every Jinja tag is swapped for an HTML comment first (comments stay
where they are, in tables and in attribute values alike), the CSS is inlined, and the tags are put back.
"""

from __future__ import annotations

import re
from pathlib import Path

import css_inline
from jinja2 import Environment

_PLAIN = Environment()  # only its lexer: same delimiters as the rendering environments, no whitespace control
_PLACEHOLDER = "<!--tailor-jinja-{}-->"
# In RCDATA (<title>) the parser keeps the comment as text and the serializer escapes it.
_PLACEHOLDER_RE = re.compile(r"(?:<!--|&lt;!--)tailor-jinja-(\d+)(?:-->|--&gt;)")
_LEADING_COMMENTS_RE = re.compile(r"^(?:\s+|<!--.*?-->)*", re.DOTALL)
# Table rows parse only inside a table: a block made of <tr>s is inlined inside this wrapper.
_ROWS_OPEN, _ROWS_CLOSE = "<table><tbody><!--tailor-rows-->", "<!--/tailor-rows--></tbody></table>"
_CHUNK_END = {"block_end", "variable_end", "comment_end", "raw_end", "linestatement_end", "linecomment_end"}


class InliningError(ValueError):
    pass


def _split(source: str) -> tuple[str, list[str]]:
    """Source with every Jinja tag replaced by a numbered placeholder, and the tags in order."""
    html_parts: list[str] = []
    tags: list[str] = []
    current: list[str] | None = None
    in_raw = False
    for _, token_type, value in _PLAIN.lex(source):
        if current is None and token_type == "data":
            html_parts.append(value)
            continue
        if current is None:
            current = []
        current.append(value)
        in_raw = in_raw or token_type == "raw_begin"
        if token_type in _CHUNK_END and (not in_raw or token_type == "raw_end"):
            html_parts.append(_PLACEHOLDER.format(len(tags)))
            tags.append("".join(current))
            current, in_raw = None, False
    if current is not None:
        raise InliningError("unterminated Jinja tag")
    return "".join(html_parts), tags


def inline_css_into_template(source: str, css: str, path: Path | None = None) -> str:
    """``source`` with ``css`` inlined into style attributes; a full document or a fragment (a block)."""
    protected, tags = _split(source)
    is_document = "<html" in protected[:500].lower()
    if is_document:
        inliner = css_inline.CSSInliner(load_remote_stylesheets=False, extra_css=css)
        inlined = inliner.inline(protected)
    elif protected[_LEADING_COMMENTS_RE.match(protected).end() :].startswith("<tr"):
        wrapped = css_inline.inline_fragment(
            _ROWS_OPEN + protected + _ROWS_CLOSE, css, load_remote_stylesheets=False
        )
        if not (wrapped.startswith(_ROWS_OPEN) and wrapped.endswith(_ROWS_CLOSE)):
            raise InliningError(
                f"{path or 'a block'}: a block that starts with <tr> must contain only table rows"
            )
        inlined = wrapped[len(_ROWS_OPEN) : -len(_ROWS_CLOSE)]
    else:
        inlined = css_inline.inline_fragment(protected, css, load_remote_stylesheets=False)
    # Attributes may be reordered; each tag must still be there exactly once.
    found = sorted(int(n) for n in _PLACEHOLDER_RE.findall(inlined))
    if found != list(range(len(tags))):
        where = f" in {path}" if path else ""
        raise InliningError(
            f"CSS inlining dropped or duplicated Jinja tags{where}: keep tags out of tag names and attribute lists"
        )
    return _PLACEHOLDER_RE.sub(lambda m: tags[int(m.group(1))], _ascii_only(inlined))


_STYLE_ELEMENT = re.compile(r"(<style\b.*?</style>)", re.DOTALL | re.IGNORECASE)


def _ascii_only(html: str) -> str:
    """Non-ASCII characters of the template's own HTML as character references (``&#8364;``).

    The parser turned ``&middot;`` into ``·``; one such character makes Python store the whole rendered
    email two or four bytes per character, and every join, replace and JSON encoding of it slower. Jinja
    tags are placeholders here, so string literals inside them are left alone; so are style elements,
    where references mean nothing.
    """
    parts = _STYLE_ELEMENT.split(html)
    return "".join(
        part if index % 2 else part.encode("ascii", "xmlcharrefreplace").decode("ascii")
        for index, part in enumerate(parts)
    )
