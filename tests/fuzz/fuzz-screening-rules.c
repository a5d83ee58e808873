/* fuzz-screening-rules.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for what Presso reads from a clinic's hands: the screening rules file, and
 * the stored text of answers.  Any input must give either rules or an error (never both, never
 * a crash); rules that load are then evaluated with answers drawn from the same bytes, and the
 * gate must agree with the verdict.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "presso-screening.h"
#include "presso-screening-gate.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const PressoScreeningKind kinds[] = {
  PRESSO_SCREENING_KIND_YES_NO, PRESSO_SCREENING_KIND_NUMBER, PRESSO_SCREENING_KIND_NUMBER_PAIR,
  PRESSO_SCREENING_KIND_DATE, PRESSO_SCREENING_KIND_ZONES,
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningRules) rules = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);

  /* Stored answers: whatever the text, a kind's parser gives an answer or an error. */
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GError) answer_error = NULL;
      g_autoptr(PressoScreeningAnswer) answer = presso_screening_answer_parse (kinds[k], text,
                                                                               &answer_error);

      g_assert ((answer == NULL) != (answer_error == NULL));
      if (answer != NULL)
        {
          g_autofree char *again = presso_screening_answer_to_string (answer);

          g_assert (again != NULL);
        }
    }

  rules = presso_screening_rules_new_from_data ((const char *) data, size, "fuzz", &error);
  g_assert ((rules == NULL) != (error == NULL));
  if (rules != NULL)
    {
      g_autoptr(PressoScreening) screening = presso_screening_new (1);
      g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);
      g_autoptr(PressoScreeningResult) result = NULL;
      guint n = presso_screening_rules_get_n_items (rules);

      g_assert (n > 0);
      presso_screening_set_id (screening, 1);
      presso_screening_set_screened_at (screening, now);
      for (guint i = 0; i < n; i++)
        {
          PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);
          guint8 byte = size > 0 ? data[i % size] : 0;
          PressoScreeningAnswer *answer;

          switch (presso_screening_item_get_kind (item))
            {
            case PRESSO_SCREENING_KIND_YES_NO:
              answer = presso_screening_answer_new_yes_no (byte & 1);
              break;
            case PRESSO_SCREENING_KIND_NUMBER:
              answer = presso_screening_answer_new_number (byte / 10.0);
              break;
            case PRESSO_SCREENING_KIND_NUMBER_PAIR:
              answer = presso_screening_answer_new_pair (byte, 255 - byte);
              break;
            case PRESSO_SCREENING_KIND_DATE:
              answer = presso_screening_answer_new_date (now);
              break;
            case PRESSO_SCREENING_KIND_ZONES:
            default:
              answer = presso_screening_answer_new_zones (byte & PRESSO_ZONES_ALL);
              break;
            }
          presso_screening_take_answer (screening, presso_screening_item_get_id (item), answer);
        }

      result = presso_screening_evaluate (screening, rules, now);
      for (PressoZones zone = PRESSO_ZONE_LEGS; zone <= PRESSO_ZONE_ABDOMEN; zone <<= 1)
        {
          g_autoptr(GError) gate_error = NULL;
          gboolean allowed = presso_screening_gate_check (rules, screening, zone, now, 180, NULL,
                                                          NULL, NULL, &gate_error);

          /* Every question answered: the gate says exactly what the verdict says. */
          g_assert (allowed == (presso_screening_result_get_zone_status (result, zone) ==
                                PRESSO_ZONE_STATUS_CLEARED));
        }
    }
  return 0;
}
