/* presso-session.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session follows the device through its signals and never trusts silence: the device
 * layer already vents and alarms on a lost link, a fault or silent telemetry, and the session
 * adds its own telemetry watchdog on top.  Whatever ends a session that did not complete, the
 * device is told to vent first, then the alarm is shown and the outcome written.
 */
#define G_LOG_DOMAIN "presso-session"
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "presso-session.h"
#include "presso-store-screening.h"

/* ------------------------------------------------------------------ alarms */

struct _PressoSessionAlarm
{
  GObject    parent_instance;

  guint      code;
  guint      priority;
  char      *text;
  GDateTime *time;
  guint      chamber;
  gboolean   acknowledged;
  guint      rearm_source;
};

enum {
  ALARM_PROP_0,
  ALARM_PROP_CODE,
  ALARM_PROP_PRIORITY,
  ALARM_PROP_TEXT,
  ALARM_PROP_TIME,
  ALARM_PROP_CHAMBER,
  ALARM_PROP_ACKNOWLEDGED,
  ALARM_N_PROPS
};

static GParamSpec *alarm_properties[ALARM_N_PROPS];

G_DEFINE_FINAL_TYPE (PressoSessionAlarm, presso_session_alarm, G_TYPE_OBJECT)

static void
presso_session_alarm_dispose (GObject *object)
{
  PressoSessionAlarm *self = PRESSO_SESSION_ALARM (object);

  g_clear_handle_id (&self->rearm_source, g_source_remove);

  G_OBJECT_CLASS (presso_session_alarm_parent_class)->dispose (object);
}

static void
presso_session_alarm_finalize (GObject *object)
{
  PressoSessionAlarm *self = PRESSO_SESSION_ALARM (object);

  g_free (self->text);
  g_clear_pointer (&self->time, g_date_time_unref);

  G_OBJECT_CLASS (presso_session_alarm_parent_class)->finalize (object);
}

static void
presso_session_alarm_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PressoSessionAlarm *self = PRESSO_SESSION_ALARM (object);

  switch (prop_id)
    {
    case ALARM_PROP_CODE: g_value_set_uint (value, self->code); break;
    case ALARM_PROP_PRIORITY: g_value_set_uint (value, self->priority); break;
    case ALARM_PROP_TEXT: g_value_set_string (value, self->text); break;
    case ALARM_PROP_TIME: g_value_set_boxed (value, self->time); break;
    case ALARM_PROP_CHAMBER: g_value_set_uint (value, self->chamber); break;
    case ALARM_PROP_ACKNOWLEDGED: g_value_set_boolean (value, self->acknowledged); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_session_alarm_class_init (PressoSessionAlarmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = presso_session_alarm_dispose;
  object_class->finalize = presso_session_alarm_finalize;
  object_class->get_property = presso_session_alarm_get_property;

  alarm_properties[ALARM_PROP_CODE] = g_param_spec_uint ("code", NULL, NULL, 0, G_MAXUINT, 0, ro);
  alarm_properties[ALARM_PROP_PRIORITY] = g_param_spec_uint ("priority", NULL, NULL, 0,
                                                             PRESSO_PROTO_PRIORITY_HIGH, 0, ro);
  alarm_properties[ALARM_PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, ro);
  alarm_properties[ALARM_PROP_TIME] = g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, ro);
  alarm_properties[ALARM_PROP_CHAMBER] = g_param_spec_uint ("chamber", NULL, NULL, 0, G_MAXUINT, 0, ro);
  alarm_properties[ALARM_PROP_ACKNOWLEDGED] = g_param_spec_boolean ("acknowledged", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, ALARM_N_PROPS, alarm_properties);
}

static void
presso_session_alarm_init (PressoSessionAlarm *self)
{
}

guint
presso_session_alarm_get_code (PressoSessionAlarm *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION_ALARM (self), 0);
  return self->code;
}

guint
presso_session_alarm_get_priority (PressoSessionAlarm *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION_ALARM (self), 0);
  return self->priority;
}

const char *
presso_session_alarm_get_text (PressoSessionAlarm *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION_ALARM (self), NULL);
  return self->text;
}

GDateTime *
presso_session_alarm_get_time (PressoSessionAlarm *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION_ALARM (self), NULL);
  return self->time;
}

guint
presso_session_alarm_get_chamber (PressoSessionAlarm *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION_ALARM (self), 0);
  return self->chamber;
}

gboolean
presso_session_alarm_get_acknowledged (PressoSessionAlarm *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION_ALARM (self), FALSE);
  return self->acknowledged;
}

static void
alarm_set_acknowledged (PressoSessionAlarm *self,
                        gboolean            acknowledged)
{
  if (self->acknowledged == acknowledged)
    return;
  self->acknowledged = acknowledged;
  g_object_notify_by_pspec (G_OBJECT (self), alarm_properties[ALARM_PROP_ACKNOWLEDGED]);
}

/* ------------------------------------------------------------------ session */

struct _PressoSession
{
  GObject              parent_instance;

  PressoStore         *store;
  PressoDevice        *device;
  PressoClient        *client;
  PressoStaff         *practitioner;
  PressoProgram       *program;
  GCancellable        *cancellable;

  PressoSessionState   state;
  PressoSessionOutcome outcome;
  char                *status_message;
  gint64               session_id;
  gint64               start_us;
  gint64               duration_ms;        /* from start to the end, once finished */
  gint64               last_telemetry_us;
  guint                elapsed_s;
  guint                remaining_s;
  guint                cycle;
  guint                phase;
  guint                active_chamber;
  guint                alarm_flags;
  guint                cap_mmhg;
  guint                limit_mmhg;         /* the cap, else the limit sent to the device */
  gint64               over_limit_since_us;
  presso_proto_program wire;
  gboolean             device_started;     /* the device acknowledged START */
  gboolean             stop_requested;
  gboolean             program_finished;

  GListStore          *alarms;
  PressoTraceRecorder *recorder;
  guint64              trace_bytes;
  gboolean             record_failing;     /* the record-failed alarm is up */
  guint                flush_source;
  guint                watchdog_source;
  guint                rearm_ms;
  guint                flush_ms;
  guint                duration_limit_s;
  guint                pressure_limit_mmhg;  /* set by the caller, below the cap; 0: none */
  char                *cap_reason;         /* why the permit from check_screening has a cap */
  gpointer             cap_reason_permit;  /* that permit (compared, never dereferenced) */

