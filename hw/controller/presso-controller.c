/* presso-controller.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The device side of hw/protocol/PROTOCOL.md.  The rules, evaluated on every tick (an alarm
 * vents every chamber, stops the compressor, sends its event once, goes to VENTING and then
 * latches FAULT until ACK_ALARM):
 *
 *  - sensor fault: a reading that is NaN or outside -20..300 mmHg; a reading that does not
 *    move by 0.05 mmHg during PRESSO_CTL_STUCK_MS while its valves should move it (pumping,
 *    or venting above 5 mmHg; readings under 2 mmHg are not judged); a chamber still above
 *    3 mmHg 5 s after STOPPING or VENTING began (it will not vent);
 *  - hard ceiling, in every state: a chamber above the ceiling has its vent opened at once,
 *    OVER_PRESSURE;
 *  - over-pressure: an inflating or holding chamber more than 15 mmHg above its current
 *    setpoint for more than 1 s; a vented chamber above 15 mmHg that fills up again (5 mmHg
 *    over its lowest) for more than 1 s, or that stays above 15 mmHg for more than 3 s (a big
 *    chamber needs about a second to deflate from the ceiling); not in STOPPING and VENTING,
 *    which have their own 5 s limit;
 *  - under-pressure: a holding chamber more than 15 mmHg below its setpoint for more than 1 s,
 *    judged once it has reached its setpoint (a slow fill is not an alarm);
 *  - leak: a holding chamber that reached its setpoint and needs its inlet opened again and
 *    again (gaps shorter than 0.5 s) for more than 7 s, soft start over;
 *  - garment missing: 3 s of pumping into a chamber (setpoint >= 5 mmHg) without it ever rising
 *    above 3 mmHg;
 *  - host watchdog: RUNNING or PAUSED and no frame from the host for more than 1 s;
 *  - loop watchdog: more than 50 ms between two ticks while RUNNING, PAUSED or STOPPING.
 *
 * Pressure loop: bang-bang with hysteresis per chamber.  The inlet opens below setpoint - 1.5
 * and closes at the setpoint; the vent opens above setpoint + 3 and closes at setpoint + 0.5.
 * The compressor runs while any inlet is open, harder the further a chamber is from its
 * setpoint (duty 0.5..1).  During its inflate step a chamber's setpoint rises linearly from 0
 * to its target, so no chamber inflates faster than its program step allows.  PAUSED closes
 * both valves of every inflated chamber and stops the compressor.
 */
#include "presso-controller.h"

#include <math.h>
#include <string.h>

enum {
  CHAMBER_VENT    = 0,
  CHAMBER_INFLATE = 1,
  CHAMBER_HOLD    = 2,
};

#define HYST_LOW_MMHG         1.5
#define HYST_HIGH_MMHG        3.0
#define RELEASE_STOP_MMHG     0.5
#define REACHED_MMHG          2.0
#define LEAK_GAP_MS           500
#define STUCK_DELTA_MMHG      0.05
#define STUCK_MIN_MMHG        2.0
#define STUCK_VENT_MIN_MMHG   5.0
#define GARMENT_MIN_SP_MMHG   5.0
#define CEILING_MARGIN_MMHG   1.0   /* the loop aims this far under the ceiling at most */
#define VENT_RISE_MMHG        5.0   /* a vented chamber this far above its lowest is filling */
#define VENT_HIGH_MS          3000  /* a vented chamber above 15 mmHg this long is not venting */
#define MAX_ALARM_CODE        PRESSO_PROTO_EVENT_LOOP_OVERRUN

static double
dmmhg_to_mmhg (int32_t dmmhg)
{
  return dmmhg / 10.0;
}

static int16_t
mmhg_to_dmmhg (double mmhg)
{
  double d;

  if (!isfinite (mmhg))
    return 0;
  d = round (mmhg * 10.0);
  if (d > INT16_MAX)
    return INT16_MAX;
  if (d < INT16_MIN + 1)
    return INT16_MIN + 1;
  return (int16_t) d;
}

static uint32_t
used_mask (unsigned n)
{
  return n >= 32 ? 0xFFFFFFFFu : ((1u << n) - 1u);
}

static bool
is_deflating (const presso_ctl *ctl)
{
  return ctl->state == PRESSO_PROTO_STATE_STOPPING || ctl->state == PRESSO_PROTO_STATE_VENTING;
}

static void
copy_name (char       *dst,
           size_t      size,
           const char *src)
{
  memset (dst, 0, size);
  if (src)
    {
      size_t len = strlen (src);

      if (len > size - 1)
        len = size - 1;
      for (size_t i = 0; i < len; i++)
        dst[i] = (src[i] >= 0x20 && src[i] <= 0x7E) ? src[i] : '?';
    }
}

static void
send (presso_ctl       *ctl,
      presso_proto_msg *msg)
{
  msg->seq = ctl->tx_seq++;
  if (ctl->output)
    ctl->output (msg, ctl->output_data);
}

static void
send_event (presso_ctl *ctl,
            uint8_t     code,
            uint8_t     chamber,
            int16_t     value_dmmhg)
{
  presso_proto_msg msg;

  memset (&msg, 0, sizeof msg);
  msg.type = PRESSO_PROTO_MSG_EVENT;
  msg.u.event.device_time_ms = ctl->hal.now_ms (ctl->hal.user_data);
  msg.u.event.code = code;
  msg.u.event.priority = (uint8_t) presso_proto_event_priority ((presso_proto_event_code) code);
  msg.u.event.chamber = chamber;
  msg.u.event.value_dmmhg = value_dmmhg;
  send (ctl, &msg);
}

static void
vent_chamber_now (presso_ctl *ctl,
                  unsigned    i)
{
  presso_ctl_chamber *c = &ctl->ch[i];

  c->mode = CHAMBER_VENT;
  c->inlet = false;
  c->vent = true;
  c->pumping = false;
  c->releasing = false;
  c->setpoint = 0;
  c->full_setpoint = 0;
  c->vent_min = HUGE_VAL;
  c->over_ms = 0;
  c->vent_high_ms = 0;
  ctl->hal.set_inlet (ctl->hal.user_data, i, false);
  ctl->hal.set_vent (ctl->hal.user_data, i, true);
}

