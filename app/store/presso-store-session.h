/* presso-store-session.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Session records: the practice's own programs, and each treatment session as it runs (a row
 * at start, events and alarms as they happen, the pressure trace in compressed chunks flushed
 * every few seconds in small transactions, the outcome at the end), sessions a crash left
 * running, measurements, a client's timeline and its CSV export.
 */
#pragma once

#include <gio/gio.h>

#include "presso-program.h"
#include "presso-store.h"

G_BEGIN_DECLS

/* How a session ended (its stored id in brackets). */
typedef enum
{
  PRESSO_SESSION_OUTCOME_RUNNING,             /* "running": not ended (yet) */
  PRESSO_SESSION_OUTCOME_COMPLETED,           /* "completed": the program ran to its end */
  PRESSO_SESSION_OUTCOME_STOPPED,             /* "stopped": the practitioner stopped it */
  PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED,    /* "emergency-vented": the practitioner vented */
  PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT,   /* "interrupted-fault": alarm, lost link, refusal */
  PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH,   /* "interrupted-crash": Presso stopped mid-session */
} PressoSessionOutcome;

const char           *presso_session_outcome_to_id    (PressoSessionOutcome outcome);
gboolean              presso_session_outcome_from_id  (const char          *id,
                                                       PressoSessionOutcome *outcome);
const char           *presso_session_outcome_to_label (PressoSessionOutcome outcome); /* translated */

/* What a session event row is. */
typedef enum
{
  PRESSO_SESSION_EVENT_DEVICE,     /* a device event (INFO: program finished, clamped, ...) */
  PRESSO_SESSION_EVENT_ALARM,      /* an alarm raised (device or host) */
  PRESSO_SESSION_EVENT_COMMAND,    /* start, pause, resume, stop, vent: who did what */
  PRESSO_SESSION_EVENT_ACKNOWLEDGED, /* an alarm acknowledged by the practitioner */
} PressoSessionEventKind;

/**
 * PressoSessionEvent:
 * @kind: a #PressoSessionEventKind
 * @at_ms: milliseconds since the session started
 * @wall_time: when, UTC
 * @code: the event or alarm code (presso_proto_event_code or PressoDeviceAlarmCode), or a
 *   command's message type (presso_proto_msg_type)
 * @priority: presso_proto_priority
 * @chamber: the chamber (0-based device index) or PRESSO_PROTO_NO_CHAMBER
 * @value_mmhg: the measured pressure when relevant, else 0
 * @text: what the user read (translated when recorded)
 */
typedef struct
{
  PressoSessionEventKind kind;
  gint64                 at_ms;
  GDateTime             *wall_time;
  guint                  code;
  guint                  priority;
  guint                  chamber;
  double                 value_mmhg;
  char                  *text;
} PressoSessionEvent;

void presso_session_event_free (PressoSessionEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoSessionEvent, presso_session_event_free)

/**
 * PressoSessionTrace:
 * @n_chambers: chambers recorded (device indices 0 .. n_chambers - 1)
 * @n_samples: samples
 * @time_ms: (array length=n_samples): each sample's time since the session started
 * @phase: (array length=n_samples): presso_proto_phase of each sample
 * @active_chamber: (array length=n_samples): the chamber being inflated, or PRESSO_PROTO_NO_CHAMBER
 * @pressure_mmhg: n_chambers × n_samples, chamber-major: chamber c's sample i at
 *   [c * n_samples + i]; NAN where the sensor reading was invalid
 *
 * The decoded pressure trace, for replay in the graph.
 */
typedef struct
{
  guint    n_chambers;
  guint    n_samples;
  guint32 *time_ms;
  guint8  *phase;
  guint8  *active_chamber;
  float   *pressure_mmhg;
} PressoSessionTrace;

void presso_session_trace_free (PressoSessionTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoSessionTrace, presso_session_trace_free)

/**
 * PressoMeasurement:
 * @session_id: the session it was taken at
 * @session_started_at: (nullable): that session's start (in series)
 * @point: a circumference point ("left-ankle", "right-calf-max", ...) or "weight"
 * @after: %FALSE before the session, %TRUE after it
 * @value: centimetres for circumferences, kilograms for weight
 */