  gulong               telemetry_handler;
  gulong               event_handler;
  gulong               alarm_handler;
  gulong               state_handler;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_OUTCOME,
  PROP_SESSION_ID,
  PROP_ELAPSED_S,
  PROP_REMAINING_S,
  PROP_CYCLE,
  PROP_PHASE,
  PROP_ACTIVE_CHAMBER,
  PROP_STATUS_MESSAGE,
  N_PROPS
};

enum {
  TELEMETRY,
  ALARM,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PressoSession, presso_session, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (PressoSessionState, presso_session_state,
                    G_DEFINE_ENUM_VALUE (PRESSO_SESSION_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SESSION_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SESSION_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SESSION_STATE_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SESSION_STATE_STOPPING, "stopping"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SESSION_STATE_FINISHED, "finished"))
G_DEFINE_QUARK (presso-session-error-quark, presso_session_error)

static void end_session (PressoSession        *self,
                         PressoSessionOutcome  outcome,
                         const char           *message);
static void record_write_result (PressoSession *self,
                                 const GError  *error);

/* ------------------------------------------------------------------ helpers */

static gboolean
is_active (PressoSession *self)
{
  return self->state >= PRESSO_SESSION_STATE_STARTING && self->state < PRESSO_SESSION_STATE_FINISHED;
}

static gint64
session_ms (PressoSession *self)
{
  return self->start_us ? (g_get_monotonic_time () - self->start_us) / 1000 : 0;
}

static void
set_state (PressoSession      *self,
           PressoSessionState  state)
{
  if (self->state == state)
    return;
  g_debug ("session %" G_GINT64_FORMAT ": state %d → %d", self->session_id, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_uint_prop (PressoSession *self,
               guint         *field,
               guint          value,
               guint          prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_status_message (PressoSession *self,
                    const char    *message)
{
  if (g_strcmp0 (self->status_message, message) == 0)
    return;
  g_free (self->status_message);
  self->status_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
}

/* Hands one event row to the recorder's writer thread (in order with the trace and the
 * outcome): never waits for the database.  A failed write shows as an alarm (see
 * on_record_notify_cb), never fatal: the session goes on and the device is what keeps the
 * client safe. */
static void
record_event (PressoSession          *self,
              PressoSessionEventKind  kind,
              guint                   code,
              guint                   priority,
              guint                   chamber,
              double                  value_mmhg,
              const char             *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  PressoSessionEvent event = {
    .kind = kind,
    .at_ms = session_ms (self),
    .wall_time = now,
    .code = code,
    .priority = priority,
    .chamber = chamber,
    .value_mmhg = value_mmhg,
    .text = (char *) text,
  };

  if (self->session_id == 0 || self->recorder == NULL)
    return;
  presso_trace_recorder_add_event (self->recorder, &event);
}

static void
record_command (PressoSession *self,
                guint          msg_type,
                const char    *text)
{
  record_event (self, PRESSO_SESSION_EVENT_COMMAND, msg_type, PRESSO_PROTO_PRIORITY_INFO,
                PRESSO_PROTO_NO_CHAMBER, 0, text);
}

static PressoSessionAlarm *
add_alarm (PressoSession *self,
           guint          code,
           guint          priority,
           guint          chamber,
           double         value_mmhg,
           const char    *text)
{
  PressoSessionAlarm *alarm = g_object_new (PRESSO_TYPE_SESSION_ALARM, NULL);

  alarm->code = code;
  alarm->priority = MAX (priority, PRESSO_PROTO_PRIORITY_LOW);
  alarm->text = g_strdup (text);
  alarm->time = g_date_time_new_now_local ();
  alarm->chamber = chamber < PRESSO_PROTO_MAX_CHAMBERS ? chamber + 1 : 0;
  g_list_store_append (self->alarms, alarm);
  g_message ("session alarm: %s", text);
  g_signal_emit (self, signals[ALARM], 0, alarm);
  g_object_unref (alarm);
  return alarm;
}

/* A failed write of the record (a full disk, a database locked by another program) does not
 * stop the treatment, the device keeps the client safe, but it must not go unseen: an alarm
 * says so once, and a note in the record says when writing works again. */
static void
record_write_result (PressoSession *self,
                     const GError  *error)
{
  if (error != NULL && !self->record_failing)
    {
      g_autofree char *text = NULL;

      self->record_failing = TRUE;
      /* Translators: %s is the database's error; the session goes on */
      text = g_strdup_printf (_("The record could not be written (%s): Presso keeps trying; "
                                "free some disk space or close other programs using the "
                                "clinic's data"), error->message);
      add_alarm (self, PRESSO_SESSION_ALARM_RECORD_FAILED, PRESSO_PROTO_PRIORITY_MEDIUM,
                 PRESSO_PROTO_NO_CHAMBER, 0, text);
    }
  else if (error == NULL && self->record_failing)
    {
      self->record_failing = FALSE;
      g_message ("session %" G_GINT64_FORMAT ": the record is written again", self->session_id);
      record_event (self, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_RECORD_FAILED,
                    PRESSO_PROTO_PRIORITY_MEDIUM, PRESSO_PROTO_NO_CHAMBER, 0,
                    _("The record could not be written for a while; it is complete again"));
    }
}

static gboolean
flush_trace (PressoSession *self)
{
  g_autoptr(GError) error = NULL;

  if (self->recorder == NULL)
    return TRUE;
  if (!presso_trace_recorder_flush (self->recorder, &error))
    {
      g_message ("Session %" G_GINT64_FORMAT ": %s", self->session_id, error->message);
      record_write_result (self, error);
      return FALSE;
    }
  self->trace_bytes = presso_trace_recorder_get_bytes (self->recorder);
  if (presso_trace_recorder_get_unwritten (self->recorder) == 0)
    record_write_result (self, NULL);
  return TRUE;
}

/* From the writer thread, through the main context: a write failed, or everything held back
 * is written again. */
static gboolean
on_record_notify_cb (gpointer user_data)
{
  PressoSession *self = PRESSO_SESSION (user_data);
  g_autoptr(GError) error = NULL;

  if (self->recorder == NULL)
    return G_SOURCE_CONTINUE;
  if (!presso_trace_recorder_check (self->recorder, &error))
    {
      g_message ("Session %" G_GINT64_FORMAT ": %s", self->session_id, error->message);
      record_write_result (self, error);
    }
  else if (presso_trace_recorder_get_unwritten (self->recorder) == 0)
    record_write_result (self, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_flush_cb (gpointer user_data)
{
  flush_trace (PRESSO_SESSION (user_data));
  return G_SOURCE_CONTINUE;
}

/* The vent goes out first, whatever happens next. */
static void
vent_and_end (PressoSession        *self,
              guint                 code,
              const char           *text,
              PressoSessionOutcome  outcome)
{
  presso_device_emergency_vent (self->device);
  record_command (self, PRESSO_PROTO_MSG_VENT, _("Emergency vent (automatic)"));
  if (text != NULL)
    {
      add_alarm (self, code, PRESSO_PROTO_PRIORITY_HIGH, PRESSO_PROTO_NO_CHAMBER, 0, text);
      record_event (self, PRESSO_SESSION_EVENT_ALARM, code, PRESSO_PROTO_PRIORITY_HIGH,
                    PRESSO_PROTO_NO_CHAMBER, 0, text);
    }
  end_session (self, outcome, text);
}

static void
end_session (PressoSession        *self,
             PressoSessionOutcome  outcome,
             const char           *message)
{
  if (!is_active (self))
    return;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  flush_trace (self);
  /* Queued behind the whole trace and every event: whoever reads the ended record sees it
   * all.  Written by the recorder's thread: a locked database does not hold up the vent's
   * alarm or the page (a failure shows as the record alarm, and it is tried again). */
  if (self->recorder != NULL)
    presso_trace_recorder_end (self->recorder, outcome, session_ms (self));

  if (message != NULL)
    set_status_message (self, message);
  self->outcome = outcome;
  self->duration_ms = session_ms (self);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
  /* Over is over: no time left to run, no phase, no chamber inflating, whatever the last
   * telemetry said (a vent or a fault cuts the program short). */
  set_uint_prop (self, &self->remaining_s, 0, PROP_REMAINING_S);
  set_uint_prop (self, &self->phase, PRESSO_PROTO_PHASE_NONE, PROP_PHASE);
  set_uint_prop (self, &self->active_chamber, PRESSO_PROTO_NO_CHAMBER, PROP_ACTIVE_CHAMBER);
  set_state (self, PRESSO_SESSION_STATE_FINISHED);
  g_object_thaw_notify (G_OBJECT (self));
}

/* ------------------------------------------------------------------ device callbacks */

/* The device only clamps its targets to the cap: a stuck valve or a wrong setting can still
 * push a chamber above it.  The host checks what was measured, and vents. */
static gboolean
check_over_limit (PressoSession         *self,
                  const PressoTelemetry *t)
{
  double highest = 0;
  guint chamber = PRESSO_PROTO_NO_CHAMBER;
  g_autofree char *text = NULL;

  if (self->limit_mmhg == 0)
    return FALSE;
  for (guint i = 0; i < MIN (t->n_chambers, PRESSO_PROTO_MAX_CHAMBERS); i++)
    if (!isnan (t->pressure_mmhg[i]) && t->pressure_mmhg[i] > highest)
      {
        highest = t->pressure_mmhg[i];
        chamber = i;
      }
  if (highest <= self->limit_mmhg + PRESSO_SESSION_OVER_LIMIT_MMHG)
    {
      self->over_limit_since_us = 0;
      return FALSE;
    }
  if (self->over_limit_since_us == 0)
    self->over_limit_since_us = t->host_time_us;
  if (t->host_time_us - self->over_limit_since_us < PRESSO_SESSION_OVER_LIMIT_MS * 1000)
    return FALSE;

  if (self->cap_mmhg > 0 && self->limit_mmhg == self->cap_mmhg)
    /* Translators: a measured pressure above the client's screening cap */
    text = g_strdup_printf (_("Chamber %u measured %.0f mmHg, above this client’s cap of %u mmHg: vented"),
                            chamber + 1, highest, self->cap_mmhg);
  else
    text = g_strdup_printf (_("Chamber %u measured %.0f mmHg, above the limit of %u mmHg: vented"),
                            chamber + 1, highest, self->limit_mmhg);
  presso_device_emergency_vent (self->device);
  record_command (self, PRESSO_PROTO_MSG_VENT, _("Emergency vent (automatic)"));
  add_alarm (self, PRESSO_SESSION_ALARM_OVER_LIMIT, PRESSO_PROTO_PRIORITY_HIGH, chamber, highest, text);
  record_event (self, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_OVER_LIMIT,
                PRESSO_PROTO_PRIORITY_HIGH, chamber, highest, text);
  end_session (self, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT, text);
  return TRUE;
}

static void
on_telemetry_cb (PressoDevice          *device,
                 const PressoTelemetry *t,
                 PressoSession         *self)
{
  if (!is_active (self))
    return;

  self->last_telemetry_us = t->host_time_us;
  self->alarm_flags = t->alarm_flags;
  if (check_over_limit (self, t))
    return;
  if (self->recorder != NULL)
    presso_trace_recorder_add (self->recorder, (t->host_time_us - self->start_us) / 1000,
                               t->pressure_mmhg, t->phase, t->active_chamber);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->device_started)
    {
      set_uint_prop (self, &self->elapsed_s, t->elapsed_s, PROP_ELAPSED_S);
      set_uint_prop (self, &self->remaining_s, t->remaining_s, PROP_REMAINING_S);
      /* The device counts 0 again once its program is over: the session keeps the cycle it
       * reached. */
      if (t->cycle > 0)
        set_uint_prop (self, &self->cycle, t->cycle, PROP_CYCLE);
    }
  set_uint_prop (self, &self->phase, t->phase, PROP_PHASE);
  set_uint_prop (self, &self->active_chamber, t->active_chamber, PROP_ACTIVE_CHAMBER);
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[TELEMETRY], 0, t);
}

static void
on_event_cb (PressoDevice            *device,
             const PressoDeviceEvent *event,
             PressoSession           *self)
{
  if (!is_active (self))
    return;

  record_event (self,
                event->priority > PRESSO_PROTO_PRIORITY_INFO ? PRESSO_SESSION_EVENT_ALARM
                                                             : PRESSO_SESSION_EVENT_DEVICE,
                event->code, event->priority, event->chamber, event->value_mmhg,
                presso_device_event_describe (event->code));

  if (event->code == PRESSO_PROTO_EVENT_PROGRAM_FINISHED && self->device_started)
    {
      self->program_finished = TRUE;
      set_state (self, PRESSO_SESSION_STATE_STOPPING);
    }
}

static void
on_alarm_cb (PressoDevice            *device,
             const PressoDeviceEvent *event,
             PressoSession           *self)
{
  const char *text = presso_device_event_describe (event->code);

  if (!is_active (self))
    return;

  add_alarm (self, event->code, event->priority, event->chamber, event->value_mmhg, text);
  /* The device vents on its own alarms and on the host's faults; vent anyway: the host's
   * word must not depend on the device having done it. */
  presso_device_emergency_vent (self->device);
  record_command (self, PRESSO_PROTO_MSG_VENT, _("Emergency vent (automatic)"));
  end_session (self, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT, text);
}

static gboolean
on_device_lost_idle_cb (gpointer user_data)
{
  PressoSession *self = PRESSO_SESSION (user_data);
  PressoDeviceState state;

  if (!is_active (self) || self->device == NULL)
    return G_SOURCE_REMOVE;
  state = presso_device_get_state (self->device);
  if (state == PRESSO_DEVICE_STATE_FAULT)
    vent_and_end (self, PRESSO_DEVICE_ALARM_NO_REPLY, _("The device reported a fault and vented"),
                  PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  else if (state == PRESSO_DEVICE_STATE_DISCONNECTED || state == PRESSO_DEVICE_STATE_CONNECTING)
    vent_and_end (self, PRESSO_DEVICE_ALARM_LINK_LOST,
                  presso_device_event_describe (PRESSO_DEVICE_ALARM_LINK_LOST),
                  PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  return G_SOURCE_REMOVE;
}

static void
on_device_state_cb (PressoDevice  *device,
                    GParamSpec    *pspec,
                    PressoSession *self)
{
  PressoDeviceState state = presso_device_get_state (device);

  if (!is_active (self))
    return;

  switch (state)
    {
    case PRESSO_DEVICE_STATE_DISCONNECTED:
    case PRESSO_DEVICE_STATE_CONNECTING:
    case PRESSO_DEVICE_STATE_FAULT:
      /* The device raises its alarm right after this change: let it arrive first, so that
       * the alarm the user reads says what happened. */
      presso_device_emergency_vent (self->device);
      g_idle_add_full (G_PRIORITY_HIGH, on_device_lost_idle_cb, g_object_ref (self), g_object_unref);
      break;
    case PRESSO_DEVICE_STATE_RUNNING:
      if (self->state == PRESSO_SESSION_STATE_PAUSED && self->device_started)
        set_state (self, PRESSO_SESSION_STATE_RUNNING);
      break;
    case PRESSO_DEVICE_STATE_PAUSED:
      if (self->state == PRESSO_SESSION_STATE_RUNNING)
        set_state (self, PRESSO_SESSION_STATE_PAUSED);
      break;
    case PRESSO_DEVICE_STATE_STOPPING:
      if (self->device_started)
        set_state (self, PRESSO_SESSION_STATE_STOPPING);
      break;
    case PRESSO_DEVICE_STATE_READY:
      if (!self->device_started)
        break;   /* READY while the program is loaded, before START */
      if (self->program_finished || (self->remaining_s == 0 && self->elapsed_s > 0))
        end_session (self, PRESSO_SESSION_OUTCOME_COMPLETED, NULL);
      else if (self->stop_requested)
        end_session (self, PRESSO_SESSION_OUTCOME_STOPPED, NULL);
      else
        vent_and_end (self, PRESSO_DEVICE_ALARM_UNEXPECTED_RESET,
                      _("The device stopped the program on its own"),
                      PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
      break;
    default:
      break;
    }
}

static gboolean
on_watchdog_cb (gpointer user_data)
{
  PressoSession *self = PRESSO_SESSION (user_data);
  gint64 silent_us;

  silent_us = g_get_monotonic_time () - self->last_telemetry_us;
  if (is_active (self) && silent_us > PRESSO_SESSION_SILENCE_MS * 1000)
    {
      self->watchdog_source = 0;
      vent_and_end (self, PRESSO_DEVICE_ALARM_TELEMETRY_SILENT,
                    presso_device_event_describe (PRESSO_DEVICE_ALARM_TELEMETRY_SILENT),
                    PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ command chain */

typedef struct
{
  PressoSession *session;
  char          *text;
} CommandFailure;

static void
command_failure_free (gpointer data)
{
  CommandFailure *failure = data;

  g_object_unref (failure->session);
  g_free (failure->text);
  g_free (failure);
}

static gboolean
on_command_failed_idle_cb (gpointer user_data)
{
  CommandFailure *failure = user_data;

  if (is_active (failure->session))
    vent_and_end (failure->session, PRESSO_DEVICE_ALARM_NO_REPLY, failure->text,
                  PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  return G_SOURCE_REMOVE;
}

static void
command_failed (PressoSession *self,
                GError        *error)
{
  g_autofree char *text = NULL;

  if (!is_active (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED))
    /* Translators: %s is the device's reason */
    text = g_strdup_printf (_("The device refused a command: %s"), error->message);
  else
    /* A command lost, or the link gone: not a refusal.  %s says which. */
    text = g_strdup_printf (_("A command did not get through to the device: %s"), error->message);
  if (g_error_matches (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_FAULT))
    {
      /* Cancelled by a vent the device layer sent on its own (silent telemetry, a lost link):
       * its alarm follows at once and names the cause; end on this one only if none does. */
      CommandFailure *failure = g_new0 (CommandFailure, 1);

      failure->session = g_object_ref (self);
      failure->text = g_steal_pointer (&text);
      g_idle_add_full (G_PRIORITY_HIGH, on_command_failed_idle_cb, failure, command_failure_free);
      return;
    }
  vent_and_end (self, PRESSO_DEVICE_ALARM_NO_REPLY, text, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
}

static void
on_started_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PressoSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_start_finish (PRESSO_DEVICE (object), result, &error))
    {
      command_failed (self, error);
      return;
    }
  if (self->state != PRESSO_SESSION_STATE_STARTING)
    return;
  self->device_started = TRUE;
  set_state (self, PRESSO_SESSION_STATE_RUNNING);
}

static void
on_program_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PressoSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_load_program_finish (PRESSO_DEVICE (object), result, &error))
    {
      command_failed (self, error);
      return;
    }
  if (self->state != PRESSO_SESSION_STATE_STARTING)
    return;
  record_command (self, PRESSO_PROTO_MSG_START, _("Start"));
  presso_device_start_async (self->device, self->cancellable, on_started_cb, g_object_ref (self));
}

static void
on_limits_set_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PressoSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_set_limits_finish (PRESSO_DEVICE (object), result, &error))
    {
      command_failed (self, error);
      return;
    }
  if (self->state != PRESSO_SESSION_STATE_STARTING)
    return;
  presso_device_load_program_async (self->device, &self->wire, self->cancellable,
                                    on_program_loaded_cb, g_object_ref (self));
}

#define COMMAND_CB(verb) \
  static void \
  on_##verb##_done_cb (GObject      *object, \
                       GAsyncResult *result, \
                       gpointer      user_data) \
  { \
    g_autoptr(PressoSession) self = user_data; \
    g_autoptr(GError) error = NULL; \
    if (!presso_device_##verb##_finish (PRESSO_DEVICE (object), result, &error)) \
      command_failed (self, error); \
  }

COMMAND_CB (pause)
COMMAND_CB (resume)
COMMAND_CB (stop)

static void
on_ack_alarm_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!presso_device_ack_alarm_finish (PRESSO_DEVICE (object), result, &error))
    g_debug ("The device did not take the acknowledgement: %s", error->message);
}

/* ------------------------------------------------------------------ GObject */

static void
presso_session_dispose (GObject *object)
{
  PressoSession *self = PRESSO_SESSION (object);

  /* Dropped while the client is on the table (a window closed, a bug): nothing may stay
   * inflated with no one watching it. */
  if (is_active (self) && self->device != NULL)
    {
      g_warning ("Session %" G_GINT64_FORMAT " dropped while running: venting", self->session_id);
      vent_and_end (self, PRESSO_DEVICE_ALARM_NO_REPLY, _("The session was closed while it ran"),
                    PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
    }

  if (self->device != NULL)
    {
      g_clear_signal_handler (&self->telemetry_handler, self->device);
      g_clear_signal_handler (&self->event_handler, self->device);
      g_clear_signal_handler (&self->alarm_handler, self->device);
      g_clear_signal_handler (&self->state_handler, self->device);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  /* A session dropped while on (the window closed): keep what was recorded. */
  flush_trace (self);
  g_clear_pointer (&self->recorder, presso_trace_recorder_free);
  if (self->alarms != NULL)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->alarms)); i++)
        {
          g_autoptr(PressoSessionAlarm) alarm = g_list_model_get_item (G_LIST_MODEL (self->alarms), i);
          g_clear_handle_id (&alarm->rearm_source, g_source_remove);
        }
    }
  g_clear_object (&self->alarms);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->device);
  g_clear_object (&self->client);
  g_clear_object (&self->practitioner);
  g_clear_object (&self->program);

  G_OBJECT_CLASS (presso_session_parent_class)->dispose (object);
}

static void
presso_session_finalize (GObject *object)
{
  PressoSession *self = PRESSO_SESSION (object);

  g_free (self->status_message);
  g_free (self->cap_reason);

  G_OBJECT_CLASS (presso_session_parent_class)->finalize (object);
}

static void
presso_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PressoSession *self = PRESSO_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_OUTCOME: g_value_set_uint (value, self->outcome); break;
    case PROP_SESSION_ID: g_value_set_int64 (value, self->session_id); break;
    case PROP_ELAPSED_S: g_value_set_uint (value, self->elapsed_s); break;
    case PROP_REMAINING_S: g_value_set_uint (value, self->remaining_s); break;
    case PROP_CYCLE: g_value_set_uint (value, self->cycle); break;
    case PROP_PHASE: g_value_set_uint (value, self->phase); break;
    case PROP_ACTIVE_CHAMBER: g_value_set_uint (value, self->active_chamber); break;
    case PROP_STATUS_MESSAGE: g_value_set_string (value, self->status_message); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_session_class_init (PressoSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = presso_session_dispose;
  object_class->finalize = presso_session_finalize;
  object_class->get_property = presso_session_get_property;

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PRESSO_TYPE_SESSION_STATE,
                                              PRESSO_SESSION_STATE_READY, ro);
  properties[PROP_OUTCOME] = g_param_spec_uint ("outcome", NULL, NULL, 0,
                                                PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH, 0, ro);
  properties[PROP_SESSION_ID] = g_param_spec_int64 ("session-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ELAPSED_S] = g_param_spec_uint ("elapsed-s", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_REMAINING_S] = g_param_spec_uint ("remaining-s", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CYCLE] = g_param_spec_uint ("cycle", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_PHASE] = g_param_spec_uint ("phase", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ACTIVE_CHAMBER] = g_param_spec_uint ("active-chamber", NULL, NULL, 0, G_MAXUINT,
                                                       PRESSO_PROTO_NO_CHAMBER, ro);
  properties[PROP_STATUS_MESSAGE] = g_param_spec_string ("status-message", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TELEMETRY] =
    g_signal_new ("telemetry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PRESSO_TYPE_TELEMETRY | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[ALARM] =
    g_signal_new ("alarm", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PRESSO_TYPE_SESSION_ALARM);
}

static void
presso_session_init (PressoSession *self)
{
  self->alarms = g_list_store_new (PRESSO_TYPE_SESSION_ALARM);
  self->cancellable = g_cancellable_new ();
  self->active_chamber = PRESSO_PROTO_NO_CHAMBER;
  self->rearm_ms = PRESSO_SESSION_REARM_MS;
  self->flush_ms = PRESSO_SESSION_FLUSH_MS;
}

/* ------------------------------------------------------------------ public API */

/**
 * presso_session_new:
 * @store: where the record goes
 * @device: the device, connected
 * @client: the client treated (stored: it has an id)
 * @practitioner: (nullable): who treats
 * @program: the program (copied)
 *
 * Returns: (transfer full): a session in state READY
 */
PressoSession *
presso_session_new (PressoStore   *store,
                    PressoDevice  *device,
                    PressoClient  *client,
                    PressoStaff   *practitioner,
                    PressoProgram *program)
{
  PressoSession *self;

  g_return_val_if_fail (PRESSO_IS_STORE (store), NULL);
  g_return_val_if_fail (PRESSO_IS_DEVICE (device), NULL);
  g_return_val_if_fail (PRESSO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (practitioner == NULL || PRESSO_IS_STAFF (practitioner), NULL);
  g_return_val_if_fail (PRESSO_IS_PROGRAM (program), NULL);

  self = g_object_new (PRESSO_TYPE_SESSION, NULL);
  self->store = g_object_ref (store);
  self->device = g_object_ref (device);
  self->client = g_object_ref (client);
  self->practitioner = practitioner ? g_object_ref (practitioner) : NULL;
  self->program = presso_program_copy (program);

  self->telemetry_handler = g_signal_connect (device, "telemetry", G_CALLBACK (on_telemetry_cb), self);
  self->event_handler = g_signal_connect (device, "event", G_CALLBACK (on_event_cb), self);
  self->alarm_handler = g_signal_connect (device, "alarm", G_CALLBACK (on_alarm_cb), self);
  self->state_handler = g_signal_connect (device, "notify::state", G_CALLBACK (on_device_state_cb), self);
  return self;
}

PressoStore *
presso_session_get_store (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  return self->store;
}

PressoDevice *
presso_session_get_device (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  return self->device;
}

PressoClient *
presso_session_get_client (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  return self->client;
}

PressoStaff *
presso_session_get_practitioner (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  return self->practitioner;
}

PressoProgram *
presso_session_get_program (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  return self->program;
}

PressoZones
presso_session_get_zones (PressoSession *self)
{
  PressoZones zones = PRESSO_ZONE_NONE;
  guint garments;

  g_return_val_if_fail (PRESSO_IS_SESSION (self), PRESSO_ZONE_NONE);

  garments = presso_program_get_garments (self->program);
  for (guint g = 0; g < 32; g++)
    if (garments & (1u << g))
      zones |= presso_zones_for_garment (g);
  return zones;
}

#define SESSION_GETTER(type, name, fallback) \
  type presso_session_get_##name (PressoSession *self) \
  { g_return_val_if_fail (PRESSO_IS_SESSION (self), fallback); return self->name; }

SESSION_GETTER (PressoSessionState, state, PRESSO_SESSION_STATE_READY)
SESSION_GETTER (PressoSessionOutcome, outcome, PRESSO_SESSION_OUTCOME_RUNNING)
SESSION_GETTER (gint64, session_id, 0)
SESSION_GETTER (guint, elapsed_s, 0)
SESSION_GETTER (guint, remaining_s, 0)
SESSION_GETTER (guint, cycle, 0)
SESSION_GETTER (guint, phase, 0)
SESSION_GETTER (guint, active_chamber, PRESSO_PROTO_NO_CHAMBER)
SESSION_GETTER (const char *, status_message, NULL)

/**
 * presso_session_get_duration_s:
 * @self: a session
 *
 * Returns: the seconds from the start to the end once finished (what the record keeps as its
 *   duration), from the start to now while it is on, 0 before it starts
 */
guint
presso_session_get_duration_s (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), 0);

