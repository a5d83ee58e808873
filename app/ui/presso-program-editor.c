/* presso-program-editor.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-program-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "presso-program-editor.h"
#include "presso-store-session.h"

struct _PressoProgramEditor
{
  AdwWindow       parent_instance;

  PressoStore    *store;
  PressoProgram  *program;     /* the form, as read back from the widgets */
  PressoProgram  *original;    /* as stored or built in; NULL for a new program */
  PressoProgram  *archived;    /* the last one archived, for Undo */
  GPtrArray      *problems;    /* PressoProgramProblem of the form */
  GHashTable     *names;       /* casefolded name of each listed program → its id (0: built in) */
  char           *loaded_data; /* the form's program when loaded, to tell unsaved changes */
  GtkListBoxRow  *current_row; /* the row of the form's program (owned by the list) */
  GtkListBoxRow  *pending_row; /* asked for while the form had unsaved changes */
  gboolean        pending_new;
  gboolean        discarding;  /* closing after the user chose to discard */
  gboolean        is_preset;
  gboolean        loading;     /* widgets are being set from a program */
  guint           n_grid;      /* chambers in the grid */
  GtkWidget      *use_toggles[PRESSO_PROGRAM_MAX_CHAMBERS];
  GtkWidget      *boost_toggles[PRESSO_PROGRAM_MAX_CHAMBERS];
  GtkWidget      *target_labels[PRESSO_PROGRAM_MAX_CHAMBERS];

  /* template */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet     *leaflet;
  GtkWidget      *content;
  GtkListBox     *program_list;
  AdwWindowTitle *form_title;
  GtkWidget      *save_button;
  GtkWidget      *duplicate_button;
  GtkWidget      *archive_button;
  GtkWidget      *stored_actions;
  GtkRevealer    *conflict_revealer;
  GtkLabel       *conflict_label;
  GtkWidget      *form;
  GtkWidget      *readonly_label;
  GtkWidget      *program_group;
  AdwEntryRow    *name_row;
  AdwComboRow    *mode_row;
  GtkLabel       *name_problem;
  GtkCheckButton *boots_check;
  GtkCheckButton *sleeves_check;
  GtkCheckButton *belt_check;
  AdwActionRow   *belt_pressure_row;
  GtkSpinButton  *belt_pressure_spin;
  GtkLabel       *garments_problem;
  GtkWidget      *limb_group;
  AdwActionRow   *chambers_row;
  GtkSpinButton  *chambers_spin;
  AdwActionRow   *base_row;
  GtkSpinButton  *base_spin;
  AdwActionRow   *gradient_row;
  GtkSpinButton  *gradient_spin;
  GtkGrid        *chamber_grid;
  GtkLabel       *chamber_problem;
  AdwActionRow   *inflate_row;
  GtkSpinButton  *inflate_spin;
  AdwActionRow   *hold_row;
  GtkSpinButton  *hold_spin;
  AdwActionRow   *deflate_row;
  GtkSpinButton  *deflate_spin;
  AdwActionRow   *rest_row;
  GtkSpinButton  *rest_spin;
  AdwActionRow   *ramp_row;
  GtkSpinButton  *ramp_spin;
  AdwActionRow   *duration_row;
  GtkSpinButton  *duration_spin;
  AdwActionRow   *pretherapy_row;
  GtkSwitch      *pretherapy_switch;
  AdwActionRow   *cycles_row;
  GtkSpinButton  *cycles_spin;
};

enum {
  PROGRAMS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PressoProgramEditor, presso_program_editor, ADW_TYPE_WINDOW)

static void update (PressoProgramEditor *self);

/* ---------------------------------------------------------------- helpers */

static void
toast (PressoProgramEditor *self,
       const char          *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
show_conflict (PressoProgramEditor *self,
               const char          *message)
{
  gtk_label_set_label (self->conflict_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->conflict_revealer, message != NULL);
}

static void
update_chamber_accessible (PressoProgramEditor *self,
                           guint                i)
{
  gboolean used = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->use_toggles[i]));
  gboolean boosted = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->boost_toggles[i]));
  g_autofree char *use_label = NULL;
  g_autofree char *boost_label = NULL;

  /* Translators: a chamber toggle read by a screen reader, "Chamber 3: skipped" */
  use_label = g_strdup_printf (used ? _("Chamber %u: used") : _("Chamber %u: skipped"), i + 1);
  boost_label = g_strdup_printf (boosted ? _("Chamber %u: boosted by 10 mmHg") : _("Chamber %u: not boosted"),
                                 i + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->use_toggles[i]),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, use_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->boost_toggles[i]),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, boost_label, -1);
  gtk_widget_set_tooltip_text (self->use_toggles[i], use_label);
  gtk_widget_set_tooltip_text (self->boost_toggles[i], boost_label);
  gtk_widget_set_sensitive (self->boost_toggles[i], used);
}

static void on_chamber_toggled_cb (PressoProgramEditor *self);

/* One column per chamber: its number (pressed = used, raised = skipped), "+10" (boost) and
 * its target. */
