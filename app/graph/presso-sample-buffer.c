/* presso-sample-buffer.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout.  Rows are stored row-major (one telemetry row = all chambers, contiguous), in a ring
 * of `capacity` rows addressed by the row's absolute number (rows appended since the last
 * clear) modulo the capacity:
 *   time      guint32 ms since the first row, one per row (explicit: a lost frame or a device
 *             hiccup leaves a visible gap instead of shifting everything after it)
 *   measured  gint16 0.1 mmHg × n_chambers per row
 *   target    gint16 0.1 mmHg × n_chambers per row
 *   active    guint8 active chamber per row
 * A full hour at 100 Hz for 32 chambers is 360 448 rows: 23 MB measured, 23 MB target,
 * 1.4 MB time, 0.4 MB active and 6.6 MB of summaries; 8 chambers need a quarter of that.
 *
 * Summaries.  Level l holds, for every aligned block of 8^(l+1) rows, the min and max measured
 * pressure of each chamber, updated as rows arrive.  The capacity is a multiple of the largest
 * block, so a block's slot is reused only once all of its rows have been overwritten: any block
 * lying wholly inside the valid rows is exact.  A range of rows reduces by taking, from its
 * start, the largest aligned block that fits, which costs at most 7 steps per level on each
 * side: a 60 min window in 1280 columns reads about 70 entries per column instead of 280 rows.
 */

#define G_LOG_DOMAIN "presso-graph"

#include "config.h"

#include <string.h>

#include "presso-sample-buffer.h"

#define BLOCK_SHIFT  3     /* blocks of 8, 64, 512, 4096, 32768 rows */
#define MAX_LEVELS   5

struct _PressoSampleBuffer
{
  GObject   parent_instance;

  guint     n_chambers;
  guint     rate_hz;
  gsize     capacity;
  guint     n_levels;

  guint64   n_appended;     /* absolute number of the next row */
  gint64    origin_ms;      /* time of the first row since the last clear */

  guint32  *time;
  gint16   *measured;
  gint16   *target;
  guint8   *active;
  gint16   *level_min[MAX_LEVELS];
  gint16   *level_max[MAX_LEVELS];
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PressoSampleBuffer, presso_sample_buffer, G_TYPE_OBJECT)

static inline gsize
block_rows (guint level)
{
  return (gsize) 1 << (BLOCK_SHIFT * (level + 1));
}

static inline guint64
oldest_row (PressoSampleBuffer *self)
{
  return self->n_appended > self->capacity ? self->n_appended - self->capacity : 0;
}

static inline gsize
slot (PressoSampleBuffer *self,
      guint64             row)
{
  return (gsize) (row % self->capacity);
}

static inline gint64
row_time (PressoSampleBuffer *self,
          guint64             row)
{
  return self->origin_ms + self->time[slot (self, row)];
}

