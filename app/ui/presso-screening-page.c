/* presso-screening-page.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screening form.  The questions come from the rules (data, not code), so the form is
 * built at run time: one group per topic in rules order, one row per question with what its
 * answer means written under it.  Every change re-runs the screening engine and rewrites the
 * result per zone, so the practitioner sees at once what an answer does.  Yes-or-no questions
 * start unanswered (a toggle pair, not a switch that would default to "no"), and an answer
 * that does not parse or is out of range is named under its field and never stored.
 */
#define G_LOG_DOMAIN "presso-screening-page"
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-client-view.h"
#include "presso-screening-decision-dialog.h"
#include "presso-screening-page.h"
#include "presso-store-screening.h"

static const PressoZones zone_order[PRESSO_N_ZONES] = {
  PRESSO_ZONE_LEGS, PRESSO_ZONE_ARMS, PRESSO_ZONE_ABDOMEN,
};

typedef struct
{
  PressoScreeningPage *page;             /* unowned */
  PressoScreeningItem *item;             /* unowned: the rules hold it */
  GtkWidget           *row;
  GtkWidget           *yes_button;
  GtkWidget           *no_button;
  GtkWidget           *none_button;
  GtkWidget           *zone_buttons[PRESSO_N_ZONES];
  GtkWidget           *entries[2];
  GtkWidget           *calendar_button;
  GtkCalendar         *calendar;
  GtkLabel            *message_label;    /* why the typed answer is not valid */
  GtkLabel            *note_label;       /* a remark that is not an error */
  gboolean             invalid;
} Question;

struct _PressoScreeningPage
{
  AdwBin                 parent_instance;

  PressoScreeningRules  *rules;
  PressoScreening       *screening;
  PressoStore           *store;
  PressoStaff           *staff;
  char                  *title;
  char                  *intro;          /* the form's own explanation, from the template */
  gboolean               modified;
  guint                  updating;       /* filling widgets: their signals change nothing */
  GPtrArray             *questions;      /* (element-type Question) */
  GPtrArray             *groups;         /* the topic groups added to form_page */
  PressoScreeningResult *result;

  AdwWindowTitle        *window_title;
  GtkWidget             *save_button;
  GtkBox                *summary_box;
  AdwFlap               *flap;
  AdwPreferencesPage    *form_page;
  AdwPreferencesGroup   *intro_group;
  GtkBox                *result_box;
};

G_DEFINE_FINAL_TYPE (PressoScreeningPage, presso_screening_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RULES,
  PROP_SCREENING,
  PROP_STORE,
  PROP_STAFF,
  PROP_TITLE,
  PROP_MODIFIED,
  N_PROPS
};

enum {
  SAVED,
  CANCELLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void refresh (PressoScreeningPage *self);

/* Helpers */

static const char *
status_icon_name (PressoZoneStatus status)
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
status_style_class (PressoZoneStatus status)
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

static GtkWidget *
status_icon_new (PressoZoneStatus status,
                 const char      *name)
{
  GtkWidget *icon = gtk_image_new_from_icon_name (status_icon_name (status));

  gtk_widget_add_css_class (icon, status_style_class (status));
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  /* The text beside it says the same: the icon is decoration for screen readers. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  presso_zone_status_to_label (status), -1);
  if (name != NULL)
    gtk_widget_set_name (icon, name);
  return icon;
}

static GtkWidget *
wrapped_label_new (const char *text,
                   const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_halign (label, GTK_ALIGN_FILL);
  if (style_class != NULL)
    gtk_widget_add_css_class (label, style_class);
  return label;
}

/* Typed numbers: "0.7" and "0,7" (a French keyboard) alike. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;

  g_strdelimit (copy, ",", '.');
  if (copy[0] == '\0')
    return FALSE;
  *value = g_ascii_strtod (copy, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

static char *
format_number (double value)
{
  return g_strdup_printf ("%g", value);
}

/* "DD/MM/YYYY" or "DD/MM/YYYY HH:MM" in local time.  Without a time the end of that day counts,
 * so that an unknown hour can only make the wait longer, never shorter.  Sets @has_time. */
static GDateTime *
parse_date_time (const char *text,
                 gboolean   *has_time)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  int d, m, y, hh = 23, mm = 59, n = 0;
  char sep1, sep2;

  *has_time = FALSE;
  if (sscanf (copy, "%2d%c%2d%c%4d%n", &d, &sep1, &m, &sep2, &y, &n) != 5 ||
      sep1 != sep2 || strchr ("/.-", sep1) == NULL || y < 1900)
    return NULL;
  if (copy[n] != '\0')
    {
      int n2 = 0;

      if (sscanf (copy + n, " %2d:%2d%n", &hh, &mm, &n2) != 2 || copy[n + n2] != '\0' ||
          hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return NULL;
      *has_time = TRUE;
    }
  return g_date_time_new_local (y, m, d, hh, mm, 0);
}

static PressoStaff *
current_staff (PressoScreeningPage *self)
{
  if (self->staff != NULL)
    return self->staff;
  if (self->store != NULL)
    return presso_store_get_actor (self->store);
  return NULL;
}

static void
add_toast (PressoScreeningPage *self,
           const char          *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  /* The bin's own child: not a bound template child, which dispose_template would unparent
   * behind AdwBin's back. */
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))), toast);
}

