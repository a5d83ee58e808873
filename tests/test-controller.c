/* test-controller.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The device controller's logic, driven through a fake HAL: a fake clock, and a small chamber
 * model (compressor flow shared by the open inlets, vent and leak outflow, sensor noise) with
 * faults injected into it: missing garments, leaks, stuck valves, bad sensors, a silent host,
 * a late control loop.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "presso-controller.h"

#define MAX_CH        PRESSO_PROTO_MAX_CHAMBERS
#define TICK_MS       2
#define FILL_MMHG_S   150.0   /* one chamber, compressor at full duty, at 0 mmHg */
#define PUMP_MAX_MMHG 300.0
#define VENT_TAU_S    0.2
#define GARMENT_TAU_S 300.0   /* the garment's own small leak */

typedef enum {
  SENSOR_OK,
  SENSOR_NAN,
  SENSOR_FIXED,
} SensorMode;

typedef struct {
  /* the fake hardware */
  uint32_t   now;
  unsigned   n;
  double     p[MAX_CH];
  bool       inlet[MAX_CH];
  bool       vent[MAX_CH];
  double     duty;
  bool       absent[MAX_CH];        /* no garment on this chamber's outlet */
  double     leak_tau[MAX_CH];      /* seconds; 0 for the garment's own leak */
  bool       inlet_stuck[MAX_CH];   /* inlet valve stuck open */
  bool       vent_blocked[MAX_CH];
  double     vent_tau[MAX_CH];      /* seconds; 0 for VENT_TAU_S */
  SensorMode sensor[MAX_CH];
  double     sensor_value[MAX_CH];
  uint32_t   noise;

  /* what the valves did */
  int64_t    first_inlet_ms[MAX_CH];
  bool       vent_closed_ever[MAX_CH];
  double     max_p[MAX_CH];

  /* the host */
  presso_ctl ctl;
  GArray    *out;
  uint8_t    seq;
  bool       heartbeat;
  uint32_t   last_sent;
} Fx;

/* The fake HAL */

static void
hal_set_inlet (void *data, unsigned i, bool open)
{
  Fx *fx = data;

  g_assert_cmpuint (i, <, fx->n);
  fx->inlet[i] = open;
}

static void
hal_set_vent (void *data, unsigned i, bool open)
{
  Fx *fx = data;

  g_assert_cmpuint (i, <, fx->n);
  fx->vent[i] = open;
}

static void
hal_set_compressor (void *data, double duty)
{
  Fx *fx = data;

  g_assert_cmpfloat (duty, >=, 0.0);
  g_assert_cmpfloat (duty, <=, 1.0);
  fx->duty = duty;
}

static double
hal_read_pressure (void *data, unsigned i)
{
  Fx *fx = data;

  g_assert_cmpuint (i, <, fx->n);
  switch (fx->sensor[i])
    {
    case SENSOR_NAN:
      return NAN;
    case SENSOR_FIXED:
      return fx->sensor_value[i];
    default:
      fx->noise = fx->noise * 1103515245u + 12345u;
      return fx->p[i] + ((double) ((fx->noise >> 16) & 0x7FFF) / 0x7FFF - 0.5) * 0.2;
    }
}

static uint32_t
hal_now_ms (void *data)
{
  Fx *fx = data;

  return fx->now;
}

static void
on_output (const presso_proto_msg *msg, void *data)
{
  Fx *fx = data;

  g_array_append_vals (fx->out, msg, 1);
}

/* The chamber model, 1 ms steps */

static void
model_step (Fx *fx, double dt)
{
  unsigned n_open = 0;

  for (unsigned i = 0; i < fx->n; i++)
    if ((fx->inlet[i] || fx->inlet_stuck[i]) && !fx->absent[i])
      n_open++;

  for (unsigned i = 0; i < fx->n; i++)
    {
      double q = 0, p = fx->p[i];

      if (fx->absent[i])
        {
          fx->p[i] = 0;
          continue;
        }
      if ((fx->inlet[i] || fx->inlet_stuck[i]) && fx->duty > 0)
        q += fx->duty * FILL_MMHG_S * (1.0 - p / PUMP_MAX_MMHG) / n_open;
      if (fx->vent[i] && !fx->vent_blocked[i])
        q -= p / (fx->vent_tau[i] > 0 ? fx->vent_tau[i] : VENT_TAU_S);
      q -= p / (fx->leak_tau[i] > 0 ? fx->leak_tau[i] : GARMENT_TAU_S);
      fx->p[i] = MAX (0.0, p + q * dt);
    }
}

/* The host */

static presso_proto_msg
host_send (Fx *fx, presso_proto_msg *msg)
{
  guint before = fx->out->len;
  presso_proto_msg reply = { 0 };

  presso_ctl_handle (&fx->ctl, msg);
  fx->last_sent = fx->now;
  for (guint k = before; k < fx->out->len; k++)
    {
      presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, k);

      if (m->type == PRESSO_PROTO_MSG_ACK || m->type == PRESSO_PROTO_MSG_NAK
          || m->type == PRESSO_PROTO_MSG_IDENTITY)
        reply = *m;
    }
  g_assert_cmpuint (reply.type, !=, 0);
  return reply;
}

static presso_proto_msg
host_cmd_seq (Fx *fx, uint8_t type, uint8_t seq)
{
  presso_proto_msg msg = { .type = type, .seq = seq };

  return host_send (fx, &msg);
}

static presso_proto_msg
host_cmd (Fx *fx, uint8_t type)
{
  return host_cmd_seq (fx, type, fx->seq++);
}

#define assert_ack(reply, s) G_STMT_START { \
  presso_proto_msg r_ = (reply); \
  g_assert_cmpuint (r_.type, ==, PRESSO_PROTO_MSG_ACK); \
  g_assert_cmpuint (r_.u.ack.seq, ==, (s)); \
} G_STMT_END

#define assert_nak(reply, c) G_STMT_START { \
  presso_proto_msg r_ = (reply); \
  g_assert_cmpuint (r_.type, ==, PRESSO_PROTO_MSG_NAK); \
  g_assert_cmpuint (r_.u.nak.code, ==, (c)); \
} G_STMT_END

static void
cmd_ok (Fx *fx, uint8_t type)
{
  uint8_t seq = fx->seq;

  assert_ack (host_cmd (fx, type), seq);
}

static presso_proto_msg
host_load (Fx *fx, const presso_proto_program *prog)
{
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM, .seq = fx->seq++ };

  msg.u.program = *prog;
  return host_send (fx, &msg);
}

static presso_proto_msg
host_limits (Fx *fx, int16_t max)
{
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_SET_LIMITS, .seq = fx->seq++ };

  msg.u.limits.max_dmmhg = max;
  return host_send (fx, &msg);
}

static presso_proto_msg
host_ack_alarm (Fx *fx, uint8_t code)
{
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_ACK_ALARM, .seq = fx->seq++ };

  msg.u.ack_alarm.code = code;
  return host_send (fx, &msg);
}

static presso_proto_msg
host_hello (Fx *fx, uint8_t version)
{
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_HELLO, .seq = fx->seq++ };

  msg.u.hello.proto_version = version;
  return host_send (fx, &msg);
}

/* Fixture */

static void
record (Fx *fx)
{
  for (unsigned i = 0; i < fx->n; i++)
    {
      if (fx->inlet[i] && fx->first_inlet_ms[i] < 0)
        fx->first_inlet_ms[i] = fx->now;
      if (!fx->vent[i])
        fx->vent_closed_ever[i] = true;
      fx->max_p[i] = MAX (fx->max_p[i], fx->p[i]);
    }
}

static void
reset_record (Fx *fx)
{
  for (unsigned i = 0; i < MAX_CH; i++)
    {
      fx->first_inlet_ms[i] = -1;
      fx->vent_closed_ever[i] = false;
      fx->max_p[i] = 0;
    }
}

static void
tick (Fx *fx)
{
  fx->now += TICK_MS;
  for (int k = 0; k < TICK_MS; k++)
    model_step (fx, 0.001);
  if (fx->heartbeat && fx->now - fx->last_sent >= 250)
    cmd_ok (fx, PRESSO_PROTO_MSG_HEARTBEAT);
  presso_ctl_tick (&fx->ctl);
  record (fx);
}

