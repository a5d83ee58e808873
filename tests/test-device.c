/* test-device.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PressoDevice against a real presso-sim process on a real pty ($PRESSO_SIM --link), with
 * faults injected; the in-process simulated device; the link's urgent path.  Every wait is
 * bounded: a device that misbehaves fails the test, never hangs it.
 */
#define G_LOG_DOMAIN "test-device"
#define _GNU_SOURCE 1   /* posix_openpt, ptsname */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "presso-device-private.h"
#include "presso-presets.h"
#include "presso-serial-port.h"
#include "presso-session.h"
#include "presso-sim.h"
#include "presso-store.h"
#include "presso-test-util.h"

typedef struct
{
  char            *dir;
  char            *link;
  GPid             sim_pid;
  PressoDevice    *device;
  GPtrArray       *alarms;          /* PressoDeviceEvent */
  GArray          *states;          /* PressoDeviceState, every change */
  guint            n_telemetry;
  gint64           first_telemetry_us;
  gint64           last_telemetry_us;
  PressoTelemetry  last;
  double           max_mmhg[PRESSO_PROTO_MAX_CHAMBERS];
  guint            n_chambers;
} Fixture;

/* ------------------------------------------------------------------ helpers */

/* Waits for an async result; 4 transmissions of 200 ms bound any command. */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_assert_true (presso_test_iterate_until (presso_test_result_ready, slot, 3000));
  return *slot;
}

#define RUN_COMMAND(f, verb, ...) G_STMT_START { \
    GAsyncResult *res_ = NULL; g_autoptr(GError) err_ = NULL; \
    presso_device_##verb##_async ((f)->device, ##__VA_ARGS__, NULL, presso_test_keep_result, &res_); \
    wait_result (&res_); \
    g_assert_true (presso_device_##verb##_finish ((f)->device, res_, &err_) || (g_printerr ("%s\n", err_->message), FALSE)); \
    g_assert_no_error (err_); \
    g_object_unref (res_); \
  } G_STMT_END

static void
on_telemetry_cb (PressoDevice          *device,
                 const PressoTelemetry *t,
                 Fixture               *f)
{
  if (f->n_telemetry++ == 0)
    f->first_telemetry_us = t->host_time_us;
  f->last_telemetry_us = t->host_time_us;
  f->last = *t;
  for (guint i = 0; i < t->n_chambers; i++)
    if (!isnan (t->pressure_mmhg[i]))
      f->max_mmhg[i] = MAX (f->max_mmhg[i], t->pressure_mmhg[i]);
}

static void
on_alarm_cb (PressoDevice            *device,
             const PressoDeviceEvent *event,
             Fixture                 *f)
{
  g_test_message ("alarm %u (%s) priority %u chamber %u", event->code,
                  presso_device_event_describe (event->code), event->priority, event->chamber);
  g_ptr_array_add (f->alarms, presso_device_event_copy (event));
}

static void
on_state_cb (PressoDevice *device,
             GParamSpec   *pspec,
             Fixture      *f)
{
  PressoDeviceState state = presso_device_get_state (device);

  g_test_message ("state → %s", presso_device_state_to_string (state));
  g_array_append_val (f->states, state);
}

static gboolean
has_alarm (Fixture *f,
           guint    code)
{
  for (guint i = 0; i < f->alarms->len; i++)
    if (((PressoDeviceEvent *) g_ptr_array_index (f->alarms, i))->code == code)
      return TRUE;
  return FALSE;
}

static gboolean
saw_state (Fixture           *f,
           PressoDeviceState  state)
{
  for (guint i = 0; i < f->states->len; i++)
    if (g_array_index (f->states, PressoDeviceState, i) == state)
      return TRUE;
  return FALSE;
}

typedef struct { Fixture *f; guint code; } AlarmWait;

static gboolean
alarm_cond (gpointer data)
{
  AlarmWait *w = data;
  return has_alarm (w->f, w->code);
}

static gboolean
wait_alarm (Fixture *f,
            guint    code,
            guint    timeout_ms)
{
  AlarmWait w = { f, code };
  return presso_test_iterate_until (alarm_cond, &w, timeout_ms);
}

typedef struct { Fixture *f; PressoDeviceState state; } StateWait;

static gboolean
state_cond (gpointer data)
{
  StateWait *w = data;
  return presso_device_get_state (w->f->device) == w->state;
}

static gboolean
wait_state (Fixture           *f,
            PressoDeviceState  state,
            guint              timeout_ms)
{
  StateWait w = { f, state };
  return presso_test_iterate_until (state_cond, &w, timeout_ms);
}

static gboolean
vented_cond (gpointer data)
{
  Fixture *f = data;
  gint64 now = g_get_monotonic_time ();

  /* Fresh telemetry with every chamber below the controller's "vented" level. */
  if (f->n_telemetry == 0 || now - f->last_telemetry_us > 200 * G_TIME_SPAN_MILLISECOND)
    return FALSE;
  if (f->last.inlet_valves != 0 || f->last.compressor_pct != 0)
    return FALSE;
  for (guint i = 0; i < f->last.n_chambers; i++)
    if (!(f->last.pressure_mmhg[i] < 3.0))
      return FALSE;
  return TRUE;
}

static gboolean
wait_vented (Fixture *f,
             guint    timeout_ms)
{
  return presso_test_iterate_until (vented_cond, f, timeout_ms);
}

typedef struct { Fixture *f; guint chamber; double mmhg; } PressureWait;

static gboolean
pressure_cond (gpointer data)
{
  PressureWait *w = data;
  return w->f->last.n_chambers > w->chamber && w->f->last.pressure_mmhg[w->chamber] >= w->mmhg;
}

static gboolean
wait_pressure (Fixture *f,
               guint    chamber,
               double   mmhg,
               guint    timeout_ms)
{
  PressureWait w = { f, chamber, mmhg };
  return presso_test_iterate_until (pressure_cond, &w, timeout_ms);
}

/* A simulator outlives no test, even one that aborts. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
spawn_sim (Fixture            *f,
           const char * const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) presso_test_sim_path ());
  g_ptr_array_add (argv, (gpointer) "--link");
  g_ptr_array_add (argv, f->link);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                die_with_parent, NULL, &f->sim_pid, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until (presso_test_path_exists, f->link, 5000));
}

static void
kill_sim (Fixture *f)
{
  int status;

  if (f->sim_pid == 0)
    return;
  kill (f->sim_pid, SIGTERM);
  for (guint i = 0; i < 300; i++)
    {
      if (waitpid (f->sim_pid, &status, WNOHANG) == f->sim_pid)
        goto reaped;
      g_usleep (10000);
    }
  kill (f->sim_pid, SIGKILL);
  waitpid (f->sim_pid, &status, 0);
reaped:
  g_spawn_close_pid (f->sim_pid);
  f->sim_pid = 0;
}

static void
watch_device (Fixture *f)
{
  g_signal_connect (f->device, "telemetry", G_CALLBACK (on_telemetry_cb), f);
  g_signal_connect (f->device, "alarm", G_CALLBACK (on_alarm_cb), f);
  g_signal_connect (f->device, "notify::state", G_CALLBACK (on_state_cb), f);
}

static void
connect_device (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  /* On a link with injected faults the handshake itself may need a second try. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      GAsyncResult *res = NULL;

      g_clear_error (&error);
      presso_device_connect_async (f->device, NULL, presso_test_keep_result, &res);
      wait_result (&res);
      presso_device_connect_finish (f->device, res, &error);
      g_object_unref (res);
      if (error == NULL || !g_error_matches (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_SILENT))
        break;
    }
  g_assert_no_error (error);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  f->n_chambers = presso_device_get_n_chambers (f->device);
}

/* A program for tests: every chamber to 40 mmHg, 2 s per chamber, a long hold, no ramp. */
static void
test_program (Fixture              *f,
              presso_proto_program *p)
{
  memset (p, 0, sizeof *p);
  p->mode = PRESSO_PROTO_MODE_SEQUENTIAL;
  p->n_chambers = f->n_chambers;
  p->chamber_mask = f->n_chambers == 32 ? G_MAXUINT32 : (1u << f->n_chambers) - 1;
  p->inflate_ds = 20;
  p->hold_ds = 600;
  p->deflate_ds = 20;
  p->rest_ds = 20;
  p->ramp_s = 0;
  p->duration_s = 120;
  for (guint i = 0; i < f->n_chambers; i++)
    p->target_dmmhg[i] = 400;
}

