"""``tailor templates check``: every variable every template uses, checked against the payload contract.

The contract is the dbt model ``payload_inputs`` as the manifest describes it (columns; nullable unless
they have a ``not_null`` constraint), plus the fields the renderer derives (:data:`DERIVED_FIELDS`). Each
campaign template is walked through Jinja's AST, the way it renders: into its layout, through every
``{% include %}`` (with the names ``{% with %}`` and ``{% for %}`` bind), for the HTML and the text part.
Errors, each with file and line:

* a name that is neither a field, nor bound in the template, nor a Jinja global (``unknown field``);
* a nullable field printed or computed with without ``| fallback(...)`` and outside an ``{% if %}`` that
  guarantees it (``{% if first_name %}``, ``{% if top_category == "sportswear" %}``, ``x is not none``);
* an included or extended template that does not exist, or is named by an expression;
* an unknown filter, an attribute starting with ``_``, a syntax error, a campaign without a preheader;
* a ``{% with %}``, ``{% for %}`` or ``{% set %}`` that rebinds a field's name (blocks reading fixed fields
  are rendered when compiled, so a field must mean the same everywhere);
* a campaign in the manifest whose template is missing, and subject lines that break the same rules.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes

from renderers.environment import FORMATS, TemplateFiles, text_environment
from renderers.render import DERIVED_FIELDS

PAYLOAD_INPUTS_NODE = "model.tailor.payload_inputs"
_FORMAT_SUFFIXES = {"html": ".html/.jinja", "text": ".txt/.jinja"}


@dataclass(frozen=True)
class Field:
    nullable: bool
    attributes: dict[str, bool] | None = None  # for lists of records (products): attribute -> nullable


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    variables: dict[str, dict[str, bool]] = field(default_factory=dict)  # template -> field -> nullable

    @property
    def ok(self) -> bool:
        return not self.findings


def contract_fields(manifest_path: Path) -> dict[str, Field]:
    """payload_inputs columns from the dbt manifest, plus the renderer's derived fields."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    node = manifest["nodes"][PAYLOAD_INPUTS_NODE]
    fields = {
        name: Field(nullable=not any(c.get("type") == "not_null" for c in column.get("constraints", [])))
        for name, column in node["columns"].items()
    }
    for name, (nullable, attributes) in DERIVED_FIELDS.items():
        fields[name] = Field(nullable, attributes)
    return fields


