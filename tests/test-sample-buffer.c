/* test-sample-buffer.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The graph's sample buffer: what it keeps, what it drops, and reductions checked row by row
 * against a brute-force reduction of the same data kept on the side.
 */

#include "config.h"

#include <string.h>

#include "presso-sample-buffer.h"

/* The test's own copy of every row appended, to reduce by brute force. */
typedef struct {
  guint   nc;
  GArray *time;       /* gint64 */
  GArray *measured;   /* gint16 × nc */
  GArray *target;     /* gint16 × nc */
} Trace;

static Trace *
trace_new (guint nc)
{
  Trace *t = g_new0 (Trace, 1);

  t->nc = nc;
  t->time = g_array_new (FALSE, FALSE, sizeof (gint64));
  t->measured = g_array_new (FALSE, FALSE, sizeof (gint16));
  t->target = g_array_new (FALSE, FALSE, sizeof (gint16));
  return t;
}

static void
trace_free (Trace *t)
{
  g_array_unref (t->time);
  g_array_unref (t->measured);
  g_array_unref (t->target);
  g_free (t);
}

/* Appends n random rows to both; times advance 0..3 periods (gaps and repeats included). */
static void
fill_random (PressoSampleBuffer *buf,
             Trace              *t,
             GRand              *rand,
             gsize               n,
             gint64             *now)
{
  gint16 m[32], g[32];

  for (gsize i = 0; i < n; i++)
    {
      guint step = g_rand_int_range (rand, 0, 100);

      /* mostly the nominal 10 ms, sometimes the same ms, sometimes a gap of seconds */
      *now += step < 3 ? 0 : step < 97 ? 10 : g_rand_int_range (rand, 11, 3000);
      for (guint c = 0; c < t->nc; c++)
        {
          m[c] = (gint16) g_rand_int_range (rand, -50, 1500);
          g[c] = (gint16) g_rand_int_range (rand, 0, 1200);
        }
      g_assert_true (presso_sample_buffer_append (buf, *now, m, g, (guint8) (i % t->nc)));
      g_array_append_val (t->time, *now);
      g_array_append_vals (t->measured, m, t->nc);
      g_array_append_vals (t->target, g, t->nc);
    }
}

/* Compares a reduction with the brute-force one over the rows the buffer still holds. */
static void
check_reduce (PressoSampleBuffer *buf,
              Trace              *t,
              gsize               first_row,
              gint64              t0,
              gint64              t1,
              guint               n)
{
  guint nc = t->nc;
  g_autofree PressoSampleColumn *got = g_new0 (PressoSampleColumn, (gsize) n * nc);
  g_autofree PressoSampleColumn *want = g_new0 (PressoSampleColumn, (gsize) n * nc);
  g_autofree guint *got_counts = g_new0 (guint, n);
  g_autofree guint *want_counts = g_new0 (guint, n);
  guint filled, want_filled = 0;
  gint64 span = t1 - t0 + 1;

  for (gsize r = first_row; r < t->time->len; r++)
    {
      gint64 ts = g_array_index (t->time, gint64, r);
      guint col;

      if (ts < t0 || ts > t1)
        continue;
      col = (guint) ((ts - t0) * (gint64) n / span);
      g_assert_cmpuint (col, <, n);
      for (guint c = 0; c < nc; c++)
        {
          PressoSampleColumn *w = &want[col * nc + c];
          gint16 v = g_array_index (t->measured, gint16, r * nc + c);

          if (want_counts[col] == 0)
            w->min_dmmhg = w->max_dmmhg = v;
          w->min_dmmhg = MIN (w->min_dmmhg, v);
          w->max_dmmhg = MAX (w->max_dmmhg, v);
          w->last_dmmhg = v;
          w->target_dmmhg = g_array_index (t->target, gint16, r * nc + c);
        }
      want_counts[col]++;
    }
  for (guint i = 0; i < n; i++)
    want_filled += want_counts[i] > 0;

  /* the same columns, once split by the buffer and once given by their edges */
  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 0)
        filled = presso_sample_buffer_reduce (buf, t0, t1, n, got, got_counts);
      else
        {
          g_autofree gint64 *edges = g_new (gint64, n + 1);

          for (guint i = 0; i <= n; i++)
            edges[i] = t0 + ((gint64) i * span + n - 1) / n;
          edges[n] = t1 + 1;
          memset (got, 0, (gsize) n * nc * sizeof *got);
          filled = presso_sample_buffer_reduce_edges (buf, edges, n, got, got_counts);
        }
      g_assert_cmpuint (filled, ==, want_filled);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpuint (got_counts[i], ==, want_counts[i]);
          if (want_counts[i] == 0)
            continue;
          for (guint c = 0; c < nc; c++)
            {
              PressoSampleColumn *g = &got[i * nc + c], *w = &want[i * nc + c];

              g_assert_cmpint (g->min_dmmhg, ==, w->min_dmmhg);
              g_assert_cmpint (g->max_dmmhg, ==, w->max_dmmhg);
              g_assert_cmpint (g->last_dmmhg, ==, w->last_dmmhg);
              g_assert_cmpint (g->target_dmmhg, ==, w->target_dmmhg);
            }
        }
    }
}