/* First row in [oldest, n_appended) whose time is >= t (n_appended when none). */
static guint64
first_row_at_or_after (PressoSampleBuffer *self,
                       gint64              t)
{
  guint64 lo = oldest_row (self);
  guint64 hi = self->n_appended;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (row_time (self, mid) < t)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Folds one row or block into the running min and max of every chamber.  The fixed-length
 * inner loop is what lets the compiler use vector instructions at -O2. */
static inline void
combine (gint16       *restrict mn,
         gint16       *restrict mx,
         const gint16 *restrict lo,
         const gint16 *restrict hi,
         guint                   nc)
{
  guint c = 0;

  for (; c + 16 <= nc; c += 16)
    for (guint j = 0; j < 16; j++)
      {
        mn[c + j] = MIN (mn[c + j], lo[c + j]);
        mx[c + j] = MAX (mx[c + j], hi[c + j]);
      }
  for (; c < nc; c++)
    {
      mn[c] = MIN (mn[c], lo[c]);
      mx[c] = MAX (mx[c], hi[c]);
    }
}

/* Min and max of every chamber over rows [a, b), a < b, all valid. */
static void
reduce_rows (PressoSampleBuffer *self,
             guint64             a,
             guint64             b,
             gint16             *mn,
             gint16             *mx)
{
  guint nc = self->n_chambers;
  guint64 i = a;
  gsize s = slot (self, a);     /* i's slot, followed without a division per step */

  for (guint c = 0; c < nc; c++)
    {
      mn[c] = G_MAXINT16;
      mx[c] = G_MININT16;
    }

  while (i < b)
    {
      int level = -1;
      const gint16 *lo, *hi;

      for (int l = (int) self->n_levels - 1; l >= 0; l--)
        {
          gsize n = block_rows (l);

          if ((i & (n - 1)) == 0 && i + n <= b)
            {
              level = l;
              break;
            }
        }

      if (level < 0)
        {
          lo = hi = self->measured + s * nc;
          i++;
          s++;
        }
      else
        {
          /* i is aligned to the block and the capacity a multiple of it: the block's slot
           * is (i / n) mod (capacity / n), that is s / n */
          gsize n = block_rows (level);
          gsize bs = s >> (BLOCK_SHIFT * (level + 1));

          lo = self->level_min[level] + bs * nc;
          hi = self->level_max[level] + bs * nc;
          i += n;
          s += n;
        }
      if (s >= self->capacity)
        s -= self->capacity;

      combine (mn, mx, lo, hi, nc);
    }
}

static void
presso_sample_buffer_finalize (GObject *object)
{
  PressoSampleBuffer *self = (PressoSampleBuffer *)object;

  g_free (self->time);
  g_free (self->measured);
  g_free (self->target);
  g_free (self->active);
  for (guint l = 0; l < MAX_LEVELS; l++)
    {
      g_free (self->level_min[l]);
      g_free (self->level_max[l]);
    }

  G_OBJECT_CLASS (presso_sample_buffer_parent_class)->finalize (object);
}

static void
presso_sample_buffer_class_init (PressoSampleBufferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = presso_sample_buffer_finalize;

  /**
   * PressoSampleBuffer::changed:
   *
   * Rows were appended or the buffer was cleared.  Emitted once per append: views coalesce
   * it into at most one redraw per frame.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
presso_sample_buffer_init (PressoSampleBuffer *self)
{
}

static void
allocate (PressoSampleBuffer *self,
          guint               n_chambers,
          guint               rate_hz,
          gsize               rows)
{
  gsize largest;

  self->n_chambers = n_chambers;
  self->rate_hz = rate_hz;

  /* Levels whose blocks are at most a quarter of the buffer; the capacity is then rounded up
   * to a multiple of the largest block (see the comment at the top). */
  rows = MAX (rows, 8);
  self->n_levels = 0;
  while (self->n_levels < MAX_LEVELS && block_rows (self->n_levels) * 4 <= rows)
    self->n_levels++;
  largest = self->n_levels > 0 ? block_rows (self->n_levels - 1) : 1;
  self->capacity = (rows + largest - 1) / largest * largest;

  self->time = g_new0 (guint32, self->capacity);
  self->measured = g_new0 (gint16, self->capacity * n_chambers);
  self->target = g_new0 (gint16, self->capacity * n_chambers);
  self->active = g_new0 (guint8, self->capacity);
  for (guint l = 0; l < self->n_levels; l++)
    {
      gsize n = self->capacity / block_rows (l) * n_chambers;

      self->level_min[l] = g_new0 (gint16, n);
      self->level_max[l] = g_new0 (gint16, n);
    }
}

/* Stores one row without emitting anything; FALSE when its time goes backwards. */
static gboolean
store_row (PressoSampleBuffer *self,
           gint64              time_ms,
           const gint16       *measured_dmmhg,
           const gint16       *target_dmmhg,
           guint8              active_chamber)
{
  guint nc = self->n_chambers;
  guint64 row = self->n_appended;
  gsize s;

  if (row == 0)
    self->origin_ms = time_ms;
  else if (time_ms < row_time (self, row - 1))
    return FALSE;
  if (time_ms - self->origin_ms > G_MAXUINT32)
    return FALSE;

  s = slot (self, row);
  self->time[s] = (guint32) (time_ms - self->origin_ms);
  memcpy (self->measured + s * nc, measured_dmmhg, nc * sizeof (gint16));
  if (target_dmmhg != NULL)
    memcpy (self->target + s * nc, target_dmmhg, nc * sizeof (gint16));
  else
    memset (self->target + s * nc, 0, nc * sizeof (gint16));
  self->active[s] = active_chamber;

  for (guint l = 0; l < self->n_levels; l++)
    {
      gsize n = block_rows (l);
      gsize b = (gsize) ((row / n) % (self->capacity / n)) * nc;
      gint16 *mn = self->level_min[l] + b;
      gint16 *mx = self->level_max[l] + b;

      if ((row & (n - 1)) == 0)
        {
          memcpy (mn, measured_dmmhg, nc * sizeof (gint16));
          memcpy (mx, measured_dmmhg, nc * sizeof (gint16));
        }
      else
        {
          for (guint c = 0; c < nc; c++)
            {
              mn[c] = MIN (mn[c], measured_dmmhg[c]);
              mx[c] = MAX (mx[c], measured_dmmhg[c]);
            }
        }
    }

  self->n_appended++;
  return TRUE;
}

/**
 * presso_sample_buffer_new:
 * @n_chambers: chambers per row, 1 to 32
 * @rate_hz: nominal telemetry rate, used to size the ring and by views to tell gaps
 * @duration_s: how much history to keep: the ring holds at least @rate_hz × @duration_s rows,
 *   the oldest rows are dropped beyond that
 *
 * Returns: (transfer full): an empty buffer
 */
PressoSampleBuffer *
presso_sample_buffer_new (guint n_chambers,
                          guint rate_hz,
                          guint duration_s)
{
  PressoSampleBuffer *self;

  g_return_val_if_fail (n_chambers >= 1 && n_chambers <= PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS, NULL);
  g_return_val_if_fail (rate_hz >= 1, NULL);
  g_return_val_if_fail (duration_s >= 1, NULL);

  self = g_object_new (PRESSO_TYPE_SAMPLE_BUFFER, NULL);
  allocate (self, n_chambers, rate_hz, (gsize) rate_hz * duration_s);

  return self;
}

/**
 * presso_sample_buffer_new_from_trace:
 * @n_chambers: chambers per row, 1 to 32
 * @rate_hz: nominal rate the trace was recorded at
 * @n_rows: rows of the trace
 * @time_ms: (array length=n_rows): time of each row, non-decreasing
 * @measured_dmmhg: @n_rows × @n_chambers measured pressures, row-major
 * @target_dmmhg: (nullable): @n_rows × @n_chambers targets, row-major, or %NULL for none
 * @active_chamber: (nullable) (array length=n_rows): active chamber of each row, or %NULL
 *
 * Builds a buffer holding a whole stored trace, for replaying a finished session.  Rows whose
 * time goes backwards are skipped.
 *
 * Returns: (transfer full): the buffer
 */
PressoSampleBuffer *
presso_sample_buffer_new_from_trace (guint         n_chambers,
                                     guint         rate_hz,
                                     gsize         n_rows,
                                     const gint64 *time_ms,
                                     const gint16 *measured_dmmhg,
                                     const gint16 *target_dmmhg,
                                     const guint8 *active_chamber)
{
  PressoSampleBuffer *self;

  g_return_val_if_fail (n_chambers >= 1 && n_chambers <= PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS, NULL);
  g_return_val_if_fail (rate_hz >= 1, NULL);
  g_return_val_if_fail (n_rows == 0 || (time_ms != NULL && measured_dmmhg != NULL), NULL);

  self = g_object_new (PRESSO_TYPE_SAMPLE_BUFFER, NULL);
  allocate (self, n_chambers, rate_hz, MAX (n_rows, 1));

  for (gsize i = 0; i < n_rows; i++)
    store_row (self, time_ms[i],
               measured_dmmhg + i * n_chambers,
               target_dmmhg != NULL ? target_dmmhg + i * n_chambers : NULL,
               active_chamber != NULL ? active_chamber[i] : PRESSO_SAMPLE_BUFFER_NO_CHAMBER);

  return self;
}

guint
presso_sample_buffer_get_n_chambers (PressoSampleBuffer *self)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);

  return self->n_chambers;
}

