/* presso-screening.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-screening"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "presso-screening.h"

struct _PressoScreeningAnswer
{
  PressoScreeningKind  kind;
  gboolean             yes;
  double               number[2];
  GDateTime           *date;
  PressoZones          zones;
};

G_DEFINE_BOXED_TYPE (PressoScreeningAnswer, presso_screening_answer,
                     presso_screening_answer_copy, presso_screening_answer_free)
G_DEFINE_BOXED_TYPE (PressoScreeningDecision, presso_screening_decision,
                     presso_screening_decision_copy, presso_screening_decision_free)
G_DEFINE_BOXED_TYPE (PressoScreeningConfirmation, presso_screening_confirmation,
                     presso_screening_confirmation_copy, presso_screening_confirmation_free)

struct _PressoScreeningResult
{
  GObject           parent_instance;

  GPtrArray        *reasons;    /* PressoScreeningReason */
  GPtrArray        *items;      /* refs held for the reasons */
  GPtrArray        *missing;    /* NULL-terminated item ids */
  GPtrArray        *decisions;  /* copies the reasons point to */
  PressoZoneStatus  status[PRESSO_N_ZONES];
};

G_DEFINE_FINAL_TYPE (PressoScreeningResult, presso_screening_result, G_TYPE_OBJECT)

struct _PressoScreening
{
  GObject     parent_instance;

  gint64      id;
  gint64      client_id;
  int         version;
  GDateTime  *screened_at;
  gint64      screened_by;
  char       *rules_version;
  GHashTable *answers;    /* item id → PressoScreeningAnswer */
  GPtrArray  *decisions;  /* PressoScreeningDecision */
};

G_DEFINE_FINAL_TYPE (PressoScreening, presso_screening, G_TYPE_OBJECT)

static const PressoZones zone_order[PRESSO_N_ZONES] = {
  PRESSO_ZONE_LEGS, PRESSO_ZONE_ARMS, PRESSO_ZONE_ABDOMEN,
};

static guint
zone_index (PressoZones zone)
{
  for (guint i = 0; i < PRESSO_N_ZONES; i++)
    if (zone_order[i] == zone)
      return i;
  g_return_val_if_reached (0);
}

static gboolean
is_single_zone (PressoZones zone)
{
  return zone == PRESSO_ZONE_LEGS || zone == PRESSO_ZONE_ARMS || zone == PRESSO_ZONE_ABDOMEN;
}

static gboolean
compare_value (PressoScreeningCompare compare,
               double                 value,
               double                 limit)
{
  switch (compare)
    {
    case PRESSO_SCREENING_COMPARE_LESS:
      return value < limit;
    case PRESSO_SCREENING_COMPARE_LESS_EQUAL:
      return value <= limit;
    case PRESSO_SCREENING_COMPARE_GREATER:
      return value > limit;
    case PRESSO_SCREENING_COMPARE_GREATER_EQUAL:
      return value >= limit;
    default:
      g_return_val_if_reached (TRUE);
    }
}

static gboolean
past_threshold (PressoScreeningItem         *item,
                const PressoScreeningAnswer *answer,
                gboolean                     relative)
{
  for (guint part = 0; part < presso_screening_item_get_n_parts (item); part++)
    {
      PressoScreeningCompare compare;
      double limit;

      if (presso_screening_item_get_threshold (item, relative, part, &compare, &limit) &&
          compare_value (compare, answer->number[part], limit))
        return TRUE;
    }
  return FALSE;
}

/* What an answered item means, before decisions: the severity that applies (NONE when it does
 * not apply) and the zones it concerns. */