/* Every inlet closed, every vent open, compressor off: the safe position. */
static void
vent_all_now (presso_ctl *ctl)
{
  ctl->duty = 0;
  ctl->hal.set_compressor (ctl->hal.user_data, 0.0);
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    vent_chamber_now (ctl, i);
  ctl->active_chamber = PRESSO_PROTO_NO_CHAMBER;
}

static void
discard_program (presso_ctl *ctl)
{
  ctl->has_program = false;
  ctl->elapsed_ms = 0;
  ctl->cycle = 0;
}

static void
enter_venting (presso_ctl *ctl)
{
  vent_all_now (ctl);
  discard_program (ctl);
  ctl->state = PRESSO_PROTO_STATE_VENTING;
  ctl->phase = PRESSO_PROTO_PHASE_DEFLATE;
  ctl->state_ms = 0;
}

/* Vents, latches the alarm and reports it once: a latched alarm is not raised again. */
static void
raise_alarm (presso_ctl *ctl,
             uint8_t     code,
             uint8_t     chamber,
             double      value_mmhg)
{
  uint32_t bit = 1u << (code - 1);

  vent_all_now (ctl);
  if (ctl->state != PRESSO_PROTO_STATE_VENTING && ctl->state != PRESSO_PROTO_STATE_FAULT)
    enter_venting (ctl);
  if (ctl->alarms & bit)
    return;
  ctl->alarms |= bit;
  send_event (ctl, code, chamber, mmhg_to_dmmhg (value_mmhg));
}

static void
reset_chamber_counters (presso_ctl_chamber *c)
{
  c->reached = false;
  c->rose = false;
  c->over_ms = 0;
  c->under_ms = 0;
  c->leak_ms = 0;
  c->leak_gap_ms = 0;
  c->garment_ms = 0;
  c->pumping = false;
  c->releasing = false;
}

/* Chambers of the same level (index from the distal end) of every outlet fill together. */
static void
compute_levels (presso_ctl *ctl)
{
  unsigned max_level = 0;

  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    ctl->ch[i].level = (uint8_t) i;

  for (unsigned o = 0; o < ctl->cfg.n_outlets; o++)
    {
      const presso_proto_outlet *out = &ctl->cfg.outlets[o];

      for (unsigned k = 0; k < out->n_chambers; k++)
        ctl->ch[out->first_chamber + k].level = (uint8_t) k;
    }

  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    if (ctl->ch[i].level > max_level)
      max_level = ctl->ch[i].level;
  ctl->n_levels = (uint8_t) (max_level + 1);
}

static uint8_t
build_steps (const presso_ctl *ctl,
             uint32_t          mask,
             uint32_t         *steps)
{
  uint8_t n = 0;

  for (unsigned level = 0; level < ctl->n_levels; level++)
    {
      uint32_t m = 0;

      for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
        if ((mask & (1u << i)) && ctl->ch[i].level == level)
          m |= 1u << i;
      if (m)
        steps[n++] = m;
    }
  return n;
}

/* PROTOCOL.md 8.5: the ranges of LOAD_PROGRAM, and what this device can run. */
static bool
validate_program (const presso_ctl           *ctl,
                  const presso_proto_program *p)
{
  uint32_t all;

  if (p->mode < PRESSO_PROTO_MODE_SEQUENTIAL || p->mode > PRESSO_PROTO_MODE_GRADIENT)
    return false;
  if (p->n_chambers < 1 || p->n_chambers > ctl->cfg.n_chambers)
    return false;
  all = used_mask (p->n_chambers);
  if (p->chamber_mask == 0 || (p->chamber_mask & ~all) != 0)
    return false;
  if ((p->pretherapy_mask & ~p->chamber_mask) != 0)
    return false;
  if ((p->pretherapy_mask != 0) != (p->pretherapy_cycles != 0)
      || p->pretherapy_cycles > PRESSO_PROTO_MAX_PRETHERAPY_CYCLES)
    return false;
  if (p->inflate_ds > PRESSO_PROTO_MAX_STEP_DS || p->hold_ds > PRESSO_PROTO_MAX_STEP_DS
      || p->deflate_ds > PRESSO_PROTO_MAX_STEP_DS || p->rest_ds > PRESSO_PROTO_MAX_STEP_DS)
    return false;
  if (p->inflate_ds + p->hold_ds + p->deflate_ds + p->rest_ds == 0)
    return false;
  if (p->duration_s < 1 || p->duration_s > PRESSO_PROTO_MAX_DURATION_S
      || p->ramp_s > PRESSO_PROTO_MAX_RAMP_S)
    return false;

  for (unsigned i = 0; i < p->n_chambers; i++)
    {
      if (p->target_dmmhg[i] < 0 || p->target_dmmhg[i] > PRESSO_PROTO_MAX_TARGET_DMMHG)
        return false;
      if ((p->chamber_mask & (1u << i)) && p->target_dmmhg[i] < 1)
        return false;
    }

  /* Gradient: no used chamber above a used chamber with a lower index. */
  if (p->mode == PRESSO_PROTO_MODE_GRADIENT)
    {
      int32_t lowest = INT32_MAX;

      for (unsigned i = 0; i < p->n_chambers; i++)
        if (p->chamber_mask & (1u << i))
          {
            if (p->target_dmmhg[i] > lowest)
              return false;
            lowest = p->target_dmmhg[i];
          }
    }

  return true;
}

static uint32_t
cycle_length_ms (const presso_proto_program *p,
                 uint8_t                     mode,
                 unsigned                    n_steps)
{
  uint32_t inflate = p->inflate_ds * 100u, hold = p->hold_ds * 100u;
  uint32_t tail = (p->deflate_ds + p->rest_ds) * 100u;

  switch (mode)
    {
    case PRESSO_PROTO_MODE_CONTINUOUS:
      return inflate + hold + tail;
    case PRESSO_PROTO_MODE_WAVE:
      return n_steps * (inflate + hold) + tail;
    default:
      return n_steps * inflate + hold + tail;
    }
}

