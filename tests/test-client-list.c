/* test-client-list.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client list that loads on a worker thread (presso_client_list_new_loading), on a real
 * SQLite file: it fills once read, in the same order as a list read at once; a search typed
 * before it is read applies when it fills; a write made while the worker reads (by this
 * connection or by a second Presso on the file) is in the list it shows; dropping it while
 * it loads is safe; a small clinic is read at once.
 */

#include "config.h"

#include "presso-client-list.h"
#include "presso-demo.h"
#include "presso-store.h"
#include "presso-store-private.h"
#include "presso-test-util.h"

/* More than the list reads at once (2 000 ids), so that it uses the worker. */
#define N_CLIENTS 2500

typedef struct
{
  char        *dir;
  char        *path;
  PressoStore *store;
} Fixture;

static char *shared_dir;
static char *shared_path;

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents_full (to, contents, length, G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("presso-client-list-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "clinic.db", NULL);
  /* The demo clinic is made once (a checkpointed, closed file): each test gets a copy. */
  copy_file (shared_path, f->path);
  f->store = presso_test_store_open (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  presso_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_loaded (PressoClientList *list)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, timed_out_cb, &timed_out);

  while (presso_client_list_get_loading (list) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* The ids of @list, in order. */
static GArray *
list_ids (PressoClientList *list)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PressoClient) client = g_list_model_get_item (G_LIST_MODEL (list), i);
      gint64 id = presso_client_get_id (client);

      g_array_append_val (ids, id);
    }
  return ids;
}

/* The ids of a list read at once, on a store of its own, with @query. */
static GArray *
expected_ids (Fixture    *f,
              const char *query,
              gboolean    show_archived)
{
  g_autoptr(PressoStore) store = presso_test_store_open (f->path);
  g_autoptr(PressoClientList) list = NULL;

  list = presso_client_list_new (store);
  presso_client_list_set_show_archived (list, show_archived);
  presso_client_list_set_query (list, query);
  return list_ids (list);
}

static void
assert_same_ids (GArray *a,
                 GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
}

static gboolean
has_id (GArray *ids,
        gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

typedef struct
{
  guint n_changes;
  guint position, removed, added;
} Changes;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Changes    *changes)
{
  changes->n_changes++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static void
test_fills (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(PressoClientList) list = presso_client_list_new_loading (f->store);
  /* A second area's list, made meanwhile, waits for the same worker. */
  g_autoptr(PressoClientList) other = presso_client_list_new_loading (f->store);
  g_autoptr(GArray) expected = expected_ids (f, "", FALSE);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) other_ids = NULL;
  Changes changes = { 0, };

  /* Empty while loading: nothing is read before the caller's first frame. */
  g_assert_true (presso_client_list_get_loading (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 0));
  g_assert_cmpint (presso_client_list_find (list, g_array_index (expected, gint64, 0)), ==, -1);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &changes);

  wait_loaded (list);

  /* Then every active client at once, in the order of a list read at once. */
  g_assert_cmpuint (expected->len, >, 2000);
  g_assert_cmpuint (changes.n_changes, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, expected->len);
  ids = list_ids (list);
  assert_same_ids (ids, expected);
  g_assert_cmpint (presso_client_list_find (list, g_array_index (expected, gint64, 7)), ==, 7);
  wait_loaded (other);
  other_ids = list_ids (other);
  assert_same_ids (other_ids, expected);

  /* The worker read the initials too: the first keystroke is answered like FTS5 would. */
  g_assert_nonnull (_presso_store_get_client_order (f->store, NULL)->initials);
  presso_client_list_set_query (list, "m");
  {
    g_autoptr(GArray) m_ids = list_ids (list);
    g_autoptr(GArray) m_expected = expected_ids (f, "m", FALSE);

    g_assert_cmpuint (m_ids->len, >, 0);
    assert_same_ids (m_ids, m_expected);
  }
}

