/* test-ui-clients.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real PressoWindow on a fresh SQLite database, driven like a user would: pick yourself
 * from the staff list, type a client into the form and save, find them by typing without the
 * accent, fix a bad email and a birth date in the future, archive and restore, meet a likely
 * duplicate, and lose a race with another workstation without losing the typing.  Ends with a
 * screenshot of the window in the build directory.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-client-list.h"
#include "presso-clients-page.h"
#include "presso-store.h"
#include "presso-test-gui.h"
#include "presso-ui-util.h"
#include "presso-window.h"

typedef struct
{
  char         *dir;
  char         *path;
  PressoStore  *store;
  PressoStaff  *claire;
  PressoStaff  *paul;
  PressoWindow *window;
  PressoClient *listed;
} Fixture;

typedef gboolean (*Condition) (Fixture *f);

static GtkWidget *
find (Fixture    *f,
      const char *id)
{
  return presso_test_find (GTK_WIDGET (f->window), id);
}

static PressoClientsPage *page (Fixture *f);

/* A field of the client editor (the record view has rows with the same ids). */
static GtkWidget *
field (Fixture    *f,
       const char *id)
{
  GtkWidget *editor = GTK_WIDGET (presso_clients_page_get_editor (page (f)));
  GtkWidget *widget = presso_find_child_by_id (editor, id);

  if (widget == NULL)
    g_error ("no field %s in the editor", id);
  return widget;
}

static GtkWidget *
shown (Fixture    *f,
       const char *id)
{
  GtkWidget *view = GTK_WIDGET (presso_clients_page_get_view (page (f)));
  GtkWidget *widget = presso_find_child_by_id (view, id);

  if (widget == NULL)
    g_error ("no row %s in the record view", id);
  return widget;
}

static PressoClientsPage *
page (Fixture *f)
{
  return PRESSO_CLIENTS_PAGE (presso_window_get_page (f->window, "clients"));
}

static guint
n_listed (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (presso_clients_page_get_list (page (f))));
}

static PressoClient *
listed (Fixture *f,
        guint    position)
{
  /* Kept until the next call, so that assertions can use it inline. */
  g_clear_object (&f->listed);
  f->listed = g_list_model_get_item (G_LIST_MODEL (presso_clients_page_get_list (page (f))),
                                     position);
  g_assert_nonnull (f->listed);
  return f->listed;
}

static void
type_into (Fixture    *f,
           const char *id,
           const char *text)
{
  GtkWidget *widget = g_str_equal (id, "search_entry") ? find (f, id) : field (f, id);

  gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static const char *
text_of (Fixture    *f,
         const char *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (field (f, id)));
}

static void
click (Fixture    *f,
       const char *id)
{
  GtkWidget *button = find (f, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_visible (button));
  /* What a click does ("activate" would add GTK's 250 ms pressed-look delay). */
  g_signal_emit_by_name (button, "clicked");
}

static const char *
stack_child (Fixture    *f,
             const char *id)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find (f, id)));
}

static gboolean
is_mapped (Fixture *f)
{
  return gtk_widget_get_mapped (GTK_WIDGET (f->window));
}

static gboolean
is_not_editing (Fixture *f)
{
  return !presso_clients_page_is_editing (page (f));
}

static gboolean
has_dialog (Fixture *f)
{
  return presso_test_message_dialog () != NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->store = presso_test_clinic_new ("presso-ui-XXXXXX", &f->dir, &f->path);

  f->claire = presso_staff_new ("Claire Martin", PRESSO_ROLE_PRACTITIONER);
  f->paul = presso_staff_new ("Paul Leroy", PRESSO_ROLE_RECEPTIONIST);
  g_assert_true (presso_store_insert_staff (f->store, f->claire, &error));
  g_assert_no_error (error);
  g_assert_true (presso_store_insert_staff (f->store, f->paul, &error));
  g_assert_no_error (error);

  f->window = PRESSO_WINDOW (presso_window_new (NULL, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) is_mapped, 5000));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  presso_test_close_dialogs ();
  gtk_window_destroy (GTK_WINDOW (f->window));
  presso_test_spin (50);
  g_clear_object (&f->listed);
  g_clear_object (&f->claire);
  g_clear_object (&f->paul);
  g_clear_object (&f->store);
  presso_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Picks @name from the staff list, as a click on their row would. */
