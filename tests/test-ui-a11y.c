/* test-ui-a11y.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An accessibility sweep over the real PressoWindow on a demo clinic (a real SQLite file in a
 * temporary folder), signed in as a practitioner: the staff list; the Clients area with records
 * in each screening state, the editor open and showing bad input, a search finding nobody; the
 * screening form (every answer yes, a decision needed) and its decision dialog; the Treatment
 * area on the simulated device (ready, running, finished, vented with its alarm, refused) and
 * its confirmation dialogs; History without a client, with sessions listed and one open; the
 * program editor, Preferences, Keyboard Shortcuts and About.  On every widget tree shown:
 *
 *   1. a button showing only an icon has a name for screen readers (GTK 4.8 would call it
 *      "button" after its type, and never reads the tooltip);
 *   2. an input (entry, spin button, drop-down, switch, check box without text, text view) has
 *      a name, its own or from the AdwActionRow/AdwEntryRow/AdwComboRow that holds it;
 *   3. the drawn widgets (pressure graph, garment view, history chart) have a role and a
 *      description a screen reader can read out;
 *   4. an image that means something (a status icon) has a name, or is marked decorative
 *      (presentation role, or hidden) beside a text that says the same.
 *
 * Every failure is listed with the widget's type, id and ancestors, then the test fails; what
 * GTK and libadwaita leave unnamed inside their own widgets is listed, not failed.  GTK's
 * in-process "test" accessibility backend records the properties and relations set.  With
 * --verbose, the name of every control checked is printed too.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-clients-page.h"
#include "presso-demo.h"
#include "presso-history-page.h"
#include "presso-preferences-window.h"
#include "presso-program-editor.h"
#include "presso-screening-page.h"
#include "presso-screening-status-group.h"
#include "presso-store-screening.h"
#include "presso-store-session.h"
#include "presso-test-gui.h"
#include "presso-treatment-page.h"
#include "presso-ui-util.h"
#include "presso-window.h"

/* What GTK 4.8 and libadwaita 1.2 leave unnamed inside their own widgets, where Presso has no
 * hold: reported, not failed.  Each entry names the toolkit widget it is inside. */
static const struct
{
  const char *inside;   /* a type among the widget's ancestors */
  const char *rule;
  const char *widget;
} TOOLKIT_A11Y_GAPS[] = {
  /* A toast's dismiss button (libadwaita 1.2 gives it a tooltip only). */
  { "AdwToastWidget", "button", "GtkButton#close_button" },
  /* The Keyboard Shortcuts window's search button (GTK 4.8). */
  { "GtkShortcutsWindow", "button", "GtkToggleButton in GtkShortcutsWindow#shortcuts_window" },
  /* The About window's application icon and its rows' arrows (libadwaita 1.2). */
  { "AdwAboutWindow", "image", "GtkImage#app_icon_image" },
  { "AdwAboutWindow", "image", "GtkImage in GtkBox#suffixes" },
};

/* ------------------------------------------------------------------ the checks */

typedef struct
{
  const char *area;
  GPtrArray  *failures;     /* (element-type utf8) */
  GHashTable *button_names; /* icon-only buttons' names seen in this tree */
  guint       n_widgets;
  guint       n_buttons;
  guint       n_inputs;
  guint       n_drawings;
  guint       n_images;
} Sweep;

/* The id given in a .ui file; GtkBuilder's own names for objects without one are left out. */
static const char *
buildable_id (GtkWidget *widget)
{
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));

  /* A template's root is exposed under its type name. */
  if (id == NULL || g_str_has_prefix (id, "___") || g_str_equal (id, G_OBJECT_TYPE_NAME (widget)))
    return NULL;
  return id;
}

/* "PressoTreatmentPage#id", "GtkButton(name)" or the bare type name. */
static char *
describe (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);
  const char *id = buildable_id (widget);
  const char *name = gtk_widget_get_name (widget);

  if (id != NULL)
    return g_strdup_printf ("%s#%s", type, id);
  if (name != NULL && !g_str_equal (name, type))
    return g_strdup_printf ("%s(%s)", type, name);
  return g_strdup (type);
}

/* What names a widget in a report and in TOOLKIT_A11Y_GAPS: itself if it has an id or a name, else
 * the nearest ancestor that has one. */
static char *
failure_key (GtkWidget *widget)
{
  if (buildable_id (widget) == NULL && g_str_equal (gtk_widget_get_name (widget), G_OBJECT_TYPE_NAME (widget)))
    for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
      if (buildable_id (up) != NULL || !g_str_equal (gtk_widget_get_name (up), G_OBJECT_TYPE_NAME (up)))
        {
          g_autofree char *self = describe (widget);
          g_autofree char *anchor = describe (up);

          return g_strdup_printf ("%s in %s", self, anchor);
        }
  return describe (widget);
}

/* The ancestors that help find the widget: those with an id or a name, and Presso's and
 * libadwaita's own types; plain unnamed boxes are left out. */
static char *
ancestors (GtkWidget *widget)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
    {
      const char *type = G_OBJECT_TYPE_NAME (up);

      if (buildable_id (up) != NULL || !g_str_equal (gtk_widget_get_name (up), type)
          || g_str_has_prefix (type, "Presso") || g_str_has_prefix (type, "Adw")
          || gtk_widget_get_parent (up) == NULL)
        {
          g_autofree char *one = describe (up);

          g_string_prepend (path, path->len > 0 ? " > " : "");
          g_string_prepend (path, one);
        }
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static gboolean
has_ancestor_named (GtkWidget  *widget,
                    const char *type_name)
{
  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
    if (g_str_equal (G_OBJECT_TYPE_NAME (up), type_name))
      return TRUE;
  return FALSE;
}

static void
fail (Sweep      *sweep,
      GtkWidget  *widget,
      const char *rule,
      const char *problem)
{
  g_autofree char *key = failure_key (widget);
  g_autofree char *path = ancestors (widget);

  for (guint i = 0; i < G_N_ELEMENTS (TOOLKIT_A11Y_GAPS); i++)
    if (g_str_equal (TOOLKIT_A11Y_GAPS[i].rule, rule) && g_str_equal (TOOLKIT_A11Y_GAPS[i].widget, key)
        && has_ancestor_named (widget, TOOLKIT_A11Y_GAPS[i].inside))
      {
        g_test_message ("[%s] inside %s, not Presso's to fix: %s %s - %s", sweep->area,
                        TOOLKIT_A11Y_GAPS[i].inside, rule, key, problem);
        return;
      }
  g_ptr_array_add (sweep->failures,
                   g_strdup_printf ("[%s] %s: %s - %s\n      at %s", sweep->area, rule, key,
                                    problem, path));
}

/* A property set to a non-empty text.  GTK 4.8 has no getter: the test backend's comparison
 * with "" answers NULL only when the value is "". */
static gboolean
has_text_property (GtkWidget             *widget,
                   GtkAccessibleProperty  property)
{
  g_autofree char *actual = NULL;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return FALSE;
  actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "");
  return actual != NULL;
}

