/* presso-ctl.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * presso-ctl: the device layer from a terminal, for technicians and tests.  A run for a client
 * (--client) goes through PressoSession, as a treatment from the window does: the screening
 * gate, the client's cap, and the session record in the client's history.
 */
#define G_LOG_DOMAIN "presso-ctl"
#include "config.h"

#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "presso-device.h"
#include "presso-presets.h"
#include "presso-program.h"
#include "presso-serial-port.h"
#include "presso-session.h"
#include "presso-store.h"
#include "presso-store-screening.h"

/* Exit codes, documented in --help. */
enum {
  EXIT_OK           = 0,
  EXIT_FAILED       = 1,
  EXIT_USAGE        = 2,
  EXIT_NO_PORT      = 3,
  EXIT_SILENT       = 4,
  EXIT_MISMATCH     = 5,
  EXIT_FAULT        = 6,
  EXIT_REFUSED      = 7,
  EXIT_INTERRUPTED  = 130,
};

/* How long a controlled stop may take before presso-ctl vents instead. */
#define STOP_TIMEOUT_S 30
/* How long the end of a client's run waits for its record while another program holds the
 * database (Ctrl+C gives up sooner). */
#define RECORD_WAIT_MS 60000
/* ...and after how long it says it is waiting. */
#define RECORD_SLOW_MS 1500
/* How long "vent" waits for the device to confirm. */
#define VENT_CONFIRM_MS 2000
/* The screening validity when the settings schema is not installed (its default). */
#define DEFAULT_VALIDITY_DAYS 180

typedef enum {
  STEP_CONNECT,
  STEP_LIMITS,
  STEP_LOAD,
  STEP_START,
  STEP_STREAM,
  STEP_STOP,
  STEP_VENT,
  STEP_DONE,
} Step;

typedef struct
{
  GMainLoop            *loop;
  PressoDevice         *device;
  const char           *command;
  const PressoPreset   *preset;
  presso_proto_program  program;
  double                seconds;
  double                limit_mmhg;
  int                   exit_code;
  Step                  step;
  gint64                stream_start_us;
  guint                 run_timer;
  guint                 guard_timer;
  gboolean              header_printed;
  gboolean              vented;
  gboolean              interrupted;
  int                   signal_exit;
  /* A run for a client (--client): the clinic's store, the client and the screening rules;
   * NULL for a technician's run. */
  PressoStore          *store;
  PressoClient         *client;
  PressoStaff          *staff;
  PressoScreeningRules *rules;
  PressoZones           zones;
  PressoStartPermit    *permit;
  /* The client's session, from the screening check on. */
  PressoSession        *session;
  /* Its record, written in the background: main() waits for it before exiting. */
  gint64                session_id;
  gboolean              finished;
  PressoSessionOutcome  outcome;
  char                 *outcome_why;
  GCancellable         *record_cancellable;
  guint                 record_slow_source;
  gboolean              record_done;
  gboolean              record_saved;
  GError               *record_error;
} Ctl;

static char *opt_port;
static char *opt_preset;
static double opt_seconds = -1;
static double opt_limit = 0;
static gboolean opt_verbose;
static char *opt_database;
static gboolean opt_demo;
static gint64 opt_client;
static gint64 opt_staff;

static const GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_FILENAME, &opt_port,
    N_("Serial port or pty of the device (e.g. /dev/presso-0, or presso-sim's --link)"), N_("PATH") },
  { "preset", 0, 0, G_OPTION_ARG_STRING, &opt_preset,
    N_("Program to run (see “presets”)"), N_("NAME") },
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_seconds,
    N_("How long to run before stopping"), N_("S") },
  { "limit", 0, 0, G_OPTION_ARG_DOUBLE, &opt_limit,
    N_("Highest pressure the device is held to (below the client's cap with --client)"), N_("MMHG") },
  { "database", 0, 0, G_OPTION_ARG_FILENAME, &opt_database,
    N_("The clinic's database (with --client)"), N_("DB") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, &opt_demo,
    N_("Use the demo clinic's database instead of --database"), NULL },
  { "client", 0, 0, G_OPTION_ARG_INT64, &opt_client,
    N_("The client treated: the run passes the screening gate first"), N_("ID") },
  { "staff", 0, 0, G_OPTION_ARG_INT64, &opt_staff,
    N_("The practitioner running the session (needed with --client)"), N_("ID") },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
    N_("Print the device layer's messages on stderr"), NULL },
  { NULL }
};

static void
quit (Ctl *ctl,
      int  exit_code)
{
  if (ctl->exit_code == EXIT_OK)
    ctl->exit_code = exit_code;
  ctl->step = STEP_DONE;
  g_main_loop_quit (ctl->loop);
}

static int
exit_code_for_error (const GError *error)
{
  if (error->domain != PRESSO_DEVICE_ERROR)
    return EXIT_FAILED;

  switch (error->code)
    {
    case PRESSO_DEVICE_ERROR_NO_PORT:
    case PRESSO_DEVICE_ERROR_OPEN:
      return EXIT_NO_PORT;
    case PRESSO_DEVICE_ERROR_SILENT:
      return EXIT_SILENT;
    case PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH:
      return EXIT_MISMATCH;
    default:
      return EXIT_FAULT;
    }
}

static void
fail (Ctl          *ctl,
      const GError *error)
{
  g_printerr ("presso-ctl: %s\n", error->message);
  quit (ctl, exit_code_for_error (error));
}

static void
vent (Ctl *ctl)
{
  if (ctl->vented)
    return;
  ctl->vented = TRUE;
  presso_device_emergency_vent (ctl->device);
}

/* ------------------------------------------------------------------ info */

