/* presso-sample-buffer.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-chamber ring buffer of telemetry samples, with min/max summaries so that a window of any
 * length reduces to N screen columns in time proportional to N, not to the samples.
 * GLib only: the graph widgets draw it, the session feeds it, tests drive it without a display.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS 32
/* Telemetry "no active chamber" (PRESSO_PROTO_NO_CHAMBER). */
#define PRESSO_SAMPLE_BUFFER_NO_CHAMBER   0xFF

/**
 * PressoSampleColumn:
 * @min_dmmhg: lowest measured pressure in the column, 0.1 mmHg
 * @max_dmmhg: highest measured pressure in the column, 0.1 mmHg
 * @target_dmmhg: target of the column's last sample, 0.1 mmHg (targets are steps, so the
 *   last value is exact whenever a step lasts longer than a column)
 * @last_dmmhg: measured pressure of the column's last sample, 0.1 mmHg
 *
 * One chamber's reduction of one screen column.  Only meaningful when the column's sample
 * count (see presso_sample_buffer_reduce()) is not 0.
 */
typedef struct {
  gint16 min_dmmhg;
  gint16 max_dmmhg;
  gint16 target_dmmhg;
  gint16 last_dmmhg;
} PressoSampleColumn;

#define PRESSO_TYPE_SAMPLE_BUFFER (presso_sample_buffer_get_type ())

G_DECLARE_FINAL_TYPE (PressoSampleBuffer, presso_sample_buffer, PRESSO, SAMPLE_BUFFER, GObject)

PressoSampleBuffer *presso_sample_buffer_new              (guint               n_chambers,
                                                           guint               rate_hz,
                                                           guint               duration_s);
PressoSampleBuffer *presso_sample_buffer_new_from_trace   (guint               n_chambers,
                                                           guint               rate_hz,
                                                           gsize               n_rows,
                                                           const gint64       *time_ms,
                                                           const gint16       *measured_dmmhg,
                                                           const gint16       *target_dmmhg,
                                                           const guint8       *active_chamber);
guint               presso_sample_buffer_get_n_chambers   (PressoSampleBuffer *self);
guint               presso_sample_buffer_get_rate_hz      (PressoSampleBuffer *self);
gsize               presso_sample_buffer_get_capacity     (PressoSampleBuffer *self);
gsize               presso_sample_buffer_get_n_rows       (PressoSampleBuffer *self);
guint64             presso_sample_buffer_get_n_appended   (PressoSampleBuffer *self);
gboolean            presso_sample_buffer_get_time_range   (PressoSampleBuffer *self,
                                                           gint64             *first_ms,
                                                           gint64             *last_ms);
gboolean            presso_sample_buffer_append           (PressoSampleBuffer *self,
                                                           gint64              time_ms,
                                                           const gint16       *measured_dmmhg,
                                                           const gint16       *target_dmmhg,
                                                           guint8              active_chamber);
void                presso_sample_buffer_clear            (PressoSampleBuffer *self);
gboolean            presso_sample_buffer_get_latest       (PressoSampleBuffer *self,
                                                           gint64             *time_ms,
                                                           gint16             *measured_dmmhg,
                                                           gint16             *target_dmmhg,
                                                           guint8             *active_chamber);
gboolean            presso_sample_buffer_lookup           (PressoSampleBuffer *self,
                                                           gint64              time_ms,
                                                           gint64             *row_time_ms,
                                                           gint16             *measured_dmmhg,
                                                           gint16             *target_dmmhg,
                                                           guint8             *active_chamber);
guint               presso_sample_buffer_reduce           (PressoSampleBuffer *self,
                                                           gint64              t0_ms,
                                                           gint64              t1_ms,
                                                           guint               n_columns,
                                                           PressoSampleColumn *columns,
                                                           guint              *counts);
guint               presso_sample_buffer_reduce_edges     (PressoSampleBuffer *self,
                                                           const gint64       *edges_ms,
                                                           guint               n_columns,
                                                           PressoSampleColumn *columns,
                                                           guint              *counts);
gboolean            presso_sample_buffer_get_start_time   (PressoSampleBuffer *self,
                                                           gint64             *start_ms);
gsize               presso_sample_buffer_foreach_row      (PressoSampleBuffer *self,
                                                           gint64              t0_ms,
                                                           gint64              t1_ms,
                                                           void              (*func) (gint64        time_ms,
                                                                                      const gint16 *measured_dmmhg,
                                                                                      const gint16 *target_dmmhg,
                                                                                      gpointer      user_data),
                                                           gpointer            user_data);

G_END_DECLS
