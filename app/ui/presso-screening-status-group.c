/* presso-screening-status-group.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screening group of a client's record.  What it shows depends on who is signed in: the
 * front desk gets the store's validity verdict only (it never loads the answers), while
 * practitioners and managers get the verdict per zone, who screened, the history and the
 * button that opens a new screening in its own window.
 */
#define G_LOG_DOMAIN "presso-screening-status-group"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-client-view.h"
#include "presso-screening-decision-dialog.h"
#include "presso-screening-page.h"
#include "presso-screening-status-group.h"
#include "presso-store-screening.h"
#include "presso-window.h"

#define DEFAULT_VALIDITY_DAYS 180

static const PressoZones zone_order[PRESSO_N_ZONES] = {
  PRESSO_ZONE_LEGS, PRESSO_ZONE_ARMS, PRESSO_ZONE_ABDOMEN,
};

struct _PressoScreeningStatusGroup
{
  AdwBin                parent_instance;

  PressoStore          *store;
  PressoClient         *client;
  PressoScreeningRules *rules;
  PressoScreening      *current;        /* practitioners only */
  guint                 validity_days;
  GPtrArray            *history_rows;   /* rows added to screening_history_row */
  GtkWindow            *form_window;    /* (weak) */
  GSettings            *settings;       /* nullable: without the installed schema */
  GError               *rules_error;    /* why the default rules did not load */
  GtkWidget            *window;         /* the PressoWindow it is in, while rooted */
  gulong                staff_handler;

  GtkWidget            *screening_new_button;
  AdwActionRow         *screening_status_row;
  GtkImage             *screening_status_icon;
  AdwActionRow         *zone_rows[PRESSO_N_ZONES];
  GtkImage             *zone_icons[PRESSO_N_ZONES];
  GtkWidget            *decide_buttons[PRESSO_N_ZONES];
  PressoScreeningItem  *undecided[PRESSO_N_ZONES];   /* the first relative reason to decide */
  AdwActionRow         *screening_screened_row;
  AdwExpanderRow       *screening_history_row;
};

G_DEFINE_FINAL_TYPE (PressoScreeningStatusGroup, presso_screening_status_group, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLIENT,
  PROP_RULES,
  PROP_VALIDITY_DAYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
zone_icon_name (PressoZoneStatus status)
{
  switch (status)
    {
    case PRESSO_ZONE_STATUS_CLEARED:
      return "emblem-ok-symbolic";
    case PRESSO_ZONE_STATUS_NEEDS_DECISION:
      return "dialog-warning-symbolic";
    case PRESSO_ZONE_STATUS_CONTRAINDICATED:
    default:
      return "process-stop-symbolic";
    }
}

static const char *
zone_style_class (PressoZoneStatus status)
{
  switch (status)
    {
    case PRESSO_ZONE_STATUS_CLEARED:
      return "success";
    case PRESSO_ZONE_STATUS_NEEDS_DECISION:
      return "warning";
    case PRESSO_ZONE_STATUS_CONTRAINDICATED:
    default:
      return "error";
    }
}

static void
set_icon (GtkImage   *image,
          const char *icon_name,
          const char *style_class,
          const char *label)
{
  const char *classes[] = { "success", "warning", "error", "dim-label" };

  gtk_image_set_from_icon_name (image, icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (image), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (image), style_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static gboolean
is_front_desk (PressoScreeningStatusGroup *self)
{
  PressoStaff *actor = self->store ? presso_store_get_actor (self->store) : NULL;

  /* Nobody signed in sees no more than the front desk. */
  return actor == NULL || presso_staff_get_role (actor) == PRESSO_ROLE_RECEPTIONIST;
}

static PressoScreeningRules *
ensure_rules (PressoScreeningStatusGroup *self)
{
  /* A clinic's own rules file with a mistake is refused as a whole: said on the record
   * (update()), tried again on the next look. */
  if (self->rules == NULL)
    {
      g_clear_error (&self->rules_error);
      self->rules = presso_screening_rules_load_default (&self->rules_error);
    }
  return self->rules;
}

static char *
format_day (GDateTime *utc)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%d/%m/%Y");
}

/* The last day the screening is valid: day D + validity days (presso_screening_is_expired). */
static GDateTime *
last_valid_day (PressoScreening *screening,
                guint            validity_days)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (presso_screening_get_screened_at (screening));
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (local),
                                                    g_date_time_get_month (local),
                                                    g_date_time_get_day_of_month (local),
                                                    12, 0, 0);

  return g_date_time_add_days (day, validity_days);
}

