/* test-ui-program-editor.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program editor window on a fresh SQLite database, driven through its real widgets: a
 * practitioner writes a program, sees a base pressure past the limit refused with the reason
 * at the field, saves a valid one and finds it stored as typed; skipping a chamber changes
 * what is stored; an edit bumps the version; a stale edit is refused with the typing kept;
 * archiving can be undone; a built-in program is read-only and duplicated into the practice's
 * own.  Screenshots (light, dark, narrow) go into the build directory.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-program-editor.h"
#include "presso-store-session.h"
#include "presso-test-gui.h"
#include "presso-ui-util.h"

typedef struct
{
  char                *dir;
  char                *path;
  PressoStore         *store;
  PressoProgramEditor *editor;
  guint                n_changed;
} Fixture;

static GtkWidget *
find (Fixture    *f,
      const char *id)
{
  return presso_test_find (GTK_WIDGET (f->editor), id);
}

static GtkWidget *
chamber (Fixture    *f,
         const char *what,
         guint       n)
{
  g_autofree char *name = g_strdup_printf ("chamber-%s-%u", what, n);
  GtkWidget *widget = presso_test_find_named (GTK_WIDGET (f->editor), name);

  if (widget == NULL)
    g_error ("no %s", name);
  return widget;
}

/* A click, as the button's "clicked" (activating it waits for the press animation). */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button) && gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
on_programs_changed_cb (PressoProgramEditor *editor,
                        Fixture             *f)
{
  f->n_changed++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = presso_test_clinic_new ("presso-ui-XXXXXX", &f->dir, &f->path);
  f->editor = PRESSO_PROGRAM_EDITOR (presso_program_editor_new (f->store));
  g_signal_connect (f->editor, "programs-changed", G_CALLBACK (on_programs_changed_cb), f);
  gtk_window_set_default_size (GTK_WINDOW (f->editor), 900, 1400);
  gtk_window_present (GTK_WINDOW (f->editor));
  presso_test_spin (100);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->editor)));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->editor));
  presso_test_spin (50);
  g_clear_object (&f->store);
  presso_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The editor once what was just done has settled. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  presso_test_spin (200);
  presso_test_save_screenshot (widget, name);
}

static GListModel *
stored_programs (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GListModel *programs = presso_store_list_programs (f->store, FALSE, &error);

  g_assert_no_error (error);
  return programs;
}

static PressoProgram *
only_program (Fixture *f)
{
  g_autoptr(GListModel) programs = stored_programs (f);

  g_assert_cmpuint (g_list_model_get_n_items (programs), ==, 1);
  return g_list_model_get_item (programs, 0);
}

static void
set_spin (Fixture    *f,
          const char *id,
          double      value)
{
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, id)), value);
}

static gboolean
has_focus_in (Fixture    *f,
              const char *id)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (f->editor));

  return focus != NULL && (focus == find (f, id) || gtk_widget_is_ancestor (focus, find (f, id)));
}

static void
assert_data_equal (PressoProgram *a,
                   PressoProgram *b)
{
  g_autofree char *data_a = presso_program_to_data (a);
  g_autofree char *data_b = presso_program_to_data (b);

  g_assert_cmpstr (data_a, ==, data_b);
}

