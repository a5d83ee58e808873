/* test-ui-treatment.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Treatment area in the real PressoWindow, on a fresh SQLite database, with the in-process
 * simulated device: a practitioner finds a cleared client, starts a shortened session, watches
 * the graph fill and the status change, lets it complete, writes notes and scores and saves
 * them into the record; a contraindicated client is refused with the reason on screen; the
 * emergency vent ends a running session with the device vented and an alarm shown.  The front
 * desk does not see the area.  Screenshots of the running page go into the build directory.
 */
#include "config.h"

#include <malloc.h>
#include <math.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-clients-page.h"
#include "presso-garment-view-private.h"
#include "presso-history-chart.h"
#include "presso-history-page.h"
#include "presso-measurements-group.h"
#include "presso-pressure-graph-private.h"
#include "presso-sim.h"
#include "presso-store-screening.h"
#include "presso-store-session.h"
#include "presso-treatment-page.h"
#include "presso-ui-util.h"
#include "presso-test-gui.h"
#include "presso-window.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  PressoStore          *store;
  PressoStaff          *lea;
  PressoStaff          *front_desk;
  PressoClient         *anne;       /* screened today, nothing to report */
  PressoClient         *paul;       /* acute venous thrombosis */
  PressoScreeningRules *rules;
  PressoWindow         *window;
  PressoTreatmentPage  *page;
} Fixture;

typedef gboolean (*Condition) (Fixture *f);

static gboolean
spin_until (Fixture   *f,
            Condition  done,
            guint      timeout_ms)
{
  return presso_test_spin_until (f, (PressoTestCondition) done, timeout_ms);
}

static GtkWidget *
find (Fixture    *f,
      const char *id)
{
  GtkWidget *widget = presso_find_child_by_id (GTK_WIDGET (f->page), id);

  if (widget == NULL)
    g_error ("no widget with id %s in the Treatment area", id);
  return widget;
}

static const char *
label_text (Fixture    *f,
            const char *id)
{
  return gtk_label_get_label (GTK_LABEL (find (f, id)));
}

/* The window as the screen shows it, just after its next paint. */
static GdkTexture *
render_window (Fixture *f)
{
  return presso_test_render (GTK_WIDGET (f->window));
}

static void
save_screenshot (Fixture    *f,
                 const char *name)
{
  presso_test_save_screenshot (GTK_WIDGET (f->window), name);
}

/* ------------------------------------------------------------------ data */

static void
answer_all (PressoScreening      *screening,
            PressoScreeningRules *rules,
            const char           *yes_item)
{
  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);
      const char *id = presso_screening_item_get_id (item);
      g_autoptr(PressoScreeningAnswer) value = NULL;
      g_autoptr(GError) error = NULL;

      if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_YES_NO)
        value = presso_screening_answer_new_yes_no (g_strcmp0 (id, yes_item) == 0);
      else if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_ZONES)
        value = presso_screening_answer_new_zones (PRESSO_ZONE_NONE);
      else
        continue;
      g_assert_true (presso_screening_set_answer (screening, rules, id, value, &error));
      g_assert_no_error (error);
    }
}

static PressoClient *
add_client_screened (Fixture    *f,
                     const char *first,
                     const char *last,
                     const char *yes_item,
                     GDateTime  *screened_at);

static PressoClient *
add_client (Fixture    *f,
            const char *first,
            const char *last,
            const char *yes_item)
{
  return add_client_screened (f, first, last, yes_item, NULL);
}

static PressoClient *
add_client_screened (Fixture    *f,
                     const char *first,
                     const char *last,
                     const char *yes_item,
                     GDateTime  *screened_at)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(GError) error = NULL;

  presso_client_set_first_name (client, first);
  presso_client_set_last_name (client, last);
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  /* Screened today: the gate asks no "anything changed?" question. */
  screening = presso_screening_new (presso_client_get_id (client));
  answer_all (screening, f->rules, yes_item);
  if (screened_at != NULL)
    presso_screening_set_screened_at (screening, screened_at);
  g_assert_true (presso_store_insert_screening (f->store, screening, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

/* Four chambers of the left boot, 40 mmHg, one second per step. */
static gboolean
is_mapped (Fixture *f)
{
  return gtk_widget_get_mapped (GTK_WIDGET (f->window));
}

static gboolean
device_ready (Fixture *f)
{
  PressoDevice *device = presso_treatment_page_get_device (f->page);

  return device != NULL && presso_device_get_state (device) == PRESSO_DEVICE_STATE_READY;
}

static gboolean
device_vented (Fixture *f)
{
  PressoDevice *device = presso_treatment_page_get_device (f->page);
  PressoDeviceState state = presso_device_get_state (device);

  return state == PRESSO_DEVICE_STATE_FAULT || state == PRESSO_DEVICE_STATE_READY;
}

static gboolean
session_running (Fixture *f)
{
  PressoSession *session = presso_treatment_page_get_session (f->page);

  return session != NULL && presso_session_get_state (session) == PRESSO_SESSION_STATE_RUNNING;
}

static gboolean
session_finished (Fixture *f)
{
  PressoSession *session = presso_treatment_page_get_session (f->page);

  return session != NULL && presso_session_get_state (session) == PRESSO_SESSION_STATE_FINISHED;
}

static gboolean
graph_has_samples (Fixture *f)
{
  PressoSampleBuffer *buffer = presso_treatment_page_get_buffer (f->page);

  return buffer != NULL && presso_sample_buffer_get_n_appended (buffer) >= 200;
}

static gboolean
phase_shown (Fixture *f)
{
  return g_strcmp0 (label_text (f, "phase_label"), "–") != 0;
}

static gboolean
alarm_shown (Fixture *f)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "alarm_revealer")));
}

static gboolean
alarm_hidden (Fixture *f)
{
  return !alarm_shown (f);
}

