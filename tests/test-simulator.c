/* test-simulator.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * presso-sim: the pneumatic model on its own, the whole simulated device in simulated time with
 * each injected fault, and presso_sim_serve_fd() in real time over a socketpair, with a host
 * speaking the wire protocol from this thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "presso-sim.h"

/* The model */

static void
test_model_fill (void)
{
  presso_sim_model m;

  presso_sim_model_init (&m, 4, 1);
  presso_sim_model_set_vent (&m, 0, false);
  presso_sim_model_set_inlet (&m, 0, true);
  presso_sim_model_set_compressor (&m, 1.0);
  presso_sim_model_step (&m, 0.5);
  g_assert_cmpfloat (m.ch[0].pressure, >, 25.0);
  presso_sim_model_step (&m, 0.5);
  g_assert_cmpfloat (m.ch[0].pressure, >, 50.0);
  /* The others' inlets are shut and their vents open. */
  for (unsigned i = 1; i < 4; i++)
    g_assert_cmpfloat (m.ch[i].pressure, ==, 0.0);

  /* Compressor off, valves shut: the garment holds (its own leak is small). */
  presso_sim_model_set_inlet (&m, 0, false);
  presso_sim_model_set_compressor (&m, 0.0);
  {
    double before = m.ch[0].pressure;

    presso_sim_model_step (&m, 2.0);
    g_assert_cmpfloat (m.ch[0].pressure, <, before);
    g_assert_cmpfloat (m.ch[0].pressure, >, before - 1.0);
  }

  /* The compressor stalls against a high back pressure. */
  presso_sim_model_set_inlet (&m, 0, true);
  presso_sim_model_set_compressor (&m, 1.0);
  presso_sim_model_step (&m, 60.0);
  g_assert_cmpfloat (m.ch[0].pressure, <, m.pump_max);
}

static void
test_model_shared_flow (void)
{
  presso_sim_model one, two;

  presso_sim_model_init (&one, 4, 1);
  presso_sim_model_init (&two, 4, 1);
  presso_sim_model_set_vent (&one, 0, false);
  presso_sim_model_set_inlet (&one, 0, true);
  presso_sim_model_set_compressor (&one, 1.0);
  for (unsigned i = 0; i < 2; i++)
    {
      presso_sim_model_set_vent (&two, i, false);
      presso_sim_model_set_inlet (&two, i, true);
    }
  presso_sim_model_set_compressor (&two, 1.0);
  presso_sim_model_step (&one, 0.2);
  presso_sim_model_step (&two, 0.2);
  /* Two open inlets share the compressor: each fills at about half the rate. */
  g_assert_cmpfloat (fabs (two.ch[0].pressure - one.ch[0].pressure / 2), <, 0.5);
  g_assert_cmpfloat (fabs (two.ch[0].pressure - two.ch[1].pressure), <, 1e-9);
  /* Half the duty, half the flow. */
  presso_sim_model_init (&two, 4, 1);
  presso_sim_model_set_vent (&two, 0, false);
  presso_sim_model_set_inlet (&two, 0, true);
  presso_sim_model_set_compressor (&two, 0.5);
  presso_sim_model_step (&two, 0.2);
  g_assert_cmpfloat (fabs (two.ch[0].pressure - one.ch[0].pressure / 2), <, 0.5);
}

static void
test_model_vent (void)
{
  presso_sim_model m;

  presso_sim_model_init (&m, 4, 1);
  m.ch[2].pressure = 120.0;
  m.ch[3].pressure = 120.0;
  m.ch[3].volume = 1.6;
  presso_sim_model_step (&m, 1.0);
  /* A vent empties a chamber within about a second; a bigger chamber takes longer. */
  g_assert_cmpfloat (m.ch[2].pressure, <, 3.0);
  g_assert_cmpfloat (m.ch[3].pressure, >, m.ch[2].pressure);
  presso_sim_model_step (&m, 1.0);
  g_assert_cmpfloat (m.ch[3].pressure, <, 3.0);
}

static void
test_model_leak (void)
{
  presso_sim_model m;

  presso_sim_model_init (&m, 4, 1);
  presso_sim_model_inject_leak (&m, 1, 2.5);
  for (unsigned i = 0; i < 2; i++)
    {
      m.ch[i].pressure = 40.0;
      presso_sim_model_set_vent (&m, i, false);
    }
  presso_sim_model_step (&m, 2.0);
  g_assert_cmpfloat (m.ch[0].pressure, >, 39.0);
  g_assert_cmpfloat (m.ch[1].pressure, <, 20.0);
}

static void
test_model_faults (void)
{
  presso_sim_model m;
  double sum = 0, sum2 = 0;
  const int n = 2000;

  presso_sim_model_init (&m, 4, 7);
  /* A live sensor is noisy around the true pressure. */
  m.ch[0].pressure = 30.0;
  for (int k = 0; k < n; k++)
    {
      double v = presso_sim_model_read (&m, 0);

      sum += v;
      sum2 += v * v;
    }
  g_assert_cmpfloat (fabs (sum / n - 30.0), <, 0.05);
  g_assert_cmpfloat (sqrt (sum2 / n - (sum / n) * (sum / n)), >, 0.05);
  g_assert_cmpfloat (sqrt (sum2 / n - (sum / n) * (sum / n)), <, 0.3);
  g_assert_true (isnan (presso_sim_model_read (&m, 4)));

  /* The stuck sensor freezes once the chamber passes 20 mmHg. */
  presso_sim_model_inject_stuck_sensor (&m, 1, 20.0);
  presso_sim_model_set_vent (&m, 1, false);
  presso_sim_model_set_inlet (&m, 1, true);
  presso_sim_model_set_compressor (&m, 1.0);
  presso_sim_model_step (&m, 1.0);
  g_assert_cmpfloat (m.ch[1].pressure, >, 40.0);
  g_assert_cmpfloat (fabs (presso_sim_model_read (&m, 1) - 20.0), <, 0.5);
  g_assert_cmpfloat (presso_sim_model_read (&m, 1), ==, presso_sim_model_read (&m, 1));

  /* Overshoot: the inlet stays open, the vent shut, whatever they are told. */
  presso_sim_model_init (&m, 4, 7);
  presso_sim_model_inject_overshoot (&m, 2);
  presso_sim_model_set_vent (&m, 0, false);
  presso_sim_model_set_inlet (&m, 0, true);
  presso_sim_model_set_inlet (&m, 2, false);
  presso_sim_model_set_vent (&m, 2, true);
  presso_sim_model_set_compressor (&m, 1.0);
  presso_sim_model_step (&m, 1.0);
  g_assert_cmpfloat (m.ch[2].pressure, >, 20.0);
  /* With the compressor stopped it empties back through the inlet. */
  presso_sim_model_set_compressor (&m, 0.0);
  presso_sim_model_step (&m, 3.0);
  g_assert_cmpfloat (m.ch[2].pressure, <, 3.0);

  /* No garment: nothing builds up. */
  presso_sim_model_init (&m, 4, 7);
  presso_sim_model_remove_garment (&m, 3);
  presso_sim_model_set_vent (&m, 3, false);
  presso_sim_model_set_inlet (&m, 3, true);
  presso_sim_model_set_compressor (&m, 1.0);
  presso_sim_model_step (&m, 2.0);
  g_assert_cmpfloat (m.ch[3].pressure, ==, 0.0);
}