/* Writes "Calm legs" through the widgets: gradient mode, boots, a base pressure. */
static void
type_program (Fixture *f,
              guint    base)
{
  gtk_editable_set_text (GTK_EDITABLE (find (f, "name_row")), "Calm legs");
  adw_combo_row_set_selected (ADW_COMBO_ROW (find (f, "mode_row")), 3);   /* gradient */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "boots_check")), TRUE);
  set_spin (f, "chambers_spin", 6);
  set_spin (f, "gradient_spin", 5);
  set_spin (f, "hold_spin", 12.5);
  set_spin (f, "duration_spin", 30);
  set_spin (f, "base_spin", base);
}

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  AdwActionRow *base_row = ADW_ACTION_ROW (find (f, "base_row"));
  g_autoptr(PressoProgram) stored = NULL;
  g_autoptr(GListModel) none = NULL;
  GtkWidget *save = find (f, "save_button");
  PressoProgram *form;

  /* the icon-only buttons are named for screen readers */
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (find (f, "new_button")),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (find (f, "back_button")),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));

  /* a new program: the default duration, an empty name refused */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find (f, "duration_spin"))), ==, 25);
  g_assert_true (gtk_widget_get_visible (find (f, "name_problem")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (f, "name_problem"))), ==,
                   "The program needs a name");

  type_program (f, 130);
  screenshot (GTK_WIDGET (f->editor), "program-editor-refused.png");

  /* the reason is at the field, and the chamber's target is marked */
  g_assert_false (gtk_widget_get_visible (find (f, "name_problem")));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (base_row), "130 mmHg is above the maximum of 120 mmHg"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (base_row), "error"));
  g_assert_true (gtk_widget_get_visible (find (f, "chamber_problem")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (chamber (f, "target", 1))), ==, "130");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (chamber (f, "target", 3))), ==, "120");
  g_assert_true (gtk_widget_has_css_class (chamber (f, "target", 1), "error"));

  /* Save is refused, nothing is stored, the field at fault has the focus */
  click (save);
  presso_test_spin (50);
  none = stored_programs (f);
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);
  g_assert_true (has_focus_in (f, "base_spin"));
  g_assert_cmpuint (f->n_changed, ==, 0);

  /* 45 mmHg is within every limit: the field is clear again, and it saves */
  set_spin (f, "base_spin", 45);
  g_assert_cmpstr (adw_action_row_get_subtitle (base_row), ==, "Chamber 1, the most distal");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (base_row), "error"));
  g_assert_false (gtk_widget_get_visible (find (f, "chamber_problem")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (chamber (f, "target", 6))), ==, "20");
  click (save);
  presso_test_spin (50);
  g_assert_cmpuint (f->n_changed, ==, 1);

  stored = only_program (f);
  form = presso_program_editor_get_program (f->editor);
  g_assert_cmpstr (presso_program_get_name (stored), ==, "Calm legs");
  g_assert_cmpuint (presso_program_get_mode (stored), ==, PRESSO_PROTO_MODE_GRADIENT);
  g_assert_cmpuint (presso_program_get_garments (stored), ==, PRESSO_PROGRAM_GARMENTS_LEGS);
  g_assert_cmpuint (presso_program_get_n_chambers (stored), ==, 6);
  g_assert_cmpuint (presso_program_get_base_pressure (stored), ==, 45);
  g_assert_cmpuint (presso_program_get_gradient (stored), ==, 5);
  g_assert_cmpfloat (presso_program_get_step (stored, PRESSO_PROGRAM_STEP_HOLD), ==, 12.5);
  g_assert_cmpuint (presso_program_get_duration_min (stored), ==, 30);
  g_assert_cmpint (presso_program_get_version (stored), ==, 1);
  assert_data_equal (stored, form);
  g_assert_cmpint (presso_program_get_id (form), ==, presso_program_get_id (stored));
  g_assert_true (gtk_widget_get_visible (find (f, "archive_button")));
}