static PressoScreeningSeverity
item_applies (PressoScreeningItem         *item,
              PressoScreening             *screening,
              const PressoScreeningAnswer *answer,
              GDateTime                   *now,
              PressoZones                 *zones)
{
  PressoScreeningSeverity severity = presso_screening_item_get_severity (item);
  const char *lifted_by;

  *zones = presso_screening_item_get_zones (item);

  if (answer == NULL || answer->kind != presso_screening_item_get_kind (item))
    return PRESSO_SCREENING_SEVERITY_NONE;

  switch (answer->kind)
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      if (!answer->yes)
        return PRESSO_SCREENING_SEVERITY_NONE;
      break;

    case PRESSO_SCREENING_KIND_ZONES:
      if ((answer->zones & *zones) == 0)
        return PRESSO_SCREENING_SEVERITY_NONE;
      if (severity != PRESSO_SCREENING_SEVERITY_ABSOLUTE)
        *zones &= answer->zones;
      break;

    case PRESSO_SCREENING_KIND_NUMBER:
    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      if (past_threshold (item, answer, FALSE))
        break;
      if (past_threshold (item, answer, TRUE))
        {
          severity = PRESSO_SCREENING_SEVERITY_RELATIVE;
          break;
        }
      return PRESSO_SCREENING_SEVERITY_NONE;

    case PRESSO_SCREENING_KIND_DATE:
    default:
      return PRESSO_SCREENING_SEVERITY_NONE;
    }

  if (severity == PRESSO_SCREENING_SEVERITY_ABSOLUTE)
    *zones = PRESSO_ZONES_ALL;

  /* Infection: no longer applies N hours after antibiotics started. */
  lifted_by = presso_screening_item_get_lifted_by (item);
  if (lifted_by != NULL && now != NULL)
    {
      const PressoScreeningAnswer *since = g_hash_table_lookup (screening->answers, lifted_by);

      if (since != NULL && since->kind == PRESSO_SCREENING_KIND_DATE && since->date != NULL)
        {
          GTimeSpan elapsed = g_date_time_difference (now, since->date);

          if (elapsed >= (GTimeSpan) presso_screening_item_get_lifted_after_hours (item) * G_TIME_SPAN_HOUR)
            return PRESSO_SCREENING_SEVERITY_NONE;
        }
    }

  return severity;
}

static const PressoScreeningDecision *
find_decision (PressoScreening *self,
               const char      *item_id,
               PressoZones      zone)
{
  /* The latest decision on an item and zone is the one that counts. */
  for (guint i = self->decisions->len; i > 0; i--)
    {
      const PressoScreeningDecision *decision = g_ptr_array_index (self->decisions, i - 1);

      if (decision->zone == zone && g_strcmp0 (decision->item_id, item_id) == 0)
        return decision;
    }
  return NULL;
}

static gboolean
string_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

/* Answer */

static PressoScreeningAnswer *
answer_new (PressoScreeningKind kind)
{
  PressoScreeningAnswer *answer = g_new0 (PressoScreeningAnswer, 1);

  answer->kind = kind;
  return answer;
}

PressoScreeningAnswer *
presso_screening_answer_new_yes_no (gboolean yes)
{
  PressoScreeningAnswer *answer = answer_new (PRESSO_SCREENING_KIND_YES_NO);

  answer->yes = !!yes;
  return answer;
}

PressoScreeningAnswer *
presso_screening_answer_new_number (double value)
{
  PressoScreeningAnswer *answer = answer_new (PRESSO_SCREENING_KIND_NUMBER);

  answer->number[0] = value;
  return answer;
}

PressoScreeningAnswer *
presso_screening_answer_new_pair (double first,
                                  double second)
{
  PressoScreeningAnswer *answer = answer_new (PRESSO_SCREENING_KIND_NUMBER_PAIR);

  answer->number[0] = first;
  answer->number[1] = second;
  return answer;
}

PressoScreeningAnswer *
presso_screening_answer_new_date (GDateTime *date)
{
  PressoScreeningAnswer *answer;

  g_return_val_if_fail (date != NULL, NULL);

  answer = answer_new (PRESSO_SCREENING_KIND_DATE);
  answer->date = g_date_time_to_utc (date);
  return answer;
}

PressoScreeningAnswer *
presso_screening_answer_new_zones (PressoZones zones)
{
  PressoScreeningAnswer *answer = answer_new (PRESSO_SCREENING_KIND_ZONES);

  answer->zones = zones & PRESSO_ZONES_ALL;
  return answer;
}