static void
print_info (Ctl *ctl)
{
  const presso_proto_identity *id = presso_device_get_identity (ctl->device);
  const PressoTelemetry *t;

  g_print ("%s: %s\n", _("Port"), opt_port);
  g_print ("%s: %s\n", _("Model"), id->model);
  g_print ("%s: %s\n", _("Serial number"), id->serial);
  g_print ("%s: %s\n", _("Firmware"), id->firmware);
  g_print ("%s: %u\n", _("Protocol version"), id->proto_version);
  g_print ("%s: %u\n", _("Chambers"), id->n_chambers);
  g_print ("%s: %u\n", _("Outlets"), id->n_outlets);
  for (guint i = 0; i < id->n_outlets && i < PRESSO_PROTO_MAX_OUTLETS; i++)
    {
      const presso_proto_outlet *o = &id->outlets[i];

      g_print ("  %u: %s, %s %u–%u\n", i + 1, presso_proto_garment_name (o->garment),
               _("chambers"), o->first_chamber, o->first_chamber + MAX (o->n_chambers, 1) - 1);
    }
  g_print ("%s: %.1f mmHg\n", _("Pressure ceiling"), id->ceiling_dmmhg / 10.0);
  g_print ("%s: %u Hz\n", _("Telemetry rate"), id->telemetry_hz);
  g_print ("%s: %s\n", _("State"), presso_device_state_to_string (presso_device_get_state (ctl->device)));

  t = presso_device_get_last_telemetry (ctl->device);
  if (t != NULL)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      g_print ("%s: %s\n", _("Device state"), presso_proto_state_name (t->device_state));
      for (guint code = 1; code <= 16; code++)
        if (t->alarm_flags & (1u << (code - 1)))
          g_string_append_printf (line, "%s%s", line->len ? ", " : "", presso_proto_event_name (code));
      g_print ("%s: %s\n", _("Alarms latched"), line->len ? line->str : _("none"));
      g_string_truncate (line, 0);
      for (guint i = 0; i < t->n_chambers; i++)
        {
          if (isnan (t->pressure_mmhg[i]))
            g_string_append_printf (line, "%s?", i ? " " : "");
          else
            g_string_append_printf (line, "%s%.1f", i ? " " : "", t->pressure_mmhg[i]);
        }
      g_print ("%s: %s\n", _("Pressures (mmHg)"), line->str);
      g_print ("%s: %u %%\n", _("Compressor"), t->compressor_pct);
    }
}

static void
on_info_telemetry_cb (PressoDevice          *device,
                      const PressoTelemetry *t,
                      Ctl                   *ctl)
{
  if (ctl->step != STEP_VENT)
    return;
  print_info (ctl);
  quit (ctl, EXIT_OK);
}

static gboolean
on_info_timeout_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  ctl->guard_timer = 0;
  print_info (ctl);
  quit (ctl, EXIT_OK);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ run */

static guint screening_validity_days (void);
static void refuse (Ctl        *ctl,
                    const char *why);

static void
print_header (Ctl *ctl)
{
  g_autoptr(GString) line = g_string_new ("time_ms,state,phase,cycle,active_chamber");

  for (guint i = 0; i < ctl->program.n_chambers; i++)
    g_string_append_printf (line, ",p%u", i);
  for (guint i = 0; i < ctl->program.n_chambers; i++)
    g_string_append_printf (line, ",t%u", i);
  g_string_append_c (line, '\n');
  fputs (line->str, stdout);
  fflush (stdout);
  ctl->header_printed = TRUE;
}

static void
on_telemetry_cb (PressoDevice          *device,
                 const PressoTelemetry *t,
                 Ctl                   *ctl)
{
  g_autoptr(GString) line = NULL;

  if (ctl->step != STEP_STREAM && ctl->step != STEP_STOP)
    return;
  if (!ctl->header_printed)
    print_header (ctl);
  if (ctl->stream_start_us == 0)
    ctl->stream_start_us = t->host_time_us;

  line = g_string_new (NULL);
  g_string_append_printf (line, "%" G_GINT64_FORMAT ",%s,%s,%u,",
                          (t->host_time_us - ctl->stream_start_us) / 1000,
                          presso_proto_state_name (t->device_state),
                          presso_proto_phase_name (t->phase), t->cycle);
  if (t->active_chamber != PRESSO_PROTO_NO_CHAMBER)
    g_string_append_printf (line, "%u", t->active_chamber);
  for (guint i = 0; i < ctl->program.n_chambers; i++)
    {
      if (i < t->n_chambers && !isnan (t->pressure_mmhg[i]))
        g_string_append_printf (line, ",%.1f", t->pressure_mmhg[i]);
      else
        g_string_append (line, ",");
    }
  for (guint i = 0; i < ctl->program.n_chambers; i++)
    g_string_append_printf (line, ",%.1f", ctl->program.target_dmmhg[i] / 10.0);
  g_string_append_c (line, '\n');
  fputs (line->str, stdout);
  fflush (stdout);
}

static gboolean
session_on (Ctl *ctl)
{
  return ctl->session != NULL &&
         presso_session_get_state (ctl->session) != PRESSO_SESSION_STATE_FINISHED;
}

static void
on_alarm_cb (PressoDevice            *device,
             const PressoDeviceEvent *event,
             Ctl                     *ctl)
{
  /* A client's session vents, shows and records its alarms itself. */
  if (session_on (ctl))
    return;

  if (event->chamber != PRESSO_PROTO_NO_CHAMBER)
    g_printerr ("presso-ctl: %s: %s (%s %u, %.1f mmHg)\n", _("alarm"),
                presso_device_event_describe (event->code), _("chamber"), event->chamber,
                event->value_mmhg);
  else
    g_printerr ("presso-ctl: %s: %s\n", _("alarm"), presso_device_event_describe (event->code));

  if (g_str_equal (ctl->command, "run") && ctl->step != STEP_DONE &&
      event->priority >= PRESSO_PROTO_PRIORITY_HIGH)
    {
      vent (ctl);
      quit (ctl, EXIT_FAULT);
    }
}

