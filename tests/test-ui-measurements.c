/* test-ui-measurements.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measurements in the real PressoWindow, on a fresh SQLite database, with the in-process
 * simulated device: the Treatment area offers first the points of the garments worn; a
 * practitioner types circumferences and the weight before a shortened session and after it; a
 * typo is refused with a message and nothing typed is lost; the values are in the session
 * record, written once however often the notes are saved; the History area lists them before →
 * after with the difference and charts a point over the client's course.  Screenshots (light,
 * dark, 800×600) go into the build directory.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-demo.h"
#include "presso-history-chart.h"
#include "presso-history-page.h"
#include "presso-measurements-group.h"
#include "presso-store-screening.h"
#include "presso-store-session.h"
#include "presso-test-gui.h"
#include "presso-treatment-page.h"
#include "presso-ui-util.h"
#include "presso-window.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  PressoStore          *store;
  PressoStaff          *lea;
  PressoClient         *anne;    /* screened today, a course of the left leg under way */
  PressoClient         *paul;    /* one session, nothing measured */
  PressoScreeningRules *rules;
  PressoWindow         *window;
  PressoTreatmentPage  *page;
} Fixture;

static GtkWidget *
find (Fixture    *f,
      const char *id)
{
  return presso_test_find (GTK_WIDGET (f->page), id);
}

static PressoMeasurementsGroup *
group (Fixture    *f,
       const char *id)
{
  return PRESSO_MEASUREMENTS_GROUP (find (f, id));
}

/* Types into a point's entry as a person would: the whole text replaced. */
static void
type (Fixture    *f,
      const char *group_id,
      const char *point,
      const char *text)
{
  GtkEditable *entry = presso_measurements_group_get_entry (group (f, group_id), point);

  g_assert_nonnull (entry);
  gtk_editable_set_text (entry, text);
}

static const char *
typed (Fixture    *f,
       const char *group_id,
       const char *point)
{
  return gtk_editable_get_text (presso_measurements_group_get_entry (group (f, group_id), point));
}

static GtkWidget *
problem_label (Fixture    *f,
               const char *group_id)
{
  return presso_test_find (GTK_WIDGET (group (f, group_id)), "problem_label");
}

/* The value stored for @point in @session, before or after; NAN when there is none.  Fails
 * the test if it was written more than once. */
static double
stored (Fixture    *f,
        gint64      session_id,
        const char *point,
        gboolean    after)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = presso_store_list_session_measurements (f->store, session_id, &error);
  double value = NAN;
  guint found = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      PressoMeasurement *m = g_ptr_array_index (list, i);

      if (g_strcmp0 (m->point, point) == 0 && m->after == after)
        {
          value = m->value;
          found++;
        }
    }
  g_assert_cmpuint (found, <=, 1);
  return value;
}

static guint
n_stored (Fixture *f,
          gint64   session_id)
{
  g_autoptr(GPtrArray) list = presso_store_list_session_measurements (f->store, session_id, NULL);

  return list->len;
}

static void
resize (Fixture *f,
        int      width,
        int      height)
{
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  presso_test_spin (400);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_DEFAULT);
  presso_test_spin (200);
}

/* Scrolls the scrolled window around @widget so that @widget is at its top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  /* Twice: the first move may change what is laid out (the page's height, lazily built rows). */
  for (int i = 0; i < 2; i++)
    {
      graphene_point_t point;

      presso_test_spin (300);
      /* Relative to the scrolled window: what is still to scroll. */
      g_assert_true (gtk_widget_compute_point (widget, scrolled, &GRAPHENE_POINT_INIT (0, 0), &point));
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
    }
  presso_test_spin (200);
}

/* ------------------------------------------------------------------ data */

