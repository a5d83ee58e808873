/* presso-window.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window.  It shows one of three things: the staff list (who is using Presso), the
 * practice's areas in an AdwViewStack once someone has signed in, or why the clinic database
 * could not be opened.
 *
 * Areas plug in with presso_window_add_page().  A page that has a "store" property and/or a
 * "staff" property gets them bound from the window (so a page sees who is signed in and
 * follows "Switch User"); a page that installs a "page.find" action gets Ctrl+F.
 *
 * When it gets the store, the window closes the sessions a crash, a power cut or a pulled
 * cable left running, and tells the first staff member to sign in what was kept of them.
 */
#define G_LOG_DOMAIN "presso-window"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "presso-clients-page.h"
#include "presso-history-page.h"
#include "presso-staff-picker.h"
#include "presso-store-session.h"
#include "presso-treatment-page.h"
#include "presso-ui-util.h"
#include "presso-window.h"

struct _PressoWindow
{
  AdwApplicationWindow  parent_instance;

  PressoStore          *store;
  PressoStaff          *staff;
  GSettings            *settings;
  /* Sessions a crash left running, closed when the store was opened and not yet shown
   * (element-type PressoSessionRecord) */
  GPtrArray            *interrupted;
  guint                 show_interrupted_id;
  /* The user chose to close and lose a client's unsaved changes. */
  gboolean              discard_confirmed;
  gboolean              session_close_confirmed;

  /* Template widgets */
  GMenuModel           *primary_menu;
  GtkStack             *mode_stack;
  GtkWidget            *staff_box;
  GtkWidget            *error_box;
  AdwBin               *staff_bin;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkMenuButton        *menu_button;
  /* The staff page's header bar, built when first shown */
  gboolean              staff_header_built;
  /* Built when the staff list is first shown */
  PressoStaffPicker    *staff_picker;
  AdwViewStack         *view_stack;
  GtkMenuButton        *staff_button;
  AdwAvatar            *staff_avatar;
  GtkLabel             *staff_label;
  GtkLabel             *staff_popover_name;
  GtkLabel             *staff_popover_role;
  /* Built when shown */
  AdwStatusPage        *error_page;
};

