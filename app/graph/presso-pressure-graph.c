/* presso-pressure-graph.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each frame reduces the visible window of the sample buffer to one min/max per device pixel
 * column (cheap whatever the window, see presso-sample-buffer.c), rasterises the curves into an
 * image surface and adds labels with cairo; the static frame, mmHg grid and legend are drawn
 * once into a render node and reused until the size, the scale or the theme changes.  Columns
 * are aligned to the session's start, so that a scrolling window keeps the reduced columns it
 * already has and reduces only those that gained rows; the curves' pixel columns are kept
 * likewise.  Text layouts are kept per string.  The buffer's "changed" signal queues at most
 * one redraw per frame.  Chambers are told apart without colour by the number at each curve's
 * right end and in the hover readout, and by their garment's line pattern (solid, dashed,
 * dotted, dash-dotted, in the order of the device's outlets) in the curves, legend and readout.
 */

#define G_LOG_DOMAIN "presso-graph"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "presso-graph-style.h"
#include "presso-pressure-graph-private.h"

#define MAX_CHAMBERS   PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS
#define ALL_CHAMBERS   0xFFFFFFFFu
/* Columns further apart than this are not joined: the telemetry stopped in between. */
#define MAX_GAP_MS     500
#define PAD            6.0
#define GUTTER         16.0     /* room for the end labels' leaders */

typedef struct {
  /* plot rectangle, in widget coordinates */
  double  x, y, w, h;
  double  line_h;        /* height of a line of text */
  double  y_max;         /* mmHg at the top of the plot */
  double  y_step;        /* mmHg between grid lines */
  gint64  t0, t1;        /* window shown, ms of the buffer's clock */
  gint64  t_first;       /* session's first row (even once dropped): labels count from it */
  gint64  span;          /* ms that n_cols columns cover */
  gint64  k0;            /* absolute index of column 0: column k spans [edge (k), edge (k + 1)) */
  guint   n_cols;
  gboolean has_data;
  gboolean has_targets;  /* a target is drawn (a replayed record has none) */
} Layout;

typedef struct {
  guint  chamber;
  double y, height;      /* the number's box, widget coordinates */
  double curve_y;        /* where its curve ends */
} PlacedLabel;

struct _PressoPressureGraph
{
  GtkWidget           parent_instance;

  PressoSampleBuffer *buffer;
  gulong              changed_id;
  PressoGraphWindow   window;
  guint               visible;
  double              max_pressure;
  presso_proto_outlet outlets[PRESSO_PROTO_MAX_OUTLETS];
  guint               n_outlets;

  PressoGraphStyle    style;

  Layout              lay;
  PressoSampleColumn *cols;
  guint              *counts;
  guint               cols_alloc;
  gint64             *edges;          /* n_cols + 1 column edges */
  gboolean            draw_raw;

  /* The reduced columns are aligned to absolute time, so a scrolling window shifts them:
   * only the columns that gained rows (or lost them to the ring) are reduced again. */
  gboolean            no_caching;
  gboolean            cols_valid;
  guint               cols_n, cols_nc;
  gint64              cols_span, cols_origin, cols_k0, cols_first;
  guint64             cols_appended;
  gint64              cols_last_col;   /* absolute column of the newest row reduced */
  guint64             n_reduced;       /* columns reduced since the widget was made */
  guint64             cols_serial;     /* reductions done */
  guint               changed_lo;      /* columns [0, changed_lo) and [changed_hi, n_cols) */
  guint               changed_hi;      /* changed in the last reduction */

  GHashTable         *layouts;        /* text → PangoLayout, in the widget's font */
  cairo_surface_t    *plot;           /* the curves in device pixels, when not drawn in place */
  int                 plot_scale;

  /* The curves, rasterised column by column (one screen column is contiguous): a ring of
   * n_cols columns in which window column x is at (x + raster_ring) mod n_cols, so that a
   * scrolling window redraws only the columns that changed. */
  guint32            *raster;
  gsize               raster_alloc;
  gboolean            raster_valid;
  guint               raster_n, raster_ring, raster_visible, raster_nc;
  guint               raster_end;      /* window columns from here on hold no pixels */
  int                 raster_h;
  double              raster_y_max;
  gint64              raster_k0;
  guint64             raster_serial;
  guint64             n_rasterised;   /* raster columns drawn since the widget was made */
  guint32            *gutter_px;      /* the end labels' leaders, column by column */
  gsize               gutter_alloc;
  cairo_surface_t    *gutter;

  GskRenderNode      *grid_node;
  int                 grid_w, grid_h;
  double              grid_y_max, grid_y_step;
  gboolean            grid_has_targets;

  gboolean            redraw_pending;
  guint               n_frames;
  PlacedLabel         placed[MAX_CHAMBERS];   /* the end labels of the last frame */
  guint               n_placed;
  double              hover_x, hover_y;

  guint               description_id;
  guint64             description_rows;
  char               *description;
};

enum {
  PROP_0,
  PROP_BUFFER,
  PROP_WINDOW,
  PROP_VISIBLE_CHAMBERS,
  PROP_MAX_PRESSURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (PressoGraphWindow, presso_graph_window,
  G_DEFINE_ENUM_VALUE (PRESSO_GRAPH_WINDOW_10S, "10s"),
  G_DEFINE_ENUM_VALUE (PRESSO_GRAPH_WINDOW_60S, "60s"),
  G_DEFINE_ENUM_VALUE (PRESSO_GRAPH_WINDOW_SESSION, "session"),
  G_DEFINE_ENUM_VALUE (PRESSO_GRAPH_WINDOW_RECORD, "record"))

G_DEFINE_FINAL_TYPE (PressoPressureGraph, presso_pressure_graph, GTK_TYPE_WIDGET)

/* Shaping a label costs more than drawing it: each text keeps its layout until the font
 * changes (a few hundred at most: hover readouts and elapsed times come and go). */
static PangoLayout *
get_layout (PressoPressureGraph *self,
            const char          *text)
{
  PangoLayout *layout = g_hash_table_lookup (self->layouts, text);

  if (layout == NULL)
    {
      if (g_hash_table_size (self->layouts) >= 512)
        g_hash_table_remove_all (self->layouts);
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      g_hash_table_insert (self->layouts, g_strdup (text), layout);
    }

  return layout;
}

static void
text_size (PressoPressureGraph *self,
           const char          *text,
           int                 *w,
           int                 *h)
{
  pango_layout_get_pixel_size (get_layout (self, text), w, h);
}

static void
show_text (PressoPressureGraph *self,
           cairo_t             *cr,
           const char          *text,
           double               x,
           double               y,
           const GdkRGBA       *color)
{
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, get_layout (self, text));
}

static gint64
window_ms (PressoPressureGraph *self)
{
  switch (self->window)
    {
    case PRESSO_GRAPH_WINDOW_10S:
      return 10000;
    case PRESSO_GRAPH_WINDOW_60S:
      return 60000;
    case PRESSO_GRAPH_WINDOW_SESSION:
    case PRESSO_GRAPH_WINDOW_RECORD:
    default:
      return 0;
    }
}

static gboolean
chamber_shown (PressoPressureGraph *self,
               guint                c)
{
  return (self->visible & (1u << c)) != 0;
}

static double
y_of (const Layout *lay,
      double        dmmhg)
{
  return lay->y + lay->h - dmmhg / 10.0 / lay->y_max * lay->h;
}

static double
x_of_time (const Layout *lay,
           gint64        t)
{
  return lay->x + (double) (t - lay->t0) / (double) (lay->t1 - lay->t0 + 1) * lay->w;
}

/* Columns are aligned to the session's start: column k spans [edge (k), edge (k + 1)). */
static inline gint64
column_edge (const Layout *lay,
             gint64        k)
{
  return lay->t_first + (k * lay->span + lay->n_cols - 1) / lay->n_cols;
}

static inline gint64
column_of (const Layout *lay,
           gint64        t)
{
  return (t - lay->t_first) * lay->n_cols / lay->span;
}

static void
reduce_range (PressoPressureGraph *self,
              guint                from,
              guint                to)
{
  const Layout *lay = &self->lay;
  guint nc = presso_sample_buffer_get_n_chambers (self->buffer);

  if (from >= to)
    return;
  for (guint i = from; i <= to; i++)
    self->edges[i] = column_edge (lay, lay->k0 + i);
  presso_sample_buffer_reduce_edges (self->buffer, self->edges + from, to - from,
                                     self->cols + (gsize) from * nc, self->counts + from);
  self->n_reduced += to - from;
}

