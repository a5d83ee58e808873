/* presso-application.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application: command line (--demo, --database), app-wide actions and accelerators, the
 * colour scheme setting, opening the clinic database before the window shows it, and waiting
 * for the end of the session records before the process exits.
 */
#define G_LOG_DOMAIN "presso-application"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-preferences-window.h"
#include "presso-resources.h"
#include "presso-store.h"
#include "presso-store-session.h"
#include "presso-window.h"

/* How long Presso waits at exit for the end of a session record while another program (a
 * backup tool, another Presso) holds the database, and after how long it says so. */
#define RECORD_WAIT_MS        30000
#define SAVING_SHOW_DELAY_MS  250

struct _PressoApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;

  /* Command line */
  char           *database_path;
  gboolean        demo;
  gint64          staff_id;
  gboolean        bench_first_frame;
};

G_DEFINE_FINAL_TYPE (PressoApplication, presso_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the demo clinic (a separate database filled with made-up clients)"), NULL },
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the clinic database at PATH"), N_("PATH") },
  /* Signs in straight as one staff member: for benchmarks and screenshots, which cannot pick
   * from the list.  It goes away (or asks for the PIN) when staff PINs exist. */
  { "staff", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, NULL, NULL, NULL },
  /* Prints the monotonic time of the main window's first painted frame, then quits. */
  { "bench-first-frame", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL, NULL, NULL },
  { NULL }
};

void
presso_ui_ensure_resources (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      presso_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

/**
 * presso_ui_ensure_app_icon:
 *
 * Makes Presso's own icon (io.github.presso.Presso, in its GResource) known to the display's
 * icon theme, once.  What shows the icon (the staff list, the About window) calls it: adding
 * an icon folder makes GTK read the whole icon theme again, on the main thread, and a window
 * signed in from the command line, which does not show the icon, would pay that (about 10 ms)
 * before its first frame.  This is why the application has no resource base path, which
 * would add the folder at startup.
 */
void
presso_ui_ensure_app_icon (void)
{
  static gboolean done = FALSE;
  GdkDisplay *display = gdk_display_get_default ();

  if (done || display == NULL)
    return;
  done = TRUE;
  presso_ui_ensure_resources ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/io/github/presso/Presso/icons/");
}

static void
apply_color_scheme (PressoApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  AdwColorScheme scheme;

  switch (g_settings_get_enum (self->settings, "color-scheme"))
    {
    case 1:
      scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
      break;
    case 2:
      scheme = ADW_COLOR_SCHEME_FORCE_DARK;
      break;
    default:
      scheme = ADW_COLOR_SCHEME_DEFAULT;
      break;
    }
  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static void
on_color_scheme_changed_cb (GSettings         *settings,
                            const char        *key,
                            PressoApplication *self)
{
  apply_color_scheme (self);
}

static void
on_after_paint_cb (GdkFrameClock     *frame_clock,
                   PressoApplication *self)
{
  g_signal_handlers_disconnect_by_func (frame_clock, on_after_paint_cb, self);
  g_print ("{\"first-frame-monotonic-us\": %" G_GINT64_FORMAT "}\n", g_get_monotonic_time ());
  g_application_quit (G_APPLICATION (self));
}

static void
on_window_realize_cb (GtkWidget         *window,
                      PressoApplication *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_after_paint_cb), self, 0);
}

static PressoStore *
open_store (PressoApplication  *self,
            char              **path,
            GError            **error)
{
  if (self->demo)
    {
      *path = presso_store_demo_path ();
      return presso_store_open_demo (error);
    }
  if (self->database_path != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (self->database_path);

      *path = g_strdup (self->database_path);
      /* A new database may be started in an existing folder; a folder that does not exist
       * is a mistyped path, and a new empty clinic there would look like lost records. */
      if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                       _("The folder %s does not exist. Check the path given with --database."),
                       folder);
          return NULL;
        }
    }
  else
    *path = presso_store_default_path ();
  return presso_store_open (*path, error);
}

static void
presso_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  PressoApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows first lets them save their size, and a window with a client being
   * edited asks before losing the typing: Presso quits only when they have all closed. */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PRESSO_IS_WINDOW (l->data))
      return;
  g_application_quit (G_APPLICATION (self));
}