/* The value of a text property, as the test backend prints it ("" when unset). */
static char *
text_property (GtkWidget             *widget,
               GtkAccessibleProperty  property)
{
  char *actual;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return g_strdup ("");
  actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "");
  return actual != NULL ? actual : g_strdup ("");
}

/* With --verbose, what each control checked is called. */
static void
list_checked (Sweep      *sweep,
              GtkWidget  *widget,
              const char *rule)
{
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;

  if (!g_test_verbose ())
    return;
  key = failure_key (widget);
  label = text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);
  g_test_message ("[%s] %s %s: label “%s”%s", sweep->area, rule, key, label,
                  gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                                    GTK_ACCESSIBLE_RELATION_LABELLED_BY)
                  ? ", labelled-by" : "");
}

static gboolean
is_named (GtkWidget *widget)
{
  return has_text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL)
         || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                              GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static gboolean
labelled_by_own_child (GtkWidget *widget)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);
  g_autofree char *differs = NULL;

  if (child == NULL || gtk_widget_get_next_sibling (child) != NULL)
    return FALSE;
  differs = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                GTK_ACCESSIBLE_RELATION_LABELLED_BY, child, NULL);
  return differs == NULL;
}

/* Not offered to assistive technologies: no role, presentation only, or hidden. */
static gboolean
hidden_from_at (GtkWidget *widget)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  if (role == GTK_ACCESSIBLE_ROLE_NONE || role == GTK_ACCESSIBLE_ROLE_PRESENTATION)
    return TRUE;
  if (gtk_test_accessible_has_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN))
    {
      g_autofree char *differs = gtk_test_accessible_check_state (GTK_ACCESSIBLE (widget),
                                                                  GTK_ACCESSIBLE_STATE_HIDDEN,
                                                                  TRUE);
      return differs == NULL;
    }
  return FALSE;
}

/* Some visible text inside @widget, which then names it (a button's label, a check box's). */
static gboolean
shows_text (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child))
      return TRUE;
  return FALSE;
}

static GtkWidget *
ancestor_of_type (GtkWidget *widget,
                  GType      type)
{
  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
    if (g_type_is_a (G_OBJECT_TYPE (up), type))
      return up;
  return NULL;
}

static gboolean
row_has_title (GtkWidget *row)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  return title != NULL && title[0] != '\0';
}

/* Rule 1: a button with no text in it, only an icon (or nothing), needs a name. */
static void
check_button (Sweep     *sweep,
              GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (!GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget))
    return;
  /* The toggle inside a GtkMenuButton or a GtkDropDown is the outer widget's: that one is
   * checked, and is what the application can name. */
  if (GTK_IS_MENU_BUTTON (parent) || GTK_IS_DROP_DOWN (parent))
    return;
  if (hidden_from_at (widget) || shows_text (widget))
    return;
  sweep->n_buttons++;
  list_checked (sweep, widget, "button");
  /* GTK 4.8 makes a button labelled by its own child, here the icon, which has no name. */
  if (!has_text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL)
      && (!is_named (widget) || labelled_by_own_child (widget)))
    {
      const char *icon = GTK_IS_BUTTON (widget) ? gtk_button_get_icon_name (GTK_BUTTON (widget))
                                                : gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget));
      g_autofree char *problem = g_strdup_printf ("icon-only button (%s) without an accessible label",
                                                  icon != NULL ? icon : "no icon name");

      fail (sweep, widget, "button", problem);
    }
  else if (has_text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      /* A list of buttons all called "Pick the Date" tells a screen reader user nothing. */
      g_autofree char *label = text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

      if (g_hash_table_contains (sweep->button_names, label))
        {
          g_autofree char *problem = g_strdup_printf ("icon-only button named “%s”, like another "
                                                      "one in the same window", label);

          fail (sweep, widget, "button", problem);
        }
      else
        g_hash_table_add (sweep->button_names, g_steal_pointer (&label));
    }
}

static gboolean
is_input (GtkWidget *widget)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    return !shows_text (widget);
  return GTK_IS_ENTRY (widget) || GTK_IS_TEXT (widget) || GTK_IS_SPIN_BUTTON (widget)
         || GTK_IS_DROP_DOWN (widget) || GTK_IS_SWITCH (widget) || GTK_IS_TEXT_VIEW (widget)
         || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget)
         || GTK_IS_SCALE (widget) || ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget);
}

/* Rule 2.  libadwaita 1.2 names its own inputs: AdwEntryRow and AdwComboRow are labelled by
 * their title, and AdwActionRow makes its title label its activatable widget's (labelled-by)
 * and its subtitle the description; a suffix that is not the activatable widget gets nothing.
 * A labelled-by relation to an empty title names nothing, so the title is checked too. */
static void
check_input (Sweep     *sweep,
             GtkWidget *widget)
{
  GtkWidget *row;

  if (!is_input (widget) || hidden_from_at (widget))
    return;
  sweep->n_inputs++;
  list_checked (sweep, widget, "input");
  if (ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget))
    {
      if (!row_has_title (widget) && !has_text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL))
        fail (sweep, widget, "input", "row without a title, so without a name");
      return;
    }
  if (!is_named (widget))
    {
      g_autofree char *problem = NULL;

      row = ancestor_of_type (widget, ADW_TYPE_ACTION_ROW);
      if (row != NULL)
        problem = g_strdup_printf ("input in the row “%s” but not its activatable widget, and "
                                   "without an accessible label",
                                   adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      else
        problem = g_strdup ("input without an accessible label or labelled-by relation");
      fail (sweep, widget, "input", problem);
      return;
    }
  row = ancestor_of_type (widget, ADW_TYPE_ACTION_ROW);
  if (row != NULL && adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)) == widget
      && !has_text_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL) && !row_has_title (row))
    fail (sweep, widget, "input", "labelled by the title of its row, which is empty");
}

