/* presso-sim-model.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lumped model, good enough to exercise the controller: pressures in mmHg above atmosphere,
 * flows expressed as the rate of pressure change they cause in a chamber of volume 1.
 */
#include "presso-sim-model.h"

#include <math.h>
#include <string.h>

#define STEP_S 0.001

static uint64_t
next_random (presso_sim_model *model)
{
  /* xorshift64* */
  model->rng ^= model->rng >> 12;
  model->rng ^= model->rng << 25;
  model->rng ^= model->rng >> 27;
  return model->rng * 0x2545F4914F6CDD1DULL;
}

static double
uniform (presso_sim_model *model)
{
  return ((next_random (model) >> 11) + 0.5) / 9007199254740992.0;
}

/* Box-Muller, one value per call. */
static double
gaussian (presso_sim_model *model)
{
  double u = uniform (model), v = uniform (model);

  return sqrt (-2.0 * log (u)) * cos (6.283185307179586 * v);
}

void
presso_sim_model_init (presso_sim_model *model,
                       unsigned          n_chambers,
                       uint64_t          seed)
{
  memset (model, 0, sizeof *model);
  if (n_chambers > PRESSO_SIM_MODEL_MAX_CHAMBERS)
    n_chambers = PRESSO_SIM_MODEL_MAX_CHAMBERS;
  model->n_chambers = n_chambers;
  model->fill_rate = 120.0;
  model->pump_max = 350.0;
  model->vent_tau_s = 0.25;
  model->backflow_tau_s = 0.5;
  model->noise_mmhg = 0.15;
  model->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
  for (unsigned i = 0; i < PRESSO_SIM_MODEL_MAX_CHAMBERS; i++)
    {
      presso_sim_chamber *c = &model->ch[i];

      c->volume = 1.0;
      c->leak_tau_s = 400.0;
      c->present = true;
      c->vent = true;
      c->stick_sensor_above = -1.0;
    }
}

void
presso_sim_model_set_inlet (presso_sim_model *model,
                            unsigned          chamber,
                            bool              open)
{
  if (chamber < model->n_chambers)
    model->ch[chamber].inlet = open;
}

void
presso_sim_model_set_vent (presso_sim_model *model,
                           unsigned          chamber,
                           bool              open)
{
  if (chamber < model->n_chambers)
    model->ch[chamber].vent = open;
}

void
presso_sim_model_set_compressor (presso_sim_model *model,
                                 double            duty)
{
  if (!(duty > 0))
    duty = 0;
  model->duty = duty > 1.0 ? 1.0 : duty;
}

static bool
inlet_open (const presso_sim_chamber *c)
{
  return c->inlet || c->inlet_stuck_open;
}

static void
step_once (presso_sim_model *model,
           double            dt)
{
  unsigned n_open = 0;

  for (unsigned i = 0; i < model->n_chambers; i++)
    if (inlet_open (&model->ch[i]) && model->ch[i].present)
      n_open++;

  for (unsigned i = 0; i < model->n_chambers; i++)
    {
      presso_sim_chamber *c = &model->ch[i];
      double p = c->pressure, rate = 0;

      if (!c->present)
        {
          /* Nothing holds the air: the outlet blows into the room. */
          c->pressure = 0;
          continue;
        }

      if (inlet_open (c))
        {
          if (model->duty > 0)
            {
              double head = 1.0 - p / model->pump_max;

              rate += model->duty * model->fill_rate * (head > 0 ? head : 0) / n_open;
            }
          else
            rate -= p / model->backflow_tau_s;
        }
      if (c->vent && !c->vent_stuck_closed)
        rate -= p / model->vent_tau_s;
      rate -= p / c->leak_tau_s;

      p += rate * dt / c->volume;
      c->pressure = p > 0 ? p : 0;

      if (c->stick_sensor_above >= 0 && !c->sensor_stuck && c->pressure > c->stick_sensor_above)
        {
          c->sensor_stuck = true;
          c->sensor_stuck_value = c->pressure;
        }
    }
}

void
presso_sim_model_step (presso_sim_model *model,
                       double            dt_s)
{
  while (dt_s > 1e-9)
    {
      double dt = dt_s < STEP_S ? dt_s : STEP_S;

      step_once (model, dt);
      dt_s -= dt;
    }
}

double
presso_sim_model_read (presso_sim_model *model,
                       unsigned          chamber)
{
  const presso_sim_chamber *c;

  if (chamber >= model->n_chambers)
    return NAN;
  c = &model->ch[chamber];
  if (c->sensor_stuck)
    return c->sensor_stuck_value;
  return c->pressure + model->noise_mmhg * gaussian (model);
}

void
presso_sim_model_inject_leak (presso_sim_model *model,
                              unsigned          chamber,
                              double            tau_s)
{
  if (chamber < model->n_chambers && tau_s > 0)
    model->ch[chamber].leak_tau_s = tau_s;
}

void
presso_sim_model_inject_stuck_sensor (presso_sim_model *model,
                                      unsigned          chamber,
                                      double            above_mmhg)
{
  if (chamber < model->n_chambers)
    model->ch[chamber].stick_sensor_above = above_mmhg;
}

void
presso_sim_model_inject_overshoot (presso_sim_model *model,
                                   unsigned          chamber)
{
  if (chamber < model->n_chambers)
    {
      model->ch[chamber].inlet_stuck_open = true;
      model->ch[chamber].vent_stuck_closed = true;
    }
}

void
presso_sim_model_remove_garment (presso_sim_model *model,
                                 unsigned          chamber)
{
  if (chamber < model->n_chambers)
    model->ch[chamber].present = false;
}
