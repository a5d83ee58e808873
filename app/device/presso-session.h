/* presso-session.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PressoSession: one treatment at the table, on the main thread.  It is made for a client, a
 * program, a device and the practitioner; it refuses to start without a start permit from the
 * screening gate covering every zone the program's garments touch (whoever calls it: the UI,
 * presso-ctl or a test), sends the client's cap, the program and START, follows the device,
 * keeps the alarms, re-emits telemetry for the graph and writes the session record as it goes.
 * Anything unexpected (lost link, device fault, silent telemetry, a refused command) ends in
 * an emergency vent, a visible alarm and an honest outcome in the record.
 */
#pragma once

#include <gio/gio.h>

#include "presso-client.h"
#include "presso-device.h"
#include "presso-program.h"
#include "presso-screening-gate.h"
#include "presso-staff.h"
#include "presso-store-session.h"

G_BEGIN_DECLS

#define PRESSO_SESSION_ERROR (presso_session_error_quark ())
GQuark presso_session_error_quark (void);

typedef enum
{
  PRESSO_SESSION_ERROR_STATE,       /* not possible in the session's state */
  PRESSO_SESSION_ERROR_NO_PERMIT,   /* no screening check was made */
  PRESSO_SESSION_ERROR_DEVICE,      /* the device is not ready or cannot run the program */
} PressoSessionError;

/**
 * PressoSessionState:
 * @PRESSO_SESSION_STATE_READY: made, not started
 * @PRESSO_SESSION_STATE_STARTING: the cap, the program and START are being sent
 * @PRESSO_SESSION_STATE_RUNNING: the program runs
 * @PRESSO_SESSION_STATE_PAUSED: paused, pressures held
 * @PRESSO_SESSION_STATE_STOPPING: deflating (stop, end of program or vent)
 * @PRESSO_SESSION_STATE_FINISHED: over; the outcome is recorded
 */
typedef enum
{
  PRESSO_SESSION_STATE_READY,
  PRESSO_SESSION_STATE_STARTING,
  PRESSO_SESSION_STATE_RUNNING,
  PRESSO_SESSION_STATE_PAUSED,
  PRESSO_SESSION_STATE_STOPPING,
  PRESSO_SESSION_STATE_FINISHED,
} PressoSessionState;

GType presso_session_state_get_type (void) G_GNUC_CONST;
#define PRESSO_TYPE_SESSION_STATE (presso_session_state_get_type ())

#define PRESSO_SESSION_REARM_MS          30000  /* an acknowledged alarm re-arms after this */
#define PRESSO_SESSION_FLUSH_MS          3000   /* the trace is written at least this often */
#define PRESSO_SESSION_SILENCE_MS        1500   /* no telemetry for this long: vent */
#define PRESSO_SESSION_OVER_LIMIT_MMHG   10     /* measured this far above the cap... */
#define PRESSO_SESSION_OVER_LIMIT_MS     300    /* ...for this long: vent */

/* The session's own alarm codes (the device's are below 64, the device layer's 64..95). */
#define PRESSO_SESSION_ALARM_OVER_LIMIT       96  /* a chamber measured above the cap: vented */
#define PRESSO_SESSION_ALARM_RECORD_FAILED    97  /* the record could not be written */
#define PRESSO_SESSION_ALARM_VENT_UNREACHABLE 98  /* an emergency vent found no link to the device */

/* ---- alarms */

#define PRESSO_TYPE_SESSION_ALARM (presso_session_alarm_get_type ())
G_DECLARE_FINAL_TYPE (PressoSessionAlarm, presso_session_alarm, PRESSO, SESSION_ALARM, GObject)

/* Read-only properties "code", "priority" (presso_proto_priority), "text" (translated),
 * "time" (GDateTime, local), "chamber" (1-based for the user, 0 = none) and "acknowledged"
 * (notifies when acknowledged and when it re-arms). */
guint        presso_session_alarm_get_code         (PressoSessionAlarm *self);
guint        presso_session_alarm_get_priority     (PressoSessionAlarm *self);
const char  *presso_session_alarm_get_text         (PressoSessionAlarm *self);
GDateTime   *presso_session_alarm_get_time         (PressoSessionAlarm *self); /* (transfer none) */
guint        presso_session_alarm_get_chamber      (PressoSessionAlarm *self);
gboolean     presso_session_alarm_get_acknowledged (PressoSessionAlarm *self);

/* ---- the session */

#define PRESSO_TYPE_SESSION (presso_session_get_type ())
G_DECLARE_FINAL_TYPE (PressoSession, presso_session, PRESSO, SESSION, GObject)

/* Properties (read-only, notify on change): "state" (PressoSessionState), "outcome"
 * (PressoSessionOutcome, as guint), "session-id" (gint64, the record, 0 before start),
 * "elapsed-s" (how long the program has run, as the device counts it), "remaining-s" (0 once
 * finished, however it ended), "cycle", "phase"
 * (presso_proto_phase, PRESSO_PROTO_PHASE_NONE once finished), "active-chamber" (device index,
 * PRESSO_PROTO_NO_CHAMBER when none), "status-message" (translated, why it ended when it did
 * not complete).
 * Signal "telemetry" (const PressoTelemetry *): each frame while the session is on, for the
 * graph's sample buffers.
 * Signal "alarm" (PressoSessionAlarm *): a new alarm (also appended to the alarm list). */

