/* presso-proto.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Presso wire protocol: message structures, encoder and incremental decoder.
 * C11, no GLib, no allocation: shared by the app, presso-sim and the firmware.
 * PROTOCOL.md beside this file is the normative description; keep both in step.
 *
 * A frame on the wire is COBS (type | seq | body | crc16-le) followed by one 0x00 delimiter.
 * Multi-byte fields are little-endian.  Pressures are signed 0.1 mmHg units ("dmmHg").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PRESSO_PROTO_VERSION          1
#define PRESSO_PROTO_MAX_CHAMBERS     32
#define PRESSO_PROTO_MAX_OUTLETS      8
#define PRESSO_PROTO_NO_CHAMBER       0xFF
#define PRESSO_PROTO_BAUD             115200
/* Largest unencoded frame (type + seq + largest body + crc) and its encoded size. */
#define PRESSO_PROTO_MAX_RAW          160
#define PRESSO_PROTO_MAX_FRAME        (PRESSO_PROTO_MAX_RAW + PRESSO_PROTO_MAX_RAW / 254 + 2)

/* Value ranges checked by presso_proto_msg_check() (and so by the encoder and decoder). */
#define PRESSO_PROTO_MAX_TARGET_DMMHG 3000   /* targets, limits and ceiling: 300.0 mmHg */
#define PRESSO_PROTO_MAX_STEP_DS      1200   /* inflate, hold, deflate, rest: 120.0 s each */
#define PRESSO_PROTO_MAX_RAMP_S       600
#define PRESSO_PROTO_MAX_DURATION_S   7200
#define PRESSO_PROTO_MAX_PRETHERAPY_CYCLES 20
#define PRESSO_PROTO_MIN_TELEMETRY_HZ 50
#define PRESSO_PROTO_MAX_TELEMETRY_HZ 1000
#define PRESSO_PROTO_DEFAULT_TELEMETRY_HZ 100
#define PRESSO_PROTO_ACK_ALARM_ALL    0      /* ACK_ALARM code 0: every latched alarm */
#define PRESSO_PROTO_ALARM_FLAGS_MASK 0x07FF /* telemetry alarm_flags: bits 0..10, codes 1..11 */

/* Timing (PROTOCOL.md, "Timing"). */
#define PRESSO_PROTO_REPLY_TIMEOUT_MS 100    /* every command is answered within this */
#define PRESSO_PROTO_RETRIES          3      /* host resends a command up to 3 times, same seq */
#define PRESSO_PROTO_HEARTBEAT_MS     250    /* host sends HEARTBEAT when idle for this long */
#define PRESSO_PROTO_WATCHDOG_MS      1000   /* device vents after this long without a frame */
#define PRESSO_PROTO_LINK_TIMEOUT_MS  500    /* host declares the link lost after this silence */

typedef enum {
  /* host → device */
  PRESSO_PROTO_MSG_HELLO        = 0x01,
  PRESSO_PROTO_MSG_LOAD_PROGRAM = 0x10,
  PRESSO_PROTO_MSG_START        = 0x11,
  PRESSO_PROTO_MSG_PAUSE        = 0x12,
  PRESSO_PROTO_MSG_RESUME       = 0x13,
  PRESSO_PROTO_MSG_STOP         = 0x14,   /* controlled deflation, then idle */
  PRESSO_PROTO_MSG_VENT         = 0x15,   /* emergency vent: every valve open, compressor off */
  PRESSO_PROTO_MSG_HEARTBEAT    = 0x16,
  PRESSO_PROTO_MSG_SET_LIMITS   = 0x17,
  PRESSO_PROTO_MSG_ACK_ALARM    = 0x18,   /* acknowledge a latched alarm, leave FAULT for IDLE */
  /* device → host */
  PRESSO_PROTO_MSG_IDENTITY     = 0x81,
  PRESSO_PROTO_MSG_ACK          = 0x82,
  PRESSO_PROTO_MSG_NAK          = 0x83,
  PRESSO_PROTO_MSG_TELEMETRY    = 0x84,
  PRESSO_PROTO_MSG_EVENT        = 0x85,
} presso_proto_msg_type;

