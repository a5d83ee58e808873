/* bench-search.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long one keystroke in the client search takes on a 100 000-client practice:
 * set_query + n_items + get_item of the 50 rows a list shows.  Goal: p99 ≤ 5 ms.
 *   bench-search [--rounds R] [CLINIC.db]
 * Without a database, makes one with the demo generator in a temporary folder (as
 * presso-make-clinic does).  Baselines measured in the same run: the same keystroke with an
 * empty query, and the plain LIKE '%text%' scan FTS replaces.  Prints JSON lines.
 *
 * Recent searches are cached until the next client write, so a prefix typed again costs less
 * than the first time: the first round (every prefix new) is reported apart, as "cold".
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "presso-client-list.h"
#include "presso-demo.h"
#include "presso-store.h"

#define VISIBLE_ROWS 50
#define GOAL_P99_MS  5.0

/* What a receptionist types, one keystroke at a time. */
static const char * const sequences[][8] = {
  { "d", "du", "dup", "dupo", "dupon", "dupont" },
  { "m", "ma", "mar", "mart", "marti", "martin" },
  { "h", "he", "hel", "hele", "helen", "helene" },
  { "hel", "hel d", "hel du", "hel dup" },
  { "0", "06", "061", "0612", "06123" },
  { "z", "zo", "zoe" },
  { "helene.", "helene.du", "helene.dupont@", "helene.dupont@or" },
  { "1", "19", "198", "1985" },
  { "n", "ng", "nguy", "nguyen" },
};

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples,
            double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (samples);
  guint index;

  if (sorted->len == 0)
    return 0;
  qsort (sorted->data, sorted->len, sizeof (double), compare_double);
  index = (guint) (p / 100.0 * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, MIN (index, sorted->len - 1));
}

