/* presso-device-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals of PressoDevice for its tests and benchmarks.
 */
#pragma once

#include "presso-device.h"
#include "presso-link.h"

G_BEGIN_DECLS

/* Stops (or resumes) the heartbeat, to see the device's watchdog vent. */
void        _presso_device_set_heartbeat_suspended (PressoDevice *self,
                                                    gboolean      suspended);
PressoLink *_presso_device_get_link                (PressoDevice *self);
/* Acts as if the link had gone down (a cable glitch): the port stays where it is. */
void        _presso_device_drop_link               (PressoDevice *self);
/* Monotonic time the last emergency vent frame left the fd, or 0. */
gint64      _presso_device_get_vent_written_time   (PressoDevice *self);

G_END_DECLS
