/* presso-clients-page.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "presso-client-editor.h"
#include "presso-client-list.h"
#include "presso-client-view.h"
#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_CLIENTS_PAGE (presso_clients_page_get_type ())
G_DECLARE_FINAL_TYPE (PressoClientsPage, presso_clients_page, PRESSO, CLIENTS_PAGE, AdwBin)

/* Actions (on the page): clients.new, clients.edit, clients.archive, clients.restore,
 * clients.back, clients.undo-archive (x: client id), page.find. */
GtkWidget          *presso_clients_page_new         (PressoStore       *store);
PressoStore        *presso_clients_page_get_store   (PressoClientsPage *self);
void                presso_clients_page_set_store   (PressoClientsPage *self,
                                                     PressoStore       *store);
PressoClientList   *presso_clients_page_get_list    (PressoClientsPage *self);
PressoClient       *presso_clients_page_get_current (PressoClientsPage *self);
void                presso_clients_page_show_client (PressoClientsPage *self,
                                                     PressoClient      *client);
PressoClientEditor *presso_clients_page_get_editor  (PressoClientsPage *self);
PressoClientView   *presso_clients_page_get_view    (PressoClientsPage *self);
gboolean            presso_clients_page_is_editing  (PressoClientsPage *self);

G_END_DECLS