static double
keystroke (PressoClientList *list,
           const char       *query,
           guint            *n_out)
{
  gint64 start = g_get_monotonic_time ();
  guint n;

  presso_client_list_set_query (list, query);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < MIN (n, VISIBLE_ROWS); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  *n_out = n;
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* What a naive store would do: scan with LIKE, sort, read the first rows. */
static double
like_scan (sqlite3    *db,
           const char *query,
           guint      *n_out)
{
  static const char sql[] =
    "SELECT id, first_name, last_name, phone, email, birth_date FROM clients"
    " WHERE archived = 0 AND (first_name LIKE ?1 OR last_name LIKE ?1 OR phone LIKE ?1"
    " OR email LIKE ?1 OR birth_date LIKE ?1) ORDER BY last_name, first_name";
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", query);
  sqlite3_stmt *stmt = NULL;
  gint64 start = g_get_monotonic_time ();
  guint n = 0;

  sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    n++;
  sqlite3_finalize (stmt);
  *n_out = n;
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(PressoClientList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) likes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GHashTable) per_query = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  int rounds = 20;
  int like_rounds = 2;
  GOptionEntry entries[] = {
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Times each sequence is typed (default 20)", "R" },
    { "like-rounds", 0, 0, G_OPTION_ARG_INT, &like_rounds, "Times each LIKE baseline runs (default 2)", "R" },
    { NULL }
  };
  sqlite3 *db = NULL;
  gint64 start;
  double open_ms, first_list_ms, reload_after_write_ms;
  guint n;

  context = g_option_context_new ("[CLINIC.db] — time client search keystrokes");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 2 || rounds < 1)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: bench-search [--rounds R] [CLINIC.db]");
      return 2;
    }

  if (argc == 2)
    path = g_strdup (argv[1]);
  else
    {
      tmpdir = g_dir_make_tmp ("presso-bench-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (tmpdir, "clinic.db", NULL);
      start = g_get_monotonic_time ();
      store = presso_store_open (path, &error);
      if (store == NULL || !presso_demo_fill (store, 100000, PRESSO_DEMO_SEED, &error))
        g_error ("%s", error->message);
      g_clear_object (&store);
      printf ("{\"bench\":\"search\",\"step\":\"make-clinic\",\"clients\":100000,"
              "\"seconds\":%.2f}\n", (g_get_monotonic_time () - start) / 1e6);
    }

  start = g_get_monotonic_time ();
  store = presso_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  open_ms = (g_get_monotonic_time () - start) / 1000.0;

  /* The first list builds the name order of every client (once, and after each write). */
  start = g_get_monotonic_time ();
  list = presso_client_list_new (store);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < MIN (n, VISIBLE_ROWS); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  first_list_ms = (g_get_monotonic_time () - start) / 1000.0;
  printf ("{\"bench\":\"search\",\"step\":\"open\",\"clients\":%" G_GINT64_FORMAT
          ",\"active\":%u,\"open_ms\":%.2f,\"first_list_ms\":%.2f}\n",
          presso_store_count_clients (store, TRUE), n, open_ms, first_list_ms);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  per_query = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  for (int round = 0; round < rounds; round++)
    for (guint s = 0; s < G_N_ELEMENTS (sequences); s++)
      {
        /* Clearing the search field is a keystroke too: the empty-query baseline. */
        g_array_append_val (empty, (double) { keystroke (list, "", &n) });
        for (guint k = 0; k < G_N_ELEMENTS (sequences[s]) && sequences[s][k]; k++)
          {
            const char *query = sequences[s][k];
            GArray *samples = g_hash_table_lookup (per_query, query);
            double ms = keystroke (list, query, &n);

            if (samples == NULL)
              {
                samples = g_array_new (FALSE, FALSE, sizeof (double));
                g_hash_table_insert (per_query, (gpointer) query, samples);
                g_ptr_array_add (order, (gpointer) query);
              }
            g_array_append_val (samples, ms);
            g_array_append_val (all, ms);
            if (samples->len == 1)
              g_array_append_val (cold, ms);
          }
      }

  for (guint i = 0; i < order->len; i++)
    {
      const char *query = order->pdata[i];
      GArray *samples = g_hash_table_lookup (per_query, query);
      g_autoptr(GArray) like_samples = g_array_new (FALSE, FALSE, sizeof (double));
      guint n_like = 0;

      keystroke (list, query, &n);
      for (int r = 0; r < like_rounds; r++)
        {
          double ms = like_scan (db, query, &n_like);
          g_array_append_val (like_samples, ms);
          g_array_append_val (likes, ms);
        }
      printf ("{\"bench\":\"search\",\"query\":\"%s\",\"matches\":%u,\"samples\":%u,"
              "\"cold_ms\":%.3f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
              "\"baseline_like_matches\":%u,\"baseline_like_p50_ms\":%.2f}\n",
              query, n, samples->len, g_array_index (samples, double, 0),
              percentile (samples, 50), percentile (samples, 99),
              percentile (samples, 100), n_like, percentile (like_samples, 50));
    }

  /* After a save the name order is rebuilt once, on the next reload. */
  {
    g_autoptr(PressoClient) client = presso_client_new ();

    presso_client_set_first_name (client, "Hélène");
    presso_client_set_last_name (client, "Benchmark");
    presso_client_list_set_query (list, "");
    start = g_get_monotonic_time ();
    if (!presso_store_insert_client (store, client, &error))   /* reloads the list */
      g_error ("%s", error->message);
    reload_after_write_ms = (g_get_monotonic_time () - start) / 1000.0;
  }

  printf ("{\"bench\":\"search\",\"summary\":true,\"keystrokes\":%u,\"visible_rows\":%d,"
          "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"goal_p99_ms\":%.1f,"
          "\"cold_keystrokes\":%u,\"cold_p50_ms\":%.3f,\"cold_p99_ms\":%.3f,"
          "\"baseline_empty_query_p50_ms\":%.3f,\"baseline_empty_query_p99_ms\":%.3f,"
          "\"baseline_like_p50_ms\":%.2f,\"baseline_like_p99_ms\":%.2f,"
          "\"save_and_reload_ms\":%.2f,\"pass\":%s}\n",
          all->len, VISIBLE_ROWS, percentile (all, 50), percentile (all, 99),
          percentile (all, 100), GOAL_P99_MS, cold->len, percentile (cold, 50),
          percentile (cold, 99), percentile (empty, 50), percentile (empty, 99),
          percentile (likes, 50), percentile (likes, 99), reload_after_write_ms,
          percentile (all, 99) <= GOAL_P99_MS && percentile (cold, 99) <= GOAL_P99_MS
            ? "true" : "false");

  sqlite3_close (db);
  g_clear_object (&list);
  g_clear_object (&store);
  if (tmpdir)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (path);
      g_rmdir (tmpdir);
    }
  return 0;
}