PressoScreeningAnswer *
presso_screening_answer_copy (const PressoScreeningAnswer *answer)
{
  PressoScreeningAnswer *copy;

  g_return_val_if_fail (answer != NULL, NULL);

  copy = g_memdup2 (answer, sizeof *answer);
  if (copy->date != NULL)
    g_date_time_ref (copy->date);
  return copy;
}

void
presso_screening_answer_free (PressoScreeningAnswer *answer)
{
  if (answer == NULL)
    return;
  g_clear_pointer (&answer->date, g_date_time_unref);
  g_free (answer);
}

PressoScreeningKind
presso_screening_answer_get_kind (const PressoScreeningAnswer *answer)
{
  g_return_val_if_fail (answer != NULL, 0);
  return answer->kind;
}

gboolean
presso_screening_answer_get_yes (const PressoScreeningAnswer *answer)
{
  g_return_val_if_fail (answer != NULL, FALSE);
  return answer->yes;
}

double
presso_screening_answer_get_number (const PressoScreeningAnswer *answer,
                                    guint                        part)
{
  g_return_val_if_fail (answer != NULL, 0);
  g_return_val_if_fail (part < 2, 0);
  return answer->number[part];
}

GDateTime *
presso_screening_answer_get_date (const PressoScreeningAnswer *answer)
{
  g_return_val_if_fail (answer != NULL, NULL);
  return answer->date;
}

PressoZones
presso_screening_answer_get_zones (const PressoScreeningAnswer *answer)
{
  g_return_val_if_fail (answer != NULL, 0);
  return answer->zones;
}

char *
presso_screening_answer_to_string (const PressoScreeningAnswer *answer)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  GString *zones;

  g_return_val_if_fail (answer != NULL, NULL);

  switch (answer->kind)
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      return g_strdup (answer->yes ? "yes" : "no");
    case PRESSO_SCREENING_KIND_NUMBER:
      return g_strdup (g_ascii_dtostr (a, sizeof a, answer->number[0]));
    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      return g_strdup_printf ("%s;%s", g_ascii_dtostr (a, sizeof a, answer->number[0]),
                              g_ascii_dtostr (b, sizeof b, answer->number[1]));
    case PRESSO_SCREENING_KIND_DATE:
      return g_date_time_format_iso8601 (answer->date);
    case PRESSO_SCREENING_KIND_ZONES:
      zones = g_string_new (NULL);
      for (guint i = 0; i < PRESSO_N_ZONES; i++)
        if (answer->zones & zone_order[i])
          {
            if (zones->len > 0)
              g_string_append_c (zones, ';');
            g_string_append (zones, presso_zone_to_id (zone_order[i]));
          }
      return g_string_free (zones, FALSE);
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
parse_number (const char *text,
              double     *out)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*out);
}

PressoScreeningAnswer *
presso_screening_answer_parse (PressoScreeningKind   kind,
                               const char           *text,
                               GError              **error)
{
  g_autoptr(PressoScreeningAnswer) answer = answer_new (kind);
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  switch (kind)
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      if (g_str_equal (text, "yes"))
        answer->yes = TRUE;
      else if (!g_str_equal (text, "no"))
        goto invalid;
      break;

    case PRESSO_SCREENING_KIND_NUMBER:
      if (!parse_number (text, &answer->number[0]))
        goto invalid;
      break;

    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      parts = g_strsplit (text, ";", -1);
      if (g_strv_length (parts) != 2 ||
          !parse_number (parts[0], &answer->number[0]) ||
          !parse_number (parts[1], &answer->number[1]))
        goto invalid;
      break;

    case PRESSO_SCREENING_KIND_DATE:
      answer->date = g_date_time_new_from_iso8601 (text, NULL);
      if (answer->date == NULL)
        goto invalid;
      break;

    case PRESSO_SCREENING_KIND_ZONES:
      parts = g_strsplit (text, ";", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          gboolean found = FALSE;

          if (*parts[i] == '\0')
            continue;
          for (guint z = 0; z < PRESSO_N_ZONES; z++)
            if (g_str_equal (parts[i], presso_zone_to_id (zone_order[z])))
              {
                answer->zones |= zone_order[z];
                found = TRUE;
              }
          if (!found)
            goto invalid;
        }
      break;

    default:
      goto invalid;
    }

  return g_steal_pointer (&answer);

