/* presso-treatment-page.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Treatment area.  The page holds no clinical rule of its own: the screening gate, the
 * program checks and the device checks are those of core/ and of PressoSession, run at Start;
 * the page shows what they say.  Start stays enabled while nothing runs so that a refusal is
 * always explained rather than hidden behind a greyed-out button.
 */
#define G_LOG_DOMAIN "presso-treatment"
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "presso-client-list.h"
#include "presso-clients-page.h"
#include "presso-garment-view.h"
#include "presso-measurements-group.h"
#include "presso-pressure-graph.h"
#include "presso-program-editor.h"
#include "presso-screening-confirm.h"
#include "presso-serial-port.h"
#include "presso-store-screening.h"
#include "presso-treatment-page.h"
#include "presso-window.h"

#define DEFAULT_VALIDITY_DAYS  180
#define DEFAULT_LIMB_CHAMBERS  6
#define MAX_CLIENT_RESULTS     6
/* While a session runs the left column holds only the client and Pause/Stop: it gives the
 * graph its room, at most this wide (its content may ask for more). */
#define SESSION_COLUMN_WIDTH   220

struct _PressoTreatmentPage
{
  AdwBin                parent_instance;

  PressoStore          *store;
  PressoStaff          *staff;
  PressoClient         *client;
  PressoScreeningRules *rules;
  guint                 validity_days;

  PressoClientList     *client_list;
  GListModel           *client_results_model;

  PressoDevice         *device;
  GListModel           *ports;           /* PressoSerialPortInfo, after the simulated device */
  GtkStringList        *device_names;

  GPtrArray            *programs;        /* PressoProgram offered, in the dropdown's order */
  GtkStringList        *program_names;
  PressoProgram        *program;         /* the working copy */
  GPtrArray            *garment_checks;  /* GtkCheckButton, data "garment" */
  guint                 cap_mmhg;

  PressoSession        *session;
  PressoSampleBuffer   *buffer;
  gint64                first_sample_us;
  gint64                feed_until_us;   /* after the end: the deflation stays in view */
  GPtrArray            *watched_alarms;
  PressoSessionAlarm   *shown_alarm;
  PressoDeviceEvent    *device_alarm;    /* the device's latched alarm, outside a session */
  GDateTime            *device_alarm_time;
  char                 *refusal;
  guint                 duration_limit_s;
  GHashTable           *saved_after;     /* point id → value written after the session:
                                         * a second save does not write it twice */
  gboolean              updating;
  gboolean              showed_session;  /* the client row shows the session's program */
  gboolean              built;           /* the template, made when first needed */
  gboolean              narrowed;        /* the left column gave way to the graph */
  int                   setup_position;  /* its width before, given back afterwards */

  GCancellable         *cancellable;
  GSimpleActionGroup   *area_actions;
  GtkEventController   *vent_shortcut;   /* on the window, which is always mapped */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkRevealer          *alarm_revealer;
  GtkWidget            *alarm_bar;
  GtkImage             *alarm_icon;
  GtkLabel             *alarm_priority_label;
  GtkLabel             *alarm_message_label;
  GtkLabel             *alarm_detail_label;
  GtkImage             *device_state_icon;
  GtkLabel             *device_state_label;
  GtkLabel             *device_detail_label;
  GtkWidget            *vent_button;
  AdwActionRow         *client_row;
  GtkSearchEntry       *client_search;
  GtkListBox           *client_results;
  GtkWidget            *setup_group;
  GtkDropDown          *device_dropdown;
  AdwActionRow         *garments_row;
  GtkFlowBox           *garments_box;
  GtkDropDown          *program_dropdown;
  GtkSpinButton        *pressure_spin;
  GtkSpinButton        *duration_spin;
  GtkLabel             *program_problem_label;
  GtkWidget            *before_group;
  GtkSpinButton        *heaviness_before_spin;
  GtkSpinButton        *pain_before_spin;
  PressoMeasurementsGroup *before_measurements;
  GtkPaned             *paned;
  GtkWidget            *session_buttons;
  GtkWidget            *refusal_box;
  GtkLabel             *refusal_label;
  GtkWidget            *start_button;
  GtkWidget            *pause_button;
  GtkWidget            *resume_button;
  GtkWidget            *stop_button;
  GtkWidget            *after_group;
  GtkSpinButton        *heaviness_after_spin;
  GtkSpinButton        *pain_after_spin;
  PressoMeasurementsGroup *after_measurements;
  GtkTextView          *notes_view;
  GtkLabel             *remaining_title_label;
  GtkLabel             *remaining_label;
  GtkLabel             *cycle_label;
  GtkLabel             *phase_label;
  GtkLabel             *session_state_label;
  GtkToggleButton      *window_10s_button;
  GtkToggleButton      *window_60s_button;
  GtkToggleButton      *window_session_button;
  PressoPressureGraph  *graph;
  PressoGarmentView    *garment_view;
};

G_DEFINE_FINAL_TYPE (PressoTreatmentPage, presso_treatment_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STAFF,
  PROP_CLIENT,
  PROP_SESSION,
  PROP_DEVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_all (PressoTreatmentPage *self);
static void update_alarm_bar (PressoTreatmentPage *self);
static void update_client_row (PressoTreatmentPage *self);
static gboolean device_alarm_latched (PressoTreatmentPage *self);
static void on_device_telemetry_cb (PressoTreatmentPage   *self,
                                    const PressoTelemetry *t);
static void rebuild_programs (PressoTreatmentPage *self);
static void ensure_content (PressoTreatmentPage *self);

/* ------------------------------------------------------------------ helpers */

static const char *
garment_to_label (guint garment)
{
  switch (garment)
    {
    case PRESSO_PROTO_GARMENT_BOOT_LEFT: return _("Left boot");
    case PRESSO_PROTO_GARMENT_BOOT_RIGHT: return _("Right boot");
    case PRESSO_PROTO_GARMENT_SLEEVE_LEFT: return _("Left sleeve");
    case PRESSO_PROTO_GARMENT_SLEEVE_RIGHT: return _("Right sleeve");
    case PRESSO_PROTO_GARMENT_BELT: return _("Belt");
    default: return _("Garment");
    }
}

static const char *
phase_to_label (guint phase)
{
  switch (phase)
    {
    case PRESSO_PROTO_PHASE_INFLATE: return _("Inflating");
    case PRESSO_PROTO_PHASE_HOLD: return _("Holding");
    case PRESSO_PROTO_PHASE_DEFLATE: return _("Deflating");
    case PRESSO_PROTO_PHASE_REST: return _("Resting");
    case PRESSO_PROTO_PHASE_PRETHERAPY: return _("Pre-therapy");
    case PRESSO_PROTO_PHASE_NONE:
    default: return "–";
    }
}

static const char *
session_state_to_label (PressoSessionState state)
{
  switch (state)
    {
    case PRESSO_SESSION_STATE_READY: return _("Ready");
    case PRESSO_SESSION_STATE_STARTING: return _("Starting");
    case PRESSO_SESSION_STATE_RUNNING: return _("Running");
    case PRESSO_SESSION_STATE_PAUSED: return _("Paused");
    case PRESSO_SESSION_STATE_STOPPING: return _("Deflating");
    case PRESSO_SESSION_STATE_FINISHED: return _("Finished");
    default: return "–";
    }
}

static const char *
priority_to_label (guint priority)
{
  switch (priority)
    {
    case PRESSO_PROTO_PRIORITY_HIGH: return _("High priority");
    case PRESSO_PROTO_PRIORITY_MEDIUM: return _("Medium priority");
    case PRESSO_PROTO_PRIORITY_LOW: return _("Low priority");
    default: return _("Information");
    }
}

static gboolean
session_active (PressoTreatmentPage *self)
{
  PressoSessionState state;

  if (self->session == NULL)
    return FALSE;
  state = presso_session_get_state (self->session);
  return state != PRESSO_SESSION_STATE_READY && state != PRESSO_SESSION_STATE_FINISHED;
}

static gboolean
may_treat (PressoStaff *staff)
{
  return staff != NULL && presso_staff_get_role (staff) != PRESSO_ROLE_RECEPTIONIST;
}

static PressoZones
zones_for_garments (guint garments)
{
  PressoZones zones = PRESSO_ZONE_NONE;

  for (guint g = 0; g < 32; g++)
    if (garments & (1u << g))
      zones |= presso_zones_for_garment (g);
  return zones;
}

static guint
device_garments (PressoTreatmentPage *self)
{
  const presso_proto_identity *identity;
  guint garments = 0;

  if (self->device == NULL || (identity = presso_device_get_identity (self->device)) == NULL)
    return 0;
  for (guint i = 0; i < identity->n_outlets; i++)
    garments |= PRESSO_PROGRAM_GARMENT_BIT (identity->outlets[i].garment);
  return garments;
}

static gboolean
device_identified (PressoTreatmentPage *self)
{
  PressoDeviceState state;

  if (self->device == NULL)
    return FALSE;
  state = presso_device_get_state (self->device);
  return state != PRESSO_DEVICE_STATE_DISCONNECTED && state != PRESSO_DEVICE_STATE_CONNECTING;
}

static guint
limb_chambers (PressoTreatmentPage *self)
{
  const presso_proto_identity *identity;

  if (device_identified (self) && (identity = presso_device_get_identity (self->device)) != NULL)
    for (guint i = 0; i < identity->n_outlets; i++)
      if (identity->outlets[i].garment != PRESSO_PROTO_GARMENT_BELT && identity->outlets[i].n_chambers > 0)
        return identity->outlets[i].n_chambers;
  return DEFAULT_LIMB_CHAMBERS;
}

static PressoScreeningRules *
ensure_rules (PressoTreatmentPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->rules == NULL)
    {
      self->rules = presso_screening_rules_load_default (&error);
      if (self->rules == NULL)
        g_warning ("Cannot load the screening rules: %s", error->message);
    }
  return self->rules;
}

