/* presso-device.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-device"
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "presso-device-private.h"
#include "presso-serial-port.h"
#include "presso-sim-glue.h"

/* The emergency vent is sent again until the device confirms it. */
#define VENT_RETRY_MS      100
#define VENT_MAX_ATTEMPTS  10
#define RECONNECT_POLL_MS  250
#define HELLO_RESEND_MS    250
#define WATCHDOG_TICK_MS   50
/* The device refuses ACK_ALARM while it vents (at most 5 s): such an ACK_ALARM waits. */
#define VENTING_WAIT_MS    6000
/* More bad frames than this in one second make a failing link (PROTOCOL.md, section 11). */
#define BAD_FRAMES_PER_S   10

typedef struct
{
  presso_proto_msg msg;
  GTask           *task;
  guint            attempts;
  gint64           queued_us;
} Command;

struct _PressoDevice
{
  GObject parent_instance;

  char                 *port_path;
  char                 *status_message;
  PressoLink           *link;
  gulong                message_handler;
  gulong                closed_handler;
  gulong                frame_error_handler;
  gint64                bad_window_start_us;
  guint                 bad_in_window;
  gint64                bad_alarm_us;

  PressoDeviceState     state;
  guint8                next_seq;

  /* Handshake */
  gboolean              handshaking;
  GTask                *connect_task;
  guint                 hello_source;
  gint64                hello_deadline_us;
  guint8                hello_seq;

  /* Identity, program, telemetry */
  gboolean              identified;
  presso_proto_identity identity;
  gboolean              have_program;
  presso_proto_program  program;
  gboolean              have_telemetry;
  PressoTelemetry       telemetry;
  guint                 device_state;        /* presso_proto_state */
  gint64                last_telemetry_us;
  gboolean              fault_latched;
  gboolean              reset_suspected;
  /* The link was lost mid-program (or a vent was asked for without a link): a program still
   * running when the link comes back has nobody's session behind it and is vented. */
  gboolean              orphan_check;

  /* Commands: one in flight, the rest waiting */
  GQueue                commands;
  Command              *inflight;
  guint                 command_source;

  guint                 heartbeat_source;
  gboolean              heartbeat_suspended;
  guint                 watchdog_source;

  /* Emergency vent */
  gboolean              vent_pending;
  guint8                vent_seq;
  guint                 vent_attempts;
  guint                 vent_source;
  gint64                vent_written_us;
  /* Every copy of the vent went unconfirmed while a program ran: the heartbeat is held back
   * (as it is while a vent awaits its confirmation) so that the device's own watchdog vents
   * (PROTOCOL.md, section 10), until it reports a state without a program. */
  gboolean              vent_unconfirmed;

  /* Reconnection */
  gboolean              auto_reconnect;
  gboolean              reconnecting;
  guint                 reconnect_source;

  /* In-process simulator */
  gboolean              simulated;
  presso_sim_config    *sim_config;
  PressoSimGlue        *sim;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_PORT_PATH,
  PROP_SIMULATED,
  PROP_STATUS_MESSAGE,
  PROP_AUTO_RECONNECT,
  PROP_MODEL,
  PROP_SERIAL,
  PROP_FIRMWARE,
  PROP_N_CHAMBERS,
  PROP_N_OUTLETS,
  PROP_CEILING_MMHG,
  PROP_TELEMETRY_HZ,
  N_PROPS
};

