/* test-ui-recovery.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session that a crash left running: the next start of Presso closes it as interrupted,
 * tells the first staff member to sign in which client, program and times it was, and what of
 * its pressure trace was kept, offers to open it in the History area, and says it only once.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-clients-page.h"
#include "presso-history-page.h"
#include "presso-store-private.h"
#include "presso-store-session.h"
#include "presso-test-gui.h"
#include "presso-window.h"

typedef struct
{
  char         *dir;
  char         *path;
  gint64        session_id;
  gint64        client_id;
  gint64        staff_id;
  char         *program_name;
} Fixture;

static AdwMessageDialog *
wait_for_dialog (guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (presso_test_message_dialog () == NULL && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return presso_test_message_dialog ();
}

/* Clicks the dialog's button as a user would (the dialog then closes itself). */
static void
click_response (AdwMessageDialog *dialog,
                const char       *label)
{
  GtkWidget *button = presso_test_find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  presso_test_spin (200);
}

/* What a previous Presso left behind: a session started, 4.3 s of its trace flushed, then the
 * process gone without ending it. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) staff = NULL;
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(PressoProgram) program = NULL;
  g_autoptr(PressoTraceRecorder) recorder = NULL;
  g_autofree char *sql = NULL;
  double p[4] = { 30, 35, 40, 45 };

  store = presso_test_clinic_new ("presso-recovery-XXXXXX", &f->dir, &f->path);

  staff = presso_staff_new ("Claire Martin", PRESSO_ROLE_PRACTITIONER);
  g_assert_true (presso_store_insert_staff (store, staff, &error));
  f->staff_id = presso_staff_get_id (staff);
  client = presso_client_new ();
  presso_client_set_first_name (client, "Hélène");
  presso_client_set_last_name (client, "Dupont");
  g_assert_true (presso_store_insert_client (store, client, &error));
  g_assert_no_error (error);
  f->client_id = presso_client_get_id (client);

  program = presso_program_new_from_preset ("lymphatic-drainage", 4, &error);
  g_assert_no_error (error);
  f->program_name = g_strdup (presso_program_get_name (program));
  f->session_id = presso_store_begin_session (store, f->client_id, f->staff_id, program,
                                              "Presso P4", "SIM-0001", "1.0", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->session_id, >, 0);

  recorder = presso_trace_recorder_new (store, f->session_id, 4);
  for (guint i = 0; i <= 4200; i += 10)
    presso_trace_recorder_add (recorder, i, p, 0, PRESSO_PROTO_NO_CHAMBER);
  g_assert_true (presso_trace_recorder_flush (recorder, &error));
  g_assert_true (presso_trace_recorder_sync (recorder, &error));
  g_assert_no_error (error);
  g_clear_pointer (&recorder, presso_trace_recorder_free);

  /* Its owner ran before this machine last booted. */
  sql = g_strdup_printf ("UPDATE sessions SET owner_boot = 'an-earlier-boot' WHERE id = %"
                         G_GINT64_FORMAT, f->session_id);
  g_assert_cmpint (sqlite3_exec (_presso_store_get_db (store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  presso_test_close_dialogs ();
  presso_test_spin (50);
  presso_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->program_name);
}

/* Opens the database as Presso starts: a new store, a window on it, shown. */
static PressoWindow *
start_presso (Fixture      *f,
              PressoStore **store)
{
  g_autoptr(GError) error = NULL;
  PressoWindow *window;

  *store = presso_store_open (f->path, &error);
  g_assert_no_error (error);
  window = PRESSO_WINDOW (presso_window_new (NULL, *store));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  presso_test_spin (100);
  return window;
}

static void
sign_in (Fixture      *f,
         PressoStore  *store,
         PressoWindow *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStaff) staff = presso_store_get_staff (store, f->staff_id, &error);

  g_assert_no_error (error);
  presso_window_sign_in (window, staff);
}