static void
presso_application_preferences_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  PressoApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *preferences = presso_preferences_window_new (self->settings);

  gtk_window_set_transient_for (preferences, parent);
  gtk_window_present (preferences);
}

static void
presso_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  PressoApplication *self = user_data;
  static const char *developers[] = { N_("The Presso developers"), NULL };
  const char *translated[G_N_ELEMENTS (developers)] = { _(developers[0]), NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  presso_ui_ensure_app_icon ();
  adw_show_about_window (parent,
                         "application-name", _("Presso"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Presso developers"),
                         "developers", translated,
                         "version", PACKAGE_VERSION,
                         "comments", _("Client records, screening, session history and "
                                       "compression device control for pressotherapy practices."),
                         "website", "https://github.com/presso/presso",
                         "issue-url", "https://github.com/presso/presso/issues",
                         "copyright", _("© 2026 The Presso developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one a line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", presso_application_quit_action },
  { "preferences", presso_application_preferences_action },
  { "about", presso_application_about_action },
};

static int
presso_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  PressoApplication *self = PRESSO_APPLICATION (application);
  const char *path = NULL;

  if (g_variant_dict_lookup (options, "database", "^&ay", &path))
    self->database_path = g_strdup (path);
  g_variant_dict_lookup (options, "demo", "b", &self->demo);
  g_variant_dict_lookup (options, "staff", "x", &self->staff_id);
  g_variant_dict_lookup (options, "bench-first-frame", "b", &self->bench_first_frame);

  if (self->demo && self->database_path != NULL)
    {
      g_printerr ("%s\n", _("Use either --demo or --database, not both."));
      return EXIT_FAILURE;
    }

  /* Each presso process opens its own database: a second window on another file (or the demo
   * next to the real clinic) must not be handed over to the first process. */
  return G_APPLICATION_CLASS (presso_application_parent_class)->handle_local_options (application, options);
}

static void
presso_application_startup (GApplication *application)
{
  PressoApplication *self = PRESSO_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *find_accels[] = { "<Control>f", NULL };
  static const char *new_client_accels[] = { "<Control>n", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  g_autoptr(GtkCssProvider) style = gtk_css_provider_new ();

  presso_ui_ensure_resources ();

  G_APPLICATION_CLASS (presso_application_parent_class)->startup (application);

  /* Presso's style sheet, as AdwApplication loads it from a resource base path (see
   * presso_ui_ensure_app_icon() for why there is none). */
  gtk_css_provider_load_from_resource (style, "/io/github/presso/Presso/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.find", find_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-client",
                                         new_client_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         shortcuts_accels);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (on_color_scheme_changed_cb), self, 0);
  apply_color_scheme (self);
}

static void
presso_application_activate (GApplication *application)
{
  PressoApplication *self = PRESSO_APPLICATION (application);
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  store = open_store (self, &path, &error);
  window = GTK_WINDOW (presso_window_new (self, store));
  if (store == NULL)
    presso_window_show_store_error (PRESSO_WINDOW (window), path, error);
  else if (self->staff_id > 0)
    {
      g_autoptr(PressoStaff) staff = presso_store_get_staff (store, self->staff_id, &error);

      if (staff != NULL)
        presso_window_sign_in (PRESSO_WINDOW (window), staff);
      else
        g_warning ("Cannot sign in as staff %" G_GINT64_FORMAT ": %s",
                   self->staff_id, error->message);
    }

  if (self->bench_first_frame)
    g_signal_connect_object (window, "realize", G_CALLBACK (on_window_realize_cb), self, 0);

  gtk_window_present (window);
}

typedef struct
{
  gboolean   done;
  gboolean   saved;
  GError    *error;
  GtkWindow *window;
  guint      show_source;
} RecordWait;

static void
on_records_drained_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RecordWait *wait = user_data;

  wait->saved = presso_store_drain_records_finish (result, &wait->error);
  wait->done = TRUE;
}

/* A small window while the last records wait for the database: the main window is gone, and
 * Presso would otherwise seem to hang, or to have quit with the record already safe. */
