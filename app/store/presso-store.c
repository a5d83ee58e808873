/* presso-store.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Durability: WAL with synchronous=FULL.  In WAL mode NORMAL never corrupts the database but a
 * power cut may roll back the last transactions; FULL syncs the WAL at each commit, so a
 * client record the receptionist saw saved survives a pulled plug.  Writes are human-paced
 * (and bulk imports use one transaction), so the cost, one fsync per save, is not felt.
 */

#define G_LOG_DOMAIN "presso-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "presso-store-private.h"
#include "presso-store-screening-private.h"
#include "presso-store-session-private.h"

/* "PRSO": marks the file as a Presso database (PRAGMA application_id). */
#define PRESSO_APPLICATION_ID 0x5052534f

struct _PressoStore
{
  GObject            parent_instance;

  char              *path;
  sqlite3           *db;
  GHashTable        *statements;    /* const char *sql → sqlite3_stmt * */
  PressoStaff       *actor;
  guint              tx_depth;
  gboolean           tx_aborted;      /* an inner level rolled back: the batch must fail */
  gboolean           clients_changed_pending;
  PressoClientOrder *order;         /* NULL when stale */
  gint64             order_data_version;
  /* _presso_search_initials() of every client, by id; kept up to date by our writes. */
  guint64           *initials;
  guint64           *pairs;           /* their digit pairs, two words by id */
  gsize              n_initials;
  gboolean           initials_loaded;
  /* Counts the writes to clients, so an order read on a worker thread can tell it missed one. */
  guint64            client_writes;
  /* While a worker reads the order: its task, and the tasks of the lists that wait for it too. */
  GTask             *order_task;
  GPtrArray         *order_waiters;
};

enum {
  CLIENTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PressoStore, presso_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (presso-store-error-quark, presso_store_error)

/* ------------------------------------------------------------------ schema history */

/* Schema version 1: staff and clients (Presso 0.1 development builds). */
static const char schema_v1[] =
  "CREATE TABLE staff ("
  "  id INTEGER PRIMARY KEY,"
  "  display_name TEXT NOT NULL,"
  "  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 2),"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  pin_hash TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL);"
  "CREATE TABLE clients ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  first_name TEXT NOT NULL DEFAULT '',"
  "  last_name TEXT NOT NULL DEFAULT '',"
  "  birth_date TEXT,"
  "  sex INTEGER NOT NULL DEFAULT 0 CHECK (sex BETWEEN 0 AND 3),"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '',"
  "  referring_doctor TEXT NOT NULL DEFAULT '',"
  "  emergency_contact TEXT NOT NULL DEFAULT '',"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  consent_data_date TEXT,"
  "  consent_photos INTEGER NOT NULL DEFAULT 0 CHECK (consent_photos IN (0, 1)),"
  "  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  created_by INTEGER REFERENCES staff (id),"
  "  updated_by INTEGER REFERENCES staff (id));"
  "CREATE INDEX clients_by_name ON clients (archived, last_name, first_name);"
  "CREATE INDEX clients_by_birth_date ON clients (birth_date);";

/* The digits of a phone number, and its national form for French numbers in international
 * form, so "0612" finds "+33 6 12 34 56 78" as well as "06 12 34 56 78". */
#define DIGITS(p) \
  "replace(replace(replace(replace(replace(replace(replace(" p ",' ',''),'.',''),'-','')," \
  "'(',''),')',''),'+',''),'/','')"
#define PHONE_DIGITS(p) \
  "CASE WHEN " DIGITS (p) " LIKE '33_________' THEN " DIGITS (p) " || ' 0' || substr(" \
  DIGITS (p) ", 3) ELSE " DIGITS (p) " END"
#define BIRTH_FR(b) \
  "CASE WHEN " b " IS NULL THEN '' ELSE substr(" b ", 9, 2) || '/' || substr(" b ", 6, 2) " \
  "|| '/' || substr(" b ", 1, 4) END"
#define SEARCH_ROW(r) \
  r ".id, " r ".name_key, " r ".phone, " PHONE_DIGITS (r ".phone") ", " r ".email, " \
  "coalesce(" r ".birth_date, ''), " BIRTH_FR (r ".birth_date")
#define CHANGED(col, name) "CASE WHEN old." col " IS NOT new." col " THEN '" name " ' ELSE '' END"

/* Schema version 2: list order key, search, audit trail, rooms and devices. */
static const char schema_v2[] =
  "ALTER TABLE clients ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
  "UPDATE clients SET name_key = presso_fold (last_name) || char (31) || presso_fold (first_name);"
  "DROP INDEX clients_by_name;"
  "CREATE INDEX clients_by_name ON clients (name_key, id, archived);"
  "CREATE TABLE rooms ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE devices ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  serial TEXT NOT NULL DEFAULT '',"
  "  room_id INTEGER REFERENCES rooms (id) ON DELETE SET NULL,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE client_audit ("
  "  id INTEGER PRIMARY KEY,"
  "  client_id INTEGER NOT NULL REFERENCES clients (id),"
  "  staff_id INTEGER REFERENCES staff (id),"
  "  at TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  fields TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX client_audit_by_client ON client_audit (client_id, id);"
  "CREATE VIRTUAL TABLE client_search USING fts5 ("
  "  name, phone, phone_digits, email, birth_iso, birth_fr,"
  "  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2');"
  "INSERT INTO client_search (rowid, name, phone, phone_digits, email, birth_iso, birth_fr)"
  "  SELECT " SEARCH_ROW ("c") " FROM clients c;"
  "CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN"
  "  INSERT INTO client_search (rowid, name, phone, phone_digits, email, birth_iso, birth_fr)"
  "    VALUES (" SEARCH_ROW ("new") ");"
  "END;"
  "CREATE TRIGGER clients_search_update"
  "  AFTER UPDATE OF id, name_key, phone, email, birth_date ON clients BEGIN"
  "  DELETE FROM client_search WHERE rowid = old.id;"
  "  INSERT INTO client_search (rowid, name, phone, phone_digits, email, birth_iso, birth_fr)"
  "    VALUES (" SEARCH_ROW ("new") ");"
  "END;"
  "CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN"
  "  DELETE FROM client_search WHERE rowid = old.id;"
  "END;"
  "CREATE TRIGGER clients_audit_insert AFTER INSERT ON clients BEGIN"
  "  INSERT INTO client_audit (client_id, staff_id, at, action)"
  "    VALUES (new.id, new.created_by, new.created_at, 'create');"
  "END;"
  "CREATE TRIGGER clients_audit_update AFTER UPDATE ON clients"
  "  WHEN new.version IS NOT old.version BEGIN"
  "  INSERT INTO client_audit (client_id, staff_id, at, action, fields)"
  "    VALUES (new.id, new.updated_by, new.updated_at,"
  "      CASE WHEN old.archived = new.archived THEN 'update'"
  "           WHEN new.archived THEN 'archive' ELSE 'restore' END,"
  "      rtrim (" CHANGED ("first_name", "first-name") " || " CHANGED ("last_name", "last-name")
  "        || " CHANGED ("birth_date", "birth-date") " || " CHANGED ("sex", "sex")
  "        || " CHANGED ("phone", "phone") " || " CHANGED ("email", "email")
  "        || " CHANGED ("address", "address")
  "        || " CHANGED ("referring_doctor", "referring-doctor")
  "        || " CHANGED ("emergency_contact", "emergency-contact")
  "        || " CHANGED ("notes", "notes")
  "        || " CHANGED ("consent_data_date", "consent-data-date")
  "        || " CHANGED ("consent_photos", "consent-photos")
  "        || " CHANGED ("archived", "archived") "));"
  "END;";