static void
test_garments (void)
{
  presso_proto_outlet o[PRESSO_PROTO_MAX_OUTLETS];
  unsigned n = 0;

  g_assert_cmpint (presso_sim_parse_garments ("boots", 12, o, &n), ==, 0);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (o[0].garment, ==, PRESSO_PROTO_GARMENT_BOOT_LEFT);
  g_assert_cmpuint (o[0].first_chamber, ==, 0);
  g_assert_cmpuint (o[0].n_chambers, ==, 6);
  g_assert_cmpuint (o[1].garment, ==, PRESSO_PROTO_GARMENT_BOOT_RIGHT);
  g_assert_cmpuint (o[1].first_chamber, ==, 6);
  g_assert_cmpuint (o[1].n_chambers, ==, 6);

  g_assert_cmpint (presso_sim_parse_garments ("boots+belt", 13, o, &n), ==, 0);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (o[2].garment, ==, PRESSO_PROTO_GARMENT_BELT);
  g_assert_cmpuint (o[0].n_chambers + o[1].n_chambers + o[2].n_chambers, ==, 13);
  g_assert_cmpuint (o[2].first_chamber + o[2].n_chambers, ==, 13);

  g_assert_cmpint (presso_sim_parse_garments ("sleeve-left", 4, o, &n), ==, 0);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (o[0].garment, ==, PRESSO_PROTO_GARMENT_SLEEVE_LEFT);
  g_assert_cmpint (presso_sim_parse_garments ("none", 8, o, &n), ==, 0);
  g_assert_cmpuint (n, ==, 0);

  g_assert_cmpint (presso_sim_parse_garments ("socks", 12, o, &n), ==, -1);
  g_assert_cmpint (presso_sim_parse_garments ("boots+", 12, o, &n), ==, 0);
  g_assert_cmpint (presso_sim_parse_garments ("boots+boots+boots+boots+belt", 32, o, &n), ==, -1);
  g_assert_cmpint (presso_sim_parse_garments ("boots+sleeves+belt", 4, o, &n), ==, -1);
}

static void
test_config (void)
{
  presso_sim_config cfg;
  presso_sim *sim;

  presso_sim_config_init (&cfg);
  sim = presso_sim_new (&cfg);
  g_assert_nonnull (sim);
  g_assert_cmpuint (presso_sim_get_controller (sim)->cfg.n_chambers, ==, 12);
  g_assert_cmpuint (presso_sim_get_controller (sim)->cfg.n_outlets, ==, 2);
  presso_sim_free (sim);

  cfg.n_chambers = 3;
  g_assert_null (presso_sim_new (&cfg));
  cfg.n_chambers = 8;
  cfg.leak_chamber = 8;
  g_assert_null (presso_sim_new (&cfg));
  cfg.leak_chamber = -1;
  cfg.drop_fraction = 1.5;
  g_assert_null (presso_sim_new (&cfg));
  cfg.drop_fraction = 0;
  cfg.garments = "wings";
  g_assert_null (presso_sim_new (&cfg));
  cfg.garments = "sleeves+belt";
  sim = presso_sim_new (&cfg);
  g_assert_nonnull (sim);
  /* A belt's chambers are bigger than a sleeve's. */
  g_assert_cmpfloat (presso_sim_get_model (sim)->ch[7].volume, >,
                     presso_sim_get_model (sim)->ch[0].volume);
  presso_sim_free (sim);
}

/* The whole device in simulated time */

static void
sim_cmd (presso_sim *sim, uint8_t type, const presso_proto_msg *body)
{
  static uint8_t seq;
  presso_proto_msg msg = { 0 };

  if (body)
    msg = *body;
  msg.type = type;
  msg.seq = ++seq;
  presso_ctl_handle (presso_sim_get_controller (sim), &msg);
}

/* Runs ms of device time with a heartbeat every 250 ms. */
static void
sim_run_alive (presso_sim *sim, uint32_t ms)
{
  for (uint32_t t = 0; t < ms; t += 250)
    {
      presso_sim_run (sim, MIN (250, ms - t));
      sim_cmd (sim, PRESSO_PROTO_MSG_HEARTBEAT, NULL);
    }
}

static presso_proto_msg
program_msg (unsigned n, uint8_t mode)
{
  presso_proto_msg msg = { 0 };
  presso_proto_program *p = &msg.u.program;

  p->mode = mode;
  p->n_chambers = (uint8_t) n;
  p->chamber_mask = (1u << n) - 1;
  p->inflate_ds = 20;
  p->hold_ds = 300;
  p->deflate_ds = 20;
  p->rest_ds = 10;
  p->duration_s = 600;
  for (unsigned i = 0; i < n; i++)
    p->target_dmmhg[i] = 400;
  return msg;
}

static presso_sim *
sim_started (presso_sim_config *cfg, uint8_t mode)
{
  presso_sim *sim = presso_sim_new (cfg);
  presso_proto_msg hello = { .u.hello.proto_version = 1 };
  presso_proto_msg prog = program_msg (cfg->n_chambers, mode);

  g_assert_nonnull (sim);
  presso_sim_run (sim, 100);
  sim_cmd (sim, PRESSO_PROTO_MSG_HELLO, &hello);
  sim_cmd (sim, PRESSO_PROTO_MSG_LOAD_PROGRAM, &prog);
  sim_cmd (sim, PRESSO_PROTO_MSG_START, NULL);
  g_assert_cmpuint (presso_ctl_get_state (presso_sim_get_controller (sim)), ==,
                    PRESSO_PROTO_STATE_RUNNING);
  return sim;
}

