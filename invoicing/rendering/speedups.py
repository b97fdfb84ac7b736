"""Faster versions of small WeasyPrint functions that a render calls thousands of times, with the same
results (``tests/unit/test_pdf_speedups.py`` renders documents with and without them and compares the PDFs
byte for byte). Several remember what they work out on the computed style it depends on (an attribute
``folio_*`` of the style object: a style's values do not change once layout reads them; where WeasyPrint
changes a box's style during layout (first line, flex and grid items) it gives the box a copy first, which
starts without them). Elements printed alike share one computed style (WeasyPrint shares it when the parent
and the matching rules are the same), so on a long invoice each is worked out once for all the lines.

- ``resolve_percentages`` turns a box's computed margins, paddings and sizes into used values; it is called
  for every box at every layout (~430 times for a one-page invoice, ~4,900 for 200 lines). The used values
  are worked out once per style and containing block size, then set on the box at once; the border widths
  still only where the collapsed-border resolution has not set them, and ``box-sizing`` other than
  ``content-box`` still goes through WeasyPrint's ``adjust_box_sizing``.
- ``check_math`` is asked of every computed value whether it holds ``calc()`` and the like; for a tuple it
  built a generator. Here tuples are walked in a loop and anything that is not a function token answers at once.
- The physical-to-logical property names (``margin_left`` → ``margin_inline_start``), worked out with string
  formatting each time a style property is first read, are remembered per property and direction.
- A computed style works out each property the first time it is read (~7,700 times for a one-page
  invoice). Most of them are not set by any rule: their value is the parent's (inherited) or the initial
  one, yet each went through the whole general path (logical names, ``var()``, math functions, special
  properties). Those now take a short path to the same value, and so does a property a rule sets to a plain
  value (computed from it as WeasyPrint computes it); ``var()``, math functions, ``inherit``/``initial``, a
  physical property its logical name overrides, and the few special ones still take WeasyPrint's path.
  The properties whose value is then their initial value as it is (~60 % of the reads) are stored in each
  new computed or anonymous style at once, by one ``dict.update`` from C, minus those a rule sets (directly
  or through the logical name): no ``__missing__`` call for them at all.
- ``strut`` (a style's line height and baseline) is asked for each line and text box; WeasyPrint looked its
  answer up by a key it built each time as the text of a tuple of 16 style values. It is remembered per style.
- ``split_first_line`` asks Pango where the first line of a text ends in a given width (once for each text
  box, more when it wraps). A long invoice repeats texts in the same style and width (quantities, tax rates,
  a description: 543 of 1,222 for 200 lines); the answer is remembered per style for each text (of up to
  200 characters), width and the other arguments. It carries WeasyPrint's deactivated layout object (the
  text, its direction and metrics, no Pango object), which WeasyPrint changes when it draws the box: each
  answer gets its own copy.
- ``Layout.setup`` starts each Pango layout (one per text box, another when the box is drawn): it created a
  Pango context and a font description and worked out the font features each time. The font description
  and features are worked out once per style, and one context serves each font configuration, direction and language
  (per thread: a Pango object is not used by two threads at once); the context is never changed after it
  is set up, so a layout made on it is the layout made on a context of its own.
- ``layout_box_backgrounds`` visits every box after layout; most have no background (transparent, no image,
  no border image or mask, no shadow), which is now known once per style: those boxes get ``background =
  None`` directly, the others and the page go through WeasyPrint's.
- ``resolve_radii_percentages`` (with it): a style whose four corners are square (most of them) sets them
  at once.
- ``collapse_table_borders`` resolves the collapsed borders of a table once, at build time: for each grid
  cell a box covers (a row group covers all of them) it read the box's border style, width and colour and
  built the entry anew (~4,800 times for 200 lines). The entry of each side is worked out once per style;
  the grid, the order the boxes are visited in and the rule that the earlier of equal borders wins are
  WeasyPrint's.
- ``Box.is_in_normal_flow`` (~15,000 times for 200 lines) asked five other methods, each reading the style;
  here one function reads ``float`` and ``position`` once, with the same answer.
- ``functools.cached_property`` of cssselect2's wrapped elements (their children, name, id, classes,
  language) and of ``Style.anonymous_style``: Python 3.11's takes a lock on each first read of each
  object's property (3.12 dropped it); ~6,500 such reads per 200-line render. The same function computes the
  value, kept in the object's ``__dict__`` under the same name.
- ``Box.descendants`` walks a box's subtree (anchors, bookmarks, page values: ~80,000 box visits per
  200-line render) through one generator per box, each passing every box below it up through ``yield from``; here
  one generator walks it with a stack, in the same order and as lazily.
- ``avoid_collisions`` places each line and table next to the floats laid out so far; with none (the
  invoices have none) there is nothing to avoid, and the position and width are those WeasyPrint's loop
  ends with when it finds no colliding float. With a float on the page, WeasyPrint's own runs.

Measured in one process, this set and the earlier one (the first four above) rendering alternately (CPU
medians, one core): 26 % less for the 200-line invoice (40 pairs), 15 % for the one-page one (150 pairs);
a bare WeasyPrint page in the same loop puts the one-page invoice at 5.5x it, from 6.5x. What is kept per
style costs ~1.5 MiB more at the peak of a 200-line render (tracemalloc; 13.6 MiB from 12.1), most of it the
initial values stored in each computed style.

They are installed only on the WeasyPrint release they were written against (``SUPPORTED``); on another one
WeasyPrint runs as it is.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
from collections.abc import Callable
from math import inf
from typing import Any

import cssselect2  # type: ignore[import-untyped]
import weasyprint
import weasyprint.css
from weasyprint.css import computed_values, functions, properties
from weasyprint.formatting_structure import boxes
from weasyprint.layout import background, percent, table
from weasyprint.layout import float as floats
from weasyprint.text import line_break
from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description

log = logging.getLogger(__name__)

SUPPORTED = ("70.",)

_check_math = functions.check_math
_percentage = percent.percentage
_adjust_box_sizing = percent.adjust_box_sizing
_Box, _PageBox = boxes.Box, boxes.PageBox
_installed: list[tuple[str, Any, str, Any, Any]] = []
"""What :func:`install` replaced: (label, owner, attribute, original, faster)."""


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
    style = box.style
    is_page = isinstance(box, _PageBox)
    try:
        known = style.folio_used_sizes
    except AttributeError:
        known = style.folio_used_sizes = {}
    try:
        sizes, borders, sized = known[cb_width, cb_height, is_page]
    except KeyError:
        sizes, borders, sized = known[cb_width, cb_height, is_page] = _used_sizes(style, cb_width, cb_height, is_page)
    attributes = box.__dict__
    attributes.update(sizes)
    if borders is None:  # collapsed borders: those the conflict resolution has not set
        for name in _BORDERS:
            if name not in attributes:
                attributes[name] = style[name]
    else:
        attributes.update(borders)
    if sized:
        _adjust_box_sizing(box, "width")
        _adjust_box_sizing(box, "height")


def _used_sizes(
    style: Any, cb_width: Any, cb_height: Any, is_page: bool
) -> tuple[dict[str, Any], dict[str, Any] | None, bool]:
    """What :func:`resolve_percentages` sets on a box of ``style`` in this containing block: the used sizes,
    the border widths (None with collapsed borders: then read only for a side the conflict resolution has not
    set, as WeasyPrint does), and whether ``box-sizing`` changes them."""
    maybe_height = cb_height if is_page else cb_width
    sizes: dict[str, Any] = {}
    names: tuple[str, ...]
    refers: tuple[Any, ...]
    if cb_height == "auto":
        height = style["height"]
        if height == "auto" or check_math(height) or height.unit == "%":
            sizes["height"] = "auto"
        else:
            assert height.unit.lower() == "px"
            sizes["height"] = height.value
        names, refers = _WITH_AUTO_HEIGHT, (cb_width,) * 7 + (maybe_height,) * 4 + (0, inf)
    else:
        names, refers = _WITH_HEIGHT, (cb_width,) * 7 + (maybe_height,) * 4 + (cb_height,) * 3
    for name, refer_to in zip(names, refers, strict=True):
        value = style[name]
        unit = getattr(value, "unit", None)
        if unit == "px":
            sizes[name] = value.value
        elif unit == "%":
            sizes[name] = refer_to * value.value / 100
        elif unit is not None:
            sizes[name] = value.value
        else:  # None, 'auto' or a math function
            used = _percentage(value, style, refer_to)
            sizes[name] = 0 if used == "auto" and name in ("min_width", "min_height") else used
    borders = None if style["border_collapse"] == "collapse" else {name: style[name] for name in _BORDERS}
    return sizes, borders, style["box_sizing"] != "content-box"


_ComputedStyle = weasyprint.css.ComputedStyle
_Pending = weasyprint.css.Pending
_missing = _ComputedStyle.__missing__
_INHERITED, _INITIAL, _NOT_COMPUTED = properties.INHERITED, properties.INITIAL_VALUES, properties.INITIAL_NOT_COMPUTED
_COMPUTERS, _PHYSICAL = computed_values.COMPUTER_FUNCTIONS, computed_values.PHYSICAL_FUNCTIONS
_SLOW = frozenset({"float", "display", "position", "page"} | {k for k in _INITIAL if k[:16] == "text_decoration_"})
"""Properties WeasyPrint's own path treats specially (specified values kept, propagation, named pages)."""
_LOGICAL = {(name, inline): f(block="ttb", inline=inline) for name, f in _PHYSICAL.items() for inline in ("ltr", "rtl")}
"""The logical property each physical one stands for, by direction (a horizontal writing mode)."""