static void
set_modified (PressoScreeningPage *self,
              gboolean             modified)
{
  if (self->modified == modified)
    return;
  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
show_message (Question   *q,
              const char *message)
{
  q->invalid = message != NULL;
  gtk_label_set_label (q->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (q->message_label), message != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (q->entries); i++)
    if (q->entries[i] != NULL)
      {
        GtkAccessible *entry = GTK_ACCESSIBLE (q->entries[i]);

        /* Not colour alone: screen readers hear the answer is invalid, and why. */
        if (message != NULL)
          {
            gtk_widget_add_css_class (q->entries[i], "error");
            gtk_accessible_update_state (entry, GTK_ACCESSIBLE_STATE_INVALID,
                                         GTK_ACCESSIBLE_INVALID_TRUE, -1);
            gtk_accessible_update_relation (entry, GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                            q->message_label, NULL, -1);
          }
        else
          {
            gtk_widget_remove_css_class (q->entries[i], "error");
            gtk_accessible_reset_state (entry, GTK_ACCESSIBLE_STATE_INVALID);
            gtk_accessible_reset_relation (entry, GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
          }
      }
}

/* Reads one number part; NULL when it is fine, else the message to show. */
static char *
check_number (Question   *q,
              guint       part,
              double     *value)
{
  PressoScreeningItem *item = q->item;
  double min = presso_screening_item_get_minimum (item, part);
  double max = presso_screening_item_get_maximum (item, part);
  const char *label = presso_screening_item_get_part_label (item, part);
  g_autofree char *min_text = format_number (min);
  g_autofree char *max_text = format_number (max);
  g_autofree char *problem = NULL;

  if (!parse_number (gtk_editable_get_text (GTK_EDITABLE (q->entries[part])), value))
    /* Translators: under a number field that holds something else; %s: the allowed range */
    problem = g_strdup_printf (_("Not a number: type a number from %s to %s"), min_text, max_text);
  else if (*value < min || *value > max)
    /* Translators: under a number field; %s: the allowed range */
    problem = g_strdup_printf (_("Out of range: type a number from %s to %s"), min_text, max_text);
  else
    return NULL;

  if (label != NULL && presso_screening_item_get_n_parts (item) > 1)
    /* Translators: "Systolic: Not a number: ..." */
    return g_strdup_printf (_("%s: %s"), label, problem);
  return g_steal_pointer (&problem);
}

/* The answer the widgets of @q hold; NULL when unanswered or invalid (@message says why). */
static PressoScreeningAnswer *
read_answer (Question  *q,
             char     **message)
{
  PressoScreeningItem *item = q->item;
  PressoZones zones = PRESSO_ZONE_NONE;
  gboolean any = FALSE;
  double values[2];

  *message = NULL;
  switch (presso_screening_item_get_kind (item))
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (q->yes_button)))
        return presso_screening_answer_new_yes_no (TRUE);
      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (q->no_button)))
        return presso_screening_answer_new_yes_no (FALSE);
      return NULL;

    case PRESSO_SCREENING_KIND_ZONES:
      for (guint z = 0; z < PRESSO_N_ZONES; z++)
        if (q->zone_buttons[z] != NULL &&
            gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (q->zone_buttons[z])))
          {
            zones |= zone_order[z];
            any = TRUE;
          }
      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (q->none_button)))
        any = TRUE;
      return any ? presso_screening_answer_new_zones (zones) : NULL;

    case PRESSO_SCREENING_KIND_NUMBER:
    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      {
        guint n_parts = presso_screening_item_get_n_parts (item);
        guint n_empty = 0;

        for (guint part = 0; part < n_parts; part++)
          {
            g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (q->entries[part]))));

            if (text[0] == '\0')
              n_empty++;
          }
        if (n_empty == n_parts)
          return NULL;
        if (n_empty > 0)
          {
            *message = g_strdup (_("Type both values, or neither"));
            return NULL;
          }
        for (guint part = 0; part < n_parts; part++)
          if ((*message = check_number (q, part, &values[part])) != NULL)
            return NULL;
        return n_parts == 2 ? presso_screening_answer_new_pair (values[0], values[1])
                            : presso_screening_answer_new_number (values[0]);
      }

    case PRESSO_SCREENING_KIND_DATE:
      {
        g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (q->entries[0]))));
        g_autoptr(GDateTime) local = NULL;
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();
        g_autoptr(GDateTime) utc = NULL;
        gboolean has_time;

        gtk_widget_set_visible (GTK_WIDGET (q->note_label), FALSE);
        if (text[0] == '\0')
          return NULL;
        local = parse_date_time (text, &has_time);
        if (local == NULL)
          {
            *message = g_strdup (_("Not a date: type it as DD/MM/YYYY, and the time as HH:MM if known"));
            return NULL;
          }
        if (g_date_time_compare (local, now) > 0 &&
            !(g_date_time_get_year (local) == g_date_time_get_year (now) &&
              g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now) &&
              !has_time))
          {
            *message = g_strdup (_("This date is in the future"));
            return NULL;
          }
        if (!has_time)
          {
            gtk_label_set_label (q->note_label,
                                 _("No time given: the end of that day counts, so the wait can only be longer."));
            gtk_widget_set_visible (GTK_WIDGET (q->note_label), TRUE);
          }
        utc = g_date_time_to_utc (local);
        return presso_screening_answer_new_date (utc);
      }

    default:
      g_return_val_if_reached (NULL);
    }
}

/* Whether the parent of a follow-up question applies, so that the follow-up is asked. */
static gboolean
parent_applies (PressoScreeningPage *self,
                PressoScreeningItem *item)
{
  const char *parent_id = presso_screening_item_get_depends_on (item);
  const PressoScreeningAnswer *answer;

  if (parent_id == NULL)
    return TRUE;
  answer = presso_screening_get_answer (self->screening, parent_id);
  if (answer == NULL)
    return FALSE;
  switch (presso_screening_answer_get_kind (answer))
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      return presso_screening_answer_get_yes (answer);
    case PRESSO_SCREENING_KIND_ZONES:
      return presso_screening_answer_get_zones (answer) != PRESSO_ZONE_NONE;
    default:
      return TRUE;
    }
}

/* Stores what the widgets of @q say into the screening (or removes it), and shows any problem. */
static void
commit_question (Question *q)
{
  PressoScreeningPage *self = q->page;
  g_autoptr(PressoScreeningAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *id = presso_screening_item_get_id (q->item);

  if (self->updating > 0)
    return;

  if (gtk_widget_get_visible (q->row))
    answer = read_answer (q, &message);
  else
    show_message (q, NULL);

  if (answer != NULL && !presso_screening_set_answer (self->screening, self->rules, id, answer, &error))
    {
      message = g_strdup (error->message);
      g_clear_pointer (&answer, presso_screening_answer_free);
    }
  if (answer == NULL)
    presso_screening_set_answer (self->screening, self->rules, id, NULL, NULL);
  if (gtk_widget_get_visible (q->row))
    show_message (q, message);

  set_modified (self, TRUE);
  refresh (self);
}

static void
fill_question (Question *q)
{
  PressoScreeningPage *self = q->page;
  const PressoScreeningAnswer *answer = presso_screening_get_answer (self->screening,
                                                                     presso_screening_item_get_id (q->item));
  PressoScreeningKind kind = presso_screening_item_get_kind (q->item);

  self->updating++;
  switch (kind)
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->yes_button),
                                    answer && presso_screening_answer_get_yes (answer));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->no_button),
                                    answer && !presso_screening_answer_get_yes (answer));
      break;

    case PRESSO_SCREENING_KIND_ZONES:
      for (guint z = 0; z < PRESSO_N_ZONES; z++)
        if (q->zone_buttons[z] != NULL)
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->zone_buttons[z]),
                                        answer && (presso_screening_answer_get_zones (answer) & zone_order[z]));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->none_button),
                                    answer && presso_screening_answer_get_zones (answer) == PRESSO_ZONE_NONE);
      break;

    case PRESSO_SCREENING_KIND_NUMBER:
    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      for (guint part = 0; part < presso_screening_item_get_n_parts (q->item); part++)
        {
          g_autofree char *text = answer ? format_number (presso_screening_answer_get_number (answer, part)) : NULL;

          gtk_editable_set_text (GTK_EDITABLE (q->entries[part]), text ? text : "");
        }
      break;

    case PRESSO_SCREENING_KIND_DATE:
      {
        g_autoptr(GDateTime) local = answer ? g_date_time_to_local (presso_screening_answer_get_date (answer)) : NULL;
        g_autofree char *text = local ? g_date_time_format (local, "%d/%m/%Y %H:%M") : NULL;

        gtk_editable_set_text (GTK_EDITABLE (q->entries[0]), text ? text : "");
      }
      break;

    default:
      break;
    }
  self->updating--;
}