static void
assert_sim_alarm (presso_sim *sim, uint8_t code)
{
  presso_ctl *ctl = presso_sim_get_controller (sim);
  presso_sim_model *m = presso_sim_get_model (sim);

  g_assert_cmpuint (presso_ctl_get_alarms (ctl), ==, 1u << (code - 1));
  g_assert_cmpuint (presso_ctl_get_state (ctl), !=, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpfloat (m->duty, ==, 0.0);
  for (unsigned i = 0; i < m->n_chambers; i++)
    {
      g_assert_false (m->ch[i].inlet);
      g_assert_true (m->ch[i].vent);
    }
}

static void
test_device_program (void)
{
  presso_sim_config cfg;
  presso_sim *sim;
  presso_sim_model *m;

  presso_sim_config_init (&cfg);
  cfg.n_chambers = 8;
  sim = sim_started (&cfg, PRESSO_PROTO_MODE_CONTINUOUS);
  m = presso_sim_get_model (sim);
  sim_run_alive (sim, 20000);
  /* Twenty seconds of hold on the real model: every chamber on target, no alarm. */
  for (unsigned i = 0; i < 8; i++)
    g_assert_cmpfloat (fabs (m->ch[i].pressure - 40.0), <, 3.0);
  g_assert_cmpuint (presso_ctl_get_alarms (presso_sim_get_controller (sim)), ==, 0);
  presso_sim_free (sim);
}

static void
test_device_slow_fill (void)
{
  presso_sim_config cfg;
  presso_sim *sim;
  presso_sim_model *m;
  presso_proto_msg limits = { .u.limits.max_dmmhg = 400 };
  presso_proto_msg hello = { .u.hello.proto_version = 1 };
  presso_proto_msg prog;

  /* Twenty-four chambers on one compressor, a soft start faster than it can follow: the
   * chambers lag behind their rising targets, which is no under-pressure. */
  presso_sim_config_init (&cfg);
  cfg.n_chambers = 24;
  cfg.garments = "belt";
  sim = presso_sim_new (&cfg);
  m = presso_sim_get_model (sim);
  prog = program_msg (24, PRESSO_PROTO_MODE_CONTINUOUS);
  prog.u.program.ramp_s = 10;
  prog.u.program.hold_ds = 600;
  for (unsigned i = 0; i < 24; i++)
    prog.u.program.target_dmmhg[i] = 1000;
  sim_cmd (sim, PRESSO_PROTO_MSG_HELLO, &hello);
  sim_cmd (sim, PRESSO_PROTO_MSG_SET_LIMITS, &limits);
  sim_cmd (sim, PRESSO_PROTO_MSG_LOAD_PROGRAM, &prog);
  sim_cmd (sim, PRESSO_PROTO_MSG_START, NULL);
  sim_run_alive (sim, 15000);
  g_assert_cmpfloat (fabs (m->ch[0].pressure - 40.0), <, 3.0);
  /* The cap goes up mid-hold: a long way to fill again, still no alarm. */
  limits.u.limits.max_dmmhg = 1000;
  sim_cmd (sim, PRESSO_PROTO_MSG_SET_LIMITS, &limits);
  sim_run_alive (sim, 3000);
  g_assert_cmpfloat (m->ch[0].pressure, <, 85.0);
  sim_run_alive (sim, 25000);
  g_assert_cmpuint (presso_ctl_get_alarms (presso_sim_get_controller (sim)), ==, 0);
  g_assert_cmpuint (presso_ctl_get_state (presso_sim_get_controller (sim)), ==,
                    PRESSO_PROTO_STATE_RUNNING);
  for (unsigned i = 0; i < 24; i++)
    g_assert_cmpfloat (fabs (m->ch[i].pressure - 100.0), <, 3.0);
  presso_sim_free (sim);
}

/* Starts an 8-chamber device with cfg's fault, checks that no alarm comes for quiet_ms and that
 * code has come, everything vented, alarm_ms later.  Returns the device (transfer full). */
static presso_sim *
run_fault (presso_sim_config *cfg,
           uint8_t            mode,
           uint32_t           quiet_ms,
           uint32_t           alarm_ms,
           uint8_t            code)
{
  presso_sim *sim;

  cfg->n_chambers = 8;
  sim = sim_started (cfg, mode);
  sim_run_alive (sim, quiet_ms);
  g_assert_cmpuint (presso_ctl_get_alarms (presso_sim_get_controller (sim)), ==, 0);
  sim_run_alive (sim, alarm_ms);
  assert_sim_alarm (sim, code);
  return sim;
}

static void
test_device_leak (void)
{
  presso_sim_config cfg;

  presso_sim_config_init (&cfg);
  cfg.leak_chamber = 5;
  /* Eight chambers share the compressor: the hold starts at 2 s, the leaking chamber is full a
   * little later, and from then on the pump keeps making up for it. */
  presso_sim_free (run_fault (&cfg, PRESSO_PROTO_MODE_CONTINUOUS, 8000, 5000,
                              PRESSO_PROTO_EVENT_LEAK));
}

static void
test_device_stuck_sensor (void)
{
  presso_sim_config cfg;

  presso_sim_config_init (&cfg);
  cfg.stuck_sensor_chamber = 2;
  presso_sim_free (run_fault (&cfg, PRESSO_PROTO_MODE_CONTINUOUS, 500, 5500,
                              PRESSO_PROTO_EVENT_SENSOR_FAULT));
}

static void
test_device_overshoot (void)
{
  presso_sim_config cfg;
  presso_sim *sim;

  presso_sim_config_init (&cfg);
  cfg.overshoot_chamber = 3;
  sim = run_fault (&cfg, PRESSO_PROTO_MODE_SEQUENTIAL, 500, 2500,
                   PRESSO_PROTO_EVENT_OVER_PRESSURE);
  /* It empties back through its stuck inlet once the compressor stops. */
  sim_run_alive (sim, 3000);
  g_assert_cmpuint (presso_ctl_get_state (presso_sim_get_controller (sim)), ==,
                    PRESSO_PROTO_STATE_FAULT);
  g_assert_cmpfloat (presso_sim_get_model (sim)->ch[3].pressure, <, 3.0);
  presso_sim_free (sim);
}

static void
test_device_missing_garment (void)
{
  presso_sim_config cfg;

  presso_sim_config_init (&cfg);
  cfg.missing_garment_chamber = 0;
  presso_sim_free (run_fault (&cfg, PRESSO_PROTO_MODE_SEQUENTIAL, 2500, 2500,
                              PRESSO_PROTO_EVENT_GARMENT_MISSING));
}

static void
test_device_loop_overrun (void)
{
  presso_sim_config cfg;

  presso_sim_config_init (&cfg);
  cfg.loop_overrun_after_s = 3.0;
  presso_sim_free (run_fault (&cfg, PRESSO_PROTO_MODE_CONTINUOUS, 2750, 500,
                              PRESSO_PROTO_EVENT_LOOP_OVERRUN));
}

static void
test_device_reset (void)
{
  presso_sim_config cfg;
  presso_sim *sim;
  presso_proto_msg hello = { .u.hello.proto_version = 1 };

  presso_sim_config_init (&cfg);
  cfg.n_chambers = 8;
  cfg.reset_after_s = 4.0;
  sim = sim_started (&cfg, PRESSO_PROTO_MODE_CONTINUOUS);
  sim_run_alive (sim, 3500);
  g_assert_cmpfloat (presso_sim_get_model (sim)->ch[0].pressure, >, 35.0);
  sim_run_alive (sim, 1500);
  /* Restarted: IDLE, every chamber vented, nothing running, a new HELLO needed. */
  g_assert_cmpuint (presso_ctl_get_state (presso_sim_get_controller (sim)), ==,
                    PRESSO_PROTO_STATE_IDLE);
  g_assert_false (presso_sim_get_controller (sim)->hello_seen);
  g_assert_cmpfloat (presso_sim_get_model (sim)->ch[0].pressure, <, 3.0);
  sim_cmd (sim, PRESSO_PROTO_MSG_HELLO, &hello);
  g_assert_true (presso_sim_get_controller (sim)->hello_seen);
  presso_sim_free (sim);
}

/* presso_sim_serve_fd() over a socketpair, in real time */

typedef struct {
  presso_sim          *sim;
  int                  fd;          /* the host's end */
  int                  device_fd;
  volatile int         stop;
  int                  rc;
  gint                 done;
  GThread             *thread;
  presso_proto_decoder dec;
  GArray              *rx;          /* presso_proto_msg */
  unsigned             bad_frames;
  uint8_t              seq;
  gboolean             heartbeat;
  gint64               last_sent;
} Link;

static gpointer
serve_thread (gpointer data)
{
  Link *link = data;

  link->rc = presso_sim_serve_fd (link->sim, link->device_fd, &link->stop);
  g_atomic_int_set (&link->done, 1);
  return NULL;
}

static Link *
link_new (const presso_sim_config *cfg)
{
  Link *link = g_new0 (Link, 1);
  int sv[2];

  link->sim = presso_sim_new (cfg);
  g_assert_nonnull (link->sim);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
  link->fd = sv[0];
  link->device_fd = sv[1];
  link->rx = g_array_new (FALSE, TRUE, sizeof (presso_proto_msg));
  presso_proto_decoder_init (&link->dec);
  link->thread = g_thread_new ("presso-sim", serve_thread, link);
  return link;
}

static void
link_free (Link *link)
{
  link->stop = 1;
  g_thread_join (link->thread);
  if (link->fd >= 0)
    close (link->fd);
  close (link->device_fd);
  presso_sim_free (link->sim);
  g_array_unref (link->rx);
  g_free (link);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Link, link_free)

static uint8_t
link_send (Link *link, uint8_t type, const presso_proto_msg *body)
{
  presso_proto_msg msg = { 0 };
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  size_t n;

  if (body)
    msg = *body;
  msg.type = type;
  msg.seq = ++link->seq;
  n = presso_proto_encode (&msg, frame, sizeof frame);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (write (link->fd, frame, n), ==, (ssize_t) n);
  link->last_sent = g_get_monotonic_time ();
  return msg.seq;
}

/* Reads and decodes for ms milliseconds, sending heartbeats if asked to. */
static void
link_pump (Link *link, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      struct pollfd pfd = { .fd = link->fd, .events = POLLIN };
      uint8_t buf[4096];
      ssize_t r;

      if (now >= end)
        break;
      if (link->heartbeat && now - link->last_sent >= 250000)
        link_send (link, PRESSO_PROTO_MSG_HEARTBEAT, NULL);
      if (poll (&pfd, 1, (int) MIN (50, (end - now) / 1000 + 1)) <= 0)
        continue;
      r = read (link->fd, buf, sizeof buf);
      if (r <= 0)
        break;
      for (size_t off = 0; off < (size_t) r;)
        {
          presso_proto_msg msg;
          presso_proto_status status;

          off += presso_proto_decoder_feed (&link->dec, buf + off, (size_t) r - off, &msg, &status);
          if (status == PRESSO_PROTO_OK)
            g_array_append_val (link->rx, msg);
          else if (status != PRESSO_PROTO_NEED_MORE)
            link->bad_frames++;
        }
    }
}

