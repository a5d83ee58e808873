/* presso-client-row.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One client in the list: name, birth date and phone, and an "Archived" tag (a word, not a
 * colour) for archived clients.
 */
#define G_LOG_DOMAIN "presso-client-row"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-client-row.h"
#include "presso-ui-util.h"

struct _PressoClientRow
{
  AdwBin        parent_instance;

  PressoClient *client;

  GtkLabel     *name_label;
  GtkLabel     *details_label;
  GtkLabel     *archived_label;
};

G_DEFINE_FINAL_TYPE (PressoClientRow, presso_client_row, ADW_TYPE_BIN)

static void
presso_client_row_dispose (GObject *object)
{
  PressoClientRow *self = PRESSO_CLIENT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_CLIENT_ROW);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (presso_client_row_parent_class)->dispose (object);
}

static void
presso_client_row_class_init (PressoClientRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_client_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-client-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoClientRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, PressoClientRow, archived_label);
}

static void
presso_client_row_init (PressoClientRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
presso_client_row_new (void)
{
  return g_object_new (PRESSO_TYPE_CLIENT_ROW, NULL);
}

/**
 * presso_client_row_get_client:
 *
 * Returns: (transfer none) (nullable): the client shown
 */
PressoClient *
presso_client_row_get_client (PressoClientRow *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_ROW (self), NULL);

  return self->client;
}

void
presso_client_row_set_client (PressoClientRow *self,
                              PressoClient    *client)
{
  g_autofree char *birth_date = NULL;
  g_autoptr(GString) details = NULL;
  const char *phone;

  g_return_if_fail (PRESSO_IS_CLIENT_ROW (self));
  g_return_if_fail (!client || PRESSO_IS_CLIENT (client));

  g_set_object (&self->client, client);
  if (client == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->details_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->archived_label), FALSE);
      return;
    }

  details = g_string_new (NULL);
  birth_date = presso_format_date (presso_client_get_birth_date (client));
  phone = presso_client_get_phone (client);
  if (birth_date != NULL)
    g_string_append (details, birth_date);
  if (phone[0] != '\0')
    g_string_append_printf (details, "%s%s", details->len ? " · " : "", phone);

  gtk_label_set_label (self->name_label, presso_client_get_display_name (client));
  gtk_label_set_label (self->details_label, details->str);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), details->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->archived_label),
                          presso_client_get_archived (client));
}