static char *
summarize (PressoScreening      *screening,
           PressoScreeningRules *rules,
           GDateTime            *now)
{
  g_autoptr(PressoScreeningResult) result = presso_screening_evaluate (screening, rules, now);
  GString *text = g_string_new (NULL);

  for (guint z = 0; z < PRESSO_N_ZONES; z++)
    {
      PressoZoneStatus status = presso_screening_result_get_zone_status (result, zone_order[z]);

      if (text->len > 0)
        g_string_append (text, "; ");
      /* Translators: "Legs: Cleared" */
      g_string_append_printf (text, _("%s: %s"), presso_zone_to_label (zone_order[z]),
                              presso_zone_status_to_label (status));
    }
  return g_string_free (text, FALSE);
}

static void
clear_history (PressoScreeningStatusGroup *self)
{
  for (guint i = 0; i < self->history_rows->len; i++)
    adw_expander_row_remove (self->screening_history_row, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);
}

static void
update (PressoScreeningStatusGroup *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) changed_at = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  PressoScreeningStatus status = PRESSO_SCREENING_STATUS_MISSING;
  PressoScreeningRules *rules;
  gboolean front_desk = is_front_desk (self);
  gint64 client_id;
  const char *subtitle = NULL;
  g_autofree char *subtitle_owned = NULL;

  g_clear_object (&self->current);
  clear_history (self);

  gtk_widget_set_visible (GTK_WIDGET (self), self->store != NULL && self->client != NULL &&
                          presso_client_get_id (self->client) > 0);
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return;

  rules = ensure_rules (self);
  client_id = presso_client_get_id (self->client);

  gtk_widget_set_visible (self->screening_new_button, !front_desk && rules != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->screening_screened_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->screening_history_row), FALSE);
  for (guint z = 0; z < PRESSO_N_ZONES; z++)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->zone_rows[z]), FALSE);
      gtk_widget_set_visible (self->decide_buttons[z], FALSE);
      self->undecided[z] = NULL;
    }

  if (front_desk)
    {
      /* The front desk's view comes from the store's verdict alone: no answers are loaded. */
      status = presso_store_get_screening_status (self->store, rules, client_id, now,
                                                  self->validity_days, &error);
    }
  else
    {
      self->current = presso_store_get_current_screening (self->store, client_id, &error);
      if (error == NULL)
        changed_at = presso_store_get_client_health_changed_at (self->store, client_id, &error);
      if (error == NULL)
        status = presso_screening_get_status (self->current, rules, now, self->validity_days,
                                              changed_at);
    }

  if (error == NULL && rules == NULL && !front_desk)
    g_set_error (&error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES,
                 _("The screening rules cannot be read: %s"),
                 self->rules_error ? self->rules_error->message : "");
  if (error != NULL)
    {
      set_icon (self->screening_status_icon, "dialog-warning-symbolic", "warning", _("Error"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->screening_status_row),
                                     _("The screening cannot be read"));
      adw_action_row_set_subtitle (self->screening_status_row, error->message);
      gtk_widget_set_visible (self->screening_new_button, FALSE);
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->screening_status_row),
                                 presso_screening_status_to_label (status));
  switch (status)
    {
    case PRESSO_SCREENING_STATUS_VALID:
      set_icon (self->screening_status_icon, "emblem-ok-symbolic", "success",
                presso_screening_status_to_label (status));
      break;
    case PRESSO_SCREENING_STATUS_EXPIRED:
      set_icon (self->screening_status_icon, "process-stop-symbolic", "error",
                presso_screening_status_to_label (status));
      break;
    case PRESSO_SCREENING_STATUS_NEEDS_REVIEW:
    case PRESSO_SCREENING_STATUS_MISSING:
    default:
      set_icon (self->screening_status_icon, "dialog-warning-symbolic", "warning",
                presso_screening_status_to_label (status));
      break;
    }

  if (front_desk)
    {
      adw_action_row_set_subtitle (self->screening_status_row,
                                   status == PRESSO_SCREENING_STATUS_VALID ? ""
                                   : _("A practitioner screens the client before the next session."));
      return;
    }

  if (self->current == NULL)
    subtitle = _("Not screened yet: screen the client before the first session.");
  else
    {
      g_autoptr(GDateTime) last = last_valid_day (self->current, self->validity_days);
      g_autofree char *last_text = format_day (last);

      switch (status)
        {
        case PRESSO_SCREENING_STATUS_VALID:
          /* Translators: %s: a date, DD/MM/YYYY */
          subtitle = subtitle_owned = g_strdup_printf (_("Valid until %s"), last_text);
          break;
        case PRESSO_SCREENING_STATUS_EXPIRED:
          {
            g_autoptr(GDateTime) first = g_date_time_add_days (last, 1);
            g_autofree char *first_text = format_day (first);

            /* Translators: %s: a date, DD/MM/YYYY */
            subtitle = subtitle_owned = g_strdup_printf (_("Expired since %s"), first_text);
          }
          break;
        case PRESSO_SCREENING_STATUS_NEEDS_REVIEW:
        default:
          if (presso_screening_is_stale (self->current, changed_at))
            subtitle = _("Needs review: the client’s details changed since the screening");
          else
            subtitle = _("Needs review: a question of the current rules is not answered");
          break;
        }
    }
  adw_action_row_set_subtitle (self->screening_status_row, subtitle);

  if (self->current == NULL || rules == NULL)
    return;

  {
    g_autoptr(PressoScreeningResult) result = presso_screening_evaluate (self->current, rules, now);
    guint n_restricted = 0, n_contraindicated = 0;

    for (guint z = 0; z < PRESSO_N_ZONES; z++)
      {
        PressoZoneStatus zone_status = presso_screening_result_get_zone_status (result, zone_order[z]);

        n_restricted += zone_status != PRESSO_ZONE_STATUS_CLEARED;
        n_contraindicated += zone_status == PRESSO_ZONE_STATUS_CONTRAINDICATED;
      }
    /* An up-to-date screening is not an all-clear: a green tick above a contraindicated zone
     * reads as "go". Keep the tick for a screening that clears every zone. */
    if (status == PRESSO_SCREENING_STATUS_VALID && n_restricted > 0)
      {
        g_autofree char *restricted = NULL;

        set_icon (self->screening_status_icon, "x-office-calendar-symbolic", "dim-label",
                  presso_screening_status_to_label (status));
        /* Translators: %s is "Valid until 23/05/2027" */
        restricted = g_strdup_printf (n_contraindicated == PRESSO_N_ZONES
                                      ? _("%s · no zone can be treated")
                                      : _("%s · some zones are restricted, see below"),
                                      subtitle);
        adw_action_row_set_subtitle (self->screening_status_row, restricted);
      }
    g_autofree char *who = presso_describe_change (self->store,
                                                   presso_screening_get_screened_at (self->current),
                                                   presso_screening_get_screened_by (self->current));
    g_autofree char *screened = NULL;

    for (guint z = 0; z < PRESSO_N_ZONES; z++)
      {
        PressoZoneStatus zone_status = presso_screening_result_get_zone_status (result, zone_order[z]);
        guint cap = presso_screening_result_get_pressure_cap (result, zone_order[z]);
        const char *label = presso_zone_status_to_label (zone_status);
        g_autofree char *text = NULL;

        if (cap > 0 && zone_status != PRESSO_ZONE_STATUS_CONTRAINDICATED)
          /* Translators: a zone's verdict, then its pressure cap */
          text = g_strdup_printf (_("%s, at %u mmHg at most"), label, cap);
        set_icon (self->zone_icons[z], zone_icon_name (zone_status),
                  zone_style_class (zone_status), label);
        /* A decision can come later (the doctor's letter): it goes on the stored version. */
        for (guint i = 0; i < presso_screening_result_get_reasons (result)->len; i++)
          {
            PressoScreeningReason *reason = g_ptr_array_index (presso_screening_result_get_reasons (result), i);

            if (reason->zone == zone_order[z] && reason->status == PRESSO_ZONE_STATUS_NEEDS_DECISION &&
                reason->decision == NULL && self->undecided[z] == NULL)
              self->undecided[z] = reason->item;
          }
        gtk_widget_set_visible (self->decide_buttons[z], self->undecided[z] != NULL);
        adw_action_row_set_subtitle (self->zone_rows[z], text ? text : label);
        gtk_widget_set_visible (GTK_WIDGET (self->zone_rows[z]), TRUE);
      }

    /* Translators: when and by whom, then the version number */
    screened = g_strdup_printf (_("%s (version %d)"), who ? who : "",
                                presso_screening_get_version (self->current));
    adw_action_row_set_subtitle (self->screening_screened_row, screened);
    gtk_widget_set_visible (GTK_WIDGET (self->screening_screened_row), TRUE);
  }

  versions = presso_store_list_screenings (self->store, client_id, &error);
  if (versions != NULL && versions->len > 0)
    {
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u version",
                                                             "%u versions", versions->len),
                                                versions->len);

      adw_expander_row_set_subtitle (self->screening_history_row, count);
      for (guint i = 0; i < versions->len; i++)
        {
          PressoScreening *version = g_ptr_array_index (versions, i);
          g_autofree char *who = presso_describe_change (self->store,
                                                         presso_screening_get_screened_at (version),
                                                         presso_screening_get_screened_by (version));
          /* Translators: "Version 2: 24/11/2026 13:05 by Claire Martin" */
          g_autofree char *title = g_strdup_printf (_("Version %d: %s"),
                                                    presso_screening_get_version (version),
                                                    who ? who : "");
          g_autofree char *summary = summarize (version, rules, now);
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
          /* One line each (the full text in the tooltip): wrapped rows inside an expander
           * trip GTK 4.8's height-for-width check. */
          adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
          gtk_widget_set_tooltip_text (row, summary);
          adw_expander_row_add_row (self->screening_history_row, row);
          g_ptr_array_add (self->history_rows, row);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->screening_history_row), TRUE);
    }
}