static void
count_changed_cb (PressoSampleBuffer *buf,
                  guint              *n)
{
  (*n)++;
}

static void
test_append (void)
{
  g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (3, 100, 60);
  gint16 m[3] = { 100, 200, 300 }, g[3] = { 450, 450, 0 };
  gint16 om[3], og[3];
  gint64 first, last, t;
  guint8 active;
  guint changed = 0;

  g_assert_cmpuint (presso_sample_buffer_get_n_chambers (buf), ==, 3);
  g_assert_cmpuint (presso_sample_buffer_get_rate_hz (buf), ==, 100);
  g_assert_cmpuint (presso_sample_buffer_get_capacity (buf), >=, 6000);
  g_assert_cmpuint (presso_sample_buffer_get_n_rows (buf), ==, 0);
  g_assert_false (presso_sample_buffer_get_latest (buf, &t, om, og, &active));
  g_assert_false (presso_sample_buffer_get_time_range (buf, &first, &last));

  g_signal_connect (buf, "changed", G_CALLBACK (count_changed_cb), &changed);
  g_assert_true (presso_sample_buffer_append (buf, 5000, m, g, 1));
  m[1] = 250;
  g_assert_true (presso_sample_buffer_append (buf, 5010, m, NULL, 2));
  g_assert_cmpuint (changed, ==, 2);

  /* a row from the past is refused and changes nothing */
  g_assert_false (presso_sample_buffer_append (buf, 5005, m, g, 0));
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (presso_sample_buffer_get_n_rows (buf), ==, 2);

  g_assert_true (presso_sample_buffer_get_time_range (buf, &first, &last));
  g_assert_cmpint (first, ==, 5000);
  g_assert_cmpint (last, ==, 5010);
  g_assert_true (presso_sample_buffer_get_latest (buf, &t, om, og, &active));
  g_assert_cmpint (t, ==, 5010);
  g_assert_cmpint (om[1], ==, 250);
  g_assert_cmpint (og[0], ==, 0);   /* NULL targets read back as 0 */
  g_assert_cmpuint (active, ==, 2);

  /* the hover readout picks the nearest row */
  g_assert_true (presso_sample_buffer_lookup (buf, 5004, &t, om, og, &active));
  g_assert_cmpint (t, ==, 5000);
  g_assert_cmpint (om[1], ==, 200);
  g_assert_cmpint (og[1], ==, 450);
  g_assert_true (presso_sample_buffer_lookup (buf, 5006, &t, om, NULL, NULL));
  g_assert_cmpint (t, ==, 5010);
  g_assert_true (presso_sample_buffer_lookup (buf, -100000, &t, NULL, NULL, NULL));
  g_assert_cmpint (t, ==, 5000);
  g_assert_true (presso_sample_buffer_lookup (buf, 100000, &t, NULL, NULL, NULL));
  g_assert_cmpint (t, ==, 5010);

  presso_sample_buffer_clear (buf);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (presso_sample_buffer_get_n_rows (buf), ==, 0);
  g_assert_false (presso_sample_buffer_get_latest (buf, NULL, NULL, NULL, NULL));
  /* after a clear, time may start again from anywhere */
  g_assert_true (presso_sample_buffer_append (buf, 10, m, g, 0));
  g_assert_true (presso_sample_buffer_get_time_range (buf, &first, &last));
  g_assert_cmpint (first, ==, 10);
}

