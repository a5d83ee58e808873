/* presso-store.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The practice's records in one SQLite database file (readable by its owner only): staff,
 * clients, rooms and devices, with forward schema migrations, optimistic locking and an audit
 * trail of client writes.  Only app/store/ includes sqlite3.h.
 *
 * All functions run on the thread that opened the store (the main thread): each is a short
 * indexed query or a one-row write in its own transaction.
 */
#pragma once

#include <gio/gio.h>

#include "presso-client.h"
#include "presso-staff.h"

G_BEGIN_DECLS

#define PRESSO_STORE_ERROR (presso_store_error_quark ())
GQuark presso_store_error_quark (void);

typedef enum
{
  PRESSO_STORE_ERROR_OPEN,       /* cannot create or open the file */
  PRESSO_STORE_ERROR_TOO_NEW,    /* made by a newer Presso: left untouched */
  PRESSO_STORE_ERROR_CORRUPT,    /* not a Presso database, or damaged: left untouched */
  PRESSO_STORE_ERROR_CONFLICT,   /* optimistic lock: the row changed since it was read */
  PRESSO_STORE_ERROR_NOT_FOUND,
  PRESSO_STORE_ERROR_INVALID,    /* the record breaks a rule (message says which) */
  PRESSO_STORE_ERROR_FAILED,
} PressoStoreError;

/* The schema version this Presso writes (PRAGMA user_version). */
#define PRESSO_STORE_SCHEMA_VERSION 4

/* One line of a client's audit trail. */
typedef struct
{
  gint64     client_id;
  gint64     staff_id;     /* 0 = unknown */
  char      *staff_name;   /* "" when unknown */
  GDateTime *at;           /* UTC */
  char      *action;       /* "create", "update", "archive" or "restore" */
  char      *fields;       /* changed property names, space separated ("" for create) */
} PressoAuditEntry;

void presso_audit_entry_free (PressoAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoAuditEntry, presso_audit_entry_free)

#define PRESSO_TYPE_STORE (presso_store_get_type ())
G_DECLARE_FINAL_TYPE (PressoStore, presso_store, PRESSO, STORE, GObject)

/* Signal "clients-changed" (no arguments): emitted after any client write, so lists refresh. */

char         *presso_store_default_path        (void);   /* $XDG_DATA_HOME/presso/clinic.db */
char         *presso_store_demo_path           (void);   /* $XDG_DATA_HOME/presso/demo.db */

/* Opens @path, creating it (mode 0600, its folder 0700) and migrating it to the current
 * schema.  A database from a newer Presso fails with TOO_NEW, a file that is not a Presso
 * database with CORRUPT; both are left byte-for-byte untouched.  (transfer full) */
PressoStore  *presso_store_open                (const char    *path,
                                                GError       **error);
/* Opens presso_store_demo_path(), filling it with the demo clinic when it is new
 * (implemented in presso-demo.c).  (transfer full) */
PressoStore  *presso_store_open_demo           (GError       **error);

const char   *presso_store_get_path            (PressoStore   *self);
int           presso_store_get_schema_version  (PressoStore   *self);

/* Staff */
GListModel   *presso_store_list_staff          (PressoStore   *self);   /* (transfer full) PressoStaff, active only, by name */
PressoStaff  *presso_store_get_staff           (PressoStore   *self,
                                                gint64         id,
                                                GError       **error);  /* (transfer full) */
gboolean      presso_store_insert_staff        (PressoStore   *self,
                                                PressoStaff   *staff,
                                                GError       **error);  /* sets its id */

/* Who every write records (created_by, updated_by, audit).  NULL = unknown (recorded as such). */
void          presso_store_set_actor           (PressoStore   *self,
                                                PressoStaff   *staff);
PressoStaff  *presso_store_get_actor           (PressoStore   *self);   /* (transfer none) (nullable) */

/* Clients */
PressoClient *presso_store_get_client          (PressoStore   *self,
                                                gint64         id,
                                                GError       **error);  /* (transfer full); NOT_FOUND */
/* Validates (INVALID, with the first problem's message), then inserts: sets the client's id,
 * version, created/updated at and by. */
gboolean      presso_store_insert_client       (PressoStore   *self,
                                                PressoClient  *client,
                                                GError       **error);
/* Validates, then writes every field if the row still has the client's version: on success
 * bumps the client's version and updated at/by; CONFLICT (message names who changed it and
 * when) if someone else saved it since it was read, leaving @client untouched. */
gboolean      presso_store_update_client       (PressoStore   *self,
                                                PressoClient  *client,
                                                GError       **error);
/* Archives or restores (same optimistic lock as update; only the archived flag is written). */
gboolean      presso_store_set_client_archived (PressoStore   *self,
                                                PressoClient  *client,
                                                gboolean       archived,
                                                GError       **error);
/* Other clients (archived too) with the same first and last name, ignoring case and accents,
 * and the same birth date.  (transfer full) (element-type PressoClient) */
GPtrArray    *presso_store_find_duplicates     (PressoStore   *self,
                                                PressoClient  *client,
                                                GError       **error);
gint64        presso_store_count_clients       (PressoStore   *self,
                                                gboolean       include_archived);
/* Newest first.  (transfer full) (element-type PressoAuditEntry) */
GPtrArray    *presso_store_list_client_audit   (PressoStore   *self,
                                                gint64         client_id,
                                                GError       **error);

/* Rooms and devices */
gint64        presso_store_add_room            (PressoStore   *self,
                                                const char    *name,
                                                GError       **error);  /* the room id, 0 on error */
gint64        presso_store_add_device          (PressoStore   *self,
                                                const char    *name,
                                                const char    *kind,
                                                const char    *serial,
                                                gint64         room_id,
                                                GError       **error);  /* room_id 0 = none; the device id, 0 on error */
GStrv         presso_store_list_room_names     (PressoStore   *self);   /* (transfer full), by name */
GStrv         presso_store_list_device_names   (PressoStore   *self);   /* (transfer full), by name */

G_END_DECLS
