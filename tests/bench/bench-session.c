/* bench-session.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session record's cost, as JSON lines, each next to a baseline measured in the same run:
 *
 *   session-trace-bytes: bytes stored for a 30-minute session of 32 chambers, synthetic
 *                  telemetry at 100 Hz (a sequential program with sensor noise of σ 0.3 and
 *                  1 mmHg) through the real
 *                  recorder into a real database, flushed as a session does (goal ≤ 200 KB); baselines:
 *                  the raw telemetry (int16 per chamber per frame) and the same decimated to
 *                  10 Hz without compression.
 *   session-events: how long the main loop is held per event or alarm row a session writes
 *                  (200 rows into a real database), and per row while another program holds
 *                  the database locked; baseline: the same rows written on the main thread
 *                  (presso_store_add_session_event), as sessions did before their rows went to
 *                  the recorder's writer thread (not run under the lock: each row would hold
 *                  the loop for the whole 5 s busy timeout).
 *   session-cpu:   CPU time of this process (device link + session + recorder; presso-sim runs
 *                  out of process on a pty, so its CPU is not counted) per minute of a running
 *                  32-chamber session, in % of one core (goal ≤ 5 %); baseline: the bare device
 *                  link receiving the same telemetry while the same program runs, no session.
 *
 * Usage: bench-session [--seconds N]   (N: length of each CPU run, default 15)
 * presso-sim is $PRESSO_SIM, else the one built with this tree.
 */
#define G_LOG_DOMAIN "bench-session"
#include "config.h"

#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "presso-session.h"
#include "presso-store-private.h"
#include "presso-store-session.h"
#include "presso-test-util.h"

#define N_CHAMBERS  32
#define MINUTES     30
#define RATE_HZ     100
#define GOAL_BYTES  (200 * 1024)
#define GOAL_CPU    5.0

/* The waits below block in the main context until it has something to do: a poll of their own
 * would add to the CPU time measured. */
#define NAP_BLOCK 0

static int opt_seconds = 15;

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Gaussian-ish sensor noise (sum of uniforms) of standard deviation sigma. */
static double
noise (GRand  *rand,
       double  sigma)
{
  double sum = 0;

  for (int i = 0; i < 6; i++)
    sum += g_rand_double (rand);
  return (sum - 3.0) * 1.414 * sigma;
}

/* Pressure of chamber c at time t (s) of a sequential program: two garments of 16 chambers,
 * 3 s per level, a 10 s hold, 5 s deflate, 10 s rest, 50 mmHg falling 1 mmHg per level. */
static double
synthetic_pressure (guint  c,
                    double t)
{
  const double inflate = 3, hold = 10, deflate = 5, rest = 10;
  guint level = c % 16;
  double cycle = 16 * inflate + hold + deflate + rest;
  double x = fmod (t, cycle);
  double target = 50.0 - level;
  double start = level * inflate;
  double release = 16 * inflate + hold;

  if (x < start)
    return 0.0;
  if (x < start + inflate)
    return target * (1 - exp (-(x - start) * 2.0));
  if (x < release)
    return target;
  if (x < release + deflate)
    return target * exp (-(x - release) * 1.5);
  return 0.0;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, cmp_double);
  return g_array_index (values, double, (guint) MIN (values->len - 1, p * values->len));
}

