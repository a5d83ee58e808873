/* presso-history-page.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The History area: what the store keeps of a client's sessions, read back.  The list comes
 * from presso_store_list_client_sessions() (no traces); opening a session reads it whole with
 * presso_store_get_session() and replays the decoded trace in a PressoPressureGraph.
 */
#define G_LOG_DOMAIN "presso-history"
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "presso-client-list.h"
#include "presso-clients-page.h"
#include "presso-history-chart.h"
#include "presso-history-page.h"
#include "presso-measure-points.h"
#include "presso-pressure-graph.h"
#include "presso-store-session.h"
#include "presso-ui-util.h"
#include "presso-window.h"

#define MAX_CLIENT_RESULTS 6

struct _PressoHistoryPage
{
  AdwBin               parent_instance;

  PressoStore         *store;
  PressoStaff         *staff;
  PressoClient        *client;
  GListModel          *all_sessions;      /* PressoSessionRecord, newest first */
  GListStore          *shown;             /* after the filters */
  PressoClientList    *client_list;
  GListModel          *client_results_model;
  GtkStringList       *practitioner_names;
  GtkStringList       *program_names;
  PressoSampleBuffer  *replay;
  GtkWidget           *followed_clients;
  GPtrArray           *course_points;     /* const PressoMeasurePoint: the client's, in the dropdown */
  GtkStringList       *course_point_names;
  gboolean             updating;
  gboolean             built;             /* the template, made when first shown */

  AdwToastOverlay     *toast_overlay;
  AdwActionRow        *client_row;
  GtkSearchEntry      *client_search;
  GtkListBox          *client_results;
  GtkDropDown         *practitioner_dropdown;
  GtkDropDown         *program_dropdown;
  GtkEntry            *from_entry;
  GtkEntry            *to_entry;
  GtkListBox          *sessions_list;
  GtkLabel            *count_label;
  GtkStack            *detail_stack;
  GtkLabel            *detail_title;
  GtkLabel            *detail_summary;
  PressoPressureGraph *graph;
  GtkLabel            *events_label;
  GtkLabel            *notes_label;
  GtkGrid             *measurements_grid;
  GtkLabel            *measurements_label;
  GtkDropDown         *course_point_dropdown;
  PressoHistoryChart  *course_chart;
  GtkWidget           *course_empty;
};

G_DEFINE_FINAL_TYPE (PressoHistoryPage, presso_history_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STAFF,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void ensure_content (PressoHistoryPage *self);
static void open_newest_session (PressoHistoryPage *self);
static gboolean may_see_clinical (PressoHistoryPage *self);

/* ------------------------------------------------------------------ helpers */

static const char *
outcome_icon (PressoSessionOutcome outcome)
{
  switch (outcome)
    {
    case PRESSO_SESSION_OUTCOME_COMPLETED: return "emblem-ok-symbolic";
    case PRESSO_SESSION_OUTCOME_STOPPED: return "media-playback-stop-symbolic";
    case PRESSO_SESSION_OUTCOME_RUNNING: return "media-playback-start-symbolic";
    case PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED:
    case PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT:
    case PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH:
    default: return "dialog-warning-symbolic";
    }
}

static const char *
score_text (int  score,
            char buf[8])
{
  if (score < 0)
    return "–";
  g_snprintf (buf, 8, "%d", score);
  return buf;
}

static char *
format_duration (gint64 ms)
{
  gint64 s = ms / 1000;

  if (s % 60 == 0)
    /* Translators: a session's duration in whole minutes: "30 min" */
    return g_strdup_printf (_("%d min"), (int) (s / 60));
  /* Translators: a session's duration in minutes and seconds: "25 min 03 s" */
  return g_strdup_printf (_("%d min %02d s"), (int) (s / 60), (int) (s % 60));
}

/* A typed DD/MM/YYYY as YYYYMMDD, 0 when blank, -1 when not a date. */
static int
parse_day (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  int d, m, y;
  char end;

  if (text == NULL || text[0] == '\0')
    return 0;
  if (sscanf (text, "%d/%d/%d%c", &d, &m, &y, &end) != 3 || y < 1900 || y > 9999 ||
      !g_date_valid_dmy (d, m, y))
    return -1;
  return y * 10000 + m * 100 + d;
}

static int
record_day (PressoSessionRecord *record)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (presso_session_record_get_started_at (record));

  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  /* The first entry means "all". */
  if (item == NULL || gtk_drop_down_get_selected (dropdown) == 0)
    return NULL;
  return gtk_string_object_get_string (item);
}

