/* presso-garment-view.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One column per garment, its chambers as bands from distal (bottom) to proximal (top), all
 * bands the same height so that chambers of different garments line up.  A band fills from its
 * bottom in proportion to the chamber's latest pressure over the full scale, with a dashed mark
 * at its target.  Nothing relies on colour alone: each band says its number and pressure, the
 * active chamber has a thick outline and an arrow, a skipped chamber is hatched and says so.
 */

#define G_LOG_DOMAIN "presso-graph"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "presso-garment-view-private.h"
#include "presso-graph-style.h"

#define MAX_CHAMBERS  PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS
#define PAD           6.0
#define MARKER_W      14.0
#define MAX_COLUMN_W  150.0
#define MAX_BAND_H    44.0

struct _PressoGarmentView
{
  GtkWidget           parent_instance;

  PressoSampleBuffer *buffer;
  gulong              changed_id;
  presso_proto_outlet outlets[PRESSO_PROTO_MAX_OUTLETS];
  guint               n_outlets;
  guint               skipped;
  double              full_scale;

  PressoGraphStyle    style;
  gboolean            redraw_pending;

  guint               description_id;
  guint64             description_rows;
  char               *description;
};

enum {
  PROP_0,
  PROP_BUFFER,
  PROP_SKIPPED_CHAMBERS,
  PROP_FULL_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PressoGarmentView, presso_garment_view, GTK_TYPE_WIDGET)

static gboolean
outlet_in_use (PressoGarmentView         *self,
               const presso_proto_outlet *outlet)
{
  for (guint k = 0; k < outlet->n_chambers; k++)
    if (!(self->skipped & (1u << (outlet->first_chamber + k))))
      return TRUE;
  return FALSE;
}

/* The garments shown: the outlets given that the program uses (a garment all of whose
 * chambers are skipped is not worn: it is left out), or one unnamed garment with every
 * chamber. */
static guint
get_garments (PressoGarmentView   *self,
              presso_proto_outlet *out)
{
  if (self->n_outlets > 0)
    {
      guint n = 0;

      for (guint i = 0; i < self->n_outlets; i++)
        if (outlet_in_use (self, &self->outlets[i]))
          out[n++] = self->outlets[i];
      if (n > 0)
        return n;
      memcpy (out, self->outlets, self->n_outlets * sizeof out[0]);
      return self->n_outlets;
    }
  if (self->buffer == NULL)
    return 0;

  out[0].garment = PRESSO_PROTO_GARMENT_NONE;
  out[0].first_chamber = 0;
  out[0].n_chambers = presso_sample_buffer_get_n_chambers (self->buffer);
  return 1;
}

static double
title_height (PressoGarmentView *self)
{
  int th;

  _presso_graph_style_ensure (&self->style, GTK_WIDGET (self));
  pango_layout_set_text (self->style.layout, "Ag", -1);
  pango_layout_get_pixel_size (self->style.layout, NULL, &th);
  return th + PAD;
}

typedef struct {
  double x0, col_w, band_h, bottom;
} Geometry;

static gboolean
compute_geometry (PressoGarmentView         *self,
                  const presso_proto_outlet *garments,
                  guint                      n,
                  int                        width,
                  int                        height,
                  Geometry                  *g)
{
  guint max_ch = 0;
  double total;

  for (guint i = 0; i < n; i++)
    max_ch = MAX (max_ch, garments[i].n_chambers);
  if (n == 0 || max_ch == 0)
    return FALSE;

  g->col_w = MIN ((width - PAD * (n + 1)) / n, MAX_COLUMN_W);
  g->bottom = height - title_height (self) - PAD;
  g->band_h = MIN ((g->bottom - PAD) / max_ch, MAX_BAND_H);
  /* Bands at their tallest leave room over: the garments sit in the middle, beside the
   * graph's curves, not under an empty space. */
  g->bottom -= floor ((g->bottom - PAD - max_ch * g->band_h) / 2);
  total = n * g->col_w + (n - 1) * PAD;
  g->x0 = (width - total) / 2;

  return g->col_w > MARKER_W + 8 && g->band_h >= 4;
}