invalid:
  g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER,
               _("“%s” is not a valid answer"), text);
  return NULL;
}

/* Decision */

PressoScreeningDecision *
presso_screening_decision_new (PressoZones  zone,
                               const char  *item_id,
                               const char  *reason,
                               GDateTime   *letter_date,
                               gint64       decided_by,
                               GDateTime   *decided_at)
{
  PressoScreeningDecision *decision = g_new0 (PressoScreeningDecision, 1);

  decision->zone = zone;
  decision->item_id = g_strdup (item_id);
  decision->reason = g_strdup (reason);
  decision->letter_date = letter_date ? g_date_time_ref (letter_date) : NULL;
  decision->decided_by = decided_by;
  decision->decided_at = decided_at ? g_date_time_ref (decided_at) : NULL;
  return decision;
}

PressoScreeningDecision *
presso_screening_decision_copy (const PressoScreeningDecision *decision)
{
  PressoScreeningDecision *copy;

  g_return_val_if_fail (decision != NULL, NULL);

  copy = presso_screening_decision_new (decision->zone, decision->item_id, decision->reason,
                                        decision->letter_date, decision->decided_by,
                                        decision->decided_at);
  copy->id = decision->id;
  return copy;
}

void
presso_screening_decision_free (PressoScreeningDecision *decision)
{
  if (decision == NULL)
    return;
  g_free (decision->item_id);
  g_free (decision->reason);
  g_clear_pointer (&decision->letter_date, g_date_time_unref);
  g_clear_pointer (&decision->decided_at, g_date_time_unref);
  g_free (decision);
}

/* Confirmation */

PressoScreeningConfirmation *
presso_screening_confirmation_new (gint64     screening_id,
                                   gboolean   changed,
                                   gint64     confirmed_by,
                                   GDateTime *confirmed_at)
{
  PressoScreeningConfirmation *confirmation = g_new0 (PressoScreeningConfirmation, 1);

  g_return_val_if_fail (confirmed_at != NULL, NULL);

  confirmation->screening_id = screening_id;
  confirmation->changed = !!changed;
  confirmation->confirmed_by = confirmed_by;
  confirmation->confirmed_at = g_date_time_ref (confirmed_at);
  return confirmation;
}

PressoScreeningConfirmation *
presso_screening_confirmation_copy (const PressoScreeningConfirmation *confirmation)
{
  PressoScreeningConfirmation *copy;

  g_return_val_if_fail (confirmation != NULL, NULL);

  copy = presso_screening_confirmation_new (confirmation->screening_id, confirmation->changed,
                                            confirmation->confirmed_by,
                                            confirmation->confirmed_at);
  copy->id = confirmation->id;
  return copy;
}

void
presso_screening_confirmation_free (PressoScreeningConfirmation *confirmation)
{
  if (confirmation == NULL)
    return;
  g_clear_pointer (&confirmation->confirmed_at, g_date_time_unref);
  g_free (confirmation);
}

/* Result */

static void
presso_screening_result_finalize (GObject *object)
{
  PressoScreeningResult *self = PRESSO_SCREENING_RESULT (object);

  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->missing, g_ptr_array_unref);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);

  G_OBJECT_CLASS (presso_screening_result_parent_class)->finalize (object);
}

static void
presso_screening_result_class_init (PressoScreeningResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = presso_screening_result_finalize;
}

static void
presso_screening_result_init (PressoScreeningResult *self)
{
  self->reasons = g_ptr_array_new_with_free_func (g_free);
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->missing = g_ptr_array_new_with_free_func (g_free);
  self->decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_screening_decision_free);
}

PressoZoneStatus
presso_screening_result_get_zone_status (PressoScreeningResult *self,
                                         PressoZones            zone)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RESULT (self), PRESSO_ZONE_STATUS_CONTRAINDICATED);
  g_return_val_if_fail (is_single_zone (zone), PRESSO_ZONE_STATUS_CONTRAINDICATED);
  return self->status[zone_index (zone)];
}

GPtrArray *
presso_screening_result_get_reasons (PressoScreeningResult *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RESULT (self), NULL);
  return self->reasons;
}

