/* presso-measure-points.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ranges are wide on purpose: a lymphoedematous thigh can pass 80 cm and a child's wrist
 * be under 12; what they catch are the slips of a keyboard (a missing digit, an extra one, a
 * weight typed in a circumference), not unusual bodies.
 */

#define G_LOG_DOMAIN "presso-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "presso-measure-points.h"
#include "presso-program.h"

#define CM_MIN  10.0
#define CM_MAX  200.0
#define KG_MIN  20.0
#define KG_MAX  300.0

#define BOOT_L   PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT)
#define BOOT_R   PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_RIGHT)
#define SLEEVE_L PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_SLEEVE_LEFT)
#define SLEEVE_R PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_SLEEVE_RIGHT)
#define BELT     PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BELT)

#define CM(id, label, where, region, garments) \
  { id, label, where, PRESSO_MEASURE_UNIT_CM, PRESSO_MEASURE_REGION_##region, CM_MIN, CM_MAX, garments }

static const PressoMeasurePoint points[] = {
  { PRESSO_MEASURE_POINT_WEIGHT, N_("Weight"), N_("Before dressing in the garments"),
    PRESSO_MEASURE_UNIT_KG, PRESSO_MEASURE_REGION_BODY, KG_MIN, KG_MAX, 0 },
  CM ("left-ankle", N_("Left ankle"), N_("Just above the malleoli"), LEG, BOOT_L),
  CM ("left-calf-max", N_("Left calf"), N_("At its widest"), LEG, BOOT_L),
  CM ("left-below-knee", N_("Below the left knee"), N_("Just below the kneecap"), LEG, BOOT_L),
  CM ("left-mid-thigh", N_("Left mid-thigh"), N_("Halfway up the thigh"), LEG, BOOT_L),
  CM ("left-upper-thigh", N_("Left upper thigh"), N_("Just below the groin"), LEG, BOOT_L),
  CM ("right-ankle", N_("Right ankle"), N_("Just above the malleoli"), LEG, BOOT_R),
  CM ("right-calf-max", N_("Right calf"), N_("At its widest"), LEG, BOOT_R),
  CM ("right-below-knee", N_("Below the right knee"), N_("Just below the kneecap"), LEG, BOOT_R),
  CM ("right-mid-thigh", N_("Right mid-thigh"), N_("Halfway up the thigh"), LEG, BOOT_R),
  CM ("right-upper-thigh", N_("Right upper thigh"), N_("Just below the groin"), LEG, BOOT_R),
  CM ("left-wrist", N_("Left wrist"), N_("Just above the wrist bones"), ARM, SLEEVE_L),
  CM ("left-forearm-max", N_("Left forearm"), N_("At its widest"), ARM, SLEEVE_L),
  CM ("left-elbow", N_("Left elbow"), N_("At the elbow crease"), ARM, SLEEVE_L),
  CM ("left-upper-arm", N_("Left upper arm"), N_("Halfway between elbow and shoulder"), ARM, SLEEVE_L),
  CM ("right-wrist", N_("Right wrist"), N_("Just above the wrist bones"), ARM, SLEEVE_R),
  CM ("right-forearm-max", N_("Right forearm"), N_("At its widest"), ARM, SLEEVE_R),
  CM ("right-elbow", N_("Right elbow"), N_("At the elbow crease"), ARM, SLEEVE_R),
  CM ("right-upper-arm", N_("Right upper arm"), N_("Halfway between elbow and shoulder"), ARM, SLEEVE_R),
  CM ("waist", N_("Waist"), N_("At its narrowest"), TRUNK, BELT),
  CM ("abdomen", N_("Abdomen"), N_("At the navel"), TRUNK, BELT),
  CM ("hips", N_("Hips"), N_("At the widest of the buttocks"), TRUNK, BELT),
};

G_DEFINE_QUARK (presso-measure-error-quark, presso_measure_error)

guint
presso_measure_points_get_n (void)
{
  return G_N_ELEMENTS (points);
}

const PressoMeasurePoint *
presso_measure_points_get (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (points), NULL);
  return &points[index];
}