static void
show_toast (PressoTreatmentPage *self,
            const char          *text)
{
  ensure_content (self);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
set_refusal (PressoTreatmentPage *self,
             const char          *text)
{
  g_free (self->refusal);
  self->refusal = g_strdup (text);
  if (!self->built)
    return;
  gtk_label_set_label (self->refusal_label, text ? text : "");
  gtk_widget_set_visible (self->refusal_box, text != NULL);
}

static char *
format_minutes_seconds (guint seconds)
{
  return g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
}

/* The client's screening cap on the zones of the chosen garments (0: none).  The gate gives
 * the same figure at Start; knowing it earlier lets the pressure be set right first time. */
static void
update_cap (PressoTreatmentPage *self)
{
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoScreeningResult) result = NULL;
  g_autoptr(GDateTime) now = NULL;

  self->cap_mmhg = 0;
  if (self->store == NULL || self->client == NULL || self->program == NULL || ensure_rules (self) == NULL)
    return;
  screening = presso_store_get_current_screening (self->store, presso_client_get_id (self->client), NULL);
  if (screening == NULL)
    return;
  now = g_date_time_new_now_local ();
  result = presso_screening_evaluate (screening, self->rules, now);
  self->cap_mmhg = presso_screening_result_get_pressure_cap (result,
                     zones_for_garments (presso_program_get_garments (self->program)));
}

static void
update_program_problems (PressoTreatmentPage *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  double ceiling = device_identified (self) ? presso_device_get_ceiling_mmhg (self->device) : 0;

  if (!self->built)
    return;
  if (self->program == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->program_problem_label), FALSE);
      return;
    }
  problems = presso_program_validate (self->program, ceiling, self->cap_mmhg, NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      PressoProgramProblem *problem = g_ptr_array_index (problems, i);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, problem->message);
    }
  if (self->cap_mmhg > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: the client's screening limits the pressure */
      g_string_append_printf (text, _("The client's screening caps the pressure at %u mmHg."),
                              self->cap_mmhg);
    }
  gtk_label_set_label (self->program_problem_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->program_problem_label), text->len > 0);
}

/* The points of the garments worn are offered first. */
static void
update_measure_garments (PressoTreatmentPage *self)
{
  guint garments = self->program ? presso_program_get_garments (self->program) : 0;

  if (!self->built)
    return;
  presso_measurements_group_set_garments (self->before_measurements, garments);
  presso_measurements_group_set_garments (self->after_measurements, garments);
}

/* Before a session the garment view shows what Start would run: the garments ticked, with
 * the chambers the program leaves out hatched, as the session itself will show them. */
static void
preview_garments (PressoTreatmentPage *self)
{
  const presso_proto_identity *identity;
  presso_proto_program wire;
  guint garments;
  guint32 used = 0, all;

  if (!self->built || self->session != NULL)
    return;
  identity = device_identified (self) ? presso_device_get_identity (self->device) : NULL;
  if (identity == NULL || self->program == NULL)
    {
      presso_garment_view_set_skipped_chambers (self->garment_view, 0);
      presso_pressure_graph_set_visible_chambers (self->graph, G_MAXUINT32);
      return;
    }
  all = identity->n_chambers >= 32 ? G_MAXUINT32 : (1u << identity->n_chambers) - 1;
  if (presso_program_to_proto (self->program, identity, &wire, NULL))
    used = wire.chamber_mask;
  else
    {
      /* A program the device cannot run as it stands (too many chambers, a pressure over its
       * ceiling: said beside Start): still the garments ticked. */
      garments = presso_program_get_garments (self->program);
      for (guint i = 0; i < identity->n_outlets; i++)
        if (garments & PRESSO_PROGRAM_GARMENT_BIT (identity->outlets[i].garment))
          for (guint k = 0; k < identity->outlets[i].n_chambers; k++)
            used |= 1u << (identity->outlets[i].first_chamber + k);
    }
  /* Nothing ticked: every garment, none hatched, rather than an empty drawing. */
  presso_garment_view_set_skipped_chambers (self->garment_view, used != 0 ? all & ~used : 0);
  /* and the graph's legend names the same garments */
  presso_pressure_graph_set_visible_chambers (self->graph, used != 0 ? used : G_MAXUINT32);
}

static void
sync_program_widgets (PressoTreatmentPage *self)
{
  guint garments = self->program ? presso_program_get_garments (self->program) : 0;

  self->updating = TRUE;
  gtk_spin_button_set_value (self->pressure_spin,
                             self->program ? presso_program_get_base_pressure (self->program) : 0);
  gtk_spin_button_set_value (self->duration_spin,
                             self->program ? presso_program_get_duration_min (self->program) : 0);
  for (guint i = 0; i < self->garment_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->garment_checks, i);
      guint garment = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "garment"));

      gtk_check_button_set_active (check, (garments & PRESSO_PROGRAM_GARMENT_BIT (garment)) != 0);
    }
  self->updating = FALSE;
  update_cap (self);
  update_program_problems (self);
  update_measure_garments (self);
  preview_garments (self);
}

static void
select_program (PressoTreatmentPage *self,
                guint                position)
{
  PressoProgram *chosen;
  guint available = device_garments (self);
  guint garments;

  if (position >= self->programs->len)
    {
      g_clear_object (&self->program);
      sync_program_widgets (self);
      return;
    }
  chosen = g_ptr_array_index (self->programs, position);
  g_clear_object (&self->program);
  self->program = presso_program_copy (chosen);
  /* A program for legs on a device with boots only: keep the garments the device has. */
  garments = presso_program_get_garments (self->program);
  if (available != 0 && (garments & available) != 0)
    presso_program_set_garments (self->program, garments & available);
  sync_program_widgets (self);
}

static void
on_garment_toggled_cb (PressoTreatmentPage *self,
                       GtkCheckButton      *check)
{
  guint garment = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "garment"));
  guint garments;

  if (self->updating || self->program == NULL)
    return;
  garments = presso_program_get_garments (self->program);
  if (gtk_check_button_get_active (check))
    garments |= PRESSO_PROGRAM_GARMENT_BIT (garment);
  else
    garments &= ~PRESSO_PROGRAM_GARMENT_BIT (garment);
  presso_program_set_garments (self->program, garments);
  update_cap (self);
  update_program_problems (self);
  update_measure_garments (self);
  preview_garments (self);
}

static void
rebuild_garments (PressoTreatmentPage *self)
{
  const presso_proto_identity *identity = NULL;

  for (guint i = 0; i < self->garment_checks->len; i++)
    gtk_flow_box_remove (self->garments_box,
                         gtk_widget_get_parent (g_ptr_array_index (self->garment_checks, i)));
  g_ptr_array_set_size (self->garment_checks, 0);
  if (device_identified (self))
    identity = presso_device_get_identity (self->device);

  if (identity == NULL || identity->n_outlets == 0)
    {
      adw_action_row_set_subtitle (self->garments_row, _("Connect a device to see its garments"));
      presso_pressure_graph_set_outlets (self->graph, NULL, 0);
      presso_garment_view_set_outlets (self->garment_view, NULL, 0);
      return;
    }
  adw_action_row_set_subtitle (self->garments_row, "");
  for (guint i = 0; i < identity->n_outlets; i++)
    {
      guint garment = identity->outlets[i].garment;
      GtkWidget *check = gtk_check_button_new_with_label (garment_to_label (garment));

      g_object_set_data (G_OBJECT (check), "garment", GUINT_TO_POINTER (garment));
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_garment_toggled_cb), self);
      gtk_flow_box_append (self->garments_box, check);
      g_ptr_array_add (self->garment_checks, check);
    }
  presso_pressure_graph_set_outlets (self->graph, identity->outlets, identity->n_outlets);
  presso_garment_view_set_outlets (self->garment_view, identity->outlets, identity->n_outlets);
  preview_garments (self);
}

/* ------------------------------------------------------------------ device */

static void
update_device_status (PressoTreatmentPage *self)
{
  PressoDeviceState state = self->device ? presso_device_get_state (self->device)
                                         : PRESSO_DEVICE_STATE_DISCONNECTED;
  const char *icon = "network-offline-symbolic";
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  switch (state)
    {
    case PRESSO_DEVICE_STATE_READY:
    case PRESSO_DEVICE_STATE_RUNNING:
    case PRESSO_DEVICE_STATE_PAUSED:
    case PRESSO_DEVICE_STATE_STOPPING:
      icon = "emblem-ok-symbolic";
      break;
    case PRESSO_DEVICE_STATE_FAULT:
      icon = "dialog-warning-symbolic";
      break;
    case PRESSO_DEVICE_STATE_CONNECTING:
      icon = "network-transmit-receive-symbolic";
      break;
    case PRESSO_DEVICE_STATE_DISCONNECTED:
    default:
      break;
    }
  gtk_image_set_from_icon_name (self->device_state_icon, icon);

  if (self->device == NULL)
    title = g_strdup (_("No device"));
  else if (state == PRESSO_DEVICE_STATE_FAULT)
    /* Translators: the device stopped itself and let the air out */
    title = g_strdup (_("Device: Fault — all chambers vented"));
  else if (presso_device_get_simulated (self->device))
    /* Translators: the built-in simulated device, and its state: "Simulated device: Ready" */
    title = g_strdup_printf (_("Simulated device: %s"), presso_device_state_to_string (state));
  else
    /* Translators: "Device: Ready" */
    title = g_strdup_printf (_("Device: %s"), presso_device_state_to_string (state));
  gtk_label_set_label (self->device_state_label, title);

  if (self->device != NULL && device_identified (self))
    /* Translators: model and serial number of the device: "Presso Simulator · SIM-0001" */
    detail = g_strdup_printf (_("%s · %s"), presso_device_get_model (self->device),
                              presso_device_get_serial (self->device));
  else if (self->device != NULL && presso_device_get_status_message (self->device) != NULL)
    detail = g_strdup (presso_device_get_status_message (self->device));
  gtk_label_set_label (self->device_detail_label, detail ? detail : "");
}

