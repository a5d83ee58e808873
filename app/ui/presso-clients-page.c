/* presso-clients-page.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Clients area: a searchable list of clients beside the selected client's record, folding
 * into one column on narrow windows (AdwLeaflet).  Searching, ordering and ignoring accents
 * are the store's (PressoClientList); this page shows the list, the record, and the editor.
 *
 * While the editor is open the list is insensitive, so that picking another client cannot
 * silently drop what was typed.
 */
#define G_LOG_DOMAIN "presso-clients-page"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-client-editor.h"
#include "presso-client-row.h"
#include "presso-client-view.h"
#include "presso-clients-page.h"

struct _PressoClientsPage
{
  AdwBin              parent_instance;

  PressoStore        *store;
  PressoClientList   *clients;
  GtkSingleSelection *selection;
  PressoClient       *current;    /* shown in the detail pane */
  gboolean            editing;

  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar;
  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  GtkCheckButton     *show_archived_check;
  GtkLabel           *count_label;
  GtkStack           *detail_stack;
  GtkWidget          *view_page;
  GtkWidget          *archive_button;
  GtkWidget          *restore_button;
  AdwBin             *view_bin;
  AdwBin             *editor_bin;

  /* Created when first needed, so that starting Presso does not build them. */
  AdwStatusPage      *empty_page;
  AdwStatusPage      *no_results_page;
  PressoClientView   *client_view;
  PressoClientEditor *editor;
};

G_DEFINE_FINAL_TYPE (PressoClientsPage, presso_clients_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CURRENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void on_editor_saved_cb          (PressoClientsPage *self,
                                         PressoClient      *client);
static void on_editor_cancelled_cb      (PressoClientsPage *self);
static void on_editor_open_existing_cb  (PressoClientsPage *self,
                                         PressoClient      *client);

static PressoClientView *
ensure_view (PressoClientsPage *self)
{
  if (self->client_view == NULL)
    {
      self->client_view = PRESSO_CLIENT_VIEW (presso_client_view_new ());
      presso_client_view_set_store (self->client_view, self->store);
      adw_bin_set_child (self->view_bin, GTK_WIDGET (self->client_view));
    }
  return self->client_view;
}

static PressoClientEditor *
ensure_editor (PressoClientsPage *self)
{
  if (self->editor == NULL)
    {
      self->editor = PRESSO_CLIENT_EDITOR (presso_client_editor_new ());
      presso_client_editor_set_store (self->editor, self->store);
      g_signal_connect_object (self->editor, "saved",
                               G_CALLBACK (on_editor_saved_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->editor, "cancelled",
                               G_CALLBACK (on_editor_cancelled_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->editor, "open-existing",
                               G_CALLBACK (on_editor_open_existing_cb), self, G_CONNECT_SWAPPED);
      adw_bin_set_child (self->editor_bin, GTK_WIDGET (self->editor));
    }
  return self->editor;
}

static void
update_actions (PressoClientsPage *self)
{
  gboolean can_act = self->store != NULL && !self->editing;
  gboolean archived = self->current && presso_client_get_archived (self->current);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clients.new", can_act);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clients.edit", can_act && self->current);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clients.archive",
                                 can_act && self->current && !archived);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clients.restore",
                                 can_act && self->current && archived);
  gtk_widget_set_visible (self->archive_button, !archived);
  gtk_widget_set_visible (self->restore_button, archived);
  gtk_widget_set_sensitive (self->sidebar, !self->editing);
}

/* A status page of the list's stack, in place of the list. */
static AdwStatusPage *
add_list_status_page (PressoClientsPage *self,
                      const char        *name,
                      const char        *icon_name)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon_name);
  gtk_widget_add_css_class (page, "compact");
  gtk_stack_add_named (self->list_stack, page, name);
  return ADW_STATUS_PAGE (page);
}

static void
show_no_results (PressoClientsPage *self)
{
  if (self->no_results_page == NULL)
    {
      self->no_results_page = add_list_status_page (self, "no-results", "system-search-symbolic");
      adw_status_page_set_title (self->no_results_page, _("No Results Found"));
      adw_status_page_set_description (self->no_results_page,
                                       _("Try a name, a phone number or a birth date, or tick "
                                         "Show archived."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "no-results");
}

static void
show_empty (PressoClientsPage *self,
            gboolean           all_archived)
{
  if (self->empty_page == NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Add Client"));

      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "clients.new");
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "suggested-action");
      self->empty_page = add_list_status_page (self, "empty", "system-users-symbolic");
      adw_status_page_set_child (self->empty_page, button);
    }
  adw_status_page_set_title (self->empty_page,
                             all_archived ? _("No Active Clients") : _("No Clients Yet"));
  adw_status_page_set_description (self->empty_page,
                                   all_archived ? _("Every client is archived. Tick Show "
                                                    "archived to see them.")
                                                : _("Add the practice's first client to get "
                                                    "started."));
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
update_list_state (PressoClientsPage *self)
{
  guint n = self->clients ? g_list_model_get_n_items (G_LIST_MODEL (self->clients)) : 0;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *count = NULL;

  /* Until the list is read (a worker thread's ~100 ms at startup): the empty list, not a
   * flash of "No Clients Yet". */
  if (self->clients != NULL && presso_client_list_get_loading (self->clients))
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      gtk_label_set_label (self->count_label, _("Loading clients…"));
      return;
    }

  if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else if (query[0] != '\0')
    show_no_results (self);
  else
    show_empty (self, self->store && presso_store_count_clients (self->store, TRUE) > 0);

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u client", "%u clients", n), n);
  gtk_label_set_label (self->count_label, count);
}

