/* bench-device.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Safety timings of the device layer against presso-sim on a real pty (or, without
 * $PRESSO_SIM, the in-process simulated device), as JSON lines, each next to a baseline
 * measured in the same run:
 *
 *   vent-write:    presso_device_emergency_vent() call → its last byte written to the fd, with
 *                  a long queue of commands pending (goal ≤ 5 ms); baseline: the same VENT
 *                  frame sent through the normal queue behind the same commands.
 *   vent-write-uart-paced: the same on a pty drained at 115200 baud (11.5 bytes/ms, as a real
 *                  UART), where a queue really waits: PressoLink's urgent path (the one
 *                  emergency_vent uses), written and received by the reader, against the
 *                  normal queue's time to the reader.
 *   watchdog-vent: last heartbeat → the device reporting every chamber vented (vent valves
 *                  open, inlets closed, compressor off) and then every chamber below 3 mmHg
 *                  (goal ≤ 1.1 s for the former); baseline: an explicit emergency vent.
 *
 * Usage: bench-device [--trials N] [--link PATH-FOR-THE-PTY]
 */
#define G_LOG_DOMAIN "bench-device"
#define _GNU_SOURCE 1   /* posix_openpt, ptsname */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "presso-device-private.h"
#include "presso-serial-port.h"
#include "presso-test-util.h"

/* How long the waits below sleep between two looks at the main context. */
#define NAP_US 200

static int opt_trials = 20;
static int opt_queue = 400;

typedef struct
{
  PressoDevice    *device;
  PressoTelemetry  last;
  guint            n_telemetry;
  gint64           all_open_us;    /* first telemetry with every vent open, inlets shut */
  gint64           all_low_us;     /* first telemetry with every chamber < 3 mmHg */
  gboolean         watching;
} Bench;

static void
on_telemetry_cb (PressoDevice          *device,
                 const PressoTelemetry *t,
                 Bench                 *b)
{
  guint32 mask = t->n_chambers >= 32 ? G_MAXUINT32 : (1u << t->n_chambers) - 1;
  gboolean low = TRUE;

  b->last = *t;
  b->n_telemetry++;
  if (!b->watching)
    return;
  if (b->all_open_us == 0 && t->inlet_valves == 0 && (t->vent_valves & mask) == mask &&
      t->compressor_pct == 0)
    b->all_open_us = t->host_time_us;
  for (guint i = 0; i < t->n_chambers; i++)
    low = low && t->pressure_mmhg[i] < 3.0;
  if (b->all_low_us == 0 && b->all_open_us != 0 && low)
    b->all_low_us = t->host_time_us;
}

static gboolean
vented_cond (gpointer data)
{
  return ((Bench *) data)->all_low_us != 0;
}

typedef struct { Bench *b; double mmhg; } Pressure;

static gboolean
pressure_cond (gpointer data)
{
  Pressure *p = data;
  return p->b->last.n_chambers > 0 && p->b->last.pressure_mmhg[0] >= p->mmhg;
}

static gboolean
queue_empty_cond (gpointer data)
{
  PressoLink *link = data;
  return presso_link_get_queued_bytes (link) == 0;
}

