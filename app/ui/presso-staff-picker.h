/* presso-staff-picker.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_STAFF_PICKER (presso_staff_picker_get_type ())
G_DECLARE_FINAL_TYPE (PressoStaffPicker, presso_staff_picker, PRESSO, STAFF_PICKER, AdwBin)

/* Signal "staff-picked" (PressoStaff *staff): someone picked themselves from the list. */
GtkWidget   *presso_staff_picker_new       (void);
PressoStore *presso_staff_picker_get_store (PressoStaffPicker *self);
void         presso_staff_picker_set_store (PressoStaffPicker *self,
                                            PressoStore       *store);
void         presso_staff_picker_reload    (PressoStaffPicker *self);

G_END_DECLS
