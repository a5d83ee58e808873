/* presso-test-util.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Presso's tests and benchmarks share without a display: waiting on the main loop with a
 * bound and for an async result, finding presso-sim, a clinic database in a temporary folder
 * and its removal, the data a session test needs.  GLib and the store only; the GUI tests add presso-test-gui.h on top.
 */
#pragma once

#include <gio/gio.h>

#include "presso-program.h"
#include "presso-screening.h"
#include "presso-store.h"

G_BEGIN_DECLS

/* A test's own condition on its fixture, as the waiting functions below take it. */
typedef gboolean (*PressoTestCondition) (gpointer data);

/* How long presso_test_iterate_until() sleeps after each look at the main context. */
#define PRESSO_TEST_NAP_US 500

gboolean          presso_test_iterate_until     (PressoTestCondition   cond,
                                                 gpointer              data,
                                                 guint                 timeout_ms);
gboolean          presso_test_iterate_until_nap (PressoTestCondition   cond,
                                                 gpointer              data,
                                                 guint                 timeout_ms,
                                                 guint                 nap_us);
void              presso_test_iterate_for       (guint                 ms);

void              presso_test_keep_result       (GObject              *object,
                                                 GAsyncResult         *result,
                                                 gpointer              slot);
gboolean          presso_test_result_ready      (gpointer              slot);
gboolean          presso_test_path_exists       (gpointer              path);
const char       *presso_test_sim_path          (void);

PressoStore      *presso_test_store_open        (const char           *path);
PressoStore      *presso_test_clinic_new        (const char           *tmpl,
                                                 char                **dir,
                                                 char                **path);
void              presso_test_remove_database   (const char           *path);
gboolean          presso_test_remove_tree       (const char           *path);

PressoProgram    *presso_test_short_program     (void);
void              presso_test_answer_all_no     (PressoScreening      *screening,
                                                 PressoScreeningRules *rules);

G_END_DECLS