static PressoClient *
add_client (Fixture    *f,
            const char *first,
            const char *last)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(GError) error = NULL;

  presso_client_set_first_name (client, first);
  presso_client_set_last_name (client, last);
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  /* Screened today, nothing to report: the gate asks no question. */
  screening = presso_screening_new (presso_client_get_id (client));
  presso_test_answer_all_no (screening, f->rules);
  g_assert_true (presso_store_insert_screening (f->store, screening, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

/* A session recorded earlier, with the left calf before and after (NAN: not measured). */
static gint64
add_past_session (Fixture      *f,
                  PressoClient *client,
                  double        calf_before,
                  double        calf_after)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = presso_store_begin_session (f->store, presso_client_get_id (client), presso_staff_get_id (f->lea),
                                   program, "Presso Simulator", "SIM-0001", "0.1.0", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (presso_store_end_session (f->store, id, PRESSO_SESSION_OUTCOME_COMPLETED, 60000, &error));
  if (!isnan (calf_before))
    g_assert_cmpint (presso_store_add_measurement (f->store, id, "left-calf-max", FALSE, calf_before, &error), >, 0);
  if (!isnan (calf_after))
    g_assert_cmpint (presso_store_add_measurement (f->store, id, "left-calf-max", TRUE, calf_after, &error), >, 0);
  g_assert_no_error (error);
  return id;
}

/* ------------------------------------------------------------------ conditions */

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
session_finished (Fixture *f)
{
  PressoSession *session = presso_treatment_page_get_session (f->page);

  return session != NULL && presso_session_get_state (session) == PRESSO_SESSION_STATE_FINISHED;
}

/* ------------------------------------------------------------------ fixture */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->store = presso_test_clinic_new ("presso-ui-measurements-XXXXXX", &f->dir, &f->path);
  f->rules = presso_screening_rules_load_default (&error);
  g_assert_no_error (error);

  f->lea = presso_staff_new ("Léa Martin", PRESSO_ROLE_PRACTITIONER);
  g_assert_true (presso_store_insert_staff (f->store, f->lea, &error));
  g_assert_no_error (error);
  presso_store_set_actor (f->store, f->lea);
  f->anne = add_client (f, "Anne", "Durand");
  f->paul = add_client (f, "Paul", "Leroy");
  presso_store_set_actor (f->store, NULL);

  f->window = PRESSO_WINDOW (presso_window_new (NULL, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) is_mapped, 5000));
  f->page = PRESSO_TREATMENT_PAGE (presso_window_get_page (f->window, "treatment"));
  g_assert_nonnull (f->page);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{

  gtk_window_destroy (GTK_WINDOW (f->window));
  presso_test_spin (100);
  g_clear_object (&f->anne);
  g_clear_object (&f->paul);
  g_clear_object (&f->lea);
  g_clear_object (&f->rules);
  g_clear_object (&f->store);
  /* clinic.db, and demo.db where the demo course was filled */
  presso_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Signs Léa in, opens the area on the simulated device with the short program, and takes
 * Anne by typing part of her name. */
static void
open_area (Fixture *f)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  GtkWidget *search;

  presso_window_sign_in (f->window, f->lea);
  presso_window_show_page (f->window, "treatment");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "device_dropdown")), 0);
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) device_ready, 5000));
  presso_treatment_page_add_program (f->page, program);
  presso_treatment_page_set_duration_limit (f->page, 3);

  search = find (f, "client_search");
  gtk_editable_set_text (GTK_EDITABLE (search), "Durand");
  presso_test_spin (400);
  g_signal_emit_by_name (search, "activate");
  g_assert_nonnull (presso_treatment_page_get_client (f->page));
  g_assert_cmpint (presso_client_get_id (presso_treatment_page_get_client (f->page)), ==, presso_client_get_id (f->anne));
}

static void
click (Fixture    *f,
       const char *id)
{
  GtkWidget *button = find (f, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static GtkCheckButton *
garment_check (Fixture *f,
               guint    garment)
{
  GtkWidget *box = find (f, "garments_box");

  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "garment")) == garment)
        return GTK_CHECK_BUTTON (check);
    }
  g_error ("no check button for garment %u", garment);
  return NULL;
}

/* Every label under @widget, joined: what a person reads there. */
static char *
text_under (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *inner = NULL;

      if (GTK_IS_LABEL (child))
        g_string_append_printf (text, "%s|", gtk_label_get_label (GTK_LABEL (child)));
      inner = text_under (child);
      g_string_append (text, inner);
    }
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------ tests */