enum {
  TELEMETRY,
  ALARM,
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (presso-device-error-quark, presso_device_error)
G_DEFINE_BOXED_TYPE (PressoTelemetry, presso_telemetry, presso_telemetry_copy, presso_telemetry_free)
G_DEFINE_BOXED_TYPE (PressoDeviceEvent, presso_device_event, presso_device_event_copy, presso_device_event_free)
G_DEFINE_FINAL_TYPE (PressoDevice, presso_device, G_TYPE_OBJECT)

static void handle_link_lost        (PressoDevice *self,
                                     const char   *why);
static void finish_handshake        (PressoDevice *self,
                                     GError       *error);
static void start_reconnect         (PressoDevice *self);
static void vent_before_closing     (PressoDevice *self);

/* ---------------------------------------------------------------- boxed types */

PressoTelemetry *
presso_telemetry_copy (const PressoTelemetry *telemetry)
{
  return g_memdup2 (telemetry, sizeof *telemetry);
}

void
presso_telemetry_free (PressoTelemetry *telemetry)
{
  g_free (telemetry);
}

PressoDeviceEvent *
presso_device_event_copy (const PressoDeviceEvent *event)
{
  return g_memdup2 (event, sizeof *event);
}

void
presso_device_event_free (PressoDeviceEvent *event)
{
  g_free (event);
}

/**
 * presso_device_event_describe:
 * @code: a device event code or a #PressoDeviceAlarmCode
 *
 * Returns: a translated sentence for the user
 */
const char *
presso_device_event_describe (guint code)
{
  switch (code)
    {
    case PRESSO_PROTO_EVENT_OVER_PRESSURE: return _("Over-pressure in a chamber");
    case PRESSO_PROTO_EVENT_UNDER_PRESSURE: return _("Under-pressure in a chamber");
    case PRESSO_PROTO_EVENT_LEAK: return _("Air leak: the compressor cannot hold the pressure");
    case PRESSO_PROTO_EVENT_GARMENT_MISSING: return _("Garment not connected");
    case PRESSO_PROTO_EVENT_SENSOR_FAULT: return _("Pressure sensor fault");
    case PRESSO_PROTO_EVENT_WATCHDOG_VENT: return _("The device lost contact with the computer and vented");
    case PRESSO_PROTO_EVENT_PROGRAM_FINISHED: return _("Program finished");
    case PRESSO_PROTO_EVENT_DEVICE_RESET: return _("The device restarted");
    case PRESSO_PROTO_EVENT_EMERGENCY_VENT: return _("Emergency vent");
    case PRESSO_PROTO_EVENT_CEILING_CLAMPED: return _("A pressure was limited to the device's ceiling");
    case PRESSO_PROTO_EVENT_LOOP_OVERRUN: return _("Device control loop overrun");
    case PRESSO_DEVICE_ALARM_LINK_LOST: return _("Connection to the device lost during a program");
    case PRESSO_DEVICE_ALARM_TELEMETRY_SILENT: return _("The device stopped reporting pressures");
    case PRESSO_DEVICE_ALARM_UNEXPECTED_RESET: return _("The device restarted during a program");
    case PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED: return _("The device did not confirm the emergency vent");
    case PRESSO_DEVICE_ALARM_NO_REPLY: return _("The device stopped answering commands");
    case PRESSO_DEVICE_ALARM_BAD_FRAMES: return _("Too many damaged frames from the device: check the cable");
    default: return _("Unknown device alarm");
    }
}

const char *
presso_device_state_to_string (PressoDeviceState state)
{
  switch (state)
    {
    case PRESSO_DEVICE_STATE_DISCONNECTED: return _("Disconnected");
    case PRESSO_DEVICE_STATE_CONNECTING: return _("Connecting");
    case PRESSO_DEVICE_STATE_READY: return _("Ready");
    case PRESSO_DEVICE_STATE_RUNNING: return _("Running");
    case PRESSO_DEVICE_STATE_PAUSED: return _("Paused");
    case PRESSO_DEVICE_STATE_STOPPING: return _("Stopping");
    case PRESSO_DEVICE_STATE_FAULT: return _("Fault");
    default: return _("Unknown");
    }
}

/* ---------------------------------------------------------------- helpers */

static guint8
take_seq (PressoDevice *self)
{
  return self->next_seq++;
}

static gboolean
program_active (PressoDevice *self)
{
  return self->state == PRESSO_DEVICE_STATE_RUNNING ||
         self->state == PRESSO_DEVICE_STATE_PAUSED ||
         self->state == PRESSO_DEVICE_STATE_STOPPING;
}

static PressoDeviceState
map_device_state (guint proto_state)
{
  switch (proto_state)
    {
    case PRESSO_PROTO_STATE_IDLE:
    case PRESSO_PROTO_STATE_READY: return PRESSO_DEVICE_STATE_READY;
    case PRESSO_PROTO_STATE_RUNNING: return PRESSO_DEVICE_STATE_RUNNING;
    case PRESSO_PROTO_STATE_PAUSED: return PRESSO_DEVICE_STATE_PAUSED;
    case PRESSO_PROTO_STATE_STOPPING:
    case PRESSO_PROTO_STATE_VENTING: return PRESSO_DEVICE_STATE_STOPPING;
    case PRESSO_PROTO_STATE_FAULT:
    default: return PRESSO_DEVICE_STATE_FAULT;
    }
}

static void
set_status_message (PressoDevice *self,
                    const char   *message)
{
  if (g_strcmp0 (self->status_message, message) == 0)
    return;
  g_free (self->status_message);
  self->status_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
}

static void
update_state (PressoDevice *self)
{
  PressoDeviceState state;

  if (self->link == NULL)
    state = PRESSO_DEVICE_STATE_DISCONNECTED;
  else if (self->handshaking)
    state = PRESSO_DEVICE_STATE_CONNECTING;
  else if (self->fault_latched)
    state = PRESSO_DEVICE_STATE_FAULT;
  else
    state = map_device_state (self->device_state);

  if (state == self->state)
    return;

  g_debug ("state %s → %s", presso_device_state_to_string (self->state),
           presso_device_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
raise_host_alarm (PressoDevice *self,
                  guint         code,
                  guint         priority)
{
  PressoDeviceEvent event = {
    .code = code,
    .priority = priority,
    .chamber = PRESSO_PROTO_NO_CHAMBER,
    .host_time_us = g_get_monotonic_time (),
    .wall_time_us = g_get_real_time (),
    .from_host = TRUE,
  };

  g_message ("alarm: %s", presso_device_event_describe (code));
  g_signal_emit (self, signals[EVENT], 0, &event);
  g_signal_emit (self, signals[ALARM], 0, &event);
}

static gboolean emergency_vent_internal (PressoDevice *self);

/* Unreachable or failing device (PROTOCOL.md, section 5): vent, latch FAULT, alarm. */
static void
declare_fault (PressoDevice *self,
               guint         code)
{
  guint priority = program_active (self) ? PRESSO_PROTO_PRIORITY_HIGH : PRESSO_PROTO_PRIORITY_MEDIUM;

  if (self->fault_latched)
    return;
  self->fault_latched = TRUE;
  emergency_vent_internal (self);
  update_state (self);
  raise_host_alarm (self, code, priority);
}

static void
notify_identity (PressoDevice *self)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  g_object_notify_by_pspec (object, properties[PROP_MODEL]);
  g_object_notify_by_pspec (object, properties[PROP_SERIAL]);
  g_object_notify_by_pspec (object, properties[PROP_FIRMWARE]);
  g_object_notify_by_pspec (object, properties[PROP_N_CHAMBERS]);
  g_object_notify_by_pspec (object, properties[PROP_N_OUTLETS]);
  g_object_notify_by_pspec (object, properties[PROP_CEILING_MMHG]);
  g_object_notify_by_pspec (object, properties[PROP_TELEMETRY_HZ]);
  g_object_thaw_notify (object);
}

static void
command_free (Command *command)
{
  g_clear_object (&command->task);
  g_free (command);
}

static void
fail_command (Command      *command,
              const GError *error)
{
  if (command->task != NULL)
    g_task_return_error (command->task, g_error_copy (error));
  command_free (command);
}

static void
fail_all_commands (PressoDevice *self,
                   const GError *error)
{
  Command *command;

  g_clear_handle_id (&self->command_source, g_source_remove);
  if (self->inflight != NULL)
    fail_command (g_steal_pointer (&self->inflight), error);
  while ((command = g_queue_pop_head (&self->commands)))
    fail_command (command, error);
}

static void pump_commands (PressoDevice *self);

static gboolean
on_command_timeout_cb (gpointer user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);
  Command *command = self->inflight;

  if (command == NULL || self->link == NULL)
    {
      self->command_source = 0;
      return G_SOURCE_REMOVE;
    }

  if (command->attempts <= PRESSO_DEVICE_COMMAND_RETRIES)
    {
      /* The same seq: a device that did act on the first copy only acknowledges again. */
      command->attempts++;
      g_debug ("retrying command 0x%02x seq %u (attempt %u)",
               command->msg.type, command->msg.seq, command->attempts);
      presso_link_send (self->link, &command->msg);
      return G_SOURCE_CONTINUE;
    }

  self->command_source = 0;
  self->inflight = NULL;
  if (command->task != NULL)
    g_task_return_new_error (command->task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_TIMEOUT,
                             _("The device did not acknowledge the command"));
  command_free (command);

  /* Four transmissions unanswered: the device is unreachable. */
  declare_fault (self, PRESSO_DEVICE_ALARM_NO_REPLY);
  pump_commands (self);

  return G_SOURCE_REMOVE;
}

static void
pump_commands (PressoDevice *self)
{
  Command *command;

  while (self->inflight == NULL && (command = g_queue_peek_head (&self->commands)))
    {
      if (command->msg.type == PRESSO_PROTO_MSG_ACK_ALARM &&
          self->device_state == PRESSO_PROTO_STATE_VENTING &&
          g_get_monotonic_time () - command->queued_us < VENTING_WAIT_MS * 1000)
        return;     /* sent when the device reaches FAULT (see handle_telemetry) */

      g_queue_pop_head (&self->commands);
      if (command->task != NULL && g_task_return_error_if_cancelled (command->task))
        {
          command_free (command);
          continue;
        }

      command->msg.seq = take_seq (self);
      command->attempts = 1;
      self->inflight = command;
      if (!presso_link_send (self->link, &command->msg))
        {
          /* Only an unencodable message gets here with the link up. */
          self->inflight = NULL;
          g_task_return_new_error (command->task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_INVALID,
                                   _("The command cannot be sent to the device"));
          command_free (command);
          continue;
        }
      self->command_source = g_timeout_add (PRESSO_DEVICE_COMMAND_TIMEOUT_MS,
                                            on_command_timeout_cb, self);
    }
}

/* A retry refused as out of state may mean the first copy did act and its ACK was lost. */
static gboolean
command_effect_seen (PressoDevice *self,
                     guint         type)
{
  if (!self->have_telemetry)
    return FALSE;

  switch (type)
    {
    case PRESSO_PROTO_MSG_START:
    case PRESSO_PROTO_MSG_RESUME:
      return self->device_state == PRESSO_PROTO_STATE_RUNNING;
    case PRESSO_PROTO_MSG_PAUSE:
      return self->device_state == PRESSO_PROTO_STATE_PAUSED;
    case PRESSO_PROTO_MSG_STOP:
      return self->device_state == PRESSO_PROTO_STATE_STOPPING ||
             self->device_state == PRESSO_PROTO_STATE_IDLE ||
             self->device_state == PRESSO_PROTO_STATE_READY;
    default:
      return FALSE;
    }
}

static void
apply_command_effect (PressoDevice *self,
                      Command      *command)
{
  /* Frames arrive in order: telemetry after this ACK already reflects the command, so the
   * state can follow now rather than at the next telemetry frame. */
  switch (command->msg.type)
    {
    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      self->program = command->msg.u.program;
      self->have_program = TRUE;
      if (self->device_state == PRESSO_PROTO_STATE_IDLE)
        self->device_state = PRESSO_PROTO_STATE_READY;
      break;
    case PRESSO_PROTO_MSG_START:
    case PRESSO_PROTO_MSG_RESUME:
      self->device_state = PRESSO_PROTO_STATE_RUNNING;
      break;
    case PRESSO_PROTO_MSG_PAUSE:
      self->device_state = PRESSO_PROTO_STATE_PAUSED;
      break;
    case PRESSO_PROTO_MSG_STOP:
      self->device_state = PRESSO_PROTO_STATE_STOPPING;
      break;
    default:
      break;
    }
  update_state (self);
}

static const char *
nak_message (guint code)
{
  switch (code)
    {
    case PRESSO_PROTO_NAK_UNKNOWN_TYPE: return _("The device does not know this command");
    case PRESSO_PROTO_NAK_BAD_LENGTH: return _("The device received a malformed command");
    case PRESSO_PROTO_NAK_BAD_STATE: return _("The device cannot do this in its current state");
    case PRESSO_PROTO_NAK_BAD_VALUE: return _("The device refused a value outside its range");
    case PRESSO_PROTO_NAK_VERSION: return _("The device speaks another protocol version");
    case PRESSO_PROTO_NAK_NO_HELLO: return _("The device restarted and refused the command");
    default: return _("The device refused the command");
    }
}

static void
handle_ack (PressoDevice *self,
            guint8        seq,
            gboolean      is_nak,
            guint         nak_code)
{
  Command *command = self->inflight;

  if (self->vent_pending && seq == self->vent_seq && !is_nak)
    {
      g_debug ("emergency vent acknowledged");
      self->vent_pending = FALSE;
      g_clear_handle_id (&self->vent_source, g_source_remove);
      return;
    }

  if (command == NULL || command->msg.seq != seq)
    return;

  g_clear_handle_id (&self->command_source, g_source_remove);
  self->inflight = NULL;

  /* Refused because the device is still venting: it will accept once in FAULT. */
  if (is_nak && nak_code == PRESSO_PROTO_NAK_BAD_STATE &&
      command->msg.type == PRESSO_PROTO_MSG_ACK_ALARM &&
      g_get_monotonic_time () - command->queued_us < VENTING_WAIT_MS * 1000)
    {
      self->device_state = PRESSO_PROTO_STATE_VENTING;
      g_queue_push_head (&self->commands, command);
      return;
    }

  if (!is_nak || (nak_code == PRESSO_PROTO_NAK_BAD_STATE && command->attempts > 1 &&
                  command_effect_seen (self, command->msg.type)))
    {
      apply_command_effect (self, command);
      if (command->task != NULL)
        g_task_return_boolean (command->task, TRUE);
    }
  else if (command->task != NULL)
    g_task_return_new_error (command->task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED,
                             "%s", nak_message (nak_code));
  command_free (command);

  pump_commands (self);
}

static void
queue_command (PressoDevice           *self,
               const presso_proto_msg *msg,
               GTask                  *task)
{
  Command *command;

  if (self->link == NULL || !self->identified || self->handshaking)
    {
      g_task_return_new_error (task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_DISCONNECTED,
                               _("The device is not connected"));
      return;
    }

  command = g_new0 (Command, 1);
  command->msg = *msg;
  command->queued_us = g_get_monotonic_time ();
  command->task = g_object_ref (task);
  g_queue_push_tail (&self->commands, command);
  pump_commands (self);
}

static void
send_hello (PressoDevice *self)
{
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_HELLO };

