/* test-ui-screening.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screening form and the screening status on real widgets in real windows, over the real
 * rules file and a fresh SQLite database: answer like a practitioner would (toggles, typed
 * numbers and dates), watch the verdict per zone, record a decision, meet a bad number, save a
 * version; what the front desk may see; and the session's "anything changed?" question.
 * Saves screenshots of the form (light, dark, narrow) in the build directory.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-client-view.h"
#include "presso-clients-page.h"
#include "presso-demo.h"
#include "presso-screening-confirm.h"
#include "presso-screening-page.h"
#include "presso-screening-status-group.h"
#include "presso-store-screening.h"
#include "presso-test-gui.h"
#include "presso-ui-util.h"
#include "presso-window.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  PressoStore          *store;
  PressoScreeningRules *rules;
  PressoStaff          *claire;     /* practitioner */
  PressoStaff          *paul;       /* receptionist */
  PressoClient         *client;
  GtkWindow            *window;     /* the form's window, or the one holding the status */
  PressoScreening      *saved;      /* what the form's window reported */
  PressoScreeningConfirmation *confirmation;
  GError               *confirm_error;
  gboolean              confirm_done;
} Fixture;

/* Helpers */

static GtkWidget *
named (Fixture    *f,
       const char *name)
{
  GtkWidget *widget = presso_test_find_named (GTK_WIDGET (f->window), name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

static gboolean
has_named (Fixture    *f,
           const char *name)
{
  return presso_test_find_named (GTK_WIDGET (f->window), name) != NULL;
}

static PressoScreeningPage *
page (Fixture *f)
{
  return PRESSO_SCREENING_PAGE (adw_window_get_content (ADW_WINDOW (f->window)));
}

/* A click on a toggle: what GtkToggleButton's "clicked" does. */
static void
press (Fixture    *f,
       const char *name)
{
  GtkWidget *button = named (f, name);

  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
type (Fixture    *f,
      const char *name,
      const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (named (f, name)), text);
}

static const char *
zone_status (Fixture    *f,
             const char *zone)
{
  g_autofree char *name = g_strdup_printf ("zone-%s-status", zone);

  return gtk_label_get_label (GTK_LABEL (named (f, name)));
}

static const char *
zone_icon (Fixture    *f,
           const char *zone)
{
  g_autofree char *name = g_strdup_printf ("zone-%s-icon", zone);

  return gtk_image_get_icon_name (GTK_IMAGE (named (f, name)));
}

static void
assert_zone (Fixture    *f,
             const char *zone,
             const char *status,
             const char *icon)
{
  g_assert_cmpstr (zone_status (f, zone), ==, status);
  g_assert_cmpstr (zone_icon (f, zone), ==, icon);
}

static const char *
message_of (Fixture    *f,
            const char *item_id)
{
  g_autofree char *name = g_strdup_printf ("%s-message", item_id);
  GtkWidget *label = named (f, name);

  return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

/* What a click on a response button does: the response, then the dialog goes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  presso_test_spin (20);
}

/* The form's window closes once the dialog or signal that closed it is over. */
static void
wait_closed (Fixture *f)
{
  for (int i = 0; i < 300 && f->window != NULL; i++)
    presso_test_spin (10);
  g_assert_null (f->window);
}

static void
on_saved_cb (PressoScreening *screening,
             gpointer         user_data)
{
  Fixture *f = user_data;

  g_set_object (&f->saved, screening);
}

static void
open_form (Fixture         *f,
           PressoScreening *current,
           int              width,
           int              height)
{
  f->window = presso_screening_page_open_window (NULL, f->store, f->rules,
                                                 presso_client_get_id (f->client), current,
                                                 presso_client_get_display_name (f->client),
                                                 on_saved_cb, f);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_set_default_size (f->window, width, height);
  for (int i = 0; i < 500 && !gtk_widget_get_mapped (GTK_WIDGET (f->window)); i++)
    presso_test_spin (10);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  presso_test_spin (50);
}

/* Answers every question "no" (or "none"), the way a healthy client's screening goes. */
static void
answer_all_no (Fixture *f)
{
  for (guint i = 0; i < presso_screening_rules_get_n_items (f->rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (f->rules, i);
      g_autofree char *no = g_strdup_printf ("%s-no", presso_screening_item_get_id (item));
      g_autofree char *none = g_strdup_printf ("%s-none", presso_screening_item_get_id (item));
      g_autofree char *row = g_strdup_printf ("%s-row", presso_screening_item_get_id (item));

      if (!gtk_widget_get_visible (named (f, row)))
        continue;
      switch (presso_screening_item_get_kind (item))
        {
        case PRESSO_SCREENING_KIND_YES_NO:
          press (f, no);
          break;
        case PRESSO_SCREENING_KIND_ZONES:
          press (f, none);
          break;
        default:
          break;   /* measurements and dates are optional */
        }
    }
}

/* Stores a screening: yes to @yes_items, @zones_item answered with @zones (other zone
 * questions: none), everything else no. */
static PressoScreening *
stored_screening (Fixture     *f,
                  const char **yes_items,
                  const char  *zones_item,
                  PressoZones  zones,
                  GDateTime   *screened_at)
{
  g_autoptr(PressoScreening) screening = presso_screening_new (presso_client_get_id (f->client));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < presso_screening_rules_get_n_items (f->rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (f->rules, i);
      const char *id = presso_screening_item_get_id (item);
      g_autoptr(PressoScreeningAnswer) answer = NULL;

      if (presso_screening_item_get_depends_on (item) != NULL)
        continue;
      if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_YES_NO)
        answer = presso_screening_answer_new_yes_no (yes_items && g_strv_contains (yes_items, id));
      else if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_ZONES)
        answer = presso_screening_answer_new_zones (g_strcmp0 (id, zones_item) == 0 ? zones : 0);
      else
        continue;
      g_assert_true (presso_screening_set_answer (screening, f->rules, id, answer, &error));
      g_assert_no_error (error);
    }
  if (screened_at != NULL)
    presso_screening_set_screened_at (screening, screened_at);
  g_assert_true (presso_store_insert_screening (f->store, screening, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&screening);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rules_path = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"), "screening",
                                                  "rules.desktop", NULL);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  f->rules = presso_screening_rules_new_from_file (rules_path, &error);
  g_assert_no_error (error);

  f->store = presso_test_clinic_new ("presso-ui-screening-XXXXXX", &f->dir, &f->path);

  f->claire = presso_staff_new ("Claire Martin", PRESSO_ROLE_PRACTITIONER);
  f->paul = presso_staff_new ("Paul Leroy", PRESSO_ROLE_RECEPTIONIST);
  g_assert_true (presso_store_insert_staff (f->store, f->claire, &error));
  g_assert_true (presso_store_insert_staff (f->store, f->paul, &error));
  g_assert_no_error (error);
  presso_store_set_actor (f->store, f->claire);

  f->client = presso_client_new ();
  presso_client_set_first_name (f->client, "Hélène");
  presso_client_set_last_name (f->client, "Dupont");
  presso_client_set_birth_date (f->client, "1985-03-12");
  g_assert_true (presso_store_insert_client (f->store, f->client, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  presso_test_close_dialogs ();
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  presso_test_spin (50);
  g_clear_object (&f->saved);
  g_clear_pointer (&f->confirmation, presso_screening_confirmation_free);
  g_clear_error (&f->confirm_error);
  g_clear_object (&f->client);
  g_clear_object (&f->claire);
  g_clear_object (&f->paul);
  g_clear_object (&f->rules);
  g_clear_object (&f->store);
  /* A window's last references (and so the database) may go a little after it is destroyed. */
  presso_test_spin (50);
  g_assert_true (presso_test_remove_tree (f->dir));
  g_free (f->path);
  g_free (f->dir);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
}

/* Tests */

static void
test_form_layout (Fixture       *f,
                  gconstpointer  data)
{
  const char * const *topics = presso_screening_rules_get_topics (f->rules);

  open_form (f, NULL, 1200, 900);

  /* Every question is on the page with what its answer means written under it; follow-up
   * questions wait for their parent. */
  for (guint i = 0; i < presso_screening_rules_get_n_items (f->rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (f->rules, i);
      g_autofree char *row_name = g_strdup_printf ("%s-row", presso_screening_item_get_id (item));
      GtkWidget *row = named (f, row_name);
      gboolean follow_up = presso_screening_item_get_depends_on (item) != NULL;
      gboolean help_shown = FALSE;

      g_assert_true (gtk_widget_get_visible (row) == !follow_up);
      for (GtkWidget *w = row; w != NULL; )
        {
          /* Depth-first over the row's labels. */
          if (GTK_IS_LABEL (w) && gtk_widget_get_visible (w) &&
              g_str_equal (gtk_label_get_label (GTK_LABEL (w)), presso_screening_item_get_help (item)))
            help_shown = TRUE;
          if (gtk_widget_get_first_child (w) != NULL)
            w = gtk_widget_get_first_child (w);
          else
            {
              while (w != row && gtk_widget_get_next_sibling (w) == NULL)
                w = gtk_widget_get_parent (w);
              w = w == row ? NULL : gtk_widget_get_next_sibling (w);
            }
        }
      g_assert_true (help_shown);
    }
  g_assert_nonnull (topics[0]);

  /* Nothing answered: the result says it is not final, and so does the strip above the form
   * (all a narrow window shows of it): no zone reads "Cleared" yet. */
  g_assert_true (gtk_widget_get_visible (named (f, "missing-label")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (named (f, "zone-legs-summary"))), ==, "Legs: Not final");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (named (f, "zone-abdomen-summary"))), ==, "Abdomen: Not final");
  g_assert_false (presso_screening_page_get_modified (page (f)));

  /* Yes to an acute infection asks when antibiotics started. */
  press (f, "acute-infection-yes");
  g_assert_true (gtk_widget_get_visible (named (f, "antibiotics-started-row")));
  assert_zone (f, "legs", "Contraindicated", "process-stop-symbolic");
  press (f, "acute-infection-no");
  g_assert_false (gtk_widget_get_visible (named (f, "antibiotics-started-row")));
  g_assert_true (presso_screening_page_get_modified (page (f)));

  /* Every question answered no: every zone cleared, with a check icon, and nothing missing. */
  answer_all_no (f);
  g_assert_false (has_named (f, "missing-label"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (named (f, "zone-legs-summary"))), ==, "Legs: Cleared");
  assert_zone (f, "legs", "Cleared", "emblem-ok-symbolic");
  assert_zone (f, "arms", "Cleared", "emblem-ok-symbolic");
  assert_zone (f, "abdomen", "Cleared", "emblem-ok-symbolic");
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-cleared.png");
}

static void
test_form_verdicts (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  PressoScreening *screening;
  GPtrArray *decisions;

  open_form (f, NULL, 1200, 900);
  screening = presso_screening_page_get_screening (page (f));
  answer_all_no (f);

  /* Venous thrombosis: no session on any zone, and no decision can lift it. */
  press (f, "venous-thrombosis-yes");
  assert_zone (f, "legs", "Contraindicated", "process-stop-symbolic");
  assert_zone (f, "arms", "Contraindicated", "process-stop-symbolic");
  assert_zone (f, "abdomen", "Contraindicated", "process-stop-symbolic");
  g_assert_false (has_named (f, "decide-venous-thrombosis-legs"));
  g_assert_false (presso_screening_page_open_decision (page (f), "venous-thrombosis", PRESSO_ZONE_LEGS));
  g_assert_null (presso_test_message_dialog ());
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-thrombosis.png");
  press (f, "venous-thrombosis-no");

  /* Pregnancy: boots and sleeves yes, the belt no. */
  press (f, "pregnancy-yes");
  assert_zone (f, "legs", "Cleared", "emblem-ok-symbolic");
  assert_zone (f, "arms", "Cleared", "emblem-ok-symbolic");
  assert_zone (f, "abdomen", "Contraindicated", "process-stop-symbolic");
  g_assert_false (has_named (f, "decide-pregnancy-abdomen"));
  press (f, "pregnancy-no");

  /* Diabetic neuropathy in the legs: the legs need a practitioner's decision, at 40 mmHg. */
  press (f, "neuropathy-legs");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (named (f, "neuropathy-none"))));
  assert_zone (f, "legs", "Needs a practitioner’s decision", "dialog-warning-symbolic");
  assert_zone (f, "arms", "Cleared", "emblem-ok-symbolic");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (named (f, "zone-legs-cap"))), ==,
                   "Pressure limited to 40 mmHg");
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-decision-needed.png");

  /* Record Decision: the reason is required, the letter's date must be a date. */
  press (f, "decide-neuropathy-legs");
  presso_test_spin (50);
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "record"));
  gtk_editable_set_text (GTK_EDITABLE (presso_test_find_named (GTK_WIDGET (dialog), "decision-reason")),
                         "Monofilament test normal on both feet; the client reports pressure well.");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "record"));
  gtk_editable_set_text (GTK_EDITABLE (presso_test_find_named (GTK_WIDGET (dialog), "decision-letter")),
                         "31/02/2026");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "record"));
  g_assert_true (gtk_widget_get_visible (presso_test_find_named (GTK_WIDGET (dialog), "decision-message")));
  presso_test_save_screenshot (GTK_WIDGET (dialog), "ui-screening-decision-dialog.png");
  gtk_editable_set_text (GTK_EDITABLE (presso_test_find_named (GTK_WIDGET (dialog), "decision-letter")),
                         "20/11/2026");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "record"));
  respond (dialog, "record");
  presso_test_spin (50);

  /* Decided: the legs are cleared, the cap stays, and the decision is Claire's. */
  assert_zone (f, "legs", "Cleared", "emblem-ok-symbolic");
  g_assert_false (has_named (f, "decide-neuropathy-legs"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (named (f, "zone-legs-cap"))), ==,
                   "Pressure limited to 40 mmHg");
  decisions = presso_screening_get_decisions (screening);
  g_assert_cmpuint (decisions->len, ==, 1);
  {
    PressoScreeningDecision *decision = g_ptr_array_index (decisions, 0);
    g_autoptr(GDateTime) letter = g_date_time_to_local (decision->letter_date);

    g_assert_cmpint (decision->zone, ==, PRESSO_ZONE_LEGS);
    g_assert_cmpstr (decision->item_id, ==, "neuropathy");
    g_assert_cmpint (decision->decided_by, ==, presso_staff_get_id (f->claire));
    g_assert_cmpint (g_date_time_get_day_of_month (letter), ==, 20);
    g_assert_cmpint (g_date_time_get_month (letter), ==, 11);
  }

  /* Saved: a stored first version, with its answers and the decision. */
  g_assert_true (presso_screening_page_save (page (f), &error));
  g_assert_no_error (error);
  wait_closed (f);
  g_assert_nonnull (f->saved);
  {
    g_autoptr(PressoScreening) stored = presso_store_get_current_screening (f->store,
                                                                            presso_client_get_id (f->client),
                                                                            &error);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(PressoScreeningResult) result = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (stored);
    g_assert_cmpint (presso_screening_get_version (stored), ==, 1);
    g_assert_cmpint (presso_screening_get_screened_by (stored), ==, presso_staff_get_id (f->claire));
    g_assert_cmpuint (presso_screening_get_decisions (stored)->len, ==, 1);
    result = presso_screening_evaluate (stored, f->rules, now);
    g_assert_cmpint (presso_screening_result_get_zone_status (result, PRESSO_ZONE_LEGS), ==,
                     PRESSO_ZONE_STATUS_CLEARED);
    g_assert_cmpuint (presso_screening_result_get_pressure_cap (result, PRESSO_ZONE_LEGS), ==, 40);

    /* A new screening starts from the stored answers, as version 2. */
    open_form (f, stored, 1200, 900);
    g_assert_true (g_str_has_prefix (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (presso_find_child_by_id (GTK_WIDGET (page (f)), "intro_group"))),
                                     "These answers come from version 1, "));
    presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-new-version.png");
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (named (f, "neuropathy-legs"))));
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (named (f, "cardiac-no"))));
    g_assert_false (has_named (f, "missing-label"));
    /* Decisions belong to a version: the new one needs its own. */
    assert_zone (f, "legs", "Needs a practitioner’s decision", "dialog-warning-symbolic");
    g_assert_true (presso_screening_page_save (page (f), &error));
    g_assert_no_error (error);
    g_assert_cmpint (presso_screening_get_version (f->saved), ==, 2);
  }
}