G_DEFINE_FINAL_TYPE (PressoWindow, presso_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STAFF,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_action_enabled (PressoWindow *self,
                    const char   *name,
                    gboolean      enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* A menu button's menu is built when it is first opened (by a click or F10), not with the
 * window. */
static void
create_main_menu_cb (GtkMenuButton *button,
                     gpointer       user_data)
{
  PressoWindow *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

/* The header bar of the staff list and of the error page: the window's title, and the main
 * menu when there is one.  Built when the page is first shown: a window opened with --staff
 * never shows either. */
static void
add_plain_header_bar (PressoWindow *self,
                      GtkWidget    *box,
                      gboolean      with_menu)
{
  GtkWidget *header = adw_header_bar_new ();

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Presso"), NULL));
  if (with_menu)
    {
      GtkWidget *menu_button = gtk_menu_button_new ();

      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (menu_button), create_main_menu_cb,
                                             self, NULL);
      gtk_menu_button_set_primary (GTK_MENU_BUTTON (menu_button), TRUE);
      gtk_widget_set_tooltip_text (menu_button, _("Main Menu"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main Menu"),
                                      -1);
      adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
    }
  gtk_box_prepend (GTK_BOX (box), header);
}

static void
update_mode (PressoWindow *self)
{
  gboolean signed_in = self->staff != NULL;

  /* The staff page is hidden while someone is signed in: a hidden page's header bar and
   * window buttons would still be styled and their icons loaded. */
  if (!signed_in)
    gtk_widget_set_visible (self->staff_box, TRUE);
  gtk_stack_set_visible_child_name (self->mode_stack, signed_in ? "main" : "staff");
  if (signed_in && !gtk_stack_get_transition_running (self->mode_stack))
    gtk_widget_set_visible (self->staff_box, FALSE);
  set_action_enabled (self, "find", signed_in);
  set_action_enabled (self, "new-client", signed_in);
  set_action_enabled (self, "switch-user", signed_in);
}

/* The header shows the areas to switch between when there is more than one (the front desk
 * sees the Clients area only: the header shows the title then), and a narrow window shows
 * them in a bar at the bottom instead.  AdwViewSwitcherTitle and AdwViewSwitcherBar count the
 * areas shown when they are given the stack, not when an area is shown or hidden after: they
 * are told here.  Each gets the stack, and builds its buttons, only when it first has them to
 * show. */
static void
update_switchers (PressoWindow *self)
{
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
  guint n_visible = 0;
  gboolean several, bar;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      n_visible += adw_view_stack_page_get_visible (page);
    }
  several = n_visible > 1;
  if (several && adw_view_switcher_title_get_stack (self->switcher_title) == NULL)
    adw_view_switcher_title_set_stack (self->switcher_title, self->view_stack);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, several);

  bar = several && adw_view_switcher_title_get_title_visible (self->switcher_title);
  if (bar && adw_view_switcher_bar_get_stack (self->switcher_bar) == NULL)
    adw_view_switcher_bar_set_stack (self->switcher_bar, self->view_stack);
  adw_view_switcher_bar_set_reveal (self->switcher_bar, bar);
}

/* Signed in with the window shown: the staff page fades out, then is hidden. */
static void
on_mode_transition_running_cb (PressoWindow *self)
{
  if (self->staff != NULL && !gtk_stack_get_transition_running (self->mode_stack))
    gtk_widget_set_visible (self->staff_box, FALSE);
}

static void
update_staff_button (PressoWindow *self)
{
  const char *name = self->staff ? presso_staff_get_display_name (self->staff) : "";
  const char *role = self->staff ? presso_role_to_string (presso_staff_get_role (self->staff)) : "";
  g_autofree char *accessible = NULL;
  g_autofree char *shown = NULL;

  /* The whole name, up to 20 characters, before the title gets any room; a longer one is cut
   * to 19 and an ellipsis.  Cut here rather than by the label: a label that ellipsizes to a
   * width in characters first measures the font's average character by laying out a sample
   * text, a tenth of the time Presso takes to lay out its first frame. */
  if (g_utf8_strlen (name, -1) > 20)
    {
      g_autofree char *start = g_utf8_substring (name, 0, 19);

      shown = g_strconcat (start, "…", NULL);
    }
  gtk_label_set_label (self->staff_label, shown ? shown : name);
  adw_avatar_set_text (self->staff_avatar, name);
  gtk_label_set_label (self->staff_popover_name, name);
  gtk_label_set_label (self->staff_popover_role, role);

  /* Translators: the accessible name of the header button showing who is signed in */
  accessible = g_strdup_printf (_("Signed in as %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->staff_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* "Durand Anne — Lymphatic drainage, started 24/11/2026 14:30, 4 min 12 s recorded.  The
 * pressure trace up to 14:34:42 was saved." */
static char *
describe_interrupted_session (PressoWindow        *self,
                              PressoSessionRecord *record)
{
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) end_local = NULL;
  g_autofree char *client_name = NULL;
  g_autofree char *started = NULL;
  g_autofree char *recorded = NULL;
  g_autofree char *kept = NULL;
  GDateTime *end = presso_session_record_get_ended_at (record);
  gint64 s = presso_session_record_get_duration_ms (record) / 1000;

  client = presso_store_get_client (self->store, presso_session_record_get_client_id (record), &error);
  if (client != NULL)
    client_name = g_strdup (presso_client_get_display_name (client));
  else
    {
      g_warning ("Cannot read the client of interrupted session %" G_GINT64_FORMAT ": %s",
                 presso_session_record_get_id (record), error->message);
      /* Translators: stands for a client's name that could not be read */
      client_name = g_strdup (_("Unknown client"));
    }
  started = presso_format_date_time (presso_session_record_get_started_at (record));
  /* Translators: how much of an interrupted session was recorded, in minutes and seconds */
  recorded = g_strdup_printf (_("%d min %02d s recorded"), (int) (s / 60), (int) (s % 60));
  if (end != NULL && presso_session_record_get_duration_ms (record) > 0)
    {
      g_autofree char *time = NULL;

      end_local = g_date_time_to_local (end);
      time = g_date_time_format (end_local, "%H:%M:%S");
      /* Translators: %s is a local time, "14:32:05" */
      kept = g_strdup_printf (_("The pressure trace up to %s was saved."), time);
    }
  else
    kept = g_strdup (_("No pressure trace had been saved yet."));

  /* Translators: an interrupted session: client, program, local start, recorded duration,
   * then what was kept */
  return g_strdup_printf (_("%s — %s, started %s, %s. %s"), client_name,
                          presso_session_record_get_program_name (record), started, recorded,
                          kept);
}

static void
on_interrupted_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            PressoWindow     *self)
{
  PressoSessionRecord *record = g_object_get_data (G_OBJECT (dialog), "record");
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  if (g_strcmp0 (response, "open") != 0 || record == NULL || self->store == NULL)
    return;

  client = presso_store_get_client (self->store, presso_session_record_get_client_id (record), &error);
  if (client == NULL)
    {
      g_warning ("Cannot open the client of session %" G_GINT64_FORMAT ": %s",
                 presso_session_record_get_id (record), error->message);
      return;
    }
  page = presso_window_get_page (self, "history");
  if (page != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (dialog), "target"), "history") == 0)
    {
      presso_history_page_set_client (PRESSO_HISTORY_PAGE (page), client);
      presso_window_show_page (self, "history");
      if (!presso_history_page_open_session (PRESSO_HISTORY_PAGE (page),
                                             presso_session_record_get_id (record), &error))
        g_warning ("Cannot open session %" G_GINT64_FORMAT ": %s",
                   presso_session_record_get_id (record), error->message);
      return;
    }
  page = presso_window_get_page (self, "clients");
  if (page != NULL)
    {
      presso_clients_page_show_client (PRESSO_CLIENTS_PAGE (page), client);
      presso_window_show_page (self, "clients");
    }
}