  self->hello_seq = take_seq (self);
  msg.seq = self->hello_seq;
  msg.u.hello.proto_version = PRESSO_PROTO_VERSION;
  presso_link_send (self->link, &msg);
}

static void
stop_timers (PressoDevice *self)
{
  g_clear_handle_id (&self->hello_source, g_source_remove);
  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  g_clear_handle_id (&self->vent_source, g_source_remove);
  g_clear_handle_id (&self->command_source, g_source_remove);
}

/* Closes the link and forgets the session; state becomes DISCONNECTED. */
static void
teardown_link (PressoDevice *self,
               const char   *why)
{
  g_autoptr(GError) error = g_error_new_literal (PRESSO_DEVICE_ERROR,
                                                 PRESSO_DEVICE_ERROR_DISCONNECTED,
                                                 why ? why : _("The device is not connected"));

  stop_timers (self);
  fail_all_commands (self, error);

  if (self->link != NULL)
    {
      g_clear_signal_handler (&self->message_handler, self->link);
      g_clear_signal_handler (&self->closed_handler, self->link);
      g_clear_signal_handler (&self->frame_error_handler, self->link);
      presso_link_close (self->link);
      g_clear_object (&self->link);
    }
  if (self->sim != NULL)
    g_clear_pointer (&self->sim, presso_sim_glue_free);

  self->identified = FALSE;
  self->have_telemetry = FALSE;
  self->fault_latched = FALSE;
  self->vent_pending = FALSE;
  self->vent_unconfirmed = FALSE;
  self->handshaking = FALSE;
  self->device_state = PRESSO_PROTO_STATE_IDLE;
  update_state (self);
}

/* ---------------------------------------------------------------- emergency vent */

static gboolean
send_vent_frame (PressoDevice *self)
{
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_VENT, .seq = self->vent_seq };
  gint64 written = 0;
  gboolean ok;

  ok = presso_link_send_urgent (self->link, &msg, &written);
  if (ok)
    self->vent_written_us = written;

  return ok;
}

static gboolean
on_vent_retry_cb (gpointer user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);

  if (!self->vent_pending || self->link == NULL)
    {
      self->vent_source = 0;
      return G_SOURCE_REMOVE;
    }

  if (self->vent_attempts >= VENT_MAX_ATTEMPTS)
    {
      self->vent_source = 0;
      self->vent_pending = FALSE;
      self->fault_latched = TRUE;
      self->vent_unconfirmed = TRUE;
      update_state (self);
      raise_host_alarm (self, PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED, PRESSO_PROTO_PRIORITY_HIGH);
      return G_SOURCE_REMOVE;
    }

  self->vent_attempts++;
  g_debug ("emergency vent not confirmed, sending again (attempt %u)", self->vent_attempts);
  send_vent_frame (self);

  return G_SOURCE_CONTINUE;
}

static void
vent_confirmed (PressoDevice *self)
{
  if (!self->vent_pending)
    return;
  self->vent_pending = FALSE;
  g_clear_handle_id (&self->vent_source, g_source_remove);
}

/* ---------------------------------------------------------------- message handling */

static void
handle_device_reset (PressoDevice *self)
{
  gboolean was_active = program_active (self);

  self->reset_suspected = FALSE;
  g_message ("device reset detected%s", was_active ? " during a program" : "");
  if (was_active && !self->fault_latched)
    {
      self->fault_latched = TRUE;
      update_state (self);
      raise_host_alarm (self, PRESSO_DEVICE_ALARM_UNEXPECTED_RESET, PRESSO_PROTO_PRIORITY_HIGH);
    }
  self->have_program = FALSE;

  /* A restarted device wants to be greeted again. */
  send_hello (self);
}