typedef struct
{
  int         version;
  const char *sql;
} Migration;

/* Later features (screening, bookings, sessions) append their steps; never edit a shipped one. */
static const Migration migrations[] = {
  { 1, schema_v1 },
  { 2, schema_v2 },
  { 3, _presso_store_schema_screening },
  { 4, _presso_store_schema_sessions },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PRESSO_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------------ helpers */

/* The current time as the store writes it: ISO 8601, UTC. */
char *
_presso_store_now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/* A stored ISO 8601 time, or NULL for an empty column. */
GDateTime *
_presso_store_column_date_time (sqlite3_stmt *stmt,
                                int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

/* A text column, "" for NULL. */
const char *
_presso_store_column_string (sqlite3_stmt *stmt,
                             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text ? text : "";
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_staff_id (sqlite3_stmt *stmt,
               int           index,
               gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
client_name_key (PressoClient *client)
{
  g_autofree char *last = presso_fold_text (presso_client_get_last_name (client));
  g_autofree char *first = presso_fold_text (presso_client_get_first_name (client));

  return g_strconcat (last, "\x1f", first, NULL);
}

static void
fold_function (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  g_autofree char *folded = presso_fold_text ((const char *) sqlite3_value_text (argv[0]));

  sqlite3_result_text (context, folded, -1, SQLITE_TRANSIENT);
}

static gboolean
exec (PressoStore  *self,
      const char   *sql,
      GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
               "%s", message ? message : sqlite3_errmsg (self->db));
  sqlite3_free (message);
  return FALSE;
}

static gint64
pragma_int (PressoStore *self,
            const char  *sql,
            int         *rc)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  *rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (*rc == SQLITE_OK)
    {
      *rc = sqlite3_step (stmt);
      if (*rc == SQLITE_ROW)
        {
          value = sqlite3_column_int64 (stmt, 0);
          *rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return value;
}

static void
order_free (PressoClientOrder *order)
{
  if (order == NULL)
    return;
  g_free (order->ids);
  g_free (order->archived);
  g_free (order->rank_by_id);
  g_clear_pointer (&order->rank_table, g_hash_table_unref);
  g_clear_pointer (&order->searches, g_hash_table_unref);
  g_free (order->initials);
  g_free (order->pairs);
  g_free (order);
}

static void
initials_clear (PressoStore *self)
{
  g_clear_pointer (&self->initials, g_free);
  g_clear_pointer (&self->pairs, g_free);
  self->n_initials = 0;
  self->initials_loaded = FALSE;
}

/* Ids are dense (AUTOINCREMENT): an array by id.  Past 16 M ids, searches just use FTS5. */
static void
initials_set (PressoStore   *self,
              gint64         id,
              guint64        mask,
              const guint64  pairs[2])
{
  if (!self->initials_loaded)
    return;
  if (id < 0 || id >= (1 << 24))
    {
      initials_clear (self);
      return;
    }
  if ((gsize) id >= self->n_initials)
    {
      gsize n = MAX ((gsize) id + 1, self->n_initials * 2);

      self->initials = g_renew (guint64, self->initials, n);
      memset (self->initials + self->n_initials, 0, (n - self->n_initials) * sizeof (guint64));
      self->pairs = g_renew (guint64, self->pairs, 2 * n);
      memset (self->pairs + 2 * self->n_initials, 0,
              2 * (n - self->n_initials) * sizeof (guint64));
      self->n_initials = n;
    }
  self->initials[id] = mask;
  self->pairs[2 * id] = pairs[0];
  self->pairs[2 * id + 1] = pairs[1];
}

static void
client_initials_set (PressoStore  *self,
                     gint64        id,
                     PressoClient *client)
{
  g_autofree char *name_key = NULL;
  guint64 pairs[2] = { 0, 0 };
  guint64 mask;

  if (!self->initials_loaded)
    return;
  name_key = client_name_key (client);
  mask = _presso_search_initials (name_key, presso_client_get_phone (client),
                                  presso_client_get_email (client),
                                  presso_client_get_birth_date (client), pairs);
  initials_set (self, id, mask, pairs);
}

/* _presso_search_initials() of every client of @db, by id (dense: AUTOINCREMENT).  FALSE when
 * they cannot be read, or past 16 M ids: searches then just use FTS5.  Any connection. */
static gboolean
initials_read (sqlite3   *db,
               guint64  **initials_out,
               guint64  **pairs_out,
               gsize     *n_out)
{
  g_autofree guint64 *initials = NULL;
  g_autofree guint64 *pairs = NULL;
  sqlite3_stmt *stmt = NULL;
  gsize n = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT id, name_key, phone, email, birth_date FROM clients",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (id < 0 || id >= (1 << 24))
        break;
      if ((gsize) id >= n)
        {
          gsize grown = MAX ((gsize) id + 1, n * 2);

          initials = g_renew (guint64, initials, grown);
          memset (initials + n, 0, (grown - n) * sizeof (guint64));
          pairs = g_renew (guint64, pairs, 2 * grown);
          memset (pairs + 2 * n, 0, 2 * (grown - n) * sizeof (guint64));
          n = grown;
        }
      initials[id] = _presso_search_initials ((const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2),
                                              (const char *) sqlite3_column_text (stmt, 3),
                                              (const char *) sqlite3_column_text (stmt, 4),
                                              pairs + 2 * id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  *initials_out = g_steal_pointer (&initials);
  *pairs_out = g_steal_pointer (&pairs);
  *n_out = n;
  return TRUE;
}

static void
load_initials (PressoStore *self)
{
  initials_clear (self);
  self->initials_loaded = initials_read (self->db, &self->initials, &self->pairs,
                                         &self->n_initials);
}

/* Moves @id to where @name_key sorts in the name order (inserting it if new): a rebuild reads
 * every client (12 ms for 100 000), this reads about log2 (n) name keys.  FALSE when the
 * order must be rebuilt instead. */
static gboolean
order_patch (PressoStore *self,
             gint64       id,
             const char  *name_key,
             gboolean     archived)
{
  PressoClientOrder *order = self->order;
  sqlite3_stmt *stmt;
  guint from, lo = 0, hi, first, last;

  if (order->rank_by_id == NULL || id < 0 || id >= (1 << 24))
    return FALSE;
  stmt = _presso_store_statement (self, "SELECT name_key FROM clients WHERE id = ?", NULL);
  if (stmt == NULL)
    return FALSE;

  from = _presso_client_order_rank (order, id);
  if (from != G_MAXUINT)
    {
      /* Moving: the row keeps its archived flag (only archiving writes it). */
      archived = order->archived[from];
      if (!archived)
        order->n_active--;
      memmove (order->ids + from, order->ids + from + 1, (order->n - from - 1) * sizeof (gint64));
      memmove (order->archived + from, order->archived + from + 1, order->n - from - 1);
      if (order->initials)
        {
          memmove (order->initials + from, order->initials + from + 1,
                   (order->n - from - 1) * sizeof (guint64));
          memmove (order->pairs + 2 * from, order->pairs + 2 * (from + 1),
                   2 * (order->n - from - 1) * sizeof (guint64));
        }
      order->n--;
    }
  else
    {
      if (order->n == order->capacity)
        {
          order->capacity = order->capacity * 2 + 64;
          order->ids = g_renew (gint64, order->ids, order->capacity);
          order->archived = g_renew (guint8, order->archived, order->capacity);
          if (order->initials)
            {
              order->initials = g_renew (guint64, order->initials, order->capacity);
              order->pairs = g_renew (guint64, order->pairs, 2 * order->capacity);
            }
        }
      if (id > order->max_id)
        {
          order->rank_by_id = g_renew (guint, order->rank_by_id, id + 1);
          memset (order->rank_by_id + order->max_id + 1, 0xff,
                  (id - order->max_id) * sizeof (guint));
          order->max_id = id;
        }
    }

  /* ORDER BY name_key, id: BINARY collation, i.e. byte order. */
  hi = order->n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const char *key;
      int cmp;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, order->ids[mid]);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      key = (const char *) sqlite3_column_text (stmt, 0);
      cmp = strcmp (key ? key : "", name_key);
      if (cmp < 0 || (cmp == 0 && order->ids[mid] < id))
        lo = mid + 1;
      else
        hi = mid;
    }
  sqlite3_reset (stmt);

  memmove (order->ids + lo + 1, order->ids + lo, (order->n - lo) * sizeof (gint64));
  memmove (order->archived + lo + 1, order->archived + lo, order->n - lo);
  order->ids[lo] = id;
  order->archived[lo] = archived;
  if (order->initials)
    {
      gboolean known = (gsize) id < self->n_initials;

      memmove (order->initials + lo + 1, order->initials + lo,
               (order->n - lo) * sizeof (guint64));
      memmove (order->pairs + 2 * (lo + 1), order->pairs + 2 * lo,
               2 * (order->n - lo) * sizeof (guint64));
      order->initials[lo] = known ? self->initials[id] : 0;
      order->pairs[2 * lo] = known ? self->pairs[2 * id] : 0;
      order->pairs[2 * lo + 1] = known ? self->pairs[2 * id + 1] : 0;
    }
  order->n++;
  if (!archived)
    order->n_active++;

  first = from == G_MAXUINT ? lo : MIN (from, lo);
  last = from == G_MAXUINT ? order->n - 1 : MAX (from, lo);
  for (guint i = first; i <= last; i++)
    order->rank_by_id[order->ids[i]] = i;

  /* Cached searches are by position, and the row's words may have changed. */
  if (order->searches)
    g_hash_table_remove_all (order->searches);
  return TRUE;
}

/* After one client row was inserted or updated (name, phone, ... not the archived flag). */
static void
client_written (PressoStore  *self,
                gint64        id,
                PressoClient *client)
{
  g_autofree char *name_key = NULL;

  self->clients_changed_pending = TRUE;
  self->client_writes++;
  client_initials_set (self, id, client);
  if (self->order == NULL)
    return;
  /* Inside a batch (an import), one rebuild at the end beats a patch per row. */
  name_key = client_name_key (client);
  if (self->tx_depth > 1
      || !order_patch (self, id, name_key, presso_client_get_archived (client)))
    g_clear_pointer (&self->order, order_free);
}

static void
client_archived (PressoStore *self,
                 gint64       id,
                 gboolean     archived)
{
  guint rank;

  self->clients_changed_pending = TRUE;
  self->client_writes++;
  if (self->order == NULL)
    return;
  rank = _presso_client_order_rank (self->order, id);
  if (rank == G_MAXUINT)
    {
      g_clear_pointer (&self->order, order_free);
      return;
    }
  if (self->order->archived[rank] != archived)
    {
      self->order->archived[rank] = archived;
      if (archived)
        self->order->n_active--;
      else
        self->order->n_active++;
    }
}

static void
chmod_owner_only (const char *path)
{
  if (g_chmod (path, 0600) != 0 && errno != ENOENT)
    g_warning ("Could not make %s readable by its owner only: %s", path, g_strerror (errno));
}

/* ------------------------------------------------------------------ GObject */

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

static void
presso_store_dispose (GObject *object)
{
  PressoStore *self = PRESSO_STORE (object);

  g_clear_object (&self->actor);

  G_OBJECT_CLASS (presso_store_parent_class)->dispose (object);
}

static void
presso_store_finalize (GObject *object)
{
  PressoStore *self = PRESSO_STORE (object);

  g_clear_pointer (&self->order, order_free);
  g_clear_pointer (&self->initials, g_free);
  g_clear_pointer (&self->pairs, g_free);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db)
    sqlite3_close (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (presso_store_parent_class)->finalize (object);
}

static void
presso_store_class_init (PressoStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = presso_store_dispose;
  object_class->finalize = presso_store_finalize;

  /**
   * PressoStore::clients-changed:
   *
   * Emitted after a transaction that wrote clients has committed.
   */
  signals[CLIENTS_CHANGED] =
    g_signal_new ("clients-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
presso_store_init (PressoStore *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, statement_free);
}

/* ------------------------------------------------------------------ private API */

sqlite3 *
_presso_store_get_db (PressoStore *self)
{
  return self->db;
}

sqlite3_stmt *
_presso_store_statement (PressoStore  *self,
                         const char   *sql,
                         GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
                   "%s", sqlite3_errmsg (self->db));
      g_critical ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      sqlite3_finalize (stmt);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_presso_store_fail (PressoStore  *self,
                    GError      **error,
                    const char   *doing)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, PRESSO_STORE_ERROR,
               (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB
                 ? PRESSO_STORE_ERROR_CORRUPT : PRESSO_STORE_ERROR_FAILED,
               /* Translators: "Could not save the client: disk full" */
               _("%s: %s"), doing, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
step_done (PressoStore  *self,
           sqlite3_stmt *stmt,
           GError      **error,
           const char   *doing)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }
  _presso_store_fail (self, error, doing);
  sqlite3_reset (stmt);
  return FALSE;
}

gboolean
_presso_store_begin (PressoStore  *self,
                     GError      **error)
{
  sqlite3_stmt *stmt;

  if (self->tx_depth > 0 && self->tx_aborted)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
                           _("An earlier step of this change failed; nothing was saved"));
      return FALSE;
    }
  if (self->tx_depth++ > 0)
    return TRUE;
  if (!(stmt = _presso_store_statement (self, "BEGIN IMMEDIATE", error))
      || !step_done (self, stmt, error, _("Could not start writing")))
    {
      self->tx_depth--;
      return FALSE;
    }
  return TRUE;
}

static void
emit_pending (PressoStore *self)
{
  if (self->tx_depth == 0 && self->clients_changed_pending)
    {
      self->clients_changed_pending = FALSE;
      g_signal_emit (self, signals[CLIENTS_CHANGED], 0);
    }
}

gboolean
_presso_store_commit (PressoStore  *self,
                      GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth > 1)
    {
      self->tx_depth--;
      return TRUE;
    }
  if (self->tx_aborted)
    {
      self->tx_depth = 0;
      self->tx_aborted = FALSE;
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
                           _("An earlier step of this change failed; nothing was saved"));
      emit_pending (self);
      return FALSE;
    }
  if (!(stmt = _presso_store_statement (self, "COMMIT", error))
      || !step_done (self, stmt, error, _("Could not save")))
    {
      _presso_store_rollback (self);
      return FALSE;
    }
  self->tx_depth = 0;
  emit_pending (self);
  return TRUE;
}

