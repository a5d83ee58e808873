/* presso-sim-model.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pneumatic model behind presso-sim: one compressor feeding the chambers whose inlet valves
 * are open (its flow shared between them and falling as the back pressure rises), a vent valve
 * per chamber, the garment's own small leak, chamber compliance (a bigger chamber fills and
 * empties more slowly) and a noisy pressure sensor per chamber.  Plain C, no allocation.
 *
 * Faults: a leaking chamber, a sensor that freezes, an inlet valve stuck open with a blocked vent
 * (overshoot), a chamber without a garment (its air escapes: no pressure builds).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PRESSO_SIM_MODEL_MAX_CHAMBERS 32

typedef struct {
  double   pressure;            /* true pressure, mmHg (gauge) */
  double   volume;              /* relative size, 1.0 for a boot chamber */
  double   leak_tau_s;          /* the garment's own leak: time constant, seconds */
  bool     present;             /* a garment is connected to this chamber */
  bool     inlet;               /* as commanded */
  bool     vent;                /* as commanded */
  bool     inlet_stuck_open;    /* fault: ignores "close" */
  bool     vent_stuck_closed;   /* fault: ignores "open" */
  double   stick_sensor_above;  /* fault: the sensor freezes once pressure passes this; < 0 off */
  bool     sensor_stuck;
  double   sensor_stuck_value;
} presso_sim_chamber;

typedef struct {
  unsigned           n_chambers;
  double             duty;            /* compressor, 0..1 */
  double             fill_rate;       /* mmHg/s into one empty chamber (volume 1), full duty */
  double             pump_max;        /* mmHg: the compressor stalls at this back pressure */
  double             vent_tau_s;      /* vent valve, volume 1 */
  double             backflow_tau_s;  /* open inlet with the compressor stopped */
  double             noise_mmhg;      /* sensor noise, standard deviation */
  uint64_t           rng;
  presso_sim_chamber ch[PRESSO_SIM_MODEL_MAX_CHAMBERS];
} presso_sim_model;

/* Every chamber empty, present, volume 1, valves as their power-off position (inlet closed,
 * vent open), compressor off. */
void     presso_sim_model_init          (presso_sim_model *model,
                                         unsigned          n_chambers,
                                         uint64_t          seed);
void     presso_sim_model_set_inlet     (presso_sim_model *model,
                                         unsigned          chamber,
                                         bool              open);
void     presso_sim_model_set_vent      (presso_sim_model *model,
                                         unsigned          chamber,
                                         bool              open);
void     presso_sim_model_set_compressor (presso_sim_model *model,
                                          double            duty);
/* Advances the physics by dt_s seconds (in steps of at most 1 ms). */
void     presso_sim_model_step          (presso_sim_model *model,
                                         double            dt_s);
/* What the chamber's pressure sensor reads, mmHg: pressure plus noise, or its frozen value. */
double   presso_sim_model_read          (presso_sim_model *model,
                                         unsigned          chamber);

/* Fault injection. */
void     presso_sim_model_inject_leak   (presso_sim_model *model,
                                         unsigned          chamber,
                                         double            tau_s);
/* The sensor freezes the first time the chamber's pressure passes above_mmhg. */
void     presso_sim_model_inject_stuck_sensor (presso_sim_model *model,
                                               unsigned          chamber,
                                               double            above_mmhg);
/* The inlet valve sticks open and the vent stays shut: the chamber fills whenever the
 * compressor runs, and empties only back through the inlet once it stops. */
void     presso_sim_model_inject_overshoot (presso_sim_model *model,
                                            unsigned          chamber);
void     presso_sim_model_remove_garment (presso_sim_model *model,
                                          unsigned          chamber);

#ifdef __cplusplus
}
#endif
