/* presso-make-clinic.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Makes a large demo clinic for benchmarks:
 *   presso-make-clinic [--clients N] [--seed S] OUT.db
 * One transaction, prepared statements; prints one JSON line with how long it took.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "presso-demo.h"
#include "presso-store.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int n_clients = 100000;
  int seed = PRESSO_DEMO_SEED;
  GOptionEntry entries[] = {
    { "clients", 'n', 0, G_OPTION_ARG_INT, &n_clients, "How many clients (default 100000)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT, &seed, "Random seed (same seed, same clinic)", "S" },
    { NULL }
  };
  GStatBuf st;
  gint64 start, end;

  context = g_option_context_new ("OUT.db — make a demo clinic database for benchmarks");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || n_clients < 0)
    {
      g_printerr ("%s\nUsage: presso-make-clinic [--clients N] [--seed S] OUT.db\n",
                  error ? error->message : "");
      return 2;
    }
  if (g_stat (argv[1], &st) == 0 && st.st_size > 0)
    {
      g_printerr ("%s already exists; not overwriting it\n", argv[1]);
      return 1;
    }

  start = g_get_monotonic_time ();
  store = presso_store_open (argv[1], &error);
  if (store == NULL || !presso_demo_fill (store, n_clients, seed, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_clear_object (&store);   /* closes: checkpoints the WAL into the file */
  end = g_get_monotonic_time ();

  g_stat (argv[1], &st);
  printf ("{\"tool\":\"presso-make-clinic\",\"clients\":%d,\"seed\":%d,\"seconds\":%.2f,"
          "\"clients_per_second\":%.0f,\"bytes\":%lld}\n",
          n_clients, seed, (end - start) / 1e6, n_clients / ((end - start) / 1e6 + 1e-9),
          (long long) st.st_size);
  return 0;
}