  if (self->state == PRESSO_SESSION_STATE_FINISHED)
    return (guint) (self->duration_ms / 1000);
  return (guint) (session_ms (self) / 1000);
}

GListModel *
presso_session_get_alarms (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->alarms);
}

guint64
presso_session_get_trace_bytes (PressoSession *self)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), 0);
  return self->trace_bytes;
}

gboolean
presso_session_sync_record (PressoSession  *self,
                            GError        **error)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), FALSE);

  if (self->recorder == NULL)
    return TRUE;
  return presso_trace_recorder_sync (self->recorder, error);
}

void
presso_session_set_rearm_interval (PressoSession *self,
                                   guint          ms)
{
  g_return_if_fail (PRESSO_IS_SESSION (self));
  self->rearm_ms = MAX (ms, 1);
}

void
presso_session_set_duration_limit (PressoSession *self,
                                   guint          seconds)
{
  g_return_if_fail (PRESSO_IS_SESSION (self));
  self->duration_limit_s = seconds;
}

void
presso_session_set_pressure_limit (PressoSession *self,
                                   guint          mmhg)
{
  g_return_if_fail (PRESSO_IS_SESSION (self));
  self->pressure_limit_mmhg = mmhg;
}

void
presso_session_set_flush_interval (PressoSession *self,
                                   guint          ms)
{
  g_return_if_fail (PRESSO_IS_SESSION (self));
  self->flush_ms = CLAMP (ms, 100, 5000);
}

