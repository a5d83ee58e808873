/* presso-screening-gate.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-screening"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "presso-screening-gate.h"

struct _PressoStartPermit
{
  GObject      parent_instance;

  gint64       client_id;
  gint64       screening_id;
  PressoZones  zones;
  guint        pressure_cap;
  PressoScreeningRequirements requirements;
  GDateTime   *issued_at;
};

G_DEFINE_FINAL_TYPE (PressoStartPermit, presso_start_permit, G_TYPE_OBJECT)

static gboolean
same_day (GDateTime *a,
          GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (a, g_date_time_get_timezone (now));
  int y1, m1, d1, y2, m2, d2;

  g_date_time_get_ymd (local, &y1, &m1, &d1);
  g_date_time_get_ymd (now, &y2, &m2, &d2);
  return y1 == y2 && m1 == m2 && d1 == d2;
}

static char *
format_day (GDateTime *when,
            GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (when, g_date_time_get_timezone (now));

  /* Day first, as every date in Presso is written; "%x" would follow LC_TIME, which is the
   * C locale's 11/17/26 on many practice PCs. */
  return g_date_time_format (local, "%d/%m/%Y");
}

static gboolean
run_gate (PressoScreeningRules              *rules,
          PressoScreening                   *screening,
          PressoZones                        zones,
          GDateTime                         *now,
          guint                              validity_days,
          GDateTime                         *client_changed_at,
          const PressoScreeningConfirmation *confirmation,
          guint                             *pressure_cap,
          PressoScreeningRequirements       *requirements,
          GError                           **error)
{
  g_autoptr(PressoScreeningResult) result = NULL;
  g_autofree char *screened_day = NULL;
  GDateTime *screened_at;
  const char * const *missing;
  gboolean confirmation_applies;
  GPtrArray *reasons;

  if ((zones & PRESSO_ZONES_ALL) == 0 || (zones & ~PRESSO_ZONES_ALL) != 0)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT,
                   _("No garment is chosen: there is no zone to treat"));
      return FALSE;
    }

  if (screening == NULL || presso_screening_get_id (screening) <= 0 ||
      presso_screening_get_screened_at (screening) == NULL)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NO_SCREENING,
                   _("The client has no screening: screen them before the first session"));
      return FALSE;
    }

  screened_at = presso_screening_get_screened_at (screening);
  screened_day = format_day (screened_at, now);

  if (presso_screening_is_expired (screening, now, validity_days))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_EXPIRED,
                   _("The screening of %s has expired (it is valid for %u days): screen the client again"),
                   screened_day, validity_days);
      return FALSE;
    }

  if (presso_screening_is_stale (screening, client_changed_at))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_STALE,
                   _("The client’s details changed after the screening of %s: review the screening"),
                   screened_day);
      return FALSE;
    }

  result = presso_screening_evaluate (screening, rules, now);
  missing = presso_screening_result_get_missing (result);
  if (missing[0] != NULL)
    {
      PressoScreeningItem *item = presso_screening_rules_lookup (rules, missing[0]);

      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INCOMPLETE,
                   _("The screening does not answer “%s”: complete it first"),
                   presso_screening_item_get_question (item));
      return FALSE;
    }

  confirmation_applies = confirmation != NULL &&
                         confirmation->confirmed_at != NULL &&
                         confirmation->screening_id == presso_screening_get_id (screening) &&
                         same_day (confirmation->confirmed_at, now);
  if (confirmation_applies && confirmation->changed)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_CHANGED,
                   _("The client reported a change since the screening of %s: a new screening is needed"),
                   screened_day);
      return FALSE;
    }
  if (!confirmation_applies && !same_day (screened_at, now))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NOT_CONFIRMED,
                   _("Ask the client whether anything changed since the screening of %s, and record the answer"),
                   screened_day);
      return FALSE;
    }

  reasons = presso_screening_result_get_reasons (result);
  for (guint i = 0; i < reasons->len; i++)
    {
      const PressoScreeningReason *reason = g_ptr_array_index (reasons, i);

      if ((reason->zone & zones) && reason->status == PRESSO_ZONE_STATUS_CONTRAINDICATED)
        {
          g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_CONTRAINDICATED,
                       _("Contraindicated on the zone “%s” because of “%s”: %s"),
                       presso_zone_to_label (reason->zone),
                       presso_screening_item_get_question (reason->item),
                       presso_screening_item_get_help (reason->item));
          return FALSE;
        }
    }
  for (guint i = 0; i < reasons->len; i++)
    {
      const PressoScreeningReason *reason = g_ptr_array_index (reasons, i);

      if ((reason->zone & zones) && reason->status == PRESSO_ZONE_STATUS_NEEDS_DECISION &&
          reason->decision == NULL)
        {
          g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NEEDS_DECISION,
                       _("“%s” needs a practitioner’s recorded decision for the zone “%s” before a session"),
                       presso_screening_item_get_question (reason->item),
                       presso_zone_to_label (reason->zone));
          return FALSE;
        }
    }

  if (pressure_cap != NULL)
    *pressure_cap = presso_screening_result_get_pressure_cap (result, zones);
  if (requirements != NULL)
    *requirements = presso_screening_result_get_requirements (result, zones);
  return TRUE;
}

