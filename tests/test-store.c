/* test-store.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client store on real SQLite files in a temporary folder: creation (mode, WAL, foreign
 * keys), migration from every earlier schema, writes with their author and audit trail,
 * search, optimistic locking, refusal of files it must not touch, archiving, duplicates, the
 * paged client list and the demo clinic.
 *
 * The test builds old-schema and foreign databases itself, so it talks to SQLite directly.
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "presso-client-list.h"
#include "presso-demo.h"
#include "presso-store.h"
#include "presso-store-private.h"
#include "presso-store-session.h"
#include "presso-test-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("presso-store-XXXXXX", &error);
  g_assert_no_error (error);
  /* A folder that does not exist yet: the store creates it. */
  fixture->path = g_build_filename (fixture->dir, "presso", "clinic.db", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  presso_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static PressoStaff *
add_staff (PressoStore *store,
           const char  *name,
           PressoRole   role)
{
  g_autoptr(GError) error = NULL;
  PressoStaff *staff = presso_staff_new (name, role);

  g_assert_true (presso_store_insert_staff (store, staff, &error));
  g_assert_no_error (error);
  g_assert_cmpint (presso_staff_get_id (staff), >, 0);
  return staff;
}

static PressoClient *
add_client (PressoStore *store,
            const char  *first,
            const char  *last,
            const char  *birth,
            const char  *phone,
            const char  *email)
{
  g_autoptr(GError) error = NULL;
  PressoClient *client = presso_client_new ();

  presso_client_set_first_name (client, first);
  presso_client_set_last_name (client, last);
  presso_client_set_birth_date (client, birth);
  presso_client_set_phone (client, phone);
  presso_client_set_email (client, email);
  g_assert_true (presso_store_insert_client (store, client, &error));
  g_assert_no_error (error);
  return client;
}

static int
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static char *
sql_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* The display names of the list, "|"-joined, in order. */
static char *
list_names (GListModel *list)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(PressoClient) client = g_list_model_get_item (list, i);
      g_string_append_printf (out, "%s%s", i ? "|" : "", presso_client_get_display_name (client));
    }
  return g_string_free (out, FALSE);
}

static char *
search (PressoClientList *list,
        const char       *query)
{
  presso_client_list_set_query (list, query);
  return list_names (G_LIST_MODEL (list));
}

/* ------------------------------------------------------------------ creation */

static void
test_fresh (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoStaff) ghost = NULL;
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);
  g_autofree char *journal_mode = NULL;
  mode_t old_umask;

  /* Even with a umask that lets everyone read, patient data is for its owner only. */
  old_umask = umask (0);
  store = presso_test_store_open (fixture->path);
  g_assert_cmpint (presso_store_get_schema_version (store), ==, PRESSO_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (presso_store_get_path (store), ==, fixture->path);
  g_object_unref (add_client (store, "Hélène", "Dupont", NULL, "", ""));
  umask (old_umask);

  g_assert_cmpint (file_mode (dir), ==, 0700);
  g_assert_cmpint (file_mode (fixture->path), ==, 0600);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (file_mode (wal), ==, 0600);
  g_assert_cmpint (file_mode (shm), ==, 0600);

  journal_mode = sql_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");

  /* Foreign keys are enforced: a write by a staff member who does not exist is refused. */
  ghost = presso_staff_new ("Nobody", PRESSO_ROLE_MANAGER);
  presso_staff_set_id (ghost, 999);
  presso_store_set_actor (store, ghost);
  client = presso_client_new ();
  presso_client_set_last_name (client, "Martin");
  g_assert_false (presso_store_insert_client (store, client, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED);
  g_assert_cmpint (presso_client_get_id (client), ==, 0);
  g_assert_cmpint (presso_store_count_clients (store, TRUE), ==, 1);
}

static void
test_reopen_keeps_data (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(PressoClient) read = NULL;
  g_autoptr(GError) error = NULL;
  PressoStore *store;

  store = presso_test_store_open (fixture->path);
  client = add_client (store, "Zoë", "Müller", "1992-02-29", "+33 7 61 22 90 14", "");
  g_object_unref (store);

  store = presso_test_store_open (fixture->path);
  read = presso_store_get_client (store, presso_client_get_id (client), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_display_name (read), ==, "Müller Zoë");
  g_assert_cmpstr (presso_client_get_birth_date (read), ==, "1992-02-29");
  g_object_unref (store);
}

/* ------------------------------------------------------------------ migrations */

/* The schema of each earlier version, as that version of Presso wrote it. */
static const char schema_v1[] =
  "CREATE TABLE staff ("
  "  id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,"
  "  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 2),"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)), pin_hash TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
  "CREATE TABLE clients ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL DEFAULT 1,"
  "  first_name TEXT NOT NULL DEFAULT '', last_name TEXT NOT NULL DEFAULT '', birth_date TEXT,"
  "  sex INTEGER NOT NULL DEFAULT 0 CHECK (sex BETWEEN 0 AND 3),"
  "  phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '', referring_doctor TEXT NOT NULL DEFAULT '',"
  "  emergency_contact TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',"
  "  consent_data_date TEXT,"
  "  consent_photos INTEGER NOT NULL DEFAULT 0 CHECK (consent_photos IN (0, 1)),"
  "  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
  "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
  "  created_by INTEGER REFERENCES staff (id), updated_by INTEGER REFERENCES staff (id));"
  "CREATE INDEX clients_by_name ON clients (archived, last_name, first_name);"
  "CREATE INDEX clients_by_birth_date ON clients (birth_date);"
  "PRAGMA application_id = 1347572559;"
  "PRAGMA user_version = 1;"
  "INSERT INTO staff VALUES (1, 'Sophie Bernard', 0, 1, NULL, 1,"
  "  '2026-01-05T09:00:00Z', '2026-01-05T09:00:00Z');"
  "INSERT INTO clients (id, first_name, last_name, birth_date, sex, phone, email, notes,"
  "  archived, created_at, updated_at, created_by, updated_by) VALUES"
  "  (1, 'Hélène', 'Dupont', '1985-03-12', 1, '06 12 34 56 78', 'helene.dupont@orange.fr',"
  "   'Jambes lourdes', 0, '2026-01-05T09:10:00Z', '2026-01-05T09:10:00Z', 1, 1),"
  "  (2, 'Bjørn', 'Ødegaard', '1995-12-08', 2, '+33 7 55 44 33 22', '', '',"
  "   1, '2026-01-06T10:00:00Z', '2026-02-01T10:00:00Z', 1, 1);";

/* Makes a database as Presso with schema @version left it, with two clients in it: version 1
 * from the DDL above (as the first release wrote it), later ones by running the shipped
 * migration steps up to @version only (steps are never edited once shipped). */