/* Names the answer behind @permit's cap, for "… above this client's cap of 40 mmHg
 * (screening: Past deep vein thrombosis or pulmonary embolism)". */
static void
set_cap_reason (PressoSession        *self,
                PressoScreeningRules *rules,
                PressoScreening      *screening,
                PressoStartPermit    *permit,
                GDateTime            *now)
{
  guint cap = permit ? presso_start_permit_get_pressure_cap (permit) : 0;

  g_clear_pointer (&self->cap_reason, g_free);
  self->cap_reason_permit = permit;
  if (cap > 0 && screening != NULL)
    {
      g_autoptr(PressoScreeningResult) result = presso_screening_evaluate (screening, rules, now);
      GPtrArray *reasons = presso_screening_result_get_reasons (result);

      for (guint i = 0; i < reasons->len && self->cap_reason == NULL; i++)
        {
          const PressoScreeningReason *reason = g_ptr_array_index (reasons, i);

          if ((reason->zone & presso_session_get_zones (self)) && reason->pressure_cap == cap)
            {
              self->cap_reason = g_strdup (presso_screening_item_get_question (reason->item));
              g_strchomp (self->cap_reason);
              if (g_str_has_suffix (self->cap_reason, "?"))
                self->cap_reason[strlen (self->cap_reason) - 1] = '\0';
            }
        }
    }
}