static void
run_ms (Fx *fx, uint32_t ms)
{
  for (uint32_t t = 0; t < ms; t += TICK_MS)
    tick (fx);
}

static Fx *
fx_new_full (unsigned n, unsigned n_outlets, const presso_proto_outlet *outlets, uint16_t hz)
{
  Fx *fx = g_new0 (Fx, 1);
  presso_ctl_hal hal = {
    .user_data = fx,
    .set_inlet = hal_set_inlet,
    .set_vent = hal_set_vent,
    .set_compressor = hal_set_compressor,
    .read_pressure = hal_read_pressure,
    .now_ms = hal_now_ms,
  };
  presso_ctl_config cfg = {
    .n_chambers = n,
    .n_outlets = n_outlets,
    .model = "Presso Test",
    .serial = "T-0001",
    .firmware = "1.2.3",
    .telemetry_hz = hz,
  };

  if (n_outlets)
    memcpy (cfg.outlets, outlets, n_outlets * sizeof *outlets);
  fx->n = n;
  fx->now = 5000;
  fx->out = g_array_new (FALSE, TRUE, sizeof (presso_proto_msg));
  fx->heartbeat = TRUE;
  fx->seq = 1;
  reset_record (fx);
  g_assert_cmpint (presso_ctl_init (&fx->ctl, &hal, &cfg), ==, 0);
  presso_ctl_set_output (&fx->ctl, on_output, fx);
  for (unsigned i = 0; i < n; i++)
    {
      g_assert_false (fx->inlet[i]);
      g_assert_true (fx->vent[i]);
    }
  tick (fx);
  return fx;
}

static Fx *
fx_new (unsigned n)
{
  return fx_new_full (n, 0, NULL, 0);
}

static void
fx_free (Fx *fx)
{
  g_array_unref (fx->out);
  g_free (fx);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fx, fx_free)

static unsigned
count_msgs (Fx *fx, uint8_t type)
{
  unsigned count = 0;

  for (guint k = 0; k < fx->out->len; k++)
    if (g_array_index (fx->out, presso_proto_msg, k).type == type)
      count++;
  return count;
}

static unsigned
count_events (Fx *fx, uint8_t code)
{
  unsigned count = 0;

  for (guint k = 0; k < fx->out->len; k++)
    {
      presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, k);

      if (m->type == PRESSO_PROTO_MSG_EVENT && m->u.event.code == code)
        count++;
    }
  return count;
}

static presso_proto_event
find_event (Fx *fx, uint8_t code)
{
  for (guint k = 0; k < fx->out->len; k++)
    {
      presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, k);

      if (m->type == PRESSO_PROTO_MSG_EVENT && m->u.event.code == code)
        return m->u.event;
    }
  g_error ("no event %s", presso_proto_event_name (code));
}

/* Alarms other than the ones a test provokes must not appear. */
static unsigned
count_alarm_events (Fx *fx)
{
  unsigned count = 0;

  for (guint k = 0; k < fx->out->len; k++)
    {
      presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, k);

      if (m->type == PRESSO_PROTO_MSG_EVENT
          && m->u.event.code != PRESSO_PROTO_EVENT_DEVICE_RESET
          && m->u.event.code != PRESSO_PROTO_EVENT_CEILING_CLAMPED
          && m->u.event.code != PRESSO_PROTO_EVENT_PROGRAM_FINISHED)
        count++;
    }
  return count;
}

static presso_proto_telemetry
last_telemetry (Fx *fx)
{
  for (guint k = fx->out->len; k > 0; k--)
    {
      presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, k - 1);

      if (m->type == PRESSO_PROTO_MSG_TELEMETRY)
        return m->u.telemetry;
    }
  g_error ("no telemetry");
}

/* The telemetry the next frame would carry. */
static presso_proto_telemetry
telemetry_now (Fx *fx)
{
  presso_proto_telemetry t;

  presso_ctl_get_telemetry (&fx->ctl, &t);
  return t;
}

static presso_proto_state
state (Fx *fx)
{
  return presso_ctl_get_state (&fx->ctl);
}

/* Every inlet closed, every vent open, compressor off, right now. */
static void
assert_vented_outputs (Fx *fx)
{
  for (unsigned i = 0; i < fx->n; i++)
    {
      g_assert_false (fx->inlet[i]);
      g_assert_true (fx->vent[i]);
    }
  g_assert_cmpfloat (fx->duty, ==, 0.0);
}

static void
assert_alarm (Fx *fx, uint8_t code, uint8_t chamber, uint8_t priority)
{
  presso_proto_event ev = find_event (fx, code);

  g_assert_cmpuint (count_events (fx, code), ==, 1);
  g_assert_cmpuint (ev.chamber, ==, chamber);
  g_assert_cmpuint (ev.priority, ==, priority);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  g_assert_true (presso_ctl_get_alarms (&fx->ctl) & (1u << (code - 1)));
  assert_vented_outputs (fx);
  /* Then the chambers empty and the alarm stays latched. */
  run_ms (fx, 1500);
  assert_vented_outputs (fx);
  if (state (fx) != PRESSO_PROTO_STATE_VENTING)
    g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  run_ms (fx, 5000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  g_assert_cmpuint (telemetry_now (fx).alarm_flags & (1u << (code - 1)), !=, 0);
  assert_vented_outputs (fx);
}

static presso_proto_program
program (Fx *fx, uint8_t mode)
{
  presso_proto_program p = {
    .mode = mode,
    .n_chambers = fx->n,
    .chamber_mask = fx->n >= 32 ? 0xFFFFFFFFu : (1u << fx->n) - 1,
    .inflate_ds = 20,
    .hold_ds = 30,
    .deflate_ds = 20,
    .rest_ds = 10,
    .duration_s = 600,
  };

  for (unsigned i = 0; i < fx->n; i++)
    p.target_dmmhg[i] = 400;
  return p;
}

static void
ready (Fx *fx, const presso_proto_program *p)
{
  uint8_t seq;

  g_assert_cmpuint (host_hello (fx, PRESSO_PROTO_VERSION).type, ==, PRESSO_PROTO_MSG_IDENTITY);
  seq = fx->seq;
  assert_ack (host_load (fx, p), seq);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_READY);
}

/* Starts p; returns the device time of START. */
static uint32_t
start (Fx *fx, const presso_proto_program *p)
{
  ready (fx, p);
  cmd_ok (fx, PRESSO_PROTO_MSG_START);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  reset_record (fx);
  return fx->now;
}

/* Runs until the device clock reads t0 + ms. */
static void
run_until (Fx *fx, uint32_t t0, uint32_t ms)
{
  while ((int32_t) (fx->now - (t0 + ms)) < 0)
    tick (fx);
}

/* Runs until the event code is sent, at most max_ms; returns the device time it was sent. */
static uint32_t
run_until_event (Fx *fx, uint8_t code, uint32_t max_ms)
{
  uint32_t end = fx->now + max_ms;

  while (count_events (fx, code) == 0 && (int32_t) (fx->now - end) < 0)
    tick (fx);
  g_assert_cmpuint (count_events (fx, code), ==, 1);
  return find_event (fx, code).device_time_ms;
}

/* Handshake, telemetry */

