/* presso-screening-decision-dialog.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Record a Decision": a practitioner's reason (required) for letting sessions go ahead on a
 * zone despite a relative contraindication, with the date of the doctor's clearance letter.
 */
#pragma once

#include <adwaita.h>

#include "presso-screening.h"
#include "presso-staff.h"

G_BEGIN_DECLS

/* Receives the decision once recorded (transfer none: copy what is kept). */
typedef void (*PressoScreeningDecisionFunc) (const PressoScreeningDecision *decision,
                                             gpointer                       user_data);

/* Presents the form over @parent for @item on @zone (@pressure_cap: 0 = none, else said in
 * the text).  "Record Decision" stays disabled until a reason is typed and the letter's date,
 * if any, is a date; then @func runs with a decision by @staff (nullable: unknown), now.
 * @destroy frees @user_data with the dialog.  Returns: (transfer none): the dialog. */
GtkWindow *presso_screening_decision_dialog_present (GtkWindow                   *parent,
                                                     PressoScreeningItem         *item,
                                                     PressoZones                  zone,
                                                     guint                        pressure_cap,
                                                     PressoStaff                 *staff,
                                                     PressoScreeningDecisionFunc  func,
                                                     gpointer                     user_data,
                                                     GDestroyNotify               destroy);

G_END_DECLS