static void
on_state_changed_cb (PressoDevice *device,
                     GParamSpec   *pspec,
                     Ctl          *ctl)
{
  PressoDeviceState state = presso_device_get_state (device);

  if (opt_verbose)
    g_printerr ("presso-ctl: %s: %s\n", _("state"), presso_device_state_to_string (state));

  if (!g_str_equal (ctl->command, "run") || ctl->step == STEP_DONE || ctl->session != NULL)
    return;

  if (state == PRESSO_DEVICE_STATE_FAULT || state == PRESSO_DEVICE_STATE_DISCONNECTED)
    {
      const char *why = presso_device_get_status_message (device);

      if (ctl->step == STEP_CONNECT)
        return;
      g_printerr ("presso-ctl: %s%s%s\n",
                  state == PRESSO_DEVICE_STATE_FAULT ? _("The device is in fault") : _("The device was disconnected"),
                  why ? ": " : "", why ? why : "");
      vent (ctl);
      quit (ctl, EXIT_FAULT);
      return;
    }

  /* The program ended by itself, or the controlled stop is over. */
  if ((ctl->step == STEP_STREAM || ctl->step == STEP_STOP) && state == PRESSO_DEVICE_STATE_READY)
    quit (ctl, EXIT_OK);
}

static void
on_stop_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Ctl *ctl = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_stop_finish (PRESSO_DEVICE (object), result, &error))
    {
      if (ctl->step == STEP_DONE)
        return;
      g_printerr ("presso-ctl: %s: %s\n", _("Cannot stop the program, venting"), error->message);
      vent (ctl);
      quit (ctl, EXIT_FAULT);
    }
}

static gboolean
on_stop_timeout_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  ctl->guard_timer = 0;
  g_printerr ("presso-ctl: %s\n", _("The device did not finish stopping in time, venting"));
  vent (ctl);
  quit (ctl, EXIT_FAULT);

  return G_SOURCE_REMOVE;
}

static gboolean
on_run_elapsed_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  ctl->run_timer = 0;
  if (ctl->step != STEP_STREAM)
    return G_SOURCE_REMOVE;

  ctl->step = STEP_STOP;
  presso_device_stop_async (ctl->device, NULL, on_stop_cb, ctl);
  ctl->guard_timer = g_timeout_add_seconds (STOP_TIMEOUT_S, on_stop_timeout_cb, ctl);

  return G_SOURCE_REMOVE;
}

static void
on_start_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Ctl *ctl = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_start_finish (PRESSO_DEVICE (object), result, &error))
    {
      if (ctl->step != STEP_DONE)
        fail (ctl, error);
      return;
    }

  ctl->step = STEP_STREAM;
  print_header (ctl);
  ctl->run_timer = g_timeout_add ((guint) (ctl->seconds * 1000), on_run_elapsed_cb, ctl);
}

static void
on_load_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Ctl *ctl = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_load_program_finish (PRESSO_DEVICE (object), result, &error))
    {
      if (ctl->step != STEP_DONE)
        fail (ctl, error);
      return;
    }

  ctl->step = STEP_START;
  presso_device_start_async (ctl->device, NULL, on_start_cb, ctl);
}

static void
load_program (Ctl *ctl)
{
  ctl->step = STEP_LOAD;
  presso_device_load_program_async (ctl->device, &ctl->program, NULL, on_load_cb, ctl);
}

static void
on_limits_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Ctl *ctl = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_set_limits_finish (PRESSO_DEVICE (object), result, &error))
    {
      /* No program goes out without the cap in place. */
      if (ctl->step != STEP_DONE)
        fail (ctl, error);
      return;
    }
  if (ctl->step == STEP_LIMITS)
    load_program (ctl);
}

static void
refuse (Ctl        *ctl,
        const char *why)
{
  g_autofree char *line = g_strdup_printf (_("Refused by the screening for %s: %s"),
                                           presso_client_get_display_name (ctl->client), why);

  g_printerr ("presso-ctl: %s\n", line);
  g_printerr ("presso-ctl: %s\n", _("Nothing was sent to the device."));
  quit (ctl, EXIT_REFUSED);
}

/* ------------------------------------------------------------------ a client's session */

/* Chambers per limb garment: the first boot's or sleeve's outlet. */
static guint
limb_chambers (const presso_proto_identity *id)
{
  for (guint i = 0; i < id->n_outlets && i < PRESSO_PROTO_MAX_OUTLETS; i++)
    if (id->outlets[i].garment != PRESSO_PROTO_GARMENT_BELT && id->outlets[i].n_chambers > 0)
      return id->outlets[i].n_chambers;
  return id->n_chambers;
}

static guint
device_garments (const presso_proto_identity *id)
{
  guint garments = 0;

  for (guint i = 0; i < id->n_outlets && i < PRESSO_PROTO_MAX_OUTLETS; i++)
    if (id->outlets[i].garment != PRESSO_PROTO_GARMENT_NONE)
      garments |= PRESSO_PROGRAM_GARMENT_BIT (id->outlets[i].garment);
  return garments;
}

static PressoZones
program_zones (PressoProgram *program)
{
  guint garments = presso_program_get_garments (program);
  PressoZones zones = PRESSO_ZONE_NONE;

  for (guint g = 0; g < 32; g++)
    if (garments & (1u << g))
      zones |= presso_zones_for_garment (g);
  return zones;
}

/* The highest (or, with @lowest, the lowest) target of the limb chambers used. */
static int
limb_target (PressoProgram *program,
             gboolean       lowest)
{
  int result = lowest ? G_MAXINT : 0;

  for (guint k = 1; k <= presso_program_get_n_chambers (program); k++)
    {
      int target = presso_program_get_target (program, k);

      if (presso_program_get_skip_mask (program) & (1u << (k - 1)))
        continue;
      result = lowest ? MIN (result, target) : MAX (result, target);
    }
  return result;
}

/* Lowers the program's pressures to @limit: the belt to the limit, every limb chamber by the
 * same amount (the gradient kept while the last chamber stays in the envelope).  Returns
 * whether anything changed. */
