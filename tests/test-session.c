/* test-session.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The treatment at the table: the session record in a real SQLite file (programs, events,
 * the compressed trace, measurements, export, sessions a crash left running), and PressoSession
 * driving presso-sim over a real pty ($PRESSO_SIM): a short program to a completed record,
 * starts refused through the real screening gate, a lost link and an over-pressure that end
 * in a vented device, a visible alarm and an honest record, and alarm re-arming.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "presso-device-private.h"
#include "presso-screening-gate.h"
#include "presso-session.h"
#include "presso-store-private.h"
#include "presso-store-screening.h"
#include "presso-store-session.h"
#include "presso-test-util.h"

#define VALIDITY_DAYS 180

typedef struct
{
  char                 *dir;
  char                 *db_path;
  char                 *link;
  GPid                  sim_pid;
  PressoStore          *store;
  PressoClient         *client;
  PressoStaff          *staff;
  PressoScreeningRules *rules;
  PressoDevice         *device;
} Fixture;

/* ------------------------------------------------------------------ helpers */

static gboolean
session_finished (gpointer data)
{
  return presso_session_get_state (data) == PRESSO_SESSION_STATE_FINISHED;
}

static gboolean
session_running (gpointer data)
{
  return presso_session_get_state (data) == PRESSO_SESSION_STATE_RUNNING ||
         presso_session_get_state (data) == PRESSO_SESSION_STATE_FINISHED;
}

static PressoScreeningRules *
load_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"), "screening",
                                            "rules.desktop", NULL);
  PressoScreeningRules *rules = presso_screening_rules_new_from_file (path, &error);

  g_assert_no_error (error);
  return rules;
}

static void
answer (PressoScreening       *screening,
        PressoScreeningRules  *rules,
        const char            *id,
        PressoScreeningAnswer *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningAnswer) owned = value;

  g_assert_true (presso_screening_set_answer (screening, rules, id, owned, &error));
  g_assert_no_error (error);
}

/* Every question answered "no": nothing to report, screened at @when. */
static PressoScreening *
clear_screening (Fixture   *f,
                 GDateTime *when)
{
  PressoScreening *screening = presso_screening_new (presso_client_get_id (f->client));

  presso_test_answer_all_no (screening, f->rules);
  presso_screening_set_id (screening, 11);
  presso_screening_set_screened_at (screening, when);
  presso_screening_set_screened_by (screening, presso_staff_get_id (f->staff));
  return screening;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->store = presso_test_clinic_new ("presso-session-XXXXXX", &f->dir, &f->db_path);
  f->link = g_build_filename (f->dir, "sim.tty", NULL);

  f->staff = presso_staff_new ("Dr Léa Martin", PRESSO_ROLE_PRACTITIONER);
  g_assert_true (presso_store_insert_staff (f->store, f->staff, &error));
  presso_store_set_actor (f->store, f->staff);
  f->client = presso_client_new ();
  presso_client_set_first_name (f->client, "Anne");
  presso_client_set_last_name (f->client, "Durand");
  g_assert_true (presso_store_insert_client (f->store, f->client, &error));
  g_assert_no_error (error);
  f->rules = load_rules ();
}

/* A failed assertion aborts the test: presso-sim goes with it instead of holding the test's
 * output open (and the suite waiting) until it times out. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
fixture_setup_sim (Fixture       *f,
                   gconstpointer  data)
{
  const char * const *extra = data;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *res = NULL;

  fixture_setup (f, data);
  if (presso_test_sim_path () == NULL)
    {
      g_test_skip ("PRESSO_SIM is not set: presso-sim was not built");
      return;
    }
  g_ptr_array_add (argv, (gpointer) presso_test_sim_path ());
  g_ptr_array_add (argv, (gpointer) "--link");
  g_ptr_array_add (argv, f->link);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  /* presso-sim announces itself on stdout, which is this test's TAP stream. */
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                die_with_parent, NULL, &f->sim_pid, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until (presso_test_path_exists, f->link, 5000));

  f->device = presso_device_new (f->link);
  presso_device_connect_async (f->device, NULL, presso_test_keep_result, &res);
  g_assert_true (presso_test_iterate_until (presso_test_result_ready, &res, 5000));
  presso_device_connect_finish (f->device, res, &error);
  g_assert_no_error (error);
  g_object_unref (res);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  /* A device announces its power-up (DEVICE_RESET) just after the handshake: let that pass,
   * as it does long before a client is on the table. */
  presso_test_iterate_for (500);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  int status;

  if (f->device)
    {
      presso_device_disconnect (f->device);
      g_clear_object (&f->device);
    }
  if (f->sim_pid)
    {
      kill (f->sim_pid, SIGTERM);
      waitpid (f->sim_pid, &status, 0);
      g_spawn_close_pid (f->sim_pid);
    }
  g_clear_object (&f->rules);
  g_clear_object (&f->client);
  g_clear_object (&f->staff);
  g_clear_object (&f->store);
  presso_test_remove_tree (f->dir);
  g_free (f->db_path);
  g_free (f->link);
  g_free (f->dir);
}

static gboolean
has_event (PressoSessionRecord    *record,
           PressoSessionEventKind  kind,
           guint                   code)
{
  GPtrArray *events = presso_session_record_get_events (record);

  for (guint i = 0; i < events->len; i++)
    {
      PressoSessionEvent *e = g_ptr_array_index (events, i);
      if (e->kind == kind && (code == 0 || e->code == code))
        return TRUE;
    }
  return FALSE;
}

static PressoSessionAlarm *
find_alarm (PressoSession *session,
            guint          code)
{
  GListModel *alarms = presso_session_get_alarms (session);

  for (guint i = 0; i < g_list_model_get_n_items (alarms); i++)
    {
      g_autoptr(PressoSessionAlarm) alarm = g_list_model_get_item (alarms, i);
      if (code == 0 || presso_session_alarm_get_code (alarm) == code)
        return alarm;   /* the list keeps it alive */
    }
  return NULL;
}

/* The session's record as stored, once everything recorded so far is written (the session
 * writes on its recorder's thread). */
static PressoSessionRecord *
read_record (Fixture        *f,
             PressoSession  *session,
             GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!presso_session_sync_record (session, &local_error))
    g_test_message ("record not complete yet: %s", local_error->message);
  return presso_store_get_session (f->store, presso_session_get_session_id (session), error);
}

/* ------------------------------------------------------------------ store */