static void
test_hello (void)
{
  g_autoptr (Fx) fx = NULL;
  presso_proto_outlet boots[] = {
    { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 4 },
    { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 4, 4 },
  };
  presso_proto_program p;
  presso_proto_msg reply;
  presso_proto_event reset;
  guint before;

  fx = fx_new_full (8, 2, boots, 0);
  p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);

  /* Power-up: DEVICE_RESET once, no telemetry before HELLO. */
  run_ms (fx, 200);
  reset = find_event (fx, PRESSO_PROTO_EVENT_DEVICE_RESET);
  g_assert_cmpuint (reset.priority, ==, PRESSO_PROTO_PRIORITY_MEDIUM);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_DEVICE_RESET), ==, 1);
  g_assert_cmpuint (count_msgs (fx, PRESSO_PROTO_MSG_TELEMETRY), ==, 0);

  /* Before HELLO: HEARTBEAT is acknowledged, commands are refused with NO_HELLO. */
  fx->heartbeat = FALSE;
  cmd_ok (fx, PRESSO_PROTO_MSG_HEARTBEAT);
  assert_nak (host_load (fx, &p), PRESSO_PROTO_NAK_NO_HELLO);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_NO_HELLO);
  assert_nak (host_limits (fx, 500), PRESSO_PROTO_NAK_NO_HELLO);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_STOP), PRESSO_PROTO_NAK_NO_HELLO);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);

  assert_nak (host_hello (fx, 0), PRESSO_PROTO_NAK_VERSION);

  reply = host_hello (fx, 7);
  g_assert_cmpuint (reply.type, ==, PRESSO_PROTO_MSG_IDENTITY);
  g_assert_cmpuint (reply.u.identity.proto_version, ==, PRESSO_PROTO_VERSION);
  g_assert_cmpstr (reply.u.identity.model, ==, "Presso Test");
  g_assert_cmpstr (reply.u.identity.serial, ==, "T-0001");
  g_assert_cmpstr (reply.u.identity.firmware, ==, "1.2.3");
  g_assert_cmpuint (reply.u.identity.n_chambers, ==, 8);
  g_assert_cmpint (reply.u.identity.ceiling_dmmhg, ==, PRESSO_CTL_DEFAULT_CEILING);
  g_assert_cmpuint (reply.u.identity.telemetry_hz, ==, 100);
  g_assert_cmpuint (reply.u.identity.n_outlets, ==, 2);
  g_assert_cmpuint (reply.u.identity.outlets[1].garment, ==, PRESSO_PROTO_GARMENT_BOOT_RIGHT);
  g_assert_cmpuint (reply.u.identity.outlets[1].first_chamber, ==, 4);
  g_assert_cmpuint (presso_proto_msg_check (&reply), ==, PRESSO_PROTO_OK);

  /* 100 telemetry frames a second, each valid on the wire. */
  fx->heartbeat = TRUE;
  before = fx->out->len;
  run_ms (fx, 1000);
  {
    unsigned frames = 0;

    for (guint k = before; k < fx->out->len; k++)
      {
        presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, k);

        if (m->type != PRESSO_PROTO_MSG_TELEMETRY)
          continue;
        frames++;
        g_assert_cmpuint (presso_proto_msg_check (m), ==, PRESSO_PROTO_OK);
        g_assert_cmpuint (m->u.telemetry.n_chambers, ==, 8);
        g_assert_cmpuint (m->u.telemetry.state, ==, PRESSO_PROTO_STATE_IDLE);
        g_assert_cmpuint (m->u.telemetry.vent_valves, ==, 0xFF);
      }
    g_assert_cmpuint (frames, >=, 99);
    g_assert_cmpuint (frames, <=, 101);
  }

  /* Device seq counts every frame sent. */
  {
    presso_proto_msg *a = &g_array_index (fx->out, presso_proto_msg, fx->out->len - 2);
    presso_proto_msg *b = &g_array_index (fx->out, presso_proto_msg, fx->out->len - 1);

    g_assert_cmpuint ((uint8_t) (a->seq + 1), ==, b->seq);
  }
}

static void
test_telemetry_rate (void)
{
  g_autoptr (Fx) fx = fx_new_full (4, 0, NULL, 50);
  guint before;

  host_hello (fx, 1);
  before = count_msgs (fx, PRESSO_PROTO_MSG_TELEMETRY);
  run_ms (fx, 2000);
  g_assert_cmpuint (count_msgs (fx, PRESSO_PROTO_MSG_TELEMETRY) - before, >=, 99);
  g_assert_cmpuint (count_msgs (fx, PRESSO_PROTO_MSG_TELEMETRY) - before, <=, 101);
}

static void
test_bad_config (void)
{
  presso_ctl ctl;
  Fx *fx = g_new0 (Fx, 1);
  presso_ctl_hal hal = {
    .user_data = fx,
    .set_inlet = hal_set_inlet,
    .set_vent = hal_set_vent,
    .set_compressor = hal_set_compressor,
    .read_pressure = hal_read_pressure,
    .now_ms = hal_now_ms,
  };
  presso_ctl_config cfg = { .n_chambers = 3 };

  fx->n = MAX_CH;
  fx->out = g_array_new (FALSE, TRUE, sizeof (presso_proto_msg));
  g_assert_cmpint (presso_ctl_init (&ctl, &hal, &cfg), ==, -1);
  cfg.n_chambers = 33;
  g_assert_cmpint (presso_ctl_init (&ctl, &hal, &cfg), ==, -1);
  cfg.n_chambers = 8;
  cfg.n_outlets = 2;
  cfg.outlets[0] = (presso_proto_outlet) { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 5 };
  cfg.outlets[1] = (presso_proto_outlet) { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 4, 4 };
  g_assert_cmpint (presso_ctl_init (&ctl, &hal, &cfg), ==, -1);
  cfg.outlets[0].n_chambers = 4;
  cfg.telemetry_hz = 10;
  g_assert_cmpint (presso_ctl_init (&ctl, &hal, &cfg), ==, -1);
  cfg.telemetry_hz = 0;
  g_assert_cmpint (presso_ctl_init (&ctl, &hal, &cfg), ==, 0);
  g_array_unref (fx->out);
  g_free (fx);
}

/* Commands refused in the wrong state (PROTOCOL.md section 7) */

static void
test_nak_state (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  presso_proto_msg bogus = { .type = PRESSO_PROTO_MSG_TELEMETRY };

  host_hello (fx, 1);
  /* IDLE */
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_PAUSE), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_RESUME), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  assert_ack (host_ack_alarm (fx, 0), fx->seq - 1);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);

  /* READY; STOP unloads */
  assert_ack (host_load (fx, &p), fx->seq - 1);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_PAUSE), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_RESUME), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);

  /* RUNNING */
  assert_ack (host_load (fx, &p), fx->seq - 1);
  cmd_ok (fx, PRESSO_PROTO_MSG_START);
  run_ms (fx, 500);
  assert_nak (host_load (fx, &p), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_RESUME);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);

  /* PAUSED */
  cmd_ok (fx, PRESSO_PROTO_MSG_PAUSE);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_PAUSED);
  cmd_ok (fx, PRESSO_PROTO_MSG_PAUSE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_load (fx, &p), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_RESUME);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);

  /* STOPPING */
  run_ms (fx, 1000);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_STOPPING);
  assert_nak (host_load (fx, &p), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_PAUSE), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);

  /* VENTING: ACK_ALARM refused until the chambers are empty */
  cmd_ok (fx, PRESSO_PROTO_MSG_VENT);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  assert_nak (host_ack_alarm (fx, 0), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_load (fx, &p), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  cmd_ok (fx, PRESSO_PROTO_MSG_HEARTBEAT);

  /* FAULT */
  run_ms (fx, 1500);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  assert_nak (host_load (fx, &p), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_RESUME), PRESSO_PROTO_NAK_BAD_STATE);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);

  /* A device-to-host type from the host */
  bogus.seq = fx->seq++;
  assert_nak (host_send (fx, &bogus), PRESSO_PROTO_NAK_UNKNOWN_TYPE);
  assert_vented_outputs (fx);
}