static void
set_step_mode (presso_ctl *ctl,
               uint8_t    *modes,
               uint32_t    mask,
               uint8_t     mode,
               double      fraction)
{
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    if (mask & (1u << i))
      {
        modes[i] = mode;
        ctl->step_fraction[i] = mode == CHAMBER_INFLATE ? fraction : 1.0;
      }
}

/* Where the program is at elapsed_ms: a mode per chamber (and how far into its inflate step),
 * the phase, the cycle (1-based). */
static void
program_position (presso_ctl *ctl,
                  uint8_t    *modes)
{
  const presso_proto_program *p = &ctl->program;
  uint32_t inflate = p->inflate_ds * 100u, hold = p->hold_ds * 100u;
  uint32_t deflate = p->deflate_ds * 100u;
  /* Pre-therapy cycles are sequential whatever the program's mode. */
  uint32_t pre_len = cycle_length_ms (p, PRESSO_PROTO_MODE_SEQUENTIAL, ctl->n_pre_steps);
  uint32_t main_len = cycle_length_ms (p, p->mode, ctl->n_main_steps);
  uint32_t pre_total = ctl->n_pre_steps ? p->pretherapy_cycles * pre_len : 0;
  uint32_t t = ctl->elapsed_ms, off, n;
  const uint32_t *steps;
  bool pre;
  uint8_t mode;
  uint8_t phase = PRESSO_PROTO_PHASE_REST;

  if (t < pre_total)
    {
      pre = true;
      ctl->cycle = (uint16_t) (t / pre_len + 1);
      off = t % pre_len;
      steps = ctl->pre_steps;
      n = ctl->n_pre_steps;
    }
  else
    {
      pre = false;
      ctl->cycle = (uint16_t) ((pre_total ? p->pretherapy_cycles : 0)
                               + (t - pre_total) / main_len + 1);
      off = (t - pre_total) % main_len;
      steps = ctl->main_steps;
      n = ctl->n_main_steps;
    }

  mode = pre ? PRESSO_PROTO_MODE_SEQUENTIAL : p->mode;
  switch (mode)
    {
    case PRESSO_PROTO_MODE_CONTINUOUS:
      if (off < inflate)
        phase = PRESSO_PROTO_PHASE_INFLATE;
      else if (off < inflate + hold)
        phase = PRESSO_PROTO_PHASE_HOLD;
      else if (off < inflate + hold + deflate)
        phase = PRESSO_PROTO_PHASE_DEFLATE;
      if (phase == PRESSO_PROTO_PHASE_INFLATE || phase == PRESSO_PROTO_PHASE_HOLD)
        for (unsigned s = 0; s < n; s++)
          set_step_mode (ctl, modes, steps[s],
                         phase == PRESSO_PROTO_PHASE_INFLATE ? CHAMBER_INFLATE : CHAMBER_HOLD,
                         inflate ? (double) off / inflate : 1.0);
      break;

    case PRESSO_PROTO_MODE_WAVE:
      /* One level at a time: the level below vents as the next one fills. */
      if (off < n * (inflate + hold))
        {
          uint32_t s = off / (inflate + hold), w = off % (inflate + hold);

          phase = w < inflate ? PRESSO_PROTO_PHASE_INFLATE : PRESSO_PROTO_PHASE_HOLD;
          set_step_mode (ctl, modes, steps[s], w < inflate ? CHAMBER_INFLATE : CHAMBER_HOLD,
                         inflate ? (double) w / inflate : 1.0);
        }
      else if (off < n * (inflate + hold) + deflate)
        phase = PRESSO_PROTO_PHASE_DEFLATE;
      break;

    default: /* SEQUENTIAL, GRADIENT: level after level, each holding once inflated */
      if (off < n * inflate)
        {
          uint32_t s = off / inflate;

          phase = PRESSO_PROTO_PHASE_INFLATE;
          for (unsigned k = 0; k < s; k++)
            set_step_mode (ctl, modes, steps[k], CHAMBER_HOLD, 1.0);
          set_step_mode (ctl, modes, steps[s], CHAMBER_INFLATE,
                         (double) (off - s * inflate) / inflate);
        }
      else if (off < n * inflate + hold)
        {
          phase = PRESSO_PROTO_PHASE_HOLD;
          for (unsigned k = 0; k < n; k++)
            set_step_mode (ctl, modes, steps[k], CHAMBER_HOLD, 1.0);
        }
      else if (off < n * inflate + hold + deflate)
        phase = PRESSO_PROTO_PHASE_DEFLATE;
      break;
    }

  ctl->phase = pre ? PRESSO_PROTO_PHASE_PRETHERAPY : phase;
}

/* The target after the client's cap and the ceiling.  A target clamped to the ceiling is held
 * a little under it, so that sensor noise does not trip the ceiling alarm. */
static double
effective_target_mmhg (const presso_ctl *ctl,
                       unsigned          i)
{
  int32_t t = ctl->program.target_dmmhg[i];
  double ceiling = dmmhg_to_mmhg (ctl->cfg.ceiling_dmmhg);
  double mmhg;

  if (t > ctl->cap_dmmhg)
    t = ctl->cap_dmmhg;
  mmhg = dmmhg_to_mmhg (t);
  if (mmhg > ceiling - CEILING_MARGIN_MMHG)
    mmhg = ceiling - CEILING_MARGIN_MMHG;
  return mmhg > 0 ? mmhg : 0;
}

static double
ramp_scale (const presso_ctl *ctl)
{
  uint32_t ramp_ms = ctl->program.ramp_s * 1000u;

  if (ramp_ms == 0 || ctl->elapsed_ms >= ramp_ms)
    return 1.0;
  return (double) ctl->elapsed_ms / ramp_ms;
}

static void
set_modes (presso_ctl    *ctl,
           const uint8_t *modes,
           const double  *full)
{
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    {
      presso_ctl_chamber *c = &ctl->ch[i];
      uint8_t mode = modes[i];

      if (mode != CHAMBER_VENT && c->mode == CHAMBER_VENT)
        reset_chamber_counters (c);
      if (mode == CHAMBER_VENT && c->mode != CHAMBER_VENT)
        {
          c->over_ms = 0;
          c->vent_high_ms = 0;
          c->vent_min = HUGE_VAL;
        }
      c->mode = mode;
      c->full_setpoint = mode == CHAMBER_VENT ? 0.0 : full[i];
      c->setpoint = mode == CHAMBER_INFLATE ? full[i] * ctl->step_fraction[i] : c->full_setpoint;
    }
}

