/* test-session-crash.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A crash in the middle of a session loses seconds, not the session: a child process (this
 * program with --child) runs a session against presso-sim over a real pty and is killed with
 * SIGKILL after about 7 s; the database is then intact, holds the session with its trace up to
 * the last flush, and closing interrupted sessions marks it as interrupted by a crash.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "presso-session.h"
#include "presso-store-private.h"
#include "presso-store-session.h"
#include "presso-test-util.h"

#define KILL_AFTER_MS 7000

static PressoScreeningRules *
load_rules (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"), "screening",
                                            "rules.desktop", NULL);

  return presso_screening_rules_new_from_file (path, NULL);
}

static gboolean
session_running (gpointer data)
{
  return presso_session_get_state (data) == PRESSO_SESSION_STATE_RUNNING;
}

/* The child: what Presso does at the table, until it is killed.  Exits non-zero on any
 * failure before the session runs, so that the parent can tell. */
static int
run_child (const char *db_path,
           const char *link)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) staff = NULL;
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(PressoScreeningRules) rules = load_rules ();
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(PressoProgram) program = NULL;
  g_autoptr(PressoDevice) device = NULL;
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GAsyncResult *res = NULL;

  store = presso_store_open (db_path, &error);
  if (store == NULL)
    goto fail;
  staff = presso_staff_new ("Dr Léa Martin", PRESSO_ROLE_PRACTITIONER);
  client = presso_client_new ();
  presso_client_set_first_name (client, "Anne");
  presso_client_set_last_name (client, "Durand");
  if (!presso_store_insert_staff (store, staff, &error) ||
      !presso_store_insert_client (store, client, &error) || rules == NULL)
    goto fail;

  screening = presso_screening_new (presso_client_get_id (client));
  presso_test_answer_all_no (screening, rules);
  presso_screening_set_id (screening, 1);
  presso_screening_set_screened_at (screening, now);

  device = presso_device_new (link);
  presso_device_connect_async (device, NULL, presso_test_keep_result, &res);
  if (!presso_test_iterate_until (presso_test_result_ready, &res, 5000) || !presso_device_connect_finish (device, res, &error))
    goto fail;
  g_clear_object (&res);
  g_usleep (300000);

  program = presso_program_new_from_preset ("lymphatic-drainage", 6, &error);
  if (program == NULL)
    goto fail;
  session = presso_session_new (store, device, client, staff, program);
  permit = presso_session_check_screening (session, rules, screening, 180, NULL, NULL, &error);
  if (permit == NULL || !presso_session_start (session, permit, &error))
    goto fail;
  if (!presso_test_iterate_until (session_running, session, 5000))
    {
      g_printerr ("child: the session did not run\n");
      return 3;
    }

  printf ("RUNNING %" G_GINT64_FORMAT "\n", presso_session_get_session_id (session));
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);

fail:
  g_printerr ("child: %s\n", error ? error->message : "failed");
  return 2;
}

static const char *self_path;