/* Rolls back the whole transaction, even from an inner level: the outer levels then fail at
 * commit, which is what a half-written batch must do. */
void
_presso_store_rollback (PressoStore *self)
{
  if (self->tx_depth == 0)
    return;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->tx_aborted = self->tx_depth > 1;
  if (--self->tx_depth == 0)
    {
      /* What the lists show may have been read inside the rolled-back transaction. */
      self->client_writes++;
      g_clear_pointer (&self->order, order_free);
      initials_clear (self);
      emit_pending (self);
    }
}

void
_presso_store_read_client (sqlite3_stmt *stmt,
                           PressoClient *client)
{
  g_autoptr(GDateTime) created_at = _presso_store_column_date_time (stmt, 15);
  g_autoptr(GDateTime) updated_at = _presso_store_column_date_time (stmt, 16);

  g_object_freeze_notify (G_OBJECT (client));
  presso_client_set_id (client, sqlite3_column_int64 (stmt, 0));
  presso_client_set_version (client, sqlite3_column_int64 (stmt, 1));
  presso_client_set_first_name (client, _presso_store_column_string (stmt, 2));
  presso_client_set_last_name (client, _presso_store_column_string (stmt, 3));
  presso_client_set_birth_date (client, (const char *) sqlite3_column_text (stmt, 4));
  presso_client_set_sex (client, CLAMP (sqlite3_column_int (stmt, 5), 0, PRESSO_SEX_OTHER));
  presso_client_set_phone (client, _presso_store_column_string (stmt, 6));
  presso_client_set_email (client, _presso_store_column_string (stmt, 7));
  presso_client_set_address (client, _presso_store_column_string (stmt, 8));
  presso_client_set_referring_doctor (client, _presso_store_column_string (stmt, 9));
  presso_client_set_emergency_contact (client, _presso_store_column_string (stmt, 10));
  presso_client_set_notes (client, _presso_store_column_string (stmt, 11));
  presso_client_set_consent_data_date (client, (const char *) sqlite3_column_text (stmt, 12));
  presso_client_set_consent_photos (client, sqlite3_column_int (stmt, 13) != 0);
  presso_client_set_archived (client, sqlite3_column_int (stmt, 14) != 0);
  presso_client_set_created_at (client, created_at);
  presso_client_set_updated_at (client, updated_at);
  presso_client_set_created_by (client, sqlite3_column_int64 (stmt, 17));
  presso_client_set_updated_by (client, sqlite3_column_int64 (stmt, 18));
  g_object_thaw_notify (G_OBJECT (client));
}

