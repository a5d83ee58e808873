/* test-ui-window.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application as started from the command line (presso --demo, --database FILE, --staff),
 * a database it must not open (shown, and left byte for byte as it was), the preferences
 * writing GSettings, and the window remembering its size.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "presso-application.h"
#include "presso-preferences-window.h"
#include "presso-store.h"
#include "presso-test-gui.h"
#include "presso-ui-util.h"
#include "presso-window.h"

static char *tmp_dir;

/* An area as other parts of Presso add them: a widget with "store" and "staff" properties. */
#define TEST_TYPE_PAGE (test_page_get_type ())
G_DECLARE_FINAL_TYPE (TestPage, test_page, TEST, PAGE, AdwBin)

struct _TestPage
{
  AdwBin       parent_instance;
  PressoStore *store;
  PressoStaff *staff;
  guint        finds;
};

G_DEFINE_FINAL_TYPE (TestPage, test_page, ADW_TYPE_BIN)

enum { PAGE_PROP_0, PAGE_PROP_STORE, PAGE_PROP_STAFF };

static void
test_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TestPage *self = TEST_PAGE (object);

  g_value_set_object (value, prop_id == PAGE_PROP_STORE ? (GObject *) self->store
                                                         : (GObject *) self->staff);
}

static void
test_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TestPage *self = TEST_PAGE (object);

  if (prop_id == PAGE_PROP_STORE)
    g_set_object (&self->store, g_value_get_object (value));
  else
    g_set_object (&self->staff, g_value_get_object (value));
}

static void
test_page_dispose (GObject *object)
{
  TestPage *self = TEST_PAGE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->staff);
  G_OBJECT_CLASS (test_page_parent_class)->dispose (object);
}

static void
test_page_find (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TEST_PAGE (widget)->finds++;
}

static void
test_page_class_init (TestPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_page_get_property;
  object_class->set_property = test_page_set_property;
  object_class->dispose = test_page_dispose;
  g_object_class_install_property (object_class, PAGE_PROP_STORE,
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE, G_PARAM_READWRITE));
  g_object_class_install_property (object_class, PAGE_PROP_STAFF,
    g_param_spec_object ("staff", NULL, NULL, PRESSO_TYPE_STAFF, G_PARAM_READWRITE));
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "page.find", NULL, test_page_find);
}

static void
test_page_init (TestPage *self)
{
}

typedef struct
{
  PressoApplication *app;
  PressoWindow      *window;
  guint              checks;
  gboolean           quitting;
} Run;

