"""Council templates drawn in a sandbox: no reach into Python's internals, the files or the process, and bounded work.

A council's templates are data its officers write, like its papers. They are
drawn by a jinja2 `SandboxedEnvironment`, which refuses attributes starting
with `_` (so `''.__class__.__mro__` and `cycler.__init__.__globals__` lead
nowhere), and this module narrows it further: no module, file, path or
class is reached through any value, and everything a template can make
grows within bounds, so no template can fill the memory or loop without end.
Each refusal is a `Refused` error, which the caller reports at the
template's line like any other template error.
"""

from __future__ import annotations

import contextvars
import io
import os
import pathlib
import re
import types
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from string import Formatter
from typing import Any, Callable, Iterator

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter, SecurityError
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

MAX_TEXT = 20_000_000
"""The longest text a template may make or print (characters): a paper's whole web page is a few hundred thousand."""
MAX_ITEMS = 1_000_000
"""The longest list a template may make, and the widest a filter may pad or split."""
MAX_STEPS = 5_000_000
"""Turns of every loop in one drawing together: a 10,000-row table of 20 columns takes a few hundred thousand."""
MAX_DIGITS = 4300
"""The longest whole number a template may make: Python will not print a longer one."""

_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
"""A printf conversion's width and precision, which `"%1000000000d" % 1` would pad to a thousand million."""


class Refused(SecurityError):
    """A template reached for something it may not, or made more than any paper needs."""


@dataclass
class Budget:
    """What one drawing of a template has spent: loop turns and characters written."""

    steps: int = 0
    written: int = 0


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("template_budget", default=None)


def _spent() -> Budget:
    budget = _budget.get()
    if budget is None:
        budget = Budget()
        _budget.set(budget)
    return budget


def _too_long(value: Any, what: str = "a text") -> Any:
    """Return a value a template made, or refuse it when longer than any paper needs."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise Refused(f"the template makes {what} of {len(value):,} characters; at most {MAX_TEXT:,} are allowed")
    if isinstance(value, (list, tuple)) and len(value) > MAX_ITEMS:
        raise Refused(f"the template makes a list of {len(value):,} items; at most {MAX_ITEMS:,} are allowed")
    return value


def _digits(number: int) -> int:
    """Return about how many decimal digits a whole number has, without printing it."""
    return int(abs(number).bit_length() * 0.30103) + 1


def _big(number: int) -> Refused:
    return Refused(f"the template makes a number of about {number:,} digits; at most {MAX_DIGITS:,} are allowed")


def _times(left: Any, right: Any) -> Any:
    """Multiply, refusing a repeated text or list (or a product) too big to hold."""
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and not isinstance(count, bool):
            limit = MAX_TEXT if isinstance(seq, str) else MAX_ITEMS
            if len(seq) * count > limit:
                raise Refused(f"the template repeats {len(seq):,} {'characters' if isinstance(seq, str) else 'items'} "
                              f"{count:,} times; at most {limit:,} are allowed")
    if _is_int(left) and _is_int(right) and _digits(left) + _digits(right) > MAX_DIGITS:
        raise _big(_digits(left) + _digits(right))
    return left * right


def _power(left: Any, right: Any) -> Any:
    """Raise to a power, refusing a whole number too big to hold."""
    if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1 and _digits(left) * right > MAX_DIGITS:
        raise _big(_digits(left) * right)
    return left**right


def _modulo(left: Any, right: Any) -> Any:
    """Format with % (or take a remainder), refusing a width or precision that would pad without end."""
    if isinstance(left, str):
        _check_printf(left, right if isinstance(right, tuple) else (right,))
    return _too_long(left % right)


def _plus(left: Any, right: Any) -> Any:
    return _too_long(left + right)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_printf(template: str, args: tuple[Any, ...]) -> None:
    for match in _WIDTH.finditer(template):
        for size in match.groups():
            if size == "*" and any(_is_int(a) and abs(a) > MAX_ITEMS for a in args):
                raise Refused(f"the template pads a value to more than {MAX_ITEMS:,} characters")
            if size and size != "*" and int(size) > MAX_ITEMS:
                raise Refused(f"the template pads a value to {int(size):,} characters; at most {MAX_ITEMS:,} are allowed")


def _check_spec(value: Any, spec: str) -> None:
    """Refuse a format spec that pads to a vast width, or prints a number of vast exponent in full."""
    for size in re.findall(r"\d+", spec):
        if int(size) > MAX_ITEMS:
            raise Refused(f"the template pads a value to {int(size):,} characters; at most {MAX_ITEMS:,} are allowed")
    if isinstance(value, Decimal) and value.is_finite() and abs(value.adjusted()) > MAX_DIGITS and spec[-1:] in ("f", "F", "%", ""):
        raise Refused(f"the template prints a number of about {abs(value.adjusted()):,} digits; at most {MAX_DIGITS:,} are allowed")


class _Formatter(SandboxedFormatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_spec(value, format_spec)
        return _too_long(super().format_field(value, format_spec))


class _EscapeFormatter(SandboxedEscapeFormatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_spec(value, format_spec)
        return _too_long(super().format_field(value, format_spec))


# ---------------------------------------------------------------- filters and globals that grow


def _sized(name: str, *positions: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a filter whose arguments at these positions are sizes: widths, counts of pieces."""

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        passed = 1 if hasattr(function, "jinja_pass_arg") else 0  # the environment or context comes first

        @wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            sizes = [args[p + passed] for p in positions if p + passed < len(args)] + [v for k, v in kwargs.items() if k in ("width", "linecount", "slices", "n", "min", "max")]
            for size in sizes:
                if _is_int(size) and abs(size) > MAX_ITEMS:
                    raise Refused(f"the filter {name} is given {size:,}; at most {MAX_ITEMS:,} are allowed")
                if isinstance(size, str) and len(size) > MAX_ITEMS:
                    raise Refused(f"the filter {name} is given a text of {len(size):,} characters; at most {MAX_ITEMS:,} are allowed")
            return _too_long(function(*args, **kwargs))

        return bounded

    return wrap


