/* presso-measure-points.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The named points a practitioner measures before and after a session: limb circumferences
 * per side (legs, arms), the trunk, and the weight.  Each point has a stable id (what the store
 * keeps), a label, a unit, the range a real value falls in (so that a typo such as 3.5 or 350
 * is caught, not saved) and the garments it goes with (the boot of its side, the sleeve of its
 * side, the belt), so that a session offers first the points of the garments it uses.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PRESSO_MEASURE_ERROR (presso_measure_error_quark ())

typedef enum
{
  PRESSO_MEASURE_ERROR_NOT_A_NUMBER,   /* not a number ("4l.5") */
  PRESSO_MEASURE_ERROR_IMPLAUSIBLE,    /* a number outside the point's range */
  PRESSO_MEASURE_ERROR_UNKNOWN_POINT,  /* no point of that id */
} PressoMeasureError;

typedef enum
{
  PRESSO_MEASURE_UNIT_CM,   /* circumferences */
  PRESSO_MEASURE_UNIT_KG,   /* weight */
} PressoMeasureUnit;

typedef enum
{
  PRESSO_MEASURE_REGION_BODY,   /* the whole body: weight */
  PRESSO_MEASURE_REGION_LEG,
  PRESSO_MEASURE_REGION_ARM,
  PRESSO_MEASURE_REGION_TRUNK,
} PressoMeasureRegion;

/**
 * PressoMeasurePoint:
 * @id: the stable lowercase id the store keeps ("left-ankle", "waist", "weight")
 * @label: the name, untranslated (see presso_measure_point_get_label())
 * @where: where to put the tape, untranslated (see presso_measure_point_get_where())
 * @unit: centimetres or kilograms
 * @region: the part of the body
 * @min: the smallest plausible value
 * @max: the largest plausible value
 * @garments: PRESSO_PROGRAM_GARMENT_BIT() of the garments covering the point (0: none, weight)
 */
typedef struct
{
  const char          *id;
  const char          *label;
  const char          *where;
  PressoMeasureUnit    unit;
  PressoMeasureRegion  region;
  double               min;
  double               max;
  guint                garments;
} PressoMeasurePoint;

#define PRESSO_MEASURE_POINT_WEIGHT "weight"

GQuark                    presso_measure_error_quark        (void);

/* The catalogue, in the order it is shown: weight, then legs (left, right; from the ankle up),
 * arms (left, right; from the wrist up), trunk. */
guint                     presso_measure_points_get_n       (void);
const PressoMeasurePoint *presso_measure_points_get         (guint                     index);
/* (nullable): NULL for an id not in the catalogue. */
const PressoMeasurePoint *presso_measure_point_lookup       (const char               *id);
/* The catalogue index of @id, or G_MAXUINT. */
guint                     presso_measure_point_index        (const char               *id);

/* Translated. */
const char               *presso_measure_point_get_label    (const PressoMeasurePoint *point);
const char               *presso_measure_point_get_where    (const PressoMeasurePoint *point);
const char               *presso_measure_unit_to_label      (PressoMeasureUnit         unit);

/* Whether one of @garments (PRESSO_PROGRAM_GARMENT_BIT() mask) covers @point. */
gboolean                  presso_measure_point_matches_garments (const PressoMeasurePoint *point,
                                                                 guint                     garments);

/* A value within the point's range; IMPLAUSIBLE with a message naming the point, the value
 * and the range otherwise. */
gboolean                  presso_measure_point_check        (const PressoMeasurePoint *point,
                                                             double                    value,
                                                             GError                  **error);
/* What was typed: blank means "not measured" (TRUE, *@value set to NAN); a number with a point
 * or a comma as the decimal separator ("41.5", "41,5"), optionally followed by the unit, is
 * checked with presso_measure_point_check(); anything else is NOT_A_NUMBER. */
gboolean                  presso_measure_point_parse        (const PressoMeasurePoint *point,
                                                             const char               *text,
                                                             double                   *value,
                                                             GError                  **error);
/* "41.5 cm", "72.4 kg" (one decimal; locale's separator).  (transfer full) */
char                     *presso_measure_point_format       (const PressoMeasurePoint *point,
                                                             double                    value);

G_END_DECLS