static void
sign_in (Fixture    *f,
         const char *name)
{
  GtkListBox *list_box = GTK_LIST_BOX (find (f, "list_box"));
  GtkListBoxRow *row;

  g_assert_cmpstr (stack_child (f, "mode_stack"), ==, "staff");
  for (int i = 0; (row = gtk_list_box_get_row_at_index (list_box, i)) != NULL; i++)
    if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name))
      {
        /* What a click on the row does. */
        g_signal_emit_by_name (list_box, "row-activated", row);
        presso_test_spin (20);
        return;
      }
  g_error ("%s is not in the staff list", name);
}

static void
save_and_wait (Fixture *f)
{
  click (f, "save_button");
  presso_test_spin (20);
}

static void
count_notify_cb (guint *count)
{
  (*count)++;
}

static gboolean
search_settled_one (Fixture *f)
{
  return n_listed (f) == 1;
}

static gboolean
search_settled_none (Fixture *f)
{
  return n_listed (f) == 0;
}

static gboolean
search_settled_two (Fixture *f)
{
  return n_listed (f) == 2;
}

static void
search_for (Fixture    *f,
            const char *text,
            Condition   settled)
{
  type_into (f, "search_entry", text);
  /* GtkSearchEntry waits a moment before "search-changed". */
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) settled, 3000));
}

static void
test_staff_pick (Fixture       *f,
                 gconstpointer  data)
{
  GtkListBox *list_box = GTK_LIST_BOX (find (f, "list_box"));

  /* Both active staff are offered, each with their role. */
  g_assert_nonnull (gtk_list_box_get_row_at_index (list_box, 1));
  g_assert_null (gtk_list_box_get_row_at_index (list_box, 2));
  g_assert_null (presso_window_get_staff (f->window));

  sign_in (f, "Claire Martin");
  g_assert_cmpstr (stack_child (f, "mode_stack"), ==, "main");
  g_assert_true (presso_window_get_staff (f->window) != NULL);
  g_assert_cmpint (presso_staff_get_id (presso_window_get_staff (f->window)), ==,
                   presso_staff_get_id (f->claire));
  g_assert_cmpint (presso_staff_get_id (presso_store_get_actor (f->store)), ==,
                   presso_staff_get_id (f->claire));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (f, "staff_label"))), ==, "Claire Martin");

  /* Switch User goes back to the list and forgets who was signed in. */
  presso_window_switch_user (f->window);
  g_assert_cmpstr (stack_child (f, "mode_stack"), ==, "staff");
  g_assert_null (presso_window_get_staff (f->window));
  g_assert_null (presso_store_get_actor (f->store));

  sign_in (f, "Paul Leroy");
  g_assert_cmpint (presso_staff_get_id (presso_store_get_actor (f->store)), ==,
                   presso_staff_get_id (f->paul));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (f, "staff_label"))), ==, "Paul Leroy");
}