/* Rule 3: the widgets Presso draws itself. */
static void
check_drawing (Sweep     *sweep,
               GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);
  GtkAccessibleRole role;
  g_autofree char *description = NULL;

  if (!g_str_equal (type, "PressoPressureGraph") && !g_str_equal (type, "PressoGarmentView")
      && !g_str_equal (type, "PressoHistoryChart"))
    return;
  sweep->n_drawings++;
  role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));
  if (role == GTK_ACCESSIBLE_ROLE_WIDGET || role == GTK_ACCESSIBLE_ROLE_GENERIC
      || role == GTK_ACCESSIBLE_ROLE_NONE || role == GTK_ACCESSIBLE_ROLE_PRESENTATION)
    fail (sweep, widget, "drawing", "drawn widget without a role (an image, a meter...)");
  description = text_property (widget, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  if (description[0] == '\0')
    fail (sweep, widget, "drawing", "drawn widget without an accessible description of what it shows");
  else
    g_test_message ("[%s] %s reads: %s", sweep->area, type, description);
}

/* Images that belong to GTK's and libadwaita's own widgets, which Presso cannot name: an
 * action row's icon (the row is named by its title), a status page's icon (beside its title),
 * an expander row's arrow, a combo row's arrow and check mark, a switch's on/off glyphs. */
static gboolean
is_toolkit_decoration (GtkWidget *image)
{
  GtkWidget *parent = gtk_widget_get_parent (image);
  GtkWidget *status_page = ancestor_of_type (image, ADW_TYPE_STATUS_PAGE);

  if (parent != NULL && ADW_IS_ACTION_ROW (gtk_widget_get_parent (parent))
      && gtk_widget_has_css_class (parent, "header"))
    return row_has_title (gtk_widget_get_parent (parent));
  if (status_page != NULL && gtk_widget_has_css_class (image, "icon"))
    return adw_status_page_get_title (ADW_STATUS_PAGE (status_page)) != NULL;
  return gtk_widget_has_css_class (image, "expander-row-arrow")
         || ancestor_of_type (image, ADW_TYPE_COMBO_ROW) != NULL
         || ancestor_of_type (image, GTK_TYPE_SWITCH) != NULL;
}

/* Where the words beside an image are: its list row (a row's title), else its parent. */
static GtkWidget *
image_context (GtkWidget *image)
{
  GtkWidget *row = ancestor_of_type (image, GTK_TYPE_LIST_BOX_ROW);

  return row != NULL ? row : gtk_widget_get_parent (image);
}

/* Rule 4: a visible image names what it shows, or is decoration next to words that do. */
static void
check_image (Sweep     *sweep,
             GtkWidget *widget)
{
  GtkWidget *context;

  if (!GTK_IS_IMAGE (widget) || gtk_image_get_storage_type (GTK_IMAGE (widget)) == GTK_IMAGE_EMPTY)
    return;
  /* Inside a button (rule 1 names the button) or an entry (its search or clear icon). */
  if (ancestor_of_type (widget, GTK_TYPE_BUTTON) != NULL
      || ancestor_of_type (widget, GTK_TYPE_MENU_BUTTON) != NULL
      || ancestor_of_type (widget, GTK_TYPE_DROP_DOWN) != NULL
      || ancestor_of_type (widget, GTK_TYPE_EDITABLE) != NULL
      || is_toolkit_decoration (widget))
    return;
  sweep->n_images++;
  list_checked (sweep, widget, "image");
  context = image_context (widget);
  if (hidden_from_at (widget))
    {
      /* Decoration: the words that say the same must be right there. */
      if (context == NULL || !shows_text (context))
        fail (sweep, widget, "image", "decorative image with no text beside it");
      return;
    }
  if (!is_named (widget))
    fail (sweep, widget, "image",
          "image without an accessible label, and not marked decorative (accessible-role "
          "presentation)");
}

