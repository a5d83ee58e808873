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

  /* Command faults (PROTOCOL.md, section 4).  Sets of commands are masks of bit (1 << type),
   * see presso_sim_parse_commands().  A NAKed command is not acted on (VENT excepted: the
   * device vents whatever its reply says) and counts as a sign of life for the watchdog, as
   * the protocol wants; a dropped command is lost before the controller sees it: no action,
   * no reply, no sign of life.  The host's retransmission of a command is a command again. */
  uint32_t    nak_always;             /* NAK every command of these types */
  unsigned    nak_next;               /* NAK the next N commands of fault_commands, after... */
  unsigned    drop_next;              /* ...dropping the next N of them, then... */
  unsigned    mute_next;              /* ...acting on the next N but losing their replies */
  uint32_t    fault_commands;         /* what the counted faults count; 0: every command
                                       * but HELLO and HEARTBEAT */
  uint8_t     nak_code;               /* the NAKs' reason (presso_proto_nak_code); 0: BAD_STATE */
} presso_sim_config;

#define PRESSO_SIM_COMMAND(type)      (UINT32_C (1) << (type))
/* Every host → device command type of protocol version 1. */
#define PRESSO_SIM_ALL_COMMANDS       (PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_HELLO) | \
                                       (UINT32_C (0xff) << PRESSO_PROTO_MSG_LOAD_PROGRAM) | \
                                       PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_ACK_ALARM))
#define PRESSO_SIM_DEFAULT_FAULT_COMMANDS \
  (PRESSO_SIM_ALL_COMMANDS & ~(PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_HELLO) | \
                               PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_HEARTBEAT)))

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

/* Parses a list of commands such as "start", "stop,vent" or "all" (every command): the names
 * of section 8 of PROTOCOL.md in lower case, '-' for '_' (hello, load-program, start, pause,
 * resume, stop, vent, heartbeat, set-limits, ack-alarm), joined with ','.  Returns 0 with
 * *mask set (bit 1 << type), or -1 on an unknown name or an empty list. */
int                 presso_sim_parse_commands (const char              *list,
                                               uint32_t                *mask);

/* Parses a NAK reason: a name of presso_proto_nak_name() ("bad-state") or its code, 1..6.
 * Returns 0, or -1. */
int                 presso_sim_parse_nak_code (const char              *spec,
                                               uint8_t                 *code);

/* Commands the injected command faults NAKed, dropped and left unanswered so far (tests,
 * diagnostics). */
unsigned            presso_sim_get_naks_sent  (presso_sim              *sim);
unsigned            presso_sim_get_commands_dropped (presso_sim        *sim);
unsigned            presso_sim_get_replies_lost (presso_sim            *sim);

#ifdef __cplusplus
}
#endif