def computed_missing(self: Any, key: str) -> Any:
    """``ComputedStyle.__missing__``: a property no rule sets takes its parent's or its initial value as
    WeasyPrint's own path would give it; a property a rule sets to a plain value (no ``var()``, no math
    function, not ``inherit``/``initial``, not overridden by its logical name) is computed from it as that
    path computes it; any other goes through that path."""
    cascaded = self.cascaded
    if key in _SLOW:
        return _missing(self, key)
    if key in cascaded:
        value = cascaded[key][0]
        if (
            isinstance(value, _Pending)
            or value == "inherit"
            or value == "initial"
            or check_math(value)
            or (key in _PHYSICAL and _LOGICAL[key, self["direction"]] in cascaded)
        ):
            return _missing(self, key)
        if key in _COMPUTERS:
            value = _COMPUTERS[key](self, key, value)
        self[key] = value
        return value
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


_PLAIN_INITIAL = {
    key: value
    for key, value in _INITIAL.items()
    if key not in _INHERITED and key not in _NOT_COMPUTED and key not in _SLOW and not check_math(value)
}
"""The properties whose computed value, when no rule sets them, is their initial value as it is: not inherited,
not computed from the initial value, not one of the special ones (``__missing__`` stores them as they are)."""
_PHYSICAL_OF: dict[str, tuple[str, ...]] = {}
for (_name, _), _logical in _LOGICAL.items():
    _PHYSICAL_OF[_logical] = (*_PHYSICAL_OF.get(_logical, ()), _name)