static void
sweep_tree (Sweep     *sweep,
            GtkWidget *widget)
{
  /* Hidden widgets, and what they hold, are not offered to assistive technologies; nor are the
   * pages of a stack that are not shown. */
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  sweep->n_widgets++;
  check_button (sweep, widget);
  check_input (sweep, widget);
  check_drawing (sweep, widget);
  check_image (sweep, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sweep_tree (sweep, child);
}

static Sweep *
sweep_new (const char *area)
{
  Sweep *sweep = g_new0 (Sweep, 1);

  sweep->area = area;
  sweep->failures = g_ptr_array_new_with_free_func (g_free);
  sweep->button_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return sweep;
}

/* Sweeps @root as @area shows it, adding to @all. */
static void
sweep (GPtrArray  *all,
       const char *area,
       GtkWidget  *root)
{
  Sweep *one = sweep_new (area);

  g_assert_nonnull (root);
  g_assert_true (gtk_widget_get_visible (root));
  sweep_tree (one, root);
  g_test_message ("[%s] %u widgets shown: %u icon-only buttons, %u inputs, %u drawings, "
                  "%u images checked, %u failures", area, one->n_widgets, one->n_buttons, one->n_inputs, one->n_drawings, one->n_images,
                  one->failures->len);
  g_ptr_array_add (all, one);
}

/* Prints every failure of every sweep, then fails if there was one. */
static void
assert_no_failures (GPtrArray *sweeps)
{
  guint n = 0;

  for (guint i = 0; i < sweeps->len; i++)
    {
      Sweep *one = g_ptr_array_index (sweeps, i);

      for (guint j = 0; j < one->failures->len; j++, n++)
        g_test_message ("%s", (const char *) g_ptr_array_index (one->failures, j));
    }
  if (n > 0)
    g_test_fail_printf ("%u accessibility failures (listed above)", n);
}

static Sweep *
sweep_get (GPtrArray  *sweeps,
           const char *area)
{
  for (guint i = 0; i < sweeps->len; i++)
    {
      Sweep *one = g_ptr_array_index (sweeps, i);

      if (g_str_equal (one->area, area))
        return one;
    }
  g_error ("no sweep of %s", area);
}

static void
sweep_free (Sweep *sweep)
{
  g_ptr_array_unref (sweep->failures);
  g_hash_table_unref (sweep->button_names);
  g_free (sweep);
}

/* ------------------------------------------------------------------ the window */

typedef struct
{
  char                 *dir;
  char                 *path;
  PressoStore          *store;
  PressoScreeningRules *rules;
  PressoStaff          *practitioner;
  PressoClient         *client;        /* screened today, nothing to report */
  PressoWindow         *window;
  GPtrArray            *sweeps;
} Fixture;

static PressoApplication *application;

static GtkWidget *
find (Fixture    *f,
      const char *id)
{
  return presso_test_find (GTK_WIDGET (f->window), id);
}

static GtkWindow *
wait_for_toplevel (GType type)
{
  GtkWindow *window = NULL;

  for (int i = 0; i < 300 && (window = presso_test_find_toplevel (type)) == NULL; i++)
    presso_test_spin (10);
  if (window == NULL)
    g_error ("no %s was opened", g_type_name (type));
  for (int i = 0; i < 300 && !gtk_widget_get_mapped (GTK_WIDGET (window)); i++)
    presso_test_spin (10);
  presso_test_spin (50);
  return window;
}

static gboolean
is_mapped (Fixture *f)
{
  return gtk_widget_get_mapped (GTK_WIDGET (f->window));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) staff = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(GError) error = NULL;

  f->store = presso_test_clinic_new ("presso-ui-a11y-XXXXXX", &f->dir, &f->path);
  /* The demo clinic, a little smaller: its staff, rooms, devices, clients and screenings. */
  g_assert_true (presso_demo_fill (f->store, 24, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);
  f->rules = presso_screening_rules_load_default (&error);
  g_assert_no_error (error);

  staff = presso_store_list_staff (f->store);
  for (guint i = 0; i < g_list_model_get_n_items (staff) && f->practitioner == NULL; i++)
    {
      g_autoptr(PressoStaff) one = g_list_model_get_item (staff, i);

      if (presso_staff_get_role (one) == PRESSO_ROLE_PRACTITIONER)
        f->practitioner = g_steal_pointer (&one);
    }
  g_assert_nonnull (f->practitioner);

  /* A client screened today with nothing to report, whom the gate lets through. */
  presso_store_set_actor (f->store, f->practitioner);
  f->client = presso_client_new ();
  presso_client_set_first_name (f->client, "Anne");
  presso_client_set_last_name (f->client, "Zéphyrin");
  presso_client_set_birth_date (f->client, "1979-05-14");
  presso_client_set_phone (f->client, "06 11 22 33 44");
  g_assert_true (presso_store_insert_client (f->store, f->client, &error));
  g_assert_no_error (error);
  screening = presso_screening_new (presso_client_get_id (f->client));
  presso_test_answer_all_no (screening, f->rules);
  g_assert_true (presso_store_insert_screening (f->store, screening, &error));
  g_assert_no_error (error);
  presso_store_set_actor (f->store, NULL);

  f->window = PRESSO_WINDOW (presso_window_new (application, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) is_mapped, 5000));

  f->sweeps = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *other;

  /* Every other window this test opened, then the main one. */
  do
    {
      other = NULL;
      for (guint i = 0; i < g_list_model_get_n_items (toplevels) && other == NULL; i++)
        {
          g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

          if (window != GTK_WINDOW (f->window))
            other = window;
        }
      if (other != NULL)
        gtk_window_destroy (other);
    }
  while (other != NULL);
  gtk_window_destroy (GTK_WINDOW (f->window));
  presso_test_spin (100);

  g_clear_pointer (&f->sweeps, g_ptr_array_unref);
  g_clear_object (&f->client);
  g_clear_object (&f->practitioner);
  g_clear_object (&f->rules);
  g_clear_object (&f->store);
  presso_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* A client of the demo clinic, by name. */
static PressoClient *
demo_client (Fixture    *f,
             const char *first_name,
             const char *last_name)
{
  for (gint64 id = 1; id < 60; id++)
    {
      g_autoptr(PressoClient) client = presso_store_get_client (f->store, id, NULL);

      if (client != NULL && g_str_equal (presso_client_get_first_name (client), first_name)
          && g_str_equal (presso_client_get_last_name (client), last_name)
          && !presso_client_get_archived (client))
        return g_steal_pointer (&client);
    }
  g_error ("no demo client %s %s", first_name, last_name);
}

static void
sign_in (Fixture *f)
{
  presso_window_sign_in (f->window, f->practitioner);
  /* Until the staff list's transition is over. */
  presso_test_spin (500);
  g_assert_true (presso_window_get_staff (f->window) == f->practitioner);
}

static PressoClientsPage *
clients_page (Fixture *f)
{
  return PRESSO_CLIENTS_PAGE (presso_window_get_page (f->window, "clients"));
}

static PressoTreatmentPage *
treatment_page (Fixture *f)
{
  return PRESSO_TREATMENT_PAGE (presso_window_get_page (f->window, "treatment"));
}

/* ------------------------------------------------------------------ the areas */

/* The staff list at start, the Clients area with a record shown, then its editor. */
static void
test_a11y_clients (Fixture       *f,
                   gconstpointer  data)
{
  PressoClientsPage *page;

  sweep (f->sweeps, "staff list", GTK_WIDGET (f->window));

  sign_in (f);
  page = clients_page (f);
  presso_window_show_page (f->window, "clients");
  presso_clients_page_show_client (page, f->client);
  presso_test_spin (100);
  g_assert_true (presso_clients_page_get_current (page) != NULL);
  sweep (f->sweeps, "client record", GTK_WIDGET (f->window));
  /* The main menu, new client, the record's Edit and New Screening at least. */
  g_assert_cmpuint (sweep_get (f->sweeps, "client record")->n_buttons, >=, 2);

  /* The demo clinic's screening cases, as each record shows them. */
  {
    const char *cases[][2] = {
      { "Anh", "Nguyễn" },          /* waits for a practitioner's decision */
      { "Siobhan", "O'Brien" },     /* contraindicated everywhere */
      { "Bjørn", "Ødegaard" },      /* expired */
      { "Élodie", "Lefèvre" },      /* never screened */
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(PressoClient) client = demo_client (f, cases[i][0], cases[i][1]);
        g_autofree char *area = g_strdup_printf ("client record, %s %s", cases[i][0], cases[i][1]);

        presso_clients_page_show_client (page, client);
        presso_test_spin (50);
        sweep (f->sweeps, g_intern_string (area), GTK_WIDGET (f->window));
      }
    /* Anh's record offers to record the decision. */
    g_assert_cmpuint (sweep_get (f->sweeps, "client record, Anh Nguyễn")->n_images, >=, 4);
    presso_clients_page_show_client (page, f->client);
    presso_test_spin (50);
  }

  g_signal_emit_by_name (find (f, "edit_button"), "clicked");
  presso_test_spin (100);
  g_assert_true (presso_clients_page_is_editing (page));
  sweep (f->sweeps, "client editor", GTK_WIDGET (f->window));
  /* The editor's rows, the sex drop-down, the consent switch and the notes. */
  g_assert_cmpuint (sweep_get (f->sweeps, "client editor")->n_inputs, >=, 8);

  /* Bad input, shown on the fields. */
  gtk_editable_set_text (GTK_EDITABLE (presso_find_child_by_id (GTK_WIDGET (presso_clients_page_get_editor (page)), "email_row")),
                         "anne@");
  gtk_editable_set_text (GTK_EDITABLE (presso_find_child_by_id (GTK_WIDGET (presso_clients_page_get_editor (page)), "birth_date_row")),
                         "31/02/1979");
  g_signal_emit_by_name (find (f, "save_button"), "clicked");
  presso_test_spin (100);
  g_assert_true (presso_clients_page_is_editing (page));
  sweep (f->sweeps, "client editor, bad input", GTK_WIDGET (f->window));

  /* A search that finds nobody. */
  gtk_widget_activate_action (GTK_WIDGET (presso_clients_page_get_editor (page)), "editor.cancel", NULL);
  presso_test_spin (50);
  if (presso_clients_page_is_editing (page))
    {
      /* Typing to lose: the editor asks first. */
      GtkWindow *dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);

      sweep (f->sweeps, "discard changes dialog", GTK_WIDGET (dialog));
      gtk_window_destroy (dialog);
    }
  gtk_editable_set_text (GTK_EDITABLE (find (f, "search_entry")), "zzzzqq");
  presso_test_spin (600);
  sweep (f->sweeps, "clients, no results", GTK_WIDGET (f->window));

  assert_no_failures (f->sweeps);
}