/* The points offered first follow the garments chosen; what is typed stays with its point. */
static void
test_points_follow_garments (Fixture       *f,
                             gconstpointer  data)
{
  PressoMeasurementsGroup *before;

  open_area (f);
  before = group (f, "before_measurements");
  /* The short program uses the left boot: its leg points and the weight come first. */
  g_assert_true (presso_measurements_group_is_offered (before, "weight"));
  g_assert_true (presso_measurements_group_is_offered (before, "left-ankle"));
  g_assert_true (presso_measurements_group_is_offered (before, "left-upper-thigh"));
  g_assert_false (presso_measurements_group_is_offered (before, "right-calf-max"));
  g_assert_false (presso_measurements_group_is_offered (before, "waist"));
  g_assert_false (presso_measurements_group_is_offered (before, "left-wrist"));
  /* The others are reachable under "More points", and can be typed in. */
  g_assert_true (gtk_widget_get_visible (presso_test_find (GTK_WIDGET (before), "more_expander")));
  g_assert_nonnull (presso_measurements_group_get_entry (before, "left-wrist"));

  /* Adding the right boot brings its points forward. */
  gtk_check_button_set_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_RIGHT), TRUE);
  g_assert_true (presso_measurements_group_is_offered (before, "right-calf-max"));
  g_assert_true (presso_measurements_group_is_offered (group (f, "after_measurements"), "right-calf-max"));
  /* A value typed for a point keeps it in view when its garment is taken off. */
  type (f, "before_measurements", "right-calf-max", "39.5");
  gtk_check_button_set_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_RIGHT), FALSE);
  g_assert_true (presso_measurements_group_is_offered (before, "right-calf-max"));
  g_assert_cmpstr (typed (f, "before_measurements", "right-calf-max"), ==, "39.5");
  g_assert_false (presso_measurements_group_is_offered (before, "right-ankle"));
  type (f, "before_measurements", "right-calf-max", "");
  g_assert_true (presso_measurements_group_is_offered (before, "right-calf-max"));
  gtk_check_button_set_active (garment_check (f, PRESSO_PROTO_GARMENT_BOOT_LEFT), TRUE);

  /* Enter moves on to the next point: the tape in one hand, the keyboard in the other. */
  gtk_widget_grab_focus (GTK_WIDGET (presso_measurements_group_get_entry (before, "left-ankle")));
  g_signal_emit_by_name (presso_measurements_group_get_entry (before, "left-ankle"), "activate");
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));
    GtkWidget *calf = GTK_WIDGET (presso_measurements_group_get_entry (before, "left-calf-max"));

    g_assert_true (focus == calf || gtk_widget_is_ancestor (focus, calf));
  }
}