/* Says once, to whoever signs in first, which sessions a crash, a power cut or a pulled cable
 * ended, and what of them was kept. */
static void
show_interrupted_sessions (PressoWindow *self)
{
  g_autoptr(GPtrArray) interrupted = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *history = presso_window_get_page (self, "history");
  GtkWidget *dialog;
  gboolean clinical;

  if (self->interrupted == NULL || self->interrupted->len == 0 || self->staff == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  interrupted = g_steal_pointer (&self->interrupted);

  for (guint i = 0; i < interrupted->len; i++)
    {
      g_autofree char *line = describe_interrupted_session (self, interrupted->pdata[i]);

      g_string_append_printf (body, "%s%s", i > 0 ? "\n\n" : "", line);
    }
  g_string_append (body, "\n\n");
  g_string_append (body, g_dngettext (GETTEXT_PACKAGE,
                                      "Presso stopped before this session ended. It is now "
                                      "recorded as interrupted. Check on the client before "
                                      "starting again.",
                                      "Presso stopped before these sessions ended. They are now "
                                      "recorded as interrupted. Check on the clients before "
                                      "starting again.",
                                      interrupted->len));

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "A Session Was Interrupted",
                                                "Sessions Were Interrupted",
                                                interrupted->len),
                                   body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  /* The client's history shows what was recorded; the front desk sees the record only. */
  clinical = presso_staff_get_role (self->staff) != PRESSO_ROLE_RECEPTIONIST;
  if (history != NULL && clinical)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "open", _("Open _History"));
      g_object_set_data (G_OBJECT (dialog), "target", (gpointer) "history");
    }
  else
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "open", _("Open Client's _Record"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  /* The newest one is opened. */
  g_object_set_data_full (G_OBJECT (dialog), "record", g_object_ref (interrupted->pdata[0]),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_interrupted_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_interrupted_sessions (PressoWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->interrupted, g_ptr_array_unref);
  self->interrupted = presso_store_close_interrupted_sessions (self->store, &error);
  if (self->interrupted == NULL)
    g_warning ("Cannot close the sessions left running: %s", error->message);
}

static gboolean
show_interrupted_idle_cb (gpointer user_data)
{
  PressoWindow *self = user_data;

  self->show_interrupted_id = 0;
  show_interrupted_sessions (self);
  return G_SOURCE_REMOVE;
}

static void
on_map_cb (GtkWidget *widget,
           gpointer   user_data)
{
  PressoWindow *self = PRESSO_WINDOW (widget);

  /* Signed in from the command line (--staff) before the window showed: tell once the window
   * is on screen, so that the dialog is not put up under it. */
  if (self->interrupted != NULL && self->show_interrupted_id == 0)
    self->show_interrupted_id = g_idle_add_full (G_PRIORITY_LOW, show_interrupted_idle_cb, self, NULL);
}

static void
add_pages (PressoWindow *self)
{
  presso_window_add_page (self, presso_clients_page_new (self->store),
                          "clients", _("Clients"), "system-users-symbolic");
  presso_window_add_page (self, presso_treatment_page_new (), "treatment", _("Treatment"),
                          "media-playback-start-symbolic");
  presso_window_add_page (self, presso_history_page_new (), "history", _("History"),
                          "document-open-recent-symbolic");
}

static void
on_staff_picked_cb (PressoWindow      *self,
                    PressoStaff       *staff,
                    PressoStaffPicker *picker)
{
  presso_window_sign_in (self, staff);
}

/* The staff list, its header bar, its store query and its icons cost startup time a window
 * opened with --staff never shows: build them when the list is first mapped. */
static void
on_staff_bin_map_cb (PressoWindow *self,
                     GtkWidget    *bin)
{
  if (!self->staff_header_built)
    {
      add_plain_header_bar (self, self->staff_box, TRUE);
      self->staff_header_built = TRUE;
    }
  if (self->staff_picker != NULL || self->store == NULL)
    return;

  /* The list shows Presso's icon. */
  presso_ui_ensure_app_icon ();

  self->staff_picker = g_object_new (PRESSO_TYPE_STAFF_PICKER, NULL);
  presso_staff_picker_set_store (self->staff_picker, self->store);
  g_signal_connect_object (self->staff_picker, "staff-picked",
                           G_CALLBACK (on_staff_picked_cb), self, G_CONNECT_SWAPPED);
  adw_bin_set_child (self->staff_bin, GTK_WIDGET (self->staff_picker));
}

static void
find_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PressoWindow *self = user_data;
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);

  if (page != NULL)
    gtk_widget_activate_action (page, "page.find", NULL);
}

