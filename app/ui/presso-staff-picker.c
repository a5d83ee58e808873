/* presso-staff-picker.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who is using Presso: the active staff with their role, one row each.  The staff member who
 * signed in last on this computer gets the keyboard focus, so Enter signs them in again.  A
 * database without staff asks for the first staff member instead.
 */
#define G_LOG_DOMAIN "presso-staff-picker"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-staff-picker.h"

struct _PressoStaffPicker
{
  AdwBin          parent_instance;

  PressoStore    *store;
  GListModel     *staff;
  gboolean        stale;    /* the list is read when the picker is shown */

  AdwStatusPage  *status_page;
  GtkStack       *stack;
  GtkListBox     *list_box;
  AdwEntryRow    *first_name_row;
  AdwComboRow    *first_role_row;
  GtkButton      *add_first_button;
};

G_DEFINE_FINAL_TYPE (PressoStaffPicker, presso_staff_picker, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  STAFF_PICKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  PressoStaff *staff = item;
  const char *name = presso_staff_get_display_name (staff);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, name, TRUE);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               presso_role_to_string (presso_staff_get_role (staff)));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  /* The arrow only shows that the row opens: the row's title names it for screen readers. */
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             g_object_new (GTK_TYPE_IMAGE,
                                           "icon-name", "go-next-symbolic",
                                           "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                           NULL));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "presso-staff", g_object_ref (staff), g_object_unref);

  return row;
}

static void
focus_last_staff (PressoStaffPicker *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  gint64 last_id = g_settings_get_int64 (settings, "last-staff-id");
  GtkListBoxRow *row;

  if (last_id <= 0)
    return;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    {
      PressoStaff *staff = g_object_get_data (G_OBJECT (row), "presso-staff");

      if (presso_staff_get_id (staff) == last_id)
        {
          gtk_widget_grab_focus (GTK_WIDGET (row));
          return;
        }
    }
}

static void
on_row_activated_cb (PressoStaffPicker *self,
                     GtkListBoxRow     *row,
                     GtkListBox        *list_box)
{
  PressoStaff *staff = g_object_get_data (G_OBJECT (row), "presso-staff");

  g_signal_emit (self, signals[STAFF_PICKED], 0, staff);
}

static void
on_first_name_changed_cb (PressoStaffPicker *self,
                          GtkEditable       *editable)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_first_button), name[0] != '\0');
}

static void
on_add_first_cb (PressoStaffPicker *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->first_name_row))));
  g_autoptr(PressoStaff) staff = NULL;
  g_autoptr(GError) error = NULL;

  if (name[0] == '\0' || self->store == NULL)
    return;

  staff = presso_staff_new (name, adw_combo_row_get_selected (self->first_role_row));
  if (!presso_store_insert_staff (self->store, staff, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                  _("Cannot Add the Staff Member"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  presso_staff_picker_reload (self);
  g_signal_emit (self, signals[STAFF_PICKED], 0, staff);
}

static void
presso_staff_picker_map (GtkWidget *widget)
{
  PressoStaffPicker *self = PRESSO_STAFF_PICKER (widget);

  GTK_WIDGET_CLASS (presso_staff_picker_parent_class)->map (widget);

  if (self->stale)
    presso_staff_picker_reload (self);
  else
    focus_last_staff (self);
}

static void
presso_staff_picker_dispose (GObject *object)
{
  PressoStaffPicker *self = PRESSO_STAFF_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_STAFF_PICKER);
  g_clear_object (&self->staff);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (presso_staff_picker_parent_class)->dispose (object);
}

static void
presso_staff_picker_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PressoStaffPicker *self = PRESSO_STAFF_PICKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_staff_picker_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PressoStaffPicker *self = PRESSO_STAFF_PICKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      presso_staff_picker_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_staff_picker_class_init (PressoStaffPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_staff_picker_dispose;
  object_class->get_property = presso_staff_picker_get_property;
  object_class->set_property = presso_staff_picker_set_property;

  widget_class->map = presso_staff_picker_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PressoStaffPicker::staff-picked:
   * @staff: who picked themselves
   */
  signals[STAFF_PICKED] =
    g_signal_new ("staff-picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PRESSO_TYPE_STAFF);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-staff-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoStaffPicker, status_page);
  gtk_widget_class_bind_template_child (widget_class, PressoStaffPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, PressoStaffPicker, list_box);
  gtk_widget_class_bind_template_child (widget_class, PressoStaffPicker, first_name_row);
  gtk_widget_class_bind_template_child (widget_class, PressoStaffPicker, first_role_row);
  gtk_widget_class_bind_template_child (widget_class, PressoStaffPicker, add_first_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_first_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_first_cb);
}

static void
presso_staff_picker_init (PressoStaffPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
presso_staff_picker_new (void)
{
  return g_object_new (PRESSO_TYPE_STAFF_PICKER, NULL);
}

/**
 * presso_staff_picker_get_store:
 *
 * Returns: (transfer none) (nullable): the clinic database whose staff is listed
 */
PressoStore *
presso_staff_picker_get_store (PressoStaffPicker *self)
{
  g_return_val_if_fail (PRESSO_IS_STAFF_PICKER (self), NULL);

  return self->store;
}

void
presso_staff_picker_set_store (PressoStaffPicker *self,
                               PressoStore       *store)
{
  g_return_if_fail (PRESSO_IS_STAFF_PICKER (self));
  g_return_if_fail (!store || PRESSO_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  /* Someone signing in straight away (presso --staff) never sees the list: read it only
   * when it is shown. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    presso_staff_picker_reload (self);
  else
    self->stale = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * presso_staff_picker_reload:
 *
 * Reads the staff list again (someone may have been added or deactivated).
 */
void
presso_staff_picker_reload (PressoStaffPicker *self)
{
  g_return_if_fail (PRESSO_IS_STAFF_PICKER (self));

  self->stale = FALSE;
  g_clear_object (&self->staff);
  if (self->store != NULL)
    self->staff = presso_store_list_staff (self->store);

  gtk_list_box_bind_model (self->list_box, self->staff, create_row_cb, NULL, NULL);
  if (self->staff != NULL && g_list_model_get_n_items (self->staff) > 0)
    {
      adw_status_page_set_title (self->status_page, _("Who Is Using Presso?"));
      adw_status_page_set_description (self->status_page,
                                       _("Pick yourself from the list. Everything you record "
                                         "or change is kept under your name."));
      gtk_stack_set_visible_child_name (self->stack, "list");
    }
  else
    {
      adw_status_page_set_title (self->status_page, _("Welcome to Presso"));
      adw_status_page_set_description (self->status_page,
                                       _("This clinic database has no staff yet. Add yourself "
                                         "to start."));
      /* Whoever sets up the practice's database is most likely its manager. */
      adw_combo_row_set_selected (self->first_role_row, PRESSO_ROLE_MANAGER);
      gtk_stack_set_visible_child_name (self->stack, "first");
    }
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    focus_last_staff (self);
}