/* A client's name for a toast: the toast keeps one line, and with a long name it would
 * ellipsize away the end, which says what happened ("… saved"). */
static char *
toast_name (PressoClient *client)
{
  const char *name = presso_client_get_display_name (client);
  const glong max_chars = 32;
  g_autofree char *start = NULL;

  if (g_utf8_strlen (name, -1) <= max_chars)
    return g_strdup (name);
  start = g_utf8_substring (name, 0, max_chars - 1);
  return g_strconcat (start, "…", NULL);
}

static void
add_toast (PressoClientsPage *self,
           AdwToast          *toast)
{
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))), toast);
}

static void
show_error (PressoClientsPage *self,
            const char        *heading,
            const GError      *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
select_client (PressoClientsPage *self,
               gint64             id)
{
  int position = presso_client_list_find (self->clients, id);

  if (position < 0)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                              (guint) position);
}

static void
show_detail (PressoClientsPage *self,
             const char        *name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  /* The record's page is hidden until a record is first shown: a stack styles its hidden
   * pages too. */
  if (g_str_equal (name, "view"))
    gtk_widget_set_visible (self->view_page, TRUE);
  gtk_stack_set_visible_child_name (self->detail_stack, name);

  /* AdwLeaflet moves the focus into the child it shows.  Side by side, the focus stays where
   * the user is (typing a search, going down the list); folded, it follows the record. */
  if (focus != NULL)
    g_object_ref (focus);
  adw_leaflet_set_visible_child_name (self->leaflet, "detail");
  if (focus != NULL && !adw_leaflet_get_folded (self->leaflet)
      && gtk_widget_get_mapped (focus) && gtk_widget_is_sensitive (focus))
    {
      if (GTK_IS_TEXT (focus))
        gtk_text_grab_focus_without_selecting (GTK_TEXT (focus));
      else
        gtk_widget_grab_focus (focus);
    }
  g_clear_object (&focus);
}