static void
on_form_saved_cb (PressoScreening *screening,
                  gpointer         user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(PressoScreeningStatusGroup) self = g_weak_ref_get (ref);

  if (self != NULL)
    update (self);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
show_error (PressoScreeningStatusGroup *self,
            const char                 *heading,
            const GError               *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_decision_recorded_cb (const PressoScreeningDecision *decision,
                         gpointer                       user_data)
{
  g_autoptr(PressoScreeningStatusGroup) self = g_weak_ref_get (user_data);
  g_autoptr(PressoScreeningDecision) copy = presso_screening_decision_copy (decision);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  if (self == NULL || self->current == NULL || self->store == NULL)
    return;
  if (!presso_store_add_screening_decision (self->store, self->current, ensure_rules (self), copy,
                                            now, &error))
    show_error (self, _("The Decision Was Not Recorded"), error);
  update (self);
}

static void
on_decide_clicked_cb (GtkButton                  *button,
                      PressoScreeningStatusGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  PressoStaff *actor = self->store ? presso_store_get_actor (self->store) : NULL;
  GWeakRef *ref;

  for (guint z = 0; z < PRESSO_N_ZONES; z++)
    {
      PressoScreeningItem *item = self->undecided[z];

      if (self->decide_buttons[z] != GTK_WIDGET (button) || item == NULL || is_front_desk (self))
        continue;
      ref = g_new0 (GWeakRef, 1);
      g_weak_ref_init (ref, self);
      presso_screening_decision_dialog_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                item, zone_order[z],
                                                presso_screening_item_get_pressure_cap (item),
                                                actor, on_decision_recorded_cb, ref,
                                                weak_ref_free);
    }
}

static void
on_new_clicked_cb (PressoScreeningStatusGroup *self)
{
  presso_screening_status_group_new_screening (self);
}

static void
on_map_cb (PressoScreeningStatusGroup *self)
{
  /* Another staff member may have signed in since: what may be shown depends on who. */
  update (self);
}

static void
on_staff_changed_cb (PressoScreeningStatusGroup *self)
{
  /* Who may see what changed: a receptionist signing in after a practitioner must not find
   * the practitioner's view still on screen. */
  update (self);
}

static void
presso_screening_status_group_root (GtkWidget *widget)
{
  PressoScreeningStatusGroup *self = PRESSO_SCREENING_STATUS_GROUP (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (presso_screening_status_group_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (PRESSO_IS_WINDOW (root))
    {
      self->window = GTK_WIDGET (root);
      self->staff_handler = g_signal_connect_swapped (root, "notify::staff",
                                                      G_CALLBACK (on_staff_changed_cb), self);
    }
}

static void
presso_screening_status_group_unroot (GtkWidget *widget)
{
  PressoScreeningStatusGroup *self = PRESSO_SCREENING_STATUS_GROUP (widget);

  if (self->window != NULL)
    g_clear_signal_handler (&self->staff_handler, self->window);
  self->window = NULL;

  GTK_WIDGET_CLASS (presso_screening_status_group_parent_class)->unroot (widget);
}

static void
presso_screening_status_group_dispose (GObject *object)
{
  PressoScreeningStatusGroup *self = PRESSO_SCREENING_STATUS_GROUP (object);

  if (self->form_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->form_window), (gpointer *) &self->form_window);
  self->form_window = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_SCREENING_STATUS_GROUP);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  if (self->settings != NULL)
    g_settings_unbind (self, "validity-days");
  g_clear_object (&self->settings);
  g_clear_error (&self->rules_error);
  g_clear_object (&self->current);
  g_clear_object (&self->client);
  g_clear_object (&self->rules);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (presso_screening_status_group_parent_class)->dispose (object);
}

static void
presso_screening_status_group_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  PressoScreeningStatusGroup *self = PRESSO_SCREENING_STATUS_GROUP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_RULES:
      g_value_set_object (value, self->rules);
      break;
    case PROP_VALIDITY_DAYS:
      g_value_set_uint (value, self->validity_days);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_screening_status_group_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  PressoScreeningStatusGroup *self = PRESSO_SCREENING_STATUS_GROUP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      presso_screening_status_group_set_store (self, g_value_get_object (value));
      break;
    case PROP_CLIENT:
      presso_screening_status_group_set_client (self, g_value_get_object (value));
      break;
    case PROP_RULES:
      presso_screening_status_group_set_rules (self, g_value_get_object (value));
      break;
    case PROP_VALIDITY_DAYS:
      presso_screening_status_group_set_validity_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_screening_status_group_class_init (PressoScreeningStatusGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_screening_status_group_dispose;
  object_class->get_property = presso_screening_status_group_get_property;
  object_class->set_property = presso_screening_status_group_set_property;
  widget_class->root = presso_screening_status_group_root;
  widget_class->unroot = presso_screening_status_group_unroot;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, PRESSO_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RULES] =
    g_param_spec_object ("rules", NULL, NULL, PRESSO_TYPE_SCREENING_RULES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALIDITY_DAYS] =
    g_param_spec_uint ("validity-days", NULL, NULL, 1, 3650, DEFAULT_VALIDITY_DAYS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-screening-status-group.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningStatusGroup, screening_new_button);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningStatusGroup, screening_status_row);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningStatusGroup, screening_status_icon);
  gtk_widget_class_bind_template_child_full (widget_class, "screening_legs_row", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, zone_rows[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_arms_row", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, zone_rows[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_abdomen_row", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, zone_rows[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_legs_icon", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, zone_icons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_legs_decide_button", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, decide_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_arms_icon", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, zone_icons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_arms_decide_button", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, decide_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_abdomen_icon", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, zone_icons[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "screening_abdomen_decide_button", FALSE,
                                             G_STRUCT_OFFSET (PressoScreeningStatusGroup, decide_buttons[2]));
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningStatusGroup, screening_screened_row);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningStatusGroup, screening_history_row);
  gtk_widget_class_bind_template_callback (widget_class, on_new_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_decide_clicked_cb);
}