static void
band_rect (const Geometry  *g,
           guint            garment,
           guint            index,
           graphene_rect_t *r)
{
  double x = g->x0 + garment * (g->col_w + PAD) + MARKER_W;

  graphene_rect_init (r, x, g->bottom - (index + 1) * g->band_h + 1.5,
                      g->col_w - MARKER_W, g->band_h - 3);
}

static void
rounded_rect (cairo_t               *cr,
              const graphene_rect_t *r,
              double                 radius)
{
  double x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;

  radius = MIN (radius, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static double
scale_mmhg (PressoGarmentView *self,
            const gint16      *target,
            guint              nc)
{
  double top = 0;

  if (self->full_scale > 0)
    return self->full_scale;

  /* Follow the program: the highest target fills four fifths of a band. */
  for (guint c = 0; c < nc; c++)
    top = MAX (top, target[c] / 10.0);
  return MAX (ceil (top * 1.25 / 10) * 10, 20);
}

/* @widest: the longest text the band holds in the long form at usual pressures; when it does
 * not fit the short form is used, whatever the pressure, so that the bands of a garment read
 * alike (and when the long text itself does not fit, too). */
static void
draw_label (PressoGarmentView     *self,
            cairo_t               *cr,
            const graphene_rect_t *r,
            const char            *widest,
            const char            *long_text,
            const char            *short_text)
{
  int tw, th;
  double x, y;
  graphene_rect_t pill;

  pango_layout_set_text (self->style.layout, widest, -1);
  pango_layout_get_pixel_size (self->style.layout, &tw, &th);
  if (tw + 2 * PAD <= r->size.width)
    {
      pango_layout_set_text (self->style.layout, long_text, -1);
      pango_layout_get_pixel_size (self->style.layout, &tw, &th);
    }
  if (tw + 2 * PAD > r->size.width)
    {
      pango_layout_set_text (self->style.layout, short_text, -1);
      pango_layout_get_pixel_size (self->style.layout, &tw, &th);
    }
  if (th > r->size.height + 4)
    return;

  x = r->origin.x + PAD / 2 + 2;
  y = r->origin.y + (r->size.height - th) / 2;
  /* a solid backdrop keeps the text readable over any fill, and over the hatching of a
   * skipped chamber */
  graphene_rect_init (&pill, x - 2, y, MIN (tw + 4, r->size.width - PAD / 2), th);
  rounded_rect (cr, &pill, 3);
  gdk_cairo_set_source_rgba (cr, &self->style.bg);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &self->style.fg);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, self->style.layout);
}