/* ------------------------------------------------------------------ fixture */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("presso-ui-treatment-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "clinic.db", NULL);
  f->store = presso_store_open (f->path, &error);
  g_assert_no_error (error);
  f->rules = presso_screening_rules_load_default (&error);
  g_assert_no_error (error);

  f->lea = presso_staff_new ("Léa Martin", PRESSO_ROLE_PRACTITIONER);
  f->front_desk = presso_staff_new ("Paul Roux", PRESSO_ROLE_RECEPTIONIST);
  g_assert_true (presso_store_insert_staff (f->store, f->lea, &error));
  g_assert_true (presso_store_insert_staff (f->store, f->front_desk, &error));
  g_assert_no_error (error);
  presso_store_set_actor (f->store, f->lea);
  f->anne = add_client (f, "Anne", "Durand", NULL);
  f->paul = add_client (f, "Paul", "Leroy", "venous-thrombosis");
  presso_store_set_actor (f->store, NULL);

  f->window = PRESSO_WINDOW (presso_window_new (NULL, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (spin_until (f, is_mapped, 5000));
  f->page = PRESSO_TREATMENT_PAGE (presso_window_get_page (f->window, "treatment"));
  g_assert_nonnull (f->page);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  gtk_window_destroy (GTK_WINDOW (f->window));
  presso_test_spin (100);
  g_clear_object (&f->anne);
  g_clear_object (&f->paul);
  g_clear_object (&f->lea);
  g_clear_object (&f->front_desk);
  g_clear_object (&f->rules);
  g_clear_object (&f->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);
      g_remove (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gboolean
area_listed (Fixture *f)
{
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (f->page));

  return adw_view_stack_page_get_visible (adw_view_stack_get_page (ADW_VIEW_STACK (stack),
                                                                   GTK_WIDGET (f->page)));
}

/* Signs Léa in, opens the area and waits for the simulated device. */
static void
open_area (Fixture *f)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();

  presso_window_sign_in (f->window, f->lea);
  g_assert_true (area_listed (f));
  presso_window_show_page (f->window, "treatment");
  /* A machine with serial ports starts on the first one: take the simulated device. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "device_dropdown")), 0);
  g_assert_true (spin_until (f, device_ready, 5000));
  g_assert_true (presso_device_get_simulated (presso_treatment_page_get_device (f->page)));
  /* The garments come from the device: presso-sim's two boots. */
  g_assert_nonnull (find (f, "garments_box"));
  presso_treatment_page_add_program (f->page, program);
  presso_treatment_page_set_duration_limit (f->page, 5);
}

/* Types part of the name in the area's search and takes the first client found. */
static void
pick_client (Fixture    *f,
             const char *text)
{
  GtkWidget *search = find (f, "client_search");

  gtk_editable_set_text (GTK_EDITABLE (search), text);
  presso_test_spin (400);
  g_assert_true (gtk_widget_get_visible (find (f, "client_results")));
  g_signal_emit_by_name (search, "activate");
  g_assert_nonnull (presso_treatment_page_get_client (f->page));
}

static void
click (Fixture    *f,
       const char *id)
{
  GtkWidget *button = find (f, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The garments offered (check buttons of the Garments row), by garment kind. */
static GtkCheckButton *
garment_check (Fixture *f,
               guint    garment)
{
  GtkWidget *box = find (f, "garments_box");

  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "garment")) == garment)
        return GTK_CHECK_BUTTON (check);
    }
  g_error ("no check button for garment %u", garment);
  return NULL;
}

/* A toast on screen anywhere in the area (AdwToastOverlay keeps them as its children). */
static gboolean
has_toast (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0 || has_toast (child))
      return TRUE;
  return FALSE;
}

/* @widget lies wholly inside the window, drawn and usable. */
static void
assert_in_window (Fixture    *f,
                  const char *id)
{
  GtkWidget *widget = find (f, id);
  graphene_rect_t r;
  int w = gtk_widget_get_width (GTK_WIDGET (f->window));
  int h = gtk_widget_get_height (GTK_WIDGET (f->window));

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (f->window), &r));
  g_test_message ("%s: %.0f×%.0f at %.0f,%.0f in %d×%d", id, r.size.width, r.size.height,
                  r.origin.x, r.origin.y, w, h);
  g_assert_cmpfloat (r.size.width, >=, 40);
  g_assert_cmpfloat (r.size.height, >=, 24);
  g_assert_cmpfloat (r.origin.x, >=, 0);
  g_assert_cmpfloat (r.origin.y, >=, 0);
  g_assert_cmpfloat (r.origin.x + r.size.width, <=, w);
  g_assert_cmpfloat (r.origin.y + r.size.height, <=, h);
}

/* ------------------------------------------------------------------ tests */

static void
test_treatment_front_desk (Fixture       *f,
                           gconstpointer  data)
{
  /* Nobody signed in, then the receptionist: no Treatment area; a practitioner: there. */
  g_assert_false (area_listed (f));
  presso_window_sign_in (f->window, f->front_desk);
  g_assert_false (area_listed (f));
  /* The front desk's Start Session button on the client record is disabled. */
  {
    PressoClientsPage *clients = PRESSO_CLIENTS_PAGE (presso_window_get_page (f->window, "clients"));
    GtkWidget *button;

    presso_clients_page_show_client (clients, f->anne);
    presso_test_spin (100);
    button = presso_find_child_by_id (GTK_WIDGET (clients), "start_session_button");
    g_assert_nonnull (button);
    g_assert_false (gtk_widget_is_sensitive (button));
  }
  presso_window_switch_user (f->window);
  presso_window_sign_in (f->window, f->lea);
  g_assert_true (area_listed (f));

  /* A practitioner's Start Session on the record brings that client into the Treatment area,
   * and History follows the client shown in the Clients area. */
  {
    PressoClientsPage *clients = PRESSO_CLIENTS_PAGE (presso_window_get_page (f->window, "clients"));
    GtkWidget *button;

    presso_window_show_page (f->window, "clients");
    presso_clients_page_show_client (clients, f->paul);
    presso_test_spin (100);
    button = presso_find_child_by_id (GTK_WIDGET (clients), "start_session_button");
    g_assert_true (gtk_widget_is_sensitive (button));
    g_signal_emit_by_name (button, "clicked");
    presso_test_spin (100);
    g_assert_nonnull (presso_treatment_page_get_client (f->page));
    g_assert_cmpint (presso_client_get_id (presso_treatment_page_get_client (f->page)), ==,
                     presso_client_get_id (f->paul));
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (f->page)))),
                     ==, "treatment");
    g_assert_nonnull (presso_history_page_get_client (PRESSO_HISTORY_PAGE (presso_window_get_page (f->window,
                                                                                                 "history"))));
  }

  /* The areas must not keep the window from narrow sizes (the Clients area folds at 560). */
  {
    const char *names[] = { "treatment", "history" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        int minimum;

        gtk_widget_measure (presso_window_get_page (f->window, names[i]), GTK_ORIENTATION_HORIZONTAL, -1,
                            &minimum, NULL, NULL, NULL);
        g_test_message ("%s: %d px wide at least", names[i], minimum);
        g_assert_cmpint (minimum, <=, 520);
      }
  }
  {
    int minimum;

    gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_test_message ("window: %d px wide at least", minimum);
    g_assert_cmpint (minimum, <=, 560);
  }
}