static void
test_nak_value (void)
{
  g_autoptr (Fx) fx = fx_new (8);
  presso_proto_program good = program (fx, PRESSO_PROTO_MODE_GRADIENT);
  presso_proto_program bad[16];
  unsigned n_bad = 0;
  uint32_t before;

  for (unsigned i = 0; i < 8; i++)
    good.target_dmmhg[i] = (int16_t) (800 - 50 * i);
  ready (fx, &good);

  for (unsigned k = 0; k < G_N_ELEMENTS (bad); k++)
    bad[k] = good;
  bad[n_bad++].mode = 0;
  bad[n_bad++].mode = 5;
  bad[n_bad++].n_chambers = 9;                 /* more chambers than the device has */
  bad[n_bad].n_chambers = 4;                   /* mask past n_chambers */
  bad[n_bad++].chamber_mask = 0x1F;
  bad[n_bad++].chamber_mask = 0;
  bad[n_bad++].pretherapy_mask = 0x100;        /* not a subset */
  bad[n_bad].pretherapy_mask = 0xC0;           /* mask without cycles */
  bad[n_bad++].pretherapy_cycles = 0;
  bad[n_bad++].pretherapy_cycles = 2;          /* cycles without mask */
  bad[n_bad++].inflate_ds = 1201;
  bad[n_bad].inflate_ds = bad[n_bad].hold_ds = bad[n_bad].deflate_ds = bad[n_bad].rest_ds = 0;
  n_bad++;
  bad[n_bad++].duration_s = 0;
  bad[n_bad++].duration_s = 7201;
  bad[n_bad++].ramp_s = 601;
  bad[n_bad++].target_dmmhg[3] = 0;            /* a used chamber without pressure */
  bad[n_bad++].target_dmmhg[5] = 3001;
  bad[n_bad++].target_dmmhg[6] = 700;          /* gradient rising towards the proximal end */

  for (unsigned k = 0; k < n_bad; k++)
    {
      assert_nak (host_load (fx, &bad[k]), PRESSO_PROTO_NAK_BAD_VALUE);
      g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_READY);
    }

  /* The same rising targets are fine in sequential mode; a skipped chamber's target is
   * ignored by the gradient rule. */
  bad[n_bad - 1].mode = PRESSO_PROTO_MODE_SEQUENTIAL;
  assert_ack (host_load (fx, &bad[n_bad - 1]), fx->seq - 1);
  good.chamber_mask = 0xBF;
  good.target_dmmhg[6] = 2000;
  assert_ack (host_load (fx, &good), fx->seq - 1);

  /* Value checks come before state checks. */
  cmd_ok (fx, PRESSO_PROTO_MSG_START);
  assert_nak (host_load (fx, &bad[0]), PRESSO_PROTO_NAK_BAD_VALUE);

  assert_nak (host_limits (fx, 0), PRESSO_PROTO_NAK_BAD_VALUE);
  assert_nak (host_limits (fx, 3001), PRESSO_PROTO_NAK_BAD_VALUE);
  assert_nak (host_ack_alarm (fx, 12), PRESSO_PROTO_NAK_BAD_VALUE);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);

  /* Frames the decoder rejected with a good CRC are answered too, and keep the host alive. */
  fx->heartbeat = FALSE;
  before = fx->out->len;
  run_ms (fx, 800);
  presso_ctl_handle_bad (&fx->ctl, 0x10, 77, PRESSO_PROTO_NAK_BAD_LENGTH);
  {
    presso_proto_msg *m = &g_array_index (fx->out, presso_proto_msg, fx->out->len - 1);

    g_assert_cmpuint (m->type, ==, PRESSO_PROTO_MSG_NAK);
    g_assert_cmpuint (m->u.nak.seq, ==, 77);
    g_assert_cmpuint (m->u.nak.code, ==, PRESSO_PROTO_NAK_BAD_LENGTH);
  }
  run_ms (fx, 800);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (fx->out->len, >, before);
}

static void
test_duplicate_seq (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  presso_proto_msg load = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM, .seq = 40 };

  /* Only the last command is remembered: no heartbeats in between here. */
  fx->heartbeat = FALSE;
  host_hello (fx, 1);
  load.u.program = p;
  assert_ack (host_send (fx, &load), 40);
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_START, 41), 41);
  run_ms (fx, 300);

  /* The ACK was lost and START comes again: acknowledged, not executed a second time (a
   * second START while running would be refused and would restart the program). */
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_START, 41), 41);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (fx->ctl.elapsed_ms, >=, 300);

  /* HELLO clears the memory (a restarted host may reuse any seq): executed, hence refused. */
  host_hello (fx, 1);
  assert_nak (host_cmd_seq (fx, PRESSO_PROTO_MSG_START, 41), PRESSO_PROTO_NAK_BAD_STATE);

  /* A new seq is a new command. */
  assert_nak (host_cmd_seq (fx, PRESSO_PROTO_MSG_START, 42), PRESSO_PROTO_NAK_BAD_STATE);
  /* Its retransmission gets the same NAK. */
  assert_nak (host_cmd_seq (fx, PRESSO_PROTO_MSG_START, 42), PRESSO_PROTO_NAK_BAD_STATE);
  /* Same seq, other type: new. */
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_PAUSE, 42), 42);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_PAUSED);
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_RESUME, 43), 43);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  /* RESUME 43 again, after the session went on: not executed twice. */
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_RESUME, 43), 43);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
}

static void
test_vent_duplicate (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);

  start (fx, &p);
  run_ms (fx, 1500);
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_VENT, 9), 9);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_EMERGENCY_VENT), ==, 1);
  /* While VENTING a repeated VENT is acknowledged (it is already venting). */
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_VENT, 9), 9);
  assert_vented_outputs (fx);
  run_ms (fx, 1500);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  /* In FAULT the same frame again is executed again: VENT is never skipped. */
  assert_ack (host_cmd_seq (fx, PRESSO_PROTO_MSG_VENT, 9), 9);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_EMERGENCY_VENT), ==, 2);
}

/* Ceiling and cap */

static void
test_ceiling_clamp (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  presso_proto_event ev;
  uint32_t t0;
  guint before;

  p.target_dmmhg[1] = 2500;
  p.target_dmmhg[2] = 2000;
  p.inflate_ds = 80;
  p.hold_ds = 100;
  t0 = start (fx, &p);
  ev = find_event (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED), ==, 1);
  g_assert_cmpuint (ev.chamber, ==, 1);
  g_assert_cmpint (ev.value_dmmhg, ==, 2500);
  g_assert_cmpuint (ev.priority, ==, PRESSO_PROTO_PRIORITY_LOW);

  /* Held at the ceiling, never above it. */
  run_until (fx, t0, 14000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpfloat (fx->max_p[1], <=, 150.0);
  g_assert_cmpfloat (fx->p[1], >=, 145.0);
  g_assert_cmpfloat (fx->p[2], >=, 145.0);
  g_assert_cmpfloat (fabs (fx->p[0] - 40.0), <=, 3.0);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);

  /* A limit above the ceiling is clamped too. */
  before = count_events (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED);
  assert_ack (host_limits (fx, 2000), fx->seq - 1);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED), ==, before + 1);
  ev = g_array_index (fx->out, presso_proto_msg, fx->out->len - 1).u.event;
  g_assert_cmpuint (ev.code, ==, PRESSO_PROTO_EVENT_CEILING_CLAMPED);
  g_assert_cmpuint (ev.chamber, ==, PRESSO_PROTO_NO_CHAMBER);
  g_assert_cmpint (ev.value_dmmhg, ==, 2000);

  /* A chamber above the ceiling is vented at once, in the same tick. */
  fx->sensor[3] = SENSOR_FIXED;
  fx->sensor_value[3] = 150.5;
  tick (fx);
  assert_alarm (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE, 3, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpint (find_event (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE).value_dmmhg, ==, 1505);
}

static void
test_ceiling_idle (void)
{
  g_autoptr (Fx) fx = fx_new (4);

  /* Whatever the state: here IDLE, before any HELLO. */
  run_ms (fx, 100);
  fx->sensor[0] = SENSOR_FIXED;
  fx->sensor_value[0] = 160.0;
  tick (fx);
  assert_alarm (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE, 0, PRESSO_PROTO_PRIORITY_HIGH);
}

static void
test_client_cap (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  presso_proto_event ev;
  uint32_t t0;

  p.hold_ds = 200;
  host_hello (fx, 1);
  assert_ack (host_limits (fx, 300), fx->seq - 1);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED), ==, 0);
  t0 = start (fx, &p);
  ev = find_event (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED);
  g_assert_cmpuint (ev.chamber, ==, 0);
  g_assert_cmpint (ev.value_dmmhg, ==, 400);

  run_until (fx, t0, 4000);
  for (unsigned i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (fx->max_p[i], <=, 30.5);
      g_assert_cmpfloat (fx->p[i], >=, 27.0);
    }

  /* A lower cap while running takes effect at once, without an alarm. */
  assert_ack (host_limits (fx, 200), fx->seq - 1);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_CEILING_CLAMPED), ==, 2);
  run_ms (fx, 1000);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fx->p[i], <=, 21.5);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