static void
draw_band (PressoGarmentView     *self,
           cairo_t               *cr,
           const graphene_rect_t *r,
           guint                  chamber,
           guint                  last_chamber,
           double                 measured,
           double                 target,
           double                 scale,
           gboolean               active,
           gboolean               skipped)
{
  const GdkRGBA *color = _presso_graph_style_chamber (&self->style, chamber);
  double x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;
  g_autofree char *long_text = NULL;
  g_autofree char *short_text = NULL;
  g_autofree char *widest = NULL;

  rounded_rect (cr, r, 4);
  gdk_cairo_set_source_rgba (cr, &self->style.bg);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_clip (cr);

  if (skipped)
    {
      /* hatched: this chamber is not used by the program */
      gdk_cairo_set_source_rgba (cr, &self->style.dim);
      cairo_set_line_width (cr, 1);
      for (double d = -h; d < w; d += 7)
        {
          cairo_move_to (cr, x + d, y + h);
          cairo_line_to (cr, x + d + h, y);
        }
      cairo_stroke (cr);
      /* Translators: a chamber the program does not use; %u is its number */
      long_text = g_strdup_printf (_("%u: skipped"), chamber + 1);
      /* Translators: a skipped chamber in a narrow drawing: its number, a dash */
      short_text = g_strdup_printf (C_("garment band", "%u: –"), chamber + 1);
      widest = g_strdup (long_text);
    }
  else
    {
      double frac = CLAMP (measured / scale, 0, 1);

      cairo_rectangle (cr, x, y + h * (1 - frac), w, h * frac);
      cairo_set_source_rgba (cr, color->red, color->green, color->blue,
                             self->style.high_contrast ? 1.0 : 0.75);
      cairo_fill (cr);

      if (target > 0)
        {
          static const double dash[] = { 4, 3 };
          double ty = round (y + h * (1 - CLAMP (target / scale, 0, 1))) + 0.5;

          gdk_cairo_set_source_rgba (cr, &self->style.fg);
          cairo_set_line_width (cr, 1.5);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
          cairo_move_to (cr, x, ty);
          cairo_line_to (cr, x + w, ty);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      /* Translators: chamber number and its pressure, inside the garment drawing */
      long_text = g_strdup_printf (_("%u: %.0f mmHg"), chamber + 1,
                                   _presso_graph_display_mmhg (measured));
      /* Translators: chamber number and its pressure in a narrow drawing, without the unit */
      short_text = g_strdup_printf (C_("garment band", "%u: %.0f"), chamber + 1,
                                    _presso_graph_display_mmhg (measured));
      widest = g_strdup_printf (_("%u: %.0f mmHg"), last_chamber + 1, 88.0);
    }
  cairo_restore (cr);
  cairo_new_path (cr);

  draw_label (self, cr, r, widest, long_text, short_text);

  /* outline; the active chamber: thick accent outline and an arrow pointing at it */
  if (active)
    {
      graphene_rect_t in;
      double my = y + h / 2, mh = MIN (h, MARKER_W) / 2;

      graphene_rect_inset_r (r, 1.5, 1.5, &in);
      rounded_rect (cr, &in, 3);
      gdk_cairo_set_source_rgba (cr, &self->style.accent);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);

      cairo_move_to (cr, x - MARKER_W + 1, my - mh);
      cairo_line_to (cr, x - 2, my);
      cairo_line_to (cr, x - MARKER_W + 1, my + mh);
      cairo_close_path (cr);
      gdk_cairo_set_source_rgba (cr, &self->style.fg);
      cairo_fill (cr);
    }
  else
    {
      graphene_rect_t in;

      graphene_rect_inset_r (r, 0.5, 0.5, &in);
      rounded_rect (cr, &in, 4);
      gdk_cairo_set_source_rgba (cr, &self->style.dim);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
}

static void
update_description (PressoGarmentView *self)
{
  presso_proto_outlet garments[PRESSO_PROTO_MAX_OUTLETS];
  gint16 measured[MAX_CHAMBERS];
  guint8 active = PRESSO_SAMPLE_BUFFER_NO_CHAMBER;
  guint n = get_garments (self, garments), nc;
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->buffer == NULL ||
      !presso_sample_buffer_get_latest (self->buffer, NULL, measured, NULL, &active))
    {
      g_string_assign (text, _("No pressure readings yet"));
    }
  else
    {
      nc = presso_sample_buffer_get_n_chambers (self->buffer);
      for (guint i = 0; i < n; i++)
        {
          if (text->len > 0)
            g_string_append (text, ". ");
          if (garments[i].garment != PRESSO_PROTO_GARMENT_NONE)
            g_string_append_printf (text, "%s: ", _presso_graph_garment_name (garments[i].garment));
          for (guint k = 0; k < garments[i].n_chambers; k++)
            {
              guint c = garments[i].first_chamber + k;

              if (c >= nc)
                break;
              if (k > 0)
                g_string_append (text, ", ");
              if (self->skipped & (1u << c))
                g_string_append_printf (text, _("chamber %u skipped"), c + 1);
              else
                /* Translators: the garment view read out to a screen reader */
                g_string_append_printf (text, _("chamber %u %.0f mmHg"), c + 1,
                                        _presso_graph_display_mmhg (measured[c] / 10.0));
            }
        }
      if (active < nc)
        {
          g_string_append (text, ". ");
          g_string_append_printf (text, _("Inflating chamber %u"), active + 1);
        }
    }

  if (g_strcmp0 (text->str, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static gboolean
description_tick_cb (gpointer user_data)
{
  PressoGarmentView *self = user_data;
  guint64 rows = self->buffer != NULL ? presso_sample_buffer_get_n_appended (self->buffer) : 0;

  if (rows != self->description_rows)
    {
      self->description_rows = rows;
      update_description (self);
    }

  return G_SOURCE_CONTINUE;
}

static void
on_buffer_changed_cb (PressoGarmentView  *self,
                      PressoSampleBuffer *buffer)
{
  if (self->redraw_pending)
    return;
  self->redraw_pending = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
presso_garment_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  presso_proto_outlet garments[PRESSO_PROTO_MAX_OUTLETS];
  gint16 measured[MAX_CHAMBERS] = { 0 }, target[MAX_CHAMBERS] = { 0 };
  guint8 active = PRESSO_SAMPLE_BUFFER_NO_CHAMBER;
  guint n, nc = 0;
  gboolean has_data = FALSE;
  double scale;
  Geometry g;
  cairo_t *cr;

  self->redraw_pending = FALSE;
  _presso_graph_style_ensure (&self->style, GTK_WIDGET (self));

  n = get_garments (self, garments);
  if (!compute_geometry (self, garments, n, width, height, &g))
    return;

  if (self->buffer != NULL)
    {
      nc = presso_sample_buffer_get_n_chambers (self->buffer);
      has_data = presso_sample_buffer_get_latest (self->buffer, NULL, measured, target, &active);
    }
  scale = scale_mmhg (self, target, nc);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < n; i++)
    {
      const char *title = _presso_graph_garment_name (garments[i].garment);
      double cx = g.x0 + i * (g.col_w + PAD) + MARKER_W;
      int tw, th;

      for (guint k = 0; k < garments[i].n_chambers; k++)
        {
          guint c = garments[i].first_chamber + k;
          graphene_rect_t r;

          band_rect (&g, i, k, &r);
          draw_band (self, cr, &r, c,
                     garments[i].first_chamber + garments[i].n_chambers - 1,
                     c < nc ? measured[c] / 10.0 : 0, c < nc ? target[c] / 10.0 : 0, scale,
                     has_data && c == active, (self->skipped & (1u << c)) != 0);
        }

      if (garments[i].garment == PRESSO_PROTO_GARMENT_NONE)
        continue;
      pango_layout_set_text (self->style.layout, title, -1);
      pango_layout_get_pixel_size (self->style.layout, &tw, &th);
      if (tw > g.col_w - MARKER_W)
        {
          pango_layout_set_text (self->style.layout,
                                 _presso_graph_garment_short_name (garments[i].garment), -1);
          pango_layout_get_pixel_size (self->style.layout, &tw, &th);
        }
      gdk_cairo_set_source_rgba (cr, &self->style.fg);
      cairo_move_to (cr, cx + (g.col_w - MARKER_W - tw) / 2, g.bottom + PAD);
      pango_cairo_show_layout (cr, self->style.layout);
    }
  cairo_destroy (cr);
}

static void
presso_garment_view_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (widget);
  presso_proto_outlet garments[PRESSO_PROTO_MAX_OUTLETS];
  guint n = get_garments (self, garments), max_ch = 1;

  for (guint i = 0; i < n; i++)
    max_ch = MAX (max_ch, garments[i].n_chambers);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (n, 1) * (MARKER_W + 40 + PAD) + PAD;
      /* room for "12: 40 mmHg" in each band, and no more: the graph needs the width */
      *natural = MAX (n, 1) * (MARKER_W + 100 + PAD) + PAD;
    }
  else
    {
      double th = title_height (self);

      *minimum = max_ch * 16 + th + 2 * PAD;
      *natural = max_ch * 32 + th + 2 * PAD;
    }
}