static void
test_clients_flow (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PressoClient) stored = NULL;
  g_autoptr(GError) error = NULL;
  PressoClient *current;
  gint64 helene_id, version;

  sign_in (f, "Claire Martin");

  /* An empty clinic says so, and offers to add a client. */
  g_assert_cmpuint (n_listed (f), ==, 0);
  g_assert_cmpstr (stack_child (f, "list_stack"), ==, "empty");

  /* Ctrl+N (win.new-client) opens the editor; Escape (editor.cancel) leaves an untouched form
   * without asking. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "new-client", NULL);
  g_assert_true (presso_clients_page_is_editing (page (f)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (field (f, "title_label"))), ==, "New Client");
  /* Switching user now would put the typing under someone else's name: refused. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "switch-user", NULL);
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) has_dialog, 2000));
  gtk_window_destroy (GTK_WINDOW (presso_test_message_dialog ()));
  g_assert_cmpint (presso_staff_get_id (presso_window_get_staff (f->window)), ==,
                   presso_staff_get_id (f->claire));
  gtk_widget_activate_action (GTK_WIDGET (presso_clients_page_get_editor (page (f))),
                              "editor.cancel", NULL);
  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_false (has_dialog (f));

  /* Create a client by typing into the form. */
  click (f, "new_button");
  g_assert_true (presso_clients_page_is_editing (page (f)));
  g_assert_cmpstr (stack_child (f, "detail_stack"), ==, "edit");
  type_into (f, "first_name_row", "Hélène");
  type_into (f, "last_name_row", "Dupont");
  type_into (f, "birth_date_row", "12/03/1985");
  type_into (f, "phone_row", "06 12 34 56 78");
  type_into (f, "email_row", "helene.dupont@example.org");
  type_into (f, "address_row", "3 rue des Lilas, 69003 Lyon");
  type_into (f, "emergency_contact_row", "Marc Dupont 06 98 76 54 32");
  type_into (f, "referring_doctor_row", "Dr Garnier");
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (f, "sex_row")), PRESSO_SEX_FEMALE);
  type_into (f, "consent_data_row", "01/09/2026");
  gtk_switch_set_active (GTK_SWITCH (field (f, "consent_photos_switch")), TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field (f, "notes_view"))),
                            "Heavy legs in the evening.", -1);
  save_and_wait (f);

  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_cmpstr (stack_child (f, "detail_stack"), ==, "view");
  g_assert_cmpuint (n_listed (f), ==, 1);
  g_assert_cmpstr (stack_child (f, "list_stack"), ==, "list");
  g_assert_cmpstr (presso_client_get_first_name (listed (f, 0)), ==, "Hélène");

  current = presso_clients_page_get_current (page (f));
  helene_id = presso_client_get_id (current);
  g_assert_cmpint (helene_id, >, 0);
  stored = presso_store_get_client (f->store, helene_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_last_name (stored), ==, "Dupont");
  g_assert_cmpstr (presso_client_get_birth_date (stored), ==, "1985-03-12");
  g_assert_cmpstr (presso_client_get_consent_data_date (stored), ==, "2026-09-01");
  g_assert_cmpint (presso_client_get_sex (stored), ==, PRESSO_SEX_FEMALE);
  g_assert_true (presso_client_get_consent_photos (stored));
  g_assert_cmpstr (presso_client_get_notes (stored), ==, "Heavy legs in the evening.");
  g_assert_cmpint (presso_client_get_created_by (stored), ==, presso_staff_get_id (f->claire));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (shown (f, "email_row"))), ==,
                   "helene.dupont@example.org");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (shown (f, "birth_date_row"))), ==,
                   "12/03/1985");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (shown (f, "created_row"))), !=,
                   "");
  g_clear_object (&stored);

  /* A second client, so that searching has something to leave out. */
  click (f, "new_button");
  type_into (f, "first_name_row", "Paul");
  type_into (f, "last_name_row", "Martin");
  type_into (f, "birth_date_row", "2/7/1970");
  save_and_wait (f);
  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_cmpuint (n_listed (f), ==, 2);

  /* Typing without the accent finds Hélène, and only her. */
  search_for (f, "helene", search_settled_one);
  g_assert_cmpstr (presso_client_get_first_name (listed (f, 0)), ==, "Hélène");
  search_for (f, "zzzz", search_settled_none);
  g_assert_cmpstr (stack_child (f, "list_stack"), ==, "no-results");
  search_for (f, "", search_settled_two);

  /* Bad email and a birth date in the future: messages at the fields, typing kept, nothing
   * written. */
  {
    guint notified = 0;
    gulong id = g_signal_connect_swapped (page (f), "notify::current",
                                          G_CALLBACK (count_notify_cb), &notified);

    /* Picking a row shows that client, and tells whoever follows the current client. */
    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (find (f, "list_view")))), 0);
    presso_test_spin (20);
    g_assert_cmpuint (notified, ==, 1);
    g_signal_handler_disconnect (page (f), id);
  }
  current = presso_clients_page_get_current (page (f));
  g_assert_cmpint (presso_client_get_id (current), ==, helene_id);
  version = presso_client_get_version (current);
  click (f, "edit_button");
  g_assert_cmpstr (text_of (f, "first_name_row"), ==, "Hélène");
  g_assert_cmpstr (text_of (f, "birth_date_row"), ==, "12/03/1985");
  type_into (f, "email_row", "helene.dupont@");
  type_into (f, "birth_date_row", "01/01/2090");
  type_into (f, "phone_row", "04 72 00 00 00");
  g_assert_false (gtk_widget_get_visible (field (f, "email_error_row")));
  save_and_wait (f);
  g_assert_true (presso_clients_page_is_editing (page (f)));
  g_assert_true (gtk_widget_get_visible (field (f, "email_error_row")));
  g_assert_true (gtk_widget_get_visible (field (f, "birth_date_error_row")));
  g_assert_false (gtk_widget_get_visible (field (f, "phone_error_row")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (field (f, "email_error_label"))), !=, "");
  /* Not only red: assistive technologies are told the field is invalid. */
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field (f, "email_row")),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (field (f, "birth_date_error_label"))), !=, "");
  g_assert_cmpstr (text_of (f, "email_row"), ==, "helene.dupont@");
  g_assert_cmpstr (text_of (f, "birth_date_row"), ==, "01/01/2090");
  g_assert_cmpstr (text_of (f, "phone_row"), ==, "04 72 00 00 00");
  presso_test_spin (400);   /* let the rows' title animations finish, for a screenshot that reads */
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-clients-editor-problems.png");
  stored = presso_store_get_client (f->store, helene_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_email (stored), ==, "helene.dupont@example.org");
  g_assert_cmpint (presso_client_get_version (stored), ==, version);
  g_clear_object (&stored);

  /* Fixed, the edit saves, the messages go, and the list shows the change. */
  type_into (f, "email_row", "h.dupont@example.org");
  type_into (f, "birth_date_row", "12/03/1985");
  save_and_wait (f);
  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_false (gtk_widget_get_visible (field (f, "email_error_row")));
  stored = presso_store_get_client (f->store, helene_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_email (stored), ==, "h.dupont@example.org");
  g_assert_false (gtk_test_accessible_has_state (GTK_ACCESSIBLE (field (f, "email_row")),
                                                 GTK_ACCESSIBLE_STATE_INVALID));
  g_assert_cmpstr (presso_client_get_phone (stored), ==, "04 72 00 00 00");
  g_assert_cmpint (presso_client_get_version (stored), >, version);
  g_assert_cmpint (presso_client_get_updated_by (stored), ==, presso_staff_get_id (f->claire));
  g_clear_object (&stored);
  g_assert_cmpstr (presso_client_get_phone (listed (f, 0)), ==, "04 72 00 00 00");

  /* Archive: gone from the list, kept in the database, and Undo brings it back. */
  click (f, "archive_button");
  g_assert_cmpuint (n_listed (f), ==, 1);
  g_assert_cmpstr (presso_client_get_first_name (listed (f, 0)), ==, "Paul");
  g_assert_true (presso_client_get_archived (presso_clients_page_get_current (page (f))));
  g_assert_true (gtk_widget_get_visible (find (f, "restore_button")));
  g_assert_false (gtk_widget_get_visible (find (f, "archive_button")));
  stored = presso_store_get_client (f->store, helene_id, &error);
  g_assert_true (presso_client_get_archived (stored));
  g_clear_object (&stored);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "show_archived_check")), TRUE);
  g_assert_cmpuint (n_listed (f), ==, 2);
  g_assert_true (presso_client_get_archived (listed (f, 0)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "show_archived_check")), FALSE);
  g_assert_cmpuint (n_listed (f), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (page (f)), "clients.undo-archive", "x", helene_id);
  presso_test_spin (20);
  g_assert_cmpuint (n_listed (f), ==, 2);
  g_assert_false (presso_client_get_archived (presso_clients_page_get_current (page (f))));
  stored = presso_store_get_client (f->store, helene_id, &error);
  g_assert_false (presso_client_get_archived (stored));
  g_clear_object (&stored);

  /* The record's history, newest first, with who did each. */
  {
    const char *expected[] = { "Restored", "Archived", "Changed phone, email", "Created" };
    GtkListBox *history = GTK_LIST_BOX (shown (f, "history_list"));

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (history, i);

        g_assert_nonnull (row);
        g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                         expected[i]);
        g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                         "Claire Martin"));
      }
    g_assert_null (gtk_list_box_get_row_at_index (history, G_N_ELEMENTS (expected)));
  }
}