/* Brings self->cols up to date for the window in self->lay: shifts what is still valid and
 * reduces the rest (all of it after a change of window, size, buffer or a clear). */
static void
reduce_columns (PressoPressureGraph *self,
                gint64               first,
                gint64               last)
{
  const Layout *lay = &self->lay;
  guint n = lay->n_cols;
  guint nc = presso_sample_buffer_get_n_chambers (self->buffer);
  guint64 appended = presso_sample_buffer_get_n_appended (self->buffer);
  guint dirty_from = 0, stale_to = 0, newest;

  if (self->cols_alloc < n * nc || self->cols_n != n)
    {
      if (self->cols_alloc < n * nc)
        {
          self->cols_alloc = n * nc;
          g_free (self->cols);
          g_free (self->counts);
          self->cols = g_new (PressoSampleColumn, self->cols_alloc);
          self->counts = g_new0 (guint, self->cols_alloc);
        }
      g_free (self->edges);
      self->edges = g_new (gint64, n + 1);
      self->cols_valid = FALSE;
    }

  if (self->no_caching)
    self->cols_valid = FALSE;
  if (self->cols_valid && self->cols_nc == nc && self->cols_span == lay->span &&
      self->cols_origin == lay->t_first && appended >= self->cols_appended &&
      lay->k0 >= self->cols_k0)
    {
      gint64 shift = lay->k0 - self->cols_k0;

      if (shift >= n)
        dirty_from = 0;
      else
        {
          if (shift > 0)
            {
              memmove (self->cols, self->cols + (gsize) shift * nc,
                       (gsize) (n - shift) * nc * sizeof *self->cols);
              memmove (self->counts, self->counts + shift, (gsize) (n - shift) * sizeof *self->counts);
            }
          /* rows arrive in time order: into the newest reduced column or after it */
          dirty_from = n - shift;
          if (appended > self->cols_appended)
            dirty_from = (guint) CLAMP (self->cols_last_col - lay->k0, 0, (gint64) dirty_from);
          /* rows the ring dropped: the columns up to the oldest row's change */
          if (first != self->cols_first)
            stale_to = (guint) CLAMP (column_of (lay, first) - lay->k0 + 1, 0, (gint64) dirty_from);
        }
    }

  /* the columns after the newest row's are empty */
  newest = (guint) CLAMP (column_of (lay, last) - lay->k0 + 1, 0, (gint64) n);
  if (newest < n)
    memset (self->counts + newest, 0, (n - newest) * sizeof *self->counts);
  reduce_range (self, 0, MIN (stale_to, newest));
  reduce_range (self, dirty_from, newest);
  self->changed_lo = stale_to;
  self->changed_hi = dirty_from;
  self->cols_serial++;

  self->cols_valid = TRUE;
  self->cols_n = n;
  self->cols_nc = nc;
  self->cols_span = lay->span;
  self->cols_origin = lay->t_first;
  self->cols_k0 = lay->k0;
  self->cols_first = first;
  self->cols_appended = appended;
  self->cols_last_col = column_of (lay, last);
}

/* Plot rectangle, window and the reduction of the window to one column per pixel. */
static void
prepare (PressoPressureGraph *self,
         int                  width,
         int                  height,
         int                  scale)
{
  Layout *lay = &self->lay;
  int tw, th, lw;
  gint64 first = 0, last = 0;
  double data_max = 0;
  static const double steps[] = { 5, 10, 20, 25, 50, 100 };

  _presso_graph_style_ensure (&self->style, GTK_WIDGET (self));

  text_size (self, "150", &lw, &th);
  lay->line_h = th;
  text_size (self, "32", &tw, &th);
  lay->x = lw + 2 * PAD;
  lay->y = th + 2 * PAD;                         /* legend */
  /* right of the plot: the leaders' gutter, then the chambers' numbers */
  lay->w = MAX (0, floor (width - lay->x - tw - GUTTER - 2 * PAD));
  lay->h = MAX (0, floor (height - lay->y - th - 1.5 * PAD));   /* time labels */
  lay->n_cols = (guint) lay->w * scale;
  lay->has_data = FALSE;
  lay->has_targets = FALSE;

  self->plot_scale = scale;

  if (self->buffer != NULL &&
      presso_sample_buffer_get_time_range (self->buffer, &first, &last))
    {
      gint64 span = window_ms (self);

      presso_sample_buffer_get_start_time (self->buffer, &lay->t_first);
      lay->has_data = TRUE;
      if (lay->n_cols > 0)
        {
          gint64 n = lay->n_cols, k;

          /* The session view's columns grow in steps of an eighth of a power of two of
           * milliseconds (the data then fills between 7/8 of the width and all of it), so that
           * they stay put, and cached, for minutes of a long session. */
          if (self->window == PRESSO_GRAPH_WINDOW_RECORD)
            /* a finished record: its own length, its first sample at the left edge */
            span = MAX (last - lay->t_first + 1, 1000);
          else if (span == 0)
            {
              gint64 ms = MAX ((last - first + n) / n, (10000 + n - 1) / n), q = 1;

              while (q * 16 <= ms)
                q *= 2;
              span = (ms + q - 1) / q * q * n;
            }
          lay->span = span;
          k = MAX (column_of (lay, last), column_of (lay, first) + n - 1);
          lay->k0 = k - n + 1;
          lay->t0 = column_edge (lay, lay->k0);
          lay->t1 = column_edge (lay, k + 1) - 1;
        }
      else
        {
          if (span == 0)
            span = MAX (last - first, 10000);
          lay->t1 = MAX (last, first + span);
          lay->t0 = lay->t1 - span;
        }
    }
  else
    {
      lay->t0 = 0;
      lay->t1 = window_ms (self) > 0 ? window_ms (self) : 10000;
      lay->t_first = 0;
    }

  if (lay->has_data && lay->n_cols > 0)
    {
      guint nc = presso_sample_buffer_get_n_chambers (self->buffer);

      reduce_columns (self, first, last);

      for (guint i = 0; i < lay->n_cols; i++)
        {
          const PressoSampleColumn *col = self->cols + (gsize) i * nc;

          if (self->counts[i] == 0)
            continue;
          for (guint c = 0; c < nc; c++)
            if (chamber_shown (self, c))
              {
                data_max = MAX (data_max, MAX (col[c].max_dmmhg, col[c].target_dmmhg) / 10.0);
                lay->has_targets |= col[c].target_dmmhg > 0;
              }
        }
    }

  /* The scale: fixed, or the data plus a margin, rounded to a grid step that leaves room for
   * the labels; at least 20 mmHg so that a vented garment does not magnify noise. */
  if (self->max_pressure > 0)
    data_max = self->max_pressure;
  else
    data_max = MAX (data_max * 1.08, 20);
  lay->y_step = steps[G_N_ELEMENTS (steps) - 1];
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (lay->h * steps[i] / data_max >= 1.8 * lay->line_h)
      {
        lay->y_step = steps[i];
        break;
      }
  lay->y_max = self->max_pressure > 0 ? self->max_pressure
                                      : ceil (data_max / lay->y_step) * lay->y_step;
}

static void
draw_empty_message (PressoPressureGraph *self,
                    cairo_t             *cr)
{
  const char *msg = _("No pressure readings yet");
  PangoLayout *layout = get_layout (self, msg);
  double width = MAX (self->lay.w - 12, 1);
  int tw, th;

  /* on as many lines as a narrow plot needs (longer in some languages), centred */
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gdk_cairo_set_source_rgba (cr, &self->style.dim);
  cairo_move_to (cr, self->lay.x + (self->lay.w - width) / 2, self->lay.y + (self->lay.h - th) / 2);
  pango_cairo_show_layout (cr, layout);
  pango_layout_set_width (layout, -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
}

/* Splits a time span into ticks at least min_px apart. */
static gint64
time_step_ms (const Layout *lay,
              double        min_px)
{
  static const gint64 steps[] = { 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000,
                                  300000, 600000, 900000, 1800000, 3600000 };
  double ms_per_px = (double) (lay->t1 - lay->t0 + 1) / MAX (lay->w, 1);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] / ms_per_px >= min_px)
      return steps[i];
  return steps[G_N_ELEMENTS (steps) - 1];
}