typedef enum {
  PRESSO_PROTO_STATE_IDLE     = 0,   /* no program loaded, chambers vented */
  PRESSO_PROTO_STATE_READY    = 1,   /* program loaded */
  PRESSO_PROTO_STATE_RUNNING  = 2,
  PRESSO_PROTO_STATE_PAUSED   = 3,   /* pressures held */
  PRESSO_PROTO_STATE_STOPPING = 4,   /* controlled deflation */
  PRESSO_PROTO_STATE_VENTING  = 5,   /* emergency or watchdog vent in progress */
  PRESSO_PROTO_STATE_FAULT    = 6,   /* vented, alarm latched until ACK_ALARM */
} presso_proto_state;

typedef enum {
  PRESSO_PROTO_PHASE_NONE    = 0,
  PRESSO_PROTO_PHASE_INFLATE = 1,
  PRESSO_PROTO_PHASE_HOLD    = 2,
  PRESSO_PROTO_PHASE_DEFLATE = 3,
  PRESSO_PROTO_PHASE_REST    = 4,
  PRESSO_PROTO_PHASE_PRETHERAPY = 5,
} presso_proto_phase;

typedef enum {
  PRESSO_PROTO_MODE_SEQUENTIAL = 1,  /* fill one after the other, hold all, release */
  PRESSO_PROTO_MODE_CONTINUOUS = 2,  /* all chambers together */
  PRESSO_PROTO_MODE_WAVE       = 3,  /* one wave travels up: a chamber deflates as the next fills */
  PRESSO_PROTO_MODE_GRADIENT   = 4,  /* sequential with distal chambers higher (targets must not rise) */
} presso_proto_mode;

typedef enum {
  PRESSO_PROTO_GARMENT_NONE        = 0,
  PRESSO_PROTO_GARMENT_BOOT_LEFT   = 1,
  PRESSO_PROTO_GARMENT_BOOT_RIGHT  = 2,
  PRESSO_PROTO_GARMENT_SLEEVE_LEFT = 3,
  PRESSO_PROTO_GARMENT_SLEEVE_RIGHT= 4,
  PRESSO_PROTO_GARMENT_BELT        = 5,
} presso_proto_garment;

typedef enum {
  PRESSO_PROTO_EVENT_OVER_PRESSURE    = 1,
  PRESSO_PROTO_EVENT_UNDER_PRESSURE   = 2,
  PRESSO_PROTO_EVENT_LEAK             = 3,
  PRESSO_PROTO_EVENT_GARMENT_MISSING  = 4,
  PRESSO_PROTO_EVENT_SENSOR_FAULT     = 5,
  PRESSO_PROTO_EVENT_WATCHDOG_VENT    = 6,
  PRESSO_PROTO_EVENT_PROGRAM_FINISHED = 7,
  PRESSO_PROTO_EVENT_DEVICE_RESET     = 8,
  PRESSO_PROTO_EVENT_EMERGENCY_VENT   = 9,
  PRESSO_PROTO_EVENT_CEILING_CLAMPED  = 10,
  PRESSO_PROTO_EVENT_LOOP_OVERRUN     = 11,  /* control-loop timing watchdog */
} presso_proto_event_code;

typedef enum {
  PRESSO_PROTO_PRIORITY_INFO   = 0,
  PRESSO_PROTO_PRIORITY_LOW    = 1,
  PRESSO_PROTO_PRIORITY_MEDIUM = 2,
  PRESSO_PROTO_PRIORITY_HIGH   = 3,
} presso_proto_priority;

typedef enum {
  PRESSO_PROTO_NAK_UNKNOWN_TYPE = 1,
  PRESSO_PROTO_NAK_BAD_LENGTH   = 2,
  PRESSO_PROTO_NAK_BAD_STATE    = 3,   /* e.g. START with no program, LOAD while running */
  PRESSO_PROTO_NAK_BAD_VALUE    = 4,   /* a field outside its documented range */
  PRESSO_PROTO_NAK_VERSION      = 5,   /* HELLO with a protocol version the device cannot speak */
  PRESSO_PROTO_NAK_NO_HELLO     = 6,   /* a command other than HELLO, VENT or HEARTBEAT before HELLO */
} presso_proto_nak_code;

