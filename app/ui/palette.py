"""Brolly's colours, light and dark, as Material 3 colour roles.

The roles are spelled out rather than generated from a seed colour so that their contrast
can be checked (tests/i18n/test_contrast.py holds every text colour to WCAG AA against
the backgrounds it is drawn on). Screens use roles (ft.Colors.ERROR), never fixed colours.
"""

from __future__ import annotations

LIGHT: dict[str, str] = {
    "primary": "#8E1B1B", "on_primary": "#FFFFFF",
    "primary_container": "#FFDAD6", "on_primary_container": "#410002",
    "secondary": "#6B4A47", "on_secondary": "#FFFFFF",
    "secondary_container": "#F7DDD9", "on_secondary_container": "#2C1513",
    "tertiary": "#665A2E", "on_tertiary": "#FFFFFF",
    "tertiary_container": "#F5E1A7", "on_tertiary_container": "#231B00",
    "error": "#B3261E", "on_error": "#FFFFFF",
    "error_container": "#F9DEDC", "on_error_container": "#410E0B",
    "surface": "#FFF8F7", "on_surface": "#231918", "on_surface_variant": "#534341",
    "surface_container_lowest": "#FFFFFF", "surface_container_low": "#FFF0EE",
    "surface_container": "#FCEAE8", "surface_container_high": "#F6E4E2",
    "surface_container_highest": "#F1DEDC",
    "outline": "#857371", "outline_variant": "#D8C2BF",
    "inverse_surface": "#392E2D", "on_inverse_surface": "#FFEDEA",
    "inverse_primary": "#FFB4AB",
}

DARK: dict[str, str] = {
    "primary": "#FFB4AB", "on_primary": "#690005",
    "primary_container": "#93000A", "on_primary_container": "#FFDAD6",
    "secondary": "#E7BDB8", "on_secondary": "#442927",
    "secondary_container": "#5D3F3C", "on_secondary_container": "#FFDAD6",
    "tertiary": "#DFC38C", "on_tertiary": "#3E2E04",
    "tertiary_container": "#574419", "on_tertiary_container": "#FCDFA6",
    "error": "#FFB4AB", "on_error": "#690005",
    "error_container": "#93000A", "on_error_container": "#FFDAD6",
    "surface": "#1A1110", "on_surface": "#F1DEDC", "on_surface_variant": "#D8C2BF",
    "surface_container_lowest": "#140C0B", "surface_container_low": "#231918",
    "surface_container": "#271D1C", "surface_container_high": "#322827",
    "surface_container_highest": "#3D3231",
    "outline": "#A08C8A", "outline_variant": "#534341",
    "inverse_surface": "#F1DEDC", "on_inverse_surface": "#392E2D",
    "inverse_primary": "#9C413A",
}

SURFACES = ("surface", "surface_container_lowest", "surface_container_low",
            "surface_container", "surface_container_high", "surface_container_highest")

# (text colour, background) pairs that appear on screen; text needs 4.5:1.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("on_primary", "primary"), ("on_primary_container", "primary_container"),
    ("on_secondary", "secondary"), ("on_secondary_container", "secondary_container"),
    ("on_tertiary", "tertiary"), ("on_tertiary_container", "tertiary_container"),
    ("on_error", "error"), ("on_error_container", "error_container"),
    ("on_inverse_surface", "inverse_surface"), ("inverse_primary", "inverse_surface"),
    *((text, surface) for text in ("on_surface", "on_surface_variant", "primary", "error")
      for surface in SURFACES),
)
# Borders and icons only need 3:1 against what surrounds them.
GRAPHIC_PAIRS: tuple[tuple[str, str], ...] = tuple(("outline", s) for s in SURFACES)
