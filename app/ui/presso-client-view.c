/* presso-client-view.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client's record, read-only: identity, contact, consent, notes, and who created and last
 * changed it.
 */
#define G_LOG_DOMAIN "presso-client-view"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-client-view.h"
#include "presso-screening-status-group.h"
#include "presso-ui-util.h"

struct _PressoClientView
{
  AdwBin        parent_instance;

  PressoStore  *store;
  PressoClient *client;

  AdwAvatar    *avatar;
  GtkLabel     *name_label;
  GtkLabel     *age_label;
  GtkLabel     *archived_label;
  AdwActionRow *birth_date_row;
  AdwActionRow *sex_row;
  AdwActionRow *referring_doctor_row;
  AdwActionRow *phone_row;
  AdwActionRow *email_row;
  AdwActionRow *address_row;
  AdwActionRow *emergency_contact_row;
  AdwActionRow *consent_data_row;
  AdwActionRow *consent_photos_row;
  GtkLabel     *notes_label;
  AdwActionRow *created_row;
  AdwActionRow *updated_row;
  AdwPreferencesGroup *history_group;
  GtkListBox   *history_list;
  PressoScreeningStatusGroup *screening_status;
};

/* The history shows the newest changes; older ones are in the audit trail (exports). */
#define MAX_HISTORY_ROWS 20

G_DEFINE_FINAL_TYPE (PressoClientView, presso_client_view, ADW_TYPE_BIN)

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  gboolean empty = value == NULL || value[0] == '\0';

  adw_action_row_set_subtitle (row, empty ? _("Not recorded") : value);
  if (empty)
    gtk_widget_add_css_class (GTK_WIDGET (row), "presso-empty");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "presso-empty");
}

const char *
presso_sex_to_string (PressoSex sex)
{
  switch (sex)
    {
    case PRESSO_SEX_FEMALE:
      return _("Female");
    case PRESSO_SEX_MALE:
      return _("Male");
    case PRESSO_SEX_OTHER:
      return _("Other");
    case PRESSO_SEX_UNSPECIFIED:
    default:
      return _("Not specified");
    }
}

/**
 * presso_describe_change:
 * @store: (nullable): to look up the staff member's name
 * @at: (nullable): when
 * @staff_id: who (0 = unknown)
 *
 * Returns: (transfer full) (nullable): "24/11/2026 13:05 by Claire Martin"
 */
char *
presso_describe_change (PressoStore *store,
                        GDateTime   *at,
                        gint64       staff_id)
{
  g_autofree char *when = presso_format_date_time (at);
  g_autoptr(PressoStaff) staff = NULL;

  if (when == NULL)
    return NULL;
  if (store != NULL && staff_id > 0)
    staff = presso_store_get_staff (store, staff_id, NULL);
  if (staff == NULL)
    return g_steal_pointer (&when);
  /* Translators: when a record was created or changed, and by whom: "24/11/2026 13:05 by Claire Martin" */
  return g_strdup_printf (_("%s by %s"), when, presso_staff_get_display_name (staff));
}

static const char *
field_label (const char *property)
{
  static const struct { const char *property; const char *label; } labels[] = {
    { "first-name", N_("first name") },
    { "last-name", N_("last name") },
    { "birth-date", N_("birth date") },
    { "sex", N_("sex") },
    { "phone", N_("phone") },
    { "email", N_("email") },
    { "address", N_("address") },
    { "referring-doctor", N_("referring doctor") },
    { "emergency-contact", N_("emergency contact") },
    { "notes", N_("notes") },
    { "consent-data-date", N_("consent to data processing") },
    { "consent-photos", N_("consent to photos") },
    { "archived", N_("archived") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].property, property))
      return _(labels[i].label);
  return property;
}

static char *
describe_audit_entry (PressoAuditEntry *entry)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GString) names = NULL;

  if (g_str_equal (entry->action, "create"))
    return g_strdup (_("Created"));
  if (g_str_equal (entry->action, "archive"))
    return g_strdup (_("Archived"));
  if (g_str_equal (entry->action, "restore"))
    return g_strdup (_("Restored"));

  names = g_string_new (NULL);
  fields = g_strsplit (entry->fields ? entry->fields : "", " ", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    if (fields[i][0] != '\0')
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", field_label (fields[i]));
  if (names->len == 0)
    return g_strdup (_("Saved without changes"));
  /* Translators: followed by the fields changed, "phone, email" */
  return g_strdup_printf (_("Changed %s"), names->str);
}