static void
test_search_before_loaded (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(PressoClientList) list = presso_client_list_new_loading (f->store);
  g_autoptr(GArray) expected = expected_ids (f, "ma", TRUE);
  g_autoptr(GArray) ids = NULL;

  /* Typed while the clients are read: kept, and applied when the list fills. */
  presso_client_list_set_query (list, "m");
  presso_client_list_set_query (list, "ma");
  presso_client_list_set_show_archived (list, TRUE);
  g_assert_cmpstr (presso_client_list_get_query (list), ==, "ma");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  wait_loaded (list);
  ids = list_ids (list);
  g_assert_cmpuint (ids->len, >, 0);
  g_assert_cmpuint (ids->len, <, N_CLIENTS);
  assert_same_ids (ids, expected);
}

static void
test_write_while_loading (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(PressoClientList) list = presso_client_list_new_loading (f->store);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) expected = NULL;
  gint64 id;

  /* Let the worker start, then save a client on the main connection while it reads. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  presso_client_set_first_name (client, "Aaron");
  presso_client_set_last_name (client, "Aabel");
  g_assert_true (presso_store_insert_client (f->store, client, &error));
  g_assert_no_error (error);
  id = presso_client_get_id (client);

  wait_loaded (list);
  ids = list_ids (list);
  expected = expected_ids (f, "", FALSE);
  g_assert_true (has_id (ids, id));
  g_assert_cmpint (presso_client_list_find (list, id), ==, 0);   /* "aabel" sorts first */
  assert_same_ids (ids, expected);

  /* And it is found by the initials the store keeps (not the worker's, read before it). */
  presso_client_list_set_query (list, "a");
  g_assert_cmpint (presso_client_list_find (list, id), ==, 0);
}

static void
test_other_connection_writes (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(PressoClientList) list = presso_client_list_new_loading (f->store);
  g_autoptr(PressoStore) other = NULL;
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 id;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* A second Presso on the same file saves a client while this one reads. */
  other = presso_test_store_open (f->path);
  presso_client_set_first_name (client, "Zélie");
  presso_client_set_last_name (client, "Zzyzx");
  g_assert_true (presso_store_insert_client (other, client, &error));
  g_assert_no_error (error);
  id = presso_client_get_id (client);

  wait_loaded (list);
  ids = list_ids (list);
  g_assert_true (has_id (ids, id));
  g_assert_cmpint (presso_client_list_find (list, id), ==, (int) ids->len - 1);
  presso_client_list_set_query (list, "zz");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
}

static void
test_dropped_while_loading (Fixture       *f,
                            gconstpointer  data)
{
  PressoClientList *list = presso_client_list_new_loading (f->store);
  g_autoptr(PressoClientList) second = NULL;
  GWeakRef ref;

  g_weak_ref_init (&ref, list);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (list);

  /* Whatever the worker was doing ends, and the list is freed after it. */
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    PressoClientList *alive;

    while ((alive = g_weak_ref_get (&ref)) != NULL && g_get_monotonic_time () < end)
      {
        g_object_unref (alive);
        g_main_context_iteration (NULL, TRUE);
      }
    g_assert_null (alive);
  }
  g_weak_ref_clear (&ref);

  /* A list made next is still right. */
  second = presso_client_list_new_loading (f->store);
  wait_loaded (second);
  {
    g_autoptr(GArray) ids = list_ids (second);
    g_autoptr(GArray) expected = expected_ids (f, "", FALSE);

    assert_same_ids (ids, expected);
  }
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
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM client_search"
                                           " WHERE client_search MATCH ? ORDER BY rowid",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
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
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
add_client (PressoStore *store,
            const char  *first,
            const char  *last,
            const char  *phone,
            const char  *email,
            const char  *birth_date)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GError) error = NULL;

  presso_client_set_first_name (client, first);
  presso_client_set_last_name (client, last);
  presso_client_set_phone (client, phone);
  presso_client_set_email (client, email);
  presso_client_set_birth_date (client, birth_date);
  g_assert_true (presso_store_insert_client (store, client, &error));
  g_assert_no_error (error);
}

