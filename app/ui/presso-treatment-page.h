/* presso-treatment-page.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Treatment area: the physiotherapist's screen at the table.  Choose the client, the
 * device, the garments and the program; the screening gate (with the "anything changed?"
 * question) runs at Start and a refusal is shown with its reason; then Pause, Resume, Stop
 * and an Emergency Vent that is always there (Ctrl+Shift+V anywhere in the window).  Shows
 * the remaining time, cycle, phase and device state, alarms in a bar that cannot be missed,
 * the live pressure graph and the garments; at the end notes and scores go into the record.
 */
#pragma once

#include <adwaita.h>

#include "presso-device.h"
#include "presso-sample-buffer.h"
#include "presso-session.h"
#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_TREATMENT_PAGE (presso_treatment_page_get_type ())
G_DECLARE_FINAL_TYPE (PressoTreatmentPage, presso_treatment_page, PRESSO, TREATMENT_PAGE, AdwBin)

/* Properties: "store", "staff" (bound by the window), "client", "session" (read-only,
 * nullable), "device" (read-only, nullable).
 * Actions (on the page): treatment.start, treatment.pause, treatment.resume, treatment.stop
 * (asks first), treatment.vent, treatment.acknowledge, treatment.save, treatment.new-session.
 * Once in a PressoWindow it adds "treatment-area.start-for-current-client" to the window: the
 * Clients area's "Start Session" button, which brings the client shown there here. */
GtkWidget          *presso_treatment_page_new                (void);
PressoStore        *presso_treatment_page_get_store          (PressoTreatmentPage  *self);
void                presso_treatment_page_set_store          (PressoTreatmentPage  *self,
                                                              PressoStore          *store);
PressoStaff        *presso_treatment_page_get_staff          (PressoTreatmentPage  *self);
void                presso_treatment_page_set_staff          (PressoTreatmentPage  *self,
                                                              PressoStaff          *staff);
PressoClient       *presso_treatment_page_get_client         (PressoTreatmentPage  *self);
void                presso_treatment_page_set_client         (PressoTreatmentPage  *self,
                                                              PressoClient         *client);
/* (transfer none) (nullable): the device chosen (the simulated device by default). */
PressoDevice       *presso_treatment_page_get_device         (PressoTreatmentPage  *self);
/* Uses @device instead of the one chosen in the list (connected if it is not). */
void                presso_treatment_page_set_device         (PressoTreatmentPage  *self,
                                                              PressoDevice         *device);
/* Offers @program (copied) in the program list and selects it. */
void                presso_treatment_page_add_program        (PressoTreatmentPage  *self,
                                                              PressoProgram        *program);
/* (transfer none): the program as it will run (the chosen one with the page's edits). */
PressoProgram      *presso_treatment_page_get_program        (PressoTreatmentPage  *self);
/* (transfer none) (nullable): the session started here, until "New Session". */
PressoSession      *presso_treatment_page_get_session        (PressoTreatmentPage  *self);
/* (transfer none) (nullable): the samples the graph shows. */
PressoSampleBuffer *presso_treatment_page_get_buffer         (PressoTreatmentPage  *self);
/* Why the last Start was refused, or NULL. */
const char         *presso_treatment_page_get_refusal        (PressoTreatmentPage  *self);
/* For demonstrations and tests: sessions started here end after @seconds (0: the program's
 * duration); see presso_session_set_duration_limit(). */
void                presso_treatment_page_set_duration_limit (PressoTreatmentPage  *self,
                                                              guint                 seconds);

G_END_DECLS