gboolean
_presso_store_optimize_search (PressoStore  *self,
                               GError      **error)
{
  sqlite3_stmt *stmt;

  stmt = _presso_store_statement (self,
                                  "INSERT INTO client_search (client_search) VALUES ('optimize')",
                                  error);
  return stmt && step_done (self, stmt, error, _("Could not update the search index"));
}

guint
_presso_client_order_rank (const PressoClientOrder *order,
                           gint64                   id)
{
  gpointer value;

  if (order->rank_by_id)
    return id >= 0 && id <= order->max_id ? order->rank_by_id[id] : G_MAXUINT;
  if (g_hash_table_lookup_extended (order->rank_table, &id, NULL, &value))
    return GPOINTER_TO_UINT (value);
  return G_MAXUINT;
}

static gboolean
fail_on (sqlite3     *db,
         GError     **error,
         const char  *doing)
{
  int code = sqlite3_extended_errcode (db);

  g_set_error (error, PRESSO_STORE_ERROR,
               (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB
                 ? PRESSO_STORE_ERROR_CORRUPT : PRESSO_STORE_ERROR_FAILED,
               _("%s: %s"), doing, sqlite3_errmsg (db));
  return FALSE;
}

/* Every client of @db in list order, without initials.  Any connection. */
static PressoClientOrder *
order_read (sqlite3  *db,
            GError  **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GByteArray) archived = NULL;
  PressoClientOrder *order;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT id, archived FROM clients"
                          " INDEXED BY clients_by_name ORDER BY name_key, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      fail_on (db, error, _("Could not read the client list"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1024);
  archived = g_byte_array_sized_new (1024);
  order = g_new0 (PressoClientOrder, 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      guint8 is_archived = sqlite3_column_int (stmt, 1) != 0;

      g_array_append_val (ids, id);
      g_byte_array_append (archived, &is_archived, 1);
      order->max_id = MAX (order->max_id, id);
      if (!is_archived)
        order->n_active++;
    }
  if (rc != SQLITE_DONE)
    {
      fail_on (db, error, _("Could not read the client list"));
      sqlite3_finalize (stmt);
      g_free (order);
      return NULL;
    }
  sqlite3_finalize (stmt);

  order->n = order->capacity = ids->len;
  order->ids = (gint64 *) (gpointer) g_array_free (g_steal_pointer (&ids), FALSE);
  order->archived = g_byte_array_free (g_steal_pointer (&archived), FALSE);

  /* Ids come from AUTOINCREMENT, so they are dense: an array indexed by id is the fast path. */
  if (order->max_id <= 4 * (gint64) order->n + 4096)
    {
      order->rank_by_id = g_new (guint, order->max_id + 1);
      memset (order->rank_by_id, 0xff, sizeof (guint) * (order->max_id + 1));
      for (guint i = 0; i < order->n; i++)
        if (order->ids[i] >= 0)
          order->rank_by_id[order->ids[i]] = i;
    }
  else
    {
      order->rank_table = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < order->n; i++)
        g_hash_table_insert (order->rank_table, &order->ids[i], GUINT_TO_POINTER (i));
    }
  return order;
}

static void
order_set_initials (PressoStore       *self,
                    PressoClientOrder *order)
{
  g_clear_pointer (&order->initials, g_free);
  g_clear_pointer (&order->pairs, g_free);
  if (!self->initials_loaded)
    return;
  order->initials = g_new (guint64, order->capacity + 1);
  order->pairs = g_new (guint64, 2 * (order->capacity + 1));
  for (guint i = 0; i < order->n; i++)
    {
      gint64 id = order->ids[i];
      gboolean known = id >= 0 && (gsize) id < self->n_initials;

      order->initials[i] = known ? self->initials[id] : 0;
      order->pairs[2 * i] = known ? self->pairs[2 * id] : 0;
      order->pairs[2 * i + 1] = known ? self->pairs[2 * id + 1] : 0;
    }
}

/* Drops the order and the initials when another connection (a second Presso on this file)
 * wrote since they were read; returns the data version, or -1. */