static void
load_and_start (Fixture *f)
{
  presso_proto_program program;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  RUN_COMMAND (f, start);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("presso-device-XXXXXX", &error);
  g_assert_no_error (error);
  f->link = g_build_filename (f->dir, "sim.tty", NULL);
  f->alarms = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_device_event_free);
  f->states = g_array_new (FALSE, FALSE, sizeof (PressoDeviceState));
}

/* Starts presso-sim with the fault switches in data (NULL-terminated), connects. */
static void
fixture_setup_sim (Fixture       *f,
                   gconstpointer  data)
{
  const char * const *args = data;

  fixture_setup (f, data);
  if (presso_test_sim_path () == NULL)
    {
      g_test_skip ("PRESSO_SIM is not set: presso-sim was not built");
      return;
    }

  spawn_sim (f, args);
  f->device = presso_device_new (f->link);
  watch_device (f);
  connect_device (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->device != NULL)
    {
      g_signal_handlers_disconnect_by_data (f->device, f);
      g_assert_finalize_object (f->device);
    }
  kill_sim (f);
  g_unlink (f->link);
  g_rmdir (f->dir);
  g_free (f->link);
  g_free (f->dir);
  g_ptr_array_unref (f->alarms);
  g_array_unref (f->states);
}

/* ------------------------------------------------------------------ with presso-sim */

static void
test_handshake (Fixture       *f,
                gconstpointer  data)
{
  const presso_proto_identity *id;
  guint n0;

  if (f->device == NULL)
    return;

  id = presso_device_get_identity (f->device);
  g_assert_nonnull (id);
  g_assert_cmpuint (id->proto_version, ==, PRESSO_PROTO_VERSION);
  g_assert_cmpstr (presso_device_get_model (f->device), !=, "");
  g_assert_cmpstr (presso_device_get_model (f->device), ==, id->model);
  g_assert_cmpuint (presso_device_get_n_chambers (f->device), >=, 4);
  g_assert_cmpuint (presso_device_get_n_chambers (f->device), <=, PRESSO_PROTO_MAX_CHAMBERS);
  g_assert_cmpfloat (presso_device_get_ceiling_mmhg (f->device), >, 0);
  g_assert_cmpfloat (presso_device_get_ceiling_mmhg (f->device), <=, 300);
  g_assert_cmpuint (presso_device_get_telemetry_hz (f->device), >=, 50);
  g_assert_cmpstr (presso_device_get_port_path (f->device), ==, f->link);

  /* Telemetry flows at the protocol's minimum rate or better, even on a loaded machine. */
  presso_test_iterate_for (100);
  n0 = f->n_telemetry;
  presso_test_iterate_for (1000);
  g_test_message ("%u telemetry frames in 1 s", f->n_telemetry - n0);
  g_assert_cmpuint (f->n_telemetry - n0, >=, 50);
  g_assert_cmpuint (f->last.n_chambers, ==, presso_device_get_n_chambers (f->device));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  g_assert_cmpuint (f->alarms->len, ==, 0);
}

static void
test_run_program (Fixture       *f,
                  gconstpointer  data)
{
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;

  /* START with no program is refused with a clear error, and changes nothing. */
  presso_device_start_async (f->device, NULL, presso_test_keep_result, &res);
  wait_result (&res);
  g_assert_false (presso_device_start_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_object (&res);
  g_clear_error (&error);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);

  RUN_COMMAND (f, set_limits, 120.0);
  load_and_start (f);
  g_assert_nonnull (presso_device_get_program (f->device));

  /* Chamber 0 rises towards its 40 mmHg target without overshooting the alarm band. */
  g_assert_true (wait_pressure (f, 0, 32.0, 6000));
  presso_test_iterate_for (1500);
  g_assert_cmpfloat (f->max_mmhg[0], <, 40.0 + 15.0);
  g_assert_cmpfloat (f->last.pressure_mmhg[0], >, 30.0);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);

  RUN_COMMAND (f, pause);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_PAUSED);
  presso_test_iterate_for (300);
  g_assert_cmpint (f->last.device_state, ==, PRESSO_PROTO_STATE_PAUSED);
  g_assert_cmpfloat (f->last.pressure_mmhg[0], >, 25.0);   /* held */
  RUN_COMMAND (f, resume);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);

  /* Controlled stop: deflation, then ready, every chamber vented. */
  RUN_COMMAND (f, stop);
  g_assert_true (saw_state (f, PRESSO_DEVICE_STATE_STOPPING));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 7000));
  g_assert_true (wait_vented (f, 2000));
  g_assert_cmpuint (f->alarms->len, ==, 0);
}

static void
test_emergency_vent (Fixture       *f,
                     gconstpointer  data)
{
  gint64 t0;

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));

  t0 = g_get_monotonic_time ();
  g_assert_true (presso_device_emergency_vent (f->device));
  /* Synchronous: the frame left before the call returned. */
  g_assert_cmpint (_presso_device_get_vent_written_time (f->device), >=, t0);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_STOPPING);

  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 3000));
  g_assert_false (presso_device_get_vent_pending (f->device));

  /* A latched alarm blocks START until acknowledged, then the device is ready again. */
  RUN_COMMAND (f, ack_alarm, 0);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 1000));
}

static void
test_vent_in_every_state (Fixture       *f,
                          gconstpointer  data)
{
  presso_proto_program program;

  if (f->device == NULL)
    return;

  /* READY with no program */
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  RUN_COMMAND (f, ack_alarm, 0);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 1000));

  /* PAUSED */
  load_and_start (f);
  RUN_COMMAND (f, pause);
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  /* Vent again while in FAULT: still accepted. */
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_vented (f, 3000));
  /* Acknowledged even if the device is still venting: it waits for FAULT. */
  RUN_COMMAND (f, ack_alarm, 0);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 1000));

  /* A command queued behind a vent never reaches the device. */
  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  {
    GAsyncResult *res = NULL;
    g_autoptr(GError) error = NULL;

    presso_device_start_async (f->device, NULL, presso_test_keep_result, &res);
    presso_device_emergency_vent (f->device);
    wait_result (&res);
    g_assert_false (presso_device_start_finish (f->device, res, &error));
    g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_FAULT);
    g_object_unref (res);
  }
  presso_test_iterate_for (500);
  g_assert_cmpint (f->last.device_state, !=, PRESSO_PROTO_STATE_RUNNING);
  g_assert_true (wait_vented (f, 3000));
}

static void
test_disconnect_vents (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PressoDevice) other = NULL;
  GAsyncResult *res = NULL;
  const PressoTelemetry *t;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;

  /* Closing the device mid-program vents it at once, not a second later by the watchdog. */
  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 10.0, 6000));
  presso_device_disconnect (f->device);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_DISCONNECTED);
  g_assert_false (has_alarm (f, PRESSO_DEVICE_ALARM_LINK_LOST));

  other = presso_device_new (f->link);
  presso_device_connect_async (other, NULL, presso_test_keep_result, &res);
  wait_result (&res);
  g_assert_true (presso_device_connect_finish (other, res, &error));
  g_object_unref (res);
  presso_test_iterate_for (100);
  t = presso_device_get_last_telemetry (other);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->alarm_flags & (1u << (PRESSO_PROTO_EVENT_EMERGENCY_VENT - 1)), !=, 0);
  g_assert_cmpuint (t->alarm_flags & (1u << (PRESSO_PROTO_EVENT_WATCHDOG_VENT - 1)), ==, 0);
}