static void
format_elapsed (char   *buf,
                gsize   size,
                gint64  ms,
                gboolean tenths)
{
  gint64 s = MAX (ms, 0) / 1000;

  if (tenths)
    g_snprintf (buf, size, "%" G_GINT64_FORMAT ":%02d.%d",
                s / 60, (int) (s % 60), (int) (MAX (ms, 0) % 1000 / 100));
  else
    g_snprintf (buf, size, "%" G_GINT64_FORMAT ":%02d", s / 60, (int) (s % 60));
}

static void
draw_time_axis (PressoPressureGraph *self,
                cairo_t             *cr)
{
  const Layout *lay = &self->lay;
  int tw, th;
  gint64 step, t;
  char label[32];

  text_size (self, "00:00", &tw, &th);
  step = time_step_ms (lay, tw + 3 * PAD);

  /* Ticks at whole multiples of the step since the session's first row. */
  t = lay->t_first + ((lay->t0 - lay->t_first + step - 1) / step) * step;
  if (t < lay->t0)
    t += step;

  /* pixel-aligned rectangles take cairo's fast path, unlike strokes */
  for (gint64 u = t; u <= lay->t1; u += step)
    cairo_rectangle (cr, round (x_of_time (lay, u)), lay->y, 1, lay->h);
  gdk_cairo_set_source_rgba (cr, &self->style.grid);
  cairo_fill (cr);

  for (; t <= lay->t1; t += step)
    {
      double x = round (x_of_time (lay, t)) + 0.5;

      format_elapsed (label, sizeof label, t - lay->t_first, FALSE);
      text_size (self, label, &tw, &th);
      if (x - tw / 2.0 >= 0 && x + tw / 2.0 <= lay->x + lay->w + 2 * PAD)
        show_text (self, cr, label, x - tw / 2.0, lay->y + lay->h + PAD / 2, &self->style.dim);
    }
}

/* The reduced curves are rasterised straight into an image surface, one pixel column per
 * screen column: cairo's anti-aliased strokes of 32 polylines of 1280 points cost tens of ms a
 * frame, vertical runs of pixels cost a few.  Each chamber draws its columns' min..max band
 * joined into a continuous line, and its target as a thin dashed line underneath. */
typedef struct {
  guint32 *data;         /* column-major: a column is `height` contiguous pixels */
  int      width, height;
  int      ring;         /* window column x is stored at (x + ring) mod width */
  int      x_min, x_max; /* only columns x_min <= x < x_max are written */
  gint64   k0;           /* absolute index of window column 0 (for dash phases) */
  double   px_per_dmmhg;
  guint    pattern;      /* the measured curve's LinePattern */
  int      pattern_px;   /* device pixels per pattern unit */
} Raster;

/* Chambers are told apart without colour by their line: the chambers shown, in order, are
 * drawn solid, dashed, dotted, dash-dotted (then again), so that the chambers of one garment
 * (the ones that sit side by side and hold at the same pressure) never share a pattern with
 * their neighbours. */
typedef enum {
  PATTERN_SOLID,
  PATTERN_DASHED,
  PATTERN_DOTTED,
  PATTERN_DASH_DOT,
  N_PATTERNS
} LinePattern;

/* on and off lengths in units of a logical pixel, for cairo (the legend, the hover readout) */
static const double pattern_dashes[N_PATTERNS][4] = {
  { 0 },
  { 6, 3 },
  { 2, 2 },
  { 6, 2, 2, 2 },
};
static const int pattern_n_dashes[N_PATTERNS] = { 0, 2, 2, 4 };

static LinePattern
chamber_pattern (PressoPressureGraph *self,
                 guint                c)
{
  guint below = c > 0 ? self->visible & ((1u << c) - 1) : 0;

  return (LinePattern) (__builtin_popcount (below) % N_PATTERNS);
}

/* Whether absolute pixel column k is drawn by the pattern: dashes follow absolute time, so
 * they scroll with the curve. */
static inline gboolean
pattern_on (const Raster *r,
            gint64        k)
{
  gint64 u = k / r->pattern_px;

  switch (r->pattern)
    {
    case PATTERN_DASHED:
      return u % 9 < 6;
    case PATTERN_DOTTED:
      return u % 4 < 2;
    case PATTERN_DASH_DOT:
      return u % 12 < 6 || (u % 12 >= 8 && u % 12 < 10);
    case PATTERN_SOLID:
    default:
      return TRUE;
    }
}

static void
set_pattern (cairo_t     *cr,
             LinePattern  pattern)
{
  cairo_set_dash (cr, pattern_dashes[pattern], pattern_n_dashes[pattern], 0);
}

/* floor() for the plot's range, without a libm call per pixel run */
static inline int
floor_px (double v)
{
  return (int) (CLAMP (v, -4096.0, 65536.0) + 4096.0) - 4096;
}

static inline void
raster_span (const Raster *r,
             int           x,
             double        ya,
             double        yb,
             double        half,
             guint32       color)
{
  int y0 = floor_px (MIN (ya, yb) - half + 0.5);
  int y1 = floor_px (MAX (ya, yb) + half - 0.5);
  guint32 *p;
  int px;

  if (x < r->x_min || x >= r->x_max)
    return;
  if (r->pattern != PATTERN_SOLID && !pattern_on (r, r->k0 + x))
    return;
  px = x + r->ring;
  if (px >= r->width)
    px -= r->width;
  y0 = MAX (y0, 0);
  y1 = MIN (y1, r->height - 1);
  p = r->data + (gsize) px * r->height;
  for (int y = y0; y <= y1; y++)
    p[y] = color;
}

/* A join between two columns' peaks: a steep one is drawn as wide as the line is thick, so
 * that a pressure rising or falling reads as boldly as one holding. */
static inline void
raster_join (const Raster *r,
             int           x,
             double        ya,
             double        yb,
             double        half,
             guint32       color)
{
  raster_span (r, x, ya, yb, half, color);
  if (fabs (ya - yb) > 2 * half)
    for (int w = 1; w < (int) (2 * half); w++)
      raster_span (r, x - w, ya, yb, 0.5, color);
}

static guint32
premultiplied (const GdkRGBA *c)
{
  return 0xFF000000u |
         ((guint32) lround (CLAMP (c->red, 0, 1) * 255) << 16) |
         ((guint32) lround (CLAMP (c->green, 0, 1) * 255) << 8) |
         (guint32) lround (CLAMP (c->blue, 0, 1) * 255);
}

static inline double
raster_y (const Raster *r,
          double        dmmhg)
{
  return r->height - dmmhg * r->px_per_dmmhg;
}

static void
raster_chamber (PressoPressureGraph *self,
                const Raster        *raster,
                guint                c,
                guint                nc,
                double               scale,
                guint                k_start,
                guint                k_end)
{
  const Layout *lay = &self->lay;
  guint32 color = premultiplied (_presso_graph_style_chamber (&self->style, c));
  double ms_per_col = (double) (lay->t1 - lay->t0 + 1) / lay->n_cols;
  guint max_gap = MAX (1, (guint) (MAX_GAP_MS / ms_per_col));
  double half = MAX (1, round (self->style.line_width * scale)) / 2;
  double band_fill = 12 * scale;
  double prev_hi = 0;
  guint prev = G_MAXUINT;
  Raster pr = *raster;
  const Raster *r = &pr;

  pr.pattern = chamber_pattern (self, c);
  pr.pattern_px = (int) MAX (1, scale);

  for (guint k = k_start; k < k_end; k++)
    {
      const PressoSampleColumn *col;
      double hi, lo;

      if (self->counts[k] == 0)
        continue;
      col = &self->cols[(gsize) k * nc + c];
      hi = raster_y (r, col->max_dmmhg);
      lo = raster_y (r, col->min_dmmhg);

      /* The upper envelope (the peak, y grows downwards) is joined from the previous column,
       * across the empty ones in between.  A narrow band (sensor noise, a ramp) is filled; of
       * a wide one (a whole cycle in one column of the session view) only its ends are
       * marked: joining the lower envelope too would draw a comb of vertical strokes. */
      if (prev != G_MAXUINT && k == prev + 1)
        {
          /* the common case: one run from the previous peak through this column's band */
          if (lo - hi <= band_fill)
            {
              raster_join (r, k, prev_hi, hi, half, color);
              raster_span (r, k, hi, lo, half, color);
            }
          else
            {
              raster_span (r, k, prev_hi, hi, half, color);
              raster_span (r, k, lo, lo, half, color);
            }
        }
      else
        {
          if (prev != G_MAXUINT && k - prev <= max_gap)
            {
              double step = (hi - prev_hi) / (k - prev);

              for (guint j = prev + 1; j < k; j++)
                raster_join (r, j,
                             prev_hi + step * (j - 1 - prev), prev_hi + step * (j - prev),
                             half, color);
              raster_join (r, k, hi - step, hi, half, color);
            }
          if (lo - hi <= band_fill)
            raster_span (r, k, hi, lo, half, color);
          else
            {
              raster_span (r, k, hi, hi, half, color);
              raster_span (r, k, lo, lo, half, color);
            }
        }

      prev = k;
      prev_hi = hi;
    }
}