guint
presso_sample_buffer_get_rate_hz (PressoSampleBuffer *self)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);

  return self->rate_hz;
}

/**
 * presso_sample_buffer_get_capacity:
 *
 * Returns: how many rows the ring holds before dropping the oldest (at least what was asked)
 */
gsize
presso_sample_buffer_get_capacity (PressoSampleBuffer *self)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);

  return self->capacity;
}

/**
 * presso_sample_buffer_get_n_rows:
 *
 * Returns: the rows held now (at most the capacity)
 */
gsize
presso_sample_buffer_get_n_rows (PressoSampleBuffer *self)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);

  return (gsize) (self->n_appended - oldest_row (self));
}

/**
 * presso_sample_buffer_get_n_appended:
 *
 * Returns: rows appended since creation or the last clear, dropped ones included; it changes
 *   with every append, so a view can tell whether anything is new
 */
guint64
presso_sample_buffer_get_n_appended (PressoSampleBuffer *self)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);

  return self->n_appended;
}

/**
 * presso_sample_buffer_get_time_range:
 * @first_ms: (out) (optional): time of the oldest row held
 * @last_ms: (out) (optional): time of the newest row
 *
 * Returns: %FALSE when the buffer is empty
 */
gboolean
presso_sample_buffer_get_time_range (PressoSampleBuffer *self,
                                     gint64             *first_ms,
                                     gint64             *last_ms)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), FALSE);

  if (self->n_appended == 0)
    return FALSE;
  if (first_ms != NULL)
    *first_ms = row_time (self, oldest_row (self));
  if (last_ms != NULL)
    *last_ms = row_time (self, self->n_appended - 1);

  return TRUE;
}