static void
test_form_validation (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PressoScreening *screening;
  const PressoScreeningAnswer *answer;

  open_form (f, NULL, 1200, 900);
  screening = presso_screening_page_get_screening (page (f));
  answer_all_no (f);

  /* Not a number: said under the field, and nothing is stored. */
  type (f, "ankle-brachial-index-entry-0", "abc");
  g_assert_nonnull (message_of (f, "ankle-brachial-index"));
  g_assert_true (g_str_has_prefix (message_of (f, "ankle-brachial-index"), "Not a number"));
  g_assert_true (gtk_widget_has_css_class (named (f, "ankle-brachial-index-entry-0"), "error"));
  /* Not only red: assistive technologies are told the answer is invalid. */
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (named (f, "ankle-brachial-index-entry-0")),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);
  g_assert_null (presso_screening_get_answer (screening, "ankle-brachial-index"));
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-bad-number.png");

  /* Save refuses while an answer is not valid. */
  g_assert_false (presso_screening_page_save (page (f), &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
  g_clear_error (&error);
  g_assert_nonnull (f->window);

  /* Out of the plausible range. */
  type (f, "ankle-brachial-index-entry-0", "5");
  g_assert_true (g_str_has_prefix (message_of (f, "ankle-brachial-index"), "Out of range"));
  g_assert_null (presso_screening_get_answer (screening, "ankle-brachial-index"));

  /* A French decimal comma is a number: 0,7 is in the relative band (legs, 40 mmHg). */
  type (f, "ankle-brachial-index-entry-0", "0,7");
  g_assert_null (message_of (f, "ankle-brachial-index"));
  g_assert_false (gtk_widget_has_css_class (named (f, "ankle-brachial-index-entry-0"), "error"));
  g_assert_false (gtk_test_accessible_has_state (GTK_ACCESSIBLE (named (f, "ankle-brachial-index-entry-0")),
                                                 GTK_ACCESSIBLE_STATE_INVALID));
  answer = presso_screening_get_answer (screening, "ankle-brachial-index");
  g_assert_nonnull (answer);
  g_assert_cmpfloat_with_epsilon (presso_screening_answer_get_number (answer, 0), 0.7, 1e-9);
  assert_zone (f, "legs", "Needs a practitioner’s decision", "dialog-warning-symbolic");
  /* Below 0.5: the legs are out, the arms are not. */
  type (f, "ankle-brachial-index-entry-0", "0.4");
  assert_zone (f, "legs", "Contraindicated", "process-stop-symbolic");
  assert_zone (f, "arms", "Cleared", "emblem-ok-symbolic");
  /* Optional: cleared again, it no longer counts. */
  type (f, "ankle-brachial-index-entry-0", "");
  g_assert_null (presso_screening_get_answer (screening, "ankle-brachial-index"));
  assert_zone (f, "legs", "Cleared", "emblem-ok-symbolic");

  /* Blood pressure: both values or neither; at or above 160/100 stops every zone. */
  type (f, "blood-pressure-entry-0", "150");
  g_assert_cmpstr (message_of (f, "blood-pressure"), ==, "Type both values, or neither");
  type (f, "blood-pressure-entry-1", "105");
  g_assert_null (message_of (f, "blood-pressure"));
  assert_zone (f, "arms", "Contraindicated", "process-stop-symbolic");
  type (f, "blood-pressure-entry-1", "85");
  assert_zone (f, "arms", "Cleared", "emblem-ok-symbolic");

  /* Dates: DD/MM/YYYY, not in the future; antibiotics 4 days ago lift the infection. */
  press (f, "acute-infection-yes");
  assert_zone (f, "legs", "Contraindicated", "process-stop-symbolic");
  type (f, "antibiotics-started-entry-0", "12/13/2026");
  g_assert_true (g_str_has_prefix (message_of (f, "antibiotics-started"), "Not a date"));
  type (f, "antibiotics-started-entry-0", "01/01/2999");
  g_assert_cmpstr (message_of (f, "antibiotics-started"), ==, "This date is in the future");
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) four_days_ago = g_date_time_add_days (now, -4);
    g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
    g_autofree char *text = g_date_time_format (four_days_ago, "%d/%m/%Y %H:%M");
    g_autofree char *recent = g_date_time_format (yesterday, "%d/%m/%Y");

    type (f, "antibiotics-started-entry-0", text);
    g_assert_null (message_of (f, "antibiotics-started"));
    assert_zone (f, "legs", "Cleared", "emblem-ok-symbolic");
    /* Only a day of antibiotics: still contraindicated. */
    type (f, "antibiotics-started-entry-0", recent);
    g_assert_null (message_of (f, "antibiotics-started"));
    assert_zone (f, "legs", "Contraindicated", "process-stop-symbolic");
  }
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-infection.png");
}