static void
presso_start_permit_finalize (GObject *object)
{
  PressoStartPermit *self = PRESSO_START_PERMIT (object);

  g_clear_pointer (&self->issued_at, g_date_time_unref);

  G_OBJECT_CLASS (presso_start_permit_parent_class)->finalize (object);
}

static void
presso_start_permit_class_init (PressoStartPermitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = presso_start_permit_finalize;
}

static void
presso_start_permit_init (PressoStartPermit *self)
{
}

gint64
presso_start_permit_get_client_id (PressoStartPermit *self)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), 0);
  return self->client_id;
}

gint64
presso_start_permit_get_screening_id (PressoStartPermit *self)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), 0);
  return self->screening_id;
}

PressoZones
presso_start_permit_get_zones (PressoStartPermit *self)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), PRESSO_ZONE_NONE);
  return self->zones;
}

guint
presso_start_permit_get_pressure_cap (PressoStartPermit *self)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), 0);
  return self->pressure_cap;
}

PressoScreeningRequirements
presso_start_permit_get_requirements (PressoStartPermit *self)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), 0);
  return self->requirements;
}

GDateTime *
presso_start_permit_get_issued_at (PressoStartPermit *self)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), NULL);
  return self->issued_at;
}

gboolean
presso_start_permit_check (PressoStartPermit  *self,
                           gint64              client_id,
                           PressoZones         zones,
                           GDateTime          *now,
                           GError            **error)
{
  g_return_val_if_fail (PRESSO_IS_START_PERMIT (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (client_id != self->client_id)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT,
                   _("The screening check was made for another client"));
      return FALSE;
    }
  if (zones == PRESSO_ZONE_NONE || (zones & ~self->zones) != 0)
    {
      g_autofree char *label = presso_zones_to_label (zones & ~self->zones);

      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT,
                   _("The screening check did not cover the zone(s): %s"), label);
      return FALSE;
    }
  if (!same_day (self->issued_at, now))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT,
                   _("The screening check was made on another day: check again"));
      return FALSE;
    }
  return TRUE;
}

PressoStartPermit *
presso_screening_gate_issue_permit (PressoScreeningRules              *rules,
                                    PressoScreening                   *screening,
                                    PressoZones                        zones,
                                    GDateTime                         *now,
                                    guint                              validity_days,
                                    GDateTime                         *client_changed_at,
                                    const PressoScreeningConfirmation *confirmation,
                                    GError                           **error)
{
  PressoStartPermit *permit;
  PressoScreeningRequirements requirements = PRESSO_SCREENING_REQUIRE_NONE;
  guint cap = 0;

  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), NULL);
  g_return_val_if_fail (screening == NULL || PRESSO_IS_SCREENING (screening), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!run_gate (rules, screening, zones, now, validity_days, client_changed_at, confirmation,
                 &cap, &requirements, error))
    return NULL;

  permit = g_object_new (PRESSO_TYPE_START_PERMIT, NULL);
  permit->client_id = presso_screening_get_client_id (screening);
  permit->screening_id = presso_screening_get_id (screening);
  permit->zones = zones;
  permit->pressure_cap = cap;
  permit->requirements = requirements;
  permit->issued_at = g_date_time_ref (now);
  return permit;
}

gboolean
presso_screening_gate_check (PressoScreeningRules              *rules,
                             PressoScreening                   *screening,
                             PressoZones                        zones,
                             GDateTime                         *now,
                             guint                              validity_days,
                             GDateTime                         *client_changed_at,
                             const PressoScreeningConfirmation *confirmation,
                             guint                             *pressure_cap,
                             GError                           **error)
{
  guint cap = 0;

  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), FALSE);
  g_return_val_if_fail (screening == NULL || PRESSO_IS_SCREENING (screening), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!run_gate (rules, screening, zones, now, validity_days, client_changed_at, confirmation,
                 &cap, NULL, error))
    return FALSE;
  if (pressure_cap != NULL)
    *pressure_cap = cap;
  return TRUE;
}