static void
test_store_programs (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoProgram) stale = NULL;
  g_autoptr(PressoProgram) bad = presso_program_new ();
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (presso_store_insert_program (f->store, program, &error));
  g_assert_no_error (error);
  g_assert_cmpint (presso_program_get_id (program), >, 0);
  g_assert_cmpint (presso_program_get_version (program), ==, 1);

  /* An invalid program is refused with the problem the editor shows. */
  g_assert_false (presso_store_insert_program (f->store, bad, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The program needs a name");
  g_clear_error (&error);

  stale = presso_store_get_program (f->store, presso_program_get_id (program), &error);
  g_assert_no_error (error);
  g_assert_true (presso_program_equal (stale, program));

  presso_program_set_base_pressure (program, 45);
  g_assert_true (presso_store_update_program (f->store, program, &error));
  g_assert_cmpint (presso_program_get_version (program), ==, 2);
  /* The other copy is out of date: its save is refused, not silently merged. */
  presso_program_set_gradient (stale, 1);
  g_assert_false (presso_store_update_program (f->store, stale, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  list = presso_store_list_programs (f->store, FALSE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&list);
  g_assert_true (presso_store_set_program_archived (f->store, program, TRUE, &error));
  list = presso_store_list_programs (f->store, FALSE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_clear_object (&list);
  list = presso_store_list_programs (f->store, TRUE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  {
    g_autoptr(PressoProgram) back = g_list_model_get_item (list, 0);
    g_assert_true (presso_program_get_archived (back));
    g_assert_cmpuint (presso_program_get_base_pressure (back), ==, 45);
  }
}

/* A synthetic 60 s, 12-chamber trace with a dead sensor through the recorder and back. */
static void
test_store_trace (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoTraceRecorder) recorder = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GListModel) sessions = NULL;
  g_autoptr(GError) error = NULL;
  const PressoSessionTrace *trace;
  PressoSessionEvent event = { .kind = PRESSO_SESSION_EVENT_ALARM, .at_ms = 1500, .code = 1,
                               .priority = 3, .chamber = 2, .value_mmhg = 57.5,
                               .text = (char *) "Over-pressure in a chamber" };
  gint64 id;

  id = presso_store_begin_session (f->store, presso_client_get_id (f->client),
                                   presso_staff_get_id (f->staff), program,
                                   "Presso Simulator", "SIM-0001", "0.1.0", 40, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (presso_store_add_session_event (f->store, id, &event, &error));

  recorder = presso_trace_recorder_new (f->store, id, 12);
  for (guint i = 0; i < 6000; i++)      /* 100 Hz for 60 s */
    {
      double p[12];

      for (guint c = 0; c < 12; c++)
        p[c] = c == 7 ? NAN : 30.0 + 10.0 * sin (i / 100.0 + c) + c;
      presso_trace_recorder_add (recorder, i * 10, p, PRESSO_PROTO_PHASE_INFLATE, i / 500);
      if (i % 200 == 199)
        g_assert_true (presso_trace_recorder_flush (recorder, &error));
    }
  g_assert_true (presso_trace_recorder_flush (recorder, &error));
  g_assert_no_error (error);
  g_assert_true (presso_trace_recorder_sync (recorder, &error));
  g_assert_cmpint (presso_trace_recorder_get_flushed_ms (recorder), ==, 60000);
  g_test_message ("60 s × 12 chambers: %" G_GUINT64_FORMAT " bytes", presso_trace_recorder_get_bytes (recorder));
  g_assert_cmpuint (presso_trace_recorder_get_bytes (recorder), <, 60 * 10 * 12 * 2);

  g_assert_true (presso_store_end_session (f->store, id, PRESSO_SESSION_OUTCOME_COMPLETED, 60000, &error));
  /* An outcome is written once. */
  g_assert_false (presso_store_end_session (f->store, id, PRESSO_SESSION_OUTCOME_STOPPED, 1, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  record = presso_store_get_session (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpint (presso_session_record_get_duration_ms (record), ==, 60000);
  g_assert_cmpstr (presso_session_record_get_practitioner_name (record), ==, "Dr Léa Martin");
  g_assert_cmpstr (presso_session_record_get_device_serial (record), ==, "SIM-0001");
  g_assert_cmpuint (presso_session_record_get_pressure_cap (record), ==, 40);
  g_assert_true (presso_program_equal (presso_session_record_get_program (record), program));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, 1));
  g_assert_nonnull (presso_session_record_get_ended_at (record));

  trace = presso_session_record_get_trace (record);
  g_assert_cmpuint (trace->n_chambers, ==, 12);
  g_assert_cmpuint (trace->n_samples, ==, 600);        /* 10 Hz */
  for (guint i = 0; i < trace->n_samples; i++)
    {
      g_assert_cmpuint (trace->time_ms[i], ==, i * 100);
      g_assert_cmpuint (trace->phase[i], ==, PRESSO_PROTO_PHASE_INFLATE);
      g_assert_cmpuint (trace->active_chamber[i], ==, (i * 10) / 500);
      for (guint c = 0; c < 12; c++)
        {
          float v = trace->pressure_mmhg[c * trace->n_samples + i];
          double expect = 0;

          if (c == 7)
            {
              g_assert_true (isnan (v));
              continue;
            }
          /* The mean of the 10 frames of the bin, to the quantisation step. */
          for (guint k = 0; k < 10; k++)
            expect += 30.0 + 10.0 * sin ((i * 10 + k) / 100.0 + c) + c;
          expect /= 10;
          g_assert_cmpfloat_with_epsilon (v, expect, PRESSO_TRACE_STEP_MMHG / 2 + 1e-4);
        }
    }

  sessions = presso_store_list_client_sessions (f->store, presso_client_get_id (f->client), &error);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 1);
}

static void
test_store_details_measurements_csv (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoSessionRecord) stale = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) measurements = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 ids[2];

  for (guint i = 0; i < 2; i++)
    {
      ids[i] = presso_store_begin_session (f->store, presso_client_get_id (f->client),
                                           presso_staff_get_id (f->staff), program,
                                           "Presso Simulator", "SIM-0001", "0.1.0", 0, 0, &error);
      g_assert_no_error (error);
      g_assert_true (presso_store_end_session (f->store, ids[i], PRESSO_SESSION_OUTCOME_COMPLETED,
                                               (i + 1) * 90000, &error));
      g_assert_cmpint (presso_store_add_measurement (f->store, ids[i], "left-ankle", FALSE, 25.0 - i, &error), >, 0);
      g_assert_cmpint (presso_store_add_measurement (f->store, ids[i], "left-ankle", TRUE, 24.5 - i, &error), >, 0);
      g_assert_cmpint (presso_store_add_measurement (f->store, ids[i], "weight", FALSE, 70.2, &error), >, 0);
      g_assert_no_error (error);
    }
  g_assert_cmpint (presso_store_add_measurement (f->store, ids[0], "weight", FALSE, -3, &error), ==, 0);
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_clear_error (&error);

  measurements = presso_store_list_session_measurements (f->store, ids[1], &error);
  g_assert_cmpuint (measurements->len, ==, 3);
  series = presso_store_list_measurement_series (f->store, presso_client_get_id (f->client),
                                                 "left-ankle", &error);
  g_assert_cmpuint (series->len, ==, 4);
  g_assert_cmpfloat (((PressoMeasurement *) series->pdata[0])->value, ==, 25.0);
  g_assert_false (((PressoMeasurement *) series->pdata[0])->after);
  g_assert_cmpfloat (((PressoMeasurement *) series->pdata[3])->value, ==, 23.5);
  g_assert_cmpint (((PressoMeasurement *) series->pdata[3])->session_id, ==, ids[1]);

  /* Scores: 0..10 or unset; notes; the optimistic lock. */
  record = presso_store_get_session (f->store, ids[0], &error);
  stale = presso_store_get_session (f->store, ids[0], &error);
  presso_session_record_set_scores (record, 7, 3, 11, -1);
  g_assert_false (presso_store_update_session_details (f->store, record, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Pain before: a score from 0 to 10, not 11");
  g_clear_error (&error);
  presso_session_record_set_scores (record, 7, 3, 2, PRESSO_SESSION_SCORE_UNSET);
  presso_session_record_set_notes (record, "Legs lighter, \"much\" better,\nsleeps well");
  g_assert_true (presso_store_update_session_details (f->store, record, &error));
  g_assert_no_error (error);
  presso_session_record_set_notes (stale, "other");
  g_assert_false (presso_store_update_session_details (f->store, stale, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  csv = presso_store_export_client_sessions_csv (f->store, presso_client_get_id (f->client), &error);
  g_assert_no_error (error);
  g_test_message ("%s", csv);
  lines = g_strsplit (csv, "\r\n", -1);
  /* The header, two rows (the notes keep their own line break, quoted) and the end. */
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[0], "Date,Duration (min),Program,"));
  /* The circumferences the client has, before and after, between the weight and the notes. */
  g_assert_true (g_str_has_suffix (lines[0], ",Weight before (kg),Weight after (kg),"
                                             "Left ankle before (cm),Left ankle after (cm),Notes"));
  g_assert_nonnull (strstr (csv, ",1.5,Short test,Sequential,40,,Completed,Dr Léa Martin,SIM-0001,7,3,2,,0,70.2,,25.0,24.5,\"Legs lighter, \"\"much\"\" better,\nsleeps well\"\r\n"));
  g_assert_nonnull (strstr (csv, ",3.0,Short test,"));
  g_assert_nonnull (strstr (csv, ",0,70.2,,24.0,23.5,\r\n"));

  /* The outcome arrives (written in the background) between the practitioner opening the
   * record and saving the notes: the notes are saved, the outcome kept. */
  {
    gint64 id = presso_store_begin_session (f->store, presso_client_get_id (f->client),
                                            presso_staff_get_id (f->staff), program,
                                            "Presso Simulator", "SIM-0001", "0.1.0", 0, 0, &error);
    g_autoptr(PressoSessionRecord) opened = presso_store_get_session (f->store, id, &error);
    g_autoptr(PressoSessionRecord) reread = NULL;

    g_assert_no_error (error);
    g_assert_true (presso_store_end_session (f->store, id, PRESSO_SESSION_OUTCOME_STOPPED, 60000, &error));
    presso_session_record_set_notes (opened, "Stopped early: the client had to leave.");
    g_assert_true (presso_store_update_session_details (f->store, opened, &error));
    g_assert_no_error (error);
    reread = presso_store_get_session (f->store, id, &error);
    g_assert_cmpstr (presso_session_record_get_notes (reread), ==, "Stopped early: the client had to leave.");
    g_assert_cmpint (presso_session_record_get_outcome (reread), ==, PRESSO_SESSION_OUTCOME_STOPPED);
  }

  /* The values of one moment go in together or not at all: one bad value, none saved. */
  {
    gint64 id = presso_store_begin_session (f->store, presso_client_get_id (f->client),
                                            presso_staff_get_id (f->staff), program,
                                            "Presso Simulator", "SIM-0001", "0.1.0", 0, 0, &error);
    const char *points[] = { "left-calf-max", "left-thigh-mid", "weight" };
    const double bad[] = { 38.0, 51.5, -1 };
    const double good[] = { 38.0, 51.5, 70.0 };
    g_autoptr(GPtrArray) before = presso_store_list_session_measurements (f->store, id, &error);
    g_autoptr(GPtrArray) after_bad = NULL;
    g_autoptr(GPtrArray) after_good = NULL;

    g_assert_false (presso_store_add_measurements (f->store, id, TRUE, points, bad, 3, &error));
    g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
    g_clear_error (&error);
    after_bad = presso_store_list_session_measurements (f->store, id, &error);
    g_assert_cmpuint (after_bad->len, ==, before->len);
    g_assert_true (presso_store_add_measurements (f->store, id, TRUE, points, good, 3, &error));
    g_assert_no_error (error);
    after_good = presso_store_list_session_measurements (f->store, id, &error);
    g_assert_cmpuint (after_good->len, ==, before->len + 3);
  }
}

/* A session whose Presso died is closed with what its last chunk shows. */
static void
test_store_close_interrupted (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoTraceRecorder) recorder = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 ours, dead;
  GPid pid;
  int status;
  double p[4] = { 10, 20, 30, 40 };
  const char *argv[] = { "/bin/true", NULL };

  ours = presso_store_begin_session (f->store, presso_client_get_id (f->client), 0, program,
                                     "", "", "", 0, 0, &error);
  dead = presso_store_begin_session (f->store, presso_client_get_id (f->client), 0, program,
                                     "", "", "", 0, 0, &error);
  g_assert_no_error (error);
  recorder = presso_trace_recorder_new (f->store, dead, 4);
  for (guint i = 0; i <= 4200; i += 10)
    presso_trace_recorder_add (recorder, i, p, 0, PRESSO_PROTO_NO_CHAMBER);
  g_assert_true (presso_trace_recorder_flush (recorder, &error));
  g_assert_true (presso_trace_recorder_sync (recorder, &error));

  /* Make "dead" belong to a process that has exited. */
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
  waitpid (pid, &status, 0);
  sql = g_strdup_printf ("UPDATE sessions SET owner_pid = %d WHERE id = %" G_GINT64_FORMAT, pid, dead);
  g_assert_cmpint (sqlite3_exec (_presso_store_get_db (f->store), sql, NULL, NULL, NULL), ==, SQLITE_OK);

  closed = presso_store_close_interrupted_sessions (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (closed->len, ==, 1);
  g_assert_cmpint (presso_session_record_get_id (closed->pdata[0]), ==, dead);
  g_assert_cmpint (presso_session_record_get_outcome (closed->pdata[0]), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH);
  g_assert_cmpint (presso_session_record_get_duration_ms (closed->pdata[0]), ==, 4300);
  g_assert_nonnull (presso_session_record_get_ended_at (closed->pdata[0]));
  /* Its end is its start plus that duration (to the millisecond). */
  g_assert_cmpint (ABS (g_date_time_difference (presso_session_record_get_ended_at (closed->pdata[0]),
                                                presso_session_record_get_started_at (closed->pdata[0]))
                        - 4300 * G_TIME_SPAN_MILLISECOND), <, G_TIME_SPAN_MILLISECOND);
  /* This process's own running session is left alone, and a second pass closes nothing. */
  g_clear_pointer (&closed, g_ptr_array_unref);
  closed = presso_store_close_interrupted_sessions (f->store, &error);
  g_assert_cmpuint (closed->len, ==, 0);
  {
    g_autoptr(PressoSessionRecord) r = presso_store_get_session (f->store, ours, &error);
    g_assert_cmpint (presso_session_record_get_outcome (r), ==, PRESSO_SESSION_OUTCOME_RUNNING);
  }
}

/* ------------------------------------------------------------------ the gate */

static void
assert_start_refused (Fixture           *f,
                      PressoSession     *session,
                      PressoStartPermit *permit,
                      GQuark             domain,
                      int                code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sessions = NULL;

  g_assert_false (presso_session_start (session, permit, &error));
  g_assert_error (error, domain, code);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_READY);
  /* Nothing was recorded, nothing was sent. */
  sessions = presso_store_list_client_sessions (f->store, presso_client_get_id (f->client), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 0);
  if (f->device)
    g_assert_null (presso_device_get_program (f->device));
}

/* Through the real gate: every refusal holds at presso_session_start(), with any device. */
static void
test_gate_refusals (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PressoDevice) offline = presso_device_new ("/nonexistent/presso-0");
  PressoDevice *device = f->device ? f->device : offline;
  g_autoptr(PressoProgram) legs = presso_test_short_program ();
  g_autoptr(PressoProgram) with_belt = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSession) belt_session = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -VALIDITY_DAYS - 20);
  g_autoptr(GError) error = NULL;

  presso_program_set_garments (with_belt, PRESSO_PROGRAM_GARMENTS_LEGS | PRESSO_PROGRAM_GARMENTS_BELT);
  session = presso_session_new (f->store, device, f->client, f->staff, legs);
  belt_session = presso_session_new (f->store, device, f->client, f->staff, with_belt);
  g_assert_cmpint (presso_session_get_zones (session), ==, PRESSO_ZONE_LEGS);
  g_assert_cmpint (presso_session_get_zones (belt_session), ==, PRESSO_ZONE_LEGS | PRESSO_ZONE_ABDOMEN);

  /* No screening: the gate gives no permit, and start without one is refused. */
  permit = presso_session_check_screening (session, f->rules, NULL, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NO_SCREENING);
  g_clear_error (&error);
  assert_start_refused (f, session, NULL, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_NO_PERMIT);

  /* Expired. */
  screening = clear_screening (f, long_ago);
  permit = presso_session_check_screening (session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_EXPIRED);
  g_clear_error (&error);
  g_clear_object (&screening);

  /* Pregnancy: the belt's zone is contraindicated, the legs are not. */
  screening = clear_screening (f, now);
  answer (screening, f->rules, "pregnancy", presso_screening_answer_new_yes_no (TRUE));
  permit = presso_session_check_screening (belt_session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_CONTRAINDICATED);
  g_clear_error (&error);
  permit = presso_session_check_screening (session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (permit);
  /* A legs permit does not start a legs + belt session. */
  assert_start_refused (f, belt_session, permit, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT);
  g_clear_object (&permit);
  g_clear_object (&screening);

  /* Past DVT: relative, needs a practitioner's decision, then caps the pressure at 40. */
  screening = clear_screening (f, now);
  answer (screening, f->rules, "past-thrombosis", presso_screening_answer_new_yes_no (TRUE));
  permit = presso_session_check_screening (session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NEEDS_DECISION);
  g_clear_error (&error);
  {
    g_autoptr(PressoScreeningDecision) decision =
      presso_screening_decision_new (PRESSO_ZONE_LEGS, "past-thrombosis", "Doppler negative, March",
                                     NULL, presso_staff_get_id (f->staff), now);
    g_assert_true (presso_screening_add_decision (screening, f->rules, decision, now, &error));
    g_assert_no_error (error);
  }
  permit = presso_session_check_screening (session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==, 40);

  /* 45 mmHg is above that cap: refused by the program check, before the device. */
  {
    g_autoptr(PressoProgram) strong = presso_test_short_program ();
    g_autoptr(PressoSession) strong_session = NULL;

    presso_program_set_base_pressure (strong, 45);
    strong_session = presso_session_new (f->store, device, f->client, f->staff, strong);
    assert_start_refused (f, strong_session, permit, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID);
    /* Through this session's own gate check, the message names the screening answer. */
    {
      g_autoptr(PressoStartPermit) own = presso_session_check_screening (strong_session, f->rules, screening,
                                                                         VALIDITY_DAYS, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (presso_session_start (strong_session, own, &error));
      g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, "Chamber 1: 45 mmHg is above this client’s cap of 40 mmHg "
                                           "(screening: Past deep vein thrombosis or pulmonary embolism)");
      g_clear_error (&error);
    }
  }

  /* A permit for another client. */
  {
    g_autoptr(PressoClient) other = presso_client_new ();
    g_autoptr(PressoSession) other_session = NULL;

    presso_client_set_first_name (other, "Paul");
    presso_client_set_last_name (other, "Leroy");
    g_assert_true (presso_store_insert_client (f->store, other, &error));
    other_session = presso_session_new (f->store, device, other, f->staff, legs);
    assert_start_refused (f, other_session, permit, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT);
  }

  /* With a good permit only the device can say no: offline here, so refused as a device error. */
  if (f->device == NULL)
    assert_start_refused (f, session, permit, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_DEVICE);
}

/* A screening saved in the store today: every answer "no" but @yes_item's. */
static PressoScreening *
store_screening (Fixture    *f,
                 const char *yes_item)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  PressoScreening *screening = clear_screening (f, now);

  presso_screening_set_id (screening, 0);
  if (yes_item != NULL)
    answer (screening, f->rules, yes_item, presso_screening_answer_new_yes_no (TRUE));
  g_assert_true (presso_store_insert_screening (f->store, screening, &error));
  g_assert_no_error (error);
  return screening;
}