static void
test_treatment_refused (Fixture       *f,
                        gconstpointer  data)
{
  open_area (f);

  /* Start with no client: refused, and said. */
  click (f, "start_button");
  g_assert_true (gtk_widget_get_visible (find (f, "refusal_box")));
  g_assert_nonnull (presso_treatment_page_get_refusal (f->page));

  /* Acute venous thrombosis: the gate refuses, naming why; nothing starts. */
  pick_client (f, "Leroy");
  g_assert_true (presso_treatment_page_get_client (f->page) != NULL);
  g_assert_cmpint (presso_client_get_id (presso_treatment_page_get_client (f->page)), ==,
                   presso_client_get_id (f->paul));
  click (f, "start_button");
  presso_test_spin (200);
  g_assert_null (presso_treatment_page_get_session (f->page));
  g_assert_true (gtk_widget_get_visible (find (f, "refusal_box")));
  g_test_message ("refusal: %s", label_text (f, "refusal_label"));
  g_assert_nonnull (strstr (label_text (f, "refusal_label"), "screening"));
  g_assert_cmpint (presso_device_get_state (presso_treatment_page_get_device (f->page)), ==,
                   PRESSO_DEVICE_STATE_READY);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GListModel) sessions = presso_store_list_client_sessions (f->store, presso_client_get_id (f->paul),
                                                                        &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 0);
  }
  save_screenshot (f, "ui-treatment-refused.png");

  /* A pressure above the device's and the envelope's limits is refused with its reason. */
  pick_client (f, "Durand");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, "pressure_spin")), 180);
  g_assert_true (gtk_widget_get_visible (find (f, "program_problem_label")));
  click (f, "start_button");
  g_assert_null (presso_treatment_page_get_session (f->page));
  g_assert_nonnull (strstr (label_text (f, "refusal_label"), "180"));
}

static void
test_treatment_session (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remaining_at_start = NULL;
  PressoSession *session;
  gint64 id;

  open_area (f);
  pick_client (f, "Durand");
  g_assert_cmpint (presso_client_get_id (presso_treatment_page_get_client (f->page)), ==,
                   presso_client_get_id (f->anne));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, "heaviness_before_spin")), 7);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, "pain_before_spin")), 3);
  g_assert_cmpstr (label_text (f, "session_state_label"), ==, "Not started");

  /* Before Start the garment view already shows what will run: the left boot ticked, its
   * chambers 1–4 (presso-sim: two boots of six); the right boot ticked too, then not. */
  {
    PressoGarmentView *garments = PRESSO_GARMENT_VIEW (find (f, "garment_view"));
    graphene_rect_t band;

    g_assert_true (gtk_check_button_get_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_LEFT)));
    g_assert_false (gtk_check_button_get_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_RIGHT)));
    g_assert_cmphex (presso_garment_view_get_skipped_chambers (garments), ==, 0xFF0);
    /* and the graph's legend names the left boot only */
    g_assert_cmphex (presso_pressure_graph_get_visible_chambers (PRESSO_PRESSURE_GRAPH (find (f, "graph"))),
                     ==, 0x00F);
    presso_test_spin (100);
    g_assert_true (_presso_garment_view_get_band (garments, 0, &band));
    g_assert_false (_presso_garment_view_get_band (garments, 6, &band));
    gtk_check_button_set_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_RIGHT), TRUE);
    presso_test_spin (100);
    g_assert_true (_presso_garment_view_get_band (garments, 6, &band));
    g_assert_cmphex (presso_garment_view_get_skipped_chambers (garments) & 0x00F, ==, 0);
    gtk_check_button_set_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_RIGHT), FALSE);
    presso_test_spin (100);
    g_assert_cmphex (presso_garment_view_get_skipped_chambers (garments), ==, 0xFF0);
    g_assert_false (_presso_garment_view_get_band (garments, 6, &band));
  }

  click (f, "start_button");
  g_assert_false (gtk_widget_get_visible (find (f, "refusal_box")));
  session = presso_treatment_page_get_session (f->page);
  g_assert_nonnull (session);
  id = presso_session_get_session_id (session);
  g_assert_cmpint (id, >, 0);
  g_assert_true (spin_until (f, session_running, 3000));
  g_assert_cmpstr (label_text (f, "session_state_label"), ==, "Running");
  /* Never mistaken for a real device. */
  g_assert_cmpstr (label_text (f, "device_state_label"), ==, "Simulated device: Running");
  remaining_at_start = g_strdup (label_text (f, "remaining_label"));

  /* The graph's buffer fills from the session's telemetry; the status follows. */
  g_assert_true (spin_until (f, graph_has_samples, 4000));
  g_assert_true (spin_until (f, phase_shown, 2000));
  g_assert_cmpstr (label_text (f, "remaining_label"), !=, remaining_at_start);
  g_assert_false (gtk_widget_is_sensitive (find (f, "start_button")));
  g_assert_true (gtk_widget_is_sensitive (find (f, "vent_button")));
  save_screenshot (f, "ui-treatment-running.png");

  /* Dark, and a small screen. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  presso_test_spin (300);
  save_screenshot (f, "ui-treatment-running-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  presso_test_spin (400);
  save_screenshot (f, "ui-treatment-running-800x600.png");
  /* On a small screen the graph has the room: the left column, which holds only the client
   * and the buttons while the session runs, narrows; Pause, Stop and the vent stay in view. */
  {
    int graph_w = gtk_widget_get_width (find (f, "graph"));
    int column_w = gtk_paned_get_position (GTK_PANED (find (f, "paned")));

    g_test_message ("800×600 running: left column %d px, graph %d px", column_w, graph_w);
    g_assert_cmpint (column_w, <=, 240);
    g_assert_cmpint (graph_w, >=, 300);
    assert_in_window (f, "vent_button");
    g_assert_true (gtk_widget_is_sensitive (find (f, "vent_button")));
    assert_in_window (f, "pause_button");
    assert_in_window (f, "stop_button");
  }
  /* At the narrowest the window allows, the vent, Pause and Stop are still whole on screen. */
  {
    int minimum;

    gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    gtk_window_set_default_size (GTK_WINDOW (f->window), MAX (minimum, 560), 500);
    presso_test_spin (400);
    save_screenshot (f, "ui-treatment-running-narrow.png");
    assert_in_window (f, "vent_button");
    g_assert_true (gtk_widget_is_sensitive (find (f, "vent_button")));
    assert_in_window (f, "pause_button");
    assert_in_window (f, "stop_button");
    g_assert_cmpint (gtk_widget_get_width (find (f, "graph")), >=, 120);
    /* the status and the graph's column whole too */
    assert_in_window (f, "session_state_label");
    assert_in_window (f, "window_session_button");
    assert_in_window (f, "garment_view");
    gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
    presso_test_spin (400);
  }

  /* Pause and resume. */
  click (f, "pause_button");
  presso_test_spin (600);
  g_assert_cmpstr (label_text (f, "session_state_label"), ==, "Paused");
  g_assert_true (gtk_widget_get_visible (find (f, "resume_button")));
  click (f, "resume_button");
  g_assert_true (spin_until (f, session_running, 2000));

  /* The duration limit ends it; then notes and scores. */
  g_assert_true (spin_until (f, session_finished, 15000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_true (g_str_has_prefix (label_text (f, "session_state_label"), "Completed"));
  g_assert_true (gtk_widget_get_visible (find (f, "after_group")));
  /* The status says how it ended; no toast over the graph's time axis. */
  presso_test_spin (200);
  g_assert_false (has_toast (GTK_WIDGET (f->page)));
  /* The column takes its width back for the scores, measurements and notes. */
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (find (f, "paned"))), >=, 340);
  assert_in_window (f, "heaviness_after_spin");
  assert_in_window (f, "vent_button");
  /* and the graph's column still fits beside it, none of it cut off at the window's edge */
  assert_in_window (f, "window_session_button");
  assert_in_window (f, "garment_view");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, "heaviness_after_spin")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, "pain_after_spin")), 1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (f, "notes_view"))),
                            "Legs lighter; no discomfort.", -1);
  save_screenshot (f, "ui-treatment-finished.png");
  click (f, "save_button");

  record = presso_store_get_session (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_client_id (record), ==, presso_client_get_id (f->anne));
  g_assert_cmpint (presso_session_record_get_practitioner_id (record), ==, presso_staff_get_id (f->lea));
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpstr (presso_session_record_get_notes (record), ==, "Legs lighter; no discomfort.");
  g_assert_cmpint (presso_session_record_get_heaviness_before (record), ==, 7);
  g_assert_cmpint (presso_session_record_get_heaviness_after (record), ==, 2);
  g_assert_cmpint (presso_session_record_get_pain_before (record), ==, 3);
  g_assert_cmpint (presso_session_record_get_pain_after (record), ==, 1);
  g_assert_cmpstr (presso_session_record_get_program_name (record), ==, "Short test");
  g_assert_nonnull (presso_session_record_get_trace (record));
  g_assert_cmpuint (presso_session_record_get_trace (record)->n_samples, >=, 40);

  /* Ready for the next client. */
  click (f, "new_session_button");
  g_assert_null (presso_treatment_page_get_session (f->page));
  g_assert_true (gtk_widget_is_sensitive (find (f, "start_button")));
}