static void
test_clients_duplicate (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PressoClient) existing = presso_client_new ();
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  presso_client_set_first_name (existing, "Hélène");
  presso_client_set_last_name (existing, "Dupont");
  presso_client_set_birth_date (existing, "1985-03-12");
  g_assert_true (presso_store_insert_client (f->store, existing, &error));
  g_assert_no_error (error);
  sign_in (f, "Paul Leroy");
  g_assert_cmpuint (n_listed (f), ==, 1);

  /* Same name (other case, no accent) and birth date: Presso asks first. */
  click (f, "new_button");
  type_into (f, "first_name_row", "helene");
  type_into (f, "last_name_row", "DUPONT");
  type_into (f, "birth_date_row", "12/03/1985");
  save_and_wait (f);
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) has_dialog, 2000));
  dialog = presso_test_message_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, "open"));
  g_assert_true (adw_message_dialog_has_response (dialog, "create"));
  g_assert_cmpuint (n_listed (f), ==, 1);

  /* "Open Existing" shows the existing record and writes nothing. */
  adw_message_dialog_response (dialog, "open");
  gtk_window_destroy (GTK_WINDOW (dialog));
  presso_test_spin (20);
  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_cmpint (presso_client_get_id (presso_clients_page_get_current (page (f))), ==,
                   presso_client_get_id (existing));
  g_assert_cmpint (presso_store_count_clients (f->store, TRUE), ==, 1);

  /* "Create Anyway" creates the second record. */
  click (f, "new_button");
  type_into (f, "first_name_row", "Hélène");
  type_into (f, "last_name_row", "Dupont");
  type_into (f, "birth_date_row", "12/03/1985");
  save_and_wait (f);
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) has_dialog, 2000));
  dialog = presso_test_message_dialog ();
  adw_message_dialog_response (dialog, "create");
  gtk_window_destroy (GTK_WINDOW (dialog));
  presso_test_spin (20);
  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_cmpint (presso_store_count_clients (f->store, TRUE), ==, 2);
  g_assert_cmpuint (n_listed (f), ==, 2);
}