static gint64
order_check_version (PressoStore  *self,
                     GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 data_version = -1;

  stmt = _presso_store_statement (self, "PRAGMA data_version", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    data_version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (data_version < 0 || data_version != self->order_data_version)
    {
      g_clear_pointer (&self->order, order_free);
      initials_clear (self);
    }
  self->order_data_version = data_version;
  return data_version;
}

const PressoClientOrder *
_presso_store_get_client_order (PressoStore  *self,
                                GError      **error)
{
  PressoClientOrder *order;
  g_autoptr(GError) local_error = NULL;

  order_check_version (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (self->order)
    return self->order;

  order = order_read (self->db, error);
  if (order == NULL)
    return NULL;
  if (!self->initials_loaded)
    load_initials (self);
  order_set_initials (self, order);
  self->order = order;
  return order;
}

/* What a worker reading the order is given and gives back: copies only. */
typedef struct
{
  char              *path;
  guint64            client_writes;   /* the store's when the worker started */
  gint64             data_version;
  guint              attempts;
  PressoClientOrder *order;
  guint64           *initials;
  guint64           *pairs;
  gsize              n_initials;
  gboolean           initials_loaded;
} OrderLoad;

static void
order_load_free (gpointer data)
{
  OrderLoad *load = data;

  g_free (load->path);
  order_free (load->order);
  g_free (load->initials);
  g_free (load->pairs);
  g_free (load);
}

static void
order_load_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  OrderLoad *load = task_data;
  GError *error = NULL;
  sqlite3 *db = NULL;

  /* A connection of its own, read-only: WAL lets it read beside the main connection. */
  if (sqlite3_open_v2 (load->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (&error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                   _("Could not open %s: %s"), load->path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (SQLITE_NOMEM));
      sqlite3_close (db);
      g_task_return_error (task, error);
      return;
    }
  sqlite3_busy_timeout (db, 5000);
  /* One snapshot for the order and the initials. */
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    fail_on (db, &error, _("Could not read the client list"));
  else if ((load->order = order_read (db, &error)) != NULL)
    load->initials_loaded = initials_read (db, &load->initials, &load->pairs,
                                           &load->n_initials);
  sqlite3_close_v2 (db);   /* ends the read transaction */

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Completes the reading of the order for every list that waits for it. */
static void
order_load_done (PressoStore *self,
                 GTask       *outer,
                 GError      *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->order_waiters);

  self->order_task = NULL;
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      if (error != NULL)
        g_task_return_error (waiters->pdata[i], g_error_copy (error));
      else
        g_task_return_boolean (waiters->pdata[i], TRUE);
    }
  if (error != NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_boolean (outer, TRUE);
}

static void on_order_loaded_cb (GObject      *source_object,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
order_load_start (PressoStore *self,
                  GTask       *outer)
{
  OrderLoad *load = g_task_get_task_data (outer);
  g_autoptr(GTask) task = NULL;

  load->client_writes = self->client_writes;
  load->data_version = self->order_data_version;
  load->attempts++;
  /* Not cancellable: what the worker reads is worth keeping for the next list. */
  task = g_task_new (self, NULL, on_order_loaded_cb, g_object_ref (outer));
  g_task_set_source_tag (task, order_load_start);
  g_task_set_task_data (task, load, NULL);   /* the outer task's, which this one holds */
  g_task_run_in_thread (task, order_load_thread);
}

static void
on_order_loaded_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PressoStore *self = PRESSO_STORE (source_object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  OrderLoad *load = g_task_get_task_data (outer);
  gint64 data_version;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      order_load_done (self, outer, g_steal_pointer (&error));
      return;
    }

  data_version = order_check_version (self, NULL);
  if (self->order == NULL
      && (data_version != load->data_version || self->client_writes != load->client_writes))
    {
      /* A write since the worker started may be missing from what it read: read again, or
       * leave it to _presso_store_get_client_order() when the writes keep coming. */
      if (load->attempts < 3)
        order_load_start (self, outer);
      else
        order_load_done (self, outer, NULL);
      return;
    }

  if (self->order == NULL && data_version >= 0)
    {
      if (!self->initials_loaded && load->initials_loaded)
        {
          self->initials = g_steal_pointer (&load->initials);
          self->pairs = g_steal_pointer (&load->pairs);
          self->n_initials = load->n_initials;
          self->initials_loaded = TRUE;
        }
      self->order = g_steal_pointer (&load->order);
      order_set_initials (self, self->order);
    }
  order_load_done (self, outer, NULL);
}

/**
 * _presso_store_load_client_order_async:
 *
 * Reads the name order of every client, and their initials, on a worker thread with a
 * connection of its own, so that a window can show itself before a 100 000-client list is
 * read.  The order is then the store's, as if _presso_store_get_client_order() had read it.
 */
void
_presso_store_load_client_order_async (PressoStore         *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OrderLoad *load;

  g_return_if_fail (PRESSO_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _presso_store_load_client_order_async);
  order_check_version (self, NULL);
  if (self->order != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* One worker for every list that asks meanwhile. */
  if (self->order_task != NULL)
    {
      if (self->order_waiters == NULL)
        self->order_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->order_waiters, g_steal_pointer (&task));
      return;
    }
  load = g_new0 (OrderLoad, 1);
  load->path = g_strdup (self->path);
  g_task_set_task_data (task, load, order_load_free);
  self->order_task = task;
  order_load_start (self, task);
}

/* TRUE when the order is read: _presso_store_get_client_order() then returns it at once
 * (unless a write came after; it is then read again, on the main thread). */
gboolean
_presso_store_load_client_order_finish (PressoStore   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ opening */

static gboolean
create_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  /* Created here, with the right mode, before SQLite sees it: SQLite would create it with the
   * umask's mode (often readable by everyone), and gives its -wal and -shm files the mode of
   * the database file. */
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                   _("Could not create %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Looks at the file before SQLite does, so that what is not a database is refused without
 * being touched (SQLite would only notice at the first read). */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  ssize_t n;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return TRUE;
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                   _("Could not open %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  n = read (fd, header, sizeof header);
  close (fd);

  if (n == 0)
    return TRUE;   /* empty: a new database */
  if (n != sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CORRUPT,
                   _("%s is not a Presso database. It was left as it is."), path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (PressoStore  *self,
         int           max_version,
         GError      **error)
{
  int rc;
  gint64 version;

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      const Migration *step = &migrations[i];
      g_autofree char *set_version = NULL;

      /* Read inside the write transaction: another Presso opening the same file at the same
       * moment may have just done this step. */
      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      version = pragma_int (self, "PRAGMA user_version", &rc);
      if (rc != SQLITE_OK)
        {
          exec (self, "ROLLBACK", NULL);
          return _presso_store_fail (self, error, _("Could not read the database version"));
        }
      if (version >= step->version || step->version > max_version)
        {
          exec (self, "ROLLBACK", NULL);
          continue;
        }

      set_version = g_strdup_printf ("PRAGMA user_version = %d", step->version);
      if (!exec (self, step->sql, error) || !exec (self, set_version, error))
        {
          exec (self, "ROLLBACK", NULL);
          g_prefix_error (error, _("Could not update the database to version %d: "),
                          step->version);
          return FALSE;
        }
      if (step->version == 1)
        {
          g_autofree char *set_id = g_strdup_printf ("PRAGMA application_id = %d",
                                                     PRESSO_APPLICATION_ID);
          if (!exec (self, set_id, error))
            {
              exec (self, "ROLLBACK", NULL);
              return FALSE;
            }
        }
      if (!exec (self, "COMMIT", error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      g_debug ("Database %s updated to schema version %d", self->path, step->version);
    }
  return TRUE;
}

static gboolean
open_database (PressoStore  *self,
               int           max_version,
               GError      **error)
{
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  gint64 version, application_id, n_objects;
  int rc;

  if (!check_header (self->path, error) || !create_file (self->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                   _("Could not open %s: %s"), self->path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  /* Nothing is written before these checks pass: a file we refuse stays byte-for-byte as it
   * was (setting WAL mode alone would rewrite its header; closing would checkpoint into it
   * what a newer Presso left in its WAL). */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  version = pragma_int (self, "PRAGMA user_version", &rc);
  if (rc == SQLITE_OK)
    application_id = pragma_int (self, "PRAGMA application_id", &rc);
  if (rc == SQLITE_OK)
    n_objects = pragma_int (self, "SELECT count(*) FROM sqlite_master", &rc);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PRESSO_STORE_ERROR,
                   (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT
                     ? PRESSO_STORE_ERROR_CORRUPT : PRESSO_STORE_ERROR_OPEN,
                   _("Could not read %s: %s. It was left as it is."),
                   self->path, sqlite3_errmsg (self->db));
      return FALSE;
    }
  if (version > PRESSO_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_TOO_NEW,
                   _("%s was written by a newer version of Presso (database version %d; this "
                     "Presso knows up to %d). Update Presso to open it. The file was left as "
                     "it is."),
                   self->path, (int) version, PRESSO_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if ((application_id != 0 && application_id != PRESSO_APPLICATION_ID)
      || (version == 0 && n_objects > 0))
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CORRUPT,
                   _("%s is a database of another program, not of Presso. It was left as it "
                     "is."), self->path);
      return FALSE;
    }

  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  chmod_owner_only (self->path);
  if (!exec (self, "PRAGMA journal_mode = WAL", error)
      || !exec (self, "PRAGMA synchronous = FULL", error)
      || !exec (self, "PRAGMA foreign_keys = ON", error)
      /* The search index and the name order are read on every keystroke: keep them in
       * memory rather than behind a read() per page.  (The map is read-only.) */
      || !exec (self, "PRAGMA cache_size = -16384", error)
      || !exec (self, "PRAGMA mmap_size = 268435456", error))
    {
      g_prefix_error (error, _("Could not open %s: "), self->path);
      return FALSE;
    }
  /* SQLite gives them the database file's mode already; this covers files left by an older
   * run with a looser mode. */
  wal = g_strconcat (self->path, "-wal", NULL);
  shm = g_strconcat (self->path, "-shm", NULL);
  chmod_owner_only (wal);
  chmod_owner_only (shm);

  if (sqlite3_create_function (self->db, "presso_fold", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                               NULL, fold_function, NULL, NULL) != SQLITE_OK)
    return _presso_store_fail (self, error, _("Could not open the database"));

  return migrate (self, max_version, error);
}

/* ------------------------------------------------------------------ public API */

/**
 * presso_store_default_path:
 *
 * Returns: (transfer full): where the practice's database lives:
 *   `$XDG_DATA_HOME/presso/clinic.db`
 */
char *
presso_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "presso", "clinic.db", NULL);
}

/**
 * presso_store_demo_path:
 *
 * Returns: (transfer full): where the demo clinic lives: `$XDG_DATA_HOME/presso/demo.db`
 */
char *
presso_store_demo_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "presso", "demo.db", NULL);
}

/**
 * presso_store_open:
 * @path: the database file (created when missing)
 * @error: return location for an error
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
PressoStore *
presso_store_open (const char  *path,
                   GError     **error)
{
  g_autoptr(PressoStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (PRESSO_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  if (!open_database (self, PRESSO_STORE_SCHEMA_VERSION, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Opens @path migrated up to @max_version only: what an older Presso left.  For the tests of
 * migrations; never for records. */
PressoStore *
_presso_store_open_at_version (const char  *path,
                               int          max_version,
                               GError     **error)
{
  g_autoptr(PressoStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_version <= PRESSO_STORE_SCHEMA_VERSION, NULL);

  self = g_object_new (PRESSO_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  if (!open_database (self, max_version, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
presso_store_get_path (PressoStore *self)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  return self->path;
}

int
presso_store_get_schema_version (PressoStore *self)
{
  int rc;
  gint64 version;

  g_return_val_if_fail (PRESSO_IS_STORE (self), 0);

  version = pragma_int (self, "PRAGMA user_version", &rc);
  return rc == SQLITE_OK ? (int) version : -1;
}

/* ---- staff */

static PressoStaff *
read_staff (sqlite3_stmt *stmt)
{
  PressoStaff *staff = presso_staff_new (_presso_store_column_string (stmt, 1),
                                         CLAMP (sqlite3_column_int (stmt, 2), 0,
                                                PRESSO_ROLE_MANAGER));

  presso_staff_set_id (staff, sqlite3_column_int64 (stmt, 0));
  presso_staff_set_active (staff, sqlite3_column_int (stmt, 3) != 0);
  return staff;
}

/**
 * presso_store_list_staff:
 * @self: a store
 *
 * Returns: (transfer full): a list of the active #PressoStaff, by name
 */
GListModel *
presso_store_list_staff (PressoStore *self)
{
  GListStore *list;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  list = g_list_store_new (PRESSO_TYPE_STAFF);
  stmt = _presso_store_statement (self,
                                  "SELECT id, display_name, role, active FROM staff"
                                  " WHERE active ORDER BY display_name COLLATE NOCASE, id",
                                  NULL);
  if (stmt == NULL)
    return G_LIST_MODEL (list);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(PressoStaff) staff = read_staff (stmt);
      g_list_store_append (list, staff);
    }
  sqlite3_reset (stmt);
  return G_LIST_MODEL (list);
}

/**
 * presso_store_get_staff:
 * @self: a store
 * @id: a staff id
 * @error: return location for an error (NOT_FOUND)
 *
 * Returns: (transfer full): the staff member, active or not
 */
PressoStaff *
presso_store_get_staff (PressoStore  *self,
                        gint64        id,
                        GError      **error)
{
  sqlite3_stmt *stmt;
  PressoStaff *staff = NULL;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT id, display_name, role, active FROM staff WHERE id = ?",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    staff = read_staff (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                 _("This staff member no longer exists"));
  else
    _presso_store_fail (self, error, _("Could not read the staff"));
  sqlite3_reset (stmt);
  return staff;
}

/**
 * presso_store_insert_staff:
 * @self: a store
 * @staff: a staff member not stored yet
 * @error: return location for an error
 *
 * Stores @staff and sets its id.
 */
gboolean
presso_store_insert_staff (PressoStore  *self,
                           PressoStaff  *staff,
                           GError      **error)
{
  g_autofree char *now = _presso_store_now_text ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_STAFF (staff), FALSE);
  g_return_val_if_fail (presso_staff_get_id (staff) == 0, FALSE);

  if (*presso_staff_get_display_name (staff) == '\0')
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                   _("Enter a name"));
      return FALSE;
    }

  if (!_presso_store_begin (self, error))
    return FALSE;
  stmt = _presso_store_statement (self,
                                  "INSERT INTO staff (display_name, role, active, created_at,"
                                  " updated_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, presso_staff_get_display_name (staff));
  sqlite3_bind_int (stmt, 2, presso_staff_get_role (staff));
  sqlite3_bind_int (stmt, 3, presso_staff_get_active (staff));
  bind_text (stmt, 4, now);
  bind_text (stmt, 5, now);
  if (!step_done (self, stmt, error, _("Could not save the staff member")))
    goto fail;
  if (!_presso_store_commit (self, error))
    return FALSE;
  presso_staff_set_id (staff, sqlite3_last_insert_rowid (self->db));
  return TRUE;

fail:
  _presso_store_rollback (self);
  return FALSE;
}

/**
 * presso_store_set_actor:
 * @self: a store
 * @staff: (nullable): who is using Presso now
 *
 * Every later write records @staff as its author.
 */
void
presso_store_set_actor (PressoStore *self,
                        PressoStaff *staff)
{
  g_return_if_fail (PRESSO_IS_STORE (self));
  g_return_if_fail (staff == NULL || PRESSO_IS_STAFF (staff));

  g_set_object (&self->actor, staff);
}

/**
 * presso_store_get_actor:
 * @self: a store
 *
 * Returns: (transfer none) (nullable): who every write records
 */
PressoStaff *
presso_store_get_actor (PressoStore *self)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  return self->actor;
}

static gint64
actor_id (PressoStore *self)
{
  return self->actor ? presso_staff_get_id (self->actor) : 0;
}

/* ---- clients */

/**
 * presso_store_get_client:
 * @self: a store
 * @id: a client id
 * @error: return location for an error (NOT_FOUND)
 *
 * Returns: (transfer full): the client as stored now
 */
PressoClient *
presso_store_get_client (PressoStore  *self,
                         gint64        id,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  PressoClient *client = NULL;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT " PRESSO_STORE_CLIENT_COLUMNS
                                  " FROM clients WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      client = presso_client_new ();
      _presso_store_read_client (stmt, client);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                 _("This client no longer exists"));
  else
    _presso_store_fail (self, error, _("Could not read the client"));
  sqlite3_reset (stmt);
  return client;
}

static gboolean
check_valid (PressoClient  *client,
             GError       **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  PressoClientProblem *first;

  if (presso_client_validate (client, NULL, &problems))
    return TRUE;
  first = g_ptr_array_index (problems, 0);
  g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID, first->message);
  return FALSE;
}

