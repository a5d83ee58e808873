/* presso-measurements-group.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every point has its row from the start; changing the garments moves rows between the two
 * lists, so that nothing typed is lost on the way, and a row with a value stays in view.
 * Enter in an entry moves on to the next one: a practitioner measures limb after limb with the
 * tape in one hand.
 */
#define G_LOG_DOMAIN "presso-measurements"
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "presso-measurements-group.h"
#include "presso-application.h"

typedef struct
{
  const PressoMeasurePoint *point;
  guint                     index;
  GtkWidget                *row;      /* AdwActionRow, owned by the list it is in */
  GtkEntry                 *entry;
  char                     *problem;  /* what is wrong with what is typed, or NULL */
  double                    reference; /* the value before the session, or NAN */
} Row;

struct _PressoMeasurementsGroup
{
  AdwBin       parent_instance;

  gboolean     after;
  guint        garments;
  GPtrArray   *rows;   /* Row, in catalogue order */

  GtkListBox  *offered_list;
  GtkExpander *more_expander;
  GtkListBox  *more_list;
  GtkLabel    *problem_label;
};

G_DEFINE_FINAL_TYPE (PressoMeasurementsGroup, presso_measurements_group, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_AFTER,
  PROP_GARMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ helpers */

static void
row_free (Row *row)
{
  g_free (row->problem);
  g_free (row);
}

static Row *
find_row (PressoMeasurementsGroup *self,
          const char              *point)
{
  guint index = presso_measure_point_index (point);

  return index < self->rows->len ? g_ptr_array_index (self->rows, index) : NULL;
}

static gboolean
row_has_text (Row *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  return stripped[0] != '\0';
}

static gboolean
row_offered (PressoMeasurementsGroup *self,
             Row                     *row)
{
  return g_strcmp0 (row->point->id, PRESSO_MEASURE_POINT_WEIGHT) == 0 ||
         presso_measure_point_matches_garments (row->point, self->garments) ||
         !isnan (row->reference) ||
         row_has_text (row);
}

static void
label_entry (PressoMeasurementsGroup *self,
             Row                     *row)
{
  g_autofree char *label = NULL;

  label = g_strdup_printf (self->after
                           /* Translators: an entry for screen readers: "Left calf after the session, in cm" */
                           ? _("%s after the session, in %s")
                           /* Translators: an entry for screen readers: "Left calf before the session, in cm" */
                           : _("%s before the session, in %s"),
                           presso_measure_point_get_label (row->point),
                           presso_measure_unit_to_label (row->point->unit));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_problems (PressoMeasurementsGroup *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      if (row->problem == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, row->problem);
    }
  gtk_label_set_label (self->problem_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), text->len > 0);
}

static void
place_rows (PressoMeasurementsGroup *self)
{
  guint n_more = 0;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      GtkListBox *wanted = row_offered (self, row) ? self->offered_list : self->more_list;
      GtkWidget *parent = gtk_widget_get_parent (row->row);

      if (wanted == self->more_list)
        n_more++;
      if (parent == GTK_WIDGET (wanted))
        continue;
      g_object_ref (row->row);
      if (parent != NULL)
        gtk_list_box_remove (GTK_LIST_BOX (parent), row->row);
      gtk_list_box_append (wanted, row->row);
      g_object_unref (row->row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_expander), n_more > 0);
}

/* ------------------------------------------------------------------ callbacks */

static int
sort_rows (GtkListBoxRow *a,
           GtkListBoxRow *b,
           gpointer       user_data)
{
  guint ia = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (a), "index"));
  guint ib = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (b), "index"));

  return ia < ib ? -1 : ia > ib;
}

static void
on_entry_changed_cb (GtkEditable             *entry,
                     PressoMeasurementsGroup *self)
{
  Row *row = g_object_get_data (G_OBJECT (entry), "measure-row");
  g_autoptr(GError) error = NULL;
  double value;

  g_clear_pointer (&row->problem, g_free);
  if (!presso_measure_point_parse (row->point, gtk_editable_get_text (entry), &value, &error))
    row->problem = g_strdup (error->message);
  /* Marked three ways: the error colour, an icon and the message under the list. */
  if (row->problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_entry_set_icon_from_icon_name (row->entry, GTK_ENTRY_ICON_SECONDARY, "dialog-warning-symbolic");
      gtk_entry_set_icon_tooltip_text (row->entry, GTK_ENTRY_ICON_SECONDARY, row->problem);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      gtk_entry_set_icon_from_icon_name (row->entry, GTK_ENTRY_ICON_SECONDARY, NULL);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  row->problem ? row->problem : presso_measure_point_get_where (row->point),
                                  -1);
  update_problems (self);
}