/* Over- and under-pressure */

static void
test_over_pressure (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.hold_ds = 200;
  t0 = start (fx, &p);
  run_until (fx, t0, 3000);
  g_assert_cmpfloat (fabs (fx->p[1] - 40.0), <=, 3.0);

  /* 16 mmHg above target: not for 1 s yet... */
  fx->sensor[1] = SENSOR_FIXED;
  fx->sensor_value[1] = 56.0;
  run_ms (fx, 950);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
  /* ...then the alarm, everything vented. */
  run_ms (fx, 100);
  assert_alarm (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE, 1, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpint (find_event (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE).value_dmmhg, ==, 560);
}

static void
test_over_pressure_brief (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.hold_ds = 200;
  t0 = start (fx, &p);
  run_until (fx, t0, 3000);
  /* Spikes shorter than a second, again and again, are not an alarm. */
  for (int k = 0; k < 5; k++)
    {
      fx->sensor[1] = SENSOR_FIXED;
      fx->sensor_value[1] = 60.0;
      run_ms (fx, 800);
      fx->sensor[1] = SENSOR_OK;
      run_ms (fx, 100);
    }
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_over_pressure_stuck_valve (void)
{
  g_autoptr (Fx) fx = fx_new (6);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  presso_proto_event ev;
  uint32_t t0;

  /* Chamber 4's inlet sticks open and its vent is blocked: it fills while chamber 0 does. */
  fx->inlet_stuck[4] = TRUE;
  fx->vent_blocked[4] = TRUE;
  t0 = start (fx, &p);
  run_until (fx, t0, 2000);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE), ==, 1);
  ev = find_event (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE);
  g_assert_cmpuint (ev.chamber, ==, 4);
  g_assert_cmpint (ev.value_dmmhg, >, 150);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  assert_vented_outputs (fx);

  /* It cannot vent: after 5 s the device says so and holds FAULT. */
  run_ms (fx, 4500);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  run_ms (fx, 1000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  ev = find_event (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT);
  g_assert_cmpuint (ev.chamber, ==, 4);
  assert_vented_outputs (fx);
  /* Every chamber that could vent did. */
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fx->p[i], <, 3.0);
}

static void
test_deflate_from_ceiling (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  /* A big chamber takes well over a second to deflate from the ceiling: no alarm. */
  fx->vent_tau[0] = 0.6;
  p.inflate_ds = 80;
  p.deflate_ds = 40;
  for (unsigned i = 0; i < 4; i++)
    p.target_dmmhg[i] = 1500;
  t0 = start (fx, &p);
  run_until (fx, t0, 11000);
  g_assert_cmpfloat (fx->p[0], >, 140.0);
  run_until (fx, t0, 12100);       /* deflating for 1.1 s */
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_DEFLATE);
  g_assert_cmpfloat (fx->p[0], >, 15.0);
  run_until (fx, t0, 16000);
  g_assert_cmpfloat (fx->p[0], <, 3.0);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_vent_blocked (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  /* Chamber 1's vent is blocked: from the deflate phase (5 s) on it stays full. */
  p.deflate_ds = 50;
  fx->vent_blocked[1] = TRUE;
  t0 = start (fx, &p);
  run_until (fx, t0, 7900);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (run_until_event (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE, 1000) - t0, <=, 8100);
  assert_alarm (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE, 1, PRESSO_PROTO_PRIORITY_HIGH);
  /* It cannot vent in VENTING either: after 5 s the device says so. */
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT), ==, 1);
}

static void
test_under_pressure (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.hold_ds = 200;
  t0 = start (fx, &p);
  run_until (fx, t0, 3000);
  fx->sensor[3] = SENSOR_FIXED;
  fx->sensor_value[3] = 24.0;
  run_ms (fx, 950);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  run_ms (fx, 100);
  assert_alarm (fx, PRESSO_PROTO_EVENT_UNDER_PRESSURE, 3, PRESSO_PROTO_PRIORITY_MEDIUM);
}

static void
test_under_pressure_burst (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.hold_ds = 200;
  t0 = start (fx, &p);
  run_until (fx, t0, 3000);
  /* A chamber bursts: the pump cannot hold it. */
  fx->leak_tau[2] = 0.05;
  run_ms (fx, 2000);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_UNDER_PRESSURE), ==, 1);
  g_assert_cmpuint (find_event (fx, PRESSO_PROTO_EVENT_UNDER_PRESSURE).chamber, ==, 2);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_LEAK), ==, 0);
  assert_vented_outputs (fx);
}

/* Leak */

static void
test_leak (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.hold_ds = 300;
  fx->leak_tau[1] = 2.0;     /* loses 20 mmHg/s at 40 mmHg: the pump keeps up, barely */
  t0 = start (fx, &p);

  /* The hold starts at 2 s: compensating, but not yet for 7 s. */
  run_until (fx, t0, 8500);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpfloat (fabs (fx->p[1] - 40.0), <=, 5.0);
  g_assert_cmpuint (run_until_event (fx, PRESSO_PROTO_EVENT_LEAK, 2000) - t0, <=, 9500);
  assert_alarm (fx, PRESSO_PROTO_EVENT_LEAK, 1, PRESSO_PROTO_PRIORITY_MEDIUM);
  g_assert_cmpuint (count_alarm_events (fx), ==, 1);
}

static void
test_no_leak_when_tight (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.hold_ds = 600;
  p.inflate_ds = 20;
  p.duration_s = 60;
  t0 = start (fx, &p);
  run_until (fx, t0, 50000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

/* Sensors */

static void
test_sensor_nan (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  t0 = start (fx, &p);
  run_until (fx, t0, 1000);
  fx->sensor[2] = SENSOR_NAN;
  tick (fx);
  g_assert_cmpint (telemetry_now (fx).pressure_dmmhg[2], ==, PRESSO_CTL_PRESSURE_INVALID);
  assert_alarm (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT, 2, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpint (last_telemetry (fx).pressure_dmmhg[2], ==, PRESSO_CTL_PRESSURE_INVALID);
}

static void
test_sensor_range (void)
{
  const double values[] = { 350.0, -25.0, INFINITY };

  for (unsigned k = 0; k < G_N_ELEMENTS (values); k++)
    {
      g_autoptr (Fx) fx = fx_new (4);
      presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
      uint32_t t0;

      t0 = start (fx, &p);
      run_until (fx, t0, 500);
      fx->sensor[0] = SENSOR_FIXED;
      fx->sensor_value[0] = values[k];
      tick (fx);
      /* A reading out of range is a sensor fault, not a pressure. */
      g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_OVER_PRESSURE), ==, 0);
      assert_alarm (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT, 0, PRESSO_PROTO_PRIORITY_HIGH);
    }
}

static void
test_sensor_fault_idle_persists (void)
{
  g_autoptr (Fx) fx = fx_new (4);

  host_hello (fx, 1);
  run_ms (fx, 100);
  fx->sensor[3] = SENSOR_NAN;
  tick (fx);
  assert_alarm (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT, 3, PRESSO_PROTO_PRIORITY_HIGH);
  /* Acknowledged while the sensor is still bad: raised again at once. */
  assert_ack (host_ack_alarm (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT), fx->seq - 1);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  tick (fx);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT), ==, 2);
  /* Repaired: the next acknowledgement sticks. */
  fx->sensor[3] = SENSOR_OK;
  run_ms (fx, 6000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  assert_ack (host_ack_alarm (fx, 0), fx->seq - 1);
  run_ms (fx, 1000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
}

static void
test_sensor_stuck (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  uint32_t t0;

  p.inflate_ds = 80;
  p.target_dmmhg[0] = 800;
  t0 = start (fx, &p);
  run_until (fx, t0, 1000);
  g_assert_cmpfloat (fx->p[0], >, 5.0);
  /* The reading freezes while the pump fills the chamber. */
  fx->sensor[0] = SENSOR_FIXED;
  fx->sensor_value[0] = fx->p[0];
  run_ms (fx, 1900);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  run_ms (fx, 300);
  assert_alarm (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT, 0, PRESSO_PROTO_PRIORITY_HIGH);
}

static void
test_sensor_stuck_high_vented (void)
{
  g_autoptr (Fx) fx = fx_new (4);

  /* A vented chamber whose reading stays at 12 mmHg: stuck (the vent should empty it). */
  host_hello (fx, 1);
  fx->sensor[1] = SENSOR_FIXED;
  fx->sensor_value[1] = 12.0;
  run_ms (fx, 1900);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  run_ms (fx, 300);
  assert_alarm (fx, PRESSO_PROTO_EVENT_SENSOR_FAULT, 1, PRESSO_PROTO_PRIORITY_HIGH);
}

/* Garment */

static void
test_garment_missing (void)
{
  g_autoptr (Fx) fx = fx_new (8);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  uint32_t t0;

  p.inflate_ds = 50;
  fx->absent[2] = TRUE;
  t0 = start (fx, &p);
  /* Chamber 2 inflates from 10 s on; 3 s of pumping without any rise. */
  run_until (fx, t0, 12900);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpfloat (fx->p[0], >, 35.0);
  g_assert_cmpfloat (fx->p[1], >, 35.0);
  run_until (fx, t0, 13600);
  assert_alarm (fx, PRESSO_PROTO_EVENT_GARMENT_MISSING, 2, PRESSO_PROTO_PRIORITY_MEDIUM);
  g_assert_cmpint (fx->first_inlet_ms[3], ==, -1);
}

/* Watchdogs */

static void
test_watchdog (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  t0 = start (fx, &p);
  fx->heartbeat = FALSE;
  run_until (fx, t0, 990);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_false (fx->vent[0]);
  run_until (fx, t0, 1010);
  assert_alarm (fx, PRESSO_PROTO_EVENT_WATCHDOG_VENT, PRESSO_PROTO_NO_CHAMBER,
                PRESSO_PROTO_PRIORITY_HIGH);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fx->p[i], <, 3.0);
}