static void
make_old_database (const char *path,
                   int         version)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  PressoStore *old;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (version == 0)
    {
      /* Version 0: the empty file a first start leaves when it stops before creating tables. */
      g_assert_true (g_file_set_contents (path, "", 0, NULL));
      return;
    }

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, schema_v1);
  sqlite3_close (db);
  if (version == 1)
    return;

  old = _presso_store_open_at_version (path, version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_store_get_schema_version (old), ==, version);
  g_object_unref (old);
}

static void
test_migrate_from_every_version (Fixture       *fixture,
                                 gconstpointer  data)
{
  for (int version = 0; version < PRESSO_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%d/clinic.db", fixture->dir, version);
      g_autoptr(PressoStore) store = NULL;
      g_autoptr(PressoClientList) list = NULL;
      g_autoptr(PressoClient) client = NULL;
      g_autoptr(PressoClient) hidden = NULL;
      g_autoptr(PressoStaff) staff = NULL;
      g_autoptr(GPtrArray) audit = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *found = NULL;

      g_test_message ("migrating from schema version %d", version);
      make_old_database (path, version);
      store = presso_test_store_open (path);
      g_assert_cmpint (presso_store_get_schema_version (store), ==, PRESSO_STORE_SCHEMA_VERSION);
      g_assert_cmpint (file_mode (path), ==, 0600);
      list = presso_client_list_new (store);

      if (version == 0)
        {
          g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
          client = add_client (store, "Hélène", "Dupont", "1985-03-12", "06 12 34 56 78", "");
          found = search (list, "helene 0612");
          g_assert_cmpstr (found, ==, "Dupont Hélène");
          continue;
        }

      /* The data survived, with its authors. */
      client = presso_store_get_client (store, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (presso_client_get_display_name (client), ==, "Dupont Hélène");
      g_assert_cmpstr (presso_client_get_notes (client), ==, "Jambes lourdes");
      g_assert_cmpint (presso_client_get_created_by (client), ==, 1);
      g_assert_cmpint (presso_client_get_version (client), ==, 1);
      hidden = presso_store_get_client (store, 2, &error);
      g_assert_no_error (error);
      g_assert_true (presso_client_get_archived (hidden));
      staff = presso_store_get_staff (store, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (presso_staff_get_display_name (staff), ==, "Sophie Bernard");

      /* What the later versions added works on the old rows: search, order, archive filter. */
      found = search (list, "HELENE 0612");
      g_assert_cmpstr (found, ==, "Dupont Hélène");
      g_free (found);
      found = search (list, "odegaard");
      g_assert_cmpstr (found, ==, "");
      presso_client_list_set_show_archived (list, TRUE);
      g_free (found);
      found = search (list, "odegaard 0755");
      g_assert_cmpstr (found, ==, "Ødegaard Bjørn");

      /* And the audit trail starts with the first write. */
      presso_store_set_actor (store, staff);
      presso_client_set_phone (client, "06 00 00 00 01");
      g_assert_true (presso_store_update_client (store, client, &error));
      g_assert_no_error (error);
      audit = presso_store_list_client_audit (store, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (audit->len, >=, 1);
      g_assert_cmpstr (((PressoAuditEntry *) audit->pdata[0])->action, ==, "update");
      g_assert_cmpstr (((PressoAuditEntry *) audit->pdata[0])->fields, ==, "phone");
      g_assert_cmpstr (((PressoAuditEntry *) audit->pdata[0])->staff_name, ==, "Sophie Bernard");
    }
}

/* ------------------------------------------------------------------ refusals */

static void
assert_refused_untouched (const char *path,
                          int         code,
                          const char *words)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *wal_before = NULL;
  g_autofree char *wal_after = NULL;
  g_autoptr(GError) error = NULL;
  PressoStore *store;
  gsize before_len, after_len, wal_before_len = 0, wal_after_len = 0;
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  int mode;

  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
  if (had_wal)
    g_assert_true (g_file_get_contents (wal, &wal_before, &wal_before_len, NULL));
  mode = file_mode (path);

  store = presso_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, PRESSO_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message, "left as it is"));

  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpint (file_mode (path), ==, mode);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS) == had_wal);
  if (had_wal)
    {
      g_assert_true (g_file_get_contents (wal, &wal_after, &wal_after_len, NULL));
      g_assert_cmpmem (wal_before, wal_before_len, wal_after, wal_after_len);
    }
}

static void
test_refuse_newer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *sql = NULL;
  g_autofree char *crashed = NULL;
  g_autofree char *wal = NULL;
  sqlite3 *db = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("CREATE TABLE clients (id INTEGER PRIMARY KEY, future_column TEXT);"
                         "INSERT INTO clients VALUES (1, 'from the future');"
                         "PRAGMA application_id = 1347572559;"
                         "PRAGMA user_version = %d;", PRESSO_STORE_SCHEMA_VERSION + 1);
  exec_sql (db, sql);
  sqlite3_close (db);
  g_chmod (fixture->path, 0640);

  assert_refused_untouched (fixture->path, PRESSO_STORE_ERROR_TOO_NEW, "newer version of Presso");

  /* A newer Presso that stopped with changes still in its WAL: neither file is touched (a
   * checkpoint on close would write them into the database file). */
  crashed = g_build_filename (dir, "crashed.db", NULL);
  wal = g_strconcat (crashed, "-wal", NULL);
  g_assert_cmpint (sqlite3_open (crashed, &db), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA journal_mode = WAL;");
  exec_sql (db, sql);
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  exec_sql (db, "INSERT INTO clients VALUES (2, 'still in the WAL');");
  sqlite3_close (db);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  assert_refused_untouched (crashed, PRESSO_STORE_ERROR_TOO_NEW, "newer version of Presso");
}

static void
test_refuse_not_a_database (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_mkdir_with_parents (dir, 0700);
  for (int i = 0; i < 200; i++)
    g_string_append (text, "Nom;Prénom;Téléphone\nDupont;Hélène;06 12 34 56 78\n");
  g_assert_true (g_file_set_contents (fixture->path, text->str, text->len, NULL));
  assert_refused_untouched (fixture->path, PRESSO_STORE_ERROR_CORRUPT, "not a Presso database");

  /* A short file is not mistaken for an empty one. */
  g_assert_true (g_file_set_contents (fixture->path, "SQLite", -1, NULL));
  assert_refused_untouched (fixture->path, PRESSO_STORE_ERROR_CORRUPT, "not a Presso database");

  /* Another program's SQLite database is not taken over either. */
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT);"
                "INSERT INTO photos VALUES (1, '/home/x.jpg');");
  sqlite3_close (db);
  assert_refused_untouched (other, PRESSO_STORE_ERROR_CORRUPT, "another program");
}

/* ------------------------------------------------------------------ writes */

static void
on_clients_changed_cb (PressoStore *store,
                       guint       *count)
{
  (*count)++;
}