static void
presso_screening_status_group_init (PressoScreeningStatusGroup *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  self->history_rows = g_ptr_array_new ();
  self->validity_days = DEFAULT_VALIDITY_DAYS;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);

  /* The practice's validity period, when the settings schema is installed; the preferences
   * may change it while the record is shown. */
  if (schema != NULL && g_settings_schema_has_key (schema, "screening-validity-days"))
    {
      self->settings = g_settings_new (APP_ID);
      g_settings_bind (self->settings, "screening-validity-days", self, "validity-days",
                       G_SETTINGS_BIND_GET);
    }

  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
}

GtkWidget *
presso_screening_status_group_new (void)
{
  return g_object_new (PRESSO_TYPE_SCREENING_STATUS_GROUP, NULL);
}

void
presso_screening_status_group_set_store (PressoScreeningStatusGroup *self,
                                   PressoStore           *store)
{
  g_return_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self));
  g_return_if_fail (!store || PRESSO_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
presso_screening_status_group_set_client (PressoScreeningStatusGroup *self,
                                    PressoClient          *client)
{
  g_return_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self));
  g_return_if_fail (!client || PRESSO_IS_CLIENT (client));

  /* The same client object after an edit still needs a new look (health details changed). */
  g_set_object (&self->client, client);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
presso_screening_status_group_set_rules (PressoScreeningStatusGroup *self,
                                   PressoScreeningRules  *rules)
{
  g_return_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self));
  g_return_if_fail (!rules || PRESSO_IS_SCREENING_RULES (rules));

  if (!g_set_object (&self->rules, rules))
    return;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RULES]);
}