/* Binds the fields an edit writes, from parameter @first on, in this order. */
#define CLIENT_FIELDS \
  "first_name, last_name, birth_date, sex, phone, email, address, referring_doctor," \
  " emergency_contact, notes, consent_data_date, consent_photos, name_key"
#define N_CLIENT_FIELDS 13

static void
bind_client_fields (sqlite3_stmt *stmt,
                    int           first,
                    PressoClient *client)
{
  g_autofree char *name_key = client_name_key (client);

  bind_text (stmt, first + 0, presso_client_get_first_name (client));
  bind_text (stmt, first + 1, presso_client_get_last_name (client));
  bind_text (stmt, first + 2, presso_client_get_birth_date (client));
  sqlite3_bind_int (stmt, first + 3, presso_client_get_sex (client));
  bind_text (stmt, first + 4, presso_client_get_phone (client));
  bind_text (stmt, first + 5, presso_client_get_email (client));
  bind_text (stmt, first + 6, presso_client_get_address (client));
  bind_text (stmt, first + 7, presso_client_get_referring_doctor (client));
  bind_text (stmt, first + 8, presso_client_get_emergency_contact (client));
  bind_text (stmt, first + 9, presso_client_get_notes (client));
  bind_text (stmt, first + 10, presso_client_get_consent_data_date (client));
  sqlite3_bind_int (stmt, first + 11, presso_client_get_consent_photos (client));
  bind_text (stmt, first + 12, name_key);
}