static gboolean
set_archived (PressoClientsPage *self,
              gint64             id,
              gboolean           archived)
{
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(PressoClient) fresh = NULL;
  g_autoptr(GError) error = NULL;

  if (self->current != NULL && presso_client_get_id (self->current) == id)
    client = presso_client_copy (self->current);
  else if ((client = presso_store_get_client (self->store, id, &error)) == NULL)
    {
      show_error (self, _("Cannot Find the Client"), error);
      return FALSE;
    }

  if (!presso_store_set_client_archived (self->store, client, archived, &error))
    {
      show_error (self, archived ? _("Cannot Archive the Client") : _("Cannot Restore the Client"),
                  error);
      /* Someone else changed it: show what is stored now. */
      if (g_error_matches (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT)
          && (fresh = presso_store_get_client (self->store, id, NULL)) != NULL
          && self->current && presso_client_get_id (self->current) == id)
        presso_clients_page_show_client (self, fresh);
      return FALSE;
    }

  fresh = presso_store_get_client (self->store, id, NULL);
  if (fresh != NULL && self->current && presso_client_get_id (self->current) == id)
    presso_clients_page_show_client (self, fresh);
  return TRUE;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              PressoClientsPage        *self)
{
  gtk_list_item_set_child (list_item, presso_client_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             PressoClientsPage        *self)
{
  presso_client_row_set_client (PRESSO_CLIENT_ROW (gtk_list_item_get_child (list_item)),
                                gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               PressoClientsPage        *self)
{
  presso_client_row_set_client (PRESSO_CLIENT_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
on_items_changed_cb (PressoClientsPage *self)
{
  update_list_state (self);
}

static void
on_selected_item_changed_cb (PressoClientsPage *self)
{
  PressoClient *client = gtk_single_selection_get_selected_item (self->selection);

  /* A reload of the list drops the selection: keep showing the current client. */
  if (client == NULL || self->editing)
    return;
  if (self->current != NULL
      && presso_client_get_id (client) == presso_client_get_id (self->current)
      && presso_client_get_version (client) == presso_client_get_version (self->current))
    return;
  presso_clients_page_show_client (self, client);
}

/* Enter on a row reached with the arrow keys opens it, as a click does. */
static void
on_list_activate_cb (PressoClientsPage *self,
                     guint              position)
{
  g_autoptr(PressoClient) client = NULL;

  if (self->clients == NULL || self->editing)
    return;
  client = g_list_model_get_item (G_LIST_MODEL (self->clients), position);
  if (client == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  presso_clients_page_show_client (self, client);
}

static void
on_search_changed_cb (PressoClientsPage *self)
{
  if (self->clients == NULL)
    return;
  presso_client_list_set_query (self->clients,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_list_state (self);
}

static void
on_search_activate_cb (PressoClientsPage *self)
{
  g_autoptr(PressoClient) first = NULL;

  /* Enter opens the first match: a client is two keystrokes away.  The entry reports what
   * was typed only after a short pause, so a quick "zoë⏎" would open the first client of the
   * unfiltered list: filter with what is in the entry now. */
  if (self->clients == NULL)
    return;
  presso_client_list_set_query (self->clients,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_list_state (self);
  if (presso_client_list_get_loading (self->clients) ||
      g_list_model_get_n_items (G_LIST_MODEL (self->clients)) == 0)
    return;
  gtk_single_selection_set_selected (self->selection, 0);
  first = g_list_model_get_item (G_LIST_MODEL (self->clients), 0);
  presso_clients_page_show_client (self, first);
}

static void
on_show_archived_toggled_cb (PressoClientsPage *self)
{
  if (self->clients == NULL)
    return;
  presso_client_list_set_show_archived (self->clients,
                                        gtk_check_button_get_active (self->show_archived_check));
  update_list_state (self);
}

static void
on_editor_saved_cb (PressoClientsPage  *self,
                    PressoClient       *client)
{
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  self->editing = FALSE;
  presso_clients_page_show_client (self, client);
  select_client (self, presso_client_get_id (client));

  name = toast_name (client);
  /* Translators: a client's name */
  message = g_strdup_printf (_("“%s” saved"), name);
  add_toast (self, adw_toast_new (message));
}

static void
on_editor_cancelled_cb (PressoClientsPage *self)
{
  self->editing = FALSE;
  if (self->current != NULL)
    gtk_stack_set_visible_child_name (self->detail_stack, "view");
  else
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
    }
  update_actions (self);
}

static void
on_editor_open_existing_cb (PressoClientsPage *self,
                            PressoClient      *client)
{
  g_autoptr(PressoClient) existing = g_object_ref (client);

  self->editing = FALSE;
  presso_clients_page_show_client (self, existing);
  select_client (self, presso_client_get_id (existing));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);

  if (self->editing || self->store == NULL)
    return;
  self->editing = TRUE;
  update_actions (self);
  show_detail (self, "edit");
  presso_client_editor_edit (ensure_editor (self), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);

  if (self->editing || self->current == NULL)
    return;
  self->editing = TRUE;
  update_actions (self);
  show_detail (self, "edit");
  presso_client_editor_edit (ensure_editor (self), self->current);
}

static void
archive_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;
  AdwToast *toast;
  gint64 id;

  if (self->current == NULL || self->editing)
    return;
  id = presso_client_get_id (self->current);
  if (!set_archived (self, id, TRUE))
    return;

  name = toast_name (self->current);
  /* Translators: a client's name */
  message = g_strdup_printf (_("“%s” archived"), name);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "clients.undo-archive");
  adw_toast_set_action_target_value (toast, g_variant_new_int64 (id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  add_toast (self, toast);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  if (self->current == NULL || self->editing)
    return;
  if (!set_archived (self, presso_client_get_id (self->current), FALSE))
    return;

  name = toast_name (self->current);
  /* Translators: a client's name */
  message = g_strdup_printf (_("“%s” restored"), name);
  add_toast (self, adw_toast_new (message));
}

static void
undo_archive_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);

  if (set_archived (self, id, FALSE))
    select_client (self, id);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (widget);

  if (self->editing)
    return;
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
presso_clients_page_dispose (GObject *object)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_CLIENTS_PAGE);
  self->empty_page = NULL;
  self->no_results_page = NULL;
  self->client_view = NULL;
  self->editor = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->clients);
  g_clear_object (&self->current);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (presso_clients_page_parent_class)->dispose (object);
}

static void
presso_clients_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CURRENT:
      g_value_set_object (value, self->current);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_clients_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PressoClientsPage *self = PRESSO_CLIENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      presso_clients_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_clients_page_class_init (PressoClientsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_clients_page_dispose;
  object_class->get_property = presso_clients_page_get_property;
  object_class->set_property = presso_clients_page_set_property;

  /**
   * PressoClientsPage:store:
   *
   * The clinic database whose clients are shown.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * PressoClientsPage:current: (nullable)
   *
   * The client whose record is shown (as stored), for areas that follow the selected client.
   */
  properties[PROP_CURRENT] =
    g_param_spec_object ("current", NULL, NULL, PRESSO_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "clients.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "clients.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "clients.archive", NULL, archive_action);
  gtk_widget_class_install_action (widget_class, "clients.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "clients.undo-archive", "x", undo_archive_action);
  gtk_widget_class_install_action (widget_class, "clients.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "page.find", NULL, find_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-clients-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, show_archived_check);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, view_page);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, archive_button);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, restore_button);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, view_bin);
  gtk_widget_class_bind_template_child (widget_class, PressoClientsPage, editor_bin);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_archived_toggled_cb);
}

static void
presso_clients_page_init (PressoClientsPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  update_actions (self);
}

/**
 * presso_clients_page_new:
 * @store: (nullable): the clinic database
 *
 * Returns: (transfer floating): the Clients area
 */
GtkWidget *
presso_clients_page_new (PressoStore *store)
{
  return g_object_new (PRESSO_TYPE_CLIENTS_PAGE, "store", store, NULL);
}

/**
 * presso_clients_page_get_store:
 *
 * Returns: (transfer none) (nullable): the clinic database
 */
PressoStore *
presso_clients_page_get_store (PressoClientsPage *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENTS_PAGE (self), NULL);

  return self->store;
}

void
presso_clients_page_set_store (PressoClientsPage *self,
                               PressoStore       *store)
{
  g_return_if_fail (PRESSO_IS_CLIENTS_PAGE (self));
  g_return_if_fail (!store || PRESSO_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->clients != NULL)
    g_signal_handlers_disconnect_by_data (self->clients, self);
  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->clients);
  if (self->current != NULL)
    {
      g_clear_object (&self->current);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
    }
  self->editing = FALSE;

  if (self->client_view != NULL)
    presso_client_view_set_store (self->client_view, store);
  if (self->editor != NULL)
    presso_client_editor_set_store (self->editor, store);
  gtk_stack_set_visible_child_name (self->detail_stack, "none");

  if (store != NULL)
    {
      /* Read on a worker thread: the window shows itself without waiting for the list. */
      self->clients = presso_client_list_new_loading (store);
      presso_client_list_set_query (self->clients,
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      presso_client_list_set_show_archived (self->clients,
                                            gtk_check_button_get_active (self->show_archived_check));
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->clients)));
      gtk_single_selection_set_autoselect (self->selection, FALSE);
      gtk_single_selection_set_can_unselect (self->selection, TRUE);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      g_signal_connect_object (self->clients, "items-changed",
                               G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->clients, "notify::loading",
                               G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->selection, "notify::selected-item",
                               G_CALLBACK (on_selected_item_changed_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
    }

  update_list_state (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * presso_clients_page_get_list:
 *
 * Returns: (transfer none) (nullable): the list model shown in the sidebar
 */
PressoClientList *
presso_clients_page_get_list (PressoClientsPage *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENTS_PAGE (self), NULL);

  return self->clients;
}

/**
 * presso_clients_page_get_current:
 *
 * Returns: (transfer none) (nullable): the client shown in the detail pane
 */
PressoClient *
presso_clients_page_get_current (PressoClientsPage *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENTS_PAGE (self), NULL);

  return self->current;
}

