/* test-ctl.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * presso-ctl as a technician runs it: spawned against presso-sim on a real pty, its output
 * and exit status checked; killed mid-run to see the device vent on its own.
 */
#define G_LOG_DOMAIN "test-ctl"
#define _GNU_SOURCE 1   /* posix_openpt, ptsname */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "presso-demo.h"
#include "presso-device-private.h"
#include "presso-presets.h"
#include "presso-store-screening.h"
#include "presso-store-session.h"
#include "presso-test-util.h"

/* presso-ctl's exit codes (presso-ctl --help) */
#define EXIT_USAGE       2
#define EXIT_NO_PORT     3
#define EXIT_SILENT      4
#define EXIT_MISMATCH    5
#define EXIT_FAULT       6
#define EXIT_REFUSED     7
#define EXIT_INTERRUPTED 130

typedef struct
{
  char *dir;
  char *link;
  GPid  sim_pid;
} Fixture;

static const char *
ctl_path (void)
{
  static char *path;

  if (path == NULL)
    path = g_test_build_filename (G_TEST_BUILT, "..", "app", "cli", "presso-ctl", NULL);
  return path;
}

/* A simulator outlives no test, even one that aborts. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* How long this test's waits sleep between two looks at the main context. */
#define NAP_US 1000

typedef struct
{
  GSubprocess *proc;
  gboolean     done;
  char        *out;
  char        *err;
} Run;

static void
on_communicate_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static gboolean
run_done_cond (gpointer data)
{
  return ((Run *) data)->done;
}

/* Runs presso-ctl with argv (NULL-terminated), the main loop turning meanwhile (a fake
 * device may live in it), at most timeout_ms; returns its exit status. */
static int
run_ctl (const char * const *args,
         guint               timeout_ms,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  int status;

  g_ptr_array_add (argv, (gpointer) ctl_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* The test's own (isolated) folders: the demo clinic and the clinic's rules live there. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  run.proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (run.proc, NULL, NULL, on_communicate_cb, &run);
  if (!presso_test_iterate_until_nap (run_done_cond, &run, timeout_ms, NAP_US))
    {
      g_subprocess_force_exit (run.proc);
      presso_test_iterate_until_nap (run_done_cond, &run, 2000, NAP_US);
      g_error ("presso-ctl %s did not finish within %u ms", args[0], timeout_ms);
    }
  g_subprocess_wait (run.proc, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (run.proc));
  status = g_subprocess_get_exit_status (run.proc);
  g_test_message ("presso-ctl exit %d, stderr: %s", status, run.err);
  g_object_unref (run.proc);

  if (out)
    *out = g_steal_pointer (&run.out);
  if (err)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);

  return status;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { presso_test_sim_path (), "--link", NULL, NULL, NULL, NULL };

  f->dir = g_dir_make_tmp ("presso-ctl-XXXXXX", &error);
  g_assert_no_error (error);
  f->link = g_build_filename (f->dir, "sim.tty", NULL);
  if (presso_test_sim_path () == NULL)
    {
      g_test_skip ("PRESSO_SIM is not set: presso-sim was not built");
      return;
    }
  argv[2] = f->link;
  if (data != NULL)
    {
      argv[3] = "--garments";
      argv[4] = data;
    }
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                die_with_parent, NULL, &f->sim_pid, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until_nap (presso_test_path_exists, f->link, 5000, NAP_US));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  int status;

  if (f->sim_pid != 0)
    {
      kill (f->sim_pid, SIGTERM);
      for (guint i = 0; i < 300 && waitpid (f->sim_pid, &status, WNOHANG) != f->sim_pid; i++)
        g_usleep (10000);
      kill (f->sim_pid, SIGKILL);
      waitpid (f->sim_pid, &status, WNOHANG);
      g_spawn_close_pid (f->sim_pid);
    }
  g_unlink (f->link);
  g_rmdir (f->dir);
  g_free (f->link);
  g_free (f->dir);
}

/* ------------------------------------------------------------------ without a device */

static void
test_usage (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_ctl ((const char *[]) { NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "--help"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "frobnicate", NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "frobnicate"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "info", NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "--port"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", "x", "run", "--seconds", "1", NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", "x", "run", "--preset", "no-such", "--seconds", "1", NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "no-such"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "--bogus", NULL }, 5000, NULL, &err), ==, EXIT_USAGE);

  g_assert_cmpint (run_ctl ((const char *[]) { "--help", NULL }, 5000, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "vent"));
  g_assert_nonnull (strstr (out, "Exit status"));
}