static void
test_skip_and_version (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PressoProgram) first = NULL;
  g_autoptr(PressoProgram) second = NULL;
  GtkWidget *use3;

  type_program (f, 45);
  g_assert_true (presso_program_editor_save (f->editor));
  first = only_program (f);
  g_assert_cmpuint (presso_program_get_skip_mask (first), ==, 0);

  /* skip chamber 3, boost chamber 5: pressed by the practitioner */
  use3 = chamber (f, "use", 3);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (use3), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Chamber 3: used");
  click (use3);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (use3)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (use3), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Chamber 3: skipped");
  g_assert_false (gtk_widget_get_sensitive (chamber (f, "boost", 3)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (chamber (f, "target", 3))), ==, "—");
  click (chamber (f, "boost", 5));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (chamber (f, "target", 5))), ==, "35");

  click (find (f, "save_button"));
  presso_test_spin (50);
  second = only_program (f);
  g_assert_cmpuint (presso_program_get_skip_mask (second), ==, 1u << 2);
  g_assert_cmpuint (presso_program_get_boost_mask (second), ==, 1u << 4);
  g_assert_cmpint (presso_program_get_id (second), ==, presso_program_get_id (first));
  g_assert_cmpint (presso_program_get_version (second), ==, 2);
  assert_data_equal (second, presso_program_editor_get_program (f->editor));

  /* no garment is refused at the garments */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "boots_check")), FALSE);
  g_assert_true (gtk_widget_get_visible (find (f, "garments_problem")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (f, "garments_problem"))), ==,
                   "Choose at least one garment");
  g_assert_false (gtk_widget_get_visible (find (f, "belt_pressure_row")));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "belt_check")), TRUE);
  g_assert_false (gtk_widget_get_visible (find (f, "garments_problem")));
  g_assert_true (gtk_widget_get_visible (find (f, "belt_pressure_row")));
  g_assert_false (gtk_widget_get_visible (find (f, "limb_group")));   /* the belt alone */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "belt_check")), FALSE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (f, "boots_check")), TRUE);
  g_assert_true (gtk_widget_get_visible (find (f, "limb_group")));

  /* pre-therapy without the belt is refused at its switch */
  gtk_switch_set_active (GTK_SWITCH (find (f, "pretherapy_switch")), TRUE);
  g_assert_true (gtk_widget_has_css_class (find (f, "pretherapy_row"), "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find (f, "pretherapy_row"))), ==,
                   "Pre-therapy clears the abdomen first: add the belt");
  gtk_switch_set_active (GTK_SWITCH (find (f, "pretherapy_switch")), FALSE);
  g_assert_false (gtk_widget_has_css_class (find (f, "pretherapy_row"), "error"));

  /* a pressure typed but not entered is checked on Save too */
  gtk_editable_set_text (GTK_EDITABLE (find (f, "base_spin")), "140");
  g_assert_false (presso_program_editor_save (f->editor));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find (f, "base_spin"))), ==, 140);
  g_assert_true (gtk_widget_has_css_class (find (f, "base_row"), "error"));
  set_spin (f, "base_spin", 45);

  /* every chamber skipped is refused at the grid */
  for (guint i = 1; i <= 6; i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (chamber (f, "use", i)), FALSE);
  g_assert_true (gtk_widget_get_visible (find (f, "chamber_problem")));
  g_assert_false (presso_program_editor_save (f->editor));
  {
    g_autoptr(PressoProgram) third = only_program (f);

    g_assert_cmpint (presso_program_get_version (third), ==, 2);
  }
}

static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PressoProgram) mine = NULL;
  g_autoptr(PressoProgram) theirs = NULL;
  g_autoptr(PressoProgram) after = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *revealer = find (f, "conflict_revealer");

  type_program (f, 45);
  g_assert_true (presso_program_editor_save (f->editor));
  mine = only_program (f);

  /* someone else saves the same program meanwhile */
  theirs = presso_store_get_program (f->store, presso_program_get_id (mine), &error);
  g_assert_no_error (error);
  presso_program_set_base_pressure (theirs, 50);
  g_assert_true (presso_store_update_program (f->store, theirs, &error));
  g_assert_no_error (error);

  gtk_editable_set_text (GTK_EDITABLE (find (f, "name_row")), "Calm legs, softer");
  set_spin (f, "base_spin", 40);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  click (find (f, "save_button"));
  presso_test_spin (50);

  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (find (f, "conflict_label"))),
                            "changed elsewhere"));
  /* the typing is kept, and the other version is not overwritten */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "name_row"))), ==, "Calm legs, softer");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find (f, "base_spin"))), ==, 40);
  after = only_program (f);
  g_assert_cmpuint (presso_program_get_base_pressure (after), ==, 50);
  g_assert_cmpstr (presso_program_get_name (after), ==, "Calm legs");
  g_assert_cmpint (presso_program_get_version (after), ==, 2);
}