static void
test_wrap_around (void)
{
  g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (4, 100, 40);   /* 4000 rows */
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Trace *t = trace_new (4);
  gsize cap = presso_sample_buffer_get_capacity (buf);
  gsize dropped;
  gint64 now = 0, first, last;

  g_assert_cmpuint (cap, >=, 4000);
  fill_random (buf, t, rand, cap * 2 + 1234, &now);
  dropped = t->time->len - cap;

  /* full: exactly the newest `capacity` rows are held */
  g_assert_cmpuint (presso_sample_buffer_get_n_rows (buf), ==, cap);
  g_assert_cmpuint (presso_sample_buffer_get_n_appended (buf), ==, t->time->len);
  g_assert_true (presso_sample_buffer_get_time_range (buf, &first, &last));
  g_assert_cmpint (first, ==, g_array_index (t->time, gint64, dropped));
  g_assert_cmpint (last, ==, now);

  /* dropped rows take no part in a reduction, even a window reaching back before them */
  check_reduce (buf, t, dropped, 0, now, 1280);
  check_reduce (buf, t, dropped, first - 1000, first + 500, 100);
  check_reduce (buf, t, dropped, first, last, 1);
  check_reduce (buf, t, dropped, first, last, 7);

  /* the session's start is still known: elapsed times do not jump when the ring wraps */
  g_assert_true (presso_sample_buffer_get_start_time (buf, &first));
  g_assert_cmpint (first, ==, g_array_index (t->time, gint64, 0));
  g_assert_cmpint (first, <, g_array_index (t->time, gint64, dropped));
  presso_sample_buffer_clear (buf);
  g_assert_false (presso_sample_buffer_get_start_time (buf, &first));

  trace_free (t);
}

static void
test_reduce_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);

  for (guint round = 0; round < 6; round++)
    {
      guint nc = g_rand_int_range (rand, 1, 33);
      g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (nc, 100, 150);
      Trace *t = trace_new (nc);
      gsize n_rows = g_rand_int_range (rand, 1, 40000);
      gint64 now = g_rand_int_range (rand, 0, 100000);
      gsize first_row;
      gint64 first, last;

      fill_random (buf, t, rand, n_rows, &now);
      first_row = t->time->len - presso_sample_buffer_get_n_rows (buf);
      g_assert_true (presso_sample_buffer_get_time_range (buf, &first, &last));

      for (guint q = 0; q < 12; q++)
        {
          gint64 a = g_rand_int_range (rand, (gint32) (first - 500), (gint32) (last + 500));
          gint64 b = a + g_rand_int_range (rand, 0, (gint32) (last - first + 1000));
          guint n = g_rand_int_range (rand, 1, 1500);

          check_reduce (buf, t, first_row, a, b, n);
        }
      /* the whole session, as the graph asks it */
      check_reduce (buf, t, first_row, first, last, 1280);
      trace_free (t);
    }
}

static void
test_edges (void)
{
  g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (2, 100, 10);
  PressoSampleColumn cols[2 * 10];
  guint counts[10];
  gint16 m[2] = { 300, -20 }, g[2] = { 400, 0 };

  /* empty buffer: nothing, and every count says so */
  memset (counts, 0xff, sizeof counts);
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 0, 10000, 10, cols, counts), ==, 0);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (counts[i], ==, 0);

  /* one sample: one column, exactly where its time falls */
  presso_sample_buffer_append (buf, 1000, m, g, 0);
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 0, 9999, 10, cols, counts), ==, 1);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (counts[i], ==, i == 1 ? 1 : 0);
  g_assert_cmpint (cols[1 * 2 + 0].min_dmmhg, ==, 300);
  g_assert_cmpint (cols[1 * 2 + 0].max_dmmhg, ==, 300);
  g_assert_cmpint (cols[1 * 2 + 1].min_dmmhg, ==, -20);
  g_assert_cmpint (cols[1 * 2 + 0].target_dmmhg, ==, 400);

  /* the window's ends are included */
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 1000, 1000, 1, cols, counts), ==, 1);
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 0, 1000, 10, cols, counts), ==, 1);
  g_assert_cmpuint (counts[9], ==, 1);
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 1001, 5000, 10, cols, counts), ==, 0);
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 0, 999, 10, cols, counts), ==, 0);

  /* a reversed window, or no columns: nothing */
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 2000, 1000, 10, cols, counts), ==, 0);
  g_assert_cmpuint (presso_sample_buffer_reduce (buf, 0, 2000, 0, cols, NULL), ==, 0);

  /* a window far larger than the data, and more columns than milliseconds */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (3);
    g_autoptr(PressoSampleBuffer) b2 = presso_sample_buffer_new (3, 100, 10);
    Trace *t = trace_new (3);
    gint64 now = 0;

    fill_random (b2, t, rand, 50, &now);
    check_reduce (b2, t, 0, -3600000, 3600000, 1280);
    check_reduce (b2, t, 0, 0, 40, 1280);
    check_reduce (b2, t, 0, now, now, 3);
    trace_free (t);
  }
}