typedef struct
{
  gint64     id;
  gint64     session_id;
  GDateTime *session_started_at;
  char      *point;
  gboolean   after;
  double     value;
} PressoMeasurement;

void presso_measurement_free (PressoMeasurement *measurement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoMeasurement, presso_measurement_free)

#define PRESSO_SESSION_SCORE_UNSET (-1)

#define PRESSO_TYPE_SESSION_RECORD (presso_session_record_get_type ())
G_DECLARE_FINAL_TYPE (PressoSessionRecord, presso_session_record, PRESSO, SESSION_RECORD, GObject)

/* One session as stored.  Read-only properties "id", "client-id", "outcome", "started-at",
 * "duration-ms", "program-name"; the rest through the getters.  Notes and scores are edited
 * with the setters then saved with presso_store_update_session_details(). */
gint64               presso_session_record_get_id               (PressoSessionRecord *self);
gint64               presso_session_record_get_version          (PressoSessionRecord *self);
gint64               presso_session_record_get_client_id        (PressoSessionRecord *self);
gint64               presso_session_record_get_practitioner_id  (PressoSessionRecord *self);
const char          *presso_session_record_get_practitioner_name (PressoSessionRecord *self);
PressoProgram       *presso_session_record_get_program          (PressoSessionRecord *self); /* (transfer none): the exact copy that ran */
const char          *presso_session_record_get_program_name     (PressoSessionRecord *self);
const char          *presso_session_record_get_device_model     (PressoSessionRecord *self);
const char          *presso_session_record_get_device_serial    (PressoSessionRecord *self);
const char          *presso_session_record_get_device_firmware  (PressoSessionRecord *self);
guint                presso_session_record_get_pressure_cap     (PressoSessionRecord *self);
GDateTime           *presso_session_record_get_started_at       (PressoSessionRecord *self); /* (transfer none), UTC */
GDateTime           *presso_session_record_get_ended_at         (PressoSessionRecord *self); /* (transfer none) (nullable) */
gint64               presso_session_record_get_duration_ms      (PressoSessionRecord *self);
PressoSessionOutcome presso_session_record_get_outcome          (PressoSessionRecord *self);
const char          *presso_session_record_get_notes            (PressoSessionRecord *self);
void                 presso_session_record_set_notes            (PressoSessionRecord *self,
                                                                 const char          *notes);
/* Heaviness and pain, 0..10, or PRESSO_SESSION_SCORE_UNSET. */
int                  presso_session_record_get_heaviness_before (PressoSessionRecord *self);
int                  presso_session_record_get_heaviness_after  (PressoSessionRecord *self);
int                  presso_session_record_get_pain_before      (PressoSessionRecord *self);
int                  presso_session_record_get_pain_after       (PressoSessionRecord *self);
void                 presso_session_record_set_scores           (PressoSessionRecord *self,
                                                                 int                  heaviness_before,
                                                                 int                  heaviness_after,
                                                                 int                  pain_before,
                                                                 int                  pain_after);
/* Filled by presso_store_get_session() only (NULL in lists).
 * (transfer none) (element-type PressoSessionEvent) */
GPtrArray           *presso_session_record_get_events           (PressoSessionRecord *self);
const PressoSessionTrace *presso_session_record_get_trace       (PressoSessionRecord *self); /* nullable */

/* ---- programs of the practice */

/* (transfer full) PressoProgram, by name; archived ones only when @include_archived. */
GListModel   *presso_store_list_programs          (PressoStore          *self,
                                                   gboolean              include_archived,
                                                   GError              **error);
PressoProgram *presso_store_get_program           (PressoStore          *self,
                                                   gint64                id,
                                                   GError              **error);
/* Validates (INVALID with the first problem), inserts, sets id and version 1. */
gboolean      presso_store_insert_program         (PressoStore          *self,
                                                   PressoProgram        *program,
                                                   GError              **error);
/* Writes if the row still has the program's version (else CONFLICT), bumps the version. */
gboolean      presso_store_update_program         (PressoStore          *self,
                                                   PressoProgram        *program,
                                                   GError              **error);
gboolean      presso_store_set_program_archived   (PressoStore          *self,
                                                   PressoProgram        *program,
                                                   gboolean              archived,
                                                   GError              **error);