static gboolean
named_in (GtkWidget  *root,
          const char *name,
          GtkWidget **found)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    {
      *found = root;
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (named_in (child, name, found))
      return TRUE;
  return FALSE;
}

static void
press_named (GtkWidget  *root,
             const char *name)
{
  GtkWidget *button = NULL;

  if (!named_in (root, name, &button))
    g_error ("no widget named %s", name);
  g_signal_emit_by_name (button, "clicked");
  presso_test_spin (20);
}

/* The screening form as the practitioner opens it from the record, with a relative
 * contraindication that asks for a decision, and the decision dialog. */
static void
test_a11y_screening (Fixture       *f,
                     gconstpointer  data)
{
  PressoClientView *view;
  GtkWidget *status;
  GtkWindow *form;
  PressoScreeningPage *page;
  GtkWindow *dialog;

  sign_in (f);
  presso_clients_page_show_client (clients_page (f), f->client);
  presso_test_spin (100);
  view = presso_clients_page_get_view (clients_page (f));
  status = presso_find_child_by_id (GTK_WIDGET (view), "screening_status");
  g_assert_nonnull (status);
  form = presso_screening_status_group_new_screening (PRESSO_SCREENING_STATUS_GROUP (status));
  g_assert_nonnull (form);
  gtk_window_set_default_size (form, 1100, 900);
  for (int i = 0; i < 300 && !gtk_widget_get_mapped (GTK_WIDGET (form)); i++)
    presso_test_spin (10);
  presso_test_spin (100);
  page = PRESSO_SCREENING_PAGE (adw_window_get_content (ADW_WINDOW (form)));
  sweep (f->sweeps, "screening form", GTK_WIDGET (form));
  /* The questions and their answers, the date entries, the zone icons. */
  g_assert_cmpuint (sweep_get (f->sweeps, "screening form")->n_widgets, >=, 100);
  g_assert_cmpuint (sweep_get (f->sweeps, "screening form")->n_images, >=, 3);

  /* Every question answered yes (or every zone): the follow-up questions, dates and numbers
   * appear, and every zone is contraindicated. */
  /* Three rounds: a yes can bring up a follow-up question. */
  for (guint i = 0; i < 3 * presso_screening_rules_get_n_items (f->rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (f->rules, i % presso_screening_rules_get_n_items (f->rules));
      PressoScreeningKind kind = presso_screening_item_get_kind (item);
      g_autofree char *name = NULL;
      GtkWidget *button = NULL;

      if (kind == PRESSO_SCREENING_KIND_YES_NO)
        name = g_strdup_printf ("%s-yes", presso_screening_item_get_id (item));
      else if (kind == PRESSO_SCREENING_KIND_ZONES)
        name = g_strdup_printf ("%s-legs", presso_screening_item_get_id (item));
      if (name != NULL && named_in (GTK_WIDGET (form), name, &button)
          && gtk_widget_is_visible (button)
          && !gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
        press_named (GTK_WIDGET (form), name);
    }
  presso_test_spin (100);
  sweep (f->sweeps, "screening form, every answer yes", GTK_WIDGET (form));
  g_assert_cmpuint (sweep_get (f->sweeps, "screening form, every answer yes")->n_inputs, >,
                    sweep_get (f->sweeps, "screening form")->n_inputs);
  /* A field read out alone says which question it answers, and in what unit; a calendar
   * button, which date it picks. */
  {
    GtkWidget *systolic = NULL, *calendar = NULL;

    g_assert_true (named_in (GTK_WIDGET (form), "blood-pressure-entry-0", &systolic));
    gtk_test_accessible_assert_property (systolic, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "Blood pressure measured today: Systolic, in mmHg");
    g_assert_true (named_in (GTK_WIDGET (form), "antibiotics-started-calendar", &calendar));
    gtk_test_accessible_assert_property (calendar, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "Pick the date: If so, when did the antibiotic treatment start?");
  }
  for (guint i = 0; i < presso_screening_rules_get_n_items (f->rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (f->rules, i);
      g_autofree char *name = g_strdup_printf ("%s-no", presso_screening_item_get_id (item));
      g_autofree char *none = g_strdup_printf ("%s-none", presso_screening_item_get_id (item));
      GtkWidget *button = NULL;

      if (named_in (GTK_WIDGET (form), name, &button) && gtk_widget_get_visible (button))
        press_named (GTK_WIDGET (form), name);
      if (named_in (GTK_WIDGET (form), none, &button) && gtk_widget_get_visible (button))
        press_named (GTK_WIDGET (form), none);
    }

  /* Diabetic neuropathy in the legs: the legs need a practitioner's decision. */
  press_named (GTK_WIDGET (form), "neuropathy-legs");
  sweep (f->sweeps, "screening form, decision needed", GTK_WIDGET (form));
  g_assert_true (presso_screening_page_open_decision (page, "neuropathy", PRESSO_ZONE_LEGS));
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  sweep (f->sweeps, "screening decision dialog", GTK_WIDGET (dialog));
  g_assert_cmpuint (sweep_get (f->sweeps, "screening decision dialog")->n_inputs, >=, 1);

  assert_no_failures (f->sweeps);
}

static gboolean
device_ready (Fixture *f)
{
  PressoDevice *device = presso_treatment_page_get_device (treatment_page (f));

  return device != NULL && presso_device_get_state (device) == PRESSO_DEVICE_STATE_READY;
}

static gboolean
session_running (Fixture *f)
{
  PressoSession *session = presso_treatment_page_get_session (treatment_page (f));

  return session != NULL && presso_session_get_state (session) == PRESSO_SESSION_STATE_RUNNING;
}

static gboolean
session_finished (Fixture *f)
{
  PressoSession *session = presso_treatment_page_get_session (treatment_page (f));

  return session != NULL && presso_session_get_state (session) == PRESSO_SESSION_STATE_FINISHED;
}

static gboolean
graph_has_samples (Fixture *f)
{
  PressoSampleBuffer *buffer = presso_treatment_page_get_buffer (treatment_page (f));

  return buffer != NULL && presso_sample_buffer_get_n_appended (buffer) >= 50;
}

static gboolean
alarm_shown (Fixture *f)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "alarm_revealer")));
}

