/* presso-history-chart.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn with cairo in snapshot (GTK 4.8), colours from the widget's style so that dark mode
 * and high contrast follow.  The sessions are evenly spaced: a course is read session after
 * session, and two sessions a day apart would otherwise overlap.  The y axis spans the values
 * with round ticks, never from 0: a calf going from 41.5 to 38 cm must show as a fall.
 */
#define G_LOG_DOMAIN "presso-history"
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "presso-history-chart.h"

typedef struct
{
  GDateTime *date;   /* local, or NULL */
  double     before;
  double     after;
} Session;

struct _PressoHistoryChart
{
  GtkWidget  parent_instance;

  GArray    *sessions;   /* Session */
  char      *unit;
};

G_DEFINE_FINAL_TYPE (PressoHistoryChart, presso_history_chart, GTK_TYPE_WIDGET)

#define GAP        8.0    /* between labels and the plot */
#define SIDE_PAD   14.0   /* inside the plot, before the first and after the last session */
#define MARKER     4.5

/* ------------------------------------------------------------------ helpers */

static void
clear_session (gpointer data)
{
  Session *session = data;

  g_clear_pointer (&session->date, g_date_time_unref);
}

/* A round step giving about @n_ticks intervals over @range: 1, 2, 2.5 or 5 times a power of 10. */
static double
nice_step (double range,
           int    n_ticks)
{
  double raw = range / n_ticks;
  double magnitude = pow (10, floor (log10 (raw)));
  double fraction = raw / magnitude;

  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 2.5)
    return 2.5 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

static char *
format_day (GDateTime *date)
{
  if (date == NULL)
    return g_strdup ("");
  /* Translators: a session's date under the chart, as strftime: "%d/%m" shows "12/03" */
  return g_date_time_format (date, _("%d/%m"));
}

static void
text_size (PangoLayout *layout,
           const char  *text,
           int         *width,
           int         *height)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, width, height);
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y)
{
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_marker (cairo_t  *cr,
             gboolean  after,
             double    x,
             double    y)
{
  if (after)
    {
      cairo_rectangle (cr, x - MARKER, y - MARKER, 2 * MARKER, 2 * MARKER);
      cairo_fill (cr);
    }
  else
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, MARKER, 0, 2 * G_PI);
      cairo_set_line_width (cr, 2);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_stroke (cr);
    }
}

static void
set_series_line (cairo_t  *cr,
                 gboolean  after)
{
  static const double dash[] = { 6, 4 };

  cairo_set_line_width (cr, after ? 2.5 : 2);
  cairo_set_dash (cr, after ? NULL : dash, after ? 0 : G_N_ELEMENTS (dash), 0);
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static double
session_value (const Session *session,
               gboolean       after)
{
  return after ? session->after : session->before;
}

/* ------------------------------------------------------------------ vfuncs */

static void
presso_history_chart_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  PressoHistoryChart *self = PRESSO_HISTORY_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = self->sessions->len;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, step, axis_lo, axis_hi;
  double left, right, top, bottom, x_span;
  int decimals, label_w, label_h, line_h, max_label_w = 0, date_w = 0, every;
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA fg, accent;
  cairo_t *cr;

  for (guint i = 0; i < n; i++)
    {
      Session *s = &g_array_index (self->sessions, Session, i);

      for (int a = 0; a < 2; a++)
        {
          double v = session_value (s, a);

          if (isfinite (v))
            {
              lo = MIN (lo, v);
              hi = MAX (hi, v);
            }
        }
    }
  if (lo > hi || width < 120 || height < 80)
    return;

  gtk_style_context_get_color (style, &fg);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (style, "accent_color", &accent))
    accent = fg;
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* Round ticks around the values, with a little air above and below. */
  if (hi - lo < 1.0)
    {
      double mid = (hi + lo) / 2;

      lo = mid - 0.5;
      hi = mid + 0.5;
    }
  step = nice_step (hi - lo, 4);
  axis_lo = floor ((lo - step * 0.25) / step) * step;
  axis_hi = ceil ((hi + step * 0.25) / step) * step;
  decimals = step < 1 ? 1 : 0;

  layout = gtk_widget_create_pango_layout (widget, NULL);
  text_size (layout, "0", NULL, &line_h);
  for (double t = axis_lo; t <= axis_hi + step / 2; t += step)
    {
      g_autofree char *text = g_strdup_printf ("%.*f", decimals, t);

      text_size (layout, text, &label_w, &label_h);
      max_label_w = MAX (max_label_w, label_w);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *day = format_day (g_array_index (self->sessions, Session, i).date);

      text_size (layout, day, &label_w, &label_h);
      date_w = MAX (date_w, label_w);
    }

  left = MAX (max_label_w + GAP, 28);
  /* Room for the latest values beside the last session, and for its date. */
  text_size (layout, "000.0", &label_w, NULL);
  right = MAX (label_w + MARKER + 8 - SIDE_PAD, date_w / 2.0 - SIDE_PAD + 4);
  top = 2 * line_h + 2 * GAP;          /* legend, then the unit above the axis */
  bottom = line_h + GAP + 2;
  if (width - left - right < 60 || height - top - bottom < 40)
    return;
  x_span = width - left - right - 2 * SIDE_PAD;