static void
test_presets (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_cmpint (run_ctl ((const char *[]) { "presets", NULL }, 5000, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++, n++)
    {
      const PressoPreset *preset = presso_presets_lookup (lines[i]);
      presso_proto_program program;
      g_autoptr(GError) error = NULL;

      /* Each name printed is a preset that builds a valid program for 4 to 32 chambers. */
      g_assert_nonnull (preset);
      for (guint chambers = 4; chambers <= 32; chambers += 4)
        {
          g_assert_true (presso_preset_build_program (preset, chambers, &program, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (program.n_chambers, ==, chambers);
          g_assert_cmpuint (program.chamber_mask, !=, 0);
          if (chambers < 32)
            g_assert_cmpuint (program.chamber_mask >> chambers, ==, 0);
          g_assert_cmpuint (program.pretherapy_mask & ~program.chamber_mask, ==, 0);
          g_assert_cmpuint (program.pretherapy_mask != 0, ==, program.pretherapy_cycles != 0);
          for (guint c = 0; c < chambers; c++)
            {
              g_assert_cmpint (program.target_dmmhg[c], >=, 100);    /* 10..120 mmHg */
              g_assert_cmpint (program.target_dmmhg[c], <=, 1200);
              if (program.mode == PRESSO_PROTO_MODE_GRADIENT && c > 0)
                g_assert_cmpint (program.target_dmmhg[c], <=, program.target_dmmhg[c - 1]);
            }
        }
      g_assert_false (presso_preset_build_program (preset, 0, &program, &error));
      g_assert_error (error, PRESSO_PRESET_ERROR, PRESSO_PRESET_ERROR_CHAMBERS);
    }
  g_assert_cmpuint (n, ==, presso_presets_get_n_items ());
  g_assert_nonnull (presso_presets_lookup ("lymphatic-drainage"));
  g_assert_nonnull (presso_presets_lookup ("leg-lymphoedema-pretherapy"));
}

static void
test_list (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  /* One port per line: name, VID:PID (or "-"), product, serial number, manufacturer. */
  g_assert_cmpint (run_ctl ((const char *[]) { "list", NULL }, 5000, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", -1);

      g_assert_cmpuint (g_strv_length (cols), ==, 5);
      g_assert_true (g_str_has_prefix (cols[0], "/dev/"));
      g_assert_true (g_str_equal (cols[1], "-") ||
                     (strlen (cols[1]) == 9 && cols[1][4] == ':'));
    }
}

static void
test_missing_port (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", "/nonexistent/presso-0", "info", NULL },
                            5000, NULL, &err), ==, EXIT_NO_PORT);
  g_assert_nonnull (strstr (err, "/nonexistent/presso-0"));
}

static int
open_pty (char **name)
{
  int master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  struct termios tio;

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  *name = g_strdup (ptsname (master));
  fcntl (master, F_SETFL, fcntl (master, F_GETFL) | O_NONBLOCK);
  tcgetattr (master, &tio);
  cfmakeraw (&tio);
  tcsetattr (master, TCSANOW, &tio);
  return master;
}

static void
test_silent (void)
{
  g_autofree char *name = NULL;
  g_autofree char *err = NULL;
  int master = open_pty (&name);
  gint64 t0 = g_get_monotonic_time ();

  /* A pty nobody answers on. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", name, "info", NULL }, 5000, NULL, &err),
                   ==, EXIT_SILENT);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 3 * G_TIME_SPAN_SECOND);
  g_assert_nonnull (strstr (err, name));
  close (master);
}

static void
on_fake_message_cb (PressoLink *link,
                    gpointer    data,
                    gpointer    user_data)
{
  const presso_proto_msg *in = data;
  presso_proto_msg out = { .type = PRESSO_PROTO_MSG_IDENTITY };

  if (in->type != PRESSO_PROTO_MSG_HELLO)
    return;
  out.u.identity.proto_version = PRESSO_PROTO_VERSION + 1;
  g_strlcpy (out.u.identity.model, "Future Presso", sizeof out.u.identity.model);
  out.u.identity.n_chambers = 8;
  out.u.identity.ceiling_dmmhg = 1500;
  out.u.identity.telemetry_hz = 100;
  presso_link_send (link, &out);
}

static void
test_mismatch (void)
{
  g_autofree char *name = NULL;
  g_autofree char *err = NULL;
  g_autoptr(PressoLink) fake = presso_link_new (open_pty (&name));

  /* A device speaking a later protocol version. */
  g_signal_connect (fake, "message", G_CALLBACK (on_fake_message_cb), NULL);
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", name, "info", NULL }, 5000, NULL, &err),
                   ==, EXIT_MISMATCH);
  g_assert_nonnull (strstr (err, "version"));
}

/* ------------------------------------------------------------------ against presso-sim */

static void
test_info (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *out = NULL;

  if (f->sim_pid == 0)
    return;

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "info", NULL }, 5000, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Model: "));
  g_assert_nonnull (strstr (out, "Serial number: "));
  g_assert_nonnull (strstr (out, "Chambers: "));
  g_assert_nonnull (strstr (out, "Protocol version: 1\n"));
  g_assert_nonnull (strstr (out, "State: Ready"));
  g_assert_nonnull (strstr (out, "Alarms latched: none\n"));
  g_assert_nonnull (strstr (out, "Pressures (mmHg): "));
}

typedef struct
{
  guint  n_rows;
  guint  n_running;
  gint64 first_running_ms;
  gint64 last_running_ms;
  double first_p0;
  double max_p0;
  double target0;
  guint  n_chambers;
} Csv;

static void
parse_csv (const char *out,
           Csv        *csv)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_auto(GStrv) header = NULL;
  gint64 prev_ms = -1;
  guint n_cols;

  memset (csv, 0, sizeof *csv);
  g_assert_nonnull (lines[0]);
  g_assert_true (g_str_has_prefix (lines[0], "time_ms,state,phase,cycle,active_chamber,p0,"));
  header = g_strsplit (lines[0], ",", -1);
  n_cols = g_strv_length (header);
  csv->n_chambers = (n_cols - 5) / 2;
  g_assert_cmpuint (csv->n_chambers, >=, 4);
  g_assert_cmpstr (header[5 + csv->n_chambers], ==, "t0");

  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], ",", -1);
      gint64 ms;
      double p0;

      g_assert_cmpuint (g_strv_length (cols), ==, n_cols);
      ms = g_ascii_strtoll (cols[0], NULL, 10);
      g_assert_cmpint (ms, >=, prev_ms);
      prev_ms = ms;
      p0 = g_ascii_strtod (cols[5], NULL);
      /* One decimal, as documented. */
      g_assert_nonnull (strchr (cols[5], '.'));
      g_assert_cmpuint (strlen (strchr (cols[5], '.')), ==, 2);
      csv->target0 = g_ascii_strtod (cols[5 + csv->n_chambers], NULL);
      if (csv->n_rows++ == 0)
        csv->first_p0 = p0;
      csv->max_p0 = MAX (csv->max_p0, p0);
      if (g_str_equal (cols[1], "running"))
        {
          if (csv->n_running++ == 0)
            csv->first_running_ms = ms;
          csv->last_running_ms = ms;
        }
    }
}

static void
test_run (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  Csv csv;
  double hz;

  if (f->sim_pid == 0)
    return;

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", NULL }, 15000, &out, NULL), ==, 0);
  parse_csv (out, &csv);
  g_assert_cmpuint (csv.n_running, >=, 2);
  hz = (csv.n_running - 1) * 1000.0 / MAX (1, csv.last_running_ms - csv.first_running_ms);
  g_test_message ("%u rows, %u running, %.1f Hz, p0 %.1f → %.1f (target %.1f)", csv.n_rows,
                  csv.n_running, hz, csv.first_p0, csv.max_p0, csv.target0);
  g_assert_cmpfloat (hz, >=, 50.0);
  g_assert_cmpfloat (csv.last_running_ms - csv.first_running_ms, >=, 800);
  g_assert_cmpfloat (csv.target0, ==, 60.0);
  /* Chamber 0 inflates towards its target (soft start: slowly) and never beyond it. */
  g_assert_cmpfloat (csv.max_p0, >, csv.first_p0 + 0.5);
  g_assert_cmpfloat (csv.max_p0, <, csv.target0);
}