static gboolean
hold_program_to (PressoProgram *program,
                 guint          limit)
{
  gboolean changed = FALSE;

  if ((presso_program_get_garments (program) & PRESSO_PROGRAM_GARMENTS_BELT) &&
      presso_program_get_belt_pressure (program) > limit)
    {
      presso_program_set_belt_pressure (program, limit);
      changed = TRUE;
    }
  while (limb_target (program, FALSE) > (int) limit &&
         presso_program_get_base_pressure (program) > PRESSO_PROGRAM_MIN_MMHG)
    {
      presso_program_set_base_pressure (program, presso_program_get_base_pressure (program) - 1);
      changed = TRUE;
    }
  while (presso_program_get_gradient (program) > 0 &&
         limb_target (program, TRUE) < PRESSO_PROGRAM_MIN_MMHG)
    presso_program_set_gradient (program, presso_program_get_gradient (program) - 1);
  if (limb_target (program, FALSE) > (int) limit)
    presso_program_set_boost_mask (program, 0);
  return changed;
}

static void
on_session_alarm_cb (PressoSession      *session,
                     PressoSessionAlarm *alarm,
                     Ctl                *ctl)
{
  g_printerr ("presso-ctl: %s: %s\n", _("alarm"), presso_session_alarm_get_text (alarm));
}

/* The session has ended: the loop stops with the exit status its outcome gives.  Its last
 * records are still being written in the background: main() waits for them with the main
 * loop turning (never here, in the session's notify, where a locked database would hold up
 * the device's heartbeat and Ctrl+C), then says how the session was recorded. */
static void
finish_client_run (Ctl *ctl)
{
  PressoSessionOutcome outcome = presso_session_get_outcome (ctl->session);
  int exit_code;

  ctl->finished = TRUE;
  ctl->outcome = outcome;
  g_free (ctl->outcome_why);
  ctl->outcome_why = g_strdup (presso_session_get_status_message (ctl->session));

  switch (outcome)
    {
    case PRESSO_SESSION_OUTCOME_COMPLETED:
      exit_code = EXIT_OK;
      break;
    case PRESSO_SESSION_OUTCOME_STOPPED:
      exit_code = ctl->interrupted ? EXIT_INTERRUPTED : EXIT_OK;
      break;
    case PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED:
      ctl->vented = TRUE;
      exit_code = ctl->interrupted ? EXIT_INTERRUPTED : EXIT_FAULT;
      break;
    default:
      ctl->vented = TRUE;
      exit_code = EXIT_FAULT;
      break;
    }
  quit (ctl, exit_code);
}

static void
on_record_drained_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Ctl *ctl = user_data;

  ctl->record_saved = presso_store_drain_records_finish (result, &ctl->record_error);
  ctl->record_done = TRUE;
}

static gboolean
on_record_slow_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  ctl->record_slow_source = 0;
  g_printerr ("presso-ctl: %s\n",
              _("Waiting for the database to take the end of the session record (Ctrl+C gives up)…"));
  return G_SOURCE_REMOVE;
}

static gboolean
on_record_signal_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  if (!g_cancellable_is_cancelled (ctl->record_cancellable))
    g_printerr ("presso-ctl: %s\n", _("Interrupted: no longer waiting for the session record"));
  g_cancellable_cancel (ctl->record_cancellable);
  return G_SOURCE_CONTINUE;
}

/* Waits for the client's session record (the recorder is freed: its writer goes on in the
 * background) with the main loop turning: the device keeps its heartbeat, and Ctrl+C gives
 * up the wait, saying what was not written. */
static void
wait_for_record (Ctl *ctl)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ctl->session_id);
  guint sigint, sigterm;

  ctl->record_cancellable = g_cancellable_new ();
  sigint = g_unix_signal_add (SIGINT, on_record_signal_cb, ctl);
  sigterm = g_unix_signal_add (SIGTERM, on_record_signal_cb, ctl);
  /* Said when it takes long: another program holds the database. */
  ctl->record_slow_source = g_timeout_add (RECORD_SLOW_MS, on_record_slow_cb, ctl);
  presso_store_drain_records_async (RECORD_WAIT_MS, ctl->record_cancellable,
                                    on_record_drained_cb, ctl);
  while (!ctl->record_done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&ctl->record_slow_source, g_source_remove);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_clear_object (&ctl->record_cancellable);

  if (!ctl->record_saved)
    {
      g_printerr ("presso-ctl: %s: %s\n", _("The session record could not be written completely"),
                  ctl->record_error->message);
      if (ctl->exit_code == EXIT_OK)
        ctl->exit_code = EXIT_FAILED;
      return;
    }
  if (!ctl->finished)
    return;

  g_printerr ("presso-ctl: ");
  /* Translators: "Session 12 recorded: Completed"; the outcome as History shows it */
  g_printerr (_("Session %s recorded: %s"), id, presso_session_outcome_to_label (ctl->outcome));
  if (ctl->outcome_why != NULL && ctl->outcome != PRESSO_SESSION_OUTCOME_COMPLETED &&
      ctl->outcome != PRESSO_SESSION_OUTCOME_STOPPED)
    g_printerr (" (%s)", ctl->outcome_why);
  g_printerr ("\n");
}

static void
on_session_state_cb (PressoSession *session,
                     GParamSpec    *pspec,
                     Ctl           *ctl)
{
  PressoSessionState state = presso_session_get_state (session);

  if (ctl->step == STEP_DONE)
    return;
  if (state == PRESSO_SESSION_STATE_RUNNING && ctl->step == STEP_START)
    {
      const presso_proto_program *program = presso_device_get_program (ctl->device);

      /* The CSV shows the targets the device was given. */
      if (program != NULL)
        ctl->program = *program;
      ctl->step = STEP_STREAM;
      print_header (ctl);
    }
  else if (state == PRESSO_SESSION_STATE_FINISHED)
    finish_client_run (ctl);
}

/* A client's run is a session, as from the window: the screening gate loaded by the store,
 * the program as the Treatment page makes it from the preset for the garments connected,
 * held to the client's cap (and --limit), and the record written as it runs.  Nothing reaches
 * the device before the gate lets the client's zones through. */