static GtkWidget *
create_session_row (gpointer item,
                    gpointer user_data)
{
  PressoSessionRecord *record = item;
  PressoSessionOutcome outcome = presso_session_record_get_outcome (record);
  g_autofree char *when = presso_format_date_time (presso_session_record_get_started_at (record));
  g_autofree char *duration = format_duration (presso_session_record_get_duration_ms (record));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name (outcome_icon (outcome));
  GtkWidget *label = gtk_label_new (presso_session_outcome_to_label (outcome));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
  /* Translators: a session in the history: program · duration · practitioner */
  subtitle = g_strdup_printf (_("%s · %s · %s"), presso_session_record_get_program_name (record),
                              duration, presso_session_record_get_practitioner_name (record)
                                        ? presso_session_record_get_practitioner_name (record) : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  presso_session_outcome_to_label (outcome), -1);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "session-id",
                     GINT_TO_POINTER ((int) presso_session_record_get_id (record)));
  return row;
}

static void
apply_filters (PressoHistoryPage *self)
{
  const char *practitioner = selected_string (self->practitioner_dropdown);
  const char *program = selected_string (self->program_dropdown);
  int from = parse_day (self->from_entry);
  int to = parse_day (self->to_entry);
  guint n = self->all_sessions ? g_list_model_get_n_items (self->all_sessions) : 0;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *count = NULL;

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->from_entry),
                               from < 0 ? _("Type a date as DD/MM/YYYY") : NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->to_entry),
                               to < 0 ? _("Type a date as DD/MM/YYYY") : NULL);
  if (from < 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->from_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->from_entry), "error");
  if (to < 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->to_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->to_entry), "error");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PressoSessionRecord) record = g_list_model_get_item (self->all_sessions, i);
      int day = record_day (record);

      if (practitioner != NULL &&
          g_strcmp0 (presso_session_record_get_practitioner_name (record), practitioner) != 0)
        continue;
      if (program != NULL && g_strcmp0 (presso_session_record_get_program_name (record), program) != 0)
        continue;
      if ((from > 0 && day < from) || (to > 0 && day > to))
        continue;
      g_ptr_array_add (kept, g_steal_pointer (&record));
    }
  g_list_store_splice (self->shown, 0, g_list_model_get_n_items (G_LIST_MODEL (self->shown)),
                       kept->pdata, kept->len);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session", "%u sessions", kept->len),
                           kept->len);
  gtk_label_set_label (self->count_label, self->client ? count : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", self->client != NULL && n > 0);
}

static void
fill_filter (GtkStringList *list,
             const char    *all,
             GPtrArray     *names)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  gtk_string_list_splice (list, 0, n, NULL);
  gtk_string_list_append (list, all);
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (names, i));
}

static void
add_unique (GPtrArray  *names,
            const char *name)
{
  if (name == NULL || name[0] == '\0')
    return;
  for (guint i = 0; i < names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (names, i), name) == 0)
      return;
  g_ptr_array_add (names, g_strdup (name));
}

/* The chosen point over the course: one place per session with a value, before and after.
 * A value corrected after it was first saved counts as its latest one. */
