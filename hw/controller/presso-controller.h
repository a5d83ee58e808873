/* presso-controller.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The device's brain: state machine, program execution, closed-loop pressure control and the
 * safety rules.  Plain C11, no GLib, no allocation: the same code runs in presso-sim, in the
 * app's in-process simulated device and (later) on the microcontroller.
 *
 * It implements the device side of hw/protocol/PROTOCOL.md (states, replies, events, section 10
 * "Device obligations").  The controller talks to the hardware through a small HAL of function
 * pointers and to the host through decoded presso_proto_msg structures: the transport decodes what arrives and hands it
 * to presso_ctl_handle(); every message the controller sends (replies, telemetry, events) goes
 * to the output callback, and the transport encodes it.  presso_ctl_tick() is the control loop:
 * call it every 1–10 ms (2 ms is typical).
 *
 * Everything fails towards vented chambers: vent valves are normally open, a vent is "closed"
 * only while its chamber is being inflated or held, and every alarm opens every vent, stops the
 * compressor, goes through VENTING and latches FAULT until ACK_ALARM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "presso-proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PRESSO_CTL_MIN_CHAMBERS          4
#define PRESSO_CTL_MAX_CHAMBERS          PRESSO_PROTO_MAX_CHAMBERS
#define PRESSO_CTL_DEFAULT_CEILING       1500   /* dmmHg: 150 mmHg */
#define PRESSO_CTL_DEFAULT_TELEMETRY_HZ  100

/* Timing of the safety rules, in milliseconds (see presso-controller.c for the rules). */
#define PRESSO_CTL_WATCHDOG_MS           1000   /* host silence while RUNNING/PAUSED */
#define PRESSO_CTL_LOOP_OVERRUN_MS       50     /* gap between two ticks */
#define PRESSO_CTL_DEVIATION_MMHG        15.0   /* over/under-pressure band */
#define PRESSO_CTL_DEVIATION_MS          1000
#define PRESSO_CTL_LEAK_MS               7000   /* continuous pump compensation */
#define PRESSO_CTL_GARMENT_MS            3000   /* pumping without any rise */
#define PRESSO_CTL_STUCK_MS              2000   /* actuated, reading unchanged */
#define PRESSO_CTL_VENT_TIMEOUT_MS       5000   /* STOPPING/VENTING: not vented → SENSOR_FAULT */
#define PRESSO_CTL_VENTED_MMHG           3.0    /* below this a chamber counts as vented */
#define PRESSO_CTL_SENSOR_MIN_MMHG       (-20.0)
#define PRESSO_CTL_SENSOR_MAX_MMHG       300.0

/* Telemetry carries this value for a chamber whose sensor reading is invalid (NaN, out of
 * range). */
#define PRESSO_CTL_PRESSURE_INVALID      INT16_MIN

/* The hardware.  Chamber indices run from 0 (the most distal chamber of the first outlet) to
 * n_chambers - 1.  All callbacks are mandatory and must not block. */
typedef struct {
  void     *user_data;
  void    (*set_inlet)      (void *user_data, unsigned chamber, bool open);
  void    (*set_vent)       (void *user_data, unsigned chamber, bool open);
  /* Duty 0.0 (off) .. 1.0 (full). */
  void    (*set_compressor) (void *user_data, double duty);
  /* Chamber pressure in mmHg (gauge); NaN or an out-of-range value on a sensor fault. */
  double  (*read_pressure)  (void *user_data, unsigned chamber);
  /* Monotonic milliseconds; may wrap at 2^32. */
  uint32_t (*now_ms)        (void *user_data);
} presso_ctl_hal;

typedef struct {
  uint8_t             n_chambers;      /* 4..32 */
  uint8_t             n_outlets;       /* 0..8; 0: one chain of chambers, chamber 0 distal */
  presso_proto_outlet outlets[PRESSO_PROTO_MAX_OUTLETS];
  const char         *model;           /* NULL: "Presso" */
  const char         *serial;          /* NULL: "" */
  const char         *firmware;        /* NULL: "" */
  int16_t             ceiling_dmmhg;   /* 0: PRESSO_CTL_DEFAULT_CEILING; else 1..3000 */
  uint16_t            telemetry_hz;    /* 0: PRESSO_CTL_DEFAULT_TELEMETRY_HZ; else 50..1000 */
} presso_ctl_config;

/* Every message the controller sends goes through this callback, synchronously, from
 * presso_ctl_handle() or presso_ctl_tick().  msg is only valid during the call. */
typedef void (*presso_ctl_output_func) (const presso_proto_msg *msg,
                                        void                   *user_data);