static void
begin_client_run (Ctl *ctl)
{
  const presso_proto_identity *id = presso_device_get_identity (ctl->device);
  g_autoptr(PressoProgram) program = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  guint available = device_garments (id);
  guint garments, cap, limit, seconds;

  if (available == 0)
    {
      refuse (ctl, _("the device reports no garment connected"));
      return;
    }
  program = presso_program_new_from_preset (ctl->preset->name, limb_chambers (id), &error);
  if (program == NULL)
    {
      g_printerr ("presso-ctl: %s\n", error->message);
      quit (ctl, EXIT_FAILED);
      return;
    }
  /* A program for legs on a device with boots only keeps the garments the device has. */
  garments = presso_program_get_garments (program);
  if ((garments & available) != 0)
    presso_program_set_garments (program, garments & available);

  ctl->zones = program_zones (program);
  ctl->permit = presso_store_check_screening_gate (ctl->store, ctl->rules,
                                                   presso_client_get_id (ctl->client),
                                                   ctl->zones, now, screening_validity_days (), &error);
  if (ctl->permit == NULL)
    {
      refuse (ctl, error->message);
      return;
    }
  if ((presso_start_permit_get_requirements (ctl->permit) & PRESSO_SCREENING_REQUIRE_PRE_THERAPY) &&
      !presso_program_get_pretherapy (program))
    {
      refuse (ctl, _("the screening requires a pre-therapy phase, and this program has none"));
      return;
    }

  /* The client's cap, and --limit below it: every target is held to them. */
  cap = presso_start_permit_get_pressure_cap (ctl->permit);
  limit = cap;
  if (ctl->limit_mmhg >= 1 && (limit == 0 || ctl->limit_mmhg < limit))
    limit = (guint) floor (ctl->limit_mmhg);
  if (cap > 0 && opt_verbose)
    g_printerr ("presso-ctl: %s: %u mmHg\n", _("Client's pressure cap"), cap);
  if (limit > 0 && hold_program_to (program, limit))
    g_printerr ("presso-ctl: %s: %u mmHg\n", _("Pressures lowered to"), limit);
  if (limit > 0 && limb_target (program, FALSE) > (int) limit)
    {
      g_printerr ("presso-ctl: %s: %u mmHg\n", _("The program cannot be held that low"), limit);
      quit (ctl, EXIT_USAGE);
      return;
    }

  ctl->session = presso_session_new (ctl->store, ctl->device, ctl->client, ctl->staff, program);
  /* --limit below the cap: sent to the device like the cap, and watched the same way. */
  if (limit > 0 && limit != cap)
    presso_session_set_pressure_limit (ctl->session, limit);
  g_signal_connect (ctl->session, "notify::state", G_CALLBACK (on_session_state_cb), ctl);
  g_signal_connect (ctl->session, "alarm", G_CALLBACK (on_session_alarm_cb), ctl);
  /* The session's own gate check is the one its start honours. */
  g_clear_object (&ctl->permit);
  ctl->permit = presso_session_check_screening_from_store (ctl->session, ctl->rules,
                                                           screening_validity_days (), &error);
  if (ctl->permit == NULL)
    {
      refuse (ctl, error->message);
      return;
    }

  /* --seconds shortens the program; the record notes it. */
  seconds = (guint) ceil (ctl->seconds);
  if (seconds < presso_program_get_duration_min (program) * 60)
    presso_session_set_duration_limit (ctl->session, seconds);

  ctl->step = STEP_START;
  if (!presso_session_start (ctl->session, ctl->permit, &error))
    {
      if (error->domain == PRESSO_SCREENING_ERROR)
        refuse (ctl, error->message);
      else if (presso_device_get_state (ctl->device) == PRESSO_DEVICE_STATE_FAULT)
        {
          g_printerr ("presso-ctl: %s\n", _("The device is in fault: see its alarm, then “presso-ctl ack”"));
          quit (ctl, EXIT_FAULT);
        }
      else
        {
          g_printerr ("presso-ctl: %s: %s\n", _("Cannot start the session"), error->message);
          quit (ctl, EXIT_FAILED);
        }
      return;
    }
}

/* The first Ctrl+C stops a client's session in a controlled way (recorded as stopped); the
 * next one, or a stop that does not finish in time, vents. */
static gboolean
on_client_stop_timeout_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  ctl->guard_timer = 0;
  if (session_on (ctl))
    {
      g_printerr ("presso-ctl: %s\n", _("The device did not finish stopping in time, venting"));
      presso_session_emergency_vent (ctl->session);
    }
  return G_SOURCE_REMOVE;
}

static void
interrupt_client_run (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;

  if (!ctl->interrupted)
    {
      ctl->interrupted = TRUE;
      g_printerr ("presso-ctl: %s\n", _("Interrupted: stopping the session (Ctrl+C again vents at once)"));
      if (ctl->step == STEP_STREAM)
        ctl->step = STEP_STOP;
      if (presso_session_stop (ctl->session, &error))
        {
          if (session_on (ctl))
            ctl->guard_timer = g_timeout_add_seconds (STOP_TIMEOUT_S, on_client_stop_timeout_cb, ctl);
          return;
        }
    }
  g_printerr ("presso-ctl: %s\n", _("Interrupted: venting the device"));
  presso_session_emergency_vent (ctl->session);
}

static void
begin_run (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  guint n = presso_device_get_n_chambers (ctl->device);

  if (ctl->client != NULL)
    {
      begin_client_run (ctl);
      return;
    }

  if (!presso_preset_build_program (ctl->preset, n, &ctl->program, &error))
    {
      g_printerr ("presso-ctl: %s\n", error->message);
      quit (ctl, EXIT_FAILED);
      return;
    }
  /* The device ends the program by itself a little after we mean to stop it. */
  ctl->program.duration_s = (guint16) CLAMP (ceil (ctl->seconds) + 5, 1, 7200);

  if (presso_device_get_state (ctl->device) == PRESSO_DEVICE_STATE_FAULT)
    {
      g_printerr ("presso-ctl: %s\n", _("The device is in fault: see its alarm, then “presso-ctl ack”"));
      quit (ctl, EXIT_FAULT);
      return;
    }

  if (ctl->limit_mmhg > 0)
    {
      /* A technician's --limit is left for the device to enforce (and report), as a check of
       * the device itself. */
      ctl->step = STEP_LIMITS;
      presso_device_set_limits_async (ctl->device, ctl->limit_mmhg, NULL, on_limits_cb, ctl);
    }
  else
    load_program (ctl);
}

