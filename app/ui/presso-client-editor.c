/* presso-client-editor.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Creates or edits one client.  Saving checks the record with presso_client_validate() and
 * shows each problem under its field, keeping everything typed; warns of a likely duplicate
 * (same name and birth date) before creating one; and, when someone else saved the client in
 * the meantime (optimistic lock), says so and keeps the typing until the user reloads.
 */
#define G_LOG_DOMAIN "presso-client-editor"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-client-editor.h"
#include "presso-client-view.h"
#include "presso-ui-util.h"

struct _PressoClientEditor
{
  AdwBin          parent_instance;

  PressoStore    *store;
  PressoClient   *original;   /* as read from the store, or a new empty client */

  GtkLabel       *title_label;
  GtkInfoBar     *conflict_bar;
  GtkLabel       *conflict_label;
  GtkScrolledWindow *scrolled_window;
  AdwEntryRow    *first_name_row;
  AdwEntryRow    *last_name_row;
  AdwEntryRow    *birth_date_row;
  GtkMenuButton  *birth_date_button;
  GtkCalendar    *birth_date_calendar;
  AdwComboRow    *sex_row;
  AdwEntryRow    *referring_doctor_row;
  AdwEntryRow    *phone_row;
  AdwEntryRow    *email_row;
  AdwEntryRow    *address_row;
  AdwEntryRow    *emergency_contact_row;
  AdwEntryRow    *consent_data_row;
  GtkMenuButton  *consent_data_button;
  GtkCalendar    *consent_data_calendar;
  GtkSwitch      *consent_photos_switch;
  GtkTextView    *notes_view;
  AdwPreferencesGroup *record_group;
  AdwActionRow   *created_row;
  AdwActionRow   *updated_row;

  /* One error row (a message under the field) per field presso_client_validate() checks,
   * indexed by PressoClientField. */
  AdwPreferencesRow *error_rows[PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE + 1];
  GtkLabel          *error_labels[PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE + 1];
};

G_DEFINE_FINAL_TYPE (PressoClientEditor, presso_client_editor, ADW_TYPE_BIN)

enum {
  SAVED,
  CANCELLED,
  OPEN_EXISTING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static AdwEntryRow *
field_row (PressoClientEditor *self,
           PressoClientField   field)
{
  switch (field)
    {
    case PRESSO_CLIENT_FIELD_FIRST_NAME:
      return self->first_name_row;
    case PRESSO_CLIENT_FIELD_LAST_NAME:
      return self->last_name_row;
    case PRESSO_CLIENT_FIELD_BIRTH_DATE:
      return self->birth_date_row;
    case PRESSO_CLIENT_FIELD_PHONE:
      return self->phone_row;
    case PRESSO_CLIENT_FIELD_EMAIL:
      return self->email_row;
    case PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE:
    default:
      return self->consent_data_row;
    }
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
clear_problems (PressoClientEditor *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->error_rows); i++)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_rows[i]), FALSE);
      gtk_label_set_label (self->error_labels[i], "");
      gtk_widget_remove_css_class (GTK_WIDGET (field_row (self, i)), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (field_row (self, i)),
                                  GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (field_row (self, i)),
                                     GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
    }
}

static void
show_problems (PressoClientEditor *self,
               GPtrArray          *problems)
{
  GtkWidget *first = NULL;

  clear_problems (self);
  for (guint i = 0; i < problems->len; i++)
    {
      PressoClientProblem *problem = g_ptr_array_index (problems, i);
      guint field = problem->field;

      if (field >= G_N_ELEMENTS (self->error_rows))
        continue;
      gtk_label_set_label (self->error_labels[field], problem->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_rows[field]), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (field_row (self, field)), "error");
      /* Not colour alone: screen readers hear the field is invalid, and why. */
      gtk_accessible_update_state (GTK_ACCESSIBLE (field_row (self, field)),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (field_row (self, field)),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                      self->error_labels[field], NULL,
                                      -1);
      if (first == NULL)
        first = GTK_WIDGET (field_row (self, field));
    }
  if (first != NULL)
    gtk_widget_grab_focus (first);
}