static void
test_clients_conflict (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoClient) theirs = NULL;
  g_autoptr(PressoClient) stored = NULL;
  g_autoptr(PressoStore) other_workstation = NULL;
  g_autoptr(GError) error = NULL;

  presso_client_set_first_name (client, "Zoë");
  presso_client_set_last_name (client, "Müller");
  presso_client_set_phone (client, "06 11 22 33 44");
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  sign_in (f, "Claire Martin");

  /* Ctrl+F (win.find) puts the focus in the search; Enter opens the first match and, with the
   * list beside the record, leaves the focus in the search. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "find", NULL);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         find (f, "search_entry")));
  search_for (f, "zoe", search_settled_one);
  g_signal_emit_by_name (find (f, "search_entry"), "activate");
  presso_test_spin (20);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         find (f, "search_entry")));
  g_assert_cmpint (presso_client_get_id (presso_clients_page_get_current (page (f))), ==,
                   presso_client_get_id (client));
  click (f, "edit_button");
  type_into (f, "phone_row", "06 55 55 55 55");

  /* Meanwhile the front desk changes the same client on another workstation. */
  other_workstation = presso_store_open (f->path, &error);
  g_assert_no_error (error);
  theirs = presso_store_get_client (other_workstation, presso_client_get_id (client), &error);
  g_assert_no_error (error);
  presso_client_set_email (theirs, "zoe@example.org");
  g_assert_true (presso_store_update_client (other_workstation, theirs, &error));
  g_assert_no_error (error);

  /* Saving here does not overwrite theirs: it says so and keeps the typing. */
  save_and_wait (f);
  g_assert_true (presso_clients_page_is_editing (page (f)));
  g_assert_true (gtk_info_bar_get_revealed (GTK_INFO_BAR (field (f, "conflict_bar"))));
  g_assert_cmpstr (text_of (f, "phone_row"), ==, "06 55 55 55 55");
  stored = presso_store_get_client (f->store, presso_client_get_id (client), &error);
  g_assert_cmpstr (presso_client_get_phone (stored), ==, "06 11 22 33 44");
  g_assert_cmpstr (presso_client_get_email (stored), ==, "zoe@example.org");
  g_clear_object (&stored);

  /* Reload shows their change; the edit can then be made again and saved. */
  gtk_info_bar_response (GTK_INFO_BAR (field (f, "conflict_bar")), 1);
  presso_test_spin (20);
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (field (f, "conflict_bar"))));
  g_assert_cmpstr (text_of (f, "email_row"), ==, "zoe@example.org");
  g_assert_cmpstr (text_of (f, "phone_row"), ==, "06 11 22 33 44");
  type_into (f, "phone_row", "06 55 55 55 55");
  save_and_wait (f);
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) is_not_editing, 1000));
  stored = presso_store_get_client (f->store, presso_client_get_id (client), &error);
  g_assert_cmpstr (presso_client_get_phone (stored), ==, "06 55 55 55 55");
  g_assert_cmpstr (presso_client_get_email (stored), ==, "zoe@example.org");
}