static void
load_course_chart (PressoHistoryPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->course_point_dropdown);
  const PressoMeasurePoint *point = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (PressoHistoryChartSession));
  gint64 session = 0;

  if (selected < self->course_points->len)
    point = g_ptr_array_index (self->course_points, selected);
  if (point != NULL && self->store != NULL && self->client != NULL && may_see_clinical (self))
    series = presso_store_list_measurement_series (self->store, presso_client_get_id (self->client),
                                                   point->id, NULL);
  for (guint i = 0; series && i < series->len; i++)
    {
      PressoMeasurement *m = g_ptr_array_index (series, i);
      PressoHistoryChartSession *last;

      if (m->session_id != session || sessions->len == 0)
        {
          PressoHistoryChartSession added = { m->session_started_at, NAN, NAN };

          g_array_append_val (sessions, added);
          session = m->session_id;
        }
      last = &g_array_index (sessions, PressoHistoryChartSession, sessions->len - 1);
      if (m->after)
        last->after = m->value;
      else
        last->before = m->value;
    }
  presso_history_chart_set_sessions (self->course_chart, (PressoHistoryChartSession *) sessions->data,
                                     sessions->len,
                                     point ? presso_measure_point_get_label (point) : NULL,
                                     point ? presso_measure_unit_to_label (point->unit) : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->course_chart), sessions->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->course_point_dropdown), self->course_points->len > 0);
  gtk_widget_set_visible (self->course_empty, sessions->len == 0);
}

/* The points this client has values for, in the catalogue's order; the one shown first is the
 * circumference measured at the most sessions (the one the course follows), of those the one
 * that changed most over the course, else the weight. */
static void
load_course_points (PressoHistoryPage *self)
{
  guint best = G_MAXUINT, best_count = 0, weight = G_MAXUINT;
  double best_change = 0;

  /* Measurements are health data: none is read for the front desk, even into a hidden page. */
  g_ptr_array_set_size (self->course_points, 0);
  for (guint i = 0;
       self->store != NULL && self->client != NULL && may_see_clinical (self) && i < presso_measure_points_get_n ();
       i++)
    {
      const PressoMeasurePoint *point = presso_measure_points_get (i);
      g_autoptr(GPtrArray) series = presso_store_list_measurement_series (self->store,
                                                                         presso_client_get_id (self->client),
                                                                         point->id, NULL);
      guint count = 0;
      gint64 session = 0;
      double change;

      for (guint j = 0; series && j < series->len; j++)
        {
          PressoMeasurement *m = g_ptr_array_index (series, j);

          count += m->session_id != session;
          session = m->session_id;
        }
      if (count == 0)
        continue;
      change = fabs (((PressoMeasurement *) g_ptr_array_index (series, series->len - 1))->value -
                     ((PressoMeasurement *) g_ptr_array_index (series, 0))->value);
      if (point->unit == PRESSO_MEASURE_UNIT_CM &&
          (count > best_count || (count == best_count && change > best_change)))
        {
          best = self->course_points->len;
          best_count = count;
          best_change = change;
        }
      else if (point->unit == PRESSO_MEASURE_UNIT_KG)
        weight = self->course_points->len;
      g_ptr_array_add (self->course_points, (gpointer) point);
    }

  self->updating = TRUE;
  gtk_string_list_splice (self->course_point_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->course_point_names)), NULL);
  for (guint i = 0; i < self->course_points->len; i++)
    gtk_string_list_append (self->course_point_names,
                            presso_measure_point_get_label (g_ptr_array_index (self->course_points, i)));
  gtk_drop_down_set_selected (self->course_point_dropdown,
                              best != G_MAXUINT ? best : weight != G_MAXUINT ? weight : 0);
  self->updating = FALSE;
  load_course_chart (self);
}

static GtkWidget *
grid_label (GtkGrid    *grid,
            const char *text,
            int         column,
            int         row,
            gboolean    numeric)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1 : 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static char *
format_value (double value)
{
  return isfinite (value) ? g_strdup_printf ("%.1f", value) : g_strdup ("–");
}

/* A session's measurements, one line per point in the catalogue's order: before → after, and
 * the difference (what a course is for).  The latest value of each counts. */
