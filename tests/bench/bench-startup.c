/* bench-startup.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Startup time: from spawning a process to the first painted frame of its window, for presso
 * on a clinic of 100 000 clients and, in the same run, for a bare AdwApplicationWindow
 * (bench-bare-window).  Goal: presso takes at most 1.15 times the bare window.
 *
 *   bench-startup [--runs N] [--clients N] [--database FILE]
 *
 * Runs under its own Xvfb when DISPLAY is not set.  presso is started with
 * `--database FILE --staff ID --bench-first-frame`: --staff signs the first staff member in
 * straight away, so the frame measured is the Clients area with its list of 100 000 clients
 * (the staff list a user sees first would be cheaper and prove nothing).  The two programs
 * take turns, several runs each; prints one JSON line per program (median, min, max in ms)
 * and one with the ratio of the medians.  Each line also gives the median CPU time of the
 * program (all its threads, from spawn to exit): it moves less than the wall time when other
 * work shares the machine, and says whether a change saved work or only moved it.
 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "presso-store.h"
#include "presso-test-util.h"

#ifndef PRESSO_BIN
#error "PRESSO_BIN must name the presso binary"
#endif

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len % 2)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1)
          + g_array_index (values, double, values->len / 2)) / 2;
}

static double
children_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

/* Spawns @argv and returns the milliseconds from just before the spawn to the monotonic time
 * of the first frame the program prints, or -1; @cpu_ms gets the CPU time the program used. */
static double
time_first_frame (const char * const *argv,
                  char              **envp,
                  double             *cpu_ms)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *field;
  gint64 start, frame;
  int status;
  double cpu_before = children_cpu_ms ();

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error))
    {
      g_printerr ("cannot run %s: %s\n", argv[0], error->message);
      return -1;
    }
  *cpu_ms = children_cpu_ms () - cpu_before;
  field = out ? strstr (out, "\"first-frame-monotonic-us\": ") : NULL;
  if (!g_spawn_check_wait_status (status, NULL) || field == NULL)
    {
      g_printerr ("%s printed no first frame:\n%s%s\n", argv[0], out ? out : "", err ? err : "");
      return -1;
    }
  frame = g_ascii_strtoll (field + strlen ("\"first-frame-monotonic-us\": "), NULL, 10);
  return (frame - start) / 1000.0;
}