static void
store_decision (Fixture         *f,
                PressoScreening *screening,
                const char      *item)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningDecision) decision =
    presso_screening_decision_new (PRESSO_ZONE_LEGS, item, "Seen by the referring doctor",
                                   NULL, presso_staff_get_id (f->staff), now);

  g_assert_true (presso_store_add_screening_decision (f->store, screening, f->rules, decision, now, &error));
  g_assert_no_error (error);
}

/* The session loads the screening itself: what the store holds now decides, never a copy a
 * caller kept, and a cap's refusal names its answer. */
static void
test_gate_from_store (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PressoDevice) offline = presso_device_new ("/nonexistent/presso-0");
  g_autoptr(PressoProgram) legs = presso_test_short_program ();
  g_autoptr(PressoProgram) strong = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSession) strong_session = NULL;
  g_autoptr(PressoScreening) clean = NULL;
  g_autoptr(PressoScreening) dvt = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GError) error = NULL;

  session = presso_session_new (f->store, offline, f->client, f->staff, legs);
  presso_program_set_base_pressure (strong, 45);
  strong_session = presso_session_new (f->store, offline, f->client, f->staff, strong);

  /* Never screened. */
  permit = presso_session_check_screening_from_store (session, f->rules, VALIDITY_DAYS, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NO_SCREENING);
  g_clear_error (&error);

  /* A clean screening opens the gate... */
  clean = store_screening (f, NULL);
  permit = presso_session_check_screening_from_store (session, f->rules, VALIDITY_DAYS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (permit);
  g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==, 0);
  g_clear_object (&permit);

  /* ...until a newer version says "past DVT": the clean one a caller may still hold counts
   * for nothing, the store's current version needs a decision. */
  dvt = store_screening (f, "past-thrombosis");
  permit = presso_session_check_screening_from_store (session, f->rules, VALIDITY_DAYS, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NEEDS_DECISION);
  g_clear_error (&error);

  /* Decided: a permit capped at 40 mmHg, and 45 mmHg is refused naming the answer. */
  store_decision (f, dvt, "past-thrombosis");
  permit = presso_session_check_screening_from_store (strong_session, f->rules, VALIDITY_DAYS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==, 40);
  g_assert_false (presso_session_start (strong_session, permit, &error));
  g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Chamber 1: 45 mmHg is above this client’s cap of 40 mmHg "
                                       "(screening: Past deep vein thrombosis or pulmonary embolism)");
  g_clear_error (&error);
  g_assert_cmpint (presso_session_get_state (strong_session), ==, PRESSO_SESSION_STATE_READY);
}