static void
test_form_keyboard (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *first;
  GPtrArray *reached = g_ptr_array_new_with_free_func (g_free);
  guint next = 0;

  open_form (f, NULL, 1200, 900);

  /* Tab from the first answer visits every visible question's answer, in the page's order. */
  first = named (f, "hypertension-yes");
  gtk_widget_grab_focus (first);
  g_assert_true (gtk_widget_has_focus (first));
  for (int i = 0; i < 300; i++)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

      /* An entry's focus is on its inner text: name the entry. */
      while (focus != NULL && g_str_equal (gtk_widget_get_name (focus), G_OBJECT_TYPE_NAME (focus)))
        focus = gtk_widget_get_parent (focus);
      if (focus != NULL)
        g_ptr_array_add (reached, g_strdup (gtk_widget_get_name (focus)));
      if (!gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD))
        break;
    }
  {
    const char * const *topics = presso_screening_rules_get_topics (f->rules);

    for (guint t = 0; topics[t] != NULL; t++)
      for (guint i = 0; i < presso_screening_rules_get_n_items (f->rules); i++)
        {
          PressoScreeningItem *item = presso_screening_rules_get_item (f->rules, i);
          const char *id = presso_screening_item_get_id (item);
          g_autofree char *target = NULL;
          gboolean found = FALSE;

          if (!g_str_equal (presso_screening_item_get_topic (item), topics[t]) ||
              presso_screening_item_get_depends_on (item) != NULL)
            continue;
          switch (presso_screening_item_get_kind (item))
            {
            case PRESSO_SCREENING_KIND_YES_NO:
              target = g_strdup_printf ("%s-yes", id);
              break;
            case PRESSO_SCREENING_KIND_ZONES:
              target = g_strdup_printf ("%s-none", id);
              break;
            default:
              target = g_strdup_printf ("%s-entry-0", id);
              break;
            }
          for (; next < reached->len && !found; next++)
            found = g_str_equal (g_ptr_array_index (reached, next), target);
          if (!found)
            {
              for (guint k = 0; k < reached->len; k++)
                g_printerr ("focus %u: %s\n", k, (char *) g_ptr_array_index (reached, k));
              g_error ("Tab never reached %s (in order)", target);
            }
        }
  }
  g_ptr_array_unref (reached);

  /* Y and N answer the focused yes-or-no question. */
  {
    GtkWidget *row = named (f, "pregnancy-row");
    GListModel *controllers = gtk_widget_observe_controllers (row);
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          {
            g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_y, 0, 0, &handled);
            g_assert_true (handled);
            assert_zone (f, "abdomen", "Contraindicated", "process-stop-symbolic");
            g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_n, 0, 0, &handled);
            g_assert_true (handled);
            g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (named (f, "pregnancy-no"))));
          }
      }
    g_object_unref (controllers);
    g_assert_true (handled);
  }
}

