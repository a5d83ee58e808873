/* presso-history-page.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The History area: a client's sessions as a timeline (date, program, duration, outcome,
 * practitioner) with filters by date range, practitioner and program; opening one replays its
 * pressure curves in the pressure graph, with its program, alarms, notes, scores and
 * measurements; the client's sessions export as CSV.
 */
#pragma once

#include <adwaita.h>

#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_HISTORY_PAGE (presso_history_page_get_type ())
G_DECLARE_FINAL_TYPE (PressoHistoryPage, presso_history_page, PRESSO, HISTORY_PAGE, AdwBin)

/* Properties: "store", "staff" (bound by the window), "client" (follows the client shown in
 * the Clients area once in a PressoWindow).  Actions: history.export (CSV, asks where). */
GtkWidget    *presso_history_page_new             (void);
void          presso_history_page_set_store       (PressoHistoryPage  *self,
                                                   PressoStore        *store);
void          presso_history_page_set_staff       (PressoHistoryPage  *self,
                                                   PressoStaff        *staff);
PressoClient *presso_history_page_get_client      (PressoHistoryPage  *self);
void          presso_history_page_set_client      (PressoHistoryPage  *self,
                                                   PressoClient       *client);
/* Reads the client's sessions again (after a session was recorded elsewhere). */
void          presso_history_page_reload          (PressoHistoryPage  *self);
/* The sessions shown after the filters.  (transfer none) PressoSessionRecord */
GListModel   *presso_history_page_get_sessions    (PressoHistoryPage  *self);
/* Opens a session: replays its trace and shows its details.  FALSE with @error when it cannot
 * be read. */
gboolean      presso_history_page_open_session    (PressoHistoryPage  *self,
                                                   gint64              session_id,
                                                   GError            **error);
/* Writes the client's sessions as CSV to @file (what history.export does once asked where). */
gboolean      presso_history_page_export_to_file  (PressoHistoryPage  *self,
                                                   GFile              *file,
                                                   GError            **error);

G_END_DECLS