static gboolean
on_show_saving_cb (gpointer user_data)
{
  RecordWait *wait = user_data;
  GtkWidget *page, *spinner;

  wait->show_source = 0;
  wait->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (wait->window, _("Presso"));
  gtk_window_set_default_size (wait->window, 480, 300);
  gtk_window_set_resizable (wait->window, FALSE);
  gtk_window_set_deletable (wait->window, FALSE);
  page = adw_status_page_new ();
  gtk_widget_add_css_class (page, "compact");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Saving the Session Record…"));
  adw_status_page_set_description (ADW_STATUS_PAGE (page),
                                   _("Another program is using the clinic database. Presso "
                                     "closes as soon as the end of the session is saved."));
  spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Saving"), -1);
  adw_status_page_set_child (ADW_STATUS_PAGE (page), spinner);
  adw_window_set_content (ADW_WINDOW (wait->window), page);
  gtk_window_present (wait->window);
  return G_SOURCE_REMOVE;
}

/* The sessions' records are written by their writer threads, which outlive the window: wait
 * for them (bounded) with the main context turning, so that a database held for a moment by
 * another program does not lose the end of a session (its last pressures, events and
 * outcome).  What cannot be written is logged; the next start then reports the session as
 * interrupted. */
static void
wait_for_session_records (void)
{
  RecordWait wait = { 0 };

  if (presso_store_get_unwritten_records () == 0 && presso_store_drain_records (0, NULL))
    return;

  presso_store_drain_records_async (RECORD_WAIT_MS, NULL, on_records_drained_cb, &wait);
  wait.show_source = g_timeout_add (SAVING_SHOW_DELAY_MS, on_show_saving_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&wait.show_source, g_source_remove);
  if (wait.window != NULL)
    gtk_window_destroy (wait.window);

  if (!wait.saved)
    g_warning ("%s\n(Presso waited %d s for the database; the next start lists the session "
               "as interrupted)", wait.error->message, RECORD_WAIT_MS / 1000);
  g_clear_error (&wait.error);
}

static void
presso_application_shutdown (GApplication *application)
{
  wait_for_session_records ();

  G_APPLICATION_CLASS (presso_application_parent_class)->shutdown (application);
}

static void
presso_application_dispose (GObject *object)
{
  PressoApplication *self = PRESSO_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (presso_application_parent_class)->dispose (object);
}

static void
presso_application_finalize (GObject *object)
{
  PressoApplication *self = PRESSO_APPLICATION (object);

  g_clear_pointer (&self->database_path, g_free);

  G_OBJECT_CLASS (presso_application_parent_class)->finalize (object);
}

static void
presso_application_class_init (PressoApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = presso_application_dispose;
  object_class->finalize = presso_application_finalize;

  app_class->handle_local_options = presso_application_handle_local_options;
  app_class->startup = presso_application_startup;
  app_class->activate = presso_application_activate;
  app_class->shutdown = presso_application_shutdown;
}

static void
presso_application_init (PressoApplication *self)
{
  self->settings = g_settings_new (APP_ID);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Run a pressotherapy practice."));
}

/**
 * presso_application_new:
 *
 * Exits with a message on stderr when Presso's settings schema is not installed.
 *
 * Returns: (transfer full): the application
 */
PressoApplication *
presso_application_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Without its settings schema GSettings aborts with a trace, even for --help: say what is
   * wrong instead (a build run without GSETTINGS_SCHEMA_DIR, or a broken installation). */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_printerr (_("Presso cannot start: its settings schema %s is not installed.\n"
                    "Install Presso (meson install), or run it from the source tree with "
                    "build-aux/run-demo.sh, which points GSETTINGS_SCHEMA_DIR at the build.\n"),
                  APP_ID);
      exit (EXIT_FAILURE);
    }

  presso_ui_ensure_resources ();

  return g_object_new (PRESSO_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       /* No icon folder added at startup: presso_ui_ensure_app_icon() */
                       "resource-base-path", NULL,
                       NULL);
}

/**
 * presso_application_get_settings:
 *
 * Returns: (transfer none): the application's settings (schema io.github.presso.Presso)
 */
GSettings *
presso_application_get_settings (PressoApplication *self)
{
  g_return_val_if_fail (PRESSO_IS_APPLICATION (self), NULL);

  return self->settings;
}