_computed_init = _ComputedStyle.__init__
_AnonymousStyle = weasyprint.css.AnonymousStyle
_anonymous_init = _AnonymousStyle.__init__


def computed_init(self: Any, parent_style: Any, cascaded: Any, *args: Any) -> None:
    """``ComputedStyle.__init__``, then the values of the properties no rule sets that ``__missing__`` would
    store as their initial value (~60 % of the properties a render reads), stored at once; a property set by a
    rule, directly or through its logical name (``margin-inline-start`` for ``margin-left``), is left to
    ``__missing__``."""
    _computed_init(self, parent_style, cascaded, *args)
    self.update(_PLAIN_INITIAL)
    for key in cascaded:
        self.pop(key, None)
        for name in _PHYSICAL_OF.get(key, ()):
            self.pop(name, None)


def anonymous_init(self: Any, parent_style: Any) -> None:
    """``AnonymousStyle.__init__``, then the initial values its ``__missing__`` would store, at once."""
    self.update(_PLAIN_INITIAL)
    _anonymous_init(self, parent_style)


def _remembered(function: Callable[..., str]) -> Callable[..., str]:
    known: dict[tuple[str, str], str] = {}

    def physical(*, block: str, inline: str) -> str:
        try:
            return known[block, inline]
        except KeyError:
            name = known[block, inline] = function(block=block, inline=inline)
            return name

    return physical