static void
test_crud_records_actor (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoStaff) sophie = add_staff (store, "Sophie Bernard", PRESSO_ROLE_RECEPTIONIST);
  g_autoptr(PressoStaff) julien = add_staff (store, "Julien Moreau", PRESSO_ROLE_PRACTITIONER);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoClient) read = NULL;
  g_autoptr(PressoClient) invalid = NULL;
  g_autoptr(GListModel) staff = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  PressoAuditEntry *entry;
  guint changed = 0;

  g_signal_connect (store, "clients-changed", G_CALLBACK (on_clients_changed_cb), &changed);

  staff = presso_store_list_staff (store);
  g_assert_cmpuint (g_list_model_get_n_items (staff), ==, 2);

  presso_store_set_actor (store, sophie);
  g_assert_true (presso_store_get_actor (store) == sophie);
  presso_client_set_first_name (client, "Hélène");
  presso_client_set_last_name (client, "Dupont");
  presso_client_set_birth_date (client, "1985-03-12");
  presso_client_set_sex (client, PRESSO_SEX_FEMALE);
  presso_client_set_phone (client, "06 12 34 56 78");
  presso_client_set_email (client, "helene.dupont@orange.fr");
  presso_client_set_address (client, "8 rue des Lilas, 69003 Lyon");
  presso_client_set_referring_doctor (client, "Dr Anne Lemoine");
  presso_client_set_emergency_contact (client, "Paul Dupont 06 98 76 54 32");
  presso_client_set_notes (client, "Jambes lourdes");
  presso_client_set_consent_data_date (client, "2026-01-05");
  presso_client_set_consent_photos (client, TRUE);
  g_assert_true (presso_store_insert_client (store, client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (presso_client_get_id (client), >, 0);
  g_assert_cmpint (presso_client_get_version (client), ==, 1);
  g_assert_cmpint (presso_client_get_created_by (client), ==, presso_staff_get_id (sophie));
  g_assert_cmpint (presso_client_get_updated_by (client), ==, presso_staff_get_id (sophie));
  g_assert_nonnull (presso_client_get_created_at (client));

  /* Everything written reads back. */
  read = presso_store_get_client (store, presso_client_get_id (client), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_first_name (read), ==, "Hélène");
  g_assert_cmpstr (presso_client_get_last_name (read), ==, "Dupont");
  g_assert_cmpstr (presso_client_get_birth_date (read), ==, "1985-03-12");
  g_assert_cmpint (presso_client_get_sex (read), ==, PRESSO_SEX_FEMALE);
  g_assert_cmpstr (presso_client_get_phone (read), ==, "06 12 34 56 78");
  g_assert_cmpstr (presso_client_get_email (read), ==, "helene.dupont@orange.fr");
  g_assert_cmpstr (presso_client_get_address (read), ==, "8 rue des Lilas, 69003 Lyon");
  g_assert_cmpstr (presso_client_get_referring_doctor (read), ==, "Dr Anne Lemoine");
  g_assert_cmpstr (presso_client_get_emergency_contact (read), ==, "Paul Dupont 06 98 76 54 32");
  g_assert_cmpstr (presso_client_get_notes (read), ==, "Jambes lourdes");
  g_assert_cmpstr (presso_client_get_consent_data_date (read), ==, "2026-01-05");
  g_assert_true (presso_client_get_consent_photos (read));
  g_assert_false (presso_client_get_archived (read));
  g_assert_true (g_date_time_equal (presso_client_get_created_at (read),
                                    presso_client_get_created_at (client)));
  g_assert_cmpint (presso_client_get_created_by (read), ==, presso_staff_get_id (sophie));

  /* Julien edits: updated_by changes, created_by stays, the version moves on. */
  presso_store_set_actor (store, julien);
  presso_client_set_phone (read, "07 00 11 22 33");
  presso_client_set_notes (read, "Jambes lourdes, mieux après 3 séances");
  g_assert_true (presso_store_update_client (store, read, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpint (presso_client_get_version (read), ==, 2);
  g_assert_cmpint (presso_client_get_updated_by (read), ==, presso_staff_get_id (julien));
  g_clear_object (&client);
  client = presso_store_get_client (store, presso_client_get_id (read), &error);
  g_assert_cmpstr (presso_client_get_phone (client), ==, "07 00 11 22 33");
  g_assert_cmpint (presso_client_get_created_by (client), ==, presso_staff_get_id (sophie));
  g_assert_cmpint (presso_client_get_updated_by (client), ==, presso_staff_get_id (julien));

  /* One audit line per write: who, when, what. */
  audit = presso_store_list_client_audit (store, presso_client_get_id (client), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
  entry = audit->pdata[0];
  g_assert_cmpstr (entry->action, ==, "update");
  g_assert_cmpstr (entry->staff_name, ==, "Julien Moreau");
  g_assert_cmpstr (entry->fields, ==, "phone notes");
  g_assert_true (g_date_time_equal (entry->at, presso_client_get_updated_at (client)));
  entry = audit->pdata[1];
  g_assert_cmpstr (entry->action, ==, "create");
  g_assert_cmpint (entry->staff_id, ==, presso_staff_get_id (sophie));

  /* An invalid record is refused with the rule's message and nothing is written. */
  invalid = presso_client_new ();
  presso_client_set_last_name (invalid, "Martin");
  presso_client_set_birth_date (invalid, "2023-02-29");
  g_assert_false (presso_store_insert_client (store, invalid, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "This date does not exist");
  g_assert_cmpint (presso_client_get_id (invalid), ==, 0);
  g_assert_cmpint (presso_store_count_clients (store, TRUE), ==, 1);
  g_assert_cmpuint (changed, ==, 2);
  g_clear_error (&error);

  g_clear_object (&invalid);
  invalid = presso_store_get_client (store, 424242, &error);
  g_assert_null (invalid);
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND);
}

static void
test_conflict (Fixture       *fixture,
               gconstpointer  data)
{
  /* Two workstations: two connections to one file. */
  g_autoptr(PressoStore) reception = presso_test_store_open (fixture->path);
  g_autoptr(PressoStore) room = presso_test_store_open (fixture->path);
  g_autoptr(PressoStaff) sophie = add_staff (reception, "Sophie Bernard", PRESSO_ROLE_RECEPTIONIST);
  g_autoptr(PressoStaff) julien = NULL;
  g_autoptr(PressoClient) original = NULL;
  g_autoptr(PressoClient) first = NULL;
  g_autoptr(PressoClient) second = NULL;
  g_autoptr(PressoClient) stored = NULL;
  g_autoptr(GError) error = NULL;

  julien = add_staff (room, "Julien Moreau", PRESSO_ROLE_PRACTITIONER);
  presso_store_set_actor (reception, sophie);
  presso_store_set_actor (room, julien);
  original = add_client (reception, "Hélène", "Dupont", "1985-03-12", "06 12 34 56 78", "");

  /* Both open the record... */
  first = presso_store_get_client (room, presso_client_get_id (original), &error);
  g_assert_no_error (error);
  second = presso_client_copy (original);

  /* ...the first save wins... */
  presso_client_set_phone (first, "07 00 11 22 33");
  g_assert_true (presso_store_update_client (room, first, &error));
  g_assert_no_error (error);

  /* ...the second is refused, says who and when, and keeps what was typed. */
  presso_client_set_notes (second, "Allergie au latex");
  g_assert_false (presso_store_update_client (reception, second, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Julien Moreau"));
  g_assert_nonnull (strstr (error->message, "reload"));
  g_assert_cmpstr (presso_client_get_notes (second), ==, "Allergie au latex");
  g_assert_cmpstr (presso_client_get_phone (second), ==, "06 12 34 56 78");
  g_assert_cmpint (presso_client_get_version (second), ==, 1);
  g_clear_error (&error);

  stored = presso_store_get_client (reception, presso_client_get_id (original), &error);
  g_assert_cmpstr (presso_client_get_phone (stored), ==, "07 00 11 22 33");
  g_assert_cmpstr (presso_client_get_notes (stored), ==, "");
  g_assert_cmpint (presso_client_get_version (stored), ==, 2);

  /* Archiving from a stale copy is refused the same way. */
  g_assert_false (presso_store_set_client_archived (reception, second, TRUE, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT);
  g_assert_false (presso_client_get_archived (second));
  g_clear_error (&error);

  /* After a reload, the note goes in on top of the other change. */
  presso_client_set_notes (stored, "Allergie au latex");
  g_assert_true (presso_store_update_client (reception, stored, &error));
  g_assert_no_error (error);
  g_clear_object (&stored);
  stored = presso_store_get_client (room, presso_client_get_id (original), &error);
  g_assert_cmpstr (presso_client_get_phone (stored), ==, "07 00 11 22 33");
  g_assert_cmpstr (presso_client_get_notes (stored), ==, "Allergie au latex");
  g_assert_cmpint (presso_client_get_version (stored), ==, 3);
}

static void
test_archive_restore (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoClientList) list = presso_client_list_new (store);
  g_autoptr(PressoClient) helene = add_client (store, "Hélène", "Dupont", NULL, "", "");
  g_autoptr(PressoClient) zoe = add_client (store, "Zoë", "Müller", NULL, "", "");
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  names = list_names (G_LIST_MODEL (list));
  g_assert_cmpstr (names, ==, "Dupont Hélène|Müller Zoë");

  g_assert_true (presso_store_set_client_archived (store, helene, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (presso_client_get_archived (helene));
  g_assert_cmpint (presso_client_get_version (helene), ==, 2);
  g_free (names);
  names = list_names (G_LIST_MODEL (list));
  g_assert_cmpstr (names, ==, "Müller Zoë");
  g_assert_cmpint (presso_store_count_clients (store, FALSE), ==, 1);
  g_assert_cmpint (presso_store_count_clients (store, TRUE), ==, 2);

  presso_client_list_set_show_archived (list, TRUE);
  g_free (names);
  names = list_names (G_LIST_MODEL (list));
  g_assert_cmpstr (names, ==, "Dupont Hélène|Müller Zoë");
  presso_client_list_set_show_archived (list, FALSE);

  g_assert_true (presso_store_set_client_archived (store, helene, FALSE, &error));
  g_free (names);
  names = list_names (G_LIST_MODEL (list));
  g_assert_cmpstr (names, ==, "Dupont Hélène|Müller Zoë");

  /* Restoring what is not archived writes nothing. */
  g_assert_true (presso_store_set_client_archived (store, helene, FALSE, &error));
  g_assert_cmpint (presso_client_get_version (helene), ==, 3);

  audit = presso_store_list_client_audit (store, presso_client_get_id (helene), &error);
  g_assert_cmpuint (audit->len, ==, 3);
  g_assert_cmpstr (((PressoAuditEntry *) audit->pdata[0])->action, ==, "restore");
  g_assert_cmpstr (((PressoAuditEntry *) audit->pdata[1])->action, ==, "archive");
  g_assert_cmpstr (((PressoAuditEntry *) audit->pdata[1])->fields, ==, "archived");
}

static void
test_duplicates (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoClient) helene = add_client (store, "Hélène", "Dupont", "1985-03-12", "", "");
  g_autoptr(PressoClient) other = add_client (store, "Hélène", "Dupont", "1990-01-01", "", "");
  g_autoptr(PressoClient) candidate = presso_client_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  /* Typed at the front desk in capitals and without accents: still the same person. */
  presso_client_set_first_name (candidate, "HELENE");
  presso_client_set_last_name (candidate, "dupont");
  presso_client_set_birth_date (candidate, "1985-03-12");
  found = presso_store_find_duplicates (store, candidate, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (presso_client_get_id (found->pdata[0]), ==, presso_client_get_id (helene));
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Another birth date, another first name, or no birth date: not a duplicate. */
  presso_client_set_birth_date (candidate, "1985-03-13");
  found = presso_store_find_duplicates (store, candidate, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  presso_client_set_birth_date (candidate, "1985-03-12");
  presso_client_set_first_name (candidate, "Hélèna");
  found = presso_store_find_duplicates (store, candidate, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  presso_client_set_birth_date (candidate, NULL);
  presso_client_set_first_name (candidate, "Hélène");
  found = presso_store_find_duplicates (store, candidate, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* A stored client is not its own duplicate; an archived twin still counts. */
  found = presso_store_find_duplicates (store, helene, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  g_assert_true (presso_store_set_client_archived (store, helene, TRUE, &error));
  presso_client_set_birth_date (candidate, "1985-03-12");
  found = presso_store_find_duplicates (store, candidate, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (presso_client_get_archived (found->pdata[0]));
  (void) other;
}

/* ------------------------------------------------------------------ search */

static PressoStore *
open_search_store (const char *path)
{
  PressoStore *store = presso_test_store_open (path);

  g_object_unref (add_client (store, "Hélène", "Dupont", "1985-03-12", "06 12 34 56 78",
                              "helene.dupont@orange.fr"));
  g_object_unref (add_client (store, "Zoë", "Müller", "1992-02-29", "+33 7 61 22 90 14",
                              "zoe.muller@gmail.com"));
  g_object_unref (add_client (store, "Bjørn", "Ødegaard", "1995-12-08", "07 55 44 33 22",
                              "bjorn@proton.me"));
  g_object_unref (add_client (store, "Siobhan", "O'Brien", "1988-05-17", "+353 87 123 4567",
                              ""));
  g_object_unref (add_client (store, "François", "Dubois-Lefèvre", "1958-11-03",
                              "01 45 67 89 10", "f.dubois-lefevre@laposte.net"));
  g_object_unref (add_client (store, "Anh", "Nguyễn", "1979-07-21", "06 98 76 54 32", ""));
  g_object_unref (add_client (store, "Paul", "Martin", "1985-06-01", "", "helene.martin@free.fr"));
  return store;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct { const char *query, *expected; } cases[] = {
    /* everyone, by last name then first name, accents and case ignored */
    { "", "Dubois-Lefèvre François|Dupont Hélène|Martin Paul|Müller Zoë|Nguyễn Anh|"
          "O'Brien Siobhan|Ødegaard Bjørn" },
    { "   ", "Dubois-Lefèvre François|Dupont Hélène|Martin Paul|Müller Zoë|Nguyễn Anh|"
             "O'Brien Siobhan|Ødegaard Bjørn" },
    /* names: prefix per word, any order, accents and case ignored */
    { "helene", "Dupont Hélène|Martin Paul" },          /* Paul's email is helene.martin@ */
    { "HÉLÈNE", "Dupont Hélène|Martin Paul" },
    { "hel dup", "Dupont Hélène" },
    { "Dupont hélène", "Dupont Hélène" },
    { "du", "Dubois-Lefèvre François|Dupont Hélène" },
    { "lefevre", "Dubois-Lefèvre François" },
    { "dubois-lef", "Dubois-Lefèvre François" },
    { "francois", "Dubois-Lefèvre François" },
    { "zoe muller", "Müller Zoë" },
    { "odegaard", "Ødegaard Bjørn" },
    { "ØDEG", "Ødegaard Bjørn" },
    { "bjorn", "Ødegaard Bjørn" },
    { "nguyen", "Nguyễn Anh" },
    { "o'brien", "O'Brien Siobhan" },
    { "brien", "O'Brien Siobhan" },
    { "dupond", "" },
    /* phones: as typed, or digits only, national or international */
    { "0612", "Dupont Hélène" },
    { "06 12 34", "Dupont Hélène" },
    { "06.12.34.56.78", "Dupont Hélène" },
    { "0761", "Müller Zoë" },
    { "+33 7 61", "Müller Zoë" },
    { "33761", "Müller Zoë" },
    { "353 87", "O'Brien Siobhan" },
    { "0145", "Dubois-Lefèvre François" },
    /* birth dates: ISO or French, whole or a prefix */
    { "1985", "Dupont Hélène|Martin Paul" },
    { "1985-03", "Dupont Hélène" },
    { "12/03/1985", "Dupont Hélène" },
    { "29/02", "Müller Zoë" },
    /* emails */
    { "helene.dupont@ora", "Dupont Hélène" },
    { "laposte", "Dubois-Lefèvre François" },
    { "gmail.com", "Müller Zoë" },
  };
  g_autoptr(PressoStore) store = open_search_store (fixture->path);
  g_autoptr(PressoClientList) list = presso_client_list_new (store);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *found = search (list, cases[i].query);

      g_test_message ("search “%s”", cases[i].query);
      g_assert_cmpstr (found, ==, cases[i].expected);
      g_assert_cmpstr (presso_client_list_get_query (list), ==, cases[i].query);
    }
}

static void
test_search_not_notes (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoClientList) list = presso_client_list_new (store);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;

  /* Notes and addresses are clinical or private: the front desk search does not look there. */
  presso_client_set_last_name (client, "Dupont");
  presso_client_set_notes (client, "lymphoedeme");
  presso_client_set_address (client, "8 rue des Lilas, Villeurbanne");
  g_assert_true (presso_store_insert_client (store, client, &error));
  found = search (list, "lymph");
  g_assert_cmpstr (found, ==, "");
  g_free (found);
  found = search (list, "villeurbanne");
  g_assert_cmpstr (found, ==, "");
}

static void
test_search_injection (Fixture       *fixture,
                       gconstpointer  data)
{
  static const struct { const char *query, *expected; } cases[] = {
    /* FTS5 syntax typed by a user is text, never an operator or an error */
    { "\"", NULL }, { "\"\"", NULL }, { "\"hel", "Dupont Hélène|Martin Paul" },
    { "hel\"", "Dupont Hélène|Martin Paul" }, { "hel\"dup", "" },   /* one word: a phrase, only its last token a prefix */
    { "hel*", "Dupont Hélène|Martin Paul" }, { "*", NULL }, { "*hel", "Dupont Hélène|Martin Paul" },
    { "AND", "" }, { "OR", "Dupont Hélène" } /* "orange.fr" */, { "NOT", "" }, { "hel OR zoe", "" }, { "hel NOT dup", "" },
    { "NEAR(hel dup)", "" } /* "near hel" is not in any name */, { "(hel dup)", "Dupont Hélène" }, { "name:hel", "" }, { "{name}:hel", "" },
    { "^hel", "Dupont Hélène|Martin Paul" }, { "(", NULL }, { ")", NULL }, { "hel)", "Dupont Hélène|Martin Paul" },
    { "-", NULL }, { "+", NULL }, { ":", NULL }, { "\\", NULL }, { "'", NULL },
    { "'; DROP TABLE clients; --", "" }, { "%", NULL }, { "_", NULL }, { "hel%", "Dupont Hélène|Martin Paul" },
    { "\xe2\x80\x8b", NULL },   /* zero-width space */
    { "\x7f\x01", NULL },
  };
  g_autoptr(PressoStore) store = open_search_store (fixture->path);
  g_autoptr(PressoClientList) list = presso_client_list_new (store);
  g_autofree char *all = search (list, "");
  g_autoptr(GString) long_query = g_string_new (NULL);
  g_autofree char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = NULL;

      g_test_message ("search “%s”", cases[i].query);
      result = search (list, cases[i].query);
      /* NULL: nothing searchable was typed, so the list shows everyone */
      g_assert_cmpstr (result, ==, cases[i].expected ? cases[i].expected : all);
    }

  for (int i = 0; i < 500; i++)
    g_string_append (long_query, "\"x* AND ");
  found = search (list, long_query->str);
  g_assert_cmpstr (found, ==, "");
  g_assert_cmpint (presso_store_count_clients (store, TRUE), ==, 7);
}

/* The ids FTS5 itself finds for @match, sorted. */
static GArray *
fts_ids (const char *path,
         const char *match)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM client_search WHERE client_search"
                                           " MATCH ? ORDER BY rowid", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ids;
}

static int
compare_id (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* A one-character search is answered from the clients' initials, not by FTS5: it must find
 * exactly what FTS5 finds. */
static void
assert_initials_match_fts (const char       *path,
                           PressoStore      *store,
                           PressoClientList *list)
{
  static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

  g_assert_nonnull (_presso_store_get_client_order (store, NULL)->initials);
  for (const char *c = chars; *c; c++)
    {
      g_autofree char *query = g_strdup_printf ("%c", *c);
      g_autofree char *upper = g_ascii_strup (query, -1);
      g_autofree char *match = g_strdup_printf ("\"%c\"*", *c);
      g_autoptr(GArray) expected = fts_ids (path, match);
      g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (gint64));

      presso_client_list_set_query (list, *c % 2 ? query : upper);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
        {
          g_autoptr(PressoClient) client = g_list_model_get_item (G_LIST_MODEL (list), i);
          gint64 id = presso_client_get_id (client);
          g_array_append_val (found, id);
        }
      g_array_sort (found, compare_id);
      g_test_message ("“%s”: %u found, FTS5 finds %u", query, found->len, expected->len);
      g_assert_cmpmem (found->data, found->len * sizeof (gint64),
                       expected->data, expected->len * sizeof (gint64));
    }
}

static void
test_search_initials (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoClientList) list = NULL;
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_true (presso_demo_fill (store, 1500, 11, &error));
  g_assert_no_error (error);
  /* Words that fold, or do not, the way unicode61 does */
  g_object_unref (add_client (store, "Øystein", "Ærø", "1971-01-31", "+33 6 12 34 56 78",
                              "Émile.øre@exämple.org"));
  g_object_unref (add_client (store, "Ζωή", "Ангелова", NULL, "+41 (79) 555-12.34", "x@y.ch"));
  client = add_client (store, "Hélène", "Dupont", "1985-03-12", "06 12 34 56 78", "");

  list = presso_client_list_new (store);
  presso_client_list_set_show_archived (list, TRUE);
  assert_initials_match_fts (fixture->path, store, list);

  /* After our own write: the initials of that client follow. */
  presso_client_set_phone (client, "+41 79 123 45 67");
  presso_client_set_email (client, "qwerty@kelkun.fr");
  g_assert_true (presso_store_update_client (store, client, &error));
  g_assert_no_error (error);
  assert_initials_match_fts (fixture->path, store, list);

  /* After another program's write (here, text no form would accept): read again. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  exec_sql (db, "UPDATE clients SET birth_date = '12/03/1985', phone = 'tel. 0477',"
                " name_key = 'zz' || char (31) || 'yy' WHERE id = 2;");
  sqlite3_close (db);
  presso_client_list_reload (list);
  assert_initials_match_fts (fixture->path, store, list);
}

/* The name order the store keeps patched after each write is the one a rebuild gives. */
static void
assert_order_as_rebuilt (const char  *path,
                         PressoStore *store)
{
  g_autoptr(PressoStore) fresh = presso_test_store_open (path);
  const PressoClientOrder *patched = _presso_store_get_client_order (store, NULL);
  const PressoClientOrder *rebuilt = _presso_store_get_client_order (fresh, NULL);

  g_assert_cmpuint (patched->n, ==, rebuilt->n);
  g_assert_cmpuint (patched->n_active, ==, rebuilt->n_active);
  g_assert_cmpmem (patched->ids, patched->n * sizeof (gint64),
                   rebuilt->ids, rebuilt->n * sizeof (gint64));
  g_assert_cmpmem (patched->archived, patched->n, rebuilt->archived, rebuilt->n);
  g_assert_nonnull (patched->initials);
  g_assert_cmpmem (patched->initials, patched->n * sizeof (guint64),
                   rebuilt->initials, rebuilt->n * sizeof (guint64));
  for (guint i = 0; i < patched->n; i++)
    g_assert_cmpuint (_presso_client_order_rank (patched, patched->ids[i]), ==, i);
}

static void
test_order_patched (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const names[][2] = {
    { "Aaron", "Aab" }, { "Zoé", "Zz" }, { "Hélène", "Dupont" }, { "Helene", "DUPONT" },
    { "Marc", "Martin" }, { "", "Müller" }, { "Ødegaard", "" },
  };
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoClientList) list = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  const PressoClientOrder *before;

  g_assert_true (presso_demo_fill (store, 300, 3, &error));
  list = presso_client_list_new (store);
  before = _presso_store_get_client_order (store, NULL);

  /* New clients at the start, the end, between, and beside their namesakes */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_ptr_array_add (added, add_client (store, names[i][0], names[i][1], NULL,
                                          "06 12 34 56 78", ""));
      g_assert_true (_presso_store_get_client_order (store, NULL) == before);   /* patched */
      assert_order_as_rebuilt (fixture->path, store);
    }

  /* Renamed (moves), edited in place (does not), archived and restored */
  for (guint i = 0; i < added->len; i++)
    {
      PressoClient *client = added->pdata[i];

      presso_client_set_last_name (client, i % 2 ? "Bernard" : "Zzyzx");
      g_assert_true (presso_store_update_client (store, client, &error));
      assert_order_as_rebuilt (fixture->path, store);
      presso_client_set_phone (client, "07 00 00 00 00");
      g_assert_true (presso_store_update_client (store, client, &error));
      assert_order_as_rebuilt (fixture->path, store);
      g_assert_true (presso_store_set_client_archived (store, client, i % 3 == 0, &error));
      assert_order_as_rebuilt (fixture->path, store);
    }
  g_assert_true (_presso_store_get_client_order (store, NULL) == before);
  g_assert_no_error (error);

  /* The list follows: the renamed clients are where their names sort. */
  presso_client_list_set_query (list, "zzyzx");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);   /* 2 and 4; 0 and 6 archived */
}

/* ------------------------------------------------------------------ the paged list */

/* Replays every "items-changed" on a copy of the ids, as a view does, checking that the model
 * is consistent with each signal as it is emitted. */
typedef struct
{
  GArray     *shadow;     /* gint64 ids */
  GHashTable *removed;    /* ids removed since the last reset */
  guint       position, removed_n, added, count;
} ItemsChanged;

static void
on_items_changed_cb (GListModel   *model,
                     guint         position,
                     guint         removed,
                     guint         added,
                     ItemsChanged *changed)
{
  g_assert_cmpuint (position + removed, <=, changed->shadow->len);
  for (guint i = 0; i < removed; i++)
    g_hash_table_add (changed->removed,
                      g_memdup2 (&g_array_index (changed->shadow, gint64, position + i),
                                 sizeof (gint64)));
  g_array_remove_range (changed->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(PressoClient) client = g_list_model_get_item (model, position + i);
      gint64 id = presso_client_get_id (client);

      g_assert_nonnull (client);
      g_array_insert_val (changed->shadow, position + i, id);
    }
  g_assert_cmpuint (changed->shadow->len, ==, g_list_model_get_n_items (model));
  changed->position = position;
  changed->removed_n = removed;
  changed->added = added;
  changed->count++;
}

static void
assert_shadow_matches (GListModel   *model,
                       ItemsChanged *changed)
{
  g_assert_cmpuint (changed->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < changed->shadow->len; i++)
    {
      g_autoptr(PressoClient) client = g_list_model_get_item (model, i);
      g_assert_cmpint (presso_client_get_id (client), ==, g_array_index (changed->shadow, gint64, i));
    }
}

static void
reset_changes (ItemsChanged *changed)
{
  changed->count = 0;
  g_hash_table_remove_all (changed->removed);
}

static void
test_list_paging (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoClientList) list = NULL;
  g_autoptr(PressoClient) first = NULL;
  g_autoptr(PressoClient) again = NULL;
  g_autoptr(PressoClient) aaron = NULL;
  g_autoptr(PressoClient) edited = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *previous_key = g_strdup ("");
  ItemsChanged changed = { 0 };
  GListModel *model;
  guint n, n_before;
  int position;

  g_assert_true (presso_demo_fill (store, 2500, 7, &error));
  g_assert_no_error (error);
  list = presso_client_list_new (store);
  model = G_LIST_MODEL (list);

  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (g_list_model_get_item_type (model), ==, PRESSO_TYPE_CLIENT);
  g_assert_cmpint (n, ==, presso_store_count_clients (store, FALSE));
  g_assert_cmpint (n, <, 2500);   /* some are archived */
  g_assert_cmpint (n, >, 2200);

  changed.shadow = g_array_new (FALSE, FALSE, sizeof (gint64));
  changed.removed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &changed);

  /* Far positions, out of order, across batches: each is the right client, in name order. */
  for (guint i = 0; i < n; i++)
    {
      guint position_i = (i * 7919) % n;   /* a stride prime to n visits every position */
      g_autoptr(PressoClient) client = g_list_model_get_item (model, position_i);
      g_assert_nonnull (client);
      g_assert_false (presso_client_get_archived (client));
      g_assert_cmpint (presso_client_list_find (list, presso_client_get_id (client)), ==, position_i);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PressoClient) client = g_list_model_get_item (model, i);
      g_autofree char *last = presso_fold_text (presso_client_get_last_name (client));
      g_autofree char *first_name = presso_fold_text (presso_client_get_first_name (client));
      g_autofree char *key = g_strconcat (last, "\x1f", first_name, NULL);
      gint64 id = presso_client_get_id (client);

      g_assert_cmpstr (previous_key, <=, key);
      g_free (previous_key);
      previous_key = g_steal_pointer (&key);
      g_array_append_val (changed.shadow, id);
    }
  g_assert_null (g_list_model_get_item (model, n));
  g_assert_cmpuint (changed.count, ==, 0);

  /* The same position gives the same object while someone holds it. */
  first = g_list_model_get_item (model, 0);
  for (guint i = 0; i < n; i += 20)
    g_object_unref (g_list_model_get_item (model, i));   /* push it out of the list's cache */
  again = g_list_model_get_item (model, 0);
  g_assert_true (first == again);

  /* A query replaces the list and says so, consistently at each signal. */
  presso_client_list_set_query (list, "martin");
  g_assert_cmpuint (changed.count, >=, 1);
  assert_shadow_matches (model, &changed);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), <, n / 5);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PressoClient) client = g_list_model_get_item (model, i);
      g_autofree char *text = g_strdup_printf ("%s %s %s", presso_client_get_last_name (client),
                                               presso_client_get_first_name (client),
                                               presso_client_get_email (client));
      g_autofree char *folded = presso_fold_text (text);
      g_assert_nonnull (strstr (folded, "martin"));
    }

  /* Rows on screen and the selection (objects held outside the list) that stay in the list
   * are never removed and added back: a GtkSingleSelection keeps its item without searching
   * the whole list for it, and the view keeps its rows. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i += 7)
    g_ptr_array_add (held, g_list_model_get_item (model, i));
  g_assert_cmpuint (held->len, >=, 3);
  reset_changes (&changed);
  presso_client_list_set_query (list, "mar");   /* a superset: every held client stays */
  assert_shadow_matches (model, &changed);
  g_assert_cmpuint (changed.count, >, 1);
  for (guint i = 0; i < held->len; i++)
    {
      PressoClient *client = held->pdata[i];
      gint64 id = presso_client_get_id (client);
      g_autoptr(PressoClient) same = NULL;

      g_assert_false (g_hash_table_contains (changed.removed, &id));
      position = presso_client_list_find (list, id);
      g_assert_cmpint (position, >=, 0);
      same = g_list_model_get_item (model, position);
      g_assert_true (same == client);
    }
  /* And back: the held clients stay again; the others go. */
  reset_changes (&changed);
  presso_client_list_set_query (list, "martin");
  assert_shadow_matches (model, &changed);
  for (guint i = 0; i < held->len; i++)
    {
      gint64 id = presso_client_get_id (held->pdata[i]);
      g_assert_false (g_hash_table_contains (changed.removed, &id));
    }
  g_assert_cmpuint (g_hash_table_size (changed.removed), >, 0);
  g_ptr_array_set_size (held, 0);

  /* Reloading with nothing changed says nothing. */
  reset_changes (&changed);
  presso_client_list_reload (list);
  g_assert_cmpuint (changed.count, ==, 0);

  /* A new client appears where it sorts, by itself: one item added there. */
  presso_client_list_set_query (list, "");
  assert_shadow_matches (model, &changed);
  reset_changes (&changed);
  n_before = g_list_model_get_n_items (model);
  aaron = add_client (store, "Aaron", "Martin", NULL, "", "");
  g_assert_cmpuint (changed.count, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_before + 1);
  position = presso_client_list_find (list, presso_client_get_id (aaron));
  g_assert_cmpint (position, >, 0);
  g_assert_cmpuint (changed.position, ==, position);
  g_assert_cmpuint (changed.removed_n, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);
  assert_shadow_matches (model, &changed);

  /* A client edited elsewhere updates in place in the object the view holds. */
  edited = presso_store_get_client (store, presso_client_get_id (first), &error);
  presso_client_set_phone (edited, "06 00 00 00 07");
  reset_changes (&changed);
  g_assert_true (presso_store_update_client (store, edited, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_phone (first), ==, "06 00 00 00 07");
  g_assert_cmpint (presso_client_get_version (first), ==, presso_client_get_version (edited));
  g_assert_cmpuint (changed.count, ==, 0);   /* same place in the list */

  /* Renamed, it moves: told as a removal and an addition, and the list is right after. */
  presso_client_set_last_name (edited, "Zzyzx");
  g_assert_true (presso_store_update_client (store, edited, &error));
  g_assert_cmpuint (changed.count, >=, 1);
  assert_shadow_matches (model, &changed);
  g_assert_cmpint (presso_client_list_find (list, presso_client_get_id (first)), ==,
                   (int) g_list_model_get_n_items (model) - 1);

  g_signal_handlers_disconnect_by_func (list, on_items_changed_cb, &changed);
  g_array_unref (changed.shadow);
  g_hash_table_unref (changed.removed);
}

