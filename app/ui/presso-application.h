/* presso-application.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PRESSO_TYPE_APPLICATION (presso_application_get_type ())
G_DECLARE_FINAL_TYPE (PressoApplication, presso_application, PRESSO, APPLICATION, AdwApplication)

PressoApplication *presso_application_new          (void);
GSettings         *presso_application_get_settings (PressoApplication *self);

/* Registers Presso's GResource (templates, style, icons) once; every templated widget's
 * class_init calls it so that tests which never create the application still find them. */
void               presso_ui_ensure_resources      (void);
/* Makes Presso's icon known to the icon theme, once: called by what shows it. */
void               presso_ui_ensure_app_icon       (void);

G_END_DECLS