static void
build_chamber_grid (PressoProgramEditor *self,
                    guint                n)
{
  GtkWidget *child;
  const char *headers[] = { N_("Chamber"), N_("Boost"), N_("Target") };

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chamber_grid))) != NULL)
    gtk_grid_remove (self->chamber_grid, child);
  memset (self->use_toggles, 0, sizeof self->use_toggles);
  memset (self->boost_toggles, 0, sizeof self->boost_toggles);
  memset (self->target_labels, 0, sizeof self->target_labels);

  for (guint r = 0; r < G_N_ELEMENTS (headers); r++)
    {
      GtkWidget *label = gtk_label_new (_(headers[r]));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (self->chamber_grid, label, 0, r, 1, 1);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *name = NULL;

      /* a label child rather than a button label: no wide text-button padding, so that
       * a 6-chamber grid fits a narrow window */
      self->use_toggles[i] = gtk_toggle_button_new ();
      gtk_button_set_child (GTK_BUTTON (self->use_toggles[i]), gtk_label_new (number));
      name = g_strdup_printf ("chamber-use-%u", i + 1);
      gtk_widget_set_name (self->use_toggles[i], name);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->use_toggles[i]), TRUE);
      gtk_widget_set_size_request (self->use_toggles[i], 34, -1);
      g_signal_connect_swapped (self->use_toggles[i], "toggled",
                                G_CALLBACK (on_chamber_toggled_cb), self);
      gtk_grid_attach (self->chamber_grid, self->use_toggles[i], i + 1, 0, 1, 1);

      self->boost_toggles[i] = gtk_toggle_button_new ();
      /* Translators: the boost toggle of one chamber */
      gtk_button_set_child (GTK_BUTTON (self->boost_toggles[i]), gtk_label_new (_("+10")));
      g_free (name);
      name = g_strdup_printf ("chamber-boost-%u", i + 1);
      gtk_widget_set_name (self->boost_toggles[i], name);
      gtk_widget_add_css_class (self->boost_toggles[i], "flat");
      g_signal_connect_swapped (self->boost_toggles[i], "toggled",
                                G_CALLBACK (on_chamber_toggled_cb), self);
      gtk_grid_attach (self->chamber_grid, self->boost_toggles[i], i + 1, 1, 1, 1);

      self->target_labels[i] = gtk_label_new ("");
      g_free (name);
      name = g_strdup_printf ("chamber-target-%u", i + 1);
      gtk_widget_set_name (self->target_labels[i], name);
      gtk_widget_add_css_class (self->target_labels[i], "numeric");
      gtk_grid_attach (self->chamber_grid, self->target_labels[i], i + 1, 2, 1, 1);

      update_chamber_accessible (self, i);
    }
  self->n_grid = n;
}

static guint
garments_from_form (PressoProgramEditor *self)
{
  guint garments = 0;

  if (gtk_check_button_get_active (self->boots_check))
    garments |= PRESSO_PROGRAM_GARMENTS_LEGS;
  if (gtk_check_button_get_active (self->sleeves_check))
    garments |= PRESSO_PROGRAM_GARMENTS_ARMS;
  if (gtk_check_button_get_active (self->belt_check))
    garments |= PRESSO_PROGRAM_GARMENTS_BELT;
  return garments;
}

static void
read_form (PressoProgramEditor *self)
{
  PressoProgram *p = self->program;
  guint32 skip = 0, boost = 0;

  presso_program_set_name (p, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  if (adw_combo_row_get_selected (self->mode_row) != GTK_INVALID_LIST_POSITION)
    presso_program_set_mode (p, adw_combo_row_get_selected (self->mode_row) + 1);
  presso_program_set_garments (p, garments_from_form (self));
  presso_program_set_n_chambers (p, gtk_spin_button_get_value_as_int (self->chambers_spin));
  presso_program_set_base_pressure (p, gtk_spin_button_get_value_as_int (self->base_spin));
  presso_program_set_gradient (p, gtk_spin_button_get_value_as_int (self->gradient_spin));
  presso_program_set_belt_pressure (p, gtk_spin_button_get_value_as_int (self->belt_pressure_spin));
  for (guint i = 0; i < self->n_grid; i++)
    {
      if (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->use_toggles[i])))
        skip |= 1u << i;
      else if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->boost_toggles[i])))
        boost |= 1u << i;
    }
  presso_program_set_skip_mask (p, skip);
  presso_program_set_boost_mask (p, boost);
  presso_program_set_step (p, PRESSO_PROGRAM_STEP_INFLATE, gtk_spin_button_get_value (self->inflate_spin));
  presso_program_set_step (p, PRESSO_PROGRAM_STEP_HOLD, gtk_spin_button_get_value (self->hold_spin));
  presso_program_set_step (p, PRESSO_PROGRAM_STEP_DEFLATE, gtk_spin_button_get_value (self->deflate_spin));
  presso_program_set_step (p, PRESSO_PROGRAM_STEP_REST, gtk_spin_button_get_value (self->rest_spin));
  presso_program_set_ramp_s (p, gtk_spin_button_get_value_as_int (self->ramp_spin));
  presso_program_set_duration_min (p, gtk_spin_button_get_value_as_int (self->duration_spin));
  presso_program_set_pretherapy (p, gtk_switch_get_active (self->pretherapy_switch));
  presso_program_set_pretherapy_cycles (p, gtk_spin_button_get_value_as_int (self->cycles_spin));
}