/* Enter goes on to the next point shown. */
static void
on_entry_activate_cb (GtkEntry                *entry,
                      PressoMeasurementsGroup *self)
{
  Row *row = g_object_get_data (G_OBJECT (entry), "measure-row");
  gboolean more_open = gtk_expander_get_expanded (self->more_expander);

  for (guint i = row->index + 1; i < self->rows->len; i++)
    {
      Row *next = g_ptr_array_index (self->rows, i);

      if (gtk_widget_get_parent (next->row) == GTK_WIDGET (self->offered_list) ||
          (more_open && gtk_widget_get_parent (next->row) == GTK_WIDGET (self->more_list)))
        {
          gtk_widget_grab_focus (GTK_WIDGET (next->entry));
          return;
        }
    }
  /* The last one: on to whatever follows the group. */
  gtk_widget_child_focus (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self))), GTK_DIR_TAB_FORWARD);
}

static Row *
create_row (PressoMeasurementsGroup  *self,
            guint                     index)
{
  const PressoMeasurePoint *point = presso_measure_points_get (index);
  Row *row = g_new0 (Row, 1);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *unit = gtk_label_new (presso_measure_unit_to_label (point->unit));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  row->point = point;
  row->index = index;
  row->reference = NAN;
  row->row = adw_action_row_new ();
  row->entry = GTK_ENTRY (entry);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), presso_measure_point_get_label (point));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row), presso_measure_point_get_where (point));
  g_object_set_data (G_OBJECT (row->row), "index", GUINT_TO_POINTER (index));

  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 5);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 6);
  gtk_editable_set_alignment (GTK_EDITABLE (entry), 1.0);
  gtk_entry_set_input_purpose (row->entry, GTK_INPUT_PURPOSE_NUMBER);
  gtk_entry_set_placeholder_text (row->entry, "–");
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (entry), "measure-row", row);
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed_cb), self);
  g_signal_connect (entry, "activate", G_CALLBACK (on_entry_activate_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  presso_measure_point_get_where (point), -1);

  gtk_label_set_width_chars (GTK_LABEL (unit), 2);
  gtk_label_set_xalign (GTK_LABEL (unit), 0);
  gtk_widget_add_css_class (unit, "dim-label");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), unit);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), box);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row->row), entry);
  label_entry (self, row);
  return row;
}

/* ------------------------------------------------------------------ GObject */

static void
presso_measurements_group_dispose (GObject *object)
{
  PressoMeasurementsGroup *self = PRESSO_MEASUREMENTS_GROUP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_MEASUREMENTS_GROUP);
  G_OBJECT_CLASS (presso_measurements_group_parent_class)->dispose (object);
}

static void
presso_measurements_group_finalize (GObject *object)
{
  PressoMeasurementsGroup *self = PRESSO_MEASUREMENTS_GROUP (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (presso_measurements_group_parent_class)->finalize (object);
}

static void
presso_measurements_group_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  PressoMeasurementsGroup *self = PRESSO_MEASUREMENTS_GROUP (object);

  switch (prop_id)
    {
    case PROP_AFTER:
      g_value_set_boolean (value, self->after);
      break;
    case PROP_GARMENTS:
      g_value_set_uint (value, self->garments);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_measurements_group_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  PressoMeasurementsGroup *self = PRESSO_MEASUREMENTS_GROUP (object);

  switch (prop_id)
    {
    case PROP_AFTER:
      presso_measurements_group_set_after (self, g_value_get_boolean (value));
      break;
    case PROP_GARMENTS:
      presso_measurements_group_set_garments (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_measurements_group_class_init (PressoMeasurementsGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_measurements_group_dispose;
  object_class->finalize = presso_measurements_group_finalize;
  object_class->get_property = presso_measurements_group_get_property;
  object_class->set_property = presso_measurements_group_set_property;

  properties[PROP_AFTER] =
    g_param_spec_boolean ("after", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GARMENTS] =
    g_param_spec_uint ("garments", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-measurements-group.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoMeasurementsGroup, offered_list);
  gtk_widget_class_bind_template_child (widget_class, PressoMeasurementsGroup, more_expander);
  gtk_widget_class_bind_template_child (widget_class, PressoMeasurementsGroup, more_list);
  gtk_widget_class_bind_template_child (widget_class, PressoMeasurementsGroup, problem_label);
}

static void
presso_measurements_group_init (PressoMeasurementsGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  gtk_list_box_set_sort_func (self->offered_list, sort_rows, NULL, NULL);
  gtk_list_box_set_sort_func (self->more_list, sort_rows, NULL, NULL);
  for (guint i = 0; i < presso_measure_points_get_n (); i++)
    g_ptr_array_add (self->rows, create_row (self, i));
  place_rows (self);
}

/* ------------------------------------------------------------------ public API */

GtkWidget *
presso_measurements_group_new (void)
{
  return g_object_new (PRESSO_TYPE_MEASUREMENTS_GROUP, NULL);
}

gboolean
presso_measurements_group_get_after (PressoMeasurementsGroup *self)
{
  g_return_val_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self), FALSE);
  return self->after;
}

void
presso_measurements_group_set_after (PressoMeasurementsGroup *self,
                                     gboolean                 after)
{
  g_return_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self));

  after = !!after;
  if (self->after == after)
    return;
  self->after = after;
  for (guint i = 0; i < self->rows->len; i++)
    label_entry (self, g_ptr_array_index (self->rows, i));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AFTER]);
}

