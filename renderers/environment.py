"""The Jinja environments templates run in: sandboxed, strict, autoescaped for HTML, CSS inlined at load.

Two environments render every email: ``html`` (autoescape on) and ``text`` (autoescape off, for the plain
text part and the subject). Both are :class:`ImmutableSandboxedEnvironment`: a template edited by an
analyst cannot reach Python internals (``''.__class__``) or mutate the data it is given. Undefined names
raise (:class:`StrictUndefined`), and so does printing ``None``: a token without a value is an error, never
an empty string in a sent email. Profile data is only ever a value passed to a template, never template
source, so a name like ``{{ 7*7 }}`` is printed as it is.

Template names carry no extension: ``blocks/greeting`` loads ``blocks/greeting.html`` for the HTML part
and ``blocks/greeting.txt`` for the text part, else ``blocks/greeting.jinja`` for both (campaign templates
are format-neutral: they choose and order blocks). The HTML environment inlines ``layouts/styles.css``
into every ``.html`` source once, when it is loaded, so no email pays for CSS inlining.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from renderers.filters import FILTERS, HTML_FILTERS, refuse_none
from renderers.fragments import Block, BlockCallCodeGenerator, IncludesAsBlockCalls, analyse_block
from renderers.model import PRODUCT_FIELDS, Product

DEFAULT_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STYLESHEET = "layouts/styles.css"
FORMATS = ("html", "text")
_SUFFIXES = {"html": (".html", ".jinja"), "text": (".txt", ".jinja")}


class TemplateFiles:
    """Where a template name's source lives, per format; shared by the environments and the lint."""

    def __init__(self, templates_dir: Path | None = None):
        self.root = Path(templates_dir or DEFAULT_TEMPLATES_DIR).resolve()

    def path(self, name: str, fmt: str) -> Path | None:
        if name.startswith("/") or ".." in Path(name).parts:
            return None
        for suffix in _SUFFIXES[fmt]:
            candidate = self.root / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
        return None

    def campaign_names(self) -> list[str]:
        folder = self.root / "campaigns"
        return sorted({p.stem for p in folder.iterdir() if p.suffix in (".jinja", ".html", ".txt")})

    def stylesheet(self) -> str:
        path = self.root / STYLESHEET
        return path.read_text(encoding="utf-8") if path.is_file() else ""


class _FormatLoader(BaseLoader):
    """Loads ``name`` for one format; ``transform`` rewrites HTML sources once (CSS inlining)."""

    def __init__(self, files: TemplateFiles, fmt: str, transform: Callable[[str, Path], str] | None):
        self.files, self.fmt, self.transform = files, fmt, transform

    def get_source(self, environment, template):  # noqa: ANN001 - jinja2's signature
        path = self.files.path(template, self.fmt)
        if path is None:
            raise TemplateNotFound(template)
        source = path.read_text(encoding="utf-8")
        if self.transform is not None and path.suffix == ".html":
            source = self.transform(source, path)
        mtime = path.stat().st_mtime
        return source, str(path), lambda: path.stat().st_mtime == mtime


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, plus two things for speed that templates cannot tell apart from plain Jinja.

    * ``{% include %}`` compiles to a call that renders the block once per distinct input
      (:mod:`renderers.fragments`); ``memoize_blocks=False`` renders it every time, ``native_includes=True``
      keeps Jinja's own include (the reference the tests compare against).
    * Reading a field of a :class:`~renderers.model.Product` (``product.name``) skips the sandbox's generic
      checks: it is a frozen record of plain values, and only its declared fields are allowed.
    """

    code_generator_class = BlockCallCodeGenerator

    def __init__(
        self,
        *,
        memoize_blocks: bool = True,
        native_includes: bool = False,
        fixed_values: Mapping[str, object] | None = None,
        **options: object,
    ):
        super().__init__(**options)
        self.memoize_blocks, self.native_includes = memoize_blocks, native_includes
        # Values that stay the same for every email this environment renders (company, links): blocks
        # reading only these (and printed per-recipient values) are rendered when they are compiled.
        self.fixed_values = dict(fixed_values or {}) if memoize_blocks else {}
        self.blocks_by_name: dict[str, Block] = {}
        self._analysed: dict[str, Block] = {}
        self._compiling: set[str] = set()

    def make_globals(self, d):  # noqa: ANN001, ANN201 - jinja2's signature
        # A plain dict, not Jinja's ChainMap: every render copies the globals, and copying a ChainMap
        # (key by key through Python code) cost more than rendering a small block.
        return {**self.globals, **(d or {})}

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is Product and attribute in PRODUCT_FIELDS:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # noqa: ANN001
        if self.native_includes:
            return super().compile(source, name, filename, raw, defer_init)
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        source = IncludesAsBlockCalls(self, name).rewrite(source)
        if name is not None:
            self._analysed[name] = analyse_block(name, source, remember=self.memoize_blocks)
        return super().compile(source, name, filename, raw, defer_init)

    def block(self, name: str) -> Block:
        """The compiled block ``name`` (compiling it, and the blocks it includes, on first use)."""
        block = self.blocks_by_name.get(name)
        if block is None:
            if name in self._compiling:
                raise TemplateSyntaxError(f"{name} includes itself", 1, name)
            self._compiling.add(name)
            try:
                self.get_template(name)
            finally:
                self._compiling.discard(name)
            block = self.blocks_by_name[name] = self._analysed[name]
        return block


def _environment(loader: BaseLoader | None, *, autoescape: bool, **modes: object) -> TemplateEnvironment:
    env = TemplateEnvironment(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=refuse_none,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=not autoescape,  # text blocks end with the blank line that separates them
        auto_reload=False,  # templates are compiled once per Renderer; no stat() per render
        cache_size=-1,
        **modes,
    )
    env.filters.update(HTML_FILTERS if autoescape else FILTERS)
    return env


def html_environment(
    files: TemplateFiles, *, inline_css: bool = True, **modes: object
) -> TemplateEnvironment:
    from renderers.inlining import inline_css_into_template  # css-inline only where HTML is compiled

    css = files.stylesheet()
    transform = (lambda source, path: inline_css_into_template(source, css, path)) if inline_css else None
    return _environment(_FormatLoader(files, "html", transform), autoescape=True, **modes)


def text_environment(files: TemplateFiles | None, **modes: object) -> TemplateEnvironment:
    loader = _FormatLoader(files, "text", None) if files is not None else None
    return _environment(loader, autoescape=False, **modes)


def sources_digest(root: Path, paths: list[Path]) -> str:
    """The template version: a hash of the names and contents of every source an email is built from."""
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def used_sources(files: TemplateFiles, name: str) -> list[Path]:
    """Every source file ``name`` extends or includes, directly or not, in both formats (it included)."""
    from jinja2 import Environment, meta

    parser = Environment()  # parsing only: same syntax, no sandbox needed
    seen: set[Path] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        for fmt in FORMATS:
            path = files.path(current, fmt)
            if path is None or path in seen:
                continue
            seen.add(path)
            ast = parser.parse(path.read_text(encoding="utf-8"))
            pending.extend(ref for ref in meta.find_referenced_templates(ast) if ref is not None)
    return sorted(seen)