static void
handle_identity (PressoDevice                *self,
                 const presso_proto_identity *identity)
{
  if (identity->proto_version != PRESSO_PROTO_VERSION)
    {
      g_autofree char *text =
        identity->proto_version > PRESSO_PROTO_VERSION
        ? g_strdup_printf (_("The device speaks protocol version %u, this program only version %u: update Presso"),
                           identity->proto_version, PRESSO_PROTO_VERSION)
        : g_strdup_printf (_("The device speaks protocol version %u, this program needs version %u: update the device firmware"),
                           identity->proto_version, PRESSO_PROTO_VERSION);

      if (self->handshaking)
        finish_handshake (self, g_error_new_literal (PRESSO_DEVICE_ERROR,
                                                     PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH, text));
      else
        {
          /* The device changed under us: vent it and stop talking. */
          presso_device_emergency_vent (self);
          self->auto_reconnect = FALSE;
          set_status_message (self, text);
          teardown_link (self, text);
        }
      return;
    }

  self->identity = *identity;
  self->identity.model[sizeof self->identity.model - 1] = '\0';
  self->identity.serial[sizeof self->identity.serial - 1] = '\0';
  self->identity.firmware[sizeof self->identity.firmware - 1] = '\0';
  self->identified = TRUE;
  notify_identity (self);

  if (self->handshaking)
    finish_handshake (self, NULL);
}

static void
handle_telemetry (PressoDevice                 *self,
                  const presso_proto_telemetry *t)
{
  PressoTelemetry *out = &self->telemetry;
  guint n = MIN (t->n_chambers, PRESSO_PROTO_MAX_CHAMBERS);

  if (!self->identified)
    return;

  /* A clock that jumps back means the device restarted behind our back. */
  if (self->have_telemetry && t->device_time_ms + 1000 < out->device_time_ms)
    handle_device_reset (self);
  else if (self->reset_suspected)
    {
      self->reset_suspected = FALSE;
      if (program_active (self) && t->state == PRESSO_PROTO_STATE_IDLE)
        handle_device_reset (self);
    }

  out->host_time_us = g_get_monotonic_time ();
  out->device_time_ms = t->device_time_ms;
  out->device_state = t->state;
  out->phase = t->phase;
  out->active_chamber = t->active_chamber;
  out->n_chambers = n;
  out->cycle = t->cycle;
  out->elapsed_s = t->elapsed_s;
  out->remaining_s = t->remaining_s;
  out->inlet_valves = t->inlet_valves;
  out->vent_valves = t->vent_valves;
  out->compressor_pct = t->compressor_pct;
  out->alarm_flags = t->alarm_flags;
  for (guint i = 0; i < PRESSO_PROTO_MAX_CHAMBERS; i++)
    {
      if (i >= n)
        out->pressure_mmhg[i] = 0.0;
      else if (t->pressure_dmmhg[i] == INT16_MIN)
        out->pressure_mmhg[i] = NAN;     /* the device flags an invalid sensor reading */
      else
        out->pressure_mmhg[i] = t->pressure_dmmhg[i] / 10.0;
    }

  self->have_telemetry = TRUE;
  self->last_telemetry_us = out->host_time_us;
  self->device_state = t->state;
  if (t->state != PRESSO_PROTO_STATE_RUNNING && t->state != PRESSO_PROTO_STATE_PAUSED)
    self->vent_unconfirmed = FALSE;

  if (self->orphan_check)
    {
      self->orphan_check = FALSE;
      if (t->state == PRESSO_PROTO_STATE_RUNNING || t->state == PRESSO_PROTO_STATE_PAUSED ||
          t->state == PRESSO_PROTO_STATE_STOPPING)
        {
          g_message ("the device still runs the program of a lost session: venting");
          emergency_vent_internal (self);
        }
    }
  if (t->state == PRESSO_PROTO_STATE_IDLE || t->state == PRESSO_PROTO_STATE_VENTING ||
      t->state == PRESSO_PROTO_STATE_FAULT)
    self->have_program = FALSE;     /* the device discards it there */

  /* Every state goes to VENTING on VENT, then FAULT (an IDLE frame may predate the vent). */
  if (self->vent_pending &&
      (t->state == PRESSO_PROTO_STATE_VENTING || t->state == PRESSO_PROTO_STATE_FAULT))
    vent_confirmed (self);

  update_state (self);
  if (self->inflight == NULL && !g_queue_is_empty (&self->commands))
    pump_commands (self);
  g_signal_emit (self, signals[TELEMETRY], 0, out);
}

/* Alarms vent the device and latch FAULT; notices (PROGRAM_FINISHED, DEVICE_RESET,
 * CEILING_CLAMPED) change nothing (PROTOCOL.md, section 9). */
static gboolean
is_latched_alarm (guint code)
{
  return code != PRESSO_PROTO_EVENT_PROGRAM_FINISHED &&
         code != PRESSO_PROTO_EVENT_DEVICE_RESET &&
         code != PRESSO_PROTO_EVENT_CEILING_CLAMPED;
}

static void
handle_event (PressoDevice             *self,
              const presso_proto_event *e)
{
  PressoDeviceEvent event = {
    .code = e->code,
    .priority = e->priority,
    .chamber = e->chamber,
    .value_mmhg = e->value_dmmhg / 10.0,
    .device_time_ms = e->device_time_ms,
    .host_time_us = g_get_monotonic_time (),
    .wall_time_us = g_get_real_time (),
  };

  if (!self->identified)
    return;

  if (e->code == PRESSO_PROTO_EVENT_EMERGENCY_VENT || e->code == PRESSO_PROTO_EVENT_WATCHDOG_VENT)
    vent_confirmed (self);

  g_signal_emit (self, signals[EVENT], 0, &event);
  if (is_latched_alarm (e->code))
    {
      g_message ("device alarm: %s (chamber %u, %.1f mmHg)",
                 presso_device_event_describe (e->code), e->chamber, event.value_mmhg);
      g_signal_emit (self, signals[ALARM], 0, &event);
    }

  if (e->code == PRESSO_PROTO_EVENT_DEVICE_RESET)
    {
      /* Also sent once after power-up, which may reach us after our first commands: the
       * next telemetry tells (a restarted device is IDLE and lost its program). */
      self->reset_suspected = TRUE;
      send_hello (self);
    }
  else if (e->code == PRESSO_PROTO_EVENT_PROGRAM_FINISHED)
    self->have_program = FALSE;
}