static const presso_proto_msg *
link_find (Link *link, uint8_t type, guint from)
{
  for (guint k = from; k < link->rx->len; k++)
    if (g_array_index (link->rx, presso_proto_msg, k).type == type)
      return &g_array_index (link->rx, presso_proto_msg, k);
  return NULL;
}

static const presso_proto_msg *
link_find_event (Link *link, uint8_t code)
{
  for (guint k = 0; k < link->rx->len; k++)
    {
      const presso_proto_msg *m = &g_array_index (link->rx, presso_proto_msg, k);

      if (m->type == PRESSO_PROTO_MSG_EVENT && m->u.event.code == code)
        return m;
    }
  return NULL;
}

/* Pumps until a message of type (and, for events, code) arrives or timeout_ms pass. */
static const presso_proto_msg *
link_wait (Link *link, uint8_t type, uint8_t code, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  guint from = link->rx->len;

  while (g_get_monotonic_time () < end)
    {
      link_pump (link, 20);
      for (guint k = from; k < link->rx->len; k++)
        {
          const presso_proto_msg *m = &g_array_index (link->rx, presso_proto_msg, k);

          if (m->type == type && (type != PRESSO_PROTO_MSG_EVENT || m->u.event.code == code))
            return m;
        }
    }
  return NULL;
}

static const presso_proto_telemetry *
link_last_telemetry (Link *link)
{
  for (guint k = link->rx->len; k > 0; k--)
    {
      const presso_proto_msg *m = &g_array_index (link->rx, presso_proto_msg, k - 1);

      if (m->type == PRESSO_PROTO_MSG_TELEMETRY)
        return &m->u.telemetry;
    }
  return NULL;
}

static unsigned
link_count (Link *link, uint8_t type, guint from)
{
  unsigned n = 0;

  for (guint k = from; k < link->rx->len; k++)
    if (g_array_index (link->rx, presso_proto_msg, k).type == type)
      n++;
  return n;
}

static void
link_hello (Link *link)
{
  presso_proto_msg hello = { .u.hello.proto_version = 1 };
  const presso_proto_msg *id;

  link_send (link, PRESSO_PROTO_MSG_HELLO, &hello);
  id = link_wait (link, PRESSO_PROTO_MSG_IDENTITY, 0, 2000);
  g_assert_nonnull (id);
}

static void
link_command (Link *link, uint8_t type, const presso_proto_msg *body)
{
  uint8_t seq = link_send (link, type, body);
  gint64 end = g_get_monotonic_time () + 2000000;

  while (g_get_monotonic_time () < end)
    {
      link_pump (link, 10);
      for (guint k = 0; k < link->rx->len; k++)
        {
          const presso_proto_msg *m = &g_array_index (link->rx, presso_proto_msg, k);

          if (m->type == PRESSO_PROTO_MSG_ACK && m->u.ack.seq == seq)
            return;
          if (m->type == PRESSO_PROTO_MSG_NAK && m->u.nak.seq == seq)
            g_error ("%s refused: %s", presso_proto_msg_type_name (type),
                     presso_proto_nak_name (m->u.nak.code));
        }
    }
  g_error ("no reply to %s", presso_proto_msg_type_name (type));
}

static Link *
link_running (presso_sim_config *cfg)
{
  Link *link = link_new (cfg);
  presso_proto_msg prog = program_msg (cfg->n_chambers, PRESSO_PROTO_MODE_SEQUENTIAL);

  prog.u.program.inflate_ds = 10;
  link_hello (link);
  link->heartbeat = TRUE;
  link_command (link, PRESSO_PROTO_MSG_LOAD_PROGRAM, &prog);
  link_command (link, PRESSO_PROTO_MSG_START, NULL);
  return link;
}

static void
test_serve_hello (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  presso_proto_msg hello = { .u.hello.proto_version = 1 };
  const presso_proto_msg *id;
  guint from;
  unsigned frames;

  presso_sim_config_init (&cfg);
  cfg.serial = "SIM-TEST-7";
  link = link_new (&cfg);

  /* Power-up: DEVICE_RESET, and no telemetry before HELLO. */
  link_pump (link, 200);
  g_assert_nonnull (link_find_event (link, PRESSO_PROTO_EVENT_DEVICE_RESET));
  g_assert_null (link_find (link, PRESSO_PROTO_MSG_TELEMETRY, 0));

  link_send (link, PRESSO_PROTO_MSG_HELLO, &hello);
  id = link_wait (link, PRESSO_PROTO_MSG_IDENTITY, 0, 1000);
  g_assert_nonnull (id);
  g_assert_cmpuint (id->u.identity.n_chambers, ==, 12);
  g_assert_cmpuint (id->u.identity.n_outlets, ==, 2);
  g_assert_cmpstr (id->u.identity.serial, ==, "SIM-TEST-7");
  g_assert_cmpstr (id->u.identity.model, ==, "Presso Simulator");
  g_assert_cmpuint (id->u.identity.telemetry_hz, ==, 100);

  /* About 100 telemetry frames a second. */
  link_pump (link, 100);
  from = link->rx->len;
  link_pump (link, 1000);
  frames = link_count (link, PRESSO_PROTO_MSG_TELEMETRY, from);
  g_test_message ("telemetry frames in 1 s: %u", frames);
  g_assert_cmpuint (frames, >=, 85);
  g_assert_cmpuint (frames, <=, 115);
  g_assert_cmpuint (link->bad_frames, ==, 0);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_IDLE);
}