static void pick_client (Fixture    *f,
                         const char *text);

/* Signs in, opens Treatment on the simulated device, with the short program and the client. */
static void
open_treatment (Fixture *f)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();

  sign_in (f);
  presso_window_show_page (f->window, "treatment");
  /* A machine with serial ports starts on the first one: take the simulated device. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (f, "device_dropdown")), 0);
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) device_ready, 5000));
  g_assert_true (presso_device_get_simulated (presso_treatment_page_get_device (treatment_page (f))));
  presso_treatment_page_add_program (treatment_page (f), program);
  presso_treatment_page_set_duration_limit (treatment_page (f), 3);

  pick_client (f, "Zéphyrin");
}

/* Treatment ready to start, running (the graph and the garments drawn), and finished (the
 * after-session scores and notes); then the program editor it opens. */
static void
test_a11y_treatment (Fixture       *f,
                     gconstpointer  data)
{
  GtkWindow *editor;

  open_treatment (f);
  sweep (f->sweeps, "treatment, ready", GTK_WIDGET (f->window));
  g_assert_cmpuint (sweep_get (f->sweeps, "treatment, ready")->n_drawings, >=, 2);

  g_signal_emit_by_name (find (f, "start_button"), "clicked");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_running, 3000));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) graph_has_samples, 4000));
  /* The graph's description follows the readings, once a second. */
  presso_test_spin (1200);
  sweep (f->sweeps, "treatment, running", GTK_WIDGET (f->window));
  {
    g_autofree char *read_out = text_property (find (f, "graph"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

    g_assert_nonnull (strstr (read_out, "mmHg"));
  }

  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_finished, 15000));
  presso_test_spin (100);
  sweep (f->sweeps, "treatment, finished", GTK_WIDGET (f->window));
  /* The after-session scores and the notes. */
  g_assert_cmpuint (sweep_get (f->sweeps, "treatment, finished")->n_inputs, >=, 3);

  /* A second session, vented: the alarm bar. */
  g_signal_emit_by_name (find (f, "save_button"), "clicked");
  g_signal_emit_by_name (find (f, "new_session_button"), "clicked");
  presso_test_spin (50);
  g_signal_emit_by_name (find (f, "start_button"), "clicked");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_running, 3000));
  g_signal_emit_by_name (find (f, "vent_button"), "clicked");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_finished, 5000));
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) alarm_shown, 3000));
  sweep (f->sweeps, "treatment, vented with the alarm shown", GTK_WIDGET (f->window));
  g_signal_emit_by_name (find (f, "acknowledge_button"), "clicked");
  presso_test_spin (100);

  gtk_widget_activate_action (GTK_WIDGET (treatment_page (f)), "treatment.edit-programs", NULL);
  editor = wait_for_toplevel (PRESSO_TYPE_PROGRAM_EDITOR);
  sweep (f->sweeps, "program editor", GTK_WIDGET (editor));
  g_assert_cmpuint (sweep_get (f->sweeps, "program editor")->n_inputs, >=, 5);

  assert_no_failures (f->sweeps);
}

static void
pick_client (Fixture    *f,
             const char *text)
{
  GtkWidget *search = find (f, "client_search");

  gtk_editable_set_text (GTK_EDITABLE (search), text);
  presso_test_spin (400);
  g_signal_emit_by_name (search, "activate");
  presso_test_spin (50);
  g_assert_nonnull (presso_treatment_page_get_client (treatment_page (f)));
}

/* What a click on a response button does. */
static void
respond (GtkWindow  *dialog,
         const char *response)
{
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), response));
  g_object_ref (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  g_object_unref (dialog);
  presso_test_spin (50);
}

static gboolean
refused (Fixture *f)
{
  return presso_treatment_page_get_refusal (treatment_page (f)) != NULL;
}