static gboolean
device_vented (gpointer data)
{
  const PressoTelemetry *t = presso_device_get_last_telemetry (data);

  if (t == NULL || t->inlet_valves != 0 || t->compressor_pct != 0)
    return FALSE;
  for (guint i = 0; i < t->n_chambers; i++)
    if (!(t->pressure_mmhg[i] < 3.0))
      return FALSE;
  return TRUE;
}

static void
on_connected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  presso_device_connect_finish (PRESSO_DEVICE (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
bool_cond (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
telemetry_cond (gpointer data)
{
  return presso_device_get_last_telemetry (data) != NULL;
}

/* Connects a device to the simulator and returns its first telemetry's state and alarms. */
static PressoDevice *
inspect_device (Fixture *f)
{
  PressoDevice *device = presso_device_new (f->link);
  gboolean done = FALSE;

  presso_device_connect_async (device, NULL, on_connected_cb, &done);
  g_assert_true (presso_test_iterate_until_nap (bool_cond, &done, 3000, NAP_US));
  g_assert_true (presso_test_iterate_until_nap (telemetry_cond, device, 1000, NAP_US));
  return device;
}

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *in;
  double            p0;
  guint             rows;
} Background;

/* Starts "presso-ctl run" for a long time and reads its CSV until chamber 0 holds > 5 mmHg. */
static void
start_background_run (Fixture    *f,
                      Background *bg)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_TIME_SPAN_SECOND;

  bg->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, ctl_path (),
                               "--port", f->link, "run", "--preset", "venous-return",
                               "--seconds", "60", NULL);
  g_assert_no_error (error);
  bg->in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bg->proc));

  while (bg->p0 <= 5.0)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (bg->in, NULL, NULL, &error);
      g_auto(GStrv) cols = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      cols = g_strsplit (line, ",", -1);
      if (bg->rows++ > 0 && g_strv_length (cols) > 5)
        bg->p0 = g_ascii_strtod (cols[5], NULL);
    }
}

static void
test_sigint_vents (Fixture       *f,
                   gconstpointer  data)
{
  Background bg = { 0 };
  g_autoptr(PressoDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  const PressoTelemetry *t;

  if (f->sim_pid == 0)
    return;

  start_background_run (f, &bg);
  g_subprocess_send_signal (bg.proc, SIGINT);
  g_subprocess_wait (bg.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (bg.proc), ==, EXIT_INTERRUPTED);
  g_clear_object (&bg.in);
  g_clear_object (&bg.proc);

  /* presso-ctl vented before leaving: the device holds the EMERGENCY_VENT alarm. */
  device = inspect_device (f);
  t = presso_device_get_last_telemetry (device);
  g_assert_cmpuint (t->alarm_flags & (1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1)), !=, 0);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 2000, NAP_US));
}

static void
test_sigkill_watchdog (Fixture       *f,
                       gconstpointer  data)
{
  Background bg = { 0 };
  g_autoptr(PressoDevice) device = NULL;
  g_autofree char *out = NULL;
  const PressoTelemetry *t;

  if (f->sim_pid == 0)
    return;

  /* presso-ctl dies without a word: the device's own watchdog vents within about 1 s. */
  start_background_run (f, &bg);
  g_subprocess_force_exit (bg.proc);
  g_subprocess_wait (bg.proc, NULL, NULL);
  g_clear_object (&bg.in);
  g_clear_object (&bg.proc);
  g_usleep (1300 * G_TIME_SPAN_MILLISECOND);

  /* 1.3 s after the kill the watchdog has fired; the chambers are open and emptying. */
  device = inspect_device (f);
  t = presso_device_get_last_telemetry (device);
  g_assert_cmpuint (t->alarm_flags & (1u << (PRESSO_PROTO_EVENT_WATCHDOG_VENT - 1)), !=, 0);
  g_assert_cmpuint (t->compressor_pct, ==, 0);
  g_assert_cmpuint (t->inlet_valves, ==, 0);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 1500, NAP_US));
  g_assert_cmpint (presso_device_get_state (device), ==, PRESSO_DEVICE_STATE_FAULT);
  presso_device_disconnect (device);

  /* The technician sees why. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "info", NULL }, 5000, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "State: Fault"));
  g_assert_nonnull (strstr (out, presso_proto_event_name (PRESSO_PROTO_EVENT_WATCHDOG_VENT)));
}

static void
test_vent (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(PressoDevice) device = NULL;
  const PressoTelemetry *t;

  if (f->sim_pid == 0)
    return;

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "vent", NULL }, 5000, &out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Vented"));

  device = inspect_device (f);
  t = presso_device_get_last_telemetry (device);
  g_assert_cmpuint (t->alarm_flags & (1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1)), !=, 0);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 2000, NAP_US));
  presso_device_disconnect (device);

  /* "ack" releases the latched alarm: the device is ready for the next client. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "ack", NULL }, 10000, &out, NULL), ==, 0);
  g_clear_object (&device);
  device = inspect_device (f);
  t = presso_device_get_last_telemetry (device);
  g_assert_cmpuint (t->alarm_flags, ==, 0);
  g_assert_cmpint (presso_device_get_state (device), ==, PRESSO_DEVICE_STATE_READY);
}

/* ------------------------------------------------------------------ a client's run: the screening gate */

typedef struct
{
  PressoStore          *store;
  PressoScreeningRules *rules;
  char                 *path;
  char                 *staff_id;    /* a practitioner of the clinic, for --staff */
} Clinic;

/* The id of someone of the clinic with @role, for --staff.  (transfer full) */
static char *
staff_with_role (PressoStore *store,
                 PressoRole   role)
{
  g_autoptr(GListModel) staff = presso_store_list_staff (store);

  for (guint i = 0; i < g_list_model_get_n_items (staff); i++)
    {
      g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

      if (presso_staff_get_role (member) == role)
        return g_strdup_printf ("%" G_GINT64_FORMAT, presso_staff_get_id (member));
    }
  g_error ("No staff member of role %d in the clinic", role);
  return NULL;
}