#define COMMAND(b, verb, ...) G_STMT_START { \
    GAsyncResult *r_ = NULL; g_autoptr(GError) e_ = NULL; \
    presso_device_##verb##_async ((b)->device, ##__VA_ARGS__, NULL, presso_test_keep_result, &r_); \
    if (!presso_test_iterate_until_nap (presso_test_result_ready, &r_, 3000, NAP_US) || \
        !presso_device_##verb##_finish ((b)->device, r_, &e_)) \
      g_error ("%s failed: %s", #verb, e_ ? e_->message : "timeout"); \
    g_object_unref (r_); \
  } G_STMT_END

static void
program (Bench                *b,
         presso_proto_program *p)
{
  guint n = presso_device_get_n_chambers (b->device);

  memset (p, 0, sizeof *p);
  p->mode = PRESSO_PROTO_MODE_CONTINUOUS;
  p->n_chambers = n;
  p->chamber_mask = n >= 32 ? G_MAXUINT32 : (1u << n) - 1;
  p->inflate_ds = 10;
  p->hold_ds = 600;
  p->deflate_ds = 20;
  p->rest_ds = 20;
  p->duration_s = 300;
  for (guint i = 0; i < n; i++)
    p->target_dmmhg[i] = 400;
}

static void
start_and_inflate (Bench *b)
{
  presso_proto_program p;
  Pressure w = { b, 30.0 };

  program (b, &p);
  COMMAND (b, load_program, &p);
  COMMAND (b, start);
  if (!presso_test_iterate_until_nap (pressure_cond, &w, 8000, NAP_US))
    g_error ("chamber 0 did not inflate (%.1f mmHg)", b->last.pressure_mmhg[0]);
}

static void
recover (Bench *b)
{
  presso_test_iterate_until_nap (NULL, NULL, 50, NAP_US);
  COMMAND (b, ack_alarm, 0);
  presso_test_iterate_until_nap (NULL, NULL, 100, NAP_US);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
print_stats (const char *bench,
             const char *variant,
             GArray     *ms,
             double      goal_ms,
             const char *extra)
{
  double sum = 0;

  g_array_sort (ms, compare_double);
  for (guint i = 0; i < ms->len; i++)
    sum += g_array_index (ms, double, i);
  g_print ("{\"bench\":\"%s\",\"variant\":\"%s\",\"n\":%u,\"mean_ms\":%.3f,\"median_ms\":%.3f,"
           "\"p95_ms\":%.3f,\"max_ms\":%.3f",
           bench, variant, ms->len, sum / ms->len,
           g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, MIN (ms->len - 1, (ms->len * 95) / 100)),
           g_array_index (ms, double, ms->len - 1));
  if (goal_ms > 0)
    g_print (",\"goal_ms\":%.1f,\"meets_goal\":%s", goal_ms,
             g_array_index (ms, double, ms->len - 1) <= goal_ms ? "true" : "false");
  g_print ("%s}\n", extra ? extra : "");
}

/* Commands the host might have queued (LOAD_PROGRAM frames, the largest ones), written into
 * the link's queue in one go so that most of them wait in user space. */
static gsize
fill_queue (Bench *b)
{
  PressoLink *link = _presso_device_get_link (b->device);
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_SET_LIMITS };

  msg.u.limits.max_dmmhg = 1200;
  for (int i = 0; i < opt_queue; i++)
    {
      msg.seq = (guint8) (100 + i % 50);
      presso_link_send (link, &msg);
    }
  {
    presso_proto_msg load = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM, .seq = 99 };
    program (b, &load.u.program);
    for (int i = 0; i < opt_queue; i++)
      presso_link_send (link, &load);
  }
  return presso_link_get_queued_bytes (link);
}

static void
bench_vent_write (Bench *b)
{
  g_autoptr(GArray) urgent = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *extra = NULL;
  gsize queued_sum = 0;

  for (int trial = 0; trial < opt_trials; trial++)
    {
      PressoLink *link = _presso_device_get_link (b->device);
      presso_proto_msg vent = { .type = PRESSO_PROTO_MSG_VENT, .seq = 250 };
      gint64 t0;
      double ms;

      /* Baseline: the VENT frame behind the queue, as any other command would go. */
      fill_queue (b);
      t0 = g_get_monotonic_time ();
      presso_link_send (link, &vent);
      if (!presso_test_iterate_until_nap (queue_empty_cond, link, 10000, NAP_US))
        g_error ("the queue did not drain");
      ms = (presso_link_get_last_write_time (link) - t0) / 1000.0;
      g_array_append_val (baseline, ms);
      recover (b);

      /* The emergency vent, same queue in front of it. */
      queued_sum += fill_queue (b);
      t0 = g_get_monotonic_time ();
      presso_device_emergency_vent (b->device);
      ms = (_presso_device_get_vent_written_time (b->device) - t0) / 1000.0;
      if (_presso_device_get_vent_written_time (b->device) < t0)
        ms = INFINITY;
      g_array_append_val (urgent, ms);
      presso_test_iterate_until_nap (queue_empty_cond, link, 10000, NAP_US);
      recover (b);
    }

  extra = g_strdup_printf (",\"queued_bytes\":%" G_GSIZE_FORMAT ",\"queued_frames\":%d",
                           queued_sum / opt_trials, 2 * opt_queue);
  print_stats ("vent-write", "emergency_vent", urgent, 5.0, extra);
  print_stats ("vent-write", "baseline-normal-queue", baseline, 0, extra);
}