static void
raster_target (PressoPressureGraph *self,
               const Raster        *r,
               guint                c,
               guint                nc,
               double               scale,
               guint                k_start,
               guint                k_end)
{
  guint32 color = premultiplied (_presso_graph_style_chamber (&self->style, c));
  double half = MAX (1, round ((self->style.high_contrast ? 2.0 : 1.0) * scale)) / 2;
  guint dash = (guint) MAX (1, round (4 * scale));
  gint16 prev = 0;
  guint last = G_MAXUINT;

  /* dashes in phase with absolute time, so that they scroll with the curves */
  for (guint k = k_start; k < k_end; k++)
    {
      gint16 v;

      if (self->counts[k] == 0)
        continue;
      v = self->cols[(gsize) k * nc + c].target_dmmhg;

      /* dashes along the step, held across empty columns; a step drawn where it changes */
      if (last != G_MAXUINT && prev > 0)
        for (guint j = last + 1; j < k; j++)
          if (((r->k0 + j) / dash) % 2 == 0)
            raster_span (r, j, raster_y (r, prev), raster_y (r, prev), half, color);
      if (last != G_MAXUINT && v != prev && v > 0 && prev > 0)
        raster_span (r, k, raster_y (r, prev), raster_y (r, v), half, color);
      else if (v > 0 && ((r->k0 + k) / dash) % 2 == 0)
        raster_span (r, k, raster_y (r, v), raster_y (r, v), half, color);

      prev = v;
      last = k;
    }
}

/* Last column before k holding rows, or -1. */
static int
filled_before (PressoPressureGraph *self,
               int                  k)
{
  while (--k >= 0)
    if (self->counts[k] > 0)
      return k;
  return -1;
}

static void
clear_columns (const Raster *r,
               int           x_min,
               int           x_max)
{
  for (int x = MAX (x_min, 0); x < MIN (x_max, r->width); x++)
    {
      int px = (x + r->ring) % r->width;

      memset (r->data + (gsize) px * r->height, 0, (gsize) r->height * sizeof (guint32));
    }
}

/* Clears raster columns [x_min, x_max) and draws into them everything that falls there,
 * walking the columns [k_start, k_end). */
static void
raster_columns (PressoPressureGraph *self,
                Raster              *r,
                guint                nc,
                int                  x_min,
                int                  x_max,
                guint                k_end)
{
  int k_start = MAX (0, filled_before (self, x_min));

  x_max = MIN (x_max, r->width);
  if (x_min >= x_max)
    return;
  r->x_min = x_min;
  r->x_max = x_max;
  clear_columns (r, x_min, x_max);
  for (guint c = 0; c < nc; c++)
    if (chamber_shown (self, c))
      raster_target (self, r, c, nc, self->plot_scale, k_start, k_end);
  for (guint c = 0; c < nc; c++)
    if (chamber_shown (self, c))
      raster_chamber (self, r, c, nc, self->plot_scale, k_start, k_end);
  self->n_rasterised += x_max - x_min;
}

/* Brings the raster up to date with self->cols: the whole of it after a change of size,
 * scale, style, visible chambers or window; else only the columns that the changed reduced
 * columns draw into (a column's curve joins its predecessor's, its target's dashes are held
 * from the last column with rows). */
static void
update_raster (PressoPressureGraph *self,
               guint                nc)
{
  const Layout *lay = &self->lay;
  int n = (int) lay->n_cols;
  int h = (int) lay->h * self->plot_scale;
  int reach = MAX (0, (int) (2 * (MAX (1, round (self->style.line_width * self->plot_scale)) / 2)) - 1);
  int end;
  Raster r = { 0 };

  if (self->raster_alloc < (gsize) n * h)
    {
      g_free (self->raster);
      self->raster_alloc = (gsize) n * h;
      self->raster = g_new (guint32, self->raster_alloc);
      self->raster_valid = FALSE;
    }

  r.data = self->raster;
  r.width = n;
  r.height = h;
  r.k0 = lay->k0;
  r.px_per_dmmhg = h / (lay->y_max * 10.0);
  end = filled_before (self, n) + 1;

  if (!self->no_caching && self->raster_valid && self->raster_n == (guint) n &&
      self->raster_h == h && self->raster_y_max == lay->y_max &&
      self->raster_visible == self->visible && self->raster_nc == nc &&
      self->raster_serial + 1 == self->cols_serial && lay->k0 >= self->raster_k0 &&
      self->changed_hi > 0)
    {
      int hi = (int) self->changed_hi, lo = (int) self->changed_lo;

      int shift = (int) (lay->k0 - self->raster_k0);
      int old_end = (int) self->raster_end - shift;

      r.ring = (int) ((self->raster_ring + shift) % n);
      /* past the newest column nothing is drawn: only clear what held pixels before, and the
       * columns the ring brought round from the left */
      clear_columns (&r, end, MAX (end, old_end));
      clear_columns (&r, MAX (end, n - shift), n);
      if (hi < end)
        {
          int x = MIN (filled_before (self, hi) + 1, hi - reach);

          raster_columns (self, &r, nc, MAX (0, x), end, n);
        }
      /* rows dropped at the left, or the window's first columns lost their predecessors */
      if (lo > 0 || lay->k0 != self->raster_k0)
        {
          int e = lo;

          while (e < n - 1 && self->counts[e] == 0)
            e++;
          raster_columns (self, &r, nc, 0, e + 1, MIN (n, e + 2 + reach));
        }
    }
  else
    {
      r.ring = 0;
      raster_columns (self, &r, nc, 0, n, n);
    }

  self->raster_valid = TRUE;
  self->raster_end = end;
  self->raster_ring = r.ring;
  self->raster_n = n;
  self->raster_h = h;
  self->raster_y_max = lay->y_max;
  self->raster_visible = self->visible;
  self->raster_nc = nc;
  self->raster_k0 = lay->k0;
  self->raster_serial = self->cols_serial;
}

/* Copies a column-major raster into rows of pixels at dst (stride in pixels): every pixel, or
 * only the drawn ones (over what is already there). */
static void
blit (const Raster *r,
      guint32      *dst,
      int           stride,
      gboolean      over)
{
  int n = r->width, h = r->height;

  /* 16 rows at a time: reads of 64 bytes per column, writes along 16 rows */
  for (int y0 = 0; y0 < h; y0 += 16)
    {
      int y1 = MIN (y0 + 16, h);

      for (int x = 0; x < n; x++)
        {
          int px = x + r->ring;
          const guint32 *src;

          if (px >= n)
            px -= n;
          src = r->data + (gsize) px * h;
          if (over)
            {
              for (int y = y0; y < y1; y++)
                {
                  guint32 *d = dst + (gsize) y * stride + x;

                  *d = src[y] != 0 ? src[y] : *d;
                }
            }
          else
            for (int y = y0; y < y1; y++)
              dst[(gsize) y * stride + x] = src[y];
        }
    }
}

/* When cr draws on an image surface pixel for pixel (the benchmark, a PNG export), writes the
 * raster's pixels straight into it at (x, y) instead of compositing a copy.  What is drawn is
 * opaque. */
