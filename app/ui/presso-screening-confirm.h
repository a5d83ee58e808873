/* presso-screening-confirm.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Anything changed since the last screening?": the question at the start of each session.
 */
#pragma once

#include <adwaita.h>

#include "presso-screening.h"
#include "presso-store.h"

G_BEGIN_DECLS

/* Asks the question over @parent about the stored @screening: "Nothing Changed" or
 * "Something Changed — New Screening".  Either answer is recorded in @store as a
 * PressoScreeningConfirmation (confirmed by the store's actor) before @callback runs; the
 * caller opens a new screening when it says changed (presso_screening_page_open_window()).
 * Closing the dialog (Escape, Cancel) or @cancellable records nothing. */
void                         presso_screening_confirm_changes        (GtkWindow           *parent,
                                                                      PressoStore         *store,
                                                                      PressoScreening     *screening,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
/* Returns: (transfer full) (nullable): the recorded confirmation; NULL with G_IO_ERROR_CANCELLED
 * when the dialog was dismissed, or the store's error. */
PressoScreeningConfirmation *presso_screening_confirm_changes_finish (GAsyncResult        *result,
                                                                      GError             **error);

G_END_DECLS