static void
bench_watchdog (Bench *b)
{
  g_autoptr(GArray) wd_open = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wd_low = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ex_open = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ex_low = g_array_new (FALSE, FALSE, sizeof (double));
  int trials = MAX (1, opt_trials / 4);

  for (int trial = 0; trial < trials; trial++)
    {
      PressoLink *link;
      gint64 t0;
      double ms;

      /* The host goes silent: from its last frame to the device's own vent. */
      start_and_inflate (b);
      _presso_device_set_heartbeat_suspended (b->device, TRUE);
      link = _presso_device_get_link (b->device);
      t0 = presso_link_get_last_write_time (link);
      b->all_open_us = b->all_low_us = 0;
      b->watching = TRUE;
      if (!presso_test_iterate_until_nap (vented_cond, b, 5000, NAP_US))
        g_error ("the device did not vent on its watchdog");
      b->watching = FALSE;
      ms = (b->all_open_us - t0) / 1000.0;
      g_array_append_val (wd_open, ms);
      ms = (b->all_low_us - t0) / 1000.0;
      g_array_append_val (wd_low, ms);
      _presso_device_set_heartbeat_suspended (b->device, FALSE);
      recover (b);

      /* Baseline: an explicit emergency vent. */
      start_and_inflate (b);
      b->all_open_us = b->all_low_us = 0;
      b->watching = TRUE;
      t0 = g_get_monotonic_time ();
      presso_device_emergency_vent (b->device);
      if (!presso_test_iterate_until_nap (vented_cond, b, 5000, NAP_US))
        g_error ("the device did not vent");
      b->watching = FALSE;
      ms = (b->all_open_us - t0) / 1000.0;
      g_array_append_val (ex_open, ms);
      ms = (b->all_low_us - t0) / 1000.0;
      g_array_append_val (ex_low, ms);
      recover (b);
    }

  print_stats ("watchdog-vent", "watchdog-valves-open", wd_open, 1100.0, NULL);
  print_stats ("watchdog-vent", "watchdog-below-3mmhg", wd_low, 0, NULL);
  print_stats ("watchdog-vent", "baseline-explicit-vent-valves-open", ex_open, 0, NULL);
  print_stats ("watchdog-vent", "baseline-explicit-vent-below-3mmhg", ex_low, 0, NULL);
}

/* A UART at 115200 baud: 11.5 bytes per millisecond, read by a thread. */
typedef struct
{
  int           master;
  volatile int  stop;
  gint64        vent_seen_us;     /* when the reader decoded a VENT frame */
  GMutex        lock;
} Uart;

static gpointer
uart_thread (gpointer data)
{
  Uart *u = data;
  presso_proto_decoder dec;
  guint8 buf[115];

  presso_proto_decoder_init (&dec);
  while (!g_atomic_int_get (&u->stop))
    {
      gssize n = read (u->master, buf, sizeof buf);

      for (gssize off = 0; n > 0 && off < n;)
        {
          presso_proto_msg msg;
          presso_proto_status st = PRESSO_PROTO_NEED_MORE;

          off += presso_proto_decoder_feed (&dec, buf + off, n - off, &msg, &st);
          if (st == PRESSO_PROTO_OK && msg.type == PRESSO_PROTO_MSG_VENT)
            {
              g_mutex_lock (&u->lock);
              u->vent_seen_us = g_get_monotonic_time ();
              g_mutex_unlock (&u->lock);
            }
        }
      g_usleep (10000);
    }
  return NULL;
}

static gboolean
vent_seen_cond (gpointer data)
{
  Uart *u = data;
  gboolean seen;

  g_mutex_lock (&u->lock);
  seen = u->vent_seen_us != 0;
  g_mutex_unlock (&u->lock);
  return seen;
}