/* Callbacks of the question widgets */

static void
on_yes_no_toggled_cb (GtkToggleButton *button,
                      Question        *q)
{
  /* A group emits twice (one off, one on): act on the one that became active. */
  if (gtk_toggle_button_get_active (button))
    commit_question (q);
}

static void
on_zone_toggled_cb (GtkToggleButton *button,
                    Question        *q)
{
  PressoScreeningPage *self = q->page;

  if (self->updating > 0)
    return;

  self->updating++;
  if (gtk_toggle_button_get_active (button))
    {
      if (GTK_WIDGET (button) == q->none_button)
        {
          for (guint z = 0; z < PRESSO_N_ZONES; z++)
            if (q->zone_buttons[z] != NULL)
              gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->zone_buttons[z]), FALSE);
        }
      else
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->none_button), FALSE);
    }
  self->updating--;
  commit_question (q);
}

static void
on_entry_changed_cb (GtkEditable *editable,
                     Question    *q)
{
  commit_question (q);
}

/* The key that answers: Y and N, and the translation's own letters (O and N in French). */
static gboolean
is_answer_key (guint       keyval,
               const char *ascii,
               const char *translated)
{
  guint32 c = gdk_keyval_to_unicode (gdk_keyval_to_lower (keyval));

  return c != 0 && (c == (guint32) ascii[0] || c == g_utf8_get_char (translated));
}

static gboolean
on_yes_no_key_pressed_cb (GtkEventControllerKey *controller,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          Question              *q)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return GDK_EVENT_PROPAGATE;
  /* Translators: the key (one lower-case letter) that answers "Yes" on the screening form */
  if (is_answer_key (keyval, "y", C_("answer key", "y")))
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->yes_button), TRUE);
      gtk_widget_grab_focus (q->yes_button);
      return GDK_EVENT_STOP;
    }
  /* Translators: the key (one lower-case letter) that answers "No" on the screening form */
  if (is_answer_key (keyval, "n", C_("answer key", "n")))
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (q->no_button), TRUE);
      gtk_widget_grab_focus (q->no_button);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
on_calendar_show_cb (GtkPopover *popover,
                     Question   *q)
{
  gboolean has_time;
  g_autoptr(GDateTime) date = parse_date_time (gtk_editable_get_text (GTK_EDITABLE (q->entries[0])),
                                               &has_time);

  if (date == NULL)
    date = g_date_time_new_now_local ();
  gtk_calendar_select_day (q->calendar, date);
}

static void
on_calendar_day_selected_cb (GtkCalendar *calendar,
                             Question    *q)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  const char *old = gtk_editable_get_text (GTK_EDITABLE (q->entries[0]));
  const char *time = strchr (old, ' ');
  g_autofree char *day = g_date_time_format (date, "%d/%m/%Y");
  g_autofree char *text = g_strconcat (day, time ? time : "", NULL);

  gtk_editable_set_text (GTK_EDITABLE (q->entries[0]), text);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (q->calendar_button));
}

/* Building the form */

static char *
widget_name (PressoScreeningItem *item,
             const char          *what)
{
  return g_strdup_printf ("%s-%s", presso_screening_item_get_id (item), what);
}

/* The chosen answer carries a check mark: a pressed look alone is hard to tell apart,
 * above all in the dark style. */
static void
on_toggle_active_cb (GtkToggleButton *button,
                     GParamSpec      *pspec,
                     GtkWidget       *check)
{
  gtk_widget_set_visible (check, gtk_toggle_button_get_active (button));
}

static GtkWidget *
toggle_new (Question   *q,
            const char *label,
            const char *what)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *text = gtk_label_new (label);
  g_autofree char *name = widget_name (q->item, what);
  g_autofree char *accessible = g_strdup_printf ("%s %s", label, presso_screening_item_get_question (q->item));

  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (check, FALSE);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), text);
  gtk_button_set_child (GTK_BUTTON (button), box);
  g_signal_connect_object (button, "notify::active", G_CALLBACK (on_toggle_active_cb), check, 0);

  gtk_widget_set_name (button, name);
  gtk_widget_set_size_request (button, 72, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return button;
}

static GtkWidget *
number_entry_new (Question *q,
                  guint     part)
{
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *what = g_strdup_printf ("entry-%u", part);
  g_autofree char *name = widget_name (q->item, what);
  const char *part_label = presso_screening_item_get_part_label (q->item, part);
  const char *question = presso_screening_item_get_question (q->item);
  const char *unit = presso_screening_item_get_unit (q->item);
  g_autofree char *label = NULL;

  /* A screen reader reads the field alone ("Systolic"): name it with its question and unit. */
  if (part_label != NULL && unit != NULL)
    /* Translators: a number field's name for screen readers: question, part, unit,
     * e.g. "Blood pressure measured today: Systolic, in mmHg" */
    label = g_strdup_printf (_("%1$s: %2$s, in %3$s"), question, part_label, unit);
  else if (part_label != NULL)
    /* Translators: a number field's name for screen readers: question, part */
    label = g_strdup_printf (_("%1$s: %2$s"), question, part_label);
  else if (unit != NULL)
    /* Translators: a number field's name for screen readers: question, unit */
    label = g_strdup_printf (_("%1$s, in %2$s"), question, unit);
  else
    label = g_strdup (question);

  gtk_widget_set_name (entry, name);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 6);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed_cb), q);
  q->entries[part] = entry;
  return entry;
}

