/* presso-client-view.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_CLIENT_VIEW (presso_client_view_get_type ())
G_DECLARE_FINAL_TYPE (PressoClientView, presso_client_view, PRESSO, CLIENT_VIEW, AdwBin)

GtkWidget    *presso_client_view_new        (void);
void          presso_client_view_set_store  (PressoClientView *self,
                                             PressoStore      *store);
PressoClient *presso_client_view_get_client (PressoClientView *self);
void          presso_client_view_set_client (PressoClientView *self,
                                             PressoClient     *client);

/* Shared with the editor: "DD/MM/YYYY HH:MM by Name" for a record's created/changed line. */
char         *presso_describe_change        (PressoStore      *store,
                                             GDateTime        *at,
                                             gint64            staff_id);
const char   *presso_sex_to_string          (PressoSex         sex);

G_END_DECLS