/* A real demo clinic (its fixed clients and their screenings) in the fixture's folder. */
static void
clinic_open (Fixture *f,
             Clinic  *clinic)
{
  g_autoptr(GError) error = NULL;

  clinic->path = g_build_filename (f->dir, "clinic.db", NULL);
  clinic->store = presso_test_store_open (clinic->path);
  g_assert_true (presso_demo_fill (clinic->store, 24, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);
  clinic->rules = presso_screening_rules_load_default (&error);
  g_assert_no_error (error);
  clinic->staff_id = staff_with_role (clinic->store, PRESSO_ROLE_PRACTITIONER);
}

static void
clinic_close (Clinic *clinic)
{
  g_clear_object (&clinic->rules);
  g_clear_object (&clinic->store);
  g_clear_pointer (&clinic->staff_id, g_free);
  presso_test_remove_database (clinic->path);
  g_clear_pointer (&clinic->path, g_free);
}

/* The client's id, found by name through the store. */
static gint64
find_client (Clinic     *clinic,
             const char *first_name,
             const char *last_name)
{
  gint64 n = presso_store_count_clients (clinic->store, TRUE);

  for (gint64 id = 1; id <= n + 50; id++)
    {
      g_autoptr(PressoClient) client = presso_store_get_client (clinic->store, id, NULL);

      if (client != NULL && g_str_equal (presso_client_get_first_name (client), first_name) &&
          g_str_equal (presso_client_get_last_name (client), last_name))
        return id;
    }
  g_error ("No client %s %s in the demo clinic", first_name, last_name);
  return 0;
}

/* Today's "nothing changed since the screening", as the practitioner records it at the table. */
static void
confirm_unchanged (Clinic *clinic,
                   gint64  client_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreening) screening = presso_store_get_current_screening (clinic->store, client_id, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(PressoScreeningConfirmation) confirmation = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (screening);
  confirmation = presso_screening_confirmation_new (presso_screening_get_id (screening), FALSE, 0, now);
  g_assert_true (presso_store_record_screening_confirmation (clinic->store, confirmation, &error));
  g_assert_no_error (error);
}

/* "presso-ctl run" for the client; returns the exit status, stdout and stderr. */
static int
run_client (Fixture    *f,
            Clinic     *clinic,
            gint64      client_id,
            const char *preset,
            char      **out,
            char      **err)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, client_id);

  return run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", preset, "--seconds", "1",
                                     "--database", clinic->path, "--client", id,
                                     "--staff", clinic->staff_id, NULL },
                  15000, out, err);
}

/* The device was left untouched: no program loaded (idle, not ready), no alarm. */
static void
assert_device_untouched (Fixture *f)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "info", NULL }, 5000, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Device state: idle\n"));
  g_assert_nonnull (strstr (out, "Alarms latched: none\n"));
}

static void
assert_refused_preset (Fixture    *f,
                       Clinic     *clinic,
                       gint64      client_id,
                       const char *preset,
                       const char *why)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_client (f, clinic, client_id, preset, &out, &err), ==, EXIT_REFUSED);
  /* Not a line of telemetry: nothing ran. */
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "Refused by the screening"));
  g_assert_nonnull (strstr (err, why));
  assert_device_untouched (f);
}

static void
assert_refused (Fixture    *f,
                Clinic     *clinic,
                gint64      client_id,
                const char *why)
{
  assert_refused_preset (f, clinic, client_id, "anti-cellulite", why);
}

static void
test_gate_refusals (Fixture       *f,
                    gconstpointer  data)
{
  Clinic clinic = { 0 };
  gint64 siobhan, bjorn, elodie, helene;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  siobhan = find_client (&clinic, "Siobhan", "O'Brien");
  bjorn = find_client (&clinic, "Bjørn", "Ødegaard");
  elodie = find_client (&clinic, "Élodie", "Lefèvre");
  helene = find_client (&clinic, "Hélène", "Dupont");

  /* A screening from another day needs today's "anything changed?" answer first. */
  assert_refused (f, &clinic, helene, "Ask the client whether anything changed");
  /* Venous thrombosis: nothing starts, confirmed or not. */
  assert_refused (f, &clinic, siobhan, "Ask the client whether anything changed");
  confirm_unchanged (&clinic, siobhan);
  assert_refused (f, &clinic, siobhan, "Contraindicated on the zone “Legs”");
  assert_refused (f, &clinic, bjorn, "has expired");
  assert_refused (f, &clinic, elodie, "no screening");

  /* Once confirmed, a clean screening lets the session run. */
  confirm_unchanged (&clinic, helene);
  {
    g_autofree char *out = NULL;
    Csv csv;

    g_assert_cmpint (run_client (f, &clinic, helene, "anti-cellulite", &out, NULL), ==, 0);
    parse_csv (out, &csv);
    g_assert_cmpuint (csv.n_running, >=, 2);
    g_assert_cmpfloat (csv.target0, ==, 60.0);
  }
  clinic_close (&clinic);
}

static void
test_gate_decision (Fixture       *f,
                    gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoScreeningDecision) decision = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *out = NULL;
  gint64 anh;
  Csv csv;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  anh = find_client (&clinic, "Anh", "Nguyễn");
  confirm_unchanged (&clinic, anh);

  /* Neuropathy in the legs: boots wait for a practitioner's decision. */
  assert_refused (f, &clinic, anh, "needs a practitioner’s recorded decision");

  screening = presso_store_get_current_screening (clinic.store, anh, &error);
  g_assert_no_error (error);
  decision = presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy",
                                            "Sensation checked with the client; gentle pressures.",
                                            NULL, 0, now);
  g_assert_true (presso_store_add_screening_decision (clinic.store, screening, clinic.rules, decision, now, &error));
  g_assert_no_error (error);

  g_assert_cmpint (run_client (f, &clinic, anh, "anti-cellulite", &out, NULL), ==, 0);
  parse_csv (out, &csv);
  g_assert_cmpuint (csv.n_running, >=, 2);
  clinic_close (&clinic);
}

static void
test_gate_zones (Fixture       *f,
                 gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autofree char *out = NULL;
  gint64 zoe;
  Csv csv;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  zoe = find_client (&clinic, "Zoë", "Müller");
  confirm_unchanged (&clinic, zoe);

  if (data == NULL)
    {
      /* Pregnant: boots (the simulator's garments) are fine. */
      g_assert_cmpint (run_client (f, &clinic, zoe, "anti-cellulite", &out, NULL), ==, 0);
      parse_csv (out, &csv);
      g_assert_cmpuint (csv.n_running, >=, 2);
    }
  else
    {
      /* With the belt connected too, a program for the legs leaves it alone and runs (as
       * from the window, the zones are those of the program's garments)... */
      g_assert_cmpint (run_client (f, &clinic, zoe, "anti-cellulite", &out, NULL), ==, 0);
      parse_csv (out, &csv);
      g_assert_cmpuint (csv.n_running, >=, 2);
      /* ... but one that inflates the belt does not: the abdomen is contraindicated. */
      assert_refused_preset (f, &clinic, zoe, "leg-lymphoedema-pretherapy",
                             "Contraindicated on the zone “Abdomen”");
    }
  clinic_close (&clinic);
}

