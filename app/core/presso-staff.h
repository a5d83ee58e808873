/* presso-staff.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A member of the practice's staff: who records, edits and treats.  Every write to the store
 * records the staff member who made it (see presso_store_set_actor()).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  PRESSO_ROLE_RECEPTIONIST,
  PRESSO_ROLE_PRACTITIONER,
  PRESSO_ROLE_MANAGER,
} PressoRole;

#define PRESSO_TYPE_ROLE (presso_role_get_type ())
GType        presso_role_get_type          (void) G_GNUC_CONST;

#define PRESSO_TYPE_STAFF (presso_staff_get_type ())
G_DECLARE_FINAL_TYPE (PressoStaff, presso_staff, PRESSO, STAFF, GObject)

/* Properties: "id" (gint64, 0 = not stored yet), "display-name" (string), "role" (PressoRole),
 * "active" (gboolean, default TRUE). */
PressoStaff *presso_staff_new              (const char  *display_name,
                                            PressoRole   role);
gint64       presso_staff_get_id           (PressoStaff *self);
void         presso_staff_set_id           (PressoStaff *self,
                                            gint64       id);
const char  *presso_staff_get_display_name (PressoStaff *self);
void         presso_staff_set_display_name (PressoStaff *self,
                                            const char  *display_name);
PressoRole   presso_staff_get_role         (PressoStaff *self);
void         presso_staff_set_role         (PressoStaff *self,
                                            PressoRole   role);
gboolean     presso_staff_get_active       (PressoStaff *self);
void         presso_staff_set_active       (PressoStaff *self,
                                            gboolean     active);

/* The translated label of a role ("Receptionist", "Practitioner", "Manager"). */
const char  *presso_role_to_string         (PressoRole   role);

G_END_DECLS