guint
presso_measure_point_index (const char *id)
{
  if (id == NULL)
    return G_MAXUINT;
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    if (strcmp (points[i].id, id) == 0)
      return i;
  return G_MAXUINT;
}

const PressoMeasurePoint *
presso_measure_point_lookup (const char *id)
{
  guint index = presso_measure_point_index (id);

  return index == G_MAXUINT ? NULL : &points[index];
}

const char *
presso_measure_point_get_label (const PressoMeasurePoint *point)
{
  g_return_val_if_fail (point != NULL, NULL);
  return _(point->label);
}

const char *
presso_measure_point_get_where (const PressoMeasurePoint *point)
{
  g_return_val_if_fail (point != NULL, NULL);
  return _(point->where);
}

const char *
presso_measure_unit_to_label (PressoMeasureUnit unit)
{
  switch (unit)
    {
    /* Translators: the unit of a weight */
    case PRESSO_MEASURE_UNIT_KG: return _("kg");
    /* Translators: the unit of a circumference */
    case PRESSO_MEASURE_UNIT_CM:
    default: return _("cm");
    }
}

gboolean
presso_measure_point_matches_garments (const PressoMeasurePoint *point,
                                       guint                     garments)
{
  g_return_val_if_fail (point != NULL, FALSE);
  return (point->garments & garments) != 0;
}

gboolean
presso_measure_point_check (const PressoMeasurePoint  *point,
                            double                     value,
                            GError                   **error)
{
  g_return_val_if_fail (point != NULL, FALSE);

  if (isfinite (value) && value >= point->min && value <= point->max)
    return TRUE;
  g_set_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE,
               /* Translators: a measurement typed out of range: "Left calf: 350 cm is not
                * plausible (10–200 cm); check for a typo" */
               _("%s: %g %s is not plausible (%g–%g %s); check for a typo"),
               presso_measure_point_get_label (point), value, presso_measure_unit_to_label (point->unit),
               point->min, point->max, presso_measure_unit_to_label (point->unit));
  return FALSE;
}

static gboolean
strip_suffix (char       *text,
              const char *suffix)
{
  size_t n = strlen (text), m = strlen (suffix);

  if (m == 0 || n < m || g_ascii_strcasecmp (text + n - m, suffix) != 0)
    return FALSE;
  text[n - m] = '\0';
  g_strchomp (text);
  return TRUE;
}

gboolean
presso_measure_point_parse (const PressoMeasurePoint  *point,
                            const char                *text,
                            double                    *value,
                            GError                   **error)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double parsed;

  g_return_val_if_fail (point != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  *value = NAN;
  copy = g_strstrip (g_strdup (text ? text : ""));
  if (copy[0] == '\0')
    return TRUE;
  /* "41 cm" as well as "41": the unit typed out of habit is no mistake. */
  if (!strip_suffix (copy, presso_measure_unit_to_label (point->unit)))
    strip_suffix (copy, point->unit == PRESSO_MEASURE_UNIT_KG ? "kg" : "cm");
  /* A French keyboard types "41,5". */
  g_strdelimit (copy, ",", '.');
  parsed = g_ascii_strtod (copy, &end);
  if (copy[0] == '\0' || end == copy || *end != '\0' || !isfinite (parsed) ||
      strchr (copy, 'x') != NULL || strchr (copy, 'X') != NULL)
    {
      g_set_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_NOT_A_NUMBER,
                   /* Translators: a measurement that is not a number; the example uses the
                    * decimal separator users type */
                   _("%s: “%s” is not a number; type it like 41.5"),
                   presso_measure_point_get_label (point), text);
      return FALSE;
    }
  if (!presso_measure_point_check (point, parsed, error))
    return FALSE;
  *value = parsed;
  return TRUE;
}

char *
presso_measure_point_format (const PressoMeasurePoint *point,
                             double                    value)
{
  g_return_val_if_fail (point != NULL, NULL);
  /* Translators: a measured value and its unit: "41.5 cm" */
  return g_strdup_printf (_("%.1f %s"), value, presso_measure_unit_to_label (point->unit));
}