/* The pressure loop: valve positions and compressor duty from modes and setpoints. */
static void
control (presso_ctl *ctl)
{
  bool frozen = ctl->state == PRESSO_PROTO_STATE_PAUSED;
  double duty = 0;

  ctl->active_chamber = PRESSO_PROTO_NO_CHAMBER;

  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    {
      presso_ctl_chamber *c = &ctl->ch[i];
      double p = c->pressure, sp = c->setpoint;

      if (c->mode == CHAMBER_VENT || !c->valid)
        {
          c->pumping = false;
          c->releasing = false;
          c->inlet = false;
          c->vent = true;
          continue;
        }

      /* Reached its setpoint; a setpoint that rose since (soft start, a higher cap) has to be
       * reached again before under-pressure and leak are judged. */
      if (c->reached && c->full_setpoint > c->reached_setpoint + REACHED_MMHG)
        c->reached = false;
      if (!c->reached && p >= c->full_setpoint - REACHED_MMHG)
        {
          c->reached = true;
          c->reached_setpoint = c->full_setpoint;
        }

      if (frozen)
        {
          /* PAUSED: the air stays where it is. */
          c->pumping = false;
          c->releasing = false;
          c->inlet = false;
          c->vent = false;
          continue;
        }

      if (c->mode == CHAMBER_INFLATE && ctl->active_chamber == PRESSO_PROTO_NO_CHAMBER)
        ctl->active_chamber = (uint8_t) i;

      if (p < sp - HYST_LOW_MMHG)
        c->pumping = true;
      if (p >= sp)
        c->pumping = false;
      if (p > sp + HYST_HIGH_MMHG)
        c->releasing = true;
      if (p <= sp + RELEASE_STOP_MMHG)
        c->releasing = false;

      c->inlet = c->pumping;
      c->vent = c->releasing;
      if (c->pumping)
        {
          double d = 0.5 + (sp - p) / 20.0;

          if (d > 1.0)
            d = 1.0;
          if (d > duty)
            duty = d;
        }
    }

  ctl->duty = duty;
}

static void
drive_outputs (presso_ctl *ctl)
{
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    {
      ctl->hal.set_inlet (ctl->hal.user_data, i, ctl->ch[i].inlet);
      ctl->hal.set_vent (ctl->hal.user_data, i, ctl->ch[i].vent);
    }
  ctl->hal.set_compressor (ctl->hal.user_data, ctl->duty);
}

/* Applies the per-chamber rules; returns true when an alarm was raised. */
static bool
check_chamber (presso_ctl *ctl,
               unsigned    i,
               uint32_t    dt)
{
  presso_ctl_chamber *c = &ctl->ch[i];
  double p = c->pressure, sp = c->setpoint;
  bool actuated;

  if (!c->valid)
    {
      raise_alarm (ctl, PRESSO_PROTO_EVENT_SENSOR_FAULT, (uint8_t) i, NAN);
      return true;
    }

  if (p > dmmhg_to_mmhg (ctl->cfg.ceiling_dmmhg))
    {
      vent_chamber_now (ctl, i);
      raise_alarm (ctl, PRESSO_PROTO_EVENT_OVER_PRESSURE, (uint8_t) i, p);
      return true;
    }

  /* A stuck sensor: the valves should move the reading, and it does not move. */
  actuated = (c->inlet && ctl->duty > 0) || (c->vent && p > STUCK_VENT_MIN_MMHG);
  if (fabs (p - c->stuck_ref) > STUCK_DELTA_MMHG)
    {
      c->stuck_ref = p;
      c->stuck_ms = 0;
    }
  else if (actuated && p >= STUCK_MIN_MMHG)
    {
      c->stuck_ms += dt;
      if (c->stuck_ms > PRESSO_CTL_STUCK_MS)
        {
          raise_alarm (ctl, PRESSO_PROTO_EVENT_SENSOR_FAULT, (uint8_t) i, p);
          return true;
        }
    }

  /* STOPPING and VENTING have their own limit: vented within 5 s. */
  if (is_deflating (ctl))
    return false;

  if (c->mode == CHAMBER_VENT)
    {
      /* Deflating takes its time (a big chamber from the ceiling needs about a second): a
       * vented chamber is over-pressure when it fills up again, or when it stays up. */
      if (p < c->vent_min)
        c->vent_min = p;
      if (p > PRESSO_CTL_DEVIATION_MMHG && p > c->vent_min + VENT_RISE_MMHG)
        c->over_ms += dt;
      else
        c->over_ms = 0;
      if (p > PRESSO_CTL_DEVIATION_MMHG)
        c->vent_high_ms += dt;
      else
        c->vent_high_ms = 0;
      if (c->over_ms > PRESSO_CTL_DEVIATION_MS || c->vent_high_ms > VENT_HIGH_MS)
        {
          raise_alarm (ctl, PRESSO_PROTO_EVENT_OVER_PRESSURE, (uint8_t) i, p);
          return true;
        }
      return false;
    }

  if (p > sp + PRESSO_CTL_DEVIATION_MMHG)
    c->over_ms += dt;
  else
    c->over_ms = 0;
  if (c->over_ms > PRESSO_CTL_DEVIATION_MS)
    {
      raise_alarm (ctl, PRESSO_PROTO_EVENT_OVER_PRESSURE, (uint8_t) i, p);
      return true;
    }

  if (c->full_setpoint >= GARMENT_MIN_SP_MMHG)
    {
      if (p >= PRESSO_CTL_VENTED_MMHG)
        c->rose = true;
      if (!c->rose && c->inlet && ctl->duty > 0)
        c->garment_ms += dt;
      if (c->garment_ms > PRESSO_CTL_GARMENT_MS)
        {
          raise_alarm (ctl, PRESSO_PROTO_EVENT_GARMENT_MISSING, (uint8_t) i, p);
          return true;
        }
    }

  if (c->mode == CHAMBER_HOLD)
    {
      if (c->reached && p < sp - PRESSO_CTL_DEVIATION_MMHG)
        c->under_ms += dt;
      else
        c->under_ms = 0;
      if (c->under_ms > PRESSO_CTL_DEVIATION_MS)
        {
          raise_alarm (ctl, PRESSO_PROTO_EVENT_UNDER_PRESSURE, (uint8_t) i, p);
          return true;
        }

      /* The pump keeps compensating: count the streak while the gaps stay short. */
      if (c->reached && !ctl->ramping)
        {
          if (c->inlet)
            {
              c->leak_ms += dt;
              c->leak_gap_ms = 0;
            }
          else if (c->leak_ms > 0)
            {
              c->leak_gap_ms += dt;
              if (c->leak_gap_ms > LEAK_GAP_MS)
                c->leak_ms = 0;
              else
                c->leak_ms += dt;
            }
          if (c->leak_ms > PRESSO_CTL_LEAK_MS)
            {
              raise_alarm (ctl, PRESSO_PROTO_EVENT_LEAK, (uint8_t) i, p);
              return true;
            }
        }
    }

  return false;
}

