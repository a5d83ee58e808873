/* presso-test-gui.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Presso's GUI tests share: driving the main loop, finding widgets and windows,
 * screenshots into the build directory.  What needs no display (a clinic database in a
 * temporary folder, the data every treatment test needs) is in presso-test-util.h, included
 * here.
 */
#pragma once

#include <adwaita.h>

#include "presso-test-util.h"

G_BEGIN_DECLS

void              presso_test_load_style        (void);

void              presso_test_spin              (guint                 ms);
gboolean          presso_test_spin_until        (gpointer              data,
                                                 PressoTestCondition   done,
                                                 guint                 timeout_ms);

GtkWidget        *presso_test_find              (GtkWidget            *root,
                                                 const char           *id);
GtkWidget        *presso_test_find_named        (GtkWidget            *root,
                                                 const char           *name);
GtkWidget        *presso_test_find_button       (GtkWidget            *root,
                                                 const char           *label);
GtkWindow        *presso_test_find_toplevel     (GType                 type);
AdwMessageDialog *presso_test_message_dialog    (void);
void              presso_test_close_dialogs     (void);

GdkTexture       *presso_test_render            (GtkWidget            *widget);
void              presso_test_save_screenshot   (GtkWidget            *widget,
                                                 const char           *name);

G_END_DECLS