static void
test_serve_program_and_vent (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  const presso_proto_telemetry *t;
  const presso_proto_msg *ev;
  gint64 vent_at;

  presso_sim_config_init (&cfg);
  link = link_running (&cfg);

  /* Sequential over two boots, 1 s per level: after 3.5 s, three levels are full. */
  link_pump (link, 3500);
  t = link_last_telemetry (link);
  g_assert_cmpuint (t->state, ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (t->n_chambers, ==, 12);
  for (unsigned level = 0; level < 3; level++)
    for (unsigned boot = 0; boot < 2; boot++)
      g_assert_cmpint (abs (t->pressure_dmmhg[boot * 6 + level] - 400), <=, 30);
  /* The proximal chambers have not started yet. */
  g_assert_cmpint (t->pressure_dmmhg[5], <, 30);
  g_assert_cmpint (t->pressure_dmmhg[11], <, 30);
  g_assert_null (link_find_event (link, PRESSO_PROTO_EVENT_OVER_PRESSURE));

  /* Emergency vent: every chamber near zero within about a second. */
  vent_at = g_get_monotonic_time ();
  link_command (link, PRESSO_PROTO_MSG_VENT, NULL);
  ev = link_find_event (link, PRESSO_PROTO_EVENT_EMERGENCY_VENT);
  g_assert_nonnull (ev);
  g_assert_cmpuint (ev->u.event.priority, ==, PRESSO_PROTO_PRIORITY_HIGH);
  for (;;)
    {
      gboolean vented = TRUE;

      link_pump (link, 20);
      t = link_last_telemetry (link);
      for (unsigned i = 0; i < 12; i++)
        if (t->pressure_dmmhg[i] >= 30)
          vented = FALSE;
      if (vented)
        break;
      g_assert_cmpint (g_get_monotonic_time () - vent_at, <, 1500000);
    }
  g_test_message ("vented in %d ms", (int) ((g_get_monotonic_time () - vent_at) / 1000));
  g_assert_cmpuint (t->inlet_valves, ==, 0);
  g_assert_cmpuint (t->vent_valves, ==, 0xFFF);
  g_assert_cmpuint (t->compressor_pct, ==, 0);
  link_pump (link, 100);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_FAULT);
}

static void
test_serve_watchdog (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  const presso_proto_msg *ev;
  const presso_proto_telemetry *t;
  gint64 silent_at;

  presso_sim_config_init (&cfg);
  cfg.n_chambers = 8;
  link = link_running (&cfg);
  link_pump (link, 1500);
  g_assert_cmpint (link_last_telemetry (link)->pressure_dmmhg[0], >, 300);

  /* The host falls silent. */
  link->heartbeat = FALSE;
  silent_at = link->last_sent;
  ev = link_wait (link, PRESSO_PROTO_MSG_EVENT, PRESSO_PROTO_EVENT_WATCHDOG_VENT, 3000);
  g_assert_nonnull (ev);
  g_test_message ("watchdog after %d ms of silence",
                  (int) ((g_get_monotonic_time () - silent_at) / 1000));
  g_assert_cmpint (g_get_monotonic_time () - silent_at, >=, 1000000);
  g_assert_cmpuint (ev->u.event.priority, ==, PRESSO_PROTO_PRIORITY_HIGH);
  link_pump (link, 1200);
  t = link_last_telemetry (link);
  g_assert_cmpuint (t->state, ==, PRESSO_PROTO_STATE_FAULT);
  g_assert_cmpuint (t->alarm_flags, ==, 1u << (PRESSO_PROTO_EVENT_WATCHDOG_VENT - 1));
  for (unsigned i = 0; i < 8; i++)
    g_assert_cmpint (t->pressure_dmmhg[i], <, 30);
}

static void
test_serve_stop_and_hangup (void)
{
  presso_sim_config cfg;
  Link *link;
  gint64 t0;

  presso_sim_config_init (&cfg);

  /* *stop ends serving promptly. */
  link = link_new (&cfg);
  link_pump (link, 100);
  t0 = g_get_monotonic_time ();
  link->stop = 1;
  while (!g_atomic_int_get (&link->done))
    g_usleep (1000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 200000);
  g_assert_cmpint (link->rc, ==, 0);
  link_free (link);

  /* So does the host closing its end. */
  link = link_new (&cfg);
  link_hello (link);
  close (link->fd);
  link->fd = -1;
  t0 = g_get_monotonic_time ();
  while (!g_atomic_int_get (&link->done))
    {
      g_usleep (1000);
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 1000000);
    }
  g_assert_cmpint (link->rc, ==, 0);
  link_free (link);
}

static void
test_serve_faults_link (void)
{
  presso_sim_config cfg;
  Link *link;
  guint from;
  unsigned frames;

  /* Dropped frames: about half the telemetry is missing, what arrives is intact. */
  presso_sim_config_init (&cfg);
  cfg.drop_fraction = 0.5;
  cfg.seed = 3;
  link = link_new (&cfg);
  link_send (link, PRESSO_PROTO_MSG_HELLO, &(presso_proto_msg) { .u.hello.proto_version = 1 });
  link_pump (link, 200);
  from = link->rx->len;
  link_pump (link, 1000);
  frames = link_count (link, PRESSO_PROTO_MSG_TELEMETRY, from);
  g_assert_cmpuint (frames, >=, 30);
  g_assert_cmpuint (frames, <=, 70);
  g_assert_cmpuint (link->bad_frames, ==, 0);
  link_free (link);

  /* Corrupted bytes: some frames fail their CRC, the decoder recovers at the next one. */
  presso_sim_config_init (&cfg);
  cfg.corrupt_fraction = 0.01;
  cfg.seed = 5;
  link = link_new (&cfg);
  link_send (link, PRESSO_PROTO_MSG_HELLO, &(presso_proto_msg) { .u.hello.proto_version = 1 });
  link_pump (link, 1000);
  g_test_message ("good %u, bad %u", link_count (link, PRESSO_PROTO_MSG_TELEMETRY, 0),
                  link->bad_frames);
  g_assert_cmpuint (link->bad_frames, >, 5);
  g_assert_cmpuint (link_count (link, PRESSO_PROTO_MSG_TELEMETRY, 0), >, 30);
  link_free (link);

  /* Disconnect: serving ends with -ECONNRESET. */
  presso_sim_config_init (&cfg);
  cfg.disconnect_after_s = 0.4;
  link = link_new (&cfg);
  link_pump (link, 600);
  g_assert_true (g_atomic_int_get (&link->done));
  g_assert_cmpint (link->rc, ==, -ECONNRESET);
  link_free (link);
}