static void
on_link_message_cb (PressoLink *link,
                    gpointer    data,
                    gpointer    user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);
  const presso_proto_msg *msg = data;

  switch (msg->type)
    {
    case PRESSO_PROTO_MSG_IDENTITY:
      handle_identity (self, &msg->u.identity);
      break;
    case PRESSO_PROTO_MSG_ACK:
      handle_ack (self, msg->u.ack.seq, FALSE, 0);
      break;
    case PRESSO_PROTO_MSG_NAK:
      if (self->handshaking && msg->u.nak.seq == self->hello_seq &&
          msg->u.nak.code == PRESSO_PROTO_NAK_VERSION)
        {
          g_autofree char *text =
            g_strdup_printf (_("The device cannot speak protocol version %u: update the device firmware"),
                             PRESSO_PROTO_VERSION);
          finish_handshake (self, g_error_new_literal (PRESSO_DEVICE_ERROR,
                                                       PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH, text));
        }
      else
        {
          handle_ack (self, msg->u.nak.seq, TRUE, msg->u.nak.code);
          /* The device forgot our HELLO: it restarted. */
          if (msg->u.nak.code == PRESSO_PROTO_NAK_NO_HELLO && !self->handshaking)
            handle_device_reset (self);
        }
      break;
    case PRESSO_PROTO_MSG_TELEMETRY:
      handle_telemetry (self, &msg->u.telemetry);
      break;
    case PRESSO_PROTO_MSG_EVENT:
      handle_event (self, &msg->u.event);
      break;
    default:
      g_debug ("ignoring message type 0x%02x from the device", msg->type);
      break;
    }
}

static void
on_link_frame_error_cb (PressoLink *link,
                        guint       status,
                        gpointer    user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);
  gint64 now = g_get_monotonic_time ();

  g_debug ("bad frame from the device: %s", presso_proto_status_name (status));
  if (now - self->bad_window_start_us > G_USEC_PER_SEC)
    {
      self->bad_window_start_us = now;
      self->bad_in_window = 0;
    }
  if (++self->bad_in_window <= BAD_FRAMES_PER_S || !self->identified)
    return;

  self->bad_in_window = 0;
  if (program_active (self))
    declare_fault (self, PRESSO_DEVICE_ALARM_BAD_FRAMES);
  else if (now - self->bad_alarm_us > 5 * G_USEC_PER_SEC)
    {
      /* Idle: a warning is enough, nothing is inflated. */
      self->bad_alarm_us = now;
      raise_host_alarm (self, PRESSO_DEVICE_ALARM_BAD_FRAMES, PRESSO_PROTO_PRIORITY_LOW);
    }
}

static void
on_link_closed_cb (PressoLink   *link,
                   const GError *error,
                   gpointer      user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);

  handle_link_lost (self, error ? error->message : NULL);
}

/* ---------------------------------------------------------------- timers */

static gboolean
on_heartbeat_cb (gpointer user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_HEARTBEAT };

  /* A device that does not hear the vent must not hear the heartbeat either: its watchdog
   * then vents within a second. */
  if (self->link == NULL || self->heartbeat_suspended || self->vent_pending || self->vent_unconfirmed)
    return G_SOURCE_CONTINUE;

  msg.seq = take_seq (self);
  presso_link_send (self->link, &msg);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_watchdog_cb (gpointer user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);
  gint64 silent_us;

  if (self->link == NULL || self->handshaking || !self->identified || self->fault_latched)
    return G_SOURCE_CONTINUE;

  /* Telemetry flows at 50 Hz or more in every state: silence is a lost link. */
  silent_us = g_get_monotonic_time () - self->last_telemetry_us;
  if (silent_us > PRESSO_DEVICE_TELEMETRY_SILENT_MS * 1000)
    {
      g_message ("no telemetry for %" G_GINT64_FORMAT " ms: venting", silent_us / 1000);
      declare_fault (self, PRESSO_DEVICE_ALARM_TELEMETRY_SILENT);
    }

  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------- connection */

static gboolean
on_hello_timeout_cb (gpointer user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);

  if (g_get_monotonic_time () >= self->hello_deadline_us)
    {
      self->hello_source = 0;
      finish_handshake (self, g_error_new (PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_SILENT,
                                           _("No answer from the device on %s"),
                                           self->simulated ? _("the simulator") : self->port_path));
      return G_SOURCE_REMOVE;
    }

  send_hello (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
open_link (PressoDevice  *self,
           GError       **error)
{
  int fd;

  if (self->simulated)
    {
      self->sim = presso_sim_glue_new (self->sim_config, error);
      if (self->sim == NULL)
        return FALSE;
      fd = presso_sim_glue_take_host_fd (self->sim);
    }
  else
    {
      fd = presso_serial_port_open (self->port_path, NULL, error);
      if (fd < 0)
        return FALSE;
    }

  self->link = presso_link_new (fd);
  self->message_handler = g_signal_connect (self->link, "message",
                                            G_CALLBACK (on_link_message_cb), self);
  self->closed_handler = g_signal_connect (self->link, "closed",
                                           G_CALLBACK (on_link_closed_cb), self);
  self->frame_error_handler = g_signal_connect (self->link, "frame-error",
                                                G_CALLBACK (on_link_frame_error_cb), self);
  self->bad_in_window = 0;
  return TRUE;
}

static void
begin_handshake (PressoDevice *self)
{
  self->handshaking = TRUE;
  self->reset_suspected = FALSE;
  self->device_state = PRESSO_PROTO_STATE_IDLE;
  self->identified = FALSE;
  self->have_telemetry = FALSE;
  self->fault_latched = FALSE;
  self->have_program = FALSE;
  update_state (self);

  self->hello_deadline_us = g_get_monotonic_time () + PRESSO_DEVICE_HELLO_TIMEOUT_MS * 1000;
  send_hello (self);
  self->hello_source = g_timeout_add (HELLO_RESEND_MS, on_hello_timeout_cb, self);
}

static void
finish_handshake (PressoDevice *self,
                  GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  g_clear_handle_id (&self->hello_source, g_source_remove);

  if (error != NULL)
    {
      gboolean mismatch = g_error_matches (error, PRESSO_DEVICE_ERROR,
                                           PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH);

      g_message ("handshake failed: %s", error->message);
      set_status_message (self, error->message);
      teardown_link (self, error->message);
      if (mismatch)
        self->reconnecting = FALSE;
      if (self->reconnecting)
        start_reconnect (self);
      if (task != NULL)
        g_task_return_error (task, error);
      else
        g_error_free (error);
      return;
    }

  self->handshaking = FALSE;
  self->reconnecting = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->last_telemetry_us = g_get_monotonic_time ();
  set_status_message (self, NULL);

  if (self->heartbeat_source == 0)
    self->heartbeat_source = g_timeout_add (PRESSO_DEVICE_HEARTBEAT_MS, on_heartbeat_cb, self);
  if (self->watchdog_source == 0)
    self->watchdog_source = g_timeout_add (WATCHDOG_TICK_MS, on_watchdog_cb, self);
  /* The device counts the heartbeat from now. */
  on_heartbeat_cb (self);

  update_state (self);
  g_message ("connected to %s %s (firmware %s, %u chambers)", self->identity.model,
             self->identity.serial, self->identity.firmware, self->identity.n_chambers);

  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static gboolean
on_reconnect_poll_cb (gpointer user_data)
{
  PressoDevice *self = PRESSO_DEVICE (user_data);
  g_autoptr(GError) error = NULL;

  if (self->link != NULL)
    return G_SOURCE_CONTINUE;     /* a handshake is under way */

  if (!self->reconnecting)
    {
      self->reconnect_source = 0;
      return G_SOURCE_REMOVE;
    }

  if (!g_file_test (self->port_path, G_FILE_TEST_EXISTS))
    return G_SOURCE_CONTINUE;

  if (!open_link (self, &error))
    {
      g_debug ("reconnect: %s", error->message);
      return G_SOURCE_CONTINUE;
    }

  g_message ("%s is back: reconnecting", self->port_path);
  begin_handshake (self);

  return G_SOURCE_CONTINUE;
}

static void
start_reconnect (PressoDevice *self)
{
  if (self->simulated || !self->auto_reconnect || self->port_path == NULL)
    {
      self->reconnecting = FALSE;
      return;
    }
  self->reconnecting = TRUE;
  if (self->reconnect_source == 0)
    self->reconnect_source = g_timeout_add (RECONNECT_POLL_MS, on_reconnect_poll_cb, self);
}

static void
handle_link_lost (PressoDevice *self,
                  const char   *why)
{
  gboolean was_active = program_active (self);
  gboolean was_handshaking = self->handshaking;
  g_autofree char *text = g_strdup_printf (_("Connection to the device lost: %s"),
                                           why ? why : _("unknown reason"));

  g_message ("%s", text);
  if (was_handshaking)
    {
      finish_handshake (self, g_error_new_literal (PRESSO_DEVICE_ERROR,
                                                   PRESSO_DEVICE_ERROR_DISCONNECTED, text));
      return;
    }

  set_status_message (self, text);
  teardown_link (self, text);
  if (was_active)
    {
      self->orphan_check = TRUE;
      raise_host_alarm (self, PRESSO_DEVICE_ALARM_LINK_LOST, PRESSO_PROTO_PRIORITY_HIGH);
    }

  start_reconnect (self);
}

/* ---------------------------------------------------------------- GObject */

static void
presso_device_dispose (GObject *object)
{
  PressoDevice *self = (PressoDevice *) object;

  self->reconnecting = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->connect_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);
      g_task_return_new_error (task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_DISCONNECTED,
                               _("The device was closed"));
    }
  vent_before_closing (self);
  teardown_link (self, _("The device was closed"));

  G_OBJECT_CLASS (presso_device_parent_class)->dispose (object);
}

