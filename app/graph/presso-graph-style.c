/* presso-graph-style.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-graph"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include <math.h>

#include "presso-graph-style.h"

/* libadwaita's palette: darker shades on a light background, lighter ones on a dark one.
 * Neighbouring chambers get hues far apart; the fallbacks serve themes without the palette.
 * The chambers' numbers are written in these colours: in high contrast each one reaches at
 * least 4.5:1 against the view's background (the light palette's green is only 3.3:1 on
 * white), so the high-contrast colours are fixed here, darker or lighter than the palette's. */
static const struct {
  const char *light, *dark, *light_fallback, *dark_fallback, *hc_light, *hc_dark;
} hues[PRESSO_GRAPH_N_HUES] = {
  { "blue_4",   "blue_2",   "#1c71d8", "#62a0ea", "#1a5fb4", "#99c1f1" },
  { "orange_5", "orange_2", "#c64600", "#ffa348", "#a33b00", "#ffa348" },
  { "green_5",  "green_2",  "#26a269", "#57e389", "#0b6b3f", "#57e389" },
  { "purple_3", "purple_1", "#9141ac", "#dc8add", "#813d9c", "#dc8add" },
  { "red_4",    "red_1",    "#c01c28", "#f66151", "#a51d2d", "#ff8a7a" },
  { "brown_3",  "brown_1",  "#986a44", "#cdab8f", "#865e3c", "#cdab8f" },
  { "blue_5",   "yellow_2", "#1a5fb4", "#f8e45c", "#0e5a6b", "#f8e45c" },
  { "dark_2",   "light_4",  "#5e5c64", "#c0bfbc", "#3d3846", "#c0bfbc" },
};

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
lookup (GtkStyleContext *ctx,
        const char      *name,
        const char      *fallback,
        GdkRGBA         *out)
{
  if (!gtk_style_context_lookup_color (ctx, name, out))
    gdk_rgba_parse (out, fallback);
}

void
_presso_graph_style_load (PressoGraphStyle *style,
                          GtkWidget        *widget)
{
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  double luminance;

  gtk_style_context_get_color (ctx, &style->fg);
  /* A light foreground means a dark theme, whichever way it was chosen. */
  luminance = 0.2126 * style->fg.red + 0.7152 * style->fg.green + 0.0722 * style->fg.blue;
  style->dark = luminance > 0.5;
  style->high_contrast = adw_style_manager_get_high_contrast (adw_style_manager_get_default ());

  lookup (ctx, "view_bg_color", style->dark ? "#1e1e1e" : "#ffffff", &style->bg);
  lookup (ctx, "accent_color", style->dark ? "#78aeed" : "#1c71d8", &style->accent);
  /* accent_color is meant for text on the window background; in high contrast the outline
   * must stand out as much as text does. */
  if (style->high_contrast)
    style->accent = style->fg;

  style->dim = style->fg;
  style->dim.alpha *= style->high_contrast ? 0.9 : 0.7;
  style->grid = style->fg;
  style->grid.alpha *= style->high_contrast ? 0.45 : 0.13;
  style->line_width = style->high_contrast ? 3.0 : 2.0;

  for (guint i = 0; i < PRESSO_GRAPH_N_HUES; i++)
    if (style->high_contrast)
      gdk_rgba_parse (&style->hue[i], style->dark ? hues[i].hc_dark : hues[i].hc_light);
    else
      lookup (ctx,
              style->dark ? hues[i].dark : hues[i].light,
              style->dark ? hues[i].dark_fallback : hues[i].light_fallback,
              &style->hue[i]);
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* Loads the colours and a text layout once, and again after the widget's CSS changed
 * (theme, dark or high-contrast switch, font). */
void
_presso_graph_style_ensure (PressoGraphStyle *style,
                            GtkWidget        *widget)
{
  if (style->loaded)
    return;

  _presso_graph_style_load (style, widget);
  g_clear_object (&style->layout);
  style->layout = gtk_widget_create_pango_layout (widget, NULL);
  style->loaded = TRUE;
}

void
_presso_graph_style_clear (PressoGraphStyle *style)
{
  g_clear_object (&style->layout);
  style->loaded = FALSE;
}

const GdkRGBA *
_presso_graph_style_chamber (const PressoGraphStyle *style,
                             guint                   chamber)
{
  return &style->hue[chamber % PRESSO_GRAPH_N_HUES];
}

const char *
_presso_graph_garment_name (guint8 garment)
{
  switch (garment)
    {
    case PRESSO_PROTO_GARMENT_BOOT_LEFT:
      return _("Left boot");
    case PRESSO_PROTO_GARMENT_BOOT_RIGHT:
      return _("Right boot");
    case PRESSO_PROTO_GARMENT_SLEEVE_LEFT:
      return _("Left sleeve");
    case PRESSO_PROTO_GARMENT_SLEEVE_RIGHT:
      return _("Right sleeve");
    case PRESSO_PROTO_GARMENT_BELT:
      return _("Belt");
    default:
      return _("Garment");
    }
}

/* For narrow layouts: a few letters, still words rather than a colour. */
const char *
_presso_graph_garment_short_name (guint8 garment)
{
  switch (garment)
    {
    case PRESSO_PROTO_GARMENT_BOOT_LEFT:
      /* Translators: short for "Left boot", under a narrow drawing of the garment */
      return C_("garment", "L boot");
    case PRESSO_PROTO_GARMENT_BOOT_RIGHT:
      return C_("garment", "R boot");
    case PRESSO_PROTO_GARMENT_SLEEVE_LEFT:
      return C_("garment", "L arm");
    case PRESSO_PROTO_GARMENT_SLEEVE_RIGHT:
      return C_("garment", "R arm");
    case PRESSO_PROTO_GARMENT_BELT:
      return C_("garment", "Belt");
    default:
      return C_("garment", "Other");
    }
}

/* Copies the outlets that make sense (chambers within the protocol's 32), returns how many. */
guint
_presso_graph_outlets_copy (presso_proto_outlet       *dest,
                            const presso_proto_outlet *outlets,
                            guint                      n_outlets)
{
  guint n = 0;

  for (guint i = 0; i < n_outlets && n < PRESSO_PROTO_MAX_OUTLETS; i++)
    {
      if (outlets[i].n_chambers == 0 ||
          (guint) outlets[i].first_chamber + outlets[i].n_chambers > PRESSO_PROTO_MAX_CHAMBERS)
        continue;
      dest[n++] = outlets[i];
    }

  return n;
}

/* A pressure rounded to the whole mmHg shown on screen.  Sensor noise around an empty chamber
 * reads a little below zero; printf would show that as "-0 mmHg". */
double
_presso_graph_display_mmhg (double mmhg)
{
  double rounded = round (mmhg);

  return rounded == 0 ? 0 : rounded;
}