static void
show_measurements (PressoHistoryPage *self,
                   GPtrArray         *measurements)
{
  guint n = presso_measure_points_get_n ();
  g_autofree double *before = g_new (double, n);
  g_autofree double *after = g_new (double, n);
  GtkWidget *child;
  int line = 1;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->measurements_grid))) != NULL)
    gtk_grid_remove (self->measurements_grid, child);
  for (guint i = 0; i < n; i++)
    before[i] = after[i] = NAN;
  for (guint i = 0; measurements && i < measurements->len; i++)
    {
      PressoMeasurement *m = g_ptr_array_index (measurements, i);
      guint index = presso_measure_point_index (m->point);

      /* A point no longer in the catalogue is not shown: its meaning is unknown. */
      if (index == G_MAXUINT)
        continue;
      if (m->after)
        after[index] = m->value;
      else
        before[index] = m->value;
    }

  for (guint i = 0; i < n; i++)
    {
      const PressoMeasurePoint *point = presso_measure_points_get (i);
      const char *unit = presso_measure_unit_to_label (point->unit);
      g_autofree char *b = NULL, *a = NULL, *change = NULL, *title = NULL;

      if (!isfinite (before[i]) && !isfinite (after[i]))
        continue;
      if (line == 1)
        {
          const char *headers[] = { _("Point"), _("Before"), "", _("After"), _("Change") };

          for (int c = 0; c < 5; c++)
            gtk_widget_add_css_class (grid_label (self->measurements_grid, headers[c], c, 0, c > 0),
                                      "dim-label");
        }
      /* Translators: a measured point and its unit in the session's table: "Left calf (cm)" */
      title = g_strdup_printf (_("%s (%s)"), presso_measure_point_get_label (point), unit);
      b = format_value (before[i]);
      a = format_value (after[i]);
      if (isfinite (before[i]) && isfinite (after[i]))
        {
          double d = after[i] - before[i];

          /* A true minus sign, and a plus for a gain: the sign is the news. */
          change = fabs (d) < 0.05 ? g_strdup ("0.0")
                                   : g_strdup_printf ("%s%.1f", d < 0 ? "−" : "+", fabs (d));
        }
      else
        change = g_strdup ("–");
      grid_label (self->measurements_grid, title, 0, line, FALSE);
      grid_label (self->measurements_grid, b, 1, line, TRUE);
      gtk_widget_add_css_class (grid_label (self->measurements_grid, "→", 2, line, FALSE), "dim-label");
      grid_label (self->measurements_grid, a, 3, line, TRUE);
      grid_label (self->measurements_grid, change, 4, line, TRUE);
      line++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->measurements_grid), line > 1);
  gtk_label_set_label (self->measurements_label, _("None recorded."));
  gtk_widget_set_visible (GTK_WIDGET (self->measurements_label), line == 1);
}

/* Clinical history: practitioners and managers only. */
static gboolean
may_see_clinical (PressoHistoryPage *self)
{
  return self->staff != NULL && presso_staff_get_role (self->staff) != PRESSO_ROLE_RECEPTIONIST;
}

/* Hiding the area is not enough: whoever reaches the page by another way (an action, a
 * later change) gets no record from it either. */
static gboolean
check_clinical_access (PressoHistoryPage  *self,
                       GError            **error)
{
  if (may_see_clinical (self))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       _("Session records are for practitioners and managers"));
  return FALSE;
}

static void
load_sessions (PressoHistoryPage *self)
{
  g_autoptr(GPtrArray) practitioners = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) programs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->all_sessions);
  if (self->store != NULL && self->client != NULL && may_see_clinical (self))
    {
      self->all_sessions = presso_store_list_client_sessions (self->store, presso_client_get_id (self->client),
                                                              &error);
      if (self->all_sessions == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The sessions cannot be read: %s"), error->message);

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
        }
    }
  for (guint i = 0; self->all_sessions && i < g_list_model_get_n_items (self->all_sessions); i++)
    {
      g_autoptr(PressoSessionRecord) record = g_list_model_get_item (self->all_sessions, i);

      add_unique (practitioners, presso_session_record_get_practitioner_name (record));
      add_unique (programs, presso_session_record_get_program_name (record));
    }
  load_course_points (self);
  self->updating = TRUE;
  fill_filter (self->practitioner_names, _("All practitioners"), practitioners);
  fill_filter (self->program_names, _("All programs"), programs);
  gtk_drop_down_set_selected (self->practitioner_dropdown, 0);
  gtk_drop_down_set_selected (self->program_dropdown, 0);
  self->updating = FALSE;
  apply_filters (self);
}

static void
update_client_row (PressoHistoryPage *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_row),
                                 self->client ? presso_client_get_display_name (self->client)
                                              : _("No client chosen"));
}