static void
show_error_dialog (PressoClientEditor *self,
                   const char         *heading,
                   const char         *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
load_form (PressoClientEditor *self)
{
  PressoClient *c = self->original;
  g_autofree char *birth_date = presso_format_date (presso_client_get_birth_date (c));
  g_autofree char *consent = presso_format_date (presso_client_get_consent_data_date (c));
  gboolean stored = presso_client_get_id (c) != 0;

  set_text (self->first_name_row, presso_client_get_first_name (c));
  set_text (self->last_name_row, presso_client_get_last_name (c));
  set_text (self->birth_date_row, birth_date);
  adw_combo_row_set_selected (self->sex_row, presso_client_get_sex (c));
  set_text (self->referring_doctor_row, presso_client_get_referring_doctor (c));
  set_text (self->phone_row, presso_client_get_phone (c));
  set_text (self->email_row, presso_client_get_email (c));
  set_text (self->address_row, presso_client_get_address (c));
  set_text (self->emergency_contact_row, presso_client_get_emergency_contact (c));
  set_text (self->consent_data_row, consent);
  gtk_switch_set_active (self->consent_photos_switch, presso_client_get_consent_photos (c));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view),
                            presso_client_get_notes (c), -1);

  gtk_label_set_label (self->title_label, stored ? _("Edit Client") : _("New Client"));
  gtk_widget_set_visible (GTK_WIDGET (self->record_group), stored);
  if (stored)
    {
      g_autofree char *created = presso_describe_change (self->store,
                                                         presso_client_get_created_at (c),
                                                         presso_client_get_created_by (c));
      g_autofree char *updated = presso_describe_change (self->store,
                                                         presso_client_get_updated_at (c),
                                                         presso_client_get_updated_by (c));

      adw_action_row_set_subtitle (self->created_row, created ? created : "");
      adw_action_row_set_subtitle (self->updated_row, updated ? updated : "");
    }

  clear_problems (self);
  gtk_info_bar_set_revealed (self->conflict_bar, FALSE);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
}

static gboolean
write_client (PressoClientEditor *self,
              PressoClient       *client)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (presso_client_get_id (client) == 0)
    ok = presso_store_insert_client (self->store, client, &error);
  else
    ok = presso_store_update_client (self->store, client, &error);

  if (ok)
    {
      g_set_object (&self->original, client);
      gtk_info_bar_set_revealed (self->conflict_bar, FALSE);
      g_signal_emit (self, signals[SAVED], 0, client);
      return TRUE;
    }

  if (g_error_matches (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT))
    {
      g_autofree char *message =
        g_strdup_printf (_("Not saved: %s Your changes are still here. Reload to see the other "
                           "changes (what you typed here will be replaced)."), error->message);

      gtk_label_set_label (self->conflict_label, message);
      gtk_info_bar_set_revealed (self->conflict_bar, TRUE);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
    }
  else
    show_error_dialog (self, _("Cannot Save the Client"), error->message);

  return FALSE;
}

static void
on_duplicate_response_cb (AdwMessageDialog   *dialog,
                          const char         *response,
                          PressoClientEditor *self)
{
  PressoClient *client = g_object_get_data (G_OBJECT (dialog), "presso-client");
  PressoClient *existing = g_object_get_data (G_OBJECT (dialog), "presso-existing");

  if (g_strcmp0 (response, "create") == 0)
    write_client (self, client);
  else if (g_strcmp0 (response, "open") == 0)
    g_signal_emit (self, signals[OPEN_EXISTING], 0, existing);
}

static gboolean
same_identity (PressoClient *a,
               PressoClient *b)
{
  return g_strcmp0 (presso_client_get_first_name (a), presso_client_get_first_name (b)) == 0
      && g_strcmp0 (presso_client_get_last_name (a), presso_client_get_last_name (b)) == 0
      && g_strcmp0 (presso_client_get_birth_date (a), presso_client_get_birth_date (b)) == 0;
}