static gboolean
blit_in_place (PressoPressureGraph *self,
               cairo_t             *cr,
               const Raster        *r,
               double               x,
               double               y)
{
  cairo_surface_t *target = cairo_get_group_target (cr);
  cairo_rectangle_list_t *clip;
  cairo_matrix_t m;
  double sx, sy, dx, dy, x0, y0, x1, y1, px, py;
  int ix, iy, stride;
  gboolean one_box;
  guchar *data;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE ||
      (cairo_image_surface_get_format (target) != CAIRO_FORMAT_ARGB32 &&
       cairo_image_surface_get_format (target) != CAIRO_FORMAT_RGB24))
    return FALSE;
  cairo_get_matrix (cr, &m);
  cairo_surface_get_device_scale (target, &sx, &sy);
  cairo_surface_get_device_offset (target, &dx, &dy);
  if (m.xx != 1 || m.yy != 1 || m.xy != 0 || m.yx != 0 ||
      sx != self->plot_scale || sy != self->plot_scale)
    return FALSE;

  /* the corner in device pixels, whole, and the raster wholly inside surface and clip */
  px = (m.x0 + x) * sx + dx;
  py = (m.y0 + y) * sy + dy;
  ix = (int) px;
  iy = (int) py;
  if (ix != px || iy != py || ix < 0 || iy < 0 ||
      ix + r->width > cairo_image_surface_get_width (target) ||
      iy + r->height > cairo_image_surface_get_height (target))
    return FALSE;
  cairo_clip_extents (cr, &x0, &y0, &x1, &y1);
  if (x0 > x || y0 > y || x1 < x + r->width / sx || y1 < y + r->height / sy)
    return FALSE;
  clip = cairo_copy_clip_rectangle_list (cr);
  one_box = clip->status == CAIRO_STATUS_SUCCESS && clip->num_rectangles == 1;
  cairo_rectangle_list_destroy (clip);
  if (!one_box)
    return FALSE;

  cairo_surface_flush (target);
  data = cairo_image_surface_get_data (target);
  stride = cairo_image_surface_get_stride (target);
  blit (r, (guint32 *) (data + (gsize) iy * stride) + ix, stride / 4, TRUE);
  cairo_surface_mark_dirty_rectangle (target, ix, iy, r->width, r->height);

  return TRUE;
}

/* Draws a raster at (x, y): in place when cr allows it, else through an image surface kept in
 * *image. */
static void
draw_raster (PressoPressureGraph  *self,
             cairo_t              *cr,
             const Raster         *r,
             cairo_surface_t     **image,
             double                x,
             double                y)
{
  if (r->width < 1 || r->height < 1 || blit_in_place (self, cr, r, x, y))
    return;

  if (*image == NULL ||
      cairo_image_surface_get_width (*image) != r->width ||
      cairo_image_surface_get_height (*image) != r->height)
    {
      g_clear_pointer (image, cairo_surface_destroy);
      *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, r->width, r->height);
    }
  cairo_surface_set_device_scale (*image, self->plot_scale, self->plot_scale);
  cairo_surface_flush (*image);
  blit (r, (guint32 *) cairo_image_surface_get_data (*image),
        cairo_image_surface_get_stride (*image) / 4, FALSE);
  cairo_surface_mark_dirty (*image);

  cairo_save (cr);
  cairo_set_source_surface (cr, *image, x, y);
  cairo_paint (cr);
  cairo_restore (cr);
}

typedef struct {
  PressoPressureGraph *self;
  cairo_t             *cr;
  guint                chamber;
} RawData;

static void
raw_row_cb (gint64        time_ms,
            const gint16 *measured,
            const gint16 *target,
            gpointer      user_data)
{
  RawData *d = user_data;

  cairo_line_to (d->cr, x_of_time (&d->self->lay, time_ms),
                 y_of (&d->self->lay, measured[d->chamber]));
}

static void
draw_chamber_raw (PressoPressureGraph *self,
                  cairo_t             *cr,
                  guint                c)
{
  RawData d = { self, cr, c };

  cairo_new_path (cr);
  presso_sample_buffer_foreach_row (self->buffer, self->lay.t0, self->lay.t1, raw_row_cb, &d);
  gdk_cairo_set_source_rgba (cr, _presso_graph_style_chamber (&self->style, c));
  cairo_set_line_width (cr, self->style.line_width);
  cairo_stroke (cr);
}

typedef struct {
  double y;
  guint  chamber;
  double curve_y;
} EndLabel;

static int
compare_end_labels (gconstpointer a,
                    gconstpointer b)
{
  const EndLabel *la = a, *lb = b;

  /* at the same pressure, the proximal chamber above (as on the garment), and the same order
   * from frame to frame */
  if (la->y != lb->y)
    return la->y < lb->y ? -1 : 1;
  return la->chamber > lb->chamber ? -1 : la->chamber < lb->chamber;
}

/* The chamber's number at the right end of its curve, moved apart so that none overlap
 * (while there is room), with a leader line when moved. */
static void
draw_end_labels (PressoPressureGraph *self,
                 cairo_t             *cr,
                 guint                nc)
{
  const Layout *lay = &self->lay;
  EndLabel labels[MAX_CHAMBERS];
  Raster gutter = { 0 };
  guint n = 0;
  double lh = lay->line_h * 0.9;
  double top = lay->y, bottom = lay->y + lay->h;

  for (guint c = 0; c < nc; c++)
    {
      if (!chamber_shown (self, c))
        continue;
      for (guint k = lay->n_cols; k-- > 0;)
        if (self->counts[k] > 0)
          {
            double y = y_of (lay, self->cols[(gsize) k * nc + c].last_dmmhg);

            labels[n].curve_y = y;
            labels[n].y = y - lh / 2;
            labels[n].chamber = c;
            n++;
            break;
          }
    }
  self->n_placed = 0;
  if (n == 0)
    return;

  qsort (labels, n, sizeof labels[0], compare_end_labels);
  if (n * lh > bottom - top)
    lh = (bottom - top) / n;
  for (guint i = 0; i < n; i++)
    {
      labels[i].y = CLAMP (labels[i].y, top - lh / 2, bottom - lh / 2);
      if (i > 0 && labels[i].y < labels[i - 1].y + lh)
        labels[i].y = labels[i - 1].y + lh;
    }
  for (guint i = n; i-- > 0;)
    {
      double limit = i + 1 < n ? labels[i + 1].y - lh : bottom - lh / 2;

      if (labels[i].y > limit)
        labels[i].y = limit;
    }

  /* the leaders, as runs of pixels in the gutter between the plot and the numbers (a cairo
   * stroke each cost as much as all the curves' new columns) */
  gutter.width = (int) round ((GUTTER - 1) * self->plot_scale);
  gutter.height = (int) lay->h * self->plot_scale;
  gutter.ring = 0;
  gutter.x_min = 0;
  gutter.x_max = gutter.width;
  gutter.k0 = 0;
  if (self->gutter_alloc < (gsize) gutter.width * gutter.height)
    {
      g_free (self->gutter_px);
      self->gutter_alloc = (gsize) gutter.width * gutter.height;
      self->gutter_px = g_new (guint32, self->gutter_alloc);
    }
  gutter.data = self->gutter_px;
  memset (gutter.data, 0, (gsize) gutter.width * gutter.height * sizeof (guint32));

  for (guint i = 0; i < n; i++)
    {
      const GdkRGBA *color = _presso_graph_style_chamber (&self->style, labels[i].chamber);
      guint32 px = premultiplied (color);
      char num[8];
      int tw, th;
      double lx = lay->x + lay->w + GUTTER, ya, yb;

      g_snprintf (num, sizeof num, "%u", labels[i].chamber + 1);
      text_size (self, num, &tw, &th);
      self->placed[i].chamber = labels[i].chamber;
      self->placed[i].y = labels[i].y;
      self->placed[i].height = MIN (th, lh);
      self->placed[i].curve_y = labels[i].curve_y;
      ya = (labels[i].curve_y - lay->y) * self->plot_scale;
      yb = (labels[i].y + th / 2.0 - lay->y) * self->plot_scale;
      for (int x = 0; x < gutter.width; x++)
        raster_span (&gutter, x,
                     ya + (yb - ya) * x / gutter.width, ya + (yb - ya) * (x + 1) / gutter.width,
                     0.5, px);
      show_text (self, cr, num, lx, labels[i].y, color);
    }
  self->n_placed = n;
  draw_raster (self, cr, &gutter, &self->gutter, lay->x + lay->w, lay->y);
}