/* Blocked drainage higher up: the legs are cleared only with a pre-therapy phase first. */
static void
test_gate_pretherapy (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PressoDevice) offline = presso_device_new ("/nonexistent/presso-0");
  g_autoptr(PressoProgram) plain = presso_test_short_program ();
  g_autoptr(PressoProgram) with_pretherapy = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSession) pretherapy_session = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(PressoStartPermit) permit2 = NULL;
  g_autoptr(GError) error = NULL;

  presso_program_set_garments (with_pretherapy, PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT) |
                                                PRESSO_PROGRAM_GARMENTS_BELT);
  presso_program_set_pretherapy (with_pretherapy, TRUE);
  presso_program_set_pretherapy_cycles (with_pretherapy, 2);
  session = presso_session_new (f->store, offline, f->client, f->staff, plain);
  pretherapy_session = presso_session_new (f->store, offline, f->client, f->staff, with_pretherapy);

  screening = store_screening (f, "proximal-drainage");
  store_decision (f, screening, "proximal-drainage");
  permit = presso_session_check_screening_from_store (session, f->rules, VALIDITY_DAYS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (permit);
  g_assert_true (presso_start_permit_get_requirements (permit) & PRESSO_SCREENING_REQUIRE_PRE_THERAPY);

  /* Without pre-therapy: refused, saying why, nothing recorded or sent. */
  assert_start_refused (f, session, permit, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID);
  g_assert_false (presso_session_start (session, permit, &error));
  g_assert_nonnull (strstr (error->message, "pre-therapy"));
  g_clear_error (&error);

  /* With it, the screening lets it through: only the (offline) device stops it now. */
  permit2 = presso_session_check_screening_from_store (pretherapy_session, f->rules, VALIDITY_DAYS, &error);
  g_assert_no_error (error);
  assert_start_refused (f, pretherapy_session, permit2, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_DEVICE);
}

