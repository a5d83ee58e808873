/* presso-sim-glue.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-process simulated device: presso-sim's real-time loop in a thread, serving one end
 * of a socketpair; the other end goes to PressoDevice's link like any port.
 */
#pragma once

#include <glib.h>

#include "presso-device.h"

G_BEGIN_DECLS

typedef struct _PressoSimGlue PressoSimGlue;

presso_sim_config *presso_sim_glue_config_dup   (const presso_sim_config *config);
void               presso_sim_glue_config_free  (presso_sim_config       *config);
PressoSimGlue     *presso_sim_glue_new          (const presso_sim_config *config,
                                                 GError                 **error);
int                presso_sim_glue_take_host_fd (PressoSimGlue           *glue);
void               presso_sim_glue_free         (PressoSimGlue           *glue);

G_END_DECLS