guint
presso_measurements_group_get_garments (PressoMeasurementsGroup *self)
{
  g_return_val_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self), 0);
  return self->garments;
}

void
presso_measurements_group_set_garments (PressoMeasurementsGroup *self,
                                        guint                    garments)
{
  g_return_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self));

  if (self->garments == garments)
    return;
  self->garments = garments;
  place_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GARMENTS]);
}

void
presso_measurements_group_clear (PressoMeasurementsGroup *self)
{
  g_return_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self));

  for (guint i = 0; i < self->rows->len; i++)
    gtk_editable_set_text (GTK_EDITABLE (((Row *) g_ptr_array_index (self->rows, i))->entry), "");
  place_rows (self);
}

void
presso_measurements_group_set_references (PressoMeasurementsGroup *self,
                                          GArray                  *values)
{
  g_return_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self));

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      g_autofree char *subtitle = NULL;

      row->reference = NAN;
      for (guint j = 0; values != NULL && j < values->len; j++)
        if (g_array_index (values, PressoMeasuredValue, j).point == row->point)
          row->reference = g_array_index (values, PressoMeasuredValue, j).value;
      if (!isnan (row->reference))
        {
          g_autofree char *value = presso_measure_point_format (row->point, row->reference);

          /* Translators: a row's subtitle after the session: the value taken before it */
          subtitle = g_strdup_printf (_("Before: %s"), value);
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row),
                                   subtitle ? subtitle : presso_measure_point_get_where (row->point));
    }
  place_rows (self);
}

GtkEditable *
presso_measurements_group_get_entry (PressoMeasurementsGroup *self,
                                     const char              *point)
{
  Row *row;

  g_return_val_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self), NULL);

  row = find_row (self, point);
  return row ? GTK_EDITABLE (row->entry) : NULL;
}

gboolean
presso_measurements_group_is_offered (PressoMeasurementsGroup *self,
                                      const char              *point)
{
  Row *row;

  g_return_val_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self), FALSE);

  row = find_row (self, point);
  return row != NULL && gtk_widget_get_parent (row->row) == GTK_WIDGET (self->offered_list);
}

GArray *
presso_measurements_group_get_values (PressoMeasurementsGroup *self)
{
  GArray *values;

  g_return_val_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self), NULL);

  values = g_array_new (FALSE, FALSE, sizeof (PressoMeasuredValue));
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      PressoMeasuredValue measured = { row->point, NAN };

      if (presso_measure_point_parse (row->point, gtk_editable_get_text (GTK_EDITABLE (row->entry)),
                                      &measured.value, NULL) && !isnan (measured.value))
        g_array_append_val (values, measured);
    }
  return values;
}

gboolean
presso_measurements_group_check (PressoMeasurementsGroup  *self,
                                 GError                  **error)
{
  g_return_val_if_fail (PRESSO_IS_MEASUREMENTS_GROUP (self), FALSE);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      double value;

      if (!presso_measure_point_parse (row->point, gtk_editable_get_text (GTK_EDITABLE (row->entry)),
                                       &value, error))
        {
          /* A refused value under a closed "More points" is shown, not left unseen. */
          if (gtk_widget_get_parent (row->row) == GTK_WIDGET (self->more_list))
            gtk_expander_set_expanded (self->more_expander, TRUE);
          return FALSE;
        }
    }
  return TRUE;
}
