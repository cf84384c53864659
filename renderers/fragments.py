"""Blocks rendered once per distinct input, not once per recipient.

Most of an email is the same for many recipients: the header, the hero of a variant, the card of a product
(a catalog has thousands of products, a batch a hundred thousand recipients). When a template is compiled,
every ``{% include "blocks/x" %}`` is rewritten, depending on what the block reads (found statically: the
names it uses without defining them):

* only values fixed for the renderer's lifetime (company name and address, links) and per-recipient values
  it prints as they are (``{{ unsubscribe_url }}``): the block is rendered right there, at compile time,
  and the include becomes that text with ``{{ unsubscribe_url }}`` left in place (the footer, the legal
  block, a fixed offer);
* anything else: a call that renders the block from exactly those values and remembers the output per
  distinct input (the greeting per first name, a product card per product), giving up on blocks whose
  inputs rarely repeat (a person's three products together).

Templates run in a sandbox and filters are pure functions: equal inputs give equal output, so none of this
shows in the emails (tests compare every campaign against Jinja's own includes).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, meta, nodes, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from renderers.filters import refuse_none

# Values unique to one recipient: a block reading one is remembered (or rendered at compile time) only if
# it prints the value as it is; a stand-in takes its place, and each email puts the value back.
PER_RECIPIENT_FIELDS = frozenset(
    {"unsubscribe_url", "unsubscribe_token", "email", "person_id", "consent_snapshot_id"}
)
NEVER_REMEMBERED = frozenset({"loop"})
MEMO_LIMIT = 20_000  # distinct inputs remembered per block; the memo starts over when full
# After TRIAL_LOOKUPS lookups with fewer than MIN_HIT_RATE hits, a block is rendered every time instead.
TRIAL_LOOKUPS = 2_000
MIN_HIT_RATE = 0.2
# Private-use characters and a per-process nonce: data cannot spell a stand-in by accident.
_NONCE = secrets.token_hex(6)
_STAND_IN = re.compile(f"\ue000{_NONCE}:(\\d+)\ue001")


def _stand_in(position: int) -> str:
    return f"\ue000{_NONCE}:{position}\ue001"


class Memo:
    """Outputs by input, for as long as inputs repeat often enough to be worth it."""

    __slots__ = ("active", "hits", "lookups", "outputs")

    def __init__(self, active: bool = True):
        self.active, self.hits, self.lookups, self.outputs = active, 0, 0, {}

    def get(self, key: tuple) -> object:
        """The remembered output, or None (raises TypeError for an unhashable key, e.g. a list)."""
        self.lookups += 1
        output = self.outputs.get(key)
        if output is not None:
            self.hits += 1
        elif self.lookups == TRIAL_LOOKUPS and self.hits < MIN_HIT_RATE * TRIAL_LOOKUPS:
            self.active, self.outputs = False, {}
        return output

    def put(self, key: tuple, output: object) -> None:
        if len(self.outputs) >= MEMO_LIMIT:
            self.outputs.clear()
        self.outputs[key] = output


@dataclass
class Block:
    """A compiled block: the names it reads and, if it is remembered, its rendered output per input."""

    name: str
    inputs: tuple[str, ...]
    remember: bool
    slots: tuple[int, ...] = ()  # positions (in inputs) of per-recipient values printed as they are

    def __post_init__(self) -> None:
        self.memo = Memo(self.remember)
        self._template = None
        self._key_positions = tuple(i for i in range(len(self.inputs)) if i not in self.slots)
        self._stand_ins = tuple(_stand_in(i) for i in self.slots)

    def render(self, environment, values: Sequence[object]) -> str:  # noqa: ANN001 - a Jinja environment
        template = self._template
        if template is None:  # compiled by now; kept here to skip the environment's cache lookup
            template = self._template = environment.get_template(self.name)
        context = template.new_context(dict(zip(self.inputs, values, strict=True)))
        output = "".join(template.root_render_func(context))
        return Markup(output) if environment.autoescape else output

    def __call__(self, environment, values: tuple) -> str:  # noqa: ANN001
        memo = self.memo
        if not memo.active:
            return self.render(environment, values)
        slots = self.slots
        key = tuple(values[i] for i in self._key_positions) if slots else values
        # Equal is not always the same output: "<b>" == Markup("<b>") and 1 == True print differently.
        key += tuple(map(type, key))
        try:
            skeleton = memo.outputs.get(key)  # Memo.get, inlined for the common case: a hit
        except TypeError:  # an unhashable value: nothing to remember it by
            return self.render(environment, values)
        if skeleton is not None:
            memo.lookups += 1
            memo.hits += 1
        elif (skeleton := memo.get(key)) is None:
            skeleton = self._render_skeleton(environment, values)
            if memo.active:
                memo.put(key, skeleton)
        if not slots:
            return skeleton
        output = str(skeleton)
        for position, stand_in in zip(slots, self._stand_ins, strict=True):
            value = refuse_none(values[position])
            output = output.replace(stand_in, str(escape(value)) if environment.autoescape else str(value))
        return Markup(output) if environment.autoescape else output

    def _render_skeleton(self, environment, values: Sequence[object]) -> str:  # noqa: ANN001
        if not self.slots:
            return self.render(environment, values)
        filled = list(values)
        for position, stand_in in zip(self.slots, self._stand_ins, strict=True):
            filled[position] = Markup(stand_in) if environment.autoescape else stand_in
        return self.render(environment, filled)

    def foldable(self, fixed: Mapping[str, object]) -> bool:
        """Whether it can be rendered at compile time: it reads only fixed values and printed slots."""
        return self.remember and all(name in fixed or i in self.slots for i, name in enumerate(self.inputs))

    def fold(self, environment, fixed: Mapping[str, object]) -> list[nodes.Node]:  # noqa: ANN001
        """The block rendered now, as template nodes: its text, with ``{{ slot }}`` where slots are."""
        skeleton = self._render_skeleton(environment, [fixed.get(name) for name in self.inputs])
        parts: list[nodes.Node] = []
        for index, piece in enumerate(_STAND_IN.split(str(skeleton))):
            if index % 2 == 0:
                if piece:
                    parts.append(nodes.TemplateData(piece))
            else:
                parts.append(nodes.Name(self.inputs[int(piece)], "load"))
        return parts


def analyse_block(name: str, template: nodes.Template, *, remember: bool) -> Block:
    """What a (rewritten) template reads, and whether and how its output can be remembered."""
    inputs = tuple(sorted(meta.find_undeclared_variables(template)))
    per_recipient = PER_RECIPIENT_FIELDS.intersection(inputs)
    printed_plainly = {
        id(child)
        for output in template.find_all(nodes.Output)
        for child in output.nodes
        if isinstance(child, nodes.Name)
    }
    substitutable = {
        field_name
        for field_name in per_recipient
        if all(id(n) in printed_plainly for n in template.find_all(nodes.Name) if n.name == field_name)
    }
    remember = remember and per_recipient == substitutable and not NEVER_REMEMBERED.intersection(inputs)
    slots = tuple(i for i, input_name in enumerate(inputs) if input_name in per_recipient) if remember else ()
    return Block(name, inputs, remember, slots)


@pass_context
def render_block(context: Context, name: str, *values: object) -> str:
    """What an ``{% include %}`` compiles to (see :class:`IncludesAsBlockCalls`)."""
    environment = context.environment
    return environment.blocks_by_name[name](environment, values)


_RENDER_BLOCK = f"{__name__}.render_block"


def _is_block_call(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.ImportedName)
        and node.node.importname == _RENDER_BLOCK
    )


class BlockCallCodeGenerator(CodeGenerator):
    """Compiles the block calls put in by :class:`IncludesAsBlockCalls` to a direct call of the block.

    Jinja would wrap each in the sandbox's call check, ``finalize`` and ``escape``: needless for our own
    function, whose output is already escaped (HTML) and never None, and about a fifth of the render time.
    """

    def _output_child_pre(self, node, frame, finalize):  # noqa: ANN001, ANN202 - jinja2's signature
        if not _is_block_call(node):
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize):  # noqa: ANN001, ANN202
        if not _is_block_call(node):
            super()._output_child_post(node, frame, finalize)

    def visit_Call(self, node, frame, **kwargs):  # noqa: ANN001, ANN003, ANN202, N802
        if not _is_block_call(node):
            return super().visit_Call(node, frame, **kwargs)
        self.write(f"environment.blocks_by_name[{node.args[0].value!r}](environment, (")
        for argument in node.args[1:]:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")
        return None


_BINDINGS = (nodes.For, nodes.With, nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.CallBlock)


class IncludesAsBlockCalls(NodeTransformer):
    """Rewrites ``{% include "name" %}`` into the block's text or a call (see the module doc)."""

    def __init__(self, environment, template_name: str | None):  # noqa: ANN001
        self.environment, self.template_name = environment, template_name

    def rewrite(self, template: nodes.Template) -> nodes.Template:
        fixed = self.environment.fixed_values
        for binding in template.find_all(_BINDINGS):
            for name in binding.find_all(nodes.Name):
                if name.ctx in ("store", "param") and name.name in fixed:
                    # Blocks are rendered with the fixed value at compile time: a template may not rebind it.
                    raise TemplateSyntaxError(f"{name.name!r} is a field: bind another name", name.lineno)
        return self.visit(template)

    def visit_Include(self, node: nodes.Include) -> nodes.Output:  # noqa: N802 - NodeTransformer's naming
        if not (isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)):
            raise TemplateSyntaxError(
                'include a block by its literal name, e.g. {% include "blocks/offer" %}',
                node.lineno,
                self.template_name,
            )
        if node.ignore_missing or not node.with_context:
            raise TemplateSyntaxError(
                "`ignore missing` and `without context` are not supported on includes",
                node.lineno,
                self.template_name,
            )
        block = self.environment.block(node.template.value)
        fixed = self.environment.fixed_values
        if block.foldable(fixed):
            output = nodes.Output(block.fold(self.environment, fixed))
        else:
            arguments = [nodes.Const(block.name)] + [nodes.Name(name, "load") for name in block.inputs]
            output = nodes.Output([nodes.Call(nodes.ImportedName(_RENDER_BLOCK), arguments, [], None, None)])
        output.set_lineno(node.lineno)
        output.set_environment(self.environment)
        return output