static void
test_watchdog_heartbeat (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  uint32_t t0;

  t0 = start (fx, &p);
  fx->heartbeat = FALSE;
  /* A frame every 900 ms keeps the session going. */
  for (int k = 1; k <= 12; k++)
    {
      run_until (fx, t0, 900 * k);
      cmd_ok (fx, PRESSO_PROTO_MSG_HEARTBEAT);
    }
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);

  /* Paused counts too. */
  cmd_ok (fx, PRESSO_PROTO_MSG_PAUSE);
  run_ms (fx, 990);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_PAUSED);
  run_ms (fx, 20);
  assert_alarm (fx, PRESSO_PROTO_EVENT_WATCHDOG_VENT, PRESSO_PROTO_NO_CHAMBER,
                PRESSO_PROTO_PRIORITY_HIGH);
}

static void
test_watchdog_idle (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);

  /* Nothing is inflated in IDLE or READY: a silent host is no alarm there. */
  fx->heartbeat = FALSE;
  ready (fx, &p);
  run_ms (fx, 5000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_READY);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_loop_overrun (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  /* Harmless while nothing runs. */
  host_hello (fx, 1);
  fx->now += 200;
  tick (fx);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);

  t0 = start (fx, &p);
  run_until (fx, t0, 1500);
  fx->now += 40;
  tick (fx);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_RUNNING);
  run_ms (fx, 10);
  fx->now += 60;
  tick (fx);
  assert_alarm (fx, PRESSO_PROTO_EVENT_LOOP_OVERRUN, PRESSO_PROTO_NO_CHAMBER,
                PRESSO_PROTO_PRIORITY_HIGH);
}

/* Emergency vent */

typedef enum {
  AT_BEFORE_HELLO,
  AT_IDLE,
  AT_READY,
  AT_RUNNING,
  AT_PAUSED,
  AT_STOPPING,
  AT_FAULT,
} VentFrom;

static void
test_vent_from (gconstpointer data)
{
  VentFrom from = GPOINTER_TO_INT (data);
  g_autoptr (Fx) fx = fx_new (6);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  presso_proto_state expected[] = {
    PRESSO_PROTO_STATE_IDLE, PRESSO_PROTO_STATE_IDLE, PRESSO_PROTO_STATE_READY,
    PRESSO_PROTO_STATE_RUNNING, PRESSO_PROTO_STATE_PAUSED, PRESSO_PROTO_STATE_STOPPING,
    PRESSO_PROTO_STATE_FAULT,
  };
  uint8_t seq;

  if (from != AT_BEFORE_HELLO)
    host_hello (fx, 1);
  if (from == AT_READY)
    ready (fx, &p);
  if (from >= AT_RUNNING)
    {
      start (fx, &p);
      run_ms (fx, 4500);      /* chamber 0 full, chamber 1 filling */
      g_assert_cmpfloat (fx->p[0], >, 30.0);
    }
  if (from == AT_PAUSED)
    cmd_ok (fx, PRESSO_PROTO_MSG_PAUSE);
  if (from == AT_STOPPING)
    cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  if (from == AT_FAULT)
    {
      fx->heartbeat = FALSE;
      run_ms (fx, 3000);
      fx->heartbeat = TRUE;
      /* And inflated again behind the controller's back. */
      fx->p[2] = 60.0;
    }
  g_assert_cmpuint (state (fx), ==, expected[from]);

  seq = fx->seq;
  assert_ack (host_cmd (fx, PRESSO_PROTO_MSG_VENT), seq);
  /* Before the reply, not at the next tick. */
  assert_vented_outputs (fx);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_VENTING);
  g_assert_cmpuint (find_event (fx, PRESSO_PROTO_EVENT_EMERGENCY_VENT).priority, ==,
                    PRESSO_PROTO_PRIORITY_HIGH);

  run_ms (fx, 1500);
  for (unsigned i = 0; i < fx->n; i++)
    g_assert_cmpfloat (fx->p[i], <, 3.0);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  g_assert_true (presso_ctl_get_alarms (&fx->ctl) & (1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1)));
  assert_vented_outputs (fx);

  if (from == AT_BEFORE_HELLO)
    {
      assert_nak (host_ack_alarm (fx, 0), PRESSO_PROTO_NAK_NO_HELLO);
      host_hello (fx, 1);
    }
  assert_ack (host_ack_alarm (fx, 0), fx->seq - 1);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  /* The program is gone with the vent. */
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
}

static void
test_ack_alarm (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);

  start (fx, &p);
  fx->heartbeat = FALSE;
  run_ms (fx, 3000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  fx->heartbeat = TRUE;

  /* Acknowledging another alarm changes nothing. */
  assert_ack (host_ack_alarm (fx, PRESSO_PROTO_EVENT_LEAK), fx->seq - 1);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_FAULT);
  run_ms (fx, 20);
  g_assert_cmpuint (last_telemetry (fx).alarm_flags,
                    ==, 1u << (PRESSO_PROTO_EVENT_WATCHDOG_VENT - 1));

  assert_ack (host_ack_alarm (fx, PRESSO_PROTO_EVENT_WATCHDOG_VENT), fx->seq - 1);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  run_ms (fx, 20);
  g_assert_cmpuint (last_telemetry (fx).alarm_flags, ==, 0);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
  /* And the device can run again. */
  start (fx, &p);
  run_ms (fx, 3000);
  g_assert_cmpfloat (fabs (fx->p[0] - 40.0), <=, 3.0);
}

/* Modes */