static void
test_form_cancel (Fixture       *f,
                  gconstpointer  data)
{
  AdwMessageDialog *dialog;

  /* Nothing answered: Cancel just closes. */
  open_form (f, NULL, 1000, 700);
  presso_screening_page_cancel (page (f));
  wait_closed (f);

  /* Answers given: Cancel asks first, and keeping them keeps them. */
  open_form (f, NULL, 1000, 700);
  press (f, "cardiac-no");
  presso_screening_page_cancel (page (f));
  presso_test_spin (50);
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "keep");
  presso_test_spin (50);
  g_assert_nonnull (f->window);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (named (f, "cardiac-no"))));

  /* Closing the window asks the same. */
  gtk_window_close (f->window);
  presso_test_spin (50);
  g_assert_nonnull (f->window);
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "discard");
  wait_closed (f);
  g_assert_null (f->saved);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PressoScreening) stored = presso_store_get_current_screening (f->store,
                                                                            presso_client_get_id (f->client),
                                                                            &error);
    g_assert_no_error (error);
    g_assert_null (stored);
  }

  /* An incomplete screening is not saved: the first unanswered question gets the focus. */
  open_form (f, NULL, 1000, 700);
  press (f, "hypertension-no");
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (presso_screening_page_save (page (f), &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INCOMPLETE);
    g_assert_true (gtk_widget_has_focus (named (f, "tumour-none")));
  }
}

static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  open_form (f, NULL, 1200, 860);
  answer_all_no (f);
  press (f, "pregnancy-yes");
  press (f, "neuropathy-legs");
  press (f, "neuropathy-arms");
  type (f, "ankle-brachial-index-entry-0", "0.7");
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-light.png");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  presso_test_spin (100);
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-dark.png");
  gtk_window_destroy (f->window);
  presso_test_spin (50);

  /* Narrow: the result folds away behind a header button; the strip keeps every zone shown. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  open_form (f, NULL, 800, 600);
  answer_all_no (f);
  press (f, "pregnancy-yes");
  press (f, "neuropathy-legs");
  type (f, "ankle-brachial-index-entry-0", "abc");
  presso_test_spin (100);
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-narrow.png");
  if (adw_flap_get_folded (ADW_FLAP (presso_find_child_by_id (GTK_WIDGET (page (f)), "flap"))))
    {
      adw_flap_set_reveal_flap (ADW_FLAP (presso_find_child_by_id (GTK_WIDGET (page (f)), "flap")), TRUE);
      presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-narrow-result.png");
    }
}

/* Every visible icon-only button under @widget has an accessible name. */
static void
check_icon_buttons (GtkWidget *widget,
                    guint     *n_checked)
{
  const char *icon = NULL;

  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    icon = gtk_button_get_icon_name (GTK_BUTTON (widget));
  else if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL)
    icon = gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget));
  if (icon != NULL)
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("the %s button (%s) has no accessible label", icon, gtk_widget_get_name (widget));
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_icon_buttons (child, n_checked);
}

static void
test_form_accessible (Fixture       *f,
                      gconstpointer  data)
{
  guint n_checked = 0;

  open_form (f, NULL, 1200, 900);
  answer_all_no (f);
  press (f, "acute-infection-yes");
  check_icon_buttons (GTK_WIDGET (f->window), &n_checked);
  /* The result pane's toggle and the antibiotics date's calendar at least. */
  g_assert_cmpuint (n_checked, >=, 2);
  /* Each answer button says which question it answers. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (named (f, "pregnancy-yes")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Yes Pregnancy?");
}

/* The status on the client's record */

static GtkWindow *
status_window (Fixture                     *f,
               PressoScreeningStatusGroup **out)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *status = presso_screening_status_group_new ();
  GtkWidget *clamp = adw_clamp_new ();

  presso_screening_status_group_set_rules (PRESSO_SCREENING_STATUS_GROUP (status), f->rules);
  presso_screening_status_group_set_store (PRESSO_SCREENING_STATUS_GROUP (status), f->store);
  presso_screening_status_group_set_client (PRESSO_SCREENING_STATUS_GROUP (status), f->client);
  gtk_widget_set_margin_top (status, 24);
  gtk_widget_set_margin_bottom (status, 24);
  adw_clamp_set_child (ADW_CLAMP (clamp), status);
  adw_window_set_content (ADW_WINDOW (window), clamp);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 640);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 500 && !gtk_widget_get_mapped (window); i++)
    presso_test_spin (10);
  g_assert_true (gtk_widget_get_mapped (window));
  presso_test_spin (50);
  *out = PRESSO_SCREENING_STATUS_GROUP (status);
  return GTK_WINDOW (window);
}