static void
on_birth_date_popover_show_cb (PressoClientEditor *self)
{
  g_autofree char *iso = presso_date_from_text (gtk_editable_get_text (GTK_EDITABLE (self->birth_date_row)));
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso_time = NULL;

  if (iso != NULL)
    {
      iso_time = g_strconcat (iso, "T12:00:00Z", NULL);
      date = g_date_time_new_from_iso8601 (iso_time, NULL);
    }
  if (date == NULL)
    date = g_date_time_new_local (1970, 1, 1, 12, 0, 0);
  gtk_calendar_select_day (self->birth_date_calendar, date);
}

static void
on_birth_date_day_selected_cb (PressoClientEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->birth_date_calendar);
  g_autofree char *text = g_date_time_format (date, "%d/%m/%Y");

  gtk_editable_set_text (GTK_EDITABLE (self->birth_date_row), text);
  gtk_menu_button_popdown (self->birth_date_button);
}

static void
on_consent_data_popover_show_cb (PressoClientEditor *self)
{
  g_autofree char *iso = presso_date_from_text (gtk_editable_get_text (GTK_EDITABLE (self->consent_data_row)));
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso_time = NULL;

  if (iso != NULL)
    {
      iso_time = g_strconcat (iso, "T12:00:00Z", NULL);
      date = g_date_time_new_from_iso8601 (iso_time, NULL);
    }
  if (date == NULL)
    date = g_date_time_new_now_local ();
  gtk_calendar_select_day (self->consent_data_calendar, date);
}

static void
on_consent_data_day_selected_cb (PressoClientEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->consent_data_calendar);
  g_autofree char *text = g_date_time_format (date, "%d/%m/%Y");

  gtk_editable_set_text (GTK_EDITABLE (self->consent_data_row), text);
  gtk_menu_button_popdown (self->consent_data_button);
}

static void
on_conflict_response_cb (PressoClientEditor *self,
                         int                 response,
                         GtkInfoBar         *info_bar)
{
  g_autoptr(PressoClient) fresh = NULL;
  g_autoptr(GError) error = NULL;

  fresh = presso_store_get_client (self->store, presso_client_get_id (self->original), &error);
  if (fresh == NULL)
    {
      show_error_dialog (self, _("Cannot Reload the Client"), error->message);
      return;
    }
  presso_client_editor_edit (self, fresh);
}

