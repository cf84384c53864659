"""Blocks rendered once per distinct input, not once per recipient.

Most of an email is the same for many recipients: the header, the hero of a variant, the card of a product
(a catalog has thousands, a batch has a hundred thousand recipients). When a template is compiled, every
``{% include "blocks/x" %}`` is replaced by a call that renders the block from exactly the values it reads
(found statically: the names the block uses without defining them) and remembers the result for those
values. A block that reads a per-recipient field (the unsubscribe URL, the address) is rendered every
time. Templates run in a sandbox, filters are pure functions: equal inputs give equal output, so this is
invisible in the emails (the tests compare against an environment without it).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, meta, nodes, pass_context
from jinja2.runtime import Context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from renderers.filters import refuse_none

# Values unique to one recipient. A block reading one is remembered only if it prints the value as it
# is (`{{ unsubscribe_url }}`): then it is rendered once with a stand-in, which each email replaces.
PER_RECIPIENT_FIELDS = frozenset(
    {"unsubscribe_url", "unsubscribe_token", "email", "person_id", "consent_snapshot_id"}
)
NEVER_REMEMBERED = frozenset({"loop"})
MEMO_LIMIT = 20_000  # distinct inputs remembered per block; the memo starts over when full
# A block whose inputs rarely repeat (e.g. a person's three products together) is not worth remembering:
# after TRIAL_LOOKUPS lookups with fewer than MIN_HIT_RATE hits it is rendered every time instead.
TRIAL_LOOKUPS = 2_000
MIN_HIT_RATE = 0.2
# Private-use characters and a per-process nonce: data cannot spell a stand-in by accident.
_NONCE = secrets.token_hex(6)


def _stand_in(position: int) -> str:
    return f"\ue000{_NONCE}:{position}\ue001"


def _hashable(value: object) -> object:
    return tuple(value) if type(value) is list else value


class Memo:
    """Outputs by input, for as long as inputs repeat often enough to be worth it."""

    __slots__ = ("active", "hits", "lookups", "outputs")

    def __init__(self, active: bool = True):
        self.active, self.hits, self.lookups, self.outputs = active, 0, 0, {}

    def get(self, key: tuple) -> object:
        """The remembered output, or None (raises TypeError for an unhashable key)."""
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
        self._key_positions = tuple(i for i in range(len(self.inputs)) if i not in self.slots)
        self._stand_ins = tuple(_stand_in(i) for i in self.slots)

    def render(self, environment, values: Sequence[object]) -> str:  # noqa: ANN001 - a Jinja environment
        output = environment.get_template(self.name).render(dict(zip(self.inputs, values, strict=True)))
        return Markup(output) if environment.autoescape else output

    def __call__(self, environment, values: Sequence[object]) -> str:  # noqa: ANN001
        memo = self.memo
        if not memo.active:
            return self.render(environment, values)
        slots = self.slots
        if slots:
            key = tuple(_hashable(values[i]) for i in self._key_positions)
        else:
            key = tuple(_hashable(v) for v in values)
        try:
            skeleton = memo.get(key)
        except TypeError:  # an unhashable value: nothing to remember it by
            return self.render(environment, values)
        if skeleton is None:
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


class IncludesAsBlockCalls(NodeTransformer):
    """Rewrites ``{% include "name" %}`` into ``{{ render_block("name", <each input of name>) }}``."""

    def __init__(self, environment, template_name: str | None):  # noqa: ANN001
        self.environment, self.template_name = environment, template_name

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
        arguments = [nodes.Const(block.name)] + [nodes.Name(name, "load") for name in block.inputs]
        call = nodes.Call(nodes.ImportedName(_RENDER_BLOCK), arguments, [], None, None)
        output = nodes.Output([call])
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
            key = tuple(_hashable(context[name]) for name in self.inputs)
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