static void
new_client_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  PressoWindow *self = user_data;
  GtkWidget *page = presso_window_get_page (self, "clients");

  if (page == NULL)
    return;
  presso_window_show_page (self, "clients");
  gtk_widget_activate_action (page, "clients.new", NULL);
}

/* The session on the treatment table, while the device may be inflating a garment. */
static PressoSession *
get_running_session (PressoWindow *self)
{
  GtkWidget *treatment = presso_window_get_page (self, "treatment");
  PressoSession *session;

  if (treatment == NULL)
    return NULL;
  session = presso_treatment_page_get_session (PRESSO_TREATMENT_PAGE (treatment));
  if (session == NULL)
    return NULL;
  switch (presso_session_get_state (session))
    {
    case PRESSO_SESSION_STATE_STARTING:
    case PRESSO_SESSION_STATE_RUNNING:
    case PRESSO_SESSION_STATE_PAUSED:
    case PRESSO_SESSION_STATE_STOPPING:
      return session;
    case PRESSO_SESSION_STATE_READY:
    case PRESSO_SESSION_STATE_FINISHED:
    default:
      return NULL;
    }
}

static void
switch_user_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  PressoWindow *self = user_data;
  GtkWidget *clients = presso_window_get_page (self, "clients");

  /* The session records its practitioner: it has to end under that name. */
  if (get_running_session (self) != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("A Session Is Running"),
                                                  _("Stop the session on the Treatment page "
                                                    "before switching user."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      presso_window_show_page (self, "treatment");
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* What is being typed would otherwise be saved later under the next user's name. */
  if (clients != NULL && presso_clients_page_is_editing (PRESSO_CLIENTS_PAGE (clients)))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("A Client Is Being Edited"),
                                                  _("Save or cancel the changes before "
                                                    "switching user."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      presso_window_show_page (self, "clients");
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  presso_window_switch_user (self);
}

static void
show_help_overlay_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PressoWindow *self = user_data;
  g_autoptr(GtkBuilder) builder = NULL;
  GtkShortcutsWindow *shortcuts_window;

  /* Built on first use rather than by GtkApplication for every window: it is not cheap, and
   * starting Presso should not pay for it.  Handing it to the window replaces this action
   * with GtkApplicationWindow's own, which also lets the window show the accelerators. */
  builder = gtk_builder_new_from_resource ("/io/github/presso/Presso/presso-shortcuts-window.ui");
  shortcuts_window = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), shortcuts_window);
  gtk_window_present (GTK_WINDOW (shortcuts_window));
}

