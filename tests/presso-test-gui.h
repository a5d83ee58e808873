/* presso-test-gui.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Presso's GUI tests share: driving the main loop, finding widgets and windows, a clinic
 * database in a temporary folder, the data every treatment test needs, screenshots into the
 * build directory.
 */
#pragma once

#include <adwaita.h>

#include "presso-program.h"
#include "presso-screening.h"
#include "presso-store.h"

G_BEGIN_DECLS

/* A test's own condition on its fixture, cast to this type for presso_test_spin_until(). */
typedef gboolean (*PressoTestCondition) (gpointer data);

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

PressoStore      *presso_test_clinic_new        (const char           *tmpl,
                                                 char                **dir,
                                                 char                **path);
gboolean          presso_test_remove_tree       (const char           *path);

PressoProgram    *presso_test_short_program     (void);
void              presso_test_answer_all_no     (PressoScreening      *screening,
                                                 PressoScreeningRules *rules);

G_END_DECLS