static void
draw_hover (PressoPressureGraph *self,
            cairo_t             *cr,
            guint                nc)
{
  const Layout *lay = &self->lay;
  gint16 measured[MAX_CHAMBERS], target[MAX_CHAMBERS];
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  guint line_chamber[MAX_CHAMBERS + 1];
  gint64 t, row_t;
  char when[32];
  double x, box_w = 0, line_h, box_h, bx, by, swatch = 14;
  guint rows_per_col, n_box_cols;

  if (self->hover_x < lay->x || self->hover_x > lay->x + lay->w ||
      self->hover_y < lay->y || self->hover_y > lay->y + lay->h)
    return;

  t = lay->t0 + (gint64) ((self->hover_x - lay->x) / lay->w * (lay->t1 - lay->t0 + 1));
  if (!presso_sample_buffer_lookup (self->buffer, t, &row_t, measured, target, NULL))
    return;

  x = round (x_of_time (lay, row_t)) + 0.5;
  gdk_cairo_set_source_rgba (cr, &self->style.fg);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, x, lay->y);
  cairo_line_to (cr, x, lay->y + lay->h);
  cairo_stroke (cr);

  format_elapsed (when, sizeof when, row_t - lay->t_first, TRUE);
  g_ptr_array_add (lines, g_strdup (when));
  line_chamber[0] = G_MAXUINT;
  for (guint c = 0; c < nc; c++)
    {
      if (!chamber_shown (self, c))
        continue;
      line_chamber[lines->len] = c;
      if (target[c] > 0)
        /* Translators: hover readout of the pressure graph: chamber number, measured
         * pressure, target pressure */
        g_ptr_array_add (lines, g_strdup_printf (_("%u: %.0f mmHg, target %.0f"),
                                                 c + 1, _presso_graph_display_mmhg (measured[c] / 10.0),
                                    _presso_graph_display_mmhg (target[c] / 10.0)));
      else
        /* Translators: hover readout of the pressure graph: chamber number, measured pressure */
        g_ptr_array_add (lines, g_strdup_printf (_("%u: %.0f mmHg"), c + 1, _presso_graph_display_mmhg (measured[c] / 10.0)));
    }

  for (guint i = 0; i < lines->len; i++)
    {
      int tw, th;

      text_size (self, g_ptr_array_index (lines, i), &tw, &th);
      box_w = MAX (box_w, tw + (i > 0 ? swatch + PAD / 2 : 0));
    }
  line_h = lay->line_h;
  rows_per_col = MAX (1, (guint) ((lay->h - 2 * PAD) / line_h));
  n_box_cols = (lines->len + rows_per_col - 1) / rows_per_col;
  rows_per_col = (lines->len + n_box_cols - 1) / n_box_cols;
  box_h = rows_per_col * line_h + 2 * PAD;
  box_w = box_w * n_box_cols + PAD * (n_box_cols + 1);

  bx = x + 2 * PAD;
  if (bx + box_w > lay->x + lay->w)
    bx = x - 2 * PAD - box_w;
  bx = MAX (bx, 0);
  by = CLAMP (self->hover_y - box_h / 2, lay->y, MAX (lay->y, lay->y + lay->h - box_h));

  cairo_rectangle (cr, bx, by, box_w, box_h);
  gdk_cairo_set_source_rgba (cr, &self->style.bg);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &self->style.dim);
  cairo_stroke (cr);

  for (guint i = 0; i < lines->len; i++)
    {
      double col_w = (box_w - PAD) / n_box_cols;
      double lx = bx + PAD + (i / rows_per_col) * col_w;
      double ly = by + PAD + (i % rows_per_col) * line_h;

      if (line_chamber[i] != G_MAXUINT)
        {
          gdk_cairo_set_source_rgba (cr, _presso_graph_style_chamber (&self->style, line_chamber[i]));
          cairo_set_line_width (cr, self->style.line_width);
          set_pattern (cr, chamber_pattern (self, line_chamber[i]));
          cairo_move_to (cr, lx, ly + line_h / 2);
          cairo_line_to (cr, lx + swatch, ly + line_h / 2);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          lx += swatch + PAD / 2;
        }
      show_text (self, cr, g_ptr_array_index (lines, i), lx, ly, &self->style.fg);
    }
}

static void
draw_dynamic (PressoPressureGraph *self,
              cairo_t             *cr)
{
  const Layout *lay = &self->lay;
  guint nc;

  if (lay->w < 1 || lay->h < 1)
    return;

  draw_time_axis (self, cr);

  if (!lay->has_data)
    {
      draw_empty_message (self, cr);
      return;
    }

  nc = presso_sample_buffer_get_n_chambers (self->buffer);

  if (self->draw_raw)
    {
      cairo_save (cr);
      cairo_rectangle (cr, lay->x, lay->y, lay->w, lay->h);
      cairo_clip (cr);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (guint c = 0; c < nc; c++)
        if (chamber_shown (self, c))
          draw_chamber_raw (self, cr, c);
      cairo_restore (cr);
    }
  else
    {
      Raster r = { 0 };

      update_raster (self, nc);
      r.data = self->raster;
      r.width = (int) lay->n_cols;
      r.height = (int) lay->h * self->plot_scale;
      r.ring = (int) self->raster_ring;
      draw_raster (self, cr, &r, &self->plot, lay->x, lay->y);
    }

  draw_end_labels (self, cr, nc);
  draw_hover (self, cr, nc);
}

static void
queue_redraw (PressoPressureGraph *self)
{
  if (self->redraw_pending)
    return;
  self->redraw_pending = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
invalidate_columns (PressoPressureGraph *self)
{
  self->cols_valid = FALSE;
}

static void
update_description (PressoPressureGraph *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint16 measured[MAX_CHAMBERS], target[MAX_CHAMBERS];

  if (self->buffer == NULL ||
      !presso_sample_buffer_get_latest (self->buffer, NULL, measured, target, NULL))
    {
      g_string_assign (text, _("No pressure readings yet"));
    }
  else
    {
      guint nc = presso_sample_buffer_get_n_chambers (self->buffer);

      for (guint c = 0; c < nc; c++)
        {
          if (!chamber_shown (self, c))
            continue;
          if (text->len > 0)
            g_string_append (text, "; ");
          if (target[c] > 0)
            /* Translators: the graph read out to a screen reader, once per second */
            g_string_append_printf (text, _("Chamber %u: %.0f mmHg of %.0f target"),
                                    c + 1, _presso_graph_display_mmhg (measured[c] / 10.0),
                                    _presso_graph_display_mmhg (target[c] / 10.0));
          else
            g_string_append_printf (text, _("Chamber %u: %.0f mmHg"), c + 1, _presso_graph_display_mmhg (measured[c] / 10.0));
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

static void
invalidate_grid (PressoPressureGraph *self)
{
  g_clear_pointer (&self->grid_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
description_tick_cb (gpointer user_data)
{
  PressoPressureGraph *self = user_data;
  guint64 rows = self->buffer != NULL ? presso_sample_buffer_get_n_appended (self->buffer) : 0;

  if (rows != self->description_rows)
    {
      self->description_rows = rows;
      update_description (self);
    }

  return G_SOURCE_CONTINUE;
}

static void
on_buffer_changed_cb (PressoPressureGraph *self,
                      PressoSampleBuffer  *buffer)
{
  /* a clear: what follows is a new session, whatever its times */
  if (presso_sample_buffer_get_n_appended (buffer) == 0)
    invalidate_columns (self);
  queue_redraw (self);
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              PressoPressureGraph      *self)
{
  _presso_pressure_graph_set_hover (self, x, y);
}

static void
on_leave_cb (GtkEventControllerMotion *motion,
             PressoPressureGraph      *self)
{
  _presso_pressure_graph_set_hover (self, -1, -1);
}

static void
presso_pressure_graph_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  cairo_t *cr;

  self->redraw_pending = FALSE;
  if (width <= 0 || height <= 0)
    return;
  self->n_frames++;

  prepare (self, width, height, gtk_widget_get_scale_factor (widget));

  if (self->grid_node == NULL || self->grid_w != width || self->grid_h != height ||
      self->grid_y_max != self->lay.y_max || self->grid_y_step != self->lay.y_step ||
      self->grid_has_targets != self->lay.has_targets)
    {
      GtkSnapshot *grid = gtk_snapshot_new ();

      cr = gtk_snapshot_append_cairo (grid, &bounds);
      _presso_pressure_graph_draw_grid (self, cr, width, height);
      cairo_destroy (cr);
      g_clear_pointer (&self->grid_node, gsk_render_node_unref);
      self->grid_node = gtk_snapshot_free_to_node (grid);
      self->grid_w = width;
      self->grid_h = height;
      self->grid_y_max = self->lay.y_max;
      self->grid_y_step = self->lay.y_step;
      self->grid_has_targets = self->lay.has_targets;
    }
  if (self->grid_node != NULL)
    gtk_snapshot_append_node (snapshot, self->grid_node);

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  draw_dynamic (self, cr);
  cairo_destroy (cr);
}

static void
presso_pressure_graph_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 640;
    }
  else
    {
      guint n = self->buffer != NULL ? presso_sample_buffer_get_n_chambers (self->buffer) : 0;
      guint32 shown = self->visible & (n >= 32 ? G_MAXUINT32 : (1u << n) - 1);
      int lw, lh;

      /* tall enough for every chamber's number at the curves' ends, one above the other */
      text_size (self, "150", &lw, &lh);
      *minimum = MAX (140, (int) ceil (__builtin_popcount (shown) * lh * 0.9 + 3 * lh + 3 * PAD));
      *natural = MAX (320, *minimum);
    }
}

static void
presso_pressure_graph_css_changed (GtkWidget         *widget,
                                   GtkCssStyleChange *change)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (widget);

  GTK_WIDGET_CLASS (presso_pressure_graph_parent_class)->css_changed (widget, change);

  self->style.loaded = FALSE;
  self->raster_valid = FALSE;
  g_hash_table_remove_all (self->layouts);
  invalidate_grid (self);
}

static void
presso_pressure_graph_map (GtkWidget *widget)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (widget);

  GTK_WIDGET_CLASS (presso_pressure_graph_parent_class)->map (widget);

  update_description (self);
  if (self->description_id == 0)
    self->description_id = g_timeout_add_seconds (1, description_tick_cb, self);
}

static void
presso_pressure_graph_unmap (GtkWidget *widget)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (widget);

  g_clear_handle_id (&self->description_id, g_source_remove);

  GTK_WIDGET_CLASS (presso_pressure_graph_parent_class)->unmap (widget);
}