/* STOPPING and VENTING end when every chamber is below 3 mmHg, or after 5 s. */
static void
check_deflation (presso_ctl *ctl,
                 uint32_t    dt)
{
  int not_vented = -1;

  ctl->state_ms += dt;
  for (unsigned i = 0; i < ctl->cfg.n_chambers && not_vented < 0; i++)
    if (!ctl->ch[i].valid || ctl->ch[i].pressure >= PRESSO_CTL_VENTED_MMHG)
      not_vented = (int) i;

  if (not_vented < 0)
    {
      if (ctl->state == PRESSO_PROTO_STATE_STOPPING)
        {
          discard_program (ctl);
          ctl->state = PRESSO_PROTO_STATE_IDLE;
        }
      else
        ctl->state = PRESSO_PROTO_STATE_FAULT;
      ctl->phase = PRESSO_PROTO_PHASE_NONE;
    }
  else if (ctl->state_ms > PRESSO_CTL_VENT_TIMEOUT_MS)
    {
      /* A chamber that will not vent. */
      raise_alarm (ctl, PRESSO_PROTO_EVENT_SENSOR_FAULT, (uint8_t) not_vented,
                   ctl->ch[not_vented].valid ? ctl->ch[not_vented].pressure : NAN);
      ctl->state = PRESSO_PROTO_STATE_FAULT;
      ctl->phase = PRESSO_PROTO_PHASE_NONE;
    }
}

static void
fill_telemetry (const presso_ctl       *ctl,
                presso_proto_telemetry *t)
{
  bool in_program = ctl->has_program
                    && (ctl->state == PRESSO_PROTO_STATE_RUNNING
                        || ctl->state == PRESSO_PROTO_STATE_PAUSED);

  memset (t, 0, sizeof *t);
  t->device_time_ms = ctl->last_tick_ms;
  t->state = ctl->state;
  t->phase = ctl->phase;
  t->active_chamber = ctl->active_chamber;
  t->n_chambers = ctl->cfg.n_chambers;
  t->cycle = in_program ? ctl->cycle : 0;
  if (in_program)
    {
      uint32_t elapsed_s = ctl->elapsed_ms / 1000u;

      t->elapsed_s = (uint16_t) elapsed_s;
      t->remaining_s = (uint16_t) (elapsed_s < ctl->program.duration_s
                                   ? ctl->program.duration_s - elapsed_s : 0);
    }
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    {
      const presso_ctl_chamber *c = &ctl->ch[i];

      if (c->inlet)
        t->inlet_valves |= 1u << i;
      if (c->vent)
        t->vent_valves |= 1u << i;
      t->pressure_dmmhg[i] = c->valid ? mmhg_to_dmmhg (c->pressure) : PRESSO_CTL_PRESSURE_INVALID;
    }
  t->compressor_pct = (uint8_t) lround (ctl->duty * 100.0);
  t->alarm_flags = (uint16_t) (ctl->alarms & PRESSO_PROTO_ALARM_FLAGS_MASK);
}

static void
reply_ack (presso_ctl *ctl,
           uint8_t     seq)
{
  memset (&ctl->last_reply, 0, sizeof ctl->last_reply);
  ctl->last_reply.type = PRESSO_PROTO_MSG_ACK;
  ctl->last_reply.u.ack.seq = seq;
  send (ctl, &ctl->last_reply);
}

static void
reply_nak (presso_ctl *ctl,
           uint8_t     seq,
           uint8_t     code)
{
  memset (&ctl->last_reply, 0, sizeof ctl->last_reply);
  ctl->last_reply.type = PRESSO_PROTO_MSG_NAK;
  ctl->last_reply.u.nak.seq = seq;
  ctl->last_reply.u.nak.code = code;
  send (ctl, &ctl->last_reply);
}

static void
send_identity (presso_ctl *ctl)
{
  presso_proto_msg msg;
  presso_proto_identity *id = &msg.u.identity;

  memset (&msg, 0, sizeof msg);
  msg.type = PRESSO_PROTO_MSG_IDENTITY;
  id->proto_version = PRESSO_PROTO_VERSION;
  memcpy (id->model, ctl->model, sizeof id->model);
  memcpy (id->serial, ctl->serial, sizeof id->serial);
  memcpy (id->firmware, ctl->firmware, sizeof id->firmware);
  id->n_chambers = ctl->cfg.n_chambers;
  id->n_outlets = ctl->cfg.n_outlets;
  memcpy (id->outlets, ctl->cfg.outlets, sizeof id->outlets);
  id->ceiling_dmmhg = ctl->cfg.ceiling_dmmhg;
  id->telemetry_hz = ctl->cfg.telemetry_hz;
  send (ctl, &msg);
}

/* One CEILING_CLAMPED for the first target the ceiling or the client's cap lowers. */
static void
report_clamped_targets (presso_ctl    *ctl,
                        const int16_t *asked)
{
  int32_t limit = ctl->cap_dmmhg < ctl->cfg.ceiling_dmmhg ? ctl->cap_dmmhg : ctl->cfg.ceiling_dmmhg;

  for (unsigned i = 0; i < ctl->program.n_chambers; i++)
    if ((ctl->program.chamber_mask & (1u << i)) && asked[i] > limit)
      {
        send_event (ctl, PRESSO_PROTO_EVENT_CEILING_CLAMPED, (uint8_t) i, asked[i]);
        return;
      }
}