/* ------------------------------------------------------------------ demo clinic */

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *other_path = g_build_filename (fixture->dir, "again.db", NULL);
  g_autoptr(PressoStore) store = presso_test_store_open (fixture->path);
  g_autoptr(PressoStore) other = presso_test_store_open (other_path);
  g_autoptr(PressoClientList) list = NULL;
  g_autoptr(PressoClientList) other_list = NULL;
  g_autoptr(GListModel) staff = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rooms = NULL;
  g_auto(GStrv) devices = NULL;
  g_autofree char *names = NULL;
  g_autofree char *other_names = NULL;
  g_autofree char *found = NULL;
  guint roles[3] = { 0 };

  g_assert_true (presso_demo_fill (store, PRESSO_DEMO_N_CLIENTS, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);

  staff = presso_store_list_staff (store);
  g_assert_cmpuint (g_list_model_get_n_items (staff), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);
      roles[presso_staff_get_role (member)]++;
    }
  g_assert_cmpuint (roles[PRESSO_ROLE_RECEPTIONIST], ==, 1);
  g_assert_cmpuint (roles[PRESSO_ROLE_PRACTITIONER], ==, 3);
  g_assert_cmpuint (roles[PRESSO_ROLE_MANAGER], ==, 1);
  g_assert_cmpint (presso_staff_get_role (presso_store_get_actor (store)), ==,
                   PRESSO_ROLE_RECEPTIONIST);

  rooms = presso_store_list_room_names (store);
  g_assert_cmpuint (g_strv_length (rooms), ==, 3);
  g_assert_cmpstr (rooms[0], ==, "Cabine 1");
  devices = presso_store_list_device_names (store);
  g_assert_cmpuint (g_strv_length (devices), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *) devices, "Appareil simulé"));

  g_assert_cmpint (presso_store_count_clients (store, TRUE), ==, PRESSO_DEMO_N_CLIENTS);
  g_assert_cmpint (presso_store_count_clients (store, FALSE), <, PRESSO_DEMO_N_CLIENTS);

  list = presso_client_list_new (store);
  found = search (list, "helene dupont");
  g_assert_cmpstr (found, ==, "Dupont Hélène");

  /* The archived double of Élodie Lefèvre is found as her duplicate. */
  {
    g_autoptr(PressoClient) elodie = NULL;
    g_autoptr(GPtrArray) twins = NULL;

    g_free (found);
    found = search (list, "elodie lefevre 0611");
    g_assert_cmpstr (found, ==, "Lefèvre Élodie");
    elodie = g_list_model_get_item (G_LIST_MODEL (list), 0);
    twins = presso_store_find_duplicates (store, elodie, &error);
    g_assert_cmpuint (twins->len, ==, 1);
    g_assert_true (presso_client_get_archived (twins->pdata[0]));
  }

  /* Deterministic: the same seed makes the same clinic. */
  g_assert_true (presso_demo_fill (other, PRESSO_DEMO_N_CLIENTS, PRESSO_DEMO_SEED, &error));
  other_list = presso_client_list_new (other);
  presso_client_list_set_query (list, "");
  names = list_names (G_LIST_MODEL (list));
  other_names = list_names (G_LIST_MODEL (other_list));
  g_assert_cmpstr (names, ==, other_names);

  /* It only fills an empty database. */
  g_assert_false (presso_demo_fill (store, 10, 1, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_assert_cmpint (presso_store_count_clients (store, TRUE), ==, PRESSO_DEMO_N_CLIENTS);
}

/* The demo clinic opened by `presso --demo`: its past sessions replay in History, each with
 * the whole 30 minutes of a sequential program on the garments it used. */
static void
test_demo_traces (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStore) store = presso_store_open_demo (&error);
  g_autoptr(PressoClientList) found = NULL;
  guint n_sessions = 0;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  /* Anh Nguyễn's course: the left boot only, 35 mmHg at the ankle. */
  found = presso_client_list_new (store);
  presso_client_list_set_query (found, "nguyen anh");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (found)), ==, 1);
  {
    g_autoptr(PressoClient) anh = g_list_model_get_item (G_LIST_MODEL (found), 0);
    g_autoptr(GListModel) sessions = presso_store_list_client_sessions (store, presso_client_get_id (anh), &error);

    g_assert_no_error (error);
    n_sessions = g_list_model_get_n_items (sessions);
    g_assert_cmpuint (n_sessions, ==, 8);
    for (guint i = 0; i < n_sessions; i++)
      {
        g_autoptr(PressoSessionRecord) brief = g_list_model_get_item (sessions, i);
        g_autoptr(PressoSessionRecord) record = presso_store_get_session (store, presso_session_record_get_id (brief), &error);
        const PressoSessionTrace *trace;
        float peak[12] = { 0 };
        guint inflating = 0;

        g_assert_no_error (error);
        trace = presso_session_record_get_trace (record);
        g_assert_nonnull (trace);
        g_assert_cmpuint (trace->n_samples, >=, 30 * 60 * PRESSO_TRACE_RATE_HZ - 1);
        g_assert_cmpint (trace->time_ms[trace->n_samples - 1], >=, 30 * 60 * 1000 - 1000);
        g_assert_cmpuint (trace->n_chambers, <=, 12);
        for (guint c = 0; c < trace->n_chambers; c++)
          for (guint j = 0; j < trace->n_samples; j++)
            peak[c] = MAX (peak[c], trace->pressure_mmhg[(gsize) c * trace->n_samples + j]);
        for (guint j = 0; j < trace->n_samples; j++)
          inflating += trace->active_chamber[j] != PRESSO_PROTO_NO_CHAMBER;
        /* A gradient up the left leg, within the sensor's noise: 35 at the ankle, 20 at the top;
         * the right boot (if the device has one) stays empty. */
        g_assert_cmpfloat_with_epsilon (peak[0], 35, 1.5);
        g_assert_cmpfloat_with_epsilon (peak[5], 20, 1.5);
        for (guint c = 6; c < trace->n_chambers; c++)
          g_assert_cmpfloat (peak[c], <, 1);
        g_assert_cmpuint (inflating, >, trace->n_samples / 2);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  /* A private XDG data dir: the demo clinic test opens presso_store_demo_path(). */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/presso/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("fresh", test_fresh);
  ADD ("reopen", test_reopen_keeps_data);
  ADD ("migrate-from-every-version", test_migrate_from_every_version);
  ADD ("refuse-newer", test_refuse_newer);
  ADD ("refuse-not-a-database", test_refuse_not_a_database);
  ADD ("crud-records-actor", test_crud_records_actor);
  ADD ("conflict", test_conflict);
  ADD ("archive-restore", test_archive_restore);
  ADD ("duplicates", test_duplicates);
  ADD ("search", test_search);
  ADD ("search-not-notes", test_search_not_notes);
  ADD ("search-injection", test_search_injection);
  ADD ("search-initials", test_search_initials);
  ADD ("order-patched", test_order_patched);
  ADD ("list-paging", test_list_paging);
  ADD ("demo", test_demo);
#undef ADD
  g_test_add_func ("/presso/store/demo-traces", test_demo_traces);

  return g_test_run ();
}