static void
test_serve_stall (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  guint from;

  presso_sim_config_init (&cfg);
  cfg.n_chambers = 8;
  cfg.stall_after_s = 1.5;
  cfg.stall_for_s = 2.0;
  link = link_running (&cfg);
  link_pump (link, 1000);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_RUNNING);

  /* Nothing comes during the stall; the device, not hearing the host, vents on its own. */
  link_pump (link, 700);
  from = link->rx->len;
  link_pump (link, 1200);
  g_assert_cmpuint (link->rx->len, ==, from);
  g_assert_nonnull (link_wait (link, PRESSO_PROTO_MSG_TELEMETRY, 0, 2000));
  link_pump (link, 200);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_FAULT);
  g_assert_cmpuint (link_last_telemetry (link)->alarm_flags,
                    ==, 1u << (PRESSO_PROTO_EVENT_WATCHDOG_VENT - 1));
}

static void
test_serve_reset (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  const presso_proto_msg *ev;
  uint32_t before;

  presso_sim_config_init (&cfg);
  cfg.n_chambers = 8;
  cfg.reset_after_s = 1.5;
  link = link_running (&cfg);
  link_pump (link, 1000);
  before = link_last_telemetry (link)->device_time_ms;
  g_assert_cmpuint (before, >, 900);
  ev = link_wait (link, PRESSO_PROTO_MSG_EVENT, PRESSO_PROTO_EVENT_DEVICE_RESET, 2000);
  g_assert_nonnull (ev);
  /* Device time went back; its seq restarted. */
  g_assert_cmpuint (ev->u.event.device_time_ms, <, 100);
  g_assert_cmpuint (ev->seq, ==, 0);
  /* Telemetry stops until the host says HELLO again; commands are refused until then. */
  link->heartbeat = FALSE;
  {
    guint from = link->rx->len;
    uint8_t seq;

    link_pump (link, 300);
    g_assert_cmpuint (link_count (link, PRESSO_PROTO_MSG_TELEMETRY, from), ==, 0);
    seq = link_send (link, PRESSO_PROTO_MSG_START, NULL);
    g_assert_nonnull (link_wait (link, PRESSO_PROTO_MSG_NAK, 0, 500));
    g_assert_cmpuint (g_array_index (link->rx, presso_proto_msg, link->rx->len - 1).u.nak.seq,
                      ==, seq);
  }
  /* The restarted controller vented every chamber. */
  link_hello (link);
  link_pump (link, 800);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_IDLE);
  for (unsigned i = 0; i < 8; i++)
    g_assert_cmpint (link_last_telemetry (link)->pressure_dmmhg[i], <, 30);
}

/* The presso-sim program on a real pseudo-terminal */

typedef struct {
  char    *dir;
  char    *path;
  GPid     pid;
} SimProcess;

static gboolean
sim_process_start (SimProcess *proc, const char *const *extra)
{
  const char *sim = g_getenv ("PRESSO_SIM");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  gint64 end;

  if (sim == NULL || *sim == '\0')
    {
      g_test_skip ("PRESSO_SIM is not set");
      return FALSE;
    }
  g_ptr_array_add (argv, (char *) sim);
  g_ptr_array_add (argv, (char *) "--link");
  g_ptr_array_add (argv, proc->path);
  for (; extra && *extra; extra++)
    g_ptr_array_add (argv, (char *) *extra);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &proc->pid, &error));
  g_assert_no_error (error);

  /* The link appears once the port is ready (it may replace a stale one). */
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (;;)
    {
      struct stat st;

      if (stat (proc->path, &st) == 0 && S_ISCHR (st.st_mode))
        return TRUE;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (10000);
    }
}