static void
load_program (presso_ctl                 *ctl,
              const presso_proto_program *p)
{
  ctl->program = *p;
  for (unsigned i = 0; i < PRESSO_CTL_MAX_CHAMBERS; i++)
    {
      if (i >= p->n_chambers || !(p->chamber_mask & (1u << i)))
        ctl->program.target_dmmhg[i] = 0;
      else if (p->target_dmmhg[i] > ctl->cfg.ceiling_dmmhg)
        ctl->program.target_dmmhg[i] = ctl->cfg.ceiling_dmmhg;
    }
  ctl->n_main_steps = build_steps (ctl, p->chamber_mask, ctl->main_steps);
  ctl->n_pre_steps = build_steps (ctl, p->pretherapy_mask, ctl->pre_steps);
  ctl->has_program = true;
  ctl->state = PRESSO_PROTO_STATE_READY;
  ctl->elapsed_ms = 0;
  ctl->cycle = 0;
  report_clamped_targets (ctl, p->target_dmmhg);
}

static void
emergency_vent (presso_ctl *ctl)
{
  double highest = 0;

  vent_all_now (ctl);
  if (ctl->state == PRESSO_PROTO_STATE_VENTING)
    return;
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    if (ctl->ch[i].valid && ctl->ch[i].pressure > highest)
      highest = ctl->ch[i].pressure;
  enter_venting (ctl);
  ctl->alarms |= 1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1);
  send_event (ctl, PRESSO_PROTO_EVENT_EMERGENCY_VENT, PRESSO_PROTO_NO_CHAMBER,
              mmhg_to_dmmhg (highest));
}

static void
pause_program (presso_ctl *ctl)
{
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    {
      presso_ctl_chamber *c = &ctl->ch[i];
      double held = 0;

      if (c->mode != CHAMBER_VENT && c->valid)
        held = c->pressure < c->full_setpoint ? c->pressure : c->full_setpoint;
      c->hold_setpoint = held >= 1.0 ? held : 0.0;
    }
  ctl->state = PRESSO_PROTO_STATE_PAUSED;
}

static void
start_program (presso_ctl *ctl)
{
  ctl->elapsed_ms = 0;
  ctl->cycle = 1;
  for (unsigned i = 0; i < ctl->cfg.n_chambers; i++)
    reset_chamber_counters (&ctl->ch[i]);
  ctl->state = PRESSO_PROTO_STATE_RUNNING;
}

/* Executes one command and replies ACK or NAK (PROTOCOL.md section 7). */
static void
execute (presso_ctl             *ctl,
         const presso_proto_msg *in)
{
  uint8_t state = ctl->state;
  uint8_t seq = in->seq;

  switch (in->type)
    {
    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      if (!validate_program (ctl, &in->u.program))
        reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_VALUE);
      else if (state != PRESSO_PROTO_STATE_IDLE && state != PRESSO_PROTO_STATE_READY)
        reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_STATE);
      else
        {
          reply_ack (ctl, seq);
          load_program (ctl, &in->u.program);
        }
      break;

    case PRESSO_PROTO_MSG_START:
      if (state != PRESSO_PROTO_STATE_READY || !ctl->has_program)
        reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_STATE);
      else
        {
          start_program (ctl);
          reply_ack (ctl, seq);
        }
      break;

    case PRESSO_PROTO_MSG_PAUSE:
      if (state == PRESSO_PROTO_STATE_RUNNING)
        pause_program (ctl);
      if (state == PRESSO_PROTO_STATE_RUNNING || state == PRESSO_PROTO_STATE_PAUSED)
        reply_ack (ctl, seq);
      else
        reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_STATE);
      break;

    case PRESSO_PROTO_MSG_RESUME:
      if (state == PRESSO_PROTO_STATE_PAUSED)
        ctl->state = PRESSO_PROTO_STATE_RUNNING;
      if (state == PRESSO_PROTO_STATE_RUNNING || state == PRESSO_PROTO_STATE_PAUSED)
        reply_ack (ctl, seq);
      else
        reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_STATE);
      break;

    case PRESSO_PROTO_MSG_STOP:
      /* Never refused: the safe direction is always open. */
      if (state == PRESSO_PROTO_STATE_RUNNING || state == PRESSO_PROTO_STATE_PAUSED)
        {
          ctl->state = PRESSO_PROTO_STATE_STOPPING;
          ctl->phase = PRESSO_PROTO_PHASE_DEFLATE;
          ctl->state_ms = 0;
        }
      else if (state == PRESSO_PROTO_STATE_READY)
        {
          discard_program (ctl);
          ctl->state = PRESSO_PROTO_STATE_IDLE;
        }
      reply_ack (ctl, seq);
      break;

    case PRESSO_PROTO_MSG_HEARTBEAT:
      reply_ack (ctl, seq);
      break;

    case PRESSO_PROTO_MSG_SET_LIMITS:
      {
        int16_t max = in->u.limits.max_dmmhg;
        int16_t asked[PRESSO_CTL_MAX_CHAMBERS];

        if (max < 1 || max > PRESSO_PROTO_MAX_TARGET_DMMHG)
          {
            reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_VALUE);
            break;
          }
        reply_ack (ctl, seq);
        if (max > ctl->cfg.ceiling_dmmhg)
          {
            send_event (ctl, PRESSO_PROTO_EVENT_CEILING_CLAMPED, PRESSO_PROTO_NO_CHAMBER, max);
            max = ctl->cfg.ceiling_dmmhg;
          }
        ctl->cap_dmmhg = max;
        if (ctl->has_program)
          {
            memcpy (asked, ctl->program.target_dmmhg, sizeof asked);
            report_clamped_targets (ctl, asked);
          }
      }
      break;

    case PRESSO_PROTO_MSG_ACK_ALARM:
      {
        uint8_t code = in->u.ack_alarm.code;

        if (code > MAX_ALARM_CODE)
          reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_VALUE);
        else if (state == PRESSO_PROTO_STATE_VENTING)
          reply_nak (ctl, seq, PRESSO_PROTO_NAK_BAD_STATE);
        else
          {
            if (state == PRESSO_PROTO_STATE_FAULT)
              {
                if (code == PRESSO_PROTO_ACK_ALARM_ALL)
                  ctl->alarms = 0;
                else
                  ctl->alarms &= ~(1u << (code - 1));
                if (ctl->alarms == 0)
                  {
                    discard_program (ctl);
                    ctl->state = PRESSO_PROTO_STATE_IDLE;
                    ctl->phase = PRESSO_PROTO_PHASE_NONE;
                  }
              }
            reply_ack (ctl, seq);
          }
      }
      break;

    default:
      reply_nak (ctl, seq, PRESSO_PROTO_NAK_UNKNOWN_TYPE);
      break;
    }
}

