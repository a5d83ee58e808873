/* presso-pressure-graph-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals of PressoPressureGraph for its tests and benchmark.
 */
#pragma once

#include "presso-pressure-graph.h"

G_BEGIN_DECLS

/* One frame's drawing minus the cached grid: reduction, curves, targets, labels, time axis,
 * hover readout.  What snapshot() does each frame, into any cairo context. */
void        _presso_pressure_graph_draw               (PressoPressureGraph *self,
                                                       cairo_t             *cr,
                                                       int                  width,
                                                       int                  height);
/* The static part (frame, mmHg grid and labels, legend) that snapshot() caches. */
void        _presso_pressure_graph_draw_grid          (PressoPressureGraph *self,
                                                       cairo_t             *cr,
                                                       int                  width,
                                                       int                  height);
/* Baseline for the benchmark: draw every raw row instead of the min/max reduction. */
void        _presso_pressure_graph_set_draw_raw       (PressoPressureGraph *self,
                                                       gboolean             draw_raw);
/* With caching off, every frame reduces and rasterises the whole window again (what a frame
 * costs after a change of window, size or scale; and the reference the caches are tested
 * against). */
void        _presso_pressure_graph_set_caching        (PressoPressureGraph *self,
                                                       gboolean             caching);
/* How many columns have been reduced from the buffer since the widget was made. */
guint64     _presso_pressure_graph_get_n_reduced      (PressoPressureGraph *self);
/* How many pixel columns of curves have been drawn since the widget was made. */
guint64     _presso_pressure_graph_get_n_rasterised   (PressoPressureGraph *self);
/* Pretends the pointer is at (x, y), or away when x < 0. */
void        _presso_pressure_graph_set_hover          (PressoPressureGraph *self,
                                                       double               x,
                                                       double               y);
/* How many times the widget has drawn itself. */
guint       _presso_pressure_graph_get_n_frames       (PressoPressureGraph *self);
/* The accessible description, as last given to assistive technologies, and a way to refresh
 * it now instead of at the next one-second tick. */
const char *_presso_pressure_graph_get_description    (PressoPressureGraph *self);
void        _presso_pressure_graph_update_description (PressoPressureGraph *self);

/* The chambers' numbers at the curves' ends, as the last frame placed them, top first: the
 * chamber (0-based), the top and height of its number, and where its curve ends (the leader
 * joins the two).  Arrays of PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS; returns how many. */
guint       _presso_pressure_graph_get_end_labels     (PressoPressureGraph *self,
                                                       guint               *chambers,
                                                       double              *y,
                                                       double              *height,
                                                       double              *curve_y);
/* The time span the last frame showed, and the session's first row (ms, buffer clock). */
void        _presso_pressure_graph_get_time_range     (PressoPressureGraph *self,
                                                       gint64              *t0,
                                                       gint64              *t1,
                                                       gint64              *t_first);

G_END_DECLS