static gboolean
on_poll_cb (gpointer data)
{
  Run *run = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  /* Once shown, let it draw a few frames, as a user would see it, then leave. */
  if (!run->quitting && window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window))
      && ++run->checks == 5)
    {
      run->window = g_object_ref (PRESSO_WINDOW (window));
      run->quitting = TRUE;
      g_application_quit (G_APPLICATION (run->app));
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout_cb (gpointer data)
{
  Run *run = data;

  if (!run->quitting)
    {
      run->quitting = TRUE;
      g_application_quit (G_APPLICATION (run->app));
    }
  return G_SOURCE_CONTINUE;
}

/* Runs presso with @args until its window is shown; returns that window. */
static PressoWindow *
run_presso (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Run run = { NULL };
  guint poll_id, timeout_id;
  int status;

  g_ptr_array_add (argv, (char *) "presso");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  run.app = presso_application_new ();
  poll_id = g_timeout_add (20, on_poll_cb, &run);
  timeout_id = g_timeout_add_seconds (20, on_timeout_cb, &run);
  status = g_application_run (G_APPLICATION (run.app), argv->len - 1, (char **) argv->pdata);
  g_clear_handle_id (&poll_id, g_source_remove);
  g_clear_handle_id (&timeout_id, g_source_remove);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (run.window);
  g_object_unref (run.app);
  return run.window;
}

static const char *
mode (PressoWindow *window)
{
  GtkWidget *stack = presso_find_child_by_id (GTK_WIDGET (window), "mode_stack");

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* The page saying why the clinic database could not be opened, under the error page's header
 * bar (both built when shown). */
static AdwStatusPage *
error_page_of (PressoWindow *window)
{
  GtkWidget *box = presso_find_child_by_id (GTK_WIDGET (window), "error_box");
  GtkWidget *page = box != NULL ? gtk_widget_get_last_child (box) : NULL;

  g_assert_true (ADW_IS_STATUS_PAGE (page));
  g_assert_true (gtk_widget_is_visible (page));
  return ADW_STATUS_PAGE (page);
}

static gboolean
action_enabled (PressoWindow *window,
                const char   *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
test_window_not_a_database (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "notes.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *after = NULL;
  const char *before = "Shopping list: compression boots, gel, towels.\n";
  const char *args[] = { "--database", path, NULL };
  g_autoptr(PressoWindow) window = NULL;
  AdwStatusPage *error_page;
  gsize length;

  g_assert_true (g_file_set_contents (path, before, -1, NULL));

  window = run_presso (args);
  g_assert_cmpstr (mode (window), ==, "error");
  g_assert_null (presso_window_get_store (window));
  error_page = error_page_of (window);
  g_assert_cmpstr (adw_status_page_get_description (error_page), !=, "");
  /* Nothing to act on. */
  g_assert_false (action_enabled (window, "new-client"));
  g_assert_false (action_enabled (window, "find"));
  g_assert_false (action_enabled (window, "switch-user"));

  /* Left as it was. */
  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (path);
}

/* A mistyped --database folder is shown as such, and nothing is created there. */
static void
test_window_missing_folder (void)
{
  g_autofree char *folder = g_build_filename (tmp_dir, "no-such-folder", NULL);
  g_autofree char *path = g_build_filename (folder, "clinic.db", NULL);
  const char *args[] = { "--database", path, NULL };
  g_autoptr(PressoWindow) window = NULL;
  AdwStatusPage *error_page;

  window = run_presso (args);
  g_assert_cmpstr (mode (window), ==, "error");
  g_assert_null (presso_window_get_store (window));
  error_page = error_page_of (window);
  g_test_message ("%s", adw_status_page_get_description (error_page));
  g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "does not exist"));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Whether Presso's style sheet applies: a field error is drawn in the error colour. */
static gboolean
style_sheet_applies (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *plain = gtk_label_new ("plain");
  GtkWidget *error = gtk_label_new ("error");
  GdkRGBA plain_color, error_color;

  gtk_widget_add_css_class (error, "presso-field-error");
  gtk_box_append (GTK_BOX (box), plain);
  gtk_box_append (GTK_BOX (box), error);
  gtk_window_set_child (GTK_WINDOW (window), box);
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (plain), &plain_color);
  gtk_style_context_get_color (gtk_widget_get_style_context (error), &error_color);
G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_window_destroy (GTK_WINDOW (window));
  return !gdk_rgba_equal (&plain_color, &error_color);
}

static void
test_window_database_and_staff (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "clinic.db", NULL);
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) nadia = presso_staff_new ("Nadia Haddad", PRESSO_ROLE_MANAGER);
  g_autoptr(PressoWindow) window = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *staff_id = NULL;
  const char *args[] = { "--database", path, NULL, NULL, NULL };

  store = presso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (presso_store_insert_staff (store, nadia, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Without --staff: the staff list, with Presso's icon and style sheet. */
  window = run_presso (args);
  g_assert_cmpstr (mode (window), ==, "staff");
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          "io.github.presso.Presso"));
  g_assert_true (style_sheet_applies ());
  g_assert_cmpstr (presso_store_get_path (presso_window_get_store (window)), ==, path);
  g_assert_false (action_enabled (window, "new-client"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);

  /* With --staff: straight into the Clients area, signed in. */
  staff_id = g_strdup_printf ("%" G_GINT64_FORMAT, presso_staff_get_id (nadia));
  args[2] = "--staff";
  args[3] = staff_id;
  window = run_presso (args);
  g_assert_cmpstr (mode (window), ==, "main");
  g_assert_cmpstr (presso_staff_get_display_name (presso_window_get_staff (window)), ==,
                   "Nadia Haddad");
  g_assert_nonnull (presso_window_get_page (window, "clients"));
  g_assert_true (action_enabled (window, "new-client"));
  g_assert_true (action_enabled (window, "find"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_first_staff (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "new-clinic.db", NULL);
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GListModel) staff = NULL;
  g_autoptr(PressoStaff) first = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *name_row, *add_button;

  store = presso_store_open (path, &error);
  g_assert_no_error (error);
  window = presso_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  /* A new database has nobody to pick: the first staff member adds themselves. */
  g_assert_cmpstr (mode (PRESSO_WINDOW (window)), ==, "staff");
  name_row = presso_find_child_by_id (window, "first_name_row");
  add_button = presso_find_child_by_id (window, "add_first_button");
  g_assert_true (gtk_widget_get_mapped (name_row));
  g_assert_false (gtk_widget_get_sensitive (add_button));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "  ");
  g_assert_false (gtk_widget_get_sensitive (add_button));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Nadia Haddad");
  g_assert_true (gtk_widget_get_sensitive (add_button));
  g_signal_emit_by_name (add_button, "clicked");

  g_assert_cmpstr (mode (PRESSO_WINDOW (window)), ==, "main");
  staff = presso_store_list_staff (store);
  g_assert_cmpuint (g_list_model_get_n_items (staff), ==, 1);
  first = g_list_model_get_item (staff, 0);
  g_assert_cmpstr (presso_staff_get_display_name (first), ==, "Nadia Haddad");
  g_assert_cmpint (presso_staff_get_role (first), ==, PRESSO_ROLE_MANAGER);
  g_assert_cmpint (presso_staff_get_id (presso_store_get_actor (store)), ==,
                   presso_staff_get_id (first));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Whether a widget of @type under @root is on screen. */
static gboolean
shows (GtkWidget *root,
       GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows (child, type))
      return TRUE;
  return FALSE;
}