_strut = line_break.strut


def strut(style: Any) -> tuple[float, float]:
    """``line_break.strut``: the used line height and baseline of a style, worked out once per style (WeasyPrint
    looks them up by a key it builds from 16 of the style's values each time)."""
    try:
        return style.folio_strut
    except AttributeError:
        result = style.folio_strut = _strut(style)
        return result


_split_first_line = line_break.split_first_line
_SHORT_TEXT = 200
"""The longest text whose first line is remembered: the rest of a long text, asked for each of its lines,
would be kept once per line (its size times its number of lines)."""


def split_first_line(
    text: str,
    style: Any,
    context: Any,
    max_width: Any,
    justification_spacing: Any,
    is_line_start: bool = True,
    minimum: bool = False,
) -> tuple[Any, ...]:
    """``line_break.split_first_line``: the first line of a text in a style and width, worked out by Pango
    once per style for each text, width and the other arguments (a long invoice repeats the quantities, the
    tax rates, a description in the same column). The answer carries the Pango layout, which WeasyPrint
    leaves deactivated (no Pango object in it, only its text, direction and metrics) and later changes when
    it draws the box: each answer gets a copy of its own."""
    if len(text) > _SHORT_TEXT:  # each line of a long text is asked with the rest of it: not kept
        return _split_first_line(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    try:
        known = style.folio_lines
    except AttributeError:
        known = style.folio_lines = {}
    key = (text, max_width, justification_spacing, is_line_start, minimum)
    try:
        attributes, *rest = known[key]
    except KeyError:
        layout, *rest = _split_first_line(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        known[key] = (dict(vars(layout)), *rest)
        return (layout, *rest)
    layout = _Layout.__new__(_Layout)
    layout.__dict__.update(attributes)
    return (layout, *rest)


_Layout = line_break.Layout
_setup = _Layout.setup


def _pango_context(font_config: Any, direction: str, lang: str | None) -> tuple[Any, Any]:
    """A Pango context set up as ``Layout.setup`` sets up its own, one per font configuration, direction,
    language and thread (a Pango object is used by one thread at a time; a thread's id is reused only once
    it has ended), with its language. Kept on the font configuration, so they go with it: a caller that
    makes a configuration per render does not pile them up."""
    try:
        known = font_config.folio_contexts
    except AttributeError:
        known = font_config.folio_contexts = {}
    key = (threading.get_ident(), direction, lang)
    try:
        return known[key]
    except KeyError:
        pass
    font_map = font_config.font_map
    context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
    pango.pango_context_set_round_glyph_positions(context, False)
    pango.pango_context_set_base_dir(context, PANGO_DIRECTION[direction])
    if lang:
        lang_p, _ = unicode_to_char_p(lang)
        language = pango.pango_language_from_string(lang_p)
        pango.pango_context_set_language(context, language)
    else:
        language = pango.pango_language_get_default()
    known[key] = (context, language)
    return context, language


def layout_setup(self: Any, style: Any) -> None:
    """``Layout.setup``: a new Pango layout for a text in ``style``. Its context, font description and
    font features are worked out once per style, not for each layout."""
    self.style = style
    self.first_line_direction = 0
    try:
        context, language, description, decorated, features = style.folio_pango
    except AttributeError:
        if style["font_language_override"] != "normal":
            override = style["font_language_override"]
            lang = LST_TO_ISO.get(override.lower(), override)
        else:
            lang = style["lang"] or None
        context, language = _pango_context(style.font_config, style["direction"], lang)
        assert not isinstance(style["font_family"], str), "font_family should be a list"
        description = get_font_description(style)
        decorated = style["text_decoration_line"] != "none"
        feature_values = font_features(
            style["font_kerning"],
            style["font_variant_ligatures"],
            style["font_variant_position"],
            style["font_variant_caps"],
            style["font_variant_numeric"],
            style["font_variant_alternates"],
            style["font_variant_east_asian"],
            style["font_feature_settings"],
        )
        features = ",".join(f"{key} {value}" for key, value in feature_values.items()).encode() or None
        style.folio_pango = (context, language, description, decorated, features)
    self.language = language
    self.layout = layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(layout, False)
    pango.pango_layout_set_font_description(layout, description)
    if decorated:
        metrics = ffi.gc(
            pango.pango_context_get_metrics(context, description, language), pango.pango_font_metrics_unref
        )
        self.ascent = FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
        self.underline_position = FROM_UNITS * pango.pango_font_metrics_get_underline_position(metrics)
        self.strikethrough_position = FROM_UNITS * pango.pango_font_metrics_get_strikethrough_position(metrics)
        self.underline_thickness = FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(metrics)
        self.strikethrough_thickness = FROM_UNITS * pango.pango_font_metrics_get_strikethrough_thickness(metrics)
    else:
        self.ascent = self.underline_position = self.strikethrough_position = None
    if features:
        known = style.font_config.font_features
        if features not in known:
            known[features] = pango.pango_attr_font_features_new(features)
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, known[features])
        pango.pango_layout_set_attributes(layout, attr_list)


_resolve_radii_percentages = percent.resolve_radii_percentages
_RADII = tuple(f"border_{corner}_radius" for corner in ("top_left", "top_right", "bottom_right", "bottom_left"))
_SQUARE = dict.fromkeys(_RADII, (0, 0))


def resolve_radii_percentages(box: Any) -> None:
    """``percent.resolve_radii_percentages``: a style whose four corners are square (``0px``, most of them)
    sets them at once; asked once per style."""
    style = box.style
    try:
        square = style.folio_square
    except AttributeError:
        square = style.folio_square = all((0, "px") in style[name] for name in _RADII)
    if square:
        box.__dict__.update(_SQUARE)
    else:
        _resolve_radii_percentages(box)


_layout_box_backgrounds = background.layout_box_backgrounds


def _no_background(style: Any) -> bool:
    """Whether ``layout_box_backgrounds`` gives a box of this style no background and nothing else: no
    border or mask image, no background image, a transparent colour (or hidden), no shadow."""
    from weasyprint.draw.color import get_color

    try:
        return style.folio_no_background
    except AttributeError:
        pass
    plain = (
        style["border_image_source"][0] == "none"
        and style["mask_border_source"][0] == "none"
        and not style["box_shadow"]
        and (
            style["visibility"] == "hidden"
            or (
                get_color(style, "background_color").alpha == 0
                and all(kind != "url" and not value for kind, value in style["background_image"])
            )
        )
    )
    style.folio_no_background = plain
    return plain


def layout_box_backgrounds(
    page: Any, box: Any, get_image_from_uri: Any, layout_children: bool = True, style: Any = None
) -> None:
    """``background.layout_box_backgrounds``: a box without any background (most of them) takes the short way
    to ``box.background = None``; any other box, and the page, WeasyPrint's way."""
    if box is page or not _no_background(box.style if style is None else style):
        _layout_box_backgrounds(page, box, get_image_from_uri, layout_children, style)
        return
    resolve_radii_percentages(box)
    if layout_children:
        for child in box.all_children():
            layout_box_backgrounds(page, child, get_image_from_uri)
    box.background = None


_avoid_collisions = floats.avoid_collisions
_LineBox, _BlockReplacedBox = boxes.LineBox, boxes.BlockReplacedBox


def avoid_collisions(context: Any, box: Any, containing_block: Any, outer: bool = True) -> tuple[Any, Any, Any]:
    """``float.avoid_collisions``: with no float on the page so far (``context.excluded_shapes`` empty),
    nothing to avoid; the position and width worked out as WeasyPrint's loop works them out when it finds
    no colliding shape."""
    if context.excluded_shapes:
        return _avoid_collisions(context, box, containing_block, outer)
    position_y = box.position_y if outer else box.border_box_y()
    if box.border_height() == 0 and box.is_floated():
        return 0, position_y, containing_block.width
    max_left_bound = containing_block.content_box_x()
    max_right_bound = max_left_bound + containing_block.width
    if not outer:
        max_left_bound += box.margin_left
        max_right_bound -= box.margin_right
    assert (
        box.is_floated()
        or isinstance(box, _LineBox)
        or box.is_table_wrapper
        or isinstance(box, _BlockReplacedBox)
        or box.establishes_formatting_context()
    )
    position_x = max_left_bound
    if box.style["float"] == "none" and containing_block.style["direction"] == "rtl":
        if isinstance(box, _LineBox):
            position_x = max_right_bound
        else:
            if not box.is_table_wrapper:
                assert isinstance(box, _BlockReplacedBox) or box.establishes_formatting_context()
            position_x = max_right_bound - (box.margin_width() if outer else box.border_width())
    available_width = max_right_bound - max_left_bound
    if not outer:
        position_x -= box.margin_left
        position_y -= box.margin_top
    return position_x, position_y, available_width


_collapse_table_borders = table.collapse_table_borders
_TRANSPARENT = table.TRANSPARENT
_BORDER_STYLES = ("hidden", "double", "solid", "dashed", "dotted", "ridge", "outset", "groove", "inset", "none")
_STYLE_SCORES = {style: score for score, style in enumerate(reversed(_BORDER_STYLES))}
_STYLE_MAP = {"inset": "ridge", "outset": "groove"}
_SIDES = ("top", "right", "bottom", "left")


def _border_entries(style: Any) -> dict[str, tuple[Any, Any]]:
    """What the border conflict resolution puts in the grid for each side of a box of ``style``:
    (score, (style, width, color)), worked out once per style."""
    from weasyprint.draw.color import get_color

    try:
        return style.folio_border_entries
    except AttributeError:
        pass
    entries = {}
    for side in _SIDES:
        border_style = style[f"border_{side}_style"]
        width = style[f"border_{side}_width"]
        color = get_color(style, f"border_{side}_color")
        score = ((1 if border_style == "hidden" else 0), width, _STYLE_SCORES[border_style])
        entries[side] = (score, (_STYLE_MAP.get(border_style, border_style), width, color))
    style.folio_border_entries = entries
    return entries


def collapse_table_borders(table: Any, grid_width: int, grid_height: int) -> Any:
    """``table.collapse_table_borders``: the same border grid, each side of each box worked out once per style
    (WeasyPrint worked it out again for each grid cell the box covers: a row group covers the whole table)."""
    if not (grid_width and grid_height):
        return [], []
    transparent = _TRANSPARENT
    weak_null_border = ((0, 0, _STYLE_SCORES["none"]), ("none", 0, transparent))
    vertical_borders = [[weak_null_border] * (grid_width + 1) for _ in range(grid_height)]
    horizontal_borders = [[weak_null_border] * grid_width for _ in range(grid_height + 1)]
    ltr = table.style["direction"] == "ltr"

    def set_one(grid_row: list[Any], x: int, entry: tuple[Any, Any]) -> None:
        # Strict < so that the earlier call wins in case of a tie.
        if grid_row[x][0] < entry[0]:
            grid_row[x] = entry

    def set_borders(box: Any, x: int, y: int, w: int, h: int) -> None:
        entries = _border_entries(box.style)
        left, right, top, bottom = entries["left"], entries["right"], entries["top"], entries["bottom"]
        # x and y are logical (possibly rtl), but borders are graphical (always ltr).
        if ltr:
            left_x, right_x, xs = x, x + w, range(x, x + w)
        else:
            left_x, right_x, xs = -1 - w - x, -1 - x, range(-1 - x, -1 - x - w, -1)
        for yy in range(y, y + h):
            grid_row = vertical_borders[yy]
            set_one(grid_row, left_x, left)
            set_one(grid_row, right_x, right)
        top_row, bottom_row = horizontal_borders[y], horizontal_borders[y + h]
        for xx in xs:
            set_one(top_row, xx, top)
            set_one(bottom_row, xx, bottom)

    strong_null_border = ((1, 0, _STYLE_SCORES["hidden"]), ("hidden", 0, transparent))
    grid_y = 0
    for row_group in table.children:
        for row in row_group.children:
            for cell in row.children:
                grid_x, colspan, rowspan = cell.grid_x, cell.colspan, cell.rowspan
                if ltr:
                    vertical_x_range = range(grid_x + 1, grid_x + colspan)
                    horizontal_x_range = range(grid_x, grid_x + colspan)
                else:
                    vertical_x_range = range(-2 - grid_x, -1 - grid_x - colspan, -1)
                    horizontal_x_range = range(-1 - grid_x, -1 - grid_x - colspan, -1)
                for xx in vertical_x_range:
                    for yy in range(grid_y, grid_y + rowspan):
                        vertical_borders[yy][xx] = strong_null_border
                for xx in horizontal_x_range:
                    for yy in range(grid_y + 1, grid_y + rowspan):
                        horizontal_borders[yy][xx] = strong_null_border
                set_borders(cell, grid_x, grid_y, colspan, rowspan)
            grid_y += 1
    grid_y = 0
    for row_group in table.children:
        for row in row_group.children:
            set_borders(row, 0, grid_y, grid_width, 1)
            grid_y += 1
    grid_y = 0
    for row_group in table.children:
        rowspan = len(row_group.children)
        set_borders(row_group, 0, grid_y, grid_width, rowspan)
        grid_y += rowspan
    for column_group in table.column_groups:
        for column in column_group.children:
            set_borders(column, column.grid_x, 0, 1, grid_height)
    for column_group in table.column_groups:
        set_borders(column_group, column_group.grid_x, 0, column_group.span, grid_height)
    set_borders(table, 0, 0, grid_width, grid_height)

    def remove_borders(box: Any) -> None:  # 0.0: WeasyPrint's 0 / 2
        box.border_top_width = box.border_right_width = box.border_bottom_width = box.border_left_width = 0.0

    def max_vertical_width(x: int, y1: int, y2: int) -> Any:
        return max(grid_row[x][1][1] for grid_row in vertical_borders[y1:y2])

    def max_horizontal_width(x1: int, y: int, x2: int | None) -> Any:
        return max(width for _, (_, width, _) in horizontal_borders[y][x1:x2])

    grid_y = 0
    for row_group in table.children:
        remove_borders(row_group)
        for row in row_group.children:
            remove_borders(row)
            for cell in row.children:
                x, y = cell.grid_x, grid_y
                colspan, rowspan = cell.colspan, cell.rowspan
                if ltr:
                    top = max_horizontal_width(x, y, x + colspan)
                    bottom = max_horizontal_width(x, y + rowspan, x + colspan)
                    left = max_vertical_width(x, y, y + rowspan)
                    right = max_vertical_width(x + colspan, y, y + rowspan)
                else:
                    top = max_horizontal_width(-colspan - x, y, -x or None)
                    bottom = max_horizontal_width(-colspan - x, y + rowspan, -x or None)
                    left = max_vertical_width(-1 - colspan - x, y, y + rowspan)
                    right = max_vertical_width(-1 - x, y, y + rowspan)
                cell.border_top_width = top / 2
                cell.border_bottom_width = bottom / 2
                cell.border_left_width = left / 2
                cell.border_right_width = right / 2
            grid_y += 1
    for column_group in table.column_groups:
        remove_borders(column_group)
        for column in column_group.children:
            remove_borders(column)
    table.border_top_width = max_horizontal_width(0, 0, grid_width) / 2
    table.border_bottom_width = max_horizontal_width(0, grid_height, grid_width) / 2
    table.border_left_width = max_vertical_width(0, 0, 1) / 2
    table.border_right_width = max_vertical_width(grid_width, 0, 1) / 2
    return vertical_borders, horizontal_borders


_NOT_IN_FLOW_FLOATS = ("left", "right", "inline-start", "inline-end", "footnote")


def is_in_normal_flow(self: Any) -> bool:
    """``Box.is_in_normal_flow`` (asked ~15,000 times for 200 lines), in one function instead of six: not
    floated, not a footnote, not absolutely positioned, not a running element or a note."""
    style = self.style
    if style["float"] in _NOT_IN_FLOW_FLOATS:
        return False
    position = style["position"]
    return not (position in ("absolute", "fixed") or position[0] == "running()" or position[0] == "note()")


class CachedProperty:
    """``functools.cached_property`` without its lock: Python 3.11's takes a lock on each first read of each
    object's property (Python 3.12 dropped it: it serialised every instance of the class), and the
    elements cssselect2 wraps for the cascade read ~6,000 of them per 200-line render. The value is
    computed by the same function and kept in the object's ``__dict__`` under the same name, as there."""

    def __init__(self, original: functools.cached_property[Any]) -> None:
        self.func, self.attrname, self.__doc__ = original.func, original.attrname, original.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.attrname] = self.func(instance)
        return value