guint
presso_screening_result_get_pressure_cap (PressoScreeningResult *self,
                                          PressoZones            zones)
{
  guint cap = 0;

  g_return_val_if_fail (PRESSO_IS_SCREENING_RESULT (self), 0);

  for (guint i = 0; i < self->reasons->len; i++)
    {
      const PressoScreeningReason *reason = g_ptr_array_index (self->reasons, i);

      if ((reason->zone & zones) && reason->pressure_cap > 0 &&
          (cap == 0 || reason->pressure_cap < cap))
        cap = reason->pressure_cap;
    }
  return cap;
}

PressoScreeningRequirements
presso_screening_result_get_requirements (PressoScreeningResult *self,
                                          PressoZones            zones)
{
  PressoScreeningRequirements requirements = PRESSO_SCREENING_REQUIRE_NONE;

  g_return_val_if_fail (PRESSO_IS_SCREENING_RESULT (self), 0);

  for (guint i = 0; i < self->reasons->len; i++)
    {
      const PressoScreeningReason *reason = g_ptr_array_index (self->reasons, i);

      if (reason->zone & zones)
        requirements |= reason->requirements;
    }
  return requirements;
}

const char * const *
presso_screening_result_get_missing (PressoScreeningResult *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RESULT (self), NULL);
  return (const char * const *) self->missing->pdata;
}

/* Screening */

static void
presso_screening_finalize (GObject *object)
{
  PressoScreening *self = PRESSO_SCREENING (object);

  g_clear_pointer (&self->screened_at, g_date_time_unref);
  g_clear_pointer (&self->rules_version, g_free);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);

  G_OBJECT_CLASS (presso_screening_parent_class)->finalize (object);
}

static void
presso_screening_class_init (PressoScreeningClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = presso_screening_finalize;
}

static void
presso_screening_init (PressoScreening *self)
{
  self->version = 1;
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) presso_screening_answer_free);
  self->decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_screening_decision_free);
}

/**
 * presso_screening_new:
 *
 * Returns: (transfer full): an empty screening of @client_id, version 1.
 */
PressoScreening *
presso_screening_new (gint64 client_id)
{
  PressoScreening *self = g_object_new (PRESSO_TYPE_SCREENING, NULL);

  self->client_id = client_id;
  return self;
}

/**
 * presso_screening_new_version:
 *
 * Returns: (transfer full): the next version, with a copy of the answers.
 */
PressoScreening *
presso_screening_new_version (PressoScreening *self)
{
  PressoScreening *next;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);

  next = presso_screening_new (self->client_id);
  next->version = self->version + 1;
  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (next->answers, g_strdup (key), presso_screening_answer_copy (value));
  return next;
}

gint64
presso_screening_get_id (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), 0);
  return self->id;
}

void
presso_screening_set_id (PressoScreening *self,
                         gint64           id)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));
  self->id = id;
}

gint64
presso_screening_get_client_id (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), 0);
  return self->client_id;
}

int
presso_screening_get_version (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), 0);
  return self->version;
}

void
presso_screening_set_version (PressoScreening *self,
                              int              version)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));
  self->version = version;
}

GDateTime *
presso_screening_get_screened_at (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);
  return self->screened_at;
}

void
presso_screening_set_screened_at (PressoScreening *self,
                                  GDateTime       *screened_at)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));

  g_clear_pointer (&self->screened_at, g_date_time_unref);
  if (screened_at != NULL)
    self->screened_at = g_date_time_to_utc (screened_at);
}

gint64
presso_screening_get_screened_by (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), 0);
  return self->screened_by;
}

void
presso_screening_set_screened_by (PressoScreening *self,
                                  gint64           staff_id)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));
  self->screened_by = staff_id;
}

const char *
presso_screening_get_rules_version (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);
  return self->rules_version;
}

void
presso_screening_set_rules_version (PressoScreening *self,
                                    const char      *rules_version)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));
  g_free (self->rules_version);
  self->rules_version = g_strdup (rules_version);
}