static void
on_device_state_cb (PressoTreatmentPage *self)
{
  gboolean identified = device_identified (self);
  gboolean had_garments = self->garment_checks->len > 0;

  update_device_status (self);
  update_alarm_bar (self);
  /* The outlets are known once identified: garments and presets follow the device. */
  if (identified != had_garments && !session_active (self))
    {
      rebuild_garments (self);
      rebuild_programs (self);
    }
  update_all (self);
}

static void
on_device_alarm_cb (PressoTreatmentPage     *self,
                    const PressoDeviceEvent *event)
{
  g_clear_pointer (&self->device_alarm, presso_device_event_free);
  g_clear_pointer (&self->device_alarm_time, g_date_time_unref);
  self->device_alarm = presso_device_event_copy (event);
  self->device_alarm_time = g_date_time_new_from_unix_utc (event->wall_time_us / G_USEC_PER_SEC);
  if (!session_active (self))
    gtk_widget_error_bell (GTK_WIDGET (self));
  update_alarm_bar (self);
}

static void
on_device_ack_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PressoTreatmentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_ack_alarm_finish (PRESSO_DEVICE (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("The device did not take the acknowledgement: %s"), error->message);
      show_toast (self, text);
    }
  update_alarm_bar (self);
}

static void
on_device_connected_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(PressoTreatmentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!presso_device_connect_finish (PRESSO_DEVICE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (PRESSO_DEVICE (object) == self->device)
        {
          g_autofree char *text = g_strdup_printf (_("Cannot connect to the device: %s"), error->message);

          gtk_label_set_label (self->device_detail_label, text);
        }
    }
}

static void
set_device (PressoTreatmentPage *self,
            PressoDevice        *device)
{
  if (self->device == device)
    return;
  if (self->device != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->device, self);
      presso_device_disconnect (self->device);
      g_clear_object (&self->device);
    }
  g_clear_pointer (&self->device_alarm, presso_device_event_free);
  if (device != NULL)
    {
      self->device = g_object_ref (device);
      g_signal_connect_swapped (self->device, "notify::state", G_CALLBACK (on_device_state_cb), self);
      g_signal_connect_swapped (self->device, "alarm", G_CALLBACK (on_device_alarm_cb), self);
      g_signal_connect_swapped (self->device, "telemetry", G_CALLBACK (on_device_telemetry_cb), self);
      if (presso_device_get_state (self->device) == PRESSO_DEVICE_STATE_DISCONNECTED)
        presso_device_connect_async (self->device, self->cancellable, on_device_connected_cb,
                                     g_object_ref (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
  on_device_state_cb (self);
}

static void
rebuild_device_list (PressoTreatmentPage *self)
{
  g_autoptr(GError) error = NULL;
  guint n;

  g_clear_object (&self->ports);
  self->ports = presso_serial_port_list (&error);
  if (self->ports == NULL)
    g_debug ("Cannot list the serial ports: %s", error->message);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->device_names));
  gtk_string_list_splice (self->device_names, 0, n, NULL);
  gtk_string_list_append (self->device_names, _("Simulated device"));
  for (guint i = 0; self->ports && i < g_list_model_get_n_items (self->ports); i++)
    {
      g_autoptr(PressoSerialPortInfo) info = g_list_model_get_item (self->ports, i);
      const char *description = presso_serial_port_info_get_description (info);
      g_autofree char *label = NULL;

      if (description != NULL && description[0] != '\0')
        /* Translators: a serial port and what is on it: "/dev/ttyUSB0 (FTDI FT232R)" */
        label = g_strdup_printf (_("%s (%s)"), presso_serial_port_info_get_name (info), description);
      else
        label = g_strdup (presso_serial_port_info_get_name (info));
      gtk_string_list_append (self->device_names, label);
    }
}

static void
on_device_selected_cb (PressoTreatmentPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->device_dropdown);
  g_autoptr(PressoDevice) device = NULL;

  if (self->updating || selected == GTK_INVALID_LIST_POSITION || session_active (self))
    return;
  if (selected == 0)
    device = presso_device_new_simulated (NULL);
  else if (self->ports != NULL && selected - 1 < g_list_model_get_n_items (self->ports))
    {
      g_autoptr(PressoSerialPortInfo) info = g_list_model_get_item (self->ports, selected - 1);

      device = presso_device_new (presso_serial_port_info_get_name (info));
    }
  set_device (self, device);
}

/* ------------------------------------------------------------------ programs */

static void
rebuild_programs (PressoTreatmentPage *self)
{
  const char * const *presets = presso_program_list_presets ();
  g_autofree char *previous = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->program_names));
  guint selected = 0;
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->program != NULL)
    previous = g_strdup (presso_program_get_name (self->program));
  /* Programs handed in by presso_treatment_page_add_program() stay. */
  for (guint i = 0; i < self->programs->len; i++)
    {
      PressoProgram *program = g_ptr_array_index (self->programs, i);

      if (g_object_get_data (G_OBJECT (program), "presso-added") != NULL)
        g_ptr_array_add (extra, g_object_ref (program));
    }
  g_ptr_array_set_size (self->programs, 0);

  for (guint i = 0; presets[i] != NULL; i++)
    {
      PressoProgram *program = presso_program_new_from_preset (presets[i], limb_chambers (self), NULL);

      if (program != NULL)
        g_ptr_array_add (self->programs, program);
    }
  if (self->store != NULL)
    {
      g_autoptr(GListModel) stored = presso_store_list_programs (self->store, FALSE, NULL);

      for (guint i = 0; stored && i < g_list_model_get_n_items (stored); i++)
        g_ptr_array_add (self->programs, g_list_model_get_item (stored, i));
    }
  for (guint i = 0; i < extra->len; i++)
    g_ptr_array_add (self->programs, g_object_ref (g_ptr_array_index (extra, i)));

  self->updating = TRUE;
  gtk_string_list_splice (self->program_names, 0, n, NULL);
  for (guint i = 0; i < self->programs->len; i++)
    {
      const char *name = presso_program_get_name (g_ptr_array_index (self->programs, i));

      gtk_string_list_append (self->program_names, name);
      if (previous != NULL && g_strcmp0 (name, previous) == 0)
        selected = i;
    }
  gtk_drop_down_set_selected (self->program_dropdown, selected);
  self->updating = FALSE;
  select_program (self, selected);
}

/* The practice's programs are written in their own window; the list follows its saves. */
static void
edit_programs_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  GtkWidget *editor;

  if (self->store == NULL)
    return;
  editor = presso_program_editor_new (self->store);
  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (gtk_widget_get_root (widget)));
  if (self->program != NULL && presso_program_get_id (self->program) != 0)
    presso_program_editor_open (PRESSO_PROGRAM_EDITOR (editor), self->program);
  g_signal_connect_object (editor, "programs-changed", G_CALLBACK (rebuild_programs), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
on_program_selected_cb (PressoTreatmentPage *self)
{
  if (self->updating)
    return;
  select_program (self, gtk_drop_down_get_selected (self->program_dropdown));
}

static void
on_program_value_changed_cb (PressoTreatmentPage *self)
{
  if (self->updating || self->program == NULL)
    return;
  presso_program_set_base_pressure (self->program, gtk_spin_button_get_value_as_int (self->pressure_spin));
  presso_program_set_duration_min (self->program, gtk_spin_button_get_value_as_int (self->duration_spin));
  update_program_problems (self);
}

/* ------------------------------------------------------------------ client */

static void
update_client_row (PressoTreatmentPage *self)
{
  if (!self->built)
    return;
  if (self->session != NULL)
    {
      PressoProgram *program = presso_session_get_program (self->session);
      g_autofree char *garments = NULL;
      g_autofree char *subtitle = NULL;
      GString *names = g_string_new (NULL);

      for (guint g = 0; g < 32; g++)
        if (presso_program_get_garments (program) & (1u << g))
          g_string_append_printf (names, "%s%s", names->len ? ", " : "", garment_to_label (g));
      garments = g_string_free (names, FALSE);
      /* Translators: the session's program, garments and pressure: "Lymphatic drainage · Left boot · 40 mmHg" */
      subtitle = g_strdup_printf (_("%s · %s · %u mmHg"), presso_program_get_name (program), garments,
                                  presso_program_get_base_pressure (program));
      adw_action_row_set_subtitle (self->client_row, subtitle);
      return;
    }
  if (self->client == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_row), _("No client chosen"));
      adw_action_row_set_subtitle (self->client_row,
                                   _("Find the client below, or use Start Session on their record"));
      return;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_row),
                                 presso_client_get_display_name (self->client));
  if (self->store != NULL && ensure_rules (self) != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      PressoScreeningStatus status =
        presso_store_get_screening_status (self->store, self->rules, presso_client_get_id (self->client),
                                           now, self->validity_days, NULL);
      adw_action_row_set_subtitle (self->client_row, presso_screening_status_to_label (status));
    }
}

static GtkWidget *
create_client_result_row (gpointer item,
                          gpointer user_data)
{
  PressoClient *client = item;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), presso_client_get_display_name (client));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "client", g_object_ref (client), g_object_unref);
  return row;
}