/* Every button showing only an icon has a name for screen readers (GTK 4.8 would otherwise
 * call it after its type). */
static void
check_icon_buttons (GtkWidget *widget,
                    guint     *n_checked)
{
  const char *icon = NULL;

  /* Hidden widgets (and their children) are not offered to assistive technologies. */
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    icon = gtk_button_get_icon_name (GTK_BUTTON (widget));
  else if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL)
    icon = gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget));
  if (icon != NULL)
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                             GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("the %s button (%s) has no accessible label",
                 icon, gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)));
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_icon_buttons (child, n_checked);
}

static void
test_clients_accessible_buttons (Fixture       *f,
                                 gconstpointer  data)
{
  guint n_checked = 0;

  /* The staff list, then the Clients area with a record and the editor built. */
  check_icon_buttons (GTK_WIDGET (f->window), &n_checked);
  sign_in (f, "Claire Martin");
  presso_clients_page_get_view (page (f));
  presso_clients_page_get_editor (page (f));
  check_icon_buttons (GTK_WIDGET (f->window), &n_checked);
  /* Main menu twice, new client, back, the two calendar buttons at least. */
  g_assert_cmpuint (n_checked, >=, 6);
}

static GtkLabel *
find_label_ending (GtkWidget  *root,
                   const char *suffix)
{
  if (GTK_IS_LABEL (root) && g_str_has_suffix (gtk_label_get_label (GTK_LABEL (root)), suffix))
    return GTK_LABEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label_ending (child, suffix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A long name in a toast leaves room for what happened to the client, at the end. */
static void
test_clients_long_name_toast (Fixture       *f,
                              gconstpointer  data)
{
  GtkLabel *toast;
  const char *text;

  sign_in (f, "Claire Martin");
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "new-client", NULL);
  presso_test_spin (20);
  type_into (f, "first_name_row", "Maximilienne-Alexandrine-Bénédicte-Marie-Joséphine-Hortense");
  type_into (f, "last_name_row", "de La Rochefoucauld-Montmorency-Laval-Beauharnais");
  save_and_wait (f);
  g_assert_false (presso_clients_page_is_editing (page (f)));
  g_assert_cmpstr (presso_client_get_first_name (presso_clients_page_get_current (page (f))), ==,
                   "Maximilienne-Alexandrine-Bénédicte-Marie-Joséphine-Hortense");

  toast = find_label_ending (GTK_WIDGET (f->window), "” saved");
  g_assert_nonnull (toast);
  text = gtk_label_get_label (toast);
  g_test_message ("toast: %s", text);
  g_assert_true (g_str_has_prefix (text, "“de La Rochefoucauld-Montmorenc"));
  g_assert_cmpint (g_utf8_strlen (text, -1), <=, 40);
  g_assert_nonnull (strstr (text, "…” saved"));
}

/* Start Session is on the record for those who may treat, and not at all for the front desk. */
static void
test_clients_start_session_role (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;

  presso_client_set_first_name (client, "Anne");
  presso_client_set_last_name (client, "Durand");
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);

  sign_in (f, "Paul Leroy");
  presso_clients_page_show_client (page (f), client);
  presso_test_spin (50);
  g_assert_false (gtk_widget_get_visible (shown (f, "start_session_button")));

  presso_window_switch_user (f->window);
  sign_in (f, "Claire Martin");
  presso_clients_page_show_client (page (f), client);
  presso_test_spin (50);
  g_assert_true (gtk_widget_get_visible (shown (f, "start_session_button")));
  g_assert_true (gtk_widget_is_sensitive (shown (f, "start_session_button")));
}