static void
test_sequential_order (void)
{
  g_autoptr (Fx) fx = fx_new (8);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  const unsigned used[] = { 0, 1, 3, 4, 6, 7 };
  uint32_t t0;

  /* Zone skip: chambers 2 and 5 are left alone. */
  p.chamber_mask = 0xDB;
  t0 = start (fx, &p);
  run_until (fx, t0, 6 * 2000 + 1500);
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_HOLD);

  /* Bottom-up, one step (2 s) apart. */
  for (unsigned k = 0; k < G_N_ELEMENTS (used); k++)
    {
      int64_t at = fx->first_inlet_ms[used[k]] - t0;

      g_assert_cmpint (at, >=, (int64_t) k * 2000);
      g_assert_cmpint (at, <, (int64_t) k * 2000 + 300);
      g_assert_cmpfloat (fabs (fx->p[used[k]] - 40.0), <=, 3.0);
    }
  /* Skipped chambers: inlet never opened, vent never closed. */
  g_assert_cmpint (fx->first_inlet_ms[2], ==, -1);
  g_assert_cmpint (fx->first_inlet_ms[5], ==, -1);
  g_assert_false (fx->vent_closed_ever[2]);
  g_assert_false (fx->vent_closed_ever[5]);
  g_assert_cmpfloat (fx->max_p[2], <, 1.0);

  /* Deflate together, rest, and the second cycle starts over from the bottom. */
  run_until (fx, t0, 12000 + 3000 + 1500);
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_DEFLATE);
  for (unsigned i = 0; i < 8; i++)
    g_assert_cmpfloat (fx->p[i], <, 3.0);
  reset_record (fx);
  run_until (fx, t0, 12000 + 3000 + 2000 + 1000 + 500);
  g_assert_cmpuint (last_telemetry (fx).cycle, ==, 2);
  g_assert_cmpint (fx->first_inlet_ms[0], >=, 0);
  g_assert_cmpint (fx->first_inlet_ms[1], ==, -1);
  g_assert_cmpuint (last_telemetry (fx).active_chamber, ==, 0);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_outlets_levels (void)
{
  presso_proto_outlet boots[] = {
    { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 4 },
    { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 4, 4 },
  };
  g_autoptr (Fx) fx = fx_new_full (8, 2, boots, 0);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  uint32_t t0;

  t0 = start (fx, &p);
  run_until (fx, t0, 4 * 2000 + 1000);
  /* Both boots fill together, level by level from the foot up. */
  for (unsigned k = 0; k < 4; k++)
    {
      int64_t left = fx->first_inlet_ms[k] - t0, right = fx->first_inlet_ms[4 + k] - t0;

      g_assert_cmpint (left, >=, (int64_t) k * 2000);
      g_assert_cmpint (left, <, (int64_t) k * 2000 + 300);
      g_assert_cmpint (llabs (left - right), <=, 20);
    }
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_pretherapy (void)
{
  g_autoptr (Fx) fx = fx_new (8);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  uint32_t pre_cycle = 2 * 2000 + 3000 + 2000 + 1000;
  uint32_t t0;

  p.pretherapy_mask = 0xC0;   /* the two proximal chambers clear the way first */
  p.pretherapy_cycles = 2;
  t0 = start (fx, &p);
  run_until (fx, t0, 1000);
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_PRETHERAPY);
  g_assert_cmpuint (last_telemetry (fx).active_chamber, ==, 6);

  run_until (fx, t0, 2 * pre_cycle - 100);
  g_assert_cmpint (fx->first_inlet_ms[6] - t0, <, 300);
  g_assert_cmpint (fx->first_inlet_ms[7] - t0, >=, 2000);
  g_assert_cmpint (fx->first_inlet_ms[7] - t0, <, 2300);
  for (unsigned i = 0; i < 6; i++)
    g_assert_cmpint (fx->first_inlet_ms[i], ==, -1);
  g_assert_cmpuint (last_telemetry (fx).cycle, ==, 2);

  /* Then the main cycles over every chamber, from the bottom. */
  run_until (fx, t0, 2 * pre_cycle + 1000);
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_INFLATE);
  g_assert_cmpuint (last_telemetry (fx).cycle, ==, 3);
  g_assert_cmpint (fx->first_inlet_ms[0] - t0, >=, 2 * pre_cycle);
  g_assert_cmpint (fx->first_inlet_ms[1], ==, -1);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_pretherapy_continuous (void)
{
  g_autoptr (Fx) fx = fx_new (6);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t pre_cycle = 2 * 2000 + 3000 + 2000 + 1000;
  uint32_t t0;

  /* Pre-therapy runs sequential cycles whatever the main mode... */
  p.pretherapy_mask = 0x30;
  p.pretherapy_cycles = 1;
  t0 = start (fx, &p);
  run_until (fx, t0, pre_cycle - 100);
  g_assert_cmpint (fx->first_inlet_ms[4] - t0, <, 300);
  g_assert_cmpint (fx->first_inlet_ms[5] - t0, >=, 2000);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpint (fx->first_inlet_ms[i], ==, -1);

  /* ...then every chamber together. */
  reset_record (fx);
  run_until (fx, t0, pre_cycle + 1000);
  for (unsigned i = 0; i < 6; i++)
    g_assert_cmpint (llabs (fx->first_inlet_ms[i] - fx->first_inlet_ms[0]), <=, 10);
  g_assert_cmpint (fx->first_inlet_ms[0] - t0, >=, pre_cycle);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_continuous (void)
{
  g_autoptr (Fx) fx = fx_new (6);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  t0 = start (fx, &p);
  run_until (fx, t0, 3500);
  for (unsigned i = 0; i < 6; i++)
    {
      g_assert_cmpint (fx->first_inlet_ms[i], >=, 0);
      g_assert_cmpint (llabs (fx->first_inlet_ms[i] - fx->first_inlet_ms[0]), <=, 10);
      g_assert_cmpfloat (fabs (fx->p[i] - 40.0), <=, 3.0);
    }
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_HOLD);
  run_until (fx, t0, 6500);
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_DEFLATE);
  for (unsigned i = 0; i < 6; i++)
    g_assert_cmpfloat (fx->p[i], <, 3.0);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_wave (void)
{
  g_autoptr (Fx) fx = fx_new (5);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_WAVE);
  uint32_t t0;

  p.inflate_ds = 20;
  p.hold_ds = 10;
  t0 = start (fx, &p);
  for (unsigned k = 0; k < 5; k++)
    {
      /* Level k holds at the end of its step... */
      run_until (fx, t0, k * 3000 + 2900);
      g_assert_cmpfloat (fabs (fx->p[k] - 40.0), <=, 3.0);
      g_assert_false (fx->vent[k]);
      for (unsigned j = 0; j < 5; j++)
        if (j != k)
          g_assert_cmpfloat (fx->p[j], <, 5.0);
      /* ...and vents as the next one fills. */
      run_until (fx, t0, k * 3000 + 3500);
      g_assert_true (fx->vent[k]);
      g_assert_false (fx->inlet[k]);
      if (k + 1 < 5)
        {
          g_assert_false (fx->vent[k + 1]);
          g_assert_cmpint (fx->first_inlet_ms[k + 1] - t0, >=, (k + 1) * 3000);
        }
    }
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_gradient (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_GRADIENT);
  const int16_t targets[] = { 700, 600, 500, 400 };
  uint32_t t0;

  p.inflate_ds = 30;
  for (unsigned i = 0; i < 4; i++)
    p.target_dmmhg[i] = targets[i];
  t0 = start (fx, &p);
  run_until (fx, t0, 4 * 3000 + 2000);
  g_assert_cmpuint (last_telemetry (fx).phase, ==, PRESSO_PROTO_PHASE_HOLD);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (fx->p[i] - targets[i] / 10.0), <=, 3.0);
  for (unsigned i = 1; i < 4; i++)
    g_assert_cmpint (fx->first_inlet_ms[i], >, fx->first_inlet_ms[i - 1]);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

/* Soft start, inflate steps, pause, end */

static void
test_soft_start (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  p.ramp_s = 20;
  p.hold_ds = 600;
  t0 = start (fx, &p);
  run_until (fx, t0, 5000);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (fx->p[i] - 10.0), <=, 2.5);
  run_until (fx, t0, 10000);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (fx->p[i] - 20.0), <=, 2.5);
  run_until (fx, t0, 25000);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (fx->p[i] - 40.0), <=, 2.5);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_inflate_step_rate (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  uint32_t t0;

  /* The compressor could fill chamber 0 in under a second: the 4 s step spreads it. */
  p.inflate_ds = 40;
  t0 = start (fx, &p);
  run_until (fx, t0, 1000);
  g_assert_cmpfloat (fabs (fx->p[0] - 10.0), <=, 2.5);
  run_until (fx, t0, 2000);
  g_assert_cmpfloat (fabs (fx->p[0] - 20.0), <=, 2.5);
  run_until (fx, t0, 4000);
  g_assert_cmpfloat (fabs (fx->p[0] - 40.0), <=, 2.5);
}