static void
test_gate_cap (Fixture       *f,
               gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autofree char *out = NULL;
  gint64 francois;
  Csv csv;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  francois = find_client (&clinic, "François", "Dubois-Lefèvre");
  confirm_unchanged (&clinic, francois);

  /* A past thrombosis, decided with a 40 mmHg cap: the 60 mmHg program is held to 40. */
  g_assert_cmpint (run_client (f, &clinic, francois, "anti-cellulite", &out, NULL), ==, 0);
  parse_csv (out, &csv);
  g_assert_cmpuint (csv.n_running, >=, 2);
  g_assert_cmpfloat (csv.target0, ==, 40.0);
  g_assert_cmpfloat (csv.max_p0, <=, 40.0);
  clinic_close (&clinic);
}

static void
test_gate_pretherapy (Fixture       *f,
                      gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreening) current = NULL;
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoScreeningAnswer) yes = presso_screening_answer_new_yes_no (TRUE);
  g_autoptr(PressoScreeningDecision) decision = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *out = NULL;
  gint64 helene;
  Csv csv;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");

  /* Re-screened today: blocked drainage higher up, decided for the legs, which asks for a
   * pre-therapy phase first. */
  current = presso_store_get_current_screening (clinic.store, helene, &error);
  g_assert_no_error (error);
  screening = presso_screening_new_version (current);
  g_assert_true (presso_screening_set_answer (screening, clinic.rules, "proximal-drainage", yes, &error));
  g_assert_no_error (error);
  g_assert_true (presso_store_insert_screening (clinic.store, screening, &error));
  g_assert_no_error (error);
  decision = presso_screening_decision_new (PRESSO_ZONE_LEGS, "proximal-drainage",
                                            "Groin drained first with the pre-therapy program.",
                                            NULL, 0, now);
  g_assert_true (presso_store_add_screening_decision (clinic.store, screening, clinic.rules, decision, now, &error));
  g_assert_no_error (error);

  assert_refused (f, &clinic, helene, "pre-therapy");
  g_assert_cmpint (run_client (f, &clinic, helene, "leg-lymphoedema-pretherapy", &out, NULL), ==, 0);
  parse_csv (out, &csv);
  g_assert_cmpuint (csv.n_running, >=, 2);
  clinic_close (&clinic);
}

static void
test_gate_usage (Fixture       *f,
                 gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  g_autofree char *bjorn = NULL;
  g_autofree char *helene = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  clinic_open (f, &clinic);
  bjorn = g_strdup_printf ("%" G_GINT64_FORMAT, find_client (&clinic, "Bjørn", "Ødegaard"));
  helene = g_strdup_printf ("%" G_GINT64_FORMAT, find_client (&clinic, "Hélène", "Dupont"));

  /* A client without a clinic, a clinic without a client. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--client", "1", NULL }, 5000, NULL, &err),
                   ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--database", clinic.path, NULL }, 5000, NULL, &err),
                   ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  /* A database that does not exist is not created. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--database", missing, "--client", "1",
                                               "--staff", "1", NULL },
                            5000, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, missing));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  /* No such client. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--database", clinic.path, "--client", "999999",
                                               "--staff", clinic.staff_id, NULL },
                            5000, NULL, &err), ==, 1);
  g_clear_pointer (&err, g_free);

  /* The front desk's status. */
  g_assert_cmpint (run_ctl ((const char *[]) { "screening", "--database", clinic.path, "--client", bjorn, NULL },
                            5000, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Screening: Screening expired\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "screening", "--database", clinic.path, "--client", helene, NULL },
                            5000, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Client: Dupont Hélène\n"));
  g_assert_nonnull (strstr (out, "Screening: Screening valid\n"));
  clinic_close (&clinic);

  /* --demo: the demo clinic in $XDG_DATA_HOME (this test's own), made on first use. */
  {
    g_autofree char *demo_path = presso_store_demo_path ();
    g_autoptr(PressoStore) demo = NULL;
    g_autoptr(GError) error = NULL;
    Clinic view = { 0 };

    g_assert_false (g_file_test (demo_path, G_FILE_TEST_EXISTS));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_ctl ((const char *[]) { "screening", "--demo", "--client", "1", NULL }, 30000, &out, NULL), ==, 0);
    demo = presso_store_open (demo_path, &error);
    g_assert_no_error (error);
    view.store = demo;
    g_clear_pointer (&bjorn, g_free);
    bjorn = g_strdup_printf ("%" G_GINT64_FORMAT, find_client (&view, "Bjørn", "Ødegaard"));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_ctl ((const char *[]) { "screening", "--demo", "--client", bjorn, NULL }, 5000, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Screening: Screening expired\n"));
    if (f->sim_pid != 0)
      {
        g_autofree char *practitioner = staff_with_role (demo, PRESSO_ROLE_PRACTITIONER);

        g_clear_pointer (&err, g_free);
        g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                                     "--seconds", "1", "--demo", "--client", bjorn,
                                                     "--staff", practitioner, NULL },
                                  15000, NULL, &err), ==, EXIT_REFUSED);
        g_assert_nonnull (strstr (err, "has expired"));
        assert_device_untouched (f);
      }
  }
}

/* ------------------------------------------------------------------ a client's run: the session record
 *
 * A client's run goes through PressoSession, as a treatment from the window: it leaves the
 * same record in the client's history (the start row, the program copy, events, the trace
 * and the outcome), read back here through presso_store_get_session(). */

/* Starts presso-sim with the fault switches in data (NULL-terminated). */
static void
fixture_setup_args (Fixture       *f,
                    gconstpointer  data)
{
  const char * const *extra = data;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("presso-ctl-XXXXXX", &error);
  g_assert_no_error (error);
  f->link = g_build_filename (f->dir, "sim.tty", NULL);
  if (presso_test_sim_path () == NULL)
    {
      g_test_skip ("PRESSO_SIM is not set: presso-sim was not built");
      return;
    }
  g_ptr_array_add (argv, (gpointer) presso_test_sim_path ());
  g_ptr_array_add (argv, (gpointer) "--link");
  g_ptr_array_add (argv, f->link);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                die_with_parent, NULL, &f->sim_pid, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until_nap (presso_test_path_exists, f->link, 5000, NAP_US));
}

