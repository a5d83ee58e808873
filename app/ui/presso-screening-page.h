/* presso-screening-page.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The practitioner's contraindication screening form: every question of the rules on one
 * page, the live verdict per zone beside it, practitioners' decisions on relative
 * contraindications, and Save (a new stored version) or Cancel.
 */
#pragma once

#include <adwaita.h>

#include "presso-screening.h"
#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_SCREENING_PAGE (presso_screening_page_get_type ())
G_DECLARE_FINAL_TYPE (PressoScreeningPage, presso_screening_page, PRESSO, SCREENING_PAGE, AdwBin)

typedef void (*PressoScreeningSavedFunc) (PressoScreening *screening,
                                          gpointer         user_data);

/* Properties: "rules" (PressoScreeningRules), "screening" (PressoScreening: the unsaved version
 * the form edits in place), "store" (nullable: Save inserts the screening into it), "staff"
 * (nullable: who records decisions and screens; defaults to the store's actor), "title"
 * (the header's subtitle, e.g. the client's name), "modified" (read-only).
 * Signals: "saved" (after Save stored the screening), "cancelled" (Cancel, confirmed when
 * there were unsaved answers). */
GtkWidget             *presso_screening_page_new          (PressoScreeningRules     *rules,
                                                           PressoScreening          *screening,
                                                           PressoStore              *store);
PressoScreeningRules  *presso_screening_page_get_rules    (PressoScreeningPage      *self);
PressoScreening       *presso_screening_page_get_screening (PressoScreeningPage     *self);
void                   presso_screening_page_set_staff    (PressoScreeningPage      *self,
                                                           PressoStaff              *staff);
/* Names the stored version the answers were copied from (nullable: none), above the questions. */
void                   presso_screening_page_set_based_on (PressoScreeningPage      *self,
                                                           PressoScreening          *previous);
/* TRUE once anything was answered or decided since the page got its screening. */
gboolean               presso_screening_page_get_modified (PressoScreeningPage      *self);
/* The verdict of the answers as they stand (transfer full). */
PressoScreeningResult *presso_screening_page_evaluate     (PressoScreeningPage      *self);
/* Save (the Save button, Ctrl+S): refuses (and shows why, focusing the first problem) while an
 * answer is invalid (PRESSO_SCREENING_ERROR_INVALID_ANSWER) or a required question unanswered
 * (PRESSO_SCREENING_ERROR_INCOMPLETE); stores the screening when the page has a store (a new
 * version); then emits "saved". */
gboolean               presso_screening_page_save         (PressoScreeningPage      *self,
                                                           GError                  **error);
/* Cancel (the Cancel button, Escape): asks first when there are unsaved answers; emits
 * "cancelled" once confirmed. */
void                   presso_screening_page_cancel       (PressoScreeningPage      *self);
/* Opens the "Record a Decision" form for a relative reason (what the zone's "Record Decision…"
 * button does); FALSE when @item_id raises nothing to decide on @zone. */
gboolean               presso_screening_page_open_decision (PressoScreeningPage     *self,
                                                           const char               *item_id,
                                                           PressoZones               zone);

/* Opens a screening form in its own modal window over @parent, for a new version of @current
 * (or a first screening of @client_id when @current is NULL); @on_saved (nullable) runs with
 * the stored screening, then the window closes.  Returns: (transfer none): the window. */
GtkWindow             *presso_screening_page_open_window  (GtkWindow                *parent,
                                                           PressoStore              *store,
                                                           PressoScreeningRules     *rules,
                                                           gint64                    client_id,
                                                           PressoScreening          *current,
                                                           const char               *client_name,
                                                           PressoScreeningSavedFunc  on_saved,
                                                           gpointer                  user_data);

G_END_DECLS