/**
 * presso_sample_buffer_append:
 * @time_ms: time of the row in ms on any clock that does not go backwards (device time or
 *   session time); not earlier than the previous row, at most 49 days after the first
 * @measured_dmmhg: (array): n_chambers measured pressures, 0.1 mmHg
 * @target_dmmhg: (nullable) (array): n_chambers targets, 0.1 mmHg, or %NULL for none (0)
 * @active_chamber: the chamber being inflated, or %PRESSO_SAMPLE_BUFFER_NO_CHAMBER
 *
 * Appends one telemetry row, dropping the oldest when the ring is full, and emits
 * #PressoSampleBuffer::changed.
 *
 * Returns: %FALSE (and stores nothing) when @time_ms is earlier than the previous row's
 */
gboolean
presso_sample_buffer_append (PressoSampleBuffer *self,
                             gint64              time_ms,
                             const gint16       *measured_dmmhg,
                             const gint16       *target_dmmhg,
                             guint8              active_chamber)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), FALSE);
  g_return_val_if_fail (measured_dmmhg != NULL, FALSE);

  if (!store_row (self, time_ms, measured_dmmhg, target_dmmhg, active_chamber))
    return FALSE;

  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * presso_sample_buffer_clear:
 *
 * Drops every row (a new session) and emits #PressoSampleBuffer::changed.
 */
void
presso_sample_buffer_clear (PressoSampleBuffer *self)
{
  g_return_if_fail (PRESSO_IS_SAMPLE_BUFFER (self));

  if (self->n_appended == 0)
    return;

  self->n_appended = 0;
  self->origin_ms = 0;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
copy_row (PressoSampleBuffer *self,
          guint64             row,
          gint16             *measured_dmmhg,
          gint16             *target_dmmhg,
          guint8             *active_chamber)
{
  gsize s = slot (self, row);
  gsize nc = self->n_chambers;

  if (measured_dmmhg != NULL)
    memcpy (measured_dmmhg, self->measured + s * nc, nc * sizeof (gint16));
  if (target_dmmhg != NULL)
    memcpy (target_dmmhg, self->target + s * nc, nc * sizeof (gint16));
  if (active_chamber != NULL)
    *active_chamber = self->active[s];
}

/**
 * presso_sample_buffer_get_latest:
 * @time_ms: (out) (optional): time of the newest row
 * @measured_dmmhg: (out caller-allocates) (optional): n_chambers values
 * @target_dmmhg: (out caller-allocates) (optional): n_chambers values
 * @active_chamber: (out) (optional): active chamber of the newest row
 *
 * Returns: %FALSE (and leaves the outputs alone) when the buffer is empty
 */
gboolean
presso_sample_buffer_get_latest (PressoSampleBuffer *self,
                                 gint64             *time_ms,
                                 gint16             *measured_dmmhg,
                                 gint16             *target_dmmhg,
                                 guint8             *active_chamber)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), FALSE);

  if (self->n_appended == 0)
    return FALSE;

  if (time_ms != NULL)
    *time_ms = row_time (self, self->n_appended - 1);
  copy_row (self, self->n_appended - 1, measured_dmmhg, target_dmmhg, active_chamber);

  return TRUE;
}

/**
 * presso_sample_buffer_lookup:
 * @time_ms: a time
 * @row_time_ms: (out) (optional): time of the row found
 * @measured_dmmhg: (out caller-allocates) (optional): n_chambers values
 * @target_dmmhg: (out caller-allocates) (optional): n_chambers values
 * @active_chamber: (out) (optional)
 *
 * Finds the row nearest to @time_ms (the hover readout of the graph).
 *
 * Returns: %FALSE when the buffer is empty
 */