def _cached_properties() -> list[tuple[type, str]]:
    return [
        (cls, name)
        for cls in (cssselect2.ElementWrapper, weasyprint.css.Style)
        for name, value in vars(cls).items()
        if isinstance(value, functools.cached_property)
    ]


def descendants(self: Any, placeholders: bool = False) -> Any:
    """``Box.descendants``: the box and its descendants in the same order (depth first, a box before its
    children, each box's children read when the walk reaches them), walked with a stack of iterators instead
    of one generator per box, each passing every item up through all its ancestors' (``yield from``)."""
    yield self
    stack = [iter(self.children)]
    while stack:
        for child in stack[-1]:
            if isinstance(child, _Box):
                yield child
                stack.append(iter(child.children))
                break
            if placeholders:  # a placeholder: its box's own walk, as WeasyPrint's asks it
                yield from child.descendants(placeholders)
            else:
                yield child
        else:
            stack.pop()


def _set(owner: Any, attribute: str, value: Any) -> None:
    if isinstance(owner, dict):
        owner[attribute] = value
    else:
        setattr(owner, attribute, value)


def _patch(label: str, owner: Any, attribute: str, faster: Any) -> None:
    """``faster`` in place of ``owner.attribute`` (or ``owner[attribute]`` for a dict), remembered under
    ``label`` to be put back."""
    original = owner[attribute] if isinstance(owner, dict) else vars(owner)[attribute]
    _set(owner, attribute, faster)
    _installed.append((label, owner, attribute, original, faster))