static void
print_line (const char *what,
            GArray     *ms,
            GArray     *cpu_ms,
            int         clients,
            const char *renderer)
{
  double med = median (ms);

  g_print ("{\"bench\": \"startup\", \"what\": \"%s\", \"renderer\": \"%s\", ", what, renderer);
  if (clients >= 0)
    g_print ("\"clients\": %d, ", clients);
  g_print ("\"runs\": %u, \"median_ms\": %.1f, \"min_ms\": %.1f, \"max_ms\": %.1f, "
           "\"cpu_median_ms\": %.1f}\n",
           ms->len, med, g_array_index (ms, double, 0), g_array_index (ms, double, ms->len - 1),
           median (cpu_ms));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *staff_arg = NULL;
  g_autofree char *xdg = NULL;
  g_autoptr(GArray) presso_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) presso_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) envp = NULL;
  int runs = 5, clients = 100000;
  GOptionEntry entries[] = {
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs of each program (default 5)", "N" },
    { "clients", 'n', 0, G_OPTION_ARG_INT, &clients, "Clients in the clinic made (default 100000)", "N" },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, "Use this clinic instead of making one", "FILE" },
    { NULL }
  };

  /* Needs a display: start a private Xvfb around itself when there is none. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL
      && g_getenv ("PRESSO_BENCH_NESTED") == NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) args = NULL;

      g_setenv ("PRESSO_BENCH_NESTED", "1", TRUE);
      g_strv_builder_add_many (builder, "xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", NULL);
      for (int i = 0; i < argc; i++)
        g_strv_builder_add (builder, argv[i]);
      args = g_strv_builder_end (builder);
      execvp ("xvfb-run", args);
      g_printerr ("bench-startup: no DISPLAY and cannot run xvfb-run\n");
      return 2;
    }

  context = g_option_context_new ("— time to the first frame of presso and of a bare window");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--runs must be at least 1");
      return 2;
    }

  dir = g_dir_make_tmp ("presso-bench-startup-XXXXXX", &error);
  g_assert_no_error (error);
  xdg = g_build_filename (dir, "xdg", NULL);
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_SCHEMA_DIR", SCHEMA_DIR, FALSE);
  envp = g_environ_setenv (envp, "GTK_A11Y", "none", FALSE);
  /* Xvfb has no GPU: GTK's GL renderer would run on llvmpipe, compiling shaders on the CPU for
   * both programs and burying the difference in noise.  Cairo unless told otherwise. */
  envp = g_environ_setenv (envp, "GSK_RENDERER", "cairo", FALSE);
  envp = g_environ_setenv (envp, "NO_AT_BRIDGE", "1", FALSE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", xdg, TRUE);
  /* The screening rules and other data files, read from the source tree when not installed. */
  envp = g_environ_setenv (envp, "PRESSO_SOURCE_DATADIR", SOURCE_DATADIR, FALSE);

  if (database != NULL)
    db_path = g_strdup (database);
  else
    {
      g_autofree char *clients_arg = g_strdup_printf ("%d", clients);
      const char *make_argv[] = { MAKE_CLINIC_BIN, "--clients", clients_arg, NULL, NULL };
      int status;

      db_path = g_build_filename (dir, "clinic.db", NULL);
      make_argv[3] = db_path;
      if (!g_spawn_sync (NULL, (char **) make_argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                         NULL, NULL, &status, &error)
          || !g_spawn_check_wait_status (status, &error))
        {
          g_printerr ("cannot make the clinic: %s\n", error->message);
          return 1;
        }
    }

  /* The first active staff member, to sign in as. */
  {
    g_autoptr(PressoStore) store = presso_store_open (db_path, &error);
    g_autoptr(GListModel) staff = NULL;
    g_autoptr(PressoStaff) first = NULL;

    if (store == NULL)
      {
        g_printerr ("cannot open %s: %s\n", db_path, error->message);
        return 1;
      }
    if (database != NULL)
      clients = presso_store_count_clients (store, TRUE);
    staff = presso_store_list_staff (store);
    first = g_list_model_get_item (staff, 0);
    if (first == NULL)
      {
        g_printerr ("%s has no staff to sign in as\n", db_path);
        return 1;
      }
    staff_arg = g_strdup_printf ("%" G_GINT64_FORMAT, presso_staff_get_id (first));
  }


  for (int i = 0; i < runs; i++)
    {
      const char *bare_argv[] = { BARE_BIN, NULL };
      const char *presso_argv[] = { PRESSO_BIN, "--database", db_path, "--staff", staff_arg,
                                    "--bench-first-frame", NULL };
      double bare_cpu_ms = 0, presso_cpu_ms = 0;
      double bare = time_first_frame (bare_argv, envp, &bare_cpu_ms);
      double presso = time_first_frame (presso_argv, envp, &presso_cpu_ms);

      if (bare < 0 || presso < 0)
        return 1;
      g_array_append_val (bare_ms, bare);
      g_array_append_val (presso_ms, presso);
      g_array_append_val (bare_cpu, bare_cpu_ms);
      g_array_append_val (presso_cpu, presso_cpu_ms);
    }

  print_line ("bare-window", bare_ms, bare_cpu, -1, g_environ_getenv (envp, "GSK_RENDERER"));
  print_line ("presso", presso_ms, presso_cpu, clients, g_environ_getenv (envp, "GSK_RENDERER"));
  /* The ratio of the medians is the goal; the ratio of the fastest runs is shown too, as it
   * moves less when other work shares the machine. */
  g_print ("{\"bench\": \"startup\", \"what\": \"ratio\", \"ratio\": %.3f, "
           "\"ratio_of_min\": %.3f, \"cpu_ratio\": %.3f, \"goal\": 1.15, \"met\": %s}\n",
           median (presso_ms) / median (bare_ms),
           g_array_index (presso_ms, double, 0) / g_array_index (bare_ms, double, 0),
           median (presso_cpu) / median (bare_cpu),
           median (presso_ms) / median (bare_ms) <= 1.15 ? "true" : "false");

  presso_test_remove_tree (dir);
  return 0;
}