static void
presso_device_finalize (GObject *object)
{
  PressoDevice *self = (PressoDevice *) object;

  g_free (self->port_path);
  g_free (self->status_message);
  g_clear_pointer (&self->sim_config, presso_sim_glue_config_free);

  G_OBJECT_CLASS (presso_device_parent_class)->finalize (object);
}

static void
presso_device_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PressoDevice *self = PRESSO_DEVICE (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_PORT_PATH: g_value_set_string (value, self->port_path); break;
    case PROP_SIMULATED: g_value_set_boolean (value, self->simulated); break;
    case PROP_STATUS_MESSAGE: g_value_set_string (value, self->status_message); break;
    case PROP_AUTO_RECONNECT: g_value_set_boolean (value, self->auto_reconnect); break;
    case PROP_MODEL: g_value_set_string (value, presso_device_get_model (self)); break;
    case PROP_SERIAL: g_value_set_string (value, presso_device_get_serial (self)); break;
    case PROP_FIRMWARE: g_value_set_string (value, presso_device_get_firmware (self)); break;
    case PROP_N_CHAMBERS: g_value_set_uint (value, presso_device_get_n_chambers (self)); break;
    case PROP_N_OUTLETS: g_value_set_uint (value, presso_device_get_n_outlets (self)); break;
    case PROP_CEILING_MMHG: g_value_set_double (value, presso_device_get_ceiling_mmhg (self)); break;
    case PROP_TELEMETRY_HZ: g_value_set_uint (value, presso_device_get_telemetry_hz (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_device_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PressoDevice *self = PRESSO_DEVICE (object);

  switch (prop_id)
    {
    case PROP_PORT_PATH: self->port_path = g_value_dup_string (value); break;
    case PROP_AUTO_RECONNECT: presso_device_set_auto_reconnect (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_device_class_init (PressoDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = presso_device_dispose;
  object_class->finalize = presso_device_finalize;
  object_class->get_property = presso_device_get_property;
  object_class->set_property = presso_device_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PRESSO_TYPE_DEVICE_STATE,
                       PRESSO_DEVICE_STATE_DISCONNECTED, ro);
  properties[PROP_PORT_PATH] =
    g_param_spec_string ("port-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIMULATED] =
    g_param_spec_boolean ("simulated", NULL, NULL, FALSE, ro);
  properties[PROP_STATUS_MESSAGE] =
    g_param_spec_string ("status-message", NULL, NULL, NULL, ro);
  properties[PROP_AUTO_RECONNECT] =
    g_param_spec_boolean ("auto-reconnect", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, ro);
  properties[PROP_SERIAL] = g_param_spec_string ("serial", NULL, NULL, NULL, ro);
  properties[PROP_FIRMWARE] = g_param_spec_string ("firmware", NULL, NULL, NULL, ro);
  properties[PROP_N_CHAMBERS] = g_param_spec_uint ("n-chambers", NULL, NULL, 0, PRESSO_PROTO_MAX_CHAMBERS, 0, ro);
  properties[PROP_N_OUTLETS] = g_param_spec_uint ("n-outlets", NULL, NULL, 0, PRESSO_PROTO_MAX_OUTLETS, 0, ro);
  properties[PROP_CEILING_MMHG] = g_param_spec_double ("ceiling-mmhg", NULL, NULL, 0, 1000, 0, ro);
  properties[PROP_TELEMETRY_HZ] = g_param_spec_uint ("telemetry-hz", NULL, NULL, 0, G_MAXUINT16, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PressoDevice::telemetry:
   * @telemetry: (transfer none): the frame, valid during the emission only
   */
  signals[TELEMETRY] =
    g_signal_new ("telemetry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PRESSO_TYPE_TELEMETRY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * PressoDevice::alarm:
   * @event: (transfer none): an alarm: one the device latched (it vents and holds FAULT until
   *   acknowledged) or one the host raised (lost link, silent device, restart mid-program...)
   */
  signals[ALARM] =
    g_signal_new ("alarm", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PRESSO_TYPE_DEVICE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * PressoDevice::event:
   * @event: (transfer none): every event, alarms included, and the device's notices
   *   (PROGRAM_FINISHED, DEVICE_RESET, CEILING_CLAMPED): show those of priority LOW and above
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PRESSO_TYPE_DEVICE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
presso_device_init (PressoDevice *self)
{
  self->auto_reconnect = TRUE;
  self->state = PRESSO_DEVICE_STATE_DISCONNECTED;
  self->next_seq = (guint8) g_random_int ();
  g_queue_init (&self->commands);
}

static gboolean
vent_confirmed_match (const presso_proto_msg *msg,
                      gpointer                user_data)
{
  PressoDevice *self = user_data;

  switch (msg->type)
    {
    case PRESSO_PROTO_MSG_ACK:
      return msg->u.ack.seq == self->vent_seq;
    case PRESSO_PROTO_MSG_EVENT:
      return msg->u.event.code == PRESSO_PROTO_EVENT_EMERGENCY_VENT;
    case PRESSO_PROTO_MSG_TELEMETRY:
      return msg->u.telemetry.state == PRESSO_PROTO_STATE_VENTING ||
             msg->u.telemetry.state == PRESSO_PROTO_STATE_FAULT;
    default:
      return FALSE;
    }
}

/* Closing mid-program: vent, and keep the port open until the device confirms (at most a few
 * hundred milliseconds), so that the frame is not lost with the port. */
static void
vent_before_closing (PressoDevice *self)
{
  if (self->link == NULL || !program_active (self))
    return;

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      emergency_vent_internal (self);
      if (self->link == NULL ||
          presso_link_wait_blocking (self->link, VENT_RETRY_MS, vent_confirmed_match, self))
        return;
    }
  g_warning ("The device did not confirm the emergency vent before the port closed");
}

/* ---------------------------------------------------------------- public API */

/**
 * presso_device_new:
 * @port_path: a serial port (/dev/ttyACM0, /dev/presso-0) or a pty (presso-sim --link)
 *
 * Creates a device for @port_path.  Nothing is opened before presso_device_connect_async().
 *
 * Returns: (transfer full): a new #PressoDevice
 */
PressoDevice *
presso_device_new (const char *port_path)
{
  g_return_val_if_fail (port_path != NULL, NULL);

  return g_object_new (PRESSO_TYPE_DEVICE, "port-path", port_path, NULL);
}

/**
 * presso_device_new_simulated:
 * @config: (nullable): the simulator's configuration (copied, strings included), or %NULL
 *   for its defaults (12 chambers, two boots, 100 Hz, no fault)
 *
 * Creates a device served by an in-process simulator over a socketpair: the same link,
 * codec and state machine as a real device, with no hardware.  The simulator thread starts
 * on presso_device_connect_async() and stops on disconnect or dispose.
 *
 * Returns: (transfer full): a new #PressoDevice
 */
PressoDevice *
presso_device_new_simulated (const presso_sim_config *config)
{
  PressoDevice *self = g_object_new (PRESSO_TYPE_DEVICE, NULL);

  self->simulated = TRUE;
  self->auto_reconnect = FALSE;
  self->sim_config = presso_sim_glue_config_dup (config);

  return self;
}

PressoDeviceState
presso_device_get_state (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), PRESSO_DEVICE_STATE_DISCONNECTED);
  return self->state;
}

const char *
presso_device_get_port_path (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->port_path;
}

gboolean
presso_device_get_simulated (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), FALSE);
  return self->simulated;
}

/**
 * presso_device_get_status_message:
 * @self: a #PressoDevice
 *
 * Returns: (nullable): why the device is disconnected (a translated sentence), or %NULL
 */
const char *
presso_device_get_status_message (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->status_message;
}

gboolean
presso_device_get_auto_reconnect (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), FALSE);
  return self->auto_reconnect;
}

/**
 * presso_device_set_auto_reconnect:
 * @self: a #PressoDevice
 * @auto_reconnect: whether to reopen the port when it comes back after a lost link
 *
 * On by default for ports (a cable pulled and plugged back is reconnected within 2 s).
 */
void
presso_device_set_auto_reconnect (PressoDevice *self,
                                  gboolean      auto_reconnect)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));

  auto_reconnect = !!auto_reconnect;
  if (self->auto_reconnect == auto_reconnect)
    return;
  self->auto_reconnect = auto_reconnect;
  if (!auto_reconnect)
    {
      self->reconnecting = FALSE;
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECONNECT]);
}

