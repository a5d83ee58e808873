/* presso-screening-decision-dialog.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the screening form (a decision on the version being filled in) and the client's
 * record (a decision added to the stored version, when the doctor's letter comes later).  The
 * dialog only collects the decision: its caller checks and keeps it.
 */
#define G_LOG_DOMAIN "presso-screening-decision-dialog"
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "presso-screening-decision-dialog.h"
#include "presso-ui-util.h"

typedef struct
{
  char                        *item_id;
  PressoZones                  zone;
  gint64                       staff_id;
  PressoScreeningDecisionFunc  func;
  gpointer                     user_data;
  GDestroyNotify               destroy;
  GtkEditable                 *reason;
  GtkEditable                 *letter;
  GtkLabel                    *message;
} DecisionForm;

static void
decision_form_free (DecisionForm *form)
{
  if (form->destroy != NULL)
    form->destroy (form->user_data);
  g_free (form->item_id);
  g_free (form);
}

/* The letter's date: NULL when blank; @valid FALSE when it is not a DD/MM/YYYY date. */
static GDateTime *
read_letter_date (DecisionForm *form,
                  gboolean     *valid)
{
  g_autofree char *iso = presso_date_from_text (gtk_editable_get_text (form->letter));
  int y, m, d;
  char end;

  *valid = TRUE;
  if (iso == NULL)
    return NULL;
  if (sscanf (iso, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 && g_date_valid_dmy (d, m, y))
    return g_date_time_new_local (y, m, d, 12, 0, 0);
  *valid = FALSE;
  return NULL;
}

static gboolean
form_is_complete (DecisionForm *form)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (form->reason)));
  g_autoptr(GDateTime) letter = NULL;
  gboolean valid;

  letter = read_letter_date (form, &valid);
  gtk_label_set_label (form->message, valid ? "" : _("Not a date: type it as DD/MM/YYYY"));
  gtk_widget_set_visible (GTK_WIDGET (form->message), !valid);
  return valid && reason[0] != '\0';
}

static void
on_changed_cb (GtkEditable      *editable,
               AdwMessageDialog *dialog)
{
  DecisionForm *form = g_object_get_data (G_OBJECT (dialog), "form");

  adw_message_dialog_set_response_enabled (dialog, "record", form_is_complete (form));
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                gpointer          user_data)
{
  DecisionForm *form = g_object_get_data (G_OBJECT (dialog), "form");
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (form->reason)));
  g_autoptr(PressoScreeningDecision) decision = NULL;
  g_autoptr(GDateTime) letter = NULL;
  g_autoptr(GDateTime) letter_utc = NULL;
  g_autoptr(GDateTime) now = NULL;
  gboolean valid;

  if (!g_str_equal (response, "record") || !form_is_complete (form))
    return;

  letter = read_letter_date (form, &valid);
  if (letter != NULL)
    letter_utc = g_date_time_to_utc (letter);
  now = g_date_time_new_now_utc ();
  decision = presso_screening_decision_new (form->zone, form->item_id, reason, letter_utc,
                                            form->staff_id, now);
  form->func (decision, form->user_data);
}

GtkWindow *
presso_screening_decision_dialog_present (GtkWindow                   *parent,
                                          PressoScreeningItem         *item,
                                          PressoZones                  zone,
                                          guint                        pressure_cap,
                                          PressoStaff                 *staff,
                                          PressoScreeningDecisionFunc  func,
                                          gpointer                     user_data,
                                          GDestroyNotify               destroy)
{
  DecisionForm *form;
  GtkWidget *dialog, *box, *list, *reason_row, *letter_row, *message;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (item), NULL);
  g_return_val_if_fail (!staff || PRESSO_IS_STAFF (staff), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  form = g_new0 (DecisionForm, 1);
  form->item_id = g_strdup (presso_screening_item_get_id (item));
  form->zone = zone;
  form->staff_id = staff ? presso_staff_get_id (staff) : 0;
  form->func = func;
  form->user_data = user_data;
  form->destroy = destroy;

  dialog = adw_message_dialog_new (parent, _("Record a Decision"), NULL);
  gtk_widget_set_name (dialog, "decision-dialog");
  if (pressure_cap > 0)
    /* Translators: %s: a zone ("Legs"), then a screening question */
    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                    _("%s — %s\nSessions on this zone go ahead, at %u mmHg at most."),
                                    presso_zone_to_label (zone),
                                    presso_screening_item_get_question (item), pressure_cap);
  else
    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                    _("%s — %s\nSessions on this zone go ahead."),
                                    presso_zone_to_label (zone),
                                    presso_screening_item_get_question (item));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  reason_row = adw_entry_row_new ();
  gtk_widget_set_name (reason_row, "decision-reason");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reason_row), _("Reason (required)"));
  letter_row = adw_entry_row_new ();
  gtk_widget_set_name (letter_row, "decision-letter");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (letter_row),
                                 _("Date of the doctor’s clearance letter (optional, DD/MM/YYYY)"));
  gtk_list_box_append (GTK_LIST_BOX (list), reason_row);
  gtk_list_box_append (GTK_LIST_BOX (list), letter_row);
  gtk_box_append (GTK_BOX (box), list);
  message = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_widget_add_css_class (message, "caption");
  gtk_widget_add_css_class (message, "error");
  gtk_widget_set_name (message, "decision-message");
  gtk_widget_set_visible (message, FALSE);
  gtk_box_append (GTK_BOX (box), message);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  form->reason = GTK_EDITABLE (reason_row);
  form->letter = GTK_EDITABLE (letter_row);
  form->message = GTK_LABEL (message);
  g_object_set_data_full (G_OBJECT (dialog), "form", form, (GDestroyNotify) decision_form_free);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "record", _("_Record Decision"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "record", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "record");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (reason_row, "changed", G_CALLBACK (on_changed_cb), dialog);
  g_signal_connect (letter_row, "changed", G_CALLBACK (on_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (reason_row);
  return GTK_WINDOW (dialog);
}