gboolean
presso_screening_set_answer (PressoScreening             *self,
                             PressoScreeningRules        *rules,
                             const char                  *item_id,
                             const PressoScreeningAnswer *answer,
                             GError                     **error)
{
  PressoScreeningItem *item;

  g_return_val_if_fail (PRESSO_IS_SCREENING (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), FALSE);
  g_return_val_if_fail (item_id != NULL, FALSE);

  item = presso_screening_rules_lookup (rules, item_id);
  if (item == NULL)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER,
                   _("There is no question “%s”"), item_id);
      return FALSE;
    }

  if (answer == NULL)
    {
      g_hash_table_remove (self->answers, item_id);
      return TRUE;
    }

  if (answer->kind != presso_screening_item_get_kind (item))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER,
                   _("“%s”: the answer is of the wrong kind"),
                   presso_screening_item_get_question (item));
      return FALSE;
    }

  for (guint part = 0; part < presso_screening_item_get_n_parts (item); part++)
    {
      double minimum = presso_screening_item_get_minimum (item, part);
      double maximum = presso_screening_item_get_maximum (item, part);

      if (!isfinite (answer->number[part]) ||
          answer->number[part] < minimum || answer->number[part] > maximum)
        {
          char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

          g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER,
                       _("“%s”: enter a value from %s to %s"),
                       presso_screening_item_get_question (item),
                       g_ascii_formatd (a, sizeof a, "%g", minimum),
                       g_ascii_formatd (b, sizeof b, "%g", maximum));
          return FALSE;
        }
    }

  if (answer->kind == PRESSO_SCREENING_KIND_ZONES &&
      (answer->zones & ~presso_screening_item_get_zones (item)) != 0)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER,
                   _("“%s”: a region that the question does not offer"),
                   presso_screening_item_get_question (item));
      return FALSE;
    }

  g_hash_table_insert (self->answers, g_strdup (item_id), presso_screening_answer_copy (answer));
  /* The version records which questions were asked. */
  if (self->rules_version == NULL)
    self->rules_version = g_strdup (presso_screening_rules_get_version (rules));
  return TRUE;
}

void
presso_screening_take_answer (PressoScreening       *self,
                              const char            *item_id,
                              PressoScreeningAnswer *answer)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));
  g_return_if_fail (item_id != NULL);
  g_return_if_fail (answer != NULL);

  g_hash_table_insert (self->answers, g_strdup (item_id), answer);
}

const PressoScreeningAnswer *
presso_screening_get_answer (PressoScreening *self,
                             const char      *item_id)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);
  g_return_val_if_fail (item_id != NULL, NULL);
  return g_hash_table_lookup (self->answers, item_id);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/**
 * presso_screening_list_answered:
 *
 * Returns: (transfer container) (element-type utf8): answered item ids, sorted.
 */
GPtrArray *
presso_screening_list_answered (PressoScreening *self)
{
  GPtrArray *ids;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);

  ids = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_strings);
  return ids;
}

/**
 * presso_screening_evaluate:
 *
 * Returns: (transfer full): the verdict per zone with its reasons.
 */