static const char *
row_title (PressoScreeningStatusGroup *status,
           const char                 *id)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (presso_find_child_by_id (GTK_WIDGET (status), id)));
}

static const char *
row_subtitle (PressoScreeningStatusGroup *status,
              const char                 *id)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (presso_find_child_by_id (GTK_WIDGET (status), id)));
}

static gboolean
shown (PressoScreeningStatusGroup *status,
       const char                 *id)
{
  GtkWidget *widget = presso_find_child_by_id (GTK_WIDGET (status), id);

  g_assert_nonnull (widget);
  return gtk_widget_get_visible (widget);
}

/* Every text a visible widget under @root shows, joined. */
static void
collect_text (GtkWidget *root,
              GString   *text)
{
  if (!gtk_widget_get_visible (root))
    return;
  if (GTK_IS_LABEL (root))
    g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  const char *pregnant[] = { "pregnancy", NULL };
  g_autoptr(PressoScreening) first = NULL;
  g_autoptr(PressoScreening) second = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_day = g_date_time_add_days (now, 180);
  g_autofree char *until = g_date_time_format (last_day, "Valid until %d/%m/%Y");
  g_autofree char *restricted = g_strconcat (until, " · some zones are restricted, see below", NULL);
  g_autoptr(GError) error = NULL;
  PressoScreeningStatusGroup *status;
  GtkWindow *window;

  window = status_window (f, &status);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));

  /* Never screened. */
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "No screening");
  g_assert_true (shown (status, "screening_new_button"));
  g_assert_false (shown (status, "screening_legs_row"));

  /* Screened (pregnant): valid until today + 180 days, the belt contraindicated. */
  first = stored_screening (f, pregnant, "tumour", PRESSO_ZONE_NONE, NULL);
  presso_screening_status_group_refresh (status);
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "Screening valid");
  /* Up to date is not an all-clear: no green tick above a contraindicated zone. */
  g_assert_cmpstr (row_subtitle (status, "screening_status_row"), ==, restricted);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (presso_find_child_by_id (GTK_WIDGET (status), "screening_status_icon"))),
                   ==, "x-office-calendar-symbolic");
  g_assert_false (gtk_widget_has_css_class (presso_find_child_by_id (GTK_WIDGET (status), "screening_status_icon"), "success"));
  /* The practice shortens the validity in the preferences: the record follows at once. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autoptr(GDateTime) day_30 = g_date_time_add_days (now, 30);
    g_autofree char *until_30 = g_date_time_format (day_30, "Valid until %d/%m/%Y · some zones are restricted, see below");

    g_settings_set_uint (settings, "screening-validity-days", 30);
    g_assert_cmpstr (row_subtitle (status, "screening_status_row"), ==, until_30);
    g_settings_reset (settings, "screening-validity-days");
    g_assert_cmpstr (row_subtitle (status, "screening_status_row"), ==, restricted);
  }
  g_assert_cmpstr (row_subtitle (status, "screening_legs_row"), ==, "Cleared");
  g_assert_cmpstr (row_subtitle (status, "screening_abdomen_row"), ==, "Contraindicated");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (presso_find_child_by_id (GTK_WIDGET (status), "screening_abdomen_icon"))),
                   ==, "process-stop-symbolic");
  g_assert_true (g_str_has_suffix (row_subtitle (status, "screening_screened_row"), "by Claire Martin (version 1)"));

  /* A second version: the history lists both, newest first. */
  second = stored_screening (f, NULL, "tumour", PRESSO_ZONE_ARMS, NULL);
  presso_screening_status_group_refresh (status);
  g_assert_cmpstr (row_subtitle (status, "screening_arms_row"), ==, "Contraindicated");
  g_assert_cmpstr (row_subtitle (status, "screening_abdomen_row"), ==, "Cleared");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (presso_find_child_by_id (GTK_WIDGET (status), "screening_history_row"))),
                   ==, "2 versions");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (presso_find_child_by_id (GTK_WIDGET (status), "screening_history_row")), TRUE);
  presso_test_save_screenshot (GTK_WIDGET (window), "ui-screening-status-practitioner.png");
  {
    g_autoptr(GString) text = g_string_new (NULL);

    collect_text (GTK_WIDGET (status), text);
    g_assert_nonnull (strstr (text->str, "Version 2: "));
    g_assert_nonnull (strstr (text->str, "Version 1: "));
    g_assert_nonnull (strstr (text->str, "Abdomen: Contraindicated"));
  }

  /* The front desk: the validity only; no zones, no reasons, no history, no New Screening. */
  presso_store_set_actor (f->store, f->paul);
  presso_screening_status_group_refresh (status);
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "Screening valid");
  g_assert_false (shown (status, "screening_new_button"));
  g_assert_false (shown (status, "screening_legs_row"));
  g_assert_false (shown (status, "screening_arms_row"));
  g_assert_false (shown (status, "screening_abdomen_row"));
  g_assert_false (shown (status, "screening_screened_row"));
  g_assert_false (shown (status, "screening_history_row"));
  g_assert_null (presso_screening_status_group_new_screening (status));
  {
    g_autoptr(GString) text = g_string_new (NULL);

    collect_text (GTK_WIDGET (status), text);
    g_assert_null (strstr (text->str, "Contraindicated"));
    g_assert_null (strstr (text->str, "Cleared"));
    g_assert_null (strstr (text->str, "Version"));
    g_assert_null (strstr (text->str, "Claire"));
    for (guint i = 0; i < presso_screening_rules_get_n_items (f->rules); i++)
      g_assert_null (strstr (text->str, presso_screening_item_get_question (presso_screening_rules_get_item (f->rules, i))));
  }
  presso_test_save_screenshot (GTK_WIDGET (window), "ui-screening-status-receptionist.png");

  /* Health details changed after the screening: needs review, for everyone. */
  presso_store_set_actor (f->store, f->claire);
  {
    g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -2);
    g_autoptr(PressoScreening) third = stored_screening (f, NULL, "tumour", PRESSO_ZONE_NONE, earlier);
    g_autoptr(GDateTime) third_last = g_date_time_add_days (earlier, 180);
    g_autofree char *third_until = g_date_time_format (third_last, "Valid until %d/%m/%Y");

    /* Every zone cleared: now the tick is earned. */
    presso_screening_status_group_refresh (status);
    g_assert_cmpstr (row_subtitle (status, "screening_status_row"), ==, third_until);
    g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (presso_find_child_by_id (GTK_WIDGET (status), "screening_status_icon"))),
                     ==, "emblem-ok-symbolic");
  }
  presso_client_set_notes (f->client, "Started anticoagulants last week.");
  g_assert_true (presso_store_update_client (f->store, f->client, &error));
  g_assert_no_error (error);
  presso_screening_status_group_refresh (status);
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "Screening needs review");
  g_assert_cmpstr (row_subtitle (status, "screening_status_row"), ==,
                   "Needs review: the client’s details changed since the screening");
  presso_store_set_actor (f->store, f->paul);
  presso_screening_status_group_refresh (status);
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "Screening needs review");

  /* Older than the validity period: expired, with the day it expired. */
  presso_store_set_actor (f->store, f->claire);
  {
    g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -200);
    g_autoptr(GDateTime) expired_day = g_date_time_add_days (long_ago, 181);
    g_autofree char *since = g_date_time_format (expired_day, "Expired since %d/%m/%Y");
    g_autoptr(PressoScreening) old = NULL;
    PressoClient *other = presso_client_new ();

    presso_client_set_first_name (other, "Zoë");
    presso_client_set_last_name (other, "Müller");
    g_assert_true (presso_store_insert_client (f->store, other, &error));
    g_assert_no_error (error);
    g_set_object (&f->client, other);
    g_object_unref (other);
    old = stored_screening (f, NULL, "tumour", PRESSO_ZONE_NONE, long_ago);
    presso_screening_status_group_set_client (status, f->client);
    g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "Screening expired");
    g_assert_cmpstr (row_subtitle (status, "screening_status_row"), ==, since);
    g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (presso_find_child_by_id (GTK_WIDGET (status), "screening_status_icon"))),
                     ==, "process-stop-symbolic");
  }
  gtk_window_destroy (window);
}

