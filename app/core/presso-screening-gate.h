/* presso-screening-gate.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "presso-screening.h"

G_BEGIN_DECLS

/* Proof that the screening gate let a client's session start on some zones.  Only the gate
 * creates one (there is no public constructor): the session object takes a permit to start, so
 * no path to START can skip the gate. */
#define PRESSO_TYPE_START_PERMIT (presso_start_permit_get_type ())
G_DECLARE_FINAL_TYPE (PressoStartPermit, presso_start_permit, PRESSO, START_PERMIT, GObject)

gint64       presso_start_permit_get_client_id    (PressoStartPermit *self);
gint64       presso_start_permit_get_screening_id (PressoStartPermit *self);
PressoZones  presso_start_permit_get_zones        (PressoStartPermit *self);
/* The lowest pressure cap (mmHg) of the reasons on the permitted zones; 0 = no cap. */
guint        presso_start_permit_get_pressure_cap (PressoStartPermit *self);
/* What the session must include on the permitted zones (pre-therapy...): the session refuses a
 * program without it. */
PressoScreeningRequirements
             presso_start_permit_get_requirements (PressoStartPermit *self);
GDateTime   *presso_start_permit_get_issued_at    (PressoStartPermit *self); /* (transfer none) */
/* What the session calls at START: TRUE when the permit is for @client_id, covers every zone
 * in @zones and was issued on @now's calendar day; else PRESSO_SCREENING_ERROR_PERMIT. */
gboolean     presso_start_permit_check            (PressoStartPermit *self,
                                                   gint64             client_id,
                                                   PressoZones        zones,
                                                   GDateTime         *now,
                                                   GError           **error);

/* The screening gate.  Refuses, with a PRESSO_SCREENING_ERROR whose message says why, when:
 *   @screening is NULL or was never saved (NO_SCREENING);
 *   it is older than @validity_days calendar days (EXPIRED; the 'screening-validity-days' setting);
 *   @client_changed_at (nullable) is later than the screening (STALE);
 *   a required question is unanswered (INCOMPLETE);
 *   the screening was not made today and @confirmation (nullable) is not today's "nothing
 *   changed" for this screening (NOT_CONFIRMED), or it says something changed (CHANGED);
 *   a zone of @zones is contraindicated (CONTRAINDICATED, naming the zone and the question);
 *   a relative reason on a zone of @zones has no practitioner decision (NEEDS_DECISION).
 * Returns: (transfer full) (nullable): the permit, carrying the pressure cap. */
PressoStartPermit *presso_screening_gate_issue_permit (PressoScreeningRules              *rules,
                                                       PressoScreening                   *screening,
                                                       PressoZones                        zones,
                                                       GDateTime                         *now,
                                                       guint                              validity_days,
                                                       GDateTime                         *client_changed_at,
                                                       const PressoScreeningConfirmation *confirmation,
                                                       GError                           **error);
/* The same checks; @pressure_cap (nullable) receives the cap (0 = none) when it passes. */
gboolean           presso_screening_gate_check        (PressoScreeningRules              *rules,
                                                       PressoScreening                   *screening,
                                                       PressoZones                        zones,
                                                       GDateTime                         *now,
                                                       guint                              validity_days,
                                                       GDateTime                         *client_changed_at,
                                                       const PressoScreeningConfirmation *confirmation,
                                                       guint                             *pressure_cap,
                                                       GError                           **error);

G_END_DECLS