int
presso_ctl_init (presso_ctl              *ctl,
                 const presso_ctl_hal    *hal,
                 const presso_ctl_config *cfg)
{
  uint32_t taken = 0;
  bool ok = true;

  if (!ctl || !hal || !cfg || !hal->set_inlet || !hal->set_vent || !hal->set_compressor
      || !hal->read_pressure || !hal->now_ms)
    return -1;

  memset (ctl, 0, sizeof *ctl);
  ctl->hal = *hal;
  ctl->cfg = *cfg;
  if (ctl->cfg.n_chambers > PRESSO_CTL_MAX_CHAMBERS)
    ctl->cfg.n_chambers = PRESSO_CTL_MAX_CHAMBERS;
  if (ctl->cfg.ceiling_dmmhg == 0)
    ctl->cfg.ceiling_dmmhg = PRESSO_CTL_DEFAULT_CEILING;
  if (ctl->cfg.telemetry_hz == 0)
    ctl->cfg.telemetry_hz = PRESSO_CTL_DEFAULT_TELEMETRY_HZ;

  /* Whatever else is wrong, the outputs go to their safe position first. */
  vent_all_now (ctl);

  if (cfg->n_chambers < PRESSO_CTL_MIN_CHAMBERS || cfg->n_chambers > PRESSO_CTL_MAX_CHAMBERS)
    ok = false;
  if (ctl->cfg.ceiling_dmmhg < 1 || ctl->cfg.ceiling_dmmhg > PRESSO_PROTO_MAX_TARGET_DMMHG)
    ok = false;
  if (ctl->cfg.telemetry_hz < PRESSO_PROTO_MIN_TELEMETRY_HZ
      || ctl->cfg.telemetry_hz > PRESSO_PROTO_MAX_TELEMETRY_HZ
      || cfg->n_outlets > PRESSO_PROTO_MAX_OUTLETS)
    ok = false;
  for (unsigned o = 0; ok && o < cfg->n_outlets; o++)
    {
      const presso_proto_outlet *out = &cfg->outlets[o];
      uint32_t m;

      if (out->n_chambers < 1 || out->first_chamber + out->n_chambers > cfg->n_chambers
          || out->garment > PRESSO_PROTO_GARMENT_BELT)
        {
          ok = false;
          break;
        }
      m = used_mask (out->first_chamber + out->n_chambers) & ~used_mask (out->first_chamber);
      if (m & taken)
        ok = false;
      taken |= m;
    }
  if (!ok)
    {
      ctl->cfg.n_chambers = 0;
      return -1;
    }
  for (unsigned o = cfg->n_outlets; o < PRESSO_PROTO_MAX_OUTLETS; o++)
    memset (&ctl->cfg.outlets[o], 0, sizeof ctl->cfg.outlets[o]);

  copy_name (ctl->model, sizeof ctl->model, cfg->model ? cfg->model : "Presso");
  copy_name (ctl->serial, sizeof ctl->serial, cfg->serial);
  copy_name (ctl->firmware, sizeof ctl->firmware, cfg->firmware);
  ctl->cfg.model = NULL;
  ctl->cfg.serial = NULL;
  ctl->cfg.firmware = NULL;

  ctl->telemetry_period_ms = 1000u / ctl->cfg.telemetry_hz;
  ctl->cap_dmmhg = ctl->cfg.ceiling_dmmhg;
  ctl->state = PRESSO_PROTO_STATE_IDLE;
  ctl->phase = PRESSO_PROTO_PHASE_NONE;
  compute_levels (ctl);
  return 0;
}

void
presso_ctl_set_output (presso_ctl             *ctl,
                       presso_ctl_output_func  func,
                       void                   *user_data)
{
  ctl->output = func;
  ctl->output_data = user_data;
}

void
presso_ctl_handle (presso_ctl             *ctl,
                   const presso_proto_msg *in)
{
  if (!ctl || !in || ctl->cfg.n_chambers == 0)
    return;

  ctl->last_rx_ms = ctl->hal.now_ms (ctl->hal.user_data);

  switch (in->type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      if (in->u.hello.proto_version < 1)
        {
          reply_nak (ctl, in->seq, PRESSO_PROTO_NAK_VERSION);
          return;
        }
      if (!ctl->hello_seen)
        ctl->next_telemetry_ms = ctl->last_rx_ms;
      ctl->hello_seen = true;
      ctl->has_last = false;
      send_identity (ctl);
      return;

    case PRESSO_PROTO_MSG_VENT:
      /* Executed every time, duplicate or not, with or without HELLO, before the reply. */
      emergency_vent (ctl);
      reply_ack (ctl, in->seq);
      break;

    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
    case PRESSO_PROTO_MSG_START:
    case PRESSO_PROTO_MSG_PAUSE:
    case PRESSO_PROTO_MSG_RESUME:
    case PRESSO_PROTO_MSG_STOP:
    case PRESSO_PROTO_MSG_HEARTBEAT:
    case PRESSO_PROTO_MSG_SET_LIMITS:
    case PRESSO_PROTO_MSG_ACK_ALARM:
      if (ctl->has_last && ctl->last_type == in->type && ctl->last_seq == in->seq)
        {
          /* A retransmission: the same answer, not a second execution. */
          send (ctl, &ctl->last_reply);
          return;
        }
      if (!ctl->hello_seen && in->type != PRESSO_PROTO_MSG_HEARTBEAT)
        reply_nak (ctl, in->seq, PRESSO_PROTO_NAK_NO_HELLO);
      else
        execute (ctl, in);
      break;

    default:
      reply_nak (ctl, in->seq, PRESSO_PROTO_NAK_UNKNOWN_TYPE);
      break;
    }

  ctl->has_last = true;
  ctl->last_type = in->type;
  ctl->last_seq = in->seq;
}