PressoStartPermit *
presso_session_check_screening (PressoSession                     *self,
                                PressoScreeningRules              *rules,
                                PressoScreening                   *screening,
                                guint                              validity_days,
                                GDateTime                         *client_changed_at,
                                const PressoScreeningConfirmation *confirmation,
                                GError                           **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  PressoStartPermit *permit;

  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);

  permit = presso_screening_gate_issue_permit (rules, screening, presso_session_get_zones (self),
                                               now, validity_days, client_changed_at,
                                               confirmation, error);
  set_cap_reason (self, rules, screening, permit, now);
  return permit;
}

PressoStartPermit *
presso_session_check_screening_from_store (PressoSession         *self,
                                           PressoScreeningRules  *rules,
                                           guint                  validity_days,
                                           GError               **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(PressoScreening) screening = NULL;
  PressoStartPermit *permit;
  gint64 client_id;

  g_return_val_if_fail (PRESSO_IS_SESSION (self), NULL);
  g_return_val_if_fail (rules != NULL, NULL);

  client_id = presso_client_get_id (self->client);
  permit = presso_store_check_screening_gate (self->store, rules, client_id,
                                              presso_session_get_zones (self), now,
                                              validity_days, error);
  if (permit != NULL && presso_start_permit_get_pressure_cap (permit) > 0)
    {
      g_autoptr(GError) local_error = NULL;

      /* Only to name the cap's answer: the gate above already decided. */
      screening = presso_store_get_current_screening (self->store, client_id, &local_error);
      if (local_error != NULL)
        g_debug ("No screening to name the cap after: %s", local_error->message);
    }
  set_cap_reason (self, rules, screening, permit, now);
  return permit;
}