/* Sets every widget from @program (kept as the form's program, a copy). */
static void
write_form (PressoProgramEditor *self,
            PressoProgram       *program)
{
  guint garments = presso_program_get_garments (program);
  guint n = CLAMP (presso_program_get_n_chambers (program), 1, PRESSO_PROGRAM_MAX_CHAMBERS);

  self->loading = TRUE;
  g_set_object (&self->program, program);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), presso_program_get_name (program));
  adw_combo_row_set_selected (self->mode_row, presso_program_get_mode (program) - 1);
  gtk_check_button_set_active (self->boots_check, (garments & PRESSO_PROGRAM_GARMENTS_LEGS) != 0);
  gtk_check_button_set_active (self->sleeves_check, (garments & PRESSO_PROGRAM_GARMENTS_ARMS) != 0);
  gtk_check_button_set_active (self->belt_check, (garments & PRESSO_PROGRAM_GARMENTS_BELT) != 0);
  gtk_spin_button_set_value (self->chambers_spin, n);
  build_chamber_grid (self, n);
  for (guint i = 0; i < n; i++)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->use_toggles[i]),
                                    !(presso_program_get_skip_mask (program) & (1u << i)));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->boost_toggles[i]),
                                    (presso_program_get_boost_mask (program) & (1u << i)) != 0);
      update_chamber_accessible (self, i);
    }
  gtk_spin_button_set_value (self->base_spin, presso_program_get_base_pressure (program));
  gtk_spin_button_set_value (self->gradient_spin, presso_program_get_gradient (program));
  gtk_spin_button_set_value (self->belt_pressure_spin, presso_program_get_belt_pressure (program));
  gtk_spin_button_set_value (self->inflate_spin, presso_program_get_step (program, PRESSO_PROGRAM_STEP_INFLATE));
  gtk_spin_button_set_value (self->hold_spin, presso_program_get_step (program, PRESSO_PROGRAM_STEP_HOLD));
  gtk_spin_button_set_value (self->deflate_spin, presso_program_get_step (program, PRESSO_PROGRAM_STEP_DEFLATE));
  gtk_spin_button_set_value (self->rest_spin, presso_program_get_step (program, PRESSO_PROGRAM_STEP_REST));
  gtk_spin_button_set_value (self->ramp_spin, presso_program_get_ramp_s (program));
  gtk_spin_button_set_value (self->duration_spin, presso_program_get_duration_min (program));
  gtk_switch_set_active (self->pretherapy_switch, presso_program_get_pretherapy (program));
  gtk_spin_button_set_value (self->cycles_spin, presso_program_get_pretherapy_cycles (program));
  self->loading = FALSE;
  update (self);
  g_free (self->loaded_data);
  self->loaded_data = presso_program_to_data (self->program);
}

static gboolean
is_modified (PressoProgramEditor *self)
{
  g_autofree char *data = NULL;

  if (self->is_preset || self->program == NULL || self->loaded_data == NULL)
    return FALSE;
  data = presso_program_to_data (self->program);
  return g_strcmp0 (data, self->loaded_data) != 0;
}

/* Every row that can show a problem, with the subtitle it has without one. */
static AdwActionRow **
problem_rows (PressoProgramEditor *self,
              guint               *n)
{
  static AdwActionRow *rows[12];

  rows[0] = ADW_ACTION_ROW (self->mode_row);
  rows[1] = self->belt_pressure_row;
  rows[2] = self->chambers_row;
  rows[3] = self->base_row;
  rows[4] = self->gradient_row;
  rows[5] = self->inflate_row;
  rows[6] = self->hold_row;
  rows[7] = self->deflate_row;
  rows[8] = self->rest_row;
  rows[9] = self->ramp_row;
  rows[10] = self->duration_row;
  rows[11] = self->pretherapy_row;
  *n = G_N_ELEMENTS (rows);
  return rows;
}

static void
append_line (GString    *text,
             const char *line)
{
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append (text, line);
}