static void
test_replay (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(PressoSampleBuffer) live = presso_sample_buffer_new (8, 100, 600);
  g_autoptr(PressoSampleBuffer) replay = NULL;
  g_autoptr(GArray) active = g_array_new (FALSE, FALSE, sizeof (guint8));
  Trace *t = trace_new (8);
  gint64 now = 0, first, last;
  gint16 m[8];
  guint8 a;

  fill_random (live, t, rand, 30000, &now);
  for (guint i = 0; i < t->time->len; i++)
    {
      guint8 v = (guint8) (i % 8);
      g_array_append_val (active, v);
    }

  replay = presso_sample_buffer_new_from_trace (8, 100, t->time->len,
                                                (gint64 *) t->time->data,
                                                (gint16 *) t->measured->data,
                                                (gint16 *) t->target->data,
                                                (guint8 *) active->data);
  /* the whole trace is held, nothing dropped */
  g_assert_cmpuint (presso_sample_buffer_get_n_rows (replay), ==, t->time->len);
  g_assert_true (presso_sample_buffer_get_time_range (replay, &first, &last));
  g_assert_cmpint (first, ==, g_array_index (t->time, gint64, 0));
  g_assert_cmpint (last, ==, now);
  g_assert_true (presso_sample_buffer_get_latest (replay, NULL, m, NULL, &a));
  g_assert_cmpint (m[7], ==, g_array_index (t->measured, gint16, t->measured->len - 1));
  g_assert_cmpuint (a, ==, (t->time->len - 1) % 8);

  check_reduce (replay, t, 0, first, last, 1280);
  check_reduce (replay, t, 0, first + 12345, first + 67890, 333);

  /* an empty trace makes an empty buffer */
  {
    g_autoptr(PressoSampleBuffer) empty =
      presso_sample_buffer_new_from_trace (2, 100, 0, NULL, NULL, NULL, NULL);
    g_assert_cmpuint (presso_sample_buffer_get_n_rows (empty), ==, 0);
  }

  trace_free (t);
}

static void
count_row_cb (gint64        time_ms,
              const gint16 *measured,
              const gint16 *target,
              gpointer      user_data)
{
  gint64 *sum = user_data;

  *sum += measured[0];
}

static void
test_foreach_row (void)
{
  g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (1, 100, 10);
  gint64 sum = 0;

  for (gint16 i = 0; i < 100; i++)
    presso_sample_buffer_append (buf, i * 10, &i, NULL, 0);

  /* rows 10..20 inclusive */
  g_assert_cmpuint (presso_sample_buffer_foreach_row (buf, 100, 200, count_row_cb, &sum), ==, 11);
  g_assert_cmpint (sum, ==, 165);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/graph/buffer/append", test_append);
  g_test_add_func ("/presso/graph/buffer/wrap-around", test_wrap_around);
  g_test_add_func ("/presso/graph/buffer/reduce-random", test_reduce_random);
  g_test_add_func ("/presso/graph/buffer/edges", test_edges);
  g_test_add_func ("/presso/graph/buffer/replay", test_replay);
  g_test_add_func ("/presso/graph/buffer/foreach-row", test_foreach_row);

  return g_test_run ();
}
