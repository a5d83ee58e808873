/* presso-client-row.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "presso-client.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_CLIENT_ROW (presso_client_row_get_type ())
G_DECLARE_FINAL_TYPE (PressoClientRow, presso_client_row, PRESSO, CLIENT_ROW, AdwBin)

GtkWidget    *presso_client_row_new        (void);
PressoClient *presso_client_row_get_client (PressoClientRow *self);
void          presso_client_row_set_client (PressoClientRow *self,
                                            PressoClient    *client);

G_END_DECLS