static const GActionEntry win_actions[] = {
  { "show-help-overlay", show_help_overlay_action },
  { "find", find_action },
  { "new-client", new_client_action },
  { "switch-user", switch_user_action },
};

static void
on_close_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      PressoWindow     *self)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  self->discard_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_close_session_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              PressoWindow     *self)
{
  PressoSession *session;

  if (g_strcmp0 (response, "vent") != 0)
    return;
  /* Vent first, in the open: the session records it as an emergency vent with its alarm,
   * rather than as a session dropped by a closing window. */
  session = get_running_session (self);
  if (session != NULL)
    presso_session_emergency_vent (session);
  self->session_close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Closing (or Ctrl+Q) during a session would leave a client in inflating garments with
 * nobody watching the pressures: ask, and vent before closing. */
static gboolean
confirm_close_while_running (PressoWindow *self)
{
  GtkWidget *dialog;

  if (self->session_close_confirmed || get_running_session (self) == NULL)
    return FALSE;

  presso_window_show_page (self, "treatment");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("A Session Is Running"),
                                   _("Closing Presso now vents every chamber and ends the "
                                     "session as an emergency vent."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep the Session"),
                                    "vent", _("_Vent and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "vent",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_session_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* Closing (or Ctrl+Q) while a client is being edited would throw the typing away: ask. */
static gboolean
confirm_close_while_editing (PressoWindow *self)
{
  GtkWidget *clients = presso_window_get_page (self, "clients");
  GtkWidget *dialog;

  if (self->discard_confirmed || clients == NULL ||
      !presso_clients_page_is_editing (PRESSO_CLIENTS_PAGE (clients)))
    return FALSE;

  presso_window_show_page (self, "clients");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("A Client Is Being Edited"),
                                   _("Closing Presso now loses the changes made to this "
                                     "client. Keep editing to save them."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static gboolean
presso_window_close_request (GtkWindow *window)
{
  PressoWindow *self = PRESSO_WINDOW (window);
  int width, height;

  if (confirm_close_while_running (self))
    return TRUE;
  if (confirm_close_while_editing (self))
    return TRUE;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (presso_window_parent_class)->close_request (window);
}

static void
presso_window_constructed (GObject *object)
{
  PressoWindow *self = PRESSO_WINDOW (object);

  G_OBJECT_CLASS (presso_window_parent_class)->constructed (object);

  if (self->store != NULL)
    {
      add_pages (self);
      close_interrupted_sessions (self);
    }
  update_mode (self);
}

static void
presso_window_dispose (GObject *object)
{
  PressoWindow *self = PRESSO_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_WINDOW);
  /* Went with the staff list's bin and the error page's box. */
  self->staff_picker = NULL;
  self->error_page = NULL;

  g_clear_object (&self->staff);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->interrupted, g_ptr_array_unref);
  g_clear_handle_id (&self->show_interrupted_id, g_source_remove);

  G_OBJECT_CLASS (presso_window_parent_class)->dispose (object);
}

static void
presso_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PressoWindow *self = PRESSO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STAFF:
      g_value_set_object (value, self->staff);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PressoWindow *self = PRESSO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_window_class_init (PressoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->constructed = presso_window_constructed;
  object_class->dispose = presso_window_dispose;
  object_class->get_property = presso_window_get_property;
  object_class->set_property = presso_window_set_property;

  window_class->close_request = presso_window_close_request;

  /**
   * PressoWindow:store: (nullable)
   *
   * The clinic database the window shows, or NULL when it could not be opened.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * PressoWindow:staff: (nullable)
   *
   * Who is signed in, or NULL while the staff list is shown.
   */
  properties[PROP_STAFF] =
    g_param_spec_object ("staff", NULL, NULL, PRESSO_TYPE_STAFF,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_box);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_bin);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, error_box);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_button);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_avatar);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_label);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_popover_name);
  gtk_widget_class_bind_template_child (widget_class, PressoWindow, staff_popover_role);
  gtk_widget_class_bind_template_callback (widget_class, on_staff_bin_map_cb);
}