static GtkWidget *
unit_label_new (PressoScreeningItem *item)
{
  const char *unit = presso_screening_item_get_unit (item);
  GtkWidget *label;

  /* A number without a unit (the ankle-brachial index) is named by its abbreviation. */
  if (unit == NULL && g_str_equal (presso_screening_item_get_id (item), "ankle-brachial-index"))
    unit = C_("unit", "ABI");
  if (unit == NULL)
    return NULL;
  label = gtk_label_new (unit);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
controls_new (Question *q)
{
  PressoScreeningItem *item = q->item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *linked;
  GtkWidget *unit;

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  switch (presso_screening_item_get_kind (item))
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      {
        GtkEventController *keys = gtk_event_controller_key_new ();

        linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
        gtk_widget_add_css_class (linked, "linked");
        q->yes_button = toggle_new (q, _("Yes"), "yes");
        q->no_button = toggle_new (q, _("No"), "no");
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (q->no_button),
                                     GTK_TOGGLE_BUTTON (q->yes_button));
        g_signal_connect (q->yes_button, "toggled", G_CALLBACK (on_yes_no_toggled_cb), q);
        g_signal_connect (q->no_button, "toggled", G_CALLBACK (on_yes_no_toggled_cb), q);
        gtk_box_append (GTK_BOX (linked), q->yes_button);
        gtk_box_append (GTK_BOX (linked), q->no_button);
        gtk_box_append (GTK_BOX (box), linked);
        g_signal_connect (keys, "key-pressed", G_CALLBACK (on_yes_no_key_pressed_cb), q);
        gtk_widget_add_controller (q->row, keys);
      }
      break;

    case PRESSO_SCREENING_KIND_ZONES:
      linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      gtk_widget_add_css_class (linked, "linked");
      /* Translators: the answer "no region" to "Which regions?" */
      q->none_button = toggle_new (q, C_("zones", "None"), "none");
      g_signal_connect (q->none_button, "toggled", G_CALLBACK (on_zone_toggled_cb), q);
      gtk_box_append (GTK_BOX (linked), q->none_button);
      for (guint z = 0; z < PRESSO_N_ZONES; z++)
        {
          if (!(presso_screening_item_get_zones (item) & zone_order[z]))
            continue;
          q->zone_buttons[z] = toggle_new (q, presso_zone_to_label (zone_order[z]),
                                           presso_zone_to_id (zone_order[z]));
          g_signal_connect (q->zone_buttons[z], "toggled", G_CALLBACK (on_zone_toggled_cb), q);
          gtk_box_append (GTK_BOX (linked), q->zone_buttons[z]);
        }
      gtk_box_append (GTK_BOX (box), linked);
      break;

    case PRESSO_SCREENING_KIND_NUMBER:
      gtk_box_append (GTK_BOX (box), number_entry_new (q, 0));
      if ((unit = unit_label_new (item)) != NULL)
        gtk_box_append (GTK_BOX (box), unit);
      break;

    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      for (guint part = 0; part < 2; part++)
        {
          const char *label = presso_screening_item_get_part_label (item, part);

          if (label != NULL)
            {
              GtkWidget *part_label = gtk_label_new (label);

              gtk_widget_add_css_class (part_label, "dim-label");
              gtk_box_append (GTK_BOX (box), part_label);
            }
          gtk_box_append (GTK_BOX (box), number_entry_new (q, part));
        }
      if ((unit = unit_label_new (item)) != NULL)
        gtk_box_append (GTK_BOX (box), unit);
      break;

    case PRESSO_SCREENING_KIND_DATE:
      {
        GtkWidget *entry = gtk_entry_new ();
        GtkWidget *popover = gtk_popover_new ();
        GtkWidget *calendar = gtk_calendar_new ();
        g_autofree char *name = widget_name (item, "entry-0");
        g_autofree char *button_name = widget_name (item, "calendar");

        gtk_widget_set_name (entry, name);
        gtk_editable_set_width_chars (GTK_EDITABLE (entry), 16);
        gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("DD/MM/YYYY HH:MM"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        presso_screening_item_get_question (item), -1);
        g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed_cb), q);
        q->entries[0] = entry;

        q->calendar = GTK_CALENDAR (calendar);
        gtk_popover_set_child (GTK_POPOVER (popover), calendar);
        g_signal_connect (popover, "show", G_CALLBACK (on_calendar_show_cb), q);
        g_signal_connect (calendar, "day-selected", G_CALLBACK (on_calendar_day_selected_cb), q);
        q->calendar_button = gtk_menu_button_new ();
        gtk_widget_set_name (q->calendar_button, button_name);
        gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (q->calendar_button), "x-office-calendar-symbolic");
        gtk_menu_button_set_popover (GTK_MENU_BUTTON (q->calendar_button), popover);
        gtk_widget_set_tooltip_text (q->calendar_button, _("Pick the Date"));
        {
          /* Each date question has its button: a screen reader tells them apart by the
           * question. */
          /* Translators: the name a screen reader gives a date question's calendar button */
          g_autofree char *accessible = g_strdup_printf (_("Pick the date: %s"),
                                                         presso_screening_item_get_question (item));

          gtk_accessible_update_property (GTK_ACCESSIBLE (q->calendar_button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
        }
        gtk_widget_set_valign (q->calendar_button, GTK_ALIGN_CENTER);

        gtk_box_append (GTK_BOX (box), entry);
        gtk_box_append (GTK_BOX (box), q->calendar_button);
      }
      break;

    default:
      break;
    }
  return box;
}

static GtkWidget *
question_row_new (PressoScreeningPage *self,
                  Question            *q)
{
  PressoScreeningItem *item = q->item;
  PressoScreeningKind kind = presso_screening_item_get_kind (item);
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *question = wrapped_label_new (presso_screening_item_get_question (item), NULL);
  GtkWidget *help = wrapped_label_new (presso_screening_item_get_help (item), "caption");
  GtkWidget *controls;
  GtkWidget *message = wrapped_label_new (NULL, "caption");
  GtkWidget *note = wrapped_label_new (NULL, "caption");
  g_autofree char *row_name = widget_name (item, "row");
  g_autofree char *message_name = widget_name (item, "message");
  /* Wide controls go on a line of their own, so that a narrow window keeps the question readable. */
  gboolean below = kind == PRESSO_SCREENING_KIND_ZONES || kind == PRESSO_SCREENING_KIND_NUMBER_PAIR;

  q->row = row;
  gtk_widget_set_name (row, row_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), presso_screening_item_get_question (item));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Tab goes from answer to answer, not through the rows themselves. */
  gtk_widget_set_focusable (row, FALSE);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (help, "dim-label");
  gtk_box_append (GTK_BOX (text), question);
  gtk_box_append (GTK_BOX (text), help);
  gtk_box_append (GTK_BOX (line), text);

  controls = controls_new (q);
  if (below)
    {
      gtk_widget_set_halign (controls, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (box), line);
      gtk_box_append (GTK_BOX (box), controls);
    }
  else
    {
      gtk_box_append (GTK_BOX (line), controls);
      gtk_box_append (GTK_BOX (box), line);
    }

  gtk_widget_set_name (message, message_name);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_set_visible (message, FALSE);
  q->message_label = GTK_LABEL (message);
  gtk_box_append (GTK_BOX (box), message);

  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_visible (note, FALSE);
  q->note_label = GTK_LABEL (note);
  gtk_box_append (GTK_BOX (box), note);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