typedef struct {
  uint8_t  proto_version;
} presso_proto_hello;

typedef struct {
  uint8_t  garment;          /* presso_proto_garment */
  uint8_t  first_chamber;    /* index into the device's chambers */
  uint8_t  n_chambers;       /* chambers of this outlet, distal first */
} presso_proto_outlet;

typedef struct {
  uint8_t  proto_version;
  char     model[24];        /* NUL-terminated, NUL-padded on the wire */
  char     serial[24];
  char     firmware[16];
  uint8_t  n_chambers;
  uint8_t  n_outlets;
  presso_proto_outlet outlets[PRESSO_PROTO_MAX_OUTLETS];
  int16_t  ceiling_dmmhg;    /* hard ceiling the device clamps every target to */
  uint16_t telemetry_hz;
} presso_proto_identity;

typedef struct {
  uint8_t  mode;             /* presso_proto_mode */
  uint8_t  n_chambers;       /* entries of target_dmmhg that are meaningful */
  uint32_t chamber_mask;     /* bit i set: chamber i is used (zone skip clears bits) */
  uint32_t pretherapy_mask;  /* chambers cleared first (pre-therapy), 0 for none */
  uint8_t  pretherapy_cycles;
  int16_t  target_dmmhg[PRESSO_PROTO_MAX_CHAMBERS];
  uint16_t inflate_ds;       /* per chamber step, 0.1 s units, 0..1200 */
  uint16_t hold_ds;
  uint16_t deflate_ds;
  uint16_t rest_ds;
  uint16_t ramp_s;           /* soft start: targets scale up over this many seconds */
  uint16_t duration_s;       /* whole program, 1..7200 */
} presso_proto_program;

typedef struct {
  int16_t  max_dmmhg;        /* the client's cap; the device clamps every target to it */
} presso_proto_limits;

typedef struct {
  uint8_t  code;             /* presso_proto_event_code of the alarm acknowledged */
} presso_proto_ack_alarm;

typedef struct {
  uint8_t  seq;              /* seq of the frame acknowledged */
} presso_proto_ack;

typedef struct {
  uint8_t  seq;
  uint8_t  code;             /* presso_proto_nak_code */
} presso_proto_nak;

typedef struct {
  uint32_t device_time_ms;
  uint8_t  state;            /* presso_proto_state */
  uint8_t  phase;            /* presso_proto_phase */
  uint8_t  active_chamber;   /* PRESSO_PROTO_NO_CHAMBER when none */
  uint8_t  n_chambers;       /* entries of pressure_dmmhg on the wire */
  uint16_t cycle;
  uint16_t elapsed_s;
  uint16_t remaining_s;
  uint32_t inlet_valves;     /* bit i set: chamber i's inlet valve open */
  uint32_t vent_valves;      /* bit i set: chamber i's vent valve open */
  uint8_t  compressor_pct;   /* 0..100 */
  uint16_t alarm_flags;      /* bit (code - 1) set while that alarm is active, codes 1..11 */
  int16_t  pressure_dmmhg[PRESSO_PROTO_MAX_CHAMBERS];  /* INT16_MIN: no valid reading */
} presso_proto_telemetry;

typedef struct {
  uint32_t device_time_ms;
  uint8_t  code;             /* presso_proto_event_code */
  uint8_t  priority;         /* presso_proto_priority */
  uint8_t  chamber;          /* PRESSO_PROTO_NO_CHAMBER when not tied to one */
  int16_t  value_dmmhg;      /* measured pressure when relevant, else 0 */
} presso_proto_event;

typedef struct {
  uint8_t type;              /* presso_proto_msg_type */
  uint8_t seq;               /* sender's sequence number, wraps at 255 */
  union {
    presso_proto_hello     hello;
    presso_proto_identity  identity;
    presso_proto_program   program;
    presso_proto_limits    limits;
    presso_proto_ack_alarm ack_alarm;
    presso_proto_ack       ack;
    presso_proto_nak       nak;
    presso_proto_telemetry telemetry;
    presso_proto_event     event;
  } u;
} presso_proto_msg;

