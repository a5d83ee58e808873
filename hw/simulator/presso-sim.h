/* presso-sim.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * presso-sim: the device controller on a simulated pneumatic system, speaking the Presso wire
 * protocol on a file descriptor (a pseudo-terminal for the presso-sim program, a socketpair for
 * the app's built-in simulated device).  Plain C and POSIX, no GLib.
 *
 * Use: presso_sim_config_init(), adjust, presso_sim_new(), then presso_sim_serve_fd() from one
 * thread until *stop becomes non-zero; presso_sim_free() once it has returned.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "presso-controller.h"
#include "presso-proto.h"
#include "presso-sim-model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PRESSO_SIM_TICK_MS   2     /* control-loop period */

/* Tagged so that GLib code can forward-declare it (typedef struct presso_sim_config ...). */
typedef struct presso_sim_config {
  unsigned    n_chambers;             /* 4..32; 0: 12 */
  const char *garments;               /* see presso_sim_parse_garments(); NULL: "boots" */
  const char *model;                  /* NULL: "Presso Simulator" */
  const char *serial;                 /* NULL: "SIM-0001" */
  const char *firmware;               /* NULL: the package version */
  uint16_t    telemetry_hz;           /* 0: 100; else 50..1000 */
  int16_t     ceiling_dmmhg;          /* 0: 1500 */
  uint64_t    seed;                   /* noise and fault dice; 0: a fixed default */

  /* Fault injection.  Times are seconds since presso_sim_new(); negative: never. */
  double      corrupt_fraction;       /* 0..1: share of outgoing bytes altered */
  double      drop_fraction;          /* 0..1: share of outgoing frames not sent */
  double      stall_after_s;          /* stop reading and sending ... */
  double      stall_for_s;            /* ... for this long (the control loop goes on) */
  double      disconnect_after_s;     /* presso_sim_serve_fd() returns -ECONNRESET */
  double      reset_after_s;          /* the controller restarts (DEVICE_RESET), once */
  double      loop_overrun_after_s;   /* the control loop misses 100 ms once (LOOP_OVERRUN) */
  int         leak_chamber;           /* negative: none; a leak the pump has to make up for */
  int         stuck_sensor_chamber;   /* its sensor freezes once it passes 20 mmHg */
  int         overshoot_chamber;      /* inlet valve stuck open, vent blocked */
  int         missing_garment_chamber;/* no garment: its pressure never rises */
} presso_sim_config;

typedef struct presso_sim presso_sim;

/* Defaults: 12 chambers, two boots, 100 Hz, no fault. */
void                presso_sim_config_init    (presso_sim_config       *cfg);

/* Returns a new simulator (transfer full: presso_sim_free()), or NULL when cfg is invalid
 * (chamber count, garments, fault chamber out of range, fractions outside 0..1). */
presso_sim         *presso_sim_new            (const presso_sim_config *cfg);
void                presso_sim_free           (presso_sim              *sim);

/* Serves the device on fd in real time: reads and decodes the host's frames, feeds the
 * controller, runs the control loop every PRESSO_SIM_TICK_MS with the physics stepped on the
 * monotonic clock, and writes replies, telemetry and events.  fd is made non-blocking.
 * Returns when *stop becomes non-zero (0), when the peer closes a socket or pipe (0), on the
 * injected disconnect (-ECONNRESET) or on an I/O error (-errno).  On a terminal (the pty
 * master) a hangup is not the end: the host may open the port again, so serving goes on and
 * nothing is sent until it does.  Can be called again after it returns: the device carries on
 * where it was (its clock included). */
int                 presso_sim_serve_fd       (presso_sim              *sim,
                                               int                      fd,
                                               volatile int            *stop);

/* Advances the simulated device by ms without any host I/O (tests, benchmarks). */
void                presso_sim_run            (presso_sim              *sim,
                                               uint32_t                 ms);

/* The simulated device's parts, for tests and diagnostics; do not use while serving. */
presso_ctl         *presso_sim_get_controller (presso_sim              *sim);
presso_sim_model   *presso_sim_get_model      (presso_sim              *sim);

/* Parses a garment list such as "boots", "boots+belt", "sleeves", "belt", "boot-left",
 * "boot-right", "sleeve-left", "sleeve-right" (joined with '+') and shares n_chambers between
 * the outlets, distal chambers first, in the order given.  Returns 0, or -1 on an unknown
 * garment, more than PRESSO_PROTO_MAX_OUTLETS outlets or fewer chambers than outlets. */
int                 presso_sim_parse_garments (const char              *spec,
                                               unsigned                 n_chambers,
                                               presso_proto_outlet     *outlets,
                                               unsigned                *n_outlets);

#ifdef __cplusplus
}
#endif