/* Types @keys with xdotool (X test extension) into the window; FALSE when it cannot. */
static gboolean
press_keys (Fixture    *f,
            const char *keys)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (xdotool == NULL || g_getenv ("DISPLAY") == NULL)
    {
      g_test_message ("xdotool or X display missing: the vent shortcut is not typed");
      return FALSE;
    }
  {
    const char *move[] = { xdotool, "mousemove", "400", "300", NULL };
    const char *press[] = { xdotool, "key", "--clearmodifiers", keys, NULL };

    g_spawn_sync (NULL, (char **) move, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    presso_test_spin (100);
    if (!g_spawn_sync (NULL, (char **) press, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, NULL))
      {
        g_test_message ("xdotool failed: %s", error ? error->message : "");
        return FALSE;
      }
  }
  return TRUE;
}

static void
test_treatment_vent (Fixture       *f,
                     gconstpointer  data)
{
  PressoSession *session;

  open_area (f);
  /* Venting is there before any session: the device is connected. */
  g_assert_true (gtk_widget_is_sensitive (find (f, "vent_button")));
  g_assert_false (alarm_shown (f));

  pick_client (f, "Durand");
  presso_treatment_page_set_duration_limit (f->page, 0);
  click (f, "start_button");
  g_assert_true (spin_until (f, session_running, 3000));
  g_assert_true (spin_until (f, graph_has_samples, 4000));
  session = presso_treatment_page_get_session (f->page);

  /* The shortcut, typed through the X server (XTest) like a keyboard would: Ctrl+Shift+V is
   * handled window-wide, whatever has the focus.  The button is the fallback without xdotool. */
  if (!press_keys (f, "ctrl+shift+v"))
    click (f, "vent_button");
  g_assert_true (spin_until (f, session_finished, 5000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
  g_assert_true (spin_until (f, device_vented, 3000));
  g_test_message ("device after the vent: %s; alarms: %u", label_text (f, "device_state_label"),
                  g_list_model_get_n_items (presso_session_get_alarms (session)));
  g_assert_true (spin_until (f, alarm_shown, 3000));
  g_assert_cmpstr (label_text (f, "alarm_priority_label"), ==, "High priority");
  g_assert_true (gtk_widget_is_sensitive (find (f, "acknowledge_button")));
  /* Still one click away after the vent. */
  g_assert_true (gtk_widget_is_sensitive (find (f, "vent_button")));
  presso_test_spin (300);
  save_screenshot (f, "ui-treatment-vented.png");
  /* The alarm bar says it: no toast over the graph's time axis as well. */
  g_assert_false (has_toast (GTK_WIDGET (f->page)));

  /* Acknowledged: the device leaves its fault, the bar goes, and the next session may start. */
  click (f, "acknowledge_button");
  g_assert_true (spin_until (f, alarm_hidden, 3000));
  g_assert_true (spin_until (f, device_ready, 3000));
}

static gboolean
dialog_shown (Fixture *f)
{
  return presso_test_message_dialog () != NULL;
}

/* What a click on a dialog's button does: the response, then the dialog closes. */
static void
respond (const char *response)
{
  AdwMessageDialog *dialog = presso_test_message_dialog ();

  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  presso_test_spin (100);
}

static gboolean
first_chamber_empty (Fixture *f)
{
  gint16 measured[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];

  return presso_sample_buffer_get_latest (presso_treatment_page_get_buffer (f->page), NULL, measured,
                                          NULL, NULL) &&
         measured[0] < 50;      /* under 5 mmHg */
}

/* A fault in the garment (the first chamber's inlet stuck open, its vent blocked): the device
 * vents, the session ends as interrupted, and the alarm stays on screen until acknowledged. */
static void
test_treatment_fault (Fixture       *f,
                      gconstpointer  data)
{
  presso_sim_config config;
  g_autoptr(PressoDevice) faulty = NULL;
  PressoSession *session;

  presso_sim_config_init (&config);
  config.overshoot_chamber = 0;
  faulty = presso_device_new_simulated (&config);

  open_area (f);
  presso_treatment_page_set_device (f->page, faulty);
  g_assert_true (presso_treatment_page_get_device (f->page) == faulty);
  g_assert_true (spin_until (f, device_ready, 5000));
  presso_treatment_page_set_duration_limit (f->page, 0);
  pick_client (f, "Durand");
  click (f, "start_button");
  g_assert_true (spin_until (f, session_running, 3000));
  session = presso_treatment_page_get_session (f->page);

  g_assert_true (spin_until (f, alarm_shown, 10000));
  g_test_message ("alarm: %s — %s — %s", label_text (f, "alarm_priority_label"),
                  label_text (f, "alarm_message_label"), label_text (f, "alarm_detail_label"));
  g_assert_cmpstr (label_text (f, "alarm_priority_label"), ==, "High priority");
  g_assert_true (spin_until (f, session_finished, 5000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (spin_until (f, device_vented, 3000));
  g_assert_true (alarm_shown (f));
  /* The graph goes on showing the chamber empty itself after the end. */
  g_assert_true (spin_until (f, first_chamber_empty, 5000));
  save_screenshot (f, "ui-treatment-fault.png");

  /* Acknowledging every alarm clears the bar; none is lost on the way. */
  for (guint i = 0; i < 10 && alarm_shown (f); i++)
    {
      click (f, "acknowledge_button");
      presso_test_spin (300);
    }
  g_assert_false (alarm_shown (f));
}

/* A screening from an earlier day: Start asks "anything changed?" first.  A change stops the
 * start with the gate's reason; "nothing changed" lets it start.  Stop asks before stopping. */
static void
test_treatment_confirm (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_week = g_date_time_add_days (now, -7);
  g_autoptr(PressoClient) marie = NULL;
  g_autoptr(PressoClient) lucas = NULL;
  PressoSession *session;

  presso_store_set_actor (f->store, f->lea);
  marie = add_client_screened (f, "Marie", "Petit", NULL, last_week);
  lucas = add_client_screened (f, "Lucas", "Bernard", NULL, last_week);
  presso_store_set_actor (f->store, NULL);
  open_area (f);

  pick_client (f, "Petit");
  click (f, "start_button");
  g_assert_true (spin_until (f, dialog_shown, 2000));
  save_screenshot (f, "ui-treatment-confirm.png");
  respond ("changed");
  g_assert_null (presso_treatment_page_get_session (f->page));
  g_assert_true (gtk_widget_get_visible (find (f, "refusal_box")));
  g_test_message ("after a change: %s", label_text (f, "refusal_label"));
  /* Asked again, the recorded change still refuses, without asking twice. */
  click (f, "start_button");
  presso_test_spin (100);
  g_assert_false (dialog_shown (f));
  g_assert_null (presso_treatment_page_get_session (f->page));

  pick_client (f, "Bernard");
  click (f, "start_button");
  g_assert_true (spin_until (f, dialog_shown, 2000));
  respond ("unchanged");
  g_assert_true (spin_until (f, session_running, 4000));
  session = presso_treatment_page_get_session (f->page);

  /* Stop asks first; continuing keeps it running. */
  click (f, "stop_button");
  g_assert_true (spin_until (f, dialog_shown, 2000));
  respond ("continue");
  presso_test_spin (300);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_RUNNING);
  click (f, "stop_button");
  g_assert_true (spin_until (f, dialog_shown, 2000));
  respond ("stop");
  g_assert_true (spin_until (f, session_finished, 8000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_STOPPED);
}

/* A short session recorded through the Treatment area, then read back in the History area. */
static void
test_treatment_history (Fixture       *f,
                        gconstpointer  data)
{
  PressoHistoryPage *history;
  GtkWidget *graph;
  GtkListBoxRow *row;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GFile) csv_file = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  open_area (f);
  presso_treatment_page_set_duration_limit (f->page, 3);
  pick_client (f, "Durand");
  gtk_editable_set_text (presso_measurements_group_get_entry (PRESSO_MEASUREMENTS_GROUP (find (f, "before_measurements")),
                                                              "weight"), "72.4");
  click (f, "start_button");
  g_assert_true (spin_until (f, session_finished, 15000));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (f, "notes_view"))),
                            "Tolerated well.", -1);
  gtk_editable_set_text (presso_measurements_group_get_entry (PRESSO_MEASUREMENTS_GROUP (find (f, "after_measurements")),
                                                              "weight"), "71.9");
  click (f, "save_button");
  /* Saving twice does not weigh twice. */
  click (f, "save_button");

  history = PRESSO_HISTORY_PAGE (presso_window_get_page (f->window, "history"));
  g_assert_nonnull (history);
  presso_window_show_page (f->window, "history");
  presso_history_page_set_client (history, f->anne);
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 1);

  /* Opening the row replays the stored trace with its notes. */
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (presso_find_child_by_id (GTK_WIDGET (history),
                                                                              "sessions_list")), 0);
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (presso_find_child_by_id (GTK_WIDGET (history),
                                                                                           "detail_stack"))),
                   ==, "detail");
  graph = presso_find_child_by_id (GTK_WIDGET (history), "graph");
  g_assert_nonnull (presso_pressure_graph_get_buffer (PRESSO_PRESSURE_GRAPH (graph)));
  g_assert_cmpuint (presso_sample_buffer_get_n_rows (presso_pressure_graph_get_buffer (PRESSO_PRESSURE_GRAPH (graph))),
                    >=, 20);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (presso_find_child_by_id (GTK_WIDGET (history),
                                                                                     "notes_label"))),
                            "Tolerated well."));
  /* Scores not asked are recorded as not asked, not as 0. */
  {
    g_autoptr(GListModel) sessions = presso_store_list_client_sessions (f->store, presso_client_get_id (f->anne),
                                                                        &error);
    g_autoptr(PressoSessionRecord) record = g_list_model_get_item (sessions, 0);

    g_assert_cmpint (presso_session_record_get_pain_before (record), ==, PRESSO_SESSION_SCORE_UNSET);
    g_assert_cmpint (presso_session_record_get_heaviness_after (record), ==, PRESSO_SESSION_SCORE_UNSET);
  }
  {
    GtkWidget *grid = presso_find_child_by_id (GTK_WIDGET (history), "measurements_grid");
    g_autoptr(GString) measured = g_string_new (NULL);
    GtkWidget *chart = presso_find_child_by_id (GTK_WIDGET (history), "course_chart");
    g_autoptr(GPtrArray) series = presso_store_list_measurement_series (f->store, presso_client_get_id (f->anne),
                                                                       "weight", &error);

    for (GtkWidget *label = gtk_widget_get_first_child (grid); label; label = gtk_widget_get_next_sibling (label))
      g_string_append_printf (measured, "%s|", gtk_label_get_label (GTK_LABEL (label)));
    g_assert_no_error (error);
    g_assert_cmpuint (series->len, ==, 2);
    g_assert_nonnull (strstr (measured->str, "72.4"));
    g_assert_nonnull (strstr (measured->str, "71.9"));
    /* One session, weighed before and after. */
    g_assert_true (gtk_widget_get_visible (chart));
    g_assert_cmpuint (presso_history_chart_get_n_sessions (PRESSO_HISTORY_CHART (chart)), ==, 1);
    g_assert_cmpuint (presso_history_chart_get_n_values (PRESSO_HISTORY_CHART (chart)), ==, 2);
  }
  presso_test_spin (300);
  save_screenshot (f, "ui-history.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  presso_test_spin (400);
  save_screenshot (f, "ui-history-dark-800x600.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Filters: a date range after today leaves nothing; the practitioner keeps it. */
  gtk_editable_set_text (GTK_EDITABLE (presso_find_child_by_id (GTK_WIDGET (history), "from_entry")),
                         "01/01/2999");
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (presso_find_child_by_id (GTK_WIDGET (history), "from_entry")), "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (presso_find_child_by_id (GTK_WIDGET (history),
                                                                      "practitioner_dropdown")), 1);
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 1);

  /* CSV export, owner-only. */
  csv_path = g_build_filename (f->dir, "sessions.csv", NULL);
  csv_file = g_file_new_for_path (csv_path);
  g_assert_true (presso_history_page_export_to_file (history, csv_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, "Short test"));
  g_assert_nonnull (strstr (csv, "Tolerated well."));
  g_assert_cmpint (g_stat (csv_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_remove (csv_path);

  /* The receptionist signing in on this window sees no session, and the page hands out no
   * record or export even when asked directly. */
  {
    g_autoptr(GListModel) sessions = presso_store_list_client_sessions (f->store, presso_client_get_id (f->anne),
                                                                        &error);
    g_autoptr(PressoSessionRecord) record = g_list_model_get_item (sessions, 0);
    g_autoptr(GError) refused = NULL;

    presso_window_sign_in (f->window, f->front_desk);
    g_assert_true (presso_history_page_get_client (history) == NULL ||
                   g_list_model_get_n_items (presso_history_page_get_sessions (history)) == 0);
    presso_history_page_set_client (history, f->anne);
    g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 0);
    g_assert_false (presso_history_page_open_session (history, presso_session_record_get_id (record), &refused));
    g_assert_error (refused, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
    g_clear_error (&refused);
    g_assert_false (presso_history_page_export_to_file (history, csv_file, &refused));
    g_assert_error (refused, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
    g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));
  }
}