def _replace(label: str, original: Any, faster: Any) -> None:
    """``faster`` in place of ``original`` wherever a WeasyPrint module holds it by name."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("weasyprint") and module is not None:
            for attribute, value in list(vars(module).items()):
                if value is original:
                    _patch(label, module, attribute, faster)


def install() -> bool:
    """Install the faster functions (once; answers whether they are in place)."""
    if _installed:
        return True
    if not weasyprint.__version__.startswith(SUPPORTED):
        log.info("WeasyPrint %s: render speed-ups not installed (written for %s)", weasyprint.__version__, SUPPORTED)
        return False
    _replace("check_math", _check_math, check_math)
    _replace("resolve_percentages", percent.resolve_percentages, resolve_percentages)
    _replace("strut", _strut, strut)
    _replace("split_first_line", _split_first_line, split_first_line)
    _patch("layout_setup", _Layout, "setup", layout_setup)
    _replace("resolve_radii_percentages", _resolve_radii_percentages, resolve_radii_percentages)
    _replace("layout_box_backgrounds", _layout_box_backgrounds, layout_box_backgrounds)
    _replace("avoid_collisions", _avoid_collisions, avoid_collisions)
    _replace("collapse_table_borders", _collapse_table_borders, collapse_table_borders)
    _patch("descendants", _Box, "descendants", descendants)
    _patch("is_in_normal_flow", _Box, "is_in_normal_flow", is_in_normal_flow)
    for cls, name in _cached_properties():
        _patch("cached_property", cls, name, CachedProperty(vars(cls)[name]))
    _patch("computed_init", _ComputedStyle, "__init__", computed_init)
    _patch("anonymous_init", _AnonymousStyle, "__init__", anonymous_init)
    _patch("computed_missing", _ComputedStyle, "__missing__", computed_missing)
    for name, function in list(computed_values.PHYSICAL_FUNCTIONS.items()):
        _patch("physical", computed_values.PHYSICAL_FUNCTIONS, name, _remembered(function))
    return True


def uninstall() -> None:
    """WeasyPrint's own functions back (for the test comparing both)."""
    for _, owner, attribute, original, _ in reversed(_installed):
        _set(owner, attribute, original)
    _installed.clear()