static void
update_visibility (PressoHistoryPage *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  gboolean visible = may_see_clinical (self);

  if (ADW_IS_VIEW_STACK (parent))
    adw_view_stack_page_set_visible (adw_view_stack_get_page (ADW_VIEW_STACK (parent), GTK_WIDGET (self)),
                                     visible);
}

/* ------------------------------------------------------------------ callbacks */

static void
on_filter_changed_cb (PressoHistoryPage *self)
{
  if (!self->updating)
    apply_filters (self);
}

static void
on_course_point_changed_cb (PressoHistoryPage *self)
{
  if (!self->updating)
    load_course_chart (self);
}

static void
on_session_activated_cb (PressoHistoryPage *self,
                         GtkListBoxRow     *row)
{
  gint64 id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "session-id"));
  g_autoptr(GError) error = NULL;

  if (!presso_history_page_open_session (self, id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The session cannot be read: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
}

static GtkWidget *
create_client_result_row (gpointer item,
                          gpointer user_data)
{
  PressoClient *client = item;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), presso_client_get_display_name (client));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "client", g_object_ref (client), g_object_unref);
  return row;
}

static void
on_client_search_changed_cb (PressoHistoryPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->client_search));
  gboolean searching = text != NULL && text[0] != '\0' && self->client_list != NULL;

  if (self->client_list != NULL)
    presso_client_list_set_query (self->client_list, searching ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->client_results),
                          searching && g_list_model_get_n_items (self->client_results_model) > 0);
}

static void
choose_client (PressoHistoryPage *self,
               PressoClient      *client)
{
  presso_history_page_set_client (self, client);
  gtk_editable_set_text (GTK_EDITABLE (self->client_search), "");
}

static void
on_client_search_activate_cb (PressoHistoryPage *self)
{
  g_autoptr(PressoClient) first = NULL;

  if (gtk_widget_get_visible (GTK_WIDGET (self->client_results)))
    first = g_list_model_get_item (self->client_results_model, 0);
  if (first != NULL)
    choose_client (self, first);
}

static void
on_client_result_activated_cb (PressoHistoryPage *self,
                               GtkListBoxRow     *row)
{
  PressoClient *client = g_object_get_data (G_OBJECT (row), "client");

  if (client != NULL)
    choose_client (self, client);
}

static void
on_clients_current_cb (PressoHistoryPage *self,
                       GParamSpec        *pspec,
                       PressoClientsPage *clients)
{
  PressoClient *current = presso_clients_page_get_current (clients);

  if (current != NULL)
    presso_history_page_set_client (self, current);
}

static void
on_export_response_cb (PressoHistoryPage    *self,
                       int                   response,
                       GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      if (presso_history_page_export_to_file (self, file, &error))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Sessions exported")));
      else
        {
          g_autofree char *text = g_strdup_printf (_("The sessions were not exported: %s"), error->message);

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
        }
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PressoHistoryPage *self = PRESSO_HISTORY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->client == NULL)
    return;
  ensure_content (self);
  chooser = gtk_file_chooser_native_new (_("Export Sessions"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* Translators: the suggested file name of a client's sessions; %s is the client's name */
  name = g_strdup_printf (_("Sessions %s.csv"), presso_client_get_display_name (self->client));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ------------------------------------------------------------------ GObject */

/* The store's client list, for the search in the area. */
static void
bind_client_results (PressoHistoryPage *self)
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
                                G_CALLBACK (on_client_search_changed_cb), self);
    }
}

/* The area's widgets are made when it is first shown (or first asked for what they show), not
 * at startup: most users open the window on the Clients area, and building, styling and
 * realizing this tree would delay its first frame.  Until then the page keeps the store, staff
 * and client it is given, and applies them here. */
static void
ensure_content (PressoHistoryPage *self)
{
  if (self->built)
    return;
  self->built = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->updating = TRUE;
  gtk_drop_down_set_model (self->practitioner_dropdown, G_LIST_MODEL (self->practitioner_names));
  gtk_drop_down_set_model (self->program_dropdown, G_LIST_MODEL (self->program_names));
  gtk_drop_down_set_model (self->course_point_dropdown, G_LIST_MODEL (self->course_point_names));
  self->updating = FALSE;
  gtk_list_box_bind_model (self->sessions_list, G_LIST_MODEL (self->shown), create_session_row, NULL, NULL);
  /* A finished record: the time axis fits its length, short or long. */
  presso_pressure_graph_set_window (self->graph, PRESSO_GRAPH_WINDOW_RECORD);
  bind_client_results (self);
  update_client_row (self);
  load_sessions (self);
}