/* ------------------------------------------------------------------ vent */

/* The device acknowledged the vent and reports every inlet shut and the compressor off. */
static gboolean
vent_confirmed (PressoDevice *device)
{
  const PressoTelemetry *t = presso_device_get_last_telemetry (device);

  if (t == NULL || presso_device_get_vent_pending (device))
    return FALSE;
  if (t->device_state != PRESSO_PROTO_STATE_VENTING && t->device_state != PRESSO_PROTO_STATE_FAULT)
    return FALSE;
  return t->inlet_valves == 0 && t->compressor_pct == 0;
}

static void
on_vent_telemetry_cb (PressoDevice          *device,
                      const PressoTelemetry *t,
                      Ctl                   *ctl)
{
  if (ctl->step == STEP_DONE || !ctl->vented || !vent_confirmed (device))
    return;

  g_print ("%s (%s: %s)\n", _("Vented"), _("device state"), presso_proto_state_name (t->device_state));
  quit (ctl, EXIT_OK);
}

static gboolean
on_vent_timeout_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  ctl->guard_timer = 0;
  g_printerr ("presso-ctl: %s\n", _("The device did not confirm the vent"));
  quit (ctl, EXIT_FAULT);

  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ ack */

static void on_ack_state_cb (PressoDevice *device,
                             GParamSpec   *pspec,
                             Ctl          *ctl);

static void
on_ack_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Ctl *ctl = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_ack_alarm_finish (PRESSO_DEVICE (object), result, &error))
    {
      fail (ctl, error);
      return;
    }
  ctl->step = STEP_VENT;
  on_ack_state_cb (ctl->device, NULL, ctl);
}

static void
on_ack_state_cb (PressoDevice *device,
                 GParamSpec   *pspec,
                 Ctl          *ctl)
{
  if (ctl->step == STEP_VENT && presso_device_get_state (device) == PRESSO_DEVICE_STATE_READY)
    {
      g_print ("%s\n", _("Alarms acknowledged, the device is ready"));
      quit (ctl, EXIT_OK);
    }
}

static gboolean
on_ack_timeout_cb (gpointer user_data)
{
  Ctl *ctl = user_data;
  const PressoTelemetry *t = presso_device_get_last_telemetry (ctl->device);

  ctl->guard_timer = 0;
  g_printerr ("presso-ctl: %s (%s: %s)\n", _("The device still holds an alarm"), _("device state"),
              t ? presso_proto_state_name (t->device_state) : "?");
  quit (ctl, EXIT_FAULT);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ connect */

static void
on_connect_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Ctl *ctl = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_connect_finish (PRESSO_DEVICE (object), result, &error))
    {
      fail (ctl, error);
      return;
    }

  if (g_str_equal (ctl->command, "info"))
    {
      /* The state and pressures come with the first telemetry frame. */
      ctl->step = STEP_VENT;
      g_signal_connect (ctl->device, "telemetry", G_CALLBACK (on_info_telemetry_cb), ctl);
      ctl->guard_timer = g_timeout_add (300, on_info_timeout_cb, ctl);
    }
  else if (g_str_equal (ctl->command, "vent"))
    {
      ctl->step = STEP_VENT;
      if (!presso_device_emergency_vent (ctl->device))
        {
          g_printerr ("presso-ctl: %s\n", _("Cannot send the vent command"));
          quit (ctl, EXIT_FAULT);
          return;
        }
      ctl->vented = TRUE;
      g_signal_connect (ctl->device, "telemetry", G_CALLBACK (on_vent_telemetry_cb), ctl);
      ctl->guard_timer = g_timeout_add (VENT_CONFIRM_MS, on_vent_timeout_cb, ctl);
    }
  else if (g_str_equal (ctl->command, "ack"))
    {
      g_signal_connect (ctl->device, "notify::state", G_CALLBACK (on_ack_state_cb), ctl);
      presso_device_ack_alarm_async (ctl->device, 0, NULL, on_ack_cb, ctl);
      ctl->guard_timer = g_timeout_add (VENT_CONFIRM_MS + 6000, on_ack_timeout_cb, ctl);
    }
  else
    begin_run (ctl);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  if (session_on (ctl))
    {
      interrupt_client_run (ctl);
      return G_SOURCE_CONTINUE;
    }
  g_printerr ("presso-ctl: %s\n", _("Interrupted: venting the device"));
  ctl->interrupted = TRUE;
  vent (ctl);
  quit (ctl, EXIT_INTERRUPTED);

  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ list, presets */

static int
cmd_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) ports = presso_serial_port_list (&error);
  guint n;

  if (ports == NULL)
    {
      g_printerr ("presso-ctl: %s\n", error->message);
      return EXIT_FAILED;
    }

  n = g_list_model_get_n_items (ports);
  if (n == 0)
    g_printerr ("presso-ctl: %s\n", _("No serial ports found"));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PressoSerialPortInfo) info = g_list_model_get_item (ports, i);

      if (presso_serial_port_info_is_usb (info))
        g_print ("%s\t%04x:%04x\t%s\t%s\t%s\n",
                 presso_serial_port_info_get_name (info),
                 presso_serial_port_info_get_vid (info),
                 presso_serial_port_info_get_pid (info),
                 presso_serial_port_info_get_product (info) ?: "",
                 presso_serial_port_info_get_serial (info) ?: "",
                 presso_serial_port_info_get_manufacturer (info) ?: "");
      else
        g_print ("%s\t-\t%s\t\t\n",
                 presso_serial_port_info_get_name (info),
                 presso_serial_port_info_get_description (info) ?: "");
    }

  return EXIT_OK;
}

static int
cmd_presets (void)
{
  for (guint i = 0; i < presso_presets_get_n_items (); i++)
    {
      const PressoPreset *preset = presso_presets_get_item (i);

      if (opt_verbose)
        g_print ("%s\t%s\t%s\n", preset->name, _(preset->title), _(preset->summary));
      else
        g_print ("%s\n", preset->name);
    }

  return EXIT_OK;
}