static void
bench_trace_bytes (const char *dir,
                   double      sigma)
{
  g_autofree char *path = g_build_filename (dir, "bytes.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStore) store = presso_store_open (path, &error);
  g_autoptr(PressoProgram) program = presso_program_new_from_preset ("anti-cellulite", 16, NULL);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoTraceRecorder) recorder = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint64 n_frames = (guint64) MINUTES * 60 * RATE_HZ;
  g_autoptr(GArray) flush_ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 stored;
  gint64 id;
  double t0, t1;
  struct stat before, after;

  g_assert_no_error (error);
  presso_client_set_first_name (client, "Bench");
  presso_client_set_last_name (client, "Client");
  presso_store_insert_client (store, client, &error);
  g_assert_no_error (error);
  id = presso_store_begin_session (store, presso_client_get_id (client), 0, program,
                                   "Presso Simulator", "SIM-0001", "", 0, 0, &error);
  g_assert_no_error (error);
  /* Everything written so far (the schema, the client) into the main file, then measure. */
  sqlite3_exec (_presso_store_get_db (store), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  g_stat (path, &before);

  recorder = presso_trace_recorder_new (store, id, N_CHAMBERS);
  t0 = cpu_seconds ();
  for (guint64 i = 0; i < n_frames; i++)
    {
      double t = (double) i / RATE_HZ;
      double p[N_CHAMBERS];

      for (guint c = 0; c < N_CHAMBERS; c++)
        p[c] = synthetic_pressure (c, t) + noise (rand, sigma);
      presso_trace_recorder_add (recorder, (gint64) (i * 1000 / RATE_HZ), p,
                                 PRESSO_PROTO_PHASE_INFLATE, (guint) (t / 3) % 16);
      /* Flushed as often as a session does: how long the main loop is held each time (the
       * writer thread commits the chunk; its CPU is counted in recorder_cpu_ms). */
      if (i % (PRESSO_SESSION_FLUSH_MS * RATE_HZ / 1000) == PRESSO_SESSION_FLUSH_MS * RATE_HZ / 1000 - 1)
        {
          gint64 f0 = g_get_monotonic_time ();
          double ms;

          if (!presso_trace_recorder_flush (recorder, &error))
            g_error ("%s", error->message);
          ms = (g_get_monotonic_time () - f0) / 1000.0;
          g_array_append_val (flush_ms, ms);
        }
    }
  if (!presso_trace_recorder_flush (recorder, &error) || !presso_trace_recorder_sync (recorder, &error))
    g_error ("%s", error->message);
  t1 = cpu_seconds ();
  stored = presso_trace_recorder_get_bytes (recorder);
  presso_store_end_session (store, id, PRESSO_SESSION_OUTCOME_COMPLETED, MINUTES * 60000, NULL);
  g_clear_pointer (&recorder, presso_trace_recorder_free);
  g_clear_object (&store);      /* the last reference: checkpoints the WAL into the file */
  g_stat (path, &after);

  g_print ("{\"bench\": \"session-trace-bytes\", \"noise_mmhg\": %.1f, \"chambers\": %d, \"minutes\": %d, \"telemetry_hz\": %d, "
           "\"stored_hz\": %d, \"step_mmhg\": %.1f, \"flush_ms\": %d, \"chunks\": %d, \"stored_bytes\": %" G_GUINT64_FORMAT ", "
           "\"db_growth_bytes\": %" G_GINT64_FORMAT ", \"baseline_raw_bytes\": %" G_GUINT64_FORMAT ", "
           "\"baseline_decimated_bytes\": %" G_GUINT64_FORMAT ", \"ratio_to_raw\": %.4f, "
           "\"recorder_cpu_ms\": %.0f, \"flush_median_ms\": %.2f, \"flush_p99_ms\": %.2f, \"flush_max_ms\": %.2f, "
           "\"goal_bytes\": %d, \"ok\": %s}\n",
           sigma, N_CHAMBERS, MINUTES, RATE_HZ, PRESSO_TRACE_RATE_HZ, PRESSO_TRACE_STEP_MMHG,
           PRESSO_SESSION_FLUSH_MS, MINUTES * 60 * 1000 / PRESSO_SESSION_FLUSH_MS,
           stored,
           (gint64) after.st_size - (gint64) before.st_size,
           n_frames * N_CHAMBERS * 2,
           n_frames / (RATE_HZ / PRESSO_TRACE_RATE_HZ) * N_CHAMBERS * 2,
           (double) stored / (n_frames * N_CHAMBERS * 2),
           (t1 - t0) * 1000, percentile (flush_ms, 0.5), percentile (flush_ms, 0.99),
           percentile (flush_ms, 1.0), GOAL_BYTES,
           stored <= GOAL_BYTES ? "true" : "false");
  presso_test_remove_database (path);
}

/* ---------------------------------------------------------------- events */

#define N_EVENTS 200

static double
event_row_ms (PressoStore         *store,
              PressoTraceRecorder *recorder,
              gint64               id,
              guint                i)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  PressoSessionEvent event = {
    .kind = PRESSO_SESSION_EVENT_COMMAND, .at_ms = i * 100, .wall_time = now,
    .code = PRESSO_PROTO_MSG_PAUSE, .priority = PRESSO_PROTO_PRIORITY_INFO,
    .chamber = PRESSO_PROTO_NO_CHAMBER, .text = (char *) "Pause",
  };
  gint64 t0 = g_get_monotonic_time ();

  if (recorder != NULL)
    presso_trace_recorder_add_event (recorder, &event);
  else if (!presso_store_add_session_event (store, id, &event, &error))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static void
bench_events (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStore) store = presso_store_open (path, &error);
  g_autoptr(PressoProgram) program = presso_program_new_from_preset ("anti-cellulite", 16, NULL);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoTraceRecorder) recorder = NULL;
  g_autoptr(GArray) base_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) queued_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) locked_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3 *other = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id, written = 0;

  g_assert_no_error (error);
  presso_client_set_first_name (client, "Bench");
  presso_client_set_last_name (client, "Client");
  presso_store_insert_client (store, client, &error);
  g_assert_no_error (error);
  id = presso_store_begin_session (store, presso_client_get_id (client), 0, program,
                                   "Presso Simulator", "SIM-0001", "", 0, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_EVENTS; i++)
    {
      double ms = event_row_ms (store, NULL, id, i);
      g_array_append_val (base_ms, ms);
    }

  recorder = presso_trace_recorder_new (store, id, 4);
  for (guint i = 0; i < N_EVENTS; i++)
    {
      double ms = event_row_ms (store, recorder, id, i);
      g_array_append_val (queued_ms, ms);
      g_usleep (1000);
    }
  if (!presso_trace_recorder_sync (recorder, &error))
    g_error ("%s", error->message);

  /* Another program holds the database for 2 s: the rows wait in the queue, not the loop. */
  if (sqlite3_open_v2 (path, &other, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
    g_error ("cannot lock the database");
  for (guint i = 0; i < N_EVENTS; i++)
    {
      double ms = event_row_ms (store, recorder, id, i);
      g_array_append_val (locked_ms, ms);
      g_usleep (10000);
    }
  sqlite3_exec (other, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (other);
  if (!presso_trace_recorder_sync (recorder, &error))
    g_error ("%s", error->message);
  g_clear_pointer (&recorder, presso_trace_recorder_free);

  if (sqlite3_prepare_v2 (_presso_store_get_db (store),
                          "SELECT count (*) FROM session_events WHERE session_id = ?", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        written = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  g_print ("{\"bench\": \"session-events\", \"rows\": %d, "
           "\"baseline_main_thread_median_ms\": %.3f, \"baseline_main_thread_max_ms\": %.3f, "
           "\"queued_median_ms\": %.3f, \"queued_max_ms\": %.3f, "
           "\"locked_2s_median_ms\": %.3f, \"locked_2s_max_ms\": %.3f, "
           "\"rows_written\": %" G_GINT64_FORMAT ", \"ok\": %s}\n",
           N_EVENTS, percentile (base_ms, 0.5), percentile (base_ms, 1.0),
           percentile (queued_ms, 0.5), percentile (queued_ms, 1.0),
           percentile (locked_ms, 0.5), percentile (locked_ms, 1.0),
           written, written == 3 * N_EVENTS && percentile (locked_ms, 1.0) < 5 ? "true" : "false");

  g_clear_object (&store);
  presso_test_remove_database (path);
}

/* ---------------------------------------------------------------- CPU */

static PressoDevice *
connect_device (const char *link)
{
  g_autoptr(GError) error = NULL;
  PressoDevice *device = presso_device_new (link);
  GAsyncResult *res = NULL;

  presso_device_connect_async (device, NULL, presso_test_keep_result, &res);
  if (!presso_test_iterate_until_nap (presso_test_result_ready, &res, 5000, NAP_BLOCK) ||
      !presso_device_connect_finish (device, res, &error))
    g_error ("Cannot connect to presso-sim: %s", error ? error->message : "timeout");
  g_object_unref (res);
  presso_test_iterate_until_nap (NULL, NULL, 500, NAP_BLOCK);
  return device;
}

#define RUN(device, verb, ...) G_STMT_START { \
    GAsyncResult *res_ = NULL; g_autoptr(GError) err_ = NULL; \
    presso_device_##verb##_async ((device), ##__VA_ARGS__, NULL, presso_test_keep_result, &res_); \
    presso_test_iterate_until_nap (presso_test_result_ready, &res_, 3000, NAP_BLOCK); \
    if (!res_ || !presso_device_##verb##_finish ((device), res_, &err_)) \
      g_error ("%s failed: %s", #verb, err_ ? err_->message : "timeout"); \
    g_object_unref (res_); \
  } G_STMT_END

static guint n_frames;

static void
on_telemetry_cb (gpointer               source,
                 const PressoTelemetry *t,
                 gpointer               data)
{
  n_frames++;
}

static double
measure (guint seconds,
         guint *frames)
{
  double t0 = cpu_seconds ();
  gint64 w0 = g_get_monotonic_time ();
  double cpu;

  n_frames = 0;
  presso_test_iterate_until_nap (NULL, NULL, seconds * 1000, NAP_BLOCK);
  cpu = cpu_seconds () - t0;
  *frames = n_frames;
  return 100.0 * cpu / ((g_get_monotonic_time () - w0) / 1e6);
}

static void
bench_cpu (const char *dir,
           const char *sim)
{
  g_autofree char *link = g_build_filename (dir, "sim.tty", NULL);
  g_autofree char *path = g_build_filename (dir, "cpu.db", NULL);
  g_autofree char *rules_path = g_build_filename (SOURCE_DATADIR, "screening", "rules.desktop", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoDevice) device = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoProgram) program = presso_program_new_from_preset ("anti-cellulite", 16, NULL);
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoScreeningRules) rules = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  presso_proto_program wire;
  const char *argv[] = { sim, "--link", link, "--chambers", "32", NULL };
  double base_pct, session_pct;
  guint base_frames, session_frames;
  GPid pid;
  int status;

  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &pid, &error))
    g_error ("%s", error->message);
  for (int i = 0; i < 500 && !g_file_test (link, G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  device = connect_device (link);
  g_signal_connect (device, "telemetry", G_CALLBACK (on_telemetry_cb), NULL);

  /* Baseline: the bare link, the same program running on the device. */
  if (!presso_program_to_proto (program, presso_device_get_identity (device), &wire, &error))
    g_error ("%s", error->message);
  RUN (device, load_program, &wire);
  RUN (device, start);
  base_pct = measure (opt_seconds, &base_frames);
  RUN (device, stop);
  presso_test_iterate_until_nap (NULL, NULL, 3000, NAP_BLOCK);

  /* The session: link + session + recorder into a real database. */
  store = presso_store_open (path, &error);
  g_assert_no_error (error);
  presso_client_set_first_name (client, "Bench");
  presso_client_set_last_name (client, "Client");
  presso_store_insert_client (store, client, &error);
  rules = presso_screening_rules_new_from_file (rules_path, &error);
  g_assert_no_error (error);
  screening = presso_screening_new (presso_client_get_id (client));
  presso_test_answer_all_no (screening, rules);
  presso_screening_set_id (screening, 1);
  presso_screening_set_screened_at (screening, now);

  session = presso_session_new (store, device, client, NULL, program);
  g_signal_connect (session, "telemetry", G_CALLBACK (on_telemetry_cb), NULL);
  g_signal_handlers_disconnect_by_func (device, on_telemetry_cb, NULL);
  permit = presso_session_check_screening (session, rules, screening, 180, NULL, NULL, &error);
  if (permit == NULL || !presso_session_start (session, permit, &error))
    g_error ("%s", error->message);
  presso_test_iterate_until_nap (NULL, NULL, 1000, NAP_BLOCK);
  if (presso_session_get_state (session) != PRESSO_SESSION_STATE_RUNNING)
    g_error ("the session is not running");
  session_pct = measure (opt_seconds, &session_frames);
  if (presso_session_get_state (session) != PRESSO_SESSION_STATE_RUNNING)
    g_error ("the session stopped during the measurement");
  presso_session_stop (session, NULL);
  presso_test_iterate_until_nap (NULL, NULL, 3000, NAP_BLOCK);

  g_print ("{\"bench\": \"session-cpu\", \"chambers\": %d, \"seconds\": %d, "
           "\"baseline_frames\": %u, \"session_frames\": %u, \"baseline_cpu_pct\": %.2f, "
           "\"session_cpu_pct\": %.2f, \"session_cpu_s_per_min\": %.2f, \"trace_bytes\": %" G_GUINT64_FORMAT ", "
           "\"goal_pct\": %.1f, \"ok\": %s}\n",
           N_CHAMBERS, opt_seconds, base_frames, session_frames, base_pct, session_pct,
           session_pct * 60 / 100, presso_session_get_trace_bytes (session), GOAL_CPU,
           session_pct <= GOAL_CPU ? "true" : "false");

  g_clear_object (&session);
  presso_device_disconnect (device);
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_clear_object (&store);
  presso_test_remove_database (path);
  g_unlink (link);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Length of each CPU run", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const char *sim = g_getenv ("PRESSO_SIM");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (sim == NULL || *sim == '\0')
    sim = PRESSO_SIM_BIN;

  g_log_set_writer_func (g_log_writer_default, NULL, NULL);
  dir = g_dir_make_tmp ("bench-session-XXXXXX", &error);
  g_assert_no_error (error);

  /* A quiet sensor, and a noisy one (σ 1 mmHg), the worst case for delta coding. */
  bench_trace_bytes (dir, 0.3);
  bench_trace_bytes (dir, 1.0);
  bench_events (dir);
  if (*sim != '\0' && g_file_test (sim, G_FILE_TEST_IS_EXECUTABLE))
    bench_cpu (dir, sim);
  else
    g_printerr ("presso-sim not found: session-cpu skipped\n");

  g_rmdir (dir);
  return 0;
}