static void
test_glitch_vents_orphan (Fixture       *f,
                          gconstpointer  data)
{
  if (f->device == NULL)
    return;

  /* A cable glitch shorter than the device's watchdog: the link comes back with the device
   * still running a program whose session the host already ended.  It must not go on. */
  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 10.0, 6000));
  _presso_device_drop_link (f->device);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_DISCONNECTED);
  g_assert_true (has_alarm (f, PRESSO_DEVICE_ALARM_LINK_LOST));

  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_assert_false (has_alarm (f, PRESSO_PROTO_EVENT_WATCHDOG_VENT));
  g_assert_true (wait_vented (f, 3000));
}

static void
test_watchdog (Fixture       *f,
               gconstpointer  data)
{
  gint64 t0;

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 20.0, 6000));

  /* The host goes silent: the device vents on its own within its 1 s watchdog. */
  _presso_device_set_heartbeat_suspended (f->device, TRUE);
  t0 = g_get_monotonic_time ();
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_WATCHDOG_VENT, 2500));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  _presso_device_set_heartbeat_suspended (f->device, FALSE);
}

static void
test_fault_corrupt_low (Fixture       *f,
                        gconstpointer  data)
{
  if (f->device == NULL)
    return;

  /* A few damaged frames: retries absorb them, the session goes on. */
  load_and_start (f);
  RUN_COMMAND (f, pause);
  RUN_COMMAND (f, resume);
  presso_test_iterate_for (2000);
  g_assert_cmpuint (presso_device_get_bad_frames (f->device), >, 0);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
  g_assert_false (has_alarm (f, PRESSO_DEVICE_ALARM_BAD_FRAMES));
}

static void
test_fault_corrupt_high (Fixture       *f,
                         gconstpointer  data)
{
  GAsyncResult *res = NULL;
  presso_proto_program program;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;

  /* A failing link during a session: the host vents and raises an alarm.  Commands may
   * themselves fail to get through; either way the device must end vented and in FAULT. */
  test_program (f, &program);
  presso_device_load_program_async (f->device, &program, NULL, presso_test_keep_result, &res);
  wait_result (&res);
  if (presso_device_load_program_finish (f->device, res, &error))
    {
      g_clear_object (&res);
      presso_device_start_async (f->device, NULL, presso_test_keep_result, &res);
      wait_result (&res);
      presso_device_start_finish (f->device, res, NULL);
    }
  g_clear_object (&res);

  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 5000));
  g_assert_true (has_alarm (f, PRESSO_DEVICE_ALARM_BAD_FRAMES) ||
                 has_alarm (f, PRESSO_DEVICE_ALARM_NO_REPLY) ||
                 has_alarm (f, PRESSO_DEVICE_ALARM_TELEMETRY_SILENT));
  g_assert_cmpuint (presso_device_get_bad_frames (f->device), >, 10);
  presso_test_iterate_for (1500);
  g_assert_cmpint (f->last.device_state, !=, PRESSO_PROTO_STATE_RUNNING);
}

static void
test_fault_drop (Fixture       *f,
                 gconstpointer  data)
{
  if (f->device == NULL)
    return;

  /* Lost frames in both directions: the same seq is resent, nothing runs twice. */
  load_and_start (f);
  RUN_COMMAND (f, pause);
  RUN_COMMAND (f, resume);
  RUN_COMMAND (f, set_limits, 100.0);
  presso_test_iterate_for (1500);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
  RUN_COMMAND (f, stop);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 7000));
  g_assert_cmpuint (f->alarms->len, ==, 0);
}

static void
test_fault_stall (Fixture       *f,
                  gconstpointer  data)
{
  if (f->device == NULL)
    return;

  /* The device goes quiet mid-program: within 500 ms the host latches FAULT, vents and
   * alarms; when the device speaks again it is vented. */
  load_and_start (f);
  g_assert_true (wait_alarm (f, PRESSO_DEVICE_ALARM_TELEMETRY_SILENT, 4000));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);
  g_assert_true (wait_vented (f, 6000));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);
}

static void
test_fault_disconnect (Fixture       *f,
                       gconstpointer  data)
{
  if (f->device == NULL)
    return;

  /* The link drops during a program: DISCONNECTED at once, with an alarm. */
  load_and_start (f);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_DISCONNECTED, 5000));
  g_assert_true (has_alarm (f, PRESSO_DEVICE_ALARM_LINK_LOST));
  g_assert_nonnull (presso_device_get_status_message (f->device));
  g_assert_null (presso_device_get_identity (f->device));
}

typedef struct { Fixture *f; guint chamber; } SafeWait;

/* Compressor off, every inlet shut, every chamber but one (a blocked vent or a frozen
 * sensor) below 3 mmHg. */
static gboolean
safe_but_one_cond (gpointer data)
{
  SafeWait *w = data;
  const PressoTelemetry *t = &w->f->last;

  if (w->f->n_telemetry == 0 || t->inlet_valves != 0 || t->compressor_pct != 0)
    return FALSE;
  for (guint i = 0; i < t->n_chambers; i++)
    if (i != w->chamber && !(t->pressure_mmhg[i] < 3.0))
      return FALSE;
  return TRUE;
}

static void
test_fault_alarm (Fixture       *f,
                  guint          code,
                  guint          timeout_ms,
                  guint          blocked_chamber)
{
  SafeWait w = { f, blocked_chamber };

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_alarm (f, code, timeout_ms));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 7000));
  if (blocked_chamber == G_MAXUINT)
    g_assert_true (wait_vented (f, 7000));
  else
    g_assert_true (presso_test_iterate_until (safe_but_one_cond, &w, 7000));
  g_assert_cmpuint (f->last.alarm_flags & (1u << (code - 1)), !=, 0);
  /* Nothing restarts it behind the user's back. */
  presso_test_iterate_for (500);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);
}

static void
test_fault_leak (Fixture       *f,
                 gconstpointer  data)
{
  test_fault_alarm (f, PRESSO_PROTO_EVENT_LEAK, 20000, G_MAXUINT);
}

static void
test_fault_stuck_sensor (Fixture       *f,
                         gconstpointer  data)
{
  /* Its reading stays frozen whatever the valves do: judge the others. */
  test_fault_alarm (f, PRESSO_PROTO_EVENT_SENSOR_FAULT, 10000, 0);
}

static void
test_fault_overshoot (Fixture       *f,
                      gconstpointer  data)
{
  /* Its inlet sticks open and its vent stays shut: that chamber cannot vent, the rest must. */
  test_fault_alarm (f, PRESSO_PROTO_EVENT_OVER_PRESSURE, 10000, 0);
}

static void
test_fault_reset (Fixture       *f,
                  gconstpointer  data)
{
  if (f->device == NULL)
    return;

  /* The device restarts mid-program: the session is over, FAULT with an alarm, and the
   * host greets the device again (telemetry flows, identity known). */
  load_and_start (f);
  g_assert_true (wait_alarm (f, PRESSO_DEVICE_ALARM_UNEXPECTED_RESET, 6000));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);
  g_assert_true (wait_vented (f, 3000));
  g_assert_nonnull (presso_device_get_identity (f->device));
  g_assert_null (presso_device_get_program (f->device));
  RUN_COMMAND (f, ack_alarm, 0);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 1000));
}

static void
test_reconnect (Fixture       *f,
                gconstpointer  data)
{
  gint64 t0;

  if (f->device == NULL)
    return;

  /* Unplug: the simulator goes away during a program. */
  load_and_start (f);
  kill_sim (f);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_DISCONNECTED, 1000));
  g_assert_true (has_alarm (f, PRESSO_DEVICE_ALARM_LINK_LOST));
  g_unlink (f->link);

  /* Plug back: reopened and greeted within 2 s of the port coming back. */
  presso_test_iterate_for (300);
  spawn_sim (f, NULL);
  t0 = g_get_monotonic_time ();
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 2000));
  g_test_message ("reconnected in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - t0) / 1000);
  g_assert_nonnull (presso_device_get_identity (f->device));
  load_and_start (f);
}