/* ---- a running session (written by PressoSession) */

/* Inserts the row at Start: outcome "running", start time now (UTC), an exact copy of
 * @program, the device's identity, the screening cap; this process as its owner (so that a
 * later open can tell it crashed).  Returns the session id, 0 on error. */
gint64        presso_store_begin_session          (PressoStore          *self,
                                                   gint64                client_id,
                                                   gint64                practitioner_id,
                                                   PressoProgram        *program,
                                                   const char           *device_model,
                                                   const char           *device_serial,
                                                   const char           *device_firmware,
                                                   guint                 pressure_cap,
                                                   gint64                screening_id,
                                                   GError              **error);
gboolean      presso_store_add_session_event      (PressoStore          *self,
                                                   gint64                session_id,
                                                   const PressoSessionEvent *event,
                                                   GError              **error);
/* Ends a running session: outcome, duration, end time now.  Fails (NOT_FOUND) for a session
 * that is not running: an outcome is written once. */
gboolean      presso_store_end_session            (PressoStore          *self,
                                                   gint64                session_id,
                                                   PressoSessionOutcome  outcome,
                                                   gint64                duration_ms,
                                                   GError              **error);
/* Notes and scores (0..10 or unset; INVALID otherwise), with the record's version (CONFLICT). */
gboolean      presso_store_update_session_details (PressoStore          *self,
                                                   PressoSessionRecord  *record,
                                                   GError              **error);

/* Closes every session left "running" by a process that is gone (this machine rebooted, or
 * the process no longer exists) as "interrupted-crash", with the duration up to its last
 * flushed trace chunk.  (transfer full) (element-type PressoSessionRecord): what it closed. */
GPtrArray    *presso_store_close_interrupted_sessions (PressoStore      *self,
                                                       GError          **error);

/* ---- the session recorder */

/* The recorder is used from the main thread; its writer thread only touches the database.
 * Everything a running session writes goes through it, in order: the pressure trace (telemetry
 * averaged into bins of 1000 / PRESSO_TRACE_RATE_HZ ms, quantised to PRESSO_TRACE_STEP_MMHG,
 * delta-encoded per chamber and zlib-compressed per chunk), its event and alarm rows, and its
 * outcome.  The writer commits each on its own connection, one transaction each, so that the
 * main loop never waits for the disk or for a database locked by another program; a record
 * that cannot be written is kept, the ones after it wait behind it, and it is tried again
 * every second. */
#define PRESSO_TRACE_RATE_HZ    10
#define PRESSO_TRACE_STEP_MMHG  1.0

typedef struct _PressoTraceRecorder PressoTraceRecorder;

PressoTraceRecorder *presso_trace_recorder_new        (PressoStore          *store,
                                                       gint64                session_id,
                                                       guint                 n_chambers);
/* Frees the recorder at once (no wait for the disk); what was handed over is still written,
 * in the background: call presso_store_drain_records() before the process exits. */
void                 presso_trace_recorder_free       (PressoTraceRecorder  *recorder);
/* One telemetry frame at @at_ms since the session started.  @pressure_mmhg has
 * n_chambers entries (NAN: invalid reading). */
void                 presso_trace_recorder_add        (PressoTraceRecorder  *recorder,
                                                       gint64                at_ms,
                                                       const double         *pressure_mmhg,
                                                       guint                 phase,
                                                       guint                 active_chamber);
/* Hands the samples gathered since the last flush to the writer thread, which commits them as
 * one chunk in one transaction (with the session's duration so far).  Returns at once; FALSE
 * reports a record that could not be written since the last report.  Nothing to write is
 * success. */
gboolean             presso_trace_recorder_flush      (PressoTraceRecorder  *recorder,
                                                       GError              **error);
/* Hands one event row to the writer (after everything handed over before it).  Returns at
 * once; a failure is reported like a chunk's. */
void                 presso_trace_recorder_add_event  (PressoTraceRecorder      *recorder,
                                                       const PressoSessionEvent *event);
/* Hands the outcome to the writer, after the last samples and every event before it (once). */
void                 presso_trace_recorder_end        (PressoTraceRecorder  *recorder,
                                                       PressoSessionOutcome  outcome,
                                                       gint64                duration_ms);