static void
presso_pressure_graph_dispose (GObject *object)
{
  PressoPressureGraph *self = (PressoPressureGraph *)object;

  g_clear_handle_id (&self->description_id, g_source_remove);
  g_clear_signal_handler (&self->changed_id, self->buffer);
  g_clear_object (&self->buffer);
  _presso_graph_style_clear (&self->style);
  g_clear_pointer (&self->grid_node, gsk_render_node_unref);
  g_clear_pointer (&self->plot, cairo_surface_destroy);
  g_clear_pointer (&self->raster, g_free);
  self->raster_alloc = 0;
  g_clear_pointer (&self->gutter_px, g_free);
  self->gutter_alloc = 0;
  g_clear_pointer (&self->gutter, cairo_surface_destroy);

  G_OBJECT_CLASS (presso_pressure_graph_parent_class)->dispose (object);
}

static void
presso_pressure_graph_finalize (GObject *object)
{
  PressoPressureGraph *self = (PressoPressureGraph *)object;

  g_free (self->cols);
  g_free (self->counts);
  g_free (self->edges);
  g_free (self->description);
  g_hash_table_unref (self->layouts);

  G_OBJECT_CLASS (presso_pressure_graph_parent_class)->finalize (object);
}

static void
presso_pressure_graph_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (object);

  switch (prop_id)
    {
    case PROP_BUFFER:
      g_value_set_object (value, self->buffer);
      break;
    case PROP_WINDOW:
      g_value_set_enum (value, self->window);
      break;
    case PROP_VISIBLE_CHAMBERS:
      g_value_set_uint (value, self->visible);
      break;
    case PROP_MAX_PRESSURE:
      g_value_set_double (value, self->max_pressure);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_pressure_graph_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PressoPressureGraph *self = PRESSO_PRESSURE_GRAPH (object);

  switch (prop_id)
    {
    case PROP_BUFFER:
      presso_pressure_graph_set_buffer (self, g_value_get_object (value));
      break;
    case PROP_WINDOW:
      presso_pressure_graph_set_window (self, g_value_get_enum (value));
      break;
    case PROP_VISIBLE_CHAMBERS:
      presso_pressure_graph_set_visible_chambers (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PRESSURE:
      presso_pressure_graph_set_max_pressure (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_pressure_graph_class_init (PressoPressureGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = presso_pressure_graph_dispose;
  object_class->finalize = presso_pressure_graph_finalize;
  object_class->get_property = presso_pressure_graph_get_property;
  object_class->set_property = presso_pressure_graph_set_property;

  widget_class->snapshot = presso_pressure_graph_snapshot;
  widget_class->measure = presso_pressure_graph_measure;
  widget_class->css_changed = presso_pressure_graph_css_changed;
  widget_class->map = presso_pressure_graph_map;
  widget_class->unmap = presso_pressure_graph_unmap;

  /**
   * PressoPressureGraph:buffer:
   *
   * The samples drawn; the graph redraws when it changes.
   */
  properties[PROP_BUFFER] =
    g_param_spec_object ("buffer", NULL, NULL,
                         PRESSO_TYPE_SAMPLE_BUFFER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PressoPressureGraph:window:
   *
   * How much time the graph spans, ending at the newest sample.
   */
  properties[PROP_WINDOW] =
    g_param_spec_enum ("window", NULL, NULL,
                       PRESSO_TYPE_GRAPH_WINDOW, PRESSO_GRAPH_WINDOW_60S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PressoPressureGraph:visible-chambers:
   *
   * Bit i set: chamber i (numbered i + 1 on screen) is drawn.
   */
  properties[PROP_VISIBLE_CHAMBERS] =
    g_param_spec_uint ("visible-chambers", NULL, NULL,
                       0, G_MAXUINT32, ALL_CHAMBERS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PressoPressureGraph:max-pressure:
   *
   * mmHg at the top of the scale, or 0 to follow the data and the targets.
   */
  properties[PROP_MAX_PRESSURE] =
    g_param_spec_double ("max-pressure", NULL, NULL,
                         0, 1000, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "pressuregraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
presso_pressure_graph_init (PressoPressureGraph *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->window = PRESSO_GRAPH_WINDOW_60S;
  self->visible = ALL_CHAMBERS;
  self->hover_x = self->hover_y = -1;
  self->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Chamber pressure graph"),
                                  -1);
  update_description (self);
}

/**
 * presso_pressure_graph_new:
 *
 * Returns: (transfer floating): a graph without a buffer (it says there is nothing yet)
 */
GtkWidget *
presso_pressure_graph_new (void)
{
  return g_object_new (PRESSO_TYPE_PRESSURE_GRAPH, NULL);
}

/**
 * presso_pressure_graph_get_buffer:
 *
 * Returns: (transfer none) (nullable): the buffer drawn
 */
PressoSampleBuffer *
presso_pressure_graph_get_buffer (PressoPressureGraph *self)
{
  g_return_val_if_fail (PRESSO_IS_PRESSURE_GRAPH (self), NULL);

  return self->buffer;
}

/**
 * presso_pressure_graph_set_buffer:
 * @buffer: (nullable): the samples to draw
 */
void
presso_pressure_graph_set_buffer (PressoPressureGraph *self,
                                  PressoSampleBuffer  *buffer)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));
  g_return_if_fail (buffer == NULL || PRESSO_IS_SAMPLE_BUFFER (buffer));

  if (self->buffer == buffer)
    return;

  g_clear_signal_handler (&self->changed_id, self->buffer);
  g_set_object (&self->buffer, buffer);
  invalidate_columns (self);
  if (buffer != NULL)
    self->changed_id = g_signal_connect_swapped (buffer, "changed",
                                                 G_CALLBACK (on_buffer_changed_cb), self);
  self->description_rows = 0;
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUFFER]);
}

PressoGraphWindow
presso_pressure_graph_get_window (PressoPressureGraph *self)
{
  g_return_val_if_fail (PRESSO_IS_PRESSURE_GRAPH (self), PRESSO_GRAPH_WINDOW_60S);

  return self->window;
}

void
presso_pressure_graph_set_window (PressoPressureGraph *self,
                                  PressoGraphWindow    window)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));
  g_return_if_fail (window <= PRESSO_GRAPH_WINDOW_RECORD);

  if (self->window == window)
    return;

  self->window = window;
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

/**
 * presso_pressure_graph_get_visible_chambers:
 *
 * Returns: bit i set when chamber i is drawn
 */
guint
presso_pressure_graph_get_visible_chambers (PressoPressureGraph *self)
{
  g_return_val_if_fail (PRESSO_IS_PRESSURE_GRAPH (self), 0);

  return self->visible;
}

/**
 * presso_pressure_graph_set_visible_chambers:
 * @mask: bit i set to draw chamber i (0-based; chamber i is labelled i + 1)
 */
void
presso_pressure_graph_set_visible_chambers (PressoPressureGraph *self,
                                            guint                mask)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));

  if (self->visible == mask)
    return;

  self->visible = mask;
  update_description (self);
  invalidate_grid (self);      /* the legend names the garments shown */
  gtk_widget_queue_resize (GTK_WIDGET (self));   /* room for the numbers of the chambers shown */
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_CHAMBERS]);
}