/* ------------------------------------------------------------------ fake devices on a pty */

typedef struct
{
  PressoLink *link;
  guint8      version;        /* IDENTITY version to answer with, 0: NAK VERSION */
  guint       hellos;
} FakeDevice;

static void
on_fake_message_cb (PressoLink *link,
                    gpointer    data,
                    gpointer    user_data)
{
  FakeDevice *fake = user_data;
  const presso_proto_msg *in = data;
  presso_proto_msg out = { 0 };

  if (in->type != PRESSO_PROTO_MSG_HELLO)
    return;
  fake->hellos++;
  if (fake->version == 0)
    {
      out.type = PRESSO_PROTO_MSG_NAK;
      out.u.nak.seq = in->seq;
      out.u.nak.code = PRESSO_PROTO_NAK_VERSION;
    }
  else
    {
      out.type = PRESSO_PROTO_MSG_IDENTITY;
      out.u.identity.proto_version = fake->version;
      g_strlcpy (out.u.identity.model, "Future Presso", sizeof out.u.identity.model);
      g_strlcpy (out.u.identity.serial, "F-1", sizeof out.u.identity.serial);
      g_strlcpy (out.u.identity.firmware, "9.0", sizeof out.u.identity.firmware);
      out.u.identity.n_chambers = 8;
      out.u.identity.ceiling_dmmhg = 1500;
      out.u.identity.telemetry_hz = 100;
    }
  presso_link_send (link, &out);
}

/* A pty whose master end is served by a fake device (or by nobody, version 255). */
static int
open_fake_pty (FakeDevice  *fake,
               char       **out_name)
{
  int master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  *out_name = g_strdup (ptsname (master));
  fcntl (master, F_SETFL, fcntl (master, F_GETFL) | O_NONBLOCK);
  {
    struct termios tio;
    tcgetattr (master, &tio);
    cfmakeraw (&tio);
    tcsetattr (master, TCSANOW, &tio);
  }

  if (fake != NULL)
    {
      fake->link = presso_link_new (master);
      g_signal_connect (fake->link, "message", G_CALLBACK (on_fake_message_cb), fake);
      return -1;
    }
  return master;
}

static void
connect_expect_error (PressoDevice *device,
                      int           code,
                      guint         max_ms)
{
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  presso_device_connect_async (device, NULL, presso_test_keep_result, &res);
  wait_result (&res);
  g_assert_false (presso_device_connect_finish (device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, code);
  g_test_message ("%s (after %" G_GINT64_FORMAT " ms)", error->message,
                  (g_get_monotonic_time () - t0) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <=, max_ms * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (presso_device_get_state (device), ==, PRESSO_DEVICE_STATE_DISCONNECTED);
  g_assert_cmpstr (presso_device_get_status_message (device), ==, error->message);
  g_object_unref (res);
}

static void
test_protocol_mismatch (void)
{
  FakeDevice fake = { .version = PRESSO_PROTO_VERSION + 1 };
  g_autofree char *name = NULL;
  g_autoptr(PressoDevice) device = NULL;

  open_fake_pty (&fake, &name);
  device = presso_device_new (name);
  presso_device_set_auto_reconnect (device, FALSE);
  connect_expect_error (device, PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH, 1000);
  g_assert_nonnull (strstr (presso_device_get_status_message (device), "version"));
  g_assert_null (presso_device_get_identity (device));
  g_assert_cmpuint (fake.hellos, >=, 1);
  g_clear_object (&fake.link);

  /* A device that speaks no version this host speaks answers NAK VERSION. */
  fake = (FakeDevice) { .version = 0 };
  g_clear_pointer (&name, g_free);
  open_fake_pty (&fake, &name);
  g_clear_object (&device);
  device = presso_device_new (name);
  connect_expect_error (device, PRESSO_DEVICE_ERROR_PROTOCOL_MISMATCH, 1000);
  g_clear_object (&fake.link);
}

static void
test_silent_device (void)
{
  g_autofree char *name = NULL;
  g_autoptr(PressoDevice) device = NULL;
  int master = open_fake_pty (NULL, &name);

  /* Nobody answers: SILENT after the 1 s handshake timeout, not before and not much later. */
  device = presso_device_new (name);
  presso_device_set_auto_reconnect (device, FALSE);
  connect_expect_error (device, PRESSO_DEVICE_ERROR_SILENT, 1400);
  close (master);
}

static void
test_no_port (void)
{
  g_autoptr(PressoDevice) device = presso_device_new ("/nonexistent/presso-0");

  connect_expect_error (device, PRESSO_DEVICE_ERROR_NO_PORT, 500);
  g_assert_nonnull (strstr (presso_device_get_status_message (device), "/nonexistent/presso-0"));
}

static void
test_commands_need_link (void)
{
  g_autoptr(PressoDevice) device = presso_device_new ("/nonexistent/presso-0");
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;

  presso_device_start_async (device, NULL, presso_test_keep_result, &res);
  wait_result (&res);
  g_assert_false (presso_device_start_finish (device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_DISCONNECTED);
  g_object_unref (res);
  /* A vent with no link reports that it could not be sent (the device's watchdog vents). */
  g_assert_false (presso_device_emergency_vent (device));
}

/* ------------------------------------------------------------------ real ports */

static void
test_real_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) ports = presso_serial_port_list (&error);
  const char *name = NULL;
  struct termios tio;
  gboolean is_virtual = TRUE;
  int fd;

  g_assert_no_error (error);
  g_assert_nonnull (ports);
  g_assert_true (g_list_model_get_item_type (ports) == PRESSO_TYPE_SERIAL_PORT_INFO);

  /* The first listed port that this user may open goes through libserialport. */
  for (guint i = 0; i < g_list_model_get_n_items (ports) && name == NULL; i++)
    {
      g_autoptr(PressoSerialPortInfo) info = g_list_model_get_item (ports, i);

      g_assert_nonnull (presso_serial_port_info_get_name (info));
      if (g_access (presso_serial_port_info_get_name (info), R_OK | W_OK) == 0)
        name = g_intern_string (presso_serial_port_info_get_name (info));
    }
  if (name == NULL)
    {
      g_test_skip ("no serial port this user may open");
      return;
    }

  g_assert_false (presso_serial_port_is_virtual (name));
  fd = presso_serial_port_open (name, &is_virtual, &error);
  if (fd < 0 && g_error_matches (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_OPEN))
    {
      /* A UART with nothing behind it may refuse to open (EIO): not this test's subject. */
      g_test_skip (error->message);
      return;
    }
  g_assert_no_error (error);
  g_assert_false (is_virtual);

  /* Raw 115200 8N1, no flow control, non-blocking, one byte makes a read. */
  g_assert_cmpint (tcgetattr (fd, &tio), ==, 0);
  g_assert_cmpint (cfgetospeed (&tio), ==, B115200);
  g_assert_cmpint (cfgetispeed (&tio), ==, B115200);
  g_assert_cmpuint (tio.c_cflag & CSIZE, ==, CS8);
  g_assert_cmpuint (tio.c_cflag & (PARENB | CSTOPB | CRTSCTS), ==, 0);
  g_assert_cmpuint (tio.c_iflag & (IXON | IXOFF), ==, 0);
  g_assert_cmpuint (tio.c_lflag & (ICANON | ECHO), ==, 0);
  g_assert_cmpuint (tio.c_cc[VMIN], ==, 1);
  g_assert_cmpuint (fcntl (fd, F_GETFL) & O_NONBLOCK, !=, 0);
  close (fd);
}

/* ------------------------------------------------------------------ the link's urgent path */

typedef struct
{
  presso_proto_decoder dec;
  gboolean inited;
  guint    n_frames;
  guint8   first_type;
  gboolean saw_vent;
  guint    frames_before_vent;
} Reader;

static void
drain_reader (int     fd,
              Reader *r)
{
  guint8 buf[4096];
  gssize n;

  if (!r->inited)
    presso_proto_decoder_init (&r->dec);
  r->inited = TRUE;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      gsize off = 0;

      while (off < (gsize) n)
        {
          presso_proto_msg msg;
          presso_proto_status st = PRESSO_PROTO_NEED_MORE;

          off += presso_proto_decoder_feed (&r->dec, buf + off, n - off, &msg, &st);
          if (st != PRESSO_PROTO_OK)
            continue;
          if (r->n_frames++ == 0)
            r->first_type = msg.type;
          if (msg.type == PRESSO_PROTO_MSG_VENT && !r->saw_vent)
            {
              r->saw_vent = TRUE;
              r->frames_before_vent = r->n_frames - 1;
            }
        }
    }
}