#define X(i) (n == 1 ? left + (width - left - right) / 2.0 : left + SIDE_PAD + (i) * x_span / (n - 1))
#define Y(v) (height - bottom - ((v) - axis_lo) / (axis_hi - axis_lo) * (height - top - bottom))

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The legend, top left: the same line and marker as each series, and its name. */
  {
    double x = left;

    for (int a = 0; a < 2; a++)
      {
        const char *name = a ? _("After the session") : _("Before the session");
        double cy = line_h / 2.0 + 1;

        set_color (cr, a ? &accent : &fg, a ? 1 : 0.8);
        set_series_line (cr, a);
        cairo_move_to (cr, x, cy);
        cairo_line_to (cr, x + 28, cy);
        cairo_stroke (cr);
        draw_marker (cr, a, x + 14, cy);
        set_color (cr, &fg, 1);
        show_text (cr, layout, name, x + 34, 1);
        text_size (layout, name, &label_w, NULL);
        x += 34 + label_w + 18;
      }
  }

  /* The y axis: its unit, round ticks with faint lines across. */
  set_color (cr, &fg, 0.75);
  show_text (cr, layout, self->unit ? self->unit : "", 0, top - line_h - GAP / 2);
  cairo_set_dash (cr, NULL, 0, 0);
  for (double t = axis_lo; t <= axis_hi + step / 2; t += step)
    {
      g_autofree char *text = g_strdup_printf ("%.*f", decimals, t);
      double y = round (Y (t)) + 0.5;

      set_color (cr, &fg, 0.12);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, width - right, y);
      cairo_stroke (cr);
      set_color (cr, &fg, 0.75);
      text_size (layout, text, &label_w, &label_h);
      show_text (cr, layout, text, left - GAP - label_w, y - label_h / 2.0);
    }
  set_color (cr, &fg, 0.45);
  cairo_move_to (cr, round (left) + 0.5, top);
  cairo_line_to (cr, round (left) + 0.5, height - bottom + 0.5);
  cairo_line_to (cr, width - right, height - bottom + 0.5);
  cairo_stroke (cr);

  /* The x axis: session dates, as many as fit without overlapping. */
  every = n > 1 ? (int) ceil ((date_w + 8) / (x_span / (n - 1))) : 1;
  every = MAX (every, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *day = NULL;
      double x = X (i);

      set_color (cr, &fg, 0.45);
      cairo_move_to (cr, round (x) + 0.5, height - bottom);
      cairo_line_to (cr, round (x) + 0.5, height - bottom + 4);
      cairo_stroke (cr);
      /* The last session is always labelled: it is the one just recorded. */
      if (i % every != 0 && i != n - 1)
        continue;
      if (i != n - 1 && n - 1 - i < (guint) every && (n - 1) % every != 0)
        continue;
      day = format_day (g_array_index (self->sessions, Session, i).date);
      text_size (layout, day, &label_w, &label_h);
      set_color (cr, &fg, 0.75);
      show_text (cr, layout, day, x - label_w / 2.0, height - bottom + 4);
    }

  /* The series: before dashed with open circles, after solid with filled squares. */
  for (int a = 0; a < 2; a++)
    {
      gboolean started = FALSE;

      set_color (cr, a ? &accent : &fg, a ? 1 : 0.8);
      set_series_line (cr, a);
      for (guint i = 0; i < n; i++)
        {
          double v = session_value (&g_array_index (self->sessions, Session, i), a);

          if (!isfinite (v))
            continue;
          if (started)
            cairo_line_to (cr, X (i), Y (v));
          else
            cairo_move_to (cr, X (i), Y (v));
          started = TRUE;
        }
      cairo_stroke (cr);
      for (guint i = 0; i < n; i++)
        {
          double v = session_value (&g_array_index (self->sessions, Session, i), a);

          if (isfinite (v))
            draw_marker (cr, a, X (i), Y (v));
        }
    }

  /* The latest values, written to the right of their points, pushed apart when close. */
  {
    Session *last = &g_array_index (self->sessions, Session, n - 1);
    double ys[2] = { NAN, NAN };

    for (int a = 0; a < 2; a++)
      if (isfinite (session_value (last, a)))
        ys[a] = Y (session_value (last, a)) - line_h / 2.0;
    if (isfinite (ys[0]) && isfinite (ys[1]) && fabs (ys[0] - ys[1]) < line_h)
      {
        double mid = (ys[0] + ys[1]) / 2;
        int sign = ys[0] <= ys[1] ? -1 : 1;

        ys[0] = mid + sign * line_h / 2.0;
        ys[1] = mid - sign * line_h / 2.0;
      }
    for (int a = 0; a < 2; a++)
      {
        g_autofree char *text = NULL;

        if (!isfinite (ys[a]))
          continue;
        text = g_strdup_printf ("%.1f", session_value (last, a));
        set_color (cr, a ? &accent : &fg, 1);
        show_text (cr, layout, text, X (n - 1) + MARKER + 5, ys[a]);
      }
  }