gboolean
presso_session_start (PressoSession      *self,
                      PressoStartPermit  *permit,
                      GError            **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) local_error = NULL;
  const presso_proto_identity *identity;
  PressoZones zones;
  double ceiling;
  guint cap;

  g_return_val_if_fail (PRESSO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (permit == NULL || PRESSO_IS_START_PERMIT (permit), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != PRESSO_SESSION_STATE_READY)
    {
      g_set_error_literal (error, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_STATE,
                           _("This session has already been started"));
      return FALSE;
    }

  /* The screening gate, whoever calls: only the gate makes permits. */
  if (permit == NULL)
    {
      g_set_error_literal (error, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_NO_PERMIT,
                           _("The screening was not checked: check it before starting"));
      return FALSE;
    }
  zones = presso_session_get_zones (self);
  if (!presso_start_permit_check (permit, presso_client_get_id (self->client), zones, now, error))
    return FALSE;
  /* Blocked drainage higher up: the screening cleared these zones on condition that a
   * pre-therapy phase opens the way first. */
  if ((presso_start_permit_get_requirements (permit) & PRESSO_SCREENING_REQUIRE_PRE_THERAPY) &&
      !presso_program_get_pretherapy (self->program))
    {
      g_set_error_literal (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID,
                           _("The screening requires a pre-therapy phase first (blocked drainage "
                             "higher up), and this program has none: turn on its pre-therapy"));
      return FALSE;
    }

  identity = presso_device_get_identity (self->device);
  ceiling = presso_device_get_ceiling_mmhg (self->device);
  cap = presso_start_permit_get_pressure_cap (permit);
  if (!presso_program_check (self->program, ceiling, cap,
                             permit == self->cap_reason_permit ? self->cap_reason : NULL, error))
    return FALSE;
  if (presso_device_get_state (self->device) != PRESSO_DEVICE_STATE_READY)
    {
      g_set_error (error, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_DEVICE,
                   _("The device is not ready (%s)"),
                   presso_device_state_to_string (presso_device_get_state (self->device)));
      return FALSE;
    }

  if (!presso_program_to_proto (self->program, identity, &self->wire, &local_error))
    {
      g_set_error_literal (error, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_DEVICE,
                           local_error->message);
      return FALSE;
    }

  self->session_id = presso_store_begin_session (self->store,
                                                 presso_client_get_id (self->client),
                                                 self->practitioner ? presso_staff_get_id (self->practitioner) : 0,
                                                 self->program,
                                                 presso_device_get_model (self->device),
                                                 presso_device_get_serial (self->device),
                                                 presso_device_get_firmware (self->device),
                                                 cap,
                                                 presso_start_permit_get_screening_id (permit),
                                                 error);
  if (self->session_id == 0)
    return FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ID]);
  self->start_us = g_get_monotonic_time ();
  self->recorder = presso_trace_recorder_new (self->store, self->session_id,
                                              MAX (1, presso_device_get_n_chambers (self->device)));
  presso_trace_recorder_set_notify (self->recorder, on_record_notify_cb, self, NULL);

  if (self->duration_limit_s > 0 && self->duration_limit_s < self->wire.duration_s)
    {
      g_autofree char *text = NULL;

      self->wire.duration_s = self->duration_limit_s;
      self->wire.ramp_s = MIN (self->wire.ramp_s, self->duration_limit_s);
      /* Translators: a shortened run, for tests and demonstrations */
      text = g_strdup_printf (_("Run limited to %u s"), self->duration_limit_s);
      record_command (self, PRESSO_PROTO_MSG_LOAD_PROGRAM, text);
    }
  self->cap_mmhg = cap;
  self->limit_mmhg = cap > 0 ? cap : (guint) MIN (ceiling, PRESSO_PROGRAM_MAX_MMHG);
  /* A lower limit asked for by the caller (presso-ctl --limit) holds the device as firmly. */
  if (self->pressure_limit_mmhg > 0 && self->pressure_limit_mmhg < self->limit_mmhg)
    self->limit_mmhg = self->pressure_limit_mmhg;
  self->last_telemetry_us = self->start_us;
  self->flush_source = g_timeout_add (self->flush_ms, on_flush_cb, self);
  self->watchdog_source = g_timeout_add (250, on_watchdog_cb, self);
  set_state (self, PRESSO_SESSION_STATE_STARTING);

  /* The device clamps every target to this, whatever a later program says. */
  {
    /* Translators: the pressure the device is held to for this session */
    g_autofree char *text = g_strdup_printf (_("Pressure limit: %u mmHg"), self->limit_mmhg);

    record_command (self, PRESSO_PROTO_MSG_SET_LIMITS, text);
  }
  presso_device_set_limits_async (self->device, self->limit_mmhg,
                                  self->cancellable, on_limits_set_cb, g_object_ref (self));
  return TRUE;
}