static void
test_crash (void)
{
  const char *sim = presso_test_sim_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *link = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GListModel) sessions = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoSessionRecord) closed_record = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  const PressoSessionTrace *trace;
  sqlite3_stmt *stmt = NULL;
  GPid sim_pid, child_pid;
  int child_out, status;
  char line[64] = "";
  gssize n;
  gint64 started_us, killed_us, trace_end_ms;
  struct stat st;

  if (sim == NULL)
    {
      g_test_skip ("PRESSO_SIM is not set: presso-sim was not built");
      return;
    }

  dir = g_dir_make_tmp ("presso-crash-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "clinic.db", NULL);
  link = g_build_filename (dir, "sim.tty", NULL);

  {
    const char *argv[] = { sim, "--link", link, NULL };
    /* presso-sim announces itself on stdout, which is this test's TAP stream. */
    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                  NULL, NULL, &sim_pid, &error));
    g_assert_no_error (error);
  }
  {
    GMainContext *context = g_main_context_default ();
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (!presso_test_path_exists (link) && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (context, FALSE);
        g_usleep (1000);
      }
    g_assert_true (presso_test_path_exists (link));
  }
  {
    const char *argv[] = { self_path, "--child", db_path, link, NULL };
    g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                             NULL, NULL, &child_pid, NULL, &child_out, NULL, &error));
    g_assert_no_error (error);
  }

  /* The child says when its session runs. */
  n = read (child_out, line, sizeof line - 1);
  g_assert_cmpint (n, >, 0);
  line[n] = '\0';
  g_test_message ("child: %s", line);
  g_assert_true (g_str_has_prefix (line, "RUNNING "));
  started_us = g_get_monotonic_time ();

  g_usleep (KILL_AFTER_MS * 1000);
  kill (child_pid, SIGKILL);
  killed_us = g_get_monotonic_time ();
  g_assert_cmpint (waitpid (child_pid, &status, 0), ==, child_pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_spawn_close_pid (child_pid);
  close (child_out);
  kill (sim_pid, SIGTERM);
  waitpid (sim_pid, &status, 0);
  g_spawn_close_pid (sim_pid);

  /* The file is whole, still the owner's only. */
  g_assert_cmpint (g_stat (db_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  store = presso_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (_presso_store_get_db (store), "PRAGMA integrity_check", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  /* The session is there, still marked running, with its trace up to the last flush. */
  sessions = presso_store_list_client_sessions (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 1);
  {
    g_autoptr(PressoSessionRecord) listed = g_list_model_get_item (sessions, 0);
    record = presso_store_get_session (store, presso_session_record_get_id (listed), &error);
  }
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_RUNNING);
  trace = presso_session_record_get_trace (record);
  g_assert_cmpuint (trace->n_samples, >, 0);
  trace_end_ms = trace->time_ms[trace->n_samples - 1] + 1000 / PRESSO_TRACE_RATE_HZ;
  g_test_message ("killed %.1f s after the start; trace kept: %" G_GINT64_FORMAT " ms, %u samples × %u chambers",
                  (killed_us - started_us) / 1e6, trace_end_ms, trace->n_samples, trace->n_chambers);
  g_assert_cmpint (trace_end_ms, >=, 5000);
  g_assert_cmpuint (trace->n_samples, >=, 50);
  /* At most one flush interval (and the time to start) is lost. */
  g_assert_cmpint (trace_end_ms, >=, (killed_us - started_us) / 1000 - PRESSO_SESSION_FLUSH_MS - 500);
  /* The events written before the crash are there too. */
  {
    GPtrArray *events = presso_session_record_get_events (record);
    gboolean started = FALSE;

    for (guint i = 0; i < events->len; i++)
      {
        PressoSessionEvent *e = g_ptr_array_index (events, i);
        started |= e->kind == PRESSO_SESSION_EVENT_COMMAND && e->code == PRESSO_PROTO_MSG_START;
      }
    g_assert_true (started);
  }

  /* Closing interrupted sessions marks it, with the duration the trace shows. */
  closed = presso_store_close_interrupted_sessions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (closed->len, ==, 1);
  g_assert_cmpint (presso_session_record_get_id (closed->pdata[0]), ==, presso_session_record_get_id (record));
  g_assert_cmpint (presso_session_record_get_outcome (closed->pdata[0]), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH);
  g_assert_cmpint (presso_session_record_get_duration_ms (closed->pdata[0]), ==, trace_end_ms);
  closed_record = presso_store_get_session (store, presso_session_record_get_id (record), &error);
  g_assert_cmpint (presso_session_record_get_outcome (closed_record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH);
  g_assert_cmpuint (presso_session_record_get_trace (closed_record)->n_samples, ==, trace->n_samples);

  g_clear_object (&store);
  presso_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2], argv[3]);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/presso/session/crash", test_crash);
  return g_test_run ();
}