/* Where a problem of @field is shown (a row's subtitle or a label) and what gets the focus. */
static GtkWidget *
problem_place (PressoProgramEditor        *self,
               const PressoProgramProblem *problem,
               GtkWidget                 **focus)
{
  const char *field = problem->field;

  if (g_str_equal (field, "Mode"))
    return *focus = GTK_WIDGET (self->mode_row);
  if (g_str_equal (field, "Garments"))
    return (*focus = GTK_WIDGET (self->boots_check), GTK_WIDGET (self->garments_problem));
  if (g_str_equal (field, "Chambers"))
    return (*focus = GTK_WIDGET (self->chambers_spin), GTK_WIDGET (self->chambers_row));
  if (g_str_equal (field, "Skip") || g_str_equal (field, "Boost"))
    return (*focus = self->n_grid > 0 ? self->use_toggles[0] : GTK_WIDGET (self->chambers_spin),
            GTK_WIDGET (self->chamber_problem));
  if (g_str_equal (field, "Chamber"))
    return (*focus = GTK_WIDGET (self->base_spin), GTK_WIDGET (self->chamber_problem));
  if (g_str_equal (field, "BeltPressure"))
    return (*focus = GTK_WIDGET (self->belt_pressure_spin), GTK_WIDGET (self->belt_pressure_row));
  if (g_str_equal (field, "Inflate"))
    return (*focus = GTK_WIDGET (self->inflate_spin), GTK_WIDGET (self->inflate_row));
  if (g_str_equal (field, "Hold"))
    return (*focus = GTK_WIDGET (self->hold_spin), GTK_WIDGET (self->hold_row));
  if (g_str_equal (field, "Deflate"))
    return (*focus = GTK_WIDGET (self->deflate_spin), GTK_WIDGET (self->deflate_row));
  if (g_str_equal (field, "Rest"))
    return (*focus = GTK_WIDGET (self->rest_spin), GTK_WIDGET (self->rest_row));
  if (g_str_equal (field, "Ramp"))
    return (*focus = GTK_WIDGET (self->ramp_spin), GTK_WIDGET (self->ramp_row));
  if (g_str_equal (field, "Duration"))
    return (*focus = GTK_WIDGET (self->duration_spin), GTK_WIDGET (self->duration_row));
  if (g_str_equal (field, "Pretherapy"))
    return (*focus = GTK_WIDGET (self->pretherapy_switch), GTK_WIDGET (self->pretherapy_row));
  if (g_str_equal (field, "PretherapyCycles"))
    return (*focus = GTK_WIDGET (self->cycles_spin), GTK_WIDGET (self->cycles_row));
  /* "Name", and anything new: under the name. */
  return (*focus = GTK_WIDGET (self->name_row), GTK_WIDGET (self->name_problem));
}

static void
show_problems (PressoProgramEditor *self)
{
  AdwActionRow **rows;
  guint n_rows;
  GtkLabel *labels[] = { self->name_problem, self->garments_problem, self->chamber_problem };
  GHashTable *texts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_free);
  gboolean base_told = FALSE;
  GHashTableIter iter;
  gpointer key, value;

  /* cycles_row is outside problem_rows() only because it has no subtitle of its own */
  rows = problem_rows (self, &n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      adw_action_row_set_subtitle (rows[i], g_object_get_data (G_OBJECT (rows[i]), "presso-subtitle"));
      gtk_widget_remove_css_class (GTK_WIDGET (rows[i]), "error");
    }
  adw_action_row_set_subtitle (self->cycles_row, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->cycles_row), "error");
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_widget_set_visible (GTK_WIDGET (labels[i]), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  for (guint i = 0; i < self->n_grid; i++)
    gtk_widget_remove_css_class (self->target_labels[i], "error");

  for (guint i = 0; i < self->problems->len; i++)
    {
      const PressoProgramProblem *problem = g_ptr_array_index (self->problems, i);
      GtkWidget *focus;
      GtkWidget *place = problem_place (self, problem, &focus);
      GString *text = g_hash_table_lookup (texts, place);

      if (text == NULL)
        {
          text = g_string_new (NULL);
          g_hash_table_insert (texts, place, text);
        }
      append_line (text, problem->message);

      if (g_str_equal (problem->field, "Name"))
        gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      if (g_str_equal (problem->field, "Chamber"))
        {
          if (problem->chamber >= 1 && problem->chamber <= self->n_grid)
            gtk_widget_add_css_class (self->target_labels[problem->chamber - 1], "error");
          /* the pressure typed is what makes a chamber's target wrong: say so at the field too */
          if (!base_told)
            {
              GString *base = g_hash_table_lookup (texts, self->base_row);

              if (base == NULL)
                g_hash_table_insert (texts, self->base_row, (base = g_string_new (NULL)));
              append_line (base, problem->message);
              base_told = TRUE;
            }
        }
    }

  g_hash_table_iter_init (&iter, texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *message = ((GString *) value)->str;

      if (GTK_IS_LABEL (key))
        {
          gtk_label_set_label (GTK_LABEL (key), message);
          gtk_widget_set_visible (GTK_WIDGET (key), TRUE);
        }
      else
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (key), message);
          gtk_widget_add_css_class (GTK_WIDGET (key), "error");
        }
      g_string_free (value, TRUE);
    }
  g_hash_table_steal_all (texts);
  g_hash_table_unref (texts);
}

static void
update_targets (PressoProgramEditor *self)
{
  for (guint i = 0; i < self->n_grid; i++)
    {
      int target = presso_program_get_target (self->program, i + 1);
      g_autofree char *text = NULL;

      /* Translators: the target of a skipped chamber */
      text = target == 0 ? g_strdup (C_("chamber", "—")) : g_strdup_printf ("%d", target);
      gtk_label_set_label (GTK_LABEL (self->target_labels[i]), text);
    }
}

