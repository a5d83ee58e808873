/* presso-client-list.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of PressoClient that pages from the store, so a list of 100 000 clients scrolls
 * smoothly: a reload fetches only the ordered ids of the matching clients, and the objects are
 * read a page at a time when the view asks for them.  Ordered by last name then first name
 * (ignoring case and accents); filtered by a search over names, phone, email and birth date
 * (each word typed is a prefix; case and accents ignored; "0612" finds "06 12 34 56 78";
 * "12/03/1985" and "1985-03" find a birth date).
 *
 * Items are shared PressoClient objects: the same object for a client while anyone holds it,
 * updated in place (property notifications) when that client is saved through the store.
 * A reload emits "items-changed" in cuts around the clients held outside the list (rows on
 * screen, a GtkSingleSelection's selected item) that stay in it, each cut a removal then an
 * addition, so a selection keeps its client and nothing reads the whole list.  Recent search
 * results are cached until the next client write; a one-character search scans each client's
 * word initials instead of querying FTS5, and a two-digit one ("06", "19") their digit pairs.
 *
 * presso_client_list_new() reads the order of every client before it returns (about 100 ms
 * for 100 000 clients, once per store); presso_client_list_new_loading() returns at once and
 * fills the list when a worker thread has read it.
 */
#pragma once

#include <gio/gio.h>

#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_CLIENT_LIST (presso_client_list_get_type ())
G_DECLARE_FINAL_TYPE (PressoClientList, presso_client_list, PRESSO, CLIENT_LIST, GObject)

/* Properties: "store" (construct-only), "query" (string, "" = all), "show-archived"
 * (gboolean, default FALSE: active clients only), "n-items" (read-only). */
PressoClientList *presso_client_list_new               (PressoStore      *store);
/* Empty and "loading" (read-only boolean) until the clients are read on a worker thread;
 * see the doc comment. */
PressoClientList *presso_client_list_new_loading       (PressoStore      *store);
gboolean          presso_client_list_get_loading       (PressoClientList *self);
PressoStore      *presso_client_list_get_store         (PressoClientList *self);
const char       *presso_client_list_get_query         (PressoClientList *self);
void              presso_client_list_set_query         (PressoClientList *self,
                                                        const char       *query);
gboolean          presso_client_list_get_show_archived (PressoClientList *self);
void              presso_client_list_set_show_archived (PressoClientList *self,
                                                        gboolean          show);
/* Re-runs the query (also done on the store's "clients-changed"). */
void              presso_client_list_reload            (PressoClientList *self);
/* The position of client @id in the list, or -1 (e.g. to select a client just saved). */
int               presso_client_list_find              (PressoClientList *self,
                                                        gint64            client_id);

G_END_DECLS
