/* presso-screening-confirm.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session's opening question.  It is asynchronous (a GTask) so that the treatment screen
 * can await it without a nested main loop, and its answer is stored before the caller hears
 * it: the start gate reads today's confirmation from the store, not from the dialog.
 */
#define G_LOG_DOMAIN "presso-screening-confirm"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-screening-confirm.h"
#include "presso-store-screening.h"

typedef struct
{
  PressoStore     *store;
  PressoScreening *screening;
  GtkWindow       *dialog;        /* (weak) */
  gulong           cancelled_id;
} ConfirmData;

static void
confirm_data_free (ConfirmData *data)
{
  if (data->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (data->dialog), (gpointer *) &data->dialog);
  g_clear_object (&data->store);
  g_clear_object (&data->screening);
  g_free (data);
}

static void
finish_task (GTask *task)
{
  ConfirmData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  /* A plain signal handler, so that it may go from inside the "cancelled" emission. */
  if (cancellable != NULL && data->cancelled_id != 0)
    g_signal_handler_disconnect (cancellable, data->cancelled_id);
  data->cancelled_id = 0;
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                GTask            *task)
{
  ConfirmData *data = g_task_get_task_data (task);
  g_autoptr(PressoScreeningConfirmation) confirmation = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;
  PressoStaff *actor;
  gboolean changed;

  /* Answered once: the task ends here. */
  g_signal_handlers_disconnect_by_func (dialog, on_response_cb, task);
  finish_task (task);

  if (!g_str_equal (response, "unchanged") && !g_str_equal (response, "changed"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The question was dismissed"));
      g_object_unref (task);
      return;
    }

  changed = g_str_equal (response, "changed");
  now = g_date_time_new_now_utc ();
  actor = presso_store_get_actor (data->store);
  confirmation = presso_screening_confirmation_new (presso_screening_get_id (data->screening),
                                                    changed,
                                                    actor ? presso_staff_get_id (actor) : 0,
                                                    now);
  if (!presso_store_record_screening_confirmation (data->store, confirmation, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&confirmation),
                           (GDestroyNotify) presso_screening_confirmation_free);
  g_object_unref (task);
}

static void
on_cancelled_cb (GCancellable *cancellable,
                 GTask        *task)
{
  ConfirmData *data = g_task_get_task_data (task);

  /* Answers "cancel" (on_response_cb reports the cancellation), then closes the dialog. */
  if (data->dialog != NULL)
    {
      GtkWindow *dialog = data->dialog;

      adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      gtk_window_destroy (dialog);
    }
}

/**
 * presso_screening_confirm_changes:
 * @parent: (nullable): the window the dialog belongs to
 * @store: where the answer is recorded
 * @screening: the client's current, stored screening
 * @cancellable: (nullable): closes the dialog without recording anything
 * @callback: called once answered or dismissed
 * @user_data: for @callback
 */
void
presso_screening_confirm_changes (GtkWindow           *parent,
                                  PressoStore         *store,
                                  PressoScreening     *screening,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  ConfirmData *data;
  GtkWidget *dialog;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *day = NULL;

  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));
  g_return_if_fail (PRESSO_IS_STORE (store));
  g_return_if_fail (PRESSO_IS_SCREENING (screening));
  g_return_if_fail (presso_screening_get_id (screening) > 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, presso_screening_confirm_changes);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  data = g_new0 (ConfirmData, 1);
  data->store = g_object_ref (store);
  data->screening = g_object_ref (screening);
  g_task_set_task_data (task, data, (GDestroyNotify) confirm_data_free);

  if (presso_screening_get_screened_at (screening) != NULL)
    {
      local = g_date_time_to_local (presso_screening_get_screened_at (screening));
      day = g_date_time_format (local, "%d/%m/%Y");
    }

  dialog = adw_message_dialog_new (parent, _("Anything Changed Since the Last Screening?"), NULL);
  gtk_widget_set_name (dialog, "confirm-changes-dialog");
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s: the date of the last screening, DD/MM/YYYY */
                                  _("Ask the client about any new illness, injury, treatment, "
                                    "medication or pregnancy since the screening of %s."),
                                  day ? day : "");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "changed", _("_Something Changed — New Screening"),
                                    "unchanged", _("_Nothing Changed"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unchanged",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "unchanged");
  data->dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &data->dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response_cb), task);
  if (cancellable != NULL)
    data->cancelled_id = g_signal_connect (cancellable, "cancelled", G_CALLBACK (on_cancelled_cb), task);
  gtk_window_present (GTK_WINDOW (dialog));
}

PressoScreeningConfirmation *
presso_screening_confirm_changes_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == presso_screening_confirm_changes, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