static void
presso_window_init (PressoWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->mode_stack, "notify::transition-running",
                           G_CALLBACK (on_mode_transition_running_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (update_switchers), self, G_CONNECT_SWAPPED);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_main_menu_cb, self, NULL);
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/**
 * presso_window_new:
 * @application: the application
 * @store: (nullable): the open clinic database, or NULL when it could not be opened (then call
 *   presso_window_show_store_error())
 *
 * Returns: (transfer floating): a new window, showing the staff list
 */
GtkWidget *
presso_window_new (PressoApplication *application,
                   PressoStore       *store)
{
  g_return_val_if_fail (!application || PRESSO_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!store || PRESSO_IS_STORE (store), NULL);

  return g_object_new (PRESSO_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

/**
 * presso_window_get_store:
 *
 * Returns: (transfer none) (nullable): the clinic database
 */
PressoStore *
presso_window_get_store (PressoWindow *self)
{
  g_return_val_if_fail (PRESSO_IS_WINDOW (self), NULL);

  return self->store;
}

/**
 * presso_window_get_staff:
 *
 * Returns: (transfer none) (nullable): who is signed in
 */
PressoStaff *
presso_window_get_staff (PressoWindow *self)
{
  g_return_val_if_fail (PRESSO_IS_WINDOW (self), NULL);

  return self->staff;
}

/**
 * presso_window_sign_in:
 * @staff: who is now using Presso
 *
 * Records @staff as the author of every write (presso_store_set_actor()), remembers them for
 * the next start (preselected in the list, not signed in) and shows the practice's areas.
 */
void
presso_window_sign_in (PressoWindow *self,
                       PressoStaff  *staff)
{
  g_return_if_fail (PRESSO_IS_WINDOW (self));
  g_return_if_fail (PRESSO_IS_STAFF (staff));
  g_return_if_fail (self->store != NULL);

  presso_store_set_actor (self->store, staff);
  g_settings_set_int64 (self->settings, "last-staff-id", presso_staff_get_id (staff));

  if (g_set_object (&self->staff, staff))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAFF]);
  update_staff_button (self);
  update_mode (self);
  show_interrupted_sessions (self);
}

/**
 * presso_window_switch_user:
 *
 * Signs the current staff member out and shows the staff list again.
 */
void
presso_window_switch_user (PressoWindow *self)
{
  g_return_if_fail (PRESSO_IS_WINDOW (self));

  if (self->staff == NULL)
    return;

  presso_store_set_actor (self->store, NULL);
  g_clear_object (&self->staff);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAFF]);
  update_staff_button (self);
  /* A list not built yet is built, up to date, when shown. */
  if (self->staff_picker != NULL)
    presso_staff_picker_reload (self->staff_picker);
  update_mode (self);
}

/**
 * presso_window_show_store_error:
 * @path: (nullable): the database that could not be opened
 * @error: why
 *
 * Shows why the clinic database could not be opened, instead of anything else.
 */