static void
test_link_urgent_first (void)
{
  g_autofree char *name = NULL;
  int master = open_fake_pty (NULL, &name);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoLink) link = NULL;
  presso_proto_program program = { .mode = PRESSO_PROTO_MODE_SEQUENTIAL, .n_chambers = 32,
                                   .chamber_mask = G_MAXUINT32, .inflate_ds = 10,
                                   .duration_s = 60 };
  presso_proto_msg load = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM };
  presso_proto_msg vent = { .type = PRESSO_PROTO_MSG_VENT, .seq = 200 };
  gint64 written = 0, t0;
  guint8 frame[PRESSO_PROTO_MAX_FRAME];
  gsize frame_len, queued, in_kernel;
  Reader r = { 0 };
  int fd;

  for (guint i = 0; i < 32; i++)
    program.target_dmmhg[i] = 400;
  load.u.program = program;

  fd = presso_serial_port_open (name, NULL, &error);
  g_assert_no_error (error);
  link = presso_link_new (fd);

  /* Nobody reads the other end: the kernel buffer fills and the rest waits in the queue. */
  frame_len = presso_proto_encode (&load, frame, sizeof frame);
  for (guint i = 0; i < 2000; i++)
    {
      load.seq = i;
      g_assert_true (presso_link_send (link, &load));
    }
  queued = presso_link_get_queued_bytes (link);
  g_assert_cmpuint (queued, >, 0);
  in_kernel = 2000 * frame_len - queued;

  /* Written whole before the call returns, without waiting for the queue in front of it (the
   * 5 ms goal is measured by bench-device; on a loaded machine a test allows more). */
  t0 = g_get_monotonic_time ();
  g_assert_true (presso_link_send_urgent (link, &vent, &written));
  g_assert_cmpint (written - t0, <, 50 * G_TIME_SPAN_MILLISECOND);

  /* The vent overtakes everything still queued: at most what the kernel already held (a
   * pty's buffer, which tcflush cannot reach from this side) arrives before it. */
  drain_reader (master, &r);
  g_test_message ("%" G_GSIZE_FORMAT " bytes in the kernel, %" G_GSIZE_FORMAT " queued, "
                  "%u frames before the vent", in_kernel, queued, r.frames_before_vent);
  g_assert_true (r.saw_vent);
  g_assert_cmpuint (r.frames_before_vent * frame_len, <=, in_kernel);
  g_assert_cmpuint (r.frames_before_vent, <, 2000 - queued / frame_len);

  /* The queue then drains behind it. */
  presso_test_iterate_for (100);
  drain_reader (master, &r);
  g_assert_cmpuint (r.n_frames, >, r.frames_before_vent + 1);
  close (master);
}

static void
count_closed_cb (guint  *closed,
                 GError *error)
{
  (*closed)++;
}

/* The other end hangs up (a cable pulled): the link closes, and says so once. */
static void
test_link_closed_on_hangup (void)
{
  g_autofree char *name = NULL;
  int master = open_fake_pty (NULL, &name);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoLink) link = NULL;
  guint closed = 0;
  int fd;

  fd = presso_serial_port_open (name, NULL, &error);
  g_assert_no_error (error);
  link = presso_link_new (fd);
  g_signal_connect_swapped (link, "closed", G_CALLBACK (count_closed_cb), &closed);
  close (master);
  presso_test_iterate_for (200);
  g_assert_false (presso_link_is_open (link));
  g_assert_cmpuint (closed, ==, 1);
}

/* ------------------------------------------------------------------ in-process simulator */

static void
test_simulated (void)
{
  Fixture fx = { 0 }, *f = &fx;
  gint64 t0;

  presso_sim_config config;
  char *model = g_strdup ("Demo Presso");

  fixture_setup (f, NULL);
  presso_sim_config_init (&config);
  config.n_chambers = 8;
  config.model = model;
  f->device = presso_device_new_simulated (&config);
  g_free (model);               /* the device keeps its own copy */
  g_assert_true (presso_device_get_simulated (f->device));
  watch_device (f);
  connect_device (f);
  g_assert_cmpstr (presso_device_get_model (f->device), ==, "Demo Presso");
  g_assert_cmpuint (presso_device_get_n_chambers (f->device), ==, 8);

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));

  t0 = g_get_monotonic_time ();
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_cmpint (_presso_device_get_vent_written_time (f->device) - t0, <, 50 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));

  /* Disconnect stops the simulator thread; a new connection starts a fresh one. */
  presso_device_disconnect (f->device);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_DISCONNECTED);
  connect_device (f);
  fixture_teardown (f, NULL);
}

/* ------------------------------------------------------------------ NAKs and lost commands
 *
 * presso-sim's command faults (--nak-always, --nak-next, --drop-next): the device refuses a
 * command or never hears it, over the real pty.  A refusal reaches the caller with the
 * device's reason and changes nothing; a lost command is sent again with the same seq, and
 * four lost transmissions make an unreachable device: vent, FAULT, an alarm. */

#define START_NAK_REASON "The device refused a value outside its range"

static GAsyncResult *
command_result (Fixture *f,
                guint    type)
{
  GAsyncResult *res = NULL;

  switch (type)
    {
    case PRESSO_PROTO_MSG_START:
      presso_device_start_async (f->device, NULL, presso_test_keep_result, &res);
      break;
    case PRESSO_PROTO_MSG_PAUSE:
      presso_device_pause_async (f->device, NULL, presso_test_keep_result, &res);
      break;
    case PRESSO_PROTO_MSG_STOP:
      presso_device_stop_async (f->device, NULL, presso_test_keep_result, &res);
      break;
    default:
      g_assert_not_reached ();
    }
  return wait_result (&res);
}

/* Fresh telemetry of a device with nothing inflating: inlets shut, compressor off. */
static gboolean
nothing_inflating_cond (gpointer data)
{
  Fixture *f = data;

  return f->n_telemetry > 0 &&
         g_get_monotonic_time () - f->last_telemetry_us < 200 * G_TIME_SPAN_MILLISECOND &&
         f->last.inlet_valves == 0 && f->last.compressor_pct == 0;
}

static void
test_nak_start_refused (Fixture       *f,
                        gconstpointer  data)
{
  presso_proto_program program;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0;

  if (f->device == NULL)
    return;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  t0 = g_get_monotonic_time ();
  res = command_result (f, PRESSO_PROTO_MSG_START);
  g_test_message ("START refused after %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_false (presso_device_start_finish (f->device, res, &error));
  /* The caller gets the device's reason, not a timeout or a generic failure. */
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, START_NAK_REASON);

  /* Refused means nothing changed: ready, program loaded, nothing inflating, no alarm. */
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  g_assert_nonnull (presso_device_get_program (f->device));
  presso_test_iterate_for (500);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  g_assert_cmpuint (f->last.device_state, ==, PRESSO_PROTO_STATE_READY);
  g_assert_true (nothing_inflating_cond (f));
  g_assert_true (wait_vented (f, 200));
  g_assert_false (saw_state (f, PRESSO_DEVICE_STATE_RUNNING));
  g_assert_cmpuint (f->alarms->len, ==, 0);

  /* Every START is refused the same way; the device still vents on demand. */
  g_clear_error (&error);
  g_clear_object (&res);
  res = command_result (f, PRESSO_PROTO_MSG_START);
  g_assert_false (presso_device_start_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  g_assert_true (wait_vented (f, 2000));
}

static void
test_nak_then_accepted (Fixture       *f,
                        gconstpointer  data)
{
  presso_proto_program program;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  res = command_result (f, PRESSO_PROTO_MSG_START);
  g_assert_false (presso_device_start_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "The device cannot do this in its current state");
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);

  /* The caller tries again (a new command, a new seq): accepted, the program runs. */
  RUN_COMMAND (f, start);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
  g_assert_true (wait_pressure (f, 0, 20.0, 6000));
  g_assert_cmpuint (f->alarms->len, ==, 0);
  RUN_COMMAND (f, stop);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_READY, 7000));
  g_assert_true (wait_vented (f, 2000));
}

