/* presso-graph-style.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the pressure graph and the garment view share: theme colours read from the widget's
 * style (light, dark, high contrast), each chamber's colour, garment names.  Internal to
 * app/graph/.
 */
#pragma once

#include <gtk/gtk.h>

#include "presso-proto.h"

G_BEGIN_DECLS

#define PRESSO_GRAPH_N_HUES 8

typedef struct {
  GdkRGBA  fg;             /* text and outlines */
  GdkRGBA  bg;             /* the view's background, for label backdrops */
  GdkRGBA  dim;            /* secondary text */
  GdkRGBA  grid;           /* grid lines */
  GdkRGBA  accent;         /* the active chamber's outline and marker */
  GdkRGBA  hue[PRESSO_GRAPH_N_HUES];
  gboolean dark;
  gboolean high_contrast;
  double   line_width;     /* measured curves */
  gboolean loaded;         /* cleared when the widget's CSS changes */
  PangoLayout *layout;     /* in the widget's font */
} PressoGraphStyle;

void         _presso_graph_style_load          (PressoGraphStyle         *style,
                                                GtkWidget                *widget);
void         _presso_graph_style_ensure        (PressoGraphStyle         *style,
                                                GtkWidget                *widget);
void         _presso_graph_style_clear         (PressoGraphStyle         *style);
const GdkRGBA *_presso_graph_style_chamber     (const PressoGraphStyle   *style,
                                                guint                     chamber);
const char  *_presso_graph_garment_name        (guint8                    garment);
const char  *_presso_graph_garment_short_name  (guint8                    garment);
guint        _presso_graph_outlets_copy        (presso_proto_outlet      *dest,
                                                const presso_proto_outlet *outlets,
                                                guint                     n_outlets);
double       _presso_graph_display_mmhg        (double                    mmhg);

G_END_DECLS