static gboolean
refused_or_asked (Fixture *f)
{
  return refused (f) || presso_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* The gate's refusal on screen, the question asked before treating on an older screening, and
 * the one asked before stopping. */
static void
test_a11y_treatment_dialogs (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_week = g_date_time_add_days (now, -7);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  presso_store_set_actor (f->store, f->practitioner);
  presso_client_set_first_name (client, "Marie");
  presso_client_set_last_name (client, "Quillévéré");
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  screening = presso_screening_new (presso_client_get_id (client));
  presso_test_answer_all_no (screening, f->rules);
  presso_screening_set_screened_at (screening, last_week);
  g_assert_true (presso_store_insert_screening (f->store, screening, &error));
  g_assert_no_error (error);
  presso_store_set_actor (f->store, NULL);
  open_treatment (f);

  /* The demo clinic's thrombosis: refused, with the reason. */
  pick_client (f, "O'Brien");
  g_signal_emit_by_name (find (f, "start_button"), "clicked");
  /* Screened before today: asked first whether anything changed. */
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) refused_or_asked, 3000));
  if ((dialog = presso_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    respond (dialog, "unchanged");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) refused, 3000));
  g_assert_true (gtk_widget_get_visible (find (f, "refusal_box")));
  sweep (f->sweeps, "treatment, refused", GTK_WIDGET (f->window));

  pick_client (f, "Quillévéré");
  g_signal_emit_by_name (find (f, "start_button"), "clicked");
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  sweep (f->sweeps, "screening confirmation dialog", GTK_WIDGET (dialog));
  respond (dialog, "unchanged");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_running, 4000));

  g_signal_emit_by_name (find (f, "stop_button"), "clicked");
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  sweep (f->sweeps, "stop confirmation dialog", GTK_WIDGET (dialog));
  respond (dialog, "stop");
  g_assert_true (presso_test_spin_until (f, (PressoTestCondition) session_finished, 8000));

  assert_no_failures (f->sweeps);
}

/* A short completed session, written through the store as PressoSession writes one: the
 * program, a few seconds of trace, a command, notes and the client's weight. */
static gint64
record_session (Fixture *f,
                double   weight_before,
                double   weight_after)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoSessionRecord) record = NULL;
  PressoTraceRecorder *recorder;
  PressoSessionEvent event = { PRESSO_SESSION_EVENT_COMMAND, 0, NULL, 0, 0, 0, 0, (char *) "Start" };
  g_autoptr(GError) error = NULL;
  gint64 id;

  presso_store_set_actor (f->store, f->practitioner);
  id = presso_store_begin_session (f->store, presso_client_get_id (f->client),
                                   presso_staff_get_id (f->practitioner), program,
                                   "Presso Sim", "SIM-0001", "1.0", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (presso_store_add_session_event (f->store, id, &event, &error));
  g_assert_no_error (error);

  recorder = presso_trace_recorder_new (f->store, id, 4);
  for (guint i = 0; i < 60; i++)
    {
      double pressure[4];

      for (guint c = 0; c < 4; c++)
        pressure[c] = (i / 5) % 4 == c ? 40.0 * ((i % 5) + 1) / 5.0 : 2.0;
      presso_trace_recorder_add (recorder, i * 100, pressure, 1, (i / 5) % 4);
    }
  g_assert_true (presso_trace_recorder_flush (recorder, &error));
  g_assert_true (presso_trace_recorder_sync (recorder, &error));
  g_assert_no_error (error);
  presso_trace_recorder_free (recorder);

  g_assert_true (presso_store_end_session (f->store, id, PRESSO_SESSION_OUTCOME_COMPLETED, 6000,
                                           &error));
  g_assert_no_error (error);
  record = presso_store_get_session (f->store, id, &error);
  g_assert_no_error (error);
  presso_session_record_set_notes (record, "Legs lighter; no discomfort.");
  g_assert_true (presso_store_update_session_details (f->store, record, &error));
  g_assert_no_error (error);
  g_assert_cmpint (presso_store_add_measurement (f->store, id, "weight", FALSE, weight_before,
                                                 &error), >, 0);
  g_assert_cmpint (presso_store_add_measurement (f->store, id, "weight", TRUE, weight_after,
                                                 &error), >, 0);
  g_assert_no_error (error);
  presso_store_set_actor (f->store, NULL);
  return id;
}

/* History with the client's sessions listed and one open: its trace, events, notes and the
 * weight chart. */
static void
test_a11y_history (Fixture       *f,
                   gconstpointer  data)
{
  PressoHistoryPage *history;
  g_autoptr(GError) error = NULL;
  gint64 id;

  record_session (f, 72.4, 71.9);
  id = record_session (f, 71.9, 71.5);
  sign_in (f);
  history = PRESSO_HISTORY_PAGE (presso_window_get_page (f->window, "history"));
  g_assert_nonnull (history);
  presso_window_show_page (f->window, "history");
  presso_test_spin (100);
  sweep (f->sweeps, "history, no client", GTK_WIDGET (f->window));
  presso_history_page_set_client (history, f->client);
  g_assert_cmpuint (g_list_model_get_n_items (presso_history_page_get_sessions (history)), ==, 2);
  presso_test_spin (100);
  sweep (f->sweeps, "history, sessions listed", GTK_WIDGET (f->window));
  g_assert_true (presso_history_page_open_session (history, id, &error));
  g_assert_no_error (error);
  presso_test_spin (200);
  sweep (f->sweeps, "history", GTK_WIDGET (f->window));
  /* The replayed pressure graph and the weight chart. */
  g_assert_cmpuint (sweep_get (f->sweeps, "history")->n_drawings, >=, 2);

  assert_no_failures (f->sweeps);
}

/* Preferences, Keyboard Shortcuts and About, opened as the menu opens them. */
static void
test_a11y_secondary_windows (Fixture       *f,
                             gconstpointer  data)
{
  GtkWindow *window;

  sign_in (f);

  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  window = wait_for_toplevel (PRESSO_TYPE_PREFERENCES_WINDOW);
  sweep (f->sweeps, "preferences", GTK_WIDGET (window));
  g_assert_cmpuint (sweep_get (f->sweeps, "preferences")->n_inputs, >=, 3);
  gtk_window_destroy (window);

  g_action_group_activate_action (G_ACTION_GROUP (f->window), "show-help-overlay", NULL);
  window = wait_for_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  sweep (f->sweeps, "keyboard shortcuts", GTK_WIDGET (window));
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);
  window = wait_for_toplevel (ADW_TYPE_ABOUT_WINDOW);
  sweep (f->sweeps, "about", GTK_WIDGET (window));
  gtk_window_destroy (window);

  assert_no_failures (f->sweeps);
}