/* A decision that comes later (the doctor's letter) goes on the stored version. */
static void
test_status_decision (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PressoScreening) screening = stored_screening (f, NULL, "neuropathy", PRESSO_ZONE_LEGS, NULL);
  g_autoptr(PressoScreening) stored = NULL;
  g_autoptr(GError) error = NULL;
  PressoScreeningStatusGroup *status;
  GtkWindow *window = status_window (f, &status);
  GtkWidget *button = presso_find_child_by_id (GTK_WIDGET (status), "screening_legs_decide_button");
  AdwMessageDialog *dialog;

  g_assert_cmpstr (row_subtitle (status, "screening_legs_row"), ==,
                   "Needs a practitioner’s decision, at 40 mmHg at most");
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_false (shown (status, "screening_arms_decide_button"));
  presso_test_save_screenshot (GTK_WIDGET (window), "ui-screening-status-decision.png");
  /* The record pane of a narrow window. */
  gtk_window_set_default_size (window, 400, 640);
  presso_test_save_screenshot (GTK_WIDGET (window), "ui-screening-status-narrow.png");
  gtk_window_set_default_size (window, 700, 640);

  /* The front desk never gets the button. */
  presso_store_set_actor (f->store, f->paul);
  presso_screening_status_group_refresh (status);
  g_assert_false (gtk_widget_get_visible (button));
  presso_store_set_actor (f->store, f->claire);
  presso_screening_status_group_refresh (status);
  g_assert_true (gtk_widget_get_visible (button));

  g_signal_emit_by_name (button, "clicked");
  presso_test_spin (50);
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "record"));
  gtk_editable_set_text (GTK_EDITABLE (presso_test_find_named (GTK_WIDGET (dialog), "decision-reason")),
                         "Sensation tested by the GP: normal.");
  gtk_editable_set_text (GTK_EDITABLE (presso_test_find_named (GTK_WIDGET (dialog), "decision-letter")),
                         "18/11/2026");
  respond (dialog, "record");

  /* Stored on version 1, by Claire; the legs are cleared, still at 40 mmHg. */
  stored = presso_store_get_current_screening (f->store, presso_client_get_id (f->client), &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_screening_get_version (stored), ==, 1);
  g_assert_cmpuint (presso_screening_get_decisions (stored)->len, ==, 1);
  {
    PressoScreeningDecision *decision = g_ptr_array_index (presso_screening_get_decisions (stored), 0);

    g_assert_cmpstr (decision->reason, ==, "Sensation tested by the GP: normal.");
    g_assert_cmpint (decision->decided_by, ==, presso_staff_get_id (f->claire));
    g_assert_nonnull (decision->letter_date);
  }
  g_assert_cmpstr (row_subtitle (status, "screening_legs_row"), ==, "Cleared, at 40 mmHg at most");
  g_assert_false (gtk_widget_get_visible (button));
  gtk_window_destroy (window);
}

static void
test_status_new_screening (Fixture       *f,
                           gconstpointer  data)
{
  PressoScreeningStatusGroup *status;
  GtkWindow *window = status_window (f, &status);
  g_autoptr(GError) error = NULL;

  /* New Screening opens the form for this client; saving it updates the record's group. */
  f->window = presso_screening_status_group_new_screening (status);
  g_assert_nonnull (f->window);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  presso_test_spin (100);
  answer_all_no (f);
  press (f, "fracture-arms");
  g_assert_true (presso_screening_page_save (page (f), &error));
  g_assert_no_error (error);
  wait_closed (f);
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "Screening valid");
  g_assert_cmpstr (row_subtitle (status, "screening_arms_row"), ==, "Contraindicated");
  gtk_window_destroy (window);
}

/* The demo clinic's screenings, as a practitioner sees them on each record. */
static PressoClient *
demo_client (PressoStore *store,
             const char  *first_name,
             const char  *last_name)
{
  for (gint64 id = 1; id < 40; id++)
    {
      g_autoptr(PressoClient) client = presso_store_get_client (store, id, NULL);

      if (client != NULL && g_str_equal (presso_client_get_first_name (client), first_name) &&
          g_str_equal (presso_client_get_last_name (client), last_name) &&
          !presso_client_get_archived (client))
        return g_steal_pointer (&client);
    }
  g_error ("no demo client %s %s", first_name, last_name);
}

