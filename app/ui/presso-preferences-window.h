/* presso-preferences-window.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PRESSO_TYPE_PREFERENCES_WINDOW (presso_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PressoPreferencesWindow, presso_preferences_window, PRESSO, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWindow *presso_preferences_window_new (GSettings *settings);

G_END_DECLS