/* ------------------------------------------------------------------ with presso-sim */

typedef struct
{
  guint n_telemetry;
  guint n_alarms;
} Counts;

static void
on_session_telemetry_cb (PressoSession         *session,
                         const PressoTelemetry *t,
                         Counts                *counts)
{
  counts->n_telemetry++;
}

static void
on_session_alarm_cb (PressoSession      *session,
                     PressoSessionAlarm *alarm,
                     Counts             *counts)
{
  counts->n_alarms++;
}

static PressoSession *
start_session (Fixture       *f,
               PressoProgram *program,
               guint          limit_s,
               Counts        *counts)
{
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  PressoSession *session;

  session = presso_session_new (f->store, f->device, f->client, f->staff, program);
  presso_session_set_duration_limit (session, limit_s);
  presso_session_set_flush_interval (session, 1000);
  g_signal_connect (session, "telemetry", G_CALLBACK (on_session_telemetry_cb), counts);
  g_signal_connect (session, "alarm", G_CALLBACK (on_session_alarm_cb), counts);
  screening = clear_screening (f, now);
  permit = presso_session_check_screening (session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (presso_session_start (session, permit, &error));
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_get_session_id (session), >, 0);
  return session;
}

static void
test_session_completed (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  const PressoSessionTrace *trace;
  Counts counts = { 0 };
  double max_mmhg = 0;

  if (f->device == NULL)
    return;

  session = start_session (f, program, 6, &counts);
  g_assert_true (presso_test_iterate_until (session_running, session, 3000));
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_RUNNING);
  /* The device got the cap and the program as converted. */
  g_assert_cmphex (presso_device_get_program (f->device)->chamber_mask, ==, 0xf);

  /* While it runs, the record is already there, running. */
  {
    g_autoptr(PressoSessionRecord) live = NULL;

    presso_test_iterate_for (2500);
    live = read_record (f, session, &error);
    g_assert_no_error (error);
    g_assert_cmpint (presso_session_record_get_outcome (live), ==, PRESSO_SESSION_OUTCOME_RUNNING);
    g_assert_cmpuint (presso_session_record_get_trace (live)->n_samples, >=, 10);
  }

  g_assert_true (presso_test_iterate_until (session_finished, session, 15000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpuint (g_list_model_get_n_items (presso_session_get_alarms (session)), ==, 0);
  g_assert_cmpuint (counts.n_telemetry, >, 300);
  g_assert_cmpuint (presso_session_get_elapsed_s (session), >=, 5);
  /* Over: the cycle it reached, not the device's count back at 0; no phase any more. */
  g_assert_cmpuint (presso_session_get_cycle (session), >=, 1);
  g_assert_cmpuint (presso_session_get_phase (session), ==, PRESSO_PROTO_PHASE_NONE);

  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  /* The 6 s program, as the host's clock measured it from Start to the end (the device counts
   * on its own clock, in whole ticks: a few ms either way). */
  g_assert_cmpint (presso_session_record_get_duration_ms (record), >=, 5900);
  g_assert_cmpint (presso_session_record_get_duration_ms (record), <, 15000);
  g_assert_cmpstr (presso_session_record_get_device_model (record), ==, presso_device_get_model (f->device));
  g_assert_true (presso_program_equal (presso_session_record_get_program (record), program));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_START));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_DEVICE, PRESSO_PROTO_EVENT_PROGRAM_FINISHED));

  trace = presso_session_record_get_trace (record);
  g_assert_cmpuint (trace->n_chambers, ==, presso_device_get_n_chambers (f->device));
  g_assert_cmpuint (trace->n_samples, >=, 55);          /* ≥ 5.5 s at 10 Hz */
  for (guint i = 0; i < trace->n_samples; i++)
    max_mmhg = MAX (max_mmhg, trace->pressure_mmhg[0 * trace->n_samples + i]);
  g_test_message ("chamber 1 peaked at %.1f mmHg; %u samples", max_mmhg, trace->n_samples);
  g_assert_cmpfloat (max_mmhg, >, 30);
  g_assert_cmpfloat (max_mmhg, <, 55);
  /* Chamber 5 of the boot is not in the program: it stays vented. */
  for (guint i = 0; i < trace->n_samples; i++)
    g_assert_cmpfloat (trace->pressure_mmhg[4 * trace->n_samples + i], <, 5);

  /* Once over, the session's commands are refused, but the vent still goes out. */
  g_assert_false (presso_session_pause (session, &error));
  g_assert_error (error, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_STATE);
  g_assert_true (presso_session_emergency_vent (session));
}

static void
test_session_stop_and_vent (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) first = NULL;
  g_autoptr(PressoSession) second = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  Counts counts = { 0 };

  if (f->device == NULL)
    return;

  first = start_session (f, program, 0, &counts);
  g_assert_true (presso_test_iterate_until (session_running, first, 3000));
  presso_test_iterate_for (1500);
  g_assert_true (presso_session_pause (first, &error));
  presso_test_iterate_for (500);
  g_assert_cmpint (presso_session_get_state (first), ==, PRESSO_SESSION_STATE_PAUSED);
  g_assert_true (presso_session_resume (first, &error));
  presso_test_iterate_for (500);
  g_assert_cmpint (presso_session_get_state (first), ==, PRESSO_SESSION_STATE_RUNNING);
  g_assert_true (presso_session_stop (first, &error));
  g_assert_true (presso_test_iterate_until (session_finished, first, 10000));
  g_assert_cmpint (presso_session_get_outcome (first), ==, PRESSO_SESSION_OUTCOME_STOPPED);
  /* Over is over: no time remains, no phase goes on, the time it ran is kept. */
  g_assert_cmpuint (presso_session_get_remaining_s (first), ==, 0);
  g_assert_cmpuint (presso_session_get_phase (first), ==, PRESSO_PROTO_PHASE_NONE);
  g_assert_cmpuint (presso_session_get_active_chamber (first), ==, PRESSO_PROTO_NO_CHAMBER);
  g_assert_cmpuint (presso_session_get_duration_s (first), >=, 2);

  second = start_session (f, program, 0, &counts);
  g_assert_true (presso_test_iterate_until (session_running, second, 3000));
  presso_test_iterate_for (1000);
  g_assert_true (presso_session_emergency_vent (second));
  g_assert_cmpint (presso_session_get_state (second), ==, PRESSO_SESSION_STATE_FINISHED);
  g_assert_cmpint (presso_session_get_outcome (second), ==, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
  /* Vented a second into a one-minute program: nothing "remains" of it, and no chamber is
   * still said to inflate. */
  g_assert_cmpuint (presso_session_get_remaining_s (second), ==, 0);
  g_assert_cmpuint (presso_session_get_phase (second), ==, PRESSO_PROTO_PHASE_NONE);
  g_assert_cmpuint (presso_session_get_active_chamber (second), ==, PRESSO_PROTO_NO_CHAMBER);
  g_assert_cmpuint (presso_session_get_duration_s (second), >=, 1);
  g_assert_cmpuint (presso_session_get_duration_s (second), <, 10);
  g_assert_cmpint (_presso_device_get_vent_written_time (f->device), >, 0);
  record = read_record (f, second, &error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));
  g_clear_object (&record);

  /* A session dropped while it runs vents the device and says so in its record.  First the
   * practitioner clears the vent's latched alarm, as after any emergency vent. */
  {
    GAsyncResult *res = NULL;

    presso_test_iterate_for (1500);
    presso_device_ack_alarm_async (f->device, PRESSO_PROTO_ACK_ALARM_ALL, NULL, presso_test_keep_result, &res);
    g_assert_true (presso_test_iterate_until (presso_test_result_ready, &res, 3000));
    g_assert_true (presso_device_ack_alarm_finish (f->device, res, &error));
    g_object_unref (res);
    presso_test_iterate_for (300);
    g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  }
  {
    g_autoptr(PressoSession) third = start_session (f, program, 0, &counts);
    gint64 id = presso_session_get_session_id (third);
    gint64 vent_before = _presso_device_get_vent_written_time (f->device);

    g_assert_true (presso_test_iterate_until (session_running, third, 3000));
    presso_test_iterate_for (500);
    g_test_expect_message ("presso-session", G_LOG_LEVEL_WARNING, "*dropped while running*");
    g_clear_object (&third);
    g_test_assert_expected_messages ();
    g_assert_cmpint (_presso_device_get_vent_written_time (f->device), >, vent_before);
    record = presso_store_get_session (f->store, id, &error);
    g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  }
}