clear_form (PressoScreeningPage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->form_page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_ptr_array_set_size (self->questions, 0);
}

static void
build_form (PressoScreeningPage *self)
{
  const char * const *topics;

  clear_form (self);
  if (self->rules == NULL || self->screening == NULL)
    return;

  topics = presso_screening_rules_get_topics (self->rules);
  for (guint t = 0; topics[t] != NULL; t++)
    {
      AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

      adw_preferences_group_set_title (group,
                                       presso_screening_rules_get_topic_title (self->rules, topics[t]));
      for (guint i = 0; i < presso_screening_rules_get_n_items (self->rules); i++)
        {
          PressoScreeningItem *item = presso_screening_rules_get_item (self->rules, i);
          Question *q;

          if (g_strcmp0 (presso_screening_item_get_topic (item), topics[t]) != 0)
            continue;
          q = g_new0 (Question, 1);
          q->page = self;
          q->item = item;
          g_ptr_array_add (self->questions, q);
          adw_preferences_group_add (group, question_row_new (self, q));
          fill_question (q);
        }
      adw_preferences_page_add (self->form_page, group);
      g_ptr_array_add (self->groups, group);
    }
}

/* The result */

static GPtrArray *
reasons_for_zone (PressoScreeningResult *result,
                  PressoZones            zone)
{
  GPtrArray *all = presso_screening_result_get_reasons (result);
  GPtrArray *reasons = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      PressoScreeningReason *reason = g_ptr_array_index (all, i);

      if (reason->zone == zone)
        g_ptr_array_add (reasons, reason);
    }
  return reasons;
}

static void
on_decide_clicked_cb (GtkButton           *button,
                      PressoScreeningPage *self)
{
  const char *item_id = g_object_get_data (G_OBJECT (button), "item-id");
  PressoZones zone = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "zone"));

  presso_screening_page_open_decision (self, item_id, zone);
}

