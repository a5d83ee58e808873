/* presso-device-types.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Enums of the device layer, registered as GTypes by gnome.mkenums_simple
 * (presso-device-enums.c).  Their get_type functions are declared here so that users of
 * the library need no generated header.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * PressoDeviceState:
 * @PRESSO_DEVICE_STATE_DISCONNECTED: no link (never opened, unplugged, or closed)
 * @PRESSO_DEVICE_STATE_CONNECTING: port open, handshake in progress
 * @PRESSO_DEVICE_STATE_READY: identified, idle or with a program loaded, chambers vented
 * @PRESSO_DEVICE_STATE_RUNNING: a program is running
 * @PRESSO_DEVICE_STATE_PAUSED: a program is paused, pressures held
 * @PRESSO_DEVICE_STATE_STOPPING: controlled deflation or a vent in progress
 * @PRESSO_DEVICE_STATE_FAULT: vented with an alarm latched (by the device or by the host)
 */
typedef enum {
  PRESSO_DEVICE_STATE_DISCONNECTED,
  PRESSO_DEVICE_STATE_CONNECTING,
  PRESSO_DEVICE_STATE_READY,
  PRESSO_DEVICE_STATE_RUNNING,
  PRESSO_DEVICE_STATE_PAUSED,
  PRESSO_DEVICE_STATE_STOPPING,
  PRESSO_DEVICE_STATE_FAULT,
} PressoDeviceState;

/**
 * PressoDeviceError:
 * @PRESSO_DEVICE_ERROR_FAILED: anything else
 * @PRESSO_DEVICE_ERROR_NO_PORT: the port does not exist
 * @PRESSO_DEVICE_ERROR_OPEN: the port exists but cannot be opened or configured
 * @PRESSO_DEVICE_ERROR_SILENT: no answer to the handshake
 * @PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH: the device speaks another protocol version
 * @PRESSO_DEVICE_ERROR_TIMEOUT: a command was not acknowledged after its retries
 * @PRESSO_DEVICE_ERROR_REFUSED: the device answered a command with NAK
 * @PRESSO_DEVICE_ERROR_DISCONNECTED: the link is down or went down
 * @PRESSO_DEVICE_ERROR_BUSY: a handshake is already in progress
 * @PRESSO_DEVICE_ERROR_INVALID: an argument the protocol cannot carry
 * @PRESSO_DEVICE_ERROR_FAULT: the device is in fault
 */
typedef enum {
  PRESSO_DEVICE_ERROR_FAILED,
  PRESSO_DEVICE_ERROR_NO_PORT,
  PRESSO_DEVICE_ERROR_OPEN,
  PRESSO_DEVICE_ERROR_SILENT,
  PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH,
  PRESSO_DEVICE_ERROR_TIMEOUT,
  PRESSO_DEVICE_ERROR_REFUSED,
  PRESSO_DEVICE_ERROR_DISCONNECTED,
  PRESSO_DEVICE_ERROR_BUSY,
  PRESSO_DEVICE_ERROR_INVALID,
  PRESSO_DEVICE_ERROR_FAULT,
} PressoDeviceError;

/**
 * PressoDeviceAlarmCode:
 *
 * Codes 1..63 are the device's own (presso_proto_event_code); the host adds its own from 64.
 */
typedef enum {
  PRESSO_DEVICE_ALARM_LINK_LOST          = 64,  /* the link went down during a program */
  PRESSO_DEVICE_ALARM_TELEMETRY_SILENT   = 65,  /* nothing from the device for over 500 ms */
  PRESSO_DEVICE_ALARM_UNEXPECTED_RESET   = 66,  /* the device restarted during a program */
  PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED   = 67,  /* an emergency vent was never acknowledged */
  PRESSO_DEVICE_ALARM_NO_REPLY           = 68,  /* a command went unanswered after its retries */
  PRESSO_DEVICE_ALARM_BAD_FRAMES         = 69,  /* more than 10 bad frames in one second */
} PressoDeviceAlarmCode;

GType presso_device_state_get_type      (void) G_GNUC_CONST;
GType presso_device_error_get_type      (void) G_GNUC_CONST;
GType presso_device_alarm_code_get_type (void) G_GNUC_CONST;
/* Spelt exactly as in the generated header, so that both may be included. */
#define PRESSO_TYPE_DEVICE_STATE (presso_device_state_get_type())
#define PRESSO_TYPE_DEVICE_ERROR (presso_device_error_get_type())
#define PRESSO_TYPE_DEVICE_ALARM_CODE (presso_device_alarm_code_get_type())

#define PRESSO_DEVICE_ERROR (presso_device_error_quark ())
GQuark presso_device_error_quark (void);

G_END_DECLS