/**
 * presso_store_insert_client:
 * @self: a store
 * @client: a client not stored yet (id 0)
 * @error: return location for an error (INVALID, FAILED)
 *
 * Validates and stores @client, recording the actor; sets its id, version (1), created and
 * updated at and by.  @client keeps its values when this fails.
 */
gboolean
presso_store_insert_client (PressoStore   *self,
                            PressoClient  *client,
                            GError       **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_iso = NULL;
  sqlite3_stmt *stmt;
  gint64 actor;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (presso_client_get_id (client) == 0, FALSE);

  if (!check_valid (client, error))
    return FALSE;

  now = g_date_time_new_now_utc ();
  now_iso = g_date_time_format_iso8601 (now);
  actor = actor_id (self);

  if (!_presso_store_begin (self, error))
    return FALSE;
  stmt = _presso_store_statement (self,
                                  "INSERT INTO clients (" CLIENT_FIELDS ", archived, version,"
                                  " created_at, updated_at, created_by, updated_by)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                  " ?, 1, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  bind_client_fields (stmt, 1, client);
  sqlite3_bind_int (stmt, N_CLIENT_FIELDS + 1, presso_client_get_archived (client));
  bind_text (stmt, N_CLIENT_FIELDS + 2, now_iso);
  bind_text (stmt, N_CLIENT_FIELDS + 3, now_iso);
  bind_staff_id (stmt, N_CLIENT_FIELDS + 4, actor);
  bind_staff_id (stmt, N_CLIENT_FIELDS + 5, actor);
  if (!step_done (self, stmt, error, _("Could not save the client")))
    goto fail;
  client_written (self, sqlite3_last_insert_rowid (self->db), client);

  g_object_freeze_notify (G_OBJECT (client));
  presso_client_set_id (client, sqlite3_last_insert_rowid (self->db));
  presso_client_set_version (client, 1);
  presso_client_set_created_at (client, now);
  presso_client_set_updated_at (client, now);
  presso_client_set_created_by (client, actor);
  presso_client_set_updated_by (client, actor);

  if (!_presso_store_commit (self, error))
    {
      presso_client_set_id (client, 0);
      presso_client_set_version (client, 0);
      presso_client_set_created_at (client, NULL);
      presso_client_set_updated_at (client, NULL);
      presso_client_set_created_by (client, 0);
      presso_client_set_updated_by (client, 0);
      g_object_thaw_notify (G_OBJECT (client));
      return FALSE;
    }
  g_object_thaw_notify (G_OBJECT (client));
  return TRUE;

fail:
  _presso_store_rollback (self);
  return FALSE;
}

static char *
format_local_time (GDateTime *at)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (at);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  return g_date_time_format (local, "%x %H:%M");
}

/* After an UPDATE ... WHERE version = ? changed nothing: says why, in words for the user. */
static void
set_conflict_error (PressoStore  *self,
                    gint64        id,
                    GError      **error)
{
  sqlite3_stmt *stmt;

  stmt = _presso_store_statement (self,
                                  "SELECT c.updated_at, s.display_name FROM clients c"
                                  " LEFT JOIN staff s ON s.id = c.updated_by WHERE c.id = ?",
                                  error);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) at = _presso_store_column_date_time (stmt, 0);
      g_autofree char *when = at ? format_local_time (at) : g_strdup ("?");
      const char *who = (const char *) sqlite3_column_text (stmt, 1);

      if (who && *who)
        g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT,
                     /* Translators: "…changed by Claire Martin at 14:05…" */
                     _("This client was changed by %s at %s, after you opened it. Your "
                       "changes are kept here, not saved: reload to see theirs."), who, when);
      else
        g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT,
                     _("This client was changed by someone else at %s, after you opened it. "
                       "Your changes are kept here, not saved: reload to see theirs."), when);
    }
  else
    g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                 _("This client no longer exists"));
  sqlite3_reset (stmt);
}

/**
 * presso_store_update_client:
 * @self: a store
 * @client: a stored client, as read (its version is the one it was read at)
 * @error: return location for an error (CONFLICT, INVALID, NOT_FOUND, FAILED)
 *
 * Writes every field of @client but "archived" (see presso_store_set_client_archived()), if
 * nobody saved the row since @client was read.  On success @client's version, updated at and
 * by are those now stored; on failure @client is left as it was.
 */