#undef X
#undef Y
  cairo_destroy (cr);
}

static void
presso_history_chart_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else
    {
      *minimum = 180;
      *natural = 220;
    }
}

static void
presso_history_chart_finalize (GObject *object)
{
  PressoHistoryChart *self = PRESSO_HISTORY_CHART (object);

  g_array_unref (self->sessions);
  g_free (self->unit);
  G_OBJECT_CLASS (presso_history_chart_parent_class)->finalize (object);
}

static void
presso_history_chart_class_init (PressoHistoryChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = presso_history_chart_finalize;
  widget_class->snapshot = presso_history_chart_snapshot;
  widget_class->measure = presso_history_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "historychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
presso_history_chart_init (PressoHistoryChart *self)
{
  self->sessions = g_array_new (FALSE, TRUE, sizeof (Session));
  g_array_set_clear_func (self->sessions, clear_session);
}

/* ------------------------------------------------------------------ public API */

GtkWidget *
presso_history_chart_new (void)
{
  return g_object_new (PRESSO_TYPE_HISTORY_CHART, NULL);
}

void
presso_history_chart_set_sessions (PressoHistoryChart              *self,
                                   const PressoHistoryChartSession *sessions,
                                   guint                            n_sessions,
                                   const char                      *what,
                                   const char                      *unit)
{
  g_autoptr(GString) description = g_string_new (NULL);

  g_return_if_fail (PRESSO_IS_HISTORY_CHART (self));
  g_return_if_fail (sessions != NULL || n_sessions == 0);

  g_array_set_size (self->sessions, 0);
  g_free (self->unit);
  self->unit = g_strdup (unit);
  if (what != NULL)
    /* Translators: the start of the chart's description for screen readers: "Left calf, in cm." */
    g_string_append_printf (description, _("%s, in %s."), what, unit ? unit : "");
  for (guint i = 0; i < n_sessions; i++)
    {
      Session s = {
        sessions[i].date ? g_date_time_to_local (sessions[i].date) : NULL,
        sessions[i].before,
        sessions[i].after,
      };
      g_autofree char *day = s.date ? g_date_time_format (s.date, "%x") : g_strdup ("");

      g_array_append_val (self->sessions, s);
      /* Screen readers get the figures themselves, session by session. */
      g_string_append_printf (description, " %s:", day);
      if (isfinite (s.before))
        /* Translators: in the chart's description: the value before a session */
        g_string_append_printf (description, _(" before %.1f"), s.before);
      if (isfinite (s.before) && isfinite (s.after))
        g_string_append_c (description, ',');
      if (isfinite (s.after))
        /* Translators: in the chart's description: the value after a session */
        g_string_append_printf (description, _(" after %.1f"), s.after);
      g_string_append_c (description, ';');
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
presso_history_chart_get_n_sessions (PressoHistoryChart *self)
{
  g_return_val_if_fail (PRESSO_IS_HISTORY_CHART (self), 0);
  return self->sessions->len;
}

guint
presso_history_chart_get_n_values (PressoHistoryChart *self)
{
  guint n = 0;

  g_return_val_if_fail (PRESSO_IS_HISTORY_CHART (self), 0);
  for (guint i = 0; i < self->sessions->len; i++)
    {
      Session *s = &g_array_index (self->sessions, Session, i);

      n += isfinite (s->before) + isfinite (s->after);
    }
  return n;
}