/* Before and after a session, through the Treatment area, into the record and History. */
static void
test_session_measurements (Fixture       *f,
                           gconstpointer  data)
{
  PressoHistoryPage *history;
  PressoHistoryChart *chart;
  GtkDropDown *dropdown;
  GtkListBoxRow *row;
  GtkWidget *problem;
  g_autofree char *grid_text = NULL;
  const char *refusal;
  gint64 session_id;

  /* Three earlier sessions of the course: the left calf going down. */
  add_past_session (f, f->anne, 43.0, 42.4);
  add_past_session (f, f->anne, 42.5, 41.9);
  add_past_session (f, f->anne, 42.0, NAN);

  open_area (f);
  resize (f, 800, 600);
  scroll_to (find (f, "before_measurements"));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-before-800x600.png");
  resize (f, 1100, 720);

  /* Before: the weight, the ankle, and the calf typed with a slip: 350 for 35.0... */
  type (f, "before_measurements", "weight", "72,4");
  type (f, "before_measurements", "left-ankle", "24.0");
  type (f, "before_measurements", "left-calf-max", "350");
  problem = problem_label (f, "before_measurements");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (problem)), "Left calf: 350 cm is not plausible"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (presso_measurements_group_get_entry (group (f, "before_measurements"),
                                                                                            "left-calf-max")),
                                           "error"));
  scroll_to (find (f, "before_measurements"));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-refused.png");

  /* ...Start is refused, saying why, and nothing typed is lost. */
  click (f, "start_button");
  presso_test_spin (200);
  g_assert_null (presso_treatment_page_get_session (f->page));
  refusal = presso_treatment_page_get_refusal (f->page);
  g_assert_nonnull (refusal);
  g_assert_nonnull (strstr (refusal, "Left calf: 350 cm is not plausible"));
  g_assert_cmpstr (typed (f, "before_measurements", "left-calf-max"), ==, "350");
  g_assert_cmpstr (typed (f, "before_measurements", "weight"), ==, "72,4");
  g_assert_cmpstr (typed (f, "before_measurements", "left-ankle"), ==, "24.0");

  /* Corrected: the message goes, the session starts and the values are in its record. */
  type (f, "before_measurements", "left-calf-max", "41.5");
  g_assert_false (gtk_widget_get_visible (problem));
  /* A point of no garment worn, from "More points". */
  g_assert_false (presso_measurements_group_is_offered (group (f, "before_measurements"), "waist"));
  type (f, "before_measurements", "waist", "80");
  click (f, "start_button");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_finished, 15000));
  /* The outcome is written in the background: wait for it, as the seconds spent measuring do. */
  g_assert_true (presso_session_sync_record (presso_treatment_page_get_session (f->page), NULL));
  session_id = presso_session_get_session_id (presso_treatment_page_get_session (f->page));
  g_assert_cmpfloat (stored (f, session_id, "weight", FALSE), ==, 72.4);
  g_assert_cmpfloat (stored (f, session_id, "left-ankle", FALSE), ==, 24.0);
  g_assert_cmpfloat (stored (f, session_id, "left-calf-max", FALSE), ==, 41.5);
  g_assert_cmpfloat (stored (f, session_id, "waist", FALSE), ==, 80.0);
  g_assert_cmpuint (n_stored (f, session_id), ==, 4);

  /* After: blank to begin with (no "0 when not weighed"), offered for the same garments. */
  g_assert_cmpstr (typed (f, "after_measurements", "weight"), ==, "");
  g_assert_true (presso_measurements_group_is_offered (group (f, "after_measurements"), "left-calf-max"));
  /* What was measured before is offered after, whatever the garments. */
  g_assert_true (presso_measurements_group_is_offered (group (f, "after_measurements"), "waist"));
  g_assert_false (presso_measurements_group_is_offered (group (f, "after_measurements"), "hips"));
  type (f, "after_measurements", "weight", "72.0");
  type (f, "after_measurements", "left-calf-max", "40.8");
  type (f, "after_measurements", "left-ankle", "3.8");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (f, "notes_view"))),
                            "Calf softer.", -1);
  click (f, "save_button");
  /* The notes and the good values are saved; the slip is not, and stays there, explained. */
  g_assert_cmpfloat (stored (f, session_id, "weight", TRUE), ==, 72.0);
  g_assert_cmpfloat (stored (f, session_id, "left-calf-max", TRUE), ==, 40.8);
  g_assert_true (isnan (stored (f, session_id, "left-ankle", TRUE)));
  g_assert_cmpstr (typed (f, "after_measurements", "left-ankle"), ==, "3.8");
  problem = problem_label (f, "after_measurements");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (problem)), "Left ankle: 3.8 cm is not plausible"));
  {
    g_autoptr(PressoSessionRecord) record = presso_store_get_session (f->store, session_id, NULL);

    g_assert_cmpstr (presso_session_record_get_notes (record), ==, "Calf softer.");
  }
  scroll_to (find (f, "after_measurements"));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-after.png");

  /* Corrected and saved: written; saved again: not written twice. */
  type (f, "after_measurements", "left-ankle", "23.8");
  g_assert_false (gtk_widget_get_visible (problem));
  click (f, "save_button");
  click (f, "save_button");
  g_assert_cmpfloat (stored (f, session_id, "left-ankle", TRUE), ==, 23.8);
  g_assert_cmpuint (n_stored (f, session_id), ==, 7);

  /* The next session is measured afresh: nothing of this one is saved again unseen. */
  click (f, "new_session_button");
  g_assert_cmpstr (typed (f, "before_measurements", "left-calf-max"), ==, "");
  g_assert_cmpstr (typed (f, "before_measurements", "weight"), ==, "");
  g_assert_cmpstr (typed (f, "after_measurements", "left-ankle"), ==, "");
  g_assert_false (presso_measurements_group_is_offered (group (f, "after_measurements"), "waist"));
  g_assert_false (gtk_widget_get_visible (problem_label (f, "before_measurements")));

  /* History: the session's table, before → after and the difference. */
  history = PRESSO_HISTORY_PAGE (presso_window_get_page (f->window, "history"));
  presso_window_show_page (f->window, "history");
  presso_history_page_set_client (history, f->anne);
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 4);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (presso_test_find (GTK_WIDGET (history), "sessions_list")), 0);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  grid_text = text_under (presso_test_find (GTK_WIDGET (history), "measurements_grid"));
  g_test_message ("%s", grid_text);
  g_assert_nonnull (strstr (grid_text, "Weight (kg)|72.4|→|72.0|−0.4|"));
  g_assert_nonnull (strstr (grid_text, "Left ankle (cm)|24.0|→|23.8|−0.2|"));
  g_assert_nonnull (strstr (grid_text, "Left calf (cm)|41.5|→|40.8|−0.7|"));
  /* Not measured after: no difference made up. */
  g_assert_nonnull (strstr (grid_text, "Waist (cm)|80.0|→|–|–|"));
  /* In the catalogue's order: the weight, then up the leg. */
  g_assert_true (strstr (grid_text, "Weight") < strstr (grid_text, "Left ankle"));
  g_assert_true (strstr (grid_text, "Left ankle") < strstr (grid_text, "Left calf"));
  g_assert_false (gtk_widget_get_visible (presso_test_find (GTK_WIDGET (history), "measurements_label")));

  /* The course: the left calf first (the circumference measured most), four sessions, seven
   * values (one session measured before only). */
  dropdown = GTK_DROP_DOWN (presso_test_find (GTK_WIDGET (history), "course_point_dropdown"));
  chart = PRESSO_HISTORY_CHART (presso_test_find (GTK_WIDGET (history), "course_chart"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 4);
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (dropdown)), ==, "Left calf");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (chart)));
  g_assert_false (gtk_widget_get_visible (presso_test_find (GTK_WIDGET (history), "course_empty")));
  g_assert_cmpuint (presso_history_chart_get_n_sessions (chart), ==, 4);
  g_assert_cmpuint (presso_history_chart_get_n_values (chart), ==, 7);
  scroll_to (GTK_WIDGET (chart));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-history.png");
  set_dark (TRUE);
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-history-dark.png");
  set_dark (FALSE);
  resize (f, 800, 600);
  scroll_to (GTK_WIDGET (chart));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-history-800x600.png");

  /* Another point: the weight, measured at this session only. */
  for (guint i = 0; i < g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (gtk_drop_down_get_model (dropdown), i);

      if (g_strcmp0 (gtk_string_object_get_string (item), "Weight") == 0)
        gtk_drop_down_set_selected (dropdown, i);
    }
  g_assert_cmpuint (presso_history_chart_get_n_sessions (chart), ==, 1);
  g_assert_cmpuint (presso_history_chart_get_n_values (chart), ==, 2);

  /* The CSV export: two columns per point the client has, in the catalogue's order. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *csv = presso_store_export_client_sessions_csv (f->store, presso_client_get_id (f->anne),
                                                                    &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (csv, ",Weight before (kg),Weight after (kg),Left ankle before (cm),"
                                   "Left ankle after (cm),Left calf before (cm),Left calf after (cm),"
                                   "Waist before (cm),Waist after (cm),Notes\r\n"));
    g_assert_nonnull (strstr (csv, ",72.4,72.0,24.0,23.8,41.5,40.8,80.0,,Calf softer.\r\n"));
    g_assert_nonnull (strstr (csv, ",,,,,43.0,42.4,,,\r\n"));
    g_assert_nonnull (strstr (csv, ",,,,,42.0,,,,\r\n"));
  }

  /* A client with a session and nothing measured: the empty state, no chart. */
  add_past_session (f, f->paul, NAN, NAN);
  presso_history_page_set_client (history, f->paul);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (presso_test_find (GTK_WIDGET (history), "sessions_list")), 0);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (chart)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_true (gtk_widget_get_visible (presso_test_find (GTK_WIDGET (history), "course_empty")));
  g_assert_true (gtk_widget_get_visible (presso_test_find (GTK_WIDGET (history), "measurements_label")));
  g_assert_false (gtk_widget_get_visible (presso_test_find (GTK_WIDGET (history), "measurements_grid")));
  scroll_to (presso_test_find (GTK_WIDGET (history), "course_empty"));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-history-empty.png");
}