static void
on_client_search_changed_cb (PressoTreatmentPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->client_search));
  gboolean searching = text != NULL && text[0] != '\0' && self->client_list != NULL;

  if (self->client_list != NULL)
    presso_client_list_set_query (self->client_list, searching ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->client_results),
                          searching && g_list_model_get_n_items (self->client_results_model) > 0);
}

static void
on_client_results_changed_cb (PressoTreatmentPage *self)
{
  on_client_search_changed_cb (self);
}

static void
choose_client (PressoTreatmentPage *self,
               PressoClient        *client)
{
  presso_treatment_page_set_client (self, client);
  gtk_editable_set_text (GTK_EDITABLE (self->client_search), "");
}

static void
on_client_search_activate_cb (PressoTreatmentPage *self)
{
  g_autoptr(PressoClient) first = NULL;

  if (gtk_widget_get_visible (GTK_WIDGET (self->client_results)))
    first = g_list_model_get_item (self->client_results_model, 0);
  if (first != NULL)
    choose_client (self, first);
}

static void
on_client_result_activated_cb (PressoTreatmentPage *self,
                               GtkListBoxRow       *row)
{
  PressoClient *client = g_object_get_data (G_OBJECT (row), "client");

  if (client != NULL)
    choose_client (self, client);
}

/* ------------------------------------------------------------------ session */

static void
update_status (PressoTreatmentPage *self)
{
  g_autofree char *remaining = NULL;
  g_autofree char *cycle = NULL;
  g_autofree char *state = NULL;
  gboolean finished;

  if (!self->built)
    return;
  if (self->session == NULL)
    {
      gtk_label_set_label (self->remaining_title_label, _("Remaining"));
      gtk_label_set_label (self->remaining_label, "–");
      gtk_label_set_label (self->cycle_label, "–");
      gtk_label_set_label (self->phase_label, "–");
      gtk_label_set_label (self->session_state_label, _("Not started"));
      return;
    }
  finished = presso_session_get_state (self->session) == PRESSO_SESSION_STATE_FINISHED;
  /* Once over (completed, stopped, vented, a fault) nothing remains: the time it actually
   * ran is what the practitioner writes down, not the countdown where it stopped. */
  gtk_label_set_label (self->remaining_title_label, finished ? _("Ran for") : _("Remaining"));
  if (finished)
    remaining = format_minutes_seconds (presso_session_get_duration_s (self->session));
  else if (presso_session_get_state (self->session) == PRESSO_SESSION_STATE_STARTING)
    remaining = g_strdup ("–");
  else
    remaining = format_minutes_seconds (presso_session_get_remaining_s (self->session));
  gtk_label_set_label (self->remaining_label, remaining);
  if (presso_session_get_cycle (self->session) > 0)
    cycle = g_strdup_printf ("%u", presso_session_get_cycle (self->session));
  else
    cycle = g_strdup ("–");
  gtk_label_set_label (self->cycle_label, cycle);
  gtk_label_set_label (self->phase_label,
                       finished ? "–" : phase_to_label (presso_session_get_phase (self->session)));

  if (finished)
    {
      const char *message = presso_session_get_status_message (self->session);
      const char *outcome = presso_session_outcome_to_label (presso_session_get_outcome (self->session));

      if (message != NULL && message[0] != '\0' && g_strcmp0 (message, outcome) != 0)
        /* Translators: how the session ended, and why: "Stopped — ..." */
        state = g_strdup_printf (_("%s — %s"), outcome, message);
      else
        state = g_strdup (outcome);
    }
  else
    state = g_strdup (session_state_to_label (presso_session_get_state (self->session)));
  gtk_label_set_label (self->session_state_label, state);
}

/* While a session runs the left column holds only the client and Start/Pause/Stop, and the
 * graph is what the practitioner watches: the column narrows (its buttons one above another)
 * and gives the graph its width, then takes back its own when the notes and scores come. */
static void
update_layout (PressoTreatmentPage *self,
               gboolean             running)
{
  if (running == self->narrowed)
    return;
  self->narrowed = running;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->session_buttons),
                                  running ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  /* and while it runs the graph's column is never cut off at the window's edge: the column
   * beside it gives way first, down to what it needs */
  gtk_paned_set_shrink_end_child (self->paned, !running);
  if (running)
    {
      self->setup_position = gtk_paned_get_position (self->paned);
      gtk_paned_set_position (self->paned, MIN (self->setup_position, SESSION_COLUMN_WIDTH));
    }
  else
    gtk_paned_set_position (self->paned, self->setup_position);
}

static void
update_actions (PressoTreatmentPage *self)
{
  PressoSessionState state = self->session ? presso_session_get_state (self->session)
                                           : PRESSO_SESSION_STATE_READY;
  gboolean active = session_active (self);
  gboolean finished = self->session != NULL && state == PRESSO_SESSION_STATE_FINISHED;
  gboolean connected = self->device != NULL &&
                       presso_device_get_state (self->device) != PRESSO_DEVICE_STATE_DISCONNECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.start",
                                 self->store != NULL && self->session == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.pause",
                                 state == PRESSO_SESSION_STATE_RUNNING && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.resume",
                                 state == PRESSO_SESSION_STATE_PAUSED && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.stop",
                                 active && state != PRESSO_SESSION_STATE_STOPPING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.vent", connected || active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.save", finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.new-session", finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "treatment.acknowledge",
                                 self->shown_alarm != NULL || device_alarm_latched (self));

  if (!self->built)
    return;
  gtk_widget_set_visible (self->pause_button, state != PRESSO_SESSION_STATE_PAUSED || self->session == NULL);
  gtk_widget_set_visible (self->resume_button, self->session != NULL && state == PRESSO_SESSION_STATE_PAUSED);
  gtk_widget_set_visible (self->after_group, finished);
  /* What was chosen is what runs: nothing to change once started, so the choices give way to
   * what matters now (the notes at the end fit a small screen without scrolling). */
  gtk_widget_set_visible (self->setup_group, self->session == NULL);
  gtk_widget_set_visible (self->before_group, self->session == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->client_search), self->session == NULL);
  if (self->session != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->client_results), FALSE);
  update_layout (self, self->session != NULL && !finished);
}

static void
update_visibility (PressoTreatmentPage *self)
{
  gboolean visible = may_treat (self->staff) || session_active (self);
  GAction *action;

  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  /* Hidden from the front desk, but never while a session runs: the vent stays in reach. */
  if (ADW_IS_VIEW_STACK (parent))
    adw_view_stack_page_set_visible (adw_view_stack_get_page (ADW_VIEW_STACK (parent), GTK_WIDGET (self)),
                                     visible);
  if (self->area_actions != NULL &&
      (action = g_action_map_lookup_action (G_ACTION_MAP (self->area_actions),
                                            "start-for-current-client")) != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), may_treat (self->staff));
}

static void
update_all (PressoTreatmentPage *self)
{
  if (self->session != NULL || self->showed_session)
    update_client_row (self);
  self->showed_session = self->session != NULL;
  update_status (self);
  update_actions (self);
  update_visibility (self);
  preview_garments (self);
}

static void
on_session_state_cb (PressoTreatmentPage *self)
{
  PressoSessionState state = presso_session_get_state (self->session);

  update_all (self);
  if (state == PRESSO_SESSION_STATE_FINISHED)
    {
      self->feed_until_us = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      /* No toast for the outcome: the Session status says it, and a vent's or a fault's alarm
       * bar too, while a toast would cover the graph's time axis. */
      /* Brings the notes and scores into view (the setup above them no longer matters). */
      gtk_widget_grab_focus (GTK_WIDGET (self->heaviness_after_spin));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
    }
}

/* From the device rather than the session: once the session ends (a vent, a fault) the
 * chambers are still seen emptying for a while. */
static void
on_device_telemetry_cb (PressoTreatmentPage   *self,
                        const PressoTelemetry *t)
{
  const presso_proto_program *program;
  gint16 measured[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS] = { 0 };
  gint16 target[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS] = { 0 };
  gboolean running;
  guint n;

  if (self->buffer == NULL || self->session == NULL)
    return;
  running = presso_session_get_state (self->session) != PRESSO_SESSION_STATE_FINISHED;
  if (!running && g_get_monotonic_time () > self->feed_until_us)
    return;
  n = MIN (presso_sample_buffer_get_n_chambers (self->buffer), t->n_chambers);
  program = self->device ? presso_device_get_program (self->device) : NULL;
  for (guint c = 0; c < n; c++)
    {
      double p = t->pressure_mmhg[c];

      measured[c] = isfinite (p) ? (gint16) CLAMP (lround (p * 10), G_MININT16 + 1, G_MAXINT16) : 0;
      if (running && program != NULL && c < program->n_chambers && (program->chamber_mask & (1u << c)))
        target[c] = program->target_dmmhg[c];
    }
  if (self->first_sample_us == 0)
    self->first_sample_us = t->host_time_us;
  presso_sample_buffer_append (self->buffer, (t->host_time_us - self->first_sample_us) / 1000,
                               measured, target, t->active_chamber);
}

static void
on_alarm_acknowledged_cb (PressoTreatmentPage *self)
{
  update_alarm_bar (self);
}

static void
on_alarms_changed_cb (PressoTreatmentPage *self,
                      guint                position,
                      guint                removed,
                      guint                added,
                      GListModel          *alarms)
{
  for (guint i = position; i < position + added; i++)
    {
      PressoSessionAlarm *alarm = g_list_model_get_item (alarms, i);

      g_signal_connect_swapped (alarm, "notify::acknowledged", G_CALLBACK (on_alarm_acknowledged_cb), self);
      g_ptr_array_add (self->watched_alarms, alarm);
    }
  update_alarm_bar (self);
}