gboolean
presso_sample_buffer_lookup (PressoSampleBuffer *self,
                             gint64              time_ms,
                             gint64             *row_time_ms,
                             gint16             *measured_dmmhg,
                             gint16             *target_dmmhg,
                             guint8             *active_chamber)
{
  guint64 row;

  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), FALSE);

  if (self->n_appended == 0)
    return FALSE;

  row = first_row_at_or_after (self, time_ms);
  if (row == self->n_appended)
    row--;
  else if (row > oldest_row (self) &&
           time_ms - row_time (self, row - 1) < row_time (self, row) - time_ms)
    row--;

  if (row_time_ms != NULL)
    *row_time_ms = row_time (self, row);
  copy_row (self, row, measured_dmmhg, target_dmmhg, active_chamber);

  return TRUE;
}

/**
 * presso_sample_buffer_reduce:
 * @t0_ms: start of the window
 * @t1_ms: end of the window, included
 * @n_columns: columns to reduce the window to
 * @columns: (out caller-allocates): @n_columns × n_chambers entries, column-major: chamber c
 *   of column i is `columns[i * n_chambers + c]`
 * @counts: (out caller-allocates) (optional): @n_columns row counts, 0 for a column without
 *   rows (its entries of @columns are then left as they were)
 *
 * Splits [@t0_ms, @t1_ms] into @n_columns equal spans (a row at time t falls in column
 * floor ((t − t0) · n / span), span = t1 − t0 + 1 ms) and reduces the rows of each
 * to the min and max measured pressure, the last measured pressure and the last target, per
 * chamber.  Costs O(@n_columns × log rows) whatever the window's length.
 *
 * Returns: the number of columns holding at least one row
 */
/* Reduces the rows from *a (its first row at or after the column's start) up to end, excluded,
 * into col; moves *a past them.  Returns the number of rows (0: col left as it was). */
static guint64
reduce_column (PressoSampleBuffer *self,
               guint64            *a,
               gint64              end,
               PressoSampleColumn *col)
{
  gint16 mn[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  gint16 mx[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  guint nc = self->n_chambers;
  guint64 b, n;
  gsize last, sb;
  gint64 end_rel = end - self->origin_ms;

  if (*a >= self->n_appended || row_time (self, *a) >= end)
    return 0;

  /* Columns are short next to the data: walk a few rows (following the slot instead of
   * dividing for each) before searching. */
  b = *a + 1;
  sb = slot (self, b);
  while (b < self->n_appended && b < *a + 8 && (gint64) self->time[sb] < end_rel)
    {
      b++;
      if (++sb == self->capacity)
        sb = 0;
    }
  if (b < self->n_appended && (gint64) self->time[sb] < end_rel)
    {
      b = first_row_at_or_after (self, end);
      sb = slot (self, b);
    }

  reduce_rows (self, *a, b, mn, mx);
  last = (sb == 0 ? self->capacity - 1 : sb - 1) * nc;
  for (guint c = 0; c < nc; c++)
    {
      col[c].min_dmmhg = mn[c];
      col[c].max_dmmhg = mx[c];
      col[c].target_dmmhg = self->target[last + c];
      col[c].last_dmmhg = self->measured[last + c];
    }
  n = b - *a;
  *a = b;

  return n;
}

/**
 * presso_sample_buffer_reduce:
 * @t0_ms: start of the window
 * @t1_ms: end of the window, included
 * @n_columns: columns to reduce the window to
 * @columns: (out caller-allocates): @n_columns × n_chambers entries, column-major: chamber c
 *   of column i is `columns[i * n_chambers + c]`
 * @counts: (out caller-allocates) (optional): @n_columns row counts, 0 for a column without
 *   rows (its entries of @columns are then left as they were)
 *
 * Splits [@t0_ms, @t1_ms] into @n_columns equal spans (a row at time t falls in column
 * floor ((t − t0) · n / span), span = t1 − t0 + 1 ms) and reduces the rows of each
 * to the min and max measured pressure, the last measured pressure and the last target, per
 * chamber.  Costs O(@n_columns × log rows) whatever the window's length.
 *
 * Returns: the number of columns holding at least one row
 */
guint
presso_sample_buffer_reduce (PressoSampleBuffer *self,
                             gint64              t0_ms,
                             gint64              t1_ms,
                             guint               n_columns,
                             PressoSampleColumn *columns,
                             guint              *counts)
{
  guint nc, filled = 0;
  gint64 span;
  guint64 a;

  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);
  g_return_val_if_fail (n_columns == 0 || columns != NULL, 0);

  if (counts != NULL)
    memset (counts, 0, n_columns * sizeof (guint));
  if (n_columns == 0 || t1_ms < t0_ms || self->n_appended == 0)
    return 0;

  nc = self->n_chambers;
  span = t1_ms - t0_ms + 1;
  a = first_row_at_or_after (self, t0_ms);

  for (guint i = 0; i < n_columns && a < self->n_appended; i++)
    {
      /* Column i holds the rows whose time t has floor ((t - t0) · n / span) == i. */
      gint64 end = t0_ms + ((gint64) (i + 1) * span + n_columns - 1) / n_columns;
      guint64 n;

      if (i + 1 == n_columns)
        end = t1_ms + 1;
      n = reduce_column (self, &a, end, columns + (gsize) i * nc);
      if (n == 0)
        continue;
      if (counts != NULL)
        counts[i] = (guint) MIN (n, G_MAXUINT);
      filled++;
    }

  return filled;
}

/**
 * presso_sample_buffer_reduce_edges:
 * @edges_ms: (array length=n_columns+1): @n_columns + 1 column edges in ms, not decreasing:
 *   column i holds the rows at times t with `edges_ms[i] <= t < edges_ms[i + 1]`
 * @n_columns: columns to reduce
 * @columns: (out caller-allocates): as for presso_sample_buffer_reduce()
 * @counts: (out caller-allocates) (optional): as for presso_sample_buffer_reduce()
 *
 * Like presso_sample_buffer_reduce() with columns given by their edges, so that a caller can
 * keep columns aligned to absolute time and reduce only those that changed.
 *
 * Returns: the number of columns holding at least one row
 */
guint
presso_sample_buffer_reduce_edges (PressoSampleBuffer *self,
                                   const gint64       *edges_ms,
                                   guint               n_columns,
                                   PressoSampleColumn *columns,
                                   guint              *counts)
{
  guint nc, filled = 0;
  guint64 a;

  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);
  g_return_val_if_fail (n_columns == 0 || (columns != NULL && edges_ms != NULL), 0);

  if (counts != NULL)
    memset (counts, 0, n_columns * sizeof (guint));
  if (n_columns == 0 || self->n_appended == 0)
    return 0;

  nc = self->n_chambers;
  a = first_row_at_or_after (self, edges_ms[0]);

  for (guint i = 0; i < n_columns && a < self->n_appended; i++)
    {
      guint64 n = reduce_column (self, &a, edges_ms[i + 1], columns + (gsize) i * nc);

      if (n == 0)
        continue;
      if (counts != NULL)
        counts[i] = (guint) MIN (n, G_MAXUINT);
      filled++;
    }

  return filled;
}