/**
 * presso_clients_page_show_client:
 * @client: a client as stored
 *
 * Shows @client's record in the detail pane (and, on a narrow window, goes to it).
 */
void
presso_clients_page_show_client (PressoClientsPage *self,
                                 PressoClient      *client)
{
  g_return_if_fail (PRESSO_IS_CLIENTS_PAGE (self));
  g_return_if_fail (PRESSO_IS_CLIENT (client));

  if (g_set_object (&self->current, client))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
  presso_client_view_set_client (ensure_view (self), client);
  show_detail (self, "view");
  update_actions (self);
}

/**
 * presso_clients_page_get_editor:
 *
 * Returns: (transfer none): the client editor (created on first use)
 */
PressoClientEditor *
presso_clients_page_get_editor (PressoClientsPage *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENTS_PAGE (self), NULL);

  return ensure_editor (self);
}

/**
 * presso_clients_page_get_view:
 *
 * Returns: (transfer none): the record view of the detail pane (created on first use)
 */
PressoClientView *
presso_clients_page_get_view (PressoClientsPage *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENTS_PAGE (self), NULL);

  return ensure_view (self);
}

gboolean
presso_clients_page_is_editing (PressoClientsPage *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENTS_PAGE (self), FALSE);

  return self->editing;
}