static void
update_history (PressoClientView *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);

  if (self->store != NULL && presso_client_get_id (self->client) > 0)
    entries = presso_store_list_client_audit (self->store, presso_client_get_id (self->client),
                                              &error);
  if (error != NULL)
    g_warning ("Cannot read the history of client %" G_GINT64_FORMAT ": %s",
               presso_client_get_id (self->client), error->message);

  gtk_widget_set_visible (GTK_WIDGET (self->history_group), entries && entries->len > 0);
  for (guint i = 0; entries && i < entries->len && i < MAX_HISTORY_ROWS; i++)
    {
      PressoAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *what = describe_audit_entry (entry);
      g_autofree char *when = presso_format_date_time (entry->at);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (entry->staff_name != NULL && entry->staff_name[0] != '\0')
        /* Translators: when, then who: "24/11/2026 13:05 · Claire Martin" */
        subtitle = g_strdup_printf (_("%s · %s"), when, entry->staff_name);
      else
        subtitle = g_strdup (when);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->history_list, row);
    }
}

static void
update (PressoClientView *self)
{
  PressoClient *c = self->client;
  g_autofree char *birth_date = NULL;
  g_autofree char *age = NULL;
  g_autofree char *consent = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;
  const char *notes;
  int years;

  if (c == NULL)
    return;

  adw_avatar_set_text (self->avatar, presso_client_get_display_name (c));
  gtk_label_set_label (self->name_label, presso_client_get_display_name (c));
  gtk_widget_set_visible (GTK_WIDGET (self->archived_label), presso_client_get_archived (c));

  birth_date = presso_format_date (presso_client_get_birth_date (c));
  years = presso_client_get_age (c, NULL);
  if (years >= 0)
    age = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year old", "%d years old", years),
                           years);
  gtk_label_set_label (self->age_label, age ? age : "");
  gtk_widget_set_visible (GTK_WIDGET (self->age_label), age != NULL);

  set_value (self->birth_date_row, birth_date);
  set_value (self->sex_row, presso_client_get_sex (c) == PRESSO_SEX_UNSPECIFIED
                            ? NULL : presso_sex_to_string (presso_client_get_sex (c)));
  set_value (self->referring_doctor_row, presso_client_get_referring_doctor (c));
  set_value (self->phone_row, presso_client_get_phone (c));
  set_value (self->email_row, presso_client_get_email (c));
  set_value (self->address_row, presso_client_get_address (c));
  set_value (self->emergency_contact_row, presso_client_get_emergency_contact (c));

  consent = presso_format_date (presso_client_get_consent_data_date (c));
  if (consent != NULL)
    {
      /* Translators: consent to data processing, given on a date */
      g_autofree char *given = g_strdup_printf (_("Given on %s"), consent);
      set_value (self->consent_data_row, given);
    }
  else
    set_value (self->consent_data_row, NULL);
  set_value (self->consent_photos_row,
             presso_client_get_consent_photos (c) ? _("Given") : _("Not given"));

  notes = presso_client_get_notes (c);
  gtk_label_set_label (self->notes_label, notes[0] ? notes : _("No notes"));
  if (notes[0])
    gtk_widget_remove_css_class (GTK_WIDGET (self->notes_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->notes_label), "dim-label");

  created = presso_describe_change (self->store, presso_client_get_created_at (c),
                                    presso_client_get_created_by (c));
  updated = presso_describe_change (self->store, presso_client_get_updated_at (c),
                                    presso_client_get_updated_by (c));
  set_value (self->created_row, created);
  set_value (self->updated_row, updated);

  update_history (self);
}

static void
presso_client_view_dispose (GObject *object)
{
  PressoClientView *self = PRESSO_CLIENT_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_CLIENT_VIEW);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (presso_client_view_parent_class)->dispose (object);
}

static void
presso_client_view_class_init (PressoClientViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_client_view_dispose;

  g_type_ensure (PRESSO_TYPE_SCREENING_STATUS_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-client-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, screening_status);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, avatar);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, name_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, age_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, archived_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, sex_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, referring_doctor_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, phone_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, email_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, address_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, emergency_contact_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, consent_data_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, consent_photos_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, notes_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, created_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, updated_row);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, history_group);
  gtk_widget_class_bind_template_child (widget_class, PressoClientView, history_list);
}

static void
presso_client_view_init (PressoClientView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
presso_client_view_new (void)
{
  return g_object_new (PRESSO_TYPE_CLIENT_VIEW, NULL);
}

void
presso_client_view_set_store (PressoClientView *self,
                              PressoStore      *store)
{
  g_return_if_fail (PRESSO_IS_CLIENT_VIEW (self));

  g_set_object (&self->store, store);
  presso_screening_status_group_set_store (self->screening_status, store);
}

/**
 * presso_client_view_get_client:
 *
 * Returns: (transfer none) (nullable): the client shown
 */
PressoClient *
presso_client_view_get_client (PressoClientView *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_VIEW (self), NULL);

  return self->client;
}

void
presso_client_view_set_client (PressoClientView *self,
                               PressoClient     *client)
{
  g_return_if_fail (PRESSO_IS_CLIENT_VIEW (self));
  g_return_if_fail (!client || PRESSO_IS_CLIENT (client));

  g_set_object (&self->client, client);
  update (self);
  presso_screening_status_group_set_client (self->screening_status, client);
}