/* Lets @window draw a few frames, then until a view switcher under @root is on screen or not
 * as @shown, for up to two seconds (a revealer takes a quarter of one); says whether it is. */
static gboolean
wait_switcher (GtkWidget *window,
               GtkWidget *root,
               gboolean   shown)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + 2 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  while ((shows (root, ADW_TYPE_VIEW_SWITCHER) != shown
          || g_get_monotonic_time () < start + 100 * 1000)
         && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return shows (root, ADW_TYPE_VIEW_SWITCHER) == shown;
}

/* The front desk sees the Clients area only: the header shows the title.  A practitioner sees
 * the three areas in the header's switcher, or in a bar at the bottom of a narrow window. */
static void
test_window_switchers (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "switchers.db", NULL);
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) lea = presso_staff_new ("Léa Petit", PRESSO_ROLE_RECEPTIONIST);
  g_autoptr(PressoStaff) hugo = presso_staff_new ("Hugo Blanc", PRESSO_ROLE_PRACTITIONER);
  g_autoptr(GError) error = NULL;
  const int widths[] = { 1100, 360 };

  store = presso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (presso_store_insert_staff (store, lea, &error));
  g_assert_true (presso_store_insert_staff (store, hugo, &error));

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      GtkWidget *window = presso_window_new (NULL, store);
      gboolean wide = widths[w] > 800;
      GtkWidget *title, *bar;

      g_test_message ("%d pixels wide", widths[w]);
      gtk_window_set_default_size (GTK_WINDOW (window), widths[w], 600);
      gtk_window_present (GTK_WINDOW (window));
      title = presso_find_child_by_id (window, "switcher_title");
      bar = presso_find_child_by_id (window, "switcher_bar");

      presso_window_sign_in (PRESSO_WINDOW (window), lea);
      g_assert_true (wait_switcher (window, bar, FALSE));
      g_assert_true (adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (title)));

      /* Switch User, then a practitioner. */
      presso_window_switch_user (PRESSO_WINDOW (window));
      presso_window_sign_in (PRESSO_WINDOW (window), hugo);
      g_assert_true (wait_switcher (window, bar, !wide));
      g_assert_true (wait_switcher (window, title, wide));
      g_assert_true (adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (title)) == !wide);

      /* Back to the front desk: the title again. */
      presso_window_switch_user (PRESSO_WINDOW (window));
      presso_window_sign_in (PRESSO_WINDOW (window), lea);
      g_assert_true (wait_switcher (window, bar, FALSE));
      g_assert_true (wait_switcher (window, title, FALSE));
      g_assert_true (adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (title)));
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