typedef enum {
  PRESSO_PROTO_NEED_MORE   = 0,   /* every byte consumed, no frame ended */
  PRESSO_PROTO_OK          = 1,   /* one message decoded into *out */
  PRESSO_PROTO_ERR_COBS    = 2,   /* malformed COBS encoding */
  PRESSO_PROTO_ERR_CRC     = 3,
  PRESSO_PROTO_ERR_LENGTH  = 4,   /* body length wrong for its type */
  PRESSO_PROTO_ERR_TYPE    = 5,   /* unknown message type */
  PRESSO_PROTO_ERR_OVERFLOW= 6,   /* frame longer than PRESSO_PROTO_MAX_FRAME, skipped */
  PRESSO_PROTO_ERR_VALUE   = 7,   /* a field outside its range (e.g. n_chambers > 32) */
} presso_proto_status;

typedef struct {
  uint8_t  buf[PRESSO_PROTO_MAX_FRAME];
  size_t   len;
  bool     overflow;         /* discarding until the next delimiter */
  /* counters, for diagnostics */
  uint32_t frames_ok;
  uint32_t frames_bad;
} presso_proto_decoder;

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF). */
uint16_t            presso_proto_crc16          (const uint8_t *data, size_t len);

/* Encodes msg into out (COBS + trailing 0x00). Returns the bytes written, or 0 when out is
 * too small or msg is invalid (unknown type, n_chambers > 32, ...). */
size_t              presso_proto_encode         (const presso_proto_msg *msg,
                                                 uint8_t                *out,
                                                 size_t                  out_size);

void                presso_proto_decoder_init   (presso_proto_decoder   *dec);

/* Consumes bytes from data until a frame ends or data runs out; returns how many were
 * consumed.  Call again with the rest of the chunk until it returns NEED_MORE.  On OK *out
 * holds the message; on an error the bad frame is dropped and decoding carries on with the
 * next byte, so one bad frame never costs the next good one.
 * On ERR_TYPE, ERR_LENGTH and ERR_VALUE the frame's CRC was good: out->type and out->seq hold
 * its type and seq (so a device can NAK it), the rest of *out is unspecified.
 * Empty frames (two delimiters in a row) are skipped silently: senders may lead with 0x00. */
size_t              presso_proto_decoder_feed   (presso_proto_decoder   *dec,
                                                 const uint8_t          *data,
                                                 size_t                  len,
                                                 presso_proto_msg       *out,
                                                 presso_proto_status    *status);

/* Checks every field of msg against its range (PROTOCOL.md, "Messages").  Returns
 * PRESSO_PROTO_OK, PRESSO_PROTO_ERR_TYPE for an unknown type or PRESSO_PROTO_ERR_VALUE. */
presso_proto_status presso_proto_msg_check      (const presso_proto_msg *msg);

/* True when a and b carry the same message: type, seq and every field that goes on the wire
 * (entries past n_chambers or n_outlets, and text after its NUL, are not compared). */
bool                presso_proto_msg_equal      (const presso_proto_msg *a,
                                                 const presso_proto_msg *b);

/* The NAK code a device answers a bad frame with: UNKNOWN_TYPE, BAD_LENGTH or BAD_VALUE for
 * ERR_TYPE, ERR_LENGTH and ERR_VALUE; 0 for the others (not answered: no trustworthy seq). */
presso_proto_nak_code presso_proto_nak_for_status (presso_proto_status status);

/* Priority an event code is raised with (PROTOCOL.md, "Events"); INFO for unknown codes. */
presso_proto_priority presso_proto_event_priority (presso_proto_event_code code);

/* Names for logs and diagnostics (not translated); "unknown" for values out of range. */
const char         *presso_proto_status_name    (presso_proto_status     status);
const char         *presso_proto_msg_type_name  (presso_proto_msg_type   type);
const char         *presso_proto_nak_name       (presso_proto_nak_code   code);
const char         *presso_proto_mode_name      (presso_proto_mode       mode);
const char         *presso_proto_priority_name  (presso_proto_priority   priority);
const char         *presso_proto_state_name     (presso_proto_state      state);
const char         *presso_proto_phase_name     (presso_proto_phase      phase);
const char         *presso_proto_event_name     (presso_proto_event_code code);
const char         *presso_proto_garment_name   (presso_proto_garment    garment);

#ifdef __cplusplus
}
#endif