/**
 * presso_pressure_graph_set_chamber_visible:
 * @chamber: 0-based chamber index
 * @visible: whether to draw it
 */
void
presso_pressure_graph_set_chamber_visible (PressoPressureGraph *self,
                                           guint                chamber,
                                           gboolean             visible)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));
  g_return_if_fail (chamber < MAX_CHAMBERS);

  if (visible)
    presso_pressure_graph_set_visible_chambers (self, self->visible | (1u << chamber));
  else
    presso_pressure_graph_set_visible_chambers (self, self->visible & ~(1u << chamber));
}

double
presso_pressure_graph_get_max_pressure (PressoPressureGraph *self)
{
  g_return_val_if_fail (PRESSO_IS_PRESSURE_GRAPH (self), 0);

  return self->max_pressure;
}

/**
 * presso_pressure_graph_set_max_pressure:
 * @mmhg: the top of the scale in mmHg (e.g. the program's highest target plus a margin, or
 *   the device ceiling), or 0 to follow the data
 */
void
presso_pressure_graph_set_max_pressure (PressoPressureGraph *self,
                                        double               mmhg)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));

  mmhg = MAX (mmhg, 0);
  if (self->max_pressure == mmhg)
    return;

  self->max_pressure = mmhg;
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PRESSURE]);
}

/**
 * presso_pressure_graph_set_outlets:
 * @outlets: (array length=n_outlets): the device's outlets (from its identity)
 * @n_outlets: how many, at most %PRESSO_PROTO_MAX_OUTLETS
 *
 * Names the garments in the legend (which chambers belong to which garment).  The array is
 * copied.
 */
void
presso_pressure_graph_set_outlets (PressoPressureGraph       *self,
                                   const presso_proto_outlet *outlets,
                                   guint                      n_outlets)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));
  g_return_if_fail (n_outlets == 0 || outlets != NULL);

  self->n_outlets = _presso_graph_outlets_copy (self->outlets, outlets, n_outlets);
  self->raster_valid = FALSE;
  invalidate_grid (self);
}

void
_presso_pressure_graph_draw_grid (PressoPressureGraph *self,
                                  cairo_t             *cr,
                                  int                  width,
                                  int                  height)
{
  const Layout *lay = &self->lay;
  char label[32];
  int tw, th;
  double x;

  if (lay->w < 1 || lay->h < 1)
    return;

  /* plot area */
  cairo_rectangle (cr, lay->x, lay->y, lay->w, lay->h);
  gdk_cairo_set_source_rgba (cr, &self->style.bg);
  cairo_fill (cr);

  /* horizontal lines and mmHg labels */
  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= lay->y_max + 0.01; v += lay->y_step)
    {
      double y = round (y_of (lay, v * 10)) + 0.5;

      gdk_cairo_set_source_rgba (cr, &self->style.grid);
      cairo_move_to (cr, lay->x, y);
      cairo_line_to (cr, lay->x + lay->w, y);
      cairo_stroke (cr);

      g_snprintf (label, sizeof label, "%.0f", v);
      text_size (self, label, &tw, &th);
      show_text (self, cr, label, lay->x - PAD - tw, y - th / 2.0, &self->style.dim);
    }

  /* frame */
  cairo_rectangle (cr, lay->x + 0.5, lay->y + 0.5, lay->w - 1, lay->h - 1);
  gdk_cairo_set_source_rgba (cr, &self->style.dim);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  /* legend: unit, line styles, garments; what does not fit is left out */
  x = PAD;
  show_text (self, cr, _("mmHg"), x, PAD / 2, &self->style.dim);
  text_size (self, _("mmHg"), &tw, &th);
  x = MAX (x + tw + 3 * PAD, lay->x);

  for (guint i = 0; i < 2; i++)
    {
      static const double dash[] = { 6, 4 };
      const char *text = i == 0 ? _("measured") : _("target");
      double ly = PAD / 2 + th / 2.0;

      if (i == 1 && !lay->has_targets)
        break;     /* no dashed target line to explain */

      text_size (self, text, &tw, &th);
      if (x + 22 + tw > width)
        break;
      gdk_cairo_set_source_rgba (cr, &self->style.fg);
      cairo_set_line_width (cr, i == 0 ? self->style.line_width : 1.25);
      cairo_set_dash (cr, dash, i == 0 ? 0 : 2, 0);
      cairo_move_to (cr, x, ly);
      cairo_line_to (cr, x + 18, ly);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      show_text (self, cr, text, x + 22, PAD / 2, &self->style.dim);
      x += 22 + tw + 3 * PAD;
    }

  /* the garments in use and their chambers shown: all of them, or none when they do not fit
   * (the chambers' own lines are in the hover readout and at the curves' ends) */
  {
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
    double needed = 0;

    for (guint i = 0; i < self->n_outlets; i++)
      {
        const presso_proto_outlet *o = &self->outlets[i];
        guint lo = G_MAXUINT, hi = 0;
        char *text;

        for (guint k = 0; k < o->n_chambers; k++)
          if (chamber_shown (self, o->first_chamber + k))
            {
              lo = MIN (lo, o->first_chamber + k);
              hi = MAX (hi, o->first_chamber + k);
            }
        if (lo == G_MAXUINT)
          continue;
        if (lo == hi)
          text = g_strdup_printf ("%s %u", _presso_graph_garment_name (o->garment), lo + 1);
        else
          /* Translators: garment name and the numbers of its first and last chambers */
          text = g_strdup_printf (_("%s %u–%u"), _presso_graph_garment_name (o->garment),
                                  lo + 1, hi + 1);
        text_size (self, text, &tw, &th);
        needed += tw + 3 * PAD;
        g_ptr_array_add (texts, text);
      }

    if (x + needed - 3 * PAD <= width)
      for (guint i = 0; i < texts->len; i++)
        {
          text_size (self, g_ptr_array_index (texts, i), &tw, &th);
          show_text (self, cr, g_ptr_array_index (texts, i), x, PAD / 2, &self->style.dim);
          x += tw + 3 * PAD;
        }
  }
}

void
_presso_pressure_graph_draw (PressoPressureGraph *self,
                             cairo_t             *cr,
                             int                  width,
                             int                  height)
{
  g_return_if_fail (PRESSO_IS_PRESSURE_GRAPH (self));

  prepare (self, width, height, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  draw_dynamic (self, cr);
}

void
_presso_pressure_graph_set_draw_raw (PressoPressureGraph *self,
                                     gboolean             draw_raw)
{
  self->draw_raw = !!draw_raw;
  queue_redraw (self);
}

void
_presso_pressure_graph_set_caching (PressoPressureGraph *self,
                                    gboolean             caching)
{
  self->no_caching = !caching;
}

guint64
_presso_pressure_graph_get_n_reduced (PressoPressureGraph *self)
{
  return self->n_reduced;
}

guint64
_presso_pressure_graph_get_n_rasterised (PressoPressureGraph *self)
{
  return self->n_rasterised;
}

void
_presso_pressure_graph_set_hover (PressoPressureGraph *self,
                                  double               x,
                                  double               y)
{
  if (self->hover_x == x && self->hover_y == y)
    return;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
_presso_pressure_graph_get_n_frames (PressoPressureGraph *self)
{
  return self->n_frames;
}

const char *
_presso_pressure_graph_get_description (PressoPressureGraph *self)
{
  return self->description;
}

void
_presso_pressure_graph_update_description (PressoPressureGraph *self)
{
  update_description (self);
}

guint
_presso_pressure_graph_get_end_labels (PressoPressureGraph *self,
                                       guint               *chambers,
                                       double              *y,
                                       double              *height,
                                       double              *curve_y)
{
  for (guint i = 0; i < self->n_placed; i++)
    {
      chambers[i] = self->placed[i].chamber;
      y[i] = self->placed[i].y;
      height[i] = self->placed[i].height;
      curve_y[i] = self->placed[i].curve_y;
    }
  return self->n_placed;
}

void
_presso_pressure_graph_get_time_range (PressoPressureGraph *self,
                                       gint64              *t0,
                                       gint64              *t1,
                                       gint64              *t_first)
{
  *t0 = self->lay.t0;
  *t1 = self->lay.t1;
  *t_first = self->lay.t_first;
}