/* presso-sim --disconnect-after: the link goes mid-session. */
static void
test_session_disconnect (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  Counts counts = { 0 };

  if (f->device == NULL)
    return;

  session = start_session (f, program, 0, &counts);
  presso_session_set_rearm_interval (session, 400);
  g_assert_true (presso_test_iterate_until (session_running, session, 3000));
  g_assert_true (presso_test_iterate_until (session_finished, session, 10000));

  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_cmpuint (counts.n_alarms, >=, 1);
  alarm = find_alarm (session, 0);
  g_assert_nonnull (alarm);
  g_test_message ("alarm: %s", presso_session_alarm_get_text (alarm));
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), ==, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpstr (presso_session_get_status_message (session), ==, presso_session_alarm_get_text (alarm));
  /* With the link gone the vent cannot reach the device (its own watchdog vents it within
   * a second): the session asked for it all the same, and the record says so. */
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_DISCONNECTED);

  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, presso_session_alarm_get_code (alarm)));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));
  g_assert_cmpuint (presso_session_record_get_trace (record)->n_samples, >=, 15);

  /* Acknowledged, it re-arms while the link is still down. */
  presso_session_acknowledge_alarm (session, alarm);
  g_assert_true (presso_session_alarm_get_acknowledged (alarm));
  presso_test_iterate_for (200);
  g_assert_true (presso_session_alarm_get_acknowledged (alarm));
  presso_test_iterate_for (500);
  g_assert_false (presso_session_alarm_get_acknowledged (alarm));
  g_clear_object (&record);
  record = read_record (f, session, &error);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ACKNOWLEDGED, presso_session_alarm_get_code (alarm)));

  /* The practitioner presses Emergency vent with the link down: the click is not lost in
   * silence, a high alarm says the vent could not reach the device, and the record keeps it. */
  g_assert_null (find_alarm (session, PRESSO_SESSION_ALARM_VENT_UNREACHABLE));
  g_assert_false (presso_session_emergency_vent (session));
  alarm = find_alarm (session, PRESSO_SESSION_ALARM_VENT_UNREACHABLE);
  g_assert_nonnull (alarm);
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), ==, PRESSO_PROTO_PRIORITY_HIGH);
  g_test_message ("alarm: %s", presso_session_alarm_get_text (alarm));
  g_clear_object (&record);
  record = read_record (f, session, &error);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_VENT_UNREACHABLE));
}

/* presso-sim --disconnect-after 3 while the session is paused (chambers held inflated). */
static void
test_session_disconnect_paused (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  Counts counts = { 0 };

  if (f->device == NULL)
    return;

  session = start_session (f, program, 0, &counts);
  g_assert_true (presso_test_iterate_until (session_running, session, 3000));
  presso_test_iterate_for (800);
  g_assert_true (presso_session_pause (session, &error));
  presso_test_iterate_for (300);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_PAUSED);
  g_assert_true (presso_test_iterate_until (session_finished, session, 10000));

  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  alarm = find_alarm (session, PRESSO_DEVICE_ALARM_LINK_LOST);
  g_assert_nonnull (alarm);
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), ==, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpstr (presso_session_get_status_message (session), ==, presso_session_alarm_get_text (alarm));
  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_PAUSE));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_DEVICE_ALARM_LINK_LOST));
}

/* A vent pressed before any session ever reached the device: an alarm, not silence. */
static void
test_vent_offline (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PressoDevice) offline = presso_device_new ("/nonexistent/presso-0");
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = presso_session_new (f->store, offline, f->client, f->staff, program);
  PressoSessionAlarm *alarm;

  g_assert_false (presso_session_emergency_vent (session));
  alarm = find_alarm (session, PRESSO_SESSION_ALARM_VENT_UNREACHABLE);
  g_assert_nonnull (alarm);
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), ==, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_READY);
}

/* presso-sim --overshoot 0: chamber 1's inlet sticks open. */
static void
test_session_overshoot (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  Counts counts = { 0 };

  if (f->device == NULL)
    return;

  session = start_session (f, program, 0, &counts);
  g_assert_true (presso_test_iterate_until (session_finished, session, 15000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  alarm = find_alarm (session, PRESSO_PROTO_EVENT_OVER_PRESSURE);
  g_assert_nonnull (alarm);
  g_assert_cmpuint (presso_session_alarm_get_chamber (alarm), ==, 1);
  g_assert_cmpint (_presso_device_get_vent_written_time (f->device), >, 0);
  /* The device is venting (its blocked vent keeps it there until it latches the fault):
   * compressor off, every vent valve open. */
  presso_test_iterate_for (500);
  {
    const PressoTelemetry *t = presso_device_get_last_telemetry (f->device);
    guint32 all = (1u << presso_device_get_n_chambers (f->device)) - 1;

    g_assert_true (presso_device_get_state (f->device) == PRESSO_DEVICE_STATE_STOPPING ||
                   presso_device_get_state (f->device) == PRESSO_DEVICE_STATE_FAULT);
    g_assert_cmpuint (t->compressor_pct, ==, 0);
    g_assert_cmphex (t->vent_valves & all, ==, all);
  }

  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_PROTO_EVENT_OVER_PRESSURE));

  /* The practitioner's acknowledgement goes into the record. */
  presso_session_acknowledge_alarm (session, alarm);
  g_assert_true (presso_session_alarm_get_acknowledged (alarm));
  g_clear_object (&record);
  record = read_record (f, session, &error);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ACKNOWLEDGED, PRESSO_PROTO_EVENT_OVER_PRESSURE));
}

/* presso-sim --overshoot 0 under a screening cap of 40 mmHg: the device only clamps its
 * targets, so the host watches what is measured and vents before the device's own alarm. */
