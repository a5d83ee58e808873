/* presso-preferences-window.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences: the settings of the io.github.presso.Presso schema that users change.
 */
#define G_LOG_DOMAIN "presso-preferences"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"
#include "presso-preferences-window.h"

struct _PressoPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwComboRow          *color_scheme_row;
  GtkSpinButton        *screening_days_button;
  GtkSpinButton        *session_minutes_button;
};

G_DEFINE_FINAL_TYPE (PressoPreferencesWindow, presso_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_color_scheme_selected_cb (PressoPreferencesWindow *self)
{
  if (self->settings == NULL)
    return;
  g_settings_set_enum (self->settings, "color-scheme",
                       adw_combo_row_get_selected (self->color_scheme_row));
}

static void
presso_preferences_window_dispose (GObject *object)
{
  PressoPreferencesWindow *self = PRESSO_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PRESSO_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (presso_preferences_window_parent_class)->dispose (object);
}

static void
presso_preferences_window_class_init (PressoPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  presso_ui_ensure_resources ();

  object_class->dispose = presso_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/presso/Presso/presso-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PressoPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, PressoPreferencesWindow, screening_days_button);
  gtk_widget_class_bind_template_child (widget_class, PressoPreferencesWindow, session_minutes_button);
  gtk_widget_class_bind_template_callback (widget_class, on_color_scheme_selected_cb);
}

static void
presso_preferences_window_init (PressoPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * presso_preferences_window_new:
 * @settings: the io.github.presso.Presso settings
 *
 * Returns: (transfer floating): the preferences window, bound to @settings
 */
GtkWindow *
presso_preferences_window_new (GSettings *settings)
{
  PressoPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PRESSO_TYPE_PREFERENCES_WINDOW, NULL);
  adw_combo_row_set_selected (self->color_scheme_row,
                              g_settings_get_enum (settings, "color-scheme"));
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "screening-validity-days",
                   gtk_spin_button_get_adjustment (self->screening_days_button), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "default-session-minutes",
                   gtk_spin_button_get_adjustment (self->session_minutes_button), "value",
                   G_SETTINGS_BIND_DEFAULT);

  return GTK_WINDOW (self);
}