static void
bench_vent_write_paced (void)
{
  g_autoptr(GArray) urgent = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) urgent_written = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoLink) link = NULL;
  g_autofree char *extra = NULL;
  presso_proto_msg load = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM };
  presso_proto_msg vent = { .type = PRESSO_PROTO_MSG_VENT, .seq = 250 };
  guint8 frame[PRESSO_PROTO_MAX_FRAME];
  int n_frames = opt_queue;
  gsize frame_len;
  struct termios tio;
  GThread *thread;
  Uart u = { 0 };
  int fd;

  g_mutex_init (&u.lock);
  u.master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (u.master < 0 || grantpt (u.master) != 0 || unlockpt (u.master) != 0)
    g_error ("no pty");
  tcgetattr (u.master, &tio);
  cfmakeraw (&tio);
  tcsetattr (u.master, TCSANOW, &tio);
  fcntl (u.master, F_SETFL, fcntl (u.master, F_GETFL) | O_NONBLOCK);
  fd = presso_serial_port_open_virtual (ptsname (u.master), &error);
  g_assert_no_error (error);
  link = presso_link_new (fd);
  thread = g_thread_new ("uart", uart_thread, &u);

  load.u.program.mode = PRESSO_PROTO_MODE_SEQUENTIAL;
  load.u.program.n_chambers = 12;
  load.u.program.chamber_mask = 0xFFF;
  load.u.program.inflate_ds = 10;
  load.u.program.duration_s = 60;
  for (int i = 0; i < 12; i++)
    load.u.program.target_dmmhg[i] = 400;
  frame_len = presso_proto_encode (&load, frame, sizeof frame);

  for (int trial = 0; trial < MAX (3, opt_trials / 4); trial++)
    {
      gint64 t0, written = 0;
      double ms;

      /* Baseline: the VENT frame behind the queue reaches the "device" at line rate. */
      for (int i = 0; i < n_frames; i++)
        presso_link_send (link, &load);
      u.vent_seen_us = 0;
      t0 = g_get_monotonic_time ();
      presso_link_send (link, &vent);
      if (!presso_test_iterate_until_nap (vent_seen_cond, &u, 60000, NAP_US))
        g_error ("the paced reader never saw the vent");
      ms = (u.vent_seen_us - t0) / 1000.0;
      g_array_append_val (baseline, ms);
      presso_test_iterate_until_nap (queue_empty_cond, link, 60000, NAP_US);
      presso_test_iterate_until_nap (NULL, NULL, 200, NAP_US);

      /* The urgent path, same queue in front. */
      for (int i = 0; i < n_frames; i++)
        presso_link_send (link, &load);
      u.vent_seen_us = 0;
      t0 = g_get_monotonic_time ();
      presso_link_send_urgent (link, &vent, &written);
      ms = written >= t0 ? (written - t0) / 1000.0 : INFINITY;
      g_array_append_val (urgent_written, ms);
      if (!presso_test_iterate_until_nap (vent_seen_cond, &u, 60000, NAP_US))
        g_error ("the paced reader never saw the urgent vent");
      ms = (u.vent_seen_us - t0) / 1000.0;
      g_array_append_val (urgent, ms);
      presso_test_iterate_until_nap (queue_empty_cond, link, 60000, NAP_US);
      presso_test_iterate_until_nap (NULL, NULL, 200, NAP_US);
    }

  g_atomic_int_set (&u.stop, 1);
  g_thread_join (thread);
  close (u.master);

  extra = g_strdup_printf (",\"queued_bytes\":%" G_GSIZE_FORMAT ",\"queued_frames\":%d,\"line_bytes_per_ms\":11.5",
                           n_frames * frame_len, n_frames);
  print_stats ("vent-write-uart-paced", "urgent-path-written", urgent_written, 5.0, extra);
  print_stats ("vent-write-uart-paced", "urgent-path-received", urgent, 0, extra);
  print_stats ("vent-write-uart-paced", "baseline-normal-queue-received", baseline, 0, extra);
}

static void
quiet_log (const char     *domain,
           GLogLevelFlags  level,
           const char     *message,
           gpointer        data)
{
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "trials", 'n', 0, G_OPTION_ARG_INT, &opt_trials, "Trials per measurement", "N" },
    { "queue", 'q', 0, G_OPTION_ARG_INT, &opt_queue, "Frames of each kind queued ahead", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *link = NULL;
  const char *sim = g_getenv ("PRESSO_SIM");
  GAsyncResult *res = NULL;
  GPid pid = 0;
  Bench b = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_log_set_handler ("presso-device", G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG,
                     quiet_log, NULL);

  if (sim != NULL && *sim != '\0')
    {
      const char *sim_argv[] = { sim, "--link", NULL, NULL };

      dir = g_dir_make_tmp ("bench-device-XXXXXX", &error);
      g_assert_no_error (error);
      link = g_build_filename (dir, "sim.tty", NULL);
      sim_argv[2] = link;
      if (!g_spawn_async (NULL, (char **) sim_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                          &pid, &error))
        g_error ("%s", error->message);
      for (int i = 0; i < 500 && !g_file_test (link, G_FILE_TEST_EXISTS); i++)
        g_usleep (10000);
      b.device = presso_device_new (link);
      g_print ("{\"bench\":\"setup\",\"device\":\"presso-sim on a pty\",\"sim\":\"%s\"}\n", sim);
    }
  else
    {
      b.device = presso_device_new_simulated (NULL);
      g_print ("{\"bench\":\"setup\",\"device\":\"in-process simulator on a socketpair\"}\n");
    }

  g_signal_connect (b.device, "telemetry", G_CALLBACK (on_telemetry_cb), &b);
  presso_device_connect_async (b.device, NULL, presso_test_keep_result, &res);
  if (!presso_test_iterate_until_nap (presso_test_result_ready, &res, 3000, NAP_US) ||
      !presso_device_connect_finish (b.device, res, &error))
    g_error ("cannot connect: %s", error ? error->message : "timeout");
  g_clear_object (&res);

  bench_vent_write (&b);
  bench_vent_write_paced ();
  bench_watchdog (&b);

  g_signal_handlers_disconnect_by_data (b.device, &b);
  g_clear_object (&b.device);
  if (pid != 0)
    {
      int status;
      kill (pid, SIGTERM);
      waitpid (pid, &status, 0);
      g_unlink (link);
      g_rmdir (dir);
    }

  return 0;
}