static void
update_buttons (PressoProgramEditor *self)
{
  gboolean stored = self->original != NULL && presso_program_get_id (self->original) != 0;

  gtk_widget_set_visible (self->save_button, !self->is_preset);
  /* a built-in program offers Duplicate where Save would be; a stored one at the foot */
  gtk_widget_set_visible (self->duplicate_button, self->is_preset);
  gtk_widget_set_visible (self->stored_actions, stored);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", !self->is_preset);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.duplicate", self->original != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.archive", stored);
  gtk_widget_set_visible (self->readonly_label, self->is_preset);
  gtk_widget_set_sensitive (self->program_group, !self->is_preset);
  for (GtkWidget *child = gtk_widget_get_next_sibling (self->program_group);
       child != NULL && child != self->stored_actions;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_sensitive (child, !self->is_preset);

  if (self->original == NULL)
    adw_window_title_set_title (self->form_title, _("New Program"));
  else
    adw_window_title_set_title (self->form_title, presso_program_get_name (self->original));
  adw_window_title_set_subtitle (self->form_title,
                                 self->is_preset ? _("Built-in program") : NULL);
}

/* The form changed (or was loaded): read it back, validate, show targets and problems. */
static void
update (PressoProgramEditor *self)
{
  if (self->loading || self->program == NULL)
    return;
  read_form (self);
  gtk_widget_set_visible (GTK_WIDGET (self->belt_pressure_row),
                          gtk_check_button_get_active (self->belt_check));
  /* a belt-only program has no boot or sleeve chambers to set */
  gtk_widget_set_visible (self->limb_group,
                          (presso_program_get_garments (self->program) &
                           (PRESSO_PROGRAM_GARMENTS_LEGS | PRESSO_PROGRAM_GARMENTS_ARMS)) != 0 ||
                          presso_program_get_garments (self->program) == 0);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = presso_program_validate (self->program, PRESSO_PROGRAM_EDITOR_CEILING_MMHG, 0, NULL);
  /* programs are picked by name at the table: two of one name could not be told apart */
  {
    g_autofree char *stripped = g_strstrip (g_strdup (presso_program_get_name (self->program)));
    g_autofree char *key = g_utf8_casefold (stripped, -1);
    gpointer id;

    if (!self->is_preset && stripped[0] != '\0' && self->names != NULL &&
        g_hash_table_lookup_extended (self->names, key, NULL, &id) &&
        (GPOINTER_TO_SIZE (id) == 0 ||
         (gint64) GPOINTER_TO_SIZE (id) != presso_program_get_id (self->program)))
      {
        PressoProgramProblem *problem = g_new0 (PressoProgramProblem, 1);

        problem->field = g_strdup ("Name");
        /* Translators: %s is a program's name */
        problem->message = g_strdup_printf (_("Another program is already called “%s”"), stripped);
        g_ptr_array_insert (self->problems, 0, problem);
      }
  }
  update_targets (self);
  show_problems (self);
  update_buttons (self);
}

/* ---------------------------------------------------------------- the list */

static GtkWidget *
program_row_new (PressoProgram *program,
                 gboolean       preset,
                 const char    *preset_id)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (presso_program_get_name (program));
  g_autofree char *summary = NULL;
  GtkWidget *subtitle;

  /* Translators: a program in the list: its mode and duration, "Sequential, 25 min" */
  summary = g_strdup_printf (_("%s, %u min"), presso_program_mode_to_label (presso_program_get_mode (program)),
                             presso_program_get_duration_min (program));
  subtitle = gtk_label_new (summary);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "presso-program", g_object_ref (program), g_object_unref);
  g_object_set_data (G_OBJECT (row), "presso-preset", GINT_TO_POINTER (preset));
  g_object_set_data_full (G_OBJECT (row), "presso-preset-id", g_strdup (preset_id), g_free);
  return row;
}

static void
list_header_func (GtkListBoxRow *row,
                  GtkListBoxRow *before,
                  gpointer       user_data)
{
  gboolean preset = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "presso-preset"));
  gboolean before_preset = before != NULL &&
                           GPOINTER_TO_INT (g_object_get_data (G_OBJECT (before), "presso-preset"));
  GtkWidget *header = NULL;

  if (before == NULL || preset != before_preset)
    {
      header = gtk_label_new (preset ? _("Built-in") : _("The Practice's Programs"));
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_widget_add_css_class (header, "heading");
      gtk_widget_set_margin_start (header, 12);
      gtk_widget_set_margin_top (header, 12);
      gtk_widget_set_margin_bottom (header, 6);
    }
  gtk_list_box_row_set_header (row, header);
}