PressoScreeningResult *
presso_screening_evaluate (PressoScreening      *self,
                           PressoScreeningRules *rules,
                           GDateTime            *now)
{
  PressoScreeningResult *result;
  guint n_items;

  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  result = g_object_new (PRESSO_TYPE_SCREENING_RESULT, NULL);
  n_items = presso_screening_rules_get_n_items (rules);

  for (guint i = 0; i < n_items; i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);
      const char *id = presso_screening_item_get_id (item);
      const PressoScreeningAnswer *answer = g_hash_table_lookup (self->answers, id);
      PressoScreeningSeverity severity;
      PressoZones zones;

      if (answer == NULL || answer->kind != presso_screening_item_get_kind (item))
        {
          const char *parent_id = presso_screening_item_get_depends_on (item);
          gboolean asked = TRUE;

          /* A follow-up question is only asked when its parent applies. */
          if (parent_id != NULL)
            {
              PressoScreeningItem *parent = presso_screening_rules_lookup (rules, parent_id);
              PressoZones parent_zones;

              asked = item_applies (parent, self, g_hash_table_lookup (self->answers, parent_id),
                                    NULL, &parent_zones) != PRESSO_SCREENING_SEVERITY_NONE;
            }
          if (asked && !presso_screening_item_get_optional (item))
            g_ptr_array_add (result->missing, g_strdup (id));
          continue;
        }

      severity = item_applies (item, self, answer, now, &zones);
      if (severity == PRESSO_SCREENING_SEVERITY_NONE)
        continue;

      g_ptr_array_add (result->items, g_object_ref (item));
      for (guint z = 0; z < PRESSO_N_ZONES; z++)
        {
          PressoScreeningReason *reason;
          const PressoScreeningDecision *decision = NULL;

          if (!(zones & zone_order[z]))
            continue;

          reason = g_new0 (PressoScreeningReason, 1);
          reason->item = item;
          reason->zone = zone_order[z];
          reason->pressure_cap = presso_screening_item_get_pressure_cap (item);
          reason->requirements = presso_screening_item_get_requirements (item);
          if (severity == PRESSO_SCREENING_SEVERITY_RELATIVE)
            {
              reason->status = PRESSO_ZONE_STATUS_NEEDS_DECISION;
              decision = find_decision (self, id, zone_order[z]);
              if (decision != NULL)
                {
                  PressoScreeningDecision *copy = presso_screening_decision_copy (decision);

                  g_ptr_array_add (result->decisions, copy);
                  reason->decision = copy;
                }
            }
          else
            reason->status = PRESSO_ZONE_STATUS_CONTRAINDICATED;
          g_ptr_array_add (result->reasons, reason);

          if (reason->status == PRESSO_ZONE_STATUS_CONTRAINDICATED)
            result->status[z] = PRESSO_ZONE_STATUS_CONTRAINDICATED;
          else if (reason->decision == NULL && result->status[z] == PRESSO_ZONE_STATUS_CLEARED)
            result->status[z] = PRESSO_ZONE_STATUS_NEEDS_DECISION;
        }
    }
  g_ptr_array_add (result->missing, NULL);

  return result;
}

gboolean
presso_screening_add_decision (PressoScreening               *self,
                               PressoScreeningRules          *rules,
                               const PressoScreeningDecision *decision,
                               GDateTime                     *now,
                               GError                       **error)
{
  g_autoptr(PressoScreeningResult) result = NULL;
  const PressoScreeningReason *relative = NULL;
  PressoScreeningItem *item;

  g_return_val_if_fail (PRESSO_IS_SCREENING (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), FALSE);
  g_return_val_if_fail (decision != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (!is_single_zone (decision->zone))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION,
                   _("A decision concerns exactly one zone"));
      return FALSE;
    }
  item = decision->item_id ? presso_screening_rules_lookup (rules, decision->item_id) : NULL;
  if (item == NULL)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION,
                   _("There is no question “%s”"), decision->item_id ? decision->item_id : "");
      return FALSE;
    }

  result = presso_screening_evaluate (self, rules, now);
  for (guint i = 0; i < result->reasons->len; i++)
    {
      const PressoScreeningReason *reason = g_ptr_array_index (result->reasons, i);

      if (reason->item != item || reason->zone != decision->zone)
        continue;
      if (reason->status == PRESSO_ZONE_STATUS_CONTRAINDICATED)
        {
          g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NOT_OVERRIDABLE,
                       _("“%s” makes the zone “%s” contraindicated: no decision can override it"),
                       presso_screening_item_get_question (item),
                       presso_zone_to_label (decision->zone));
          return FALSE;
        }
      relative = reason;
    }

  if (relative == NULL)
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION,
                   _("“%s” raises nothing to decide for the zone “%s”"),
                   presso_screening_item_get_question (item),
                   presso_zone_to_label (decision->zone));
      return FALSE;
    }

  if (string_is_blank (decision->reason))
    {
      g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION,
                   _("A decision needs the practitioner’s reason"));
      return FALSE;
    }

  /* A new decision on the same item and zone replaces the earlier one. */
  for (guint i = 0; i < self->decisions->len; i++)
    {
      const PressoScreeningDecision *old = g_ptr_array_index (self->decisions, i);

      if (old->zone == decision->zone && g_strcmp0 (old->item_id, decision->item_id) == 0)
        {
          g_ptr_array_remove_index (self->decisions, i);
          break;
        }
    }
  g_ptr_array_add (self->decisions, presso_screening_decision_copy (decision));
  return TRUE;
}