static gboolean
check_on (PressoSession  *self,
          gboolean        ok,
          GError        **error)
{
  if (!ok)
    g_set_error_literal (error, PRESSO_SESSION_ERROR, PRESSO_SESSION_ERROR_STATE,
                         _("Not possible now"));
  return ok;
}

gboolean
presso_session_pause (PressoSession  *self,
                      GError        **error)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), FALSE);

  if (!check_on (self, self->state == PRESSO_SESSION_STATE_RUNNING, error))
    return FALSE;
  record_command (self, PRESSO_PROTO_MSG_PAUSE, _("Pause"));
  presso_device_pause_async (self->device, self->cancellable, on_pause_done_cb, g_object_ref (self));
  return TRUE;
}

gboolean
presso_session_resume (PressoSession  *self,
                       GError        **error)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), FALSE);

  if (!check_on (self, self->state == PRESSO_SESSION_STATE_PAUSED, error))
    return FALSE;
  record_command (self, PRESSO_PROTO_MSG_RESUME, _("Resume"));
  presso_device_resume_async (self->device, self->cancellable, on_resume_done_cb, g_object_ref (self));
  return TRUE;
}

gboolean
presso_session_stop (PressoSession  *self,
                     GError        **error)
{
  g_return_val_if_fail (PRESSO_IS_SESSION (self), FALSE);

  if (!check_on (self, is_active (self) && !self->stop_requested, error))
    return FALSE;
  self->stop_requested = TRUE;
  record_command (self, PRESSO_PROTO_MSG_STOP, _("Stop"));
  if (!self->device_started)
    {
      /* Nothing inflated yet: cancel the start and make sure the device is vented. */
      g_cancellable_cancel (self->cancellable);
      presso_device_emergency_vent (self->device);
      end_session (self, PRESSO_SESSION_OUTCOME_STOPPED, NULL);
      return TRUE;
    }
  set_state (self, PRESSO_SESSION_STATE_STOPPING);
  presso_device_stop_async (self->device, self->cancellable, on_stop_done_cb, g_object_ref (self));
  return TRUE;
}