/* The client's newest session record, read back in full, after @n_before others. */
static PressoSessionRecord *
new_session (Clinic *clinic,
             gint64  client_id,
             guint   n_before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sessions = presso_store_list_client_sessions (clinic->store, client_id, &error);
  g_autoptr(PressoSessionRecord) listed = NULL;
  PressoSessionRecord *record;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, n_before + 1);
  listed = g_list_model_get_item (sessions, 0);
  record = presso_store_get_session (clinic->store, presso_session_record_get_id (listed), &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static guint
n_sessions (Clinic *clinic,
            gint64  client_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sessions = presso_store_list_client_sessions (clinic->store, client_id, &error);

  g_assert_no_error (error);
  return g_list_model_get_n_items (sessions);
}

static const PressoSessionEvent *
find_event (PressoSessionRecord    *record,
            PressoSessionEventKind  kind,
            guint                   code)
{
  GPtrArray *events = presso_session_record_get_events (record);

  for (guint i = 0; i < events->len; i++)
    {
      const PressoSessionEvent *event = g_ptr_array_index (events, i);

      if (event->kind == kind && event->code == code)
        return event;
    }
  return NULL;
}

static double
trace_peak (const PressoSessionTrace *trace,
            guint                     chamber)
{
  double peak = 0;

  for (guint i = 0; i < trace->n_samples; i++)
    peak = MAX (peak, trace->pressure_mmhg[chamber * trace->n_samples + i]);
  return peak;
}

static void
test_session_completed (Fixture       *f,
                        gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoProgram) preset = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *recorded = NULL;
  const PressoSessionTrace *trace;
  PressoProgram *copy;
  gint64 helene;
  guint n_before;
  Csv csv;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");
  confirm_unchanged (&clinic, helene);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, helene);
  /* The demo clinic has a few sessions of hers already. */
  n_before = n_sessions (&clinic, helene);

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "4", "--database", clinic.path,
                                               "--client", id, "--staff", clinic.staff_id, NULL },
                            20000, &out, &err), ==, 0);
  parse_csv (out, &csv);
  g_assert_cmpuint (csv.n_running, >=, 200);

  /* The record the window would have written, with the outcome presso-ctl reported. */
  record = new_session (&clinic, helene, n_before);
  recorded = g_strdup_printf ("Session %" G_GINT64_FORMAT " recorded: %s", presso_session_record_get_id (record),
                              presso_session_outcome_to_label (PRESSO_SESSION_OUTCOME_COMPLETED));
  g_assert_nonnull (strstr (err, recorded));
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpint (presso_session_record_get_client_id (record), ==, helene);
  g_clear_pointer (&id, g_free);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, presso_session_record_get_practitioner_id (record));
  g_assert_cmpstr (id, ==, clinic.staff_id);
  g_assert_cmpstr (presso_session_record_get_device_model (record), ==, "Presso Simulator");
  g_assert_cmpstr (presso_session_record_get_device_serial (record), ==, "SIM-0001");
  g_assert_cmpint (presso_session_record_get_duration_ms (record), >=, 4000);
  g_assert_cmpint (presso_session_record_get_duration_ms (record), <, 15000);
  g_assert_nonnull (presso_session_record_get_ended_at (record));

  /* The program copy: the preset for the simulator's boots (six chambers each). */
  copy = presso_session_record_get_program (record);
  g_assert_nonnull (copy);
  preset = presso_program_new_from_preset ("anti-cellulite", 6, NULL);
  g_assert_cmpstr (presso_program_get_name (copy), ==, presso_program_get_name (preset));
  g_assert_cmpuint (presso_program_get_garments (copy), ==, PRESSO_PROGRAM_GARMENTS_LEGS);
  g_assert_cmpuint (presso_program_get_n_chambers (copy), ==, 6);
  g_assert_cmpuint (presso_program_get_base_pressure (copy), ==, 60);

  /* Events: the start, the shortened run, the device's end of program. */
  g_assert_nonnull (find_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_START));
  g_assert_nonnull (strstr (find_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_LOAD_PROGRAM)->text,
                            "4 s"));
  g_assert_nonnull (find_event (record, PRESSO_SESSION_EVENT_DEVICE, PRESSO_PROTO_EVENT_PROGRAM_FINISHED));
  g_assert_null (find_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_PROTO_EVENT_EMERGENCY_VENT));

  /* The pressures, as they were measured: chamber 1 filled towards its 60 mmHg. */
  trace = presso_session_record_get_trace (record);
  g_assert_nonnull (trace);
  g_assert_cmpuint (trace->n_chambers, ==, 12);
  g_assert_cmpuint (trace->n_samples, >=, 35);
  g_test_message ("%u samples, chamber 1 peaked at %.1f mmHg (CSV: %.1f)", trace->n_samples,
                  trace_peak (trace, 0), csv.max_p0);
  g_assert_cmpfloat (trace_peak (trace, 0), >, csv.first_p0 + 0.5);
  g_assert_cmpfloat (trace_peak (trace, 0), <, 60.0 + 15.0);
  clinic_close (&clinic);
}

/* Starts a client's "presso-ctl run" for a long time and reads its CSV until chamber 0
 * holds more than 10 mmHg. */
static void
start_client_background (Fixture    *f,
                         Clinic     *clinic,
                         const char *client_id,
                         Background *bg)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_TIME_SPAN_SECOND;

  bg->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, ctl_path (),
                               "--port", f->link, "run", "--preset", "venous-return", "--seconds", "60",
                               "--database", clinic->path, "--client", client_id,
                               "--staff", clinic->staff_id, NULL);
  g_assert_no_error (error);
  bg->in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bg->proc));
  while (bg->p0 <= 10.0)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (bg->in, NULL, NULL, &error);
      g_auto(GStrv) cols = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      cols = g_strsplit (line, ",", -1);
      if (bg->rows++ > 0 && g_strv_length (cols) > 5)
        bg->p0 = g_ascii_strtod (cols[5], NULL);
    }
}