static GtkWidget *
reason_widget_new (PressoScreeningPage   *self,
                   PressoScreeningReason *reason)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  PressoScreeningItem *item = reason->item;
  const char *item_id = presso_screening_item_get_id (item);
  GtkWidget *label;

  gtk_box_append (GTK_BOX (box), wrapped_label_new (presso_screening_item_get_question (item), NULL));

  if (reason->status == PRESSO_ZONE_STATUS_CONTRAINDICATED)
    {
      const char *why = presso_screening_item_get_severity (item) == PRESSO_SCREENING_SEVERITY_ABSOLUTE
        ? _("Contraindicated: no session on any zone. An absolute contraindication cannot be lifted by a decision.")
        : _("Contraindicated: no session on this zone. This cannot be lifted by a decision.");

      label = wrapped_label_new (why, "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
  else if (reason->decision != NULL)
    {
      const PressoScreeningDecision *decision = reason->decision;
      g_autofree char *who = presso_describe_change (self->store, decision->decided_at,
                                                     decision->decided_by);
      g_autofree char *text = NULL;

      /* Translators: %s: "24/11/2026 13:05 by Claire Martin", then the practitioner's reason */
      text = g_strdup_printf (_("Decided %s: “%s”"), who ? who : "", decision->reason);
      label = wrapped_label_new (text, "caption");
      gtk_box_append (GTK_BOX (box), label);
      if (decision->letter_date != NULL)
        {
          g_autoptr(GDateTime) local = g_date_time_to_local (decision->letter_date);
          g_autofree char *day = g_date_time_format (local, "%d/%m/%Y");
          g_autofree char *letter = g_strdup_printf (_("Doctor’s clearance letter of %s"), day);

          label = wrapped_label_new (letter, "caption");
          gtk_widget_add_css_class (label, "dim-label");
          gtk_box_append (GTK_BOX (box), label);
        }
    }
  else
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Record Decision…"));
      g_autofree char *name = g_strdup_printf ("decide-%s-%s", item_id, presso_zone_to_id (reason->zone));
      g_autofree char *accessible = g_strdup_printf (_("Record a decision for %s: %s"),
                                                     presso_zone_to_label (reason->zone),
                                                     presso_screening_item_get_question (item));

      label = wrapped_label_new (_("Relative contraindication: a practitioner decides and records why."),
                                 "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);

      gtk_widget_set_name (button, name);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      g_object_set_data_full (G_OBJECT (button), "item-id", g_strdup (item_id), g_free);
      g_object_set_data (G_OBJECT (button), "zone", GUINT_TO_POINTER (reason->zone));
      g_signal_connect (button, "clicked", G_CALLBACK (on_decide_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  return box;
}

static void
update_result (PressoScreeningPage *self)
{
  const char * const *missing = presso_screening_result_get_missing (self->result);
  guint n_missing = g_strv_length ((char **) missing);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_box))) != NULL)
    gtk_box_remove (self->summary_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_box))) != NULL)
    gtk_box_remove (self->result_box, child);

  {
    GtkWidget *title = wrapped_label_new (_("Result per Zone"), "title-4");

    gtk_box_append (self->result_box, title);
  }

  if (n_missing > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u question still to answer: the result is not final.",
                                                            "%u questions still to answer: the result is not final.",
                                                            n_missing), n_missing);
      GtkWidget *label = wrapped_label_new (text, NULL);

      gtk_widget_set_name (label, "missing-label");
      gtk_widget_add_css_class (label, "warning");
      gtk_box_append (self->result_box, label);
    }

  for (guint z = 0; z < PRESSO_N_ZONES; z++)
    {
      PressoZones zone = zone_order[z];
      PressoZoneStatus status = presso_screening_result_get_zone_status (self->result, zone);
      guint cap = presso_screening_result_get_pressure_cap (self->result, zone);
      g_autoptr(GPtrArray) reasons = reasons_for_zone (self->result, zone);
      const char *zone_id = presso_zone_to_id (zone);
      g_autofree char *icon_name = g_strdup_printf ("zone-%s-icon", zone_id);
      g_autofree char *status_name = g_strdup_printf ("zone-%s-status", zone_id);
      g_autofree char *summary_text = NULL;
      GtkWidget *card, *header, *label, *summary;

      /* The strip above the form: every zone at a glance, on any window width (on a narrow
       * one, all there is of the result).  A zone nothing has stopped yet is not "Cleared"
       * while questions are unanswered: no green check on an empty form. */
      summary = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      if (n_missing > 0 && status == PRESSO_ZONE_STATUS_CLEARED)
        {
          /* Translators: "Legs: Not final", a zone while questions are still unanswered */
          summary_text = g_strdup_printf (_("%s: %s"), presso_zone_to_label (zone),
                                          _("Not final"));
        }
      else
        {
          gtk_box_append (GTK_BOX (summary), status_icon_new (status, NULL));
          /* Translators: "Legs: Cleared" */
          summary_text = g_strdup_printf (_("%s: %s"), presso_zone_to_label (zone),
                                          presso_zone_status_to_label (status));
        }
      label = gtk_label_new (summary_text);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, "heading");
      if (n_missing > 0 && status == PRESSO_ZONE_STATUS_CLEARED)
        gtk_widget_add_css_class (label, "dim-label");
      {
        g_autofree char *summary_name = g_strdup_printf ("zone-%s-summary", zone_id);

        gtk_widget_set_name (label, summary_name);
      }
      gtk_box_append (GTK_BOX (summary), label);
      gtk_box_append (self->summary_box, summary);

      card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
      gtk_widget_add_css_class (card, "card");
      gtk_widget_set_name (card, zone_id);

      header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      gtk_widget_set_margin_top (header, 12);
      gtk_widget_set_margin_start (header, 12);
      gtk_widget_set_margin_end (header, 12);
      gtk_box_append (GTK_BOX (header), status_icon_new (status, icon_name));
      label = gtk_label_new (presso_zone_to_label (zone));
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (header), label);
      label = gtk_label_new (presso_zone_status_to_label (status));
      gtk_widget_set_name (label, status_name);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (label, status_style_class (status));
      gtk_box_append (GTK_BOX (header), label);
      gtk_box_append (GTK_BOX (card), header);

      if (cap > 0 && status != PRESSO_ZONE_STATUS_CONTRAINDICATED)
        {
          g_autofree char *text = g_strdup_printf (_("Pressure limited to %u mmHg"), cap);
          g_autofree char *cap_name = g_strdup_printf ("zone-%s-cap", zone_id);

          label = wrapped_label_new (text, "heading");
          gtk_widget_set_name (label, cap_name);
          gtk_widget_set_margin_start (label, 12);
          gtk_widget_set_margin_end (label, 12);
          gtk_box_append (GTK_BOX (card), label);
        }

      if (reasons->len == 0)
        {
          label = wrapped_label_new (_("Nothing in the answers stops a session on this zone."), "caption");
          gtk_widget_add_css_class (label, "dim-label");
          gtk_widget_set_margin_start (label, 12);
          gtk_widget_set_margin_end (label, 12);
          gtk_box_append (GTK_BOX (card), label);
        }
      for (guint i = 0; i < reasons->len; i++)
        {
          GtkWidget *reason = reason_widget_new (self, g_ptr_array_index (reasons, i));

          gtk_widget_set_margin_start (reason, 12);
          gtk_widget_set_margin_end (reason, 12);
          gtk_box_append (GTK_BOX (card), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
          gtk_box_append (GTK_BOX (card), reason);
        }
      gtk_widget_set_margin_bottom (gtk_widget_get_last_child (card), 12);
      gtk_box_append (self->result_box, card);
    }

  if (n_missing > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u to answer", "%u to answer",
                                                            n_missing), n_missing);
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->summary_box, label);
    }
}

static void
refresh (PressoScreeningPage *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (self->rules == NULL || self->screening == NULL)
    return;

  /* Follow-up questions are asked only when their parent applies. */
  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *q = g_ptr_array_index (self->questions, i);
      gboolean asked = parent_applies (self, q->item);

      if (asked != gtk_widget_get_visible (q->row))
        {
          gtk_widget_set_visible (q->row, asked);
          self->updating++;
          /* Hidden: its answer no longer counts.  Shown again: what is typed counts again. */
          if (!asked)
            {
              presso_screening_set_answer (self->screening, self->rules,
                                           presso_screening_item_get_id (q->item), NULL, NULL);
              show_message (q, NULL);
            }
          self->updating--;
          if (asked)
            {
              g_autofree char *message = NULL;
              g_autoptr(PressoScreeningAnswer) answer = read_answer (q, &message);

              if (answer != NULL)
                presso_screening_set_answer (self->screening, self->rules,
                                             presso_screening_item_get_id (q->item), answer, NULL);
              show_message (q, message);
            }
        }
    }

  now = g_date_time_new_now_utc ();
  g_clear_object (&self->result);
  self->result = presso_screening_evaluate (self->screening, self->rules, now);
  update_result (self);
}

/* Decisions */

static void
on_decision_recorded_cb (const PressoScreeningDecision *decision,
                         gpointer                       user_data)
{
  PressoScreeningPage *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  if (!presso_screening_add_decision (self->screening, self->rules, decision, now, &error))
    {
      add_toast (self, error->message);
      return;
    }
  set_modified (self, TRUE);
  refresh (self);
}

/* Signal handlers and actions */

