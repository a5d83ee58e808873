/* presso-history-chart.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small chart of one measurement over a client's course of sessions (a limb circumference,
 * the weight): the sessions in order along the x axis, labelled with their dates; a y axis
 * with the unit; the value before each session and the value after it as two series told
 * apart by line and marker (dashed with open circles, solid with filled squares), not by
 * colour alone.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * PressoHistoryChartSession:
 * @date: (nullable): when the session started (UTC or local: shown in local time)
 * @before: the value before it, or NAN
 * @after: the value after it, or NAN
 */
typedef struct
{
  GDateTime *date;
  double     before;
  double     after;
} PressoHistoryChartSession;

#define PRESSO_TYPE_HISTORY_CHART (presso_history_chart_get_type ())
G_DECLARE_FINAL_TYPE (PressoHistoryChart, presso_history_chart, PRESSO, HISTORY_CHART, GtkWidget)

GtkWidget *presso_history_chart_new            (void);
/* @sessions: (array length=n_sessions): in session order (copied); @what: the point's name,
 * for the description read to screen readers; @unit: "cm", "kg" (translated). */
void       presso_history_chart_set_sessions   (PressoHistoryChart              *self,
                                                const PressoHistoryChartSession *sessions,
                                                guint                            n_sessions,
                                                const char                      *what,
                                                const char                      *unit);
/* Sessions along the x axis. */
guint      presso_history_chart_get_n_sessions (PressoHistoryChart *self);
/* Points drawn: the before and after values there are. */
guint      presso_history_chart_get_n_values   (PressoHistoryChart *self);

G_END_DECLS
