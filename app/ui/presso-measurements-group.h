/* presso-measurements-group.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The measurements taken before or after a session: one row per point of the catalogue
 * (presso-measure-points.h) with an entry and its unit.  The points of the garments worn come
 * first with the weight; the others wait under "More points".  Blank is "not measured"; what
 * is typed is checked as it is typed, and a value out of range is marked and explained, never
 * dropped.
 */
#pragma once

#include <adwaita.h>

#include "presso-measure-points.h"

G_BEGIN_DECLS

/**
 * PressoMeasuredValue:
 * @point: the point
 * @value: in the point's unit
 */
typedef struct
{
  const PressoMeasurePoint *point;
  double                    value;
} PressoMeasuredValue;

#define PRESSO_TYPE_MEASUREMENTS_GROUP (presso_measurements_group_get_type ())
G_DECLARE_FINAL_TYPE (PressoMeasurementsGroup, presso_measurements_group, PRESSO, MEASUREMENTS_GROUP, AdwBin)

/* Property "after" (FALSE: before the session): what the entries are called for screen
 * readers.  Property "garments": PRESSO_PROGRAM_GARMENT_BIT() mask of the garments worn. */
GtkWidget   *presso_measurements_group_new          (void);
gboolean     presso_measurements_group_get_after    (PressoMeasurementsGroup *self);
void         presso_measurements_group_set_after    (PressoMeasurementsGroup *self,
                                                     gboolean                 after);
guint        presso_measurements_group_get_garments (PressoMeasurementsGroup *self);
void         presso_measurements_group_set_garments (PressoMeasurementsGroup *self,
                                                     guint                    garments);
/* Empties every entry (a new session). */
void         presso_measurements_group_clear        (PressoMeasurementsGroup *self);
/* The values taken before the session, shown beside the same points after it (and those
 * points offered first).  @values: (nullable) (element-type PressoMeasuredValue): NULL clears. */
void         presso_measurements_group_set_references (PressoMeasurementsGroup *self,
                                                       GArray                  *values);
/* The entry of @point ("left-calf-max"): tests type into it.  (transfer none) (nullable) */
GtkEditable *presso_measurements_group_get_entry    (PressoMeasurementsGroup *self,
                                                     const char              *point);
/* Whether @point is offered first (a garment worn covers it, it is the weight, or something is
 * typed in it) rather than under "More points". */
gboolean     presso_measurements_group_is_offered   (PressoMeasurementsGroup *self,
                                                     const char              *point);
/* The valid values typed, in catalogue order; blank points and refused values are left out.
 * (transfer full) (element-type PressoMeasuredValue) */
GArray      *presso_measurements_group_get_values   (PressoMeasurementsGroup *self);
/* TRUE when every entry is blank or valid; else FALSE with the first problem in @error (the
 * group shows them all). */
gboolean     presso_measurements_group_check        (PressoMeasurementsGroup *self,
                                                     GError                 **error);

G_END_DECLS
