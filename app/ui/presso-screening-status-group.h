/* presso-screening-status-group.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client's screening on their record: valid, expired or needing review, and for
 * practitioners and managers the verdict per zone, who screened and when, the history of
 * versions and a "New Screening" button.  The front desk sees the validity only.
 */
#pragma once

#include <adwaita.h>

#include "presso-screening.h"
#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_SCREENING_STATUS_GROUP (presso_screening_status_group_get_type ())
G_DECLARE_FINAL_TYPE (PressoScreeningStatusGroup, presso_screening_status_group, PRESSO, SCREENING_STATUS_GROUP, AdwBin)

/* Properties: "store", "client" (both nullable), "rules" (nullable: loaded with
 * presso_screening_rules_load_default() when first needed), "validity-days" (the
 * 'screening-validity-days' setting when the schema is installed, else 180). */
GtkWidget            *presso_screening_status_group_new               (void);
void                  presso_screening_status_group_set_store         (PressoScreeningStatusGroup *self,
                                                                       PressoStore                *store);
void                  presso_screening_status_group_set_client        (PressoScreeningStatusGroup *self,
                                                                       PressoClient               *client);
void                  presso_screening_status_group_set_rules         (PressoScreeningStatusGroup *self,
                                                                       PressoScreeningRules       *rules);
PressoScreeningRules *presso_screening_status_group_get_rules         (PressoScreeningStatusGroup *self);
void                  presso_screening_status_group_set_validity_days (PressoScreeningStatusGroup *self,
                                                                       guint                       days);
/* Reads the client's screening again (after a save elsewhere, or another staff signed in). */
void                  presso_screening_status_group_refresh           (PressoScreeningStatusGroup *self);
/* What the "New Screening" button does.  Returns: (transfer none) (nullable): the form's window. */
GtkWindow            *presso_screening_status_group_new_screening     (PressoScreeningStatusGroup *self);

G_END_DECLS