static void
test_session_over_cap (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  const PressoTelemetry *t;

  if (f->device == NULL)
    return;

  screening = clear_screening (f, now);
  answer (screening, f->rules, "past-thrombosis", presso_screening_answer_new_yes_no (TRUE));
  {
    g_autoptr(PressoScreeningDecision) decision =
      presso_screening_decision_new (PRESSO_ZONE_LEGS, "past-thrombosis", "Doppler negative",
                                     NULL, presso_staff_get_id (f->staff), now);
    g_assert_true (presso_screening_add_decision (screening, f->rules, decision, now, &error));
  }
  session = presso_session_new (f->store, f->device, f->client, f->staff, program);
  permit = presso_session_check_screening (session, f->rules, screening, VALIDITY_DAYS, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==, 40);
  g_assert_true (presso_session_start (session, permit, &error));
  g_assert_no_error (error);

  g_assert_true (presso_test_iterate_until (session_finished, session, 15000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  alarm = find_alarm (session, PRESSO_SESSION_ALARM_OVER_LIMIT);
  g_assert_nonnull (alarm);
  g_test_message ("alarm: %s", presso_session_alarm_get_text (alarm));
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), ==, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpuint (presso_session_alarm_get_chamber (alarm), ==, 1);
  g_assert_nonnull (strstr (presso_session_alarm_get_text (alarm), "cap of 40 mmHg"));
  g_assert_cmpstr (presso_session_get_status_message (session), ==, presso_session_alarm_get_text (alarm));
  /* The host's check came first: the device's own over-pressure alarm was not needed. */
  g_assert_null (find_alarm (session, PRESSO_PROTO_EVENT_OVER_PRESSURE));
  g_assert_cmpint (_presso_device_get_vent_written_time (f->device), >, 0);
  presso_test_iterate_for (300);
  t = presso_device_get_last_telemetry (f->device);
  g_assert_cmpuint (t->compressor_pct, ==, 0);

  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_OVER_LIMIT));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));
}

static gboolean
telemetry_stale (gpointer data)
{
  const PressoTelemetry *t = presso_device_get_last_telemetry (data);

  return t != NULL && g_get_monotonic_time () - t->host_time_us > 100 * G_TIME_SPAN_MILLISECOND;
}

/* presso-sim --stall-after 2: the device goes silent just as the session sends its cap and
 * program.  The start sequence never completes: vented, a high alarm, an honest record, and
 * no START reaches the device once it speaks again. */
static void
test_session_stall_at_start (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  Counts counts = { 0 };

  if (f->device == NULL)
    return;

  g_assert_true (presso_test_iterate_until (telemetry_stale, f->device, 5000));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  session = start_session (f, program, 0, &counts);
  g_assert_true (presso_test_iterate_until (session_finished, session, 5000));

  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  alarm = find_alarm (session, 0);
  g_assert_nonnull (alarm);
  g_test_message ("alarm: %s", presso_session_alarm_get_text (alarm));
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), >=, PRESSO_PROTO_PRIORITY_MEDIUM);
  /* The alarm names the cause (the silence), not the command the vent cancelled. */
  g_assert_cmpuint (presso_session_alarm_get_code (alarm), ==, PRESSO_DEVICE_ALARM_TELEMETRY_SILENT);
  g_assert_cmpuint (g_list_model_get_n_items (presso_session_get_alarms (session)), ==, 1);
  g_assert_cmpstr (presso_session_get_status_message (session), ==, presso_session_alarm_get_text (alarm));
  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_DEVICE_ALARM_TELEMETRY_SILENT));
  g_assert_false (has_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_START));

  /* The device speaks again after its stall: nothing runs on it. */
  presso_test_iterate_for (4000);
  {
    const PressoTelemetry *t = presso_device_get_last_telemetry (f->device);

    g_assert_nonnull (t);
    g_test_message ("device %s, compressor %u %%", presso_device_state_to_string (presso_device_get_state (f->device)),
                    t->compressor_pct);
    g_assert_cmpuint (t->compressor_pct, ==, 0);
    g_assert_true (presso_device_get_state (f->device) != PRESSO_DEVICE_STATE_RUNNING);
  }
}

static void
exec_sql (Fixture    *f,
          const char *sql)
{
  g_assert_cmpint (sqlite3_exec (_presso_store_get_db (f->store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

/* The database refuses writes for a while mid-session (as with a full disk): the session goes
 * on, an alarm says the record could not be written, and once writes work again the samples
 * kept meanwhile are written: the record ends complete. */
static void
test_session_record_fails (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  const PressoSessionTrace *trace;
  Counts counts = { 0 };

  if (f->device == NULL)
    return;

  session = start_session (f, program, 8, &counts);
  g_assert_true (presso_test_iterate_until (session_running, session, 3000));
  presso_test_iterate_for (1000);

  exec_sql (f, "CREATE TRIGGER test_full_trace BEFORE INSERT ON session_trace"
               " BEGIN SELECT RAISE (ABORT, 'database or disk is full'); END;"
               "CREATE TRIGGER test_full_events BEFORE INSERT ON session_events"
               " BEGIN SELECT RAISE (ABORT, 'database or disk is full'); END;");
  presso_test_iterate_for (2500);   /* two flushes: the second one hears of the first one's failure */
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_RUNNING);
  alarm = find_alarm (session, PRESSO_SESSION_ALARM_RECORD_FAILED);
  g_assert_nonnull (alarm);
  g_test_message ("alarm: %s", presso_session_alarm_get_text (alarm));
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), >=, PRESSO_PROTO_PRIORITY_MEDIUM);
  g_assert_nonnull (strstr (presso_session_alarm_get_text (alarm), "could not be written"));
  /* Shown once, not once per try. */
  g_assert_cmpuint (counts.n_alarms, ==, 1);
  /* A pause asked meanwhile still reaches the device, its event row cannot be written. */
  g_assert_true (presso_session_pause (session, &error));
  g_assert_no_error (error);
  presso_test_iterate_for (300);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_PAUSED);
  g_assert_true (presso_session_resume (session, &error));

  exec_sql (f, "DROP TRIGGER test_full_trace; DROP TRIGGER test_full_events;");
  g_assert_true (presso_test_iterate_until (session_finished, session, 15000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpuint (counts.n_alarms, ==, 1);

  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_RECORD_FAILED));
  /* No hole: 8 s at 10 samples a second, the failed stretch included. */
  trace = presso_session_record_get_trace (record);
  g_test_message ("%u samples", trace->n_samples);
  g_assert_cmpuint (trace->n_samples, >=, 78);
}

typedef struct
{
  gint64 last_us;
  gint64 max_gap_us;
  guint  ticks;
} Ticker;

static gboolean
on_tick_cb (gpointer data)
{
  Ticker *ticker = data;
  gint64 now = g_get_monotonic_time ();

  if (ticker->last_us > 0)
    ticker->max_gap_us = MAX (ticker->max_gap_us, now - ticker->last_us);
  ticker->last_us = now;
  ticker->ticks++;
  return G_SOURCE_CONTINUE;
}

/* Index of the first event of @kind and @code in the record (they come in the order written),
 * or -1. */
static int
event_index (PressoSessionRecord    *record,
             PressoSessionEventKind  kind,
             guint                   code)
{
  GPtrArray *events = presso_session_record_get_events (record);

  for (guint i = 0; i < events->len; i++)
    {
      PressoSessionEvent *e = g_ptr_array_index (events, i);
      if (e->kind == kind && e->code == code)
        return (int) i;
    }
  return -1;
}

/* Another program holds the database locked (a backup tool, a second Presso doing a long
 * write) for longer than the busy timeout while the session runs and things happen: the window
 * must not freeze.  The main loop keeps turning (a 50 ms tick never waits 200 ms), one medium
 * alarm says the record cannot be written, and once the lock goes every event reaches the
 * database, in the order it happened, with the whole trace and the outcome. */