/**
 * presso_screening_status_group_get_rules:
 *
 * Returns: (transfer none) (nullable): the rules, loading the default ones when needed
 */
PressoScreeningRules *
presso_screening_status_group_get_rules (PressoScreeningStatusGroup *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self), NULL);

  return ensure_rules (self);
}

void
presso_screening_status_group_set_validity_days (PressoScreeningStatusGroup *self,
                                           guint                  days)
{
  g_return_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self));

  if (self->validity_days == days)
    return;
  self->validity_days = days;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDITY_DAYS]);
}

void
presso_screening_status_group_refresh (PressoScreeningStatusGroup *self)
{
  g_return_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self));

  update (self);
}

GtkWindow *
presso_screening_status_group_new_screening (PressoScreeningStatusGroup *self)
{
  PressoScreeningRules *rules;
  GtkRoot *root;
  GWeakRef *ref;

  g_return_val_if_fail (PRESSO_IS_SCREENING_STATUS_GROUP (self), NULL);

  rules = ensure_rules (self);
  if (self->store == NULL || self->client == NULL || rules == NULL || is_front_desk (self))
    return NULL;
  if (self->form_window != NULL)
    {
      gtk_window_present (self->form_window);
      return self->form_window;
    }

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->form_window = presso_screening_page_open_window (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                         self->store, rules,
                                                         presso_client_get_id (self->client),
                                                         self->current,
                                                         presso_client_get_display_name (self->client),
                                                         on_form_saved_cb, ref);
  /* The weak ref lives as long as the form's window. */
  g_object_set_data_full (G_OBJECT (self->form_window), "presso-status-ref", ref, weak_ref_free);
  g_object_add_weak_pointer (G_OBJECT (self->form_window), (gpointer *) &self->form_window);
  return self->form_window;
}