def campaign_subjects(manifest_path: Path) -> list[tuple[str, str, str, str]]:
    """(model, template, variant, subject) of every campaign model in the manifest."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    found = []
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model" or "campaign" not in node.get("tags", []):
            continue
        meta = node.get("config", {}).get("meta", {}) or node.get("meta", {})
        for variant in meta.get("variants", []):
            found.append(
                (node["name"], meta.get("template", ""), variant.get("name", ""), variant.get("subject", ""))
            )
    return sorted(found)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _targets(target: nodes.Node) -> list[nodes.Name]:
    """The names a for/with/set target binds (``x`` or ``a, b``)."""
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))


def _key(expr: nodes.Node) -> str | None:
    """``first_name`` or ``product.image_url``: what a guard can vouch for."""
    if isinstance(expr, nodes.Name):
        return expr.name
    if isinstance(expr, nodes.Getattr) and isinstance(expr.node, nodes.Name):
        return f"{expr.node.name}.{expr.attr}"
    return None


def _guards(test: nodes.Node, positive: bool = True) -> set[str]:
    """Names (or name.attribute) a test guarantees are not null when it is true (positive) or false."""
    if isinstance(test, nodes.Not):
        return _guards(test.node, not positive)
    if isinstance(test, nodes.And):
        if positive:
            return _guards(test.left) | _guards(test.right)
        return _guards(test.left, False) & _guards(test.right, False)
    if isinstance(test, nodes.Or):
        if positive:
            return _guards(test.left) & _guards(test.right)
        return _guards(test.left, False) | _guards(test.right, False)
    key = _key(test)
    if key is not None:
        return {key} if positive else set()
    if isinstance(test, nodes.Test) and test.name == "none" and (key := _key(test.node)):
        return set() if positive else {key}
    if positive and isinstance(test, nodes.Compare) and len(test.ops) == 1 and (key := _key(test.expr)):
        op = test.ops[0]
        if op.op == "in" or (
            op.op == "eq" and isinstance(op.expr, nodes.Const) and op.expr.value is not None
        ):
            return {key}
    return set()


class _Walk:
    """One template in one format: walks it as it renders, collecting findings and the fields used."""

    def __init__(
        self, files: TemplateFiles, fmt: str, fields: dict[str, Field], report: LintReport, used: dict
    ):
        self.files, self.fmt, self.fields, self.report, self.used = files, fmt, fields, report, used
        self.environment = text_environment(None)
        self.globals = set(self.environment.globals)
        self.path = ""
        self.stack: list[str] = []

    def error(self, node: nodes.Node | None, message: str, line: int | None = None) -> None:
        self.report.findings.append(Finding(self.path, line or getattr(node, "lineno", 0) or 0, message))

    def parse(self, name: str, node: nodes.Node | None) -> nodes.Template | None:
        path = self.files.path(name, self.fmt)
        if path is None:
            self.error(node, f"template {name!r} not found ({name}{_FORMAT_SUFFIXES[self.fmt]})")
            return None
        relative = _display(path)
        try:
            return self.environment.parse(path.read_text(encoding="utf-8"), name, relative)
        except TemplateSyntaxError as error:
            self.report.findings.append(Finding(relative, error.lineno, f"syntax error: {error.message}"))
            return None

    def template(self, name: str, scope: dict, guards: set[str], node: nodes.Node | None = None) -> None:
        if name in self.stack:
            self.error(node, f"{name} includes itself")
            return
        ast = self.parse(name, node)
        if ast is None:
            return
        outer_path, self.stack = self.path, [*self.stack, name]
        self.path = _display(self.files.path(name, self.fmt))
        extends = next(iter(ast.find_all(nodes.Extends)), None)
        if extends is None:
            self.body(ast.body, scope, guards)
        else:
            own_blocks = {block.name: block for block in ast.find_all(nodes.Block)}
            for block in own_blocks.values():  # every block of the child renders (the preheader on its own)
                self.body(block.body, scope, guards)
            parent_name = self.template_name(extends.template, extends)
            if parent_name is not None:
                self.layout(parent_name, set(own_blocks), scope, guards, extends)
        self.path, self.stack = outer_path, self.stack[:-1]

    def layout(
        self, name: str, overridden: set[str], scope: dict, guards: set[str], node: nodes.Node
    ) -> None:
        ast = self.parse(name, node)
        if ast is None:
            return
        outer_path = self.path
        self.path = _display(self.files.path(name, self.fmt))
        for block in list(ast.find_all(nodes.Block)):
            if block.name in overridden:
                block.body = []  # the child's version was walked already
        self.body(ast.body, scope, guards)
        self.path = outer_path

    def template_name(self, expr: nodes.Expr, node: nodes.Node) -> str | None:
        if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
            return expr.value
        self.error(node, "include and extend templates by their literal name")
        return None

    def body(self, statements: Iterable[nodes.Node], scope: dict, guards: set[str]) -> None:
        for statement in statements:
            self.statement(statement, scope, guards)

    def statement(self, node: nodes.Node, scope: dict, guards: set[str]) -> None:  # noqa: C901
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope, guards, must_have_value=True)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope, guards, must_have_value=False)
            self.body(node.body, scope, guards | _guards(node.test))
            negative = guards | _guards(node.test, positive=False)
            for elif_ in node.elif_:
                self.expr(elif_.test, scope, negative, must_have_value=False)
                self.body(elif_.body, scope, negative | _guards(elif_.test))
                negative = negative | _guards(elif_.test, positive=False)
            self.body(node.else_, scope, negative)
        elif isinstance(node, nodes.For):
            self.expr(node.iter, scope, guards, must_have_value=True)
            item = self.item_type(node.iter, scope)
            inner = self.bind(node.target, {**scope, "loop": Field(False)}, item)
            self.body(node.body, inner, guards)
            self.body(node.else_, scope, guards)
        elif isinstance(node, nodes.With):
            for value in node.values:
                self.expr(value, scope, guards, must_have_value=True)
            inner = dict(scope)
            for target in node.targets:
                inner = self.bind(target, inner, Field(False))
            self.body(node.body, inner, guards)
        elif isinstance(node, nodes.Assign):
            self.expr(node.node, scope, guards, must_have_value=True)
            scope.update(self.bind(node.target, {}, Field(False)))  # visible after the set
        elif isinstance(node, nodes.Include):
            name = self.template_name(node.template, node)
            if name is not None:
                self.template(name, scope, guards, node)
        elif isinstance(node, nodes.Extends):
            self.error(node, "only campaign templates extend a layout, as their first statement")
        else:  # blocks, scoped sections and anything else: walk what it contains
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Stmt):
                    self.statement(child, scope, guards)
                elif isinstance(child, nodes.Expr):
                    self.expr(child, scope, guards, must_have_value=False)

    def bind(self, target: nodes.Node, scope: dict, field_type: Field) -> dict:
        """``scope`` plus the names a for/with/set target binds; a field name may not be rebound."""
        bound = {}
        for name in _targets(target):
            if name.name in self.fields:
                self.error(name, f"{name.name!r} is a payload field: bind another name")
            bound[name.name] = field_type
        return {**scope, **bound}

    def item_type(self, iterable: nodes.Expr, scope: dict) -> Field:
        if isinstance(iterable, nodes.Name):
            known = scope.get(iterable.name) or self.fields.get(iterable.name)
            if known is not None and known.attributes is not None:
                return Field(False, known.attributes)
        return Field(False)

    def expr(self, node: nodes.Node, scope: dict, guards: set[str], *, must_have_value: bool) -> None:  # noqa: C901
        if isinstance(node, nodes.Name):
            self.name(node, scope, guards, must_have_value)
        elif isinstance(node, nodes.Filter):
            if node.name not in self.environment.filters:
                self.error(node, f"unknown filter {node.name!r}")
            if node.node is not None:
                self.expr(
                    node.node, scope, guards, must_have_value=must_have_value and node.name != "fallback"
                )
            for argument in [*node.args, *(k.value for k in node.kwargs)]:
                self.expr(argument, scope, guards, must_have_value=True)
        elif isinstance(node, nodes.Getattr):
            self.attribute(node, scope, guards, must_have_value)
        elif isinstance(node, nodes.CondExpr):
            self.expr(node.test, scope, guards, must_have_value=False)
            self.expr(node.expr1, scope, guards | _guards(node.test), must_have_value=must_have_value)
            if node.expr2 is not None:
                negative = guards | _guards(node.test, positive=False)
                self.expr(node.expr2, scope, negative, must_have_value=must_have_value)
        elif isinstance(node, (nodes.Compare, nodes.Not, nodes.And, nodes.Or, nodes.Test)):
            for child in node.iter_child_nodes():
                self.expr(child, scope, guards, must_have_value=False)
        else:
            for child in node.iter_child_nodes():
                self.expr(child, scope, guards, must_have_value=must_have_value)

    def name(self, node: nodes.Name, scope: dict, guards: set[str], must_have_value: bool) -> None:
        if node.ctx != "load" or node.name in scope or node.name in self.globals:
            return
        known = self.fields.get(node.name)
        if known is None:
            close = difflib.get_close_matches(node.name, list(self.fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.error(
                node, f"unknown field {node.name!r}: not in payload_inputs nor derived by the renderer{hint}"
            )
            return
        self.used[node.name] = known.nullable
        if known.nullable and must_have_value and node.name not in guards:
            self.error(
                node,
                f"{node.name!r} is nullable: use `{node.name} | fallback(...)` or put it inside "
                f"`{{% if {node.name} %}}`",
            )

    def attribute(self, node: nodes.Getattr, scope: dict, guards: set[str], must_have_value: bool) -> None:
        if node.attr.startswith("_"):
            self.error(node, f"attribute {node.attr!r}: names starting with '_' are not accessible")
            return
        self.expr(node.node, scope, guards, must_have_value=True)
        base = node.node.name if isinstance(node.node, nodes.Name) else None
        record = scope.get(base) if base else None
        if record is None or record.attributes is None:
            return
        if node.attr not in record.attributes:
            self.error(
                node, f"{base!r} has no field {node.attr!r} (fields: {', '.join(sorted(record.attributes))})"
            )
        elif record.attributes[node.attr] and must_have_value and f"{base}.{node.attr}" not in guards:
            self.error(
                node, f"'{base}.{node.attr}' is nullable: use a fallback or an {{% if {base}.{node.attr} %}}"
            )


def lint_templates(manifest_path: Path, templates_dir: Path | None = None) -> LintReport:
    """Check every campaign template (both parts) and every campaign's subject lines."""
    files = TemplateFiles(templates_dir)
    fields = contract_fields(manifest_path)
    report = LintReport()
    for campaign in files.campaign_names():
        used: dict[str, bool] = {}
        for fmt in FORMATS:
            _Walk(files, fmt, fields, report, used).template(f"campaigns/{campaign}", {}, set())
        report.variables[f"campaigns/{campaign}"] = dict(sorted(used.items()))
        text_ast = _Walk(files, "text", fields, LintReport(), {}).parse(f"campaigns/{campaign}", None)
        if text_ast is not None and not any(b.name == "preheader" for b in text_ast.find_all(nodes.Block)):
            path = _display(files.path(f"campaigns/{campaign}", "text"))
            report.findings.append(Finding(path, 1, "no {% block preheader %} (the inbox preview text)"))
    _lint_subjects(manifest_path, files, fields, report)
    report.findings = sorted(set(report.findings))
    return report


def _lint_subjects(
    manifest_path: Path, files: TemplateFiles, fields: dict[str, Field], report: LintReport
) -> None:
    campaigns = set(files.campaign_names())
    for model, template, variant, subject in campaign_subjects(manifest_path):
        where = f"{model} (manifest meta, variant {variant})"
        if template not in campaigns:
            report.findings.append(
                Finding(where, 0, f"template {template!r} not found in {files.root / 'campaigns'}")
            )
        walk = _Walk(files, "text", fields, report, {})
        walk.path = where
        try:
            ast = walk.environment.parse(subject)
        except TemplateSyntaxError as error:
            report.findings.append(Finding(where, error.lineno, f"subject: syntax error: {error.message}"))
            continue
        walk.body(ast.body, {}, set())