static void
test_drop_then_accepted (Fixture       *f,
                         gconstpointer  data)
{
  presso_proto_program program;
  gint64 t0;

  if (f->device == NULL)
    return;

  /* Two transmissions of the program are lost: the device layer sends the same command
   * (same seq) again after 200 ms each time, and the third is acknowledged. */
  test_program (f, &program);
  t0 = g_get_monotonic_time ();
  RUN_COMMAND (f, load_program, &program);
  g_test_message ("program acknowledged after %d ms", (int) ((g_get_monotonic_time () - t0) / 1000));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 2 * PRESSO_DEVICE_COMMAND_TIMEOUT_MS * 1000);
  g_assert_nonnull (presso_device_get_program (f->device));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  RUN_COMMAND (f, start);
  g_assert_true (wait_pressure (f, 0, 20.0, 6000));
  g_assert_cmpuint (f->alarms->len, ==, 0);
}

static void
test_drop_start_times_out (Fixture       *f,
                           gconstpointer  data)
{
  presso_proto_program program;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0;

  if (f->device == NULL)
    return;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  t0 = g_get_monotonic_time ();
  res = command_result (f, PRESSO_PROTO_MSG_START);
  g_assert_false (presso_device_start_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "The device did not acknowledge the command");
  g_test_message ("START timed out after %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  /* Four transmissions, 200 ms each. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=,
                   (PRESSO_DEVICE_COMMAND_RETRIES + 1) * PRESSO_DEVICE_COMMAND_TIMEOUT_MS * 1000 - 20000);

  /* An unreachable device: vented, FAULT, and an alarm the user sees. */
  g_assert_true (wait_alarm (f, PRESSO_DEVICE_ALARM_NO_REPLY, 500));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_assert_true (wait_vented (f, 2000));
  g_assert_false (saw_state (f, PRESSO_DEVICE_STATE_RUNNING));
}

static void
test_drop_while_running (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  const PressoDeviceEvent *alarm = NULL;

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));
  res = command_result (f, PRESSO_PROTO_MSG_PAUSE);
  g_assert_false (presso_device_pause_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_TIMEOUT);

  /* Mid-program: a high-priority alarm, and the chambers vented. */
  g_assert_true (wait_alarm (f, PRESSO_DEVICE_ALARM_NO_REPLY, 500));
  for (guint i = 0; i < f->alarms->len; i++)
    if (((PressoDeviceEvent *) g_ptr_array_index (f->alarms, i))->code == PRESSO_DEVICE_ALARM_NO_REPLY)
      alarm = g_ptr_array_index (f->alarms, i);
  g_assert_cmpuint (alarm->priority, ==, PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_true (alarm->from_host);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);
  g_assert_true (wait_vented (f, 3000));
  g_assert_cmpuint (f->last.device_state, ==, PRESSO_PROTO_STATE_FAULT);
}

/* Everything but what starts a program is NAKed, VENT included: the device refuses to be
 * stopped, but the emergency vent still leaves at once, and the device vents. */
static void
test_nak_storm_vent (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0;

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));
  /* NAKed heartbeats still count as a live host: no watchdog vent. */
  presso_test_iterate_for (1500);
  g_assert_cmpuint (f->last.device_state, ==, PRESSO_PROTO_STATE_RUNNING);
  g_assert_cmpuint (f->alarms->len, ==, 0);

  res = command_result (f, PRESSO_PROTO_MSG_STOP);
  g_assert_false (presso_device_stop_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  presso_test_iterate_for (200);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
  g_assert_cmpfloat (f->last.pressure_mmhg[0], >, 20.0);

  t0 = g_get_monotonic_time ();
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_cmpint (_presso_device_get_vent_written_time (f->device) - t0, <, 50 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_test_message ("NAKed vent: written after %.2f ms, the device's EMERGENCY_VENT after %.1f ms",
                  (_presso_device_get_vent_written_time (f->device) - t0) / 1000.0,
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_true (wait_vented (f, 3000));
  g_test_message ("every chamber below 3 mmHg after %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 3000));
  /* Confirmed by what the device does, whatever its reply said. */
  g_assert_false (presso_device_get_vent_pending (f->device));
  g_assert_false (has_alarm (f, PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED));
}

/* ---- the same faults under a treatment session (PressoSession) */

typedef struct
{
  char                 *path;
  PressoStore          *store;
  PressoStaff          *staff;
  PressoClient         *client;
  PressoScreeningRules *rules;
} Clinic;

static void
clinic_open (Fixture *f,
             Clinic  *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rules = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"), "screening",
                                             "rules.desktop", NULL);

  c->path = g_build_filename (f->dir, "clinic.db", NULL);
  c->store = presso_test_store_open (c->path);
  c->staff = presso_staff_new ("Dr Léa Martin", PRESSO_ROLE_PRACTITIONER);
  g_assert_true (presso_store_insert_staff (c->store, c->staff, &error));
  presso_store_set_actor (c->store, c->staff);
  c->client = presso_client_new ();
  presso_client_set_first_name (c->client, "Anne");
  presso_client_set_last_name (c->client, "Durand");
  g_assert_true (presso_store_insert_client (c->store, c->client, &error));
  g_assert_no_error (error);
  c->rules = presso_screening_rules_new_from_file (rules, &error);
  g_assert_no_error (error);
}

static void
clinic_close (Clinic *c)
{
  g_clear_object (&c->rules);
  g_clear_object (&c->client);
  g_clear_object (&c->staff);
  g_clear_object (&c->store);
  presso_test_remove_database (c->path);
  g_clear_pointer (&c->path, g_free);
}

/* A session on the left boot (4 chambers at 40 mmHg), cleared by a screening of "no"s. */
static PressoSession *
clinic_session (Clinic *c,
                Fixture *f)
{
  g_autoptr(PressoProgram) program = presso_test_short_program ();
  g_autoptr(PressoScreening) screening = presso_screening_new (presso_client_get_id (c->client));
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  PressoSession *session;

  /* The short program with a 20 s hold, a 1 s rest and 2 minutes in all. */
  presso_program_set_name (program, "Fault test");
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_HOLD, 20);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_REST, 1);
  presso_program_set_duration_min (program, 2);

  presso_test_answer_all_no (screening, c->rules);
  /* Checked as given, never stored: any id makes it a screening on record. */
  presso_screening_set_id (screening, 1);
  presso_screening_set_screened_at (screening, now);
  presso_screening_set_screened_by (screening, presso_staff_get_id (c->staff));

  session = presso_session_new (c->store, f->device, c->client, c->staff, program);
  permit = presso_session_check_screening (session, c->rules, screening, 180, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (presso_session_start (session, permit, &error));
  g_assert_no_error (error);
  return session;
}

static gboolean
session_finished_cond (gpointer data)
{
  return presso_session_get_state (data) == PRESSO_SESSION_STATE_FINISHED;
}

static gboolean
session_running_cond (gpointer data)
{
  return presso_session_get_state (data) == PRESSO_SESSION_STATE_RUNNING;
}

/* The session's alarm list holds one whose text contains @text. */
static gboolean
session_has_alarm (PressoSession *session,
                   const char    *text)
{
  GListModel *alarms = presso_session_get_alarms (session);

  for (guint i = 0; i < g_list_model_get_n_items (alarms); i++)
    {
      g_autoptr(PressoSessionAlarm) alarm = g_list_model_get_item (alarms, i);

      g_test_message ("session alarm: %s", presso_session_alarm_get_text (alarm));
      if (strstr (presso_session_alarm_get_text (alarm), text) != NULL &&
          presso_session_alarm_get_priority (alarm) == PRESSO_PROTO_PRIORITY_HIGH)
        return TRUE;
    }
  return FALSE;
}

static void
assert_record_outcome (Clinic               *c,
                       PressoSession        *session,
                       PressoSessionOutcome  outcome)
{
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  /* The record is written on the recorder's thread: wait for it. */
  g_assert_true (presso_session_sync_record (session, &error));
  g_assert_no_error (error);
  record = presso_store_get_session (c->store, presso_session_get_session_id (session), &error);
  g_assert_no_error (error);
  g_assert_cmpint (presso_session_record_get_outcome (record), ==, outcome);
}

static void
test_session_nak_start (Fixture       *f,
                        gconstpointer  data)
{
  Clinic c = { 0 };
  g_autoptr(PressoSession) session = NULL;

  if (f->device == NULL)
    return;
  clinic_open (f, &c);
  session = clinic_session (&c, f);

  /* Refused START: the session ends as interrupted, with the device's reason in an alarm. */
  g_assert_true (presso_test_iterate_until (session_finished_cond, session, 3000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (session_has_alarm (session, START_NAK_REASON));
  g_assert_true (session_has_alarm (session, "The device refused a command"));
  g_assert_nonnull (strstr (presso_session_get_status_message (session), START_NAK_REASON));
  assert_record_outcome (&c, session, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  /* Nothing ever inflated, and the session vented all the same. */
  g_assert_false (saw_state (f, PRESSO_DEVICE_STATE_RUNNING));
  g_assert_true (wait_vented (f, 2000));
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));

  g_clear_object (&session);
  clinic_close (&c);
}

static void
test_session_drop (Fixture       *f,
                   gconstpointer  data)
{
  Clinic c = { 0 };
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;
  clinic_open (f, &c);
  session = clinic_session (&c, f);
  g_assert_true (presso_test_iterate_until (session_running_cond, session, 3000));
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));

  /* The PAUSE is never answered: four transmissions, then the device is unreachable. */
  g_assert_true (presso_session_pause (session, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until (session_finished_cond, session, 3000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (session_has_alarm (session, "did not acknowledge"));
  /* A lost command is not a refusal: the alarm does not blame the device's judgement. */
  g_assert_true (session_has_alarm (session, "did not get through"));
  g_assert_false (session_has_alarm (session, "refused"));
  assert_record_outcome (&c, session, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (has_alarm (f, PRESSO_DEVICE_ALARM_NO_REPLY));
  g_assert_true (wait_vented (f, 3000));
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_FAULT);

  g_clear_object (&session);
  clinic_close (&c);
}

static void
test_session_nak_storm (Fixture       *f,
                        gconstpointer  data)
{
  Clinic c = { 0 };
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoSession) second = NULL;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;
  clinic_open (f, &c);

  /* Stop refused: the session does not leave the client inflated, it vents. */
  session = clinic_session (&c, f);
  g_assert_true (presso_test_iterate_until (session_running_cond, session, 3000));
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));
  g_assert_true (presso_session_stop (session, &error));
  g_assert_no_error (error);
  g_assert_true (presso_test_iterate_until (session_finished_cond, session, 3000));
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (session_has_alarm (session, "The device cannot do this in its current state"));
  assert_record_outcome (&c, session, PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT);
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 3000));
  g_clear_object (&session);
  clinic_close (&c);
}