/* @program is copied: later edits do not change the session.  (transfer full) */
PressoSession  *presso_session_new                  (PressoStore         *store,
                                                     PressoDevice        *device,
                                                     PressoClient        *client,
                                                     PressoStaff         *practitioner,
                                                     PressoProgram       *program);

PressoStore    *presso_session_get_store            (PressoSession       *self);
PressoDevice   *presso_session_get_device           (PressoSession       *self);
PressoClient   *presso_session_get_client           (PressoSession       *self);
PressoStaff    *presso_session_get_practitioner     (PressoSession       *self);
PressoProgram  *presso_session_get_program          (PressoSession       *self);
/* The zones the program's garments cover (what the screening gate must clear). */
PressoZones     presso_session_get_zones            (PressoSession       *self);
PressoSessionState   presso_session_get_state       (PressoSession       *self);
PressoSessionOutcome presso_session_get_outcome     (PressoSession       *self);
gint64          presso_session_get_session_id       (PressoSession       *self);
guint           presso_session_get_elapsed_s        (PressoSession       *self);
guint           presso_session_get_remaining_s      (PressoSession       *self);
guint           presso_session_get_duration_s       (PressoSession       *self);
guint           presso_session_get_cycle            (PressoSession       *self);
guint           presso_session_get_phase            (PressoSession       *self);
guint           presso_session_get_active_chamber   (PressoSession       *self);
const char     *presso_session_get_status_message   (PressoSession       *self);
/* (transfer none) a GListModel of PressoSessionAlarm, oldest first. */
GListModel     *presso_session_get_alarms           (PressoSession       *self);
/* The recorder's figures (bytes of trace written, samples). */
guint64         presso_session_get_trace_bytes      (PressoSession       *self);

/* Runs the screening gate (presso_screening_gate_issue_permit) for this session's client and
 * zones, now.  (transfer full) (nullable): the permit, or NULL with the gate's error, whose
 * message is for the user. */
PressoStartPermit *presso_session_check_screening   (PressoSession                     *self,
                                                     PressoScreeningRules              *rules,
                                                     PressoScreening                   *screening,
                                                     guint                              validity_days,
                                                     GDateTime                         *client_changed_at,
                                                     const PressoScreeningConfirmation *confirmation,
                                                     GError                           **error);

/* The same gate, with everything it needs loaded from the store by the session itself (the
 * client's current screening and its decisions, today's "anything changed?" confirmation, the
 * health-change marker: presso_store_check_screening_gate()), so that no caller can pass a
 * stale one.  A cap's refusal then names the screening answer behind it.  Use this one. */
PressoStartPermit *presso_session_check_screening_from_store (PressoSession         *self,
                                                             PressoScreeningRules  *rules,
                                                             guint                  validity_days,
                                                             GError               **error);

/* Starts the session.  Refuses (FALSE, @error for the user) without a permit, with a permit
 * for another client, other zones or another day (PRESSO_SCREENING_ERROR_PERMIT), when the
 * program breaks the device ceiling or the permit's cap (PRESSO_PROGRAM_ERROR_INVALID), when
 * the device is not ready or lacks the garments (PRESSO_SESSION_ERROR_DEVICE), or when the
 * record cannot be written.  Otherwise writes the record, sends the cap, the program and START
 * and returns TRUE: what happens next shows in "state" (a refusal by the device ends it as
 * interrupted-fault, with an alarm). */
gboolean        presso_session_start                (PressoSession       *self,
                                                     PressoStartPermit   *permit,
                                                     GError             **error);
gboolean        presso_session_pause                (PressoSession       *self,
                                                     GError             **error);
gboolean        presso_session_resume               (PressoSession       *self,
                                                     GError             **error);
/* Controlled deflation; the outcome is "stopped". */
gboolean        presso_session_stop                 (PressoSession       *self,
                                                     GError             **error);
/* Always sends the vent, in every state (even before start or after the end); during a
 * session, ends it as "emergency-vented".  Returns what presso_device_emergency_vent() did. */
gboolean        presso_session_emergency_vent       (PressoSession       *self);
/* Acknowledges an alarm (recorded; the device's latched alarm is acknowledged too); it re-arms
 * after the re-arm interval if its condition persists. */
void            presso_session_acknowledge_alarm    (PressoSession       *self,
                                                     PressoSessionAlarm  *alarm);

/* Waits until everything recorded so far (trace, events, the outcome once ended) is in the
 * database, or a write fails (FALSE: it is tried again later).  Blocks the caller: for tests
 * and command-line tools, never for the UI (the record is written in the background). */
gboolean        presso_session_sync_record          (PressoSession       *self,
                                                     GError             **error);

/* Tuning, for tests and benchmarks (defaults above). */
void            presso_session_set_rearm_interval   (PressoSession       *self,
                                                     guint                ms);
void            presso_session_set_flush_interval   (PressoSession       *self,
                                                     guint                ms);
/* A pressure limit below the client's screening cap (0: none), sent to the device with the
 * cap before the program (the device clamps every target to it) and watched by the session
 * (measured above it: vent).  Set before presso_session_start(). */
void            presso_session_set_pressure_limit   (PressoSession       *self,
                                                     guint                mmhg);
/* Ends the program after @seconds (0 = the program's duration) for tests and demonstrations;
 * the record notes it. */
void            presso_session_set_duration_limit   (PressoSession       *self,
                                                     guint                seconds);

G_END_DECLS