static gboolean
device_alarm_latched (PressoTreatmentPage *self)
{
  return self->device_alarm != NULL && self->device != NULL &&
         presso_device_get_state (self->device) == PRESSO_DEVICE_STATE_FAULT;
}

static void
update_alarm_bar (PressoTreatmentPage *self)
{
  static const char * const classes[] = { "presso-alarm-low", "presso-alarm-medium", "presso-alarm-high" };
  GListModel *alarms = self->session ? presso_session_get_alarms (self->session) : NULL;
  PressoSessionAlarm *shown = NULL;
  guint n_open = 0;
  guint n = alarms ? g_list_model_get_n_items (alarms) : 0;

  /* The newest of the highest priority still unacknowledged. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PressoSessionAlarm) alarm = g_list_model_get_item (alarms, i);

      if (presso_session_alarm_get_acknowledged (alarm))
        continue;
      n_open++;
      if (shown == NULL ||
          presso_session_alarm_get_priority (alarm) >= presso_session_alarm_get_priority (shown))
        shown = alarm;
    }
  g_set_object (&self->shown_alarm, shown);

  if (shown == NULL && device_alarm_latched (self))
    {
      /* The device vented and holds its alarm (an emergency vent, a fault after the session
       * ended, or with no session at all): it stays on screen until acknowledged. */
      guint priority = CLAMP (self->device_alarm->priority, PRESSO_PROTO_PRIORITY_LOW, PRESSO_PROTO_PRIORITY_HIGH);
      g_autoptr(GDateTime) local = g_date_time_to_local (self->device_alarm_time);
      g_autofree char *time = g_date_time_format (local, "%H:%M:%S");
      g_autofree char *detail = g_strdup_printf (_("Raised at %s · all chambers vented"), time);

      gtk_label_set_label (self->alarm_priority_label, priority_to_label (priority));
      gtk_label_set_label (self->alarm_message_label, presso_device_event_describe (self->device_alarm->code));
      gtk_label_set_label (self->alarm_detail_label, detail);
      gtk_image_set_from_icon_name (self->alarm_icon, priority >= PRESSO_PROTO_PRIORITY_HIGH
                                                      ? "dialog-error-symbolic"
                                                      : "dialog-warning-symbolic");
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (self->alarm_bar, classes[i]);
      gtk_widget_add_css_class (self->alarm_bar, classes[priority - 1]);
      gtk_revealer_set_reveal_child (self->alarm_revealer, TRUE);
      update_actions (self);
      return;
    }

  if (shown != NULL)
    {
      guint priority = MIN (presso_session_alarm_get_priority (shown), PRESSO_PROTO_PRIORITY_HIGH);
      guint chamber = presso_session_alarm_get_chamber (shown);
      g_autoptr(GDateTime) local = g_date_time_to_local (presso_session_alarm_get_time (shown));
      g_autofree char *time = g_date_time_format (local, "%H:%M:%S");
      g_autoptr(GString) detail = g_string_new (NULL);
      g_autofree char *message = NULL;

      if (chamber > 0)
        /* Translators: an alarm's text and the chamber concerned: "Over-pressure — chamber 3" */
        message = g_strdup_printf (_("%s — chamber %u"), presso_session_alarm_get_text (shown), chamber);
      else
        message = g_strdup (presso_session_alarm_get_text (shown));
      /* Translators: when the alarm was raised */
      g_string_append_printf (detail, _("Raised at %s"), time);
      if (n_open > 1)
        {
          g_string_append (detail, " · ");
          g_string_append_printf (detail,
                                  g_dngettext (GETTEXT_PACKAGE, "%u more alarm", "%u more alarms", n_open - 1),
                                  n_open - 1);
        }
      gtk_label_set_label (self->alarm_priority_label, priority_to_label (priority));
      gtk_label_set_label (self->alarm_message_label, message);
      gtk_label_set_label (self->alarm_detail_label, detail->str);
      gtk_image_set_from_icon_name (self->alarm_icon, priority >= PRESSO_PROTO_PRIORITY_HIGH
                                                      ? "dialog-error-symbolic"
                                                      : "dialog-warning-symbolic");
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (self->alarm_bar, classes[i]);
      gtk_widget_add_css_class (self->alarm_bar, classes[MAX (priority, 1) - 1]);
    }
  gtk_revealer_set_reveal_child (self->alarm_revealer, shown != NULL);
  update_actions (self);
}

static void
on_session_alarm_cb (PressoTreatmentPage *self,
                     PressoSessionAlarm  *alarm)
{
  /* Bring the area forward: whoever is at the table must see it. */
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));

  if (PRESSO_IS_WINDOW (root) && presso_window_get_staff (PRESSO_WINDOW (root)) != NULL)
    presso_window_show_page (PRESSO_WINDOW (root), "treatment");
  /* Heard as well as seen (the desktop's alert sound). */
  gtk_widget_error_bell (GTK_WIDGET (self));
  update_alarm_bar (self);
}

static void
clear_session (PressoTreatmentPage *self)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (presso_session_get_alarms (self->session), self);
    }
  for (guint i = 0; i < self->watched_alarms->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_alarms, i), self);
  g_ptr_array_set_size (self->watched_alarms, 0);
  g_clear_object (&self->session);
  g_clear_object (&self->shown_alarm);
  if (self->built)
    gtk_revealer_set_reveal_child (self->alarm_revealer, FALSE);
}

/* The device chambers the session's program inflates (its chamber mask), 0 when unknown. */
static guint32
session_chambers (PressoTreatmentPage *self)
{
  const presso_proto_identity *identity;
  presso_proto_program wire;

  if (self->session == NULL || self->device == NULL ||
      (identity = presso_device_get_identity (self->device)) == NULL)
    return 0;
  if (!presso_program_to_proto (presso_session_get_program (self->session), identity, &wire, NULL))
    return 0;
  return wire.chamber_mask;
}

/* The graph and the garments show what this session uses: the chambers of garments not worn,
 * and those the program skips or does not reach, are neither drawn nor labelled (the garments
 * not worn are left out, the chambers not used in a garment worn are hatched). */
static void
setup_graphs (PressoTreatmentPage *self)
{
  guint32 used = session_chambers (self);
  guint n = MIN (presso_device_get_n_chambers (self->device), PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS);
  guint32 all = n >= 32 ? G_MAXUINT32 : (1u << n) - 1;

  presso_pressure_graph_set_visible_chambers (self->graph, used != 0 ? used : G_MAXUINT32);
  presso_garment_view_set_skipped_chambers (self->garment_view, used != 0 ? all & ~used : 0);
}