/* ------------------------------------------------------------------ the clinic's side */

/* Opens the clinic's database (--database, which must exist, or --demo), loads the client
 * (--client) and the practitioner (--staff, who the store records as the actor) and the
 * screening rules. */
static int
open_clinic (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;

  if (opt_demo)
    ctl->store = presso_store_open_demo (&error);
  else if (!g_file_test (opt_database, G_FILE_TEST_IS_REGULAR))
    {
      /* Opening would create an empty clinic. */
      g_printerr ("presso-ctl: %s: %s\n", _("No such database"), opt_database);
      return EXIT_FAILED;
    }
  else
    ctl->store = presso_store_open (opt_database, &error);
  if (ctl->store == NULL)
    {
      g_printerr ("presso-ctl: %s\n", error->message);
      return EXIT_FAILED;
    }

  ctl->client = presso_store_get_client (ctl->store, opt_client, &error);
  if (ctl->client == NULL)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, opt_client);

      g_printerr ("presso-ctl: ");
      g_printerr (_("Cannot load client %s: %s"), id, error->message);
      g_printerr ("\n");
      return EXIT_FAILED;
    }

  if (opt_staff != 0)
    {
      PressoStaff *staff = ctl->staff = presso_store_get_staff (ctl->store, opt_staff, &error);

      if (staff == NULL)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, opt_staff);

          g_printerr ("presso-ctl: ");
          g_printerr (_("Cannot load staff member %s: %s"), id, error->message);
          g_printerr ("\n");
          return EXIT_FAILED;
        }
      /* As in the window: the front desk sees no treatment and runs none. */
      if (g_str_equal (ctl->command, "run") && presso_staff_get_role (staff) == PRESSO_ROLE_RECEPTIONIST)
        {
          g_printerr ("presso-ctl: %s: %s\n", presso_staff_get_display_name (staff),
                      _("the front desk cannot run a session: --staff must be a practitioner or a manager"));
          return EXIT_USAGE;
        }
      presso_store_set_actor (ctl->store, staff);
    }

  ctl->rules = presso_screening_rules_load_default (&error);
  if (ctl->rules == NULL)
    {
      g_printerr ("presso-ctl: %s: %s\n", _("Cannot load the screening rules"), error->message);
      return EXIT_FAILED;
    }

  return EXIT_OK;
}

static void
close_clinic (Ctl *ctl)
{
  g_clear_object (&ctl->permit);
  g_clear_object (&ctl->rules);
  g_clear_object (&ctl->staff);
  g_clear_object (&ctl->client);
  g_clear_object (&ctl->store);
}

static guint
screening_validity_days (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;

  if (schema == NULL || !g_settings_schema_has_key (schema, "screening-validity-days"))
    return DEFAULT_VALIDITY_DAYS;
  settings = g_settings_new (APP_ID);
  return g_settings_get_uint (settings, "screening-validity-days");
}

/* The front desk's view of the client's screening: no answers, just its state. */
static int
cmd_screening (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  PressoScreeningStatus status;

  status = presso_store_get_screening_status (ctl->store, ctl->rules, presso_client_get_id (ctl->client),
                                              now, screening_validity_days (), &error);
  if (error != NULL)
    {
      g_printerr ("presso-ctl: %s\n", error->message);
      return EXIT_FAILED;
    }
  g_print ("%s: %s\n", _("Client"), presso_client_get_display_name (ctl->client));
  g_print ("%s: %s\n", _("Screening"), presso_screening_status_to_label (status));
  return EXIT_OK;
}

