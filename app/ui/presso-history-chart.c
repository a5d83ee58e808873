/* presso-history-chart.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn with cairo in snapshot (GTK 4.8), colours from the widget's style so that dark mode
 * and high contrast follow; each value is also written as text, never carried by colour.
 */
#define G_LOG_DOMAIN "presso-history"
#include "config.h"

#include <math.h>

#include "presso-history-chart.h"

struct _PressoHistoryChart
{
  GtkWidget  parent_instance;

  GArray    *values;   /* double */
  char      *unit;
};

G_DEFINE_FINAL_TYPE (PressoHistoryChart, presso_history_chart, GTK_TYPE_WIDGET)

#define PAD 24.0

static void
presso_history_chart_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  PressoHistoryChart *self = PRESSO_HISTORY_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  guint n = self->values->len;
  cairo_t *cr;

  if (n == 0 || width <= 2 * PAD || height <= 2 * PAD)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  for (guint i = 0; i < n; i++)
    {
      lo = MIN (lo, g_array_index (self->values, double, i));
      hi = MAX (hi, g_array_index (self->values, double, i));
    }
  /* A flat course (or a single session) sits in the middle. */
  if (hi - lo < 1.0)
    {
      double mid = (hi + lo) / 2;

      lo = mid - 0.5;
      hi = mid + 0.5;
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Baseline, faint. */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, PAD, height - PAD + 0.5);
  cairo_line_to (cr, width - PAD, height - PAD + 0.5);
  cairo_stroke (cr);

  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.9);
  cairo_set_line_width (cr, 2);
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);
      double x = n == 1 ? width / 2.0 : PAD + i * (width - 2 * PAD) / (n - 1);
      double y = height - PAD - (v - lo) / (hi - lo) * (height - 2 * PAD);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);
      double x = n == 1 ? width / 2.0 : PAD + i * (width - 2 * PAD) / (n - 1);
      double y = height - PAD - (v - lo) / (hi - lo) * (height - 2 * PAD);
      g_autofree char *text = g_strdup_printf ("%.1f %s", v, self->unit ? self->unit : "");
      cairo_text_extents_t extents;

      cairo_arc (cr, x, y, 3.5, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_text_extents (cr, text, &extents);
      cairo_move_to (cr, CLAMP (x - extents.width / 2, 0, width - extents.width), MAX (y - 8, 12));
      cairo_show_text (cr, text);
    }
  cairo_destroy (cr);
}

static void
presso_history_chart_finalize (GObject *object)
{
  PressoHistoryChart *self = PRESSO_HISTORY_CHART (object);

  g_array_unref (self->values);
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
  gtk_widget_class_set_css_name (widget_class, "historychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
presso_history_chart_init (PressoHistoryChart *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_size_request (GTK_WIDGET (self), -1, 120);
}

GtkWidget *
presso_history_chart_new (void)
{
  return g_object_new (PRESSO_TYPE_HISTORY_CHART, NULL);
}

void
presso_history_chart_set_values (PressoHistoryChart *self,
                                 const double       *values,
                                 guint               n_values,
                                 const char         *unit)
{
  g_autoptr(GString) description = g_string_new (NULL);

  g_return_if_fail (PRESSO_IS_HISTORY_CHART (self));
  g_return_if_fail (values != NULL || n_values == 0);

  g_array_set_size (self->values, 0);
  g_array_append_vals (self->values, values, n_values);
  g_free (self->unit);
  self->unit = g_strdup (unit);
  /* Screen readers get the figures themselves. */
  for (guint i = 0; i < n_values; i++)
    g_string_append_printf (description, "%s%.1f %s", i ? ", " : "", values[i], unit ? unit : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
presso_history_chart_get_n_values (PressoHistoryChart *self)
{
  g_return_val_if_fail (PRESSO_IS_HISTORY_CHART (self), 0);
  return self->values->len;
}
