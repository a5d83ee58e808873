/* presso-staff.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-core"

#include "config.h"

#include <glib/gi18n.h>

#include "presso-staff.h"

struct _PressoStaff
{
  GObject     parent_instance;

  gint64      id;
  char       *display_name;
  PressoRole  role;
  gboolean    active;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (PressoRole, presso_role,
                    G_DEFINE_ENUM_VALUE (PRESSO_ROLE_RECEPTIONIST, "receptionist"),
                    G_DEFINE_ENUM_VALUE (PRESSO_ROLE_PRACTITIONER, "practitioner"),
                    G_DEFINE_ENUM_VALUE (PRESSO_ROLE_MANAGER, "manager"))

G_DEFINE_FINAL_TYPE (PressoStaff, presso_staff, G_TYPE_OBJECT)

static void
presso_staff_finalize (GObject *object)
{
  PressoStaff *self = PRESSO_STAFF (object);

  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (presso_staff_parent_class)->finalize (object);
}

static void
presso_staff_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PressoStaff *self = PRESSO_STAFF (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_staff_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PressoStaff *self = PRESSO_STAFF (object);

  switch (prop_id)
    {
    case PROP_ID:
      presso_staff_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_DISPLAY_NAME:
      presso_staff_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_ROLE:
      presso_staff_set_role (self, g_value_get_enum (value));
      break;
    case PROP_ACTIVE:
      presso_staff_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_staff_class_init (PressoStaffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = presso_staff_finalize;
  object_class->get_property = presso_staff_get_property;
  object_class->set_property = presso_staff_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, PRESSO_TYPE_ROLE, PRESSO_ROLE_PRACTITIONER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
presso_staff_init (PressoStaff *self)
{
  self->display_name = g_strdup ("");
  self->role = PRESSO_ROLE_PRACTITIONER;
  self->active = TRUE;
}

/**
 * presso_staff_new:
 * @display_name: the name shown to colleagues ("Claire Martin")
 * @role: what the person does at the practice
 *
 * Returns: (transfer full): a staff member not stored yet (id 0), active
 */
PressoStaff *
presso_staff_new (const char *display_name,
                  PressoRole  role)
{
  return g_object_new (PRESSO_TYPE_STAFF,
                       "display-name", display_name,
                       "role", role,
                       NULL);
}

gint64
presso_staff_get_id (PressoStaff *self)
{
  g_return_val_if_fail (PRESSO_IS_STAFF (self), 0);

  return self->id;
}

void
presso_staff_set_id (PressoStaff *self,
                     gint64       id)
{
  g_return_if_fail (PRESSO_IS_STAFF (self));

  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
presso_staff_get_display_name (PressoStaff *self)
{
  g_return_val_if_fail (PRESSO_IS_STAFF (self), NULL);

  return self->display_name;
}

void
presso_staff_set_display_name (PressoStaff *self,
                               const char  *display_name)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (PRESSO_IS_STAFF (self));

  stripped = g_strstrip (g_strdup (display_name ? display_name : ""));
  if (g_strcmp0 (self->display_name, stripped) == 0)
    return;
  g_free (self->display_name);
  self->display_name = g_steal_pointer (&stripped);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

PressoRole
presso_staff_get_role (PressoStaff *self)
{
  g_return_val_if_fail (PRESSO_IS_STAFF (self), PRESSO_ROLE_RECEPTIONIST);

  return self->role;
}

void
presso_staff_set_role (PressoStaff *self,
                       PressoRole   role)
{
  g_return_if_fail (PRESSO_IS_STAFF (self));
  g_return_if_fail (role <= PRESSO_ROLE_MANAGER);

  if (self->role == role)
    return;
  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

gboolean
presso_staff_get_active (PressoStaff *self)
{
  g_return_val_if_fail (PRESSO_IS_STAFF (self), FALSE);

  return self->active;
}

void
presso_staff_set_active (PressoStaff *self,
                         gboolean     active)
{
  g_return_if_fail (PRESSO_IS_STAFF (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/**
 * presso_role_to_string:
 * @role: a role
 *
 * Returns: (transfer none): the translated label of @role
 */
const char *
presso_role_to_string (PressoRole role)
{
  switch (role)
    {
    case PRESSO_ROLE_RECEPTIONIST:
      return _("Receptionist");
    case PRESSO_ROLE_PRACTITIONER:
      return _("Practitioner");
    case PRESSO_ROLE_MANAGER:
      return _("Manager");
    default:
      g_return_val_if_reached ("");
    }
}
