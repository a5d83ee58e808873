/* presso-pressure-graph.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The live chamber pressure graph: each chamber's measured pressure (a min/max band per pixel
 * column) and its target (dashed) over a sliding window of a PressoSampleBuffer.
 */
#pragma once

#include <gtk/gtk.h>

#include "presso-proto.h"
#include "presso-sample-buffer.h"

G_BEGIN_DECLS

/**
 * PressoGraphWindow:
 * @PRESSO_GRAPH_WINDOW_10S: the last 10 seconds
 * @PRESSO_GRAPH_WINDOW_60S: the last minute
 * @PRESSO_GRAPH_WINDOW_SESSION: everything the buffer holds, in a span that grows by steps
 *   as a live session goes on (at least 10 s)
 * @PRESSO_GRAPH_WINDOW_RECORD: a finished session's record: exactly its first to its last
 *   sample, however short
 */
typedef enum {
  PRESSO_GRAPH_WINDOW_10S,
  PRESSO_GRAPH_WINDOW_60S,
  PRESSO_GRAPH_WINDOW_SESSION,
  PRESSO_GRAPH_WINDOW_RECORD,
} PressoGraphWindow;

#define PRESSO_TYPE_GRAPH_WINDOW (presso_graph_window_get_type ())
GType presso_graph_window_get_type (void) G_GNUC_CONST;

#define PRESSO_TYPE_PRESSURE_GRAPH (presso_pressure_graph_get_type ())

G_DECLARE_FINAL_TYPE (PressoPressureGraph, presso_pressure_graph, PRESSO, PRESSURE_GRAPH, GtkWidget)

GtkWidget          *presso_pressure_graph_new                  (void);
PressoSampleBuffer *presso_pressure_graph_get_buffer           (PressoPressureGraph       *self);
void                presso_pressure_graph_set_buffer           (PressoPressureGraph       *self,
                                                                PressoSampleBuffer        *buffer);
PressoGraphWindow   presso_pressure_graph_get_window           (PressoPressureGraph       *self);
void                presso_pressure_graph_set_window           (PressoPressureGraph       *self,
                                                                PressoGraphWindow          window);
guint               presso_pressure_graph_get_visible_chambers (PressoPressureGraph       *self);
void                presso_pressure_graph_set_visible_chambers (PressoPressureGraph       *self,
                                                                guint                      mask);
void                presso_pressure_graph_set_chamber_visible  (PressoPressureGraph       *self,
                                                                guint                      chamber,
                                                                gboolean                   visible);
double              presso_pressure_graph_get_max_pressure     (PressoPressureGraph       *self);
void                presso_pressure_graph_set_max_pressure     (PressoPressureGraph       *self,
                                                                double                     mmhg);
void                presso_pressure_graph_set_outlets          (PressoPressureGraph       *self,
                                                                const presso_proto_outlet *outlets,
                                                                guint                      n_outlets);

G_END_DECLS