/* Reads the programs again; selects the stored one with @select_id (0: none) quietly. */
static void
populate_list (PressoProgramEditor *self,
               gint64               select_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) stored = NULL;
  const char * const *presets = presso_program_list_presets ();
  GtkWidget *child;
  GtkListBoxRow *select = NULL;

  self->loading = TRUE;
  self->current_row = NULL;
  g_clear_object (&self->pending_row);
  g_clear_pointer (&self->names, g_hash_table_unref);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->program_list))) != NULL)
    gtk_list_box_remove (self->program_list, child);

  if (self->store != NULL)
    stored = presso_store_list_programs (self->store, FALSE, &error);
  if (error != NULL)
    toast (self, error->message);
  for (guint i = 0; stored != NULL && i < g_list_model_get_n_items (stored); i++)
    {
      g_autoptr(PressoProgram) program = g_list_model_get_item (stored, i);
      GtkWidget *row = program_row_new (program, FALSE, NULL);

      g_hash_table_replace (self->names, g_utf8_casefold (presso_program_get_name (program), -1),
                            GSIZE_TO_POINTER ((gsize) presso_program_get_id (program)));
      gtk_list_box_append (self->program_list, row);
      if (select_id != 0 && presso_program_get_id (program) == select_id)
        select = GTK_LIST_BOX_ROW (row);
    }
  if (stored == NULL || g_list_model_get_n_items (stored) == 0)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (_("None yet: press + or duplicate a built-in program"));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->program_list, row);
    }
  for (guint i = 0; presets[i] != NULL; i++)
    {
      g_autoptr(PressoProgram) program = presso_program_new_from_preset (presets[i], 6, NULL);

      if (program == NULL)
        continue;
      gtk_list_box_append (self->program_list, program_row_new (program, TRUE, presets[i]));
      g_hash_table_replace (self->names, g_utf8_casefold (presso_program_get_name (program), -1), NULL);
    }
  gtk_list_box_select_row (self->program_list, select);
  self->current_row = select;
  self->loading = FALSE;
}

static void
load (PressoProgramEditor *self,
      PressoProgram       *original,
      gboolean             is_preset)
{
  g_autoptr(PressoProgram) copy = NULL;

  g_clear_object (&self->original);
  self->original = original != NULL ? g_object_ref (original) : NULL;
  self->is_preset = is_preset;
  copy = original != NULL ? presso_program_copy (original) : presso_program_new ();
  show_conflict (self, NULL);
  write_form (self, copy);
}

/* ---------------------------------------------------------------- callbacks */

static void
on_form_changed_cb (PressoProgramEditor *self)
{
  update (self);
}

static void
on_chambers_changed_cb (PressoProgramEditor *self)
{
  guint n = gtk_spin_button_get_value_as_int (self->chambers_spin);
  guint32 skip, boost;

  if (self->loading || n == self->n_grid)
    return;
  /* keep the choices of the chambers that remain */
  skip = presso_program_get_skip_mask (self->program);
  boost = presso_program_get_boost_mask (self->program);
  self->loading = TRUE;
  build_chamber_grid (self, n);
  for (guint i = 0; i < n; i++)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->use_toggles[i]), !(skip & (1u << i)));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->boost_toggles[i]), (boost & (1u << i)) != 0);
      update_chamber_accessible (self, i);
    }
  self->loading = FALSE;
  update (self);
}

static void
on_chamber_toggled_cb (PressoProgramEditor *self)
{
  if (self->loading)
    return;
  for (guint i = 0; i < self->n_grid; i++)
    update_chamber_accessible (self, i);
  update (self);
}

static void
open_row (PressoProgramEditor *self,
          GtkListBoxRow       *row)
{
  self->loading = TRUE;
  gtk_list_box_select_row (self->program_list, row);
  self->loading = FALSE;
  self->current_row = row;
  load (self, g_object_get_data (G_OBJECT (row), "presso-program"),
        GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "presso-preset")));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