static void
test_pause_resume (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_SEQUENTIAL);
  double held[4];
  uint16_t elapsed;
  uint32_t t0;

  t0 = start (fx, &p);
  run_until (fx, t0, 3000);
  cmd_ok (fx, PRESSO_PROTO_MSG_PAUSE);
  tick (fx);
  elapsed = last_telemetry (fx).elapsed_s;
  memcpy (held, fx->p, sizeof held);
  g_assert_cmpfloat (held[0], >, 35.0);
  g_assert_cmpfloat (held[1], >, 10.0);

  /* Valves shut, compressor off, air where it was, program time stopped. */
  run_ms (fx, 5000);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_PAUSED);
  g_assert_cmpfloat (fx->duty, ==, 0.0);
  for (unsigned i = 0; i < 4; i++)
    {
      g_assert_false (fx->inlet[i]);
      g_assert_cmpfloat (fabs (fx->p[i] - held[i]), <=, 1.5);
    }
  g_assert_false (fx->vent[0]);
  g_assert_false (fx->vent[1]);
  g_assert_true (fx->vent[3]);
  g_assert_cmpuint (last_telemetry (fx).elapsed_s, ==, elapsed);
  g_assert_cmpuint (last_telemetry (fx).state, ==, PRESSO_PROTO_STATE_PAUSED);

  /* Resumed where it stopped. */
  cmd_ok (fx, PRESSO_PROTO_MSG_RESUME);
  run_ms (fx, 2500);
  g_assert_cmpuint (last_telemetry (fx).elapsed_s, ==, 5);
  g_assert_cmpfloat (fabs (fx->p[1] - 40.0), <=, 3.0);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

static void
test_program_finished (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  presso_proto_event ev;
  uint32_t t0;

  p.hold_ds = 200;
  p.duration_s = 10;
  t0 = start (fx, &p);
  run_until (fx, t0, 9000);
  g_assert_cmpuint (last_telemetry (fx).remaining_s, ==, 1);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_PROGRAM_FINISHED), ==, 0);
  g_assert_cmpfloat (fx->p[0], >, 35.0);
  run_until (fx, t0, 10010);
  ev = find_event (fx, PRESSO_PROTO_EVENT_PROGRAM_FINISHED);
  g_assert_cmpuint (ev.priority, ==, PRESSO_PROTO_PRIORITY_INFO);
  g_assert_cmpuint (ev.device_time_ms - t0, >=, 10000);
  g_assert_cmpuint (ev.device_time_ms - t0, <, 10010);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_STOPPING);
  assert_vented_outputs (fx);

  run_ms (fx, 1500);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  for (unsigned i = 0; i < 4; i++)
    g_assert_cmpfloat (fx->p[i], <, 3.0);
  assert_vented_outputs (fx);
  g_assert_cmpuint (count_events (fx, PRESSO_PROTO_EVENT_PROGRAM_FINISHED), ==, 1);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
  assert_nak (host_cmd (fx, PRESSO_PROTO_MSG_START), PRESSO_PROTO_NAK_BAD_STATE);
}

static void
test_stop (void)
{
  g_autoptr (Fx) fx = fx_new (4);
  presso_proto_program p = program (fx, PRESSO_PROTO_MODE_CONTINUOUS);
  uint32_t t0;

  t0 = start (fx, &p);
  run_until (fx, t0, 3000);
  cmd_ok (fx, PRESSO_PROTO_MSG_STOP);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_STOPPING);
  tick (fx);
  assert_vented_outputs (fx);
  g_assert_cmpuint (telemetry_now (fx).phase, ==, PRESSO_PROTO_PHASE_DEFLATE);
  run_ms (fx, 1500);
  g_assert_cmpuint (state (fx), ==, PRESSO_PROTO_STATE_IDLE);
  g_assert_cmpuint (count_alarm_events (fx), ==, 0);
}

int
main (int argc, char *argv[])
{
  static const char *vent_names[] = {
    "before-hello", "idle", "ready", "running", "paused", "stopping", "fault",
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/controller/hello", test_hello);
  g_test_add_func ("/presso/controller/telemetry-rate", test_telemetry_rate);
  g_test_add_func ("/presso/controller/bad-config", test_bad_config);
  g_test_add_func ("/presso/controller/nak/state", test_nak_state);
  g_test_add_func ("/presso/controller/nak/value", test_nak_value);
  g_test_add_func ("/presso/controller/duplicate-seq", test_duplicate_seq);
  g_test_add_func ("/presso/controller/vent/duplicate", test_vent_duplicate);
  for (unsigned k = 0; k < G_N_ELEMENTS (vent_names); k++)
    {
      g_autofree char *path = g_strdup_printf ("/presso/controller/vent/from-%s", vent_names[k]);

      g_test_add_data_func (path, GINT_TO_POINTER (k), test_vent_from);
    }
  g_test_add_func ("/presso/controller/ack-alarm", test_ack_alarm);
  g_test_add_func ("/presso/controller/safety/ceiling-clamp", test_ceiling_clamp);
  g_test_add_func ("/presso/controller/safety/ceiling-idle", test_ceiling_idle);
  g_test_add_func ("/presso/controller/safety/client-cap", test_client_cap);
  g_test_add_func ("/presso/controller/safety/over-pressure", test_over_pressure);
  g_test_add_func ("/presso/controller/safety/over-pressure-brief", test_over_pressure_brief);
  g_test_add_func ("/presso/controller/safety/over-pressure-stuck-valve",
                   test_over_pressure_stuck_valve);
  g_test_add_func ("/presso/controller/safety/deflate-from-ceiling", test_deflate_from_ceiling);
  g_test_add_func ("/presso/controller/safety/vent-blocked", test_vent_blocked);
  g_test_add_func ("/presso/controller/safety/under-pressure", test_under_pressure);
  g_test_add_func ("/presso/controller/safety/under-pressure-burst", test_under_pressure_burst);
  g_test_add_func ("/presso/controller/safety/leak", test_leak);
  g_test_add_func ("/presso/controller/safety/no-leak", test_no_leak_when_tight);
  g_test_add_func ("/presso/controller/safety/sensor-nan", test_sensor_nan);
  g_test_add_func ("/presso/controller/safety/sensor-range", test_sensor_range);
  g_test_add_func ("/presso/controller/safety/sensor-persists", test_sensor_fault_idle_persists);
  g_test_add_func ("/presso/controller/safety/sensor-stuck", test_sensor_stuck);
  g_test_add_func ("/presso/controller/safety/sensor-stuck-vented", test_sensor_stuck_high_vented);
  g_test_add_func ("/presso/controller/safety/garment-missing", test_garment_missing);
  g_test_add_func ("/presso/controller/safety/watchdog", test_watchdog);
  g_test_add_func ("/presso/controller/safety/watchdog-heartbeat", test_watchdog_heartbeat);
  g_test_add_func ("/presso/controller/safety/watchdog-idle", test_watchdog_idle);
  g_test_add_func ("/presso/controller/safety/loop-overrun", test_loop_overrun);
  g_test_add_func ("/presso/controller/mode/sequential", test_sequential_order);
  g_test_add_func ("/presso/controller/mode/outlets", test_outlets_levels);
  g_test_add_func ("/presso/controller/mode/pretherapy", test_pretherapy);
  g_test_add_func ("/presso/controller/mode/pretherapy-continuous", test_pretherapy_continuous);
  g_test_add_func ("/presso/controller/mode/continuous", test_continuous);
  g_test_add_func ("/presso/controller/mode/wave", test_wave);
  g_test_add_func ("/presso/controller/mode/gradient", test_gradient);
  g_test_add_func ("/presso/controller/soft-start", test_soft_start);
  g_test_add_func ("/presso/controller/inflate-step", test_inflate_step_rate);
  g_test_add_func ("/presso/controller/pause-resume", test_pause_resume);
  g_test_add_func ("/presso/controller/program-finished", test_program_finished);
  g_test_add_func ("/presso/controller/stop", test_stop);

  return g_test_run ();
}