static void
test_session_sigint_stopped (Fixture       *f,
                             gconstpointer  data)
{
  Clinic clinic = { 0 };
  Background bg = { 0 };
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const PressoTelemetry *t;
  gint64 helene;
  guint n_before;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");
  confirm_unchanged (&clinic, helene);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, helene);
  n_before = n_sessions (&clinic, helene);

  start_client_background (f, &clinic, id, &bg);
  /* Mid-run, the record is there and running. */
  record = new_session (&clinic, helene, n_before);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_RUNNING);
  g_clear_object (&record);

  g_subprocess_send_signal (bg.proc, SIGINT);
  g_subprocess_wait (bg.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (bg.proc), ==, EXIT_INTERRUPTED);
  g_clear_object (&bg.in);
  g_clear_object (&bg.proc);

  /* Stopped, as the practitioner's Stop: a controlled deflation, recorded as such. */
  record = new_session (&clinic, helene, n_before);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_STOPPED);
  g_assert_nonnull (find_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_STOP));
  g_assert_nonnull (presso_session_record_get_trace (record));
  g_assert_cmpfloat (trace_peak (presso_session_record_get_trace (record), 0), >, 5.0);

  /* ... and the device is vented: every chamber open to air, idle, no alarm. */
  device = inspect_device (f);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 2000, NAP_US));
  t = presso_device_get_last_telemetry (device);
  g_assert_cmpuint (t->device_state, ==, PRESSO_PROTO_STATE_IDLE);
  g_assert_cmpuint (t->alarm_flags, ==, 0);
  clinic_close (&clinic);
}

static void
test_session_refused_no_record (Fixture       *f,
                                gconstpointer  data)
{
  Clinic clinic = { 0 };
  gint64 siobhan, elodie;
  guint siobhan_before, elodie_before;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  siobhan = find_client (&clinic, "Siobhan", "O'Brien");
  elodie = find_client (&clinic, "Élodie", "Lefèvre");
  confirm_unchanged (&clinic, siobhan);
  siobhan_before = n_sessions (&clinic, siobhan);
  elodie_before = n_sessions (&clinic, elodie);

  /* Refused by the gate: exit 7, nothing sent, and no record in the client's history. */
  assert_refused (f, &clinic, siobhan, "Contraindicated on the zone “Legs”");
  g_assert_cmpuint (n_sessions (&clinic, siobhan), ==, siobhan_before);
  assert_refused (f, &clinic, elodie, "no screening");
  g_assert_cmpuint (n_sessions (&clinic, elodie), ==, elodie_before);
  clinic_close (&clinic);
}

static void
test_session_staff_needed (Fixture       *f,
                           gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autofree char *helene = NULL;
  g_autofree char *front_desk = NULL;
  g_autofree char *err = NULL;
  guint n_before;

  clinic_open (f, &clinic);
  helene = g_strdup_printf ("%" G_GINT64_FORMAT, find_client (&clinic, "Hélène", "Dupont"));
  confirm_unchanged (&clinic, atoll (helene));
  n_before = n_sessions (&clinic, atoll (helene));
  front_desk = staff_with_role (clinic.store, PRESSO_ROLE_RECEPTIONIST);

  /* No practitioner, no session: said before anything is opened. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--database", clinic.path, "--client", helene,
                                               NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "--staff"));
  g_clear_pointer (&err, g_free);
  /* The front desk runs no treatment. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--database", clinic.path, "--client", helene,
                                               "--staff", front_desk, NULL }, 5000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "front desk"));
  g_clear_pointer (&err, g_free);
  /* Nobody of that id. */
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "1", "--database", clinic.path, "--client", helene,
                                               "--staff", "999999", NULL }, 5000, NULL, &err), ==, 1);
  g_assert_cmpuint (n_sessions (&clinic, atoll (helene)), ==, n_before);
  /* --help says so. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_ctl ((const char *[]) { "--help", NULL }, 5000, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "--client ID --staff ID"));
  }
  if (f->sim_pid != 0)
    assert_device_untouched (f);
  clinic_close (&clinic);
}

/* The device refuses START: the session ends interrupted, recorded with the device's reason. */
static void
test_session_device_fault (Fixture       *f,
                           gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoDevice) device = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  const PressoSessionEvent *alarm;
  gint64 helene;
  guint n_before;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");
  confirm_unchanged (&clinic, helene);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, helene);
  n_before = n_sessions (&clinic, helene);

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "4", "--database", clinic.path,
                                               "--client", id, "--staff", clinic.staff_id, NULL },
                            15000, NULL, &err), ==, EXIT_FAULT);
  g_assert_nonnull (strstr (err, "The device refused a value outside its range"));
  g_assert_nonnull (strstr (err, presso_session_outcome_to_label (PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT)));

  record = new_session (&clinic, helene, n_before);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  alarm = find_event (record, PRESSO_SESSION_EVENT_ALARM, PRESSO_DEVICE_ALARM_NO_REPLY);
  g_assert_nonnull (alarm);
  g_assert_nonnull (strstr (alarm->text, "The device refused a value outside its range"));
  g_assert_nonnull (find_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));

  /* Vented, the alarm latched on the device for the next person to see. */
  device = inspect_device (f);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 2000, NAP_US));
  g_assert_cmpuint (presso_device_get_last_telemetry (device)->alarm_flags &
                    (1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1)), !=, 0);
  clinic_close (&clinic);
}

/* A second Ctrl+C does not wait for the controlled stop: it vents, and the record says so. */
static void
test_session_sigint_twice (Fixture       *f,
                           gconstpointer  data)
{
  Clinic clinic = { 0 };
  Background bg = { 0 };
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 helene;
  guint n_before;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");
  confirm_unchanged (&clinic, helene);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, helene);
  n_before = n_sessions (&clinic, helene);

  start_client_background (f, &clinic, id, &bg);
  g_subprocess_send_signal (bg.proc, SIGINT);
  g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  g_subprocess_send_signal (bg.proc, SIGINT);
  g_subprocess_wait (bg.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (bg.proc), ==, EXIT_INTERRUPTED);
  g_clear_object (&bg.in);
  g_clear_object (&bg.proc);

  record = new_session (&clinic, helene, n_before);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
  g_assert_nonnull (find_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_STOP));
  g_assert_nonnull (find_event (record, PRESSO_SESSION_EVENT_COMMAND, PRESSO_PROTO_MSG_VENT));

  device = inspect_device (f);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 3000, NAP_US));
  g_assert_cmpuint (presso_device_get_last_telemetry (device)->alarm_flags &
                    (1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1)), !=, 0);
  clinic_close (&clinic);
}