class RememberedText:
    """A short text (a subject line, a preheader) rendered once per distinct input, like a block."""

    def __init__(self, render: Callable[[Mapping[str, object]], str], inputs: Iterable[str] | None):
        # inputs None: unknown (e.g. the text includes a block), so it is rendered every time.
        self._render = render
        self.inputs = tuple(sorted(inputs)) if inputs is not None else None
        if self.inputs is not None and (PER_RECIPIENT_FIELDS | NEVER_REMEMBERED).intersection(self.inputs):
            self.inputs = None
        self._memo = Memo(self.inputs is not None)

    def __call__(self, context: Mapping[str, object]) -> str:
        memo = self._memo
        if not memo.active:
            return self._render(context)
        try:
            key = tuple([context[name] for name in self.inputs])
            key += tuple(map(type, key))  # see Block.__call__
            output = memo.get(key)
        except (KeyError, TypeError):  # a missing name raises in _render, as it should
            return self._render(context)
        if output is None:
            output = self._render(context)
            if memo.active:
                memo.put(key, output)
        return output


def inputs_of(body: list[nodes.Node], environment) -> set[str] | None:  # noqa: ANN001
    """The names a piece of template reads without defining them; None if it includes other templates."""
    template = nodes.Template(body)
    template.set_environment(environment)
    if any(True for _ in template.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends))):
        return None
    return meta.find_undeclared_variables(template)
