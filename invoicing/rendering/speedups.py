"""Faster versions of three small WeasyPrint functions that a render calls thousands of times, with the same
results (``tests/unit/test_pdf_speedups.py`` renders documents with and without them and compares the PDFs
byte for byte). Sampled over one-page invoices they were about a sixth of the time:

- ``resolve_percentages`` turns a box's computed margins, paddings and sizes into used values; it is called
  for every box at every layout (~430 times for a one-page invoice), through one function call per property
  and two per value. Here the common case (a length in px, ``auto``) is handled inline; a percentage or a
  math function still goes through WeasyPrint's ``percentage``.
- ``check_math`` is asked of every computed value whether it holds ``calc()`` and the like; for a tuple it
  built a generator. Here tuples are walked in a loop and anything that is not a function token answers at once.
- The physical-to-logical property names (``margin_left`` → ``margin_inline_start``), worked out with string
  formatting each time a style property is first read, are remembered per property and direction.
- A computed style works out each property the first time it is read (~7,700 times for a one-page
  invoice). Most of them are not set by any rule: their value is the parent's (inherited) or the initial
  one, yet each went through the whole general path (logical names, ``var()``, math functions, special
  properties). Those now take a short path to the same value; a property set by a rule, and the few special
  ones, still take WeasyPrint's.

They are installed only on the WeasyPrint release they were written against (``SUPPORTED``); on another one
WeasyPrint runs as it is.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from math import inf
from typing import Any

import weasyprint
import weasyprint.css
from weasyprint.css import computed_values, functions, properties
from weasyprint.formatting_structure import boxes
from weasyprint.layout import percent

log = logging.getLogger(__name__)

SUPPORTED = ("70.",)

_check_math = functions.check_math
_percentage = percent.percentage
_adjust_box_sizing = percent.adjust_box_sizing
_Box, _PageBox = boxes.Box, boxes.PageBox
_installed: dict[str, tuple[Any, Any]] = {}


def check_math(token: Any) -> Any:
    if type(token) is tuple:
        for item in token:  # noqa: SIM110 (a loop, not any() over a generator: the point of this function)
            if check_math(item):
                return True
        return False
    if getattr(token, "type", None) != "function":
        return None
    return _check_math(token)


_SIZES = (
    *("margin_left", "margin_right", "padding_left", "padding_right", "width", "min_width", "max_width"),
    *("margin_top", "margin_bottom", "padding_top", "padding_bottom"),  # percentages of the width too
)
_WITH_HEIGHT = (*_SIZES, "height", "min_height", "max_height")
_WITH_AUTO_HEIGHT = (*_SIZES, "min_height", "max_height")
_BORDERS = ("border_top_width", "border_right_width", "border_bottom_width", "border_left_width")


def resolve_percentages(box: Any, containing_block: Any) -> None:
    if isinstance(containing_block, _Box):
        cb_width, cb_height = containing_block.width, containing_block.height
    else:
        cb_width, cb_height = containing_block
    maybe_height = cb_height if isinstance(box, _PageBox) else cb_width
    style = box.style
    names: tuple[str, ...]
    refers: tuple[Any, ...]
    if cb_height == "auto":
        height = style["height"]
        if height == "auto" or check_math(height) or height.unit == "%":
            box.height = "auto"
        else:
            assert height.unit.lower() == "px"
            box.height = height.value
        names, refers = _WITH_AUTO_HEIGHT, (cb_width,) * 7 + (maybe_height,) * 4 + (0, inf)
    else:
        names, refers = _WITH_HEIGHT, (cb_width,) * 7 + (maybe_height,) * 4 + (cb_height,) * 3
    for name, refer_to in zip(names, refers, strict=True):
        value = style[name]
        unit = getattr(value, "unit", None)
        if unit == "px":
            setattr(box, name, value.value)
        elif unit == "%":
            setattr(box, name, refer_to * value.value / 100)
        elif unit is not None:
            setattr(box, name, value.value)
        else:  # None, 'auto' or a math function
            used = _percentage(value, style, refer_to)
            setattr(box, name, 0 if used == "auto" and name in ("min_width", "min_height") else used)
    collapse = style["border_collapse"] == "collapse"
    for name in _BORDERS:
        if not (collapse and hasattr(box, name)):
            setattr(box, name, style[name])
    _adjust_box_sizing(box, "width")
    _adjust_box_sizing(box, "height")


_ComputedStyle = weasyprint.css.ComputedStyle
_missing = _ComputedStyle.__missing__
_INHERITED, _INITIAL, _NOT_COMPUTED = properties.INHERITED, properties.INITIAL_VALUES, properties.INITIAL_NOT_COMPUTED
_COMPUTERS, _PHYSICAL = computed_values.COMPUTER_FUNCTIONS, computed_values.PHYSICAL_FUNCTIONS
_SLOW = frozenset({"float", "display", "position", "page"} | {k for k in _INITIAL if k[:16] == "text_decoration_"})
"""Properties WeasyPrint's own path treats specially (specified values kept, propagation, named pages)."""
_LOGICAL = {(name, inline): f(block="ttb", inline=inline) for name, f in _PHYSICAL.items() for inline in ("ltr", "rtl")}
"""The logical property each physical one stands for, by direction (a horizontal writing mode)."""