static gboolean vented;

static void
on_state_seen_cb (PressoDevice *device,
                  GParamSpec   *pspec,
                  gboolean     *seen)
{
  PressoDeviceState state = presso_device_get_state (device);

  if (state == PRESSO_DEVICE_STATE_STOPPING || state == PRESSO_DEVICE_STATE_FAULT)
    *seen = TRUE;
}

static gboolean
saw_vent (Fixture *f)
{
  return vented;
}

/* The Treatment and History areas are light at startup: their content (the graph, the
 * garments, the lists) is made when each is first shown, and what they were given before that
 * (the store, who is signed in, the client) is there when it is. */
static void
test_treatment_lazy_content (Fixture       *f,
                             gconstpointer  data)
{
  PressoHistoryPage *history = PRESSO_HISTORY_PAGE (presso_window_get_page (f->window, "history"));
  AdwPreferencesRow *row;

  vented = FALSE;

  presso_window_sign_in (f->window, f->lea);
  presso_test_spin (100);
  g_assert_true (area_listed (f));
  g_assert_nonnull (history);
  g_assert_null (adw_bin_get_child (ADW_BIN (f->page)));
  g_assert_null (adw_bin_get_child (ADW_BIN (history)));
  g_assert_null (presso_find_child_by_id (GTK_WIDGET (f->page), "graph"));
  g_assert_null (presso_find_child_by_id (GTK_WIDGET (history), "graph"));
  /* No device is opened before the area is shown: nothing to vent yet. */
  g_assert_null (presso_treatment_page_get_device (f->page));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "treatment.vent", NULL);
  g_assert_null (presso_treatment_page_get_device (f->page));

  presso_treatment_page_set_client (f->page, f->paul);
  presso_history_page_set_client (history, f->anne);
  g_assert_null (adw_bin_get_child (ADW_BIN (f->page)));
  g_assert_null (adw_bin_get_child (ADW_BIN (history)));

  /* Shown: built, with the client given before. */
  presso_window_show_page (f->window, "treatment");
  g_assert_nonnull (adw_bin_get_child (ADW_BIN (f->page)));
  g_assert_nonnull (find (f, "graph"));
  row = ADW_PREFERENCES_ROW (find (f, "client_row"));
  g_assert_cmpstr (adw_preferences_row_get_title (row), ==, presso_client_get_display_name (f->paul));
  g_assert_nonnull (presso_treatment_page_get_program (f->page));
  /* A machine with serial ports starts on the first one: take the simulated device. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "device_dropdown")), 0);
  g_assert_true (spin_until (f, device_ready, 5000));
  /* ...and the store's clients in its search. */
  pick_client (f, "Durand");
  g_assert_cmpint (presso_client_get_id (presso_treatment_page_get_client (f->page)), ==,
                   presso_client_get_id (f->anne));
  g_assert_cmpstr (adw_preferences_row_get_title (row), ==, presso_client_get_display_name (f->anne));

  /* The vent works from another area once a device is open: the device starts venting. */
  presso_window_show_page (f->window, "clients");
  g_signal_connect (presso_treatment_page_get_device (f->page), "notify::state",
                    G_CALLBACK (on_state_seen_cb), &vented);
  if (press_keys (f, "ctrl+shift+v"))
    g_assert_true (spin_until (f, saw_vent, 3000));
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "treatment.vent", NULL));
  g_assert_true (vented);
  g_signal_handlers_disconnect_by_data (presso_treatment_page_get_device (f->page), &vented);

  /* The History area is still to be made until it is shown. */
  g_assert_null (adw_bin_get_child (ADW_BIN (history)));
  presso_window_show_page (f->window, "history");
  g_assert_nonnull (adw_bin_get_child (ADW_BIN (history)));
  row = ADW_PREFERENCES_ROW (presso_find_child_by_id (GTK_WIDGET (history), "client_row"));
  g_assert_cmpstr (adw_preferences_row_get_title (row), ==, presso_client_get_display_name (f->anne));
  g_assert_nonnull (presso_find_child_by_id (GTK_WIDGET (history), "graph"));
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 0);
}