void
presso_ctl_handle_bad (presso_ctl            *ctl,
                       uint8_t                type,
                       uint8_t                seq,
                       presso_proto_nak_code  nak_code)
{
  if (!ctl || ctl->cfg.n_chambers == 0 || nak_code == 0)
    return;

  ctl->last_rx_ms = ctl->hal.now_ms (ctl->hal.user_data);
  reply_nak (ctl, seq, (uint8_t) nak_code);
  ctl->has_last = true;
  ctl->last_type = type;
  ctl->last_seq = seq;
}

void
presso_ctl_tick (presso_ctl *ctl)
{
  uint8_t modes[PRESSO_CTL_MAX_CHAMBERS];
  double full[PRESSO_CTL_MAX_CHAMBERS];
  uint32_t now, dt;
  unsigned n;

  if (!ctl || ctl->cfg.n_chambers == 0)
    return;

  n = ctl->cfg.n_chambers;
  now = ctl->hal.now_ms (ctl->hal.user_data);
  if (!ctl->started)
    {
      ctl->started = true;
      ctl->last_tick_ms = now;
      ctl->last_rx_ms = now;
      ctl->next_telemetry_ms = now;
      send_event (ctl, PRESSO_PROTO_EVENT_DEVICE_RESET, PRESSO_PROTO_NO_CHAMBER, 0);
    }
  dt = now - ctl->last_tick_ms;
  ctl->last_tick_ms = now;

  /* Sensors first: every decision below uses these readings. */
  for (unsigned i = 0; i < n; i++)
    {
      presso_ctl_chamber *c = &ctl->ch[i];
      double v = ctl->hal.read_pressure (ctl->hal.user_data, i);

      c->valid = isfinite (v) && v >= PRESSO_CTL_SENSOR_MIN_MMHG && v <= PRESSO_CTL_SENSOR_MAX_MMHG;
      if (c->valid)
        c->pressure = v;
    }

  /* The two watchdogs. */
  if (dt > PRESSO_CTL_LOOP_OVERRUN_MS
      && (ctl->state == PRESSO_PROTO_STATE_RUNNING || ctl->state == PRESSO_PROTO_STATE_PAUSED
          || ctl->state == PRESSO_PROTO_STATE_STOPPING))
    raise_alarm (ctl, PRESSO_PROTO_EVENT_LOOP_OVERRUN, PRESSO_PROTO_NO_CHAMBER, 0);
  if ((ctl->state == PRESSO_PROTO_STATE_RUNNING || ctl->state == PRESSO_PROTO_STATE_PAUSED)
      && now - ctl->last_rx_ms > PRESSO_CTL_WATCHDOG_MS)
    raise_alarm (ctl, PRESSO_PROTO_EVENT_WATCHDOG_VENT, PRESSO_PROTO_NO_CHAMBER, 0);
  if (dt > 1000)
    dt = 1000;

  /* What each chamber should do now. */
  memset (modes, CHAMBER_VENT, sizeof modes);
  memset (full, 0, sizeof full);
  ctl->ramping = false;
  switch (ctl->state)
    {
    case PRESSO_PROTO_STATE_RUNNING:
      ctl->elapsed_ms += dt;
      if (ctl->elapsed_ms >= ctl->program.duration_s * 1000u)
        {
          ctl->elapsed_ms = ctl->program.duration_s * 1000u;
          ctl->state = PRESSO_PROTO_STATE_STOPPING;
          ctl->phase = PRESSO_PROTO_PHASE_DEFLATE;
          ctl->state_ms = 0;
          send_event (ctl, PRESSO_PROTO_EVENT_PROGRAM_FINISHED, PRESSO_PROTO_NO_CHAMBER, 0);
        }
      else
        {
          double scale = ramp_scale (ctl);

          ctl->ramping = scale < 1.0;
          program_position (ctl, modes);
          for (unsigned i = 0; i < n; i++)
            full[i] = effective_target_mmhg (ctl, i) * scale;
        }
      break;

    case PRESSO_PROTO_STATE_PAUSED:
      for (unsigned i = 0; i < n; i++)
        {
          double cap = effective_target_mmhg (ctl, i);
          double held = ctl->ch[i].hold_setpoint;

          if (held > 0)
            {
              modes[i] = CHAMBER_HOLD;
              full[i] = held < cap ? held : cap;
            }
        }
      break;

    default:
      break;
    }
  set_modes (ctl, modes, full);
  control (ctl);

  if (ctl->state != PRESSO_PROTO_STATE_FAULT)
    for (unsigned i = 0; i < n; i++)
      if (check_chamber (ctl, i, dt))
        break;

  if (is_deflating (ctl))
    check_deflation (ctl, dt);

  drive_outputs (ctl);

  if (ctl->hello_seen && (int32_t) (now - ctl->next_telemetry_ms) >= 0)
    {
      presso_proto_msg msg;

      memset (&msg, 0, sizeof msg);
      msg.type = PRESSO_PROTO_MSG_TELEMETRY;
      fill_telemetry (ctl, &msg.u.telemetry);
      send (ctl, &msg);
      ctl->next_telemetry_ms += ctl->telemetry_period_ms;
      if ((int32_t) (now - ctl->next_telemetry_ms) >= (int32_t) ctl->telemetry_period_ms)
        ctl->next_telemetry_ms = now + ctl->telemetry_period_ms;
    }
}

presso_proto_state
presso_ctl_get_state (const presso_ctl *ctl)
{
  return (presso_proto_state) ctl->state;
}

uint32_t
presso_ctl_get_alarms (const presso_ctl *ctl)
{
  return ctl->alarms;
}

void
presso_ctl_get_telemetry (const presso_ctl       *ctl,
                          presso_proto_telemetry *out)
{
  fill_telemetry (ctl, out);
}