/* Per-chamber working state; private to the controller. */
typedef struct {
  uint8_t  mode;             /* chamber_mode in presso-controller.c */
  bool     inlet;
  bool     vent;
  bool     pumping;
  bool     releasing;
  bool     reached;          /* reached its setpoint since this inflation began */
  double   reached_setpoint; /* the full setpoint it reached */
  bool     rose;             /* rose above PRESSO_CTL_VENTED_MMHG since this inflation began */
  bool     valid;            /* last reading valid */
  double   pressure;         /* last valid reading, mmHg */
  double   setpoint;         /* mmHg, 0 when venting; ramps up during an inflate step */
  double   full_setpoint;    /* mmHg, the target after soft start and cap */
  double   hold_setpoint;    /* PAUSED: pressure held */
  uint32_t over_ms;
  uint32_t under_ms;
  uint32_t vent_high_ms;
  double   vent_min;
  uint32_t leak_ms;
  uint32_t leak_gap_ms;
  uint32_t garment_ms;
  uint32_t stuck_ms;
  double   stuck_ref;
  uint8_t  level;            /* index from the distal end of its outlet: one level fills at once */
} presso_ctl_chamber;

/* The controller.  Allocate it anywhere (it holds no pointers to free); the fields are private. */
typedef struct {
  presso_ctl_hal         hal;
  presso_ctl_config      cfg;
  char                   model[24];
  char                   serial[24];
  char                   firmware[16];
  presso_ctl_output_func output;
  void                  *output_data;

  uint8_t                state;            /* presso_proto_state */
  uint8_t                phase;            /* presso_proto_phase */
  uint8_t                tx_seq;
  bool                   hello_seen;       /* since power-up or reset */
  bool                   started;          /* first tick done */
  bool                   ramping;          /* soft start still scaling the targets */
  bool                   has_last;
  uint8_t                last_type;
  uint8_t                last_seq;
  presso_proto_msg       last_reply;
  uint32_t               last_tick_ms;
  uint32_t               last_rx_ms;
  uint32_t               next_telemetry_ms;
  uint32_t               telemetry_period_ms;

  bool                   has_program;
  presso_proto_program   program;          /* targets already clamped to the ceiling */
  int16_t                cap_dmmhg;        /* client cap, <= ceiling */
  uint32_t               elapsed_ms;       /* program time, pauses excluded */
  uint16_t               cycle;
  uint8_t                active_chamber;
  double                 duty;
  uint32_t               alarms;           /* bit (code - 1) per latched alarm */
  uint32_t               state_ms;         /* time spent in STOPPING / VENTING */
  double                 step_fraction[PRESSO_CTL_MAX_CHAMBERS];

  uint8_t                n_levels;
  uint32_t               main_steps[PRESSO_CTL_MAX_CHAMBERS];
  uint8_t                n_main_steps;
  uint32_t               pre_steps[PRESSO_CTL_MAX_CHAMBERS];
  uint8_t                n_pre_steps;

  presso_ctl_chamber     ch[PRESSO_CTL_MAX_CHAMBERS];
} presso_ctl;

/* Initialises ctl (power-up or reset), drives every output to its safe position (inlets closed,
 * vents open, compressor off) and enters IDLE.  The first tick sends the DEVICE_RESET event.
 * Returns 0, or -1 when cfg or hal is invalid (ctl is then left vented but unusable). */
int                 presso_ctl_init          (presso_ctl                  *ctl,
                                              const presso_ctl_hal        *hal,
                                              const presso_ctl_config     *cfg);

/* Where replies, telemetry and events go.  Without one they are discarded. */
void                presso_ctl_set_output    (presso_ctl                  *ctl,
                                              presso_ctl_output_func       func,
                                              void                        *user_data);

/* Handles one decoded host message: HELLO is answered with IDENTITY (or NAK VERSION), every
 * command with ACK or NAK (BAD_STATE, BAD_VALUE, UNKNOWN_TYPE, NO_HELLO).  A command
 * repeating the type and seq of the previous one is answered again without being executed again
 * (VENT is always executed).  Any message counts as a sign of life for the host watchdog. */
void                presso_ctl_handle        (presso_ctl                  *ctl,
                                              const presso_proto_msg      *in);

/* One control-loop step: reads the sensors, runs the program and the pressure loop, applies
 * the safety rules, drives the valves and the compressor, sends due telemetry and events. */
void                presso_ctl_tick          (presso_ctl                  *ctl);

/* A frame whose CRC was good but whose type, length or a value was wrong (the decoder's
 * ERR_TYPE, ERR_LENGTH, ERR_VALUE): answered with NAK nak_code, and a sign of life. */
void                presso_ctl_handle_bad    (presso_ctl                  *ctl,
                                              uint8_t                      type,
                                              uint8_t                      seq,
                                              presso_proto_nak_code        nak_code);

presso_proto_state  presso_ctl_get_state     (const presso_ctl            *ctl);
/* Bit (code - 1) set per latched alarm (presso_proto_event_code), as in telemetry. */
uint32_t            presso_ctl_get_alarms    (const presso_ctl            *ctl);
/* Fills a telemetry message with the current state (as the next frame would carry it). */
void                presso_ctl_get_telemetry (const presso_ctl            *ctl,
                                              presso_proto_telemetry      *out);

#ifdef __cplusplus
}
#endif