static void
on_discard_response_cb (AdwMessageDialog   *dialog,
                        const char         *response,
                        PressoClientEditor *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    g_signal_emit (self, signals[CANCELLED], 0);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  presso_client_editor_save (PRESSO_CLIENT_EDITOR (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PressoClientEditor *self = PRESSO_CLIENT_EDITOR (widget);
  GtkWidget *dialog;

  if (!presso_client_editor_is_modified (self))
    {
      g_signal_emit (self, signals[CANCELLED], 0);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Discard Changes?"),
                                   _("What you typed in this form will be lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
presso_client_editor_dispose (GObject *object)
{
  PressoClientEditor *self = PRESSO_CLIENT_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_CLIENT_EDITOR);
  g_clear_object (&self->original);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (presso_client_editor_parent_class)->dispose (object);
}

static void
presso_client_editor_class_init (PressoClientEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_client_editor_dispose;

  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PRESSO_TYPE_CLIENT);
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[OPEN_EXISTING] =
    g_signal_new ("open-existing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PRESSO_TYPE_CLIENT);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-client-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, conflict_bar);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, conflict_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, first_name_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, last_name_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, birth_date_button);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, birth_date_calendar);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, sex_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, referring_doctor_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, phone_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, email_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, address_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, emergency_contact_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, consent_data_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, consent_data_button);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, consent_data_calendar);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, consent_photos_switch);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, notes_view);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, record_group);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, created_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientEditor, updated_row);
  gtk_widget_class_bind_template_child_full (widget_class, "first_name_error_row", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_rows[PRESSO_CLIENT_FIELD_FIRST_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "last_name_error_row", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_rows[PRESSO_CLIENT_FIELD_LAST_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "birth_date_error_row", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_rows[PRESSO_CLIENT_FIELD_BIRTH_DATE]));
  gtk_widget_class_bind_template_child_full (widget_class, "phone_error_row", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_rows[PRESSO_CLIENT_FIELD_PHONE]));
  gtk_widget_class_bind_template_child_full (widget_class, "email_error_row", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_rows[PRESSO_CLIENT_FIELD_EMAIL]));
  gtk_widget_class_bind_template_child_full (widget_class, "consent_data_error_row", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_rows[PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE]));
  gtk_widget_class_bind_template_child_full (widget_class, "first_name_error_label", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_labels[PRESSO_CLIENT_FIELD_FIRST_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "last_name_error_label", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_labels[PRESSO_CLIENT_FIELD_LAST_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "birth_date_error_label", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_labels[PRESSO_CLIENT_FIELD_BIRTH_DATE]));
  gtk_widget_class_bind_template_child_full (widget_class, "phone_error_label", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_labels[PRESSO_CLIENT_FIELD_PHONE]));
  gtk_widget_class_bind_template_child_full (widget_class, "email_error_label", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_labels[PRESSO_CLIENT_FIELD_EMAIL]));
  gtk_widget_class_bind_template_child_full (widget_class, "consent_data_error_label", FALSE,
    G_STRUCT_OFFSET (PressoClientEditor, error_labels[PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE]));
  gtk_widget_class_bind_template_callback (widget_class, on_birth_date_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_birth_date_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_consent_data_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_consent_data_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_conflict_response_cb);
}

static void
presso_client_editor_init (PressoClientEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->original = presso_client_new ();
  load_form (self);
}

GtkWidget *
presso_client_editor_new (void)
{
  return g_object_new (PRESSO_TYPE_CLIENT_EDITOR, NULL);
}

void
presso_client_editor_set_store (PressoClientEditor *self,
                                PressoStore        *store)
{
  g_return_if_fail (PRESSO_IS_CLIENT_EDITOR (self));

  g_set_object (&self->store, store);
}

/**
 * presso_client_editor_edit:
 * @client: (nullable): the client to edit, as read from the store, or NULL for a new client
 *
 * Fills the form from @client (the editor keeps its own copy; @client is not changed).
 */
void
presso_client_editor_edit (PressoClientEditor *self,
                           PressoClient       *client)
{
  g_return_if_fail (PRESSO_IS_CLIENT_EDITOR (self));
  g_return_if_fail (!client || PRESSO_IS_CLIENT (client));

  g_clear_object (&self->original);
  self->original = client ? presso_client_copy (client) : presso_client_new ();
  load_form (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->first_name_row));
}

/**
 * presso_client_editor_get_original:
 *
 * Returns: (transfer none): the client as it was when editing started (or was last saved)
 */
PressoClient *
presso_client_editor_get_original (PressoClientEditor *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_EDITOR (self), NULL);

  return self->original;
}

/**
 * presso_client_editor_read_form:
 *
 * Returns: (transfer full): a copy of the client being edited, with what the form holds
 */