static void
presso_history_page_root (GtkWidget *widget)
{
  PressoHistoryPage *self = PRESSO_HISTORY_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (presso_history_page_parent_class)->root (widget);

  update_visibility (self);
  root = gtk_widget_get_root (widget);
  if (PRESSO_IS_WINDOW (root) && self->followed_clients == NULL)
    {
      GtkWidget *clients = presso_window_get_page (PRESSO_WINDOW (root), "clients");

      if (PRESSO_IS_CLIENTS_PAGE (clients))
        {
          self->followed_clients = g_object_ref (clients);
          g_signal_connect_object (clients, "notify::current", G_CALLBACK (on_clients_current_cb),
                                   self, G_CONNECT_SWAPPED);
        }
    }
}

static void
presso_history_page_map (GtkWidget *widget)
{
  PressoHistoryPage *self = PRESSO_HISTORY_PAGE (widget);
  gboolean was_built = self->built;

  ensure_content (self);
  GTK_WIDGET_CLASS (presso_history_page_parent_class)->map (widget);
  /* Sessions recorded since (in the Treatment area) show when the area is shown again. */
  if (was_built)
    presso_history_page_reload (self);
  if (self->client != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->detail_stack), "empty") == 0)
    open_newest_session (self);
}

static void
presso_history_page_dispose (GObject *object)
{
  PressoHistoryPage *self = PRESSO_HISTORY_PAGE (object);

  if (self->client_results_model != NULL)
    g_signal_handlers_disconnect_by_data (self->client_results_model, self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  if (self->built)
    gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_HISTORY_PAGE);

  g_clear_object (&self->store);
  g_clear_object (&self->staff);
  g_clear_object (&self->client);
  g_clear_object (&self->all_sessions);
  g_clear_object (&self->shown);
  g_clear_object (&self->client_list);
  g_clear_object (&self->client_results_model);
  g_clear_object (&self->practitioner_names);
  g_clear_object (&self->program_names);
  g_clear_object (&self->replay);
  g_clear_object (&self->followed_clients);
  g_clear_object (&self->course_point_names);
  g_clear_pointer (&self->course_points, g_ptr_array_unref);

  G_OBJECT_CLASS (presso_history_page_parent_class)->dispose (object);
}

static void
presso_history_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PressoHistoryPage *self = PRESSO_HISTORY_PAGE (object);

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_history_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PressoHistoryPage *self = PRESSO_HISTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      presso_history_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_STAFF:
      presso_history_page_set_staff (self, g_value_get_object (value));
      break;
    case PROP_CLIENT:
      presso_history_page_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_history_page_class_init (PressoHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();
  g_type_ensure (PRESSO_TYPE_PRESSURE_GRAPH);
  g_type_ensure (PRESSO_TYPE_HISTORY_CHART);

  object_class->dispose = presso_history_page_dispose;
  object_class->get_property = presso_history_page_get_property;
  object_class->set_property = presso_history_page_set_property;
  widget_class->root = presso_history_page_root;
  widget_class->map = presso_history_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAFF] =
    g_param_spec_object ("staff", NULL, NULL, PRESSO_TYPE_STAFF,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, PRESSO_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "history.export", NULL, export_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, client_row);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, client_search);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, client_results);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, practitioner_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, program_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, detail_summary);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, graph);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, events_label);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, notes_label);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, measurements_grid);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, measurements_label);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, course_point_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, course_chart);
  gtk_widget_class_bind_template_child (widget_class, PressoHistoryPage, course_empty);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_session_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_course_point_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_client_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_client_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_client_result_activated_cb);
}

