/* test-record-drain.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The end of a session record survives the end of the process: a recorder freed while another
 * program holds the database returns at once, its writer goes on in the background, and the
 * drain the application and presso-ctl call before they exit waits for it (bounded) and says
 * what could not be written.  A real SQLite file, locked by a second connection as a backup
 * tool or a second Presso would; presso-ctl against presso-sim on a real pty.
 */
#define G_LOG_DOMAIN "test-record-drain"
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "presso-demo.h"
#include "presso-store-screening.h"
#include "presso-store-session.h"
#include "presso-test-util.h"

/* This file's tests wait with a 2 ms nap after each look at the main context. */
#define NAP_US 2000

/* "A few milliseconds": what the main thread may spend on freeing a recorder. */
#define FREE_BUDGET_US (50 * G_TIME_SPAN_MILLISECOND)
#define LOCK_HOLD_MS   2000

typedef struct
{
  char        *dir;
  char        *db_path;
  PressoStore *store;
  PressoStaff *staff;
  gint64       client_id;
  sqlite3     *locker;     /* another program's connection */
} Fixture;

/* ------------------------------------------------------------------ helpers */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("presso-drain-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "clinic.db", NULL);
  f->store = presso_store_open (f->db_path, &error);
  g_assert_no_error (error);

  f->staff = presso_staff_new ("Dr Léa Martin", PRESSO_ROLE_PRACTITIONER);
  g_assert_true (presso_store_insert_staff (f->store, f->staff, &error));
  presso_store_set_actor (f->store, f->staff);
  presso_client_set_first_name (client, "Anne");
  presso_client_set_last_name (client, "Durand");
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  f->client_id = presso_client_get_id (client);

  g_assert_cmpint (sqlite3_open (f->db_path, &f->locker), ==, SQLITE_OK);
  sqlite3_busy_timeout (f->locker, 5000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sqlite3_close (f->locker);
  g_clear_object (&f->staff);
  g_clear_object (&f->store);
  presso_test_remove_database (f->db_path);
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

/* Another program takes the database's write lock, as a backup tool does. */
static void
lock_database (sqlite3 *locker)
{
  g_assert_cmpint (sqlite3_exec (locker, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
unlock_database (sqlite3 *locker)
{
  g_assert_cmpint (sqlite3_exec (locker, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
}

static gpointer
unlock_later_thread (gpointer data)
{
  Fixture *f = data;

  g_usleep (LOCK_HOLD_MS * G_TIME_SPAN_MILLISECOND);
  unlock_database (f->locker);
  return NULL;
}

static gint64
begin_session (Fixture *f)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = presso_store_begin_session (f->store, f->client_id, presso_staff_get_id (f->staff), program,
                                   "Presso Simulator", "SIM-0001", "0.1.0", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* A session's last seconds, as the Treatment page hands them over at "Vent and Close": 3 s of
 * telemetry at 50 Hz, one event, the outcome; then the recorder is freed (the window goes). */
static void
record_and_free (Fixture *f,
                 gint64   session_id)
{
  PressoTraceRecorder *recorder = presso_trace_recorder_new (f->store, session_id, 4);
  PressoSessionEvent event = {
    .kind = PRESSO_SESSION_EVENT_COMMAND,
    .at_ms = 2900,
    .code = PRESSO_PROTO_MSG_VENT,
    .chamber = PRESSO_PROTO_NO_CHAMBER,
    .text = (char *) "Emergency vent",
  };
  gint64 t0;

  event.wall_time = g_date_time_new_now_utc ();
  for (guint i = 0; i < 150; i++)
    {
      double p[4];

      for (guint c = 0; c < 4; c++)
        p[c] = 40 + 5 * sin (i / 10.0 + c);
      presso_trace_recorder_add (recorder, i * 20, p, PRESSO_PROTO_PHASE_INFLATE, i % 4);
    }
  presso_trace_recorder_add_event (recorder, &event);
  presso_trace_recorder_end (recorder, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED, 3000);
  g_date_time_unref (event.wall_time);

  t0 = g_get_monotonic_time ();
  presso_trace_recorder_free (recorder);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, FREE_BUDGET_US);
}

static gint64
count_rows (sqlite3    *db,
            const char *table,
            gint64      session_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE session_id = ?", table);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, session_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* The whole end of the session, as History reads it back. */
static void
assert_record_complete (Fixture              *f,
                        gint64                session_id,
                        PressoSessionOutcome  outcome)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoSessionRecord) record = presso_store_get_session (f->store, session_id, &error);
  const PressoSessionTrace *trace;
  GPtrArray *events;

  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, outcome);
  g_assert_nonnull (presso_session_record_get_ended_at (record));
  g_assert_cmpint (presso_session_record_get_duration_ms (record), ==, 3000);
  trace = presso_session_record_get_trace (record);
  g_assert_nonnull (trace);
  g_assert_cmpuint (trace->n_chambers, ==, 4);
  g_assert_cmpuint (trace->n_samples, >=, 29);
  events = presso_session_record_get_events (record);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (((PressoSessionEvent *) events->pdata[0])->text, ==, "Emergency vent");
}

/* ------------------------------------------------------------------ the recorder and the drain */

/* The reviewer's case: the database held by another program when the session ends.  Freeing
 * the recorder does not wait; nothing is written while the lock is held, nothing is lost:
 * the drain waits for the lock to go and the record is whole. */
static void
test_free_then_drain (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) unlocker = NULL;
  gint64 id = begin_session (f);
  gint64 t0;

  lock_database (f->locker);
  record_and_free (f, id);

  /* Still held: nothing is in, everything is waiting. */
  g_assert_cmpuint (presso_store_get_unwritten_records (), >=, 3);
  g_assert_false (presso_store_drain_records (0, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED);
  g_test_message ("while locked: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f->locker, "session_trace", id), ==, 0);
  g_assert_cmpint (count_rows (f->locker, "session_events", id), ==, 0);

  t0 = g_get_monotonic_time ();
  unlocker = g_thread_new ("unlocker", unlock_later_thread, f);
  g_assert_true (presso_store_drain_records (30000, &error));
  g_assert_no_error (error);
  /* It did wait for the other program, and not much longer than needed (a retry a second). */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, (LOCK_HOLD_MS - 100) * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, (LOCK_HOLD_MS + 8000) * G_TIME_SPAN_MILLISECOND);
  g_thread_join (g_steal_pointer (&unlocker));

  g_assert_cmpuint (presso_store_get_unwritten_records (), ==, 0);
  g_assert_cmpint (count_rows (f->locker, "session_trace", id), >=, 1);
  g_assert_cmpint (count_rows (f->locker, "session_events", id), ==, 1);
  assert_record_complete (f, id, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
}

/* A lock that never goes: the drain gives up at its timeout and says which session is not
 * complete and why; the writer keeps trying meanwhile, and gets it all in once it can. */
static void
test_drain_timeout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;
  gint64 id = begin_session (f);
  gint64 t0, waited;

  lock_database (f->locker);
  record_and_free (f, id);

  t0 = g_get_monotonic_time ();
  g_assert_false (presso_store_drain_records (1500, &error));
  waited = g_get_monotonic_time () - t0;
  g_assert_cmpint (waited, >=, 1450 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (waited, <, 4000 * G_TIME_SPAN_MILLISECOND);
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  session = g_strdup_printf ("session %" G_GINT64_FORMAT ":", id);
  g_assert_nonnull (strstr (error->message, session));
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);
  g_assert_cmpstr (presso_session_outcome_to_id (PRESSO_SESSION_OUTCOME_RUNNING), ==, "running");
  {
    g_autoptr(PressoSessionRecord) record = presso_store_get_session (f->store, id, &error);

    g_assert_no_error (error);
    g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_RUNNING);
  }

  /* The other program lets go later: the record is completed all the same. */
  unlock_database (f->locker);
  g_assert_true (presso_store_drain_records (30000, &error));
  g_assert_no_error (error);
  assert_record_complete (f, id, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
}

static void
on_drained_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The drain without blocking, as presso-ctl and the application's last moment use it: the
 * main loop turns meanwhile, and a cancelled wait (Ctrl+C) ends at once, still saying what is
 * not written. */
static void
test_drain_async_cancel (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = begin_session (f);
  gint64 t0, cancelled_at = 0;
  guint turns = 0;

  lock_database (f->locker);
  record_and_free (f, id);

  t0 = g_get_monotonic_time ();
  presso_store_drain_records_async (30000, cancellable, on_drained_cb, &result);
  while (result == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      turns++;
      if (cancelled_at == 0 && g_get_monotonic_time () - t0 > 500 * G_TIME_SPAN_MILLISECOND)
        {
          cancelled_at = g_get_monotonic_time ();
          g_cancellable_cancel (cancellable);
        }
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
    }
  g_assert_cmpint (cancelled_at, >, 0);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (turns, >, 100);
  g_assert_false (presso_store_drain_records_finish (result, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Once the lock is gone, the same wait succeeds. */
  unlock_database (f->locker);
  presso_store_drain_records_async (30000, NULL, on_drained_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (presso_store_drain_records_finish (result, &error));
  g_assert_no_error (error);
  assert_record_complete (f, id, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
}

/* ------------------------------------------------------------------ presso-ctl */

typedef struct
{
  char        *dir;
  char        *link;
  GPid         sim_pid;
  char        *db_path;
  PressoStore *store;
  sqlite3     *locker;
} CtlFixture;

/* A simulator outlives no test, even one that aborts. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
ctl_setup (CtlFixture    *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { presso_test_sim_path (), "--link", NULL, NULL };

  f->dir = g_dir_make_tmp ("presso-drain-ctl-XXXXXX", &error);
  g_assert_no_error (error);
  f->link = g_build_filename (f->dir, "sim.tty", NULL);
  f->db_path = g_build_filename (f->dir, "clinic.db", NULL);
  if (presso_test_sim_path () == NULL)
    {
      g_test_skip ("PRESSO_SIM is not set: presso-sim was not built");
      return;
    }
  argv[2] = f->link;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                die_with_parent, NULL, &f->sim_pid, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until_nap (presso_test_path_exists, f->link, 5000, NAP_US));

  f->store = presso_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (presso_demo_fill (f->store, 24, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (f->db_path, &f->locker), ==, SQLITE_OK);
  sqlite3_busy_timeout (f->locker, 5000);
}

static void
ctl_teardown (CtlFixture    *f,
              gconstpointer  data)
{
  int status;

  if (f->sim_pid != 0)
    {
      kill (f->sim_pid, SIGTERM);
      for (guint i = 0; i < 300 && waitpid (f->sim_pid, &status, WNOHANG) != f->sim_pid; i++)
        g_usleep (10000);
      kill (f->sim_pid, SIGKILL);
      waitpid (f->sim_pid, &status, WNOHANG);
      g_spawn_close_pid (f->sim_pid);
    }
  g_clear_pointer (&f->locker, sqlite3_close);
  g_clear_object (&f->store);
  presso_test_remove_database (f->db_path);
  g_unlink (f->link);
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->link);
  g_free (f->dir);
}

/* A demo client with a valid screening, confirmed unchanged today. */
static gint64
ready_client (CtlFixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 n = presso_store_count_clients (f->store, TRUE);

  for (gint64 id = 1; id <= n + 50; id++)
    {
      g_autoptr(PressoClient) client = presso_store_get_client (f->store, id, NULL);
      g_autoptr(PressoScreening) screening = NULL;
      g_autoptr(PressoScreeningConfirmation) confirmation = NULL;
      g_autoptr(GDateTime) now = NULL;

      if (client == NULL || !g_str_equal (presso_client_get_first_name (client), "Hélène") ||
          !g_str_equal (presso_client_get_last_name (client), "Dupont"))
        continue;
      screening = presso_store_get_current_screening (f->store, id, &error);
      g_assert_no_error (error);
      now = g_date_time_new_now_local ();
      confirmation = presso_screening_confirmation_new (presso_screening_get_id (screening), FALSE, 0, now);
      g_assert_true (presso_store_record_screening_confirmation (f->store, confirmation, &error));
      g_assert_no_error (error);
      return id;
    }
  g_error ("No client Hélène Dupont in the demo clinic");
  return 0;
}

static char *
practitioner_id (CtlFixture *f)
{
  g_autoptr(GListModel) staff = presso_store_list_staff (f->store);

  for (guint i = 0; i < g_list_model_get_n_items (staff); i++)
    {
      g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

      if (presso_staff_get_role (member) == PRESSO_ROLE_PRACTITIONER)
        return g_strdup_printf ("%" G_GINT64_FORMAT, presso_staff_get_id (member));
    }
  g_error ("No practitioner in the demo clinic");
  return NULL;
}

/* The client's running session, 0 while there is none (read without waiting for a lock). */
static gint64
running_session (CtlFixture *f,
                 gint64      client_id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  if (sqlite3_prepare_v2 (f->locker, "SELECT id FROM sessions WHERE client_id = ? AND outcome = 'running'",
                          -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (stmt, 1, client_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return id;
}

typedef struct
{
  CtlFixture *f;
  gint64      client_id;
  gint64      session_id;
} RunningWait;

static gboolean
session_running_cond (gpointer data)
{
  RunningWait *wait = data;

  wait->session_id = running_session (wait->f, wait->client_id);
  return wait->session_id != 0;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
} Run;

static void
on_communicate_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static gboolean
run_done_cond (gpointer data)
{
  return ((Run *) data)->done;
}

static GSubprocess *
spawn_client_run (CtlFixture *f,
                  gint64      client_id,
                  Run        *run)
{
  g_autofree char *ctl = g_test_build_filename (G_TEST_BUILT, "..", "app", "cli", "presso-ctl", NULL);
  g_autofree char *client = g_strdup_printf ("%" G_GINT64_FORMAT, client_id);
  g_autofree char *staff = practitioner_id (f);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, ctl, "--port", f->link, "run",
                                      "--preset", "anti-cellulite", "--seconds", "2",
                                      "--database", f->db_path, "--client", client,
                                      "--staff", staff, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_communicate_cb, run);
  return proc;
}

/* The database is held by another program from mid-run until after the program's end:
 * presso-ctl waits for its record with the main loop turning, and exits with the record
 * complete once the lock goes; Ctrl+C meanwhile gives up the wait, saying what is missing. */
static void
test_ctl_locked_end (CtlFixture    *f,
                     gconstpointer  data)
{
  gboolean interrupt = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autofree char *recorded = NULL;
  RunningWait wait = { f, 0, 0 };
  Run run = { 0 };
  gint64 t0;

  if (f->sim_pid == 0)
    return;
  wait.client_id = ready_client (f);
  proc = spawn_client_run (f, wait.client_id, &run);
  g_assert_true (presso_test_iterate_until_nap (session_running_cond, &wait, 15000, NAP_US));

  /* The lock from the first second of the run to well after its end (2 s and the stop). */
  lock_database (f->locker);
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 5 * G_USEC_PER_SEC && !run.done)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  /* Still there: waiting for its record, not gone without it (and saying so). */
  g_assert_false (run.done);
  g_assert_cmpint (running_session (f, wait.client_id), ==, wait.session_id);

  if (interrupt)
    {
      /* Ctrl+C: the wait ends now, with what was not written said on stderr. */
      g_subprocess_send_signal (proc, SIGINT);
      g_assert_true (presso_test_iterate_until_nap (run_done_cond, &run, 3000, NAP_US));
      g_subprocess_wait (proc, NULL, NULL);
      g_test_message ("stderr: %s", run.err);
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
      g_assert_nonnull (strstr (run.err, "The session record could not be written completely"));
      recorded = g_strdup_printf ("session %" G_GINT64_FORMAT ":", wait.session_id);
      g_assert_nonnull (strstr (run.err, recorded));
      unlock_database (f->locker);
      g_assert_cmpint (running_session (f, wait.client_id), ==, wait.session_id);
    }
  else
    {
      unlock_database (f->locker);
      g_assert_true (presso_test_iterate_until_nap (run_done_cond, &run, 15000, NAP_US));
      g_subprocess_wait (proc, NULL, NULL);
      g_test_message ("stderr: %s", run.err);
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
      g_assert_nonnull (strstr (run.err, "Waiting for the database to take the end of the session record"));
      recorded = g_strdup_printf ("Session %" G_GINT64_FORMAT " recorded: %s", wait.session_id,
                                  presso_session_outcome_to_label (PRESSO_SESSION_OUTCOME_COMPLETED));
      g_assert_nonnull (strstr (run.err, recorded));

      record = presso_store_get_session (f->store, wait.session_id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
      g_assert_cmpint (presso_session_record_get_duration_ms (record), >=, 2000);
      g_assert_nonnull (presso_session_record_get_trace (record));
      g_assert_cmpuint (presso_session_record_get_trace (record)->n_samples, >=, 15);
      g_assert_cmpuint (presso_session_record_get_events (record)->len, >=, 1);
    }
  g_free (run.out);
  g_free (run.err);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/presso/record-drain/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("free-then-drain", test_free_then_drain);
  ADD ("timeout", test_drain_timeout);
  ADD ("async-cancel", test_drain_async_cancel);
#undef ADD
  g_test_add ("/presso/record-drain/ctl/locked-end", CtlFixture, GINT_TO_POINTER (FALSE),
              ctl_setup, test_ctl_locked_end, ctl_teardown);
  g_test_add ("/presso/record-drain/ctl/locked-end-interrupted", CtlFixture, GINT_TO_POINTER (TRUE),
              ctl_setup, test_ctl_locked_end, ctl_teardown);

  return g_test_run ();
}