static void
test_session_nak_storm_vent (Fixture       *f,
                             gconstpointer  data)
{
  Clinic c = { 0 };
  g_autoptr(PressoSession) session = NULL;

  if (f->device == NULL)
    return;
  clinic_open (f, &c);

  /* The practitioner's emergency vent, with the device NAKing every VENT. */
  session = clinic_session (&c, f);
  g_assert_true (presso_test_iterate_until (session_running_cond, session, 3000));
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));
  g_assert_true (presso_session_emergency_vent (session));
  g_assert_cmpint (presso_session_get_state (session), ==, PRESSO_SESSION_STATE_FINISHED);
  g_assert_cmpint (presso_session_get_outcome (session), ==, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
  assert_record_outcome (&c, session, PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED);
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 3000));
  g_assert_false (presso_device_get_vent_pending (f->device));
  g_assert_false (has_alarm (f, PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED));
  g_clear_object (&session);
  clinic_close (&c);
}

/* The emergency vent lost on the way: sent again every 100 ms, the fourth copy vents. */
static void
test_drop_vent_resent (Fixture       *f,
                       gconstpointer  data)
{
  gint64 t0;

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));
  t0 = g_get_monotonic_time ();
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1500));
  g_test_message ("vent confirmed after %d ms", (int) ((g_get_monotonic_time () - t0) / 1000));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 3 * 100 * 1000 - 20000);
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  g_assert_false (presso_device_get_vent_pending (f->device));
  g_assert_false (has_alarm (f, PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED));
}

/* Every copy of the vent lost: the device must still end vented, never left inflated.  The
 * host holds its heartbeat back while the vent is unconfirmed, so the device's own watchdog
 * vents within about a second, and says so (WATCHDOG_VENT, high). */
static void
test_drop_vent_never_arrives (Fixture       *f,
                              gconstpointer  data)
{
  gint64 t0;

  if (f->device == NULL)
    return;

  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 25.0, 6000));
  t0 = g_get_monotonic_time ();
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_WATCHDOG_VENT, 2000));
  g_test_message ("the device's watchdog vented after %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 1500 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  g_assert_true (wait_vented (f, 4000));
  g_test_message ("every chamber below 3 mmHg after %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
}

/* The in-process simulated device takes the same command faults (presso_sim_config). */
static void
test_simulated_nak_vent (void)
{
  Fixture fx = { 0 }, *f = &fx;
  presso_sim_config config;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (f, NULL);
  presso_sim_config_init (&config);
  config.nak_always = PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_STOP) | PRESSO_SIM_COMMAND (PRESSO_PROTO_MSG_VENT);
  config.nak_code = PRESSO_PROTO_NAK_BAD_STATE;
  f->device = presso_device_new_simulated (&config);
  watch_device (f);
  connect_device (f);
  load_and_start (f);
  g_assert_true (wait_pressure (f, 0, 20.0, 6000));

  res = command_result (f, PRESSO_PROTO_MSG_STOP);
  g_assert_false (presso_device_stop_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  g_assert_true (presso_device_emergency_vent (f->device));
  g_assert_true (wait_alarm (f, PRESSO_PROTO_EVENT_EMERGENCY_VENT, 1000));
  g_assert_true (wait_vented (f, 3000));
  g_assert_true (wait_state (f, PRESSO_DEVICE_STATE_FAULT, 2000));
  g_assert_false (has_alarm (f, PRESSO_DEVICE_ALARM_VENT_UNCONFIRMED));
  g_clear_object (&res);
  fixture_teardown (f, NULL);
}

/* START carried out but its ACK lost: the device layer sends it again, same seq. */
static void
test_mute_start_duplicate (Fixture       *f,
                           gconstpointer  data)
{
  presso_proto_program program;
  gint64 t0;

  if (f->device == NULL)
    return;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  /* Nothing in between: the device answers the copy from its duplicate memory. */
  _presso_device_set_heartbeat_suspended (f->device, TRUE);
  t0 = g_get_monotonic_time ();
  RUN_COMMAND (f, start);
  _presso_device_set_heartbeat_suspended (f->device, FALSE);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, PRESSO_DEVICE_COMMAND_TIMEOUT_MS * 1000);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
  g_assert_true (wait_pressure (f, 0, 20.0, 6000));
  g_assert_cmpuint (f->alarms->len, ==, 0);
}

