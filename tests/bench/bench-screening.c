/* bench-screening.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the screening costs where people wait for it: loading and checking the rules file at
 * start, the verdict the form recomputes at each answer, and the gate at START (reading the
 * client's screening, decisions, today's confirmation and audit trail from the store).
 * Goal: the gate under 5 ms at p99, so START never feels it.  Baseline measured in the same
 * run: reading the client record itself (presso_store_get_client).
 *   bench-screening [--clients N]        Prints JSON lines.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "presso-demo.h"
#include "presso-store.h"
#include "presso-store-screening.h"
#include "presso-test-util.h"

#define GOAL_P99_MS 5.0

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
percentiles (GArray *samples,
             double *p50,
             double *p99)
{
  g_array_sort (samples, compare_doubles);
  *p50 = g_array_index (samples, double, samples->len / 2);
  *p99 = g_array_index (samples, double, MIN (samples->len - 1, samples->len * 99 / 100));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningRules) rules = NULL;
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GArray) load = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) evaluate = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) gate = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int n_clients = 2000;
  guint allowed = 0;
  double p50, p99, b50, b99;
  gint64 start;
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Clients in the demo clinic", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_clients < 10)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: bench-screening [--clients N≥10]");
      return 2;
    }

  /* Rules: parse and validate the shipped file, as at every start. */
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(PressoScreeningRules) r = NULL;

      start = g_get_monotonic_time ();
      r = presso_screening_rules_load_default (&error);
      g_array_append_val (load, (double) { (g_get_monotonic_time () - start) / 1000.0 });
      if (r == NULL)
        {
          g_printerr ("%s (run it with PRESSO_SOURCE_DATADIR=.../data)\n", error->message);
          return 1;
        }
      g_set_object (&rules, r);
    }
  percentiles (load, &p50, &p99);
  printf ("{\"bench\":\"screening\",\"step\":\"load-rules\",\"items\":%u,\"runs\":%u,"
          "\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
          presso_screening_rules_get_n_items (rules), load->len, p50, p99);

  /* A demo clinic. */
  store = presso_test_clinic_new ("presso-bench-screening-XXXXXX", &dir, &path);
  start = g_get_monotonic_time ();
  if (!presso_demo_fill (store, n_clients, PRESSO_DEMO_SEED, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("{\"bench\":\"screening\",\"step\":\"make-clinic\",\"clients\":%d,\"ms\":%.1f}\n",
          n_clients, (g_get_monotonic_time () - start) / 1000.0);

  for (gint64 id = 1; id <= MIN (n_clients, 500); id++)
    {
      g_autoptr(PressoScreening) screening = NULL;
      g_autoptr(PressoStartPermit) permit = NULL;
      g_autoptr(PressoClient) client = NULL;
      g_autoptr(GError) gate_error = NULL;

      /* What the form does at each answer: evaluate the whole screening. */
      screening = presso_store_get_current_screening (store, id, NULL);
      if (screening != NULL)
        {
          g_autoptr(PressoScreeningResult) result = NULL;

          start = g_get_monotonic_time ();
          result = presso_screening_evaluate (screening, rules, now);
          g_array_append_val (evaluate, (double) { (g_get_monotonic_time () - start) / 1000.0 });

          /* The session-start question answered, so the gate runs its whole course. */
          {
            g_autoptr(PressoScreeningConfirmation) today =
              presso_screening_confirmation_new (presso_screening_get_id (screening), FALSE, 0, now);

            if (!presso_store_record_screening_confirmation (store, today, &error))
              {
                g_printerr ("%s\n", error->message);
                return 1;
              }
          }
        }

      start = g_get_monotonic_time ();
      permit = presso_store_check_screening_gate (store, rules, id, PRESSO_ZONE_LEGS, now, 180,
                                                  &gate_error);
      g_array_append_val (gate, (double) { (g_get_monotonic_time () - start) / 1000.0 });
      allowed += permit != NULL;

      start = g_get_monotonic_time ();
      client = presso_store_get_client (store, id, NULL);
      g_array_append_val (baseline, (double) { (g_get_monotonic_time () - start) / 1000.0 });
    }

  percentiles (evaluate, &p50, &p99);
  printf ("{\"bench\":\"screening\",\"step\":\"evaluate\",\"samples\":%u,"
          "\"p50_ms\":%.4f,\"p99_ms\":%.4f}\n", evaluate->len, p50, p99);
  percentiles (gate, &p50, &p99);
  percentiles (baseline, &b50, &b99);
  printf ("{\"bench\":\"screening\",\"step\":\"gate\",\"samples\":%u,\"allowed\":%u,"
          "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"baseline\":\"get-client\","
          "\"baseline_p50_ms\":%.3f,\"baseline_p99_ms\":%.3f,\"goal_p99_ms\":%.1f,\"ok\":%s}\n",
          gate->len, allowed, p50, p99, b50, b99, GOAL_P99_MS, p99 <= GOAL_P99_MS ? "true" : "false");

  g_clear_object (&store);
  presso_test_remove_tree (dir);
  return 0;
}
