/* presso-client-row.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One client in the list: name, birth date and phone, and an "Archived" tag (a word, not a
 * colour) for archived clients.
 *
 * Built in code rather than from a template: a list shows dozens of rows as soon as Presso
 * starts, and parsing a template for each one showed in the startup benchmark.
 */
#define G_LOG_DOMAIN "presso-client-row"
#include "config.h"

#include <stdarg.h>

#include <glib/gi18n.h>

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

  g_clear_object (&self->client);

  G_OBJECT_CLASS (presso_client_row_parent_class)->dispose (object);
}

static void
presso_client_row_class_init (PressoClientRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = presso_client_row_dispose;
}

static GtkLabel *
add_label (GtkBox     *box,
           const char *first_class,
           ...)
{
  GtkWidget *label = gtk_label_new (NULL);
  va_list args;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  va_start (args, first_class);
  for (const char *name = first_class; name != NULL; name = va_arg (args, const char *))
    gtk_widget_add_css_class (label, name);
  va_end (args);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static void
presso_client_row_init (PressoClientRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  self->name_label = add_label (GTK_BOX (text), "heading", NULL);
  self->details_label = add_label (GTK_BOX (text), "caption", "dim-label", NULL);
  self->archived_label = add_label (GTK_BOX (box), "caption", "presso-tag", NULL);
  gtk_label_set_label (self->archived_label, _("Archived"));
  gtk_widget_set_valign (GTK_WIDGET (self->archived_label), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->archived_label), FALSE);

  adw_bin_set_child (ADW_BIN (self), box);
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