static int
sim_process_wait (SimProcess *proc, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  int status = 0;

  for (;;)
    {
      pid_t r = waitpid (proc->pid, &status, WNOHANG);

      if (r == proc->pid)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (10000);
    }
  g_spawn_close_pid (proc->pid);
  proc->pid = 0;
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
open_port (const char *path)
{
  struct termios t;
  int fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (tcgetattr (fd, &t), ==, 0);
  /* presso-sim set the line up raw: the host finds it so. */
  g_assert_false (t.c_lflag & (ICANON | ECHO));
  return fd;
}

/* HELLO on a fresh port: IDENTITY comes back (telemetry may come first after a reconnect). */
static const presso_proto_msg *
port_hello (Link *link)
{
  presso_proto_msg hello = { .u.hello.proto_version = 1 };

  presso_proto_decoder_init (&link->dec);
  link_send (link, PRESSO_PROTO_MSG_HELLO, &hello);
  return link_wait (link, PRESSO_PROTO_MSG_IDENTITY, 0, 2000);
}

static void
test_program_pty (void)
{
  g_autofree char *dir = g_dir_make_tmp ("presso-sim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "port", NULL);
  const char *extra[] = { "--chambers", "8", "--serial", "PTY-42", NULL };
  SimProcess proc = { .dir = dir, .path = path };
  Link link = { .fd = -1 };
  const presso_proto_msg *id;

  /* A stale link from an earlier run is replaced. */
  g_assert_cmpint (symlink ("/dev/pts/does-not-exist", path), ==, 0);
  if (!sim_process_start (&proc, extra))
    return;
  link.rx = g_array_new (FALSE, TRUE, sizeof (presso_proto_msg));

  link.fd = open_port (path);
  id = port_hello (&link);
  g_assert_nonnull (id);
  g_assert_cmpstr (id->u.identity.serial, ==, "PTY-42");
  g_assert_cmpuint (id->u.identity.n_chambers, ==, 8);
  link_pump (&link, 300);
  g_assert_cmpuint (link_count (&link, PRESSO_PROTO_MSG_TELEMETRY, 0), >, 15);

  /* The host closes the port and opens it again: the device is still there. */
  close (link.fd);
  g_usleep (300000);
  link.fd = open_port (path);
  g_array_set_size (link.rx, 0);
  id = port_hello (&link);
  g_assert_nonnull (id);
  g_assert_cmpstr (id->u.identity.serial, ==, "PTY-42");
  g_assert_cmpuint (link.bad_frames, ==, 0);
  close (link.fd);

  /* SIGTERM: a clean exit, the link removed. */
  kill (proc.pid, SIGTERM);
  g_assert_cmpint (sim_process_wait (&proc, 3000), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  g_array_unref (link.rx);
  g_rmdir (dir);
}

static void
test_program_disconnect (void)
{
  g_autofree char *dir = g_dir_make_tmp ("presso-sim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "port", NULL);
  const char *extra[] = { "--disconnect-after", "1", NULL };
  SimProcess proc = { .dir = dir, .path = path };
  uint8_t buf[4096];
  gint64 end;
  int fd;

  if (!sim_process_start (&proc, extra))
    return;
  fd = open_port (path);
  /* The device goes away: the host sees the port hang up. */
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };

      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (poll (&pfd, 1, 100) > 0)
        {
          if (pfd.revents & (POLLHUP | POLLERR))
            break;
          if (read (fd, buf, sizeof buf) < 0 && errno == EIO)
            break;
        }
    }
  close (fd);
  g_assert_cmpint (sim_process_wait (&proc, 3000), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  g_rmdir (dir);
}

static void
test_program_bad_usage (void)
{
  const char *sim = g_getenv ("PRESSO_SIM");
  g_autofree char *dir = g_dir_make_tmp ("presso-sim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "port", NULL);
  g_autofree char *out = NULL;
  int status = 0;

  if (sim == NULL || *sim == '\0')
    {
      g_test_skip ("PRESSO_SIM is not set");
      return;
    }

  {
    const char *argv[] = { sim, "--help", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &out, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "--stall-after"));
  }
  {
    const char *argv[] = { sim, "--link", path, "--chambers", "40", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
  }
  {
    const char *argv[] = { sim, "--link", path, "--leak", "12", "--chambers", "8", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
  }
  {
    /* Never replaces a file that is not a link. */
    const char *argv[] = { sim, "--link", path, NULL };

    g_assert_true (g_file_set_contents (path, "keep", -1, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_true (g_file_get_contents (path, &out, NULL, NULL));
    g_assert_cmpstr (out, ==, "keep");
    g_unlink (path);
  }
  g_rmdir (dir);
}

/* Command faults: NAKs and lost commands on the wire, over a socketpair */

/* Sends type with a chosen seq (a retransmission reuses one) and waits for its reply:
 * returns the ACK or NAK, or NULL when none came within timeout_ms. */
static const presso_proto_msg *
link_command_seq (Link *link, uint8_t type, uint8_t seq, const presso_proto_msg *body,
                  guint timeout_ms)
{
  presso_proto_msg msg = { 0 };
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  guint from = link->rx->len;
  size_t n;

  if (body)
    msg = *body;
  msg.type = type;
  msg.seq = seq;
  n = presso_proto_encode (&msg, frame, sizeof frame);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (write (link->fd, frame, n), ==, (ssize_t) n);
  link->last_sent = g_get_monotonic_time ();

  while (g_get_monotonic_time () < end)
    {
      link_pump (link, 10);
      for (guint k = from; k < link->rx->len; k++)
        {
          const presso_proto_msg *m = &g_array_index (link->rx, presso_proto_msg, k);

          if ((m->type == PRESSO_PROTO_MSG_ACK && m->u.ack.seq == seq) ||
              (m->type == PRESSO_PROTO_MSG_NAK && m->u.nak.seq == seq))
            return m;
        }
    }
  return NULL;
}

static void
test_command_fault_parse (void)
{
  presso_sim_config cfg;
  presso_sim *sim;
  uint32_t mask = 0;
  uint8_t code = 0;

  g_assert_cmpint (presso_sim_parse_commands ("start", &mask), ==, 0);
  g_assert_cmpuint (mask, ==, PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_START));
  g_assert_cmpint (presso_sim_parse_commands ("load-program,SET_LIMITS,ack-alarm", &mask), ==, 0);
  g_assert_cmpuint (mask, ==, PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_LOAD_PROGRAM) |
                              PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_SET_LIMITS) |
                              PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_ACK_ALARM));
  g_assert_cmpint (presso_sim_parse_commands ("all", &mask), ==, 0);
  g_assert_cmpuint (mask, ==, PRESSO_SIM_ALL_COMMANDS);
  /* Ten commands in version 1, from HELLO to ACK_ALARM. */
  g_assert_cmpuint (__builtin_popcount (mask), ==, 10);
  g_assert_cmpint (presso_sim_parse_commands ("start,telemetry", &mask), ==, -1);
  g_assert_cmpint (presso_sim_parse_commands ("", &mask), ==, -1);
  g_assert_cmpint (presso_sim_parse_commands ("sta", &mask), ==, -1);

  g_assert_cmpint (presso_sim_parse_nak_code ("bad-state", &code), ==, 0);
  g_assert_cmpuint (code, ==, PRESSO_PROTO_NAK_BAD_STATE);
  g_assert_cmpint (presso_sim_parse_nak_code ("4", &code), ==, 0);
  g_assert_cmpuint (code, ==, PRESSO_PROTO_NAK_BAD_VALUE);
  g_assert_cmpint (presso_sim_parse_nak_code ("7", &code), ==, -1);
  g_assert_cmpint (presso_sim_parse_nak_code ("busy", &code), ==, -1);

  /* A reason outside section 4, or a device → host type in a set, is no device. */
  presso_sim_config_init (&cfg);
  cfg.nak_code = 7;
  g_assert_null (presso_sim_new (&cfg));
  presso_sim_config_init (&cfg);
  cfg.nak_always = PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_TELEMETRY & 31);
  g_assert_null (presso_sim_new (&cfg));
  presso_sim_config_init (&cfg);
  cfg.nak_always = PRESSO_SIM_ALL_COMMANDS;
  sim = presso_sim_new (&cfg);
  g_assert_nonnull (sim);
  presso_sim_free (sim);
}

static void
test_serve_nak_next (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  presso_proto_msg prog;
  const presso_proto_msg *reply;

  presso_sim_config_init (&cfg);
  cfg.nak_next = 1;
  cfg.nak_code = PRESSO_PROTO_NAK_BAD_VALUE;
  cfg.fault_commands = PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_START);
  prog = program_msg (12, PRESSO_PROTO_MODE_SEQUENTIAL);
  link = link_new (&cfg);
  link_hello (link);
  link->heartbeat = TRUE;
  /* Not counted: the program goes through. */
  link_command (link, PRESSO_PROTO_MSG_LOAD_PROGRAM, &prog);

  /* The first START is refused with the reason asked for, and nothing starts. */
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 40, NULL, 500);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_NAK);
  g_assert_cmpuint (reply->u.nak.code, ==, PRESSO_PROTO_NAK_BAD_VALUE);
  /* Its retransmission gets the same answer (section 4), not a second execution. */
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 40, NULL, 500);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_NAK);
  g_assert_cmpuint (reply->u.nak.code, ==, PRESSO_PROTO_NAK_BAD_VALUE);
  link_pump (link, 300);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_READY);
  g_assert_cmpuint (link_last_telemetry (link)->compressor_pct, ==, 0);
  g_assert_cmpuint (link_last_telemetry (link)->inlet_valves, ==, 0);
  g_assert_cmpuint (presso_sim_get_naks_sent (link->sim), ==, 1);

  /* The next START (a new seq) is accepted. */
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 41, NULL, 500);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_ACK);
  link_pump (link, 100);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_RUNNING);
}

static void
test_serve_drop_next (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  presso_proto_msg prog;
  const presso_proto_msg *reply;

  presso_sim_config_init (&cfg);
  cfg.drop_next = 2;
  cfg.nak_next = 1;
  cfg.fault_commands = PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_START) |
                       PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_STOP);
  prog = program_msg (12, PRESSO_PROTO_MODE_SEQUENTIAL);
  link = link_new (&cfg);
  link_hello (link);
  link->heartbeat = TRUE;
  link_command (link, PRESSO_PROTO_MSG_LOAD_PROGRAM, &prog);

  /* Two transmissions lost: no answer, no action. */
  g_assert_null (link_command_seq (link, PRESSO_PROTO_MSG_START, 50, NULL, 300));
  g_assert_null (link_command_seq (link, PRESSO_PROTO_MSG_START, 50, NULL, 300));
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_READY);
  g_assert_cmpuint (presso_sim_get_commands_dropped (link->sim), ==, 2);
  /* Then --nak-next takes its turn: the third is refused (bad-state by default)... */
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 50, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_NAK);
  g_assert_cmpuint (reply->u.nak.code, ==, PRESSO_PROTO_NAK_BAD_STATE);
  /* ...and the fourth, a new command, runs. */
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 51, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_ACK);
  link_pump (link, 100);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_RUNNING);
  /* The faults are spent: STOP is answered. */
  reply = link_command_seq (link, PRESSO_PROTO_MSG_STOP, 52, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_ACK);
}