static void
take_session (PressoTreatmentPage *self,
              PressoSession       *session)
{
  guint n_chambers = MAX (1, presso_device_get_n_chambers (self->device));
  guint rate = MAX (1, presso_device_get_telemetry_hz (self->device));
  guint duration_s = presso_program_get_duration_min (self->program) * 60 + 120;

  clear_session (self);
  self->session = session;
  g_hash_table_remove_all (self->saved_after);
  g_signal_connect_swapped (session, "notify::state", G_CALLBACK (on_session_state_cb), self);
  g_signal_connect_swapped (session, "notify::remaining-s", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (session, "notify::cycle", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (session, "notify::phase", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (session, "alarm", G_CALLBACK (on_session_alarm_cb), self);
  g_signal_connect_swapped (presso_session_get_alarms (session), "items-changed",
                            G_CALLBACK (on_alarms_changed_cb), self);

  g_clear_object (&self->buffer);
  self->buffer = presso_sample_buffer_new (MIN (n_chambers, PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS),
                                           rate, duration_s);
  self->first_sample_us = 0;
  setup_graphs (self);
  presso_pressure_graph_set_buffer (self->graph, self->buffer);
  presso_garment_view_set_buffer (self->garment_view, self->buffer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* Writes the valid values typed (blank: not measured).  After the session, a value already
 * written is not written again when the notes are saved a second time; a corrected one is
 * (the latest counts). */
static gboolean
save_measurements (PressoTreatmentPage      *self,
                   PressoMeasurementsGroup  *group,
                   gboolean                  after,
                   GError                  **error)
{
  g_autoptr(GArray) values = presso_measurements_group_get_values (group);
  gint64 session_id = presso_session_get_session_id (self->session);
  g_autoptr(GPtrArray) points = g_ptr_array_new ();
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < values->len; i++)
    {
      PressoMeasuredValue *measured = &g_array_index (values, PressoMeasuredValue, i);
      double *saved = after ? g_hash_table_lookup (self->saved_after, measured->point->id) : NULL;

      if (saved != NULL && *saved == measured->value)
        continue;
      g_ptr_array_add (points, (gpointer) measured->point->id);
      g_array_append_val (numbers, measured->value);
    }
  /* One transaction: a database locked by another program costs one wait, not one per value,
   * and a failure leaves none of them half-saved (the entries keep what was typed). */
  if (!presso_store_add_measurements (self->store, session_id, after, (const char * const *) points->pdata,
                                      (const double *) numbers->data, points->len, error))
    return FALSE;
  for (guint i = 0; after && i < points->len; i++)
    g_hash_table_insert (self->saved_after, points->pdata[i],
                         g_memdup2 (&g_array_index (numbers, double, i), sizeof (double)));
  return TRUE;
}

/* Records the scores asked before the start at once: they must not depend on a later save. */
static void
save_before_scores (PressoTreatmentPage *self)
{
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  /* Measurements are rows of their own: written whatever becomes of the scores. */
  if (!save_measurements (self, self->before_measurements, FALSE, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The measurements before the session were not saved: %s"),
                                               error->message);

      show_toast (self, text);
      g_clear_error (&error);
    }
  record = presso_store_get_session (self->store, presso_session_get_session_id (self->session), &error);
  if (record != NULL)
    {
      presso_session_record_set_scores (record,
                                        gtk_spin_button_get_value_as_int (self->heaviness_before_spin),
                                        PRESSO_SESSION_SCORE_UNSET,
                                        gtk_spin_button_get_value_as_int (self->pain_before_spin),
                                        PRESSO_SESSION_SCORE_UNSET);
      presso_store_update_session_details (self->store, record, &error);
    }
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The scores before the session were not saved: %s"),
                                               error->message);

      show_toast (self, text);
    }
}

/* After the "anything changed?" question, or at once when it is not needed. */
static void
start_through_gate (PressoTreatmentPage *self)
{
  g_autoptr(PressoSession) session = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->session != NULL || self->client == NULL || self->device == NULL || self->program == NULL)
    return;

  session = presso_session_new (self->store, self->device, self->client, self->staff, self->program);
  /* The session loads the client's current screening, today's answer to "anything changed?"
   * and the last health-relevant change itself: nothing the page holds can be stale. */
  permit = presso_session_check_screening_from_store (session, self->rules, self->validity_days,
                                                      &error);
  if (permit == NULL)
    {
      /* Translators: the screening gate's reason follows */
      text = g_strdup_printf (_("Start refused by the screening: %s"), error->message);
      set_refusal (self, text);
      return;
    }
  if (self->duration_limit_s > 0)
    presso_session_set_duration_limit (session, self->duration_limit_s);
  if (!presso_session_start (session, permit, &error))
    {
      /* Translators: why the session could not start follows */
      text = g_strdup_printf (_("Start refused: %s"), error->message);
      set_refusal (self, text);
      return;
    }
  set_refusal (self, NULL);
  take_session (self, g_steal_pointer (&session));
  save_before_scores (self);
  /* After the session, each point shows what it measured before. */
  {
    g_autoptr(GArray) before = presso_measurements_group_get_values (self->before_measurements);

    presso_measurements_group_set_references (self->after_measurements, before);
  }
  update_all (self);
}

static void
on_changes_confirmed_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(PressoTreatmentPage) self = user_data;
  g_autoptr(PressoScreeningConfirmation) confirmation = NULL;
  g_autoptr(GError) error = NULL;

  confirmation = presso_screening_confirm_changes_finish (result, &error);
  if (confirmation == NULL)
    {
      if (g_cancellable_is_cancelled (self->cancellable))
        return;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_refusal (self, _("Not started: the question “Anything changed since the last "
                             "screening?” was not answered."));
      else
        {
          g_autofree char *text = g_strdup_printf (_("Start refused: %s"), error->message);

          set_refusal (self, text);
        }
      return;
    }
  /* A change ends in the gate's own refusal, which says what to do. */
  start_through_gate (self);
}

static gboolean
needs_confirmation (PressoTreatmentPage *self,
                    PressoScreening     *screening)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) screened = NULL;
  g_autoptr(PressoScreeningConfirmation) confirmation = NULL;

  if (screening == NULL || presso_screening_get_screened_at (screening) == NULL)
    return FALSE;
  screened = g_date_time_to_local (presso_screening_get_screened_at (screening));
  if (g_date_time_get_year (screened) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (screened) == g_date_time_get_day_of_year (now))
    return FALSE;
  confirmation = presso_store_get_screening_confirmation (self->store, presso_screening_get_id (screening),
                                                          now, NULL);
  return confirmation == NULL;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  double ceiling;

  if (self->session != NULL || self->store == NULL)
    return;
  ensure_content (self);
  if (self->client == NULL)
    {
      set_refusal (self, _("Choose the client first."));
      return;
    }
  if (self->staff == NULL)
    {
      set_refusal (self, _("Sign in first: the session is recorded under your name."));
      return;
    }
  if (self->device == NULL || presso_device_get_state (self->device) != PRESSO_DEVICE_STATE_READY)
    {
      g_autofree char *text = NULL;

      /* Translators: the device's state follows ("Disconnected", "Fault"...) */
      text = g_strdup_printf (_("The device is not ready (%s)."),
                              presso_device_state_to_string (self->device ? presso_device_get_state (self->device)
                                                                          : PRESSO_DEVICE_STATE_DISCONNECTED));
      set_refusal (self, text);
      return;
    }
  if (self->program == NULL)
    {
      set_refusal (self, _("Choose a program."));
      return;
    }
  if (presso_program_get_garments (self->program) == 0)
    {
      set_refusal (self, _("Choose at least one garment."));
      return;
    }
  /* A value typed wrong is neither dropped nor saved: it waits, marked, to be corrected. */
  if (!presso_measurements_group_check (self->before_measurements, &error))
    {
      /* Translators: a measurement typed before the start is not plausible; the problem follows */
      g_autofree char *text = g_strdup_printf (_("Not started: check the measurements before the session. %s"),
                                               error->message);

      set_refusal (self, text);
      return;
    }
  if (ensure_rules (self) == NULL)
    {
      set_refusal (self, _("The screening rules cannot be read: no session can start."));
      return;
    }

  update_cap (self);
  ceiling = presso_device_get_ceiling_mmhg (self->device);
  problems = presso_program_validate (self->program, ceiling, self->cap_mmhg, NULL);
  if (problems->len > 0)
    {
      PressoProgramProblem *problem = g_ptr_array_index (problems, 0);
      g_autofree char *text = g_strdup_printf (_("Start refused: %s"), problem->message);

      set_refusal (self, text);
      return;
    }

  screening = presso_store_get_current_screening (self->store, presso_client_get_id (self->client), &error);
  if (needs_confirmation (self, screening))
    {
      GtkRoot *root = gtk_widget_get_root (widget);

      set_refusal (self, NULL);
      presso_screening_confirm_changes (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store,
                                        screening, self->cancellable, on_changes_confirmed_cb,
                                        g_object_ref (self));
      return;
    }
  start_through_gate (self);
}

static void
report_command_error (PressoTreatmentPage *self,
                      GError              *error)
{
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The device did not take the command: %s"), error->message);

      show_toast (self, text);
    }
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->session != NULL && !presso_session_pause (self->session, &error))
    report_command_error (self, error);
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->session != NULL && !presso_session_resume (self->session, &error))
    report_command_error (self, error);
}

static void
on_stop_response_cb (PressoTreatmentPage *self,
                     const char          *response,
                     AdwMessageDialog    *dialog)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "stop") != 0 || !session_active (self))
    return;
  if (!presso_session_stop (self->session, &error))
    report_command_error (self, error);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (!session_active (self))
    return;
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Stop the Session?"),
                                   _("The chambers deflate and the session is recorded as stopped."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "continue", _("_Continue Session"),
                                    "stop", _("_Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
vent_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  gboolean sent = FALSE;

  /* No confirmation: venting is always safe, and a second's delay is not. */
  if (self->session != NULL)
    sent = presso_session_emergency_vent (self->session);
  else if (self->device != NULL)
    sent = presso_device_emergency_vent (self->device);
  if (!sent)
    show_toast (self, _("The vent command could not be sent: check the device and its cable."));
  update_all (self);
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);

  if (self->session != NULL && self->shown_alarm != NULL)
    presso_session_acknowledge_alarm (self->session, self->shown_alarm);
  else if (device_alarm_latched (self))
    presso_device_ack_alarm_async (self->device, self->device_alarm->code, self->cancellable,
                                   on_device_ack_cb, g_object_ref (self));
  update_alarm_bar (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;

  if (self->session == NULL || self->store == NULL)
    return;
  /* Measurements are rows of their own: written whatever becomes of the notes (a second save
   * tries the notes again without writing the measurements twice). */
  if (!save_measurements (self, self->after_measurements, TRUE, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The measurements after the session were not saved: %s"),
                                               error->message);

      show_toast (self, text);
      return;
    }
  record = presso_store_get_session (self->store, presso_session_get_session_id (self->session), &error);
  if (record != NULL)
    {
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_strstrip (notes);
      presso_session_record_set_notes (record, notes);
      presso_session_record_set_scores (record,
                                        gtk_spin_button_get_value_as_int (self->heaviness_before_spin),
                                        gtk_spin_button_get_value_as_int (self->heaviness_after_spin),
                                        gtk_spin_button_get_value_as_int (self->pain_before_spin),
                                        gtk_spin_button_get_value_as_int (self->pain_after_spin));
      presso_store_update_session_details (self->store, record, &error);
    }
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The notes were not saved: %s"), error->message);

      show_toast (self, text);
      return;
    }
  /* The notes and the good values are kept; a refused value stays in its entry, marked. */
  if (!presso_measurements_group_check (self->after_measurements, &error))
    {
      /* Translators: the notes were saved, but a measurement was refused; the problem follows */
      g_autofree char *text = g_strdup_printf (_("Notes saved, but not this measurement: %s"),
                                               error->message);

      show_toast (self, text);
      return;
    }
  show_toast (self, _("Notes and scores saved in the session record"));
}

static void
new_session_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);

  if (session_active (self))
    return;
  clear_session (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), "", -1);
  gtk_spin_button_set_value (self->heaviness_after_spin, PRESSO_SESSION_SCORE_UNSET);
  gtk_spin_button_set_value (self->pain_after_spin, PRESSO_SESSION_SCORE_UNSET);
  presso_measurements_group_clear (self->after_measurements);
  presso_measurements_group_set_references (self->after_measurements, NULL);
  /* Those of the last session are in its record: the next one is measured afresh, never
   * saved again unseen. */
  presso_measurements_group_clear (self->before_measurements);
  set_refusal (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  update_all (self);
}