void
presso_window_show_store_error (PressoWindow *self,
                                const char   *path,
                                const GError *error)
{
  g_autofree char *description = NULL;
  g_autofree char *escaped_message = NULL;
  g_autofree char *escaped_path = NULL;
  g_autofree char *advice = NULL;

  g_return_if_fail (PRESSO_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  /* The store's messages for a database from a newer Presso, or one that is not a Presso
   * database, already say what happened and that the file was left untouched. */
  if (self->error_page == NULL)
    {
      GtkWidget *quit = gtk_button_new_with_mnemonic (_("_Quit"));

      gtk_widget_set_halign (quit, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (quit), "app.quit");
      gtk_widget_add_css_class (quit, "pill");
      add_plain_header_bar (self, self->error_box, FALSE);
      self->error_page = ADW_STATUS_PAGE (adw_status_page_new ());
      gtk_widget_set_vexpand (GTK_WIDGET (self->error_page), TRUE);
      adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->error_page, _("Cannot Open the Clinic Database"));
      adw_status_page_set_child (self->error_page, quit);
      gtk_box_append (GTK_BOX (self->error_box), GTK_WIDGET (self->error_page));
    }

  escaped_message = g_markup_escape_text (error->message, -1);
  escaped_path = g_markup_escape_text (path ? path : "", -1);
  if (g_error_matches (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN))
    advice = g_markup_escape_text (_("Check that the file and its folder exist and that you "
                                     "may read and write them."), -1);
  if (path != NULL && strstr (error->message, path) == NULL)
    description = g_strdup_printf ("%s%s%s\n\n<small><tt>%s</tt></small>", escaped_message,
                                   advice ? "\n" : "", advice ? advice : "", escaped_path);
  else
    description = g_strdup_printf ("%s%s%s", escaped_message,
                                   advice ? "\n" : "", advice ? advice : "");
  adw_status_page_set_description (self->error_page, description);

  set_action_enabled (self, "find", FALSE);
  set_action_enabled (self, "new-client", FALSE);
  set_action_enabled (self, "switch-user", FALSE);
  gtk_widget_set_visible (self->error_box, TRUE);
  gtk_stack_set_visible_child_name (self->mode_stack, "error");
}

/**
 * presso_window_add_page:
 * @page: (transfer floating): the area's widget
 * @name: its id ("clients", "schedule"...)
 * @title: its translated title, shown in the view switcher
 * @icon_name: its symbolic icon
 *
 * Adds an area users move between.  If @page has a "store" property it is bound to the
 * window's store, if it has a "staff" property to who is signed in (NULL while the staff list
 * is shown).  Ctrl+F activates the page's "page.find" action when it has one.
 *
 * Returns: (transfer none): the view stack page
 */
AdwViewStackPage *
presso_window_add_page (PressoWindow *self,
                        GtkWidget    *page,
                        const char   *name,
                        const char   *title,
                        const char   *icon_name)
{
  GObjectClass *page_class;
  AdwViewStackPage *stack_page;

  g_return_val_if_fail (PRESSO_IS_WINDOW (self), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  page_class = G_OBJECT_GET_CLASS (page);
  if (g_object_class_find_property (page_class, "store") != NULL)
    g_object_bind_property (self, "store", page, "store", G_BINDING_SYNC_CREATE);
  if (g_object_class_find_property (page_class, "staff") != NULL)
    g_object_bind_property (self, "staff", page, "staff", G_BINDING_SYNC_CREATE);

  stack_page = adw_view_stack_add_titled_with_icon (self->view_stack, page, name, title,
                                                    icon_name);
  g_signal_connect_object (stack_page, "notify::visible",
                           G_CALLBACK (update_switchers), self, G_CONNECT_SWAPPED);
  update_switchers (self);
  return stack_page;
}

/**
 * presso_window_get_page:
 * @name: a page's id
 *
 * Returns: (transfer none) (nullable): the page added as @name
 */
GtkWidget *
presso_window_get_page (PressoWindow *self,
                        const char   *name)
{
  g_return_val_if_fail (PRESSO_IS_WINDOW (self), NULL);

  return adw_view_stack_get_child_by_name (self->view_stack, name);
}

void
presso_window_show_page (PressoWindow *self,
                         const char   *name)
{
  g_return_if_fail (PRESSO_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}