static void
presso_garment_view_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (widget);

  GTK_WIDGET_CLASS (presso_garment_view_parent_class)->css_changed (widget, change);

  self->style.loaded = FALSE;
  gtk_widget_queue_draw (widget);
}

static void
presso_garment_view_map (GtkWidget *widget)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (widget);

  GTK_WIDGET_CLASS (presso_garment_view_parent_class)->map (widget);

  update_description (self);
  if (self->description_id == 0)
    self->description_id = g_timeout_add_seconds (1, description_tick_cb, self);
}

static void
presso_garment_view_unmap (GtkWidget *widget)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (widget);

  g_clear_handle_id (&self->description_id, g_source_remove);

  GTK_WIDGET_CLASS (presso_garment_view_parent_class)->unmap (widget);
}

static void
presso_garment_view_dispose (GObject *object)
{
  PressoGarmentView *self = (PressoGarmentView *)object;

  g_clear_handle_id (&self->description_id, g_source_remove);
  g_clear_signal_handler (&self->changed_id, self->buffer);
  g_clear_object (&self->buffer);
  _presso_graph_style_clear (&self->style);

  G_OBJECT_CLASS (presso_garment_view_parent_class)->dispose (object);
}

static void
presso_garment_view_finalize (GObject *object)
{
  PressoGarmentView *self = (PressoGarmentView *)object;

  g_free (self->description);

  G_OBJECT_CLASS (presso_garment_view_parent_class)->finalize (object);
}