/* Scores show "–" until asked (PRESSO_SESSION_SCORE_UNSET), so that "not asked" is never
 * recorded as 0. */
static gboolean
on_score_output_cb (GtkSpinButton *spin)
{
  int value = gtk_spin_button_get_value_as_int (spin);
  g_autofree char *text = value < 0 ? g_strdup ("–") : g_strdup_printf ("%d", value);

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_score_input_cb (GtkSpinButton *spin,
                   double        *new_value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  long value;

  if (text == NULL || text[0] == '\0' || g_str_equal (text, "–") || g_str_equal (text, "-"))
    {
      *new_value = PRESSO_SESSION_SCORE_UNSET;
      return TRUE;
    }
  value = strtol (text, &end, 10);
  if (end == text || *end != '\0')
    return GTK_INPUT_ERROR;
  *new_value = CLAMP (value, 0, 10);
  return TRUE;
}

static void
on_graph_window_toggled_cb (PressoTreatmentPage *self,
                            GtkToggleButton     *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  if (button == self->window_10s_button)
    presso_pressure_graph_set_window (self->graph, PRESSO_GRAPH_WINDOW_10S);
  else if (button == self->window_60s_button)
    presso_pressure_graph_set_window (self->graph, PRESSO_GRAPH_WINDOW_60S);
  else
    presso_pressure_graph_set_window (self->graph, PRESSO_GRAPH_WINDOW_SESSION);
}

/* ------------------------------------------------------------------ the window's action */

static void
start_for_current_client_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  PressoTreatmentPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *clients;
  PressoClient *client;

  if (!PRESSO_IS_WINDOW (root))
    return;
  clients = presso_window_get_page (PRESSO_WINDOW (root), "clients");
  client = clients ? presso_clients_page_get_current (PRESSO_CLIENTS_PAGE (clients)) : NULL;
  if (client != NULL && !session_active (self))
    presso_treatment_page_set_client (self, client);
  presso_window_show_page (PRESSO_WINDOW (root), "treatment");
}

/* The device is opened when the area is first shown, not when Presso starts: the front desk
 * never needs it, and opening a port or the simulator costs time at startup. */
static gboolean
is_demo_clinic (PressoTreatmentPage *self)
{
  g_autofree char *demo = presso_store_demo_path ();

  return g_strcmp0 (presso_store_get_path (self->store), demo) == 0;
}

static void
choose_first_device (PressoTreatmentPage *self)
{
  guint first = 0;

  if (self->device != NULL || self->store == NULL)
    return;
  self->updating = TRUE;
  rebuild_device_list (self);
  /* A practice's own database starts on its first real port when there is one; the demo clinic
   * (and a PC with no port) on the simulated device. */
  if (!is_demo_clinic (self) && self->ports != NULL && g_list_model_get_n_items (self->ports) > 0)
    first = 1;
  gtk_drop_down_set_selected (self->device_dropdown, first);
  self->updating = FALSE;
  on_device_selected_cb (self);
}

static void
presso_treatment_page_map (GtkWidget *widget)
{
  ensure_content (PRESSO_TREATMENT_PAGE (widget));
  GTK_WIDGET_CLASS (presso_treatment_page_parent_class)->map (widget);
  choose_first_device (PRESSO_TREATMENT_PAGE (widget));
}

/* Ctrl+Shift+V, from any area of the window.  GTK runs a shortcut only while its widget is
 * mapped, and this page is not while another area is shown: the shortcut lives on the window. */
static gboolean
vent_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  PressoTreatmentPage *self = user_data;

  /* No device opened yet: nothing to vent. */
  if (self->session == NULL && self->device == NULL)
    return FALSE;
  vent_action (GTK_WIDGET (self), "treatment.vent", NULL);
  return TRUE;
}

static void
presso_treatment_page_root (GtkWidget *widget)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  GtkRoot *root;
  static const GActionEntry entries[] = {
    { "start-for-current-client", start_for_current_client_cb },
  };

  GTK_WIDGET_CLASS (presso_treatment_page_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (PRESSO_IS_WINDOW (root) && self->area_actions == NULL)
    {
      self->area_actions = g_simple_action_group_new ();
      g_action_map_add_action_entries (G_ACTION_MAP (self->area_actions), entries,
                                       G_N_ELEMENTS (entries), self);
      gtk_widget_insert_action_group (GTK_WIDGET (root), "treatment-area",
                                      G_ACTION_GROUP (self->area_actions));
      update_visibility (self);
    }
  if (GTK_IS_WINDOW (root) && self->vent_shortcut == NULL)
    {
      GtkShortcut *vent = gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control><Shift>v"),
                                            gtk_callback_action_new (vent_shortcut_cb, self, NULL));

      self->vent_shortcut = gtk_shortcut_controller_new ();
      gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (self->vent_shortcut),
                                         GTK_SHORTCUT_SCOPE_GLOBAL);
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (self->vent_shortcut), vent);
      gtk_widget_add_controller (GTK_WIDGET (root), g_object_ref (self->vent_shortcut));
    }
}

static void
presso_treatment_page_unroot (GtkWidget *widget)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->area_actions != NULL && root != NULL)
    gtk_widget_insert_action_group (GTK_WIDGET (root), "treatment-area", NULL);
  g_clear_object (&self->area_actions);
  if (self->vent_shortcut != NULL && root != NULL)
    gtk_widget_remove_controller (GTK_WIDGET (root), self->vent_shortcut);
  g_clear_object (&self->vent_shortcut);

  GTK_WIDGET_CLASS (presso_treatment_page_parent_class)->unroot (widget);
}

/* ------------------------------------------------------------------ GObject */

/* GTK 4.8 gives a spin button's − and + buttons no name for screen readers. */
static void
label_spin_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && GTK_IS_SPIN_BUTTON (widget))
        {
          const char *icon = gtk_button_get_icon_name (GTK_BUTTON (child));

          if (g_strcmp0 (icon, "value-decrease-symbolic") == 0)
            gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            _("Decrease"), -1);
          else if (g_strcmp0 (icon, "value-increase-symbolic") == 0)
            gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            _("Increase"), -1);
        }
      label_spin_buttons (child);
    }
}

/* High contrast asks more of a few of the area's own styles (presso-treatment-page.css). */
static void
on_high_contrast_cb (PressoTreatmentPage *self,
                     GParamSpec          *pspec,
                     AdwStyleManager     *manager)
{
  if (adw_style_manager_get_high_contrast (manager))
    gtk_widget_add_css_class (GTK_WIDGET (self), "presso-high-contrast");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "presso-high-contrast");
}

static void
ensure_style (void)
{
  static gboolean done;
  GtkCssProvider *provider;
  GdkDisplay *display = gdk_display_get_default ();

  if (done || display == NULL)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/presso/Presso/presso-treatment-page.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

static void
presso_treatment_page_dispose (GObject *object)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  /* The session (and its device) outlive the page only if someone else holds them. */
  clear_session (self);
  if (self->device != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->device, self);
      g_clear_object (&self->device);
    }
  if (self->client_results_model != NULL)
    g_signal_handlers_disconnect_by_data (self->client_results_model, self);

  /* The template's top widget is AdwBin's child: let AdwBin drop it before the template
   * clears its pointers, or AdwBin would unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  if (self->built)
    gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_TREATMENT_PAGE);

  g_clear_object (&self->store);
  g_clear_object (&self->staff);
  g_clear_object (&self->client);
  g_clear_object (&self->rules);
  g_clear_object (&self->client_list);
  g_clear_object (&self->client_results_model);
  g_clear_object (&self->ports);
  g_clear_object (&self->device_names);
  g_clear_object (&self->program_names);
  g_clear_object (&self->program);
  g_clear_object (&self->buffer);
  g_clear_object (&self->area_actions);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->programs, g_ptr_array_unref);
  g_clear_pointer (&self->garment_checks, g_ptr_array_unref);
  g_clear_pointer (&self->watched_alarms, g_ptr_array_unref);
  g_clear_pointer (&self->saved_after, g_hash_table_unref);

  G_OBJECT_CLASS (presso_treatment_page_parent_class)->dispose (object);
}

static void
presso_treatment_page_finalize (GObject *object)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (object);

  g_free (self->refusal);
  g_clear_pointer (&self->device_alarm, presso_device_event_free);
  g_clear_pointer (&self->device_alarm_time, g_date_time_unref);

  G_OBJECT_CLASS (presso_treatment_page_parent_class)->finalize (object);
}

static void
presso_treatment_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STAFF:
      g_value_set_object (value, self->staff);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_treatment_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PressoTreatmentPage *self = PRESSO_TREATMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      presso_treatment_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_STAFF:
      presso_treatment_page_set_staff (self, g_value_get_object (value));
      break;
    case PROP_CLIENT:
      presso_treatment_page_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_treatment_page_class_init (PressoTreatmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();
  g_type_ensure (PRESSO_TYPE_PRESSURE_GRAPH);
  g_type_ensure (PRESSO_TYPE_GARMENT_VIEW);
  g_type_ensure (PRESSO_TYPE_MEASUREMENTS_GROUP);

  object_class->dispose = presso_treatment_page_dispose;
  object_class->finalize = presso_treatment_page_finalize;
  object_class->get_property = presso_treatment_page_get_property;
  object_class->set_property = presso_treatment_page_set_property;
  widget_class->map = presso_treatment_page_map;
  widget_class->root = presso_treatment_page_root;
  widget_class->unroot = presso_treatment_page_unroot;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAFF] =
    g_param_spec_object ("staff", NULL, NULL, PRESSO_TYPE_STAFF,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, PRESSO_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, PRESSO_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE] =
    g_param_spec_object ("device", NULL, NULL, PRESSO_TYPE_DEVICE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "treatment.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "treatment.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "treatment.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "treatment.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "treatment.vent", NULL, vent_action);
  gtk_widget_class_install_action (widget_class, "treatment.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_install_action (widget_class, "treatment.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "treatment.new-session", NULL, new_session_action);
  gtk_widget_class_install_action (widget_class, "treatment.edit-programs", NULL, edit_programs_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-treatment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, alarm_revealer);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, alarm_bar);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, alarm_icon);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, alarm_priority_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, alarm_message_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, alarm_detail_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, device_state_icon);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, device_state_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, device_detail_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, vent_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, client_row);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, client_search);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, client_results);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, setup_group);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, device_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, garments_row);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, garments_box);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, program_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, pressure_spin);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, program_problem_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, before_group);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, heaviness_before_spin);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, pain_before_spin);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, before_measurements);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, paned);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, session_buttons);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, refusal_box);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, refusal_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, after_group);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, heaviness_after_spin);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, pain_after_spin);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, after_measurements);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, notes_view);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, remaining_title_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, remaining_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, cycle_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, phase_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, session_state_label);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, window_10s_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, window_60s_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, window_session_button);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, graph);
  gtk_widget_class_bind_template_child (widget_class, PressoTreatmentPage, garment_view);
  gtk_widget_class_bind_template_callback (widget_class, on_client_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_client_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_client_result_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_device_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_program_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_program_value_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_graph_window_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_score_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_score_input_cb);
}

static void
presso_treatment_page_init (PressoTreatmentPage *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  self->cancellable = g_cancellable_new ();
  self->programs = g_ptr_array_new_with_free_func (g_object_unref);
  self->garment_checks = g_ptr_array_new ();
  self->watched_alarms = g_ptr_array_new_with_free_func (g_object_unref);
  self->saved_after = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->device_names = gtk_string_list_new (NULL);
  self->program_names = gtk_string_list_new (NULL);
  self->validity_days = DEFAULT_VALIDITY_DAYS;
  if (schema != NULL && g_settings_schema_has_key (schema, "screening-validity-days"))
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      self->validity_days = g_settings_get_uint (settings, "screening-validity-days");
    }

  /* The vent works from anywhere in the window, whatever has the focus: see
   * presso_treatment_page_root(). */
  update_all (self);
}