def _replace(function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)
    def bounded(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
        text, old_text, new_text = str(s), str(old), str(new)
        times = text.count(old_text) if old_text else len(text) + 1
        if count is not None and _is_int(count) and count >= 0:
            times = min(times, count)
        if len(text) + times * max(len(new_text) - len(old_text), 0) > MAX_TEXT:
            raise Refused(f"the filter replace would make a text of more than {MAX_TEXT:,} characters")
        return function(eval_ctx, s, old, new, count)

    return bounded


def _format(function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_printf(str(value), args or tuple(kwargs.values()))
        return _too_long(function(value, *args, **kwargs))

    return bounded


_SIZED_FILTERS = {"center": (1,), "indent": (1,), "batch": (1,), "slice": (1,)}


def _bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Return jinja's filters with the ones that pad, split or replace held within bounds, and every result too."""
    bounded = dict(filters)
    for name, positions in _SIZED_FILTERS.items():
        bounded[name] = _sized(name, *positions)(filters[name])
    bounded["replace"] = _replace(filters["replace"])  # wraps keeps jinja's pass_eval_context mark
    bounded["format"] = _format(filters["format"])
    return bounded


@_sized("lipsum", 0, 2, 3)
def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    return generate_lorem_ipsum(n, html, min, max)


# ---------------------------------------------------------------- what no template may reach

_FORBIDDEN_TYPES: tuple[type, ...] = (
    types.ModuleType, pathlib.PurePath, io.IOBase, os.DirEntry, type, types.FrameType, types.CodeType,
    types.TracebackType, jinja2.Environment, jinja2.BaseLoader,
)
"""Values that lead to the files, the process or Python's machinery: a module, a path, a file, a class, a frame."""

_FORBIDDEN_NAMES = frozenset({"mro", "gi_frame", "gi_code", "cr_frame", "f_globals", "f_locals", "f_builtins", "tb_frame"})


def _forbidden(value: Any) -> bool:
    """Tell whether a value leads where no template may go, itself or as a method of such a value."""
    owner = getattr(value, "__self__", None) if isinstance(value, (types.MethodType, types.BuiltinMethodType)) else None
    return isinstance(value, _FORBIDDEN_TYPES) or (owner is not None and isinstance(owner, _FORBIDDEN_TYPES))


class _Generator(CodeGenerator):
    """Jinja's code generator, counting every turn of a loop and bounding every text joined with `~`."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        node.iter = nodes.Call(nodes.EnvironmentAttribute("turns"), [node.iter], [], None, None, lineno=node.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined(")
        super().visit_Concat(node, frame)
        self.write(")")


class Sandbox(SandboxedEnvironment):
    """A jinja environment for templates a council writes: sandboxed, and bounded in what it makes."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, finalize: Callable[[Any], Any] | None = None, **kwargs: Any) -> None:
        shown = finalize or (lambda value: value)
        super().__init__(*args, finalize=lambda value: _too_long(shown(value), "a value to print"), **kwargs)
        self.binop_table.update({"*": _times, "**": _power, "%": _modulo, "+": _plus})
        self.filters = _bounded_filters(self.filters)
        self.globals["lipsum"] = _lipsum
        self._makers = {id(value) for value in self.globals.values() if isinstance(value, type)}
        """jinja's own classes a template calls: namespace(), dict(), cycler(), joiner()."""

    def turns(self, items: Any) -> Iterator[Any]:
        """Yield a loop's items, counting each turn; refuse the drawing past MAX_STEPS turns of all its loops."""
        budget = _spent()
        for item in items:
            budget.steps += 1
            if budget.steps > MAX_STEPS:
                raise Refused(f"the template's loops turn more than {MAX_STEPS:,} times in one drawing: is there a loop without end?")
            yield item

    def joined(self, text: Any) -> Any:
        """Return text joined with `~`, unless longer than any paper needs."""
        return _too_long(text)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse, besides jinja's private names, whatever leads to a module, a file, a path, a class or a frame."""
        return super().is_safe_attribute(obj, attr, value) and attr not in _FORBIDDEN_NAMES and not _forbidden(value) and not _forbidden(obj)

    def is_safe_callable(self, obj: Any) -> bool:
        """Refuse calling a class, a module's function on files, or a method of a path or a file."""
        if id(obj) in self._makers or obj == self.turns:
            return True
        return super().is_safe_callable(obj) and not _forbidden(obj)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (jinja's own signature)
        """Call from a template, refusing widths and counts no paper needs, and results too big to hold."""
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (__self.turns(args[0]), *args[1:])
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (str, list, tuple, Decimal)) and isinstance(__obj, types.BuiltinMethodType):
            for size in (*args, *kwargs.values()):
                if _is_int(size) and abs(size) > MAX_ITEMS:
                    raise Refused(f"the template calls {__obj.__name__} with {size:,}; at most {MAX_ITEMS:,} are allowed")
            if __obj.__name__ == "replace" and isinstance(owner, str) and len(args) >= 2:
                old, new = str(args[0]), str(args[1])
                times = owner.count(old) if old else len(owner) + 1
                if len(owner) + times * max(len(new) - len(old), 0) > MAX_TEXT:
                    raise Refused(f"the template's replace would make a text of more than {MAX_TEXT:,} characters")
        return _too_long(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Return an attribute, or say at once that the value it is asked of was out of reach."""
        _refuse_unreachable(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Return an item, or say at once that the value it is asked of was out of reach."""
        _refuse_unreachable(obj)
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """Return an undefined value that, used, says the attribute is out of a template's reach."""
        owner = f"the class {obj.__name__}" if isinstance(obj, type) else f"a {type(obj).__name__}"
        return self.undefined(
            f"{attribute!r} of {owner} is out of a template's reach (a template may not reach Python's internals, files or modules)",
            name=attribute, obj=obj, exc=Refused,
        )

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Sandbox str.format as jinja does, and bound the widths it pads to."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        owner: str = value.__self__
        formatter: Formatter = _EscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) else _Formatter(self)
        is_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping")
                args, kwargs = (), args[0]
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return bounded


def _refuse_unreachable(value: Any) -> None:
    """Raise the refusal a value out of reach carries, so the message names the first step that went too far."""
    if isinstance(value, jinja2.Undefined) and value._undefined_exception is Refused:
        value._fail_with_undefined_error()


def draw(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Return what a template makes with a context, within one drawing's budget of loop turns and characters."""
    token = _budget.set(Budget())
    try:
        budget = _spent()
        chunks = []
        made = template.generate(context)
        for chunk in made:
            budget.written += len(chunk)
            if budget.written > MAX_TEXT:  # thrown in where the template is writing, so the message names its line
                made.throw(Refused(f"the template writes more than {MAX_TEXT:,} characters; a paper's web page is a few hundred thousand"))
            chunks.append(chunk)
        return "".join(chunks)
    finally:
        _budget.reset(token)