def computed_missing(self: Any, key: str) -> Any:
    """``ComputedStyle.__missing__``: a property no rule sets takes its parent's or its initial value as
    WeasyPrint's own path would give it; any other goes through that path."""
    cascaded = self.cascaded
    if key in cascaded or key in _SLOW:
        return _missing(self, key)
    if key in _PHYSICAL and _LOGICAL[key, self["direction"]] in cascaded:
        return _missing(self, key)
    parent = self.parent_style
    if parent is not None and (key in _INHERITED or key[:2] == "__"):
        value = parent[key]
    else:
        value = [] if key[:2] == "__" else _INITIAL[key]
        if key in _NOT_COMPUTED:
            if check_math(value):
                return _missing(self, key)
            if key in _COMPUTERS:
                value = _COMPUTERS[key](self, key, value)
            self[key] = value
            return value
    if check_math(value):
        return _missing(self, key)
    self[key] = value
    return value


def _remembered(function: Callable[..., str]) -> Callable[..., str]:
    known: dict[tuple[str, str], str] = {}

    def physical(*, block: str, inline: str) -> str:
        try:
            return known[block, inline]
        except KeyError:
            name = known[block, inline] = function(block=block, inline=inline)
            return name

    return physical


def _replace(original: Any, faster: Any) -> None:
    """``faster`` in place of ``original`` wherever a WeasyPrint module holds it by name."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("weasyprint") and module is not None:
            for attribute, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attribute, faster)
                    _installed.setdefault(f"{module_name}.{attribute}", (original, faster))


def install() -> bool:
    """Install the faster functions (once; answers whether they are in place)."""
    if _installed:
        return True
    if not weasyprint.__version__.startswith(SUPPORTED):
        log.info("WeasyPrint %s: render speed-ups not installed (written for %s)", weasyprint.__version__, SUPPORTED)
        return False
    _replace(_check_math, check_math)
    _replace(percent.resolve_percentages, resolve_percentages)
    _ComputedStyle.__missing__ = computed_missing
    _installed["ComputedStyle.__missing__"] = (_missing, computed_missing)
    for name, function in list(computed_values.PHYSICAL_FUNCTIONS.items()):
        computed_values.PHYSICAL_FUNCTIONS[name] = faster = _remembered(function)
        _installed[f"PHYSICAL_FUNCTIONS.{name}"] = (function, faster)
    return True


def uninstall() -> None:
    """WeasyPrint's own functions back (for the test comparing both)."""
    _ComputedStyle.__missing__ = _missing
    for original, faster in _installed.values():
        for module_name, module in list(sys.modules.items()):
            if module_name.startswith("weasyprint") and module is not None:
                for attribute, value in list(vars(module).items()):
                    if value is faster:
                        setattr(module, attribute, original)
        for name, value in list(computed_values.PHYSICAL_FUNCTIONS.items()):
            if value is faster:
                computed_values.PHYSICAL_FUNCTIONS[name] = original
    _installed.clear()