on_discard_response_cb (AdwMessageDialog    *dialog,
                        const char          *response,
                        PressoProgramEditor *self)
{
  g_autoptr(GtkListBoxRow) row = g_steal_pointer (&self->pending_row);
  gboolean new_program = self->pending_new;

  self->pending_new = FALSE;
  if (!g_str_equal (response, "discard"))
    return;
  if (row != NULL)
    open_row (self, row);
  else if (new_program)
    presso_program_editor_new_program (self);
  else
    {
      self->discarding = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

/* Asks before the form's unsaved changes are dropped; the answer carries on with what is
 * pending (a row, a new program or closing). */
static void
ask_discard (PressoProgramEditor *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard Changes?"),
                                              _("What you typed in this form will be lost."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_program_row_selected_cb (PressoProgramEditor *self,
                            GtkListBoxRow       *row)
{
  if (self->loading || row == NULL || row == self->current_row)
    return;
  if (is_modified (self))
    {
      /* keep the list on the form's program until the user has chosen */
      g_set_object (&self->pending_row, row);
      self->pending_new = FALSE;
      self->loading = TRUE;
      if (self->current_row != NULL)
        gtk_list_box_select_row (self->program_list, self->current_row);
      else
        gtk_list_box_unselect_all (self->program_list);
      self->loading = FALSE;
      ask_discard (self);
      return;
    }
  open_row (self, row);
}

static gboolean
presso_program_editor_close_request (GtkWindow *window)
{
  PressoProgramEditor *self = PRESSO_PROGRAM_EDITOR (window);

  if (self->discarding || !is_modified (self))
    return FALSE;
  g_clear_object (&self->pending_row);
  self->pending_new = FALSE;
  ask_discard (self);
  return TRUE;
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PressoProgramEditor *self = PRESSO_PROGRAM_EDITOR (widget);

  if (is_modified (self))
    {
      g_clear_object (&self->pending_row);
      self->pending_new = TRUE;
      ask_discard (self);
      return;
    }
  presso_program_editor_new_program (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  presso_program_editor_save (PRESSO_PROGRAM_EDITOR (widget));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PressoProgramEditor *self = PRESSO_PROGRAM_EDITOR (widget);
  g_autoptr(PressoProgram) copy = NULL;
  g_autofree char *name = NULL;

  if (self->original == NULL)
    return;
  copy = presso_program_copy (self->program);
  presso_program_set_id (copy, 0);
  presso_program_set_version (copy, 0);
  presso_program_set_archived (copy, FALSE);
  /* Translators: the name of a new program duplicated from another */
  name = g_strdup_printf (_("%s (copy)"), presso_program_get_name (self->program));
  presso_program_set_name (copy, name);
  self->loading = TRUE;
  gtk_list_box_unselect_all (self->program_list);
  self->loading = FALSE;
  self->current_row = NULL;
  g_clear_object (&self->original);
  self->is_preset = FALSE;
  show_conflict (self, NULL);
  write_form (self, copy);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
archive_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PressoProgramEditor *self = PRESSO_PROGRAM_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoProgram) program = NULL;
  g_autofree char *title = NULL;
  AdwToast *undo;

  if (self->original == NULL || presso_program_get_id (self->original) == 0)
    return;
  program = g_object_ref (self->original);
  if (!presso_store_set_program_archived (self->store, program, TRUE, &error))
    {
      show_conflict (self, error->message);
      return;
    }
  g_set_object (&self->archived, program);
  /* Translators: a toast after archiving the program named %s */
  title = g_strdup_printf (_("“%s” archived"), presso_program_get_name (program));
  undo = adw_toast_new (title);
  adw_toast_set_button_label (undo, _("_Undo"));
  adw_toast_set_action_name (undo, "editor.undo-archive");
  adw_toast_set_priority (undo, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, undo);

  populate_list (self, 0);
  load (self, NULL, FALSE);
  g_signal_emit (self, signals[PROGRAMS_CHANGED], 0);
}

static void
undo_archive_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PressoProgramEditor *self = PRESSO_PROGRAM_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoProgram) program = g_steal_pointer (&self->archived);
  g_autoptr(PressoProgram) stored = NULL;

  if (program == NULL)
    return;
  if (!presso_store_set_program_archived (self->store, program, FALSE, &error))
    {
      toast (self, error->message);
      return;
    }
  stored = presso_store_get_program (self->store, presso_program_get_id (program), NULL);
  populate_list (self, presso_program_get_id (program));
  load (self, stored != NULL ? stored : program, FALSE);
  g_signal_emit (self, signals[PROGRAMS_CHANGED], 0);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adw_leaflet_navigate (PRESSO_PROGRAM_EDITOR (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ---------------------------------------------------------------- GObject */

static void
presso_program_editor_dispose (GObject *object)
{
  PressoProgramEditor *self = PRESSO_PROGRAM_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_PROGRAM_EDITOR);
  g_clear_object (&self->store);
  g_clear_object (&self->program);
  g_clear_object (&self->original);
  g_clear_object (&self->archived);
  g_clear_object (&self->pending_row);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->loaded_data, g_free);
  g_clear_pointer (&self->names, g_hash_table_unref);

  G_OBJECT_CLASS (presso_program_editor_parent_class)->dispose (object);
}

static void
presso_program_editor_class_init (PressoProgramEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = presso_program_editor_dispose;
  window_class->close_request = presso_program_editor_close_request;

  signals[PROGRAMS_CHANGED] =
    g_signal_new ("programs-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-program-editor.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, PressoProgramEditor, name)
  BIND (toast_overlay);
  BIND (leaflet);
  BIND (content);
  BIND (program_list);
  BIND (form_title);
  BIND (save_button);
  BIND (duplicate_button);
  BIND (archive_button);
  BIND (stored_actions);
  BIND (conflict_revealer);
  BIND (conflict_label);
  BIND (form);
  BIND (readonly_label);
  BIND (program_group);
  BIND (name_row);
  BIND (mode_row);
  BIND (name_problem);
  BIND (boots_check);
  BIND (sleeves_check);
  BIND (belt_check);
  BIND (belt_pressure_row);
  BIND (belt_pressure_spin);
  BIND (garments_problem);
  BIND (limb_group);
  BIND (chambers_row);
  BIND (chambers_spin);
  BIND (base_row);
  BIND (base_spin);
  BIND (gradient_row);
  BIND (gradient_spin);
  BIND (chamber_grid);
  BIND (chamber_problem);
  BIND (inflate_row);
  BIND (inflate_spin);
  BIND (hold_row);
  BIND (hold_spin);
  BIND (deflate_row);
  BIND (deflate_spin);
  BIND (rest_row);
  BIND (rest_spin);
  BIND (ramp_row);
  BIND (ramp_spin);
  BIND (duration_row);
  BIND (duration_spin);
  BIND (pretherapy_row);
  BIND (pretherapy_switch);
  BIND (cycles_row);
  BIND (cycles_spin);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_chambers_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_program_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "editor.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "editor.archive", NULL, archive_action);
  gtk_widget_class_install_action (widget_class, "editor.undo-archive", NULL, undo_archive_action);
  gtk_widget_class_install_action (widget_class, "editor.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "editor.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
presso_program_editor_init (PressoProgramEditor *self)
{
  g_autoptr(GtkStringList) modes = gtk_string_list_new (NULL);
  AdwActionRow **rows;
  guint n_rows;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint mode = PRESSO_PROTO_MODE_SEQUENTIAL; mode <= PRESSO_PROTO_MODE_GRADIENT; mode++)
    gtk_string_list_append (modes, presso_program_mode_to_label (mode));
  adw_combo_row_set_model (self->mode_row, G_LIST_MODEL (modes));

  rows = problem_rows (self, &n_rows);
  for (guint i = 0; i < n_rows; i++)
    g_object_set_data_full (G_OBJECT (rows[i]), "presso-subtitle",
                            g_strdup (adw_action_row_get_subtitle (rows[i])), g_free);

  gtk_list_box_set_header_func (self->program_list, list_header_func, NULL, NULL);
  load (self, NULL, FALSE);
}

/* ---------------------------------------------------------------- public API */

/**
 * presso_program_editor_new:
 * @store: where the practice's programs are
 *
 * Returns: (transfer floating): the editor window, on a new program
 */
GtkWidget *
presso_program_editor_new (PressoStore *store)
{
  PressoProgramEditor *self;

  g_return_val_if_fail (PRESSO_IS_STORE (store), NULL);

  self = g_object_new (PRESSO_TYPE_PROGRAM_EDITOR, NULL);
  self->store = g_object_ref (store);
  populate_list (self, 0);
  return GTK_WIDGET (self);
}

void
presso_program_editor_new_program (PressoProgramEditor *self)
{
  g_return_if_fail (PRESSO_IS_PROGRAM_EDITOR (self));

  self->loading = TRUE;
  gtk_list_box_unselect_all (self->program_list);
  self->loading = FALSE;
  self->current_row = NULL;
  load (self, NULL, FALSE);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

void
presso_program_editor_open (PressoProgramEditor *self,
                            PressoProgram       *program)
{
  g_autoptr(PressoProgram) stored = NULL;
  gint64 id;

  g_return_if_fail (PRESSO_IS_PROGRAM_EDITOR (self));
  g_return_if_fail (PRESSO_IS_PROGRAM (program));

  id = presso_program_get_id (program);
  if (id != 0)
    stored = presso_store_get_program (self->store, id, NULL);
  populate_list (self, stored != NULL ? id : 0);
  load (self, stored != NULL ? stored : program, stored == NULL);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

PressoProgram *
presso_program_editor_get_program (PressoProgramEditor *self)
{
  g_return_val_if_fail (PRESSO_IS_PROGRAM_EDITOR (self), NULL);

  return self->program;
}

gboolean
presso_program_editor_save (PressoProgramEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoProgram) copy = NULL;
  g_autofree char *saved = NULL;
  gboolean ok;

  g_return_val_if_fail (PRESSO_IS_PROGRAM_EDITOR (self), FALSE);

  if (self->is_preset || self->store == NULL)
    return FALSE;
  /* a number typed but not yet entered counts: commit each spin button's text first */
  {
    GtkSpinButton *spins[] = { self->chambers_spin, self->base_spin, self->gradient_spin,
                               self->belt_pressure_spin, self->inflate_spin, self->hold_spin,
                               self->deflate_spin, self->rest_spin, self->ramp_spin,
                               self->duration_spin, self->cycles_spin };

    for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
      gtk_spin_button_update (spins[i]);
  }
  update (self);

  if (self->problems->len > 0)
    {
      const PressoProgramProblem *first = g_ptr_array_index (self->problems, 0);
      GtkWidget *focus = NULL;
      g_autofree char *message = NULL;

      /* Translators: a toast when Save is refused; %s is the first problem */
      message = g_strdup_printf (_("Not saved: %s"), first->message);
      toast (self, message);
      problem_place (self, first, &focus);
      gtk_widget_grab_focus (focus);
      return FALSE;
    }

  copy = presso_program_copy (self->program);
  {
    g_autofree char *name = g_strstrip (g_strdup (presso_program_get_name (self->program)));

    presso_program_set_name (copy, name);
  }
  if (presso_program_get_id (copy) == 0)
    ok = presso_store_insert_program (self->store, copy, &error);
  else
    ok = presso_store_update_program (self->store, copy, &error);

  if (!ok)
    {
      if (g_error_matches (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT))
        show_conflict (self, _("This program was changed elsewhere since you opened it. Nothing was "
                               "saved and your changes are still in the form: note them, then open "
                               "the program again from the list to see the other version."));
      else
        show_conflict (self, error->message);
      return FALSE;
    }

  show_conflict (self, NULL);
  populate_list (self, presso_program_get_id (copy));
  load (self, copy, FALSE);
  /* Translators: a toast after saving the program named %s */
  saved = g_strdup_printf (_("“%s” saved"), presso_program_get_name (copy));
  toast (self, saved);
  g_signal_emit (self, signals[PROGRAMS_CHANGED], 0);
  return TRUE;
}
