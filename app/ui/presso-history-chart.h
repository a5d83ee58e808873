/* presso-history-chart.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small line chart of one measurement over a client's course of sessions (weight, a limb
 * circumference): one point per session, in session order, the values written beside them.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PRESSO_TYPE_HISTORY_CHART (presso_history_chart_get_type ())
G_DECLARE_FINAL_TYPE (PressoHistoryChart, presso_history_chart, PRESSO, HISTORY_CHART, GtkWidget)

GtkWidget *presso_history_chart_new        (void);
/* @values: (array length=n_values): in session order; @unit: "kg", "cm" (translated). */
void       presso_history_chart_set_values (PressoHistoryChart *self,
                                            const double       *values,
                                            guint               n_values,
                                            const char         *unit);
guint      presso_history_chart_get_n_values (PressoHistoryChart *self);

G_END_DECLS