static void
test_archive_undo (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GListModel) left = NULL;
  g_autoptr(PressoProgram) back = NULL;

  type_program (f, 45);
  g_assert_true (presso_program_editor_save (f->editor));
  click (find (f, "archive_button"));
  presso_test_spin (50);
  left = stored_programs (f);
  g_assert_cmpuint (g_list_model_get_n_items (left), ==, 0);
  g_assert_cmpuint (f->n_changed, ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.undo-archive", NULL));
  presso_test_spin (50);
  back = only_program (f);
  g_assert_cmpstr (presso_program_get_name (back), ==, "Calm legs");
  g_assert_false (presso_program_get_archived (back));
  g_assert_cmpuint (f->n_changed, ==, 3);
}

static void
test_preset_duplicate (Fixture       *f,
                       gconstpointer  data)
{
  GtkListBox *list = GTK_LIST_BOX (find (f, "program_list"));
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, 1);
  g_autoptr(PressoProgram) preset = presso_program_new_from_preset (presso_program_list_presets ()[0], 6, NULL);
  g_autoptr(PressoProgram) stored = NULL;
  g_autofree char *name = NULL;

  /* no program of the practice yet: the list says so, then the built-in programs follow */
  g_assert_false (gtk_list_box_row_get_selectable (gtk_list_box_get_row_at_index (list, 0)));
  g_assert_nonnull (row);
  g_assert_true (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "presso-preset")));
  gtk_list_box_select_row (list, row);
  presso_test_spin (50);
  g_assert_false (gtk_widget_get_visible (find (f, "save_button")));
  g_assert_true (gtk_widget_get_visible (find (f, "readonly_label")));
  g_assert_false (presso_program_editor_save (f->editor));
  screenshot (GTK_WIDGET (f->editor), "program-editor-preset.png");

  click (find (f, "duplicate_button"));
  presso_test_spin (50);
  g_assert_true (gtk_widget_get_visible (find (f, "save_button")));
  name = g_strdup_printf ("%s (copy)", presso_program_get_name (preset));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, "name_row"))), ==, name);
  click (find (f, "save_button"));
  presso_test_spin (50);
  stored = only_program (f);
  g_assert_cmpstr (presso_program_get_name (stored), ==, name);
  g_assert_cmpuint (presso_program_get_base_pressure (stored), ==, presso_program_get_base_pressure (preset));

  /* a second program of a name already listed (whatever its case) is refused at the name */
  presso_program_editor_new_program (f->editor);
  gtk_editable_set_text (GTK_EDITABLE (find (f, "name_row")), presso_program_get_name (preset));
  g_assert_true (gtk_widget_get_visible (find (f, "name_problem")));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (find (f, "name_problem"))), "already called"));
  {
    g_autofree char *upper = g_utf8_strup (name, -1);

    gtk_editable_set_text (GTK_EDITABLE (find (f, "name_row")), upper);
  }
  g_assert_false (presso_program_editor_save (f->editor));
  gtk_editable_set_text (GTK_EDITABLE (find (f, "name_row")), "Another name");
  g_assert_false (gtk_widget_get_visible (find (f, "name_problem")));
  g_assert_cmpuint (presso_program_get_mode (stored), ==, presso_program_get_mode (preset));
}

