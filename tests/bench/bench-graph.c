/* bench-graph.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Time to draw one frame of the pressure graph at 1280 px with 32 chambers of 100 Hz
 * telemetry: the widget's own per-frame drawing (min/max reduction per pixel column, curves,
 * targets, labels) into a cairo image surface, next to drawing every raw row with cairo (the
 * baseline), for a 60 s window over 60 s of data; and the whole of a 60 min session.  Each
 * live (rows arriving between frames, caches in use) and from scratch (caches dropped).  Goal:
 * 2 ms per frame.  Times are the drawing thread's CPU time (wall time beside it).
 * Needs a display for GTK (xvfb-run -a).  Prints one JSON line per case.
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "presso-pressure-graph-private.h"

#define N_CH    32
#define RATE    100
#define WIDTH   1280
#define HEIGHT  400

/* Rows [from, from + n) of a sequential program over 32 chambers, 16 s cycles, with sensor
 * noise. */
static void
append_rows (PressoSampleBuffer *buf,
             GRand              *rand,
             guint               from,
             guint               n)
{
  for (guint i = from; i < from + n; i++)
    {
      double tau = fmod (i / (double) RATE, 16);
      gint16 m[N_CH], g[N_CH];

      for (guint c = 0; c < N_CH; c++)
        {
          double start = c * 0.35, full = 60 - c, p;

          p = tau < start ? 0 : tau < 12 ? full * MIN (1, (tau - start) / 0.3) : tau < 13 ? full * (13 - tau) : 0;
          m[c] = (gint16) lround (p * 10 + g_rand_double_range (rand, -5, 5));
          g[c] = (gint16) lround (full * 10);
        }
      presso_sample_buffer_append (buf, i * 10, m, g, (guint8) MIN (tau / 0.35, 255));
    }
}

typedef struct {
  PressoSampleBuffer *buffer;
  GRand              *rand;
  guint               n_rows;
} Feed;

static void
feed_init (Feed  *feed,
           guint  seconds)
{
  feed->buffer = presso_sample_buffer_new (N_CH, RATE, seconds);
  feed->rand = g_rand_new_with_seed (1);
  feed->n_rows = seconds * RATE;
  append_rows (feed->buffer, feed->rand, 0, feed->n_rows);
}

static void
feed_clear (Feed *feed)
{
  g_clear_object (&feed->buffer);
  g_clear_pointer (&feed->rand, g_rand_free);
}

/* CPU time of this thread: on a shared machine, wall time also counts the other processes. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Live: between frames, as many rows arrive as 100 Hz telemetry brings in a 60 Hz frame
 * (rounded up to 2), outside the timed part; the widget may reuse what did not change.
 * From scratch: the same, with every cache dropped before each frame (the cost of the frame
 * after a change of window, size or scale). */
static void
run_case (PressoPressureGraph *graph,
          Feed                *feed,
          const char          *name,
          const char          *mode,
          guint                frames)
{
  gboolean raw = g_str_equal (mode, "raw");
  gsize rows = presso_sample_buffer_get_n_rows (feed->buffer);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  g_autofree double *ms = g_new (double, frames);
  g_autofree double *wall = g_new (double, frames);
  double total = 0;

  _presso_pressure_graph_set_draw_raw (graph, raw);

  /* one frame to warm caches and allocate the column arrays */
  for (guint i = 0; i < frames + 1; i++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 start;
      double cpu_start;

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      append_rows (feed->buffer, feed->rand, feed->n_rows, 2);
      feed->n_rows += 2;
      _presso_pressure_graph_set_caching (graph, !g_str_equal (mode, "scratch"));
      start = g_get_monotonic_time ();
      cpu_start = cpu_ms ();
      _presso_pressure_graph_draw (graph, cr, WIDTH, HEIGHT);
      cairo_surface_flush (surface);
      if (i > 0)
        {
          ms[i - 1] = cpu_ms () - cpu_start;
          wall[i - 1] = (g_get_monotonic_time () - start) / 1000.0;
          total += ms[i - 1];
        }
      cairo_destroy (cr);
    }
  qsort (ms, frames, sizeof ms[0], compare_doubles);
  qsort (wall, frames, sizeof wall[0], compare_doubles);

  _presso_pressure_graph_set_caching (graph, TRUE);
  printf ("{\"bench\": \"graph-frame\", \"case\": \"%s\", \"method\": \"%s\", "
          "\"width\": %d, \"chambers\": %d, \"rows\": %" G_GSIZE_FORMAT ", \"frames\": %u, "
          "\"median_ms\": %.3f, \"p99_ms\": %.3f, \"mean_ms\": %.3f, "
          "\"wall_median_ms\": %.3f, \"wall_p99_ms\": %.3f, \"goal_ms\": 2.0}\n",
          name,
          raw ? "raw-points (baseline)" :
          g_str_equal (mode, "scratch") ? "min-max-columns, from scratch" : "min-max-columns, live",
          WIDTH, N_CH, rows, frames,
          ms[frames / 2], ms[MIN (frames - 1, (guint) ceil (frames * 0.99) - 1)], total / frames,
          wall[frames / 2], wall[MIN (frames - 1, (guint) ceil (frames * 0.99) - 1)]);
  fflush (stdout);

  if (g_getenv ("BENCH_GRAPH_PNG") != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/bench-graph-%s-%s.png", g_getenv ("BENCH_GRAPH_PNG"),
                                               name, mode);
      cairo_surface_write_to_png (surface, path);
    }
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  Feed minute, hour;
  GtkWidget *window, *graph;
  guint frames = argc > 1 ? (guint) atoi (argv[1]) : 300;
  /* BENCH_GRAPH_NO_BASELINE=1: skip the raw baseline (for profiling the widget's own path) */
  gboolean baseline = g_getenv ("BENCH_GRAPH_NO_BASELINE") == NULL;

  gtk_init ();
  adw_init ();

  graph = presso_pressure_graph_new ();
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), graph);

  feed_init (&minute, 60);
  presso_pressure_graph_set_buffer (PRESSO_PRESSURE_GRAPH (graph), minute.buffer);
  presso_pressure_graph_set_window (PRESSO_PRESSURE_GRAPH (graph), PRESSO_GRAPH_WINDOW_60S);
  run_case (PRESSO_PRESSURE_GRAPH (graph), &minute, "60s-window", "live", frames);
  run_case (PRESSO_PRESSURE_GRAPH (graph), &minute, "60s-window", "scratch", frames);
  if (baseline)
    run_case (PRESSO_PRESSURE_GRAPH (graph), &minute, "60s-window", "raw", MAX (frames / 5, 10));

  feed_init (&hour, 3600);
  presso_pressure_graph_set_buffer (PRESSO_PRESSURE_GRAPH (graph), hour.buffer);
  presso_pressure_graph_set_window (PRESSO_PRESSURE_GRAPH (graph), PRESSO_GRAPH_WINDOW_SESSION);
  /* Drawing the 11.5 million raw points of this case takes minutes a frame: no baseline. */
  run_case (PRESSO_PRESSURE_GRAPH (graph), &hour, "60min-session", "live", frames);
  run_case (PRESSO_PRESSURE_GRAPH (graph), &hour, "60min-session", "scratch", frames);

  gtk_window_destroy (GTK_WINDOW (window));
  feed_clear (&minute);
  feed_clear (&hour);
  return 0;
}