static void
test_recovery_shown_once (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  PressoWindow *window;
  AdwMessageDialog *dialog;
  PressoHistoryPage *history;
  const char *body;

  window = start_presso (f, &store);

  /* Already closed, with the duration up to its last chunk and a matching end... */
  record = presso_store_get_session (store, f->session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==,
                   PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH);
  g_assert_cmpint (presso_session_record_get_duration_ms (record), ==, 4300);

  /* ...but nothing is said over the staff list, before anyone has signed in. */
  g_assert_null (presso_test_message_dialog ());

  sign_in (f, store, window);
  dialog = wait_for_dialog (3000);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "A Session Was Interrupted");
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "Dupont Hélène"));
  g_assert_nonnull (strstr (body, f->program_name));
  g_assert_nonnull (strstr (body, "0 min 04 s recorded"));
  {
    g_autoptr(GDateTime) end = g_date_time_to_local (presso_session_record_get_ended_at (record));
    g_autofree char *time = g_date_time_format (end, "%H:%M:%S");
    g_autofree char *kept = g_strdup_printf ("The pressure trace up to %s was saved.", time);
    g_autoptr(GDateTime) start = g_date_time_to_local (presso_session_record_get_started_at (record));
    g_autofree char *started = g_date_time_format (start, "started %d/%m/%Y %H:%M");

    g_assert_nonnull (strstr (body, kept));
    g_assert_nonnull (strstr (body, started));
  }
  g_assert_true (adw_message_dialog_has_response (dialog, "open"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "open"), ==, "Open _History");

  /* Opening it shows the session in the client's history. */
  click_response (dialog, "Open _History");
  history = PRESSO_HISTORY_PAGE (presso_window_get_page (window, "history"));
  g_assert_true (presso_window_get_page (window, "history") ==
                 adw_view_stack_get_visible_child (ADW_VIEW_STACK (gtk_widget_get_ancestor (GTK_WIDGET (history),
                                                                                         ADW_TYPE_VIEW_STACK))));
  g_assert_nonnull (presso_history_page_get_client (history));
  g_assert_cmpint (presso_client_get_id (presso_history_page_get_client (history)), ==, f->client_id);
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 1);
  g_assert_null (presso_test_message_dialog ());

  /* Switching user in the same run says nothing again. */
  presso_window_switch_user (window);
  sign_in (f, store, window);
  presso_test_spin (300);
  g_assert_null (presso_test_message_dialog ());

  gtk_window_destroy (GTK_WINDOW (window));
  presso_test_spin (50);
  g_clear_object (&store);

  /* Nor does the next start: the session is no longer running. */
  window = start_presso (f, &store);
  sign_in (f, store, window);
  presso_test_spin (300);
  g_assert_null (presso_test_message_dialog ());
  gtk_window_destroy (GTK_WINDOW (window));
  presso_test_spin (50);
}

/* The front desk is told too, and offered the client's record rather than the clinical
 * history it cannot see. */
static void
test_recovery_receptionist (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) paul = presso_staff_new ("Paul Leroy", PRESSO_ROLE_RECEPTIONIST);
  g_autoptr(GError) error = NULL;
  PressoWindow *window;
  AdwMessageDialog *dialog;
  GtkWidget *clients;

  window = start_presso (f, &store);
  g_assert_true (presso_store_insert_staff (store, paul, &error));
  g_assert_no_error (error);
  presso_window_sign_in (window, paul);
  dialog = wait_for_dialog (3000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Dupont Hélène"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "open"), ==,
                   "Open Client's _Record");
  click_response (dialog, "Open Client's _Record");
  clients = presso_window_get_page (window, "clients");
  g_assert_nonnull (presso_clients_page_get_current (PRESSO_CLIENTS_PAGE (clients)));
  g_assert_cmpint (presso_client_get_id (presso_clients_page_get_current (PRESSO_CLIENTS_PAGE (clients))),
                   ==, f->client_id);
  gtk_window_destroy (GTK_WINDOW (window));
  presso_test_spin (50);
}

/* Signed in before the window shows (presso --staff ID): told once the window is on screen. */
static void
test_recovery_signed_in_first (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  PressoWindow *window;
  AdwMessageDialog *dialog;

  store = presso_store_open (f->path, &error);
  g_assert_no_error (error);
  window = PRESSO_WINDOW (presso_window_new (NULL, store));
  sign_in (f, store, window);
  g_assert_null (presso_test_message_dialog ());
  gtk_window_present (GTK_WINDOW (window));
  dialog = wait_for_dialog (3000);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Dupont Hélène"));
  click_response (dialog, "_Close");
  g_assert_null (presso_test_message_dialog ());
  gtk_window_destroy (GTK_WINDOW (window));
  presso_test_spin (50);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add ("/presso/ui/recovery/shown-once", Fixture, NULL,
              fixture_set_up, test_recovery_shown_once, fixture_tear_down);
  g_test_add ("/presso/ui/recovery/receptionist", Fixture, NULL,
              fixture_set_up, test_recovery_receptionist, fixture_tear_down);

  g_test_add ("/presso/ui/recovery/signed-in-first", Fixture, NULL,
              fixture_set_up, test_recovery_signed_in_first, fixture_tear_down);

  return g_test_run ();
}