void
presso_screening_take_decision (PressoScreening         *self,
                                PressoScreeningDecision *decision)
{
  g_return_if_fail (PRESSO_IS_SCREENING (self));
  g_return_if_fail (decision != NULL);
  g_ptr_array_add (self->decisions, decision);
}

GPtrArray *
presso_screening_get_decisions (PressoScreening *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), NULL);
  return self->decisions;
}

gboolean
presso_screening_is_expired (PressoScreening *self,
                             GDateTime       *now,
                             guint            validity_days)
{
  g_autoptr(GDateTime) screened = NULL;
  GDate day_screened, day_now;
  int y, m, d;

  g_return_val_if_fail (PRESSO_IS_SCREENING (self), TRUE);
  g_return_val_if_fail (now != NULL, TRUE);

  if (self->screened_at == NULL)
    return TRUE;

  /* Whole calendar days where the clinic is (@now's time zone), not 24-hour periods. */
  screened = g_date_time_to_timezone (self->screened_at, g_date_time_get_timezone (now));
  g_date_time_get_ymd (screened, &y, &m, &d);
  g_date_set_dmy (&day_screened, d, m, y);
  g_date_time_get_ymd (now, &y, &m, &d);
  g_date_set_dmy (&day_now, d, m, y);

  return g_date_days_between (&day_screened, &day_now) > (gint) validity_days;
}

gboolean
presso_screening_is_stale (PressoScreening *self,
                           GDateTime       *client_changed_at)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING (self), TRUE);

  if (client_changed_at == NULL)
    return FALSE;
  if (self->screened_at == NULL)
    return TRUE;
  return g_date_time_compare (client_changed_at, self->screened_at) > 0;
}

PressoScreeningStatus
presso_screening_get_status (PressoScreening      *screening,
                             PressoScreeningRules *rules,
                             GDateTime            *now,
                             guint                 validity_days,
                             GDateTime            *client_changed_at)
{
  g_return_val_if_fail (screening == NULL || PRESSO_IS_SCREENING (screening),
                        PRESSO_SCREENING_STATUS_MISSING);
  g_return_val_if_fail (now != NULL, PRESSO_SCREENING_STATUS_MISSING);

  if (screening == NULL)
    return PRESSO_SCREENING_STATUS_MISSING;
  if (presso_screening_is_expired (screening, now, validity_days))
    return PRESSO_SCREENING_STATUS_EXPIRED;
  if (presso_screening_is_stale (screening, client_changed_at))
    return PRESSO_SCREENING_STATUS_NEEDS_REVIEW;
  if (rules != NULL)
    {
      g_autoptr(PressoScreeningResult) result = presso_screening_evaluate (screening, rules, now);

      if (presso_screening_result_get_missing (result)[0] != NULL)
        return PRESSO_SCREENING_STATUS_NEEDS_REVIEW;
    }
  return PRESSO_SCREENING_STATUS_VALID;
}

const char *
presso_screening_status_to_label (PressoScreeningStatus status)
{
  switch (status)
    {
    case PRESSO_SCREENING_STATUS_MISSING:
      return _("No screening");
    case PRESSO_SCREENING_STATUS_VALID:
      return _("Screening valid");
    case PRESSO_SCREENING_STATUS_EXPIRED:
      return _("Screening expired");
    case PRESSO_SCREENING_STATUS_NEEDS_REVIEW:
      return _("Screening needs review");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
presso_zone_status_to_label (PressoZoneStatus status)
{
  switch (status)
    {
    case PRESSO_ZONE_STATUS_CLEARED:
      return _("Cleared");
    case PRESSO_ZONE_STATUS_NEEDS_DECISION:
      return _("Needs a practitioner’s decision");
    case PRESSO_ZONE_STATUS_CONTRAINDICATED:
      return _("Contraindicated");
    default:
      g_return_val_if_reached (NULL);
    }
}