static void
on_cancel_response_cb (AdwMessageDialog    *dialog,
                       const char          *response,
                       PressoScreeningPage *self)
{
  if (g_str_equal (response, "discard"))
    {
      set_modified (self, FALSE);
      g_signal_emit (self, signals[CANCELLED], 0);
    }
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PressoScreeningPage *self = PRESSO_SCREENING_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!presso_screening_page_save (self, &error) &&
      !g_error_matches (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INCOMPLETE) &&
      !g_error_matches (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                  _("The Screening Was Not Saved"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  presso_screening_page_cancel (PRESSO_SCREENING_PAGE (widget));
}

/* GObject */

static void
presso_screening_page_dispose (GObject *object)
{
  PressoScreeningPage *self = PRESSO_SCREENING_PAGE (object);

  /* Widgets going away must not answer anything. */
  self->updating++;
  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_SCREENING_PAGE);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  g_clear_object (&self->result);
  g_clear_object (&self->screening);
  g_clear_object (&self->rules);
  g_clear_object (&self->store);
  g_clear_object (&self->staff);

  G_OBJECT_CLASS (presso_screening_page_parent_class)->dispose (object);
}

static void
presso_screening_page_finalize (GObject *object)
{
  PressoScreeningPage *self = PRESSO_SCREENING_PAGE (object);

  g_free (self->title);
  g_free (self->intro);

  G_OBJECT_CLASS (presso_screening_page_parent_class)->finalize (object);
}

static void
presso_screening_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PressoScreeningPage *self = PRESSO_SCREENING_PAGE (object);

  switch (prop_id)
    {
    case PROP_RULES:
      g_value_set_object (value, self->rules);
      break;
    case PROP_SCREENING:
      g_value_set_object (value, self->screening);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STAFF:
      g_value_set_object (value, self->staff);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_screening_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PressoScreeningPage *self = PRESSO_SCREENING_PAGE (object);

  switch (prop_id)
    {
    case PROP_RULES:
      if (g_set_object (&self->rules, g_value_get_object (value)))
        {
          build_form (self);
          refresh (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SCREENING:
      if (g_set_object (&self->screening, g_value_get_object (value)))
        {
          build_form (self);
          set_modified (self, FALSE);
          refresh (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_STORE:
      if (g_set_object (&self->store, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_STAFF:
      presso_screening_page_set_staff (self, g_value_get_object (value));
      break;
    case PROP_TITLE:
      if (g_strcmp0 (self->title, g_value_get_string (value)) != 0)
        {
          g_free (self->title);
          self->title = g_value_dup_string (value);
          adw_window_title_set_subtitle (self->window_title, self->title ? self->title : "");
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_screening_page_class_init (PressoScreeningPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_screening_page_dispose;
  object_class->finalize = presso_screening_page_finalize;
  object_class->get_property = presso_screening_page_get_property;
  object_class->set_property = presso_screening_page_set_property;

  properties[PROP_RULES] =
    g_param_spec_object ("rules", NULL, NULL, PRESSO_TYPE_SCREENING_RULES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCREENING] =
    g_param_spec_object ("screening", NULL, NULL, PRESSO_TYPE_SCREENING,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAFF] =
    g_param_spec_object ("staff", NULL, NULL, PRESSO_TYPE_STAFF,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, PRESSO_TYPE_SCREENING);
  signals[CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-screening-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, summary_box);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, flap);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, form_page);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, intro_group);
  gtk_widget_class_bind_template_child (widget_class, PressoScreeningPage, result_box);

  gtk_widget_class_install_action (widget_class, "screening.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "screening.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "screening.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "screening.cancel", NULL);
}

static void
presso_screening_page_init (PressoScreeningPage *self)
{
  self->questions = g_ptr_array_new_with_free_func (g_free);
  self->groups = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

/**
 * presso_screening_page_new:
 * @rules: the questions
 * @screening: the unsaved version to fill in (the page edits it)
 * @store: (nullable): where Save stores it
 *
 * Returns: (transfer full): a new screening form
 */
GtkWidget *
presso_screening_page_new (PressoScreeningRules *rules,
                           PressoScreening      *screening,
                           PressoStore          *store)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), NULL);
  g_return_val_if_fail (PRESSO_IS_SCREENING (screening), NULL);
  g_return_val_if_fail (!store || PRESSO_IS_STORE (store), NULL);

  return g_object_new (PRESSO_TYPE_SCREENING_PAGE,
                       "rules", rules,
                       "screening", screening,
                       "store", store,
                       NULL);
}

/**
 * presso_screening_page_get_rules:
 *
 * Returns: (transfer none): the rules the form asks
 */
PressoScreeningRules *
presso_screening_page_get_rules (PressoScreeningPage *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_PAGE (self), NULL);

  return self->rules;
}

/**
 * presso_screening_page_get_screening:
 *
 * Returns: (transfer none): the screening the form fills in
 */
PressoScreening *
presso_screening_page_get_screening (PressoScreeningPage *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_PAGE (self), NULL);

  return self->screening;
}

void
presso_screening_page_set_staff (PressoScreeningPage *self,
                                 PressoStaff         *staff)
{
  g_return_if_fail (PRESSO_IS_SCREENING_PAGE (self));
  g_return_if_fail (!staff || PRESSO_IS_STAFF (staff));

  if (g_set_object (&self->staff, staff))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAFF]);
}

gboolean
presso_screening_page_get_modified (PressoScreeningPage *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_PAGE (self), FALSE);

  return self->modified;
}

/**
 * presso_screening_page_evaluate:
 *
 * Returns: (transfer full): the verdict of the answers as they stand now
 */
PressoScreeningResult *
presso_screening_page_evaluate (PressoScreeningPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (PRESSO_IS_SCREENING_PAGE (self), NULL);
  g_return_val_if_fail (self->screening != NULL && self->rules != NULL, NULL);

  return presso_screening_evaluate (self->screening, self->rules, now);
}

static Question *
find_question (PressoScreeningPage *self,
               const char          *item_id)
{
  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *q = g_ptr_array_index (self->questions, i);

      if (g_strcmp0 (presso_screening_item_get_id (q->item), item_id) == 0)
        return q;
    }
  return NULL;
}

static void
focus_question (Question *q)
{
  GtkWidget *target = q->entries[0] ? q->entries[0]
                    : q->yes_button ? q->yes_button
                    : q->none_button;

  if (target != NULL)
    gtk_widget_grab_focus (target);
}

gboolean
presso_screening_page_save (PressoScreeningPage  *self,
                            GError              **error)
{
  g_autoptr(PressoScreeningResult) result = NULL;
  const char * const *missing;
  PressoStaff *staff;

  g_return_val_if_fail (PRESSO_IS_SCREENING_PAGE (self), FALSE);
  g_return_val_if_fail (self->screening != NULL && self->rules != NULL, FALSE);

  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *q = g_ptr_array_index (self->questions, i);

      if (q->invalid && gtk_widget_get_visible (q->row))
        {
          focus_question (q);
          add_toast (self, _("An answer is not valid: the message under it says why"));
          g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER,
                       "%s: %s", presso_screening_item_get_question (q->item),
                       gtk_label_get_label (q->message_label));
          return FALSE;
        }
    }

  result = presso_screening_page_evaluate (self);
  missing = presso_screening_result_get_missing (result);
  if (missing[0] != NULL)
    {
      guint n = g_strv_length ((char **) missing);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Answer every question first: %u left",
                                                            "Answer every question first: %u left",
                                                            n), n);
      Question *q = find_question (self, missing[0]);

      if (q != NULL)
        focus_question (q);
      add_toast (self, text);
      g_set_error_literal (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INCOMPLETE, text);
      return FALSE;
    }

  presso_screening_set_rules_version (self->screening, presso_screening_rules_get_version (self->rules));
  staff = current_staff (self);
  if (staff != NULL && presso_screening_get_screened_by (self->screening) == 0)
    presso_screening_set_screened_by (self->screening, presso_staff_get_id (staff));

  if (self->store != NULL && !presso_store_insert_screening (self->store, self->screening, error))
    return FALSE;

  set_modified (self, FALSE);
  g_signal_emit (self, signals[SAVED], 0, self->screening);
  return TRUE;
}