/* The store's clients, for the search in the area. */
static void
bind_client_results (PressoTreatmentPage *self)
{
  if (self->client_results_model != NULL)
    g_signal_handlers_disconnect_by_data (self->client_results_model, self);
  g_clear_object (&self->client_results_model);
  g_clear_object (&self->client_list);
  gtk_list_box_bind_model (self->client_results, NULL, NULL, NULL, NULL);
  if (self->store != NULL)
    {
      /* Read on a worker thread: the area shows itself without waiting for it. */
      self->client_list = presso_client_list_new_loading (self->store);
      self->client_results_model = G_LIST_MODEL (gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->client_list)),
                                                                           0, MAX_CLIENT_RESULTS));
      gtk_list_box_bind_model (self->client_results, self->client_results_model,
                               create_client_result_row, NULL, NULL);
      g_signal_connect_swapped (self->client_results_model, "items-changed",
                                G_CALLBACK (on_client_results_changed_cb), self);
    }
}

/* The area's widgets (the template: the graph, the garments, the lists) are made when it is
 * first shown or first used, not at startup: the window opens on the Clients area, and
 * building, styling and realizing this tree would delay its first frame.  Until then the page
 * keeps the store, staff and client it is given and applies them here; its actions stay
 * disabled but for Start, and with no device opened yet there is nothing to vent. */
static void
ensure_content (PressoTreatmentPage *self)
{
  if (self->built)
    return;
  self->built = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_style ();
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (on_high_contrast_cb), self, G_CONNECT_SWAPPED);
  on_high_contrast_cb (self, NULL, adw_style_manager_get_default ());
  label_spin_buttons (GTK_WIDGET (self));

  self->updating = TRUE;
  gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (self->device_names));
  gtk_drop_down_set_model (self->program_dropdown, G_LIST_MODEL (self->program_names));
  self->updating = FALSE;

  bind_client_results (self);
  update_client_row (self);
  rebuild_garments (self);
  rebuild_programs (self);
  update_device_status (self);
  update_all (self);
}

/* ------------------------------------------------------------------ public API */

/**
 * presso_treatment_page_new:
 *
 * Returns: (transfer floating): a new Treatment area, without a store (the window binds it)
 */
GtkWidget *
presso_treatment_page_new (void)
{
  return g_object_new (PRESSO_TYPE_TREATMENT_PAGE, NULL);
}

PressoStore *
presso_treatment_page_get_store (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->store;
}

/**
 * presso_treatment_page_set_store:
 * @store: (nullable): the clinic database
 *
 * Sets the database; the first time, the simulated device is chosen and connected.
 */
void
presso_treatment_page_set_store (PressoTreatmentPage *self,
                                 PressoStore         *store)
{
  g_return_if_fail (PRESSO_IS_TREATMENT_PAGE (self));
  g_return_if_fail (!store || PRESSO_IS_STORE (store));

  if (session_active (self) || !g_set_object (&self->store, store))
    return;

  if (self->built)
    bind_client_results (self);
  g_clear_object (&self->client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);

  if (store != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    choose_first_device (self);
  if (self->built)
    rebuild_programs (self);
  update_client_row (self);
  update_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

PressoStaff *
presso_treatment_page_get_staff (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->staff;
}

/**
 * presso_treatment_page_set_staff:
 * @staff: (nullable): who is signed in
 *
 * The area is shown to practitioners and managers only, and stays while a session runs.
 */
void
presso_treatment_page_set_staff (PressoTreatmentPage *self,
                                 PressoStaff         *staff)
{
  g_return_if_fail (PRESSO_IS_TREATMENT_PAGE (self));
  g_return_if_fail (!staff || PRESSO_IS_STAFF (staff));

  if (!g_set_object (&self->staff, staff))
    return;
  update_client_row (self);
  update_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAFF]);
}

PressoClient *
presso_treatment_page_get_client (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->client;
}

/**
 * presso_treatment_page_set_client:
 * @client: (nullable): the client to treat
 *
 * Ignored while a session runs (the session is that client's).
 */
void
presso_treatment_page_set_client (PressoTreatmentPage *self,
                                  PressoClient        *client)
{
  g_return_if_fail (PRESSO_IS_TREATMENT_PAGE (self));
  g_return_if_fail (!client || PRESSO_IS_CLIENT (client));

  if (session_active (self))
    return;
  if (!g_set_object (&self->client, client))
    return;
  if (self->session != NULL)
    new_session_action (GTK_WIDGET (self), NULL, NULL);
  set_refusal (self, NULL);
  if (self->built)
    {
      gtk_spin_button_set_value (self->heaviness_before_spin, PRESSO_SESSION_SCORE_UNSET);
      gtk_spin_button_set_value (self->pain_before_spin, PRESSO_SESSION_SCORE_UNSET);
      presso_measurements_group_clear (self->before_measurements);
    }
  update_client_row (self);
  update_cap (self);
  update_program_problems (self);
  update_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

PressoDevice *
presso_treatment_page_get_device (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->device;
}

/**
 * presso_treatment_page_set_device:
 * @device: (nullable): a device to use instead of the one chosen in the list (a pseudo-terminal
 *   with presso-sim, a simulated device with faults configured...); connected if it is not
 *
 * Ignored while a session runs.
 */
void
presso_treatment_page_set_device (PressoTreatmentPage *self,
                                  PressoDevice        *device)
{
  g_return_if_fail (PRESSO_IS_TREATMENT_PAGE (self));
  g_return_if_fail (!device || PRESSO_IS_DEVICE (device));

  if (session_active (self))
    return;
  ensure_content (self);
  set_device (self, device);
}

void
presso_treatment_page_add_program (PressoTreatmentPage *self,
                                   PressoProgram       *program)
{
  PressoProgram *copy;

  g_return_if_fail (PRESSO_IS_TREATMENT_PAGE (self));
  g_return_if_fail (PRESSO_IS_PROGRAM (program));

  if (session_active (self))
    return;
  ensure_content (self);
  copy = presso_program_copy (program);
  g_object_set_data (G_OBJECT (copy), "presso-added", GINT_TO_POINTER (TRUE));
  g_ptr_array_add (self->programs, copy);
  self->updating = TRUE;
  gtk_string_list_append (self->program_names, presso_program_get_name (copy));
  gtk_drop_down_set_selected (self->program_dropdown, self->programs->len - 1);
  self->updating = FALSE;
  select_program (self, self->programs->len - 1);
}

PressoProgram *
presso_treatment_page_get_program (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  /* The programs offered are read with the area's content. */
  ensure_content (self);
  return self->program;
}

PressoSession *
presso_treatment_page_get_session (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->session;
}

PressoSampleBuffer *
presso_treatment_page_get_buffer (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->buffer;
}

const char *
presso_treatment_page_get_refusal (PressoTreatmentPage *self)
{
  g_return_val_if_fail (PRESSO_IS_TREATMENT_PAGE (self), NULL);
  return self->refusal;
}

void
presso_treatment_page_set_duration_limit (PressoTreatmentPage *self,
                                          guint                seconds)
{
  g_return_if_fail (PRESSO_IS_TREATMENT_PAGE (self));
  self->duration_limit_s = seconds;
}