/**
 * presso_sample_buffer_get_start_time:
 * @start_ms: (out) (optional): time of the first row appended since the buffer was created or
 *   cleared, even once the ring has dropped it
 *
 * The session's start, for elapsed-time labels that do not move when the ring wraps.
 *
 * Returns: %FALSE when nothing was appended since the last clear
 */
gboolean
presso_sample_buffer_get_start_time (PressoSampleBuffer *self,
                                     gint64             *start_ms)
{
  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), FALSE);

  if (self->n_appended == 0)
    return FALSE;
  if (start_ms != NULL)
    *start_ms = self->origin_ms;

  return TRUE;
}

/**
 * presso_sample_buffer_foreach_row:
 * @t0_ms: start of the window
 * @t1_ms: end of the window, included
 * @func: (scope call): called for each row in the window, oldest first
 * @user_data: passed to @func
 *
 * Visits every row in a window (exports, and the benchmark's raw baseline).
 *
 * Returns: the rows visited
 */
gsize
presso_sample_buffer_foreach_row (PressoSampleBuffer *self,
                                  gint64              t0_ms,
                                  gint64              t1_ms,
                                  void              (*func) (gint64        time_ms,
                                                             const gint16 *measured_dmmhg,
                                                             const gint16 *target_dmmhg,
                                                             gpointer      user_data),
                                  gpointer            user_data)
{
  guint64 row;
  gsize n = 0;

  g_return_val_if_fail (PRESSO_IS_SAMPLE_BUFFER (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  if (t1_ms < t0_ms)
    return 0;

  for (row = first_row_at_or_after (self, t0_ms);
       row < self->n_appended && row_time (self, row) <= t1_ms;
       row++, n++)
    {
      gsize s = slot (self, row) * self->n_chambers;

      func (row_time (self, row), self->measured + s, self->target + s, user_data);
    }

  return n;
}