PressoClient *
presso_client_editor_read_form (PressoClientEditor *self)
{
  PressoClient *client;
  g_autofree char *birth_date = NULL;
  g_autofree char *consent = NULL;
  g_autofree char *notes = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (PRESSO_IS_CLIENT_EDITOR (self), NULL);

  client = presso_client_copy (self->original);
  birth_date = presso_date_from_text (gtk_editable_get_text (GTK_EDITABLE (self->birth_date_row)));
  consent = presso_date_from_text (gtk_editable_get_text (GTK_EDITABLE (self->consent_data_row)));
  buffer = gtk_text_view_get_buffer (self->notes_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  presso_client_set_first_name (client, gtk_editable_get_text (GTK_EDITABLE (self->first_name_row)));
  presso_client_set_last_name (client, gtk_editable_get_text (GTK_EDITABLE (self->last_name_row)));
  presso_client_set_birth_date (client, birth_date);
  presso_client_set_sex (client, adw_combo_row_get_selected (self->sex_row));
  presso_client_set_referring_doctor (client, gtk_editable_get_text (GTK_EDITABLE (self->referring_doctor_row)));
  presso_client_set_phone (client, gtk_editable_get_text (GTK_EDITABLE (self->phone_row)));
  presso_client_set_email (client, gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
  presso_client_set_address (client, gtk_editable_get_text (GTK_EDITABLE (self->address_row)));
  presso_client_set_emergency_contact (client, gtk_editable_get_text (GTK_EDITABLE (self->emergency_contact_row)));
  presso_client_set_consent_data_date (client, consent);
  presso_client_set_consent_photos (client, gtk_switch_get_active (self->consent_photos_switch));
  presso_client_set_notes (client, notes);

  return client;
}

/**
 * presso_client_editor_is_modified:
 *
 * Returns: whether the form differs from the client being edited
 */
gboolean
presso_client_editor_is_modified (PressoClientEditor *self)
{
  g_autoptr(PressoClient) form = NULL;
  PressoClient *c;

  g_return_val_if_fail (PRESSO_IS_CLIENT_EDITOR (self), FALSE);

  form = presso_client_editor_read_form (self);
  c = self->original;
  return !same_identity (form, c)
      || presso_client_get_sex (form) != presso_client_get_sex (c)
      || g_strcmp0 (presso_client_get_referring_doctor (form), presso_client_get_referring_doctor (c)) != 0
      || g_strcmp0 (presso_client_get_phone (form), presso_client_get_phone (c)) != 0
      || g_strcmp0 (presso_client_get_email (form), presso_client_get_email (c)) != 0
      || g_strcmp0 (presso_client_get_address (form), presso_client_get_address (c)) != 0
      || g_strcmp0 (presso_client_get_emergency_contact (form), presso_client_get_emergency_contact (c)) != 0
      || g_strcmp0 (presso_client_get_consent_data_date (form), presso_client_get_consent_data_date (c)) != 0
      || presso_client_get_consent_photos (form) != presso_client_get_consent_photos (c)
      || g_strcmp0 (presso_client_get_notes (form), presso_client_get_notes (c)) != 0;
}

/**
 * presso_client_editor_save:
 *
 * What the Save button does: checks the form, shows any problem under its field, asks about
 * a likely duplicate, then writes the client.  Emits "saved" when it was written.
 */
void
presso_client_editor_save (PressoClientEditor *self)
{
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) duplicates = NULL;
  g_autoptr(GError) error = NULL;
  PressoClient *existing;
  g_autofree char *body = NULL;
  g_autofree char *birth_date = NULL;
  GtkWidget *dialog;

  g_return_if_fail (PRESSO_IS_CLIENT_EDITOR (self));
  g_return_if_fail (self->store != NULL);

  client = presso_client_editor_read_form (self);
  if (!presso_client_validate (client, NULL, &problems))
    {
      show_problems (self, problems);
      return;
    }
  clear_problems (self);

  /* Only a new identity can duplicate someone: warn when creating a client, or when an edit
   * changes the name or birth date. */
  if (presso_client_get_id (client) == 0 || !same_identity (client, self->original))
    duplicates = presso_store_find_duplicates (self->store, client, &error);
  if (error != NULL)
    g_warning ("Cannot look for duplicates: %s", error->message);
  if (duplicates == NULL || duplicates->len == 0)
    {
      write_client (self, client);
      return;
    }

  existing = g_ptr_array_index (duplicates, 0);
  birth_date = presso_format_date (presso_client_get_birth_date (existing));
  if (presso_client_get_archived (existing))
    /* Translators: a name, then a birth date */
    body = g_strdup_printf (_("%s, born on %s, is already a client, archived. Open that record "
                              "instead of creating a second one?"),
                            presso_client_get_display_name (existing),
                            birth_date ? birth_date : "");
  else
    /* Translators: a name, then a birth date */
    body = g_strdup_printf (_("%s, born on %s, is already a client. Open that record instead "
                              "of creating a second one?"),
                            presso_client_get_display_name (existing),
                            birth_date ? birth_date : "");
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Possible Duplicate"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate Anyway"),
                                    "open", _("_Open Existing"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "presso-client",
                          g_object_ref (client), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "presso-existing",
                          g_object_ref (existing), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_duplicate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