static void
test_window_add_page (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "pages.db", NULL);
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) nadia = presso_staff_new ("Nadia Haddad", PRESSO_ROLE_MANAGER);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  TestPage *page;

  store = presso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (presso_store_insert_staff (store, nadia, &error));
  window = presso_window_new (NULL, store);
  page = g_object_new (TEST_TYPE_PAGE, NULL);
  presso_window_add_page (PRESSO_WINDOW (window), GTK_WIDGET (page), "test", "Test",
                          "applications-science-symbolic");
  g_assert_true (presso_window_get_page (PRESSO_WINDOW (window), "test") == GTK_WIDGET (page));

  /* The page gets the store at once, and follows who is signed in. */
  g_assert_true (page->store == store);
  g_assert_null (page->staff);
  presso_window_sign_in (PRESSO_WINDOW (window), nadia);
  g_assert_nonnull (page->staff);
  g_assert_cmpint (presso_staff_get_id (page->staff), ==, presso_staff_get_id (nadia));

  /* Ctrl+F reaches the page shown. */
  presso_window_show_page (PRESSO_WINDOW (window), "test");
  g_action_group_activate_action (G_ACTION_GROUP (window), "find", NULL);
  g_assert_cmpuint (page->finds, ==, 1);

  presso_window_switch_user (PRESSO_WINDOW (window));
  g_assert_null (page->staff);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_demo (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(PressoWindow) window = NULL;
  g_autofree char *demo = presso_store_demo_path ();
  GtkListBox *list_box;
  int rows = 0;

  /* XDG_DATA_HOME is the test's own folder (set in main). */
  g_assert_true (g_str_has_prefix (demo, tmp_dir));
  window = run_presso (args);
  g_assert_cmpstr (mode (window), ==, "staff");
  g_assert_cmpstr (presso_store_get_path (presso_window_get_store (window)), ==, demo);
  list_box = GTK_LIST_BOX (presso_find_child_by_id (GTK_WIDGET (window), "list_box"));
  while (gtk_list_box_get_row_at_index (list_box, rows) != NULL)
    rows++;
  g_assert_cmpint (rows, >, 1);
  g_assert_cmpint (presso_store_count_clients (presso_window_get_store (window), TRUE), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *preferences = presso_preferences_window_new (settings);
  GtkWidget *days = presso_find_child_by_id (GTK_WIDGET (preferences), "screening_days_button");
  GtkWidget *minutes = presso_find_child_by_id (GTK_WIDGET (preferences), "session_minutes_button");
  GtkWidget *scheme = presso_find_child_by_id (GTK_WIDGET (preferences), "color_scheme_row");

  g_assert_cmpuint (g_settings_get_uint (settings, "screening-validity-days"), ==, 180);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (days)), ==, 180);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (minutes)), ==, 25);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (days), 90);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (minutes), 40);
  adw_combo_row_set_selected (ADW_COMBO_ROW (scheme), 2);
  g_assert_cmpuint (g_settings_get_uint (settings, "screening-validity-days"), ==, 90);
  g_assert_cmpuint (g_settings_get_uint (settings, "default-session-minutes"), ==, 40);
  g_assert_cmpint (g_settings_get_enum (settings, "color-scheme"), ==, 2);

  gtk_window_destroy (preferences);
  g_settings_reset (settings, "screening-validity-days");
  g_settings_reset (settings, "default-session-minutes");
  g_settings_reset (settings, "color-scheme");
}

static void
test_window_size_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = presso_window_new (NULL, NULL);
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 913, 677);
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 913);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 677);

  window = presso_window_new (NULL, NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 913);
  g_assert_cmpint (height, ==, 677);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Started where its settings schema cannot be found (a build run by hand), presso says so
 * and how to run it, instead of aborting with a trace. */
static void
test_window_no_schema (void)
{
  g_autofree char *presso = g_test_build_filename (G_TEST_BUILT, "..", "app", "presso", NULL);
  g_autofree char *empty = g_build_filename (tmp_dir, "no-schemas", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *argv[] = { presso, "--help", NULL };
  int status;

  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  envp = g_environ_setenv (envp, "GSETTINGS_SCHEMA_DIR", empty, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_DIRS", empty, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", empty, TRUE);
  envp = g_environ_setenv (envp, "LANGUAGE", "C", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, EXIT_FAILURE);
  g_assert_nonnull (strstr (err, "settings schema " APP_ID " is not installed"));
  g_assert_nonnull (strstr (err, "build-aux/run-demo.sh"));
  g_assert_null (strstr (err, "Trace"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmp_dir = g_dir_make_tmp ("presso-ui-window-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  /* Before GLib reads it: the demo clinic goes into the test's folder. */
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/presso/ui/window/not-a-database", test_window_not_a_database);
  g_test_add_func ("/presso/ui/window/missing-folder", test_window_missing_folder);
  g_test_add_func ("/presso/ui/window/database-and-staff", test_window_database_and_staff);
  g_test_add_func ("/presso/ui/window/first-staff", test_window_first_staff);
  g_test_add_func ("/presso/ui/window/switchers", test_window_switchers);
  g_test_add_func ("/presso/ui/window/add-page", test_window_add_page);
  g_test_add_func ("/presso/ui/window/demo", test_window_demo);
  g_test_add_func ("/presso/ui/window/preferences", test_window_preferences);
  g_test_add_func ("/presso/ui/window/size-remembered", test_window_size_remembered);
  g_test_add_func ("/presso/ui/window/no-schema", test_window_no_schema);

  status = g_test_run ();
  presso_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
