/* presso-store-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of app/store/ share: the SQLite connection, cached statements, transactions
 * and the name order of all clients.  Nothing outside app/store/ includes this.
 */
#pragma once

#include <sqlite3.h>

#include "presso-store.h"

G_BEGIN_DECLS

/* The columns _presso_store_read_client() expects, in order, from column 0. */
#define PRESSO_STORE_CLIENT_COLUMNS \
  "id, version, first_name, last_name, birth_date, sex, phone, email, address, " \
  "referring_doctor, emergency_contact, notes, consent_data_date, consent_photos, archived, " \
  "created_at, updated_at, created_by, updated_by"

/* Every client, archived or not, in list order (name_key, id), with the position of each id:
 * rebuilt after a client write, shared by every PressoClientList. */
typedef struct
{
  gint64  *ids;
  guint8  *archived;
  guint    n;
  guint    capacity;   /* of ids, archived and initials, patched in place after one write */
  guint    n_active;
  /* rank_by_id[id] is the position of id in ids, or G_MAXUINT; NULL when the ids are too sparse
   * for an array, then rank_table maps them. */
  guint   *rank_by_id;
  gint64   max_id;
  GHashTable *rank_table;
  /* Recent searches: FTS5 match → bit set over positions (guint64 words), so typing a
   * prefix again (backspace, a new client's phone) costs no FTS5 query.  Lists fill it. */
  GHashTable *searches;
  /* By position: bit i set when a word the search indexes for that client starts with
   * "0123456789abcdefghijklmnopqrstuvwxyz"[i] (see _presso_search_initials()); NULL when not
   * known.  A one-character search (the first keystroke, the broadest and the slowest for
   * FTS5) is a scan of these. */
  guint64    *initials;
  /* By position, two words each: bit 10 * a + b set when a word the search indexes for that
   * client starts with the digits a and b; NULL when initials is.  Two digits typed ("06",
   * "19": many matches, FTS5's slowest two characters) are a scan of these. */
  guint64    *pairs;
} PressoClientOrder;

sqlite3      *_presso_store_get_db           (PressoStore   *self);
char         *_presso_store_now_text         (void);
GDateTime    *_presso_store_column_date_time (sqlite3_stmt  *stmt,
                                              int            column);
const char   *_presso_store_column_string    (sqlite3_stmt  *stmt,
                                              int            column);
/* A prepared statement for @sql (a string literal: cached by address), reset and unbound. */
sqlite3_stmt *_presso_store_statement        (PressoStore   *self,
                                              const char    *sql,
                                              GError       **error);
/* Nestable: only the outermost pair issues BEGIN IMMEDIATE / COMMIT, and "clients-changed"
 * is emitted once, after the outermost commit. */
gboolean      _presso_store_begin            (PressoStore   *self,
                                              GError       **error);
gboolean      _presso_store_commit           (PressoStore   *self,
                                              GError       **error);
void          _presso_store_rollback         (PressoStore   *self);
gboolean      _presso_store_fail             (PressoStore   *self,
                                              GError       **error,
                                              const char    *doing);
void          _presso_store_read_client      (sqlite3_stmt  *stmt,
                                              PressoClient  *client);
/* The first characters of the words client_search indexes for these columns of a client
 * (its name_key, phone, email, birth_date), tokenized as unicode61 does (NFC text); and,
 * or-ed into @pairs (two words, may be NULL), the words' first two characters when digits. */
guint64       _presso_search_initials        (const char    *name_key,
                                              const char    *phone,
                                              const char    *email,
                                              const char    *birth_date,
                                              guint64       *pairs);
/* Opens @path migrated to @max_version at most (tests of migrations only). */
PressoStore  *_presso_store_open_at_version  (const char    *path,
                                              int            max_version,
                                              GError       **error);
/* Merges the search index into one segment, after a bulk import. */
gboolean      _presso_store_optimize_search  (PressoStore   *self,
                                              GError       **error);
const PressoClientOrder *
              _presso_store_get_client_order (PressoStore   *self,
                                              GError       **error);
guint         _presso_client_order_rank      (const PressoClientOrder *order,
                                              gint64         id);
/* Reads the order (and the initials) on a worker thread, with a connection of its own. */
void          _presso_store_load_client_order_async  (PressoStore         *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean      _presso_store_load_client_order_finish (PressoStore         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