/* Switching user or closing the window must not leave a client in inflating garments with
 * nobody watching: the first is refused, the second asks and vents before closing. */
static void
test_treatment_close_while_running (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoWindow) closed = NULL;

  open_area (f);
  pick_client (f, "Durand");
  presso_treatment_page_set_duration_limit (f->page, 0);
  click (f, "start_button");
  g_assert_true (spin_until (f, session_running, 3000));
  session = g_object_ref (presso_treatment_page_get_session (f->page));

  /* Switch User: refused, Léa stays signed in, the session runs on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-user", NULL));
  g_assert_true (spin_until (f, dialog_shown, 2000));
  g_assert_cmpstr (adw_message_dialog_get_heading (presso_test_message_dialog ()), ==, "A Session Is Running");
  respond ("close");
  g_assert_true (presso_window_get_staff (f->window) == f->lea);
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_RUNNING);

  /* Closing: asks; keeping the session keeps the window and the session. */
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (spin_until (f, dialog_shown, 2000));
  respond ("cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_RUNNING);

  /* Closing, confirmed: the device is vented and the record says so. */
  closed = g_object_ref (f->window);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (spin_until (f, dialog_shown, 2000));
  respond ("vent");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (closed)));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);

  /* The fixture tears down a window of its own. */
  f->window = PRESSO_WINDOW (presso_window_new (NULL, f->store));
}