static void
presso_garment_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUFFER:
      g_value_set_object (value, self->buffer);
      break;
    case PROP_SKIPPED_CHAMBERS:
      g_value_set_uint (value, self->skipped);
      break;
    case PROP_FULL_SCALE:
      g_value_set_double (value, self->full_scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_garment_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PressoGarmentView *self = PRESSO_GARMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUFFER:
      presso_garment_view_set_buffer (self, g_value_get_object (value));
      break;
    case PROP_SKIPPED_CHAMBERS:
      presso_garment_view_set_skipped_chambers (self, g_value_get_uint (value));
      break;
    case PROP_FULL_SCALE:
      presso_garment_view_set_full_scale (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_garment_view_class_init (PressoGarmentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = presso_garment_view_dispose;
  object_class->finalize = presso_garment_view_finalize;
  object_class->get_property = presso_garment_view_get_property;
  object_class->set_property = presso_garment_view_set_property;

  widget_class->snapshot = presso_garment_view_snapshot;
  widget_class->measure = presso_garment_view_measure;
  widget_class->css_changed = presso_garment_view_css_changed;
  widget_class->map = presso_garment_view_map;
  widget_class->unmap = presso_garment_view_unmap;

  /**
   * PressoGarmentView:buffer:
   *
   * The samples whose newest row is shown.
   */
  properties[PROP_BUFFER] =
    g_param_spec_object ("buffer", NULL, NULL,
                         PRESSO_TYPE_SAMPLE_BUFFER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PressoGarmentView:skipped-chambers:
   *
   * Bit i set: chamber i is not used by the program (zone skip, or a chamber past the
   * program's count) and is drawn hatched; garments none of whose chambers are used are
   * left out.
   */
  properties[PROP_SKIPPED_CHAMBERS] =
    g_param_spec_uint ("skipped-chambers", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PressoGarmentView:full-scale:
   *
   * The pressure (mmHg) that fills a band, or 0 to follow the highest target.
   */
  properties[PROP_FULL_SCALE] =
    g_param_spec_double ("full-scale", NULL, NULL,
                         0, 1000, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "garmentview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
presso_garment_view_init (PressoGarmentView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Garments and chamber pressures"),
                                  -1);
  update_description (self);
}

/**
 * presso_garment_view_new:
 *
 * Returns: (transfer floating): an empty garment view
 */
GtkWidget *
presso_garment_view_new (void)
{
  return g_object_new (PRESSO_TYPE_GARMENT_VIEW, NULL);
}

/**
 * presso_garment_view_get_buffer:
 *
 * Returns: (transfer none) (nullable): the buffer shown
 */
PressoSampleBuffer *
presso_garment_view_get_buffer (PressoGarmentView *self)
{
  g_return_val_if_fail (PRESSO_IS_GARMENT_VIEW (self), NULL);

  return self->buffer;
}

/**
 * presso_garment_view_set_buffer:
 * @buffer: (nullable): the samples; the view shows the newest row
 */
void
presso_garment_view_set_buffer (PressoGarmentView  *self,
                                PressoSampleBuffer *buffer)
{
  g_return_if_fail (PRESSO_IS_GARMENT_VIEW (self));
  g_return_if_fail (buffer == NULL || PRESSO_IS_SAMPLE_BUFFER (buffer));

  if (self->buffer == buffer)
    return;

  g_clear_signal_handler (&self->changed_id, self->buffer);
  g_set_object (&self->buffer, buffer);
  if (buffer != NULL)
    self->changed_id = g_signal_connect_swapped (buffer, "changed",
                                                 G_CALLBACK (on_buffer_changed_cb), self);
  self->description_rows = 0;
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUFFER]);
}

/**
 * presso_garment_view_set_outlets:
 * @outlets: (array length=n_outlets): the device's outlets, from its identity: garment kind
 *   and chamber range, distal chamber first
 * @n_outlets: how many, at most %PRESSO_PROTO_MAX_OUTLETS
 *
 * Sets the garments drawn, left to right in the order given.  The array is copied.  Without
 * outlets the view draws one unnamed garment holding every chamber of the buffer.
 */
void
presso_garment_view_set_outlets (PressoGarmentView         *self,
                                 const presso_proto_outlet *outlets,
                                 guint                      n_outlets)
{
  g_return_if_fail (PRESSO_IS_GARMENT_VIEW (self));
  g_return_if_fail (n_outlets == 0 || outlets != NULL);

  self->n_outlets = _presso_graph_outlets_copy (self->outlets, outlets, n_outlets);
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
presso_garment_view_get_skipped_chambers (PressoGarmentView *self)
{
  g_return_val_if_fail (PRESSO_IS_GARMENT_VIEW (self), 0);

  return self->skipped;
}

/**
 * presso_garment_view_set_skipped_chambers:
 * @mask: bit i set when chamber i is skipped by the program (its chamber_mask bit is clear)
 *
 * A skipped chamber is drawn hatched; a garment whose chambers are all skipped is not worn
 * and is left out (unless no garment is left).
 */
void
presso_garment_view_set_skipped_chambers (PressoGarmentView *self,
                                          guint              mask)
{
  g_return_if_fail (PRESSO_IS_GARMENT_VIEW (self));

  if (self->skipped == mask)
    return;

  self->skipped = mask;
  update_description (self);
  /* garments may come or go */
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIPPED_CHAMBERS]);
}

double
presso_garment_view_get_full_scale (PressoGarmentView *self)
{
  g_return_val_if_fail (PRESSO_IS_GARMENT_VIEW (self), 0);

  return self->full_scale;
}

/**
 * presso_garment_view_set_full_scale:
 * @mmhg: pressure that fills a band (e.g. the client's cap), or 0 to follow the targets
 */
void
presso_garment_view_set_full_scale (PressoGarmentView *self,
                                    double             mmhg)
{
  g_return_if_fail (PRESSO_IS_GARMENT_VIEW (self));

  mmhg = MAX (mmhg, 0);
  if (self->full_scale == mmhg)
    return;

  self->full_scale = mmhg;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FULL_SCALE]);
}

gboolean
_presso_garment_view_get_band (PressoGarmentView *self,
                               guint              chamber,
                               graphene_rect_t   *band)
{
  presso_proto_outlet garments[PRESSO_PROTO_MAX_OUTLETS] = { { 0 } };
  guint n = get_garments (self, garments);
  Geometry g;

  if (!compute_geometry (self, garments, n, gtk_widget_get_width (GTK_WIDGET (self)),
                         gtk_widget_get_height (GTK_WIDGET (self)), &g))
    return FALSE;

  for (guint i = 0; i < n; i++)
    if (chamber >= garments[i].first_chamber &&
        chamber < (guint) garments[i].first_chamber + garments[i].n_chambers)
      {
        band_rect (&g, i, chamber - garments[i].first_chamber, band);
        return TRUE;
      }

  return FALSE;
}

const char *
_presso_garment_view_get_description (PressoGarmentView *self)
{
  return self->description;
}

void
_presso_garment_view_update_description (PressoGarmentView *self)
{
  update_description (self);
}