static void
presso_history_page_init (PressoHistoryPage *self)
{
  self->shown = g_list_store_new (PRESSO_TYPE_SESSION_RECORD);
  self->practitioner_names = gtk_string_list_new (NULL);
  self->program_names = gtk_string_list_new (NULL);
  self->course_points = g_ptr_array_new ();
  self->course_point_names = gtk_string_list_new (NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", FALSE);
}

/* ------------------------------------------------------------------ public API */

GtkWidget *
presso_history_page_new (void)
{
  return g_object_new (PRESSO_TYPE_HISTORY_PAGE, NULL);
}

void
presso_history_page_set_store (PressoHistoryPage *self,
                               PressoStore       *store)
{
  g_return_if_fail (PRESSO_IS_HISTORY_PAGE (self));
  g_return_if_fail (!store || PRESSO_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_object (&self->client);
  if (self->built)
    {
      bind_client_results (self);
      update_client_row (self);
      load_sessions (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
presso_history_page_set_staff (PressoHistoryPage *self,
                               PressoStaff       *staff)
{
  g_return_if_fail (PRESSO_IS_HISTORY_PAGE (self));

  if (!g_set_object (&self->staff, staff))
    return;
  update_visibility (self);
  /* What the last person signed in was shown goes with them. */
  if (self->built)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      load_sessions (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAFF]);
}

PressoClient *
presso_history_page_get_client (PressoHistoryPage *self)
{
  g_return_val_if_fail (PRESSO_IS_HISTORY_PAGE (self), NULL);
  return self->client;
}

/* A client just chosen: their latest session is open, with the course beside it, rather than
 * an empty pane asking for one more click. */
static void
open_newest_session (PressoHistoryPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sessions_list, 0);

  if (row != NULL)
    gtk_list_box_select_row (self->sessions_list, row);
  /* An unreadable record says so in a toast, as when a row is opened by hand. */
  if (row != NULL)
    on_session_activated_cb (self, row);
}

void
presso_history_page_set_client (PressoHistoryPage *self,
                                PressoClient      *client)
{
  g_return_if_fail (PRESSO_IS_HISTORY_PAGE (self));
  g_return_if_fail (!client || PRESSO_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;
  if (self->built)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      update_client_row (self);
      load_sessions (self);
      /* Following the Clients area unseen costs no trace decoding: done when shown. */
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        open_newest_session (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
presso_history_page_reload (PressoHistoryPage *self)
{
  g_return_if_fail (PRESSO_IS_HISTORY_PAGE (self));
  if (self->built)
    load_sessions (self);
}

GListModel *
presso_history_page_get_sessions (PressoHistoryPage *self)
{
  g_return_val_if_fail (PRESSO_IS_HISTORY_PAGE (self), NULL);
  ensure_content (self);
  return G_LIST_MODEL (self->shown);
}

gboolean
presso_history_page_open_session (PressoHistoryPage  *self,
                                  gint64              session_id,
                                  GError            **error)
{
  g_autoptr(PressoSessionRecord) record = NULL;
  g_autoptr(GPtrArray) measurements = NULL;
  g_autoptr(GString) events = g_string_new (NULL);
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autofree char *when = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  const PressoSessionTrace *trace;
  PressoProgram *program;
  GPtrArray *record_events;
  guint32 used;

  g_return_val_if_fail (PRESSO_IS_HISTORY_PAGE (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  if (!check_clinical_access (self, error))
    return FALSE;
  ensure_content (self);
  record = presso_store_get_session (self->store, session_id, error);
  if (record == NULL)
    return FALSE;

  when = presso_format_date_time (presso_session_record_get_started_at (record));
  duration = format_duration (presso_session_record_get_duration_ms (record));
  /* Translators: the title of an opened session: date, program */
  title = g_strdup_printf (_("%s — %s"), when, presso_session_record_get_program_name (record));
  gtk_label_set_label (self->detail_title, title);
  program = presso_session_record_get_program (record);
  /* Translators: outcome, duration, practitioner, mode, base pressure, device serial */
  summary = g_strdup_printf (_("%s · %s · %s\n%s, %u mmHg · device %s"),
                             presso_session_outcome_to_label (presso_session_record_get_outcome (record)),
                             duration,
                             presso_session_record_get_practitioner_name (record)
                               ? presso_session_record_get_practitioner_name (record) : "",
                             program ? presso_program_mode_to_label (presso_program_get_mode (program)) : "",
                             program ? presso_program_get_base_pressure (program) : 0,
                             presso_session_record_get_device_serial (record)
                               ? presso_session_record_get_device_serial (record) : "");
  gtk_label_set_label (self->detail_summary, summary);

  /* The replay: the decoded trace, chamber-major, into a row-major buffer.  Only the
   * chambers the session used are drawn and labelled: those that held pressure or were
   * inflated (the chambers of garments not worn stay at 0 and would only clutter it). */
  g_clear_object (&self->replay);
  used = 0;
  trace = presso_session_record_get_trace (record);
  if (trace != NULL && trace->n_samples > 0 && trace->n_chambers > 0)
    {
      guint nc = MIN (trace->n_chambers, PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS);
      g_autofree gint64 *time_ms = g_new (gint64, trace->n_samples);
      g_autofree gint16 *pressure = g_new0 (gint16, (gsize) trace->n_samples * nc);

      for (guint i = 0; i < trace->n_samples; i++)
        {
          time_ms[i] = trace->time_ms[i];
          for (guint c = 0; c < nc; c++)
            {
              float p = trace->pressure_mmhg[(gsize) c * trace->n_samples + i];

              pressure[(gsize) i * nc + c] = isfinite (p) ? (gint16) lroundf (p * 10) : 0;
              if (isfinite (p) && p >= 2)
                used |= 1u << c;
            }
          if (trace->active_chamber[i] < nc)
            used |= 1u << trace->active_chamber[i];
        }
      self->replay = presso_sample_buffer_new_from_trace (nc, PRESSO_TRACE_RATE_HZ, trace->n_samples,
                                                          time_ms, pressure, NULL, trace->active_chamber);
    }
  presso_pressure_graph_set_visible_chambers (self->graph, used != 0 ? used : G_MAXUINT32);
  presso_pressure_graph_set_buffer (self->graph, self->replay);

  record_events = presso_session_record_get_events (record);
  for (guint i = 0; record_events && i < record_events->len; i++)
    {
      PressoSessionEvent *event = g_ptr_array_index (record_events, i);
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *at = NULL;

      if (event->kind == PRESSO_SESSION_EVENT_COMMAND || event->text == NULL)
        continue;
      local = g_date_time_to_local (event->wall_time);
      at = g_date_time_format (local, "%H:%M:%S");
      if (events->len > 0)
        g_string_append_c (events, '\n');
      g_string_append_printf (events, "%s  %s", at, event->text);
    }
  gtk_label_set_label (self->events_label, events->len > 0 ? events->str : _("None"));

  {
    const char *text = presso_session_record_get_notes (record);
    int hb = presso_session_record_get_heaviness_before (record);
    int ha = presso_session_record_get_heaviness_after (record);
    int pb = presso_session_record_get_pain_before (record);
    int pa = presso_session_record_get_pain_after (record);
    char buf[4][8];

    g_string_append (notes, text && text[0] ? text : _("No notes."));
    g_string_append_c (notes, '\n');
    /* Translators: scores out of 10 before → after the session; "–" when not asked */
    g_string_append_printf (notes, _("Heaviness %s → %s, pain %s → %s (out of 10)"),
                            score_text (hb, buf[0]), score_text (ha, buf[1]),
                            score_text (pb, buf[2]), score_text (pa, buf[3]));
  }
  gtk_label_set_label (self->notes_label, notes->str);

  measurements = presso_store_list_session_measurements (self->store, session_id, NULL);
  show_measurements (self, measurements);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  return TRUE;
}

gboolean
presso_history_page_export_to_file (PressoHistoryPage  *self,
                                    GFile              *file,
                                    GError            **error)
{
  g_autofree char *csv = NULL;

  g_return_val_if_fail (PRESSO_IS_HISTORY_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (self->store != NULL && self->client != NULL, FALSE);

  if (!check_clinical_access (self, error))
    return FALSE;
  csv = presso_store_export_client_sessions_csv (self->store, presso_client_get_id (self->client), error);
  if (csv == NULL)
    return FALSE;
  /* Patient data: readable by its owner only, written whole or not at all. */
  return g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, NULL, error);
}