static gboolean
remaining_counting (Fixture *f)
{
  const char *text = label_text (f, "remaining_label");

  return g_str_has_prefix (text, "0:5") || g_str_has_prefix (text, "1:0");
}

/* An emergency vent cuts a one-minute program short: the status says it is over and how long
 * it ran, not the countdown frozen where it stopped, and no phase goes on. */
static void
test_treatment_vent_status (Fixture       *f,
                            gconstpointer  data)
{
  PressoSession *session;
  g_autofree char *ran = NULL;
  guint elapsed;

  open_area (f);
  pick_client (f, "Durand");
  presso_treatment_page_set_duration_limit (f->page, 0);
  g_assert_cmpstr (label_text (f, "remaining_title_label"), ==, "Remaining");
  click (f, "start_button");
  g_assert_true (spin_until (f, session_running, 3000));
  g_assert_true (spin_until (f, phase_shown, 3000));
  g_assert_true (spin_until (f, remaining_counting, 3000));
  session = presso_treatment_page_get_session (f->page);
  presso_test_spin (1200);

  click (f, "vent_button");
  g_assert_true (spin_until (f, session_finished, 3000));
  presso_test_spin (300);
  elapsed = presso_session_get_duration_s (session);
  g_test_message ("after the vent: %s %s, cycle %s, phase %s", label_text (f, "remaining_title_label"),
                  label_text (f, "remaining_label"), label_text (f, "cycle_label"),
                  label_text (f, "phase_label"));
  g_assert_cmpuint (elapsed, >=, 1);
  g_assert_cmpuint (elapsed, <, 10);
  ran = g_strdup_printf ("%u:%02u", elapsed / 60, elapsed % 60);
  g_assert_cmpstr (label_text (f, "remaining_title_label"), ==, "Ran for");
  g_assert_cmpstr (label_text (f, "remaining_label"), ==, ran);
  g_assert_cmpstr (label_text (f, "phase_label"), ==, "–");
  g_assert_true (g_str_has_prefix (label_text (f, "session_state_label"), "Emergency vent"));
  /* Telemetry goes on arriving as the chambers empty: the status stays put. */
  presso_test_spin (1000);
  g_assert_cmpstr (label_text (f, "remaining_label"), ==, ran);
  g_assert_cmpstr (label_text (f, "phase_label"), ==, "–");
}

/* A four-chamber program on the left boot of presso-sim's two boots: the live graph draws and
 * numbers those four chambers only, the garment view leaves the right boot out and hatches
 * the boot's two chambers the program does not reach; in History the replay keeps to the
 * chambers used and its time axis to the session's length. */