gboolean
presso_store_update_client (PressoStore   *self,
                            PressoClient  *client,
                            GError       **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_iso = NULL;
  sqlite3_stmt *stmt;
  gint64 actor, id, version;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (presso_client_get_id (client) > 0, FALSE);

  if (!check_valid (client, error))
    return FALSE;

  now = g_date_time_new_now_utc ();
  now_iso = g_date_time_format_iso8601 (now);
  actor = actor_id (self);
  id = presso_client_get_id (client);
  version = presso_client_get_version (client);

  if (!_presso_store_begin (self, error))
    return FALSE;
  stmt = _presso_store_statement (self,
                                  "UPDATE clients SET (" CLIENT_FIELDS ", version, updated_at,"
                                  " updated_by) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                  " version + 1, ?, ?) WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    goto fail;
  bind_client_fields (stmt, 1, client);
  bind_text (stmt, N_CLIENT_FIELDS + 1, now_iso);
  bind_staff_id (stmt, N_CLIENT_FIELDS + 2, actor);
  sqlite3_bind_int64 (stmt, N_CLIENT_FIELDS + 3, id);
  sqlite3_bind_int64 (stmt, N_CLIENT_FIELDS + 4, version);
  if (!step_done (self, stmt, error, _("Could not save the client")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      set_conflict_error (self, id, error);
      goto fail;
    }
  client_written (self, id, client);
  if (!_presso_store_commit (self, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (client));
  presso_client_set_version (client, version + 1);
  presso_client_set_updated_at (client, now);
  presso_client_set_updated_by (client, actor);
  g_object_thaw_notify (G_OBJECT (client));
  return TRUE;

fail:
  _presso_store_rollback (self);
  return FALSE;
}

/**
 * presso_store_set_client_archived:
 * @self: a store
 * @client: a stored client
 * @archived: %TRUE to archive (hidden from the default list), %FALSE to restore
 * @error: return location for an error (CONFLICT, NOT_FOUND, FAILED)
 *
 * Same optimistic lock as presso_store_update_client(); only the flag is written.
 */
gboolean
presso_store_set_client_archived (PressoStore   *self,
                                  PressoClient  *client,
                                  gboolean       archived,
                                  GError       **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_iso = NULL;
  sqlite3_stmt *stmt;
  gint64 actor, id, version;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (presso_client_get_id (client) > 0, FALSE);

  now = g_date_time_new_now_utc ();
  now_iso = g_date_time_format_iso8601 (now);
  actor = actor_id (self);
  id = presso_client_get_id (client);
  version = presso_client_get_version (client);
  archived = !!archived;
  /* Nothing to write: no new version, no audit line. */
  if (presso_client_get_archived (client) == archived)
    return TRUE;

  if (!_presso_store_begin (self, error))
    return FALSE;
  stmt = _presso_store_statement (self,
                                  "UPDATE clients SET archived = ?, version = version + 1,"
                                  " updated_at = ?, updated_by = ?"
                                  " WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, archived);
  bind_text (stmt, 2, now_iso);
  bind_staff_id (stmt, 3, actor);
  sqlite3_bind_int64 (stmt, 4, id);
  sqlite3_bind_int64 (stmt, 5, version);
  if (!step_done (self, stmt, error, _("Could not save the client")))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      set_conflict_error (self, id, error);
      goto fail;
    }
  client_archived (self, id, archived);
  if (!_presso_store_commit (self, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (client));
  presso_client_set_archived (client, archived);
  presso_client_set_version (client, version + 1);
  presso_client_set_updated_at (client, now);
  presso_client_set_updated_by (client, actor);
  g_object_thaw_notify (G_OBJECT (client));
  return TRUE;

fail:
  _presso_store_rollback (self);
  return FALSE;
}

/**
 * presso_store_find_duplicates:
 * @self: a store
 * @client: a client, stored or not
 * @error: return location for an error
 *
 * Finds the records that are probably the same person: same first and last name (ignoring
 * case and accents) and same birth date.  Without a birth date nothing is a duplicate.
 *
 * Returns: (transfer full) (element-type PressoClient): the other clients, archived ones too
 */
GPtrArray *
presso_store_find_duplicates (PressoStore   *self,
                              PressoClient  *client,
                              GError       **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *name_key = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);
  g_return_val_if_fail (PRESSO_IS_CLIENT (client), NULL);

  found = g_ptr_array_new_with_free_func (g_object_unref);
  if (presso_client_get_birth_date (client) == NULL)
    return g_steal_pointer (&found);

  stmt = _presso_store_statement (self,
                                  "SELECT " PRESSO_STORE_CLIENT_COLUMNS " FROM clients"
                                  " WHERE birth_date = ? AND name_key = ? AND id <> ?"
                                  " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  name_key = client_name_key (client);
  bind_text (stmt, 1, presso_client_get_birth_date (client));
  bind_text (stmt, 2, name_key);
  sqlite3_bind_int64 (stmt, 3, presso_client_get_id (client));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PressoClient *other = presso_client_new ();

      _presso_store_read_client (stmt, other);
      g_ptr_array_add (found, other);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not look for duplicates"));
      return NULL;
    }
  return g_steal_pointer (&found);
}

gint64
presso_store_count_clients (PressoStore *self,
                            gboolean     include_archived)
{
  const PressoClientOrder *order;

  g_return_val_if_fail (PRESSO_IS_STORE (self), 0);

  order = _presso_store_get_client_order (self, NULL);
  if (order == NULL)
    return 0;
  return include_archived ? order->n : order->n_active;
}

void
presso_audit_entry_free (PressoAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->staff_name);
  g_clear_pointer (&entry->at, g_date_time_unref);
  g_free (entry->action);
  g_free (entry->fields);
  g_free (entry);
}

/**
 * presso_store_list_client_audit:
 * @self: a store
 * @client_id: a client id
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type PressoAuditEntry): who wrote what and when, newest
 *   first
 */
GPtrArray *
presso_store_list_client_audit (PressoStore  *self,
                                gint64        client_id,
                                GError      **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT a.client_id, a.staff_id, s.display_name, a.at,"
                                  " a.action, a.fields FROM client_audit a"
                                  " LEFT JOIN staff s ON s.id = a.staff_id"
                                  " WHERE a.client_id = ? ORDER BY a.id DESC", error);
  if (stmt == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_audit_entry_free);
  sqlite3_bind_int64 (stmt, 1, client_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PressoAuditEntry *entry = g_new0 (PressoAuditEntry, 1);

      entry->client_id = sqlite3_column_int64 (stmt, 0);
      entry->staff_id = sqlite3_column_int64 (stmt, 1);
      entry->staff_name = g_strdup (_presso_store_column_string (stmt, 2));
      entry->at = _presso_store_column_date_time (stmt, 3);
      entry->action = g_strdup (_presso_store_column_string (stmt, 4));
      entry->fields = g_strdup (_presso_store_column_string (stmt, 5));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the history"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/* ---- rooms and devices */

gint64
presso_store_add_room (PressoStore  *self,
                       const char   *name,
                       GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (PRESSO_IS_STORE (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  if (!_presso_store_begin (self, error))
    return 0;
  stmt = _presso_store_statement (self, "INSERT INTO rooms (name) VALUES (?)", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, name);
  if (!step_done (self, stmt, error, _("Could not save the room")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!_presso_store_commit (self, error))
    return 0;
  return id;

fail:
  _presso_store_rollback (self);
  return 0;
}

gint64
presso_store_add_device (PressoStore  *self,
                         const char   *name,
                         const char   *kind,
                         const char   *serial,
                         gint64        room_id,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (PRESSO_IS_STORE (self), 0);
  g_return_val_if_fail (name != NULL && kind != NULL, 0);

  if (!_presso_store_begin (self, error))
    return 0;
  stmt = _presso_store_statement (self,
                                  "INSERT INTO devices (name, kind, serial, room_id)"
                                  " VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, kind);
  bind_text (stmt, 3, serial ? serial : "");
  bind_staff_id (stmt, 4, room_id);
  if (!step_done (self, stmt, error, _("Could not save the device")))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!_presso_store_commit (self, error))
    return 0;
  return id;

fail:
  _presso_store_rollback (self);
  return 0;
}

static GStrv
list_names (PressoStore *self,
            const char  *sql)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = _presso_store_statement (self, sql, NULL);

  if (stmt)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_strv_builder_add (builder, _presso_store_column_string (stmt, 0));
      sqlite3_reset (stmt);
    }
  return g_strv_builder_end (builder);
}

/**
 * presso_store_list_room_names:
 * @self: a store
 *
 * Returns: (transfer full): the names of the active rooms, in name order
 */
GStrv
presso_store_list_room_names (PressoStore *self)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  return list_names (self, "SELECT name FROM rooms WHERE active ORDER BY name, id");
}

/**
 * presso_store_list_device_names:
 * @self: a store
 *
 * Returns: (transfer full): the names of the active devices, in name order
 */
GStrv
presso_store_list_device_names (PressoStore *self)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  return list_names (self, "SELECT name FROM devices WHERE active ORDER BY name, id");
}