/* Closing the window (or Ctrl+Q) while a client is being edited asks before losing the
 * typing; keeping on editing keeps it, discarding closes. */
static void
test_clients_close_while_editing (Fixture       *f,
                                  gconstpointer  data)
{
  AdwMessageDialog *dialog;
  GtkWidget *button;

  sign_in (f, "Claire Martin");
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "new-client", NULL);
  presso_test_spin (20);
  type_into (f, "first_name_row", "Typed");
  type_into (f, "last_name_row", "Notsaved");

  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) has_dialog, 2000));
  dialog = presso_test_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "A Client Is Being Edited");
  button = presso_test_find_button (GTK_WIDGET (dialog), "_Keep Editing");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  presso_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_true (presso_clients_page_is_editing (page (f)));
  g_assert_cmpstr (text_of (f, "last_name_row"), ==, "Notsaved");

  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) has_dialog, 2000));
  /* Kept alive for the tear-down, which destroys it again (a reference the test leaves). */
  g_object_ref (f->window);
  button = presso_test_find_button (GTK_WIDGET (presso_test_message_dialog ()), "_Discard and Close");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  presso_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_null (presso_test_message_dialog ());
}

static gboolean
n_listed_is_two (Fixture *f)
{
  return n_listed (f) == 2;
}

/* A match reached with the arrow keys opens with Enter (the list view's "activate"). */
static void
test_clients_keyboard (Fixture       *f,
                       gconstpointer  data)
{
  const char *names[] = { "Durand", "Dupont" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(PressoClient) client = presso_client_new ();

      presso_client_set_first_name (client, "Anne");
      presso_client_set_last_name (client, names[i]);
      g_assert_true (presso_store_insert_client (f->store, client, &error));
      g_assert_no_error (error);
    }
  sign_in (f, "Claire Martin");
  type_into (f, "search_entry", "anne");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) n_listed_is_two, 3000));
  g_assert_null (presso_clients_page_get_current (page (f)));

  /* Second match: Durand (the list is by last name). */
  g_signal_emit_by_name (find (f, "list_view"), "activate", 1);
  presso_test_spin (20);
  g_assert_nonnull (presso_clients_page_get_current (page (f)));
  g_assert_cmpstr (presso_client_get_last_name (presso_clients_page_get_current (page (f))), ==, "Durand");

  /* Typed quickly then Enter, before the entry reports the search: the match opens, not the
   * first client of the list as it was. */
  type_into (f, "search_entry", "dupo");
  g_signal_emit_by_name (find (f, "search_entry"), "activate");
  presso_test_spin (20);
  g_assert_cmpstr (presso_client_get_last_name (presso_clients_page_get_current (page (f))), ==, "Dupont");
  type_into (f, "search_entry", "");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) n_listed_is_two, 3000));
  type_into (f, "search_entry", "dura");
  g_signal_emit_by_name (find (f, "search_entry"), "activate");
  presso_test_spin (20);
  g_assert_cmpstr (presso_client_get_last_name (presso_clients_page_get_current (page (f))), ==, "Durand");
}

static gboolean
is_folded (Fixture *f)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (find (f, "leaflet")));
}

