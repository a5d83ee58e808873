/* presso-device.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PressoDevice: one compression device, real (a serial port) or simulated (in-process),
 * its state machine, commands, telemetry, alarms and the safety paths (heartbeat,
 * telemetry watchdog, emergency vent, reconnection).  Everything runs in the main context
 * the device was created in; signals and notifies are emitted there.
 */
#pragma once

#include <gio/gio.h>

#include "presso-proto.h"
#include "presso-device-types.h"

G_BEGIN_DECLS

/* In-process simulator configuration (hw/simulator). */
typedef struct presso_sim_config presso_sim_config;

/**
 * PressoTelemetry:
 * @host_time_us: g_get_monotonic_time() when the frame arrived
 * @device_time_ms: the device's clock
 * @device_state: the device's own presso_proto_state
 * @phase: presso_proto_phase
 * @active_chamber: the chamber being inflated, or PRESSO_PROTO_NO_CHAMBER
 * @n_chambers: entries of @pressure_mmhg that are meaningful
 * @cycle: cycles completed
 * @elapsed_s: program time elapsed
 * @remaining_s: program time left
 * @inlet_valves: bit i set: chamber i's inlet valve open
 * @vent_valves: bit i set: chamber i's vent valve open
 * @compressor_pct: compressor duty, 0..100
 * @alarm_flags: bit (code - 1) set while device alarm code is active
 * @pressure_mmhg: measured pressure per chamber (NAN when the sensor reading is invalid)
 */
typedef struct
{
  gint64  host_time_us;
  guint32 device_time_ms;
  guint   device_state;
  guint   phase;
  guint   active_chamber;
  guint   n_chambers;
  guint   cycle;
  guint   elapsed_s;
  guint   remaining_s;
  guint32 inlet_valves;
  guint32 vent_valves;
  guint   compressor_pct;
  guint   alarm_flags;
  double  pressure_mmhg[PRESSO_PROTO_MAX_CHAMBERS];
} PressoTelemetry;

/**
 * PressoDeviceEvent:
 * @code: a presso_proto_event_code (1..63, from the device) or a #PressoDeviceAlarmCode
 *   (from 64, raised by the host)
 * @priority: presso_proto_priority (INFO events are not alarms)
 * @chamber: the chamber concerned, or PRESSO_PROTO_NO_CHAMBER
 * @value_mmhg: the measured pressure when relevant, else 0
 * @device_time_ms: the device's clock, 0 for host alarms
 * @host_time_us: g_get_monotonic_time() when it arrived or was raised
 * @wall_time_us: g_get_real_time() (UTC) at the same moment, for the session record
 * @from_host: %TRUE when the host raised it (lost link, silent telemetry, ...)
 */
typedef struct
{
  guint    code;
  guint    priority;
  guint    chamber;
  double   value_mmhg;
  guint32  device_time_ms;
  gint64   host_time_us;
  gint64   wall_time_us;
  gboolean from_host;
} PressoDeviceEvent;

#define PRESSO_TYPE_TELEMETRY    (presso_telemetry_get_type ())
#define PRESSO_TYPE_DEVICE_EVENT (presso_device_event_get_type ())

GType              presso_telemetry_get_type          (void) G_GNUC_CONST;
PressoTelemetry   *presso_telemetry_copy              (const PressoTelemetry   *telemetry);
void               presso_telemetry_free              (PressoTelemetry         *telemetry);

GType              presso_device_event_get_type       (void) G_GNUC_CONST;
PressoDeviceEvent *presso_device_event_copy           (const PressoDeviceEvent *event);
void               presso_device_event_free           (PressoDeviceEvent       *event);
const char        *presso_device_event_describe       (guint                    code);

const char        *presso_device_state_to_string      (PressoDeviceState        state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoTelemetry, presso_telemetry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoDeviceEvent, presso_device_event_free)

#define PRESSO_DEVICE_COMMAND_TIMEOUT_MS  200
#define PRESSO_DEVICE_COMMAND_RETRIES     3
#define PRESSO_DEVICE_HELLO_TIMEOUT_MS    1000
#define PRESSO_DEVICE_HEARTBEAT_MS        250
#define PRESSO_DEVICE_TELEMETRY_SILENT_MS 500

#define PRESSO_TYPE_DEVICE (presso_device_get_type ())
G_DECLARE_FINAL_TYPE (PressoDevice, presso_device, PRESSO, DEVICE, GObject)

PressoDevice                *presso_device_new                   (const char                *port_path);
PressoDevice                *presso_device_new_simulated         (const presso_sim_config   *config);

PressoDeviceState            presso_device_get_state             (PressoDevice              *self);
const char                  *presso_device_get_port_path         (PressoDevice              *self);
gboolean                     presso_device_get_simulated         (PressoDevice              *self);
const char                  *presso_device_get_status_message    (PressoDevice              *self);
gboolean                     presso_device_get_auto_reconnect    (PressoDevice              *self);
void                         presso_device_set_auto_reconnect    (PressoDevice              *self,
                                                                  gboolean                   auto_reconnect);
const presso_proto_identity *presso_device_get_identity          (PressoDevice              *self);
const char                  *presso_device_get_model             (PressoDevice              *self);
const char                  *presso_device_get_serial            (PressoDevice              *self);
const char                  *presso_device_get_firmware          (PressoDevice              *self);
guint                        presso_device_get_n_chambers        (PressoDevice              *self);
guint                        presso_device_get_n_outlets         (PressoDevice              *self);
double                       presso_device_get_ceiling_mmhg      (PressoDevice              *self);
guint                        presso_device_get_telemetry_hz      (PressoDevice              *self);
const presso_proto_program  *presso_device_get_program           (PressoDevice              *self);
const PressoTelemetry       *presso_device_get_last_telemetry    (PressoDevice              *self);
guint                        presso_device_get_bad_frames        (PressoDevice              *self);

void                         presso_device_connect_async         (PressoDevice              *self,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_connect_finish        (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_disconnect            (PressoDevice              *self);

void                         presso_device_load_program_async    (PressoDevice              *self,
                                                                  const presso_proto_program *program,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_load_program_finish   (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_start_async           (PressoDevice              *self,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_start_finish          (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_pause_async           (PressoDevice              *self,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_pause_finish          (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_resume_async          (PressoDevice              *self,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_resume_finish         (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_stop_async            (PressoDevice              *self,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_stop_finish           (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_set_limits_async      (PressoDevice              *self,
                                                                  double                     max_mmhg,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_set_limits_finish     (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);
void                         presso_device_ack_alarm_async       (PressoDevice              *self,
                                                                  guint                      code,
                                                                  GCancellable              *cancellable,
                                                                  GAsyncReadyCallback        callback,
                                                                  gpointer                   user_data);
gboolean                     presso_device_ack_alarm_finish      (PressoDevice              *self,
                                                                  GAsyncResult              *result,
                                                                  GError                   **error);

gboolean                     presso_device_emergency_vent        (PressoDevice              *self);
gboolean                     presso_device_get_vent_pending      (PressoDevice              *self);

G_END_DECLS