/* FALSE with the first write failure since the last report. */
gboolean             presso_trace_recorder_check      (PressoTraceRecorder  *recorder,
                                                       GError              **error);
/* @func runs on the caller's thread-default main context when a write fails and when
 * everything is written again after a failure. */
void                 presso_trace_recorder_set_notify (PressoTraceRecorder  *recorder,
                                                       GSourceFunc           func,
                                                       gpointer              user_data,
                                                       GDestroyNotify        destroy);
/* Waits until everything handed over is committed, or a write fails (blocks: for the end of a
 * command-line run and for tests). */
gboolean             presso_trace_recorder_sync       (PressoTraceRecorder  *recorder,
                                                       GError              **error);
/* Bytes of compressed chunks handed over so far, and samples (per chamber). */
guint64              presso_trace_recorder_get_bytes  (PressoTraceRecorder  *recorder);
guint64              presso_trace_recorder_get_samples (PressoTraceRecorder *recorder);
/* Records held back since a write failed (the record is written late, not lost, when the
 * disk was full or the database locked for a while); 0 once all is written again. */
guint                presso_trace_recorder_get_unwritten (PressoTraceRecorder *recorder);
/* The end of the last committed chunk, ms since the start. */
gint64               presso_trace_recorder_get_flushed_ms (PressoTraceRecorder *recorder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoTraceRecorder, presso_trace_recorder_free)

/* Every recorder of the process, freed ones included: records not committed yet. */
guint                presso_store_get_unwritten_records (void);
/* Waits until every record handed to any recorder of the process is committed, at most
 * @timeout_ms (the writers keep trying meanwhile).  FALSE with what is not written, per
 * session.  Blocks: for a process's last moment; the _async variant lets the main loop turn
 * (cancelled, it reports what is not written). */
gboolean             presso_store_drain_records       (guint                 timeout_ms,
                                                       GError              **error);
void                 presso_store_drain_records_async (guint                 timeout_ms,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean             presso_store_drain_records_finish (GAsyncResult        *result,
                                                        GError             **error);

/* ---- reading back */

/* A client's sessions, newest first, without events and trace.
 * (transfer full) PressoSessionRecord */
GListModel   *presso_store_list_client_sessions   (PressoStore          *self,
                                                   gint64                client_id,
                                                   GError              **error);
/* One session with its events and decoded trace.  (transfer full) */
PressoSessionRecord *presso_store_get_session     (PressoStore          *self,
                                                   gint64                session_id,
                                                   GError              **error);

/* ---- measurements */

/* @point: a lowercase id ("left-ankle", "weight"); @value > 0 (INVALID otherwise). */
gint64        presso_store_add_measurement        (PressoStore          *self,
                                                   gint64                session_id,
                                                   const char           *point,
                                                   gboolean              after,
                                                   double                value,
                                                   GError              **error);
/* Several measurements of one moment of a session in one transaction: all or none. */
gboolean      presso_store_add_measurements       (PressoStore          *self,
                                                   gint64                session_id,
                                                   gboolean              after,
                                                   const char * const   *points,
                                                   const double         *values,
                                                   guint                 n,
                                                   GError              **error);
/* (transfer full) (element-type PressoMeasurement), by point then before/after. */
GPtrArray    *presso_store_list_session_measurements (PressoStore       *self,
                                                      gint64             session_id,
                                                      GError           **error);
/* One point over a client's course, oldest session first.
 * (transfer full) (element-type PressoMeasurement) */
GPtrArray    *presso_store_list_measurement_series (PressoStore         *self,
                                                    gint64               client_id,
                                                    const char          *point,
                                                    GError             **error);

/* ---- export */

/* CSV (RFC 4180, UTF-8, comma, CRLF) of a client's sessions, oldest first, one row each:
 * date (local time), duration in minutes, program, mode, base pressure, cap, outcome,
 * practitioner, device serial, the four scores, alarms, weight before/after, notes.
 * (transfer full) */
char         *presso_store_export_client_sessions_csv (PressoStore      *self,
                                                       gint64            client_id,
                                                       GError          **error);

G_END_DECLS