static void
test_clients_narrow (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;
  AdwLeaflet *leaflet;

  presso_client_set_first_name (client, "Siobhan");
  presso_client_set_last_name (client, "O'Brien");
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  sign_in (f, "Claire Martin");

  /* On a narrow window the list and the record take turns. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 560, 600);
  /* The X server's answer to the resize can take seconds on a loaded machine. */
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) is_folded, 10000));
  leaflet = ADW_LEAFLET (find (f, "leaflet"));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");
  g_signal_emit_by_name (find (f, "search_entry"), "activate");
  presso_test_spin (20);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "detail");
  g_assert_true (gtk_widget_get_visible (find (f, "back_button")));
  presso_test_spin (600);   /* let the transitions end, for a screenshot that reads */
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-clients-narrow.png");
  click (f, "back_button");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");

  /* Ctrl+N goes to the editor, Escape back to the list. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "new-client", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "detail");
  gtk_widget_activate_action (GTK_WIDGET (presso_clients_page_get_editor (page (f))),
                              "editor.cancel", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "detail");
  g_assert_cmpstr (stack_child (f, "detail_stack"), ==, "view");
}

static void
test_clients_screenshot (Fixture       *f,
                         gconstpointer  data)
{
  const char *names[][3] = {
    { "Hélène", "Dupont", "1985-03-12" },
    { "Zoë", "Müller", "1990-07-01" },
    { "Siobhan", "O'Brien", "1978-11-23" },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(PressoClient) client = presso_client_new ();

      presso_client_set_first_name (client, names[i][0]);
      presso_client_set_last_name (client, names[i][1]);
      presso_client_set_birth_date (client, names[i][2]);
      presso_client_set_phone (client, "06 12 34 56 78");
      g_assert_true (presso_store_insert_client (f->store, client, &error));
      g_assert_no_error (error);
    }
  sign_in (f, "Claire Martin");
  g_signal_emit_by_name (find (f, "search_entry"), "activate");
  presso_test_spin (300);
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-clients.png");
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's in-process accessibility backend: it records roles, states and relations for the
   * assertions below and needs no session bus (the suite's GTK_A11Y=none would drop them). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* Without a window manager the window never becomes active, and a blinking cursor in a
   * focused entry then warns that it missed a focus-out. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* The application loads its style sheet from the resource base path; so do the tests. */
  presso_test_load_style ();

  g_test_add ("/presso/ui/clients/staff-pick", Fixture, NULL,
              fixture_set_up, test_staff_pick, fixture_tear_down);
  g_test_add ("/presso/ui/clients/flow", Fixture, NULL,
              fixture_set_up, test_clients_flow, fixture_tear_down);
  g_test_add ("/presso/ui/clients/duplicate", Fixture, NULL,
              fixture_set_up, test_clients_duplicate, fixture_tear_down);
  g_test_add ("/presso/ui/clients/conflict", Fixture, NULL,
              fixture_set_up, test_clients_conflict, fixture_tear_down);
  g_test_add ("/presso/ui/clients/accessible-buttons", Fixture, NULL,
              fixture_set_up, test_clients_accessible_buttons, fixture_tear_down);
  g_test_add ("/presso/ui/clients/long-name-toast", Fixture, NULL,
              fixture_set_up, test_clients_long_name_toast, fixture_tear_down);
  g_test_add ("/presso/ui/clients/start-session-role", Fixture, NULL,
              fixture_set_up, test_clients_start_session_role, fixture_tear_down);
  g_test_add ("/presso/ui/clients/close-while-editing", Fixture, NULL,
              fixture_set_up, test_clients_close_while_editing, fixture_tear_down);
  g_test_add ("/presso/ui/clients/keyboard", Fixture, NULL,
              fixture_set_up, test_clients_keyboard, fixture_tear_down);
  g_test_add ("/presso/ui/clients/narrow", Fixture, NULL,
              fixture_set_up, test_clients_narrow, fixture_tear_down);
  g_test_add ("/presso/ui/clients/screenshot", Fixture, NULL,
              fixture_set_up, test_clients_screenshot, fixture_tear_down);

  return g_test_run ();
}