void
presso_screening_page_cancel (PressoScreeningPage *self)
{
  GtkWidget *dialog;

  g_return_if_fail (PRESSO_IS_SCREENING_PAGE (self));

  if (!self->modified)
    {
      g_signal_emit (self, signals[CANCELLED], 0);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Discard the Answers?"),
                                   _("The answers and decisions of this screening are not saved yet. "
                                     "Discarding them loses them."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
presso_screening_page_open_decision (PressoScreeningPage *self,
                                     const char          *item_id,
                                     PressoZones          zone)
{
  PressoScreeningItem *item;
  PressoScreeningReason *found = NULL;
  GPtrArray *reasons;
  PressoStaff *staff;

  g_return_val_if_fail (PRESSO_IS_SCREENING_PAGE (self), FALSE);
  g_return_val_if_fail (item_id != NULL, FALSE);

  item = presso_screening_rules_lookup (self->rules, item_id);
  reasons = self->result ? presso_screening_result_get_reasons (self->result) : NULL;
  for (guint i = 0; reasons != NULL && i < reasons->len; i++)
    {
      PressoScreeningReason *reason = g_ptr_array_index (reasons, i);

      if (reason->item == item && reason->zone == zone &&
          reason->status == PRESSO_ZONE_STATUS_NEEDS_DECISION)
        found = reason;
    }
  if (item == NULL || found == NULL)
    return FALSE;

  staff = current_staff (self);
  if (staff != NULL && presso_staff_get_role (staff) == PRESSO_ROLE_RECEPTIONIST)
    {
      add_toast (self, _("Only a practitioner or a manager can record a decision"));
      return FALSE;
    }

  presso_screening_decision_dialog_present (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                            item, zone, found->pressure_cap, staff,
                                            on_decision_recorded_cb, g_object_ref (self),
                                            g_object_unref);
  return TRUE;
}

/**
 * presso_screening_page_set_based_on:
 * @previous: (nullable): the stored version the answers were copied from
 *
 * Says above the questions that the answers come from @previous, so that each is gone through
 * with the client again rather than taken as it stands.
 */
void
presso_screening_page_set_based_on (PressoScreeningPage *self,
                                    PressoScreening     *previous)
{
  g_autofree char *who = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (PRESSO_IS_SCREENING_PAGE (self));
  g_return_if_fail (!previous || PRESSO_IS_SCREENING (previous));

  if (self->intro == NULL)
    self->intro = g_strdup (adw_preferences_group_get_description (self->intro_group));
  if (previous == NULL)
    {
      adw_preferences_group_set_description (self->intro_group, self->intro);
      return;
    }
  who = presso_describe_change (self->store, presso_screening_get_screened_at (previous),
                                presso_screening_get_screened_by (previous));
  /* Translators: %d: a version number; %s: "24/11/2026 13:05 by Claire Martin" */
  text = g_strdup_printf (_("These answers come from version %d, %s: go through each with the client."),
                          presso_screening_get_version (previous), who ? who : "");
  {
    g_autofree char *description = g_strconcat (text, "\n", self->intro, NULL);

    adw_preferences_group_set_description (self->intro_group, description);
  }
}

/* The form in a window of its own */

typedef struct
{
  PressoScreeningSavedFunc on_saved;
  gpointer                 user_data;
} WindowData;

static void
window_data_free (gpointer  data,
                  GClosure *closure)
{
  g_free (data);
}

static gboolean
destroy_window_cb (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

/* Closes the form's window once the signal (often a message dialog's response, a dialog
 * transient for this window) is over: the dialog must not outlive its parent. */
static void
close_window_later (PressoScreeningPage *page)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  gtk_widget_set_sensitive (GTK_WIDGET (page), FALSE);
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_window_cb, g_object_ref (root), g_object_unref);
}

static void
on_window_saved_cb (PressoScreeningPage *page,
                    PressoScreening     *screening,
                    WindowData          *data)
{
  if (data->on_saved != NULL)
    data->on_saved (screening, data->user_data);
  close_window_later (page);
}

static void
on_window_cancelled_cb (PressoScreeningPage *page,
                        gpointer             user_data)
{
  close_window_later (page);
}

static gboolean
on_window_close_request_cb (GtkWindow           *window,
                            PressoScreeningPage *page)
{
  if (!presso_screening_page_get_modified (page))
    return FALSE;
  presso_screening_page_cancel (page);
  return TRUE;
}

GtkWindow *
presso_screening_page_open_window (GtkWindow                *parent,
                                   PressoStore              *store,
                                   PressoScreeningRules     *rules,
                                   gint64                    client_id,
                                   PressoScreening          *current,
                                   const char               *client_name,
                                   PressoScreeningSavedFunc  on_saved,
                                   gpointer                  user_data)
{
  g_autoptr(PressoScreening) screening = NULL;
  GtkWidget *window, *page;
  WindowData *data;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), NULL);
  g_return_val_if_fail (!current || PRESSO_IS_SCREENING (current), NULL);

  screening = current ? presso_screening_new_version (current) : presso_screening_new (client_id);
  page = presso_screening_page_new (rules, screening, store);
  g_object_set (page, "title", client_name, NULL);
  presso_screening_page_set_based_on (PRESSO_SCREENING_PAGE (page), current);

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Contraindication Screening"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 1080, 760);
  adw_window_set_content (ADW_WINDOW (window), page);

  data = g_new0 (WindowData, 1);
  data->on_saved = on_saved;
  data->user_data = user_data;
  g_signal_connect_data (page, "saved", G_CALLBACK (on_window_saved_cb), data,
                         window_data_free, 0);
  g_signal_connect (page, "cancelled", G_CALLBACK (on_window_cancelled_cb), NULL);
  g_signal_connect (window, "close-request", G_CALLBACK (on_window_close_request_cb), page);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}
