/* presso-store-screening.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contraindication screenings in the store.  A screening is never edited in place: each save
 * inserts a new version (1, 2, ...) of the client's screening with its answers.  Practitioner
 * decisions and the daily "anything changed?" confirmations are rows of their own, tied to a
 * screening version; a later decision on the same item and zone supersedes the earlier one.
 */
#pragma once

#include "presso-store.h"
#include "presso-screening-gate.h"

G_BEGIN_DECLS

/* Inserts @screening (id 0) as the client's next version, its answers and any decisions already
 * recorded on it, in one transaction; then sets its id and version, screened at (now, when unset)
 * and by (the store's actor, when unset).  INVALID when it has an id already (stored screenings
 * are never changed: make presso_screening_new_version() and insert that). */
gboolean          presso_store_insert_screening       (PressoStore                  *self,
                                                       PressoScreening              *screening,
                                                       GError                      **error);
/* (transfer full) NOT_FOUND when there is no such row. */
PressoScreening  *presso_store_get_screening          (PressoStore                  *self,
                                                       gint64                        id,
                                                       GError                      **error);
/* The client's latest version with its answers and decisions.
 * (transfer full) (nullable): NULL without an error when the client was never screened. */
PressoScreening  *presso_store_get_current_screening  (PressoStore                  *self,
                                                       gint64                        client_id,
                                                       GError                      **error);
/* Every version, newest first. (transfer full) (element-type PressoScreening) */
GPtrArray        *presso_store_list_screenings        (PressoStore                  *self,
                                                       gint64                        client_id,
                                                       GError                      **error);
/* Checks the decision against the screening (presso_screening_add_decision(): an absolute or
 * zone contraindication is refused with PRESSO_SCREENING_ERROR_NOT_OVERRIDABLE), stores it and
 * adds it to @screening.  @screening must be stored.  Sets the decision's id; decided by the
 * actor when unset. */
gboolean          presso_store_add_screening_decision (PressoStore                  *self,
                                                       PressoScreening              *screening,
                                                       PressoScreeningRules         *rules,
                                                       PressoScreeningDecision      *decision,
                                                       GDateTime                    *now,
                                                       GError                      **error);
/* Records the answer to "anything changed since the last screening?".  Sets its id; confirmed
 * by the actor when unset. */
gboolean          presso_store_record_screening_confirmation (PressoStore                 *self,
                                                              PressoScreeningConfirmation *confirmation,
                                                              GError                     **error);
/* The latest confirmation of @screening_id made on @now's calendar day (in @now's time zone).
 * (transfer full) (nullable): NULL without an error when there is none. */
PressoScreeningConfirmation *
                  presso_store_get_screening_confirmation (PressoStore              *self,
                                                           gint64                    screening_id,
                                                           GDateTime                *now,
                                                           GError                  **error);
/* When the client's health-relevant details last changed (birth date, sex, referring doctor,
 * notes), from the audit trail.  (transfer full) (nullable): NULL when never. */
GDateTime        *presso_store_get_client_health_changed_at (PressoStore            *self,
                                                             gint64                  client_id,
                                                             GError                **error);
/* The front desk's view: valid, expired, needs review or missing, and nothing else. */
PressoScreeningStatus
                  presso_store_get_screening_status   (PressoStore                  *self,
                                                       PressoScreeningRules         *rules,
                                                       gint64                        client_id,
                                                       GDateTime                    *now,
                                                       guint                         validity_days,
                                                       GError                      **error);
/* Loads the client's current screening, its decisions, today's confirmation and the health
 * change marker, and runs presso_screening_gate_issue_permit().  What the session and
 * presso-ctl call before START.  (transfer full) (nullable) */
PressoStartPermit *presso_store_check_screening_gate  (PressoStore                  *self,
                                                       PressoScreeningRules         *rules,
                                                       gint64                        client_id,
                                                       PressoZones                   zones,
                                                       GDateTime                    *now,
                                                       guint                         validity_days,
                                                       GError                      **error);

G_END_DECLS