/* --limit lowers the program below the client's cap, and the record keeps what ran. */
static void
test_session_limit (Fixture       *f,
                    gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  gint64 helene;
  guint n_before;
  Csv csv;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");
  confirm_unchanged (&clinic, helene);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, helene);
  n_before = n_sessions (&clinic, helene);

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "2", "--limit", "30", "--database", clinic.path,
                                               "--client", id, "--staff", clinic.staff_id, NULL },
                            15000, &out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "Pressures lowered to: 30 mmHg"));
  parse_csv (out, &csv);
  g_assert_cmpfloat (csv.target0, ==, 30.0);
  g_assert_cmpfloat (csv.max_p0, <=, 30.0 + 3.0);
  record = new_session (&clinic, helene, n_before);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_COMPLETED);
  g_assert_cmpuint (presso_program_get_base_pressure (presso_session_record_get_program (record)), ==, 30);
  for (guint k = 1; k <= presso_program_get_n_chambers (presso_session_record_get_program (record)); k++)
    g_assert_cmpint (presso_program_get_target (presso_session_record_get_program (record), k), <=, 30);
  /* The device itself was held to the limit (it clamps every target to it), not only the
   * program's targets, and the record says so. */
  {
    GPtrArray *events = presso_session_record_get_events (record);
    gboolean limited = FALSE;

    for (guint i = 0; events != NULL && i < events->len; i++)
      {
        PressoSessionEvent *event = g_ptr_array_index (events, i);

        limited |= g_strcmp0 (event->text, "Pressure limit: 30 mmHg") == 0;
      }
    g_assert_true (limited);
  }

  /* Below what a program may hold (10 mmHg): refused, not run at 10. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "2", "--limit", "5", "--database", clinic.path,
                                               "--client", id, "--staff", clinic.staff_id, NULL },
                            15000, NULL, &err), ==, EXIT_USAGE);
  g_assert_nonnull (strstr (err, "cannot be held that low"));
  g_assert_cmpuint (n_sessions (&clinic, helene), ==, n_before + 1);
  clinic_close (&clinic);
}

/* The device restarts mid-program (a fault): vented, and recorded as interrupted with the
 * pressures up to then. */
static void
test_session_device_reset (Fixture       *f,
                           gconstpointer  data)
{
  Clinic clinic = { 0 };
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(PressoDevice) device = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  GPtrArray *events;
  gboolean high_alarm = FALSE;
  gint64 helene;
  guint n_before;

  if (f->sim_pid == 0)
    return;
  clinic_open (f, &clinic);
  helene = find_client (&clinic, "Hélène", "Dupont");
  confirm_unchanged (&clinic, helene);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, helene);
  n_before = n_sessions (&clinic, helene);

  g_assert_cmpint (run_ctl ((const char *[]) { "--port", f->link, "run", "--preset", "anti-cellulite",
                                               "--seconds", "30", "--database", clinic.path,
                                               "--client", id, "--staff", clinic.staff_id, NULL },
                            20000, NULL, &err), ==, EXIT_FAULT);
  g_assert_nonnull (strstr (err, presso_session_outcome_to_label (PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT)));

  record = new_session (&clinic, helene, n_before);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  events = presso_session_record_get_events (record);
  for (guint i = 0; i < events->len; i++)
    {
      const PressoSessionEvent *event = g_ptr_array_index (events, i);

      if (event->kind == PRESSO_SESSION_EVENT_ALARM && event->priority == PRESSO_PROTO_PRIORITY_HIGH)
        high_alarm = TRUE;
    }
  g_assert_true (high_alarm);
  g_assert_nonnull (presso_session_record_get_trace (record));
  g_assert_cmpuint (presso_session_record_get_trace (record)->n_samples, >=, 15);
  g_assert_cmpfloat (trace_peak (presso_session_record_get_trace (record), 0), >, 10.0);

  device = inspect_device (f);
  g_assert_true (presso_test_iterate_until_nap (device_vented, device, 3000, NAP_US));
  clinic_close (&clinic);
}

static const char *reset_mid_run[] = { "--reset-after", "4", NULL };

static const char *nak_start[] = { "--nak-always", "start", "--nak-code", "bad-value", NULL };

#define SIM_TEST(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/presso/ctl/usage", test_usage);
  g_test_add_func ("/presso/ctl/presets", test_presets);
  g_test_add_func ("/presso/ctl/list", test_list);
  g_test_add_func ("/presso/ctl/missing-port", test_missing_port);
  g_test_add_func ("/presso/ctl/silent", test_silent);
  g_test_add_func ("/presso/ctl/mismatch", test_mismatch);
  SIM_TEST ("/presso/ctl/sim/info", test_info);
  SIM_TEST ("/presso/ctl/sim/run", test_run);
  SIM_TEST ("/presso/ctl/sim/vent", test_vent);
  SIM_TEST ("/presso/ctl/sim/sigint-vents", test_sigint_vents);
  SIM_TEST ("/presso/ctl/sim/sigkill-watchdog", test_sigkill_watchdog);
  SIM_TEST ("/presso/ctl/sim/gate/refusals", test_gate_refusals);
  SIM_TEST ("/presso/ctl/sim/gate/decision", test_gate_decision);
  SIM_TEST ("/presso/ctl/sim/gate/boots", test_gate_zones);
  g_test_add ("/presso/ctl/sim/gate/boots-and-belt", Fixture, "boots+belt", fixture_setup, test_gate_zones,
              fixture_teardown);
  SIM_TEST ("/presso/ctl/sim/gate/cap", test_gate_cap);
  /* The pre-therapy clears the abdomen first: it needs the belt. */
  g_test_add ("/presso/ctl/sim/gate/pretherapy", Fixture, "boots+belt", fixture_setup,
              test_gate_pretherapy, fixture_teardown);
  SIM_TEST ("/presso/ctl/sim/gate/usage", test_gate_usage);
  SIM_TEST ("/presso/ctl/sim/session/completed", test_session_completed);
  SIM_TEST ("/presso/ctl/sim/session/sigint-stopped", test_session_sigint_stopped);
  SIM_TEST ("/presso/ctl/sim/session/refused-no-record", test_session_refused_no_record);
  SIM_TEST ("/presso/ctl/sim/session/staff-needed", test_session_staff_needed);
  g_test_add ("/presso/ctl/sim/session/device-fault", Fixture, nak_start, fixture_setup_args,
              test_session_device_fault, fixture_teardown);
  SIM_TEST ("/presso/ctl/sim/session/sigint-twice", test_session_sigint_twice);
  SIM_TEST ("/presso/ctl/sim/session/limit", test_session_limit);
  g_test_add ("/presso/ctl/sim/session/device-reset", Fixture, reset_mid_run, fixture_setup_args,
              test_session_device_reset, fixture_teardown);

  return g_test_run ();
}