static void
test_treatment_graph_in_use (Fixture       *f,
                             gconstpointer  data)
{
  PressoPressureGraph *graph;
  PressoGarmentView *garments;
  PressoHistoryPage *history;
  PressoPressureGraph *replay;
  GtkListBoxRow *row;
  graphene_rect_t band;
  guint chambers[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  double y[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS], h[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  double curve_y[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  gint64 t0, t1, t_first, first, last;
  guint n;

  open_area (f);
  presso_treatment_page_set_duration_limit (f->page, 3);
  pick_client (f, "Durand");
  click (f, "start_button");
  g_assert_true (spin_until (f, session_running, 3000));
  g_assert_true (spin_until (f, graph_has_samples, 4000));
  presso_test_spin (300);

  graph = PRESSO_PRESSURE_GRAPH (find (f, "graph"));
  garments = PRESSO_GARMENT_VIEW (find (f, "garment_view"));
  g_assert_cmphex (presso_pressure_graph_get_visible_chambers (graph), ==, 0xF);
  n = _presso_pressure_graph_get_end_labels (graph, chambers, y, h, curve_y);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (chambers[i], <, 4);
      if (i > 0)
        g_assert_cmpfloat (y[i], >=, y[i - 1] + h[i - 1] - 0.01);
    }
  g_assert_cmphex (presso_garment_view_get_skipped_chambers (garments), ==, 0xFF0);
  g_assert_true (_presso_garment_view_get_band (garments, 0, &band));
  g_assert_false (_presso_garment_view_get_band (garments, 6, &band));
  _presso_garment_view_update_description (garments);
  g_assert_null (strstr (_presso_garment_view_get_description (garments), "Right boot"));

  g_assert_true (spin_until (f, session_finished, 15000));
  history = PRESSO_HISTORY_PAGE (presso_window_get_page (f->window, "history"));
  presso_window_show_page (f->window, "history");
  presso_history_page_set_client (history, f->anne);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (presso_find_child_by_id (GTK_WIDGET (history),
                                                                              "sessions_list")), 0);
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  presso_test_spin (300);
  save_screenshot (f, "ui-history-in-use.png");
  replay = PRESSO_PRESSURE_GRAPH (presso_find_child_by_id (GTK_WIDGET (history), "graph"));
  g_assert_cmpint (presso_pressure_graph_get_window (replay), ==, PRESSO_GRAPH_WINDOW_RECORD);
  g_assert_cmphex (presso_pressure_graph_get_visible_chambers (replay) & ~0xFu, ==, 0);
  g_assert_cmphex (presso_pressure_graph_get_visible_chambers (replay) & 0x3u, ==, 0x3);
  g_assert_true (presso_sample_buffer_get_time_range (presso_pressure_graph_get_buffer (replay), &first, &last));
  _presso_pressure_graph_get_time_range (replay, &t0, &t1, &t_first);
  g_test_message ("record of %.1f s, time axis %.1f s", (last - first) / 1000.0, (t1 - t0) / 1000.0);
  g_assert_cmpint (t1 - t0, <=, last - first + 100);
  g_assert_cmpint (t1, >=, last);
}

static double
relative_luminance (const guchar *bgra)
{
  double c[3];

  for (guint i = 0; i < 3; i++)
    {
      double v = bgra[2 - i] / 255.0;

      c[i] = v <= 0.03928 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
    }
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* The contrast (WCAG ratio) between a button's text and its background: the darkest and the
 * lightest pixel within its label, as the window shows it. */
static double
button_text_contrast (Fixture    *f,
                      GdkTexture *texture,
                      const char *id)
{
  GtkWidget *label = gtk_button_get_child (GTK_BUTTON (find (f, id)));
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  double lo = 1, hi = 0;
  graphene_rect_t r;

  g_assert_true (GTK_IS_LABEL (label));
  g_assert_true (gtk_widget_compute_bounds (label, GTK_WIDGET (f->window), &r));
  gdk_texture_download (texture, data, (gsize) width * 4);
  for (int y = MAX (0, r.origin.y); y < MIN (height, r.origin.y + r.size.height); y++)
    for (int x = MAX (0, r.origin.x); x < MIN (width, r.origin.x + r.size.width); x++)
      {
        double l = relative_luminance (data + ((gsize) y * width + x) * 4);

        lo = MIN (lo, l);
        hi = MAX (hi, l);
      }
  return (hi + 0.05) / (lo + 0.05);
}

/* In high contrast (which libadwaita reads from the environment when it starts: a child
 * process) a disabled Start, Pause or Stop is still legible: its text at 4.5:1 at least,
 * in the light and the dark style. */
static void
test_treatment_high_contrast (void)
{
  AdwStyleManager *manager;
  Fixture fixture = { 0 }, *f = &fixture;

  if (!g_test_subprocess ())
    {
      g_setenv ("ADW_DEBUG_HIGH_CONTRAST", "1", TRUE);
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_unsetenv ("ADW_DEBUG_HIGH_CONTRAST");
      g_test_trap_assert_passed ();
      return;
    }

  manager = adw_style_manager_get_default ();
  g_assert_true (adw_style_manager_get_high_contrast (manager));
  fixture_set_up (f, NULL);
  open_area (f);
  pick_client (f, "Durand");
  presso_test_spin (200);
  for (guint dark = 0; dark < 2; dark++)
    {
      g_autoptr(GdkTexture) texture = NULL;

      adw_style_manager_set_color_scheme (manager, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                        : ADW_COLOR_SCHEME_FORCE_LIGHT);
      presso_test_spin (300);
      texture = render_window (f);
      if (!dark)
        {
          g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "ui-treatment-high-contrast.png", NULL);

          g_assert_true (gdk_texture_save_to_png (texture, path));
        }
      /* Nothing runs: Pause and Stop are disabled, Start is not. */
      g_assert_false (gtk_widget_is_sensitive (find (f, "pause_button")));
      g_assert_false (gtk_widget_is_sensitive (find (f, "stop_button")));
      g_assert_cmpfloat (button_text_contrast (f, texture, "pause_button"), >=, 4.5);
      g_assert_cmpfloat (button_text_contrast (f, texture, "stop_button"), >=, 4.5);
      g_assert_cmpfloat (button_text_contrast (f, texture, "start_button"), >=, 4.5);
    }
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  fixture_tear_down (f, NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* meson runs tests with MALLOC_PERTURB_, which makes glibc fill every freed chunk.  Once a
   * screenshot's multi-megabyte buffers have been freed, glibc's dynamic mmap threshold keeps
   * such buffers in the heap, and every small realloc next to the big free chunk they leave
   * then refills megabytes: reloading the stylesheet for dark mode took over a second, long
   * enough for the running device to miss the host's heartbeat and vent.  Keep large buffers
   * mapped (glibc's default threshold, held fixed), as they are without the perturbation. */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    presso_ui_ensure_resources ();
    gtk_css_provider_load_from_resource (provider, "/io/github/presso/Presso/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/presso/ui/treatment/front-desk", Fixture, NULL,
              fixture_set_up, test_treatment_front_desk, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/refused", Fixture, NULL,
              fixture_set_up, test_treatment_refused, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/session", Fixture, NULL,
              fixture_set_up, test_treatment_session, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/vent", Fixture, NULL,
              fixture_set_up, test_treatment_vent, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/fault", Fixture, NULL,
              fixture_set_up, test_treatment_fault, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/confirm", Fixture, NULL,
              fixture_set_up, test_treatment_confirm, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/close-while-running", Fixture, NULL,
              fixture_set_up, test_treatment_close_while_running, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/history", Fixture, NULL,
              fixture_set_up, test_treatment_history, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/lazy-content", Fixture, NULL,
              fixture_set_up, test_treatment_lazy_content, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/vent-status", Fixture, NULL,
              fixture_set_up, test_treatment_vent_status, fixture_tear_down);
  g_test_add ("/presso/ui/treatment/graph-in-use", Fixture, NULL,
              fixture_set_up, test_treatment_graph_in_use, fixture_tear_down);
  g_test_add_func ("/presso/ui/treatment/high-contrast", test_treatment_high_contrast);

  return g_test_run ();
}