static void
test_demo_clinic (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "demo.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStore) demo = presso_store_open (path, &error);
  g_autoptr(GListModel) staff = NULL;
  PressoScreeningStatusGroup *status;
  GtkWindow *window;
  struct {
    const char *first, *last, *status, *legs, *arms, *abdomen;
    gboolean decide_legs;
  } cases[] = {
    { "Hélène", "Dupont", "Screening valid", "Cleared", "Cleared", "Cleared", FALSE },
    { "Zoë", "Müller", "Screening valid", "Cleared", "Cleared", "Contraindicated", FALSE },
    { "François", "Dubois-Lefèvre", "Screening valid", "Cleared, at 40 mmHg at most", NULL, NULL, FALSE },
    { "Anh", "Nguyễn", "Screening valid", "Needs a practitioner’s decision, at 40 mmHg at most",
      "Cleared", "Cleared", TRUE },
    { "Siobhan", "O'Brien", "Screening valid", "Contraindicated", "Contraindicated", "Contraindicated", FALSE },
    { "Bjørn", "Ødegaard", "Screening expired", NULL, NULL, NULL, FALSE },
    { "Élodie", "Lefèvre", "No screening", NULL, NULL, NULL, FALSE },
  };

  g_assert_no_error (error);
  g_assert_true (presso_demo_fill (demo, 12, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);
  staff = presso_store_list_staff (demo);
  for (guint i = 0; i < g_list_model_get_n_items (staff); i++)
    {
      g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

      if (presso_staff_get_role (member) == PRESSO_ROLE_PRACTITIONER)
        {
          presso_store_set_actor (demo, member);
          break;
        }
    }

  {
    /* status_window() shows f->store: the demo clinic's, for this test. */
    PressoStore *clinic = f->store;

    f->store = demo;
    window = status_window (f, &status);
    f->store = clinic;
  }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PressoClient) client = demo_client (demo, cases[i].first, cases[i].last);

      presso_screening_status_group_set_client (status, client);
      g_assert_cmpstr (row_title (status, "screening_status_row"), ==, cases[i].status);
      if (cases[i].legs != NULL)
        g_assert_cmpstr (row_subtitle (status, "screening_legs_row"), ==, cases[i].legs);
      if (cases[i].arms != NULL)
        g_assert_cmpstr (row_subtitle (status, "screening_arms_row"), ==, cases[i].arms);
      if (cases[i].abdomen != NULL)
        g_assert_cmpstr (row_subtitle (status, "screening_abdomen_row"), ==, cases[i].abdomen);
      g_assert_true (shown (status, "screening_legs_decide_button") == cases[i].decide_legs);
      if (g_str_equal (cases[i].first, "Siobhan"))
        presso_test_save_screenshot (GTK_WIDGET (window), "ui-screening-status-demo-thrombosis.png");
    }
  gtk_window_destroy (window);
  presso_test_spin (50);
  g_clear_object (&demo);
  {
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
        g_remove (file);
      }
  }
}

/* A clinic's own rules file with a mistake: the record says so, and offers no new screening. */
static void
test_status_bad_rules (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (g_get_user_config_dir (), "presso", NULL);
  g_autofree char *file = g_build_filename (folder, "screening-rules.ini", NULL);
  g_autoptr(GError) error = NULL;
  PressoScreeningStatusGroup *status;
  GtkWidget *window = adw_window_new ();

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "[Screening]\nVersion=clinic-1\n[Item x]\nKind=colour\n", -1, &error));
  g_assert_no_error (error);

  status = PRESSO_SCREENING_STATUS_GROUP (presso_screening_status_group_new ());
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (status));
  presso_screening_status_group_set_store (status, f->store);
  presso_screening_status_group_set_client (status, f->client);
  g_assert_null (presso_screening_status_group_get_rules (status));
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "The screening cannot be read");
  g_assert_true (g_str_has_prefix (row_subtitle (status, "screening_status_row"),
                                   "The screening rules cannot be read: "));
  g_assert_nonnull (strstr (row_subtitle (status, "screening_status_row"), "screening-rules.ini"));
  g_assert_false (shown (status, "screening_new_button"));
  g_assert_null (presso_screening_status_group_new_screening (status));

  /* Fixed (here: removed), the next look finds the rules again. */
  g_assert_cmpint (g_remove (file), ==, 0);
  presso_screening_status_group_refresh (status);
  g_assert_cmpstr (row_title (status, "screening_status_row"), ==, "No screening");
  g_assert_true (shown (status, "screening_new_button"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_rmdir (folder);
}

/* A clinic adds a question to its own copy of the rules, without recompiling: the form asks it,
 * with what its answer means, and a yes weighs on the zone the clinic chose. */
static void
test_form_clinic_question (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (g_get_user_config_dir (), "presso", NULL);
  g_autofree char *file = g_build_filename (folder, "screening-rules.ini", NULL);
  g_autofree char *shipped_path = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"),
                                                    "screening", "rules.desktop", NULL);
  g_autofree char *shipped = NULL;
  g_autofree char *clinic = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;
  gboolean question_shown = FALSE, help_shown = FALSE;

  g_assert_true (g_file_get_contents (shipped_path, &shipped, NULL, &error));
  g_assert_no_error (error);
  clinic = g_strconcat (shipped,
                        "\n[Item varicose-surgery]\n"
                        "Topic=conditions\n"
                        "Name=Varicose vein surgery in the last six weeks?\n"
                        "Comment=Yes: no session on the legs until the surgeon agrees.\n"
                        "Kind=yes-no\n"
                        "Severity=zone\n"
                        "Zones=legs;\n"
                        "Source=Clinic protocol\n", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, clinic, -1, &error));
  g_assert_no_error (error);

  g_clear_object (&f->rules);
  f->rules = presso_screening_rules_load_default (&error);
  g_assert_no_error (error);
  open_form (f, NULL, 1200, 900);

  row = named (f, "varicose-surgery-row");
  g_assert_true (gtk_widget_get_visible (row));
  for (GtkWidget *w = row; w != NULL; )
    {
      if (GTK_IS_LABEL (w) && gtk_widget_get_visible (w))
        {
          const char *text = gtk_label_get_label (GTK_LABEL (w));

          question_shown |= g_str_equal (text, "Varicose vein surgery in the last six weeks?");
          help_shown |= g_str_equal (text, "Yes: no session on the legs until the surgeon agrees.");
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != row && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == row ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_true (question_shown);
  g_assert_true (help_shown);

  answer_all_no (f);
  assert_zone (f, "legs", "Cleared", "emblem-ok-symbolic");
  press (f, "varicose-surgery-yes");
  assert_zone (f, "legs", "Contraindicated", "process-stop-symbolic");
  assert_zone (f, "arms", "Cleared", "emblem-ok-symbolic");
  presso_test_save_screenshot (GTK_WIDGET (f->window), "ui-screening-form-clinic-question.png");

  g_assert_cmpint (g_remove (file), ==, 0);
  g_rmdir (folder);
}

/* The group on the client's record in the real window, for each role. */
static void
test_client_record (Fixture       *f,
                    gconstpointer  data)
{
  const char *pregnant[] = { "pregnancy", NULL };
  g_autoptr(PressoScreening) screening = stored_screening (f, pregnant, "tumour", PRESSO_ZONE_NONE, NULL);
  GtkWidget *window = presso_window_new (NULL, f->store);
  GtkWidget *view, *status;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 500 && !gtk_widget_get_mapped (window); i++)
    presso_test_spin (10);
  presso_window_sign_in (PRESSO_WINDOW (window), f->claire);
  view = GTK_WIDGET (presso_clients_page_get_view (PRESSO_CLIENTS_PAGE (presso_window_get_page (PRESSO_WINDOW (window), "clients"))));
  g_assert_nonnull (view);
  presso_client_view_set_client (PRESSO_CLIENT_VIEW (view), f->client);
  status = presso_find_child_by_id (view, "screening_status");
  g_assert_true (PRESSO_IS_SCREENING_STATUS_GROUP (status));
  g_assert_true (gtk_widget_get_visible (status));
  g_assert_cmpstr (row_title (PRESSO_SCREENING_STATUS_GROUP (status), "screening_status_row"), ==, "Screening valid");
  g_assert_true (shown (PRESSO_SCREENING_STATUS_GROUP (status), "screening_abdomen_row"));
  g_assert_true (shown (PRESSO_SCREENING_STATUS_GROUP (status), "screening_new_button"));

  /* The receptionist signs in on the same window: at once the validity, nothing else. */
  presso_window_switch_user (PRESSO_WINDOW (window));
  presso_window_sign_in (PRESSO_WINDOW (window), f->paul);
  presso_test_spin (50);
  g_assert_cmpstr (row_title (PRESSO_SCREENING_STATUS_GROUP (status), "screening_status_row"), ==, "Screening valid");
  g_assert_false (shown (PRESSO_SCREENING_STATUS_GROUP (status), "screening_abdomen_row"));
  g_assert_false (shown (PRESSO_SCREENING_STATUS_GROUP (status), "screening_history_row"));
  g_assert_false (shown (PRESSO_SCREENING_STATUS_GROUP (status), "screening_new_button"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The session's question */

static void
on_confirmed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  g_clear_pointer (&f->confirmation, presso_screening_confirmation_free);
  g_clear_error (&f->confirm_error);
  f->confirmation = presso_screening_confirm_changes_finish (result, &f->confirm_error);
  f->confirm_done = TRUE;
}

static void
ask_and_answer (Fixture         *f,
                PressoScreening *screening,
                const char      *response)
{
  AdwMessageDialog *dialog;

  /* The last question's dialog is gone first. */
  for (int i = 0; i < 200 && presso_test_message_dialog () != NULL; i++)
    presso_test_spin (10);
  g_assert_null (presso_test_message_dialog ());
  f->confirm_done = FALSE;
  presso_screening_confirm_changes (NULL, f->store, screening, NULL, on_confirmed_cb, f);
  presso_test_spin (50);
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "unchanged"));
  g_assert_true (adw_message_dialog_has_response (dialog, "changed"));
  if (g_str_equal (response, "unchanged"))
    presso_test_save_screenshot (GTK_WIDGET (dialog), "ui-screening-confirm-dialog.png");
  respond (dialog, response);
  for (int i = 0; i < 200 && !f->confirm_done; i++)
    presso_test_spin (10);
  g_assert_true (f->confirm_done);
}