static void
test_session_record_locked (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoSessionAlarm *alarm;
  GPtrArray *events;
  Counts counts = { 0 };
  Ticker ticker = { 0 };
  sqlite3 *other = NULL;
  guint tick_id;
  gint64 locked_us;
  int start, pause, resume, finished, failed;

  if (f->device == NULL)
    return;

  session = start_session (f, program, 12, &counts);
  g_assert_true (presso_test_iterate_until (session_running, session, 3000));
  presso_test_iterate_for (500);

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  locked_us = g_get_monotonic_time ();
  tick_id = g_timeout_add (50, on_tick_cb, &ticker);

  /* Things happen while it is locked: a pause and a resume, telemetry, flushes. */
  presso_test_iterate_for (800);
  g_assert_true (presso_session_pause (session, &error));
  g_assert_no_error (error);
  presso_test_iterate_for (800);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_PAUSED);
  g_assert_true (presso_session_resume (session, &error));
  g_assert_no_error (error);
  /* Past the 5 s busy timeout: the first write gives up and says so. */
  presso_test_iterate_for (5500);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_RUNNING);
  alarm = find_alarm (session, PRESSO_SESSION_ALARM_RECORD_FAILED);
  g_assert_nonnull (alarm);
  g_test_message ("alarm: %s", presso_session_alarm_get_text (alarm));
  g_assert_cmpuint (presso_session_alarm_get_priority (alarm), ==, PRESSO_PROTO_PRIORITY_MEDIUM);
  g_assert_cmpuint (counts.n_alarms, ==, 1);
  g_assert_cmpuint (presso_session_get_trace_bytes (session), >, 0);

  g_test_message ("locked %.1f s: %u ticks, longest gap %.0f ms",
                  (g_get_monotonic_time () - locked_us) / 1e6, ticker.ticks, ticker.max_gap_us / 1000.0);
  g_assert_cmpint (ticker.max_gap_us, <, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (ticker.ticks, >=, (g_get_monotonic_time () - locked_us) / 1000 / 50 / 2);

  /* The other program lets go: what was held back is written, late but whole. */
  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_assert_true (presso_test_iterate_until (session_finished, session, 15000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_test_message ("to the end: %u ticks, longest gap %.0f ms", ticker.ticks, ticker.max_gap_us / 1000.0);
  g_assert_cmpint (ticker.max_gap_us, <, 200 * G_TIME_SPAN_MILLISECOND);
  g_source_remove (tick_id);
  g_assert_cmpuint (counts.n_alarms, ==, 1);

  g_assert_true (presso_session_sync_record (session, &error));
  g_assert_no_error (error);
  record = read_record (f, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpint (presso_session_record_get_duration_ms (record), >=, 11900);
  events = presso_session_record_get_events (record);
  for (guint i = 0; i < events->len; i++)
    {
      PressoSessionEvent *e = g_ptr_array_index (events, i);

      g_test_message ("event %u: kind %d code %u at %" G_GINT64_FORMAT " ms: %s", i, e->kind, e->code,
                      e->at_ms, e->text);
      if (i > 0)
        g_assert_cmpint (e->at_ms, >=, ((PressoSessionEvent *) g_ptr_array_index (events, i - 1))->at_ms);
    }
  start = event_index (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_START);
  pause = event_index (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_PAUSE);
  resume = event_index (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_RESUME);
  failed = event_index (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_RECORD_FAILED);
  finished = event_index (record, PRESSO_SESSION_EVENT_DEVICE, PRESSO_PROTO_EVENT_PROGRAM_FINISHED);
  g_assert_cmpint (start, >=, 0);
  g_assert_cmpint (pause, >, start);
  g_assert_cmpint (resume, >, pause);
  g_assert_cmpint (failed, >, resume);
  g_assert_cmpint (finished, >, resume);
  /* No hole in the trace: 12 s at 10 samples a second, the locked stretch included. */
  g_assert_cmpuint (presso_session_record_get_trace (record)->n_samples, >=, 118);
}

typedef struct
{
  Fixture *f;
  gint64   id;
} RecordWait;

static gboolean
record_completed (gpointer data)
{
  RecordWait *wait = data;
  g_autoptr(PressoSessionRecord) record = presso_store_get_session (wait->f->store, wait->id, NULL);

  return record != NULL &&
         presso_session_record_get_outcome (record) == PRESSO_SESSION_OUTCOME_COMPLETED;
}

/* The session ends and is dropped (New Session, the window closed) while another program
 * holds the database: dropping it does not wait for the lock, and its outcome and last events
 * are written in the background once the lock goes. */
static void
test_session_dropped_locked (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  PressoSession *session;
  g_autoptr(PressoSessionRecord) record = NULL;
  Counts counts = { 0 };
  sqlite3 *other = NULL;
  RecordWait wait = { f, 0 };
  gint64 t0;

  if (f->device == NULL)
    return;

  session = start_session (f, program, 3, &counts);
  wait.id = presso_session_get_session_id (session);
  g_assert_true (presso_test_iterate_until (session_running, session, 3000));
  presso_test_iterate_for (500);
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_true (presso_test_iterate_until (session_finished, session, 10000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  t0 = g_get_monotonic_time ();
  g_object_unref (session);
  g_test_message ("dropped in %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (record_completed (&wait));

  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_assert_true (presso_test_iterate_until (record_completed, &wait, 10000));
  record = presso_store_get_session (f->store, wait.id, NULL);
  g_assert_true (has_event (record, PRESSO_SESSION_EVENT_DEVICE, PRESSO_PROTO_EVENT_PROGRAM_FINISHED));
  g_assert_cmpuint (presso_session_record_get_trace (record)->n_samples, >=, 28);
}

int
main (int   argc,
      char *argv[])
{
  static const char *disconnect[] = { "--disconnect-after", "3", NULL };
  static const char *overshoot[] = { "--overshoot", "0", NULL };
  static const char *stall[] = { "--stall-after", "2", "--stall-for", "3", NULL };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup, fn, data) \
  g_test_add ("/presso/session/" path, Fixture, data, setup, fn, fixture_teardown)
  ADD ("store/programs", fixture_setup, test_store_programs, NULL);
  ADD ("store/trace", fixture_setup, test_store_trace, NULL);
  ADD ("store/details-measurements-csv", fixture_setup, test_store_details_measurements_csv, NULL);
  ADD ("store/close-interrupted", fixture_setup, test_store_close_interrupted, NULL);
  ADD ("gate/refusals-offline", fixture_setup, test_gate_refusals, NULL);
  ADD ("gate/refusals-ready-device", fixture_setup_sim, test_gate_refusals, NULL);
  ADD ("gate/from-store", fixture_setup, test_gate_from_store, NULL);
  ADD ("gate/pretherapy", fixture_setup, test_gate_pretherapy, NULL);
  ADD ("sim/completed", fixture_setup_sim, test_session_completed, NULL);
  ADD ("sim/stop-and-vent", fixture_setup_sim, test_session_stop_and_vent, NULL);
  ADD ("sim/disconnect", fixture_setup_sim, test_session_disconnect, disconnect);
  ADD ("sim/disconnect-paused", fixture_setup_sim, test_session_disconnect_paused, disconnect);
  ADD ("vent-offline", fixture_setup, test_vent_offline, NULL);
  ADD ("sim/overshoot", fixture_setup_sim, test_session_overshoot, overshoot);
  ADD ("sim/over-cap", fixture_setup_sim, test_session_over_cap, overshoot);
  ADD ("sim/record-fails", fixture_setup_sim, test_session_record_fails, NULL);
  ADD ("sim/record-locked", fixture_setup_sim, test_session_record_locked, NULL);
  ADD ("sim/dropped-locked", fixture_setup_sim, test_session_dropped_locked, NULL);
  ADD ("sim/stall-at-start", fixture_setup_sim, test_session_stall_at_start, stall);
#undef ADD

  return g_test_run ();
}