/* Two digits typed are answered from each client's digit pairs: the same clients as FTS5. */
static void
test_digit_pairs (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PressoClientList) list = presso_client_list_new_loading (f->store);
  g_autoptr(PressoStore) fresh = NULL;
  const PressoClientOrder *patched, *rebuilt;

  wait_loaded (list);
  g_assert_nonnull (_presso_store_get_client_order (f->store, NULL)->pairs);

  /* Written after the worker read the pairs: the store keeps them up to date. */
  add_client (f->store, "Anaïs", "Quatre-Vingt-Dix", "+33 7 98 76 54 32", "", NULL);
  add_client (f->store, "Bo", "Zéro", "0033 1 23", "bo.42x@exemple.fr", "1985-03-12");
  add_client (f->store, "Cy", "Test", "(06)-55.44/33", "93@x.fr", "1906-12-31");
  add_client (f->store, "Dé", "R2D2 07bis", "", "", "2001-01-02");
  presso_client_list_set_show_archived (list, TRUE);

  for (int pair = 0; pair < 100; pair++)
    {
      char query[3] = { '0' + pair / 10, '0' + pair % 10, '\0' };
      g_autofree char *match = g_strdup_printf ("\"%s\"*", query);
      g_autoptr(GArray) expected = fts_ids (f->path, match);
      g_autoptr(GArray) ids = NULL;

      presso_client_list_set_query (list, query);
      ids = list_ids (list);
      g_array_sort (ids, compare_ids);
      assert_same_ids (ids, expected);
    }

  /* Patched after each write as a rebuild would read them. */
  fresh = presso_test_store_open (f->path);
  patched = _presso_store_get_client_order (f->store, NULL);
  rebuilt = _presso_store_get_client_order (fresh, NULL);
  g_assert_cmpuint (patched->n, ==, rebuilt->n);
  g_assert_nonnull (patched->pairs);
  g_assert_nonnull (rebuilt->pairs);
  g_assert_cmpmem (patched->pairs, 2 * patched->n * sizeof (guint64),
                   rebuilt->pairs, 2 * rebuilt->n * sizeof (guint64));
}

static void
test_small_clinic_at_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(PressoStore) store = presso_test_clinic_new ("presso-client-list-XXXXXX", &dir, &path);
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(PressoClientList) list = NULL;

  presso_client_set_first_name (client, "Inès");
  presso_client_set_last_name (client, "Roux");
  g_assert_true (presso_store_insert_client (store, client, &error));
  g_assert_no_error (error);

  /* No loading state to flash for a couple of milliseconds' work. */
  list = presso_client_list_new_loading (store);
  g_assert_false (presso_client_list_get_loading (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  g_clear_object (&list);
  g_clear_object (&store);
  presso_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  shared_dir = g_dir_make_tmp ("presso-client-list-XXXXXX", &error);
  g_assert_no_error (error);
  shared_path = g_build_filename (shared_dir, "demo.db", NULL);
  {
    g_autoptr(PressoStore) store = presso_test_store_open (shared_path);

    g_assert_true (presso_demo_fill (store, N_CLIENTS, PRESSO_DEMO_SEED, &error));
    g_assert_no_error (error);
  }

  g_test_add ("/presso/client-list/loading/fills", Fixture, NULL,
              fixture_setup, test_fills, fixture_tear_down);
  g_test_add ("/presso/client-list/loading/search-before-loaded", Fixture, NULL,
              fixture_setup, test_search_before_loaded, fixture_tear_down);
  g_test_add ("/presso/client-list/loading/write-while-loading", Fixture, NULL,
              fixture_setup, test_write_while_loading, fixture_tear_down);
  g_test_add ("/presso/client-list/loading/other-connection-writes", Fixture, NULL,
              fixture_setup, test_other_connection_writes, fixture_tear_down);
  g_test_add ("/presso/client-list/loading/dropped-while-loading", Fixture, NULL,
              fixture_setup, test_dropped_while_loading, fixture_tear_down);
  g_test_add_func ("/presso/client-list/loading/small-clinic-at-once", test_small_clinic_at_once);
  g_test_add ("/presso/client-list/search/digit-pairs", Fixture, NULL,
              fixture_setup, test_digit_pairs, fixture_tear_down);

  status = g_test_run ();

  presso_test_remove_tree (shared_dir);
  g_free (shared_path);
  g_free (shared_dir);
  return status;
}