static void
test_confirm (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(PressoScreening) screening = stored_screening (f, NULL, "tumour", PRESSO_ZONE_NONE, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  PressoScreeningConfirmation *stored;

  /* Nothing changed: recorded, by the signed-in practitioner. */
  ask_and_answer (f, screening, "unchanged");
  g_assert_no_error (f->confirm_error);
  g_assert_nonnull (f->confirmation);
  g_assert_false (f->confirmation->changed);
  g_assert_cmpint (f->confirmation->confirmed_by, ==, presso_staff_get_id (f->claire));
  stored = presso_store_get_screening_confirmation (f->store, presso_screening_get_id (screening), now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_false (stored->changed);
  presso_screening_confirmation_free (stored);

  /* Something changed: recorded too, and the caller hears it. */
  ask_and_answer (f, screening, "changed");
  g_assert_no_error (f->confirm_error);
  g_assert_true (f->confirmation->changed);
  stored = presso_store_get_screening_confirmation (f->store, presso_screening_get_id (screening), now, &error);
  g_assert_true (stored->changed);
  presso_screening_confirmation_free (stored);

  /* Dismissed: nothing recorded, the caller hears it was cancelled. */
  ask_and_answer (f, screening, "cancel");
  g_assert_error (f->confirm_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (f->confirmation);
  stored = presso_store_get_screening_confirmation (f->store, presso_screening_get_id (screening), now, &error);
  g_assert_true (stored->changed);
  presso_screening_confirmation_free (stored);

  /* A cancellable closes the dialog without an answer. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    f->confirm_done = FALSE;
    presso_screening_confirm_changes (NULL, f->store, screening, cancellable, on_confirmed_cb, f);
    presso_test_spin (50);
    g_assert_nonnull (presso_test_message_dialog ());
    g_cancellable_cancel (cancellable);
    for (int i = 0; i < 200 && !f->confirm_done; i++)
      presso_test_spin (10);
    g_assert_true (f->confirm_done);
    g_assert_error (f->confirm_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    presso_test_spin (50);
    g_assert_null (presso_test_message_dialog ());
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_dir = NULL;
  int status;

  /* GTK's in-process accessibility backend: the tests read what a screen reader would get,
   * with no session bus (the suite's GTK_A11Y=none would drop it). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* A configuration folder of the test's own: a clinic's rules file is read from it. */
  config_dir = g_dir_make_tmp ("presso-ui-screening-config-XXXXXX", NULL);
  g_assert_nonnull (config_dir);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Expanders and the folded result appear at once: screenshots show the end state. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  presso_test_load_style ();

  g_test_add ("/presso/ui/screening/form-layout", Fixture, NULL,
              fixture_set_up, test_form_layout, fixture_tear_down);
  g_test_add ("/presso/ui/screening/form-verdicts", Fixture, NULL,
              fixture_set_up, test_form_verdicts, fixture_tear_down);
  g_test_add ("/presso/ui/screening/form-validation", Fixture, NULL,
              fixture_set_up, test_form_validation, fixture_tear_down);
  g_test_add ("/presso/ui/screening/form-keyboard", Fixture, NULL,
              fixture_set_up, test_form_keyboard, fixture_tear_down);
  g_test_add ("/presso/ui/screening/form-accessible", Fixture, NULL,
              fixture_set_up, test_form_accessible, fixture_tear_down);
  g_test_add ("/presso/ui/screening/form-cancel", Fixture, NULL,
              fixture_set_up, test_form_cancel, fixture_tear_down);
  g_test_add ("/presso/ui/screening/screenshots", Fixture, NULL,
              fixture_set_up, test_screenshots, fixture_tear_down);
  g_test_add ("/presso/ui/screening/status", Fixture, NULL,
              fixture_set_up, test_status, fixture_tear_down);
  g_test_add ("/presso/ui/screening/status-decision", Fixture, NULL,
              fixture_set_up, test_status_decision, fixture_tear_down);
  g_test_add ("/presso/ui/screening/status-new-screening", Fixture, NULL,
              fixture_set_up, test_status_new_screening, fixture_tear_down);
  g_test_add ("/presso/ui/screening/demo-clinic", Fixture, NULL,
              fixture_set_up, test_demo_clinic, fixture_tear_down);
  g_test_add ("/presso/ui/screening/form-clinic-question", Fixture, NULL,
              fixture_set_up, test_form_clinic_question, fixture_tear_down);
  g_test_add ("/presso/ui/screening/status-bad-rules", Fixture, NULL,
              fixture_set_up, test_status_bad_rules, fixture_tear_down);
  g_test_add ("/presso/ui/screening/client-record", Fixture, NULL,
              fixture_set_up, test_client_record, fixture_tear_down);
  g_test_add ("/presso/ui/screening/confirm", Fixture, NULL,
              fixture_set_up, test_confirm, fixture_tear_down);

  status = g_test_run ();
  g_rmdir (config_dir);
  return status;
}