/**
 * presso_device_get_identity:
 * @self: a #PressoDevice
 *
 * Returns: (nullable): the device's identity, or %NULL before the handshake
 */
const presso_proto_identity *
presso_device_get_identity (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->identified ? &self->identity : NULL;
}

const char *
presso_device_get_model (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->identified ? self->identity.model : NULL;
}

const char *
presso_device_get_serial (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->identified ? self->identity.serial : NULL;
}

const char *
presso_device_get_firmware (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->identified ? self->identity.firmware : NULL;
}

guint
presso_device_get_n_chambers (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), 0);
  return self->identified ? self->identity.n_chambers : 0;
}

guint
presso_device_get_n_outlets (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), 0);
  return self->identified ? self->identity.n_outlets : 0;
}

double
presso_device_get_ceiling_mmhg (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), 0);
  return self->identified ? self->identity.ceiling_dmmhg / 10.0 : 0;
}

guint
presso_device_get_telemetry_hz (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), 0);
  return self->identified ? self->identity.telemetry_hz : 0;
}

/**
 * presso_device_get_program:
 * @self: a #PressoDevice
 *
 * Returns: (nullable): the program the device acknowledged last, or %NULL
 */
const presso_proto_program *
presso_device_get_program (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->have_program ? &self->program : NULL;
}

/**
 * presso_device_get_last_telemetry:
 * @self: a #PressoDevice
 *
 * Returns: (nullable): the latest telemetry frame, or %NULL before the first one
 */
const PressoTelemetry *
presso_device_get_last_telemetry (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->have_telemetry ? &self->telemetry : NULL;
}

/**
 * presso_device_get_bad_frames:
 * @self: a #PressoDevice
 *
 * Returns: frames dropped by the decoder (corrupt, truncated) on the current link
 */
guint
presso_device_get_bad_frames (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), 0);
  return self->link ? presso_link_get_bad_frames (self->link) : 0;
}

/**
 * presso_device_connect_async:
 * @self: a #PressoDevice
 * @cancellable: (nullable): unused beyond the usual check, the handshake is bounded (1 s)
 * @callback: called when identified or failed
 * @user_data: for @callback
 *
 * Opens the port and greets the device (HELLO, IDENTITY with a version check).  Fails with
 * %PRESSO_DEVICE_ERROR_NO_PORT, %PRESSO_DEVICE_ERROR_OPEN, %PRESSO_DEVICE_ERROR_SILENT (no
 * IDENTITY within 1 s) or %PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH.
 */
void
presso_device_connect_async (PressoDevice        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PRESSO_IS_DEVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, presso_device_connect_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->connect_task != NULL || self->handshaking)
    {
      g_task_return_new_error (task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_BUSY,
                               _("Already connecting to the device"));
      return;
    }
  if (self->link != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->reconnecting = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);

  if (!open_link (self, &error))
    {
      set_status_message (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->connect_task = g_steal_pointer (&task);
  begin_handshake (self);
}

gboolean
presso_device_connect_finish (PressoDevice  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * presso_device_disconnect:
 * @self: a #PressoDevice
 *
 * Closes the link and stops reconnecting.  A program still running or paused is vented
 * first (stop it beforehand for a controlled deflation).  Pending commands fail with
 * %PRESSO_DEVICE_ERROR_DISCONNECTED.  Disposing of the device does the same.
 */
void
presso_device_disconnect (PressoDevice *self)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));

  self->reconnecting = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->handshaking)
    finish_handshake (self, g_error_new_literal (PRESSO_DEVICE_ERROR,
                                                 PRESSO_DEVICE_ERROR_DISCONNECTED,
                                                 _("Disconnected")));
  /* Nobody will watch the chambers any more: do not leave them to the watchdog's second. */
  vent_before_closing (self);
  teardown_link (self, _("Disconnected"));
}

static GTask *
new_command_task (PressoDevice        *self,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
simple_command (PressoDevice        *self,
                guint                type,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = new_command_task (self, source_tag, cancellable, callback, user_data);
  presso_proto_msg msg = { .type = type };

  queue_command (self, &msg, task);
}

static gboolean
command_finish (PressoDevice  *self,
                GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * presso_device_load_program_async:
 * @self: a #PressoDevice
 * @program: the program (copied); the device clamps targets to its ceiling and the limits
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when acknowledged, refused (NAK) or timed out (4 × 200 ms)
 * @user_data: for @callback
 */
void
presso_device_load_program_async (PressoDevice               *self,
                                  const presso_proto_program *program,
                                  GCancellable               *cancellable,
                                  GAsyncReadyCallback         callback,
                                  gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM };

  g_return_if_fail (PRESSO_IS_DEVICE (self));
  g_return_if_fail (program != NULL);

  task = new_command_task (self, presso_device_load_program_async, cancellable, callback, user_data);
  if (self->identified && (program->n_chambers == 0 || program->n_chambers > self->identity.n_chambers))
    {
      g_task_return_new_error (task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_INVALID,
                               _("The program has %u chambers, the device has %u"),
                               program->n_chambers, self->identity.n_chambers);
      return;
    }

  msg.u.program = *program;
  queue_command (self, &msg, task);
}

gboolean
presso_device_load_program_finish (PressoDevice  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return command_finish (self, result, error);
}

void
presso_device_start_async (PressoDevice        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));
  simple_command (self, PRESSO_PROTO_MSG_START, presso_device_start_async, cancellable, callback, user_data);
}