/* The demo clinic comes with courses: Anh Nguyễn's left calf goes down over eight sessions. */
static void
test_demo_course (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "demo.db", NULL);
  g_autoptr(PressoStore) demo = NULL;
  g_autoptr(GListModel) staff = NULL;
  g_autoptr(PressoStaff) practitioner = NULL;
  g_autoptr(PressoClient) anh = NULL;
  g_autoptr(GError) error = NULL;
  PressoWindow *window;
  PressoHistoryPage *history;
  PressoHistoryChart *chart;
  GtkDropDown *dropdown;
  GtkListBoxRow *row;
  g_autoptr(GPtrArray) series = NULL;

  demo = presso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (presso_demo_fill (demo, 60, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);
  staff = presso_store_list_staff (demo);
  for (guint i = 0; i < g_list_model_get_n_items (staff) && practitioner == NULL; i++)
    {
      g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

      if (presso_staff_get_role (member) == PRESSO_ROLE_PRACTITIONER)
        practitioner = g_steal_pointer (&member);
    }
  g_assert_nonnull (practitioner);
  /* The fourth fixed client. */
  anh = presso_store_get_client (demo, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_last_name (anh), ==, "Nguyễn");
  series = presso_store_list_measurement_series (demo, 4, "left-calf-max", &error);
  g_assert_cmpuint (series->len, ==, 16);
  g_assert_cmpfloat (((PressoMeasurement *) series->pdata[0])->value, ==, 41.5);
  g_assert_cmpfloat (((PressoMeasurement *) series->pdata[14])->value, <, 38.5);

  window = PRESSO_WINDOW (presso_window_new (NULL, demo));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  presso_window_sign_in (window, practitioner);
  history = PRESSO_HISTORY_PAGE (presso_window_get_page (window, "history"));
  presso_window_show_page (window, "history");
  presso_history_page_set_client (history, anh);
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 8);
  /* Her newest session opens by itself once the area is on screen, with the course below. */
  {
    GtkStack *detail = GTK_STACK (presso_test_find (GTK_WIDGET (history), "detail_stack"));

    for (int i = 0; i < 300 && g_strcmp0 (gtk_stack_get_visible_child_name (detail), "detail") != 0; i++)
      presso_test_spin (10);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (detail), ==, "detail");
  }
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (presso_test_find (GTK_WIDGET (history), "sessions_list")), 0);
  g_assert_true (gtk_list_box_row_is_selected (row));
  dropdown = GTK_DROP_DOWN (presso_test_find (GTK_WIDGET (history), "course_point_dropdown"));
  chart = PRESSO_HISTORY_CHART (presso_test_find (GTK_WIDGET (history), "course_chart"));
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (dropdown)), ==, "Left calf");
  g_assert_cmpuint (presso_history_chart_get_n_sessions (chart), ==, 8);
  g_assert_cmpuint (presso_history_chart_get_n_values (chart), ==, 16);
  {
    GtkWidget *saved = GTK_WIDGET (f->window);

    f->window = window;
    scroll_to (GTK_WIDGET (chart));
    presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-demo.png");
    set_dark (TRUE);
    presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-demo-dark.png");
    set_dark (FALSE);

    /* Zoë Müller's ten sessions in a small window: the dates that fit, no overlap. */
    {
      g_autoptr(PressoClient) zoe = presso_store_get_client (demo, 2, &error);

      g_assert_cmpstr (presso_client_get_first_name (zoe), ==, "Zoë");
      presso_history_page_set_client (history, zoe);
      g_assert_cmpuint (presso_history_chart_get_n_sessions (chart), ==, 10);
      resize (f, 800, 600);
      scroll_to (GTK_WIDGET (chart));
      presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-measurements-demo-800x600.png");
    }
    f->window = PRESSO_WINDOW (saved);
  }

  /* The front desk signs in at this workstation and picks a client: no measurement of theirs
   * is read into the (hidden) History page, not even into its chart's description. */
  {
    g_autoptr(PressoStaff) receptionist = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (staff) && receptionist == NULL; i++)
      {
        g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

        if (presso_staff_get_role (member) == PRESSO_ROLE_RECEPTIONIST)
          receptionist = g_steal_pointer (&member);
      }
    g_assert_nonnull (receptionist);
    presso_window_sign_in (window, receptionist);
    presso_history_page_set_client (history, anh);
    g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 0);
    g_assert_cmpuint (presso_history_chart_get_n_sessions (chart), ==, 0);
    g_assert_cmpuint (presso_history_chart_get_n_values (chart), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 0);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  presso_test_spin (100);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  /* The application's style, as presso loads it. */
  presso_test_load_style ();

  g_test_add ("/presso/ui/measurements/points-follow-garments", Fixture, NULL,
              fixture_set_up, test_points_follow_garments, fixture_tear_down);
  g_test_add ("/presso/ui/measurements/session", Fixture, NULL,
              fixture_set_up, test_session_measurements, fixture_tear_down);
  g_test_add ("/presso/ui/measurements/demo-course", Fixture, NULL,
              fixture_set_up, test_demo_course, fixture_tear_down);
  return g_test_run ();
}