static void
log_handler (const char     *log_domain,
             GLogLevelFlags  log_level,
             const char     *message,
             gpointer        user_data)
{
  if (opt_verbose || (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    g_printerr ("presso-ctl: [%s] %s\n", log_domain ? log_domain : "", message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *description = NULL;
  Ctl ctl = { 0 };
  guint sigint, sigterm;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND — drive a Presso compression device"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Commands:\n"
      "  list                              serial ports with USB VID:PID, product, serial number\n"
      "  presets                           program names, one per line (-v: with descriptions)\n"
      "  --port PATH info                  the device's identity\n"
      "  --port PATH run --preset NAME --seconds S [--limit MMHG]\n"
      "                                    run a program, telemetry as CSV on stdout, then stop;\n"
      "                                    without --client: a technician's run to service the\n"
      "                                    device, no client on it and no screening check\n"
      "  --port PATH run --preset NAME --seconds S --database DB --client ID --staff ID\n"
      "                                    a session for a client: refused, the device untouched,\n"
      "                                    unless the client's screening clears the zones of the\n"
      "                                    program's garments; the client's pressure cap applies;\n"
      "                                    the session (program, events, pressures, outcome) is\n"
      "                                    recorded in the client's history under the practitioner\n"
      "                                    --staff; --seconds shortens the program; Ctrl+C stops it\n"
      "                                    (recorded as stopped), a second Ctrl+C vents\n"
      "  screening --database DB --client ID\n"
      "                                    the client's screening status (valid, expired, needs\n"
      "                                    review, none)\n"
      "  (--demo instead of --database DB: the demo clinic)\n"
      "  --port PATH vent                  emergency vent: every chamber open to air now\n"
      "  --port PATH ack                   acknowledge the device's alarms (leave FAULT)"));
  description = g_strdup_printf (_("Exit status: %d success, %d failure, %d usage error, "
                                   "%d no such port or cannot open it, %d no answer from the device, "
                                   "%d protocol version mismatch, %d device fault or alarm, "
                                   "%d refused by the client's screening (nothing sent to the device), "
                                   "%d interrupted (the device was vented)."),
                                 EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NO_PORT, EXIT_SILENT,
                                 EXIT_MISMATCH, EXIT_FAULT, EXIT_REFUSED, EXIT_INTERRUPTED);
  g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("presso-ctl: %s\n%s\n", error->message, _("Try “presso-ctl --help”."));
      return EXIT_USAGE;
    }

  g_log_set_default_handler (log_handler, NULL);

  if (argc != 2)
    {
      g_printerr ("presso-ctl: %s\n%s\n", argc < 2 ? _("No command given") : _("Too many arguments"),
                  _("Try “presso-ctl --help”."));
      return EXIT_USAGE;
    }

  ctl.command = argv[1];
  if (g_str_equal (ctl.command, "list"))
    return cmd_list ();
  if (g_str_equal (ctl.command, "presets"))
    return cmd_presets ();
  if (!g_str_equal (ctl.command, "info") && !g_str_equal (ctl.command, "run") &&
      !g_str_equal (ctl.command, "vent") && !g_str_equal (ctl.command, "ack") &&
      !g_str_equal (ctl.command, "screening"))
    {
      g_printerr ("presso-ctl: %s: %s\n%s\n", _("Unknown command"), ctl.command,
                  _("Try “presso-ctl --help”."));
      return EXIT_USAGE;
    }

  /* A client needs a clinic, and a clinic is only for a client's run or screening. */
  if ((opt_database != NULL || opt_demo || opt_client != 0 || opt_staff != 0) &&
      !g_str_equal (ctl.command, "run") && !g_str_equal (ctl.command, "screening"))
    {
      g_printerr ("presso-ctl: %s\n", _("--database, --demo, --client and --staff go with “run” or “screening”"));
      return EXIT_USAGE;
    }
  if (g_str_equal (ctl.command, "screening") && opt_client == 0)
    {
      g_printerr ("presso-ctl: %s\n", _("“screening” needs --database DB (or --demo) and --client ID"));
      return EXIT_USAGE;
    }
  if ((opt_database != NULL || opt_demo || opt_staff != 0) && opt_client <= 0)
    {
      g_printerr ("presso-ctl: %s\n", _("A run for a client needs --client ID"));
      return EXIT_USAGE;
    }
  if (opt_client != 0 && (opt_database != NULL) == opt_demo)
    {
      g_printerr ("presso-ctl: %s\n", _("--client needs either --database DB or --demo"));
      return EXIT_USAGE;
    }
  if (g_str_equal (ctl.command, "run") && opt_client != 0 && opt_staff <= 0)
    {
      g_printerr ("presso-ctl: %s\n",
                  _("A run for a client needs --staff ID: the practitioner its session record names"));
      return EXIT_USAGE;
    }
  if (g_str_equal (ctl.command, "screening"))
    {
      int status = open_clinic (&ctl);

      if (status == EXIT_OK)
        status = cmd_screening (&ctl);
      close_clinic (&ctl);
      return status;
    }
  if (opt_port == NULL)
    {
      g_printerr ("presso-ctl: %s\n", _("This command needs --port PATH"));
      return EXIT_USAGE;
    }
  if (g_str_equal (ctl.command, "run"))
    {
      if (opt_preset == NULL || opt_seconds <= 0 || opt_seconds > 7200)
        {
          g_printerr ("presso-ctl: %s\n", _("“run” needs --preset NAME and --seconds S (0 < S ≤ 7200)"));
          return EXIT_USAGE;
        }
      ctl.preset = presso_presets_lookup (opt_preset);
      if (ctl.preset == NULL)
        {
          g_printerr ("presso-ctl: %s: %s\n", _("Unknown preset"), opt_preset);
          return EXIT_USAGE;
        }
      ctl.seconds = opt_seconds;
      ctl.limit_mmhg = opt_limit;

      /* The clinic's side first: a run for a client that cannot be checked never reaches the
       * device. */
      if (opt_client != 0)
        {
          int status = open_clinic (&ctl);

          if (status != EXIT_OK)
            {
              close_clinic (&ctl);
              return status;
            }
        }
    }

  loop = g_main_loop_new (NULL, FALSE);
  ctl.loop = loop;
  ctl.device = presso_device_new (opt_port);
  presso_device_set_auto_reconnect (ctl.device, FALSE);
  g_signal_connect (ctl.device, "telemetry", G_CALLBACK (on_telemetry_cb), &ctl);
  g_signal_connect (ctl.device, "alarm", G_CALLBACK (on_alarm_cb), &ctl);
  g_signal_connect (ctl.device, "notify::state", G_CALLBACK (on_state_changed_cb), &ctl);
  sigint = g_unix_signal_add (SIGINT, on_signal_cb, &ctl);
  sigterm = g_unix_signal_add (SIGTERM, on_signal_cb, &ctl);

  presso_device_connect_async (ctl.device, NULL, on_connect_cb, &ctl);
  if (ctl.step != STEP_DONE)
    g_main_loop_run (loop);

  g_clear_handle_id (&ctl.run_timer, g_source_remove);
  g_clear_handle_id (&ctl.guard_timer, g_source_remove);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* A session still on (the loop left early) is vented and recorded as interrupted. */
  if (ctl.session != NULL)
    {
      g_signal_handlers_disconnect_by_data (ctl.session, &ctl);
      if (presso_session_get_state (ctl.session) != PRESSO_SESSION_STATE_READY &&
          presso_session_get_state (ctl.session) != PRESSO_SESSION_STATE_FINISHED)
        ctl.vented = TRUE;
      ctl.session_id = presso_session_get_session_id (ctl.session);
      g_clear_object (&ctl.session);
    }

  /* A vent just sent needs a moment to leave and be confirmed before the port closes. */
  if (ctl.vented || presso_device_get_vent_pending (ctl.device))
    {
      gint64 deadline = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

      while (g_get_monotonic_time () < deadline && presso_device_get_vent_pending (ctl.device))
        g_main_context_iteration (NULL, TRUE);
    }

  /* All of a client's session record must be in the database before this process ends. */
  if (ctl.session_id != 0)
    wait_for_record (&ctl);

  g_signal_handlers_disconnect_by_data (ctl.device, &ctl);
  presso_device_disconnect (ctl.device);
  g_clear_object (&ctl.device);
  close_clinic (&ctl);
  g_clear_pointer (&ctl.outcome_why, g_free);
  g_clear_error (&ctl.record_error);

  return ctl.exit_code;
}