static GtkWidget *
labelled (GtkWidget  *widget,
          const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return widget;
}

static GtkWidget *
in_row (GtkWidget  *list,
        const char *title,
        GtkWidget  *suffix,
        gboolean    activatable)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  if (activatable)
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return row;
}

/* The checks themselves: each kind of fault is found, and its fixed twin passes. */
static void
test_a11y_checks (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *status = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *hidden = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  GtkWidget *suffix_spin = gtk_spin_button_new_with_range (0, 10, 1);
  GtkWidget *row_spin = gtk_spin_button_new_with_range (0, 10, 1);
  g_autoptr(GPtrArray) sweeps = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_free);
  Sweep *one;
  const char *expected[] = {
    "button: GtkButton(bare_button)",
    "button: GtkMenuButton(bare_menu)",
    "input: GtkEntry(bare_entry)",
    "input: GtkTextView(bare_notes)",
    "input: GtkCheckButton(bare_check)",
    "input: GtkSpinButton(suffix_spin)",
    "input: AdwEntryRow(untitled_row)",
    "image: GtkImage(bare_icon)",
    "image: GtkImage(lonely_decoration)",
  };
  struct { const char *id; GtkWidget *widget; } widgets[] = {
    /* Faults. */
    { "bare_button", gtk_button_new_from_icon_name ("list-add-symbolic") },
    { "bare_menu", gtk_menu_button_new () },
    { "bare_entry", gtk_entry_new () },
    { "bare_notes", gtk_text_view_new () },
    { "bare_check", gtk_check_button_new () },
    { "bare_icon", gtk_image_new_from_icon_name ("dialog-warning-symbolic") },
    /* Their fixed twins. */
    { "named_button", labelled (gtk_button_new_from_icon_name ("list-add-symbolic"), "Add") },
    { "text_button", gtk_button_new_with_label ("Add") },
    { "named_entry", labelled (gtk_entry_new (), "Name") },
    { "text_check", gtk_check_button_new_with_label ("Boots") },
    { "named_icon", labelled (gtk_image_new_from_icon_name ("dialog-warning-symbolic"), "Warning") },
  };

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (widgets[1].widget), "open-menu-symbolic");
  gtk_window_set_child (GTK_WINDOW (window), box);
  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    {
      gtk_widget_set_name (widgets[i].widget, widgets[i].id);
      gtk_box_append (GTK_BOX (box), widgets[i].widget);
    }
  /* A spin button beside a row's title, but not the row's activatable widget, is not named by
   * it; the activatable one is; an entry row without a title is not named. */
  gtk_box_append (GTK_BOX (box), list);
  gtk_widget_set_name (suffix_spin, "suffix_spin");
  gtk_widget_set_name (row_spin, "row_spin");
  in_row (list, "Pressure", suffix_spin, FALSE);
  in_row (list, "Cycles", row_spin, TRUE);
  {
    GtkWidget *row = adw_entry_row_new ();

    gtk_widget_set_name (row, "untitled_row");
    gtk_list_box_append (GTK_LIST_BOX (list), row);
  }
  /* A decorative status icon alone: nothing says what it shows.  Beside the words: fine.  A
   * hidden button: not checked. */
  {
    GtkWidget *alone = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *image = g_object_new (GTK_TYPE_IMAGE, "icon-name", "emblem-ok-symbolic",
                                     "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

    gtk_widget_set_name (image, "lonely_decoration");
    gtk_box_append (GTK_BOX (alone), image);
    gtk_box_append (GTK_BOX (alone), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
    gtk_box_append (GTK_BOX (box), alone);
  }
  gtk_box_append (GTK_BOX (status), g_object_new (GTK_TYPE_IMAGE, "icon-name", "emblem-ok-symbolic",
                                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                                  NULL));
  gtk_box_append (GTK_BOX (status), gtk_label_new ("Cleared"));
  gtk_box_append (GTK_BOX (box), status);
  gtk_widget_set_visible (hidden, FALSE);
  gtk_box_append (GTK_BOX (box), hidden);
  gtk_window_present (GTK_WINDOW (window));
  presso_test_spin (50);

  sweep (sweeps, "faults", window);
  one = sweep_get (sweeps, "faults");
  for (guint i = 0; i < one->failures->len; i++)
    g_test_message ("%s", (const char *) g_ptr_array_index (one->failures, i));
  g_assert_cmpuint (one->failures->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("[faults] %s ", expected[i]);
      gboolean found = FALSE;

      for (guint j = 0; j < one->failures->len && !found; j++)
        found = g_str_has_prefix (g_ptr_array_index (one->failures, j), prefix);
      if (!found)
        g_error ("the sweep missed %s", expected[i]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* GTK's in-process accessibility backend: it records roles, properties, states and
   * relations for the checks and needs no session bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* The application, registered but not run: its menu actions (Preferences, About) open the
   * real windows, and it loads the resources. */
  application = presso_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  presso_test_load_style ();

  g_test_add_func ("/presso/ui/a11y/checks", test_a11y_checks);
  g_test_add ("/presso/ui/a11y/clients", Fixture, NULL,
              fixture_set_up, test_a11y_clients, fixture_tear_down);
  g_test_add ("/presso/ui/a11y/screening", Fixture, NULL,
              fixture_set_up, test_a11y_screening, fixture_tear_down);
  g_test_add ("/presso/ui/a11y/treatment", Fixture, NULL,
              fixture_set_up, test_a11y_treatment, fixture_tear_down);
  g_test_add ("/presso/ui/a11y/treatment-dialogs", Fixture, NULL,
              fixture_set_up, test_a11y_treatment_dialogs, fixture_tear_down);
  g_test_add ("/presso/ui/a11y/history", Fixture, NULL,
              fixture_set_up, test_a11y_history, fixture_tear_down);
  g_test_add ("/presso/ui/a11y/secondary-windows", Fixture, NULL,
              fixture_set_up, test_a11y_secondary_windows, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