gboolean
presso_session_emergency_vent (PressoSession *self)
{
  gboolean sent;

  g_return_val_if_fail (PRESSO_IS_SESSION (self), FALSE);

  sent = presso_device_emergency_vent (self->device);
  record_command (self, PRESSO_PROTO_MSG_VENT, _("Emergency vent"));
  if (!sent)
    {
      /* No silence after the most important click: say the frame did not leave. */
      const char *text = _("The emergency vent could not reach the device: open the vent or "
                           "unplug the device by hand (it vents on its own when it loses the "
                           "computer, and Presso vents it as soon as it reconnects)");

      add_alarm (self, PRESSO_SESSION_ALARM_VENT_UNREACHABLE, PRESSO_PROTO_PRIORITY_HIGH,
                 PRESSO_PROTO_NO_CHAMBER, 0, text);
      record_event (self, PRESSO_SESSION_EVENT_ALARM, PRESSO_SESSION_ALARM_VENT_UNREACHABLE,
                    PRESSO_PROTO_PRIORITY_HIGH, PRESSO_PROTO_NO_CHAMBER, 0, text);
    }
  if (is_active (self))
    {
      g_cancellable_cancel (self->cancellable);
      end_session (self, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED, _("Emergency vent"));
    }
  return sent;
}

static gboolean
alarm_persists (PressoSession      *self,
                PressoSessionAlarm *alarm)
{
  PressoDeviceState state = presso_device_get_state (self->device);

  if (alarm->code >= 1 && alarm->code <= 16)
    {
      const PressoTelemetry *t = presso_device_get_last_telemetry (self->device);

      if (state == PRESSO_DEVICE_STATE_DISCONNECTED)
        return TRUE;
      return t != NULL && (t->alarm_flags & (1u << (alarm->code - 1))) != 0;
    }
  return state == PRESSO_DEVICE_STATE_DISCONNECTED || state == PRESSO_DEVICE_STATE_FAULT;
}

typedef struct
{
  PressoSession      *session;   /* weak: the alarm's source dies with the session */
  PressoSessionAlarm *alarm;
} Rearm;

static gboolean
on_rearm_cb (gpointer user_data)
{
  Rearm *rearm = user_data;

  rearm->alarm->rearm_source = 0;
  if (alarm_persists (rearm->session, rearm->alarm))
    {
      g_message ("alarm re-armed: %s", rearm->alarm->text);
      alarm_set_acknowledged (rearm->alarm, FALSE);
      record_event (rearm->session, PRESSO_SESSION_EVENT_ALARM, rearm->alarm->code,
                    rearm->alarm->priority, PRESSO_PROTO_NO_CHAMBER, 0, rearm->alarm->text);
    }
  return G_SOURCE_REMOVE;
}

void
presso_session_acknowledge_alarm (PressoSession      *self,
                                  PressoSessionAlarm *alarm)
{
  Rearm *rearm;

  g_return_if_fail (PRESSO_IS_SESSION (self));
  g_return_if_fail (PRESSO_IS_SESSION_ALARM (alarm));

  if (alarm->acknowledged)
    return;
  alarm_set_acknowledged (alarm, TRUE);
  record_event (self, PRESSO_SESSION_EVENT_ACKNOWLEDGED, alarm->code, alarm->priority,
                PRESSO_PROTO_NO_CHAMBER, 0, alarm->text);
  if (alarm->code < 64 && presso_device_get_state (self->device) != PRESSO_DEVICE_STATE_DISCONNECTED)
    presso_device_ack_alarm_async (self->device, alarm->code, NULL, on_ack_alarm_cb, NULL);

  rearm = g_new0 (Rearm, 1);
  rearm->session = self;
  rearm->alarm = alarm;
  g_clear_handle_id (&alarm->rearm_source, g_source_remove);
  alarm->rearm_source = g_timeout_add_full (G_PRIORITY_DEFAULT, self->rearm_ms, on_rearm_cb,
                                            rearm, g_free);
}