gboolean
presso_device_start_finish (PressoDevice  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return command_finish (self, result, error);
}

void
presso_device_pause_async (PressoDevice        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));
  simple_command (self, PRESSO_PROTO_MSG_PAUSE, presso_device_pause_async, cancellable, callback, user_data);
}

gboolean
presso_device_pause_finish (PressoDevice  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return command_finish (self, result, error);
}

void
presso_device_resume_async (PressoDevice        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));
  simple_command (self, PRESSO_PROTO_MSG_RESUME, presso_device_resume_async, cancellable, callback, user_data);
}

gboolean
presso_device_resume_finish (PressoDevice  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return command_finish (self, result, error);
}

/**
 * presso_device_stop_async:
 * @self: a #PressoDevice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when acknowledged; the state then goes STOPPING, then READY
 * @user_data: for @callback
 *
 * Controlled deflation, then idle.  For an emergency use presso_device_emergency_vent().
 */
void
presso_device_stop_async (PressoDevice        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));
  simple_command (self, PRESSO_PROTO_MSG_STOP, presso_device_stop_async, cancellable, callback, user_data);
}

gboolean
presso_device_stop_finish (PressoDevice  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return command_finish (self, result, error);
}

/**
 * presso_device_set_limits_async:
 * @self: a #PressoDevice
 * @max_mmhg: the client's pressure cap; the device clamps every target to it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when acknowledged or failed
 * @user_data: for @callback
 */
void
presso_device_set_limits_async (PressoDevice        *self,
                                double               max_mmhg,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_SET_LIMITS };

  g_return_if_fail (PRESSO_IS_DEVICE (self));

  task = new_command_task (self, presso_device_set_limits_async, cancellable, callback, user_data);
  if (!(max_mmhg > 0 && max_mmhg <= 3000))
    {
      g_task_return_new_error (task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_INVALID,
                               _("Invalid pressure limit: %.1f mmHg"), max_mmhg);
      return;
    }
  msg.u.limits.max_dmmhg = (int16_t) (max_mmhg * 10.0 + 0.5);
  queue_command (self, &msg, task);
}

gboolean
presso_device_set_limits_finish (PressoDevice  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return command_finish (self, result, error);
}

/**
 * presso_device_ack_alarm_async:
 * @self: a #PressoDevice
 * @code: the #PressoDeviceEvent code of the alarm to acknowledge
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when acknowledged or failed
 * @user_data: for @callback
 *
 * A host alarm (code ≥ 64) releases the host's FAULT latch; a device alarm is sent to the
 * device, which leaves FAULT for idle when no alarm is left latched.  Code 0 acknowledges
 * every alarm, the host's and the device's.  While the device is still venting (it refuses
 * ACK_ALARM then) the acknowledgement waits until it reaches FAULT, for at most 6 s.
 */
void
presso_device_ack_alarm_async (PressoDevice        *self,
                               guint                code,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_ACK_ALARM };

  g_return_if_fail (PRESSO_IS_DEVICE (self));

  task = new_command_task (self, presso_device_ack_alarm_async, cancellable, callback, user_data);
  if (code >= PRESSO_DEVICE_ALARM_LINK_LOST)
    {
      self->fault_latched = FALSE;
      update_state (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (code == 0)
    {
      /* Every alarm: the host's latch and the device's. */
      self->fault_latched = FALSE;
      update_state (self);
    }
  if (code > 255)
    {
      g_task_return_new_error (task, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_INVALID,
                               _("Unknown alarm code %u"), code);
      return;
    }
  msg.u.ack_alarm.code = code;
  queue_command (self, &msg, task);
}

gboolean
presso_device_ack_alarm_finish (PressoDevice  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return command_finish (self, result, error);
}

/**
 * presso_device_emergency_vent:
 * @self: a #PressoDevice
 *
 * Opens every vent valve and stops the compressor, now.  Synchronous: the VENT frame skips
 * the command queue and everything already queued, and is written before this returns
 * (waiting at most a few milliseconds for a full port).  Commands still waiting are
 * dropped (failed with %PRESSO_DEVICE_ERROR_FAULT) so that nothing queued before the vent
 * inflates after it.  Works in every state; sent again every 100 ms until the device
 * confirms it, and raises %PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED if it never does.
 *
 * Returns: %TRUE when the frame left for the device, %FALSE when there is no link (then
 *   the device's own heartbeat watchdog vents it, and if the link comes back first, the
 *   device is vented as soon as it reports a running program)
 */
gboolean
presso_device_emergency_vent (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), FALSE);

  return emergency_vent_internal (self);
}

static gboolean
emergency_vent_internal (PressoDevice *self)
{
  g_autoptr(GError) error = NULL;
  Command *command;
  gboolean ok;

  if (self->link == NULL)
    {
      g_message ("emergency vent requested with no link to the device");
      self->orphan_check = TRUE;
      return FALSE;
    }

  if (!self->vent_pending)
    self->vent_seq = take_seq (self);
  self->vent_pending = TRUE;
  self->vent_attempts = 1;
  ok = send_vent_frame (self);

  error = g_error_new_literal (PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_FAULT,
                               _("Cancelled by an emergency vent"));
  while ((command = g_queue_pop_head (&self->commands)))
    fail_command (command, error);
  /* The one in flight may be a START: never send it again. */
  if (self->inflight != NULL)
    {
      g_clear_handle_id (&self->command_source, g_source_remove);
      fail_command (g_steal_pointer (&self->inflight), error);
    }

  if (self->link != NULL && self->vent_source == 0)
    self->vent_source = g_timeout_add (VENT_RETRY_MS, on_vent_retry_cb, self);

  /* Every state goes to VENTING on VENT (PROTOCOL.md, section 7). */
  if (self->link != NULL && self->identified)
    {
      self->device_state = PRESSO_PROTO_STATE_VENTING;
      update_state (self);
    }

  return ok;
}

/**
 * presso_device_get_vent_pending:
 * @self: a #PressoDevice
 *
 * Returns: %TRUE while an emergency vent is sent and not yet confirmed by the device
 */
gboolean
presso_device_get_vent_pending (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), FALSE);
  return self->vent_pending;
}

/* ---------------------------------------------------------------- private API */

void
_presso_device_set_heartbeat_suspended (PressoDevice *self,
                                        gboolean      suspended)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));
  self->heartbeat_suspended = !!suspended;
}

PressoLink *
_presso_device_get_link (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), NULL);
  return self->link;
}

void
_presso_device_drop_link (PressoDevice *self)
{
  g_return_if_fail (PRESSO_IS_DEVICE (self));
  if (self->link != NULL)
    handle_link_lost (self, "dropped by a test");
}

gint64
_presso_device_get_vent_written_time (PressoDevice *self)
{
  g_return_val_if_fail (PRESSO_IS_DEVICE (self), 0);
  return self->vent_written_us;
}