/* As a click on the dialog's button: the answer, then the dialog goes away. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_unsaved (Fixture       *f,
              gconstpointer  data)
{
  GtkListBox *list = GTK_LIST_BOX (find (f, "program_list"));
  GtkListBoxRow *mine;
  GtkListBoxRow *preset;
  AdwMessageDialog *dialog;

  type_program (f, 45);
  g_assert_true (presso_program_editor_save (f->editor));
  mine = gtk_list_box_get_selected_row (list);
  g_assert_nonnull (mine);
  preset = gtk_list_box_get_row_at_index (list, 1);

  /* a change not saved: opening another program asks first, and keeps the typing */
  set_spin (f, "base_spin", 50);
  gtk_list_box_select_row (list, preset);
  presso_test_spin (50);
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_list_box_get_selected_row (list) == mine);
  respond (dialog, "keep");
  presso_test_spin (50);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find (f, "base_spin"))), ==, 50);

  /* closing asks too */
  gtk_window_close (GTK_WINDOW (f->editor));
  presso_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->editor)));
  dialog = presso_test_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "keep");
  presso_test_spin (50);

  /* discarding opens the other program */
  gtk_list_box_select_row (list, preset);
  presso_test_spin (50);
  respond (presso_test_message_dialog (), "discard");
  presso_test_spin (50);
  g_assert_true (gtk_list_box_get_selected_row (list) == preset);
  g_assert_true (gtk_widget_get_visible (find (f, "readonly_label")));
  g_assert_null (presso_test_message_dialog ());
  {
    g_autoptr(PressoProgram) stored = only_program (f);

    g_assert_cmpuint (presso_program_get_base_pressure (stored), ==, 45);
  }
}

static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  type_program (f, 45);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (chamber (f, "use", 4)), FALSE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (chamber (f, "boost", 2)), TRUE);
  g_assert_true (presso_program_editor_save (f->editor));
  screenshot (GTK_WIDGET (f->editor), "program-editor-light.png");
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (find (f, "form"), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    screenshot (GTK_WIDGET (f->editor), "program-editor-bottom.png");
    gtk_adjustment_set_value (adjustment, 0);
  }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WIDGET (f->editor), "program-editor-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_set_default_size (GTK_WINDOW (f->editor), 360, 900);
  presso_test_spin (300);
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (find (f, "leaflet"))));
  {
    g_autoptr(PressoProgram) stored = only_program (f);

    /* folded, opening a program shows its form, with a way back to the list */
    presso_program_editor_open (f->editor, stored);
    g_assert_true (adw_leaflet_get_visible_child (ADW_LEAFLET (find (f, "leaflet"))) == find (f, "content"));
    g_assert_true (gtk_widget_get_visible (find (f, "back_button")));
  }
  screenshot (GTK_WIDGET (f->editor), "program-editor-narrow.png");
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's in-process accessibility backend, for the chambers' accessible labels. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* no animation: the screenshots show the folded window's form, not half a slide to it */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE,
                "gtk-enable-animations", FALSE, NULL);

  presso_test_load_style ();

  g_test_add ("/presso/ui/program-editor/create", Fixture, NULL,
              fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/presso/ui/program-editor/skip-and-version", Fixture, NULL,
              fixture_set_up, test_skip_and_version, fixture_tear_down);
  g_test_add ("/presso/ui/program-editor/conflict", Fixture, NULL,
              fixture_set_up, test_conflict, fixture_tear_down);
  g_test_add ("/presso/ui/program-editor/archive-undo", Fixture, NULL,
              fixture_set_up, test_archive_undo, fixture_tear_down);
  g_test_add ("/presso/ui/program-editor/preset-duplicate", Fixture, NULL,
              fixture_set_up, test_preset_duplicate, fixture_tear_down);
  g_test_add ("/presso/ui/program-editor/unsaved", Fixture, NULL,
              fixture_set_up, test_unsaved, fixture_tear_down);
  g_test_add ("/presso/ui/program-editor/screenshots", Fixture, NULL,
              fixture_set_up, test_screenshots, fixture_tear_down);

  return g_test_run ();
}