/* NAKing everything but what starts a program: the host cannot stop it, the watchdog still
 * counts the NAKed heartbeats as a live host, and VENT, NAKed too, vents all the same. */
static void
test_serve_nak_storm_vents (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  const presso_proto_msg *reply;
  const presso_proto_telemetry *t;
  gint64 vent_at;

  presso_sim_config_init (&cfg);
  g_assert_cmpint (presso_sim_parse_commands ("stop,pause,resume,vent,heartbeat,ack-alarm",
                                              &cfg.nak_always), ==, 0);
  link = link_running (&cfg);
  link_pump (link, 1500);
  t = link_last_telemetry (link);
  g_assert_cmpuint (t->state, ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_null (link_find_event (link, PRESSO_PROTO_EVENT_WATCHDOG_VENT));
  g_assert_cmpint (t->pressure_dmmhg[0], >, 200);

  reply = link_command_seq (link, PRESSO_PROTO_MSG_STOP, 60, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_NAK);
  link_pump (link, 100);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_RUNNING);

  vent_at = g_get_monotonic_time ();
  reply = link_command_seq (link, PRESSO_PROTO_MSG_VENT, 61, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_NAK);
  g_assert_nonnull (link_find_event (link, PRESSO_PROTO_EVENT_EMERGENCY_VENT));
  for (;;)
    {
      gboolean vented = TRUE;

      link_pump (link, 20);
      t = link_last_telemetry (link);
      for (unsigned i = 0; i < 12; i++)
        if (t->pressure_dmmhg[i] >= 30)
          vented = FALSE;
      if (vented)
        break;
      g_assert_cmpint (g_get_monotonic_time () - vent_at, <, 1500000);
    }
  g_assert_cmpuint (t->inlet_valves, ==, 0);
  g_assert_cmpuint (t->vent_valves, ==, 0xFFF);
  g_assert_cmpuint (t->compressor_pct, ==, 0);
  link_pump (link, 100);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_FAULT);
}

static void
test_program_command_fault_usage (void)
{
  const char *sim = g_getenv ("PRESSO_SIM");
  g_autofree char *dir = g_dir_make_tmp ("presso-sim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "port", NULL);
  const char *bad[][3] = {
    { "--nak-code", "busy" }, { "--nak-always", "start,telemetry" }, { "--nak-next", "-1" },
    { "--drop-next", "x" }, { "--fault-commands", "" }, { "--mute-next", "many" },
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (sim == NULL || *sim == '\0')
    {
      g_test_skip ("PRESSO_SIM is not set");
      g_rmdir (dir);
      return;
    }
  {
    const char *argv[] = { sim, "--help", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &out, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      g_assert_nonnull (strstr (out, bad[i][0]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *argv[] = { sim, "--link", path, bad[i][0], bad[i][1], NULL };

      g_clear_pointer (&err, g_free);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                   NULL, NULL, NULL, &err, &status, NULL));
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, bad[i][0]));
      g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
    }
  g_rmdir (dir);
}

/* A reply lost on the way back: the command was carried out, and its retransmission gets the
 * same answer from the duplicate memory (section 4), unless another frame came in between. */
static void
test_serve_mute_next (void)
{
  presso_sim_config cfg;
  g_autoptr (Link) link = NULL;
  presso_proto_msg prog;
  const presso_proto_msg *reply;

  presso_sim_config_init (&cfg);
  cfg.mute_next = 1;
  cfg.fault_commands = PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_START);
  prog = program_msg (12, PRESSO_PROTO_MODE_SEQUENTIAL);
  link = link_new (&cfg);
  link_hello (link);
  link_command (link, PRESSO_PROTO_MSG_LOAD_PROGRAM, &prog);

  g_assert_null (link_command_seq (link, PRESSO_PROTO_MSG_START, 70, NULL, 300));
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (presso_sim_get_replies_lost (link->sim), ==, 1);
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 70, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_ACK);

  /* With a heartbeat in between the device has forgotten it: a second START is refused. */
  link_command (link, PRESSO_PROTO_MSG_HEARTBEAT, NULL);
  reply = link_command_seq (link, PRESSO_PROTO_MSG_START, 70, NULL, 300);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->type, ==, PRESSO_PROTO_MSG_NAK);
  g_assert_cmpuint (reply->u.nak.code, ==, PRESSO_PROTO_NAK_BAD_STATE);
  g_assert_cmpuint (link_last_telemetry (link)->state, ==, PRESSO_PROTO_STATE_RUNNING);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/sim/model/fill", test_model_fill);
  g_test_add_func ("/presso/sim/model/shared-flow", test_model_shared_flow);
  g_test_add_func ("/presso/sim/model/vent", test_model_vent);
  g_test_add_func ("/presso/sim/model/leak", test_model_leak);
  g_test_add_func ("/presso/sim/model/faults", test_model_faults);
  g_test_add_func ("/presso/sim/garments", test_garments);
  g_test_add_func ("/presso/sim/config", test_config);
  g_test_add_func ("/presso/sim/device/program", test_device_program);
  g_test_add_func ("/presso/sim/device/slow-fill", test_device_slow_fill);
  g_test_add_func ("/presso/sim/device/leak", test_device_leak);
  g_test_add_func ("/presso/sim/device/stuck-sensor", test_device_stuck_sensor);
  g_test_add_func ("/presso/sim/device/overshoot", test_device_overshoot);
  g_test_add_func ("/presso/sim/device/missing-garment", test_device_missing_garment);
  g_test_add_func ("/presso/sim/device/loop-overrun", test_device_loop_overrun);
  g_test_add_func ("/presso/sim/device/reset", test_device_reset);
  g_test_add_func ("/presso/sim/serve/hello", test_serve_hello);
  g_test_add_func ("/presso/sim/serve/program-and-vent", test_serve_program_and_vent);
  g_test_add_func ("/presso/sim/serve/watchdog", test_serve_watchdog);
  g_test_add_func ("/presso/sim/serve/stop-and-hangup", test_serve_stop_and_hangup);
  g_test_add_func ("/presso/sim/serve/faults-link", test_serve_faults_link);
  g_test_add_func ("/presso/sim/serve/stall", test_serve_stall);
  g_test_add_func ("/presso/sim/serve/reset", test_serve_reset);
  g_test_add_func ("/presso/sim/program/pty", test_program_pty);
  g_test_add_func ("/presso/sim/program/disconnect", test_program_disconnect);
  g_test_add_func ("/presso/sim/program/usage", test_program_bad_usage);
  g_test_add_func ("/presso/sim/command-faults/parse", test_command_fault_parse);
  g_test_add_func ("/presso/sim/serve/nak-next", test_serve_nak_next);
  g_test_add_func ("/presso/sim/serve/drop-next", test_serve_drop_next);
  g_test_add_func ("/presso/sim/serve/nak-storm-vents", test_serve_nak_storm_vents);
  g_test_add_func ("/presso/sim/serve/mute-next", test_serve_mute_next);
  g_test_add_func ("/presso/sim/program/command-fault-usage", test_program_command_fault_usage);

  return g_test_run ();
}