/* START carried out, its ACK lost, and the copy refused as out of state (the device ran it
 * already): the device layer sees the program running and reports success. */
static void
test_mute_then_nak_start (Fixture       *f,
                          gconstpointer  data)
{
  presso_proto_program program;

  if (f->device == NULL)
    return;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  RUN_COMMAND (f, start);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_RUNNING);
  g_assert_true (wait_pressure (f, 0, 20.0, 6000));
  g_assert_cmpuint (f->alarms->len, ==, 0);
}

/* START lost, and the copy refused as out of state: the device never ran it, so the caller
 * gets the refusal, not a success, and nothing inflates. */
static void
test_drop_then_nak_start (Fixture       *f,
                          gconstpointer  data)
{
  presso_proto_program program;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  if (f->device == NULL)
    return;

  test_program (f, &program);
  RUN_COMMAND (f, load_program, &program);
  res = command_result (f, PRESSO_PROTO_MSG_START);
  g_assert_false (presso_device_start_finish (f->device, res, &error));
  g_assert_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_REFUSED);
  g_assert_cmpint (presso_device_get_state (f->device), ==, PRESSO_DEVICE_STATE_READY);
  presso_test_iterate_for (300);
  g_assert_cmpuint (f->last.device_state, ==, PRESSO_PROTO_STATE_READY);
  g_assert_true (nothing_inflating_cond (f));
  g_assert_false (saw_state (f, PRESSO_DEVICE_STATE_RUNNING));
}

/* ------------------------------------------------------------------ main */

static const char *no_faults[] = { NULL };
/* --corrupt alters a share of the bytes: 0.0005 spoils ~3 % of 55-byte frames, 0.01 ~40 %. */
static const char *corrupt_low[] = { "--corrupt", "0.0005", NULL };
static const char *corrupt_high[] = { "--corrupt", "0.01", NULL };
static const char *drop[] = { "--drop", "0.1", NULL };
static const char *stall[] = { "--stall-after", "2", "--stall-for", "2", NULL };
static const char *disconnect[] = { "--disconnect-after", "2", NULL };
static const char *leak[] = { "--leak", "0", NULL };
static const char *stuck[] = { "--stuck-sensor", "0", NULL };
static const char *overshoot[] = { "--overshoot", "0", NULL };
static const char *reset[] = { "--reset-after", "3", NULL };
static const char *nak_start[] = { "--nak-always", "start", "--nak-code", "bad-value", NULL };
static const char *nak_next_start[] = { "--fault-commands", "start", "--nak-next", "1", NULL };
static const char *drop_two_loads[] = { "--fault-commands", "load-program", "--drop-next", "2", NULL };
static const char *drop_starts[] = { "--fault-commands", "start", "--drop-next", "4", NULL };
static const char *drop_pauses[] = { "--fault-commands", "pause", "--drop-next", "4", NULL };
static const char *drop_three_vents[] = { "--fault-commands", "vent", "--drop-next", "3", NULL };
static const char *drop_every_vent[] = { "--fault-commands", "vent", "--drop-next", "1000", NULL };
static const char *mute_start[] = { "--fault-commands", "start", "--mute-next", "1", NULL };
static const char *mute_then_nak_start[] = { "--fault-commands", "start", "--mute-next", "1", "--nak-next", "1", NULL };
static const char *drop_then_nak_start[] = { "--fault-commands", "start", "--drop-next", "1", "--nak-next", "1", NULL };
static const char *nak_storm[] = { "--nak-always", "stop,pause,resume,vent,heartbeat,ack-alarm", NULL };

#define SIM_TEST(path, args, func) \
  g_test_add (path, Fixture, args, fixture_setup_sim, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/device/no-port", test_no_port);
  g_test_add_func ("/presso/device/commands-need-link", test_commands_need_link);
  g_test_add_func ("/presso/device/silent", test_silent_device);
  g_test_add_func ("/presso/device/protocol-mismatch", test_protocol_mismatch);
  g_test_add_func ("/presso/device/real-port", test_real_port);
  g_test_add_func ("/presso/device/link/urgent-first", test_link_urgent_first);
  g_test_add_func ("/presso/device/link/hangup", test_link_closed_on_hangup);

  SIM_TEST ("/presso/device/sim/handshake", no_faults, test_handshake);
  SIM_TEST ("/presso/device/sim/run", no_faults, test_run_program);
  SIM_TEST ("/presso/device/sim/emergency-vent", no_faults, test_emergency_vent);
  SIM_TEST ("/presso/device/sim/vent-every-state", no_faults, test_vent_in_every_state);
  SIM_TEST ("/presso/device/sim/watchdog", no_faults, test_watchdog);
  SIM_TEST ("/presso/device/sim/disconnect-vents", no_faults, test_disconnect_vents);
  SIM_TEST ("/presso/device/sim/glitch-vents-orphan", no_faults, test_glitch_vents_orphan);
  SIM_TEST ("/presso/device/sim/reconnect", no_faults, test_reconnect);
  SIM_TEST ("/presso/device/fault/corrupt-low", corrupt_low, test_fault_corrupt_low);
  SIM_TEST ("/presso/device/fault/corrupt-high", corrupt_high, test_fault_corrupt_high);
  SIM_TEST ("/presso/device/fault/drop", drop, test_fault_drop);
  SIM_TEST ("/presso/device/fault/stall", stall, test_fault_stall);
  SIM_TEST ("/presso/device/fault/disconnect", disconnect, test_fault_disconnect);
  SIM_TEST ("/presso/device/fault/leak", leak, test_fault_leak);
  SIM_TEST ("/presso/device/fault/stuck-sensor", stuck, test_fault_stuck_sensor);
  SIM_TEST ("/presso/device/fault/overshoot", overshoot, test_fault_overshoot);
  SIM_TEST ("/presso/device/fault/reset", reset, test_fault_reset);

  g_test_add_func ("/presso/device/simulated", test_simulated);

  SIM_TEST ("/presso/device/nak/start-refused", nak_start, test_nak_start_refused);
  SIM_TEST ("/presso/device/nak/then-accepted", nak_next_start, test_nak_then_accepted);
  SIM_TEST ("/presso/device/drop/then-accepted", drop_two_loads, test_drop_then_accepted);
  SIM_TEST ("/presso/device/drop/start-times-out", drop_starts, test_drop_start_times_out);
  SIM_TEST ("/presso/device/drop/while-running", drop_pauses, test_drop_while_running);
  SIM_TEST ("/presso/device/nak/storm-vent", nak_storm, test_nak_storm_vent);
  SIM_TEST ("/presso/device/session/nak-start", nak_start, test_session_nak_start);
  SIM_TEST ("/presso/device/session/drop-pause", drop_pauses, test_session_drop);
  SIM_TEST ("/presso/device/session/nak-stop", nak_storm, test_session_nak_storm);
  SIM_TEST ("/presso/device/session/nak-storm-vent", nak_storm, test_session_nak_storm_vent);
  SIM_TEST ("/presso/device/drop/vent-resent", drop_three_vents, test_drop_vent_resent);
  SIM_TEST ("/presso/device/drop/vent-never-arrives", drop_every_vent, test_drop_vent_never_arrives);
  g_test_add_func ("/presso/device/simulated/nak-vent", test_simulated_nak_vent);
  SIM_TEST ("/presso/device/mute/start-duplicate", mute_start, test_mute_start_duplicate);
  SIM_TEST ("/presso/device/mute/start-then-nak", mute_then_nak_start, test_mute_then_nak_start);
  SIM_TEST ("/presso/device/drop/start-then-nak", drop_then_nak_start, test_drop_then_nak_start);

  return g_test_run ();
}
